//! One module per subcommand of `gtsim`; each takes its flags (a `clap::Args` struct) and
//! returns `Result<(), Error>`. The helpers here are the ones several commands share.

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use crate::error::{Error, bad_input};

pub mod claims;
pub mod connections;
pub mod explain;
pub mod import;
pub mod merge;
pub mod report;
pub mod run;
pub mod sweep;
pub mod validate;

/// A flag set by the first Ctrl-C (after printing `on_first`, if any); a second Ctrl-C ends
/// the process at once with status 130.
pub fn ctrlc_flag(on_first: Option<&'static str>) -> Arc<AtomicBool> {
    let cancel = Arc::new(AtomicBool::new(false));
    let flag = cancel.clone();
    let _ = ctrlc::set_handler(move || {
        if flag.swap(true, Ordering::SeqCst) {
            std::process::exit(130);
        }
        if let Some(m) = on_first {
            eprintln!("{m}");
        }
    });
    cancel
}

/// The text of a workload file; a file that cannot be read is bad input.
pub fn read_workload(path: &Path) -> Result<String, Error> {
    std::fs::read_to_string(path)
        .map_err(|e| bad_input(format!("cannot read workload {}: {e}", path.display())))
}

/// `gtsim default-workload`.
pub fn default_workload() -> Result<(), Error> {
    print!("{}", crate::DEFAULT_WORKLOAD);
    Ok(())
}

/// The flags that cut a sweep or a run by index (`--shards S --index I` or
/// `--index-from-env VAR`), shared by `gtsim sweep` and `gtsim run` (docs/distributed.md).
#[derive(Debug, Clone, Default, clap::Args)]
pub struct IndexArgs {
    /// Cut the work into S parts by index (part k of the work goes to index k mod S); each
    /// index writes its part into OUT/shards/, a merge folds them (docs/distributed.md).
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..))]
    pub shards: Option<u64>,
    /// This task's index, 0 to S-1 (with --shards).
    #[arg(long, conflicts_with = "index_from_env", requires = "shards")]
    pub index: Option<u64>,
    /// Read this task's index from an environment variable (SLURM_ARRAY_TASK_ID,
    /// JOB_COMPLETION_INDEX, AWS_BATCH_JOB_ARRAY_INDEX), with --shards.
    #[arg(long, value_name = "VAR", requires = "shards")]
    pub index_from_env: Option<String>,
}

impl IndexArgs {
    /// `Some((S, I))` when the work is cut by index; a missing, non-integer or out-of-range
    /// index is bad input naming the flag or the variable.
    pub fn resolve(&self) -> Result<Option<(u64, u64)>, Error> {
        let Some(s) = self.shards else {
            return Ok(None);
        };
        let (i, from) = match (&self.index, &self.index_from_env) {
            (Some(i), _) => (*i, "--index".to_string()),
            (None, Some(var)) => {
                let raw = std::env::var(var).map_err(|_| {
                    bad_input(format!(
                        "--index-from-env {var}: the environment variable {var} is not set"
                    ))
                })?;
                let i = raw.trim().parse::<u64>().map_err(|_| {
                    bad_input(format!(
                        "--index-from-env {var}: {var}={raw:?} is not a non-negative integer"
                    ))
                })?;
                (i, format!("--index-from-env {var} ({var}={raw})"))
            }
            (None, None) => {
                return Err(bad_input(format!(
                    "--shards {s}: give --index I or --index-from-env VAR"
                )));
            }
        };
        if i >= s {
            return Err(bad_input(format!(
                "{from}: index {i} is out of range for --shards {s} (0 to {})",
                s - 1
            )));
        }
        Ok(Some((s, i)))
    }
}
