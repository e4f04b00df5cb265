//! How a claim is judged from N replications: the figure's mean and 95 % Student-t interval
//! ([`crate::stats::mean_ci`]) against the claim's threshold. "holds" and "does not hold" only
//! when the whole interval lies on one side; anything else (an interval that straddles the
//! threshold, one replication, a figure null in some replications) is "undecided".

use crate::stats::{MeanCi, fmt_ci, mean_ci};

/// What a claim says about a figure.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Check {
    /// The figure is at most this.
    AtMost(f64),
    /// The figure is at least this.
    AtLeast(f64),
    /// The figure is strictly above this.
    Above(f64),
    /// The figure is within `tolerance` (the second value) of the first.
    About(f64, f64),
    /// The figure is null (the event never happens, e.g. never detected).
    Never,
    /// No numeric claim: the figure is reported.
    Report,
}

/// The verdict words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Holds,
    DoesNotHold,
    Undecided,
    /// [`Check::Report`]: nothing to decide.
    NoClaim,
}

impl Verdict {
    pub fn word(self) -> &'static str {
        match self {
            Verdict::Holds => "holds",
            Verdict::DoesNotHold => "does not hold",
            Verdict::Undecided => "undecided",
            Verdict::NoClaim => "no numeric claim",
        }
    }
}

/// A verdict with the reason, and the figure as "mean ± half-width (n)".
#[derive(Debug, Clone, PartialEq)]
pub struct Judged {
    pub verdict: Verdict,
    /// Why, e.g. "95 % CI [88.1, 93.0] within 30 of 90".
    pub why: String,
    /// The figure: "130.0 ± 2.3 (10)", with how many replications were null if any.
    pub figure: String,
}

impl Judged {
    /// "holds (95 % CI [88.1, 93.0] within 30 of 90)".
    pub fn text(&self) -> String {
        if self.why.is_empty() {
            self.verdict.word().to_string()
        } else {
            format!("{} ({})", self.verdict.word(), self.why)
        }
    }
}

fn num(x: f64, decimals: usize) -> String {
    format!("{x:.decimals$}")
}

/// The figure text of `values` (one per replication, `None` for null).
pub fn figure_text(values: &[Option<f64>], decimals: usize) -> String {
    let n = values.len();
    let known: Vec<f64> = values.iter().flatten().copied().collect();
    let nulls = n - known.len();
    match nulls {
        0 => fmt_ci(mean_ci(&known), decimals),
        _ if nulls == n => format!("null ({n} of {n})"),
        _ => format!(
            "{}; null in {nulls} of {n}",
            fmt_ci(mean_ci(&known), decimals)
        ),
    }
}

