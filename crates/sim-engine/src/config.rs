//! The validated, typed form of a workload (see docs/workload.md).
//!
//! The engine only ever sees these types: the TOML loader with its key-path errors lives in
//! the `gtsim` crate. Region references are indices into [`Workload::regions`]; times and
//! durations are integer microseconds ([`Micros`]).

use crate::Micros;
pub use resolver_models::{
    AppCache, CacheClock, ClientStack, ResolverBehaviour, StubCache, StubMix, TtlDisplay, TtlMix,
    TtlPolicy,
};

/// `clients.software`: a mix of client HTTP stacks, each client drawing one (see
/// [`crate::mixes`]); a part `None` is `"none"`, the client keys as written.
pub type SoftwareMix = resolver_models::Mix<Option<ClientStack>>;

/// Which `[clients]` keys a client software also sets were written in the workload: written
/// keys override every software's value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SoftwareOverrides {
    pub app_cache: bool,
    pub keepalive_idle: bool,
}

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
    /// Model parameters the loader built from the workload's keys (`regions[].load_balancer`
    /// …); `None` = [`ModelParams::defaults`]. Read through [`ModelParams::of`].
    pub params: Option<ModelParams>,
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
    /// Mean requests per second per client: the Poisson, steady and stream patterns' rate; for
    /// sessions the rate the pattern produces (the loader writes it).
    pub request_rate: f64,
    /// When requests are sent (`clients.pattern`; [`resolver_models::Pattern`]). A world
    /// setting: every arm sees the same request times.
    pub pattern: resolver_models::Pattern,
    pub stub_cache: StubCache,
    /// A named mix of stub caches (`stub_cache = "os-default"` and other presets): each client
    /// draws one (see [`crate::mixes`]); when set, `stub_cache` is unused.
    pub stub_mix: Option<StubMix>,
    /// Application-level cache in front of the stub (browser, runtime).
    pub app_cache: AppCache,
    /// `clients.software`: `None` = `"none"` (every client runs the keys as written).
    pub software: Option<SoftwareMix>,
    /// The keys written in the workload that override the software's values.
    pub software_overrides: SoftwareOverrides,
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
            pattern: resolver_models::Pattern::Poisson,
            stub_cache: StubCache::None,
            stub_mix: None,
            app_cache: AppCache::None,
            software: None,
            software_overrides: SoftwareOverrides::default(),
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
    /// R53-DG `routing-policy-geoproximity.md`: the record whose location is nearest the
    /// query's by biased great-circle distance ([`GeoProximity`]).
    Geoproximity,
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
    /// R53-API `HealthCheckConfig.Inverted`: "invert the status of a health check, for
    /// example, to consider a health check unhealthy when it otherwise would be considered
    /// healthy" (R53-DG `health-checks-invert.md`: "unhealthy when the status is healthy and
    /// vice versa"). Applied after `disabled`.
    pub inverted: bool,
    /// R53-API `HealthCheckConfig.Disabled`: Route 53 stops probing and "considers the status
    /// of the health check to always be healthy"; "If you want to stop routing traffic to a
    /// resource, change the value of Inverted" (so disabled and inverted = always unhealthy).
    pub disabled: bool,
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
    /// Geoproximity records only: where Route 53 places the record and its bias.
    pub geoproximity: Option<GeoProximity>,
}

/// A geoproximity record's location and bias (R53-API `GeoProximityLocation`: `AWSRegion` or
/// `Coordinates`, and `Bias`, -99 to 99).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GeoProximity {
    /// Latitude in degrees: the `AWSRegion`'s coordinates (the built-in region table,
    /// `geo::AWS_REGIONS`) or the record's `Coordinates`.
    pub lat: f64,
    /// Longitude in degrees.
    pub lon: f64,
    /// `Bias`, -99 to 99: positive expands the area the record answers, negative shrinks it.
    pub bias: i32,
}

