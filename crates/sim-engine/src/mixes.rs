//! Per-entity draws from behaviour mixes: each resolver's TTL policy (a class with `ttl = {
//! mode = "distribution" }`), each client's stub cache (`stub_cache = "os-default"`) and each
//! client's HTTP stack (`clients.software`, [`Stream::ClientSoftware`] keyed by the global
//! client id, as the stub).
//!
//! The hot loop stays cheap: every policy of every class sits in one small table and a resolver
//! stores a `u8` index into it; every stub behaviour of an arm sits in another and a client
//! stores a `u8` index. Draws happen once, when a shard builds its state, from
//! [`Stream::ResolverTtl`] keyed by the global resolver id and [`Stream::ClientStub`] keyed by
//! the global client id, so they do not depend on sharding or threads, and every arm sees the
//! same resolvers and clients (common random numbers).

use crate::Micros;
use crate::config::{
    AppCache, ClientStack, Clients, ResolverClass, SoftwareMix, StubCache, TtlPolicy, Workload,
};
use crate::rng::{Rng, Stream};
use resolver_models::Mix;

/// Largest table a `u8` index can address.
pub const MAX_TABLE: usize = u8::MAX as usize + 1;

/// The policy and stub tables of one arm, and how to draw from them.
pub struct Mixes {
    /// Every TTL policy of every class; a resolver holds an index into it.
    pub policies: Vec<TtlPolicy>,
    /// Per class: its first index into `policies` and its mix (`None`: one policy).
    classes: Vec<(usize, Option<Mix<TtlPolicy>>)>,
    /// The arm's stub behaviours; a client holds an index into it.
    pub stubs: Vec<StubCache>,
    stub_mix: Option<Mix<StubCache>>,
    /// The arm's client software rows (one, the keys as written, for `software = "none"`); a
    /// client holds an index into it.
    pub software: Vec<ClientProfile>,
    software_mix: Option<SoftwareMix>,
    ttl_rng: Rng,
    stub_rng: Rng,
    software_rng: Rng,
}

/// What the hot loop reads of a client's HTTP stack: its own DNS cache, its connection reuse
/// and what it does after a failed connect, with the workload's written keys applied.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ClientProfile {
    pub app: AppCache,
    /// The stack's own keep-alive idle limit (`Micros::MAX`: none); 0 = no reuse.
    pub keepalive_idle: Micros,
    /// The effective idle limit under the arm (with its load balancers' idle timeouts:
    /// [`Mixes::set_idle_limits`]); until set, `keepalive_idle`.
    pub idle_limit: Micros,
    /// After a failed connect, try the next address of a multivalue answer.
    pub next_address: bool,
}

/// A client's row: the keys as written (`stack` `None`), or `stack` with the written keys
/// ([`crate::config::SoftwareOverrides`]) on top.
fn profile(c: &Clients, stack: Option<ClientStack>) -> ClientProfile {
    let (app, keepalive_idle, next_address) = match stack {
        None => (c.app_cache, c.keepalive_idle, true),
        Some(s) => (
            if c.software_overrides.app_cache {
                c.app_cache
            } else {
                s.app_cache
            },
            if c.software_overrides.keepalive_idle {
                c.keepalive_idle
            } else {
                s.keepalive_idle.unwrap_or(Micros::MAX)
            },
            s.next_address,
        ),
    };
    ClientProfile {
        app,
        keepalive_idle,
        idle_limit: keepalive_idle,
        next_address,
    }
}

/// The software rows an arm's clients can have.
pub fn client_profiles(c: &Clients) -> Vec<ClientProfile> {
    match &c.software {
        Some(m) => m.parts.iter().map(|p| profile(c, p.value)).collect(),
        None => vec![profile(c, None)],
    }
}

/// The policies a class's resolvers can have.
fn class_policies(c: &ResolverClass) -> Vec<TtlPolicy> {
    match &c.ttl_mix {
        Some(m) => m.parts.iter().map(|p| p.value).collect(),
        None => vec![c.ttl],
    }
}

