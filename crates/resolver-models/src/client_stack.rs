//! Client HTTP stacks (workload `clients.software`): what a browser engine, mobile stack, runtime
//! HTTP client or command-line tool does with DNS answers and connections, as far as gtsim's
//! client model can express it.
//!
//! Every value comes from docs/client-stacks-research.md (section 1, per software; section 1.12
//! the summary table) with its status there: V (the software's own source or documentation),
//! S (third-party observation, "3P" in the research file) or ASSUMED (no source; a parameter,
//! printed in reports). What the engine models per stack:
//!
//! - its own DNS cache ([`AppCache`]): none, a fixed lifetime whatever the TTL, or a TTL floor;
//! - its connection-pool idle limit (a kept-alive connection is reused while idle for less;
//!   `None` = no client-side limit, so only the load balancer's idle timeout closes it);
//! - what it does after a failed connect: the next address of the same answer, or give up on
//!   the request's first address ([`ClientStack::next_address`]); re-resolution after a failure
//!   is the application's `clients.retries`, which no stack sets (none re-resolves on its own);
//! - whether a failed connection drops its cached answer (`AppCache::Fixed::drop_on_failure`;
//!   no stack in the research does).
//!
//! Not expressible yet (stated in docs/workload.md and in each stack's [`Property`] rows as
//! "not modelled"): HTTP/1.1 pools of several sockets versus one HTTP/2 connection (a client
//! sends one request at a time, so both reduce to reusing one idle connection), a maximum
//! connection lifetime (.NET `PooledConnectionLifetime` infinite, curl 24 h: longer than any
//! run's window, and the engine has no connection age), the unused-socket (preconnect) limit,
//! Happy Eyeballs stagger times (the next address is tried when the connect fails), OkHttp's
//! per-IP route postponement, and Firefox's use of OS TTLs on Windows.

use crate::mix::Status;
use crate::{AppCache, Micros, SEC};

/// One documented property of a stack, with its value as text, its status and its source.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Property {
    /// `dns cache`, `idle limit`, `on connect failure`, `drops cached answer`, or a property
    /// the engine does not model (`max lifetime`, `reuse`).
    pub name: &'static str,
    pub value: &'static str,
    pub status: Status,
    pub source: &'static str,
    /// Whether the engine uses this value (else it is shown as "not modelled").
    pub modelled: bool,
}

/// A client HTTP stack as the engine models it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ClientStack {
    pub name: &'static str,
    /// Its own DNS cache, in front of the OS stub cache.
    pub app_cache: AppCache,
    /// Idle time after which a pooled connection is not reused; `None`: no client-side limit.
    pub keepalive_idle: Option<Micros>,
    /// After a failed connect, try the next address of the same answer (`false`: the request
    /// fails on its first address, as `HttpURLConnection` does).
    pub next_address: bool,
    /// Every property with its status and source (reports, `explain-preset`, docs).
    pub properties: &'static [Property],
}

const fn p(
    name: &'static str,
    value: &'static str,
    status: Status,
    source: &'static str,
    modelled: bool,
) -> Property {
    Property {
        name,
        value,
        status,
        source,
        modelled,
    }
}

const V: Status = Status::Verified;
/// Third-party observation ("3P" in the research file).
const S3P: Status = Status::SecondHand;
const ASSUMED: Status = Status::Assumed;

const R: &str = "docs/client-stacks-research.md";

const CHROME: &[Property] = &[
    p(
        "dns cache",
        "max(TTL, 60 s) (built-in resolver, on by default)",
        V,
        "chromium host_resolver_manager_job.cc kMinimumTTLSeconds; features.cc kAsyncDns (research 1.1)",
        true,
    ),
    p(
        "idle limit",
        "300 s (used idle socket)",
        V,
        "chromium client_socket_pool.cc g_used_idle_socket_timeout_s = 300",
        true,
    ),
    p(
        "on connect failure",
        "next address of the answer",
        V,
        "chromium transport_connect_job.cc",
        true,
    ),
    p(
        "drops cached answer",
        "no",
        V,
        "chromium connect job never touches the HostCache (research 1.1)",
        true,
    ),
    p(
        "reuse",
        "H1 6 sockets per host; H2 one session per origin",
        V,
        "client_socket_pool_manager.cc",
        false,
    ),
    p("max lifetime", "none found", ASSUMED, R, false),
];

