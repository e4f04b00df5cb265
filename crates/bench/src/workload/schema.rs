//! The workload TOML as written (`docs/workload.md`): one flat `deny_unknown_fields` struct per
//! table, each key declared once, every key optional here (what is required, what goes with
//! what and every range is checked in [`super::resolve`], which knows the context).
//!
//! Values that may take more than one form (a string or a table, `false` or a table, …) have a
//! small hand-written `Deserialize` with a tailored message. There are no untagged or internally
//! tagged enums: their errors lose the key and the line (serde-rs/serde#2123, toml-rs/toml#748).
//! Integers are read as `i64` so that [`super::resolve`] can say which range they must be in.

use std::fmt;
use std::marker::PhantomData;

use serde::Deserialize;
use serde::de::value::MapAccessDeserializer;
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use sim_engine::config::{
    ClientAffinity, EndpointType, GaFailoverReading, HardMode, HcProtocol, LbKind, Placement,
    Policy, Propagation, Role, ServeStale,
};
use toml::Value;

use super::duration::{parse_duration, parse_rate, type_name};
use super::names::{
    self, ArmKind, ControlKind, FailureKind, Named, Probes, TtlMode, lookup, quoted_list,
};

/// The whole file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawWorkload {
    /// Required. Names the output folder: letters, digits, `.`, `_`, `-`.
    pub name: Option<String>,
    /// Free text, copied into the report.
    pub description: Option<String>,
    /// A population preset: default `[clients]` and `[[resolvers]]`.
    pub population: Option<String>,
    /// Required: `[simulation]`.
    pub simulation: Option<RawSimulation>,
    /// Required: at least one `[[regions]]`.
    pub regions: Option<Tables<RawRegion>>,
    /// `[clients]`: client behaviour shared by every arm.
    pub clients: Option<RawClients>,
    /// `[[resolvers]]`: resolver classes (required unless `population` is set).
    pub resolvers: Option<Tables<RawResolver>>,
    /// `[[failures]]`: timed region failures.
    pub failures: Option<Tables<RawFailure>>,
    /// Required: at least one `[[arms]]`, the strategies compared.
    pub arms: Option<Tables<RawArm>>,
    /// `[[actions]]`: timed weight and traffic-dial changes.
    pub actions: Option<Tables<RawAction>>,
    /// `[model]`: engine model parameters shared by every arm (TLS, ELB probers, Global
    /// Accelerator's data path, negative caching).
    pub model: Option<RawModel>,
}

/// `[model]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawModel {
    /// TLS handshake round trips on every new connection, 0 to 10.
    pub tls_round_trips: Option<i64>,
    /// How many load-balancer nodes probe each target and how they combine.
    pub lb_probers: Option<RawLbProbers>,
    /// Global Accelerator's data path.
    pub ga: Option<RawGaModel>,
    /// Negative caching of a no-answer (RFC 2308).
    pub negative: Option<RawNegative>,
}

/// `model.lb_probers`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawLbProbers {
    /// Independent probers per target, 1 to 64.
    pub nodes: Option<i64>,
    /// Healthy while more than this fraction of the probers say so, in [0, 1).
    pub healthy_fraction: Option<Num>,
}

/// `model.ga`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawGaModel {
    /// The edge's backend-connect timeout to a blackholed endpoint, or `"none"`.
    pub edge_backend_connect_timeout: Option<Value>,
    /// Delay before a recovered group gets new connections.
    pub failback_delay: Option<Dur>,
    /// Which reading of the failover rule.
    pub failover: Option<Name<GaFailoverReading>>,
}

/// `model.negative`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawNegative {
    /// The hosted zone's SOA record TTL.
    pub soa_ttl: Option<Dur>,
    /// The SOA MINIMUM field.
    pub soa_minimum: Option<Dur>,
}

