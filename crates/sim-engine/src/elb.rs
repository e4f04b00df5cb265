//! Elastic Load Balancing target health: ONE timeline per region, computed from the region's
//! load balancer (`regions[].load_balancer`, [`crate::config::LoadBalancer`]) and read alike by
//! Route 53 alias records with `evaluate_target_health` (R53-DG
//! `resource-record-sets-values-latency-alias.md`: "Route 53 routes queries to the load
//! balancer based on the health of the target groups") and by Global Accelerator `alb` / `nlb`
//! endpoint groups (GA-DG `about-endpoint-groups-health-check-options.md`: "you configure
//! health checks for the resources by using Elastic Load Balancing configuration options").
//!
//! Model (ALB-UG `target-group-health-checks.md`):
//! - "The load balancer sends a health check request to each registered target every
//!   HealthCheckIntervalSeconds seconds ... The time that it takes for the target to respond
//!   does not affect the interval for the next health check request": a fixed schedule, each
//!   prober at a uniform phase ([`crate::controlplane::CheckerSpec::fixed_period`]);
//! - a probe with no response within `HealthCheckTimeoutSeconds` fails when the timeout runs
//!   out (a blackhole, or a region slower than the timeout); a refused connection or an error
//!   response fails at once;
//! - `UnhealthyThresholdCount` consecutive failures mark a healthy target unhealthy,
//!   `HealthyThresholdCount` consecutive successes an unhealthy one healthy;
//! - how many load-balancer nodes probe and how their verdicts combine is not documented:
//!   [`crate::config::LbProbers`], ASSUMED one prober by default.
//!
//! The timeline is a pure function of (region, its load balancer, the world, the seed): every
//! arm reading the same region's target health gets the same event times (common random
//! numbers; phases keyed by region and prober on stream 1).

use crate::Micros;
use crate::checkers::{CheckerSpec, Timeline, simulate_checkers};
use crate::config::{ModelParams, ProbeKind};
use crate::world::World;

/// Phase stream of ELB probers (Route 53 checkers use 0, GA's own checks 2).
pub const ELB_PHASE_STREAM: u64 = 1;

/// The probers behind `region`'s target health.
pub fn target_health_spec(params: &ModelParams, region: usize) -> CheckerSpec {
    let hc = &params.load_balancers[region].health_check;
    CheckerSpec {
        checkers: params.lb_probers.nodes,
        interval: hc.interval,
        down_threshold: hc.unhealthy_threshold,
        up_threshold: hc.healthy_threshold,
        timeout: hc.timeout,
        healthy_fraction: params.lb_probers.healthy_fraction,
        phase_stream: ELB_PHASE_STREAM,
        deep: hc.deep,
        fixed_period: true,
        response_budget: Some(hc.timeout),
        kind: ProbeKind::Elb,
    }
}

