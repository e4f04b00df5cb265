//! Running a workload: control-plane timelines per arm, then every (arm, shard) pair of the
//! client simulation in parallel, then the summary.
//!
//! Determinism: shards are independent once the control-plane timelines are fixed, randomness
//! is keyed by global client and resolver ids, and shard results are merged with exact integer
//! sums (curve bins, histogram counts). Any thread count and any merge order give the same bits.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use rayon::prelude::*;

use crate::config::{ActionTarget, ArmKind, EndpointType, Policy, Propagation, Workload};
use crate::controlplane::{DEFAULT_PROPAGATION_TEXT, Route53Control};
use crate::curve::Bin;
use crate::ga::GaControl;
use crate::metrics::{ArmSummary, Converge, ConvergeOn, Latency, Rto, StaleUntil, Summary, secs};
use crate::population::{Geo, Layout};
use crate::sim::{ArmContext, ArmControl, FailureRef};
use crate::world::World;
use crate::{Micros, SEC};

pub use crate::config::{ALB_IDLE_TIMEOUT, NLB_IDLE_TIMEOUT};

/// Clients per shard. Small enough that a shard's client state (32 B/client when measured, 64
/// B since 2026-12-03) and calendar stay in L2 cache (measured, 300k clients, CPU time: 16384
/// per shard 7.2 s, 4096 5.5 s, 2048 5.0 s); large enough that per-shard overhead is
/// negligible. Results do not depend on it (see `CalendarQueue` for the one caveat:
/// exact-microsecond ties between retry events).
pub const DEFAULT_SHARD_CLIENTS: u64 = 2048;

pub struct RunOptions<'a> {
    /// Worker threads; 0 = one per core.
    pub threads: usize,
    pub shard_clients: u64,
    /// Set to stop early; the run then returns [`RunError::Cancelled`].
    pub cancel: Option<&'a AtomicBool>,
    /// Let a client's next request run as soon as nothing can change its outcome (over its
    /// kept-alive connection, no retry pending, before the step, the run's end and the
    /// failure's cohort sweep: `Shard::runs_ahead`) instead of waiting its turn in the queue.
    /// Every output is the same either way (the `run_ahead` tests compare the two on every
    /// shipped workload); `false` is the reference order, for those tests and measurements.
    pub run_ahead: bool,
}

impl Default for RunOptions<'_> {
    fn default() -> Self {
        RunOptions {
            threads: 0,
            shard_clients: DEFAULT_SHARD_CLIENTS,
            cancel: None,
            run_ahead: true,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error("interrupted")]
    Cancelled,
    #[error("could not start worker threads: {0}")]
    Threads(String),
    /// A run cut by index of a workload that needs all shards at once.
    #[error("{0}")]
    Unsupported(String),
}

/// One arm's curve: `bins[i]` starts at `i * bin` seconds.
pub struct ArmCurve {
    pub name: String,
    pub bins: Vec<Bin>,
}

/// One arm's distributions at [`distribution_quantiles`]: `(quantile, value)` pairs from the
/// merged histograms. Empty when the histogram is (no failure, or no requests).
#[derive(Debug, Clone, PartialEq)]
pub struct ArmDistributions {
    pub name: String,
    /// Per-client RTO of the cohort in seconds, clamped to the failure window like
    /// [`Rto::from_histogram`].
    pub rto: Vec<(f64, f64)>,
    /// Per-client `stale_until_s` of the cohort in seconds, clamped to the failure window.
    pub stale_until: Vec<(f64, f64)>,
    /// Steady-state request latency in milliseconds (0.1 ms resolution).
    pub latency: Vec<(f64, f64)>,
}

/// The quantiles of `distributions.csv`: 0.00, 0.01, …, 0.99, then 0.995, 0.999 and 1.
pub fn distribution_quantiles() -> Vec<f64> {
    let mut q: Vec<f64> = (0..100).map(|i| f64::from(i) / 100.0).collect();
    q.extend([0.995, 0.999, 1.0]);
    q
}

fn quantiles(h: &hdrhistogram::Histogram<u64>, value: impl Fn(u64) -> f64) -> Vec<(f64, f64)> {
    if h.is_empty() {
        return Vec::new();
    }
    distribution_quantiles()
        .into_iter()
        .map(|q| (q, value(h.value_at_quantile(q))))
        .collect()
}

pub struct RunOutput {
    pub summary: Summary,
    pub curves: Vec<ArmCurve>,
    /// Per arm, the RTO and latency distributions (`distributions.csv`).
    pub distributions: Vec<ArmDistributions>,
    /// Per arm and resolver class: tail attribution (`classes.csv`).
    pub classes: Vec<crate::classes::ClassFigures>,
    pub bin: Micros,
    /// Lockstep runs (a region has `capacity_rps`): per arm, load per region and bin
    /// (`load.csv`); empty otherwise.
    pub loads: Vec<crate::overload::ArmLoad>,
    /// Events processed (requests, retries, failure declarations), all arms.
    pub events: u64,
    /// Of `events`, the requests that ran ahead of their turn in the queue
    /// ([`RunOptions::run_ahead`]); not an output file's figure.
    pub ran_ahead: u64,
    pub threads: usize,
}

