//! Route 53 endpoint health checks: the defaults and a health-check table on top of a base.

use sim_engine::SEC;
use sim_engine::config::{HcProtocol, HealthCheck};
use sim_engine::geo::{R53_CHECKER_REGIONS, R53_MIN_CHECKER_REGIONS};

use super::super::schema::RawHealthCheck;
use super::{At, Res, num};

/// Route 53's health check defaults (R53-API `CreateHealthCheck`).
pub(crate) fn default_health_check() -> HealthCheck {
    HealthCheck {
        interval: 30 * SEC,
        failure_threshold: 3,
        checker_regions: R53_CHECKER_REGIONS.iter().map(|s| s.to_string()).collect(),
        checkers_per_region: None,
        healthy_fraction: 0.18,
        deep: false,
        protocol: HcProtocol::Http,
        disabled: false,
        inverted: false,
    }
}

/// A Route 53 health check table; keys not given keep `base`'s values.
pub(super) fn health_check(o: &At, raw: RawHealthCheck, base: &HealthCheck) -> Res<HealthCheck> {
    if raw.calculated.is_some() {
        return Err(o.at(
            "calculated",
            "a calculated check has no endpoint settings of its own: write only calculated = \
             { threshold, children } in this table",
        ));
    }
    o.only(
        "threshold",
        &raw.threshold,
        "kind = \"global-accelerator\" (Route 53 says failure_threshold)",
    )?;
    let mut hc = base.clone();
    if let Some(i) = raw.interval {
        if i.0 != 10 * SEC && i.0 != 30 * SEC {
            return Err(o.at("interval", "must be 10s or 30s"));
        }
        hc.interval = i.0;
    }
    if let Some(n) = o.u32_in("failure_threshold", raw.failure_threshold, 1, 10)? {
        hc.failure_threshold = n;
    }
    if let Some(items) = raw.checker_regions {
        let path = o.key("checker_regions");
        let mut names: Vec<String> = Vec::with_capacity(items.len());
        for (k, s) in items.into_iter().enumerate() {
            if !R53_CHECKER_REGIONS.contains(&s.as_str()) {
                return Err(path.idx(k).err(format!(
                    "{s:?} is not a Route 53 health-checker region (expected one of: {})",
                    R53_CHECKER_REGIONS.join(", ")
                )));
            }
            if let Some(j) = names.iter().position(|n| *n == s) {
                return Err(path
                    .idx(k)
                    .err(format!("duplicate checker region {s:?} (also [{j}])")));
            }
            names.push(s);
        }
        if names.len() < R53_MIN_CHECKER_REGIONS {
            return Err(path.err(format!(
                "needs at least {R53_MIN_CHECKER_REGIONS} checker regions (got {})",
                names.len()
            )));
        }
        hc.checker_regions = names;
    }
    if let Some(n) = o.u32_in("checkers_per_region", raw.checkers_per_region, 1, u32::MAX)? {
        hc.checkers_per_region = Some(n);
    }
    if let Some(f) = num(raw.healthy_fraction) {
        if !(f > 0.0 && f < 1.0) {
            return Err(o.at(
                "healthy_fraction",
                format!("must be greater than 0 and less than 1 (got {f})"),
            ));
        }
        hc.healthy_fraction = f;
    }
    hc.deep = raw.deep.unwrap_or(hc.deep);
    if let Some(p) = raw.protocol {
        hc.protocol = p.0;
    }
    // R53-API `HealthCheckConfig.Inverted` / `Disabled` (config::HealthCheck has the semantics).
    hc.inverted = raw.inverted.unwrap_or(hc.inverted);
    hc.disabled = raw.disabled.unwrap_or(hc.disabled);
    Ok(hc)
}
