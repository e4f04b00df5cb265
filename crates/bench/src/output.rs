//! Output files (`spec/METRICS.md`): `summary.json`, `curve.csv`, `distributions.csv`,
//! `perf.json`, and the terminal table. Reports (`report.md`, `report.html`, plots) are drawn by `report.rs`.
//!
//! Files are written to a temporary name in the output folder and renamed into place, and
//! `summary.json` is renamed last: an interrupted or failed run never leaves a folder that
//! looks complete.

use std::fmt::Write as _;
use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use serde::Serialize;
use sim_engine::curve::COLUMNS;
use sim_engine::metrics::{ArmSummary, Summary, secs};
use sim_engine::run::RunOutput;

use crate::replications::Replications;

/// `perf.json`: wall-clock figures (not deterministic, kept out of summary.json). With
/// `--replications N`, for the whole command: wall time and events of all N runs.
#[derive(Debug, Serialize)]
pub struct Perf {
    pub wall_s: f64,
    pub events: u64,
    pub events_per_s: f64,
    pub threads: usize,
    pub peak_rss_mb: Option<f64>,
}

/// Peak resident set size of this process in MiB (Linux `VmHWM`), if the platform tells.
pub fn peak_rss_mb() -> Option<f64> {
    let status = fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some((kb / 1024.0 * 10.0).round() / 10.0)
}

/// `summary.json`: pretty-printed, trailing newline. Deterministic for a given run output.
pub fn summary_json(summary: &Summary) -> String {
    let mut s = serde_json::to_string_pretty(summary).expect("summary serializes");
    s.push('\n');
    s
}

/// `curve.csv` with the exact header of METRICS.md; one row per arm per bin.
pub fn curve_csv(out: &RunOutput) -> String {
    let mut s = String::from("arm,t_s");
    for c in COLUMNS {
        s.push(',');
        s.push_str(c);
    }
    s.push('\n');
    for curve in &out.curves {
        for (i, bin) in curve.bins.iter().enumerate() {
            let _ = write!(s, "{},{}", curve.name, secs(i as u64 * out.bin));
            for v in bin.values() {
                let _ = write!(s, ",{v}");
            }
            s.push('\n');
        }
    }
    s
}

/// `load.csv` (lockstep runs only: some region has `capacity_rps`): one row per arm, bin and
/// region: `arm,t_s,region,capacity_rps,attempts,shed,offered_rps,shed_fraction,shed_p`.
/// `attempts` counts attempts that reached the region in the bin (by attempt time, retries
/// included), `shed` those it shed; `shed_p` is the shed probability the bin ran with (decided
/// from the previous bin's load); `capacity_rps` is empty for a region without a limit.
/// `None` when no arm ran in lockstep.
pub fn load_csv(out: &RunOutput) -> Option<String> {
    if out.loads.is_empty() {
        return None;
    }
    let mut s = String::from(
        "arm,t_s,region,capacity_rps,attempts,shed,offered_rps,shed_fraction,shed_p\n",
    );
    let bin_s = out.bin as f64 / 1e6;
    for arm in &out.loads {
        for (i, bin) in arm.bins.iter().enumerate() {
            // The last bin may be cut short by the end of the run.
            let len_s = bin_s.min(out.summary.duration_s - i as f64 * bin_s);
            for (r, b) in bin.iter().enumerate() {
                let cap = arm.capacity_rps[r].map_or(String::new(), |c| format!("{c:.3}"));
                let frac = if b.load.attempts > 0 {
                    b.load.shed as f64 / b.load.attempts as f64
                } else {
                    0.0
                };
                let _ = writeln!(
                    s,
                    "{},{},{},{cap},{},{},{:.3},{frac:.6},{:.6}",
                    arm.name,
                    secs(i as u64 * out.bin),
                    arm.regions[r],
                    b.load.attempts,
                    b.load.shed,
                    b.load.attempts as f64 / len_s,
                    b.shed_p
                );
            }
        }
    }
    Some(s)
}

