//! gtsim's live DNS harness: checks the simulator's resolver models against real DNS software
//! answering live records on loopback, and reports the gap.
//!
//! - [`auth`]: hickory-server on 127.0.0.1 (UDP and TCP) answering every query with what
//!   sim-engine's Route 53 policy code answers then, for the resolver's site or the client's
//!   subnet ([`scenario`]);
//! - [`resolvers`]: hickory-resolver in process and Unbound, dnsmasq, BIND 9, PowerDNS Recursor
//!   and Knot Resolver as foreground daemons on loopback high ports ([`procs`]: ended by PID,
//!   temp folders removed, also on Ctrl-C through [`procs::emergency_cleanup`]);
//! - clients: tokio tasks sending Poisson A queries through each resolver ([`wire`]);
//! - [`analysis`]: switch delays and stale fractions from the answers, the model's prediction
//!   from [`resolver_models`] driven the same way, and the two-sample KS test.
//!
//! What this validates: each resolver program's caching (TTL floor, whole-second arithmetic,
//! what it serves when) against its model, and the policy answers reaching clients. What it
//! does not: AWS's own timing (health-checker behaviour, propagation to Route 53 locations),
//! which no local run can observe.

pub mod analysis;
pub mod auth;
pub mod procs;
pub mod resolvers;
pub mod scenario;
pub mod wire;

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use rand::{RngExt, SeedableRng, rngs::StdRng};
use resolver_models::{CacheClock, EcsSupport, ResolverBehaviour, Software, SoftwareConfig};
use sim_engine::{Micros, SEC};

use analysis::{Query, Samples};
use scenario::{Kind, Scaled, site_of, source_addr};

/// The family-wise significance level of a validation run: the chance that a run whose models
/// are all right fails anyway. Each of the k resolvers run is tested at `ALPHA / k`
/// (Bonferroni), so that "validate passes" is one decision at level 0.01 rather than six at
/// 0.01 each (which would fail a correct run about 6 % of the time).
pub const ALPHA: f64 = 0.01;

/// The level of each resolver's KS test when `k` resolvers are tested in one run.
pub fn per_test_alpha(k: usize) -> f64 {
    ALPHA / k.max(1) as f64
}

/// What to run.
#[derive(Debug, Clone)]
pub struct Options {
    pub resolvers: Vec<Software>,
    pub scaled: Scaled,
    /// Predict every resolver with this behaviour instead of its software model (to show that
    /// a wrong model fails validation).
    pub model_override: Option<ResolverBehaviour>,
}

/// How a resolver's validation went.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// Ran; passed if the KS distance is within its critical value.
    Ran { pass: bool },
    /// Its program is not installed: not run (never counted as passed).
    NotRun(String),
    /// It could not be started or configured.
    Failed(String),
}

/// One kind of name's samples through one resolver (descriptive: the pass rule is on the
/// pooled samples, one test per resolver).
#[derive(Debug, Clone, Default)]
pub struct KindResult {
    pub observed: Samples,
    pub predicted: Samples,
    pub ks: f64,
}

/// Whose location the latency answers followed. An answer is *explained* by a site when it was
/// in that site's answer set at some moment of the `settle` window before it was sent (the
/// longest any cache here can keep an entry, plus a second), so a stale answer still counts
/// as explained. Counted over the answers to latency names: explained by the client subnet's
/// site only, by the resolver's site only, and by both or neither (ambiguous). A resolver that
/// sends ECS and caches per subnet gives only the first kind, one that does not only the
/// second.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct EcsCheck {
    pub client_site: u64,
    pub resolver_site: u64,
    pub ambiguous: u64,
}

/// The records a change list allowed at some time in `[from, to]`.
fn allowed_during(sets: &[(Micros, u128)], from: Micros, to: Micros) -> u128 {
    let mut m = scenario::set_at(sets, from);
    for &(t, set) in sets {
        if t > from && t <= to {
            m |= set;
        }
    }
    m
}

