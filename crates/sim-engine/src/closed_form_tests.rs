//! End-to-end engine checks against closed forms.
//!
//! Set-up: an instantaneous answer change at t0 (an ARC routing-control flip with zero
//! propagation) away from a region that keeps serving but counts as failed from t0 (a `drain`
//! failure), so `dns_answers_failed_region / dns_answers` is the fraction of DNS answers that
//! still point at the old region. Each resolver sees ~100 queries/s, so it refreshes at the
//! instant its entry expires, and in the stationary state the expiry times are uniform over the
//! entry lifetime L. The expected stale fraction at t0 + x is therefore (1 - x/L)+ for one
//! class, and the share-weighted sum for a mix.
//!
//! Tolerance: the stale fraction of a class is the mean over its R resolvers of an indicator
//! with probability p, so its standard deviation is sqrt(p(1-p)/R) (the Poisson noise of the
//! ~10^6 answers per bin is two orders smaller). Each bin must lie within 5 standard deviations
//! of the closed form (two-sided, false alarm < 6e-7 per bin), plus 0.002 for the discreteness
//! of a 1 µs clock and the ~10 ms refresh gaps.

use crate::config::*;
#[allow(unused_imports)]
use crate::config::{
    ClientAffinity, EndpointGroup, GaHealthCheck, GlobalAcceleratorArm, LbHealthCheck,
};
use crate::curve::Bin;
use crate::run::{RunOptions, run};
use crate::testutil::two_region_workload;
use crate::{Micros, SEC};

pub(crate) const T0: Micros = 20 * SEC;

/// The drain workload with the given resolver classes `(share, ttl policy)` and record TTL.
pub(crate) fn drain_workload(
    classes: &[(f64, TtlPolicy)],
    ttl: Micros,
    duration: Micros,
) -> Workload {
    let mut w = two_region_workload();
    w.simulation.duration = duration;
    w.simulation.clients = 200_000;
    w.simulation.bin = 5 * SEC;
    w.clients.request_rate = 1.0;
    w.resolvers = classes
        .iter()
        .enumerate()
        .map(|(i, &(share, ttl))| ResolverClass {
            name: format!("class{i}"),
            share,
            placement: Placement::Local,
            ecs: false,
            clients_per_resolver: 100,
            ttl,
            prefetch: false,
            serve_stale: ServeStale::Off,
            siting: Siting::default(),
            ttl_mix: None,
            clock: CacheClock::Exact,
            display: TtlDisplay::Exact,
        })
        .collect();
    w.failures = vec![Failure {
        region: 0,
        at: T0,
        kind: FailureKind::Drain,
        recover_at: None,
    }];
    let arm = &mut w.arms[0];
    arm.clients = w.clients.clone();
    let ArmKind::Route53(r) = &mut arm.kind else {
        unreachable!()
    };
    r.ttl = ttl;
    r.propagation = Propagation::Fixed(0);
    r.control = Some(ArcControl {
        flip_at: T0,
        region: 0,
        flip_back_at: None,
        at_least: None,
    });
    w
}

/// Run and compare every post-change bin's stale-answer fraction with `expected(x)` averaged
/// over the bin (x = seconds since the change); `sigma(x)` is the standard deviation.
fn check_drain(w: &Workload, expected: impl Fn(f64) -> f64, sigma: impl Fn(f64) -> f64) {
    check_drain_min(w, 100_000, expected, sigma)
}

