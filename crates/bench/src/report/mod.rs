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

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::error::Error;
use crate::files::curve::{ArmCurve, CurveRow};
use crate::files::distributions::ArmDistribution;
use crate::files::replications::Replications;
use crate::files::write_files;
pub use inputs::{Inputs, load, parse_summary};
use plot::{ArmStyle, CdfChart, Chart, CurvesChart, LegendCorner, Marker, Panel, PercentileChart};

pub mod inputs;
pub mod plot;
pub mod sections;
pub mod sweep;

use sections::{
    classes as classes_section, load as load_section, replications as replications_section,
    who_first,
};

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

/// Reads `dir`, draws the report and writes it there ([`write`]).
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

// ---------------------------------------------------------------------------------------------
// Reading figures out of summary.json

fn get<'a>(v: &'a Value, path: &[&str]) -> Option<&'a Value> {
    path.iter().try_fold(v, |cur, k| cur.get(k))
}

fn num(v: &Value, path: &[&str]) -> Option<f64> {
    get(v, path).and_then(Value::as_f64)
}

/// A duration or time figure: 1 decimal; `-` when null (undefined); `n/a` when absent.
fn fmt_s(v: Option<&Value>) -> String {
    match v {
        None => "n/a".into(),
        Some(Value::Null) => "-".into(),
        Some(x) => x.as_f64().map_or("n/a".into(), |x| format!("{x:.1}")),
    }
}

/// Thousands separated with commas.
fn grouped(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::with_capacity(s.len() + s.len() / 3);
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn fmt_count(v: Option<&Value>) -> String {
    match v {
        None => "n/a".into(),
        Some(Value::Null) => "-".into(),
        Some(x) => x.as_u64().map_or("n/a".into(), grouped),
    }
}

const NOT_MODELLED: &str = "not modelled yet";

/// `null` or an object of nulls: the model does not exist yet (docs/metrics.md: never 0).
fn not_modelled(v: Option<&Value>) -> bool {
    match v {
        Some(Value::Null) => true,
        Some(Value::Object(m)) => m.values().all(Value::is_null),
        _ => false,
    }
}

fn fmt_latency(v: Option<&Value>) -> String {
    match v {
        None => "n/a".into(),
        v if not_modelled(v) => NOT_MODELLED.into(),
        Some(o) => ["p50", "p90", "p99"]
            .iter()
            .map(|k| fmt_s(o.get(k)))
            .collect::<Vec<_>>()
            .join(" / "),
    }
}

fn fmt_cost(v: Option<&Value>) -> String {
    match v {
        None => "n/a".into(),
        Some(Value::Null) => NOT_MODELLED.into(),
        Some(x) => x.as_f64().map_or("n/a".into(), |c| format!("{c:.2}")),
    }
}

fn fmt_fraction(part: Option<&Value>, whole: Option<&Value>) -> String {
    match (part.and_then(Value::as_u64), whole.and_then(Value::as_u64)) {
        (Some(p), Some(w)) if w > 0 => format!(
            "{} of {} ({:.2} %)",
            grouped(p),
            grouped(w),
            p as f64 / w as f64 * 100.0
        ),
        (Some(p), Some(w)) => format!("{} of {}", grouped(p), grouped(w)),
        _ => "n/a".into(),
    }
}

/// "480 s (8 min)" for whole minutes of two or more, else "45.5 s".
fn human_s(s: f64) -> String {
    if s >= 120.0 && (s / 60.0).fract() == 0.0 {
        format!("{s} s ({} min)", s / 60.0)
    } else {
        format!("{s} s")
    }
}

/// Mean time between one client's requests, derived as clients × duration / requests.
fn request_gap_s(summary: &Value, arm: &Value) -> Option<f64> {
    let clients = num(summary, &["clients"])?;
    let duration = num(summary, &["duration_s"])?;
    let requests = num(arm, &["requests"]).filter(|r| *r > 0.0)?;
    Some(clients * duration / requests)
}

fn arms(summary: &Value) -> &[Value] {
    summary
        .get("arms")
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice)
}

fn arm_name(arm: &Value) -> &str {
    arm.get("name").and_then(Value::as_str).unwrap_or("?")
}

