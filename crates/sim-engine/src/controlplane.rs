//! Route 53 control plane: health checks, ARC routing controls, propagation of status to the
//! authoritative locations, and the routing-policy answer.
//!
//! Everything here is computed once per arm before any client runs: the status timeline of each
//! record depends only on ground truth (the [`World`]) and the checkers, never on clients. That
//! is what lets client shards run independently. Sources are cited per constant; the research
//! notes are `shared/research/route53-ga.md` (abbreviated R53-DG / R53-API as there).

use crate::config::{HcProtocol, HealthCheck, Policy, ProbeKind, Propagation, Role, Route53Arm};
use crate::rng::{Rng, Stream};
use crate::world::World;
use crate::{Micros, SEC};

pub use crate::checkers::{CheckerRun, CheckerSpec, Timeline, simulate_checkers};

/// Number of Route 53 health checkers when checks run from all eight default regions.
///
/// DERIVED, not documented as a number: R53-DG `health-checks-creating-values.md` says that
/// with a 30 s interval "your endpoint will receive a health check request about every two
/// seconds", i.e. 30 s / 2 s = 15 checkers. A workload can set `checkers_per_region`.
pub const DEFAULT_CHECKERS_ALL_REGIONS: u32 = 15;

/// HTTP/HTTPS health check: the TCP connection must be established within four seconds
/// (R53-DG `dns-failover-determining-health-of-endpoints.md`). Under a blackhole a probe fails
/// when this runs out.
pub const HTTP_CONNECT_TIMEOUT: Micros = 4 * SEC;

/// TCP health check: connection within ten seconds (same source).
pub const TCP_CONNECT_TIMEOUT: Micros = 10 * SEC;

/// HTTP/HTTPS health check: "the endpoint must respond with an HTTP status code of 2xx or 3xx
/// within two seconds after connecting" (R53-DG `dns-failover-determining-health-of-endpoints.md`).
/// A region whose added latency exceeds it fails the probe, two seconds after connecting.
pub const HTTP_RESPONSE_BUDGET: Micros = 2 * SEC;

/// The response budget of a Route 53 (or Route 53-like GA) check after connecting: 2 s for
/// HTTP(S); a TCP check only connects, so added latency does not fail it.
pub fn response_budget(protocol: HcProtocol) -> Option<Micros> {
    match protocol {
        HcProtocol::Http | HcProtocol::Https => Some(HTTP_RESPONSE_BUDGET),
        HcProtocol::Tcp => None,
    }
}

/// ASSUMPTION (AWS publishes no figure): the delay from a health-status or routing-control
/// change to the answers of an authoritative location is uniform on `[0, 10 s]`, drawn
/// independently per (change, resolver). R53-DG `dns-failover-problems.md` says only that
/// checkers "are constantly sending health check statuses to all Route 53 locations". Used for
/// `propagation = "default"`; every report prints it.
pub const DEFAULT_PROPAGATION_MAX: Micros = 10 * SEC;

/// Upper end of the ASSUMED uniform delay for a record change (timed `[[actions]]`) to reach a
/// resolver's authoritative location: AWS says changes "generally propagate to all Route 53 name
/// servers within 60 seconds" (R53-API `ChangeResourceRecordSets`).
pub const RECORD_CHANGE_PROPAGATION_MAX: Micros = 60 * SEC;

/// Human-readable statement of the default-propagation assumption, for reports.
pub const DEFAULT_PROPAGATION_TEXT: &str = "propagation = \"default\": ASSUMED delay from a \
health/control status change to each resolver's Route 53 authoritative location, uniform on \
[0 s, 10 s], independent per change and resolver (AWS publishes no figure)";

/// The checkers of one health check: how many, from the checker-region list.
pub fn checker_count(hc: &HealthCheck) -> u32 {
    let regions = hc.checker_regions.len() as u32;
    match hc.checkers_per_region {
        Some(n) => n * regions,
        None => {
            let all = crate::geo::R53_CHECKER_REGIONS.len() as u32;
            // Pro rata to the documented default, rounded, at least one per region.
            ((DEFAULT_CHECKERS_ALL_REGIONS * regions + all / 2) / all).max(regions)
        }
    }
}

/// Probe timeout for a failed (blackholed) endpoint.
pub fn probe_timeout(protocol: HcProtocol) -> Micros {
    match protocol {
        HcProtocol::Http | HcProtocol::Https => HTTP_CONNECT_TIMEOUT,
        HcProtocol::Tcp => TCP_CONNECT_TIMEOUT,
    }
}

/// Simulate the Route 53 health checkers of one endpoint and return the aggregate status.
///
/// Model (R53-DG `dns-failover-determining-health-of-endpoints.md`, R53-API `RequestInterval`,
/// `FailureThreshold`):
/// - each checker probes independently ("don't coordinate"); phases are uniform over the
///   interval when `warm`, all zero otherwise;
/// - the interval runs from a probe's response (or timeout) to the next probe, so under a
///   blackhole each cycle lasts interval + probe timeout; a refused connection fails at once;
/// - each checker changes its verdict after `failure_threshold` consecutive opposite results
///   (the same threshold both ways);
/// - the endpoint is healthy while more than `healthy_fraction` (18 %) of checkers say so.
///
/// `entity` keys the checker phases: arms that check the same region with the same settings see
/// the same checkers (common random numbers).
pub fn simulate_health_check(
    hc: &HealthCheck,
    world: &World,
    region: usize,
    end: Micros,
    seed: u64,
    warm: bool,
) -> Timeline {
    if hc.disabled {
        // Route 53 stops probing (no checkers run) and the status is healthy, then inverted.
        return read_status(hc, vec![(0, true)]);
    }
    read_status(
        hc,
        simulate_checkers(&health_check_spec(hc), world, region, end, seed, warm),
    )
}

/// The status Route 53 uses from a check's aggregate status `tl`: `Disabled` makes it always
/// healthy ("Route 53 considers the status of the health check to always be healthy", R53-API
/// `HealthCheckConfig.Disabled`), and `Inverted` then flips it ("considers the health check to
/// be unhealthy when the status is healthy and vice versa", R53-DG `health-checks-invert.md`;
/// the Disabled text sends a user who wants to stop traffic to Inverted, so a disabled,
/// inverted check is always unhealthy).
pub fn read_status(hc: &HealthCheck, tl: Timeline) -> Timeline {
    let tl = if hc.disabled { vec![(0, true)] } else { tl };
    if hc.inverted {
        tl.into_iter().map(|(t, h)| (t, !h)).collect()
    } else {
        tl
    }
}

/// The checkers of a Route 53 health check (see [`simulate_health_check`]).
pub fn health_check_spec(hc: &HealthCheck) -> CheckerSpec {
    CheckerSpec {
        checkers: checker_count(hc),
        interval: hc.interval,
        down_threshold: hc.failure_threshold,
        up_threshold: hc.failure_threshold,
        timeout: probe_timeout(hc.protocol),
        healthy_fraction: hc.healthy_fraction,
        phase_stream: 0,
        deep: hc.deep,
        fixed_period: false,
        response_budget: response_budget(hc.protocol),
        kind: ProbeKind::Route53,
    }
}

/// Status of a calculated health check: healthy while at least `threshold` of the children's
/// timelines are healthy (R53-API `HealthThreshold`: "the number of child health checks ...
/// that Route 53 must consider healthy for the CALCULATED health check to be considered
/// healthy"; a threshold above the number of children is always unhealthy, 0 always healthy).
///
/// Timing of the parent: AWS documents none, so the parent is **ASSUMED** to change at the
/// instant its children's aggregate status does ([`CALCULATED_PARENT_DELAY`]); its status
/// then reaches the authoritative locations with the arm's `propagation`, like any check.
pub fn at_least_healthy(children: &[Timeline], threshold: u32) -> Timeline {
    let mut times: Vec<Micros> = children.iter().flatten().map(|&(t, _)| t).collect();
    times.push(0);
    times.sort_unstable();
    times.dedup();
    let at = |tl: &Timeline, t: Micros| {
        tl.iter()
            .rev()
            .find(|&&(tc, _)| tc <= t)
            .is_none_or(|&(_, h)| h)
    };
    let mut out: Timeline = Vec::new();
    for t in times {
        let healthy = children.iter().filter(|tl| at(tl, t)).count() as u32;
        let h = healthy >= threshold;
        if out.last().is_none_or(|&(_, last)| last != h) {
            out.push((t + CALCULATED_PARENT_DELAY, h));
        }
    }
    out
}

