//! `gtsim`: run failover scenarios and write their figures.
//!
//! Exit status (METRICS.md): 0 success; 2 bad input (workload or flags), with a message naming
//! the key path; 1 anything else; 130 when interrupted (nothing is left looking complete).

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use clap::{Parser, Subcommand};
use gtsim::output::{self, Perf};
use gtsim::replications;
use gtsim::report;
use gtsim::workload::parse_workload;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use sim_engine::run::{RunError, RunOptions};

mod validate;

#[derive(Parser)]
#[command(
    name = "gtsim",
    version,
    about = "Anycast-aware global traffic simulator: Route 53 and Global Accelerator failover, with numbers"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run a workload (or the embedded default) and write summary.json, curve.csv,
    /// distributions.csv, perf.json, command.txt, workload.toml and the report (report.md, report.html, plots/).
    Run {
        /// Workload TOML file; without it, the embedded default workload.
        workload: Option<PathBuf>,
        /// Output folder [default: out/<workload name>].
        #[arg(long)]
        out: Option<PathBuf>,
        /// Override simulation.seed.
        #[arg(long)]
        seed: Option<u64>,
        /// Worker threads (0 = one per core). Results do not depend on it.
        #[arg(long, default_value_t = 0)]
        threads: usize,
        /// Override simulation.clients.
        #[arg(long, value_parser = clap::value_parser!(u64).range(1..))]
        clients: Option<u64>,
        /// Print no progress and no table.
        #[arg(long)]
        quiet: bool,
        /// Run N seeds (seed, seed+1, …, seed+N-1) and write replications.csv (one row per
        /// seed and arm) and a mean ± 95 % CI table in the report; the other files are the
        /// first seed's.
        #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u64).range(1..))]
        replications: u64,
    },
    /// Print the embedded default workload.
    DefaultWorkload,
    /// Run every committed seed workload and write DIR/README.md: each seed document's claim
    /// beside gtsim's number, with a computed verdict (and each run's summary.json).
    Claims {
        /// Output folder (the published one is results/seed-claims).
        #[arg(long, default_value = "results/seed-claims")]
        out: PathBuf,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Worker threads (0 = one per core). Results do not depend on it.
        #[arg(long, default_value_t = 0)]
        threads: usize,
    },
    /// (Re)draw the report of a finished run: reads DIR/summary.json and DIR/curve.csv (and
    /// DIR/distributions.csv, DIR/workload.toml, DIR/command.txt, DIR/replications.csv if
    /// present), writes DIR/report.md, DIR/report.html
    /// and DIR/plots/*.{svg,png}.
    Report {
        /// The run's output folder.
        dir: PathBuf,
    },
    /// Run a workload over the cartesian product of some of its keys' values and write
    /// DIR/sweep.csv (rows appended as cells finish; a rerun resumes), DIR/sweep.json,
    /// DIR/sweep.md and DIR/plots/ (a heatmap per arm, a Pareto chart).
    Sweep {
        /// Workload TOML file.
        workload: PathBuf,
        /// KEY=V1,V2,...: a dotted key path (arms.0.ttl; arms[0].ttl also accepted) and TOML
        /// values (bare words are strings). Repeat for more keys; the last varies fastest.
        #[arg(long = "grid", required = true)]
        grid: Vec<String>,
        /// Seeds per grid point: simulation.seed + 0..N.
        #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u64).range(1..))]
        seeds: u64,
        /// Override simulation.clients in every cell.
        #[arg(long, value_parser = clap::value_parser!(u64).range(1..))]
        clients: Option<u64>,
        /// Cells run at once, each on one thread (0 = one per core). Results do not depend on it.
        #[arg(long, default_value_t = 0)]
        threads: usize,
        /// Output folder.
        #[arg(long)]
        out: PathBuf,
        /// Print no progress bar.
        #[arg(long)]
        quiet: bool,
    },
    /// Explain a population preset: its resolver classes and client caches with their sources,
    /// and the fraction of attempts still stale 30 s, 60 s, 5 min and 15 min after a DNS
    /// answer change for TTL 20, 60 and 300 s (engine runs); with --sensitivity, the p99 and
    /// p99.9 of each arm of WORKLOAD with every unverified share halved and doubled.
    ExplainPreset {
        /// Preset name: internet, mobile-apps, server-to-server, honest.
        name: String,
        /// Also run this workload under the preset and each variation of it.
        #[arg(long, value_name = "WORKLOAD")]
        sensitivity: Option<PathBuf>,
        /// Clients of the survival runs (and, if given, of the sensitivity runs).
        #[arg(long, value_parser = clap::value_parser!(u64).range(1..))]
        clients: Option<u64>,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Worker threads (0 = one per core). Results do not depend on it.
        #[arg(long, default_value_t = 0)]
        threads: usize,
    },
    /// Validate the resolver models against real resolvers on loopback (live DNS harness):
    /// prints a table, writes DIR/report.md and DIR/plots/; exits 1 when a KS distance exceeds
    /// its critical value or a resolver asked for did not run.
    Validate {
        /// Resolver to run (hickory, unbound, bind, dnsmasq, pdns-recursor, knot-resolver);
        /// repeat for more; none = all six.
        #[arg(long = "resolver")]
        resolver: Vec<String>,
        /// The short run (about 70 s) instead of the full one (about 3 min).
        #[arg(long)]
        quick: bool,
        /// Output folder.
        #[arg(long, default_value = "out/validate")]
        out: PathBuf,
        /// Seed of the answer schedule, the client query processes and the model.
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
}

