//! Summary figures computed from the curve and the per-client RTO histogram, exactly as
//! docs/metrics.md defines them.

use serde::Serialize;

use crate::Micros;
#[cfg(test)]
use crate::SEC;
use crate::curve::Bin;

/// Percentile levels for `converge_s` and `stale_converge_s`, in tenths of a percent.
pub const CONVERGE_LEVELS: [(&str, u64); 5] = [
    ("p50", 500),
    ("p90", 900),
    ("p95", 950),
    ("p99", 990),
    ("p999", 999),
];

/// Minimum cohort requests for a bin to qualify at level `tenths` (per mille):
/// `ceil(10 / (1 - X/100))` — p99 needs 1,000, p99.9 needs 10,000.
pub fn qualifying_requests(tenths: u64) -> u64 {
    (10 * 1000u64).div_ceil(1000 - tenths)
}

/// Which ratio a convergence figure is computed on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConvergeOn {
    /// cohort_ok / cohort_requests.
    Ok,
    /// 1 - cohort_attempts_failed_region / cohort_attempts.
    NotStale,
}

/// `converge_s.pX` (METRICS.md): the smallest x >= 0 such that every qualifying bin starting
/// at or after failure + x, until the window ends, meets the level. Bins are discrete, so x is
/// the end of the last qualifying bin that misses the level (0 if none misses). `None` when no
/// bin qualifies, or when the last qualifying bin of the window misses.
///
/// `bins[i]` covers `[i * bin, (i + 1) * bin)` on the recording clock; `failure` and
/// `window_end` are on the same clock.
pub fn converge(
    bins: &[Bin],
    bin: Micros,
    failure: Micros,
    window_end: Micros,
    tenths: u64,
    on: ConvergeOn,
) -> Option<f64> {
    let need = qualifying_requests(tenths);
    let mut last_miss: Option<Micros> = None;
    let mut last_qualifying_meets: Option<bool> = None;
    for (i, b) in bins.iter().enumerate() {
        let start = i as Micros * bin;
        if start < failure || start >= window_end {
            continue;
        }
        if b.cohort_requests < need {
            continue;
        }
        // ratio >= X/1000  <=>  num * 1000 >= den * X, in integers.
        let meets = match on {
            ConvergeOn::Ok => b.cohort_ok * 1000 >= b.cohort_requests * tenths,
            ConvergeOn::NotStale => {
                let den = b.cohort_attempts;
                (den - b.cohort_attempts_failed_region) * 1000 >= den * tenths
            }
        };
        last_qualifying_meets = Some(meets);
        if !meets {
            last_miss = Some(start + bin);
        }
    }
    match last_qualifying_meets {
        None | Some(false) => None,
        Some(true) => Some(secs(last_miss.map_or(0, |end| end - failure))),
    }
}

/// Microseconds to seconds, rounded to the millisecond (so JSON stays short and exact).
pub fn secs(us: Micros) -> f64 {
    (us as f64 / 1000.0).round() / 1000.0
}

/// `converge_s` / `stale_converge_s` object.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Converge {
    pub p50: Option<f64>,
    pub p90: Option<f64>,
    pub p95: Option<f64>,
    pub p99: Option<f64>,
    pub p999: Option<f64>,
}

impl Converge {
    pub const NULL: Converge = Converge {
        p50: None,
        p90: None,
        p95: None,
        p99: None,
        p999: None,
    };

    pub fn compute(
        bins: &[Bin],
        bin: Micros,
        failure: Micros,
        window_end: Micros,
        on: ConvergeOn,
    ) -> Converge {
        let f = |i: usize| converge(bins, bin, failure, window_end, CONVERGE_LEVELS[i].1, on);
        Converge {
            p50: f(0),
            p90: f(1),
            p95: f(2),
            p99: f(3),
            p999: f(4),
        }
    }
}

/// `rto_s` object.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Rto {
    pub p50: Option<f64>,
    pub p90: Option<f64>,
    pub p99: Option<f64>,
    pub p999: Option<f64>,
    pub max: Option<f64>,
    pub never_recovered: Option<u64>,
}

impl Rto {
    pub const NULL: Rto = Rto {
        p50: None,
        p90: None,
        p99: None,
        p999: None,
        max: None,
        never_recovered: None,
    };