impl EcsCheck {
    fn count(
        &mut self,
        client: &[(Micros, u128)],
        resolver: &[(Micros, u128)],
        q: &[Query],
        settle: Micros,
    ) {
        for q in q {
            let Some(a) = q.answer else { continue };
            let from = q.sent.saturating_sub(settle);
            let c = allowed_during(client, from, q.sent) >> a & 1 == 1;
            let r = allowed_during(resolver, from, q.sent) >> a & 1 == 1;
            match (c, r) {
                (true, false) => self.client_site += 1,
                (false, true) => self.resolver_site += 1,
                _ => self.ambiguous += 1,
            }
        }
    }

    /// Answers explained by one site only.
    pub fn decided(&self) -> u64 {
        self.client_site + self.resolver_site
    }

    /// The share of those that only the client's subnet explains (NaN without any).
    pub fn client_share(&self) -> f64 {
        self.client_site as f64 / self.decided() as f64
    }

    /// The share of those that only the resolver's site explains.
    pub fn resolver_share(&self) -> f64 {
        self.resolver_site as f64 / self.decided() as f64
    }
}

/// The share of answers whose shown TTL must match the display rule for a resolver to pass.
/// The only mismatches a right rule leaves are answers within milliseconds of a whole-second
/// boundary, where the authoritative's and the clients' timestamps fall in a different second
/// than the resolver's own reading; measured 0-1.5 % with each program's rule, against 13-100 %
/// with the other rules (docs/live-validation.md "TTL shown to clients").
pub const SHOWN_TTL_MIN_MATCH: f64 = 0.95;

/// The TTLs shown with answers against the display rule's prediction.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ShownCheck {
    pub matched: u64,
    pub answers: u64,
    /// `(predicted, observed)` seconds → answers, for the ones that did not match.
    pub mismatches: BTreeMap<(u32, u32), u64>,
}

impl ShownCheck {
    fn count(&mut self, predicted: u32, observed: u32) {
        self.answers += 1;
        if predicted == observed {
            self.matched += 1;
        } else {
            *self.mismatches.entry((predicted, observed)).or_default() += 1;
        }
    }

    /// The share of answers that matched (NaN without any).
    pub fn share(&self) -> f64 {
        self.matched as f64 / self.answers as f64
    }

    /// Enough answers, and enough of them matched.
    pub fn ok(&self) -> bool {
        self.answers >= 50 && self.share() >= SHOWN_TTL_MIN_MATCH
    }
}

/// One resolver's result.
#[derive(Debug, Clone)]
pub struct ResolverResult {
    pub software: Software,
    pub config: SoftwareConfig,
    /// The model predicted with (its `Debug` form, for reports).
    pub model: String,
    pub outcome: Outcome,
    pub observed: Samples,
    pub predicted: Samples,
    pub ks: f64,
    pub critical: f64,
    /// KS distance of the observed delays from the same model with the other cache clock
    /// (inclusive and exclusive whole seconds swapped; exact → exclusive whole seconds): how
    /// well the run tells the clock quirks apart.
    pub alt_ks: f64,
    /// Authoritative fetches the model predicts for this resolver (mean over replicas).
    pub predicted_fetches: f64,
    /// Queries for the scheduled names the authoritative got from this resolver's source
    /// address during the schedule.
    pub auth_queries: u64,
    /// The samples per kind of name (all kinds pooled in `observed` / `predicted`).
    pub by_kind: BTreeMap<Kind, KindResult>,
    /// Whose location decided the latency answers clients got: their subnet's or the
    /// resolver's.
    pub ecs: EcsCheck,
    /// The TTL shown with each answer (on names with one cache entry per resolver) against
    /// the program's display rule, given when the resolver fetched (from the authoritative's
    /// log): answers that match, and every (predicted, observed) pair that did not.
    pub shown: ShownCheck,
    pub pid: Option<u32>,
    pub port: Option<u16>,
}

