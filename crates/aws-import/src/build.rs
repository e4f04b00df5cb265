//! Inventory → the arms of a workload (product-level intermediate form, still no TOML).

use crate::model::*;
use crate::names::{self, LbKind, Target, norm_name};
use crate::{ImportError, ImportOptions, Product};

type Res<T> = Result<T, ImportError>;

fn err_at(src: &Src, sub: &str, msg: impl Into<String>) -> ImportError {
    ImportError::new(
        &src.file,
        &if sub.is_empty() {
            src.path.clone()
        } else {
            src.at(sub)
        },
        msg,
    )
}

/// ELB target-group health-check defaults (Elastic Load Balancing User Guides, "Health checks
/// for your target groups": ALB HTTP 30 s, timeout 5 s, healthy 5, unhealthy 2; NLB TCP 30 s,
/// timeout 10 s, healthy 5, unhealthy 2). ASSUMED when no `describe-target-groups` output or
/// `aws_lb_target_group` tells them.
fn lb_defaults(kind: &str) -> LbHc {
    if kind == "nlb" {
        LbHc {
            protocol: "tcp".into(),
            interval: 30,
            unhealthy: 2,
            healthy: 5,
            timeout: 10,
        }
    } else {
        LbHc {
            protocol: "http".into(),
            interval: 30,
            unhealthy: 2,
            healthy: 5,
            timeout: 5,
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) struct LbHc {
    pub protocol: String,
    pub interval: u32,
    pub unhealthy: u32,
    pub healthy: u32,
    pub timeout: u32,
}

#[derive(Clone, Debug)]
pub(crate) struct LbIr {
    pub kind: String,
    pub hc: LbHc,
    /// None = read from a target group (named here); Some(why) = ELB defaults assumed.
    pub assumed: Option<String>,
    pub src: String,
}

#[derive(Clone, Debug)]
pub(crate) struct RegionIr {
    pub name: String,
    pub lb: Option<LbIr>,
}

#[derive(Clone, Debug)]
pub(crate) struct EpHc {
    pub interval: u32,
    pub failure_threshold: u32,
    pub protocol: &'static str,
    pub checker_regions: Option<Vec<String>>,
    pub inverted: bool,
    pub disabled: bool,
    pub comment: String,
}

#[derive(Clone, Debug)]
pub(crate) enum HcIr {
    Endpoint(EpHc),
    Calculated {
        threshold: u32,
        children: Vec<(String, EpHc)>,
        comment: String,
    },
}

#[derive(Clone, Debug)]
pub(crate) enum LocIr {
    Default,
    Continent(String),
    Country(String, Option<String>),
}

/// Geoproximity: (aws_region when it differs from the record's region, coordinates, bias).
pub(crate) type GeoProx = (Option<String>, Option<(f64, f64)>, i32);

/// A load balancer a record or endpoint uses: (region, kind hint, DNS name, ARN, where).
type LbUse = (String, LbKind, Option<String>, Option<String>, String);

#[derive(Clone, Debug)]
pub(crate) struct RecIr {
    pub region: String,
    pub weight: Option<u32>,
    pub role: Option<&'static str>,
    pub alias: bool,
    pub eth: bool,
    pub location: Option<LocIr>,
    /// Geoproximity: (aws_region when it differs from `region`, coordinates, bias).
    pub geoprox: Option<GeoProx>,
    pub hc: Option<HcIr>,
    pub comment: String,
}

#[derive(Clone, Debug)]
pub(crate) struct R53Ir {
    pub name: String,
    pub policy: &'static str,
    pub ttl: Option<u64>,
    pub records: Vec<RecIr>,
    /// ARC control: Some(at_least from an ATLEAST assertion rule).
    pub control: Option<Option<u32>>,
    pub comments: Vec<String>,
    pub assumed: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) struct GaHc {
    pub interval: u32,
    pub threshold: u32,
    pub protocol: String,
}

#[derive(Clone, Debug)]
pub(crate) struct GaGroupIr {
    pub region: String,
    pub dial: f64,
    /// (endpoint type, weight, provenance)
    pub endpoints: Vec<(String, u32, String)>,
    /// Written only when it differs from the arm's.
    pub hc: Option<GaHc>,
    pub comment: String,
}

#[derive(Clone, Debug)]
pub(crate) struct GaIr {
    pub name: String,
    pub endpoint_type: String,
    pub affinity: bool,
    pub hc: GaHc,
    pub groups: Vec<GaGroupIr>,
    pub comments: Vec<String>,
    pub assumed: bool,
}

#[derive(Clone, Debug)]
pub(crate) enum ArmIr {
    R53(R53Ir),
    Ga(GaIr),
}

#[derive(Clone, Debug, Default)]
pub(crate) struct ArmSet {
    pub regions: Vec<RegionIr>,
    pub arms: Vec<ArmIr>,
    pub aaaa: Vec<String>,
    pub notes: Vec<String>,
}

struct Ctx<'a> {
    inv: &'a Inventory,
    opts: &'a ImportOptions,
    notes: Vec<String>,
    /// Load balancers used, per region: (region, kind hint, dns name, arn, where).
    lbs: Vec<LbUse>,
}

impl ArmSet {
    fn add_region(&mut self, r: &str) {
        if !self.regions.iter().any(|x| x.name == r) {
            self.regions.push(RegionIr {
                name: r.to_string(),
                lb: None,
            });
        }
    }
}

/// Builds the arms for one inventory; `label` ("" or "planned") suffixes the arm names.
pub(crate) fn build(inv: &Inventory, opts: &ImportOptions, label: &str) -> Res<ArmSet> {
    let mut cx = Ctx {
        inv,
        opts,
        notes: Vec::new(),
        lbs: Vec::new(),
    };
    let mut set = ArmSet::default();
    let name = norm_name(&opts.name);
    set.aaaa = inv
        .records
        .iter()
        .filter(|r| r.name == name && r.rtype == "AAAA")
        .map(|r| {
            format!(
                "{} AAAA{} ({})",
                r.name,
                r.set_id
                    .as_ref()
                    .map(|s| format!(" {s}"))
                    .unwrap_or_default(),
                r.src
            )
        })
        .collect();
    if let Some(arm) = route53_arm(&mut cx, &name)? {
        set.arms.push(ArmIr::R53(arm));
    }
    for arm in ga_arms(&mut cx)? {
        set.arms.push(ArmIr::Ga(arm));
    }
    if set.arms.is_empty() {
        let names: Vec<String> = {
            let mut v: Vec<String> = inv
                .records
                .iter()
                .filter(|r| r.rtype == "A")
                .map(|r| r.name.clone())
                .collect();
            v.dedup();
            v
        };
        return Err(ImportError::new(
            "",
            "--name",
            format!(
                "nothing to import: no A record set named {name:?} and no accelerator listener with \
                 endpoint groups (A record sets read: {})",
                if names.is_empty() {
                    "none".to_string()
                } else {
                    names.join(", ")
                }
            ),
        ));
    }
    match opts.compare {
        Some(Product::GlobalAccelerator) => {
            let regions = arm_regions(&set.arms, false);
            if !regions.is_empty() {
                set.arms.push(ArmIr::Ga(compare_ga(&cx, &regions)));
            }
        }
        Some(Product::Route53) => {
            let regions = arm_regions(&set.arms, true);
            if !regions.is_empty() {
                set.arms.push(ArmIr::R53(compare_r53(&cx, &regions)));
            }
        }
        None => {}
    }
    let all: Vec<String> = set
        .arms
        .iter()
        .flat_map(|arm| -> Vec<String> {
            match arm {
                ArmIr::R53(a) => a.records.iter().map(|r| r.region.clone()).collect(),
                ArmIr::Ga(a) => a.groups.iter().map(|g| g.region.clone()).collect(),
            }
        })
        .collect();
    for r in all {
        set.add_region(&r);
    }
    attach_lbs(&mut cx, &mut set)?;
    if !label.is_empty() {
        for arm in &mut set.arms {
            match arm {
                ArmIr::R53(a) => a.name = format!("{}-{label}", a.name),
                ArmIr::Ga(a) => a.name = format!("{}-{label}", a.name),
            }
        }
    }
    set.notes = cx.notes;
    Ok(set)
}

fn arm_regions(arms: &[ArmIr], from_ga: bool) -> Vec<String> {
    fn push(out: &mut Vec<String>, r: &str) {
        if !out.iter().any(|x| x == r) {
            out.push(r.to_string());
        }
    }
    let mut out: Vec<String> = Vec::new();
    // Prefer the other product's regions; fall back to every arm's.
    for pass in 0..2 {
        for a in arms {
            match a {
                ArmIr::R53(a) if pass == 1 || !from_ga => {
                    a.records.iter().for_each(|r| push(&mut out, &r.region))
                }
                ArmIr::Ga(a) if pass == 1 || from_ga => {
                    a.groups.iter().for_each(|g| push(&mut out, &g.region))
                }
                _ => {}
            }
        }
        if !out.is_empty() {
            break;
        }
    }
    out
}

fn describe(r: &RecordSet) -> String {
    format!(
        "{} A{}",
        r.name,
        r.set_id
            .as_ref()
            .map(|s| format!(", set identifier {s:?}"))
            .unwrap_or_default()
    )
}

fn group<'a>(inv: &'a Inventory, name: &str) -> Vec<&'a RecordSet> {
    inv.records
        .iter()
        .filter(|r| r.name == name && r.rtype == "A")
        .collect()
}

