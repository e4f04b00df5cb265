//! A sweep cut by index (docs/distributed.md): `gtsim sweep … --shards S --index I` runs the
//! cells c with c mod S = I into `OUT/shards/` ([`prepare`]), `gtsim sweep merge OUT` folds the
//! shard files into the folder a one-machine sweep writes ([`merge`]).
//!
//! - Every index writes `OUT/sweep.json` when it is absent and refuses (exit 2, naming the
//!   file) when it holds another sweep; likewise `OUT/shards/sweep-workload.toml` and the
//!   shard's sidecar. The rows file is created once (never truncated), so an index run twice,
//!   even at the same time, only appends: the merge takes a cell written twice when its rows
//!   are identical and refuses it otherwise.
//! - The merge checks each shard's sidecar against `sweep.json` (a mismatch is exit 2 naming the
//!   shard file), takes the union of the complete cells and writes `sweep.csv` in cell order with
//!   the same bytes as a one-machine sweep, then the page and plots from it. While cells are
//!   missing it writes nothing and lists them with the commands that rerun them (exit 1).

use std::collections::{BTreeMap, BTreeSet};
use std::fs::OpenOptions;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use toml::Value;

use super::{Axis, Plan, parse_key, parse_value, plan};
use crate::error::{Error, bad_input as bad, cannot_write as io, other};
use crate::files::sweep::{CSV, MANIFEST};
use crate::files::sweep_shard::{self as file, Block, DIR, Sidecar, WORKLOAD};

/// Writes `text` to `path` through a temporary file (named by process, so that two tasks of
/// one index do not share it) and a rename.
fn write_atomic(path: &Path, text: &str) -> Result<(), Error> {
    let name = path
        .file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    let tmp = path.with_file_name(format!(".{name}.{}.tmp", std::process::id()));
    let mut f = std::fs::File::create(&tmp).map_err(|e| io(&tmp, e))?;
    f.write_all(text.as_bytes())
        .and_then(|()| f.sync_all())
        .map_err(|e| io(&tmp, e))?;
    std::fs::rename(&tmp, path).map_err(|e| io(path, e))
}

/// `path` holds `text` afterwards: written when absent, else compared (`same` decides);
/// another content is bad input naming the file.
fn ensure(path: &Path, text: &str, what: &str, same: impl Fn(&str) -> bool) -> Result<(), Error> {
    match std::fs::read_to_string(path) {
        Ok(old) if same(&old) => Ok(()),
        Ok(_) => Err(bad(format!(
            "{} holds {what} of another sweep (another workload, grid, --seeds or --clients): \
             every index of one sweep must be given the same, or pick another --out",
            path.display()
        ))),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => write_atomic(path, text),
        Err(e) => Err(io(path, e)),
    }
}

/// The shard's rows file and the cells already in it.
pub struct Prepared {
    pub rows: PathBuf,
    pub done: BTreeSet<usize>,
    /// This index's cells, in cell order.
    pub mine: Vec<usize>,
}