/// An error with the exit status it maps to.
struct Failure {
    code: u8,
    message: String,
}

fn bad_input(message: impl Into<String>) -> Failure {
    Failure {
        code: 2,
        message: message.into(),
    }
}

fn other(message: impl Into<String>) -> Failure {
    Failure {
        code: 1,
        message: message.into(),
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse(); // flag errors exit with status 2
    let result = match cli.command {
        Command::Run {
            workload,
            out,
            seed,
            threads,
            clients,
            quiet,
            replications,
        } => run(&RunArgs {
            workload,
            out,
            seed,
            threads,
            clients,
            quiet,
            replications,
        }),
        Command::DefaultWorkload => {
            print!("{}", gtsim::DEFAULT_WORKLOAD);
            Ok(())
        }
        Command::Report { dir } => report(&dir),
        Command::ExplainPreset {
            name,
            sensitivity,
            clients,
            seed,
            threads,
        } => explain_preset(&name, sensitivity.as_deref(), clients, seed, threads),
        Command::Claims { out, seed, threads } => gtsim::claims::write(&out, seed, threads)
            .map(|files| {
                for f in files {
                    println!("wrote {}", f.display());
                }
            })
            .map_err(other),
        Command::Sweep {
            workload,
            grid,
            seeds,
            clients,
            threads,
            out,
            quiet,
        } => sweep(&SweepArgs {
            workload,
            grid,
            seeds,
            clients,
            threads,
            out,
            quiet,
        }),
        Command::Validate {
            resolver,
            quick,
            out,
            seed,
        } => match validate::validate(&validate::ValidateArgs {
            resolvers: resolver,
            quick,
            out,
            seed,
        }) {
            Ok(true) => Ok(()),
            Ok(false) => Err(other("validation failed: see the table above")),
            Err(validate::ValidateError::BadInput(m)) => Err(bad_input(m)),
            Err(validate::ValidateError::Other(m)) => Err(other(m)),
        },
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(f) => {
            eprintln!("gtsim: {}", f.message);
            ExitCode::from(f.code)
        }
    }
}

struct RunArgs {
    workload: Option<PathBuf>,
    out: Option<PathBuf>,
    seed: Option<u64>,
    threads: usize,
    clients: Option<u64>,
    quiet: bool,
    replications: u64,
}

/// Removes `path`; a missing file is fine.
fn remove_if_present(path: &std::path::Path) -> std::io::Result<()> {
    match std::fs::remove_file(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
        _ => Ok(()),
    }
}

fn run(args: &RunArgs) -> Result<(), Failure> {
    let RunArgs {
        ref workload,
        ref out,
        seed,
        threads,
        clients,
        quiet,
        replications: n_reps,
    } = *args;
    let (text, source) = match workload {
        Some(p) => (
            std::fs::read_to_string(p)
                .map_err(|e| bad_input(format!("cannot read workload {}: {e}", p.display())))?,
            p.display().to_string(),
        ),
        None => (
            gtsim::DEFAULT_WORKLOAD.to_string(),
            "<embedded default>".to_string(),
        ),
    };
    let mut w = parse_workload(&text).map_err(|e| bad_input(format!("{source}: {e}")))?;
    if let Some(s) = seed {
        w.simulation.seed = s;
    }
    if let Some(n) = clients {
        w.simulation.clients = n;
    }
    let out_dir = out
        .clone()
        .unwrap_or_else(|| PathBuf::from("out").join(&w.name));
    let base_seed = w.simulation.seed;
    if base_seed.checked_add(n_reps - 1).is_none() {
        return Err(bad_input(format!(
            "--replications {n_reps}: seeds from {base_seed} would pass the largest seed"
        )));
    }
    let cannot_write = |e: String| other(format!("cannot write to {}: {e}", out_dir.display()));

    let cancel = Arc::new(AtomicBool::new(false));
    {
        let cancel = cancel.clone();
        // A second Ctrl-C while stopping ends the process at once.
        let _ = ctrlc::set_handler(move || {
            if cancel.swap(true, Ordering::SeqCst) {
                std::process::exit(130);
            }
        });
    }

    let started = Instant::now();
    let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::hidden());
    bar.set_style(
        ProgressStyle::with_template("{spinner} {msg} [{bar:40}] {pos}/{len} shards, {eta} left")
            .expect("valid template")
            .progress_chars("=> "),
    );
    let what = format!("{} x {} clients", w.arms.len(), w.simulation.clients);
    let shown = AtomicBool::new(false);
    let progress = |done: u64, total: u64| {
        bar.set_length(total);
        bar.set_position(done);
        // Only runs that take more than a second get a bar.
        if !quiet && !shown.load(Ordering::Relaxed) && started.elapsed().as_secs_f64() > 1.0 {
            shown.store(true, Ordering::Relaxed);
            bar.set_draw_target(ProgressDrawTarget::stderr());
        }
    };
    let opts = RunOptions {
        threads,
        cancel: Some(&cancel),
        ..RunOptions::default()
    };
    // Replications run one after another (each on the whole pool), so their rows are the same
    // whatever --threads is; each one's rows are on disk before the next starts.
    let mut appender = replications::Appender::new(&out_dir);
    let mut csv = replications::header();
    let mut first = None;
    let mut events = 0u64;
    for k in 0..n_reps {
        w.simulation.seed = base_seed + k;
        bar.set_message(if n_reps > 1 {
            format!("replication {}/{n_reps}: {what}", k + 1)
        } else {
            what.clone()
        });
        bar.set_position(0);
        let out = match sim_engine::run::run(&w, &opts, &progress) {
            Ok(o) => o,
            Err(RunError::Cancelled) => {
                bar.finish_and_clear();
                let message = if k == 0 {
                    format!("interrupted; nothing written to {}", out_dir.display())
                } else {
                    format!(
                        "interrupted after {k} of {n_reps} replications; their rows are in {} \
                         (summary.json not written)",
                        appender.path().display()
                    )
                };
                return Err(Failure { code: 130, message });
            }
            Err(e) => {
                bar.finish_and_clear();
                return Err(other(e.to_string()));
            }
        };
        events += out.events;
        if n_reps > 1 {
            if k == 0 {
                // An older run's summary.json would make this folder look complete.
                remove_if_present(&out_dir.join("summary.json"))
                    .map_err(|e| cannot_write(e.to_string()))?;
            }
            appender
                .append(&out.summary)
                .map_err(|e| cannot_write(e.to_string()))?;
            csv.push_str(&replications::rows(&out.summary));
        }
        if k == 0 {
            first = Some(out);
        }
    }
    bar.finish_and_clear();
    w.simulation.seed = base_seed;
    let out = first.expect("at least one replication");
    let wall = started.elapsed().as_secs_f64();
    let perf = Perf {
        wall_s: (wall * 1000.0).round() / 1000.0,
        events,
        events_per_s: (events as f64 / wall).round(),
        threads: out.threads,
        peak_rss_mb: output::peak_rss_mb(),
    };
    let command = reproduce_command(workload.as_deref(), &out_dir, &w, n_reps);
    let reps = if n_reps > 1 {
        Some(replications::parse(&csv).map_err(|e| other(format!("replications.csv: {e}")))?)
    } else {
        None
    };
    let curve = output::curve_csv(&out);
    let distributions = output::distributions_csv(&out);
    let classes = output::classes_csv(&out);
    let load = output::load_csv(&out);
    let summary = output::summary_json(&out.summary);
    // The report is drawn from the same bytes `gtsim report DIR` reads, so both give the same
    // report.
    let inputs = report::Inputs {
        summary: report::parse_summary(&summary)
            .map_err(|e| other(format!("summary.json: {e}")))?,
        curve: report::parse_curve(&curve).map_err(|e| other(format!("curve.csv: {e}")))?,
        distributions: Some(
            report::parse_distributions(&distributions)
                .map_err(|e| other(format!("{}: {e}", report::DISTRIBUTIONS_FILE)))?,
        ),
        description: w.description.clone(),
        command: Some(command.clone()),
        replications: reps,
        classes: Some(
            gtsim::tails::parse_classes(&classes)
                .map_err(|e| other(format!("{}: {e}", gtsim::tails::CLASSES_FILE)))?,
        ),
        load: load
            .as_deref()
            .map(gtsim::overload_report::parse_load)
            .transpose()
            .map_err(|e| other(format!("{}: {e}", gtsim::overload_report::LOAD_FILE)))?,
    };
    let drawn = report::build(&inputs).map_err(other)?;
    let mut files = vec![
        ("curve.csv", curve),
        (report::DISTRIBUTIONS_FILE, distributions),
        (gtsim::tails::CLASSES_FILE, classes),
        (
            "perf.json",
            serde_json::to_string_pretty(&perf).expect("serializes") + "\n",
        ),
        ("command.txt", format!("{command}\n")),
        // The workload text as given (the command's --seed/--clients override it).
        ("workload.toml", text),
    ];
    match load {
        Some(load) => files.push((gtsim::overload_report::LOAD_FILE, load)),
        // An older run's load.csv would be read as this run's.
        None => remove_if_present(&out_dir.join(gtsim::overload_report::LOAD_FILE))
            .map_err(|e| cannot_write(e.to_string()))?,
    }
    output::write_files(&out_dir, &files).map_err(|e| cannot_write(e.to_string()))?;
    report::write(&out_dir, &drawn).map_err(cannot_write)?;
    if n_reps == 1 {
        // An older run's replications.csv would be read as this run's.
        remove_if_present(&out_dir.join(replications::FILE))
            .map_err(|e| cannot_write(e.to_string()))?;
    }
    // Last: its presence marks a complete output folder.
    output::write_files(&out_dir, &[("summary.json", summary)])
        .map_err(|e| cannot_write(e.to_string()))?;
    if !quiet {
        println!("{}", output::arms_table(&out.summary));
        if let Some(r) = &inputs.replications {
            println!("{}", output::replications_table(r));
        }
        println!(
            "{} events in {:.2} s ({:.1} M events/s, {} threads, peak RSS {}){}",
            perf.events,
            perf.wall_s,
            perf.events_per_s / 1e6,
            perf.threads,
            perf.peak_rss_mb
                .map_or("n/a".into(), |m| format!("{m} MiB")),
            if n_reps > 1 {
                format!(", {n_reps} replications")
            } else {
                String::new()
            },
        );
        println!(
            "wrote {}/{{summary.json,curve.csv,distributions.csv,classes.csv,perf.json,command.txt,workload.toml,report.md,\
             report.html{}}} and {} plots in plots/",
            out_dir.display(),
            if n_reps > 1 { ",replications.csv" } else { "" }.to_string()
                + if inputs.load.is_some() {
                    ",load.csv"
                } else {
                    ""
                },
            drawn.plots.len()
        );
    }
    Ok(())
}

