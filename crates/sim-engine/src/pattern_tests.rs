//! Request patterns (`clients.pattern`) in the engine, against closed forms, on the drain
//! set-up of `closed_form_tests` (region 0 keeps serving but counts as failed from `T0`; an ARC
//! flip with zero propagation moves the answers at `T0`).

use resolver_models::{Count, Dist, Pattern, Sessions};

use crate::closed_form_tests::drain_workload;
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

fn with_pattern(mut w: Workload, p: Pattern, rate: f64) -> Workload {
    w.clients.pattern = p;
    w.clients.request_rate = rate;
    for a in &mut w.arms {
        a.clients.pattern = p;
        a.clients.request_rate = rate;
    }
    w
}

fn web_sessions() -> Sessions {
    Sessions {
        requests: Count::Geometric { mean: 10.0 },
        think: Dist::Lognormal {
            median: 8.0,
            sigma: 1.2,
        },
        gap: Dist::Pareto {
            alpha: 1.5,
            min: 200.0,
        },
    }
}

/// The recorded request rate of a session population is the renewal-reward rate E[N]/E[cycle]
/// from the first bin on (the process starts stationary), in every arm alike.
#[test]
fn sessions_send_at_their_renewal_reward_rate() {
    let s = web_sessions();
    let w = drain_workload(&[(1.0, TtlPolicy::Honor)], 60 * SEC, 600 * SEC);
    let mut w = with_pattern(w, Pattern::Sessions(s), s.mean_rate());
    w.simulation.clients = 40_000;
    let out = run2(&w);
    let bins = &out.curves[0].bins;
    let per_bin = |b: &crate::curve::Bin| b.requests as f64 / 40_000.0 / 5.0;
    let want = s.mean_rate();
    let all: f64 = bins.iter().map(per_bin).sum::<f64>() / bins.len() as f64;
    assert!((all - want).abs() / want < 0.03, "{all} vs {want}");
    let first: f64 = bins[..6].iter().map(per_bin).sum::<f64>() / 6.0;
    assert!(
        (first - want).abs() / want < 0.06,
        "first 30 s: {first} vs {want}"
    );
}

/// Long-lived streams: with TTL 0 every new connection goes to the new answer, so a client
/// leaves the old region only when its stream ends. Messages at rate λ, lives Exp(D): at the
/// flip a client is between connections with probability 1/(1 + λD) (then it leaves at once),
/// else its connection lives on for R ~ Exp(D) and its last stale message is the last before
/// R; so P(stale_until ≤ x) = 1/(1+λD) + λD/(1+λD) · (1 − e^(−x/D) · λD/(1+λD)). Clients are
/// independent here (no shared cache entry), so the tolerance is binomial.
#[test]
fn streams_leave_when_their_connection_ends() {
    const LAMBDA: f64 = 0.5;
    const D: f64 = 40.0;
    let w = drain_workload(&[(1.0, TtlPolicy::Honor)], 0, 400 * SEC);
    let mut w = with_pattern(
        w,
        Pattern::Stream {
            duration: (D * SEC as f64) as Micros,
        },
        LAMBDA,
    );
    w.simulation.clients = 20_000;
    let out = run2(&w);
    let a = &out.summary.arms[0];
    let n = a.cohort_clients.unwrap() as f64;
    assert!(n > 19_000.0, "{n}");
    let ld = LAMBDA * D;
    let cdf =
        |x: f64| 1.0 / (1.0 + ld) + ld / (1.0 + ld) * (1.0 - (-x / D).exp() * ld / (1.0 + ld));
    let mut checked = 0;
    for &(q, v) in &out.distributions[0].stale_until {
        if !(0.1..=0.95).contains(&q) {
            continue;
        }
        let f = cdf(v);
        let tol = 5.0 * (f * (1.0 - f) / n).sqrt() + 0.004;
        assert!(
            (f - q).abs() <= tol,
            "q {q}: {v} s has F {f:.4} (tol {tol:.4})"
        );
        checked += 1;
    }
    assert!(checked >= 50, "{checked}");
    // Without the stream pattern (Poisson, no reuse, TTL 0) nobody is stale after the flip.
    let w0 = with_pattern(w.clone(), Pattern::Poisson, LAMBDA);
    assert_eq!(run2(&w0).summary.arms[0].stale_until_s.max, Some(0.0));
}

/// Steady callers with a kept-alive connection whose idle limit exceeds the period never
/// close it: in a drain nobody leaves; under Poisson gaps with the same mean some connections
/// idle out and re-resolve, so some clients leave.
#[test]
fn steady_callers_keep_their_connection() {
    let w = drain_workload(&[(1.0, TtlPolicy::Honor)], 0, 300 * SEC);
    let mut steady = with_pattern(w, Pattern::Steady { jitter: 0.1 }, 0.2);
    steady.simulation.clients = 5_000;
    steady.clients.keepalive_idle = 10 * SEC;
    for a in &mut steady.arms {
        a.clients.keepalive_idle = 10 * SEC;
    }
    let out = run2(&steady);
    let s = &out.summary.arms[0].stale_until_s;
    assert_eq!(s.never_left, out.summary.arms[0].cohort_clients, "{s:?}");
    let poisson = with_pattern(steady.clone(), Pattern::Poisson, 0.2);
    let out = run2(&poisson);
    let a = &out.summary.arms[0];
    // P(a gap > 10 s) = e^-2 per request: nearly every client idles out within the window.
    assert!(a.stale_until_s.never_left.unwrap() < a.cohort_clients.unwrap() / 100);
}

/// Patterns draw per (client, request counter): any thread count and shard size gives the
/// same summary and curves.
#[test]
fn patterns_do_not_depend_on_threads_or_shards() {
    for p in [
        Pattern::Sessions(web_sessions()),
        Pattern::Stream {
            duration: 120 * SEC,
        },
        Pattern::Steady { jitter: 0.3 },
    ] {
        let w = drain_workload(&[(1.0, TtlPolicy::Honor)], 60 * SEC, 200 * SEC);
        let mut w = with_pattern(w, p, 0.1);
        if let Pattern::Sessions(s) = p {
            w = with_pattern(w, p, s.mean_rate());
        }
        w.simulation.clients = 12_000;
        w.arms[0].clients.keepalive_idle = 30 * SEC;
        let go = |threads, shard| crate::testutil::run_sharded(&w, threads, shard);
        let (a, b) = (go(1, 1 << 14), go(2, 777));
        assert_eq!(a.summary, b.summary, "{p:?}");
        assert_eq!(a.curves[0].bins, b.curves[0].bins, "{p:?}");
        assert_eq!(a.distributions, b.distributions, "{p:?}");
    }
}
