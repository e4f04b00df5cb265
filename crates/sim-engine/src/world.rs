//! Ground truth: which regions are actually up, when.
//!
//! Control planes (health checks, ARC, Global Accelerator) only *observe* this; a request is
//! ok when it reaches a region that is actually up (`docs/metrics.md`, "ok").

use crate::Micros;
use crate::config::{FailureKind, HardMode, LoadBalancer, ModelParams, ProbeKind, Workload};

/// What an attempt or probe meets at a region at some instant.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum RegionState {
    /// Serving.
    Up,
    /// Serving, but inside a drain window: its traffic counts as stale routing.
    Draining,
    /// Gone; connections and probes time out.
    Blackhole,
    /// Gone; connections are refused at once.
    Reset,
    /// Serving, with errors at `error_rate` and `added` latency; `grey`: shallow checks pass.
    Degraded {
        error_rate: f64,
        added: Micros,
        grey: bool,
    },
}

impl RegionState {
    /// Does the region accept connections (and answer, possibly with errors)?
    #[inline]
    pub fn serves(self) -> bool {
        matches!(
            self,
            RegionState::Up | RegionState::Draining | RegionState::Degraded { .. }
        )
    }

    /// Does an attempt (or a `deep` probe) that drew uniform `u` get a good answer? A shallow
    /// probe of a grey region passes: it only checks that the process is up.
    #[inline]
    pub fn answers_ok(self, u: f64, deep: bool) -> bool {
        match self {
            RegionState::Up | RegionState::Draining => true,
            RegionState::Degraded { grey: true, .. } if !deep => true,
            RegionState::Degraded { error_rate, .. } => u >= error_rate,
            RegionState::Blackhole | RegionState::Reset => false,
        }
    }

    /// Latency a serving region adds to each response (a brownout's or grey failure's
    /// `added_latency`; 0 otherwise).
    #[inline]
    pub fn added_latency(self) -> Micros {
        match self {
            RegionState::Degraded { added, .. } => added,
            _ => 0,
        }
    }

    /// Is the region inside a failure window ("failed region" in METRICS.md)?
    #[inline]
    pub fn is_failed(self) -> bool {
        !matches!(self, RegionState::Up)
    }
}

#[derive(Debug, Clone, Copy)]
struct Window {
    start: Micros,
    end: Micros,
    state: RegionState,
}

/// Failure windows per region, on the engine's internal clock, and (lockstep arms only) the
/// overload state known so far.
#[derive(Debug, Clone)]
pub struct World {
    windows: Vec<Vec<Window>>,
    /// Per region: `(internal time, shed probability)` from that time on, in time order, as
    /// far as the lockstep run has decided it (`overload.rs`). Empty = never overloaded.
    /// Only health probes read it (clients get the current step's state from their context).
    shed: Vec<Vec<(Micros, f64)>>,
    /// The world's infrastructure and model parameters: each region's load balancer, which
    /// probes its shedding reaches (per prober kind), TLS, GA's data path, negative caching.
    params: ModelParams,
}

impl World {
    /// Build from the workload's failures, with its model parameters or the defaults
    /// ([`ModelParams::of`]); `offset` converts workload times to internal time.
    pub fn new(w: &Workload, offset: Micros) -> World {
        World::with_params(w, offset, ModelParams::of(w))
    }

    /// [`World::new`] with the given model parameters (validated by the caller:
    /// [`ModelParams::validate`]).
    pub fn with_params(w: &Workload, offset: Micros, params: ModelParams) -> World {
        let mut windows = vec![Vec::new(); w.regions.len()];
        for f in &w.failures {
            let state = match f.kind {
                FailureKind::Hard(HardMode::Blackhole) => RegionState::Blackhole,
                FailureKind::Hard(HardMode::Reset) => RegionState::Reset,
                FailureKind::Drain => RegionState::Draining,
                FailureKind::Brownout {
                    error_rate,
                    added_latency,
                } => RegionState::Degraded {
                    error_rate,
                    added: added_latency,
                    grey: false,
                },
                FailureKind::Grey {
                    error_rate,
                    added_latency,
                } => RegionState::Degraded {
                    error_rate,
                    added: added_latency,
                    grey: true,
                },
            };
            windows[f.region].push(Window {
                start: f.at + offset,
                end: f.recover_at.map_or(Micros::MAX, |r| r + offset),
                state,
            });
        }
        for v in &mut windows {
            v.sort_by_key(|w| w.start);
        }
        World {
            shed: vec![Vec::new(); windows.len()],
            params,
            windows,
        }
    }

    /// Record that from internal time `from` on, `region` sheds attempts with probability `p`
    /// (times must not decrease per region).
    pub fn push_shed(&mut self, region: usize, from: Micros, p: f64) {
        let v = &mut self.shed[region];
        debug_assert!(v.last().is_none_or(|&(t, _)| t <= from));
        if v.last().map_or(0.0, |&(_, q)| q) != p {
            v.push((from, p));
        }
    }

    /// The model parameters.
    pub fn params(&self) -> &ModelParams {
        &self.params
    }

    /// `region`'s load balancer.
    pub fn load_balancer(&self, region: usize) -> &LoadBalancer {
        &self.params.load_balancers[region]
    }

    /// The probability that a health probe of `kind` to `region` at `t` is shed (0 when the
    /// region has no capacity limit, or probes of that kind are exempt:
    /// [`crate::config::ProbeShedding`]).
    #[inline]
    pub fn probe_shed(&self, region: usize, t: Micros, kind: ProbeKind) -> f64 {
        let v = &self.shed[region];
        if v.is_empty() || !self.params.probes[region].sheds(kind) {
            return 0.0;
        }
        let i = v.partition_point(|&(s, _)| s <= t);
        if i == 0 { 0.0 } else { v[i - 1].1 }
    }

    /// The state of `region` at internal time `t`. Where windows overlap, the one that
    /// started last wins.
    #[inline]
    pub fn state(&self, region: usize, t: Micros) -> RegionState {
        let mut s = RegionState::Up;
        for w in &self.windows[region] {
            if w.start > t {
                break;
            }
            if t < w.end {
                s = w.state;
            }
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::SEC;

    #[test]
    fn windows_and_recovery() {
        let mut w = crate::testutil::two_region_workload();
        w.failures = vec![crate::config::Failure {
            region: 0,
            at: 100 * SEC,
            kind: FailureKind::Hard(HardMode::Blackhole),
            recover_at: Some(200 * SEC),
        }];
        let world = World::new(&w, 10 * SEC);
        assert_eq!(world.state(0, 109 * SEC), RegionState::Up);
        assert_eq!(world.state(0, 110 * SEC), RegionState::Blackhole);
        assert_eq!(world.state(0, 209 * SEC), RegionState::Blackhole);
        assert_eq!(world.state(0, 210 * SEC), RegionState::Up);
        assert_eq!(world.state(1, 150 * SEC), RegionState::Up);
        assert!(RegionState::Draining.serves() && RegionState::Draining.is_failed());
        assert!(!RegionState::Reset.serves());
    }
}
