//! AWS Global Accelerator control plane: endpoint-group health and the edge's choice of
//! endpoint group for a new connection.
//!
//! Sources: `shared/research/route53-ga.md` section C (GA-DG = Global Accelerator Developer
//! Guide, GA-API = its API reference). What AWS does not publish is an ASSUMPTION, named where
//! it is used and listed in every report.

use crate::Micros;
use crate::config::{
    ClientAffinity, EndpointType, GaDataPath, GlobalAcceleratorArm, ProbeKind, Propagation,
};
use crate::controlplane::{
    CheckerSpec, DEFAULT_CHECKERS_ALL_REGIONS, DEFAULT_PROPAGATION_MAX, Timeline, probe_timeout,
    response_budget, simulate_checkers,
};
use crate::rng::{Rng, Stream};
use crate::world::World;

/// GA-DG `introduction-how-it-works.md`: "TCP 340 s" idle timeout for flows through the
/// accelerator.
pub const GA_TCP_IDLE_TIMEOUT: Micros = 340 * crate::SEC;

/// ASSUMPTION: how the accelerator's own health checks (EC2/EIP endpoints) combine. GA checks
/// come from the Route 53 health-checker address ranges (GA-DG
/// `about-endpoint-groups-health-check-options.md`), so the Route 53 model is reused: 15
/// uncoordinated checkers, healthy while more than 18 % say so. AWS documents neither figure
/// for GA.
pub const GA_CHECKER_ASSUMPTION: &str = "Global Accelerator health checks (EC2/EIP endpoints): \
ASSUMED to behave like Route 53's (15 uncoordinated checkers, healthy while > 18 % say so); AWS \
documents neither the checker count nor the aggregation for GA";

/// ASSUMPTION: for ALB/NLB endpoints GA takes the load balancer's target health (GA-DG, V):
/// the region's one target-health timeline (`elb.rs`, with its own printed assumption on the
/// probers). How fast GA sees it is not documented: the edges see it after the same
/// propagation delay as any other health change.
pub const GA_LB_ASSUMPTION: &str = "Global Accelerator with ALB/NLB endpoints: the region's \
ELB target health (the same timeline Route 53 alias records with evaluate_target_health read) \
ASSUMED to reach the edges after the propagation delay; AWS documents no figure";

#[derive(Debug, Clone, Copy)]
pub struct GroupView {
    pub region: usize,
    pub dial: f64,
}

/// One accelerator's control plane.
#[derive(Debug, Clone)]
pub struct GaControl {
    pub groups: Vec<GroupView>,
    /// Per group: its health timeline (internal time).
    pub status: Vec<Timeline>,
    /// Per edge: endpoint-group indices, closest first.
    pub edge_order: Vec<Vec<u8>>,
    pub dns_ttl: Micros,
    affinity: ClientAffinity,
    propagation: Propagation,
    prop_rng: Rng,
    dial_rng: Rng,
    /// Per group: `(internal time, dial)`, the workload's dial at time 0 first.
    dial_changes: Vec<Vec<(Micros, f64)>>,
    /// Edge behaviour AWS does not fully document (failback delay, failover reading, the
    /// edge's backend-connect timeout).
    pub data_path: GaDataPath,
}

/// The checkers behind an endpoint group's health: one spec per kind of health signal its
/// endpoints with a non-zero weight read (GA-DG `about-endpoints-endpoint-weights.md`: weight 0
/// stops traffic to an endpoint). ALB/NLB endpoints read the region's load-balancer target
/// health ([`crate::elb::target_health_spec`]), EC2/EIP endpoints the accelerator's own checks
/// (the group's `health_check`, else the arm's). The endpoints of a group share its region, so
/// its ground truth: two endpoints with the same signal see the same timeline, and one spec
/// stands for them. The group is healthy while any of these is ([`any_healthy`]); weights
/// split its traffic among its healthy endpoints, all in the same region, so they change
/// nothing else here (the connection idle limit stays the arm's `endpoint_type`'s). Empty: no
/// endpoint takes traffic (**ASSUMED**: the group is treated as unhealthy, as when no endpoint
/// is healthy; AWS documents no case of every weight 0).
pub fn group_specs(
    arm: &GlobalAcceleratorArm,
    params: &crate::config::ModelParams,
    group: &crate::config::EndpointGroup,
) -> Vec<CheckerSpec> {
    let eps = group.endpoints_or(arm.endpoint_type);
    let live = |lb: bool| {
        eps.iter()
            .any(|e| e.weight > 0 && e.kind.lb_kind().is_some() == lb)
    };
    let hc = group.health_check.as_ref().unwrap_or(&arm.health_check);
    let mut out = Vec::with_capacity(2);
    if live(true) {
        out.push(checker_spec(EndpointType::Alb, hc, params, group.region));
    }
    if live(false) {
        out.push(checker_spec(EndpointType::Ec2, hc, params, group.region));
    }
    out
}

