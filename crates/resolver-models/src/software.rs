//! Real recursive-resolver software as caching models: each package's shipped defaults and the
//! quirks of its cache arithmetic, so the simulator can be validated against the real program
//! (`crates/dns-harness`, `gtsim validate`) without widening tolerances.
//!
//! Sources: `shared/research/ttl-behaviour.md` section 2 (defaults, with the source file of
//! each package) and `shared/research/toolchain-and-resolvers.md` sections 3-4 (the Debian 12
//! packages run on loopback: configs, pitfalls and measured stale windows).

use crate::{CacheClock, Micros, ResolverBehaviour, SEC, StaleMode, TtlDisplay, TtlPolicy};

/// A recursive resolver program.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Software {
    /// hickory-resolver 0.26 (in process).
    Hickory,
    /// Unbound 1.17 (Debian 12).
    Unbound,
    /// BIND 9.18 `named`.
    Bind,
    /// dnsmasq 2.90.
    Dnsmasq,
    /// PowerDNS Recursor 4.8.
    PdnsRecursor,
    /// Knot Resolver 5.6 `kresd`.
    KnotResolver,
}

/// The cache settings of one resolver program that the models use. TTLs in whole seconds, as
/// every one of these programs takes them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SoftwareConfig {
    /// Minimum cache TTL (Unbound `cache-min-ttl`, BIND `min-cache-ttl`, dnsmasq
    /// `min-cache-ttl`, PowerDNS `minimum-ttl-override`, kresd `cache.min_ttl()`, hickory
    /// `positive_min_ttl`).
    pub min_ttl_s: u32,
    /// Maximum cache TTL (`cache-max-ttl`, `max-cache-ttl`, `cache.max_ttl()`,
    /// `positive_max_ttl`); `None` = no cap (dnsmasq's default).
    pub max_ttl_s: Option<u32>,
    /// Unbound-style prefetch (a hit in the last 10 % of the TTL refreshes).
    pub prefetch: bool,
    /// Serve expired entries while refreshing (Unbound `serve-expired` with client timeout 0).
    pub serve_stale: bool,
    /// Send the client's subnet to authoritative servers (EDNS Client Subnet, RFC 7871) and
    /// cache per answer scope; only programs with [`EcsSupport::PerSubnetCache`] have a model.
    pub ecs: bool,
}

/// What a program can do with EDNS Client Subnet (RFC 7871) as a recursive resolver. Checked
/// live on this project's machine (Debian 12 packages, a fake authoritative logging the option
/// and answering per /24 with scope 24; recorded in `docs/live-validation.md`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EcsSupport {
    /// Sends the client's /24 and keeps one cache entry per answer scope; scope-0 answers
    /// share one entry. Unbound 1.17 (`module-config: "subnetcache iterator"`,
    /// `send-client-subnet`; the other module order starts silently without ECS) and PowerDNS
    /// Recursor 4.8 (`edns-subnet-allow-list`; `ecs-add-for` must include the clients, its
    /// default excludes 127/8 and the private ranges).
    PerSubnetCache,
    /// Sends the subnet but caches no answer to such a query (dnsmasq `add-subnet`: "Caching
    /// is therefore disabled for such replies", dnsmasq(8); seen live: every query forwarded).
    Uncached,
    /// Cannot send it: BIND 9.18 open source (`named-checkconf` rejects `ecs-zones`), Knot
    /// Resolver 5.6 (no ECS module), hickory-resolver's `Resolver::lookup` (takes no client
    /// subnet).
    Unsupported,
}

/// A configuration the real program refuses, or one whose behaviour has no model yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SoftwareError {
    /// The program itself rejects the value (e.g. BIND's `min-cache-ttl` above 90).
    Rejected(String),
    /// The program accepts it but no model of its behaviour exists yet.
    NotModelled(String),
}

impl core::fmt::Display for SoftwareError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            SoftwareError::Rejected(m) => write!(f, "rejected by the program: {m}"),
            SoftwareError::NotModelled(m) => write!(f, "not modelled yet: {m}"),
        }
    }
}

impl std::error::Error for SoftwareError {}

/// BIND 9 refuses `min-cache-ttl` above 90 s ("out of range (0..90)", `lib/isccfg/check.c`;
/// reproduced with named-checkconf, toolchain-and-resolvers.md section 4).
pub const BIND_MAX_MIN_CACHE_TTL_S: u32 = 90;

/// dnsmasq silently caps `min-cache-ttl` at 3600 s (`TTL_FLOOR_LIMIT`, `src/config.h`; seen
/// live: 7200 configured, cached answers showed 3600, no warning).
pub const DNSMASQ_TTL_FLOOR_LIMIT_S: u32 = 3600;

