//! The files of one run cut by index (`gtsim run … --shards S --index I`, docs/distributed.md),
//! in `OUT/shards/`:
//!
//! - `run-part-<I>-of-<S>.json` ([`Part`]): format version, the workload hash, S and I, and
//!   per arm the exact merge of the resolver shards k with k mod S = I, not finalised: curve
//!   bins, counters, every histogram as its recorded (value, count) pairs and the cohort's
//!   (routing key, clients) pairs behind `act_s`, so the fold of all parts equals the
//!   one-machine run's merge exactly;
//! - `run-workload.toml` and `run.json` ([`RunInputs`]): the workload text and the command's
//!   overrides, from which `gtsim merge OUT` rebuilds the workload.

use hdrhistogram::Histogram;
use serde::{Deserialize, Serialize};
use sim_engine::curve::Bin;
use sim_engine::sim::{ClassResult, ShardResult, new_histogram, new_latency_histogram};

/// The folder of the part files inside the output folder.
pub const DIR: &str = "shards";
/// The workload text's name in [`DIR`].
pub const WORKLOAD: &str = "run-workload.toml";
/// The overrides' name in [`DIR`].
pub const INPUTS: &str = "run.json";
/// The version of the part format; a merge refuses any other.
pub const FORMAT: u32 = 3;
/// A part's `kind`.
pub const KIND: &str = "gtsim-run-part";

/// `run-part-<I>-of-<S>.json`.
pub fn part_name(shards: u64, index: u64) -> String {
    format!("run-part-{index}-of-{shards}.json")
}

/// What the index runs were given besides the workload text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RunInputs {
    pub format: u32,
    /// The workload file as given (`None`: the embedded default).
    pub workload: Option<String>,
    pub seed: Option<u64>,
    pub clients: Option<u64>,
}

/// A histogram as its recorded (value, count) pairs.
type Counts = Vec<(u64, u64)>;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct ClassPart {
    latency: Counts,
    rto: Counts,
    cohort_clients: u64,
    never_recovered: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct ArmPart {
    bins: Vec<[u64; 12]>,
    latency: Counts,
    failure_latency: Counts,
    rto: Counts,
    /// [`ShardResult::stale_until`].
    stale_until: Counts,
    never_left: u64,
    cohort_clients: u64,
    /// [`ShardResult::cohort_keys`] (sorted by key, each key once).
    cohort_keys: Counts,
    never_recovered: u64,
    events: u64,
    classes: Vec<Option<ClassPart>>,
}

/// One index's partial result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Part {
    pub format: u32,
    pub kind: String,
    /// FNV-1a 64 of the resolved workload (after the overrides) and the gtsim version.
    pub workload_fnv1a64: String,
    pub shards: u64,
    pub index: u64,
    /// The resolver shards of the layout (this part holds those k with k mod S = I).
    pub layout_shards: u64,
    arms: Vec<ArmPart>,
}

fn counts(h: &Histogram<u64>) -> Counts {
    h.iter_recorded()
        .map(|v| (v.value_iterated_to(), v.count_at_value()))
        .collect()
}

fn histogram(mut h: Histogram<u64>, c: &Counts) -> Result<Histogram<u64>, String> {
    for &(v, n) in c {
        h.record_n(v, n)
            .map_err(|e| format!("histogram value {v}: {e:?}"))?;
    }
    Ok(h)
}

/// The workload hash a part names.
pub fn workload_hash(w: &sim_engine::config::Workload) -> String {
    let text = format!("{} {w:?}", env!("CARGO_PKG_VERSION"));
    super::sweep_shard::manifest_hash(&text)
}

impl Part {
    pub fn new(
        hash: String,
        shards: u64,
        index: u64,
        layout_shards: u64,
        r: &[ShardResult],
    ) -> Part {
        let arms = r
            .iter()
            .map(|a| ArmPart {
                bins: a.bins.iter().map(Bin::values).collect(),
                latency: counts(&a.latency),
                failure_latency: counts(&a.failure_latency),
                rto: counts(&a.rto),
                stale_until: counts(&a.stale_until),
                never_left: a.never_left,
                cohort_clients: a.cohort_clients,
                cohort_keys: {
                    let mut k = a.cohort_keys.clone();
                    sim_engine::sim::coalesce_keys(&mut k);
                    k
                },
                never_recovered: a.never_recovered,
                events: a.events,
                classes: a
                    .classes
                    .iter()
                    .map(|c| {
                        c.as_ref().map(|c| ClassPart {
                            latency: counts(&c.latency),
                            rto: counts(&c.rto),
                            cohort_clients: c.cohort_clients,
                            never_recovered: c.never_recovered,
                        })
                    })
                    .collect(),
            })
            .collect();
        Part {
            format: FORMAT,
            kind: KIND.to_string(),
            workload_fnv1a64: hash,
            shards,
            index,
            layout_shards,
            arms,
        }
    }

