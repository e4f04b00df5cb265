//! `[clients]` and an arm's `clients` overrides.

use resolver_models::stub::{STUB_PRESETS, stub_preset};
use resolver_models::{CLIENT_STACKS, Part, Status, client_stack};
use sim_engine::config::{AppCache, Clients, SoftwareMix, StubCache, StubMix};

use super::super::names::{expected_one_of, quoted_list};
use super::super::schema::{RawClients, RawTable, SoftwareSpec, StubCacheSpec};
use super::super::set_stub;
use super::{At, Res, fmt_num, num};

/// `[clients]` keys that describe the world, not a strategy: arms may not override them.
/// The request pattern is one: common random numbers need every arm to send the same requests.
const WORLD_KEYS: &[&str] = &[
    "areas",
    "geography",
    "path_stretch",
    "pattern",
    "request_rate",
];

/// An arm's `clients` table on top of the world's: the settings and the keys written, sorted.
pub(super) fn arm_clients(o: &At, t: RawTable, world: &Clients) -> Res<(Clients, Vec<String>)> {
    let mut written: Vec<String> = t.0.keys().cloned().collect();
    written.sort_unstable();
    let raw: RawClients = o.read(t.0)?;
    if let Some(k) = WORLD_KEYS.iter().find(|k| written.iter().any(|w| w == *k)) {
        return Err(o.at(k, "is a world setting; arms may not override it"));
    }
    Ok((clients(o, raw, world)?, written))
}

/// Client settings: `base` with the keys written replaced.
pub(super) fn clients(o: &At, raw: RawClients, base: &Clients) -> Res<Clients> {
    let mut c = base.clone();
    if let Some(g) = raw.geography {
        c.geography = g.0;
    }
    if raw.areas.is_some() {
        return Err(o.at(
            "areas",
            "custom client areas are not supported yet; use geography = \"world-internet-users\"",
        ));
    }
    if let Some(p) = raw.pattern {
        c.pattern = super::pattern::pattern(&o.key("pattern"), p)?;
    }
    if let Some(r) = raw.request_rate {
        c.request_rate = r.0;
    }
    // Sessions make their own rate (renewal-reward); the rest of the engine reads it here.
    if let resolver_models::Pattern::Sessions(s) = c.pattern {
        if raw.request_rate.is_some() {
            return Err(o.at(
                "request_rate",
                format!(
                    "is set by the sessions pattern (E[requests] / E[cycle] = 1/{:.1}s); \
                     remove it, or choose pattern \"poisson\", \"steady\" or \"stream\"",
                    1.0 / s.mean_rate()
                ),
            ));
        }
        c.request_rate = s.mean_rate();
    }
    if let Some(x) = num(raw.path_stretch) {
        // A route is never shorter than the great circle; 10 is far beyond any measured mean.
        if !(1.0..=10.0).contains(&x) {
            return Err(o.at(
                "path_stretch",
                format!("must be between 1 and 10 (got {x}); the sourced value is 2.1"),
            ));
        }
        c.path_stretch = x;
    }
    if let Some(s) = raw.stub_cache {
        set_stub(&mut c, stub_cache(o, s)?);
    }
    if let Some(name) = raw.app_cache {
        c.app_cache = AppCache::preset(&name)
            .ok_or_else(|| o.at("app_cache", expected_one_of(AppCache::PRESETS, &name)))?;
        c.software_overrides.app_cache = true;
    }
    if let Some(d) = raw.keepalive_idle {
        c.keepalive_idle = d.0;
        c.software_overrides.keepalive_idle = true;
    }
    if let Some(s) = raw.software {
        c.software = software(&o.key("software"), s)?;
    }
    if let Some(d) = o.positive("connect_timeout", raw.connect_timeout.map(|d| d.0))? {
        c.connect_timeout = d;
    }
    if let Some(d) = o.positive("request_timeout", raw.request_timeout.map(|d| d.0))? {
        c.request_timeout = d;
    }
    if let Some(r) = o.u32_in("retries", raw.retries, 0, 10)? {
        c.retries = r;
    }
    if let Some(b) = o.u64_from("bytes_per_request", raw.bytes_per_request, 0)? {
        c.bytes_per_request = b;
    }
    Ok(c)
}