impl GeoProximity {
    /// The biased distance Route 53 compares (R53-DG `routing-policy-geoproximity.md`, "How
    /// Amazon Route 53 uses bias to route traffic", as recorded in research/route53-ga.md A,
    /// V): positive bias, `distance * [1 - (bias/100)]`; negative bias,
    /// `distance / [1 + (bias/100)]` (the bias signed: -25 gives `distance / 0.75`).
    pub fn biased_km(&self, distance_km: f64) -> f64 {
        let b = self.bias as f64 / 100.0;
        if self.bias >= 0 {
            distance_km * (1.0 - b)
        } else {
            distance_km / (1.0 + b)
        }
    }
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
    /// `CountryCode` with `SubdivisionCode` (a US state, say: R53-API `GeoLocation`), upper
    /// case. More specific than the country: state, country, continent, default.
    Subdivision {
        country: String,
        code: String,
    },
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

/// Elastic Load Balancing target-group health check (`regions[].load_balancer.health_check`;
/// ELB-API `CreateTargetGroup`, ALB-UG / NLB-UG `target-group-health-checks.md`).
///
/// [`LbHealthCheck::default`] is an ALB's HTTP target group; [`LoadBalancer::documented`] gives
/// the documented defaults per load-balancer type and protocol.
#[derive(Debug, Clone, PartialEq)]
pub struct LbHealthCheck {
    /// `HealthCheckIntervalSeconds`: 5-300 s. Fixed schedule: "The time that it takes for the
    /// target to respond does not affect the interval for the next health check request"
    /// (ALB-UG).
    pub interval: Micros,
    /// `UnhealthyThresholdCount`: 2-10 consecutive failures.
    pub unhealthy_threshold: u32,
    /// `HealthyThresholdCount`: 2-10 consecutive successes.
    pub healthy_threshold: u32,
    /// `HealthCheckTimeoutSeconds`: 2-120 s, "during which no response from a target means a
    /// failed health check" (ALB-UG); must be less than the interval.
    pub timeout: Micros,
    /// `HealthCheckProtocol`: HTTP / HTTPS (ALB, NLB) or TCP (NLB).
    pub protocol: HcProtocol,
    /// A deep check exercises the application (sees a grey failure's errors); default false: a
    /// target-group check usually probes a health path that only says the process is up.
    pub deep: bool,
}

/// ALB-UG `target-group-health-checks.md` (awsdocs commit `fb24293`; the current page has the
/// same wording), `HealthCheckTimeoutSeconds`: "The default is 5 seconds if the target type is
/// `instance` or `ip`". The ELB-API text ("For target groups with a protocol of HTTP, the
/// default is 6 seconds") disagrees; gtsim follows the ALB User Guide (and WORKLOAD.md's
/// example), for HTTP and HTTPS alike.
pub const ALB_HC_TIMEOUT: Micros = 5 * crate::SEC;
/// ELB-API `CreateTargetGroup` `HealthCheckTimeoutSeconds` (AWS SDK for Kotlin reference text):
/// "For target groups with a protocol of TCP, TLS or HTTPS, the default is 10 seconds".
pub const NLB_TCP_HTTPS_HC_TIMEOUT: Micros = 10 * crate::SEC;
/// ELB-API `HealthCheckTimeoutSeconds`: "For target groups with a protocol of HTTP, the default
/// is 6 seconds" (same source; used for an NLB checked with HTTP).
pub const NLB_HTTP_HC_TIMEOUT: Micros = 6 * crate::SEC;
/// ELB-API `HealthCheckIntervalSeconds`: range 5-300 s; "If the target group protocol is TCP,
/// TLS, UDP, TCP_UDP, HTTP or HTTPS, the default is 30 seconds" (ALB-UG: "The range is 5-300
/// seconds").
pub const ELB_HC_INTERVAL: Micros = 30 * crate::SEC;
/// ELB-API `UnhealthyThresholdCount`: range 2-10, default 2 (`shared/research/route53-ga.md`
/// C, from botocore `elbv2` `service-2.json`, V).
pub const ELB_UNHEALTHY_THRESHOLD: u32 = 2;
/// ELB-API `HealthyThresholdCount`: range 2-10, default 5 (same source; older CDK text gives
/// 3 for NLBs, superseded).
pub const ELB_HEALTHY_THRESHOLD: u32 = 5;

impl Default for LbHealthCheck {
    /// An ALB target group with the HTTP protocol at ELB's documented defaults.
    fn default() -> Self {
        LbHealthCheck {
            interval: ELB_HC_INTERVAL,
            unhealthy_threshold: ELB_UNHEALTHY_THRESHOLD,
            healthy_threshold: ELB_HEALTHY_THRESHOLD,
            timeout: ALB_HC_TIMEOUT,
            protocol: HcProtocol::Http,
            deep: false,
        }
    }
}

/// Application Load Balancer idle timeout, 60 s by default (ELB docs, ALB attributes;
/// `shared/research/ttl-behaviour.md` section 3). It closes kept-alive client connections.
pub const ALB_IDLE_TIMEOUT: Micros = 60 * crate::SEC;
/// Network Load Balancer TCP idle timeout, 350 s (same source).
pub const NLB_IDLE_TIMEOUT: Micros = 350 * crate::SEC;

/// Elastic Load Balancing type of a region's load balancer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LbKind {
    Alb,
    Nlb,
}

