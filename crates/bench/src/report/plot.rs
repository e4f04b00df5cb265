//! Plots for reports, drawn with plotters to SVG (inlined in `report.html`) and PNG.
//!
//! Text is measured and drawn with the bundled DejaVu Sans (`assets/DejaVuSans.ttf`, licence
//! beside it), registered through plotters' `ab_glyph` font table, so plots render the same on
//! any machine whatever fonts it has. Rendering is a pure function of the chart description:
//! the same chart gives the same SVG bytes.
//!
//! Two kinds of chart are drawn, from plain data (the report module turns `summary.json` and
//! `curve.csv` into them):
//! - [`CurvesChart`]: one or more stacked panels of percentages against time, one line per arm,
//!   with vertical markers (failure, recovery) and each arm's detection time as a dashed line in
//!   the arm's colour;
//! - [`PercentileChart`]: per-arm percentile points (e.g. RTO p50 … max) on a log-x axis,
//!   joined by steps. It is not a full CDF and is labelled so;
//! - [`CdfChart`]: per-arm CDFs (value on a log-x axis, fraction 0..1 on y), one line per arm.

use std::path::Path;
use std::sync::OnceLock;

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::{FontStyle, register_font};

/// DejaVu Sans (Bitstream Vera licence, see `assets/DejaVuSans-LICENSE.txt`).
pub const FONT: &[u8] = include_bytes!("../../assets/DejaVuSans.ttf");

const FAMILY: &str = "sans-serif";

/// Registers the bundled font once per process; every drawing function calls it first.
pub fn ensure_font() -> Result<(), String> {
    static READY: OnceLock<Result<(), String>> = OnceLock::new();
    READY
        .get_or_init(|| {
            register_font(FAMILY, FontStyle::Normal, FONT)
                .map_err(|_| "the bundled font assets/DejaVuSans.ttf is not a valid font".into())
        })
        .clone()
}

/// Arm colours (Okabe–Ito, distinguishable with the common colour-vision deficiencies).
const PALETTE: [RGBColor; 7] = [
    RGBColor(0, 114, 178),
    RGBColor(213, 94, 0),
    RGBColor(0, 158, 115),
    RGBColor(204, 121, 167),
    RGBColor(230, 159, 0),
    RGBColor(86, 180, 233),
    RGBColor(0, 0, 0),
];

/// The colour of the `i`-th arm.
pub fn arm_colour(i: usize) -> RGBColor {
    PALETTE[i % PALETTE.len()]
}

/// The colour of the `i`-th arm as `#rrggbb` (for HTML tables that match the plots).
pub fn arm_colour_hex(i: usize) -> String {
    let RGBColor(r, g, b) = arm_colour(i);
    format!("#{r:02x}{g:02x}{b:02x}")
}

/// One arm in a chart: its name, the index of its colour, and optionally a time to mark with a
/// dashed vertical line in its colour (its detection time).
#[derive(Debug, Clone, PartialEq)]
pub struct ArmStyle {
    pub name: String,
    pub colour: usize,
    pub mark_x: Option<f64>,
    /// What the dashed line means, for the legend, e.g. "detection 26.9 s".
    pub mark_label: Option<String>,
}

/// A vertical marker drawn in black (failure) or grey (recovery) with a text label.
#[derive(Debug, Clone, PartialEq)]
pub struct Marker {
    pub x: f64,
    pub label: String,
    pub grey: bool,
}