/// **ASSUMED** (no published figure): delay from a child's status change to its calculated
/// parent's. Zero: the parent is a function of the children's statuses.
pub const CALCULATED_PARENT_DELAY: Micros = 0;

/// Human-readable statement of the calculated-check timing assumption, for reports.
pub const CALCULATED_PARENT_TEXT: &str = "calculated health checks: ASSUMED to change status at the instant their children's count crosses HealthThreshold (AWS publishes no parent delay); child checks are simulated like any endpoint check";

/// The timeline of a calculated check over its children's simulated endpoint checks.
pub fn simulate_calculated(
    calc: &crate::config::CalculatedCheck,
    world: &World,
    end: Micros,
    seed: u64,
    warm: bool,
) -> Timeline {
    let children: Vec<Timeline> = calc
        .children
        .iter()
        .map(|c| simulate_health_check(&c.check, world, c.region, end, seed, warm))
        .collect();
    at_least_healthy(&children, calc.threshold)
}

/// The timeline of "both healthy" from two status timelines.
pub fn both_healthy(a: &Timeline, b: &Timeline) -> Timeline {
    let mut times: Vec<Micros> = a.iter().chain(b.iter()).map(|&(t, _)| t).collect();
    times.sort_unstable();
    times.dedup();
    let at = |tl: &Timeline, t: Micros| {
        tl.iter()
            .rev()
            .find(|&&(tc, _)| tc <= t)
            .is_none_or(|&(_, h)| h)
    };
    let mut out: Timeline = Vec::new();
    for t in times {
        let h = at(a, t) && at(b, t);
        if out.last().is_none_or(|&(_, last)| last != h) {
            out.push((t, h));
        }
    }
    out
}

/// A record as the answer function sees it.
#[derive(Debug, Clone, Copy)]
pub struct RecordView {
    pub region: usize,
    pub weight: u32,
    pub role: Option<Role>,
}

/// Maximum records in one arm's record set (Route 53 allows at most 100 weighted records per
/// name and type: R53-DG `routing-policy-weighted.md`).
pub const MAX_RECORDS: usize = 100;

/// An authoritative answer as the hot loop caches it. For latency, weighted, failover and
/// geolocation it is a record index; for multivalue, bits 0-15 are the set of records in the
/// response and bits 16-31 the key of their order (see [`Route53Control::address`]).
pub type Answer = u32;

/// Geolocation with no matching record and no default record: Route 53 returns no answer
/// (NODATA; R53-DG `routing-policy-geo.md`). The client gets no address.
pub const NO_ANSWER: Answer = u32::MAX;

/// Multivalue: "Route 53 responds to DNS queries with up to eight healthy records" (R53-DG
/// `routing-policy-multivalue.md`; R53-API `MultiValueAnswer`).
pub const MULTIVALUE_MAX_ANSWERS: usize = 8;

/// Statement of the multivalue client model, for reports.
pub const MULTIVALUE_ORDER_TEXT: &str = "multivalue answers: the records of a response are in \
a random order drawn per response (ASSUMED: AWS documents the random choice of records, not \
their order) and every client of a resolver tries them in that order; a failed connect \
(timeout or refusal) moves to the next address as a new attempt, not a retry; an error \
response or a timeout on an open connection does not";

/// Statement of the geolocation location model, for reports.
pub const GEOLOCATION_TEXT: &str = "geolocation: Route 53 sees the place latency routing sees \
(the resolver's site, or with ECS the client's area; a PoP or central resolver site as its \
nearest client area, ASSUMED), geolocated to the country of the area's metro and the area's continent (Our World in Data \
grouping, ASSUMED to match Route 53's continent list); when every matching record is unhealthy \
the most specific one is answered (fail open); a query with no match and no default record gets \
no answer, and the request fails";

/// Multivalue record sets are limited to 16 records here (the answer's record set is a 16-bit
/// mask); Route 53 itself allows more. The loader refuses more with "not supported yet".
pub const MAX_MULTIVALUE_RECORDS: usize = 16;

/// One Route 53 arm's control plane: record statuses over time and the policy answer.
#[derive(Debug, Clone)]
pub struct Route53Control {
    pub policy: Policy,
    pub ttl: Micros,
    pub records: Vec<RecordView>,
    /// Per record: its status timeline (health check, or routing control under ARC).
    pub status: Vec<Timeline>,
    propagation: Propagation,
    prop_rng: Rng,
    weight_rng: Rng,
    primary: usize,
    secondary: usize,
    /// Latency policy: `[area]` → record indices by Route 53's latency measurement from that
    /// area, lowest first (set with [`Route53Control::with_latency_order`]).
    latency_order: Vec<Vec<u8>>,
    /// Per record: `(internal time, weight)`, the workload's weight at time 0 first.
    weight_changes: Vec<Vec<(Micros, u32)>>,
    /// Multivalue: which records a response carries, and their order.
    multi_rng: Rng,
    order_rng: Rng,
    /// Geolocation: `[area]` → the matching records, most specific first (subdivision,
    /// country, continent, default; `u8::MAX` = none), set with
    /// [`Route53Control::with_geo_chains`].
    geo_chain: Vec<GeoChain>,
}

impl Route53Control {
    /// Build the control plane of a Route 53 arm on internal time (`offset` = warm-up length).
    pub fn new(
        arm: &Route53Arm,
        world: &World,
        offset: Micros,
        end: Micros,
        seed: u64,
        warm: bool,
    ) -> Route53Control {
        assert!(arm.records.len() <= MAX_RECORDS && !arm.records.is_empty());
        let records: Vec<RecordView> = arm
            .records
            .iter()
            .map(|r| RecordView {
                region: r.region,
                weight: r.weight,
                role: r.role,
            })
            .collect();
        let status: Vec<Timeline> = match &arm.control {
            // ARC: each record's RECOVERY_CONTROL health check follows its routing control, and
            // endpoint health checks are not used for routing (R53-API `HealthCheckConfig`
            // RoutingControlArn; ARC-DG "About routing control": ON = healthy, OFF = unhealthy).
            // A flip the assertion safety rule refuses never happens (ARC-API `AssertionRule`).
            Some(ctl) => records
                .iter()
                .map(|r| {
                    let mut tl = vec![(0, true)];
                    if r.region == ctl.region && !ctl.refused(&arm.records) {
                        tl.push((ctl.flip_at + offset, false));
                        if let Some(back) = ctl.flip_back_at {
                            tl.push((back + offset, true));
                        }
                    }
                    tl
                })
                .collect(),
            None => arm
                .records
                .iter()
                .map(|r| {
                    // Records without a health check (and not evaluating target health) are
                    // always healthy (R53-DG `health-checks-how-route-53-chooses-records.md`).
                    let own = match (&r.health_check, &r.calculated) {
                        (Some(hc), _) => {
                            Some(simulate_health_check(hc, world, r.region, end, seed, warm))
                        }
                        (None, Some(calc)) => {
                            Some(simulate_calculated(calc, world, end, seed, warm))
                        }
                        (None, None) => None,
                    };
                    // An alias to a load balancer with evaluate_target_health: healthy only while
                    // the load balancer has a healthy target (R53-API `EvaluateTargetHealth`),
                    // from the region's ONE target-health timeline (`elb.rs`, the same one GA
                    // alb/nlb endpoints read); with a health check as well, both must be healthy.
                    let target = r
                        .evaluate_target_health
                        .then(|| crate::elb::target_health(world, r.region, end, seed, warm));
                    match (own, target) {
                        (None, None) => vec![(0, true)],
                        (Some(a), None) | (None, Some(a)) => a,
                        (Some(a), Some(b)) => both_healthy(&a, &b),
                    }
                })
                .collect(),
        };
        let find = |role| {
            records
                .iter()
                .position(|r| r.role == Some(role))
                .unwrap_or(0)
        };
        let (primary, secondary) = (find(Role::Primary), find(Role::Secondary));
        Route53Control {
            policy: arm.policy,
            ttl: arm.ttl,
            records,
            status,
            propagation: arm.propagation,
            prop_rng: Rng::new(seed, Stream::Propagation),
            weight_rng: Rng::new(seed, Stream::WeightedChoice),
            primary,
            secondary,
            latency_order: Vec::new(),
            weight_changes: arm.records.iter().map(|r| vec![(0, r.weight)]).collect(),
            multi_rng: Rng::new(seed, Stream::MultivalueChoice),
            order_rng: Rng::new(seed, Stream::MultivalueOrder),
            geo_chain: Vec::new(),
        }
    }

