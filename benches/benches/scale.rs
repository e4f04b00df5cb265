//! The scale bench: the embedded default workload (`gtsim::DEFAULT_WORKLOAD`) at several
//! client counts, each in a fresh child process so that peak RSS (VmHWM) is per size.
//!
//! Sizes: numbers on the command line (comma- or space-separated; `_` allowed), else
//! `GTSIM_SCALE_CLIENTS`, else `1000000,10000000`. `GTSIM_SCALE_THREADS` sets the worker
//! threads (default 0 = one per core). Prints one line per size (with the run's CPU time and
//! its share of the threads' cores: below ~0.95 other processes were competing for the cores
//! and the wall time overstates the engine's) and writes the same figures as
//! JSON lines to `<target dir>/scale-bench.jsonl` (replaced on each run).
//!
//! Run: `cargo bench -p gtsim-benches --bench scale`
//!  or: `cargo bench -p gtsim-benches --bench scale -- 100000,1000000`
//!
//! `GTSIM_SCALE_VARIANT` picks the workload: `default` (above); `ample-capacity`, the default
//! workload with a capacity no region reaches, so it runs in lockstep (one barrier per 5 s bin)
//! with the same events as the one-pass run: the wall-time difference is the lockstep overhead;
//! `split-brain`, `workloads/seed002-split-brain-capacity.toml` (a survivor overloaded after
//! a failover, capacity scaled to the client count).
//!
//! Targets (the project's): default workload at 10^6 clients in under 10 s wall on 2 cores;
//! 10^7 clients under 2 GiB peak RSS.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, ExitCode};
use std::time::Instant;

use sim_engine::run::{RunOptions, run};

/// Set in a child: the client count it runs.
const CHILD_ENV: &str = "GTSIM_SCALE_CHILD";
/// The child's result line starts with this.
const MARK: &str = "GTSIM_SCALE_RESULT";

fn threads() -> usize {
    std::env::var("GTSIM_SCALE_THREADS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0)
}

fn parse_list(s: &str) -> Result<Vec<u64>, String> {
    s.split(|c: char| c == ',' || c.is_whitespace())
        .filter(|x| !x.is_empty())
        .map(|x| {
            x.replace('_', "")
                .parse::<u64>()
                .map_err(|e| format!("bad client count {x:?}: {e}"))
        })
        .collect()
}

/// Peak resident set size of this process, MiB (Linux `VmHWM`).
fn peak_rss_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

/// CPU time (user + system, all threads) of this process so far, seconds: `/proc/self/stat`
/// fields 14 and 15, in clock ticks of 1/100 s (Linux's USER_HZ on every mainstream
/// architecture). Compared with wall x threads it shows whether the run had the cores to
/// itself: other processes on the machine lengthen wall time, not CPU time.
fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // The command name (field 2) is in parentheses and may contain spaces.
    let rest = &stat[stat.rfind(')')? + 2..];
    let f: Vec<&str> = rest.split_whitespace().collect();
    let utime: f64 = f.get(11)?.parse().ok()?;
    let stime: f64 = f.get(12)?.parse().ok()?;
    Some((utime + stime) / 100.0)
}

const SPLIT_BRAIN: &str = include_str!("../../workloads/seed002-split-brain-capacity.toml");

/// Child: run the workload of `GTSIM_SCALE_VARIANT` at `clients` and print one result line.
fn child(clients: u64) -> ExitCode {
    let variant = std::env::var("GTSIM_SCALE_VARIANT").unwrap_or_else(|_| "default".into());
    let text = match variant.as_str() {
        "default" | "ample-capacity" => gtsim::DEFAULT_WORKLOAD,
        "split-brain" => SPLIT_BRAIN,
        other => {
            eprintln!(
                "scale: GTSIM_SCALE_VARIANT={other:?}: unknown (known: default, ample-capacity, \
                 split-brain)"
            );
            return ExitCode::FAILURE;
        }
    };
    let mut w = match gtsim::workload::parse_workload(text) {
        Ok(w) => w,
        Err(e) => {
            eprintln!("scale: workload does not load: {e}");
            return ExitCode::FAILURE;
        }
    };
    if variant == "ample-capacity" {
        for r in &mut w.regions {
            r.capacity_rps = Some(sim_engine::config::Capacity {
                rps: 1e15,
                at_clients: w.simulation.clients,
                added_latency: sim_engine::overload::DEFAULT_ADDED_LATENCY,
                shed_probes: true,
            });
        }
        w.name += "+ample-capacity";
    }
    w.simulation.clients = clients;
    let opts = RunOptions {
        threads: threads(),
        ..RunOptions::default()
    };
    let cpu0 = cpu_seconds().unwrap_or(f64::NAN);
    let t = Instant::now();
    let out = match run(&w, &opts, &|_, _| {}) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("scale: run failed: {e}");
            return ExitCode::FAILURE;
        }
    };
    let wall = t.elapsed().as_secs_f64();
    let cpu = cpu_seconds().unwrap_or(f64::NAN) - cpu0;
    let rss = peak_rss_mib().unwrap_or(f64::NAN);
    println!(
        "{MARK} {clients} {} {} {wall} {rss} {} {cpu} {}",
        w.arms.len(),
        out.events,
        out.threads,
        w.name
    );
    ExitCode::SUCCESS
}

