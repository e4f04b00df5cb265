//! Built-in client geography and anycast edge geography: the `world-internet-users` preset of
//! `clients.geography`, the Global Accelerator edge table, and the anycast catchment model
//! that puts a client on an edge that is not always the nearest.
//!
//! Pure data and pure functions: no I/O, no clock, and no randomness of its own (the caller
//! passes uniforms drawn from its seeded streams). Status labels as in [`crate::latency`]:
//! **V** primary source read; **A** abstract only; **S** second-hand copy or quotation; **D**
//! derived here (derivation stated); **ASSUMED** no source. See `docs/latency-model.md`.

use std::borrow::Cow;

use crate::latency::{LatencyModel, great_circle_km};

// ---------------------------------------------------------------------------------------------
// Client areas

/// Continents as the client-area source groups countries (Our World in Data's continent
/// aggregates: Russia in Europe, Turkey and the Caucasus in Asia, Central America and the
/// Caribbean in North America).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Continent {
    Africa,
    Asia,
    Europe,
    NorthAmerica,
    Oceania,
    SouthAmerica,
}

impl Continent {
    pub const ALL: [Continent; 6] = [Africa, Asia, Europe, NorthAmerica, Oceania, SouthAmerica];

    pub fn name(self) -> &'static str {
        match self {
            Africa => "Africa",
            Asia => "Asia",
            Europe => "Europe",
            NorthAmerica => "North America",
            Oceania => "Oceania",
            SouthAmerica => "South America",
        }
    }
}

/// A place where clients live: `{ name, lat, lon, weight }` as in `[[clients.areas]]`.
/// Weights are relative (any positive scale); [`normalised_weights`] turns them into shares.
#[derive(Debug, Clone, PartialEq)]
pub struct ClientArea {
    pub name: Cow<'static, str>,
    /// Degrees north.
    pub lat: f64,
    /// Degrees east.
    pub lon: f64,
    /// Relative weight. In [`WORLD_INTERNET_USERS`]: Internet users, millions, 2020.
    pub weight: f64,
    /// Known for the built-in preset; `None` for workload-defined areas.
    pub continent: Option<Continent>,
}

const fn area(name: &'static str, c: Continent, lat: f64, lon: f64, weight: f64) -> ClientArea {
    ClientArea {
        name: Cow::Borrowed(name),
        lat,
        lon,
        weight,
        continent: Some(c),
    }
}

use Continent::{Africa, Asia, Europe, NorthAmerica, Oceania, SouthAmerica};

/// The `world-internet-users` preset: 40 areas weighted by Internet users (millions, 2020).
///
/// **Weights.** Our World in Data, "Number of people using the Internet" (grapher export
/// `number-of-internet-users.csv`: ITU share of individuals using the Internet, via the World
/// Bank indicator IT.NET.USER.ZS, times population), year 2020, read in two third-party copies
/// of the export (GitHub `samarthRathi/DVCW2` and `milimk/python-data-analysis`), which agree
/// on every continent row. Status **S**. Each area's weight is the sum of its countries' 2020
/// values; each continent's last area ("rest of …") takes the continent's remainder, so the
/// continent totals equal the source's own 2020 continent rows exactly
/// ([`OWID_2020_CONTINENT_USERS_M`]; checked by a test). Countries with no 2020 value in the
/// source (e.g. Iraq, Yemen, Venezuela, Côte d'Ivoire, Jordan, Taiwan) contribute nothing,
/// as in the source's own continent totals. World total 4,458.8 M, against ITU's 5.4 billion
/// for 2023 (ITU Facts and Figures 2023, **S** via press coverage): the *shares* are what the
/// engine uses, and they move slowly.
///
/// **United States.** Split into the four Census regions by 2020 Census population
/// (Northeast 57,609,148; Midwest 68,985,454; South 126,266,107; West 78,588,572; total
/// 331,449,281: 2020 Census PL 94-171 `P2_001N`, **S**, as returned by the Census API in the
/// `censusdis` documentation; the total matches the Bureau's published resident population).
/// Equal Internet use across regions is **ASSUMED**.
///
/// **Placement.** Each area sits at one metro (named in brackets), usually the group's
/// largest, or a central one for multi-country groups (Frankfurt, Belgrade, Kingston,
/// Algiers, Tehran). Rounded to 0.1°. The choice of point is **ASSUMED**; groups span up to
/// ~2,000 km, which is the resolution of this preset.
pub const WORLD_INTERNET_USERS: &[ClientArea] = &[
    // North America (480.339 M)
    area(
        "United States: Northeast (New York)",
        NorthAmerica,
        40.7,
        -74.0,
        53.077,
    ),
    area(
        "United States: Midwest (Chicago)",
        NorthAmerica,
        41.9,
        -87.6,
        63.558,
    ),
    area(
        "United States: South (Dallas)",
        NorthAmerica,
        32.8,
        -96.8,
        116.332,
    ),
    area(
        "United States: West (Los Angeles)",
        NorthAmerica,
        34.1,
        -118.2,
        72.405,
    ),
    area("Canada (Toronto)", NorthAmerica, 43.7, -79.4, 36.741),
    area("Mexico (Mexico City)", NorthAmerica, 19.4, -99.1, 90.679),
    area(
        "Central America and Caribbean (Kingston)",
        NorthAmerica,
        18.0,
        -76.8,
        47.548,
    ),
    // South America (313.033 M)
    area("Brazil (Sao Paulo)", SouthAmerica, -23.6, -46.6, 173.420),
    area(
        "Argentina, Chile, Uruguay, Paraguay (Buenos Aires)",
        SouthAmerica,
        -34.6,
        -58.4,
        63.395,
    ),
    area(
        "Colombia, Peru, Ecuador, Bolivia, Suriname (Bogota)",
        SouthAmerica,
        4.7,
        -74.1,
        76.218,
    ),
    // Europe (632.246 M)
    area("Russia (Moscow)", Europe, 55.8, 37.6, 123.767),
    area(
        "Germany, Benelux, Austria, Switzerland (Frankfurt)",
        Europe,
        50.1,
        8.7,
        117.903,
    ),
    area(
        "United Kingdom and Ireland (London)",
        Europe,
        51.5,
        -0.1,
        68.135,
    ),
    area("France (Paris)", Europe, 48.9, 2.4, 54.679),
    area("Spain and Portugal (Madrid)", Europe, 40.4, -3.7, 52.205),
    area("Italy and Malta (Rome)", Europe, 41.9, 12.5, 42.386),
    area("Nordic countries (Stockholm)", Europe, 59.3, 18.1, 26.105),
    area(
        "Poland, Baltics, Czechia, Slovakia, Hungary, Ukraine, Belarus (Warsaw)",
        Europe,
        52.2,
        21.0,
        100.064,
    ),
    area("South-east Europe (Belgrade)", Europe, 44.8, 20.5, 47.001),
    // Africa (451.617 M)
    area("Nigeria (Lagos)", Africa, 6.5, 3.4, 73.956),
    area("Egypt and Sudan (Cairo)", Africa, 30.0, 31.2, 89.904),
    area("Maghreb (Algiers)", Africa, 36.8, 3.1, 68.774),
    area(
        "West Africa excluding Nigeria (Accra)",
        Africa,
        5.6,
        -0.2,
        49.500,
    ),
    area(
        "Central Africa and Angola (Kinshasa)",
        Africa,
        -4.3,
        15.3,
        38.456,
    ),
    area(
        "Southern Africa (Johannesburg)",
        Africa,
        -26.2,
        28.0,
        58.264,
    ),
    area(
        "East Africa and Indian Ocean (Nairobi)",
        Africa,
        -1.3,
        36.8,
        72.764,
    ),
    // Asia (2,553.849 M)
    area(
        "China, Hong Kong, Macao, Mongolia (Shanghai)",
        Asia,
        31.2,
        121.5,
        1012.805,
    ),
    area("India (Delhi)", Asia, 28.6, 77.2, 600.446),
    area("Japan (Tokyo)", Asia, 35.7, 139.7, 112.995),
    area("South Korea (Seoul)", Asia, 37.6, 127.0, 50.033),
    area(
        "Indonesia and Timor-Leste (Jakarta)",
        Asia,
        -6.2,
        106.8,
        146.438,
    ),
    area("Philippines (Manila)", Asia, 14.6, 121.0, 55.871),
    area(
        "Thailand, Vietnam, Myanmar, Cambodia, Laos (Bangkok)",
        Asia,
        13.8,
        100.5,
        144.809,
    ),
    area(
        "Malaysia, Singapore, Brunei (Kuala Lumpur)",
        Asia,
        3.1,
        101.7,
        35.589,
    ),
    area("Pakistan (Karachi)", Asia, 24.9, 67.0, 56.799),
    area(
        "Bangladesh, Nepal, Bhutan, Sri Lanka, Maldives (Dhaka)",
        Asia,
        23.8,
        90.4,
        60.922,
    ),
    area(
        "Iran, Central Asia, Afghanistan (Tehran)",
        Asia,
        35.7,
        51.4,
        120.740,
    ),
    area(
        "Turkey, Caucasus, Levant (Istanbul)",
        Asia,
        41.0,
        29.0,
        99.015,
    ),
    area("Gulf states (Riyadh)", Asia, 24.7, 46.7, 57.386),
    // Oceania (27.679 M)
    area(
        "Australia, New Zealand, Pacific (Sydney)",
        Oceania,
        -33.9,
        151.2,
        27.679,
    ),
];

