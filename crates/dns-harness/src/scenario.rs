//! The time-scaled validation scenario: which names are served with which Route 53 policy,
//! and when the set of records Route 53 may answer changes.
//!
//! Each name `n<k>.example.test` is one Route 53 record set built with sim-engine's own
//! [`Route53Control`] on a [`World`] whose regions fail and recover (connections refused) at
//! random times: failover, weighted, latency, and failover under ARC routing controls
//! ([`Kind`]), in turn. The authoritative server answers every query for the name with
//! `Route53Control::answer` at the query's schedule time (the policy code is the simulator's,
//! not a copy); the resolver's source address places it at a site for latency routing.
//!
//! Time scaling (all ASSUMED values chosen for run time, printed in every report): record TTL
//! 2 s, resolver minimum TTL 3 s, health checks every 1 s with threshold 1 from three
//! checkers, failure windows and healthy gaps uniform on [6 s, 9 s], so a failover, weighted or
//! ARC switch (at most 4 s of cache life plus the wait for the next query) completes before the
//! next change, and changes fall at random phases relative to each resolver's cache and clock.
//! Latency names fail in two regions with independent windows, so a site's answer can change
//! again within a second (one region recovers as the other fails): those switches are often
//! censored, live and in the model alike.

use rand::{RngExt, SeedableRng, rngs::StdRng};
use sim_engine::config::{
    ArcControl, Clients, EndpointType, Failure, FailureKind, GeoProximity, HardMode, HcProtocol,
    HealthCheck, Policy, Propagation, Record, Region, Role, Route53Arm, Simulation, Workload,
};
use sim_engine::controlplane::Route53Control;
use sim_engine::world::World;
use sim_engine::{Micros, SEC};

/// The scaled scenario's knobs.
#[derive(Debug, Clone, PartialEq)]
pub struct Scaled {
    /// Names (independent cache entries) per resolver.
    pub names: usize,
    /// Length of the answer schedule and of the client runs.
    pub duration: Micros,
    /// TTL of the authoritative A records, seconds.
    pub record_ttl_s: u32,
    /// Minimum cache TTL configured in every resolver, seconds (the resolver class's floor).
    pub min_ttl_s: u32,
    /// Client queries per second per (resolver, name), all client tasks together (Poisson).
    pub rate_per_name: f64,
    /// Client tasks per (resolver, name).
    pub clients_per_name: usize,
    /// Health-check interval (threshold 1, three checkers, connections refused).
    pub hc_interval: Micros,
    /// Failure windows and healthy gaps: uniform on this range.
    pub window: (Micros, Micros),
    /// The first failure starts uniformly in this range (the caches fill first).
    pub first_failure: (Micros, Micros),
    /// Model replicas (independent query processes on the same schedule) per resolver: the
    /// predicted sample is this many times larger than the observed one.
    pub model_replicas: usize,
    pub seed: u64,
    /// Turn on EDNS Client Subnet in the resolvers that cache per subnet (Unbound, PowerDNS
    /// Recursor: [`resolver_models::EcsSupport::PerSubnetCache`]); clients then query from two
    /// /24s, one per site ([`client_addr`]).
    pub ecs: bool,
}

impl Scaled {
    /// `gtsim validate --quick`: about 70 s for all six resolvers at once.
    pub fn quick(seed: u64) -> Scaled {
        Scaled {
            names: 12,
            duration: 60 * SEC,
            record_ttl_s: 2,
            min_ttl_s: 3,
            rate_per_name: 2.0,
            clients_per_name: 2,
            hc_interval: SEC,
            window: (6 * SEC, 9 * SEC),
            first_failure: (4 * SEC, 7 * SEC),
            model_replicas: 40,
            seed,
            ecs: true,
        }
    }

    /// `gtsim validate`: about 3 minutes, four times the samples.
    pub fn full(seed: u64) -> Scaled {
        Scaled {
            names: 24,
            duration: 150 * SEC,
            ..Scaled::quick(seed)
        }
    }

