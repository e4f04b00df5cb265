//! Tail attribution: an arm's figures split by resolver class (`classes.csv`).
//!
//! A published percentile of a mixed population reads back whatever share of each resolver
//! class the workload assumed. So that no percentile does so silently, every arm's RTO and
//! steady-state latency are also kept per class (histograms with the same bounds as the
//! arm's, merged exactly over shards), and for the arm's p50, p99 and p99.9 we state which
//! classes the clients (RTO) or requests (latency) at or beyond that percentile belong to.

use hdrhistogram::Histogram;

use crate::Micros;
use crate::config::{Placement, Workload};
use crate::metrics::secs;
use crate::sim::{ClassResult, ShardResult};

/// The arm-level quantiles whose tails are attributed: p50, p99, p99.9.
pub const TAIL_QUANTILES: [f64; 3] = [0.5, 0.99, 0.999];
/// Their labels, as in `classes.csv` column names.
pub const TAIL_LABELS: [&str; 3] = ["p50", "p99", "p999"];

/// One resolver class within one arm.
#[derive(Debug, Clone, PartialEq)]
pub struct ClassFigures {
    pub arm: String,
    pub class: String,
    /// `local`, `public-anycast` or `central`.
    pub placement: &'static str,
    pub ecs: bool,
    /// Clients of the class (the layout's count).
    pub clients: u64,
    /// Cohort clients of the class (`None` without a failure).
    pub cohort_clients: Option<u64>,
    pub never_recovered: Option<u64>,
    /// The class's own RTO at [`TAIL_QUANTILES`], seconds (clamped to the window).
    pub rto_s: [Option<f64>; 3],
    /// Of the arm's cohort clients with RTO at or beyond the arm's quantile, the share in this
    /// class (sums to 1 over classes).
    pub rto_tail_share: [Option<f64>; 3],
    /// The class's own steady-state latency at [`TAIL_QUANTILES`], ms (0.1 ms resolution).
    pub latency_ms: [Option<f64>; 3],
    /// Of the arm's steady-state requests with latency at or beyond the arm's quantile, the
    /// share from this class's clients.
    pub latency_tail_share: [Option<f64>; 3],
}

/// Placement as written in the workload.
pub fn placement_name(p: Placement) -> &'static str {
    match p {
        Placement::Local => "local",
        Placement::PublicAnycast => "public-anycast",
        Placement::Central => "central",
    }
}

/// Share of `all`'s values at or above its `q`-quantile's bucket that `part` (a sub-population
/// recorded into a histogram of the same bounds) holds. Exact: counts are compared bucket by
/// bucket. `None` when `all` is empty.
pub fn tail_share(all: &Histogram<u64>, part: &Histogram<u64>, q: f64) -> Option<f64> {
    if all.is_empty() {
        return None;
    }
    let lo = all.lowest_equivalent(all.value_at_quantile(q));
    let hi = all.max();
    let total = all.count_between(lo, hi);
    (total > 0).then(|| part.count_between(lo, hi) as f64 / total as f64)
}

fn at(h: &Histogram<u64>, value: impl Fn(u64) -> f64) -> [Option<f64>; 3] {
    TAIL_QUANTILES.map(|q| (!h.is_empty()).then(|| value(h.value_at_quantile(q))))
}

/// The per-class figures of one arm's merged result. `window` is the failure window (`None`
/// without a failure); `clients[i]` the layout's client count of class `i`.
pub fn class_figures(
    w: &Workload,
    arm: &str,
    result: &ShardResult,
    window: Option<Micros>,
    clients: &[u64],
) -> Vec<ClassFigures> {
    let latency_ms = |v: u64| (v as f64 / 100.0).round() / 10.0;
    // One class: the engine keeps no separate histograms, its figures are the arm's.
    let whole = [ClassResult {
        latency: result.latency.clone(),
        rto: result.rto.clone(),
        cohort_clients: result.cohort_clients,
        never_recovered: result.never_recovered,
    }];
    // A class no shard had clients of (none: every class has a resolver) would be empty.
    let empty = ClassResult::new();
    let parts: Vec<&ClassResult> = if result.classes.is_empty() && w.resolvers.len() == 1 {
        whole.iter().collect()
    } else {
        result
            .classes
            .iter()
            .map(|c| c.as_ref().unwrap_or(&empty))
            .collect()
    };
    w.resolvers
        .iter()
        .zip(parts)
        .enumerate()
        .map(|(i, (rc, c))| ClassFigures {
            arm: arm.to_string(),
            class: rc.name.clone(),
            placement: placement_name(rc.placement),
            ecs: rc.ecs,
            clients: clients.get(i).copied().unwrap_or(0),
            cohort_clients: window.map(|_| c.cohort_clients),
            never_recovered: window.map(|_| c.never_recovered),
            rto_s: match window {
                Some(win) => at(&c.rto, |v| secs(v.min(win))),
                None => [None; 3],
            },
            rto_tail_share: match window {
                Some(_) => TAIL_QUANTILES.map(|q| tail_share(&result.rto, &c.rto, q)),
                None => [None; 3],
            },
            latency_ms: at(&c.latency, latency_ms),
            latency_tail_share: TAIL_QUANTILES.map(|q| tail_share(&result.latency, &c.latency, q)),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::SEC;

    /// Two classes, 990 clients at 1 s and 10 at 100 s: the p99.9 tail is all the second
    /// class, the p50 tail mostly the first, and shares sum to 1.
    #[test]
    fn tail_shares_attribute_the_tail_exactly() {
        let mut all = crate::sim::new_histogram();
        let mut fast = crate::sim::new_histogram();
        let mut slow = crate::sim::new_histogram();
        for _ in 0..990 {
            all.record(SEC).unwrap();
            fast.record(SEC).unwrap();
        }
        for _ in 0..10 {
            all.record(100 * SEC).unwrap();
            slow.record(100 * SEC).unwrap();
        }
        assert_eq!(tail_share(&all, &slow, 0.999), Some(1.0));
        assert_eq!(tail_share(&all, &fast, 0.999), Some(0.0));
        // p50 is 1 s: every client is at or beyond it.
        assert_eq!(tail_share(&all, &fast, 0.5), Some(0.99));
        assert_eq!(tail_share(&all, &slow, 0.5), Some(0.01));
        // p99 (the 990th value) is still 1 s.
        assert_eq!(tail_share(&all, &slow, 0.99), Some(0.01));
        assert_eq!(tail_share(&crate::sim::new_histogram(), &slow, 0.5), None);
    }
}
