//! How figures read in a report: one decimal for times, thousands separators for counts, and
//! the three kinds of missing value ("-" undefined, "not modelled yet", "n/a" absent).

use crate::files::summary::{ArmView, Field, Percentiles, SummaryView};

/// The cell of a figure whose model is not built yet (null in summary.json, never 0).
pub const NOT_MODELLED: &str = "not modelled yet";

/// A duration or time figure: 1 decimal; `-` when null (undefined); `n/a` when absent.
pub fn fmt_s(v: Field<f64>) -> String {
    match v {
        Field::Absent => "n/a".into(),
        Field::Null => "-".into(),
        Field::Value(x) => format!("{x:.1}"),
    }
}

/// Thousands separated with commas.
pub fn grouped(n: u64) -> String {
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

/// A count: grouped; `-` when null; `n/a` when absent.
pub fn fmt_count(v: Field<u64>) -> String {
    match v {
        Field::Absent => "n/a".into(),
        Field::Null => "-".into(),
        Field::Value(n) => grouped(n),
    }
}

/// A value as summary.json prints it (`null` for null), or `absent`.
pub fn raw(v: Field<u64>, absent: &str) -> String {
    match v {
        Field::Absent => absent.into(),
        Field::Null => "null".into(),
        Field::Value(n) => n.to_string(),
    }
}

/// Latency p50 / p90 / p99: "not modelled yet" when null or all null.
pub fn fmt_latency(v: &Field<Percentiles>) -> String {
    match v {
        Field::Absent => "n/a".into(),
        Field::Null => NOT_MODELLED.into(),
        Field::Value(p) if p.all_null() => NOT_MODELLED.into(),
        Field::Value(p) => [p.p50, p.p90, p.p99]
            .into_iter()
            .map(fmt_s)
            .collect::<Vec<_>>()
            .join(" / "),
    }
}

/// USD per month, 2 decimals; null is "not modelled yet".
pub fn fmt_cost(v: Field<f64>) -> String {
    match v {
        Field::Absent => "n/a".into(),
        Field::Null => NOT_MODELLED.into(),
        Field::Value(c) => format!("{c:.2}"),
    }
}

/// "1 of 8 (12.50 %)".
pub fn fmt_fraction(part: Field<u64>, whole: Field<u64>) -> String {
    match (part.get(), whole.get()) {
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
pub fn human_s(s: f64) -> String {
    if s >= 120.0 && (s / 60.0).fract() == 0.0 {
        format!("{s} s ({} min)", s / 60.0)
    } else {
        format!("{s} s")
    }
}

/// Mean time between one client's requests, derived as clients × duration / requests.
pub fn request_gap_s(summary: &SummaryView, arm: &ArmView) -> Option<f64> {
    let clients = summary.clients.get()? as f64;
    let duration = summary.duration_s.get()?;
    let requests = arm.requests.get().filter(|r| *r > 0)? as f64;
    Some(clients * duration / requests)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn arm(v: serde_json::Value) -> ArmView {
        serde_json::from_value(v).unwrap()
    }

    #[test]
    fn unbuilt_models_render_as_not_modelled_never_zero() {
        let a = arm(serde_json::json!({
            "latency_ms": {"p50": null, "p90": null, "p99": null},
            "cost_usd_month": null,
            "detection_s": null,
        }));
        assert_eq!(fmt_latency(&a.latency_ms), NOT_MODELLED);
        assert_eq!(fmt_cost(a.cost_usd_month), NOT_MODELLED);
        assert_eq!(fmt_s(a.detection_s), "-");
        assert_eq!(fmt_s(ArmView::default().detection_s), "n/a");
        let b = arm(serde_json::json!({"latency_ms": {"p50": 12.0, "p90": null, "p99": 80.25}}));
        assert_eq!(fmt_latency(&b.latency_ms), "12.0 / - / 80.2");
    }

    #[test]
    fn numbers_read_well() {
        assert_eq!(grouped(0), "0");
        assert_eq!(grouped(999), "999");
        assert_eq!(grouped(1000), "1,000");
        assert_eq!(grouped(59992368), "59,992,368");
        assert_eq!(human_s(480.0), "480 s (8 min)");
        assert_eq!(human_s(45.5), "45.5 s");
        let a = arm(serde_json::json!({"failed": 1, "requests": 8}));
        assert_eq!(fmt_fraction(a.failed, a.requests), "1 of 8 (12.50 %)");
    }
}
