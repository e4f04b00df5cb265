//! AWS CLI JSON documents, each recognised by its top-level key whatever the file's name
//! (research note `aws-import.md` section 1).

use crate::json::{Node, Res, parse};
use crate::model::*;
use crate::names::{CHECKER_REGIONS, norm_name, norm_target, norm_zone_id};
use serde_json::Value;

/// Reads one CLI document into `inv`.
pub(crate) fn read_doc(file: &str, text: &str, inv: &mut Inventory) -> Res<()> {
    let v = parse(file, text)?;
    let root = Node::root(file, &v);
    root.expect_object()?;
    refuse_truncated(&root)?;
    inv.files.push(file.to_string());
    let Value::Object(m) = &v else {
        unreachable!("checked above")
    };
    let has = |k: &str| m.contains_key(k);
    if has("format_version") || has("lineage") {
        return Err(root
            .err("a Terraform document: read it with `gtsim import terraform`, not `import aws`"));
    }
    if has("ResourceRecordSets") {
        for n in root.req("ResourceRecordSets")?.arr()? {
            inv.records.push(record_set(&n)?);
        }
    } else if has("HealthChecks") {
        for n in root.req("HealthChecks")?.arr()? {
            inv.health_checks.push(health_check(&n)?);
        }
    } else if has("HealthCheck") {
        inv.health_checks
            .push(health_check(&root.req("HealthCheck")?)?);
    } else if has("HostedZone") {
        let z = root.req("HostedZone")?;
        inv.zone_id = Some(norm_zone_id(z.req_str("Id")?));
        inv.zone_name = Some(norm_name(z.req_str("Name")?));
    } else if has("HostedZones") {
        inv.notes.push(format!(
            "{file}: list-hosted-zones read for nothing (use get-hosted-zone)"
        ));
    } else if has("Accelerators") {
        for n in root.req("Accelerators")?.arr()? {
            inv.accelerators.push(accelerator(&n)?);
        }
    } else if has("Accelerator") {
        inv.accelerators
            .push(accelerator(&root.req("Accelerator")?)?);
    } else if has("Listeners") {
        for n in root.req("Listeners")?.arr()? {
            inv.listeners.push(listener(&n)?);
        }
    } else if has("Listener") {
        inv.listeners.push(listener(&root.req("Listener")?)?);
    } else if has("EndpointGroups") {
        for n in root.req("EndpointGroups")?.arr()? {
            inv.endpoint_groups.push(endpoint_group(&n)?);
        }
    } else if has("EndpointGroup") {
        inv.endpoint_groups
            .push(endpoint_group(&root.req("EndpointGroup")?)?);
    } else if has("LoadBalancers") {
        for n in root.req("LoadBalancers")?.arr()? {
            inv.load_balancers.push(load_balancer(&n)?);
        }
    } else if has("TargetGroups") {
        for n in root.req("TargetGroups")?.arr()? {
            inv.target_groups.push(target_group(&n)?);
        }
    } else if has("Clusters") || has("Cluster") || has("ControlPanels") || has("ControlPanel") {
        for k in ["Clusters", "ControlPanels"] {
            for n in root.opt_arr(k)? {
                inv.arc_names.push(n.req_str("Name")?.to_string());
            }
        }
        for k in ["Cluster", "ControlPanel"] {
            if let Some(n) = root.get(k) {
                inv.arc_names.push(n.req_str("Name")?.to_string());
            }
        }
    } else if has("RoutingControls") {
        for n in root.req("RoutingControls")?.arr()? {
            routing_control(&n, inv)?;
        }
    } else if has("RoutingControl") {
        routing_control(&root.req("RoutingControl")?, inv)?;
    } else if has("RoutingControlState") {
        // get-routing-control-state: {RoutingControlArn, RoutingControlState, RoutingControlName}
        routing_control(&root, inv)?;
    } else if has("SafetyRules") {
        for n in root.req("SafetyRules")?.arr()? {
            n.expect_object()?;
            if let Some(a) = n.get("ASSERTION") {
                inv.safety_rules.push(safety_rule(&a, false)?);
            } else if let Some(g) = n.get("GATING") {
                inv.safety_rules.push(safety_rule(&g, true)?);
            } else {
                return Err(n.err("expected an ASSERTION or a GATING rule"));
            }
        }
    } else if has("AssertionRule") {
        inv.safety_rules
            .push(safety_rule(&root.req("AssertionRule")?, false)?);
    } else if has("GatingRule") {
        inv.safety_rules
            .push(safety_rule(&root.req("GatingRule")?, true)?);
    } else if has("HealthCheckIds") || has("HealthCheckObservations") {
        inv.notes.push(format!(
            "{file}: read for nothing (the record sets and health checks already tell it)"
        ));
    } else {
        let keys: Vec<&str> = m.keys().map(String::as_str).collect();
        return Err(root.err(format!(
            "not a document gtsim imports (top-level keys: {}); expected the JSON output of a \
             route53, globalaccelerator, elbv2 or route53-recovery-control-config/-cluster command",
            if keys.is_empty() {
                "none".to_string()
            } else {
                keys.join(", ")
            }
        )));
    }
    Ok(())
}

