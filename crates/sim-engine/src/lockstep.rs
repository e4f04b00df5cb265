//! The lockstep runner of arms whose regions have a capacity (the model is
//! [`crate::overload`]).
//!
//! # Lockstep
//!
//! Without a capacity, every (arm, shard) runs to the end on its own (`run.rs`). With one, the
//! load a region receives is a sum over all clients, and it decides what every client and
//! every health probe meets there. Such an arm runs in **lockstep**: time is cut into steps
//! (one curve bin each; the warm-up into bins counted back from the recording start), all
//! shards run one step ([`SteppedShard::run_until`]), then a barrier sums each region's
//! attempts over the shards (exact integers, any order) and the overload state of the next step
//! is a pure function of those sums. So results do not depend on threads or shard size.
//!
//! Effect of the step: the overload state reacts to the load of the previous step, one bin (5 s
//! by default) late. A finer `simulation.bin` reacts faster and costs more barriers.
//!
//! At each barrier the health checkers ([`CheckerRun`]) are advanced through the next step with
//! the overload state just decided (probes pass the same front door), so the status timelines
//! are extended, never recomputed; each step gets a copy of the control plane with the
//! timelines so far.

use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, Ordering};

use rayon::prelude::*;

use crate::Micros;
use crate::config::HealthCheck;
use crate::config::{Arm, ArmKind, ModelParams, Workload};
use crate::controlplane::{CheckerRun, Timeline, both_healthy, health_check_spec, read_status};
use crate::overload::{ArmLoad, LoadBin, RegionLoad, RegionOverload, next_state};
use crate::population::ShardSpec;
use crate::sim::{ArmContext, ArmControl, ShardResult, SteppedShard};
use crate::world::World;

/// Lockstep shards are this many times `RunOptions::shard_clients`: every shard lives until the
/// end, so their fixed cost (histograms, about 0.36 MiB a shard) counts for every shard at
/// once. Measured at 1 M clients (`GTSIM_SCALE_VARIANT=ample-capacity`, scale bench, loaded
/// machine): factor 1, 487 MiB peak RSS, 43-48 s CPU; factor 8, 363 MiB, CPU within the noise.
/// The rest was mostly the calendar queues' retained bucket capacity (about 520 B/client on
/// `perf-lockstep`), which the queues now recycle through a chunk pool (`CalendarQueue`'s
/// memory section): 688 MiB before, 185 MiB after at 1 M clients (2026-12-03).
pub const LOCKSTEP_SHARD_FACTOR: u64 = 8;

/// Step boundaries on internal time: bins counted back from `start` to 0 (the first may be
/// partial), then the recorded bins to `end`.
pub fn boundaries(start: Micros, end: Micros, bin: Micros) -> Vec<Micros> {
    let mut v = Vec::new();
    let mut t = start;
    while t > 0 {
        v.push(t);
        t = t.saturating_sub(bin);
    }
    v.push(0);
    v.reverse();
    let mut t = start;
    while t < end {
        t = (t + bin).min(end);
        v.push(t);
    }
    v
}

/// What a lockstep arm hands back.
pub struct LockstepResult {
    pub result: ShardResult,
    /// The control plane of the last step (its timelines cover the whole run).
    pub control: ArmControl,
    pub load: ArmLoad,
}

/// Where one record's (or endpoint group's) status timeline comes from.
enum Source {
    /// Not probed: ARC routing controls, or records without checks.
    Fixed(Timeline),
    /// Its own health check (read through its Route 53 check's `Inverted` / `Disabled`:
    /// `read_status`; a disabled check runs no checkers) and/or the load balancer's target
    /// health (both must be healthy).
    Checked {
        own: Option<(Option<Box<CheckerRun>>, HealthCheck)>,
        target: Option<Box<CheckerRun>>,
    },
    /// A calculated check over its children's endpoint checks (`at_least_healthy`), and/or the
    /// load balancer's target health.
    Calculated {
        children: Vec<(Option<CheckerRun>, HealthCheck)>,
        threshold: u32,
        target: Option<Box<CheckerRun>>,
    },
    /// A Global Accelerator endpoint group: healthy while any of its endpoints' signals is
    /// (`ga::any_healthy`).
    AnyOf(Vec<CheckerRun>),
}

/// The Route 53 status of a check from its checkers so far (none when disabled).
fn own_status(run: Option<&CheckerRun>, hc: &HealthCheck) -> Timeline {
    read_status(
        hc,
        run.map_or_else(|| vec![(0, true)], |r| r.timeline.clone()),
    )
}

/// The health checks behind an arm's control plane, advanced step by step. Mirrors how
/// `Route53Control::new` and `GaControl::new` derive their status timelines (the test
/// `ample_capacity_equals_the_one_pass_run` holds the two to the same bits).
struct Health(Vec<Source>);

