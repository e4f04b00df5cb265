//! One curve bin: the counts `curve.csv` prints per arm and bin (METRICS.md fixes the column
//! names). A leaf module: the hot loop ([`crate::sim`]) fills bins, [`crate::metrics`],
//! [`crate::cost`] and the output writers read them.

use std::ops::AddAssign;

/// Columns of a curve bin, in `curve.csv` order after `arm,t_s`: the field names of [`Bin`],
/// in field order (tested), and the order of [`Bin::values`].
pub const COLUMNS: [&str; 12] = [
    "requests",
    "ok",
    "failed",
    "attempts",
    "attempts_failed_region",
    "dns_answers",
    "dns_answers_failed_region",
    "auth_queries",
    "cohort_requests",
    "cohort_ok",
    "cohort_attempts",
    "cohort_attempts_failed_region",
];

/// The counts of one curve bin (`bins[i]` covers `[i * bin, (i + 1) * bin)` on the recording
/// clock). Requests and their outcomes are counted by issue time, attempts, answers and
/// authoritative queries by their own time. The `cohort_*` fields count only the failure
/// cohort (METRICS.md: clients whose last ok request before the failure was served by the
/// region that fails first), within the failure window.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Bin {
    /// Requests issued in the bin.
    pub requests: u64,
    /// Of them, requests served by a region actually up, within the request timeout.
    pub ok: u64,
    /// Of them, requests that were not.
    pub failed: u64,
    /// Attempts (connection plus exchange: first tries, retries, next multivalue addresses).
    pub attempts: u64,
    /// Of them, attempts sent to a region that had failed (ground truth).
    pub attempts_failed_region: u64,
    /// DNS answers that reached a client, from any cache level.
    pub dns_answers: u64,
    /// Of them, answers whose first address is in a failed region.
    pub dns_answers_failed_region: u64,
    /// Queries resolvers sent to the authoritative servers.
    pub auth_queries: u64,
    /// `requests`, failure cohort only.
    pub cohort_requests: u64,
    /// `ok`, failure cohort only.
    pub cohort_ok: u64,
    /// `attempts`, failure cohort only.
    pub cohort_attempts: u64,
    /// `attempts_failed_region`, failure cohort only.
    pub cohort_attempts_failed_region: u64,
}

impl Bin {
    /// The counts in [`COLUMNS`] order.
    pub fn values(&self) -> [u64; 12] {
        [
            self.requests,
            self.ok,
            self.failed,
            self.attempts,
            self.attempts_failed_region,
            self.dns_answers,
            self.dns_answers_failed_region,
            self.auth_queries,
            self.cohort_requests,
            self.cohort_ok,
            self.cohort_attempts,
            self.cohort_attempts_failed_region,
        ]
    }
}

impl Bin {
    /// The bin of counts in [`COLUMNS`] order (the inverse of [`Bin::values`]).
    pub fn from_values(v: [u64; 12]) -> Bin {
        let [
            requests,
            ok,
            failed,
            attempts,
            attempts_failed_region,
            dns_answers,
            dns_answers_failed_region,
            auth_queries,
            cohort_requests,
            cohort_ok,
            cohort_attempts,
            cohort_attempts_failed_region,
        ] = v;
        Bin {
            requests,
            ok,
            failed,
            attempts,
            attempts_failed_region,
            dns_answers,
            dns_answers_failed_region,
            auth_queries,
            cohort_requests,
            cohort_ok,
            cohort_attempts,
            cohort_attempts_failed_region,
        }
    }
}

impl AddAssign<&Bin> for Bin {
    /// Field-by-field sum (shard results merge exactly, in any order).
    #[inline]
    fn add_assign(&mut self, o: &Bin) {
        self.requests += o.requests;
        self.ok += o.ok;
        self.failed += o.failed;
        self.attempts += o.attempts;
        self.attempts_failed_region += o.attempts_failed_region;
        self.dns_answers += o.dns_answers;
        self.dns_answers_failed_region += o.dns_answers_failed_region;
        self.auth_queries += o.auth_queries;
        self.cohort_requests += o.cohort_requests;
        self.cohort_ok += o.cohort_ok;
        self.cohort_attempts += o.cohort_attempts;
        self.cohort_attempts_failed_region += o.cohort_attempts_failed_region;
    }
}

impl<'a> std::iter::Sum<&'a Bin> for Bin {
    /// The field-by-field total of a run of bins.
    fn sum<I: Iterator<Item = &'a Bin>>(iter: I) -> Bin {
        iter.fold(Bin::default(), |mut a, b| {
            a += b;
            a
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The field names of `Bin`, in declaration order, read from this file's text.
    fn field_names() -> Vec<String> {
        let src = include_str!("curve.rs");
        let body = src
            .split("pub struct Bin {")
            .nth(1)
            .and_then(|s| s.split("\n}").next())
            .expect("struct Bin in curve.rs");
        body.lines()
            .filter_map(|l| l.trim().strip_prefix("pub "))
            .filter_map(|l| l.strip_suffix(": u64,"))
            .map(str::to_string)
            .collect()
    }

    #[test]
    fn columns_are_the_field_names_in_field_order() {
        assert_eq!(field_names(), COLUMNS);
    }

    #[test]
    fn values_and_add_assign_follow_the_fields() {
        // Each field set to its position, in declaration order.
        let b = Bin {
            requests: 0,
            ok: 1,
            failed: 2,
            attempts: 3,
            attempts_failed_region: 4,
            dns_answers: 5,
            dns_answers_failed_region: 6,
            auth_queries: 7,
            cohort_requests: 8,
            cohort_ok: 9,
            cohort_attempts: 10,
            cohort_attempts_failed_region: 11,
        };
        let want: Vec<u64> = (0..12).collect();
        assert_eq!(b.values().to_vec(), want);
        let mut sum = b;
        sum += &b;
        assert_eq!(
            sum.values().to_vec(),
            want.iter().map(|v| 2 * v).collect::<Vec<_>>()
        );
    }
}
