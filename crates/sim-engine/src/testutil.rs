//! Small builders for unit tests.

use crate::SEC;
use crate::config::*;

/// Run `w` on `threads` worker threads with shards of about `shard_clients` clients (the
/// thread- and shard-independence tests compare two such runs).
pub(crate) fn run_sharded(
    w: &Workload,
    threads: usize,
    shard_clients: u64,
) -> crate::run::RunOutput {
    crate::run::run(
        w,
        &crate::run::RunOptions {
            threads,
            shard_clients,
            ..Default::default()
        },
        &|_, _| {},
    )
    .unwrap()
}

/// A plain record on `region`: weight 1, no role, not an alias, with `health_check`.
pub(crate) fn record(region: usize, health_check: Option<HealthCheck>) -> Record {
    Record {
        region,
        weight: 1,
        role: None,
        alias: false,
        evaluate_target_health: false,
        health_check,
        location: None,
        calculated: None,
        geoproximity: None,
    }
}

/// A health check with the documented defaults and the given interval (s) and threshold.
pub(crate) fn hc(interval_s: u64, threshold: u32) -> HealthCheck {
    HealthCheck {
        interval: interval_s * SEC,
        failure_threshold: threshold,
        checker_regions: crate::geo::R53_CHECKER_REGIONS
            .iter()
            .map(|s| s.to_string())
            .collect(),
        checkers_per_region: None,
        healthy_fraction: 0.18,
        deep: false,
        protocol: HcProtocol::Http,
        disabled: false,
        inverted: false,
    }
}

/// Two regions, one honest resolver class, one failover arm with TTL 60 s and no health check.
pub(crate) fn two_region_workload() -> Workload {
    let clients = Clients::default();
    let record = |region, role| Record {
        role: Some(role),
        ..record(region, None)
    };
    Workload {
        name: "test".into(),
        description: None,
        simulation: Simulation {
            duration: 1800 * SEC,
            seed: 1,
            clients: 10_000,
            bin: 5 * SEC,
            warm_start: true,
        },
        regions: vec![
            Region {
                name: "us-east-1".into(),
                lat: 38.9,
                lon: -77.4,
                capacity_rps: None,
            },
            Region {
                name: "eu-west-1".into(),
                lat: 53.3,
                lon: -6.3,
                capacity_rps: None,
            },
        ],
        clients: clients.clone(),
        resolvers: vec![ResolverClass {
            name: "isp".into(),
            share: 1.0,
            placement: Placement::Local,
            ecs: false,
            clients_per_resolver: 100,
            ttl: TtlPolicy::Honor,
            prefetch: false,
            serve_stale: ServeStale::Off,
            siting: Siting::default(),
            ttl_mix: None,
            clock: CacheClock::Exact,
            display: TtlDisplay::Exact,
        }],
        failures: vec![],
        arms: vec![Arm {
            name: "failover".into(),
            kind: ArmKind::Route53(Route53Arm {
                policy: Policy::Failover,
                ttl: 60 * SEC,
                propagation: Propagation::Fixed(0),
                records: vec![record(0, Role::Primary), record(1, Role::Secondary)],
                control: None,
                endpoint_type: EndpointType::Alb,
            }),
            clients,
            client_overrides: vec![],
        }],
        actions: vec![],
        params: None,
    }
}

/// [`two_region_workload`] with a third region, ap-southeast-1 (Singapore).
pub(crate) fn three_region_workload() -> Workload {
    let mut w = two_region_workload();
    w.regions.push(Region {
        name: "ap-southeast-1".into(),
        lat: 1.3,
        lon: 103.8,
        capacity_rps: None,
    });
    w
}

/// Hard failures (connections refused) of `regions` from `at`, never recovering.
pub(crate) fn resets_at(regions: &[usize], at: crate::Micros) -> Vec<Failure> {
    regions
        .iter()
        .map(|&region| Failure {
            region,
            at,
            kind: FailureKind::Hard(HardMode::Reset),
            recover_at: None,
        })
        .collect()
}

/// Two regions whose records have no health checks (both in every answer, for ever), region 0
/// blackholed from 120 s, `clients` clients at 0.2 requests/s for 600 s: the multivalue set-up.
pub(crate) fn unchecked_blackhole(clients: u64) -> Workload {
    let mut w = two_region_workload();
    w.simulation.duration = 600 * SEC;
    w.simulation.clients = clients;
    w.clients.request_rate = 0.2;
    w.failures = vec![Failure {
        region: 0,
        at: 120 * SEC,
        kind: FailureKind::Hard(HardMode::Blackhole),
        recover_at: None,
    }];
    w
}

/// `w`'s first arm named `name`, with `policy` and `clients`, its records without roles or
/// health checks.
pub(crate) fn unchecked_arm(w: &Workload, name: &str, policy: Policy, clients: Clients) -> Arm {
    let mut a = w.arms[0].clone();
    a.name = name.into();
    a.clients = clients;
    let ArmKind::Route53(r) = &mut a.kind else {
        unreachable!("two_region_workload's arm is Route 53")
    };
    r.policy = policy;
    for rec in &mut r.records {
        rec.role = None;
        rec.health_check = None;
    }
    a
}
