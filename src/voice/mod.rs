//! What c2c says into a call (`say`): text read as a person would and turned into phonemes
//! (`phonemes`, misaki's US lexicon), spoken by Kokoro-82M through ONNX Runtime (`kokoro`) from
//! files pinned and fetched on first use (`files`), or by the machine's own synthesiser
//! (`system`). Every phrase of a run is synthesised before its step, beside the calls
//! (`Speaker`), and Kokoro's are kept on disk by voice, speed and text, so a suite says each once.

pub mod files;
pub mod kokoro;
pub mod phonemes;
pub mod system;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use tokio::sync::watch;

pub use files::{VOICES, VoiceFiles};

/// Who says a phrase.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Voice {
    /// One of Kokoro's voices (`VOICES`).
    Kokoro(&'static str),
    /// The machine's own synthesiser.
    System,
}

impl Voice {
    pub fn parse(text: &str) -> Result<Voice, String> {
        if text == "system" {
            return Ok(Voice::System);
        }
        VOICES
            .iter()
            .find(|v| **v == text)
            .map(|v| Voice::Kokoro(v))
            .ok_or_else(|| {
                format!(
                    "{text:?} is not a voice: use {} or system (the machine's own synthesiser)",
                    VOICES.join(", ")
                )
            })
    }

    pub fn name(self) -> &'static str {
        match self {
            Voice::Kokoro(name) => name,
            Voice::System => "system",
        }
    }
}

impl Default for Voice {
    fn default() -> Self {
        Voice::Kokoro(VOICES[0])
    }
}

/// A phrase to say, and how.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Say {
    pub text: String,
    pub voice: Voice,
    /// In hundredths of the voice's own pace (100: as it speaks).
    pub pace: u16,
}

impl Say {
    pub fn speed(&self) -> f32 {
        f32::from(self.pace) / 100.0
    }
}

/// How c2c makes a phrase's audio: the model's pin and how its output is cut. Changed whenever
/// either changes, so that no audio made the old way is played again.
const MAKING: &str = "kokoro-v1.0-int8 edges-kept";

/// A phrase's name in the cache: how it is made, the voice, the pace and the phonemes it is said
/// as (not its text: a change in how c2c reads text is a new name, never stale audio).
fn cache_name(say: &Say, phonemes: &str) -> String {
    let key = format!("{MAKING} {} {} {phonemes}", say.voice.name(), say.pace);
    let digest = ring::digest::digest(&ring::digest::SHA256, key.as_bytes());
    let hex: String = digest.as_ref()[..16]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    format!("{hex}.wav")
}

/// The most a run may ask c2c to say, its distinct phrases together (characters): about twenty
/// minutes of speech, which Kokoro takes about as long to make on two cores. A scenario from a
/// cloned repository may not keep the machine synthesising for hours, or fill the disk.
pub const MOST_A_RUN: usize = 20_000;

/// The characters of a run's distinct phrases, checked against `MOST_A_RUN`.
pub fn check_run(phrases: &[Say]) -> Result<(), String> {
    let distinct: std::collections::HashSet<&Say> = phrases.iter().collect();
    let total: usize = distinct.iter().map(|p| p.text.chars().count()).sum();
    match total > MOST_A_RUN {
        true => Err(format!(
            "the calls ask c2c to say {total} characters of distinct phrases, more than the {MOST_A_RUN} a run may (about twenty minutes of speech): say less, or split the suite"
        )),
        false => Ok(()),
    }
}

/// Where c2c keeps the voice and what it said.
pub fn cache_root() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "c2c").map(|dirs| dirs.cache_dir().join("voice"))
}

type Said = HashMap<Say, Result<Arc<[i16]>, String>>;

/// A run's phrases, each synthesised once on a thread of its own while the calls start and
/// ring, in the order the run says them.
pub struct Speaker {
    said: watch::Sender<Said>,
}

