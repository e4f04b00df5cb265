//! `[simulation]`.

use sim_engine::config::Simulation;
use sim_engine::{Micros, SEC};

use super::super::duration::format_duration;
use super::super::schema::RawSimulation;
use super::{At, Res};

/// Default `[simulation] bin`.
const DEFAULT_BIN: Micros = 5 * SEC;

pub(super) fn simulation(top: &At, raw: Option<RawSimulation>) -> Res<Simulation> {
    let raw = raw.ok_or_else(|| {
        top.at(
            "simulation",
            "[simulation] is required (with duration and clients)",
        )
    })?;
    let o = top.key("simulation");
    let duration = o.req("duration", raw.duration)?.0;
    let duration = o.positive("duration", Some(duration))?.unwrap_or(0);
    o.req("clients", raw.clients)?;
    let clients = o.u64_from("clients", raw.clients, 1)?.unwrap_or(1);
    let seed = o.u64_from("seed", raw.seed, 0)?.unwrap_or(1);
    let bin = o.positive("bin", raw.bin.map(|d| d.0))?;
    if let Some(b) = bin {
        if b > duration {
            return Err(o.at(
                "bin",
                format!(
                    "must not exceed simulation.duration ({}), got {}",
                    format_duration(duration),
                    format_duration(b)
                ),
            ));
        }
    } else if DEFAULT_BIN > duration {
        return Err(o.at(
            "bin",
            format!(
                "the default bin, {}, exceeds simulation.duration ({}); set a shorter bin",
                format_duration(DEFAULT_BIN),
                format_duration(duration)
            ),
        ));
    }
    Ok(Simulation {
        duration,
        seed,
        clients,
        bin: bin.unwrap_or(DEFAULT_BIN),
        warm_start: raw.warm_start.unwrap_or(true),
    })
}