/// `[simulation]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawSimulation {
    /// Required, greater than 0: simulated time.
    pub duration: Option<Dur>,
    /// Required, at least 1: simulated clients.
    pub clients: Option<i64>,
    /// Random seed, default 1.
    pub seed: Option<i64>,
    /// Curve bin width, default 5s, at most `duration`.
    pub bin: Option<Dur>,
    /// Start with warm caches and connections, default true.
    pub warm_start: Option<bool>,
}

/// `[[regions]]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawRegion {
    /// Required: an AWS region code, or any name with `lat` and `lon`.
    pub name: Option<String>,
    /// Latitude in degrees, -90 to 90 (with `lon`).
    pub lat: Option<Num>,
    /// Longitude in degrees, -180 to 180 (with `lat`).
    pub lon: Option<Num>,
    /// Requests per second the region serves at `simulation.clients` before it overloads.
    pub capacity_rps: Option<Num>,
    /// The overload model's parameters (needs `capacity_rps`).
    pub overload: Option<RawOverload>,
    /// The region's load balancer: one target-health timeline read by every arm.
    pub load_balancer: Option<RawLoadBalancer>,
}

/// `regions[].load_balancer`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawLoadBalancer {
    /// "alb" or "nlb" (default: nlb if a GA or Route 53 arm reaches the region through nlb).
    #[serde(rename = "type")]
    pub kind: Option<Name<LbKind>>,
    /// Idle timeout of kept-alive client connections, > 0.
    pub idle_timeout: Option<Dur>,
    /// The target group's health check.
    pub health_check: Option<RawLbHealthCheck>,
}

/// `regions[].overload`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawOverload {
    /// Latency added to requests an overloaded region serves, at most 1h.
    pub added_latency: Option<Dur>,
    /// Whether health-check probes are shed with requests: one word for every kind, or one
    /// per kind.
    pub probes: Option<ProbesSpec>,
}

/// `[clients]`, and an arm's `clients` overrides.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawClients {
    /// Where clients are: the preset `"world-internet-users"`.
    pub geography: Option<Geography>,
    /// Custom client areas: not accepted yet.
    pub areas: Option<Value>,
    /// Requests per client per second (or `"1/30s"`).
    pub request_rate: Option<Rate>,
    /// Route length over great-circle distance, 1 to 10.
    pub path_stretch: Option<Num>,
    /// The OS stub resolver's cache.
    pub stub_cache: Option<StubCacheSpec>,
    /// The application's own DNS cache (a preset name).
    pub app_cache: Option<String>,
    /// Client HTTP stack(s), drawn per client: `"none"`, a name, or a mix of names and shares.
    pub software: Option<SoftwareSpec>,
    /// When requests are sent: `"poisson"`, `"steady"`, or a table `{ kind, … }`.
    pub pattern: Option<PatternSpec>,
    /// How long an idle connection is kept open.
    pub keepalive_idle: Option<Dur>,
    /// Connect timeout, greater than 0.
    pub connect_timeout: Option<Dur>,
    /// Whole-request timeout, greater than 0.
    pub request_timeout: Option<Dur>,
    /// Retries after a failed attempt, 0 to 10.
    pub retries: Option<i64>,
    /// Bytes per request, for the cost model.
    pub bytes_per_request: Option<i64>,
}

/// `[[resolvers]]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawResolver {
    /// Required, unique.
    pub name: Option<String>,
    /// Required: the class's share of clients, in (0, 1]; shares sum to 1.
    pub share: Option<Num>,
    /// Where the class's resolvers sit.
    pub placement: Option<Name<Placement>>,
    /// Whether the class sends EDNS Client Subnet.
    pub ecs: Option<bool>,
    /// Clients per resolver (not for public-anycast).
    pub clients_per_resolver: Option<i64>,
    /// A resolver program: its cache clock and default TTL limits.
    pub software: Option<String>,
    /// Cap on how long a negative answer is cached (default: the software's, else none).
    pub max_negative_ttl: Option<Dur>,
    /// The class's TTL policy.
    pub ttl: Option<TtlSpec>,
    /// Refresh popular entries before they expire.
    pub prefetch: Option<bool>,
    /// Serve expired answers when the authoritative fails.
    pub serve_stale: Option<ServeStaleSpec>,
    /// Where a central resolver sits (placement = "central").
    pub location: Option<LocationSpec>,
    /// Caches per anycast PoP and area (placement = "public-anycast").
    pub caches_per_pop: Option<i64>,
    /// Clients per ECS subnet (ecs = true).
    pub clients_per_subnet: Option<i64>,
}