/// The source's 2020 continent rows, millions of Internet users (Our World in Data, see
/// [`WORLD_INTERNET_USERS`]; **S**). Kept for the share check and for reports.
pub const OWID_2020_CONTINENT_USERS_M: &[(Continent, f64)] = &[
    (Africa, 451.617_356),
    (Asia, 2_553.848_929),
    (Europe, 632.245_905),
    (NorthAmerica, 480.339_051),
    (Oceania, 27.679_360),
    (SouthAmerica, 313.033_045),
];

// ---------------------------------------------------------------------------------------------
// Geolocation: the location Route 53 sees

impl Continent {
    /// Route 53's continent code (R53-API `GeoLocation.ContinentCode`: AF, AN, AS, EU, OC, NA,
    /// SA; Antarctica has no client area here).
    pub fn r53_code(self) -> &'static str {
        match self {
            Africa => "AF",
            Asia => "AS",
            Europe => "EU",
            NorthAmerica => "NA",
            Oceania => "OC",
            SouthAmerica => "SA",
        }
    }

    /// The continent with Route 53 code `code` (`AN` is valid in Route 53 but has no client
    /// area, so it is not accepted here).
    pub fn from_r53_code(code: &str) -> Option<Continent> {
        Continent::ALL.into_iter().find(|c| c.r53_code() == code)
    }
}

/// Country (ISO 3166-1 alpha-2) that Route 53's geolocation sees for a query from each area of
/// [`WORLD_INTERNET_USERS`], in the same order: the country of the area's metro (the point the
/// area sits at), since a resolver in the area geolocates to one country. Codes: ISO 3166-1
/// (**V**, the standard's code list). The continent Route 53 sees is the area's OWID
/// continent; Route 53 keeps its own country-to-continent list (R53-DG
/// `resource-record-sets-values-geo.md`, "Location"), which this **ASSUMES** agrees with OWID's
/// grouping, including the transcontinental metros Moscow (Europe), Istanbul (Asia) and Cairo
/// (Africa). Multi-country areas are the preset's resolution: a record for a country that is
/// not an area's metro country (e.g. "NL") matches no query here.
pub const WORLD_INTERNET_USERS_COUNTRY: &[&str] = &[
    "US", "US", "US", "US", // United States: the four Census regions
    "CA", "MX", "JM", // Toronto, Mexico City, Kingston
    "BR", "AR", "CO", // Sao Paulo, Buenos Aires, Bogota
    "RU", "DE", "GB", "FR", "ES", "IT", "SE", "PL", "RS", // Moscow ... Belgrade
    "NG", "EG", "DZ", "GH", "CD", "ZA", "KE", // Lagos ... Nairobi
    "CN", "IN", "JP", "KR", "ID", "PH", "TH", "MY", "PK", "BD", "IR", "TR",
    "SA", // Shanghai ... Riyadh
    "AU", // Sydney
];

/// The subdivision (R53-API `GeoLocation.SubdivisionCode`: a US state) of each
/// [`WORLD_INTERNET_USERS`] area's metro, where the area is a US one: New York (NY), Chicago
/// (IL), Dallas (TX), Los Angeles (CA). As for countries, the preset's resolution: a record for
/// another state matches no query here.
pub const WORLD_INTERNET_USERS_US_STATE: [&str; 4] = ["NY", "IL", "TX", "CA"];

/// The subdivision Route 53 sees for a query located in area `area` (a US state, only for
/// the US areas of [`WORLD_INTERNET_USERS`]; see [`WORLD_INTERNET_USERS_US_STATE`]).
pub fn area_subdivision(areas: &[ClientArea], area: usize) -> Option<&'static str> {
    match area_geolocation(areas, area) {
        (_, Some("US")) => WORLD_INTERNET_USERS_US_STATE.get(area).copied(),
        _ => None,
    }
}

/// The (continent, country) Route 53 sees for a query located in area `area` of the preset
/// `areas` (only [`WORLD_INTERNET_USERS`] has countries; other area lists see no country).
pub fn area_geolocation(
    areas: &[ClientArea],
    area: usize,
) -> (Option<Continent>, Option<&'static str>) {
    let a = &areas[area];
    // By content: a `const` slice need not have one address.
    let preset = WORLD_INTERNET_USERS.get(area).is_some_and(|p| p == a)
        && areas.len() == WORLD_INTERNET_USERS.len();
    let country = preset.then(|| WORLD_INTERNET_USERS_COUNTRY[area]);
    (a.continent, country)
}