/// A group's status from its endpoints' timelines ([`group_specs`]): healthy while any is; no
/// timeline, never healthy.
pub fn any_healthy(timelines: Vec<Timeline>) -> Timeline {
    match timelines.len() {
        0 => vec![(0, false)],
        1 => timelines.into_iter().next().expect("one timeline"),
        _ => crate::controlplane::at_least_healthy(&timelines, 1),
    }
}

/// The checkers behind endpoints of type `kind` in `region`: the region's load
/// balancer target checks (ALB/NLB, [`crate::elb::target_health_spec`]) or the accelerator's
/// own health checks `hc` (EC2/EIP).
pub fn checker_spec(
    kind: EndpointType,
    hc: &crate::config::GaHealthCheck,
    params: &crate::config::ModelParams,
    region: usize,
) -> CheckerSpec {
    match kind {
        EndpointType::Alb | EndpointType::Nlb => crate::elb::target_health_spec(params, region),
        EndpointType::Ec2 | EndpointType::Eip => {
            CheckerSpec {
                checkers: DEFAULT_CHECKERS_ALL_REGIONS,
                interval: hc.interval,
                down_threshold: hc.threshold,
                up_threshold: hc.threshold,
                timeout: probe_timeout(hc.protocol),
                healthy_fraction: 0.18,
                phase_stream: 2,
                deep: hc.deep,
                fixed_period: false,
                // GA's HTTP(S) checks come from Route 53's checkers: ASSUMED to have Route 53's
                // 2 s response budget (GA_CHECKER_ASSUMPTION).
                response_budget: response_budget(hc.protocol),
                kind: ProbeKind::Ga,
            }
        }
    }
}

impl GaControl {
    /// Build the control plane on internal time; `edge_order[e]` lists the endpoint groups by
    /// proximity to edge `e`.
    pub fn new(
        arm: &GlobalAcceleratorArm,
        world: &World,
        edge_order: Vec<Vec<u8>>,
        end: Micros,
        seed: u64,
        warm: bool,
    ) -> GaControl {
        let groups: Vec<GroupView> = arm
            .endpoint_groups
            .iter()
            .map(|g| GroupView {
                region: g.region,
                dial: g.traffic_dial,
            })
            .collect();
        let status = arm
            .endpoint_groups
            .iter()
            .map(|g| {
                any_healthy(
                    group_specs(arm, world.params(), g)
                        .iter()
                        .map(|spec| simulate_checkers(spec, world, g.region, end, seed, warm))
                        .collect(),
                )
            })
            .collect();
        GaControl {
            groups,
            status,
            edge_order,
            dns_ttl: arm.dns_ttl,
            affinity: arm.client_affinity,
            propagation: arm.propagation,
            prop_rng: Rng::new(seed, Stream::Propagation),
            dial_rng: Rng::new(seed, Stream::GaPlacement),
            dial_changes: arm
                .endpoint_groups
                .iter()
                .map(|g| vec![(0, g.traffic_dial)])
                .collect(),
            data_path: world.params().ga,
        }
    }

    /// Apply timed traffic-dial changes (`(internal time, group, dial)`, in time order). GA
    /// "reacts instantly to changes in health or configuration" (GA-DG); the edges see a change
    /// after the same propagation delay as a health change.
    pub fn with_dial_changes(mut self, changes: &[(Micros, usize, f64)]) -> GaControl {
        for &(t, g, d) in changes {
            self.dial_changes[g].push((t, d));
        }
        self
    }

    /// The delay before edge `edge` sees change `i` of group `g`'s timeline `kind` (0 health,
    /// 1 dial).
    #[inline]
    fn edge_delay(&self, g: usize, edge: usize, kind: u64, i: usize) -> Micros {
        match self.propagation {
            Propagation::Fixed(d) => d,
            Propagation::Default => {
                // Edges are keyed apart from resolvers (high bit) in the same stream.
                let key = (1u64 << 63) | edge as u64;
                let u = self
                    .prop_rng
                    .uniform(key, (kind << 60) | ((g as u64) << 32) | i as u64);
                (u * DEFAULT_PROPAGATION_MAX as f64) as Micros
            }
        }
    }

