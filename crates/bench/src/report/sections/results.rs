//! The report section "Results": the arms side by side, then the replications table (with
//! `--replications N`) or the one-seed note, then the tails as ranges (with `--ranges`).

use crate::files::summary::{ArmView, Field, Percentiles, SummaryView};
use crate::report::doc::{Block, Head, Table, text};
use crate::report::format::{fmt_cost, fmt_count, fmt_fraction, fmt_latency, fmt_s, request_gap_s};
use crate::report::inputs::Inputs;
use crate::report::plot::arm_colour_hex;

const RESULTS_INTRO: &str = "Failure figures are over the cohort: clients whose last ok request \
    before the failure went to the failed region. Detection is from the failure to the moment the \
    arm's control plane treats the region as down. Converge pX is the time after which every \
    qualifying curve bin serves at least X % of cohort requests ok; stale-converge is the same on \
    attempts sent to the failed region. RTO is per client and includes the client's own time \
    between requests (the mean is in the table).";

/// This text is part of report.md (kept as it was: it names the contract the figures follow).
const CELL_NOTE: &str = "\"-\" means undefined (docs/metrics.md: e.g. no qualifying bin); \
    \"not modelled yet\" means the model behind the figure is not built yet (null in \
    summary.json, never 0); \"n/a\" means summary.json does not have the figure.";

/// Under the results of a run without replications.csv.
const ONE_SEED_NOTE: &str = "These figures come from one seed: published numbers should use at \
least 10 seeds (`gtsim run --replications 10` adds a mean ± 95 % CI table).";

pub fn section(inputs: &Inputs) -> Vec<Block> {
    let s = &inputs.summary;
    let mut head = vec![Head::left("figure")];
    head.extend(s.arms.iter().enumerate().map(|(i, a)| Head {
        swatch: Some(arm_colour_hex(i)),
        ..Head::right(a.name.clone())
    }));
    let rows = rows(s)
        .into_iter()
        .map(|(label, cells)| std::iter::once(label).chain(cells).collect())
        .collect();
    let mut b = vec![
        Block::H2("Results".into()),
        Block::P(text(RESULTS_INTRO)),
        Block::Table(Table { head, rows }),
        Block::Note(text(CELL_NOTE)),
    ];
    match &inputs.replications {
        Some(r) => b.extend(super::replications::section(r)),
        None => b.push(Block::Note(text(ONE_SEED_NOTE))),
    }
    if let Some(r) = &inputs.ranges {
        b.extend(super::ranges::section(r));
    }
    b
}

/// The arms side by side: (figure, one cell per arm).
fn rows(summary: &SummaryView) -> Vec<(String, Vec<String>)> {
    let arms = &summary.arms;
    let row = |label: &str, f: &dyn Fn(&ArmView) -> String| -> (String, Vec<String>) {
        (label.to_string(), arms.iter().map(f).collect())
    };
    let mut rows = vec![row("detection (s)", &|a| fmt_s(a.detection_s))];
    for (p, label) in [("p50", "p50"), ("max", "max")] {
        rows.push(row(&format!("act {label} (s)"), &|a| {
            fmt_s(ArmView::at(&a.act_s, p))
        }));
    }
    for (what, figure) in [
        (
            "converge",
            (|a: &ArmView| a.converge_s) as fn(&ArmView) -> _,
        ),
        ("stale-converge", |a: &ArmView| a.stale_converge_s),
    ] {
        for (p, label) in [
            ("p50", "p50"),
            ("p90", "p90"),
            ("p99", "p99"),
            ("p999", "p99.9"),
        ] {
            rows.push(row(&format!("{what} {label} (s)"), &|a| {
                fmt_s(ArmView::at(&figure(a), p))
            }));
        }
    }
    // Per-client figures: percentiles, then the clients counted at the window's length.
    type Figure = fn(&ArmView) -> Field<Percentiles>;
    type Count = fn(&ArmView) -> Field<u64>;
    let per_client: [(&str, Figure, &str, Count); 2] = [
        (
            "RTO",
            |a| a.rto_s,
            "never recovered (of cohort clients)",
            ArmView::never_recovered,
        ),
        (
            "stale until",
            |a| a.stale_until_s,
            "never left the failed region (of cohort clients)",
            ArmView::never_left,
        ),
    ];
    for (what, figure, count_label, count) in per_client {
        for (p, label) in [
            ("p50", "p50"),
            ("p90", "p90"),
            ("p99", "p99"),
            ("p999", "p99.9"),
            ("max", "max"),
        ] {
            rows.push(row(&format!("{what} {label} (s)"), &|a| {
                fmt_s(ArmView::at(&figure(a), p))
            }));
        }
        rows.push(row(count_label, &|a| match count(a) {
            Field::Null => "-".into(),
            n => format!("{} of {}", fmt_count(n), fmt_count(a.cohort_clients)),
        }));
    }
    rows.push(row("mean time between a client's requests (s)", &|a| {
        request_gap_s(summary, a).map_or("n/a".into(), |g| format!("{g:.1}"))
    }));
    rows.push(row("failed requests", &|a| {
        fmt_fraction(a.failed, a.requests)
    }));
    rows.push(row("authoritative queries", &|a| fmt_count(a.auth_queries)));
    rows.push(row("latency p50 / p90 / p99 (ms)", &|a| {
        fmt_latency(&a.latency_ms)
    }));
    rows.push(row(
        "latency in the failure window p50 / p90 / p99 (ms)",
        &|a| fmt_latency(&a.failure_latency_ms),
    ));
    rows.push(row("cost (USD / month)", &|a| fmt_cost(a.cost_usd_month)));
    rows.push(row(
        "client settings overridden (changes the comparison)",
        &|a| {
            if a.client_overrides.is_empty() {
                "none".into()
            } else {
                a.client_overrides.join(", ")
            }
        },
    ));
    rows
}
