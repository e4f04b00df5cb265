//! Issue 12 ("fair comparisons"): one load-balancer signal for every arm, detection and act
//! times, Global Accelerator's dead-endpoint stall, probe budgets, probe shedding per kind and
//! RFC 2308 negative caching, through whole runs where the effect needs one.

use crate::SEC;
use crate::config::*;
use crate::run::{RunOptions, RunOutput, run_with};
use crate::testutil::{hc, record, two_region_workload};

fn run(w: &Workload, p: &ModelParams) -> RunOutput {
    p.validate(w).unwrap();
    run_with(w, p, &RunOptions::default(), &|_, _| {}).unwrap()
}

fn ga_arm(endpoint_type: EndpointType, propagation: Propagation) -> Arm {
    let clients = Clients::default();
    Arm {
        name: "ga".into(),
        kind: ArmKind::GlobalAccelerator(GlobalAcceleratorArm::with_dials(
            endpoint_type,
            &[100.0; 2],
            propagation,
        )),
        clients,
        client_overrides: vec![],
    }
}

/// us-east-1 blackholed at 10 min; arm 0: Route 53 failover alias records with
/// evaluate_target_health and no health checks; arm 1: GA with ALB endpoints.
fn eth_vs_ga(propagation: Propagation) -> Workload {
    let mut w = two_region_workload();
    w.failures = vec![Failure {
        region: 0,
        at: 600 * SEC,
        kind: FailureKind::Hard(HardMode::Blackhole),
        recover_at: None,
    }];
    if let ArmKind::Route53(r) = &mut w.arms[0].kind {
        r.propagation = propagation;
        for rec in &mut r.records {
            rec.alias = true;
            rec.evaluate_target_health = true;
        }
    }
    w.arms.push(ga_arm(EndpointType::Alb, propagation));
    w
}

/// Both arms read the region's one ELB target-health timeline: the same detection_s. With a
/// fixed propagation d, act_s is detection + d at every resolver and edge (p50 = max).
#[test]
fn eth_alias_and_ga_alb_share_detection_and_act_is_detection_plus_propagation() {
    let w = eth_vs_ga(Propagation::Fixed(7 * SEC));
    let p = ModelParams::defaults(&w);
    let out = run(&w, &p);
    let (r53, ga) = (&out.summary.arms[0], &out.summary.arms[1]);
    let d = r53.detection_s.expect("detected");
    assert_eq!(Some(d), ga.detection_s);
    // ELB defaults: interval 30 s, 2 failures, 5 s timeout on a fixed schedule: detection in
    // (30 + 5, 60 + 5] s after the failure.
    assert!(d > 35.0 && d <= 65.0, "{d}");
    for a in &out.summary.arms {
        let act = a.act_s.expect("act_s");
        assert!((act.p50 - (d + 7.0)).abs() < 1e-6, "{act:?} {d}");
        assert!((act.max - (d + 7.0)).abs() < 1e-6, "{act:?} {d}");
    }
    // Tuning the region's load balancer moves both arms alike (B2).
    let mut fast = p.clone();
    fast.load_balancers[0].health_check.interval = 5 * SEC;
    fast.load_balancers[0].health_check.timeout = 2 * SEC;
    let out2 = run(&w, &fast);
    let d2 = out2.summary.arms[0].detection_s.unwrap();
    assert_eq!(Some(d2), out2.summary.arms[1].detection_s);
    assert!(d2 > 7.0 && d2 <= 12.0, "{d2}");
}

/// Default propagation (ASSUMED U[0, 10 s] per resolver / edge): act_s lies in
/// [detection, detection + 10 s]; its median over many resolvers near detection + 5 s.
#[test]
fn act_with_default_propagation_lies_within_the_propagation_window() {
    let mut w = eth_vs_ga(Propagation::Default);
    w.simulation.clients = 40_000;
    let out = run(&w, &ModelParams::defaults(&w));
    let d = out.summary.arms[0].detection_s.unwrap();
    for act in out.summary.arms.iter().map(|a| a.act_s.unwrap()) {
        assert!(act.p50 >= d && act.max <= d + 10.0, "{act:?} {d}");
        assert!(act.max >= act.p50);
    }
    // 400 resolvers with ~100 cohort-or-not clients each; the cohort's resolvers are a few
    // hundred independent U(0, 10): the median's sd is about 10 / sqrt(12 x 200) x 1.7 < 0.4 s.
    let r53 = out.summary.arms[0].act_s.unwrap();
    assert!((r53.p50 - (d + 5.0)).abs() < 1.5, "{r53:?} {d}");
}

