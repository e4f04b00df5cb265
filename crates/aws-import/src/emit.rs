//! Arms → workload TOML text (keys of `WORKLOAD.md`), every assumed value commented
//! `# ASSUMED: edit me` with the key's meaning, every arm with its provenance.

use crate::build::*;
use crate::names::{self, CHECKER_REGIONS};
use crate::{ImportError, ImportOptions, Imported};
use std::fmt::Write;

/// A TOML basic string.
pub(crate) fn q(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A comment line's text: one line, no control characters.
fn c(s: &str) -> String {
    s.chars()
        .map(|ch| if ch.is_control() { ' ' } else { ch })
        .collect()
}

fn num(f: f64) -> String {
    if f.fract() == 0.0 && f.abs() < 1e15 {
        format!("{}", f as i64)
    } else {
        format!("{f}")
    }
}

/// A TOML float (always with a fraction: coordinates are floats even when integral).
fn float(f: f64) -> String {
    if f.fract() == 0.0 {
        format!("{f:.1}")
    } else {
        format!("{f}")
    }
}

const ASSUMED: &str = "# ASSUMED: edit me —";

fn ep_hc(h: &EpHc, region: Option<&str>) -> String {
    let mut parts = Vec::new();
    if let Some(r) = region {
        parts.push(format!("region = {}", q(r)));
    }
    parts.push(format!("interval = \"{}s\"", h.interval));
    parts.push(format!("failure_threshold = {}", h.failure_threshold));
    parts.push(format!("protocol = {}", q(h.protocol)));
    if let Some(rs) = &h.checker_regions
        && rs.len() != CHECKER_REGIONS.len()
    {
        parts.push(format!(
            "checker_regions = [{}]",
            rs.iter().map(|r| q(r)).collect::<Vec<_>>().join(", ")
        ));
    }
    if h.inverted {
        parts.push("inverted = true".into());
    }
    if h.disabled {
        parts.push("disabled = true".into());
    }
    format!("{{ {} }}", parts.join(", "))
}

fn record(r: &RecIr) -> String {
    let mut p = vec![format!("region = {}", q(&r.region))];
    if let Some(w) = r.weight {
        p.push(format!("weight = {w}"));
    }
    if let Some(role) = r.role {
        p.push(format!("role = {}", q(role)));
    }
    match &r.location {
        None => {}
        Some(LocIr::Default) => p.push("location = \"default\"".into()),
        Some(LocIr::Continent(cc)) => p.push(format!("location = {{ continent = {} }}", q(cc))),
        Some(LocIr::Country(cc, None)) => p.push(format!("location = {{ country = {} }}", q(cc))),
        Some(LocIr::Country(cc, Some(s))) => p.push(format!(
            "location = {{ country = {}, subdivision = {} }}",
            q(cc),
            q(s)
        )),
    }
    if let Some((aws_region, coords, bias)) = &r.geoprox {
        if let Some(a) = aws_region {
            p.push(format!("aws_region = {}", q(a)));
        }
        if let Some((lat, lon)) = coords {
            p.push(format!("lat = {}, lon = {}", float(*lat), float(*lon)));
        }
        p.push(format!("bias = {bias}"));
    }
    if r.alias {
        p.push("alias = true".into());
        if r.eth {
            p.push("evaluate_target_health = true".into());
        }
    }
    match &r.hc {
        None => {}
        Some(HcIr::Endpoint(h)) => p.push(format!("health_check = {}", ep_hc(h, None))),
        Some(HcIr::Calculated {
            threshold,
            children,
            ..
        }) => p.push(format!(
            "health_check = {{ calculated = {{ threshold = {threshold}, children = [ {} ] }} }}",
            children
                .iter()
                .map(|(reg, h)| ep_hc(h, Some(reg)))
                .collect::<Vec<_>>()
                .join(", ")
        )),
    }
    format!("{{ {} }}", p.join(", "))
}

fn hc_comment(r: &RecIr) -> Option<String> {
    match &r.hc {
        None => None,
        Some(HcIr::Endpoint(h)) => Some(h.comment.clone()),
        Some(HcIr::Calculated {
            comment, children, ..
        }) => Some(format!(
            "{comment}; children: {}",
            children
                .iter()
                .map(|(_, h)| h.comment.as_str())
                .collect::<Vec<_>>()
                .join("; ")
        )),
    }
}

fn r53(out: &mut String, a: &R53Ir, failure_region: &str) {
    out.push_str("\n[[arms]]\n");
    for line in &a.comments {
        let _ = writeln!(out, "# {}", c(line));
    }
    if a.assumed {
        let _ = writeln!(
            out,
            "{ASSUMED} this arm is not in the files read (--compare)"
        );
    }
    let _ = writeln!(out, "name = {}", q(&a.name));
    out.push_str("kind = \"route53\"\n");
    let _ = writeln!(out, "policy = {}", q(a.policy));
    if let Some(t) = a.ttl {
        let _ = writeln!(out, "ttl = \"{t}s\"");
    }
    let _ = writeln!(
        out,
        "propagation = \"default\"    {ASSUMED} delay from a health or control change to the answers (AWS publishes no figure)"
    );
    out.push_str("records = [\n");
    for r in &a.records {
        if !r.comment.is_empty() {
            let _ = writeln!(out, "  # {}", c(&r.comment));
        }
        if let Some(h) = hc_comment(r) {
            let _ = writeln!(out, "  # {}", c(&h));
        }
        let _ = writeln!(out, "  {},", record(r));
    }
    out.push_str("]\n");
    if let Some(at_least) = a.control {
        let _ = writeln!(
            out,
            "# ARC routing controls drive these records (RECOVERY_CONTROL health checks); answers change when the control flips"
        );
        let _ = writeln!(
            out,
            "control = {{ kind = \"arc\", flip_at = \"11m\", region = {}{} }}   {ASSUMED} flip_at: when the operator turns the failed region's control Off (60 s after the assumed failure); region: whose control is turned Off",
            q(failure_region),
            at_least
                .map(|n| format!(", at_least = {n}"))
                .unwrap_or_default()
        );
    }
}

fn ga(out: &mut String, a: &GaIr) {
    out.push_str("\n[[arms]]\n");
    for line in &a.comments {
        let _ = writeln!(out, "# {}", c(line));
    }
    if a.assumed {
        let _ = writeln!(
            out,
            "{ASSUMED} this arm is not in the files read (--compare)"
        );
    }
    let _ = writeln!(out, "name = {}", q(&a.name));
    out.push_str("kind = \"global-accelerator\"\n");
    let _ = writeln!(out, "endpoint_type = {}", q(&a.endpoint_type));
    let _ = writeln!(
        out,
        "client_affinity = {}",
        q(if a.affinity { "source-ip" } else { "none" })
    );
    let _ = writeln!(
        out,
        "health_check = {{ interval = \"{}s\", threshold = {}, protocol = {} }}",
        a.hc.interval,
        a.hc.threshold,
        q(&a.hc.protocol)
    );
    let _ = writeln!(
        out,
        "propagation = \"default\"    {ASSUMED} delay from a health change to the accelerator's edges (AWS publishes no figure)"
    );
    out.push_str("endpoint_groups = [\n");
    for g in &a.groups {
        if !g.comment.is_empty() {
            let _ = writeln!(out, "  # {}", c(&g.comment));
        }
        let mut p = vec![
            format!("region = {}", q(&g.region)),
            format!("traffic_dial = {}", num(g.dial)),
        ];
        // One endpoint of the arm's type at the default weight (128, GA-DG) adds nothing.
        let default_only = g.endpoints.len() == 1
            && g.endpoints[0].0 == a.endpoint_type
            && g.endpoints[0].1 == 128;
        if !g.endpoints.is_empty() && !default_only {
            p.push(format!(
                "endpoints = [{}]",
                g.endpoints
                    .iter()
                    .map(|(t, w, _)| format!("{{ type = {}, weight = {w} }}", q(t)))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        if let Some(h) = &g.hc {
            p.push(format!(
                "health_check = {{ interval = \"{}s\", threshold = {}, protocol = {} }}",
                h.interval,
                h.threshold,
                q(&h.protocol)
            ));
        }
        let _ = writeln!(out, "  {{ {} }},", p.join(", "));
    }
    out.push_str("]\n");
}

fn lb(out: &mut String, l: &LbIr) {
    let _ = writeln!(out, "# load balancer: {}", c(&l.src));
    if let Some(why) = &l.assumed {
        let _ = writeln!(out, "{ASSUMED} {}", c(why));
    }
    let _ = writeln!(
        out,
        "load_balancer = {{ type = {}, health_check = {{ protocol = {}, interval = \"{}s\", unhealthy_threshold = {}, healthy_threshold = {}, timeout = \"{}s\" }} }}{}",
        q(&l.kind),
        q(&l.hc.protocol),
        l.hc.interval,
        l.hc.unhealthy,
        l.hc.healthy,
        l.hc.timeout,
        if l.assumed.is_some() {
            "   # ASSUMED"
        } else {
            ""
        }
    );
}

/// Writes the workload for one or two arm sets (current, planned).
pub(crate) fn emit(
    from: &str,
    opts: &ImportOptions,
    sets: &[ArmSet],
    mut notes: Vec<String>,
) -> Result<Imported, ImportError> {
    let name = names::norm_name(&opts.name);
    let mut regions: Vec<RegionIr> = Vec::new();
    for s in sets {
        for r in &s.regions {
            match regions.iter_mut().find(|x| x.name == r.name) {
                None => regions.push(r.clone()),
                Some(x) if x.lb.is_none() => x.lb = r.lb.clone(),
                Some(_) => {}
            }
        }
        notes.extend(s.notes.iter().cloned());
    }
    let mut seen = std::collections::BTreeSet::new();
    notes.retain(|n| seen.insert(n.clone()));
    let failure_region = regions.first().map(|r| r.name.clone()).unwrap_or_default();
    let mut out = String::new();
    let _ = writeln!(out, "# Imported by {}", c(from));
    let _ = writeln!(
        out,
        "# for the name {name}. Lines marked ASSUMED are not in the documents read: edit them."
    );
    for n in &notes {
        let _ = writeln!(out, "# note: {}", c(n));
    }
    for s in sets.iter().take(1) {
        if !s.aaaa.is_empty() {
            let _ = writeln!(
                out,
                "# AAAA record sets of {name} (not modelled: gtsim has no IPv6 model):"
            );
            for a in &s.aaaa {
                let _ = writeln!(out, "#   {}", c(a));
            }
        }
    }
    let _ = writeln!(
        out,
        "\nname = {}",
        q(&format!("import-{}", names::slug(&name)))
    );
    let _ = writeln!(
        out,
        "description = {}",
        q(&format!("{name} as imported by {from}"))
    );
    let _ = writeln!(
        out,
        "population = \"internet\"    {ASSUMED} client and resolver population preset (resolver classes, caches, connection reuse); see `gtsim explain-preset internet`"
    );
    out.push_str("\n[simulation]\n");
    let _ = writeln!(out, "duration = \"30m\"    {ASSUMED} simulated time");
    let _ = writeln!(
        out,
        "seed = 1    {ASSUMED} random seed (same seed, same outputs)"
    );
    let _ = writeln!(
        out,
        "clients = 1_000_000    {ASSUMED} number of simulated clients (users)"
    );
    for r in &regions {
        out.push_str("\n[[regions]]\n");
        let _ = writeln!(out, "name = {}", q(&r.name));
        if let Some(l) = &r.lb {
            lb(&mut out, l);
        }
    }
    out.push_str("\n[clients]\n");
    let _ = writeln!(
        out,
        "# pattern and request_rate: the population's own (internet: people in web-browsing sessions, about one request per 33 min each); write pattern = \"poisson\" and request_rate = \"1/30s\" for a Poisson stream instead"
    );
    out.push_str("\n[[failures]]\n");
    let _ = writeln!(
        out,
        "region = {}    {ASSUMED} the region that fails",
        q(&failure_region)
    );
    let _ = writeln!(out, "at = \"10m\"    {ASSUMED} when it fails");
    let _ = writeln!(
        out,
        "kind = \"hard\"    {ASSUMED} how it fails (hard | brownout | grey | drain)"
    );
    let _ = writeln!(out, "recover_at = \"20m\"    {ASSUMED} when it recovers");
    let mut names_used: Vec<String> = Vec::new();
    for (i, s) in sets.iter().enumerate() {
        if i == 1 {
            out.push_str("\n# ---- the planned configuration (terraform plan): the arms below are the ones above as they will be after apply ----\n");
        }
        for arm in &s.arms {
            let mut arm = arm.clone();
            let n = match &mut arm {
                ArmIr::R53(a) => &mut a.name,
                ArmIr::Ga(a) => &mut a.name,
            };
            let base = n.clone();
            let mut k = 2;
            while names_used.contains(n) {
                *n = format!("{base}-{k}");
                k += 1;
            }
            names_used.push(n.clone());
            match &arm {
                ArmIr::R53(a) => r53(&mut out, a, &failure_region),
                ArmIr::Ga(a) => ga(&mut out, a),
            }
        }
    }
    Ok(Imported { toml: out, notes })
}
