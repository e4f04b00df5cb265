//! Named session processes (`clients.pattern = { kind = "sessions", preset = "…" }`), each
//! part with its source and status; docs/calibration.md ("Request patterns") walks through
//! them and docs/client-stacks-research.md §2 holds the quotes.
//!
//! Only one part of one preset rests on a measurement read in its primary source (the web
//! think time, PackMime-HTTP's fitted model); every other part is ASSUMED within a range the
//! sources bound, and `gtsim explain-preset NAME --sensitivity` halves and doubles it.

use crate::mix::Status;
use crate::pattern::{Count, Dist, SessionPreset, Sessions, Sourced};

/// The names [`session_preset`] knows.
pub const SESSION_PRESETS: &[&str] = &["web-browsing", "mobile-app"];

/// PackMime-HTTP's think time between page requests on one persistent connection (Cao,
/// Cleveland, Gao, Jeffay, Smith, Weigle, INFOCOM 2004; model code `packmime_ranvar.cc`,
/// fitted on UNC traces): log₂ T = loc + s·Z·√1.21 with loc ~ N(3.22, 0.73) per connection and
/// s² ~ Gamma(1.85, 1.85) (mean 1), reading `V_` as variances. Its marginal over connections is
/// close to log-normal with median 2^3.22 = 9.3 s and σ(log₂ T) = √(0.73 + 1.21) = 1.39, i.e.
/// σ(ln T) = 1.39 · ln 2 = 0.97 (the marginalisation is ours). Measured only on gaps that stayed
/// inside one persistent connection, so gaps longer than 2001's server keep-alive are missing.
pub const WEB_THINK: Dist = Dist::Lognormal {
    median: 9.3,
    sigma: 0.97,
};
/// ASSUMED: pages per web session, geometric with mean 6 (range 2–20); no measurement read.
pub const WEB_REQUESTS_MEAN: f64 = 6.0;
/// ASSUMED: the gap between one person's sessions on one site, log-normal with median 2 h and
/// σ 1 (range of the median 30 min–8 h). The only sourced constraint: sessions separate at
/// inactivity of about an hour (Halfaker et al., "User Session Identification Based on Strong
/// Regularities in Inter-activity Time", WWW 2015, abstract, A).
pub const WEB_GAP: Dist = Dist::Lognormal {
    median: 7_200.0,
    sigma: 1.0,
};

/// ASSUMED: gap between an app's requests within a session, exponential with mean 5 s (range
/// 1–20 s); no measurement read.
pub const APP_THINK: Dist = Dist::Exponential { mean: 5.0 };
/// Requests per app session, geometric with mean 11: a session of 10 think gaps of 5 s lasts
/// 50 s on average, matching "the average session with an application lasts less than a
/// minute" (Böhmer, Hecht, Schöning, Krüger, Bauer, MobileHCI 2011, abstract, A); the count
/// itself follows from the ASSUMED think time.
pub const APP_REQUESTS_MEAN: f64 = 11.0;
/// Gap between app sessions, log-normal with median 700 s and σ 1 (mean 1,154 s ≈ 19 min):
/// 50 sessions per day over 16 waking hours, 50 in the range "the average number of
/// interactions per day varies from 10 to 200" (Falaki et al., "Diversity in Smartphone
/// Usage", MobiSys 2010, abstract, A); the 16 h day, the family and σ are ASSUMED.
pub const APP_GAP: Dist = Dist::Lognormal {
    median: 700.0,
    sigma: 1.0,
};

/// A named session process.
pub fn session_preset(name: &str) -> Option<SessionPreset> {
    let src = |part, status, source| Sourced {
        part,
        status,
        source,
    };
    Some(match name {
        "web-browsing" => SessionPreset {
            name: "web-browsing",
            sessions: Sessions {
                requests: Count::Geometric {
                    mean: WEB_REQUESTS_MEAN,
                },
                think: WEB_THINK,
                gap: WEB_GAP,
            },
            sources: [
                src(
                    "requests",
                    Status::Assumed,
                    "ASSUMED: pages per session geometric, mean 6 (range 2-20); none read",
                ),
                src(
                    "think",
                    Status::Verified,
                    "PackMime-HTTP think time (Cao et al., INFOCOM 2004; model code \
                     packmime_ranvar.cc): log2-normal, median 2^3.22 = 9.3 s, marginal \
                     sigma(ln) 0.97",
                ),
                src(
                    "gap",
                    Status::Assumed,
                    "ASSUMED: log-normal, median 2 h, sigma 1 (median range 30 min-8 h); \
                     sessions separate at about 1 h of inactivity (Halfaker et al., WWW 2015, A)",
                ),
            ],
        },
        "mobile-app" => SessionPreset {
            name: "mobile-app",
            sessions: Sessions {
                requests: Count::Geometric {
                    mean: APP_REQUESTS_MEAN,
                },
                think: APP_THINK,
                gap: APP_GAP,
            },
            sources: [
                src(
                    "requests",
                    Status::Abstract,
                    "geometric, mean 11: 50 s sessions at 5 s gaps, as 'the average session \
                     with an application lasts less than a minute' (Boehmer et al., MobileHCI \
                     2011, A)",
                ),
                src(
                    "think",
                    Status::Assumed,
                    "ASSUMED: exponential, mean 5 s (range 1-20 s); none read",
                ),
                src(
                    "gap",
                    Status::Abstract,
                    "log-normal, median 700 s, sigma 1 (mean 19 min): 50 sessions per 16 waking \
                     hours, within 'interactions per day varies from 10 to 200' (Falaki et al., \
                     MobiSys 2010, A); 16 h, family and sigma ASSUMED",
                ),
            ],
        },
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Renewal-reward rates from the parts: web 6 / (5 × 9.3 e^{0.97²/2} + 7200 e^{1/2}),
    /// app 11 / (10 × 5 + 700 e^{1/2}).
    #[test]
    fn presets_make_the_rates_their_parts_imply() {
        let web = session_preset("web-browsing").unwrap().sessions;
        let think = 9.3 * (0.97f64 * 0.97 / 2.0).exp();
        let cycle = 5.0 * think + 7_200.0 * 0.5f64.exp();
        assert!((web.mean_rate() - 6.0 / cycle).abs() < 1e-12);
        assert!(
            (1.0 / web.mean_rate() - 1_990.6).abs() < 1.0,
            "{}",
            1.0 / web.mean_rate()
        );
        let app = session_preset("mobile-app").unwrap().sessions;
        let cycle = 50.0 + 700.0 * 0.5f64.exp();
        assert!((app.mean_rate() - 11.0 / cycle).abs() < 1e-12);
        // A mean session of 10 think gaps lasts under a minute, as the source says.
        assert!((app.requests.mean() - 1.0) * app.think.mean() < 60.0);
        for n in SESSION_PRESETS {
            let p = session_preset(n).unwrap();
            assert_eq!(p.name, *n);
            let parts: Vec<_> = p.sources.iter().map(|s| s.part).collect();
            assert_eq!(parts, ["requests", "think", "gap"]);
        }
        assert!(session_preset("x").is_none());
    }
}
