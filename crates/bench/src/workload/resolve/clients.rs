//! `[clients]` and an arm's `clients` overrides.

use resolver_models::stub::{STUB_PRESETS, stub_preset};
use sim_engine::config::{AppCache, Clients, StubCache, StubMix};

use super::super::names::{expected_one_of, quoted_list};
use super::super::schema::{RawClients, RawTable, StubCacheSpec};
use super::super::set_stub;
use super::{At, Res, num};

/// `[clients]` keys that describe the world, not a strategy: arms may not override them.
const WORLD_KEYS: &[&str] = &["areas", "geography", "path_stretch", "request_rate"];

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
    if let Some(r) = raw.request_rate {
        c.request_rate = r.0;
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
    }
    if let Some(d) = raw.keepalive_idle {
        c.keepalive_idle = d.0;
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
