//! `gtsim explain-preset NAME [--sensitivity WORKLOAD]`: what a population preset is made of,
//! how long its clients keep routing to an old DNS answer, and how much the published
//! percentiles move when each unverified share is halved or doubled.
//!
//! Every number comes from real runs of the engine on workloads loaded through the ordinary
//! loader (`population = NAME`), never from a re-derived formula.

use std::fmt::Write as _;

use resolver_models::presets::{
    ClassTtl, POPULATIONS, PopulationPreset, PresetPlacement, population,
};
use resolver_models::{Mix, Pattern, StaleMode, StubCache, TtlPolicy};
use sim_engine::metrics::Summary;
use sim_engine::run::{RunOptions, run};

use crate::error::{Error, bad_input, other};
use crate::files::ranges::{Range, add_to_ranges, tail_figures};
use crate::workload::parse_workload_with;

/// Record TTLs of the survival table (s).
pub const SURVIVAL_TTLS: [u64; 3] = [20, 60, 300];
/// Times after the answer change at which the stale fraction is read (s).
pub const SURVIVAL_TIMES: [u64; 4] = [30, 60, 300, 900];
/// When the generated workload changes its answer (s after recording starts).
const CHANGE_AT_S: u64 = 60;

/// The named preset, or a bad-input error listing the known ones.
pub fn preset(name: &str) -> Result<PopulationPreset, Error> {
    population(name).ok_or_else(|| {
        let known: Vec<String> = POPULATIONS.iter().map(|p| format!("{p:?}")).collect();
        bad_input(format!(
            "unknown preset {name:?} (known: {})",
            known.join(", ")
        ))
    })
}

fn secs(us: u64) -> String {
    crate::duration::format_duration(us)
}

fn policy_text(p: &TtlPolicy) -> String {
    match *p {
        TtlPolicy::Honor => "honour".into(),
        TtlPolicy::Floor { min } => format!("floor {}", secs(min)),
        TtlPolicy::Cap { max } => format!("cap {}", secs(max)),
        TtlPolicy::Fixed { value } => format!("fixed {}", secs(value)),
        TtlPolicy::FloorCap { min, max } => format!("floor {} cap {}", secs(min), secs(max)),
    }
}

fn stub_text(s: &StubCache) -> String {
    match *s {
        StubCache::None => "no cache".into(),
        StubCache::Cap { max_ttl } if max_ttl >= resolver_models::stub::HONOUR => {
            "honours the TTL".into()
        }
        StubCache::Cap { max_ttl } => format!("cap {}", secs(max_ttl)),
    }
}

fn mix_lines<T>(out: &mut String, m: &Mix<T>, text: impl Fn(&T) -> String) {
    for p in &m.parts {
        let _ = writeln!(
            out,
            "    - {:>6.2}%  {:<28} {:<18} [{}] {}",
            p.weight * 100.0,
            p.label,
            text(&p.value),
            p.status.label(),
            p.source
        );
    }
}

