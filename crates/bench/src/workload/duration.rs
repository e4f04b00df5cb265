//! Durations and rates as written in workload files (`docs/workload.md`).
//!
//! Durations are numbers (seconds, may be fractional) or strings with a unit: `"250ms"`,
//! `"30s"`, `"5m"`, `"6h"`, `"1d"` (also `"us"`, fractional `"1.5s"`, compound `"1h30m"` as
//! printed by [`format_duration`], and a bare `"90"` meaning seconds). Rates are numbers (per
//! second) or strings `"1/30s"` (one per 30 seconds), `"2/1m"`, `"5/s"`.
//!
//! String forms are converted with exact decimal arithmetic, so `"0.1s"` is exactly 100 000
//! microseconds; numbers are converted from their `f64` value, rounded to the nearest
//! microsecond.

/// Microseconds in one unit of each duration suffix, largest first.
const UNITS: &[(&str, u64)] = &[
    ("d", 86_400_000_000),
    ("h", 3_600_000_000),
    ("m", 60_000_000),
    ("s", 1_000_000),
    ("ms", 1_000),
    ("us", 1),
    ("µs", 1),
];

/// The longest duration accepted: 36 500 days (100 years). Far beyond any simulation, and small
/// enough that sums of a few durations can never overflow `u64` microseconds.
pub const MAX_DURATION: u64 = 36_500 * 86_400_000_000;

const DURATION_EXPECTED: &str = "expected a duration (seconds, or a string like \"30s\")";
const RATE_EXPECTED: &str = "expected a rate (per second, or a string like \"1/30s\")";

/// How a TOML value is described in "got …" messages: `a boolean`, `an integer`, ….
pub(crate) fn type_name(v: &toml::Value) -> &'static str {
    match v {
        toml::Value::String(_) => "a string",
        toml::Value::Integer(_) => "an integer",
        toml::Value::Float(_) => "a float",
        toml::Value::Boolean(_) => "a boolean",
        toml::Value::Datetime(_) => "a date-time",
        toml::Value::Array(_) => "an array",
        toml::Value::Table(_) => "a table",
    }
}

/// Parse a duration value into microseconds.
///
/// Numbers are seconds (integer or float, may be fractional); strings carry a unit
/// (`us`, `ms`, `s`, `m`, `h`, `d`), may be fractional (`"1.5s"`) or compound (`"1h30m"`), and a
/// bare number string (`"90"`) is seconds. Negative, NaN, infinite, too large (over
/// [`MAX_DURATION`]) and malformed values are errors with a message saying what is expected.
pub fn parse_duration(v: &toml::Value) -> Result<u64, String> {
    match v {
        toml::Value::Integer(i) => {
            if *i < 0 {
                return Err(format!("must not be negative (got {i})"));
            }
            let secs = *i as u64;
            secs.checked_mul(1_000_000)
                .filter(|&us| us <= MAX_DURATION)
                .ok_or_else(|| too_large(&i.to_string()))
        }
        toml::Value::Float(f) => float_seconds_to_micros(*f),
        toml::Value::String(s) => parse_duration_str(s),
        other => Err(format!("{DURATION_EXPECTED}, got {}", type_name(other))),
    }
}

fn too_large(shown: &str) -> String {
    format!(
        "{shown} is too large (at most {})",
        format_duration(MAX_DURATION)
    )
}

fn float_seconds_to_micros(f: f64) -> Result<u64, String> {
    if f.is_nan() {
        return Err(format!("{DURATION_EXPECTED}, got nan"));
    }
    if f < 0.0 {
        return Err(format!("must not be negative (got {f})"));
    }
    if f.is_infinite() {
        return Err(too_large("inf"));
    }
    let us = (f * 1e6).round();
    if us > MAX_DURATION as f64 {
        return Err(too_large(&f.to_string()));
    }
    // In range [0, MAX_DURATION] and integral, so the cast is exact.
    Ok(us as u64)
}

