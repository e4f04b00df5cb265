//! The page and plots of a finished `gtsim sweep`: `sweep.md`, `sweep-summary.csv` (written
//! through `files::sweep`), a heatmap per arm and a Pareto chart in `plots/`.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use toml::Value;

use crate::error::{Error, cannot_write as io};
use crate::files::sweep::{self as file, CSV, F_AUTH, FIGURES, MANIFEST, MD, Row, SUMMARY_CSV};
use crate::report::plot;
use crate::stats::{MeanCi, fmt_ci, mean_ci};
use crate::sweep::Plan;

/// The figures summarised per grid point (mean ± 95 % CI over its seeds): index into
/// [`FIGURES`], `sweep.md` column title, decimals shown there.
const SUMMARISED: [(usize, &str, usize); 6] = [
    (2, "converge p50 (s)", 3),
    (4, "converge p99 (s)", 3),
    (7, "stale p99 (s)", 3),
    (9, "RTO p99 (s)", 3),
    (F_AUTH, "auth queries", 0),
    (14, "cost (USD/month)", 2),
];

/// The figure the plots show, first choice first: the first with a value anywhere (in the arm,
/// for a heatmap; in any row, for the Pareto chart) is used, and the title says which.
const PLOTTED: [(usize, &str); 4] = [
    (4, "converge p99"),
    (7, "stale-converge p99"),
    (3, "converge p90"),
    (2, "converge p50"),
];

// ---------------------------------------------------------------------------------------------
// Plots and sweep.md

fn slug(s: &str) -> String {
    let s: String = s
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    s.trim_matches('-').to_string()
}

fn mean(v: &[f64]) -> Option<f64> {
    (!v.is_empty()).then(|| v.iter().sum::<f64>() / v.len() as f64)
}

/// A grid point's mean ± 95 % CI of every [`SUMMARISED`] figure, per arm.
struct PointSummary {
    /// Index into each axis.
    point: Vec<usize>,
    /// Per arm (in `arms` order), per summarised figure; `None` when no seed has a value.
    cis: Vec<Vec<Option<MeanCi>>>,
}

/// Summarises `rows` grid point by grid point (in point order) over their seeds.
fn summarise(plan: &Plan, rows: &[Row], arms: &[String]) -> Vec<PointSummary> {
    let seeds = plan.seeds.max(1) as usize;
    plan.cells
        .iter()
        .step_by(seeds)
        .enumerate()
        .map(|(p, first)| {
            let cis = arms
                .iter()
                .map(|arm| {
                    SUMMARISED
                        .iter()
                        .map(|&(f, _, _)| {
                            let got: Vec<f64> = rows
                                .iter()
                                .filter(|r| r.cell / seeds == p && &r.arm == arm)
                                .filter_map(|r| r.figures.get(f).copied().flatten())
                                .collect();
                            mean_ci(&got)
                        })
                        .collect()
                })
                .collect();
            PointSummary {
                point: first.point.clone(),
                cis,
            }
        })
        .collect()
}

/// `sweep-summary.csv`: `point,<grid keys>,arm,figure,n,mean,ci95_half_width`, one row per
/// grid point, arm and summarised figure; undefined values are empty cells.
fn summary_csv(plan: &Plan, arms: &[String], points: &[PointSummary]) -> String {
    let keys: Vec<&str> = plan.axes.iter().map(|a| a.key.as_str()).collect();
    let mut s = file::summary_header(&keys);
    for (p, ps) in points.iter().enumerate() {
        let labels: Vec<String> = plan
            .axes
            .iter()
            .zip(&ps.point)
            .map(|(a, &i)| a.label(i))
            .collect();
        for (arm, cis) in arms.iter().zip(&ps.cis) {
            for (&(f, _, _), ci) in SUMMARISED.iter().zip(cis) {
                file::summary_row(&mut s, p, &labels, arm, FIGURES[f], *ci);
            }
        }
    }
    s
}

fn md_cell(s: &str) -> String {
    s.replace('|', "\\|")
}