/// A whole validation run.
#[derive(Debug, Clone)]
pub struct Report {
    pub scaled: Scaled,
    pub results: Vec<ResolverResult>,
    /// Queries the authoritative server answered during the schedule (readiness probes excluded).
    pub auth_queries: u64,
    /// Answer-set changes in the schedule (a name whose sites differ counts each site's).
    pub changes: usize,
    /// Queries for scheduled names that came from no known resolver address (should be 0).
    pub unknown_source_queries: u64,
    /// Queries that carried an EDNS Client Subnet option.
    pub ecs_queries: u64,
    pub wall: Duration,
    pub auth_port: u16,
}

impl Report {
    /// Did every resolver that was asked for run and pass?
    pub fn all_passed(&self) -> bool {
        self.results
            .iter()
            .all(|r| r.outcome == Outcome::Ran { pass: true })
    }
}

/// The config every resolver gets: its package defaults with the scenario's TTL floor, and
/// ECS where the program caches per subnet and the scenario asks for it.
pub fn scenario_config(s: Software, sc: &Scaled) -> SoftwareConfig {
    SoftwareConfig {
        min_ttl_s: sc.min_ttl_s,
        ecs: sc.ecs && s.ecs_support() == EcsSupport::PerSubnetCache,
        ..s.default_config()
    }
}

/// Run the validation: start the authoritative and the resolvers, run the clients through the
/// schedule, stop everything, and compare with the models.
pub fn run(opts: &Options) -> Result<Report, String> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| format!("tokio runtime: {e}"))?;
    let report = rt.block_on(run_async(opts));
    rt.shutdown_timeout(Duration::from_secs(2));
    report
}

