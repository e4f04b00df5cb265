//! Seeded, counter-based random streams.
//!
//! Every random number in a run is a pure function of `(seed, stream, entity, counter)`:
//! there is no mutable generator shared between clients, resolvers or shards. Two
//! consequences the engine relies on:
//!
//! - results do not depend on how clients are sharded or how many threads run the shards;
//! - *common random numbers*: every arm sees the same clients issuing requests at the same
//!   times (the [`Stream::RequestTimes`] stream is keyed by client and request counter only),
//!   and an extra retry in one arm draws from a different stream, so it shifts nothing else.
//!
//! The mixing function is SplitMix64's finaliser (Steele, Lea, Flood, "Fast splittable
//! pseudorandom number generators", OOPSLA 2014), applied to a combination of the four inputs
//! in which each input is first passed through the finaliser, so nearby ids give unrelated
//! outputs. It passes BigCrush as a generator; here it is used as a hash, which is how
//! counter-based generators (Salmon et al., "Parallel random numbers: as easy as 1, 2, 3",
//! SC 2011) are built.

/// The purposes randomness is drawn for. Each purpose is its own stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u64)]
pub enum Stream {
    /// Poisson request inter-arrival times, per client.
    RequestTimes = 1,
    /// Warm-start resolver cache presence and age, per resolver.
    ResolverWarm = 2,
    /// Health-checker phases, per (record region, checker).
    CheckerPhase = 3,
    /// Route 53 weighted choice, per (resolver, query counter).
    WeightedChoice = 4,
    /// Propagation delay of a control-plane change to a resolver's authoritative location.
    Propagation = 5,
    /// Warm-start client state (app-cache entries), per client.
    ClientWarm = 6,
    /// Global Accelerator traffic-dial draws, per (client, connection).
    GaPlacement = 7,
    /// Client placement: area, anycast catchment.
    Placement = 8,
    /// Error responses of a degraded region, per (client, attempt).
    AttemptError = 9,
    /// Error responses to health probes of a degraded region, per (checker, probe).
    ProbeError = 10,
    /// A resolver's TTL policy drawn from its class's distribution, per resolver (global id).
    ResolverTtl = 11,
    /// A client's stub cache drawn from a stub mix (`os-default`), per client (global id).
    ClientStub = 12,
    /// Load shedding of an overloaded region, per (client, attempt) (`overload.rs`).
    AttemptShed = 15,
    /// Load shedding of health probes to an overloaded region, per (checker, probe).
    ProbeShed = 16,
    /// Route 53 multivalue answer: which records (up to eight) a query gets, per (resolver,
    /// query counter).
    MultivalueChoice = 17,
    /// Order of the addresses in a multivalue answer, per (answer's order key, position).
    MultivalueOrder = 18,
    /// A client's HTTP stack drawn from `clients.software`, per client (global id).
    ClientSoftware = 19,
}

#[inline(always)]
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

const GOLDEN: u64 = 0x9e37_79b9_7f4a_7c15;

/// A random stream for one purpose under one seed.
#[derive(Debug, Clone, Copy)]
pub struct Rng {
    key: u64,
}

impl Rng {
    pub fn new(seed: u64, stream: Stream) -> Rng {
        Rng {
            key: mix(mix(seed.wrapping_add(GOLDEN)) ^ (stream as u64).wrapping_mul(GOLDEN)),
        }
    }

    /// 64 random bits for `(entity, counter)`.
    #[inline(always)]
    pub fn bits(&self, entity: u64, counter: u64) -> u64 {
        mix(self.key ^ mix(entity.wrapping_mul(GOLDEN) ^ mix(counter.wrapping_add(GOLDEN))))
    }

    /// Uniform on the open interval (0, 1): never 0, so `ln` is finite.
    #[inline(always)]
    pub fn uniform(&self, entity: u64, counter: u64) -> f64 {
        unit(self.bits(entity, counter))
    }

    /// Exponential with the given mean (inverse transform, with [`fast_ln`]).
    #[inline(always)]
    pub fn exp(&self, entity: u64, counter: u64, mean: f64) -> f64 {
        self.exp_start(entity, counter).finish(mean)
    }

    /// The first half of [`Rng::exp`]: `exp(entity, counter, mean)` is
    /// `exp_start(entity, counter).finish(mean)`, the same operations in the same order, so the
    /// same bits.
    #[inline(always)]
    pub fn exp_start(&self, entity: u64, counter: u64) -> ExpDraw {
        ExpDraw::from_bits(self.bits(entity, counter))
    }