fn bad_duration_string(s: &str) -> String {
    format!(
        "{DURATION_EXPECTED}: a number of seconds or a number with a unit \
         (\"250ms\", \"30s\", \"5m\", \"6h\", \"1d\"), got {s:?}"
    )
}

/// A non-negative decimal number as written: integer digits and fraction digits (`"1.25"` →
/// `("1", "25")`). Returns the rest of the input after the number.
fn split_decimal(s: &str) -> Option<(&str, &str, &str)> {
    let int_len = s.bytes().take_while(u8::is_ascii_digit).count();
    let (int, rest) = s.split_at(int_len);
    let (frac, rest) = match rest.strip_prefix('.') {
        Some(after) => {
            let n = after.bytes().take_while(u8::is_ascii_digit).count();
            if n == 0 {
                return None; // "5." is not a number here
            }
            after.split_at(n)
        }
        None => ("", rest),
    };
    if int.is_empty() && frac.is_empty() {
        return None;
    }
    Some((int, frac, rest))
}

/// `int.frac × unit`, exactly, rounded to the nearest microsecond (halves up). `None` when it
/// exceeds [`MAX_DURATION`].
fn decimal_times(int: &str, frac: &str, unit: u64) -> Option<u64> {
    let int = int.trim_start_matches('0');
    if int.len() > 20 {
        return None;
    }
    let int_val: u128 = if int.is_empty() { 0 } else { int.parse().ok()? };
    // Digits past the 18th cannot change a microsecond count of anything below 10^20 us.
    let frac = &frac[..frac.len().min(18)];
    let mut total = int_val.checked_mul(unit as u128)?;
    if !frac.is_empty() {
        let num: u128 = frac.parse().ok()?;
        let den: u128 = 10u128.pow(frac.len() as u32);
        let scaled = num * unit as u128; // < 10^18 × 8.64×10^10: fits u128
        total += (scaled + den / 2) / den;
    }
    (total <= MAX_DURATION as u128).then_some(total as u64)
}

fn parse_duration_str(raw: &str) -> Result<u64, String> {
    let s = raw.trim();
    if s.is_empty() {
        return Err(bad_duration_string(raw));
    }
    if s.starts_with('-') {
        return Err(format!("must not be negative (got {raw:?})"));
    }
    let mut rest = s;
    let mut total: u64 = 0;
    let mut last_unit: Option<usize> = None;
    while !rest.is_empty() {
        let (int, frac, after) = split_decimal(rest).ok_or_else(|| bad_duration_string(raw))?;
        let after = after.trim_start();
        let unit_len = after
            .char_indices()
            .find(|&(_, c)| !(c.is_alphabetic()))
            .map_or(after.len(), |(i, _)| i);
        let (unit, after) = after.split_at(unit_len);
        let unit_index = if unit.is_empty() {
            // A bare number: only as the whole string ("90" = 90 seconds).
            if last_unit.is_some() || !after.trim().is_empty() {
                return Err(bad_duration_string(raw));
            }
            3
        } else {
            UNITS
                .iter()
                .position(|(name, _)| *name == unit)
                .ok_or_else(|| {
                    format!(
                        "unknown unit {unit:?} in {raw:?} (units: us, ms, s, m, h, d; \
                     e.g. \"250ms\", \"30s\", \"5m\")"
                    )
                })?
        };
        let unit_us = UNITS[unit_index].1;
        if let Some(prev) = last_unit {
            // "µs" and "us" share a rank.
            let rank = |i: usize| i.min(5);
            if rank(unit_index) <= rank(prev) {
                return Err(format!(
                    "units in {raw:?} must go from largest to smallest, each once (like \"1h30m\")"
                ));
            }
        }
        last_unit = Some(unit_index);
        let part =
            decimal_times(int, frac, unit_us).ok_or_else(|| too_large(&format!("{raw:?}")))?;
        total = total
            .checked_add(part)
            .filter(|&t| t <= MAX_DURATION)
            .ok_or_else(|| too_large(&format!("{raw:?}")))?;
        rest = after.trim_start();
    }
    Ok(total)
}