impl Health {
    fn new(w: &Workload, params: &ModelParams, arm: &Arm, control: &ArmControl) -> Health {
        let (seed, warm) = (w.simulation.seed, w.simulation.warm_start);
        let sources = match (&arm.kind, control) {
            (ArmKind::Route53(r53), ArmControl::Route53(c)) => r53
                .records
                .iter()
                .enumerate()
                .map(|(i, rec)| {
                    if r53.control.is_some() {
                        return Source::Fixed(c.status[i].clone());
                    }
                    let own = rec.health_check.as_ref().map(|hc| {
                        let run = (!hc.disabled).then(|| {
                            Box::new(CheckerRun::new(
                                &health_check_spec(hc),
                                rec.region,
                                seed,
                                warm,
                            ))
                        });
                        (run, hc.clone())
                    });
                    let target = rec.evaluate_target_health.then(|| {
                        let spec = crate::elb::target_health_spec(params, rec.region);
                        CheckerRun::new(&spec, rec.region, seed, warm)
                    });
                    if let (None, Some(calc)) = (&rec.health_check, &rec.calculated) {
                        let children = calc
                            .children
                            .iter()
                            .map(|ch| {
                                let spec = health_check_spec(&ch.check);
                                let run = (!ch.check.disabled)
                                    .then(|| CheckerRun::new(&spec, ch.region, seed, warm));
                                (run, ch.check.clone())
                            })
                            .collect();
                        return Source::Calculated {
                            children,
                            threshold: calc.threshold,
                            target: target.map(Box::new),
                        };
                    }
                    match (own, target) {
                        (None, None) => Source::Fixed(vec![(0, true)]),
                        (own, target) => Source::Checked {
                            own,
                            target: target.map(Box::new),
                        },
                    }
                })
                .collect(),
            (ArmKind::GlobalAccelerator(ga), ArmControl::GlobalAccelerator(_)) => ga
                .endpoint_groups
                .iter()
                .map(|grp| {
                    Source::AnyOf(
                        crate::ga::group_specs(ga, params, grp)
                            .iter()
                            .map(|spec| CheckerRun::new(spec, grp.region, seed, warm))
                            .collect(),
                    )
                })
                .collect(),
            _ => unreachable!("control matches the arm kind"),
        };
        Health(sources)
    }

    /// Advance every checker through the events before `limit`.
    fn advance(&mut self, world: &World, limit: Micros) {
        for s in &mut self.0 {
            match s {
                Source::Fixed(_) => {}
                Source::Checked { own, target } => {
                    if let Some((Some(run), _)) = own {
                        run.advance(world, limit);
                    }
                    if let Some(run) = target {
                        run.advance(world, limit);
                    }
                }
                Source::AnyOf(runs) => {
                    for run in runs.iter_mut() {
                        run.advance(world, limit);
                    }
                }
                Source::Calculated {
                    children, target, ..
                } => {
                    for run in children.iter_mut().filter_map(|(r, _)| r.as_mut()) {
                        run.advance(world, limit);
                    }
                    if let Some(run) = target {
                        run.advance(world, limit);
                    }
                }
            }
        }
    }

    /// A copy of `master` with the status timelines so far.
    fn control(&self, master: &ArmControl) -> ArmControl {
        let status: Vec<Timeline> = self
            .0
            .iter()
            .map(|s| match s {
                Source::Fixed(tl) => tl.clone(),
                Source::Checked { own, target } => {
                    match (
                        own.as_ref().map(|(r, hc)| own_status(r.as_deref(), hc)),
                        target,
                    ) {
                        (Some(a), Some(b)) => both_healthy(&a, &b.timeline),
                        (Some(a), None) => a,
                        (None, Some(b)) => b.timeline.clone(),
                        (None, None) => vec![(0, true)],
                    }
                }
                Source::AnyOf(runs) => {
                    crate::ga::any_healthy(runs.iter().map(|r| r.timeline.clone()).collect())
                }
                Source::Calculated {
                    children,
                    threshold,
                    target,
                } => {
                    let kids: Vec<Timeline> = children
                        .iter()
                        .map(|(r, hc)| own_status(r.as_ref(), hc))
                        .collect();
                    let own = crate::controlplane::at_least_healthy(&kids, *threshold);
                    match target {
                        Some(b) => both_healthy(&own, &b.timeline),
                        None => own,
                    }
                }
            })
            .collect();
        let mut c = master.clone();
        match &mut c {
            ArmControl::Route53(r) => r.status = status,
            ArmControl::GlobalAccelerator(g) => g.status = status,
        }
        c
    }
}

