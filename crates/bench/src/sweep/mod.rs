//! `gtsim sweep`: one workload run over the cartesian product of some of its keys' values
//! (`--grid KEY=V1,V2,…`), several seeds per grid point.
//!
//! - A key is a dotted path into the workload TOML, arrays by index (`arms.0.ttl`); the loader's
//!   error form (`arms[0].ttl`) is accepted too and normalised to the dotted form. Each cell's
//!   values are set in the parsed TOML tree, which is re-serialised and loaded with
//!   [`parse_workload`], so every cell is validated exactly like a workload, all of them before
//!   any runs.
//! - Cells are numbered grid point by grid point (the last `--grid` varies fastest), seeds
//!   innermost: cell = point × seeds + k, seed = the point's `simulation.seed` + k.
//! - `sweep.csv` gets one row per cell and arm. Each finished cell's rows are appended and synced
//!   at once (in cell order; cells that finish early wait in memory for their predecessors, and
//!   are written out of order only when the sweep stops early). When the sweep ends the file is
//!   rewritten in cell order if it is not already, so its bytes do not depend on the order cells
//!   finished in, on the number of workers, or on how often it was resumed.
//! - `sweep.json` (the manifest: a hash of the workload text, the grid, the seeds and the
//!   clients override) says which sweep a folder holds: a rerun with the same manifest resumes,
//!   running only the cells whose rows are missing; another sweep is refused.

use std::collections::{BTreeMap, BTreeSet};
use std::fs::{File, OpenOptions};
use std::io::Write as _;
use std::path::{Path, PathBuf};

use sim_engine::config::Workload;
use sim_engine::metrics::ArmSummary;
use toml::{Table, Value};

use crate::files::sweep::{self as file, CSV, MANIFEST};
use crate::workload::parse_workload;

use crate::error::{Error, bad_input as bad, cannot_write as io};

pub mod shard;

// ---------------------------------------------------------------------------------------------
// Grid

/// One `--grid KEY=V1,V2,…`.
#[derive(Debug, Clone, PartialEq)]
pub struct Axis {
    /// The key in dotted form (`arms.0.ttl`), as the CSV header and manifest show it.
    pub key: String,
    pub path: Vec<String>,
    pub values: Vec<Value>,
}

impl Axis {
    /// The `i`-th value as a CSV cell / label: strings without quotes, others as TOML.
    pub fn label(&self, i: usize) -> String {
        display(&self.values[i])
    }
}

fn display(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Splits `KEY=V1,V2,…`; commas inside quotes or brackets do not split.
pub fn parse_axis(arg: &str) -> Result<Axis, Error> {
    let (key, values) = arg
        .split_once('=')
        .ok_or_else(|| bad(format!("--grid {arg}: expected KEY=V1,V2,...")))?;
    let path = parse_key(key.trim())?;
    let key = path.join(".");
    let mut raw = Vec::new();
    let (mut depth, mut quote, mut cur) = (0i32, None::<char>, String::new());
    for c in values.chars() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '[' | '{') => depth += 1,
            (None, ']' | '}') => depth -= 1,
            (None, ',') if depth == 0 => {
                raw.push(std::mem::take(&mut cur));
                continue;
            }
            _ => {}
        }
        cur.push(c);
    }
    raw.push(cur);
    let values: Vec<Value> = raw.iter().map(|r| parse_value(r.trim())).collect();
    if raw.iter().any(|r| r.trim().is_empty()) {
        return Err(bad(format!("--grid {key}: empty value in `{values:?}`")));
    }
    Ok(Axis { key, path, values })
}

/// A key path: `a.b.0.c` or `a.b[0].c`.
pub fn parse_key(key: &str) -> Result<Vec<String>, Error> {
    let dotted = key.replace('[', ".").replace(']', "");
    let path: Vec<String> = dotted.split('.').map(|s| s.trim().to_string()).collect();
    if key.is_empty() || path.iter().any(String::is_empty) {
        return Err(bad(format!(
            "--grid {key}: not a key path (e.g. arms.0.ttl)"
        )));
    }
    Ok(path)
}

