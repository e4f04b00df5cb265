//! Uncoordinated prober processes on one endpoint and how their verdicts combine: Route 53
//! health checkers, Global Accelerator's own checks and ELB target checks all run on
//! [`CheckerRun`] with their own [`CheckerSpec`] (schedule, thresholds, timeouts, response
//! budget, aggregation). Moved out of `controlplane.rs` (which re-exports these names).

use crate::Micros;
use crate::config::ProbeKind;
use crate::rng::{Rng, Stream};
use crate::world::World;
use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// A status timeline: `(internal time, healthy)` changes in time order, starting at time 0.
pub type Timeline = Vec<(Micros, bool)>;

/// A set of uncoordinated prober processes and how their verdicts combine.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CheckerSpec {
    pub checkers: u32,
    /// From a probe's result (response or timeout) to the next probe.
    pub interval: Micros,
    /// Consecutive failures that turn a healthy verdict unhealthy.
    pub down_threshold: u32,
    /// Consecutive successes that turn an unhealthy verdict healthy.
    pub up_threshold: u32,
    /// How long a probe to a blackholed endpoint takes to fail.
    pub timeout: Micros,
    /// Healthy while more than this fraction of checkers say so.
    pub healthy_fraction: f64,
    /// Keeps the phases of different checker kinds (Route 53, ELB, ...) independent.
    pub phase_stream: u64,
    /// A deep check exercises the application, so it sees a grey failure's errors; a shallow
    /// one (a `/healthz` that only says the process is up) does not.
    pub deep: bool,
    /// ELB's schedule: the next probe `interval` after this probe was sent, whatever the
    /// response time ("The time that it takes for the target to respond does not affect the
    /// interval for the next health check request", ALB-UG `target-group-health-checks.md`).
    /// `false`: Route 53's, `interval` after the response or timeout (R53-API
    /// `RequestInterval`).
    pub fixed_period: bool,
    /// A serving region whose added latency exceeds this fails the probe when it runs out
    /// (Route 53 HTTP(S): 2 s after connecting; ELB: its timeout); `None` = no budget (TCP).
    pub response_budget: Option<Micros>,
    /// Which kind of prober (for [`crate::config::ProbeShedding`]).
    pub kind: ProbeKind,
}

/// Simulate a set of checkers on one endpoint; see [`crate::controlplane::simulate_health_check`] for the model.
pub fn simulate_checkers(
    spec: &CheckerSpec,
    world: &World,
    region: usize,
    end: Micros,
    seed: u64,
    warm: bool,
) -> Timeline {
    let mut run = CheckerRun::new(spec, region, seed, warm);
    run.advance(world, end.saturating_add(1));
    run.timeline
}

/// Events of a [`CheckerRun`]; at equal times results are applied before new probes.
#[derive(Debug, PartialEq, Eq, PartialOrd, Ord, Clone, Copy)]
enum CheckerEv {
    Result { ok: bool },
    Probe,
}

/// A set of checkers on one endpoint that can be advanced in steps ([`simulate_checkers`] in
/// one go): lockstep arms (`overload.rs`) extend the timeline as the overload state becomes
/// known, which costs no more than one run to the end.
#[derive(Debug, Clone)]
pub struct CheckerRun {
    spec: CheckerSpec,
    region: usize,
    err_rng: Rng,
    shed_rng: Rng,
    heap: BinaryHeap<Reverse<(Micros, CheckerEv, usize)>>,
    verdict: Vec<bool>,
    /// Consecutive results that disagree with each checker's current verdict.
    opposite: Vec<u32>,
    healthy_count: usize,
    status: bool,
    /// The aggregate status so far.
    pub timeline: Timeline,
}