/// A region's load balancer (`regions[].load_balancer`): its idle timeout and its target-group
/// health check. ONE target-health timeline per region comes from it ([`crate::elb`]), read
/// alike by Global Accelerator `alb` / `nlb` endpoint groups and by Route 53 alias records
/// with `evaluate_target_health`.
#[derive(Debug, Clone, PartialEq)]
pub struct LoadBalancer {
    pub kind: LbKind,
    /// Idle timeout that closes kept-alive client connections (ALB 60 s by default, NLB TCP
    /// 350 s: [`ALB_IDLE_TIMEOUT`], [`NLB_IDLE_TIMEOUT`]).
    pub idle_timeout: Micros,
    pub health_check: LbHealthCheck,
}

/// A load-balancer setting out of its documented range; `key` is the path below
/// `regions[i].load_balancer` (e.g. `health_check.timeout`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LbError {
    pub key: &'static str,
    pub message: String,
}

impl LoadBalancer {
    /// ELB's documented defaults for a load balancer of `kind` whose target group is checked
    /// with `protocol` (ALB: HTTP or HTTPS, 5 s timeout; NLB: TCP or HTTPS 10 s, HTTP 6 s;
    /// interval 30 s, thresholds 2 down / 5 up; constants above, each cited).
    pub fn documented(kind: LbKind, protocol: HcProtocol) -> LoadBalancer {
        let timeout = match (kind, protocol) {
            (LbKind::Alb, _) => ALB_HC_TIMEOUT,
            (LbKind::Nlb, HcProtocol::Http) => NLB_HTTP_HC_TIMEOUT,
            (LbKind::Nlb, HcProtocol::Https | HcProtocol::Tcp) => NLB_TCP_HTTPS_HC_TIMEOUT,
        };
        LoadBalancer {
            kind,
            idle_timeout: match kind {
                LbKind::Alb => ALB_IDLE_TIMEOUT,
                LbKind::Nlb => NLB_IDLE_TIMEOUT,
            },
            health_check: LbHealthCheck {
                timeout,
                protocol,
                ..LbHealthCheck::default()
            },
        }
    }

    /// The documented default protocol of a target group of `kind` (ELB-API
    /// `HealthCheckProtocol`: "For Application Load Balancers, the default is HTTP. For Network
    /// Load Balancers and Gateway Load Balancers, the default is TCP").
    pub fn default_protocol(kind: LbKind) -> HcProtocol {
        match kind {
            LbKind::Alb => HcProtocol::Http,
            LbKind::Nlb => HcProtocol::Tcp,
        }
    }

    /// Check the documented ranges (ELB-API `CreateTargetGroup`): interval 5-300 s, timeout
    /// 2-120 s, thresholds 2-10; an ALB target group is not checked with TCP (ELB-API
    /// `HealthCheckProtocol`: "The TCP protocol is not supported for health checks if the
    /// protocol of the target group is HTTP or HTTPS"). The timeout must be less than the
    /// interval (WORKLOAD.md): on ELB's fixed schedule a probe's result must be in before the
    /// same node's next probe. The idle timeout must be positive (its documented range is not
    /// in the research notes, so no upper bound is enforced).
    pub fn validate(&self) -> Result<(), LbError> {
        let hc = &self.health_check;
        let s = crate::SEC;
        let err = |key, message: String| Err(LbError { key, message });
        if !(5 * s..=300 * s).contains(&hc.interval) {
            return err("health_check.interval", "must be 5 s to 300 s".into());
        }
        if !(2 * s..=120 * s).contains(&hc.timeout) {
            return err("health_check.timeout", "must be 2 s to 120 s".into());
        }
        if hc.timeout >= hc.interval {
            return err(
                "health_check.timeout",
                "must be less than health_check.interval".into(),
            );
        }
        if !(2..=10).contains(&hc.unhealthy_threshold) {
            return err("health_check.unhealthy_threshold", "must be 2 to 10".into());
        }
        if !(2..=10).contains(&hc.healthy_threshold) {
            return err("health_check.healthy_threshold", "must be 2 to 10".into());
        }
        if self.kind == LbKind::Alb && hc.protocol == HcProtocol::Tcp {
            return err(
                "health_check.protocol",
                "an ALB target group is checked with \"http\" or \"https\"".into(),
            );
        }
        if self.idle_timeout == 0 {
            return err("idle_timeout", "must be more than 0 s".into());
        }
        Ok(())
    }
}