impl Speaker {
    /// Starts saying `phrases`: those cached at once, then the rest, Kokoro loaded from `files`
    /// when one needs it. `cache` is the folder of what was said (none: nothing kept).
    pub fn start(
        files: Option<VoiceFiles>,
        cache: Option<PathBuf>,
        phrases: Vec<Say>,
    ) -> Arc<Speaker> {
        let (said, _) = watch::channel(Said::new());
        let speaker = Arc::new(Speaker { said });
        // The thread stops once the run has let its speaker go.
        let publish = Arc::downgrade(&speaker);
        std::thread::spawn(move || {
            below_the_calls();
            synthesise(&publish, files, cache.as_deref(), phrases)
        });
        speaker
    }

    /// A speaker whose phrases are already said: `phrases`' audio.
    #[cfg(test)]
    pub fn with(phrases: Vec<(Say, Vec<i16>)>) -> Arc<Speaker> {
        let said = phrases
            .into_iter()
            .map(|(say, audio)| (say, Ok(Arc::from(audio))))
            .collect();
        Arc::new(Speaker {
            said: watch::channel(said).0,
        })
    }

    /// A speaker whose phrases are said `after` a while: a synthesiser on a busy machine.
    #[cfg(test)]
    pub fn after(after: std::time::Duration, phrases: Vec<(Say, Vec<i16>)>) -> Arc<Speaker> {
        let speaker = Speaker::with(Vec::new());
        let publish = Arc::downgrade(&speaker);
        std::thread::spawn(move || {
            std::thread::sleep(after);
            if let Some(speaker) = publish.upgrade() {
                speaker.said.send_modify(|said| {
                    said.extend(phrases.into_iter().map(|(s, a)| (s, Ok(Arc::from(a)))));
                });
            }
        });
        speaker
    }

    /// The audio of `say` if it is synthesised already: a call waits for its words by going on
    /// listening and asking again.
    pub fn ready(&self, say: &Say) -> Option<Result<Arc<[i16]>, String>> {
        self.said.borrow().get(say).cloned()
    }

    /// The audio of `say`, once it is synthesised.
    pub async fn audio(&self, say: &Say) -> Result<Arc<[i16]>, String> {
        let mut said = self.said.subscribe();
        let ready = said.wait_for(|said| said.contains_key(say)).await;
        match ready {
            Ok(said) => said[say].clone(),
            Err(_) => Err(format!("{:?} was not prepared to be said", say.text)),
        }
    }
}

/// The synthesis runs beside Chromium starting and placing the calls, on the same two cores: at a
/// lower priority (nice 10), so that a call with `say` steps is placed as soon as one without.
/// On Linux a thread has a priority of its own (and ONNX Runtime's threads, started from it,
/// inherit it); elsewhere the call would lower the whole process, so it is not made.
fn below_the_calls() {
    #[cfg(target_os = "linux")]
    // SAFETY: setpriority has no memory effects; on Linux, `who` 0 is the calling thread.
    unsafe {
        libc::setpriority(libc::PRIO_PROCESS, 0, 10);
    }
}

