//! Monthly cost of an arm (`cost_usd_month` in `docs/metrics.md`): a price table with sources,
//! the traffic of the run scaled to a month, and the formula per arm kind.
//!
//! Every price is a named constant with its source and status; `docs/prices.md` is the same
//! table for readers (a test keeps the two in step). Status labels, as in
//! `docs/latency-model.md`: **V** read in the first-party source; **S** second-hand (a
//! transcription or quotation of the first-party page, not the page itself); **D** derived here
//! (derivation stated); **ASSUMED** no source.
//!
//! Formula (USD per month of [`HOURS_PER_MONTH`] hours):
//!
//! - Scale: the run's steady-state traffic rate (curve bins that end at or before the failure
//!   time; all bins when there is no failure or no whole bin before it) times one month.
//! - Route 53 (health-check arms): hosted zone + queries (by routing policy, tiered at one
//!   billion a month; free for alias records to load balancers) + health checks (one per record
//!   that has one, plus each optional feature it uses: 10 s interval, HTTPS).
//! - Route 53 ARC arms: the same hosted zone and queries, plus the routing-control cluster by
//!   the hour and one routing-control health check per record (both **ASSUMED** prices).
//! - Global Accelerator: hosted zone (the custom name is an alias to the accelerator; alias
//!   queries to it are free) + fixed fee per accelerator-hour + DT-Premium per GB on the
//!   dominant direction (responses, `clients.bytes_per_request` each), priced per cell of
//!   (serving region's zone → client edge's zone).
//! - Excluded from every arm alike: regular data transfer out, load balancers and compute
//!   (both arms pay them), and Route 53's per-account free allowances.
//!
//! No I/O, no clock, no randomness: the traffic split of the accelerator comes from the same
//! seeded placement as the simulation ([`Geo`]), so the figure is deterministic.

use crate::Micros;
use crate::config::{
    Arm, ArmKind, GlobalAcceleratorArm, HcProtocol, HealthCheck, Policy, Region, Route53Arm,
    Workload,
};
use crate::curve::Bin;
use crate::population::{Geo, Layout};

// ---------------------------------------------------------------------------------------------
// Units

/// Hours in a billing month: 8,760 h / 12 = 730 h, the mean month (**D**). AWS bills the
/// accelerator per "full or partial hour" (GA pricing page, **V**); 730 h/month is the usual
/// convention of AWS's Pricing Calculator and of cost tools built on AWS prices (infracost,
/// terracost), but no first-party text stating it was found here, so the choice of 730 (not
/// 720 or 744) is ours. Fixed monthly prices (hosted zone, health checks) are not scaled.
pub const HOURS_PER_MONTH: f64 = 730.0;

/// Bytes in a billed GB: 2^30 (**D**). The GA pricing page does not define its GB; AWS's own
/// S3 FAQ worked examples convert with 2^30 ("10 KB / 1,048,576" GB; 10 TB written as
/// 10,995,116,277,760 bytes), and that unit is assumed for the DT-Premium too. With 10^9 the
/// premium would be 7.4 % higher.
pub const BYTES_PER_GB: f64 = 1_073_741_824.0;

// ---------------------------------------------------------------------------------------------
// Route 53 (aws.amazon.com/route53/pricing, read through the transcription
// `api-evangelist/amazon-route53-resolver` plans/amazon-route53-resolver-plans-pricing.yml,
// 2026-09-20, "every price_text was found verbatim in the fetched page text": status S)

/// Hosted zone, per month, for each of the first 25 zones (**S**, transcription above; the same
/// figure in `dron22/r53dyndns`'s 2016 copy of the page). One zone per arm.
pub const R53_HOSTED_ZONE_MONTH: f64 = 0.50;

/// Queries a month billed at the first-tier rate; the rest at the second (**S**: "first 1
/// billion queries per month").
pub const R53_QUERY_TIER_QUERIES: f64 = 1e9;

/// A per-million query price with its tier break.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct QueryPrice {
    /// USD per million queries, for the first [`R53_QUERY_TIER_QUERIES`] a month.
    pub first_tier_per_m: f64,
    /// USD per million queries above that.
    pub over_per_m: f64,
}

/// Standard queries (simple, weighted, failover, multivalue): $0.40 / $0.20 per million (**S**).
pub const R53_STANDARD_QUERIES: QueryPrice = QueryPrice {
    first_tier_per_m: 0.40,
    over_per_m: 0.20,
};

/// Latency-based routing queries: $0.60 / $0.30 per million (**S**).
pub const R53_LATENCY_QUERIES: QueryPrice = QueryPrice {
    first_tier_per_m: 0.60,
    over_per_m: 0.30,
};

/// Geolocation and geoproximity queries: $0.70 / $0.35 per million (**S**).
pub const R53_GEO_QUERIES: QueryPrice = QueryPrice {
    first_tier_per_m: 0.70,
    over_per_m: 0.35,
};

/// Queries to alias records that point at AWS load balancers: free. R53-DG
/// `routing-to-elb-load-balancer.md`: "Route 53 doesn't charge for alias queries to ELB load
/// balancers or other AWS resources" (**V**). The loader allows alias records only to ALB/NLB.
pub const R53_ALIAS_TO_AWS_QUERIES: QueryPrice = QueryPrice {
    first_tier_per_m: 0.0,
    over_per_m: 0.0,
};

/// Basic health check of an AWS endpoint, per month (**S**). The page also offers "up to 50
/// health checks for AWS endpoints" per account free (**S**); not applied: an arm is priced at
/// list price, as if the account's allowance were used elsewhere.
pub const R53_HEALTH_CHECK_AWS_MONTH: f64 = 0.50;

/// Basic health check of a non-AWS endpoint (a region that is not an AWS region), per month
/// (**S**).
pub const R53_HEALTH_CHECK_NON_AWS_MONTH: f64 = 0.75;

