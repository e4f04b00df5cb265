//! The report section "Regional load and overload", drawn from `load.csv` (lockstep runs: a
//! region has `capacity_rps`; [`crate::files::load`]).

use crate::files::load::LoadRow;
use crate::report::doc::{Block, Head, Table, text};

/// Per arm and capacity-limited region: `(arm, region, capacity, peak offered req/s, its bin
/// start, bins shedding, shed fraction of all attempts, shed fraction after the failure)`.
type Line = (String, String, f64, f64, f64, usize, f64, Option<f64>);

fn lines(rows: &[LoadRow], failure_at_s: Option<f64>) -> Vec<Line> {
    let bin_s = {
        let mut t: Vec<f64> = rows.iter().map(|r| r.t_s).collect();
        t.sort_by(f64::total_cmp);
        t.dedup();
        t.windows(2).map(|w| w[1] - w[0]).next().unwrap_or(1.0)
    };
    let mut keys: Vec<(&str, &str)> = Vec::new();
    for r in rows.iter().filter(|r| r.capacity_rps.is_some()) {
        if !keys.contains(&(r.arm.as_str(), r.region.as_str())) {
            keys.push((&r.arm, &r.region));
        }
    }
    keys.into_iter()
        .map(|(arm, region)| {
            let mine: Vec<&LoadRow> = rows
                .iter()
                .filter(|r| r.arm == arm && r.region == region)
                .collect();
            let peak = mine
                .iter()
                .max_by_key(|r| r.attempts)
                .map_or((0.0, 0.0), |r| (r.attempts as f64 / bin_s, r.t_s));
            let frac = |it: &mut dyn Iterator<Item = &&LoadRow>| {
                let (a, s) = it.fold((0u64, 0u64), |(a, s), r| (a + r.attempts, s + r.shed));
                if a > 0 { s as f64 / a as f64 } else { 0.0 }
            };
            let all = frac(&mut mine.iter());
            let after = failure_at_s.map(|f| frac(&mut mine.iter().filter(|r| r.t_s >= f)));
            (
                arm.to_string(),
                region.to_string(),
                mine[0].capacity_rps.unwrap_or(0.0),
                peak.0,
                peak.1,
                mine.iter().filter(|r| r.shed > 0).count(),
                all,
                after,
            )
        })
        .collect()
}

const INTRO: &str = "Regions with a capacity (`capacity_rps`) shed load beyond it as fast errors \
(ASSUMED model, see Assumptions); per-bin figures are in load.csv.";

fn pct(x: f64) -> String {
    format!("{:.1} %", 100.0 * x)
}

/// The section, or nothing when the run had no capacity limits.
pub fn section(rows: Option<&[LoadRow]>, failure_at_s: Option<f64>) -> Vec<Block> {
    let Some(rows) = rows else {
        return Vec::new();
    };
    let head = vec![
        Head::left("arm"),
        Head::left("region"),
        Head::right("capacity req/s"),
        Head::right("peak offered req/s (bin at s)"),
        Head::right("bins shedding"),
        Head::right("shed, whole run"),
        Head::right("shed, after failure"),
    ];
    let rows = lines(rows, failure_at_s)
        .into_iter()
        .map(|(arm, region, cap, peak, at, n, all, after)| {
            vec![
                arm,
                region,
                format!("{cap:.0}"),
                format!("{peak:.0} ({at})"),
                n.to_string(),
                pct(all),
                after.map_or("-".into(), pct),
            ]
        })
        .collect();
    vec![
        Block::H2("Regional load and overload".into()),
        Block::P(text(INTRO)),
        Block::Table(Table { head, rows }),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_summarises() {
        let text = "arm,t_s,region,capacity_rps,attempts,shed,offered_rps,shed_fraction,shed_p\n\
                    a,0,r1,,100,0,20,0,0\na,0,r2,10,40,0,8,0,0\n\
                    a,5,r1,,0,0,0,0,0\na,5,r2,10,100,50,20,0.5,0.5\n";
        let rows = crate::files::load::parse(text).unwrap();
        let md = crate::report::doc::Doc {
            title: String::new(),
            blocks: section(Some(&rows), Some(5.0)),
        }
        .to_markdown();
        assert!(
            md.contains("| a | r2 | 10 | 20 (5) | 1 | 35.7 % | 50.0 % |"),
            "{md}"
        );
        assert!(!md.contains("| r1 |"));
        assert!(section(None, None).is_empty());
    }
}
