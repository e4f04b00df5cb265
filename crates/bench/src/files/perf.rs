//! `perf.json`: wall-clock figures of a run (not deterministic, so kept out of summary.json).

use serde::Serialize;

/// The file's name in the output folder.
pub const FILE: &str = "perf.json";

/// `perf.json`'s content. With `--replications N`, for the whole command: wall time and
/// events of all N runs.
#[derive(Debug, Serialize)]
pub struct Perf {
    pub wall_s: f64,
    pub events: u64,
    pub events_per_s: f64,
    pub threads: usize,
    pub peak_rss_mb: Option<f64>,
}

impl Perf {
    /// Pretty-printed JSON with a trailing newline.
    pub fn write(&self) -> String {
        serde_json::to_string_pretty(self).expect("serializes") + "\n"
    }
}

/// Peak resident set size of this process in MiB (Linux `VmHWM`), if the platform tells.
pub fn peak_rss_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some((kb / 1024.0 * 10.0).round() / 10.0)
}