const CRONET: &[Property] = &[
    p(
        "dns cache",
        "as chrome: max(TTL, 60 s)",
        ASSUMED,
        "Cronet is the Chromium net stack; its defaults not re-read (research 4.2)",
        true,
    ),
    p(
        "idle limit",
        "as chrome: 300 s",
        ASSUMED,
        "same code; Cronet defaults not re-read",
        true,
    ),
    p(
        "on connect failure",
        "next address (as chrome)",
        ASSUMED,
        R,
        true,
    ),
    p("drops cached answer", "no (as chrome)", ASSUMED, R, true),
];

const FIREFOX: &[Property] = &[
    p(
        "dns cache",
        "60 s whatever the TTL, then 60 s grace served while refreshing (no OS TTL: Linux)",
        V,
        "mozilla all.js network.dnsCacheExpiration, network.dnsCacheExpirationGracePeriod",
        true,
    ),
    p(
        "dns cache (Windows)",
        "OS TTL",
        V,
        "network.dns.get-ttl; not modelled",
        false,
    ),
    p(
        "idle limit",
        "115 s",
        V,
        "mozilla all.js network.http.keep-alive.timeout",
        true,
    ),
    p(
        "on connect failure",
        "next address (Happy Eyeballs 300 ms)",
        S3P,
        "curl docs on Firefox and Chrome (research 1.12)",
        true,
    ),
    p("drops cached answer", "no", ASSUMED, R, true),
];

const CFNETWORK: &[Property] = &[
    p(
        "dns cache",
        "none of its own (mDNSResponder honours the TTL)",
        ASSUMED,
        "closed source; no Apple documentation found (research 1.10)",
        true,
    ),
    p(
        "idle limit",
        "30 s on Wi-Fi (about 0 on cellular; range 0-120 s)",
        S3P,
        "Stack Overflow observation 'Keep alive not working properly on iOS' (research 1.10)",
        true,
    ),
    p("on connect failure", "next address", ASSUMED, R, true),
    p("drops cached answer", "no", ASSUMED, R, true),
    p(
        "reuse",
        "H1 4 per host; H2 one per origin",
        S3P,
        "research 1.10",
        false,
    ),
];

const OKHTTP: &[Property] = &[
    p(
        "dns cache",
        "none of its own; Android libcore AddressCache 2 s (on a JVM: 30 s, use jvm-* for it)",
        V,
        "okhttp Dns.kt (InetAddress.getAllByName); AOSP AddressCache (research 1.2)",
        true,
    ),
    p(
        "idle limit",
        "300 s (5 idle connections)",
        V,
        "okhttp ConnectionPool.kt constructor() : this(5, 5, TimeUnit.MINUTES)",
        true,
    ),
    p(
        "on connect failure",
        "next address (fast fallback over every address, 250 ms)",
        V,
        "okhttp FastFallbackExchangeFinder.kt",
        true,
    ),
    p(
        "drops cached answer",
        "no cache to drop; a failed route is postponed per IP (not modelled)",
        V,
        "okhttp RouteDatabase.kt",
        true,
    ),
    p(
        "max lifetime",
        "none (idle eviction only)",
        ASSUMED,
        "no such field found",
        false,
    ),
];

const JVM_URLCONN: &[Property] = &[
    p(
        "dns cache",
        "30 s whatever the TTL",
        V,
        "OpenJDK InetAddressCachePolicy DEFAULT_POSITIVE = 30; JDK 24 security manager disabled",
        true,
    ),
    p(
        "idle limit",
        "5 s (no server Keep-Alive hint)",
        V,
        "OpenJDK KeepAliveCache.java LIFETIME = 5000",
        true,
    ),
    p(
        "on connect failure",
        "first address only: the request fails",
        V,
        "OpenJDK NetworkClient.doConnect (one InetSocketAddress, no loop)",
        true,
    ),
    p(
        "drops cached answer",
        "no",
        ASSUMED,
        "InetAddress has no invalidation on connect failure",
        true,
    ),
];

const JVM_HTTPCLIENT: &[Property] = &[
    p(
        "dns cache",
        "30 s whatever the TTL",
        V,
        "OpenJDK InetAddressCachePolicy DEFAULT_POSITIVE = 30",
        true,
    ),
    p(
        "idle limit",
        "30 s",
        V,
        "jdk.httpclient.keepalive.timeout (JDK module docs)",
        true,
    ),
    p(
        "on connect failure",
        "first address only",
        ASSUMED,
        "as HttpURLConnection (research 1.3)",
        true,
    ),
    p("drops cached answer", "no", ASSUMED, R, true),
];

