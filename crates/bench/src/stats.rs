//! Mean and Student-t 95 % confidence interval over seeds, for replications and sweeps.

/// Two-sided 95 % Student-t quantiles t(0.975, df) for df = 1..30, from the standard table
/// (NIST/SEMATECH e-Handbook of Statistical Methods, §1.3.6.7.2 "Critical Values of the
/// Student's t Distribution", column 0.975). Above 30 degrees of freedom, 1.96 (normal).
const T_975: [f64; 30] = [
    12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160,
    2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056,
    2.052, 2.048, 2.045, 2.042,
];

/// t(0.975, df); `df` ≥ 1.
pub fn t_975(df: usize) -> f64 {
    match df {
        0 => f64::NAN,
        1..=30 => T_975[df - 1],
        _ => 1.96,
    }
}

/// Mean and 95 % confidence interval of a sample.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MeanCi {
    /// How many values.
    pub n: usize,
    pub mean: f64,
    /// Sample standard deviation (n − 1 denominator); `None` for n = 1.
    pub sd: Option<f64>,
    /// t(0.975, n − 1) × sd / √n; `None` for n = 1 (no interval).
    pub half_width: Option<f64>,
}

/// Mean and Student-t 95 % interval; `None` for no values.
pub fn mean_ci(values: &[f64]) -> Option<MeanCi> {
    let n = values.len();
    if n == 0 {
        return None;
    }
    let mean = values.iter().sum::<f64>() / n as f64;
    if n == 1 {
        return Some(MeanCi {
            n,
            mean,
            sd: None,
            half_width: None,
        });
    }
    let var = values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1) as f64;
    let sd = var.sqrt();
    Some(MeanCi {
        n,
        mean,
        sd: Some(sd),
        half_width: Some(t_975(n - 1) * sd / (n as f64).sqrt()),
    })
}

/// "3.0 ± 2.0 (5)"; "3.0 ± n/a (1)" with one value; "- (0)" with none.
pub fn fmt_ci(ci: Option<MeanCi>, decimals: usize) -> String {
    match ci {
        None => "- (0)".into(),
        Some(c) => {
            let hw = c
                .half_width
                .map_or("n/a".into(), |h| format!("{h:.decimals$}"));
            format!("{:.decimals$} ± {hw} ({})", c.mean, c.n)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn t_interval_matches_a_hand_computed_case() {
        // 1..5: mean 3, s = sqrt(2.5) = 1.5811, t(0.975, 4) = 2.776, half-width
        // 2.776 × 1.5811 / sqrt(5) = 1.9629.
        let c = mean_ci(&[1.0, 2.0, 3.0, 4.0, 5.0]).unwrap();
        assert_eq!(c.n, 5);
        assert!((c.mean - 3.0).abs() < 1e-12);
        assert!((c.sd.unwrap() - 1.5811).abs() < 1e-4);
        assert!((c.half_width.unwrap() - 1.963).abs() < 1e-3);
        assert_eq!(fmt_ci(Some(c), 1), "3.0 ± 2.0 (5)");
        assert_eq!(fmt_ci(Some(c), 3), "3.000 ± 1.963 (5)");
        assert_eq!(t_975(1), 12.706);
        assert_eq!(t_975(30), 2.042);
        assert_eq!(t_975(31), 1.96);
    }

    #[test]
    fn one_value_has_no_interval_and_none_has_no_mean() {
        let c = mean_ci(&[7.5]).unwrap();
        assert_eq!((c.n, c.mean, c.sd, c.half_width), (1, 7.5, None, None));
        assert_eq!(fmt_ci(Some(c), 1), "7.5 ± n/a (1)");
        assert_eq!(mean_ci(&[]), None);
        assert_eq!(fmt_ci(None, 1), "- (0)");
    }
}
