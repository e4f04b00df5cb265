//! `gtsim explain-preset`'s client part: a population preset's request pattern, its client
//! software mix, and the connection lifetimes that follow from pattern × idle limit.
//!
//! Lifetimes are measured on the engine's own request process
//! ([`sim_engine::requests::RequestProcess`], the same draws a run makes) for
//! [`LIFETIME_CLIENTS`] clients and [`LIFETIME_GAPS`] gaps each, through
//! [`resolver_models::pattern::connection_lifetimes`] (a connection opens at a request that
//! finds none open and closes an idle limit after its last request); a stream's connections
//! live their drawn lives. Each stack's idle limit is shown alone and behind an ALB, whose
//! 60 s default idle timeout closes a connection first when it is shorter.

use std::fmt::Write as _;

use resolver_models::pattern::connection_lifetimes;
use resolver_models::presets::PopulationPreset;
use resolver_models::{Micros, Pattern, SEC};
use sim_engine::requests::RequestProcess;

/// Clients and gaps per client the lifetime table draws.
pub const LIFETIME_CLIENTS: u64 = 2_000;
pub const LIFETIME_GAPS: u32 = 400;

/// Connection lifetimes (s) of `pattern` at `rate` under an idle limit `idle` (µs; `None`: no
/// client-side limit, so a connection is never idle-closed within the sample).
pub fn lifetimes(pattern: Pattern, rate: f64, idle: Option<Micros>) -> Vec<f64> {
    let rp = RequestProcess::new(pattern, rate, 1);
    let mut out = Vec::new();
    for gid in 0..LIFETIME_CLIENTS {
        if let Pattern::Stream { .. } = pattern {
            out.extend(
                (1..=LIFETIME_GAPS / 20)
                    .filter_map(|k| rp.stream_life(gid, k))
                    .map(|us| us as f64 / SEC as f64),
            );
            continue;
        }
        let f = rp.first(gid);
        let (mut ctr, mut left) = (f.ctr, f.left);
        let gaps = (0..LIFETIME_GAPS).map(|_| {
            let g = rp.gap(gid, ctr, &mut left);
            ctr += 1;
            g as f64 / SEC as f64
        });
        let idle_s = idle.map_or(f64::INFINITY, |d| d as f64 / SEC as f64);
        out.extend(connection_lifetimes(gaps, idle_s));
    }
    out
}

/// `p`-quantile of sorted `xs` (nearest rank).
fn quantile(xs: &[f64], p: f64) -> f64 {
    if xs.is_empty() {
        return f64::NAN;
    }
    xs[((p * xs.len() as f64).ceil() as usize).clamp(1, xs.len()) - 1]
}

fn row(out: &mut String, label: &str, idle: Option<Micros>, pattern: Pattern, rate: f64) {
    let idle_text = idle.map_or_else(|| "none".to_string(), crate::duration::format_duration);
    let mut xs = lifetimes(pattern, rate, idle);
    xs.sort_by(f64::total_cmp);
    let mean = xs.iter().sum::<f64>() / xs.len().max(1) as f64;
    let per_conn = (LIFETIME_CLIENTS * u64::from(LIFETIME_GAPS)) as f64 / xs.len().max(1) as f64;
    let _ = writeln!(
        out,
        "| {label} | {idle_text} | {:.1} | {:.1} | {:.1} | {:.1} | {:.1} |",
        quantile(&xs, 0.5),
        quantile(&xs, 0.9),
        quantile(&xs, 0.99),
        mean,
        if matches!(pattern, Pattern::Stream { .. }) {
            f64::NAN
        } else {
            per_conn
        }
    );
}

/// The preset's pattern, software mix and connection lifetimes, as text.
pub fn describe_clients(p: &PopulationPreset) -> String {
    let mut out = String::new();
    let rate = super::explain::population_rate(p);
    let _ = writeln!(out, "  - request pattern: {}", p.pattern.text());
    for s in &p.pattern_sources {
        let _ = writeln!(out, "    - {}: [{}] {}", s.part, s.status.label(), s.source);
    }
    match &p.software {
        None => {
            let _ = writeln!(
                out,
                "  - client software: none (every client runs the app cache and keep-alive above)"
            );
        }
        Some(m) => {
            let _ = writeln!(out, "  - client software {:?}, drawn per client:", m.name);
            for part in &m.parts {
                let _ = writeln!(
                    out,
                    "    - {:>6.2}%  {:<22} [{}] {}",
                    part.weight * 100.0,
                    part.label,
                    part.status.label(),
                    part.source
                );
            }
        }
    }
    let _ = writeln!(
        out,
        "\nConnection lifetimes (s) from this pattern and each idle limit ({LIFETIME_CLIENTS} \
         clients x {LIFETIME_GAPS} requests of the engine's own request process; \"behind an \
         ALB\": the 60 s default idle timeout on top; a stream holds its connection for its \
         drawn life whatever the idle limits):\n\n\
         | client | idle limit | p50 | p90 | p99 | mean | requests per connection |\n\
         |---|---|---|---|---|---|---|"
    );
    let alb = sim_engine::config::ALB_IDLE_TIMEOUT;
    let limits: Vec<(String, Option<Micros>)> = match &p.software {
        None => vec![(p.name.to_string(), Some(p.keepalive_idle))],
        Some(m) => m
            .parts
            .iter()
            .map(|part| {
                let idle = part
                    .value
                    .map_or(Some(p.keepalive_idle), |s| s.keepalive_idle);
                (part.label.to_string(), idle)
            })
            .collect(),
    };
    for (label, idle) in limits {
        row(&mut out, &label, idle, p.pattern, rate);
        let behind = Some(idle.map_or(alb, |d| d.min(alb)));
        if behind != idle {
            row(
                &mut out,
                &format!("{label} behind an ALB"),
                behind,
                p.pattern,
                rate,
            );
        }
        if matches!(p.pattern, Pattern::Stream { .. }) {
            break; // one row: the stream's lives do not depend on the idle limit
        }
    }
    out
}
