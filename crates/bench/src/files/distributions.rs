//! `distributions.csv` (docs/metrics.md): `arm,metric,quantile,value`, per arm the `rto_s`
//! rows (cohort clients), the `latency_ms` rows (steady state), then the `stale_until_s` rows
//! (cohort clients; after the others, so the older rows keep their place), at the quantiles of
//! [`sim_engine::run::distribution_quantiles`]. An arm without data for a metric has no rows
//! for it.

use sim_engine::run::RunOutput;

use super::csv;

/// The file's name in the output folder.
pub const FILE: &str = "distributions.csv";

/// The columns, in order.
pub const COLUMNS: [&str; 4] = ["arm", "metric", "quantile", "value"];

/// The file's text for a run.
pub fn write(out: &RunOutput) -> String {
    let mut s = String::new();
    csv::write_row(&mut s, COLUMNS);
    for d in &out.distributions {
        for (metric, rows) in [
            ("rto_s", &d.rto),
            ("latency_ms", &d.latency),
            ("stale_until_s", &d.stale_until),
        ] {
            for (q, v) in rows {
                csv::write_row(
                    &mut s,
                    [d.name.as_str(), metric, &format!("{q:.3}"), &v.to_string()],
                );
            }
        }
    }
    s
}

/// One arm's rows of distributions.csv: `(quantile, value)` per metric, in file order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ArmDistribution {
    pub name: String,
    /// `rto_s`: per-client RTO of the cohort, seconds.
    pub rto: Vec<(f64, f64)>,
    /// `latency_ms`: steady-state request latency, milliseconds.
    pub latency: Vec<(f64, f64)>,
    /// `stale_until_s`: per-client time on the failed region after the failure, seconds.
    pub stale_until: Vec<(f64, f64)>,
}

/// Parses distributions.csv text: a header naming at least the four [`COLUMNS`] (in any
/// order, others ignored), then rows with as many fields as the header. Blank lines are
/// skipped; metrics other than `rto_s`, `latency_ms` and `stale_until_s` are ignored.
pub fn parse(text: &str) -> Result<Vec<ArmDistribution>, String> {
    let mut arms: Vec<ArmDistribution> = Vec::new();
    for f in csv::select(text, &COLUMNS)? {
        let (q, v) = (f.number(2)?, f.number(3)?);
        if !(0.0..=1.0).contains(&q) {
            return Err(format!(
                "line {}: column `quantile`: `{}` is not within 0..1",
                f.line,
                f.str(2)
            ));
        }
        let name = f.str(0);
        let arm = match arms.iter().position(|a| a.name == name) {
            Some(i) => &mut arms[i],
            None => {
                arms.push(ArmDistribution {
                    name: name.to_string(),
                    ..ArmDistribution::default()
                });
                arms.last_mut().expect("just pushed")
            }
        };
        match f.str(1) {
            "rto_s" => arm.rto.push((q, v)),
            "latency_ms" => arm.latency.push((q, v)),
            "stale_until_s" => arm.stale_until.push((q, v)),
            _ => {}
        }
    }
    Ok(arms)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn write_then_parse_round_trips() {
        let out = super::super::tests::run_output();
        let arms = parse(&write(out)).unwrap();
        assert_eq!(arms.len(), out.distributions.len());
        for (a, d) in arms.iter().zip(&out.distributions) {
            assert_eq!(a.name, d.name);
            assert_eq!(a.rto.len(), d.rto.len());
            assert_eq!(a.stale_until.len(), d.stale_until.len());
            assert_eq!(
                a.latency,
                d.latency
                    .iter()
                    .map(|&(q, v)| ((q * 1000.0).round() / 1000.0, v))
                    .collect::<Vec<_>>()
            );
        }
        assert_eq!(arms[0].name, "a, \"b\" ü");
        let e = parse("arm,metric,quantile,value\na,rto_s,2,1\n").unwrap_err();
        assert!(e.contains("within 0..1"), "{e}");
    }
}
