//! `gtsim validate`: run the live DNS harness (`crates/dns-harness`) and report, per resolver
//! program, the KS distance between the observed and the model's switch delays with its
//! critical value, and the stale fraction over time, as a table on stdout and a report
//! (`report.md`, `validate.json`-free on purpose: the numbers depend on the machine's timing,
//! so no byte-identical file is promised) with predicted-vs-observed plots.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use crate::error::{Error, bad_input, other};
use crate::report::plot::{self, ArmStyle, CdfChart, Chart, CurvesChart, LegendCorner, Panel};
use dns_harness::analysis::{STALE_BIN, STALE_BINS, Samples};
use dns_harness::scenario::Scaled;
use dns_harness::{ALPHA, Options, Outcome, Report, ResolverResult};
use resolver_models::Software;
use sim_engine::SEC;

/// The flags of `gtsim validate`.
#[derive(Debug, clap::Args)]
pub struct ValidateArgs {
    /// Resolver to run (hickory, unbound, bind, dnsmasq, pdns-recursor, knot-resolver);
    /// repeat for more; none = all six.
    #[arg(long = "resolver")]
    pub resolvers: Vec<String>,
    /// The short run (about 70 s) instead of the full one (about 3 min).
    #[arg(long)]
    pub quick: bool,
    /// Output folder.
    #[arg(long, default_value = "out/validate")]
    pub out: PathBuf,
    /// Seed of the answer schedule, the client query processes and the model.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
}

/// Parse `--resolver` names (none = all six).
pub fn parse_resolvers(names: &[String]) -> Result<Vec<Software>, String> {
    if names.is_empty() {
        return Ok(Software::ALL.to_vec());
    }
    let mut out = Vec::new();
    for (i, n) in names.iter().enumerate() {
        let s = Software::from_name(n).ok_or_else(|| {
            format!(
                "--resolver[{i}]: unknown resolver \"{n}\" (known: {})",
                Software::names().join(", ")
            )
        })?;
        if !out.contains(&s) {
            out.push(s);
        }
    }
    Ok(out)
}

/// `gtsim validate`: fails (exit 1) when a KS distance exceeds its critical value or a
/// resolver asked for did not run.
pub fn validate(args: &ValidateArgs) -> Result<(), Error> {
    let resolvers = parse_resolvers(&args.resolvers).map_err(bad_input)?;
    let scaled = if args.quick {
        Scaled::quick(args.seed)
    } else {
        Scaled::full(args.seed)
    };
    // Ctrl-C: end every daemon by PID and remove the temp folders, then exit 130.
    let _ = ctrlc::set_handler(|| {
        dns_harness::procs::emergency_cleanup();
        std::process::exit(130);
    });
    eprintln!(
        "gtsim validate: {} resolver(s), about {} s ...",
        resolvers.len(),
        scaled.duration / SEC + 10
    );
    let report = dns_harness::run(&Options {
        resolvers,
        scaled,
        model_override: None,
    })
    .map_err(other)?;
    print!("{}", table(&report));
    write_report(&report, &args.out)
        .map_err(|e| other(format!("cannot write to {}: {e}", args.out.display())))?;
    println!("wrote {}", args.out.join("report.md").display());
    if report.all_passed() {
        Ok(())
    } else {
        Err(other("validation failed: see the table above"))
    }
}

fn status(x: &ResolverResult) -> String {
    match &x.outcome {
        Outcome::Ran { pass: true } => "PASS".into(),
        Outcome::Ran { pass: false } => {
            let mut why = Vec::new();
            if x.ks > x.critical {
                why.push("KS");
            }
            if !x.shown.ok() {
                why.push("TTL shown");
            }
            format!("FAIL ({})", why.join(", "))
        }
        Outcome::NotRun(why) => format!("NOT RUN ({why})"),
        Outcome::Failed(why) => format!("ERROR ({})", why.lines().next().unwrap_or("")),
    }
}

fn mean(x: &[f64]) -> f64 {
    x.iter().sum::<f64>() / x.len().max(1) as f64
}