impl EndpointType {
    /// The load-balancer type an `alb` / `nlb` endpoint implies (`None` for EC2 / EIP).
    pub fn lb_kind(self) -> Option<LbKind> {
        match self {
            EndpointType::Alb => Some(LbKind::Alb),
            EndpointType::Nlb => Some(LbKind::Nlb),
            EndpointType::Ec2 | EndpointType::Eip => None,
        }
    }
}

/// One endpoint group (one per region per listener).
#[derive(Debug, Clone, PartialEq)]
pub struct EndpointGroup {
    /// Index into [`Workload::regions`].
    pub region: usize,
    /// 0-100 % (GA-API `TrafficDialPercentage`, default 100).
    pub traffic_dial: f64,
    /// The group's endpoints (GA-API `EndpointDescriptions`); empty = one endpoint of the
    /// arm's `endpoint_type` at the default weight, 128.
    pub endpoints: Vec<GaEndpoint>,
    /// The group's own health check (GA-API `HealthCheckIntervalSeconds`, `ThresholdCount`,
    /// `HealthCheckProtocol` are per endpoint group) for its EC2/EIP endpoints; `None` = the
    /// arm's `health_check`.
    pub health_check: Option<GaHealthCheck>,
}

/// One endpoint of a Global Accelerator endpoint group.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GaEndpoint {
    /// ALB/NLB endpoints read the region's load-balancer target health; EC2/EIP endpoints the
    /// accelerator's own health checks.
    pub kind: EndpointType,
    /// GA-DG `about-endpoints-endpoint-weights.md`: 0-255, default 128; "Global Accelerator
    /// calculates the sum of the weights for the endpoints in an endpoint group, and then
    /// directs traffic to the endpoints based on the ratio of each endpoint's weight to the
    /// total"; weight 0 stops traffic to the endpoint.
    pub weight: u32,
}

/// GA-DG: an endpoint's default weight, "half of the maximum value of 255".
pub const GA_DEFAULT_ENDPOINT_WEIGHT: u32 = 128;

impl EndpointGroup {
    /// A group in `region` at `traffic_dial` % with the arm's endpoint type and health check
    /// (the loader's default group, one per declared region at 100 %).
    pub fn at(region: usize, traffic_dial: f64) -> EndpointGroup {
        EndpointGroup {
            region,
            traffic_dial,
            endpoints: Vec::new(),
            health_check: None,
        }
    }

    /// The group's endpoints: those written, or one of the arm's `endpoint_type` at the
    /// default weight.
    pub fn endpoints_or(&self, arm_type: EndpointType) -> Vec<GaEndpoint> {
        if self.endpoints.is_empty() {
            vec![GaEndpoint {
                kind: arm_type,
                weight: GA_DEFAULT_ENDPOINT_WEIGHT,
            }]
        } else {
            self.endpoints.clone()
        }
    }
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

impl GlobalAcceleratorArm {
    /// An accelerator of `endpoint_type` with group i in region i at `dials[i]` %, GA's
    /// default checks, no client affinity and the accelerator's 60 s DNS TTL (for tests and
    /// worked examples; the loader builds arms key by key).
    pub fn with_dials(
        endpoint_type: EndpointType,
        dials: &[f64],
        propagation: Propagation,
    ) -> GlobalAcceleratorArm {
        GlobalAcceleratorArm {
            endpoint_type,
            health_check: GaHealthCheck::default(),
            lb_health_check: LbHealthCheck::default(),
            endpoint_groups: dials
                .iter()
                .enumerate()
                .map(|(region, &dial)| EndpointGroup::at(region, dial))
                .collect(),
            client_affinity: ClientAffinity::None,
            propagation,
            dns_ttl: 60 * crate::SEC,
        }
    }
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

/// The kind of prober behind a health probe, for [`ProbeShedding`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProbeKind {
    /// Route 53 health checkers (records' own checks, calculated checks' children).
    Route53,
    /// Global Accelerator's own checks (EC2 / EIP endpoints).
    Ga,
    /// The region's load balancer checking its targets (ELB target health).
    Elb,
}

/// Which health probes an overloaded region's shedding reaches (`regions[].overload.probes =
/// { route53, ga, elb }`; a plain string sets all three): `true` = shed with the region's shed
/// probability, `false` = exempt.
///
/// Default ([`ProbeShedding::documented`]): Route 53 and GA probes follow
/// `overload.probes` (shed by default): they arrive at the public endpoint like client
/// requests, through the same front door the ASSUMED overload model sheds at (`overload.rs`).
/// ELB probes are **exempt** by default: ELB sends them from each load-balancer node straight
/// to each target ("Each load balancer node checks the health of each target", ALB-UG
/// `target-group-health-checks.md`), not through the listener, so an admission-control shedder
/// in front of the application does not see them. Saturated targets could still time them
/// out; `elb = true` studies that case (an assumption-driven result either way).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProbeShedding {
    pub route53: bool,
    pub ga: bool,
    pub elb: bool,
}

