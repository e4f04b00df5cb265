//! Shared pieces of gtsim's benchmarks (`benches/benches/`):
//!
//! - the hold model over the pending-event set ([`Hold`], [`HoldModel`]), used by the `queue`
//!   bench to compare [`sim_engine::queue::RadixHeap`] and [`sim_engine::queue::CalendarQueue`]
//!   with `std::collections::BinaryHeap`;
//! - the small in-code workload of the `hot_loop` bench ([`hot_loop_workload`]).
//!
//! The `scale` bench (whole default workload at 10^6 and 10^7 clients, one child process per
//! size for per-size peak RSS) is a plain `main` in `benches/benches/scale.rs`.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use sim_engine::SEC;
use sim_engine::config::*;
use sim_engine::queue::{CalendarQueue, RadixHeap};
use sim_engine::rng::{Rng, Stream};

/// A pending-event set as the hold model uses it: keys are times (u64), payloads u32.
pub trait Hold {
    fn push(&mut self, key: u64, value: u32);
    fn pop(&mut self) -> Option<(u64, u32)>;
    fn len(&self) -> usize;
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl Hold for RadixHeap {
    #[inline(always)]
    fn push(&mut self, key: u64, value: u32) {
        RadixHeap::push(self, key, value)
    }
    #[inline(always)]
    fn pop(&mut self) -> Option<(u64, u32)> {
        RadixHeap::pop(self)
    }
    fn len(&self) -> usize {
        RadixHeap::len(self)
    }
}

impl Hold for CalendarQueue {
    #[inline(always)]
    fn push(&mut self, key: u64, value: u32) {
        CalendarQueue::push(self, key, value)
    }
    #[inline(always)]
    fn pop(&mut self) -> Option<(u64, u32)> {
        CalendarQueue::pop(self)
    }
    fn len(&self) -> usize {
        CalendarQueue::len(self)
    }
}

/// A calendar queue sized as the engine sizes it, for `n` pending events whose increments
/// have mean `mean`: density `n / mean` events per key unit, horizon `mean`.
pub fn calendar_for_hold(n: usize, mean: f64) -> CalendarQueue {
    CalendarQueue::for_density(n as f64 / mean, mean)
}

/// The baseline: std's binary heap, min-ordered by `Reverse`.
#[derive(Default)]
pub struct StdBinaryHeap(pub BinaryHeap<Reverse<(u64, u32)>>);

impl Hold for StdBinaryHeap {
    #[inline(always)]
    fn push(&mut self, key: u64, value: u32) {
        self.0.push(Reverse((key, value)))
    }
    #[inline(always)]
    fn pop(&mut self) -> Option<(u64, u32)> {
        self.0.pop().map(|Reverse(x)| x)
    }
    fn len(&self) -> usize {
        self.0.len()
    }
}

/// Mean increment of the hold model, in key units (microseconds in the engine). The figures
/// of `shared/research/peers.md` section 4 use the same mean.
pub const HOLD_MEAN: f64 = 100.0;

/// The classic hold model (Jones, CACM 1986): `n` events pending; each step pops the minimum
/// and pushes it back at its key plus an exponential increment. The increments come from the
/// engine's counter-based [`Rng`] keyed by a running step counter, so every queue sees the same
/// sequence of operations.
pub struct HoldModel<H> {
    pub heap: H,
    rng: Rng,
    step: u64,
    mean: f64,
}

impl<H: Hold> HoldModel<H> {
    /// Fill `heap` with `n` events whose keys are exponential with mean `mean` (the stationary
    /// shape of the hold model's pending keys up to scale).
    pub fn new(mut heap: H, n: usize, mean: f64, seed: u64) -> HoldModel<H> {
        let rng = Rng::new(seed, Stream::RequestTimes);
        for i in 0..n {
            heap.push(rng.exp(u64::MAX, i as u64, mean) as u64, i as u32);
        }
        HoldModel {
            heap,
            rng,
            step: 0,
            mean,
        }
    }

    /// One hold step; returns the popped key.
    #[inline(always)]
    pub fn step(&mut self) -> u64 {
        let (k, v) = self.heap.pop().expect("hold model keeps its events");
        let inc = self.rng.exp(v as u64, self.step, self.mean) as u64;
        self.step += 1;
        self.heap.push(k + inc, v);
        k
    }

