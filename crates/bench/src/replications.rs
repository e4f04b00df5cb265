//! `gtsim run --replications N`: the same workload under seeds seed, seed+1, …, seed+N-1.
//!
//! Each replication's headline figures become rows of `replications.csv` (one per seed and
//! arm, seed order then arm order, an empty cell for `null`), appended and flushed as each
//! replication finishes. Reports read the file back and show, per arm and figure, the mean
//! and a 95 % Student-t confidence interval over the seeds that have a value, with that count.
//! Everything here is a pure function of its inputs: same rows, same bytes.

use std::fmt::Write as _;
use std::fs::{File, OpenOptions};
use std::io::Write as _;
use std::path::{Path, PathBuf};

use sim_engine::metrics::{ArmSummary, Summary};

/// The file's name in the output folder.
pub const FILE: &str = "replications.csv";

/// The figure columns, after `seed,arm`.
pub const FIGURES: [&str; 18] = [
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
];

/// How each figure reads in a report table, in [`FIGURES`] order, and whether it is a count
/// (shown without decimals).
const LABELS: [(&str, bool); 18] = [
    ("cohort clients", true),
    ("detection (s)", false),
    ("converge p50 (s)", false),
    ("converge p90 (s)", false),
    ("converge p99 (s)", false),
    ("converge p99.9 (s)", false),
    ("stale-converge p50 (s)", false),
    ("stale-converge p99 (s)", false),
    ("RTO p50 (s)", false),
    ("RTO p90 (s)", false),
    ("RTO p99 (s)", false),
    ("RTO max (s)", false),
    ("never recovered (cohort clients)", true),
    ("failed requests", true),
    ("requests", true),
    ("latency p50 (ms)", false),
    ("latency p99 (ms)", false),
    ("authoritative queries", true),
];

/// The header line, with its newline.
pub fn header() -> String {
    format!("seed,arm,{}\n", FIGURES.join(","))
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
        other => panic!("unknown figure column {other:?}"),
    }
}

/// An arm's figures in [`FIGURES`] order; `None` for null.
pub fn arm_figures(a: &ArmSummary) -> [Option<f64>; 18] {
    FIGURES.map(|f| figure(a, f))
}

/// A CSV field: quoted (RFC 4180) when it holds a comma, a quote or a line break.
pub fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// A figure cell: empty for null, else the shortest text that reads back as the same number.
pub fn fmt_cell(v: Option<f64>) -> String {
    v.map_or_else(String::new, |x| x.to_string())
}

/// One replication's rows (one per arm, in the summary's arm order), each ending in a newline.
pub fn rows(summary: &Summary) -> String {
    let mut s = String::new();
    for a in &summary.arms {
        let _ = write!(s, "{},{}", summary.seed, csv_field(&a.name));
        for v in arm_figures(a) {
            s.push(',');
            s.push_str(&fmt_cell(v));
        }
        s.push('\n');
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

/// Splits one CSV line into fields (RFC 4180 quoting; no line breaks inside fields).
fn split_csv(line: &str) -> Result<Vec<String>, String> {
    let mut fields = Vec::new();
    let mut cur = String::new();
    let mut chars = line.chars().peekable();
    let mut quoted = false;
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                cur.push('"');
            }
            (true, '"') => quoted = false,
            (false, '"') if cur.is_empty() => quoted = true,
            (false, ',') => fields.push(std::mem::take(&mut cur)),
            (_, c) => cur.push(c),
        }
    }
    if quoted {
        return Err("unterminated quoted field".into());
    }
    fields.push(cur);
    Ok(fields)
}

