//! `gtsim run`: run a workload (or the embedded default) and write its output folder: the
//! files of `files/` (summary.json last, so a folder that looks complete is complete), the
//! report, and the arms table on the terminal.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use resolver_models::presets::PopulationPreset;
use sim_engine::metrics::{ArmSummary, Summary};
use sim_engine::run::{RunError, RunOptions};

use crate::error::{Error, bad_input, other};
use crate::files::perf::{self, Perf};
use crate::files::{
    self, COMMAND_FILE, WORKLOAD_FILE, classes, curve, distributions, load, replications, summary,
};
use crate::report;
use crate::workload::parse_workload;

/// The flags of `gtsim run`.
#[derive(Debug, clap::Args)]
pub struct RunArgs {
    /// Workload TOML file; without it, the embedded default workload.
    pub workload: Option<PathBuf>,
    /// Output folder [default: out/<workload name>].
    #[allow(rustdoc::invalid_html_tags)] // the line is clap's --help text, not Markdown
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Override simulation.seed.
    #[arg(long)]
    pub seed: Option<u64>,
    /// Worker threads (0 = one per core). Results do not depend on it.
    #[arg(long, default_value_t = 0)]
    pub threads: usize,
    /// Override simulation.clients.
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..))]
    pub clients: Option<u64>,
    /// Print no progress and no table.
    #[arg(long)]
    pub quiet: bool,
    /// Run N seeds (seed, seed+1, …, seed+N-1) and write replications.csv (one row per
    /// seed and arm) and a mean ± 95 % CI table in the report; the other files are the
    /// first seed's.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u64).range(1..))]
    pub replications: u64,
    /// For a workload on a population preset (`population = "…"`, no `[[resolvers]]`): also
    /// run it once per variation of `gtsim explain-preset NAME --sensitivity` (each share or
    /// value not verified in a primary source halved and doubled) and write ranges.csv and the
    /// report's "Tails as ranges" table: each p99 and p99.9 over those runs.
    #[arg(long)]
    pub ranges: bool,
    #[command(flatten)]
    pub index: super::IndexArgs,
}

/// `gtsim run`.
pub fn run(args: &RunArgs) -> Result<(), Error> {
    let RunArgs {
        ref workload,
        ref out,
        seed,
        threads,
        clients,
        quiet,
        replications: n_reps,
        ranges,
        ref index,
    } = *args;
    let by_index = index.resolve()?;
    if by_index.is_some() && n_reps > 1 {
        return Err(bad_input(
            "--replications with --shards: cut one replication at a time by index",
        ));
    }
    let (text, source) = match workload {
        Some(p) => (super::read_workload(p)?, p.display().to_string()),
        None => (
            crate::DEFAULT_WORKLOAD.to_string(),
            "<embedded default>".to_string(),
        ),
    };
    let mut w = parse_workload(&text).map_err(|e| bad_input(format!("{source}: {e}")))?;
    let preset = if ranges {
        if by_index.is_some() || n_reps > 1 {
            return Err(bad_input(
                "--ranges runs one seed on one machine: not with --replications or --shards",
            ));
        }
        Some(ranges_preset(&text, &source)?)
    } else {
        None
    };
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
    let cannot_write = |e: String| cannot_write_to(&out_dir, e);
    let cancel = super::ctrlc_flag(None);
    if let Some((s, i)) = by_index {
        let part = super::merge::PartRun {
            dir: &out_dir,
            workload: workload.as_deref(),
            text: &text,
            seed,
            clients,
            shards: s,
            index: i,
            threads,
            quiet,
        };
        return super::merge::run_part(&part, &w, &cancel);
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
                return Err(Error::Interrupted(message));
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
                files::remove_if_present(&out_dir.join(summary::FILE))
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
        peak_rss_mb: perf::peak_rss_mb(),
    };
    let ranges_csv = match &preset {
        None => None,
        Some(p) => {
            let n = super::explain::variations(p).len();
            if !quiet {
                eprintln!("--ranges: {n} more runs, one per variation of {:?}", p.name);
            }
            let mut r = Vec::new();
            files::ranges::add_to_ranges(&mut r, &out.summary);
            super::explain::variation_runs(p, &text, clients, seed, &opts, false, &mut |_, s| {
                files::ranges::add_to_ranges(&mut r, s)
            })?;
            Some(files::ranges::write(&r))
        }
    };
    write_folder(
        &out_dir,
        workload.as_deref(),
        text,
        &w,
        &out,
        &perf,
        n_reps,
        &csv,
        ranges_csv.as_deref(),
        quiet,
    )
}

