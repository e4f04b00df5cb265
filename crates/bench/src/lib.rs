//! The `gtsim` command's library half. Imports point one way:
//!
//! - [`cmd`]: one module per subcommand (flags → calls, errors → [`Error`]);
//! - [`report`]: reports drawn from a run's files (`report.md`, `report.html`, plots), and
//!   the sweep page;
//! - [`files`]: every output file, its name, columns, writer and reader (docs/metrics.md);
//! - [`sweep`]: the grid, plan and folder of `gtsim sweep`;
//! - [`workload`]: the workload loader with key-path errors.
//!
//! `cmd → report → files`, `cmd → workload`; `files` never imports `report`. The binary
//! (`main.rs`) parses flags and maps an [`Error`] to its exit status; the engine never sees
//! flags, paths or files.

pub mod cmd;
pub mod error;
pub mod files;
pub mod report;
pub mod stats;
pub mod sweep;
pub mod workload;

pub use error::Error;
pub use workload::duration;

/// The embedded default workload (`workloads/seed000-latency-vs-ga.toml`: seed 000's question,
/// Route 53 latency routing vs Global Accelerator), run when `gtsim run` is given no file.
pub const DEFAULT_WORKLOAD: &str = include_str!("../../../workloads/seed000-latency-vs-ga.toml");
