//! End-to-end tests of the `gtsim` binary: output files, determinism across thread counts,
//! exit statuses and error messages on bad input, and the committed workloads.

mod common;
use common::{gtsim, repo, small_workload, write};

fn tmp(name: &str) -> common::Scratch {
    common::tmp("cli", name)
}

fn small() -> String {
    small_workload("cli-small", 20_000)
}

#[test]
fn outputs_are_byte_identical_across_thread_counts() {
    let dir = tmp("det");
    let wl = write(&dir, "w.toml", &small());
    let a = dir.join("a");
    let b = dir.join("b");
    for (out, threads) in [(&a, "1"), (&b, "2")] {
        let o = gtsim(&[
            "run",
            wl.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--threads",
            threads,
            "--quiet",
        ]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    }
    for f in [
        "summary.json",
        "curve.csv",
        "distributions.csv",
        "classes.csv",
    ] {
        let x = std::fs::read(a.join(f)).unwrap();
        let y = std::fs::read(b.join(f)).unwrap();
        assert!(!x.is_empty());
        assert!(x == y, "{f} differs between --threads 1 and --threads 2");
    }
    let perf: serde_json::Value =
        serde_json::from_slice(&std::fs::read(a.join("perf.json")).unwrap()).unwrap();
    for k in ["wall_s", "events", "events_per_s", "threads", "peak_rss_mb"] {
        assert!(perf.get(k).is_some(), "perf.json lacks {k}");
    }
    assert_eq!(perf["threads"], 1);
}

#[test]
fn summary_and_curve_follow_the_contract() {
    let dir = tmp("contract");
    let out = common::run_in(&dir, &small());
    let csv = std::fs::read_to_string(out.join("curve.csv")).unwrap();
    let mut lines = csv.lines();
    assert_eq!(
        lines.next().unwrap(),
        "arm,t_s,requests,ok,failed,attempts,attempts_failed_region,dns_answers,\
         dns_answers_failed_region,auth_queries,cohort_requests,cohort_ok,cohort_attempts,\
         cohort_attempts_failed_region"
    );
    // 8 min of 5 s bins, two arms.
    assert_eq!(lines.count(), 2 * 96);
    let s: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("summary.json")).unwrap()).unwrap();
    assert_eq!(s["workload"], "cli-small");
    assert_eq!(s["seed"], 7);
    assert_eq!(s["clients"], 20000);
    assert_eq!(s["duration_s"], 480.0);
    assert_eq!(s["failure_at_s"], 120.0);
    let arms = s["arms"].as_array().unwrap();
    assert_eq!(arms.len(), 2);
    for arm in arms {
        for k in [
            "name",
            "requests",
            "ok",
            "failed",
            "attempts",
            "cohort_clients",
            "detection_s",
            "converge_s",
            "stale_converge_s",
            "rto_s",
            "latency_ms",
            "failure_latency_ms",
            "auth_queries",
            "cost_usd_month",
        ] {
            assert!(arm.get(k).is_some(), "arm lacks {k}");
        }
        for k in ["p50", "p90", "p95", "p99", "p999"] {
            assert!(arm["converge_s"].get(k).is_some());
            assert!(arm["stale_converge_s"].get(k).is_some());
        }
        for k in ["p50", "p90", "p99", "p999", "max", "never_recovered"] {
            assert!(arm["rto_s"].get(k).is_some());
        }
        // Latency is modelled: at least the access round trip plus an exchange.
        let p50 = arm["latency_ms"]["p50"].as_f64().unwrap();
        assert!(p50 > 15.0 && p50 < 2000.0, "latency p50 {p50}");
        // Cost (docs/prices.md): hosted zone $0.50 + standard queries at $0.40 per million,
        // scaled from the 120 s before the failure to a 730 h month, + two HTTP health checks
        // per arm ($0.50 each, + $1.00 for the 10 s interval).
        let name = arm["name"].as_str().unwrap();
        let before: u64 = csv
            .lines()
            .skip(1)
            .map(|l| l.split(',').collect::<Vec<_>>())
            .filter(|c| c[0] == name && c[1].parse::<f64>().unwrap() + 5.0 <= 120.0)
            .map(|c| c[9].parse::<u64>().unwrap())
            .sum();
        let queries_month = before as f64 / 120.0 * 730.0 * 3600.0;
        let checks = if name == "failover" {
            2.0 * 1.50
        } else {
            2.0 * 0.50
        };
        let expected = 0.50 + queries_month * 0.40 / 1e6 + checks;
        let cost = arm["cost_usd_month"].as_f64().unwrap();
        assert!(
            (cost - expected).abs() < 0.006,
            "{name}: cost {cost}, expected {expected}"
        );
        let (req, ok, failed) = (
            arm["requests"].as_u64().unwrap(),
            arm["ok"].as_u64().unwrap(),
            arm["failed"].as_u64().unwrap(),
        );
        assert_eq!(req, ok + failed);
        assert!(failed > 0, "a 4 min blackhole must fail some requests");
        let d = arm["detection_s"].as_f64().unwrap();
        assert!(d > 0.0 && d < 200.0, "detection {d}");
    }
    assert!(
        std::fs::read_to_string(out.join("report.md"))
            .unwrap()
            .contains("## Assumptions")
    );
}