    /// `steps` hold steps; returns a checksum of the popped keys (to keep the work observable).
    #[inline(never)]
    pub fn run(&mut self, steps: u64) -> u64 {
        let mut sum = 0u64;
        for _ in 0..steps {
            sum = sum.wrapping_add(self.step());
        }
        sum
    }
}

/// The increment stream alone (what every hold step pays besides the queue), for subtracting.
#[inline(never)]
pub fn rng_only(rng: &Rng, start: u64, steps: u64, mean: f64) -> u64 {
    let mut sum = 0u64;
    for s in start..start + steps {
        sum = sum.wrapping_add(rng.exp(s & 0xffff, s, mean) as u64);
    }
    sum
}

/// The `hot_loop` bench's workload: two regions, one TTL-honouring resolver class (500 clients
/// per resolver), clients at 1 request / 30 s with 60 s keep-alive and no retries, one Route 53
/// failover arm (TTL 60 s, health checks 30 s x 3 on both records, default propagation, ALB
/// endpoints), region 0 blackholed at 10 min for good, 20 min recorded, warm start.
pub fn hot_loop_workload(clients: u64) -> Workload {
    let cl = Clients {
        request_rate: 1.0 / 30.0,
        keepalive_idle: 60 * SEC,
        ..Clients::default()
    };
    let hc = HealthCheck {
        interval: 30 * SEC,
        failure_threshold: 3,
        checker_regions: sim_engine::geo::R53_CHECKER_REGIONS
            .iter()
            .map(|s| s.to_string())
            .collect(),
        checkers_per_region: None,
        healthy_fraction: 0.18,
        deep: false,
        protocol: HcProtocol::Http,
        disabled: false,
        inverted: false,
    };
    let record = |region, role| Record {
        region,
        weight: 1,
        role: Some(role),
        alias: false,
        evaluate_target_health: false,
        health_check: Some(hc.clone()),
        location: None,
        calculated: None,
        geoproximity: None,
    };
    Workload {
        name: "hot-loop-bench".into(),
        description: None,
        simulation: Simulation {
            duration: 20 * 60 * SEC,
            seed: 1,
            clients,
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
                name: "us-west-2".into(),
                lat: 45.8,
                lon: -119.7,
                capacity_rps: None,
            },
        ],
        clients: cl.clone(),
        resolvers: vec![ResolverClass {
            name: "honours-ttl".into(),
            share: 1.0,
            placement: Placement::Local,
            ecs: false,
            clients_per_resolver: 500,
            ttl: TtlPolicy::Honor,
            prefetch: false,
            serve_stale: ServeStale::Off,
            siting: Siting::default(),
            ttl_mix: None,
            clock: CacheClock::Exact,
            display: TtlDisplay::Exact,
        }],
        failures: vec![Failure {
            region: 0,
            at: 10 * 60 * SEC,
            kind: FailureKind::Hard(HardMode::Blackhole),
            recover_at: None,
        }],
        arms: vec![Arm {
            name: "failover-ttl60-hc30x3".into(),
            kind: ArmKind::Route53(Route53Arm {
                policy: Policy::Failover,
                ttl: 60 * SEC,
                propagation: Propagation::Default,
                records: vec![record(0, Role::Primary), record(1, Role::Secondary)],
                control: None,
                endpoint_type: EndpointType::Alb,
            }),
            clients: cl,
            client_overrides: vec![],
        }],
        actions: vec![],
        params: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sim_engine::run::{RunOptions, run};

    #[test]
    fn both_queues_pop_the_same_keys_under_the_hold_model() {
        let mut a = HoldModel::new(RadixHeap::new(), 1000, HOLD_MEAN, 3);
        let mut b = HoldModel::new(StdBinaryHeap::default(), 1000, HOLD_MEAN, 3);
        for _ in 0..50_000 {
            // Payloads may come out in different orders among equal keys, so compare keys and
            // push back with an increment that depends on the key only.
            assert_eq!(a.heap.len(), b.heap.len());
            let (ka, kb) = (a.heap.pop().unwrap(), b.heap.pop().unwrap());
            assert_eq!(ka.0, kb.0);
            a.heap.push(ka.0 + 1 + (ka.0 % 97), ka.1);
            b.heap.push(kb.0 + 1 + (kb.0 % 97), kb.1);
        }
        // And the model itself keeps its population.
        a.run(10_000);
        assert_eq!(a.heap.len(), 1000);
    }

    #[test]
    fn hot_loop_workload_runs_and_fails_over() {
        let w = hot_loop_workload(2_000);
        let out = run(
            &w,
            &RunOptions {
                threads: 1,
                ..RunOptions::default()
            },
            &|_, _| {},
        )
        .unwrap();
        assert!(out.events > 0);
        let arm = &out.summary.arms[0];
        assert!(arm.requests > 0 && arm.ok > 0 && arm.failed > 0);
    }
}