    /// Give the geolocation policy its per-area matching records (see [`geolocation_chains`]).
    pub fn with_geo_chains(mut self, chains: Vec<GeoChain>) -> Route53Control {
        self.geo_chain = chains;
        self
    }

    /// Give the latency policy its per-area record order (from the latency model: Route 53's
    /// own latency database is not published, R53-DG `routing-policy-latency.md`), or the
    /// geoproximity policy its per-area order by biased distance ([`geoproximity_order`]).
    pub fn with_latency_order(mut self, order: Vec<Vec<u8>>) -> Route53Control {
        self.latency_order = order;
        self
    }

    /// Propagation delay of change `change` of record `rec` to `resolver`'s authoritative location.
    #[inline]
    fn delay(&self, resolver: u64, rec: usize, change: usize) -> Micros {
        match self.propagation {
            Propagation::Fixed(d) => d,
            Propagation::Default => {
                let u = self
                    .prop_rng
                    .uniform(resolver, ((rec as u64) << 32) | change as u64);
                (u * DEFAULT_PROPAGATION_MAX as f64) as Micros
            }
        }
    }

    /// The status of record `rec` as `resolver`'s authoritative location sees it at `t`.
    #[inline]
    pub fn healthy_view(&self, rec: usize, resolver: u64, t: Micros) -> bool {
        let tl = &self.status[rec];
        for (i, &(tc, h)) in tl.iter().enumerate().rev() {
            if i == 0 || tc + self.delay(resolver, rec, i) <= t {
                return h;
            }
        }
        true
    }

    /// The answer Route 53 gives a query from `resolver` at `t` (its `query`-th query, which
    /// keys the weighted and multivalue draws). `area` is the location Route 53 sees for the
    /// query (the resolver's site, or the client's area with ECS: `Geo::class_seen`).
    pub fn answer(&self, resolver: u64, area: usize, query: u64, t: Micros) -> Answer {
        match self.policy {
            Policy::Failover => self.answer_failover(resolver, t) as Answer,
            Policy::Weighted => self.answer_weighted(resolver, query, t) as Answer,
            // Geoproximity "routes traffic to the closest resource that is available" (R53-DG
            // `routing-policy-geoproximity.md`): latency's rule over the biased-distance order.
            Policy::Latency | Policy::Geoproximity => {
                self.answer_latency(resolver, area, t) as Answer
            }
            Policy::Geolocation => self.answer_geolocation(resolver, area, t),
            Policy::Multivalue => self.answer_multivalue(resolver, query, t),
        }
    }

    /// The record of the `k`-th address (0 = first) of `answer`, in the order the client tries
    /// them; `None` past the last address (or for [`NO_ANSWER`]). Single-record policies have
    /// one address. Multivalue: the records of the response in a random order drawn per
    /// response (ASSUMED: AWS documents the random choice of records, not their order; a
    /// uniform shuffle keyed by the answer's order key, Fisher-Yates over the record mask).
    #[inline]
    pub fn address(&self, answer: Answer, k: usize) -> Option<usize> {
        if answer == NO_ANSWER {
            return None;
        }
        if self.policy != Policy::Multivalue {
            return (k == 0).then_some(answer as usize);
        }
        let mask = answer & 0xffff;
        let key = (answer >> 16) as u64;
        let n = mask.count_ones() as usize;
        if k >= n {
            return None;
        }
        let mut recs = [0u8; MAX_MULTIVALUE_RECORDS];
        let mut m = mask;
        for slot in recs.iter_mut().take(n) {
            *slot = m.trailing_zeros() as u8;
            m &= m - 1;
        }
        for i in 0..=k.min(n - 1) {
            let j = i + self.order_rng.below(key, i as u64, (n - i) as u64) as usize;
            recs.swap(i, j);
        }
        Some(recs[k] as usize)
    }

    /// Multivalue (R53-DG `routing-policy-multivalue.md`; R53-API `MultiValueAnswer`): up to
    /// eight healthy records; with eight or fewer healthy, all of them; with more, a random
    /// eight per query ("different combinations to different DNS resolvers"); records without
    /// a health check always count as healthy; "when all records are unhealthy, Route 53
    /// responds to DNS queries with up to eight unhealthy records".
    fn answer_multivalue(&self, resolver: u64, query: u64, t: Micros) -> Answer {
        let n = self.records.len();
        let mut healthy: u32 = 0;
        for rec in 0..n {
            if self.healthy_view(rec, resolver, t) {
                healthy |= 1 << rec;
            }
        }
        let pool = if healthy != 0 {
            healthy
        } else {
            (1u32 << n) - 1
        };
        let mut chosen = pool;
        if pool.count_ones() as usize > MULTIVALUE_MAX_ANSWERS {
            // A uniform random subset of eight: partial Fisher-Yates over the pool.
            let mut recs = [0u8; MAX_MULTIVALUE_RECORDS];
            let mut m = pool;
            let k = pool.count_ones() as usize;
            for slot in recs.iter_mut().take(k) {
                *slot = m.trailing_zeros() as u8;
                m &= m - 1;
            }
            chosen = 0;
            for i in 0..MULTIVALUE_MAX_ANSWERS {
                let j = i + self
                    .multi_rng
                    .below(resolver, query * 32 + i as u64, (k - i) as u64)
                    as usize;
                recs.swap(i, j);
                chosen |= 1 << recs[i];
            }
        }
        let key = (self.multi_rng.bits(resolver, query * 32 + 31) >> 48) as u32;
        (key << 16) | chosen
    }

    /// Geolocation (R53-DG `routing-policy-geo.md`): the record of the smallest matching
    /// region (country over continent over the default record `*`); if it is unhealthy, the
    /// next larger one ("If the geolocation record for the DNS query's region is unhealthy, the
    /// default record will be returned (if it is healthy)", R53-DG `routing-policy-geo-phz.md`;
    /// research note A2: state → country → continent → default). No matching record and no
    /// default record: no answer. Every matching record unhealthy: the most specific one (the
    /// fail-open rule of R53-DG `health-checks-how-route-53-chooses-records.md` treats them
    /// all as healthy, and then the most specific wins; R53-API `AZAffinity` states the same
    /// rule for its location chain).
    fn answer_geolocation(&self, resolver: u64, area: usize, t: Micros) -> Answer {
        let chain = &self.geo_chain[area];
        let mut first = None;
        for &rec in chain.iter().filter(|&&r| r != u8::MAX) {
            first.get_or_insert(rec);
            if self.healthy_view(rec as usize, resolver, t) {
                return rec as Answer;
            }
        }
        first.map_or(NO_ANSWER, |r| r as Answer)
    }

