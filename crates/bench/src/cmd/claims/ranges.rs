//! ASSUMED values a verdict may depend on, and the range each is shown over.
//!
//! A range is a list of points; a point is a list of [`Set`]s applied to the seed workload's
//! TOML with the sweep machinery ([`crate::sweep::plan`], the `--grid KEY=V` key paths), so
//! every point is validated like a workload. An empty point is the workload as written. Each
//! point is labelled from the *loaded* workload ([`Range::describe`]), never from the
//! overrides, so a label says what was run.

use sim_engine::config::{ArmKind, LbKind, ModelParams, TtlPolicy, Workload};
use sim_engine::{Micros, SEC};
use toml::{Table, Value};

use crate::sweep::{Axis, parse_key, parse_value};

/// One change to a seed workload.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Set {
    /// A key path (`--grid` form) and a TOML literal. In the path, `*` stands for every index
    /// of that array (`regions.*.load_balancer…`) and `{arm}` for the claim arm's index.
    Key(&'static str, &'static str),
    /// The TTL-extending resolver class: its share of clients and its floor (s). The class with
    /// a `ttl = { mode = "floor" }` gets them; without one, a copy of the largest other class
    /// is added as `extends-ttl`. The other classes' shares are scaled to sum to 1 − share.
    Extending { share: f64, floor_s: u64 },
    /// `regions[].overload.probes.elb` ("shed" / "exempt") on every region with an `overload`
    /// table, keeping its Route 53 and GA settings (a plain word becomes a table).
    ElbProbes(&'static str),
    /// The claim arm's ARC `control.flip_at`: this many seconds after the first failure.
    FlipDelay(u64),
}

/// An ASSUMED value and the points it is shown at.
pub struct Range {
    /// Folder name under the workload's output folder.
    pub id: &'static str,
    /// What is assumed, in words.
    pub assumption: &'static str,
    /// Why this range, with its sources.
    pub why: &'static str,
    pub points: &'static [&'static [Set]],
    /// The point's label, from the loaded workload and the claim arm's index.
    pub describe: fn(&Workload, usize) -> String,
}

const ALB_5X2: [Set; 3] = [
    Set::Key("regions.*.load_balancer.health_check.interval", "\"5s\""),
    Set::Key(
        "regions.*.load_balancer.health_check.unhealthy_threshold",
        "2",
    ),
    // ELB refuses a timeout that is not less than the interval (ELB-API
    // `HealthCheckTimeoutSeconds`, 2–120 s): 4 s is the longest a 5 s interval allows.
    Set::Key("regions.*.load_balancer.health_check.timeout", "\"4s\""),
];

const fn ext(share: f64, floor_s: u64) -> Set {
    Set::Extending { share, floor_s }
}

/// RIPE's 4.17 % of resolvers extending the TTL (shared/research/ttl-behaviour.md) at a 300 s
/// floor.
const RIPE_300: Set = ext(0.0417, 300);
/// PAM 2023's 8.74 % at a 300 s floor.
const PAM_300: Set = ext(0.0874, 300);
/// RIPE's share at the 600 s ISP floor anecdote.
const RIPE_600: Set = ext(0.0417, 600);
/// PAM 2023's share at 600 s.
const PAM_600: Set = ext(0.0874, 600);

/// The TTL-extending share and floor on a workload whose resolvers all honour the TTL.
pub const TTL_FROM_HONEST: Range = Range {
    id: "ttl-extending",
    assumption: "the share of clients behind TTL-extending resolvers, and their floor",
    why: "share 0 (the workload: every resolver honours the TTL, the floor the seed means), \
          4.17 % (RIPE measurement) and 8.74 % (PAM 2023, Bhowmick et al.: a share of resolver \
          IP addresses, read here as a share of clients), the 4–9 % bracket of \
          shared/research/ttl-behaviour.md; floor 300 s (gtsim's default, no source) and 600 s \
          (the one ISP anecdote found, gtsim's `pam2023` preset). No measurement gives the \
          floor.",
    points: &[&[], &[RIPE_300], &[PAM_300], &[RIPE_600], &[PAM_600]],
    describe: |w, _| ttl_mix(w),
};

/// The same assumption on a workload that already has an extending class: its corners.
pub const TTL_CORNERS: Range = Range {
    id: "ttl-extending",
    assumption: "the share of clients behind TTL-extending resolvers, and their floor",
    why: "the workload's class (PAM 2023's 8.74 % with an assumed 300 s floor) and the two \
          opposite corners of the bracket from shared/research/ttl-behaviour.md: 4.17 % (RIPE) \
          at 300 s, the shortest tail, and 8.74 % at 600 s (the ISP anecdote, gtsim's \
          `pam2023` preset), the longest. The tail percentiles follow the floor one for one.",
    points: &[&[], &[RIPE_300], &[PAM_600]],
    describe: |w, _| ttl_mix(w),
};

