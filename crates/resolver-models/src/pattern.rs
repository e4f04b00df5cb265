//! Client request patterns (workload `clients.pattern`): when a client sends its requests.
//!
//! - [`Pattern::Poisson`]: one Poisson stream at `clients.request_rate` (the default; what every
//!   workload before patterns ran).
//! - [`Pattern::Steady`]: a service calling at a fixed rate: gaps of exactly 1/rate, each
//!   optionally jittered uniformly by ±`jitter` of the period; every client at its own random
//!   phase (nothing synchronised at t = 0).
//! - [`Pattern::Sessions`]: people. A session of N requests ([`Count`]) separated by think times
//!   T ([`Dist`]), then an idle gap G ([`Dist`]) before the next session. The long-run request
//!   rate is E\[N\] / ((E\[N\] − 1) E\[T\] + E\[G\]) ([`Sessions::mean_rate`]), which the loader
//!   writes into `clients.request_rate` so that the cost model, the warm-up and the event
//!   queue's sizing all see the rate the pattern produces.
//! - [`Pattern::Stream`]: a long-lived connection (HTTP/2, gRPC stream, WebSocket) carrying
//!   Poisson messages at `clients.request_rate`. The connection is held for an exponentially
//!   distributed time of mean `duration` whatever the idle limits (its keep-alive pings keep it
//!   open: ASSUMED), closed at once by a failed attempt, and re-established through DNS by the
//!   next message. Exponential lifetimes make the first connection's remaining life, at the
//!   start of a run, the same exponential (memorylessness), so the warm start is exact.
//!
//! Connection lifetimes then follow from pattern × idle limit ([`connection_lifetimes`]).
//!
//! This module holds no randomness: every sampler maps uniforms in (0, 1) to a value, and the
//! simulator draws the uniforms from its keyed streams.

use crate::mix::Status;
use crate::{Micros, SEC};

/// A positive continuous distribution of durations, in seconds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Dist {
    Fixed {
        value: f64,
    },
    Exponential {
        mean: f64,
    },
    /// Pareto with shape `alpha` (> 1, so the mean is finite) and scale (minimum) `min`.
    Pareto {
        alpha: f64,
        min: f64,
    },
    /// Weibull with shape `shape` and scale `scale`.
    Weibull {
        shape: f64,
        scale: f64,
    },
    /// Log-normal with median e^μ = `median` and σ = `sigma` of the logarithm.
    Lognormal {
        median: f64,
        sigma: f64,
    },
}

