//! The call's network quality as the Voice SDK measures it: its per-second samples (MOS, jitter,
//! round-trip time, packet loss) and its quality warnings, summarised for the reports, and a
//! scenario's floor (`quality: {mos: 3.5}`) checked against them.

use serde::Serialize;

/// One of the SDK's samples, each figure checked to be one the SDK could give (the page is not
/// trusted: see said.rs).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Sample {
    pub mos: Option<f64>,
    /// Milliseconds.
    pub jitter: Option<f64>,
    /// Milliseconds.
    pub rtt: Option<f64>,
    /// Percent of packets lost.
    pub loss: Option<f64>,
}

impl Sample {
    /// Keeps the figures that are in range; `None` for a sample with none.
    pub fn checked(
        mos: Option<f64>,
        jitter: Option<f64>,
        rtt: Option<f64>,
        loss: Option<f64>,
    ) -> Option<Sample> {
        let within = |v: Option<f64>, low: f64, high: f64| {
            v.filter(|v| v.is_finite() && (low..=high).contains(v))
        };
        let sample = Sample {
            mos: within(mos, 1.0, 5.0),
            jitter: within(jitter, 0.0, 60_000.0),
            rtt: within(rtt, 0.0, 60_000.0),
            loss: within(loss, 0.0, 100.0),
        };
        (sample != Sample::default()).then_some(sample)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Spread {
    pub min: f64,
    pub avg: f64,
    pub max: f64,
}

/// What the reports say of a call's quality.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Quality {
    /// How many of the SDK's samples (one a second) there were.
    pub samples: usize,
    pub mos: Option<Spread>,
    pub jitter_ms: Option<Spread>,
    pub rtt_ms: Option<Spread>,
    pub loss_percent: Option<Spread>,
    /// The SDK's quality warnings (`high-jitter`, `low-mos`, …), each once, in order.
    pub warnings: Vec<String>,
}

fn spread(values: impl Iterator<Item = f64>) -> Option<Spread> {
    let values: Vec<f64> = values.collect();
    if values.is_empty() {
        return None;
    }
    let round = |v: f64| (v * 100.0).round() / 100.0;
    Some(Spread {
        min: round(values.iter().copied().fold(f64::INFINITY, f64::min)),
        avg: round(values.iter().sum::<f64>() / values.len() as f64),
        max: round(values.iter().copied().fold(f64::NEG_INFINITY, f64::max)),
    })
}

/// The summary, or `None` when the SDK gave neither a sample nor a warning.
pub fn summarise(samples: &[Sample], warnings: &[String]) -> Option<Quality> {
    if samples.is_empty() && warnings.is_empty() {
        return None;
    }
    Some(Quality {
        samples: samples.len(),
        mos: spread(samples.iter().filter_map(|s| s.mos)),
        jitter_ms: spread(samples.iter().filter_map(|s| s.jitter)),
        rtt_ms: spread(samples.iter().filter_map(|s| s.rtt)),
        loss_percent: spread(samples.iter().filter_map(|s| s.loss)),
        warnings: warnings.to_vec(),
    })
}

/// Whether the call, answered for `lasted` seconds, kept to `floor` (the average MOS of its
/// samples); why not, otherwise.
pub fn meets(quality: Option<&Quality>, floor: f64, lasted: f64) -> Result<String, String> {
    match quality.and_then(|q| q.mos) {
        Some(mos) if mos.avg >= floor => Ok(format!(
            "MOS {:.2} on average (lowest {:.2})",
            mos.avg, mos.min
        )),
        Some(mos) => Err(format!(
            "MOS {:.2} on average (lowest {:.2}), under {floor}",
            mos.avg, mos.min
        )),
        // The SDK rates MOS once a second from the round-trip time, which the far end's first
        // reports give only after a few seconds: a short call has none to judge.
        None => Err(format!(
            "the Voice SDK measured no MOS in this {lasted:.1} s call: it rates the call once a second once the far end's reports arrive, a few seconds in. Keep the call up longer (a wait step, or hangup-after: 10s), or drop quality:"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_out_of_range_are_left_out_and_the_rest_summarised() {
        assert_eq!(
            Sample::checked(Some(9.0), Some(f64::NAN), None, Some(-1.0)),
            None
        );
        let samples = [
            Sample::checked(Some(4.4), Some(2.0), Some(20.0), Some(0.0)).unwrap(),
            Sample::checked(Some(3.0), Some(30.0), Some(40.0), Some(2.0)).unwrap(),
        ];
        let q = summarise(&samples, &["high-jitter".to_owned()]).unwrap();
        assert_eq!(q.samples, 2);
        assert_eq!(
            q.mos,
            Some(Spread {
                min: 3.0,
                avg: 3.7,
                max: 4.4
            })
        );
        assert_eq!(q.jitter_ms.unwrap().max, 30.0);
        assert_eq!(
            meets(Some(&q), 3.5, 9.0),
            Ok("MOS 3.70 on average (lowest 3.00)".to_owned())
        );
        assert!(meets(Some(&q), 4.0, 9.0).unwrap_err().contains("under 4"));
        let why = meets(None, 4.0, 1.5).unwrap_err();
        assert!(why.contains("no MOS in this 1.5 s call"), "{why}");
        assert!(why.contains("Keep the call up longer"), "{why}");
        assert_eq!(summarise(&[], &[]), None);
    }
}
