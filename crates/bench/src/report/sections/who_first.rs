//! The report section "Who converges first, and why" (issue: control-plane fidelity): from a
//! run's own files (summary.json, curve.csv, distributions.csv), which arm recovers first at
//! each percentile of the per-client RTO, the split of each arm's recovery into the components
//! the run measures, and the steady-state latency difference between the arms.
//!
//! Every sentence is computed from the numbers; nothing here knows which arm "should" win. The
//! components are those the files expose:
//! - **detection**: `detection_s` (first control-plane change after the failure);
//! - **DNS cache drain**: until the last curve bin with a DNS answer pointing at the failed
//!   region (`dns_answers_failed_region`): propagation to the authoritative locations plus
//!   resolver, stub and application caches. An accelerator's addresses never change, so it has
//!   none;
//! - **stale attempts**: until the last bin with a cohort attempt to the failed region
//!   (`cohort_attempts_failed_region`): cache drain, plus kept-alive connections that stay on
//!   the failed endpoint until a request times out or the connection goes idle;
//! - **no failed request**: the share of the cohort whose RTO is 0 (distributions.csv).

use std::fmt::Write as _;

use crate::files::curve::{ArmCurve, CurveRow};
use crate::files::summary::{ArmView, Field};
use crate::report::doc::{Block, Head, Inline, Span, Table, text};
use crate::report::inputs::Inputs;

/// The RTO percentiles compared: (label, summary.json key, quantile).
const PERCENTILES: [(&str, &str, f64); 4] = [
    ("p50", "p50", 0.5),
    ("p90", "p90", 0.9),
    ("p99", "p99", 0.99),
    ("p99.9", "p999", 0.999),
];

/// Two RTOs closer than this (s) are a tie: summary.json rounds to 1 ms, and bins are 1 s or
/// more, so nothing finer is meaningful.
const TIE_S: f64 = 0.05;

/// Inline text built piece by piece: `write!` appends plain text, [`Para::b`] bold text.
#[derive(Default)]
struct Para(Inline);

impl Para {
    fn b(&mut self, s: &str) -> &mut Para {
        self.0.push(Span::Strong(s.to_string()));
        self
    }
    fn t(&mut self, s: &str) -> &mut Para {
        self.0.push(Span::Text(s.to_string()));
        self
    }
}

impl std::fmt::Write for Para {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        self.t(s);
        Ok(())
    }
}

/// The section "Who converges first, and why", or nothing when the run has no failure or
/// fewer than two arms.
pub fn section(inputs: &Inputs) -> Vec<Block> {
    who_converges_first(inputs).unwrap_or_default()
}

/// The section's blocks, or `None` when the run has no failure or fewer than two arms.
pub fn who_converges_first(inputs: &Inputs) -> Option<Vec<Block>> {
    let s = &inputs.summary;
    let fail_at = s.failure_at_s.get()?;
    let window_end = s.window_end_s.get().unwrap_or(f64::INFINITY);
    let arms: Vec<ArmFacts> = s
        .arms
        .iter()
        .map(|a| ArmFacts::new(a, inputs, fail_at, window_end))
        .collect();
    if arms.len() < 2 {
        return None;
    }
    let mut out = vec![Block::H2("Who converges first, and why".into())];

    // 1. Who recovers first at each percentile, with the gap split into detection and the rest.
    let mut rows = Vec::new();
    let mut sentences: Inline = Vec::new();
    for (label, key, _) in PERCENTILES {
        let values: Vec<Option<f64>> = arms.iter().map(|a| a.rto(key)).collect();
        let mut row = vec![label.to_string()];
        row.extend(values.iter().map(|v| fmt_opt(*v, " s")));
        let ranked = rank(&values);
        let first = match ranked.as_slice() {
            [] => "n/a".to_string(),
            [(i, v), rest @ ..] => {
                let tied: Vec<&str> = rest
                    .iter()
                    .filter(|(_, w)| w - v < TIE_S)
                    .map(|&(j, _)| arms[j].name.as_str())
                    .collect();
                if tied.is_empty() {
                    arms[*i].name.clone()
                } else {
                    format!("tie: {}, {}", arms[*i].name, tied.join(", "))
                }
            }
        };
        row.push(first);
        rows.push(row);
        if let [(i, v), (j, w), ..] = ranked.as_slice() {
            if !sentences.is_empty() {
                sentences.push(Span::Text(" ".into()));
            }
            sentences.extend(gap_sentence(label, &arms[*i], *v, &arms[*j], *w));
        }
    }
    out.push(Block::P(text(format!(
        "Per-client RTO over each arm's cohort (seconds after the failure at {}; smaller \
         recovers first):",
        secs(fail_at)
    ))));
    out.push(Block::Table(ranking_table("RTO percentile", &arms, rows)));
    out.push(Block::P(sentences));
    out.push(Block::P(text(
        "Convergence (`converge_s`: seconds after the failure until the cohort's ok fraction \
         stays at or above each level; \"-\" = not reached in the window):",
    )));
    out.push(Block::Table(convergence_table(&arms)));

    // 2. Each arm's recovery split into the components the run measures.
    for a in &arms {
        out.push(Block::P(a.components()));
    }

    // 3. Steady-state latency.
    if let Some(p) = latency_paragraph(&arms) {
        out.push(Block::P(p));
    }
    Some(out)
}

