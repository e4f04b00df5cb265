//! When each client sends its requests: the workload's `clients.pattern`
//! ([`resolver_models::Pattern`]) drawn from the [`Stream::RequestTimes`] stream.
//!
//! Every draw is keyed by (client, request counter) only, so every arm sees the same request
//! times (common random numbers) and the times do not depend on sharding. Keys: the gap after
//! request `k` uses counter `k`; a new session's request count uses `k | SESSION_BIT`; the
//! second uniform of a log-normal `k | SECOND_BIT`; a stream connection's life `k | LIFE_BIT`.
//! The Poisson pattern draws exactly what the engine drew before patterns existed.

use resolver_models::{Dist, Pattern};

use crate::rng::{ExpDraw, Rng, Stream};
use crate::{Micros, SEC};

const SESSION_BIT: u64 = 1 << 48;
const SECOND_BIT: u64 = 1 << 49;
const LIFE_BIT: u64 = 1 << 50;
const PHASE_BIT: u64 = 1 << 51;

/// A client's request process under one workload.
#[derive(Clone, Copy)]
pub struct RequestProcess {
    pattern: Pattern,
    /// Mean gap at `clients.request_rate`, µs (Poisson, steady, stream).
    mean_gap: f64,
    rng: Rng,
}

/// Where a client's request process stands when its first request is scheduled.
pub struct First {
    pub at: Micros,
    /// The request counter of that first request plus one (the next gap's key).
    pub ctr: u32,
    /// Sessions: requests left in the current session after the first one.
    pub left: u16,
}

impl RequestProcess {
    pub fn new(pattern: Pattern, request_rate: f64, seed: u64) -> RequestProcess {
        RequestProcess {
            pattern,
            mean_gap: SEC as f64 / request_rate,
            rng: Rng::new(seed, Stream::RequestTimes),
        }
    }

    #[inline(always)]
    fn draw(&self, d: &Dist, gid: u64, key: u64) -> f64 {
        let u1 = self.rng.uniform(gid, key);
        let u2 = match d {
            Dist::Lognormal { .. } => self.rng.uniform(gid, key | SECOND_BIT),
            _ => 0.5,
        };
        d.sample(u1, u2) * SEC as f64
    }

    /// The first request at or after time 0 of client `gid`.
    pub fn first(&self, gid: u64) -> First {
        match self.pattern {
            Pattern::Poisson | Pattern::Stream { .. } => First {
                at: self.rng.exp(gid, 0, self.mean_gap) as Micros,
                ctr: 1,
                left: 0,
            },
            Pattern::Steady { .. } => First {
                at: (self.rng.uniform(gid, 0) * self.mean_gap) as Micros,
                ctr: 1,
                left: 0,
            },
            Pattern::Sessions(s) => {
                // The process's stationary state at time 0 (renewal theory): in a think time
                // with probability (E[N] − 1) E[T] / E[cycle], else in an idle gap; the time to
                // the next request is that interval's stationary residual; in a think time the
                // session still has R requests from the next one on (`Count::sample_remaining`),
                // after a gap a new session starts.
                let mut i = 0u64;
                let mut u = || {
                    i += 1;
                    self.rng.uniform(gid, PHASE_BIT | i)
                };
                let think_time = (s.requests.mean() - 1.0) * s.think.mean();
                let in_think = u() * s.mean_cycle() < think_time;
                let (residual, left) = if in_think {
                    let r = s.think.sample_residual(&mut u);
                    (r, s.requests.sample_remaining(&mut u) - 1)
                } else {
                    let r = s.gap.sample_residual(&mut u);
                    (r, s.requests.sample(u(), u()) - 1)
                };
                First {
                    at: (residual * SEC as f64) as Micros,
                    ctr: 1,
                    left: left as u16,
                }
            }
        }
    }

    /// The gap after request `ctr` (µs); updates the session state.
    #[inline(always)]
    pub fn gap(&self, gid: u64, ctr: u32, left: &mut u16) -> Micros {
        let k = u64::from(ctr);
        match self.pattern {
            Pattern::Poisson | Pattern::Stream { .. } => {
                self.rng.exp(gid, k, self.mean_gap) as Micros
            }
            Pattern::Steady { jitter } => {
                let u = self.rng.uniform(gid, k);
                (self.mean_gap * (1.0 + jitter * (2.0 * u - 1.0))) as Micros
            }
            Pattern::Sessions(s) => {
                if *left > 0 {
                    *left -= 1;
                    self.draw(&s.think, gid, k) as Micros
                } else {
                    let n = s.requests.sample(
                        self.rng.uniform(gid, k | SESSION_BIT),
                        self.rng.uniform(gid, k | SESSION_BIT | SECOND_BIT),
                    );
                    *left = (n - 1) as u16;
                    self.draw(&s.gap, gid, k) as Micros
                }
            }
        }
    }

    /// Are the gaps exponential (Poisson and stream patterns), so that a gap's draw can be
    /// started ahead ([`RequestProcess::gap_start`])?
    #[inline(always)]
    pub fn exponential_gaps(&self) -> bool {
        matches!(self.pattern, Pattern::Poisson | Pattern::Stream { .. })
    }