/// `sweep.md`'s confidence-interval tables: one per arm, one row per grid point.
fn summary_md(plan: &Plan, arms: &[String], points: &[PointSummary]) -> String {
    let mut md = format!(
        "## Confidence intervals per grid point\n\nMean over the grid point's seeds that have a \
         value ± the half-width of its 95 % Student-t confidence interval (t quantile with \
         n − 1 degrees of freedom), and n, how many of the {} seed(s) had a value (\"- (0)\": \
         none did). One seed gives no interval (n/a). Per-seed figures: `{CSV}`; these: \
         `{SUMMARY_CSV}`.\n",
        plan.seeds
    );
    for (ai, arm) in arms.iter().enumerate() {
        let _ = writeln!(md, "\n### {}\n", md_cell(arm));
        let mut head: Vec<String> = plan
            .axes
            .iter()
            .map(|a| format!("`{}`", md_cell(&a.key)))
            .collect();
        head.extend(SUMMARISED.iter().map(|(_, t, _)| t.to_string()));
        let _ = writeln!(md, "| {} |", head.join(" | "));
        let _ = writeln!(md, "|{}", "---|".repeat(head.len()));
        for ps in points {
            let mut cells: Vec<String> = plan
                .axes
                .iter()
                .zip(&ps.point)
                .map(|(a, &i)| md_cell(&a.label(i)))
                .collect();
            cells.extend(
                SUMMARISED
                    .iter()
                    .zip(&ps.cis[ai])
                    .map(|(&(_, _, d), ci)| fmt_ci(*ci, d)),
            );
            let _ = writeln!(md, "| {} |", cells.join(" | "));
        }
    }
    md
}