    /// Uniform integer in `[0, n)` (`n > 0`), by Lemire's multiply-shift (bias < n / 2^64).
    #[inline(always)]
    pub fn below(&self, entity: u64, counter: u64, n: u64) -> u64 {
        ((self.bits(entity, counter) as u128 * n as u128) >> 64) as u64
    }
}

/// An exponential draw halfway done ([`Rng::exp_start`]): the hash, the uniform and the
/// division of [`fast_ln`] behind it, its series ahead.
///
/// Why split it: a draw is one chain of about 150 cycles of dependent operations (three
/// multiply-xorshift rounds, a conversion, a division, a degree-6 series). A loop that issues
/// one request per iteration and draws the next gap in it finds the chain at the head of the
/// reorder buffer, blocking retirement, so it runs at the chain's pace. Started one iteration
/// early (`Shard::run_until`'s run-ahead loop), each half fits in the window of work the core
/// keeps in flight.
#[derive(Debug, Clone, Copy)]
pub struct ExpDraw {
    e: f64,
    s: f64,
}

impl ExpDraw {
    /// The rest of [`Rng::exp`]: the exponential with mean `mean`.
    #[inline(always)]
    pub fn finish(self, mean: f64) -> f64 {
        -ln_series(self.e, self.s) * mean
    }

    /// The draw from [`Rng::bits`] of its key.
    #[inline(always)]
    fn from_bits(bits: u64) -> ExpDraw {
        let (e, m) = ln_split(unit(bits));
        ExpDraw {
            e,
            s: computed_here(ln_ratio(m)),
        }
    }
}

/// `x`, computed before this point: the compiler may not move its computation past it (to the
/// loop iteration that uses it, which would put it back on that iteration's chain). An empty
/// `asm!` that takes and gives back the register; no instruction is emitted. (Measured: 2-3 %
/// less CPU than without it on the 300k-client bench, same bits.)
#[inline(always)]
fn computed_here(mut x: f64) -> f64 {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: the template is an assembler comment naming `x`'s register: no instruction, no
    // memory, `x` unchanged.
    unsafe {
        std::arch::asm!("/* {0} */", inout(xmm_reg) x, options(pure, nomem, nostack, preserves_flags));
    }
    #[cfg(target_arch = "aarch64")]
    // SAFETY: as above.
    unsafe {
        std::arch::asm!("/* {0:d} */", inout(vreg) x, options(pure, nomem, nostack, preserves_flags));
    }
    x
}

/// The uniform on (0, 1) of 64 random bits (their top 53, centred: never 0).
#[inline(always)]
fn unit(bits: u64) -> f64 {
    ((bits >> 11) as f64 + 0.5) * (1.0 / (1u64 << 53) as f64)
}

/// Natural logarithm of a positive, finite, normal `x`, to within 1e-11 relative error.
///
/// The hot loop draws one exponential per request; libm's `ln` was 15 % of its time. Write
/// x = m 2^e with m in [sqrt(1/2), sqrt(2)) (found without a branch: a data-dependent branch
/// there mispredicted half the time), then ln x = e ln 2 + 2 atanh(s) with
/// s = (m - 1)/(m + 1), |s| <= 0.1716, and the atanh series to s^13 (next term < 1.7e-12).
/// Being our own code, it also gives the same bits on every platform.
#[inline(always)]
pub fn fast_ln(x: f64) -> f64 {
    let (e, m) = ln_split(x);
    ln_series(e, ln_ratio(m))
}

/// `x = m 2^e`, m in [sqrt(1/2), sqrt(2)) (see [`fast_ln`]); `e` as a float.
#[inline(always)]
fn ln_split(x: f64) -> (f64, f64) {
    debug_assert!(x.is_normal() && x > 0.0);
    let bits = x.to_bits();
    const OFF: u64 = 0x3fe6_a09e_667f_3bce;
    let tmp = bits.wrapping_sub(OFF);
    let e = (tmp as i64) >> 52;
    let m = f64::from_bits(bits.wrapping_sub(tmp & 0xfff0_0000_0000_0000));
    (e as f64, m)
}

/// `s = (m - 1)/(m + 1)`, so that ln m = 2 atanh(s) (see [`fast_ln`]).
#[inline(always)]
fn ln_ratio(m: f64) -> f64 {
    (m - 1.0) / (m + 1.0)
}