/// The preset's parts, shares and sources, as text.
pub fn describe(p: &PopulationPreset) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "Population preset {:?}: {}", p.name, p.description);
    let _ = writeln!(out, "\nResolver classes:");
    for c in &p.classes {
        let stale = match c.serve_stale {
            StaleMode::Off => "off",
            StaleMode::Rfc8767 => "rfc8767",
            StaleMode::Optimistic => "optimistic",
        };
        let _ = writeln!(
            out,
            "  - {} {:.2}% of clients [{}: {}]; {}; prefetch {}; serve-stale {}",
            c.name,
            c.share * 100.0,
            c.share_status.label(),
            c.share_source,
            match c.placement {
                PresetPlacement::Local => format!(
                    "local, {} clients per resolver (ASSUMED)",
                    c.clients_per_resolver
                ),
                PresetPlacement::PublicAnycast => format!(
                    "public anycast (nearest PoP; caches per PoP ASSUMED), ECS {}",
                    if c.ecs { "on" } else { "off" }
                ),
                PresetPlacement::Central => format!(
                    "central (the workload's first region unless `location` is written: \
                     ASSUMED), {} clients per resolver (ASSUMED)",
                    c.clients_per_resolver
                ),
            },
            if c.prefetch { "on" } else { "off" },
            stale
        );
        match &c.ttl {
            ClassTtl::Policy(t) => {
                let _ = writeln!(out, "    TTL: {}", policy_text(t));
            }
            ClassTtl::Distribution(m) => {
                let _ = writeln!(
                    out,
                    "    TTL: distribution {:?}, drawn per resolver:",
                    m.name
                );
                mix_lines(&mut out, m, policy_text);
            }
        }
        match c.clock {
            resolver_models::CacheClock::Exact => {}
            resolver_models::CacheClock::WholeSeconds { inclusive } => {
                let _ = writeln!(
                    out,
                    "    cache clock: whole seconds (entries stored at floor(t)){} \
                     [V: measured, toolchain-and-resolvers.md section 4]",
                    if inclusive {
                        ", still answering while the TTL reads 0 (+1 s)"
                    } else {
                        ", dropped when the TTL reads 0"
                    }
                );
            }
        }
        if let Some(d) = c.display.describe() {
            let _ = writeln!(
                out,
                "    TTL shown to stubs: {d} [V: measured live, docs/live-validation.md]"
            );
        }
    }
    let _ = writeln!(out, "\nClients:");
    if p.stub.parts.len() > 1 {
        let _ = writeln!(out, "  - stub cache {:?}, drawn per client:", p.stub.name);
        mix_lines(&mut out, &p.stub, stub_text);
    } else {
        let part = &p.stub.parts[0];
        let _ = writeln!(
            out,
            "  - stub cache {:?}: {} [{}] {}",
            p.stub.name,
            stub_text(&part.value),
            part.status.label(),
            part.source
        );
    }
    let _ = writeln!(out, "  - app cache {:?}: {}", p.app_cache, p.app_source);
    let _ = writeln!(
        out,
        "  - keep-alive idle {}: {}",
        secs(p.keepalive_idle),
        p.keepalive_source
    );
    let _ = writeln!(
        out,
        "  - request rate 1/{:.1}s per client: {}",
        1.0 / population_rate(p),
        p.request_rate_source
    );
    out.push_str(&crate::cmd::connections::describe_clients(p));
    out
}

/// The preset's mean request rate: the session process's own under a sessions pattern.
pub fn population_rate(p: &PopulationPreset) -> f64 {
    match p.pattern {
        Pattern::Sessions(s) => s.mean_rate(),
        _ => p.request_rate,
    }
}

/// The generated survival workload: `population = NAME`, two regions, one weighted arm per
/// TTL whose answer changes 100/0 → 0/100 at `CHANGE_AT_S` with no propagation delay, and a
/// drain of the old region at the same time so every attempt to it counts as stale routing.
pub fn survival_workload(name: &str, clients: u64, seed: u64) -> String {
    let mut t = format!(
        "name = \"explain-{name}\"\npopulation = \"{name}\"\n\n[simulation]\n\
         duration = \"{}s\"\nseed = {seed}\nclients = {clients}\nbin = \"5s\"\n\n\
         [[regions]]\nname = \"us-east-1\"\n\n[[regions]]\nname = \"eu-west-1\"\n\n\
         [[failures]]\nregion = \"us-east-1\"\nat = \"{CHANGE_AT_S}s\"\nkind = \"drain\"\n",
        CHANGE_AT_S + SURVIVAL_TIMES[3] + 60
    );
    for ttl in SURVIVAL_TTLS {
        let _ = write!(
            t,
            "\n[[arms]]\nname = \"ttl-{ttl}s\"\nkind = \"route53\"\npolicy = \"weighted\"\n\
             ttl = \"{ttl}s\"\npropagation = \"0s\"\nrecords = [ {{ region = \"us-east-1\", \
             weight = 100 }}, {{ region = \"eu-west-1\", weight = 0 }} ]\n"
        );
        for (rec, value) in [(0, 0), (1, 100)] {
            let _ = write!(
                t,
                "\n[[actions]]\nat = \"{CHANGE_AT_S}s\"\narm = \"ttl-{ttl}s\"\n\
                 key = \"records[{rec}].weight\"\nvalue = {value}\n"
            );
        }
    }
    t
}

/// Survival of the old answer under one record TTL: in the 5 s bin starting at each of
/// [`SURVIVAL_TIMES`] after the change, the fraction of attempts (kept-alive connections
/// included) sent to the old answer, and the fraction of DNS answers clients got that still
/// name it (NaN when no client looked up in that bin).
#[derive(Debug, Clone, PartialEq)]
pub struct Survival {
    pub ttl_s: u64,
    pub attempts: [f64; 4],
    pub dns_answers: [f64; 4],
}

