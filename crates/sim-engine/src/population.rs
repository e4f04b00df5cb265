//! The client and resolver population: how many of each, who uses whom, and how they are cut
//! into shards.
//!
//! Clients are numbered `0..N` contiguously by resolver class, then by resolver; resolvers are
//! numbered contiguously by class. Everything random is keyed by these global ids (see
//! [`crate::rng`]), so the cut into shards changes nothing in the results.

use std::ops::Range;

use crate::config::{Placement, Workload};

#[derive(Debug, Clone, PartialEq)]
pub struct ClassLayout {
    pub clients: u64,
    pub resolvers: u64,
    pub first_client: u64,
    pub first_resolver: u64,
    /// `placement = "public-anycast"`: the class's caches area by area (empty otherwise, when
    /// each resolver's area is drawn from the geography's weights).
    pub pop_caches: Vec<AreaCaches>,
}

/// The caches a public-anycast class keeps at one client area's nearest PoP.
#[derive(Debug, Clone, PartialEq)]
pub struct AreaCaches {
    pub area: u16,
    pub clients: u64,
    pub caches: u64,
    /// Index (within the class) of the first of these caches.
    pub first: u64,
}

impl ClassLayout {
    /// Clients of the class's `i`-th resolver: the class's clients split as evenly as possible
    /// (the first `clients % resolvers` resolvers get one more); for a public-anycast class,
    /// the same within each area's caches.
    #[inline]
    pub fn resolver_size(&self, i: u64) -> u64 {
        match self.area_caches(i) {
            Some(a) => a.clients / a.caches + u64::from(i - a.first < a.clients % a.caches),
            None => self.clients / self.resolvers + u64::from(i < self.clients % self.resolvers),
        }
    }

    /// The area entry holding the class's `i`-th resolver (public-anycast classes only).
    fn area_caches(&self, i: u64) -> Option<&AreaCaches> {
        if self.pop_caches.is_empty() {
            return None;
        }
        let k = self.pop_caches.partition_point(|a| a.first <= i);
        self.pop_caches.get(k.checked_sub(1)?)
    }

    /// The client area of the class's `i`-th resolver when the layout fixes it
    /// (public-anycast); `None` when it is drawn ([`Geo::resolver_area`]).
    pub fn fixed_area(&self, i: u64) -> Option<u16> {
        self.area_caches(i).map(|a| a.area)
    }
}

/// Split `n` over `weights` by the largest-remainder method (ties by index).
fn largest_remainder(n: u64, weights: &[f64]) -> Vec<u64> {
    let total: f64 = weights.iter().sum();
    let exact: Vec<f64> = weights.iter().map(|w| w / total * n as f64).collect();
    let mut counts: Vec<u64> = exact.iter().map(|x| x.floor() as u64).collect();
    let mut left = n - counts.iter().sum::<u64>().min(n);
    let mut order: Vec<usize> = (0..exact.len()).collect();
    order.sort_by(|&a, &b| {
        let fa = exact[a] - exact[a].floor();
        let fb = exact[b] - exact[b].floor();
        fb.total_cmp(&fa).then(a.cmp(&b))
    });
    for &i in order.iter().cycle().take(exact.len() * 2) {
        if left == 0 {
            break;
        }
        counts[i] += 1;
        left -= 1;
    }
    counts
}

#[derive(Debug, Clone, PartialEq)]
pub struct Layout {
    pub classes: Vec<ClassLayout>,
}