/// Says `phrases` in order for the speaker behind `publish`, those cached first.
fn synthesise(
    publish: &std::sync::Weak<Speaker>,
    files: Option<VoiceFiles>,
    cache: Option<&Path>,
    mut phrases: Vec<Say>,
) {
    let mut seen = std::collections::HashSet::new();
    phrases.retain(|p| seen.insert(p.clone()));
    // False once nobody waits for the words any more: the thread stops.
    let publish = |say: &Say, audio: Result<Vec<i16>, String>| match publish.upgrade() {
        Some(speaker) => {
            speaker.said.send_modify(|said| {
                said.insert(say.clone(), audio.map(Arc::from));
            });
            true
        }
        None => false,
    };
    // Kokoro's phrases as phonemes (the lexicon loads once, if any is Kokoro's): those said
    // before are ready before anything is synthesised.
    let mut lexicon: Option<Result<phonemes::Lexicon, String>> = None;
    let mut left: Vec<(Say, Option<String>)> = Vec::new();
    for say in phrases {
        let (Voice::Kokoro(_), Some(files)) = (say.voice, &files) else {
            left.push((say, None));
            continue;
        };
        let read =
            lexicon.get_or_insert_with(|| phonemes::Lexicon::load(&files.gold, &files.silver));
        let Ok(read) = read else {
            left.push((say, None));
            continue;
        };
        let spoken = read.phonemes(&say.text);
        let cached = cache
            .map(|dir| dir.join(cache_name(&say, &spoken)))
            .filter(|path| path.is_file())
            .and_then(|path| crate::wav::read_wav(&path).ok());
        match cached {
            Some(samples) => {
                if !publish(&say, Ok(samples)) {
                    return;
                }
            }
            None => left.push((say, Some(spoken))),
        }
    }
    let mut kokoro: Option<Result<kokoro::Kokoro, String>> = None;
    for (say, spoken) in left {
        let audio = match (say.voice, spoken) {
            (Voice::System, _) => system::say(&say.text),
            (Voice::Kokoro(voice), Some(spoken)) => {
                let engine = kokoro.get_or_insert_with(|| {
                    let files = files.as_ref().ok_or("c2c's voice was not made ready")?;
                    let read = match lexicon.take() {
                        Some(Ok(read)) => read,
                        _ => phonemes::Lexicon::load(&files.gold, &files.silver)?,
                    };
                    kokoro::Kokoro::with_lexicon(files, read).map_err(|why| {
                        format!(
                            "c2c's voice cannot be used: {why}. Delete {} and run again to download it anew, or use voice=system",
                            files.dir.display()
                        )
                    })
                });
                let audio = match engine {
                    Ok(engine) => engine.say_phonemes(&spoken, voice, say.speed()),
                    Err(why) => Err(why.clone()),
                };
                if let (Ok(samples), Some(dir)) = (&audio, cache) {
                    let _ = std::fs::create_dir_all(dir);
                    let path = dir.join(cache_name(&say, &spoken));
                    if let Err(err) = crate::wav::write_wav(&path, samples) {
                        tracing::warn!("cannot keep what c2c said in {}: {err}", dir.display());
                    }
                }
                audio
            }
            (Voice::Kokoro(_), None) => Err(match &lexicon {
                Some(Err(why)) => format!("c2c's voice cannot read text: {why}"),
                _ => "c2c's voice was not made ready".to_owned(),
            }),
        };
        let audio = audio.and_then(|samples| {
            if samples.is_empty() {
                return Err(format!("{:?} made no sound", say.text));
            }
            Ok(samples)
        });
        if !publish(&say, audio) {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn say(text: &str) -> Say {
        Say {
            text: text.to_owned(),
            voice: Voice::default(),
            pace: 100,
        }
    }

    #[test]
    fn a_run_may_say_only_so_much_and_a_phrase_said_twice_counts_once() {
        let long = "a".repeat(400);
        let many: Vec<Say> = (0..50).map(|i| say(&format!("{long}{i}"))).collect();
        assert!(
            check_run(&many)
                .unwrap_err()
                .contains("more than the 20000")
        );
        let repeated: Vec<Say> = (0..1000).map(|_| say(&long)).collect();
        assert_eq!(check_run(&repeated), Ok(()));
    }

    #[tokio::test]
    async fn the_system_voice_is_said_beside_the_run_and_waited_for() {
        // A phrase for the machine's own synthesiser; with none installed it is an error that
        // says what to install, which is waited for the same way.
        let phrase = Say {
            voice: Voice::System,
            ..say("press one")
        };
        let speaker = Speaker::start(None, None, vec![phrase.clone()]);
        match (system::found(), speaker.audio(&phrase).await) {
            (Some(_), Ok(audio)) => assert!(audio.len() > 4_000),
            (None, Err(why)) => assert!(why.contains("apt-get install flite"), "{why}"),
            (found, got) => panic!("{found:?}: {got:?}"),
        }
    }
}
