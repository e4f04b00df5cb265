//! The report's "Tails as ranges" table (`gtsim run --ranges`, from ranges.csv): each tail
//! figure as its value in this run and its least and greatest value over the runs of the
//! population preset's variations (docs/calibration.md, "Sensitivity").

use crate::files::ranges::{FIGURES, RangeRow, figure_name};
use crate::report::doc::{Block, Head, Table, text};

/// How each figure of [`FIGURES`] reads in the table.
const LABELS: [&str; 6] = [
    "stale-converge p99 (s)",
    "stale-converge p99.9 (s)",
    "stale until p99 (s, per user)",
    "stale until p99.9 (s, per user)",
    "RTO p99 (s)",
    "RTO p99.9 (s)",
];

/// The arms of the file, in order of first appearance.
fn arms(rows: &[RangeRow]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for r in rows {
        if !out.contains(&r.arm) {
            out.push(r.arm.clone());
        }
    }
    out
}

/// The section: a heading, what the ranges are, one row per figure and one column per arm.
pub fn section(rows: &[RangeRow]) -> Vec<Block> {
    let arms = arms(rows);
    let runs = rows.iter().map(|r| r.range.runs).max().unwrap_or(0);
    let mut head = vec![Head::left("figure")];
    head.extend(arms.iter().cloned().map(Head::right));
    let table_rows = (0..FIGURES.len())
        .map(|k| {
            let name = figure_name(k);
            std::iter::once(LABELS[k].to_string())
                .chain(arms.iter().map(|a| {
                    rows.iter()
                        .find(|r| r.arm == *a && r.figure == name)
                        .map_or_else(|| "-".into(), |r| r.range.text())
                }))
                .collect()
        })
        .collect();
    vec![
        Block::H3("Tails as ranges over the preset's assumptions".into()),
        Block::P(text(format!(
            "Each cell: this run's value [least - greatest] over {runs} runs, this one and one \
             per variation of the population preset (every share or value not verified in a \
             primary source halved and doubled, the rest of its mix renormalised; \
             docs/calibration.md, \"Sensitivity\"). \"-\": undefined in every run; \"null in \
             some\": undefined in some. A published tail should be quoted with its range."
        ))),
        Block::Table(Table {
            head,
            rows: table_rows,
        }),
    ]
}
