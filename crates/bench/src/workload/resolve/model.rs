//! `[model]`: engine model parameters shared by every arm (sim-engine `config::ModelParams`):
//! TLS round trips, the ELB probers, Global Accelerator's data path and negative caching. Each
//! default is documented or ASSUMED at its definition in sim-engine, and printed in reports.

use sim_engine::config::ModelParams;

use super::super::duration::parse_duration;
use super::super::schema::RawModel;
use super::{At, Res, num};

/// Apply the written `[model]` keys to `params` (range checks here; the cross-checks in
/// [`ModelParams::validate`]).
pub(super) fn model(at: &At, raw: Option<RawModel>, params: &mut ModelParams) -> Res<()> {
    let Some(m) = raw else { return Ok(()) };
    if let Some(n) = at.u32_in("tls_round_trips", m.tls_round_trips, 0, 10)? {
        params.tls_round_trips = n;
    }
    if let Some(p) = m.lb_probers {
        let at = at.key("lb_probers");
        if let Some(n) = at.u32_in("nodes", p.nodes, 1, 64)? {
            params.lb_probers.nodes = n;
        }
        if let Some(f) = num(p.healthy_fraction) {
            if !(0.0..1.0).contains(&f) {
                return Err(at.at(
                    "healthy_fraction",
                    format!("must be at least 0 and less than 1 (got {f})"),
                ));
            }
            params.lb_probers.healthy_fraction = f;
        }
    }
    if let Some(g) = m.ga {
        let at = at.key("ga");
        if let Some(v) = g.edge_backend_connect_timeout {
            params.ga.edge_backend_connect_timeout = match v.as_str() {
                Some("none") => None,
                _ => {
                    let d =
                        parse_duration(&v).map_err(|e| at.at("edge_backend_connect_timeout", e))?;
                    at.positive("edge_backend_connect_timeout", Some(d))?
                }
            };
        }
        if let Some(d) = g.failback_delay {
            if d.0 > 3600 * sim_engine::SEC {
                return Err(at.at("failback_delay", "must be at most 1h"));
            }
            params.ga.failback_delay = d.0;
        }
        if let Some(r) = g.failover {
            params.ga.failover = r.0;
        }
    }
    if let Some(n) = m.negative {
        let at = at.key("negative");
        let day = 86_400 * sim_engine::SEC;
        for (key, v, field) in [
            ("soa_ttl", n.soa_ttl, &mut params.negative.soa_ttl),
            (
                "soa_minimum",
                n.soa_minimum,
                &mut params.negative.soa_minimum,
            ),
        ] {
            if let Some(d) = v {
                if d.0 > 7 * day {
                    return Err(at.at(
                        key,
                        "must be at most 7d (RFC 2308 section 5 suggests 1 to 3 hours)",
                    ));
                }
                *field = d.0;
            }
        }
        if params.negative.soa_ttl == 0 && params.negative.soa_minimum == 0 {
            return Err(at.err("soa_ttl and soa_minimum cannot both be 0s"));
        }
    }
    Ok(())
}