/// The continent of a point (a region's coordinates): that of the nearest area of the preset
/// by great circle. **D**erived from the preset; used for the default geolocation records
/// (one per region, for its continent).
pub fn continent_of_point(areas: &[ClientArea], lat: f64, lon: f64) -> Option<Continent> {
    areas
        .iter()
        .min_by(|a, b| {
            great_circle_km(lat, lon, a.lat, a.lon)
                .total_cmp(&great_circle_km(lat, lon, b.lat, b.lon))
        })
        .and_then(|a| a.continent)
}

/// The built-in geography preset called `name`, if any.
pub fn preset(name: &str) -> Option<&'static [ClientArea]> {
    match name {
        "world-internet-users" => Some(WORLD_INTERNET_USERS),
        _ => None,
    }
}

/// Each area's share of the total weight (sums to 1). Empty input gives an empty vector;
/// weights must be finite and non-negative with a positive sum (the loader validates this).
pub fn normalised_weights(areas: &[ClientArea]) -> Vec<f64> {
    let total: f64 = areas.iter().map(|a| a.weight).sum();
    areas.iter().map(|a| a.weight / total).collect()
}

/// Cumulative shares (last entry exactly 1.0), for [`pick_area`].
pub fn area_cdf(areas: &[ClientArea]) -> Vec<f64> {
    let mut acc = 0.0;
    let mut cdf: Vec<f64> = normalised_weights(areas)
        .into_iter()
        .map(|w| {
            acc += w;
            acc
        })
        .collect();
    if let Some(last) = cdf.last_mut() {
        *last = 1.0;
    }
    cdf
}

/// The area a uniform `u` in [0, 1) falls in, by inverse CDF over [`area_cdf`] (first index
/// whose cumulative share exceeds `u`). Deterministic given `u`.
pub fn pick_area(cdf: &[f64], u: f64) -> usize {
    cdf.partition_point(|&c| c <= u)
        .min(cdf.len().saturating_sub(1))
}

// ---------------------------------------------------------------------------------------------
// Resolver distance (for latency routing without ECS)

/// Share of client demand whose DNS resolver (LDNS) is more than [`LDNS_FAR_KM`] away, public
/// resolvers excluded.
///
/// Source: Calder et al., IMC 2015 (see [`AnycastCatchment`]), §3.3, citing Chen et al.,
/// "End-User Mapping: Next Generation Request Routing for Content Delivery" (SIGCOMM 2015):
/// "excluding 8% of demand from public resolvers, only 11-12% of demand comes from clients
/// who are further than 500km from their LDNS". Status **S** (read in Calder's full text; the
/// Akamai paper itself not read). Midpoint 0.115. How far those resolvers are is not given:
/// a distance distribution for them is **ASSUMED** wherever the engine needs one.
pub const LDNS_FAR_FRACTION: f64 = 0.115;

/// Threshold distance of [`LDNS_FAR_FRACTION`], km (same source).
pub const LDNS_FAR_KM: f64 = 500.0;

/// Share of demand coming through public resolvers in the same measurement: 8 % (same source,
/// **S**). `shared/research/ttl-behaviour.md` §5 has 28.3 % of RIPE Atlas probes using at
/// least one public resolver (**A**, probes skew technical).
pub const PUBLIC_RESOLVER_DEMAND_FRACTION: f64 = 0.08;

// ---------------------------------------------------------------------------------------------
// Global Accelerator edges

/// Global Accelerator edge locations (anycast PoPs): `(code, lat, lon)`.
///
/// What this list is, precisely: an **ASSUMED subset**. AWS does not publish the accelerator's
/// PoP list in a form read here: the Developer Guide ("Location and IP address ranges of Global
/// Accelerator Edge servers") points to "Global Edge Network on the AWS Global Accelerator
/// features page", which the stored corpus does not hold. An AWS answer on re:Post
/// (QU_E9DLyQDQ1W47fuMTlOdxQ) says the accelerator "shares points of presence with CloudFront,
/// but is present only in some of the AWS edge locations listed in CloudFront's product
/// details page" (**S**, AWS staff answer). Study notes quote "104 Points of Presence in 88
/// cities across 48 countries" for the accelerator (**S**, undated, not verified against AWS).
///
/// So the cities below are **CloudFront edge cities** (the superset), taken from
/// `tobilg/aws-edge-locations` `data/aws-edge-locations.csv` (commit 0a29bd3f), a scrape of
/// the CloudFront Key Features page merged with airport coordinates (**S**). From it: 72
/// cities, one per metro, covering every continent; mainland-China locations (operated
/// separately as CloudFront China) are left out. Codes are the IATA prefixes CloudFront uses
/// (e.g. `IAD`); coordinates are the airport's, rounded to 0.1°. Whether the accelerator is in
/// each city is unverified; the quoted ~88 accelerator cities are more than these 72.
pub const GA_EDGE_LOCATIONS: &[(&str, f64, f64)] = &[
    // North America
    ("IAD", 38.9, -77.5),  // Ashburn / Washington
    ("JFK", 40.6, -73.8),  // New York
    ("BOS", 42.4, -71.0),  // Boston
    ("ATL", 33.6, -84.4),  // Atlanta
    ("MIA", 25.8, -80.3),  // Miami
    ("ORD", 42.0, -87.9),  // Chicago
    ("DFW", 32.9, -97.0),  // Dallas-Fort Worth
    ("IAH", 30.0, -95.3),  // Houston
    ("DEN", 39.9, -104.7), // Denver
    ("PHX", 33.4, -112.0), // Phoenix
    ("LAX", 33.9, -118.4), // Los Angeles
    ("SFO", 37.6, -122.4), // San Francisco
    ("HIO", 45.5, -122.9), // Portland (Hillsboro)
    ("SEA", 47.4, -122.3), // Seattle
    ("YTO", 43.7, -79.6),  // Toronto
    ("YUL", 45.5, -73.7),  // Montreal
    ("YVR", 49.2, -123.2), // Vancouver
    ("QRO", 20.6, -100.2), // Queretaro
    // South America
    ("GRU", -23.4, -46.5), // Sao Paulo
    ("GIG", -22.8, -43.3), // Rio de Janeiro
    ("FOR", -3.8, -38.5),  // Fortaleza
    ("EZE", -34.8, -58.5), // Buenos Aires
    ("SCL", -33.4, -70.8), // Santiago
    ("LIM", -12.0, -77.1), // Lima
    ("BOG", 4.7, -74.1),   // Bogota
    // Europe
    ("LHR", 51.5, -0.5), // London
    ("DUB", 53.4, -6.3), // Dublin
    ("CDG", 49.0, 2.6),  // Paris
    ("MRS", 43.4, 5.2),  // Marseille
    ("AMS", 52.3, 4.8),  // Amsterdam
    ("FRA", 50.0, 8.6),  // Frankfurt
    ("MUC", 48.4, 11.8), // Munich
    ("ZRH", 47.5, 8.5),  // Zurich
    ("MXP", 45.6, 8.7),  // Milan
    ("FCO", 41.8, 12.2), // Rome
    ("MAD", 40.5, -3.6), // Madrid
    ("LIS", 38.8, -9.1), // Lisbon
    ("ARN", 59.7, 17.9), // Stockholm
    ("HEL", 60.3, 25.0), // Helsinki
    ("WAW", 52.2, 21.0), // Warsaw
    ("VIE", 48.1, 16.6), // Vienna
    ("OTP", 44.6, 26.1), // Bucharest
    ("ATH", 37.9, 23.9), // Athens
    ("IST", 41.3, 28.7), // Istanbul
    // Middle East and Africa
    ("TLV", 32.0, 34.9),  // Tel Aviv
    ("BAH", 26.3, 50.6),  // Manama
    ("DXB", 25.3, 55.4),  // Dubai
    ("JNB", -26.1, 28.2), // Johannesburg
    ("CPT", -34.0, 18.6), // Cape Town
    ("NBO", -1.3, 36.9),  // Nairobi
    ("LOS", 6.6, 3.3),    // Lagos
    // Asia
    ("BOM", 19.1, 72.9),  // Mumbai
    ("DEL", 28.6, 77.1),  // New Delhi
    ("MAA", 13.0, 80.2),  // Chennai
    ("HYD", 17.2, 78.4),  // Hyderabad
    ("CCU", 22.7, 88.4),  // Kolkata
    ("SIN", 1.4, 104.0),  // Singapore
    ("KUL", 2.7, 101.7),  // Kuala Lumpur
    ("CGK", -6.1, 106.7), // Jakarta
    ("BKK", 13.7, 100.8), // Bangkok
    ("SGN", 10.8, 106.7), // Ho Chi Minh City
    ("MNL", 14.5, 121.0), // Manila
    ("HKG", 22.3, 113.9), // Hong Kong
    ("TPE", 25.1, 121.2), // Taipei (Taoyuan)
    ("ICN", 37.5, 126.5), // Seoul (Incheon)
    ("NRT", 35.8, 140.4), // Tokyo (Narita)
    ("KIX", 34.4, 135.2), // Osaka
    // Oceania
    ("SYD", -33.9, 151.2), // Sydney
    ("MEL", -37.7, 144.8), // Melbourne
    ("BNE", -27.4, 153.1), // Brisbane
    ("PER", -31.9, 116.0), // Perth
    ("AKL", -37.0, 174.8), // Auckland
];

