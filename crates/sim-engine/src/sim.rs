//! The client simulation of one shard under one arm: the hot loop.
//!
//! Each client issues requests as a Poisson process. A request reuses a kept-alive connection
//! if one is open and idle for less than the idle limit; otherwise it resolves the name
//! through the client's stub cache, then its recursive resolver, then (on a miss) the arm's
//! authoritative answer function, and connects to the answer's region. An attempt to a region
//! that does not serve fails after the connect timeout (blackhole, new connection), the
//! request timeout (blackhole, kept-alive connection) or at once (reset); each failed attempt
//! is followed by a re-resolution through the caches while retries remain.
//!
//! One pending event per client (its next request), plus one per request waiting to retry or
//! to be declared failed. Events live in a [`CalendarQueue`] sized from the shard's known
//! request density; per-client state is one 64-byte struct (a cache line); nothing is
//! allocated per event once the retry-slot pool and the calendar's chunk pool have grown.

use hdrhistogram::Histogram;

use crate::config::{AppCache, Clients, ResolverBehaviour};
use crate::controlplane::{Answer, Route53Control};
use crate::curve::Bin;
use crate::flat_counts::FlatCounts;
use crate::ga::GaControl;
use crate::population::Geo;
use crate::population::ShardSpec;
use crate::queue::{CalendarQueue, prefetch_line};
use crate::rng::{Rng, Stream};
use crate::world::{RegionState, World};
use crate::{Micros, SEC};
use resolver_models::Lookup;
use strength_reduce::StrengthReducedU64;

/// ASSUMPTION (no published figure): round-trip time from a recursive resolver to the Route 53
/// authoritative server it reaches (anycast, many locations), added to the DNS time of a
/// resolver cache miss.
pub const RESOLVER_TO_AUTHORITATIVE_RTT_MS: f64 = 20.0;

/// An arm's control plane.
#[derive(Clone)]
pub enum ArmControl {
    Route53(Route53Control),
    GlobalAccelerator(GaControl),
}

impl ArmControl {
    /// TTL of the name clients resolve.
    pub fn dns_ttl(&self) -> Micros {
        match self {
            ArmControl::Route53(c) => c.ttl,
            ArmControl::GlobalAccelerator(g) => g.dns_ttl,
        }
    }

    /// The authoritative answer (see [`Answer`]; the accelerator always answers its anycast
    /// addresses, record 0).
    #[inline]
    pub fn answer(&self, resolver: u64, area: usize, query: u64, t: Micros) -> Answer {
        match self {
            ArmControl::Route53(c) => c.answer(resolver, area, query, t),
            ArmControl::GlobalAccelerator(_) => 0,
        }
    }
}

/// The failure the failure-relative metrics refer to (internal time).
#[derive(Debug, Clone, Copy)]
pub struct FailureRef {
    /// Earliest `at` among the failures.
    pub at: Micros,
    /// The region that fails first.
    pub region: usize,
    /// End of the first failure window (its `recover_at`), or the end of the run.
    pub window_end: Micros,
}

/// Everything a shard needs to know about its arm, shared read-only by all shards.
pub struct ArmContext<'a> {
    pub control: &'a ArmControl,
    pub geo: &'a Geo,
    pub world: &'a World,
    pub clients: &'a Clients,
    /// Caching behaviour per resolver class.
    pub classes: &'a [ResolverBehaviour],
    /// Per-resolver TTL policies and per-client stub caches, drawn from their mixes.
    pub mixes: &'a crate::mixes::Mixes,
    pub seed: u64,
    /// Start of recording (end of warm-up), internal time.
    pub start: Micros,
    /// End of the run, internal time: no request is issued at or after it.
    pub end: Micros,
    pub bin: Micros,
    pub nbins: usize,
    pub failure: Option<FailureRef>,
    pub warm: bool,
    /// Lockstep arms (a region has `capacity_rps`): this step's overload state per region;
    /// `None` runs the one-pass path, which neither counts load nor sheds.
    pub overload: Option<&'a [crate::overload::RegionOverload]>,
    /// [`crate::run::RunOptions::run_ahead`].
    pub run_ahead: bool,
}

/// What a shard hands back; merged over shards in shard order.
pub struct ShardResult {
    pub bins: Vec<Bin>,
    /// Latency of requests issued before the failure (all requests without one), µs.
    pub latency: Histogram<u64>,
    /// Latency of cohort requests issued in the failure window, µs.
    pub failure_latency: Histogram<u64>,
    /// Per-client RTO over the cohort, microseconds.
    pub rto: Histogram<u64>,
    /// Per-client `stale_until_s` over the cohort (METRICS.md), microseconds (millisecond
    /// resolution): the failure to the client's last attempt sent to a failed region within
    /// the window; 0 if none; the window's length for the `never_left` clients.
    pub stale_until: Histogram<u64>,
    /// Cohort clients whose last attempt in the window went to a failed region.
    pub never_left: u64,
    pub cohort_clients: u64,
    /// Where the cohort's routing is decided, with its clients: `(resolver id, clients)` for
    /// Route 53 (the resolver's authoritative location), `(edge, clients)` for Global
    /// Accelerator; for `act_s` (`run::act_s`). Sorted by key, each key once
    /// ([`coalesce_keys`]), also after a merge.
    pub cohort_keys: Vec<(u64, u64)>,
    pub never_recovered: u64,
    pub events: u64,
    /// Of `events`, the requests that ran ahead of their turn in the queue
    /// ([`crate::run::RunOptions::run_ahead`]).
    pub ran_ahead: u64,
    /// Per resolver class: the same figures split by the class of the client's resolver (tail
    /// attribution). Empty until [`ShardResult::with_classes`] or a shard is run into the
    /// result, and left empty for a workload with one class (whose figures are the arm's).
    /// `None` for a class none of the result's clients belong to: a shard spans one or two
    /// classes (`Layout::shards` cuts the population class by class), so its histograms are
    /// not allocated for the others.
    pub classes: Vec<Option<ClassResult>>,
}

/// One resolver class's share of a [`ShardResult`]: histograms with the same bounds as the
/// whole-arm ones, so merges and tail counts are exact.
#[derive(Clone)]
pub struct ClassResult {
    pub latency: Histogram<u64>,
    pub rto: Histogram<u64>,
    pub cohort_clients: u64,
    pub never_recovered: u64,
}

impl Default for ClassResult {
    fn default() -> ClassResult {
        ClassResult::new()
    }
}

impl ClassResult {
    pub fn new() -> ClassResult {
        ClassResult {
            latency: new_latency_histogram(),
            rto: new_histogram(),
            cohort_clients: 0,
            never_recovered: 0,
        }
    }
}

impl ShardResult {
    pub fn empty(nbins: usize) -> ShardResult {
        ShardResult {
            bins: vec![Bin::default(); nbins],
            latency: new_latency_histogram(),
            failure_latency: new_latency_histogram(),
            rto: new_histogram(),
            stale_until: new_histogram(),
            never_left: 0,
            cohort_clients: 0,
            cohort_keys: Vec::new(),
            never_recovered: 0,
            events: 0,
            ran_ahead: 0,
            classes: Vec::new(),
        }
    }

