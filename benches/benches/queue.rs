//! Hold-model benchmark of the pending-event set: `sim_engine::queue::RadixHeap` and
//! `sim_engine::queue::CalendarQueue` against `std::collections::BinaryHeap<Reverse<(u64, u32)>>`.
//!
//! Each iteration is one hold step (pop the minimum, push it back at key + Exp(mean 100)), so
//! criterion's `elem/s` is events per second. Sizes are the number of pending events: 10^3,
//! 10^5, 10^6, and 10^7 with `GTSIM_BENCH_BIG=1` (about 1.1 GB peak RSS and 1.5 minutes more).
//! `GTSIM_QUEUE_SIZES=1000,50000` replaces the list.
//!
//! `CalendarQueue` is `sim_engine::queue::CalendarQueue`, sized with `for_density` as the
//! engine sizes it (density = pending / mean increment, horizon = mean increment). With
//! mean-100 integer keys and 10^6+ pending, each key value is shared by 10^4+ events, so it
//! sorts large runs of ties; the engine's microsecond keys are nearly all distinct, which is
//! what `hold_engine_shard` measures.
//!
//! `hold_engine_shard` runs the same model in the engine's own shape: 2048 or 16384 pending
//! (one shard's clients), increments of mean 30 s in microseconds.
//!
//! `rng_only` times the increment draw alone (a counter-based SplitMix hash and a `ln`), which
//! every hold step pays on top of the queue: subtract its time per element to get queue-only
//! figures comparable with `shared/research/peers.md` section 4.
//!
//! Run: `cargo bench -p gtsim-benches --bench queue`.

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use gtsim_benches::{HOLD_MEAN, Hold, HoldModel, StdBinaryHeap, calendar_for_hold, rng_only};
use sim_engine::queue::RadixHeap;
use sim_engine::rng::{Rng, Stream};

fn sizes() -> Vec<usize> {
    if let Ok(list) = std::env::var("GTSIM_QUEUE_SIZES") {
        return list
            .split(',')
            .map(|s| {
                s.trim()
                    .replace('_', "")
                    .parse()
                    .expect("GTSIM_QUEUE_SIZES: comma-separated integers")
            })
            .collect();
    }
    let mut v = vec![1_000, 100_000, 1_000_000];
    if std::env::var("GTSIM_BENCH_BIG").is_ok_and(|v| v == "1") {
        v.push(10_000_000);
    }
    v
}

/// Bench one queue at one size. The model is built once (outside the timing) and keeps running
/// across criterion's warm-up and samples, so it is measured in its steady state.
fn bench_queue<H: Hold>(
    group: &mut criterion::BenchmarkGroup<'_, criterion::measurement::WallTime>,
    name: &str,
    n: usize,
    mean: f64,
    make: impl Fn() -> H,
) {
    let mut model = HoldModel::new(make(), n, mean, 1);
    // Settle: enough steps that every event has been popped a few times.
    black_box(model.run((4 * n as u64).max(1_000_000)));
    group.bench_with_input(BenchmarkId::new(name, n), &n, |b, _| {
        b.iter_custom(|iters| {
            let t = Instant::now();
            black_box(model.run(iters));
            t.elapsed()
        })
    });
}

fn hold(c: &mut Criterion) {
    let mut group = c.benchmark_group("hold");
    group
        .throughput(Throughput::Elements(1))
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));

    let rng = Rng::new(1, Stream::RequestTimes);
    let mut at = 0u64;
    group.bench_function("rng_only", |b| {
        b.iter_custom(|iters| {
            let t = Instant::now();
            black_box(rng_only(&rng, at, iters, HOLD_MEAN));
            at += iters;
            t.elapsed()
        })
    });

    for n in sizes() {
        bench_queue(&mut group, "RadixHeap", n, HOLD_MEAN, RadixHeap::new);
        bench_queue(
            &mut group,
            "BinaryHeap",
            n,
            HOLD_MEAN,
            StdBinaryHeap::default,
        );
        bench_queue(&mut group, "CalendarQueue", n, HOLD_MEAN, || {
            calendar_for_hold(n, HOLD_MEAN)
        });
    }
    group.finish();

    // The engine's own shape: one shard's pending set (2048 or 16384 clients, one pending
    // request each) with Poisson gaps of mean 30 s in microseconds, so keys are
    // nearly all distinct and spread over ~2^25 units, unlike the mean-100 model above.
    let mut group = c.benchmark_group("hold_engine_shard");
    group
        .throughput(Throughput::Elements(1))
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    for n in [2_048, 16_384] {
        bench_queue(&mut group, "RadixHeap", n, ENGINE_MEAN, RadixHeap::new);
        bench_queue(
            &mut group,
            "BinaryHeap",
            n,
            ENGINE_MEAN,
            StdBinaryHeap::default,
        );
        bench_queue(&mut group, "CalendarQueue", n, ENGINE_MEAN, || {
            calendar_for_hold(n, ENGINE_MEAN)
        });
    }
    group.finish();
}

/// Mean request gap of the default workload (1/30 s) in microseconds.
const ENGINE_MEAN: f64 = 30e6;

criterion_group!(benches, hold);
criterion_main!(benches);