/// Draws the heatmaps (one per arm) and the Pareto chart into `DIR/plots/` and writes
/// `DIR/sweep.md` and `DIR/sweep-summary.csv`; returns the files written.
pub fn finish(dir: &Path, plan: &Plan, csv_text: &str) -> Result<Vec<PathBuf>, Error> {
    let rows =
        file::parse(csv_text, plan.axes.len()).map_err(|e| Error::Other(format!("{CSV}: {e}")))?;
    let plots = dir.join("plots");
    std::fs::create_dir_all(&plots).map_err(|e| io(&plots, e))?;
    let mut arms: Vec<String> = Vec::new();
    for r in &rows {
        if !arms.contains(&r.arm) {
            arms.push(r.arm.clone());
        }
    }
    let value = |r: &Row, f: usize| r.figures.get(f).copied().flatten();
    let mut written = Vec::new();
    let mut md_plots = Vec::new();
    let err = Error::Other;

    let xa = &plan.axes[0];
    let ya = plan.axes.get(1);
    let fixed: Vec<String> = plan
        .axes
        .iter()
        .skip(2)
        .map(|a| format!("{}={}", a.key, a.label(0)))
        .collect();
    for (ai, arm) in arms.iter().enumerate() {
        let mine: Vec<&Row> = rows.iter().filter(|r| &r.arm == arm).collect();
        let (fig, what) = PLOTTED
            .into_iter()
            .find(|(f, _)| mine.iter().any(|r| value(r, *f).is_some()))
            .unwrap_or(PLOTTED[0]);
        let ny = ya.map_or(1, |a| a.values.len());
        let mut values = vec![vec![None; xa.values.len()]; ny];
        for (y, row) in values.iter_mut().enumerate() {
            for (x, v) in row.iter_mut().enumerate() {
                let got: Vec<f64> = mine
                    .iter()
                    .filter(|r| {
                        let p = &plan.cells[r.cell].point;
                        p[0] == x
                            && (ya.is_none() || p[1] == y)
                            && p.iter().skip(2).all(|i| *i == 0)
                    })
                    .filter_map(|r| value(r, fig))
                    .collect();
                *v = mean(&got);
            }
        }
        let mut title = format!(
            "{arm}: {what} (s), mean over {} seed{}",
            plan.seeds,
            if plan.seeds == 1 { "" } else { "s" }
        );
        if !fixed.is_empty() {
            let _ = write!(title, "; fixed {}", fixed.join(", "));
        }
        let chart = plot::HeatmapChart {
            title,
            x_label: xa.key.clone(),
            y_label: ya.map_or(String::new(), |a| a.key.clone()),
            x_values: (0..xa.values.len()).map(|i| xa.label(i)).collect(),
            y_values: ya.map_or(vec![String::new()], |a| {
                (0..a.values.len()).map(|i| a.label(i)).collect()
            }),
            values,
            unit: " s".into(),
        };
        let stem = format!("heatmap-{}-{}", ai, slug(arm));
        let svg = plots.join(format!("{stem}.svg"));
        let chart = plot::Chart::Heatmap(chart);
        std::fs::write(&svg, plot::svg(&chart).map_err(err)?).map_err(|e| io(&svg, e))?;
        let png = plots.join(format!("{stem}.png"));
        plot::png(&chart, &png).map_err(err)?;
        written.extend([svg, png]);
        md_plots.push((format!("{arm}: {what}"), stem));
    }

    let (fig, what) = PLOTTED
        .into_iter()
        .find(|(f, _)| rows.iter().any(|r| value(r, *f).is_some()))
        .unwrap_or(PLOTTED[0]);
    let what = format!("{what} (s)");
    let pareto = plot::ParetoChart {
        title: format!(
            "Authoritative queries vs {what}: every cell and arm ({} cells)",
            plan.cells.len()
        ),
        x_label: "authoritative queries (log)".into(),
        y_label: what.clone(),
        arms: arms
            .iter()
            .enumerate()
            .map(|(i, a)| plot::ArmStyle {
                name: a.clone(),
                colour: i,
                mark_x: None,
                mark_label: None,
            })
            .collect(),
        points: arms
            .iter()
            .map(|a| {
                rows.iter()
                    .filter(|r| &r.arm == a)
                    .filter_map(|r| Some((value(r, F_AUTH)?, value(r, fig)?)))
                    .collect()
            })
            .collect(),
    };
    let svg = plots.join("pareto.svg");
    let pareto = plot::Chart::Pareto(pareto);
    std::fs::write(&svg, plot::svg(&pareto).map_err(err)?).map_err(|e| io(&svg, e))?;
    let png = plots.join("pareto.png");
    plot::png(&pareto, &png).map_err(err)?;
    written.extend([svg, png]);
    md_plots.push((
        format!("authoritative queries vs {what} (non-dominated points ringed)"),
        "pareto".into(),
    ));

    let mut md = String::from("# Sweep\n\n## Grid\n\n");
    for a in &plan.axes {
        let vals: Vec<String> = a.values.iter().map(Value::to_string).collect();
        let _ = writeln!(md, "- `{}`: {}", a.key, vals.join(", "));
    }
    let _ = writeln!(
        md,
        "- seeds per grid point: {} (simulation.seed + 0..{})",
        plan.seeds, plan.seeds
    );
    if let Some(n) = plan.clients {
        let _ = writeln!(md, "- clients: {n}");
    }
    let _ = writeln!(
        md,
        "\n{} cells, {} rows.\n\n## Files\n\n- `{CSV}`: one row per cell and arm\n- \
         `{SUMMARY_CSV}`: mean and 95 % CI half-width per grid point, arm and figure\n- \
         `{MANIFEST}`: what this folder's sweep is (a rerun with the same arguments resumes)\n",
        plan.cells.len(),
        rows.len()
    );
    let points = summarise(plan, &rows, &arms);
    md.push_str(&summary_md(plan, &arms, &points));
    md.push('\n');
    md.push_str("## Plots\n\n");
    for (what, stem) in &md_plots {
        let _ = writeln!(
            md,
            "### {what}\n\n![{what}](plots/{stem}.png) ([SVG](plots/{stem}.svg))\n"
        );
    }
    let md_path = dir.join(MD);
    std::fs::write(&md_path, md).map_err(|e| io(&md_path, e))?;
    written.push(md_path);
    let summary_path = dir.join(SUMMARY_CSV);
    std::fs::write(&summary_path, summary_csv(plan, &arms, &points))
        .map_err(|e| io(&summary_path, e))?;
    written.push(summary_path);
    Ok(written)
}
