//! The `gtsim` command's library half: workload loading with key-path errors, output writers
//! and reports. The binary (`main.rs`) turns flags into calls and errors into messages and exit
//! statuses; the engine never sees flags, paths or files.

pub mod claims;
pub mod explain;
pub mod output;
pub mod overload_report;
pub mod plot;
pub mod replications;
pub mod report;
pub mod sweep;
pub mod tails;
pub mod who_first;
pub mod workload;

pub use workload::duration;

/// The embedded default workload (`workloads/seed000-latency-vs-ga.toml`: seed 000's question,
/// Route 53 latency routing vs Global Accelerator), run when `gtsim run` is given no file.
pub const DEFAULT_WORKLOAD: &str = include_str!("../../../workloads/seed000-latency-vs-ga.toml");
