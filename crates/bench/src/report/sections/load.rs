//! The report section "Regional load and overload", drawn from `load.csv` (lockstep runs: a
//! region has `capacity_rps`; [`crate::files::load`]).

use std::fmt::Write as _;

use crate::files::load::LoadRow;

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

/// The Markdown section, or nothing when the run had no capacity limits.
pub fn section_md(rows: Option<&[LoadRow]>, failure_at_s: Option<f64>) -> String {
    let Some(rows) = rows else {
        return String::new();
    };
    let mut m = format!(
        "## Regional load and overload\n\n{INTRO}\n\n| arm | region | capacity req/s | peak \
         offered req/s (bin at s) | bins shedding | shed, whole run | shed, after failure |\n\
         |---|---|---:|---:|---:|---:|---:|\n"
    );
    for (arm, region, cap, peak, at, n, all, after) in lines(rows, failure_at_s) {
        let _ = writeln!(
            m,
            "| {arm} | {region} | {cap:.0} | {peak:.0} ({at}) | {n} | {} | {} |",
            pct(all),
            after.map_or("-".into(), pct)
        );
    }
    m.push('\n');
    m
}

/// The HTML section, or nothing when the run had no capacity limits.
pub fn section_html(rows: Option<&[LoadRow]>, failure_at_s: Option<f64>) -> String {
    let Some(rows) = rows else {
        return String::new();
    };
    let esc = |s: &str| {
        s.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
    };
    let mut h = format!(
        "<h2>Regional load and overload</h2>\n<p>{}</p>\n<table>\n<tr><th>arm</th><th>region</th>\
         <th>capacity req/s</th><th>peak offered req/s (bin at s)</th><th>bins shedding</th>\
         <th>shed, whole run</th><th>shed, after failure</th></tr>\n",
        esc(&INTRO.replace('`', ""))
    );
    for (arm, region, cap, peak, at, n, all, after) in lines(rows, failure_at_s) {
        let _ = writeln!(
            h,
            "<tr><td>{}</td><td>{}</td><td>{cap:.0}</td><td>{peak:.0} ({at})</td><td>{n}</td>\
             <td>{}</td><td>{}</td></tr>",
            esc(&arm),
            esc(&region),
            pct(all),
            after.map_or("-".into(), pct)
        );
    }
    h.push_str("</table>\n");
    h
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
        let md = section_md(Some(&rows), Some(5.0));
        assert!(
            md.contains("| a | r2 | 10 | 20 (5) | 1 | 35.7 % | 50.0 % |"),
            "{md}"
        );
        assert!(!md.contains("| r1 |"));
        assert_eq!(section_md(None, None), "");
    }
}
