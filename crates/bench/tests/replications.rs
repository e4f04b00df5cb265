//! End-to-end test of `gtsim run --replications N`: replications.csv is byte-identical
//! whatever --threads is, has one row per seed and arm in seed order, leaves summary.json as the
//! first seed's, and the report shows the mean ± 95 % CI table.

use std::path::{Path, PathBuf};

mod common;
use common::{gtsim, read, small_workload};

fn tmp(name: &str) -> common::Scratch {
    common::tmp("reps", name)
}

const HEADER: &str = "seed,arm,cohort_clients,detection_s,converge_p50_s,converge_p90_s,\
converge_p99_s,converge_p999_s,stale_converge_p50_s,stale_converge_p99_s,rto_p50_s,rto_p90_s,\
rto_p99_s,rto_max_s,never_recovered,failed,requests,latency_p50_ms,latency_p99_ms,auth_queries,act_p50_s,act_max_s";

fn run(dir: &Path, wl: &Path, out: &str, extra: &[&str]) -> PathBuf {
    let out = dir.join(out);
    let mut args = vec![
        "run",
        wl.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--quiet",
    ];
    args.extend_from_slice(extra);
    let o = gtsim(&args);
    assert!(
        o.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    out
}

#[test]
fn replications_are_deterministic_and_reported() {
    let dir = tmp("det");
    let wl = dir.join("w.toml");
    std::fs::write(&wl, small_workload("replications-small", 10_000)).unwrap();
    let a = run(&dir, &wl, "a", &["--replications", "3", "--threads", "1"]);
    let b = run(&dir, &wl, "b", &["--replications", "3", "--threads", "2"]);
    let one = run(&dir, &wl, "one", &["--threads", "2"]);

    let csv = read(&a.join("replications.csv"));
    assert_eq!(
        csv,
        read(&b.join("replications.csv")),
        "same bytes whatever --threads"
    );
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines[0], HEADER);
    assert_eq!(lines.len(), 1 + 3 * 2, "{csv}");
    let keys: Vec<(&str, &str)> = lines[1..]
        .iter()
        .map(|l| {
            let mut f = l.split(',');
            (f.next().unwrap(), f.next().unwrap())
        })
        .collect();
    assert_eq!(
        keys,
        [
            ("7", "failover"),
            ("7", "weighted"),
            ("8", "failover"),
            ("8", "weighted"),
            ("9", "failover"),
            ("9", "weighted"),
        ]
    );
    for l in &lines[1..] {
        assert_eq!(l.split(',').count(), HEADER.split(',').count(), "{l}");
    }
    assert_ne!(
        lines[1][2..],
        lines[3][2..],
        "different seeds give different figures"
    );

    // The main outputs are the first seed's, unchanged by --replications.
    let summary = read(&one.join("summary.json"));
    assert_eq!(read(&a.join("summary.json")), summary);
    assert_eq!(read(&b.join("summary.json")), summary);
    assert_eq!(read(&a.join("curve.csv")), read(&one.join("curve.csv")));
    assert!(!one.join("replications.csv").exists());

    let md = read(&a.join("report.md"));
    assert!(md.contains("Across 3 seeds: mean ± 95 % CI (n)"), "{md}");
    assert!(md.contains("| figure | failover | weighted |"), "{md}");
    assert!(md.contains("at least 10 seeds"), "{md}");
    assert!(md.contains("Seeds: 7, 8, 9."), "{md}");
    assert!(md.contains("--replications 3"), "{md}");
    let html = read(&a.join("report.html"));
    assert!(html.contains("Across 3 seeds: mean ± 95 % CI (n)"));
    assert!(!read(&one.join("report.md")).contains("Across 3 seeds"));

    // `gtsim report DIR` reads replications.csv too and redraws the same report.
    let o = gtsim(&["report", a.to_str().unwrap()]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(read(&a.join("report.md")), md);
    assert_eq!(read(&a.join("report.html")), html);

    // A later single-seed run into the same folder drops the stale replications.csv.
    run(&dir, &wl, "a", &["--threads", "2"]);
    assert!(!a.join("replications.csv").exists());
    assert!(!read(&a.join("report.md")).contains("Across 3 seeds"));

    let o = gtsim(&[
        "run",
        wl.to_str().unwrap(),
        "--replications",
        "0",
        "--quiet",
    ]);
    assert_eq!(o.status.code(), Some(2));
    let _ = std::fs::remove_dir_all(&dir);
}