/// The connection idle limit of an arm: the smallest of the client's keep-alive idle time and
/// the idle timeout of what the records point at.
pub fn idle_limit(keepalive_idle: Micros, endpoint: EndpointType) -> Micros {
    let lb = match endpoint {
        EndpointType::Alb => ALB_IDLE_TIMEOUT,
        EndpointType::Nlb => NLB_IDLE_TIMEOUT,
        EndpointType::Ec2 | EndpointType::Eip => Micros::MAX,
    };
    keepalive_idle.min(lb)
}

/// The connection idle limit of an arm: for an accelerator also its 340 s TCP idle timeout.
pub fn arm_idle_limit(arm: &crate::config::Arm) -> Micros {
    arm_keepalive_limit(arm, arm.clients.keepalive_idle)
}

/// [`arm_idle_limit`] for a client whose own keep-alive idle limit is `keepalive_idle`.
fn arm_keepalive_limit(arm: &crate::config::Arm, keepalive_idle: Micros) -> Micros {
    match &arm.kind {
        ArmKind::Route53(r) => idle_limit(keepalive_idle, r.endpoint_type),
        ArmKind::GlobalAccelerator(g) => {
            idle_limit(keepalive_idle, g.endpoint_type).min(crate::ga::GA_TCP_IDLE_TIMEOUT)
        }
    }
}

/// [`arm_idle_limit`] with the idle timeouts of the regions' load balancers
/// ([`crate::config::LoadBalancer::idle_timeout`]): for `alb` / `nlb` endpoints the smallest
/// over the arm's regions.
pub fn arm_idle_limit_in(arm: &crate::config::Arm, params: &crate::config::ModelParams) -> Micros {
    arm_idle_limit_with(arm, params, arm.clients.keepalive_idle)
}

/// [`arm_idle_limit_in`] for a client whose own keep-alive idle limit is `keepalive_idle`
/// (its `clients.software`'s, `crate::mixes::ClientProfile`).
pub fn arm_idle_limit_with(
    arm: &crate::config::Arm,
    params: &crate::config::ModelParams,
    keepalive_idle: Micros,
) -> Micros {
    let (endpoint, regions): (EndpointType, Vec<usize>) = match &arm.kind {
        ArmKind::Route53(r) => (
            r.endpoint_type,
            r.records.iter().map(|x| x.region).collect(),
        ),
        ArmKind::GlobalAccelerator(g) => (
            g.endpoint_type,
            g.endpoint_groups.iter().map(|x| x.region).collect(),
        ),
    };
    let base = arm_keepalive_limit(arm, keepalive_idle);
    if endpoint.lb_kind().is_none() {
        return base;
    }
    let lb = regions
        .iter()
        .map(|&r| params.load_balancers[r].idle_timeout)
        .min()
        .unwrap_or(Micros::MAX);
    let limit = keepalive_idle.min(lb);
    match arm.kind {
        ArmKind::GlobalAccelerator(_) => limit.min(crate::ga::GA_TCP_IDLE_TIMEOUT),
        ArmKind::Route53(_) => limit,
    }
}

/// An arm's behaviour tables, its client software rows with their effective idle limits.
fn arm_mixes(
    w: &Workload,
    arm: &crate::config::Arm,
    params: &crate::config::ModelParams,
) -> crate::mixes::Mixes {
    crate::mixes::Mixes::new(w, &arm.clients)
        .set_idle_limits(|keepalive| arm_idle_limit_with(arm, params, keepalive))
}

/// Warm-up before recording starts, common to all arms so that every arm sees the same request
/// times. Resolver caches and health checkers are started in their stationary state directly;
/// the warm-up lets per-client state (stub-cache entries, kept-alive connections) reach its
/// stationary state, which depends on at most the last stub lifetime or idle limit of history.
pub fn warmup(w: &Workload) -> Micros {
    if !w.simulation.warm_start {
        return 0;
    }
    let mut m = SEC;
    for arm in &w.arms {
        // A client's stub entry depends on whether it resolved at all, which depends on whether
        // it had an open connection: the two settle one after the other, so their sum.
        // With client software, the longest of its stacks' limits; a stack without a limit
        // behind an endpoint without one keeps its connection forever, which the ten request
        // gaps below already settle, so its term is bounded by an hour.
        let idle = match arm.clients.software {
            None => arm_idle_limit(arm),
            Some(_) => crate::mixes::client_profiles(&arm.clients)
                .iter()
                .map(|p| arm_keepalive_limit(arm, p.keepalive_idle).min(3600 * SEC))
                .max()
                .unwrap_or(0),
        };
        let dns_ttl = match &arm.kind {
            ArmKind::Route53(r) => r.ttl,
            ArmKind::GlobalAccelerator(g) => g.dns_ttl,
        };
        let resolver_life = crate::mixes::max_resolver_lifetime(w, dns_ttl);
        let stub = crate::mixes::max_stub_lifetime(&arm.clients, resolver_life);
        m = m.max(idle.saturating_add(stub));
    }
    // The cohort is formed from each client's last ok request before the failure: leave every
    // client about ten mean request gaps before the first failure (P(no request) = e^-10).
    if let Some(first) = w.failures.iter().map(|f| f.at).min() {
        let gaps = (10.0 * SEC as f64 / w.clients.request_rate) as Micros;
        m = m.max(gaps.saturating_sub(first));
    }
    m
}

