//! Closed-form tests of the keys `gtsim import` writes (issue 14): geoproximity routing and its
//! bias, geolocation subdivisions, Route 53 `Inverted` / `Disabled`, and Global Accelerator
//! endpoint weights within a group.

use crate::SEC;
use crate::config::*;
use crate::controlplane::{
    Route53Control, geolocation_chains, geoproximity_order, read_status, simulate_health_check,
};
use crate::testutil::{hc, record, resets_at, three_region_workload, two_region_workload};
use crate::world::World;

/// A record placed at (`lat`, `lon`) with `bias`, on region `region`.
fn gp(region: usize, lat: f64, lon: f64, bias: i32) -> Record {
    Record {
        geoproximity: Some(GeoProximity { lat, lon, bias }),
        ..record(region, Some(hc(10, 1)))
    }
}

/// R53-DG `routing-policy-geoproximity.md`: positive bias, d × (1 − b/100); negative bias,
/// d / (1 + b/100).
#[test]
fn biased_distance_follows_the_documented_formula() {
    let at = |bias| GeoProximity {
        lat: 0.0,
        lon: 0.0,
        bias,
    };
    assert_eq!(at(0).biased_km(1000.0), 1000.0);
    assert_eq!(at(50).biased_km(1000.0), 500.0);
    assert_eq!(at(99).biased_km(1000.0), 1000.0 * (1.0 - 0.99));
    assert_eq!(at(-50).biased_km(1000.0), 2000.0);
    assert!((at(-25).biased_km(1000.0) - 1000.0 / 0.75).abs() < 1e-9);
    // Distance zero stays zero whatever the bias.
    assert_eq!(at(-99).biased_km(0.0), 0.0);
}

/// Two records on the equator at longitudes 0 and 90; points on the equator between them. The
/// great circle along the equator is proportional to the longitude difference, so the boundary
/// x* solves x*·f(bias) = 90 − x*: bias 0, 45°; bias +50 on the first, x*(1 − 0.5) = 90 − x*,
/// 60°; bias −50, x* / 0.5 = 90 − x*, 30°.
#[test]
fn bias_moves_the_boundary_where_the_formula_says() {
    let points: Vec<(f64, f64)> = [0.0, 29.5, 30.5, 44.5, 45.5, 59.5, 60.5, 90.0]
        .iter()
        .map(|&lon| (0.0, lon))
        .collect();
    let first = |bias| -> Vec<u8> {
        geoproximity_order(&[gp(0, 0.0, 0.0, bias), gp(1, 0.0, 90.0, 0)], &points)
            .iter()
            .map(|o| o[0])
            .collect()
    };
    assert_eq!(first(0), [0, 0, 0, 0, 1, 1, 1, 1]);
    assert_eq!(first(50), [0, 0, 0, 0, 0, 0, 1, 1]);
    assert_eq!(first(-50), [0, 0, 1, 1, 1, 1, 1, 1]);
    // A point exactly at a record goes to it, even against a large bias elsewhere.
    let order = geoproximity_order(&[gp(0, 0.0, 0.0, -99), gp(1, 0.0, 90.0, 99)], &points);
    assert_eq!(order[0], [0, 1]);
    assert_eq!(order[7], [1, 0]);
    // Ties (the midpoint, no bias) go to the lower record index: deterministic.
    let mid = geoproximity_order(&[gp(0, 0.0, 0.0, 0), gp(1, 0.0, 90.0, 0)], &[(0.0, 45.0)]);
    assert_eq!(mid[0], [0, 1]);
}

/// Three regions, the records placed at their coordinates; `down` refuse connections from
/// 100 s; checks every 10 s, threshold 1.
fn three_regions(down: &[usize]) -> (World, Route53Arm) {
    let mut w = three_region_workload();
    w.failures = resets_at(down, 100 * SEC);
    let arm = Route53Arm {
        policy: Policy::Geoproximity,
        ttl: 60 * SEC,
        propagation: Propagation::Fixed(0),
        records: w
            .regions
            .iter()
            .enumerate()
            .map(|(i, r)| gp(i, r.lat, r.lon, 0))
            .collect(),
        control: None,
        endpoint_type: EndpointType::Alb,
    };
    (World::new(&w, 0), arm)
}