/// Judges `check` on one value per replication (`None` = null in that replication).
pub fn judge(check: Check, values: &[Option<f64>], decimals: usize) -> Judged {
    let n = values.len();
    let figure = figure_text(values, decimals);
    let known: Vec<f64> = values.iter().flatten().copied().collect();
    let nulls = n - known.len();
    let out = |verdict, why: String| Judged {
        verdict,
        why,
        figure: figure.clone(),
    };
    if check == Check::Report {
        return out(Verdict::NoClaim, String::new());
    }
    if n < 2 {
        return out(
            Verdict::Undecided,
            format!("n = {n}: no confidence interval from fewer than 2 replications"),
        );
    }
    if check == Check::Never {
        return match nulls {
            _ if nulls == n => out(Verdict::Holds, format!("never, in all {n} replications")),
            0 => out(
                Verdict::DoesNotHold,
                format!("happens in all {n} replications"),
            ),
            _ => out(
                Verdict::Undecided,
                format!("null in {nulls} of {n} replications"),
            ),
        };
    }
    if nulls == n {
        return out(
            Verdict::Undecided,
            format!(
                "null in all {n} replications: never reached, or too few requests to resolve it"
            ),
        );
    }
    if nulls > 0 {
        return out(
            Verdict::Undecided,
            format!("null in {nulls} of {n} replications: no mean over all of them"),
        );
    }
    let ci = mean_ci(&known).expect("n ≥ 2 values");
    let (lo, hi) = bounds(ci);
    let d = |x: f64| num(x, decimals);
    let range = format!("95 % CI [{}, {}]", d(lo), d(hi));
    let (verdict, relation) = match check {
        Check::AtMost(x) if hi <= x => (Verdict::Holds, format!("≤ {}", d(x))),
        Check::AtMost(x) if lo > x => (Verdict::DoesNotHold, format!("> {}", d(x))),
        Check::AtMost(x) => (Verdict::Undecided, format!("straddles {}", d(x))),
        Check::AtLeast(x) if lo >= x => (Verdict::Holds, format!("≥ {}", d(x))),
        Check::AtLeast(x) if hi < x => (Verdict::DoesNotHold, format!("< {}", d(x))),
        Check::AtLeast(x) => (Verdict::Undecided, format!("straddles {}", d(x))),
        Check::Above(x) if lo > x => (Verdict::Holds, format!("> {}", d(x))),
        Check::Above(x) if hi <= x => (Verdict::DoesNotHold, format!("≤ {}", d(x))),
        Check::Above(x) => (Verdict::Undecided, format!("straddles {}", d(x))),
        Check::About(x, t) if lo >= x - t && hi <= x + t => {
            (Verdict::Holds, format!("within {} of {}", d(t), d(x)))
        }
        Check::About(x, t) if hi < x - t || lo > x + t => {
            (Verdict::DoesNotHold, format!("outside {} ± {}", d(x), d(t)))
        }
        Check::About(x, t) => (
            Verdict::Undecided,
            format!("straddles an edge of {} ± {}", d(x), d(t)),
        ),
        Check::Never | Check::Report => unreachable!("handled above"),
    };
    out(verdict, format!("{range} {relation}"))
}

/// The interval's ends; n ≥ 2.
fn bounds(ci: MeanCi) -> (f64, f64) {
    let hw = ci.half_width.unwrap_or(f64::NAN);
    (ci.mean - hw, ci.mean + hw)
}

/// The verdict over an assumption's range: `Some("assumption-driven: holds at A; undecided
/// at B")` when the verdicts at the range's values differ, `None` when they agree (the
/// verdict does not depend on the assumption over that range).
pub fn over_range(points: &[(String, Verdict)]) -> Option<String> {
    let first = points.first()?.1;
    if points.iter().all(|(_, v)| *v == first) {
        return None;
    }
    let mut groups: Vec<(Verdict, Vec<&str>)> = Vec::new();
    for (label, v) in points {
        match groups.iter_mut().find(|(g, _)| g == v) {
            Some((_, labels)) => labels.push(label),
            None => groups.push((*v, vec![label])),
        }
    }
    let parts: Vec<String> = groups
        .iter()
        .map(|(v, labels)| format!("{} at {}", v.word(), labels.join(", ")))
        .collect();
    Some(format!("assumption-driven: {}", parts.join("; ")))
}

#[cfg(test)]
mod tests {
    use super::*;

    // 1..5: mean 3, 95 % CI 3 ± 1.963 = [1.037, 4.963] (stats.rs' hand-computed case).
    const FIVE: [Option<f64>; 5] = [Some(1.0), Some(2.0), Some(3.0), Some(4.0), Some(5.0)];

    fn v(check: Check, values: &[Option<f64>]) -> Verdict {
        judge(check, values, 1).verdict
    }

    #[test]
    fn a_whole_interval_on_one_side_decides() {
        assert_eq!(v(Check::AtMost(5.0), &FIVE), Verdict::Holds);
        assert_eq!(v(Check::AtMost(1.0), &FIVE), Verdict::DoesNotHold);
        assert_eq!(v(Check::AtLeast(1.0), &FIVE), Verdict::Holds);
        assert_eq!(v(Check::AtLeast(5.0), &FIVE), Verdict::DoesNotHold);
        assert_eq!(v(Check::Above(1.0), &FIVE), Verdict::Holds);
        assert_eq!(v(Check::Above(5.0), &FIVE), Verdict::DoesNotHold);
        assert_eq!(v(Check::About(3.0, 2.0), &FIVE), Verdict::Holds);
        assert_eq!(v(Check::About(10.0, 1.0), &FIVE), Verdict::DoesNotHold);
        assert_eq!(v(Check::About(-3.0, 1.0), &FIVE), Verdict::DoesNotHold);
        let j = judge(Check::AtMost(5.0), &FIVE, 1);
        assert_eq!(j.figure, "3.0 ± 2.0 (5)");
        assert_eq!(j.text(), "holds (95 % CI [1.0, 5.0] ≤ 5.0)");
    }

