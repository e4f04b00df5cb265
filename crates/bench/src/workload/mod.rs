//! The workload loader: TOML text → [`sim_engine::config::Workload`] (`docs/workload.md`).
//!
//! Two passes, as cargo reads `Cargo.toml`:
//! - `schema`: the file as written, serde-derived (`deny_unknown_fields`, every key declared
//!   once), read through `serde_path_to_error` so a misspelt key or a wrong type names its key
//!   path (`arms[1].health_check.intervall`);
//! - `resolve`: every rule that needs context (required keys, ranges, "only for kind =
//!   \"route53\"", defaults per policy, shares summing to 1, …), by area.
//!
//! Every error names its key path and, when the key is in the file, its line; the first error
//! wins. Schema errors (an unknown key, a wrong type, an unknown name) come before any rule
//! error, so a misspelt key is reported as such rather than as the required key it was meant to
//! be; within one table, keys are read in sorted order. A key written with its default value is always accepted, even when the feature behind
//! its other values does not exist yet; a non-default value of such a feature is refused with a
//! message containing "not supported yet". No input panics: every integer is range-checked
//! before conversion.

pub mod duration;
mod names;
mod resolve;
mod schema;

#[cfg(test)]
mod tests;

use std::fmt;

use resolver_models::presets::{ClassTtl, PopulationPreset, PresetPlacement};
use sim_engine::config::{
    Clients, Placement, ResolverClass, Siting, StubCache, StubMix, TtlPolicy, Workload,
};

/// A workload that cannot be loaded: the key path it is about (empty for TOML syntax errors,
/// whose message carries the line and column), what is wrong, and the line of the key when it
/// is in the file.
#[derive(Debug, Clone, PartialEq)]
pub struct LoadError {
    pub path: String,
    pub message: String,
    /// 1-based line of the key (or of its table, for a missing key), when known.
    pub line: Option<usize>,
}

impl LoadError {
    pub(crate) fn new(path: impl Into<String>, message: impl Into<String>) -> Self {
        LoadError {
            path: path.into(),
            message: message.into(),
            line: None,
        }
    }
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.path.is_empty(), self.line) {
            (true, _) => f.write_str(&self.message),
            (false, Some(line)) => write!(f, "{} (line {line}): {}", self.path, self.message),
            (false, None) => write!(f, "{}: {}", self.path, self.message),
        }
    }
}

impl std::error::Error for LoadError {}

/// Load a workload from TOML text, validating every key (`docs/workload.md`).
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
    let syntax = |e: toml::de::Error| LoadError::new("", e.to_string().trim_end().to_string());
    let spans = toml::de::DeTable::parse(text).map_err(syntax)?;
    let de = toml::Deserializer::parse(text).map_err(syntax)?;
    let located = |mut e: LoadError| {
        if e.line.is_none() {
            e.line = line_of_path(&spans, &e.path).map(|at| line_at(text, at));
        }
        e
    };
    let raw: schema::RawWorkload = serde_path_to_error::deserialize(de).map_err(|e| {
        let mut err = from_serde(&resolve::At::root(), &e);
        err.line = e.inner().span().map(|s| line_at(text, s.start));
        located(err)
    })?;
    resolve::workload(raw, preset).map_err(located)
}

/// A serde error at `base` (the table a sub-read started from): its path and a message in the
/// loader's words.
pub(crate) fn from_serde(
    base: &resolve::At,
    e: &serde_path_to_error::Error<toml::de::Error>,
) -> LoadError {
    use serde_path_to_error::Segment;
    let mut at = base.clone();
    for seg in e.path().iter() {
        at = match seg {
            Segment::Map { key } => at.key(key),
            Segment::Seq { index } => at.idx(*index),
            _ => at,
        };
    }
    at.err(tidy(e.inner().message()))
}