fn failure_ref(w: &Workload, offset: Micros, end: Micros) -> Option<FailureRef> {
    let first = w.failures.iter().min_by_key(|f| f.at)?; // ties: first listed
    let at = first.at + offset;
    if at >= end {
        return None; // the loader refuses this; the engine stays total anyway
    }
    Some(FailureRef {
        at,
        region: first.region,
        window_end: first
            .recover_at
            .map_or(end, |r| (r + offset).min(end))
            .max(at),
    })
}

fn strategy(arm: &crate::config::Arm, w: &Workload, params: &crate::config::ModelParams) -> String {
    let lb = |region: usize| {
        let hc = &params.load_balancers[region].health_check;
        format!(
            "ELB target health {}s x {} (timeout {}s)",
            secs(hc.interval),
            hc.unhealthy_threshold,
            secs(hc.timeout)
        )
    };
    let r = match &arm.kind {
        ArmKind::Route53(r) => r,
        ArmKind::GlobalAccelerator(g) => {
            let groups: Vec<String> = g
                .endpoint_groups
                .iter()
                .map(|eg| format!("{} dial {}%", w.regions[eg.region].name, eg.traffic_dial))
                .collect();
            let health = match g.endpoint_type {
                EndpointType::Alb | EndpointType::Nlb => g
                    .endpoint_groups
                    .first()
                    .map_or_else(|| "no endpoint groups".into(), |eg| lb(eg.region)),
                EndpointType::Ec2 | EndpointType::Eip => format!(
                    "health checks {}s x {}",
                    secs(g.health_check.interval),
                    g.health_check.threshold
                ),
            };
            return format!(
                "Global Accelerator, {:?} endpoints [{}], {health}, affinity {:?}",
                g.endpoint_type,
                groups.join(", "),
                g.client_affinity
            );
        }
    };
    let policy = match r.policy {
        Policy::Latency => "latency",
        Policy::Weighted => "weighted",
        Policy::Failover => "failover",
        Policy::Geolocation => "geolocation",
        Policy::Multivalue => "multivalue",
        Policy::Geoproximity => "geoproximity",
    };
    let mut s = format!("Route 53 {policy}, TTL {}s", secs(r.ttl));
    let recs: Vec<String> = r
        .records
        .iter()
        .map(|rec| {
            let name = &w.regions[rec.region].name;
            match (r.policy, rec.role) {
                (Policy::Weighted, _) => format!("{name}={}", rec.weight),
                (_, Some(role)) => format!("{name} {}", format!("{role:?}").to_lowercase()),
                _ => name.clone(),
            }
        })
        .collect();
    s += &format!(" [{}]", recs.join(", "));
    if let Some(ctl) = &r.control {
        s += &format!(
            ", ARC flip of {} at {}s",
            w.regions[ctl.region].name,
            secs(ctl.flip_at)
        );
    } else if let Some(hc) = r.records.iter().find_map(|x| x.health_check.as_ref()) {
        s += &format!(
            ", health checks {}s x {}",
            secs(hc.interval),
            hc.failure_threshold
        );
    } else if let Some(rec) = r.records.iter().find(|x| x.evaluate_target_health) {
        s += &format!(", {}", lb(rec.region));
    } else {
        s += ", no health checks";
    }
    s
}