/// A table with a first column `what`, one column per arm, and the first arm.
fn ranking_table(what: &str, arms: &[ArmFacts], rows: Vec<Vec<String>>) -> Table {
    let mut head = vec![Head::left(what)];
    head.extend(arms.iter().map(|a| Head::right(a.name.clone())));
    head.push(Head::left("first"));
    Table { head, rows }
}

/// `converge_s` (time until the cohort's ok fraction is back to each level) per arm, and the
/// first arm at each level.
fn convergence_table(arms: &[ArmFacts]) -> Table {
    let mut rows = Vec::new();
    for (label, key, _) in PERCENTILES {
        let values: Vec<Option<f64>> = arms
            .iter()
            .map(|a| ArmView::at(&a.summary.converge_s, key).get())
            .collect();
        let mut row = vec![label.to_string()];
        row.extend(values.iter().map(|v| fmt_opt(*v, " s")));
        let ranked = rank(&values);
        let first = match ranked.as_slice() {
            [] => "none reached".to_string(),
            [(i, v), rest @ ..] => {
                let mut names = vec![arms[*i].name.as_str()];
                names.extend(
                    rest.iter()
                        .filter(|(_, w)| w - v < TIE_S)
                        .map(|&(j, _)| arms[j].name.as_str()),
                );
                if names.len() > 1 {
                    format!("tie: {}", names.join(", "))
                } else {
                    names[0].to_string()
                }
            }
        };
        row.push(first);
        rows.push(row);
    }
    ranking_table("level", arms, rows)
}

/// The arms with a value, smallest first (ties by arm order).
fn rank(values: &[Option<f64>]) -> Vec<(usize, f64)> {
    let mut r: Vec<(usize, f64)> = values
        .iter()
        .enumerate()
        .filter_map(|(i, v)| v.map(|v| (i, v)))
        .collect();
    r.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
    r
}

/// "At p50, A recovers X s before B (a vs b s): detection accounts for D s of the gap, the
/// time after detection for E s."
fn gap_sentence(label: &str, a: &ArmFacts, v: f64, b: &ArmFacts, w: f64) -> Inline {
    let mut s = Para::default();
    if w - v < TIE_S {
        let _ = write!(s, "At {label}, ");
        s.b(&a.name).t(" and ").b(&b.name);
        let _ = write!(s, " recover together ({} s).", num1(v));
        return s.0;
    }
    let _ = write!(s, "At {label}, ");
    s.b(&a.name);
    let _ = write!(s, " recovers {} s before ", num1(w - v));
    s.b(&b.name);
    let _ = write!(s, " ({} s vs {} s)", num1(v), num1(w));
    match (a.detection, b.detection) {
        (Some(da), Some(db)) if v < da => {
            s.t(": ").b(&a.name);
            let _ = write!(
                s,
                "'s cohort recovered before its own detection ({} s), without a \
                 control-plane change, while ",
                num1(da)
            );
            s.b(&b.name);
            let _ = write!(
                s,
                "'s waited for detection ({} s) and {} s more.",
                num1(db),
                num1(w - db)
            );
        }
        (Some(da), Some(db)) => {
            // RTO = detection + (RTO - detection): the gap splits the same way.
            let _ = write!(
                s,
                ": detection accounts for {} s of the gap ({} s vs {} s) and the time after \
                 detection for {} s.",
                signed(db - da),
                num1(da),
                num1(db),
                signed((w - db) - (v - da))
            );
        }
        (None, Some(_)) => {
            s.t(": ").b(&a.name).t(
                " never detected the failure, so its cohort recovered without a control-plane \
                 change.",
            );
        }
        (_, None) => {
            s.t("; ")
                .b(&b.name)
                .t(" never detected the failure within the window.");
        }
    }
    s.0
}

