//! The workload loader: TOML text → [`sim_engine::config::Workload`] (`spec/WORKLOAD.md`).
//!
//! The TOML is walked by hand (not serde-derived) so that every error names the key path it is
//! about, e.g. `arms[1].health_check.interval: must be 10s or 30s`. The first error wins.
//!
//! Rules applied throughout:
//! - Unknown keys of a table are reported before anything else in that table, so a misspelt key
//!   is reported as such rather than as the required key it was meant to be.
//! - A key written with its default value is always accepted, even when the feature behind its
//!   other values does not exist yet; a non-default value of such a feature is refused with a
//!   message containing "not supported yet".
//! - No input panics: every integer is range-checked before conversion.

use std::fmt;

use sim_engine::config::{
    Action, ActionTarget, AppCache, ClientAffinity, EndpointGroup, GaHealthCheck,
    GlobalAcceleratorArm, LbHealthCheck,
};
use sim_engine::config::{
    ArcControl, Arm, ArmKind, CalculatedCheck, ChildCheck, Clients, EndpointType, Failure,
    FailureKind, GeoLocation, HardMode, HcProtocol, HealthCheck, Placement, Policy, Propagation,
    Record, Region, ResolverClass, Role, Route53Arm, ServeStale, Simulation, Siting, StubCache,
    TtlPolicy, Workload,
};
use sim_engine::geo::{R53_CHECKER_REGIONS, R53_MIN_CHECKER_REGIONS, region_coords};
use sim_engine::{Micros, SEC};
use toml::{Table, Value};

use crate::duration::{format_duration, parse_duration, parse_rate, type_name};

/// A workload that cannot be loaded: the key path it is about (empty for TOML syntax errors,
/// whose message carries the line and column) and what is wrong.
#[derive(Debug, Clone, PartialEq)]
pub struct LoadError {
    pub path: String,
    pub message: String,
}

impl LoadError {
    fn new(path: impl Into<String>, message: impl Into<String>) -> Self {
        LoadError {
            path: path.into(),
            message: message.into(),
        }
    }
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", self.path, self.message)
        }
    }
}

impl std::error::Error for LoadError {}

type Res<T> = Result<T, LoadError>;

const ISSUE_MODELS: &str = "issue: resolver and client models";
const ISSUE_CONTROL: &str = "issue: control-plane fidelity";

/// Default `[simulation] bin`.
const DEFAULT_BIN: Micros = 5 * SEC;
/// The TTL of an alias record to a load balancer (the target's TTL).
const ALIAS_TTL: Micros = 60 * SEC;

const TOP_KEYS: &[&str] = &[
    "actions",
    "arms",
    "clients",
    "description",
    "failures",
    "name",
    "population",
    "regions",
    "resolvers",
    "simulation",
];
const SIMULATION_KEYS: &[&str] = &["bin", "clients", "duration", "seed", "warm_start"];
const REGION_KEYS: &[&str] = &["capacity_rps", "lat", "lon", "name", "overload"];
/// `regions[].overload` keys (the overload model's ASSUMED parameters).
const OVERLOAD_KEYS: &[&str] = &["added_latency", "probes"];
const CLIENT_KEYS: &[&str] = &[
    "app_cache",
    "areas",
    "bytes_per_request",
    "connect_timeout",
    "geography",
    "keepalive_idle",
    "path_stretch",
    "request_rate",
    "request_timeout",
    "retries",
    "stub_cache",
];
/// `[clients]` keys that describe the world, not a strategy: arms may not override them.
const WORLD_CLIENT_KEYS: &[&str] = &["areas", "geography", "path_stretch", "request_rate"];
const RESOLVER_KEYS: &[&str] = &[
    "caches_per_pop",
    "clients_per_resolver",
    "clients_per_subnet",
    "ecs",
    "location",
    "name",
    "placement",
    "prefetch",
    "serve_stale",
    "share",
    "software",
    "ttl",
];
const TTL_KEYS: &[&str] = &["max", "min", "mode", "preset", "value"];
const FAILURE_KEYS: &[&str] = &[
    "added_latency",
    "at",
    "error_rate",
    "kind",
    "mode",
    "recover_at",
    "region",
];
const ARM_KEYS: &[&str] = &[
    "client_affinity",
    "clients",
    "control",
    "endpoint_groups",
    "endpoint_type",
    "health_check",
    "kind",
    "lb_health_check",
    "name",
    "policy",
    "propagation",
    "records",
    "ttl",
];
const GA_ONLY_KEYS: &[&str] = &["client_affinity", "endpoint_groups", "lb_health_check"];
const HEALTH_CHECK_KEYS: &[&str] = &[
    "calculated",
    "checker_regions",
    "checkers_per_region",
    "deep",
    "failure_threshold",
    "healthy_fraction",
    "interval",
    "protocol",
];
const RECORD_KEYS: &[&str] = &[
    "alias",
    "evaluate_target_health",
    "health_check",
    "location",
    "region",
    "role",
    "weight",
];
const CONTROL_KEYS: &[&str] = &["at_least", "flip_at", "flip_back_at", "kind", "region"];
const LOCATION_KEYS: &[&str] = &["continent", "country"];
const CALCULATED_KEYS: &[&str] = &["children", "threshold"];
const CHILD_CHECK_KEYS: &[&str] = &[
    "checker_regions",
    "checkers_per_region",
    "deep",
    "failure_threshold",
    "healthy_fraction",
    "interval",
    "protocol",
    "region",
];

use resolver_models::presets::{
    ClassTtl, POPULATIONS, PopulationPreset, PresetPlacement, TTL_DISTRIBUTIONS,
};
use resolver_models::stub::{STUB_PRESETS, stub_preset};
use sim_engine::config::{CacheClock, StubMix, TtlMix};

// ---------------------------------------------------------------------------------------------
// Paths and messages

/// `path.key`, quoting keys that are not bare TOML keys (`arms[0]."odd key"`).
fn join(path: &str, key: &str) -> String {
    let bare = !key.is_empty()
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
    let key = if bare {
        key.to_string()
    } else {
        format!("{key:?}")
    };
    if path.is_empty() {
        key
    } else {
        format!("{path}.{key}")
    }
}

fn index(path: &str, i: usize) -> String {
    format!("{path}[{i}]")
}

/// `"a", "b" or "c"`.
fn quoted_list(options: &[&str]) -> String {
    let quoted: Vec<String> = options.iter().map(|o| format!("{o:?}")).collect();
    match quoted.split_last() {
        None => String::new(),
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
    }
}

fn expected_one_of(options: &[&str], got: &str) -> String {
    format!("expected {}, got {got:?}", quoted_list(options))
}

fn type_error(expected: &str, got: &Value) -> String {
    format!("expected {expected}, got {}", type_name(got))
}

/// A number for a message, without float noise from sums (`0.8999999999999999` → `0.9`).
fn fmt_num(x: f64) -> String {
    let s = format!("{x:.12}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" { "0".into() } else { s.into() }
}

// ---------------------------------------------------------------------------------------------
// The table walker

/// One TOML table being read, with its key path and the keys it may hold.
struct Obj<'a> {
    path: String,
    table: &'a Table,
    allowed: &'static [&'static str],
}

impl<'a> Obj<'a> {
    fn new(path: String, table: &'a Table, allowed: &'static [&'static str]) -> Self {
        Obj {
            path,
            table,
            allowed,
        }
    }

    /// A table value at `path`, with its unknown keys already checked.
    fn from_value(path: String, v: &'a Value, allowed: &'static [&'static str]) -> Res<Self> {
        match v {
            Value::Table(t) => {
                let obj = Obj::new(path, t, allowed);
                obj.finish()?;
                Ok(obj)
            }
            other => Err(LoadError::new(path, type_error("a table", other))),
        }
    }

    /// Report the first unknown key (in sorted order), listing the keys this table may hold.
    /// Called before the table's keys are read, so a misspelt key is reported as such.
    fn finish(&self) -> Res<()> {
        let mut unknown: Vec<&str> = self
            .table
            .keys()
            .map(String::as_str)
            .filter(|k| !self.allowed.contains(k))
            .collect();
        unknown.sort_unstable();
        match unknown.first() {
            None => Ok(()),
            Some(k) => {
                let mut expected = self.allowed.to_vec();
                expected.sort_unstable();
                Err(LoadError::new(
                    self.key(k),
                    format!("unknown key (expected one of: {})", expected.join(", ")),
                ))
            }
        }
    }

    fn key(&self, key: &str) -> String {
        join(&self.path, key)
    }

    fn err(&self, key: &str, message: impl Into<String>) -> LoadError {
        LoadError::new(self.key(key), message)
    }

    fn has(&self, key: &str) -> bool {
        self.table.contains_key(key)
    }

    fn get(&self, key: &str) -> Option<&'a Value> {
        self.table.get(key)
    }

    fn require(&self, key: &str) -> Res<&'a Value> {
        self.get(key).ok_or_else(|| self.err(key, "is required"))
    }

    fn string(&self, key: &str) -> Res<Option<&'a str>> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(other) => Err(self.err(key, type_error("a string", other))),
        }
    }

    fn req_string(&self, key: &str) -> Res<&'a str> {
        self.require(key)?;
        Ok(self.string(key)?.unwrap_or_default())
    }

    /// A required non-empty string.
    fn name(&self, key: &str) -> Res<&'a str> {
        let s = self.req_string(key)?;
        if s.trim().is_empty() {
            return Err(self.err(key, "must not be empty"));
        }
        Ok(s)
    }

    fn boolean(&self, key: &str, default: bool) -> Res<bool> {
        match self.get(key) {
            None => Ok(default),
            Some(Value::Boolean(b)) => Ok(*b),
            Some(other) => Err(self.err(key, type_error("true or false", other))),
        }
    }

    /// An integer in `min..=max`.
    fn integer(&self, key: &str, min: i64, max: i64) -> Res<Option<i64>> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::Integer(i)) => {
                if *i < min || *i > max {
                    // Bounds that are only the target type's limits are not worth mentioning.
                    let open_max = max >= i64::from(u32::MAX);
                    let msg = if *i < min && open_max {
                        format!("must be at least {min} (got {i})")
                    } else if *i > max && min <= 0 && open_max {
                        format!("must be at most {max} (got {i})")
                    } else {
                        format!("must be between {min} and {max} (got {i})")
                    };
                    return Err(self.err(key, msg));
                }
                Ok(Some(*i))
            }
            Some(other) => Err(self.err(key, type_error("an integer", other))),
        }
    }

    fn u32_in(&self, key: &str, min: u32, max: u32) -> Res<Option<u32>> {
        // In range by construction, so the conversion cannot fail.
        Ok(self
            .integer(key, i64::from(min), i64::from(max))?
            .map(|i| u32::try_from(i).unwrap_or(max)))
    }

    fn u64_from(&self, key: &str, min: u64) -> Res<Option<u64>> {
        let min = i64::try_from(min).unwrap_or(i64::MAX);
        Ok(self
            .integer(key, min, i64::MAX)?
            .map(|i| u64::try_from(i).unwrap_or(0)))
    }

    /// A finite number (integer or float).
    fn number(&self, key: &str) -> Res<Option<f64>> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::Integer(i)) => Ok(Some(*i as f64)),
            Some(Value::Float(f)) if f.is_finite() => Ok(Some(*f)),
            Some(Value::Float(f)) => {
                Err(self.err(key, format!("must be a finite number (got {f})")))
            }
            Some(other) => Err(self.err(key, type_error("a number", other))),
        }
    }

    fn duration(&self, key: &str) -> Res<Option<Micros>> {
        match self.get(key) {
            None => Ok(None),
            Some(v) => parse_duration(v).map(Some).map_err(|m| self.err(key, m)),
        }
    }

    /// A duration greater than zero.
    fn positive_duration(&self, key: &str) -> Res<Option<Micros>> {
        match self.duration(key)? {
            Some(0) => Err(self.err(key, "must be greater than 0s")),
            d => Ok(d),
        }
    }

    fn rate(&self, key: &str) -> Res<Option<f64>> {
        match self.get(key) {
            None => Ok(None),
            Some(v) => parse_rate(v).map(Some).map_err(|m| self.err(key, m)),
        }
    }

    /// An array of tables (`[[key]]` or `key = [{…}, …]`), each with its path; `None` when absent.
    fn tables(&self, key: &str) -> Res<Option<Vec<(String, &'a Table)>>> {
        let Some(v) = self.get(key) else {
            return Ok(None);
        };
        let Value::Array(items) = v else {
            return Err(self.err(
                key,
                type_error(&format!("an array of tables ([[{key}]])"), v),
            ));
        };
        let base = self.key(key);
        let mut out = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            match item {
                Value::Table(t) => out.push((index(&base, i), t)),
                other => {
                    return Err(LoadError::new(
                        index(&base, i),
                        type_error("a table", other),
                    ));
                }
            }
        }
        Ok(Some(out))
    }
}

// ---------------------------------------------------------------------------------------------
// Top level

/// Load a workload from TOML text, validating every key (`spec/WORKLOAD.md`).
pub fn parse_workload(text: &str) -> Result<Workload, LoadError> {
    parse_workload_with(text, None)
}

/// Load a workload, taking `population` from `preset` instead of the workload's own
/// `population` key when given (the sensitivity analysis varies a preset's shares this way).
/// The workload's own `[clients]` keys and `[[resolvers]]` still override the preset.
pub fn parse_workload_with(
    text: &str,
    preset: Option<PopulationPreset>,
) -> Result<Workload, LoadError> {
    let table: Table = text
        .parse()
        .map_err(|e: toml::de::Error| LoadError::new("", e.to_string().trim_end().to_string()))?;
    let top = Obj::new(String::new(), &table, TOP_KEYS);
    top.finish()?;

    let name = top.name("name")?;
    validate_workload_name(name).map_err(|m| top.err("name", m))?;
    let description = top.string("description")?.map(str::to_string);
    let named = match top.string("population")? {
        None => None,
        Some(n) => Some(resolver_models::presets::population(n).ok_or_else(|| {
            top.err(
                "population",
                format!("unknown preset {n:?} (known: {})", quoted_list(POPULATIONS)),
            )
        })?),
    };
    let population = preset.or(named);
    let simulation = parse_simulation(&top)?;
    let regions = parse_regions(&top, simulation.clients)?;
    let base = population
        .as_ref()
        .map_or_else(Clients::default, population_clients);
    let clients = match top.get("clients") {
        None => base,
        Some(v) => {
            let obj = Obj::from_value(top.key("clients"), v, CLIENT_KEYS)?;
            parse_clients(&obj, &base, false)?.0
        }
    };
    let resolvers = match (&population, top.has("resolvers")) {
        (Some(p), false) => population_resolvers(p),
        _ => parse_resolvers(&top, &regions)?,
    };
    let failures = parse_failures(&top, &simulation, &regions)?;
    let world = World {
        simulation: &simulation,
        regions: &regions,
        failures: &failures,
        clients: &clients,
    };
    let arms = parse_arms(&top, &world)?;
    let actions = parse_actions(&top, &simulation, &arms)?;

    Ok(Workload {
        name: name.to_string(),
        description,
        simulation,
        regions,
        clients,
        resolvers,
        failures,
        arms,
        actions,
    })
}

/// A population preset's client settings (the rest are the defaults).
fn population_clients(p: &PopulationPreset) -> Clients {
    let mut c = Clients {
        request_rate: p.request_rate,
        app_cache: p.app(),
        keepalive_idle: p.keepalive_idle,
        ..Clients::default()
    };
    set_stub(&mut c, p.stub.clone());
    c
}

/// A population preset's resolver classes (with their placement and ECS; siting defaults).
fn population_resolvers(p: &PopulationPreset) -> Vec<ResolverClass> {
    p.classes
        .iter()
        .map(|c| {
            let (ttl, ttl_mix) = match &c.ttl {
                ClassTtl::Policy(t) => (*t, None),
                ClassTtl::Distribution(m) => (TtlPolicy::Honor, Some(m.clone())),
            };
            ResolverClass {
                name: c.name.to_string(),
                share: c.share,
                placement: match c.placement {
                    PresetPlacement::Local => Placement::Local,
                    PresetPlacement::PublicAnycast => Placement::PublicAnycast,
                    PresetPlacement::Central => Placement::Central,
                },
                ecs: c.ecs,
                clients_per_resolver: c.clients_per_resolver,
                ttl,
                prefetch: c.prefetch,
                serve_stale: c.serve_stale,
                ttl_mix,
                clock: c.clock,
                display: c.display,
                siting: Siting::default(),
            }
        })
        .collect()
}

/// Replace a loaded workload's population with preset `p`: its resolver classes, and its
/// client caches, connection reuse and request rate in the world and in every arm (other client
/// keys and arm overrides of other keys stay). The presets bench runs one workload this way
/// under each preset.
pub fn apply_population(w: &mut Workload, p: &PopulationPreset) {
    w.resolvers = population_resolvers(p);
    let pc = population_clients(p);
    let arms = w.arms.iter_mut().map(|a| &mut a.clients);
    for c in std::iter::once(&mut w.clients).chain(arms) {
        c.request_rate = pc.request_rate;
        c.stub_cache = pc.stub_cache;
        c.stub_mix = pc.stub_mix.clone();
        c.app_cache = pc.app_cache;
        c.keepalive_idle = pc.keepalive_idle;
    }
}

/// Set a client's stub behaviour from a mix: one part is a plain stub cache, more are drawn per
/// client.
fn set_stub(c: &mut Clients, m: StubMix) {
    if m.parts.len() == 1 {
        c.stub_cache = m.parts[0].value;
        c.stub_mix = None;
    } else {
        c.stub_cache = StubCache::None;
        c.stub_mix = Some(m);
    }
}

/// The workload name is used in output folder names.
fn validate_workload_name(name: &str) -> Result<(), String> {
    if let Some(c) = name
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-')))
    {
        return Err(format!(
            "may contain only letters, digits, '.', '_' and '-' (it is used in folder names); \
             found {c:?}"
        ));
    }
    if name == "." || name == ".." {
        return Err(format!("must not be {name:?} (it is used in folder names)"));
    }
    Ok(())
}

fn parse_simulation(top: &Obj) -> Res<Simulation> {
    let v = top.get("simulation").ok_or_else(|| {
        top.err(
            "simulation",
            "[simulation] is required (with duration and clients)",
        )
    })?;
    let o = Obj::from_value(top.key("simulation"), v, SIMULATION_KEYS)?;
    o.require("duration")?;
    let duration = o.positive_duration("duration")?.unwrap_or(0);
    o.require("clients")?;
    let clients = o.u64_from("clients", 1)?.unwrap_or(1);
    let seed = o.u64_from("seed", 0)?.unwrap_or(1);
    let bin = o.positive_duration("bin")?;
    if let Some(b) = bin {
        if b > duration {
            return Err(o.err(
                "bin",
                format!(
                    "must not exceed simulation.duration ({}), got {}",
                    format_duration(duration),
                    format_duration(b)
                ),
            ));
        }
    } else if DEFAULT_BIN > duration {
        return Err(o.err(
            "bin",
            format!(
                "the default bin, {}, exceeds simulation.duration ({}); set a shorter bin",
                format_duration(DEFAULT_BIN),
                format_duration(duration)
            ),
        ));
    }
    let warm_start = o.boolean("warm_start", true)?;
    Ok(Simulation {
        duration,
        seed,
        clients,
        bin: bin.unwrap_or(DEFAULT_BIN),
        warm_start,
    })
}

