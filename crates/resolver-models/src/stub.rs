//! Named operating-system stub-resolver caches (workload `clients.stub_cache = "…"`) and
//! `"os-default"`, a documented mix of them drawn per client.
//!
//! Sources: `shared/research/ttl-behaviour.md` §2 (software defaults) and
//! `shared/research/peers.md` (dns-resolver-testing: "Linux `resolv` does not cache";
//! "Windows caches for the TTL").

use crate::mix::{Part, Status, StubMix};
use crate::{Micros, SEC, StubCache};

/// systemd-resolved: maximum cache TTL 2 h (`CACHE_TTL_MAX_USEC`, systemd
/// `src/resolve/resolved-dns-cache.c`; ttl-behaviour.md §2, V); no minimum clamp.
pub const SYSTEMD_RESOLVED_MAX_TTL: Micros = 2 * 3600 * SEC;
/// Windows DNS Client `MaxCacheTtl` 86400 s (MS KB 318803; ttl-behaviour.md §2, V).
pub const WINDOWS_MAX_TTL: Micros = 86_400 * SEC;
/// nscd `positive-time-to-live hosts` 3600 s (glibc sample `nscd.conf`, V). Whether nscd caps
/// the DNS TTL or overrides it is UNVERIFIED; modelled as a cap (ASSUMED).
pub const NSCD_MAX_TTL: Micros = 3600 * SEC;
/// A cap no TTL reaches: "honours the TTL". Android's netd/DnsResolver cache "expires on the
/// smallest TTL in the answer" (bionic/DnsResolver comments; ttl-behaviour.md §3, V/partly).
pub const HONOUR: Micros = Micros::MAX / 4;

/// ASSUMED shares of `"os-default"` (no OS market-share figure is in the research files):
/// Windows 0.70, Linux with systemd-resolved 0.15, Linux with plain glibc (no cache) 0.05,
/// macOS 0.10 (mDNSResponder's cache is unsourced, so macOS clients are modelled without a
/// stub cache and the share is labelled as such). Printed in reports; halved and doubled by the
/// sensitivity analysis.
pub const OS_DEFAULT_SHARES: [f64; 4] = [0.70, 0.15, 0.05, 0.10];

/// The names of [`stub_preset`], for error messages.
pub const STUB_PRESETS: &[&str] = &[
    "none",
    "os-default",
    "systemd-resolved",
    "windows",
    "nscd",
    "glibc",
    "android",
];

/// A named stub behaviour as a mix (one part for a single OS, several for `os-default`).
///
/// - `none` / `glibc`: no stub cache (plain glibc; Debian disables nscd's hosts cache, V).
/// - `systemd-resolved`: cap 2 h ([`SYSTEMD_RESOLVED_MAX_TTL`], V).
/// - `windows`: cap 86400 s ([`WINDOWS_MAX_TTL`], V).
/// - `nscd`: cap 3600 s ([`NSCD_MAX_TTL`], value V, behaviour ASSUMED).
/// - `android`: honours the TTL ([`HONOUR`], V/partly).
/// - `os-default`: [`OS_DEFAULT_SHARES`] of windows, systemd-resolved, glibc, macOS (no cache).
///
/// `macos` is not offered: mDNSResponder's caching has no figures (ttl-behaviour.md §2,
/// UNVERIFIED), so the loader refuses it with that reason.
pub fn stub_preset(name: &str) -> Option<StubMix> {
    let single = |name: &'static str, value: StubCache, source: &'static str, status| StubMix {
        name,
        parts: vec![Part {
            weight: 1.0,
            value,
            label: name,
            source,
            status,
        }],
    };
    let cap = |max_ttl| StubCache::Cap { max_ttl };
    Some(match name {
        "none" => single("none", StubCache::None, "no stub cache", Status::Verified),
        "glibc" => single(
            "glibc",
            StubCache::None,
            "plain glibc does not cache (nscd hosts cache off on Debian; peers.md)",
            Status::Verified,
        ),
        "systemd-resolved" => single(
            "systemd-resolved",
            cap(SYSTEMD_RESOLVED_MAX_TTL),
            "CACHE_TTL_MAX_USEC 2 h (systemd source)",
            Status::Verified,
        ),
        "windows" => single(
            "windows",
            cap(WINDOWS_MAX_TTL),
            "MaxCacheTtl 86400 s (MS KB 318803)",
            Status::Verified,
        ),
        "nscd" => single(
            "nscd",
            cap(NSCD_MAX_TTL),
            "positive-time-to-live 3600 s (nscd.conf); cap behaviour ASSUMED",
            Status::Assumed,
        ),
        "android" => single(
            "android",
            cap(HONOUR),
            "netd DnsResolver expires on the smallest TTL (AOSP, V/partly)",
            Status::Verified,
        ),
        "os-default" => {
            let [w, s, g, m] = OS_DEFAULT_SHARES;
            let part = |weight, value, label, source| Part {
                weight,
                value,
                label,
                source,
                status: Status::Assumed,
            };
            StubMix {
                name: "os-default",
                parts: vec![
                    part(w, cap(WINDOWS_MAX_TTL), "windows", "share ASSUMED; cap V"),
                    part(
                        s,
                        cap(SYSTEMD_RESOLVED_MAX_TTL),
                        "systemd-resolved",
                        "share ASSUMED; cap V",
                    ),
                    part(g, StubCache::None, "glibc", "share ASSUMED; no cache V"),
                    part(
                        m,
                        StubCache::None,
                        "macos (no cache modelled)",
                        "share ASSUMED; mDNSResponder unsourced, modelled without a cache",
                    ),
                ],
            }
        }
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn presets_cap_as_documented() {
        let one = |n: &str| stub_preset(n).unwrap().parts[0].value;
        // A 60 s answer: every cap keeps 60 s; none keeps nothing.
        assert_eq!(one("systemd-resolved").lifetime(60 * SEC), Some(60 * SEC));
        // A 1-day answer: systemd-resolved keeps 2 h, nscd 1 h, Windows the day.
        assert_eq!(
            one("systemd-resolved").lifetime(86_400 * SEC),
            Some(7200 * SEC)
        );
        assert_eq!(one("nscd").lifetime(86_400 * SEC), Some(3600 * SEC));
        assert_eq!(one("windows").lifetime(90_000 * SEC), Some(86_400 * SEC));
        assert_eq!(one("android").lifetime(45 * SEC), Some(45 * SEC));
        assert_eq!(one("glibc").lifetime(45 * SEC), None);
        for n in STUB_PRESETS {
            let m = stub_preset(n).unwrap();
            let s: f64 = m.parts.iter().map(|p| p.weight).sum();
            assert!((s - 1.0).abs() < 1e-12, "{n}");
        }
        assert!(stub_preset("macos").is_none());
    }

    /// os-default: u < 0.70 Windows, < 0.85 systemd-resolved, < 0.90 glibc, else macOS.
    #[test]
    fn os_default_draws_by_share() {
        let m = stub_preset("os-default").unwrap();
        assert_eq!(m.pick(0.69), 0);
        assert_eq!(m.pick(0.71), 1);
        assert_eq!(m.pick(0.86), 2);
        assert_eq!(m.pick(0.95), 3);
        assert_eq!(m.uncertain_parts().count(), 4);
    }
}