/// One arm's figures from the run's files.
struct ArmFacts {
    name: String,
    /// "route53" or "global-accelerator" (from the strategy text), for the wording of causes.
    accelerator: bool,
    summary: ArmView,
    detection: Option<f64>,
    /// Seconds after the failure: end of the last bin with a DNS answer pointing at the
    /// failed region (0 if none after the failure).
    dns_stale_end: Option<f64>,
    /// End of the last bin with a cohort attempt to the failed region.
    attempt_stale_end: Option<f64>,
    /// Largest tabulated quantile at which the RTO is still 0.
    rto_zero_share: Option<f64>,
    latency_p50: Option<f64>,
    latency_p99: Option<f64>,
    /// Window length (s) and curve bin width (s).
    window: f64,
    bin: f64,
}

impl ArmFacts {
    fn new(a: &ArmView, inputs: &Inputs, fail_at: f64, window_end: f64) -> ArmFacts {
        let name = a.name.clone();
        let strategy = a.strategy.as_deref().unwrap_or("");
        let curve = inputs.curve.iter().find(|c| c.name == name);
        let bin = curve.map_or(0.0, bin_width);
        let last = |f: &dyn Fn(&CurveRow) -> bool| -> Option<f64> {
            let c = curve?;
            Some(
                c.rows
                    .iter()
                    .filter(|r| r.t_s + bin > fail_at && r.t_s < window_end && f(r))
                    .map(|r| (r.t_s + bin - fail_at).max(0.0))
                    .fold(0.0, f64::max),
            )
        };
        let dist = inputs
            .distributions
            .as_ref()
            .and_then(|d| d.iter().find(|x| x.name == name));
        ArmFacts {
            accelerator: strategy.starts_with("Global Accelerator"),
            detection: a.detection_s.get(),
            dns_stale_end: last(&|r| r.dns_answers_failed_region > 0),
            attempt_stale_end: last(&|r| r.cohort_attempts_failed_region > 0),
            rto_zero_share: dist.and_then(|d| {
                d.rto
                    .iter()
                    .filter(|&&(_, v)| v == 0.0)
                    .map(|&(q, _)| q)
                    .fold(None, |m: Option<f64>, q| Some(m.map_or(q, |m| m.max(q))))
            }),
            latency_p50: ArmView::at(&a.latency_ms, "p50").get(),
            latency_p99: ArmView::at(&a.latency_ms, "p99").get(),
            window: window_end - fail_at,
            bin,
            summary: a.clone(),
            name,
        }
    }

    fn rto(&self, key: &str) -> Option<f64> {
        ArmView::at(&self.summary.rto_s, key).get()
    }