fn strings(v: Option<&Value>) -> Vec<String> {
    v.and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .map(|x| x.as_str().map_or_else(|| x.to_string(), str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

/// The arms side by side: (figure, one cell per arm).
fn results_rows(summary: &Value) -> Vec<(String, Vec<String>)> {
    let arms = arms(summary);
    let row = |label: &str, f: &dyn Fn(&Value) -> String| -> (String, Vec<String>) {
        (label.to_string(), arms.iter().map(f).collect())
    };
    let mut rows = vec![row("detection (s)", &|a| fmt_s(a.get("detection_s")))];
    for (key, what) in [
        ("converge_s", "converge"),
        ("stale_converge_s", "stale-converge"),
    ] {
        for (p, label) in [
            ("p50", "p50"),
            ("p90", "p90"),
            ("p99", "p99"),
            ("p999", "p99.9"),
        ] {
            rows.push(row(&format!("{what} {label} (s)"), &|a| {
                fmt_s(get(a, &[key, p]))
            }));
        }
    }
    for (p, label) in [
        ("p50", "p50"),
        ("p90", "p90"),
        ("p99", "p99"),
        ("p999", "p99.9"),
        ("max", "max"),
    ] {
        rows.push(row(&format!("RTO {label} (s)"), &|a| {
            fmt_s(get(a, &["rto_s", p]))
        }));
    }
    rows.push(row("never recovered (of cohort clients)", &|a| match (
        get(a, &["rto_s", "never_recovered"]),
        a.get("cohort_clients"),
    ) {
        (Some(Value::Null), _) => "-".into(),
        (n, c) => format!("{} of {}", fmt_count(n), fmt_count(c)),
    }));
    rows.push(row("mean time between a client's requests (s)", &|a| {
        request_gap_s(summary, a).map_or("n/a".into(), |g| format!("{g:.1}"))
    }));
    rows.push(row("failed requests", &|a| {
        fmt_fraction(a.get("failed"), a.get("requests"))
    }));
    rows.push(row("authoritative queries", &|a| {
        fmt_count(a.get("auth_queries"))
    }));
    rows.push(row("latency p50 / p90 / p99 (ms)", &|a| {
        fmt_latency(a.get("latency_ms"))
    }));
    rows.push(row(
        "latency in the failure window p50 / p90 / p99 (ms)",
        &|a| fmt_latency(a.get("failure_latency_ms")),
    ));
    rows.push(row("cost (USD / month)", &|a| {
        fmt_cost(a.get("cost_usd_month"))
    }));
    rows.push(row(
        "client settings overridden (changes the comparison)",
        &|a| {
            let o = strings(a.get("client_overrides"));
            if o.is_empty() {
                "none".into()
            } else {
                o.join(", ")
            }
        },
    ));
    rows
}

// ---------------------------------------------------------------------------------------------
// Plots

/// The bin width: the smallest positive step between consecutive rows of an arm (5 s default).
fn bin_width(curve: &[ArmCurve]) -> f64 {
    curve
        .iter()
        .flat_map(|a| a.rows.windows(2).map(|w| w[1].t_s - w[0].t_s))
        .filter(|d| *d > 0.0)
        .fold(None, |m: Option<f64>, d| Some(m.map_or(d, |m| m.min(d))))
        .unwrap_or(5.0)
}

/// A step line (each bin drawn flat over its width) of 100 × num/den, broken where den = 0 or
/// rows are missing.
fn step_segments(
    rows: &[CurveRow],
    bin: f64,
    shift: f64,
    ratio: impl Fn(&CurveRow) -> (u64, u64),
) -> Vec<Vec<(f64, f64)>> {
    let mut segs: Vec<Vec<(f64, f64)>> = Vec::new();
    let mut cur: Vec<(f64, f64)> = Vec::new();
    let mut last_end: Option<f64> = None;
    for r in rows {
        let (n, d) = ratio(r);
        let x = r.t_s - shift;
        let contiguous = last_end.is_some_and(|e| (x - e).abs() < bin * 1e-6);
        if (d == 0 || !contiguous) && !cur.is_empty() {
            segs.push(std::mem::take(&mut cur));
        }
        if d == 0 {
            last_end = None;
            continue;
        }
        let y = n as f64 / d as f64 * 100.0;
        cur.push((x, y));
        cur.push((x + bin, y));
        last_end = Some(x + bin);
    }
    if !cur.is_empty() {
        segs.push(cur);
    }
    segs
}

struct PlotPlan {
    plots: Vec<(String, String, String, Chart)>,
    /// Plots not drawn, with the reason (title, reason).
    skipped: Vec<(String, String)>,
}

/// Per arm: its style, and `(value, fraction)` points ([`CdfChart::lines`]).
type CdfLines = (Vec<ArmStyle>, Vec<Vec<(f64, f64)>>);

/// The arms of distributions.csv with rows for one metric: their styles (colours follow the
/// arms' order in summary.json; others come after) and `(value, quantile)` points in quantile
/// order. `None` without distributions.csv or without rows for the metric.
fn cdf_lines(
    inputs: &Inputs,
    arms: &[Value],
    metric: impl Fn(&ArmDistribution) -> &Vec<(f64, f64)>,
) -> Option<CdfLines> {
    let mut styles = Vec::new();
    let mut lines = Vec::new();
    for (di, d) in inputs.distributions.as_ref()?.iter().enumerate() {
        let rows = metric(d);
        if rows.is_empty() {
            continue;
        }
        let si = arms.iter().position(|a| arm_name(a) == d.name);
        styles.push(ArmStyle {
            name: d.name.clone(),
            colour: si.unwrap_or(arms.len() + di),
            mark_x: None,
            mark_label: None,
        });
        let mut pts: Vec<(f64, f64)> = rows.iter().map(|&(q, v)| (v, q)).collect();
        pts.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.total_cmp(&b.0)));
        lines.push(pts);
    }
    (!lines.is_empty()).then_some((styles, lines))
}

fn plan_plots(inputs: &Inputs) -> PlotPlan {
    let s = &inputs.summary;
    let arms = arms(s);
    let failure = num(s, &["failure_at_s"]);
    let duration = num(s, &["duration_s"]);
    let window_end = num(s, &["window_end_s"]);
    let bin = bin_width(&inputs.curve);
    let mut plots = Vec::new();
    let mut skipped = Vec::new();

    // Colours follow the arms' order in summary.json; curve-only arms come after.
    let styles: Vec<ArmStyle> = inputs
        .curve
        .iter()
        .enumerate()
        .map(|(ci, c)| {
            let si = arms.iter().position(|a| arm_name(a) == c.name);
            let detection = si.and_then(|i| num(&arms[i], &["detection_s"]));
            ArmStyle {
                name: c.name.clone(),
                colour: si.unwrap_or(arms.len() + ci),
                mark_x: detection,
                mark_label: detection.map(|d| format!("detection {d:.1} s")),
            }
        })
        .collect();
    let t_first = inputs
        .curve
        .iter()
        .filter_map(|a| a.rows.first().map(|r| r.t_s))
        .fold(None, |m: Option<f64>, t| Some(m.map_or(t, |m| m.min(t))));
    let t_end = inputs
        .curve
        .iter()
        .filter_map(|a| a.rows.last().map(|r| r.t_s + bin))
        .fold(None, |m: Option<f64>, t| Some(m.map_or(t, |m| m.max(t))));

    let mut markers = Vec::new();
    let shift = failure.unwrap_or(0.0);
    if let Some(f) = failure {
        markers.push(Marker {
            x: 0.0,
            label: "failure".into(),
            grey: false,
        });
        if let (Some(e), Some(d)) = (window_end, duration)
            && e < d
        {
            markers.push(Marker {
                x: e - f,
                label: "recovery".into(),
                grey: true,
            });
        }
    }
    let x_label = if failure.is_some() {
        "time since failure (s)"
    } else {
        "time since recording start (s)"
    };
    let recovery_note = match (failure, window_end, duration) {
        (Some(_), Some(e), Some(d)) if e < d => {
            " The grey line marks the end of the failure window (the region recovers)."
        }
        _ => "",
    };
    let detection_note = if styles.iter().any(|a| a.mark_x.is_some()) {
        " Dashed vertical lines in an arm's colour mark its detection time (the control plane \
         treats the failed region as down)."
    } else {
        ""
    };

    if let (Some(t0), Some(t1)) = (t_first, t_end) {
        let post_end = t1 - shift;
        // Cohort view: a short lead before the failure, then to the end of the run.
        let has_cohort = inputs
            .curve
            .iter()
            .any(|a| a.rows.iter().any(|r| r.cohort_requests > 0));
        match failure {
            Some(f) if has_cohort => {
                let lead = (f - t0).min((post_end * 0.06).max(bin)).max(0.0);
                let chart = CurvesChart {
                    title: "Failover convergence of the cohort (clients last served by the failed region)".into(),
                    x_label: x_label.into(),
                    x_range: (-lead, post_end),
                    arms: styles.clone(),
                    panels: vec![
                        Panel {
                            y_label: "cohort requests ok (%)".into(),
                            lines: inputs
                                .curve
                                .iter()
                                .map(|a| {
                                    step_segments(&a.rows, bin, f, |r| {
                                        (r.cohort_ok, r.cohort_requests)
                                    })
                                })
                                .collect(),
                            legend: Some(LegendCorner::LowerRight),
                        },
                        Panel {
                            y_label: "cohort attempts to failed region (%)".into(),
                            lines: inputs
                                .curve
                                .iter()
                                .map(|a| {
                                    step_segments(&a.rows, bin, f, |r| {
                                        (r.cohort_attempts_failed_region, r.cohort_attempts)
                                    })
                                })
                                .collect(),
                            legend: None,
                        },
                    ],
                    markers: markers.clone(),
                };
                plots.push((
                    "convergence_cohort".to_string(),
                    "Convergence of the cohort".to_string(),
                    format!(
                        "Top: share of cohort requests served ok, per {bin} s bin (by issue time). \
                         Bottom: share of cohort attempts sent to the failed region (stale \
                         routing). The cohort is the clients whose last ok request before the \
                         failure went to the failed region. Time 0 is the failure.{detection_note}{recovery_note}"
                    ),
                    Chart::Curves(chart),
                ));
            }
            _ => skipped.push((
                "Convergence of the cohort".to_string(),
                "not drawn: curve.csv has no cohort requests (this workload has no failure)"
                    .to_string(),
            )),
        }

        let chart = CurvesChart {
            title: "Whole population: requests ok and DNS answers pointing at the failed region"
                .into(),
            x_label: x_label.into(),
            x_range: (t0 - shift, post_end),
            arms: styles.clone(),
            panels: vec![
                Panel {
                    y_label: "requests ok (%)".into(),
                    lines: inputs
                        .curve
                        .iter()
                        .map(|a| step_segments(&a.rows, bin, shift, |r| (r.ok, r.requests)))
                        .collect(),
                    legend: Some(LegendCorner::LowerRight),
                },
                Panel {
                    y_label: "DNS answers to failed region (%)".into(),
                    lines: inputs
                        .curve
                        .iter()
                        .map(|a| {
                            step_segments(&a.rows, bin, shift, |r| {
                                (r.dns_answers_failed_region, r.dns_answers)
                            })
                        })
                        .collect(),
                    legend: None,
                },
            ],
            markers,
        };
        plots.push((
            "convergence_population".to_string(),
            "Whole population".to_string(),
            format!(
                "Top: share of all clients' requests served ok, per {bin} s bin. Bottom: share of \
                 DNS answers reaching clients (from any cache level) whose first address is in \
                 the failed region.{detection_note}{recovery_note}"
            ),
            Chart::Curves(chart),
        ));
    } else {
        skipped.push((
            "Convergence curves".to_string(),
            "not drawn: curve.csv has no rows".to_string(),
        ));
    }

    // RTO percentiles (summary.json has percentiles only: not a full CDF).
    let levels = [
        ("p50", "p50"),
        ("p90", "p90"),
        ("p99", "p99"),
        ("p999", "p99.9"),
        ("max", "max"),
    ];
    let rto: Vec<Vec<Option<f64>>> = arms
        .iter()
        .map(|a| levels.iter().map(|(k, _)| num(a, &["rto_s", k])).collect())
        .collect();
    let summary_styles: Vec<ArmStyle> = arms
        .iter()
        .enumerate()
        .map(|(i, a)| ArmStyle {
            name: arm_name(a).to_string(),
            colour: i,
            mark_x: None,
            mark_label: None,
        })
        .collect();
    let rto_cdf = cdf_lines(inputs, arms, |d| &d.rto);
    if rto_cdf.is_some() || rto.iter().flatten().any(Option::is_some) {
        let window = match (failure, window_end) {
            (Some(f), Some(e)) => format!(" ({} s)", e - f),
            _ => String::new(),
        };
        let never: Vec<String> = arms
            .iter()
            .map(|a| {
                format!(
                    "{} {}",
                    arm_name(a),
                    fmt_count(get(a, &["rto_s", "never_recovered"]))
                )
            })
            .collect();
        let gaps: Vec<String> = arms
            .iter()
            .filter_map(|a| request_gap_s(s, a).map(|g| format!("{g:.1} s")))
            .collect();
        let mut gaps_dedup = gaps.clone();
        gaps_dedup.dedup();
        let gap_text = if gaps_dedup.len() == 1 {
            format!(" (mean {} here)", gaps_dedup[0])
        } else if !gaps.is_empty() {
            format!(" (mean {} for the arms in order)", gaps.join(", "))
        } else {
            String::new()
        };
        if let Some((cdf_styles, lines)) = rto_cdf {
            plots.push((
                "rto_cdf".to_string(),
                "Per-client RTO CDF".to_string(),
                format!(
                    "Per-client RTO of the cohort: from the failure to the client's first ok \
                     request after its first failed one. Each line is an arm's CDF: the share of \
                     cohort clients (y) whose RTO is at most x, read from distributions.csv (the \
                     merged histogram at quantiles 0, 0.01, …, 0.99, 0.995, 0.999 and 1; 3 \
                     significant digits). RTOs of 0 (no failed request) sit at the left edge, \
                     labelled 0: a log axis has no 0. Clients never recovered count as the \
                     window's length{window}: {}. RTO includes each client's own time between \
                     requests{gap_text}.",
                    never.join(", ")
                ),
                Chart::Cdf(CdfChart {
                    title: "Per-client RTO of the cohort: CDF per arm".into(),
                    x_label:
                        "RTO: failure to first ok request after the first failed one (s, log scale)"
                            .into(),
                    y_label: "fraction of cohort clients".into(),
                    arms: cdf_styles,
                    lines,
                }),
            ));
        } else {
            plots.push((
            "rto_percentiles".to_string(),
            "Per-client RTO percentiles".to_string(),
            format!(
                "Per-client RTO of the cohort: from the failure to the client's first ok request \
                 after its first failed one. The points are the p50, p90, p99, p99.9 and max that \
                 summary.json gives; the steps join them as a lower bound on the share of clients \
                 recovered: this is not a full CDF. A hollow marker at the left edge (labelled \
                 0: a log axis has no 0) is an RTO of 0, no failed request. Clients never recovered count as the \
                 window's length{window}: {}. RTO includes each client's own time between \
                 requests{gap_text}.",
                never.join(", ")
            ),
            Chart::Percentiles(PercentileChart {
                title: "Per-client RTO of the cohort: percentiles per arm (not a full CDF)".into(),
                x_label:
                    "RTO: failure to first ok request after the first failed one (s, log scale)"
                        .into(),
                y_label: "percentile of cohort clients".into(),
                levels: levels.iter().map(|(_, l)| l.to_string()).collect(),
                arms: summary_styles.clone(),
                values: rto,
            }),
        ));
        }
    } else {
        skipped.push((
            "Per-client RTO".to_string(),
            "not drawn: summary.json has no RTO figures (this workload has no failure)".to_string(),
        ));
    }

    // Latency: percentiles when the model exists.
    let lat_levels = ["p50", "p90", "p99"];
    let lat: Vec<Vec<Option<f64>>> = arms
        .iter()
        .map(|a| {
            lat_levels
                .iter()
                .map(|k| num(a, &["latency_ms", k]))
                .collect()
        })
        .collect();
    let lat_cdf = cdf_lines(inputs, arms, |d| &d.latency);
    if let Some((cdf_styles, lines)) = lat_cdf {
        plots.push((
            "latency_cdf".to_string(),
            "Steady-state latency CDF".to_string(),
            "Request latency before the failure: each line is an arm's CDF, the share of \
             requests (y) with latency at most x, read from distributions.csv (the merged \
             histogram at quantiles 0, 0.01, …, 0.99, 0.995, 0.999 and 1)."
                .to_string(),
            Chart::Cdf(CdfChart {
                title: "Steady-state request latency: CDF per arm".into(),
                x_label: "request latency (ms, log scale)".into(),
                y_label: "fraction of requests".into(),
                arms: cdf_styles,
                lines,
            }),
        ));
    } else if lat.iter().flatten().any(Option::is_some) {
        plots.push((
            "latency_percentiles".to_string(),
            "Steady-state latency percentiles".to_string(),
            "Request latency before the failure: the p50, p90 and p99 that summary.json gives \
             per arm, joined by steps (not a full CDF)."
                .to_string(),
            Chart::Percentiles(PercentileChart {
                title: "Steady-state request latency: percentiles per arm (not a full CDF)".into(),
                x_label: "request latency (ms, log scale)".into(),
                y_label: "percentile of requests".into(),
                levels: lat_levels.iter().map(|l| l.to_string()).collect(),
                arms: summary_styles,
                values: lat,
            }),
        ));
    } else {
        skipped.push((
            "Latency CDF".to_string(),
            "not drawn: latency model not built yet (latency_ms is null in summary.json)"
                .to_string(),
        ));
    }
    PlotPlan { plots, skipped }
}

// ---------------------------------------------------------------------------------------------
// The report text

/// The scenario in words (plain text).
fn scenario(s: &Value) -> String {
    let mut t = String::new();
    let clients = get(s, &["clients"]).and_then(Value::as_u64);
    let _ = write!(
        t,
        "{} clients, {} simulated, seed {}.",
        clients.map_or("n/a".into(), grouped),
        num(s, &["duration_s"]).map_or("n/a".into(), human_s),
        get(s, &["seed"]).map_or("n/a".into(), |v| v.to_string()),
    );
    match (num(s, &["failure_at_s"]), num(s, &["window_end_s"])) {
        (Some(f), e) => {
            let _ = write!(t, " The failure starts at {f} s (time 0 in the plots)");
            match (e, num(s, &["duration_s"])) {
                (Some(e), Some(d)) if e < d => {
                    let _ = write!(t, "; the failed region recovers at {e} s.");
                }
                (Some(e), _) => {
                    let _ = write!(t, " and lasts to the end of the run ({e} s).");
                }
                _ => t.push('.'),
            }
        }
        _ => t.push_str(" No failure: failure figures are undefined."),
    }
    let n = arms(s).len();
    let _ = write!(
        t,
        " {n} arm{} compared on the same clients making the same requests.",
        if n == 1 { "" } else { "s" }
    );
    t
}

const RESULTS_INTRO: &str = "Failure figures are over the cohort: clients whose last ok request \
    before the failure went to the failed region. Detection is from the failure to the moment the \
    arm's control plane treats the region as down. Converge pX is the time after which every \
    qualifying curve bin serves at least X % of cohort requests ok; stale-converge is the same on \
    attempts sent to the failed region. RTO is per client and includes the client's own time \
    between requests (the mean is in the table).";

const CELL_NOTE: &str = "\"-\" means undefined (spec/METRICS.md: e.g. no qualifying bin); \
    \"not modelled yet\" means the model behind the figure is not built yet (null in \
    summary.json, never 0); \"n/a\" means summary.json does not have the figure.";

fn md_cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

fn html_escape(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            c => o.push(c),
        }
    }
    o
}