// ---------------------------------------------------------------------------------------------
// Anycast catchment

/// How BGP anycast spreads clients over edges: most reach the nearest edge, a fraction land on
/// another one and pay a latency penalty. Plain parameters; the draw is
/// [`AnycastCatchment::choose_edge`].
///
/// Default ([`AnycastCatchment::calder2015`]): Calder, Flavel, Katz-Bassett, Mahajan, Padhye,
/// "Analyzing the Performance of an Anycast CDN", IMC 2015 (doi 10.1145/2815675.2815717),
/// Bing's anycast CDN, "dozens" of front-ends in one AS, April 2015. Read in full text
/// (status **V**):
/// - Fig. 5 text: "On average, we find that 19% of prefixes see some performance benefit from
///   going to a specific unicast front-end instead of using anycast. We see 12% of clients
///   with 10ms or more improvement, but only 4% see 50ms or more." (client /24s, per day,
///   median latencies) → `p_suboptimal` = 0.19, and for those clients P(penalty ≥ 10 ms) =
///   12/19, P(penalty ≥ 50 ms) = 4/19.
/// - Fig. 3 text (single requests, noisier): "anycast is at least 25ms slower for 20% of
///   requests, and just below 10% of anycast measurements are 100ms or more slower than the
///   best unicast". Abstract: "roughly 20% of clients \[go\] to a suboptimal front-end".
/// - §1: "When anycast does not direct a client to the best front-end, … the client usually
///   still lands on a nearby alternative front-end" (supports second/third nearest).
/// - Fig. 4 text: 55 % of clients reach their geographically nearest front-end; 75 % are
///   within ~400 km of it and 90 % within 1375 km. Fig. 7: 7 % of clients change front-end
///   within a day, 21 % within a week ("the vast majority of clients were stable").
///
/// Alternative ([`AnycastCatchment::koch2021`]): Koch, Li, Ardi, Katz-Bassett, Calder,
/// Heidemann, "Anycast in Context: A Tale of Two Systems", SIGCOMM 2021, Microsoft's CDN,
/// more than 100 sites (**V**, full text): "only 35% of CDN users experience any
/// inflation"; "85% of users experience less than 10 ms (1,000 km) of geographic inflation
/// per RTT for all rings"; latency inflation "below 30 ms for 70% of users … below 60 ms for
/// 90% … 99% of users experience less than 100 ms".
///
/// Only medians/quantiles exist, so the penalty is a lognormal fitted to two quantiles
/// (**D**, see the constructors), truncated at `penalty_cap_ms` (**ASSUMED**).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AnycastCatchment {
    /// Probability that a client's catchment is not its nearest edge.
    pub p_suboptimal: f64,
    /// Of those clients, the share on the second-nearest edge; the rest are on the third
    /// nearest. **ASSUMED** 2/3 (Calder: "usually still lands on a nearby alternative";
    /// no split by rank is published).
    pub second_share: f64,
    /// Median extra RTT (ms) of a client on a non-nearest edge, relative to the RTT it would
    /// have to its nearest edge.
    pub penalty_median_ms: f64,
    /// Lognormal shape: standard deviation of ln(penalty).
    pub penalty_sigma: f64,
    /// Upper bound on the penalty, ms. **ASSUMED** 300 ms (above Calder's "100ms or more" tail;
    /// Koch: 99 % of users below 100 ms of inflation).
    pub penalty_cap_ms: f64,
}

impl Default for AnycastCatchment {
    fn default() -> Self {
        Self::calder2015()
    }
}

/// Result of [`AnycastCatchment::choose_edge_with_model`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EdgeChoice {
    /// Index of the edge the client's packets reach (enters the AWS backbone there).
    pub edge: usize,
    /// Index of the geographically nearest edge.
    pub nearest: usize,
    /// Sampled catchment penalty, ms (0 on the nearest edge).
    pub extra_ms: f64,
    /// Client → edge RTT, ms: `max(rtt(nearest) + extra_ms, rtt(edge))`.
    pub client_edge_rtt_ms: f64,
}

