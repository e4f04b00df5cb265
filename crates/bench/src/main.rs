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
use gtsim::report;
use gtsim::workload::parse_workload;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use sim_engine::run::{RunError, RunOptions};

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
    /// Run a workload (or the embedded default) and write summary.json, curve.csv, perf.json,
    /// command.txt, workload.toml and the report (report.md, report.html, plots/).
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
    },
    /// Print the embedded default workload.
    DefaultWorkload,
    /// (Re)draw the report of a finished run: reads DIR/summary.json and DIR/curve.csv (and
    /// DIR/workload.toml, DIR/command.txt if present), writes DIR/report.md, DIR/report.html
    /// and DIR/plots/*.{svg,png}.
    Report {
        /// The run's output folder.
        dir: PathBuf,
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
        } => run(workload, out, seed, threads, clients, quiet),
        Command::DefaultWorkload => {
            print!("{}", gtsim::DEFAULT_WORKLOAD);
            Ok(())
        }
        Command::Report { dir } => report(&dir),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(f) => {
            eprintln!("gtsim: {}", f.message);
            ExitCode::from(f.code)
        }
    }
}

fn run(
    workload: Option<PathBuf>,
    out: Option<PathBuf>,
    seed: Option<u64>,
    threads: usize,
    clients: Option<u64>,
    quiet: bool,
) -> Result<(), Failure> {
    let (text, source) = match &workload {
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
    let out_dir = out.unwrap_or_else(|| PathBuf::from("out").join(&w.name));

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
    bar.set_message(format!(
        "{} x {} clients",
        w.arms.len(),
        w.simulation.clients
    ));
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
    let result = sim_engine::run::run(&w, &opts, &progress);
    bar.finish_and_clear();
    let out = match result {
        Ok(o) => o,
        Err(RunError::Cancelled) => {
            return Err(Failure {
                code: 130,
                message: format!("interrupted; nothing written to {}", out_dir.display()),
            });
        }
        Err(e) => return Err(other(e.to_string())),
    };
    let wall = started.elapsed().as_secs_f64();
    let perf = Perf {
        wall_s: (wall * 1000.0).round() / 1000.0,
        events: out.events,
        events_per_s: (out.events as f64 / wall).round(),
        threads: out.threads,
        peak_rss_mb: output::peak_rss_mb(),
    };
    let command = reproduce_command(workload.as_deref(), &out_dir, &w);
    let curve = output::curve_csv(&out);
    let summary = output::summary_json(&out.summary);
    // The report is drawn from the same bytes `gtsim report DIR` reads, so both give the same
    // report.
    let inputs = report::Inputs {
        summary: report::parse_summary(&summary)
            .map_err(|e| other(format!("summary.json: {e}")))?,
        curve: report::parse_curve(&curve).map_err(|e| other(format!("curve.csv: {e}")))?,
        description: w.description.clone(),
        command: Some(command.clone()),
    };
    let drawn = report::build(&inputs).map_err(other)?;
    let cannot_write = |e: String| other(format!("cannot write to {}: {e}", out_dir.display()));
    let files = [
        ("curve.csv", curve),
        (
            "perf.json",
            serde_json::to_string_pretty(&perf).expect("serializes") + "\n",
        ),
        ("command.txt", format!("{command}\n")),
        // The workload text as given (the command's --seed/--clients override it).
        ("workload.toml", text),
    ];
    output::write_files(&out_dir, &files).map_err(|e| cannot_write(e.to_string()))?;
    report::write(&out_dir, &drawn).map_err(cannot_write)?;
    // Last: its presence marks a complete output folder.
    output::write_files(&out_dir, &[("summary.json", summary)])
        .map_err(|e| cannot_write(e.to_string()))?;
    if !quiet {
        println!("{}", output::arms_table(&out.summary));
        println!(
            "{} events in {:.2} s ({:.1} M events/s, {} threads, peak RSS {})",
            perf.events,
            perf.wall_s,
            perf.events_per_s / 1e6,
            perf.threads,
            perf.peak_rss_mb
                .map_or("n/a".into(), |m| format!("{m} MiB")),
        );
        println!(
            "wrote {}/{{summary.json,curve.csv,perf.json,command.txt,workload.toml,report.md,\
             report.html}} and {} plots in plots/",
            out_dir.display(),
            drawn.plots.len()
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
    c
}