    /// R53-DG `routing-policy-latency.md` and `health-checks-how-route-53-chooses-records.md`:
    /// the region with the lowest latency from the query's source (`area`: the resolver's site,
    /// or the client's area with ECS); if its record is unhealthy, the next best healthy one; if every record is
    /// unhealthy, all count as healthy, so the lowest-latency one.
    fn answer_latency(&self, resolver: u64, area: usize, t: Micros) -> u8 {
        let order = &self.latency_order[area];
        for &rec in order {
            if self.healthy_view(rec as usize, resolver, t) {
                return rec;
            }
        }
        order[0]
    }

    /// R53-API `Failover`; R53-DG `health-checks-how-route-53-chooses-records.md`: the primary
    /// while it is healthy; else the secondary if it is healthy (or has no health check); when
    /// both are unhealthy, the primary.
    fn answer_failover(&self, resolver: u64, t: Micros) -> u8 {
        if self.healthy_view(self.primary, resolver, t) {
            self.primary as u8
        } else if self.healthy_view(self.secondary, resolver, t) {
            self.secondary as u8
        } else {
            self.primary as u8
        }
    }

    /// R53-API `Weight`; R53-DG `dns-failover-types.md`: share = weight / sum of weights over
    /// healthy records; weight-0 records only when every non-zero record is unhealthy; all
    /// weights 0 means equal shares; when every record is unhealthy, Route 53 treats them all as
    /// healthy ("fail open", R53-DG `health-checks-how-route-53-chooses-records.md`).
    fn answer_weighted(&self, resolver: u64, query: u64, t: Micros) -> u8 {
        let (candidates, weights, nonzero) = self.weighted_candidates(resolver, t);
        let weight_of = |i: usize| {
            if candidates & nonzero != 0 {
                weights[i] as u64
            } else {
                1
            }
        };
        let total: u64 = (0..self.records.len())
            .filter(|&i| candidates >> i & 1 == 1)
            .map(weight_of)
            .sum();
        let mut pick = self.weight_rng.below(resolver, query, total);
        for i in 0..self.records.len() {
            if candidates >> i & 1 == 1 {
                let w = weight_of(i);
                if pick < w {
                    return i as u8;
                }
                pick -= w;
            }
        }
        unreachable!("weighted pick out of range")
    }

    /// The weighted policy's candidate records at `t` (a mask), the weights then, and the
    /// mask of non-zero weights (see [`Route53Control::answer_weighted`]).
    fn weighted_candidates(&self, resolver: u64, t: Micros) -> (u128, [u32; MAX_RECORDS], u128) {
        let mut healthy: u128 = 0;
        for rec in 0..self.records.len() {
            if self.healthy_view(rec, resolver, t) {
                healthy |= 1 << rec;
            }
        }
        let weights: [u32; MAX_RECORDS] = std::array::from_fn(|i| {
            if i < self.records.len() {
                self.weight_at(i, resolver, t)
            } else {
                0
            }
        });
        let nonzero: u128 = (0..self.records.len())
            .filter(|&i| weights[i] > 0)
            .fold(0, |m, i| m | 1 << i);
        let candidates = if healthy & nonzero != 0 {
            healthy & nonzero
        } else if healthy != 0 {
            healthy // only zero-weight records are healthy: equal shares among them
        } else if nonzero != 0 {
            nonzero // fail open, by weight
        } else {
            (1u128 << self.records.len()) - 1 // fail open, all weights zero
        };
        (candidates, weights, nonzero)
    }

    /// Every record the policy can answer a query from `resolver` (seen at `area`) with at
    /// `t`, as a mask (bit = record index): one record for failover, latency and
    /// geolocation (none for geolocation's no-answer), the records with a non-zero chance for
    /// weighted, the records a multivalue response can carry. What a client through a cache
    /// may still hold after a change is stale exactly when it is outside this set; the live
    /// harness measures switch delays with it.
    pub fn answerable(&self, resolver: u64, area: usize, t: Micros) -> u128 {
        match self.policy {
            Policy::Weighted => {
                let (candidates, _, nonzero) = self.weighted_candidates(resolver, t);
                if candidates & nonzero != 0 {
                    candidates & nonzero
                } else {
                    candidates
                }
            }
            Policy::Multivalue => {
                let n = self.records.len();
                let healthy = (0..n)
                    .filter(|&r| self.healthy_view(r, resolver, t))
                    .fold(0u128, |m, r| m | 1 << r);
                if healthy != 0 {
                    healthy
                } else {
                    (1u128 << n) - 1
                }
            }
            _ => match self.answer(resolver, area, 0, t) {
                NO_ANSWER => 0,
                a => 1u128 << a,
            },
        }
    }

    /// Record `rec`'s weight as `resolver`'s authoritative location has it at `t`: the latest
    /// timed change that has propagated there.
    #[inline]
    pub fn weight_at(&self, rec: usize, resolver: u64, t: Micros) -> u32 {
        let changes = &self.weight_changes[rec];
        for (i, &(tc, w)) in changes.iter().enumerate().rev() {
            if i == 0 || tc + self.record_delay(resolver, rec, i) <= t {
                return w;
            }
        }
        self.records[rec].weight
    }

    /// Propagation of a record change: "Changes generally propagate to all Route 53 name servers
    /// within 60 seconds" (R53-API `ChangeResourceRecordSets`, V); ASSUMED uniform on [0, 60 s]
    /// per (change, resolver). A fixed `propagation` applies to record changes too.
    #[inline]
    fn record_delay(&self, resolver: u64, rec: usize, change: usize) -> Micros {
        match self.propagation {
            Propagation::Fixed(d) => d,
            Propagation::Default => {
                let key = (1u64 << 62) | ((rec as u64) << 32) | change as u64;
                (self.prop_rng.uniform(resolver, key) * RECORD_CHANGE_PROPAGATION_MAX as f64)
                    as Micros
            }
        }
    }

    /// Apply timed weight changes (`(internal time, record, weight)`, in time order).
    pub fn with_weight_changes(mut self, changes: &[(Micros, usize, u32)]) -> Route53Control {
        for &(t, rec, w) in changes {
            self.weight_changes[rec].push((t, w));
        }
        self
    }

    /// First time at or after `from` when record `rec`'s aggregate status turns unhealthy.
    ///
    /// When the status is already unhealthy at `from` (an overloaded region's shed probes can
    /// mark it down before it fails), the time of the switch that made it so, which may lie
    /// before `from`: `detection_s` is then negative, as METRICS.md has it for an ARC flip that
    /// comes first.
    pub fn first_unhealthy_at_or_after(&self, rec: usize, from: Micros) -> Option<Micros> {
        detection_index(&self.status[rec], from).map(|i| self.status[rec][i].0)
    }

    /// `act_s` (METRICS.md): when the change [`Route53Control::first_unhealthy_at_or_after`]
    /// finds reaches `resolver`'s authoritative location (its propagation delay added; a
    /// status that was unhealthy from the start acts at once).
    pub fn act_at(&self, rec: usize, resolver: u64, from: Micros) -> Option<Micros> {
        let i = detection_index(&self.status[rec], from)?;
        let tc = self.status[rec][i].0;
        Some(if i == 0 {
            tc
        } else {
            tc + self.delay(resolver, rec, i)
        })
    }
}

/// The index of the change in `tl` that makes it unhealthy at or after `from`: the switch that
/// made it so when it is already unhealthy at `from` (possibly before it), else the first
/// change to unhealthy after `from`.
pub fn detection_index(tl: &Timeline, from: Micros) -> Option<usize> {
    if let Some(i) = tl.iter().rposition(|&(t, _)| t <= from)
        && !tl[i].1
    {
        return Some(i);
    }
    tl.iter().position(|&(t, h)| !h && t >= from)
}