/// `resolvers[].ttl` as a table.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawTtl {
    /// Required: which policy.
    pub mode: Option<Name<TtlMode>>,
    /// The floor (modes floor and floor-cap).
    pub min: Option<Dur>,
    /// The cap (modes cap and floor-cap).
    pub max: Option<Dur>,
    /// The fixed TTL (mode fixed).
    pub value: Option<Dur>,
    /// A TTL distribution preset (mode distribution).
    pub preset: Option<String>,
}

/// `resolvers[].location` as a table.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawPoint {
    /// Required: latitude in degrees.
    pub lat: Option<Num>,
    /// Required: longitude in degrees.
    pub lon: Option<Num>,
}

/// `clients.stub_cache` as a table.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawStubCap {
    /// Required, greater than 0: the stub's TTL cap.
    pub max_ttl: Option<Dur>,
}

/// One part of a `clients.software` mix.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawSoftwarePart {
    /// Required: a client software name, or `"none"` (the client keys as written).
    pub name: Option<String>,
    /// Required: the share of clients, in (0, 1]; shares sum to 1.
    pub share: Option<Num>,
}

/// `[[failures]]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawFailure {
    /// Required: a declared region.
    pub region: Option<String>,
    /// Required: when it starts, before the end of the simulation.
    pub at: Option<Dur>,
    /// Required: what fails.
    pub kind: Option<Name<FailureKind>>,
    /// How a hard failure refuses connections (kind = "hard").
    pub mode: Option<Name<HardMode>>,
    /// Share of requests answered with an error, 0 to 1 (brownout, grey).
    pub error_rate: Option<Num>,
    /// Latency added to every request (brownout, grey).
    pub added_latency: Option<Dur>,
    /// When it ends, after `at`.
    pub recover_at: Option<Dur>,
}

/// `[[arms]]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawArm {
    /// Required, unique.
    pub name: Option<String>,
    /// Required: which service.
    pub kind: Option<Name<ArmKind>>,
    /// Required for Route 53: the routing policy.
    pub policy: Option<Name<Policy>>,
    /// The record TTL (Route 53) or the accelerator's DNS TTL.
    pub ttl: Option<Dur>,
    /// How long a change takes to reach the authoritative servers.
    pub propagation: Option<PropagationSpec>,
    /// What the endpoints are.
    pub endpoint_type: Option<Name<EndpointType>>,
    /// The arm's health check (Route 53: every record's default; GA: the endpoint check).
    pub health_check: Option<HealthCheckSpec>,
    /// Route 53 records (default: per policy).
    pub records: Option<Tables<RawRecord>>,
    /// An ARC routing control (Route 53).
    pub control: Option<RawControl>,
    /// Client overrides for this arm (a `[clients]` table without the world keys), read in
    /// resolve so the keys written can be listed.
    pub clients: Option<RawTable>,
    /// GA client affinity.
    pub client_affinity: Option<Name<ClientAffinity>>,
    /// GA endpoint groups (default: one per region, dial 100).
    pub endpoint_groups: Option<Tables<RawEndpointGroup>>,
    /// GA: moved to `regions[].load_balancer.health_check`; refused whatever its value.
    pub lb_health_check: Option<Value>,
}