/// `e ln 2 + 2 atanh(s)` by the atanh series (see [`fast_ln`]).
#[inline(always)]
fn ln_series(e: f64, s: f64) -> f64 {
    let s2 = s * s;
    let poly = 1.0
        + s2 * (1.0 / 3.0
            + s2 * (1.0 / 5.0
                + s2 * (1.0 / 7.0 + s2 * (1.0 / 9.0 + s2 * (1.0 / 11.0 + s2 * (1.0 / 13.0))))));
    e * std::f64::consts::LN_2 + 2.0 * s * poly
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fast_ln_matches_libm() {
        let r = Rng::new(3, Stream::RequestTimes);
        let mut worst: f64 = 0.0;
        for i in 0..1_000_000 {
            let u = r.uniform(i, 0);
            for x in [u, u * 1e-12, 1.0 - u * 1e-6, u * 1e6] {
                let (a, b) = (fast_ln(x), x.ln());
                let err = if b.abs() > 1e-3 {
                    ((a - b) / b).abs()
                } else {
                    (a - b).abs()
                };
                worst = worst.max(err);
            }
        }
        assert!(worst < 1e-11, "worst error {worst:e}");
        assert_eq!(fast_ln(1.0), 0.0);
    }

    /// The split draw is the old one-piece formula, bit for bit: `-fast_ln(uniform) * mean`
    /// (what `exp` was before `ExpDraw`), over a million keys, extreme means included.
    #[test]
    fn split_exp_is_the_one_piece_formula() {
        let r = Rng::new(11, Stream::RequestTimes);
        for i in 0..1_000_000u64 {
            let (e, c) = (i.wrapping_mul(0x9e37_79b9_7f4a_7c15), i % 977);
            for mean in [1.0, 30.0 * 1e6, 1e-9, 86_400.0 * 1e6] {
                let want = -fast_ln(r.uniform(e, c)) * mean;
                assert_eq!(
                    r.exp(e, c, mean).to_bits(),
                    want.to_bits(),
                    "key ({e}, {c})"
                );
                let started = r.exp_start(e, c);
                assert_eq!(started.finish(mean).to_bits(), want.to_bits());
            }
        }
    }

    #[test]
    fn streams_and_seeds_differ() {
        let a = Rng::new(1, Stream::RequestTimes);
        let b = Rng::new(1, Stream::ResolverWarm);
        let c = Rng::new(2, Stream::RequestTimes);
        assert_ne!(a.bits(0, 0), b.bits(0, 0));
        assert_ne!(a.bits(0, 0), c.bits(0, 0));
        assert_ne!(a.bits(0, 1), a.bits(1, 0));
        assert_eq!(a.bits(7, 9), Rng::new(1, Stream::RequestTimes).bits(7, 9));
    }

    #[test]
    fn uniform_moments() {
        // Mean 1/2, variance 1/12; n = 10^6 gives a standard error of 2.9e-4 on the mean,
        // so a 5-sigma tolerance is 1.5e-3.
        let r = Rng::new(42, Stream::RequestTimes);
        let n = 1_000_000u64;
        let (mut s, mut s2) = (0.0, 0.0);
        for i in 0..n {
            let u = r.uniform(i, 3);
            assert!(u > 0.0 && u < 1.0);
            s += u;
            s2 += u * u;
        }
        let mean = s / n as f64;
        let var = s2 / n as f64 - mean * mean;
        assert!((mean - 0.5).abs() < 1.5e-3, "mean {mean}");
        assert!((var - 1.0 / 12.0).abs() < 1e-3, "var {var}");
    }

    #[test]
    fn exp_mean_and_below_range() {
        let r = Rng::new(9, Stream::RequestTimes);
        let n = 1_000_000u64;
        let mean: f64 = (0..n).map(|i| r.exp(i, 0, 30.0)).sum::<f64>() / n as f64;
        // Standard error 30/sqrt(n) = 0.03; 5 sigma = 0.15.
        assert!((mean - 30.0).abs() < 0.15, "mean {mean}");
        let mut counts = [0u64; 7];
        for i in 0..70_000 {
            counts[r.below(i, 1, 7) as usize] += 1;
        }
        // Each cell ~ Binomial(70000, 1/7): mean 10000, sd 92.6; 5 sigma = 463.
        for c in counts {
            assert!((c as i64 - 10_000).abs() < 463, "{counts:?}");
        }
    }
}
