//! `terraform show -json` state and plan documents (research note `aws-import.md` section 2).
//! Attribute names per resource type: section 2.2; `""`, `null`, `0` and `[]` mean unset.

use crate::ImportError;
use crate::cli::{affinity, checker_regions, ga_interval, geoproximity, hc_type, parent_arn};
use crate::json::{Node, Res, parse};
use crate::model::*;
use crate::names::{norm_name, norm_target, norm_zone_id, parse_arn};
use serde_json::Value;
use std::collections::BTreeMap;

/// One resource instance: its address, type, values, and (plan) which values are unknown.
struct Resource<'a> {
    file: &'a str,
    address: String,
    rtype: String,
    values: &'a Value,
    unknown: Option<&'a Value>,
}

fn check_format(root: &Node<'_>) -> Res<()> {
    root.expect_object()?;
    let Some(f) = root.get("format_version") else {
        if root.has("lineage") || root.has("resources") {
            return Err(root.err(
                "a raw terraform.tfstate file: give the output of `terraform show -json` instead",
            ));
        }
        return Err(root.err("not a `terraform show -json` document (no format_version)"));
    };
    let v = f.str()?;
    if v.split('.').next() != Some("1") {
        return Err(f.err(format!(
            "format_version {v:?}: only major version 1 is understood"
        )));
    }
    Ok(())
}

/// Resources of a values representation (`values.root_module` and its `child_modules`).
fn module_resources<'a>(m: &Node<'a>, out: &mut Vec<Resource<'a>>) -> Res<()> {
    for r in m.opt_arr("resources")? {
        r.expect_object()?;
        if r.opt_str("mode")? == Some("data") {
            continue;
        }
        let address = r.req_str("address")?.to_string();
        let rtype = r.req_str("type")?.to_string();
        let values = r.req("values")?;
        values.expect_object()?;
        out.push(Resource {
            file: m.file,
            address,
            rtype,
            values: values.v,
            unknown: None,
        });
    }
    for c in m.opt_arr("child_modules")? {
        c.expect_object()?;
        module_resources(&c, out)?;
    }
    Ok(())
}

fn state_resources<'a>(root: &Node<'a>) -> Res<Vec<Resource<'a>>> {
    let mut out = Vec::new();
    if let Some(values) = root.get("values")
        && let Some(m) = values.get("root_module")
    {
        module_resources(&m, &mut out)?;
    }
    Ok(out)
}

pub(crate) fn read_state(file: &str, text: &str) -> Res<Inventory> {
    let v = parse(file, text)?;
    let root = Node::root(file, &v);
    check_format(&root)?;
    if root.has("resource_changes") || root.has("planned_values") {
        return Err(root.err("a plan: give the state as STATE.json and this file with --plan"));
    }
    let res = state_resources(&root)?;
    let mut inv = Inventory {
        files: vec![file.to_string()],
        ..Default::default()
    };
    let cfg = Config::default();
    for r in &res {
        resource(r.file, r, &res, &cfg, &mut inv)?;
    }
    finish(&mut inv);
    Ok(inv)
}

/// The planned configuration: the plan's `resource_changes[].change.after` (not deleted), over
/// the state's resources the plan does not mention; values unknown until apply resolved
/// through `configuration` references.
pub(crate) fn read_plan(state: (&str, &str), plan: (&str, &str)) -> Res<Inventory> {
    let sv = parse(state.0, state.1)?;
    let pv = parse(plan.0, plan.1)?;
    let sroot = Node::root(state.0, &sv);
    let proot = Node::root(plan.0, &pv);
    check_format(&proot)?;
    if !proot.has("resource_changes") {
        return Err(proot.err(
            "not a plan (no resource_changes): give the output of `terraform show -json PLANFILE`",
        ));
    }
    let cfg = Config::read(&proot)?;
    let mut res: Vec<Resource<'_>> = Vec::new();
    let mut mentioned = Vec::new();
    for rc in proot.req("resource_changes")?.arr()? {
        rc.expect_object()?;
        if rc.opt_str("mode")? == Some("data") {
            continue;
        }
        let address = rc.req_str("address")?.to_string();
        mentioned.push(address.clone());
        let change = rc.req("change")?;
        let actions = change.str_list("actions")?;
        if actions.iter().all(|a| a == "delete") {
            continue;
        }
        let Some(after) = change.get("after") else {
            continue;
        };
        after.expect_object()?;
        res.push(Resource {
            file: plan.0,
            address,
            rtype: rc.req_str("type")?.to_string(),
            values: after.v,
            unknown: change.get("after_unknown").map(|n| n.v),
        });
    }
    for r in state_resources(&sroot)? {
        if !mentioned.contains(&r.address) {
            res.push(r);
        }
    }
    let mut inv = Inventory {
        files: vec![plan.0.to_string()],
        ..Default::default()
    };
    for r in &res {
        resource(r.file, r, &res, &cfg, &mut inv)?;
    }
    finish(&mut inv);
    Ok(inv)
}

