//! TTL policies of recursive resolvers and client caches, and the cache entry they govern.

use crate::Micros;

/// How a cache level turns the TTL it received into the lifetime of its cache entry.
///
/// The modes are those of the workload contract (`resolvers[].ttl`). Real software that
/// implements each one (see `shared/research/ttl-behaviour.md`, section 2):
/// - `Floor`: Unbound `cache-min-ttl`, BIND `min-cache-ttl` (at most 90 s), dnsmasq
///   `min-cache-ttl` (silently capped at 3600 s), Knot Resolver's 5 s default minimum,
///   PowerDNS `minimum-ttl-override`; Chrome's built-in resolver floors at 60 s.
/// - `Cap`: Unbound/PowerDNS `cache-max-ttl` 86400 s, BIND `max-cache-ttl` 604800 s,
///   systemd-resolved 2 h; observed public-resolver caps (Google 6 h, Quad9 12 h, OpenDNS 1 h).
/// - `Fixed`: a cache that ignores the TTL (Chrome's system-resolver cache: 60 s regardless of
///   TTL; Java `networkaddress.cache.ttl` 30 s).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum TtlPolicy {
    /// Honour the received TTL exactly.
    Honor,
    /// Lifetime is at least `min`.
    Floor { min: Micros },
    /// Lifetime is at most `max`.
    Cap { max: Micros },
    /// Lifetime is always `value`, whatever the TTL.
    Fixed { value: Micros },
    /// Lifetime is the TTL clamped to `[min, max]`.
    FloorCap { min: Micros, max: Micros },
}

/// A TTL policy whose parameters contradict each other.
#[derive(Debug, Clone, PartialEq)]
pub enum TtlPolicyError {
    /// `floor-cap` with `min > max`.
    MinAboveMax,
    /// `cap` or `fixed` with a zero value (the cache would never hold anything).
    ZeroLifetime,
}

impl core::fmt::Display for TtlPolicyError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            TtlPolicyError::MinAboveMax => f.write_str("min must not exceed max"),
            TtlPolicyError::ZeroLifetime => f.write_str("must be greater than 0s"),
        }
    }
}

impl std::error::Error for TtlPolicyError {}

impl TtlPolicy {
    /// Check the parameters for consistency.
    pub fn validate(&self) -> Result<(), TtlPolicyError> {
        match *self {
            TtlPolicy::FloorCap { min, max } if min > max => Err(TtlPolicyError::MinAboveMax),
            TtlPolicy::Cap { max: 0 } | TtlPolicy::Fixed { value: 0 } => {
                Err(TtlPolicyError::ZeroLifetime)
            }
            _ => Ok(()),
        }
    }

    /// The lifetime of a cache entry that received `ttl` (remaining TTL, microseconds).
    #[inline]
    pub fn apply(&self, ttl: Micros) -> Micros {
        match *self {
            TtlPolicy::Honor => ttl,
            TtlPolicy::Floor { min } => ttl.max(min),
            TtlPolicy::Cap { max } => ttl.min(max),
            TtlPolicy::Fixed { value } => value,
            TtlPolicy::FloorCap { min, max } => ttl.clamp(min, max),
        }
    }

    /// The longest lifetime this policy can give an answer whose TTL is at most `ttl`.
    /// Used to size warm-up periods.
    pub fn max_lifetime(&self, ttl: Micros) -> Micros {
        self.apply(ttl)
    }
}

/// A client-side stub (operating-system) cache in front of the recursive resolver.
///
/// `None` is plain glibc: no cache (ttl-behaviour.md section 2, nscd row: Debian disables the
/// hosts cache by default). `Cap` is a cache that honours the remaining TTL it receives up to
/// a maximum (systemd-resolved: 2 h; Windows DNS Client `MaxCacheTtl`: 86400 s).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum StubCache {
    /// No stub cache: every resolution goes to the recursive resolver.
    None,
    /// Honour the remaining TTL up to `max_ttl`.
    Cap { max_ttl: Micros },
}

impl StubCache {
    /// The stub entry lifetime for an answer whose remaining TTL is `remaining`, or `None`
    /// when this stub does not cache.
    #[inline]
    pub fn lifetime(&self, remaining: Micros) -> Option<Micros> {
        match *self {
            StubCache::None => None,
            StubCache::Cap { max_ttl } => Some(remaining.min(max_ttl)),
        }
    }
}