/// Prepares `dir` for index `index` of `shards` of `plan` (workload text `text`).
pub fn prepare(
    dir: &Path,
    plan: &Plan,
    text: &str,
    shards: u64,
    index: u64,
) -> Result<Prepared, Error> {
    let sdir = dir.join(DIR);
    std::fs::create_dir_all(&sdir).map_err(|e| io(&sdir, e))?;
    let manifest = plan.manifest_text();
    ensure(&dir.join(MANIFEST), &manifest, "the manifest", |old| {
        serde_json::from_str::<serde_json::Value>(old).ok().as_ref() == Some(&plan.manifest)
    })?;
    ensure(&sdir.join(WORKLOAD), text, "the workload", |old| {
        old == text
    })?;
    let sidecar = Sidecar::new(&manifest, shards, index);
    let side_path = sdir.join(file::sidecar_name(shards, index));
    ensure(&side_path, &sidecar.write(), "the sidecar", |old| {
        Sidecar::parse(old).ok().as_ref() == Some(&sidecar)
    })?;
    let rows = sdir.join(file::csv_name(shards, index));
    let header = plan.header();
    // Created once with its header (a hard link of a finished temporary file, so no task ever
    // sees it empty), never truncated: a second task of the same index only appends.
    if !rows.exists() {
        let tmp = rows.with_file_name(format!(
            ".{}.{}.tmp",
            file::csv_name(shards, index),
            std::process::id()
        ));
        let mut f = OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .open(&tmp)
            .map_err(|e| io(&tmp, e))?;
        f.write_all(header.as_bytes())
            .and_then(|()| f.sync_all())
            .map_err(|e| io(&tmp, e))?;
        let linked = std::fs::hard_link(&tmp, &rows);
        let _ = std::fs::remove_file(&tmp);
        match linked {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
            Err(e) => return Err(io(&rows, e)),
        }
    }
    let existing = std::fs::read_to_string(&rows).map_err(|e| io(&rows, e))?;
    let blocks = file::parse(&existing, &header, &|c| arms_of(plan, c))
        .map_err(|e| bad(format!("{}: {e}", rows.display())))?;
    let done = complete(plan, &blocks).map(|b| b.cell).collect();
    let mine = (0..plan.cells.len())
        .filter(|c| *c as u64 % shards == index)
        .collect();
    Ok(Prepared { rows, done, mine })
}

/// The arms of cell `c` (rows per cell); 1 for a cell number outside the plan.
fn arms_of(plan: &Plan, c: usize) -> usize {
    plan.cells
        .get(c)
        .map_or(1, |c| c.workload.arms.len().max(1))
}

/// The blocks that are whole cells of `plan` (one row per arm).
fn complete<'a>(plan: &'a Plan, blocks: &'a [Block]) -> impl Iterator<Item = &'a Block> + 'a {
    blocks.iter().filter(|b| {
        plan.cells
            .get(b.cell)
            .is_some_and(|c| c.workload.arms.len() == b.lines)
    })
}

/// The plan of the sweep in `dir`: `sweep.json`'s grid, seeds and clients applied to
/// `shards/sweep-workload.toml`; the rebuilt manifest must equal the file's.
pub fn load_plan(dir: &Path) -> Result<(Plan, String), Error> {
    let mpath = dir.join(MANIFEST);
    let mtext = std::fs::read_to_string(&mpath).map_err(|e| {
        bad(format!(
            "cannot read {}: {e} (not a sweep folder?)",
            mpath.display()
        ))
    })?;
    let m: serde_json::Value =
        serde_json::from_str(&mtext).map_err(|e| bad(format!("{}: {e}", mpath.display())))?;
    let wpath = dir.join(DIR).join(WORKLOAD);
    let text = std::fs::read_to_string(&wpath).map_err(|e| {
        bad(format!(
            "cannot read {}: {e} (no index has run yet?)",
            wpath.display()
        ))
    })?;
    let bad_m = |what: &str| bad(format!("{}: {what}", mpath.display()));
    let mut axes = Vec::new();
    for g in m["grid"]
        .as_array()
        .ok_or_else(|| bad_m("no `grid` list"))?
    {
        let key = g["key"]
            .as_str()
            .ok_or_else(|| bad_m("a grid entry has no `key`"))?;
        let values: Vec<Value> = g["values"]
            .as_array()
            .ok_or_else(|| bad_m("a grid entry has no `values`"))?
            .iter()
            .map(|v| v.as_str().map(parse_value))
            .collect::<Option<_>>()
            .ok_or_else(|| bad_m("a grid value is not a string"))?;
        axes.push(Axis {
            key: key.to_string(),
            path: parse_key(key)?,
            values,
        });
    }
    let seeds = m["seeds"].as_u64().ok_or_else(|| bad_m("no `seeds`"))?;
    let clients = m["clients"].as_u64();
    let p = plan(&text, axes, seeds, clients).map_err(|e| e.context(wpath.display()))?;
    if p.manifest != m {
        return Err(bad(format!(
            "{} does not describe the sweep of {} (edited?)",
            mpath.display(),
            wpath.display()
        )));
    }
    Ok((p, mtext))
}

/// What a merge found.
pub enum Merged {
    /// Every cell is present: the text of `sweep.csv`.
    Complete(String),
    /// Cells are missing: the message listing them and the commands that rerun them.
    Missing(String),
}