    /// Give the result `n` per-class parts, allocated for the classes `present` says this
    /// shard has clients of.
    pub fn with_classes(mut self, n: usize, present: impl Fn(usize) -> bool) -> ShardResult {
        self.prepare_classes(n, present);
        self
    }

    /// Make sure the result has `n` per-class parts and that those `present` says a shard has
    /// clients of are allocated (an accumulator over several shards: [`run_shard_into`]).
    fn prepare_classes(&mut self, n: usize, present: impl Fn(usize) -> bool) {
        if self.classes.len() < n {
            self.classes.resize_with(n, || None);
        }
        for (k, c) in self.classes.iter_mut().enumerate() {
            if c.is_none() && present(k) {
                *c = Some(ClassResult::new());
            }
        }
    }

    /// Add a shard's cohort keys (sorted, each once) to the result's. Shards cut the
    /// population by resolver, so a Route 53 arm's keys (resolver ids) follow the ones
    /// before them and are appended; otherwise the whole list is coalesced again.
    fn add_keys(&mut self, keys: &[(u64, u64)]) {
        let follows = match (self.cohort_keys.last(), keys.first()) {
            (Some(a), Some(b)) => a.0 < b.0,
            _ => true,
        };
        self.cohort_keys.extend_from_slice(keys);
        if !follows {
            coalesce_keys(&mut self.cohort_keys);
        }
    }

    /// Class `k`'s part, if this shard has one.
    #[inline]
    fn class_mut(&mut self, k: usize) -> Option<&mut ClassResult> {
        self.classes.get_mut(k).and_then(Option::as_mut)
    }

    pub fn merge(&mut self, other: &ShardResult) {
        for (a, b) in self.bins.iter_mut().zip(&other.bins) {
            *a += b;
        }
        self.latency.add(&other.latency).expect("same range");
        self.failure_latency
            .add(&other.failure_latency)
            .expect("same range");
        self.rto
            .add(&other.rto)
            .expect("histograms have the same range");
        self.stale_until
            .add(&other.stale_until)
            .expect("histograms have the same range");
        self.never_left += other.never_left;
        self.cohort_clients += other.cohort_clients;
        self.cohort_keys.extend_from_slice(&other.cohort_keys);
        coalesce_keys(&mut self.cohort_keys);
        self.never_recovered += other.never_recovered;
        self.events += other.events;
        self.ran_ahead += other.ran_ahead;
        if self.classes.len() < other.classes.len() {
            self.classes.resize_with(other.classes.len(), || None);
        }
        for (a, b) in self.classes.iter_mut().zip(&other.classes) {
            let Some(b) = b else { continue };
            match a {
                None => *a = Some(b.clone()),
                Some(a) => {
                    a.latency.add(&b.latency).expect("same range");
                    a.rto.add(&b.rto).expect("same range");
                    a.cohort_clients += b.cohort_clients;
                    a.never_recovered += b.never_recovered;
                }
            }
        }
    }
}

/// Request latencies in microseconds, up to one hour, at 2 significant digits (relative error
/// under 1 %, far inside the latency model's own uncertainty). Recorded once per request, so it
/// must stay small enough to live in cache (about 14 KB of counters); longer latencies count
/// as one hour.
pub fn new_latency_histogram() -> Histogram<u64> {
    Histogram::new_with_bounds(1, 3600 * SEC, 2).expect("valid histogram bounds")
}

/// A histogram of microsecond durations up to 30 days at 3 significant digits.
pub fn new_histogram() -> Histogram<u64> {
    Histogram::new_with_bounds(1, 30 * 86_400 * SEC, 3).expect("valid histogram bounds")
}

/// A request's place in the figures ([`Shard::tally`]).
#[derive(Clone, Copy)]
struct Tally {
    /// Its curve bin (0 when not counted).
    bin: usize,
    /// Issued in the recorded span (after the warm-up, before the end).
    counted: bool,
    /// A cohort request: counted, by a cohort client, at or after the failure time.
    cohort: bool,
}

const NONE_U8: u8 = u8::MAX;
/// Regions are stored as `u8` per client, with `u8::MAX` meaning none.
pub const MAX_REGIONS: usize = u8::MAX as usize;
const F_COHORT: u8 = 1;
const F_FAILED: u8 = 2;
const F_RECOVERED: u8 = 4;
/// The client's last attempt in the failure window so far went to a failed region.
const F_STALE_LAST: u8 = 8;
const RETRY_BIT: u32 = 1 << 31;

/// Per-client state: 64 bytes, one cache line (`gap` fills what was padding). Packed at 56
/// bytes, three clients in four straddled two lines, so the one cache miss an event costs in
/// a lockstep run (whose shards' clients are cold at every step) was often two: aligned,
/// `perf-lockstep` at 1 M clients went from 24.4 to 18.8-21.4 s CPU and its capacity-free
/// variant from 6.5 to 6.0-6.2 s (2026-12-03, 2-core EPYC), for 8 bytes more a client.
#[derive(Clone, Copy)]
#[repr(align(64))]
struct Client {
    /// Global Accelerator arms: the client's anycast edge (top 8 bits) and its RTT to it in µs
    /// (low 24 bits, so at most 16.7 s; an edge RTT is well under a second). Packed to keep the
    /// client small.
    edge_packed: u32,
    /// Stub-cache entry expiry (0 = none).
    stub_exp: Micros,
    /// Application-cache entry expiry (0 = none).
    app_exp: Micros,
    /// Until when the kept-alive connection may be reused (its last use plus the idle limit;
    /// a stream's end), or 0 for none.
    conn_until: Micros,
    /// Requests drawn so far (the request-time stream's counter).
    ctr: u32,
    /// Local index of the client's resolver.
    res: u32,
    /// Cohort clients: milliseconds from the failure to the client's last attempt sent to a
    /// failed region within the window (0 if none; `stale_until_s`, METRICS.md).
    stale_ms: u32,
    stub_ans: Answer,
    app_ans: Answer,
    conn_region: u8,
    last_ok_region: u8,
    flags: u8,
    /// Index into the arm's stub table (`Mixes::stubs`).
    stub: u8,
    /// Index into the arm's client software table (`Mixes::software`): its own DNS cache,
    /// connection idle limit and what it does after a failed connect.
    soft: u8,
    /// Sessions pattern: requests left in the current session (`requests::RequestProcess`),
    /// as of the draw of `gap`.
    left: u16,
    /// The gap after the client's next request, drawn ahead with counter `ctr` (what the line
    /// had as padding).
    gap: Micros,
    /// The client's retry-slot events in the queue (a failed attempt's retry, next address or
    /// final failure); `u8::MAX` sticks (counted no further, never taken for zero). Only a
    /// client with none may have its next request run ahead (`Shard::runs_ahead`).
    pending: u8,
}

/// Sort `(key, clients)` pairs by key and sum the clients of equal keys, in place: the same
/// `act_s` (which depends only on the multiset of pairs) in one pair per key.
pub fn coalesce_keys(keys: &mut Vec<(u64, u64)>) {
    keys.sort_unstable();
    keys.dedup_by(|b, a| {
        let same = a.0 == b.0;
        if same {
            a.1 += b.1;
        }
        same
    });
}

