//! Steps that take a moment (the tunnel, Twilio's API): a spinner each on a terminal, plain log
//! lines otherwise, so that piped output and CI logs stay readable.

use std::time::Duration;

use indicatif::{MultiProgress, ProgressBar, ProgressStyle};

pub struct Progress {
    bars: Option<&'static MultiProgress>,
}

pub struct Step {
    bar: Option<ProgressBar>,
    what: String,
}

impl Default for Progress {
    /// Spinners when standard error is a terminal.
    fn default() -> Self {
        Progress {
            bars: crate::logging::bars(),
        }
    }
}

impl Progress {
    pub fn start(&self, what: impl Into<String>) -> Step {
        let what = what.into();
        let bar = self.bars.as_ref().map(|bars| {
            let bar = bars.add(ProgressBar::new_spinner());
            bar.set_style(
                ProgressStyle::with_template("{spinner} {msg}")
                    .unwrap_or_else(|_| ProgressStyle::default_spinner()),
            );
            bar.set_message(format!("{what}…"));
            bar.enable_steady_tick(Duration::from_millis(80));
            bar
        });
        if bar.is_none() {
            tracing::info!("{what}…");
        }
        Step { bar, what }
    }

    /// A step of `total` bytes (a download): a bar with the bytes and the speed on a terminal.
    pub fn sized(&self, what: impl Into<String>, total: u64) -> Step {
        let what = what.into();
        let bar = self.bars.as_ref().map(|bars| {
            let bar = bars.add(ProgressBar::new(total));
            bar.set_style(
                ProgressStyle::with_template(
                    "{msg} {wide_bar} {decimal_bytes}/{decimal_total_bytes} {decimal_bytes_per_sec}",
                )
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
            );
            bar.set_message(what.clone());
            bar
        });
        if bar.is_none() {
            tracing::info!("{what} ({:.1} MB)…", total as f64 / 1e6);
        }
        Step { bar, what }
    }
}

impl Step {
    /// `n` more bytes of a sized step.
    pub fn advance(&self, n: u64) {
        if let Some(bar) = &self.bar {
            bar.inc(n);
        }
    }

    pub fn done(self, result: impl std::fmt::Display) {
        match self.bar {
            Some(bar) => bar.finish_with_message(format!("✓ {}: {result}", self.what)),
            None => tracing::info!("{}: {result}", self.what),
        }
    }

    /// Ends the step with nothing more to say: what it found is shown right after.
    pub fn clear(self) {
        if let Some(bar) = self.bar {
            bar.finish_and_clear();
        }
    }

    /// The error itself is reported by whoever handles it; the spinner only stops.
    pub fn failed(self) {
        if let Some(bar) = self.bar {
            bar.finish_with_message(format!("✗ {}", self.what));
        }
    }
}
