//! Reports for people: `report.md` (for pasting into a post), a self-contained `report.html`
//! (inline SVG plots, no scripts, no network) and the plots as SVG and PNG in `plots/`.
//!
//! A report is drawn from a run's output folder only: `summary.json` and `curve.csv`
//! (docs/metrics.md, read loosely: extra fields and columns are ignored), plus optional
//! files that `gtsim run` writes beside them: `workload.toml` (the workload text, for its
//! description), `command.txt` (the command that produced the run), `distributions.csv` (RTO
//! and latency quantiles per arm, drawn as CDFs; without it the summary's percentiles are
//! drawn instead), and `replications.csv`
//! from `gtsim run --replications N` (a mean ± 95 % CI table across seeds). `gtsim run` calls the
//! same code on the same bytes, so `gtsim report DIR` on a finished run redraws the same report.
//! Everything here is a pure function of those inputs: same folder, same bytes out.

use std::fs;
use std::path::{Path, PathBuf};

use crate::error::Error;
use crate::files::write_files;
use doc::Doc;
pub use inputs::{Inputs, load};
use plot::Chart;

pub mod doc;
pub mod format;
pub mod inputs;
pub mod plot;
pub mod sections;
pub mod sweep;

/// A drawn plot: `plots/<stem>.svg` and `plots/<stem>.png`.
#[derive(Debug, Clone, PartialEq)]
pub struct RenderedPlot {
    pub stem: String,
    pub title: String,
    pub caption: String,
    pub chart: Chart,
    pub svg: String,
}

/// A report ready to write.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    pub md: String,
    pub html: String,
    pub plots: Vec<RenderedPlot>,
}

/// Reads `dir`, draws the report and writes it there ([`write()`]).
pub fn generate(dir: &Path) -> Result<Vec<PathBuf>, Error> {
    let inputs = load(dir)?;
    let report = build(&inputs).map_err(Error::Other)?;
    write(dir, &report).map_err(|e| Error::Other(format!("cannot write to {}: {e}", dir.display())))
}

/// Writes the plots (`plots/*.svg`, `plots/*.png`), then `report.md` and `report.html`, each
/// to a temporary name and renamed into place. Returns the paths written.
pub fn write(dir: &Path, report: &Report) -> Result<Vec<PathBuf>, String> {
    let plots = dir.join("plots");
    let svgs: Vec<(String, String)> = report
        .plots
        .iter()
        .map(|p| (format!("{}.svg", p.stem), p.svg.clone()))
        .collect();
    let svgs: Vec<(&str, String)> = svgs.iter().map(|(n, s)| (n.as_str(), s.clone())).collect();
    let mut written = write_files(&plots, &svgs).map_err(|e| e.to_string())?;
    for p in &report.plots {
        let path = plots.join(format!("{}.png", p.stem));
        let tmp = plots.join(format!(".{}.tmp.png", p.stem));
        plot::png(&p.chart, &tmp)?;
        fs::rename(&tmp, &path).map_err(|e| format!("{}: {e}", path.display()))?;
        written.push(path);
    }
    written.extend(
        write_files(
            dir,
            &[
                ("report.md", report.md.clone()),
                ("report.html", report.html.clone()),
            ],
        )
        .map_err(|e| e.to_string())?,
    );
    Ok(written)
}

