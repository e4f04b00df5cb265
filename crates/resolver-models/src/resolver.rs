//! What a recursive resolver does with a query for a name it may have cached: answer from the
//! cache, refresh ahead of expiry (prefetch), answer an expired entry (serve-stale), or ask the
//! authoritative servers.

use crate::{Micros, SEC, TtlPolicy};

/// Unbound `prefetch: yes`: "a cache hit in the last 10% of a TTL triggers a refresh"
/// (Unbound `doc/unbound.conf.rst`; `shared/research/ttl-behaviour.md` section 2, V).
pub const UNBOUND_PREFETCH_FRACTION: f64 = 0.1;

/// TTL given to an answer served from an expired entry: RFC 8767 section 4 "RECOMMENDED value of
/// 30 seconds"; Unbound `serve-expired-reply-ttl` 30; BIND `stale-answer-ttl` 30 (V).
pub const STALE_REPLY_TTL: Micros = 30 * SEC;

/// How long after expiry an entry may still be served: Unbound `serve-expired-ttl` 86400 s from
/// 1.23.0 (V); RFC 8767 section 5 suggests "between 1 and 3 days".
pub const MAX_STALE: Micros = 86_400 * SEC;

/// Serve-stale behaviour (workload `resolvers[].serve_stale`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StaleMode {
    /// Never answer from an expired entry.
    Off,
    /// RFC 8767: answer from an expired entry only while the authoritative servers cannot be
    /// reached. A Route 53 answer change leaves them reachable, so this changes nothing there.
    Rfc8767,
    /// Answer an expired entry first and refresh in the background (Unbound `serve-expired`
    /// with `serve-expired-client-timeout: 0`, the default before 1.23.0; "optimistic DNS" of
    /// some ISP resolvers, ttl-behaviour.md section 1, S).
    Optimistic,
}

/// How a resolver's cache clock turns a lifetime into an expiry time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CacheClock {
    /// The entry lives exactly its lifetime from the fetch (the simulator's model; hickory's
    /// `Instant` arithmetic).
    Exact,
    /// The cache keeps whole-second timestamps (`time(NULL)`): an entry fetched at `now` is
    /// stored at `floor(now)` and expires at `floor(now) + lifetime`, so it lives between
    /// `lifetime - 1 s` and `lifetime`. `inclusive`: it is still served during the second in
    /// which its TTL reads 0 (one second more): Unbound and Knot Resolver
    /// (`shared/research/toolchain-and-resolvers.md` section 4, measured). The software presets
    /// are in [`crate::software`].
    WholeSeconds { inclusive: bool },
}

impl CacheClock {
    /// Expiry time of an entry stored at `now` with lifetime `life` (the policy already
    /// applied), on a clock whose whole seconds are the multiples of [`SEC`].
    #[inline]
    pub fn expiry(self, now: Micros, life: Micros) -> Micros {
        match self {
            CacheClock::Exact => now.saturating_add(life),
            CacheClock::WholeSeconds { inclusive } => (now / SEC * SEC)
                .saturating_add(life)
                .saturating_add(if inclusive { SEC } else { 0 }),
        }
    }
}

/// The TTL a resolver shows its clients with an answer: what a stub, browser or runtime cache
/// behind it receives. Each program's rule was measured live (`gtsim validate`, record TTL 2 s
/// under a 3 s floor, every answer's TTL against the time the resolver fetched it from the
/// authoritative; docs/live-validation.md "TTL shown to clients").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TtlDisplay {
    /// The entry's remaining lifetime, exactly (the generic models: the simulator's behaviour
    /// before per-program display rules; no source, a modelling choice).
    Exact,
    /// The remaining lifetime rounded up to whole seconds (hickory-resolver 0.26, which keeps
    /// `Instant`s; its reply to a miss shows the floored/capped lifetime too).
    CeilSeconds,
    /// The (floored/capped) lifetime counted down in the cache clock's whole seconds, the
    /// reply to a miss included (Unbound, BIND 9, PowerDNS Recursor); on Unbound's inclusive
    /// clock the last second shows 0.
    LifeCountdown,
    /// dnsmasq: the reply to the query that made it fetch passes the authoritative's TTL on
    /// (not the floored one); cached answers count the lifetime down.
    RecordThenLife,
    /// Knot Resolver: the reply to the query that made it fetch shows the lifetime; cached
    /// answers count the authoritative's own TTL down, to 0, while the entry lives on to its
    /// floored lifetime.
    LifeThenRecord,
}

