//! A run cut by index (docs/distributed.md): `gtsim run … --shards S --index I` writes one
//! part ([`run_part`]); `gtsim merge DIR` folds every part and writes the run folder,
//! byte-identical to the one-machine run ([`merge`]).

use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;
use std::time::Instant;

use sim_engine::run::{RunError, RunOptions};

use crate::error::{Error, bad_input as bad, cannot_write as io, other};
use crate::files::perf::{self, Perf};
use crate::files::run_part::{self as file, DIR, INPUTS, Part, RunInputs, WORKLOAD};
use crate::workload::parse_workload;

/// The flags of `gtsim merge`.
#[derive(Debug, clap::Args)]
pub struct MergeArgs {
    /// The run's output folder (every index's --out): reads DIR/shards/run-part-*.json.
    pub dir: PathBuf,
    /// Print no table.
    #[arg(long)]
    pub quiet: bool,
}

/// One index of a run cut by index.
pub struct PartRun<'a> {
    pub dir: &'a Path,
    pub workload: Option<&'a Path>,
    pub text: &'a str,
    pub seed: Option<u64>,
    pub clients: Option<u64>,
    pub shards: u64,
    pub index: u64,
    pub threads: usize,
    pub quiet: bool,
}

/// Writes `text` to `path` through a temporary file named by process, and a rename.
fn write_atomic(path: &Path, text: &str) -> Result<(), Error> {
    let name = path
        .file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    let tmp = path.with_file_name(format!(".{name}.{}.tmp", std::process::id()));
    crate::files::write_files(
        path.parent().unwrap_or(Path::new(".")),
        &[(
            tmp.file_name().and_then(|n| n.to_str()).unwrap_or("tmp"),
            text.to_string(),
        )],
    )
    .map_err(|e| io(&tmp, e))?;
    std::fs::rename(&tmp, path).map_err(|e| io(path, e))
}

/// `path` holds `text` afterwards (written when absent); another content is bad input.
fn ensure(path: &Path, text: &str) -> Result<(), Error> {
    match std::fs::read_to_string(path) {
        Ok(old) if old == text => Ok(()),
        Ok(_) => Err(bad(format!(
            "{} holds another run (another workload, --seed or --clients): every index of one \
             run must be given the same, or pick another --out",
            path.display()
        ))),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => write_atomic(path, text),
        Err(e) => Err(io(path, e)),
    }
}

/// `gtsim run … --shards S --index I`: simulates the resolver shards k with k mod S = I of
/// every arm and writes DIR/shards/run-part-I-of-S.json.
pub fn run_part(
    p: &PartRun<'_>,
    w: &sim_engine::config::Workload,
    cancel: &AtomicBool,
) -> Result<(), Error> {
    let started = Instant::now();
    let sdir = p.dir.join(DIR);
    std::fs::create_dir_all(&sdir).map_err(|e| io(&sdir, e))?;
    let inputs = RunInputs {
        format: file::FORMAT,
        workload: p.workload.map(|w| w.display().to_string()),
        seed: p.seed,
        clients: p.clients,
    };
    ensure(&sdir.join(WORKLOAD), p.text)?;
    ensure(
        &sdir.join(INPUTS),
        &(serde_json::to_string_pretty(&inputs).expect("serializes") + "\n"),
    )?;
    let opts = RunOptions {
        threads: p.threads,
        cancel: Some(cancel),
        ..RunOptions::default()
    };
    let n = sim_engine::run::shard_count(w, &opts) as u64;
    let (s, i) = (p.shards, p.index);
    let results = match sim_engine::run::run_partial(
        w,
        &sim_engine::config::ModelParams::of(w),
        &opts,
        &|k| k as u64 % s == i,
        &|_, _| {},
    ) {
        Ok(r) => r,
        Err(RunError::Unsupported(m)) => return Err(bad(format!("--shards {s}: {m}"))),
        Err(RunError::Cancelled) => {
            return Err(Error::Interrupted(format!(
                "interrupted; part {i} of {s} not written"
            )));
        }
        Err(e) => return Err(other(e.to_string())),
    };
    let part = Part::new(file::workload_hash(w), s, i, n, &results);
    let path = sdir.join(file::part_name(s, i));
    write_atomic(&path, &part.write())?;
    if !p.quiet {
        println!(
            "part {i} of {s}: {} of {n} resolver shards in {:.1} s into {}; merge with: gtsim merge {}",
            (0..n).filter(|k| k % s == i).count(),
            started.elapsed().as_secs_f64(),
            path.display(),
            p.dir.display()
        );
    }
    Ok(())
}

