//! `gtsim sweep`: the grid of [`crate::sweep`], its cells run by a pool of workers, then the
//! page and plots of [`crate::report::sweep`].

use std::path::PathBuf;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Instant;

use indicatif::{ProgressBar, ProgressStyle};
use sim_engine::run::RunOptions;

use crate::error::{Error, other};
use crate::files::sweep::{CSV, MANIFEST};
use crate::sweep;

/// The flags of `gtsim sweep`.
#[derive(Debug, clap::Args)]
#[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
pub struct SweepArgs {
    #[command(subcommand)]
    pub action: Option<SweepAction>,
    /// Workload TOML file.
    #[arg(required = true)]
    pub workload: Option<PathBuf>,
    /// KEY=V1,V2,...: a dotted key path (arms.0.ttl; arms[0].ttl also accepted) and TOML
    /// values (bare words are strings). Repeat for more keys; the last varies fastest.
    #[allow(rustdoc::broken_intra_doc_links)] // clap's --help text, not Markdown
    #[arg(long = "grid", required = true)]
    pub grid: Vec<String>,
    /// Seeds per grid point: simulation.seed + 0..N.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u64).range(1..))]
    pub seeds: u64,
    /// Override simulation.clients in every cell.
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..))]
    pub clients: Option<u64>,
    /// Cells run at once, each on one thread (0 = one per core). Results do not depend on it.
    #[arg(long, default_value_t = 0)]
    pub threads: usize,
    /// Output folder.
    #[arg(long, required = true)]
    pub out: Option<PathBuf>,
    /// Print no progress bar.
    #[arg(long)]
    pub quiet: bool,
    #[command(flatten)]
    pub index: super::IndexArgs,
}

/// `gtsim sweep merge DIR`.
#[derive(Debug, clap::Subcommand)]
pub enum SweepAction {
    /// Fold the shard files of a sweep run by index (DIR/shards/) into DIR/sweep.csv,
    /// sweep.json, sweep.md, sweep-summary.csv and plots/, byte-identical to a one-machine
    /// sweep; while cells are missing, list them with the commands that rerun them (exit 1).
    Merge {
        /// The sweep's output folder (every index's --out).
        dir: PathBuf,
    },
}

/// `gtsim sweep merge DIR`.
fn merge(dir: &std::path::Path) -> Result<(), Error> {
    let (plan, merged) = sweep::shard::merge(dir)?;
    let csv = match merged {
        sweep::shard::Merged::Complete(csv) => csv,
        sweep::shard::Merged::Missing(msg) => return Err(other(msg)),
    };
    let written = crate::report::sweep::finish(dir, &plan, &csv)?;
    println!(
        "merged {} cells into {}/{{{CSV},{MANIFEST}}} and {} more files",
        plan.cells.len(),
        dir.display(),
        written.len()
    );
    Ok(())
}

/// `gtsim sweep`. Cells run in parallel, each on one engine thread (on 2 cores, two
/// single-threaded cells at once beat one two-thread cell at a time: no shard merging, no
/// idle tail at the end of each run). Workers take cells in cell order from a shared counter,
/// so finished cells reach sweep.csv in order with little held back.
pub fn sweep(args: &SweepArgs) -> Result<(), Error> {
    if let Some(SweepAction::Merge { dir }) = &args.action {
        return merge(dir);
    }
    let (Some(workload), Some(dir)) = (&args.workload, &args.out) else {
        return Err(crate::error::bad_input("give WORKLOAD and --out DIR"));
    };
    let by_index = args.index.resolve()?;
    let text = super::read_workload(workload)?;
    let axes = args
        .grid
        .iter()
        .map(|g| sweep::parse_axis(g))
        .collect::<Result<Vec<_>, _>>()?;
    let plan = sweep::plan(&text, axes, args.seeds, args.clients)
        .map_err(|e| e.context(workload.display()))?;
    let (resume, todo, rows_file) = if let Some((s, i)) = by_index {
        let p = sweep::shard::prepare(dir, &plan, &text, s, i)?;
        let todo: Vec<usize> = p
            .mine
            .iter()
            .copied()
            .filter(|c| !p.done.contains(c))
            .collect();
        let done = p.done.into_iter().collect();
        (sweep::Resume { done }, todo, p.rows)
    } else {
        let resume = sweep::prepare(dir, &plan)?;
        let todo: Vec<usize> = (0..plan.cells.len())
            .filter(|c| !resume.done.contains(c))
            .collect();
        (resume, todo, dir.join(CSV))
    };
    let total = by_index.map_or(plan.cells.len(), |_| resume.done.len() + todo.len());
    if !resume.done.is_empty() && !args.quiet {
        eprintln!(
            "resuming: {} of {} cells already in {}",
            resume.done.len(),
            total,
            rows_file.display()
        );
    }
    // The first Ctrl-C lets the running cells finish; a second ends the process at once.
    let cancel = super::ctrlc_flag(Some(
        "\ngtsim: stopping after the running cells (Ctrl-C again to quit now)",
    ));

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
    let appender = Mutex::new(sweep::Appender::open_path(rows_file.clone(), todo.clone())?);
    let next = AtomicUsize::new(0);
    let ran = AtomicUsize::new(0);
    let failed: Mutex<Option<Error>> = Mutex::new(None);
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
                            appender.lock().expect("not poisoned").finish(c, rows)
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
    let flushed = appender.flush_waiting();
    if let Some(f) = failed.into_inner().expect("not poisoned") {
        return Err(f);
    }
    flushed?;
    if ran < todo.len() {
        return Err(Error::Interrupted(format!(
            "interrupted after {} of {} cells; their rows are in {}: rerun the same command \
             to run the other {}",
            resume.done.len() + ran,
            total,
            rows_file.display(),
            todo.len() - ran
        )));
    }
    if let Some((s, i)) = by_index {
        println!(
            "index {i} of {s}: ran {ran} of {total} cells ({} already there) into {} in {:.1} s; \
             merge with: gtsim sweep merge {}",
            resume.done.len(),
            rows_file.display(),
            started.elapsed().as_secs_f64(),
            dir.display()
        );
        return Ok(());
    }
    let csv = sweep::sort_csv(dir, &plan)?;
    let written = crate::report::sweep::finish(dir, &plan, &csv)?;
    println!(
        "ran {ran} of {} cells ({} already in {}) on {workers} worker{} in {:.1} s",
        plan.cells.len(),
        resume.done.len(),
        CSV,
        if workers == 1 { "" } else { "s" },
        started.elapsed().as_secs_f64()
    );
    println!(
        "wrote {}/{{{},{}}} and {} more files:",
        dir.display(),
        CSV,
        MANIFEST,
        written.len()
    );
    for p in written {
        println!("  {}", p.display());
    }
    Ok(())
}
