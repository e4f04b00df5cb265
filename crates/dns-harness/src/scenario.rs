//! The time-scaled validation scenario and its answer schedule.
//!
//! Each name `n<k>.example.test` is one Route 53 failover record set (primary in region 0 with
//! a health check, secondary in region 1 without one), built with sim-engine's own
//! [`Route53Control`] on a [`World`] whose primary fails and recovers (connections refused) at
//! random times. The authoritative server's answer for the name changes when, and to what,
//! `Route53Control::answer` says: the policy code is the simulator's, not a copy.
//!
//! Time scaling (all ASSUMED values chosen for run time, printed in every report): record TTL
//! 2 s, resolver minimum TTL 3 s, health checks every 1 s with threshold 1 from three
//! checkers, failure windows and healthy gaps uniform on [6 s, 9 s], so every switch (at most
//! 4 s of cache life plus the wait for the next query) completes before the next change, and
//! changes fall at random phases relative to each resolver's cache and clock.

use rand::{RngExt, SeedableRng, rngs::StdRng};
use sim_engine::config::{
    Clients, EndpointType, Failure, FailureKind, HardMode, HcProtocol, HealthCheck, Policy,
    Propagation, Record, Region, Role, Route53Arm, Simulation, Workload,
};
use sim_engine::controlplane::{Answer, Route53Control};
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
}

impl Scaled {
    /// `gtsim validate --quick`: about 70 s for all six resolvers at once.
    pub fn quick(seed: u64) -> Scaled {
        Scaled {
            names: 10,
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
        }
    }

    /// `gtsim validate`: about 3 minutes, four times the samples.
    pub fn full(seed: u64) -> Scaled {
        Scaled {
            names: 20,
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
                "Route 53 failover per name: health check every {:.1} s, threshold 1, 3 checkers; primary refuses connections for windows uniform on [{:.0} s, {:.0} s] separated by healthy gaps of the same law; propagation 0 s",
                self.hc_interval as f64 / SEC as f64,
                self.window.0 as f64 / SEC as f64,
                self.window.1 as f64 / SEC as f64
            ),
            format!(
                "seed {}; model: {} replicas of the query process per resolver",
                self.seed, self.model_replicas
            ),
        ]
    }
}

/// One name's answers over time: `(time, record index)`, the first at 0, each a change.
#[derive(Debug, Clone, PartialEq)]
pub struct NameSchedule {
    pub name: String,
    pub answers: Vec<(Micros, u8)>,
}

/// The answer at `t` of a change list.
pub fn answer_at(answers: &[(Micros, u8)], t: Micros) -> u8 {
    let i = answers.partition_point(|&(tc, _)| tc <= t);
    answers[i.saturating_sub(1)].1
}

fn region(name: &str) -> Region {
    Region {
        name: name.into(),
        lat: 0.0,
        lon: 0.0,
        capacity_rps: None,
    }
}

/// The answer schedule of every name, from sim-engine's failover policy and health checks.
pub fn schedule(sc: &Scaled) -> Vec<NameSchedule> {
    (0..sc.names)
        .map(|k| {
            let mut rng = StdRng::seed_from_u64(sc.seed ^ (0x5CED_0000 + k as u64));
            let mut failures = Vec::new();
            let mut t = rng.random_range(sc.first_failure.0..sc.first_failure.1);
            while t < sc.duration {
                let down = rng.random_range(sc.window.0..sc.window.1);
                failures.push(Failure {
                    region: 0,
                    at: t,
                    kind: FailureKind::Hard(HardMode::Reset),
                    recover_at: Some(t + down),
                });
                t += down + rng.random_range(sc.window.0..sc.window.1);
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
            };
            let record = |region, role, health_check| Record {
                region,
                weight: 1,
                role: Some(role),
                alias: false,
                evaluate_target_health: false,
                health_check,
                location: None,
                calculated: None,
            };
            let arm = Route53Arm {
                policy: Policy::Failover,
                ttl: sc.record_ttl_s as Micros * SEC,
                propagation: Propagation::Fixed(0),
                records: vec![
                    record(0, Role::Primary, Some(hc)),
                    record(1, Role::Secondary, None),
                ],
                control: None,
                endpoint_type: EndpointType::Alb,
            };
            let control =
                Route53Control::new(&arm, &world, 0, sc.duration, sc.seed ^ k as u64, true);
            let mut times: Vec<Micros> = control.status.iter().flatten().map(|&(t, _)| t).collect();
            times.sort_unstable();
            times.dedup();
            let mut answers: Vec<(Micros, u8)> = Vec::new();
            for t in times {
                if t >= sc.duration {
                    break;
                }
                // A failover answer is a record index (0 primary, 1 secondary).
                let a: Answer = control.answer(0, 0, 0, t);
                let a = u8::try_from(a).expect("failover answers are record indices");
                if answers.last().is_none_or(|&(_, last)| last != a) {
                    answers.push((t, a));
                }
            }
            NameSchedule {
                name: format!("n{k}.example.test"),
                answers,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The schedule alternates primary and secondary, changes are at least a window apart
    /// (minus the health-check spread), and it is a pure function of the seed.
    #[test]
    fn schedule_alternates_and_is_seeded() {
        let sc = Scaled::quick(7);
        let s = schedule(&sc);
        assert_eq!(s.len(), sc.names);
        for n in &s {
            assert_eq!(n.answers[0], (0, 0));
            assert!(n.answers.len() >= 6, "{:?}", n.answers);
            for w in n.answers.windows(2) {
                assert_ne!(w[0].1, w[1].1);
                if w[0].0 > 0 {
                    assert!(w[1].0 - w[0].0 >= sc.window.0 - sc.hc_interval, "{w:?}");
                }
            }
            assert_eq!(answer_at(&n.answers, n.answers[1].0), n.answers[1].1);
            assert_eq!(answer_at(&n.answers, n.answers[1].0 - 1), 0);
        }
        assert_eq!(schedule(&sc), s);
        assert_ne!(schedule(&Scaled::quick(8)), s);
    }
}
