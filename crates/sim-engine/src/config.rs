//! The validated, typed form of a workload (see docs/workload.md).
//!
//! The engine only ever sees these types: the TOML loader with its key-path errors lives in
//! the `gtsim` crate. Region references are indices into [`Workload::regions`]; times and
//! durations are integer microseconds ([`Micros`]).

use crate::Micros;
pub use resolver_models::{
    AppCache, CacheClock, ResolverBehaviour, StubCache, StubMix, TtlDisplay, TtlMix, TtlPolicy,
};

/// A whole scenario: one world, what goes wrong in it, and the arms compared on it.
#[derive(Debug, Clone, PartialEq)]
pub struct Workload {
    pub name: String,
    pub description: Option<String>,
    pub simulation: Simulation,
    pub regions: Vec<Region>,
    /// World client settings; each arm carries its own copy with overrides applied.
    pub clients: Clients,
    pub resolvers: Vec<ResolverClass>,
    pub failures: Vec<Failure>,
    pub arms: Vec<Arm>,
    /// Timed operator actions (drains, ramps, dial changes), in time order.
    pub actions: Vec<Action>,
}

/// A timed operator action on one arm (workload `[[actions]]`).
#[derive(Debug, Clone, PartialEq)]
pub struct Action {
    pub at: Micros,
    /// Index into [`Workload::arms`].
    pub arm: usize,
    pub target: ActionTarget,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ActionTarget {
    /// Set a Route 53 weighted record's weight (0-255).
    RecordWeight { record: usize, weight: u32 },
    /// Set a Global Accelerator endpoint group's traffic dial (0-100 %).
    TrafficDial { group: usize, dial: f64 },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Simulation {
    /// Simulated time recorded (after the internal warm-up).
    pub duration: Micros,
    pub seed: u64,
    pub clients: u64,
    /// Width of a `curve.csv` bin.
    pub bin: Micros,
    /// Start caches, connections and health checkers in their stationary state.
    pub warm_start: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Region {
    /// AWS region code, e.g. `us-east-1`.
    pub name: String,
    pub lat: f64,
    pub lon: f64,
    /// Optional capacity with its overload model (`regions[].capacity_rps`, `overload`): when
    /// any region has one, the arm runs in lockstep (see `overload.rs`).
    pub capacity_rps: Option<Capacity>,
}

/// A region's capacity and how it degrades beyond it (`regions[].capacity_rps` and
/// `regions[].overload`). The model is an ASSUMPTION throughout: see `overload.rs`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Capacity {
    /// Requests (attempts) per second the region serves at `at_clients` simulated clients.
    pub rps: f64,
    /// `simulation.clients` as written in the workload: a run at another client count
    /// (`--clients`) scales the capacity in proportion, so the load ratio is kept.
    pub at_clients: u64,
    /// Queueing latency added to every request the region accepts while it sheds load.
    pub added_latency: Micros,
    /// Do health probes of an overloaded region fail with the shed probability (default true:
    /// shedding happens at the front door every probe passes through)?
    pub shed_probes: bool,
}

impl Capacity {
    /// Capacity in attempts per second for a run of `clients` simulated clients.
    pub fn rps_for(&self, clients: u64) -> f64 {
        self.rps * clients as f64 / self.at_clients.max(1) as f64
    }
}

/// Client behaviour: request process, caches, connection reuse, timeouts.
#[derive(Debug, Clone, PartialEq)]
pub struct Clients {
    /// Built-in geography preset name (only `world-internet-users` so far).
    pub geography: String,
    /// Mean requests per second per client (Poisson).
    pub request_rate: f64,
    pub stub_cache: StubCache,
    /// A named mix of stub caches (`stub_cache = "os-default"` and other presets): each client
    /// draws one (see [`crate::mixes`]); when set, `stub_cache` is unused.
    pub stub_mix: Option<StubMix>,
    /// Application-level cache in front of the stub (browser, runtime).
    pub app_cache: AppCache,
    /// Idle time after which a kept-alive connection is not reused; 0 = no reuse. The
    /// effective limit is also bounded by the endpoint's load balancer idle timeout.
    pub keepalive_idle: Micros,
    pub connect_timeout: Micros,
    /// An exchange on an open connection that gets no answer fails after this.
    pub request_timeout: Micros,
    /// Re-resolutions after a failed attempt.
    pub retries: u32,
    pub bytes_per_request: u64,
    /// Public-Internet route length over great-circle length for client paths (to regions,
    /// and to Global Accelerator edges); default [`crate::latency::INTERNET_PATH_STRETCH`]
    /// (2.1, Bozkurt et al. 2018; see `docs/latency-model.md`). A world setting.
    pub path_stretch: f64,
}

impl Default for Clients {
    /// The defaults of `docs/workload.md` ("Required keys and defaults").
    fn default() -> Self {
        Clients {
            geography: "world-internet-users".into(),
            request_rate: 1.0 / 30.0,
            stub_cache: StubCache::None,
            stub_mix: None,
            app_cache: AppCache::None,
            keepalive_idle: 0,
            connect_timeout: 3 * crate::SEC,
            request_timeout: 10 * crate::SEC,
            retries: 0,
            bytes_per_request: 50_000,
            path_stretch: crate::latency::INTERNET_PATH_STRETCH,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Placement {
    Local,
    PublicAnycast,
    Central,
}

/// Serve-stale behaviour of a resolver class (see [`resolver_models::StaleMode`]).
pub type ServeStale = resolver_models::StaleMode;

/// A class of recursive resolvers.
#[derive(Debug, Clone, PartialEq)]
pub struct ResolverClass {
    pub name: String,
    /// Share of clients (not of resolvers) using this class.
    pub share: f64,
    pub placement: Placement,
    pub ecs: bool,
    /// Mean clients per resolver: sets how many resolvers the class has.
    pub clients_per_resolver: u32,
    pub ttl: TtlPolicy,
    pub prefetch: bool,
    pub serve_stale: ServeStale,
    /// `ttl = { mode = "distribution", preset }`: each resolver of the class draws its TTL
    /// policy from this mix (see [`crate::mixes`]); when set, `ttl` is unused.
    pub ttl_mix: Option<TtlMix>,
    /// Cache-clock arithmetic of the class's resolvers: exact for a generic resolver; a real
    /// program's whole-second clock for the software population presets
    /// (`resolver_models::Software::clock`).
    pub clock: CacheClock,
    /// The TTL the class's resolvers show clients (and so what stub caches behind them get):
    /// exact for a generic resolver; a real program's rule for the software population
    /// presets (`resolver_models::Software::display`).
    pub display: TtlDisplay,
    /// Where the class's resolvers sit and how ECS splits their caches (`location`,
    /// `caches_per_pop`, `clients_per_subnet`); see [`Siting`].
    pub siting: Siting,
}

/// Placement parameters of a resolver class beyond `placement` and `ecs`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Siting {
    /// `placement = "central"`: where the resolvers sit, `(lat, lon)` in degrees. `None` = the
    /// workload's first region (a corporate resolver in the company's home region: ASSUMED
    /// default, printed in the run's assumptions).
    pub location: Option<(f64, f64)>,
    /// `placement = "public-anycast"`: independent caches per PoP for each client area the PoP
    /// serves. Not published by any public resolver: ASSUMED, default
    /// [`DEFAULT_CACHES_PER_POP`], printed in the run's assumptions.
    pub caches_per_pop: u32,
    /// `ecs = true`: clients of the service per ECS subnet (one cache entry per subnet). Route
    /// 53's ECS prefix length is not documented (`shared/research/route53-ga.md` B, "\[U\]") and
    /// Google sends /24s (`ttl-behaviour.md` §5); how many of one service's clients share a /24
    /// is not published: ASSUMED, default [`DEFAULT_CLIENTS_PER_SUBNET`], printed.
    pub clients_per_subnet: u32,
}

/// ASSUMED (no published figure): independent caches per public-resolver PoP and client area.
pub const DEFAULT_CACHES_PER_POP: u32 = 4;
/// ASSUMED (no published figure): a service's clients per ECS subnet (/24).
pub const DEFAULT_CLIENTS_PER_SUBNET: u32 = 8;

impl Default for Siting {
    fn default() -> Self {
        Siting {
            location: None,
            caches_per_pop: DEFAULT_CACHES_PER_POP,
            clients_per_subnet: DEFAULT_CLIENTS_PER_SUBNET,
        }
    }
}

impl ResolverClass {
    /// The caching behaviour of this class's resolvers.
    pub fn behaviour(&self) -> ResolverBehaviour {
        ResolverBehaviour {
            ttl: self.ttl,
            prefetch: self.prefetch,
            serve_stale: self.serve_stale,
            // Exact for a generic class; a real program's whole-second clock and TTL display
            // for the software presets (resolver_models::software).
            clock: self.clock,
            display: self.display,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HardMode {
    /// Connections and probes time out.
    Blackhole,
    /// Connections are refused at once.
    Reset,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum FailureKind {
    /// The endpoint is gone.
    Hard(HardMode),
    /// A planned move away: the region keeps serving, but its traffic counts as stale routing.
    Drain,
    /// Degraded: each attempt and each probe fails with `error_rate` (an error response, at
    /// once), and served requests take `added_latency` longer.
    Brownout {
        error_rate: f64,
        added_latency: Micros,
    },
    /// Grey: serves errors at `error_rate` while shallow health checks (a `/healthz` that only
    /// says the process is up, seed 000) still pass; deep checks see the errors.
    Grey {
        error_rate: f64,
        added_latency: Micros,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Failure {
    /// Index into [`Workload::regions`].
    pub region: usize,
    pub at: Micros,
    pub kind: FailureKind,
    pub recover_at: Option<Micros>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Policy {
    Latency,
    Weighted,
    Failover,
    Geolocation,
    Multivalue,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Primary,
    Secondary,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Propagation {
    /// The assumed per-location delay distribution (see `controlplane::DEFAULT_PROPAGATION`).
    Default,
    /// The same fixed delay at every authoritative location.
    Fixed(Micros),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HcProtocol {
    Http,
    Https,
    Tcp,
}

/// A Route 53 health check (R53-API `HealthCheckConfig`).
#[derive(Debug, Clone, PartialEq)]
pub struct HealthCheck {
    /// `RequestInterval`: 10 or 30 s.
    pub interval: Micros,
    /// `FailureThreshold`: 1-10.
    pub failure_threshold: u32,
    /// Checker regions (names from the documented list); at least three.
    pub checker_regions: Vec<String>,
    /// Checkers in each checker region; `None` = the documented-rate default.
    pub checkers_per_region: Option<u32>,
    /// Healthy when more than this fraction of checkers report healthy (the 18 % rule).
    pub healthy_fraction: f64,
    pub deep: bool,
    pub protocol: HcProtocol,
}

/// Where an endpoint sits behind, for connection idle limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EndpointType {
    Alb,
    Nlb,
    Ec2,
    Eip,
}

/// One Route 53 record of an arm's record set.
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    /// Index into [`Workload::regions`].
    pub region: usize,
    /// 0-255.
    pub weight: u32,
    pub role: Option<Role>,
    pub alias: bool,
    pub evaluate_target_health: bool,
    /// The record's health check; `None` = always healthy.
    pub health_check: Option<HealthCheck>,
    /// Geolocation records only: the location the record answers for.
    pub location: Option<GeoLocation>,
    /// A calculated (parent) health check instead of an endpoint check (then `health_check`
    /// is `None`).
    pub calculated: Option<CalculatedCheck>,
}

/// Where a geolocation record applies (R53-API `GeoLocation`: `ContinentCode`,
/// `CountryCode`, or the default location `*`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GeoLocation {
    /// The default record (`CountryCode = "*"`): queries no other record matches.
    Default,
    Continent(crate::geography::Continent),
    /// ISO 3166-1 alpha-2 code, upper case.
    Country(String),
}

/// A Route 53 calculated health check (R53-API `HealthCheckConfig` `Type = CALCULATED`,
/// `HealthThreshold`, `ChildHealthChecks`): healthy while at least `threshold` children are.
#[derive(Debug, Clone, PartialEq)]
pub struct CalculatedCheck {
    /// `HealthThreshold`, 0-256: 0 = always healthy; more than the children = never healthy.
    pub threshold: u32,
    /// Child endpoint checks, each on one region's endpoint (calculated children of a
    /// calculated check are not allowed by Route 53, nor here).
    pub children: Vec<ChildCheck>,
}

/// One child of a calculated health check.
#[derive(Debug, Clone, PartialEq)]
pub struct ChildCheck {
    /// Index into [`Workload::regions`]: the endpoint the child checks.
    pub region: usize,
    pub check: HealthCheck,
}

/// Route 53 ARC routing control used by an arm.
#[derive(Debug, Clone, PartialEq)]
pub struct ArcControl {
    /// When the operator turns the routing control of `region` OFF.
    pub flip_at: Micros,
    /// Index into [`Workload::regions`]: the cell turned off.
    pub region: usize,
    /// Optional time at which the control is turned back ON (failback).
    pub flip_back_at: Option<Micros>,
    /// Optional ARC assertion safety rule over the arm's cells (its records' regions): at least
    /// this many routing controls must stay ON after a change (ARC-API `AssertionRule`,
    /// `RuleConfig` type ATLEAST; research/route53-ga.md "Safety rules", V). A flip that would
    /// break it is refused by ARC, so it never happens.
    pub at_least: Option<u32>,
}

impl ArcControl {
    /// Does the assertion rule refuse the flip? The cells are the distinct regions of the
    /// arm's `records`; after the flip every cell but `region` is ON.
    pub fn refused(&self, records: &[Record]) -> bool {
        let Some(n) = self.at_least else {
            return false;
        };
        let mut cells: Vec<usize> = records.iter().map(|r| r.region).collect();
        cells.sort_unstable();
        cells.dedup();
        let on_after = cells.iter().filter(|&&c| c != self.region).count() as u32;
        on_after < n
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Route53Arm {
    pub policy: Policy,
    /// Record TTL.
    pub ttl: Micros,
    pub propagation: Propagation,
    pub records: Vec<Record>,
    pub control: Option<ArcControl>,
    /// What the records point at (sets the connection idle limit). Default ALB.
    pub endpoint_type: EndpointType,
}

/// Global Accelerator health check on EC2/EIP endpoints (GA-API `HealthCheckIntervalSeconds`,
/// `ThresholdCount`, `HealthCheckProtocol`).
#[derive(Debug, Clone, PartialEq)]
pub struct GaHealthCheck {
    /// 10 or 30 s (default 30).
    pub interval: Micros,
    /// 1-10 consecutive checks, both directions (default 3).
    pub threshold: u32,
    pub protocol: HcProtocol,
    pub deep: bool,
}

impl Default for GaHealthCheck {
    fn default() -> Self {
        GaHealthCheck {
            interval: 30 * crate::SEC,
            threshold: 3,
            protocol: HcProtocol::Tcp,
            deep: false,
        }
    }
}

/// Elastic Load Balancing target-group health check (ELB-API `CreateTargetGroup` defaults:
/// interval 30 s, unhealthy threshold 2, healthy threshold 5, timeout 6 s for HTTP).
#[derive(Debug, Clone, PartialEq)]
pub struct LbHealthCheck {
    pub interval: Micros,
    pub unhealthy_threshold: u32,
    pub healthy_threshold: u32,
    pub timeout: Micros,
}

impl Default for LbHealthCheck {
    fn default() -> Self {
        LbHealthCheck {
            interval: 30 * crate::SEC,
            unhealthy_threshold: 2,
            healthy_threshold: 5,
            timeout: 6 * crate::SEC,
        }
    }
}

/// One endpoint group (one per region per listener) with one endpoint.
#[derive(Debug, Clone, PartialEq)]
pub struct EndpointGroup {
    /// Index into [`Workload::regions`].
    pub region: usize,
    /// 0-100 % (GA-API `TrafficDialPercentage`, default 100).
    pub traffic_dial: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClientAffinity {
    /// Five-tuple flow hash: each new connection is placed afresh.
    None,
    /// Source IP: a client keeps its endpoint group.
    SourceIp,
}

#[derive(Debug, Clone, PartialEq)]
pub struct GlobalAcceleratorArm {
    pub endpoint_type: EndpointType,
    /// Used for `ec2` / `eip` endpoints.
    pub health_check: GaHealthCheck,
    /// Used for `alb` / `nlb` endpoints: GA takes the load balancer's target health.
    pub lb_health_check: LbHealthCheck,
    pub endpoint_groups: Vec<EndpointGroup>,
    pub client_affinity: ClientAffinity,
    /// Delay from a health change to each edge (same assumption as Route 53's).
    pub propagation: Propagation,
    /// TTL of the accelerator's DNS name (its static anycast addresses never change).
    pub dns_ttl: Micros,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ArmKind {
    Route53(Route53Arm),
    GlobalAccelerator(GlobalAcceleratorArm),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Arm {
    pub name: String,
    pub kind: ArmKind,
    /// The world's client settings with this arm's overrides applied.
    pub clients: Clients,
    /// `clients.*` keys this arm overrides (reports flag them).
    pub client_overrides: Vec<String>,
}