fn assumptions(w: &Workload, params: &crate::config::ModelParams) -> Vec<String> {
    let mut out = Vec::new();
    let arms = || {
        w.arms.iter().filter_map(|a| match &a.kind {
            ArmKind::Route53(r) => Some((a, r)),
            ArmKind::GlobalAccelerator(_) => None,
        })
    };
    let ga_arms = || {
        w.arms.iter().filter_map(|a| match &a.kind {
            ArmKind::GlobalAccelerator(g) => Some(g),
            ArmKind::Route53(_) => None,
        })
    };
    if arms().any(|(_, r)| r.propagation == Propagation::Default) {
        out.push(DEFAULT_PROPAGATION_TEXT.to_string());
    }
    if arms().any(|(_, r)| {
        r.control.is_none()
            && r.records.iter().any(|x| {
                x.health_check
                    .as_ref()
                    .is_some_and(|h| h.checkers_per_region.is_none())
            })
    }) {
        out.push(
            "Route 53 health checkers: 15 over the eight default checker regions (pro rata for \
             fewer), DERIVED from the documented ~2 s between requests at a 30 s interval; \
             AWS documents no checker count"
                .into(),
        );
    }
    if arms().any(|(a, r)| r.endpoint_type == EndpointType::Alb && a.clients.keepalive_idle > 0) {
        out.push(
            "Route 53 records point at Application Load Balancers (idle timeout 60 s caps \
             connection reuse) unless an arm sets endpoint_type"
                .into(),
        );
    }
    match w.clients.pattern {
        resolver_models::Pattern::Poisson => {}
        p @ resolver_models::Pattern::Stream { .. } => out.push(format!(
            "request pattern {}; ASSUMED: a stream's keep-alive pings hold it open under every \
             idle timeout (client, load balancer, accelerator), and a failed attempt closes it",
            p.text()
        )),
        p => out.push(format!(
            "request pattern {} (the process starts in its stationary state: renewal theory)",
            p.text()
        )),
    }
    if w.simulation.warm_start {
        out.push(
            "warm start: a resolver's cache entry is present at t0 with probability T/(T + 1/λ) \
             (λ = its clients' request rate, T = its effective TTL) and uniform remaining life"
                .into(),
        );
    }
    if ga_arms().any(|g| g.propagation == Propagation::Default)
        && !arms().any(|(_, r)| r.propagation == Propagation::Default)
    {
        out.push(DEFAULT_PROPAGATION_TEXT.to_string());
    }
    if ga_arms().any(|g| matches!(g.endpoint_type, EndpointType::Ec2 | EndpointType::Eip)) {
        out.push(crate::ga::GA_CHECKER_ASSUMPTION.into());
    }
    if ga_arms().any(|g| matches!(g.endpoint_type, EndpointType::Alb | EndpointType::Nlb)) {
        out.push(crate::ga::GA_LB_ASSUMPTION.into());
    }
    let eth = arms().any(|(_, r)| r.records.iter().any(|x| x.evaluate_target_health));
    if eth {
        out.push(
            "Route 53 alias records with evaluate_target_health follow the region's ELB target \
             health (the same timeline Global Accelerator alb/nlb endpoints read), ASSUMED to \
             reach Route 53 after the health propagation delay"
                .into(),
        );
    }
    let ga_lb = ga_arms().any(|g| matches!(g.endpoint_type, EndpointType::Alb | EndpointType::Nlb));
    if eth || ga_lb {
        out.push(params.lb_probers.text());
    }
    if arms().any(|(_, r)| r.policy == Policy::Geolocation) {
        out.push(format!(
            "negative caching (RFC 2308): a no-answer is cached min(SOA TTL {} s, SOA MINIMUM {} \
             s), then under each resolver program's own cap (Unbound 3600 s, BIND 10800 s by \
             default; none for a generic resolver)",
            secs(params.negative.soa_ttl),
            secs(params.negative.soa_minimum)
        ));
    }
    // The latency line below states the default (TLS 1.3, one round trip); another value is
    // printed on its own.
    if params.tls_round_trips != 1 {
        out.push(format!(
            "TLS: {} round trip(s) on every new connection, terminated at the region's load \
             balancer for every arm",
            params.tls_round_trips
        ));
    }
    if arms().any(|(_, r)| r.records.iter().any(|x| x.calculated.is_some())) {
        out.push(crate::controlplane::CALCULATED_PARENT_TEXT.into());
    }
    if arms().any(|(_, r)| r.policy == Policy::Multivalue) {
        out.push(crate::controlplane::MULTIVALUE_ORDER_TEXT.into());
    }
    if arms().any(|(_, r)| r.policy == Policy::Geolocation) {
        out.push(crate::controlplane::GEOLOCATION_TEXT.into());
    }
    if arms().any(|(_, r)| r.policy == Policy::Geoproximity) {
        out.push(crate::controlplane::GEOPROXIMITY_TEXT.into());
    }
    if ga_arms().next().is_some() {
        out.extend(params.ga.text());
        out.push(
            "Global Accelerator edges: 72 CloudFront edge cities as an ASSUMED superset of GA's \
             (AWS's own GA list was not readable); anycast catchment from Calder et al. 2015: 19 % \
             of clients on a non-nearest edge with a lognormal RTT penalty (median 16 ms; the \
             split between 2nd and 3rd nearest is ASSUMED 2/3 : 1/3)"
                .into(),
        );
        out.push(format!(
            "FAIRNESS: GA's latency edge comes from the AWS backbone stretch (1.7, fitted to \
                 Imaoka 2019 inter-region RTTs) being lower than the public-Internet stretch \
                 ({}{}); both are averages, so per-path differences are not modelled",
            w.clients.path_stretch,
            if w.clients.path_stretch == crate::latency::INTERNET_PATH_STRETCH {
                ", Bozkurt et al. 2018"
            } else {
                ", clients.path_stretch; the sourced value is 2.1, Bozkurt et al. 2018"
            }
        ));
    }
    if w.actions
        .iter()
        .any(|a| matches!(a.target, ActionTarget::RecordWeight { .. }))
        && arms().any(|(_, r)| r.propagation == Propagation::Default)
    {
        out.push(
            "timed record changes reach each resolver's Route 53 location after a delay ASSUMED \
             uniform on [0 s, 60 s] (AWS: changes \"generally propagate to all Route 53 name \
             servers within 60 seconds\")"
                .into(),
        );
    }
    out.push("resolvers of a class each serve an equal share of the class's clients".into());
    let latency_text = format!(
        "latency: client areas are 40 points weighted by Internet users (Our World in Data \
         2020); resolvers sit with their clients; RTT = great circle x {} stretch / fibre speed \
         + 15 ms access (ASSUMED within FCC MBA's 7-34 ms); requests pay DNS (15 ms to the \
         resolver, + 20 ms ASSUMED to Route 53 on a miss), TCP + TLS 1.3 handshakes (ASSUMED) on \
         new connections and one exchange round trip; server time is not modelled",
        w.clients.path_stretch
    );
    let placements = crate::population::placement_assumptions(w);
    if placements.is_empty() {
        out.push(latency_text);
    } else {
        out.push(latency_text.replace(
            "resolvers sit with their clients; ",
            "local resolvers sit with their clients, others as below (a client's round trip to \
             a PoP or central resolver follows the same RTT model); ",
        ));
        out.extend(placements);
    }
    out.extend(crate::cost::assumptions(w));
    out.extend(crate::overload::assumptions(w));
    out.extend(crate::mixes::assumptions(w));
    for arm in &w.arms {
        if let ArmKind::Route53(r53) = &arm.kind
            && let Some(ctl) = &r53.control
            && ctl.refused(&r53.records)
        {
            out.push(format!(
                "arm {:?}: ARC refuses its flip of {} (assertion rule ATLEAST {} of the arm's \
                 cells ON; ARC-API AssertionRule), so its answers never change",
                arm.name,
                w.regions[ctl.region].name,
                ctl.at_least.unwrap_or(0)
            ));
        }
    }
    for c in &w.resolvers {
        if let crate::config::CacheClock::WholeSeconds { inclusive } = c.clock {
            out.push(format!(
                "resolver class {:?}: a real program's whole-second cache clock (entries stored at \
                 floor(t){}; measured, toolchain-and-resolvers.md section 4); its warm start uses \
                 the nominal lifetime",
                c.name,
                if inclusive {
                    ", answering while the TTL reads 0 for one second more"
                } else {
                    ", dropped when the TTL reads 0"
                }
            ));
        }
        if let Some(d) = c.display.describe() {
            out.push(format!(
                "resolver class {:?}: stubs behind it get the TTL the program shows: {d} \
                 (measured live under a floor, docs/live-validation.md; with a cap below the \
                 record's TTL, at most the lifetime, ASSUMED)",
                c.name
            ));
        }
    }
    out
}