impl TtlDisplay {
    /// The rule in words, for reports (`None` for [`TtlDisplay::Exact`], the default).
    pub fn describe(self) -> Option<&'static str> {
        match self {
            TtlDisplay::Exact => None,
            TtlDisplay::CeilSeconds => Some("the remaining lifetime rounded up to whole seconds"),
            TtlDisplay::LifeCountdown => Some("the lifetime counted down in whole seconds"),
            TtlDisplay::RecordThenLife => Some(
                "the authoritative's TTL on the reply that fetched, then the lifetime counted down",
            ),
            TtlDisplay::LifeThenRecord => Some(
                "the lifetime on the reply that fetched, then the authoritative's TTL counted \
                 down to 0",
            ),
        }
    }
}

/// One resolver's caching behaviour.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ResolverBehaviour {
    pub ttl: TtlPolicy,
    /// Unbound-style prefetch ([`UNBOUND_PREFETCH_FRACTION`]).
    pub prefetch: bool,
    pub serve_stale: StaleMode,
    /// Cache-clock arithmetic ([`CacheClock::Exact`] keeps the simulator's behaviour).
    pub clock: CacheClock,
    /// The TTL it shows clients ([`TtlDisplay::Exact`] keeps the simulator's behaviour).
    pub display: TtlDisplay,
}

/// The outcome of a lookup in a resolver's cache.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lookup {
    /// Answer from the cache with this remaining TTL; if `refresh`, also fetch a fresh answer
    /// now and replace the entry (the client still gets the cached one).
    Hit { remaining: Micros, refresh: bool },
    /// Answer the expired entry with this TTL, and fetch a fresh answer now.
    Stale { reply_ttl: Micros },
    /// Fetch now and answer with what comes back.
    Miss,
}

impl ResolverBehaviour {
    /// Expiry time of an entry fetched at `now` (on the resolver's own clock, whose whole
    /// seconds are the multiples of [`SEC`]) with received TTL `ttl`: the policy's lifetime
    /// under this behaviour's [`CacheClock`].
    #[inline]
    pub fn entry_expiry(&self, now: Micros, ttl: Micros) -> Micros {
        self.clock.expiry(now, self.ttl.apply(ttl))
    }

    /// The TTL shown with an answer at `now` from an entry that expires at `exp` and was
    /// stored with lifetime `life` for a record whose authoritative TTL is `record`;
    /// `fetched_now`: this answer is the reply to the query that made the resolver fetch.
    /// Whole-second rules work on the cache clock's seconds, counting from the second the
    /// entry's expiry implies it was stored in (`exp/SEC - life/SEC`, one more back on an
    /// inclusive clock): for an entry made by [`CacheClock::expiry`] that is the second of the
    /// fetch; for an entry that was never fetched (the simulator's stationary start) it may be
    /// before time 0, and the countdown still ends at the entry's expiry. The record-based
    /// rules were measured under a floor only; with a cap below the record's TTL they are
    /// ASSUMED to show at most the lifetime (not measured).
    #[inline]
    pub fn shown_ttl(
        &self,
        exp: Micros,
        life: Micros,
        record: Micros,
        now: Micros,
        fetched_now: bool,
    ) -> Micros {
        let incl = match self.clock {
            CacheClock::WholeSeconds { inclusive: true } => 1,
            _ => 0,
        };
        let sec = |t: Micros| (t / SEC) as i64;
        let elapsed_s = sec(now) - (sec(exp) - sec(life) - incl);
        let countdown = |from: Micros| ((sec(from) - elapsed_s).max(0) as Micros) * SEC;
        let record = record.min(life);
        match self.display {
            TtlDisplay::Exact => exp.saturating_sub(now),
            TtlDisplay::CeilSeconds => exp.saturating_sub(now).div_ceil(SEC) * SEC,
            TtlDisplay::LifeCountdown => countdown(life),
            TtlDisplay::RecordThenLife if fetched_now => record / SEC * SEC,
            TtlDisplay::RecordThenLife => countdown(life),
            TtlDisplay::LifeThenRecord if fetched_now => countdown(life),
            TtlDisplay::LifeThenRecord => countdown(record),
        }
    }