/// The reproduce section's text: (command or None, trailing note).
fn reproduce_note(s: &Value) -> String {
    let produced = get(s, &["gtsim_version"])
        .and_then(Value::as_str)
        .unwrap_or("(version not recorded)");
    let drawn = env!("CARGO_PKG_VERSION");
    let mut t = format!("Figures by gtsim {produced}");
    if produced != drawn {
        let _ = write!(t, "; report drawn by gtsim {drawn}");
    }
    t.push_str(
        ". The same workload and seed give a byte-identical summary.json and curve.csv whatever \
         the thread count; `gtsim report DIR` redraws this report from them.",
    );
    t
}

fn missing_command(s: &Value) -> String {
    format!(
        "Not recorded (no command.txt in the run folder). summary.json gives seed {} and {} \
         clients: gtsim run WORKLOAD.toml --seed {} --clients {} with the workload that produced it.",
        get(s, &["seed"]).map_or("?".into(), |v| v.to_string()),
        get(s, &["clients"]).map_or("?".into(), |v| v.to_string()),
        get(s, &["seed"]).map_or("?".into(), |v| v.to_string()),
        get(s, &["clients"]).map_or("?".into(), |v| v.to_string()),
    )
}

/// Under the results of a run without replications.csv.
const ONE_SEED_NOTE: &str = "These figures come from one seed: published numbers should use at \
least 10 seeds (`gtsim run --replications 10` adds a mean ± 95 % CI table).";

