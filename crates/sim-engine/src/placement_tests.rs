//! Resolver placement and EDNS Client Subnet: rules and end-to-end checks.
//!
//! Sources: R53-DG `routing-policy-latency.md` and `routing-policy-edns0.md` (latency routing
//! answers for the resolver's address, or for the truncated client address when the resolver
//! sends edns-client-subnet; `shared/research/route53-ga.md` B, "Latency-based");
//! RFC 7871 §7.2.1 (scope prefix 0 for answers that do not depend on the client); seed 002
//! ("a corporate DNS resolver in London serving a mobile user in Dubai will route wrong").

use crate::SEC;
use crate::config::*;
use crate::controlplane::Route53Control;
use crate::population::{Geo, Layout, class_place, pop_place};
use crate::run::{RunOptions, run};
use crate::testutil::three_region_workload;
use crate::world::World;

fn class(name: &str, share: f64, placement: Placement, ecs: bool) -> ResolverClass {
    ResolverClass {
        name: name.into(),
        share,
        placement,
        ecs,
        clients_per_resolver: 100,
        ttl: TtlPolicy::Honor,
        prefetch: false,
        serve_stale: ServeStale::Off,
        siting: Siting::default(),
        ttl_mix: None,
        clock: CacheClock::Exact,
        display: TtlDisplay::Exact,
    }
}

/// us-east-1, eu-west-1, ap-southeast-1; one Route 53 latency arm (TTL 60 s, records without
/// health checks unless `checked`), honest resolvers, no failure.
fn three_region_latency(classes: Vec<ResolverClass>, checked: bool) -> Workload {
    let mut w = three_region_workload();
    w.resolvers = classes;
    w.simulation.clients = 20_000;
    w.simulation.duration = 300 * SEC;
    let records = (0..3)
        .map(|region| crate::testutil::record(region, checked.then(|| crate::testutil::hc(10, 1))))
        .collect();
    w.arms[0].name = "latency".into();
    w.arms[0].kind = ArmKind::Route53(Route53Arm {
        policy: Policy::Latency,
        ttl: 60 * SEC,
        propagation: Propagation::Fixed(0),
        records,
        control: None,
        endpoint_type: EndpointType::Alb,
    });
    w
}

fn latency_control(w: &Workload, geo: &Geo) -> Route53Control {
    let ArmKind::Route53(r) = &w.arms[0].kind else {
        unreachable!()
    };
    let world = World::new(w, 0);
    Route53Control::new(r, &world, 0, 1000 * SEC, 1, true)
        .with_latency_order(geo.latency_order(&[0, 1, 2]))
}

/// The area of the preset nearest to a region (by the model's RTT).
fn area_nearest(geo: &Geo, region: usize) -> usize {
    (0..geo.areas.len())
        .min_by(|&a, &b| geo.area_region_rtt[a][region].total_cmp(&geo.area_region_rtt[b][region]))
        .unwrap()
}

/// R53-DG `routing-policy-latency.md` / `routing-policy-edns0.md`: without ECS Route 53 sees
/// the resolver's address (a public resolver's PoP, a central resolver's site); with ECS it
/// sees the client's subnet. Local resolvers sit with their clients, so both coincide.
#[test]
fn latency_routing_sees_the_resolver_address_or_the_client_subnet_with_ecs() {
    let w = three_region_latency(
        vec![
            class("anycast", 0.2, Placement::PublicAnycast, false),
            class("anycast-ecs", 0.2, Placement::PublicAnycast, true),
            class("central", 0.2, Placement::Central, false),
            class("central-ecs", 0.2, Placement::Central, true),
            class("local", 0.2, Placement::Local, false),
        ],
        false,
    );
    let geo = Geo::new(&w);
    let n = geo.areas.len();
    for a in 0..n {
        let pop = geo.area_edges[a][0].unwrap();
        assert_eq!(geo.class_seen[0][a] as usize, pop_place(n, pop));
        assert_eq!(geo.class_seen[1][a] as usize, a);
        assert_eq!(geo.class_seen[2][a] as usize, class_place(n, 2));
        assert_eq!(geo.class_seen[3][a] as usize, a);
        assert_eq!(geo.class_seen[4][a] as usize, a);
        // A local resolver is reached over the access network only.
        assert_eq!(
            geo.class_to_resolver_us[4][a],
            (geo.model.access_ms * 1000.0) as u32
        );
        // ECS changes what Route 53 sees, not where the resolver is.
        assert_eq!(
            geo.class_to_resolver_us[2][a],
            geo.class_to_resolver_us[3][a]
        );
    }
    let c = latency_control(&w, &geo);
    let t = 10 * SEC;
    // Singapore's clients through a central resolver in us-east-1 are sent to us-east-1; with
    // ECS, to ap-southeast-1 like a local resolver's.
    let sg = area_nearest(&geo, 2);
    assert_eq!(c.answer(7, geo.class_seen[2][sg] as usize, 0, t), 0);
    assert_eq!(c.answer(7, geo.class_seen[3][sg] as usize, 0, t), 2);
    assert_eq!(c.answer(7, geo.class_seen[4][sg] as usize, 0, t), 2);
    // An anycast PoP near the clients: the PoP's nearest region is the clients' region here.
    assert_eq!(c.answer(7, geo.class_seen[0][sg] as usize, 0, t), 2);
}