struct Row {
    clients: u64,
    arms: usize,
    events: u64,
    wall_s: f64,
    rss_mib: f64,
    threads: usize,
    cpu_s: f64,
    workload: String,
}

impl Row {
    fn parse(stdout: &str) -> Option<Row> {
        let line = stdout.lines().find(|l| l.starts_with(MARK))?;
        let f: Vec<&str> = line.split_whitespace().collect();
        Some(Row {
            clients: f.get(1)?.parse().ok()?,
            arms: f.get(2)?.parse().ok()?,
            events: f.get(3)?.parse().ok()?,
            wall_s: f.get(4)?.parse().ok()?,
            rss_mib: f.get(5)?.parse().ok()?,
            threads: f.get(6)?.parse().ok()?,
            cpu_s: f.get(7)?.parse().ok()?,
            workload: f.get(8).unwrap_or(&"").to_string(),
        })
    }

    fn mev_per_s(&self) -> f64 {
        self.events as f64 / self.wall_s / 1e6
    }

    /// Share of `threads` cores the run had (CPU time / (wall x threads)); well below 1 means
    /// other processes took cores, or the shards did not keep every thread busy.
    fn cpu_util(&self) -> f64 {
        self.cpu_s / (self.wall_s * self.threads as f64)
    }

    fn json(&self) -> String {
        format!(
            "{{\"workload\":\"{}\",\"clients\":{},\"arms\":{},\"events\":{},\"wall_s\":{:.3},\
             \"mevents_per_s\":{:.3},\"peak_rss_mib\":{:.1},\"rss_bytes_per_client\":{:.1},\
             \"threads\":{},\"cpu_s\":{:.2},\"cpu_util\":{:.3}}}",
            self.workload,
            self.clients,
            self.arms,
            self.events,
            self.wall_s,
            self.mev_per_s(),
            self.rss_mib,
            self.rss_mib * 1048576.0 / self.clients as f64,
            self.threads,
            self.cpu_s,
            self.cpu_util()
        )
    }
}

/// `<target>/scale-bench.jsonl`: the bench binary lives in `<target>/<profile>/deps/`.
fn jsonl_path() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .or_else(|| {
            let exe = std::env::current_exe().ok()?;
            Some(exe.parent()?.parent()?.parent()?.to_path_buf())
        });
    target
        .unwrap_or_else(|| PathBuf::from("target"))
        .join("scale-bench.jsonl")
}

fn main() -> ExitCode {
    if let Ok(n) = std::env::var(CHILD_ENV) {
        return match n.parse() {
            Ok(n) => child(n),
            Err(e) => {
                eprintln!("scale: {CHILD_ENV}={n:?}: {e}");
                ExitCode::FAILURE
            }
        };
    }

    // cargo bench passes `--bench` (and libtest-style flags); positional arguments are sizes.
    let positional: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    let spec = if !positional.is_empty() {
        positional.join(",")
    } else {
        std::env::var("GTSIM_SCALE_CLIENTS").unwrap_or_else(|_| "1000000,10000000".into())
    };
    let sizes = match parse_list(&spec) {
        Ok(v) if !v.is_empty() => v,
        Ok(_) => {
            eprintln!("scale: no client counts given");
            return ExitCode::FAILURE;
        }
        Err(e) => {
            eprintln!("scale: {e}");
            return ExitCode::FAILURE;
        }
    };
    let exe = std::env::current_exe().expect("current_exe");
    let path = jsonl_path();
    let mut jsonl = match std::fs::File::create(&path) {
        Ok(f) => Some(f),
        Err(e) => {
            eprintln!("scale: cannot write {}: {e}", path.display());
            None
        }
    };

    println!(
        "{:>12} {:>5} {:>15} {:>9} {:>11} {:>13} {:>8} {:>8} {:>8} {:>8}",
        "clients",
        "arms",
        "events",
        "wall_s",
        "M_events/s",
        "peak_RSS_MiB",
        "B/client",
        "threads",
        "cpu_s",
        "cpu_util"
    );
    let mut failed = false;
    for &n in &sizes {
        let out = Command::new(&exe).env(CHILD_ENV, n.to_string()).output();
        let row = match &out {
            Ok(o) if o.status.success() => Row::parse(&String::from_utf8_lossy(&o.stdout)),
            _ => None,
        };
        let Some(row) = row else {
            failed = true;
            match out {
                Ok(o) => eprintln!(
                    "scale: child for {n} clients failed ({}): {}",
                    o.status,
                    String::from_utf8_lossy(&o.stderr).trim()
                ),
                Err(e) => eprintln!("scale: cannot start child for {n} clients: {e}"),
            }
            continue;
        };
        println!(
            "{:>12} {:>5} {:>15} {:>9.2} {:>11.2} {:>13.1} {:>8.1} {:>8} {:>8.2} {:>8.2}",
            row.clients,
            row.arms,
            row.events,
            row.wall_s,
            row.mev_per_s(),
            row.rss_mib,
            row.rss_mib * 1048576.0 / row.clients as f64,
            row.threads,
            row.cpu_s,
            row.cpu_util()
        );
        if let Some(f) = jsonl.as_mut() {
            let _ = writeln!(f, "{}", row.json());
        }
    }
    if jsonl.is_some() {
        println!("wrote {}", path.display());
    }
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