fn replications_title(r: &Replications) -> String {
    format!("Across {} seeds: mean ± 95 % CI (n)", r.seeds().len())
}

fn seeds_line(r: &Replications) -> String {
    let seeds = r.seeds();
    let list = seeds
        .iter()
        .map(u64::to_string)
        .collect::<Vec<_>>()
        .join(", ");
    format!("Seeds: {list}. The tables and plots above are those of the first seed.")
}

fn render_replications_md(m: &mut String, r: &Replications) {
    let arms = r.arms();
    let _ = writeln!(m, "### {}\n\n{}\n", replications_title(r), seeds_line(r));
    m.push_str("| figure |");
    for a in &arms {
        let _ = write!(m, " {} |", md_cell(a));
    }
    m.push_str("\n|---|");
    for _ in &arms {
        m.push_str("---:|");
    }
    m.push('\n');
    for (label, cells) in replications_section::ci_rows(r) {
        let _ = write!(m, "| {} |", md_cell(&label));
        for c in cells {
            let _ = write!(m, " {} |", md_cell(&c));
        }
        m.push('\n');
    }
    let _ = writeln!(m, "\n{}\n", replications_section::note(r.seeds().len()));
}

fn render_replications_html(h: &mut String, r: &Replications) {
    let _ = writeln!(
        h,
        "<h3>{}</h3>\n<p>{}</p>\n<table>\n<tr><th>figure</th>",
        html_escape(&replications_title(r)),
        html_escape(&seeds_line(r))
    );
    for a in r.arms() {
        let _ = write!(h, "<th>{}</th>", html_escape(a));
    }
    h.push_str("</tr>\n");
    for (label, cells) in replications_section::ci_rows(r) {
        let _ = write!(h, "<tr><td>{}</td>", html_escape(&label));
        for c in cells {
            let _ = write!(h, "<td>{}</td>", html_escape(&c));
        }
        h.push_str("</tr>\n");
    }
    let _ = writeln!(
        h,
        "</table>\n<p class=\"note\">{}</p>",
        html_escape(&replications_section::note(r.seeds().len()))
    );
}

