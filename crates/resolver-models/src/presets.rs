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

/// "28.3 % of 10.6k RIPE Atlas probes use at least one public DNS service" (Doan, Fries,
/// Bajpai; ttl-behaviour.md §5, A): a share **per probe**, and Atlas probes skew technical, so
/// it bounds the share of users from above.
pub const PUBLIC_PROBE_SHARE: f64 = 0.283;
/// "8.04 % of users worldwide use either Google DNS or OpenDNS" (Turbobytes, 3.5 M RUM tests
/// from page views, October 2012; docs/client-stacks-research.md §3, third-party): a share **per
/// user**, but from before Cloudflare's 1.1.1.1 and browsers' DoH, so it bounds from below.
pub const PUBLIC_USER_SHARE_2012: f64 = 0.0804;
/// ASSUMED: share of users (one client = one person) on a public resolver, between the
/// per-user floor [`PUBLIC_USER_SHARE_2012`] and the per-probe ceiling [`PUBLIC_PROBE_SHARE`];
/// APNIC's per-user resolver shares (stats.labs.apnic.net/rvrs) would settle it but could not be
/// read here. The sensitivity analysis halves and doubles it (7.5-30 %), covering both bounds.
pub const PUBLIC_RESOLVER_SHARE: f64 = 0.15;
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

fn sessions(name: &str) -> crate::pattern::SessionPreset {
    crate::session_presets::session_preset(name).expect("known session preset")
}