fn parse_regions(top: &Obj, clients: u64) -> Res<Vec<Region>> {
    let items = top.tables("regions")?.unwrap_or_default();
    if items.is_empty() {
        return Err(top.err("regions", "at least one [[regions]] is required"));
    }
    if items.len() > sim_engine::sim::MAX_REGIONS {
        return Err(top.err(
            "regions",
            format!(
                "at most {} [[regions]] are supported",
                sim_engine::sim::MAX_REGIONS
            ),
        ));
    }
    let mut regions: Vec<Region> = Vec::with_capacity(items.len());
    for (path, t) in items {
        let o = Obj::new(path, t, REGION_KEYS);
        o.finish()?;
        let name = o.name("name")?;
        if let Some(j) = regions.iter().position(|r| r.name == name) {
            return Err(o.err(
                "name",
                format!("duplicate region {name:?} (also regions[{j}])"),
            ));
        }
        let lat = o.number("lat")?;
        let lon = o.number("lon")?;
        if let Some(lat) = lat.filter(|l| !(-90.0..=90.0).contains(l)) {
            return Err(o.err("lat", format!("must be between -90 and 90 (got {lat})")));
        }
        if let Some(lon) = lon.filter(|l| !(-180.0..=180.0).contains(l)) {
            return Err(o.err("lon", format!("must be between -180 and 180 (got {lon})")));
        }
        let (lat, lon) = match (lat, lon) {
            (Some(lat), Some(lon)) => (lat, lon),
            (Some(_), None) => {
                return Err(o.err(
                    "lon",
                    "is required when lat is given (give both or neither)",
                ));
            }
            (None, Some(_)) => {
                return Err(o.err(
                    "lat",
                    "is required when lon is given (give both or neither)",
                ));
            }
            (None, None) => region_coords(name).ok_or_else(|| {
                o.err(
                    "name",
                    "unknown region code; give lat and lon for a custom site",
                )
            })?,
        };
        let capacity_rps = parse_capacity(&o, clients)?;
        regions.push(Region {
            name: name.to_string(),
            lat,
            lon,
            capacity_rps,
        });
    }
    Ok(regions)
}

/// `capacity_rps` (requests/s at the workload's `simulation.clients`) and its `overload`
/// model (sim-engine `overload.rs`).
fn parse_capacity(o: &Obj, clients: u64) -> Res<Option<sim_engine::config::Capacity>> {
    let Some(c) = o.number("capacity_rps")? else {
        if o.has("overload") {
            return Err(o.err("overload", "needs capacity_rps on the same region"));
        }
        return Ok(None);
    };
    if !(c > 0.0 && c.is_finite()) {
        return Err(o.err("capacity_rps", format!("must be greater than 0 (got {c})")));
    }
    let mut cap = sim_engine::config::Capacity {
        rps: c,
        at_clients: clients,
        added_latency: sim_engine::overload::DEFAULT_ADDED_LATENCY,
        shed_probes: true,
    };
    if let Some(v) = o.get("overload") {
        let ov = Obj::from_value(o.key("overload"), v, OVERLOAD_KEYS)?;
        if let Some(d) = ov.duration("added_latency")? {
            if d > 3600 * SEC {
                return Err(ov.err("added_latency", "must be at most 1h"));
            }
            cap.added_latency = d;
        }
        match ov.string("probes")? {
            None | Some("shed") => {}
            Some("exempt") => cap.shed_probes = false,
            Some(other) => {
                return Err(ov.err(
                    "probes",
                    format!("unknown value {other:?} (known: shed, exempt)"),
                ));
            }
        }
    }
    Ok(Some(cap))
}

// ---------------------------------------------------------------------------------------------
// Clients

/// Read `[clients]` (`arm = false`) or an arm's `clients` overrides (`arm = true`) on top of
/// `base`. Returns the settings and the keys written, sorted.
fn parse_clients(o: &Obj, base: &Clients, arm: bool) -> Res<(Clients, Vec<String>)> {
    let mut c = base.clone();
    if let Some(k) = WORLD_CLIENT_KEYS.iter().find(|k| arm && o.has(k)) {
        return Err(o.err(k, "is a world setting; arms may not override it"));
    }
    if let Some(v) = o.get("geography") {
        match v {
            Value::String(s) if s == "world-internet-users" => c.geography = s.clone(),
            Value::String(s) => {
                return Err(o.err(
                    "geography",
                    format!(
                        "geography {s:?} is not supported yet ({ISSUE_MODELS}); the only preset \
                         so far is \"world-internet-users\""
                    ),
                ));
            }
            Value::Array(_) => {
                return Err(o.err(
                    "geography",
                    format!(
                        "a list of client areas is not supported yet ({ISSUE_MODELS}); use \
                         \"world-internet-users\""
                    ),
                ));
            }
            other => {
                return Err(o.err(
                    "geography",
                    type_error(
                        "a preset name (\"world-internet-users\") or a list of areas",
                        other,
                    ),
                ));
            }
        }
    }
    if o.has("areas") {
        return Err(o.err(
            "areas",
            format!(
                "custom client areas are not supported yet ({ISSUE_MODELS}); use geography = \
                 \"world-internet-users\""
            ),
        ));
    }
    if let Some(r) = o.rate("request_rate")? {
        c.request_rate = r;
    }
    if let Some(x) = o.number("path_stretch")? {
        // A route is never shorter than the great circle; 10 is far beyond any measured mean.
        if !(1.0..=10.0).contains(&x) {
            return Err(o.err(
                "path_stretch",
                format!("must be between 1 and 10 (got {x}); the sourced value is 2.1"),
            ));
        }
        c.path_stretch = x;
    }
    if let Some(v) = o.get("stub_cache") {
        let m = parse_stub_cache(o, v)?;
        set_stub(&mut c, m);
    }
    if let Some(v) = o.get("app_cache") {
        c.app_cache = parse_app_cache(o, v)?;
    }
    if let Some(d) = o.duration("keepalive_idle")? {
        c.keepalive_idle = d;
    }
    if let Some(d) = o.positive_duration("connect_timeout")? {
        c.connect_timeout = d;
    }
    if let Some(d) = o.positive_duration("request_timeout")? {
        c.request_timeout = d;
    }
    if let Some(r) = o.u32_in("retries", 0, 10)? {
        c.retries = r;
    }
    if let Some(b) = o.u64_from("bytes_per_request", 0)? {
        c.bytes_per_request = b;
    }
    let mut written: Vec<String> = o.table.keys().cloned().collect();
    written.sort_unstable();
    Ok((c, written))
}

/// `clients.stub_cache`: `"none"`, a preset of `resolver_models::stub` (`"os-default"` is a
/// per-client mix), or `{ max_ttl }`.
fn parse_stub_cache(o: &Obj, v: &Value) -> Res<StubMix> {
    const FORMS: &str = "a preset name or a table { max_ttl = \"…\" }";
    match v {
        Value::String(s) if s == "macos" => Err(o.err(
            "stub_cache",
            "\"macos\" is not modelled: mDNSResponder's cache has no sourced figures \
             (ttl-behaviour.md section 2, UNVERIFIED); use \"os-default\" or { max_ttl = \"…\" }",
        )),
        Value::String(s) => stub_preset(s).ok_or_else(|| {
            o.err(
                "stub_cache",
                format!(
                    "unknown preset {s:?} (known: {}); or write {{ max_ttl = \"…\" }}",
                    quoted_list(STUB_PRESETS)
                ),
            )
        }),
        Value::Table(_) => {
            let t = Obj::from_value(o.key("stub_cache"), v, &["max_ttl"])?;
            t.require("max_ttl")?;
            let max_ttl = t.positive_duration("max_ttl")?.unwrap_or(0);
            Ok(StubMix::single("max_ttl", StubCache::Cap { max_ttl }))
        }
        other => Err(o.err("stub_cache", type_error(FORMS, other))),
    }
}

fn parse_app_cache(o: &Obj, v: &Value) -> Res<AppCache> {
    match v {
        Value::String(s) => match AppCache::preset(s) {
            Some(a) => Ok(a),
            None => Err(o.err("app_cache", expected_one_of(AppCache::PRESETS, s))),
        },
        other => Err(o.err(
            "app_cache",
            type_error("a string (\"none\" or a preset name)", other),
        )),
    }
}

// ---------------------------------------------------------------------------------------------
// Resolvers

fn parse_resolvers(top: &Obj, regions: &[Region]) -> Res<Vec<ResolverClass>> {
    let items = top.tables("resolvers")?.unwrap_or_default();
    if items.is_empty() {
        return Err(top.err(
            "resolvers",
            "at least one [[resolvers]] class is required unless `population` is set",
        ));
    }
    let mut out: Vec<ResolverClass> = Vec::with_capacity(items.len());
    for (path, t) in items {
        let o = Obj::new(path, t, RESOLVER_KEYS);
        o.finish()?;
        let name = o.name("name")?;
        if let Some(j) = out.iter().position(|r| r.name == name) {
            return Err(o.err(
                "name",
                format!("duplicate resolver class {name:?} (also resolvers[{j}])"),
            ));
        }
        o.require("share")?;
        let share = o.number("share")?.unwrap_or(0.0);
        if !(share > 0.0 && share <= 1.0) {
            return Err(o.err(
                "share",
                format!("must be greater than 0 and at most 1 (got {share})"),
            ));
        }
        let placement = match o.string("placement")? {
            None | Some("local") => Placement::Local,
            Some("public-anycast") => Placement::PublicAnycast,
            Some("central") => Placement::Central,
            Some(p) => {
                return Err(o.err(
                    "placement",
                    expected_one_of(&["local", "public-anycast", "central"], p),
                ));
            }
        };
        let ecs = o.boolean("ecs", false)?;
        let siting = parse_siting(&o, placement, ecs, regions)?;
        if placement == Placement::PublicAnycast && o.has("clients_per_resolver") {
            return Err(o.err(
                "clients_per_resolver",
                "does not apply to placement = \"public-anycast\" (its caches are \
                 caches_per_pop per PoP and client area)",
            ));
        }
        let clients_per_resolver = o
            .u32_in("clients_per_resolver", 1, u32::MAX)?
            .unwrap_or(500);
        // `software = "unbound"` (extension): the program's cache clock, and without a written
        // `ttl` its shipped default TTL limits (`resolver_models::Software`).
        let software = match o.string("software")? {
            None => None,
            Some(n) => Some(resolver_models::Software::from_name(n).ok_or_else(|| {
                o.err(
                    "software",
                    expected_one_of(&resolver_models::Software::names(), n),
                )
            })?),
        };
        // A resolver class that sends ECS must be a program that can, with a model
        // (resolver_models::EcsSupport, checked live).
        if let Some(sw) = software
            && ecs
        {
            match sw.ecs_support() {
                resolver_models::EcsSupport::PerSubnetCache => {}
                resolver_models::EcsSupport::Uncached => {
                    return Err(o.err(
                        "ecs",
                        format!(
                            "{} caches no answer to an ECS query (dnsmasq(8), seen live); \
                             that resolver is not modelled",
                            sw.name()
                        ),
                    ));
                }
                resolver_models::EcsSupport::Unsupported => {
                    return Err(o.err(
                        "ecs",
                        format!("{} cannot send EDNS Client Subnet", sw.name()),
                    ));
                }
            }
        }
        let (ttl, ttl_mix) = match (o.get("ttl"), software) {
            (None, None) => (TtlPolicy::Honor, None),
            (None, Some(sw)) => (
                sw.behaviour(&sw.default_config())
                    .map_err(|e| o.err("software", e.to_string()))?
                    .ttl,
                None,
            ),
            (Some(v), _) => parse_ttl_policy(o.key("ttl"), v)?,
        };
        let clock = software.map_or(CacheClock::Exact, resolver_models::Software::clock);
        let display = software.map_or(
            resolver_models::TtlDisplay::Exact,
            resolver_models::Software::display,
        );
        let prefetch = o.boolean("prefetch", false)?;
        let serve_stale = match o.get("serve_stale") {
            None | Some(Value::Boolean(false)) => ServeStale::Off,
            Some(Value::String(s)) if s == "rfc8767" => ServeStale::Rfc8767,
            Some(Value::String(s)) if s == "optimistic" => ServeStale::Optimistic,
            Some(Value::String(s)) => {
                return Err(o.err(
                    "serve_stale",
                    format!("expected false, \"rfc8767\" or \"optimistic\", got {s:?}"),
                ));
            }
            Some(Value::Boolean(true)) => {
                return Err(o.err(
                    "serve_stale",
                    "expected false, \"rfc8767\" or \"optimistic\", got true (say which kind of \
                     stale serving)",
                ));
            }
            Some(other) => {
                return Err(o.err(
                    "serve_stale",
                    type_error("false, \"rfc8767\" or \"optimistic\"", other),
                ));
            }
        };
        out.push(ResolverClass {
            name: name.to_string(),
            share,
            placement,
            ecs,
            clients_per_resolver,
            ttl,
            prefetch,
            serve_stale,
            siting,
            ttl_mix,
            clock,
            display,
        });
    }
    let sum: f64 = out.iter().map(|r| r.share).sum();
    if (sum - 1.0).abs() > 1e-9 {
        return Err(top.err(
            "resolvers",
            format!("shares must sum to 1 (±1e-9); they sum to {}", fmt_num(sum)),
        ));
    }
    // Resolvers hold a u8 index into the table of every class's policies.
    let policies: usize = out
        .iter()
        .map(|c| c.ttl_mix.as_ref().map_or(1, |m| m.parts.len()))
        .sum();
    if policies > sim_engine::mixes::MAX_TABLE {
        return Err(top.err(
            "resolvers",
            format!(
                "at most {} TTL policies over all classes (a distribution counts each of its \
                 parts); these classes have {policies}",
                sim_engine::mixes::MAX_TABLE
            ),
        ));
    }
    Ok(out)
}

/// `location`, `caches_per_pop` and `clients_per_subnet` of a resolver class: each only with
/// the placement or ECS setting it belongs to, so a misplaced key is an error, not a no-op.
fn parse_siting(o: &Obj, placement: Placement, ecs: bool, regions: &[Region]) -> Res<Siting> {
    let only = |key: &str, what: &str| {
        Err(o.err(
            key,
            format!("only applies with {what}; remove it or set {what}"),
        ))
    };
    let mut siting = Siting::default();
    if let Some(v) = o.get("location") {
        if placement != Placement::Central {
            return only("location", "placement = \"central\"");
        }
        siting.location = Some(match v {
            Value::String(name) => regions
                .iter()
                .find(|r| r.name == *name)
                .map(|r| (r.lat, r.lon))
                .or_else(|| region_coords(name))
                .ok_or_else(|| {
                    o.err(
                        "location",
                        format!(
                            "unknown region {name:?}: name one of the workload's [[regions]] or a \
                             built-in AWS region code, or give {{ lat, lon }}"
                        ),
                    )
                })?,
            Value::Table(_) => {
                let loc = Obj::from_value(o.key("location"), v, &["lat", "lon"])?;
                let lat = loc
                    .number("lat")?
                    .ok_or_else(|| loc.err("lat", "is required"))?;
                let lon = loc
                    .number("lon")?
                    .ok_or_else(|| loc.err("lon", "is required"))?;
                if !(-90.0..=90.0).contains(&lat) {
                    return Err(loc.err("lat", format!("must be between -90 and 90 (got {lat})")));
                }
                if !(-180.0..=180.0).contains(&lon) {
                    return Err(loc.err("lon", format!("must be between -180 and 180 (got {lon})")));
                }
                (lat, lon)
            }
            other => {
                return Err(o.err(
                    "location",
                    type_error("a region name or a table { lat, lon }", other),
                ));
            }
        });
    }
    if o.has("caches_per_pop") && placement != Placement::PublicAnycast {
        return only("caches_per_pop", "placement = \"public-anycast\"");
    }
    if let Some(n) = o.u32_in("caches_per_pop", 1, 1_000_000)? {
        siting.caches_per_pop = n;
    }
    if o.has("clients_per_subnet") && !ecs {
        return only("clients_per_subnet", "ecs = true");
    }
    if let Some(n) = o.u32_in("clients_per_subnet", 1, u32::MAX)? {
        siting.clients_per_subnet = n;
    }
    Ok(siting)
}

/// A resolver class's TTL policy: `{ mode = "honor" }` (or the string `"honor"`), `{ mode =
/// "floor", min }`, `{ mode = "cap", max }`, `{ mode = "fixed", value }`, `{ mode =
/// "floor-cap", min, max }`; `{ mode = "distribution", preset }` (a mix of
/// `resolver_models::presets::ttl_distribution`, drawn per resolver).
fn parse_ttl_policy(path: String, v: &Value) -> Res<(TtlPolicy, Option<TtlMix>)> {
    const MODES: &[&str] = &[
        "honor",
        "floor",
        "cap",
        "fixed",
        "floor-cap",
        "distribution",
    ];
    let t = match v {
        Value::String(s) if s == "honor" => return Ok((TtlPolicy::Honor, None)),
        Value::String(s) if MODES.contains(&s.as_str()) => {
            return Err(LoadError::new(
                path,
                format!("mode {s:?} needs parameters: write a table such as {{ mode = {s:?}, … }}"),
            ));
        }
        Value::String(s) => {
            return Err(LoadError::new(
                path,
                format!("expected \"honor\" or a table {{ mode = … }}, got {s:?}"),
            ));
        }
        Value::Table(_) => Obj::from_value(path.clone(), v, TTL_KEYS)?,
        other => {
            return Err(LoadError::new(
                path,
                type_error("a table { mode = … }", other),
            ));
        }
    };
    let mode = t.req_string("mode")?;
    let keys: &[&str] = match mode {
        "honor" => &[],
        "floor" => &["min"],
        "cap" => &["max"],
        "fixed" => &["value"],
        "floor-cap" => &["min", "max"],
        "distribution" => &["preset"],
        other => return Err(t.err("mode", expected_one_of(MODES, other))),
    };
    for k in TTL_KEYS.iter().filter(|k| **k != "mode") {
        if t.has(k) && !keys.contains(k) {
            let takes = if keys.is_empty() {
                "takes no other keys".to_string()
            } else {
                format!("takes: {}", keys.join(", "))
            };
            return Err(t.err(
                k,
                format!("not used with mode = {mode:?} (this mode {takes})"),
            ));
        }
    }
    for k in keys {
        if !t.has(k) {
            return Err(t.err(k, format!("is required with mode = {mode:?}")));
        }
    }
    let dur = |k: &str| -> Res<Micros> { Ok(t.duration(k)?.unwrap_or(0)) };
    let policy = match mode {
        "floor" => TtlPolicy::Floor { min: dur("min")? },
        "cap" => TtlPolicy::Cap { max: dur("max")? },
        "fixed" => TtlPolicy::Fixed {
            value: dur("value")?,
        },
        "floor-cap" => TtlPolicy::FloorCap {
            min: dur("min")?,
            max: dur("max")?,
        },
        "distribution" => {
            let name = t.req_string("preset")?;
            let mix = resolver_models::presets::ttl_distribution(name).ok_or_else(|| {
                t.err(
                    "preset",
                    format!(
                        "unknown preset {name:?} (known: {})",
                        quoted_list(TTL_DISTRIBUTIONS)
                    ),
                )
            })?;
            return Ok((TtlPolicy::Honor, Some(mix)));
        }
        _ => TtlPolicy::Honor,
    };
    policy
        .validate()
        .map_err(|e| LoadError::new(path, e.to_string()))?;
    Ok((policy, None))
}