/// A listing is partial when it carries `NextToken`, `IsTruncated: true`, `NextRecordName` or
/// `NextMarker` (`--max-items` / `--no-paginate`, BC-PAG).
fn refuse_truncated(root: &Node<'_>) -> Res<()> {
    let why = "the listing is partial (made with --max-items or --no-paginate); rerun the \
               command without them so the CLI fetches every page";
    for k in ["NextToken", "NextRecordName", "NextMarker"] {
        if let Some(n) = root.get(k) {
            return Err(n.err(why));
        }
    }
    if let Some(n) = root.get("IsTruncated")
        && n.boolean()?
    {
        return Err(n.err(why));
    }
    Ok(())
}

fn record_set(n: &Node<'_>) -> Res<RecordSet> {
    n.expect_object()?;
    let name = norm_name(n.req_str("Name")?);
    let rtype = n.req_str("Type")?.to_ascii_uppercase();
    let mut policies = Vec::new();
    if let Some(f) = n.get("Failover") {
        policies.push(match f.str()? {
            "PRIMARY" => Policy::Failover { primary: true },
            "SECONDARY" => Policy::Failover { primary: false },
            other => return Err(f.err(format!("expected PRIMARY or SECONDARY, got {other:?}"))),
        });
    }
    if let Some(w) = n.opt_int_in("Weight", 0, 255)? {
        policies.push(Policy::Weighted { weight: w as u32 });
    }
    if let Some(r) = n.get("Region") {
        let region = r.str()?;
        if !crate::names::is_region(region) {
            return Err(r.err(format!("unknown region {region:?}")));
        }
        policies.push(Policy::Latency {
            region: region.to_string(),
        });
    }
    if let Some(g) = n.get("GeoLocation") {
        g.expect_object()?;
        policies.push(Policy::Geolocation {
            continent: g.opt_nonempty("ContinentCode")?.map(str::to_string),
            country: g.opt_nonempty("CountryCode")?.map(str::to_string),
            subdivision: g.opt_nonempty("SubdivisionCode")?.map(str::to_string),
        });
    }
    if let Some(g) = n.get("GeoProximityLocation") {
        policies.push(geoproximity(
            &g,
            g.opt_nonempty("AWSRegion")?,
            g.get("Coordinates")
                .map(|c| (c.clone(), "Latitude", "Longitude")),
            g.get("Bias"),
            g.opt_nonempty("LocalZoneGroup")?,
        )?);
    }
    if n.opt_bool("MultiValueAnswer")? == Some(true) {
        policies.push(Policy::Multivalue);
    }
    if n.has("CidrRoutingConfig") {
        policies.push(Policy::Cidr);
    }
    if policies.len() > 1 {
        return Err(n.err(format!(
            "one record has {} routing policies ({}); a record set has one",
            policies.len(),
            policies
                .iter()
                .map(Policy::name)
                .collect::<Vec<_>>()
                .join(", ")
        )));
    }
    let policy = policies.pop().unwrap_or(Policy::Simple);
    let alias = match n.get("AliasTarget") {
        None => None,
        Some(a) => Some(Alias {
            zone_id: norm_zone_id(a.req_str("HostedZoneId")?),
            dns_name: norm_target(a.req_str("DNSName")?),
            evaluate_target_health: a.opt_bool("EvaluateTargetHealth")?.unwrap_or(false),
        }),
    };
    let mut values = Vec::new();
    for r in n.opt_arr("ResourceRecords")? {
        values.push(r.req_str("Value")?.trim().to_string());
    }
    let ttl = n.opt_int_in("TTL", 0, 2_147_483_647)?.map(|t| t as u64);
    Ok(RecordSet {
        name,
        rtype,
        set_id: n.opt_str("SetIdentifier")?.map(str::to_string),
        ttl,
        values,
        alias,
        policy,
        health_check_id: n.opt_nonempty("HealthCheckId")?.map(str::to_string),
        traffic_policy: n.has("TrafficPolicyInstanceId"),
        zone_id: None,
        src: Src::new(n.file, n.path.clone()),
        hc_path: n.key_path("HealthCheckId"),
    })
}