impl ProbeShedding {
    /// Every kind alike (`overload.probes = "shed"` / `"exempt"` as a plain string).
    pub const fn all(shed: bool) -> ProbeShedding {
        ProbeShedding {
            route53: shed,
            ga: shed,
            elb: shed,
        }
    }

    /// The default: Route 53 and GA probes as `shed_probes` says, ELB probes exempt (see the
    /// type's documentation for the reasoning).
    pub const fn documented(shed_probes: bool) -> ProbeShedding {
        ProbeShedding {
            route53: shed_probes,
            ga: shed_probes,
            elb: false,
        }
    }

    /// For reports: which kinds are shed, e.g. "Route 53 and GA probes shed, ELB target
    /// checks exempt".
    pub fn text(self) -> String {
        let word = |b: bool| if b { "shed" } else { "exempt" };
        let mut s = format!(
            "Route 53 probes {}, GA probes {}, ELB target checks {}",
            word(self.route53),
            word(self.ga),
            word(self.elb)
        );
        if self == ProbeShedding::documented(true) {
            s.push_str(
                " (the default: ELB probes go from the load balancer's nodes straight to the \
                 targets)",
            );
        }
        s
    }

    pub fn sheds(self, kind: ProbeKind) -> bool {
        match kind {
            ProbeKind::Route53 => self.route53,
            ProbeKind::Ga => self.ga,
            ProbeKind::Elb => self.elb,
        }
    }
}

/// How many load-balancer nodes probe each target and how their verdicts combine into the
/// target health that Route 53 and Global Accelerator read. ALB-UG says "Each load balancer
/// node checks the health of each target" but documents neither the node count nor the
/// combination: **ASSUMED**, default one prober ([`ASSUMED_LB_PROBERS`]), printed
/// ([`LbProbers::text`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LbProbers {
    /// Independent probers (load-balancer nodes), each on ELB's fixed schedule with its own
    /// uniform phase; at least 1.
    pub nodes: u32,
    /// The target is healthy while more than this fraction of the nodes say so (0 = healthy
    /// while any node says so).
    pub healthy_fraction: f64,
}

/// ASSUMED default: one prober (so the combination rule does not matter).
pub const ASSUMED_LB_PROBERS: LbProbers = LbProbers {
    nodes: 1,
    healthy_fraction: 0.0,
};

impl LbProbers {
    /// The assumption line for reports.
    pub fn text(&self) -> String {
        format!(
            "ELB target health (read by Route 53 alias records with evaluate_target_health and \
             by Global Accelerator alb/nlb endpoints alike): ASSUMED {} prober(s) per target on \
             ELB's fixed schedule (documented: \"the time that it takes for the target to \
             respond does not affect the interval\"), the target healthy while more than {} % \
             of them say so; AWS documents that each load balancer node checks each target, \
             not how many nodes there are nor how their results combine",
            self.nodes,
            self.healthy_fraction * 100.0
        )
    }
}

/// Which reading of GA-DG `about-endpoints-endpoint-weights.md` failover follows when the
/// chosen endpoint group is unhealthy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GaFailoverReading {
    /// The guide's worked example: "Global Accelerator then tries three additional endpoint
    /// groups to find a healthy endpoint" (three beyond the chosen group). Default.
    ThreeAdditional,
    /// The guide's summary sentence: "after trying the three closest endpoint groups" (the
    /// chosen group counted among them).
    ThreeClosest,
}

impl GaFailoverReading {
    /// Groups tried after the chosen one, in proximity order.
    pub fn additional(self) -> usize {
        match self {
            GaFailoverReading::ThreeAdditional => 3,
            GaFailoverReading::ThreeClosest => 2,
        }
    }
}