fn in_zone(cx: &Ctx<'_>, rec: &RecordSet, a: &Alias) -> bool {
    let zone = rec.zone_id.as_ref().or(cx.inv.zone_id.as_ref());
    if let Some(z) = zone {
        return *z == a.zone_id;
    }
    // Without the zone's ID, an alias whose target is a record set read is in the zone.
    !group(cx.inv, &a.dns_name).is_empty() && names::target_of_dns(&a.dns_name) == Target::Unknown
}

fn route53_arm(cx: &mut Ctx<'_>, name: &str) -> Res<Option<R53Ir>> {
    let mut recs = group(cx.inv, name);
    let mut chain = vec![name.to_string()];
    if recs.is_empty() {
        // A wildcard record set covering the name.
        if let Some((_, parent)) = name.split_once('.') {
            let wild = format!("*.{parent}");
            recs = group(cx.inv, &wild);
            if !recs.is_empty() {
                cx.notes.push(format!(
                    "{name} is answered by the wildcard record set {wild}"
                ));
                chain.push(wild);
            }
        }
    }
    if recs.is_empty() {
        if cx
            .inv
            .records
            .iter()
            .any(|r| r.name == name && r.rtype == "CNAME")
        {
            cx.notes.push(format!(
                "{name} is a CNAME: not imported (not supported yet)"
            ));
        }
        return Ok(None);
    }
    // A single simple alias record: follow it (in-zone alias chain, or Global Accelerator).
    for _ in 0..8 {
        if recs.len() != 1 || recs[0].policy != Policy::Simple {
            break;
        }
        let r = recs[0];
        let Some(a) = &r.alias else { break };
        if a.zone_id == names::GA_ZONE_ID
            || names::target_of_dns(&a.dns_name) == Target::GlobalAccelerator
        {
            let known = cx
                .inv
                .accelerators
                .iter()
                .any(|acc| acc.dns_names.contains(&a.dns_name));
            cx.notes.push(format!(
                "{} ({}) is an alias to the accelerator {}: the Global Accelerator arm{} model{} it",
                r.name,
                r.src,
                a.dns_name,
                if known { "" } else { " (not in the files read: add list-accelerators output)" },
                if known { "s" } else { "" }
            ));
            return Ok(None);
        }
        if !in_zone(cx, r, a) {
            break;
        }
        if chain.contains(&a.dns_name) {
            return Err(err_at(
                &r.src,
                "AliasTarget",
                format!("alias loop through {}", a.dns_name),
            ));
        }
        let next = group(cx.inv, &a.dns_name);
        if next.is_empty() {
            return Err(err_at(
                &r.src,
                "AliasTarget.DNSName",
                format!(
                    "in-zone alias to {}, which has no A record set in the files read",
                    a.dns_name
                ),
            ));
        }
        cx.notes.push(format!(
            "{} is an alias to {} in the same zone: imported as that record set",
            r.name, a.dns_name
        ));
        chain.push(a.dns_name.clone());
        recs = next;
    }
    let first = recs[0];
    for r in &recs {
        if r.traffic_policy {
            return Err(err_at(
                &r.src,
                "TrafficPolicyInstanceId",
                format!(
                    "{}: records made by a Traffic Flow policy: not supported yet",
                    describe(r)
                ),
            ));
        }
        if r.policy == Policy::Cidr {
            return Err(err_at(
                &r.src,
                "",
                format!(
                    "{}: IP-based (CIDR) routing: not supported yet",
                    describe(r)
                ),
            ));
        }
        if let Policy::Geoproximity {
            local_zone_group: Some(z),
            ..
        } = &r.policy
        {
            return Err(err_at(
                &r.src,
                "",
                format!(
                    "{}: geoproximity to the local zone group {z:?}: not supported yet (give an AWS region or coordinates)",
                    describe(r)
                ),
            ));
        }
        if r.policy.name() != first.policy.name() {
            return Err(err_at(
                &r.src,
                "",
                format!(
                    "{}: routing policy {} differs from {} of {} ({}); a record set has one policy",
                    describe(r),
                    r.policy.name(),
                    first.policy.name(),
                    describe(first),
                    first.src
                ),
            ));
        }
    }
    let policy = match first.policy {
        Policy::Simple => {
            if recs.len() > 1 {
                return Err(err_at(
                    &recs[1].src,
                    "",
                    "two records without a routing policy share one name and type",
                ));
            }
            "simple"
        }
        Policy::Failover { .. } => "failover",
        Policy::Weighted { .. } => "weighted",
        Policy::Latency { .. } => "latency",
        Policy::Geolocation { .. } => "geolocation",
        Policy::Geoproximity { .. } => "geoproximity",
        Policy::Multivalue => "multivalue",
        Policy::Cidr => unreachable!("refused above"),
    };
    let mut records = Vec::new();
    let mut ttls = Vec::new();
    let mut arc_controls: Vec<(String, Src)> = Vec::new();
    let mut non_arc = None;
    for r in &recs {
        let (region, alias, eth, via, ttl, end) = record_target(cx, r, &chain, 0)?;
        if let (Some(t), false) = (ttl, alias) {
            ttls.push(t);
        }
        // An in-zone alias that evaluates its target's health has the target's health check.
        let health_of = match (end, &r.alias) {
            (Some(e), Some(a)) if r.health_check_id.is_none() && a.evaluate_target_health => e,
            _ => *r,
        };
        let (hc, arc) = record_health(cx, health_of, &region)?;
        match arc {
            Some(arn) => arc_controls.push((arn, r.src.clone())),
            None => non_arc = Some(r),
        }
        let mut comment = format!("{} ({})", describe(r), r.src);
        if let Some(v) = &via {
            comment.push_str(&format!("; {v}"));
        }
        let mut rec = RecIr {
            region,
            weight: None,
            role: None,
            alias,
            eth,
            location: None,
            geoprox: None,
            hc,
            comment,
        };
        match &r.policy {
            Policy::Failover { primary } => {
                rec.role = Some(if *primary { "primary" } else { "secondary" })
            }
            Policy::Weighted { weight } => rec.weight = Some(*weight),
            Policy::Latency { region: lr } if *lr != rec.region => {
                cx.notes.push(format!(
                    "{}: latency Region {lr} differs from the target's region {}: the record is modelled in {lr} (latency is measured to it)",
                    describe(r), rec.region
                ));
                rec.region = lr.clone();
            }
            Policy::Geolocation {
                continent,
                country,
                subdivision,
            } => {
                rec.location = Some(match (continent, country) {
                    (Some(c), _) => LocIr::Continent(c.clone()),
                    (None, Some(c)) if c == "*" => LocIr::Default,
                    (None, Some(c)) => LocIr::Country(c.clone(), subdivision.clone()),
                    (None, None) => {
                        return Err(err_at(
                            &r.src,
                            "GeoLocation",
                            "needs a ContinentCode or a CountryCode",
                        ));
                    }
                });
            }
            Policy::Geoproximity {
                aws_region,
                coordinates,
                bias,
                ..
            } => {
                let ar = aws_region.clone().filter(|a| *a != rec.region);
                rec.geoprox = Some((ar, *coordinates, *bias));
            }
            _ => {}
        }
        records.push(rec);
    }
    let mut arc_sources: Vec<String> = Vec::new();
    let control = if arc_controls.is_empty() {
        None
    } else {
        if let Some(r) = non_arc {
            return Err(err_at(
                &r.src,
                "",
                format!(
                    "{}: some records of this set are driven by ARC routing controls and this one by a health check (or none): not supported yet",
                    describe(r)
                ),
            ));
        }
        let arns: Vec<&String> = arc_controls.iter().map(|(a, _)| a).collect();
        let mut at_least = None;
        for rule in &cx.inv.safety_rules {
            if !rule.gating
                && rule.rule_type == "ATLEAST"
                && !rule.inverted
                && arns.iter().all(|a| rule.controls.contains(a))
            {
                at_least = Some(rule.threshold.max(1));
                cx.notes.push(format!(
                    "ARC assertion rule {:?} ({}): at least {} of the cells on; wait period {} ms",
                    rule.name, rule.src, rule.threshold, rule.wait_ms
                ));
            }
        }
        for (arn, src) in &arc_controls {
            let named = cx.inv.routing_controls.iter().find(|c| &c.arn == arn);
            arc_sources.push(match named {
                Some(c) => format!("routing control {:?} ({}), record {src}", c.name, c.src),
                None => format!("routing control {arn}, record {src}"),
            });
            match named {
                Some(c) if c.on == Some(false) => cx.notes.push(format!("routing control {:?} ({}) is Off now: its record is not answered until it is turned On", c.name, src)),
                Some(_) => {}
                None => cx.notes.push(format!("routing control {arn} ({src}) is in no file read: its state is assumed On")),
            }
        }
        Some(at_least)
    };
    // One record per region (except geolocation, where one region may serve several locations).
    if policy != "geolocation" {
        let mut i = 0;
        while i < records.len() {
            if let Some(j) = records[..i]
                .iter()
                .position(|x| x.region == records[i].region)
            {
                let dup = records.remove(i);
                if let (Some(w), Some(d)) = (records[j].weight, dup.weight) {
                    records[j].weight = Some((w + d).min(255));
                }
                cx.notes.push(format!(
                    "two records in {}: {} merged into {}",
                    dup.region, dup.comment, records[j].comment
                ));
                continue;
            }
            i += 1;
        }
    }
    ttls.sort_unstable();
    ttls.dedup();
    if ttls.len() > 1 {
        cx.notes.push(format!(
            "records of {name} have different TTLs {ttls:?}: the first is used"
        ));
    }
    // A failover set needs a primary and a secondary; with one of them only, the one record
    // is always answered (Route 53 answers an unhealthy record when no other is eligible).
    let lone_failover = policy == "failover" && {
        let p = records.iter().filter(|r| r.role == Some("primary")).count();
        let s = records
            .iter()
            .filter(|r| r.role == Some("secondary"))
            .count();
        p != 1 || s != 1
    };
    if lone_failover {
        if records.len() != 1 {
            return Err(err_at(
                &first.src,
                "Failover",
                format!(
                    "the failover record set {name} needs exactly one PRIMARY and one SECONDARY record"
                ),
            ));
        }
        records[0].role = None;
        cx.notes.push(format!("{}: a failover set with only one record: written as a one-record arm (always answered)", describe(first)));
    }
    let policy = if lone_failover { "simple" } else { policy };
    let (policy, comments) = if policy == "simple" {
        (
            "latency",
            vec![format!(
                "a simple record ({}): one record, always answered (written as a one-record latency arm)",
                describe(first)
            )],
        )
    } else {
        (policy, Vec::new())
    };
    let mut comments = comments;
    comments.insert(
        0,
        format!(
            "source: {} ({} record{})",
            chain.join(" -> "),
            recs.len(),
            if recs.len() == 1 { "" } else { "s" }
        ),
    );
    comments.extend(arc_sources.into_iter().map(|a| format!("ARC: {a}")));
    Ok(Some(R53Ir {
        name: format!("r53-{policy}"),
        policy,
        ttl: ttls.first().copied(),
        records,
        control,
        comments,
        assumed: false,
    }))
}