/// Clients for the survival runs when none are given: 200,000 at one request per 30 s, fewer
/// at higher request rates and more at lower ones (the same number of requests), never under
/// 5,000 nor over 2,000,000 (people in sessions send one request per half hour or less, so
/// 200,000 of them leave a 5 s bin with a few hundred requests).
pub fn default_clients(p: &PopulationPreset) -> u64 {
    (200_000.0 / 30.0 / population_rate(p)).clamp(5_000.0, 2_000_000.0) as u64
}

/// Run the [`survival_workload`] of `p` and read [`Survival`] per TTL of [`SURVIVAL_TTLS`].
pub fn survival(
    p: &PopulationPreset,
    clients: u64,
    seed: u64,
    threads: usize,
) -> Result<Vec<Survival>, Error> {
    let text = survival_workload(p.name, clients, seed);
    let w = parse_workload_with(&text, Some(p.clone()))
        .map_err(|e| other(format!("generated workload: {e}")))?;
    let out = run(
        &w,
        &RunOptions {
            threads,
            ..RunOptions::default()
        },
        &|_, _| {},
    )
    .map_err(|e| other(e.to_string()))?;
    let bin_s = w.simulation.bin / resolver_models::SEC;
    Ok(SURVIVAL_TTLS
        .iter()
        .zip(&out.curves)
        .map(|(&ttl_s, curve)| {
            let mut s = Survival {
                ttl_s,
                attempts: [0.0; 4],
                dns_answers: [0.0; 4],
            };
            for (i, &t) in SURVIVAL_TIMES.iter().enumerate() {
                let b = &curve.bins[((CHANGE_AT_S + t) / bin_s) as usize];
                s.attempts[i] = b.attempts_failed_region as f64 / b.attempts.max(1) as f64;
                // NaN: no lookups at all in the bin (every attempt reused a connection).
                s.dns_answers[i] = b.dns_answers_failed_region as f64 / b.dns_answers as f64;
            }
            s
        })
        .collect())
}

/// The survival table as text.
pub fn survival_table(rows: &[Survival], clients: u64, seed: u64) -> String {
    let mut out = format!(
        "\nStill stale after a DNS answer change, in the 5 s bin starting at t ({clients} \
         clients, seed {seed}, weighted 100/0 -> 0/100, no propagation delay). \"attempts\": \
         requests sent to the old answer, kept-alive connections included (what users see); \
         \"DNS\": answers from the caches still naming it:\n\n\
         | record TTL | what | t = 30 s | t = 60 s | t = 5 min | t = 15 min |\n\
         |---|---|---|---|---|---|\n"
    );
    for s in rows {
        for (what, row) in [("attempts", &s.attempts), ("DNS", &s.dns_answers)] {
            let _ = write!(out, "| {} s | {what} |", s.ttl_s);
            for x in row {
                if x.is_nan() {
                    out.push_str(" no lookups |");
                } else {
                    let _ = write!(out, " {:.2}% |", x * 100.0);
                }
            }
            out.push('\n');
        }
    }
    out
}

/// One variation of the sensitivity analysis: a description and the varied preset.
pub fn variations(p: &PopulationPreset) -> Vec<(String, PopulationPreset)> {
    let mut out = Vec::new();
    for factor in [0.5, 2.0] {
        let how = if factor < 1.0 { "halved" } else { "doubled" };
        for (i, c) in p.classes.iter().enumerate() {
            if c.share_status.uncertain() && p.classes.len() > 1 {
                out.push((
                    format!("class {} share {how} [{}]", c.name, c.share_status.label()),
                    p.with_class_share_scaled(i, factor),
                ));
            }
            if let ClassTtl::Distribution(m) = &c.ttl {
                for (j, part) in m.uncertain_parts() {
                    let mut v = p.clone();
                    v.classes[i].ttl = ClassTtl::Distribution(m.with_part_scaled(j, factor));
                    out.push((
                        format!("{}: {} {how} [{}]", c.name, part.label, part.status.label()),
                        v,
                    ));
                }
            }
        }
        if let Some(m) = p.software.as_ref().filter(|m| m.parts.len() > 1) {
            for (j, part) in m.uncertain_parts() {
                let mut v = p.clone();
                v.software = Some(m.with_part_scaled(j, factor));
                out.push((
                    format!("software {} {how} [{}]", part.label, part.status.label()),
                    v,
                ));
            }
        }
        for src in p.pattern_sources.iter().filter(|s| s.status.uncertain()) {
            let mut v = p.clone();
            match (src.part, p.pattern) {
                // A rate of its own (poisson, steady, stream messages).
                ("rate", Pattern::Poisson | Pattern::Steady { .. } | Pattern::Stream { .. }) => {
                    v.request_rate = p.request_rate * factor
                }
                (part, Pattern::Sessions(s)) => {
                    let varied = s.with_part_scaled(part, factor);
                    v.pattern = Pattern::Sessions(varied);
                    v.request_rate = varied.mean_rate();
                }
                ("duration", Pattern::Stream { duration }) => {
                    v.pattern = Pattern::Stream {
                        duration: (duration as f64 * factor) as u64,
                    }
                }
                _ => continue,
            }
            out.push((
                format!("pattern {} {how} [{}]", src.part, src.status.label()),
                v,
            ));
        }
        if p.stub.parts.len() > 1 {
            for (j, part) in p.stub.uncertain_parts() {
                let mut v = p.clone();
                v.stub = p.stub.with_part_scaled(j, factor);
                out.push((
                    format!("stub {} {how} [{}]", part.label, part.status.label()),
                    v,
                ));
            }
        }
    }
    out
}