    /// Percentiles of the per-client RTO histogram. A histogram bucket reports its highest
    /// equivalent value (up to 0.1 % above the recorded one); an RTO never exceeds the window,
    /// so figures are clamped to `window`.
    pub fn from_histogram(
        h: &hdrhistogram::Histogram<u64>,
        never_recovered: u64,
        window: Micros,
    ) -> Rto {
        if h.is_empty() {
            return Rto {
                never_recovered: Some(never_recovered),
                ..Rto::NULL
            };
        }
        let q = |x: f64| Some(secs(h.value_at_quantile(x).min(window)));
        Rto {
            p50: q(0.5),
            p90: q(0.9),
            p99: q(0.99),
            p999: q(0.999),
            max: Some(secs(h.max().min(window))),
            never_recovered: Some(never_recovered),
        }
    }
}

/// `stale_until_s` object (METRICS.md): per cohort client, the failure to its last attempt
/// sent to a failed region within the window (0 if none), and `never_left`, the cohort clients
/// whose last attempt in the window went there (counted at the window's length).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct StaleUntil {
    pub p50: Option<f64>,
    pub p90: Option<f64>,
    pub p99: Option<f64>,
    pub p999: Option<f64>,
    pub max: Option<f64>,
    pub never_left: Option<u64>,
}

impl StaleUntil {
    pub const NULL: StaleUntil = StaleUntil {
        p50: None,
        p90: None,
        p99: None,
        p999: None,
        max: None,
        never_left: None,
    };

    /// Percentiles of the per-client histogram, clamped to `window` like [`Rto`]; `null`
    /// percentiles (and `never_left` 0) for an empty cohort.
    pub fn from_histogram(
        h: &hdrhistogram::Histogram<u64>,
        never_left: u64,
        window: Micros,
    ) -> StaleUntil {
        let r = Rto::from_histogram(h, never_left, window);
        StaleUntil {
            p50: r.p50,
            p90: r.p90,
            p99: r.p99,
            p999: r.p999,
            max: r.max,
            never_left: r.never_recovered,
        }
    }
}

/// `latency_ms` / `failure_latency_ms`: `null` values until the latency model exists.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Latency {
    pub p50: Option<f64>,
    pub p90: Option<f64>,
    pub p99: Option<f64>,
}

impl Latency {
    pub const NULL: Latency = Latency {
        p50: None,
        p90: None,
        p99: None,
    };

    /// Percentiles in milliseconds (0.1 ms resolution) of a microsecond histogram; `null`
    /// values when it is empty.
    pub fn from_histogram(h: &hdrhistogram::Histogram<u64>) -> Latency {
        if h.is_empty() {
            return Latency::NULL;
        }
        let q = |x: f64| Some((h.value_at_quantile(x) as f64 / 100.0).round() / 10.0);
        Latency {
            p50: q(0.5),
            p90: q(0.9),
            p99: q(0.99),
        }
    }
}

/// One arm in `summary.json`. Field order is the contract's.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ArmSummary {
    pub name: String,
    pub requests: u64,
    pub ok: u64,
    pub failed: u64,
    pub attempts: u64,
    pub cohort_clients: Option<u64>,
    pub detection_s: Option<f64>,
    /// When the detected change takes effect where routing is decided (METRICS.md `act_s`);
    /// `None` without a failure or a detection.
    pub act_s: Option<Act>,
    pub converge_s: Converge,
    pub stale_converge_s: Converge,
    pub rto_s: Rto,
    pub stale_until_s: StaleUntil,
    pub latency_ms: Latency,
    pub failure_latency_ms: Latency,
    pub auth_queries: u64,
    pub cost_usd_month: Option<f64>,
    /// Extension: the arm's routing strategy in words, e.g. "route53 failover, TTL 60s".
    pub strategy: String,
    /// Extension: `clients.*` keys this arm overrides (they change the comparison).
    pub client_overrides: Vec<String>,
}