/// The region of a record's target, whether it is an alias to a load balancer (alias = true),
/// whether it evaluates the target's health, how it was reached (alias chain) and its TTL (an
/// in-zone alias to a plain record answers with that record's TTL).
/// Last: the record an in-zone alias chain ends at (whose health check the alias evaluates).
type TargetOf<'a> = (
    String,
    bool,
    bool,
    Option<String>,
    Option<u64>,
    Option<&'a RecordSet>,
);
fn record_target<'a>(
    cx: &mut Ctx<'a>,
    r: &'a RecordSet,
    chain: &[String],
    depth: usize,
) -> Res<TargetOf<'a>> {
    if depth > 8 {
        return Err(err_at(
            &r.src,
            "AliasTarget",
            "alias chain deeper than 8 records",
        ));
    }
    if let Some(a) = &r.alias {
        if a.zone_id == names::GA_ZONE_ID {
            return Err(err_at(
                &r.src,
                "AliasTarget",
                format!(
                    "{}: an alias to Global Accelerator inside a routed record set: not supported yet",
                    describe(r)
                ),
            ));
        }
        if a.zone_id == names::CLOUDFRONT_ZONE_ID {
            return Err(err_at(
                &r.src,
                "AliasTarget",
                format!(
                    "{}: an alias to CloudFront (global, no region): not supported yet",
                    describe(r)
                ),
            ));
        }
        if in_zone(cx, r, a) {
            if chain.contains(&a.dns_name) {
                return Err(err_at(
                    &r.src,
                    "AliasTarget",
                    format!("alias loop through {}", a.dns_name),
                ));
            }
            let next = group(cx.inv, &a.dns_name);
            let Some(t) = next.first() else {
                return Err(err_at(
                    &r.src,
                    "AliasTarget.DNSName",
                    format!(
                        "in-zone alias to {}, which has no A record set in the files read",
                        a.dns_name
                    ),
                ));
            };
            let mut c2 = chain.to_vec();
            c2.push(a.dns_name.clone());
            let (region, alias, eth, _, ttl, end) = record_target(cx, t, &c2, depth + 1)?;
            let end = end.or(Some(*t));
            let via = format!(
                "alias to {} in the zone ({} policy, {} record{}): modelled as its first record, {} ({})",
                a.dns_name,
                t.policy.name(),
                next.len(),
                if next.len() == 1 { "" } else { "s" },
                describe(t),
                region
            );
            cx.notes.push(format!("{}: {via}", describe(r)));
            return Ok((
                region,
                alias,
                a.evaluate_target_health && alias && eth,
                Some(via),
                ttl,
                end,
            ));
        }
        return match names::target_of_dns(&a.dns_name) {
            Target::Elb { region, kind } => {
                cx.lbs.push((
                    region.clone(),
                    kind,
                    Some(a.dns_name.clone()),
                    None,
                    r.src.to_string(),
                ));
                Ok((region, true, a.evaluate_target_health, None, None, None))
            }
            Target::Regional { region, service } => {
                cx.notes.push(format!(
                    "{}: alias to a {service} endpoint in {region}",
                    describe(r)
                ));
                Ok((region, true, false, None, None, None))
            }
            _ => match cx
                .opts
                .region_of
                .iter()
                .find(|(k, _)| names::norm_target(k) == a.dns_name)
                .map(|(_, v)| v)
            {
                Some(region) => Ok((
                    region.clone(),
                    true,
                    a.evaluate_target_health,
                    None,
                    None,
                    None,
                )),
                None => Err(err_at(
                    &r.src,
                    "AliasTarget.DNSName",
                    format!(
                        "{}: cannot tell the region of the alias target {}; give --region-of {}=REGION",
                        describe(r),
                        a.dns_name,
                        a.dns_name
                    ),
                )),
            },
        };
    }
    let Some(value) = r.values.first() else {
        return Err(err_at(
            &r.src,
            "ResourceRecords",
            format!("{}: neither ResourceRecords nor AliasTarget", describe(r)),
        ));
    };
    let region_of = |v: &str| cx.opts.region_of.get(v).cloned();
    let region = match region_of(value) {
        Some(reg) => reg,
        None => match &r.policy {
            Policy::Latency { region } => region.clone(),
            _ => {
                return Err(err_at(
                    &r.src,
                    "ResourceRecords[0].Value",
                    format!(
                        "{}: the region of the address {value} is unknown; give --region-of {value}=REGION",
                        describe(r)
                    ),
                ));
            }
        },
    };
    for v in r.values.iter().skip(1) {
        if region_of(v).is_some_and(|x| x != region) {
            cx.notes.push(format!(
                "{}: its addresses are in several regions; modelled in {region} (its first)",
                describe(r)
            ));
            break;
        }
    }
    Ok((region, false, false, None, r.ttl, None))
}