    /// The lines a report prints about the scaling.
    pub fn describe(&self) -> Vec<String> {
        vec![
            format!(
                "{} names per resolver, {} s of answer changes, record TTL {} s, resolver minimum TTL {} s (ASSUMED scaling, chosen for run time)",
                self.names,
                self.duration / SEC,
                self.record_ttl_s,
                self.min_ttl_s
            ),
            format!(
                "clients: {} Poisson tasks per (resolver, name), {} queries/s together",
                self.clients_per_name, self.rate_per_name
            ),
            format!(
                "Route 53 per name, in turn: failover, weighted 1:1, latency (two sites; the resolver's source address is its site), failover under ARC (one routing-control flip and flip back); health checks every {:.1} s, threshold 1, 3 checkers; regions refuse connections for windows uniform on [{:.0} s, {:.0} s] separated by healthy gaps of the same law; propagation 0 s; answers computed per query by sim-engine's policy code",
                self.hc_interval as f64 / SEC as f64,
                self.window.0 as f64 / SEC as f64,
                self.window.1 as f64 / SEC as f64
            ),
            format!(
                "EDNS Client Subnet: {}; clients query from 127.1.0.0/24 (site 0) and 127.1.1.0/24 (site 1), one client task in each per (resolver, name)",
                if self.ecs {
                    "on in the resolvers that send it and cache per subnet (Unbound, PowerDNS Recursor); the authoritative answers latency names for the subnet's site with scope /24 (ASSUMED), the others with scope 0"
                } else {
                    "off"
                }
            ),
            format!(
                "seed {}; model: {} replicas of the query process per resolver",
                self.seed, self.model_replicas
            ),
        ]
    }
}

/// Which Route 53 setup a name is served with. Each exercises a different path of sim-engine's
/// policy code live (answers computed per query by [`Route53Control::answer`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    /// Failover: primary in region 0 with a health check, secondary in region 1 without one;
    /// region 0 refuses connections in windows.
    Failover,
    /// Weighted 1:1 over a health-checked record in region 0 and an unchecked one in region 1:
    /// while region 0 is down, only region 1 is answered; both again after it recovers.
    Weighted,
    /// Latency: both records health-checked, both regions fail in independent windows; the
    /// query's location is the resolver's site, known to the authoritative by the resolver's
    /// source address (or a client subnet in an ECS option).
    Latency,
    /// Failover under Route 53 ARC: the primary's routing control is turned OFF and back ON
    /// at scheduled times (one flip and one flip back per name).
    Arc,
    /// Geoproximity: both records health-checked and failing as for latency, placed at their
    /// regions' coordinates; each site is a region's own point, so it is nearest that region
    /// ([`site_points`]). Not in [`Kind::ALL`] (the default schedule is unchanged): built with
    /// [`name_schedule`].
    Geoproximity,
}

impl Kind {
    pub const ALL: [Kind; 4] = [Kind::Failover, Kind::Weighted, Kind::Latency, Kind::Arc];

    pub fn name(self) -> &'static str {
        match self {
            Kind::Failover => "failover",
            Kind::Weighted => "weighted",
            Kind::Latency => "latency",
            Kind::Arc => "arc",
            Kind::Geoproximity => "geoproximity",
        }
    }
}

/// Where geoproximity measures each site from: site 0 at region 0's coordinates (us-east-1),
/// site 1 at region 1's (eu-west-1).
pub fn site_points() -> Vec<(f64, f64)> {
    ["us-east-1", "eu-west-1"]
        .iter()
        .map(|r| sim_engine::geo::region_coords(r).expect("a built-in region"))
        .collect()
}

/// Locations Route 53 can see a query from: site 0 is nearer region 0 (latency order 0, 1),
/// site 1 nearer region 1 (order 1, 0).
pub const SITES: usize = 2;

/// The latency order of each site (records by Route 53's latency measurement, lowest first).
pub fn latency_order() -> Vec<Vec<u8>> {
    vec![vec![0, 1], vec![1, 0]]
}

/// A resolver's site: resolvers alternate between the two (by their index in
/// [`resolver_models::Software::ALL`]), so latency names are seen from both.
pub fn site_of(resolver: u8) -> usize {
    resolver as usize % SITES
}