impl Layout {
    /// Clients per class by the largest-remainder method on `share * N` (so the counts sum to
    /// N exactly), and `max(1, round(clients / clients_per_resolver))` resolvers per class.
    ///
    /// Every resolver of a class gets the same number of clients, give or take one. Real
    /// resolver sizes are heavy-tailed; that matters for cache hit rates, little for the drain
    /// shape of resolvers that each see many queries per TTL. (Resolver-size distributions are
    /// the resolver-models issue's to add.)
    pub fn new(w: &Workload) -> Layout {
        let n = w.simulation.clients;
        let exact: Vec<f64> = w.resolvers.iter().map(|r| r.share * n as f64).collect();
        let mut counts: Vec<u64> = exact.iter().map(|x| x.floor() as u64).collect();
        let mut left = n - counts.iter().sum::<u64>().min(n);
        let mut order: Vec<usize> = (0..exact.len()).collect();
        // Largest fractional part first; ties by class order (stable sort).
        order.sort_by(|&a, &b| {
            let fa = exact[a] - exact[a].floor();
            let fb = exact[b] - exact[b].floor();
            fb.partial_cmp(&fa).unwrap_or(std::cmp::Ordering::Equal)
        });
        for &i in order.iter().cycle().take(exact.len() * 2) {
            if left == 0 {
                break;
            }
            counts[i] += 1;
            left -= 1;
        }
        let mut classes = Vec::with_capacity(counts.len());
        let (mut fc, mut fr) = (0u64, 0u64);
        for (c, rc) in counts.iter().zip(&w.resolvers) {
            let mut pop_caches = Vec::new();
            let resolvers = if *c == 0 {
                0
            } else if rc.placement == Placement::PublicAnycast {
                // Clients over the geography's areas by weight; each area's clients share
                // `caches_per_pop` independent caches at the area's nearest PoP.
                let areas = crate::geography::preset(&w.clients.geography)
                    .expect("the loader accepts only built-in geography presets");
                let weights = crate::geography::normalised_weights(areas);
                let mut first = 0;
                for (area, n) in largest_remainder(*c, &weights).into_iter().enumerate() {
                    if n == 0 {
                        continue;
                    }
                    let caches = u64::from(rc.siting.caches_per_pop.max(1)).min(n);
                    pop_caches.push(AreaCaches {
                        area: area as u16,
                        clients: n,
                        caches,
                        first,
                    });
                    first += caches;
                }
                first
            } else {
                ((*c as f64 / rc.clients_per_resolver as f64).round() as u64).clamp(1, *c)
            };
            classes.push(ClassLayout {
                clients: *c,
                resolvers,
                first_client: fc,
                first_resolver: fr,
                pop_caches,
            });
            fc += c;
            fr += resolvers;
        }
        Layout { classes }
    }

    /// The client area of resolver `i` of class `ci` (fixed by the layout or drawn).
    pub fn resolver_area(&self, geo: &Geo, ci: usize, i: u64) -> usize {
        let c = &self.classes[ci];
        c.fixed_area(i)
            .map_or_else(|| geo.resolver_area(c.first_resolver + i), usize::from)
    }

    pub fn total_resolvers(&self) -> u64 {
        self.classes.iter().map(|c| c.resolvers).sum()
    }

    /// Cut the population into shards of about `target` clients, never splitting a resolver.
    pub fn shards(&self, target: u64) -> Vec<ShardSpec> {
        let mut out = Vec::new();
        let mut cur: Option<ShardSpec> = None;
        for (ci, class) in self.classes.iter().enumerate() {
            let mut client = class.first_client;
            for i in 0..class.resolvers {
                let size = class.resolver_size(i);
                let s = cur.get_or_insert_with(|| ShardSpec {
                    resolvers: Vec::new(),
                    clients: client..client,
                });
                s.resolvers.push(ResolverSpan {
                    id: class.first_resolver + i,
                    class: ci as u8,
                    clients: client..client + size,
                    area: class.fixed_area(i),
                });
                s.clients.end = client + size;
                client += size;
                if s.clients.end - s.clients.start >= target {
                    out.extend(cur.take());
                }
            }
        }
        out.extend(cur);
        out
    }
}

/// One resolver and its clients.
#[derive(Debug, Clone, PartialEq)]
pub struct ResolverSpan {
    pub id: u64,
    pub class: u8,
    pub clients: Range<u64>,
    /// The clients' area when the layout fixes it (public-anycast classes); otherwise drawn by
    /// [`Geo::resolver_area`].
    pub area: Option<u16>,
}

/// A contiguous set of whole resolvers with their clients.
#[derive(Debug, Clone, PartialEq)]
pub struct ShardSpec {
    pub resolvers: Vec<ResolverSpan>,
    pub clients: Range<u64>,
}