/// Global Accelerator data-path and edge behaviour that AWS does not (fully) document.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GaDataPath {
    /// **ASSUMED** (no AWS figure): how long an edge waits for its TCP connection to a
    /// blackholed, not yet detected endpoint before resetting the client's connection. `None`
    /// (default) = the edge outlasts the client, whose `request_timeout` ends the attempt (a
    /// kernel's SYN retries alone take over a minute; AWS publishes no shorter limit).
    pub edge_backend_connect_timeout: Option<Micros>,
    /// **ASSUMED** from GA-DG `about-endpoints-endpoint-weights.md`: "When recovery occurs ...
    /// routing will start back to healthy endpoints ... in about 30 seconds or so": the delay
    /// from a group turning healthy again to the edges sending it new connections. Default
    /// [`GA_FAILBACK_DELAY`].
    pub failback_delay: Micros,
    pub failover: GaFailoverReading,
}

/// GA-DG `about-endpoints-endpoint-weights.md`: failback "in about 30 seconds or so" (ASSUMED to
/// be exactly 30 s at every edge).
pub const GA_FAILBACK_DELAY: Micros = 30 * crate::SEC;

impl Default for GaDataPath {
    fn default() -> Self {
        GaDataPath {
            edge_backend_connect_timeout: None,
            failback_delay: GA_FAILBACK_DELAY,
            failover: GaFailoverReading::ThreeAdditional,
        }
    }
}

impl GaDataPath {
    /// The assumption lines for reports.
    pub fn text(&self) -> Vec<String> {
        let edge = match self.edge_backend_connect_timeout {
            None => "no edge limit shorter than the client's request_timeout".to_string(),
            Some(d) => format!("the edge's backend-connect timeout, {} s", d as f64 / 1e6),
        };
        vec![
            format!(
                "Global Accelerator: a new connection to a blackholed endpoint not yet marked \
                 unhealthy completes its TCP handshake with the edge (GA terminates TCP at the \
                 edge), then stalls until the client's request_timeout or {edge}, whichever \
                 is first (ASSUMED: AWS documents no edge backend-connect timeout)"
            ),
            format!(
                "Global Accelerator failback: a group that turns healthy again gets new \
                 connections {} s later at every edge (ASSUMED from GA-DG \"in about 30 \
                 seconds or so\")",
                self.failback_delay as f64 / 1e6
            ),
            format!(
                "Global Accelerator failover: {} (GA-DG about-endpoints-endpoint-weights.md)",
                match self.failover {
                    GaFailoverReading::ThreeAdditional =>
                        "the worked example's reading, three additional endpoint groups after the chosen one",
                    GaFailoverReading::ThreeClosest =>
                        "the summary sentence's reading, the three closest endpoint groups (the chosen one included)",
                }
            ),
        ]
    }
}

/// Negative caching of a Route 53 no-answer (geolocation without a matching or default record,
/// a NODATA response), RFC 2308 section 5: a negative answer is cached for the minimum of the
/// SOA record's TTL and its MINIMUM field, then each resolver caps it with its own limit.
#[derive(Debug, Clone, PartialEq)]
pub struct NegativeCaching {
    /// TTL of the hosted zone's SOA record: 900 s in a new Route 53 zone (R53-DG
    /// `SOA-NSrecords.md`: "The SOA record ... TTL 900").
    pub soa_ttl: Micros,
    /// The SOA MINIMUM field (the negative-caching TTL): 86400 s in a new Route 53 zone (R53-DG
    /// `SOA-NSrecords.md`, default SOA "... 1 7200 900 1209600 86400").
    pub soa_minimum: Micros,
    /// Per resolver class: the resolver program's own cap on negative answers (`None` = no cap
    /// beyond the SOA: a generic resolver). Unbound `cache-max-negative-ttl` 3600 s, BIND
    /// `max-ncache-ttl` 10800 s by default (`resolver_models::Software::negative_ttl_cap`).
    pub resolver_cap: Vec<Option<Micros>>,
}

/// R53-DG `SOA-NSrecords.md`: a new hosted zone's SOA record has TTL 900 s.
pub const R53_SOA_TTL: Micros = 900 * crate::SEC;
/// R53-DG `SOA-NSrecords.md`: a new hosted zone's SOA MINIMUM (negative-caching TTL) is 86400 s.
pub const R53_SOA_MINIMUM: Micros = 86_400 * crate::SEC;

impl NegativeCaching {
    /// How long resolver class `class` caches a no-answer: min(SOA TTL, SOA MINIMUM) (RFC 2308
    /// section 5), then the class's cap.
    pub fn ttl(&self, class: usize) -> Micros {
        let rfc2308 = self.soa_ttl.min(self.soa_minimum);
        match self.resolver_cap.get(class).copied().flatten() {
            Some(cap) => rfc2308.min(cap),
            None => rfc2308,
        }
    }
}