/// The loopback source address resolver `resolver` sends its queries to the authoritative
/// from (127.0.1.x: how the authoritative tells resolvers apart and places them).
pub fn source_addr(resolver: u8) -> std::net::Ipv4Addr {
    std::net::Ipv4Addr::new(127, 0, 1, 1 + resolver)
}

/// The address a client task at `site` querying resolver `resolver` binds: 127.1.site.x, so
/// the client's /24 (sent as ECS by resolvers that do) stands for its site
/// ([`crate::auth::subnet_site`]).
pub fn client_addr(site: usize, resolver: u8) -> std::net::Ipv4Addr {
    std::net::Ipv4Addr::new(127, 1, site as u8, 1 + resolver)
}

/// The resolver index of a source address from [`source_addr`].
pub fn resolver_of(ip: std::net::Ipv4Addr) -> Option<u8> {
    let o = ip.octets();
    (o[0] == 127 && o[1] == 0 && o[2] == 1 && o[3] >= 1).then(|| o[3] - 1)
}

/// The `resolver` key the policy code is called with for resolver index `r` (0 is left for
/// queries from unknown sources).
pub fn policy_resolver(r: Option<u8>) -> u64 {
    r.map_or(0, |r| 1 + r as u64)
}

/// One name: its policy and, per site, the sets of records Route 53 may answer over time.
#[derive(Debug, Clone)]
pub struct NameSchedule {
    pub name: String,
    pub kind: Kind,
    /// The policy code that answers this name, live and in the model.
    pub control: Route53Control,
    /// Per site: `(time, answerable mask)`, the first at 0, each a change
    /// ([`Route53Control::answerable`]).
    pub sets: Vec<Vec<(Micros, u128)>>,
}

impl NameSchedule {
    /// The answer to a query from resolver `r` (index, `None` unknown) placed at `site`, at
    /// schedule time `t`; `query` keys the weighted draw.
    pub fn answer(&self, r: Option<u8>, site: usize, query: u64, t: Micros) -> Option<u8> {
        let a = self.control.answer(policy_resolver(r), site, query, t);
        self.control.address(a, 0).map(|r| r as u8)
    }

    /// Answer-set changes: each site's, a site whose change list equals another's counted
    /// once (only latency names differ between sites).
    pub fn changes(&self) -> usize {
        let mut distinct: Vec<&Vec<(Micros, u128)>> = self.sets.iter().collect();
        distinct.dedup();
        distinct.iter().map(|s| s.len() - 1).sum()
    }
}

/// The set of a change list at `t`.
pub fn set_at(sets: &[(Micros, u128)], t: Micros) -> u128 {
    let i = sets.partition_point(|&(tc, _)| tc <= t);
    sets[i.saturating_sub(1)].1
}

fn region(name: &str) -> Region {
    Region {
        name: name.into(),
        lat: 0.0,
        lon: 0.0,
        capacity_rps: None,
    }
}

/// Failure windows of one region: the first starts in `sc.first_failure`, windows and gaps
/// uniform on `sc.window`.
fn windows(sc: &Scaled, rng: &mut StdRng, region: usize) -> Vec<Failure> {
    let mut failures = Vec::new();
    let mut t = rng.random_range(sc.first_failure.0..sc.first_failure.1);
    while t < sc.duration {
        let down = rng.random_range(sc.window.0..sc.window.1);
        failures.push(Failure {
            region,
            at: t,
            kind: FailureKind::Hard(HardMode::Reset),
            recover_at: Some(t + down),
        });
        t += down + rng.random_range(sc.window.0..sc.window.1);
    }
    failures
}

/// The kind of name `k`: the four kinds in turn.
pub fn kind_of(k: usize) -> Kind {
    Kind::ALL[k % Kind::ALL.len()]
}

/// Every name's policy and answer sets, from sim-engine's policy code and health checks.
pub fn schedule(sc: &Scaled) -> Vec<NameSchedule> {
    (0..sc.names)
        .map(|k| name_schedule(sc, k, kind_of(k)))
        .collect()
}

