//! The client and resolver population: how many of each, who uses whom, and how they are cut
//! into shards.
//!
//! Clients are numbered `0..N` contiguously by resolver class, then by resolver; resolvers are
//! numbered contiguously by class. Everything random is keyed by these global ids (see
//! [`crate::rng`]), so the cut into shards changes nothing in the results.

use std::ops::Range;

use crate::config::Workload;

#[derive(Debug, Clone, PartialEq)]
pub struct ClassLayout {
    pub clients: u64,
    pub resolvers: u64,
    pub first_client: u64,
    pub first_resolver: u64,
}

impl ClassLayout {
    /// Clients of the class's `i`-th resolver: the class's clients split as evenly as possible
    /// (the first `clients % resolvers` resolvers get one more).
    #[inline]
    pub fn resolver_size(&self, i: u64) -> u64 {
        self.clients / self.resolvers + u64::from(i < self.clients % self.resolvers)
    }
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
            let resolvers = if *c == 0 {
                0
            } else {
                ((*c as f64 / rc.clients_per_resolver as f64).round() as u64).clamp(1, *c)
            };
            classes.push(ClassLayout {
                clients: *c,
                resolvers,
                first_client: fc,
                first_resolver: fr,
            });
            fc += c;
            fr += resolvers;
        }
        Layout { classes }
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
}

/// A contiguous set of whole resolvers with their clients.
#[derive(Debug, Clone, PartialEq)]
pub struct ShardSpec {
    pub resolvers: Vec<ResolverSpan>,
    pub clients: Range<u64>,
}

/// Where clients and resolvers are, and the round-trip times between places, fixed for a run.
///
/// Resolvers sit with their clients (`placement = "local"`): each resolver is placed in one
/// client area, drawn from the geography preset's weights, and all its clients are there too.
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
    pub catchment: crate::geography::AnycastCatchment,
    rng: crate::rng::Rng,
}

impl Geo {
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
        Geo {
            areas,
            cdf: crate::geography::area_cdf(areas),
            model,
            area_region_rtt,
            area_edges,
            edge_region_rtt,
            catchment: AnycastCatchment::default(),
            rng: crate::rng::Rng::new(w.simulation.seed, crate::rng::Stream::Placement),
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

    /// `[area]`: indices of `regions` ordered by RTT from the area (ties by index).
    pub fn latency_order(&self, regions: &[usize]) -> Vec<Vec<u8>> {
        order_by_rtt(&self.area_region_rtt, regions)
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
}
