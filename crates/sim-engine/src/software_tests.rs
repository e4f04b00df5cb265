//! `clients.software` end to end: per-client draws, idle limits against the closed form of a
//! Poisson client, the first-address-only stack, and independence from threads and shards.

use crate::SEC;
use crate::config::*;
use crate::curve::Bin;
use crate::run::{RunOptions, run};
use crate::testutil::two_region_workload;
use resolver_models::{Part, Status, client_stack};

/// A mix of `(name or None for the keys as written, share)`.
fn mix(parts: &[(Option<&'static str>, f64)]) -> SoftwareMix {
    SoftwareMix {
        name: "test",
        parts: parts
            .iter()
            .map(|&(n, weight)| Part {
                weight,
                value: n.map(|n| client_stack(n).unwrap()),
                label: n.unwrap_or("none"),
                source: "test",
                status: Status::Verified,
            })
            .collect(),
    }
}

fn with_software(mut w: Workload, m: Option<SoftwareMix>) -> Workload {
    w.clients.software = m;
    for a in &mut w.arms {
        a.clients = w.clients.clone();
    }
    w
}

/// Draws are keyed by the global client id on their own stream and follow the shares.
#[test]
fn software_draws_follow_shares() {
    let w = with_software(
        two_region_workload(),
        Some(mix(&[(Some("chrome"), 0.6), (None, 0.4)])),
    );
    let m = crate::mixes::Mixes::new(&w, &w.clients);
    assert_eq!(m.software.len(), 2);
    let n = 100_000u64;
    let chrome = (0..n).filter(|&g| m.client_software(g) == 0).count() as f64 / n as f64;
    // sigma = sqrt(0.6 * 0.4 / n) = 0.155 %
    assert!((chrome - 0.6).abs() < 5.0 * 0.00155, "{chrome}");
    let again = crate::mixes::Mixes::new(&w, &w.clients);
    assert_eq!(m.client_software(4321), again.client_software(4321));
    // "none" is the keys as written; chrome brings its own values.
    assert_eq!(m.software[1].app, w.clients.app_cache);
    assert_eq!(m.software[1].keepalive_idle, w.clients.keepalive_idle);
    assert_eq!(m.software[0].keepalive_idle, 300 * SEC);
    // Written keys override the software.
    let mut o = w.clone();
    o.clients.keepalive_idle = 7 * SEC;
    o.clients.software_overrides.keepalive_idle = true;
    let m = crate::mixes::Mixes::new(&o, &o.clients);
    assert_eq!(m.software[0].keepalive_idle, 7 * SEC);
    assert_eq!(m.software[0].app, AppCache::Floor { min: 60 * SEC });
    assert!(
        crate::mixes::assumptions(&w)
            .iter()
            .any(|a| a.contains("each client's HTTP stack") && a.contains("chrome 60.00%"))
    );
}

/// Connection reuse per client: with no failures, no stub or app cache and Poisson requests of
/// rate λ, a request opens a new connection (and resolves) exactly when the gap before it is at
/// least the client's idle limit L, so dns_answers / attempts = Σ share_k e^{-λ L_k}. Go (90 s)
/// is bounded by the ALB's 60 s idle timeout, node-fetch keeps 4 s.
#[test]
fn idle_limits_per_software_match_the_poisson_closed_form() {
    let mut w = two_region_workload();
    w.simulation.duration = 1200 * SEC;
    w.simulation.clients = 20_000;
    let w = with_software(
        w,
        Some(mix(&[(Some("go"), 0.5), (Some("node-fetch"), 0.5)])),
    );
    let m = crate::mixes::Mixes::new(&w, &w.clients);
    let go = (0..20_000u64)
        .filter(|&g| m.client_software(g) == 0)
        .count() as f64
        / 20_000.0;
    let out = run(&w, &RunOptions::default(), &|_, _| {}).unwrap();
    let b: Bin = out.curves[0].bins.iter().sum();
    assert_eq!(b.failed, 0);
    let lambda = 1.0 / 30.0;
    let expected = go * (-lambda * 60.0f64).exp() + (1.0 - go) * (-lambda * 4.0f64).exp();
    let observed = b.dns_answers as f64 / b.attempts as f64;
    // Binomial over ~800k requests: sd < 0.0006.
    assert!(
        (observed - expected).abs() < 0.004,
        "observed {observed:.4}, closed form {expected:.4}"
    );
    // The default ("none", keep-alive off): every request resolves.
    let plain = run(&two_region_workload(), &RunOptions::default(), &|_, _| {}).unwrap();
    let p: Bin = plain.curves[0].bins.iter().sum();
    assert_eq!(p.dns_answers, p.attempts);
}

/// `HttpURLConnection` tries only the first address: on the multivalue set-up of
/// `closed_form_tests::multivalue_client_tries_next_address_without_using_a_retry` (region 0
/// blackholed, no retries) its requests whose answer lists region 0 first fail, where a stack
/// that tries the next address serves them all.
#[test]
fn first_address_only_fails_where_next_address_recovers() {
    let mut w = crate::testutil::unchecked_blackhole(10_000);
    let arm = |name: &str, stack: &'static str| {
        let mut c = w.clients.clone();
        c.software = Some(mix(&[(Some(stack), 1.0)]));
        // No reuse, no app cache: only the connect-failure rule differs.
        c.software_overrides = SoftwareOverrides {
            app_cache: true,
            keepalive_idle: true,
        };
        crate::testutil::unchecked_arm(&w, name, Policy::Multivalue, c)
    };
    w.arms = vec![arm("go", "go"), arm("jvm", "jvm-httpurlconnection")];
    let out = run(&w, &RunOptions::default(), &|_, _| {}).unwrap();
    let after = |arm: usize| -> Bin { out.curves[arm].bins[(120 / 5)..].iter().sum() };
    assert_eq!(after(0).failed, 0);
    assert_eq!(
        after(0).attempts,
        after(0).requests + after(0).attempts_failed_region
    );
    let j = after(1);
    assert_eq!(j.attempts, j.requests, "no second attempt");
    assert_eq!(j.failed, j.attempts_failed_region);
    let share = j.failed as f64 / j.requests as f64;
    assert!(share > 0.2 && share < 0.8, "{share}");
}

/// A software mix gives byte-identical figures whatever the thread count and shard size.
#[test]
fn software_mixes_do_not_depend_on_threads_or_shards() {
    let mut w = two_region_workload();
    w.simulation.duration = 300 * SEC;
    w.simulation.clients = 6_000;
    w.failures = vec![Failure {
        region: 0,
        at: 100 * SEC,
        kind: FailureKind::Hard(HardMode::Blackhole),
        recover_at: None,
    }];
    let w = with_software(
        w,
        Some(mix(&[
            (Some("chrome"), 0.5),
            (Some("jvm-httpurlconnection"), 0.2),
            (Some("python-requests"), 0.2),
            (None, 0.1),
        ])),
    );
    let a = crate::testutil::run_sharded(&w, 1, 1 << 14);
    let b = crate::testutil::run_sharded(&w, 2, 333);
    assert_eq!(a.summary, b.summary);
    assert_eq!(a.distributions, b.distributions);
    for (x, y) in a.curves.iter().zip(&b.curves) {
        assert_eq!(x.bins, y.bins);
    }
}

/// Chrome's own cache keeps an answer for max(TTL, 60 s): with TTL 0 behind honest resolvers
/// and an instantaneous answer change (the drain set-up of `closed_form_tests`), a client is
/// on the old region until its app-cache entry expires. In the stationary state the entry is
/// present with probability L / (L + 1/λ) (L = 60 s), its remaining life uniform on [0, L];
/// an absent entry is refilled after the change. So, per client (independent):
/// F(x) = (1 − p) + p (x/L + (1 − e^{−λ(L−x)}) / (λL)), p = λL / (1 + λL).
#[test]
fn chrome_keeps_a_zero_ttl_answer_for_its_sixty_second_floor() {
    use crate::closed_form_tests::drain_workload;
    const L: f64 = 60.0;
    let lambda = 1.0 / 30.0;
    let mut w = drain_workload(&[(1.0, TtlPolicy::Honor)], 0, 200 * SEC);
    w.simulation.clients = 20_000;
    w.clients.request_rate = lambda;
    w.clients.software_overrides.keepalive_idle = true; // keys' "0s": no connection reuse
    let w = with_software(w, Some(mix(&[(Some("chrome"), 1.0)])));
    let out = run(&w, &RunOptions::default(), &|_, _| {}).unwrap();
    let s = &out.summary.arms[0].stale_until_s;
    let p = lambda * L / (1.0 + lambda * L);
    // never_left: a stale client that sent at least once before its entry expired at E and
    // then nothing until the window's end W: p (1/L) ∫_0^L (1 − e^{−λE}) e^{−λ(W−E)} dE
    // = p e^{−λW} ((e^{λL} − 1)/λ − L) / L (≈ 0.36 % here); Poisson count, 5 sigma.
    let window = 180.0;
    let n = out.summary.arms[0].cohort_clients.unwrap() as f64;
    let never = n * p * (-lambda * window).exp() * (((lambda * L).exp() - 1.0) / lambda - L) / L;
    let got = s.never_left.unwrap() as f64;
    assert!(
        (got - never).abs() <= 5.0 * never.sqrt() + 1.0,
        "never_left {got}, closed form {never:.1}"
    );
    // Those count at the window's length; everyone else left within the floor.
    assert_eq!(s.max, Some(window));
    let cdf = |x: f64| (1.0 - p) + p * (x / L + (1.0 - (-lambda * (L - x)).exp()) / (lambda * L));
    assert!(n > 19_000.0, "{n}");
    let mut checked = 0;
    for &(q, v) in &out.distributions[0].stale_until {
        if !(0.65..=0.95).contains(&q) {
            continue; // below F(0) ≈ 0.62 the quantiles are 0
        }
        let f = cdf(v);
        let tol = 5.0 * (f * (1.0 - f) / n).sqrt() + 0.01;
        assert!(
            (f - q).abs() <= tol,
            "quantile {q}: {v} s has closed-form F {f:.4} (tolerance {tol:.4})"
        );
        checked += 1;
    }
    assert!(checked >= 30, "{checked}");
    // Without the software (no app cache) the same clients leave at once.
    let plain = run(
        &with_software(
            drain_workload(&[(1.0, TtlPolicy::Honor)], 0, 60 * SEC),
            None,
        ),
        &RunOptions::default(),
        &|_, _| {},
    )
    .unwrap();
    assert_eq!(plain.summary.arms[0].stale_until_s.max, Some(0.0));
}