#[test]
fn bad_workload_exits_2_naming_the_key_and_writes_nothing() {
    let dir = tmp("bad");
    let bad = small().replacen(
        "health_check = { interval = \"10s\", failure_threshold = 2 }",
        "health_check = { interval = \"20s\", failure_threshold = 2 }",
        1,
    );
    let wl = write(&dir, "w.toml", &bad);
    let out = dir.join("out");
    let o = gtsim(&["run", wl.to_str().unwrap(), "--out", out.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("arms[0].health_check.interval"), "{err}");
    assert!(err.contains("must be 10s or 30s"), "{err}");
    assert!(!out.exists(), "no output folder on bad input");
}

#[test]
fn syntax_errors_unknown_keys_and_bad_flags_exit_2() {
    let dir = tmp("syntax");
    let wl = write(&dir, "w.toml", "name = \"x\"\n[simulation\n");
    let o = gtsim(&[
        "run",
        wl.to_str().unwrap(),
        "--out",
        dir.join("o").to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));

    let wl = write(
        &dir,
        "u.toml",
        &small().replace("retries = 2", "retries = 2\nretry = 3"),
    );
    let o = gtsim(&[
        "run",
        wl.to_str().unwrap(),
        "--out",
        dir.join("o").to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("clients.retry"));

    let o = gtsim(&["run", "--threads", "many"]);
    assert_eq!(o.status.code(), Some(2));
    let o = gtsim(&["run", "--clients", "0"]);
    assert_eq!(o.status.code(), Some(2));
    let o = gtsim(&["run", "/nonexistent/workload.toml"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn committed_workloads_parse_and_run() {
    let dir = repo().join("workloads");
    let mut n = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let p = entry.unwrap().path();
        if p.extension().is_none_or(|e| e != "toml") {
            continue;
        }
        let out = tmp(&format!("wl-{}", p.file_stem().unwrap().to_string_lossy()));
        let o = gtsim(&[
            "run",
            p.to_str().unwrap(),
            "--clients",
            "5000",
            "--out",
            out.to_str().unwrap(),
            "--quiet",
        ]);
        assert!(
            o.status.success(),
            "{}: {}",
            p.display(),
            String::from_utf8_lossy(&o.stderr)
        );
        assert!(out.join("summary.json").exists());
        n += 1;
    }
    assert!(n >= 4, "expected the default and seed workloads, found {n}");
}

#[test]
fn default_workload_is_embedded() {
    let o = gtsim(&["default-workload"]);
    assert!(o.status.success());
    let text = String::from_utf8(o.stdout).unwrap();
    assert_eq!(
        text,
        std::fs::read_to_string(repo().join("workloads/seed000-latency-vs-ga.toml")).unwrap()
    );
}
