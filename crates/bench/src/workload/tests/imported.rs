//! Loader tests: the keys `gtsim import` writes (issue 14): geoproximity records, geolocation
//! subdivisions, Route 53 `inverted` / `disabled`, GA endpoints and per-group health checks.

use super::*;

#[test]
fn geoproximity_records_load_with_region_coordinates_or_their_own() {
    let r = arm1_r53(&policy_arm(
        "geoproximity",
        "records = [ { region = \"us-east-1\", bias = 25 }, \
         { region = \"eu-west-1\", aws_region = \"eu-central-1\", bias = -10 } ]",
    ));
    assert_eq!(r.policy, Policy::Geoproximity);
    let g0 = r.records[0].geoproximity.unwrap();
    assert_eq!((g0.lat, g0.lon, g0.bias), (38.9, -77.4, 25));
    let g1 = r.records[1].geoproximity.unwrap();
    assert_eq!((g1.lat, g1.lon, g1.bias), (50.1, 8.7, -10));
    let r = arm1_r53(&policy_arm(
        "geoproximity",
        "records = [ { region = \"us-east-1\", lat = 40.0, lon = -75.5 }, { region = \"eu-west-1\" } ]",
    ));
    let g0 = r.records[0].geoproximity.unwrap();
    assert_eq!((g0.lat, g0.lon, g0.bias), (40.0, -75.5, 0));
    // Default records: one per region, at the region's coordinates, bias 0.
    let r = arm1_r53(&policy_arm("geoproximity", ""));
    assert_eq!(r.records.len(), 2);
    assert!(r.records.iter().all(|x| x.geoproximity.unwrap().bias == 0));
    // Other policies carry none.
    assert!(load(MINIMAL).arms.iter().all(|a| match &a.kind {
        ArmKind::Route53(r) => r.records.iter().all(|x| x.geoproximity.is_none()),
        ArmKind::GlobalAccelerator(_) => true,
    }));
}

#[test]
fn bad_geoproximity_keys_name_their_path() {
    let geo = |rec0: &str| {
        policy_arm(
            "geoproximity",
            &format!(
                "records = [ {{ region = \"us-east-1\", {rec0} }}, {{ region = \"eu-west-1\" }} ]"
            ),
        )
    };
    expect_err(
        &geo("bias = 100"),
        "arms[1].records[0].bias",
        "between -99 and 99",
    );
    expect_err(
        &geo("bias = -100"),
        "arms[1].records[0].bias",
        "between -99 and 99",
    );
    expect_err(
        &geo("aws_region = \"mars-1\""),
        "arms[1].records[0].aws_region",
        "not in the built-in region table",
    );
    expect_err(
        &geo("aws_region = \"eu-west-2\", lat = 1.0, lon = 2.0"),
        "arms[1].records[0].aws_region",
        "not both",
    );
    expect_err(
        &geo("lat = 1.0"),
        "arms[1].records[0].lon",
        "is required with lat",
    );
    expect_err(
        &geo("lat = 91.0, lon = 0.0"),
        "arms[1].records[0].lat",
        "between -90 and 90",
    );
    expect_err(&geo("bias = \"x\""), "arms[1].records[0].bias", "expected");
    // Geoproximity keys on another policy.
    expect_err(
        &policy_arm(
            "latency",
            "records = [ { region = \"us-east-1\", bias = 5 } ]",
        ),
        "arms[1].records[0].bias",
        "only for policy = \"geoproximity\"",
    );
    expect_err(
        &policy_arm(
            "latency",
            "records = [ { region = \"us-east-1\", aws_region = \"eu-west-1\" } ]",
        ),
        "arms[1].records[0].aws_region",
        "only for policy = \"geoproximity\"",
    );
}

#[test]
fn geolocation_subdivisions_load_and_are_checked() {
    let r = arm1_r53(&policy_arm(
        "geolocation",
        "records = [ { region = \"us-east-1\", location = { country = \"US\", subdivision = \"NY\" } }, \
         { region = \"us-east-1\", location = { country = \"US\" } }, \
         { region = \"eu-west-1\", location = \"default\" } ]",
    ));
    assert_eq!(
        r.records[0].location,
        Some(GeoLocation::Subdivision {
            country: "US".into(),
            code: "NY".into()
        })
    );
    let geo = |loc: &str| {
        policy_arm(
            "geolocation",
            &format!("records = [ {{ region = \"us-east-1\", location = {loc} }} ]"),
        )
    };
    expect_err(
        &geo("{ subdivision = \"WA\" }"),
        "arms[1].records[0].location.subdivision",
        "needs country",
    );
    expect_err(
        &geo("{ continent = \"NA\", subdivision = \"WA\" }"),
        "arms[1].records[0].location.subdivision",
        "not continent",
    );
    expect_err(
        &geo("{ country = \"US\", subdivision = \"wash\" }"),
        "arms[1].records[0].location.subdivision",
        "not a subdivision code",
    );
    expect_err(
        &geo("{ country = \"usa\", subdivision = \"WA\" }"),
        "arms[1].records[0].location.country",
        "ISO 3166-1",
    );
}