/// Every shard of a one-pass arm in parallel, merged by exact sums. Each of rayon's pieces of
/// work runs its shards into one accumulator (`sim::run_shard_into`), so results are
/// allocated per piece, not per shard; the sums are the same however the work is split.
fn one_pass_shards(
    ctx: &ArmContext<'_>,
    shards: &[crate::population::ShardSpec],
    nbins: usize,
    cancelled: &(dyn Fn() -> bool + Sync),
    done: &AtomicU64,
    total: u64,
    progress: &(dyn Fn(u64, u64) + Sync),
) -> crate::sim::ShardResult {
    shards
        .par_iter()
        .fold(
            || crate::sim::Accumulator::new(nbins),
            |acc, spec| {
                if cancelled() {
                    return acc;
                }
                let r = crate::sim::run_shard_into(ctx, spec, acc);
                progress(done.fetch_add(1, Ordering::Relaxed) + 1, total);
                r
            },
        )
        .map(|acc| acc.result)
        .reduce(
            || crate::sim::ShardResult::empty(nbins),
            |mut a, b| {
                a.merge(&b);
                a
            },
        )
}

/// `act_s` of one arm (METRICS.md): per cohort client, when the change that detected the
/// failure reaches the authoritative location answering its resolver (Route 53, ARC) or the
/// edge carrying its connections (Global Accelerator); `None` without a detection.
fn act(
    arm: &crate::config::Arm,
    control: &ArmControl,
    keys: &[(u64, u64)],
    f: FailureRef,
) -> Option<crate::metrics::Act> {
    let rel = |t: Micros| (t as f64 - f.at as f64) / 1e6;
    let values: Vec<(f64, u64)> = match (&arm.kind, control) {
        (ArmKind::Route53(r53), ArmControl::Route53(c)) => {
            let region = match &r53.control {
                Some(ctl) if ctl.region == f.region && !ctl.refused(&r53.records) => ctl.region,
                Some(_) => return None,
                None => f.region,
            };
            let rec = r53.records.iter().position(|r| r.region == region)?;
            keys.iter()
                .map(|&(rid, n)| Some((rel(c.act_at(rec, rid, f.at)?), n)))
                .collect::<Option<_>>()?
        }
        (_, ArmControl::GlobalAccelerator(g)) => {
            let grp = g.groups.iter().position(|x| x.region == f.region)?;
            keys.iter()
                .map(|&(edge, n)| Some((rel(g.act_at(grp, edge as usize, f.at)?), n)))
                .collect::<Option<_>>()?
        }
        _ => unreachable!("control matches the arm kind"),
    };
    crate::metrics::Act::from_weighted(values)
}

/// Run a workload with its own model parameters, or the defaults ([`ModelParams::of`](crate::config::ModelParams::of)).
pub fn run(
    w: &Workload,
    opts: &RunOptions<'_>,
    progress: &(dyn Fn(u64, u64) + Sync),
) -> Result<RunOutput, RunError> {
    run_with(w, &crate::config::ModelParams::of(w), opts, progress)
}

/// Run a workload with the given model parameters (validated: [`ModelParams::validate`](crate::config::ModelParams::validate)).
pub fn run_with(
    w: &Workload,
    params: &crate::config::ModelParams,
    opts: &RunOptions<'_>,
    progress: &(dyn Fn(u64, u64) + Sync),
) -> Result<RunOutput, RunError> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(opts.threads)
        .build()
        .map_err(|e| RunError::Threads(e.to_string()))?;
    let threads = pool.current_num_threads();
    pool.install(|| run_in_pool(w, params, opts, progress))
        .map(|mut o| {
            o.threads = threads;
            o
        })
}

