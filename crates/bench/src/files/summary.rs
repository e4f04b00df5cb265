//! `summary.json` (docs/metrics.md): the engine's [`Summary`], pretty-printed with a trailing
//! newline, and a typed view of it for reports.
//!
//! The view reads loosely, as reports promise for older run folders: unknown fields are
//! ignored and every figure may be absent. A figure keeps the difference between absent (the
//! file predates it: "n/a" in a report), `null` (undefined, or its model is not built yet)
//! and a value ([`Field`]). The required parts are the workload name and the arms' names.

use serde::Deserialize;
use sim_engine::metrics::Summary;

/// The file's name in the output folder; written last, its presence marks a complete run.
pub const FILE: &str = "summary.json";

/// `summary.json`: pretty-printed, trailing newline. Deterministic for a given run output.
pub fn write(summary: &Summary) -> String {
    let mut s = serde_json::to_string_pretty(summary).expect("summary serializes");
    s.push('\n');
    s
}

/// A figure as the file has it: absent, `null`, or a value.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub enum Field<T> {
    #[default]
    Absent,
    Null,
    Value(T),
}

impl<T: Copy> Field<T> {
    /// The value, if there is one.
    pub fn get(&self) -> Option<T> {
        match self {
            Field::Value(v) => Some(*v),
            _ => None,
        }
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Field<T> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(match Option::<T>::deserialize(d)? {
            Some(v) => Field::Value(v),
            None => Field::Null,
        })
    }
}

/// Percentiles of one figure (`converge_s`, `rto_s`, `latency_ms`, …): whichever it has.
#[derive(Debug, Clone, Copy, PartialEq, Default, Deserialize)]
#[serde(default)]
pub struct Percentiles {
    pub p50: Field<f64>,
    pub p90: Field<f64>,
    pub p99: Field<f64>,
    pub p999: Field<f64>,
    pub max: Field<f64>,
    /// `rto_s` only: cohort clients not recovered within the window.
    pub never_recovered: Field<u64>,
    /// `stale_until_s` only: cohort clients whose last attempt in the window went to the
    /// failed region.
    pub never_left: Field<u64>,
}

impl Percentiles {
    /// The value at a summary.json key (`p50`, `p90`, `p99`, `p999`, `max`).
    pub fn at(&self, key: &str) -> Field<f64> {
        match key {
            "p50" => self.p50,
            "p90" => self.p90,
            "p99" => self.p99,
            "p999" => self.p999,
            "max" => self.max,
            _ => Field::Absent,
        }
    }

    /// Every percentile absent or null: the model behind the figure is not built.
    pub fn all_null(&self) -> bool {
        [self.p50, self.p90, self.p99, self.p999, self.max]
            .iter()
            .all(|f| f.get().is_none())
    }
}

/// One arm of summary.json, as a report reads it.
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(default)]
pub struct ArmView {
    pub name: String,
    pub strategy: Option<String>,
    pub client_overrides: Vec<String>,
    pub requests: Field<u64>,
    pub ok: Field<u64>,
    pub failed: Field<u64>,
    pub attempts: Field<u64>,
    pub cohort_clients: Field<u64>,
    pub detection_s: Field<f64>,
    /// `act_s`: `p50` and `max`.
    pub act_s: Field<Percentiles>,
    pub converge_s: Field<Percentiles>,
    pub stale_converge_s: Field<Percentiles>,
    pub rto_s: Field<Percentiles>,
    pub stale_until_s: Field<Percentiles>,
    pub latency_ms: Field<Percentiles>,
    pub failure_latency_ms: Field<Percentiles>,
    pub auth_queries: Field<u64>,
    pub cost_usd_month: Field<f64>,
}

impl ArmView {
    /// `figure.key`, e.g. `rto_s.p99`; absent when the figure is absent or null.
    pub fn at(figure: &Field<Percentiles>, key: &str) -> Field<f64> {
        match figure {
            Field::Value(p) => p.at(key),
            _ => Field::Absent,
        }
    }

    /// `stale_until_s.never_left`.
    pub fn never_left(&self) -> Field<u64> {
        match &self.stale_until_s {
            Field::Value(p) => p.never_left,
            _ => Field::Absent,
        }
    }

    /// `rto_s.never_recovered`.
    pub fn never_recovered(&self) -> Field<u64> {
        match &self.rto_s {
            Field::Value(p) => p.never_recovered,
            _ => Field::Absent,
        }
    }
}

/// summary.json, as a report reads it.
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(default)]
pub struct SummaryView {
    pub workload: String,
    pub seed: Field<u64>,
    pub clients: Field<u64>,
    pub duration_s: Field<f64>,
    pub failure_at_s: Field<f64>,
    pub window_end_s: Field<f64>,
    pub arms: Vec<ArmView>,
    pub assumptions: Vec<String>,
    pub gtsim_version: Option<String>,
}