/// Where clients and resolvers are, and the round-trip times between places, fixed for a run.
///
/// Every resolver's clients are in one client area: drawn from the geography preset's weights
/// per resolver (`local`, `central`), or fixed by the layout (`public-anycast`: the class's
/// clients are split over areas by weight, see [`Layout::new`]). Where the resolver itself
/// sits depends on the class's placement:
/// - `local`: in its clients' area; the client reaches it over the access network;
/// - `public-anycast`: at the PoP nearest its clients' area. No public resolver's PoP list is
///   in the research notes, so the PoPs are the Global Accelerator edge table
///   ([`crate::geography::GA_EDGE_LOCATIONS`], CloudFront cities): an ASSUMED substitution,
///   printed in the run's assumptions;
/// - `central`: at the class's `location` (default: the workload's first region).
///
/// Route 53 latency routing sees the resolver's site, or the client's own area when the class
/// sends ECS (R53-DG `routing-policy-latency.md`, `routing-policy-edns0.md`: the resolver's
/// address, or the truncated client address from edns-client-subnet; `shared/research/
/// route53-ga.md` B). Places that latency routing can see are numbered: client areas first,
/// then the PoPs, then one site per resolver class ([`Geo::latency_order`] has a row for each).
/// Sources of every constant: `docs/latency-model.md`, `latency.rs`, `geography.rs`.
pub struct Geo {
    pub areas: &'static [crate::geography::ClientArea],
    cdf: Vec<f64>,
    pub model: crate::latency::LatencyModel,
    /// `[area][region]`: client → region RTT over the public Internet, ms.
    pub area_region_rtt: Vec<Vec<f64>>,
    /// `[area]`: the three nearest GA edges.
    pub area_edges: Vec<[Option<usize>; 3]>,
    /// `[edge][region]`: edge → region RTT over the AWS backbone, ms.
    pub edge_region_rtt: Vec<Vec<f64>>,
    /// `area_region_rtt` and `edge_region_rtt` in whole µs (truncated, as the hot path did
    /// per attempt), flat with `nregions` per row: a float-to-integer conversion and a
    /// nested `Vec`'s two indirections per attempt were about 2 % of a run's instructions.
    area_region_us: Vec<crate::Micros>,
    edge_region_us: Vec<crate::Micros>,
    nregions: usize,
    pub catchment: crate::geography::AnycastCatchment,
    rng: crate::rng::Rng,
    /// `[site][region]`: RTT from the sites beyond the client areas (PoPs, then one per class)
    /// to each region over the public Internet, ms.
    site_region_rtt: Vec<Vec<f64>>,
    /// `[site]`: (lat, lon) of the sites beyond the client areas, in `site_region_rtt` order.
    site_points: Vec<(f64, f64)>,
    /// `[class][area]`: the place Route 53 latency routing sees for a query about a client in
    /// `area` (the area itself with ECS or a local resolver; else the resolver's site).
    pub class_seen: Vec<Vec<u16>>,
    /// `[class][area]`: a client's round trip to its resolver, µs (the access RTT for a local
    /// resolver; the distance model to the PoP or central site otherwise).
    pub class_to_resolver_us: Vec<Vec<u32>>,
    /// `[class]`: clients per ECS subnet when the class sends ECS, else 0.
    pub class_subnet: Vec<u32>,
}

/// The assumptions a workload's non-local placements and ECS rest on (empty when every class
/// is local without ECS), for the run's assumption list.
pub fn placement_assumptions(w: &Workload) -> Vec<String> {
    let mut out = Vec::new();
    for c in &w.resolvers {
        match c.placement {
            Placement::Local => {}
            Placement::PublicAnycast => out.push(format!(
                "resolver class {:?} (public-anycast): each client area's clients use the PoP \
                 nearest to the area; PoPs are the Global Accelerator edge table (72 CloudFront \
                 cities), an ASSUMED substitution for the resolver's own PoP list (none in the \
                 research notes); {} independent caches per PoP and client area (ASSUMED: no \
                 resolver publishes it; resolvers[].caches_per_pop)",
                c.name, c.siting.caches_per_pop
            )),
            Placement::Central => {
                let (lat, lon) = c
                    .siting
                    .location
                    .or_else(|| w.regions.first().map(|r| (r.lat, r.lon)))
                    .unwrap_or((0.0, 0.0));
                let how = if c.siting.location.is_some() {
                    "resolvers[].location"
                } else {
                    "default: the workload's first region, ASSUMED"
                };
                out.push(format!(
                    "resolver class {:?} (central): every resolver sits at ({lat}, {lon}) ({how}); \
                     clients are spread over the client areas by weight",
                    c.name
                ));
            }
        }
        if c.ecs {
            out.push(format!(
                "resolver class {:?} sends ECS: Route 53 latency and geolocation routing see the \
                 client's area (R53-DG routing-policy-edns0); their answers are cached per subnet of \
                 {} clients (ASSUMED: clients of one service per /24 is not published; \
                 resolvers[].clients_per_subnet); other policies' answers carry scope /0 and \
                 are cached once per resolver (RFC 7871 7.2.1; ASSUMED for Route 53)",
                c.name, c.siting.clients_per_subnet
            ));
        }
    }
    out
}