// ---------------------------------------------------------------------------------------------
// Failures

fn region_index(o: &Obj, key: &str, regions: &[Region]) -> Res<usize> {
    let name = o.req_string(key)?;
    regions.iter().position(|r| r.name == name).ok_or_else(|| {
        let declared: Vec<&str> = regions.iter().map(|r| r.name.as_str()).collect();
        o.err(
            key,
            format!(
                "region {name:?} is not declared in [[regions]] (declared: {})",
                declared.join(", ")
            ),
        )
    })
}

fn parse_failures(top: &Obj, sim: &Simulation, regions: &[Region]) -> Res<Vec<Failure>> {
    let items = top.tables("failures")?.unwrap_or_default();
    let mut out = Vec::with_capacity(items.len());
    for (path, t) in items {
        let o = Obj::new(path, t, FAILURE_KEYS);
        o.finish()?;
        let region = region_index(&o, "region", regions)?;
        o.require("at")?;
        let at = o.duration("at")?.unwrap_or(0);
        if at >= sim.duration {
            return Err(o.err(
                "at",
                format!(
                    "must be before the end of the simulation (simulation.duration = {}), got {}",
                    format_duration(sim.duration),
                    format_duration(at)
                ),
            ));
        }
        let kind_name = o.req_string("kind")?;
        let degraded = matches!(kind_name, "brownout" | "grey");
        let kind = match kind_name {
            "hard" => {
                let mode = match o.string("mode")? {
                    None | Some("blackhole") => HardMode::Blackhole,
                    Some("reset") => HardMode::Reset,
                    Some(m) => {
                        return Err(o.err("mode", expected_one_of(&["blackhole", "reset"], m)));
                    }
                };
                Some(FailureKind::Hard(mode))
            }
            "drain" => Some(FailureKind::Drain),
            "brownout" | "grey" => {
                let error_rate = o.number("error_rate")?.unwrap_or(0.0);
                if !(0.0..=1.0).contains(&error_rate) {
                    return Err(o.err(
                        "error_rate",
                        format!("must be between 0 and 1 (got {error_rate})"),
                    ));
                }
                let added_latency = o.duration("added_latency")?.unwrap_or(0);
                if kind_name == "grey" && error_rate == 0.0 {
                    return Err(o.err(
                        "error_rate",
                        "a grey failure serves errors: give error_rate > 0",
                    ));
                }
                if error_rate == 0.0 && added_latency == 0 {
                    return Err(o.err(
                        "kind",
                        "a brownout needs error_rate > 0 or added_latency > 0",
                    ));
                }
                Some(if kind_name == "grey" {
                    FailureKind::Grey {
                        error_rate,
                        added_latency,
                    }
                } else {
                    FailureKind::Brownout {
                        error_rate,
                        added_latency,
                    }
                })
            }
            other => {
                return Err(o.err(
                    "kind",
                    expected_one_of(&["hard", "drain", "brownout", "grey"], other),
                ));
            }
        };
        if kind_name != "hard" && o.has("mode") {
            return Err(o.err("mode", "only for kind = \"hard\""));
        }
        for k in ["error_rate", "added_latency"] {
            if !degraded && o.has(k) {
                return Err(o.err(k, "only for kind = \"brownout\" or \"grey\""));
            }
        }
        if let Some(r) = o.number("error_rate")?.filter(|r| !(0.0..=1.0).contains(r)) {
            return Err(o.err("error_rate", format!("must be between 0 and 1 (got {r})")));
        }
        o.duration("added_latency")?;
        let recover_at = o.duration("recover_at")?;
        if let Some(r) = recover_at.filter(|&r| r <= at) {
            return Err(o.err(
                "recover_at",
                format!(
                    "must be after at ({}), got {}",
                    format_duration(at),
                    format_duration(r)
                ),
            ));
        }
        let Some(kind) = kind else {
            return Err(o.err(
                "kind",
                format!("kind = {kind_name:?} is not supported yet ({ISSUE_CONTROL})"),
            ));
        };
        out.push(Failure {
            region,
            at,
            kind,
            recover_at,
        });
    }
    Ok(out)
}

// ---------------------------------------------------------------------------------------------
// Arms

/// What arms are validated against.
struct World<'w> {
    simulation: &'w Simulation,
    regions: &'w [Region],
    failures: &'w [Failure],
    clients: &'w Clients,
}

fn parse_arms(top: &Obj, world: &World) -> Res<Vec<Arm>> {
    let items = top.tables("arms")?.unwrap_or_default();
    if items.is_empty() {
        return Err(top.err("arms", "at least one [[arms]] is required"));
    }
    let mut out: Vec<Arm> = Vec::with_capacity(items.len());
    for (path, t) in items {
        let o = Obj::new(path, t, ARM_KEYS);
        o.finish()?;
        let name = o.name("name")?;
        if let Some(j) = out.iter().position(|a| a.name == name) {
            return Err(o.err(
                "name",
                format!("duplicate arm name {name:?} (also arms[{j}])"),
            ));
        }
        let kind = match o.req_string("kind")? {
            "route53" => {
                if let Some(k) = GA_ONLY_KEYS.iter().find(|k| o.has(k)) {
                    return Err(o.err(k, "only for kind = \"global-accelerator\""));
                }
                ArmKind::Route53(parse_route53(&o, world)?)
            }
            "global-accelerator" => {
                ArmKind::GlobalAccelerator(parse_global_accelerator(&o, world)?)
            }
            other => {
                return Err(o.err(
                    "kind",
                    expected_one_of(&["route53", "global-accelerator"], other),
                ));
            }
        };
        let (clients, client_overrides) = match o.get("clients") {
            None => (world.clients.clone(), Vec::new()),
            Some(v) => {
                let c = Obj::from_value(o.key("clients"), v, CLIENT_KEYS)?;
                parse_clients(&c, world.clients, true)?
            }
        };
        out.push(Arm {
            name: name.to_string(),
            kind,
            clients,
            client_overrides,
        });
    }
    Ok(out)
}

fn parse_propagation(o: &Obj) -> Res<Propagation> {
    Ok(match o.get("propagation") {
        None => Propagation::Default,
        Some(Value::String(s)) if s == "default" => Propagation::Default,
        Some(v @ (Value::String(_) | Value::Integer(_) | Value::Float(_))) => {
            Propagation::Fixed(parse_duration(v).map_err(|m| {
                o.err(
                    "propagation",
                    format!("expected \"default\" or a duration: {m}"),
                )
            })?)
        }
        Some(other) => {
            return Err(o.err(
                "propagation",
                type_error(
                    "\"default\" or a duration (seconds, or a string like \"30s\")",
                    other,
                ),
            ));
        }
    })
}

fn parse_endpoint_type(o: &Obj) -> Res<EndpointType> {
    Ok(match o.string("endpoint_type")? {
        None | Some("alb") => EndpointType::Alb,
        Some("nlb") => EndpointType::Nlb,
        Some("ec2") => EndpointType::Ec2,
        Some("eip") => EndpointType::Eip,
        Some(other) => {
            return Err(o.err(
                "endpoint_type",
                expected_one_of(&["alb", "nlb", "ec2", "eip"], other),
            ));
        }
    })
}

/// A Global Accelerator arm (WORKLOAD.md; GA-API for ranges and defaults).
fn parse_global_accelerator(o: &Obj, world: &World) -> Res<GlobalAcceleratorArm> {
    for k in ["policy", "records", "control"] {
        if o.has(k) {
            return Err(o.err(k, "only for kind = \"route53\""));
        }
    }
    let endpoint_type = parse_endpoint_type(o)?;
    let propagation = parse_propagation(o)?;
    // The accelerator's DNS name: its addresses never change, so the TTL only sets query
    // volume. ASSUMED default 60 s, as for alias records to AWS load balancers.
    let dns_ttl = o.duration("ttl")?.unwrap_or(60 * SEC);
    let mut health_check = GaHealthCheck::default();
    if let Some(v) = o.get("health_check") {
        let h = Obj::from_value(
            o.key("health_check"),
            v,
            &["deep", "interval", "protocol", "threshold"],
        )?;
        if let Some(i) = h.duration("interval")? {
            if i != 10 * SEC && i != 30 * SEC {
                return Err(h.err("interval", "must be 10s or 30s"));
            }
            health_check.interval = i;
        }
        if let Some(t) = h.u32_in("threshold", 1, 10)? {
            health_check.threshold = t;
        }
        health_check.protocol = match h.string("protocol")? {
            None | Some("tcp") => HcProtocol::Tcp,
            Some("http") => HcProtocol::Http,
            Some("https") => HcProtocol::Https,
            Some(other) => {
                return Err(h.err(
                    "protocol",
                    expected_one_of(&["tcp", "http", "https"], other),
                ));
            }
        };
        health_check.deep = h.boolean("deep", false)?;
    }
    let mut lb_health_check = LbHealthCheck::default();
    if let Some(v) = o.get("lb_health_check") {
        let h = Obj::from_value(
            o.key("lb_health_check"),
            v,
            &[
                "healthy_threshold",
                "interval",
                "timeout",
                "unhealthy_threshold",
            ],
        )?;
        // ELB-API CreateTargetGroup ranges: interval 5-300 s, thresholds 2-10, timeout 2-120 s.
        if let Some(i) = h.duration("interval")? {
            if !(5 * SEC..=300 * SEC).contains(&i) {
                return Err(h.err("interval", "must be between 5s and 300s"));
            }
            lb_health_check.interval = i;
        }
        if let Some(t) = h.u32_in("unhealthy_threshold", 2, 10)? {
            lb_health_check.unhealthy_threshold = t;
        }
        if let Some(t) = h.u32_in("healthy_threshold", 2, 10)? {
            lb_health_check.healthy_threshold = t;
        }
        if let Some(t) = h.duration("timeout")? {
            if !(2 * SEC..=120 * SEC).contains(&t) {
                return Err(h.err("timeout", "must be between 2s and 120s"));
            }
            lb_health_check.timeout = t;
        }
        if lb_health_check.timeout >= lb_health_check.interval {
            return Err(h.err("timeout", "must be shorter than the interval (ELB rule)"));
        }
    }
    let endpoint_groups = match o.tables("endpoint_groups")? {
        // Default: one endpoint group per declared region, dial 100 %.
        None => (0..world.regions.len())
            .map(|region| EndpointGroup {
                region,
                traffic_dial: 100.0,
            })
            .collect(),
        Some(items) => {
            if items.is_empty() {
                return Err(o.err("endpoint_groups", "at least one endpoint group is required"));
            }
            let mut groups: Vec<EndpointGroup> = Vec::new();
            for (path, t) in items {
                let g = Obj::new(path, t, &["region", "traffic_dial"]);
                g.finish()?;
                let region = region_index(&g, "region", world.regions)?;
                if groups.iter().any(|x| x.region == region) {
                    return Err(g.err(
                        "region",
                        "one endpoint group per region (GA allows one per region per listener)",
                    ));
                }
                let traffic_dial = g.number("traffic_dial")?.unwrap_or(100.0);
                if !(0.0..=100.0).contains(&traffic_dial) {
                    return Err(g.err("traffic_dial", "must be between 0 and 100 (percent)"));
                }
                groups.push(EndpointGroup {
                    region,
                    traffic_dial,
                });
            }
            groups
        }
    };
    let client_affinity = match o.string("client_affinity")? {
        None | Some("none") => ClientAffinity::None,
        Some("source-ip") => ClientAffinity::SourceIp,
        Some(other) => {
            return Err(o.err(
                "client_affinity",
                expected_one_of(&["none", "source-ip"], other),
            ));
        }
    };
    Ok(GlobalAcceleratorArm {
        endpoint_type,
        health_check,
        lb_health_check,
        endpoint_groups,
        client_affinity,
        propagation,
        dns_ttl,
    })
}

fn parse_route53(o: &Obj, world: &World) -> Res<Route53Arm> {
    let policy = match o.req_string("policy")? {
        "weighted" => Policy::Weighted,
        "failover" => Policy::Failover,
        "latency" => Policy::Latency,
        "geolocation" => Policy::Geolocation,
        "multivalue" => Policy::Multivalue,
        other => {
            return Err(o.err(
                "policy",
                expected_one_of(
                    &[
                        "weighted",
                        "failover",
                        "latency",
                        "geolocation",
                        "multivalue",
                    ],
                    other,
                ),
            ));
        }
    };
    let ttl = o.duration("ttl")?;
    let propagation = parse_propagation(o)?;
    let endpoint_type = parse_endpoint_type(o)?;
    let arm_hc = match o.get("health_check") {
        None | Some(Value::Boolean(false)) => None,
        Some(Value::Table(t)) if t.contains_key("calculated") => {
            return Err(LoadError::new(
                join(&o.key("health_check"), "calculated"),
                "a calculated health check belongs to one record: write it under \
                 records[i].health_check",
            ));
        }
        Some(v @ Value::Table(_)) => Some(parse_health_check(
            o.key("health_check"),
            v,
            &default_health_check(),
        )?),
        Some(other) => {
            return Err(o.err(
                "health_check",
                type_error(
                    "a table of health-check settings (or false for none)",
                    other,
                ),
            ));
        }
    };
    let records = match o.tables("records")? {
        Some(items) => parse_records(o, items, policy, endpoint_type, arm_hc.as_ref(), world)?,
        None => default_records(o, policy, arm_hc.as_ref(), world)?,
    };
    if policy == Policy::Multivalue
        && records.len() > sim_engine::controlplane::MAX_MULTIVALUE_RECORDS
    {
        return Err(o.err(
            "records",
            format!(
                "more than {} multivalue records is not supported yet ({ISSUE_CONTROL}); Route \
                 53 answers at most 8 of them per query",
                sim_engine::controlplane::MAX_MULTIVALUE_RECORDS
            ),
        ));
    }
    if policy == Policy::Failover {
        let primaries = records
            .iter()
            .filter(|r| r.role == Some(Role::Primary))
            .count();
        let secondaries = records
            .iter()
            .filter(|r| r.role == Some(Role::Secondary))
            .count();
        if primaries != 1 || secondaries != 1 {
            return Err(o.err(
                "records",
                format!(
                    "policy = \"failover\" needs exactly one primary and exactly one secondary \
                     record; found {primaries} primary and {secondaries} secondary"
                ),
            ));
        }
    }
    let any_alias = records.iter().any(|r| r.alias);
    let all_alias = records.iter().all(|r| r.alias);
    let ttl = match ttl {
        Some(t) if any_alias && t != ALIAS_TTL => {
            return Err(o.err(
                "ttl",
                format!(
                    "an alias record to a load balancer has the target's TTL, 60s, so ttl = {} \
                     cannot apply; remove ttl override or set 60s",
                    format_duration(t)
                ),
            ));
        }
        Some(t) => t,
        None if all_alias => ALIAS_TTL,
        None => return Err(o.err("ttl", "is required for kind = \"route53\"")),
    };
    let control = match o.get("control") {
        None => None,
        Some(v) => Some(parse_control(o.key("control"), v, &records, world)?),
    };
    Ok(Route53Arm {
        policy,
        ttl,
        propagation,
        records,
        control,
        endpoint_type,
    })
}

fn default_health_check() -> HealthCheck {
    HealthCheck {
        interval: 30 * SEC,
        failure_threshold: 3,
        checker_regions: R53_CHECKER_REGIONS.iter().map(|s| s.to_string()).collect(),
        checkers_per_region: None,
        healthy_fraction: 0.18,
        deep: false,
        protocol: HcProtocol::Http,
    }
}

/// A Route 53 health check table; keys not given keep `base`'s values.
fn parse_health_check(path: String, v: &Value, base: &HealthCheck) -> Res<HealthCheck> {
    let o = Obj::from_value(path, v, HEALTH_CHECK_KEYS)?;
    if o.has("calculated") {
        return Err(o.err(
            "calculated",
            "a calculated check has no endpoint settings of its own: write only calculated = \
             { threshold, children } in this table",
        ));
    }
    let mut hc = base.clone();
    if let Some(i) = o.duration("interval")? {
        if i != 10 * SEC && i != 30 * SEC {
            return Err(o.err("interval", "must be 10s or 30s"));
        }
        hc.interval = i;
    }
    if let Some(n) = o.u32_in("failure_threshold", 1, 10)? {
        hc.failure_threshold = n;
    }
    if let Some(v) = o.get("checker_regions") {
        let path = o.key("checker_regions");
        let Value::Array(items) = v else {
            return Err(LoadError::new(
                path,
                type_error("an array of checker region names", v),
            ));
        };
        let mut names: Vec<String> = Vec::with_capacity(items.len());
        for (k, item) in items.iter().enumerate() {
            let p = index(&path, k);
            let Value::String(s) = item else {
                return Err(LoadError::new(p, type_error("a string", item)));
            };
            if !R53_CHECKER_REGIONS.contains(&s.as_str()) {
                return Err(LoadError::new(
                    p,
                    format!(
                        "{s:?} is not a Route 53 health-checker region (expected one of: {})",
                        R53_CHECKER_REGIONS.join(", ")
                    ),
                ));
            }
            if let Some(j) = names.iter().position(|n| n == s) {
                return Err(LoadError::new(
                    p,
                    format!("duplicate checker region {s:?} (also [{j}])"),
                ));
            }
            names.push(s.clone());
        }
        if names.len() < R53_MIN_CHECKER_REGIONS {
            return Err(LoadError::new(
                path,
                format!(
                    "needs at least {R53_MIN_CHECKER_REGIONS} checker regions (got {})",
                    names.len()
                ),
            ));
        }
        hc.checker_regions = names;
    }
    if let Some(n) = o.u32_in("checkers_per_region", 1, u32::MAX)? {
        hc.checkers_per_region = Some(n);
    }
    if let Some(f) = o.number("healthy_fraction")? {
        if !(f > 0.0 && f < 1.0) {
            return Err(o.err(
                "healthy_fraction",
                format!("must be greater than 0 and less than 1 (got {f})"),
            ));
        }
        hc.healthy_fraction = f;
    }
    hc.deep = o.boolean("deep", hc.deep)?;
    match o.string("protocol")? {
        None => {}
        Some("http") => hc.protocol = HcProtocol::Http,
        Some("https") => hc.protocol = HcProtocol::Https,
        Some("tcp") => hc.protocol = HcProtocol::Tcp,
        Some(other) => {
            return Err(o.err(
                "protocol",
                expected_one_of(&["http", "https", "tcp"], other),
            ));
        }
    }
    Ok(hc)
}

