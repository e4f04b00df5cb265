//! `curve.csv` (docs/metrics.md): one row per arm per curve bin, `arm,t_s` then the engine's
//! bin columns ([`sim_engine::curve::COLUMNS`]).

use sim_engine::curve::COLUMNS as BIN_COLUMNS;
use sim_engine::metrics::secs;
use sim_engine::run::RunOutput;

use super::csv;

/// The file's name in the output folder.
pub const FILE: &str = "curve.csv";

/// Every column written, in order.
pub fn columns() -> Vec<&'static str> {
    ["arm", "t_s"].into_iter().chain(BIN_COLUMNS).collect()
}

/// The columns a report reads (others are ignored).
pub const READ_COLUMNS: [&str; 10] = [
    "arm",
    "t_s",
    "requests",
    "ok",
    "dns_answers",
    "dns_answers_failed_region",
    "cohort_requests",
    "cohort_ok",
    "cohort_attempts",
    "cohort_attempts_failed_region",
];

/// `curve.csv` with the exact header of docs/metrics.md; one row per arm per bin.
pub fn write(out: &RunOutput) -> String {
    let mut s = String::new();
    csv::write_row(&mut s, columns());
    for curve in &out.curves {
        let name = csv::field(&curve.name);
        for (i, bin) in curve.bins.iter().enumerate() {
            s.push_str(&name);
            s.push(',');
            s.push_str(&secs(i as u64 * out.bin).to_string());
            for v in bin.values() {
                s.push(',');
                s.push_str(&v.to_string());
            }
            s.push('\n');
        }
    }
    s
}

/// One curve.csv row, the columns a report reads.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CurveRow {
    pub t_s: f64,
    pub requests: u64,
    pub ok: u64,
    pub dns_answers: u64,
    pub dns_answers_failed_region: u64,
    pub cohort_requests: u64,
    pub cohort_ok: u64,
    pub cohort_attempts: u64,
    pub cohort_attempts_failed_region: u64,
}

/// One arm's rows of curve.csv, in file order.
#[derive(Debug, Clone, PartialEq)]
pub struct ArmCurve {
    pub name: String,
    pub rows: Vec<CurveRow>,
}

/// Parses curve.csv text: a header naming at least [`READ_COLUMNS`] (in any order, others
/// ignored), then rows with as many fields as the header. Blank lines are skipped. Arms in
/// order of first appearance.
pub fn parse(text: &str) -> Result<Vec<ArmCurve>, String> {
    let mut arms: Vec<ArmCurve> = Vec::new();
    for f in csv::select(text, &READ_COLUMNS)? {
        let row = CurveRow {
            t_s: f.number(1)?,
            requests: f.count(2)?,
            ok: f.count(3)?,
            dns_answers: f.count(4)?,
            dns_answers_failed_region: f.count(5)?,
            cohort_requests: f.count(6)?,
            cohort_ok: f.count(7)?,
            cohort_attempts: f.count(8)?,
            cohort_attempts_failed_region: f.count(9)?,
        };
        let name = f.str(0);
        match arms.iter_mut().find(|a| a.name == name) {
            Some(a) => a.rows.push(row),
            None => arms.push(ArmCurve {
                name: name.to_string(),
                rows: vec![row],
            }),
        }
    }
    Ok(arms)
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str = "arm,t_s,requests,ok,failed,attempts,attempts_failed_region,dns_answers,\
                          dns_answers_failed_region,auth_queries,cohort_requests,cohort_ok,\
                          cohort_attempts,cohort_attempts_failed_region";

    #[test]
    fn the_header_is_metrics_md_s() {
        assert_eq!(columns().join(","), HEADER);
    }

    #[test]
    fn curve_parsing_tolerates_extra_columns_and_names_bad_fields() {
        let text = "extra,arm,t_s,requests,ok,dns_answers,dns_answers_failed_region,\
                    cohort_requests,cohort_ok,cohort_attempts,cohort_attempts_failed_region\n\
                    x,a,0,10,9,5,1,4,3,4,1\r\n\nx,b,0,1,1,1,0,0,0,0,0\nx,a,5,10,10,5,0,4,4,4,0\n";
        let c = parse(text).unwrap();
        assert_eq!(c.len(), 2);
        assert_eq!(c[0].name, "a");
        assert_eq!(c[0].rows.len(), 2);
        assert_eq!(c[0].rows[1].t_s, 5.0);
        assert_eq!(c[0].rows[0].cohort_attempts_failed_region, 1);
        let e = parse("arm,t_s\na,0\n").unwrap_err();
        assert!(e.contains("`requests`"), "{e}");
        let e = parse(&format!("{HEADER}\na,0,1,1,0,1,0,1,0,0,0,0,0,x\n")).unwrap_err();
        assert!(
            e.contains("line 2") && e.contains("cohort_attempts_failed_region"),
            "{e}"
        );
        let e = parse(&format!("{HEADER}\na,0,1\n")).unwrap_err();
        assert!(e.contains("line 2: 3 fields"), "{e}");
        assert!(parse("").is_err());
    }

    #[test]
    fn write_then_parse_round_trips() {
        let out = super::super::tests::run_output();
        let text = write(out);
        assert!(text.starts_with(&format!("{HEADER}\n")));
        let arms = parse(&text).unwrap();
        assert_eq!(arms.len(), out.curves.len());
        for (a, c) in arms.iter().zip(&out.curves) {
            assert_eq!(a.name, c.name);
            assert_eq!(a.rows.len(), c.bins.len());
            assert_eq!(a.rows[1].t_s, secs(out.bin));
        }
        let csv_rows = csv::records(&text).unwrap();
        assert_eq!(csv_rows[1].fields[0], "a, \"b\" ü");
    }
}