/// "It routes traffic to the closest resource that is available" (R53-DG): a query at a
/// record's own point gets it while it is healthy, the next nearest when it is not; every
/// record unhealthy, the nearest (fail open, as for latency).
#[test]
fn geoproximity_is_health_aware_and_fails_open() {
    // Places: N. Virginia, Dublin, Singapore, and a point in Frankfurt.
    let places = [(38.9, -77.4), (53.3, -6.3), (1.3, 103.8), (50.1, 8.7)];
    let control = |down: &[usize]| {
        let (world, arm) = three_regions(down);
        let order = geoproximity_order(&arm.records, &places);
        Route53Control::new(&arm, &world, 0, 2000 * SEC, 1, true).with_latency_order(order)
    };
    let (early, late) = (50 * SEC, 1500 * SEC);
    let c = control(&[]);
    for (place, want) in [(0, 0), (1, 1), (2, 2), (3, 1)] {
        assert_eq!(c.answer(7, place, 0, late), want, "place {place}");
    }
    let c = control(&[1]);
    assert_eq!(c.answer(7, 1, 0, early), 1);
    // Dublin's record is down: from Dublin and Frankfurt, N. Virginia (5,400 km from Dublin)
    // is nearer than Singapore (11,200 km).
    assert_eq!(c.answer(7, 1, 0, late), 0);
    assert_eq!(c.answer(7, 3, 0, late), 0);
    assert_eq!(c.answer(7, 2, 0, late), 2);
    let c = control(&[0, 1, 2]);
    for place in 0..4 {
        assert_eq!(c.answer(7, place, 0, late), [0, 1, 2, 1][place]);
    }
}

/// R53-API `GeoLocation.SubdivisionCode`: the state's record over the country's; an unhealthy
/// state record falls back to the country (research note A2: state, country, continent,
/// default). Area 0 of the preset is New York (US-NY), area 1 Chicago (US-IL).
#[test]
fn geolocation_subdivision_is_most_specific() {
    let (world, mut arm) = three_regions(&[0]);
    arm.policy = Policy::Geolocation;
    let loc = |r: usize, l: GeoLocation| Record {
        location: Some(l),
        geoproximity: None,
        ..record(r, Some(hc(10, 1)))
    };
    arm.records = vec![
        loc(
            0,
            GeoLocation::Subdivision {
                country: "US".into(),
                code: "NY".into(),
            },
        ),
        loc(1, GeoLocation::Country("US".into())),
        loc(2, GeoLocation::Default),
    ];
    let chains = geolocation_chains(&arm.records, crate::geography::WORLD_INTERNET_USERS);
    assert_eq!(chains[0], [0, 1, u8::MAX, 2]);
    assert_eq!(chains[1], [u8::MAX, 1, u8::MAX, 2]);
    let c = Route53Control::new(&arm, &world, 0, 2000 * SEC, 1, true).with_geo_chains(chains);
    assert_eq!(c.answer(7, 0, 0, 50 * SEC), 0);
    assert_eq!(c.answer(7, 1, 0, 50 * SEC), 1);
    assert_eq!(c.answer(7, 0, 0, 1500 * SEC), 1);
}