fn fmt_opt(x: Option<f64>) -> String {
    x.map_or_else(|| "-".into(), |v| format!("{v}"))
}

/// The summary of `workload_text` run under the preset (label "baseline", if `baseline`) and
/// under every [`variations`] of it, in that order, each handed to `each` as it finishes.
/// `seed` and `clients` override the workload's; a cancelled run is [`Error::Interrupted`].
#[allow(clippy::too_many_arguments)]
pub fn variation_runs(
    p: &PopulationPreset,
    workload_text: &str,
    clients: Option<u64>,
    seed: Option<u64>,
    opts: &RunOptions<'_>,
    baseline: bool,
    each: &mut dyn FnMut(&str, &Summary),
) -> Result<(), Error> {
    let mut cases = Vec::new();
    if baseline {
        cases.push(("baseline".to_string(), p.clone()));
    }
    cases.extend(variations(p));
    for (label, v) in cases {
        let mut w = parse_workload_with(workload_text, Some(v))
            .map_err(|e| bad_input(format!("the workload under a varied preset: {e}")))?;
        if let Some(n) = clients {
            w.simulation.clients = n;
        }
        if let Some(s) = seed {
            w.simulation.seed = s;
        }
        let r = run(&w, opts, &|_, _| {}).map_err(|e| match e {
            sim_engine::run::RunError::Cancelled => {
                Error::Interrupted(format!("interrupted during the variation {label:?}"))
            }
            e => other(e.to_string()),
        })?;
        each(&label, &r.summary);
    }
    Ok(())
}