/// Parses replications.csv: the exact header of [`header`], then rows with a seed, an arm and
/// a number or an empty cell per figure. Blank lines are skipped.
pub fn parse(text: &str) -> Result<Replications, String> {
    let mut lines = text
        .lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l.trim_end_matches('\r')))
        .filter(|(_, l)| !l.trim().is_empty());
    let (_, head) = lines.next().ok_or("empty file (no header line)")?;
    if head != header().trim_end() {
        return Err(format!("the header line is not `{}`", header().trim_end()));
    }
    let mut rows = Vec::new();
    for (line_no, line) in lines {
        let f = split_csv(line).map_err(|e| format!("line {line_no}: {e}"))?;
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

    /// The table "Across N seeds: mean ± 95 % CI (n)": (figure label, one cell per arm in
    /// [`Replications::arms`] order).
    pub fn ci_rows(&self) -> Vec<(String, Vec<String>)> {
        let arms = self.arms();
        LABELS
            .iter()
            .enumerate()
            .map(|(k, (label, is_count))| {
                let cells = arms
                    .iter()
                    .map(|arm| {
                        let values: Vec<f64> = self
                            .rows
                            .iter()
                            .filter(|r| r.arm == *arm)
                            .filter_map(|r| r.figures[k])
                            .collect();
                        fmt_ci(mean_ci(&values), if *is_count { 0 } else { 1 })
                    })
                    .collect();
                (label.to_string(), cells)
            })
            .collect()
    }
}

/// Two-sided 95 % Student-t quantiles t(0.975, df) for df = 1..30, from the standard table
/// (NIST/SEMATECH e-Handbook of Statistical Methods, §1.3.6.7.2 "Critical Values of the
/// Student's t Distribution", column 0.975). Above 30 degrees of freedom, 1.96 (normal).
const T_975: [f64; 30] = [
    12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160,
    2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056,
    2.052, 2.048, 2.045, 2.042,
];

/// t(0.975, df); `df` ≥ 1.
pub fn t_975(df: usize) -> f64 {
    match df {
        0 => f64::NAN,
        1..=30 => T_975[df - 1],
        _ => 1.96,
    }
}

/// Mean and 95 % confidence interval of a sample.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MeanCi {
    /// How many values.
    pub n: usize,
    pub mean: f64,
    /// Sample standard deviation (n − 1 denominator); `None` for n = 1.
    pub sd: Option<f64>,
    /// t(0.975, n − 1) × sd / √n; `None` for n = 1 (no interval).
    pub half_width: Option<f64>,
}

/// Mean and Student-t 95 % interval; `None` for no values.
pub fn mean_ci(values: &[f64]) -> Option<MeanCi> {
    let n = values.len();
    if n == 0 {
        return None;
    }
    let mean = values.iter().sum::<f64>() / n as f64;
    if n == 1 {
        return Some(MeanCi {
            n,
            mean,
            sd: None,
            half_width: None,
        });
    }
    let var = values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1) as f64;
    let sd = var.sqrt();
    Some(MeanCi {
        n,
        mean,
        sd: Some(sd),
        half_width: Some(t_975(n - 1) * sd / (n as f64).sqrt()),
    })
}

/// "3.0 ± 2.0 (5)"; "3.0 ± n/a (1)" with one value; "- (0)" with none.
pub fn fmt_ci(ci: Option<MeanCi>, decimals: usize) -> String {
    match ci {
        None => "- (0)".into(),
        Some(c) => {
            let hw = c
                .half_width
                .map_or("n/a".into(), |h| format!("{h:.decimals$}"));
            format!("{:.decimals$} ± {hw} ({})", c.mean, c.n)
        }
    }
}

