//! Route 53 records: written records with their per-policy keys, default records per policy,
//! geolocation locations and calculated health checks.

use sim_engine::config::{
    CalculatedCheck, ChildCheck, EndpointType, GeoLocation, GeoProximity, HealthCheck, Policy,
    Record, Role,
};
use sim_engine::geo::{AWS_REGIONS, region_coords};
use sim_engine::geography::{Continent, WORLD_INTERNET_USERS, continent_of_point};

use super::super::schema::{
    GeoSpec, HealthCheckSpec, RawCalculated, RawHealthCheck, RawRecord, Tables,
};
use super::health::{default_health_check, health_check};
use super::regions::check_point;
use super::{At, Context, Res, items, num};

pub(super) fn records(
    arm: &At,
    raw: Tables<RawRecord>,
    policy: Policy,
    endpoint_type: EndpointType,
    arm_hc: Option<&HealthCheck>,
    cx: &Context<'_>,
) -> Res<Vec<Record>> {
    let list = items(arm, "records", Some(raw));
    if list.is_empty() {
        return Err(arm.at(
            "records",
            "at least one record is required (or leave records out for the default records)",
        ));
    }
    if list.len() > sim_engine::controlplane::MAX_RECORDS {
        return Err(arm.at(
            "records",
            format!(
                "at most {} records per name (Route 53's limit for weighted records)",
                sim_engine::controlplane::MAX_RECORDS
            ),
        ));
    }
    let mut out: Vec<Record> = Vec::with_capacity(list.len());
    for (o, mut r) in list {
        let region = o.region("region", r.region.take(), cx.regions)?;
        let geoproximity = if policy == Policy::Geoproximity {
            Some(geoproximity(&o, &mut r, region, cx)?)
        } else {
            let only = "policy = \"geoproximity\"";
            o.only("aws_region", &r.aws_region, only)?;
            o.only("lat", &r.lat, only)?;
            o.only("lon", &r.lon, only)?;
            o.only("bias", &r.bias, only)?;
            None
        };
        let location = if policy == Policy::Geolocation {
            let loc = location(&o, r.location)?;
            if let Some(j) = out.iter().position(|x| x.location.as_ref() == Some(&loc)) {
                return Err(o.at(
                    "location",
                    format!("duplicate location (also records[{j}])"),
                ));
            }
            Some(loc)
        } else {
            o.only("location", &r.location, "policy = \"geolocation\"")?;
            None
        };
        // Geolocation records may share a region (a country record and the default record,
        // say); other policies answer one record per region.
        if let Some(j) = out
            .iter()
            .position(|x| x.region == region && policy != Policy::Geolocation)
        {
            return Err(o.at(
                "region",
                format!(
                    "duplicate region {:?} in this arm's records (also records[{j}])",
                    cx.regions[region].name
                ),
            ));
        }
        let weight = if policy == Policy::Weighted {
            o.u32_in("weight", r.weight, 0, 255)?.unwrap_or(1)
        } else {
            o.only("weight", &r.weight, "policy = \"weighted\"")?;
            1
        };
        let role = if policy == Policy::Failover {
            let role = r.role.ok_or_else(|| {
                o.at(
                    "role",
                    "is required for policy = \"failover\" (\"primary\" or \"secondary\")",
                )
            })?;
            Some(role.0)
        } else {
            o.only("role", &r.role, "policy = \"failover\"")?;
            None
        };
        let alias = r.alias.unwrap_or(false);
        if alias && policy == Policy::Multivalue {
            return Err(o.at(
                "alias",
                "Route 53 has no multivalue answer alias records (R53-API MultiValueAnswer)",
            ));
        }
        if alias && matches!(endpoint_type, EndpointType::Ec2 | EndpointType::Eip) {
            return Err(o.at(
                "alias",
                "an alias record points at a load balancer; endpoint_type \"ec2\" and \"eip\" \
                 cannot be alias targets (use endpoint_type = \"alb\" or \"nlb\")",
            ));
        }
        let evaluate_target_health = r.evaluate_target_health.unwrap_or(false);
        if evaluate_target_health && !alias {
            return Err(o.at(
                "evaluate_target_health",
                "only for alias records (alias = true)",
            ));
        }
        let mut calculated = None;
        let base = || arm_hc.cloned().unwrap_or_else(default_health_check);
        let health_check = match r.health_check {
            None => arm_hc.cloned(),
            Some(HealthCheckSpec::Off) => None,
            Some(HealthCheckSpec::Table(mut t)) => {
                let at = o.key("health_check");
                match t.calculated.take() {
                    Some(c) => {
                        only_calculated(&at, &t)?;
                        calculated = Some(calculated_check(&at.key("calculated"), c, &base(), cx)?);
                        None
                    }
                    None => Some(health_check(&at, *t, &base())?),
                }
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
            geoproximity,
        });
    }
    Ok(out)
}

