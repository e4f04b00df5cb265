//! `clients.pattern`: when clients send their requests ([`resolver_models::Pattern`]).

use resolver_models::session_presets::{SESSION_PRESETS, session_preset};
use resolver_models::{Count, Dist, Pattern, SEC, Sessions};

use super::super::names::{expected_one_of, quoted_list};
use super::super::schema::{PatternSpec, RawCountDist, RawPattern, RawTimeDist};
use super::{At, Res, fmt_num, num};

/// `clients.pattern` at `at`.
pub(super) fn pattern(at: &At, spec: PatternSpec) -> Res<Pattern> {
    match spec {
        PatternSpec::Name(n) => match n.as_str() {
            "poisson" => Ok(Pattern::Poisson),
            "steady" => Ok(Pattern::Steady { jitter: 0.0 }),
            "sessions" | "stream" => Err(at.err(format!(
                "{n:?} needs a table: {}",
                if n == "sessions" {
                    format!(
                        "{{ kind = \"sessions\", preset = \"…\" }} (known: {}) or {{ kind = \
                         \"sessions\", requests = {{…}}, think = {{…}}, gap = {{…}} }}",
                        quoted_list(SESSION_PRESETS)
                    )
                } else {
                    "{ kind = \"stream\", duration = \"…\" }".to_string()
                }
            ))),
            _ => Err(at.err(expected_one_of(Pattern::KINDS, &n))),
        },
        PatternSpec::Table(t) => table(at, *t),
    }
}

fn table(at: &At, t: RawPattern) -> Res<Pattern> {
    let kind = at.name("kind", t.kind)?;
    let only = |key: &str, written: bool, kinds: &str| {
        if written {
            Err(at.at(key, format!("applies to kind {kinds} only")))
        } else {
            Ok(())
        }
    };
    let is_sessions = kind == "sessions";
    only(
        "jitter",
        t.jitter.is_some() && kind != "steady",
        "\"steady\"",
    )?;
    only(
        "duration",
        t.duration.is_some() && kind != "stream",
        "\"stream\"",
    )?;
    for (key, w) in [
        ("preset", t.preset.is_some()),
        ("requests", t.requests.is_some()),
        ("think", t.think.is_some()),
        ("gap", t.gap.is_some()),
    ] {
        only(key, w && !is_sessions, "\"sessions\"")?;
    }
    match kind.as_str() {
        "poisson" => Ok(Pattern::Poisson),
        "steady" => {
            let jitter = num(t.jitter).unwrap_or(0.0);
            if !(0.0..1.0).contains(&jitter) {
                return Err(at.at(
                    "jitter",
                    format!("must be in [0, 1) (got {})", fmt_num(jitter)),
                ));
            }
            Ok(Pattern::Steady { jitter })
        }
        "stream" => {
            let d = at.req("duration", t.duration)?.0;
            let d = at.positive("duration", Some(d))?.unwrap_or(SEC);
            Ok(Pattern::Stream { duration: d })
        }
        "sessions" => {
            let written = t.requests.is_some() || t.think.is_some() || t.gap.is_some();
            let s = match t.preset {
                Some(name) => {
                    if written {
                        return Err(at.at(
                            "preset",
                            "write either preset or requests, think and gap, not both",
                        ));
                    }
                    session_preset(&name)
                        .ok_or_else(|| at.at("preset", expected_one_of(SESSION_PRESETS, &name)))?
                        .sessions
                }
                None => Sessions {
                    requests: count(&at.key("requests"), at.req("requests", t.requests)?)?,
                    think: time(&at.key("think"), at.req("think", t.think)?)?,
                    gap: time(&at.key("gap"), at.req("gap", t.gap)?)?,
                },
            };
            Ok(Pattern::Sessions(s))
        }
        _ => Err(at.at("kind", expected_one_of(Pattern::KINDS, &kind))),
    }
}

fn secs(d: Option<super::super::schema::Dur>) -> Option<f64> {
    d.map(|d| d.0 as f64 / SEC as f64)
}

/// Refuse every key of a distribution table its family does not use.
fn unused(at: &At, family: &str, keys: &[(&str, bool)], used: &[&str]) -> Res<()> {
    match keys.iter().find(|(k, w)| *w && !used.contains(k)) {
        Some((k, _)) => Err(at.at(k, format!("does not apply to dist = {family:?}"))),
        None => Ok(()),
    }
}

