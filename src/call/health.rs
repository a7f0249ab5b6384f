//! How busy this machine is, for the words of a call c2c could not judge: on Linux, the share of
//! the last ten seconds in which some task waited for a CPU (`/proc/pressure/cpu`, pressure stall
//! information). Elsewhere, or where the kernel does not keep it, nothing is said.

/// " (this machine's CPU was under pressure 63% of the last 10 s)", or nothing.
pub fn machine_pressure() -> String {
    std::fs::read_to_string("/proc/pressure/cpu")
        .ok()
        .and_then(|text| some_avg10(&text))
        .filter(|share| *share >= 1.0)
        .map(|share| {
            format!(" (this machine's CPU was under pressure {share:.0}% of the last 10 s)")
        })
        .unwrap_or_default()
}

/// `avg10` of the `some` line: "some avg10=63.20 avg60=… avg300=… total=…".
fn some_avg10(text: &str) -> Option<f64> {
    text.lines()
        .find_map(|line| line.strip_prefix("some "))?
        .split_whitespace()
        .find_map(|field| field.strip_prefix("avg10="))?
        .parse()
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_share_of_time_some_task_waited_for_a_cpu_is_read() {
        let text = "some avg10=63.20 avg60=10.01 avg300=2.00 total=123456\nfull avg10=0.00 avg60=0.00 avg300=0.00 total=0\n";
        assert_eq!(some_avg10(text), Some(63.2));
        assert_eq!(some_avg10("full avg10=1.00\n"), None);
        assert_eq!(some_avg10("some avg10=x\n"), None);
    }
}