/// Arm `arm_index`'s control plane over `world` (ground truth, and in lockstep the overload
/// state known so far), with health timelines up to `end`, its scheduled actions applied.
fn arm_control(
    w: &Workload,
    arm_index: usize,
    geo: &Geo,
    world: &World,
    end: Micros,
) -> ArmControl {
    let offset = warmup(w);
    let arm = &w.arms[arm_index];
    let actions = w.actions.iter().filter(|a| a.arm == arm_index);
    match &arm.kind {
        ArmKind::Route53(r53) => {
            let weights: Vec<(Micros, usize, u32)> = actions
                .filter_map(|a| match a.target {
                    ActionTarget::RecordWeight { record, weight } => {
                        Some((a.at + offset, record, weight))
                    }
                    ActionTarget::TrafficDial { .. } => None,
                })
                .collect();
            let c = Route53Control::new(
                r53,
                world,
                offset,
                end,
                w.simulation.seed,
                w.simulation.warm_start,
            );
            let c = if r53.policy == Policy::Latency {
                let regions: Vec<usize> = r53.records.iter().map(|r| r.region).collect();
                c.with_latency_order(geo.latency_order(&regions))
            } else if r53.policy == Policy::Geolocation {
                c.with_geo_chains(crate::controlplane::geolocation_chains_for(
                    &r53.records,
                    &geo.place_geolocations(),
                ))
            } else if r53.policy == Policy::Geoproximity {
                // The proximity order takes the latency order's place: the same answer rule
                // (nearest healthy, else the nearest), another distance.
                c.with_latency_order(crate::controlplane::geoproximity_order(
                    &r53.records,
                    &geo.place_points(),
                ))
            } else {
                c
            };
            ArmControl::Route53(c.with_weight_changes(&weights))
        }
        ArmKind::GlobalAccelerator(ga) => {
            let dials: Vec<(Micros, usize, f64)> = actions
                .filter_map(|a| match a.target {
                    ActionTarget::TrafficDial { group, dial } => Some((a.at + offset, group, dial)),
                    ActionTarget::RecordWeight { .. } => None,
                })
                .collect();
            let regions: Vec<usize> = ga.endpoint_groups.iter().map(|g| g.region).collect();
            ArmControl::GlobalAccelerator(
                GaControl::new(
                    ga,
                    world,
                    geo.edge_order(&regions),
                    end,
                    w.simulation.seed,
                    w.simulation.warm_start,
                )
                .with_dial_changes(&dials),
            )
        }
    }
}

/// Internal-time µs from the failure to its detection: Route 53, the failed region's record
/// turns unhealthy (or its ARC routing control flips); GA, the failed region's endpoint group
/// turns unhealthy. `None` when that does not happen in the run.
fn detection_us(
    arm: &crate::config::Arm,
    control: &ArmControl,
    f: FailureRef,
    offset: Micros,
) -> Option<f64> {
    match (&arm.kind, control) {
        (ArmKind::Route53(r53), ArmControl::Route53(c)) => match &r53.control {
            Some(ctl) if ctl.region == f.region && !ctl.refused(&r53.records) => {
                Some((ctl.flip_at + offset) as f64 - f.at as f64)
            }
            Some(_) => None,
            None => r53
                .records
                .iter()
                .position(|rec| rec.region == f.region)
                .and_then(|i| c.first_unhealthy_at_or_after(i, f.at))
                .map(|t| t as f64 - f.at as f64),
        },
        (_, ArmControl::GlobalAccelerator(g)) => g
            .groups
            .iter()
            .position(|grp| grp.region == f.region)
            .and_then(|i| g.first_unhealthy_at_or_after(i, f.at))
            .map(|t| t as f64 - f.at as f64),
        _ => unreachable!("control matches the arm kind"),
    }
}

/// One arm's figures (summary.json) from its merged shard result and its control plane (in
/// lockstep, the last step's, whose timelines cover the whole run).
#[allow(clippy::too_many_arguments)]
fn arm_summary(
    w: &Workload,
    params: &crate::config::ModelParams,
    arm: &crate::config::Arm,
    geo: &Geo,
    layout: &Layout,
    control: &ArmControl,
    result: &crate::sim::ShardResult,
    failure: Option<FailureRef>,
) -> ArmSummary {
    let offset = warmup(w);
    let (start, bin) = (offset, w.simulation.bin);
    let total: Bin = result.bins.iter().sum();
    let (detection_s, converge_s, stale_converge_s, rto_s, stale_until_s, cohort_clients) =
        match failure {
            None => (
                None,
                Converge::NULL,
                Converge::NULL,
                Rto::NULL,
                StaleUntil::NULL,
                None,
            ),
            Some(f) => {
                let detection = detection_us(arm, control, f, offset);
                let (fa, we) = (f.at - start, f.window_end - start);
                (
                    detection.map(|us| (us / 1000.0).round() / 1000.0),
                    Converge::compute(&result.bins, bin, fa, we, ConvergeOn::Ok),
                    Converge::compute(&result.bins, bin, fa, we, ConvergeOn::NotStale),
                    Rto::from_histogram(&result.rto, result.never_recovered, f.window_end - f.at),
                    StaleUntil::from_histogram(
                        &result.stale_until,
                        result.never_left,
                        f.window_end - f.at,
                    ),
                    Some(result.cohort_clients),
                )
            }
        };
    ArmSummary {
        name: arm.name.clone(),
        requests: total.requests,
        ok: total.ok,
        failed: total.failed,
        attempts: total.attempts,
        cohort_clients,
        detection_s,
        act_s: failure.and_then(|f| act(arm, control, &result.cohort_keys, f)),
        converge_s,
        stale_converge_s,
        rto_s,
        stale_until_s,
        latency_ms: Latency::from_histogram(&result.latency),
        failure_latency_ms: Latency::from_histogram(&result.failure_latency),
        auth_queries: total.auth_queries,
        cost_usd_month: Some(crate::cost::arm_cost_usd_month(
            w,
            arm,
            geo,
            layout,
            &result.bins,
            bin,
            failure.map(|f| f.at - start),
        )),
        strategy: strategy(arm, w, params),
        client_overrides: arm.client_overrides.clone(),
    }
}