fn check_drain_min(
    w: &Workload,
    min_answers: u64,
    expected: impl Fn(f64) -> f64,
    sigma: impl Fn(f64) -> f64,
) {
    let out = run(
        w,
        &RunOptions {
            threads: 2,
            ..RunOptions::default()
        },
        &|_, _| {},
    )
    .unwrap();
    let bins = &out.curves[0].bins;
    let bin_s = w.simulation.bin as f64 / SEC as f64;
    let t0 = T0 as f64 / SEC as f64;
    let mut checked = 0;
    for (i, b) in bins.iter().enumerate() {
        let start = i as f64 * bin_s;
        assert!(
            b.dns_answers > min_answers,
            "bin {i} has too few answers: {}",
            b.dns_answers
        );
        let observed = b.dns_answers_failed_region as f64 / b.dns_answers as f64;
        if start + bin_s <= t0 {
            assert_eq!(
                b.dns_answers_failed_region, 0,
                "no stale answers before the change"
            );
            continue;
        }
        if start < t0 {
            continue; // the bin straddles the change
        }
        let x0 = start - t0;
        let steps = 200;
        let mean: f64 = (0..steps)
            .map(|k| expected(x0 + (k as f64 + 0.5) * bin_s / steps as f64))
            .sum::<f64>()
            / steps as f64;
        let sd: f64 = (0..steps)
            .map(|k| sigma(x0 + (k as f64 + 0.5) * bin_s / steps as f64))
            .fold(0.0, f64::max);
        let tol = 5.0 * sd + 0.002;
        assert!(
            (observed - mean).abs() <= tol,
            "bin at {x0} s after the change: observed {observed:.4}, closed form {mean:.4}, tolerance {tol:.4}"
        );
        checked += 1;
    }
    assert!(checked >= 10, "only {checked} bins checked");
}

fn linear(life_s: f64) -> impl Fn(f64) -> f64 {
    move |x| (1.0 - x / life_s).max(0.0)
}

/// Resolvers in a class of `share` of 200,000 clients at 100 clients per resolver.
fn resolvers(share: f64) -> f64 {
    (200_000.0 * share / 100.0).round()
}

fn sd(p: f64, r: f64) -> f64 {
    (p * (1.0 - p) / r).sqrt()
}

#[test]
fn honour_ttl_drains_linearly_over_ttl() {
    let w = drain_workload(&[(1.0, TtlPolicy::Honor)], 60 * SEC, 120 * SEC);
    let f = linear(60.0);
    check_drain(&w, &f, |x| sd(f(x), resolvers(1.0)));
}

#[test]
fn floor_drains_over_the_floor() {
    let w = drain_workload(
        &[(1.0, TtlPolicy::Floor { min: 300 * SEC })],
        60 * SEC,
        360 * SEC,
    );
    let f = linear(300.0);
    check_drain(&w, &f, |x| sd(f(x), resolvers(1.0)));
}

#[test]
fn cap_shortens_long_ttls() {
    let w = drain_workload(
        &[(1.0, TtlPolicy::Cap { max: 90 * SEC })],
        3600 * SEC,
        150 * SEC,
    );
    let f = linear(90.0);
    check_drain(&w, &f, |x| sd(f(x), resolvers(1.0)));
}

#[test]
fn mix_is_the_share_weighted_sum() {
    let classes = [
        (0.7, TtlPolicy::Honor),
        (0.3, TtlPolicy::Floor { min: 180 * SEC }),
    ];
    let w = drain_workload(&classes, 60 * SEC, 240 * SEC);
    let (a, b) = (linear(60.0), linear(180.0));
    check_drain(
        &w,
        |x| 0.7 * a(x) + 0.3 * b(x),
        |x| {
            let va = 0.7f64.powi(2) * sd(a(x), resolvers(0.7)).powi(2);
            let vb = 0.3f64.powi(2) * sd(b(x), resolvers(0.3)).powi(2);
            (va + vb).sqrt()
        },
    );
}

/// A deliberately wrong expectation must fail the same check: the test can fail.
#[test]
#[should_panic(expected = "closed form")]
fn check_rejects_a_wrong_model() {
    let w = drain_workload(
        &[(1.0, TtlPolicy::Floor { min: 120 * SEC })],
        60 * SEC,
        150 * SEC,
    );
    let f = linear(60.0); // predicts honour-TTL for a resolver with a 120 s floor
    check_drain(&w, &f, |x| sd(f(x), resolvers(1.0)));
}