/// Seed 002's trap: a central resolver sends every client, however far, to the region nearest
/// the resolver. Here every one of the 40 areas' answers is us-east-1 (the resolver's site),
/// while local resolvers spread over all three regions.
#[test]
fn central_resolver_sends_far_clients_to_its_own_nearest_region() {
    let mut corp = class("corp", 1.0, Placement::Central, false);
    corp.siting.location = Some((38.9, -77.4)); // us-east-1
    let w = three_region_latency(
        vec![corp, class("local", 0.0, Placement::Local, false)],
        false,
    );
    let geo = Geo::new(&w);
    let c = latency_control(&w, &geo);
    let mut local_answers = [0; 3];
    for a in 0..geo.areas.len() {
        assert_eq!(
            c.answer(3, geo.class_seen[0][a] as usize, 0, SEC),
            0,
            "area {a}"
        );
        local_answers[c.answer(3, geo.class_seen[1][a] as usize, 0, SEC) as usize] += 1;
    }
    assert!(local_answers.iter().all(|&k| k > 0), "{local_answers:?}");
}

/// Steady-state latency shows the mismatch: the same clients behind a central resolver (far
/// region answers, and a long trip to the resolver) are slower than behind local resolvers;
/// ECS gives back the region choice but not the trip to the resolver.
#[test]
fn central_resolver_raises_latency_and_ecs_recovers_the_region_choice() {
    let p = |placement, ecs| {
        let w = three_region_latency(vec![class("c", 1.0, placement, ecs)], false);
        let out = run(&w, &RunOptions::default(), &|_, _| {}).unwrap();
        let l = &out.summary.arms[0].latency_ms;
        (l.p50.unwrap(), l.p90.unwrap())
    };
    let local = p(Placement::Local, false);
    let central = p(Placement::Central, false);
    let central_ecs = p(Placement::Central, true);
    assert!(
        local.0 < central_ecs.0 && central_ecs.0 < central.0,
        "{local:?} {central_ecs:?} {central:?}"
    );
    assert!(
        local.1 < central_ecs.1 && central_ecs.1 < central.1,
        "{local:?} {central_ecs:?} {central:?}"
    );
}

