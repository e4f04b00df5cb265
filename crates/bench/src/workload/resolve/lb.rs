//! `regions[].load_balancer`: each region's load balancer and its target-group health check,
//! one target-health timeline read by every arm (sim-engine `config::LoadBalancer`), resolved
//! after the arms because the default type follows them ([`ModelParams::defaults`]).

use sim_engine::config::{LoadBalancer, ModelParams, Workload};

use super::Res;
use super::regions::RawRegionParams;

/// The workload's model parameters: the defaults ([`ModelParams::defaults`]) with each written
/// `regions[i].load_balancer` and `regions[i].overload.probes` applied (the caller applies
/// `[model]` and validates: [`ModelParams::validate`], whose key is the full key path).
pub(super) fn params(w: &Workload, regions: Vec<RawRegionParams>) -> Res<ModelParams> {
    let mut params = ModelParams::defaults(w);
    for (i, r) in regions.into_iter().enumerate() {
        if let Some(p) = r.probes {
            params.probes[i] = p;
        }
        let (at, raw) = (r.lb_at, r.lb);
        let Some(raw) = raw else {
            continue;
        };
        let kind = raw.kind.map_or(params.load_balancers[i].kind, |k| k.0);
        let hc = raw.health_check;
        let protocol = hc
            .as_ref()
            .and_then(|h| h.protocol)
            .map_or_else(|| LoadBalancer::default_protocol(kind), |p| p.0);
        // The timeout default follows the type and protocol; written keys then apply.
        let mut lb = LoadBalancer::documented(kind, protocol);
        if let Some(d) = raw.idle_timeout {
            lb.idle_timeout = d.0;
        }
        if let Some(h) = hc {
            let at = at.key("health_check");
            if let Some(d) = h.interval {
                lb.health_check.interval = d.0;
            }
            if let Some(d) = h.timeout {
                lb.health_check.timeout = d.0;
            }
            if let Some(t) = at.u32_in("unhealthy_threshold", h.unhealthy_threshold, 2, 10)? {
                lb.health_check.unhealthy_threshold = t;
            }
            if let Some(t) = at.u32_in("healthy_threshold", h.healthy_threshold, 2, 10)? {
                lb.health_check.healthy_threshold = t;
            }
            if let Some(d) = h.deep {
                lb.health_check.deep = d;
            }
        }
        params.load_balancers[i] = lb;
    }
    Ok(params)
}
