//! `[[resolvers]]`: resolver classes, their siting and TTL policies.

use resolver_models::presets::TTL_DISTRIBUTIONS;
use sim_engine::Micros;
use sim_engine::config::{
    CacheClock, Placement, Region, ResolverClass, ServeStale, Siting, TtlMix, TtlPolicy,
};
use sim_engine::geo::region_coords;

use super::super::names::{TtlMode, expected_one_of, name_of, quoted_list};
use super::super::schema::{LocationSpec, RawResolver, RawTtl, Tables, TtlSpec};
use super::regions::check_point;
use super::{At, Res, fmt_num, items, num};

pub(super) fn resolvers(
    top: &At,
    raw: Option<Tables<RawResolver>>,
    regions: &[Region],
) -> Res<(Vec<ResolverClass>, Vec<Option<Micros>>)> {
    let list = items(top, "resolvers", raw);
    if list.is_empty() {
        return Err(top.at(
            "resolvers",
            "at least one [[resolvers]] class is required unless `population` is set",
        ));
    }
    let mut out: Vec<ResolverClass> = Vec::with_capacity(list.len());
    let mut negative_caps = Vec::with_capacity(list.len());
    for (o, r) in list {
        let (class, cap) = resolver(&o, r, regions)?;
        negative_caps.push(cap);
        if let Some(j) = out.iter().position(|x| x.name == class.name) {
            return Err(o.at(
                "name",
                format!(
                    "duplicate resolver class {:?} (also resolvers[{j}])",
                    class.name
                ),
            ));
        }
        out.push(class);
    }
    let sum: f64 = out.iter().map(|r| r.share).sum();
    if (sum - 1.0).abs() > 1e-9 {
        return Err(top.at(
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
        return Err(top.at(
            "resolvers",
            format!(
                "at most {} TTL policies over all classes (a distribution counts each of its \
                 parts); these classes have {policies}",
                sim_engine::mixes::MAX_TABLE
            ),
        ));
    }
    Ok((out, negative_caps))
}

/// One resolver class, and its cap on negative answers (`max_negative_ttl`, else its
/// software's documented default, else none: `config::NegativeCaching::resolver_cap`).
fn resolver(
    o: &At,
    mut r: RawResolver,
    regions: &[Region],
) -> Res<(ResolverClass, Option<Micros>)> {
    let name = o.name("name", r.name.take())?;
    let share = o.req("share", num(r.share))?;
    if !(share > 0.0 && share <= 1.0) {
        return Err(o.at(
            "share",
            format!("must be greater than 0 and at most 1 (got {share})"),
        ));
    }
    let placement = r.placement.map_or(Placement::Local, |p| p.0);
    let ecs = r.ecs.unwrap_or(false);
    let siting = siting(o, &r, placement, ecs, regions)?;
    if placement == Placement::PublicAnycast && r.clients_per_resolver.is_some() {
        return Err(o.at(
            "clients_per_resolver",
            "does not apply to placement = \"public-anycast\" (its caches are \
             caches_per_pop per PoP and client area)",
        ));
    }
    let clients_per_resolver = o
        .u32_in("clients_per_resolver", r.clients_per_resolver, 1, u32::MAX)?
        .unwrap_or(500);
    // `software = "unbound"` (extension): the program's cache clock, and without a written
    // `ttl` its shipped default TTL limits (`resolver_models::Software`).
    let software = match &r.software {
        None => None,
        Some(n) => Some(resolver_models::Software::from_name(n).ok_or_else(|| {
            o.at(
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
                return Err(o.at(
                    "ecs",
                    format!(
                        "{} caches no answer to an ECS query (dnsmasq(8), seen live); \
                         that resolver is not modelled",
                        sw.name()
                    ),
                ));
            }
            resolver_models::EcsSupport::Unsupported => {
                return Err(o.at(
                    "ecs",
                    format!("{} cannot send EDNS Client Subnet", sw.name()),
                ));
            }
        }
    }
    let (ttl, ttl_mix) = match (r.ttl, software) {
        (None, None) => (TtlPolicy::Honor, None),
        (None, Some(sw)) => (
            sw.behaviour(&sw.default_config())
                .map_err(|e| o.at("software", e.to_string()))?
                .ttl,
            None,
        ),
        (Some(TtlSpec::Honor), _) => (TtlPolicy::Honor, None),
        (Some(TtlSpec::Table(t)), _) => ttl_policy(&o.key("ttl"), t)?,
    };
    let negative_cap = match r.max_negative_ttl {
        Some(d) => Some(d.0),
        None => software
            .and_then(resolver_models::Software::negative_ttl_cap)
            .map(|s| u64::from(s) * sim_engine::SEC),
    };
    let class = ResolverClass {
        name,
        share,
        placement,
        ecs,
        clients_per_resolver,
        ttl,
        prefetch: r.prefetch.unwrap_or(false),
        serve_stale: r.serve_stale.map_or(ServeStale::Off, |s| s.0),
        siting,
        ttl_mix,
        clock: software.map_or(CacheClock::Exact, resolver_models::Software::clock),
        display: software.map_or(
            resolver_models::TtlDisplay::Exact,
            resolver_models::Software::display,
        ),
    };
    Ok((class, negative_cap))
}

/// `location`, `caches_per_pop` and `clients_per_subnet` of a resolver class: each only with
/// the placement or ECS setting it belongs to, so a misplaced key is an error, not a no-op.
fn siting(
    o: &At,
    r: &RawResolver,
    placement: Placement,
    ecs: bool,
    regions: &[Region],
) -> Res<Siting> {
    let only = |key: &str, what: &str| {
        Err(o.at(
            key,
            format!("only applies with {what}; remove it or set {what}"),
        ))
    };
    let mut siting = Siting::default();
    if let Some(loc) = &r.location {
        if placement != Placement::Central {
            return only("location", "placement = \"central\"");
        }
        siting.location = Some(match loc {
            LocationSpec::Region(name) => regions
                .iter()
                .find(|r| r.name == *name)
                .map(|r| (r.lat, r.lon))
                .or_else(|| region_coords(name))
                .ok_or_else(|| {
                    o.at(
                        "location",
                        format!(
                            "unknown region {name:?}: name one of the workload's [[regions]] or a \
                             built-in AWS region code, or give {{ lat, lon }}"
                        ),
                    )
                })?,
            LocationSpec::Point(p) => {
                let at = o.key("location");
                let lat = at.req("lat", num(p.lat))?;
                let lon = at.req("lon", num(p.lon))?;
                check_point(&at, lat, lon)?;
                (lat, lon)
            }
        });
    }
    if r.caches_per_pop.is_some() && placement != Placement::PublicAnycast {
        return only("caches_per_pop", "placement = \"public-anycast\"");
    }
    if let Some(n) = o.u32_in("caches_per_pop", r.caches_per_pop, 1, 1_000_000)? {
        siting.caches_per_pop = n;
    }
    if r.clients_per_subnet.is_some() && !ecs {
        return only("clients_per_subnet", "ecs = true");
    }
    if let Some(n) = o.u32_in("clients_per_subnet", r.clients_per_subnet, 1, u32::MAX)? {
        siting.clients_per_subnet = n;
    }
    Ok(siting)
}

/// A resolver class's TTL policy table: `{ mode = "honor" }`, `{ mode = "floor", min }`,
/// `{ mode = "cap", max }`, `{ mode = "fixed", value }`, `{ mode = "floor-cap", min, max }`;
/// `{ mode = "distribution", preset }` (a mix of `resolver_models::presets::ttl_distribution`,
/// drawn per resolver).
fn ttl_policy(t: &At, raw: RawTtl) -> Res<(TtlPolicy, Option<TtlMix>)> {
    let mode = t.req("mode", raw.mode)?.0;
    let mode_name = name_of(mode);
    // The keys each mode takes, and whether each is written.
    let keys: &[&str] = match mode {
        TtlMode::Honor => &[],
        TtlMode::Floor => &["min"],
        TtlMode::Cap => &["max"],
        TtlMode::Fixed => &["value"],
        TtlMode::FloorCap => &["min", "max"],
        TtlMode::Distribution => &["preset"],
    };
    let written = [
        ("max", raw.max.is_some()),
        ("min", raw.min.is_some()),
        ("preset", raw.preset.is_some()),
        ("value", raw.value.is_some()),
    ];
    if let Some((k, _)) = written.iter().find(|(k, w)| *w && !keys.contains(k)) {
        let takes = if keys.is_empty() {
            "takes no other keys".to_string()
        } else {
            format!("takes: {}", keys.join(", "))
        };
        return Err(t.at(
            k,
            format!("not used with mode = {mode_name:?} (this mode {takes})"),
        ));
    }
    for k in keys {
        if !written.iter().any(|(w, is)| w == k && *is) {
            return Err(t.at(k, format!("is required with mode = {mode_name:?}")));
        }
    }
    let d = |v: Option<super::super::schema::Dur>| v.map_or(0, |d| d.0);
    let policy = match mode {
        TtlMode::Honor => TtlPolicy::Honor,
        TtlMode::Floor => TtlPolicy::Floor { min: d(raw.min) },
        TtlMode::Cap => TtlPolicy::Cap { max: d(raw.max) },
        TtlMode::Fixed => TtlPolicy::Fixed {
            value: d(raw.value),
        },
        TtlMode::FloorCap => TtlPolicy::FloorCap {
            min: d(raw.min),
            max: d(raw.max),
        },
        TtlMode::Distribution => {
            let name = raw.preset.unwrap_or_default();
            let mix = resolver_models::presets::ttl_distribution(&name).ok_or_else(|| {
                t.at(
                    "preset",
                    format!(
                        "unknown preset {name:?} (known: {})",
                        quoted_list(TTL_DISTRIBUTIONS)
                    ),
                )
            })?;
            return Ok((TtlPolicy::Honor, Some(mix)));
        }
    };
    policy.validate().map_err(|e| t.err(e.to_string()))?;
    Ok((policy, None))
}
