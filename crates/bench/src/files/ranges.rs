//! `ranges.csv` (`gtsim run --ranges`, a workload on a population preset; docs/metrics.md):
//! each tail figure over the preset's assumptions. One row per arm and figure: its value in
//! the run itself (`baseline`), its least and greatest value over the baseline and every
//! variation of `gtsim explain-preset NAME --sensitivity` (each share or value not verified in
//! a primary source halved and doubled), the runs in which it was undefined, and the runs.
//! Deterministic: the runs are the same for any thread count.

use sim_engine::metrics::{ArmSummary, Summary};

use super::csv;

/// The file's name in the output folder.
pub const FILE: &str = "ranges.csv";

/// The columns, in order.
pub const COLUMNS: [&str; 7] = [
    "arm",
    "figure",
    "baseline",
    "min",
    "max",
    "undefined_runs",
    "runs",
];

/// The tail figures a range is kept for, as (summary.json object, quantile key), in column
/// order of the report's table.
pub const FIGURES: [(&str, &str); 6] = [
    ("stale_converge_s", "p99"),
    ("stale_converge_s", "p999"),
    ("stale_until_s", "p99"),
    ("stale_until_s", "p999"),
    ("rto_s", "p99"),
    ("rto_s", "p999"),
];

/// An arm's tail figures in [`FIGURES`] order.
pub fn tail_figures(a: &ArmSummary) -> [Option<f64>; 6] {
    [
        a.stale_converge_s.p99,
        a.stale_converge_s.p999,
        a.stale_until_s.p99,
        a.stale_until_s.p999,
        a.rto_s.p99,
        a.rto_s.p999,
    ]
}

/// Adds one run's tail figures to the per-arm ranges (arms in the run's order).
pub fn add_to_ranges(ranges: &mut Vec<(String, [Range; 6])>, s: &Summary) {
    for a in &s.arms {
        let figs = tail_figures(a);
        match ranges.iter_mut().find(|(n, _)| *n == a.name) {
            Some((_, r)) => r.iter_mut().zip(figs).for_each(|(r, x)| r.add(x)),
            None => ranges.push((a.name.clone(), figs.map(Range::of))),
        }
    }
}

/// A figure over a set of runs: its baseline, its extremes over the runs where it is defined,
/// and how many runs left it undefined.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Range {
    pub baseline: Option<f64>,
    pub min: Option<f64>,
    pub max: Option<f64>,
    pub undefined: u64,
    pub runs: u64,
}

impl Range {
    /// The range of the baseline run alone.
    pub fn of(x: Option<f64>) -> Range {
        Range {
            baseline: x,
            min: x,
            max: x,
            undefined: u64::from(x.is_none()),
            runs: 1,
        }
    }

    /// One more run.
    pub fn add(&mut self, x: Option<f64>) {
        self.runs += 1;
        match x {
            Some(v) => {
                self.min = Some(self.min.map_or(v, |m| m.min(v)));
                self.max = Some(self.max.map_or(v, |m| m.max(v)));
            }
            None => self.undefined += 1,
        }
    }

    /// "baseline [min - max]", "-" when undefined in every run, ", null in some" when it is
    /// undefined in some.
    pub fn text(&self) -> String {
        let (Some(lo), Some(hi)) = (self.min, self.max) else {
            return "-".into();
        };
        let base = self
            .baseline
            .map_or_else(|| "null".into(), |b| format!("{b}"));
        let null = if self.undefined > 0 {
            ", null in some"
        } else {
            ""
        };
        format!("{base} [{lo} - {hi}{null}]")
    }
}

/// One row of the file.
#[derive(Debug, Clone, PartialEq)]
pub struct RangeRow {
    pub arm: String,
    /// `stale_until_s.p99` and so on.
    pub figure: String,
    pub range: Range,
}

/// The figure's name in the file: `object.quantile`.
pub fn figure_name(k: usize) -> String {
    let (object, q) = FIGURES[k];
    format!("{object}.{q}")
}

/// The file's text: per arm (in the order given), one row per [`FIGURES`] entry.
pub fn write(arms: &[(String, [Range; 6])]) -> String {
    let opt = |x: Option<f64>| x.map_or_else(String::new, |v| format!("{v}"));
    let mut s = String::new();
    csv::write_row(&mut s, COLUMNS);
    for (arm, ranges) in arms {
        for (k, r) in ranges.iter().enumerate() {
            csv::write_row(
                &mut s,
                [
                    arm.clone(),
                    figure_name(k),
                    opt(r.baseline),
                    opt(r.min),
                    opt(r.max),
                    r.undefined.to_string(),
                    r.runs.to_string(),
                ],
            );
        }
    }
    s
}

/// Reads the file back (extra columns are ignored).
pub fn parse(text: &str) -> Result<Vec<RangeRow>, String> {
    csv::select(text, &COLUMNS)?
        .into_iter()
        .map(|f| {
            Ok(RangeRow {
                arm: f.str(0).to_string(),
                figure: f.str(1).to_string(),
                range: Range {
                    baseline: f.opt_number(2)?,
                    min: f.opt_number(3)?,
                    max: f.opt_number(4)?,
                    undefined: f.count(5)?,
                    runs: f.count(6)?,
                },
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_accumulate_and_round_trip() {
        let mut r = Range::of(Some(120.0));
        r.add(Some(10.5));
        r.add(None);
        r.add(Some(219.0));
        assert_eq!(
            (r.min, r.max, r.undefined, r.runs),
            (Some(10.5), Some(219.0), 1, 4)
        );
        assert_eq!(r.text(), "120 [10.5 - 219, null in some]");
        let none = Range::of(None);
        assert_eq!(none.text(), "-");
        let text = write(&[("a,1".to_string(), [r, none, r, r, none, r])]);
        assert!(text.starts_with("arm,figure,baseline,min,max,undefined_runs,runs\n"));
        let rows = parse(&text).unwrap();
        assert_eq!(rows.len(), 6);
        assert_eq!(rows[0].arm, "a,1");
        assert_eq!(rows[1].figure, "stale_converge_s.p999");
        assert_eq!(rows[0].range, r);
        assert_eq!(rows[1].range, none);
        let bad = parse("arm,figure,baseline,min,max,undefined_runs,runs\na,f,x,1,2,0,3\n");
        assert!(bad.unwrap_err().contains("baseline"));
    }
}