/// Engine model parameters that the workload's world settings give (regions' load balancers,
/// probe shedding per kind, TLS round trips, Global Accelerator's data path, negative
/// caching), with their documented or ASSUMED defaults ([`ModelParams::defaults`]). The
/// [`crate::world::World`] carries them.
#[derive(Debug, Clone, PartialEq)]
pub struct ModelParams {
    /// Per region (index into [`Workload::regions`]): its load balancer.
    pub load_balancers: Vec<LoadBalancer>,
    /// ASSUMED: load-balancer nodes probing each target and their combination.
    pub lb_probers: LbProbers,
    /// Per region: which probes its overload shedding reaches.
    pub probes: Vec<ProbeShedding>,
    /// TLS handshake round trips on a new connection, shared by every arm: 1 (TLS 1.3, RFC 8446
    /// section 2: "a full handshake" costs one round trip before application data; an
    /// ASSUMPTION that the load balancers negotiate TLS 1.3 and no session resumption is
    /// counted). TLS ends at the load balancer for both products.
    pub tls_round_trips: u32,
    pub ga: GaDataPath,
    pub negative: NegativeCaching,
}

/// A model parameter out of range: the key path (as WORKLOAD.md writes it) and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParamError {
    pub key: String,
    pub message: String,
}

impl ModelParams {
    /// The defaults for a workload: each region's load balancer is an ALB at ELB's documented
    /// HTTP defaults, or an NLB (TCP defaults) when an arm reaches that region through
    /// `endpoint_type = "nlb"`; until the loader sets `regions[].load_balancer`, a Global
    /// Accelerator arm's legacy `lb_health_check` (when not the default) gives the health check
    /// of its groups' regions, so that every arm reads it. Probes: [`ProbeShedding::documented`].
    pub fn defaults(w: &Workload) -> ModelParams {
        let n = w.regions.len();
        let mut nlb = vec![false; n];
        let mut legacy: Vec<Option<LbHealthCheck>> = vec![None; n];
        for arm in &w.arms {
            match &arm.kind {
                ArmKind::Route53(r) if r.endpoint_type == EndpointType::Nlb => {
                    for rec in &r.records {
                        nlb[rec.region] = true;
                    }
                }
                ArmKind::GlobalAccelerator(g) => {
                    for grp in &g.endpoint_groups {
                        let eps = grp.endpoints_or(g.endpoint_type);
                        if eps.iter().all(|e| e.kind.lb_kind().is_none()) {
                            continue;
                        }
                        nlb[grp.region] |= eps.iter().any(|e| e.kind == EndpointType::Nlb);
                        if g.lb_health_check != LbHealthCheck::default() {
                            legacy[grp.region] = Some(g.lb_health_check.clone());
                        }
                    }
                }
                _ => {}
            }
        }
        let load_balancers = (0..n)
            .map(|r| {
                let kind = if nlb[r] { LbKind::Nlb } else { LbKind::Alb };
                let mut lb = LoadBalancer::documented(kind, LoadBalancer::default_protocol(kind));
                if let Some(hc) = &legacy[r] {
                    lb.health_check.interval = hc.interval;
                    lb.health_check.unhealthy_threshold = hc.unhealthy_threshold;
                    lb.health_check.healthy_threshold = hc.healthy_threshold;
                    lb.health_check.timeout = hc.timeout;
                }
                lb
            })
            .collect();
        ModelParams {
            load_balancers,
            lb_probers: ASSUMED_LB_PROBERS,
            probes: w
                .regions
                .iter()
                .map(|r| ProbeShedding::documented(r.capacity_rps.is_none_or(|c| c.shed_probes)))
                .collect(),
            tls_round_trips: 1,
            ga: GaDataPath::default(),
            negative: NegativeCaching {
                soa_ttl: R53_SOA_TTL,
                soa_minimum: R53_SOA_MINIMUM,
                resolver_cap: vec![None; w.resolvers.len()],
            },
        }
    }

    /// The workload's own parameters ([`Workload::params`], built by the loader) or, without
    /// them, [`ModelParams::defaults`]. The per-resolver-class negative caps follow the
    /// workload's resolver classes (a population preset applied after loading may change them).
    pub fn of(w: &Workload) -> ModelParams {
        match &w.params {
            None => ModelParams::defaults(w),
            Some(p) => {
                let mut p = p.clone();
                p.negative.resolver_cap.resize(w.resolvers.len(), None);
                p
            }
        }
    }

