//! classes.csv and the report's "Tail attribution by resolver class" from the command line,
//! on the seed 002 resolver-location workload.

mod common;
use common::{gtsim, read, repo, tmp};

#[test]
fn classes_csv_and_the_tail_section_are_written_and_read_back() {
    let dir = tmp("tails", "run");
    let wl = repo().join("workloads/seed002-resolver-location.toml");
    let o = gtsim(&[
        "run",
        wl.to_str().unwrap(),
        "--out",
        dir.to_str().unwrap(),
        "--clients",
        "5000",
        "--quiet",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let csv = read(&dir.join("classes.csv"));
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    assert_eq!(header, gtsim::files::classes::COLUMNS);
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    assert_eq!(rows.len(), 2 * 4, "two arms, four resolver classes");
    // Every tail-share column sums to 1 over each arm's classes.
    for arm in ["r53-latency-ttl60-hc30x3", "global-accelerator-alb"] {
        for col in (10..13).chain(16..19) {
            let s: f64 = rows
                .iter()
                .filter(|r| r[0] == arm)
                .map(|r| r[col].parse::<f64>().unwrap())
                .sum();
            assert!((s - 1.0).abs() < 1e-5, "{arm} {}: {s}", header[col]);
        }
    }
    // Route 53 latency routing sends every corporate client to eu-west-1 (the London
    // resolver's nearest region), so all of them are in the cohort of its loss.
    let corp = rows
        .iter()
        .find(|r| r[0] == "r53-latency-ttl60-hc30x3" && r[1] == "corp-london")
        .unwrap();
    assert_eq!(corp[4], corp[5], "clients == cohort clients");
    let md = read(&dir.join("report.md"));
    assert!(md.contains("## Tail attribution by resolver class"));
    assert!(md.contains("| corp-london (central) |"));
    assert!(md.contains("google-ecs (public-anycast, ECS)"));
    assert!(read(&dir.join("report.html")).contains("<h2>Tail attribution by resolver class</h2>"));
    // `gtsim report DIR` draws the same section from the files alone.
    std::fs::remove_file(dir.join("report.md")).unwrap();
    let o = gtsim(&["report", dir.to_str().unwrap()]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(read(&dir.join("report.md")), md);
    // A damaged classes.csv is bad input naming the file.
    std::fs::write(dir.join("classes.csv"), csv.replace(",false,", ",maybe,")).unwrap();
    let o = gtsim(&["report", dir.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("classes.csv") && err.contains("`ecs`"),
        "{err}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
