//! One module per subcommand of `gtsim`; each takes its flags (a `clap::Args` struct) and
//! returns `Result<(), Error>`. The helpers here are the ones several commands share.

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use crate::error::{Error, bad_input};

pub mod claims;
pub mod explain;
pub mod import;
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