const GO: &[Property] = &[
    p(
        "dns cache",
        "none",
        V,
        "golang/go #24796 closed; maintainer statement (research 1.4)",
        true,
    ),
    p(
        "idle limit",
        "90 s (2 idle per host)",
        V,
        "net/http transport.go DefaultTransport IdleConnTimeout: 90 * time.Second",
        true,
    ),
    p(
        "on connect failure",
        "each address in order",
        V,
        "Go 1.5 release notes: Dial tries each IP address in order",
        true,
    ),
    p(
        "max lifetime",
        "none (no Transport field)",
        ASSUMED,
        R,
        false,
    ),
];

const NODE_HTTP: &[Property] = &[
    p(
        "dns cache",
        "none (dns.lookup on every connect)",
        ASSUMED,
        "Node docs; core not read in source (research 1.5)",
        true,
    ),
    p(
        "idle limit",
        "5 s (globalAgent, Node >= 19)",
        V,
        "nodejs/node PR #52392: globalAgent { keepAlive: true, timeout: 5000 }",
        true,
    ),
    p(
        "on connect failure",
        "next address (autoSelectFamily, Node >= 20, 250 ms)",
        V,
        "nodejs docs net.setDefaultAutoSelectFamily",
        true,
    ),
];

const NODE_FETCH: &[Property] = &[
    p(
        "dns cache",
        "none (undici DNS interceptor is opt-in)",
        V,
        "undici lib/global.js setGlobalDispatcher(new Agent())",
        true,
    ),
    p(
        "idle limit",
        "4 s (a server Keep-Alive hint may raise it to 600 s: not modelled)",
        V,
        "undici lib/dispatcher/client.js keepAliveTimeout 4e3",
        true,
    ),
    p(
        "on connect failure",
        "next address (autoSelectFamily)",
        V,
        "undici lib/core/connect.js",
        true,
    ),
];

const DOTNET: &[Property] = &[
    p(
        "dns cache",
        "none of its own (OS)",
        ASSUMED,
        "no cache in SocketsHttpHandler docs (research 1.6)",
        true,
    ),
    p(
        "idle limit",
        "60 s (.NET 6+)",
        V,
        "learn.microsoft.com SocketsHttpHandler.PooledConnectionIdleTimeout",
        true,
    ),
    p(
        "on connect failure",
        "addresses in turn",
        ASSUMED,
        "V for Socket.Connect(IPAddress[]); that SocketsHttpHandler uses it ASSUMED",
        true,
    ),
    p(
        "max lifetime",
        "infinite (PooledConnectionLifetime)",
        V,
        "learn.microsoft.com",
        false,
    ),
];

const PYTHON_REQUESTS: &[Property] = &[
    p(
        "dns cache",
        "none (getaddrinfo per new connection)",
        V,
        "urllib3 util/connection.py",
        true,
    ),
    p(
        "idle limit",
        "none: reused until the server or load balancer closes it",
        V,
        "urllib3 is_connection_dropped; no idle timer",
        true,
    ),
    p(
        "on connect failure",
        "each address in order",
        V,
        "urllib3 create_connection loop",
        true,
    ),
];

const PYTHON_HTTPX: &[Property] = &[
    p(
        "dns cache",
        "none",
        V,
        "httpx/httpcore use getaddrinfo (research 1.7)",
        true,
    ),
    p(
        "idle limit",
        "5 s",
        V,
        "python-httpx.org resource limits: keepalive_expiry default 5",
        true,
    ),
    p(
        "on connect failure",
        "each address (urllib3-like)",
        ASSUMED,
        R,
        true,
    ),
];

const CURL: &[Property] = &[
    p(
        "dns cache",
        "60 s whatever the TTL (per handle; the CLI lives for one invocation)",
        V,
        "curl CURLOPT_DNS_CACHE_TIMEOUT.md: 'libcurl caches this info for 60 seconds'",
        true,
    ),
    p(
        "idle limit",
        "118 s (CURLOPT_MAXAGE_CONN)",
        V,
        "curl CURLOPT_MAXAGE_CONN.md",
        true,
    ),
    p(
        "on connect failure",
        "every address (Happy Eyeballs, 200 ms)",
        V,
        "curl CURLOPT_HAPPY_EYEBALLS_TIMEOUT_MS.md",
        true,
    ),
    p(
        "drops cached answer",
        "no (only on CURLMOPT_NETWORK_CHANGED)",
        V,
        "curl lib/multi.c Curl_dnscache_clear",
        true,
    ),
    p(
        "max lifetime",
        "24 h (since 8.17.0)",
        V,
        "curl CURLOPT_MAXLIFETIME_CONN.md",
        false,
    ),
];

