//! What `gtsim claims` runs and judges: the seed workloads with their client counts, and each
//! claim quoted from `shared/seeds` with the figure and the check that judge it.

use super::ranges::{ALB_CHECKS, FLIP_DELAY, Range, SPLIT_BRAIN, TTL_CORNERS, TTL_FROM_HONEST};
use super::verdict::Check;

/// A seed workload, embedded so that the binary alone reproduces the report.
pub struct SeedWorkload {
    pub name: &'static str,
    pub text: &'static str,
    /// Clients per run in the published report (`--clients` overrides it).
    pub clients: u64,
    /// Why that many, for the report.
    pub why: &'static str,
}

/// Client counts are chosen so that the whole regeneration (every workload, 10 replications,
/// every assumption range) fits in 10 minutes on a 2-core machine, from CPU time measured at
/// small sizes and scaled linearly in clients; and so that each quoted percentile is
/// resolvable (docs/metrics.md: a curve bin qualifies for converge pX with ceil(10 / (1 −
/// X/100)) cohort requests: 1,000 for p99, 10,000 for p99.9; bins are 5 s, one request per
/// client every 30 s).
pub const WORKLOADS: &[SeedWorkload] = &[
    SeedWorkload {
        name: "seed000-latency-vs-ga",
        text: include_str!("../../../../../workloads/seed000-latency-vs-ga.toml"),
        clients: 400_000,
        why: "converge p99.9 needs 10,000 cohort requests per 5 s bin: about 60,000 cohort \
              clients; the cohort (us-east-1's clients) is about 18.5 % of the population",
    },
    SeedWorkload {
        name: "seed001-weighted-100-0",
        text: include_str!("../../../../../workloads/seed001-weighted-100-0.toml"),
        clients: 20_000,
        why: "every client is in the cohort; converge p99 needs 6,000",
    },
    SeedWorkload {
        name: "seed002-floor-90s",
        text: include_str!("../../../../../workloads/seed002-floor-90s.toml"),
        clients: 80_000,
        why: "converge p99 needs 6,000 cohort clients; the cohort is 12–20 % of the population",
    },
    SeedWorkload {
        name: "seed002-grey-failure",
        text: include_str!("../../../../../workloads/seed002-grey-failure.toml"),
        clients: 20_000,
        why: "the claim's figure is detection, independent of the client count",
    },
    SeedWorkload {
        name: "seed002-drain-ramp",
        text: include_str!("../../../../../workloads/seed002-drain-ramp.toml"),
        clients: 20_000,
        why: "stale-converge p90 needs 100 cohort requests per bin",
    },
    SeedWorkload {
        name: "seed002-split-brain-capacity",
        text: include_str!("../../../../../workloads/seed002-split-brain-capacity.toml"),
        clients: 30_000,
        why: "a share of the cohort; capacities scale with the client count, so the load \
              ratio is the workload's",
    },
    SeedWorkload {
        name: "seed003-failover-record",
        text: include_str!("../../../../../workloads/seed003-failover-record.toml"),
        clients: 20_000,
        why: "a share of the cohort",
    },
    SeedWorkload {
        name: "seed004-arc-flip",
        text: include_str!("../../../../../workloads/seed004-arc-flip.toml"),
        clients: 20_000,
        why: "per-client RTO p50 and converge p50 (20 cohort requests per bin)",
    },
];

/// Which arms of the workload a claim is judged on: one row per arm.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Arms {
    /// The arm of this name.
    Named(&'static str),
    /// Every Route 53 arm (own health checkers, alias records reading ELB target health, …).
    Route53,
    /// Every Global Accelerator arm.
    GlobalAccelerator,
    /// Every arm.
    All,
}