/// A health check table: `arms[].health_check`, `records[].health_check` and (without
/// `calculated`) each `calculated.children[]` besides its `region`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawHealthCheck {
    /// 10s or 30s.
    pub interval: Option<Dur>,
    /// Route 53: failed checks before unhealthy, 1 to 10.
    pub failure_threshold: Option<i64>,
    /// Global Accelerator: failed checks before unhealthy, 1 to 10.
    pub threshold: Option<i64>,
    /// Route 53: checker regions, at least 3.
    pub checker_regions: Option<Vec<String>>,
    /// Route 53: checkers per region.
    pub checkers_per_region: Option<i64>,
    /// Route 53: share of checkers that must see the endpoint healthy, in (0, 1).
    pub healthy_fraction: Option<Num>,
    /// Whether the check exercises the application behind the endpoint.
    pub deep: Option<bool>,
    /// The check's protocol.
    pub protocol: Option<Name<HcProtocol>>,
    /// Route 53, records only: a calculated check over child checks.
    pub calculated: Option<RawCalculated>,
    /// Route 53: invert the check's status (R53-API `Inverted`).
    pub inverted: Option<bool>,
    /// Route 53: a disabled check, considered always healthy (R53-API `Disabled`).
    pub disabled: Option<bool>,
}

/// `records[].health_check.calculated`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawCalculated {
    /// Required: healthy children needed, 0 to 256.
    pub threshold: Option<i64>,
    /// Required: 1 to 256 child checks, each a `region` and health-check keys (read in resolve).
    pub children: Option<Tables<RawTable>>,
}

/// `regions[].load_balancer.health_check`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawLbHealthCheck {
    /// "http" | "https" | "tcp" (not tcp on an ALB).
    pub protocol: Option<Name<HcProtocol>>,
    /// Whether the check exercises the application behind the target.
    pub deep: Option<bool>,
    /// 5s to 300s.
    pub interval: Option<Dur>,
    /// 2s to 120s, shorter than the interval.
    pub timeout: Option<Dur>,
    /// 2 to 10.
    pub healthy_threshold: Option<i64>,
    /// 2 to 10.
    pub unhealthy_threshold: Option<i64>,
}

/// `arms[].endpoint_groups[]` (Global Accelerator).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawEndpointGroup {
    /// Required: a declared region, one group per region.
    pub region: Option<String>,
    /// Percent of the group's traffic accepted, 0 to 100.
    pub traffic_dial: Option<Num>,
    /// The group's endpoints (default: one of the arm's `endpoint_type`, weight 128).
    pub endpoints: Option<Tables<RawEndpoint>>,
    /// The group's own health check for its EC2/EIP endpoints (default: the arm's).
    pub health_check: Option<RawGaHealthCheck>,
}

/// `arms[].endpoint_groups[].endpoints[]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawEndpoint {
    /// "alb" | "nlb" | "ec2" | "eip" (default: the arm's `endpoint_type`).
    #[serde(rename = "type")]
    pub kind: Option<Name<EndpointType>>,
    /// 0 to 255, default 128.
    pub weight: Option<i64>,
}

/// `arms[].endpoint_groups[].health_check`: a Global Accelerator check's settings.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawGaHealthCheck {
    /// 10s or 30s.
    pub interval: Option<Dur>,
    /// Consecutive checks before a change, 1 to 10.
    pub threshold: Option<i64>,
    /// "tcp" | "http" | "https".
    pub protocol: Option<Name<HcProtocol>>,
    /// Whether the check exercises the application behind the endpoint.
    pub deep: Option<bool>,
}

/// `arms[].records[]` (Route 53).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawRecord {
    /// Required: a declared region.
    pub region: Option<String>,
    /// policy = "weighted": 0 to 255.
    pub weight: Option<i64>,
    /// policy = "failover": primary or secondary.
    pub role: Option<Name<Role>>,
    /// An alias record to a load balancer.
    pub alias: Option<bool>,
    /// Alias records: follow the target's health.
    pub evaluate_target_health: Option<bool>,
    /// The record's check: `false`, a table, or `{ calculated }`.
    pub health_check: Option<HealthCheckSpec>,
    /// policy = "geolocation": which clients the record answers.
    pub location: Option<GeoSpec>,
    /// policy = "geoproximity": the AWS region Route 53 places the record at (default: its
    /// `region`).
    pub aws_region: Option<String>,
    /// policy = "geoproximity": the record's latitude (with `lon`), instead of a region.
    pub lat: Option<Num>,
    /// policy = "geoproximity": the record's longitude (with `lat`).
    pub lon: Option<Num>,
    /// policy = "geoproximity": -99 to 99, default 0.
    pub bias: Option<i64>,
}