fn protocol(h: &HealthCheck) -> &'static str {
    match h.htype {
        HcType::Http | HcType::HttpStrMatch => "http",
        HcType::Https | HcType::HttpsStrMatch => "https",
        _ => "tcp",
    }
}

fn endpoint_hc(h: &HealthCheck) -> EpHc {
    let mut comment = format!("health check {} ({}), type {:?}", h.id, h.src, h.htype);
    if matches!(h.htype, HcType::HttpStrMatch | HcType::HttpsStrMatch) {
        comment.push_str(": string matching modelled as a status check");
    }
    EpHc {
        interval: h.request_interval,
        failure_threshold: h.failure_threshold,
        protocol: protocol(h),
        checker_regions: h.regions.clone(),
        inverted: h.inverted,
        disabled: h.disabled,
        comment,
    }
}

fn lookup_hc<'a>(cx: &Ctx<'a>, id: &str, file: &str, path: &str) -> Res<&'a HealthCheck> {
    cx.inv.health_check(id).ok_or_else(|| {
        ImportError::new(file, path, format!(
            "health check {id:?} is defined in no document read (no `aws route53 list-health-checks` output, no aws_route53_health_check resource with this ID)"
        ))
    })
}

fn refuse_cloudwatch(h: &HealthCheck) -> Res<()> {
    if h.htype == HcType::CloudwatchMetric {
        return Err(err_at(
            &h.src,
            "HealthCheckConfig.Type",
            format!(
                "health check {}: CLOUDWATCH_METRIC (CloudWatch alarm) checks: not supported yet",
                h.id
            ),
        ));
    }
    Ok(())
}