    /// Look up an entry that expires at `expires` and was stored with lifetime `life`
    /// (`None` = nothing cached), at `now`.
    pub fn lookup(
        &self,
        entry: Option<(Micros, Micros)>,
        now: Micros,
        authoritative_reachable: bool,
    ) -> Lookup {
        let Some((expires, life)) = entry else {
            return Lookup::Miss;
        };
        if now < expires {
            let remaining = expires - now;
            let refresh =
                self.prefetch && (remaining as f64) < UNBOUND_PREFETCH_FRACTION * life as f64;
            return Lookup::Hit { remaining, refresh };
        }
        let serve_stale = match self.serve_stale {
            StaleMode::Off => false,
            StaleMode::Rfc8767 => !authoritative_reachable,
            StaleMode::Optimistic => true,
        };
        if serve_stale && now - expires < MAX_STALE {
            Lookup::Stale {
                reply_ttl: STALE_REPLY_TTL,
            }
        } else {
            Lookup::Miss
        }
    }

    /// Stationary state of this resolver's entry for a name queried at rate `lambda` (per
    /// microsecond) whose entry lifetime is `life`, from two uniforms: `None` for no entry, or
    /// the entry's expiry relative to now (which may be in the past for a stale entry).
    ///
    /// Without prefetch an entry is refreshed at the first query after expiry: a renewal cycle of
    /// `life` plus an exponential gap of mean 1/lambda, so the entry is fresh with probability
    /// `life / (life + 1/lambda)` and then has remaining life uniform on `[0, life]`. With
    /// prefetch, a hit in the last 10 % refreshes, so under the same gap the fresh part of a cycle
    /// is `0.9 life` and the remaining life is uniform on `[0.1 life, life]`. Between refreshes
    /// an optimistic resolver holds an expired entry (served stale), the others hold nothing.
    pub fn stationary_entry(&self, life: Micros, lambda: f64, u1: f64, u2: f64) -> Option<i64> {
        if life == 0 {
            return None;
        }
        let fresh_span = if self.prefetch {
            (1.0 - UNBOUND_PREFETCH_FRACTION) * life as f64
        } else {
            life as f64
        };
        let p = fresh_span / (fresh_span + 1.0 / lambda.max(1e-300));
        if u1 < p {
            Some((life as f64 - u2 * fresh_span) as i64)
        } else if self.serve_stale == StaleMode::Optimistic {
            Some(0) // expired just now: the next query is answered stale
        } else {
            None
        }
    }
}

/// A client-side application cache (browser host cache, runtime address cache), in front of the
/// stub resolver. Presets and sources in [`AppCache::preset`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum AppCache {
    None,
    /// Keep every answer for `ttl` whatever its DNS TTL, then serve it `grace` longer while
    /// refreshing in the background; optionally drop it when a connection to it fails.
    Fixed {
        ttl: Micros,
        grace: Micros,
        drop_on_failure: bool,
    },
    /// Keep every answer for the TTL it arrives with, but at least `min` (Chromium's built-in
    /// resolver: `kMinimumTTLSeconds = kCacheEntryTTLSeconds` = 60 s, `max(ttl, 60)`; V,
    /// docs/client-stacks-research.md 1.1). Not a `clients.app_cache` preset: the `chrome`
    /// client software (`crate::client_stack`) uses it.
    Floor {
        min: Micros,
    },
}