/// `arms[].control` (ARC routing control).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawControl {
    /// Required: "arc".
    pub kind: Option<Name<ControlKind>>,
    /// Required: when the control is flipped off.
    pub flip_at: Option<Dur>,
    /// When it is flipped back on.
    pub flip_back_at: Option<Dur>,
    /// The region whose record it switches.
    pub region: Option<String>,
    /// The safety rule: at least this many cells on.
    pub at_least: Option<i64>,
}

/// `[[actions]]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawAction {
    /// Required: when, before the end of the simulation.
    pub at: Option<Dur>,
    /// Required: the arm's name.
    pub arm: Option<String>,
    /// Required: `records[N].weight` or `endpoint_groups[N].traffic_dial`.
    pub key: Option<String>,
    /// Required: the new value.
    pub value: Option<Num>,
}

// ---------------------------------------------------------------------------------------------
// Value types

/// A duration in microseconds (`super::duration::parse_duration`).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Dur(pub u64);

/// A rate per second (`super::duration::parse_rate`).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Rate(pub f64);

/// A finite number, integer or float.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Num(pub f64);

/// One of the names of `T` (`super::names`).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Name<T>(pub T);

/// An array of tables (`[[key]]` or `key = [{…}, …]`).
#[derive(Debug)]
pub(crate) struct Tables<T>(pub Vec<T>);

/// A table read later, in resolve, whose keys depend on the context.
#[derive(Debug, Clone)]
pub(crate) struct RawTable(pub toml::Table);

/// Deserialize through a `toml::Value`, then convert with a message of our own.
fn via_value<'de, D: Deserializer<'de>, T>(
    d: D,
    f: impl FnOnce(Value) -> Result<T, String>,
) -> Result<T, D::Error> {
    f(Value::deserialize(d)?).map_err(de::Error::custom)
}

impl<'de> Deserialize<'de> for Dur {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        via_value(d, |v| parse_duration(&v).map(Dur))
    }
}

impl<'de> Deserialize<'de> for Rate {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        via_value(d, |v| parse_rate(&v).map(Rate))
    }
}

impl<'de> Deserialize<'de> for Num {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        via_value(d, |v| match v {
            Value::Integer(i) => Ok(Num(i as f64)),
            Value::Float(f) if f.is_finite() => Ok(Num(f)),
            Value::Float(f) => Err(format!("must be a finite number (got {f})")),
            other => Err(format!("expected a number, got {}", type_name(&other))),
        })
    }
}

impl<'de, T: Named> Deserialize<'de> for Name<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        via_value(d, |v| match v {
            Value::String(s) => lookup(&s).map(Name),
            other => Err(format!("expected a string, got {}", type_name(&other))),
        })
    }
}

impl<'de> Deserialize<'de> for RawTable {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        via_value(d, |v| match v {
            Value::Table(t) => Ok(RawTable(t)),
            other => Err(format!("expected a table, got {}", type_name(&other))),
        })
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Tables<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<T>(PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for V<T> {
            type Value = Tables<T>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an array of tables")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Tables<T>, A::Error> {
                let mut out = Vec::new();
                while let Some(item) = seq.next_element()? {
                    out.push(item);
                }
                Ok(Tables(out))
            }
        }
        d.deserialize_any(V(PhantomData))
    }
}

/// `Deserialize` for a value that is a table or one of a few other forms: `expecting` names the
/// forms, the `visit_*` methods given handle them (any other form gets serde's type error, which
/// `super::tidy` words as "expected …, got …").
macro_rules! forms {
    ($ty:ident, $expecting:expr, { $($body:tt)* }) => {
        impl<'de> Deserialize<'de> for $ty {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                struct V;
                impl<'de> Visitor<'de> for V {
                    type Value = $ty;
                    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                        f.write_str($expecting)
                    }
                    $($body)*
                }
                d.deserialize_any(V)
            }
        }
    };
}

