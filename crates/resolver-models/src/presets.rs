//! Calibrated mixes and population presets, every share and constant with its source.
//!
//! Sources are `shared/research/ttl-behaviour.md` (cited as "ttl-behaviour.md §N") and the
//! primary sources it lists. Each share carries the research file's status label
//! ([`Status`]); shares that are not verified in a primary source are the ones `gtsim
//! explain-preset NAME --sensitivity WORKLOAD` halves and doubles. `docs/calibration.md` walks
//! through every preset.
//!
//! Architecture invariant (as the rest of this crate): plain data and pure functions; the
//! simulator does the drawing, keyed by global entity ids.

use crate::mix::{Mix, Part, Status, StubMix, TtlMix};
use crate::pattern::Sourced;
use crate::software::Software;
use crate::{
    AppCache, CacheClock, ClientStack, Micros, Pattern, SEC, StaleMode, TtlDisplay, TtlPolicy,
};

// ---------------------------------------------------------------------------------------------
// Resolver TTL distributions

/// ASSUMED: the floor of a resolver that "extends the TTL". The measurements (PAM 2023, RIPE
/// 2017) count extenders but give no size; the one figure found is an anecdote of an ISP that
/// "enforces a local minimum TTL of 600 seconds" (ttl-behaviour.md §1, UNVERIFIED).
pub const EXTEND_FLOOR: Micros = 600 * SEC;
/// ASSUMED: the cap of a resolver that "decreases the TTL" (RIPE 2017 counts them, no size).
/// Decreasing only makes a resolver refresh sooner; it never lengthens stale routing.
pub const DECREASE_CAP: Micros = 30 * SEC;
/// PAM 2023: 8.74 % of 8,524 resolvers "extend the TTL arbitrarily" (Bhowmick, Ashiq, Deccio,
/// Chung, "TTL Violation of DNS Resolvers in the Wild", PAM 2023; ttl-behaviour.md §1, A).
pub const PAM2023_EXTEND_SHARE: f64 = 0.0874;
/// RIPE Atlas 2017: 4.17 % of 6,587 resolvers increase the TTL (Moura, RIPE Labs, 1 Dec 2017;
/// ttl-behaviour.md §1, S).
pub const RIPE2017_INCREASE_SHARE: f64 = 0.0417;
/// RIPE Atlas 2017: 1.97 % decrease it (same source, S).
pub const RIPE2017_DECREASE_SHARE: f64 = 0.0197;

/// The names of [`ttl_distribution`], for error messages.
pub const TTL_DISTRIBUTIONS: &[&str] =
    &["pam2023", "ripe2017", "public-resolvers", "public-non-ecs"];