impl Software {
    /// Every program, in report order.
    pub const ALL: [Software; 6] = [
        Software::Hickory,
        Software::Unbound,
        Software::Bind,
        Software::Dnsmasq,
        Software::PdnsRecursor,
        Software::KnotResolver,
    ];

    /// The name used on the command line and in reports.
    pub fn name(self) -> &'static str {
        match self {
            Software::Hickory => "hickory",
            Software::Unbound => "unbound",
            Software::Bind => "bind",
            Software::Dnsmasq => "dnsmasq",
            Software::PdnsRecursor => "pdns-recursor",
            Software::KnotResolver => "knot-resolver",
        }
    }

    /// The program called `name` (as [`Software::name`] spells it).
    pub fn from_name(name: &str) -> Option<Software> {
        Software::ALL.into_iter().find(|s| s.name() == name)
    }

    /// The names, for error messages.
    pub fn names() -> Vec<&'static str> {
        Software::ALL.iter().map(|s| s.name()).collect()
    }

    /// Each package's shipped defaults (ttl-behaviour.md section 2, all verified in source):
    /// - hickory 0.26: no minimum; `MAX_TTL` 86400 s caps positive answers (`dns_lru.rs`);
    /// - Unbound: `cache-min-ttl` 0, `cache-max-ttl` 86400, `prefetch` no, `serve-expired` no
    ///   (`util/config_file.c` 184-187, 288-293);
    /// - BIND 9: `min-cache-ttl` 0, `max-cache-ttl` 604800, `stale-answer-enable` no
    ///   (`bin/include/defaultconfig.h`); its default `prefetch 2 9` only touches records with a
    ///   TTL of 9 s or more and is not the Unbound rule: set `prefetch: false` here and see
    ///   [`Software::behaviour`];
    /// - dnsmasq: `min-cache-ttl` 0, no `max-cache-ttl`, no prefetch, `use-stale-cache` off
    ///   (`src/config.h`, man page);
    /// - PowerDNS Recursor 4.8: `minimum-ttl-override` 1 (since 4.5.0), `max-cache-ttl` 86400,
    ///   `refresh-on-ttl-perc` 0, `serve-stale-extensions` 0 (`rec-rust-lib/table.py`);
    /// - Knot Resolver: minimum 5 s, maximum 6 days (`KR_CACHE_DEFAULT_TTL_MIN`/`_MAX`,
    ///   `lib/defines.h`); `prefetch` and `serve_stale` are opt-in modules.
    pub fn default_config(self) -> SoftwareConfig {
        let cfg = |min_ttl_s, max_ttl_s| SoftwareConfig {
            min_ttl_s,
            max_ttl_s,
            prefetch: false,
            serve_stale: false,
            ecs: false,
        };
        match self {
            Software::Hickory => cfg(0, Some(86_400)),
            Software::Unbound => cfg(0, Some(86_400)),
            Software::Bind => cfg(0, Some(604_800)),
            Software::Dnsmasq => cfg(0, None),
            Software::PdnsRecursor => cfg(1, Some(86_400)),
            Software::KnotResolver => cfg(5, Some(518_400)),
        }
    }

    /// The cache arithmetic of the program's cache, with its source:
    /// - hickory keeps `Instant`s: exact lifetimes (`dns_lru.rs`; 0.26 also clamps the TTL it
    ///   returns on the miss, which changes what clients see, not the lifetime).
    /// - Unbound and Knot Resolver keep whole-second timestamps and still answer from an entry
    ///   whose TTL reads 0 (both were seen answering with TTL 0 before refetching): measured, Unbound served up to min-ttl + 1 s and kresd
    ///   6.23 s after a change with min-ttl 6 primed 0.2-0.3 s before it
    ///   (toolchain-and-resolvers.md section 4).
    /// - BIND, PowerDNS Recursor and dnsmasq keep whole-second timestamps and drop the entry
    ///   when its TTL reaches 0: measured stale windows 5.24-5.45 s with min-ttl 6 primed
    ///   0.2-0.3 s before the change (same table). That these three are exclusive and the two
    ///   above inclusive is what `gtsim validate` tests.
    pub fn clock(self) -> CacheClock {
        match self {
            Software::Hickory => CacheClock::Exact,
            Software::Unbound | Software::KnotResolver => {
                CacheClock::WholeSeconds { inclusive: true }
            }
            Software::Bind | Software::Dnsmasq | Software::PdnsRecursor => {
                CacheClock::WholeSeconds { inclusive: false }
            }
        }
    }

    /// The program's default cap on how long it caches a negative answer (NXDOMAIN / NODATA),
    /// in seconds; RFC 2308's min(SOA TTL, SOA MINIMUM) applies under it:
    /// - Unbound: `cache-max-negative-ttl`, "Default is 3600" (unbound.conf(5));
    /// - BIND: `max-ncache-ttl`, "The default max-ncache-ttl is 10800 seconds (3 hours)" (BIND 9
    ///   ARM);
    /// - the others: not researched yet, `None` (no cap beyond the SOA's).
    pub fn negative_ttl_cap(self) -> Option<u32> {
        match self {
            Software::Unbound => Some(3600),
            Software::Bind => Some(10_800),
            Software::Hickory
            | Software::Dnsmasq
            | Software::PdnsRecursor
            | Software::KnotResolver => None,
        }
    }

    /// The TTL the program shows its clients (measured live; see [`TtlDisplay`]).
    pub fn display(self) -> TtlDisplay {
        match self {
            Software::Hickory => TtlDisplay::CeilSeconds,
            Software::Unbound | Software::Bind | Software::PdnsRecursor => {
                TtlDisplay::LifeCountdown
            }
            Software::Dnsmasq => TtlDisplay::RecordThenLife,
            Software::KnotResolver => TtlDisplay::LifeThenRecord,
        }
    }

    /// What the program does with EDNS Client Subnet (see [`EcsSupport`]).
    pub fn ecs_support(self) -> EcsSupport {
        match self {
            Software::Unbound | Software::PdnsRecursor => EcsSupport::PerSubnetCache,
            Software::Dnsmasq => EcsSupport::Uncached,
            Software::Hickory | Software::Bind | Software::KnotResolver => EcsSupport::Unsupported,
        }
    }

    /// The caching behaviour of this program with `cfg`, or why there is none:
    /// - BIND rejects `min-cache-ttl` above [`BIND_MAX_MIN_CACHE_TTL_S`] (an error, as in
    ///   named);
    /// - dnsmasq caps the minimum at [`DNSMASQ_TTL_FLOOR_LIMIT_S`] silently (no error, as in
    ///   dnsmasq);
    /// - prefetch is modelled only as Unbound's rule, so prefetch on another program is
    ///   [`SoftwareError::NotModelled`]; dnsmasq has no prefetch at all
    ///   ([`SoftwareError::Rejected`]);
    /// - serve-stale is modelled as Unbound's `serve-expired` before 1.23 (answer stale at once);
    ///   the other programs' serve-stale waits for a failed refresh, which a Route 53 answer
    ///   change never causes, so it is modelled as RFC 8767;
    /// - ECS: a per-scope cache is the simulator's ECS resolver (per-subnet caches); a program
    ///   that cannot send ECS is [`SoftwareError::Rejected`], dnsmasq's uncached ECS answers
    ///   are [`SoftwareError::NotModelled`].
    pub fn behaviour(self, cfg: &SoftwareConfig) -> Result<ResolverBehaviour, SoftwareError> {
        if cfg.ecs {
            match self.ecs_support() {
                EcsSupport::PerSubnetCache => {}
                EcsSupport::Uncached => {
                    return Err(SoftwareError::NotModelled(format!(
                        "{} with ECS caches no answer to an ECS query (no model of an uncached resolver)",
                        self.name()
                    )));
                }
                EcsSupport::Unsupported => {
                    return Err(SoftwareError::Rejected(format!(
                        "{} cannot send EDNS Client Subnet",
                        self.name()
                    )));
                }
            }
        }
        let mut min = cfg.min_ttl_s;
        match self {
            Software::Bind if min > BIND_MAX_MIN_CACHE_TTL_S => {
                return Err(SoftwareError::Rejected(format!(
                    "bind: min-cache-ttl {min} is out of range (0..{BIND_MAX_MIN_CACHE_TTL_S})"
                )));
            }
            Software::Dnsmasq => min = min.min(DNSMASQ_TTL_FLOOR_LIMIT_S),
            _ => {}
        }
        if cfg.prefetch {
            match self {
                Software::Unbound => {}
                Software::Dnsmasq => {
                    return Err(SoftwareError::Rejected(
                        "dnsmasq has no prefetch option".into(),
                    ));
                }
                other => {
                    return Err(SoftwareError::NotModelled(format!(
                        "{} prefetch (only Unbound's last-10 % rule is modelled)",
                        other.name()
                    )));
                }
            }
        }
        let ttl = match (min, cfg.max_ttl_s) {
            (0, None) => TtlPolicy::Honor,
            (min, None) => TtlPolicy::Floor {
                min: min as Micros * SEC,
            },
            (min, Some(max)) if min > max => {
                return Err(SoftwareError::Rejected(format!(
                    "{}: minimum TTL {min} s above maximum {max} s",
                    self.name()
                )));
            }
            (0, Some(max)) => TtlPolicy::Cap {
                max: max as Micros * SEC,
            },
            (min, Some(max)) => TtlPolicy::FloorCap {
                min: min as Micros * SEC,
                max: max as Micros * SEC,
            },
        };
        let serve_stale = match (cfg.serve_stale, self) {
            (false, _) => StaleMode::Off,
            (true, Software::Unbound) => StaleMode::Optimistic,
            (true, _) => StaleMode::Rfc8767,
        };
        Ok(ResolverBehaviour {
            ttl,
            prefetch: cfg.prefetch,
            serve_stale,
            clock: self.clock(),
            display: self.display(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for s in Software::ALL {
            assert_eq!(Software::from_name(s.name()), Some(s));
        }
        assert_eq!(Software::from_name("powerdns"), None);
        assert_eq!(Software::names().len(), 6);
    }

    #[test]
    fn defaults_are_valid_and_cited_values() {
        for s in Software::ALL {
            assert!(s.behaviour(&s.default_config()).is_ok(), "{s:?}");
        }
        let k = Software::KnotResolver
            .behaviour(&Software::KnotResolver.default_config())
            .unwrap();
        assert_eq!(k.ttl.apply(2 * SEC), 5 * SEC);
        assert_eq!(k.ttl.apply(10 * 86_400 * SEC), 518_400 * SEC);
        let d = Software::Dnsmasq
            .behaviour(&Software::Dnsmasq.default_config())
            .unwrap();
        assert_eq!(d.ttl, TtlPolicy::Honor);
    }

    #[test]
    fn bind_rejects_min_above_90_dnsmasq_caps_silently() {
        let cfg = SoftwareConfig {
            min_ttl_s: 120,
            max_ttl_s: Some(86_400),
            prefetch: false,
            serve_stale: false,
            ecs: false,
        };
        assert!(matches!(
            Software::Bind.behaviour(&cfg),
            Err(SoftwareError::Rejected(_))
        ));
        let cfg = SoftwareConfig {
            min_ttl_s: 7200,
            ..cfg
        };
        let d = Software::Dnsmasq.behaviour(&cfg).unwrap();
        assert_eq!(d.ttl.apply(2 * SEC), 3600 * SEC);
        assert_eq!(
            Software::Unbound.behaviour(&cfg).unwrap().ttl.apply(0),
            7200 * SEC
        );
    }

    #[test]
    fn prefetch_only_where_modelled() {
        let cfg = SoftwareConfig {
            prefetch: true,
            ..Software::Unbound.default_config()
        };
        assert!(Software::Unbound.behaviour(&cfg).unwrap().prefetch);
        assert!(matches!(
            Software::Bind.behaviour(&cfg),
            Err(SoftwareError::NotModelled(_))
        ));
        assert!(matches!(
            Software::Dnsmasq.behaviour(&cfg),
            Err(SoftwareError::Rejected(_))
        ));
    }

    /// ECS: Unbound and PowerDNS Recursor have a model (per-scope caches, the same caching
    /// arithmetic); dnsmasq's uncached ECS answers have none; BIND, kresd, hickory cannot.
    #[test]
    fn ecs_only_where_a_per_subnet_cache_exists() {
        for s in Software::ALL {
            let cfg = SoftwareConfig {
                ecs: true,
                ..s.default_config()
            };
            match s.ecs_support() {
                EcsSupport::PerSubnetCache => assert_eq!(
                    s.behaviour(&cfg).unwrap(),
                    s.behaviour(&s.default_config()).unwrap()
                ),
                EcsSupport::Uncached => {
                    assert!(matches!(
                        s.behaviour(&cfg),
                        Err(SoftwareError::NotModelled(_))
                    ))
                }
                EcsSupport::Unsupported => {
                    assert!(matches!(s.behaviour(&cfg), Err(SoftwareError::Rejected(_))))
                }
            }
        }
        assert_eq!(Software::Bind.ecs_support(), EcsSupport::Unsupported);
        assert_eq!(Software::Unbound.ecs_support(), EcsSupport::PerSubnetCache);
    }

    /// The clock quirks: with min-ttl 6 and a fetch 0.25 s into a second, Unbound/kresd keep
    /// the entry 6.75 s, BIND/PowerDNS/dnsmasq 5.75 s, hickory exactly 6 s.
    #[test]
    fn clock_quirks() {
        let t = 100 * SEC + 250_000;
        for (s, life) in [
            (Software::Unbound, 6_750_000),
            (Software::KnotResolver, 6_750_000),
            (Software::Bind, 5_750_000),
            (Software::PdnsRecursor, 5_750_000),
            (Software::Dnsmasq, 5_750_000),
            (Software::Hickory, 6_000_000),
        ] {
            let cfg = SoftwareConfig {
                min_ttl_s: 6,
                ..s.default_config()
            };
            let b = s.behaviour(&cfg).unwrap();
            assert_eq!(b.entry_expiry(t, 2 * SEC) - t, life, "{s:?}");
        }
    }
}