/// Read a table through serde (so errors keep their key path).
fn table<'de, A: MapAccess<'de>, T: Deserialize<'de>>(map: A) -> Result<T, A::Error> {
    T::deserialize(MapAccessDeserializer::new(map))
}

/// `resolvers[].ttl`: `"honor"` or a table `{ mode = …, … }`.
#[derive(Debug)]
pub(crate) enum TtlSpec {
    Honor,
    Table(RawTtl),
}

forms!(TtlSpec, "a table { mode = … }", {
    fn visit_str<E: de::Error>(self, s: &str) -> Result<TtlSpec, E> {
        match lookup::<TtlMode>(s) {
            Ok(TtlMode::Honor) => Ok(TtlSpec::Honor),
            Ok(_) => Err(E::custom(format!(
                "mode {s:?} needs parameters: write a table such as {{ mode = {s:?}, … }}"
            ))),
            Err(_) => Err(E::custom(format!(
                "expected \"honor\" or a table {{ mode = … }}, got {s:?}"
            ))),
        }
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<TtlSpec, A::Error> {
        table(map).map(TtlSpec::Table)
    }
});

/// `resolvers[].serve_stale`: `false` or a stale-serving mode's name.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ServeStaleSpec(pub ServeStale);

impl Named for ServeStale {
    const NAMES: &'static [(&'static str, Self)] = &[
        ("rfc8767", ServeStale::Rfc8767),
        ("optimistic", ServeStale::Optimistic),
    ];
    fn unknown(got: &str) -> String {
        format!(
            "expected false, {}, got {got:?}",
            quoted_list(&names::names::<Self>())
        )
    }
}

impl<'de> Deserialize<'de> for ServeStaleSpec {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let forms = format!("false, {}", quoted_list(&names::names::<ServeStale>()));
        via_value(d, |v| match v {
            Value::Boolean(false) => Ok(ServeStaleSpec(ServeStale::Off)),
            Value::Boolean(true) => Err(format!(
                "expected {forms}, got true (say which kind of stale serving)"
            )),
            Value::String(s) => lookup(&s).map(ServeStaleSpec),
            other => Err(format!("expected {forms}, got {}", type_name(&other))),
        })
    }
}

/// `arms[].propagation`: `"default"` or a duration.
#[derive(Debug, Clone, Copy)]
pub(crate) struct PropagationSpec(pub Propagation);

impl<'de> Deserialize<'de> for PropagationSpec {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        via_value(d, |v| match v {
            Value::String(s) if s == "default" => Ok(PropagationSpec(Propagation::Default)),
            v @ (Value::String(_) | Value::Integer(_) | Value::Float(_)) => parse_duration(&v)
                .map(|d| PropagationSpec(Propagation::Fixed(d)))
                .map_err(|m| format!("expected \"default\" or a duration: {m}")),
            other => Err(format!(
                "expected \"default\" or a duration (seconds, or a string like \"30s\"), got {}",
                type_name(&other)
            )),
        })
    }
}

/// A health check: `false` (none) or a table.
#[derive(Debug)]
pub(crate) enum HealthCheckSpec {
    Off,
    Table(Box<RawHealthCheck>),
}

forms!(
    HealthCheckSpec,
    "a table of health-check settings (or false for none)",
    {
        fn visit_bool<E: de::Error>(self, b: bool) -> Result<HealthCheckSpec, E> {
            if b {
                Err(E::invalid_type(de::Unexpected::Bool(b), &self))
            } else {
                Ok(HealthCheckSpec::Off)
            }
        }
        fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<HealthCheckSpec, A::Error> {
            table(map).map(|t| HealthCheckSpec::Table(Box::new(t)))
        }
    }
);

/// `resolvers[].location`: a region name or `{ lat, lon }`.
#[derive(Debug)]
pub(crate) enum LocationSpec {
    Region(String),
    Point(RawPoint),
}