/// A named resolver TTL distribution (workload `ttl = { mode = "distribution", preset }`):
///
/// - `pam2023`: extenders 8.74 % (PAM 2023, A) with floor [`EXTEND_FLOOR`] (ASSUMED value);
///   decreasers 1.97 % (RIPE 2017, S, the only figure for cutting) with cap [`DECREASE_CAP`]
///   (ASSUMED value); the rest honour the TTL.
/// - `ripe2017`: extenders 4.17 % and decreasers 1.97 % (RIPE 2017, S); the rest honour.
/// - `public-resolvers`: the caps observed on public resolvers (nullrouted.space 2023,
///   ttl-behaviour.md §2: Google 6 h, Quad9 12 h, OpenDNS 1 h, Cloudflare none). The split
///   between them is ASSUMED (APNIC's per-user shares could not be read, §5; Google is "the
///   most popular", A). Caps only bite on TTLs above them, so for failover records (≤ 300 s)
///   this behaves as honour; it is here so longer-TTL workloads get the observed caps.
pub fn ttl_distribution(name: &str) -> Option<TtlMix> {
    let part = |weight, value, label, source, status| Part {
        weight,
        value,
        label,
        source,
        status,
    };
    let extend = TtlPolicy::Floor { min: EXTEND_FLOOR };
    let decrease = TtlPolicy::Cap { max: DECREASE_CAP };
    Some(match name {
        "pam2023" => Mix {
            name: "pam2023",
            parts: vec![
                part(
                    1.0 - PAM2023_EXTEND_SHARE - RIPE2017_DECREASE_SHARE,
                    TtlPolicy::Honor,
                    "honour",
                    "remainder of PAM 2023 extenders and RIPE 2017 decreasers",
                    Status::Abstract,
                ),
                part(
                    PAM2023_EXTEND_SHARE,
                    extend,
                    "extend: floor 600s",
                    "PAM 2023 8.74% (A); floor 600 s ASSUMED (ISP anecdote, UNVERIFIED)",
                    Status::Abstract,
                ),
                part(
                    RIPE2017_DECREASE_SHARE,
                    decrease,
                    "decrease: cap 30s",
                    "RIPE Atlas 2017 1.97% (S); cap 30 s ASSUMED",
                    Status::SecondHand,
                ),
            ],
        },
        "ripe2017" => Mix {
            name: "ripe2017",
            parts: vec![
                part(
                    1.0 - RIPE2017_INCREASE_SHARE - RIPE2017_DECREASE_SHARE,
                    TtlPolicy::Honor,
                    "honour",
                    "remainder of RIPE Atlas 2017",
                    Status::SecondHand,
                ),
                part(
                    RIPE2017_INCREASE_SHARE,
                    extend,
                    "extend: floor 600s",
                    "RIPE Atlas 2017 4.17% (S); floor 600 s ASSUMED",
                    Status::SecondHand,
                ),
                part(
                    RIPE2017_DECREASE_SHARE,
                    decrease,
                    "decrease: cap 30s",
                    "RIPE Atlas 2017 1.97% (S); cap 30 s ASSUMED",
                    Status::SecondHand,
                ),
            ],
        },
        "public-resolvers" => Mix {
            name: "public-resolvers",
            parts: vec![
                part(
                    PUBLIC_ECS_FRACTION,
                    GOOGLE_CAP,
                    "google: cap 6h",
                    "cap observed (nullrouted.space 2023); share ASSUMED",
                    Status::Assumed,
                ),
                part(
                    0.2,
                    TtlPolicy::Honor,
                    "cloudflare: no cap",
                    "no cap observed (nullrouted.space 2023); share ASSUMED",
                    Status::Assumed,
                ),
                part(
                    0.1,
                    TtlPolicy::Cap { max: 43_200 * SEC },
                    "quad9: cap 12h",
                    "cap observed (nullrouted.space 2023); share ASSUMED",
                    Status::Assumed,
                ),
                part(
                    0.1,
                    TtlPolicy::Cap { max: 3_600 * SEC },
                    "opendns: cap 1h",
                    "cap observed (nullrouted.space 2023); share ASSUMED",
                    Status::Assumed,
                ),
            ],
        },
        // The public resolvers that do not send ECS: `public-resolvers` without Google, the
        // others' shares renormalised (all ASSUMED, as there).
        "public-non-ecs" => {
            let all = ttl_distribution("public-resolvers").expect("defined above");
            let rest: Vec<Part<TtlPolicy>> = all.parts[1..].to_vec();
            let total: f64 = rest.iter().map(|p| p.weight).sum();
            Mix {
                name: "public-non-ecs",
                parts: rest
                    .into_iter()
                    .map(|p| Part {
                        weight: p.weight / total,
                        ..p
                    })
                    .collect(),
            }
        }
        _ => return None,
    })
}

/// Google Public DNS's observed TTL cap: 21600 s on a 1-day A record (nullrouted.space 2023;
/// ttl-behaviour.md §2, UNVERIFIED as a rule).
pub const GOOGLE_CAP: TtlPolicy = TtlPolicy::Cap { max: 21_600 * SEC };