/// A geoproximity record's place and bias (R53-API `GeoProximityLocation`: one of `AWSRegion`
/// and `Coordinates`; `Bias` -99 to 99). Neither written: the record's `region`'s coordinates.
fn geoproximity(o: &At, r: &mut RawRecord, region: usize, cx: &Context<'_>) -> Res<GeoProximity> {
    let bias = o.int("bias", r.bias, -99, 99)?.unwrap_or(0) as i32;
    let (lat, lon) = match (r.aws_region.take(), num(r.lat), num(r.lon)) {
        (Some(_), Some(_), _) | (Some(_), _, Some(_)) => {
            return Err(o.at(
                "aws_region",
                "a geoproximity record has one location: aws_region or lat/lon, not both \
                 (R53-API GeoProximityLocation)",
            ));
        }
        (Some(code), None, None) => region_coords(&code).ok_or_else(|| {
            let known: Vec<&str> = AWS_REGIONS.iter().map(|(c, _, _)| *c).collect();
            o.at(
                "aws_region",
                format!(
                    "{code:?} is not in the built-in region table (known: {}); write lat and \
                     lon instead",
                    known.join(", ")
                ),
            )
        })?,
        (None, Some(lat), Some(lon)) => {
            check_point(o, lat, lon)?;
            (lat, lon)
        }
        (None, Some(_), None) => return Err(o.at("lon", "is required with lat")),
        (None, None, Some(_)) => return Err(o.at("lat", "is required with lon")),
        (None, None, None) => (cx.regions[region].lat, cx.regions[region].lon),
    };
    Ok(GeoProximity { lat, lon, bias })
}

/// A table with `calculated` holds nothing else.
fn only_calculated(at: &At, t: &RawHealthCheck) -> Res<()> {
    let written = [
        ("checker_regions", t.checker_regions.is_some()),
        ("checkers_per_region", t.checkers_per_region.is_some()),
        ("deep", t.deep.is_some()),
        ("failure_threshold", t.failure_threshold.is_some()),
        ("healthy_fraction", t.healthy_fraction.is_some()),
        ("interval", t.interval.is_some()),
        ("protocol", t.protocol.is_some()),
        ("threshold", t.threshold.is_some()),
    ];
    match written.iter().find(|(_, w)| *w) {
        Some((k, _)) => Err(at.at(
            k,
            "unknown key beside calculated (a calculated check has no endpoint settings of its \
             own: write only calculated = { threshold, children })",
        )),
        None => Ok(()),
    }
}

/// The default records of a policy: failover, the first two regions; geolocation, one per
/// region's continent plus the default; otherwise one per region.
pub(super) fn default_records(
    o: &At,
    policy: Policy,
    arm_hc: Option<&HealthCheck>,
    cx: &Context<'_>,
) -> Res<Vec<Record>> {
    let record = |region: usize, role: Option<Role>| Record {
        region,
        weight: 1,
        role,
        alias: false,
        evaluate_target_health: false,
        health_check: arm_hc.cloned(),
        location: None,
        calculated: None,
        geoproximity: (policy == Policy::Geoproximity).then(|| GeoProximity {
            lat: cx.regions[region].lat,
            lon: cx.regions[region].lon,
            bias: 0,
        }),
    };
    match policy {
        Policy::Failover => {
            if cx.regions.len() < 2 {
                return Err(o.at(
                    "records",
                    "policy = \"failover\" needs two regions (the default records are the first \
                     declared region as primary and the second as secondary); declare another \
                     [[regions]] or write records",
                ));
            }
            Ok(vec![
                record(0, Some(Role::Primary)),
                record(1, Some(Role::Secondary)),
            ])
        }
        Policy::Geolocation => {
            // One per region for the continent its coordinates are on (the nearest client
            // area's), and the default record (`*`) on the first declared region.
            let mut out: Vec<Record> = Vec::new();
            for (i, r) in cx.regions.iter().enumerate() {
                let Some(c) = continent_of_point(WORLD_INTERNET_USERS, r.lat, r.lon) else {
                    continue;
                };
                let here = Some(GeoLocation::Continent(c));
                if let Some(j) = out.iter().position(|x| x.location == here) {
                    return Err(o.at(
                        "records",
                        format!(
                            "the default geolocation records give each region its continent, \
                             but {:?} and {:?} are both in {}; write records with a location each",
                            cx.regions[out[j].region].name,
                            r.name,
                            c.name()
                        ),
                    ));
                }
                out.push(Record {
                    location: here,
                    ..record(i, None)
                });
            }
            out.push(Record {
                location: Some(GeoLocation::Default),
                ..record(0, None)
            });
            Ok(out)
        }
        _ => Ok((0..cx.regions.len()).map(|i| record(i, None)).collect()),
    }
}