/// Parses summary.json text; requires a JSON object with a string `workload` and an `arms`
/// array of objects with string `name`s. Every other field is optional; unknown ones are
/// ignored.
pub fn parse(text: &str) -> Result<SummaryView, String> {
    let v: serde_json::Value =
        serde_json::from_str(text).map_err(|e| format!("not valid JSON: {e}"))?;
    if !v.is_object() {
        return Err("not a JSON object".into());
    }
    if !v.get("workload").is_some_and(serde_json::Value::is_string) {
        return Err("`workload` is missing or not a string".into());
    }
    let arms = v
        .get("arms")
        .and_then(serde_json::Value::as_array)
        .ok_or("`arms` is missing or not an array")?;
    for (i, a) in arms.iter().enumerate() {
        if !a.get("name").is_some_and(serde_json::Value::is_string) {
            return Err(format!("arms[{i}].name is missing or not a string"));
        }
    }
    serde_path_to_error::deserialize(v).map_err(|e| format!("{}: {}", e.path(), e.inner()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_parsing_requires_named_arms() {
        assert!(parse("{").unwrap_err().contains("not valid JSON"));
        assert!(parse("[]").is_err());
        assert!(parse(r#"{"workload":"w"}"#).unwrap_err().contains("arms"));
        assert!(
            parse(r#"{"workload":"w","arms":[{"x":1}]}"#)
                .unwrap_err()
                .contains("arms[0].name")
        );
        assert!(parse(r#"{"workload":"w","arms":[{"name":"a"}],"new":1}"#).is_ok());
        let e = parse(r#"{"workload":"w","arms":[{"name":"a","requests":"x"}]}"#).unwrap_err();
        assert!(e.contains("arms[0].requests"), "{e}");
    }

    #[test]
    fn absent_null_and_values_stay_apart() {
        let s = parse(
            r#"{"workload":"w","seed":3,"failure_at_s":null,
                "arms":[{"name":"a","latency_ms":{"p50":null,"p99":80.5},"rto_s":null}]}"#,
        )
        .unwrap();
        assert_eq!(s.seed, Field::Value(3));
        assert_eq!(s.failure_at_s, Field::Null);
        assert_eq!(s.window_end_s, Field::Absent);
        let a = &s.arms[0];
        assert_eq!(ArmView::at(&a.latency_ms, "p99"), Field::Value(80.5));
        assert_eq!(ArmView::at(&a.latency_ms, "p50"), Field::Null);
        assert_eq!(a.rto_s, Field::Null);
        assert_eq!(a.detection_s, Field::Absent);
    }

    #[test]
    fn write_then_parse_round_trips() {
        use sim_engine::metrics::{ArmSummary, Converge, Latency, Rto, StaleUntil};
        let arm = ArmSummary {
            name: "a, \"b\" ü".into(),
            requests: 10,
            ok: 7,
            failed: 3,
            attempts: 12,
            cohort_clients: Some(5),
            detection_s: Some(1.5),
            act_s: Some(sim_engine::metrics::Act { p50: 2.0, max: 3.5 }),
            converge_s: Converge {
                p99: Some(42.0),
                ..Converge::NULL
            },
            stale_converge_s: Converge::NULL,
            rto_s: Rto {
                max: Some(9.0),
                never_recovered: Some(2),
                ..Rto::NULL
            },
            stale_until_s: StaleUntil {
                p99: Some(30.5),
                never_left: Some(1),
                ..StaleUntil::NULL
            },
            latency_ms: Latency::NULL,
            failure_latency_ms: Latency::NULL,
            auth_queries: 4,
            cost_usd_month: None,
            strategy: "s".into(),
            client_overrides: vec!["retries".into()],
        };
        let summary = Summary {
            workload: "w".into(),
            seed: 7,
            clients: 100,
            duration_s: 60.0,
            failure_at_s: Some(10.0),
            window_end_s: None,
            arms: vec![arm],
            assumptions: vec!["x".into()],
            gtsim_version: "1".into(),
        };
        let text = write(&summary);
        assert!(text.ends_with("}\n"));
        let v = parse(&text).unwrap();
        assert_eq!(v.workload, "w");
        assert_eq!(v.seed, Field::Value(7));
        assert_eq!(v.window_end_s, Field::Null);
        let a = &v.arms[0];
        assert_eq!(a.name, "a, \"b\" ü");
        assert_eq!(a.requests, Field::Value(10));
        assert_eq!(a.detection_s, Field::Value(1.5));
        assert_eq!(ArmView::at(&a.act_s, "p50"), Field::Value(2.0));
        assert_eq!(ArmView::at(&a.act_s, "max"), Field::Value(3.5));
        assert_eq!(ArmView::at(&a.converge_s, "p99"), Field::Value(42.0));
        assert_eq!(ArmView::at(&a.converge_s, "p50"), Field::Null);
        assert_eq!(a.never_recovered(), Field::Value(2));
        assert_eq!(a.cost_usd_month, Field::Null);
        assert_eq!(a.client_overrides, ["retries"]);
        assert_eq!(v.assumptions, ["x"]);
    }
}
