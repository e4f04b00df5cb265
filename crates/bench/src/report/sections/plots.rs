//! The report's plots: which are drawn from the run's files (cohort and population
//! convergence curves, RTO and latency CDFs or percentiles) and why the others are not, and
//! the "Plots" section that shows them.

use crate::files::curve::{ArmCurve, CurveRow};
use crate::files::distributions::ArmDistribution;
use crate::files::summary::ArmView;
use crate::report::doc::Block;
use crate::report::format::{fmt_count, request_gap_s};
use crate::report::inputs::Inputs;
use crate::report::plot::{
    ArmStyle, CdfChart, Chart, CurvesChart, LegendCorner, Marker, Panel, PercentileChart,
};

/// The "Plots" section: each plot drawn (with its SVG, `svgs` in plan order), then each not
/// drawn with the reason.
pub fn section(plan: &PlotPlan, svgs: &[String]) -> Vec<Block> {
    let mut b = vec![Block::H2("Plots".into())];
    for ((stem, title, caption, _), svg) in plan.plots.iter().zip(svgs) {
        b.push(Block::Figure {
            title: title.clone(),
            stem: stem.clone(),
            caption: caption.clone(),
            svg: svg.clone(),
        });
    }
    for (title, why) in &plan.skipped {
        b.push(Block::H3(title.clone()));
        b.push(Block::Note(crate::report::doc::text(format!(
            "{}{}.",
            why[..1].to_uppercase(),
            &why[1..]
        ))));
    }
    b
}

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

/// One arm's line in a [`Panel`]: its segments of `(x, y)` points.
type Segments = Vec<Vec<(f64, f64)>>;

/// Per cohort arm of `curve` (in its order): the survival curve of `stale_until_s` read from
/// distributions.csv, `(t, 100 × share of cohort clients whose last stale attempt is after t)`
/// as a step line from the quantile rows (quantile q at value v: a share 1 − q is still on the
/// failed region just after v). Empty lines for arms without rows; `None` when no arm has any.
fn survival_lines(inputs: &Inputs, curve: &[ArmCurve]) -> Option<Vec<Segments>> {
    let dists = inputs.distributions.as_ref()?;
    let mut any = false;
    let lines = curve
        .iter()
        .map(|a| {
            let Some(d) = dists
                .iter()
                .find(|d| d.name == a.name && !d.stale_until.is_empty())
            else {
                return Vec::new();
            };
            any = true;
            let mut rows = d.stale_until.clone();
            rows.sort_by(|x, y| x.0.total_cmp(&y.0).then(x.1.total_cmp(&y.1)));
            let mut pts = vec![(0.0, 100.0)];
            let mut y = 100.0;
            for (q, v) in rows {
                let v = v.max(0.0);
                let next = (1.0 - q) * 100.0;
                if next < y {
                    pts.push((v, y));
                    pts.push((v, next));
                    y = next;
                }
            }
            vec![pts]
        })
        .collect();
    any.then_some(lines)
}

/// The plots of a report: `(stem, title, caption, chart)` per plot drawn, and the plots not
/// drawn with the reason (title, reason).
pub struct PlotPlan {
    pub plots: Vec<(String, String, String, Chart)>,
    pub skipped: Vec<(String, String)>,
}

/// Per arm: its style, and `(value, fraction)` points ([`CdfChart::lines`]).
type CdfLines = (Vec<ArmStyle>, Vec<Vec<(f64, f64)>>);

/// The arms of distributions.csv with rows for one metric: their styles (colours follow the
/// arms' order in summary.json; others come after) and `(value, quantile)` points in quantile
/// order. `None` without distributions.csv or without rows for the metric.
fn cdf_lines(
    inputs: &Inputs,
    arms: &[ArmView],
    metric: impl Fn(&ArmDistribution) -> &Vec<(f64, f64)>,
) -> Option<CdfLines> {
    let mut styles = Vec::new();
    let mut lines = Vec::new();
    for (di, d) in inputs.distributions.as_ref()?.iter().enumerate() {
        let rows = metric(d);
        if rows.is_empty() {
            continue;
        }
        let si = arms.iter().position(|a| a.name == d.name);
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

/// Which plots a report draws, and why the others are not drawn.
pub fn plan(inputs: &Inputs) -> PlotPlan {
    let s = &inputs.summary;
    let arms = &s.arms[..];
    let failure = s.failure_at_s.get();
    let duration = s.duration_s.get();
    let window_end = s.window_end_s.get();
    let bin = bin_width(&inputs.curve);
    let mut plots = Vec::new();
    let mut skipped = Vec::new();

    // Colours follow the arms' order in summary.json; curve-only arms come after.
    let styles: Vec<ArmStyle> = inputs
        .curve
        .iter()
        .enumerate()
        .map(|(ci, c)| {
            let si = arms.iter().position(|a| a.name == c.name);
            let detection = si.and_then(|i| arms[i].detection_s.get());
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
                let survival = survival_lines(inputs, &inputs.curve);
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
                    ]
                    .into_iter()
                    .chain(survival.clone().map(|lines| Panel {
                        y_label: "cohort clients still on failed region (%)".into(),
                        lines,
                        legend: None,
                    }))
                    .collect(),
                    markers: markers.clone(),
                };
                let second = if survival.is_some() {
                    "Middle"
                } else {
                    "Bottom"
                };
                let survival_note = if survival.is_some() {
                    " Bottom: the same by users, the share of cohort clients whose last \
                     attempt to the failed region in the window comes after t (the survival \
                     curve of stale_until_s, read from distributions.csv at quantiles 0, 0.01, \
                     …, 0.99, 0.995, 0.999 and 1; clients that never left sit at the window's \
                     end)."
                } else {
                    ""
                };
                plots.push((
                    "convergence_cohort".to_string(),
                    "Convergence of the cohort".to_string(),
                    format!(
                        "Top: share of cohort requests served ok, per {bin} s bin (by issue time). \
                         {second}: share of cohort attempts sent to the failed region (stale \
                         routing, by requests). The cohort is the clients whose last ok request before the \
                         failure went to the failed region. Time 0 is the failure.{survival_note}{detection_note}{recovery_note}"
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
        .map(|a| {
            levels
                .iter()
                .map(|(k, _)| ArmView::at(&a.rto_s, k).get())
                .collect()
        })
        .collect();
    let summary_styles: Vec<ArmStyle> = arms
        .iter()
        .enumerate()
        .map(|(i, a)| ArmStyle {
            name: a.name.clone(),
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
            .map(|a| format!("{} {}", a.name, fmt_count(a.never_recovered())))
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
                .map(|k| ArmView::at(&a.latency_ms, k).get())
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

#[cfg(test)]
mod tests {
    use super::*;

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
