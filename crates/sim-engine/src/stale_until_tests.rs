//! `stale_until_s` (METRICS.md) against closed forms, on the drain set-up of
//! `closed_form_tests` (region 0 keeps serving but counts as failed from `T0`; an ARC flip with
//! zero propagation moves the answers at `T0`).
//!
//! - No flip: no client can leave, so every cohort client's last attempt in the window goes to
//!   the failed region: `never_left` = the cohort, every percentile = the window's length.
//! - TTL 0 (every lookup reaches the authoritative answer) and no connection reuse: no attempt
//!   at or after the flip goes to the old region, so every client has 0.
//! - TTL L, resolvers that honour it: in the stationary state each resolver's entry expires
//!   E ~ U(0, L) after the flip (refreshed at once: ~10 queries/s per resolver); a client with
//!   Poisson requests of rate λ is on the old region until its last request before E. So
//!   stale_until < L, and its CDF is
//!   F(x) = x/L + (1 − e^{−λ(L−x)}) / (λL) for 0 ≤ x < L
//!   (E ≤ x, or E > x with no request in (x, E)). The clients of one resolver share E, so the
//!   empirical CDF's standard deviation is at most sqrt(F(1 − F) / R) over R resolvers.

use crate::closed_form_tests::{T0, drain_workload};
use crate::config::*;
use crate::run::{RunOptions, run};
use crate::{Micros, SEC};

fn run2(w: &Workload) -> crate::run::RunOutput {
    run(
        w,
        &RunOptions {
            threads: 2,
            ..RunOptions::default()
        },
        &|_, _| {},
    )
    .unwrap()
}

fn secs(us: Micros) -> f64 {
    us as f64 / SEC as f64
}

#[test]
fn clients_that_cannot_leave_never_leave() {
    let mut w = drain_workload(&[(1.0, TtlPolicy::Honor)], 60 * SEC, 120 * SEC);
    w.simulation.clients = 20_000;
    let ArmKind::Route53(r) = &mut w.arms[0].kind else {
        unreachable!()
    };
    r.control = None; // the primary has no health check: the answer never moves
    let out = run2(&w);
    let a = &out.summary.arms[0];
    let cohort = a.cohort_clients.unwrap();
    assert!(cohort > 19_000, "{cohort}");
    let s = &a.stale_until_s;
    assert_eq!(s.never_left, Some(cohort));
    let window = secs(w.simulation.duration - T0);
    for v in [s.p50, s.p90, s.p99, s.p999, s.max] {
        assert_eq!(v, Some(window));
    }
    let d = &out.distributions[0].stale_until;
    assert_eq!(d.len(), crate::run::distribution_quantiles().len());
    // Quantile 0 reads the bucket's lowest equivalent value (3 significant digits).
    assert!(
        d.iter().all(|&(_, v)| v <= window && v >= window * 0.999),
        "{d:?}"
    );
}

#[test]
fn ttl_zero_and_an_immediate_flip_leave_at_once() {
    let mut w = drain_workload(&[(1.0, TtlPolicy::Honor)], 0, 60 * SEC);
    w.simulation.clients = 20_000;
    let out = run2(&w);
    let a = &out.summary.arms[0];
    assert!(a.cohort_clients.unwrap() > 19_000);
    let s = &a.stale_until_s;
    assert_eq!(s.never_left, Some(0));
    assert_eq!(s.max, Some(0.0));
    assert_eq!(s.p50, Some(0.0));
}

#[test]
fn honest_ttl_drain_follows_the_last_request_before_expiry() {
    const L: f64 = 60.0;
    const LAMBDA: f64 = 1.0;
    let mut w = drain_workload(&[(1.0, TtlPolicy::Honor)], 60 * SEC, 100 * SEC);
    w.simulation.clients = 50_000;
    w.resolvers[0].clients_per_resolver = 10;
    let out = run2(&w);
    let a = &out.summary.arms[0];
    let cohort = a.cohort_clients.unwrap();
    assert!(cohort > 49_000, "{cohort}");
    let s = &a.stale_until_s;
    assert_eq!(s.never_left, Some(0));
    // The bound: nobody is on the old region after its resolver's entry expired (< L), up to
    // the histogram's 0.1 % bucket width.
    assert!(s.max.unwrap() <= L * 1.001, "{s:?}");
    assert!(s.max.unwrap() > L * 0.99, "{s:?}");
    let cdf = |x: f64| x / L + (1.0 - (-LAMBDA * (L - x)).exp()) / (LAMBDA * L);
    let r = 5_000.0; // resolvers
    let mut checked = 0;
    for &(q, v) in &out.distributions[0].stale_until {
        if !(0.05..=0.95).contains(&q) {
            continue;
        }
        let f = cdf(v);
        let tol = 5.0 * (f * (1.0 - f) / r).sqrt() + 0.003;
        assert!(
            (f - q).abs() <= tol,
            "quantile {q}: value {v} s has closed-form F {f:.4} (tolerance {tol:.4})"
        );
        checked += 1;
    }
    assert!(checked >= 80, "{checked}");
}
