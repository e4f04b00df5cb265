//! `gtsim claims`: each seed document's claim beside gtsim's number, from replications.
//!
//! The workloads are the committed `workloads/seed*.toml` files, embedded so that the binary
//! alone reproduces the report ([`spec::WORKLOADS`]); the claims are quoted from `shared/seeds`
//! ([`spec::CLAIMS`]). Each workload runs under N seeds (seed, seed+1, …, seed+N-1) at its
//! client count; each figure is the mean over the replications with its 95 % Student-t
//! interval ([`crate::stats::mean_ci`]), and the verdict is computed from that interval
//! ([`verdict::judge`]), never written by hand. A verdict that may depend on an ASSUMED value
//! is also judged over that value's range ([`ranges`]): every point is the workload with some
//! keys set by the sweep machinery ([`crate::sweep::plan`]) and runs under the same seeds;
//! runs of identical workloads are shared. Everything is sequential and a pure function of the
//! flags: the same bytes whatever the thread count.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use sim_engine::config::{ArmKind, Workload};
use sim_engine::metrics::{ArmSummary, Summary};
use sim_engine::run::{RunOptions, run};
use toml::Table;

use crate::error::{Error, bad_input, cannot_write, other};
use crate::files::{self, replications, summary};
use crate::sweep::{Axis, parse_key, parse_value, plan};
use crate::workload::parse_workload;

pub mod ranges;
pub mod spec;
pub mod verdict;

use ranges::Range;
use spec::{Arms, CLAIMS, Claim, SeedWorkload, WORKLOADS, decimals};
use verdict::{Judged, Verdict, judge, over_range};

/// The flags of `gtsim claims`.
#[derive(Debug, Clone, clap::Args)]
pub struct ClaimsArgs {
    /// Output folder (the published one is results/seed-claims).
    #[arg(long, default_value = "results/seed-claims")]
    pub out: PathBuf,
    /// First seed: replications use seed, seed+1, …, seed+N-1.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Replications per workload and per point of an assumption's range (at least 2: one
    /// replication has no confidence interval; the published report uses 10).
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u64).range(2..))]
    pub replications: u64,
    /// Clients per run for every workload (default: each workload's published count, listed
    /// in the report). Small counts leave high percentiles unresolvable (null).
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..))]
    pub clients: Option<u64>,
    /// Worker threads (0 = one per core). Results do not depend on it.
    #[arg(long, default_value_t = 0)]
    pub threads: usize,
}

/// `gtsim claims`.
pub fn claims(args: &ClaimsArgs) -> Result<(), Error> {
    let report = evaluate(args)?;
    for line in &report.lines {
        println!("{line}");
    }
    for f in write(&args.out, args, &report)? {
        println!("wrote {}", f.display());
    }
    Ok(())
}

/// One workload variant's replications: the loaded workloads (one per seed) and summaries.
pub struct Runs {
    pub workloads: Vec<Workload>,
    pub summaries: Vec<Summary>,
}

/// Every run made so far, so that a range point equal to another (often the workload as
/// written) is not run twice.
#[derive(Default)]
struct Cache {
    runs: Vec<(Workload, Summary)>,
}

impl Cache {
    fn get(&mut self, w: &Workload, threads: usize) -> Result<Summary, Error> {
        if let Some((_, s)) = self.runs.iter().find(|(k, _)| k == w) {
            return Ok(s.clone());
        }
        eprintln!(
            "claims: running {} seed {} ({} clients)",
            w.name, w.simulation.seed, w.simulation.clients
        );
        let opts = RunOptions {
            threads,
            ..RunOptions::default()
        };
        let out = run(w, &opts, &|_, _| {}).map_err(|e| other(format!("{}: {e}", w.name)))?;
        self.runs.push((w.clone(), out.summary.clone()));
        Ok(out.summary)
    }
}

/// The client count a workload runs at.
fn clients_of(sw: &SeedWorkload, args: &ClaimsArgs) -> u64 {
    args.clients.unwrap_or(sw.clients)
}