/// One panel of a [`CurvesChart`]: y is a percentage (0–100).
#[derive(Debug, Clone, PartialEq)]
pub struct Panel {
    pub y_label: String,
    /// Per arm (same order as [`CurvesChart::arms`]), the line's segments: a gap in the data
    /// (no denominator) breaks the line instead of joining across it.
    pub lines: Vec<Vec<Vec<(f64, f64)>>>,
    /// Whether this panel carries the legend (in its lower-right corner when the lines end high,
    /// else upper right).
    pub legend: Option<LegendCorner>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LegendCorner {
    LowerRight,
    UpperRight,
}

/// Percentages against time, stacked panels sharing the x axis.
#[derive(Debug, Clone, PartialEq)]
pub struct CurvesChart {
    pub title: String,
    pub x_label: String,
    pub x_range: (f64, f64),
    pub arms: Vec<ArmStyle>,
    pub panels: Vec<Panel>,
    pub markers: Vec<Marker>,
}

/// Percentile points per arm on a log-x axis (y: the percentile levels, evenly spaced).
#[derive(Debug, Clone, PartialEq)]
pub struct PercentileChart {
    pub title: String,
    pub x_label: String,
    pub y_label: String,
    /// The percentile levels, bottom to top, e.g. ["p50", "p90", "p99", "p99.9", "max"].
    pub levels: Vec<String>,
    pub arms: Vec<ArmStyle>,
    /// Per arm, one value per level (`None`: undefined, not drawn). Values ≤ 0 are drawn at the
    /// left edge of the axis (a log axis has no 0) with a hollow marker.
    pub values: Vec<Vec<Option<f64>>>,
}

/// Per-arm CDFs on a log-x axis: y is the fraction (0..1) at or below x.
#[derive(Debug, Clone, PartialEq)]
pub struct CdfChart {
    pub title: String,
    pub x_label: String,
    pub y_label: String,
    pub arms: Vec<ArmStyle>,
    /// Per arm (same order as `arms`), `(value, fraction)` points in increasing fraction, e.g.
    /// a histogram's value at each quantile. Values ≤ 0 are drawn at the left edge of the axis
    /// (a log axis has no 0), which is then labelled 0.
    pub lines: Vec<Vec<(f64, f64)>>,
}

/// A chart to draw.
#[derive(Debug, Clone, PartialEq)]
pub enum Chart {
    Curves(CurvesChart),
    Percentiles(PercentileChart),
    Cdf(CdfChart),
    Heatmap(HeatmapChart),
    Pareto(ParetoChart),
}

impl Chart {
    /// Pixel size (also the SVG's size): 1200 wide; 450 per curve panel.
    pub fn size(&self) -> (u32, u32) {
        match self {
            Chart::Curves(c) => (1200, 60 + 430 * c.panels.len().max(1) as u32),
            Chart::Percentiles(_) | Chart::Cdf(_) => (1200, 640),
            Chart::Heatmap(h) => h.size(),
            Chart::Pareto(_) => (1200, 700),
        }
    }
}

/// Draws `chart` as an SVG document (deterministic).
pub fn svg(chart: &Chart) -> Result<String, String> {
    ensure_font()?;
    let mut s = String::new();
    {
        let root = SVGBackend::with_string(&mut s, chart.size()).into_drawing_area();
        draw(&root, chart)?;
        root.present().map_err(err)?;
    }
    Ok(s)
}

/// Draws `chart` as a PNG file at `path` (which must end in `.png`).
pub fn png(chart: &Chart, path: &Path) -> Result<(), String> {
    ensure_font()?;
    let root = BitMapBackend::new(path, chart.size()).into_drawing_area();
    draw(&root, chart)?;
    root.present().map_err(err)?;
    Ok(())
}

fn err<E: std::fmt::Display>(e: E) -> String {
    format!("plot: {e}")
}

fn draw<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, chart: &Chart) -> Result<(), String>
where
    DB::ErrorType: 'static,
{
    root.fill(&WHITE).map_err(err)?;
    match chart {
        Chart::Curves(c) => draw_curves(root, c),
        Chart::Percentiles(p) => draw_percentiles(root, p),
        Chart::Cdf(c) => draw_cdf(root, c),
        Chart::Heatmap(h) => draw_heatmap(root, h),
        Chart::Pareto(p) => draw_pareto(root, p),
    }
}

/// The legend every chart uses, in one corner.
fn draw_legend<'a, DB, CT>(
    chart: &mut ChartContext<'a, DB, CT>,
    position: SeriesLabelPosition,
) -> Result<(), String>
where
    DB: DrawingBackend + 'a,
    DB::ErrorType: 'static,
    CT: CoordTranslate,
{
    chart
        .configure_series_labels()
        .position(position)
        .margin(12)
        .label_font(text_style(16))
        .background_style(WHITE.mix(0.9))
        .border_style(RGBColor(160, 160, 160))
        .draw()
        .map_err(err)
}

fn text_style(size: u32) -> TextStyle<'static> {
    (FAMILY, size).into_font().color(&BLACK)
}