/// Run `workload_text` under the preset and under every [`variations`] of it; one table row
/// per (variation, arm) with the p99 and p99.9 of `stale_converge_s`, `stale_until_s` and
/// `rto_s`, then each of them as a range over the runs.
pub fn sensitivity(
    p: &PopulationPreset,
    workload_text: &str,
    clients: Option<u64>,
    threads: usize,
) -> Result<String, Error> {
    let mut ranges: Vec<(String, [Range; 6])> = Vec::new();
    let mut out = format!(
        "\nSensitivity ({} runs; each share not verified in a primary source halved and \
         doubled, the rest of its mix renormalised; seconds):\n\n\
         | variation | arm | stale_converge p99 | stale_converge p99.9 | stale_until p99 | \
         stale_until p99.9 | rto p99 | rto p99.9 |\n\
         |---|---|---|---|---|---|---|---|\n",
        variations(p).len() + 1
    );
    let opts = RunOptions {
        threads,
        ..RunOptions::default()
    };
    variation_runs(
        p,
        workload_text,
        clients,
        None,
        &opts,
        true,
        &mut |label, s| {
            add_to_ranges(&mut ranges, s);
            for a in &s.arms {
                let cells: Vec<String> = tail_figures(a).into_iter().map(fmt_opt).collect();
                let _ = writeln!(out, "| {label} | {} | {} |", a.name, cells.join(" | "));
            }
        },
    )?;
    let _ = writeln!(
        out,
        "\nTails as ranges over those runs (baseline [min - max], seconds; \"-\" where the \
         figure is undefined in every run, \"null in some\" where it is in some):\n\n\
         | arm | stale_converge p99 | stale_converge p99.9 | stale_until p99 | \
         stale_until p99.9 | rto p99 | rto p99.9 |\n|---|---|---|---|---|---|---|"
    );
    for (arm, r) in &ranges {
        let cells: Vec<String> = r.iter().map(Range::text).collect();
        let _ = writeln!(out, "| {arm} | {} |", cells.join(" | "));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_workload_loads_with_every_preset() {
        for name in POPULATIONS {
            let p = population(name).unwrap();
            let w = parse_workload_with(&survival_workload(name, 1000, 1), Some(p)).unwrap();
            assert_eq!(w.arms.len(), 3);
            assert_eq!(w.actions.len(), 6);
            assert!(describe(&population(name).unwrap()).contains("Resolver classes"));
        }
    }

    /// Honest resolvers, no client caches, no reuse: with a 20 s TTL nothing is stale after
    /// 30 s (every entry was stored before the change and lives at most 20 s), and with a
    /// 300 s TTL about 90 % of attempts are still stale at 30 s (entries drain linearly over
    /// 300 s: 1 - 32.5/300 averaged over the bin) and none at 5 min.
    #[test]
    fn honest_survival_matches_the_textbook() {
        let rows = survival(&population("honest").unwrap(), 20_000, 1, 2).unwrap();
        assert_eq!(rows.len(), 3);
        let (ttl20, ttl300) = (rows[0].attempts, rows[2].attempts);
        assert_eq!(rows[0].ttl_s, 20);
        assert_eq!(ttl20, [0.0; 4]);
        // No reuse: every attempt follows a fresh DNS answer.
        assert_eq!(rows[2].attempts, rows[2].dns_answers);
        assert!(
            (ttl300[0] - (1.0 - 32.5 / 300.0)).abs() < 0.05,
            "{ttl300:?}"
        );
        assert_eq!(ttl300[2], 0.0);
        assert_eq!(ttl300[3], 0.0);
    }

    /// Every unverified share of the internet preset is varied both ways.
    #[test]
    fn variations_cover_each_uncertain_share_twice() {
        let p = population("internet").unwrap();
        let v = variations(&p);
        // Classes: 4 shares; isp pam2023 3 parts; public-ecs one policy; public
        // public-non-ecs 3; corporate ripe2017 3; software 3 (all S); sessions' requests and
        // gap (ASSUMED; the think time is V); stub 4.
        assert_eq!(v.len(), 2 * (4 + 3 + 3 + 3 + 3 + 2 + 4));
        assert!(v.iter().any(|(l, _)| l == "stub windows doubled [ASSUMED]"));
        assert!(v.iter().any(|(l, _)| l == "software firefox halved [S]"));
        let (_, gap) = v
            .iter()
            .find(|(l, _)| l == "pattern gap doubled [ASSUMED]")
            .expect("the gap is varied");
        // Doubling the gap roughly halves the sessions' rate, and the preset's rate follows.
        let ratio = p.request_rate / gap.request_rate;
        assert!((1.9..2.0).contains(&ratio), "{ratio}");
        assert!(!v.iter().any(|(l, _)| l.starts_with("pattern think")));
        // server-to-server: its ASSUMED rate is varied, the Poisson family is not.
        let s2s = variations(&population("server-to-server").unwrap());
        let rates: Vec<f64> = s2s
            .iter()
            .filter(|(l, _)| l.starts_with("pattern rate"))
            .map(|(_, v)| v.request_rate)
            .collect();
        assert_eq!(rates, [0.5, 2.0]);
        assert!(
            population("honest")
                .map(|p| variations(&p))
                .unwrap()
                .is_empty()
        );
    }
}

/// The flags of `gtsim explain-preset`.
#[derive(Debug, clap::Args)]
pub struct ExplainArgs {
    /// Preset name: internet, mobile-apps, server-to-server, honest.
    pub name: String,
    /// Also run this workload under the preset and each variation of it.
    #[arg(long, value_name = "WORKLOAD")]
    pub sensitivity: Option<std::path::PathBuf>,
    /// Clients of the survival runs (and, if given, of the sensitivity runs).
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..))]
    pub clients: Option<u64>,
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Worker threads (0 = one per core). Results do not depend on it.
    #[arg(long, default_value_t = 0)]
    pub threads: usize,
}

/// `gtsim explain-preset`.
pub fn explain_preset(args: &ExplainArgs) -> Result<(), Error> {
    let p = preset(&args.name)?;
    let text = args
        .sensitivity
        .as_deref()
        .map(super::read_workload)
        .transpose()?;
    print!("{}", describe(&p));
    let n = args.clients.unwrap_or_else(|| default_clients(&p));
    let rows = survival(&p, n, args.seed, args.threads)?;
    print!("{}", survival_table(&rows, n, args.seed));
    if let Some(t) = text {
        print!("{}", sensitivity(&p, &t, args.clients, args.threads)?);
    }
    Ok(())
}