/// R53-DG `health-checks-invert.md`: an inverted check is unhealthy when its status is healthy
/// and vice versa. R53-API `Disabled`: always healthy, with no probes; inverted as well, always
/// unhealthy.
#[test]
fn inverted_and_disabled_checks_read_as_documented() {
    let (world, _) = three_regions(&[0]);
    let plain = simulate_health_check(&hc(10, 1), &world, 0, 2000 * SEC, 1, true);
    assert_eq!(plain.len(), 2);
    assert!(plain[0].1 && !plain[1].1);
    let inverted = HealthCheck {
        inverted: true,
        ..hc(10, 1)
    };
    let tl = simulate_health_check(&inverted, &world, 0, 2000 * SEC, 1, true);
    assert_eq!(tl, vec![(plain[0].0, false), (plain[1].0, true)]);
    let disabled = HealthCheck {
        disabled: true,
        ..hc(10, 1)
    };
    assert_eq!(
        simulate_health_check(&disabled, &world, 0, 2000 * SEC, 1, true),
        vec![(0, true)]
    );
    let both = HealthCheck {
        inverted: true,
        ..disabled.clone()
    };
    assert_eq!(read_status(&both, plain.clone()), vec![(0, false)]);
    // A record with a disabled check keeps being answered after its region fails.
    let (world, mut arm) = three_regions(&[0]);
    arm.records[0].health_check = Some(disabled);
    let order = geoproximity_order(&arm.records, &[(38.9, -77.4)]);
    let c = Route53Control::new(&arm, &world, 0, 2000 * SEC, 1, true).with_latency_order(order);
    assert_eq!(c.answer(7, 0, 0, 1500 * SEC), 0);
}

/// GA-DG `about-endpoints-endpoint-weights.md`: weights split a group's traffic among its
/// healthy endpoints; weight 0 stops traffic to an endpoint. A group is healthy while an
/// endpoint with a non-zero weight is; two signals (EC2 checks and ELB target health) on one
/// failed region: unhealthy once both have seen it.
#[test]
fn ga_group_health_follows_its_weighted_endpoints() {
    use crate::ga::{GaControl, any_healthy, group_specs};
    let mut w = two_region_workload();
    w.failures = resets_at(&[0], 100 * SEC);
    let group = |endpoints: Vec<GaEndpoint>| EndpointGroup {
        region: 0,
        traffic_dial: 100.0,
        endpoints,
        health_check: None,
    };
    let ep = |kind, weight| GaEndpoint { kind, weight };
    let mut ga = GlobalAcceleratorArm {
        endpoint_type: EndpointType::Alb,
        health_check: GaHealthCheck::default(),
        lb_health_check: LbHealthCheck::default(),
        endpoint_groups: vec![group(vec![])],
        client_affinity: ClientAffinity::None,
        propagation: Propagation::Fixed(0),
        dns_ttl: 60 * SEC,
    };
    w.arms[0].kind = ArmKind::GlobalAccelerator(ga.clone());
    let world = World::new(&w, 0);
    let status = |ga: &GlobalAcceleratorArm| {
        GaControl::new(ga, &world, vec![vec![0]], 2000 * SEC, 1, true).status[0].clone()
    };
    let alb_only = status(&ga);
    ga.endpoint_groups[0] = group(vec![ep(EndpointType::Ec2, 0), ep(EndpointType::Alb, 128)]);
    assert_eq!(
        status(&ga),
        alb_only,
        "a weight-0 EC2 endpoint changes nothing"
    );
    ga.endpoint_groups[0] = group(vec![ep(EndpointType::Ec2, 200)]);
    let ec2_only = status(&ga);
    ga.endpoint_groups[0] = group(vec![ep(EndpointType::Ec2, 200), ep(EndpointType::Alb, 1)]);
    let both = status(&ga);
    let down = |tl: &crate::controlplane::Timeline| tl.iter().find(|x| !x.1).unwrap().0;
    assert_eq!(down(&both), down(&alb_only).max(down(&ec2_only)));
    assert_eq!(
        group_specs(&ga, world.params(), &ga.endpoint_groups[0]).len(),
        2
    );
    ga.endpoint_groups[0] = group(vec![ep(EndpointType::Ec2, 0), ep(EndpointType::Eip, 0)]);
    assert_eq!(
        status(&ga),
        vec![(0, false)],
        "every weight 0: no endpoint takes traffic"
    );
    assert_eq!(any_healthy(vec![]), vec![(0, false)]);
    // The group's own health check applies to its EC2 endpoints.
    ga.endpoint_groups[0] = EndpointGroup {
        health_check: Some(GaHealthCheck {
            interval: 10 * SEC,
            threshold: 1,
            ..GaHealthCheck::default()
        }),
        ..group(vec![ep(EndpointType::Ec2, 200)])
    };
    assert!(down(&status(&ga)) < down(&ec2_only));
}