/// A TOML literal (`60`, `"60s"`, `true`, `[1, 2]`); anything else is taken as a bare string.
pub fn parse_value(raw: &str) -> Value {
    format!("v = {raw}")
        .parse::<Table>()
        .ok()
        .and_then(|mut t| t.remove("v"))
        .unwrap_or_else(|| Value::String(raw.to_string()))
}

/// Sets `path` to `value` in `table`. The first key must exist; a missing step below it that
/// names a table key (not an array index) is created as an empty table, so that an optional
/// table (`regions.0.load_balancer.health_check.interval`) can be swept; the last key is
/// created when its parent is a table.
pub fn set_path(table: &mut Table, path: &[String], value: Value) -> Result<(), String> {
    let (last, init) = path.split_last().expect("non-empty path");
    let fail = |m: String| format!("--grid {}: {m}", path.join("."));
    let Some((first, rest)) = init.split_first() else {
        table.insert(last.clone(), value);
        return Ok(());
    };
    let mut cur = table
        .get_mut(first.as_str())
        .ok_or_else(|| fail(format!("no key `{first}` in the workload")))?;
    let mut walked = first.clone();
    for seg in rest {
        cur = step(cur, seg, &walked).map_err(fail)?;
        walked.push('.');
        walked.push_str(seg);
    }
    match cur {
        Value::Table(t) => {
            t.insert(last.clone(), value);
            Ok(())
        }
        Value::Array(a) => {
            let i = index(last, a.len(), &walked).map_err(fail)?;
            a[i] = value;
            Ok(())
        }
        _ => Err(fail(format!("{walked} is not a table or an array"))),
    }
}

fn step<'a>(cur: &'a mut Value, seg: &str, walked: &str) -> Result<&'a mut Value, String> {
    let here = format!("{walked}.{seg}");
    match cur {
        Value::Table(t) => {
            if seg.parse::<usize>().is_err() {
                Ok(t.entry(seg).or_insert_with(|| Value::Table(Table::new())))
            } else {
                t.get_mut(seg)
                    .ok_or_else(|| format!("no key `{here}` in the workload"))
            }
        }
        Value::Array(a) => {
            let i = index(seg, a.len(), walked)?;
            Ok(&mut a[i])
        }
        _ => Err(format!("{walked} is not a table or an array")),
    }
}

fn index(seg: &str, len: usize, walked: &str) -> Result<usize, String> {
    let i: usize = seg
        .parse()
        .map_err(|_| format!("{walked} is an array: `{seg}` is not an index"))?;
    if i >= len {
        return Err(format!(
            "index {i} out of range: {walked} has {len} entr{}",
            if len == 1 { "y" } else { "ies" }
        ));
    }
    Ok(i)
}

// ---------------------------------------------------------------------------------------------
// Plan

/// One cell: a grid point (an index into each axis) and a seed.
#[derive(Debug, Clone)]
pub struct Cell {
    pub index: usize,
    pub point: Vec<usize>,
    pub seed: u64,
    pub workload: Workload,
}

/// Every cell of a sweep, validated, and what identifies the sweep.
#[derive(Debug, Clone)]
pub struct Plan {
    pub axes: Vec<Axis>,
    pub seeds: u64,
    pub clients: Option<u64>,
    pub cells: Vec<Cell>,
    /// `sweep.json`'s content.
    pub manifest: serde_json::Value,
}