    /// "**arm**: detection D s; DNS answers ... until X s (...); attempts ... until Y s (...);
    /// RTO p50 R s = detection + (R - D) s."
    fn components(&self) -> Inline {
        let mut s = Para::default();
        s.b(&self.name).t(": ");
        match self.detection {
            Some(d) => {
                let _ = write!(s, "detection at {} s", num1(d));
            }
            None => {
                s.t("no detection within the window");
            }
        }
        // Times after detection, or after the failure when nothing was detected.
        let d = self.detection.unwrap_or(0.0);
        let since = if self.detection.is_some() {
            "after detection"
        } else {
            "after the failure"
        };
        if !self.accelerator {
            match self.dns_stale_end {
                Some(x) if x > 0.0 && x + self.bin >= self.window - 1e-9 => {
                    let _ = write!(
                        s,
                        "; DNS answers pointed at the failed region to the end of the window \
                         ({} s), {} s {since}: the control plane itself kept answering it \
                         (fail-open, or no other record for those queries), so no cache drain \
                         ends it",
                        num1(x),
                        signed(x - d)
                    );
                }
                Some(x) if x > 0.0 => {
                    let _ = write!(
                        s,
                        "; DNS answers still pointed at the failed region until {} s, {} s \
                         {since} (propagation to Route 53's locations, then resolver, stub and \
                         application caches holding the old answer)",
                        num1(x),
                        signed(x - d)
                    );
                }
                Some(_) => {
                    s.t("; no DNS answer pointed at the failed region after it failed");
                }
                None => {}
            }
        } else {
            {
                s.t("; its anycast addresses never change, so there is no DNS cache drain");
            };
        }
        match self.attempt_stale_end {
            Some(y) if y > 0.0 => {
                let dns = if self.accelerator {
                    0.0
                } else {
                    self.dns_stale_end.unwrap_or(0.0)
                };
                let _ = write!(
                    s,
                    "; cohort attempts reached the failed region until {} s",
                    num1(y)
                );
                if y > dns + 1e-9 && dns > 0.0 {
                    let _ = write!(
                        s,
                        ", {} s after the last stale DNS answer (kept-alive connections reused until \
                         a request timed out or the connection went idle)",
                        num1(y - dns)
                    );
                } else if self.accelerator {
                    let _ = write!(
                        s,
                        ", {} s {since} (edge propagation, and kept-alive flows staying on the \
                         failed endpoint until a request timed out or the connection went idle)",
                        signed(y - d)
                    );
                }
            }
            Some(_) => {
                s.t("; no cohort attempt reached the failed region");
            }
            None => {}
        }
        if let Some(z) = self.rto_zero_share.filter(|&z| z > 0.0) {
            if z >= 1.0 {
                {
                    s.t("; none of its cohort saw a failed request (RTO 0 throughout)");
                };
            } else {
                let _ = write!(
                    s,
                    "; at least {} % of its cohort never saw a failed request (RTO 0)",
                    num1(z * 100.0)
                );
            }
        }
        if let Some(n) = self.summary.never_recovered().get().filter(|&n| n > 0) {
            let _ = write!(
                s,
                "; {n} cohort clients never recovered within the window (their RTO counts as \
                 the window's length)"
            );
        }
        let count = |f: Field<u64>| f.get().map(|n| n as f64);
        if let (Some(req), Some(att), Some(failed)) = (
            count(self.summary.requests),
            count(self.summary.attempts),
            count(self.summary.failed),
        ) && req > 0.0
        {
            let _ = write!(
                s,
                "; over the whole run {} attempts per request and {} % of requests failed (an \
                 attempt after a failed one is a retry, or the next address of a multivalue \
                 answer)",
                format_args!("{:.3}", att / req),
                format_args!("{:.2}", failed / req * 100.0)
            );
        }
        if let (Some(r), Some(det)) = (self.rto("p50"), self.detection) {
            if r >= det {
                let _ = write!(
                    s,
                    "; RTO p50 {} s = detection {} s + {} s after detection",
                    num1(r),
                    num1(det),
                    num1(r - det)
                );
            } else {
                let _ = write!(
                    s,
                    "; RTO p50 {} s is {} s before detection, so most of its cohort recovered \
                     without a control-plane change",
                    num1(r),
                    num1(det - r)
                );
            }
        }
        s.t(".");
        s.0
    }
}

/// Steady-state latency: the fastest arm at p50 and every other arm's difference.
fn latency_paragraph(arms: &[ArmFacts]) -> Option<Inline> {
    let p50: Vec<Option<f64>> = arms.iter().map(|a| a.latency_p50).collect();
    let ranked = rank(&p50);
    let &(best, b50) = ranked.first()?;
    let a = &arms[best];
    let mut s = Para::default();
    s.t("Steady-state latency (requests before the failure): ")
        .b(&a.name);
    let _ = write!(
        s,
        " is fastest at p50 ({} ms; p99 {} ms).",
        num1(b50),
        fmt_opt(a.latency_p99, "")
    );
    for &(i, v) in &ranked[1..] {
        let o = &arms[i];
        if b50 > 0.0 {
            s.t(" ").b(&o.name);
            let _ = write!(
                s,
                ": {} ms at p50 ({} ms, {} %)",
                num1(v),
                signed(v - b50),
                signed((v - b50) / b50 * 100.0)
            );
        } else {
            s.t(" ").b(&o.name);
            let _ = write!(s, ": {} ms at p50 ({} ms)", num1(v), signed(v - b50));
        }
        match (o.latency_p99, a.latency_p99) {
            (Some(x), Some(y)) => {
                let _ = write!(s, " and {} ms at p99 ({} ms).", num1(x), signed(x - y));
            }
            _ => {
                s.t(".");
            }
        }
    }
    Some(s.0)
}

fn bin_width(c: &ArmCurve) -> f64 {
    match c.rows.as_slice() {
        [a, b, ..] => b.t_s - a.t_s,
        _ => 0.0,
    }
}

fn num1(x: f64) -> String {
    let s = format!("{x:.1}");
    if s == "-0.0" { "0.0".into() } else { s }
}

fn signed(x: f64) -> String {
    let s = num1(x);
    if s.starts_with('-') {
        s
    } else {
        format!("+{s}")
    }
}