/// One cached answer: what it says and when it expires. `answer` is an opaque small index
/// (the simulator uses the record index of the answer's first address).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CacheEntry {
    /// Absolute simulated time at which the entry expires (exclusive).
    pub expires: Micros,
    /// The cached answer.
    pub answer: u8,
}

impl CacheEntry {
    /// An entry that is never valid.
    pub const EMPTY: CacheEntry = CacheEntry {
        expires: 0,
        answer: 0,
    };

    /// Store `answer` received at `now` with remaining TTL `ttl` under `policy`.
    #[inline]
    pub fn store(now: Micros, ttl: Micros, policy: &TtlPolicy, answer: u8) -> CacheEntry {
        CacheEntry {
            expires: now.saturating_add(policy.apply(ttl)),
            answer,
        }
    }

    /// Is the entry valid at `now`? An entry stored with lifetime L at time s answers for
    /// `s <= now < s + L`.
    #[inline]
    pub fn is_valid(&self, now: Micros) -> bool {
        now < self.expires
    }

    /// Remaining TTL at `now` (zero once expired). This is what a resolver hands on.
    #[inline]
    pub fn remaining(&self, now: Micros) -> Micros {
        self.expires.saturating_sub(now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::SEC;

    #[test]
    fn honor_keeps_ttl() {
        assert_eq!(TtlPolicy::Honor.apply(60 * SEC), 60 * SEC);
    }

    #[test]
    fn floor_raises_short_ttls_only() {
        let p = TtlPolicy::Floor { min: 300 * SEC };
        assert_eq!(p.apply(60 * SEC), 300 * SEC);
        assert_eq!(p.apply(3600 * SEC), 3600 * SEC);
    }

    #[test]
    fn cap_shortens_long_ttls_only() {
        let p = TtlPolicy::Cap { max: 3600 * SEC };
        assert_eq!(p.apply(86400 * SEC), 3600 * SEC);
        assert_eq!(p.apply(60 * SEC), 60 * SEC);
    }

    #[test]
    fn fixed_ignores_ttl() {
        let p = TtlPolicy::Fixed { value: 30 * SEC };
        assert_eq!(p.apply(5 * SEC), 30 * SEC);
        assert_eq!(p.apply(600 * SEC), 30 * SEC);
    }

    #[test]
    fn floor_cap_clamps() {
        let p = TtlPolicy::FloorCap {
            min: 30 * SEC,
            max: 120 * SEC,
        };
        assert_eq!(p.apply(5 * SEC), 30 * SEC);
        assert_eq!(p.apply(60 * SEC), 60 * SEC);
        assert_eq!(p.apply(600 * SEC), 120 * SEC);
    }

    #[test]
    fn validation_rejects_contradictions() {
        assert_eq!(
            TtlPolicy::FloorCap {
                min: 10 * SEC,
                max: 5 * SEC
            }
            .validate(),
            Err(TtlPolicyError::MinAboveMax)
        );
        assert_eq!(
            TtlPolicy::Cap { max: 0 }.validate(),
            Err(TtlPolicyError::ZeroLifetime)
        );
        assert!(TtlPolicy::Floor { min: 0 }.validate().is_ok());
    }

    #[test]
    fn entry_counts_down_and_expires() {
        let e = CacheEntry::store(10 * SEC, 60 * SEC, &TtlPolicy::Honor, 3);
        assert!(e.is_valid(10 * SEC));
        assert!(e.is_valid(69 * SEC + SEC / 2));
        assert!(!e.is_valid(70 * SEC));
        assert_eq!(e.remaining(40 * SEC), 30 * SEC);
        assert_eq!(e.remaining(80 * SEC), 0);
        assert_eq!(e.answer, 3);
    }

    #[test]
    fn stub_cap_takes_remaining_ttl_up_to_cap() {
        // A resolver hands on the remaining TTL; the stub applies its cap to that.
        let stub = StubCache::Cap { max_ttl: 20 * SEC };
        assert_eq!(stub.lifetime(45 * SEC), Some(20 * SEC));
        assert_eq!(stub.lifetime(7 * SEC), Some(7 * SEC));
        assert_eq!(StubCache::None.lifetime(45 * SEC), None);
    }
}