/// Formats an axis tick: integers without decimals, others with as few as needed.
fn tick(v: f64) -> String {
    if (v - v.round()).abs() < 1e-9 {
        format!("{v:.0}")
    } else if v.abs() < 0.001 {
        // Below a thousandth, as many decimals as the first significant digit needs (a log
        // axis reaches 1e-5 and below; three decimals would print them all as 0).
        let digits = (-v.abs().log10()).ceil().max(3.0) as usize;
        let s = format!("{v:.digits$}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        let s = format!("{v:.3}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

const Y_TOP: f64 = 101.0;

fn draw_curves<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    c: &CurvesChart,
) -> Result<(), String>
where
    DB::ErrorType: 'static,
{
    let root = root.titled(&c.title, text_style(26)).map_err(err)?;
    let areas = root.split_evenly((c.panels.len().max(1), 1));
    let (x0, x1) = if c.x_range.1 > c.x_range.0 {
        c.x_range
    } else {
        (c.x_range.0, c.x_range.0 + 1.0)
    };
    for (k, (panel, area)) in c.panels.iter().zip(&areas).enumerate() {
        let mut chart = ChartBuilder::on(area)
            .margin(10)
            .margin_right(30)
            .x_label_area_size(55)
            .y_label_area_size(75)
            .build_cartesian_2d(x0..x1, 0f64..Y_TOP)
            .map_err(err)?;
        let fmt = |v: &f64| tick(*v);
        chart
            .configure_mesh()
            .x_desc(c.x_label.as_str())
            .y_desc(panel.y_label.as_str())
            .x_labels(12)
            .y_labels(11)
            .x_label_formatter(&fmt)
            .y_label_formatter(&fmt)
            .label_style(text_style(16))
            .axis_desc_style(text_style(18))
            .max_light_lines(1)
            .light_line_style(RGBColor(242, 242, 242))
            .bold_line_style(RGBColor(215, 215, 215))
            .draw()
            .map_err(err)?;

        for m in &c.markers {
            if m.x < x0 || m.x > x1 {
                continue;
            }
            let colour = if m.grey {
                RGBColor(120, 120, 120)
            } else {
                BLACK
            };
            chart
                .draw_series(LineSeries::new(
                    [(m.x, 0.0), (m.x, Y_TOP)],
                    colour.stroke_width(2),
                ))
                .map_err(err)?;
            if k == 0 {
                // Labelled in the top panel only, so that they cover no line in the others.
                chart
                    .draw_series(std::iter::once(
                        EmptyElement::at((m.x, Y_TOP))
                            + Text::new(m.label.clone(), (5, 4), text_style(16).color(&colour)),
                    ))
                    .map_err(err)?;
            }
        }

        for (i, arm) in c.arms.iter().enumerate() {
            let colour = arm_colour(arm.colour);
            if let Some(x) = arm.mark_x.filter(|x| *x >= x0 && *x <= x1) {
                chart
                    .draw_series(DashedLineSeries::new(
                        [(x, 0.0), (x, Y_TOP)],
                        8,
                        6,
                        colour.stroke_width(2),
                    ))
                    .map_err(err)?;
            }
            let Some(segments) = panel.lines.get(i) else {
                continue;
            };
            let mut labelled = false;
            for seg in segments.iter().filter(|s| !s.is_empty()) {
                let ann = chart
                    .draw_series(LineSeries::new(seg.iter().copied(), colour.stroke_width(2)))
                    .map_err(err)?;
                if !labelled && panel.legend.is_some() {
                    labelled = true;
                    let label = match &arm.mark_label {
                        Some(m) => format!("{}  (dashed: {m})", arm.name),
                        None => arm.name.clone(),
                    };
                    ann.label(label).legend(move |(x, y)| {
                        PathElement::new(vec![(x, y), (x + 24, y)], colour.stroke_width(3))
                    });
                }
            }
        }

        if let Some(corner) = panel.legend {
            draw_legend(
                &mut chart,
                match corner {
                    LegendCorner::LowerRight => SeriesLabelPosition::LowerRight,
                    LegendCorner::UpperRight => SeriesLabelPosition::UpperRight,
                },
            )?;
        }
    }
    Ok(())
}

/// The values m × 10^k, m in {1, 2, 5}, from just below `lo` to just above `hi`.
fn one_two_five(lo: f64, hi: f64) -> Vec<f64> {
    let k0 = lo.log10().floor() as i32 - 1;
    let k1 = hi.log10().ceil() as i32 + 1;
    (k0..=k1)
        .flat_map(|k| [1.0, 2.0, 5.0].map(|m| m * 10f64.powi(k)))
        .collect()
}

/// Log-axis layout for `values`: bounds at 1-2-5 values around the positive values (one step
/// further left when some values are ≤ 0, which are drawn at the left edge), the 1-2-5 values
/// in between as labelled ticks, and 1…9 × 10^k as light grid lines.
fn log_axis(values: &[f64]) -> (f64, f64, Vec<f64>, Vec<f64>) {
    let pos: Vec<f64> = values.iter().copied().filter(|v| *v > 0.0).collect();
    let (lo, hi) = if pos.is_empty() {
        (0.1, 10.0)
    } else {
        let lo = pos.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = pos.iter().copied().fold(0.0, f64::max);
        let steps = one_two_five(lo, hi);
        let eps = 1e-9;
        let mut a = steps
            .iter()
            .copied()
            .filter(|v| *v <= lo * (1.0 + eps))
            .fold(steps[0], f64::max);
        if values.iter().any(|v| *v <= 0.0) {
            a = steps
                .iter()
                .copied()
                .filter(|v| *v < a * (1.0 - eps))
                .fold(steps[0], f64::max);
        }
        let mut b = steps
            .iter()
            .copied()
            .filter(|v| *v >= hi * (1.0 - eps))
            .fold(f64::INFINITY, f64::min);
        if b <= a * (1.0 + eps) {
            b = steps
                .iter()
                .copied()
                .filter(|v| *v > a * (1.0 + eps))
                .fold(f64::INFINITY, f64::min);
        }
        (a, b)
    };
    let within = |v: &f64| *v >= lo * (1.0 - 1e-9) && *v <= hi * (1.0 + 1e-9);
    let keys = one_two_five(lo, hi).into_iter().filter(within).collect();
    let k0 = lo.log10().floor() as i32;
    let k1 = hi.log10().ceil() as i32;
    let light = (k0..=k1)
        .flat_map(|k| (1..10).map(move |m| f64::from(m) * 10f64.powi(k)))
        .filter(within)
        .collect();
    (lo, hi, keys, light)
}

fn draw_percentiles<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    p: &PercentileChart,
) -> Result<(), String>
where
    DB::ErrorType: 'static,
{
    let root = root.titled(&p.title, text_style(26)).map_err(err)?;
    let all: Vec<f64> = p.values.iter().flatten().flatten().copied().collect();
    let (lo, hi, keys, light) = log_axis(&all);
    let zeros = all.iter().any(|v| *v <= 0.0);
    let n = p.levels.len().max(1);
    let mut chart = ChartBuilder::on(&root)
        .margin(10)
        .margin_right(30)
        .x_label_area_size(55)
        .y_label_area_size(75)
        .build_cartesian_2d(
            (lo..hi)
                .log_scale()
                .with_key_points(keys)
                .with_light_points(light),
            -0.5f64..(n as f64 - 0.5),
        )
        .map_err(err)?;
    // With zeros present the left edge stands for 0 (a log axis has no 0).
    let xfmt = |v: &f64| {
        if zeros && (*v - lo).abs() <= lo * 1e-9 {
            "0".to_string()
        } else {
            tick(*v)
        }
    };
    let yfmt = |v: &f64| {
        let r = v.round();
        if (v - r).abs() < 1e-6 && r >= 0.0 {
            p.levels.get(r as usize).cloned().unwrap_or_default()
        } else {
            String::new()
        }
    };
    chart
        .configure_mesh()
        .x_desc(p.x_label.as_str())
        .y_desc(p.y_label.as_str())
        .y_labels(n)
        .x_label_formatter(&xfmt)
        .y_label_formatter(&yfmt)
        .label_style(text_style(16))
        .axis_desc_style(text_style(18))
        .light_line_style(RGBColor(238, 238, 238))
        .bold_line_style(RGBColor(210, 210, 210))
        .draw()
        .map_err(err)?;

    for (i, arm) in p.arms.iter().enumerate() {
        let colour = arm_colour(arm.colour);
        let vals = p.values.get(i).cloned().unwrap_or_default();
        // (x, level, is_zero)
        let pts: Vec<(f64, f64, bool)> = vals
            .iter()
            .enumerate()
            .filter_map(|(k, v)| v.map(|v| (v.max(lo), k as f64, v <= 0.0)))
            .collect();
        if pts.is_empty() {
            continue;
        }
        // Lower-bound staircase through the points: the share recovered is at least level k
        // from x_k on, and reaches level k+1 at x_{k+1}.
        let mut stairs = Vec::with_capacity(pts.len() * 2);
        for (j, &(x, y, _)) in pts.iter().enumerate() {
            if j > 0 {
                stairs.push((x, pts[j - 1].1));
            }
            stairs.push((x, y));
        }
        chart
            .draw_series(LineSeries::new(stairs, colour.stroke_width(2)))
            .map_err(err)?
            .label(arm.name.clone())
            .legend(move |(x, y)| {
                EmptyElement::at((x, y))
                    + PathElement::new(vec![(0, 0), (24, 0)], colour.stroke_width(2))
                    + marker(i, (12, 0), colour, false)
            });
        chart
            .draw_series(
                pts.iter().map(|&(x, y, zero)| {
                    EmptyElement::at((x, y)) + marker(i, (0, 0), colour, zero)
                }),
            )
            .map_err(err)?;
    }
    draw_legend(&mut chart, SeriesLabelPosition::LowerRight)?;
    Ok(())
}

fn draw_cdf<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, c: &CdfChart) -> Result<(), String>
where
    DB::ErrorType: 'static,
{
    let root = root.titled(&c.title, text_style(26)).map_err(err)?;
    let all: Vec<f64> = c.lines.iter().flatten().map(|p| p.0).collect();
    let (lo, hi, keys, light) = log_axis(&all);
    let zeros = all.iter().any(|v| *v <= 0.0);
    let mut chart = ChartBuilder::on(&root)
        .margin(10)
        .margin_right(30)
        .x_label_area_size(55)
        .y_label_area_size(75)
        .build_cartesian_2d(
            (lo..hi)
                .log_scale()
                .with_key_points(keys)
                .with_light_points(light),
            0f64..1.0,
        )
        .map_err(err)?;
    let xfmt = |v: &f64| {
        if zeros && (*v - lo).abs() <= lo * 1e-9 {
            "0".to_string()
        } else {
            tick(*v)
        }
    };
    let yfmt = |v: &f64| tick((v * 100.0).round() / 100.0);
    chart
        .configure_mesh()
        .x_desc(c.x_label.as_str())
        .y_desc(c.y_label.as_str())
        .y_labels(11)
        .x_label_formatter(&xfmt)
        .y_label_formatter(&yfmt)
        .label_style(text_style(16))
        .axis_desc_style(text_style(18))
        .light_line_style(RGBColor(238, 238, 238))
        .bold_line_style(RGBColor(210, 210, 210))
        .draw()
        .map_err(err)?;
    for (i, arm) in c.arms.iter().enumerate() {
        let colour = arm_colour(arm.colour);
        let pts = c.lines.get(i).map(Vec::as_slice).unwrap_or_default();
        if pts.is_empty() {
            continue;
        }
        // Staircase: the fraction at or below x is at least q_j from x_j on.
        let mut stairs = Vec::with_capacity(pts.len() * 2);
        for (j, &(x, y)) in pts.iter().enumerate() {
            let x = x.max(lo);
            if j > 0 {
                stairs.push((x, pts[j - 1].1));
            }
            stairs.push((x, y));
        }
        chart
            .draw_series(LineSeries::new(stairs, colour.stroke_width(2)))
            .map_err(err)?
            .label(arm.name.clone())
            .legend(move |(x, y)| {
                PathElement::new(vec![(x, y), (x + 24, y)], colour.stroke_width(2))
            });
    }
    draw_legend(&mut chart, SeriesLabelPosition::LowerRight)?;
    Ok(())
}