forms!(LocationSpec, "a region name or a table { lat, lon }", {
    fn visit_str<E: de::Error>(self, s: &str) -> Result<LocationSpec, E> {
        Ok(LocationSpec::Region(s.to_string()))
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<LocationSpec, A::Error> {
        table(map).map(LocationSpec::Point)
    }
});

/// `records[].location`: `"default"` (or `"*"`), `{ continent }` or `{ country }`.
#[derive(Debug)]
pub(crate) enum GeoSpec {
    Default,
    Table(RawGeo),
}

/// `records[].location` as a table.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawGeo {
    /// A Route 53 continent code (`EU`, …).
    pub continent: Option<String>,
    /// An ISO 3166-1 alpha-2 country code (`DE`, …).
    pub country: Option<String>,
    /// With `country`: a subdivision code (a US state, `WA`, …).
    pub subdivision: Option<String>,
}

forms!(
    GeoSpec,
    "\"default\" or a table { continent } / { country }",
    {
        fn visit_str<E: de::Error>(self, s: &str) -> Result<GeoSpec, E> {
            if s == "default" || s == "*" {
                Ok(GeoSpec::Default)
            } else {
                Err(E::custom(format!(
                    "{s:?}: a location is \"default\", {{ continent = \"EU\" }} or {{ country = \
                 \"DE\" }}"
                )))
            }
        }
        fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<GeoSpec, A::Error> {
            table(map).map(GeoSpec::Table)
        }
    }
);

/// The one client geography preset so far.
pub(crate) const GEOGRAPHY: &str = "world-internet-users";

/// `clients.geography`: a preset name (a list of areas is not accepted yet).
#[derive(Debug, Clone)]
pub(crate) struct Geography(pub String);

forms!(
    Geography,
    "a preset name (\"world-internet-users\") or a list of areas",
    {
        fn visit_str<E: de::Error>(self, s: &str) -> Result<Geography, E> {
            if s == GEOGRAPHY {
                Ok(Geography(s.to_string()))
            } else {
                Err(E::custom(format!(
                    "geography {s:?} is not supported yet; the only preset so far is {GEOGRAPHY:?}"
                )))
            }
        }
        fn visit_seq<A: SeqAccess<'de>>(self, _: A) -> Result<Geography, A::Error> {
            Err(de::Error::custom(format!(
                "a list of client areas is not supported yet; use {GEOGRAPHY:?}"
            )))
        }
    }
);

/// `regions[].overload.probes`: `"shed"` / `"exempt"` for every kind of probe, or a table
/// `{ route53, ga, elb }` (each optional, the unwritten ones at their default).
#[derive(Debug)]
pub(crate) enum ProbesSpec {
    All(Probes),
    PerKind(RawProbes),
}

/// `regions[].overload.probes` as a table.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawProbes {
    /// Route 53 health checkers' probes.
    pub route53: Option<Name<Probes>>,
    /// Global Accelerator's own health checks.
    pub ga: Option<Name<Probes>>,
    /// ELB target-group health checks (from the load balancer's nodes).
    pub elb: Option<Name<Probes>>,
}

forms!(
    ProbesSpec,
    "\"shed\", \"exempt\" or a table { route53, ga, elb }",
    {
        fn visit_str<E: de::Error>(self, s: &str) -> Result<ProbesSpec, E> {
            lookup::<Probes>(s).map(ProbesSpec::All).map_err(E::custom)
        }
        fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<ProbesSpec, A::Error> {
            table(map).map(ProbesSpec::PerKind)
        }
    }
);

/// `clients.pattern` as a table.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawPattern {
    /// Required: `"poisson"`, `"steady"`, `"sessions"` or `"stream"`.
    pub kind: Option<String>,
    /// Sessions: a named session process (instead of requests, think and gap).
    pub preset: Option<String>,
    /// Steady: uniform jitter of each gap, a fraction of the period in [0, 1).
    pub jitter: Option<Num>,
    /// Sessions: requests per session.
    pub requests: Option<RawCountDist>,
    /// Sessions: think time between a session's requests.
    pub think: Option<RawTimeDist>,
    /// Sessions: idle gap between sessions.
    pub gap: Option<RawTimeDist>,
    /// Stream: mean connection life (exponential).
    pub duration: Option<Dur>,
}

