//! The Global Accelerator arm (GA-API for ranges and defaults; ELB-API for the load balancer's
//! target health check).

use sim_engine::SEC;
use sim_engine::config::{
    ClientAffinity, EndpointGroup, EndpointType, GA_DEFAULT_ENDPOINT_WEIGHT, GaEndpoint,
    GaHealthCheck, GlobalAcceleratorArm, HcProtocol, LbHealthCheck, Propagation,
};

use super::super::schema::{HealthCheckSpec, RawArm, RawEndpoint, RawGaHealthCheck, Tables};
use super::{At, Context, Res, items, num};

pub(super) fn global_accelerator(o: &At, a: RawArm, cx: &Context<'_>) -> Res<GlobalAcceleratorArm> {
    let r53_only = "kind = \"route53\"";
    o.only("policy", &a.policy, r53_only)?;
    o.only("records", &a.records, r53_only)?;
    o.only("control", &a.control, r53_only)?;
    let endpoint_type = a.endpoint_type.map_or(EndpointType::Alb, |e| e.0);
    let propagation = a.propagation.map_or(Propagation::Default, |p| p.0);
    // The accelerator's DNS name: its addresses never change, so the TTL only sets query
    // volume. ASSUMED default 60 s, as for alias records to AWS load balancers.
    let dns_ttl = a.ttl.map_or(60 * SEC, |d| d.0);
    let mut health_check = GaHealthCheck::default();
    match a.health_check {
        None => {}
        Some(HealthCheckSpec::Off) => {
            return Err(o.at(
                "health_check",
                "a Global Accelerator always checks its endpoints: write a table, not false",
            ));
        }
        Some(HealthCheckSpec::Table(h)) => {
            let at = o.key("health_check");
            at.only(
                "failure_threshold",
                &h.failure_threshold,
                "kind = \"route53\" (Global Accelerator says threshold)",
            )?;
            for (k, written) in [
                ("calculated", h.calculated.is_some()),
                ("checker_regions", h.checker_regions.is_some()),
                ("checkers_per_region", h.checkers_per_region.is_some()),
                ("healthy_fraction", h.healthy_fraction.is_some()),
                ("inverted", h.inverted.is_some()),
                ("disabled", h.disabled.is_some()),
            ] {
                if written {
                    return Err(at.at(k, "only for kind = \"route53\""));
                }
            }
            health_check = ga_check(
                &at,
                RawGaHealthCheck {
                    interval: h.interval,
                    threshold: h.threshold,
                    protocol: h.protocol,
                    deep: h.deep,
                },
            )?;
        }
    }
    if a.lb_health_check.is_some() {
        // Moved (WORKLOAD.md): refused whatever its value, naming the new key.
        let regions = if cx.regions.len() == 1 {
            "regions[0]"
        } else {
            "regions[i]"
        };
        return Err(o.at(
            "lb_health_check",
            format!(
                "has moved to {regions}.load_balancer.health_check: the region's load balancer \
                 is one target-health timeline read by every arm"
            ),
        ));
    }
    let endpoint_groups = match a.endpoint_groups {
        // Default: one endpoint group per declared region, dial 100 %.
        None => (0..cx.regions.len())
            .map(|region| EndpointGroup::at(region, 100.0))
            .collect(),
        Some(t) => {
            let list = items(o, "endpoint_groups", Some(t));
            if list.is_empty() {
                return Err(o.at("endpoint_groups", "at least one endpoint group is required"));
            }
            let mut groups: Vec<EndpointGroup> = Vec::new();
            for (g, raw) in list {
                let region = g.region("region", raw.region, cx.regions)?;
                if groups.iter().any(|x| x.region == region) {
                    return Err(g.at(
                        "region",
                        "one endpoint group per region (GA allows one per region per listener)",
                    ));
                }
                let traffic_dial = num(raw.traffic_dial).unwrap_or(100.0);
                if !(0.0..=100.0).contains(&traffic_dial) {
                    return Err(g.at("traffic_dial", "must be between 0 and 100 (percent)"));
                }
                let endpoints = match raw.endpoints {
                    None => Vec::new(),
                    Some(t) => endpoints(&g, t, endpoint_type)?,
                };
                let group_hc = raw
                    .health_check
                    .map(|h| ga_check(&g.key("health_check"), h))
                    .transpose()?;
                groups.push(EndpointGroup {
                    region,
                    traffic_dial,
                    endpoints,
                    health_check: group_hc,
                });
            }
            groups
        }
    };
    Ok(GlobalAcceleratorArm {
        endpoint_type,
        health_check,
        lb_health_check: LbHealthCheck::default(),
        endpoint_groups,
        client_affinity: a.client_affinity.map_or(ClientAffinity::None, |c| c.0),
        propagation,
        dns_ttl,
    })
}

/// A Global Accelerator health check's settings (GA-API `HealthCheckIntervalSeconds` 10 or 30,
/// `ThresholdCount` 1-10, `HealthCheckProtocol` default TCP), on the defaults.
fn ga_check(at: &At, h: RawGaHealthCheck) -> Res<GaHealthCheck> {
    let mut hc = GaHealthCheck::default();
    if let Some(i) = h.interval {
        if i.0 != 10 * SEC && i.0 != 30 * SEC {
            return Err(at.at("interval", "must be 10s or 30s"));
        }
        hc.interval = i.0;
    }
    if let Some(t) = at.u32_in("threshold", h.threshold, 1, 10)? {
        hc.threshold = t;
    }
    hc.protocol = h.protocol.map_or(HcProtocol::Tcp, |p| p.0);
    hc.deep = h.deep.unwrap_or(false);
    Ok(hc)
}

/// An endpoint group's `endpoints = [{ type, weight }]` (GA-API `EndpointConfigurations`;
/// `Weight` 0-255, default 128, GA-DG `about-endpoints-endpoint-weights.md`). The number per
/// group is a quota (10 by default, adjustable for some types: AWS General Reference
/// `global_accelerator.html`), so it is not checked here.
fn endpoints(g: &At, t: Tables<RawEndpoint>, arm_type: EndpointType) -> Res<Vec<GaEndpoint>> {
    let list = items(g, "endpoints", Some(t));
    if list.is_empty() {
        return Err(g.at(
            "endpoints",
            "needs at least one endpoint (leave endpoints out for one of the arm's endpoint_type)",
        ));
    }
    list.into_iter()
        .map(|(e, raw)| {
            Ok(GaEndpoint {
                kind: raw.kind.map_or(arm_type, |k| k.0),
                weight: e
                    .u32_in("weight", raw.weight, 0, 255)?
                    .unwrap_or(GA_DEFAULT_ENDPOINT_WEIGHT),
            })
        })
        .collect()
}