fn render_md(inputs: &Inputs, plan: &PlotPlan, rows: &[(String, Vec<String>)]) -> String {
    let s = &inputs.summary;
    let arms = arms(s);
    let name = get(s, &["workload"]).and_then(Value::as_str).unwrap_or("?");
    let mut m = String::new();
    let _ = writeln!(m, "# gtsim report: {name}\n");
    if let Some(d) = &inputs.description {
        let _ = writeln!(m, "{d}\n");
    }
    let _ = writeln!(m, "{}\n", scenario(s));

    m.push_str("## Arms\n\n");
    for a in arms {
        let _ = writeln!(
            m,
            "- **{}**: {}",
            arm_name(a),
            a.get("strategy").and_then(Value::as_str).unwrap_or("n/a")
        );
        let o = strings(a.get("client_overrides"));
        if !o.is_empty() {
            let _ = writeln!(
                m,
                "  - **overrides client settings, which changes the comparison:** {}",
                o.join(", ")
            );
        }
    }

    m.push_str("\n## Results\n\n");
    let _ = writeln!(m, "{RESULTS_INTRO}\n");
    m.push_str("| figure |");
    for a in arms {
        let _ = write!(m, " {} |", md_cell(arm_name(a)));
    }
    m.push_str("\n|---|");
    for _ in arms {
        m.push_str("---:|");
    }
    m.push('\n');
    for (label, cells) in rows {
        let _ = write!(m, "| {} |", md_cell(label));
        for c in cells {
            let _ = write!(m, " {} |", md_cell(c));
        }
        m.push('\n');
    }
    let _ = writeln!(m, "\n{CELL_NOTE}\n");
    match &inputs.replications {
        Some(r) => render_replications_md(&mut m, r),
        None => {
            let _ = writeln!(m, "{ONE_SEED_NOTE}\n");
        }
    }

    m.push_str("## Plots\n\n");
    for (stem, title, caption, _) in &plan.plots {
        let _ = writeln!(
            m,
            "### {title}\n\n![{title}](plots/{stem}.png)\n\n{caption} (Vector version: \
             `plots/{stem}.svg`.)\n"
        );
    }
    for (title, why) in &plan.skipped {
        let _ = writeln!(
            m,
            "### {title}\n\n{}{}.\n",
            why[..1].to_uppercase(),
            &why[1..]
        );
    }

    if let Some(rows) = &inputs.classes {
        m.push_str(&classes_section::section_md(rows));
    }
    m.push_str(&load_section::section_md(
        inputs.load.as_deref(),
        num(s, &["failure_at_s"]),
    ));
    m.push_str("## Assumptions\n\n");
    let assumptions = strings(s.get("assumptions"));
    if assumptions.is_empty() {
        m.push_str("None recorded in summary.json.\n");
    }
    for a in assumptions {
        let _ = writeln!(m, "- {a}");
    }

    m.push_str("\n## Reproduce\n\n");
    match &inputs.command {
        Some(c) => {
            let _ = writeln!(m, "```\n{c}\n```\n");
        }
        None => {
            let _ = writeln!(m, "{}\n", missing_command(s));
        }
    }
    let _ = writeln!(m, "{}", reproduce_note(s));
    m
}