/// ECS splits a resolver's cache into one entry per client subnet. For an honest resolver whose
/// clients send Poisson queries at rate λ, an entry is fetched, lives T, and the next query
/// after expiry fetches again: 1 / (T + 1/λ) = λ / (1 + λT) authoritative queries per second
/// per cache (renewal-reward). With R resolvers of C clients at rate r, S = C / m subnets each:
/// without ECS R·λ₁/(1+λ₁T), λ₁ = C·r; with ECS R·S·λₘ/(1+λₘT), λₘ = m·r. Each count must lie
/// within 5 Poisson standard deviations (renewal counts vary less than Poisson). Answers that do
/// not depend on the client (failover) carry scope 0 (RFC 7871 §7.2.1): no split at all.
#[test]
fn ecs_multiplies_authoritative_queries_by_the_subnet_closed_form() {
    let m = 4u32;
    let mut ecs = class("ecs", 1.0, Placement::Local, true);
    ecs.siting.clients_per_subnet = m;
    let plain = class("plain", 1.0, Placement::Local, false);
    let auth = |c: &ResolverClass, policy: Option<Policy>| {
        let mut w = three_region_latency(vec![c.clone()], false);
        w.simulation.clients = 10_000;
        w.simulation.duration = 1800 * SEC;
        if let Some(p) = policy {
            let ArmKind::Route53(r) = &mut w.arms[0].kind else {
                unreachable!()
            };
            r.policy = p;
            r.records[0].role = Some(Role::Primary);
            r.records[1].role = Some(Role::Secondary);
        }
        run(&w, &RunOptions::default(), &|_, _| {})
            .unwrap()
            .summary
            .arms[0]
            .auth_queries
    };
    let (resolvers, clients, rate, ttl, d) = (100.0, 100.0, 1.0 / 30.0, 60.0, 1800.0);
    let per_cache = |lambda: f64| lambda / (1.0 + lambda * ttl) * d;
    let expect_plain = resolvers * per_cache(clients * rate);
    let expect_ecs = resolvers * (clients / f64::from(m)) * per_cache(f64::from(m) * rate);
    let within = |got: u64, want: f64| (got as f64 - want).abs() <= 5.0 * want.sqrt() + 1.0;
    let got_plain = auth(&plain, None);
    let got_ecs = auth(&ecs, None);
    assert!(
        within(got_plain, expect_plain),
        "{got_plain} vs {expect_plain:.0}"
    );
    assert!(within(got_ecs, expect_ecs), "{got_ecs} vs {expect_ecs:.0}");
    // The factor itself (about 22 here), from the closed form.
    let factor = got_ecs as f64 / got_plain as f64;
    assert!(
        (factor / (expect_ecs / expect_plain) - 1.0).abs() < 0.05,
        "{factor}"
    );
    // Failover answers do not depend on the client: ECS or not, the same caches.
    assert_eq!(
        auth(&ecs, Some(Policy::Failover)),
        auth(&plain, Some(Policy::Failover))
    );
}

/// A public-anycast class is laid out area by area: clients by the preset's weights (largest
/// remainder), `caches_per_pop` caches each; the shards still cover every client once.
#[test]
fn public_anycast_layout_gives_each_area_its_caches() {
    let mut c = class("google", 0.5, Placement::PublicAnycast, true);
    c.siting.caches_per_pop = 3;
    let mut w = three_region_latency(vec![class("isp", 0.5, Placement::Local, false), c], false);
    w.simulation.clients = 9_001;
    let l = Layout::new(&w);
    let anycast = &l.classes[1];
    assert_eq!(
        anycast.pop_caches.iter().map(|a| a.clients).sum::<u64>(),
        anycast.clients
    );
    assert!(
        anycast
            .pop_caches
            .iter()
            .all(|a| a.caches == 3.min(a.clients))
    );
    assert_eq!(
        anycast.resolvers,
        anycast.pop_caches.iter().map(|a| a.caches).sum::<u64>()
    );
    let sizes: u64 = (0..anycast.resolvers)
        .map(|i| anycast.resolver_size(i))
        .sum();
    assert_eq!(sizes, anycast.clients);
    for a in &anycast.pop_caches {
        for i in a.first..a.first + a.caches {
            assert_eq!(anycast.fixed_area(i), Some(a.area));
        }
    }
    let shards = l.shards(700);
    assert_eq!(shards.last().unwrap().clients.end, 9_001);
    let spans: u64 = shards
        .iter()
        .flat_map(|s| &s.resolvers)
        .map(|r| r.clients.end - r.clients.start)
        .sum();
    assert_eq!(spans, 9_001);
}

/// Determinism with every placement and ECS: any thread count and shard size gives the same
/// summary, curves and per-class figures; class histograms partition the arm's.
#[test]
fn new_placements_do_not_depend_on_threads_or_shards() {
    let mut corp = class("corp", 0.3, Placement::Central, false);
    corp.siting.location = Some((51.5, -0.1));
    let mut w = three_region_latency(
        vec![
            class("isp", 0.4, Placement::Local, false),
            corp,
            class("google", 0.2, Placement::PublicAnycast, true),
            class("cloudflare", 0.1, Placement::PublicAnycast, false),
        ],
        true,
    );
    w.simulation.clients = 12_000;
    w.failures = vec![Failure {
        region: 0,
        at: 120 * SEC,
        kind: FailureKind::Hard(HardMode::Blackhole),
        recover_at: None,
    }];
    w.arms[0].clients.retries = 1;
    let go = |threads, shard_clients| crate::testutil::run_sharded(&w, threads, shard_clients);
    let (a, b) = (go(1, 1 << 14), go(2, 333));
    assert_eq!(a.summary, b.summary);
    for (x, y) in a.curves.iter().zip(&b.curves) {
        assert_eq!(x.bins, y.bins);
    }
    assert_eq!(a.classes, b.classes);
    assert_eq!(a.classes.len(), 4);
    let cohort: u64 = a.classes.iter().map(|c| c.cohort_clients.unwrap()).sum();
    assert_eq!(Some(cohort), a.summary.arms[0].cohort_clients);
    assert!(cohort > 0);
    for i in 0..3 {
        let s: f64 = a.classes.iter().map(|c| c.rto_tail_share[i].unwrap()).sum();
        assert!((s - 1.0).abs() < 1e-9, "{s}");
        let s: f64 = a
            .classes
            .iter()
            .map(|c| c.latency_tail_share[i].unwrap())
            .sum();
        assert!((s - 1.0).abs() < 1e-9, "{s}");
    }
}