/// Same workload and seed, different thread counts and shard sizes: identical results.
#[test]
fn results_do_not_depend_on_threads_or_shards() {
    let mut w = drain_workload(
        &[
            (0.5, TtlPolicy::Honor),
            (0.5, TtlPolicy::Floor { min: 90 * SEC }),
        ],
        60 * SEC,
        120 * SEC,
    );
    w.simulation.clients = 30_000;
    w.failures[0].kind = FailureKind::Hard(HardMode::Blackhole);
    w.arms[0].clients.retries = 2;
    w.arms[0].clients.keepalive_idle = 30 * SEC;
    let a = crate::testutil::run_sharded(&w, 1, 1 << 14);
    let b = crate::testutil::run_sharded(&w, 2, 777);
    assert_eq!(a.summary, b.summary);
    assert_eq!(a.distributions, b.distributions);
    assert_eq!(a.curves.len(), b.curves.len());
    for (x, y) in a.curves.iter().zip(&b.curves) {
        assert_eq!(x.bins, y.bins);
    }
    assert!(
        a.summary.arms[0].failed > 0,
        "the failure must hurt someone"
    );
}

/// Unbound prefetch (a hit in the last 10 % of the TTL refreshes): with ~100 queries/s per
/// resolver every entry is refreshed at 0.9 of its lifetime, so the drain is linear over 0.9 T.
#[test]
fn prefetch_drains_over_ninety_percent_of_ttl() {
    let mut w = drain_workload(&[(1.0, TtlPolicy::Honor)], 60 * SEC, 120 * SEC);
    w.resolvers[0].prefetch = true;
    let f = linear(54.0);
    check_drain(&w, &f, |x| sd(f(x), resolvers(1.0)));
}

/// Low demand (one client per resolver, one query a minute, TTL 1 s): entries are always
/// expired when queried. An honest resolver then always fetches a fresh answer; an optimistic
/// one answers its expired entry first, so after the change a query is stale exactly when it is
/// the resolver's first since the change: probability e^(-lambda x).
#[test]
fn optimistic_serve_stale_answers_first_query_after_change_stale() {
    let low = |stale| {
        let mut w = drain_workload(&[(1.0, TtlPolicy::Honor)], SEC, 200 * SEC);
        w.resolvers[0].clients_per_resolver = 1;
        w.resolvers[0].serve_stale = stale;
        w.clients.request_rate = 1.0 / 60.0;
        w.arms[0].clients = w.clients.clone();
        w
    };
    // ~16,700 answers per 5 s bin: the binomial noise of the fraction dominates.
    let answers = 200_000.0 * 5.0 / 60.0;
    let f = |x: f64| (-x / 60.0).exp();
    check_drain_min(&low(ServeStale::Optimistic), 10_000, f, |x| {
        sd(f(x), answers)
    });
    // Honest resolvers at the same demand: a stale answer needs a query within 1 s of the
    // previous one, probability 1 - e^(-1/60) = 1.7 %, and only for the first second after the
    // change: every bin is within noise of zero.
    check_drain_min(
        &low(ServeStale::Off),
        10_000,
        |_| 0.0,
        |_| sd(0.02, answers),
    );
}

/// A JVM with a SecurityManager caches forever: nobody ever moves.
#[test]
fn jvm_forever_never_drains() {
    let mut w = drain_workload(&[(1.0, TtlPolicy::Honor)], 60 * SEC, 120 * SEC);
    w.clients.app_cache = AppCache::preset("jvm-forever").unwrap();
    w.arms[0].clients = w.clients.clone();
    check_drain(&w, |_| 1.0, |_| 0.0);
}