/// A new connection through GA to a blackholed, undetected endpoint completes TCP with the
/// edge, then stalls for the request timeout (no edge backend-connect timeout by default), or
/// for the edge's timeout when it is shorter; a direct connection fails at the connect timeout.
#[test]
fn ga_dead_endpoint_stalls_until_the_request_timeout() {
    let mut w = eth_vs_ga(Propagation::Fixed(0));
    for arm in &mut w.arms {
        arm.clients.connect_timeout = 3 * SEC;
        arm.clients.request_timeout = 10 * SEC;
    }
    let p = ModelParams::defaults(&w);
    let out = run(&w, &p);
    let fl = |o: &RunOutput, i: usize| o.summary.arms[i].failure_latency_ms.p99.unwrap();
    // Route 53 direct: 3 s connect timeout plus DNS; GA: 10 s plus DNS and the edge RTT.
    assert!(
        fl(&out, 0) > 3000.0 && fl(&out, 0) < 3500.0,
        "{}",
        fl(&out, 0)
    );
    assert!(
        fl(&out, 1) > 10_000.0 && fl(&out, 1) < 10_600.0,
        "{}",
        fl(&out, 1)
    );
    let mut edge = p;
    edge.ga.edge_backend_connect_timeout = Some(4 * SEC);
    let out2 = run(&w, &edge);
    assert!(
        fl(&out2, 1) > 4000.0 && fl(&out2, 1) < 4600.0,
        "{}",
        fl(&out2, 1)
    );
}

/// Route 53 HTTP checks fail a region slower than 2 s after connecting (R53-DG); TCP checks
/// only connect, so the same brownout passes them.
#[test]
fn route53_http_checks_fail_beyond_two_seconds_tcp_checks_do_not() {
    let mut w = two_region_workload();
    w.failures = vec![Failure {
        region: 0,
        at: 100 * SEC,
        kind: FailureKind::Brownout {
            error_rate: 0.0,
            added_latency: 2500 * crate::MS,
        },
        recover_at: None,
    }];
    let world = crate::world::World::new(&w, 0);
    let http = hc(10, 3);
    let tl = crate::controlplane::simulate_health_check(&http, &world, 0, 600 * SEC, 1, true);
    assert_eq!(tl.len(), 2, "{tl:?}");
    let mut tcp = hc(10, 3);
    tcp.protocol = HcProtocol::Tcp;
    let tl = crate::controlplane::simulate_health_check(&tcp, &world, 0, 600 * SEC, 1, true);
    assert_eq!(tl, vec![(0, true)]);
}

/// Probe shedding per prober kind; the default exempts ELB target checks.
#[test]
fn probe_shedding_per_kind() {
    let mut w = two_region_workload();
    w.regions[0].capacity_rps = Some(Capacity {
        rps: 10.0,
        at_clients: 10_000,
        added_latency: 0,
        shed_probes: true,
    });
    let mut world = crate::world::World::new(&w, 0);
    world.push_shed(0, 50 * SEC, 0.4);
    assert_eq!(world.probe_shed(0, 60 * SEC, ProbeKind::Route53), 0.4);
    assert_eq!(world.probe_shed(0, 60 * SEC, ProbeKind::Ga), 0.4);
    assert_eq!(world.probe_shed(0, 60 * SEC, ProbeKind::Elb), 0.0);
    let mut p = ModelParams::defaults(&w);
    p.probes[0] = ProbeShedding::all(true);
    let mut world = crate::world::World::with_params(&w, 0, p);
    world.push_shed(0, 50 * SEC, 0.4);
    assert_eq!(world.probe_shed(0, 60 * SEC, ProbeKind::Elb), 0.4);
}

