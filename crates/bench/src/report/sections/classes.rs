//! The report section "Tail attribution by resolver class", drawn from `classes.csv`
//! ([`crate::files::classes`]), so a published percentile never silently reads back one assumed
//! mix of resolver classes.

/// The percentile labels of the tail columns.
const LEVELS: [&str; 3] = ["p50", "p99", "p99.9"];

use crate::files::classes::ClassRow;
use crate::report::doc::{Block, Head, Item, Table, text};

fn pct(v: Option<f64>) -> String {
    v.map_or("-".into(), |x| format!("{:.1} %", 100.0 * x))
}

fn val(v: Option<f64>) -> String {
    v.map_or("-".into(), |x| format!("{x}"))
}

fn label(r: &ClassRow) -> String {
    format!(
        "{} ({}{})",
        r.class,
        r.placement,
        if r.ecs { ", ECS" } else { "" }
    )
}

/// Arms in order of first appearance, with their rows.
fn by_arm(rows: &[ClassRow]) -> Vec<(&str, Vec<&ClassRow>)> {
    let mut arms: Vec<(&str, Vec<&ClassRow>)> = Vec::new();
    for r in rows {
        match arms.iter_mut().find(|(a, _)| *a == r.arm) {
            Some((_, v)) => v.push(r),
            None => arms.push((&r.arm, vec![r])),
        }
    }
    arms
}

/// One sentence per percentile: which classes the clients (RTO) or requests (latency) at or
/// beyond the arm's percentile belong to, beside each class's share of the whole population.
fn sentences(rows: &[&ClassRow]) -> Vec<String> {
    let mut out = Vec::new();
    let cohort: u64 = rows.iter().filter_map(|r| r.cohort_clients).sum();
    let clients: u64 = rows.iter().map(|r| r.clients).sum();
    for (metric, whole, base, share_of) in [
        (
            "RTO",
            "cohort",
            cohort,
            (|r: &ClassRow| r.cohort_clients) as fn(&ClassRow) -> Option<u64>,
        ),
        ("latency", "clients", clients, |r: &ClassRow| {
            Some(r.clients)
        }),
    ] {
        for (i, level) in LEVELS.iter().enumerate() {
            let tail = |r: &ClassRow| {
                if metric == "RTO" {
                    r.rto_tail_share[i]
                } else {
                    r.latency_tail_share[i]
                }
            };
            if rows.iter().all(|r| tail(r).is_none()) || base == 0 {
                continue;
            }
            let mut sorted: Vec<&&ClassRow> = rows.iter().collect();
            sorted.sort_by(|a, b| tail(b).unwrap_or(0.0).total_cmp(&tail(a).unwrap_or(0.0)));
            let parts: Vec<String> = sorted
                .iter()
                .map(|r| {
                    format!(
                        "{} {} ({} of {whole})",
                        r.class,
                        pct(tail(r)),
                        pct(share_of(r).map(|n| n as f64 / base as f64))
                    )
                })
                .collect();
            let who = if metric == "RTO" {
                "cohort clients"
            } else {
                "steady-state requests"
            };
            out.push(format!(
                "{metric} {level}: the {who} at or beyond it are {}.",
                parts.join(", ")
            ));
        }
    }
    out
}

const INTRO: &str = "Each arm's percentiles mix the resolver classes in the workload's assumed \
shares. Below, for the arm's p50, p99 and p99.9, the share of the cohort clients (RTO) and of \
the steady-state requests (latency) at or beyond that percentile that belong to each class, \
beside the class's share of the whole; then each class's own percentiles. Read from \
classes.csv (per-class histograms merged exactly over shards).";

/// Is there a mix to attribute? With one class per arm every tail is that class's.
fn mixed(rows: &[ClassRow]) -> bool {
    by_arm(rows).iter().any(|(_, rs)| rs.len() > 1)
}

/// The section (nothing without rows, or with one resolver class).
pub fn section(rows: &[ClassRow]) -> Vec<Block> {
    if !mixed(rows) {
        return Vec::new();
    }
    let mut b = vec![
        Block::H2("Tail attribution by resolver class".into()),
        Block::P(text(INTRO)),
    ];
    for (arm, rs) in by_arm(rows) {
        b.push(Block::H3(arm.to_string()));
        let s = sentences(&rs);
        if !s.is_empty() {
            b.push(Block::List(
                s.into_iter().map(|x| Item::new(text(x))).collect(),
            ));
        }
        let head = vec![
            Head::left("class"),
            Head::right("clients"),
            Head::right("cohort"),
            Head::right("never recovered"),
            Head::right("RTO p50 / p99 / p99.9 s"),
            Head::right("latency p50 / p99 / p99.9 ms"),
        ];
        let rows = rs
            .iter()
            .map(|r| {
                vec![
                    label(r),
                    r.clients.to_string(),
                    r.cohort_clients.map_or("-".into(), |n| n.to_string()),
                    r.never_recovered.map_or("-".into(), |n| n.to_string()),
                    format!(
                        "{} / {} / {}",
                        val(r.rto_s[0]),
                        val(r.rto_s[1]),
                        val(r.rto_s[2])
                    ),
                    format!(
                        "{} / {} / {}",
                        val(r.latency_ms[0]),
                        val(r.latency_ms[1]),
                        val(r.latency_ms[2])
                    ),
                ]
            })
            .collect();
        b.push(Block::Table(Table { head, rows }));
    }
    b
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "arm,class,placement,ecs,clients,cohort_clients,never_recovered,\
rto_p50_s,rto_p99_s,rto_p999_s,rto_tail_share_p50,rto_tail_share_p99,rto_tail_share_p999,\
latency_p50_ms,latency_p99_ms,latency_p999_ms,latency_tail_share_p50,latency_tail_share_p99,\
latency_tail_share_p999
r53,isp,local,false,700,70,0,60,61,62,0.7,0.2,0,80,120,130,0.6,0.1,0
r53,corp,central,false,300,30,1,70,90,95,0.3,0.8,1,150,300,310,0.4,0.9,1
";

    #[test]
    fn classes_csv_reads_back_and_the_section_names_the_dominant_class() {
        let rows = crate::files::classes::parse(TEXT).unwrap();
        let md = crate::report::doc::Doc {
            title: String::new(),
            blocks: section(&rows),
        }
        .to_markdown();
        assert!(
            md.contains(
                "RTO p99: the cohort clients at or beyond it are corp 80.0 % (30.0 % of \
                 cohort), isp 20.0 % (70.0 % of cohort)."
            ),
            "{md}"
        );
        assert!(
            md.contains(
                "latency p99.9: the steady-state requests at or beyond it are corp 100.0 %"
            )
        );
        assert!(md.contains("### r53\n"));
        assert!(section(&[]).is_empty());
        assert!(
            section(&rows[..1]).is_empty(),
            "one class: nothing to attribute"
        );
    }
}