// ---------------------------------------------------------------------------------------------
// Population presets

/// The TTL behaviour of a preset's resolver class: one policy, or a named distribution.
#[derive(Debug, Clone, PartialEq)]
pub enum ClassTtl {
    Policy(TtlPolicy),
    Distribution(TtlMix),
}

/// One resolver class of a population preset.
#[derive(Debug, Clone, PartialEq)]
pub struct ClassPreset {
    pub name: &'static str,
    /// Share of clients using this class.
    pub share: f64,
    pub share_source: &'static str,
    pub share_status: Status,
    /// Mean clients per resolver (ASSUMED everywhere: no measurement of resolver sizes).
    pub clients_per_resolver: u32,
    pub ttl: ClassTtl,
    pub prefetch: bool,
    pub serve_stale: StaleMode,
    /// Cache-clock arithmetic (exact, or a real program's whole-second clock).
    pub clock: CacheClock,
    /// The TTL shown to clients (exact, or a real program's rule).
    pub display: TtlDisplay,
    /// Where the class's resolvers sit (workload `resolvers[].placement`).
    pub placement: PresetPlacement,
    /// Whether they send EDNS Client Subnet (workload `resolvers[].ecs`).
    pub ecs: bool,
}

/// Where a preset class's resolvers sit (the workload's `placement`; the simulator's own type
/// lives in sim-engine, which this crate does not depend on).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PresetPlacement {
    /// Near their clients (ISP, carrier, VPC resolvers).
    Local,
    /// A public resolver's anycast PoP nearest to the client.
    PublicAnycast,
    /// A corporate resolver at the company's site, far from some of its users.
    Central,
}

/// A population preset (workload `population = "…"`): resolver classes and client caches and
/// connection reuse, built bottom-up from the parts. A workload's own keys override it (see
/// `docs/workload.md` and `docs/calibration.md`).
#[derive(Debug, Clone, PartialEq)]
pub struct PopulationPreset {
    pub name: &'static str,
    pub description: &'static str,
    pub classes: Vec<ClassPreset>,
    /// Per-client OS stub behaviour.
    pub stub: StubMix,
    /// Application cache name (an [`AppCache::preset`]) and its source.
    pub app_cache: &'static str,
    pub app_source: &'static str,
    /// Kept-alive connection idle limit (before the load balancer's own) and its source.
    pub keepalive_idle: Micros,
    pub keepalive_source: &'static str,
    /// Mean requests per second per client, and its source (for sessions, the rate the
    /// pattern produces: [`Sessions::mean_rate`](crate::Sessions::mean_rate)).
    pub request_rate: f64,
    pub request_rate_source: &'static str,
    /// When clients send requests (workload `clients.pattern`), and its source.
    pub pattern: Pattern,
    /// Each sourced part of the pattern (its rate, or a session's requests, think time and
    /// gap), with its status.
    pub pattern_sources: Vec<Sourced>,
    /// Client HTTP stacks drawn per client (workload `clients.software`); `None`: every
    /// client runs `app_cache` and `keepalive_idle` as written here.
    pub software: Option<Mix<Option<ClientStack>>>,
}

impl PopulationPreset {
    /// The application cache (the name is one of [`AppCache::PRESETS`]).
    pub fn app(&self) -> AppCache {
        AppCache::preset(self.app_cache).expect("presets name known app caches")
    }

    /// The preset with class `i`'s share multiplied by `factor` and the others renormalised.
    pub fn with_class_share_scaled(&self, i: usize, factor: f64) -> PopulationPreset {
        let mut out = self.clone();
        let old = self.classes[i].share;
        let new = (old * factor).min(1.0);
        let rest = 1.0 - old;
        for (j, c) in out.classes.iter_mut().enumerate() {
            c.share = if j == i {
                new
            } else if rest > 0.0 {
                c.share * (1.0 - new) / rest
            } else {
                0.0
            };
        }
        out
    }
}