/// A GA arm whose endpoint type disagrees with the region's load balancer is refused, naming
/// both keys.
#[test]
fn endpoint_type_must_match_the_regions_load_balancer() {
    let mut w = two_region_workload();
    w.arms
        .push(ga_arm(EndpointType::Nlb, Propagation::Fixed(0)));
    // The defaults follow the arm: an NLB at its TCP defaults (10 s timeout).
    let p = ModelParams::defaults(&w);
    assert_eq!(p.load_balancers[0].kind, LbKind::Nlb);
    assert_eq!(p.load_balancers[0].health_check.timeout, 10 * SEC);
    assert!(p.validate(&w).is_ok());
    let mut bad = p;
    bad.load_balancers[1] = LoadBalancer::documented(LbKind::Alb, HcProtocol::Http);
    let e = bad.validate(&w).unwrap_err();
    assert_eq!(e.key, "arms[1].endpoint_type");
    assert!(e.message.contains("regions[1].load_balancer.type"), "{e:?}");
    bad.load_balancers[1].health_check.timeout = 40 * SEC;
    let e = bad.validate(&w).unwrap_err();
    assert_eq!(e.key, "regions[1].load_balancer.health_check.timeout");
}

/// RFC 2308 negative caching: a geolocation no-answer is cached min(SOA TTL, MINIMUM) = 900 s
/// in a default Route 53 zone, under a resolver's own cap. Every client here gets no answer;
/// resolvers with ~3 queries/s refetch right after each expiry, so over a 1800 s window each of
/// the 100 resolvers fetches about 1800 / 900 = 2 times (warm start: a uniform phase), 200 in
/// all (binomial-like spread, sd about 7; tolerance 40); with a 60 s cap about 1800 / 60 = 30
/// each, 3000 in all.
#[test]
fn geolocation_no_answer_is_cached_per_rfc2308_and_capped_per_resolver() {
    let mut w = two_region_workload();
    if let ArmKind::Route53(r) = &mut w.arms[0].kind {
        r.policy = Policy::Geolocation;
        for rec in &mut r.records {
            rec.role = None;
            rec.location = Some(GeoLocation::Country("ZZ".into()));
        }
    }
    let mut p = ModelParams::defaults(&w);
    assert_eq!(p.negative.ttl(0), 900 * SEC);
    let auth = |p: &ModelParams| run(&w, p).summary.arms[0].auth_queries as i64;
    let a = auth(&p);
    assert!((a - 200).abs() < 40, "{a}");
    p.negative.resolver_cap = vec![Some(60 * SEC)];
    assert_eq!(p.negative.ttl(0), 60 * SEC);
    let b = auth(&p);
    assert!((b - 3000).abs() < 200, "{b}");
    // Unbound's and BIND's default caps do not bind under a default Route 53 SOA.
    for cap in [
        resolver_models::Software::Unbound,
        resolver_models::Software::Bind,
    ] {
        p.negative.resolver_cap = vec![cap.negative_ttl_cap().map(|s| u64::from(s) * SEC)];
        assert_eq!(p.negative.ttl(0), 900 * SEC);
    }
    let _ = record(0, None);
}

/// Each arm names the signal its detection reads.
#[test]
fn arms_name_their_signal() {
    let w = eth_vs_ga(Propagation::Fixed(0));
    assert_eq!(w.arms[0].signal(0), Signal::ElbTargetHealth);
    assert_eq!(w.arms[1].signal(0).label(), "ELB target health");
    let mut own = two_region_workload();
    if let ArmKind::Route53(r) = &mut own.arms[0].kind {
        r.records[0].health_check = Some(hc(30, 3));
    }
    assert_eq!(own.arms[0].signal(0).label(), "Route 53 health checkers");
    assert_eq!(own.arms[0].signal(1), Signal::None);
    let ec2 = ga_arm(EndpointType::Ec2, Propagation::Fixed(0));
    assert_eq!(ec2.signal(0).label(), "GA health checks");
}