impl Dist {
    /// The family names the workload accepts (`dist = "…"`).
    pub const FAMILIES: &'static [&'static str] =
        &["fixed", "exponential", "pareto", "weibull", "lognormal"];

    /// The mean, in seconds.
    pub fn mean(&self) -> f64 {
        match *self {
            Dist::Fixed { value } => value,
            Dist::Exponential { mean } => mean,
            Dist::Pareto { alpha, min } => alpha * min / (alpha - 1.0),
            Dist::Weibull { shape, scale } => scale * gamma(1.0 + 1.0 / shape),
            Dist::Lognormal { median, sigma } => median * (sigma * sigma / 2.0).exp(),
        }
    }

    /// P(X > x).
    pub fn survival(&self, x: f64) -> f64 {
        if x < 0.0 {
            return 1.0;
        }
        match *self {
            Dist::Fixed { value } => f64::from(u8::from(x < value)),
            Dist::Exponential { mean } => (-x / mean).exp(),
            Dist::Pareto { alpha, min } => {
                if x < min {
                    1.0
                } else {
                    (min / x).powf(alpha)
                }
            }
            Dist::Weibull { shape, scale } => (-(x / scale).powf(shape)).exp(),
            Dist::Lognormal { median, sigma } => {
                if x <= 0.0 {
                    1.0
                } else {
                    0.5 * erfc((x / median).ln() / (sigma * std::f64::consts::SQRT_2))
                }
            }
        }
    }

    /// A draw from two independent uniforms in (0, 1) (the second is used by the log-normal
    /// only, through Box–Muller). Monotone in `u1` for every family but the log-normal.
    #[inline]
    pub fn sample(&self, u1: f64, u2: f64) -> f64 {
        match *self {
            Dist::Fixed { value } => value,
            Dist::Exponential { mean } => -u1.ln() * mean,
            Dist::Pareto { alpha, min } => min * u1.powf(-1.0 / alpha),
            Dist::Weibull { shape, scale } => scale * (-u1.ln()).powf(1.0 / shape),
            Dist::Lognormal { median, sigma } => {
                let z = (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos();
                median * (sigma * z).exp()
            }
        }
    }

    /// The length of the interval that covers a random time (length-biased: density
    /// x f(x) / E\[X\]), from fresh uniforms `u`: fixed as is; exponential Gamma(2, mean);
    /// Pareto(α, k) Pareto(α − 1, k); log-normal(μ, σ) log-normal(μ + σ², σ); Weibull(k, λ)
    /// λ Y^(1/k) with Y ~ Gamma(1 + 1/k, 1).
    pub fn sample_length_biased(&self, u: &mut impl FnMut() -> f64) -> f64 {
        match *self {
            Dist::Fixed { value } => value,
            Dist::Exponential { mean } => -(u().ln() + u().ln()) * mean,
            Dist::Pareto { alpha, min } => min * u().powf(-1.0 / (alpha - 1.0)),
            Dist::Lognormal { median, sigma } => Dist::Lognormal {
                median: median * (sigma * sigma).exp(),
                sigma,
            }
            .sample(u(), u()),
            Dist::Weibull { shape, scale } => {
                scale * gamma_sample(1.0 + 1.0 / shape, u).powf(1.0 / shape)
            }
        }
    }

    /// The remaining part of the interval covering a random time (the stationary residual
    /// life, density P(X > x) / E\[X\]): a uniform point of a length-biased interval.
    pub fn sample_residual(&self, u: &mut impl FnMut() -> f64) -> f64 {
        let l = self.sample_length_biased(u);
        u() * l
    }

    /// Why the parameters are not a usable distribution, if they are not (for the loader).
    pub fn invalid(&self) -> Option<String> {
        let pos = |name: &str, x: f64| {
            (!(x.is_finite() && x > 0.0)).then(|| format!("{name} must be greater than 0"))
        };
        match *self {
            Dist::Fixed { value } => pos("value", value),
            Dist::Exponential { mean } => pos("mean", mean),
            Dist::Pareto { alpha, min } => pos("min", min).or_else(|| {
                (!(alpha.is_finite() && alpha > 1.0)).then(|| {
                    format!("alpha must be greater than 1 (got {alpha}): the mean is infinite")
                })
            }),
            Dist::Weibull { shape, scale } => pos("shape", shape).or_else(|| pos("scale", scale)),
            Dist::Lognormal { median, sigma } => {
                pos("median", median).or_else(|| pos("sigma", sigma))
            }
        }
    }

    /// The distribution as text (`pareto(alpha 1.5, min 1 s)`).
    pub fn text(&self) -> String {
        match *self {
            Dist::Fixed { value } => format!("fixed {value} s"),
            Dist::Exponential { mean } => format!("exponential(mean {mean} s)"),
            Dist::Pareto { alpha, min } => format!("pareto(alpha {alpha}, min {min} s)"),
            Dist::Weibull { shape, scale } => format!("weibull(shape {shape}, scale {scale} s)"),
            Dist::Lognormal { median, sigma } => {
                format!("lognormal(median {median} s, sigma {sigma})")
            }
        }
    }
}

impl Dist {
    /// The same family with every duration multiplied by `f` (its mean too): the sensitivity
    /// analysis halves and doubles an ASSUMED think time or idle gap this way.
    pub fn scaled(&self, f: f64) -> Dist {
        match *self {
            Dist::Fixed { value } => Dist::Fixed { value: value * f },
            Dist::Exponential { mean } => Dist::Exponential { mean: mean * f },
            Dist::Pareto { alpha, min } => Dist::Pareto {
                alpha,
                min: min * f,
            },
            Dist::Weibull { shape, scale } => Dist::Weibull {
                shape,
                scale: scale * f,
            },
            Dist::Lognormal { median, sigma } => Dist::Lognormal {
                median: median * f,
                sigma,
            },
        }
    }
}

/// Most requests a session may have: longer draws are cut to it (the engine keeps the count
/// in 16 bits).
pub const MAX_SESSION_REQUESTS: u32 = u16::MAX as u32;

/// Requests per session.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Count {
    Fixed(u32),
    /// Geometric on 1, 2, … with the given mean (≥ 1).
    Geometric {
        mean: f64,
    },
    /// ⌈X⌉ for a continuous X, at least 1 (and at most [`MAX_SESSION_REQUESTS`]).
    Rounded(Dist),
}