fn finish(inv: &mut Inventory) {
    // A target group's load balancer created by the plan: its placeholder → the LB's ARN.
    let lbs: Vec<(String, String)> = inv
        .load_balancers
        .iter()
        .map(|l| (planned_id(&l.src.path), l.arn.clone()))
        .collect();
    for tg in &mut inv.target_groups {
        for a in &mut tg.lb_arns {
            if let Some((_, arn)) = lbs.iter().find(|(p, _)| p == a) {
                *a = arn.clone();
            }
        }
    }
    // Set-typed attributes come in any order: sort for byte-identical output.
    inv.records
        .sort_by(|a, b| (&a.name, &a.set_id, &a.src.path).cmp(&(&b.name, &b.set_id, &b.src.path)));
    for g in &mut inv.endpoint_groups {
        g.endpoints.sort_by(|a, b| a.id.cmp(&b.id));
    }
    inv.endpoint_groups
        .sort_by(|a, b| (&a.listener_arn, &a.region).cmp(&(&b.listener_arn, &b.region)));
}

/// `configuration`: per resource address (module path + type.name, no index) its
/// `expressions`, and per provider config key its region.
#[derive(Default)]
struct Config<'a> {
    exprs: BTreeMap<String, (String, Node<'a>)>,
    provider_region: BTreeMap<String, String>,
}