    /// Validate against the workload: every region has a valid load balancer (key
    /// `regions[i].load_balancer.…`), a GA `alb` / `nlb` arm's endpoint type matches the
    /// load-balancer type of each of its groups' regions (naming both keys), at least one LB
    /// prober, a healthy fraction in [0, 1), at most 10 TLS round trips.
    pub fn validate(&self, w: &Workload) -> Result<(), ParamError> {
        let err = |key: String, message: String| Err(ParamError { key, message });
        if self.load_balancers.len() != w.regions.len() || self.probes.len() != w.regions.len() {
            return err("regions".into(), "one load balancer per region".into());
        }
        for (i, lb) in self.load_balancers.iter().enumerate() {
            if let Err(e) = lb.validate() {
                return err(format!("regions[{i}].load_balancer.{}", e.key), e.message);
            }
        }
        for (a, arm) in w.arms.iter().enumerate() {
            let ArmKind::GlobalAccelerator(g) = &arm.kind else {
                continue;
            };
            for (gi, grp) in g.endpoint_groups.iter().enumerate() {
                let lb = self.load_balancers[grp.region].kind;
                // A written endpoint list names each endpoint's type; else the arm's applies.
                let (key, kinds) = if grp.endpoints.is_empty() {
                    (format!("arms[{a}].endpoint_type"), vec![g.endpoint_type])
                } else {
                    (
                        format!("arms[{a}].endpoint_groups[{gi}].endpoints"),
                        grp.endpoints.iter().map(|e| e.kind).collect(),
                    )
                };
                let Some(kind) = kinds.iter().filter_map(|k| k.lb_kind()).find(|&k| k != lb) else {
                    continue;
                };
                {
                    let name = |k| match k {
                        LbKind::Alb => "alb",
                        LbKind::Nlb => "nlb",
                    };
                    return err(
                        key,
                        format!(
                            "is \"{}\" but regions[{}].load_balancer.type is \"{}\"",
                            name(kind),
                            grp.region,
                            name(lb)
                        ),
                    );
                }
            }
        }
        if self.lb_probers.nodes == 0 {
            return err("model.lb_probers.nodes".into(), "must be at least 1".into());
        }
        if !(0.0..1.0).contains(&self.lb_probers.healthy_fraction) {
            return err(
                "model.lb_probers.healthy_fraction".into(),
                "must be in [0, 1)".into(),
            );
        }
        if self.tls_round_trips > 10 {
            return err("model.tls_round_trips".into(), "must be 0 to 10".into());
        }
        if self.negative.soa_ttl == 0 && self.negative.soa_minimum == 0 {
            return err(
                "model.negative".into(),
                "SOA TTL and MINIMUM cannot both be 0".into(),
            );
        }
        Ok(())
    }
}

/// The health signal an arm's detection reads, for reports ("Reports name each arm's signal").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Signal {
    /// Route 53's own health checkers (records' checks, calculated checks).
    Route53Checkers,
    /// The region's ELB target health (Route 53 evaluate_target_health, GA alb/nlb).
    ElbTargetHealth,
    /// Route 53 checkers AND ELB target health (an alias record with both).
    Route53AndElb,
    /// Global Accelerator's own checks (EC2 / EIP endpoints).
    GaChecks,
    /// Route 53 ARC routing controls (an operator's flip).
    ArcRoutingControl,
    /// No health signal (records without checks).
    None,
}

impl Signal {
    pub fn label(self) -> &'static str {
        match self {
            Signal::Route53Checkers => "Route 53 health checkers",
            Signal::ElbTargetHealth => "ELB target health",
            Signal::Route53AndElb => "Route 53 health checkers and ELB target health",
            Signal::GaChecks => "GA health checks",
            Signal::ArcRoutingControl => "ARC routing control",
            Signal::None => "no health signal",
        }
    }
}

impl Arm {
    /// The signal that detects a failure of `region` for this arm.
    pub fn signal(&self, region: usize) -> Signal {
        match &self.kind {
            ArmKind::GlobalAccelerator(g) => match g.endpoint_type.lb_kind() {
                Some(_) => Signal::ElbTargetHealth,
                None => Signal::GaChecks,
            },
            ArmKind::Route53(r) if r.control.is_some() => Signal::ArcRoutingControl,
            ArmKind::Route53(r) => {
                let Some(rec) = r.records.iter().find(|x| x.region == region) else {
                    return Signal::None;
                };
                let own = rec.health_check.is_some() || rec.calculated.is_some();
                match (own, rec.evaluate_target_health) {
                    (true, true) => Signal::Route53AndElb,
                    (true, false) => Signal::Route53Checkers,
                    (false, true) => Signal::ElbTargetHealth,
                    (false, false) => Signal::None,
                }
            }
        }
    }
}
