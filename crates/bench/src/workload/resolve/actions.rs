//! `[[actions]]`: timed changes of a Route 53 record's weight or a Global Accelerator endpoint
//! group's traffic dial.

use sim_engine::config::{Action, ActionTarget, Arm, ArmKind, Policy, Simulation};

use super::super::names::expected_one_of;
use super::super::schema::{RawAction, Tables};
use super::{At, Res, items, num};

/// `key` is written `records[0].weight` or `records.0.weight`
/// (`endpoint_groups[1].traffic_dial`); the record or group must exist in that arm.
pub(super) fn actions(
    top: &At,
    raw: Option<Tables<RawAction>>,
    sim: &Simulation,
    arms: &[Arm],
) -> Res<Vec<Action>> {
    let mut out = Vec::new();
    for (o, a) in items(top, "actions", raw) {
        let at = o.req("at", a.at)?.0;
        if at >= sim.duration {
            return Err(o.at("at", "must be before the end of the simulation"));
        }
        let arm_name = o.req("arm", a.arm)?;
        let Some(arm) = arms.iter().position(|x| x.name == arm_name) else {
            let names: Vec<&str> = arms.iter().map(|x| x.name.as_str()).collect();
            return Err(o.at("arm", expected_one_of(&names, &arm_name)));
        };
        let key = o.req("key", a.key)?;
        // Accept both `records[0].weight` and `records.0.weight`.
        let norm = key.replace('[', ".").replace(']', "");
        let parts: Vec<&str> = norm.split('.').collect();
        let value = o.req("value", num(a.value))?;
        let target = match (parts.as_slice(), &arms[arm].kind) {
            (["records", i, "weight"], ArmKind::Route53(r)) => {
                let record: usize = i
                    .parse()
                    .map_err(|_| o.at("key", format!("bad record index in {key:?}")))?;
                if record >= r.records.len() {
                    return Err(o.at(
                        "key",
                        format!("arm {arm_name:?} has {} records", r.records.len()),
                    ));
                }
                if r.policy != Policy::Weighted {
                    return Err(o.at("key", "weights exist only for policy = \"weighted\""));
                }
                if !(0.0..=255.0).contains(&value) || value.fract() != 0.0 {
                    return Err(o.at("value", "a weight is an integer from 0 to 255"));
                }
                ActionTarget::RecordWeight {
                    record,
                    weight: value as u32,
                }
            }
            (["endpoint_groups", i, "traffic_dial"], ArmKind::GlobalAccelerator(g)) => {
                let group: usize = i
                    .parse()
                    .map_err(|_| o.at("key", format!("bad group index in {key:?}")))?;
                if group >= g.endpoint_groups.len() {
                    return Err(o.at(
                        "key",
                        format!(
                            "arm {arm_name:?} has {} endpoint groups",
                            g.endpoint_groups.len()
                        ),
                    ));
                }
                if !(0.0..=100.0).contains(&value) {
                    return Err(o.at("value", "a traffic dial is between 0 and 100 (percent)"));
                }
                ActionTarget::TrafficDial { group, dial: value }
            }
            _ => {
                return Err(o.at(
                    "key",
                    format!(
                        "{key:?} is not an action key for this arm: use records[N].weight \
                         (Route 53 weighted) or endpoint_groups[N].traffic_dial (Global \
                         Accelerator)"
                    ),
                ));
            }
        };
        out.push(Action { at, arm, target });
    }
    out.sort_by_key(|a| a.at); // stable: actions at the same time keep their order
    Ok(out)
}