/// The stub behaviours an arm's clients can have.
fn client_stubs(c: &Clients) -> Vec<StubCache> {
    match &c.stub_mix {
        Some(m) => m.parts.iter().map(|p| p.value).collect(),
        None => vec![c.stub_cache],
    }
}

impl Mixes {
    /// Tables for workload `w` under an arm's client settings `clients`.
    ///
    /// Panics if a table outgrows a `u8` index; the loader bounds classes and mixes so that
    /// cannot happen ([`MAX_TABLE`]).
    pub fn new(w: &Workload, clients: &Clients) -> Mixes {
        let mut policies = Vec::new();
        let mut classes = Vec::with_capacity(w.resolvers.len());
        for c in &w.resolvers {
            classes.push((policies.len(), c.ttl_mix.clone()));
            policies.extend(class_policies(c));
        }
        let stubs = client_stubs(clients);
        let software = client_profiles(clients);
        assert!(
            policies.len() <= MAX_TABLE && stubs.len() <= MAX_TABLE && software.len() <= MAX_TABLE
        );
        Mixes {
            policies,
            classes,
            stubs,
            stub_mix: clients.stub_mix.clone(),
            software,
            software_mix: clients.software.clone(),
            ttl_rng: Rng::new(w.simulation.seed, Stream::ResolverTtl),
            stub_rng: Rng::new(w.simulation.seed, Stream::ClientStub),
            software_rng: Rng::new(w.simulation.seed, Stream::ClientSoftware),
        }
    }

    /// Set each software row's effective idle limit from its own keep-alive limit
    /// (`crate::run::arm_idle_limit_with`).
    pub fn set_idle_limits(mut self, limit: impl Fn(Micros) -> Micros) -> Mixes {
        for p in &mut self.software {
            p.idle_limit = limit(p.keepalive_idle);
        }
        self
    }

    /// The software index of client `gid` (global id).
    pub fn client_software(&self, gid: u64) -> u8 {
        match &self.software_mix {
            Some(m) => m.pick(self.software_rng.uniform(gid, 0)) as u8,
            None => 0,
        }
    }

    /// The policy index of resolver `rid` (global id) of class `class`.
    pub fn resolver_policy(&self, class: u8, rid: u64) -> u8 {
        let (first, mix) = &self.classes[class as usize];
        let i = match mix {
            Some(m) => m.pick(self.ttl_rng.uniform(rid, 0)),
            None => 0,
        };
        (first + i) as u8
    }

    /// The stub index of client `gid` (global id).
    pub fn client_stub(&self, gid: u64) -> u8 {
        match &self.stub_mix {
            Some(m) => m.pick(self.stub_rng.uniform(gid, 0)) as u8,
            None => 0,
        }
    }
}

/// The longest entry lifetime any resolver of `w` can give an answer of TTL `ttl` (sizes the
/// warm-up).
pub fn max_resolver_lifetime(w: &Workload, ttl: Micros) -> Micros {
    w.resolvers
        .iter()
        .flat_map(class_policies)
        .map(|p| p.max_lifetime(ttl))
        .max()
        .unwrap_or(0)
}

/// The longest stub lifetime any client under `clients` gives an answer with remaining TTL
/// `remaining` (sizes the warm-up).
pub fn max_stub_lifetime(clients: &Clients, remaining: Micros) -> Micros {
    client_stubs(clients)
        .iter()
        .filter_map(|s| s.lifetime(remaining))
        .max()
        .unwrap_or(0)
}