    /// The part's text (compact JSON with a final newline).
    pub fn write(&self) -> String {
        serde_json::to_string(self).expect("serializes") + "\n"
    }

    /// Reads a part; another format version is an error.
    pub fn parse(text: &str) -> Result<Part, String> {
        let p: Part = serde_json::from_str(text).map_err(|e| e.to_string())?;
        if p.format != FORMAT || p.kind != KIND {
            return Err(format!(
                "format {} of kind {:?}; this gtsim reads format {FORMAT} of kind {KIND:?}",
                p.format, p.kind
            ));
        }
        Ok(p)
    }

    /// The per-arm shard results this part holds.
    pub fn results(&self) -> Result<Vec<ShardResult>, String> {
        self.arms
            .iter()
            .map(|a| {
                let classes = a
                    .classes
                    .iter()
                    .map(|c| {
                        c.as_ref()
                            .map(|c| {
                                Ok::<_, String>(ClassResult {
                                    latency: histogram(new_latency_histogram(), &c.latency)?,
                                    rto: histogram(new_histogram(), &c.rto)?,
                                    cohort_clients: c.cohort_clients,
                                    never_recovered: c.never_recovered,
                                })
                            })
                            .transpose()
                    })
                    .collect::<Result<_, _>>()?;
                Ok(ShardResult {
                    bins: a.bins.iter().map(|v| Bin::from_values(*v)).collect(),
                    latency: histogram(new_latency_histogram(), &a.latency)?,
                    failure_latency: histogram(new_latency_histogram(), &a.failure_latency)?,
                    rto: histogram(new_histogram(), &a.rto)?,
                    stale_until: histogram(new_histogram(), &a.stale_until)?,
                    never_left: a.never_left,
                    cohort_clients: a.cohort_clients,
                    cohort_keys: a.cohort_keys.clone(),
                    never_recovered: a.never_recovered,
                    events: a.events,
                    // A diagnostic of the engine (`RunOutput::ran_ahead`), not carried by
                    // run parts.
                    ran_ahead: 0,
                    classes,
                })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_part_round_trips_exactly() {
        let mut r = ShardResult::empty(3).with_classes(2, |k| k == 1);
        r.bins[1].requests = 7;
        r.bins[2].cohort_attempts_failed_region = 9;
        for v in [1u64, 999, 123_456, 7_000_000] {
            r.latency.record_n(v, 3).unwrap();
            r.rto.record(v * 10).unwrap();
            r.stale_until.record_n(v * 7, 2).unwrap();
        }
        r.stale_until.record(0).unwrap();
        r.never_left = 5;
        r.failure_latency.record(42).unwrap();
        r.classes[1].as_mut().unwrap().rto.record(5_000).unwrap();
        r.cohort_clients = 4;
        r.cohort_keys = vec![(9, 1), (2, 2), (9, 1)];
        r.events = 11;
        let p = Part::new("00ff".into(), 4, 3, 9, std::slice::from_ref(&r));
        let back = Part::parse(&p.write()).unwrap();
        assert_eq!(back, p);
        let got = back.results().unwrap();
        let g = &got[0];
        assert_eq!(g.bins, r.bins);
        for (a, b) in [
            (&g.latency, &r.latency),
            (&g.rto, &r.rto),
            (&g.failure_latency, &r.failure_latency),
            (&g.stale_until, &r.stale_until),
        ] {
            assert_eq!(a.len(), b.len());
            assert_eq!(a.max(), b.max());
            assert_eq!(a.min(), b.min());
            for q in [0.0, 0.5, 0.9, 0.99, 0.999, 1.0] {
                assert_eq!(a.value_at_quantile(q), b.value_at_quantile(q));
            }
            assert_eq!(counts(a), counts(b));
        }
        assert!(g.classes[0].is_none());
        assert_eq!(
            counts(&g.classes[1].as_ref().unwrap().rto),
            counts(&r.classes[1].as_ref().unwrap().rto)
        );
        assert_eq!((g.cohort_clients, g.events, g.never_left), (4, 11, 5));
        assert_eq!(g.cohort_keys, vec![(2, 2), (9, 2)]);
        let other = p.write().replace("\"format\":3", "\"format\":2");
        assert!(Part::parse(&other).unwrap_err().contains("format 2"));
    }
}
