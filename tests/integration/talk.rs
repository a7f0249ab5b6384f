//! c2c talks: its voice (Kokoro, downloaded by c2c from the registries' archives served on
//! loopback) says a caller's phrases, and c2c's own recogniser finds them in what a phone line
//! would carry (8 kHz G.711 mu-law).

use crate::models::{model, voice};

/// A phone line: 16 kHz down to 8 kHz (every other sample of a low-passed signal), through
/// mu-law and back, up again.
fn phone_line(samples: &[i16]) -> Vec<f32> {
    let narrow: Vec<i16> = samples
        .chunks(2)
        .map(|p| ((i32::from(p[0]) + i32::from(*p.get(1).unwrap_or(&p[0]))) / 2) as i16)
        .collect();
    narrow
        .iter()
        .map(|&s| f32::from(mulaw_decode(mulaw_encode(s))) / 32768.0)
        .flat_map(|s| [s, s])
        .collect()
}

fn mulaw_encode(sample: i16) -> u8 {
    const BIAS: i32 = 0x84;
    let mut s = i32::from(sample).clamp(-32635, 32635);
    let sign = if s < 0 { 0x80 } else { 0 };
    if s < 0 {
        s = -s;
    }
    s += BIAS;
    let exponent = (0..8).rev().find(|e| s & (0x80 << e) != 0).unwrap_or(0);
    let mantissa = (s >> (exponent + 3)) & 0x0f;
    !(sign | (exponent << 4) | mantissa) as u8
}

fn mulaw_decode(byte: u8) -> i16 {
    let u = !byte;
    let exponent = (u >> 4) & 0x07;
    let magnitude = ((((i32::from(u) & 0x0f) << 3) + 0x84) << exponent) - 0x84;
    (if u & 0x80 != 0 { -magnitude } else { magnitude }) as i16
}

#[test]
fn what_c2c_says_is_heard_through_a_phone_line() {
    let files = voice();
    let mut kokoro = c2c::voice::kokoro::Kokoro::load(files).expect("the voice loads");
    let model = c2c::speech::ModelFiles::in_folder(model()).unwrap();
    let mut ears = c2c::speech::Moonshine::load(&model).unwrap();
    let phrases = [
        "I want to check my balance",
        "representative",
        "my account number is 45678",
        "I'd like to pay $42.50",
        "cancel my order",
    ];
    let mut found = 0;
    for phrase in phrases {
        let said = kokoro.say(phrase, "af_heart", 1.0).expect("Kokoro says it");
        let seconds = said.len() as f64 / 16_000.0;
        assert!((0.3..10.0).contains(&seconds), "{phrase:?}: {seconds} s");
        let mut heard_audio = vec![0.0f32; 4_000];
        heard_audio.extend(phone_line(&said));
        heard_audio.extend(vec![0.0f32; 4_000]);
        let heard = ears.transcribe(&heard_audio).unwrap();
        let matched = c2c::phrase::find(phrase, &heard, 0.75).is_some();
        eprintln!("{phrase:?} -> {heard:?} ({seconds:.2} s)");
        if matched {
            found += 1;
        }
    }
    assert!(
        found >= phrases.len() - 1,
        "{found} of {} phrases were heard",
        phrases.len()
    );
}
