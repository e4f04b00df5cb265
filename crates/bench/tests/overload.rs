//! End-to-end: a workload with `capacity_rps` (lockstep arms) writes `load.csv`, is
//! byte-identical across thread counts, and its report has the overload section, also when
//! redrawn from the files alone.

mod common;
use common::{gtsim, read, repo};

fn tmp(name: &str) -> common::Scratch {
    common::tmp("overload", name)
}

fn run(workload: &str, out: &std::path::Path, threads: &str) {
    let o = gtsim(&[
        "run",
        workload,
        "--clients",
        "20000",
        "--threads",
        threads,
        "--out",
        out.to_str().unwrap(),
        "--quiet",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

#[test]
fn lockstep_outputs_are_byte_identical_and_reported() {
    let wl = repo().join("workloads/seed002-split-brain-capacity.toml");
    let wl = wl.to_str().unwrap();
    let (a, b) = (tmp("t1"), tmp("t2"));
    run(wl, &a, "1");
    run(wl, &b, "2");
    for f in ["summary.json", "curve.csv", "distributions.csv", "load.csv"] {
        assert!(read(&a.join(f)) == read(&b.join(f)), "{f} differs");
    }
    let load = read(&a.join("load.csv"));
    assert!(load.starts_with(
        "arm,t_s,region,capacity_rps,attempts,shed,offered_rps,shed_fraction,shed_p\n"
    ));
    // 20 000 of the workload's 500 000 clients: us-east-1's 8 000 req/s scale to 320.
    assert!(
        load.contains(",us-east-1,320.000,"),
        "capacity scales with --clients"
    );
    // The survivor sheds after the failure (10 min) and not before.
    let shed_rows: Vec<f64> = load
        .lines()
        .skip(1)
        .filter(|l| l.contains(",us-east-1,"))
        .filter(|l| l.split(',').nth(5).unwrap() != "0")
        .map(|l| l.split(',').nth(1).unwrap().parse().unwrap())
        .collect();
    assert!(!shed_rows.is_empty() && shed_rows.iter().all(|&t| t >= 600.0));
    let md = read(&a.join("report.md"));
    assert!(md.contains("## Regional load and overload"), "{md}");
    assert!(md.contains("overload: ASSUMED model"));
    // Redrawn from the folder alone: the same report.
    std::fs::remove_file(a.join("report.md")).unwrap();
    let o = gtsim(&["report", a.to_str().unwrap()]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(read(&a.join("report.md")), md);
    // A run without capacity into the same folder removes the stale load.csv.
    run(
        repo()
            .join("workloads/seed002-floor-90s.toml")
            .to_str()
            .unwrap(),
        &a,
        "2",
    );
    assert!(!a.join("load.csv").exists());
    assert!(!read(&a.join("report.md")).contains("Regional load"));
}