/// Every name `clients.software` accepts, for messages.
fn software_names() -> Vec<&'static str> {
    std::iter::once("none")
        .chain(CLIENT_STACKS.iter().copied())
        .collect()
}

/// One software name: `Ok(None)` for `"none"` (the client keys as written).
fn stack(at: &At, name: &str) -> Res<Option<resolver_models::ClientStack>> {
    if name == "none" {
        return Ok(None);
    }
    match client_stack(name) {
        Some(s) => Ok(Some(s)),
        None => Err(at.err(expected_one_of(&software_names(), name))),
    }
}

/// `clients.software`: `"none"` (no mix: `None`), one name, or `[{ name, share }, …]` with
/// shares in (0, 1] summing to 1 and names used once.
fn software(at: &At, s: SoftwareSpec) -> Res<Option<SoftwareMix>> {
    let part = |value, label, weight| Part {
        weight,
        value,
        label,
        source: "workload clients.software (share as written)",
        status: Status::Verified,
    };
    match s {
        SoftwareSpec::Name(n) if n == "none" => Ok(None),
        SoftwareSpec::Name(n) => {
            let s = stack(at, &n)?.expect("not none");
            Ok(Some(SoftwareMix {
                name: s.name,
                parts: vec![part(Some(s), s.name, 1.0)],
            }))
        }
        SoftwareSpec::Mix(items) => {
            if items.is_empty() {
                return Err(at.err("a mix needs at least one { name, share }"));
            }
            if items.len() > sim_engine::mixes::MAX_TABLE {
                return Err(at.err(format!(
                    "at most {} parts (got {})",
                    sim_engine::mixes::MAX_TABLE,
                    items.len()
                )));
            }
            let mut parts = Vec::new();
            let mut seen: Vec<String> = Vec::new();
            for (i, item) in items.into_iter().enumerate() {
                let it = at.idx(i);
                let name = it.name("name", item.name)?;
                let value = stack(&it.key("name"), &name)?;
                if seen.contains(&name) {
                    return Err(it.at("name", format!("{name:?} appears twice in the mix")));
                }
                let share = it.req("share", num(item.share))?;
                if !(share > 0.0 && share <= 1.0) {
                    return Err(it.at(
                        "share",
                        format!("must be in (0, 1] (got {})", fmt_num(share)),
                    ));
                }
                let label = value.map_or("none", |s| s.name);
                seen.push(name);
                parts.push(part(value, label, share));
            }
            let sum: f64 = parts.iter().map(|p| p.weight).sum();
            if (sum - 1.0).abs() > 1e-9 {
                return Err(at.err(format!(
                    "shares must sum to 1 (±1e-9); they sum to {}",
                    fmt_num(sum)
                )));
            }
            Ok(Some(SoftwareMix {
                name: "clients.software",
                parts,
            }))
        }
    }
}

/// `clients.stub_cache`: `"none"`, a preset of `resolver_models::stub` (`"os-default"` is a
/// per-client mix), or `{ max_ttl }`.
fn stub_cache(o: &At, s: StubCacheSpec) -> Res<StubMix> {
    match s {
        StubCacheSpec::Preset(s) if s == "macos" => Err(o.at(
            "stub_cache",
            "\"macos\" is not modelled: mDNSResponder's cache has no sourced figures \
             (ttl-behaviour.md section 2, UNVERIFIED); use \"os-default\" or { max_ttl = \"…\" }",
        )),
        StubCacheSpec::Preset(s) => stub_preset(&s).ok_or_else(|| {
            o.at(
                "stub_cache",
                format!(
                    "unknown preset {s:?} (known: {}); or write {{ max_ttl = \"…\" }}",
                    quoted_list(STUB_PRESETS)
                ),
            )
        }),
        StubCacheSpec::Cap(t) => {
            let at = o.key("stub_cache");
            let max_ttl = at.req("max_ttl", t.max_ttl)?.0;
            let max_ttl = at.positive("max_ttl", Some(max_ttl))?.unwrap_or(0);
            Ok(StubMix::single("max_ttl", StubCache::Cap { max_ttl }))
        }
    }
}
