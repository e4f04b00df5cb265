//! `[[failures]]`.

use sim_engine::config::{Failure, FailureKind, HardMode, Region, Simulation};

use super::super::duration::format_duration;
use super::super::names::FailureKind as Kind;
use super::super::schema::{RawFailure, Tables};
use super::{At, Res, items, num};

pub(super) fn failures(
    top: &At,
    raw: Option<Tables<RawFailure>>,
    sim: &Simulation,
    regions: &[Region],
) -> Res<Vec<Failure>> {
    let mut out = Vec::new();
    for (o, f) in items(top, "failures", raw) {
        let region = o.region("region", f.region, regions)?;
        let at = o.req("at", f.at)?.0;
        if at >= sim.duration {
            return Err(o.at(
                "at",
                format!(
                    "must be before the end of the simulation (simulation.duration = {}), got {}",
                    format_duration(sim.duration),
                    format_duration(at)
                ),
            ));
        }
        let kind = o.req("kind", f.kind)?.0;
        let degraded = matches!(kind, Kind::Brownout | Kind::Grey);
        if kind != Kind::Hard {
            o.only("mode", &f.mode, "kind = \"hard\"")?;
        }
        if !degraded {
            o.only(
                "error_rate",
                &f.error_rate,
                "kind = \"brownout\" or \"grey\"",
            )?;
            o.only(
                "added_latency",
                &f.added_latency,
                "kind = \"brownout\" or \"grey\"",
            )?;
        }
        let error_rate = num(f.error_rate).unwrap_or(0.0);
        if !(0.0..=1.0).contains(&error_rate) {
            return Err(o.at(
                "error_rate",
                format!("must be between 0 and 1 (got {error_rate})"),
            ));
        }
        let added_latency = f.added_latency.map_or(0, |d| d.0);
        let kind = match kind {
            Kind::Hard => FailureKind::Hard(f.mode.map_or(HardMode::Blackhole, |m| m.0)),
            Kind::Drain => FailureKind::Drain,
            Kind::Grey if error_rate == 0.0 => {
                return Err(o.at(
                    "error_rate",
                    "a grey failure serves errors: give error_rate > 0",
                ));
            }
            _ if error_rate == 0.0 && added_latency == 0 => {
                return Err(o.at(
                    "kind",
                    "a brownout needs error_rate > 0 or added_latency > 0",
                ));
            }
            Kind::Grey => FailureKind::Grey {
                error_rate,
                added_latency,
            },
            Kind::Brownout => FailureKind::Brownout {
                error_rate,
                added_latency,
            },
        };
        let recover_at = f.recover_at.map(|d| d.0);
        if let Some(r) = recover_at.filter(|&r| r <= at) {
            return Err(o.at(
                "recover_at",
                format!(
                    "must be after at ({}), got {}",
                    format_duration(at),
                    format_duration(r)
                ),
            ));
        }
        out.push(Failure {
            region,
            at,
            kind,
            recover_at,
        });
    }
    Ok(out)
}