/// One arm's distributions.csv rows.
fn arm_distributions(
    name: &str,
    result: &crate::sim::ShardResult,
    failure: Option<FailureRef>,
) -> ArmDistributions {
    ArmDistributions {
        name: name.to_string(),
        rto: match failure {
            Some(f) => {
                let window = f.window_end - f.at;
                quantiles(&result.rto, |v| secs(v.min(window)))
            }
            None => Vec::new(),
        },
        stale_until: match failure {
            Some(f) => {
                let window = f.window_end - f.at;
                quantiles(&result.stale_until, |v| secs(v.min(window)))
            }
            None => Vec::new(),
        },
        latency: quantiles(&result.latency, |v| (v as f64 / 100.0).round() / 10.0),
    }
}

/// The resolver shards of `w`'s population under `opts` (the units a run cut by index
/// divides: shard k goes to index k mod S), one-pass runs only.
pub fn shard_count(w: &Workload, opts: &RunOptions<'_>) -> usize {
    Layout::new(w).shards(opts.shard_clients.max(1)).len()
}

/// Runs only the resolver shards `select` keeps (by their index in the layout, see
/// [`shard_count`]) of every arm and returns, per arm, their exact merge, not finalised:
/// [`finalise`] of the merge of every shard's partial equals [`run`]'s output. Lockstep
/// workloads (any region with `capacity_rps`) are refused: their shards need a barrier per bin.
pub fn run_partial(
    w: &Workload,
    params: &crate::config::ModelParams,
    opts: &RunOptions<'_>,
    select: &(dyn Fn(usize) -> bool + Sync),
    progress: &(dyn Fn(u64, u64) + Sync),
) -> Result<Vec<crate::sim::ShardResult>, RunError> {
    if crate::overload::lockstep(w) {
        return Err(RunError::Unsupported(
            "a region has capacity_rps (lockstep: every shard waits for the others at each \
             curve bin), so the run cannot be cut by index; run it on one machine"
                .to_string(),
        ));
    }
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(opts.threads)
        .build()
        .map_err(|e| RunError::Threads(e.to_string()))?;
    pool.install(|| {
        let p = Prepared::new(w, params);
        let shards: Vec<_> = p
            .layout
            .shards(opts.shard_clients.max(1))
            .into_iter()
            .enumerate()
            .filter(|(k, _)| select(*k))
            .map(|(_, s)| s)
            .collect();
        let total = (shards.len() * w.arms.len()) as u64;
        let done = AtomicU64::new(0);
        let cancelled = || opts.cancel.is_some_and(|c| c.load(Ordering::Relaxed));
        let mut out = Vec::new();
        for arm_index in 0..w.arms.len() {
            let control = arm_control(w, arm_index, &p.geo, &p.world, p.end);
            let mixes = arm_mixes(w, &w.arms[arm_index], &p.params);
            let ctx = p.context(w, arm_index, &control, &mixes, opts.run_ahead);
            let r = one_pass_shards(&ctx, &shards, p.nbins, &cancelled, &done, total, progress);
            if cancelled() {
                return Err(RunError::Cancelled);
            }
            out.push(r);
        }
        Ok(out)
    })
}

/// The output of a one-pass run from its per-arm merged shard results (every shard's, merged
/// in any order): what [`run`] returns, `threads` 0.
pub fn finalise(
    w: &Workload,
    params: &crate::config::ModelParams,
    results: Vec<crate::sim::ShardResult>,
) -> RunOutput {
    let arms = results.into_iter().map(|r| (r, None)).collect();
    finish(w, &Prepared::new(w, params), arms, Vec::new())
}

/// What every arm of a run shares: the clock, ground truth, layout and geography.
struct Prepared {
    start: Micros,
    end: Micros,
    bin: Micros,
    nbins: usize,
    world: World,
    failure: Option<FailureRef>,
    layout: Layout,
    geo: Geo,
    classes: Vec<resolver_models::ResolverBehaviour>,
    params: crate::config::ModelParams,
}

impl Prepared {
    fn new(w: &Workload, params: &crate::config::ModelParams) -> Prepared {
        let offset = warmup(w);
        let end = offset + w.simulation.duration;
        Prepared {
            start: offset,
            end,
            bin: w.simulation.bin,
            nbins: w.simulation.duration.div_ceil(w.simulation.bin) as usize,
            world: World::with_params(w, offset, params.clone()),
            failure: failure_ref(w, offset, end),
            layout: Layout::new(w),
            geo: Geo::new(w),
            classes: w.resolvers.iter().map(|c| c.behaviour()).collect(),
            params: params.clone(),
        }
    }