#[test]
fn inverted_and_disabled_checks_load_on_records_and_children() {
    let r = arm1_r53(&policy_arm(
        "weighted",
        "records = [ { region = \"us-east-1\", health_check = { inverted = true } }, \
         { region = \"eu-west-1\", health_check = { calculated = { threshold = 1, children = [ \
         { region = \"eu-west-1\", disabled = true } ] } } } ]",
    ));
    let hc = r.records[0].health_check.as_ref().unwrap();
    assert!(hc.inverted && !hc.disabled);
    let child = &r.records[1].calculated.as_ref().unwrap().children[0].check;
    assert!(child.disabled && !child.inverted);
    expect_err(
        &arm1("health_check = { inverted = 1 }"),
        "arms[1].health_check.inverted",
        "expected true or false",
    );
    // Route 53 only.
    let ga = MINIMAL.replace(
        "name = \"r53-weighted\"\nkind = \"route53\"\npolicy = \"weighted\"\nttl = 30",
        "name = \"ga\"\nkind = \"global-accelerator\"\nhealth_check = { disabled = true }",
    );
    expect_err(
        &ga,
        "arms[1].health_check.disabled",
        "only for kind = \"route53\"",
    );
}

fn ga(groups: &str) -> String {
    MINIMAL.replace(
        "name = \"r53-weighted\"\nkind = \"route53\"\npolicy = \"weighted\"\nttl = 30",
        &format!("name = \"ga\"\nkind = \"global-accelerator\"\nendpoint_groups = {groups}"),
    )
}

#[test]
fn ga_endpoints_and_group_health_checks_load_and_are_checked() {
    let w = load(&ga(
        "[ { region = \"us-east-1\", endpoints = [ { type = \"ec2\", weight = 200 }, { type = \"eip\", weight = 0 } ], \
         health_check = { interval = \"10s\", threshold = 2, protocol = \"https\" } }, { region = \"eu-west-1\" } ]",
    ));
    let ArmKind::GlobalAccelerator(g) = &w.arms[1].kind else {
        panic!("expected a Global Accelerator arm")
    };
    let eps = &g.endpoint_groups[0].endpoints;
    assert_eq!(
        eps,
        &vec![
            GaEndpoint {
                kind: EndpointType::Ec2,
                weight: 200
            },
            GaEndpoint {
                kind: EndpointType::Eip,
                weight: 0
            }
        ]
    );
    let hc = g.endpoint_groups[0].health_check.as_ref().unwrap();
    assert_eq!(
        (hc.interval, hc.threshold, hc.protocol),
        (10 * SEC, 2, HcProtocol::Https)
    );
    assert!(
        g.endpoint_groups[1].endpoints.is_empty() && g.endpoint_groups[1].health_check.is_none()
    );
    // An endpoint without a type has the arm's; without a weight, 128.
    let w = load(&ga("[ { region = \"us-east-1\", endpoints = [ {} ] } ]"));
    let ArmKind::GlobalAccelerator(g) = &w.arms[1].kind else {
        panic!("expected a Global Accelerator arm")
    };
    assert_eq!(
        g.endpoint_groups[0].endpoints,
        vec![GaEndpoint {
            kind: EndpointType::Alb,
            weight: 128
        }]
    );
    expect_err(
        &ga("[ { region = \"us-east-1\", endpoints = [ { weight = 256 } ] } ]"),
        "arms[1].endpoint_groups[0].endpoints[0].weight",
        "between 0 and 255",
    );
    expect_err(
        &ga("[ { region = \"us-east-1\", endpoints = [ { type = \"gwlb\" } ] } ]"),
        "arms[1].endpoint_groups[0].endpoints[0].type",
        "got \"gwlb\"",
    );
    expect_err(
        &ga("[ { region = \"us-east-1\", endpoints = [] } ]"),
        "arms[1].endpoint_groups[0].endpoints",
        "at least one endpoint",
    );
    expect_err(
        &ga("[ { region = \"us-east-1\", health_check = { interval = \"20s\" } } ]"),
        "arms[1].endpoint_groups[0].health_check.interval",
        "must be 10s or 30s",
    );
    expect_err(
        &ga("[ { region = \"us-east-1\", health_check = { failure_threshold = 2 } } ]"),
        "arms[1].endpoint_groups[0].health_check.failure_threshold",
        "unknown key",
    );
    // An NLB endpoint where the region's load balancer is an ALB: both keys named.
    let text = ga("[ { region = \"us-east-1\", endpoints = [ { type = \"nlb\" } ] } ]").replace(
        "[[regions]]\nname = \"us-east-1\"",
        "[[regions]]\nname = \"us-east-1\"\nload_balancer = { type = \"alb\" }",
    );
    expect_err(
        &text,
        "arms[1].endpoint_groups[0].endpoints",
        "regions[0].load_balancer.type is \"alb\"",
    );
}