fn default_records(
    o: &Obj,
    policy: Policy,
    arm_hc: Option<&HealthCheck>,
    world: &World,
) -> Res<Vec<Record>> {
    let record = |region: usize, weight: u32, role: Option<Role>| Record {
        region,
        weight,
        role,
        alias: false,
        evaluate_target_health: false,
        health_check: arm_hc.cloned(),
        location: None,
        calculated: None,
    };
    match policy {
        Policy::Failover => {
            if world.regions.len() < 2 {
                return Err(o.err(
                    "records",
                    "policy = \"failover\" needs two regions (the default records are the first \
                     declared region as primary and the second as secondary); declare another \
                     [[regions]] or write records",
                ));
            }
            Ok(vec![
                record(0, 1, Some(Role::Primary)),
                record(1, 1, Some(Role::Secondary)),
            ])
        }
        Policy::Geolocation => default_geolocation_records(o, record, world),
        _ => Ok((0..world.regions.len())
            .map(|i| record(i, 1, None))
            .collect()),
    }
}

/// Default geolocation records: one per region for the continent its coordinates are on (the
/// nearest client area's), and the default record (`*`) on the first declared region.
fn default_geolocation_records(
    o: &Obj,
    record: impl Fn(usize, u32, Option<Role>) -> Record,
    world: &World,
) -> Res<Vec<Record>> {
    use sim_engine::geography::{WORLD_INTERNET_USERS, continent_of_point};
    let mut out: Vec<Record> = Vec::new();
    for (i, r) in world.regions.iter().enumerate() {
        let Some(c) = continent_of_point(WORLD_INTERNET_USERS, r.lat, r.lon) else {
            continue;
        };
        if let Some(j) = out
            .iter()
            .position(|x| x.location == Some(GeoLocation::Continent(c)))
        {
            return Err(o.err(
                "records",
                format!(
                    "the default geolocation records give each region its continent, but {:?} \
                     and {:?} are both in {}; write records with a location each",
                    world.regions[out[j].region].name,
                    r.name,
                    c.name()
                ),
            ));
        }
        out.push(Record {
            location: Some(GeoLocation::Continent(c)),
            ..record(i, 1, None)
        });
    }
    out.push(Record {
        location: Some(GeoLocation::Default),
        ..record(0, 1, None)
    });
    Ok(out)
}

/// A geolocation record's `location`: `"default"` (or Route 53's `"*"`), `{ continent = "EU" }`
/// (Route 53 continent codes) or `{ country = "DE" }` (ISO 3166-1 alpha-2).
fn parse_location(o: &Obj) -> Res<GeoLocation> {
    use sim_engine::geography::Continent;
    let path = o.key("location");
    let v = o.get("location").ok_or_else(|| {
        o.err(
            "location",
            "is required for policy = \"geolocation\" (\"default\", { continent = \"EU\" } or \
             { country = \"DE\" })",
        )
    })?;
    match v {
        Value::String(s) if s == "default" || s == "*" => Ok(GeoLocation::Default),
        Value::String(s) => Err(LoadError::new(
            path,
            format!(
                "{s:?}: a location is \"default\", {{ continent = \"EU\" }} or {{ country = \
                 \"DE\" }}"
            ),
        )),
        Value::Table(_) => {
            let l = Obj::from_value(path.clone(), v, LOCATION_KEYS)?;
            match (l.string("continent")?, l.string("country")?) {
                (Some(_), Some(_)) => Err(l.err(
                    "country",
                    "a record has one location: continent or country, not both",
                )),
                (Some(code), None) => Continent::from_r53_code(code)
                    .map(GeoLocation::Continent)
                    .ok_or_else(|| {
                        let known: Vec<&str> =
                            Continent::ALL.iter().map(|c| c.r53_code()).collect();
                        l.err(
                            "continent",
                            format!(
                                "unknown continent code {code:?} (known: {}; AN has no clients)",
                                known.join(", ")
                            ),
                        )
                    }),
                (None, Some(code)) => {
                    if code.len() == 2 && code.chars().all(|c| c.is_ascii_uppercase()) {
                        Ok(GeoLocation::Country(code.to_string()))
                    } else {
                        Err(l.err(
                            "country",
                            format!("{code:?} is not an ISO 3166-1 alpha-2 code (e.g. \"DE\")"),
                        ))
                    }
                }
                (None, None) => Err(LoadError::new(
                    path,
                    "needs continent = \"..\" or country = \"..\"",
                )),
            }
        }
        other => Err(LoadError::new(
            path,
            type_error("\"default\" or a table { continent } / { country }", other),
        )),
    }
}

/// A record's `health_check.calculated = { threshold, children = [ { region, ...check keys } ] }`
/// (R53-API `HealthThreshold` 0-256, `ChildHealthChecks` at most 256; children are endpoint
/// checks: a calculated child of a calculated check is not allowed).
fn parse_calculated(
    path: String,
    v: &Value,
    base: &HealthCheck,
    world: &World,
) -> Res<CalculatedCheck> {
    let c = Obj::from_value(path, v, CALCULATED_KEYS)?;
    let threshold = c
        .u32_in("threshold", 0, 256)?
        .ok_or_else(|| c.err("threshold", "is required (0-256 healthy children)"))?;
    let items = c
        .tables("children")?
        .ok_or_else(|| c.err("children", "is required: a list of child health checks"))?;
    if items.is_empty() || items.len() > 256 {
        return Err(c.err(
            "children",
            format!("needs 1 to 256 child checks (got {})", items.len()),
        ));
    }
    let mut children = Vec::with_capacity(items.len());
    for (p, t) in items {
        let o = Obj::new(p.clone(), t, CHILD_CHECK_KEYS);
        o.finish()?;
        let region = region_index(&o, "region", world.regions)?;
        let mut rest = t.clone();
        rest.remove("region");
        let check = parse_health_check(p, &Value::Table(rest), base)?;
        children.push(ChildCheck { region, check });
    }
    Ok(CalculatedCheck {
        threshold,
        children,
    })
}

fn parse_records(
    arm: &Obj,
    items: Vec<(String, &Table)>,
    policy: Policy,
    endpoint_type: EndpointType,
    arm_hc: Option<&HealthCheck>,
    world: &World,
) -> Res<Vec<Record>> {
    if items.is_empty() {
        return Err(arm.err(
            "records",
            "at least one record is required (or leave records out for the default records)",
        ));
    }
    if items.len() > sim_engine::controlplane::MAX_RECORDS {
        return Err(arm.err(
            "records",
            format!(
                "at most {} records per name (Route 53's limit for weighted records)",
                sim_engine::controlplane::MAX_RECORDS
            ),
        ));
    }
    let mut out: Vec<Record> = Vec::with_capacity(items.len());
    for (path, t) in items {
        let o = Obj::new(path, t, RECORD_KEYS);
        o.finish()?;
        let region = region_index(&o, "region", world.regions)?;
        let location = if policy == Policy::Geolocation {
            let loc = parse_location(&o)?;
            if let Some(j) = out.iter().position(|r| r.location.as_ref() == Some(&loc)) {
                return Err(o.err(
                    "location",
                    format!("duplicate location (also records[{j}])"),
                ));
            }
            Some(loc)
        } else if o.has("location") {
            return Err(o.err("location", "only for policy = \"geolocation\""));
        } else {
            None
        };
        // Geolocation records may share a region (a country record and the default record,
        // say); other policies answer one record per region.
        if let Some(j) = out
            .iter()
            .position(|r| r.region == region && policy != Policy::Geolocation)
        {
            return Err(o.err(
                "region",
                format!(
                    "duplicate region {:?} in this arm's records (also records[{j}])",
                    world.regions[region].name
                ),
            ));
        }
        let weight = if policy == Policy::Weighted {
            o.u32_in("weight", 0, 255)?.unwrap_or(1)
        } else if o.has("weight") {
            return Err(o.err("weight", "only for policy = \"weighted\""));
        } else {
            1
        };
        let role = if policy == Policy::Failover {
            match o.req_string("role").map_err(|e| {
                if o.has("role") {
                    e
                } else {
                    o.err(
                        "role",
                        "is required for policy = \"failover\" (\"primary\" or \"secondary\")",
                    )
                }
            })? {
                "primary" => Some(Role::Primary),
                "secondary" => Some(Role::Secondary),
                other => {
                    return Err(o.err("role", expected_one_of(&["primary", "secondary"], other)));
                }
            }
        } else if o.has("role") {
            return Err(o.err("role", "only for policy = \"failover\""));
        } else {
            None
        };
        let alias = o.boolean("alias", false)?;
        if alias && policy == Policy::Multivalue {
            return Err(o.err(
                "alias",
                "Route 53 has no multivalue answer alias records (R53-API MultiValueAnswer)",
            ));
        }
        if alias && matches!(endpoint_type, EndpointType::Ec2 | EndpointType::Eip) {
            return Err(o.err(
                "alias",
                "an alias record points at a load balancer; endpoint_type \"ec2\" and \"eip\" \
                 cannot be alias targets (use endpoint_type = \"alb\" or \"nlb\")",
            ));
        }
        let evaluate_target_health = o.boolean("evaluate_target_health", false)?;
        if evaluate_target_health && !alias {
            return Err(o.err(
                "evaluate_target_health",
                "only for alias records (alias = true)",
            ));
        }
        let mut calculated = None;
        let health_check = match o.get("health_check") {
            None => arm_hc.cloned(),
            Some(Value::Boolean(false)) => None,
            Some(v @ Value::Table(t)) if t.contains_key("calculated") => {
                let path = o.key("health_check");
                Obj::from_value(path.clone(), v, &["calculated"])?;
                let base = arm_hc.cloned().unwrap_or_else(default_health_check);
                calculated = Some(parse_calculated(
                    join(&path, "calculated"),
                    &t["calculated"],
                    &base,
                    world,
                )?);
                None
            }
            Some(v @ Value::Table(_)) => {
                let base = arm_hc.cloned().unwrap_or_else(default_health_check);
                Some(parse_health_check(o.key("health_check"), v, &base)?)
            }
            Some(other) => {
                return Err(o.err(
                    "health_check",
                    type_error("a table of health-check settings, or false for none", other),
                ));
            }
        };
        out.push(Record {
            region,
            weight,
            role,
            alias,
            evaluate_target_health,
            health_check,
            location,
            calculated,
        });
    }
    Ok(out)
}

fn parse_control(path: String, v: &Value, records: &[Record], world: &World) -> Res<ArcControl> {
    let o = Obj::from_value(path, v, CONTROL_KEYS)?;
    match o.req_string("kind")? {
        "arc" => {}
        other => return Err(o.err("kind", expected_one_of(&["arc"], other))),
    }
    o.require("flip_at")?;
    let flip_at = o.duration("flip_at")?.unwrap_or(0);
    if flip_at >= world.simulation.duration {
        return Err(o.err(
            "flip_at",
            format!(
                "must be before the end of the simulation (simulation.duration = {}), got {}",
                format_duration(world.simulation.duration),
                format_duration(flip_at)
            ),
        ));
    }
    let has_record = |region: usize| records.iter().any(|r| r.region == region);
    let region = if o.has("region") {
        let region = region_index(&o, "region", world.regions)?;
        if !has_record(region) {
            return Err(o.err(
                "region",
                format!(
                    "region {:?} has no record in this arm; the routing control must switch one \
                     of the arm's records",
                    world.regions[region].name
                ),
            ));
        }
        region
    } else {
        // The region of the earliest failure (the first written, on ties), else the first record's.
        let earliest = world
            .failures
            .iter()
            .enumerate()
            .min_by_key(|(i, f)| (f.at, *i));
        match earliest {
            Some((_, f)) => {
                if !has_record(f.region) {
                    return Err(o.err(
                        "region",
                        format!(
                            "defaults to the region of the earliest failure, {:?}, which has no \
                             record in this arm; set region",
                            world.regions[f.region].name
                        ),
                    ));
                }
                f.region
            }
            None => match records.first() {
                Some(r) => r.region,
                None => return Err(o.err("region", "is required (the arm has no records)")),
            },
        }
    };
    let flip_back_at = o.duration("flip_back_at")?;
    if let Some(b) = flip_back_at.filter(|&b| b <= flip_at) {
        return Err(o.err(
            "flip_back_at",
            format!(
                "must be after flip_at ({}), got {}",
                format_duration(flip_at),
                format_duration(b)
            ),
        ));
    }
    // ARC assertion safety rule (extension key): ATLEAST n of the arm's cells ON.
    let cells = {
        let mut c: Vec<usize> = records.iter().map(|r| r.region).collect();
        c.sort_unstable();
        c.dedup();
        c.len() as u32
    };
    let at_least = o.u32_in("at_least", 1, cells.max(1))?;
    Ok(ArcControl {
        flip_at,
        region,
        flip_back_at,
        at_least,
    })
}

// ---------------------------------------------------------------------------------------------
// Actions

/// `[[actions]]`: timed changes of a Route 53 record's weight or a Global Accelerator endpoint
/// group's traffic dial. `key` is written `records[0].weight` or `records.0.weight`
/// (`endpoint_groups[1].traffic_dial`); the record or group must exist in that arm.
fn parse_actions(top: &Obj, sim: &Simulation, arms: &[Arm]) -> Res<Vec<Action>> {
    let items = top.tables("actions")?.unwrap_or_default();
    let mut out = Vec::with_capacity(items.len());
    for (path, t) in items {
        let o = Obj::new(path, t, &["arm", "at", "key", "value"]);
        o.finish()?;
        let at = o
            .duration("at")?
            .ok_or_else(|| o.err("at", "is required"))?;
        if at >= sim.duration {
            return Err(o.err("at", "must be before the end of the simulation"));
        }
        let arm_name = o.req_string("arm")?;
        let Some(arm) = arms.iter().position(|a| a.name == arm_name) else {
            let names: Vec<&str> = arms.iter().map(|a| a.name.as_str()).collect();
            return Err(o.err("arm", expected_one_of(&names, arm_name)));
        };
        let key = o.req_string("key")?;
        // Accept both `records[0].weight` and `records.0.weight`.
        let norm = key.replace('[', ".").replace(']', "");
        let parts: Vec<&str> = norm.split('.').collect();
        let value = o
            .number("value")?
            .ok_or_else(|| o.err("value", "is required"))?;
        let target = match (parts.as_slice(), &arms[arm].kind) {
            (["records", i, "weight"], ArmKind::Route53(r)) => {
                let record: usize = i
                    .parse()
                    .map_err(|_| o.err("key", format!("bad record index in {key:?}")))?;
                if record >= r.records.len() {
                    return Err(o.err(
                        "key",
                        format!("arm {arm_name:?} has {} records", r.records.len()),
                    ));
                }
                if r.policy != Policy::Weighted {
                    return Err(o.err("key", "weights exist only for policy = \"weighted\""));
                }
                if !(0.0..=255.0).contains(&value) || value.fract() != 0.0 {
                    return Err(o.err("value", "a weight is an integer from 0 to 255"));
                }
                ActionTarget::RecordWeight {
                    record,
                    weight: value as u32,
                }
            }
            (["endpoint_groups", i, "traffic_dial"], ArmKind::GlobalAccelerator(g)) => {
                let group: usize = i
                    .parse()
                    .map_err(|_| o.err("key", format!("bad group index in {key:?}")))?;
                if group >= g.endpoint_groups.len() {
                    return Err(o.err(
                        "key",
                        format!(
                            "arm {arm_name:?} has {} endpoint groups",
                            g.endpoint_groups.len()
                        ),
                    ));
                }
                if !(0.0..=100.0).contains(&value) {
                    return Err(o.err("value", "a traffic dial is between 0 and 100 (percent)"));
                }
                ActionTarget::TrafficDial { group, dial: value }
            }
            _ => {
                return Err(o.err(
                    "key",
                    format!(
                        "{key:?} is not an action key for this arm: use records[N].weight \
                         (Route 53 weighted) or endpoint_groups[N].traffic_dial (Global \
                         Accelerator)"
                    ),
                ));
            }
        };
        out.push(Action { at, arm, target });
    }
    out.sort_by_key(|a| a.at); // stable: actions at the same time keep their order
    Ok(out)
}

// ---------------------------------------------------------------------------------------------

#[cfg(test)]
mod tests {
    use super::*;
    use sim_engine::MS;

    /// The smallest workload: required keys only, plus one of each table that has defaults.
    const MINIMAL: &str = r#"
name = "mini"

[simulation]
duration = "60m"
clients = 1000

[[regions]]
name = "us-east-1"

[[regions]]
name = "eu-west-1"

[[resolvers]]
name = "isp"
share = 1.0

[[failures]]
region = "us-east-1"
at = "10m"
kind = "hard"

[[arms]]
name = "r53-failover"
kind = "route53"
policy = "failover"
ttl = "60s"
health_check = { interval = "10s" }

[[arms]]
name = "r53-weighted"
kind = "route53"
policy = "weighted"
ttl = 30
"#;

    /// A workload that uses most keys, for the no-panic tests.
    const FULL: &str = r#"
name = "full.workload_1"
description = "everything"

[simulation]
duration = "1h"
seed = 42
clients = 1_000_000
bin = "10s"
warm_start = false

[[regions]]
name = "us-east-1"

[[regions]]
name = "my-site"
lat = 10.5
lon = -20

[clients]
geography = "world-internet-users"
request_rate = "2/1m"
stub_cache = { max_ttl = "2h" }
app_cache = "none"
keepalive_idle = "60s"
connect_timeout = "3s"
request_timeout = "10s"
retries = 2
bytes_per_request = 1000

[[resolvers]]
name = "isp"
share = 0.5
placement = "local"
ecs = false
clients_per_resolver = 100
ttl = { mode = "floor-cap", min = "30s", max = "1h" }
prefetch = false
serve_stale = false

[[resolvers]]
name = "other"
share = 0.5
ttl = "honor"

[[failures]]
region = "us-east-1"
at = "10m"
kind = "hard"
mode = "reset"
recover_at = "40m"

[[failures]]
region = "my-site"
at = 900
kind = "drain"

[[arms]]
name = "fo"
kind = "route53"
policy = "failover"
ttl = "60s"
propagation = "2s"
endpoint_type = "nlb"
health_check = { interval = "30s", failure_threshold = 2, checker_regions = ["us-east-1", "us-west-1", "eu-west-1"], checkers_per_region = 4, healthy_fraction = 0.5, deep = true, protocol = "https" }
records = [
  { region = "us-east-1", role = "primary", alias = true, evaluate_target_health = false, health_check = { interval = "10s" } },
  { region = "my-site", role = "secondary", alias = true, health_check = false },
]
control = { kind = "arc", flip_at = "11m", flip_back_at = "45m" }

[arms.clients]
keepalive_idle = "350s"
retries = 1

[[arms]]
name = "w"
kind = "route53"
policy = "weighted"
ttl = 0
propagation = "default"
records = [ { region = "us-east-1", weight = 255 }, { region = "my-site", weight = 0 } ]
"#;