fn strip_index(a: &str) -> String {
    let mut out = String::new();
    let mut depth = 0;
    for ch in a.chars() {
        match ch {
            '[' => depth += 1,
            ']' => depth -= 1,
            c if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

impl<'a> Config<'a> {
    fn read(root: &Node<'a>) -> Res<Self> {
        let mut cfg = Config::default();
        let Some(c) = root.get("configuration") else {
            return Ok(cfg);
        };
        if let Some(pc) = c.get("provider_config")
            && let Value::Object(m) = pc.v
        {
            for k in m.keys() {
                let Some(p) = pc.get(k) else { continue };
                if let Some(r) = p
                    .get("expressions")
                    .and_then(|e| e.get("region"))
                    .and_then(|r| r.get("constant_value"))
                    && let Ok(s) = r.str()
                {
                    cfg.provider_region.insert(k.clone(), s.to_string());
                }
            }
        }
        if let Some(m) = c.get("root_module") {
            cfg.module(&m, "")?;
        }
        Ok(cfg)
    }

    fn module(&mut self, m: &Node<'a>, prefix: &str) -> Res<()> {
        for r in m.opt_arr("resources")? {
            let addr = format!("{prefix}{}", r.req_str("address")?);
            let pkey = r
                .opt_str("provider_config_key")?
                .unwrap_or("aws")
                .to_string();
            if let Some(e) = r.get("expressions") {
                self.exprs.insert(addr, (pkey, e));
            }
        }
        if let Some(calls) = m.get("module_calls")
            && let Value::Object(mm) = calls.v
        {
            for k in mm.keys() {
                if let Some(sub) = calls.get(k).and_then(|c| c.get("module")) {
                    self.module(&sub, &format!("{prefix}module.{k}."))?;
                }
            }
        }
        Ok(())
    }

    /// The address of the resource of type `rtype` that `attr_path` of `address` refers to.
    fn reference(&self, address: &str, attr_path: &[&str], rtype: &str) -> Option<String> {
        let base = strip_index(address);
        let (_, e) = self.exprs.get(&base)?;
        let mut n = e.clone();
        for p in attr_path {
            n = match n.get(p) {
                Some(x) => x,
                None => n.arr().ok()?.into_iter().next()?.get(p)?,
            };
            if let Ok(items) = n.arr() {
                n = items.into_iter().next()?;
            }
        }
        let prefix = match base.rfind("module.") {
            Some(_) => {
                // module path = everything before the resource type.
                let parts: Vec<&str> = base.split('.').collect();
                let mut pre = String::new();
                let mut i = 0;
                while i + 1 < parts.len() && parts[i] == "module" {
                    pre.push_str(&format!("module.{}.", parts[i + 1]));
                    i += 2;
                }
                pre
            }
            None => String::new(),
        };
        for r in n.str_list("references").ok()? {
            let mut it = r.split('.');
            if it.next() == Some(rtype)
                && let Some(name) = it.next()
            {
                return Some(format!("{prefix}{rtype}.{name}"));
            }
        }
        None
    }

    fn region_of_provider(&self, address: &str) -> Option<String> {
        let (k, _) = self.exprs.get(&strip_index(address))?;
        self.provider_region.get(k).cloned()
    }
}

fn is_unknown(u: Option<&Value>, path: &[&str]) -> bool {
    let Some(mut v) = u else {
        return false;
    };
    for p in path {
        v = match v {
            Value::Object(m) => match m.get(*p) {
                Some(x) => x,
                None => return false,
            },
            Value::Array(a) => match a.first().and_then(|x| x.get(*p)) {
                Some(x) => x,
                None => return false,
            },
            _ => return false,
        };
    }
    fn any_true(v: &Value) -> bool {
        match v {
            Value::Bool(b) => *b,
            Value::Array(a) => a.iter().any(any_true),
            Value::Object(m) => m.values().any(any_true),
            _ => false,
        }
    }
    any_true(v)
}

/// A placeholder identity for a resource created by the plan: `planned:<address>`.
fn planned_id(address: &str) -> String {
    format!("planned:{}", strip_index(address))
}

fn find<'r, 'a>(all: &'r [Resource<'a>], address: &str) -> Option<&'r Resource<'a>> {
    all.iter().find(|r| strip_index(&r.address) == address)
}

/// The value of `attr` (its id or ARN), or, when unknown until apply, the placeholder of the
/// resource its configuration references.
fn known_or_ref(
    n: &Node<'_>,
    r: &Resource<'_>,
    cfg: &Config<'_>,
    path: &[&str],
    attr: &str,
    rtype: &str,
) -> Res<Option<String>> {
    let mut full: Vec<&str> = path.to_vec();
    full.push(attr);
    if is_unknown(r.unknown, &full) {
        return match cfg.reference(&r.address, &full, rtype) {
            Some(a) => Ok(Some(planned_id(&a))),
            None => Err(ImportError::new(
                n.file,
                &n.key_path(attr),
                format!(
                    "unknown until apply, and no configuration reference to a {rtype} tells which it is"
                ),
            )),
        };
    }
    Ok(n.opt_nonempty(attr)?.map(str::to_string))
}

fn own_id(n: &Node<'_>, r: &Resource<'_>, attr: &str) -> Res<String> {
    if is_unknown(r.unknown, &[attr]) {
        return Ok(planned_id(&r.address));
    }
    Ok(n.opt_nonempty(attr)?
        .map(str::to_string)
        .unwrap_or_else(|| planned_id(&r.address)))
}

fn resource(
    file: &str,
    r: &Resource<'_>,
    all: &[Resource<'_>],
    cfg: &Config<'_>,
    inv: &mut Inventory,
) -> Res<()> {
    let n = Node {
        v: r.values,
        file,
        path: r.address.clone(),
    };
    let src = Src::new(file, r.address.clone());
    match r.rtype.as_str() {
        "aws_route53_record" => {
            let name = n
                .opt_nonempty("fqdn")?
                .or(n.opt_nonempty("name")?)
                .ok_or_else(|| n.err("has neither fqdn nor name"))?;
            let mut policies = Vec::new();
            if let Some(b) = n.block("failover_routing_policy")? {
                let t = b.req("type")?;
                policies.push(match t.str()?.to_ascii_uppercase().as_str() {
                    "PRIMARY" => Policy::Failover { primary: true },
                    "SECONDARY" => Policy::Failover { primary: false },
                    other => {
                        return Err(t.err(format!("expected PRIMARY or SECONDARY, got {other:?}")));
                    }
                });
            }
            if let Some(b) = n.block("weighted_routing_policy")? {
                policies.push(Policy::Weighted {
                    weight: b.req("weight")?.int_in(0, 255)? as u32,
                });
            }
            if let Some(b) = n.block("latency_routing_policy")? {
                let reg = b.req("region")?;
                if !crate::names::is_region(reg.str()?) {
                    return Err(reg.err(format!("unknown region {:?}", reg.str()?)));
                }
                policies.push(Policy::Latency {
                    region: reg.str()?.to_string(),
                });
            }
            if let Some(b) = n.block("geolocation_routing_policy")? {
                policies.push(Policy::Geolocation {
                    continent: b.opt_nonempty("continent")?.map(str::to_string),
                    country: b.opt_nonempty("country")?.map(str::to_string),
                    subdivision: b.opt_nonempty("subdivision")?.map(str::to_string),
                });
            }
            if let Some(b) = n.block("geoproximity_routing_policy")? {
                policies.push(geoproximity(
                    &b,
                    b.opt_nonempty("aws_region")?,
                    b.get("coordinates").map(|c| (c, "latitude", "longitude")),
                    b.get("bias"),
                    b.opt_nonempty("local_zone_group")?,
                )?);
            }
            if n.opt_bool("multivalue_answer_routing_policy")? == Some(true) {
                policies.push(Policy::Multivalue);
            }
            if n.block("cidr_routing_policy")?.is_some() {
                policies.push(Policy::Cidr);
            }
            if policies.len() > 1 {
                return Err(n.err("more than one routing policy block"));
            }
            let alias = match n.block("alias")? {
                None => None,
                Some(a) => {
                    let dns = if is_unknown(r.unknown, &["alias", "name"]) {
                        match cfg.reference(&r.address, &["alias", "name"], "aws_lb") {
                            Some(lb) => planned_lb_dns(&a, &lb, all, cfg)?,
                            None => {
                                return Err(ImportError::new(
                                    file,
                                    &a.key_path("name"),
                                    "unknown until apply, and no configuration reference to an aws_lb tells which load balancer it is",
                                ));
                            }
                        }
                    } else {
                        norm_target(a.req_str("name")?)
                    };
                    Some(Alias {
                        zone_id: norm_zone_id(a.opt_nonempty("zone_id")?.unwrap_or("")),
                        dns_name: dns,
                        evaluate_target_health: a
                            .opt_bool("evaluate_target_health")?
                            .unwrap_or(false),
                    })
                }
            };
            let ttl = if alias.is_some() {
                None
            } else {
                n.opt_int_in("ttl", 0, 2_147_483_647)?.map(|t| t as u64)
            };
            let mut values = n.str_list("records")?;
            values.sort();
            inv.records.push(RecordSet {
                name: norm_name(name),
                rtype: n.req_str("type")?.to_ascii_uppercase(),
                set_id: n.opt_nonempty("set_identifier")?.map(str::to_string),
                ttl,
                values,
                alias,
                policy: policies.pop().unwrap_or(Policy::Simple),
                health_check_id: known_or_ref(
                    &n,
                    r,
                    cfg,
                    &[],
                    "health_check_id",
                    "aws_route53_health_check",
                )?,
                traffic_policy: false,
                zone_id: n.opt_nonempty("zone_id")?.map(norm_zone_id),
                hc_path: n.key_path("health_check_id"),
                src,
            });
        }
        "aws_route53_health_check" => {
            let t = n.req("type")?;
            let interval = match n.opt_i64("request_interval")? {
                None | Some(0) => 30,
                Some(i @ (10 | 30)) => i as u32,
                Some(i) => {
                    return Err(ImportError::new(
                        file,
                        &n.key_path("request_interval"),
                        format!("must be 10 or 30, got {i}"),
                    ));
                }
            };
            let ft = match n.opt_int_in("failure_threshold", 0, 10)? {
                None | Some(0) => 3,
                Some(f) => f as u32,
            };
            let mut children = n.str_list("child_healthchecks")?;
            children.sort();
            inv.health_checks.push(HealthCheck {
                id: own_id(&n, r, "id")?,
                htype: hc_type(&t, t.str()?)?,
                ip: n.opt_nonempty("ip_address")?.map(str::to_string),
                fqdn: n.opt_nonempty("fqdn")?.map(str::to_string),
                request_interval: interval,
                failure_threshold: ft,
                regions: checker_regions(n.get("regions"))?,
                inverted: n.opt_bool("invert_healthcheck")?.unwrap_or(false),
                disabled: n.opt_bool("disabled")?.unwrap_or(false),
                health_threshold: n.opt_int_in("child_health_threshold", 0, 256)?.unwrap_or(0)
                    as u32,
                children,
                routing_control_arn: n.opt_nonempty("routing_control_arn")?.map(str::to_string),
                src,
            });
            // A check created by the plan is also known by its planned id.
        }
        "aws_globalaccelerator_accelerator" => {
            let mut dns_names = Vec::new();
            for k in ["dns_name", "dual_stack_dns_name"] {
                if let Some(d) = n.opt_nonempty(k)? {
                    dns_names.push(norm_target(d));
                }
            }
            inv.accelerators.push(Accelerator {
                arn: own_id(&n, r, "arn")?,
                name: n.opt_str("name")?.unwrap_or("accelerator").to_string(),
                dns_names,
                enabled: n.opt_bool("enabled")?.unwrap_or(true),
                src,
            });
        }
        "aws_globalaccelerator_listener" => {
            let arn = own_id(&n, r, "arn")?;
            let acc = known_or_ref(
                &n,
                r,
                cfg,
                &[],
                "accelerator_arn",
                "aws_globalaccelerator_accelerator",
            )?
            .unwrap_or_else(|| parent_arn(&arn, "listener"));
            let source_ip_affinity = match n.opt_nonempty("client_affinity")? {
                None => false,
                Some(s) => affinity(&n.req("client_affinity")?, s)?,
            };
            let mut ports = Vec::new();
            for p in n.opt_arr("port_range")? {
                ports.push((
                    p.req("from_port")?.int_in(1, 65535)? as u32,
                    p.req("to_port")?.int_in(1, 65535)? as u32,
                ));
            }
            ports.sort();
            inv.listeners.push(Listener {
                arn,
                accelerator_arn: acc,
                protocol: n.opt_str("protocol")?.unwrap_or("TCP").to_ascii_uppercase(),
                source_ip_affinity,
                ports,
                src,
            });
        }
        "aws_globalaccelerator_endpoint_group" => {
            let arn = own_id(&n, r, "arn")?;
            let listener_arn = known_or_ref(
                &n,
                r,
                cfg,
                &[],
                "listener_arn",
                "aws_globalaccelerator_listener",
            )?
            .unwrap_or_else(|| parent_arn(&arn, "endpoint-group"));
            let region = match n.opt_nonempty("endpoint_group_region")? {
                Some(reg) => reg.to_string(),
                None => cfg.region_of_provider(&r.address).ok_or_else(|| {
                    ImportError::new(file, &n.key_path("endpoint_group_region"), "unknown (it defaults to the provider's region, which the configuration does not give)")
                })?,
            };
            if !crate::names::is_region(&region) {
                return Err(ImportError::new(
                    file,
                    &n.key_path("endpoint_group_region"),
                    format!("unknown region {region:?}"),
                ));
            }
            let dial = n.opt_f64("traffic_dial_percentage")?.unwrap_or(100.0);
            if !(0.0..=100.0).contains(&dial) {
                return Err(ImportError::new(
                    file,
                    &n.key_path("traffic_dial_percentage"),
                    format!("must be in 0..=100, got {dial}"),
                ));
            }
            let mut endpoints = Vec::new();
            for e in n.opt_arr("endpoint_configuration")? {
                let id = if is_unknown(r.unknown, &["endpoint_configuration", "endpoint_id"]) {
                    match cfg.reference(
                        &r.address,
                        &["endpoint_configuration", "endpoint_id"],
                        "aws_lb",
                    ) {
                        Some(lb) => planned_lb_arn(&e, &lb, &region, all)?,
                        None => {
                            return Err(ImportError::new(
                                file,
                                &e.key_path("endpoint_id"),
                                "unknown until apply, and no configuration reference to an aws_lb tells which endpoint it is",
                            ));
                        }
                    }
                } else {
                    e.req_str("endpoint_id")?.to_string()
                };
                endpoints.push(Endpoint {
                    id,
                    weight: e.opt_int_in("weight", 0, 255)?.unwrap_or(128) as u32,
                    path: e.path.clone(),
                });
            }
            let hc_interval = match n.get("health_check_interval_seconds") {
                Some(x) if x.i64().ok() == Some(0) => 30,
                other => ga_interval(other)?,
            };
            inv.endpoint_groups.push(EndpointGroup {
                arn,
                listener_arn,
                region,
                traffic_dial: dial,
                hc_protocol: n
                    .opt_nonempty("health_check_protocol")?
                    .unwrap_or("TCP")
                    .to_ascii_uppercase(),
                hc_interval,
                threshold: match n.opt_int_in("threshold_count", 0, 10)? {
                    None | Some(0) => 3,
                    Some(t) => t as u32,
                },
                hc_path: n.opt_nonempty("health_check_path")?.map(str::to_string),
                endpoints,
                src,
            });
        }
        "aws_lb" | "aws_alb" => {
            let lb_type = n
                .opt_nonempty("load_balancer_type")?
                .unwrap_or("application")
                .to_ascii_lowercase();
            let arn = own_id(&n, r, "arn")?;
            let region = parse_arn(&arn)
                .map(|a| a.region.to_string())
                .filter(|x| !x.is_empty())
                .or(n.opt_nonempty("region")?.map(str::to_string))
                .or_else(|| cfg.region_of_provider(&r.address));
            let arn = match (&region, arn.starts_with("planned:")) {
                (Some(reg), true) => synth_arn(&r.address, &lb_type, reg),
                _ => arn,
            };
            let dns = if is_unknown(r.unknown, &["dns_name"]) {
                region
                    .as_ref()
                    .map(|reg| synth_dns(&r.address, &lb_type, reg))
            } else {
                n.opt_nonempty("dns_name")?.map(norm_target)
            };
            inv.load_balancers.push(LoadBalancer {
                arn,
                dns_name: dns,
                lb_type,
                region,
                src,
            });
        }
        "aws_lb_target_group" | "aws_alb_target_group" => {
            let hc = n.block("health_check")?;
            let g = |k: &str, lo: i64, hi: i64| -> Res<Option<u32>> {
                match &hc {
                    None => Ok(None),
                    Some(h) => Ok(h
                        .opt_int_in(k, 0, hi)?
                        .filter(|v| *v >= lo)
                        .map(|v| v as u32)),
                }
            };
            let mut lb_arns = n.str_list("load_balancer_arns").unwrap_or_default();
            // Listeners tell which load balancer forwards to this group (aws_lb_listener).
            for l in all.iter().filter(|x| x.rtype == "aws_lb_listener") {
                let ln = Node {
                    v: l.values,
                    file,
                    path: l.address.clone(),
                };
                let own_arn = n
                    .opt_nonempty("arn")
                    .ok()
                    .flatten()
                    .filter(|_| !is_unknown(r.unknown, &["arn"]));
                let by_value = ln
                    .opt_arr("default_action")
                    .unwrap_or_default()
                    .iter()
                    .any(|a| {
                        let t = a.opt_nonempty("target_group_arn").ok().flatten();
                        t.is_some() && t == own_arn
                    });
                let by_ref = cfg
                    .reference(
                        &l.address,
                        &["default_action", "target_group_arn"],
                        &r.rtype,
                    )
                    .as_deref()
                    == Some(strip_index(&r.address).as_str());
                let fwd = by_value || by_ref;
                if fwd {
                    let lb = known_or_ref(&ln, l, cfg, &[], "load_balancer_arn", "aws_lb")
                        .ok()
                        .flatten()
                        .or_else(|| {
                            cfg.reference(&l.address, &["load_balancer_arn"], "aws_lb")
                                .map(|a| planned_id(&a))
                        });
                    if let Some(lb) = lb {
                        lb_arns.push(lb);
                    }
                }
            }
            inv.target_groups.push(TargetGroup {
                arn: own_id(&n, r, "arn")?,
                lb_arns,
                protocol: hc
                    .as_ref()
                    .and_then(|h| h.opt_nonempty("protocol").ok().flatten())
                    .or(n.opt_nonempty("protocol")?)
                    .map(str::to_ascii_uppercase),
                interval: g("interval", 5, 300)?,
                timeout: g("timeout", 2, 120)?,
                healthy: g("healthy_threshold", 2, 10)?,
                unhealthy: g("unhealthy_threshold", 2, 10)?,
                src,
            });
        }
        "aws_route53recoverycontrolconfig_routing_control" => {
            inv.routing_controls.push(RoutingControl {
                arn: own_id(&n, r, "arn")?,
                name: n.opt_str("name")?.unwrap_or("").to_string(),
                on: None,
                src,
            });
        }
        "aws_route53recoverycontrolconfig_safety_rule" => {
            let cfgb = n
                .block("rule_config")?
                .ok_or_else(|| ImportError::new(file, &n.key_path("rule_config"), "is required"))?;
            let asserted = n.str_list("asserted_controls")?;
            let gating = asserted.is_empty();
            inv.safety_rules.push(SafetyRule {
                name: n.opt_str("name")?.unwrap_or("").to_string(),
                controls: if gating {
                    n.str_list("target_controls")?
                } else {
                    asserted
                },
                gating,
                rule_type: cfgb.req_str("type")?.to_ascii_uppercase(),
                threshold: cfgb.opt_int_in("threshold", 0, 1000)?.unwrap_or(1) as u32,
                inverted: cfgb.opt_bool("inverted")?.unwrap_or(false),
                wait_ms: n.opt_int_in("wait_period_ms", 0, i64::MAX)?.unwrap_or(5000) as u64,
                src,
            });
        }
        "aws_route53recoverycontrolconfig_cluster"
        | "aws_route53recoverycontrolconfig_control_panel" => {
            inv.arc_names
                .push(n.opt_str("name")?.unwrap_or("").to_string());
        }
        "aws_route53_zone" if inv.zone_id.is_none() => {
            inv.zone_id = n.opt_nonempty("zone_id")?.map(norm_zone_id);
            inv.zone_name = n.opt_nonempty("name")?.map(norm_name);
        }
        _ => {}
    }
    Ok(())
}

/// A DNS name for a load balancer created by the plan (its real name is known only after
/// apply) in the pattern of its type, so that its region and type read as for a real one.
fn synth_dns(address: &str, lb_type: &str, region: &str) -> String {
    let label = crate::names::slug(&strip_index(address));
    if lb_type == "network" {
        format!("planned-{label}.elb.{region}.amazonaws.com")
    } else {
        format!("planned-{label}.{region}.elb.amazonaws.com")
    }
}

fn planned_lb<'r, 'a>(n: &Node<'_>, lb: &str, all: &'r [Resource<'a>]) -> Res<&'r Resource<'a>> {
    find(all, lb).ok_or_else(|| {
        n.err(format!(
            "refers to {lb}, which is in neither the plan nor the state"
        ))
    })
}

fn planned_lb_dns(n: &Node<'_>, lb: &str, all: &[Resource<'_>], cfg: &Config<'_>) -> Res<String> {
    let r = planned_lb(n, lb, all)?;
    let ln = Node {
        v: r.values,
        file: n.file,
        path: r.address.clone(),
    };
    if !is_unknown(r.unknown, &["dns_name"])
        && let Some(d) = ln.opt_nonempty("dns_name")?
    {
        return Ok(norm_target(d));
    }
    let lb_type = ln
        .opt_nonempty("load_balancer_type")?
        .unwrap_or("application")
        .to_ascii_lowercase();
    let region = ln.opt_nonempty("region")?.map(str::to_string).or_else(|| cfg.region_of_provider(&r.address)).ok_or_else(|| {
        ImportError::new(n.file, &r.address, "the load balancer's DNS name is unknown until apply and neither its region attribute nor its provider's region tells its region")
    })?;
    Ok(synth_dns(&r.address, &lb_type, &region))
}

fn planned_lb_arn(n: &Node<'_>, lb: &str, region: &str, all: &[Resource<'_>]) -> Res<String> {
    let r = planned_lb(n, lb, all)?;
    let ln = Node {
        v: r.values,
        file: n.file,
        path: r.address.clone(),
    };
    if !is_unknown(r.unknown, &["arn"])
        && let Some(a) = ln.opt_nonempty("arn")?
    {
        return Ok(a.to_string());
    }
    let lb_type = ln
        .opt_nonempty("load_balancer_type")?
        .unwrap_or("application")
        .to_ascii_lowercase();
    Ok(synth_arn(&r.address, &lb_type, region))
}

/// An ARN for a load balancer created by the plan, in the documented pattern of its type.
fn synth_arn(address: &str, lb_type: &str, region: &str) -> String {
    let kind = if lb_type == "network" { "net" } else { "app" };
    format!(
        "arn:aws:elasticloadbalancing:{region}:000000000000:loadbalancer/{kind}/{}/planned",
        crate::names::slug(&strip_index(address))
    )
}