fn checked(at: &At, d: Dist) -> Res<Dist> {
    match d.invalid() {
        Some(m) => Err(at.err(m)),
        None => Ok(d),
    }
}

/// A distribution of durations.
fn time(at: &At, r: RawTimeDist) -> Res<Dist> {
    let family = at.name("dist", r.dist)?;
    let keys = [
        ("value", r.value.is_some()),
        ("mean", r.mean.is_some()),
        ("min", r.min.is_some()),
        ("alpha", r.alpha.is_some()),
        ("shape", r.shape.is_some()),
        ("scale", r.scale.is_some()),
        ("median", r.median.is_some()),
        ("sigma", r.sigma.is_some()),
    ];
    let d = match family.as_str() {
        "fixed" => Dist::Fixed {
            value: at.req("value", secs(r.value))?,
        },
        "exponential" => Dist::Exponential {
            mean: at.req("mean", secs(r.mean))?,
        },
        "pareto" => Dist::Pareto {
            alpha: at.req("alpha", num(r.alpha))?,
            min: at.req("min", secs(r.min))?,
        },
        "weibull" => Dist::Weibull {
            shape: at.req("shape", num(r.shape))?,
            scale: at.req("scale", secs(r.scale))?,
        },
        "lognormal" => Dist::Lognormal {
            median: at.req("median", secs(r.median))?,
            sigma: at.req("sigma", num(r.sigma))?,
        },
        _ => return Err(at.at("dist", expected_one_of(Dist::FAMILIES, &family))),
    };
    unused(at, &family, &keys, used_keys(&family))?;
    checked(at, d)
}

fn used_keys(family: &str) -> &'static [&'static str] {
    match family {
        "fixed" => &["value"],
        "exponential" | "geometric" => &["mean"],
        "pareto" => &["alpha", "min"],
        "weibull" => &["shape", "scale"],
        _ => &["median", "sigma"],
    }
}

/// A distribution of request counts.
fn count(at: &At, r: RawCountDist) -> Res<Count> {
    let family = at.name("dist", r.dist)?;
    let keys = [
        ("value", r.value.is_some()),
        ("mean", r.mean.is_some()),
        ("min", r.min.is_some()),
        ("alpha", r.alpha.is_some()),
        ("shape", r.shape.is_some()),
        ("scale", r.scale.is_some()),
        ("median", r.median.is_some()),
        ("sigma", r.sigma.is_some()),
    ];
    let c = match family.as_str() {
        "fixed" => {
            let max = resolver_models::pattern::MAX_SESSION_REQUESTS;
            Count::Fixed(
                at.u32_in("value", r.value, 1, max)?
                    .map_or_else(|| Err(at.at("value", "is required")), Ok)?,
            )
        }
        "geometric" => {
            let mean = at.req("mean", num(r.mean))?;
            if !(mean.is_finite() && mean >= 1.0) {
                return Err(at.at(
                    "mean",
                    format!("must be at least 1 (got {})", fmt_num(mean)),
                ));
            }
            Count::Geometric { mean }
        }
        "exponential" => Count::Rounded(checked(
            at,
            Dist::Exponential {
                mean: at.req("mean", num(r.mean))?,
            },
        )?),
        "pareto" => Count::Rounded(checked(
            at,
            Dist::Pareto {
                alpha: at.req("alpha", num(r.alpha))?,
                min: at.req("min", num(r.min))?,
            },
        )?),
        "weibull" => Count::Rounded(checked(
            at,
            Dist::Weibull {
                shape: at.req("shape", num(r.shape))?,
                scale: at.req("scale", num(r.scale))?,
            },
        )?),
        "lognormal" => Count::Rounded(checked(
            at,
            Dist::Lognormal {
                median: at.req("median", num(r.median))?,
                sigma: at.req("sigma", num(r.sigma))?,
            },
        )?),
        _ => {
            let mut known = vec!["fixed", "geometric"];
            known.extend(Dist::FAMILIES.iter().skip(1));
            return Err(at.at("dist", expected_one_of(&known, &family)));
        }
    };
    unused(at, &family, &keys, used_keys(&family))?;
    Ok(c)
}