impl AppCache {
    /// How long an answer that reaches the application with TTL `ttl` stays in this cache
    /// (`None`: no cache), and the grace during which it is still served while refreshing.
    pub fn life(self, ttl: Micros) -> Option<(Micros, Micros)> {
        match self {
            AppCache::None => None,
            AppCache::Fixed {
                ttl: life, grace, ..
            } => Some((life, grace)),
            AppCache::Floor { min } => Some((ttl.max(min), 0)),
        }
    }

    /// Named presets (workload `clients.app_cache`), with their sources
    /// (`shared/research/ttl-behaviour.md` section 3):
    /// - `chrome` / `browser`: Chrome's host cache for system-resolver results holds entries
    ///   60 s regardless of TTL (`kCacheEntryTTLSeconds`, chromium `host_resolver_manager`; V).
    /// - `firefox`: `network.dnsCacheExpiration` 60 s "in the absence of OS TTLs" and
    ///   `network.dnsCacheExpirationGracePeriod` 60 s served while refreshing (mozilla
    ///   `all.js`; V). Modelled for platforms where getaddrinfo gives no TTL (Linux); where
    ///   Firefox gets OS TTLs it honours them instead (not modelled).
    /// - `jvm-30s`: `networkaddress.cache.ttl` 30 s with no SecurityManager (OpenJDK
    ///   `InetAddressCachePolicy` `DEFAULT_POSITIVE = 30`; V).
    /// - `jvm-forever`: the same with a SecurityManager: cached forever (V).
    /// - `android`: libcore `AddressCache` 2 s (AOSP; V).
    /// - `bun`: Bun's DNS cache 30 s, entry dropped when a connection to it fails (bun docs; V).
    pub fn preset(name: &str) -> Option<AppCache> {
        let fixed = |ttl_s: u64, grace_s: u64, drop_on_failure| AppCache::Fixed {
            ttl: ttl_s * SEC,
            grace: grace_s * SEC,
            drop_on_failure,
        };
        Some(match name {
            "none" => AppCache::None,
            "chrome" | "browser" => fixed(60, 0, false),
            "firefox" => fixed(60, 60, false),
            "jvm-30s" => fixed(30, 0, false),
            "jvm-forever" => AppCache::Fixed {
                ttl: Micros::MAX / 4,
                grace: 0,
                drop_on_failure: false,
            },
            "android" => fixed(2, 0, false),
            "bun" => fixed(30, 0, true),
            _ => return None,
        })
    }

    /// The preset names, for error messages.
    pub const PRESETS: &'static [&'static str] = &[
        "none",
        "browser",
        "chrome",
        "firefox",
        "jvm-30s",
        "jvm-forever",
        "android",
        "bun",
    ];
}

#[cfg(test)]
mod tests {
    use super::*;

    const HONEST: ResolverBehaviour = ResolverBehaviour {
        ttl: TtlPolicy::Honor,
        prefetch: false,
        serve_stale: StaleMode::Off,
        clock: CacheClock::Exact,
        display: TtlDisplay::Exact,
    };

    #[test]
    fn plain_hit_and_miss() {
        let e = Some((100 * SEC, 60 * SEC)); // stored at 40 s for 60 s
        assert_eq!(
            HONEST.lookup(e, 50 * SEC, true),
            Lookup::Hit {
                remaining: 50 * SEC,
                refresh: false
            }
        );
        assert_eq!(HONEST.lookup(e, 100 * SEC, true), Lookup::Miss);
        assert_eq!(HONEST.lookup(None, 0, true), Lookup::Miss);
    }