/// The operator's delay before an ARC routing-control flip.
pub const FLIP_DELAY: Range = Range {
    id: "arc-flip-delay",
    assumption: "the operator's (or automation's) delay between the loss and the ARC flip",
    why: "the seed gives no figure: 0 s (automation flips at once), 60 s (the workload: the \
          seed's promotion steps are \"under 60 seconds\") and 300 s (a human paged, who \
          confirms before flipping).",
    points: &[
        &[Set::FlipDelay(0)],
        &[Set::FlipDelay(60)],
        &[Set::FlipDelay(300)],
    ],
    describe: flip_delay,
};

/// ALB target-group health checks at the workload's settings and at 5 s × 2.
pub const ALB_CHECKS: Range = Range {
    id: "alb-checks",
    assumption: "the ALB target group's health-check settings",
    why: "as the workload has them (ELB's defaults unless it sets them: 30 s × 2, ALB timeout \
          5 s, docs/workload.md) and tuned to 5 s × 2 (ALB-UG: interval \"5–300 seconds\", \
          threshold 2–10; timeout 4 s, the longest below the interval).",
    points: &[&[], &ALB_5X2],
    describe: |w, _| alb_checks(w),
};

/// The split-brain workload: ALB checks × ELB probes shed or exempt under overload.
pub const SPLIT_BRAIN: Range = Range {
    id: "alb-checks-elb-probes",
    assumption: "the ALB target-group checks, and whether an overloaded region sheds ELB probes",
    why: "ALB checks as the workload has them and at 5 s × 2 (timeout 4 s); ELB probes shed or \
          exempt: ELB sends them from the load balancer's nodes straight to the targets \
          (ALB-UG), so a front-door shedder does not see them, but saturated targets could \
          still time them out. AWS publishes neither.",
    points: &[
        &[Set::ElbProbes("shed")],
        &[Set::ElbProbes("exempt")],
        &[ALB_5X2[0], ALB_5X2[1], ALB_5X2[2], Set::ElbProbes("shed")],
        &[ALB_5X2[0], ALB_5X2[1], ALB_5X2[2], Set::ElbProbes("exempt")],
    ],
    describe: |w, _| format!("{} with {}", alb_checks(w), elb_probes(w)),
};

fn secs(us: Micros) -> String {
    let s = us as f64 / SEC as f64;
    format!("{s} s")
}

fn percent(share: f64) -> String {
    let p = format!("{:.2}", share * 100.0);
    let p = p.trim_end_matches('0').trim_end_matches('.');
    format!("{p} %")
}

/// "TTL-extending 8.74 % (floor 300 s)" or "every resolver honours the TTL".
pub fn ttl_mix(w: &Workload) -> String {
    let parts: Vec<String> =
        w.resolvers
            .iter()
            .filter_map(|r| match (&r.ttl_mix, &r.ttl) {
                (Some(_), _) => Some(format!("{} {}: a TTL mix preset", r.name, percent(r.share))),
                (None, TtlPolicy::Floor { min } | TtlPolicy::FloorCap { min, .. }) => Some(
                    format!("TTL-extending {} (floor {})", percent(r.share), secs(*min)),
                ),
                _ => None,
            })
            .collect();
    if parts.is_empty() {
        "every resolver honours the TTL".into()
    } else {
        parts.join(", ")
    }
}

/// "ARC flip 60 s after the loss".
pub fn flip_delay(w: &Workload, arm: usize) -> String {
    let flip = match w.arms.get(arm).map(|a| &a.kind) {
        Some(ArmKind::Route53(r)) => r.control.as_ref().map(|c| c.flip_at),
        _ => None,
    };
    match (flip, w.failures.first()) {
        (Some(f), Some(fail)) if f >= fail.at => {
            format!("ARC flip {} after the loss", secs(f - fail.at))
        }
        (Some(f), Some(fail)) => format!("ARC flip {} before the loss", secs(fail.at - f)),
        _ => "no ARC flip".into(),
    }
}

/// "ALB checks 30 s × 2 (timeout 5 s)", from the first region's load balancer.
pub fn alb_checks(w: &Workload) -> String {
    let p = ModelParams::of(w);
    match p.load_balancers.first() {
        None => "no load balancer".into(),
        Some(lb) => {
            let h = &lb.health_check;
            let kind = match lb.kind {
                LbKind::Alb => "ALB",
                LbKind::Nlb => "NLB",
            };
            format!(
                "{kind} checks {} × {} (timeout {})",
                secs(h.interval),
                h.unhealthy_threshold,
                secs(h.timeout)
            )
        }
    }
}

/// "ELB probes shed" / "ELB probes exempt" over the regions with a capacity.
pub fn elb_probes(w: &Workload) -> String {
    let p = ModelParams::of(w);
    let shed: Vec<bool> = w
        .regions
        .iter()
        .zip(&p.probes)
        .filter(|(r, _)| r.capacity_rps.is_some())
        .map(|(_, s)| s.elb)
        .collect();
    match (shed.iter().all(|s| *s), shed.iter().any(|s| *s)) {
        _ if shed.is_empty() => "no region has a capacity".into(),
        (true, _) => "ELB probes shed".into(),
        (false, false) => "ELB probes exempt".into(),
        _ => "ELB probes shed in some regions".into(),
    }
}