/// The region a health check probes: its FQDN's, its address's (`--region-of`), else `default`.
fn hc_region(cx: &Ctx<'_>, h: &HealthCheck, default: &str) -> String {
    if let Some(f) = &h.fqdn {
        match names::target_of_dns(f) {
            Target::Elb { region, .. } | Target::Regional { region, .. } => return region,
            _ => {}
        }
    }
    if let Some(r) = h.ip.as_ref().and_then(|ip| cx.opts.region_of.get(ip)) {
        return r.clone();
    }
    default.to_string()
}

/// A record's health check: the inline form, or the ARN of the ARC routing control driving it.
fn record_health(
    cx: &mut Ctx<'_>,
    r: &RecordSet,
    region: &str,
) -> Res<(Option<HcIr>, Option<String>)> {
    let Some(id) = &r.health_check_id else {
        return Ok((None, None));
    };
    let h = lookup_hc(cx, id, &r.src.file, &r.hc_path)?;
    refuse_cloudwatch(h)?;
    match h.htype {
        HcType::RecoveryControl => {
            let arn = h.routing_control_arn.clone().ok_or_else(|| {
                err_at(
                    &h.src,
                    "HealthCheckConfig.RoutingControlArn",
                    "a RECOVERY_CONTROL check needs its routing control's ARN",
                )
            })?;
            Ok((None, Some(arn)))
        }
        HcType::Calculated => {
            let mut children = Vec::new();
            for (i, c) in h.children.iter().enumerate() {
                let ch = lookup_hc(
                    cx,
                    c,
                    &h.src.file,
                    &h.src
                        .at(&format!("HealthCheckConfig.ChildHealthChecks[{i}]")),
                )?;
                refuse_cloudwatch(ch)?;
                if matches!(ch.htype, HcType::Calculated | HcType::RecoveryControl) {
                    return Err(err_at(
                        &ch.src,
                        "HealthCheckConfig.Type",
                        format!(
                            "health check {}: a {:?} child of the calculated check {}: not supported yet",
                            ch.id, ch.htype, h.id
                        ),
                    ));
                }
                children.push((hc_region(cx, ch, region), endpoint_hc(ch)));
            }
            if children.is_empty() {
                return Err(err_at(
                    &h.src,
                    "HealthCheckConfig.ChildHealthChecks",
                    format!("calculated check {} has no children", h.id),
                ));
            }
            if h.inverted || h.disabled {
                cx.notes.push(format!("calculated check {}: Inverted/Disabled on a calculated check are written as a comment only", h.id));
            }
            Ok((
                Some(HcIr::Calculated {
                    threshold: h.health_threshold,
                    children,
                    comment: format!(
                        "calculated health check {} ({}){}{}",
                        h.id,
                        h.src,
                        if h.inverted {
                            ", Inverted (not modelled)"
                        } else {
                            ""
                        },
                        if h.disabled {
                            ", Disabled (not modelled)"
                        } else {
                            ""
                        }
                    ),
                }),
                None,
            ))
        }
        _ => {
            let probed = hc_region(cx, h, region);
            if probed != region {
                cx.notes.push(format!(
                    "health check {} probes {probed}, its record {} is in {region}",
                    h.id,
                    describe(r)
                ));
            }
            Ok((Some(HcIr::Endpoint(endpoint_hc(h))), None))
        }
    }
}