/// Three regions, honest resolvers with high demand, a blackhole of us-east-1 at 10 min, no
/// connection reuse: one Route 53 latency arm (TTL 60 s, 10 s x 1 checks) and one Global
/// Accelerator arm (ALB endpoints, keep-alive 60 s).
fn latency_vs_ga() -> Workload {
    let mut w = crate::testutil::three_region_workload();
    w.simulation.clients = 100_000;
    w.simulation.duration = 20 * 60 * SEC;
    w.clients.request_rate = 0.2;
    w.resolvers[0].clients_per_resolver = 200;
    w.failures = vec![Failure {
        region: 0,
        at: 600 * SEC,
        kind: FailureKind::Hard(HardMode::Blackhole),
        recover_at: None,
    }];
    let records = (0..3)
        .map(|region| Record {
            region,
            weight: 1,
            role: None,
            alias: false,
            evaluate_target_health: false,
            health_check: Some(crate::testutil::hc(10, 1)),
            location: None,
            calculated: None,
            geoproximity: None,
        })
        .collect();
    let r53 = Arm {
        name: "latency".into(),
        kind: ArmKind::Route53(Route53Arm {
            policy: Policy::Latency,
            ttl: 60 * SEC,
            propagation: Propagation::Default,
            records,
            control: None,
            endpoint_type: EndpointType::Alb,
        }),
        clients: w.clients.clone(),
        client_overrides: vec![],
    };
    let mut ga_clients = w.clients.clone();
    ga_clients.keepalive_idle = 60 * SEC;
    let ga = Arm {
        name: "ga".into(),
        kind: ArmKind::GlobalAccelerator(GlobalAcceleratorArm::with_dials(
            EndpointType::Alb,
            &[100.0; 3],
            Propagation::Default,
        )),
        clients: ga_clients,
        client_overrides: vec!["keepalive_idle".into()],
    };
    w.arms = vec![r53, ga];
    w
}

/// Last bin start (s after the failure) with a cohort attempt to the failed region.
fn last_stale_bin(bins: &[Bin], fail_s: f64, bin_s: f64) -> f64 {
    bins.iter()
        .enumerate()
        .filter(|(_, b)| b.cohort_attempts_failed_region > 0)
        .map(|(i, _)| i as f64 * bin_s - fail_s)
        .fold(f64::NEG_INFINITY, f64::max)
}

/// Issue "control-plane fidelity": for honest resolvers with high demand, Route 53's stale
/// routing ends no earlier than detection + TTL (each resolver refreshes at most one TTL after
/// its authoritative location learns of the failure) and no later than detection + the maximum
/// propagation delay + TTL; its median sits near detection + mean propagation + TTL/2.
#[test]
fn route53_latency_stale_routing_ends_after_detection_plus_ttl() {
    let w = latency_vs_ga();
    let out = run(&w, &RunOptions::default(), &|_, _| {}).unwrap();
    let arm = &out.summary.arms[0];
    let det = arm.detection_s.unwrap();
    let last = last_stale_bin(&out.curves[0].bins, 600.0, 5.0);
    let prop_max = crate::controlplane::DEFAULT_PROPAGATION_MAX as f64 / SEC as f64;
    assert!(
        last + 5.0 >= det + 60.0,
        "stale routing ended at {last} s, before detection {det} + TTL 60"
    );
    assert!(
        last <= det + prop_max + 60.0,
        "stale routing lasted to {last} s, after {det} + {prop_max} + 60"
    );
    // Median: the stale fraction falls through 50 % at about det + 5 + 30 s; converge is the
    // end of the last bin above it, so within one bin (5 s) plus the 5 s rounding of bins.
    let p50 = arm.stale_converge_s.p50.unwrap();
    assert!(
        (p50 - (det + 5.0 + 30.0)).abs() <= 10.0,
        "stale p50 {p50}, detection {det}"
    );
    // The latency policy sends only clients nearest to us-east-1 there: a strict subset.
    let cohort = arm.cohort_clients.unwrap();
    assert!(cohort > 1_000 && cohort < 100_000, "cohort {cohort}");
}

