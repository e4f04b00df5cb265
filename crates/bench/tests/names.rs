//! An arm name that needs CSV quoting (a comma, quotes, a non-ASCII letter) runs, every CSV
//! file it writes reads back with a standard CSV reader (the `csv` crate) giving the name
//! unchanged, and `gtsim report DIR` redraws the same report from the files.

mod common;
use common::{gtsim, read, small_workload, tmp};

const NAME: &str = "a, \"b\" ü";

#[test]
fn an_arm_name_with_a_comma_quotes_and_a_non_ascii_letter_round_trips() {
    let dir = tmp("names", "quoted");
    let text = small_workload("names", 2000)
        .replacen("name = \"failover\"", "name = 'a, \"b\" ü'", 1)
        .replacen(
            "name = \"us-east-1\"\n",
            "name = \"us-east-1\"\ncapacity_rps = 1_000_000\n",
            1,
        );
    assert!(text.contains(NAME) && text.contains("capacity_rps"));
    let wl = common::write(&dir, "w.toml", &text);
    let out = dir.join("out");
    let o = gtsim(&[
        "run",
        wl.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--replications",
        "2",
        "--quiet",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    for file in [
        "curve.csv",
        "distributions.csv",
        "classes.csv",
        "load.csv",
        "replications.csv",
    ] {
        let mut r = csv::Reader::from_path(out.join(file)).unwrap();
        let header = r.headers().unwrap().clone();
        let arm = header.iter().position(|h| h == "arm").unwrap();
        let mut names: Vec<String> = Vec::new();
        for rec in r.records() {
            let rec = rec.unwrap_or_else(|e| panic!("{file}: {e}"));
            assert_eq!(rec.len(), header.len(), "{file}");
            if !names.contains(&rec[arm].to_string()) {
                names.push(rec[arm].to_string());
            }
        }
        assert_eq!(names, [NAME, "weighted"], "{file}");
    }
    let summary: serde_json::Value =
        serde_json::from_str(&read(&out.join("summary.json"))).unwrap();
    assert_eq!(summary["arms"][0]["name"], NAME);
    let md = read(&out.join("report.md"));
    assert!(md.contains(NAME), "{md}");
    std::fs::remove_file(out.join("report.md")).unwrap();
    let o = gtsim(&["report", out.to_str().unwrap()]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(read(&out.join("report.md")), md);
}