/// The marker of arm `i`: circle, triangle, square, cross in turn; hollow when `hollow`.
fn marker<DB: DrawingBackend>(
    i: usize,
    at: (i32, i32),
    colour: RGBColor,
    hollow: bool,
) -> DynElement<'static, DB, (i32, i32)> {
    let style = if hollow {
        colour.stroke_width(2)
    } else {
        colour.filled()
    };
    let (x, y) = at;
    match i % 4 {
        0 => Circle::new(at, 6, style).into_dyn(),
        1 => TriangleMarker::new(at, 8, style).into_dyn(),
        2 => Rectangle::new([(x - 6, y - 6), (x + 6, y + 6)], style).into_dyn(),
        _ => Cross::new(at, 7, colour.stroke_width(3)).into_dyn(),
    }
}

// ---------------------------------------------------------------------------------------------
// Sweep charts: heatmap and Pareto front. Drawn by their own functions (not [`Chart`]) so the
// report's charts are untouched.

/// A heatmap of one figure over two grid keys: `values[row][col]` (`None`: no value, grey).
/// One row makes a strip.
#[derive(Debug, Clone, PartialEq)]
pub struct HeatmapChart {
    pub title: String,
    pub x_label: String,
    pub y_label: String,
    /// Column labels (the first key's values), left to right.
    pub x_values: Vec<String>,
    /// Row labels (the second key's values), bottom to top.
    pub y_values: Vec<String>,
    pub values: Vec<Vec<Option<f64>>>,
    /// The unit shown after each cell's number, e.g. "s".
    pub unit: String,
}

