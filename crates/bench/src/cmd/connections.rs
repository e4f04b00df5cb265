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
/// client-side limit, so a connection is never idle-closed within the sample): the lives of the
/// connections that closed, and the ages of those still open when a client's sample ends
/// (right-censored: their lives are longer than that).
pub fn lifetimes(pattern: Pattern, rate: f64, idle: Option<Micros>) -> (Vec<f64>, Vec<f64>) {
    let rp = RequestProcess::new(pattern, rate, 1);
    let (mut closed, mut open) = (Vec::new(), Vec::new());
    for gid in 0..LIFETIME_CLIENTS {
        if let Pattern::Stream { .. } = pattern {
            closed.extend(
                (1..=LIFETIME_GAPS / 20)
                    .filter_map(|k| rp.stream_life(gid, k))
                    .map(|us| us as f64 / SEC as f64),
            );
            continue;
        }
        let f = rp.first(gid);
        let (mut ctr, mut left) = (f.ctr, f.left);
        let gaps: Vec<f64> = (0..LIFETIME_GAPS)
            .map(|_| {
                let g = rp.gap(gid, ctr, &mut left);
                ctr += 1;
                g as f64 / SEC as f64
            })
            .collect();
        let idle_s = idle.map_or(f64::INFINITY, |d| d as f64 / SEC as f64);
        closed.extend(connection_lifetimes(gaps.iter().copied(), idle_s));
        // The connection the last request used: open since the last gap that closed one.
        let age: f64 = gaps.iter().rev().take_while(|&&g| g < idle_s).sum();
        open.push(age);
    }
    (closed, open)
}

/// `p`-quantile (nearest rank) of `lives` sorted by value, each flagged when right-censored (a
/// connection still open when its client's sample ended: its life is only known to exceed its
/// age), as text: the value, or "> age" when the rank lands on a censored one.
fn quantile(lives: &[(f64, bool)], p: f64) -> String {
    if lives.is_empty() {
        return "-".into();
    }
    let k = ((p * lives.len() as f64).ceil() as usize).clamp(1, lives.len()) - 1;
    match lives[k] {
        (x, false) => format!("{x:.1}"),
        (x, true) => format!("> {x:.0}"),
    }
}

fn row(out: &mut String, label: &str, idle: Option<Micros>, pattern: Pattern, rate: f64) {
    let idle_text = idle.map_or_else(|| "none".to_string(), crate::duration::format_duration);
    let (closed, open) = lifetimes(pattern, rate, idle);
    let mut lives: Vec<(f64, bool)> = closed.iter().map(|&x| (x, false)).collect();
    lives.extend(open.iter().map(|&x| (x, true)));
    lives.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    // A censored connection's life counts only up to its age, so the mean is then a lower
    // bound: shown as "> mean" when censored connections carry a tenth of the total age.
    let n = lives.len().max(1) as f64;
    let total: f64 = lives.iter().map(|l| l.0).sum();
    let mean = total / n;
    let censored = open.iter().sum::<f64>() > 0.1 * total;
    let per_conn = (LIFETIME_CLIENTS * u64::from(LIFETIME_GAPS)) as f64 / n;
    let _ = writeln!(
        out,
        "| {label} | {idle_text} | {} | {} | {} | {}{mean:.1} | {} |",
        quantile(&lives, 0.5),
        quantile(&lives, 0.9),
        quantile(&lives, 0.99),
        if censored { "> " } else { "" },
        if matches!(pattern, Pattern::Stream { .. }) {
            "-".to_string()
        } else {
            format!("{per_conn:.1}")
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
         drawn life whatever the idle limits; \"> x\": still open at the sample's end, \
         aged x):\n\n\
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Poisson at 1/s with no idle limit never closes a connection: every life is censored at
    /// its client's whole sample (about 400 s); a 4 s limit closes one after e⁴ ≈ 55 requests
    /// on average (geometric, P(end) = e⁻⁴ per gap).
    #[test]
    fn censored_lives_are_shown_as_lower_bounds() {
        let (closed, open) = lifetimes(Pattern::Poisson, 1.0, None);
        assert!(closed.is_empty());
        assert_eq!(open.len() as u64, LIFETIME_CLIENTS);
        let mut lives: Vec<(f64, bool)> = open.iter().map(|&x| (x, true)).collect();
        lives.sort_by(|a, b| a.0.total_cmp(&b.0));
        let p50 = quantile(&lives, 0.5);
        let age: f64 = p50.trim_start_matches("> ").parse().unwrap();
        assert!(
            p50.starts_with("> ") && (350.0..450.0).contains(&age),
            "{p50}"
        );
        // Each of the 400 gaps closes the connection with probability e⁻⁴.
        let (closed, open) = lifetimes(Pattern::Poisson, 1.0, Some(4 * SEC));
        let expected = (LIFETIME_CLIENTS * u64::from(LIFETIME_GAPS)) as f64 * (-4f64).exp();
        assert!(
            (closed.len() as f64 / expected - 1.0).abs() < 0.03,
            "{}",
            closed.len()
        );
        assert_eq!(open.len() as u64, LIFETIME_CLIENTS);
        assert_eq!(quantile(&[], 0.5), "-");
        assert_eq!(quantile(&[(1.0, false), (2.0, true)], 0.5), "1.0");
        assert_eq!(quantile(&[(1.0, false), (2.0, true)], 0.99), "> 2");
    }
}