/// Folds `dir/shards/` into `sweep.csv` (written when complete) or lists the missing cells.
pub fn merge(dir: &Path) -> Result<(Plan, Merged), Error> {
    let (plan, mtext) = load_plan(dir)?;
    let want = file::manifest_hash(&mtext);
    let sdir = dir.join(DIR);
    let names = crate::files::indexed_files(&sdir, "sweep-", ".csv")?;
    let header = plan.header();
    let plan_ref = &plan;
    let mut cells: BTreeMap<usize, (String, PathBuf)> = BTreeMap::new();
    let mut shard_counts: BTreeSet<u64> = BTreeSet::new();
    for (s, i, path) in &names {
        let side = sdir.join(file::sidecar_name(*s, *i));
        let sc = std::fs::read_to_string(&side)
            .map_err(|e| {
                bad(format!(
                    "{}: its sidecar {}: {e}",
                    path.display(),
                    side.display()
                ))
            })
            .and_then(|t| {
                Sidecar::parse(&t).map_err(|e| bad(format!("{}: {e}", side.display())))
            })?;
        if sc.manifest_fnv1a64 != want || sc.shards != *s || sc.index != *i {
            return Err(bad(format!(
                "{}: belongs to another sweep (its sidecar {} names manifest {}, {} is {want}); \
                 remove it or merge it into its own folder",
                path.display(),
                side.display(),
                sc.manifest_fnv1a64,
                dir.join(MANIFEST).display()
            )));
        }
        shard_counts.insert(*s);
        let text = std::fs::read_to_string(path).map_err(|e| io(path, e))?;
        let blocks = file::parse(&text, &header, &|c| arms_of(plan_ref, c))
            .map_err(|e| bad(format!("{}: {e}", path.display())))?;
        for b in complete(&plan, &blocks) {
            match cells.get(&b.cell) {
                Some((rows, from)) if rows != &b.rows => {
                    return Err(other(format!(
                        "cell {}: {} and {} hold different rows for it (runs of one sweep must \
                         agree byte for byte: a different gtsim binary?); remove the wrong shard \
                         file and rerun its index",
                        b.cell,
                        from.display(),
                        path.display()
                    )));
                }
                Some(_) => {}
                None => {
                    cells.insert(b.cell, (b.rows.clone(), path.clone()));
                }
            }
        }
    }
    let missing: Vec<usize> = (0..plan.cells.len())
        .filter(|c| !cells.contains_key(c))
        .collect();
    if missing.is_empty() {
        let csv: String = header + &cells.into_values().map(|(r, _)| r).collect::<String>();
        write_atomic(&dir.join(CSV), &csv)?;
        return Ok((plan, Merged::Complete(csv)));
    }
    let s = shard_counts.iter().next_back().copied().unwrap_or(1);
    let idx: BTreeSet<u64> = missing.iter().map(|c| *c as u64 % s).collect();
    let list = |v: &mut dyn Iterator<Item = String>| v.collect::<Vec<_>>().join(",");
    let idx_list = list(&mut idx.iter().map(u64::to_string));
    let mut msg = format!(
        "{}: sweep incomplete: missing shards {idx_list} of {s}: {} of {} cells missing ({})\n\
         rerun them, then merge again:\n\
         \x20 Slurm:       sbatch --array={idx_list} deploy/slurm/sweep.sbatch  (GTSIM_SHARDS={s})\n\
         \x20 Kubernetes:  a Job of the indexes {idx_list} (docs/distributed.md, rerun)\n\
         \x20 by hand:",
        dir.display(),
        missing.len(),
        plan.cells.len(),
        list(&mut missing.iter().take(20).map(usize::to_string))
            + if missing.len() > 20 { ",…" } else { "" }
    );
    for i in &idx {
        msg.push_str(&format!(" gtsim sweep … --shards {s} --index {i};"));
    }
    msg.pop();
    if shard_counts.is_empty() {
        msg = format!(
            "{}: no shard files in {} yet: run every index (--shards S --index I), then merge",
            dir.display(),
            sdir.display()
        );
    }
    Ok((plan, Merged::Missing(msg)))
}