/// Each optional health-check feature (HTTPS, string matching, fast 10 s interval, latency
/// measurement) on an AWS endpoint, per month (**S**; the list of features: the console's own
/// pricing summary as described in course notes, 3P, and "Fast, extra charge" in the 2014 AWS
/// blog, V). gtsim models two of them: the 10 s interval and HTTPS.
pub const R53_HEALTH_CHECK_FEATURE_AWS_MONTH: f64 = 1.00;

/// The same for a non-AWS endpoint (**S**).
pub const R53_HEALTH_CHECK_FEATURE_NON_AWS_MONTH: f64 = 2.00;

/// Route 53 ARC routing-control cluster, per hour. **ASSUMED**: ARC-DG says only "you are
/// charged by the hour for each cluster" (V); the dollar figure is quoted by third parties
/// (project runbooks and course notes, 2025-2026) and by `shared/research/route53-ga.md` B as
/// "commonly quoted", never read on AWS's page. One cluster per ARC arm.
pub const ARC_CLUSTER_HOUR: f64 = 2.50;

/// Price of each routing-control health check (one per record of an ARC arm). **ASSUMED**: they
/// are Route 53 health checks (ARC-DG: "create a health check for each routing control"), and
/// no text read here says whether they are billed; priced as basic AWS-endpoint checks.
pub const ARC_HEALTH_CHECK_MONTH: f64 = R53_HEALTH_CHECK_AWS_MONTH;

// ---------------------------------------------------------------------------------------------
// Global Accelerator (aws.amazon.com/global-accelerator/pricing as stored in the search corpus:
// status V; extra cells from the transcription `api-evangelist/amazon-global-accelerator`
// plans/amazon-global-accelerator-plans-pricing.yml, 2026-09-20: status S)

/// Fixed fee per full or partial accelerator-hour, enabled or disabled (**V**: "For every full
/// or partial hour when an accelerator runs in your account, you are charged $0.025").
pub const GA_ACCELERATOR_HOUR: f64 = 0.025;

/// Pricing geographies of the DT-Premium. The page's matrix has NA, EU and APAC; the
/// transcription adds Australia & New Zealand, India and South Africa/Kenya/Nigeria cells.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Zone {
    /// "United States, Mexico, Canada".
    NorthAmerica,
    Europe,
    AsiaPacific,
    AustraliaNz,
    India,
    SouthAmerica,
    MiddleEast,
    /// South Africa, Kenya, Nigeria (the continent's GA edges in the edge table).
    Africa,
}

impl Zone {
    pub fn name(self) -> &'static str {
        match self {
            Zone::NorthAmerica => "NA",
            Zone::Europe => "EU",
            Zone::AsiaPacific => "APAC",
            Zone::AustraliaNz => "AU/NZ",
            Zone::India => "India",
            Zone::SouthAmerica => "South America",
            Zone::MiddleEast => "Middle East",
            Zone::Africa => "Africa",
        }
    }

    /// The zone of the published NA/EU/APAC matrix used for a cell the page lacks
    /// (**ASSUMED**): AU/NZ and India as APAC, South America as NA, the Middle East and Africa
    /// as EU (the nearest of the three by the AWS backbone).
    fn matrix_zone(self) -> usize {
        match self {
            Zone::NorthAmerica | Zone::SouthAmerica => 0,
            Zone::Europe | Zone::MiddleEast | Zone::Africa => 1,
            Zone::AsiaPacific | Zone::AustraliaNz | Zone::India => 2,
        }
    }
}

/// DT-Premium, USD per GB, `[source region][destination edge]`, order NA, EU, APAC (**V**: the
/// pricing page's table, rows "(AWS Regions)", columns "(AWS edge location)"; the orientation is
/// confirmed by the transcription's "United States & Canada to Asia Pacific $0.035" and "Asia
/// Pacific to Asia Pacific $0.010").
pub const GA_DT_PREMIUM_MATRIX: [[f64; 3]; 3] = [
    [0.015, 0.015, 0.035],
    [0.015, 0.015, 0.043],
    [0.012, 0.043, 0.010],
];

/// "United States & Canada to Australia & New Zealand": $0.105/GB (**S**).
pub const GA_DT_PREMIUM_NA_TO_AUNZ: f64 = 0.105;
/// "India to United States": $0.025/GB (**S**).
pub const GA_DT_PREMIUM_INDIA_TO_NA: f64 = 0.025;
/// "South Africa to South Africa, Kenya & Nigeria": $0.010/GB (**S**).
pub const GA_DT_PREMIUM_ZA_TO_AFRICA: f64 = 0.010;

/// The DT-Premium of traffic served from `src` and delivered at an edge in `dst`, USD per GB,
/// and whether the cell is published (`true`) or **ASSUMED** through `Zone::matrix_zone`.
pub fn dt_premium_per_gb(src: Zone, dst: Zone) -> (f64, bool) {
    use Zone::*;
    match (src, dst) {
        (NorthAmerica, AustraliaNz) => (GA_DT_PREMIUM_NA_TO_AUNZ, true),
        (India, NorthAmerica) => (GA_DT_PREMIUM_INDIA_TO_NA, true),
        (Africa, Africa) => (GA_DT_PREMIUM_ZA_TO_AFRICA, true),
        _ => {
            let core = |z: Zone| matches!(z, NorthAmerica | Europe | AsiaPacific);
            (
                GA_DT_PREMIUM_MATRIX[src.matrix_zone()][dst.matrix_zone()],
                core(src) && core(dst),
            )
        }
    }
}