/// Low 24 bits of [`Client::edge_packed`]: the edge RTT in µs.
const EDGE_RTT_MASK: u32 = (1 << 24) - 1;

impl Client {
    /// Global Accelerator arms: the client's anycast edge.
    #[inline(always)]
    fn edge(&self) -> usize {
        (self.edge_packed >> 24) as usize
    }

    /// Global Accelerator arms: the client's RTT to its edge.
    #[inline(always)]
    fn edge_rtt(&self) -> Micros {
        Micros::from(self.edge_packed & EDGE_RTT_MASK)
    }
}

/// Per-cache state: 40 bytes. One per resolver, or, for a class that sends ECS under a
/// latency- or geolocation-routed arm, one per (resolver, client subnet) (see [`ecs_scoped`]).
#[derive(Clone, Copy)]
struct Resolver {
    /// Client area the resolver's clients are in.
    area: u16,
    exp: Micros,
    /// Lifetime the entry was stored with; 0 = no entry.
    life: Micros,
    queries: u32,
    /// Shard-local index of the resolver this cache belongs to.
    owner: u32,
    /// The ECS subnet this entry is scoped to (0 without ECS).
    subnet: u32,
    answer: Answer,
    class: u8,
    /// Index into the TTL policy table (`Mixes::policies`).
    policy: u8,
}

// The memory budget per client and per cache (scale bench): checked at compile time. A
// cache is 40 bytes since answers are 32-bit (multivalue record sets); ECS subnets add a
// cache per `clients_per_subnet` clients.
const _: () = assert!(size_of::<Client>() == 64);
const _: () = assert!(size_of::<Resolver>() == 40);

/// Does class `class` cache per ECS subnet under this arm? Route 53 uses the client subnet
/// only for location-based policies (R53-DG `routing-policy-edns0.md`: latency, geolocation;
/// geoproximity too: "Amazon Route 53 uses the edns-client-subnet extension of EDNS0", else
/// "the resolver's IP address", AWS knowledge center `route-53-geoproximity-routing-console`),
/// and an authoritative answer that does not depend on the client's address carries SCOPE
/// PREFIX-LENGTH 0, which the resolver caches for all its clients (RFC 7871 §7.2.1; that Route
/// 53 follows it for its other policies is ASSUMED). So only latency- and geolocation-routed Route 53
/// arms split caches; a Global Accelerator's name always answers the same static addresses.
pub fn ecs_scoped(ctx: &ArmContext<'_>, class: usize) -> bool {
    ctx.geo.class_subnet[class] > 0
        && matches!(ctx.control, ArmControl::Route53(c)
            if matches!(c.policy, crate::config::Policy::Latency | crate::config::Policy::Geolocation | crate::config::Policy::Geoproximity))
}

/// How long a resolver of class `class` with TTL policy `policy` caches `answer`: a no-answer
/// (NODATA) as RFC 2308 says, min(SOA TTL, SOA MINIMUM), under the resolver's own negative cap
/// (`config::NegativeCaching`); an answer with records under the TTL policy.
#[inline]
fn cache_life(ctx: &ArmContext<'_>, answer: Answer, class: usize, policy: usize) -> Micros {
    if answer == crate::controlplane::NO_ANSWER {
        ctx.world.params().negative.ttl(class)
    } else {
        ctx.mixes.policies[policy].apply(ctx.control.dns_ttl())
    }
}

/// A request between a failed attempt and its next step.
#[derive(Clone, Copy)]
struct Slot {
    client: u32,
    issue: Micros,
    retries_left: u32,
    /// No retries left: the event declares the request failed.
    final_failure: bool,
    /// Multivalue: the cached answer being worked through and the address to try next
    /// (`next_addr` 0 = resolve afresh: a retry, or the request's failure).
    answer: Answer,
    next_addr: u8,
}

struct Shard<'a> {
    ctx: &'a ArmContext<'a>,
    clients: Vec<Client>,
    resolvers: Vec<Resolver>,
    first_client: u64,
    first_resolver: u64,
    heap: CalendarQueue,
    err_rng: Rng,
    slots: Vec<Slot>,
    free_slots: Vec<u32>,
    out: ShardResult,
    /// The latency histograms' counters, drained into `out` at the end.
    lat: LatencyCounts,
    ttl: Micros,
    /// Lockstep only: per region, attempts received and shed in the current step.
    load: Vec<crate::overload::RegionLoad>,
    shed_rng: Rng,
    swept: bool,
    events: u64,
    ran_ahead: u64,
    requests: crate::requests::RequestProcess,
    /// `ctx.bin` as a multiply-and-shift divisor (exact for every u64: a 128-bit reciprocal,
    /// Lemire, Kaser and Kurz, "Faster remainder by direct computation", 2019): a hardware
    /// 64-bit division per bin lookup, three or four per request, was 2.7 % of a one-pass
    /// run's instructions and tens of cycles each.
    bin_div: StrengthReducedU64,
}

/// A shard's latency counters, one per latency histogram of its result
/// ([`FlatCounts`]: the same counts, recorded in a few instructions).
#[derive(Clone)]
struct LatencyCounts {
    all: FlatCounts,
    failure: FlatCounts,
    /// Per resolver class, for the classes the result has a part for.
    classes: Vec<Option<FlatCounts>>,
}

impl LatencyCounts {
    fn new(out: &ShardResult) -> LatencyCounts {
        LatencyCounts {
            all: FlatCounts::like(&out.latency),
            failure: FlatCounts::like(&out.failure_latency),
            classes: Vec::new(),
        }
    }

    /// Counters for every class part `out` has.
    fn cover(&mut self, out: &ShardResult) {
        if self.classes.len() < out.classes.len() {
            self.classes.resize_with(out.classes.len(), || None);
        }
        for (f, k) in self.classes.iter_mut().zip(&out.classes) {
            if let (None, Some(k)) = (&f, k) {
                *f = Some(FlatCounts::like(&k.latency));
            }
        }
    }

    /// Add the counts to `out`'s histograms and clear them.
    fn drain_into(&mut self, out: &mut ShardResult) {
        self.all.drain_into(&mut out.latency);
        self.failure.drain_into(&mut out.failure_latency);
        for (f, k) in self.classes.iter_mut().zip(&mut out.classes) {
            if let (Some(f), Some(k)) = (f, k) {
                f.drain_into(&mut k.latency);
            }
        }
    }
}

/// What a worker runs its shards into ([`run_shard_into`]): their summed result, and the
/// latency counters each shard fills and empties at its end, kept for the next one.
pub struct Accumulator {
    pub result: ShardResult,
    counts: Option<LatencyCounts>,
}

impl Accumulator {
    /// Nothing yet, with `nbins` curve bins.
    pub fn new(nbins: usize) -> Accumulator {
        Accumulator {
            result: ShardResult::empty(nbins),
            counts: None,
        }
    }
}

/// Run one shard under one arm.
pub fn run_shard(ctx: &ArmContext<'_>, spec: &ShardSpec) -> ShardResult {
    run_shard_into(ctx, spec, Accumulator::new(ctx.nbins)).result
}