/// A geolocation record's `location`: `"default"` (or Route 53's `"*"`), `{ continent = "EU" }`
/// (Route 53 continent codes) or `{ country = "DE" }` (ISO 3166-1 alpha-2).
fn location(o: &At, v: Option<GeoSpec>) -> Res<GeoLocation> {
    let v = v.ok_or_else(|| {
        o.at(
            "location",
            "is required for policy = \"geolocation\" (\"default\", { continent = \"EU\" } or \
             { country = \"DE\" })",
        )
    })?;
    let l = o.key("location");
    match v {
        GeoSpec::Default => Ok(GeoLocation::Default),
        GeoSpec::Table(t) if t.subdivision.is_some() => {
            let code = t.subdivision.unwrap_or_default();
            if t.continent.is_some() {
                return Err(l.at(
                    "subdivision",
                    "goes with country, not continent (R53-API GeoLocation: SubdivisionCode \
                     needs CountryCode)",
                ));
            }
            let Some(country) = t.country else {
                return Err(l.at(
                    "subdivision",
                    "needs country (R53-API GeoLocation: SubdivisionCode needs CountryCode, \
                     e.g. { country = \"US\", subdivision = \"WA\" })",
                ));
            };
            if !(country.len() == 2 && country.chars().all(|c| c.is_ascii_uppercase())) {
                return Err(l.at(
                    "country",
                    format!("{country:?} is not an ISO 3166-1 alpha-2 code (e.g. \"US\")"),
                ));
            }
            if code.is_empty()
                || code.len() > 3
                || !code
                    .chars()
                    .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
            {
                return Err(l.at(
                    "subdivision",
                    format!(
                        "{code:?} is not a subdivision code (1 to 3 upper-case letters or \
                         digits, R53-API SubdivisionCode; e.g. \"WA\")"
                    ),
                ));
            }
            Ok(GeoLocation::Subdivision { country, code })
        }
        GeoSpec::Table(t) => match (t.continent, t.country) {
            (Some(_), Some(_)) => Err(l.at(
                "country",
                "a record has one location: continent or country, not both",
            )),
            (Some(code), None) => Continent::from_r53_code(&code)
                .map(GeoLocation::Continent)
                .ok_or_else(|| {
                    let known: Vec<&str> = Continent::ALL.iter().map(|c| c.r53_code()).collect();
                    l.at(
                        "continent",
                        format!(
                            "unknown continent code {code:?} (known: {}; AN has no clients)",
                            known.join(", ")
                        ),
                    )
                }),
            (None, Some(code)) => {
                if code.len() == 2 && code.chars().all(|c| c.is_ascii_uppercase()) {
                    Ok(GeoLocation::Country(code))
                } else {
                    Err(l.at(
                        "country",
                        format!("{code:?} is not an ISO 3166-1 alpha-2 code (e.g. \"DE\")"),
                    ))
                }
            }
            (None, None) => Err(l.err("needs continent = \"..\" or country = \"..\"")),
        },
    }
}

/// A record's `health_check.calculated = { threshold, children = [ { region, ...check keys } ] }`
/// (R53-API `HealthThreshold` 0-256, `ChildHealthChecks` at most 256; children are endpoint
/// checks: a calculated child of a calculated check is not allowed).
fn calculated_check(
    c: &At,
    raw: RawCalculated,
    base: &HealthCheck,
    cx: &Context<'_>,
) -> Res<CalculatedCheck> {
    let threshold = c
        .u32_in("threshold", raw.threshold, 0, 256)?
        .ok_or_else(|| c.at("threshold", "is required (0-256 healthy children)"))?;
    let Some(raw_children) = raw.children else {
        return Err(c.at("children", "is required: a list of child health checks"));
    };
    let list = items(c, "children", Some(raw_children));
    if list.is_empty() || list.len() > 256 {
        return Err(c.at(
            "children",
            format!("needs 1 to 256 child checks (got {})", list.len()),
        ));
    }
    let mut children = Vec::with_capacity(list.len());
    for (o, mut t) in list {
        if t.0.contains_key("calculated") {
            return Err(o.at(
                "calculated",
                "unknown key in a child check (a child is an endpoint check: region and \
                 health-check settings, not another calculated check)",
            ));
        }
        let region = match t.0.remove("region") {
            None => None,
            Some(toml::Value::String(s)) => Some(s),
            Some(other) => {
                return Err(o.at(
                    "region",
                    format!(
                        "expected a string, got {}",
                        super::super::duration::type_name(&other)
                    ),
                ));
            }
        };
        let region = o.region("region", region, cx.regions)?;
        let check: RawHealthCheck = o.read(t.0)?;
        let check = health_check(&o, check, base)?;
        children.push(ChildCheck { region, check });
    }
    Ok(CalculatedCheck {
        threshold,
        children,
    })
}