fn fixed(ttl_s: u64, grace_s: u64) -> AppCache {
    AppCache::Fixed {
        ttl: ttl_s * SEC,
        grace: grace_s * SEC,
        drop_on_failure: false,
    }
}

/// The stack named `name` (workload `clients.software`), or `None`.
pub fn client_stack(name: &str) -> Option<ClientStack> {
    let s = |name, app_cache, idle_s: Option<u64>, next_address, properties| ClientStack {
        name,
        app_cache,
        keepalive_idle: idle_s.map(|s| s * SEC),
        next_address,
        properties,
    };
    let chrome_dns = AppCache::Floor { min: 60 * SEC };
    Some(match name {
        "chrome" => s("chrome", chrome_dns, Some(300), true, CHROME),
        "cronet" => s("cronet", chrome_dns, Some(300), true, CRONET),
        "firefox" => s("firefox", fixed(60, 60), Some(115), true, FIREFOX),
        "safari-cfnetwork" => s(
            "safari-cfnetwork",
            AppCache::None,
            Some(30),
            true,
            CFNETWORK,
        ),
        "nsurlsession" => s("nsurlsession", AppCache::None, Some(30), true, CFNETWORK),
        "okhttp" => s("okhttp", fixed(2, 0), Some(300), true, OKHTTP),
        "jvm-httpurlconnection" => s(
            "jvm-httpurlconnection",
            fixed(30, 0),
            Some(5),
            false,
            JVM_URLCONN,
        ),
        "jvm-httpclient" => s(
            "jvm-httpclient",
            fixed(30, 0),
            Some(30),
            false,
            JVM_HTTPCLIENT,
        ),
        "go" => s("go", AppCache::None, Some(90), true, GO),
        "node-http" => s("node-http", AppCache::None, Some(5), true, NODE_HTTP),
        "node-fetch" => s("node-fetch", AppCache::None, Some(4), true, NODE_FETCH),
        "dotnet" => s("dotnet", AppCache::None, Some(60), true, DOTNET),
        "python-requests" => s(
            "python-requests",
            AppCache::None,
            None,
            true,
            PYTHON_REQUESTS,
        ),
        "python-httpx" => s("python-httpx", AppCache::None, Some(5), true, PYTHON_HTTPX),
        "curl" => s("curl", fixed(60, 0), Some(118), true, CURL),
        _ => return None,
    })
}

/// Every stack name, in the order of docs/workload.md's table.
pub const CLIENT_STACKS: &[&str] = &[
    "chrome",
    "cronet",
    "firefox",
    "safari-cfnetwork",
    "nsurlsession",
    "okhttp",
    "jvm-httpurlconnection",
    "jvm-httpclient",
    "go",
    "node-http",
    "node-fetch",
    "dotnet",
    "python-requests",
    "python-httpx",
    "curl",
];

impl ClientStack {
    /// The modelled properties that are not verified in a primary source (reports print them).
    pub fn uncertain(&self) -> impl Iterator<Item = &Property> {
        self.properties
            .iter()
            .filter(|p| p.modelled && p.status.uncertain())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_name_resolves_and_states_its_modelled_values() {
        for name in CLIENT_STACKS {
            let s = client_stack(name).unwrap();
            assert_eq!(s.name, *name);
            for prop in ["dns cache", "idle limit", "on connect failure"] {
                assert!(
                    s.properties.iter().any(|p| p.name == prop && p.modelled),
                    "{name}: {prop}"
                );
            }
        }
        assert!(client_stack("none").is_none());
        assert!(client_stack("grpc-go").is_none());
    }

    #[test]
    fn values_match_the_research_table() {
        let c = client_stack("chrome").unwrap();
        assert_eq!(c.app_cache, AppCache::Floor { min: 60 * SEC });
        assert_eq!(c.keepalive_idle, Some(300 * SEC));
        let j = client_stack("jvm-httpurlconnection").unwrap();
        assert!(!j.next_address);
        assert_eq!(j.keepalive_idle, Some(5 * SEC));
        assert_eq!(
            client_stack("python-requests").unwrap().keepalive_idle,
            None
        );
        assert_eq!(
            client_stack("okhttp").unwrap().app_cache,
            AppCache::preset("android").unwrap()
        );
        assert_eq!(client_stack("curl").unwrap().app_cache, fixed(60, 0));
        assert_eq!(
            client_stack("firefox").unwrap().app_cache,
            AppCache::preset("firefox").unwrap()
        );
        assert!(
            client_stack("safari-cfnetwork")
                .unwrap()
                .uncertain()
                .count()
                >= 3
        );
        assert_eq!(client_stack("go").unwrap().uncertain().count(), 0);
    }
}