impl Count {
    /// A draw from uniforms in (0, 1).
    #[inline]
    pub fn sample(&self, u1: f64, u2: f64) -> u32 {
        let n = match *self {
            Count::Fixed(n) => f64::from(n),
            Count::Geometric { mean } => {
                if mean <= 1.0 {
                    1.0
                } else {
                    1.0 + (u1.ln() / (1.0 - 1.0 / mean).ln()).floor()
                }
            }
            Count::Rounded(d) => d.sample(u1, u2).ceil(),
        };
        n.clamp(1.0, f64::from(MAX_SESSION_REQUESTS)) as u32
    }

    /// E\[N\], with the cut at [`MAX_SESSION_REQUESTS`]: Σ_{n ≥ 0} P(N > n).
    pub fn mean(&self) -> f64 {
        let cap = f64::from(MAX_SESSION_REQUESTS);
        match *self {
            Count::Fixed(n) => f64::from(n.clamp(1, MAX_SESSION_REQUESTS)),
            Count::Geometric { mean } if mean <= 1.0 => 1.0,
            Count::Geometric { mean } => {
                // P(N > n) = q^n, q = 1 − 1/mean; cut at the cap.
                let q = 1.0 - 1.0 / mean;
                (1.0 - q.powf(cap)) / (1.0 - q)
            }
            Count::Rounded(d) => {
                // P(⌈X⌉ > n) = P(X > n) for n ≥ 1; P(N > 0) = 1.
                1.0 + (1..MAX_SESSION_REQUESTS)
                    .map(|n| d.survival(f64::from(n)))
                    .take_while(|&s| s > 1e-15)
                    .sum::<f64>()
            }
        }
    }

    /// At a random time inside a session's think times: how many requests the session still
    /// sends from the next one on, R, with P(R = r) = P(N > r) / E\[N − 1\] for r ≥ 1 (the
    /// sessions covering a random think time are biased by their N − 1 thinks, and the time
    /// falls in any of them alike). Exact for fixed (R uniform on 1 … n − 1) and geometric (R
    /// has N's law: memoryless) counts; for a rounded continuous count ⌈residual of X⌉, which
    /// differs from the exact law by less than one request.
    pub fn sample_remaining(&self, u: &mut impl FnMut() -> f64) -> u32 {
        let r = match *self {
            Count::Fixed(n) => 1.0 + (u() * f64::from(n.max(2) - 1)).floor(),
            Count::Geometric { .. } => return self.sample(u(), 0.5).max(1),
            Count::Rounded(d) => d.sample_residual(u).ceil(),
        };
        r.clamp(1.0, f64::from(MAX_SESSION_REQUESTS)) as u32
    }

    pub fn text(&self) -> String {
        match *self {
            Count::Fixed(n) => format!("fixed {n}"),
            Count::Geometric { mean } => format!("geometric(mean {mean})"),
            Count::Rounded(d) => format!("ceil of {}", d.text()),
        }
    }
}

/// A session process: N requests separated by think times, then an idle gap.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Sessions {
    pub requests: Count,
    pub think: Dist,
    pub gap: Dist,
}

impl Sessions {
    /// Mean length of one cycle (a session's think times and the gap after it), seconds.
    pub fn mean_cycle(&self) -> f64 {
        (self.requests.mean() - 1.0) * self.think.mean() + self.gap.mean()
    }

    /// Long-run requests per second: E\[N\] / E\[cycle\] (renewal-reward theorem).
    pub fn mean_rate(&self) -> f64 {
        self.requests.mean() / self.mean_cycle()
    }
}

impl Count {
    /// Requests per session scaled by `f` (the extra requests beyond the first, for a
    /// geometric count; the whole count otherwise), at least one.
    pub fn scaled(&self, f: f64) -> Count {
        match *self {
            Count::Fixed(n) => Count::Fixed(((f64::from(n) * f).round() as u32).max(1)),
            Count::Geometric { mean } => Count::Geometric {
                mean: 1.0 + (mean - 1.0) * f,
            },
            Count::Rounded(d) => Count::Rounded(d.scaled(f)),
        }
    }
}

/// One sourced part of a pattern (`requests`, `think`, `gap`, `duration`, `rate`): its status
/// and source, for reports, `explain-preset` and the sensitivity analysis.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Sourced {
    pub part: &'static str,
    pub status: Status,
    pub source: &'static str,
}