/// Points per arm of (x, y), x on a log axis; the non-dominated points (smallest x and y) are
/// ringed and joined.
#[derive(Debug, Clone, PartialEq)]
pub struct ParetoChart {
    pub title: String,
    pub x_label: String,
    pub y_label: String,
    pub arms: Vec<ArmStyle>,
    /// Per arm (same order as `arms`), its points.
    pub points: Vec<Vec<(f64, f64)>>,
}

impl HeatmapChart {
    fn size(&self) -> (u32, u32) {
        let rows = self.y_values.len().max(1) as u32;
        (1200, 200 + (90 * rows).max(120))
    }
}

/// Viridis-like colour for `t` in [0, 1] (dark blue low, yellow high).
fn ramp(t: f64) -> RGBColor {
    const STOPS: [(u8, u8, u8); 5] = [
        (68, 1, 84),
        (59, 82, 139),
        (33, 145, 140),
        (94, 201, 98),
        (253, 231, 37),
    ];
    let t = if t.is_finite() {
        t.clamp(0.0, 1.0)
    } else {
        0.0
    };
    let pos = t * (STOPS.len() - 1) as f64;
    let i = (pos.floor() as usize).min(STOPS.len() - 2);
    let f = pos - i as f64;
    let mix = |a: u8, b: u8| (f64::from(a) + (f64::from(b) - f64::from(a)) * f).round() as u8;
    let (a, b) = (STOPS[i], STOPS[i + 1]);
    RGBColor(mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
}

/// The points of `pts` no other point dominates (another with x ≤ and y ≤, one of them <),
/// sorted by x.
pub fn pareto_front(pts: &[(f64, f64)]) -> Vec<(f64, f64)> {
    let mut front: Vec<(f64, f64)> = pts
        .iter()
        .copied()
        .filter(|&(x, y)| {
            !pts.iter()
                .any(|&(a, b)| a <= x && b <= y && (a < x || b < y))
        })
        .collect();
    front.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.total_cmp(&b.1)));
    front.dedup();
    front
}

