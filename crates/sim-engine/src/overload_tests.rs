//! Tests of the overload model and the lockstep runner (`overload.rs`).

use crate::config::*;
use crate::curve::Bin;
use crate::testutil::{hc, two_region_workload};
use crate::{MS, SEC};

fn cap(rps: f64, at_clients: u64, shed_probes: bool) -> Option<Capacity> {
    Some(Capacity {
        rps,
        at_clients,
        added_latency: 200 * MS,
        shed_probes,
    })
}

use crate::testutil::run_sharded as go;

/// 30 000 clients at 1/30 s offer L = 1000 requests/s, all to the failover primary (no failure,
/// no health checks), whose capacity is C = 600/s. Without retries each attempt is a request,
/// so in steady state the region sheds 1 - C/L = 40 % of attempts and serves C.
///
/// Tolerance: a bin has about 5000 attempts, so the shed probability decided from it has a
/// standard deviation of about C d / A x sqrt(1/A) = 0.0085, and the shed count of a bin adds a
/// binomial sd of sqrt(p(1-p)/A) = 0.007. Over the 360 bins of the run the shed fraction has
/// an sd of about 0.0006; the assertion allows 0.004 (over 6 sd).
#[test]
fn steady_overload_sheds_one_minus_capacity_over_load() {
    let mut w = two_region_workload();
    w.simulation.clients = 30_000;
    w.regions[0].capacity_rps = cap(600.0, 30_000, true);
    let out = go(&w, 2, crate::run::DEFAULT_SHARD_CLIENTS);
    let load = &out.loads[0];
    let (mut a, mut s) = (0u64, 0u64);
    for b in &load.bins[1..] {
        a += b[0].load.attempts;
        s += b[0].load.shed;
        assert_eq!(b[1].load.attempts, 0, "the secondary gets nothing");
    }
    let frac = s as f64 / a as f64;
    assert!((frac - 0.4).abs() < 0.004, "shed fraction {frac}");
    let served_rps = (a - s) as f64 / (1800.0 - 5.0);
    assert!((served_rps - 600.0).abs() < 6.0, "served {served_rps}/s");
    // Without retries every shed attempt is a failed request, and nothing else fails.
    let total: Bin = out.curves[0].bins.iter().sum();
    let shed_all: u64 = load.bins.iter().map(|b| b[0].load.shed).sum();
    assert_eq!(total.failed, shed_all);
    assert_eq!(total.ok + total.failed, total.requests);
    // Accepted requests queue: every request the overloaded region serves pays 200 ms.
    let p50 = out.summary.arms[0].latency_ms.p50.unwrap();
    assert!(p50 > 200.0, "latency p50 {p50} ms");
}

/// The failover workload: the primary is blackholed at 10 min and detected by a 10 s x 1
/// check; the secondary, idle before, then receives all traffic against a capacity of
/// `cap_share` of the offered requests.
fn failover_overload(cap_share: f64, secondary_checked: bool, shed_probes: bool) -> Workload {
    let mut w = two_region_workload();
    w.simulation.clients = 30_000;
    w.simulation.duration = 1200 * SEC;
    w.arms[0].clients.retries = 1;
    w.arms[0].clients.keepalive_idle = 30 * SEC;
    if let ArmKind::Route53(r) = &mut w.arms[0].kind {
        r.records[0].health_check = Some(hc(10, 1));
        if secondary_checked {
            r.records[1].health_check = Some(hc(10, 1));
        }
    }
    w.failures = vec![Failure {
        region: 0,
        at: 600 * SEC,
        kind: FailureKind::Hard(HardMode::Blackhole),
        recover_at: None,
    }];
    w.regions[1].capacity_rps = cap(1000.0 * cap_share, 30_000, shed_probes);
    w
}

/// Overload after a failover: the survivor sheds nothing before the failure, and after it
/// sheds a large share of attempts, which shows in the curve as failed requests long after the
/// failover converged.
#[test]
fn failover_overloads_the_survivor_and_its_errors_reach_the_curve() {
    let w = failover_overload(0.5, false, true);
    let out = go(&w, 2, crate::run::DEFAULT_SHARD_CLIENTS);
    let survivor: Vec<_> = out.loads[0].bins.iter().map(|b| b[1]).collect();
    assert!(survivor[..120].iter().all(|b| b.load.shed == 0));
    let late = &survivor[180..];
    let (a, s) = late
        .iter()
        .fold((0, 0), |(a, s), b| (a + b.load.attempts, s + b.load.shed));
    // Requests alone offer twice the capacity; retries add more: over half is shed.
    assert!(s as f64 / a as f64 > 0.5, "late shed {s} of {a}");
    let bins = &out.curves[0].bins;
    let failed_before: u64 = bins[..120].iter().map(|b| b.failed).sum();
    assert_eq!(failed_before, 0);
    let (req, failed) = bins[180..]
        .iter()
        .fold((0, 0), |(r, f), b| (r + b.requests, f + b.failed));
    // Two attempts per request, each shed with p > 1/2: over a quarter of requests fail.
    assert!(failed as f64 / req as f64 > 0.25, "{failed} of {req}");
    // And it has converged: nothing is sent to the failed region any more.
    assert!(bins[180..].iter().all(|b| b.attempts_failed_region == 0));
}

