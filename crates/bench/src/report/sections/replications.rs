//! The report's table of `gtsim run --replications N` (from replications.csv): per arm and
//! figure, the mean and a 95 % Student-t confidence interval over the seeds that have a value,
//! with that count.

use std::fmt::Write as _;

use crate::files::replications::Replications;
use crate::report::doc::{Block, Head, Table, text};
use crate::stats::{fmt_ci, mean_ci};

/// How each figure reads in a report table, in [`FIGURES`](crate::files::replications::FIGURES) order, and whether it is a count
/// (shown without decimals).
const LABELS: [(&str, bool); 20] = [
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
    ("act p50 (s)", false),
    ("act max (s)", false),
];

/// The table "Across N seeds: mean ± 95 % CI (n)": (figure label, one cell per arm in
/// [`Replications::arms`] order).
pub fn ci_rows(r: &Replications) -> Vec<(String, Vec<String>)> {
    let arms = r.arms();
    LABELS
        .iter()
        .enumerate()
        .map(|(k, (label, is_count))| {
            let cells = arms
                .iter()
                .map(|arm| {
                    let values: Vec<f64> = r
                        .rows
                        .iter()
                        .filter(|row| row.arm == *arm)
                        .filter_map(|row| row.figures[k])
                        .collect();
                    fmt_ci(mean_ci(&values), if *is_count { 0 } else { 1 })
                })
                .collect();
            (label.to_string(), cells)
        })
        .collect()
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

/// The replications part of the "Results" section: the table, the seeds and the note.
pub fn section(r: &Replications) -> Vec<Block> {
    let seeds = r.seeds();
    let list = seeds
        .iter()
        .map(u64::to_string)
        .collect::<Vec<_>>()
        .join(", ");
    let mut head = vec![Head::left("figure")];
    head.extend(r.arms().into_iter().map(Head::right));
    let rows = ci_rows(r)
        .into_iter()
        .map(|(label, cells)| std::iter::once(label).chain(cells).collect())
        .collect();
    vec![
        Block::H3(format!("Across {} seeds: mean ± 95 % CI (n)", seeds.len())),
        Block::P(text(format!(
            "Seeds: {list}. The tables and plots above are those of the first seed."
        ))),
        Block::Table(Table { head, rows }),
        Block::Note(text(note(seeds.len()))),
    ]
}

/// The mean ± 95 % CI table of `--replications N`, as Markdown (printed to the terminal).
pub fn table(r: &Replications) -> String {
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
    for (label, cells) in ci_rows(r) {
        let _ = writeln!(s, "| {label} | {} |", cells.join(" | "));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::files::replications::{FIGURES, header, parse};

    #[test]
    fn nulls_are_empty_cells_and_read_back() {
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
        let ci = ci_rows(&r);
        assert_eq!(ci.len(), FIGURES.len());
        assert_eq!(ci[0].0, "cohort clients");
        assert_eq!(ci[0].1, vec!["10 ± n/a (1)", "12 ± n/a (1)"]);
        assert_eq!(ci[1].1, vec!["- (0)", "1.5 ± n/a (1)"]);
    }

    #[test]
    fn the_note_asks_for_ten_seeds() {
        assert!(note(3).contains("at least 10 seeds"));
        assert!(!note(10).contains("at least 10 seeds"));
    }
}