fn draw_heatmap<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    h: &HeatmapChart,
) -> Result<(), String>
where
    DB::ErrorType: 'static,
{
    let root = root.titled(&h.title, text_style(22)).map_err(err)?;
    let nx = h.x_values.len().max(1);
    let ny = h.y_values.len().max(1);
    let all: Vec<f64> = h.values.iter().flatten().flatten().copied().collect();
    let lo = all.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = all.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let mut chart = ChartBuilder::on(&root)
        .margin(10)
        .margin_right(30)
        .x_label_area_size(55)
        .y_label_area_size(110)
        .build_cartesian_2d(0f64..nx as f64, 0f64..ny as f64)
        .map_err(err)?;
    let xfmt = |v: &f64| label_at(&h.x_values, *v);
    let yfmt = |v: &f64| label_at(&h.y_values, *v);
    chart
        .configure_mesh()
        .disable_mesh()
        .x_desc(h.x_label.as_str())
        .y_desc(h.y_label.as_str())
        .x_labels(nx * 2 + 1)
        .y_labels(ny * 2 + 1)
        .x_label_formatter(&xfmt)
        .y_label_formatter(&yfmt)
        .label_style(text_style(16))
        .axis_desc_style(text_style(18))
        .draw()
        .map_err(err)?;
    for r in 0..ny {
        for c in 0..nx {
            let v = h
                .values
                .get(r)
                .and_then(|row| row.get(c))
                .copied()
                .flatten();
            let (fill, text) = match v {
                Some(v) => {
                    let t = if hi > lo { (v - lo) / (hi - lo) } else { 0.5 };
                    (ramp(t), format!("{}{}", tick_short(v), h.unit))
                }
                None => (RGBColor(200, 200, 200), "n/a".to_string()),
            };
            let (x, y) = (c as f64, r as f64);
            chart
                .draw_series(std::iter::once(Rectangle::new(
                    [(x, y), (x + 1.0, y + 1.0)],
                    fill.filled(),
                )))
                .map_err(err)?;
            chart
                .draw_series(std::iter::once(Rectangle::new(
                    [(x, y), (x + 1.0, y + 1.0)],
                    WHITE.stroke_width(2),
                )))
                .map_err(err)?;
            let light = matches!(v, Some(v) if hi > lo && (v - lo) / (hi - lo) < 0.55);
            let colour = if light { WHITE } else { BLACK };
            chart
                .draw_series(std::iter::once(
                    EmptyElement::at((x + 0.5, y + 0.5))
                        + Text::new(
                            text,
                            (0, 0),
                            text_style(18)
                                .color(&colour)
                                .pos(Pos::new(HPos::Center, VPos::Center)),
                        ),
                ))
                .map_err(err)?;
        }
    }
    Ok(())
}

