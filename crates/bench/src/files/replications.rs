//! `gtsim run --replications N`: the same workload under seeds seed, seed+1, …, seed+N-1.
//!
//! Each replication's headline figures become rows of `replications.csv` (docs/metrics.md:
//! one per seed and arm, seed order then arm order, an empty cell for `null`), appended and
//! flushed as each replication finishes. Reports read the file back (`report::replications`
//! shows the mean and a 95 % Student-t confidence interval per arm and figure).
//! Everything here is a pure function of its inputs: same rows, same bytes.

use std::fs::{File, OpenOptions};
use std::io::Write as _;
use std::path::{Path, PathBuf};

use sim_engine::metrics::{ArmSummary, Summary};

use super::csv;

/// The file's name in the output folder.
pub const FILE: &str = "replications.csv";

/// The figure columns, after `seed,arm`.
pub const FIGURES: [&str; 20] = [
    "cohort_clients",
    "detection_s",
    "converge_p50_s",
    "converge_p90_s",
    "converge_p99_s",
    "converge_p999_s",
    "stale_converge_p50_s",
    "stale_converge_p99_s",
    "rto_p50_s",
    "rto_p90_s",
    "rto_p99_s",
    "rto_max_s",
    "never_recovered",
    "failed",
    "requests",
    "latency_p50_ms",
    "latency_p99_ms",
    "auth_queries",
    "act_p50_s",
    "act_max_s",
];

/// Every column, in order.
pub fn columns() -> Vec<&'static str> {
    ["seed", "arm"].into_iter().chain(FIGURES).collect()
}

/// The header line, with its newline.
pub fn header() -> String {
    let mut s = String::new();
    csv::write_row(&mut s, columns());
    s
}

/// The value of a named figure column (the column names of replications.csv and sweep.csv);
/// `None` for null. Panics on a name it does not know: the column lists are constants, and a
/// test runs every one of them through this function.
pub fn figure(a: &ArmSummary, name: &str) -> Option<f64> {
    let count = |n: u64| Some(n as f64);
    match name {
        "cohort_clients" => a.cohort_clients.map(|n| n as f64),
        "detection_s" => a.detection_s,
        "converge_p50_s" => a.converge_s.p50,
        "converge_p90_s" => a.converge_s.p90,
        "converge_p99_s" => a.converge_s.p99,
        "converge_p999_s" => a.converge_s.p999,
        "stale_converge_p50_s" => a.stale_converge_s.p50,
        "stale_converge_p99_s" => a.stale_converge_s.p99,
        "rto_p50_s" => a.rto_s.p50,
        "rto_p90_s" => a.rto_s.p90,
        "rto_p99_s" => a.rto_s.p99,
        "rto_max_s" => a.rto_s.max,
        "never_recovered" => a.rto_s.never_recovered.map(|n| n as f64),
        "failed" => count(a.failed),
        "requests" => count(a.requests),
        "auth_queries" => count(a.auth_queries),
        "cost_usd_month" => a.cost_usd_month,
        "latency_p50_ms" => a.latency_ms.p50,
        "latency_p99_ms" => a.latency_ms.p99,
        "act_p50_s" => a.act_s.map(|x| x.p50),
        "act_max_s" => a.act_s.map(|x| x.max),
        other => panic!("unknown figure column {other:?}"),
    }
}

/// An arm's figures in [`FIGURES`] order; `None` for null.
pub fn arm_figures(a: &ArmSummary) -> [Option<f64>; 20] {
    FIGURES.map(|f| figure(a, f))
}

/// A figure cell: empty for null, else the shortest text that reads back as the same number.
pub fn fmt_cell(v: Option<f64>) -> String {
    v.map_or_else(String::new, |x| x.to_string())
}

/// One replication's rows (one per arm, in the summary's arm order), each ending in a newline.
pub fn rows(summary: &Summary) -> String {
    let mut s = String::new();
    for a in &summary.arms {
        let row = [summary.seed.to_string(), a.name.clone()]
            .into_iter()
            .chain(arm_figures(a).map(fmt_cell));
        csv::write_row(&mut s, row);
    }
    s
}

/// Appends replications to `DIR/replications.csv` as they finish: the file is created (with
/// its header, replacing any older one) on the first append, and each append is written and
/// flushed to disk before returning, so an interrupted run keeps every finished replication.
pub struct Appender {
    path: PathBuf,
    file: Option<File>,
}