impl AnycastCatchment {
    /// Calibration to Calder et al. 2015 (the default): `p_suboptimal` 0.19 (**V**); penalty
    /// lognormal through P(≥ 10 ms) = 12/19 and P(≥ 50 ms) = 4/19 (**D**): with z_p the standard
    /// normal quantile, σ = ln 5 / (z(15/19) − z(7/19)) = 1.411 and
    /// median = 10 · exp(−σ · z(7/19)) = 16.06 ms.
    pub fn calder2015() -> Self {
        AnycastCatchment {
            p_suboptimal: 0.19,
            second_share: 2.0 / 3.0,
            penalty_median_ms: 16.06,
            penalty_sigma: 1.411,
            penalty_cap_ms: 300.0,
        }
    }

    /// Calibration to Koch et al. 2021: `p_suboptimal` 0.35 (**V**); penalty lognormal through
    /// P(≥ 10 ms) = 0.15/0.35 (geographic inflation, **V**) and P(≥ 100 ms) = 0.01/0.35 (latency
    /// inflation of all users, **V**, used as an upper tail for the inflated ones) (**D**):
    /// σ = ln 10 / (z(1 − 0.01/0.35) − z(1 − 0.15/0.35)) = 1.337, median 7.86 ms. Mixing the
    /// paper's two inflation measures is the assumption here.
    pub fn koch2021() -> Self {
        AnycastCatchment {
            p_suboptimal: 0.35,
            second_share: 2.0 / 3.0,
            penalty_median_ms: 7.86,
            penalty_sigma: 1.337,
            penalty_cap_ms: 300.0,
        }
    }

    /// The catchment penalty (ms) at uniform `v`: the lognormal's `v`-quantile, capped.
    pub fn penalty_ms(&self, v: f64) -> f64 {
        let v = v.clamp(1e-12, 1.0 - 1e-12);
        (self.penalty_median_ms * (self.penalty_sigma * norm_quantile(v)).exp())
            .min(self.penalty_cap_ms)
    }

    /// Probability that a client on a non-nearest edge pays at least `ms` (uncapped
    /// lognormal tail; for calibration checks and reports).
    pub fn penalty_tail(&self, ms: f64) -> f64 {
        if ms <= 0.0 {
            return 1.0;
        }
        1.0 - norm_cdf((ms / self.penalty_median_ms).ln() / self.penalty_sigma)
    }

    /// Which edge a client's anycast packets reach, and the extra RTT it pays.
    ///
    /// Rule, with `u`, `v` independent uniforms in [0, 1) drawn per client (keep them fixed
    /// for a client over a run: Calder found most clients keep their front-end for days):
    /// - rank the edges by great-circle distance from the client (ties by index);
    /// - `u ≥ p_suboptimal`: the nearest edge, `extra_ms = 0`;
    /// - `u < p_suboptimal · second_share`: the second-nearest; otherwise the third-nearest
    ///   (the second-nearest if there are only two edges);
    /// - off the nearest edge, `extra_ms = penalty_ms(v)`.
    ///
    /// With one edge the result is `(0, 0.0)`; with none, `(usize::MAX, 0.0)`. `extra_ms` is
    /// relative to the client's RTT to its *nearest* edge (that is what Calder measured:
    /// anycast against the best unicast front-end); use
    /// [`AnycastCatchment::choose_edge_with_model`] for a client → edge RTT that also respects
    /// the distance to the chosen edge.
    pub fn choose_edge(
        &self,
        u: f64,
        v: f64,
        client_lat: f64,
        client_lon: f64,
        edges: &[(&str, f64, f64)],
    ) -> (usize, f64) {
        self.choose_among(u, v, nearest_edges(client_lat, client_lon, edges))
    }

    /// [`AnycastCatchment::choose_edge`] given the client's three nearest edges (as
    /// [`nearest_edges`] returns them), so a caller with many clients at one place ranks the
    /// edges once.
    pub fn choose_among(&self, u: f64, v: f64, ranked: [Option<usize>; 3]) -> (usize, f64) {
        match ranked {
            [None, ..] => (usize::MAX, 0.0),
            [Some(first), None, _] => (first, 0.0),
            [Some(first), Some(second), third] => {
                if u >= self.p_suboptimal {
                    return (first, 0.0);
                }
                let pick = if u < self.p_suboptimal * self.second_share {
                    second
                } else {
                    third.unwrap_or(second)
                };
                (pick, self.penalty_ms(v))
            }
        }
    }

    /// [`AnycastCatchment::choose_edge`] plus the client → edge RTT under `model`:
    /// `max(model.rtt(d_nearest) + extra_ms, model.rtt(d_chosen))`, so a client is never
    /// faster to a far edge than geometry allows (matters where edges are sparse; Calder's
    /// calibration comes from a dense deployment: median nearest front-end 280 km, second
    /// 700 km). `None` if `edges` is empty.
    pub fn choose_edge_with_model(
        &self,
        u: f64,
        v: f64,
        client_lat: f64,
        client_lon: f64,
        edges: &[(&str, f64, f64)],
        model: &LatencyModel,
    ) -> Option<EdgeChoice> {
        let [nearest, ..] = nearest_edges(client_lat, client_lon, edges);
        let nearest = nearest?;
        let (edge, extra_ms) = self.choose_edge(u, v, client_lat, client_lon, edges);
        let rtt_to = |i: usize| {
            let (_, lat, lon) = edges[i];
            model.rtt_between_ms(client_lat, client_lon, lat, lon)
        };
        let client_edge_rtt_ms = (rtt_to(nearest) + extra_ms).max(rtt_to(edge));
        Some(EdgeChoice {
            edge,
            nearest,
            extra_ms,
            client_edge_rtt_ms,
        })
    }
}

/// Indices of the three edges nearest to a point (great-circle distance, ties broken by the
/// lower index, so the result is deterministic); `None` where there are fewer edges.
pub fn nearest_edges(lat: f64, lon: f64, edges: &[(&str, f64, f64)]) -> [Option<usize>; 3] {
    let mut best: [Option<(f64, usize)>; 3] = [None; 3];
    for (i, &(_, elat, elon)) in edges.iter().enumerate() {
        let mut cand = (great_circle_km(lat, lon, elat, elon), i);
        for slot in best.iter_mut() {
            match slot {
                None => {
                    *slot = Some(cand);
                    break;
                }
                Some(cur) if cand.0 < cur.0 || (cand.0 == cur.0 && cand.1 < cur.1) => {
                    std::mem::swap(cur, &mut cand);
                }
                Some(_) => {}
            }
        }
    }
    best.map(|b| b.map(|(_, i)| i))
}

// ---------------------------------------------------------------------------------------------
// Normal distribution helpers (numerical, no model constants)