/// The place index of PoP `pop` in a [`Geo`] with `areas` client areas.
pub fn pop_place(areas: usize, pop: usize) -> usize {
    areas + pop
}

/// The place index of resolver class `class`'s own site (central placement).
pub fn class_place(areas: usize, class: usize) -> usize {
    areas + crate::geography::GA_EDGE_LOCATIONS.len() + class
}

impl Geo {
    /// Client area → region RTT over the public Internet, whole µs.
    #[inline(always)]
    pub fn area_region_us(&self, area: usize, region: usize) -> crate::Micros {
        self.area_region_us[area * self.nregions + region]
    }

    /// GA edge → region RTT over the AWS backbone, whole µs.
    #[inline(always)]
    pub fn edge_region_us(&self, edge: usize, region: usize) -> crate::Micros {
        self.edge_region_us[edge * self.nregions + region]
    }

    pub fn new(w: &Workload) -> Geo {
        use crate::geography::{AnycastCatchment, GA_EDGE_LOCATIONS, nearest_edges};
        let areas = crate::geography::preset(&w.clients.geography)
            .expect("the loader accepts only built-in geography presets");
        let model = crate::latency::LatencyModel {
            path_stretch: w.clients.path_stretch,
            ..crate::latency::LatencyModel::default()
        };
        let backbone = crate::latency::BackboneModel::default();
        let area_region_rtt = areas
            .iter()
            .map(|a| {
                w.regions
                    .iter()
                    .map(|r| model.rtt_between_ms(a.lat, a.lon, r.lat, r.lon))
                    .collect()
            })
            .collect();
        let area_edges = areas
            .iter()
            .map(|a| nearest_edges(a.lat, a.lon, GA_EDGE_LOCATIONS))
            .collect();
        let edge_region_rtt = GA_EDGE_LOCATIONS
            .iter()
            .map(|&(_, lat, lon)| {
                w.regions
                    .iter()
                    .map(|r| {
                        backbone
                            .edge_to_region_ms(lat, lon, &r.name)
                            .unwrap_or_else(|| {
                                backbone.estimate_ms(crate::latency::great_circle_km(
                                    lat, lon, r.lat, r.lon,
                                ))
                            })
                    })
                    .collect()
            })
            .collect();
        let area_edges: Vec<[Option<usize>; 3]> = area_edges;
        let central = |c: &crate::config::ResolverClass| {
            c.siting
                .location
                .or_else(|| w.regions.first().map(|r| (r.lat, r.lon)))
                .unwrap_or((0.0, 0.0))
        };
        let site_points: Vec<(f64, f64)> = GA_EDGE_LOCATIONS
            .iter()
            .map(|&(_, lat, lon)| (lat, lon))
            .chain(w.resolvers.iter().map(central))
            .collect();
        let site_region_rtt = site_points
            .iter()
            .map(|&(lat, lon)| {
                w.regions
                    .iter()
                    .map(|r| model.rtt_between_ms(lat, lon, r.lat, r.lon))
                    .collect()
            })
            .collect();
        let n = areas.len();
        let mut class_seen = Vec::new();
        let mut class_to_resolver_us = Vec::new();
        for (ci, c) in w.resolvers.iter().enumerate() {
            let (mut seen, mut to_res) = (Vec::with_capacity(n), Vec::with_capacity(n));
            for (ai, a) in areas.iter().enumerate() {
                let (place, (lat, lon)) = match c.placement {
                    Placement::Local => (ai, (a.lat, a.lon)),
                    Placement::PublicAnycast => {
                        let pop = area_edges[ai][0].expect("the edge table is not empty");
                        let (_, lat, lon) = GA_EDGE_LOCATIONS[pop];
                        (pop_place(n, pop), (lat, lon))
                    }
                    Placement::Central => (class_place(n, ci), central(c)),
                };
                seen.push(if c.ecs { ai } else { place } as u16);
                let ms = match c.placement {
                    Placement::Local => model.access_ms,
                    _ => model.rtt_between_ms(a.lat, a.lon, lat, lon),
                };
                to_res.push((ms * 1000.0) as u32);
            }
            class_seen.push(seen);
            class_to_resolver_us.push(to_res);
        }
        let us = |rows: &Vec<Vec<f64>>| -> Vec<crate::Micros> {
            rows.iter()
                .flatten()
                .map(|&ms| (ms * 1000.0) as crate::Micros)
                .collect()
        };
        Geo {
            areas,
            cdf: crate::geography::area_cdf(areas),
            model,
            area_region_us: us(&area_region_rtt),
            edge_region_us: us(&edge_region_rtt),
            nregions: w.regions.len(),
            area_region_rtt,
            area_edges,
            edge_region_rtt,
            catchment: AnycastCatchment::default(),
            rng: crate::rng::Rng::new(w.simulation.seed, crate::rng::Stream::Placement),
            site_region_rtt,
            site_points,
            class_seen,
            class_to_resolver_us,
            class_subnet: w
                .resolvers
                .iter()
                .map(|c| {
                    if c.ecs {
                        c.siting.clients_per_subnet.max(1)
                    } else {
                        0
                    }
                })
                .collect(),
        }
    }

