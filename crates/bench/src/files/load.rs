//! `load.csv` (lockstep runs only: some region has `capacity_rps`; docs/metrics.md): one row
//! per arm, bin and region. `attempts` counts attempts that reached the region in the bin (by
//! attempt time, retries included), `shed` those it shed; `shed_p` is the shed probability the
//! bin ran with (decided from the previous bin's load); `capacity_rps` is empty for a region
//! without a limit.

use sim_engine::metrics::secs;
use sim_engine::run::RunOutput;

use super::csv;

/// The file's name in the output folder.
pub const FILE: &str = "load.csv";

/// The columns, in order.
pub const COLUMNS: [&str; 9] = [
    "arm",
    "t_s",
    "region",
    "capacity_rps",
    "attempts",
    "shed",
    "offered_rps",
    "shed_fraction",
    "shed_p",
];

/// The columns a report reads (others are ignored).
const READ_COLUMNS: [&str; 6] = ["arm", "t_s", "region", "capacity_rps", "attempts", "shed"];

/// The file's text for a run; `None` when no arm ran in lockstep.
pub fn write(out: &RunOutput) -> Option<String> {
    if out.loads.is_empty() {
        return None;
    }
    let mut s = String::new();
    csv::write_row(&mut s, COLUMNS);
    let bin_s = out.bin as f64 / 1e6;
    for arm in &out.loads {
        for (i, bin) in arm.bins.iter().enumerate() {
            // The last bin may be cut short by the end of the run.
            let len_s = bin_s.min(out.summary.duration_s - i as f64 * bin_s);
            for (r, b) in bin.iter().enumerate() {
                let cap = arm.capacity_rps[r].map_or(String::new(), |c| format!("{c:.3}"));
                let frac = if b.load.attempts > 0 {
                    b.load.shed as f64 / b.load.attempts as f64
                } else {
                    0.0
                };
                csv::write_row(
                    &mut s,
                    [
                        arm.name.clone(),
                        secs(i as u64 * out.bin).to_string(),
                        arm.regions[r].clone(),
                        cap,
                        b.load.attempts.to_string(),
                        b.load.shed.to_string(),
                        format!("{:.3}", b.load.attempts as f64 / len_s),
                        format!("{frac:.6}"),
                        format!("{:.6}", b.shed_p),
                    ],
                );
            }
        }
    }
    Some(s)
}

/// One row of `load.csv`, the columns a report reads.
#[derive(Debug, Clone, PartialEq)]
pub struct LoadRow {
    pub arm: String,
    pub t_s: f64,
    pub region: String,
    pub capacity_rps: Option<f64>,
    pub attempts: u64,
    pub shed: u64,
}

/// Parses `load.csv` text (extra columns are ignored).
pub fn parse(text: &str) -> Result<Vec<LoadRow>, String> {
    csv::select(text, &READ_COLUMNS)?
        .into_iter()
        .map(|f| {
            Ok(LoadRow {
                arm: f.str(0).to_string(),
                t_s: f.number(1)?,
                region: f.str(2).to_string(),
                capacity_rps: f.opt_number(3)?,
                attempts: f.count(4)?,
                shed: f.count(5)?,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_names_bad_fields() {
        let text = "arm,t_s,region,capacity_rps,attempts,shed,offered_rps,shed_fraction,shed_p\n\
                    a,0,r1,,100,0,20,0,0\na,0,r2,10,40,0,8,0,0\n\
                    a,5,r1,,0,0,0,0,0\na,5,r2,10,100,50,20,0.5,0.5\n";
        let rows = parse(text).unwrap();
        assert_eq!(rows.len(), 4);
        assert_eq!(rows[1].capacity_rps, Some(10.0));
        let bad = parse("arm,t_s,region,capacity_rps,attempts,shed\na,0,r,x,1,0\n");
        assert!(bad.unwrap_err().contains("capacity_rps"));
    }

    #[test]
    fn write_then_parse_round_trips() {
        let out = super::super::tests::run_output();
        let text = write(out).expect("a lockstep run");
        assert!(text.starts_with(&format!("{}\n", COLUMNS.join(","))));
        let rows = parse(&text).unwrap();
        let per_arm: usize = out
            .loads
            .iter()
            .map(|a| a.bins.len() * a.regions.len())
            .sum();
        assert_eq!(rows.len(), per_arm);
        assert_eq!(rows[0].arm, "a, \"b\" ü");
        assert_eq!(rows[0].region, out.loads[0].regions[0]);
        assert_eq!(
            rows[0].capacity_rps.is_some(),
            out.loads[0].capacity_rps[0].is_some()
        );
    }
}