/// Name `k`'s schedule served with `kind` (its failure windows and checks from the seed and
/// `k`, as [`schedule`] draws them).
pub fn name_schedule(sc: &Scaled, k: usize, kind: Kind) -> NameSchedule {
    {
        {
            let mut rng = StdRng::seed_from_u64(sc.seed ^ (0x5CED_0000 + k as u64));
            let mut failures = Vec::new();
            let mut control = None;
            match kind {
                Kind::Failover | Kind::Weighted => failures = windows(sc, &mut rng, 0),
                Kind::Latency | Kind::Geoproximity => {
                    failures = windows(sc, &mut rng, 0);
                    failures.extend(windows(sc, &mut rng, 1));
                }
                Kind::Arc => {
                    let at = rng.random_range(sc.first_failure.0..sc.first_failure.1);
                    let back = at + rng.random_range(sc.window.0..sc.window.1);
                    control = Some(ArcControl {
                        flip_at: at,
                        region: 0,
                        flip_back_at: Some(back),
                        at_least: None,
                    });
                }
            }
            let workload = Workload {
                name: format!("validate-{k}"),
                description: None,
                simulation: Simulation {
                    duration: sc.duration,
                    seed: sc.seed,
                    clients: 1,
                    bin: SEC,
                    warm_start: true,
                },
                regions: vec![region("us-east-1"), region("eu-west-1")],
                clients: Clients::default(),
                resolvers: Vec::new(),
                failures,
                arms: Vec::new(),
                actions: Vec::new(),
                params: None,
            };
            let world = World::new(&workload, 0);
            let hc = HealthCheck {
                interval: sc.hc_interval,
                failure_threshold: 1,
                checker_regions: vec!["us-east-1".into(), "us-west-1".into(), "eu-west-1".into()],
                checkers_per_region: Some(1),
                healthy_fraction: 0.18,
                deep: false,
                protocol: HcProtocol::Http,
                disabled: false,
                inverted: false,
            };
            let record = |region, role, health_check| Record {
                region,
                weight: 1,
                role,
                alias: false,
                evaluate_target_health: false,
                health_check,
                location: None,
                calculated: None,
                geoproximity: None,
            };
            let (policy, records) = match kind {
                Kind::Failover | Kind::Arc => (
                    Policy::Failover,
                    vec![
                        record(0, Some(Role::Primary), Some(hc.clone())),
                        record(1, Some(Role::Secondary), None),
                    ],
                ),
                Kind::Weighted => (
                    Policy::Weighted,
                    vec![record(0, None, Some(hc.clone())), record(1, None, None)],
                ),
                Kind::Latency => (
                    Policy::Latency,
                    vec![record(0, None, Some(hc.clone())), record(1, None, Some(hc))],
                ),
                Kind::Geoproximity => {
                    let at = |r: usize, rec: Record| {
                        let (lat, lon) = site_points()[r];
                        Record {
                            geoproximity: Some(GeoProximity { lat, lon, bias: 0 }),
                            ..rec
                        }
                    };
                    (
                        Policy::Geoproximity,
                        vec![
                            at(0, record(0, None, Some(hc.clone()))),
                            at(1, record(1, None, Some(hc))),
                        ],
                    )
                }
            };
            let arm = Route53Arm {
                policy,
                ttl: sc.record_ttl_s as Micros * SEC,
                propagation: Propagation::Fixed(0),
                records,
                control,
                endpoint_type: EndpointType::Alb,
            };
            // Geoproximity's order by distance takes the latency order's place (as in the
            // simulator's run); each site is a region's own point.
            let order = match policy {
                Policy::Geoproximity => {
                    sim_engine::controlplane::geoproximity_order(&arm.records, &site_points())
                }
                _ => latency_order(),
            };
            let control =
                Route53Control::new(&arm, &world, 0, sc.duration, sc.seed ^ k as u64, true)
                    .with_latency_order(order);
            let mut times: Vec<Micros> = control.status.iter().flatten().map(|&(t, _)| t).collect();
            times.sort_unstable();
            times.dedup();
            let sets = (0..SITES)
                .map(|site| {
                    let mut sets: Vec<(Micros, u128)> = Vec::new();
                    for &t in times.iter().take_while(|&&t| t < sc.duration) {
                        // Propagation is 0 here, so every resolver sees the same statuses.
                        let m = control.answerable(policy_resolver(None), site, t);
                        if sets.last().is_none_or(|&(_, last)| last != m) {
                            sets.push((t, m));
                        }
                    }
                    sets
                })
                .collect();
            NameSchedule {
                name: format!("n{k}.example.test"),
                kind,
                control,
                sets,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every kind appears; the sets start at 0 with the healthy answer, every change changes
    /// the set, failover alternates singletons a window apart, weighted alternates {0,1} and
    /// {1}, latency sites are mirror images while both regions are up, an ARC name flips
    /// once and back; a pure function of the seed.
    #[test]
    fn schedule_covers_the_kinds_and_is_seeded() {
        let sc = Scaled::quick(7);
        let s = schedule(&sc);
        assert_eq!(s.len(), sc.names);
        for k in Kind::ALL {
            assert!(s.iter().any(|n| n.kind == k), "{k:?}");
        }
        for n in &s {
            for (site, sets) in n.sets.iter().enumerate() {
                assert_eq!(sets[0].0, 0);
                for w in sets.windows(2) {
                    assert_ne!(w[0].1, w[1].1);
                }
                let first = sets[0].1;
                match n.kind {
                    Kind::Failover => {
                        assert_eq!(first, 0b01);
                        assert!(sets.len() >= 6, "{sets:?}");
                        for (i, w) in sets.windows(2).enumerate() {
                            assert_eq!(w[1].1, if i % 2 == 0 { 0b10 } else { 0b01 });
                            if w[0].0 > 0 {
                                assert!(w[1].0 - w[0].0 >= sc.window.0 - sc.hc_interval);
                            }
                        }
                    }
                    Kind::Weighted => {
                        assert_eq!(first, 0b11);
                        assert!(sets.iter().all(|&(_, m)| m == 0b11 || m == 0b10));
                        assert!(sets.len() >= 4);
                    }
                    Kind::Latency | Kind::Geoproximity => {
                        assert_eq!(first, if site == 0 { 0b01 } else { 0b10 });
                        assert!(sets.len() >= 3);
                    }
                    Kind::Arc => {
                        assert_eq!(sets.iter().map(|x| x.1).collect::<Vec<_>>(), [1, 2, 1]);
                    }
                }
                // The live answer is always in the set.
                for &(t, m) in sets {
                    for q in 0..20 {
                        let a = n.answer(Some(1), site, q, t).unwrap();
                        assert!(m >> a & 1 == 1);
                    }
                }
            }
        }
        let sets = |s: &[NameSchedule]| s.iter().map(|n| n.sets.clone()).collect::<Vec<_>>();
        assert_eq!(sets(&schedule(&sc)), sets(&s));
        assert_ne!(sets(&schedule(&Scaled::quick(8))), sets(&s));
    }

    /// Geoproximity through the harness's path (the policy code the authoritative calls): the
    /// nearest site's record while it is healthy, the other one while it is down, and the same
    /// answer sets as latency on the same failures (the sites are the regions' own points).
    #[test]
    fn geoproximity_names_answer_the_nearest_healthy_record() {
        let sc = Scaled::quick(7);
        let k = (0..sc.names)
            .find(|&k| kind_of(k) == Kind::Latency)
            .expect("a latency name");
        let geo = name_schedule(&sc, k, Kind::Geoproximity);
        let lat = name_schedule(&sc, k, Kind::Latency);
        assert_eq!(geo.control.policy, Policy::Geoproximity);
        assert_eq!(geo.sets, lat.sets);
        for (site, sets) in geo.sets.iter().enumerate() {
            assert_eq!(sets[0].1, if site == 0 { 0b01 } else { 0b10 });
            for &(t, m) in sets {
                for q in 0..5 {
                    let a = geo.answer(Some(1), site, q, t).unwrap();
                    assert!(m >> a & 1 == 1);
                }
            }
        }
        // Its answers depend on where the query is seen: an ECS scope like latency's.
        assert_eq!(crate::auth::ecs_scope(Policy::Geoproximity, 24), 24);
    }

    #[test]
    fn source_addresses_round_trip() {
        for r in 0..6 {
            assert_eq!(resolver_of(source_addr(r)), Some(r));
        }
        assert_eq!(resolver_of(std::net::Ipv4Addr::LOCALHOST), None);
    }
}