/// With one resolver class the engine keeps no per-class histograms: the class's figures are
/// the arm's, and it holds the whole of every tail.
#[test]
fn one_class_figures_are_the_arms() {
    let mut w = three_region_latency(vec![class("isp", 1.0, Placement::Local, false)], true);
    w.simulation.clients = 5_000;
    w.failures = vec![Failure {
        region: 0,
        at: 120 * SEC,
        kind: FailureKind::Hard(HardMode::Blackhole),
        recover_at: None,
    }];
    let out = run(&w, &RunOptions::default(), &|_, _| {}).unwrap();
    let (c, a) = (&out.classes[0], &out.summary.arms[0]);
    assert_eq!(out.classes.len(), 1);
    assert_eq!(c.cohort_clients, a.cohort_clients);
    assert_eq!(c.rto_s[0], a.rto_s.p50);
    assert_eq!(c.rto_s[1], a.rto_s.p99);
    assert_eq!(c.latency_ms[0], a.latency_ms.p50);
    assert_eq!(c.rto_tail_share, [Some(1.0); 3]);
    assert_eq!(c.latency_tail_share, [Some(1.0); 3]);
}

/// A real resolver program's whole-second cache clock (`resolver_models::Software::clock`,
/// measured in `shared/research/toolchain-and-resolvers.md` section 4): an entry fetched at t
/// lives until floor(t) + T (BIND, dnsmasq, PowerDNS) or floor(t) + T + 1 s (Unbound, Knot,
/// which still answer while the TTL reads 0). Such entries expire on whole seconds, so the next
/// fetch comes W ~ Exp(λ) after a whole second k and the entry then expires at
/// k + floor(W) + T (+ 1 s): by renewal-reward a cache sends 1 / (T (+ 1) + E[floor W])
/// authoritative queries per second, E[floor W] = e^-λ / (1 - e^-λ) — not 1 / (T + 1/λ) as with
/// an exact clock. With T = 2 s the three rates differ by 25-50 %; each count must lie within
/// 5 Poisson standard deviations.
#[test]
fn whole_second_cache_clocks_follow_the_renewal_closed_form() {
    use resolver_models::CacheClock;
    let auth = |clock: CacheClock| {
        let mut c = class("c", 1.0, Placement::Local, false);
        c.clock = clock;
        let mut w = three_region_latency(vec![c], false);
        w.simulation.clients = 10_000;
        w.simulation.duration = 1800 * SEC;
        let ArmKind::Route53(r) = &mut w.arms[0].kind else {
            unreachable!()
        };
        r.ttl = 2 * SEC;
        run(&w, &RunOptions::default(), &|_, _| {})
            .unwrap()
            .summary
            .arms[0]
            .auth_queries
    };
    let (resolvers, lambda, d, ttl): (f64, f64, f64, f64) = (100.0, 100.0 / 30.0, 1800.0, 2.0);
    let floor_w = (-lambda).exp() / (1.0 - (-lambda).exp());
    let within = |got: u64, want: f64| (got as f64 - want).abs() <= 5.0 * want.sqrt() + 1.0;
    for (clock, cycle) in [
        (CacheClock::Exact, ttl + 1.0 / lambda),
        (CacheClock::WholeSeconds { inclusive: false }, ttl + floor_w),
        (
            CacheClock::WholeSeconds { inclusive: true },
            ttl + 1.0 + floor_w,
        ),
    ] {
        let got = auth(clock);
        let want = resolvers * d / cycle;
        assert!(within(got, want), "{clock:?}: {got} vs {want:.0}");
    }
}