    #[track_caller]
    fn load(text: &str) -> Workload {
        match parse_workload(text) {
            Ok(w) => w,
            Err(e) => panic!("expected the workload to load, got: {e}"),
        }
    }

    #[track_caller]
    /// Limits the engine relies on are refused as bad input, not reached as panics.
    #[test]
    fn region_and_record_limits_are_input_errors() {
        let custom = |n: usize| -> String {
            (0..n)
                .map(|i| format!("[[regions]]\nname = \"site{i}\"\nlat = 1.0\nlon = 2.0\n"))
                .collect()
        };
        let base = |regions: String, arm: &str| {
            format!(
                "name = \"lim\"\n[simulation]\nduration = \"10m\"\nclients = 10\n{regions}\
                 [[resolvers]]\nname = \"r\"\nshare = 1.0\n[[arms]]\nname = \"a\"\n\
                 kind = \"route53\"\npolicy = \"weighted\"\nttl = \"60s\"\n{arm}"
            )
        };
        expect_err(&base(custom(256), ""), "regions", "at most 255");
        let recs: Vec<String> = (0..101)
            .map(|i| format!("{{ region = \"site{i}\", weight = 1 }}"))
            .collect();
        let arm = format!("records = [{}]\n", recs.join(", "));
        expect_err(&base(custom(101), &arm), "arms[0].records", "at most 100");
        // At the limits themselves, it loads.
        let recs: Vec<String> = (0..100)
            .map(|i| format!("{{ region = \"site{i}\", weight = 1 }}"))
            .collect();
        let arm = format!("records = [{}]\n", recs.join(", "));
        assert!(parse_workload(&base(custom(255), &arm)).is_ok());
    }

    /// Resolver prefetch, serve-stale and application caches load into their models.
    #[test]
    fn resolver_and_app_cache_behaviours_load() {
        let text = MINIMAL.replace(
            "share = 1.0",
            "share = 1.0\nprefetch = true\nserve_stale = \"optimistic\"",
        );
        let text = text.replacen(
            "[[resolvers]]",
            "[clients]\napp_cache = \"firefox\"\n\n[[resolvers]]",
            1,
        );
        let w = parse_workload(&text).unwrap();
        assert!(w.resolvers[0].prefetch);
        assert_eq!(w.resolvers[0].serve_stale, ServeStale::Optimistic);
        assert_eq!(w.clients.app_cache, AppCache::preset("firefox").unwrap());
        let rfc = MINIMAL.replace("share = 1.0", "share = 1.0\nserve_stale = \"rfc8767\"");
        assert_eq!(
            parse_workload(&rfc).unwrap().resolvers[0].serve_stale,
            ServeStale::Rfc8767
        );
    }

    /// Global Accelerator arms: defaults from GA-API/ELB-API, ranges checked with key paths.
    #[test]
    fn global_accelerator_arms_load_and_validate() {
        let ga = |extra: &str| {
            MINIMAL.replace(
                "name = \"r53-weighted\"\nkind = \"route53\"\npolicy = \"weighted\"\nttl = 30",
                &format!("name = \"ga\"\nkind = \"global-accelerator\"\n{extra}"),
            )
        };
        let w = parse_workload(&ga("")).unwrap();
        let ArmKind::GlobalAccelerator(g) = &w.arms[1].kind else {
            panic!("expected a Global Accelerator arm")
        };
        assert_eq!(g.endpoint_type, EndpointType::Alb);
        assert_eq!(g.lb_health_check, LbHealthCheck::default());
        assert_eq!(g.health_check.threshold, 3);
        assert_eq!(g.endpoint_groups.len(), 2);
        assert!(g.endpoint_groups.iter().all(|e| e.traffic_dial == 100.0));
        assert_eq!(g.client_affinity, ClientAffinity::None);
        let w = parse_workload(&ga(
            "endpoint_type = \"ec2\"\nclient_affinity = \"source-ip\"\n\
             health_check = { interval = \"10s\", threshold = 1, protocol = \"http\" }\n\
             endpoint_groups = [ { region = \"eu-west-1\", traffic_dial = 0 } ]",
        ))
        .unwrap();
        let ArmKind::GlobalAccelerator(g) = &w.arms[1].kind else {
            panic!("expected a Global Accelerator arm")
        };
        assert_eq!(g.health_check.interval, 10 * SEC);
        assert_eq!(
            g.endpoint_groups,
            vec![EndpointGroup {
                region: 1,
                traffic_dial: 0.0
            }]
        );
        expect_err(
            &ga("health_check = { interval = \"20s\" }"),
            "arms[1].health_check.interval",
            "must be 10s or 30s",
        );
        expect_err(
            &ga("health_check = { threshold = 11 }"),
            "arms[1].health_check.threshold",
            "",
        );
        expect_err(
            &ga("endpoint_groups = [ { region = \"eu-west-1\", traffic_dial = 150 } ]"),
            "arms[1].endpoint_groups[0].traffic_dial",
            "between 0 and 100",
        );
        expect_err(
            &ga("endpoint_groups = [ { region = \"eu-west-1\" }, { region = \"eu-west-1\" } ]"),
            "arms[1].endpoint_groups[1].region",
            "one endpoint group per region",
        );
        expect_err(
            &ga("lb_health_check = { interval = \"1s\" }"),
            "arms[1].lb_health_check.interval",
            "between 5s and 300s",
        );
        expect_err(
            &ga("lb_health_check = { timeout = \"40s\" }"),
            "arms[1].lb_health_check.timeout",
            "shorter than the interval",
        );
        expect_err(
            &ga("records = []"),
            "arms[1].records",
            "only for kind = \"route53\"",
        );
        expect_err(
            &ga("client_affinity = \"sticky\""),
            "arms[1].client_affinity",
            "\"source-ip\"",
        );
        // Route 53 latency routing loads with one record per region by default.
        let lat = MINIMAL.replace("policy = \"weighted\"", "policy = \"latency\"");
        let w = parse_workload(&lat).unwrap();
        let ArmKind::Route53(r) = &w.arms[1].kind else {
            panic!("expected a Route 53 arm")
        };
        assert_eq!(r.policy, Policy::Latency);
        assert_eq!(r.records.len(), 2);
    }

    fn expect_err(text: &str, path: &str, needle: &str) -> LoadError {
        match parse_workload(text) {
            Ok(_) => panic!("expected an error at {path:?} containing {needle:?}, but it loaded"),
            Err(e) => {
                assert_eq!(e.path, path, "wrong path; whole error: {e}");
                assert!(
                    e.message.contains(needle),
                    "message {:?} does not contain {needle:?}",
                    e.message
                );
                e
            }
        }
    }

    /// MINIMAL with `from` replaced by `to` (which must occur exactly once).
    #[track_caller]
    fn edit(from: &str, to: &str) -> String {
        assert_eq!(
            MINIMAL.matches(from).count(),
            1,
            "{from:?} must occur once in MINIMAL"
        );
        MINIMAL.replacen(from, to, 1)
    }

    /// MINIMAL with text added to the table that starts with `header` (first occurrence).
    #[track_caller]
    fn add_after(header: &str, line: &str) -> String {
        edit(header, &format!("{header}\n{line}"))
    }

    /// MINIMAL with `line` added to the first arm (the failover one).
    fn arm0(line: &str) -> String {
        add_after("name = \"r53-failover\"", line)
    }

    /// MINIMAL with `line` added to the second arm (the weighted one).
    fn arm1(line: &str) -> String {
        add_after("name = \"r53-weighted\"", line)
    }

    fn resolver0(line: &str) -> String {
        add_after("name = \"isp\"", line)
    }

    #[test]
    fn minimal_round_trip_with_defaults() {
        let w = load(MINIMAL);
        assert_eq!(w.name, "mini");
        assert_eq!(w.description, None);
        assert_eq!(
            w.simulation,
            Simulation {
                duration: 3_600 * SEC,
                seed: 1,
                clients: 1000,
                bin: 5 * SEC,
                warm_start: true
            }
        );
        assert_eq!(w.regions.len(), 2);
        assert_eq!(w.regions[0].name, "us-east-1");
        assert_eq!((w.regions[0].lat, w.regions[0].lon), (38.9, -77.4));
        assert_eq!(w.regions[1].name, "eu-west-1");
        assert_eq!(w.regions[1].capacity_rps, None);
        assert_eq!(w.clients, Clients::default());
        assert_eq!(w.clients.request_rate, 1.0 / 30.0);
        assert_eq!(w.clients.connect_timeout, 3 * SEC);
        assert_eq!(w.clients.request_timeout, 10 * SEC);
        assert_eq!(w.clients.bytes_per_request, 50_000);
        assert_eq!(
            w.resolvers,
            vec![ResolverClass {
                name: "isp".into(),
                share: 1.0,
                placement: Placement::Local,
                ecs: false,
                clients_per_resolver: 500,
                ttl: TtlPolicy::Honor,
                prefetch: false,
                serve_stale: ServeStale::Off,
                siting: Siting::default(),
                ttl_mix: None,
                clock: CacheClock::Exact,
                display: resolver_models::TtlDisplay::Exact,
            }]
        );
        assert_eq!(
            w.failures,
            vec![Failure {
                region: 0,
                at: 600 * SEC,
                kind: FailureKind::Hard(HardMode::Blackhole),
                recover_at: None
            }]
        );
        assert_eq!(w.arms.len(), 2);

        let a0 = &w.arms[0];
        assert_eq!(a0.name, "r53-failover");
        assert_eq!(a0.clients, Clients::default());
        assert!(a0.client_overrides.is_empty());
        let ArmKind::Route53(r) = &a0.kind else {
            panic!("expected a Route 53 arm")
        };
        assert_eq!(r.policy, Policy::Failover);
        assert_eq!(r.ttl, 60 * SEC);
        assert_eq!(r.propagation, Propagation::Default);
        assert_eq!(r.endpoint_type, EndpointType::Alb);
        assert_eq!(r.control, None);
        let hc = HealthCheck {
            interval: 10 * SEC,
            ..default_health_check()
        };
        assert_eq!(hc.failure_threshold, 3);
        assert_eq!(hc.checker_regions.len(), 8);
        assert_eq!(hc.checkers_per_region, None);
        assert_eq!(hc.healthy_fraction, 0.18);
        assert!(!hc.deep);
        assert_eq!(hc.protocol, HcProtocol::Http);
        assert_eq!(
            r.records,
            vec![
                Record {
                    region: 0,
                    weight: 1,
                    role: Some(Role::Primary),
                    alias: false,
                    evaluate_target_health: false,
                    health_check: Some(hc.clone()),
                    location: None,
                    calculated: None,
                },
                Record {
                    region: 1,
                    weight: 1,
                    role: Some(Role::Secondary),
                    alias: false,
                    evaluate_target_health: false,
                    health_check: Some(hc),
                    location: None,
                    calculated: None,
                },
            ]
        );

        let ArmKind::Route53(r) = &w.arms[1].kind else {
            panic!("expected a Route 53 arm")
        };
        assert_eq!(r.policy, Policy::Weighted);
        assert_eq!(r.ttl, 30 * SEC);
        assert_eq!(r.records.len(), 2);
        for (i, rec) in r.records.iter().enumerate() {
            assert_eq!(rec.region, i);
            assert_eq!(rec.weight, 1);
            assert_eq!(rec.role, None);
            assert_eq!(rec.health_check, None);
        }
    }

    #[test]
    fn full_workload_loads() {
        let w = load(FULL);
        assert_eq!(w.name, "full.workload_1");
        assert_eq!(w.description.as_deref(), Some("everything"));
        assert_eq!(w.simulation.seed, 42);
        assert_eq!(w.simulation.clients, 1_000_000);
        assert_eq!(w.simulation.bin, 10 * SEC);
        assert!(!w.simulation.warm_start);
        assert_eq!((w.regions[1].lat, w.regions[1].lon), (10.5, -20.0));
        assert!((w.clients.request_rate - 2.0 / 60.0).abs() < 1e-15);
        assert_eq!(
            w.clients.stub_cache,
            StubCache::Cap {
                max_ttl: 7_200 * SEC
            }
        );
        assert_eq!(w.clients.keepalive_idle, 60 * SEC);
        assert_eq!(w.clients.retries, 2);
        assert_eq!(w.clients.bytes_per_request, 1000);
        assert_eq!(w.resolvers[0].clients_per_resolver, 100);
        assert_eq!(
            w.resolvers[0].ttl,
            TtlPolicy::FloorCap {
                min: 30 * SEC,
                max: 3_600 * SEC
            }
        );
        assert_eq!(w.resolvers[1].ttl, TtlPolicy::Honor);
        assert_eq!(w.failures[0].kind, FailureKind::Hard(HardMode::Reset));
        assert_eq!(w.failures[0].recover_at, Some(2_400 * SEC));
        assert_eq!(
            w.failures[1],
            Failure {
                region: 1,
                at: 900 * SEC,
                kind: FailureKind::Drain,
                recover_at: None
            }
        );

        let fo = &w.arms[0];
        assert_eq!(
            fo.client_overrides,
            vec!["keepalive_idle".to_string(), "retries".to_string()]
        );
        assert_eq!(fo.clients.keepalive_idle, 350 * SEC);
        assert_eq!(fo.clients.retries, 1);
        assert_eq!(fo.clients.stub_cache, w.clients.stub_cache); // inherited
        assert_eq!(fo.clients.bytes_per_request, 1000);
        let ArmKind::Route53(r) = &fo.kind else {
            panic!("expected a Route 53 arm")
        };
        assert_eq!(r.propagation, Propagation::Fixed(2 * SEC));
        assert_eq!(r.endpoint_type, EndpointType::Nlb);
        // The earliest failure is us-east-1 at 10m: the control's default region.
        assert_eq!(
            r.control,
            Some(ArcControl {
                flip_at: 660 * SEC,
                region: 0,
                flip_back_at: Some(2_700 * SEC),
                at_least: None,
            })
        );
        let arm_hc = HealthCheck {
            interval: 30 * SEC,
            failure_threshold: 2,
            checker_regions: vec!["us-east-1".into(), "us-west-1".into(), "eu-west-1".into()],
            checkers_per_region: Some(4),
            healthy_fraction: 0.5,
            deep: true,
            protocol: HcProtocol::Https,
        };
        // Record 0 overrides only the interval and inherits the rest from the arm.
        assert_eq!(
            r.records[0].health_check,
            Some(HealthCheck {
                interval: 10 * SEC,
                ..arm_hc
            })
        );
        assert!(r.records[0].alias);
        assert_eq!(r.records[1].health_check, None);

        let ArmKind::Route53(r) = &w.arms[1].kind else {
            panic!("expected a Route 53 arm")
        };
        assert_eq!(r.ttl, 0);
        assert_eq!(r.records[0].weight, 255);
        assert_eq!(r.records[1].weight, 0);
        assert_eq!(w.arms[1].clients, w.clients);
    }

