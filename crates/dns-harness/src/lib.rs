//! gtsim's live DNS harness: checks the simulator's resolver models against real DNS software
//! answering live records on loopback, and reports the gap.
//!
//! - [`auth`]: hickory-server on 127.0.0.1 (UDP and TCP) whose answers are set, at scheduled
//!   times, to what sim-engine's Route 53 policy code answers ([`scenario`]);
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
use std::net::Ipv4Addr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use rand::{RngExt, SeedableRng, rngs::StdRng};
use resolver_models::{CacheClock, ResolverBehaviour, Software, SoftwareConfig};
use sim_engine::Micros;

use analysis::{Query, Samples};
use scenario::Scaled;

/// A name's answer changes: `(time, record index)`, the first at 0.
type ChangeList = Vec<(Micros, u8)>;

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
    /// Answer changes applied, and the largest lag of an applied change behind its schedule.
    pub changes: usize,
    pub max_change_lag: Micros,
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

/// The config every resolver gets: its package defaults with the scenario's TTL floor.
pub fn scenario_config(s: Software, sc: &Scaled) -> SoftwareConfig {
    SoftwareConfig {
        min_ttl_s: sc.min_ttl_s,
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
    let initial: Vec<u8> = schedule.iter().map(|n| n.answers[0].1).collect();
    let auth = Arc::new(
        auth::Authoritative::start(&names, &initial, sc.record_ttl_s)
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
            pid: None,
            port: None,
        };
        if let Err(e) = model {
            r.outcome = Outcome::Failed(format!("no model: {e}"));
        } else if let Err(e) = resolvers::available(s) {
            r.outcome = Outcome::NotRun(e);
        } else {
            match resolvers::start(s, &config, auth.port).await {
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

    // The schedule's clock starts now; the resolvers' whole seconds are the wall clock's.
    let probes = auth.queries.load(std::sync::atomic::Ordering::Relaxed);
    let t0 = tokio::time::Instant::now();
    // Schedule time t is wall-clock time W0 + t; the resolvers count whole seconds of the wall
    // clock, so on a clock whose whole seconds are multiples of SEC, t reads t + subsec(W0).
    let clock_offset = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.subsec_micros() as Micros)
        .unwrap_or(0);

    // The updater: apply each change when it is due, and keep the applied times.
    let mut changes: Vec<(Micros, usize, u8)> = schedule
        .iter()
        .enumerate()
        .flat_map(|(k, n)| n.answers.iter().skip(1).map(move |&(t, a)| (t, k, a)))
        .collect();
    changes.sort_unstable();
    let applied: Arc<Mutex<Vec<ChangeList>>> = Arc::new(Mutex::new(
        schedule.iter().map(|n| vec![n.answers[0]]).collect(),
    ));
    let updater = {
        let (auth, applied, names) = (auth.clone(), applied.clone(), names.clone());
        tokio::spawn(async move {
            let mut max_lag = 0;
            for (t, k, a) in changes.iter().copied() {
                tokio::time::sleep_until(t0 + Duration::from_micros(t)).await;
                auth.set(&names[k], a).await;
                let at = t0.elapsed().as_micros() as Micros;
                max_lag = max_lag.max(at.saturating_sub(t));
                applied.lock().unwrap()[k].push((at, a));
            }
            (changes.len(), max_lag)
        })
    };

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
                tasks.push(tokio::spawn(async move {
                    let mut rng = StdRng::seed_from_u64(key);
                    let times = analysis::poisson_times(&mut rng, rate, end);
                    let sock = tokio::net::UdpSocket::bind((Ipv4Addr::LOCALHOST, 0))
                        .await
                        .ok()?;
                    sock.connect(addr).await.ok()?;
                    let mut out = Vec::with_capacity(times.len());
                    let mut buf = [0u8; 512];
                    for t in times {
                        tokio::time::sleep_until(t0 + Duration::from_micros(t)).await;
                        let id: u16 = rng.random();
                        let sent = t0.elapsed().as_micros() as Micros;
                        let _ = sock.send(&wire::a_query(id, &name)).await;
                        let deadline = tokio::time::Instant::now() + Duration::from_secs(2);
                        let mut answer = None;
                        let mut recv = sent;
                        while let Ok(Ok(n)) =
                            tokio::time::timeout_at(deadline, sock.recv(&mut buf)).await
                        {
                            if let Some(a) = wire::parse_answer(&buf[..n]).filter(|a| a.id == id) {
                                recv = t0.elapsed().as_micros() as Micros;
                                answer = a.a.and_then(|(ip, _)| auth::record_of(ip));
                                break;
                            }
                        }
                        out.push(Query { sent, recv, answer });
                    }
                    Some((software, k, out))
                }));
            }
        }
    }
    let mut observed: BTreeMap<(Software, usize), Vec<Query>> = BTreeMap::new();
    for t in tasks {
        if let Ok(Some((s, k, q))) = t.await {
            observed.entry((s, k)).or_default().extend(q);
        }
    }
    let (n_changes, max_lag) = updater.await.map_err(|e| format!("updater: {e}"))?;
    let auth_queries = auth.queries.load(std::sync::atomic::Ordering::Relaxed) - probes;
    let auth_port = auth.port;
    drop(running); // every daemon ended by PID, in-process resolver stopped
    let applied = applied.lock().unwrap().clone();

    let alpha = per_test_alpha(results.len());
    for r in results.values_mut() {
        if !started_ok.contains(&r.software) {
            continue;
        }
        let mut obs = Samples::default();
        for (k, applied_k) in applied.iter().enumerate() {
            let mut q = observed.remove(&(r.software, k)).unwrap_or_default();
            q.sort_by_key(|q| q.sent);
            obs.merge(&analysis::samples(applied_k, &q, sc.duration));
        }
        let behaviour = match opts.model_override {
            Some(b) => b,
            None => r.software.behaviour(&r.config).expect("checked above"),
        };
        let (pred, fetches) =
            analysis::predict(sc, &schedule, &behaviour, clock_offset, r.software as u64);
        r.ks = analysis::ks_distance(&obs.delays, &pred.delays);
        let alt = ResolverBehaviour {
            clock: match behaviour.clock {
                CacheClock::WholeSeconds { inclusive } => CacheClock::WholeSeconds {
                    inclusive: !inclusive,
                },
                CacheClock::Exact => CacheClock::WholeSeconds { inclusive: false },
            },
            ..behaviour
        };
        let (alt_pred, _) = analysis::predict(sc, &schedule, &alt, clock_offset, r.software as u64);
        r.alt_ks = analysis::ks_distance(&obs.delays, &alt_pred.delays);
        r.critical =
            analysis::ks_critical(alpha, obs.delays.len().max(1), pred.delays.len().max(1));
        let enough = obs.delays.len() >= 10 && obs.failed * 20 <= obs.queries.max(1);
        r.outcome = if enough {
            Outcome::Ran {
                pass: r.ks <= r.critical,
            }
        } else {
            Outcome::Failed(format!(
                "too few usable answers: {} switch samples, {} of {} queries failed",
                obs.delays.len(),
                obs.failed,
                obs.queries
            ))
        };
        r.observed = obs;
        r.predicted = pred;
        r.predicted_fetches = fetches;
    }
    Ok(Report {
        scaled: sc.clone(),
        results: results.into_values().collect(),
        auth_queries,
        changes: n_changes,
        max_change_lag: max_lag,
        wall: started.elapsed(),
        auth_port,
    })
}