fn endpoint_type(cx: &mut Ctx<'_>, e: &Endpoint, g: &EndpointGroup) -> Res<String> {
    if let Some(arn) = names::parse_arn(&e.id) {
        let kind = names::lb_kind_of_arn(&arn);
        let t = match kind {
            Some(LbKind::Alb) => "alb",
            Some(LbKind::Nlb) => "nlb",
            Some(LbKind::Gateway) => {
                return Err(ImportError::new(
                    &g.src.file,
                    &format!("{}.EndpointId", e.path),
                    "a Gateway Load Balancer endpoint: not supported yet",
                ));
            }
            _ if arn.service == "ec2" && arn.resource.starts_with("instance/") => {
                return Ok("ec2".into());
            }
            _ if arn.service == "ec2" && arn.resource.starts_with("elastic-ip/") => {
                return Ok("eip".into());
            }
            _ => {
                return Err(ImportError::new(
                    &g.src.file,
                    &format!("{}.EndpointId", e.path),
                    format!("unknown endpoint {:?}", e.id),
                ));
            }
        };
        if !arn.region.is_empty() && arn.region != g.region {
            return Err(ImportError::new(
                &g.src.file,
                &format!("{}.EndpointId", e.path),
                format!(
                    "the endpoint is in {} but its endpoint group is in {}",
                    arn.region, g.region
                ),
            ));
        }
        cx.lbs.push((
            g.region.clone(),
            kind.expect("alb or nlb"),
            None,
            Some(e.id.clone()),
            format!("{}: {}", g.src.file, e.path),
        ));
        return Ok(t.to_string());
    }
    if e.id.starts_with("i-") {
        Ok("ec2".into())
    } else if e.id.starts_with("eipalloc-") {
        Ok("eip".into())
    } else {
        Err(ImportError::new(
            &g.src.file,
            &format!("{}.EndpointId", e.path),
            format!(
                "unknown endpoint {:?} (expected a load balancer ARN, an instance ID i-… or an Elastic IP allocation eipalloc-…)",
                e.id
            ),
        ))
    }
}