/// Global Accelerator: established flows are not moved (GA-DG), so a client whose kept-alive
/// connection to the dead region is still open keeps sending there until that connection
/// fails; new connections go to a healthy group once the edge sees the group unhealthy. So no
/// cohort attempt reaches the failed region after both detection + maximum propagation and the
/// idle limit (ALB 60 s) have passed, and some do before detection.
#[test]
fn global_accelerator_stops_stale_routing_after_detection_and_idle_limit() {
    let w = latency_vs_ga();
    let out = run(&w, &RunOptions::default(), &|_, _| {}).unwrap();
    let arm = &out.summary.arms[1];
    let det = arm.detection_s.unwrap();
    // ALB target health, 30 s x 2 with a blackhole: the second failed probe ends 6 s after it
    // starts, so detection is 30 s + 6 s after the first failed probe, within [36 s, 66 s].
    assert!((36.0..=66.0).contains(&det), "detection {det}");
    let last = last_stale_bin(&out.curves[1].bins, 600.0, 5.0);
    let prop_max = crate::controlplane::DEFAULT_PROPAGATION_MAX as f64 / SEC as f64;
    assert!(
        last <= (det + prop_max).max(60.0),
        "stale attempts until {last} s (detection {det})"
    );
    assert!(
        last >= det - 5.0,
        "no stale attempts near detection ({last} s, detection {det})"
    );
    // Same cohort as the Route 53 latency arm: both send each client to its nearest region.
    assert_eq!(arm.cohort_clients, out.summary.arms[0].cohort_clients);
    // Steady-state latency is modelled for both arms.
    for a in &out.summary.arms {
        assert!(
            a.latency_ms.p50.unwrap() > 15.0,
            "{}: {:?}",
            a.name,
            a.latency_ms
        );
    }
}

/// A grey failure with a shallow health check is never detected, and each attempt errors with
/// the given probability: with no retries the cohort's ok fraction in the window is
/// 1 - error_rate (binomial; 5 sigma over the window's requests).
#[test]
fn grey_failure_serves_errors_at_its_rate_and_evades_shallow_checks() {
    let mut w = two_region_workload();
    w.simulation.duration = 600 * SEC;
    w.simulation.clients = 20_000;
    w.clients.request_rate = 0.2;
    w.failures = vec![Failure {
        region: 0,
        at: 120 * SEC,
        kind: FailureKind::Grey {
            error_rate: 0.3,
            added_latency: 0,
        },
        recover_at: None,
    }];
    let ArmKind::Route53(r) = &mut w.arms[0].kind else {
        unreachable!()
    };
    for rec in &mut r.records {
        rec.health_check = Some(crate::testutil::hc(10, 1));
    }
    w.arms[0].clients = w.clients.clone();
    let out = run(&w, &RunOptions::default(), &|_, _| {}).unwrap();
    let arm = &out.summary.arms[0];
    assert_eq!(
        arm.detection_s, None,
        "a shallow check must not see a grey failure"
    );
    let (mut req, mut ok) = (0u64, 0u64);
    for b in &out.curves[0].bins {
        req += b.cohort_requests;
        ok += b.cohort_ok;
    }
    let p = ok as f64 / req as f64;
    let tol = 5.0 * (0.3f64 * 0.7 / req as f64).sqrt();
    assert!(req > 100_000, "{req}");
    assert!(
        (p - 0.7).abs() < tol,
        "ok fraction {p}, expected 0.7 +- {tol}"
    );
}