/// The stdout table.
pub fn table(r: &Report) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "{:<14} {:>6} {:>7} {:>7} {:>8} {:>8} {:>9} {:>9} {:>9} {:>9}  result",
        "resolver",
        "n obs",
        "m model",
        "KS D",
        "crit",
        "obs mean",
        "model mean",
        "censored",
        "alt clock",
        "TTL shown"
    );
    for x in &r.results {
        let ran = matches!(x.outcome, Outcome::Ran { .. });
        if ran {
            let _ = writeln!(
                s,
                "{:<14} {:>6} {:>7} {:>7.3} {:>8.3} {:>7.2}s {:>9.2}s {:>4}/{:<4} {:>9.3} {:>8.1}%  {}",
                x.software.name(),
                x.observed.outcomes().len(),
                x.predicted.outcomes().len(),
                x.ks,
                x.critical,
                mean(&x.observed.delays),
                mean(&x.predicted.delays),
                x.observed.censored,
                x.predicted.censored,
                x.alt_ks,
                100.0 * x.shown.share(),
                status(x)
            );
        } else {
            let _ = writeln!(
                s,
                "{:<14} {:>6} {:>7} {:>7} {:>8} {:>8} {:>9} {:>9} {:>9} {:>9}  {}",
                x.software.name(),
                "-",
                "-",
                "-",
                "-",
                "-",
                "-",
                "-",
                "-",
                "-",
                status(x)
            );
        }
    }
    let k = r.results.len();
    let _ = writeln!(
        s,
        "KS: two-sample (observed vs model), family-wise alpha {ALPHA} over the {k} resolver(s) run (each tested at alpha/{k}, Bonferroni), critical value c(alpha/{k}) sqrt((n+m)/(n m)), c = {:.4}; TTL shown: answers whose TTL is the program's display rule given when the resolver fetched (at least {:.0} % to pass). Validated: resolver caching and the Route 53 policy answers; not validated: AWS's own timing.",
        dns_harness::analysis::ks_c(dns_harness::per_test_alpha(k)),
        100.0 * dns_harness::SHOWN_TTL_MIN_MATCH,
    );
    s
}

/// CDF points of the switch delays over every change, censored ones included (they are +inf
/// in the KS test), so a curve ends at the fraction of changes whose switch was seen.
fn cdf_points(s: &Samples) -> Vec<(f64, f64)> {
    let mut v = s.delays.clone();
    v.sort_by(f64::total_cmp);
    let n = (v.len() + s.censored) as f64;
    v.iter()
        .enumerate()
        .map(|(i, &d)| (d, (i + 1) as f64 / n))
        .collect()
}

fn stale_line(s: &Samples) -> Vec<Vec<(f64, f64)>> {
    let pts: Vec<(f64, f64)> = s
        .stale
        .iter()
        .enumerate()
        .filter(|(_, (_, n))| *n > 0)
        .map(|(i, &(st, n))| {
            (
                (i as f64 + 0.5) * STALE_BIN as f64 / SEC as f64,
                100.0 * st as f64 / n as f64,
            )
        })
        .collect();
    vec![pts]
}

fn styles() -> Vec<ArmStyle> {
    ["model (predicted)", "observed"]
        .iter()
        .enumerate()
        .map(|(i, n)| ArmStyle {
            name: n.to_string(),
            colour: i,
            mark_x: None,
            mark_label: None,
        })
        .collect()
}

