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
        RadixHeap {
            last: 0,
            len: 0,
            buckets: std::array::from_fn(|_| Vec::new()),
        }
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
        debug_assert!(
            key >= self.last,
            "radix heap keys must be monotone: {key} < {}",
            self.last
        );
        let b = self.bucket_of(key);
        self.buckets[b].push((key, value));
        self.len += 1;
    }

    /// Remove and return the event with the smallest (key, value).
    #[inline]
    pub fn pop(&mut self) -> Option<(u64, u32)> {
        if self.buckets[0].is_empty() {
            if self.len == 0 {
                return None;
            }
            let i = self
                .buckets
                .iter()
                .position(|b| !b.is_empty())
                .expect("len > 0");
            let bucket = std::mem::take(&mut self.buckets[i]);
            let min = bucket
                .iter()
                .map(|&(k, _)| k)
                .min()
                .expect("bucket not empty");
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

/// Prefetch into the first-level cache (x86's `_MM_HINT_T0`).
const L1: i32 = 3;
/// Prefetch into the second-level cache only (x86's `_MM_HINT_T1`).
const L2: i32 = 2;
#[cfg(target_arch = "x86_64")]
const _: () = assert!(L1 == std::arch::x86_64::_MM_HINT_T0 && L2 == std::arch::x86_64::_MM_HINT_T1);

/// Ask for the cache line at `p` ahead of its use, into cache level `LEVEL` ([`L1`] or
/// [`L2`]; a hint: no effect on results).
#[inline(always)]
fn prefetch_to<const LEVEL: i32, T>(p: *const T) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: a prefetch never faults and has no architectural effect.
    unsafe {
        std::arch::x86_64::_mm_prefetch::<LEVEL>(p.cast::<i8>());
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = p;
}

/// Ask for the cache line at `p` ahead of its use (a hint: no effect on results).
#[inline(always)]
pub(crate) fn prefetch_line<T>(p: *const T) {
    prefetch_to::<L1, T>(p);
}

/// Prefetch both cache lines of a chunk into cache level `LEVEL`.
#[inline(always)]
fn prefetch_chunk<const LEVEL: i32>(c: &Chunk) {
    let p = (c as *const Chunk).cast::<u8>();
    prefetch_to::<LEVEL, u8>(p);
    prefetch_to::<LEVEL, u8>(p.wrapping_add(64));
}

/// A calendar queue (Brown, "Calendar queues: a fast O(1) priority queue implementation for
/// the simulation event set problem", CACM 1988) with a fixed bucket width chosen from the
/// known event density, and a sorted buffer for the bucket being drained.
///
/// A client simulation knows its event density in advance (clients x request rate), so the
/// width can be set once so that a bucket holds a handful of events, and the "year" (buckets x
/// width) several mean inter-arrival times, so almost every event is popped on its first lap.
/// A push is one append to a bucket; a pop takes the next bucket's due events, sorts them (a
/// few elements) and hands them out in order. Compared with the radix heap, whose elements
/// move down about log2(key spread / key gap) levels, that is one or two memory touches per
/// event instead of about ten (measured in the `queue` criterion bench).
///
/// Events pop in (key, value) order, whatever the bucket layout: with values that are a shard's
/// client indices (in global order), equal-time arrivals are handled in client order however
/// the population is sharded. (Retry events carry a slot index from a pool, so two retries at
/// the same microsecond in one shard are ordered by pool position, which depends on the shard.)
///
/// # Memory
///
/// A bucket is a chain of fixed chunks of [`CHUNK`] events taken from one pool; a drained
/// bucket's chunks go back to the pool's free list and the next bucket to grow takes them
/// (last freed, first taken: still in cache). So the queue holds what is pending, rounded up
/// to whole chunks, and never calls the allocator once the pool has grown to that size. With
/// a `Vec` per bucket every bucket kept its largest occupancy ever: about 520 B a client on
/// `perf-lockstep`, whose shards all stay alive (8.6 MB for a shard of 16,500 clients,
/// 2026-12-03); freeing a drained `Vec` instead cost about 16 % of a lockstep run's CPU in
/// `realloc`/`malloc`/`free` (perf, 1 M clients, 2026-12-03).
pub struct CalendarQueue {
    shift: u32,
    mask: usize,
    buckets: Vec<Bucket>,
    chunks: Vec<Chunk>,
    /// Head of the free list of `chunks` (linked through `Chunk::next`), or [`NIL`].
    free: u32,
    /// Due events of the current window, packed as `!((key - base) << 32 | value)` and sorted
    /// ascending ([`sort_window`]), so the smallest (key, value) is at the end. Packed u64s
    /// sort with std's branchless sorting networks, where (u64, u32) tuples took the branchy
    /// general small-sort, and carry the key offset in their top bits for `sort_window`'s
    /// counting pass.
    cur: Vec<u64>,
    /// Scratch of [`sort_window`], as long as `cur` once used.
    spare: Vec<u64>,
    /// Events of a drained bucket that belong to a later lap (rare: a year is several
    /// horizons), put back after the drain.
    later: Vec<(u64, u32)>,
    /// Events pushed with [`CalendarQueue::push_staged`] not yet in their buckets, a ring
    /// whose oldest is at `head`; their buckets and chunks are being prefetched, and all are
    /// placed before any window is loaded.
    staged: [(u64, u32); STAGES],
    head: usize,
    nstaged: usize,
    /// `ahead[d]`: the chunk of bucket `cur_idx + 1 + d` prefetched last (NIL when its chain
    /// is done). At each window every cursor follows one link, reading the chunk prefetched a
    /// window ago, and prefetches the next: a chain's misses overlap a window's work instead
    /// of coming one after another when the bucket is drained (cold in lockstep, where many
    /// shards take turns). Pushes only add chunks at a chain's tail, which a cursor has
    /// passed; a stale cursor costs a useless prefetch, never a wrong result.
    ahead: [u32; AHEAD],
    /// Keep `ahead` (set by [`CalendarQueue::set_cold`]); otherwise only the next bucket's
    /// tail chunk is prefetched.
    cold: bool,
    /// Start of the current window.
    base: u64,
    /// Exclusive end of the current window; the window is one bucket wide.
    cur_end: u64,
    cur_idx: usize,
    len: usize,
    last: u64,
}

/// How many pushes [`CalendarQueue::push_staged`] holds an event back in a warm queue: at its
/// push its bucket is prefetched, two pushes later (the bucket now in cache) the chunk it goes
/// into, and two after that it is placed. Measured (2026-12-03, `perf-lockstep` never
/// overloaded, 1 M clients, CPU s, four pairs): 7.6-8.3 holding two pushes (bucket, chunk),
/// 7.0-7.4 holding four. The one-pass `perf-default-2arm`: 6.0-6.4 s both (four pairs); against
/// the build before the cold queues, about 4 % slower holding four, about 2 % holding two
/// (five pairs each).
const WARM_DEPTH: usize = 4;

/// The same for a cold queue ([`CalendarQueue::set_cold`]), whose buckets and chunks miss
/// further down the memory hierarchy: the chunk is prefetched four pushes after the bucket,
/// the event placed four after that. Measured (2026-12-03, `perf-lockstep` never overloaded,
/// 1 M clients, CPU s, four pairs each): 5.62-6.19 holding four, 5.20-5.94 holding eight
/// (3-11 % less in every pair); sixteen within the noise of eight. The one-pass
/// `perf-default-2arm` held eight was 2-3 % slower (four pairs), hence two depths.
const COLD_DEPTH: usize = 8;

/// Capacity of the staging ring: the largest depth.
const STAGES: usize = COLD_DEPTH;

/// Events per chunk of a bucket's chain: the most that fit, with the link, in two aligned
/// cache lines (124 of 128 bytes; 12.8 bytes an event), so that prefetching a chunk is two
/// known lines. With 8 (104 bytes, unaligned) a chunk spanned two or three lines, and the one
/// line prefetched rarely held its link. Chosen with the look-ahead (`ahead`); not measured
/// against 8 on its own.
pub const CHUNK: usize = 10;

/// Buckets ahead of the current window whose chains are being prefetched, one link per
/// window (`CalendarQueue::ahead`): a bucket holds about 32 events, 3 to 5 chunks.
const AHEAD: usize = 6;
const NIL: u32 = u32::MAX;

/// A bucket: its last chunk (the chain runs back through `Chunk::next`) and its event count;
/// the last chunk holds `(len - 1) % CHUNK + 1` events, every earlier one is full.
#[derive(Clone, Copy)]
struct Bucket {
    tail: u32,
    len: u32,
}

const EMPTY: Bucket = Bucket { tail: NIL, len: 0 };

#[derive(Clone, Copy)]
#[repr(C, align(64))]
struct Chunk {
    keys: [u64; CHUNK],
    values: [u32; CHUNK],
    /// The previous chunk of the bucket, or the next free chunk.
    next: u32,
}

const _: () = assert!(size_of::<Chunk>() == 128);

/// Sub-ranges of a window that [`sort_window`] counts its events into: about four per event
/// of a typical window (23 to 45 events, `CalendarQueue::for_density`), so few share one.
/// Measured (2026-12-03, `perf-default-2arm`, 1 M clients, CPU s, four pairs): 64 about 1 %
/// more than 128 (5.58-5.68 against 5.52-5.64).
const SUB_BINS: usize = 128;

/// Windows of at most this many events are sorted by `sort_unstable`, which sorts a slice of
/// u64s this short with a sorting network (core's `slice/sort/shared/smallsort.rs` does so up
/// to `SMALL_SORT_NETWORK_THRESHOLD`, 32). Chosen, not tuned: 20 is core's default small-sort
/// threshold, and no value between 20 and 32 was measured.
const SMALL_WINDOW: usize = 20;

/// Sort a window's packed events (`!((key - base) << 32 | value)` with `key - base` below
/// `2^shift`) ascending. A counting pass places each event in one of [`SUB_BINS`] equal
/// sub-ranges of the window by its key (a window's keys are spread about evenly, so a
/// sub-range holds about one event), and an insertion pass orders each sub-range's few
/// events: about three passes over the events, against the O(n log n) compares of a general
/// sort. std's `sort_unstable` was 7-9 % of a run's CPU samples (perf, 1 M clients,
/// 2026-12-03); with this, `perf-default-2arm` at 1 M clients took 2-4 % less CPU (5.68-5.87
/// against 5.81-6.11 s, four pairs), and the ample-capacity `perf-lockstep` about 2 % less
/// (four of five pairs). The result is the same sorted slice. Short windows use
/// `sort_unstable`, whose sorting networks win there.
#[inline]
fn sort_window(cur: &mut Vec<u64>, spare: &mut Vec<u64>, shift: u32) {
    if cur.len() <= SMALL_WINDOW {
        cur.sort_unstable();
        return;
    }
    // The top bits of `key - base` give the sub-range; ascending packed order is descending
    // key order, so sub-range `i` of the output is `SUB_BINS - 1 - (offset >> sub_shift)`.
    let sub_shift = 32 + shift.saturating_sub(SUB_BINS.trailing_zeros());
    let bin = |p: u64| SUB_BINS - 1 - ((!p >> sub_shift) as usize & (SUB_BINS - 1));
    let mut start = [0u32; SUB_BINS];
    for &p in cur.iter() {
        start[bin(p)] += 1;
    }
    let mut at = 0u32;
    for s in &mut start {
        (*s, at) = (at, at + *s);
    }
    spare.clear();
    spare.resize(cur.len(), 0);
    for &p in cur.iter() {
        let b = bin(p);
        spare[start[b] as usize] = p;
        start[b] += 1;
    }
    // Insertion: every event is in its sub-range, so it moves only past its few neighbours.
    for i in 1..spare.len() {
        let x = spare[i];
        let mut j = i;
        while j > 0 && spare[j - 1] > x {
            spare[j] = spare[j - 1];
            j -= 1;
        }
        spare[j] = x;
    }
    std::mem::swap(cur, spare);
}

/// A bucket's chunks, last first, each with how many events it holds.
#[inline(always)]
fn chain(chunks: &[Chunk], b: Bucket) -> impl Iterator<Item = (u32, &Chunk, usize)> {
    let (mut left, mut c) = (b.len as usize, b.tail);
    let mut n = left.saturating_sub(1) % CHUNK + 1;
    std::iter::from_fn(move || {
        if left == 0 {
            return None;
        }
        let chunk = &chunks[c as usize];
        let item = (c, chunk, n);
        (left, n, c) = (left - n, CHUNK, chunk.next);
        Some(item)
    })
}

impl CalendarQueue {
    /// A queue with buckets `2^width_log2` wide and `2^buckets_log2` buckets.
    pub fn new(width_log2: u32, buckets_log2: u32) -> CalendarQueue {
        assert!(width_log2 <= 32 && buckets_log2 <= 24);
        let n = 1usize << buckets_log2;
        CalendarQueue {
            shift: width_log2,
            mask: n - 1,
            buckets: vec![EMPTY; n],
            chunks: Vec::new(),
            free: NIL,
            cur: Vec::new(),
            spare: Vec::new(),
            later: Vec::new(),
            staged: [(0, 0); STAGES],
            head: 0,
            nstaged: 0,
            ahead: [NIL; AHEAD],
            cold: false,
            base: 0,
            cur_end: 1u64 << width_log2,
            cur_idx: 0,
            len: 0,
            last: 0,
        }
    }

    /// Bytes held by the queue (capacity, not length): bucket headers, the chunk pool and the
    /// window buffer.
    pub fn allocated_bytes(&self) -> usize {
        self.buckets.capacity() * size_of::<Bucket>()
            + self.chunks.capacity() * size_of::<Chunk>()
            + (self.cur.capacity() + self.spare.capacity()) * size_of::<u64>()
            + self.later.capacity() * size_of::<(u64, u32)>()
    }

    /// Size a queue for `rate` events per key unit spread evenly, whose events are typically
    /// scheduled `horizon` key units ahead: about 32 events per bucket (the width is rounded to
    /// a power of two, so 23 to 45), and a year of at least eight horizons (so an exponential
    /// horizon laps with probability below e^-8). Fewer, larger buckets cost sorting, more
    /// buckets cost cache misses on their headers. Measured with chunked buckets and staged
    /// pushes (2026-12-03, 1 M clients, 2 threads, CPU s): perf-default-2arm 6.9 at 8 per
    /// bucket, 6.2 at 16, 6.0 at 32, 6.2 at 64; perf-lockstep 12.0-12.6 at 16, 9.3-9.5 at 32.
    /// (With a `Vec` per bucket, 300k clients, one thread: 3 per bucket 5.5-6.6 s, 8 per
    /// bucket 5.1-5.9 s, 16 per bucket 5.0-5.2 s.)
    pub fn for_density(rate: f64, horizon: f64) -> CalendarQueue {
        let width = if rate > 0.0 {
            32.0 / rate
        } else {
            horizon.max(1.0)
        };
        let width_log2 = (width.max(1.0).log2().round() as u32).min(32);
        let buckets = (8.0 * horizon / (1u64 << width_log2) as f64).max(64.0);
        let buckets_log2 = (buckets.log2().ceil() as u32).clamp(6, 16);
        CalendarQueue::new(width_log2, buckets_log2)
    }

    /// Expect the queue to be cold at every window (lockstep: many shards take turns between
    /// its windows): prefetch the chains of the next `AHEAD` (6) buckets a link per window,
    /// into the second-level cache, and hold staged pushes longer (`COLD_DEPTH`). Order and
    /// results do not depend on it. Warm queues (one-pass shards) leave it off:
    /// there the look-ahead is overhead (capacity-free `perf-lockstep`, 1 M clients, three
    /// pairs: 2-7 % more CPU with it on).
    pub fn set_cold(&mut self, cold: bool) {
        self.place_staged();
        self.cold = cold;
        self.ahead = [NIL; AHEAD];
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Insert an event. `key` must not be earlier than the last key popped.
    #[inline]
    pub fn push(&mut self, key: u64, value: u32) {
        debug_assert!(
            key >= self.last,
            "calendar keys must be monotone: {key} < {}",
            self.last
        );
        self.len += 1;
        if key < self.cur_end {
            // Into the sorted buffer of the current window (descending order).
            let p = !(((key - self.base) << 32) | value as u64);
            let pos = self.cur.partition_point(|&q| q < p);
            self.cur.insert(pos, p);
        } else {
            self.append(key, value);
        }
    }

    /// [`CalendarQueue::push`], but an event for a later window is placed in its bucket only
    /// after `WARM_DEPTH` (4) more such pushes, `COLD_DEPTH` (8) in a cold queue (or before
    /// the next window loads, whichever is first), its bucket and then its chunk prefetched
    /// meanwhile: a push into a cold bucket
    /// costs two dependent cache misses, which this overlaps with the caller's work. Order and
    /// results are the same as with `push` (a window is sorted when it loads).
    #[inline]
    pub fn push_staged(&mut self, key: u64, value: u32) {
        if key < self.cur_end {
            self.push(key, value);
            return;
        }
        self.len += 1;
        let depth = if self.cold { COLD_DEPTH } else { WARM_DEPTH };
        if self.nstaged == depth {
            let (k, v) = self.staged[self.head];
            self.append(k, v);
            self.head = (self.head + 1) % STAGES;
            self.nstaged -= 1;
        }
        if self.nstaged >= depth / 2 {
            let (k, _) = self.staged[(self.head + self.nstaged - depth / 2) % STAGES];
            let b = self.buckets[self.bucket_of(k)];
            let slot = b.len as usize % CHUNK;
            if slot != 0 {
                prefetch_line(&self.chunks[b.tail as usize].keys[slot]);
            }
        }
        prefetch_line(&self.buckets[self.bucket_of(key)]);
        self.staged[(self.head + self.nstaged) % STAGES] = (key, value);
        self.nstaged += 1;
    }

    /// Place the staged events in their buckets.
    #[inline]
    fn place_staged(&mut self) {
        for i in 0..self.nstaged {
            let (k, v) = self.staged[(self.head + i) % STAGES];
            self.append(k, v);
        }
        (self.head, self.nstaged) = (0, 0);
    }

    /// The bucket an event at `key` goes into.
    #[inline(always)]
    fn bucket_of(&self, key: u64) -> usize {
        (key >> self.shift) as usize & self.mask
    }

    /// Append to the event's bucket, starting a chunk when its last one is full.
    #[inline(always)]
    fn append(&mut self, key: u64, value: u32) {
        let idx = self.bucket_of(key);
        let b = self.buckets[idx];
        let slot = b.len as usize % CHUNK;
        let tail = if slot == 0 {
            let c = self.take_chunk(b.tail);
            self.buckets[idx].tail = c;
            c
        } else {
            b.tail
        };
        self.buckets[idx].len = b.len + 1;
        let chunk = &mut self.chunks[tail as usize];
        chunk.keys[slot] = key;
        chunk.values[slot] = value;
    }

    /// A chunk for a new end of a chain whose previous end is `prev`: the last one freed, or a
    /// new one.
    #[inline]
    fn take_chunk(&mut self, prev: u32) -> u32 {
        if self.free != NIL {
            let c = self.free;
            self.free = self.chunks[c as usize].next;
            self.chunks[c as usize].next = prev;
            c
        } else {
            let c = self.chunks.len();
            assert!(c < NIL as usize, "calendar chunk pool full");
            self.chunks.push(Chunk {
                keys: [0; CHUNK],
                values: [0; CHUNK],
                next: prev,
            });
            c as u32
        }
    }

    /// Remove and return an event with the smallest key.
    #[inline]
    pub fn pop(&mut self) -> Option<(u64, u32)> {
        loop {
            if let Some(p) = self.cur.pop() {
                let x = !p;
                let key = self.base + (x >> 32);
                self.len -= 1;
                self.last = key;
                return Some((key, x as u32));
            }
            if self.len == 0 {
                return None;
            }
            self.advance();
        }
    }

    /// Remove and return an event with the smallest key if that key is below `limit`; the
    /// same order as [`CalendarQueue::pop`], so a loop can stop at `limit` and resume. Calls
    /// `loaded(value)` for every event of each window as it is loaded (before its first event
    /// pops): the caller can prefetch what those events will touch, so a window's cache misses
    /// overlap instead of coming one per event. A cold queue ([`CalendarQueue::set_cold`])
    /// also hands over the next bucket's events, a window early, from chunks its look-ahead
    /// has prefetched.
    #[inline]
    pub fn pop_before(&mut self, limit: u64, mut loaded: impl FnMut(u32)) -> Option<(u64, u32)> {
        loop {
            if let Some(&p) = self.cur.last() {
                let x = !p;
                let key = self.base + (x >> 32);
                if key >= limit {
                    return None;
                }
                self.cur.pop();
                self.len -= 1;
                self.last = key;
                return Some((key, x as u32));
            }
            if self.len == 0 {
                return None;
            }
            self.advance();
            for &p in &self.cur {
                loaded(!p as u32);
            }
            if self.cold {
                self.load_next(&mut loaded);
            }
        }
    }

    /// Cold queues: hand the next bucket's events to `loaded`, a window before they load.
    /// Its chain is in cache by now (`ahead`). Out of line, so that warm queues' loops do
    /// not carry it.
    #[inline(never)]
    fn load_next(&self, loaded: &mut dyn FnMut(u32)) {
        let next = self.buckets[(self.cur_idx + 1) & self.mask];
        for (_, chunk, n) in chain(&self.chunks, next) {
            for &v in &chunk.values[..n] {
                loaded(v);
            }
        }
    }

    /// Move bucket `idx`'s events below `end` into `cur` (packed against `base`), give its
    /// chunks back to the pool, and put back the events of later laps.
    fn drain(&mut self, idx: usize, base: u64, end: u64) {
        let b = std::mem::replace(&mut self.buckets[idx], EMPTY);
        let mut first = NIL;
        for (c, chunk, n) in chain(&self.chunks, b) {
            for (&k, &v) in chunk.keys[..n].iter().zip(&chunk.values[..n]) {
                if k < end {
                    self.cur.push(!(((k - base) << 32) | v as u64));
                } else {
                    self.later.push((k, v));
                }
            }
            first = c;
        }
        // The whole chain (tail back to `first`, whose link was NIL) goes onto the free list.
        self.chunks[first as usize].next = self.free;
        self.free = b.tail;
        if !self.later.is_empty() {
            let later = std::mem::take(&mut self.later);
            for &(k, v) in &later {
                self.append(k, v);
            }
            self.later = later;
            self.later.clear();
        }
    }

    /// The smallest key in the buckets (`len > 0`, `cur` empty).
    fn min_key(&self) -> u64 {
        self.buckets
            .iter()
            .flat_map(|&b| chain(&self.chunks, b))
            .flat_map(|(_, chunk, n)| &chunk.keys[..n])
            .fold(u64::MAX, |m, &k| m.min(k))
    }

    /// The window has moved to `cur_idx`: shift the cursors, start one on bucket
    /// `cur_idx + AHEAD` (its tail; the header after it is prefetched too), and move every
    /// other one link down its chain. These prefetches go to the second-level cache: they are
    /// needed one to six windows later, and into the first level they pushed out what the
    /// current window uses. Measured (2026-12-03, ample-capacity `perf-lockstep`, 1 M clients,
    /// CPU s, four pairs): 5.38-5.70 against 5.51-5.89 into the first level (less in every
    /// pair); clients prefetched into the second level as well were no better (four pairs),
    /// nor were the next bucket's clients alone (3 % more, four pairs).
    #[inline(always)]
    fn look_ahead(&mut self) {
        self.ahead.copy_within(1.., 0);
        let far = (self.cur_idx + AHEAD) & self.mask;
        let b = self.buckets[far];
        self.ahead[AHEAD - 1] = if b.len > 0 { b.tail } else { NIL };
        prefetch_to::<L2, Bucket>(&self.buckets[(far + 1) & self.mask]);
        for d in 0..AHEAD - 1 {
            let c = self.ahead[d];
            if let Some(chunk) = self.chunks.get(c as usize) {
                self.ahead[d] = chunk.next;
                if let Some(next) = self.chunks.get(chunk.next as usize) {
                    prefetch_chunk::<L2>(next);
                }
            }
        }
        if let Some(tail) = self.chunks.get(self.ahead[AHEAD - 1] as usize) {
            prefetch_chunk::<L2>(tail);
        }
    }

    /// Move to the next window that has due events and load them into `cur`.
    fn advance(&mut self) {
        self.place_staged();
        let width = 1u64 << self.shift;
        let mut empty_steps = 0usize;
        loop {
            self.cur_idx = (self.cur_idx + 1) & self.mask;
            if self.cold {
                self.look_ahead();
            }
            self.cur_end += width;
            let end = self.cur_end;
            let base = end - width;
            self.base = base;
            if self.buckets[self.cur_idx].len > 0 {
                self.drain(self.cur_idx, base, end);
            }
            if !self.cur.is_empty() {
                sort_window(&mut self.cur, &mut self.spare, self.shift);
                if !self.cold {
                    // The next window's tail chunk and the one after's bucket.
                    let next = self.buckets[(self.cur_idx + 1) & self.mask];
                    if next.len > 0 {
                        prefetch_chunk::<L1>(&self.chunks[next.tail as usize]);
                    }
                    prefetch_line(&self.buckets[(self.cur_idx + 2) & self.mask]);
                }
                return;
            }
            empty_steps += 1;
            if empty_steps > self.mask {
                // A whole year without a due event: jump straight to the earliest one.
                let window = self.min_key() >> self.shift;
                // Set up so that the next step lands on the window holding `min`.
                self.cur_end = window << self.shift;
                self.cur_idx = (window as usize).wrapping_sub(1) & self.mask;
                self.ahead = [NIL; AHEAD];
                empty_steps = 0;
            }
        }
    }
}

#[cfg(test)]
mod calendar_tests {
    use super::*;
    use crate::rng::{Rng, Stream};

    /// `staged`: which pushes go through `push_staged` (by step number), the rest `push`.
    fn hold_model_matches_reference(
        mut q: CalendarQueue,
        spread: u64,
        jump: u64,
        staged: fn(u64) -> bool,
    ) {
        let rng = Rng::new(11, Stream::RequestTimes);
        let mut reference = std::collections::BinaryHeap::new();
        for i in 0..5_000u32 {
            let k = rng.below(i as u64, 0, spread);
            q.push(k, i);
            reference.push(std::cmp::Reverse((k, i)));
        }
        for step in 0..100_000u64 {
            let got = q.pop().unwrap();
            let std::cmp::Reverse(want) = reference.pop().unwrap();
            assert_eq!(got, want, "step {step}");
            // Mostly near-future events, sometimes equal keys, sometimes far ones (laps).
            let inc = match step % 7 {
                0 => 0,
                1 => jump * 10,
                _ => rng.below(step, 1, jump),
            };
            if staged(step) {
                q.push_staged(got.0 + inc, got.1);
            } else {
                q.push(got.0 + inc, got.1);
            }
            reference.push(std::cmp::Reverse((got.0 + inc, got.1)));
        }
        while let Some(got) = q.pop() {
            let std::cmp::Reverse(want) = reference.pop().unwrap();
            assert_eq!(got, want);
        }
        assert!(reference.is_empty() && q.is_empty());
    }

    #[test]
    fn calendar_pops_in_key_then_value_order() {
        let ways: [fn(u64) -> bool; 3] = [|_| false, |_| true, |step| step % 5 < 3];
        let with = |mut q: CalendarQueue, cold: bool| {
            q.set_cold(cold);
            q
        };
        for (staged, cold) in ways.into_iter().flat_map(|w| [(w, false), (w, true)]) {
            let q = with(CalendarQueue::new(10, 8), cold);
            hold_model_matches_reference(q, 3_000_000, 3_000_000, staged);
            // Tiny year: nearly every event laps several times, and whole empty years are
            // jumped.
            let q = with(CalendarQueue::new(4, 6), cold);
            hold_model_matches_reference(q, 10_000_000, 50_000_000, staged);
            let q = with(CalendarQueue::for_density(5_000.0 / 3e6, 3e6), cold);
            hold_model_matches_reference(q, 3_000_000, 3_000_000, staged);
        }
    }

    /// `pop_before` pops what `pop` pops, warm or cold, and hands every event to the load hook
    /// before it pops (events pushed into the window being drained excepted: they never
    /// load); cold, the next bucket's events are handed over a window early as well.
    #[test]
    fn pop_before_loads_every_event_before_it_pops() {
        for cold in [false, true] {
            let mut a = CalendarQueue::for_density(5_000.0 / 3e6, 3e6);
            let mut b = CalendarQueue::for_density(5_000.0 / 3e6, 3e6);
            b.set_cold(cold);
            let rng = Rng::new(5, Stream::RequestTimes);
            // loaded[v]: loads of client v since its last pop; direct[v]: pushed into the
            // window being drained.
            let (mut loaded, mut direct) = (vec![0u32; 5_000], vec![false; 5_000]);
            for i in 0..5_000u32 {
                let k = rng.below(u64::from(i), 0, 3_000_000);
                direct[i as usize] = k < b.cur_end;
                a.push(k, i);
                b.push(k, i);
            }
            let (mut early, mut limit) = (0u64, 0u64);
            for step in 0..200_000u64 {
                limit += 1_000;
                let Some(got) = b.pop_before(limit, |v| loaded[v as usize] += 1) else {
                    continue;
                };
                assert_eq!(Some(got), a.pop(), "step {step}");
                let v = got.1 as usize;
                assert!(
                    direct[v] || loaded[v] > 0,
                    "step {step}: {got:?} popped unloaded"
                );
                early += u64::from(loaded[v].saturating_sub(1));
                (loaded[v], direct[v]) = (0, false);
                let k = got.0
                    + if step % 7 == 0 {
                        0
                    } else {
                        rng.below(step, 1, 6_000_000)
                    };
                direct[v] = k < b.cur_end;
                a.push(k, got.1);
                b.push_staged(k, got.1);
            }
            // Warm, an event loads exactly once; cold, most of the 200,000 load twice (next
            // bucket, then window: 170,621 with this seed).
            if cold {
                assert!(early > 100_000, "{early} early loads");
            } else {
                assert_eq!(early, 0);
            }
        }
    }

    /// `sort_window` sorts like `sort_unstable` whatever the window's width and length,
    /// however its keys are spread (all in one sub-range included) and whatever their order.
    #[test]
    fn sort_window_sorts_any_window() {
        let rng = Rng::new(9, Stream::RequestTimes);
        let mut spare = Vec::new();
        let mut n = 0u64;
        for shift in [0u32, 3, 6, 7, 8, 13, 20, 32] {
            for len in [0usize, 1, 5, 20, 21, 36, 45, 129, 1_000] {
                for spread in [0u64, 1 << shift.saturating_sub(7), 1 << shift] {
                    let mut cur: Vec<u64> = (0..len)
                        .map(|_| {
                            n += 1;
                            let off = if spread > 1 {
                                rng.below(n, 0, spread)
                            } else {
                                0
                            };
                            let v = rng.below(n, 1, 1 << 32) as u32;
                            !((off << 32) | u64::from(v))
                        })
                        .collect();
                    for order in 0..3 {
                        match order {
                            1 => cur.sort_unstable(),
                            2 => cur.reverse(),
                            _ => {}
                        }
                        let mut want = cur.clone();
                        want.sort_unstable();
                        let mut got = cur.clone();
                        sort_window(&mut got, &mut spare, shift);
                        assert_eq!(got, want, "shift {shift}, {len} events, spread {spread}");
                    }
                }
            }
        }
    }

    /// Drained chunks are reused: the pool never holds more chunks than the most events ever
    /// pending (a chunk in use holds at least one), and a second run of the same hold model
    /// allocates nothing more.
    #[test]
    fn calendar_reuses_drained_chunks() {
        let mut q = CalendarQueue::for_density(5_000.0 / 3e6, 3e6);
        let rng = Rng::new(3, Stream::RequestTimes);
        for i in 0..5_000u32 {
            q.push(rng.below(u64::from(i), 0, 3_000_000), i);
        }
        let hold = |q: &mut CalendarQueue, from: u64| {
            for step in from..from + 200_000 {
                let (k, v) = q.pop().unwrap();
                q.push_staged(k + rng.below(step, 1, 6_000_000), v);
            }
        };
        hold(&mut q, 0);
        let (chunks, bytes) = (q.chunks.len(), q.allocated_bytes());
        assert!(chunks <= 5_000, "{chunks} chunks for 5,000 pending events");
        hold(&mut q, 200_000);
        assert_eq!(q.allocated_bytes(), bytes);
        // Half the events leave: the rest still pop in order from the same pool.
        let mut last = (0, 0);
        for _ in 0..2_500 {
            let e = q.pop().unwrap();
            assert!(e >= last);
            last = e;
        }
        assert_eq!(q.len(), 2_500);
        assert_eq!(q.chunks.len(), chunks);
    }
}
