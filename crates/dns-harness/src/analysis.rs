//! From answers to samples, the model's prediction, and the comparison.
//!
//! The same functions turn the live clients' answers and the model's answers into switch
//! delays and stale fractions, so the two are measured alike. The model is the simulator's
//! resolver model itself ([`ResolverBehaviour::lookup`], [`ResolverBehaviour::entry_expiry`])
//! driven by the same kind of Poisson query process the live clients use, seeded.

use rand::{SeedableRng, rngs::StdRng};
use rand_distr::{Distribution, Exp};
use resolver_models::{Lookup, ResolverBehaviour};
use sim_engine::{Micros, SEC};

use std::collections::BTreeMap;

use crate::scenario::{Kind, NameSchedule, SITES, Scaled, site_of};

/// One client query: when it was sent and answered (µs from the schedule's start) and the
/// record index answered (`None`: no answer, an error, or an address not ours).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Query {
    pub sent: Micros,
    pub recv: Micros,
    pub answer: Option<u8>,
    /// The TTL the resolver showed with the answer, seconds.
    pub ttl: Option<u32>,
}

/// Width of a stale-fraction bin (time since an answer change).
pub const STALE_BIN: Micros = SEC / 2;
/// Stale-fraction bins reported (0 to 7 s after a change).
pub const STALE_BINS: usize = 14;

/// Switch delays and stale counts of one (resolver, name) stream of answers.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Samples {
    /// Seconds from each answer change to the first answer with the new record from a query
    /// sent after it.
    pub delays: Vec<f64>,
    /// Changes whose switch was not seen before the next change or the end.
    pub censored: usize,
    /// Per bin of time since the latest change: (stale answers, answers).
    pub stale: Vec<(u64, u64)>,
    /// Queries without a usable answer.
    pub failed: u64,
    pub queries: u64,
}

impl Samples {
    /// What the KS test compares: every change's outcome, the switch delay in seconds or, when
    /// the switch was not seen before the next change, +inf. Censoring is decided by the same
    /// schedule live and in the model, so a resolver that never delivers the new answer shows
    /// up as a mass at +inf rather than vanishing from the sample.
    pub fn outcomes(&self) -> Vec<f64> {
        let mut v = self.delays.clone();
        v.extend(std::iter::repeat_n(f64::INFINITY, self.censored));
        v
    }

    pub fn merge(&mut self, o: &Samples) {
        self.delays.extend_from_slice(&o.delays);
        self.censored += o.censored;
        if self.stale.is_empty() {
            self.stale = vec![(0, 0); STALE_BINS];
        }
        for (a, b) in self.stale.iter_mut().zip(&o.stale) {
            a.0 += b.0;
            a.1 += b.1;
        }
        self.failed += o.failed;
        self.queries += o.queries;
    }
}

/// Samples from `queries` (in order of sending) against the change list `sets` (first at 0:
/// the records Route 53 may answer, as masks); changes after `end` are ignored. A change is a
/// sample only if it takes a record out of the set (only then can a cache hold a stale
/// answer): its switch delay runs to the first answer in the new set to a query sent after it.
/// Stale answers (outside the set at sending) are binned by time since such a change.
pub fn samples(sets: &[(Micros, u128)], queries: &[Query], end: Micros) -> Samples {
    let mut s = Samples {
        stale: vec![(0, 0); STALE_BINS],
        ..Samples::default()
    };
    let removes = |i: usize| i >= 1 && sets[i - 1].1 & !sets[i].1 != 0;
    for (i, &(f, new)) in sets.iter().enumerate().skip(1) {
        if f >= end {
            break;
        }
        if !removes(i) {
            continue;
        }
        let next = sets.get(i + 1).map_or(end, |&(t, _)| t);
        let first = queries[queries.partition_point(|q| q.sent < f)..]
            .iter()
            .take_while(|q| q.sent < next)
            .find(|q| q.answer.is_some_and(|a| new >> a & 1 == 1) && q.recv < next);
        match first {
            Some(q) => s.delays.push((q.recv - f) as f64 / SEC as f64),
            None => s.censored += 1,
        }
    }
    for q in queries {
        s.queries += 1;
        let Some(a) = q.answer else {
            s.failed += 1;
            continue;
        };
        let i = sets.partition_point(|&(tc, _)| tc <= q.sent);
        if i < 2 || !removes(i - 1) {
            continue; // nothing can be stale since the latest change
        }
        let bin = ((q.sent - sets[i - 1].0) / STALE_BIN) as usize;
        if bin < STALE_BINS {
            s.stale[bin].1 += 1;
            if sets[i - 1].1 >> a & 1 == 0 {
                s.stale[bin].0 += 1;
            }
        }
    }
    s
}