/// Run one shard under one arm, adding its figures to `acc` (with `ctx.nbins` bins, empty or
/// holding other shards' figures): exactly `acc` merged with [`run_shard`]'s result, since
/// every figure is a sum, a histogram count or a coalesced key list. One accumulator per
/// worker saves allocating and zeroing a result per shard: about 1.2 MB of histogram
/// counters with two resolver classes, mostly the 30-day `rto` and `stale_until` ones, which
/// passed through the L2 cache at every shard.
pub fn run_shard_into(ctx: &ArmContext<'_>, spec: &ShardSpec, acc: Accumulator) -> Accumulator {
    let mut shard = new_shard(ctx, spec, acc);
    shard.start();
    shard.run_until(Micros::MAX);
    shard.end()
}

/// A shard whose event loop runs in steps (lockstep arms, `overload.rs`): between steps its
/// state persists and its context (control plane, overload state) may be replaced.
pub struct SteppedShard<'a>(Shard<'a>);

impl<'a> SteppedShard<'a> {
    pub fn new(ctx: &'a ArmContext<'a>, spec: &ShardSpec) -> SteppedShard<'a> {
        let mut shard = new_shard(ctx, spec, Accumulator::new(ctx.nbins));
        shard.load = vec![Default::default(); ctx.overload.map_or(0, <[_]>::len)];
        shard.heap.set_cold(true);
        shard.start();
        SteppedShard(shard)
    }

    /// Process every event before `until` under `ctx`; returns this step's load per region
    /// and resets it.
    pub fn run_until(
        &mut self,
        ctx: &'a ArmContext<'a>,
        until: Micros,
    ) -> Vec<crate::overload::RegionLoad> {
        self.0.ctx = ctx;
        self.0.run_until(until);
        let zero = vec![Default::default(); self.0.load.len()];
        std::mem::replace(&mut self.0.load, zero)
    }

    /// Finish after the last step (cohort sweep if the failure was never reached, RTOs).
    pub fn into_result(self) -> ShardResult {
        self.0.end().result
    }
}

/// As a window of events is loaded, ask for the clients they will touch (a retry's through
/// its slot, which this reads): the window's cache misses then overlap.
#[inline(always)]
fn prefetch_event(clients: &[Client], slots: &[Slot], v: u32) {
    let c = if v & RETRY_BIT == 0 {
        v as usize
    } else {
        slots
            .get((v & !RETRY_BIT) as usize)
            .map_or(usize::MAX, |s| s.client as usize)
    };
    if let Some(cl) = clients.get(c) {
        prefetch_line(cl);
    }
}

fn new_shard<'a>(ctx: &'a ArmContext<'a>, spec: &ShardSpec, acc: Accumulator) -> Shard<'a> {
    let Accumulator {
        result: mut out,
        counts,
    } = acc;
    let n = (spec.clients.end - spec.clients.start) as usize;
    assert!(n < RETRY_BIT as usize, "shard too large");
    let mut clients = Vec::with_capacity(n);
    let mut resolvers = Vec::with_capacity(spec.resolvers.len());
    let warm_rng = Rng::new(ctx.seed, Stream::ResolverWarm);
    let client_rng = Rng::new(ctx.seed, Stream::ClientWarm);
    let rate_per_us = ctx.clients.request_rate / SEC as f64;
    for (ri, r) in spec.resolvers.iter().enumerate() {
        let size = r.clients.end - r.clients.start;
        let class = r.class as usize;
        let behaviour = ctx.classes[class];
        let area = r
            .area
            .map_or_else(|| ctx.geo.resolver_area(r.id), usize::from);
        let seen = ctx.geo.class_seen[class][area] as usize;
        // One cache, or one per ECS subnet of `per_subnet` consecutive clients.
        let per_subnet = if ecs_scoped(ctx, class) {
            u64::from(ctx.geo.class_subnet[class])
        } else {
            size.max(1)
        };
        // One TTL policy per resolver (drawn from its class's mix), shared by its subnets.
        let policy = ctx.mixes.resolver_policy(r.class, r.id);
        let first_row = resolvers.len();
        for subnet in 0..size.div_ceil(per_subnet).max(1) {
            let mut res = Resolver {
                area: area as u16,
                exp: 0,
                life: 0,
                queries: 0,
                owner: ri as u32,
                subnet: subnet as u32,
                answer: 0,
                class: r.class,
                policy,
            };
            if ctx.warm {
                // The cache's query rate is taken as all its clients' request rate: stub and
                // app caches and connection reuse only lower it, so this slightly overstates
                // presence.
                let answer = ctx.control.answer(r.id, seen, subnet << 32, 0);
                let life = cache_life(ctx, answer, r.class as usize, policy as usize);
                let members = per_subnet.min(size - (subnet * per_subnet).min(size));
                let lambda = members as f64 * rate_per_us;
                let (u1, u2) = (
                    warm_rng.uniform(r.id, 2 * subnet),
                    warm_rng.uniform(r.id, 2 * subnet + 1),
                );
                if let Some(exp) = behaviour.stationary_entry(life, lambda, u1, u2) {
                    res.exp = exp.max(0) as Micros;
                    res.life = life;
                    res.answer = answer;
                    res.queries = 1;
                }
            }
            resolvers.push(res);
        }
        for gid in r.clients.clone() {
            let row = first_row + ((gid - r.clients.start) / per_subnet) as usize;
            let res = resolvers[row];
            let edge_packed = match ctx.control {
                ArmControl::GlobalAccelerator(_) => {
                    let (e, ms) = ctx.geo.client_edge(gid, area);
                    debug_assert!(e < 256);
                    let us = ((ms * 1000.0) as u32).min(EDGE_RTT_MASK);
                    ((e as u32) << 24) | us
                }
                ArmControl::Route53(_) => 0,
            };
            let mut client = Client {
                edge_packed,
                stub_exp: 0,
                app_exp: 0,
                conn_until: 0,
                ctr: 0,
                res: row as u32,
                stale_ms: 0,
                stub_ans: 0,
                app_ans: 0,
                conn_region: NONE_U8,
                last_ok_region: NONE_U8,
                flags: 0,
                stub: ctx.mixes.client_stub(gid),
                soft: ctx.mixes.client_software(gid),
                left: 0,
                gap: 0,
                pending: 0,
            };
            // The app cache's entry lifetime: fixed, or for a TTL floor the arm's TTL floored
            // (resolvers that extend TTLs make it longer: the warm-up settles the rest).
            let app_life = ctx.mixes.software[client.soft as usize]
                .app
                .life(ctx.control.dns_ttl());
            if let (true, Some((ttl, _))) = (ctx.warm, app_life) {
                // Same renewal argument per client: present with probability L / (L + mean
                // gap), remaining life uniform on [0, L]. (Long-lived app caches such as
                // jvm-forever cannot be warmed up by simulation.)
                let life = ttl as f64;
                let p = life / (life + 1.0 / rate_per_us);
                if client_rng.uniform(gid, 0) < p {
                    client.app_exp = (client_rng.uniform(gid, 1) * life) as Micros;
                    client.app_ans = if res.life > 0 {
                        res.answer
                    } else {
                        ctx.control
                            .answer(r.id, seen, u64::from(res.subnet) << 32, 0)
                    };
                }
            }
            clients.push(client);
        }
    }
    // With one class its figures are the arm's: no per-class histograms to fill.
    debug_assert_eq!(out.bins.len(), ctx.nbins);
    out.prepare_classes(
        if ctx.classes.len() > 1 {
            ctx.classes.len()
        } else {
            0
        },
        |k| spec.resolvers.iter().any(|r| r.class as usize == k),
    );
    let mut lat = counts.unwrap_or_else(|| LatencyCounts::new(&out));
    lat.cover(&out);
    Shard {
        ctx,
        clients,
        resolvers,
        first_client: spec.clients.start,
        first_resolver: spec.resolvers.first().map_or(0, |r| r.id),
        heap: CalendarQueue::for_density(n as f64 * rate_per_us, 1.0 / rate_per_us),
        err_rng: Rng::new(ctx.seed, Stream::AttemptError),
        slots: Vec::new(),
        free_slots: Vec::new(),
        out,
        lat,
        ttl: ctx.control.dns_ttl(),
        load: Vec::new(),
        shed_rng: Rng::new(ctx.seed, Stream::AttemptShed),
        swept: false,
        events: 0,
        ran_ahead: 0,
        bin_div: StrengthReducedU64::new(ctx.bin),
        requests: crate::requests::RequestProcess::new(
            ctx.clients.pattern,
            ctx.clients.request_rate,
            ctx.seed,
        ),
    }
}

