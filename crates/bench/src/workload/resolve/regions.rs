//! `[[regions]]` and their capacity and overload model.

use sim_engine::SEC;
use sim_engine::config::{Capacity, ProbeShedding, Region};
use sim_engine::geo::region_coords;

use super::super::names::Probes;
use super::super::schema::{ProbesSpec, RawLoadBalancer, RawRegion, Tables};
use super::{At, Res, items, num};

/// Check a latitude and longitude in degrees.
pub(super) fn check_point(o: &At, lat: f64, lon: f64) -> Res<()> {
    if !(-90.0..=90.0).contains(&lat) {
        return Err(o.at("lat", format!("must be between -90 and 90 (got {lat})")));
    }
    if !(-180.0..=180.0).contains(&lon) {
        return Err(o.at("lon", format!("must be between -180 and 180 (got {lon})")));
    }
    Ok(())
}

/// A region's model settings as written, resolved after the arms into the workload's
/// [`sim_engine::config::ModelParams`] ([`super::lb`]): its `load_balancer` table with its key
/// path (its default type depends on the arms) and its `overload.probes` per kind.
pub(super) struct RawRegionParams {
    pub lb_at: At,
    pub lb: Option<RawLoadBalancer>,
    pub probes: Option<ProbeShedding>,
}

pub(super) fn regions(
    top: &At,
    raw: Option<Tables<RawRegion>>,
    clients: u64,
) -> Res<(Vec<Region>, Vec<RawRegionParams>)> {
    let list = items(top, "regions", raw);
    if list.is_empty() {
        return Err(top.at("regions", "at least one [[regions]] is required"));
    }
    if list.len() > sim_engine::sim::MAX_REGIONS {
        return Err(top.at(
            "regions",
            format!(
                "at most {} [[regions]] are supported",
                sim_engine::sim::MAX_REGIONS
            ),
        ));
    }
    let mut regions: Vec<Region> = Vec::with_capacity(list.len());
    let mut lbs = Vec::with_capacity(list.len());
    for (o, r) in list {
        let name = o.name("name", r.name)?;
        if let Some(j) = regions.iter().position(|x| x.name == name) {
            return Err(o.at(
                "name",
                format!("duplicate region {name:?} (also regions[{j}])"),
            ));
        }
        let (lat, lon) = match (num(r.lat), num(r.lon)) {
            (Some(lat), Some(lon)) => {
                check_point(&o, lat, lon)?;
                (lat, lon)
            }
            (Some(lat), None) => {
                check_point(&o, lat, 0.0)?;
                return Err(o.at(
                    "lon",
                    "is required when lat is given (give both or neither)",
                ));
            }
            (None, Some(lon)) => {
                check_point(&o, 0.0, lon)?;
                return Err(o.at(
                    "lat",
                    "is required when lon is given (give both or neither)",
                ));
            }
            (None, None) => region_coords(&name).ok_or_else(|| {
                o.at(
                    "name",
                    "unknown region code; give lat and lon for a custom site",
                )
            })?,
        };
        let (capacity_rps, probes) =
            capacity(&o, r.capacity_rps.map(|n| n.0), r.overload, clients)?;
        lbs.push(RawRegionParams {
            lb_at: o.key("load_balancer"),
            lb: r.load_balancer,
            probes,
        });
        regions.push(Region {
            name,
            lat,
            lon,
            capacity_rps,
        });
    }
    Ok((regions, lbs))
}

/// `capacity_rps` (requests/s at the workload's `simulation.clients`) and its `overload`
/// model (sim-engine `overload.rs`), with the probe shedding per kind as written
/// (`overload.probes`; `None`: [`ProbeShedding::documented`]).
fn capacity(
    o: &At,
    rps: Option<f64>,
    overload: Option<super::super::schema::RawOverload>,
    clients: u64,
) -> Res<(Option<Capacity>, Option<ProbeShedding>)> {
    let Some(c) = rps else {
        if overload.is_some() {
            return Err(o.at("overload", "needs capacity_rps on the same region"));
        }
        return Ok((None, None));
    };
    if !(c > 0.0 && c.is_finite()) {
        return Err(o.at("capacity_rps", format!("must be greater than 0 (got {c})")));
    }
    let mut cap = Capacity {
        rps: c,
        at_clients: clients,
        added_latency: sim_engine::overload::DEFAULT_ADDED_LATENCY,
        shed_probes: true,
    };
    let mut probes = None;
    if let Some(ov) = overload {
        let at = o.key("overload");
        if let Some(d) = ov.added_latency {
            if d.0 > 3600 * SEC {
                return Err(at.at("added_latency", "must be at most 1h"));
            }
            cap.added_latency = d.0;
        }
        probes = ov.probes.map(probe_shedding);
        // The legacy flag (Route 53 and GA probes) follows the per-kind setting.
        cap.shed_probes = probes.is_none_or(|p| p.route53 || p.ga);
    }
    Ok((Some(cap), probes))
}

/// `overload.probes` as written: a plain word sets every kind; a table sets the kinds it
/// names, the others at [`ProbeShedding::documented`] (Route 53 and GA shed, ELB exempt).
fn probe_shedding(p: ProbesSpec) -> ProbeShedding {
    let shed = |p: Probes| p == Probes::Shed;
    match p {
        ProbesSpec::All(p) => ProbeShedding::all(shed(p)),
        ProbesSpec::PerKind(k) => {
            let d = ProbeShedding::documented(true);
            let or =
                |v: Option<super::super::schema::Name<Probes>>, def| v.map_or(def, |n| shed(n.0));
            ProbeShedding {
                route53: or(k.route53, d.route53),
                ga: or(k.ga, d.ga),
                elb: or(k.elb, d.elb),
            }
        }
    }
}