/// The pricing zone of an AWS region code, or `None` for a name that is not an AWS region.
pub fn region_zone(code: &str) -> Option<Zone> {
    if !crate::geo::AWS_REGIONS.iter().any(|(c, _, _)| *c == code) {
        return None;
    }
    let z = if code.starts_with("us-") || code.starts_with("ca-") || code.starts_with("mx-") {
        Zone::NorthAmerica
    } else if code.starts_with("eu-") {
        Zone::Europe
    } else if code.starts_with("sa-") {
        Zone::SouthAmerica
    } else if code.starts_with("me-") || code.starts_with("il-") {
        Zone::MiddleEast
    } else if code.starts_with("af-") {
        Zone::Africa
    } else if code.starts_with("ap-south-") {
        Zone::India
    } else if matches!(code, "ap-southeast-2" | "ap-southeast-4" | "ap-southeast-6") {
        Zone::AustraliaNz
    } else {
        Zone::AsiaPacific
    };
    Some(z)
}

/// The pricing zone of a GA edge by its code in [`crate::geography::GA_EDGE_LOCATIONS`] (the
/// country each city is in). `None` for a code not listed here (a test checks the table).
pub fn edge_zone(code: &str) -> Option<Zone> {
    const NA: &[&str] = &[
        "IAD", "JFK", "BOS", "ATL", "MIA", "ORD", "DFW", "IAH", "DEN", "PHX", "LAX", "SFO", "HIO",
        "SEA", "YTO", "YUL", "YVR", "QRO",
    ];
    const SA: &[&str] = &["GRU", "GIG", "FOR", "EZE", "SCL", "LIM", "BOG"];
    const EU: &[&str] = &[
        "LHR", "DUB", "CDG", "MRS", "AMS", "FRA", "MUC", "ZRH", "MXP", "FCO", "MAD", "LIS", "ARN",
        "HEL", "WAW", "VIE", "OTP", "ATH", "IST",
    ];
    const ME: &[&str] = &["TLV", "BAH", "DXB"];
    const AF: &[&str] = &["JNB", "CPT", "NBO", "LOS"];
    const IN: &[&str] = &["BOM", "DEL", "MAA", "HYD", "CCU"];
    const AP: &[&str] = &[
        "SIN", "KUL", "CGK", "BKK", "SGN", "MNL", "HKG", "TPE", "ICN", "NRT", "KIX",
    ];
    const AU: &[&str] = &["SYD", "MEL", "BNE", "PER", "AKL"];
    [
        (NA, Zone::NorthAmerica),
        (SA, Zone::SouthAmerica),
        (EU, Zone::Europe),
        (ME, Zone::MiddleEast),
        (AF, Zone::Africa),
        (IN, Zone::India),
        (AP, Zone::AsiaPacific),
        (AU, Zone::AustraliaNz),
    ]
    .iter()
    .find(|(codes, _)| codes.contains(&code))
    .map(|&(_, z)| z)
}

/// The zone of a workload region: by its AWS code, else (a site outside AWS) the zone of the
/// GA edge nearest to it.
fn workload_region_zone(r: &Region) -> Zone {
    region_zone(&r.name).unwrap_or_else(|| point_zone(r.lat, r.lon))
}

fn point_zone(lat: f64, lon: f64) -> Zone {
    use crate::geography::{GA_EDGE_LOCATIONS, nearest_edges};
    nearest_edges(lat, lon, GA_EDGE_LOCATIONS)[0]
        .and_then(|i| edge_zone(GA_EDGE_LOCATIONS[i].0))
        .unwrap_or(Zone::NorthAmerica)
}

// ---------------------------------------------------------------------------------------------
// Traffic

/// An arm's steady-state traffic, per second.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rates {
    pub requests_per_s: f64,
    pub auth_queries_per_s: f64,
}

impl Rates {
    /// Seconds in a billing month.
    pub const MONTH_S: f64 = HOURS_PER_MONTH * 3600.0;

    pub fn requests_month(&self) -> f64 {
        self.requests_per_s * Self::MONTH_S
    }

    pub fn auth_queries_month(&self) -> f64 {
        self.auth_queries_per_s * Self::MONTH_S
    }
}

/// Steady-state rates from an arm's curve: the bins that end at or before `failure_at` (the
/// recording clock's failure time), or every bin over `duration` when there is no failure or no
/// whole bin before it. Requests are binned by issue time, queries by query time.
pub fn steady_rates(
    bins: &[Bin],
    bin: Micros,
    duration: Micros,
    failure_at: Option<Micros>,
) -> Rates {
    let whole = failure_at
        .map_or(0, |f| (f / bin.max(1)) as usize)
        .min(bins.len());
    let (used, span) = if whole > 0 {
        (&bins[..whole], whole as Micros * bin)
    } else {
        (bins, duration)
    };
    let span_s = span as f64 / crate::SEC as f64;
    if span_s <= 0.0 {
        return Rates {
            requests_per_s: 0.0,
            auth_queries_per_s: 0.0,
        };
    }
    let total: Bin = used.iter().sum();
    Rates {
        requests_per_s: total.requests as f64 / span_s,
        auth_queries_per_s: total.auth_queries as f64 / span_s,
    }
}

// ---------------------------------------------------------------------------------------------
// Bills

/// One arm's monthly bill by item, USD.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Bill {
    pub hosted_zone: f64,
    pub queries: f64,
    pub health_checks: f64,
    pub arc_cluster: f64,
    pub ga_fixed: f64,
    pub ga_premium: f64,
}

impl Bill {
    pub fn total(&self) -> f64 {
        self.hosted_zone
            + self.queries
            + self.health_checks
            + self.arc_cluster
            + self.ga_fixed
            + self.ga_premium
    }
}

/// Round to cents.
pub fn cents(usd: f64) -> f64 {
    (usd * 100.0).round() / 100.0
}

/// The price of `queries` in a month at `p`, with the tier break.
pub fn query_cost(queries: f64, p: QueryPrice) -> f64 {
    let q = queries.max(0.0);
    let first = q.min(R53_QUERY_TIER_QUERIES);
    (first * p.first_tier_per_m + (q - first) * p.over_per_m) / 1e6
}