/// Poisson query times on `[0, end)` at `rate` per second.
pub fn poisson_times(rng: &mut StdRng, rate: f64, end: Micros) -> Vec<Micros> {
    let exp = Exp::new(rate).expect("rate > 0");
    let mut t = 0.0;
    let mut out = Vec::new();
    loop {
        t += exp.sample(rng);
        let us = (t * SEC as f64) as Micros;
        if us >= end {
            return out;
        }
        out.push(us);
    }
}

/// The model's answers to queries at `times` through one resolver with `behaviour`, whose
/// clock's whole seconds fall `phase` µs after the schedule's whole seconds; `fetch(t)` is
/// what the authoritative answers a fetch at schedule time `t` (TTL `ttl`). Also counts the
/// fetches.
pub fn model_answers(
    behaviour: &ResolverBehaviour,
    mut fetch_answer: impl FnMut(Micros) -> Option<u8>,
    ttl: Micros,
    phase: Micros,
    times: &[Micros],
) -> (Vec<Query>, u64) {
    // (expiry, lifetime, answer) on the resolver's clock.
    let mut entry: Option<(Micros, Micros, Option<u8>)> = None;
    let mut fetches = 0;
    let out = times
        .iter()
        .map(|&t| {
            let tc = t + phase;
            let mut fetch = |entry: &mut Option<(Micros, Micros, Option<u8>)>| {
                fetches += 1;
                let a = fetch_answer(t);
                let exp = behaviour.entry_expiry(tc, ttl);
                *entry = Some((exp, exp - tc, a));
                a
            };
            let answer = match behaviour.lookup(entry.map(|(e, l, _)| (e, l)), tc, true) {
                Lookup::Hit { refresh, .. } => {
                    let cached = entry.expect("hit has an entry").2;
                    if refresh {
                        fetch(&mut entry);
                    }
                    cached
                }
                Lookup::Stale { .. } => {
                    let cached = entry.expect("stale has an entry").2;
                    fetch(&mut entry);
                    cached
                }
                Lookup::Miss => fetch(&mut entry),
            };
            Query {
                sent: t,
                recv: t,
                answer,
                ttl: None,
            }
        })
        .collect();
    (out, fetches)
}

/// A 64-bit mix for seeding per-(resolver, name, replica) streams.
pub fn mix(mut x: u64) -> u64 {
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58476d1ce4e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d049bb133111eb);
    x ^ (x >> 31)
}

/// Does a resolver keep one cache entry per client subnet for `name`? Only with ECS on and
/// for a policy whose answers the authoritative scopes to the subnet (latency, geolocation:
/// [`crate::auth::ecs_scope`]); scope-0 answers share one entry.
pub fn per_subnet(ecs: bool, name: &NameSchedule) -> bool {
    ecs && crate::auth::ecs_scope(name.control.policy, 24) > 0
}