/// A place's geolocation matches, most specific first: the records for its subdivision, its
/// country, its continent, and the default record (`u8::MAX` where there is none).
pub type GeoChain = [u8; 4];

/// Where Route 53 geolocation places a query: (continent, country, subdivision).
pub type PlaceGeo = (
    Option<crate::geography::Continent>,
    Option<&'static str>,
    Option<&'static str>,
);

/// For each area of `areas`: the geolocation records matching a query located there, most
/// specific first ([`GeoChain`]). The location comes from
/// [`crate::geography::area_geolocation`] and [`crate::geography::area_subdivision`].
pub fn geolocation_chains(
    records: &[crate::config::Record],
    areas: &[crate::geography::ClientArea],
) -> Vec<GeoChain> {
    let places: Vec<PlaceGeo> = (0..areas.len())
        .map(|a| {
            let (continent, country) = crate::geography::area_geolocation(areas, a);
            (
                continent,
                country,
                crate::geography::area_subdivision(areas, a),
            )
        })
        .collect();
    geolocation_chains_for(records, &places)
}

/// [`geolocation_chains`] for every place Route 53 can see (`Geo::place_geolocations`: client
/// areas, then public-resolver PoPs and central resolver sites), given each place's
/// (continent, country, subdivision). Order (research note A2, R53-DG `routing-policy-geo.md`):
/// state, country, continent, default.
pub fn geolocation_chains_for(
    records: &[crate::config::Record],
    places: &[PlaceGeo],
) -> Vec<GeoChain> {
    use crate::config::GeoLocation;
    places
        .iter()
        .map(|&(continent, country, subdivision)| {
            let find = |want: &dyn Fn(&GeoLocation) -> bool| {
                records
                    .iter()
                    .position(|r| r.location.as_ref().is_some_and(want))
                    .map_or(u8::MAX, |i| i as u8)
            };
            [
                find(&|l| {
                    matches!(l, GeoLocation::Subdivision { country: c, code: s }
                        if Some(c.as_str()) == country && Some(s.as_str()) == subdivision)
                }),
                find(&|l| matches!(l, GeoLocation::Country(c) if Some(c.as_str()) == country)),
                find(&|l| matches!(l, GeoLocation::Continent(c) if Some(*c) == continent)),
                find(&|l| *l == GeoLocation::Default),
            ]
        })
        .collect()
}

/// Statement of the geoproximity location model, for reports.
pub const GEOPROXIMITY_TEXT: &str = "geoproximity: Route 53 measures the great-circle distance from the place latency routing sees (the resolver's site, or with ECS the client's area: AWS knowledge center route-53-geoproximity-routing-console) to each record's AWS region (built-in region coordinates, ASSUMED to be Route 53's) or coordinates, biases it (positive bias: distance x (1 - bias/100); negative: distance / (1 + bias/100)) and answers the nearest healthy record; when every record is unhealthy, the nearest (fail open)";

