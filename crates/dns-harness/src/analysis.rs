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

use crate::scenario::{NameSchedule, Scaled, answer_at};

/// One client query: when it was sent and answered (µs from the schedule's start) and the
/// record index answered (`None`: no answer, an error, or an address not ours).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Query {
    pub sent: Micros,
    pub recv: Micros,
    pub answer: Option<u8>,
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

/// Samples from `queries` (in order of sending) against the change list `answers` (first at
/// 0); changes after `end` are ignored.
pub fn samples(answers: &[(Micros, u8)], queries: &[Query], end: Micros) -> Samples {
    let mut s = Samples {
        stale: vec![(0, 0); STALE_BINS],
        ..Samples::default()
    };
    for (i, &(f, new)) in answers.iter().enumerate().skip(1) {
        if f >= end {
            break;
        }
        let next = answers.get(i + 1).map_or(end, |&(t, _)| t);
        let first = queries[queries.partition_point(|q| q.sent < f)..]
            .iter()
            .take_while(|q| q.sent < next)
            .find(|q| q.answer == Some(new) && q.recv < next);
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
        let i = answers.partition_point(|&(tc, _)| tc <= q.sent);
        if i < 2 {
            continue; // before the first change: nothing to be stale about yet
        }
        let bin = ((q.sent - answers[i - 1].0) / STALE_BIN) as usize;
        if bin < STALE_BINS {
            s.stale[bin].1 += 1;
            if a != answer_at(answers, q.sent) {
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
/// clock's whole seconds fall `phase` µs after the schedule's whole seconds, for a name with
/// change list `answers` and authoritative TTL `ttl`; also counts authoritative fetches.
pub fn model_answers(
    behaviour: &ResolverBehaviour,
    answers: &[(Micros, u8)],
    ttl: Micros,
    phase: Micros,
    times: &[Micros],
) -> (Vec<Query>, u64) {
    // (expiry, lifetime, answer) on the resolver's clock.
    let mut entry: Option<(Micros, Micros, u8)> = None;
    let mut fetches = 0;
    let out = times
        .iter()
        .map(|&t| {
            let tc = t + phase;
            let mut fetch = |entry: &mut Option<(Micros, Micros, u8)>| {
                fetches += 1;
                let a = answer_at(answers, t);
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
                answer: Some(answer),
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

/// The model's samples for one resolver (`salt` distinguishes resolvers): `model_replicas`
/// independent query processes per name on the scheduled answers; also the mean authoritative
/// fetches per replica.
pub fn predict(
    sc: &Scaled,
    schedule: &[NameSchedule],
    behaviour: &ResolverBehaviour,
    phase: Micros,
    salt: u64,
) -> (Samples, f64) {
    let mut total = Samples::default();
    let mut fetches = 0u64;
    for rep in 0..sc.model_replicas {
        for (k, name) in schedule.iter().enumerate() {
            let key = mix(sc.seed ^ mix(salt << 40 ^ (k as u64) << 20 ^ rep as u64 ^ 0xA11CE));
            let mut rng = StdRng::seed_from_u64(key);
            let times = poisson_times(&mut rng, sc.rate_per_name, sc.duration);
            let (q, f) = model_answers(
                behaviour,
                &name.answers,
                sc.record_ttl_s as Micros * SEC,
                phase,
                &times,
            );
            fetches += f;
            total.merge(&samples(&name.answers, &q, sc.duration));
        }
    }
    (total, fetches as f64 / sc.model_replicas.max(1) as f64)
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
    use resolver_models::{CacheClock, StaleMode, TtlPolicy};

    #[test]
    fn ks_distance_and_critical_value() {
        assert_eq!(ks_distance(&[1.0, 2.0, 3.0], &[1.0, 2.0, 3.0]), 0.0);
        assert_eq!(ks_distance(&[1.0, 2.0], &[3.0, 4.0]), 1.0);
        assert!((ks_distance(&[1.0, 2.0, 3.0, 4.0], &[3.5, 4.5]) - 0.75).abs() < 1e-12);
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
        };
        let answers = [(0, 0u8), (10 * SEC, 1u8)];
        let times: Vec<Micros> = [9.0, 10.0, 10.5, 11.0, 11.5, 12.0, 12.5]
            .iter()
            .map(|s| (s * SEC as f64) as Micros)
            .collect();
        let (q, fetches) = model_answers(&b, &answers, 2 * SEC, 0, &times);
        assert_eq!(fetches, 2);
        let s = samples(&answers, &q, 20 * SEC);
        assert_eq!(s.delays, vec![2.0]);
        assert_eq!(s.stale[0], (1, 1)); // 10.0
        assert_eq!(s.stale[1], (1, 1)); // 10.5
        assert_eq!(s.stale[3], (1, 1)); // 11.5
        assert_eq!(s.stale[4], (0, 1)); // 12.0
    }
}