    fn context<'a>(
        &'a self,
        w: &'a Workload,
        arm_index: usize,
        control: &'a ArmControl,
        mixes: &'a crate::mixes::Mixes,
        run_ahead: bool,
    ) -> ArmContext<'a> {
        let arm = &w.arms[arm_index];
        ArmContext {
            control,
            geo: &self.geo,
            world: &self.world,
            clients: &arm.clients,
            classes: &self.classes,
            mixes,
            seed: w.simulation.seed,
            start: self.start,
            end: self.end,
            bin: self.bin,
            nbins: self.nbins,
            failure: self.failure,
            warm: w.simulation.warm_start,
            overload: None,
            run_ahead,
        }
    }
}

/// The output from each arm's merged result and, when the run built it, its control plane
/// (else rebuilt: a one-pass arm's is a function of the workload).
fn finish(
    w: &Workload,
    p: &Prepared,
    results: Vec<(crate::sim::ShardResult, Option<ArmControl>)>,
    loads: Vec<crate::overload::ArmLoad>,
) -> RunOutput {
    let failure = p.failure;
    let class_clients: Vec<u64> = p.layout.classes.iter().map(|c| c.clients).collect();
    let mut arms = Vec::new();
    let mut curves = Vec::new();
    let mut distributions = Vec::new();
    let mut classes_out = Vec::new();
    let (mut events, mut ran_ahead) = (0, 0);
    for (arm_index, (result, control)) in results.into_iter().enumerate() {
        let arm = &w.arms[arm_index];
        let control = control.unwrap_or_else(|| arm_control(w, arm_index, &p.geo, &p.world, p.end));
        events += result.events;
        ran_ahead += result.ran_ahead;
        arms.push(arm_summary(
            w, &p.params, arm, &p.geo, &p.layout, &control, &result, failure,
        ));
        classes_out.extend(crate::classes::class_figures(
            w,
            &arm.name,
            &result,
            failure.map(|f| f.window_end - f.at),
            &class_clients,
        ));
        distributions.push(arm_distributions(&arm.name, &result, failure));
        curves.push(ArmCurve {
            name: arm.name.clone(),
            bins: result.bins,
        });
    }
    let start = p.start;
    let summary = Summary {
        workload: w.name.clone(),
        seed: w.simulation.seed,
        clients: w.simulation.clients,
        duration_s: secs(w.simulation.duration),
        failure_at_s: failure.map(|f| secs(f.at - start)),
        window_end_s: failure.map(|f| secs(f.window_end - start)),
        arms,
        assumptions: assumptions(w, &p.params),
        gtsim_version: env!("CARGO_PKG_VERSION").to_string(),
    };
    RunOutput {
        summary,
        curves,
        distributions,
        classes: classes_out,
        loads,
        bin: p.bin,
        events,
        ran_ahead,
        threads: 0,
    }
}

fn run_in_pool(
    w: &Workload,
    params: &crate::config::ModelParams,
    opts: &RunOptions<'_>,
    progress: &(dyn Fn(u64, u64) + Sync),
) -> Result<RunOutput, RunError> {
    let p = Prepared::new(w, params);
    // Lockstep shards all stay alive for the whole run (one-pass shards are merged as they
    // finish), so they are made larger: fewer copies of the per-shard histograms (see
    // `lockstep::LOCKSTEP_SHARD_FACTOR`). Results do not depend on shard size.
    let shard_clients = if crate::overload::lockstep(w) {
        opts.shard_clients
            .saturating_mul(crate::lockstep::LOCKSTEP_SHARD_FACTOR)
    } else {
        opts.shard_clients
    };
    let shards = p.layout.shards(shard_clients.max(1));
    let total = (shards.len() * w.arms.len()) as u64;
    let done = AtomicU64::new(0);
    let cancelled = || opts.cancel.is_some_and(|c| c.load(Ordering::Relaxed));

    let mut results = Vec::new();
    let mut loads = Vec::new();
    for (arm_index, arm) in w.arms.iter().enumerate() {
        let build = |world: &World, end: Micros| arm_control(w, arm_index, &p.geo, world, end);
        let lockstep = crate::overload::lockstep(w);
        // Lockstep arms build their control plane step by step (`lockstep::run_arm`); their
        // context `ctx` is the template of every step's, and its control plane has no health
        // timelines yet.
        let base_control = build(&p.world, if lockstep { 0 } else { p.end });
        let mixes = arm_mixes(w, arm, &p.params);
        let ctx = p.context(w, arm_index, &base_control, &mixes, opts.run_ahead);
        let (result, control) = if lockstep {
            let Some(r) =
                crate::lockstep::run_arm(w, arm, &ctx, &p.world, &shards, &build, opts.cancel)
            else {
                return Err(RunError::Cancelled);
            };
            progress(
                done.fetch_add(shards.len() as u64, Ordering::Relaxed) + shards.len() as u64,
                total,
            );
            loads.push(r.load);
            (r.result, r.control)
        } else {
            let result =
                one_pass_shards(&ctx, &shards, p.nbins, &cancelled, &done, total, progress);
            (result, base_control)
        };
        if cancelled() {
            return Err(RunError::Cancelled);
        }
        results.push((result, Some(control)));
    }
    Ok(finish(w, &p, results, loads))
}