const CSS: &str = "body{font-family:'DejaVu Sans',Verdana,sans-serif;max-width:1240px;\
margin:2em auto;padding:0 1em;color:#222;line-height:1.45}\
h1{font-size:1.6em}h2{margin-top:1.6em;border-bottom:1px solid #ddd}\
table{border-collapse:collapse;margin:1em 0}th,td{border:1px solid #ccc;padding:.3em .6em}\
td{text-align:right}td:first-child{text-align:left}th{background:#f4f4f4}\
.sw{display:inline-block;width:.9em;height:.9em;margin-right:.4em;vertical-align:-.1em}\
.override{color:#a40000;font-weight:bold}\
figure{margin:1.5em 0}figure svg{max-width:100%;height:auto;border:1px solid #eee}\
figcaption{font-size:.92em;color:#444;margin-top:.4em}\
pre{background:#f6f6f6;padding:.8em;overflow-x:auto}.note{font-size:.92em;color:#444}";

/// An SVG document as an inline element (drops any XML declaration).
fn inline_svg(svg: &str) -> &str {
    match svg.find("<svg") {
        Some(i) => &svg[i..],
        None => svg,
    }
}

fn render_html(
    inputs: &Inputs,
    plan: &PlotPlan,
    svgs: &[String],
    rows: &[(String, Vec<String>)],
) -> String {
    let s = &inputs.summary;
    let arms = arms(s);
    let name = html_escape(get(s, &["workload"]).and_then(Value::as_str).unwrap_or("?"));
    let mut h = String::new();
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>gtsim report: {name}</title>\n<style>{CSS}</style>\n</head>\n<body>\n\
         <h1>gtsim report: {name}</h1>\n"
    );
    if let Some(d) = &inputs.description {
        let _ = writeln!(h, "<p><em>{}</em></p>", html_escape(d));
    }
    let _ = writeln!(h, "<p>{}</p>", html_escape(&scenario(s)));

    h.push_str("<h2>Arms</h2>\n<ul>\n");
    for (i, a) in arms.iter().enumerate() {
        let _ = write!(
            h,
            "<li><span class=\"sw\" style=\"background:{}\"></span><strong>{}</strong>: {}",
            plot::arm_colour_hex(i),
            html_escape(arm_name(a)),
            html_escape(a.get("strategy").and_then(Value::as_str).unwrap_or("n/a"))
        );
        let o = strings(a.get("client_overrides"));
        if !o.is_empty() {
            let _ = write!(
                h,
                "<br><span class=\"override\">Overrides client settings, which changes the \
                 comparison:</span> {}",
                html_escape(&o.join(", "))
            );
        }
        h.push_str("</li>\n");
    }
    h.push_str("</ul>\n");

    let _ = writeln!(
        h,
        "<h2>Results</h2>\n<p>{}</p>\n<table>\n<tr><th>figure</th>",
        html_escape(RESULTS_INTRO)
    );
    for (i, a) in arms.iter().enumerate() {
        let _ = write!(
            h,
            "<th><span class=\"sw\" style=\"background:{}\"></span>{}</th>",
            plot::arm_colour_hex(i),
            html_escape(arm_name(a))
        );
    }
    h.push_str("</tr>\n");
    for (label, cells) in rows {
        let _ = write!(h, "<tr><td>{}</td>", html_escape(label));
        for c in cells {
            let _ = write!(h, "<td>{}</td>", html_escape(c));
        }
        h.push_str("</tr>\n");
    }
    let _ = writeln!(
        h,
        "</table>\n<p class=\"note\">{}</p>",
        html_escape(CELL_NOTE)
    );
    match &inputs.replications {
        Some(r) => render_replications_html(&mut h, r),
        None => {
            let _ = writeln!(h, "<p class=\"note\">{}</p>", html_escape(ONE_SEED_NOTE));
        }
    }

    h.push_str("<h2>Plots</h2>\n");
    for ((_, title, caption, _), svg) in plan.plots.iter().zip(svgs) {
        let _ = writeln!(
            h,
            "<figure>\n<h3>{}</h3>\n{}\n<figcaption>{}</figcaption>\n</figure>",
            html_escape(title),
            inline_svg(svg).trim_end(),
            html_escape(caption)
        );
    }
    for (title, why) in &plan.skipped {
        let _ = writeln!(
            h,
            "<h3>{}</h3>\n<p class=\"note\">{}{}.</p>",
            html_escape(title),
            html_escape(&why[..1].to_uppercase()),
            html_escape(&why[1..])
        );
    }

    if let Some(rows) = &inputs.classes {
        h.push_str(&classes_section::section_html(rows));
    }
    h.push_str(&load_section::section_html(
        inputs.load.as_deref(),
        num(s, &["failure_at_s"]),
    ));
    h.push_str("<h2>Assumptions</h2>\n<ul>\n");
    for a in strings(s.get("assumptions")) {
        let _ = writeln!(h, "<li>{}</li>", html_escape(&a));
    }
    h.push_str("</ul>\n<h2>Reproduce</h2>\n");
    match &inputs.command {
        Some(c) => {
            let _ = writeln!(h, "<pre><code>{}</code></pre>", html_escape(c));
        }
        None => {
            let _ = writeln!(h, "<p>{}</p>", html_escape(&missing_command(s)));
        }
    }
    let _ = writeln!(
        h,
        "<p class=\"note\">{}</p>\n</body>\n</html>",
        html_escape(&reproduce_note(s))
    );
    h
}