/// Writes a run's output folder from its output (`gtsim run`, and `gtsim merge` of a run cut
/// by index): the files of `files/`, the report, summary.json last; the arms table unless
/// `quiet`. `csv`: replications.csv's text when `n_reps` > 1.
#[allow(clippy::too_many_arguments)]
pub(crate) fn write_folder(
    out_dir: &Path,
    workload: Option<&Path>,
    text: String,
    w: &sim_engine::config::Workload,
    out: &sim_engine::run::RunOutput,
    perf: &Perf,
    n_reps: u64,
    csv: &str,
    ranges_csv: Option<&str>,
    quiet: bool,
) -> Result<(), Error> {
    let cannot_write = |e: String| cannot_write_to(out_dir, e);
    let command = reproduce_command(workload, out_dir, w, n_reps);
    let reps = if n_reps > 1 {
        Some(replications::parse(csv).map_err(|e| other(format!("{}: {e}", replications::FILE)))?)
    } else {
        None
    };
    let curve = curve::write(out);
    let distributions = distributions::write(out);
    let classes = classes::write(out);
    let load = load::write(out);
    let summary = summary::write(&out.summary);
    // The report is drawn from the same bytes `gtsim report DIR` reads, so both give the same
    // report.
    let read_back = |file: &str, e: String| other(format!("{file}: {e}"));
    let inputs = report::Inputs {
        summary: summary::parse(&summary).map_err(|e| read_back(summary::FILE, e))?,
        curve: curve::parse(&curve).map_err(|e| read_back(curve::FILE, e))?,
        distributions: Some(
            distributions::parse(&distributions).map_err(|e| read_back(distributions::FILE, e))?,
        ),
        description: w.description.clone(),
        signals: Some(report::inputs::signals(w)),
        command: Some(command.clone()),
        replications: reps,
        classes: Some(classes::parse(&classes).map_err(|e| read_back(classes::FILE, e))?),
        load: load
            .as_deref()
            .map(load::parse)
            .transpose()
            .map_err(|e| read_back(load::FILE, e))?,
        ranges: ranges_csv
            .map(files::ranges::parse)
            .transpose()
            .map_err(|e| read_back(files::ranges::FILE, e))?,
    };
    let drawn = report::build(&inputs).map_err(other)?;
    let mut written = vec![
        (curve::FILE, curve),
        (distributions::FILE, distributions),
        (classes::FILE, classes),
        (perf::FILE, perf.write()),
        (COMMAND_FILE, format!("{command}\n")),
        // The workload text as given (the command's --seed/--clients override it).
        (WORKLOAD_FILE, text),
    ];
    match ranges_csv {
        Some(r) => written.push((files::ranges::FILE, r.to_string())),
        // An older run's ranges.csv would be read as this run's.
        None => files::remove_if_present(&out_dir.join(files::ranges::FILE))
            .map_err(|e| cannot_write(e.to_string()))?,
    }
    match load {
        Some(load) => written.push((load::FILE, load)),
        // An older run's load.csv would be read as this run's.
        None => files::remove_if_present(&out_dir.join(load::FILE))
            .map_err(|e| cannot_write(e.to_string()))?,
    }
    files::write_files(out_dir, &written).map_err(|e| cannot_write(e.to_string()))?;
    report::write(out_dir, &drawn).map_err(cannot_write)?;
    if n_reps == 1 {
        // An older run's replications.csv would be read as this run's.
        files::remove_if_present(&out_dir.join(replications::FILE))
            .map_err(|e| cannot_write(e.to_string()))?;
    }
    // Last: its presence marks a complete output folder.
    files::write_files(out_dir, &[(summary::FILE, summary)])
        .map_err(|e| cannot_write(e.to_string()))?;
    if !quiet {
        println!("{}", arms_table(&out.summary));
        if let Some(r) = &inputs.replications {
            println!("{}", report::sections::replications::table(r));
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
                + if inputs.ranges.is_some() {
                    ",ranges.csv"
                } else {
                    ""
                }
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

/// The population preset `--ranges` varies: the workload's `population`, which must supply the
/// resolver classes (written `[[resolvers]]` would replace them and hide the class shares).
fn ranges_preset(text: &str, source: &str) -> Result<PopulationPreset, Error> {
    let t: toml::Table = toml::from_str(text).map_err(|e| bad_input(format!("{source}: {e}")))?;
    let Some(name) = t.get("population").and_then(|v| v.as_str()) else {
        return Err(bad_input(format!(
            "--ranges: {source} has no `population`; ranges vary a population preset's \
             assumptions (docs/calibration.md, \"Sensitivity\")"
        )));
    };
    if t.contains_key("resolvers") {
        return Err(bad_input(format!(
            "--ranges: {source} writes [[resolvers]], which replace the preset's classes, so \
             their shares would not vary; remove them"
        )));
    }
    resolver_models::presets::population(name)
        .ok_or_else(|| bad_input(format!("{source}: population: unknown preset {name:?}")))
}

fn cannot_write_to(dir: &Path, e: String) -> Error {
    other(format!("cannot write to {}: {e}", dir.display()))
}

/// The command that reproduces the run (`command.txt`).
fn reproduce_command(
    workload: Option<&Path>,
    out: &Path,
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

fn fmt_opt(v: Option<f64>) -> String {
    match v {
        Some(x) => format!("{x:.1}"),
        None => "-".into(),
    }
}

/// The arms side by side, as a Markdown table (printed to the terminal).
pub fn arms_table(summary: &Summary) -> String {
    let mut s = String::new();
    s.push_str(
        "| arm | detection s | converge p50 / p90 / p99 s | stale p50 / p99 s | \
         RTO p50 / p99 / max s | never recovered | failed requests | auth queries |\n",
    );
    s.push_str("|---|---:|---:|---:|---:|---:|---:|---:|\n");
    for a in &summary.arms {
        let ArmSummary {
            converge_s: c,
            stale_converge_s: st,
            rto_s: r,
            ..
        } = a;
        let _ = writeln!(
            s,
            "| {} | {} | {} / {} / {} | {} / {} | {} / {} / {} | {} | {} of {} | {} |",
            a.name,
            fmt_opt(a.detection_s),
            fmt_opt(c.p50),
            fmt_opt(c.p90),
            fmt_opt(c.p99),
            fmt_opt(st.p50),
            fmt_opt(st.p99),
            fmt_opt(r.p50),
            fmt_opt(r.p99),
            fmt_opt(r.max),
            r.never_recovered.map_or("-".into(), |n| format!(
                "{n} of {}",
                a.cohort_clients.unwrap_or(0)
            )),
            a.failed,
            a.requests,
            a.auth_queries,
        );
    }
    s
}