/// A timed weight change (`[[actions]]`): weighted 50/50, and at t0 the first record's weight
/// goes to 0 (zero propagation) while its region drains. Half the resolvers held the first
/// record, each refreshes within one TTL, so the stale fraction is 0.5 (1 - x/T).
#[test]
fn timed_weight_change_drains_half_the_answers_over_the_ttl() {
    let mut w = drain_workload(&[(1.0, TtlPolicy::Honor)], 60 * SEC, 120 * SEC);
    let ArmKind::Route53(r) = &mut w.arms[0].kind else {
        unreachable!()
    };
    r.policy = Policy::Weighted;
    r.control = None;
    for rec in &mut r.records {
        rec.role = None;
        rec.weight = 1;
    }
    w.actions = vec![Action {
        at: T0,
        arm: 0,
        target: ActionTarget::RecordWeight {
            record: 0,
            weight: 0,
        },
    }];
    let f = |x: f64| 0.5 * linear(60.0)(x);
    check_drain(&w, f, |x| sd(f(x), resolvers(1.0)));
}

/// Multivalue answers and the client (R53-API `MultiValueAnswer`: "If a resource becomes
/// unavailable after a resolver caches a response, client software typically tries another of
/// the IP addresses in the response"; METRICS.md: trying the next address is a new attempt, not
/// a retry). Two regions, no health checks (both records in every answer, for ever), region 0
/// blackholed, `retries = 0`: every request whose answer lists region 0 first times out on the
/// connect (3 s) and is then served by region 1, so no request fails and every failed attempt
/// is followed by exactly one more. A weighted arm over the same records, also with no retries,
/// fails the requests sent to region 0 instead.
#[test]
fn multivalue_client_tries_next_address_without_using_a_retry() {
    let mut w = crate::testutil::unchecked_blackhole(20_000);
    w.clients.retries = 0;
    let arm =
        |name: &str, policy| crate::testutil::unchecked_arm(&w, name, policy, w.clients.clone());
    w.arms = vec![
        arm("multivalue", Policy::Multivalue),
        arm("weighted", Policy::Weighted),
    ];
    let out = run(&w, &RunOptions::default(), &|_, _| {}).unwrap();
    let after = |arm: usize| -> Bin { out.curves[arm].bins[(120 / 5)..].iter().sum() };
    let (req, ok) = (after(0).requests, after(0).ok);
    let (att, att_failed) = (after(0).attempts, after(0).attempts_failed_region);
    assert_eq!(after(0).failed, 0);
    assert_eq!(ok, req);
    assert_eq!(att, req + att_failed, "one more attempt per failed connect");
    // About half the answers list region 0 first (per resolver answer: 40 resolvers, so loose).
    let share = att_failed as f64 / req as f64;
    assert!(share > 0.2 && share < 0.8, "{share}");
    // The connect timeout is part of those requests' latency: the failure-window p99 is at
    // least 3 s.
    let p99 = out.summary.arms[0].failure_latency_ms.p99.unwrap();
    assert!(p99 >= 3000.0, "{p99}");
    // The weighted arm fails the requests sent to the dead region (no retries).
    let failed_w = after(1).failed as f64 / after(1).requests as f64;
    assert!(failed_w > 0.2 && failed_w < 0.8, "{failed_w}");
}

/// `ttl = { mode = "distribution" }`: one class whose resolvers each draw honour (70 %) or a
/// 180 s floor (30 %) drains like the two-class mix; each resolver's draw is a Bernoulli, so
/// the stale fraction has sd sqrt(p (1 - p) / resolvers).
#[test]
fn distribution_drains_as_its_mix() {
    use resolver_models::{Mix, Part, Status};
    let mut w = drain_workload(&[(1.0, TtlPolicy::Honor)], 60 * SEC, 240 * SEC);
    let part = |weight, value| Part {
        weight,
        value,
        label: "test",
        source: "test",
        status: Status::Assumed,
    };
    w.resolvers[0].ttl_mix = Some(Mix {
        name: "test",
        parts: vec![
            part(0.7, TtlPolicy::Honor),
            part(0.3, TtlPolicy::Floor { min: 180 * SEC }),
        ],
    });
    let (a, b) = (linear(60.0), linear(180.0));
    let f = move |x| 0.7 * a(x) + 0.3 * b(x);
    check_drain(&w, &f, |x| sd(f(x), resolvers(1.0)));
}