    /// Exponential gaps only: the first half of the draw of the gap after request `ctr`;
    /// `gap_finish(gap_start(gid, ctr))` is `gap(gid, ctr, _)`, bit for bit.
    #[inline(always)]
    pub fn gap_start(&self, gid: u64, ctr: u32) -> ExpDraw {
        debug_assert!(self.exponential_gaps());
        self.rng.exp_start(gid, u64::from(ctr))
    }

    /// The gap from a draw begun by [`RequestProcess::gap_start`].
    #[inline(always)]
    pub fn gap_finish(&self, draw: ExpDraw) -> Micros {
        draw.finish(self.mean_gap) as Micros
    }

    /// Stream pattern: the life of a connection opened by client `gid` around request `ctr`
    /// (exponential, mean `duration`); `None` for the other patterns.
    #[inline(always)]
    pub fn stream_life(&self, gid: u64, ctr: u32) -> Option<Micros> {
        match self.pattern {
            Pattern::Stream { duration } => Some(self.rng.exp(
                gid,
                u64::from(ctr) | LIFE_BIT,
                duration as f64,
            ) as Micros),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use resolver_models::{Count, Sessions};

    fn rate_of(p: Pattern, rate: f64, clients: u64, horizon_s: f64) -> f64 {
        let rp = RequestProcess::new(p, rate, 7);
        let end = (horizon_s * SEC as f64) as Micros;
        let mut n = 0u64;
        for gid in 0..clients {
            let f = rp.first(gid);
            let (mut t, mut ctr, mut left) = (f.at, f.ctr, f.left);
            while t < end {
                n += 1;
                t += rp.gap(gid, ctr, &mut left);
                ctr += 1;
            }
        }
        n as f64 / clients as f64 / horizon_s
    }

    /// `gap_finish(gap_start(..))`, the run-ahead loop's split draw, is `gap`, bit for bit, for
    /// both exponential patterns; the others say they cannot be split.
    #[test]
    fn split_gap_is_gap() {
        for p in [
            Pattern::Poisson,
            Pattern::Stream {
                duration: 600 * SEC,
            },
        ] {
            let rp = RequestProcess::new(p, 0.37, 5);
            assert!(rp.exponential_gaps());
            for gid in (0..200_000u64).step_by(7) {
                for ctr in [1u32, 2, 3, 1000, u32::MAX >> 1] {
                    let mut left = 0;
                    let want = rp.gap(gid, ctr, &mut left);
                    assert_eq!(rp.gap_finish(rp.gap_start(gid, ctr)), want, "{gid} {ctr}");
                }
            }
        }
        let steady = RequestProcess::new(Pattern::Steady { jitter: 0.1 }, 1.0, 5);
        assert!(!steady.exponential_gaps());
    }

    /// The long-run request rate of a session process is E[N] / E[cycle], and, because the
    /// process starts stationary, so is the rate over a window starting at 0.
    #[test]
    fn session_process_rate_matches_renewal_reward() {
        let s = Sessions {
            requests: Count::Geometric { mean: 8.0 },
            think: Dist::Lognormal {
                median: 10.0,
                sigma: 1.0,
            },
            gap: Dist::Exponential { mean: 600.0 },
        };
        let want = s.mean_rate();
        let got = rate_of(Pattern::Sessions(s), 1.0, 4000, 1800.0);
        assert!((got - want).abs() / want < 0.03, "{got} vs {want}");
        // Early and late halves of the window agree (stationary start, nothing synchronised).
        let early = rate_of(Pattern::Sessions(s), 1.0, 4000, 300.0);
        assert!((early - want).abs() / want < 0.05, "{early} vs {want}");
    }

    #[test]
    fn steady_and_poisson_rates() {
        let steady = rate_of(Pattern::Steady { jitter: 0.2 }, 0.5, 2000, 600.0);
        assert!((steady - 0.5).abs() < 0.005, "{steady}");
        let poisson = rate_of(Pattern::Poisson, 1.0 / 30.0, 20_000, 900.0);
        assert!(
            (poisson - 1.0 / 30.0).abs() / (1.0 / 30.0) < 0.02,
            "{poisson}"
        );
    }

    /// Steady clients are spread over the period at t = 0 (random phase).
    #[test]
    fn steady_phases_are_uniform() {
        let rp = RequestProcess::new(Pattern::Steady { jitter: 0.0 }, 0.1, 3);
        let firsts: Vec<Micros> = (0..10_000).map(|g| rp.first(g).at).collect();
        let early = firsts.iter().filter(|&&t| t < 5 * SEC).count();
        assert!((early as f64 / 10_000.0 - 0.5).abs() < 0.02, "{early}");
        assert!(firsts.iter().all(|&t| t < 10 * SEC));
    }

    #[test]
    fn stream_lives_are_exponential_with_the_mean() {
        let rp = RequestProcess::new(
            Pattern::Stream {
                duration: 3600 * SEC,
            },
            0.1,
            3,
        );
        let m: f64 = (0..50_000)
            .map(|g| rp.stream_life(g, 1).unwrap() as f64)
            .sum::<f64>()
            / 50_000.0;
        assert!((m / (3600.0 * SEC as f64) - 1.0).abs() < 0.02, "{m}");
        assert!(
            RequestProcess::new(Pattern::Poisson, 0.1, 3)
                .stream_life(1, 1)
                .is_none()
        );
    }
}
