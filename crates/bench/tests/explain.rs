//! End-to-end tests of population presets: `gtsim explain-preset` (survival table, sensitivity,
//! bad names) and the thread-independence of a preset workload's outputs.

mod common;
use common::*;

#[test]
fn unknown_preset_exits_2_listing_the_known_ones() {
    let out = gtsim(&["explain-preset", "dialup"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("unknown preset \"dialup\" (known: \"internet\""),
        "{err}"
    );
}

/// The textbook population: with a 20 s TTL nothing is stale 30 s after the change.
#[test]
fn explain_prints_parts_and_survival_table() {
    let out = gtsim(&[
        "explain-preset",
        "honest",
        "--clients",
        "5000",
        "--threads",
        "2",
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("Population preset \"honest\""), "{text}");
    assert!(text.contains("| record TTL | what | t = 30 s | t = 60 s | t = 5 min | t = 15 min |"));
    assert!(
        text.contains("| 20 s | attempts | 0.00% | 0.00% | 0.00% | 0.00% |"),
        "{text}"
    );
    let out = gtsim(&["explain-preset", "internet", "--clients", "5000"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("pam2023"), "{text}");
    assert!(
        text.contains("windows") && text.contains("[ASSUMED]"),
        "{text}"
    );
}

#[test]
fn sensitivity_runs_every_variation() {
    let dir = tmp("explain", "sens");
    let w = write(
        &dir,
        "w.toml",
        r#"
name = "sens"
population = "internet"
[simulation]
duration = "12m"
clients = 2000
[[regions]]
name = "us-east-1"
[[regions]]
name = "eu-west-1"
[[failures]]
region = "us-east-1"
at = "5m"
kind = "hard"
[[arms]]
name = "failover"
kind = "route53"
policy = "failover"
ttl = "60s"
health_check = { interval = "10s", failure_threshold = 3 }
"#,
    );
    let out = gtsim(&[
        "explain-preset",
        "internet",
        "--clients",
        "2000",
        "--sensitivity",
        w.to_str().unwrap(),
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("Sensitivity (45 runs"), "{text}");
    assert!(text.contains("| baseline | failover |"), "{text}");
    assert!(
        text.contains("| stub windows halved [ASSUMED] | failover |"),
        "{text}"
    );
    assert!(
        text.contains("| isp: extend: floor 600s doubled [A] | failover |"),
        "{text}"
    );
    assert!(
        text.contains("| software safari-cfnetwork doubled [S] | failover |"),
        "{text}"
    );
    assert!(
        text.contains("| pattern gap halved [ASSUMED] | failover |"),
        "{text}"
    );
    // A bad workload is bad input.
    let bad = write(
        &dir,
        "bad.toml",
        "name = \"x\"\npopulation = \"internet\"\n",
    );
    let out = gtsim(&[
        "explain-preset",
        "honest",
        "--sensitivity",
        bad.to_str().unwrap(),
        "--clients",
        "1000",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("simulation"));
}

/// `gtsim run W ARGS --quiet` at 1 and 2 threads into `dir/1` and `dir/2`, each of which must
/// succeed; returns the two folders.
fn run_at_one_and_two_threads(
    dir: &std::path::Path,
    w: &std::path::Path,
    args: &[&str],
) -> [std::path::PathBuf; 2] {
    ["1", "2"].map(|threads| {
        let out_dir = dir.join(threads);
        let mut all = vec!["run", w.to_str().unwrap(), "--threads", threads, "--quiet"];
        all.extend_from_slice(args);
        all.extend(["--out", out_dir.to_str().unwrap()]);
        let out = gtsim(&all);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        out_dir
    })
}

/// Per-resolver TTL draws and per-client stub draws do not depend on the thread count.
#[test]
fn preset_outputs_are_byte_identical_across_thread_counts() {
    let dir = tmp("explain", "threads");
    let w = repo().join("workloads/preset-internet.toml");
    let files: Vec<_> = run_at_one_and_two_threads(&dir, &w, &["--clients", "5000"])
        .iter()
        .map(|d| (read(&d.join("summary.json")), read(&d.join("curve.csv"))))
        .collect();
    assert_eq!(files[0], files[1]);
    assert!(files[0].0.contains("pam2023"));
}

/// `gtsim run --ranges`: ranges.csv (every tail figure over the preset's 45 runs, byte-identical
/// for any thread count), the report's table, `gtsim report` reading it back, and bad input.
#[test]
fn run_with_ranges_writes_the_tails_over_the_assumptions() {
    let dir = tmp("explain", "ranges");
    let w = repo().join("workloads/preset-internet-failover.toml");
    let texts: Vec<String> =
        run_at_one_and_two_threads(&dir, &w, &["--clients", "3000", "--ranges"])
            .iter()
            .map(|d| read(&d.join("ranges.csv")))
            .collect();
    assert_eq!(texts[0], texts[1]);
    let lines: Vec<&str> = texts[0].lines().collect();
    assert_eq!(lines[0], "arm,figure,baseline,min,max,undefined_runs,runs");
    // Two arms, six figures each, every row over the baseline and 44 variations.
    assert_eq!(lines.len(), 1 + 2 * 6);
    assert!(lines[1..].iter().all(|l| l.ends_with(",45")), "{texts:?}");
    let until = lines
        .iter()
        .find(|l| l.starts_with("r53-latency-ttl60-hc30x3,stale_until_s.p99,"))
        .unwrap();
    let f: Vec<f64> = until
        .split(',')
        .skip(2)
        .take(3)
        .map(|x| x.parse().unwrap())
        .collect();
    assert!(f[1] <= f[0] && f[0] <= f[2], "{until}");
    let report = std::fs::read_to_string(dir.join("1/report.md")).unwrap();
    assert!(report.contains("### Tails as ranges over the preset's assumptions"));
    // `gtsim report DIR` draws the same report from the files.
    let again = gtsim(&["report", dir.join("1").to_str().unwrap()]);
    assert_eq!(again.status.code(), Some(0));
    assert_eq!(
        std::fs::read_to_string(dir.join("1/report.md")).unwrap(),
        report
    );
    // Without a population there is nothing to vary.
    let plain = gtsim(&[
        "run",
        repo()
            .join("workloads/seed000-latency-vs-ga.toml")
            .to_str()
            .unwrap(),
        "--ranges",
        "--clients",
        "1000",
        "--quiet",
        "--out",
        dir.join("plain").to_str().unwrap(),
    ]);
    assert_eq!(plain.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&plain.stderr).contains("no `population`"));
    assert!(!dir.join("plain/summary.json").exists());
}