/// Report lines (`summary.json` `assumptions`) for every mix in use: its parts, shares and
/// their status, so no published figure silently rests on an assumed share.
pub fn assumptions(w: &Workload) -> Vec<String> {
    fn describe<T>(what: &str, m: &Mix<T>) -> String {
        let parts: Vec<String> = m
            .parts
            .iter()
            .map(|p| {
                format!(
                    "{} {:.2}% [{}: {}]",
                    p.label,
                    p.weight * 100.0,
                    p.status.label(),
                    p.source
                )
            })
            .collect();
        format!("{what} drawn from mix {:?}: {}", m.name, parts.join("; "))
    }
    let mut out = Vec::new();
    for c in &w.resolvers {
        if let Some(m) = &c.ttl_mix {
            out.push(describe(
                &format!("resolver class {:?}: each resolver's TTL policy", c.name),
                m,
            ));
        }
    }
    let mut seen: Vec<&str> = Vec::new();
    let all = || std::iter::once(&w.clients).chain(w.arms.iter().map(|a| &a.clients));
    for c in all() {
        if let Some(m) = &c.stub_mix
            && !seen.contains(&m.name)
        {
            seen.push(m.name);
            out.push(describe("each client's stub cache", m));
        }
    }
    // Client software: the mix (shares as written: the workload's, not a measurement), then
    // every modelled value of a stack in use that is not verified in a primary source.
    let mut mixes: Vec<(&Clients, &SoftwareMix)> = Vec::new();
    for c in all() {
        if let Some(m) = &c.software
            && !mixes.iter().any(|(_, x)| *x == m)
        {
            mixes.push((c, m));
        }
    }
    let mut stacks: Vec<&'static str> = Vec::new();
    for (c, m) in mixes {
        let overridden = |name: &str| {
            (name == "dns cache" && c.software_overrides.app_cache)
                || (name == "idle limit" && c.software_overrides.keepalive_idle)
        };
        out.push(describe("each client's HTTP stack (clients.software)", m));
        for part in &m.parts {
            let Some(s) = part.value else { continue };
            if stacks.contains(&s.name) {
                continue;
            }
            stacks.push(s.name);
            for p in s.uncertain().filter(|p| !overridden(p.name)) {
                out.push(format!(
                    "client software {:?}: {} = {} [{}: {}]",
                    s.name,
                    p.name,
                    p.value,
                    p.status.label(),
                    p.source
                ));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::SEC;
    use crate::testutil::two_region_workload;
    use resolver_models::presets::ttl_distribution;
    use resolver_models::stub::stub_preset;

    /// Draws are keyed by global id only and follow the mix's shares: over 100k resolvers the
    /// extender share of pam2023 (8.74 %) comes out within 5 sigma (sigma = 0.089 %).
    #[test]
    fn resolver_draws_follow_shares_and_ids() {
        let mut w = two_region_workload();
        let mut second = w.resolvers[0].clone();
        second.ttl_mix = Some(ttl_distribution("pam2023").unwrap());
        w.resolvers.push(second);
        let m = Mixes::new(&w, &w.clients);
        assert_eq!(m.policies.len(), 4);
        assert_eq!(m.resolver_policy(0, 7), 0); // class 0: its one policy
        let n = 100_000u64;
        let extenders = (0..n)
            .filter(|&rid| {
                m.policies[m.resolver_policy(1, rid) as usize].apply(60 * SEC) == 600 * SEC
            })
            .count() as f64;
        assert!(
            (extenders / n as f64 - 0.0874).abs() < 5.0 * 0.00089,
            "{extenders}"
        );
        // Same id, same draw: independent of who asks or when.
        let again = Mixes::new(&w, &w.clients);
        assert_eq!(
            m.resolver_policy(1, 12_345),
            again.resolver_policy(1, 12_345)
        );
        assert_eq!(max_resolver_lifetime(&w, 60 * SEC), 600 * SEC);
    }

    #[test]
    fn stub_draws_and_bounds() {
        let mut w = two_region_workload();
        w.clients.stub_mix = Some(stub_preset("os-default").unwrap());
        let m = Mixes::new(&w, &w.clients);
        let n = 100_000u64;
        let windows = (0..n).filter(|&g| m.client_stub(g) == 0).count() as f64 / n as f64;
        // sigma = sqrt(0.7 * 0.3 / n) = 0.145 %
        assert!((windows - 0.70).abs() < 5.0 * 0.00145, "{windows}");
        assert_eq!(max_stub_lifetime(&w.clients, 60 * SEC), 60 * SEC);
        assert_eq!(max_stub_lifetime(&Clients::default(), 60 * SEC), 0);
        assert_eq!(assumptions(&w).len(), 1);
        assert!(assumptions(&w)[0].contains("windows 70.00% [ASSUMED"));
    }
}