/// The query price of a routing policy (simple-like policies are standard queries).
pub fn policy_query_price(policy: Policy) -> QueryPrice {
    match policy {
        Policy::Latency => R53_LATENCY_QUERIES,
        Policy::Geolocation | Policy::Geoproximity => R53_GEO_QUERIES,
        Policy::Weighted | Policy::Failover | Policy::Multivalue => R53_STANDARD_QUERIES,
    }
}

/// Monthly price of one health check on an AWS endpoint (`aws`) or not: the basic check plus
/// each modelled optional feature (10 s interval; HTTPS).
pub fn health_check_month(hc: &HealthCheck, aws: bool) -> f64 {
    let (basic, feature) = if aws {
        (
            R53_HEALTH_CHECK_AWS_MONTH,
            R53_HEALTH_CHECK_FEATURE_AWS_MONTH,
        )
    } else {
        (
            R53_HEALTH_CHECK_NON_AWS_MONTH,
            R53_HEALTH_CHECK_FEATURE_NON_AWS_MONTH,
        )
    };
    let features =
        u32::from(hc.interval <= 10 * crate::SEC) + u32::from(hc.protocol == HcProtocol::Https);
    basic + f64::from(features) * feature
}

/// Monthly price of a calculated health check: each child is an endpoint check billed as one
/// ([`health_check_month`]), and the parent is **ASSUMED** to be billed as a basic check on an
/// AWS endpoint (`R53_HEALTH_CHECK_AWS_MONTH`; `docs/prices.md` has no calculated-check line).
pub fn calculated_month(c: &crate::config::CalculatedCheck, regions: &[Region]) -> f64 {
    R53_HEALTH_CHECK_AWS_MONTH
        + c.children
            .iter()
            .map(|ch| {
                let aws = region_zone(&regions[ch.region].name).is_some();
                health_check_month(&ch.check, aws)
            })
            .sum::<f64>()
}

/// A Route 53 arm's bill at `queries_month` authoritative queries a month.
///
/// Queries: the policy's price, except for alias records to load balancers (free); a record
/// set that mixes alias and plain records is charged pro rata to its plain records (an
/// approximation: answers are not equally spread over records). Health checks: one per record
/// that has one, or, for an ARC arm, one routing-control check per record plus the cluster.
pub fn route53_bill(r: &Route53Arm, regions: &[Region], queries_month: f64) -> Bill {
    let n = r.records.len().max(1) as f64;
    let plain = r.records.iter().filter(|x| !x.alias).count() as f64;
    let queries = query_cost(queries_month, policy_query_price(r.policy)) * plain / n
        + query_cost(queries_month, R53_ALIAS_TO_AWS_QUERIES) * (n - plain) / n;
    let (health_checks, arc_cluster) = if r.control.is_some() {
        (
            r.records.len() as f64 * ARC_HEALTH_CHECK_MONTH,
            ARC_CLUSTER_HOUR * HOURS_PER_MONTH,
        )
    } else {
        let hc = r
            .records
            .iter()
            .filter_map(|rec| {
                let aws = region_zone(&regions[rec.region].name).is_some();
                rec.health_check
                    .as_ref()
                    .map(|h| health_check_month(h, aws))
                    .or_else(|| {
                        rec.calculated
                            .as_ref()
                            .map(|c| calculated_month(c, regions))
                    })
            })
            .sum();
        (hc, 0.0)
    };
    Bill {
        hosted_zone: R53_HOSTED_ZONE_MONTH,
        queries,
        health_checks,
        arc_cluster,
        ..Bill::default()
    }
}

/// The share of an accelerator's traffic that is served from `src` and delivered at an edge
/// in `dst`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GaCell {
    pub src: Zone,
    pub dst: Zone,
    pub share: f64,
}

/// A Global Accelerator arm's bill: the hosted zone, the fixed fee for a month, and the
/// DT-Premium on `requests_month × bytes_per_request` split over `cells`.
pub fn ga_bill(cells: &[GaCell], requests_month: f64, bytes_per_request: u64) -> Bill {
    let gb = requests_month * bytes_per_request as f64 / BYTES_PER_GB;
    let per_gb: f64 = cells
        .iter()
        .map(|c| c.share * dt_premium_per_gb(c.src, c.dst).0)
        .sum();
    Bill {
        hosted_zone: R53_HOSTED_ZONE_MONTH,
        ga_fixed: GA_ACCELERATOR_HOUR * HOURS_PER_MONTH,
        ga_premium: gb * per_gb,
        ..Bill::default()
    }
}

/// Clients per client area, exactly as the simulation places them (every client of a resolver
/// is in the resolver's area).
pub fn area_clients(geo: &Geo, layout: &Layout) -> Vec<u64> {
    let mut n = vec![0u64; geo.areas.len()];
    for (ci, class) in layout.classes.iter().enumerate() {
        for i in 0..class.resolvers {
            n[layout.resolver_area(geo, ci, i)] += class.resolver_size(i);
        }
    }
    n
}