/// The `--grid`-style axes (one value each) that apply `sets` to `base`, the workload's TOML,
/// `loaded` being the same workload loaded; `arm` is the claim arm's index.
pub fn axes(
    base: &Table,
    loaded: &Workload,
    sets: &[Set],
    arm: usize,
) -> Result<Vec<Axis>, String> {
    let mut out = Vec::new();
    let mut push = |key: String, value: Value| -> Result<(), String> {
        let path = parse_key(&key).map_err(|e| e.to_string())?;
        out.push(Axis {
            key: path.join("."),
            path,
            values: vec![value],
        });
        Ok(())
    };
    for set in sets {
        match *set {
            Set::Key(key, literal) => {
                let key = key.replace("{arm}", &arm.to_string());
                for k in expand(base, &key)? {
                    push(k, parse_value(literal))?;
                }
            }
            Set::Extending { share, floor_s } => {
                push("resolvers".into(), extending(base, share, floor_s)?)?;
            }
            Set::ElbProbes(word) => {
                for (i, region) in array(base, "regions")?.iter().enumerate() {
                    let Some(overload) = region.get("overload") else {
                        continue;
                    };
                    let mut probes = match overload.get("probes") {
                        Some(Value::String(all)) => ["route53", "ga"]
                            .into_iter()
                            .map(|k| (k.to_string(), Value::String(all.clone())))
                            .collect(),
                        Some(Value::Table(t)) => t.clone(),
                        _ => Table::new(),
                    };
                    probes.insert("elb".into(), Value::String(word.into()));
                    push(format!("regions.{i}.overload.probes"), Value::Table(probes))?;
                }
            }
            Set::FlipDelay(delay) => {
                let fail = loaded
                    .failures
                    .first()
                    .ok_or("an ARC flip delay needs a [[failures]] entry")?;
                let at = fail.at / SEC + delay;
                push(
                    format!("arms.{arm}.control.flip_at"),
                    Value::String(format!("{at}s")),
                )?;
            }
        }
    }
    Ok(out)
}

fn array<'a>(base: &'a Table, key: &str) -> Result<&'a Vec<Value>, String> {
    base.get(key)
        .and_then(Value::as_array)
        .ok_or_else(|| format!("the workload has no [[{key}]]"))
}

/// `regions.*.x` → `regions.0.x`, `regions.1.x`, … (one `*`, after a top-level array).
fn expand(base: &Table, key: &str) -> Result<Vec<String>, String> {
    let Some((head, tail)) = key.split_once(".*") else {
        return Ok(vec![key.to_string()]);
    };
    let n = array(base, head)?.len();
    Ok((0..n).map(|i| format!("{head}.{i}{tail}")).collect())
}

/// The `resolvers` array with the TTL-extending class at `share` and `floor_s`.
fn extending(base: &Table, share: f64, floor_s: u64) -> Result<Value, String> {
    if !(share > 0.0 && share < 1.0) {
        return Err(format!("extending share {share} is not in (0, 1)"));
    }
    let mut classes: Vec<Table> = array(base, "resolvers")?
        .iter()
        .map(|v| v.as_table().cloned().ok_or("resolvers[] is not a table"))
        .collect::<Result<_, _>>()?;
    let is_floor = |t: &Table| {
        t.get("ttl")
            .and_then(|v| v.get("mode"))
            .and_then(Value::as_str)
            .is_some_and(|m| m == "floor")
    };
    let share_of = |t: &Table| t.get("share").and_then(Value::as_float).unwrap_or(0.0);
    let floor_ttl = || {
        let mut t = Table::new();
        t.insert("mode".into(), Value::String("floor".into()));
        t.insert("min".into(), Value::String(format!("{floor_s}s")));
        Value::Table(t)
    };
    let at = match classes.iter().position(is_floor) {
        Some(i) => i,
        None => {
            let largest = classes
                .iter()
                .max_by(|a, b| share_of(a).total_cmp(&share_of(b)))
                .ok_or("the workload has no [[resolvers]]")?;
            let mut c = largest.clone();
            c.insert("name".into(), Value::String("extends-ttl".into()));
            classes.push(c);
            classes.len() - 1
        }
    };
    let others: f64 = (0..classes.len())
        .filter(|&i| i != at)
        .map(|i| share_of(&classes[i]))
        .sum();
    if others <= 0.0 {
        return Err("no resolver class besides the extending one".into());
    }
    for (i, c) in classes.iter_mut().enumerate() {
        let s = if i == at {
            c.insert("ttl".into(), floor_ttl());
            share
        } else {
            share_of(c) * (1.0 - share) / others
        };
        c.insert("share".into(), Value::Float(s));
    }
    Ok(Value::Array(
        classes.into_iter().map(Value::Table).collect(),
    ))
}