struct SweepArgs {
    workload: PathBuf,
    grid: Vec<String>,
    seeds: u64,
    clients: Option<u64>,
    threads: usize,
    out: PathBuf,
    quiet: bool,
}

/// `gtsim sweep`. Cells run in parallel, each on one engine thread (on 2 cores, two
/// single-threaded cells at once beat one two-thread cell at a time: no shard merging, no
/// idle tail at the end of each run). Workers take cells in cell order from a shared counter,
/// so finished cells reach sweep.csv in order with little held back.
fn sweep(args: &SweepArgs) -> Result<(), Failure> {
    use gtsim::sweep;
    use std::sync::Mutex;
    use std::sync::atomic::AtomicUsize;

    let conv = |e: sweep::SweepError| Failure {
        code: e.code,
        message: e.message,
    };
    let text = std::fs::read_to_string(&args.workload).map_err(|e| {
        bad_input(format!(
            "cannot read workload {}: {e}",
            args.workload.display()
        ))
    })?;
    let axes = args
        .grid
        .iter()
        .map(|g| sweep::parse_axis(g))
        .collect::<Result<Vec<_>, _>>()
        .map_err(conv)?;
    let plan = sweep::plan(&text, axes, args.seeds, args.clients).map_err(|e| {
        conv(sweep::SweepError {
            message: format!("{}: {}", args.workload.display(), e.message),
            ..e
        })
    })?;
    let dir = &args.out;
    let resume = sweep::prepare(dir, &plan).map_err(conv)?;
    let todo: Vec<usize> = (0..plan.cells.len())
        .filter(|c| !resume.done.contains(c))
        .collect();
    if !resume.done.is_empty() && !args.quiet {
        eprintln!(
            "resuming: {} of {} cells already in {}",
            resume.done.len(),
            plan.cells.len(),
            dir.join(sweep::CSV).display()
        );
    }

    let cancel = Arc::new(AtomicBool::new(false));
    {
        let cancel = cancel.clone();
        // The first Ctrl-C lets the running cells finish; a second ends the process at once.
        let _ = ctrlc::set_handler(move || {
            if cancel.swap(true, Ordering::SeqCst) {
                std::process::exit(130);
            }
            eprintln!("\ngtsim: stopping after the running cells (Ctrl-C again to quit now)");
        });
    }

    let workers = if args.threads == 0 {
        std::thread::available_parallelism().map_or(1, |n| n.get())
    } else {
        args.threads
    }
    .min(todo.len())
    .max(1);
    let bar = if args.quiet {
        ProgressBar::hidden()
    } else {
        ProgressBar::new(todo.len() as u64)
    };
    bar.set_style(
        ProgressStyle::with_template("{spinner} sweep [{bar:40}] {pos}/{len} cells, {eta} left")
            .expect("valid template")
            .progress_chars("=> "),
    );
    let appender = Mutex::new(sweep::Appender::open(dir, todo.clone()).map_err(conv)?);
    let next = AtomicUsize::new(0);
    let ran = AtomicUsize::new(0);
    let failed: Mutex<Option<Failure>> = Mutex::new(None);
    let stop = AtomicBool::new(false);
    let started = Instant::now();
    std::thread::scope(|s| {
        for _ in 0..workers {
            s.spawn(|| {
                let opts = RunOptions {
                    threads: 1,
                    ..RunOptions::default()
                };
                loop {
                    if cancel.load(Ordering::SeqCst) || stop.load(Ordering::SeqCst) {
                        break;
                    }
                    let k = next.fetch_add(1, Ordering::SeqCst);
                    let Some(&c) = todo.get(k) else { break };
                    let cell = &plan.cells[c];
                    let result = sim_engine::run::run(&cell.workload, &opts, &|_, _| {})
                        .map_err(|e| other(format!("cell {c}: {e}")))
                        .and_then(|o| {
                            let rows = plan.rows(cell, &o.summary.arms);
                            appender
                                .lock()
                                .expect("not poisoned")
                                .finish(c, rows)
                                .map_err(conv)
                        });
                    match result {
                        Ok(()) => {
                            ran.fetch_add(1, Ordering::SeqCst);
                            bar.inc(1);
                        }
                        Err(f) => {
                            stop.store(true, Ordering::SeqCst);
                            failed.lock().expect("not poisoned").get_or_insert(f);
                            break;
                        }
                    }
                }
            });
        }
    });
    bar.finish_and_clear();
    let ran = ran.into_inner();
    let mut appender = appender.into_inner().expect("not poisoned");
    let flushed = appender.flush_waiting().map_err(conv);
    if let Some(f) = failed.into_inner().expect("not poisoned") {
        return Err(f);
    }
    flushed?;
    if ran < todo.len() {
        return Err(Failure {
            code: 130,
            message: format!(
                "interrupted after {} of {} cells; their rows are in {}: rerun the same command \
                 to run the other {}",
                resume.done.len() + ran,
                plan.cells.len(),
                dir.join(sweep::CSV).display(),
                todo.len() - ran
            ),
        });
    }
    let csv = sweep::sort_csv(dir, &plan).map_err(conv)?;
    let written = sweep::finish(dir, &plan, &csv).map_err(conv)?;
    println!(
        "ran {ran} of {} cells ({} already in {}) on {workers} worker{} in {:.1} s",
        plan.cells.len(),
        resume.done.len(),
        sweep::CSV,
        if workers == 1 { "" } else { "s" },
        started.elapsed().as_secs_f64()
    );
    println!(
        "wrote {}/{{{},{}}} and {} more files:",
        dir.display(),
        sweep::CSV,
        sweep::MANIFEST,
        written.len()
    );
    for p in written {
        println!("  {}", p.display());
    }
    Ok(())
}

