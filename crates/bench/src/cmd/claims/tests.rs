use super::ranges::{self, Set};
use super::*;

fn loaded(name: &str) -> (Table, Workload) {
    let sw = seed_workload(name).unwrap();
    (sw.text.parse().unwrap(), parse_workload(sw.text).unwrap())
}

#[test]
fn every_claim_selects_arms_of_an_embedded_workload() {
    for c in CLAIMS {
        let (_, w) = loaded(c.workload);
        assert!(!select(c, &w).unwrap().is_empty(), "{}", c.quote);
    }
}

/// Every range point of every claim is a valid workload (the sweep machinery loads it), and its
/// label says what was run.
#[test]
fn every_range_point_loads_and_is_labelled() {
    for c in CLAIMS {
        let sw = seed_workload(c.workload).unwrap();
        let (base, w) = loaded(c.workload);
        let arm = select(c, &w).unwrap()[0];
        for r in c.ranges {
            let mut labels = Vec::new();
            for sets in r.points {
                let axes = ranges::axes(&base, &w, sets, arm).unwrap();
                let labelled = if axes.is_empty() {
                    w.clone()
                } else {
                    plan(sw.text, axes, 1, Some(100))
                        .unwrap_or_else(|e| panic!("{} {}: {e}", c.workload, r.id))
                        .cells
                        .remove(0)
                        .workload
                };
                labels.push((r.describe)(&labelled, arm));
            }
            let mut distinct = labels.clone();
            distinct.sort();
            distinct.dedup();
            assert_eq!(
                distinct.len(),
                labels.len(),
                "{} {}: {labels:?}",
                c.workload,
                r.id
            );
        }
    }
}

fn point_label(name: &str, range: &Range, k: usize, arm: usize) -> String {
    let sw = seed_workload(name).unwrap();
    let (base, w) = loaded(name);
    let axes = ranges::axes(&base, &w, range.points[k], arm).unwrap();
    if axes.is_empty() {
        return (range.describe)(&w, arm);
    }
    let w = plan(sw.text, axes, 1, None)
        .unwrap()
        .cells
        .remove(0)
        .workload;
    (range.describe)(&w, arm)
}

#[test]
fn ranges_set_what_they_say() {
    let arc = seed_workload("seed004-arc-flip").unwrap();
    let arm = parse_workload(arc.text)
        .unwrap()
        .arms
        .iter()
        .position(|a| a.name == "arc-flip-at-11m")
        .unwrap();
    let flips: Vec<String> = (0..3)
        .map(|k| point_label("seed004-arc-flip", &ranges::FLIP_DELAY, k, arm))
        .collect();
    assert_eq!(
        flips,
        [
            "ARC flip 0 s after the loss",
            "ARC flip 60 s after the loss",
            "ARC flip 300 s after the loss"
        ]
    );
    let ttl: Vec<String> = (0..5)
        .map(|k| point_label("seed002-floor-90s", &ranges::TTL_FROM_HONEST, k, 0))
        .collect();
    assert_eq!(ttl[0], "every resolver honours the TTL");
    assert_eq!(ttl[2], "TTL-extending 8.74 % (floor 300 s)");
    assert_eq!(ttl[3], "TTL-extending 4.17 % (floor 600 s)");
    let corners: Vec<String> = (0..3)
        .map(|k| point_label("seed000-latency-vs-ga", &ranges::TTL_CORNERS, k, 0))
        .collect();
    assert_eq!(corners[1], "TTL-extending 4.17 % (floor 300 s)");
    assert_eq!(corners[2], "TTL-extending 8.74 % (floor 600 s)");
    let alb = point_label("seed000-latency-vs-ga", &ranges::ALB_CHECKS, 1, 0);
    assert_eq!(alb, "ALB checks 5 s × 2 (timeout 4 s)");
    let split: Vec<String> = (0..4)
        .map(|k| point_label("seed002-split-brain-capacity", &ranges::SPLIT_BRAIN, k, 0))
        .collect();
    assert!(split[0].ends_with(" with ELB probes shed"), "{split:?}");
    assert!(split[1].ends_with(" with ELB probes exempt"), "{split:?}");
    assert!(split[3].starts_with("ALB checks 5 s × 2"), "{split:?}");
}

#[test]
fn the_extending_class_keeps_shares_summing_to_one() {
    let (base, w) = loaded("seed000-latency-vs-ga");
    let sets = [Set::Extending {
        share: 0.0417,
        floor_s: 600,
    }];
    let axes = ranges::axes(&base, &w, &sets, 0).unwrap();
    assert_eq!(axes.len(), 1);
    assert_eq!(axes[0].key, "resolvers");
    let sw = seed_workload("seed000-latency-vs-ga").unwrap();
    let w = plan(sw.text, axes, 1, None)
        .unwrap()
        .cells
        .remove(0)
        .workload;
    let sum: f64 = w.resolvers.iter().map(|r| r.share).sum();
    assert!((sum - 1.0).abs() < 1e-12, "{sum}");
    assert_eq!(w.resolvers.len(), 2, "the existing class is reused");
}

#[test]
fn never_recovered_share_is_of_the_cohort() {
    let sw = seed_workload("seed003-failover-record").unwrap();
    let mut w = parse_workload(sw.text).unwrap();
    w.simulation.clients = 300;
    let s = run(&w, &RunOptions::default(), &|_, _| {}).unwrap().summary;
    let a = s
        .arms
        .iter()
        .find(|a| a.name == "failover-no-health-check")
        .unwrap();
    assert_eq!(figure(a, "rto_s.never_recovered_share"), Some(1.0));
    assert_eq!(figure(a, "detection_s"), None);
    assert_eq!(figure(a, "converge_s.p50"), a.converge_s.p50);
}