fn ga_hc(g: &EndpointGroup) -> Res<GaHc> {
    let protocol = match g.hc_protocol.as_str() {
        "TCP" => "tcp",
        "HTTP" => "http",
        "HTTPS" => "https",
        other => {
            return Err(err_at(
                &g.src,
                "HealthCheckProtocol",
                format!("expected TCP, HTTP or HTTPS, got {other:?}"),
            ));
        }
    };
    Ok(GaHc {
        interval: g.hc_interval,
        threshold: g.threshold,
        protocol: protocol.to_string(),
    })
}

fn ga_arms(cx: &mut Ctx<'_>) -> Res<Vec<GaIr>> {
    let inv = cx.inv;
    let mut arms: Vec<GaIr> = Vec::new();
    for l in &inv.listeners {
        let acc = inv.accelerators.iter().find(|a| a.arn == l.accelerator_arn);
        if acc.is_some_and(|a| !a.enabled) {
            cx.notes.push(format!(
                "accelerator {} is disabled: its listener {} is not imported",
                l.accelerator_arn, l.arn
            ));
            continue;
        }
        let groups: Vec<&EndpointGroup> = inv
            .endpoint_groups
            .iter()
            .filter(|g| g.listener_arn == l.arn)
            .collect();
        if groups.is_empty() {
            cx.notes.push(format!(
                "listener {} ({}) has no endpoint group in the files read: not imported",
                l.arn, l.src
            ));
            continue;
        }
        if l.protocol == "UDP" {
            cx.notes.push(format!(
                "listener {} is UDP: modelled as the TCP request path",
                l.arn
            ));
        }
        let mut comments = vec![format!(
            "source: {} listener {} ({}){}",
            acc.map(|a| format!("accelerator {:?} ({}),", a.name, a.src))
                .unwrap_or_else(|| "accelerator (not in the files read),".into()),
            l.arn,
            l.src,
            if l.ports.is_empty() {
                String::new()
            } else {
                format!(
                    ", ports {}",
                    l.ports
                        .iter()
                        .map(|(a, b)| if a == b {
                            a.to_string()
                        } else {
                            format!("{a}-{b}")
                        })
                        .collect::<Vec<_>>()
                        .join(",")
                )
            }
        )];
        let mut irs = Vec::new();
        let mut types: Vec<String> = Vec::new();
        for g in &groups {
            if irs.iter().any(|x: &GaGroupIr| x.region == g.region) {
                return Err(err_at(
                    &g.src,
                    "EndpointGroupRegion",
                    format!(
                        "a second endpoint group in {} for listener {} (a listener has one per region)",
                        g.region, l.arn
                    ),
                ));
            }
            let mut endpoints = Vec::new();
            for e in &g.endpoints {
                let t = endpoint_type(cx, e, g)?;
                if !types.contains(&t) {
                    types.push(t.clone());
                }
                endpoints.push((t, e.weight, e.path.clone()));
            }
            if endpoints.is_empty() {
                cx.notes.push(format!(
                    "endpoint group {} ({}) has no endpoints: it serves nothing",
                    g.arn, g.src
                ));
            }
            irs.push(GaGroupIr {
                region: g.region.clone(),
                dial: g.traffic_dial,
                endpoints,
                hc: Some(ga_hc(g)?),
                comment: format!("{} ({})", g.arn, g.src),
            });
        }
        let arm_hc = irs[0].hc.clone().expect("set above");
        for g in &mut irs {
            if g.hc.as_ref() == Some(&arm_hc) {
                g.hc = None;
            }
        }
        let endpoint_type = types.first().cloned().unwrap_or_else(|| "alb".into());
        if types.len() > 1 {
            comments.push(format!("endpoint types {} in one listener: the arm's endpoint_type is the first; endpoint_groups[].endpoints[].type tells each", types.join(", ")));
        }
        if matches!(endpoint_type.as_str(), "alb" | "nlb") {
            comments.push("alb/nlb endpoints: the accelerator reads the target health of the region's load balancer (regions[].load_balancer); health_check applies to ec2/eip endpoints".into());
        }
        let base = format!(
            "ga-{}",
            names::slug(acc.map(|a| a.name.as_str()).unwrap_or("accelerator"))
        );
        arms.push(GaIr {
            name: base,
            endpoint_type,
            affinity: l.source_ip_affinity,
            hc: arm_hc,
            groups: irs,
            comments,
            assumed: false,
        });
    }
    // Unique names: a second listener of one accelerator gets -2, -3, …
    for i in 0..arms.len() {
        let same = arms[..i]
            .iter()
            .filter(|a| a.name == arms[i].name || a.name.starts_with(&format!("{}-", arms[i].name)))
            .count();
        if same > 0 {
            arms[i].name = format!("{}-{}", arms[i].name, same + 1);
        }
    }
    Ok(arms)
}

fn lb_type_in(cx: &Ctx<'_>, region: &str) -> Option<LbKind> {
    cx.lbs.iter().find(|l| l.0 == region).map(|l| l.1)
}