    #[test]
    fn shipped_workloads_load() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../workloads");
        let Ok(entries) = std::fs::read_dir(&dir) else {
            return;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.extension().is_some_and(|e| e == "toml") {
                let text = std::fs::read_to_string(&path).unwrap_or_default();
                if let Err(e) = parse_workload(&text) {
                    panic!("{}: {e}", path.display());
                }
            }
        }
    }

    #[test]
    fn record_health_check_without_arm_check_uses_defaults() {
        let w = load(&arm0(
            r#"records = [ { region = "us-east-1", role = "primary", health_check = { failure_threshold = 5 } }, { region = "eu-west-1", role = "secondary", health_check = false } ]"#,
        )
        .replace("health_check = { interval = \"10s\" }\n", ""));
        let ArmKind::Route53(r) = &w.arms[0].kind else {
            panic!("expected a Route 53 arm")
        };
        assert_eq!(
            r.records[0].health_check,
            Some(HealthCheck {
                failure_threshold: 5,
                ..default_health_check()
            })
        );
        assert_eq!(r.records[1].health_check, None);
    }

    #[test]
    fn alias_records_default_ttl_to_60s() {
        let text = arm1(r#"records = [ { region = "us-east-1", alias = true, weight = 3 } ]"#)
            .replace("ttl = 30\n", "");
        let ArmKind::Route53(r) = &load(&text).arms[1].kind else {
            panic!("expected a Route 53 arm")
        };
        assert_eq!(r.ttl, 60 * SEC);
        assert_eq!(r.records[0].weight, 3);
    }

    #[test]
    fn control_region_defaults_and_checks() {
        // No failures: the first record's region.
        let text = MINIMAL.replace(
            "[[failures]]\nregion = \"us-east-1\"\nat = \"10m\"\nkind = \"hard\"\n",
            "",
        );
        let text = text.replace(
            "name = \"r53-weighted\"",
            "name = \"r53-weighted\"\ncontrol = { kind = \"arc\", flip_at = \"500ms\" }\nrecords = [ { region = \"eu-west-1\" } ]",
        );
        let w = load(&text);
        assert!(w.failures.is_empty());
        let ArmKind::Route53(r) = &w.arms[1].kind else {
            panic!("expected a Route 53 arm")
        };
        assert_eq!(
            r.control,
            Some(ArcControl {
                flip_at: 500 * MS,
                region: 1,
                flip_back_at: None,
                at_least: None,
            })
        );

        // The earliest failure's region has no record in this arm.
        let text = arm1(
            r#"control = { kind = "arc", flip_at = "11m" }
records = [ { region = "eu-west-1" } ]"#,
        );
        expect_err(&text, "arms[1].control.region", "earliest failure");
        let text = arm1(
            r#"control = { kind = "arc", flip_at = "11m", region = "us-east-1" }
records = [ { region = "eu-west-1" } ]"#,
        );
        expect_err(&text, "arms[1].control.region", "no record in this arm");
        expect_err(
            &arm1(r#"control = { kind = "arc", flip_at = "60m" }"#),
            "arms[1].control.flip_at",
            "before the end",
        );
        expect_err(
            &arm1(r#"control = { kind = "arc", flip_at = "11m", flip_back_at = "11m" }"#),
            "arms[1].control.flip_back_at",
            "after flip_at",
        );
        // The assertion safety rule: ATLEAST n of the arm's cells, 1 to the number of cells.
        let w = load(&arm1(
            r#"control = { kind = "arc", flip_at = "11m", at_least = 1 }"#,
        ));
        let ArmKind::Route53(r) = &w.arms[1].kind else {
            panic!("expected a Route 53 arm")
        };
        assert_eq!(r.control.as_ref().unwrap().at_least, Some(1));
        expect_err(
            &arm1(r#"control = { kind = "arc", flip_at = "11m", at_least = 9 }"#),
            "arms[1].control.at_least",
            "between 1 and",
        );
        expect_err(
            &arm1(r#"control = { kind = "manual", flip_at = "11m" }"#),
            "arms[1].control.kind",
            "\"arc\"",
        );
        expect_err(
            &arm1(r#"control = { kind = "arc" }"#),
            "arms[1].control.flip_at",
            "required",
        );
    }

    #[test]
    fn syntax_errors_have_line_and_column_and_no_path() {
        let e = parse_workload("name = \"x\"\n[simulation\n").unwrap_err();
        assert_eq!(e.path, "");
        assert!(e.message.contains("line 2"), "{}", e.message);
        assert!(e.message.contains("column"), "{}", e.message);
        assert_eq!(e.to_string(), e.message);
    }

    #[test]
    fn display_joins_path_and_message() {
        let e = LoadError::new("arms[1].health_check.interval", "must be 10s or 30s");
        assert_eq!(
            e.to_string(),
            "arms[1].health_check.interval: must be 10s or 30s"
        );
    }

    // --- unknown keys --------------------------------------------------------------------------

    #[test]
    fn unknown_key_top_level() {
        let e = expect_err(
            &format!("nmae = 1\n{MINIMAL}"),
            "nmae",
            "unknown key (expected one of: actions, arms,",
        );
        assert!(
            e.message.ends_with("resolvers, simulation)"),
            "{}",
            e.message
        );
    }

    #[test]
    fn unknown_key_nested_and_reported_before_missing_keys() {
        expect_err(
            &edit("clients = 1000", "client = 1000"),
            "simulation.client",
            "unknown key",
        );
        expect_err(
            &arm0("health_check.intervall = 3")
                .replace("health_check = { interval = \"10s\" }\n", ""),
            "arms[0].health_check.intervall",
            "expected one of: calculated, checker_regions,",
        );
    }

    #[test]
    fn unknown_key_in_array_of_tables() {
        expect_err(&arm1("weight = 3"), "arms[1].weight", "unknown key");
        expect_err(&resolver0("sahre = 1"), "resolvers[0].sahre", "unknown key");
        expect_err(
            &arm1(r#"records = [ { region = "us-east-1", wieght = 1 } ]"#),
            "arms[1].records[0].wieght",
            "unknown key",
        );
        expect_err(
            &format!("{MINIMAL}\n[[regions]]\nname = \"us-west-2\"\n\"odd key\" = 1\n"),
            "regions[2].\"odd key\"",
            "unknown key",
        );
    }

    // --- types ---------------------------------------------------------------------------------

    #[test]
    fn wrong_types() {
        let e = expect_err(&edit("ttl = 30", "ttl = true"), "arms[1].ttl", "");
        assert_eq!(
            e.to_string(),
            "arms[1].ttl: expected a duration (seconds, or a string like \"30s\"), got a boolean"
        );
        expect_err(
            &edit("clients = 1000", "clients = \"many\""),
            "simulation.clients",
            "expected an integer, got a string",
        );
        expect_err(
            &edit("clients = 1000", "clients = 1e3"),
            "simulation.clients",
            "expected an integer, got a float",
        );
        expect_err(
            &edit("name = \"mini\"", "name = 5"),
            "name",
            "expected a string, got an integer",
        );
        expect_err(
            &edit("share = 1.0", "share = \"all\""),
            "resolvers[0].share",
            "expected a number",
        );
        expect_err(
            &format!("{MINIMAL}\narms = 3\n").replace("[[arms]]", "[[xarms]]"),
            "xarms",
            "unknown key",
        );
        expect_err(
            "name = \"x\"\nsimulation = 3\n",
            "simulation",
            "expected a table, got an integer",
        );
        expect_err(
            &resolver0("ecs = \"no\""),
            "resolvers[0].ecs",
            "expected true or false, got a string",
        );
        expect_err(
            &arm0("health_check.deep = 1").replace("health_check = { interval = \"10s\" }\n", ""),
            "arms[0].health_check.deep",
            "got an integer",
        );
        expect_err(
            &arm0("health_check = true").replace("health_check = { interval = \"10s\" }\n", ""),
            "arms[0].health_check",
            "got a boolean",
        );
        expect_err(
            &arm1("records = [ 1 ]"),
            "arms[1].records[0]",
            "expected a table, got an integer",
        );
        expect_err(
            &arm1("records = { region = \"us-east-1\" }"),
            "arms[1].records",
            "expected an array of tables",
        );
        expect_err(
            &add_after("[simulation]", "seed = 1.5"),
            "simulation.seed",
            "expected an integer",
        );
        expect_err(
            &add_after("[simulation]", "duration2 = 1"),
            "simulation.duration2",
            "unknown key",
        );
    }

    // --- values --------------------------------------------------------------------------------

    #[test]
    fn health_check_interval_must_be_10_or_30() {
        let e = expect_err(
            &edit("interval = \"10s\"", "interval = \"20s\""),
            "arms[0].health_check.interval",
            "must be 10s or 30s",
        );
        assert_eq!(e.message, "must be 10s or 30s");
        load(&edit("interval = \"10s\"", "interval = 30"));
    }

    #[test]
    fn failure_threshold_range() {
        expect_err(
            &edit("interval = \"10s\"", "failure_threshold = 0"),
            "arms[0].health_check.failure_threshold",
            "between 1 and 10",
        );
        expect_err(
            &edit("interval = \"10s\"", "failure_threshold = 11"),
            "arms[0].health_check.failure_threshold",
            "between 1 and 10",
        );
        expect_err(
            &edit(
                "interval = \"10s\"",
                "failure_threshold = -9223372036854775808",
            ),
            "arms[0].health_check.failure_threshold",
            "between 1 and 10",
        );
        load(&edit("interval = \"10s\"", "failure_threshold = 10"));
    }

    #[test]
    fn checker_regions() {
        let hc = |v: &str| edit("interval = \"10s\"", &format!("checker_regions = {v}"));
        expect_err(
            &hc(r#"["us-east-1", "eu-west-1"]"#),
            "arms[0].health_check.checker_regions",
            "at least 3",
        );
        expect_err(
            &hc(r#"["us-east-1", "eu-west-1", "mars-1"]"#),
            "arms[0].health_check.checker_regions[2]",
            "not a Route 53 health-checker region",
        );
        expect_err(
            &hc(r#"["us-east-1", "eu-west-1", "us-east-1"]"#),
            "arms[0].health_check.checker_regions[2]",
            "duplicate",
        );
        expect_err(
            &hc("\"us-east-1\""),
            "arms[0].health_check.checker_regions",
            "expected an array",
        );
        expect_err(
            &edit("interval = \"10s\"", "healthy_fraction = 1"),
            "arms[0].health_check.healthy_fraction",
            "less than 1",
        );
        expect_err(
            &edit("interval = \"10s\"", "protocol = \"ftp\""),
            "arms[0].health_check.protocol",
            "\"http\", \"https\" or \"tcp\"",
        );
        expect_err(
            &edit("interval = \"10s\"", "checkers_per_region = 0"),
            "arms[0].health_check.checkers_per_region",
            "at least 1",
        );
        expect_err(
            &edit("interval = \"10s\"", "checkers_per_region = 4294967296"),
            "arms[0].health_check.checkers_per_region",
            "between 1 and 4294967295",
        );
        load(&edit(
            "interval = \"10s\"",
            "checkers_per_region = 4294967295",
        ));
    }

    #[test]
    fn shares_must_sum_to_one() {
        let text = edit("share = 1.0", "share = 0.6").replace(
            "[[failures]]",
            "[[resolvers]]\nname = \"public\"\nshare = 0.3\n\n[[failures]]",
        );
        expect_err(&text, "resolvers", "they sum to 0.9");
        load(&text.replace("share = 0.3", "share = 0.4"));
        expect_err(
            &edit("share = 1.0", "share = 0"),
            "resolvers[0].share",
            "greater than 0",
        );
        expect_err(
            &edit("share = 1.0", "share = 1.5"),
            "resolvers[0].share",
            "at most 1",
        );
    }

    #[test]
    fn resolver_names_and_ttl_policies() {
        let dup = MINIMAL.replace(
            "[[failures]]",
            "[[resolvers]]\nname = \"isp\"\nshare = 0.5\n\n[[failures]]",
        );
        expect_err(&dup, "resolvers[1].name", "duplicate");
        let ttl = |v: &str| resolver0(&format!("ttl = {v}"));
        let ok = |v: &str| load(&ttl(v)).resolvers[0].ttl;
        assert_eq!(ok(r#"{ mode = "honor" }"#), TtlPolicy::Honor);
        assert_eq!(
            ok(r#"{ mode = "floor", min = "300s" }"#),
            TtlPolicy::Floor { min: 300 * SEC }
        );
        assert_eq!(
            ok(r#"{ mode = "cap", max = "6h" }"#),
            TtlPolicy::Cap {
                max: 6 * 3_600 * SEC
            }
        );
        assert_eq!(
            ok(r#"{ mode = "fixed", value = "1h" }"#),
            TtlPolicy::Fixed { value: 3_600 * SEC }
        );
        expect_err(
            &ttl(r#"{ mode = "floor" }"#),
            "resolvers[0].ttl.min",
            "required with mode = \"floor\"",
        );
        expect_err(
            &ttl(r#"{ mode = "floor", min = 1, max = 2 }"#),
            "resolvers[0].ttl.max",
            "not used with mode = \"floor\"",
        );
        expect_err(
            &ttl(r#"{ mode = "honor", value = 2 }"#),
            "resolvers[0].ttl.value",
            "not used",
        );
        expect_err(
            &ttl(r#"{ mode = "floor-cap", min = "2h", max = "1h" }"#),
            "resolvers[0].ttl",
            "min must not exceed max",
        );
        expect_err(
            &ttl(r#"{ mode = "cap", max = 0 }"#),
            "resolvers[0].ttl",
            "greater than 0s",
        );
        expect_err(
            &ttl(r#"{ mode = "sometimes" }"#),
            "resolvers[0].ttl.mode",
            "\"honor\", \"floor\"",
        );
        let w = load(&ttl(r#"{ mode = "distribution", preset = "pam2023" }"#));
        assert_eq!(w.resolvers[0].ttl_mix.as_ref().unwrap().name, "pam2023");
        expect_err(
            &ttl(r#"{ mode = "distribution", preset = "x" }"#),
            "resolvers[0].ttl.preset",
            "unknown preset \"x\" (known: \"pam2023\", \"ripe2017\", \"public-resolvers\" or \"public-non-ecs\")",
        );
        expect_err(
            &ttl(r#"{ mode = "distribution", preset = 3 }"#),
            "resolvers[0].ttl.preset",
            "expected a string",
        );
        expect_err(
            &ttl(r#"{ min = "1s" }"#),
            "resolvers[0].ttl.mode",
            "required",
        );
        expect_err(&ttl(r#""floor""#), "resolvers[0].ttl", "needs parameters");
        expect_err(
            &resolver0("clients_per_resolver = 0"),
            "resolvers[0].clients_per_resolver",
            "at least 1",
        );
        expect_err(
            &resolver0("clients_per_resolver = 99999999999"),
            "resolvers[0].clients_per_resolver",
            "between 1 and 4294967295",
        );
    }

    #[test]
    fn regions() {
        expect_err(
            &edit("name = \"eu-west-1\"", "name = \"eu-mars-1\""),
            "regions[1].name",
            "unknown region code; give lat and lon",
        );
        load(&edit(
            "name = \"eu-west-1\"",
            "name = \"eu-west-1\"\nlat = 53.3\nlon = -6.3",
        )); // explicit coordinates accepted
        let custom = edit(
            "name = \"eu-west-1\"",
            "name = \"site-b\"\nlat = 1\nlon = 2",
        );
        let w = load(&custom);
        assert_eq!((w.regions[1].lat, w.regions[1].lon), (1.0, 2.0));
        expect_err(
            &edit("name = \"eu-west-1\"", "name = \"x\"\nlat = 1"),
            "regions[1].lon",
            "both or neither",
        );
        expect_err(
            &edit("name = \"eu-west-1\"", "name = \"x\"\nlat = 91\nlon = 0"),
            "regions[1].lat",
            "between -90 and 90",
        );
        expect_err(
            &edit("name = \"eu-west-1\"", "name = \"x\"\nlat = 0\nlon = 180.5"),
            "regions[1].lon",
            "between -180 and 180",
        );
        expect_err(
            &edit("name = \"eu-west-1\"", "name = \"us-east-1\""),
            "regions[1].name",
            "duplicate region",
        );
        let w = parse_workload(&edit(
            "name = \"eu-west-1\"",
            "name = \"eu-west-1\"\ncapacity_rps = 5000\noverload = { added_latency = \"50ms\", probes = \"exempt\" }",
        ))
        .unwrap();
        let cap = w.regions[1].capacity_rps.unwrap();
        assert_eq!((cap.rps, cap.at_clients), (5000.0, w.simulation.clients));
        assert_eq!((cap.added_latency, cap.shed_probes), (50_000, false));
        expect_err(
            &edit(
                "name = \"eu-west-1\"",
                "name = \"eu-west-1\"\ncapacity_rps = 5000\noverload = { probes = \"x\" }",
            ),
            "regions[1].overload.probes",
            "unknown value \"x\" (known: shed, exempt)",
        );
        expect_err(
            &edit(
                "name = \"eu-west-1\"",
                "name = \"eu-west-1\"\ncapacity_rps = 5000\noverload = { queue = \"1s\" }",
            ),
            "regions[1].overload.queue",
            "unknown key",
        );
        expect_err(
            &edit(
                "name = \"eu-west-1\"",
                "name = \"eu-west-1\"\noverload = { probes = \"shed\" }",
            ),
            "regions[1].overload",
            "needs capacity_rps",
        );
        expect_err(
            &edit(
                "name = \"eu-west-1\"",
                "name = \"eu-west-1\"\ncapacity_rps = -1",
            ),
            "regions[1].capacity_rps",
            "greater than 0",
        );
        let none = MINIMAL.replace(
            "[[regions]]\nname = \"us-east-1\"\n\n[[regions]]\nname = \"eu-west-1\"\n",
            "",
        );
        expect_err(&none, "regions", "at least one [[regions]]");
    }

    #[test]
    fn failures() {
        expect_err(
            &edit("region = \"us-east-1\"\nat", "region = \"ap-south-1\"\nat"),
            "failures[0].region",
            "not declared in [[regions]]",
        );
        expect_err(
            &edit("at = \"10m\"", "at = \"-10m\""),
            "failures[0].at",
            "must not be negative",
        );
        expect_err(
            &edit("at = \"10m\"", "at = \"60m\""),
            "failures[0].at",
            "before the end of the simulation",
        );
        expect_err(
            &edit("kind = \"hard\"", "kind = \"hard\"\nrecover_at = \"5m\""),
            "failures[0].recover_at",
            "after at",
        );
        expect_err(
            &edit("kind = \"hard\"", "kind = \"hard\"\nrecover_at = \"10m\""),
            "failures[0].recover_at",
            "after at",
        );
        expect_err(
            &edit("kind = \"hard\"", "kind = \"hard\"\nmode = \"explode\""),
            "failures[0].mode",
            "\"blackhole\" or \"reset\"",
        );
        expect_err(
            &edit("kind = \"hard\"", "kind = \"drain\"\nmode = \"blackhole\""),
            "failures[0].mode",
            "only for kind = \"hard\"",
        );
        expect_err(
            &edit("kind = \"hard\"", "kind = \"hard\"\nerror_rate = 0.5"),
            "failures[0].error_rate",
            "brownout",
        );
        expect_err(
            &edit("kind = \"hard\"", "kind = \"meteor\""),
            "failures[0].kind",
            "\"hard\", \"drain\"",
        );
        let w = load(&edit(
            "kind = \"hard\"",
            "kind = \"brownout\"\nerror_rate = 0.5\nadded_latency = \"200ms\"",
        ));
        assert_eq!(
            w.failures[0].kind,
            FailureKind::Brownout {
                error_rate: 0.5,
                added_latency: 200_000
            }
        );
        expect_err(
            &edit("kind = \"hard\"", "kind = \"grey\""),
            "failures[0].error_rate",
            "give error_rate > 0",
        );
        expect_err(
            &edit("kind = \"hard\"", "kind = \"brownout\""),
            "failures[0].kind",
            "error_rate > 0 or added_latency > 0",
        );
        expect_err(
            &edit("kind = \"hard\"", "kind = \"brownout\"\nerror_rate = 1.5"),
            "failures[0].error_rate",
            "between 0 and 1",
        );
        expect_err(
            &edit(
                "kind = \"hard\"",
                "kind = \"brownout\"\nadded_latency = true",
            ),
            "failures[0].added_latency",
            "expected a duration",
        );
        expect_err(
            &edit("kind = \"hard\"", ""),
            "failures[0].kind",
            "is required",
        );
        let w = load(&edit(
            "kind = \"hard\"",
            "kind = \"hard\"\nmode = \"blackhole\"\nrecover_at = \"2h\"",
        ));
        assert_eq!(w.failures[0].recover_at, Some(7_200 * SEC));
    }

    #[test]
    fn durations_zero_and_negative() {
        expect_err(
            &edit("duration = \"60m\"", "duration = 0"),
            "simulation.duration",
            "greater than 0s",
        );
        expect_err(
            &edit("duration = \"60m\"", "duration = \"-5m\""),
            "simulation.duration",
            "must not be negative",
        );
        expect_err(
            &edit("ttl = 30", "ttl = -1"),
            "arms[1].ttl",
            "must not be negative",
        );
        expect_err(
            &add_after("[simulation]", "bin = \"0s\""),
            "simulation.bin",
            "greater than 0s",
        );
        expect_err(
            &add_after("[simulation]", "bin = \"2h\""),
            "simulation.bin",
            "must not exceed simulation.duration",
        );
        let short =
            edit("duration = \"60m\"", "duration = \"3s\"").replace("at = \"10m\"", "at = \"1s\"");
        expect_err(&short, "simulation.bin", "default bin");
        expect_err(
            &edit("duration = \"60m\"", "duration = \"60 minutes\""),
            "simulation.duration",
            "unknown unit",
        );
    }

    #[test]
    fn arms_required_unique_and_kinds() {
        let no_arms = MINIMAL
            .split("[[arms]]")
            .next()
            .unwrap_or_default()
            .to_string();
        expect_err(&no_arms, "arms", "at least one [[arms]]");
        expect_err(
            &format!("arms = []\n{no_arms}"),
            "arms",
            "at least one [[arms]]",
        );
        expect_err(
            &edit("name = \"r53-weighted\"", "name = \"r53-failover\""),
            "arms[1].name",
            "duplicate arm name",
        );
        expect_err(
            &edit("name = \"r53-weighted\"", "name = \"\""),
            "arms[1].name",
            "must not be empty",
        );
        let ga = edit(
            "kind = \"route53\"\npolicy = \"weighted\"",
            "kind = \"global-accelerator\"\npolicy = \"weighted\"",
        );
        // A Global Accelerator arm takes no Route 53 keys.
        expect_err(&ga, "arms[1].policy", "only for kind = \"route53\"");
        expect_err(
            &edit(
                "kind = \"route53\"\npolicy = \"weighted\"",
                "kind = \"r53\"\npolicy = \"weighted\"",
            ),
            "arms[1].kind",
            "\"route53\"",
        );
        expect_err(
            &arm1("client_affinity = \"none\""),
            "arms[1].client_affinity",
            "only for kind = \"global-accelerator\"",
        );
        expect_err(
            &edit("policy = \"weighted\"", "policy = \"random\""),
            "arms[1].policy",
            "\"weighted\", \"failover\"",
        );
        expect_err(&edit("ttl = 30\n", ""), "arms[1].ttl", "is required");
        expect_err(
            &edit("policy = \"weighted\"\n", ""),
            "arms[1].policy",
            "is required",
        );
        expect_err(
            &arm1("propagation = \"soon\""),
            "arms[1].propagation",
            "expected \"default\" or a duration",
        );
        expect_err(
            &arm1("propagation = false"),
            "arms[1].propagation",
            "got a boolean",
        );
        expect_err(
            &arm1("endpoint_type = \"cdn\""),
            "arms[1].endpoint_type",
            "\"alb\", \"nlb\", \"ec2\" or \"eip\"",
        );
    }

    #[test]
    fn failover_records() {
        let recs = |v: &str| arm0(&format!("records = {v}"));
        expect_err(
            &recs(r#"[ { region = "us-east-1", role = "primary" } ]"#),
            "arms[0].records",
            "exactly one primary and exactly one secondary",
        );
        expect_err(
            &recs(
                r#"[ { region = "us-east-1", role = "primary" }, { region = "eu-west-1", role = "primary" } ]"#,
            ),
            "arms[0].records",
            "found 2 primary and 0 secondary",
        );
        expect_err(
            &recs(r#"[ { region = "us-east-1", role = "primary" }, { region = "eu-west-1" } ]"#),
            "arms[0].records[1].role",
            "required for policy = \"failover\"",
        );
        expect_err(
            &recs(r#"[ { region = "us-east-1", role = "main" } ]"#),
            "arms[0].records[0].role",
            "\"primary\" or \"secondary\"",
        );
        expect_err(
            &recs(r#"[ { region = "us-east-1", role = "primary", weight = 1 } ]"#),
            "arms[0].records[0].weight",
            "only for policy = \"weighted\"",
        );
        expect_err(
            &recs(
                r#"[ { region = "us-east-1", role = "primary" }, { region = "us-east-1", role = "secondary" } ]"#,
            ),
            "arms[0].records[1].region",
            "duplicate region",
        );
        expect_err(&recs("[]"), "arms[0].records", "at least one record");
        let one_region = MINIMAL.replace("[[regions]]\nname = \"eu-west-1\"\n", "");
        expect_err(&one_region, "arms[0].records", "needs two regions");
    }

    #[test]
    fn weighted_records() {
        let recs = |v: &str| arm1(&format!("records = {v}"));
        expect_err(
            &recs(r#"[ { region = "us-east-1", weight = 300 } ]"#),
            "arms[1].records[0].weight",
            "between 0 and 255",
        );
        expect_err(
            &recs(r#"[ { region = "us-east-1", weight = -1 } ]"#),
            "arms[1].records[0].weight",
            "between 0 and 255",
        );
        expect_err(
            &recs(r#"[ { region = "us-east-1", role = "primary" } ]"#),
            "arms[1].records[0].role",
            "only for policy = \"failover\"",
        );
        expect_err(
            &recs(r#"[ { region = "nowhere-1" } ]"#),
            "arms[1].records[0].region",
            "not declared",
        );
        expect_err(
            &recs(r#"[ { region = "us-east-1", health_check = { interval = "20s" } } ]"#),
            "arms[1].records[0].health_check.interval",
            "must be 10s or 30s",
        );
        expect_err(
            &recs(r#"[ { region = "us-east-1", health_check = "yes" } ]"#),
            "arms[1].records[0].health_check",
            "got a string",
        );
        expect_err(
            &recs(r#"[ { region = "us-east-1", evaluate_target_health = true } ]"#),
            "arms[1].records[0].evaluate_target_health",
            "only for alias records",
        );
        let eth = load(
            &recs(r#"[ { region = "us-east-1", alias = true, evaluate_target_health = true } ]"#)
                .replace("ttl = 30", "ttl = 60"),
        );
        let ArmKind::Route53(r) = &eth.arms[1].kind else {
            panic!("expected a Route 53 arm")
        };
        assert!(r.records[0].alias && r.records[0].evaluate_target_health);
        expect_err(
            &recs(r#"[ { region = "us-east-1", alias = true } ]"#)
                .replace("ttl = 30", "ttl = 60\nendpoint_type = \"ec2\""),
            "arms[1].records[0].alias",
            "cannot be alias targets",
        );
    }

    #[test]
    fn alias_requires_60s_ttl() {
        let text = arm1(
            r#"records = [ { region = "us-east-1", alias = true }, { region = "eu-west-1" } ]"#,
        );
        let e = expect_err(&text, "arms[1].ttl", "the target's TTL, 60s");
        assert!(e.message.contains("ttl = 30s"), "{}", e.message);
        load(&text.replace("ttl = 30", "ttl = \"1m\""));
        // Mixed alias and non-alias records need a ttl written.
        expect_err(
            &text.replace("ttl = 30\n", ""),
            "arms[1].ttl",
            "is required",
        );
    }

    #[test]
    fn clients_section() {
        let with = |line: &str| format!("{MINIMAL}\n[clients]\n{line}\n");
        assert_eq!(
            load(&with("request_rate = \"5/s\"")).clients.request_rate,
            5.0
        );
        expect_err(
            &with("request_rate = 0"),
            "clients.request_rate",
            "greater than 0",
        );
        let c = load(&with("stub_cache = \"os-default\"")).clients;
        assert_eq!(c.stub_mix.unwrap().parts.len(), 4);
        let c = load(&with("stub_cache = \"windows\"")).clients;
        assert_eq!(
            (c.stub_cache, c.stub_mix),
            (
                StubCache::Cap {
                    max_ttl: 86_400 * SEC
                },
                None
            )
        );
        expect_err(
            &with("stub_cache = \"macos\""),
            "clients.stub_cache",
            "not modelled",
        );
        expect_err(
            &with("stub_cache = \"big\""),
            "clients.stub_cache",
            "unknown preset \"big\" (known: \"none\", \"os-default\"",
        );
        expect_err(
            &with("stub_cache = { max_ttl = 0 }"),
            "clients.stub_cache.max_ttl",
            "greater than 0s",
        );
        expect_err(
            &with("stub_cache = { }"),
            "clients.stub_cache.max_ttl",
            "required",
        );
        expect_err(
            &with("app_cache = \"tiny\""),
            "clients.app_cache",
            "\"none\", \"browser\"",
        );
        expect_err(
            &with("geography = \"europe\""),
            "clients.geography",
            "not supported yet",
        );
        expect_err(
            &with("geography = [ { name = \"a\", lat = 0, lon = 0, weight = 1 } ]"),
            "clients.geography",
            "not supported yet",
        );
        expect_err(
            &with("geography = 1"),
            "clients.geography",
            "got an integer",
        );
        expect_err(
            &with("[[clients.areas]]\nname = \"a\""),
            "clients.areas",
            "not supported yet",
        );
        expect_err(&with("retries = 11"), "clients.retries", "between 0 and 10");
        expect_err(
            &with("bytes_per_request = -1"),
            "clients.bytes_per_request",
            "at least 0",
        );
        expect_err(
            &with("connect_timeout = 0"),
            "clients.connect_timeout",
            "greater than 0s",
        );
        expect_err(
            &with("keepalive_idle = \"forever\""),
            "clients.keepalive_idle",
            "expected a duration",
        );
        expect_err(
            &with("keepalive = \"60s\""),
            "clients.keepalive",
            "unknown key",
        );
        let w = load(&with(
            "geography = \"world-internet-users\"\nstub_cache = \"none\"\nkeepalive_idle = \"0s\"\nbytes_per_request = 0",
        ));
        assert_eq!(w.clients.bytes_per_request, 0);
    }

    #[test]
    fn arm_client_overrides() {
        let text = format!(
            "{MINIMAL}\n[clients]\nretries = 2\n\n[arms.clients]\nkeepalive_idle = \"340s\"\nstub_cache = {{ max_ttl = \"30s\" }}\n"
        );
        let w = load(&text);
        let a = &w.arms[1];
        assert_eq!(
            a.client_overrides,
            vec!["keepalive_idle".to_string(), "stub_cache".to_string()]
        );
        assert_eq!(a.clients.keepalive_idle, 340 * SEC);
        assert_eq!(a.clients.stub_cache, StubCache::Cap { max_ttl: 30 * SEC });
        assert_eq!(a.clients.retries, 2); // the world's value
        assert_eq!(w.clients.keepalive_idle, 0);
        assert!(w.arms[0].client_overrides.is_empty());

        let arm_clients = |line: &str| format!("{MINIMAL}\n[arms.clients]\n{line}\n");
        expect_err(
            &arm_clients("request_rate = 1"),
            "arms[1].clients.request_rate",
            "is a world setting; arms may not override it",
        );
        expect_err(
            &arm_clients("geography = \"world-internet-users\""),
            "arms[1].clients.geography",
            "world setting",
        );
        expect_err(
            &arm_clients("keepalive_idle = true"),
            "arms[1].clients.keepalive_idle",
            "expected a duration",
        );
        expect_err(
            &arm_clients("retries = 99"),
            "arms[1].clients.retries",
            "between 0 and 10",
        );
        expect_err(
            &arm_clients("prefetch = true"),
            "arms[1].clients.prefetch",
            "unknown key",
        );
    }

    /// `placement`, `ecs` and their parameters load; each parameter is refused (naming its key
    /// path) where its placement or ECS setting does not apply.
    #[test]
    fn placement_and_ecs_keys_load_and_validate() {
        let w = load(&resolver0(
            "placement = \"central\"\nlocation = \"eu-west-1\"\necs = true\nclients_per_subnet = 16",
        ));
        let r = &w.resolvers[0];
        assert_eq!((r.placement, r.ecs), (Placement::Central, true));
        assert_eq!(r.siting.location, Some((53.3, -6.3)));
        assert_eq!(r.siting.clients_per_subnet, 16);
        // A built-in AWS region code not among the workload's regions, or a point.
        let w = load(&resolver0(
            "placement = \"central\"\nlocation = \"eu-west-2\"",
        ));
        assert_eq!(w.resolvers[0].siting.location, Some((51.5, -0.1)));
        let w = load(&resolver0(
            "placement = \"central\"\nlocation = { lat = 25.2, lon = 55.3 }",
        ));
        assert_eq!(w.resolvers[0].siting.location, Some((25.2, 55.3)));
        let w = load(&resolver0("placement = \"central\""));
        assert_eq!(w.resolvers[0].siting, Siting::default());
        let w = load(&resolver0(
            "placement = \"public-anycast\"\ncaches_per_pop = 2",
        ));
        assert_eq!(w.resolvers[0].placement, Placement::PublicAnycast);
        assert_eq!(w.resolvers[0].siting.caches_per_pop, 2);
        expect_err(
            &resolver0("placement = \"central\"\nlocation = \"mars-1\""),
            "resolvers[0].location",
            "unknown region \"mars-1\"",
        );
        expect_err(
            &resolver0("placement = \"central\"\nlocation = { lat = 95, lon = 0 }"),
            "resolvers[0].location.lat",
            "between -90 and 90",
        );
        expect_err(
            &resolver0("placement = \"central\"\nlocation = { lat = 1 }"),
            "resolvers[0].location.lon",
            "is required",
        );
        expect_err(
            &resolver0("placement = \"central\"\nlocation = 3"),
            "resolvers[0].location",
            "a region name or a table",
        );
        expect_err(
            &resolver0("location = \"us-east-1\""),
            "resolvers[0].location",
            "only applies with placement = \"central\"",
        );
        expect_err(
            &resolver0("caches_per_pop = 2"),
            "resolvers[0].caches_per_pop",
            "only applies with placement = \"public-anycast\"",
        );
        expect_err(
            &resolver0("placement = \"public-anycast\"\ncaches_per_pop = 0"),
            "resolvers[0].caches_per_pop",
            "between 1 and",
        );
        expect_err(
            &resolver0("placement = \"public-anycast\"\nclients_per_resolver = 10"),
            "resolvers[0].clients_per_resolver",
            "does not apply to placement = \"public-anycast\"",
        );
        expect_err(
            &resolver0("clients_per_subnet = 4"),
            "resolvers[0].clients_per_subnet",
            "only applies with ecs = true",
        );
    }

    /// `population` supplies [clients] and [[resolvers]]; written [clients] keys override one
    /// by one, written [[resolvers]] replace the classes, arms override on top.
    #[test]
    fn population_presets_and_overrides() {
        let no_resolvers = MINIMAL.replace("[[resolvers]]\nname = \"isp\"\nshare = 1.0\n", "");
        let w = load(&format!("population = \"internet\"\n{no_resolvers}"));
        let names: Vec<&str> = w.resolvers.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(names, ["isp", "public-ecs", "public", "corporate"]);
        assert_eq!(w.resolvers[0].ttl_mix.as_ref().unwrap().name, "pam2023");
        assert!((w.resolvers[1].share - 0.283 * 0.6).abs() < 1e-12);
        let sites: Vec<(Placement, bool)> =
            w.resolvers.iter().map(|r| (r.placement, r.ecs)).collect();
        assert_eq!(
            sites,
            [
                (Placement::Local, false),
                (Placement::PublicAnycast, true),
                (Placement::PublicAnycast, false),
                (Placement::Central, false)
            ]
        );
        assert_eq!(w.clients.stub_mix.as_ref().unwrap().name, "os-default");
        assert_eq!(w.clients.app_cache, AppCache::preset("chrome").unwrap());
        assert_eq!(w.clients.keepalive_idle, 300 * SEC);
        assert_eq!(w.arms[0].clients, w.clients);
        // [clients] keys override the preset's one by one.
        let w = load(&format!(
            "population = \"internet\"\n{no_resolvers}\n[clients]\nstub_cache = \"none\"\nretries = 1\n"
        ));
        assert_eq!(
            (w.clients.stub_cache, &w.clients.stub_mix),
            (StubCache::None, &None)
        );
        assert_eq!(w.clients.app_cache, AppCache::preset("chrome").unwrap());
        assert_eq!(w.clients.retries, 1);
        // [[resolvers]] replace the preset's classes.
        let w = load(&format!("population = \"server-to-server\"\n{MINIMAL}"));
        assert_eq!(w.resolvers.len(), 1);
        assert_eq!(w.resolvers[0].name, "isp");
        assert_eq!(w.clients.request_rate, 1.0);
        expect_err(
            &format!("population = \"dialup\"\n{MINIMAL}"),
            "population",
            "unknown preset \"dialup\" (known: \"internet\", \"mobile-apps\", \"server-to-server\", \"honest\", \"hickory\", \"unbound\", \"bind\", \"dnsmasq\", \"pdns-recursor\" or \"knot-resolver\")",
        );
        expect_err(
            &format!("population = 3\n{MINIMAL}"),
            "population",
            "expected a string",
        );
        expect_err(
            &no_resolvers,
            "resolvers",
            "required unless `population` is set",
        );
        // The sensitivity analysis substitutes a varied preset.
        let varied = resolver_models::presets::population("internet")
            .unwrap()
            .with_class_share_scaled(1, 0.5);
        let w = parse_workload_with(
            &format!("population = \"internet\"\n{no_resolvers}"),
            Some(varied),
        )
        .unwrap();
        assert!((w.resolvers[1].share - 0.283 * 0.6 * 0.5).abs() < 1e-12);
    }

    /// An arm's `stub_cache` replaces the world's mix; `apply_population` swaps a loaded
    /// workload's population in the world and every arm.
    #[test]
    fn stub_mix_overrides_and_apply_population() {
        let text = format!(
            "{MINIMAL}\n[clients]\nstub_cache = \"os-default\"\n\n[arms.clients]\nstub_cache = \"windows\"\n"
        );
        let mut w = load(&text);
        assert!(w.clients.stub_mix.is_some());
        assert!(w.arms[0].clients.stub_mix.is_some());
        assert_eq!(w.arms[1].clients.stub_mix, None);
        assert_eq!(
            w.arms[1].clients.stub_cache,
            StubCache::Cap {
                max_ttl: 86_400 * SEC
            }
        );
        let p = resolver_models::presets::population("server-to-server").unwrap();
        apply_population(&mut w, &p);
        assert_eq!(w.resolvers[0].name, "vpc");
        for c in std::iter::once(&w.clients).chain(w.arms.iter().map(|a| &a.clients)) {
            assert_eq!(c.stub_mix, None);
            assert_eq!(c.stub_cache, StubCache::None);
            assert_eq!(c.app_cache, AppCache::preset("jvm-30s").unwrap());
            assert_eq!(c.keepalive_idle, 30 * SEC);
            assert_eq!(c.request_rate, 1.0);
        }
    }

    /// `population = "<program>"` and `resolvers[].software` take a real resolver program's
    /// shipped TTL limits and cache clock (resolver_models::software); a written `ttl` wins.
    #[test]
    fn software_presets_and_key() {
        let no_resolvers = MINIMAL.replace("[[resolvers]]\nname = \"isp\"\nshare = 1.0\n", "");
        let w = load(&format!("population = \"knot-resolver\"\n{no_resolvers}"));
        assert_eq!(w.resolvers.len(), 1);
        assert_eq!(
            w.resolvers[0].clock,
            CacheClock::WholeSeconds { inclusive: true }
        );
        assert_eq!(
            w.resolvers[0].ttl,
            TtlPolicy::FloorCap {
                min: 5 * SEC,
                max: 518_400 * SEC
            }
        );
        assert_eq!(
            w.resolvers[0].display,
            resolver_models::TtlDisplay::LifeThenRecord
        );
        let w = load(&resolver0("software = \"bind\""));
        assert_eq!(
            w.resolvers[0].clock,
            CacheClock::WholeSeconds { inclusive: false }
        );
        assert_eq!(
            w.resolvers[0].display,
            resolver_models::TtlDisplay::LifeCountdown
        );
        assert_eq!(
            load(MINIMAL).resolvers[0].display,
            resolver_models::TtlDisplay::Exact
        );
        assert_eq!(w.resolvers[0].ttl, TtlPolicy::Cap { max: 604_800 * SEC });
        let w = load(&resolver0(
            "software = \"unbound\"\nttl = { mode = \"floor\", min = \"30s\" }",
        ));
        assert_eq!(w.resolvers[0].ttl, TtlPolicy::Floor { min: 30 * SEC });
        assert_eq!(
            w.resolvers[0].clock,
            CacheClock::WholeSeconds { inclusive: true }
        );
        expect_err(
            &resolver0("software = \"djbdns\""),
            "resolvers[0].software",
            "expected \"hickory\"",
        );
        // ECS only on programs that send it and cache per subnet.
        let w = load(&resolver0("software = \"unbound\"\necs = true"));
        assert!(w.resolvers[0].ecs);
        expect_err(
            &resolver0("software = \"bind\"\necs = true"),
            "resolvers[0].ecs",
            "bind cannot send EDNS Client Subnet",
        );
        expect_err(
            &resolver0("software = \"dnsmasq\"\necs = true"),
            "resolvers[0].ecs",
            "caches no answer",
        );
    }

    #[test]
    fn policy_table_is_bounded() {
        let mut text = MINIMAL.replace("[[resolvers]]\nname = \"isp\"\nshare = 1.0\n", "");
        for i in 0..90 {
            text.push_str(&format!(
                "\n[[resolvers]]\nname = \"c{i}\"\nshare = {}\nttl = {{ mode = \"distribution\", preset = \"pam2023\" }}\n",
                1.0 / 90.0
            ));
        }
        let e = parse_workload(&text).unwrap_err();
        assert_eq!(e.path, "resolvers");
        assert!(e.message.contains("at most 256 TTL policies"), "{e}");
    }

    #[test]
    fn not_supported_yet() {
        expect_err(
            &resolver0("placement = \"remote\""),
            "resolvers[0].placement",
            "\"local\", \"public-anycast\" or \"central\"",
        );
        expect_err(
            &resolver0("serve_stale = true"),
            "resolvers[0].serve_stale",
            "expected false, \"rfc8767\" or \"optimistic\"",
        );
        expect_err(
            &resolver0("serve_stale = 1"),
            "resolvers[0].serve_stale",
            "got an integer",
        );
        let w = load(&format!(
            "{MINIMAL}\n[[actions]]\nat = \"10m\"\narm = \"r53-weighted\"\nkey = \"records[0].weight\"\nvalue = 50\n\
             [[actions]]\nat = \"5m\"\narm = \"r53-weighted\"\nkey = \"records.1.weight\"\nvalue = 0\n"
        ));
        // Sorted by time.
        assert_eq!(w.actions[0].at, 300 * SEC);
        assert_eq!(
            w.actions[0].target,
            ActionTarget::RecordWeight {
                record: 1,
                weight: 0
            }
        );
        assert_eq!(
            w.actions[1].target,
            ActionTarget::RecordWeight {
                record: 0,
                weight: 50
            }
        );
        let act = |arm: &str, key: &str, value: &str| {
            format!(
                "{MINIMAL}\n[[actions]]\nat = \"10m\"\narm = \"{arm}\"\nkey = \"{key}\"\nvalue = {value}\n"
            )
        };
        expect_err(
            &act("r53-weighted", "records[0].weight", "300"),
            "actions[0].value",
            "0 to 255",
        );
        expect_err(
            &act("r53-weighted", "records[5].weight", "3"),
            "actions[0].key",
            "has 2 records",
        );
        expect_err(
            &act("r53-failover", "records[0].weight", "3"),
            "actions[0].key",
            "only for policy",
        );
        expect_err(
            &act("nope", "records[0].weight", "3"),
            "actions[0].arm",
            "\"r53-failover\"",
        );
        expect_err(
            &act("r53-weighted", "ttl", "3"),
            "actions[0].key",
            "not an action key",
        );
        expect_err(
            &format!("actions = 3\n{MINIMAL}"),
            "actions",
            "expected an array of tables",
        );
        // Without population, resolvers are required.
        let no_resolvers = MINIMAL.replace("[[resolvers]]\nname = \"isp\"\nshare = 1.0\n", "");
        expect_err(
            &no_resolvers,
            "resolvers",
            "at least one [[resolvers]] class is required unless `population` is set",
        );
    }

    #[test]
    fn default_values_written_explicitly_are_accepted() {
        let text = resolver0(
            "placement = \"local\"\necs = false\nclients_per_resolver = 500\nttl = { mode = \"honor\" }\nprefetch = false\nserve_stale = false",
        );
        let text = format!(
            "actions = []\n{text}\n[clients]\ngeography = \"world-internet-users\"\nrequest_rate = \"1/30s\"\nstub_cache = \"none\"\napp_cache = \"none\"\nkeepalive_idle = \"0s\"\nconnect_timeout = \"3s\"\nrequest_timeout = \"10s\"\nretries = 0\nbytes_per_request = 50000\n"
        );
        let text = text
            .replace("kind = \"hard\"", "kind = \"hard\"\nmode = \"blackhole\"")
            .replace("ttl = 30", "ttl = 30\npropagation = \"default\"\nendpoint_type = \"alb\"\nrecords = [ { region = \"us-east-1\", weight = 1, alias = false, evaluate_target_health = false } ]")
            .replace("[simulation]", "[simulation]\nseed = 1\nbin = \"5s\"\nwarm_start = true");
        let w = load(&text);
        let plain = load(MINIMAL);
        assert_eq!(w.clients, plain.clients);
        assert_eq!(w.resolvers, plain.resolvers);
        assert_eq!(w.simulation, plain.simulation);
        assert_eq!(w.failures, plain.failures);
        assert_eq!(w.arms[0], plain.arms[0]);
        // The arm's records were written (one record), so only the rest is compared.
        let (ArmKind::Route53(a), ArmKind::Route53(b)) = (&w.arms[1].kind, &plain.arms[1].kind)
        else {
            panic!("expected Route 53 arms")
        };
        assert_eq!(
            (a.ttl, a.propagation, a.endpoint_type),
            (b.ttl, b.propagation, b.endpoint_type)
        );
        assert_eq!(a.records[0], b.records[0]);
    }

    #[test]
    fn workload_name_rules() {
        expect_err(
            &edit("name = \"mini\"", "name = \"my workload\""),
            "name",
            "only letters, digits",
        );
        expect_err(
            &edit("name = \"mini\"", "name = \"../etc\""),
            "name",
            "found '/'",
        );
        expect_err(
            &edit("name = \"mini\"", "name = \"..\""),
            "name",
            "folder names",
        );
        expect_err(
            &edit("name = \"mini\"", "name = \"\""),
            "name",
            "must not be empty",
        );
        expect_err(&edit("name = \"mini\"\n", ""), "name", "is required");
        expect_err(
            &edit("name = \"mini\"", "name = \"mini\"\ndescription = 3"),
            "description",
            "expected a string",
        );
    }

    // --- robustness ----------------------------------------------------------------------------

    /// A small deterministic generator (xorshift64*), so failures reproduce.
    struct Rng(u64);
    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
        }
        fn below(&mut self, n: usize) -> usize {
            if n == 0 {
                0
            } else {
                (self.next() % n as u64) as usize
            }
        }
    }

    const TOKENS: &[&str] = &[
        "=",
        "[",
        "]",
        "[[",
        "]]",
        "\"",
        "{",
        "}",
        ",",
        "\n",
        "-",
        "0",
        "1",
        "-1",
        ".",
        "#",
        "true",
        "false",
        "\"s\"",
        "1e400",
        "nan",
        "inf",
        "9223372036854775807",
        "-9223372036854775808",
        "\"1/0s\"",
        "\"0s\"",
        "\"99999999999d\"",
        "arms",
        "records",
        "health_check",
        "µ",
        "\u{0}",
    ];

    fn mutate(rng: &mut Rng, base: &str) -> String {
        let mut chars: Vec<char> = base.chars().collect();
        for _ in 0..1 + rng.below(4) {
            let at = rng.below(chars.len() + 1);
            match rng.below(4) {
                0 => {
                    let end = (at + 1 + rng.below(20)).min(chars.len());
                    chars.drain(at.min(end)..end);
                }
                1 | 2 => {
                    let tok = TOKENS[rng.below(TOKENS.len())];
                    for (k, c) in tok.chars().enumerate() {
                        chars.insert(at + k, c);
                    }
                }
                _ => {
                    // Duplicate a slice somewhere else.
                    let end = (at + rng.below(80)).min(chars.len());
                    let piece: Vec<char> = chars[at.min(end)..end].to_vec();
                    let to = rng.below(chars.len() + 1);
                    for (k, c) in piece.into_iter().enumerate() {
                        chars.insert(to + k, c);
                    }
                }
            }
        }
        chars.into_iter().collect()
    }

    #[test]
    fn mutated_input_never_panics() {
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
        // GTSIM_FUZZ_ITERS raises the count for a longer local run.
        let iters: usize = std::env::var("GTSIM_FUZZ_ITERS")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(600);
        let mut loaded = 0;
        for i in 0..iters {
            let base = if i % 2 == 0 { MINIMAL } else { FULL };
            let text = mutate(&mut rng, base);
            if parse_workload(&text).is_ok() {
                loaded += 1;
            }
        }
        // Some mutations (e.g. inside comments or of a name) still load; most do not.
        assert!(loaded < iters);
    }

    #[test]
    fn every_value_replaced_by_garbage_never_panics() {
        const VALUES: &[&str] = &[
            "true",
            "-1",
            "0",
            "1",
            "\"x\"",
            "[]",
            "{}",
            "9223372036854775807",
            "-9223372036854775808",
            "nan",
            "inf",
            "-inf",
            "1.5",
            "\"1/0s\"",
            "\"0s\"",
            "\"10s\"",
            "[1, \"a\"]",
            "{ mode = \"cap\" }",
            "1979-05-27",
            "\"99999999999999999999d\"",
        ];
        for base in [MINIMAL, FULL] {
            let lines: Vec<&str> = base.lines().collect();
            for (i, line) in lines.iter().enumerate() {
                let Some((key, _)) = line.split_once(" = ") else {
                    continue;
                };
                for v in VALUES {
                    let mut l = lines.clone();
                    let replaced = format!("{key} = {v}");
                    l[i] = &replaced;
                    let text = l.join("\n");
                    if let Err(e) = parse_workload(&text) {
                        assert!(!e.message.is_empty());
                    }
                }
            }
        }
    }

    /// MINIMAL with the weighted arm's policy replaced and `records` (if any) added.
    fn policy_arm(policy: &str, records: &str) -> String {
        edit(
            "policy = \"weighted\"",
            &format!("policy = \"{policy}\"\n{records}"),
        )
    }

    fn arm1_r53(text: &str) -> Route53Arm {
        let w = load(text);
        let ArmKind::Route53(r) = &w.arms[1].kind else {
            panic!("expected a Route 53 arm")
        };
        r.clone()
    }

    /// Geolocation: default records are one per region for its continent plus the default
    /// record on the first region; written records need a location each.
    #[test]
    fn geolocation_records_load_and_validate() {
        use sim_engine::geography::Continent;
        let r = arm1_r53(&policy_arm("geolocation", ""));
        assert_eq!(r.policy, Policy::Geolocation);
        let locs: Vec<_> = r
            .records
            .iter()
            .map(|x| (x.region, x.location.clone()))
            .collect();
        assert_eq!(
            locs,
            vec![
                (0, Some(GeoLocation::Continent(Continent::NorthAmerica))),
                (1, Some(GeoLocation::Continent(Continent::Europe))),
                (0, Some(GeoLocation::Default)),
            ]
        );
        let r = arm1_r53(&policy_arm(
            "geolocation",
            r#"records = [ { region = "eu-west-1", location = { country = "DE" } }, { region = "us-east-1", location = "default" } ]"#,
        ));
        assert_eq!(
            r.records[0].location,
            Some(GeoLocation::Country("DE".into()))
        );
        assert_eq!(r.records[1].location, Some(GeoLocation::Default));
        expect_err(
            &policy_arm("geolocation", r#"records = [ { region = "eu-west-1" } ]"#),
            "arms[1].records[0].location",
            "is required for policy = \"geolocation\"",
        );
        expect_err(
            &policy_arm(
                "geolocation",
                r#"records = [ { region = "eu-west-1", location = { continent = "XX" } } ]"#,
            ),
            "arms[1].records[0].location.continent",
            "unknown continent code \"XX\" (known: AF, AS, EU, NA, OC, SA",
        );
        expect_err(
            &policy_arm(
                "geolocation",
                r#"records = [ { region = "eu-west-1", location = { country = "Germany" } } ]"#,
            ),
            "arms[1].records[0].location.country",
            "ISO 3166-1",
        );
        expect_err(
            &policy_arm(
                "geolocation",
                r#"records = [ { region = "eu-west-1", location = "default" }, { region = "us-east-1", location = "*" } ]"#,
            ),
            "arms[1].records[1].location",
            "duplicate location (also records[0])",
        );
        expect_err(
            &policy_arm(
                "geolocation",
                r#"records = [ { region = "eu-west-1", location = { continent = "EU", country = "DE" } } ]"#,
            ),
            "arms[1].records[0].location.country",
            "not both",
        );
        expect_err(
            &policy_arm(
                "multivalue",
                r#"records = [ { region = "eu-west-1", location = "default" } ]"#,
            ),
            "arms[1].records[0].location",
            "only for policy = \"geolocation\"",
        );
        // Two regions on one continent cannot take the default records.
        let two_eu = policy_arm("geolocation", "").replace(
            "[[regions]]\nname = \"us-east-1\"",
            "[[regions]]\nname = \"eu-central-1\"",
        );
        let two_eu = two_eu.replace("region = \"us-east-1\"", "region = \"eu-central-1\"");
        expect_err(&two_eu, "arms[1].records", "are both in Europe");
    }

    /// Multivalue: default records one per region; alias refused (Route 53 has none); more
    /// than 16 records not supported yet.
    #[test]
    fn multivalue_records_load_and_validate() {
        let r = arm1_r53(&policy_arm("multivalue", ""));
        assert_eq!(r.policy, Policy::Multivalue);
        assert_eq!(r.records.len(), 2);
        expect_err(
            &policy_arm(
                "multivalue",
                r#"records = [ { region = "eu-west-1", alias = true } ]"#,
            ),
            "arms[1].records[0].alias",
            "no multivalue answer alias records",
        );
        let regions: String = (0..17)
            .map(|i| format!("[[regions]]\nname = \"site{i}\"\nlat = 1.0\nlon = 2.0\n"))
            .collect();
        let recs: Vec<String> = (0..17)
            .map(|i| format!("{{ region = \"site{i}\" }}"))
            .collect();
        let text = policy_arm("multivalue", &format!("records = [{}]", recs.join(", ")))
            .replace("[[resolvers]]", &format!("{regions}[[resolvers]]"));
        expect_err(
            &text,
            "arms[1].records",
            "more than 16 multivalue records is not supported yet",
        );
    }

    /// Calculated checks: `health_check = { calculated = { threshold, children } }` per record,
    /// children are endpoint checks on declared regions; errors name the key path.
    #[test]
    fn calculated_health_checks_load_and_validate() {
        let rec = |hc: &str| {
            policy_arm(
                "multivalue",
                &format!(r#"records = [ {{ region = "eu-west-1", health_check = {hc} }} ]"#),
            )
        };
        let r = arm1_r53(&rec(
            r#"{ calculated = { threshold = 1, children = [ { region = "eu-west-1", interval = "10s" }, { region = "us-east-1" } ] } }"#,
        ));
        let calc = r.records[0].calculated.as_ref().unwrap();
        assert_eq!(r.records[0].health_check, None);
        assert_eq!(calc.threshold, 1);
        assert_eq!(calc.children.len(), 2);
        assert_eq!(calc.children[0].region, 1);
        assert_eq!(calc.children[0].check.interval, 10 * SEC);
        assert_eq!(calc.children[1].check, default_health_check());
        expect_err(
            &rec(r#"{ calculated = { children = [ { region = "eu-west-1" } ] } }"#),
            "arms[1].records[0].health_check.calculated.threshold",
            "is required",
        );
        expect_err(
            &rec(
                r#"{ calculated = { threshold = 257, children = [ { region = "eu-west-1" } ] } }"#,
            ),
            "arms[1].records[0].health_check.calculated.threshold",
            "between 0 and 256",
        );
        expect_err(
            &rec(r#"{ calculated = { threshold = 1, children = [] } }"#),
            "arms[1].records[0].health_check.calculated.children",
            "1 to 256",
        );
        expect_err(
            &rec(r#"{ calculated = { threshold = 1, children = [ { region = "mars-1" } ] } }"#),
            "arms[1].records[0].health_check.calculated.children[0].region",
            "not declared",
        );
        expect_err(
            &rec(
                r#"{ calculated = { threshold = 1, children = [ { region = "eu-west-1", interval = "20s" } ] } }"#,
            ),
            "arms[1].records[0].health_check.calculated.children[0].interval",
            "must be 10s or 30s",
        );
        expect_err(
            &rec(
                r#"{ calculated = { threshold = 1, children = [ { region = "eu-west-1", calculated = 1 } ] } }"#,
            ),
            "arms[1].records[0].health_check.calculated.children[0].calculated",
            "unknown key",
        );
        expect_err(
            &rec(
                r#"{ interval = "10s", calculated = { threshold = 1, children = [ { region = "eu-west-1" } ] } }"#,
            ),
            "arms[1].records[0].health_check.interval",
            "unknown key",
        );
        expect_err(
            &arm1(r#"health_check = { calculated = { threshold = 1, children = [] } }"#),
            "arms[1].health_check.calculated",
            "belongs to one record",
        );
    }

    /// `clients.path_stretch`: a world setting, 1 to 10, default the sourced 2.1.
    #[test]
    fn path_stretch_is_a_world_client_setting() {
        assert_eq!(load(MINIMAL).clients.path_stretch, 2.1);
        let w = load(&MINIMAL.replace(
            "[[resolvers]]",
            "[clients]\npath_stretch = 1.7\n\n[[resolvers]]",
        ));
        assert_eq!(w.clients.path_stretch, 1.7);
        assert_eq!(w.arms[0].clients.path_stretch, 1.7);
        expect_err(
            &MINIMAL.replace(
                "[[resolvers]]",
                "[clients]\npath_stretch = 0.5\n\n[[resolvers]]",
            ),
            "clients.path_stretch",
            "must be between 1 and 10",
        );
        expect_err(
            &arm0("clients = { path_stretch = 1.5 }"),
            "arms[0].clients.path_stretch",
            "world setting",
        );
    }
}