    #[test]
    fn an_interval_that_straddles_the_threshold_is_undecided() {
        // The mean is on the good side of each threshold, but the interval is not.
        assert_eq!(v(Check::AtMost(4.0), &FIVE), Verdict::Undecided);
        assert_eq!(v(Check::AtMost(2.0), &FIVE), Verdict::Undecided);
        assert_eq!(v(Check::AtLeast(2.0), &FIVE), Verdict::Undecided);
        assert_eq!(v(Check::Above(4.5), &FIVE), Verdict::Undecided);
        assert_eq!(v(Check::About(3.0, 1.5), &FIVE), Verdict::Undecided);
        assert_eq!(v(Check::About(6.0, 1.5), &FIVE), Verdict::Undecided);
    }

    #[test]
    fn a_constant_sample_has_a_zero_width_interval() {
        let ones = [Some(1.0); 10];
        assert_eq!(v(Check::AtLeast(1.0), &ones), Verdict::Holds);
        assert_eq!(v(Check::Above(1.0), &ones), Verdict::DoesNotHold);
        assert_eq!(v(Check::AtMost(0.0), &[Some(0.0); 3]), Verdict::Holds);
    }

    #[test]
    fn one_replication_is_never_decided() {
        for c in [
            Check::AtMost(100.0),
            Check::AtLeast(0.0),
            Check::About(1.0, 100.0),
            Check::Never,
        ] {
            let j = judge(c, &[Some(1.0)], 1);
            assert_eq!(j.verdict, Verdict::Undecided, "{c:?}");
            assert!(j.why.contains("n = 1"), "{}", j.why);
            assert_eq!(j.figure, "1.0 ± n/a (1)");
        }
        assert_eq!(v(Check::Never, &[None]), Verdict::Undecided);
        assert_eq!(v(Check::AtMost(1.0), &[]), Verdict::Undecided);
    }

    #[test]
    fn nulls_decide_only_never() {
        let none = [None, None, None];
        let some = [None, Some(3.0), Some(4.0)];
        assert_eq!(v(Check::Never, &none), Verdict::Holds);
        assert_eq!(v(Check::Never, &FIVE), Verdict::DoesNotHold);
        assert_eq!(v(Check::Never, &some), Verdict::Undecided);
        assert_eq!(v(Check::AtMost(1e9), &none), Verdict::Undecided);
        assert_eq!(v(Check::AtMost(1e9), &some), Verdict::Undecided);
        assert_eq!(figure_text(&none, 1), "null (3 of 3)");
        assert_eq!(figure_text(&some, 1), "3.5 ± 6.4 (2); null in 1 of 3");
        let r = judge(Check::Report, &FIVE, 1);
        assert_eq!(
            (r.verdict, r.text()),
            (Verdict::NoClaim, "no numeric claim".into())
        );
    }

    #[test]
    fn a_verdict_that_moves_over_the_range_is_assumption_driven() {
        let p = |l: &str, v| (l.to_string(), v);
        assert_eq!(
            over_range(&[p("0 s", Verdict::Holds), p("60 s", Verdict::Holds)]),
            None
        );
        assert_eq!(
            over_range(&[
                p("0 s", Verdict::Holds),
                p("60 s", Verdict::DoesNotHold),
                p("300 s", Verdict::DoesNotHold),
                p("30 s", Verdict::Undecided),
            ])
            .unwrap(),
            "assumption-driven: holds at 0 s; does not hold at 60 s, 300 s; undecided at 30 s"
        );
        assert_eq!(over_range(&[]), None);
    }
}