/// The model's samples for resolver index `resolver` (its site and policy key as the
/// authoritative sees them; `ecs`: it sends the client subnet and caches per subnet):
/// `model_replicas` independent query processes per name on the same schedule, each fetch
/// answered by the name's policy code (weighted draws keyed apart from the live ones), one
/// cache per client subnet where [`per_subnet`] (each subnet's clients make their own share of
/// the queries); per kind of name, and the mean authoritative fetches per replica.
pub fn predict(
    sc: &Scaled,
    schedule: &[NameSchedule],
    behaviour: &ResolverBehaviour,
    phase: Micros,
    resolver: u8,
    ecs: bool,
) -> (BTreeMap<Kind, Samples>, f64) {
    let mut total: BTreeMap<Kind, Samples> = BTreeMap::new();
    let mut fetches = 0u64;
    let site = site_of(resolver);
    for rep in 0..sc.model_replicas {
        for (k, name) in schedule.iter().enumerate() {
            // (site Route 53 sees, share of the name's queries) per cache entry.
            let caches: Vec<(usize, f64)> = if per_subnet(ecs, name) {
                let n = sc.clients_per_name;
                (0..SITES)
                    .map(|s| (s, (s..n).step_by(SITES).count() as f64 / n as f64))
                    .collect()
            } else {
                vec![(site, 1.0)]
            };
            for (c, &(seen, share)) in caches.iter().enumerate() {
                let key = mix(sc.seed
                    ^ mix((resolver as u64) << 40
                        ^ (k as u64) << 20
                        ^ (c as u64) << 16
                        ^ rep as u64
                        ^ 0xA11CE));
                let mut rng = StdRng::seed_from_u64(key);
                let times = poisson_times(&mut rng, sc.rate_per_name * share, sc.duration);
                // Model draws use query keys from 2^40 up (the live authoritative counts from 0).
                let mut n = (1u64 << 40) + ((rep as u64) << 24) + ((c as u64) << 22);
                let (q, f) = model_answers(
                    behaviour,
                    |t| {
                        n += 1;
                        name.answer(Some(resolver), seen, n, t)
                    },
                    sc.record_ttl_s as Micros * SEC,
                    phase,
                    &times,
                );
                fetches += f;
                total.entry(name.kind).or_default().merge(&samples(
                    &name.sets[seen],
                    &q,
                    sc.duration,
                ));
            }
        }
    }
    (total, fetches as f64 / sc.model_replicas.max(1) as f64)
}

/// All kinds' samples in one.
pub fn pooled(by_kind: &BTreeMap<Kind, Samples>) -> Samples {
    let mut all = Samples::default();
    for s in by_kind.values() {
        all.merge(s);
    }
    all
}

/// Kolmogorov's c(alpha) for the asymptotic KS critical value: sqrt(-ln(alpha / 2) / 2)
/// (Smirnov 1948; alpha 0.01 gives 1.628).
pub fn ks_c(alpha: f64) -> f64 {
    (-(alpha / 2.0).ln() / 2.0).sqrt()
}

/// Two-sample Kolmogorov-Smirnov distance sup |F_a - F_b|.
pub fn ks_distance(a: &[f64], b: &[f64]) -> f64 {
    let mut a = a.to_vec();
    let mut b = b.to_vec();
    a.sort_by(f64::total_cmp);
    b.sort_by(f64::total_cmp);
    let (n, m) = (a.len() as f64, b.len() as f64);
    let (mut i, mut j, mut d) = (0, 0, 0.0f64);
    while i < a.len() && j < b.len() {
        let x = a[i].min(b[j]);
        while i < a.len() && a[i] <= x {
            i += 1;
        }
        while j < b.len() && b[j] <= x {
            j += 1;
        }
        d = d.max((i as f64 / n - j as f64 / m).abs());
    }
    d
}

/// Two-sample critical value at `alpha` for sample sizes `n` and `m`:
/// c(alpha) * sqrt((n + m) / (n m)).
pub fn ks_critical(alpha: f64, n: usize, m: usize) -> f64 {
    let (n, m) = (n as f64, m as f64);
    ks_c(alpha) * ((n + m) / (n * m)).sqrt()
}

#[cfg(test)]
mod tests {
    use super::*;
    use resolver_models::{CacheClock, StaleMode, TtlDisplay, TtlPolicy};

