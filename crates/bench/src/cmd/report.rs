//! `gtsim report DIR`: (re)draw the report of a finished run from its files alone.

use std::path::PathBuf;

use crate::error::Error;

/// The flags of `gtsim report`.
#[derive(Debug, clap::Args)]
pub struct ReportArgs {
    /// The run's output folder.
    pub dir: PathBuf,
}

/// `gtsim report`.
pub fn report(args: &ReportArgs) -> Result<(), Error> {
    let written = crate::report::generate(&args.dir)?;
    println!("wrote {} files:", written.len());
    for p in written {
        println!("  {}", p.display());
    }
    Ok(())
}