/// Standard normal quantile Φ⁻¹(p), p in (0, 1): Wichura's algorithm AS 241 (PPND16),
/// Applied Statistics 37(3):477-484 (1988), relative accuracy about 1e-16; the coefficients
/// as published (the same as R's `qnorm`).
#[allow(clippy::excessive_precision)]
pub fn norm_quantile(p: f64) -> f64 {
    let q = p - 0.5;
    if q.abs() <= 0.425 {
        let r = 0.180625 - q * q;
        let num = ((((((r * 2509.0809287301226727 + 33430.575583588128105) * r
            + 67265.770927008700853)
            * r
            + 45921.953931549871457)
            * r
            + 13731.693765509461125)
            * r
            + 1971.5909503065514427)
            * r
            + 133.14166789178437745)
            * r
            + 3.387132872796366608;
        let den = ((((((r * 5226.495278852854561 + 28729.085735721942674) * r
            + 39307.89580009271061)
            * r
            + 21213.794301586595867)
            * r
            + 5394.1960214247511077)
            * r
            + 687.1870074920579083)
            * r
            + 42.313330701600911252)
            * r
            + 1.0;
        return q * num / den;
    }
    let mut r = if q < 0.0 { p } else { 1.0 - p };
    if r <= 0.0 {
        return if q < 0.0 {
            f64::NEG_INFINITY
        } else {
            f64::INFINITY
        };
    }
    r = (-r.ln()).sqrt();
    let val = if r <= 5.0 {
        let r = r - 1.6;
        let num = ((((((r * 7.7454501427834140764e-4 + 0.0227238449892691845833) * r
            + 0.24178072517745061177)
            * r
            + 1.27045825245236838258)
            * r
            + 3.64784832476320460504)
            * r
            + 5.7694972214606914055)
            * r
            + 4.6303378461565452959)
            * r
            + 1.42343711074968357734;
        let den = ((((((r * 1.05075007164441684324e-9 + 5.475938084995344946e-4) * r
            + 0.0151986665636164571966)
            * r
            + 0.14810397642748007459)
            * r
            + 0.68976733498510000455)
            * r
            + 1.6763848301838038494)
            * r
            + 2.05319162663775882187)
            * r
            + 1.0;
        num / den
    } else {
        let r = r - 5.0;
        let num = ((((((r * 2.01033439929228813265e-7 + 2.71155556874348757815e-5) * r
            + 0.0012426609473880784386)
            * r
            + 0.026532189526576123093)
            * r
            + 0.29656057182850489123)
            * r
            + 1.7848265399172913358)
            * r
            + 5.4637849111641143699)
            * r
            + 6.6579046435011037772;
        let den = ((((((r * 2.04426310338993978564e-15 + 1.4215117583164458887e-7) * r
            + 1.8463183175100546818e-5)
            * r
            + 7.868691311456132591e-4)
            * r
            + 0.0148753612908506148525)
            * r
            + 0.13692988092273580531)
            * r
            + 0.59983220655588793769)
            * r
            + 1.0;
        num / den
    };
    if q < 0.0 { -val } else { val }
}