/// `region`'s target-health timeline up to `end` (internal time).
pub fn target_health(world: &World, region: usize, end: Micros, seed: u64, warm: bool) -> Timeline {
    simulate_checkers(
        &target_health_spec(world.params(), region),
        world,
        region,
        end,
        seed,
        warm,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::SEC;
    use crate::config::{
        Failure, FailureKind, HardMode, HcProtocol, LbKind, LoadBalancer, ModelParams,
    };

    fn world(mode: HardMode, at: Micros, lb: LoadBalancer, added: Option<Micros>) -> World {
        let mut w = crate::testutil::two_region_workload();
        w.failures = vec![Failure {
            region: 0,
            at,
            kind: match added {
                None => FailureKind::Hard(mode),
                Some(a) => FailureKind::Brownout {
                    error_rate: 0.0,
                    added_latency: a,
                },
            },
            recover_at: None,
        }];
        let mut p = ModelParams::defaults(&w);
        p.load_balancers[0] = lb;
        p.validate(&w).unwrap();
        World::with_params(&w, 0, p)
    }

    /// Cold start (phase 0): probes at 0, 30, 60, ... on a fixed schedule. Blackhole at 45 s:
    /// probes at 60 and 90 s fail, each result 5 s later (ALB timeout): unhealthy at 95 s. The
    /// Route 53 schedule would have put the second probe at 60 + 5 + 30 = 95 s (result 100 s).
    #[test]
    fn fixed_schedule_detection() {
        let lb = LoadBalancer::documented(LbKind::Alb, HcProtocol::Http);
        let w = world(HardMode::Blackhole, 45 * SEC, lb, None);
        let tl = target_health(&w, 0, 600 * SEC, 1, false);
        assert_eq!(tl, vec![(0, true), (95 * SEC, false)]);
    }

    /// Closed form (the acceptance test): blackhole, one prober with a uniform phase,
    /// mean detection = interval / 2 + (unhealthy_threshold - 1) x interval + timeout. Over n
    /// seeds the phase term is U(0, I): sd I / sqrt(12); the mean of n draws has sd
    /// I / sqrt(12 n); tolerance 4 sd.
    #[test]
    fn closed_form_mean_detection_with_one_prober() {
        for (kind, protocol, thr) in [
            (LbKind::Alb, HcProtocol::Http, 2),
            (LbKind::Nlb, HcProtocol::Tcp, 3),
        ] {
            let mut lb = LoadBalancer::documented(kind, protocol);
            lb.health_check.unhealthy_threshold = thr;
            let (i, to) = (lb.health_check.interval, lb.health_check.timeout);
            let at = 1000 * SEC;
            let w = world(HardMode::Blackhole, at, lb, None);
            let n = 4000u64;
            let mean = (0..n)
                .map(|seed| {
                    let tl = target_health(&w, 0, 2000 * SEC, seed, true);
                    assert_eq!(tl.len(), 2);
                    (tl[1].0 - at) as f64
                })
                .sum::<f64>()
                / n as f64;
            let expected = i as f64 / 2.0 + (thr - 1) as f64 * i as f64 + to as f64;
            let tol = 4.0 * i as f64 / (12.0 * n as f64).sqrt();
            assert!(
                (mean - expected).abs() < tol,
                "{kind:?}: mean {mean} expected {expected} tol {tol}"
            );
        }
    }

    /// A region slower than the ELB timeout fails its probes (ALB-UG: "no response from a
    /// target means a failed health check"); one just under it passes.
    #[test]
    fn added_latency_beyond_the_timeout_fails_probes() {
        let lb = LoadBalancer::documented(LbKind::Alb, HcProtocol::Http);
        let slow = world(HardMode::Blackhole, 45 * SEC, lb.clone(), Some(6 * SEC));
        assert_eq!(
            target_health(&slow, 0, 600 * SEC, 1, false),
            vec![(0, true), (95 * SEC, false)]
        );
        let ok = world(HardMode::Blackhole, 45 * SEC, lb, Some(5 * SEC));
        assert_eq!(target_health(&ok, 0, 600 * SEC, 1, false), vec![(0, true)]);
    }

    /// ELB's documented defaults per type and protocol; validation of the ranges and of
    /// timeout < interval.
    #[test]
    fn documented_defaults_and_validation() {
        let alb = LoadBalancer::documented(LbKind::Alb, HcProtocol::Http);
        assert_eq!(alb.health_check.timeout, 5 * SEC);
        assert_eq!(alb.idle_timeout, 60 * SEC);
        let nlb = LoadBalancer::documented(LbKind::Nlb, HcProtocol::Tcp);
        assert_eq!(nlb.health_check.timeout, 10 * SEC);
        assert_eq!(nlb.idle_timeout, 350 * SEC);
        let nlb_http = LoadBalancer::documented(LbKind::Nlb, HcProtocol::Http);
        assert_eq!(nlb_http.health_check.timeout, 6 * SEC);
        for lb in [&alb, &nlb, &nlb_http] {
            assert_eq!(lb.health_check.interval, 30 * SEC);
            assert_eq!(
                (
                    lb.health_check.unhealthy_threshold,
                    lb.health_check.healthy_threshold
                ),
                (2, 5)
            );
            assert!(lb.validate().is_ok());
        }
        let mut bad = alb.clone();
        bad.health_check.interval = 5 * SEC;
        assert_eq!(bad.validate().unwrap_err().key, "health_check.timeout");
        let mut tcp_alb = alb.clone();
        tcp_alb.health_check.protocol = HcProtocol::Tcp;
        assert_eq!(tcp_alb.validate().unwrap_err().key, "health_check.protocol");
        let mut thr = alb;
        thr.health_check.unhealthy_threshold = 1;
        assert_eq!(
            thr.validate().unwrap_err().key,
            "health_check.unhealthy_threshold"
        );
    }

    /// Several probers combine by the ASSUMED rule: with three nodes and fraction 0 the target
    /// turns unhealthy only when the last node's verdict does (the latest of three phases).
    #[test]
    fn several_probers_combine() {
        let lb = LoadBalancer::documented(LbKind::Alb, HcProtocol::Http);
        let mut w = crate::testutil::two_region_workload();
        w.failures = vec![Failure {
            region: 0,
            at: 1000 * SEC,
            kind: FailureKind::Hard(HardMode::Blackhole),
            recover_at: None,
        }];
        let mut p = ModelParams::defaults(&w);
        p.load_balancers[0] = lb;
        let one = World::with_params(&w, 0, p.clone());
        p.lb_probers.nodes = 3;
        let three = World::with_params(&w, 0, p);
        let n = 400;
        let (mut later, mut mean1, mut mean3) = (0, 0.0, 0.0);
        for seed in 0..n {
            let a = target_health(&one, 0, 2000 * SEC, seed, true)[1].0;
            let b = target_health(&three, 0, 2000 * SEC, seed, true)[1].0;
            later += (b >= a) as u32;
            mean1 += a as f64;
            mean3 += b as f64;
        }
        // Prober 0 has the same phase in both runs, so three probers are never earlier; the
        // latest of three uniform phases has mean 3I/4 instead of I/2.
        assert_eq!(later, n as u32);
        let diff = (mean3 - mean1) / n as f64 / SEC as f64;
        // 7.5 s expected; sd of the difference of means about 9 s / sqrt(400) < 0.5 s.
        assert!((diff - 7.5).abs() < 2.0, "{diff}");
    }
}