    /// Group `g`'s traffic dial as edge `edge` has it at `t`.
    #[inline]
    pub fn dial_at(&self, g: usize, edge: usize, t: Micros) -> f64 {
        let changes = &self.dial_changes[g];
        for (i, &(tc, d)) in changes.iter().enumerate().rev() {
            if i == 0 || tc + self.edge_delay(g, edge, 1, i) <= t {
                return d;
            }
        }
        self.groups[g].dial
    }

    /// When edge `edge` acts on change `i` of group `g`'s health timeline: a change to
    /// unhealthy after the propagation delay; a change back to healthy after the failback
    /// delay ([`GaDataPath::failback_delay`], GA-DG "in about 30 seconds or so").
    #[inline]
    pub fn edge_sees(&self, g: usize, edge: usize, i: usize) -> Micros {
        let (tc, h) = self.status[g][i];
        if h {
            tc + self.data_path.failback_delay
        } else {
            tc + self.edge_delay(g, edge, 0, i)
        }
    }

    /// Is group `g` healthy as edge `edge` sees it at `t`?
    #[inline]
    pub fn healthy_at(&self, g: usize, edge: usize, t: Micros) -> bool {
        let tl = &self.status[g];
        for (i, &(_, h)) in tl.iter().enumerate().rev() {
            if i == 0 || self.edge_sees(g, edge, i) <= t {
                return h;
            }
        }
        true
    }

    /// The endpoint group edge `edge` gives a new connection from `client` (its `conn`-th) at
    /// `t`.
    ///
    /// GA-DG (`introduction-how-it-works.md`, `about-endpoint-groups-traffic-dial.md`,
    /// `about-endpoints-endpoint-weights.md`): the edge directs traffic to the closest group;
    /// its traffic dial accepts only that share, and the rest goes to the next closest group
    /// with a non-zero dial, whose own dial is not applied again (the guide's worked example:
    /// two coasts at 50 % each serve "the same amount of traffic", [`dial_split`]). If the
    /// chosen group is unhealthy the edge tries further groups in proximity order, ignoring
    /// traffic dials ([`GaDataPath::failover`] says how many); if none is healthy it fails open
    /// to the closest group. With source-IP affinity a client's draws do not change between
    /// connections.
    pub fn select(&self, edge: usize, client: u64, conn: u64, t: Micros) -> usize {
        let order = &self.edge_order[edge];
        let key = match self.affinity {
            ClientAffinity::None => conn,
            ClientAffinity::SourceIp => 0,
        };
        let home = order[0] as usize;
        let u = self.dial_rng.uniform(client, key << 8);
        let chosen = spill_choice(order, u, |g| self.dial_at(g, edge, t));
        if self.healthy_at(chosen, edge, t) {
            return chosen;
        }
        let tried = order
            .iter()
            .map(|&g| g as usize)
            .filter(|&g| g != chosen)
            .take(self.data_path.failover.additional());
        for g in tried {
            if self.healthy_at(g, edge, t) {
                return g;
            }
        }
        home // fail open to the closest group
    }

    /// First time at or after `from` when group `g` turns unhealthy.
    ///
    /// When the status is already unhealthy at `from` (an overloaded region's shed probes can
    /// mark it down before it fails), the time of the switch that made it so, which may lie
    /// before `from`: `detection_s` is then negative, as METRICS.md has it for an ARC flip that
    /// comes first.
    pub fn first_unhealthy_at_or_after(&self, g: usize, from: Micros) -> Option<Micros> {
        crate::controlplane::detection_index(&self.status[g], from).map(|i| self.status[g][i].0)
    }

    /// `act_s` (METRICS.md): when edge `edge` acts on the change
    /// [`GaControl::first_unhealthy_at_or_after`] finds (a status unhealthy from the start acts
    /// at once).
    pub fn act_at(&self, g: usize, edge: usize, from: Micros) -> Option<Micros> {
        let i = crate::controlplane::detection_index(&self.status[g], from)?;
        Some(if i == 0 {
            self.status[g][0].0
        } else {
            self.edge_sees(g, edge, i)
        })
    }
}

/// The group a new connection goes to by traffic dials alone, given the groups in proximity
/// order and a uniform draw `u`: the closest group when `u * 100 < its dial`, else the next
/// closest group with a non-zero dial (its dial is not applied again: GA-DG
/// `about-endpoint-groups-traffic-dial.md`, "The first 25 requests on each coast ... are served
/// from their nearby endpoint group ... The next 50 requests are directed to the opposite
/// Regions"), else the closest.
#[inline]
pub fn spill_choice(order: &[u8], u: f64, dial: impl Fn(usize) -> f64) -> usize {
    let home = order[0] as usize;
    if u * 100.0 < dial(home) {
        return home;
    }
    order[1..]
        .iter()
        .map(|&g| g as usize)
        .find(|&g| dial(g) > 0.0)
        .unwrap_or(home)
}