/// A distribution of durations (`think`, `gap`).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawTimeDist {
    /// Required: `"fixed"`, `"exponential"`, `"pareto"`, `"weibull"` or `"lognormal"`.
    pub dist: Option<String>,
    /// Fixed: the value.
    pub value: Option<Dur>,
    /// Exponential: the mean.
    pub mean: Option<Dur>,
    /// Pareto: the minimum (scale).
    pub min: Option<Dur>,
    /// Pareto: the shape, greater than 1.
    pub alpha: Option<Num>,
    /// Weibull: the shape.
    pub shape: Option<Num>,
    /// Weibull: the scale.
    pub scale: Option<Dur>,
    /// Log-normal: the median.
    pub median: Option<Dur>,
    /// Log-normal: sigma of the logarithm.
    pub sigma: Option<Num>,
}

/// A distribution of request counts (`requests`).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawCountDist {
    /// Required: `"fixed"`, `"geometric"`, or a continuous family (`"exponential"`,
    /// `"pareto"`, `"weibull"`, `"lognormal"`) rounded up.
    pub dist: Option<String>,
    /// Fixed: the count, at least 1.
    pub value: Option<i64>,
    /// Geometric and exponential: the mean.
    pub mean: Option<Num>,
    /// Pareto: the minimum.
    pub min: Option<Num>,
    /// Pareto: the shape, greater than 1.
    pub alpha: Option<Num>,
    /// Weibull: the shape.
    pub shape: Option<Num>,
    /// Weibull: the scale.
    pub scale: Option<Num>,
    /// Log-normal: the median.
    pub median: Option<Num>,
    /// Log-normal: sigma of the logarithm.
    pub sigma: Option<Num>,
}

/// `clients.pattern`: a kind's name or a table.
#[derive(Debug)]
pub(crate) enum PatternSpec {
    Name(String),
    Table(Box<RawPattern>),
}

forms!(
    PatternSpec,
    "a pattern name (\"poisson\", \"steady\") or a table { kind = \"…\", … }",
    {
        fn visit_str<E: de::Error>(self, s: &str) -> Result<PatternSpec, E> {
            Ok(PatternSpec::Name(s.to_string()))
        }
        fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<PatternSpec, A::Error> {
            table(map).map(|t| PatternSpec::Table(Box::new(t)))
        }
    }
);

/// `clients.software`: a name or a list of `{ name, share }`.
#[derive(Debug)]
pub(crate) enum SoftwareSpec {
    Name(String),
    Mix(Vec<RawSoftwarePart>),
}

forms!(
    SoftwareSpec,
    "a client software name or a list of tables { name = \"…\", share = … }",
    {
        fn visit_str<E: de::Error>(self, s: &str) -> Result<SoftwareSpec, E> {
            Ok(SoftwareSpec::Name(s.to_string()))
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<SoftwareSpec, A::Error> {
            let mut out = Vec::new();
            while let Some(item) = seq.next_element()? {
                out.push(item);
            }
            Ok(SoftwareSpec::Mix(out))
        }
    }
);

/// `clients.stub_cache`: a preset name or `{ max_ttl }`.
#[derive(Debug)]
pub(crate) enum StubCacheSpec {
    Preset(String),
    Cap(RawStubCap),
}

forms!(
    StubCacheSpec,
    "a preset name or a table { max_ttl = \"…\" }",
    {
        fn visit_str<E: de::Error>(self, s: &str) -> Result<StubCacheSpec, E> {
            Ok(StubCacheSpec::Preset(s.to_string()))
        }
        fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<StubCacheSpec, A::Error> {
            table(map).map(StubCacheSpec::Cap)
        }
    }
);
