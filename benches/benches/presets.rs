//! The presets bench: the embedded default workload (`gtsim::DEFAULT_WORKLOAD`) run under each
//! population preset (`gtsim::workload::apply_population`, keeping the workload's request
//! rate), in this one process, one preset after another. Prints events, wall time, events per wall second and per CPU second, and
//! each preset's CPU cost per event relative to `honest` (the bound: at most 2x).
//!
//! CPU seconds (`/proc/self/stat`, all threads) are the fairer measure on a shared machine:
//! other processes lengthen wall time, not this process's CPU time.
//!
//! Run: `cargo bench -p gtsim-benches --bench presets` (200,000 clients)
//!  or: `cargo bench -p gtsim-benches --bench presets -- 1000000`
//! `GTSIM_SCALE_THREADS` sets the worker threads (default 0 = one per core).

use std::process::ExitCode;
use std::time::Instant;

use resolver_models::presets::{POPULATIONS, population};
use sim_engine::run::{RunOptions, run};

/// CPU time (user + system, all threads) of this process so far, seconds (`/proc/self/stat`
/// fields 14 and 15 in 1/100 s ticks).
fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    let rest = &stat[stat.rfind(')')? + 2..];
    let f: Vec<&str> = rest.split_whitespace().collect();
    let utime: f64 = f.get(11)?.parse().ok()?;
    let stime: f64 = f.get(12)?.parse().ok()?;
    Some((utime + stime) / 100.0)
}

fn main() -> ExitCode {
    let clients: u64 = std::env::args()
        .skip(1)
        .find(|a| !a.starts_with('-'))
        .and_then(|a| a.replace('_', "").parse().ok())
        .unwrap_or(200_000);
    let threads = std::env::var("GTSIM_SCALE_THREADS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let base = match gtsim::workload::parse_workload(gtsim::DEFAULT_WORKLOAD) {
        Ok(w) => w,
        Err(e) => {
            eprintln!("presets: default workload does not load: {e}");
            return ExitCode::FAILURE;
        }
    };
    println!(
        "default workload ({}) at {clients} clients under each population preset",
        base.name
    );
    println!(
        "{:<18} {:>12} {:>8} {:>8} {:>10} {:>10} {:>14}",
        "preset", "events", "wall s", "cpu s", "Mev/s wall", "Mev/s cpu", "cpu/event vs honest"
    );
    let mut honest_ns = None;
    // honest first, so the others can be compared with it.
    let mut order: Vec<&str> = vec!["honest"];
    order.extend(POPULATIONS.iter().filter(|p| **p != "honest"));
    for name in order {
        let p = population(name).expect("known preset");
        let mut w = base.clone();
        w.simulation.clients = clients;
        gtsim::workload::apply_population(&mut w, &p);
        // Same request process for every preset (server-to-server's one call per second would
        // otherwise make its run 30x longer): the bench measures the cost of the caching
        // behaviour per event, not of a different request rate.
        for c in std::iter::once(&mut w.clients).chain(w.arms.iter_mut().map(|a| &mut a.clients)) {
            c.request_rate = base.clients.request_rate;
        }
        let opts = RunOptions {
            threads,
            ..RunOptions::default()
        };
        let cpu0 = cpu_seconds().unwrap_or(f64::NAN);
        let t = Instant::now();
        let out = match run(&w, &opts, &|_, _| {}) {
            Ok(o) => o,
            Err(e) => {
                eprintln!("presets: {name}: run failed: {e}");
                return ExitCode::FAILURE;
            }
        };
        let wall = t.elapsed().as_secs_f64();
        let cpu = cpu_seconds().unwrap_or(f64::NAN) - cpu0;
        let ns_per_event = cpu * 1e9 / out.events as f64;
        let base_ns = *honest_ns.get_or_insert(ns_per_event);
        println!(
            "{:<18} {:>12} {:>8.2} {:>8.2} {:>10.2} {:>10.2} {:>13.2}x",
            name,
            out.events,
            wall,
            cpu,
            out.events as f64 / wall / 1e6,
            out.events as f64 / cpu / 1e6,
            ns_per_event / base_ns
        );
    }
    ExitCode::SUCCESS
}