fn compare_ga(cx: &Ctx<'_>, regions: &[String]) -> GaIr {
    let t = match regions
        .iter()
        .map(|r| lb_type_in(cx, r))
        .collect::<Vec<_>>()
    {
        v if v.iter().all(|k| matches!(k, Some(LbKind::Nlb))) => "nlb",
        v if v.iter().all(|k| k.is_some()) => "alb",
        _ => "ec2",
    };
    GaIr {
        name: "ga-compare".into(),
        endpoint_type: t.into(),
        affinity: false,
        hc: GaHc {
            interval: 30,
            threshold: 3,
            protocol: "tcp".into(),
        },
        groups: regions
            .iter()
            .map(|r| GaGroupIr {
                region: r.clone(),
                dial: 100.0,
                endpoints: Vec::new(),
                hc: None,
                comment: String::new(),
            })
            .collect(),
        comments: vec![format!(
            "--compare ga: an accelerator over the same regions with Global Accelerator's documented defaults (traffic dial 100, health check TCP 30 s x 3, client affinity NONE), endpoint_type {t}"
        )],
        assumed: true,
    }
}

fn compare_r53(cx: &Ctx<'_>, regions: &[String]) -> R53Ir {
    let records: Vec<RecIr> = regions
        .iter()
        .map(|r| {
            let alias = lb_type_in(cx, r).is_some();
            RecIr {
                region: r.clone(),
                weight: None,
                role: None,
                alias,
                eth: alias,
                location: None,
                geoprox: None,
                hc: None,
                comment: String::new(),
            }
        })
        .collect();
    let all_alias = records.iter().all(|r| r.alias);
    R53Ir {
        name: "r53-latency-compare".into(),
        policy: "latency",
        ttl: if all_alias { None } else { Some(60) },
        records,
        control: None,
        comments: vec!["--compare route53: latency records over the same regions: alias records with evaluate_target_health where the region has a load balancer, else TTL 60 s without health checks".into()],
        assumed: true,
    }
}

fn tg_hc(tg: &TargetGroup, kind: &str) -> LbHc {
    let d = lb_defaults(kind);
    let protocol = match tg.protocol.as_deref() {
        Some("HTTP") => "http",
        Some("HTTPS") => "https",
        Some(_) => "tcp",
        None => d.protocol.as_str(),
    };
    LbHc {
        protocol: protocol.to_string(),
        interval: tg.interval.unwrap_or(d.interval),
        unhealthy: tg.unhealthy.unwrap_or(d.unhealthy),
        healthy: tg.healthy.unwrap_or(d.healthy),
        timeout: tg.timeout.unwrap_or(d.timeout),
    }
}

/// `regions[].load_balancer` for every region whose load balancer a record or endpoint uses.
fn attach_lbs(cx: &mut Ctx<'_>, set: &mut ArmSet) -> Res<()> {
    let inv = cx.inv;
    let uses = std::mem::take(&mut cx.lbs);
    for region in &mut set.regions {
        let here: Vec<_> = uses.iter().filter(|u| u.0 == region.name).collect();
        let Some(first) = here.first() else { continue };
        let doc = here.iter().find_map(|u| {
            inv.load_balancers.iter().find(|lb| {
                (u.2.is_some() && lb.dns_name == u.2)
                    || (u.3.is_some() && Some(&lb.arn) == u.3.as_ref())
            })
        });
        let kind = match doc {
            Some(lb) => match lb.lb_type.as_str() {
                "application" => "alb",
                "network" => "nlb",
                other => {
                    return Err(err_at(
                        &lb.src,
                        "Type",
                        format!("a {other:?} load balancer: not supported yet"),
                    ));
                }
            },
            None => match first.1 {
                LbKind::Nlb => "nlb",
                _ => "alb",
            },
        };
        // Distinct load balancers: a DNS name and an ARN of one documented LB are one.
        let mut distinct: Vec<String> = here
            .iter()
            .map(|u| {
                inv.load_balancers
                    .iter()
                    .find(|lb| {
                        (u.2.is_some() && lb.dns_name == u.2)
                            || (u.3.is_some() && Some(&lb.arn) == u.3.as_ref())
                    })
                    .map(|lb| lb.arn.clone())
                    .or_else(|| u.2.clone().or_else(|| u.3.clone()))
                    .unwrap_or_default()
            })
            .collect();
        distinct.sort();
        distinct.dedup();
        if distinct.len() > 1 {
            cx.notes.push(format!(
                "{}: several load balancers are used ({}); the region's load_balancer is the first",
                region.name,
                distinct.join(", ")
            ));
        }
        let tg = doc.and_then(|lb| {
            inv.target_groups
                .iter()
                .find(|tg| tg.lb_arns.contains(&lb.arn))
        });
        let ir = match (doc, tg) {
            (Some(lb), Some(tg)) => LbIr { kind: kind.into(), hc: tg_hc(tg, kind), assumed: None, src: format!("load balancer {}, target group {}", lb.src, tg.src) },
            (Some(lb), None) => LbIr {
                kind: kind.into(),
                hc: lb_defaults(kind),
                assumed: Some("no target group of this load balancer read (describe-target-groups): ELB's defaults".into()),
                src: format!("load balancer {}", lb.src),
            },
            (None, _) => LbIr {
                kind: kind.into(),
                hc: lb_defaults(kind),
                assumed: Some(format!(
                    "no describe-load-balancers/describe-target-groups output for it: type from its {}, ELB's defaults",
                    if first.2.is_some() { "DNS name" } else { "ARN" }
                )),
                src: first.4.clone(),
            },
        };
        region.lb = Some(ir);
    }
    Ok(())
}