/// Draws the report: plots (SVG now, PNG when written) and the Markdown and HTML text.
pub fn build(inputs: &Inputs) -> Result<Report, String> {
    let plan = plan_plots(inputs);
    let svgs = plan
        .plots
        .iter()
        .map(|(_, _, _, chart)| plot::svg(chart))
        .collect::<Result<Vec<_>, _>>()?;
    let rows = results_rows(&inputs.summary);
    let md = render_md(inputs, &plan, &rows);
    let html = render_html(inputs, &plan, &svgs, &rows);
    let (md, html) = who_first::insert(inputs, md, html);
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
    Ok(Report { md, html, plots })
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str = "arm,t_s,requests,ok,failed,attempts,attempts_failed_region,dns_answers,\
                          dns_answers_failed_region,auth_queries,cohort_requests,cohort_ok,\
                          cohort_attempts,cohort_attempts_failed_region";

    #[test]
    fn summary_parsing_requires_named_arms() {
        assert!(parse_summary("{").unwrap_err().contains("not valid JSON"));
        assert!(parse_summary("[]").is_err());
        assert!(
            parse_summary(r#"{"workload":"w"}"#)
                .unwrap_err()
                .contains("arms")
        );
        assert!(
            parse_summary(r#"{"workload":"w","arms":[{"x":1}]}"#)
                .unwrap_err()
                .contains("arms[0].name")
        );
        assert!(parse_summary(r#"{"workload":"w","arms":[{"name":"a"}],"new":1}"#).is_ok());
    }

    #[test]
    fn unbuilt_models_render_as_not_modelled_never_zero() {
        let a: Value = serde_json::json!({
            "latency_ms": {"p50": null, "p90": null, "p99": null},
            "cost_usd_month": null,
            "detection_s": null,
        });
        assert_eq!(fmt_latency(a.get("latency_ms")), NOT_MODELLED);
        assert_eq!(fmt_cost(a.get("cost_usd_month")), NOT_MODELLED);
        assert_eq!(fmt_s(a.get("detection_s")), "-");
        assert_eq!(fmt_s(a.get("absent")), "n/a");
        let b: Value = serde_json::json!({"latency_ms": {"p50": 12.0, "p90": null, "p99": 80.25}});
        assert_eq!(fmt_latency(b.get("latency_ms")), "12.0 / - / 80.2");
    }

    #[test]
    fn numbers_read_well() {
        assert_eq!(grouped(0), "0");
        assert_eq!(grouped(999), "999");
        assert_eq!(grouped(1000), "1,000");
        assert_eq!(grouped(59992368), "59,992,368");
        assert_eq!(human_s(480.0), "480 s (8 min)");
        assert_eq!(human_s(45.5), "45.5 s");
        let a = serde_json::json!({"failed": 1, "requests": 8});
        assert_eq!(
            fmt_fraction(a.get("failed"), a.get("requests")),
            "1 of 8 (12.50 %)"
        );
        assert_eq!(
            html_escape("<a href='x'>&"),
            "&lt;a href=&#39;x&#39;&gt;&amp;"
        );
    }

    #[test]
    fn synthetic_summary_without_failure_flags_overrides_and_skips_failure_plots() {
        let summary = parse_summary(
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
            classes: None,
            load: None,
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
        assert!(r.html.contains("class=\"override\""));
        assert_eq!(build(&inputs).unwrap(), r, "deterministic");
    }

    #[test]
    fn step_lines_break_at_gaps() {
        let r = |t: f64, n: u64, d: u64| CurveRow {
            t_s: t,
            cohort_ok: n,
            cohort_requests: d,
            ..CurveRow::default()
        };
        let rows = [
            r(0.0, 0, 0),
            r(5.0, 1, 2),
            r(10.0, 2, 2),
            r(15.0, 0, 0),
            r(25.0, 1, 1),
        ];
        let segs = step_segments(&rows, 5.0, 5.0, |x| (x.cohort_ok, x.cohort_requests));
        assert_eq!(
            segs,
            vec![
                vec![(0.0, 50.0), (5.0, 50.0), (5.0, 100.0), (10.0, 100.0)],
                vec![(20.0, 100.0), (25.0, 100.0)],
            ]
        );
    }
}