/// Standard normal CDF Φ(x), by bisection on [`norm_quantile`] (for calibration checks and
/// reports, not the hot path; accurate to ~1e-12).
pub fn norm_cdf(x: f64) -> f64 {
    if x.is_nan() {
        return f64::NAN;
    }
    let (mut lo, mut hi) = (1e-300_f64, 1.0 - f64::EPSILON / 2.0);
    if x <= norm_quantile(lo) {
        return 0.0;
    }
    if x >= norm_quantile(hi) {
        return 1.0;
    }
    for _ in 0..200 {
        let mid = 0.5 * (lo + hi);
        if norm_quantile(mid) < x {
            lo = mid;
        } else {
            hi = mid;
        }
        if hi - lo < 1e-15 {
            break;
        }
    }
    0.5 * (lo + hi)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geo;

    fn close(a: f64, b: f64, tol: f64) -> bool {
        (a - b).abs() <= tol
    }

    /// One ISO 3166-1 code per preset area; continents round-trip through Route 53's codes.
    #[test]
    fn geolocation_mapping_covers_every_area() {
        assert_eq!(
            WORLD_INTERNET_USERS_COUNTRY.len(),
            WORLD_INTERNET_USERS.len()
        );
        for (i, code) in WORLD_INTERNET_USERS_COUNTRY.iter().enumerate() {
            assert!(
                code.len() == 2 && code.chars().all(|c| c.is_ascii_uppercase()),
                "{i}"
            );
            let (cont, country) = area_geolocation(WORLD_INTERNET_USERS, i);
            assert_eq!(country, Some(*code));
            assert!(cont.is_some());
        }
        for c in Continent::ALL {
            assert_eq!(Continent::from_r53_code(c.r53_code()), Some(c));
        }
        assert_eq!(Continent::from_r53_code("AN"), None);
        // Metro spot checks: Frankfurt is DE in Europe, Sydney AU in Oceania.
        assert_eq!(
            area_geolocation(WORLD_INTERNET_USERS, 11),
            (Some(Europe), Some("DE"))
        );
        assert_eq!(
            area_geolocation(WORLD_INTERNET_USERS, 39),
            (Some(Oceania), Some("AU"))
        );
        // Regions: Sydney's coordinates are in Oceania, Dublin's in Europe.
        let w = WORLD_INTERNET_USERS;
        assert_eq!(continent_of_point(w, -33.9, 151.2), Some(Oceania));
        assert_eq!(continent_of_point(w, 53.3, -6.3), Some(Europe));
        assert_eq!(continent_of_point(w, 38.9, -77.4), Some(NorthAmerica));
    }

    #[test]
    fn world_preset_is_well_formed() {
        let w = WORLD_INTERNET_USERS;
        assert!((20..=40).contains(&w.len()), "{}", w.len());
        for (i, a) in w.iter().enumerate() {
            assert!(a.weight > 0.0 && a.weight.is_finite(), "{}", a.name);
            assert!((-90.0..=90.0).contains(&a.lat) && (-180.0..=180.0).contains(&a.lon));
            assert!(a.continent.is_some());
            assert!(
                w[i + 1..].iter().all(|b| b.name != a.name),
                "{} twice",
                a.name
            );
        }
        assert_eq!(
            preset("world-internet-users").map(<[_]>::len),
            Some(w.len())
        );
        assert!(preset("elsewhere").is_none());
    }

    #[test]
    fn continent_shares_match_the_source() {
        let total: f64 = WORLD_INTERNET_USERS.iter().map(|a| a.weight).sum();
        let src_total: f64 = OWID_2020_CONTINENT_USERS_M.iter().map(|(_, m)| m).sum();
        // Weights are rounded to 1000 users; 40 of them.
        assert!(close(total, src_total, 0.02), "{total} vs {src_total}");
        for &(c, m) in OWID_2020_CONTINENT_USERS_M {
            let sum: f64 = WORLD_INTERNET_USERS
                .iter()
                .filter(|a| a.continent == Some(c))
                .map(|a| a.weight)
                .sum();
            assert!(close(sum, m, 0.01), "{}: {sum} vs {m}", c.name());
            assert!(
                close(sum / total, m / src_total, 1e-5),
                "{} share",
                c.name()
            );
        }
        // Shares as printed in docs/latency-model.md.
        let share = |c| {
            OWID_2020_CONTINENT_USERS_M
                .iter()
                .find(|(k, _)| *k == c)
                .unwrap()
                .1
                / src_total
        };
        assert!(close(share(Asia), 0.5728, 1e-4));
        assert!(close(share(Europe), 0.1418, 1e-4));
        assert!(close(share(NorthAmerica), 0.1077, 1e-4));
        assert!(close(share(Africa), 0.1013, 1e-4));
        assert!(close(share(SouthAmerica), 0.0702, 1e-4));
        assert!(close(share(Oceania), 0.0062, 1e-4));
    }

    #[test]
    fn us_split_follows_census_regions() {
        let us: Vec<f64> = WORLD_INTERNET_USERS
            .iter()
            .filter(|a| a.name.starts_with("United States"))
            .map(|a| a.weight)
            .collect();
        let total: f64 = us.iter().sum();
        // OWID 2020: 305.371298 M users in the United States.
        assert!(close(total, 305.371, 0.002));
        let census = [57_609_148.0, 68_985_454.0, 126_266_107.0, 78_588_572.0];
        let pop: f64 = census.iter().sum();
        assert_eq!(pop, 331_449_281.0);
        for (w, c) in us.iter().zip(census) {
            assert!(close(w / total, c / pop, 1e-5));
        }
    }

    #[test]
    fn normalised_weights_and_picking() {
        let n = normalised_weights(WORLD_INTERNET_USERS);
        assert!(close(n.iter().sum::<f64>(), 1.0, 1e-12));
        assert!(n.iter().all(|&x| x > 0.0));
        let cdf = area_cdf(WORLD_INTERNET_USERS);
        assert_eq!(*cdf.last().unwrap(), 1.0);
        assert!(cdf.windows(2).all(|p| p[0] < p[1]));
        assert_eq!(pick_area(&cdf, 0.0), 0);
        assert_eq!(pick_area(&cdf, 0.999_999_999), cdf.len() - 1);
        // The i-th area owns [cdf[i-1], cdf[i]).
        assert_eq!(pick_area(&cdf, cdf[0]), 1);
        assert_eq!(pick_area(&cdf, cdf[0] - 1e-12), 0);
        // A grid of uniforms reproduces the shares.
        let k = 200_000;
        let mut hits = vec![0u32; cdf.len()];
        for i in 0..k {
            hits[pick_area(&cdf, (i as f64 + 0.5) / k as f64)] += 1;
        }
        for (h, s) in hits.iter().zip(&n) {
            assert!(close(*h as f64 / k as f64, *s, 1e-4));
        }
        // Custom (workload-defined) areas work the same way.
        let custom = [
            ClientArea {
                name: "a".into(),
                lat: 0.0,
                lon: 0.0,
                weight: 1.0,
                continent: None,
            },
            ClientArea {
                name: "b".into(),
                lat: 0.0,
                lon: 1.0,
                weight: 3.0,
                continent: None,
            },
        ];
        assert_eq!(normalised_weights(&custom), vec![0.25, 0.75]);
    }

    #[test]
    fn edge_table_is_well_formed_and_covers_the_regions() {
        let e = GA_EDGE_LOCATIONS;
        assert!(e.len() >= 40);
        for (i, &(code, lat, lon)) in e.iter().enumerate() {
            assert_eq!(code.len(), 3);
            assert!((-90.0..=90.0).contains(&lat) && (-180.0..=180.0).contains(&lon));
            assert!(
                e[i + 1..].iter().all(|&(c, _, _)| c != code),
                "{code} twice"
            );
        }
        // Every built-in AWS region has an edge within 600 km (the edges follow the regions'
        // metros), and every client area has one within 2,500 km.
        for &(r, lat, lon) in geo::AWS_REGIONS {
            let [n, ..] = nearest_edges(lat, lon, e);
            let (_, el, eo) = e[n.unwrap()];
            assert!(great_circle_km(lat, lon, el, eo) < 600.0, "{r}");
        }
        for a in WORLD_INTERNET_USERS {
            let [n, ..] = nearest_edges(a.lat, a.lon, e);
            let (_, el, eo) = e[n.unwrap()];
            assert!(great_circle_km(a.lat, a.lon, el, eo) < 2500.0, "{}", a.name);
        }
    }

    #[test]
    fn nearest_edges_ranks_and_breaks_ties() {
        let edges = [
            ("A", 0.0, 10.0),
            ("B", 0.0, 1.0),
            ("C", 0.0, 5.0),
            ("D", 0.0, -1.0),
        ];
        // From (0, 0): B and D tie at 1°, B first by index; then C.
        assert_eq!(nearest_edges(0.0, 0.0, &edges), [Some(1), Some(3), Some(2)]);
        assert_eq!(nearest_edges(0.0, 9.0, &edges), [Some(0), Some(2), Some(1)]);
        assert_eq!(nearest_edges(0.0, 0.0, &edges[..1]), [Some(0), None, None]);
        assert_eq!(nearest_edges(0.0, 0.0, &[]), [None, None, None]);
    }

    #[test]
    fn choose_edge_rule() {
        let c = AnycastCatchment::default();
        let edges = [
            ("A", 0.0, 0.0),
            ("B", 0.0, 2.0),
            ("C", 0.0, 4.0),
            ("D", 0.0, 8.0),
        ];
        let p = c.p_suboptimal;
        // Nearest with probability 1 - p, no penalty.
        assert_eq!(c.choose_edge(p, 0.9, 0.0, 0.0, &edges), (0, 0.0));
        assert_eq!(c.choose_edge(0.99, 0.9, 0.0, 0.0, &edges), (0, 0.0));
        // Second-nearest for u < p · second_share, third-nearest for the rest of [0, p).
        let (e, x) = c.choose_edge(0.0, 0.5, 0.0, 0.0, &edges);
        assert_eq!(e, 1);
        assert!(close(x, c.penalty_median_ms, 1e-9));
        assert_eq!(
            c.choose_edge(p * c.second_share - 1e-9, 0.5, 0.0, 0.0, &edges)
                .0,
            1
        );
        assert_eq!(
            c.choose_edge(p * c.second_share, 0.5, 0.0, 0.0, &edges).0,
            2
        );
        assert_eq!(c.choose_edge(p - 1e-9, 0.5, 0.0, 0.0, &edges).0, 2);
        // Never the fourth.
        for i in 0..1000 {
            let u = i as f64 / 1000.0;
            assert!(c.choose_edge(u, 0.5, 0.0, 0.0, &edges).0 <= 2);
        }
        // Few edges.
        assert_eq!(c.choose_edge(0.0, 0.5, 0.0, 0.0, &edges[..1]), (0, 0.0));
        assert_eq!(c.choose_edge(p - 1e-9, 0.5, 0.0, 0.0, &edges[..2]).0, 1);
        assert_eq!(c.choose_edge(0.0, 0.5, 0.0, 0.0, &[]), (usize::MAX, 0.0));
        // Fraction off the nearest edge over a grid of u is p.
        let k = 100_000;
        let off = (0..k)
            .filter(|&i| {
                c.choose_edge((i as f64 + 0.5) / k as f64, 0.5, 0.0, 0.0, &edges)
                    .0
                    != 0
            })
            .count();
        assert!(close(off as f64 / k as f64, p, 1e-4));
    }

    #[test]
    fn penalty_is_monotone_and_capped() {
        let c = AnycastCatchment::default();
        let mut last = 0.0;
        for i in 1..1000 {
            let x = c.penalty_ms(i as f64 / 1000.0);
            assert!(x >= last && x > 0.0 && x <= c.penalty_cap_ms);
            last = x;
        }
        assert_eq!(c.penalty_ms(1.0), c.penalty_cap_ms);
        assert!(c.penalty_ms(0.0) > 0.0);
    }

    #[test]
    fn calibrations_reproduce_their_sources() {
        // Calder 2015: of the 19 % suboptimal prefixes, 12 % (of all) gain >= 10 ms and 4 %
        // gain >= 50 ms.
        let c = AnycastCatchment::calder2015();
        assert!(close(c.p_suboptimal * c.penalty_tail(10.0), 0.12, 0.001));
        assert!(close(c.p_suboptimal * c.penalty_tail(50.0), 0.04, 0.001));
        // The fit stated in the doc comment.
        let sigma = 5f64.ln() / (norm_quantile(15.0 / 19.0) - norm_quantile(7.0 / 19.0));
        let median = 10.0 * (-sigma * norm_quantile(7.0 / 19.0)).exp();
        assert!(close(sigma, c.penalty_sigma, 0.001) && close(median, c.penalty_median_ms, 0.01));
        // Koch 2021: 35 % inflated; 15 % (of all) at >= 10 ms; 1 % at >= 100 ms.
        let k = AnycastCatchment::koch2021();
        assert!(close(k.p_suboptimal * k.penalty_tail(10.0), 0.15, 0.001));
        assert!(close(k.p_suboptimal * k.penalty_tail(100.0), 0.01, 0.001));
        // Sampling v on a grid reproduces the tail (the cap only trims above 300 ms).
        let n = 100_000;
        let ge10 = (0..n)
            .filter(|&i| c.penalty_ms((i as f64 + 0.5) / n as f64) >= 10.0)
            .count();
        assert!(close(ge10 as f64 / n as f64, 12.0 / 19.0, 1e-3));
    }

    #[test]
    fn choose_edge_with_model_respects_geometry() {
        let c = AnycastCatchment::default();
        let m = LatencyModel::default();
        // Sparse edges: client at Perth, nearest PER, second SYD ~3,290 km away.
        let edges = [
            ("PER", -31.9, 116.0),
            ("SYD", -33.9, 151.2),
            ("MEL", -37.7, 144.8),
        ];
        let ch = c
            .choose_edge_with_model(0.0, 0.5, -31.9, 116.0, &edges, &m)
            .unwrap();
        assert_eq!((ch.nearest, ch.edge), (0, 2)); // MEL is second-nearest from Perth
        let to_mel = m.rtt_between_ms(-31.9, 116.0, -37.7, 144.8);
        assert!(close(ch.client_edge_rtt_ms, to_mel, 1e-9)); // geometry dominates the penalty
        // On the nearest edge: just the RTT to it.
        let ch = c
            .choose_edge_with_model(0.9, 0.5, -31.9, 116.0, &edges, &m)
            .unwrap();
        assert_eq!((ch.edge, ch.extra_ms), (0, 0.0));
        assert!(close(ch.client_edge_rtt_ms, m.access_ms, 1e-9));
        // Dense edges: the penalty dominates.
        let dense = [("A", 0.0, 0.0), ("B", 0.0, 0.1), ("C", 0.0, 0.2)];
        let ch = c
            .choose_edge_with_model(0.0, 0.5, 0.0, 0.0, &dense, &m)
            .unwrap();
        assert!(close(
            ch.client_edge_rtt_ms,
            m.access_ms + c.penalty_median_ms,
            1e-9
        ));
        assert!(
            c.choose_edge_with_model(0.0, 0.5, 0.0, 0.0, &[], &m)
                .is_none()
        );
    }

    #[test]
    fn worked_examples_in_the_docs() {
        // docs/latency-model.md §5: Route 53 path RTT vs GA (nearest edge + backbone).
        let m = LatencyModel::default();
        let bb = crate::latency::BackboneModel::default();
        let area = |prefix: &str| {
            WORLD_INTERNET_USERS
                .iter()
                .find(|a| a.name.starts_with(prefix))
                .unwrap()
        };
        let cases = [
            ("United Kingdom", "us-east-1", "LHR", 136.9, 98.9),
            ("Brazil", "us-east-1", "GRU", 172.4, 156.7),
            ("India", "ap-southeast-1", "DEL", 100.3, 84.3),
            ("Japan", "us-west-2", "NRT", 179.0, 116.9),
            ("Australia", "ap-southeast-1", "SYD", 144.7, 202.7),
        ];
        for (who, region, edge_code, r53, ga) in cases {
            let a = area(who);
            let (rl, rlo) = geo::region_coords(region).unwrap();
            assert!(
                close(m.rtt_between_ms(a.lat, a.lon, rl, rlo), r53, 0.05),
                "{who}"
            );
            let ch = AnycastCatchment::default()
                .choose_edge_with_model(0.99, 0.5, a.lat, a.lon, GA_EDGE_LOCATIONS, &m)
                .unwrap();
            let (code, el, elo) = GA_EDGE_LOCATIONS[ch.edge];
            assert_eq!(code, edge_code);
            let total = ch.client_edge_rtt_ms + bb.edge_to_region_ms(el, elo, region).unwrap();
            assert!(close(total, ga, 0.05), "{who}: {total}");
        }
    }

    #[test]
    fn normal_helpers() {
        assert_eq!(norm_quantile(0.5), 0.0);
        assert!(close(norm_quantile(0.975), 1.959_963_984_540_054, 1e-14));
        assert!(close(norm_quantile(0.025), -1.959_963_984_540_054, 1e-14));
        assert!(close(norm_quantile(0.999), 3.090_232_306_167_813_5, 1e-13));
        assert!(close(norm_quantile(1e-10), -6.361_340_902_404_056, 1e-11));
        assert!(close(norm_cdf(1.959_963_984_540_054), 0.975, 1e-12));
        assert!(close(norm_cdf(0.0), 0.5, 1e-12));
        assert!(close(norm_cdf(-3.0), 0.001_349_898_031_630_094_6, 1e-12));
    }
}