/// `gtsim merge DIR`.
pub fn merge(args: &MergeArgs) -> Result<(), Error> {
    let started = Instant::now();
    let dir = &args.dir;
    let sdir = dir.join(DIR);
    let ipath = sdir.join(INPUTS);
    let inputs: RunInputs = std::fs::read_to_string(&ipath)
        .map_err(|e| {
            bad(format!(
                "cannot read {}: {e} (no index has run yet?)",
                ipath.display()
            ))
        })
        .and_then(|t| {
            serde_json::from_str(&t).map_err(|e| bad(format!("{}: {e}", ipath.display())))
        })?;
    let wpath = sdir.join(WORKLOAD);
    let text = std::fs::read_to_string(&wpath)
        .map_err(|e| bad(format!("cannot read {}: {e}", wpath.display())))?;
    let mut w = parse_workload(&text).map_err(|e| bad(format!("{}: {e}", wpath.display())))?;
    if let Some(s) = inputs.seed {
        w.simulation.seed = s;
    }
    if let Some(n) = inputs.clients {
        w.simulation.clients = n;
    }
    let want = file::workload_hash(&w);
    let parts = crate::files::indexed_files(&sdir, "run-part-", ".json")?;
    let Some(&(s, _, _)) = parts.last() else {
        return Err(other(format!(
            "{}: no parts in {} yet: run every index (gtsim run … --shards S --index I), then merge",
            dir.display(),
            sdir.display()
        )));
    };
    let mine: Vec<&(u64, u64, PathBuf)> = parts.iter().filter(|p| p.0 == s).collect();
    let missing: Vec<u64> = (0..s).filter(|i| !mine.iter().any(|p| p.1 == *i)).collect();
    if !missing.is_empty() {
        let list = missing
            .iter()
            .map(u64::to_string)
            .collect::<Vec<_>>()
            .join(",");
        let by_hand: Vec<String> = missing
            .iter()
            .map(|i| {
                format!(
                    "gtsim run … --out {} --shards {s} --index {i}",
                    dir.display()
                )
            })
            .collect();
        return Err(other(format!(
            "{}: run incomplete: missing parts {list} of {s}\nrerun them, then merge again:\n  \
             Slurm:       sbatch --array={list} deploy/slurm/run.sbatch  (GTSIM_SHARDS={s})\n  \
             Kubernetes:  a Job of the indexes {list} (docs/distributed.md, rerun)\n  \
             by hand:     {}",
            dir.display(),
            by_hand.join("; ")
        )));
    }
    let mut merged: Option<Vec<sim_engine::sim::ShardResult>> = None;
    for (_, i, path) in mine {
        let t = std::fs::read_to_string(path).map_err(|e| io(path, e))?;
        let part = Part::parse(&t).map_err(|e| bad(format!("{}: {e}", path.display())))?;
        if part.workload_fnv1a64 != want || part.shards != s || part.index != *i {
            return Err(bad(format!(
                "{}: a part of another run (workload hash {}, this folder's {} and {} give \
                 {want}; or another gtsim version): remove it and rerun its index",
                path.display(),
                part.workload_fnv1a64,
                wpath.display(),
                ipath.display()
            )));
        }
        let r = part
            .results()
            .map_err(|e| bad(format!("{}: {e}", path.display())))?;
        if r.len() != w.arms.len() {
            return Err(bad(format!(
                "{}: {} arms, the workload has {}",
                path.display(),
                r.len(),
                w.arms.len()
            )));
        }
        match &mut merged {
            None => merged = Some(r),
            Some(m) => {
                for (a, b) in m.iter_mut().zip(&r) {
                    a.merge(b);
                }
            }
        }
    }
    let out = sim_engine::run::finalise(
        &w,
        &sim_engine::config::ModelParams::of(&w),
        merged.expect("S >= 1 parts"),
    );
    let wall = started.elapsed().as_secs_f64();
    let perf = Perf {
        wall_s: (wall * 1000.0).round() / 1000.0,
        events: out.events,
        events_per_s: (out.events as f64 / wall).round(),
        threads: 1,
        peak_rss_mb: perf::peak_rss_mb(),
    };
    let workload = inputs.workload.as_deref().map(Path::new);
    super::run::write_folder(
        dir, workload, text, &w, &out, &perf, 1, "", None, args.quiet,
    )?;
    if !args.quiet {
        println!("merged {s} parts into {}", dir.display());
    }
    Ok(())
}