/// How an accelerator's steady-state traffic splits over (region zone → edge zone) cells: every
/// client area's clients (all clients send at the same rate), over its three nearest edges by
/// the anycast catchment's probabilities, then over endpoint groups by the edge's proximity
/// order and traffic dials as [`crate::ga::GaControl::select`] applies them with every group
/// healthy. Cells are sorted by (src, dst); shares sum to 1 (empty without clients).
pub fn ga_cells(w: &Workload, g: &GlobalAcceleratorArm, geo: &Geo, layout: &Layout) -> Vec<GaCell> {
    use crate::geography::GA_EDGE_LOCATIONS;
    let regions: Vec<usize> = g.endpoint_groups.iter().map(|eg| eg.region).collect();
    if regions.is_empty() {
        return Vec::new();
    }
    let order = geo.edge_order(&regions);
    let zones: Vec<Zone> = regions
        .iter()
        .map(|&r| workload_region_zone(&w.regions[r]))
        .collect();
    // Share of an edge's new connections that each endpoint group takes.
    // The same rule as routing (`ga::spill_choice`): the closest group keeps its dial's share,
    // the rest goes to the next closest group with a non-zero dial.
    let dials: Vec<f64> = g.endpoint_groups.iter().map(|eg| eg.traffic_dial).collect();
    let group_split = |edge: usize| -> Vec<f64> {
        let mut s = vec![0.0; regions.len()];
        for (gi, share) in crate::ga::dial_split(&order[edge], &dials) {
            s[gi] += share;
        }
        s
    };
    let c = geo.catchment;
    let mut cells: Vec<GaCell> = Vec::new();
    let clients = area_clients(geo, layout);
    let total: u64 = clients.iter().sum();
    if total == 0 {
        return cells;
    }
    for (area, &n) in clients.iter().enumerate() {
        if n == 0 {
            continue;
        }
        let edges: Vec<(usize, f64)> = match geo.area_edges[area] {
            [None, ..] => continue,
            [Some(first), None, _] => vec![(first, 1.0)],
            [Some(first), Some(second), third] => vec![
                (first, 1.0 - c.p_suboptimal),
                (second, c.p_suboptimal * c.second_share),
                (
                    third.unwrap_or(second),
                    c.p_suboptimal * (1.0 - c.second_share),
                ),
            ],
        };
        for (edge, pe) in edges {
            let dst = edge_zone(GA_EDGE_LOCATIONS[edge].0).unwrap_or_else(|| {
                point_zone(GA_EDGE_LOCATIONS[edge].1, GA_EDGE_LOCATIONS[edge].2)
            });
            for (gi, pg) in group_split(edge).into_iter().enumerate() {
                let share = n as f64 / total as f64 * pe * pg;
                if share <= 0.0 {
                    continue;
                }
                let src = zones[gi];
                match cells.iter_mut().find(|x| x.src == src && x.dst == dst) {
                    Some(x) => x.share += share,
                    None => cells.push(GaCell { src, dst, share }),
                }
            }
        }
    }
    cells.sort_by_key(|x| (x.src, x.dst));
    cells
}

/// An arm's bill at the run's steady-state `rates`.
pub fn arm_bill(w: &Workload, arm: &Arm, geo: &Geo, layout: &Layout, rates: Rates) -> Bill {
    match &arm.kind {
        ArmKind::Route53(r) => route53_bill(r, &w.regions, rates.auth_queries_month()),
        ArmKind::GlobalAccelerator(g) => ga_bill(
            &ga_cells(w, g, geo, layout),
            rates.requests_month(),
            arm.clients.bytes_per_request,
        ),
    }
}

/// `cost_usd_month` of an arm, rounded to cents. `failure_at` is on the recording clock.
pub fn arm_cost_usd_month(
    w: &Workload,
    arm: &Arm,
    geo: &Geo,
    layout: &Layout,
    bins: &[Bin],
    bin: Micros,
    failure_at: Option<Micros>,
) -> f64 {
    let rates = steady_rates(bins, bin, w.simulation.duration, failure_at);
    cents(arm_bill(w, arm, geo, layout, rates).total())
}

// ---------------------------------------------------------------------------------------------
// Assumptions for reports

