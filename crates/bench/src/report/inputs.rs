//! What a report is drawn from: a run's output folder only. `summary.json` and `curve.csv`
//! are required (docs/metrics.md, read loosely: extra fields and columns are ignored); the
//! other files `gtsim run` writes beside them are optional.

use std::fs;
use std::path::Path;

use crate::error::Error;
use crate::files::classes::{self, ClassRow};
use crate::files::curve::{self, ArmCurve};
use crate::files::distributions::{self, ArmDistribution};
use crate::files::load::{self as load_file, LoadRow};
use crate::files::ranges::{self, RangeRow};
use crate::files::replications::{self, Replications};
use crate::files::summary::{self, SummaryView};
use crate::files::{COMMAND_FILE, WORKLOAD_FILE};

/// What a report is drawn from.
#[derive(Debug, Clone, PartialEq)]
pub struct Inputs {
    /// summary.json, checked to have a `workload` and named `arms`.
    pub summary: SummaryView,
    /// curve.csv, per arm in order of first appearance.
    pub curve: Vec<ArmCurve>,
    /// distributions.csv, per arm in order of first appearance, if the folder has one.
    pub distributions: Option<Vec<ArmDistribution>>,
    /// The workload's `description`, if known.
    pub description: Option<String>,
    /// The command that produced the run, if known.
    pub command: Option<String>,
    /// replications.csv (`gtsim run --replications N`), if the folder has one.
    pub replications: Option<Replications>,
    /// classes.csv (tail attribution by resolver class), if the folder has one.
    pub classes: Option<Vec<ClassRow>>,
    /// load.csv (a region has `capacity_rps`), if the folder has one.
    pub load: Option<Vec<LoadRow>>,
    /// ranges.csv (`gtsim run --ranges`), if the folder has one.
    pub ranges: Option<Vec<RangeRow>>,
    /// Per arm (summary order): the health signal that detects the first failure's region
    /// (`Arm::signal(..).label()`: "Route 53 health checkers", "ELB target health", …), when
    /// the workload is known.
    pub signals: Option<Vec<String>>,
}

/// Each arm's health signal for the workload's first failure (region 0 without failures).
pub fn signals(w: &sim_engine::config::Workload) -> Vec<String> {
    let region = w.failures.first().map_or(0, |f| f.region);
    w.arms
        .iter()
        .map(|a| a.signal(region).label().to_string())
        .collect()
}

/// The `description` of a workload's TOML text, if it has one.
pub fn workload_description(text: &str) -> Result<Option<String>, String> {
    let v: toml::Table = toml::from_str(text).map_err(|e| format!("invalid TOML: {e}"))?;
    Ok(v.get("description")
        .and_then(|d| d.as_str())
        .map(str::to_string))
}

fn read_required(dir: &Path, name: &str) -> Result<String, Error> {
    let p = dir.join(name);
    fs::read_to_string(&p).map_err(|e| {
        Error::BadInput(if e.kind() == std::io::ErrorKind::NotFound {
            format!(
                "{}: not found; is {} the output folder of a finished `gtsim run`?",
                p.display(),
                dir.display()
            )
        } else {
            format!("cannot read {}: {e}", p.display())
        })
    })
}

fn read_optional(dir: &Path, name: &str) -> Result<Option<String>, Error> {
    let p = dir.join(name);
    match fs::read_to_string(&p) {
        Ok(s) => Ok(Some(s)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(Error::BadInput(format!("cannot read {}: {e}", p.display()))),
    }
}

/// Reads a run's output folder: summary.json and curve.csv (required), distributions.csv,
/// workload.toml, command.txt, replications.csv, ranges.csv, classes.csv and load.csv
/// (optional). Missing or invalid files are [`Error::BadInput`] errors naming
/// the file.
pub fn load(dir: &Path) -> Result<Inputs, Error> {
    let summary_text = read_required(dir, summary::FILE)?;
    let summary = summary::parse(&summary_text)
        .map_err(|e| Error::BadInput(format!("{}: {e}", dir.join(summary::FILE).display())))?;
    let curve_text = read_required(dir, curve::FILE)?;
    let curve = curve::parse(&curve_text)
        .map_err(|e| Error::BadInput(format!("{}: {e}", dir.join(curve::FILE).display())))?;
    let distributions = read_optional(dir, distributions::FILE)?
        .map(|t| distributions::parse(&t))
        .transpose()
        .map_err(|e| {
            Error::BadInput(format!("{}: {e}", dir.join(distributions::FILE).display()))
        })?;
    let workload_text = read_optional(dir, WORKLOAD_FILE)?;
    let description = match &workload_text {
        Some(t) => workload_description(t)
            .map_err(|e| Error::BadInput(format!("{}: {e}", dir.join(WORKLOAD_FILE).display())))?,
        None => None,
    };
    // A workload that no longer loads (an older run) just leaves the signals out.
    let signals = workload_text
        .and_then(|t| crate::workload::parse_workload(&t).ok())
        .map(|w| signals(&w));
    let command = read_optional(dir, COMMAND_FILE)?
        .map(|c| c.trim().to_string())
        .filter(|c| !c.is_empty());
    let replications = read_optional(dir, replications::FILE)?
        .map(|t| replications::parse(&t))
        .transpose()
        .map_err(|e| Error::BadInput(format!("{}: {e}", dir.join(replications::FILE).display())))?;
    let classes = read_optional(dir, classes::FILE)?
        .map(|t| classes::parse(&t))
        .transpose()
        .map_err(|e| Error::BadInput(format!("{}: {e}", dir.join(classes::FILE).display())))?;
    let load_file = load_file::FILE;
    let load = read_optional(dir, load_file)?
        .map(|t| load_file::parse(&t))
        .transpose()
        .map_err(|e| Error::BadInput(format!("{}: {e}", dir.join(load_file).display())))?;
    let ranges = read_optional(dir, ranges::FILE)?
        .map(|t| ranges::parse(&t))
        .transpose()
        .map_err(|e| Error::BadInput(format!("{}: {e}", dir.join(ranges::FILE).display())))?;
    Ok(Inputs {
        summary,
        curve,
        distributions,
        description,
        command,
        replications,
        classes,
        load,
        ranges,
        signals,
    })
}
