//! The engine hot loop: `sim_engine::run::run` with one thread on a small in-code workload
//! (`gtsim_benches::hot_loop_workload`: 16 384 clients, two regions, one failover arm TTL 60 s
//! with 30 s x 3 health checks, region 0 blackholed at 10 min, 20 min recorded).
//!
//! Throughput is the run's event count (requests, retries and failure declarations, as
//! `RunOutput.events` counts them), so criterion's `elem/s` is engine events per second on
//! one core, including per-run set-up (control-plane timelines, population, merge).
//!
//! Run: `cargo bench -p gtsim-benches --bench hot_loop`.
//! `GTSIM_BENCH_SHARDS=1024,4096,65536` adds the same run at those `shard_clients`.

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use gtsim_benches::hot_loop_workload;
use sim_engine::run::{RunOptions, run};

const CLIENTS: u64 = 16_384;

fn hot_loop(c: &mut Criterion) {
    let w = hot_loop_workload(CLIENTS);
    let opts = RunOptions {
        threads: 1,
        ..RunOptions::default()
    };
    let events = run(&w, &opts, &|_, _| {}).expect("run").events;
    eprintln!("hot_loop: {CLIENTS} clients, {events} events per run");

    let mut group = c.benchmark_group("hot_loop");
    group
        .throughput(Throughput::Elements(events))
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(8));
    group.bench_function("run_16384_clients_1_thread", |b| {
        b.iter(|| black_box(run(black_box(&w), &opts, &|_, _| {}).expect("run").events))
    });
    group.finish();

    // Optional: the same run at other shard sizes (results are identical by design; only
    // cache behaviour and per-shard overhead change). GTSIM_BENCH_SHARDS=1024,4096,65536.
    if let Ok(list) = std::env::var("GTSIM_BENCH_SHARDS") {
        let mut group = c.benchmark_group("hot_loop_shard_clients");
        group
            .throughput(Throughput::Elements(events))
            .sample_size(10)
            .warm_up_time(Duration::from_secs(1))
            .measurement_time(Duration::from_secs(8));
        for s in list.split(',').filter_map(|s| s.trim().parse::<u64>().ok()) {
            let opts = RunOptions {
                threads: 1,
                shard_clients: s,
                ..RunOptions::default()
            };
            group.bench_function(format!("shard_{s}"), |b| {
                b.iter(|| black_box(run(black_box(&w), &opts, &|_, _| {}).expect("run").events))
            });
        }
        group.finish();
    }
}

criterion_group!(benches, hot_loop);
criterion_main!(benches);
