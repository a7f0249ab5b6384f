//! `c2c call`: a call from headless Chromium, through c2c's own server (in process, or one
//! already running) and, with `--tunnel`, its tunnel.

mod inputs;
mod output;

use std::sync::Arc;

use tokio::sync::mpsc;

use crate::call::{self, CallSpec, Placed, RunEvent};
use crate::caller::{
    Rig, dial_policy, dialled, settle_leg, signalling, speech_ready, voice_ready, with_rig,
};
use crate::cli::CallArgs;
use crate::error::Error;
use crate::settings::call::{Call, Serving};
use crate::voice::Speaker;

/// What is made ready beside the browser, when the call needs it.
type Loading<T> = Option<tokio::task::JoinHandle<Result<T, Error>>>;

pub fn run(args: &CallArgs, settings: Call) -> Result<(), Error> {
    let (mut spec, outputs) = inputs::read(args, settings.speech_size)?;
    spec.signalling = signalling(&settings.serving);
    settle_leg(&mut spec, &settings);
    spec.own_page = matches!(settings.serving, Serving::InProcess(_));
    match dialled(dial_policy(&settings).as_ref(), &spec.target) {
        Ok(target) => spec.target = target,
        Err(refusal) => {
            return output::finish(&outputs, &call::refused_up_front(&spec, refusal));
        }
    }
    let placed = super::runtime()?.block_on(async {
        let (events, shown) = mpsc::unbounded_channel();
        let showing = tokio::spawn(output::show(shown));
        // The model is found (or downloaded) while the browser starts.
        let speech = (spec.hears_words() || args.transcribe).then(|| {
            tokio::spawn(speech_ready(
                settings.speech.clone(),
                vec![spec.speech_size],
            ))
        });
        // The voice too, and the call's words are synthesised beside it from then on.
        let phrases = spec.phrases();
        let voice = (!phrases.is_empty())
            .then(|| tokio::spawn(voice_ready(settings.speech.clone(), phrases)));
        let placed = place(args, settings, &mut spec, (speech, voice), events).await;
        // Every line of the call is out before its outcome.
        let _ = showing.await;
        placed
    })?;
    let report = output::keep(placed, &outputs)?;
    output::finish(&outputs, &report)
}

async fn place(
    args: &CallArgs,
    settings: Call,
    plan: &mut CallSpec,
    (speech, voice): (Loading<call::Models>, Loading<Arc<Speaker>>),
    events: mpsc::UnboundedSender<RunEvent>,
) -> Result<Placed, Error> {
    let kinds = [plan.leg.unwrap_or_default()];
    let rig = Rig {
        settings,
        kinds: &kinds,
        chrome_args: &args.caller.chrome_args,
        speech,
        voice,
    };
    with_rig(rig, |ready| async move {
        plan.speech = ready.speech.and_then(|m| m.get(plan.speech_size));
        plan.voice = ready.voice;
        ready
            .legs
            .place(plan, &ready.page, ready.cancel, events)
            .await
    })
    .await
}
