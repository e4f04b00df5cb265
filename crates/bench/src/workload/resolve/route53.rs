//! `[[arms]]`, and the Route 53 arm: policy, TTL, arm health check, ARC control.

use sim_engine::SEC;
use sim_engine::config::{Arm, ArmKind, Policy, Propagation, Role, Route53Arm};
use sim_engine::{Micros, config::EndpointType};

use super::super::duration::format_duration;
use super::super::names::{ArmKind as Kind, ControlKind};
use super::super::schema::{HealthCheckSpec, RawArm, RawControl, Tables};
use super::health::{default_health_check, health_check};
use super::{At, Context, Res, clients, ga, items, records};

/// The TTL of an alias record to a load balancer (the target's TTL).
const ALIAS_TTL: Micros = 60 * SEC;

pub(super) fn arms(top: &At, raw: Option<Tables<RawArm>>, cx: &Context<'_>) -> Res<Vec<Arm>> {
    let list = items(top, "arms", raw);
    if list.is_empty() {
        return Err(top.at("arms", "at least one [[arms]] is required"));
    }
    let mut out: Vec<Arm> = Vec::with_capacity(list.len());
    for (o, mut a) in list {
        let name = o.name("name", a.name.take())?;
        if let Some(j) = out.iter().position(|x| x.name == name) {
            return Err(o.at(
                "name",
                format!("duplicate arm name {name:?} (also arms[{j}])"),
            ));
        }
        let client_table = a.clients.take();
        let kind = match o.req("kind", a.kind)?.0 {
            Kind::Route53 => {
                let ga_only = "kind = \"global-accelerator\"";
                o.only("client_affinity", &a.client_affinity, ga_only)?;
                o.only("endpoint_groups", &a.endpoint_groups, ga_only)?;
                o.only("lb_health_check", &a.lb_health_check, ga_only)?;
                ArmKind::Route53(route53(&o, a, cx)?)
            }
            Kind::GlobalAccelerator => {
                ArmKind::GlobalAccelerator(ga::global_accelerator(&o, a, cx)?)
            }
        };
        let (clients, client_overrides) = match client_table {
            None => (cx.clients.clone(), Vec::new()),
            Some(t) => clients::arm_clients(&o.key("clients"), t, cx.clients)?,
        };
        out.push(Arm {
            name,
            kind,
            clients,
            client_overrides,
        });
    }
    Ok(out)
}

fn route53(o: &At, a: RawArm, cx: &Context<'_>) -> Res<Route53Arm> {
    let policy = o.req("policy", a.policy)?.0;
    let propagation = a.propagation.map_or(Propagation::Default, |p| p.0);
    let endpoint_type = a.endpoint_type.map_or(EndpointType::Alb, |e| e.0);
    let arm_hc = match a.health_check {
        None | Some(HealthCheckSpec::Off) => None,
        Some(HealthCheckSpec::Table(t)) => {
            let at = o.key("health_check");
            if t.calculated.is_some() {
                return Err(at.at(
                    "calculated",
                    "a calculated health check belongs to one record: write it under \
                     records[i].health_check",
                ));
            }
            Some(health_check(&at, *t, &default_health_check())?)
        }
    };
    let records = match a.records {
        Some(t) => records::records(o, t, policy, endpoint_type, arm_hc.as_ref(), cx)?,
        None => records::default_records(o, policy, arm_hc.as_ref(), cx)?,
    };
    if policy == Policy::Multivalue
        && records.len() > sim_engine::controlplane::MAX_MULTIVALUE_RECORDS
    {
        return Err(o.at(
            "records",
            format!(
                "more than {} multivalue records is not supported yet; Route 53 answers at most \
                 8 of them per query",
                sim_engine::controlplane::MAX_MULTIVALUE_RECORDS
            ),
        ));
    }
    if policy == Policy::Failover {
        let count = |role| records.iter().filter(|r| r.role == Some(role)).count();
        let (primaries, secondaries) = (count(Role::Primary), count(Role::Secondary));
        if primaries != 1 || secondaries != 1 {
            return Err(o.at(
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
    let ttl = match a.ttl.map(|d| d.0) {
        Some(t) if any_alias && t != ALIAS_TTL => {
            return Err(o.at(
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
        None => return Err(o.at("ttl", "is required for kind = \"route53\"")),
    };
    let control = match a.control {
        None => None,
        Some(c) => Some(control(&o.key("control"), c, &records, cx)?),
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

/// An ARC routing control on one of the arm's records.
fn control(
    o: &At,
    c: RawControl,
    records: &[sim_engine::config::Record],
    cx: &Context<'_>,
) -> Res<sim_engine::config::ArcControl> {
    let ControlKind::Arc = o.req("kind", c.kind)?.0;
    let flip_at = o.req("flip_at", c.flip_at)?.0;
    if flip_at >= cx.simulation.duration {
        return Err(o.at(
            "flip_at",
            format!(
                "must be before the end of the simulation (simulation.duration = {}), got {}",
                format_duration(cx.simulation.duration),
                format_duration(flip_at)
            ),
        ));
    }
    let has_record = |region: usize| records.iter().any(|r| r.region == region);
    let region = if c.region.is_some() {
        let region = o.region("region", c.region, cx.regions)?;
        if !has_record(region) {
            return Err(o.at(
                "region",
                format!(
                    "region {:?} has no record in this arm; the routing control must switch one \
                     of the arm's records",
                    cx.regions[region].name
                ),
            ));
        }
        region
    } else {
        // The region of the earliest failure (the first written, on ties), else the first record's.
        let earliest = cx
            .failures
            .iter()
            .enumerate()
            .min_by_key(|(i, f)| (f.at, *i));
        match earliest {
            Some((_, f)) => {
                if !has_record(f.region) {
                    return Err(o.at(
                        "region",
                        format!(
                            "defaults to the region of the earliest failure, {:?}, which has no \
                             record in this arm; set region",
                            cx.regions[f.region].name
                        ),
                    ));
                }
                f.region
            }
            None => match records.first() {
                Some(r) => r.region,
                None => return Err(o.at("region", "is required (the arm has no records)")),
            },
        }
    };
    let flip_back_at = c.flip_back_at.map(|d| d.0);
    if let Some(b) = flip_back_at.filter(|&b| b <= flip_at) {
        return Err(o.at(
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
    let at_least = o.u32_in("at_least", c.at_least, 1, cells.max(1))?;
    Ok(sim_engine::config::ArcControl {
        flip_at,
        region,
        flip_back_at,
        at_least,
    })
}