/// `summary.json`.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Summary {
    pub workload: String,
    pub seed: u64,
    pub clients: u64,
    pub duration_s: f64,
    pub failure_at_s: Option<f64>,
    /// Extension: end of the first failure window (its `recover_at`, or the end of the run).
    pub window_end_s: Option<f64>,
    pub arms: Vec<ArmSummary>,
    /// Extension: the assumed parameters these figures rest on (reports print them).
    pub assumptions: Vec<String>,
    /// Extension: the gtsim version that produced this file.
    pub gtsim_version: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bins(ratios: &[(u64, u64)]) -> Vec<Bin> {
        ratios
            .iter()
            .map(|&(ok, req)| Bin {
                cohort_requests: req,
                cohort_ok: ok,
                cohort_attempts: req,
                cohort_attempts_failed_region: req - ok,
                ..Bin::default()
            })
            .collect()
    }

    #[test]
    fn qualification_thresholds_match_metrics_md() {
        assert_eq!(qualifying_requests(500), 20);
        assert_eq!(qualifying_requests(900), 100);
        assert_eq!(qualifying_requests(950), 200);
        assert_eq!(qualifying_requests(990), 1000);
        assert_eq!(qualifying_requests(999), 10_000);
    }

    #[test]
    fn converge_is_end_of_last_missing_bin() {
        // 5 s bins; failure at 10 s (bin 2). Bins 2-4 below 90 %, bin 5 above, bin 6 below,
        // bins 7-9 above: p90 = end of bin 6 (35 s) - 10 s = 25 s.
        let b = bins(&[
            (200, 200),
            (200, 200),
            (0, 200),
            (50, 200),
            (150, 200),
            (190, 200),
            (170, 200),
            (199, 200),
            (200, 200),
            (200, 200),
        ]);
        let s = 5 * SEC;
        assert_eq!(
            converge(&b, s, 10 * SEC, 50 * SEC, 900, ConvergeOn::Ok),
            Some(25.0)
        );
        // p50: bins 2 (0 %) and 3 (25 %) miss; bin 3 ends at 20 s.
        assert_eq!(
            converge(&b, s, 10 * SEC, 50 * SEC, 500, ConvergeOn::Ok),
            Some(10.0)
        );
        assert_eq!(
            converge(&b, s, 10 * SEC, 50 * SEC, 500, ConvergeOn::NotStale),
            Some(10.0)
        );
        // p99 needs 1000 requests per bin: nothing qualifies.
        assert_eq!(
            converge(&b, s, 10 * SEC, 50 * SEC, 990, ConvergeOn::Ok),
            None
        );
        // Window ending before recovery: the last qualifying bin misses -> null.
        assert_eq!(
            converge(&b, s, 10 * SEC, 35 * SEC, 900, ConvergeOn::Ok),
            None
        );
        // Never hurt: 0.
        let fine = bins(&[(200, 200); 10]);
        assert_eq!(
            converge(&fine, s, 10 * SEC, 50 * SEC, 999, ConvergeOn::Ok),
            None
        );
        assert_eq!(
            converge(&fine, s, 10 * SEC, 50 * SEC, 900, ConvergeOn::Ok),
            Some(0.0)
        );
    }

    #[test]
    fn rto_percentiles_from_histogram() {
        let mut h = crate::sim::new_histogram();
        for v in 1..=1000u64 {
            h.record(v * SEC / 10).unwrap(); // 0.1 s .. 100 s
        }
        let r = Rto::from_histogram(&h, 3, 3600 * SEC);
        // 3 significant digits: within 0.1 %.
        assert!((r.p50.unwrap() - 50.0).abs() <= 0.05, "{r:?}");
        assert!((r.p99.unwrap() - 99.0).abs() <= 0.1, "{r:?}");
        assert_eq!(r.never_recovered, Some(3));
        assert!((r.max.unwrap() - 100.0).abs() <= 0.1);
    }
}

/// `act_s` (METRICS.md): when the detected change takes effect where routing is decided, over
/// the cohort's traffic (every cohort client counts once; all clients send at the same rate):
/// the median and the maximum, seconds from the failure time (negative when it comes first, as
/// an ARC flip can).
#[derive(Debug, Clone, Copy, Serialize, PartialEq)]
pub struct Act {
    pub p50: f64,
    pub max: f64,
}

impl Act {
    /// From `(seconds, cohort clients)` pairs in any order; `None` without clients. The p50 is
    /// the smallest value at which at least half of the clients have it (lower median).
    pub fn from_weighted(mut values: Vec<(f64, u64)>) -> Option<Act> {
        values.retain(|&(_, n)| n > 0);
        values.sort_by(|a, b| a.0.total_cmp(&b.0));
        let total: u64 = values.iter().map(|v| v.1).sum();
        if total == 0 {
            return None;
        }
        let mut acc = 0;
        let mut p50 = values[0].0;
        for &(v, n) in &values {
            acc += n;
            if 2 * acc >= total {
                p50 = v;
                break;
            }
        }
        let round = |s: f64| (s * 1000.0).round() / 1000.0;
        Some(Act {
            p50: round(p50),
            max: round(values[values.len() - 1].0),
        })
    }
}

#[cfg(test)]
mod act_tests {
    use super::Act;

    #[test]
    fn weighted_median_and_max() {
        assert_eq!(Act::from_weighted(vec![]), None);
        let a = Act::from_weighted(vec![(3.0, 1), (1.0, 2), (2.0, 1), (9.0, 0)]).unwrap();
        assert_eq!(a, Act { p50: 1.0, max: 3.0 });
        let b = Act::from_weighted(vec![(1.0, 1), (2.0, 3)]).unwrap();
        assert_eq!(b, Act { p50: 2.0, max: 2.0 });
    }
}