/// The seed-002 trap: when the survivor's own health probes are shed (deep or shallow alike),
/// its record turns unhealthy too, both records are unhealthy, failover answers fail open to the
/// primary, and clients are sent back to the dead region. With probes exempt they never are.
#[test]
fn shed_probes_mark_the_survivor_unhealthy_and_fail_open_to_the_dead_region() {
    let back_to_dead = |shed_probes| {
        let w = failover_overload(0.15, true, shed_probes);
        let out = go(&w, 2, crate::run::DEFAULT_SHARD_CLIENTS);
        out.curves[0].bins[180..]
            .iter()
            .map(|b| b.attempts_failed_region)
            .sum::<u64>()
    };
    assert_eq!(back_to_dead(false), 0);
    assert!(back_to_dead(true) > 1000);
}

/// A capacity that is never reached changes nothing: the lockstep run gives the one-pass run's
/// curves, figures and distributions bit for bit (only the assumptions list differs).
#[test]
fn ample_capacity_equals_the_one_pass_run() {
    let mut w = failover_overload(0.5, true, true);
    w.arms.push(w.arms[0].clone());
    w.arms[1].name = "ga".into();
    w.arms[1].kind = ArmKind::GlobalAccelerator(GlobalAcceleratorArm::with_dials(
        EndpointType::Ec2,
        &[100.0; 2],
        Propagation::Default,
    ));
    // A third arm whose primary has a calculated check (two children, threshold 1) and
    // evaluates its load balancer's target health: the lockstep health sources must derive
    // its status as `Route53Control::new` does.
    let mut calc = w.arms[0].clone();
    calc.name = "calculated".into();
    if let ArmKind::Route53(r) = &mut calc.kind {
        r.records[0].health_check = None;
        r.records[0].calculated = Some(CalculatedCheck {
            threshold: 1,
            children: vec![
                ChildCheck {
                    region: 0,
                    check: hc(10, 1),
                },
                ChildCheck {
                    region: 0,
                    check: hc(30, 3),
                },
            ],
        });
        r.records[0].evaluate_target_health = true;
    }
    w.arms.push(calc);
    let mut plain = w.clone();
    plain.regions[1].capacity_rps = None;
    w.regions[0].capacity_rps = cap(1e12, 30_000, true);
    w.regions[1].capacity_rps = cap(1e12, 30_000, true);
    let a = go(&plain, 2, crate::run::DEFAULT_SHARD_CLIENTS);
    let b = go(&w, 2, crate::run::DEFAULT_SHARD_CLIENTS);
    assert!(a.loads.is_empty() && b.loads.len() == 3);
    assert!(
        b.loads
            .iter()
            .flat_map(|l| &l.bins)
            .flatten()
            .all(|x| x.load.shed == 0)
    );
    assert_eq!(a.summary.arms, b.summary.arms);
    assert_eq!(a.distributions, b.distributions);
    for (x, y) in a.curves.iter().zip(&b.curves) {
        assert_eq!(x.bins, y.bins);
    }
    assert!(a.summary.arms[0].failed > 0 && a.summary.arms[1].failed > 0);
}

/// Lockstep runs do not depend on threads or shard size either.
#[test]
fn lockstep_results_do_not_depend_on_threads_or_shards() {
    let w = failover_overload(0.15, true, true);
    let a = go(&w, 1, 1 << 14);
    let b = go(&w, 2, 777);
    assert_eq!(a.summary, b.summary);
    assert_eq!(a.loads, b.loads);
    for (x, y) in a.curves.iter().zip(&b.curves) {
        assert_eq!(x.bins, y.bins);
    }
    let shed: u64 = a.loads[0].bins.iter().map(|b| b[1].load.shed).sum();
    assert!(shed > 0 && a.curves[0].bins.iter().any(|b| b.attempts > 0));
}