/// Share of clients on a public resolver: "28.3 % of 10.6k RIPE Atlas probes use at least one
/// public DNS service" (Doan, Fries, Bajpai; ttl-behaviour.md §5, A). Atlas probes skew
/// technical, so this is likely high for the general population.
pub const PUBLIC_RESOLVER_SHARE: f64 = 0.283;
/// ASSUMED: Google Public DNS's share of public-resolver clients, which is also the fraction
/// whose resolver sends EDNS Client Subnet. Google sends client /24s (blog.apnic.net 2018,
/// ttl-behaviour.md §5, V) and is "the most popular" public service (Doan et al., A), but no
/// per-service share was found (APNIC's per-user shares: UNVERIFIED); the other public services
/// in `public-resolvers` are taken not to send ECS (Cloudflare's 1.1.1.1 does not, per its
/// privacy policy; not in the research notes, so UNVERIFIED). The sensitivity analysis halves
/// and doubles the resulting class shares.
pub const PUBLIC_ECS_FRACTION: f64 = 0.6;
/// ASSUMED: share of clients behind a corporate resolver (no measurement found).
pub const CORPORATE_SHARE: f64 = 0.10;
/// ASSUMED: share of mobile clients on a public resolver (private DNS set by the user); no
/// measurement found.
pub const MOBILE_PUBLIC_SHARE: f64 = 0.10;

/// The names of [`population`], for error messages.
pub const POPULATIONS: &[&str] = &[
    "internet",
    "mobile-apps",
    "server-to-server",
    "honest",
    "hickory",
    "unbound",
    "bind",
    "dnsmasq",
    "pdns-recursor",
    "knot-resolver",
];

/// A real resolver program's population (`population = "unbound"`, …): `honest`'s clients (no
/// client cache, no connection reuse) behind resolvers running that program with its shipped
/// defaults ([`Software::default_config`]: TTL floor and cap) and its cache clock
/// ([`Software::clock`]: whole seconds, and Unbound's and Knot's extra second at TTL 0), the
/// quirks `gtsim validate` checks against the live program.
fn software_population(sw: Software) -> PopulationPreset {
    let b = sw
        .behaviour(&sw.default_config())
        .expect("shipped defaults are valid");
    let mut p = population("honest").expect("honest exists");
    p.name = sw.name();
    p.description = "one resolver program with its shipped defaults and cache clock \
                     (crates/resolver-models/src/software.rs), behind honest clients";
    p.classes = vec![ClassPreset {
        name: sw.name(),
        share: 1.0,
        share_source: "by definition",
        share_status: Status::Verified,
        clients_per_resolver: 500,
        ttl: ClassTtl::Policy(b.ttl),
        prefetch: b.prefetch,
        serve_stale: b.serve_stale,
        clock: b.clock,
        display: b.display,
        placement: PresetPlacement::Local,
        ecs: false,
    }];
    p
}

