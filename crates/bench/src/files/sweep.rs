//! The files of `gtsim sweep` (docs/metrics.md): `sweep.csv` (one row per cell and arm:
//! `cell,seed,<grid keys>,arm,<figures>`), `sweep-summary.csv` (mean and 95 % CI half-width per
//! grid point, arm and summarised figure), and the names of `sweep.json` (the manifest) and
//! `sweep.md` (the summary page, drawn by `report::sweep`).

use sim_engine::metrics::ArmSummary;

use super::csv;
use crate::stats::MeanCi;

/// The rows file's name in the output folder.
pub const CSV: &str = "sweep.csv";
/// The manifest's name in the output folder.
pub const MANIFEST: &str = "sweep.json";
/// The summary page's name in the output folder.
pub const MD: &str = "sweep.md";
/// The per-grid-point confidence intervals' name in the output folder.
pub const SUMMARY_CSV: &str = "sweep-summary.csv";

/// The figure columns, after `cell,seed,<grid keys>,arm`.
pub const FIGURES: [&str; 16] = [
    "cohort_clients",
    "detection_s",
    "converge_p50_s",
    "converge_p90_s",
    "converge_p99_s",
    "converge_p999_s",
    "stale_converge_p50_s",
    "stale_converge_p99_s",
    "rto_p50_s",
    "rto_p99_s",
    "never_recovered",
    "failed",
    "requests",
    "auth_queries",
    "cost_usd_month",
    "latency_p50_ms",
];

/// Index of `auth_queries` in [`FIGURES`].
pub const F_AUTH: usize = 13;

/// sweep.csv's fixed columns (the grid keys come between `seed` and `arm`).
pub fn csv_columns() -> Vec<&'static str> {
    ["cell", "seed", "arm"].into_iter().chain(FIGURES).collect()
}

/// sweep-summary.csv's fixed columns (the grid keys come between `point` and `arm`).
pub const SUMMARY_COLUMNS: [&str; 6] = ["point", "arm", "figure", "n", "mean", "ci95_half_width"];

/// An arm's figures in [`FIGURES`] order; `None` for null.
pub fn figures(a: &ArmSummary) -> [Option<f64>; 16] {
    FIGURES.map(|f| super::replications::figure(a, f))
}

/// sweep.csv's header line, with its newline, for these grid keys.
pub fn header(keys: &[&str]) -> String {
    let mut s = String::new();
    let cols = ["cell", "seed"]
        .into_iter()
        .chain(keys.iter().copied())
        .chain(["arm"])
        .chain(FIGURES);
    csv::write_row(&mut s, cols);
    s
}

/// One row of sweep.csv, with its newline: the cell, its seed, its grid point's value labels,
/// the arm and its figures.
pub fn row(cell: usize, seed: u64, labels: &[String], a: &ArmSummary) -> String {
    let mut s = String::new();
    let fields = [cell.to_string(), seed.to_string()]
        .into_iter()
        .chain(labels.iter().cloned())
        .chain([a.name.clone()])
        .chain(figures(a).map(|v| v.map_or_else(String::new, |x| x.to_string())));
    csv::write_row(&mut s, fields);
    s
}

/// One parsed row of sweep.csv.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub cell: usize,
    pub arm: String,
    /// In [`FIGURES`] order; `None` for an empty (or unreadable) cell.
    pub figures: Vec<Option<f64>>,
}

/// Reads sweep.csv text with `keys` grid keys; rows that do not read are skipped (the file is
/// this program's own, checked against its manifest before).
pub fn parse(text: &str, keys: usize) -> Result<Vec<Row>, String> {
    let skip = 2 + keys;
    Ok(csv::records(text)?
        .into_iter()
        .skip(1)
        .filter_map(|r| {
            let f = r.fields;
            let cell = f.first()?.parse().ok()?;
            let arm = f.get(skip)?.clone();
            let figures = f.get(skip + 1..)?.iter().map(|v| v.parse().ok()).collect();
            Some(Row { cell, arm, figures })
        })
        .collect())
}

/// sweep-summary.csv's header line, with its newline, for these grid keys.
pub fn summary_header(keys: &[&str]) -> String {
    let mut s = String::new();
    let cols = ["point"]
        .into_iter()
        .chain(keys.iter().copied())
        .chain(SUMMARY_COLUMNS[1..].iter().copied());
    csv::write_row(&mut s, cols);
    s
}

/// One row of sweep-summary.csv: grid point, its value labels, arm, figure name, and the
/// count, mean and CI half-width of `ci` (empty cells when undefined; n = 0 without values).
pub fn summary_row(
    out: &mut String,
    point: usize,
    labels: &[String],
    arm: &str,
    figure: &str,
    ci: Option<MeanCi>,
) {
    let num = |v: Option<f64>| v.map_or_else(String::new, |x| x.to_string());
    let fields = [point.to_string()]
        .into_iter()
        .chain(labels.iter().cloned())
        .chain([
            arm.to_string(),
            figure.to_string(),
            ci.map_or(0, |c| c.n).to_string(),
            num(ci.map(|c| c.mean)),
            num(ci.and_then(|c| c.half_width)),
        ]);
    csv::write_row(out, fields);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn write_then_parse_round_trips() {
        let out = super::super::tests::run_output();
        let mut text = header(&["arms.0.ttl", "a,b"]);
        assert!(text.starts_with("cell,seed,arms.0.ttl,\"a,b\",arm,cohort_clients,"));
        for (i, a) in out.summary.arms.iter().enumerate() {
            text.push_str(&row(i, 7, &["60s".into(), "x, \"y\"".into()], a));
        }
        let rows = parse(&text, 2).unwrap();
        assert_eq!(rows.len(), out.summary.arms.len());
        for (r, a) in rows.iter().zip(&out.summary.arms) {
            assert_eq!(r.arm, a.name);
            assert_eq!(r.figures, figures(a).to_vec());
        }
        assert_eq!(rows[0].arm, "a, \"b\" ü");
        let labels = &csv::records(&text).unwrap()[1].fields;
        assert_eq!(labels[3], "x, \"y\"");
        let mut s = summary_header(&["k"]);
        let ci = MeanCi {
            n: 2,
            mean: 1.5,
            sd: None,
            half_width: None,
        };
        summary_row(&mut s, 0, &["v".into()], "a,b", "rto_p99_s", Some(ci));
        assert_eq!(
            s,
            "point,k,arm,figure,n,mean,ci95_half_width\n0,v,\"a,b\",rto_p99_s,2,1.5,\n"
        );
        let r = csv::select(&s, &SUMMARY_COLUMNS).unwrap();
        assert_eq!(r[0].str(1), "a,b");
    }
}
