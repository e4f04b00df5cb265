//! The report's "Who converges first, and why" section (issue: control-plane fidelity) on two
//! workloads where the order of the arms differs: every winner it names, and every gap it
//! states, is the one summary.json implies.

mod common;
use common::read;

fn tmp(name: &str) -> common::Scratch {
    common::tmp("who-first", name)
}

/// Two regions, us-east-1 blackholed at 2 min: a Route 53 arm (`r53`) against Global
/// Accelerator (ALB endpoints: ELB target health 30 s x 2, 6 s timeout).
fn workload(name: &str, r53: &str) -> String {
    format!(
        r#"
name = "{name}"
[simulation]
duration = "10m"
clients = 20000
seed = 3
[[regions]]
name = "us-east-1"
[[regions]]
name = "eu-west-1"
[clients]
keepalive_idle = "60s"
retries = 1
[[resolvers]]
name = "honest"
share = 1.0
clients_per_resolver = 100
[[failures]]
region = "us-east-1"
at = "2m"
kind = "hard"
[[arms]]
name = "r53"
kind = "route53"
{r53}
[[arms]]
name = "ga"
kind = "global-accelerator"
endpoint_type = "alb"
"#
    )
}

/// Runs `text` and returns (summary.json, report.md).
fn run(name: &str, text: &str) -> (serde_json::Value, String) {
    let dir = tmp(name);
    let out = common::run_in(&dir, text);
    let summary = serde_json::from_str(&read(&out.join("summary.json"))).unwrap();
    (summary, read(&out.join("report.md")))
}

/// The RTO table's rows: (percentile, first arm) as the report states them.
fn stated_firsts(md: &str) -> Vec<(String, String)> {
    let section = md
        .split("## Who converges first, and why")
        .nth(1)
        .expect("the section is present");
    section
        .lines()
        .skip_while(|l| !l.starts_with("| RTO percentile"))
        .skip(2)
        .take_while(|l| l.starts_with('|'))
        .map(|l| {
            let cells: Vec<&str> = l.trim_matches('|').split('|').map(str::trim).collect();
            (cells[0].to_string(), cells.last().unwrap().to_string())
        })
        .collect()
}

/// The arm summary.json says recovers first at `key` (strictly smaller RTO).
fn first_by_summary(s: &serde_json::Value, key: &str) -> (String, f64, f64) {
    let arms = s["arms"].as_array().unwrap();
    let mut v: Vec<(String, f64)> = arms
        .iter()
        .map(|a| {
            (
                a["name"].as_str().unwrap().to_string(),
                a["rto_s"][key].as_f64().unwrap(),
            )
        })
        .collect();
    v.sort_by(|a, b| a.1.total_cmp(&b.1));
    (v[0].0.clone(), v[0].1, v[1].1)
}

fn check(summary: &serde_json::Value, md: &str) -> String {
    let stated = stated_firsts(md);
    let keys = [
        ("p50", "p50"),
        ("p90", "p90"),
        ("p99", "p99"),
        ("p99.9", "p999"),
    ];
    assert_eq!(stated.len(), keys.len(), "{stated:?}");
    for ((label, first), (want_label, key)) in stated.iter().zip(keys) {
        assert_eq!(label, want_label);
        let (name, v, w) = first_by_summary(summary, key);
        if w - v >= 0.05 {
            assert_eq!(first, &name, "{label}");
            // The gap sentence states the same numbers.
            let other = if name == "r53" { "ga" } else { "r53" };
            let sentence = format!(
                "At {label}, **{name}** recovers {:.1} s before **{other}** ({v:.1} s vs {w:.1} s)",
                w - v
            );
            assert!(md.contains(&sentence), "missing: {sentence}");
        } else {
            assert!(first.starts_with("tie"), "{label}: {first}");
        }
    }
    // Each arm's detection, as summary.json has it, appears in its component sentence.
    for a in summary["arms"].as_array().unwrap() {
        let det = a["detection_s"].as_f64().unwrap();
        let line = format!(
            "**{}**: detection at {det:.1} s",
            a["name"].as_str().unwrap()
        );
        assert!(md.contains(&line), "missing: {line}");
    }
    // Steady-state latency: the arm named fastest has the smaller p50.
    let lat: Vec<(String, f64)> = summary["arms"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["name"].as_str().unwrap().to_string(),
                a["latency_ms"]["p50"].as_f64().unwrap(),
            )
        })
        .collect();
    let fastest = if lat[0].1 <= lat[1].1 {
        &lat[0]
    } else {
        &lat[1]
    };
    assert!(
        md.contains(&format!(
            "**{}** is fastest at p50 ({:.1} ms",
            fastest.0, fastest.1
        )),
        "latency sentence"
    );
    stated[0].1.clone()
}

#[test]
fn report_names_the_arm_that_converges_first_from_the_numbers() {
    // Route 53 latency routing with slow checks (30 s x 3) and TTL 60 s: the accelerator's
    // cohort recovers first.
    let (s1, md1) = run(
        "slow-dns",
        &workload(
            "who-first-slow-dns",
            "policy = \"latency\"\nttl = \"60s\"\nhealth_check = { interval = \"30s\", failure_threshold = 3 }",
        ),
    );
    let first1 = check(&s1, &md1);
    // Route 53 failover with fast checks (10 s x 1), TTL 5 s and a fixed 1 s propagation,
    // against the same accelerator: the DNS arm's cohort recovers first at p50.
    let (s2, md2) = run(
        "fast-dns",
        &workload(
            "who-first-fast-dns",
            "policy = \"failover\"\nttl = \"5s\"\npropagation = \"1s\"\nhealth_check = { interval = \"10s\", failure_threshold = 1 }",
        ),
    );
    let first2 = check(&s2, &md2);
    assert_eq!(first1, "ga", "{md1}");
    assert_eq!(first2, "r53", "{md2}");
}