/// Parse a rate value into events per second; it must be greater than 0.
///
/// Numbers are per second; strings are `"N/period"`: `"1/30s"` (one per 30 seconds), `"2/1m"`,
/// `"5/s"` (a bare unit means one of it), or a bare number string (per second).
pub fn parse_rate(v: &toml::Value) -> Result<f64, String> {
    let rate = match v {
        toml::Value::Integer(i) => *i as f64,
        toml::Value::Float(f) => {
            if f.is_nan() {
                return Err(format!("{RATE_EXPECTED}, got nan"));
            }
            *f
        }
        toml::Value::String(s) => parse_rate_str(s)?,
        other => return Err(format!("{RATE_EXPECTED}, got {}", type_name(other))),
    };
    if rate.is_nan() || rate <= 0.0 {
        return Err(format!("must be greater than 0 (got {rate})"));
    }
    if !rate.is_finite() {
        return Err("must be finite".into());
    }
    Ok(rate)
}

fn bad_rate_string(s: &str) -> String {
    format!(
        "{RATE_EXPECTED}: a number per second or \"count/period\" like \"1/30s\", \"2/1m\", \
         \"5/s\", got {s:?}"
    )
}

fn parse_rate_str(raw: &str) -> Result<f64, String> {
    let s = raw.trim();
    if s.starts_with('-') {
        return Err(format!("must be greater than 0 (got {raw:?})"));
    }
    let (count, period) = match s.split_once('/') {
        Some((c, p)) => (c.trim(), Some(p.trim())),
        None => (s, None),
    };
    let count: f64 = match split_decimal(count) {
        Some((_, _, "")) => count.parse().map_err(|_| bad_rate_string(raw))?,
        _ => return Err(bad_rate_string(raw)),
    };
    let period_us = match period {
        None => 1_000_000,
        Some(p) => {
            if p.starts_with('-') {
                return Err(format!("the period must be greater than 0 (got {raw:?})"));
            }
            if p.is_empty() {
                return Err(bad_rate_string(raw));
            }
            // A bare unit ("5/s") means one of it.
            let with_count = if p.chars().all(char::is_alphabetic) {
                format!("1{p}")
            } else {
                p.to_string()
            };
            let us = parse_duration_str(&with_count)
                .map_err(|e| format!("in the period of rate {raw:?}: {e}"))?;
            if us == 0 {
                return Err(format!("the period must be greater than 0 (got {raw:?})"));
            }
            us
        }
    };
    Ok(count * 1e6 / period_us as f64)
}

/// Format microseconds exactly, the inverse of [`parse_duration`] for reports and messages:
/// `"0s"`, `"250ms"`, `"1.5ms"`, `"7us"`, `"30s"`, `"1.5s"`, `"5m"`, `"1h30m"`, `"1d2h"`,
/// `"1m0.5s"`. Whole days, hours and minutes are written as such; the seconds part carries any
/// sub-second remainder as an exact decimal fraction.
pub fn format_duration(micros: u64) -> String {
    const SEC: u64 = 1_000_000;
    if micros == 0 {
        return "0s".into();
    }
    let whole = micros / SEC;
    let sub = micros % SEC;
    if whole == 0 {
        return if sub.is_multiple_of(1_000) {
            format!("{}ms", sub / 1_000)
        } else if sub >= 1_000 {
            format!("{}.{}ms", sub / 1_000, trim_frac(sub % 1_000, 3))
        } else {
            format!("{sub}us")
        };
    }
    let mut out = String::new();
    let (d, h, m, s) = (
        whole / 86_400,
        whole / 3_600 % 24,
        whole / 60 % 60,
        whole % 60,
    );
    for (n, unit) in [(d, "d"), (h, "h"), (m, "m")] {
        if n > 0 {
            out.push_str(&format!("{n}{unit}"));
        }
    }
    if sub > 0 {
        out.push_str(&format!("{s}.{}s", trim_frac(sub, 6)));
    } else if s > 0 {
        out.push_str(&format!("{s}s"));
    }
    out
}