/// `distributions.csv`: `arm,metric,quantile,value`, per arm the `rto_s` rows (cohort
/// clients) then the `latency_ms` rows (steady state), at the quantiles of
/// [`sim_engine::run::distribution_quantiles`]. An arm without data for a metric has no rows for it.
pub fn distributions_csv(out: &RunOutput) -> String {
    let mut s = String::from("arm,metric,quantile,value\n");
    for d in &out.distributions {
        for (metric, rows) in [("rto_s", &d.rto), ("latency_ms", &d.latency)] {
            for (q, v) in rows {
                let _ = writeln!(s, "{},{metric},{q:.3},{v}", d.name);
            }
        }
    }
    s
}

/// `classes.csv`: per arm and resolver class, the class's clients, cohort and RTO / latency
/// percentiles, and its share of the arm's tail at or beyond the arm's p50, p99 and p99.9
/// (columns [`crate::tails::COLUMNS`]; empty cells are nulls).
pub fn classes_csv(out: &RunOutput) -> String {
    let mut s = crate::tails::COLUMNS.join(",");
    s.push('\n');
    let cell = |v: Option<f64>| v.map_or_else(String::new, |x| x.to_string());
    let share = |v: Option<f64>| v.map_or_else(String::new, |x| format!("{x:.6}"));
    let count = |v: Option<u64>| v.map_or_else(String::new, |x| x.to_string());
    for c in &out.classes {
        let _ = write!(
            s,
            "{},{},{},{},{},{},{}",
            c.arm,
            c.class,
            c.placement,
            c.ecs,
            c.clients,
            count(c.cohort_clients),
            count(c.never_recovered)
        );
        for v in c
            .rto_s
            .iter()
            .map(|&v| cell(v))
            .chain(c.rto_tail_share.iter().map(|&v| share(v)))
        {
            let _ = write!(s, ",{v}");
        }
        for v in c
            .latency_ms
            .iter()
            .map(|&v| cell(v))
            .chain(c.latency_tail_share.iter().map(|&v| share(v)))
        {
            let _ = write!(s, ",{v}");
        }
        s.push('\n');
    }
    s
}

fn fmt_opt(v: Option<f64>) -> String {
    match v {
        Some(x) => format!("{x:.1}"),
        None => "-".into(),
    }
}

/// The arms side by side, as a Markdown table (also printed to the terminal).
pub fn arms_table(summary: &Summary) -> String {
    let mut s = String::new();
    s.push_str(
        "| arm | detection s | converge p50 / p90 / p99 s | stale p50 / p99 s | \
         RTO p50 / p99 / max s | never recovered | failed requests | auth queries |\n",
    );
    s.push_str("|---|---:|---:|---:|---:|---:|---:|---:|\n");
    for a in &summary.arms {
        let ArmSummary {
            converge_s: c,
            stale_converge_s: st,
            rto_s: r,
            ..
        } = a;
        let _ = writeln!(
            s,
            "| {} | {} | {} / {} / {} | {} / {} | {} / {} / {} | {} | {} of {} | {} |",
            a.name,
            fmt_opt(a.detection_s),
            fmt_opt(c.p50),
            fmt_opt(c.p90),
            fmt_opt(c.p99),
            fmt_opt(st.p50),
            fmt_opt(st.p99),
            fmt_opt(r.p50),
            fmt_opt(r.p99),
            fmt_opt(r.max),
            r.never_recovered.map_or("-".into(), |n| format!(
                "{n} of {}",
                a.cohort_clients.unwrap_or(0)
            )),
            a.failed,
            a.requests,
            a.auth_queries,
        );
    }
    s
}

/// The mean ± 95 % CI table of `--replications N`, as Markdown (printed to the terminal).
pub fn replications_table(r: &Replications) -> String {
    let arms = r.arms();
    let mut s = format!(
        "Across {} seeds: mean ± 95 % CI (n)\n\n| figure |",
        r.seeds().len()
    );
    for a in &arms {
        let _ = write!(s, " {a} |");
    }
    s.push_str("\n|---|");
    for _ in &arms {
        s.push_str("---:|");
    }
    s.push('\n');
    for (label, cells) in r.ci_rows() {
        let _ = writeln!(s, "| {label} | {} |", cells.join(" | "));
    }
    s
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