impl Shard<'_> {
    #[inline(always)]
    fn bin_of(&self, t: Micros) -> usize {
        debug_assert_eq!(self.bin_div.get(), self.ctx.bin);
        ((t - self.ctx.start) / self.bin_div) as usize
    }

    #[inline(always)]
    fn recorded(&self, t: Micros) -> bool {
        t >= self.ctx.start && t < self.ctx.end
    }

    /// Where client `c`'s request issued at `issue` is counted, worked out once at its issue
    /// for all its attempts and its outcome (the cohort is marked before any event at or after
    /// the failure time and never unmarked, so it reads the same then as at its completion).
    #[inline(always)]
    fn tally(&self, c: usize, issue: Micros) -> Tally {
        let counted = self.recorded(issue);
        Tally {
            bin: if counted { self.bin_of(issue) } else { 0 },
            counted,
            cohort: counted && self.in_cohort_window(c, issue),
        }
    }

    /// Schedule every client's first request.
    fn start(&mut self) {
        for i in 0..self.clients.len() {
            let gid = self.first_client + i as u64;
            let first = self.requests.first(gid);
            let cl = &mut self.clients[i];
            cl.ctr = first.ctr;
            cl.left = first.left;
            cl.gap = self.requests.gap(gid, first.ctr, &mut cl.left);
            self.heap.push(first.at, i as u32);
        }
    }

    /// Process every event before `until` (resumable: state persists between calls).
    fn run_until(&mut self, until: Micros) {
        let requests = self.requests;
        let fail_at = self.ctx.failure.map_or(Micros::MAX, |f| f.at);
        let mut swept = self.swept;
        let mut events = 0u64;
        let mut ran_ahead = 0u64;
        loop {
            let (clients, slots) = (&self.clients, &self.slots);
            let Some((t, v)) = self.heap.pop_before(until, |v| {
                prefetch_event(clients, slots, v);
            }) else {
                break;
            };
            events += 1;
            if !swept && t >= fail_at {
                self.sweep_cohort();
                swept = true;
            }
            if v & RETRY_BIT == 0 {
                if t >= self.ctx.end {
                    continue; // this client issues nothing more
                }
                let c = v as usize;
                let gid = self.first_client + c as u64;
                // The gap was drawn one request ahead (keyed `ctr`, as it would be now), so
                // the next time is known at once. The next gap (keyed `ctr` + 1) is drawn
                // during the request: it depends on nothing the attempt does, so the two
                // overlap; exponential gaps start the draw after it one request earlier still
                // (`ExpDraw`: each half of the chain then fits in the core's window).
                let mut t = t;
                if requests.exponential_gaps() {
                    let mut draw = requests.gap_start(gid, self.clients[c].ctr + 1);
                    loop {
                        let cl = &mut self.clients[c];
                        let next = t.saturating_add(cl.gap);
                        let ctr = cl.ctr + 1;
                        cl.ctr = ctr;
                        cl.gap = requests.gap_finish(draw);
                        draw = requests.gap_start(gid, ctr + 1);
                        if !self.request(c, t, next, until, swept || next < fail_at) {
                            self.heap.push_staged(next, v);
                            break;
                        }
                        (events, ran_ahead, t) = (events + 1, ran_ahead + 1, next);
                    }
                } else {
                    loop {
                        let cl = &mut self.clients[c];
                        let next = t.saturating_add(cl.gap);
                        let ctr = cl.ctr + 1;
                        cl.ctr = ctr;
                        cl.gap = requests.gap(gid, ctr, &mut cl.left);
                        if !self.request(c, t, next, until, swept || next < fail_at) {
                            self.heap.push_staged(next, v);
                            break;
                        }
                        (events, ran_ahead, t) = (events + 1, ran_ahead + 1, next);
                    }
                }
            } else {
                let s = (v & !RETRY_BIT) as usize;
                let slot = self.slots[s];
                self.free_slots.push(s as u32);
                let c = slot.client as usize;
                let p = &mut self.clients[c].pending;
                if *p != u8::MAX {
                    *p -= 1;
                }
                let tally = self.tally(c, slot.issue);
                if slot.final_failure {
                    self.finish(c, slot.issue, t, false, 0, tally);
                } else {
                    let pinned = (slot.next_addr > 0).then_some((slot.answer, slot.next_addr));
                    self.attempt(c, t, slot.issue, slot.retries_left, pinned, tally);
                }
            }
        }
        self.swept = swept;
        self.events += events;
        self.ran_ahead += ran_ahead;
    }

    /// Client `c`'s request issued at `t` (its counter and gap already advanced): count it,
    /// make its first attempt, and say whether its next one, at `next`, runs ahead
    /// ([`Shard::runs_ahead`]).
    #[inline(always)]
    fn request(&mut self, c: usize, t: Micros, next: Micros, until: Micros, ok: bool) -> bool {
        let tally = self.tally(c, t);
        if tally.counted {
            let bin = &mut self.out.bins[tally.bin];
            bin.requests += 1;
            bin.cohort_requests += tally.cohort as u64;
        }
        self.attempt(c, t, t, self.ctx.clients.retries, None, tally);
        self.runs_ahead(c, next, until, ok)
    }

    /// May client `c`'s next request, due at `next`, run now, ahead of the queue's other
    /// events before `next`, with every output as if it had waited its turn?
    ///
    /// It may when nothing another event does before `next` can change what it does, and what
    /// it does changes nothing another event reads before the end of the run:
    /// - it goes over the kept-alive connection (`next < conn_until`), so it reads no resolver
    ///   cache, and to a region that is up or draining at `next` with no overload shedding:
    ///   the attempt succeeds, so it takes no retry slot (whose pool position orders
    ///   equal-time retries) and schedules nothing;
    /// - the client has no retry events pending (`pending`), so no other event reads or
    ///   writes its state before `next`;
    /// - `next` is before `until` (a lockstep step's end: the control plane, the world and the
    ///   overload state are those of this step), before `end`, and not at or after the failure
    ///   while the cohort is unmarked (`before_sweep_ok`: the sweep reads every client's last
    ///   region at the first event at or after it);
    /// - everything else it writes is a sum (bin counters, latency counts, histograms, region
    ///   loads) or the client's own state, read by its own next request, which runs after it
    ///   either way; every draw is keyed by client and counter, not by the order of draws.
    #[inline(always)]
    fn runs_ahead(&self, c: usize, next: Micros, until: Micros, before_sweep_ok: bool) -> bool {
        let cl = &self.clients[c];
        if !(self.ctx.run_ahead && next < until && next < self.ctx.end && before_sweep_ok)
            || cl.pending != 0
            || next >= cl.conn_until
        {
            return false;
        }
        let region = cl.conn_region as usize;
        matches!(
            self.ctx.world.state(region, next),
            RegionState::Up | RegionState::Draining
        ) && self.ctx.overload.is_none_or(|ov| ov[region].shed <= 0.0)
    }

    /// After the last event: the cohort sweep if the failure was never reached, the RTOs, the
    /// latency counts.
    fn end(mut self) -> Accumulator {
        if self.ctx.failure.is_some() {
            if !self.swept {
                self.sweep_cohort();
            }
            self.finalize_rto();
            self.finalize_stale_until();
        }
        self.out.events += self.events;
        self.out.ran_ahead += self.ran_ahead;
        self.lat.drain_into(&mut self.out);
        Accumulator {
            result: self.out,
            counts: Some(self.lat),
        }
    }

    /// Cohort (METRICS.md): clients whose most recent ok request before the failure time was
    /// served by the region that fails first.
    fn sweep_cohort(&mut self) {
        let Some(f) = self.ctx.failure else { return };
        let mut n = 0;
        let mut keys: Vec<(u64, u64)> = Vec::new();
        for c in &mut self.clients {
            if c.last_ok_region as usize == f.region {
                c.flags |= F_COHORT;
                n += 1;
                let key = match self.ctx.control {
                    ArmControl::Route53(_) => {
                        self.first_resolver + u64::from(self.resolvers[c.res as usize].owner)
                    }
                    ArmControl::GlobalAccelerator(_) => c.edge() as u64,
                };
                keys.push((key, 1));
                let class = self.resolvers[c.res as usize].class as usize;
                if let Some(k) = self.out.class_mut(class) {
                    k.cohort_clients += 1;
                }
            }
        }
        self.out.cohort_clients += n;
        coalesce_keys(&mut keys);
        self.out.add_keys(&keys);
    }

    /// Is a request issued at `issue` by client `c` a cohort request (issued at or after the
    /// failure time)?
    #[inline(always)]
    fn in_cohort_window(&self, c: usize, issue: Micros) -> bool {
        self.clients[c].flags & F_COHORT != 0 && self.ctx.failure.is_some_and(|f| issue >= f.at)
    }

    /// One attempt of a request issued at `issue`, made at `t`. `pinned` = `(answer, k)`: the
    /// next address (`k`-th) of a multivalue answer after a failed connect, a new attempt
    /// without a new resolution and without using a retry.
    #[inline(always)]
    fn attempt(
        &mut self,
        c: usize,
        t: Micros,
        issue: Micros,
        retries_left: u32,
        pinned: Option<(Answer, u8)>,
        tally: Tally,
    ) {
        let ctx = self.ctx;
        let Tally {
            bin,
            counted,
            cohort,
        } = tally;

        let cl = self.clients[c];
        let soft = ctx.mixes.software[cl.soft as usize];
        let area = self.resolvers[cl.res as usize].area as usize;
        let via_conn = pinned.is_none() && t < cl.conn_until;
        let (mut ans, mut dns_us) = (0, 0);
        let addr = pinned.map_or(0, |(_, k)| k);
        if let Some((a, _)) = pinned {
            ans = a;
        } else if !via_conn {
            (ans, dns_us) = self.resolve(c, t);
            if counted {
                let b = &mut self.out.bins[bin];
                b.dns_answers += 1;
                // The accelerator's anycast addresses are never "in" a failed region; a
                // multivalue answer counts by its first address (the one tried first).
                if let ArmControl::Route53(r53) = ctx.control
                    && let Some(rec) = r53.address(ans, 0)
                {
                    let region = r53.records[rec].region;
                    b.dns_answers_failed_region += ctx.world.state(region, t).is_failed() as u64;
                }
            }
        }
        // Where the attempt goes and its path round-trip time (µs). A new connection adds TCP
        // and TLS handshakes (`ModelParams::tls_round_trips`, one parameter for every arm).
        let tls = ctx.world.params().tls_round_trips;
        // GA arms: the client-edge RTT (a dead endpoint stalls after the client's TCP
        // handshake with the edge completes).
        let mut ga_edge_us = None;
        let (region, path_us, handshake_us) = match ctx.control {
            ArmControl::Route53(r53) => {
                let region = if via_conn {
                    cl.conn_region as usize
                } else if let Some(rec) = r53.address(ans, addr as usize) {
                    r53.records[rec].region
                } else {
                    // Geolocation with no matching and no default record: no address (NODATA);
                    // no connection is attempted and the request fails once the lookup is
                    // done (retries, if any, re-resolve).
                    self.fail_later(c, issue, t + dns_us, retries_left, None);
                    return;
                };
                let path = ctx.geo.area_region_us(area, region);
                (region, path, crate::latency::direct_handshake_us(path, tls))
            }
            ArmControl::GlobalAccelerator(ga) => {
                let region = if via_conn {
                    cl.conn_region as usize
                } else {
                    let g = ga.select(cl.edge(), self.first_client + c as u64, cl.ctr as u64, t);
                    ga.groups[g].region
                };
                let edge = cl.edge_rtt();
                let backbone = ctx.geo.edge_region_us(cl.edge(), region);
                ga_edge_us = Some(edge);
                // TCP ends at the edge, which opens its own to the endpoint (GA-WN); TLS ends
                // at the load balancer (`latency::ga_handshake_us`).
                let hs = crate::latency::ga_handshake_us(edge, backbone, tls);
                (region, edge + backbone, hs)
            }
        };
        let extra_us = dns_us + if via_conn { 0 } else { handshake_us } + path_us;
        let state = ctx.world.state(region, t);
        // `stale_until_s` (METRICS.md): by attempt time, over the cohort's attempts in the
        // window (the cohort is marked at the failure time, before any event at or after it).
        if let Some(f) = ctx.failure
            && t >= f.at
            && t < f.window_end
            && self.clients[c].flags & F_COHORT != 0
        {
            let cl = &mut self.clients[c];
            if state.is_failed() {
                cl.stale_ms = u32::try_from((t - f.at) / 1000).unwrap_or(u32::MAX);
                cl.flags |= F_STALE_LAST;
            } else {
                cl.flags &= !F_STALE_LAST;
            }
        }
        if counted {
            let b = &mut self.out.bins[bin];
            b.attempts += 1;
            let failed_region = state.is_failed() as u64;
            b.attempts_failed_region += failed_region;
            if cohort {
                b.cohort_attempts += 1;
                b.cohort_attempts_failed_region += failed_region;
            }
        }
        if state.serves() {
            // The region answers; a degraded one answers some attempts with an error (drawn per
            // client and attempt, so arms see the same draws for the same attempts).
            let gid = self.first_client + c as u64;
            let u = match state {
                RegionState::Degraded { .. } => self
                    .err_rng
                    .uniform(gid, (t << 4) | retries_left as u64 | (addr as u64) << 56),
                _ => 1.0,
            };
            let mut ok = state.answers_ok(u, true);
            // Lockstep arms: an overloaded region sheds the attempt as a fast error, or queues it.
            let mut queued = 0;
            if let Some(ov) = ctx.overload {
                let (shed, q) = crate::overload::admit(
                    &ov[region],
                    &mut self.load[region],
                    &self.shed_rng,
                    gid,
                    (t << 4) | retries_left as u64,
                );
                ok &= !shed;
                queued = q;
            }
            let stream = self.requests.stream_life(gid, self.clients[c].ctr);
            let cl = &mut self.clients[c];
            // An error response keeps the connection too. A stream holds its connection for
            // its drawn life whatever the idle limits; other patterns for the idle limit
            // after each use.
            match stream {
                Some(life) if !via_conn => {
                    cl.conn_until = t.saturating_add(life.max(1));
                    cl.conn_region = region as u8;
                }
                Some(_) => {}
                None if soft.idle_limit > 0 => {
                    cl.conn_until = t.saturating_add(soft.idle_limit);
                    cl.conn_region = region as u8;
                }
                None => {}
            }
            if ok {
                cl.last_ok_region = region as u8;
                let added = queued
                    + match state {
                        RegionState::Degraded { added, .. } => added,
                        _ => 0,
                    };
                self.finish(c, issue, t, true, extra_us + added, tally);
                return;
            }
        } else {
            let cl = &mut self.clients[c];
            cl.conn_until = 0;
            if let AppCache::Fixed {
                drop_on_failure: true,
                ..
            } = soft.app
            {
                cl.app_exp = 0; // e.g. Bun drops a cached address when a connection to it fails
            }
        }
        // A failed attempt costs the user its network time too (else a strategy that fails
        // requests fast would look fast): the lookup, then the timeout; or the lookup and one
        // round trip to a refusal (SYN answered by RST); or the whole exchange to an error
        // response (degraded or shedding region).
        let fail_at = match state {
            RegionState::Blackhole if via_conn => t + ctx.clients.request_timeout,
            RegionState::Blackhole => match ga_edge_us {
                // Through an edge: TCP completes with the edge, then the attempt stalls until
                // the request timeout or the edge's backend-connect timeout (`GaDataPath`).
                Some(edge) => {
                    let timeout = ctx.clients.request_timeout;
                    let stall = (ctx.world.params().ga.edge_backend_connect_timeout)
                        .map_or(timeout, |d| d.min(timeout));
                    t + dns_us + edge + stall
                }
                None => t + dns_us + ctx.clients.connect_timeout,
            },
            RegionState::Reset => t + dns_us + path_us,
            _ => t + extra_us,
        };
        // A failed connect (timeout or refusal, not an error response on an open connection)
        // moves on to the next address of a multivalue answer: "client software typically
        // tries another of the IP addresses in the response" (R53-API `MultiValueAnswer`). It
        // is a new attempt, not a retry (METRICS.md). After the last address, retries apply.
        // A client software that tries only the first address (`ClientProfile::next_address`
        // false) goes straight to its retries.
        let connect_failed = !via_conn
            && soft.next_address
            && matches!(state, RegionState::Blackhole | RegionState::Reset);
        let next = match ctx.control {
            ArmControl::Route53(r53) if connect_failed => {
                r53.address(ans, addr as usize + 1).map(|_| (ans, addr + 1))
            }
            _ => None,
        };
        self.fail_later(c, issue, fail_at, retries_left, next);
    }

    /// Schedule what follows a failed attempt at `at`: the next address of a multivalue answer
    /// (`next`), else a retry while retries remain, else the request's failure.
    #[inline]
    fn fail_later(
        &mut self,
        c: usize,
        issue: Micros,
        at: Micros,
        retries_left: u32,
        next: Option<(Answer, u8)>,
    ) {
        let slot = match next {
            Some((answer, next_addr)) => Slot {
                client: c as u32,
                issue,
                retries_left,
                final_failure: false,
                answer,
                next_addr,
            },
            None => Slot {
                client: c as u32,
                issue,
                retries_left: retries_left.saturating_sub(1),
                final_failure: retries_left == 0,
                answer: 0,
                next_addr: 0,
            },
        };
        let s = match self.free_slots.pop() {
            Some(s) => {
                self.slots[s as usize] = slot;
                s
            }
            None => {
                self.slots.push(slot);
                (self.slots.len() - 1) as u32
            }
        };
        let p = &mut self.clients[c].pending;
        *p = p.saturating_add(1);
        self.heap.push(at, s | RETRY_BIT);
    }

    /// Resolve through the application cache, the stub cache, the resolver cache and (on a
    /// miss, a prefetch or a stale answer) the authoritative answer.
    #[inline]
    fn resolve(&mut self, c: usize, t: Micros) -> (Answer, Micros) {
        let cl = self.clients[c];
        let app = self.ctx.mixes.software[cl.soft as usize].app;
        if app == AppCache::None {
            let (answer, us, _) = self.resolve_stub(c, t);
            return (answer, us);
        }
        if t < cl.app_exp {
            return (cl.app_ans, 0);
        }
        // Expired: refresh through the stub. Within the grace period the old answer is used at
        // once while the refresh happens in the background. The entry's life may depend on
        // the TTL the answer arrives with (a TTL floor).
        let (fresh, us, shown) = self.resolve_stub(c, t);
        let (life, grace) = app.life(shown).unwrap_or((0, 0));
        let in_grace = cl.app_exp > 0 && t < cl.app_exp.saturating_add(grace);
        let old = cl.app_ans;
        let cl = &mut self.clients[c];
        cl.app_exp = t.saturating_add(life);
        cl.app_ans = fresh;
        if in_grace { (old, 0) } else { (fresh, us) }
    }

    /// Resolve through the stub cache and the recursive resolver; returns the answer, the
    /// DNS time the client waits (µs) and the TTL the answer reaches the application with (the
    /// stub entry's remaining life on a stub hit, else the TTL the resolver shows).
    #[inline]
    fn resolve_stub(&mut self, c: usize, t: Micros) -> (Answer, Micros, Micros) {
        let cl = self.clients[c];
        if cl.stub_exp > t {
            return (cl.stub_ans, 0, cl.stub_exp - t);
        }
        let ri = cl.res as usize;
        let r = self.resolvers[ri];
        let behaviour = self.ctx.classes[r.class as usize];
        let entry = (r.life > 0).then_some((r.exp, r.life));
        // The client's round trip to its resolver (local: the access-network RTT; a PoP or a
        // central site: the distance model, `Geo::class_to_resolver_us`).
        let to_resolver =
            Micros::from(self.ctx.geo.class_to_resolver_us[r.class as usize][r.area as usize]);
        // Route 53 is always reachable in these scenarios: RFC 8767 stale serving never fires.
        // What the stub gets is the TTL the resolver shows (a program's display rule, or the
        // exact remaining lifetime for a generic resolver: `ResolverBehaviour::shown_ttl`).
        let (answer, shown, dns_us) = match behaviour.lookup(entry, t, true) {
            Lookup::Hit { refresh, .. } => {
                if refresh {
                    self.fetch(ri, t); // in the background: the client does not wait
                }
                let shown = behaviour.shown_ttl(r.exp, r.life, self.ttl, t, false);
                (r.answer, shown, to_resolver)
            }
            Lookup::Stale { reply_ttl } => {
                self.fetch(ri, t);
                (r.answer, reply_ttl, to_resolver)
            }
            Lookup::Miss => {
                self.fetch(ri, t);
                let f = self.resolvers[ri];
                let shown = behaviour.shown_ttl(f.exp, f.life, self.ttl, t, true);
                let to_auth = (RESOLVER_TO_AUTHORITATIVE_RTT_MS * 1000.0) as Micros;
                (f.answer, shown, to_resolver + to_auth)
            }
        };
        if let Some(life) = self.ctx.mixes.stubs[cl.stub as usize].lifetime(shown) {
            let cl = &mut self.clients[c];
            cl.stub_exp = t + life;
            cl.stub_ans = answer;
        }
        (answer, dns_us, shown)
    }

    /// Resolver `ri` queries the authoritative servers at `t` and caches the answer.
    #[inline]
    fn fetch(&mut self, ri: usize, t: Micros) {
        let r = self.resolvers[ri];
        let rid = self.first_resolver + u64::from(r.owner);
        // Latency routing sees the resolver's site, or the client's subnet with ECS (`Geo`).
        // Propagation is keyed by the resolver (one authoritative location for all its
        // subnets), the weighted draw by (subnet, query).
        let seen = self.ctx.geo.class_seen[r.class as usize][r.area as usize] as usize;
        let key = (u64::from(r.subnet) << 32) | u64::from(r.queries);
        let answer = self.ctx.control.answer(rid, seen, key, t);
        let life = cache_life(self.ctx, answer, r.class as usize, r.policy as usize);
        // A real program's whole-second cache clock (software presets) shifts the expiry;
        // generic resolvers are exact.
        let exp = self.ctx.classes[r.class as usize].clock.expiry(t, life);
        let res = &mut self.resolvers[ri];
        res.queries = r.queries.wrapping_add(1);
        res.exp = exp;
        res.life = life;
        res.answer = answer;
        if self.recorded(t) {
            let b = self.bin_of(t);
            self.out.bins[b].auth_queries += 1;
        }
    }

    /// A request's outcome, known at `done`.
    /// `extra_us` is the network time of the successful attempt (DNS, handshakes, exchange),
    /// which the event clock does not advance by.
    #[inline(always)]
    fn finish(
        &mut self,
        c: usize,
        issue: Micros,
        done: Micros,
        ok: bool,
        extra_us: Micros,
        tally: Tally,
    ) {
        if !tally.counted {
            return;
        }
        let (b, cohort) = (tally.bin, tally.cohort);
        let latency = done - issue + extra_us;
        let class = self.resolvers[self.clients[c].res as usize].class as usize;
        match self.ctx.failure {
            Some(f) if issue >= f.at => {
                if cohort && issue < f.window_end {
                    self.lat.failure.record(latency);
                }
            }
            _ => {
                self.lat.all.record(latency);
                if let Some(Some(k)) = self.lat.classes.get_mut(class) {
                    k.record(latency);
                }
            }
        }
        let bin = &mut self.out.bins[b];
        if ok {
            bin.ok += 1;
            bin.cohort_ok += cohort as u64;
        } else {
            bin.failed += 1;
        }
        let Some(f) = self.ctx.failure else { return };
        if !cohort || issue >= f.window_end {
            return;
        }
        // RTO (METRICS.md): time from the failure to the client's first ok request after its
        // first failed one. "After" is by completion time: the first request that completes ok
        // after the first request that completes failed.
        let cl = &mut self.clients[c];
        if ok {
            if cl.flags & F_FAILED != 0 && cl.flags & F_RECOVERED == 0 {
                cl.flags |= F_RECOVERED;
                let rto = (done - f.at).min(f.window_end - f.at);
                // Saturating: windows longer than the histogram's 30 days count as 30 days.
                self.out.rto.saturating_record(rto.max(1));
                if let Some(k) = self.out.class_mut(class) {
                    k.rto.saturating_record(rto.max(1));
                }
            }
        } else {
            cl.flags |= F_FAILED;
        }
    }

    /// `stale_until_s` per cohort client: its last stale attempt's time after the failure (0
    /// if none), or the window's length when its last attempt in the window was stale.
    fn finalize_stale_until(&mut self) {
        let Some(f) = self.ctx.failure else { return };
        let window = f.window_end - f.at;
        for c in &self.clients {
            if c.flags & F_COHORT == 0 {
                continue;
            }
            if c.flags & F_STALE_LAST != 0 {
                self.out.stale_until.saturating_record(window);
                self.out.never_left += 1;
            } else {
                let us = Micros::from(c.stale_ms) * 1000;
                self.out.stale_until.saturating_record(us.min(window));
            }
        }
    }

    /// Cohort clients with no failed request in the window have RTO 0; those still failing at
    /// the window's end count as the window's length and as never recovered.
    fn finalize_rto(&mut self) {
        let Some(f) = self.ctx.failure else { return };
        let window = f.window_end - f.at;
        for c in &self.clients {
            if c.flags & F_COHORT == 0 {
                continue;
            }
            let class = self
                .out
                .classes
                .get_mut(self.resolvers[c.res as usize].class as usize)
                .and_then(Option::as_mut);
            if c.flags & F_FAILED == 0 {
                self.out.rto.saturating_record(0);
                if let Some(k) = class {
                    k.rto.saturating_record(0);
                }
            } else if c.flags & F_RECOVERED == 0 {
                self.out.rto.saturating_record(window.max(1));
                self.out.never_recovered += 1;
                if let Some(k) = class {
                    k.rto.saturating_record(window.max(1));
                    k.never_recovered += 1;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `Shard::bin_div` divides exactly like `/`, for the workloads' bin widths and odd ones,
    /// at times up to the largest.
    #[test]
    fn reduced_bin_division_is_exact() {
        let rng = Rng::new(3, Stream::RequestTimes);
        for bin in [
            1u64,
            7,
            1_000_000,
            5_000_000,
            10_000_000,
            60_000_000,
            999_999_937,
        ] {
            let d = StrengthReducedU64::new(bin);
            for i in 0..20_000u64 {
                let t = match i {
                    0 => 0,
                    1 => u64::MAX,
                    2 => bin - 1,
                    3 => bin,
                    _ => rng.bits(i, bin) >> (i % 64),
                };
                assert_eq!(t / d, t / bin, "{t} / {bin}");
            }
        }
    }
}
