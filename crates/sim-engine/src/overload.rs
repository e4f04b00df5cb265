//! Regional capacity and overload (`regions[].capacity_rps`, `regions[].overload`): the one
//! place where clients feed back into the world, so the shards of an arm are coupled. This
//! module is the model only: what an attempt meets at a region ([`admit`]) and the next
//! step's state from this step's load ([`next_state`]). The lockstep runner that sums the load
//! over the shards at each barrier is [`crate::lockstep`].
//!
//! # Model (an ASSUMPTION: AWS/ELB publish no figure for how an overloaded region degrades)
//!
//! - A region with capacity `C` attempts/s that received `A` attempts in a step of length `d`
//!   sheds each attempt of the next step with probability `max(0, 1 - C d / A)`, as a fast
//!   error (an HTTP 503 from the front door: the connection stays open, the client retries
//!   at once while retries remain, re-resolving through its caches as after any error). In a
//!   steady state the accepted rate is then `C` whatever the offered load, retries included.
//! - While it sheds, every attempt it accepts pays `overload.added_latency` of queueing
//!   (ASSUMED 200 ms by default: a full queue ahead of a saturated service).
//! - Health probes (Route 53 checkers, ELB target checks, Global Accelerator checks) pass the
//!   same front door, so they are shed with the same probability, deep and shallow alike
//!   (`overload.probes = "shed"`, the default); `"exempt"` models health checks that bypass
//!   the shedding (a dedicated port or priority path). Shed probes fail at once.
//! - Probes see the step's state from the step's start: at each barrier the lockstep runner
//!   ([`crate::lockstep`]) advances the health checkers through the step with the overload
//!   state just decided, so the status timelines are extended, never recomputed (a status at `t` depends only on probes
//!   before `t`: extending never changes the past), and the whole run costs what one pass of
//!   the checkers to the end costs. Each step gets a copy of the control plane with the
//!   timelines so far.
//! - Offered load counts attempts that reach a serving region (a blackholed or refusing one
//!   receives nothing), including retries; health probes are not counted (a few per second).
//! - `capacity_rps` is the capacity at the workload's `simulation.clients` as written: a run at
//!   another client count (`--clients`) scales it in proportion, keeping the load ratio.

use crate::config::{Capacity, Workload};
use crate::rng::Rng;
use crate::{Micros, SEC};

/// ASSUMED queueing latency added to each accepted attempt while a region sheds load.
pub const DEFAULT_ADDED_LATENCY: Micros = 200 * crate::MS;

/// What clients meet at one region during one step.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct RegionOverload {
    /// Probability that an attempt is shed (fast error).
    pub shed: f64,
    /// Queueing latency added to an accepted attempt.
    pub added: Micros,
}

/// Attempts one region received in one step, and how many it shed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RegionLoad {
    pub attempts: u64,
    pub shed: u64,
}

/// One region in one curve bin: its load and the state it was in (`load.csv`).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct LoadBin {
    pub load: RegionLoad,
    /// Shed probability applied during the bin (decided at the bin's start).
    pub shed_p: f64,
}

/// A lockstep arm's load per region and bin.
#[derive(Debug, Clone, PartialEq)]
pub struct ArmLoad {
    pub name: String,
    /// Region names, workload order.
    pub regions: Vec<String>,
    /// Per region (workload order): capacity in attempts/s for this run's client count.
    pub capacity_rps: Vec<Option<f64>>,
    /// `bins[i][region]`.
    pub bins: Vec<Vec<LoadBin>>,
}

/// An attempt reaches an overloaded-or-not region: count it, and decide whether it is shed.
/// Returns `(shed, added latency if accepted)`.
#[inline]
pub fn admit(
    ov: &RegionOverload,
    load: &mut RegionLoad,
    rng: &Rng,
    entity: u64,
    counter: u64,
) -> (bool, Micros) {
    load.attempts += 1;
    if ov.shed > 0.0 && rng.uniform(entity, counter) < ov.shed {
        load.shed += 1;
        return (true, 0);
    }
    (false, ov.added)
}

/// The next step's state from this step's load: shed `1 - C d / A` when `A > C d`.
pub fn next_state(cap: &Capacity, clients: u64, load: RegionLoad, step: Micros) -> RegionOverload {
    let served = cap.rps_for(clients) * step as f64 / SEC as f64;
    let a = load.attempts as f64;
    if a > served && a > 0.0 {
        RegionOverload {
            shed: 1.0 - served / a,
            added: cap.added_latency,
        }
    } else {
        RegionOverload::default()
    }
}

/// Does any region of the workload have a capacity (so every arm runs in lockstep)?
pub fn lockstep(w: &Workload) -> bool {
    w.regions.iter().any(|r| r.capacity_rps.is_some())
}

/// The assumption line printed in every report of a lockstep run.
pub fn assumptions(w: &Workload) -> Vec<String> {
    let params = crate::config::ModelParams::of(w);
    let caps: Vec<String> = w
        .regions
        .iter()
        .zip(&params.probes)
        .filter_map(|(r, probes)| {
            let c = r.capacity_rps?;
            Some(format!(
                "{} {} req/s at this run's {} clients (added latency {} ms, probes {})",
                r.name,
                crate::metrics::secs((c.rps_for(w.simulation.clients) * 1e6).round() as Micros),
                w.simulation.clients,
                c.added_latency / crate::MS,
                probes.text()
            ))
        })
        .collect();
    if caps.is_empty() {
        return Vec::new();
    }
    vec![format!(
        "overload: ASSUMED model (no AWS figure): a region that received A attempts in a bin \
         sheds each attempt of the next bin with probability 1 - C/A (C = its capacity x the \
         bin) as a fast error (clients retry), accepted attempts pay an added queueing latency, and health \
         probes are shed alike unless exempt; shards run in lockstep one bin at a time; {}",
        caps.join("; ")
    )]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_state_sheds_the_excess() {
        let cap = Capacity {
            rps: 100.0,
            at_clients: 1000,
            added_latency: 7,
            shed_probes: true,
        };
        // 10 s at 100/s = 1000 served; 4000 offered: shed 3/4.
        let load = RegionLoad {
            attempts: 4000,
            shed: 0,
        };
        let st = next_state(&cap, 1000, load, 10 * SEC);
        assert!((st.shed - 0.75).abs() < 1e-12 && st.added == 7);
        // Half the clients: half the capacity.
        let st = next_state(&cap, 500, load, 10 * SEC);
        assert!((st.shed - 0.875).abs() < 1e-12);
        let under = RegionLoad {
            attempts: 999,
            shed: 0,
        };
        assert_eq!(
            next_state(&cap, 1000, under, 10 * SEC),
            RegionOverload::default()
        );
    }
}