    /// Weighted sets {0,1} -> {1} at 10 s -> {0,1} at 20 s: the first change is a sample
    /// (record 0 left), the second adds a record and is none; a cached record that stays in
    /// the set is not stale; stale answers are binned only after a change that removed one.
    #[test]
    fn only_changes_that_remove_a_record_are_samples() {
        let sets = [(0, 0b11u128), (10 * SEC, 0b10), (20 * SEC, 0b11)];
        let q = |s: f64, a: u8| Query {
            sent: (s * SEC as f64) as Micros,
            recv: (s * SEC as f64) as Micros,
            answer: Some(a),
            ttl: None,
        };
        // Stale record 0 until 11.5 s, then record 1; after 20 s either record is fine.
        let queries = [
            q(9.0, 0),
            q(10.2, 0),
            q(11.0, 0),
            q(11.5, 1),
            q(20.5, 0),
            q(21.0, 1),
        ];
        let s = samples(&sets, &queries, 30 * SEC);
        assert_eq!(s.delays, vec![1.5]);
        assert_eq!(s.censored, 0);
        assert_eq!(s.stale[0], (1, 1)); // 10.2 s: record 0 is out of the set
        assert_eq!(s.stale[2], (1, 1)); // 11.0 s
        assert_eq!(s.stale[3], (0, 1)); // 11.5 s
        let after_recovery: u64 = s.stale.iter().map(|b| b.1).sum();
        assert_eq!(after_recovery, 3, "queries after 20 s are in no bin");
        // A change whose new set is never answered within its window is censored, and counts
        // as +inf in the KS sample.
        let never = samples(&sets, &[q(10.5, 0), q(19.0, 0)], 30 * SEC);
        assert_eq!((never.delays.len(), never.censored), (0, 1));
        assert_eq!(never.outcomes(), vec![f64::INFINITY]);
    }

    #[test]
    fn ks_distance_and_critical_value() {
        assert_eq!(ks_distance(&[1.0, 2.0, 3.0], &[1.0, 2.0, 3.0]), 0.0);
        assert_eq!(ks_distance(&[1.0, 2.0], &[3.0, 4.0]), 1.0);
        assert!((ks_distance(&[1.0, 2.0, 3.0, 4.0], &[3.5, 4.5]) - 0.75).abs() < 1e-12);
        // Censored outcomes (+inf) count: half censored against none is a distance of 1/2.
        let inf = f64::INFINITY;
        assert_eq!(ks_distance(&[1.0, inf], &[1.0, 1.0]), 0.5);
        assert_eq!(ks_distance(&[1.0, inf], &[1.0, inf]), 0.0);
        assert!((ks_c(0.01) - 1.6276).abs() < 1e-3);
        assert!((ks_critical(0.01, 100, 100) - 1.6276 * 0.02f64.sqrt()).abs() < 1e-3);
    }

    /// One change at 10 s; queries every 0.5 s; the cache (floor 3 s, TTL 2 s) was filled at
    /// 9 s, so the first new answer is the query at 12 s: delay 2 s, and queries at 10.0-11.5 s
    /// are stale (bins of 0.5 s).
    #[test]
    fn model_and_samples_on_a_hand_case() {
        let b = ResolverBehaviour {
            ttl: TtlPolicy::Floor { min: 3 * SEC },
            prefetch: false,
            serve_stale: StaleMode::Off,
            clock: CacheClock::Exact,
            display: TtlDisplay::Exact,
        };
        let sets = [(0, 0b01u128), (10 * SEC, 0b10u128)];
        let times: Vec<Micros> = [9.0, 10.0, 10.5, 11.0, 11.5, 12.0, 12.5]
            .iter()
            .map(|s| (s * SEC as f64) as Micros)
            .collect();
        let answer = |t| Some(if t < 10 * SEC { 0 } else { 1 });
        let (q, fetches) = model_answers(&b, answer, 2 * SEC, 0, &times);
        assert_eq!(fetches, 2);
        let s = samples(&sets, &q, 20 * SEC);
        assert_eq!(s.delays, vec![2.0]);
        assert_eq!(s.stale[0], (1, 1)); // 10.0
        assert_eq!(s.stale[1], (1, 1)); // 10.5
        assert_eq!(s.stale[3], (1, 1)); // 11.5
        assert_eq!(s.stale[4], (0, 1)); // 12.0
    }
}