/// Per-resolver TTL draws and per-client stub draws are keyed by global ids: any thread count
/// and shard size gives the same summary and curves.
#[test]
fn mixes_do_not_depend_on_threads_or_shards() {
    let mut w = drain_workload(&[(1.0, TtlPolicy::Honor)], 60 * SEC, 120 * SEC);
    w.simulation.clients = 20_000;
    w.resolvers[0].ttl_mix = resolver_models::presets::ttl_distribution("pam2023");
    w.arms[0].clients.stub_mix = resolver_models::stub::stub_preset("os-default");
    let go = |threads, shard_clients| crate::testutil::run_sharded(&w, threads, shard_clients);
    let (a, b) = (go(1, 1 << 14), go(2, 555));
    assert_eq!(a.summary, b.summary);
    assert_eq!(a.curves[0].bins, b.curves[0].bins);
    assert!(a.summary.assumptions.iter().any(|s| s.contains("pam2023")));
}

/// A failed request costs its user the failed attempt's network time, not zero: with no health
/// check the failover arm keeps answering the primary, which refuses connections (`reset`) or
/// answers every exchange with an error (brownout at error rate 1), and with no retries every
/// cohort request fails. Their latency must be at least the lookup plus one round trip to
/// us-east-1 (client areas are worldwide: well over 30 ms at the median), and an error
/// response, which needs the handshakes and the exchange, must take longer than a refusal.
#[test]
fn failed_requests_pay_their_network_time() {
    let p50 = |kind: FailureKind| {
        let mut w = two_region_workload();
        w.simulation.duration = 600 * SEC;
        w.failures = vec![Failure {
            region: 0,
            at: 120 * SEC,
            kind,
            recover_at: None,
        }];
        let out = run(&w, &RunOptions::default(), &|_, _| {}).unwrap();
        let a = &out.summary.arms[0];
        assert_eq!(a.ok, a.requests - a.failed);
        assert!(a.failed > 0);
        a.failure_latency_ms.p50.unwrap()
    };
    let reset = p50(FailureKind::Hard(HardMode::Reset));
    let error = p50(FailureKind::Brownout {
        error_rate: 1.0,
        added_latency: 0,
    });
    assert!(reset > 30.0, "{reset}");
    assert!(error > reset, "{error} vs {reset}");
}

/// ARC safety rules (ARC-API `AssertionRule`, type ATLEAST; research/route53-ga.md "Safety
/// rules", V): a change that would leave fewer than n routing controls ON is refused, so the
/// flip never happens and no answer moves. Two cells: ATLEAST 1 lets the operator turn one
/// off (the drain completes); ATLEAST 2 refuses it (every DNS answer still names the drained
/// region, and no detection is reported).
#[test]
fn arc_assertion_rule_refuses_a_flip_that_breaks_it() {
    let go = |at_least| {
        let mut w = drain_workload(&[(1.0, TtlPolicy::Honor)], 60 * SEC, 300 * SEC);
        w.simulation.clients = 20_000;
        let ArmKind::Route53(r) = &mut w.arms[0].kind else {
            unreachable!()
        };
        r.control.as_mut().unwrap().at_least = at_least;
        let out = run(&w, &RunOptions::default(), &|_, _| {}).unwrap();
        let bins = &out.curves[0].bins;
        let last = &bins[bins.len() - 2];
        (
            last.dns_answers_failed_region as f64 / last.dns_answers.max(1) as f64,
            out.summary.arms[0].detection_s,
        )
    };
    let (stale, detected) = go(Some(1));
    assert_eq!(stale, 0.0);
    assert_eq!(detected, Some(0.0));
    let (stale, detected) = go(Some(2));
    assert_eq!(stale, 1.0);
    assert_eq!(detected, None);
}