impl Appender {
    pub fn new(dir: &Path) -> Appender {
        Appender {
            path: dir.join(FILE),
            file: None,
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Appends one replication's rows ([`rows`]).
    pub fn append(&mut self, summary: &Summary) -> std::io::Result<()> {
        let mut text = String::new();
        if self.file.is_none() {
            if let Some(dir) = self.path.parent() {
                std::fs::create_dir_all(dir)?;
            }
            self.file = Some(
                OpenOptions::new()
                    .write(true)
                    .create(true)
                    .truncate(true)
                    .open(&self.path)?,
            );
            text.push_str(&header());
        }
        text.push_str(&rows(summary));
        let f = self.file.as_mut().expect("opened above");
        f.write_all(text.as_bytes())?;
        f.flush()?;
        f.sync_data()
    }
}

// ---------------------------------------------------------------------------------------------
// Reading it back and summarising

/// One row of replications.csv.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub seed: u64,
    pub arm: String,
    /// In [`FIGURES`] order.
    pub figures: Vec<Option<f64>>,
}

/// replications.csv, read back.
#[derive(Debug, Clone, PartialEq)]
pub struct Replications {
    pub rows: Vec<Row>,
}

/// Parses replications.csv: the exact header of [`header`], then rows with a seed, an arm and
/// a number or an empty cell per figure. Blank lines are skipped.
pub fn parse(text: &str) -> Result<Replications, String> {
    let mut records = csv::records(text)?.into_iter();
    let head = records.next().ok_or("empty file (no header line)")?;
    if head.fields != columns() {
        return Err(format!("the header line is not `{}`", header().trim_end()));
    }
    let mut rows = Vec::new();
    for r in records {
        let (line_no, f) = (r.line, r.fields);
        if f.len() != 2 + FIGURES.len() {
            return Err(format!(
                "line {line_no}: {} fields, the header has {}",
                f.len(),
                2 + FIGURES.len()
            ));
        }
        let seed = f[0]
            .parse::<u64>()
            .map_err(|_| format!("line {line_no}: column `seed`: `{}` is not a seed", f[0]))?;
        let figures = f[2..]
            .iter()
            .zip(FIGURES)
            .map(|(cell, col)| {
                if cell.is_empty() {
                    return Ok(None);
                }
                cell.parse::<f64>()
                    .ok()
                    .filter(|x| x.is_finite())
                    .map(Some)
                    .ok_or_else(|| {
                        format!("line {line_no}: column `{col}`: `{cell}` is not a number")
                    })
            })
            .collect::<Result<Vec<_>, _>>()?;
        rows.push(Row {
            seed,
            arm: f[1].clone(),
            figures,
        });
    }
    Ok(Replications { rows })
}

impl Replications {
    /// The distinct seeds, in file order.
    pub fn seeds(&self) -> Vec<u64> {
        let mut s: Vec<u64> = Vec::new();
        for r in &self.rows {
            if !s.contains(&r.seed) {
                s.push(r.seed);
            }
        }
        s
    }

    /// The distinct arms, in order of first appearance.
    pub fn arms(&self) -> Vec<&str> {
        let mut a: Vec<&str> = Vec::new();
        for r in &self.rows {
            if !a.contains(&r.arm.as_str()) {
                a.push(&r.arm);
            }
        }
        a
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every column of replications.csv and sweep.csv is a known figure, read from the field
    /// its name says.
    #[test]
    fn every_figure_column_is_known() {
        use sim_engine::metrics::{Converge, Latency, Rto, StaleUntil};
        let a = ArmSummary {
            name: "a".into(),
            requests: 10,
            ok: 7,
            failed: 3,
            attempts: 12,
            cohort_clients: Some(5),
            detection_s: Some(1.5),
            act_s: Some(sim_engine::metrics::Act { p50: 2.0, max: 3.5 }),
            converge_s: Converge {
                p99: Some(42.0),
                ..Converge::NULL
            },
            stale_converge_s: Converge::NULL,
            rto_s: Rto {
                max: Some(9.0),
                never_recovered: Some(2),
                ..Rto::NULL
            },
            stale_until_s: StaleUntil::NULL,
            latency_ms: Latency {
                p99: Some(80.0),
                ..Latency::NULL
            },
            failure_latency_ms: Latency::NULL,
            auth_queries: 4,
            cost_usd_month: Some(1.25),
            strategy: String::new(),
            client_overrides: vec![],
        };
        for name in FIGURES.iter().chain(super::super::sweep::FIGURES.iter()) {
            let _ = figure(&a, name); // panics on an unknown name
        }
        assert_eq!(figure(&a, "converge_p99_s"), Some(42.0));
        assert_eq!(figure(&a, "rto_max_s"), Some(9.0));
        assert_eq!(figure(&a, "never_recovered"), Some(2.0));
        assert_eq!(figure(&a, "failed"), Some(3.0));
        assert_eq!(figure(&a, "latency_p99_ms"), Some(80.0));
        assert_eq!(figure(&a, "cost_usd_month"), Some(1.25));
        assert_eq!(figure(&a, "converge_p50_s"), None);
    }

    #[test]
    fn nulls_are_empty_cells_and_read_back() {
        assert_eq!(fmt_cell(None), "");
        assert_eq!(fmt_cell(Some(96.0)), "96");
        assert_eq!(fmt_cell(Some(58.4)), "58.4");
        let mut text = header();
        text.push_str(&format!(
            "7,a,10,{}\n",
            vec![""; FIGURES.len() - 1].join(",")
        ));
        text.push_str(&format!(
            "8,\"b,\"\"x\"\"\",12,{}\n",
            vec!["1.5"; FIGURES.len() - 1].join(",")
        ));
        let r = parse(&text).unwrap();
        assert_eq!(r.rows.len(), 2);
        assert_eq!(r.rows[0].figures[0], Some(10.0));
        assert!(r.rows[0].figures[1..].iter().all(Option::is_none));
        assert_eq!(r.rows[1].arm, "b,\"x\"");
        assert_eq!(csv::field(&r.rows[1].arm), "\"b,\"\"x\"\"\"");
        assert_eq!(r.seeds(), vec![7, 8]);
        assert!(parse("seed,arm\n").unwrap_err().contains("header"));
        let bad = format!("{}7,a,x{}\n", header(), ",".repeat(FIGURES.len() - 1));
        assert!(parse(&bad).unwrap_err().contains("`cohort_clients`"));
        let short = format!("{}7,a,1\n", header());
        assert!(parse(&short).unwrap_err().contains("line 2: 3 fields"));
    }

    #[test]
    fn write_then_parse_round_trips() {
        let out = super::super::tests::run_output();
        let text = header() + &rows(&out.summary);
        let r = parse(&text).unwrap();
        assert_eq!(r.rows.len(), out.summary.arms.len());
        for (row, a) in r.rows.iter().zip(&out.summary.arms) {
            assert_eq!(row.seed, out.summary.seed);
            assert_eq!(row.arm, a.name);
            assert_eq!(row.figures, arm_figures(a).to_vec());
        }
        assert_eq!(r.arms(), ["a, \"b\" ü", "plain"]);
    }
}