/// A geoproximity location; `coords` is the coordinates node with its latitude and longitude
/// member names (CLI: strings `Latitude`/`Longitude`; Terraform: `latitude`/`longitude`).
pub(crate) fn geoproximity(
    n: &Node<'_>,
    aws_region: Option<&str>,
    coords: Option<(Node<'_>, &str, &str)>,
    bias: Option<Node<'_>>,
    local_zone_group: Option<&str>,
) -> Res<Policy> {
    if let Some(r) = aws_region
        && !crate::names::is_region(r)
    {
        return Err(n.err(format!("AWS region {r:?} is not a known region code")));
    }
    let coordinates = match coords {
        None => None,
        Some((c, lat_k, lon_k)) => {
            let c = if let Ok(items) = c.arr() {
                match items.len() {
                    0 => None,
                    1 => Some(items.into_iter().next().expect("one")),
                    _ => return Err(c.err("expected one coordinates block")),
                }
            } else {
                Some(c)
            };
            match c {
                None => None,
                Some(c) => {
                    let num = |k: &str, lim: f64| -> Res<f64> {
                        let m = c.req(k)?;
                        let v = match m.v {
                            Value::String(s) => s
                                .trim()
                                .parse::<f64>()
                                .map_err(|_| m.err(format!("{s:?} is not a number")))?,
                            _ => m.f64()?,
                        };
                        if !v.is_finite() || v.abs() > lim {
                            return Err(m.err(format!("must be within ±{lim}, got {v}")));
                        }
                        Ok(v)
                    };
                    Some((num(lat_k, 90.0)?, num(lon_k, 180.0)?))
                }
            }
        }
    };
    let bias = match bias {
        None => 0,
        Some(b) => b.int_in(-99, 99)? as i32,
    };
    if aws_region.is_none() && coordinates.is_none() && local_zone_group.is_none() {
        return Err(n.err(
            "a geoproximity location needs an AWS region, coordinates or a local zone group",
        ));
    }
    Ok(Policy::Geoproximity {
        aws_region: aws_region.map(str::to_string),
        coordinates,
        bias,
        local_zone_group: local_zone_group.map(str::to_string),
    })
}

pub(crate) fn hc_type(n: &Node<'_>, s: &str) -> Res<HcType> {
    Ok(match s.to_ascii_uppercase().as_str() {
        "HTTP" => HcType::Http,
        "HTTPS" => HcType::Https,
        "HTTP_STR_MATCH" => HcType::HttpStrMatch,
        "HTTPS_STR_MATCH" => HcType::HttpsStrMatch,
        "TCP" => HcType::Tcp,
        "CALCULATED" => HcType::Calculated,
        "CLOUDWATCH_METRIC" => HcType::CloudwatchMetric,
        "RECOVERY_CONTROL" => HcType::RecoveryControl,
        other => return Err(n.err(format!("unknown health-check type {other:?}"))),
    })
}

/// `Regions` absent, empty or all eight = the default checker set; otherwise at least three of
/// the eight (BC-R53 `HealthCheckRegion`, list 3-64).
pub(crate) fn checker_regions(n: Option<Node<'_>>) -> Res<Option<Vec<String>>> {
    let Some(n) = n else { return Ok(None) };
    let mut regions = Vec::new();
    for r in n.arr()? {
        let s = r.str()?;
        if !CHECKER_REGIONS.contains(&s) {
            return Err(r.err(format!(
                "{s:?} is not a Route 53 health-checker region (one of {})",
                CHECKER_REGIONS.join(", ")
            )));
        }
        if !regions.iter().any(|x: &String| x == s) {
            regions.push(s.to_string());
        }
    }
    if regions.is_empty() || regions.len() == CHECKER_REGIONS.len() {
        return Ok(None);
    }
    if regions.len() < 3 {
        return Err(n.err(format!(
            "needs at least three checker regions, got {}",
            regions.len()
        )));
    }
    // Keep the documented order, for byte-identical output whatever the set order.
    regions.sort_by_key(|r| CHECKER_REGIONS.iter().position(|c| c == r));
    Ok(Some(regions))
}

fn health_check(n: &Node<'_>) -> Res<HealthCheck> {
    n.expect_object()?;
    let id = n.req_str("Id")?.to_string();
    let c = n.req("HealthCheckConfig")?;
    c.expect_object()?;
    let t = c.req("Type")?;
    let htype = hc_type(&t, t.str()?)?;
    let interval = c.opt_i64("RequestInterval")?.unwrap_or(30);
    if interval != 10 && interval != 30 {
        return Err(ImportErrorAt::at(
            &c,
            "RequestInterval",
            format!("must be 10 or 30, got {interval}"),
        ));
    }
    let mut children = c.str_list("ChildHealthChecks")?;
    children.sort();
    Ok(HealthCheck {
        id,
        htype,
        ip: c.opt_nonempty("IPAddress")?.map(str::to_string),
        fqdn: c
            .opt_nonempty("FullyQualifiedDomainName")?
            .map(str::to_string),
        request_interval: interval as u32,
        failure_threshold: c.opt_int_in("FailureThreshold", 1, 10)?.unwrap_or(3) as u32,
        regions: checker_regions(c.get("Regions"))?,
        inverted: c.opt_bool("Inverted")?.unwrap_or(false),
        disabled: c.opt_bool("Disabled")?.unwrap_or(false),
        health_threshold: c.opt_int_in("HealthThreshold", 0, 256)?.unwrap_or(0) as u32,
        children,
        routing_control_arn: c.opt_nonempty("RoutingControlArn")?.map(str::to_string),
        src: Src::new(n.file, n.path.clone()),
    })
}

/// An error at a member of `n`.
pub(crate) struct ImportErrorAt;
impl ImportErrorAt {
    pub fn at(n: &Node<'_>, k: &str, msg: String) -> crate::ImportError {
        crate::ImportError::new(n.file, &n.key_path(k), msg)
    }
}

fn accelerator(n: &Node<'_>) -> Res<Accelerator> {
    n.expect_object()?;
    let mut dns_names = Vec::new();
    for k in ["DnsName", "DualStackDnsName"] {
        if let Some(d) = n.opt_nonempty(k)? {
            dns_names.push(norm_target(d));
        }
    }
    Ok(Accelerator {
        arn: n.req_str("AcceleratorArn")?.to_string(),
        name: n.opt_str("Name")?.unwrap_or("accelerator").to_string(),
        dns_names,
        enabled: n.opt_bool("Enabled")?.unwrap_or(true),
        src: Src::new(n.file, n.path.clone()),
    })
}

/// The parent ARN: the ARN up to (not including) `/<child>/`.
pub(crate) fn parent_arn(arn: &str, child: &str) -> String {
    match arn.find(&format!("/{child}/")) {
        Some(i) => arn[..i].to_string(),
        None => String::new(),
    }
}

pub(crate) fn affinity(n: &Node<'_>, s: &str) -> Res<bool> {
    match s.to_ascii_uppercase().as_str() {
        "NONE" => Ok(false),
        "SOURCE_IP" => Ok(true),
        other => Err(n.err(format!("expected NONE or SOURCE_IP, got {other:?}"))),
    }
}

fn listener(n: &Node<'_>) -> Res<Listener> {
    n.expect_object()?;
    let arn = n.req_str("ListenerArn")?.to_string();
    let source_ip_affinity = match n.get("ClientAffinity") {
        None => false,
        Some(a) => affinity(&a, a.str()?)?,
    };
    let mut ports = Vec::new();
    for p in n.opt_arr("PortRanges")? {
        ports.push((
            p.req("FromPort")?.int_in(1, 65535)? as u32,
            p.req("ToPort")?.int_in(1, 65535)? as u32,
        ));
    }
    Ok(Listener {
        accelerator_arn: parent_arn(&arn, "listener"),
        arn,
        protocol: n.opt_str("Protocol")?.unwrap_or("TCP").to_ascii_uppercase(),
        source_ip_affinity,
        ports,
        src: Src::new(n.file, n.path.clone()),
    })
}

pub(crate) fn ga_interval(n: Option<Node<'_>>) -> Res<u32> {
    match n {
        None => Ok(30),
        Some(n) => {
            let i = n.i64()?;
            if i != 10 && i != 30 {
                return Err(n.err(format!("must be 10 or 30, got {i}")));
            }
            Ok(i as u32)
        }
    }
}

fn endpoint_group(n: &Node<'_>) -> Res<EndpointGroup> {
    n.expect_object()?;
    let arn = n.req_str("EndpointGroupArn")?.to_string();
    let r = n.req("EndpointGroupRegion")?;
    let region = r.str()?;
    if !crate::names::is_region(region) {
        return Err(r.err(format!("unknown region {region:?}")));
    }
    let dial = match n.get("TrafficDialPercentage") {
        None => 100.0,
        Some(d) => {
            let v = d.f64()?;
            if !(0.0..=100.0).contains(&v) {
                return Err(d.err(format!("must be in 0..=100, got {v}")));
            }
            v
        }
    };
    let mut endpoints = Vec::new();
    for e in n.opt_arr("EndpointDescriptions")? {
        endpoints.push(Endpoint {
            id: e.req_str("EndpointId")?.trim().to_string(),
            weight: e.opt_int_in("Weight", 0, 255)?.unwrap_or(128) as u32,
            path: e.path.clone(),
        });
    }
    Ok(EndpointGroup {
        listener_arn: parent_arn(&arn, "endpoint-group"),
        arn,
        region: region.to_string(),
        traffic_dial: dial,
        hc_protocol: n
            .opt_str("HealthCheckProtocol")?
            .unwrap_or("TCP")
            .to_ascii_uppercase(),
        hc_interval: ga_interval(n.get("HealthCheckIntervalSeconds"))?,
        threshold: n.opt_int_in("ThresholdCount", 1, 10)?.unwrap_or(3) as u32,
        hc_path: n.opt_nonempty("HealthCheckPath")?.map(str::to_string),
        endpoints,
        src: Src::new(n.file, n.path.clone()),
    })
}

fn load_balancer(n: &Node<'_>) -> Res<LoadBalancer> {
    n.expect_object()?;
    let arn = n.req_str("LoadBalancerArn")?.to_string();
    let region = crate::names::parse_arn(&arn)
        .map(|a| a.region.to_string())
        .filter(|r| !r.is_empty());
    Ok(LoadBalancer {
        dns_name: n.opt_nonempty("DNSName")?.map(norm_target),
        lb_type: n
            .opt_str("Type")?
            .unwrap_or("application")
            .to_ascii_lowercase(),
        arn,
        region,
        src: Src::new(n.file, n.path.clone()),
    })
}

fn target_group(n: &Node<'_>) -> Res<TargetGroup> {
    n.expect_object()?;
    let u = |k: &str, lo: i64, hi: i64| -> Res<Option<u32>> {
        Ok(n.opt_int_in(k, lo, hi)?.map(|v| v as u32))
    };
    Ok(TargetGroup {
        arn: n.req_str("TargetGroupArn")?.to_string(),
        lb_arns: n.str_list("LoadBalancerArns")?,
        protocol: n
            .opt_nonempty("HealthCheckProtocol")?
            .or(n.opt_nonempty("Protocol")?)
            .map(str::to_ascii_uppercase),
        interval: u("HealthCheckIntervalSeconds", 5, 300)?,
        timeout: u("HealthCheckTimeoutSeconds", 2, 120)?,
        healthy: u("HealthyThresholdCount", 2, 10)?,
        unhealthy: u("UnhealthyThresholdCount", 2, 10)?,
        src: Src::new(n.file, n.path.clone()),
    })
}

fn routing_control(n: &Node<'_>, inv: &mut Inventory) -> Res<()> {
    n.expect_object()?;
    let arn = n.req_str("RoutingControlArn")?.to_string();
    let name = n
        .opt_str("Name")?
        .or(n.opt_str("RoutingControlName")?)
        .unwrap_or("")
        .to_string();
    let on = match n.get("RoutingControlState") {
        None => None,
        Some(s) => match s.str()?.to_ascii_uppercase().as_str() {
            "ON" => Some(true),
            "OFF" => Some(false),
            other => return Err(s.err(format!("expected On or Off, got {other:?}"))),
        },
    };
    let src = Src::new(n.file, n.path.clone());
    if let Some(rc) = inv.routing_controls.iter_mut().find(|r| r.arn == arn) {
        if on.is_some() {
            rc.on = on;
        }
        if rc.name.is_empty() {
            rc.name = name;
        }
    } else {
        inv.routing_controls
            .push(RoutingControl { arn, name, on, src });
    }
    Ok(())
}

fn safety_rule(n: &Node<'_>, gating: bool) -> Res<SafetyRule> {
    n.expect_object()?;
    let cfg = n.req("RuleConfig")?;
    let t = cfg.req("Type")?;
    let rule_type = t.str()?.to_ascii_uppercase();
    if !["ATLEAST", "AND", "OR"].contains(&rule_type.as_str()) {
        return Err(t.err(format!("expected ATLEAST, AND or OR, got {rule_type:?}")));
    }
    Ok(SafetyRule {
        name: n.opt_str("Name")?.unwrap_or("").to_string(),
        controls: n.str_list(if gating {
            "TargetControls"
        } else {
            "AssertedControls"
        })?,
        gating,
        rule_type,
        threshold: cfg.opt_int_in("Threshold", 0, 1000)?.unwrap_or(1) as u32,
        inverted: cfg.opt_bool("Inverted")?.unwrap_or(false),
        wait_ms: n.opt_int_in("WaitPeriodMs", 0, i64::MAX)?.unwrap_or(5000) as u64,
        src: Src::new(n.file, n.path.clone()),
    })
}