/// The cost lines of a run's assumptions: one on scaling, and one per arm kind present.
pub fn assumptions(w: &Workload) -> Vec<String> {
    let mut out = Vec::new();
    if w.arms.is_empty() {
        return out;
    }
    out.push(format!(
        "cost_usd_month: the arm's steady-state traffic (requests and authoritative queries in \
         the curve bins before the failure, or the whole run without one) scaled to a month of \
         {HOURS_PER_MONTH} h (8,760 h / 12; DERIVED); list prices, USD, without AWS's per-account \
         free allowances (e.g. 50 free AWS-endpoint health checks); regular data transfer out, \
         load balancers and compute, which every arm pays, are excluded from all; one query per \
         resolution (AAAA queries not modelled); price table and sources in docs/prices.md"
    ));
    let r53 = |arc: bool| {
        w.arms.iter().any(|a| match &a.kind {
            ArmKind::Route53(r) => r.control.is_some() == arc,
            ArmKind::GlobalAccelerator(_) => false,
        })
    };
    if r53(false) || r53(true) {
        out.push(format!(
            "cost (Route 53, pricing page via a verbatim transcription, S): hosted zone \
             ${R53_HOSTED_ZONE_MONTH:.2}/month; queries per million for the first billion a \
             month (half that above): standard ${:.2}, latency ${:.2}, geolocation ${:.2}; alias \
             queries to load balancers free (Route 53 Developer Guide, V); health checks \
             ${R53_HEALTH_CHECK_AWS_MONTH:.2}/month per AWS-endpoint check (non-AWS \
             ${R53_HEALTH_CHECK_NON_AWS_MONTH:.2}) + ${R53_HEALTH_CHECK_FEATURE_AWS_MONTH:.2} per \
             optional feature used (10 s interval, HTTPS; non-AWS \
             ${R53_HEALTH_CHECK_FEATURE_NON_AWS_MONTH:.2}), one check per record that has one",
            R53_STANDARD_QUERIES.first_tier_per_m,
            R53_LATENCY_QUERIES.first_tier_per_m,
            R53_GEO_QUERIES.first_tier_per_m,
        ));
    }
    if r53(true) {
        out.push(format!(
            "cost (Route 53 ARC): routing-control cluster ASSUMED ${ARC_CLUSTER_HOUR:.2}/hour x \
             {HOURS_PER_MONTH} h = ${:.2}/month (AWS documents hourly billing per cluster, not \
             the price; the figure is third-party); one routing-control health check per record \
             ASSUMED billed as a basic health check (${ARC_HEALTH_CHECK_MONTH:.2}/month)",
            ARC_CLUSTER_HOUR * HOURS_PER_MONTH
        ));
    }
    let ga: Vec<&Arm> = w
        .arms
        .iter()
        .filter(|a| matches!(a.kind, ArmKind::GlobalAccelerator(_)))
        .collect();
    if !ga.is_empty() {
        let geo = Geo::new(w);
        let layout = Layout::new(w);
        let per_arm: Vec<String> = ga
            .iter()
            .map(|a| {
                let ArmKind::GlobalAccelerator(g) = &a.kind else {
                    unreachable!("filtered")
                };
                let assumed: f64 = ga_cells(w, g, &geo, &layout)
                    .iter()
                    .filter(|c| !dt_premium_per_gb(c.src, c.dst).1)
                    .map(|c| c.share)
                    .sum();
                format!(
                    "{}: {} B/request, {:.1} % of traffic in assumed cells",
                    a.name,
                    a.clients.bytes_per_request,
                    assumed * 100.0
                )
            })
            .collect();
        out.push(format!(
            "cost (Global Accelerator, pricing page, V): ${GA_ACCELERATOR_HOUR}/accelerator-hour x \
             {HOURS_PER_MONTH} h = ${:.2}/month, plus DT-Premium per GB (GB = 2^30 B, DERIVED \
             from AWS's S3 examples) on the dominant direction, ASSUMED to be responses of \
             clients.bytes_per_request bytes (a workload assumption), by serving region -> \
             client's edge: NA/EU/APAC matrix (V), US&CA -> AU/NZ ${GA_DT_PREMIUM_NA_TO_AUNZ:.3}, \
             India -> US ${GA_DT_PREMIUM_INDIA_TO_NA:.3}, South Africa -> Africa \
             ${GA_DT_PREMIUM_ZA_TO_AFRICA:.3} (S); cells the page lacks are ASSUMED at the \
             NA/EU/APAC cell of the nearest zone (AU/NZ, India as APAC; South America as NA; \
             Middle East, Africa as EU); traffic split by client area, anycast catchment, edge \
             proximity and traffic dials as simulated; plus the hosted zone \
             ${R53_HOSTED_ZONE_MONTH:.2}/month, alias queries to the accelerator free (Route 53 \
             Developer Guide, V) [{}]",
            GA_ACCELERATOR_HOUR * HOURS_PER_MONTH,
            per_arm.join("; ")
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::SEC;
    use crate::config::*;
    use crate::testutil::{hc, two_region_workload};

    fn close(a: f64, b: f64) {
        assert!((a - b).abs() < 1e-9, "{a} != {b}");
    }

    fn r53(policy: Policy, records: Vec<Record>) -> Route53Arm {
        Route53Arm {
            policy,
            ttl: 60 * SEC,
            propagation: Propagation::Fixed(0),
            records,
            control: None,
            endpoint_type: EndpointType::Alb,
        }
    }

    fn rec(region: usize, health_check: Option<HealthCheck>, alias: bool) -> Record {
        Record {
            region,
            weight: 1,
            role: None,
            alias,
            evaluate_target_health: alias,
            health_check,
            location: None,
            calculated: None,
            geoproximity: None,
        }
    }

    fn regions() -> Vec<Region> {
        two_region_workload().regions
    }

    #[test]
    fn ten_million_standard_queries_plus_zone() {
        // Route 53 pricing (S): $0.40 per million standard queries, $0.50 per hosted zone.
        let b = route53_bill(
            &r53(
                Policy::Failover,
                vec![rec(0, None, false), rec(1, None, false)],
            ),
            &regions(),
            10e6,
        );
        close(b.queries, 4.00);
        close(b.hosted_zone, 0.50);
        close(b.total(), 4.50);
    }

    #[test]
    fn latency_and_geolocation_queries_cost_more() {
        // Latency-based $0.60 per million, geolocation $0.70 per million (S).
        let recs = || vec![rec(0, None, false), rec(1, None, false)];
        close(
            route53_bill(&r53(Policy::Latency, recs()), &regions(), 10e6).queries,
            6.00,
        );
        close(
            route53_bill(&r53(Policy::Geolocation, recs()), &regions(), 10e6).queries,
            7.00,
        );
        close(
            route53_bill(&r53(Policy::Weighted, recs()), &regions(), 10e6).queries,
            4.00,
        );
    }

    #[test]
    fn tier_break_at_one_billion_queries() {
        // First billion at $0.40/M = $400, the next half billion at $0.20/M = $100.
        close(query_cost(1.5e9, R53_STANDARD_QUERIES), 500.0);
        close(query_cost(1.5e9, R53_LATENCY_QUERIES), 600.0 + 150.0);
        close(query_cost(1e9, R53_STANDARD_QUERIES), 400.0);
        close(query_cost(0.0, R53_STANDARD_QUERIES), 0.0);
    }

    #[test]
    fn alias_queries_to_load_balancers_are_free() {
        // R53-DG routing-to-elb-load-balancer.md: "Route 53 doesn't charge for alias queries to
        // ELB load balancers or other AWS resources" (V).
        let all = r53(
            Policy::Latency,
            vec![rec(0, None, true), rec(1, None, true)],
        );
        let b = route53_bill(&all, &regions(), 1e9);
        close(b.queries, 0.0);
        close(b.total(), 0.50);
        // Mixed sets are charged pro rata to their plain records.
        let mixed = r53(
            Policy::Weighted,
            vec![rec(0, None, true), rec(1, None, false)],
        );
        close(route53_bill(&mixed, &regions(), 10e6).queries, 2.00);
    }

    #[test]
    fn health_checks_with_their_optional_features() {
        // $0.50 basic (AWS endpoint) + $1.00 per optional feature (S).
        close(health_check_month(&hc(30, 3), true), 0.50);
        close(health_check_month(&hc(10, 3), true), 1.50); // fast interval
        let mut https = hc(10, 3);
        https.protocol = HcProtocol::Https;
        close(health_check_month(&https, true), 2.50); // fast + HTTPS
        // Non-AWS endpoint: $0.75 + $2.00 per feature.
        close(health_check_month(&hc(10, 3), false), 2.75);
        // One check per record that has one; a record without one costs nothing.
        let arm = r53(
            Policy::Failover,
            vec![rec(0, Some(hc(10, 3)), false), rec(1, None, false)],
        );
        let b = route53_bill(&arm, &regions(), 0.0);
        close(b.health_checks, 1.50);
        close(b.total(), 2.00);
    }

    #[test]
    fn a_site_outside_aws_pays_the_non_aws_check() {
        let mut regs = regions();
        regs[1].name = "my-site".into();
        let arm = r53(
            Policy::Failover,
            vec![
                rec(0, Some(hc(30, 3)), false),
                rec(1, Some(hc(30, 3)), false),
            ],
        );
        close(route53_bill(&arm, &regs, 0.0).health_checks, 0.50 + 0.75);
    }

    #[test]
    fn arc_cluster_hours_are_assumed_and_added() {
        // ASSUMED $2.50/h x 730 h = $1,825; two routing-control checks at $0.50; record health
        // checks are not used (and not billed) when ARC decides.
        let mut arm = r53(
            Policy::Failover,
            vec![rec(0, Some(hc(10, 3)), false), rec(1, None, false)],
        );
        arm.control = Some(ArcControl {
            flip_at: 0,
            region: 0,
            flip_back_at: None,
            at_least: None,
        });
        let b = route53_bill(&arm, &regions(), 10e6);
        close(b.arc_cluster, 1825.0);
        close(b.health_checks, 1.00);
        close(b.total(), 1825.0 + 1.00 + 4.00 + 0.50);
    }

    #[test]
    fn ga_fixed_fee_and_one_tebibyte_na_to_na() {
        // $0.025 x 730 h = $18.25 (V); 1 TB = 1024 GB of 2^30 B at $0.015/GB = $15.36.
        let cells = [GaCell {
            src: Zone::NorthAmerica,
            dst: Zone::NorthAmerica,
            share: 1.0,
        }];
        let b = ga_bill(&cells, 1024.0, 1 << 30);
        close(b.ga_fixed, 18.25);
        close(b.ga_premium, 15.36);
        close(b.hosted_zone, 0.50);
        close(cents(b.total()), 34.11);
        // No traffic: the fixed fee and the zone only.
        close(ga_bill(&cells, 0.0, 50_000).total(), 18.75);
    }

    #[test]
    fn ga_premium_splits_over_cells() {
        // Half EU -> APAC ($0.043), half APAC -> APAC ($0.010) over 100 GB: $2.15 + $0.50.
        let cells = [
            GaCell {
                src: Zone::Europe,
                dst: Zone::AsiaPacific,
                share: 0.5,
            },
            GaCell {
                src: Zone::AsiaPacific,
                dst: Zone::AsiaPacific,
                share: 0.5,
            },
        ];
        close(ga_bill(&cells, 100.0, 1 << 30).ga_premium, 2.65);
    }

    #[test]
    fn premium_matrix_orientation_and_extra_cells() {
        use Zone::*;
        // Rows are the serving region, columns the edge (V; transcription's "United States &
        // Canada to Asia Pacific $0.035", "Asia Pacific to Asia Pacific $0.010").
        assert_eq!(dt_premium_per_gb(NorthAmerica, AsiaPacific), (0.035, true));
        assert_eq!(dt_premium_per_gb(AsiaPacific, NorthAmerica), (0.012, true));
        assert_eq!(dt_premium_per_gb(AsiaPacific, AsiaPacific), (0.010, true));
        assert_eq!(dt_premium_per_gb(Europe, AsiaPacific), (0.043, true));
        assert_eq!(dt_premium_per_gb(NorthAmerica, AustraliaNz), (0.105, true));
        assert_eq!(dt_premium_per_gb(India, NorthAmerica), (0.025, true));
        assert_eq!(dt_premium_per_gb(Africa, Africa), (0.010, true));
        // Unpublished cells: nearest published zone, flagged as assumed.
        assert_eq!(
            dt_premium_per_gb(NorthAmerica, SouthAmerica),
            (0.015, false)
        );
        assert_eq!(dt_premium_per_gb(AsiaPacific, AustraliaNz), (0.010, false));
        assert_eq!(dt_premium_per_gb(Europe, MiddleEast), (0.015, false));
    }

    #[test]
    fn every_edge_and_region_has_a_zone() {
        for (code, _, _) in crate::geography::GA_EDGE_LOCATIONS {
            assert!(edge_zone(code).is_some(), "edge {code}");
        }
        for (code, _, _) in crate::geo::AWS_REGIONS {
            assert!(region_zone(code).is_some(), "region {code}");
        }
        assert_eq!(region_zone("ap-south-1"), Some(Zone::India));
        assert_eq!(region_zone("ap-southeast-2"), Some(Zone::AustraliaNz));
        assert_eq!(region_zone("ap-southeast-1"), Some(Zone::AsiaPacific));
        assert_eq!(region_zone("ca-central-1"), Some(Zone::NorthAmerica));
        assert_eq!(region_zone("my-site"), None);
    }

    #[test]
    fn steady_rates_use_bins_before_the_failure() {
        let mut bins = vec![Bin::default(); 4];
        for (i, b) in bins.iter_mut().enumerate() {
            b.requests = 100 * (i as u64 + 1);
            b.auth_queries = 10;
        }
        // Failure at 12 s with 5 s bins: the two whole bins before it, 10 s.
        let r = steady_rates(&bins, 5 * SEC, 20 * SEC, Some(12 * SEC));
        close(r.requests_per_s, 300.0 / 10.0);
        close(r.auth_queries_per_s, 2.0);
        // No failure, or a failure inside the first bin: the whole run.
        let all = steady_rates(&bins, 5 * SEC, 20 * SEC, None);
        close(all.requests_per_s, 1000.0 / 20.0);
        assert_eq!(steady_rates(&bins, 5 * SEC, 20 * SEC, Some(SEC)), all);
        // A month is 730 h.
        close(all.requests_month(), 50.0 * 730.0 * 3600.0);
    }

    fn ga_workload(dials: &[f64]) -> (Workload, GlobalAcceleratorArm) {
        let mut w = two_region_workload();
        w.simulation.clients = 20_000;
        let g = GlobalAcceleratorArm {
            endpoint_type: EndpointType::Alb,
            health_check: GaHealthCheck::default(),
            lb_health_check: LbHealthCheck::default(),
            endpoint_groups: dials
                .iter()
                .enumerate()
                .map(|(region, &traffic_dial)| EndpointGroup {
                    region,
                    traffic_dial,
                    endpoints: Vec::new(),
                    health_check: None,
                })
                .collect(),
            client_affinity: ClientAffinity::None,
            propagation: Propagation::Fixed(0),
            dns_ttl: 300 * SEC,
        };
        w.arms[0].kind = ArmKind::GlobalAccelerator(g.clone());
        (w, g)
    }

    #[test]
    fn ga_cells_cover_all_traffic_and_follow_the_dials() {
        let (w, g) = ga_workload(&[100.0, 100.0]);
        let (geo, layout) = (Geo::new(&w), Layout::new(&w));
        assert_eq!(area_clients(&geo, &layout).iter().sum::<u64>(), 20_000);
        let cells = ga_cells(&w, &g, &geo, &layout);
        close(cells.iter().map(|c| c.share).sum::<f64>(), 1.0);
        // Every group is healthy and dialled at 100 %: edges in North America are closest to
        // us-east-1 and European ones to eu-west-1 (AWS backbone), so those cells are local.
        for c in &cells {
            if c.dst == Zone::NorthAmerica || c.dst == Zone::Europe {
                assert_eq!(c.src, c.dst, "{cells:?}");
            }
        }
        assert!(cells.iter().any(|c| c.src == Zone::NorthAmerica));
        assert!(cells.iter().any(|c| c.src == Zone::Europe));
        // Dial 0 on us-east-1: everything spills to eu-west-1 (GA-DG traffic dial).
        let (w0, g0) = ga_workload(&[0.0, 100.0]);
        let cells0 = ga_cells(&w0, &g0, &geo, &layout);
        assert!(cells0.iter().all(|c| c.src == Zone::Europe), "{cells0:?}");
        close(cells0.iter().map(|c| c.share).sum::<f64>(), 1.0);
    }

    #[test]
    fn assumption_lines_name_each_arm_kind() {
        let w = two_region_workload();
        let a = assumptions(&w);
        assert!(a.iter().any(|l| l.contains("730 h")));
        assert!(a.iter().any(|l| l.starts_with("cost (Route 53,")));
        assert!(!a.iter().any(|l| l.contains("Global Accelerator")));
        let (wg, _) = ga_workload(&[100.0, 100.0]);
        let ag = assumptions(&wg);
        let line = ag
            .iter()
            .find(|l| l.starts_with("cost (Global Accelerator"))
            .expect("GA line");
        assert!(line.contains("failover: 50000 B/request"), "{line}");
        assert!(!ag.iter().any(|l| l.starts_with("cost (Route 53")));
    }

    #[test]
    fn docs_prices_table_lists_every_constant() {
        let doc = include_str!("../../../docs/prices.md");
        for (name, v) in [
            ("HOURS_PER_MONTH", HOURS_PER_MONTH),
            ("BYTES_PER_GB", BYTES_PER_GB),
            ("R53_HOSTED_ZONE_MONTH", R53_HOSTED_ZONE_MONTH),
            ("R53_QUERY_TIER_QUERIES", R53_QUERY_TIER_QUERIES),
            (
                "R53_STANDARD_QUERIES",
                R53_STANDARD_QUERIES.first_tier_per_m,
            ),
            ("R53_LATENCY_QUERIES", R53_LATENCY_QUERIES.first_tier_per_m),
            ("R53_GEO_QUERIES", R53_GEO_QUERIES.first_tier_per_m),
            ("R53_ALIAS_TO_AWS_QUERIES", 0.0),
            ("R53_HEALTH_CHECK_AWS_MONTH", R53_HEALTH_CHECK_AWS_MONTH),
            (
                "R53_HEALTH_CHECK_NON_AWS_MONTH",
                R53_HEALTH_CHECK_NON_AWS_MONTH,
            ),
            (
                "R53_HEALTH_CHECK_FEATURE_AWS_MONTH",
                R53_HEALTH_CHECK_FEATURE_AWS_MONTH,
            ),
            (
                "R53_HEALTH_CHECK_FEATURE_NON_AWS_MONTH",
                R53_HEALTH_CHECK_FEATURE_NON_AWS_MONTH,
            ),
            ("ARC_CLUSTER_HOUR", ARC_CLUSTER_HOUR),
            ("ARC_HEALTH_CHECK_MONTH", ARC_HEALTH_CHECK_MONTH),
            ("GA_ACCELERATOR_HOUR", GA_ACCELERATOR_HOUR),
            ("GA_DT_PREMIUM_MATRIX", GA_DT_PREMIUM_MATRIX[0][0]),
            ("GA_DT_PREMIUM_NA_TO_AUNZ", GA_DT_PREMIUM_NA_TO_AUNZ),
            ("GA_DT_PREMIUM_INDIA_TO_NA", GA_DT_PREMIUM_INDIA_TO_NA),
            ("GA_DT_PREMIUM_ZA_TO_AFRICA", GA_DT_PREMIUM_ZA_TO_AFRICA),
        ] {
            let row = doc
                .lines()
                .find(|l| l.starts_with(&format!("| `{name}`")))
                .unwrap_or_else(|| panic!("docs/prices.md has no row for {name}"));
            let shown = [
                format!("{v}"),
                format!("{v:.2}"),
                format!("{v:.3}"),
                format!("{}", v as u64),
            ];
            assert!(
                shown.iter().any(|s| row.contains(s.as_str())),
                "row for {name} does not show {v}: {row}"
            );
        }
    }
}