impl CheckerRun {
    pub fn new(spec: &CheckerSpec, region: usize, seed: u64, warm: bool) -> CheckerRun {
        let n = spec.checkers as usize;
        let interval = spec.interval;
        let rng = Rng::new(seed, Stream::CheckerPhase);
        let mut heap = BinaryHeap::new();
        for k in 0..n {
            let phase = if warm {
                let key = (spec.phase_stream << 48) | k as u64;
                (rng.uniform(region as u64, key) * interval as f64) as Micros
            } else {
                0
            };
            heap.push(Reverse((phase, CheckerEv::Probe, k)));
        }
        // A new health check is healthy until it has enough data (R53-DG
        // `dns-failover-determining-health-of-endpoints.md`); in a warm start the checkers have
        // been seeing the (up) endpoint all along. Either way every verdict starts healthy.
        let healthy_count = n;
        let mut run = CheckerRun {
            spec: *spec,
            region,
            err_rng: Rng::new(seed, Stream::ProbeError),
            shed_rng: Rng::new(seed, Stream::ProbeShed),
            heap,
            verdict: vec![true; n],
            opposite: vec![0; n],
            healthy_count,
            status: false,
            timeline: Vec::new(),
        };
        run.status = run.is_healthy(healthy_count);
        run.timeline.push((0, run.status));
        run
    }

    fn is_healthy(&self, count: usize) -> bool {
        count as f64 > self.spec.healthy_fraction * self.spec.checkers as f64
    }

    /// Process every event before `limit`: a probe at `t` reads the world at `t`, so the
    /// world must be known up to `limit`.
    pub fn advance(&mut self, world: &World, limit: Micros) {
        let spec = self.spec;
        let region = self.region;
        while let Some(&Reverse((t, ev, k))) = self.heap.peek() {
            if t >= limit {
                break;
            }
            self.heap.pop();
            match ev {
                CheckerEv::Probe => {
                    let st = world.state(region, t);
                    let u = self.err_rng.uniform(
                        ((region as u64) << 24) | (spec.phase_stream << 20) | k as u64,
                        t,
                    );
                    let (ok, done) = match st {
                        // An error response or a refused connection: the result is known at
                        // once. An overloaded region sheds a probe like any request
                        // (`overload.rs`).
                        _ if st.serves() => {
                            let shed = world.probe_shed(region, t, spec.kind);
                            let shed = shed > 0.0 && {
                                let key = ((region as u64) << 24) | (spec.phase_stream << 20);
                                self.shed_rng.uniform(key | k as u64, t) < shed
                            };
                            // Slower than the check's response budget: a failure when the
                            // budget runs out (R53-DG 2 s after connecting; ELB's timeout).
                            match spec.response_budget {
                                Some(b) if st.added_latency() > b => (false, t + b),
                                _ => (st.answers_ok(u, spec.deep) && !shed, t),
                            }
                        }
                        crate::world::RegionState::Reset => (false, t),
                        _ => (false, t + spec.timeout),
                    };
                    self.heap.push(Reverse((done, CheckerEv::Result { ok }, k)));
                    if spec.fixed_period {
                        self.heap
                            .push(Reverse((t + spec.interval, CheckerEv::Probe, k)));
                    }
                }
                CheckerEv::Result { ok } => {
                    if ok == self.verdict[k] {
                        self.opposite[k] = 0;
                    } else {
                        self.opposite[k] += 1;
                        let threshold = if ok {
                            spec.up_threshold
                        } else {
                            spec.down_threshold
                        };
                        if self.opposite[k] >= threshold {
                            self.verdict[k] = ok;
                            self.opposite[k] = 0;
                            if ok {
                                self.healthy_count += 1;
                            } else {
                                self.healthy_count -= 1;
                            }
                            let s = self.is_healthy(self.healthy_count);
                            if s != self.status {
                                self.status = s;
                                self.timeline.push((t, s));
                            }
                        }
                    }
                    if !spec.fixed_period {
                        self.heap
                            .push(Reverse((t + spec.interval, CheckerEv::Probe, k)));
                    }
                }
            }
        }
    }
}