/// Expected share of a client area's new connections per group under [`spill_choice`]
/// (`order`: groups by proximity; `dials` per group, 0-100): the closest group keeps
/// `dial / 100`, the next closest group with a non-zero dial takes the rest. Used by the cost
/// model so that routing and cost split traffic alike.
pub fn dial_split(order: &[u8], dials: &[f64]) -> Vec<(usize, f64)> {
    let home = order[0] as usize;
    let keep = (dials[home] / 100.0).clamp(0.0, 1.0);
    let spill = order[1..]
        .iter()
        .map(|&g| g as usize)
        .find(|&g| dials[g] > 0.0);
    match spill {
        Some(g) if keep < 1.0 => vec![(home, keep), (g, 1.0 - keep)],
        _ => vec![(home, 1.0)],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::SEC;
    use crate::config::*;

    fn arm(dials: &[f64]) -> GlobalAcceleratorArm {
        GlobalAcceleratorArm::with_dials(EndpointType::Alb, dials, Propagation::Fixed(0))
    }

    fn world(down: &[usize], at: Micros) -> World {
        let mut w = crate::testutil::two_region_workload();
        w.regions.push(w.regions[0].clone());
        w.regions.push(w.regions[0].clone());
        w.failures = down
            .iter()
            .map(|&r| Failure {
                region: r,
                at,
                kind: FailureKind::Hard(HardMode::Reset),
                recover_at: None,
            })
            .collect();
        World::new(&w, 0)
    }

    fn control(dials: &[f64], down: &[usize]) -> GaControl {
        let order: Vec<u8> = (0..dials.len() as u8).collect();
        GaControl::new(
            &arm(dials),
            &world(down, 100 * SEC),
            vec![order],
            3600 * SEC,
            1,
            true,
        )
    }

    /// Traffic dial 0 sends nothing to a healthy group; 50 % splits by the dial (GA-DG
    /// traffic-dial page: "us-east-1 at 50 %: 50/100 accepted, rest to other Regions").
    #[test]
    fn traffic_dials_spill_to_the_next_closest_group() {
        let zero = control(&[0.0, 100.0, 100.0], &[]);
        assert!((0..1000).all(|c| zero.select(0, c, 0, 10 * SEC) == 1));
        let half = control(&[50.0, 100.0, 100.0], &[]);
        let to_first = (0..10_000)
            .filter(|&c| half.select(0, c, 0, 10 * SEC) == 0)
            .count();
        // Binomial(10000, 0.5): sd 50; 5 sd = 250.
        assert!((to_first as i64 - 5000).abs() < 250, "{to_first}");
    }

    /// Failover ignores traffic dials: a dial-0 group receives traffic when the closer groups
    /// are unhealthy (GA-DG endpoint-weights page).
    #[test]
    fn failover_ignores_dials_and_tries_three_closest() {
        let c = control(&[100.0, 0.0, 100.0, 100.0], &[0]);
        // Before detection the dead group is still chosen; after, group 1 despite its dial 0.
        assert_eq!(c.select(0, 7, 0, 90 * SEC), 0);
        let detected = c.first_unhealthy_at_or_after(0, 100 * SEC).unwrap();
        assert!(detected > 100 * SEC && detected < 200 * SEC, "{detected}");
        assert_eq!(c.select(0, 7, 0, detected), 1);
        // Asked from a time when the group is already down, detection is the switch that made
        // it so (earlier than asked: a negative detection_s, as for an ARC flip that comes
        // first), not "never".
        assert_eq!(
            c.first_unhealthy_at_or_after(0, detected + 50 * SEC),
            Some(detected)
        );
        // Asked at the switch itself: that switch.
        assert_eq!(c.first_unhealthy_at_or_after(0, detected), Some(detected));
    }

    /// Three closest groups unhealthy, a fourth healthy. Changed with issue 12 (fidelity review
    /// C2): GA-DG `about-endpoints-endpoint-weights.md`'s worked example says the accelerator
    /// "tries three additional endpoint groups", so by default the fourth group is found; the
    /// summary sentence's reading ("after trying the three closest endpoint groups", the old
    /// expectation) fails open to the closest group, and stays available as a parameter.
    #[test]
    fn failover_reading_three_additional_or_three_closest() {
        let mut c = control(&[100.0, 100.0, 100.0, 100.0], &[0, 1, 2]);
        assert_eq!(c.select(0, 3, 0, 1000 * SEC), 3);
        c.data_path.failover = GaFailoverReading::ThreeClosest;
        assert_eq!(c.select(0, 3, 0, 1000 * SEC), 0);
    }

    /// GA-DG `about-endpoint-groups-traffic-dial.md` worked example: us-west-2 and us-east-1
    /// each dialled to 50 %, as many requests from each coast: "The first 25 requests on each
    /// coast ... are served from their nearby endpoint group ... The next 50 requests are
    /// directed to the opposite Regions ... both endpoint groups serve the same amount of
    /// traffic". Routing (select, two edges: one per coast) and cost (`dial_split`, which
    /// `cost::ga_cells` uses) both give 50/50 (the former cascade gave 75/25).
    #[test]
    fn traffic_dial_worked_example_serves_fifty_fifty_in_routing_and_cost() {
        let mut c = control(&[50.0, 50.0], &[]);
        c.edge_order = vec![vec![0, 1], vec![1, 0]];
        let n = 20_000u64;
        let mut to = [[0u64; 2]; 2];
        for edge in 0..2 {
            for client in 0..n {
                to[edge][c.select(edge, client, 0, 10 * SEC)] += 1;
            }
        }
        // Each coast: Binomial(n, 0.5) nearby, sd sqrt(n)/2 = 71; 5 sd.
        for (edge, row) in to.iter().enumerate() {
            assert!((row[edge] as i64 - n as i64 / 2).abs() < 354, "{to:?}");
        }
        let group0 = to[0][0] + to[1][0];
        // Sum of two binomials: sd 100; 5 sd.
        assert!((group0 as i64 - n as i64).abs() < 500, "{to:?}");
        // Cost: the same rule in expectation, exactly.
        let dials = [50.0, 50.0];
        let east = dial_split(&[0, 1], &dials);
        let west = dial_split(&[1, 0], &dials);
        assert_eq!(east, vec![(0, 0.5), (1, 0.5)]);
        assert_eq!(west, vec![(1, 0.5), (0, 0.5)]);
        let served0: f64 = east
            .iter()
            .chain(&west)
            .filter(|p| p.0 == 0)
            .map(|p| p.1)
            .sum();
        assert_eq!(served0, 1.0); // half of the two coasts' total of 2
        // Spill skips a dial-0 group; a full dial keeps everything.
        assert_eq!(
            dial_split(&[0, 1, 2], &[40.0, 0.0, 100.0]),
            vec![(0, 0.4), (2, 0.6)]
        );
        assert_eq!(dial_split(&[0, 1], &[100.0, 50.0]), vec![(0, 1.0)]);
    }

    /// Failback: a recovered group gets new connections `failback_delay` (ASSUMED 30 s from
    /// GA-DG "in about 30 seconds or so") after its status turns healthy, at every edge.
    #[test]
    fn failback_after_the_assumed_delay() {
        let mut w = crate::testutil::two_region_workload();
        w.failures = vec![Failure {
            region: 0,
            at: 100 * SEC,
            kind: FailureKind::Hard(HardMode::Reset),
            recover_at: Some(400 * SEC),
        }];
        let c = GaControl::new(
            &arm(&[100.0, 100.0]),
            &World::new(&w, 0),
            vec![vec![0, 1]],
            3600 * SEC,
            1,
            true,
        );
        let tl = &c.status[0];
        assert_eq!(tl.len(), 3, "{tl:?}");
        let up = tl[2].0;
        assert!(up > 400 * SEC);
        assert_eq!(c.edge_sees(0, 0, 2), up + GA_FAILBACK_DELAY);
        assert_eq!(c.select(0, 1, 0, up + GA_FAILBACK_DELAY - 1), 1);
        assert_eq!(c.select(0, 1, 0, up + GA_FAILBACK_DELAY), 0);
    }

    /// ELB target health defaults (interval 30 s, unhealthy threshold 2, timeout 6 s): a reset
    /// endpoint fails its first probe after the failure at once, so detection is that probe's
    /// time plus one more interval: between 30 s and 60 s after the failure.
    #[test]
    fn alb_detection_uses_elb_settings() {
        let c = control(&[100.0, 100.0], &[0]);
        let d = c.first_unhealthy_at_or_after(0, 100 * SEC).unwrap() - 100 * SEC;
        assert!((30 * SEC..=60 * SEC).contains(&d), "{d}");
    }
}