/// The label of the band centred at `v` (ticks fall on band edges and centres; only centres are
/// labelled).
fn label_at(labels: &[String], v: f64) -> String {
    let k = v - 0.5;
    let r = k.round();
    if (k - r).abs() < 1e-6 && r >= 0.0 {
        labels.get(r as usize).cloned().unwrap_or_default()
    } else {
        String::new()
    }
}

/// A number in at most 4 significant digits, without needless decimals.
fn tick_short(v: f64) -> String {
    if v.abs() >= 1000.0 {
        format!("{v:.0}")
    } else if v.abs() >= 100.0 {
        tick((v * 10.0).round() / 10.0)
    } else {
        tick((v * 100.0).round() / 100.0)
    }
}

fn draw_pareto<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    p: &ParetoChart,
) -> Result<(), String>
where
    DB::ErrorType: 'static,
{
    let root = root.titled(&p.title, text_style(22)).map_err(err)?;
    let xs: Vec<f64> = p.points.iter().flatten().map(|q| q.0).collect();
    let (lo, hi, keys, light) = log_axis(&xs);
    let zeros = xs.iter().any(|v| *v <= 0.0);
    let ymax = p
        .points
        .iter()
        .flatten()
        .map(|q| q.1)
        .fold(0.0f64, f64::max);
    let ytop = if ymax > 0.0 { ymax * 1.1 } else { 1.0 };
    let mut chart = ChartBuilder::on(&root)
        .margin(10)
        .margin_right(30)
        .x_label_area_size(55)
        .y_label_area_size(75)
        .build_cartesian_2d(
            (lo..hi)
                .log_scale()
                .with_key_points(keys)
                .with_light_points(light),
            0f64..ytop,
        )
        .map_err(err)?;
    let xfmt = |v: &f64| {
        if zeros && (*v - lo).abs() <= lo * 1e-9 {
            "0".to_string()
        } else {
            tick(*v)
        }
    };
    let yfmt = |v: &f64| tick(*v);
    chart
        .configure_mesh()
        .x_desc(p.x_label.as_str())
        .y_desc(p.y_label.as_str())
        .x_label_formatter(&xfmt)
        .y_label_formatter(&yfmt)
        .y_labels(10)
        .y_max_light_lines(1)
        .label_style(text_style(16))
        .axis_desc_style(text_style(18))
        .light_line_style(RGBColor(238, 238, 238))
        .bold_line_style(RGBColor(210, 210, 210))
        .draw()
        .map_err(err)?;
    let all: Vec<(f64, f64)> = p.points.iter().flatten().copied().collect();
    let front = pareto_front(&all);
    if !front.is_empty() {
        let line: Vec<(f64, f64)> = front.iter().map(|&(x, y)| (x.max(lo), y)).collect();
        chart
            .draw_series(DashedLineSeries::new(line, 6, 4, BLACK.stroke_width(1)))
            .map_err(err)?
            .label("non-dominated (ringed)")
            .legend(|(x, y)| {
                EmptyElement::at((x, y))
                    + PathElement::new(vec![(0, 0), (24, 0)], BLACK.stroke_width(1))
                    + Circle::new((12, 0), 9, BLACK.stroke_width(2))
            });
    }
    for (i, arm) in p.arms.iter().enumerate() {
        let colour = arm_colour(arm.colour);
        let pts = p.points.get(i).cloned().unwrap_or_default();
        chart
            .draw_series(pts.iter().map(|&(x, y)| {
                EmptyElement::at((x.max(lo), y)) + marker(i, (0, 0), colour, x <= 0.0)
            }))
            .map_err(err)?
            .label(arm.name.clone())
            .legend(move |(x, y)| EmptyElement::at((x, y)) + marker(i, (12, 0), colour, false));
    }
    chart
        .draw_series(
            front
                .iter()
                .map(|&(x, y)| Circle::new((x.max(lo), y), 11, BLACK.stroke_width(2))),
        )
        .map_err(err)?;
    draw_legend(&mut chart, SeriesLabelPosition::UpperRight)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log_axis_uses_one_two_five_steps_with_room_for_zeros() {
        let (lo, hi, keys, light) = log_axis(&[80.4, 240.1]);
        assert_eq!((lo, hi), (50.0, 500.0));
        assert_eq!(keys, vec![50.0, 100.0, 200.0, 500.0]);
        assert_eq!(light.first(), Some(&50.0));
        assert_eq!(light.last(), Some(&500.0));
        let (lo, hi, keys, _) = log_axis(&[0.0, 10.0, 80.0]);
        assert_eq!((lo, hi), (5.0, 100.0));
        assert_eq!(keys, vec![5.0, 10.0, 20.0, 50.0, 100.0]);
        assert_eq!(log_axis(&[]).0, 0.1);
        let (lo, hi, _, _) = log_axis(&[5.0]);
        assert_eq!((lo, hi), (5.0, 10.0));
    }

    #[test]
    fn ticks_drop_needless_decimals() {
        assert_eq!(tick(120.0), "120");
        assert_eq!(tick(-60.0), "-60");
        assert_eq!(tick(0.5), "0.5");
        assert_eq!(tick(0.00001), "0.00001");
        assert_eq!(tick(0.0002), "0.0002");
        assert_eq!(tick(0.005), "0.005");
    }

    #[test]
    fn svg_is_deterministic_and_has_text() {
        let chart = Chart::Percentiles(PercentileChart {
            title: "t".into(),
            x_label: "x (s)".into(),
            y_label: "level".into(),
            levels: vec!["p50".into(), "max".into()],
            arms: vec![ArmStyle {
                name: "a".into(),
                colour: 0,
                mark_x: None,
                mark_label: None,
            }],
            values: vec![vec![Some(0.0), Some(30.0)]],
        });
        let a = svg(&chart).unwrap();
        let b = svg(&chart).unwrap();
        assert_eq!(a, b);
        assert!(a.starts_with("<svg"), "{}", &a[..40]);
        assert!(a.contains("\np50\n") && a.contains("\nmax\n"), "{a}");
    }

    #[test]
    fn pareto_front_keeps_only_non_dominated_points() {
        let f = pareto_front(&[
            (10.0, 5.0),
            (20.0, 1.0),
            (30.0, 2.0),
            (10.0, 6.0),
            (5.0, 9.0),
        ]);
        assert_eq!(f, vec![(5.0, 9.0), (10.0, 5.0), (20.0, 1.0)]);
    }

    #[test]
    fn heatmap_svg_is_deterministic_and_labels_cells() {
        let h = HeatmapChart {
            title: "t".into(),
            x_label: "arms.0.ttl".into(),
            y_label: "k".into(),
            x_values: vec!["10".into(), "60".into()],
            y_values: vec!["2".into()],
            values: vec![vec![Some(1.5), None]],
            unit: " s".into(),
        };
        let h = Chart::Heatmap(h);
        let a = svg(&h).unwrap();
        assert_eq!(a, svg(&h).unwrap());
        assert!(
            a.contains("1.5 s") && a.contains("n/a") && a.contains(">60<") || a.contains("\n60\n"),
            "{a}"
        );
    }
}