    /// The area of resolver `id` (global id).
    pub fn resolver_area(&self, id: u64) -> usize {
        crate::geography::pick_area(&self.cdf, self.rng.uniform(id, 0))
    }

    /// The GA edge client `gid` in `area` reaches, and its RTT to that edge in ms (Calder
    /// catchment: usually the nearest edge, sometimes a farther one with a penalty).
    pub fn client_edge(&self, gid: u64, area: usize) -> (usize, f64) {
        let (u, v) = (self.rng.uniform(gid, 1), self.rng.uniform(gid, 2));
        let ranked = self.area_edges[area];
        let (edge, extra) = self.catchment.choose_among(u, v, ranked);
        let a = &self.areas[area];
        let rtt = |i: usize| {
            let (_, lat, lon) = crate::geography::GA_EDGE_LOCATIONS[i];
            self.model.rtt_between_ms(a.lat, a.lon, lat, lon)
        };
        let nearest = ranked[0].expect("the edge table is not empty");
        (edge, (rtt(nearest) + extra).max(rtt(edge)))
    }

    /// `[place]`: indices of `regions` ordered by RTT from each place latency routing can see
    /// (client areas, then PoPs, then class sites; ties by index).
    pub fn latency_order(&self, regions: &[usize]) -> Vec<Vec<u8>> {
        let mut rows = order_by_rtt(&self.area_region_rtt, regions);
        rows.extend(order_by_rtt(&self.site_region_rtt, regions));
        rows
    }

    /// `[place]`: the (continent, country) Route 53 geolocation sees for each place latency
    /// routing can see (same rows as [`Geo::latency_order`]). A client area has its own; a PoP
    /// or central resolver site takes that of the nearest client area (ASSUMED: the resolver's
    /// egress address geolocates to where it stands, and the nearest area's country stands for
    /// it; the geography preset has no finer map).
    pub fn place_geolocations(&self) -> Vec<crate::controlplane::PlaceGeo> {
        let areas = self.areas;
        let at = |a: usize| {
            let (continent, country) = crate::geography::area_geolocation(areas, a);
            (
                continent,
                country,
                crate::geography::area_subdivision(areas, a),
            )
        };
        let nearest = |lat: f64, lon: f64| {
            (0..areas.len())
                .min_by(|&a, &b| {
                    crate::latency::great_circle_km(lat, lon, areas[a].lat, areas[a].lon).total_cmp(
                        &crate::latency::great_circle_km(lat, lon, areas[b].lat, areas[b].lon),
                    )
                })
                .map_or((None, None, None), at)
        };
        (0..areas.len())
            .map(at)
            .chain(self.site_points.iter().map(|&(lat, lon)| nearest(lat, lon)))
            .collect()
    }