/// A named session process (`clients.pattern = { kind = "sessions", preset = "…" }`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SessionPreset {
    pub name: &'static str,
    pub sessions: Sessions,
    /// `requests`, `think` and `gap`, in that order.
    pub sources: [Sourced; 3],
}

impl Sessions {
    /// The process with one part (`"requests"`, `"think"` or `"gap"`) scaled by `f`.
    pub fn with_part_scaled(&self, part: &str, f: f64) -> Sessions {
        let mut s = *self;
        match part {
            "requests" => s.requests = s.requests.scaled(f),
            "think" => s.think = s.think.scaled(f),
            "gap" => s.gap = s.gap.scaled(f),
            _ => {}
        }
        s
    }
}

/// `clients.pattern`.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub enum Pattern {
    #[default]
    Poisson,
    /// Fixed period 1/rate, jittered uniformly by ±`jitter` (a fraction of the period, < 1).
    Steady {
        jitter: f64,
    },
    Sessions(Sessions),
    /// Long-lived connection held for an exponential time of mean `duration`.
    Stream {
        duration: Micros,
    },
}

impl Pattern {
    /// The names the workload accepts.
    pub const KINDS: &'static [&'static str] = &["poisson", "steady", "sessions", "stream"];

    pub fn kind(&self) -> &'static str {
        match self {
            Pattern::Poisson => "poisson",
            Pattern::Steady { .. } => "steady",
            Pattern::Sessions(_) => "sessions",
            Pattern::Stream { .. } => "stream",
        }
    }

    /// The pattern as text, for reports and `explain-preset`.
    pub fn text(&self) -> String {
        match self {
            Pattern::Poisson => "poisson (exponential gaps at clients.request_rate)".into(),
            Pattern::Steady { jitter } => {
                format!("steady (period 1/clients.request_rate, jitter ±{jitter} of it)")
            }
            Pattern::Sessions(s) => format!(
                "sessions: requests {}, think {}, idle gap {}; mean rate 1/{:.1} s",
                s.requests.text(),
                s.think.text(),
                s.gap.text(),
                1.0 / s.mean_rate()
            ),
            Pattern::Stream { duration } => format!(
                "stream: one connection held for exponential(mean {} s), Poisson messages at \
                 clients.request_rate",
                *duration as f64 / SEC as f64
            ),
        }
    }
}

/// Connection lifetimes (seconds, one per connection) of a client that sends requests with
/// the given successive gaps (seconds) and keeps an idle connection for `idle` seconds: a
/// connection opens at a request that finds none open and closes `idle` after its last
/// request. `idle = 0`: every request opens and closes its own (lifetime 0). For a renewal
/// process with gap distribution F, a connection carries a geometric number of requests with
/// P(end) = 1 − F(idle) and lives (number of its gaps shorter than `idle`) + `idle`.
pub fn connection_lifetimes(gaps: impl IntoIterator<Item = f64>, idle: f64) -> Vec<f64> {
    let mut out = Vec::new();
    let mut open = 0.0;
    for g in gaps {
        if g < idle {
            open += g;
        } else {
            out.push(open + idle);
            open = 0.0;
        }
    }
    out
}

/// A Gamma(a, 1) draw for a ≥ 1 (Marsaglia and Tsang, "A simple method for generating gamma
/// variables", ACM TOMS 26(3), 2000), from fresh uniforms; the normal deviates by Box–Muller.
pub fn gamma_sample(a: f64, u: &mut impl FnMut() -> f64) -> f64 {
    let d = a - 1.0 / 3.0;
    let c = 1.0 / (9.0 * d).sqrt();
    loop {
        let x = (-2.0 * u().ln()).sqrt() * (std::f64::consts::TAU * u()).cos();
        let v = (1.0 + c * x).powi(3);
        if v <= 0.0 {
            continue;
        }
        if u().ln() < 0.5 * x * x + d - d * v + d * v.ln() {
            return d * v;
        }
    }
}