/// Runs `sw` with `sets` applied under the flags' seeds.
fn replicate(
    sw: &SeedWorkload,
    sets: &[ranges::Set],
    arm: usize,
    args: &ClaimsArgs,
    cache: &mut Cache,
) -> Result<Runs, Error> {
    let ctx = |e: Error| e.context(sw.name);
    let base: Table = sw
        .text
        .parse()
        .map_err(|e: toml::de::Error| bad_input(format!("{}: {e}", sw.name)))?;
    let loaded = parse_workload(sw.text).map_err(|e| bad_input(format!("{}: {e}", sw.name)))?;
    let path = parse_key("simulation.seed")?;
    let mut axes = vec![Axis {
        key: path.join("."),
        path,
        values: vec![parse_value(&args.seed.to_string())],
    }];
    axes.extend(
        ranges::axes(&base, &loaded, sets, arm).map_err(|e| bad_input(e).context(sw.name))?,
    );
    let p = plan(sw.text, axes, args.replications, Some(clients_of(sw, args))).map_err(ctx)?;
    let mut runs = Runs {
        workloads: Vec::new(),
        summaries: Vec::new(),
    };
    for cell in p.cells {
        runs.summaries
            .push(cache.get(&cell.workload, args.threads)?);
        runs.workloads.push(cell.workload);
    }
    Ok(runs)
}

/// A figure of one arm's summary: a dotted path into its JSON form, or
/// `rto_s.never_recovered_share` (never recovered / cohort clients).
pub fn figure(arm: &ArmSummary, path: &str) -> Option<f64> {
    if path == "rto_s.never_recovered_share" {
        let cohort = arm.cohort_clients.filter(|c| *c > 0)?;
        return arm.rto_s.never_recovered.map(|n| n as f64 / cohort as f64);
    }
    let v = serde_json::to_value(arm).ok()?;
    let mut cur = &v;
    for part in path.split('.') {
        cur = cur.get(part)?;
    }
    cur.as_f64()
}

/// The arms a claim is judged on, by index into the workload's arms.
fn select(c: &Claim, w: &Workload) -> Result<Vec<usize>, Error> {
    let pick: Vec<usize> = w
        .arms
        .iter()
        .enumerate()
        .filter(|(_, a)| match c.arms {
            Arms::Named(n) => a.name == n,
            Arms::Route53 => matches!(a.kind, ArmKind::Route53(_)),
            Arms::GlobalAccelerator => matches!(a.kind, ArmKind::GlobalAccelerator(_)),
            Arms::All => true,
        })
        .map(|(i, _)| i)
        .collect();
    if pick.is_empty() {
        return Err(other(format!(
            "claim \"{}\" selects no arm of {} ({:?})",
            c.quote, c.workload, c.arms
        )));
    }
    Ok(pick)
}