/// FNV-1a, 64 bits: a stable hash of the workload text for the manifest.
pub fn fnv1a64(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// Applies every grid point to `text` and loads it; the first invalid cell is an error naming
/// the cell and the key path.
pub fn plan(text: &str, axes: Vec<Axis>, seeds: u64, clients: Option<u64>) -> Result<Plan, Error> {
    if axes.is_empty() {
        return Err(bad("give at least one --grid KEY=V1,V2,..."));
    }
    for (i, a) in axes.iter().enumerate() {
        if axes[..i].iter().any(|b| b.key == a.key) {
            return Err(bad(format!("--grid {}: given twice", a.key)));
        }
    }
    let base: Table = text
        .parse()
        .map_err(|e: toml::de::Error| bad(format!("workload: {}", e.to_string().trim_end())))?;
    let points: usize = axes.iter().map(|a| a.values.len()).product();
    let mut cells = Vec::with_capacity(points * seeds as usize);
    for p in 0..points {
        // Mixed radix, last axis fastest.
        let mut point = vec![0; axes.len()];
        let mut rest = p;
        for (k, a) in axes.iter().enumerate().rev() {
            point[k] = rest % a.values.len();
            rest /= a.values.len();
        }
        let mut t = base.clone();
        for (a, &i) in axes.iter().zip(&point) {
            set_path(&mut t, &a.path, a.values[i].clone()).map_err(bad)?;
        }
        let what = axes
            .iter()
            .zip(&point)
            .map(|(a, &i)| format!("{}={}", a.key, a.values[i]))
            .collect::<Vec<_>>()
            .join(", ");
        let cell_err = |m: String| bad(format!("cell {} ({what}): {m}", p * seeds as usize));
        let toml_text = toml::to_string(&t).map_err(|e| cell_err(e.to_string()))?;
        // The line of an error would be the re-serialised cell's, not the user's file: name
        // the key path alone.
        let mut w = parse_workload(&toml_text)
            .map_err(|e| cell_err(crate::workload::LoadError { line: None, ..e }.to_string()))?;
        if let Some(n) = clients {
            w.simulation.clients = n;
        }
        let seed0 = w.simulation.seed;
        if seed0.checked_add(seeds - 1).is_none() {
            return Err(cell_err(format!(
                "--seeds {seeds}: seeds from {seed0} would pass the largest seed"
            )));
        }
        for k in 0..seeds {
            let mut w = w.clone();
            w.simulation.seed = seed0 + k;
            cells.push(Cell {
                index: cells.len(),
                point: point.clone(),
                seed: seed0 + k,
                workload: w,
            });
        }
    }
    let manifest = serde_json::json!({
        "workload_fnv1a64": format!("{:016x}", fnv1a64(text.as_bytes())),
        "grid": axes.iter().map(|a| serde_json::json!({
            "key": a.key,
            "values": a.values.iter().map(Value::to_string).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "seeds": seeds,
        "clients": clients,
        "cells": cells.len(),
    });
    Ok(Plan {
        axes,
        seeds,
        clients,
        cells,
        manifest,
    })
}

impl Plan {
    /// `sweep.json`'s text.
    pub fn manifest_text(&self) -> String {
        serde_json::to_string_pretty(&self.manifest).expect("serializes") + "\n"
    }

    /// The CSV header line, with its newline.
    pub fn header(&self) -> String {
        let keys: Vec<&str> = self.axes.iter().map(|a| a.key.as_str()).collect();
        file::header(&keys)
    }

    /// One finished cell's rows (one per arm), each ending in a newline.
    pub fn rows(&self, cell: &Cell, arms: &[ArmSummary]) -> String {
        let labels: Vec<String> = self
            .axes
            .iter()
            .zip(&cell.point)
            .map(|(axis, &i)| axis.label(i))
            .collect();
        arms.iter()
            .map(|a| file::row(cell.index, cell.seed, &labels, a))
            .collect()
    }
}

// ---------------------------------------------------------------------------------------------
// The folder: manifest, resume, appending

/// The rows of `text` (after the header) grouped by cell, keeping only whole lines of cells
/// that have one row per arm.
pub(crate) fn complete_cells(plan: &Plan, body: &str) -> BTreeMap<usize, String> {
    let mut by_cell: BTreeMap<usize, String> = BTreeMap::new();
    let mut counts: BTreeMap<usize, usize> = BTreeMap::new();
    for line in body.split_inclusive('\n').filter(|l| l.ends_with('\n')) {
        let Some(cell) = line
            .split(',')
            .next()
            .and_then(|c| c.parse::<usize>().ok())
            .filter(|c| *c < plan.cells.len())
        else {
            continue;
        };
        by_cell.entry(cell).or_default().push_str(line);
        *counts.entry(cell).or_default() += 1;
    }
    by_cell.retain(|c, _| counts[c] == plan.cells[*c].workload.arms.len());
    by_cell
}

/// Writes `text` to `path` through a temporary file and a rename.
pub(crate) fn replace_file(path: &Path, text: &str) -> Result<(), Error> {
    let tmp = path.with_extension("csv.tmp");
    let mut f = File::create(&tmp).map_err(|e| io(&tmp, e))?;
    f.write_all(text.as_bytes()).map_err(|e| io(&tmp, e))?;
    f.sync_all().map_err(|e| io(&tmp, e))?;
    std::fs::rename(&tmp, path).map_err(|e| io(path, e))
}

/// The folder's state at start: the cells already done.
pub struct Resume {
    pub done: BTreeSet<usize>,
}

/// Prepares `dir` for `plan`: a new sweep gets the manifest and a header-only `sweep.csv`; a
/// folder holding the same sweep keeps its complete cells (partial ones are dropped); a folder
/// holding another sweep is refused (status 2).
pub fn prepare(dir: &Path, plan: &Plan) -> Result<Resume, Error> {
    std::fs::create_dir_all(dir).map_err(|e| io(dir, e))?;
    let csv = dir.join(CSV);
    let manifest_path = dir.join(MANIFEST);
    let header = plan.header();
    let manifest_text = plan.manifest_text();
    if csv.exists() {
        let text = std::fs::read_to_string(&csv).map_err(|e| io(&csv, e))?;
        let old: Option<serde_json::Value> = std::fs::read_to_string(&manifest_path)
            .ok()
            .and_then(|t| serde_json::from_str(&t).ok());
        if old.as_ref() != Some(&plan.manifest) || !text.starts_with(&header) {
            return Err(bad(format!(
                "{} holds another sweep (its {MANIFEST} or {CSV} header does not match this \
                 workload, grid, --seeds and --clients); pick another --out",
                dir.display()
            )));
        }
        let cells = complete_cells(plan, &text[header.len()..]);
        let kept: String = header.clone() + &cells.values().cloned().collect::<String>();
        if kept != text {
            replace_file(&csv, &kept)?;
        }
        return Ok(Resume {
            done: cells.into_keys().collect(),
        });
    }
    std::fs::write(&manifest_path, manifest_text).map_err(|e| io(&manifest_path, e))?;
    replace_file(&csv, &header)?;
    Ok(Resume {
        done: BTreeSet::new(),
    })
}

/// Appends finished cells to `sweep.csv` in cell order, holding back cells that finished before
/// their predecessors.
pub struct Appender {
    path: PathBuf,
    file: File,
    order: Vec<usize>,
    next: usize,
    waiting: BTreeMap<usize, String>,
}

impl Appender {
    /// `order`: the cells to run, in cell order.
    pub fn open(dir: &Path, order: Vec<usize>) -> Result<Appender, Error> {
        Appender::open_path(dir.join(CSV), order)
    }

    /// The same for the rows file at `path` (a shard's, [`shard`]).
    pub fn open_path(path: PathBuf, order: Vec<usize>) -> Result<Appender, Error> {
        let file = OpenOptions::new()
            .append(true)
            .open(&path)
            .map_err(|e| io(&path, e))?;
        Ok(Appender {
            path,
            file,
            order,
            next: 0,
            waiting: BTreeMap::new(),
        })
    }

    fn write(&mut self, text: &str) -> Result<(), Error> {
        self.file
            .write_all(text.as_bytes())
            .and_then(|()| self.file.flush())
            .and_then(|()| self.file.sync_data())
            .map_err(|e| io(&self.path, e))
    }

    /// Records a finished cell's rows; writes every cell now next in order.
    pub fn finish(&mut self, cell: usize, rows: String) -> Result<(), Error> {
        self.waiting.insert(cell, rows);
        let mut text = String::new();
        while let Some(rows) = self
            .order
            .get(self.next)
            .and_then(|c| self.waiting.remove(c))
        {
            text.push_str(&rows);
            self.next += 1;
        }
        if text.is_empty() {
            Ok(())
        } else {
            self.write(&text)
        }
    }

    /// Writes the cells still held back (out of order): used when the sweep stops early.
    pub fn flush_waiting(&mut self) -> Result<(), Error> {
        let text: String = std::mem::take(&mut self.waiting).into_values().collect();
        if text.is_empty() {
            Ok(())
        } else {
            self.write(&text)
        }
    }
}

/// Rewrites `sweep.csv` in cell order (stable within a cell) if it is not already; returns the
/// final text.
pub fn sort_csv(dir: &Path, plan: &Plan) -> Result<String, Error> {
    let csv = dir.join(CSV);
    let text = std::fs::read_to_string(&csv).map_err(|e| io(&csv, e))?;
    let header = plan.header();
    let body = text.get(header.len()..).unwrap_or("");
    let sorted = header.clone() + &complete_cells(plan, body).into_values().collect::<String>();
    if sorted != text {
        replace_file(&csv, &sorted)?;
    }
    Ok(sorted)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_accept_both_forms() {
        assert_eq!(parse_key("arms[0].ttl").unwrap(), ["arms", "0", "ttl"]);
        assert_eq!(parse_key("arms.0.ttl").unwrap(), ["arms", "0", "ttl"]);
        assert!(parse_key("arms..ttl").is_err());
    }

    #[test]
    fn values_are_toml_literals_or_bare_strings() {
        assert_eq!(parse_value("60"), Value::Integer(60));
        assert_eq!(parse_value("\"60s\""), Value::String("60s".into()));
        assert_eq!(parse_value("60s"), Value::String("60s".into()));
        assert_eq!(parse_value("true"), Value::Boolean(true));
        let a = parse_axis("arms[1].ttl=\"a,b\",30s,[1, 2]").unwrap();
        assert_eq!(a.key, "arms.1.ttl");
        assert_eq!(a.values.len(), 3);
        assert_eq!(a.label(0), "a,b");
    }

    #[test]
    fn set_path_creates_only_the_last_key() {
        let mut t: Table = "[a]\nx = 1\n[[b]]\ny = 2\n".parse().unwrap();
        let p = |s: &str| parse_key(s).unwrap();
        set_path(&mut t, &p("a.z"), Value::Integer(3)).unwrap();
        set_path(&mut t, &p("b.0.y"), Value::Integer(4)).unwrap();
        assert_eq!(t["a"]["z"].as_integer(), Some(3));
        assert_eq!(t["b"][0]["y"].as_integer(), Some(4));
        let e = set_path(&mut t, &p("b.3.y"), Value::Integer(4)).unwrap_err();
        assert!(e.contains("b.3.y") && e.contains("out of range"), "{e}");
        let e = set_path(&mut t, &p("a.x.q"), Value::Integer(4)).unwrap_err();
        assert!(e.contains("a.x.q") && e.contains("not a table"), "{e}");
        let e = set_path(&mut t, &p("c.d"), Value::Integer(4)).unwrap_err();
        assert!(e.contains("c.d"), "{e}");
        // The tree is intact after errors.
        assert_eq!(t["a"]["x"].as_integer(), Some(1));
    }
}