/// Run one arm in lockstep. `template` supplies everything but the control plane, world and
/// overload state; `build(world, horizon)` builds the arm's control plane (used once, for
/// everything but the health timelines, which `Health` extends step by step). `None` when
/// cancelled.
#[allow(clippy::too_many_arguments)]
pub fn run_arm(
    w: &Workload,
    arm: &Arm,
    template: &ArmContext<'_>,
    base_world: &World,
    shards: &[ShardSpec],
    build: &(dyn Fn(&World, Micros) -> ArmControl + Sync),
    cancel: Option<&AtomicBool>,
) -> Option<LockstepResult> {
    let nregions = w.regions.len();
    let clients = w.simulation.clients;
    let name = &arm.name;
    let master = build(base_world, 0);
    let mut health = Health::new(w, base_world.params(), arm, &master);
    let (start, end, bin) = (template.start, template.end, template.bin);
    let bounds = boundaries(start, end, bin);
    // One extra step after `end` drains retries and final failures (as the one-pass loop does).
    let nsteps = bounds.len();
    let controls: Vec<OnceLock<ArmControl>> = (0..nsteps).map(|_| OnceLock::new()).collect();
    let worlds: Vec<OnceLock<World>> = (0..nsteps).map(|_| OnceLock::new()).collect();
    let states: Vec<OnceLock<Vec<RegionOverload>>> = (0..nsteps).map(|_| OnceLock::new()).collect();
    let ctxs: Vec<OnceLock<ArmContext<'_>>> = (0..nsteps).map(|_| OnceLock::new()).collect();
    let mut world = base_world.clone();
    let mut state = vec![RegionOverload::default(); nregions];
    let mut running: Vec<SteppedShard<'_>> = Vec::new();
    let mut load = ArmLoad {
        name: name.to_string(),
        regions: w.regions.iter().map(|r| r.name.clone()).collect(),
        capacity_rps: w
            .regions
            .iter()
            .map(|r| r.capacity_rps.map(|c| c.rps_for(clients)))
            .collect(),
        bins: vec![vec![LoadBin::default(); nregions]; template.nbins],
    };
    for k in 0..nsteps {
        if cancel.is_some_and(|c| c.load(Ordering::Relaxed)) {
            return None;
        }
        let (s, e) = (bounds[k], bounds.get(k + 1).copied().unwrap_or(Micros::MAX));
        for (r, st) in state.iter().enumerate() {
            if w.regions[r].capacity_rps.is_some() {
                world.push_shed(r, s, st.shed);
            }
        }
        let _ = worlds[k].set(world.clone());
        let wk = worlds[k].get().expect("just set");
        // Through the step (probes at its end belong to the next one); the last, after `end`,
        // takes the checkers to `end` inclusive, as a one-pass run does.
        health.advance(wk, if e < Micros::MAX { e } else { end + 1 });
        let _ = controls[k].set(health.control(&master));
        let _ = states[k].set(state.clone());
        let _ = ctxs[k].set(ArmContext {
            control: controls[k].get().expect("just set"),
            world: wk,
            overload: Some(states[k].get().expect("just set")),
            ..*template
        });
        let ctx = ctxs[k].get().expect("just set");
        if k == 0 {
            running = shards
                .par_iter()
                .map(|spec| SteppedShard::new(ctx, spec))
                .collect();
        }
        let sums = running
            .par_iter_mut()
            .map(|sh| sh.run_until(ctx, e))
            .reduce(
                || vec![RegionLoad::default(); nregions],
                |mut a, b| {
                    for (x, y) in a.iter_mut().zip(b) {
                        x.attempts += y.attempts;
                        x.shed += y.shed;
                    }
                    a
                },
            );
        if s >= start && s < end {
            let i = ((s - start) / bin) as usize;
            for r in 0..nregions {
                load.bins[i][r] = LoadBin {
                    load: sums[r],
                    shed_p: state[r].shed,
                };
            }
        }
        if e < Micros::MAX {
            for (r, st) in state.iter_mut().enumerate() {
                if let Some(cap) = &w.regions[r].capacity_rps {
                    *st = next_state(cap, clients, sums[r], e - s);
                }
            }
        }
    }
    let result = running
        .into_par_iter()
        .map(SteppedShard::into_result)
        .reduce(
            || ShardResult::empty(template.nbins),
            |mut a, b| {
                a.merge(&b);
                a
            },
        );
    drop(ctxs);
    let mut controls = controls;
    let control = controls
        .pop()
        .and_then(OnceLock::into_inner)
        .expect("the last step ran");
    Some(LockstepResult {
        result,
        control,
        load,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn boundaries_cover_warmup_and_run() {
        assert_eq!(boundaries(12, 30, 5), vec![0, 2, 7, 12, 17, 22, 27, 30]);
        assert_eq!(boundaries(10, 20, 5), vec![0, 5, 10, 15, 20]);
        assert_eq!(boundaries(0, 7, 5), vec![0, 5, 7]);
    }
}