    /// `[place]`: the coordinates Route 53 geoproximity measures from, for each place latency
    /// routing can see (same rows as [`Geo::latency_order`]): a client area's metro, a PoP's
    /// or central resolver site's own point.
    pub fn place_points(&self) -> Vec<(f64, f64)> {
        self.areas
            .iter()
            .map(|a| (a.lat, a.lon))
            .chain(self.site_points.iter().copied())
            .collect()
    }

    /// `[edge]`: endpoint groups (indices into `regions`) by proximity to the edge (AWS backbone
    /// RTT; GA-DG: the edge picks "the closest" group).
    pub fn edge_order(&self, regions: &[usize]) -> Vec<Vec<u8>> {
        order_by_rtt(&self.edge_region_rtt, regions)
    }
}

/// For each row of `rtt[place][region]`: the indices into `regions`, fastest first (ties by
/// index, so the order is deterministic).
fn order_by_rtt(rtt: &[Vec<f64>], regions: &[usize]) -> Vec<Vec<u8>> {
    rtt.iter()
        .map(|row| {
            let mut idx: Vec<u8> = (0..regions.len() as u8).collect();
            idx.sort_by(|&a, &b| {
                row[regions[a as usize]]
                    .total_cmp(&row[regions[b as usize]])
                    .then(a.cmp(&b))
            });
            idx
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::two_region_workload;

    #[test]
    fn shares_sum_exactly_and_resolvers_follow_clients_per_resolver() {
        let mut w = two_region_workload();
        let mut second = w.resolvers[0].clone();
        w.resolvers[0].share = 0.6;
        second.share = 0.4;
        second.clients_per_resolver = 3;
        w.resolvers.push(second);
        w.simulation.clients = 1001;
        let l = Layout::new(&w);
        assert_eq!(l.classes[0].clients + l.classes[1].clients, 1001);
        assert_eq!(l.classes[0].clients, 601); // 600.6 rounds up by largest remainder
        assert_eq!(l.classes[0].resolvers, 6); // 601 / 100
        assert_eq!(l.classes[1].resolvers, 133); // 400 / 3
        let sizes: u64 = (0..133).map(|i| l.classes[1].resolver_size(i)).sum();
        assert_eq!(sizes, 400);
    }

    #[test]
    fn shards_cover_everything_once() {
        let mut w = two_region_workload();
        w.simulation.clients = 12_345;
        let l = Layout::new(&w);
        let shards = l.shards(1000);
        let mut next = 0;
        let mut resolvers = 0;
        for s in &shards {
            assert_eq!(s.clients.start, next);
            next = s.clients.end;
            resolvers += s.resolvers.len() as u64;
            assert_eq!(s.resolvers.first().unwrap().clients.start, s.clients.start);
        }
        assert_eq!(next, 12_345);
        assert_eq!(resolvers, l.total_resolvers());
    }

    /// The µs tables hold what the attempt computed from the ms tables before they existed.
    #[test]
    fn microsecond_rtt_tables_match_the_millisecond_ones() {
        let geo = Geo::new(&two_region_workload());
        assert_eq!(geo.nregions, 2);
        for (a, row) in geo.area_region_rtt.iter().enumerate() {
            for (r, &ms) in row.iter().enumerate() {
                assert_eq!(geo.area_region_us(a, r), (ms * 1000.0) as crate::Micros);
            }
        }
        for (e, row) in geo.edge_region_rtt.iter().enumerate() {
            for (r, &ms) in row.iter().enumerate() {
                assert_eq!(geo.edge_region_us(e, r), (ms * 1000.0) as crate::Micros);
            }
        }
        assert!(geo.area_region_us(0, 0) != geo.area_region_us(0, 1));
    }
}
