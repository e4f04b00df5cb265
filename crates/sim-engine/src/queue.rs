//! The pending-event set: a monotone radix heap.
//!
//! A discrete-event simulation only ever inserts events at or after the current time, so the
//! keys popped are monotone. A radix heap (Ahuja, Mehlhorn, Orlin, Tarjan, "Faster algorithms
//! for the shortest path problem", JACM 1990) exploits that: an item lives in the bucket
//! numbered by the highest bit in which its key differs from the last key popped, so a push is
//! O(1) and each item moves down at most 64 times over its life. With millions of pending
//! events a binary heap is dominated by cache misses; see `shared/research/peers.md` section 4
//! (a local hold-model run: BinaryHeap 1.1-1.3 M ev/s at 10^7 pending, a radix heap 16.5-17.1
//! M ev/s) and the `queue` criterion bench in `benches/`.
//!
//! Buckets are `Vec`s that keep their capacity, so after warm-up no push or pop allocates.
//! Order among equal keys is deterministic (it depends only on the sequence of operations).

/// Keys are simulated time in microseconds; values are small payloads (a client index or a
/// tagged slot index).
pub struct RadixHeap {
    last: u64,
    len: usize,
    buckets: [Vec<(u64, u32)>; 65],
}

impl Default for RadixHeap {
    fn default() -> Self {
        Self::new()
    }
}

impl RadixHeap {
    pub fn new() -> RadixHeap {
        RadixHeap { last: 0, len: 0, buckets: std::array::from_fn(|_| Vec::new()) }
    }

    #[inline(always)]
    fn bucket_of(&self, key: u64) -> usize {
        (64 - (key ^ self.last).leading_zeros()) as usize
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The last key popped (the current simulated time).
    pub fn top_key(&self) -> u64 {
        self.last
    }

    /// Insert an event. `key` must not be earlier than the last key popped.
    #[inline]
    pub fn push(&mut self, key: u64, value: u32) {
        debug_assert!(key >= self.last, "radix heap keys must be monotone: {key} < {}", self.last);
        let b = self.bucket_of(key);
        self.buckets[b].push((key, value));
        self.len += 1;
    }

    /// Remove and return an event with the smallest key.
    #[inline]
    pub fn pop(&mut self) -> Option<(u64, u32)> {
        if self.buckets[0].is_empty() {
            if self.len == 0 {
                return None;
            }
            let i = self.buckets.iter().position(|b| !b.is_empty()).expect("len > 0");
            let bucket = std::mem::take(&mut self.buckets[i]);
            let min = bucket.iter().map(|&(k, _)| k).min().expect("bucket not empty");
            self.last = min;
            for &(k, v) in &bucket {
                let b = self.bucket_of(k);
                debug_assert!(b < i);
                self.buckets[b].push((k, v));
            }
            // Give the (now empty) allocation back so it is reused.
            let mut bucket = bucket;
            bucket.clear();
            self.buckets[i] = bucket;
        }
        self.len -= 1;
        self.buckets[0].pop()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::{Rng, Stream};

    #[test]
    fn pops_in_key_order_under_hold_model() {
        // Hold model: pop the minimum, push it back with a random increment. Compare with a
        // sorted reference (std BinaryHeap) on the sequence of keys.
        let rng = Rng::new(5, Stream::RequestTimes);
        let mut h = RadixHeap::new();
        let mut reference = std::collections::BinaryHeap::new();
        for i in 0..10_000u32 {
            let k = rng.below(i as u64, 0, 1_000_000);
            h.push(k, i);
            reference.push(std::cmp::Reverse(k));
        }
        for step in 0..200_000u64 {
            let (k, v) = h.pop().unwrap();
            let std::cmp::Reverse(rk) = reference.pop().unwrap();
            assert_eq!(k, rk, "step {step}");
            let nk = k + rng.below(step, 1, 3_000_000);
            h.push(nk, v);
            reference.push(std::cmp::Reverse(nk));
        }
        assert_eq!(h.len(), 10_000);
    }

    #[test]
    fn equal_keys_and_drain() {
        let mut h = RadixHeap::new();
        for v in 0..5 {
            h.push(7, v);
        }
        h.push(3, 99);
        assert_eq!(h.pop(), Some((3, 99)));
        let mut got: Vec<u32> = (0..5).map(|_| h.pop().unwrap().1).collect();
        got.sort();
        assert_eq!(got, vec![0, 1, 2, 3, 4]);
        assert_eq!(h.pop(), None);
        assert!(h.is_empty());
        h.push(7, 1); // equal to last popped key is allowed
        assert_eq!(h.pop(), Some((7, 1)));
    }
}