/// For each place at `points` (`Geo::place_points`): the geoproximity records by biased
/// distance, nearest first (ties by record index, so the order is deterministic). R53-DG
/// `routing-policy-geoproximity.md`: Route 53 "routes traffic to the closest resource that is
/// available", the distance biased by each record's `Bias` ([`GeoProximity::biased_km`]).
///
/// [`GeoProximity::biased_km`]: crate::config::GeoProximity::biased_km
pub fn geoproximity_order(
    records: &[crate::config::Record],
    points: &[(f64, f64)],
) -> Vec<Vec<u8>> {
    points
        .iter()
        .map(|&(lat, lon)| {
            let d: Vec<f64> = records
                .iter()
                .map(|r| {
                    let g = r
                        .geoproximity
                        .expect("geoproximity records carry their location");
                    g.biased_km(crate::latency::great_circle_km(lat, lon, g.lat, g.lon))
                })
                .collect();
            let mut idx: Vec<u8> = (0..records.len() as u8).collect();
            idx.sort_by(|&a, &b| d[a as usize].total_cmp(&d[b as usize]).then(a.cmp(&b)));
            idx
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{Failure, FailureKind, HardMode};
    use crate::testutil::{hc, two_region_workload};

    fn world_with(mode: HardMode, at: Micros, recover: Option<Micros>) -> World {
        let mut w = two_region_workload();
        w.failures = vec![Failure {
            region: 0,
            at,
            kind: FailureKind::Hard(mode),
            recover_at: recover,
        }];
        World::new(&w, 0)
    }

    #[test]
    fn default_checker_count_is_fifteen_over_eight_regions() {
        assert_eq!(checker_count(&hc(30, 3)), 15);
        let mut three = hc(30, 3);
        three.checker_regions.truncate(3);
        assert_eq!(checker_count(&three), 6); // round(15 * 3 / 8) = 5.6 -> 6
        three.checkers_per_region = Some(4);
        assert_eq!(checker_count(&three), 12);
    }

    /// A single checker with threshold 1 and zero phase detects a blackhole at its first probe
    /// after the failure plus the 4 s connect timeout (R53-DG timeouts).
    #[test]
    fn single_checker_blackhole_detection_is_next_probe_plus_timeout() {
        let mut h = hc(30, 1);
        h.checker_regions.truncate(3);
        h.checkers_per_region = Some(1);
        // Three checkers, all phase 0 (cold): probes at 0, 30, 60, ... Failure at 45 s.
        let world = world_with(HardMode::Blackhole, 45 * SEC, None);
        let tl = simulate_health_check(&h, &world, 0, 600 * SEC, 1, false);
        // Healthy while > 18 % of 3 say healthy: all three must flip. Next probe at 60 s,
        // result at 64 s.
        assert_eq!(tl, vec![(0, true), (64 * SEC, false)]);
    }

    /// Threshold F under blackhole: failures at probe times p, p + I + tau, ..., so the F-th
    /// failed result lands at p + (F - 1)(I + tau) + tau. Recovery after F successes.
    #[test]
    fn threshold_cycles_include_timeout_and_recovery_is_symmetric() {
        let mut h = hc(10, 3);
        h.checker_regions.truncate(3);
        h.checkers_per_region = Some(1);
        let world = world_with(HardMode::Blackhole, 5 * SEC, Some(200 * SEC));
        let tl = simulate_health_check(&h, &world, 0, 600 * SEC, 1, false);
        // Probes at 0, 10 (fails; result 14), next probe 24 (result 28), 38 (result 42).
        assert_eq!(tl[1], (42 * SEC, false));
        // Probes continue every 14 s: 52, 66, ..., 192 (fail, result 196), next probe 206 is
        // ok, then 216, 226: third success at 226 s.
        assert_eq!(tl[2], (226 * SEC, true));
        assert_eq!(tl.len(), 3);
    }

    /// A new health check is healthy until it has enough data (R53-DG): an endpoint already
    /// down when checking starts is reported unhealthy only after the threshold of failures.
    #[test]
    fn new_check_starts_healthy_even_if_endpoint_is_down() {
        let mut h = hc(10, 3);
        h.checker_regions.truncate(3);
        h.checkers_per_region = Some(1);
        let world = world_with(HardMode::Reset, 0, None);
        let tl = simulate_health_check(&h, &world, 0, 600 * SEC, 1, false);
        // Probes at 0, 10, 20 all refused: the third failure at 20 s flips every checker.
        assert_eq!(tl, vec![(0, true), (20 * SEC, false)]);
    }

    /// Three regions, each `(region, at, recover_at)` refusing connections.
    fn three_regions_refusing(windows: &[(usize, Micros, Option<Micros>)]) -> World {
        let mut w = two_region_workload();
        w.regions.push(w.regions[1].clone());
        w.failures = windows
            .iter()
            .map(|&(region, at, recover_at)| Failure {
                region,
                at,
                kind: FailureKind::Hard(HardMode::Reset),
                recover_at,
            })
            .collect();
        World::new(&w, 0)
    }

    /// Latency policy (R53-DG): the lowest-latency healthy record for the query's area; with
    /// every record unhealthy, fail open to the lowest-latency one.
    #[test]
    fn latency_policy_picks_best_healthy_and_fails_open() {
        let world = three_regions_refusing(&[
            (2, 100 * SEC, None),
            (0, 500 * SEC, None),
            (1, 500 * SEC, None),
        ]);
        let arm = Route53Arm {
            policy: Policy::Latency,
            ttl: 60 * SEC,
            propagation: Propagation::Fixed(0),
            records: (0..3)
                .map(|region| crate::testutil::record(region, Some(hc(10, 1))))
                .collect(),
            control: None,
            endpoint_type: crate::config::EndpointType::Alb,
        };
        // Area 0 is closest to record 2, then 0, then 1; area 1 the reverse.
        let c = Route53Control::new(&arm, &world, 0, 2000 * SEC, 1, true)
            .with_latency_order(vec![vec![2, 0, 1], vec![1, 0, 2]]);
        assert_eq!(c.answer(5, 0, 0, 50 * SEC), 2);
        assert_eq!(c.answer(5, 1, 0, 50 * SEC), 1);
        let detected = c.first_unhealthy_at_or_after(2, 100 * SEC).unwrap();
        assert_eq!(c.answer(5, 0, 0, detected), 0);
        // All three down and detected: fail open to each area's lowest-latency record.
        assert_eq!(c.answer(5, 0, 0, 1500 * SEC), 2);
        assert_eq!(c.answer(5, 1, 0, 1500 * SEC), 1);
    }

    /// `answerable` is exactly the set of records the policy answers: every answer drawn is in
    /// it, and (weighted, multivalue) every record in it is drawn by some query; weight-0
    /// records are out while a weighted record is healthy, and in when all fail open.
    #[test]
    fn answerable_is_the_set_of_possible_answers() {
        let world = three_regions_refusing(&[
            (0, 100 * SEC, Some(300 * SEC)),
            (1, 200 * SEC, Some(300 * SEC)),
        ]);
        for policy in [
            Policy::Weighted,
            Policy::Multivalue,
            Policy::Failover,
            Policy::Latency,
        ] {
            let mut records: Vec<_> = (0..3)
                .map(|region| crate::testutil::record(region, Some(hc(10, 1))))
                .collect();
            records[2].weight = 0;
            records[2].health_check = None;
            records[0].role = Some(Role::Primary);
            records[1].role = Some(Role::Secondary);
            let arm = Route53Arm {
                policy,
                ttl: 60 * SEC,
                propagation: Propagation::Fixed(0),
                records,
                control: None,
                endpoint_type: crate::config::EndpointType::Alb,
            };
            let c = Route53Control::new(&arm, &world, 0, 2000 * SEC, 1, true)
                .with_latency_order(vec![vec![0, 1, 2]]);
            for t in [50, 150, 250, 400].map(|s| s * SEC) {
                let set = c.answerable(3, 0, t);
                let mut seen = 0u128;
                for q in 0..400 {
                    let a = c.answer(3, 0, q, t);
                    let mut k = 0;
                    while let Some(r) = c.address(a, k) {
                        seen |= 1 << r;
                        k += 1;
                    }
                }
                assert_eq!(seen, set, "{policy:?} at {t}");
            }
            if policy == Policy::Latency {
                // Geolocation on the same records: area 0 matches record 0 only (fail open to
                // it), area 1 matches nothing: no answer, an empty set.
                let geo = Route53Control {
                    policy: Policy::Geolocation,
                    ..c.clone()
                }
                .with_geo_chains(vec![[u8::MAX, 0, u8::MAX, u8::MAX], [u8::MAX; 4]]);
                for t in [50, 150, 250].map(|s| s * SEC) {
                    assert_eq!(geo.answerable(3, 0, t), 0b001);
                    assert_eq!(geo.answer(3, 0, 0, t), 0);
                    assert_eq!(geo.answerable(3, 1, t), 0);
                    assert_eq!(geo.answer(3, 1, 0, t), NO_ANSWER);
                }
            }
            if policy == Policy::Weighted {
                // Both weighted records healthy: the weight-0 record is never answered.
                assert_eq!(c.answerable(3, 0, 50 * SEC), 0b011);
                // Only the weight-0 record (no health check) is healthy: it is answered.
                assert_eq!(c.answerable(3, 0, 250 * SEC), 0b100);
            }
        }
    }

    fn world_with_kinds(windows: &[(Micros, Micros, FailureKind)]) -> World {
        let mut w = two_region_workload();
        w.failures = windows
            .iter()
            .map(|&(at, until, kind)| Failure {
                region: 0,
                at,
                kind,
                recover_at: Some(until),
            })
            .collect();
        World::new(&w, 0)
    }

    /// Seed 000's "/healthz that returns 200 if the container is up": a grey failure (every
    /// request errors) passes a shallow check and fails a deep one.
    #[test]
    fn grey_failure_passes_shallow_checks_only() {
        let grey = FailureKind::Grey {
            error_rate: 1.0,
            added_latency: 0,
        };
        let world = world_with_kinds(&[(100 * SEC, 1000 * SEC, grey)]);
        let shallow = hc(10, 3);
        assert_eq!(
            simulate_health_check(&shallow, &world, 0, 900 * SEC, 1, true),
            vec![(0, true)]
        );
        let deep = HealthCheck {
            deep: true,
            ..hc(10, 3)
        };
        let tl = simulate_health_check(&deep, &world, 0, 900 * SEC, 1, true);
        assert!(
            !tl[1].1 && tl[1].0 > 100 * SEC && tl[1].0 < 140 * SEC,
            "{tl:?}"
        );
    }

    /// A brownout failing 10 % of probes: a checker flips only after 3 consecutive failures
    /// (0.1 %), and the endpoint only when 13 of 15 checkers have flipped: it stays healthy. At
    /// 100 % it is detected like a refused connection.
    #[test]
    fn brownout_detection_depends_on_error_rate() {
        let mild = FailureKind::Brownout {
            error_rate: 0.1,
            added_latency: 0,
        };
        let world = world_with_kinds(&[(100 * SEC, 3000 * SEC, mild)]);
        let tl = simulate_health_check(&hc(10, 3), &world, 0, 2900 * SEC, 1, true);
        assert_eq!(tl, vec![(0, true)]);
        let total = FailureKind::Brownout {
            error_rate: 1.0,
            added_latency: 0,
        };
        let world = world_with_kinds(&[(100 * SEC, 3000 * SEC, total)]);
        let tl = simulate_health_check(&hc(10, 3), &world, 0, 2900 * SEC, 1, true);
        // Refused-like: third failed probe between 120 s and 130 s after the start.
        assert!(
            !tl[1].1 && tl[1].0 >= 120 * SEC && tl[1].0 <= 130 * SEC,
            "{tl:?}"
        );
    }

    /// Flapping: 60 s outages (connections refused) every 3 min never flip a 30 s x 3 check:
    /// three consecutive failed probes 30 s apart need 60 s plus the probe phase, more than an
    /// outage. With threshold 1 every checker sees each outage within 30 s, so all 15 are down
    /// together and the endpoint flips each time: health-check hysteresis.
    #[test]
    fn short_flaps_are_absorbed_by_the_threshold() {
        let reset = FailureKind::Hard(HardMode::Reset);
        let flaps: Vec<_> = (0..8)
            .map(|i| (100 * SEC + i * 180 * SEC, 160 * SEC + i * 180 * SEC, reset))
            .collect();
        let world = world_with_kinds(&flaps);
        let tl = simulate_health_check(&hc(30, 3), &world, 0, 1600 * SEC, 1, true);
        assert_eq!(tl, vec![(0, true)]);
        let tl = simulate_health_check(&hc(30, 1), &world, 0, 1600 * SEC, 1, true);
        let downs = tl.iter().filter(|&&(_, h)| !h).count();
        assert_eq!(downs, 8, "{tl:?}");
    }

    /// Timed weight changes take effect per resolver after their propagation delay; weight 0
    /// then means "only when every non-zero record is unhealthy".
    #[test]
    fn weight_changes_apply_after_propagation() {
        let world = world_with(HardMode::Reset, 10_000 * SEC, None);
        let crate::config::ArmKind::Route53(mut arm) = two_region_workload().arms[0].kind.clone()
        else {
            unreachable!()
        };
        arm.policy = Policy::Weighted;
        arm.propagation = Propagation::Fixed(5 * SEC);
        for r in &mut arm.records {
            r.role = None;
        }
        let c = Route53Control::new(&arm, &world, 0, 2000 * SEC, 1, true).with_weight_changes(&[(
            100 * SEC,
            0,
            0,
        )]);
        assert_eq!(c.weight_at(0, 3, 104 * SEC), 1);
        assert_eq!(c.weight_at(0, 3, 105 * SEC), 0);
        // After the change every answer is the second record.
        assert!((0..200).all(|q| c.answer(3, 0, q, 200 * SEC) == 1));
        // Before it, both records are answered.
        let firsts = (0..200)
            .filter(|&q| c.answer(3, 0, q, 50 * SEC) == 0)
            .count();
        assert!(firsts > 50 && firsts < 150, "{firsts}");
    }

    #[test]
    fn both_healthy_is_the_and_of_two_timelines() {
        let a = vec![(0, true), (10, false), (30, true)];
        let b = vec![(0, true), (20, false), (40, true)];
        assert_eq!(
            both_healthy(&a, &b),
            vec![(0, true), (10, false), (40, true)]
        );
        assert_eq!(both_healthy(&a, &vec![(0, true)]), a);
    }

    /// An alias record with evaluate_target_health and no health check follows the load
    /// balancer's target health (ELB defaults 30 s x 2, 6 s timeout): under a blackhole the
    /// second failed probe ends between 36 s and 66 s after the failure.
    #[test]
    fn evaluate_target_health_follows_elb_target_health() {
        let world = world_with(HardMode::Blackhole, 300 * SEC, None);
        let crate::config::ArmKind::Route53(mut arm) = two_region_workload().arms[0].kind.clone()
        else {
            unreachable!()
        };
        arm.records[0].alias = true;
        arm.records[0].evaluate_target_health = true;
        let c = Route53Control::new(&arm, &world, 0, 2000 * SEC, 1, true);
        let d = c.first_unhealthy_at_or_after(0, 300 * SEC).unwrap() - 300 * SEC;
        assert!((36 * SEC..=66 * SEC).contains(&d), "{d}");
        // The secondary (no check, no target evaluation) stays healthy.
        assert_eq!(c.status[1], vec![(0, true)]);
    }

    #[test]
    fn reset_fails_without_timeout() {
        let mut h = hc(10, 2);
        h.checker_regions.truncate(3);
        h.checkers_per_region = Some(1);
        let world = world_with(HardMode::Reset, 5 * SEC, None);
        let tl = simulate_health_check(&h, &world, 0, 600 * SEC, 1, false);
        assert_eq!(tl[1], (20 * SEC, false)); // failed probes at 10 and 20
    }

    /// The 18 % rule (R53-DG): with 15 checkers the endpoint is unhealthy only when 13 or more
    /// have flipped (2/15 = 13.3 % <= 18 % < 3/15 = 20 %).
    #[test]
    fn eighteen_percent_rule_needs_thirteen_of_fifteen() {
        let h = hc(30, 1);
        let world = world_with(HardMode::Blackhole, 1000 * SEC, None);
        let tl = simulate_health_check(&h, &world, 0, 2000 * SEC, 7, true);
        let t_unhealthy = tl[1].0;
        // Recompute each checker's flip time from its phase: first probe at or after 1000 s
        // plus 4 s. The 13th order statistic must equal the aggregate flip.
        let rng = Rng::new(7, Stream::CheckerPhase);
        let mut flips: Vec<Micros> = (0..15)
            .map(|k| {
                let phase = (rng.uniform(0, k) * (30 * SEC) as f64) as Micros;
                let n = (1000 * SEC - phase).div_ceil(30 * SEC);
                phase + n * 30 * SEC + 4 * SEC
            })
            .collect();
        flips.sort();
        assert_eq!(t_unhealthy, flips[12]);
    }

    /// An arm of `n` regions (all copies of region 1's site) with one record each, each with a
    /// 10 s x 1 health check; regions in `down` are refused from 100 s on.
    fn multi_region(n: usize, policy: Policy, down: &[usize]) -> (World, Route53Arm) {
        let mut w = two_region_workload();
        while w.regions.len() < n {
            w.regions.push(w.regions[1].clone());
        }
        w.failures = crate::testutil::resets_at(down, 100 * SEC);
        let arm = Route53Arm {
            policy,
            ttl: 60 * SEC,
            propagation: Propagation::Fixed(0),
            records: (0..n)
                .map(|region| crate::testutil::record(region, Some(hc(10, 1))))
                .collect(),
            control: None,
            endpoint_type: crate::config::EndpointType::Alb,
        };
        (World::new(&w, 0), arm)
    }

    fn addresses(c: &Route53Control, answer: Answer) -> Vec<usize> {
        (0..).map_while(|k| c.address(answer, k)).collect()
    }

    /// R53-DG `routing-policy-multivalue.md`: "Route 53 responds to DNS queries with up to
    /// eight healthy records"; "If you have eight or fewer healthy records, Route 53 responds
    /// to all DNS queries with all the healthy records"; more than eight healthy: "different
    /// combinations to different DNS resolvers" (R53-API `MultiValueAnswer`).
    #[test]
    fn multivalue_answers_at_most_eight_healthy_records() {
        let (world, arm) = multi_region(12, Policy::Multivalue, &[0, 1, 2]);
        let c = Route53Control::new(&arm, &world, 0, 2000 * SEC, 1, true);
        let mut seen = std::collections::BTreeSet::new();
        for q in 0..200 {
            // Before the failure: 12 healthy, so exactly 8 distinct records, varying by query.
            let a = c.answer(7, 0, q, 50 * SEC);
            let recs = addresses(&c, a);
            assert_eq!(recs.len(), 8, "{recs:?}");
            let mut d = recs.clone();
            d.sort();
            d.dedup();
            assert_eq!(d.len(), 8);
            seen.insert(d);
        }
        assert!(seen.len() > 50, "combinations vary: {}", seen.len());
        // After detection 9 are healthy: still 8, none of them a failed record.
        let detected = (0..3)
            .map(|r| c.first_unhealthy_at_or_after(r, 100 * SEC).unwrap())
            .max()
            .unwrap();
        for q in 0..200 {
            let recs = addresses(&c, c.answer(7, 0, q, detected));
            assert_eq!(recs.len(), 8);
            assert!(recs.iter().all(|&r| r >= 3), "{recs:?}");
        }
        // Eight or fewer healthy: all of them, every query.
        let (world, arm) = multi_region(5, Policy::Multivalue, &[0, 1]);
        let c = Route53Control::new(&arm, &world, 0, 2000 * SEC, 1, true);
        for q in 0..50 {
            let mut recs = addresses(&c, c.answer(3, 0, q, 1500 * SEC));
            recs.sort();
            assert_eq!(recs, vec![2, 3, 4]);
        }
    }

    /// R53-API `MultiValueAnswer`: "When all records are unhealthy, Route 53 responds to DNS
    /// queries with up to eight unhealthy records"; records without a health check are always
    /// healthy (R53-DG `routing-policy-multivalue.md`).
    #[test]
    fn multivalue_all_unhealthy_answers_up_to_eight_unhealthy() {
        let all: Vec<usize> = (0..10).collect();
        let (world, arm) = multi_region(10, Policy::Multivalue, &all);
        let c = Route53Control::new(&arm, &world, 0, 2000 * SEC, 1, true);
        for q in 0..100 {
            let recs = addresses(&c, c.answer(2, 0, q, 1500 * SEC));
            assert_eq!(recs.len(), 8);
        }
        let (world, arm) = multi_region(3, Policy::Multivalue, &[0, 1, 2]);
        let c = Route53Control::new(&arm, &world, 0, 2000 * SEC, 1, true);
        let mut recs = addresses(&c, c.answer(2, 0, 0, 1500 * SEC));
        recs.sort();
        assert_eq!(recs, vec![0, 1, 2]);
        // Without a health check a record stays in every answer.
        let (world, mut arm) = multi_region(3, Policy::Multivalue, &[0, 1]);
        arm.records[0].health_check = None;
        let c = Route53Control::new(&arm, &world, 0, 2000 * SEC, 1, true);
        let mut recs = addresses(&c, c.answer(2, 0, 0, 1500 * SEC));
        recs.sort();
        assert_eq!(recs, vec![0, 2]);
    }

    /// The address order is a uniform shuffle: each record comes first about equally often.
    #[test]
    fn multivalue_order_is_a_uniform_permutation() {
        let (world, arm) = multi_region(4, Policy::Multivalue, &[]);
        let c = Route53Control::new(&arm, &world, 0, 2000 * SEC, 1, true);
        let mut first = [0u32; 4];
        for q in 0..8000 {
            let recs = addresses(&c, c.answer(q, 0, q, 50 * SEC));
            let mut d = recs.clone();
            d.sort();
            assert_eq!(d, vec![0, 1, 2, 3]);
            first[recs[0]] += 1;
        }
        // Binomial(8000, 1/4): sd 38.7; 5 sigma = 194.
        for f in first {
            assert!((f as i64 - 2000).abs() < 194, "{first:?}");
        }
    }

    fn geo_arm(locs: &[(usize, crate::config::GeoLocation)], down: &[usize]) -> Route53Control {
        let (world, mut arm) = multi_region(4, Policy::Geolocation, down);
        arm.records = locs
            .iter()
            .map(|(region, loc)| crate::config::Record {
                location: Some(loc.clone()),
                ..arm.records[*region].clone()
            })
            .collect();
        let chains = geolocation_chains(&arm.records, crate::geography::WORLD_INTERNET_USERS);
        Route53Control::new(&arm, &world, 0, 2000 * SEC, 1, true).with_geo_chains(chains)
    }

    /// R53-DG `routing-policy-geo.md`: the smallest matching region wins (a country over its
    /// continent); queries no record matches get the default record; with no default record,
    /// "no answer".
    #[test]
    fn geolocation_most_specific_default_and_no_match() {
        use crate::config::GeoLocation::*;
        use crate::geography::Continent::*;
        // Areas: 11 = Frankfurt (DE, Europe), 13 = Paris (FR, Europe), 0 = New York (US, NA),
        // 39 = Sydney (AU, Oceania).
        let c = geo_arm(
            &[
                (0, Country("DE".into())),
                (1, Continent(Europe)),
                (2, Default),
            ],
            &[],
        );
        assert_eq!(c.answer(1, 11, 0, 50 * SEC), 0);
        assert_eq!(c.answer(1, 13, 0, 50 * SEC), 1);
        assert_eq!(c.answer(1, 0, 0, 50 * SEC), 2);
        assert_eq!(c.address(c.answer(1, 39, 0, 50 * SEC), 0), Some(2));
        // No default record: a query from outside Europe gets no answer (no address).
        let c = geo_arm(&[(0, Country("DE".into())), (1, Continent(Europe))], &[]);
        assert_eq!(c.answer(1, 0, 0, 50 * SEC), NO_ANSWER);
        assert_eq!(c.address(NO_ANSWER, 0), None);
        assert_eq!(c.answer(1, 13, 0, 50 * SEC), 1);
    }

    /// R53-DG `routing-policy-geo-phz.md`: "If the geolocation record for the DNS query's
    /// region is unhealthy, the default record will be returned (if it is healthy)"; research
    /// note A2: unhealthy falls back to the next larger region. All matching unhealthy: the most
    /// specific (fail open, R53-DG `health-checks-how-route-53-chooses-records.md`).
    #[test]
    fn geolocation_unhealthy_falls_back_to_larger_region_then_default() {
        use crate::config::GeoLocation::*;
        use crate::geography::Continent::*;
        let locs = [
            (0, Country("DE".into())),
            (1, Continent(Europe)),
            (2, Default),
        ];
        let late = 1500 * SEC;
        let c = geo_arm(&locs, &[0]);
        assert_eq!(c.answer(1, 11, 0, 50 * SEC), 0);
        assert_eq!(c.answer(1, 11, 0, late), 1);
        let c = geo_arm(&locs, &[0, 1]);
        assert_eq!(c.answer(1, 11, 0, late), 2);
        assert_eq!(c.answer(1, 13, 0, late), 2);
        let c = geo_arm(&locs, &[0, 1, 2]);
        assert_eq!(c.answer(1, 11, 0, late), 0);
        assert_eq!(c.answer(1, 13, 0, late), 1);
        // Without a default record, an unhealthy continent record is still answered.
        let c = geo_arm(&[(1, Continent(Europe))], &[1]);
        assert_eq!(c.answer(1, 13, 0, late), 0);
    }

    /// R53-API `HealthThreshold`: healthy while at least the threshold of children are; a
    /// threshold above the number of children is always unhealthy, 0 always healthy.
    #[test]
    fn calculated_parent_counts_healthy_children() {
        let a = vec![(0, true), (10, false), (50, true)];
        let b = vec![(0, true), (20, false), (40, true)];
        let c = vec![(0, true), (30, false)];
        let kids = [a, b, c];
        assert_eq!(
            at_least_healthy(&kids, 2),
            vec![(0, true), (20, false), (50, true)]
        );
        assert_eq!(
            at_least_healthy(&kids, 1),
            vec![(0, true), (30, false), (40, true)]
        );
        assert_eq!(at_least_healthy(&kids, 3), vec![(0, true), (10, false)]);
        assert_eq!(at_least_healthy(&kids, 0), vec![(0, true)]);
        assert_eq!(at_least_healthy(&kids, 4), vec![(0, false)]);
    }

    /// A record with a calculated check over two child endpoint checks (threshold 1: "OR")
    /// stays healthy while one child region serves, and turns unhealthy when both are detected.
    #[test]
    fn calculated_check_drives_record_status() {
        use crate::config::{CalculatedCheck, ChildCheck};
        let (world, mut arm) = multi_region(3, Policy::Multivalue, &[0, 1]);
        let kids = |regions: &[usize]| CalculatedCheck {
            threshold: 1,
            children: regions
                .iter()
                .map(|&region| ChildCheck {
                    region,
                    check: hc(10, 1),
                })
                .collect(),
        };
        arm.records[0].health_check = None;
        arm.records[0].calculated = Some(kids(&[0, 2]));
        arm.records[1].health_check = None;
        arm.records[1].calculated = Some(kids(&[0, 1]));
        let c = Route53Control::new(&arm, &world, 0, 2000 * SEC, 1, true);
        assert_eq!(c.status[0], vec![(0, true)]);
        let down = c.first_unhealthy_at_or_after(1, 100 * SEC).unwrap();
        let child0 = simulate_health_check(&hc(10, 1), &world, 0, 2000 * SEC, 1, true);
        let child1 = simulate_health_check(&hc(10, 1), &world, 1, 2000 * SEC, 1, true);
        assert_eq!(down, child0[1].0.max(child1[1].0));
    }
}