    /// Unbound prefetch: TTL 60 s, so the window is the last 6 s.
    #[test]
    fn prefetch_window_is_last_ten_percent() {
        let r = ResolverBehaviour {
            prefetch: true,
            ..HONEST
        };
        let e = Some((100 * SEC, 60 * SEC));
        assert_eq!(
            r.lookup(e, 93 * SEC, true),
            Lookup::Hit {
                remaining: 7 * SEC,
                refresh: false
            }
        );
        assert_eq!(
            r.lookup(e, 95 * SEC, true),
            Lookup::Hit {
                remaining: 5 * SEC,
                refresh: true
            }
        );
        assert_eq!(r.lookup(e, 101 * SEC, true), Lookup::Miss);
    }

    /// RFC 8767 serves stale only while the authoritative servers are unreachable; optimistic
    /// resolvers always do, within the maximum staleness, with a 30 s reply TTL.
    #[test]
    fn serve_stale_modes() {
        let e = Some((100 * SEC, 60 * SEC));
        let rfc = ResolverBehaviour {
            serve_stale: StaleMode::Rfc8767,
            ..HONEST
        };
        assert_eq!(rfc.lookup(e, 130 * SEC, true), Lookup::Miss);
        assert_eq!(
            rfc.lookup(e, 130 * SEC, false),
            Lookup::Stale {
                reply_ttl: 30 * SEC
            }
        );
        let opt = ResolverBehaviour {
            serve_stale: StaleMode::Optimistic,
            ..HONEST
        };
        assert_eq!(
            opt.lookup(e, 130 * SEC, true),
            Lookup::Stale {
                reply_ttl: 30 * SEC
            }
        );
        assert_eq!(opt.lookup(e, 100 * SEC + MAX_STALE, true), Lookup::Miss);
        assert_eq!(HONEST.lookup(e, 130 * SEC, false), Lookup::Miss);
    }

    #[test]
    fn stationary_entries() {
        let life = 60 * SEC;
        let lambda = 1.0 / SEC as f64; // one query per second: p = 60/61
        assert_eq!(
            HONEST.stationary_entry(life, lambda, 0.5, 0.25),
            Some(45 * SEC as i64)
        );
        assert_eq!(HONEST.stationary_entry(life, lambda, 0.99, 0.25), None);
        let pf = ResolverBehaviour {
            prefetch: true,
            ..HONEST
        };
        // Remaining life uniform on [6 s, 60 s]: u2 = 1 gives 6 s.
        assert_eq!(
            pf.stationary_entry(life, lambda, 0.5, 1.0),
            Some(6 * SEC as i64)
        );
        let opt = ResolverBehaviour {
            serve_stale: StaleMode::Optimistic,
            ..HONEST
        };
        assert_eq!(opt.stationary_entry(life, lambda, 0.99, 0.25), Some(0));
        assert_eq!(HONEST.stationary_entry(0, lambda, 0.0, 0.0), None);
    }

    /// Whole-second clocks: fetched at 10.7 s with lifetime 3 s, an exclusive cache expires at
    /// 13 s (2.3 s of life), an inclusive one at 14 s (3.3 s); the exact clock at 13.7 s.
    #[test]
    fn whole_second_clocks() {
        let floor = ResolverBehaviour {
            ttl: TtlPolicy::Floor { min: 3 * SEC },
            ..HONEST
        };
        let t = 10 * SEC + 700_000;
        assert_eq!(floor.entry_expiry(t, 2 * SEC), 13 * SEC + 700_000);
        let excl = ResolverBehaviour {
            clock: CacheClock::WholeSeconds { inclusive: false },
            ..floor
        };
        assert_eq!(excl.entry_expiry(t, 2 * SEC), 13 * SEC);
        let incl = ResolverBehaviour {
            clock: CacheClock::WholeSeconds { inclusive: true },
            ..floor
        };
        assert_eq!(incl.entry_expiry(t, 2 * SEC), 14 * SEC);
    }