fn explain_preset(
    name: &str,
    sensitivity: Option<&std::path::Path>,
    clients: Option<u64>,
    seed: u64,
    threads: usize,
) -> Result<(), Failure> {
    use gtsim::explain::{self, ExplainError};
    let fail = |e| match e {
        ExplainError::BadInput(m) => bad_input(m),
        ExplainError::Run(m) => other(m),
    };
    let p = explain::preset(name).map_err(fail)?;
    let text = match sensitivity {
        Some(path) => Some(
            std::fs::read_to_string(path)
                .map_err(|e| bad_input(format!("cannot read workload {}: {e}", path.display())))?,
        ),
        None => None,
    };
    print!("{}", explain::describe(&p));
    let n = clients.unwrap_or_else(|| explain::default_clients(&p));
    let rows = explain::survival(&p, n, seed, threads).map_err(fail)?;
    print!("{}", explain::survival_table(&rows, n, seed));
    if let Some(t) = text {
        print!(
            "{}",
            explain::sensitivity(&p, &t, clients, threads).map_err(fail)?
        );
    }
    Ok(())
}

fn report(dir: &std::path::Path) -> Result<(), Failure> {
    let written = report::generate(dir).map_err(|e| Failure {
        code: e.exit_code(),
        message: e.to_string(),
    })?;
    println!("wrote {} files:", written.len());
    for p in written {
        println!("  {}", p.display());
    }
    Ok(())
}

fn reproduce_command(
    workload: Option<&std::path::Path>,
    out: &std::path::Path,
    w: &sim_engine::config::Workload,
    replications: u64,
) -> String {
    let mut c = String::from("gtsim run");
    if let Some(p) = workload {
        c += &format!(" {}", p.display());
    }
    c += &format!(
        " --seed {} --clients {} --out {}",
        w.simulation.seed,
        w.simulation.clients,
        out.display()
    );
    if replications > 1 {
        c += &format!(" --replications {replications}");
    }
    c
}