/// The sentence under the table; it asks for more seeds when there are fewer than 10.
pub fn note(seeds: usize) -> String {
    let mut s = format!(
        "Mean over the seeds that have a value, ± the half-width of its 95 % Student-t \
         confidence interval (t quantile with n − 1 degrees of freedom), and n, how many of the \
         {seeds} seeds had a value (\"-\" in a run is null: e.g. no qualifying bin). One seed \
         gives no interval (n/a). Per-seed figures: replications.csv."
    );
    if seeds < 10 {
        s.push_str(&format!(
            " Only {seeds} seed(s): published numbers should use at least 10 seeds \
             (`gtsim run --replications 10`)."
        ));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every column of replications.csv and sweep.csv is a known figure, read from the field
    /// its name says.
    #[test]
    fn every_figure_column_is_known() {
        use sim_engine::metrics::{Converge, Latency, Rto};
        let a = ArmSummary {
            name: "a".into(),
            requests: 10,
            ok: 7,
            failed: 3,
            attempts: 12,
            cohort_clients: Some(5),
            detection_s: Some(1.5),
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
        for name in FIGURES.iter().chain(crate::sweep::FIGURES.iter()) {
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
    fn t_interval_matches_a_hand_computed_case() {
        // 1..5: mean 3, s = sqrt(2.5) = 1.5811, t(0.975, 4) = 2.776, half-width
        // 2.776 × 1.5811 / sqrt(5) = 1.9629.
        let c = mean_ci(&[1.0, 2.0, 3.0, 4.0, 5.0]).unwrap();
        assert_eq!(c.n, 5);
        assert!((c.mean - 3.0).abs() < 1e-12);
        assert!((c.sd.unwrap() - 1.5811).abs() < 1e-4);
        assert!((c.half_width.unwrap() - 1.963).abs() < 1e-3);
        assert_eq!(fmt_ci(Some(c), 1), "3.0 ± 2.0 (5)");
        assert_eq!(fmt_ci(Some(c), 3), "3.000 ± 1.963 (5)");
        assert_eq!(t_975(1), 12.706);
        assert_eq!(t_975(30), 2.042);
        assert_eq!(t_975(31), 1.96);
    }

    #[test]
    fn one_value_has_no_interval_and_none_has_no_mean() {
        let c = mean_ci(&[7.5]).unwrap();
        assert_eq!((c.n, c.mean, c.sd, c.half_width), (1, 7.5, None, None));
        assert_eq!(fmt_ci(Some(c), 1), "7.5 ± n/a (1)");
        assert_eq!(mean_ci(&[]), None);
        assert_eq!(fmt_ci(None, 1), "- (0)");
    }

    #[test]
    fn nulls_are_empty_cells_and_read_back() {
        assert_eq!(fmt_cell(None), "");
        assert_eq!(fmt_cell(Some(96.0)), "96");
        assert_eq!(fmt_cell(Some(58.4)), "58.4");
        let mut text = header();
        text.push_str(&format!("7,a,10,{}\n", vec![""; 17].join(",")));
        text.push_str(&format!(
            "8,\"b,\"\"x\"\"\",12,{}\n",
            vec!["1.5"; 17].join(",")
        ));
        let r = parse(&text).unwrap();
        assert_eq!(r.rows.len(), 2);
        assert_eq!(r.rows[0].figures[0], Some(10.0));
        assert!(r.rows[0].figures[1..].iter().all(Option::is_none));
        assert_eq!(r.rows[1].arm, "b,\"x\"");
        assert_eq!(csv_field(&r.rows[1].arm), "\"b,\"\"x\"\"\"");
        assert_eq!(r.seeds(), vec![7, 8]);
        let ci = r.ci_rows();
        assert_eq!(ci.len(), FIGURES.len());
        assert_eq!(ci[0].0, "cohort clients");
        assert_eq!(ci[0].1, vec!["10 ± n/a (1)", "12 ± n/a (1)"]);
        assert_eq!(ci[1].1, vec!["- (0)", "1.5 ± n/a (1)"]);
        assert!(parse("seed,arm\n").unwrap_err().contains("header"));
        let bad = format!("{}7,a,x{}\n", header(), ",".repeat(17));
        assert!(parse(&bad).unwrap_err().contains("`cohort_clients`"));
        let short = format!("{}7,a,1\n", header());
        assert!(parse(&short).unwrap_err().contains("line 2: 3 fields"));
    }

    #[test]
    fn the_note_asks_for_ten_seeds() {
        assert!(note(3).contains("at least 10 seeds"));
        assert!(!note(10).contains("at least 10 seeds"));
    }
}