/// serde's wording, in the loader's: "unknown key (expected one of: …)" with the keys sorted,
/// and "expected X, got Y" for type errors.
fn tidy(msg: &str) -> String {
    if let Some(rest) = msg.strip_prefix("unknown field `") {
        let after = rest.split_once("`, ").map_or("", |(_, a)| a);
        let mut known: Vec<&str> = after.split('`').skip(1).step_by(2).collect();
        known.sort_unstable();
        return format!("unknown key (expected one of: {})", known.join(", "));
    }
    if let Some((got, expected)) = msg
        .strip_prefix("invalid type: ")
        .and_then(|r| r.split_once(", expected "))
    {
        let got = match got.split(' ').next().unwrap_or("") {
            "string" => "a string",
            "integer" => "an integer",
            "floating" => "a float",
            "boolean" => "a boolean",
            "map" => "a table",
            "sequence" => "an array",
            _ => got,
        };
        let expected = match expected {
            "i64" | "u64" | "u32" => "an integer",
            "f64" => "a number",
            "a boolean" => "true or false",
            "a sequence" => "an array",
            e if e.starts_with("struct ") => "a table",
            e => e,
        };
        return format!("expected {expected}, got {got}");
    }
    msg.to_string()
}

/// The byte offset of the key at `path` (`arms[1].health_check.interval`), or of the nearest
/// table or array on the way to it that is in the file.
fn line_of_path(root: &toml::Spanned<toml::de::DeTable<'_>>, path: &str) -> Option<usize> {
    use toml::de::DeValue;
    let mut found = None;
    let mut table = Some(root.get_ref());
    let mut array = None;
    for seg in path_segments(path) {
        match seg {
            Seg::Key(k) => {
                let Some((key, value)) =
                    table.and_then(|t| t.iter().find(|(key, _)| key.get_ref() == &k))
                else {
                    break;
                };
                found = Some(key.span().start);
                (table, array) = (None, None);
                match value.get_ref() {
                    DeValue::Table(t) => table = Some(t),
                    DeValue::Array(a) => array = Some(a),
                    _ => {}
                }
            }
            Seg::Index(i) => {
                let Some(item) = array.and_then(|a| a.get(i)) else {
                    break;
                };
                found = Some(item.span().start);
                (table, array) = (None, None);
                match item.get_ref() {
                    DeValue::Table(t) => table = Some(t),
                    DeValue::Array(a) => array = Some(a),
                    _ => {}
                }
            }
        }
    }
    found
}

enum Seg {
    Key(String),
    Index(usize),
}

/// `a.b[2]."odd key"` → `a`, `b`, `[2]`, `odd key` (the inverse of `resolve::At`).
fn path_segments(path: &str) -> Vec<Seg> {
    let mut out = Vec::new();
    let mut rest = path;
    while !rest.is_empty() {
        if let Some(r) = rest.strip_prefix('.') {
            rest = r;
        } else if let Some(r) = rest.strip_prefix('[') {
            let (n, after) = r.split_once(']').unwrap_or((r, ""));
            out.push(Seg::Index(n.parse().unwrap_or(usize::MAX)));
            rest = after;
        } else if let Some(r) = rest.strip_prefix('"') {
            let mut key = String::new();
            let mut chars = r.char_indices();
            let mut end = r.len();
            while let Some((i, c)) = chars.next() {
                match c {
                    '\\' => key.extend(chars.next().map(|(_, c)| c)),
                    '"' => {
                        end = i + 1;
                        break;
                    }
                    c => key.push(c),
                }
            }
            out.push(Seg::Key(key));
            rest = &r[end..];
        } else {
            let end = rest.find(['.', '[']).unwrap_or(rest.len());
            out.push(Seg::Key(rest[..end].to_string()));
            rest = &rest[end..];
        }
    }
    out
}

/// The 1-based line of byte offset `at`.
fn line_at(text: &str, at: usize) -> usize {
    text.as_bytes()[..at.min(text.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

/// A population preset's client settings (the rest are the defaults).
fn population_clients(p: &PopulationPreset) -> Clients {
    let mut c = Clients {
        request_rate: match p.pattern {
            resolver_models::Pattern::Sessions(s) => s.mean_rate(),
            _ => p.request_rate,
        },
        pattern: p.pattern,
        app_cache: p.app(),
        keepalive_idle: p.keepalive_idle,
        software: p.software.clone(),
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
/// client caches, connection reuse, software, request pattern and rate in the world and in every arm (other client
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
        c.pattern = pc.pattern;
        c.software = pc.software.clone();
        c.software_overrides = pc.software_overrides;
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