/// One arm's figure over the replications, judged.
fn judged(c: &Claim, runs: &Runs, arm: &str) -> Result<Judged, Error> {
    let values = runs
        .summaries
        .iter()
        .map(|s| {
            s.arms
                .iter()
                .find(|a| a.name == arm)
                .map(|a| figure(a, c.figure))
                .ok_or_else(|| other(format!("{}: no arm {arm} in the summary", c.workload)))
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(judge(c.check, &values, decimals(c.figure)))
}

/// A range point's result for one claim row.
pub struct PointRow {
    pub label: String,
    pub judged: Judged,
}

/// One row of the claims table: a claim on one arm.
pub struct Row {
    pub claim: &'static Claim,
    pub arm: String,
    pub judged: Judged,
    /// Per range: the range and its points.
    pub ranges: Vec<(&'static Range, Vec<PointRow>)>,
}

impl Row {
    /// The verdict cell: the workload's verdict, then "assumption-driven: …" where a range
    /// moves it, and "true by construction" where a definition decides it.
    pub fn verdict(&self) -> String {
        let mut v = self.judged.text();
        for (r, points) in &self.ranges {
            let pv: Vec<(String, Verdict)> = points
                .iter()
                .map(|p| (p.label.clone(), p.judged.verdict))
                .collect();
            match over_range(&pv) {
                Some(driven) => {
                    let _ = write!(v, "; {driven}");
                }
                None => {
                    let _ = write!(v, "; the same at every value of {}", r.assumption);
                }
            }
        }
        if let Some(why) = self.claim.by_construction {
            let _ = write!(v, "; true by construction: {why}");
        }
        v
    }
}

/// Every claim row, and the runs behind them.
pub struct Report {
    pub rows: Vec<Row>,
    /// Base runs per workload (seed order), for the output folders.
    pub base: Vec<(&'static SeedWorkload, Runs)>,
    /// Range points' runs: workload, range id, point index, runs.
    pub points: Vec<(&'static str, &'static str, usize, Runs)>,
    /// The text printed to stdout, one line per row and point.
    pub lines: Vec<String>,
}

fn seed_workload(name: &str) -> Result<&'static SeedWorkload, Error> {
    WORKLOADS
        .iter()
        .find(|w| w.name == name)
        .ok_or_else(|| other(format!("claim refers to unknown workload {name}")))
}

/// Runs everything and judges every claim.
pub fn evaluate(args: &ClaimsArgs) -> Result<Report, Error> {
    let mut cache = Cache::default();
    let mut report = Report {
        rows: Vec::new(),
        base: Vec::new(),
        points: Vec::new(),
        lines: Vec::new(),
    };
    for sw in WORKLOADS {
        let runs = replicate(sw, &[], 0, args, &mut cache)?;
        report.base.push((sw, runs));
    }
    for c in CLAIMS {
        let sw = seed_workload(c.workload)?;
        let bi = report
            .base
            .iter()
            .position(|(w, _)| w.name == sw.name)
            .expect("every workload has base runs");
        let arms = select(c, &report.base[bi].1.workloads[0])?;
        for ai in arms {
            let arm = report.base[bi].1.workloads[0].arms[ai].name.clone();
            let base = judged(c, &report.base[bi].1, &arm)?;
            let mut point_lines = Vec::new();
            let mut row = Row {
                claim: c,
                arm: arm.clone(),
                judged: base,
                ranges: Vec::new(),
            };
            for r in c.ranges {
                let mut points = Vec::new();
                for (k, sets) in r.points.iter().enumerate() {
                    let runs = replicate(sw, sets, ai, args, &mut cache)?;
                    let label = (r.describe)(&runs.workloads[0], ai);
                    let j = judged(c, &runs, &arm)?;
                    point_lines.push(format!(
                        "    {label}: {} = {}: {}",
                        c.figure,
                        j.figure,
                        j.text()
                    ));
                    if !report
                        .points
                        .iter()
                        .any(|(w, id, i, _)| *w == sw.name && *id == r.id && *i == k)
                    {
                        report.points.push((sw.name, r.id, k, runs));
                    }
                    points.push(PointRow { label, judged: j });
                }
                row.ranges.push((r, points));
            }
            report.lines.push(format!(
                "{} {}/{} {} = {}: {}",
                c.seed,
                c.workload,
                arm,
                c.figure,
                row.judged.figure,
                row.verdict()
            ));
            report.lines.append(&mut point_lines);
            report.rows.push(row);
        }
    }
    Ok(report)
}

fn replications_csv(runs: &Runs) -> String {
    let mut s = replications::header();
    for summary in &runs.summaries {
        s.push_str(&replications::rows(summary));
    }
    s
}

fn md_cell(s: &str) -> String {
    s.replace('|', "\\|")
}

/// The command line that reproduces `dir`.
fn command(dir: &Path, args: &ClaimsArgs) -> String {
    let mut c = format!(
        "gtsim claims --replications {} --seed {}",
        args.replications, args.seed
    );
    if let Some(n) = args.clients {
        let _ = write!(c, " --clients {n}");
    }
    let _ = write!(c, " --out {}", dir.display());
    c
}

/// The report's README text.
pub fn readme(dir: &Path, args: &ClaimsArgs, report: &Report) -> String {
    let n = args.replications;
    let last = args.seed + n - 1;
    let mut md = String::new();
    let _ = writeln!(
        md,
        "# Seed claims beside gtsim's numbers\n\n\
         Produced by `{}` (gtsim {}). Each committed `workloads/seed*.toml` is run with {n} \
         replications (seeds {} to {last}) at the client count below. Each figure is the mean \
         over the {n} replications with its 95 % CI (Student t, n − 1 degrees of freedom), \
         written mean ± half-width (n). A verdict is \"holds\" or \"does not hold\" only when \
         the whole 95 % CI lies on one side of the claim's threshold, otherwise \"undecided\" \
         (also when the figure is null in some replications: never reached, or too few \
         requests to resolve a percentile). Verdicts are computed from the runs, never written \
         by hand; rerunning the command reproduces every byte.\n\n\
         A verdict that may depend on an ASSUMED value is also judged over that value's range \
         (each point runs under the same {n} seeds): \"assumption-driven\" when the verdict \
         changes over the range, \"the same at every value\" when it does not. A verdict that \
         a model definition decides says \"true by construction\".\n",
        command(dir, args),
        env!("CARGO_PKG_VERSION"),
        args.seed,
    );
    md.push_str("## Client counts\n\n");
    let _ = writeln!(
        md,
        "Chosen to fit the whole regeneration (every workload and every range point, {n} \
         replications each) in 10 minutes on a 2-core machine, estimated from runs at small \
         sizes, while keeping each quoted percentile resolvable (docs/metrics.md: converge \
         p99 needs 1,000 cohort requests per 5 s bin, p99.9 10,000).\n"
    );
    md.push_str("| workload | clients per run | why |\n|---|---:|---|\n");
    for (sw, _) in &report.base {
        let why = if args.clients.is_some() {
            "`--clients` override"
        } else {
            sw.why
        };
        let _ = writeln!(
            md,
            "| `{}` | {} | {} |",
            sw.name,
            clients_of(sw, args),
            md_cell(why)
        );
    }
    md.push_str(
        "\n## Claims\n\n| seed | claim | workload / arm | figure | gtsim: mean ± 95 % CI (n) | \
         verdict |\n|---|---|---|---|---:|---|\n",
    );
    for r in &report.rows {
        let c = r.claim;
        let _ = writeln!(
            md,
            "| {} | “{}” | `{}` / `{}` | `{}` | {} | {} |",
            c.seed,
            md_cell(c.quote),
            c.workload,
            r.arm,
            c.figure,
            r.judged.figure,
            md_cell(&r.verdict())
        );
    }
    md.push_str("\n## Assumption ranges\n");
    for r in report.rows.iter().filter(|r| !r.ranges.is_empty()) {
        for (range, points) in &r.ranges {
            let _ = writeln!(
                md,
                "\n### “{}”: `{}` / `{}`, `{}` over {}\n\n{}\n\n| ASSUMED value | mean ± \
                 95 % CI (n) | verdict |\n|---|---:|---|",
                md_cell(r.claim.quote),
                r.claim.workload,
                r.arm,
                r.claim.figure,
                range.assumption,
                range.why
            );
            for p in points {
                let _ = writeln!(
                    md,
                    "| {} | {} | {} |",
                    md_cell(&p.label),
                    p.judged.figure,
                    md_cell(&p.judged.text())
                );
            }
        }
    }
    md.push_str("\n## Notes\n\n");
    for c in CLAIMS {
        let _ = writeln!(
            md,
            "- seed {}, “{}” (`{}`): {}",
            c.seed,
            md_cell(c.quote),
            c.figure,
            c.note
        );
    }
    md.push_str(
        "- Each workload folder holds `replications.csv` (docs/metrics.md: one row per seed and \
         arm) and the first seed's `summary.json`, whose `assumptions` list every ASSUMED \
         parameter of the run; each range point's `replications.csv` is in \
         `<workload>/<range>/<point>/`.\n",
    );
    md
}

/// Writes `dir/README.md`, each workload's `replications.csv` and first `summary.json`, and
/// each range point's `replications.csv`. Returns the files written.
pub fn write(dir: &Path, args: &ClaimsArgs, report: &Report) -> Result<Vec<PathBuf>, Error> {
    let mut written = Vec::new();
    let mut put = |d: PathBuf, files: &[(&str, String)]| -> Result<(), Error> {
        written.extend(files::write_files(&d, files).map_err(|e| cannot_write(&d, e))?);
        Ok(())
    };
    for (sw, runs) in &report.base {
        put(
            dir.join(sw.name),
            &[
                (replications::FILE, replications_csv(runs)),
                (summary::FILE, summary::write(&runs.summaries[0])),
            ],
        )?;
    }
    for (w, id, k, runs) in &report.points {
        put(
            dir.join(w).join(id).join(k.to_string()),
            &[(replications::FILE, replications_csv(runs))],
        )?;
    }
    put(
        dir.to_path_buf(),
        &[("README.md", readme(dir, args, report))],
    )?;
    Ok(written)
}

#[cfg(test)]
mod tests;