/// A per-client mix of named client stacks ([`client_stack`](fn@crate::client_stack)).
fn stack_mix(
    name: &'static str,
    parts: &[(&str, f64, &'static str, Status)],
) -> Mix<Option<ClientStack>> {
    let total: f64 = parts.iter().map(|p| p.1).sum();
    Mix {
        name,
        parts: parts
            .iter()
            .map(|&(stack, w, source, status)| {
                let s = crate::client_stack(stack).expect("known client stack");
                Part {
                    weight: w / total,
                    value: Some(s),
                    label: s.name,
                    source,
                    status,
                }
            })
            .collect(),
    }
}

/// StatCounter, all platforms, **per page view** (via a secondary copy, ≈ 2022): Chrome
/// 63.06 %, Safari 19.84 %, Firefox 4.18 %, Edge 4.12 %, Samsung Internet 2.89 %, Opera 2.33 %;
/// docs/client-stacks-research.md §4.0. Every iOS browser runs WebKit and CFNetwork, so the
/// network stacks are Chromium ≈ 72 % (Chrome, Edge, Samsung, Opera off iOS), CFNetwork ≈ 23 %
/// (iOS 17 % of page views plus Safari on macOS) and Firefox ≈ 5 % (our derivation). A share of
/// page views taken as a share of users is ASSUMED (heavy users view more pages).
pub const WEB_STACK_SHARES: [f64; 3] = [0.72, 0.23, 0.05];
/// StatCounter mobile page views, September 2021 (secondary copy): Android 72.44 %, iOS 26.75 %.
pub const MOBILE_OS_SHARES: [f64; 2] = [0.7244, 0.2675];
/// ASSUMED: the share of Android apps on OkHttp rather than Cronet (range 0.5-0.95); no usage
/// measurement found.
pub const ANDROID_OKHTTP_FRACTION: f64 = 0.8;

/// `internet`'s browsers, drawn per user.
fn web_software() -> Mix<Option<ClientStack>> {
    let [chrome, safari, firefox] = WEB_STACK_SHARES;
    stack_mix(
        "web-browsers",
        &[
            (
                "chrome",
                chrome,
                "per page view (StatCounter via a copy, 3P): Chromium-engine browsers off iOS \
                 72%; as a share of users ASSUMED",
                Status::SecondHand,
            ),
            (
                "safari-cfnetwork",
                safari,
                "per page view (StatCounter via a copy, 3P): iOS browsers and Safari on macOS \
                 23%; as a share of users ASSUMED",
                Status::SecondHand,
            ),
            (
                "firefox",
                firefox,
                "per page view (StatCounter via a copy, 3P): Firefox 4-5%; as a share of users \
                 ASSUMED",
                Status::SecondHand,
            ),
        ],
    )
}

/// `mobile-apps`' HTTP stacks, drawn per user.
fn app_software() -> Mix<Option<ClientStack>> {
    let [android, ios] = MOBILE_OS_SHARES;
    stack_mix(
        "app-stacks",
        &[
            (
                "okhttp",
                android * ANDROID_OKHTTP_FRACTION,
                "Android 72.44% of mobile page views (StatCounter via a copy, 3P) times the \
                 ASSUMED 80% of Android apps on OkHttp",
                Status::Assumed,
            ),
            (
                "cronet",
                android * (1.0 - ANDROID_OKHTTP_FRACTION),
                "Android 72.44% of mobile page views (3P) times the ASSUMED 20% on Cronet",
                Status::Assumed,
            ),
            (
                "nsurlsession",
                ios,
                "iOS 26.75% of mobile page views (StatCounter via a copy, 3P); every iOS app \
                 on NSURLSession (CFNetwork) ASSUMED",
                Status::SecondHand,
            ),
        ],
    )
}

/// `server-to-server`'s HTTP clients, drawn per service instance: every share ASSUMED (no
/// measurement of which HTTP clients services run was found); the stacks' own values are V.
fn service_software() -> Mix<Option<ClientStack>> {
    let assumed = "ASSUMED: no usage measurement found";
    stack_mix(
        "service-clients",
        &[
            ("jvm-httpclient", 0.30, assumed, Status::Assumed),
            ("go", 0.25, assumed, Status::Assumed),
            ("node-fetch", 0.15, assumed, Status::Assumed),
            ("dotnet", 0.15, assumed, Status::Assumed),
            ("python-requests", 0.15, assumed, Status::Assumed),
        ],
    )
}

/// A named population preset; see `docs/calibration.md` for the walk-through.
pub fn population(name: &str) -> Option<PopulationPreset> {
    let dist = |n: &str| ClassTtl::Distribution(ttl_distribution(n).expect("known distribution"));
    let stub = |n: &str| crate::stub::stub_preset(n).expect("known stub preset");
    let (web, app) = (sessions("web-browsing"), sessions("mobile-app"));
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
            description: "people browsing the web, weighted by users: ISP, public and \
                          corporate resolvers; Chrome, Safari (CFNetwork) and Firefox drawn per \
                          user; sessions of page views separated by idle gaps",
            classes: vec![
                ClassPreset {
                    name: "isp",
                    share: 1.0 - PUBLIC_RESOLVER_SHARE - CORPORATE_SHARE,
                    share_source: "per user: remainder after public and corporate (both \
                                   ASSUMED); its TTL mix is per resolver address (pam2023)",
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
                    share_source: "per user: ASSUMED 15% on public resolvers (between 8.04% \
                                   per user in 2012, 3P, and 28.3% per RIPE Atlas probe, A), \
                                   times the ASSUMED 60% of them on Google (ECS)",
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
                    share_source: "per user: ASSUMED 15% on public resolvers (between 8.04% \
                                   per user in 2012, 3P, and 28.3% per RIPE Atlas probe, A), \
                                   times the ASSUMED 40% of them on other services (no ECS)",
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
                    share_source: "per user: ASSUMED (no measurement found)",
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
            app_source: "only with clients.software = \"none\": Chrome's system-resolver \
                         host cache, 60 s regardless of TTL (chromium kCacheEntryTTLSeconds, V)",
            keepalive_idle: 300 * SEC,
            keepalive_source: "only with clients.software = \"none\": Chrome's used idle \
                               socket 300 s (kUsedIdleSocketTimeout, V)",
            request_rate: web.sessions.mean_rate(),
            request_rate_source: "made by the web-browsing sessions (E[requests] / E[cycle])",
            pattern: Pattern::Sessions(web.sessions),
            pattern_sources: web.sources.to_vec(),
            software: Some(web_software()),
        },
        "mobile-apps" => PopulationPreset {
            name: "mobile-apps",
            description: "people in native apps, weighted by users: carrier and public \
                          resolvers; OkHttp, Cronet (Android) and NSURLSession (iOS) drawn per \
                          user; app sessions of about a minute separated by idle gaps",
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
            app_source: "only with clients.software = \"none\": libcore AddressCache 2 s \
                         (AOSP, V)",
            keepalive_idle: 300 * SEC,
            keepalive_source: "only with clients.software = \"none\": OkHttp ConnectionPool \
                               5 min keep-alive (square/okhttp, V)",
            request_rate: app.sessions.mean_rate(),
            request_rate_source: "made by the mobile-app sessions (E[requests] / E[cycle])",
            pattern: Pattern::Sessions(app.sessions),
            pattern_sources: app.sources.to_vec(),
            software: Some(app_software()),
        },
        "server-to-server" => PopulationPreset {
            name: "server-to-server",
            description: "service instances calling an API: VPC resolvers, glibc without a \
                          stub cache; JVM, Go, Node, .NET and Python HTTP clients drawn per \
                          instance; a Poisson stream of calls",
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
            app_source: "only with clients.software = \"none\": networkaddress.cache.ttl 30 s \
                         (OpenJDK InetAddressCachePolicy, V)",
            keepalive_idle: 30 * SEC,
            keepalive_source: "only with clients.software = \"none\": \
                               jdk.httpclient.keepalive.timeout 30 s (JDK docs, V)",
            request_rate: 1.0,
            request_rate_source: "ASSUMED: one call per second per service instance (range \
                                  0.1-100 /s; no measurement found)",
            pattern: Pattern::Poisson,
            pattern_sources: vec![
                Sourced {
                    part: "poisson",
                    status: Status::Verified,
                    source: "Palm-Khintchine: an instance's calls are the superposition of \
                             many independent upstream requests, which tends to Poisson",
                },
                Sourced {
                    part: "rate",
                    status: Status::Assumed,
                    source: "ASSUMED: 1 call/s per instance (range 0.1-100 /s)",
                },
            ],
            software: Some(service_software()),
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
        assert!((p.classes[1].share - 2.0 * 0.15 * PUBLIC_ECS_FRACTION).abs() < 1e-12);
        let s: f64 = p.classes.iter().map(|c| c.share).sum();
        assert!((s - 1.0).abs() < 1e-12);
    }

    /// Issue 13: people's presets run sessions and at least three named stacks drawn per
    /// client; every part says where its share comes from.
    #[test]
    fn people_presets_mix_stacks_and_run_sessions() {
        for n in ["internet", "mobile-apps", "server-to-server"] {
            let p = population(n).unwrap();
            let m = p.software.as_ref().expect("a software mix");
            assert!(m.parts.len() >= 3, "{n}");
            let s: f64 = m.parts.iter().map(|x| x.weight).sum();
            assert!((s - 1.0).abs() < 1e-12, "{n}: {s}");
            for part in &m.parts {
                let stack = part.value.expect("named stacks, not \"none\"");
                assert_eq!(part.label, stack.name);
                assert!(!part.source.is_empty());
            }
            assert!(!p.pattern_sources.is_empty(), "{n}");
            match p.pattern {
                Pattern::Sessions(x) => {
                    assert!(n != "server-to-server");
                    assert!((p.request_rate - x.mean_rate()).abs() < 1e-15);
                }
                Pattern::Poisson => assert_eq!(n, "server-to-server"),
                _ => panic!("{n}"),
            }
        }
        let web = population("internet").unwrap().software.unwrap();
        let names: Vec<_> = web.parts.iter().map(|p| p.label).collect();
        assert_eq!(names, ["chrome", "safari-cfnetwork", "firefox"]);
        assert!((web.parts[1].weight - 0.23).abs() < 1e-12);
        let app = population("mobile-apps").unwrap().software.unwrap();
        let android = MOBILE_OS_SHARES[0] / (MOBILE_OS_SHARES[0] + MOBILE_OS_SHARES[1]);
        assert!((app.parts[0].weight + app.parts[1].weight - android).abs() < 1e-12);
        assert!((app.parts[0].weight / app.parts[1].weight - 4.0).abs() < 1e-9);
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