/// Draws the report: plots (SVG now, PNG when written) and the document, section by section
/// in order, rendered to Markdown and HTML.
pub fn build(inputs: &Inputs) -> Result<Report, String> {
    use sections::{arms, assumptions, classes, load, plots, results, scenario, who_first};
    let plan = plots::plan(inputs);
    let svgs = plan
        .plots
        .iter()
        .map(|(_, _, _, chart)| plot::svg(chart))
        .collect::<Result<Vec<_>, _>>()?;
    let mut blocks = scenario::section(inputs);
    blocks.extend(arms::section(inputs));
    blocks.extend(results::section(inputs));
    blocks.extend(plots::section(&plan, &svgs));
    if let Some(rows) = &inputs.classes {
        blocks.extend(classes::section(rows));
    }
    blocks.extend(load::section(
        inputs.load.as_deref(),
        inputs.summary.failure_at_s.get(),
    ));
    blocks.extend(who_first::section(inputs));
    blocks.extend(assumptions::section(inputs));
    blocks.extend(assumptions::reproduce(inputs));
    let doc = Doc {
        title: format!("gtsim report: {}", inputs.summary.workload),
        blocks,
    };
    let plots = plan
        .plots
        .into_iter()
        .zip(svgs)
        .map(|((stem, title, caption, chart), svg)| RenderedPlot {
            stem,
            title,
            caption,
            chart,
            svg,
        })
        .collect();
    Ok(Report {
        md: doc.to_markdown(),
        html: doc.to_html(),
        plots,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str = "arm,t_s,requests,ok,failed,attempts,attempts_failed_region,dns_answers,\
                          dns_answers_failed_region,auth_queries,cohort_requests,cohort_ok,\
                          cohort_attempts,cohort_attempts_failed_region";

    #[test]
    fn synthetic_summary_without_failure_flags_overrides_and_skips_failure_plots() {
        let summary = crate::files::summary::parse(
            r#"{"workload": "w<1>", "seed": 3, "clients": 10, "duration_s": 60.0,
                "failure_at_s": null, "window_end_s": null,
                "arms": [
                  {"name": "a", "requests": 20, "ok": 20, "failed": 0, "detection_s": null,
                   "rto_s": {"p50": null, "max": null, "never_recovered": null},
                   "latency_ms": null, "cost_usd_month": 1.5,
                   "strategy": "s-a", "client_overrides": []},
                  {"name": "b|c", "requests": 20, "ok": 19, "failed": 1,
                   "strategy": "s-b", "client_overrides": ["retries", "connect_timeout"]}
                ],
                "assumptions": ["x < y"], "gtsim_version": "9.9.9"}"#,
        )
        .unwrap();
        let curve = crate::files::curve::parse(&format!(
            "{HEADER}\na,0,10,10,0,10,0,5,0,1,0,0,0,0\na,30,10,10,0,10,0,5,0,1,0,0,0,0\n\
             b|c,0,10,9,1,11,0,5,0,1,0,0,0,0\nb|c,30,10,10,0,10,0,5,0,1,0,0,0,0\n"
        ))
        .unwrap();
        let inputs = Inputs {
            summary,
            curve,
            distributions: None,
            description: None,
            command: None,
            replications: None,
            ranges: None,
            classes: None,
            load: None,
            signals: None,
        };
        let r = build(&inputs).unwrap();
        assert_eq!(
            r.plots.len(),
            1,
            "only the population view without a failure"
        );
        assert_eq!(r.plots[0].stem, "convergence_population");
        assert!(r.md.contains("No failure: failure figures are undefined."));
        assert!(r.md.contains(
            "**overrides client settings, which changes the comparison:** retries, connect_timeout"
        ));
        assert!(r.md.contains("| client settings overridden (changes the comparison) | none | retries, connect_timeout |"));
        assert!(r.md.contains("| figure | a | b\\|c |"), "{}", r.md);
        assert!(r.md.contains("| cost (USD / month) | 1.50 | n/a |"));
        assert!(r.md.contains("| latency p50 / p90 / p99 (ms) | not modelled yet | n/a |"));
        assert!(r.md.contains("Not recorded (no command.txt"));
        assert!(r.md.contains("report drawn by gtsim"));
        assert!(r.html.contains("gtsim report: w&lt;1&gt;"));
        assert!(r.html.contains("<li>x &lt; y</li>"));
        assert!(r.html.contains("<strong>overrides client settings"));
        assert_eq!(build(&inputs).unwrap(), r, "deterministic");
    }
}