    #[test]
    fn app_cache_presets() {
        assert_eq!(AppCache::preset("none"), Some(AppCache::None));
        assert_eq!(
            AppCache::preset("firefox"),
            Some(AppCache::Fixed {
                ttl: 60 * SEC,
                grace: 60 * SEC,
                drop_on_failure: false
            })
        );
        assert_eq!(
            AppCache::preset("bun"),
            Some(AppCache::Fixed {
                ttl: 30 * SEC,
                grace: 0,
                drop_on_failure: true
            })
        );
        for p in AppCache::PRESETS {
            assert!(AppCache::preset(p).is_some(), "{p}");
        }
        assert_eq!(AppCache::preset("opera"), None);
    }

    /// The display rules on the live run's case: record TTL 2 s, floor 3 s, fetched at
    /// 10.4 s on the cache clock. Whole-second programs count seconds of the clock: Unbound
    /// (inclusive) shows 3, 3 (10.9), 2 (11.5), 1 (12.5), 0 (13.5, still served); BIND's
    /// exclusive entry shows 3 ... 1 and is gone at 13; dnsmasq passes 2 on with the fetch,
    /// then 3 ... 1; Knot shows 3 with the fetch, then 2, 1, 0, 0 from the record's own TTL;
    /// hickory rounds the exact remaining up.
    #[test]
    fn shown_ttl_follows_each_program_rule() {
        let rec = 2 * SEC;
        let at = 10 * SEC + 400_000;
        let shown = |s: crate::Software, now_ms: Micros, fetched_now: bool| {
            let b = s
                .behaviour(&crate::SoftwareConfig {
                    min_ttl_s: 3,
                    ..s.default_config()
                })
                .unwrap();
            let exp = b.entry_expiry(at, rec);
            b.shown_ttl(exp, b.ttl.apply(rec), rec, now_ms * 1000, fetched_now) / SEC
        };
        use crate::Software::*;
        let times = [10_400, 10_900, 11_500, 12_500, 13_500];
        let got = |s| {
            times
                .iter()
                .enumerate()
                .map(|(i, &t)| shown(s, t, i == 0))
                .collect::<Vec<_>>()
        };
        assert_eq!(got(Unbound), [3, 3, 2, 1, 0]);
        assert_eq!(got(Bind)[..4], [3, 3, 2, 1]);
        assert_eq!(got(PdnsRecursor)[..4], [3, 3, 2, 1]);
        assert_eq!(got(Dnsmasq)[..4], [2, 3, 2, 1]);
        assert_eq!(got(KnotResolver), [3, 2, 1, 0, 0]);
        // hickory: exact expiry at 13.4 s: ceil(3.0), ceil(2.5), ceil(1.9), ceil(0.9).
        assert_eq!(got(Hickory)[..4], [3, 3, 2, 1]);
        // An entry that was never fetched (the simulator's stationary start: expiry 50.3 s,
        // lifetime 300 s, so "stored" before time 0): the countdown still ends at its expiry.
        let b = Bind.behaviour(&Bind.default_config()).unwrap();
        let warm = 50 * SEC + 300_000;
        assert_eq!(
            b.shown_ttl(warm, 300 * SEC, 300 * SEC, 10 * SEC, false),
            40 * SEC
        );
        let k = KnotResolver
            .behaviour(&KnotResolver.default_config())
            .unwrap();
        // Knot (inclusive clock: "stored" at second -251) with record TTL 300 s: 300 - 261.
        assert_eq!(
            k.shown_ttl(warm, 300 * SEC, 300 * SEC, 10 * SEC, false),
            39 * SEC
        );
        // A record TTL above the lifetime (a cap): shown at most the lifetime (ASSUMED).
        let d = Dnsmasq
            .behaviour(&crate::SoftwareConfig {
                max_ttl_s: Some(60),
                ..Dnsmasq.default_config()
            })
            .unwrap();
        assert_eq!(
            d.shown_ttl(100 * SEC, 60 * SEC, 300 * SEC, 40 * SEC, true),
            60 * SEC
        );
        // The generic model shows the exact remaining lifetime.
        let b = HONEST;
        assert_eq!(
            b.shown_ttl(70 * SEC, 60 * SEC, 60 * SEC, 25 * SEC, false),
            45 * SEC
        );
    }
}