/// A named population preset; see `docs/calibration.md` for the walk-through.
pub fn population(name: &str) -> Option<PopulationPreset> {
    let dist = |n: &str| ClassTtl::Distribution(ttl_distribution(n).expect("known distribution"));
    let stub = |n: &str| crate::stub::stub_preset(n).expect("known stub preset");
    if let Some(sw) = Software::from_name(name) {
        return Some(software_population(sw));
    }
    Some(match name {
        "honest" => PopulationPreset {
            name: "honest",
            description: "the textbook case: every resolver honours the TTL, no client cache, no \
                          connection reuse",
            classes: vec![ClassPreset {
                name: "honest",
                share: 1.0,
                share_source: "by definition",
                share_status: Status::Verified,
                clients_per_resolver: 500,
                ttl: ClassTtl::Policy(TtlPolicy::Honor),
                prefetch: false,
                serve_stale: StaleMode::Off,
                clock: CacheClock::Exact,
                display: TtlDisplay::Exact,
                placement: PresetPlacement::Local,
                ecs: false,
            }],
            stub: stub("none"),
            app_cache: "none",
            app_source: "by definition",
            keepalive_idle: 0,
            keepalive_source: "by definition",
            request_rate: 1.0 / 30.0,
            request_rate_source: "WORKLOAD.md default",
            pattern: Pattern::Poisson,
            pattern_sources: vec![Sourced {
                part: "poisson",
                status: Status::Verified,
                source: "WORKLOAD.md default (the textbook renewal process)",
            }],
            software: None,
        },
        "internet" => PopulationPreset {
            name: "internet",
            description: "a general web population: ISP, public and corporate resolvers, \
                          browser clients (Chrome's 60 s host cache) on desktop OS stubs",
            classes: vec![
                ClassPreset {
                    name: "isp",
                    share: 1.0 - PUBLIC_RESOLVER_SHARE - CORPORATE_SHARE,
                    share_source: "remainder after public (A) and corporate (ASSUMED)",
                    share_status: Status::Assumed,
                    clients_per_resolver: 500,
                    ttl: dist("pam2023"),
                    prefetch: false,
                    serve_stale: StaleMode::Off,
                    clock: CacheClock::Exact,
                    display: TtlDisplay::Exact,
                    placement: PresetPlacement::Local,
                    ecs: false,
                },
                // Public resolvers answer from the anycast PoP nearest the client; those that
                // send ECS (Google-like) let Route 53 see the client's subnet, the others
                // their PoP (ttl-behaviour.md §5).
                ClassPreset {
                    name: "public-ecs",
                    share: PUBLIC_RESOLVER_SHARE * PUBLIC_ECS_FRACTION,
                    share_source: "Doan et al.: 28.3% of RIPE Atlas probes use a public DNS \
                                   service (A), times the ASSUMED 60% of them on Google \
                                   (ECS)",
                    share_status: Status::Assumed,
                    clients_per_resolver: 2000,
                    ttl: ClassTtl::Policy(GOOGLE_CAP),
                    // Google Public DNS prefetches popular records (Google Developers blog,
                    // 2009; ttl-behaviour.md §2, V); modelled as Unbound-style prefetch.
                    prefetch: true,
                    serve_stale: StaleMode::Off,
                    clock: CacheClock::Exact,
                    display: TtlDisplay::Exact,
                    placement: PresetPlacement::PublicAnycast,
                    ecs: true,
                },
                ClassPreset {
                    name: "public",
                    share: PUBLIC_RESOLVER_SHARE * (1.0 - PUBLIC_ECS_FRACTION),
                    share_source: "Doan et al.: 28.3% of RIPE Atlas probes use a public DNS \
                                   service (A), times the ASSUMED 40% of them on other \
                                   services (no ECS)",
                    share_status: Status::Assumed,
                    clients_per_resolver: 2000,
                    ttl: dist("public-non-ecs"),
                    // Prefetch is documented for Google only.
                    prefetch: false,
                    serve_stale: StaleMode::Off,
                    clock: CacheClock::Exact,
                    display: TtlDisplay::Exact,
                    placement: PresetPlacement::PublicAnycast,
                    ecs: false,
                },
                ClassPreset {
                    name: "corporate",
                    share: CORPORATE_SHARE,
                    share_source: "ASSUMED (no measurement found)",
                    share_status: Status::Assumed,
                    clients_per_resolver: 200,
                    ttl: dist("ripe2017"),
                    prefetch: false,
                    serve_stale: StaleMode::Off,
                    clock: CacheClock::Exact,
                    display: TtlDisplay::Exact,
                    // A corporate resolver at the company's site (seed 002's trap): the workload's
                    // first region unless `location` says otherwise (ASSUMED default).
                    placement: PresetPlacement::Central,
                    ecs: false,
                },
            ],
            stub: stub("os-default"),
            app_cache: "chrome",
            app_source: "Chrome host cache 60 s regardless of TTL (chromium \
                         kCacheEntryTTLSeconds, V); every client taken as a Chrome browser \
                         (per-client browser mix not built)",
            keepalive_idle: 300 * SEC,
            keepalive_source: "Chrome used idle socket 300 s (kUsedIdleSocketTimeout, V); \
                               ALB's 60 s idle timeout applies on top",
            request_rate: 1.0 / 30.0,
            request_rate_source: "WORKLOAD.md default (ASSUMED)",
            pattern: Pattern::Poisson,
            pattern_sources: vec![],
            software: None,
        },
        "mobile-apps" => PopulationPreset {
            name: "mobile-apps",
            description: "Android apps on OkHttp: carrier resolvers, libcore's 2 s address \
                          cache, netd's TTL-honouring cache, 5 min pooled connections",
            classes: vec![
                ClassPreset {
                    name: "carrier",
                    share: 1.0 - MOBILE_PUBLIC_SHARE,
                    share_source: "remainder after public (ASSUMED)",
                    share_status: Status::Assumed,
                    clients_per_resolver: 2000,
                    ttl: dist("pam2023"),
                    prefetch: false,
                    serve_stale: StaleMode::Off,
                    clock: CacheClock::Exact,
                    display: TtlDisplay::Exact,
                    placement: PresetPlacement::Local,
                    ecs: false,
                },
                ClassPreset {
                    name: "public-ecs",
                    share: MOBILE_PUBLIC_SHARE * PUBLIC_ECS_FRACTION,
                    share_source: "ASSUMED (no measurement for mobile), 60% of it on Google \
                                   (ECS; ASSUMED)",
                    share_status: Status::Assumed,
                    clients_per_resolver: 2000,
                    ttl: ClassTtl::Policy(GOOGLE_CAP),
                    prefetch: true,
                    serve_stale: StaleMode::Off,
                    clock: CacheClock::Exact,
                    display: TtlDisplay::Exact,
                    placement: PresetPlacement::PublicAnycast,
                    ecs: true,
                },
                ClassPreset {
                    name: "public",
                    share: MOBILE_PUBLIC_SHARE * (1.0 - PUBLIC_ECS_FRACTION),
                    share_source: "ASSUMED (no measurement for mobile), 40% of it on other \
                                   services (no ECS; ASSUMED)",
                    share_status: Status::Assumed,
                    clients_per_resolver: 2000,
                    ttl: dist("public-non-ecs"),
                    prefetch: false,
                    serve_stale: StaleMode::Off,
                    clock: CacheClock::Exact,
                    display: TtlDisplay::Exact,
                    placement: PresetPlacement::PublicAnycast,
                    ecs: false,
                },
            ],
            stub: stub("android"),
            app_cache: "android",
            app_source: "libcore AddressCache 2 s (AOSP, V)",
            keepalive_idle: 300 * SEC,
            keepalive_source: "OkHttp ConnectionPool 5 min keep-alive (square/okhttp, V)",
            request_rate: 1.0 / 30.0,
            request_rate_source: "WORKLOAD.md default (ASSUMED)",
            pattern: Pattern::Poisson,
            pattern_sources: vec![],
            software: None,
        },
        "server-to-server" => PopulationPreset {
            name: "server-to-server",
            description: "JVM services calling an API: VPC resolvers, Java's 30 s address \
                          cache, JDK HttpClient's 30 s keep-alive, glibc without a stub cache",
            classes: vec![ClassPreset {
                name: "vpc",
                share: 1.0,
                share_source: "by definition (services resolve through their VPC resolver)",
                share_status: Status::Verified,
                clients_per_resolver: 100,
                // Amazon EC2 local resolvers rewrote a 172800 s TTL to 60 s (RIPE Labs / SIDN
                // post quoting dns-oarc; ttl-behaviour.md §1, V as quoted): a 60 s cap.
                ttl: ClassTtl::Policy(TtlPolicy::Cap { max: 60 * SEC }),
                prefetch: false,
                serve_stale: StaleMode::Off,
                clock: CacheClock::Exact,
                display: TtlDisplay::Exact,
                placement: PresetPlacement::Local,
                ecs: false,
            }],
            stub: stub("none"),
            app_cache: "jvm-30s",
            app_source: "networkaddress.cache.ttl 30 s (OpenJDK InetAddressCachePolicy, V)",
            keepalive_idle: 30 * SEC,
            keepalive_source: "jdk.httpclient.keepalive.timeout 30 s (JDK docs, V)",
            request_rate: 1.0,
            request_rate_source: "ASSUMED: one call per second per service instance",
            pattern: Pattern::Poisson,
            pattern_sources: vec![],
            software: None,
        },
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_mix_and_population_sums_to_one() {
        for n in TTL_DISTRIBUTIONS {
            let m = ttl_distribution(n).unwrap();
            let s: f64 = m.parts.iter().map(|p| p.weight).sum();
            assert!((s - 1.0).abs() < 1e-12, "{n}: {s}");
        }
        for n in POPULATIONS {
            let p = population(n).unwrap();
            let s: f64 = p.classes.iter().map(|c| c.share).sum();
            assert!((s - 1.0).abs() < 1e-12, "{n}: {s}");
            let _ = p.app();
        }
        assert!(ttl_distribution("x").is_none());
        assert!(population("x").is_none());
    }

    /// pam2023: honour 89.29 %, extend 8.74 %, decrease 1.97 %, in that order.
    #[test]
    fn pick_follows_cumulative_weights() {
        let m = ttl_distribution("pam2023").unwrap();
        assert_eq!(m.pick(0.0), 0);
        assert_eq!(m.pick(0.8928), 0);
        assert_eq!(m.pick(0.8930), 1);
        assert_eq!(m.pick(0.9802), 1);
        assert_eq!(m.pick(0.9804), 2);
        assert_eq!(m.pick(0.999_999), 2);
        assert_eq!(m.parts[1].value.apply(60 * SEC), 600 * SEC);
        assert_eq!(m.parts[2].value.apply(60 * SEC), 30 * SEC);
    }

    /// Doubling 8.74 % gives 17.48 %; the other two keep their ratio and fill the rest.
    #[test]
    fn scaling_a_part_renormalises_the_rest() {
        let m = ttl_distribution("pam2023").unwrap();
        let d = m.with_part_scaled(1, 2.0);
        assert!((d.parts[1].weight - 0.1748).abs() < 1e-12);
        let s: f64 = d.parts.iter().map(|p| p.weight).sum();
        assert!((s - 1.0).abs() < 1e-12);
        let ratio = d.parts[0].weight / d.parts[2].weight;
        assert!((ratio - m.parts[0].weight / m.parts[2].weight).abs() < 1e-9);
        let h = m.with_part_scaled(1, 0.5);
        assert!((h.parts[1].weight - 0.0437).abs() < 1e-12);
        let p = population("internet")
            .unwrap()
            .with_class_share_scaled(1, 2.0);
        assert!((p.classes[1].share - 2.0 * 0.283 * PUBLIC_ECS_FRACTION).abs() < 1e-12);
        let s: f64 = p.classes.iter().map(|c| c.share).sum();
        assert!((s - 1.0).abs() < 1e-12);
    }

    #[test]
    fn uncertain_parts_are_the_unverified_shares() {
        let m = ttl_distribution("pam2023").unwrap();
        assert_eq!(m.uncertain_parts().count(), 3);
        let one = Mix::single("honor", TtlPolicy::Honor);
        assert_eq!(one.uncertain_parts().count(), 0);
        assert_eq!(Status::Assumed.label(), "ASSUMED");
    }
}
