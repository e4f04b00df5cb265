//! AWS Global Accelerator control plane: endpoint-group health and the edge's choice of
//! endpoint group for a new connection.
//!
//! Sources: `shared/research/route53-ga.md` section C (GA-DG = Global Accelerator Developer
//! Guide, GA-API = its API reference). What AWS does not publish is an ASSUMPTION, named where
//! it is used and listed in every report.

use crate::Micros;
use crate::config::{ClientAffinity, EndpointType, GlobalAcceleratorArm, Propagation};
use crate::controlplane::{
    CheckerSpec, DEFAULT_CHECKERS_ALL_REGIONS, DEFAULT_PROPAGATION_MAX, Timeline, lb_checker_spec,
    probe_timeout, simulate_checkers,
};
use crate::rng::{Rng, Stream};
use crate::world::World;

/// GA-DG `introduction-how-it-works.md`: "TCP 340 s" idle timeout for flows through the
/// accelerator.
pub const GA_TCP_IDLE_TIMEOUT: Micros = 340 * crate::SEC;

/// GA-DG `about-endpoints-endpoint-weights.md`: on failover the accelerator "tries the three
/// closest endpoint groups".
pub const GA_FAILOVER_GROUPS: usize = 3;

/// ASSUMPTION: how the accelerator's own health checks (EC2/EIP endpoints) combine. GA checks
/// come from the Route 53 health-checker address ranges (GA-DG
/// `about-endpoint-groups-health-check-options.md`), so the Route 53 model is reused: 15
/// uncoordinated checkers, healthy while more than 18 % say so. AWS documents neither figure
/// for GA.
pub const GA_CHECKER_ASSUMPTION: &str = "Global Accelerator health checks (EC2/EIP endpoints): \
ASSUMED to behave like Route 53's (15 uncoordinated checkers, healthy while > 18 % say so); AWS \
documents neither the checker count nor the aggregation for GA";

/// ASSUMPTION: for ALB/NLB endpoints GA takes the load balancer's target health (GA-DG, V). How
/// the load balancer's nodes combine their probes and how fast GA sees the result are not
/// documented: modelled as one prober with the ELB settings, seen at the edges after the same
/// propagation delay as any other health change.
pub const GA_LB_ASSUMPTION: &str = "Global Accelerator with ALB/NLB endpoints: target health \
ASSUMED to come from one prober with the ELB interval, thresholds and timeout, reaching the \
edges after the propagation delay; AWS documents neither";

/// ASSUMPTION: a new connection through an edge to a blackholed region fails like a direct one
/// (after the client's connect timeout); GA documents what it does with unhealthy endpoints,
/// not what a client sees before the endpoint is marked unhealthy.
pub const GA_CONNECT_ASSUMPTION: &str = "Global Accelerator: a connection through an edge to a \
blackholed endpoint that is not yet marked unhealthy is ASSUMED to fail after the client's \
connect timeout, as a direct connection would";

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
}

/// The checkers behind an accelerator's endpoint-group health: the load balancer's target
/// checks (ALB/NLB) or the accelerator's own health checks (EC2/EIP).
pub fn checker_spec(arm: &GlobalAcceleratorArm) -> CheckerSpec {
    match arm.endpoint_type {
        EndpointType::Alb | EndpointType::Nlb => lb_checker_spec(&arm.lb_health_check),
        EndpointType::Ec2 | EndpointType::Eip => {
            let hc = &arm.health_check;
            CheckerSpec {
                checkers: DEFAULT_CHECKERS_ALL_REGIONS,
                interval: hc.interval,
                down_threshold: hc.threshold,
                up_threshold: hc.threshold,
                timeout: probe_timeout(hc.protocol),
                healthy_fraction: 0.18,
                phase_stream: 2,
                deep: hc.deep,
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
        let spec = checker_spec(arm);
        let groups: Vec<GroupView> = arm
            .endpoint_groups
            .iter()
            .map(|g| GroupView {
                region: g.region,
                dial: g.traffic_dial,
            })
            .collect();
        let status = groups
            .iter()
            .map(|g| simulate_checkers(&spec, world, g.region, end, seed, warm))
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

    /// Is group `g` healthy as edge `edge` sees it at `t`?
    #[inline]
    pub fn healthy_at(&self, g: usize, edge: usize, t: Micros) -> bool {
        let tl = &self.status[g];
        for (i, &(tc, h)) in tl.iter().enumerate().rev() {
            if i == 0 || tc + self.edge_delay(g, edge, 0, i) <= t {
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
    /// a traffic dial below 100 % accepts only that share and the rest spills to the next
    /// closest groups. If the chosen group is unhealthy the edge tries the three closest groups,
    /// ignoring traffic dials; if none is healthy it fails open to the closest group. With
    /// source-IP affinity a client's draws do not change between connections.
    pub fn select(&self, edge: usize, client: u64, conn: u64, t: Micros) -> usize {
        let order = &self.edge_order[edge];
        let key = match self.affinity {
            ClientAffinity::None => conn,
            ClientAffinity::SourceIp => 0,
        };
        let mut chosen = order[0] as usize;
        for (i, &g) in order.iter().enumerate() {
            let dial = self.dial_at(g as usize, edge, t);
            let u = self.dial_rng.uniform(client, (key << 8) | i as u64);
            if u * 100.0 < dial {
                chosen = g as usize;
                break;
            }
        }
        if self.healthy_at(chosen, edge, t) {
            return chosen;
        }
        for &g in order.iter().take(GA_FAILOVER_GROUPS) {
            if self.healthy_at(g as usize, edge, t) {
                return g as usize;
            }
        }
        order[0] as usize // fail open to the closest group
    }

    /// First time at or after `from` when group `g` turns unhealthy.
    ///
    /// When the status is already unhealthy at `from` (an overloaded region's shed probes can
    /// mark it down before it fails), the time of the switch that made it so, which may lie
    /// before `from`: `detection_s` is then negative, as METRICS.md has it for an ARC flip that
    /// comes first.
    pub fn first_unhealthy_at_or_after(&self, g: usize, from: Micros) -> Option<Micros> {
        let tl = &self.status[g];
        if let Some(&(t, false)) = tl.iter().rev().find(|&&(t, _)| t <= from) {
            return Some(t);
        }
        tl.iter().find(|&&(t, h)| !h && t >= from).map(|&(t, _)| t)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::SEC;
    use crate::config::*;

    fn arm(dials: &[f64]) -> GlobalAcceleratorArm {
        GlobalAcceleratorArm {
            endpoint_type: EndpointType::Alb,
            health_check: GaHealthCheck::default(),
            lb_health_check: LbHealthCheck::default(),
            endpoint_groups: dials
                .iter()
                .enumerate()
                .map(|(i, &d)| EndpointGroup {
                    region: i,
                    traffic_dial: d,
                })
                .collect(),
            client_affinity: ClientAffinity::None,
            propagation: Propagation::Fixed(0),
            dns_ttl: 60 * SEC,
        }
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

    /// Nothing healthy among the three closest: fail open to the closest group, even if a
    /// fourth, farther group is healthy.
    #[test]
    fn fail_open_to_closest_when_three_closest_unhealthy() {
        let c = control(&[100.0, 100.0, 100.0, 100.0], &[0, 1, 2]);
        assert_eq!(c.select(0, 3, 0, 1000 * SEC), 0);
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