/// `value` written as `digits` decimal fraction digits, trailing zeros removed: `(500, 6)` →
/// `"0005"` (0.0005), `(500_000, 6)` → `"5"` (0.5).
fn trim_frac(value: u64, digits: usize) -> String {
    let s = format!("{value:0digits$}");
    s.trim_end_matches('0').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use toml::Value;

    fn s(x: &str) -> Value {
        Value::String(x.into())
    }

    #[test]
    fn numbers_are_seconds() {
        assert_eq!(parse_duration(&Value::Integer(30)), Ok(30_000_000));
        assert_eq!(parse_duration(&Value::Integer(0)), Ok(0));
        assert_eq!(parse_duration(&Value::Float(1.5)), Ok(1_500_000));
        assert_eq!(parse_duration(&Value::Float(0.25)), Ok(250_000));
        assert_eq!(parse_duration(&Value::Float(0.1)), Ok(100_000));
        assert_eq!(parse_duration(&Value::Float(-0.0)), Ok(0));
    }

    #[test]
    fn unit_strings() {
        assert_eq!(parse_duration(&s("250ms")), Ok(250_000));
        assert_eq!(parse_duration(&s("30s")), Ok(30_000_000));
        assert_eq!(parse_duration(&s("5m")), Ok(300_000_000));
        assert_eq!(parse_duration(&s("6h")), Ok(21_600_000_000));
        assert_eq!(parse_duration(&s("1d")), Ok(86_400_000_000));
        assert_eq!(parse_duration(&s("7us")), Ok(7));
        assert_eq!(parse_duration(&s("7µs")), Ok(7));
        assert_eq!(parse_duration(&s("0s")), Ok(0));
        assert_eq!(parse_duration(&s("90")), Ok(90_000_000));
        assert_eq!(parse_duration(&s(" 30s ")), Ok(30_000_000));
    }

    #[test]
    fn fractional_and_compound_strings_are_exact() {
        assert_eq!(parse_duration(&s("1.5s")), Ok(1_500_000));
        assert_eq!(parse_duration(&s("0.1s")), Ok(100_000));
        assert_eq!(parse_duration(&s(".5s")), Ok(500_000));
        assert_eq!(parse_duration(&s("1.5")), Ok(1_500_000));
        assert_eq!(parse_duration(&s("0.5ms")), Ok(500));
        assert_eq!(parse_duration(&s("1.25h")), Ok(4_500_000_000));
        assert_eq!(parse_duration(&s("0.0000005s")), Ok(1)); // half a microsecond rounds up
        assert_eq!(parse_duration(&s("1h30m")), Ok(5_400_000_000));
        assert_eq!(parse_duration(&s("1m30.5s")), Ok(90_500_000));
        assert_eq!(parse_duration(&s("1d2h3m4s5ms6us")), Ok(93_784_005_006));
    }

    #[test]
    fn duration_errors() {
        let err = |v: Value| parse_duration(&v).unwrap_err();
        assert!(err(Value::Integer(-1)).contains("must not be negative"));
        assert!(err(Value::Float(-0.5)).contains("must not be negative"));
        assert!(err(s("-5s")).contains("must not be negative"));
        assert!(err(Value::Float(f64::NAN)).contains("expected a duration"));
        assert!(err(Value::Float(f64::INFINITY)).contains("too large"));
        assert!(err(Value::Float(1e300)).contains("too large"));
        assert!(err(Value::Integer(i64::MAX)).contains("too large"));
        assert!(err(s("99999999999999999999999999d")).contains("too large"));
        assert!(err(s("abc")).contains("\"250ms\""));
        assert!(err(s("")).contains("expected a duration"));
        assert!(err(s("5.s")).contains("expected a duration"));
        assert!(err(s("1m30")).contains("expected a duration"));
        assert!(err(s("30x")).contains("unknown unit \"x\""));
        assert!(err(s("30sec")).contains("unknown unit"));
        assert!(err(s("30s1m")).contains("largest to smallest"));
        assert!(err(s("1s1s")).contains("largest to smallest"));
        assert_eq!(
            err(Value::Boolean(true)),
            "expected a duration (seconds, or a string like \"30s\"), got a boolean"
        );
        assert!(err(Value::Array(vec![])).ends_with("got an array"));
    }

    #[test]
    fn format_is_exact_and_round_trips() {
        assert_eq!(format_duration(0), "0s");
        assert_eq!(format_duration(7), "7us");
        assert_eq!(format_duration(1_500), "1.5ms");
        assert_eq!(format_duration(250_000), "250ms");
        assert_eq!(format_duration(30_000_000), "30s");
        assert_eq!(format_duration(1_500_000), "1.5s");
        assert_eq!(format_duration(300_000_000), "5m");
        assert_eq!(format_duration(5_400_000_000), "1h30m");
        assert_eq!(format_duration(90_500_000), "1m30.5s");
        assert_eq!(format_duration(60_000_500), "1m0.0005s");
        assert_eq!(format_duration(86_400_000_000), "1d");
        assert_eq!(format_duration(93_784_000_000), "1d2h3m4s");
        for us in [
            0,
            1,
            999,
            1_000,
            1_001,
            999_999,
            1_000_001,
            59_999_999,
            3_600_000_000,
            93_784_005_006,
            MAX_DURATION,
        ] {
            assert_eq!(parse_duration(&s(&format_duration(us))), Ok(us), "{us}");
        }
    }

    #[test]
    fn rates() {
        let close = |a: f64, b: f64| (a - b).abs() < 1e-12 * b.abs().max(1.0);
        assert_eq!(parse_rate(&Value::Integer(2)), Ok(2.0));
        assert_eq!(parse_rate(&Value::Float(0.5)), Ok(0.5));
        assert!(close(parse_rate(&s("1/30s")).unwrap(), 1.0 / 30.0));
        assert!(close(parse_rate(&s("2/1m")).unwrap(), 2.0 / 60.0));
        assert!(close(parse_rate(&s("5/s")).unwrap(), 5.0));
        assert!(close(parse_rate(&s("1/m")).unwrap(), 1.0 / 60.0));
        assert!(close(parse_rate(&s("3/h")).unwrap(), 3.0 / 3600.0));
        assert!(close(parse_rate(&s("1.5/500ms")).unwrap(), 3.0));
        assert!(close(parse_rate(&s("0.5")).unwrap(), 0.5));
    }

    #[test]
    fn rate_errors() {
        let err = |v: Value| parse_rate(&v).unwrap_err();
        assert!(err(Value::Integer(0)).contains("greater than 0"));
        assert!(err(Value::Float(-1.0)).contains("greater than 0"));
        assert!(err(Value::Float(f64::NAN)).contains("expected a rate"));
        assert!(err(Value::Float(f64::INFINITY)).contains("finite"));
        assert!(err(s("0/30s")).contains("greater than 0"));
        assert!(err(s("-1/30s")).contains("greater than 0"));
        assert!(err(s("1/0s")).contains("period must be greater than 0"));
        assert!(err(s("1/-3s")).contains("period must be greater than 0"));
        assert!(err(s("1/30x")).contains("unknown unit"));
        assert!(err(s("often")).contains("\"1/30s\""));
        assert!(err(s("1/")).contains("expected a rate"));
        assert!(err(s("/30s")).contains("expected a rate"));
        assert!(err(s("1/30s/2")).contains("1/30s/2"));
        assert_eq!(
            err(Value::Boolean(false)),
            "expected a rate (per second, or a string like \"1/30s\"), got a boolean"
        );
    }
}
