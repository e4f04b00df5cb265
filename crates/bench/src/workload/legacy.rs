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

use super::duration::{format_duration, parse_duration, parse_rate, type_name};

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