fn secs(x: f64) -> String {
    format!("{} s", num1(x))
}

fn fmt_opt(v: Option<f64>, unit: &str) -> String {
    v.map_or("-".into(), |x| format!("{}{unit}", num1(x)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    fn md(blocks: &[Block]) -> String {
        crate::report::doc::Doc {
            title: String::new(),
            blocks: blocks.to_vec(),
        }
        .to_markdown()
    }
    use CurveRow;

    fn inputs(failure: bool, dns_until: f64) -> Inputs {
        inputs_with(failure, dns_until, |_| {})
    }

    fn inputs_with(failure: bool, dns_until: f64, edit: impl FnOnce(&mut Value)) -> Inputs {
        let arm = |name: &str, strategy: &str, rto50: f64, det: f64, lat: f64| {
            serde_json::json!({
                "name": name, "strategy": strategy, "requests": 100, "attempts": 110,
                "failed": 5, "detection_s": det,
                "rto_s": {"p50": rto50, "p90": rto50 + 10.0, "p99": rto50 + 20.0,
                          "p999": rto50 + 30.0, "never_recovered": 0},
                "converge_s": {"p50": rto50, "p90": null, "p99": null, "p999": null},
                "latency_ms": {"p50": lat, "p90": lat, "p99": lat * 3.0}
            })
        };
        let mut summary = serde_json::json!({
            "workload": "w", "failure_at_s": if failure { serde_json::json!(100.0) } else { Value::Null },
            "window_end_s": 400.0,
            "arms": [arm("dns", "Route 53 failover, TTL 60s", 90.0, 30.0, 50.0),
                     arm("ga", "Global Accelerator, Alb endpoints", 60.0, 40.0, 40.0)]
        });
        let rows = |dns: bool| -> Vec<CurveRow> {
            (0..80)
                .map(|i| {
                    let t_s = i as f64 * 5.0;
                    let stale = dns && t_s >= 100.0 && t_s < 100.0 + dns_until;
                    CurveRow {
                        t_s,
                        dns_answers_failed_region: stale as u64,
                        cohort_attempts_failed_region: stale as u64,
                        ..CurveRow::default()
                    }
                })
                .collect()
        };
        Inputs {
            signals: None,
            ranges: None,
            summary: {
                edit(&mut summary);
                serde_json::from_value(summary).unwrap()
            },
            curve: vec![
                ArmCurve {
                    name: "dns".into(),
                    rows: rows(true),
                },
                ArmCurve {
                    name: "ga".into(),
                    rows: rows(false),
                },
            ],
            distributions: None,
            description: None,
            command: None,
            replications: None,
            classes: None,
            load: None,
        }
    }

    /// The winner, gaps and components come from the numbers given; no failure, no section.
    /// No detection: times are counted from the failure, never "after detection"; a zero
    /// latency base gives no percentage (no NaN).
    #[test]
    fn no_detection_and_zero_base_read_sensibly() {
        let i = inputs_with(true, 50.0, |s| {
            s["arms"][0]["detection_s"] = Value::Null;
            s["arms"][1]["latency_ms"]["p50"] = serde_json::json!(0.0);
        });
        let text = md(&who_converges_first(&i).unwrap());
        assert!(text.contains("no detection within the window"), "{text}");
        assert!(text.contains("s after the failure"), "{text}");
        assert!(!text.contains("NaN"), "{text}");
        let dns = text.lines().find(|l| l.starts_with("**dns**")).unwrap();
        assert!(!dns.contains("after detection"), "{dns}");
    }

    #[test]
    fn section_is_computed_from_the_numbers() {
        assert!(who_converges_first(&inputs(false, 50.0)).is_none());
        let text = md(&who_converges_first(&inputs(true, 50.0)).unwrap());
        assert!(text.contains("| p50 | 90.0 s | 60.0 s | ga |"), "{text}");
        assert!(text.contains(
            "At p50, **ga** recovers 30.0 s before **dns** (60.0 s vs 90.0 s): detection \
             accounts for -10.0 s of the gap (40.0 s vs 30.0 s) and the time after detection \
             for +40.0 s."
        ));
        assert!(
            text.contains("until 50.0 s, +20.0 s after detection"),
            "{text}"
        );
        assert!(text.contains("**ga** is fastest at p50 (40.0 ms; p99 120.0 ms)"));
        // DNS answers to the failed region until the window's end: the control plane's doing.
        let text = md(&who_converges_first(&inputs(true, 300.0)).unwrap());
        assert!(text.contains("to the end of the window (300.0 s)"));
    }
}
