//! `classes.csv` (docs/metrics.md): per arm and resolver class, the class's clients, cohort
//! and RTO / latency percentiles, and its share of the arm's tail at or beyond the arm's p50,
//! p99 and p99.9, so a published percentile never silently reads back one assumed mix of
//! resolver classes. Empty cells are nulls. The figures are computed by `sim_engine::classes`.

use sim_engine::run::RunOutput;

use super::csv;

/// The file's name in the output folder.
pub const FILE: &str = "classes.csv";

/// The columns, in order.
pub const COLUMNS: [&str; 19] = [
    "arm",
    "class",
    "placement",
    "ecs",
    "clients",
    "cohort_clients",
    "never_recovered",
    "rto_p50_s",
    "rto_p99_s",
    "rto_p999_s",
    "rto_tail_share_p50",
    "rto_tail_share_p99",
    "rto_tail_share_p999",
    "latency_p50_ms",
    "latency_p99_ms",
    "latency_p999_ms",
    "latency_tail_share_p50",
    "latency_tail_share_p99",
    "latency_tail_share_p999",
];

/// The file's text for a run.
pub fn write(out: &RunOutput) -> String {
    let mut s = String::new();
    csv::write_row(&mut s, COLUMNS);
    let cell = |v: &Option<f64>| v.map_or_else(String::new, |x| x.to_string());
    let share = |v: &Option<f64>| v.map_or_else(String::new, |x| format!("{x:.6}"));
    let count = |v: Option<u64>| v.map_or_else(String::new, |x| x.to_string());
    for c in &out.classes {
        let mut row = vec![
            c.arm.clone(),
            c.class.clone(),
            c.placement.to_string(),
            c.ecs.to_string(),
            c.clients.to_string(),
            count(c.cohort_clients),
            count(c.never_recovered),
        ];
        row.extend(c.rto_s.iter().map(cell));
        row.extend(c.rto_tail_share.iter().map(share));
        row.extend(c.latency_ms.iter().map(cell));
        row.extend(c.latency_tail_share.iter().map(share));
        csv::write_row(&mut s, row);
    }
    s
}

/// One row of `classes.csv`.
#[derive(Debug, Clone, PartialEq)]
pub struct ClassRow {
    pub arm: String,
    pub class: String,
    pub placement: String,
    pub ecs: bool,
    pub clients: u64,
    pub cohort_clients: Option<u64>,
    pub never_recovered: Option<u64>,
    pub rto_s: [Option<f64>; 3],
    pub rto_tail_share: [Option<f64>; 3],
    pub latency_ms: [Option<f64>; 3],
    pub latency_tail_share: [Option<f64>; 3],
}

/// Parses classes.csv text (header naming every column of [`COLUMNS`], in any order). Empty
/// cells are nulls.
pub fn parse(text: &str) -> Result<Vec<ClassRow>, String> {
    let mut out = Vec::new();
    for f in csv::select(text, &COLUMNS)? {
        let three = |k: usize| -> Result<[Option<f64>; 3], String> {
            Ok([f.opt_number(k)?, f.opt_number(k + 1)?, f.opt_number(k + 2)?])
        };
        out.push(ClassRow {
            arm: f.str(0).to_string(),
            class: f.str(1).to_string(),
            placement: f.str(2).to_string(),
            ecs: f.boolean(3)?,
            clients: f.opt_count(4)?.unwrap_or(0),
            cohort_clients: f.opt_count(5)?,
            never_recovered: f.opt_count(6)?,
            rto_s: three(7)?,
            rto_tail_share: three(10)?,
            latency_ms: three(13)?,
            latency_tail_share: three(16)?,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) const TEXT: &str = "arm,class,placement,ecs,clients,cohort_clients,never_recovered,\
rto_p50_s,rto_p99_s,rto_p999_s,rto_tail_share_p50,rto_tail_share_p99,rto_tail_share_p999,\
latency_p50_ms,latency_p99_ms,latency_p999_ms,latency_tail_share_p50,latency_tail_share_p99,\
latency_tail_share_p999
r53,isp,local,false,700,70,0,60,61,62,0.7,0.2,0,80,120,130,0.6,0.1,0
r53,corp,central,false,300,30,1,70,90,95,0.3,0.8,1,150,300,310,0.4,0.9,1
";

    #[test]
    fn classes_csv_reads_back() {
        let rows = parse(TEXT).unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[1].rto_tail_share, [Some(0.3), Some(0.8), Some(1.0)]);
        assert_eq!(rows[1].cohort_clients, Some(30));
        assert!(parse("arm,class\nx,y\n").is_err());
        let e = parse(&TEXT.replace(",false,", ",maybe,")).unwrap_err();
        assert!(e.contains("`ecs`"), "{e}");
    }

    #[test]
    fn write_then_parse_round_trips() {
        let out = super::super::tests::run_output();
        let rows = parse(&write(out)).unwrap();
        assert_eq!(rows.len(), out.classes.len());
        assert!(rows.len() >= 4, "two arms, two classes");
        for (r, c) in rows.iter().zip(&out.classes) {
            assert_eq!(r.arm, c.arm);
            assert_eq!(r.class, c.class);
            assert_eq!(r.placement, c.placement);
            assert_eq!(r.clients, c.clients);
            assert_eq!(r.cohort_clients, c.cohort_clients);
            assert_eq!(r.rto_s, c.rto_s);
            assert_eq!(r.latency_ms, c.latency_ms);
        }
        assert_eq!(rows[0].arm, "a, \"b\" ü");
    }
}