/// report.md with a CDF plot and a stale-fraction plot per resolver that ran.
fn write_report(r: &Report, out: &Path) -> Result<(), String> {
    let plots = out.join("plots");
    std::fs::create_dir_all(&plots).map_err(|e| e.to_string())?;
    let mut md = String::new();
    let _ = writeln!(
        md,
        "# gtsim validate: live resolvers vs the resolver models\n"
    );
    let _ = writeln!(
        md,
        "**Validated here:** each resolver program's caching (TTL floor, whole-second cache clock, when it refetches) against its model in `resolver-models` (`Software::behaviour`), and the Route 53 policy answers (sim-engine's policy code, answering a live authoritative) reaching clients through it.\n\n**Not validated:** AWS's own timing — Route 53 health-checker behaviour and propagation to its locations, Global Accelerator — which no local run can observe; the health checks here only schedule the answer changes. Policies exercised live, each answer computed per query by sim-engine's `Route53Control::answer`: failover, weighted (drawn per query), latency (the resolver's site from its source address, or the client's /24 from an EDNS Client Subnet option where the resolver sends one) and failover under ARC routing-control flips.\n"
    );
    let _ = writeln!(md, "## Scenario (time-scaled)\n");
    for l in r.scaled.describe() {
        let _ = writeln!(md, "- {l}");
    }
    let _ = writeln!(
        md,
        "- {} answer-set changes in the schedule (a latency name's two sites counted apart), answered per query at the authoritative at the query's schedule time; {} queries for scheduled names from no known resolver address; {} carried an EDNS Client Subnet option; wall time {:.1} s",
        r.changes,
        r.unknown_source_queries,
        r.ecs_queries,
        r.wall.as_secs_f64()
    );
    let predicted: f64 = r
        .results
        .iter()
        .filter(|x| matches!(x.outcome, Outcome::Ran { .. }))
        .map(|x| x.predicted_fetches)
        .sum();
    let _ = writeln!(
        md,
        "- authoritative queries for the scheduled names: observed {}, the models predict {:.0} (sum over the resolvers that ran; per resolver below, told apart by source address)\n",
        r.auth_queries, predicted
    );
    let _ = writeln!(md, "## Results\n\n```\n{}```\n", table(r));
    let _ = writeln!(
        md,
        "Switch delay: from a change that takes a record out of the set Route 53 may answer (`Route53Control::answerable`) to the first answer in the new set through the resolver, for a query sent after the change (a weighted record's return adds a record and cannot leave anything stale, so it is no sample). One cache entry gives one sample per change, so each resolver holds {} names changing at random phases. The model is `ResolverBehaviour::lookup`/`entry_expiry` driven by {} independent Poisson query processes per name on the same schedule, each fetch answered by the same policy code (m ≈ {} n). The pass rule is one KS test per resolver on all kinds pooled; the per-kind distances below are descriptive. Censored: changes whose switch was not seen before the next change (observed/model).\n",
        r.scaled.names, r.scaled.model_replicas, r.scaled.model_replicas
    );
    let _ = writeln!(
        md,
        "| resolver | config | model | auth queries (observed / model) | source address, site | pid, port |\n|---|---|---|---|---|---|"
    );
    for x in &r.results {
        let _ = writeln!(
            md,
            "| {} | min TTL {} s, max TTL {} | `{}` | {} / {:.0} | {}, {} | {} |",
            x.software.name(),
            x.config.min_ttl_s,
            x.config
                .max_ttl_s
                .map_or("none".into(), |m| format!("{m} s")),
            x.model,
            x.auth_queries,
            x.predicted_fetches,
            dns_harness::scenario::source_addr(x.software as u8),
            dns_harness::scenario::site_of(x.software as u8),
            match (x.pid, x.port) {
                (Some(p), Some(port)) => format!("{p}, 127.0.0.1:{port}"),
                (None, Some(port)) => format!("in process, 127.0.0.1:{port}"),
                _ => "-".into(),
            }
        );
    }
    let _ = writeln!(md);
    let _ = writeln!(
        md,
        "### Latency answers: the client's subnet or the resolver's site?\n\nAn answer to a latency name is *explained* by a site when it was in that site's answer set at some moment of the last (floor or TTL + 2 s) before it was sent, so an answer still in a cache counts as explained. A resolver with ECS on and a cache per subnet should give answers only its clients' subnet explains; one without ECS, answers only its own site explains. Ambiguous: explained by both sites or neither.\n\n| resolver | ECS | only the client's subnet | only the resolver's site | ambiguous |\n|---|---|---|---|---|"
    );
    for x in r
        .results
        .iter()
        .filter(|x| matches!(x.outcome, Outcome::Ran { .. }))
    {
        let _ = writeln!(
            md,
            "| {} | {} | {} ({:.1} %) | {} ({:.1} %) | {} |",
            x.software.name(),
            if x.config.ecs {
                "on".to_string()
            } else {
                format!("off ({:?})", x.software.ecs_support())
            },
            x.ecs.client_site,
            100.0 * x.ecs.client_share(),
            x.ecs.resolver_site,
            100.0 * x.ecs.resolver_share(),
            x.ecs.ambiguous
        );
    }
    let _ = writeln!(md);
    let _ = writeln!(
        md,
        "### TTL shown to clients\n\nEvery answer's TTL (on names with one cache entry per resolver) against the program's display rule (`resolver_models::TtlDisplay`), given when that resolver's latest fetch of the name reached the authoritative and whether this answer was the reply to the query that caused it. What stub, browser and runtime caches behind the resolver receive. A resolver passes only if at least {:.0} % match (the rest: answers within milliseconds of a whole-second boundary).\n\n| resolver | display rule | matched | mismatches (predicted → observed s: answers) |\n|---|---|---|---|",
        100.0 * dns_harness::SHOWN_TTL_MIN_MATCH
    );
    for x in r
        .results
        .iter()
        .filter(|x| matches!(x.outcome, Outcome::Ran { .. }))
    {
        let mism: Vec<String> = x
            .shown
            .mismatches
            .iter()
            .map(|((p, o), n)| format!("{p} → {o}: {n}"))
            .collect();
        let _ = writeln!(
            md,
            "| {} | {:?} | {} of {} ({:.1} %) | {} |",
            x.software.name(),
            x.software.display(),
            x.shown.matched,
            x.shown.answers,
            100.0 * x.shown.share(),
            if mism.is_empty() {
                "none".to_string()
            } else {
                mism.join(", ")
            }
        );
    }
    let _ = writeln!(md);
    for x in &r.results {
        match &x.outcome {
            Outcome::Ran { .. } => {}
            other => {
                let _ = writeln!(md, "**{}: {}**\n", x.software.name(), status(x));
                if let Outcome::Failed(why) = other {
                    let _ = writeln!(md, "```\n{why}\n```\n");
                }
                continue;
            }
        }
        let name = x.software.name();
        let cdf = Chart::Cdf(CdfChart {
            title: format!(
                "{name}: switch delay CDF, KS D = {:.3} (critical {:.3})",
                x.ks, x.critical
            ),
            x_label: "seconds from answer change to first new answer".into(),
            y_label: "fraction of changes (censored: never)".into(),
            arms: styles(),
            lines: vec![cdf_points(&x.predicted), cdf_points(&x.observed)],
        });
        let stale = Chart::Curves(CurvesChart {
            title: format!("{name}: stale answers after an answer change"),
            x_label: "seconds since the answer change".into(),
            x_range: (0.0, STALE_BINS as f64 * STALE_BIN as f64 / SEC as f64),
            arms: styles(),
            panels: vec![Panel {
                y_label: "% of answers stale".into(),
                lines: vec![stale_line(&x.predicted), stale_line(&x.observed)],
                legend: Some(LegendCorner::UpperRight),
            }],
            markers: Vec::new(),
        });
        for (chart, file) in [
            (cdf, format!("{name}-switch-cdf")),
            (stale, format!("{name}-stale")),
        ] {
            let svg = plot::svg(&chart)?;
            std::fs::write(plots.join(format!("{file}.svg")), svg).map_err(|e| e.to_string())?;
            plot::png(&chart, &plots.join(format!("{file}.png")))?;
            let _ = writeln!(md, "![{file}](plots/{file}.svg)\n");
        }
        let _ = writeln!(
            md,
            "Stale fraction by 0.5 s bin after a change (model vs observed, %; answers per bin observed):\n"
        );
        let _ = writeln!(
            md,
            "| bin (s) | model | observed | n observed |\n|---|---|---|---|"
        );
        let mut max_diff: f64 = 0.0;
        for (i, (p, o)) in x.predicted.stale.iter().zip(&x.observed.stale).enumerate() {
            let pct = |(s, n): (u64, u64)| {
                if n == 0 {
                    f64::NAN
                } else {
                    100.0 * s as f64 / n as f64
                }
            };
            let (pp, op) = (pct(*p), pct(*o));
            if !pp.is_nan() && !op.is_nan() {
                max_diff = max_diff.max((pp - op).abs());
            }
            let _ = writeln!(
                md,
                "| {:.1}–{:.1} | {:.1} | {:.1} | {} |",
                i as f64 * 0.5,
                i as f64 * 0.5 + 0.5,
                pp,
                op,
                o.1
            );
        }
        let _ = writeln!(
            md,
            "\nLargest difference: {max_diff:.1} percentage points (descriptive; answers within a change share one cache entry, so they are not independent and no binomial test is claimed).\n"
        );
        let _ = writeln!(
            md,
            "Per kind of name (descriptive):\n\n| kind | n observed | m model | KS D | observed mean | model mean | censored (obs/model) |\n|---|---|---|---|---|---|---|"
        );
        for (kind, k) in &x.by_kind {
            let _ = writeln!(
                md,
                "| {} | {} | {} | {:.3} | {:.2} s | {:.2} s | {}/{} |",
                kind.name(),
                k.observed.outcomes().len(),
                k.predicted.outcomes().len(),
                k.ks,
                mean(&k.observed.delays),
                mean(&k.predicted.delays),
                k.observed.censored,
                k.predicted.censored
            );
        }
        let _ = writeln!(md);
    }
    std::fs::write(out.join("report.md"), md).map_err(|e| e.to_string())
}
