//! A request run ahead of its turn in the event queue (`RunOptions::run_ahead`, the engine's
//! `Shard::runs_ahead`) changes no figure: every shipped workload (`workloads/`) and both fixed
//! performance workloads (`benches/workloads/`) give the same summary, curves, distributions,
//! class figures, region loads and event count with it on as in the reference order (off),
//! and it does run requests ahead on each of them.

use std::path::{Path, PathBuf};

use gtsim::workload::parse_workload;
use sim_engine::run::{RunOptions, RunOutput, run};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn go(w: &sim_engine::config::Workload, run_ahead: bool) -> RunOutput {
    let opts = RunOptions {
        threads: 2,
        run_ahead,
        ..RunOptions::default()
    };
    run(w, &opts, &|_, _| {}).expect("runs")
}

fn same(name: &str, a: &RunOutput, b: &RunOutput) {
    assert_eq!(a.summary, b.summary, "{name}: summary");
    assert_eq!(a.curves.len(), b.curves.len(), "{name}: curves");
    for (x, y) in a.curves.iter().zip(&b.curves) {
        assert_eq!(x.bins, y.bins, "{name}: curve of {}", x.name);
    }
    assert_eq!(a.distributions, b.distributions, "{name}: distributions");
    assert_eq!(a.classes, b.classes, "{name}: classes");
    assert_eq!(a.loads, b.loads, "{name}: loads");
    assert_eq!(a.events, b.events, "{name}: events");
}

#[test]
fn running_ahead_changes_no_output_on_any_shipped_workload() {
    let mut files: Vec<PathBuf> = ["workloads", "benches/workloads"]
        .iter()
        .flat_map(|d| std::fs::read_dir(repo().join(d)).expect("folder"))
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    assert!(files.len() >= 19, "found {} workloads", files.len());
    let mut kept_alive = 0;
    for f in &files {
        let name = f.file_name().unwrap().to_string_lossy().into_owned();
        let text = std::fs::read_to_string(f).expect("readable");
        let mut w = parse_workload(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
        // Small enough for a test, large enough for shared resolvers, retries and overload
        // (capacities scale with the client count).
        w.simulation.clients = w.simulation.clients.min(20_000);
        let (on, off) = (go(&w, true), go(&w, false));
        same(&name, &on, &off);
        assert_eq!(
            off.ran_ahead, 0,
            "{name}: the reference order runs nothing ahead"
        );
        assert!(
            on.ran_ahead < on.events,
            "{name}: not every event can run ahead"
        );
        eprintln!("{name}: {} of {} events ran ahead", on.ran_ahead, on.events);
        // Only a request over a kept-alive connection may run ahead (the `honest` preset, by
        // definition, keeps none).
        if w.arms.iter().any(|a| a.clients.keepalive_idle > 0) {
            assert!(on.ran_ahead > 0, "{name}: nothing ran ahead");
            kept_alive += 1;
        }
    }
    assert!(
        kept_alive >= 10,
        "{kept_alive} workloads keep connections alive"
    );
}
