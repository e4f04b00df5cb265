//! The files of a run's output folder, one module per file: its name, its columns, how it is
//! written from a run and read back (docs/metrics.md describes every one). All CSV goes
//! through [`csv`]. Nothing here draws a report: `report` reads these, never the reverse.
//!
//! Files are written to a temporary name in the output folder and renamed into place
//! ([`write_files`]); `gtsim run` writes `summary.json` last, so an interrupted or failed run
//! never leaves a folder that looks complete.

use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};

pub mod classes;
pub mod csv;
pub mod curve;
pub mod distributions;
pub mod load;
pub mod perf;
pub mod ranges;
pub mod replications;
pub mod run_part;
pub mod summary;
pub mod sweep;
pub mod sweep_shard;

/// `command.txt`: the command that reproduces the run.
pub const COMMAND_FILE: &str = "command.txt";
/// `workload.toml`: the workload text as given (the command's overrides apply on top).
pub const WORKLOAD_FILE: &str = "workload.toml";

/// The index files `PREFIX<I>-of-<S>SUFFIX` in `dir` (shard files of an index run), as
/// `(S, I, path)` sorted; other names are skipped. A folder that cannot be read is bad input.
pub fn indexed_files(
    dir: &Path,
    prefix: &str,
    suffix: &str,
) -> Result<Vec<(u64, u64, PathBuf)>, crate::Error> {
    let mut out = Vec::new();
    let entries = fs::read_dir(dir)
        .map_err(|e| crate::error::bad_input(format!("{}: {e}", dir.display())))?;
    for e in entries {
        let p = e.map_err(|e| crate::error::cannot_write(dir, e))?.path();
        let n = p
            .file_name()
            .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
        let Some((i, s)) = n
            .strip_prefix(prefix)
            .and_then(|r| r.strip_suffix(suffix))
            .and_then(|r| r.split_once("-of-"))
        else {
            continue;
        };
        if let (Ok(i), Ok(s)) = (i.parse(), s.parse()) {
            out.push((s, i, p));
        }
    }
    out.sort();
    Ok(out)
}

/// Write `files` into `dir` atomically one by one (temp name, then rename), in order.
pub fn write_files(dir: &Path, files: &[(&str, String)]) -> std::io::Result<Vec<PathBuf>> {
    fs::create_dir_all(dir)?;
    let mut written = Vec::new();
    for (name, content) in files {
        let final_path = dir.join(name);
        let tmp = dir.join(format!(".{name}.tmp"));
        let mut f = fs::File::create(&tmp)?;
        f.write_all(content.as_bytes())?;
        f.sync_all()?;
        fs::rename(&tmp, &final_path)?;
        written.push(final_path);
    }
    Ok(written)
}

/// Removes `path`; a missing file is fine.
pub fn remove_if_present(path: &Path) -> std::io::Result<()> {
    match fs::remove_file(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
        _ => Ok(()),
    }
}

/// Every column each CSV file here writes (for the docs/metrics.md test). `sweep.csv` and
/// `sweep-summary.csv` also have one column per grid key, which the user names.
pub fn all_columns() -> Vec<(&'static str, Vec<&'static str>)> {
    vec![
        (curve::FILE, curve::columns()),
        (distributions::FILE, distributions::COLUMNS.to_vec()),
        (classes::FILE, classes::COLUMNS.to_vec()),
        (load::FILE, load::COLUMNS.to_vec()),
        (replications::FILE, replications::columns()),
        (sweep::CSV, sweep::csv_columns()),
        (sweep::SUMMARY_CSV, sweep::SUMMARY_COLUMNS.to_vec()),
    ]
}

#[cfg(test)]
pub(crate) mod tests {
    use std::sync::OnceLock;

    use sim_engine::run::{RunOptions, RunOutput};

    /// A small lockstep run (a region with `capacity_rps`, two resolver classes) whose first
    /// arm is named `a, "b" ü`: every file has rows, and names need quoting.
    pub(crate) fn run_output() -> &'static RunOutput {
        static OUT: OnceLock<RunOutput> = OnceLock::new();
        OUT.get_or_init(|| {
            let text = r#"
name = "files-fixture"
[simulation]
duration = "4m"
clients = 2000
seed = 7
[[regions]]
name = "us-east-1"
capacity_rps = 40
[[regions]]
name = "eu-west-1"
[[resolvers]]
name = "honest"
share = 0.8
clients_per_resolver = 100
[[resolvers]]
name = "floor"
share = 0.2
clients_per_resolver = 50
ttl = { mode = "floor", min = "120s" }
[[failures]]
region = "us-east-1"
at = "1m"
kind = "hard"
[[arms]]
name = 'a, "b" ü'
kind = "route53"
policy = "failover"
ttl = "60s"
health_check = { interval = "10s", failure_threshold = 2 }
[[arms]]
name = "plain"
kind = "route53"
policy = "latency"
ttl = "30s"
"#;
            let w = crate::workload::parse_workload(text).expect("fixture loads");
            sim_engine::run::run(&w, &RunOptions::default(), &|_, _| {}).expect("fixture runs")
        })
    }

    /// Every column each files/ module writes is defined in docs/metrics.md.
    #[test]
    fn every_column_is_documented() {
        let doc = include_str!("../../../../docs/metrics.md");
        for (file, columns) in super::all_columns() {
            assert!(doc.contains(file), "{file} is not in docs/metrics.md");
            for c in columns {
                assert!(
                    doc.contains(&format!("`{c}`")),
                    "{file}: column `{c}` is not in docs/metrics.md"
                );
            }
        }
    }
}
