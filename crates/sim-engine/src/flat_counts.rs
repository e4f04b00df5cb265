//! Exact fast recording for a shard's per-request histograms.
//!
//! [`hdrhistogram::Histogram::saturating_record`] costs about 60 instructions a call in the
//! event loop (the call, the range checks, the minimum and maximum it keeps, the total), and
//! a request records its latency twice when the workload has several resolver classes (the
//! arm's histogram and its class's). [`FlatCounts`] keeps the same counters, indexed the way
//! hdrhistogram indexes them, and adds to one; [`FlatCounts::drain_into`] hands the counts to
//! the histogram at the end of a shard. The histogram then holds exactly what recording each
//! value would have left: the same count at every index, the same total, and a minimum and
//! maximum in the same buckets, which is all that its quantiles, its `max()`, its
//! `count_between` and its recorded-values iteration read (tested below against recording
//! each value, over every index of both of the engine's layouts).

use hdrhistogram::Histogram;

/// A histogram's counters in hdrhistogram's layout, for a histogram whose lowest
/// discernible value is 1 (every histogram the engine makes: `sim::new_histogram`,
/// `sim::new_latency_histogram`).
#[derive(Clone)]
pub struct FlatCounts {
    counts: Vec<u64>,
    /// `64 - log2(sub-bucket count)`: hdrhistogram's `leading_zero_count_base` for a unit of 1.
    lz_base: u32,
    /// The sub-bucket count minus 1.
    mask: u64,
    /// log2 of half the sub-bucket count.
    half_mag: u32,
    /// The index of the histogram's highest trackable value, where a value beyond the counters
    /// is counted (`saturating_record`'s clamp).
    clamp: usize,
    /// Values recorded since the last drain (a drain with none has nothing to scan).
    recorded: u64,
}

impl FlatCounts {
    /// Empty counters laid out like `h`'s.
    ///
    /// # Panics
    /// If `h`'s lowest discernible value is not 1.
    pub fn like(h: &Histogram<u64>) -> FlatCounts {
        assert_eq!(h.low(), 1, "FlatCounts mirrors histograms with a unit of 1");
        // As `Histogram::new_with_bounds`: single-unit resolution up to 2 * 10^sigfig, rounded
        // up to a power of two sub-buckets.
        let largest = 2 * 10_u32.pow(u32::from(h.sigfig()));
        let count_mag = f64::from(largest).log2().ceil() as u32;
        let mut f = FlatCounts {
            counts: vec![0; h.distinct_values()],
            lz_base: 64 - count_mag,
            mask: (1 << count_mag) - 1,
            half_mag: count_mag - 1,
            clamp: 0,
            recorded: 0,
        };
        f.clamp = f.index(h.high());
        assert!(f.clamp < f.counts.len(), "the highest value has a counter");
        f
    }

    /// hdrhistogram's `index_for` with a unit of 1: the bucket is how many powers of two the
    /// value is above the first bucket's range, the sub-bucket its top bits.
    #[inline(always)]
    fn index(&self, v: u64) -> usize {
        let bucket = self.lz_base - (v | self.mask).leading_zeros();
        let sub = v >> bucket;
        (((u64::from(bucket) + 1) << self.half_mag) + sub - (1 << self.half_mag)) as usize
    }

    /// The lowest value counted at `index` (hdrhistogram's `value_for`): the first bucket
    /// holds both halves of its sub-buckets, every later one the top half.
    fn value_for(&self, index: usize) -> u64 {
        let half = 1usize << self.half_mag;
        match (index >> self.half_mag).checked_sub(1) {
            None | Some(0) => index as u64,
            Some(bucket) => (((index & (half - 1)) + half) as u64) << bucket,
        }
    }

    /// Count `v` as `Histogram::saturating_record` would: at its index, or at the highest
    /// trackable value's when it has no counter.
    #[inline(always)]
    pub fn record(&mut self, v: u64) {
        let i = self.index(v);
        let i = if i < self.counts.len() { i } else { self.clamp };
        self.counts[i] += 1;
        self.recorded += 1;
    }

    /// Add every count to `h` (laid out like these counters) and clear them.
    pub fn drain_into(&mut self, h: &mut Histogram<u64>) {
        if self.recorded == 0 {
            return;
        }
        debug_assert_eq!(h.distinct_values(), self.counts.len());
        for i in 0..self.counts.len() {
            let n = self.counts[i];
            if n > 0 {
                h.record_n(self.value_for(i), n)
                    .expect("every counter's value is in the histogram's range");
                self.counts[i] = 0;
            }
        }
        self.recorded = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::{Rng, Stream};

    /// Values at and around every bucket boundary of `h`'s layout, past its highest trackable
    /// value and its last counter, and random ones over the whole u64 range by magnitude.
    fn probe_values(h: &Histogram<u64>) -> Vec<u64> {
        let mut v: Vec<u64> = (0..5000).collect();
        for shift in 0..64 {
            let p = 1u64 << shift;
            v.extend([p - 1, p, p + 1, p + p / 3]);
        }
        let high = h.high();
        v.extend([high - 1, high, high + 1, high * 2, u64::MAX - 1, u64::MAX]);
        let rng = Rng::new(11, Stream::RequestTimes);
        for i in 0..50_000u64 {
            let bits = 1 + (i % 64) as u32;
            v.push(rng.bits(i, u64::MAX) >> (64 - bits));
        }
        v
    }

    fn same(a: &Histogram<u64>, b: &Histogram<u64>) {
        let recorded = |h: &Histogram<u64>| {
            h.iter_recorded()
                .map(|x| (x.value_iterated_to(), x.count_at_value()))
                .collect::<Vec<_>>()
        };
        assert_eq!(recorded(a), recorded(b));
        assert_eq!(a.len(), b.len());
        assert_eq!(a.max(), b.max());
        assert_eq!(a.min_nz(), b.min_nz());
        for q in [0.0, 0.001, 0.1, 0.5, 0.9, 0.99, 0.999, 1.0] {
            assert_eq!(a.value_at_quantile(q), b.value_at_quantile(q), "q = {q}");
        }
    }

    /// Counting through `FlatCounts` leaves the histogram `saturating_record` does, for both
    /// of the engine's layouts, value by value (every index the probes reach maps as
    /// hdrhistogram maps it) and all together.
    #[test]
    fn drained_counts_equal_recording_each_value() {
        for make in [crate::sim::new_latency_histogram, crate::sim::new_histogram] {
            let template = make();
            let values = probe_values(&template);
            let mut flat = FlatCounts::like(&template);
            let (mut direct, mut drained) = (make(), make());
            for &v in &values {
                // Each value lands on the counter hdrhistogram's own index gives it (the
                // clamped value's, past the last counter).
                let i = flat.index(v);
                let (at, j) = if i < flat.counts.len() {
                    (v, i)
                } else {
                    (template.high(), flat.clamp)
                };
                assert!(template.equivalent(at, flat.value_for(j)), "{v}");
                direct.saturating_record(v);
                flat.record(v);
            }
            flat.drain_into(&mut drained);
            same(&direct, &drained);
            // Every counter's value maps back to its own counter.
            for i in 0..template.distinct_values() {
                assert_eq!(flat.index(flat.value_for(i)), i);
            }
            // Drained means empty: a second drain adds nothing.
            flat.drain_into(&mut drained);
            same(&direct, &drained);
        }
    }
}
