//! `gtsim claims` end to end at a tiny size: the report's structure and verdict words, not its
//! numbers (those need the published client counts; see `committed_report_is_reproduced`).

mod common;
use common::{gtsim, read, repo};

const VERDICTS: [&str; 4] = ["holds", "does not hold", "undecided", "no numeric claim"];

fn claims(dir: &std::path::Path, extra: &[&str]) -> String {
    let mut args = vec![
        "claims",
        "--replications",
        "2",
        "--clients",
        "2000",
        "--out",
        dir.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    let o = gtsim(&args);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8(o.stdout).unwrap()
}

/// The rows of the "## Claims" table, as cells.
fn claim_rows(readme: &str) -> Vec<Vec<String>> {
    let table = readme
        .split("## Claims\n")
        .nth(1)
        .expect("a Claims section")
        .trim_start()
        .split("\n\n")
        .next()
        .expect("a table");
    table
        .lines()
        .skip(2)
        .map(|l| {
            l.trim_matches('|')
                .split(" | ")
                .map(|c| c.trim().to_string())
                .collect()
        })
        .collect()
}

#[test]
fn tiny_claims_report_has_its_structure_and_verdict_words() {
    let dir = common::tmp("claims", "tiny");
    let stdout = claims(&dir, &[]);
    let readme = read(&dir.join("README.md"));
    assert!(
        readme.contains("with 2 replications (seeds 1 to 2)"),
        "{readme}"
    );
    assert!(readme.contains("95 % CI"), "{readme}");
    assert!(readme.contains("`gtsim claims --replications 2 --seed 1 --clients 2000 --out"));

    // Every workload's client count, and its folder with both seeds' rows for every arm.
    let counts = readme
        .split("## Client counts\n")
        .nth(1)
        .unwrap()
        .split("## Claims")
        .next()
        .unwrap();
    let workloads: Vec<&str> = counts
        .lines()
        .filter_map(|l| l.strip_prefix("| `"))
        .map(|l| l.split('`').next().unwrap())
        .collect();
    assert!(workloads.len() >= 8, "{counts}");
    assert!(workloads.contains(&"seed002-split-brain-capacity"));
    for w in &workloads {
        assert!(
            counts.contains(&format!("| `{w}` | 2000 |")),
            "{w}: {counts}"
        );
        assert!(repo().join("workloads").join(format!("{w}.toml")).is_file());
        let csv = read(&dir.join(w).join("replications.csv"));
        let seeds: Vec<&str> = csv
            .lines()
            .skip(1)
            .map(|l| l.split(',').next().unwrap())
            .collect();
        assert!(seeds.contains(&"1") && seeds.contains(&"2"), "{w}: {csv}");
        assert_eq!(seeds.len() % 2, 0, "{w}: one row per seed and arm");
        assert!(dir.join(w).join("summary.json").is_file());
    }

    // Every claim row: mean ± CI with n = 2 (or null), and a verdict that starts with a word.
    let rows = claim_rows(&readme);
    assert!(rows.len() >= 14, "{rows:?}");
    for r in &rows {
        assert_eq!(r.len(), 6, "{r:?}");
        assert!(r[4].contains("(2)") || r[4].contains("null"), "{r:?}");
        assert!(VERDICTS.iter().any(|v| r[5].starts_with(v)), "{r:?}");
    }
    let row = |quote: &str| {
        rows.iter()
            .filter(|r| r[1].contains(quote))
            .cloned()
            .collect::<Vec<_>>()
    };
    // Ranged claims say how the verdict behaves over the assumption.
    for quote in [
        "long-tail",
        "sub-minute RTO",
        "split-brain",
        "absolute floor",
        "< 30 seconds",
    ] {
        let rs = row(quote);
        assert!(!rs.is_empty(), "{quote}");
        for r in rs {
            assert!(
                r[5].contains("assumption-driven") || r[5].contains("the same at every value"),
                "{r:?}"
            );
        }
    }
    let grey = row("harder to detect");
    assert_eq!(grey.len(), 1);
    assert!(grey[0][5].starts_with("holds") && grey[0][5].contains("true by construction"));
    assert!(row("split-brain")[0][2].contains("seed002-split-brain-capacity"));

    // The ranges: each shown with its values and the sources of the range.
    for label in [
        "ARC flip 0 s after the loss",
        "ARC flip 300 s after the loss",
        "ALB checks 5 s × 2 (timeout 4 s)",
        "ELB probes exempt",
        "TTL-extending 8.74 % (floor 600 s)",
        "every resolver honours the TTL",
        "PAM 2023",
    ] {
        assert!(readme.contains(label), "{label}");
    }
    assert!(
        dir.join("seed004-arc-flip/arc-flip-delay/2/replications.csv")
            .is_file()
    );

    // stdout: one line per row, with its verdict.
    for r in &rows {
        assert!(
            stdout
                .lines()
                .any(|l| l.contains(&format!("/{} ", r[2].split('`').nth(3).unwrap()))),
            "{r:?}\n{stdout}"
        );
    }

    // Deterministic whatever the thread count.
    let again = common::tmp("claims", "tiny-1-thread");
    claims(&again, &["--threads", "1"]);
    assert_eq!(
        read(&again.join("README.md")).replace(again.to_str().unwrap(), "OUT"),
        readme.replace(dir.to_str().unwrap(), "OUT")
    );
    assert_eq!(
        read(&again.join("seed000-latency-vs-ga/replications.csv")),
        read(&dir.join("seed000-latency-vs-ga/replications.csv"))
    );
}

#[test]
fn fewer_than_two_replications_are_refused() {
    let dir = common::tmp("claims", "one");
    let o = gtsim(&[
        "claims",
        "--replications",
        "1",
        "--out",
        dir.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--replications"));
}

/// The committed results/seed-claims is what the committed code produces. It runs the
/// published sizes: 4 min 18 s on this project's 2-core machine (2026-12-02), which CI pays so
/// that a model change cannot leave the published claims stale.
#[test]
fn committed_report_is_reproduced() {
    let dir = common::tmp("claims", "rerun");
    let o = gtsim(&["claims", "--out", dir.to_str().unwrap()]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let committed = repo().join("results/seed-claims");
    let fresh = read(&dir.join("README.md")).replace(dir.to_str().unwrap(), "results/seed-claims");
    assert_eq!(
        fresh,
        read(&committed.join("README.md")),
        "results/seed-claims/README.md is stale: regenerate it with `gtsim claims --out results/seed-claims`"
    );
}