pub struct Claim {
    pub seed: &'static str,
    /// The seed's words (shared/seeds), with the setting in parentheses where the seed gives it.
    pub quote: &'static str,
    pub workload: &'static str,
    pub arms: Arms,
    /// A figure of the arm's summary (`converge_s.p50`), or `rto_s.never_recovered_share`
    /// (never recovered / cohort clients).
    pub figure: &'static str,
    pub check: Check,
    /// ASSUMED values the verdict may depend on: the figure is shown over each range.
    pub ranges: &'static [&'static Range],
    /// Why gtsim reads the claim this way, or why it disagrees (no numbers: those are measured).
    pub note: &'static str,
    /// When the verdict follows from a model definition, not from the run: what it is.
    pub by_construction: Option<&'static str>,
}

/// Decimals a figure is printed with.
pub fn decimals(figure: &str) -> usize {
    if figure.ends_with("_share") { 4 } else { 1 }
}

pub const CLAIMS: &[Claim] = &[
    Claim {
        seed: "000",
        quote: "Failover speed: TTL + detection (60s + 30s = ~90s for happy path …)",
        workload: "seed000-latency-vs-ga",
        arms: Arms::Route53,
        figure: "converge_s.p50",
        check: Check::About(90.0, 30.0),
        ranges: &[&ALB_CHECKS],
        note: "\"60 s + 30 s\" counts one 30 s interval for detection. Route 53's own checkers \
               need 3 failures each, are uncoordinated, wait for the probe timeout and need \
               more than 82 % of them to agree; an alias record reading ELB target health \
               follows the ALB's checks instead.",
        by_construction: None,
    },
    Claim {
        seed: "000",
        quote: "… 15min for long-tail",
        workload: "seed000-latency-vs-ga",
        arms: Arms::Route53,
        figure: "converge_s.p999",
        check: Check::AtMost(900.0),
        ranges: &[&TTL_CORNERS],
        note: "The tail is the TTL-extending resolvers' floor: both its share and its floor are \
               assumed (fidelity review A3).",
        by_construction: None,
    },
    Claim {
        seed: "000",
        quote: "Honest budget: < 5 min for most users, < 30 min for the long tail",
        workload: "seed000-latency-vs-ga",
        arms: Arms::Route53,
        figure: "converge_s.p90",
        check: Check::AtMost(300.0),
        ranges: &[&TTL_CORNERS],
        note: "\"Most users\" read as 90 % of the cohort's requests served.",
        by_construction: None,
    },
    Claim {
        seed: "000",
        quote: "Global Accelerator: < 30 seconds (edge sees failure)",
        workload: "seed000-latency-vs-ga",
        arms: Arms::GlobalAccelerator,
        figure: "converge_s.p99",
        check: Check::AtMost(30.0),
        ranges: &[&ALB_CHECKS],
        note: "With ALB endpoints GA follows the ALB's target health, so its detection is the \
               target group's interval × threshold: the verdict is the ALB setting's.",
        by_construction: None,
    },
    Claim {
        seed: "001",
        quote: "Once Region 1's health check is unhealthy … Route 53 … will automatically direct \
                traffic to the healthy secondary record (weights 100/0, 10 s × 2 checks)",
        workload: "seed001-weighted-100-0",
        arms: Arms::All,
        figure: "converge_s.p99",
        check: Check::Report,
        ranges: &[],
        note: "The seed gives no time; gtsim's figure is reported.",
        by_construction: None,
    },
    Claim {
        seed: "002",
        quote: "the absolute floor for DNS-based failover is roughly 90 seconds (TTL 60 s, \
                10 s × 3 checks)",
        workload: "seed002-floor-90s",
        arms: Arms::Route53,
        figure: "converge_s.p99",
        check: Check::About(90.0, 20.0),
        ranges: &[&TTL_FROM_HONEST],
        note: "The floor is detection (10 s × 3 HTTPS checks and the connect timeout under a \
               blackhole) plus one TTL plus propagation, for resolvers that honour the TTL; \
               TTL-extending resolvers move the p99 to their floor.",
        by_construction: None,
    },
    Claim {
        seed: "002",
        quote: "If you need sub-30-second failover, you need an anycast layer (… AWS Global \
                Accelerator …)",
        workload: "seed002-floor-90s",
        arms: Arms::GlobalAccelerator,
        figure: "converge_s.p99",
        check: Check::AtMost(30.0),
        ranges: &[&TTL_FROM_HONEST],
        note: "Only the anycast half is tested, with GA's own 10 s × 1 checks on EC2 endpoints \
               (Route 53 here has 10 s × 3); GA's static addresses make it indifferent to \
               resolvers' TTL handling.",
        by_construction: None,
    },
    Claim {
        seed: "002",
        quote: "a region that is reachable but returning elevated errors … harder to detect",
        workload: "seed002-grey-failure",
        arms: Arms::Named("shallow-healthz"),
        figure: "detection_s",
        check: Check::Never,
        ranges: &[],
        note: "The deep-check arm of the same workload is the comparison.",
        by_construction: Some(
            "a grey failure is defined as errors only deep checks see (sim-engine world.rs, \
             RegionState::answers_ok): a shallow check cannot detect it in any run",
        ),
    },
    Claim {
        seed: "002",
        quote: "ramp us-east-1 weight from 100 to 0 over 5 minutes rather than a hard cut",
        workload: "seed002-drain-ramp",
        arms: Arms::Named("ramp-5min"),
        figure: "stale_converge_s.p90",
        check: Check::Report,
        ranges: &[],
        note: "Advice, not a claim with a number: the figure is reported.",
        by_construction: None,
    },
    Claim {
        seed: "002",
        quote: "Design for the \"split-brain\" steady state … a region that is reachable but \
                returning elevated errors … harder to recover from than a clean region failure",
        workload: "seed002-split-brain-capacity",
        arms: Arms::All,
        figure: "rto_s.never_recovered_share",
        check: Check::Above(0.0),
        ranges: &[&SPLIT_BRAIN],
        note: "Read as: some of the cohort is still failing when the window ends (the survivor \
               is overloaded), where a clean failure with a survivor that has the capacity \
               leaves nobody (the next row). Which health signal marks the survivor down, and \
               so whether an arm fails open to the dead region, is the assumption.",
        by_construction: None,
    },
    Claim {
        seed: "002",
        quote: "(reference for the row above: a clean region failure)",
        workload: "seed002-floor-90s",
        arms: Arms::All,
        figure: "rto_s.never_recovered_share",
        check: Check::AtMost(0.0),
        ranges: &[],
        note: "The same figure after a clean failure whose survivor has the capacity.",
        by_construction: None,
    },
    Claim {
        seed: "003",
        quote: "Route 53 won't failover to secondary if it can't tell primary is sick",
        workload: "seed003-failover-record",
        arms: Arms::Named("failover-no-health-check"),
        figure: "rto_s.never_recovered_share",
        check: Check::AtLeast(1.0),
        ranges: &[],
        note: "Right for non-alias records; an alias primary with evaluate_target_health would \
               fail over on the ALB's target health without a health check.",
        by_construction: None,
    },
    Claim {
        seed: "004",
        quote: "sub-minute RTO (ARC routing-control flip)",
        workload: "seed004-arc-flip",
        arms: Arms::Named("arc-flip-at-11m"),
        figure: "rto_s.p50",
        check: Check::AtMost(60.0),
        ranges: &[&FLIP_DELAY],
        note: "Per-client RTO: the operator's delay, then propagation and up to a TTL of \
               caching, then the client's own think time before its next request.",
        by_construction: None,
    },
    Claim {
        seed: "004",
        quote: "sub-minute RTO (ARC routing-control flip), read as service restored",
        workload: "seed004-arc-flip",
        arms: Arms::Named("arc-flip-at-11m"),
        figure: "converge_s.p50",
        check: Check::AtMost(60.0),
        ranges: &[&FLIP_DELAY],
        note: "Half of the cohort's requests served again, without the clients' think time.",
        by_construction: None,
    },
];