/// Γ(x) for x > 0 (Lanczos, g = 7, nine terms: relative error about 1e-15 for the means).
pub fn gamma(x: f64) -> f64 {
    const G: [f64; 9] = [
        0.999_999_999_999_809_9,
        676.520_368_121_885_1,
        -1_259.139_216_722_402_8,
        771.323_428_777_653_1,
        -176.615_029_162_140_6,
        12.507_343_278_686_905,
        -0.138_571_095_265_720_12,
        9.984_369_578_019_572e-6,
        1.505_632_735_149_311_6e-7,
    ];
    if x < 0.5 {
        // Reflection: Γ(x) Γ(1 − x) = π / sin(πx).
        return std::f64::consts::PI / ((std::f64::consts::PI * x).sin() * gamma(1.0 - x));
    }
    let x = x - 1.0;
    let mut a = G[0];
    let t = x + 7.5;
    for (i, g) in G.iter().enumerate().skip(1) {
        a += g / (x + i as f64);
    }
    (2.0 * std::f64::consts::PI).sqrt() * t.powf(x + 0.5) * (-t).exp() * a
}

/// The complementary error function (Numerical Recipes' `erfcc`: fractional error below
/// 1.2e-7 everywhere), for the log-normal's survival.
pub fn erfc(x: f64) -> f64 {
    let z = x.abs();
    let t = 1.0 / (1.0 + 0.5 * z);
    let poly = -z * z - 1.265_512_23
        + t * (1.000_023_68
            + t * (0.374_091_96
                + t * (0.096_784_18
                    + t * (-0.186_288_06
                        + t * (0.278_868_07
                            + t * (-1.135_203_98
                                + t * (1.488_515_87 + t * (-0.822_152_23 + t * 0.170_872_77))))))));
    let r = t * poly.exp();
    if x >= 0.0 { r } else { 2.0 - r }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A deterministic low-discrepancy sequence of uniforms in (0, 1) for the tests.
    fn uniforms(n: usize, k: f64) -> impl Iterator<Item = f64> {
        (0..n).map(move |i| ((i as f64 + 0.5) * k).fract().clamp(1e-12, 1.0 - 1e-12))
    }

    /// SplitMix64 (Steele, Lea, Flood 2014) as a uniform source for the tests.
    fn splitmix(seed: u64) -> impl FnMut() -> f64 {
        let mut x = seed;
        move || {
            x = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
            let mut z = x;
            z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
            z ^= z >> 31;
            ((z >> 11) as f64 + 0.5) / (1u64 << 53) as f64
        }
    }

    #[test]
    fn special_functions_match_tables() {
        assert!((gamma(0.5) - std::f64::consts::PI.sqrt()).abs() < 1e-12);
        assert!((gamma(5.0) - 24.0).abs() < 1e-10);
        assert!((gamma(1.5) - 0.886_226_925_452_758).abs() < 1e-12);
        // erfc(1) = 0.157299207050285, erfc(-0.5) = 1.520499877813047.
        assert!((erfc(1.0) - 0.157_299_207_050_285).abs() < 1e-7);
        assert!((erfc(-0.5) - 1.520_499_877_813_047).abs() < 1e-7);
        assert!((erfc(0.0) - 1.0).abs() < 1e-7);
    }

    /// Each family's sample mean (a fine quasi-random grid of uniforms) matches its closed-form
    /// mean, and its empirical survival its survival function.
    #[test]
    fn samplers_match_means_and_survival() {
        let n = 400_000;
        let phi = 0.618_033_988_749_895;
        let fams = [
            Dist::Fixed { value: 3.0 },
            Dist::Exponential { mean: 30.0 },
            Dist::Pareto {
                alpha: 2.5,
                min: 1.0,
            },
            Dist::Weibull {
                shape: 0.5,
                scale: 10.0,
            },
            Dist::Lognormal {
                median: 20.0,
                sigma: 1.0,
            },
        ];
        for d in fams {
            let xs: Vec<f64> = uniforms(n, phi)
                .zip(uniforms(n, 0.754_877_666_246_692_7))
                .map(|(a, b)| d.sample(a, b))
                .collect();
            let mean = xs.iter().sum::<f64>() / n as f64;
            assert!(
                (mean - d.mean()).abs() / d.mean() < 0.02,
                "{d:?}: {mean} vs {}",
                d.mean()
            );
            for q in [0.5, 2.0] {
                let x = q * d.mean();
                let emp = xs.iter().filter(|&&v| v > x).count() as f64 / n as f64;
                assert!((emp - d.survival(x)).abs() < 0.01, "{d:?} at {x}: {emp}");
            }
            assert!(d.invalid().is_none());
        }
        assert!(
            Dist::Pareto {
                alpha: 1.0,
                min: 1.0
            }
            .invalid()
            .is_some()
        );
    }

    /// Residual lives: the mean of the stationary residual is E[X²] / (2 E[X]) for every
    /// family (Pareto α 3.5: E[X²] = α k² / (α − 2)); Weibull shape 2, scale 1: E[X²] = 1.
    #[test]
    fn residuals_have_the_renewal_mean() {
        let cases = [
            (Dist::Fixed { value: 3.0 }, 9.0),
            (Dist::Exponential { mean: 2.0 }, 8.0),
            (
                Dist::Pareto {
                    alpha: 3.5,
                    min: 1.0,
                },
                3.5 / 1.5,
            ),
            (
                Dist::Weibull {
                    shape: 2.0,
                    scale: 1.0,
                },
                1.0,
            ),
            (
                Dist::Lognormal {
                    median: 1.0,
                    sigma: 0.5,
                },
                (2.0f64 * 0.25).exp(),
            ),
        ];
        for (d, ex2) in cases {
            let mut u = splitmix(1);
            let n = 400_000;
            let m = (0..n).map(|_| d.sample_residual(&mut u)).sum::<f64>() / n as f64;
            let want = ex2 / (2.0 * d.mean());
            assert!((m - want).abs() / want < 0.03, "{d:?}: {m} vs {want}");
        }
        // Gamma(a) has mean a.
        let mut u = splitmix(2);
        let g = (0..200_000).map(|_| gamma_sample(2.5, &mut u)).sum::<f64>() / 2e5;
        assert!((g - 2.5).abs() < 0.05, "{g}");
    }

    /// Geometric and rounded counts: sample means match [`Count::mean`]; ⌈Exp(m)⌉ is geometric
    /// with P(N > n) = e^(−n/m).
    #[test]
    fn counts_match_their_means() {
        let n = 200_000;
        for c in [
            Count::Fixed(7),
            Count::Geometric { mean: 12.0 },
            Count::Rounded(Dist::Exponential { mean: 4.0 }),
            Count::Rounded(Dist::Pareto {
                alpha: 2.43,
                min: 1.0,
            }),
        ] {
            let s: f64 = uniforms(n, 0.618_033_988_749_895)
                .map(|u| f64::from(c.sample(u, 0.5)))
                .sum::<f64>()
                / n as f64;
            assert!((s - c.mean()).abs() / c.mean() < 0.02, "{c:?}: {s}");
        }
        let e = Count::Rounded(Dist::Exponential { mean: 4.0 }).mean();
        assert!((e - 1.0 / (1.0 - (-0.25f64).exp())).abs() < 1e-9);
        assert_eq!(Count::Geometric { mean: 1.0 }.sample(0.3, 0.3), 1);
    }

    /// Renewal-reward: a session process of fixed 5 requests, 10 s think times and a 60 s gap
    /// sends 5 requests per 100 s.
    #[test]
    fn session_rate_is_requests_per_cycle() {
        let s = Sessions {
            requests: Count::Fixed(5),
            think: Dist::Fixed { value: 10.0 },
            gap: Dist::Fixed { value: 60.0 },
        };
        assert!((s.mean_cycle() - 100.0).abs() < 1e-12);
        assert!((s.mean_rate() - 0.05).abs() < 1e-12);
    }

    /// Poisson gaps of rate λ under idle limit L: a connection carries a geometric number of
    /// requests with P(end) = e^(−λL), and lives L plus its short gaps, whose mean is
    /// E[g | g < L] = 1/λ − L e^(−λL) / (1 − e^(−λL)); so E[life] = L + (1/p − 1) E[g | g < L].
    #[test]
    fn connection_lifetime_under_an_idle_limit_matches_the_closed_form() {
        let (lambda, idle) = (1.0 / 30.0, 60.0);
        let d = Dist::Exponential { mean: 1.0 / lambda };
        let gaps = uniforms(1_000_000, 0.618_033_988_749_895).map(|u| d.sample(u, 0.5));
        let lives = connection_lifetimes(gaps, idle);
        let p = (-lambda * idle).exp();
        let short = 1.0 / lambda - idle * p / (1.0 - p);
        let expect = idle + (1.0 / p - 1.0) * short;
        let mean = lives.iter().sum::<f64>() / lives.len() as f64;
        assert!((mean - expect).abs() / expect < 0.02, "{mean} vs {expect}");
        // Connections per request: p.
        assert!((lives.len() as f64 / 1e6 - p).abs() < 0.005);
        assert!(
            connection_lifetimes([1.0, 2.0, 3.0], 0.0)
                .iter()
                .all(|&l| l == 0.0)
        );
    }
}