async fn run_async(opts: &Options) -> Result<Report, String> {
    let started = Instant::now();
    let sc = &opts.scaled;
    let schedule = scenario::schedule(sc);
    let names: Vec<String> = schedule.iter().map(|n| n.name.clone()).collect();
    let auth = Arc::new(
        auth::Authoritative::start(schedule.clone(), sc.record_ttl_s)
            .await
            .map_err(|e| format!("authoritative server: {e}"))?,
    );

    let mut results: BTreeMap<Software, ResolverResult> = BTreeMap::new();
    // Resolvers that were started (the others already have their outcome).
    let mut started_ok: Vec<Software> = Vec::new();
    let mut running = Vec::new();
    for &s in &opts.resolvers {
        let config = scenario_config(s, sc);
        let model = match opts.model_override {
            Some(b) => Ok(b),
            None => s.behaviour(&config).map_err(|e| e.to_string()),
        };
        let mut r = ResolverResult {
            software: s,
            config,
            model: model
                .as_ref()
                .map_or_else(|e| e.clone(), |b| format!("{b:?}")),
            outcome: Outcome::Failed("not analysed".into()),
            observed: Samples::default(),
            predicted: Samples::default(),
            ks: f64::NAN,
            critical: f64::NAN,
            alt_ks: f64::NAN,
            predicted_fetches: 0.0,
            auth_queries: 0,
            by_kind: BTreeMap::new(),
            ecs: EcsCheck::default(),
            shown: ShownCheck::default(),
            pid: None,
            port: None,
        };
        if let Err(e) = model {
            r.outcome = Outcome::Failed(format!("no model: {e}"));
        } else if let Err(e) = resolvers::available(s) {
            r.outcome = Outcome::NotRun(e);
        } else {
            match resolvers::start(s, &config, auth.port, source_addr(s as u8)).await {
                Ok(run) => {
                    r.pid = run.pid;
                    r.port = Some(run.port);
                    started_ok.push(s);
                    running.push(run);
                }
                Err(e) => r.outcome = Outcome::Failed(e),
            }
        }
        results.insert(s, r);
    }

    // The schedule's clock starts now, at the authoritative too; the resolvers' whole seconds
    // are the wall clock's.
    let before = auth.policies.queries_by_source();
    let t0 = tokio::time::Instant::now();
    auth.policies.start_clock(t0);
    // Schedule time t is wall-clock time W0 + t; the resolvers count whole seconds of the wall
    // clock, so on a clock whose whole seconds are multiples of SEC, t reads t + subsec(W0).
    let clock_offset = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.subsec_micros() as Micros)
        .unwrap_or(0);

    // The clients: per (resolver, name), `clients_per_name` Poisson tasks.
    let mut tasks = Vec::new();
    for run in &running {
        for (k, name) in names.iter().enumerate() {
            for c in 0..sc.clients_per_name {
                let key = analysis::mix(
                    sc.seed
                        ^ analysis::mix((run.software as u64) << 40 ^ (k as u64) << 20 ^ c as u64),
                );
                let rate = sc.rate_per_name / sc.clients_per_name as f64;
                let (addr, name, end) = (resolvers::addr(run), name.clone(), sc.duration);
                let software = run.software;
                let client_site = c % scenario::SITES;
                let bind = scenario::client_addr(client_site, software as u8);
                tasks.push(tokio::spawn(async move {
                    let mut rng = StdRng::seed_from_u64(key);
                    let times = analysis::poisson_times(&mut rng, rate, end);
                    let sock = tokio::net::UdpSocket::bind((bind, 0)).await.ok()?;
                    sock.connect(addr).await.ok()?;
                    let mut out = Vec::with_capacity(times.len());
                    let mut buf = [0u8; 512];
                    for t in times {
                        tokio::time::sleep_until(t0 + Duration::from_micros(t)).await;
                        let id: u16 = rng.random();
                        let sent = t0.elapsed().as_micros() as Micros;
                        let _ = sock.send(&wire::a_query(id, &name)).await;
                        let deadline = tokio::time::Instant::now() + Duration::from_secs(2);
                        let (mut answer, mut ttl) = (None, None);
                        let mut recv = sent;
                        while let Ok(Ok(n)) =
                            tokio::time::timeout_at(deadline, sock.recv(&mut buf)).await
                        {
                            if let Some(a) = wire::parse_answer(&buf[..n]).filter(|a| a.id == id) {
                                recv = t0.elapsed().as_micros() as Micros;
                                answer = a.a.and_then(|(ip, _)| auth::record_of(ip));
                                ttl = a.a.map(|(_, ttl)| ttl);
                                break;
                            }
                        }
                        out.push(Query {
                            sent,
                            recv,
                            answer,
                            ttl,
                        });
                    }
                    Some((software, k, client_site, out))
                }));
            }
        }
    }
    // Answers per (resolver, name, client site).
    let mut observed: BTreeMap<(Software, usize, usize), Vec<Query>> = BTreeMap::new();
    for t in tasks {
        if let Ok(Some((s, k, cs, q))) = t.await {
            observed.entry((s, k, cs)).or_default().extend(q);
        }
    }
    let after = auth.policies.queries_by_source();
    let since = |src: Option<u8>| {
        after.get(&src).copied().unwrap_or(0) - before.get(&src).copied().unwrap_or(0)
    };
    let auth_queries: u64 = after.values().sum::<u64>() - before.values().sum::<u64>();
    let fetches = auth.policies.fetches();
    let auth_port = auth.port;
    drop(running); // every daemon ended by PID, in-process resolver stopped

    let alpha = per_test_alpha(results.len());
    for r in results.values_mut() {
        if !started_ok.contains(&r.software) {
            continue;
        }
        let idx = r.software as u8;
        let site = site_of(idx);
        let behaviour = match opts.model_override {
            Some(b) => b,
            None => r.software.behaviour(&r.config).expect("checked above"),
        };
        let mut obs: BTreeMap<Kind, Samples> = BTreeMap::new();
        let mut ecs = EcsCheck::default();
        for (k, name) in schedule.iter().enumerate() {
            let mut groups: Vec<Vec<Query>> = (0..scenario::SITES)
                .map(|cs| observed.remove(&(r.software, k, cs)).unwrap_or_default())
                .collect();
            if name.kind == Kind::Latency {
                // The longest a cache here keeps an entry (whole-second clocks add up to 1 s),
                // plus 1 s for the query's own time.
                let settle = (sc.min_ttl_s.max(sc.record_ttl_s) as Micros + 2) * SEC;
                for (cs, q) in groups.iter().enumerate() {
                    ecs.count(&name.sets[cs], &name.sets[site], q, settle);
                }
            }
            let per_subnet = analysis::per_subnet(r.config.ecs, name);
            if !per_subnet {
                // The TTL shown, against the fetch that filled the entry: the latest one from
                // this resolver for this name that reached the authoritative before the answer.
                let mut mine: Vec<Micros> = fetches
                    .iter()
                    .filter(|f| f.resolver == Some(idx) && f.name == k)
                    .map(|f| f.at)
                    .collect();
                mine.sort_unstable(); // arrival times are read before the log's lock
                for q in groups.iter().flatten() {
                    let i = mine.partition_point(|&t| t <= q.recv);
                    if let (Some(ttl), Some(&at)) = (q.ttl, mine.get(i.wrapping_sub(1))) {
                        let record = sc.record_ttl_s as Micros * SEC;
                        let fetched = at + clock_offset;
                        let predicted = behaviour.shown_ttl(
                            behaviour.entry_expiry(fetched, record),
                            behaviour.ttl.apply(record),
                            record,
                            q.recv + clock_offset,
                            at >= q.sent,
                        ) / SEC;
                        r.shown.count(predicted as u32, ttl);
                    }
                }
                // One cache entry for every client: one stream of answers.
                let all: Vec<Query> = groups.drain(..).flatten().collect();
                groups = vec![all];
            }
            for (g, mut q) in groups.into_iter().enumerate() {
                q.sort_by_key(|q| q.sent);
                let sets = &name.sets[if per_subnet { g } else { site }];
                obs.entry(name.kind)
                    .or_default()
                    .merge(&analysis::samples(sets, &q, sc.duration));
            }
        }
        r.ecs = ecs;
        let ecs_on = r.config.ecs;
        let (pred, fetches) =
            analysis::predict(sc, &schedule, &behaviour, clock_offset, idx, ecs_on);
        let alt = ResolverBehaviour {
            clock: match behaviour.clock {
                CacheClock::WholeSeconds { inclusive } => CacheClock::WholeSeconds {
                    inclusive: !inclusive,
                },
                CacheClock::Exact => CacheClock::WholeSeconds { inclusive: false },
            },
            ..behaviour
        };
        let (alt_pred, _) = analysis::predict(sc, &schedule, &alt, clock_offset, idx, ecs_on);
        let (all_obs, all_pred) = (analysis::pooled(&obs), analysis::pooled(&pred));
        r.ks = analysis::ks_distance(&all_obs.outcomes(), &all_pred.outcomes());
        r.alt_ks =
            analysis::ks_distance(&all_obs.outcomes(), &analysis::pooled(&alt_pred).outcomes());
        r.critical = analysis::ks_critical(
            alpha,
            all_obs.outcomes().len().max(1),
            all_pred.outcomes().len().max(1),
        );
        r.by_kind = obs
            .into_iter()
            .map(|(kind, o)| {
                let p = pred.get(&kind).cloned().unwrap_or_default();
                let ks = analysis::ks_distance(&o.outcomes(), &p.outcomes());
                (
                    kind,
                    KindResult {
                        observed: o,
                        predicted: p,
                        ks,
                    },
                )
            })
            .collect();
        let enough = all_obs.delays.len() >= 10 && all_obs.failed * 20 <= all_obs.queries.max(1);
        r.outcome = if enough {
            Outcome::Ran {
                pass: r.ks <= r.critical && r.shown.ok(),
            }
        } else {
            Outcome::Failed(format!(
                "too few usable answers: {} switch samples, {} of {} queries failed",
                all_obs.delays.len(),
                all_obs.failed,
                all_obs.queries
            ))
        };
        r.observed = all_obs;
        r.predicted = all_pred;
        r.predicted_fetches = fetches;
        r.auth_queries = since(Some(idx));
    }
    Ok(Report {
        scaled: sc.clone(),
        results: results.into_values().collect(),
        auth_queries,
        changes: schedule.iter().map(|n| n.changes()).sum(),
        unknown_source_queries: since(None),
        ecs_queries: auth
            .policies
            .ecs_queries
            .load(std::sync::atomic::Ordering::Relaxed),
        wall: started.elapsed(),
        auth_port,
    })
}
