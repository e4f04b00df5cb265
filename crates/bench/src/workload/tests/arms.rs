//! Loader tests: arms.

use super::*;

/// Global Accelerator arms: defaults from GA-API/ELB-API, ranges checked with key paths.
#[test]
fn global_accelerator_arms_load_and_validate() {
    let ga = |extra: &str| {
        MINIMAL.replace(
            "name = \"r53-weighted\"\nkind = \"route53\"\npolicy = \"weighted\"\nttl = 30",
            &format!("name = \"ga\"\nkind = \"global-accelerator\"\n{extra}"),
        )
    };
    let w = parse_workload(&ga("")).unwrap();
    let ArmKind::GlobalAccelerator(g) = &w.arms[1].kind else {
        panic!("expected a Global Accelerator arm")
    };
    assert_eq!(g.endpoint_type, EndpointType::Alb);
    assert_eq!(g.lb_health_check, LbHealthCheck::default());
    assert_eq!(g.health_check.threshold, 3);
    assert_eq!(g.endpoint_groups.len(), 2);
    assert!(g.endpoint_groups.iter().all(|e| e.traffic_dial == 100.0));
    assert_eq!(g.client_affinity, ClientAffinity::None);
    let w = parse_workload(&ga(
        "endpoint_type = \"ec2\"\nclient_affinity = \"source-ip\"\n\
         health_check = { interval = \"10s\", threshold = 1, protocol = \"http\" }\n\
         endpoint_groups = [ { region = \"eu-west-1\", traffic_dial = 0 } ]",
    ))
    .unwrap();
    let ArmKind::GlobalAccelerator(g) = &w.arms[1].kind else {
        panic!("expected a Global Accelerator arm")
    };
    assert_eq!(g.health_check.interval, 10 * SEC);
    assert_eq!(
        g.endpoint_groups,
        vec![EndpointGroup {
            region: 1,
            traffic_dial: 0.0,
            endpoints: Vec::new(),
            health_check: None,
        }]
    );
    expect_err(
        &ga("health_check = { interval = \"20s\" }"),
        "arms[1].health_check.interval",
        "must be 10s or 30s",
    );
    expect_err(
        &ga("health_check = { threshold = 11 }"),
        "arms[1].health_check.threshold",
        "",
    );
    expect_err(
        &ga("endpoint_groups = [ { region = \"eu-west-1\", traffic_dial = 150 } ]"),
        "arms[1].endpoint_groups[0].traffic_dial",
        "between 0 and 100",
    );
    expect_err(
        &ga("endpoint_groups = [ { region = \"eu-west-1\" }, { region = \"eu-west-1\" } ]"),
        "arms[1].endpoint_groups[1].region",
        "one endpoint group per region",
    );
    expect_err(
        &ga("records = []"),
        "arms[1].records",
        "only for kind = \"route53\"",
    );
    expect_err(
        &ga("client_affinity = \"sticky\""),
        "arms[1].client_affinity",
        "\"source-ip\"",
    );
    // Route 53 latency routing loads with one record per region by default.
    let lat = MINIMAL.replace("policy = \"weighted\"", "policy = \"latency\"");
    let w = parse_workload(&lat).unwrap();
    let ArmKind::Route53(r) = &w.arms[1].kind else {
        panic!("expected a Route 53 arm")
    };
    assert_eq!(r.policy, Policy::Latency);
    assert_eq!(r.records.len(), 2);
}

// values

#[test]
fn health_check_interval_must_be_10_or_30() {
    let e = expect_err(
        &edit("interval = \"10s\"", "interval = \"20s\""),
        "arms[0].health_check.interval",
        "must be 10s or 30s",
    );
    assert_eq!(e.message, "must be 10s or 30s");
    load(&edit("interval = \"10s\"", "interval = 30"));
}

#[test]
fn failure_threshold_range() {
    expect_err(
        &edit("interval = \"10s\"", "failure_threshold = 0"),
        "arms[0].health_check.failure_threshold",
        "between 1 and 10",
    );
    expect_err(
        &edit("interval = \"10s\"", "failure_threshold = 11"),
        "arms[0].health_check.failure_threshold",
        "between 1 and 10",
    );
    expect_err(
        &edit(
            "interval = \"10s\"",
            "failure_threshold = -9223372036854775808",
        ),
        "arms[0].health_check.failure_threshold",
        "between 1 and 10",
    );
    load(&edit("interval = \"10s\"", "failure_threshold = 10"));
}

#[test]
fn checker_regions() {
    let hc = |v: &str| edit("interval = \"10s\"", &format!("checker_regions = {v}"));
    expect_err(
        &hc(r#"["us-east-1", "eu-west-1"]"#),
        "arms[0].health_check.checker_regions",
        "at least 3",
    );
    expect_err(
        &hc(r#"["us-east-1", "eu-west-1", "mars-1"]"#),
        "arms[0].health_check.checker_regions[2]",
        "not a Route 53 health-checker region",
    );
    expect_err(
        &hc(r#"["us-east-1", "eu-west-1", "us-east-1"]"#),
        "arms[0].health_check.checker_regions[2]",
        "duplicate",
    );
    expect_err(
        &hc("\"us-east-1\""),
        "arms[0].health_check.checker_regions",
        "expected an array",
    );
    expect_err(
        &edit("interval = \"10s\"", "healthy_fraction = 1"),
        "arms[0].health_check.healthy_fraction",
        "less than 1",
    );
    expect_err(
        &edit("interval = \"10s\"", "protocol = \"ftp\""),
        "arms[0].health_check.protocol",
        "\"http\", \"https\" or \"tcp\"",
    );
    expect_err(
        &edit("interval = \"10s\"", "checkers_per_region = 0"),
        "arms[0].health_check.checkers_per_region",
        "at least 1",
    );
    expect_err(
        &edit("interval = \"10s\"", "checkers_per_region = 4294967296"),
        "arms[0].health_check.checkers_per_region",
        "between 1 and 4294967295",
    );
    load(&edit(
        "interval = \"10s\"",
        "checkers_per_region = 4294967295",
    ));
}

#[test]
fn record_health_check_without_arm_check_uses_defaults() {
    let w = load(&arm0(
        r#"records = [ { region = "us-east-1", role = "primary", health_check = { failure_threshold = 5 } }, { region = "eu-west-1", role = "secondary", health_check = false } ]"#,
    )
    .replace("health_check = { interval = \"10s\" }\n", ""));
    let ArmKind::Route53(r) = &w.arms[0].kind else {
        panic!("expected a Route 53 arm")
    };
    assert_eq!(
        r.records[0].health_check,
        Some(HealthCheck {
            failure_threshold: 5,
            ..default_health_check()
        })
    );
    assert_eq!(r.records[1].health_check, None);
}

#[test]
fn alias_records_default_ttl_to_60s() {
    let text = arm1(r#"records = [ { region = "us-east-1", alias = true, weight = 3 } ]"#)
        .replace("ttl = 30\n", "");
    let ArmKind::Route53(r) = &load(&text).arms[1].kind else {
        panic!("expected a Route 53 arm")
    };
    assert_eq!(r.ttl, 60 * SEC);
    assert_eq!(r.records[0].weight, 3);
}

#[test]
fn control_region_defaults_and_checks() {
    // No failures: the first record's region.
    let text = MINIMAL.replace(
        "[[failures]]\nregion = \"us-east-1\"\nat = \"10m\"\nkind = \"hard\"\n",
        "",
    );
    let text = text.replace(
        "name = \"r53-weighted\"",
        "name = \"r53-weighted\"\ncontrol = { kind = \"arc\", flip_at = \"500ms\" }\nrecords = [ { region = \"eu-west-1\" } ]",
    );
    let w = load(&text);
    assert!(w.failures.is_empty());
    let ArmKind::Route53(r) = &w.arms[1].kind else {
        panic!("expected a Route 53 arm")
    };
    assert_eq!(
        r.control,
        Some(ArcControl {
            flip_at: 500 * MS,
            region: 1,
            flip_back_at: None,
            at_least: None,
        })
    );

    // The earliest failure's region has no record in this arm.
    let text = arm1(
        r#"control = { kind = "arc", flip_at = "11m" }
records = [ { region = "eu-west-1" } ]"#,
    );
    expect_err(&text, "arms[1].control.region", "earliest failure");
    let text = arm1(
        r#"control = { kind = "arc", flip_at = "11m", region = "us-east-1" }
records = [ { region = "eu-west-1" } ]"#,
    );
    expect_err(&text, "arms[1].control.region", "no record in this arm");
    expect_err(
        &arm1(r#"control = { kind = "arc", flip_at = "60m" }"#),
        "arms[1].control.flip_at",
        "before the end",
    );
    expect_err(
        &arm1(r#"control = { kind = "arc", flip_at = "11m", flip_back_at = "11m" }"#),
        "arms[1].control.flip_back_at",
        "after flip_at",
    );
    // The assertion safety rule: ATLEAST n of the arm's cells, 1 to the number of cells.
    let w = load(&arm1(
        r#"control = { kind = "arc", flip_at = "11m", at_least = 1 }"#,
    ));
    let ArmKind::Route53(r) = &w.arms[1].kind else {
        panic!("expected a Route 53 arm")
    };
    assert_eq!(r.control.as_ref().unwrap().at_least, Some(1));
    expect_err(
        &arm1(r#"control = { kind = "arc", flip_at = "11m", at_least = 9 }"#),
        "arms[1].control.at_least",
        "between 1 and",
    );
    expect_err(
        &arm1(r#"control = { kind = "manual", flip_at = "11m" }"#),
        "arms[1].control.kind",
        "\"arc\"",
    );
    expect_err(
        &arm1(r#"control = { kind = "arc" }"#),
        "arms[1].control.flip_at",
        "required",
    );
}

#[test]
fn arms_required_unique_and_kinds() {
    let no_arms = MINIMAL
        .split("[[arms]]")
        .next()
        .unwrap_or_default()
        .to_string();
    expect_err(&no_arms, "arms", "at least one [[arms]]");
    expect_err(
        &format!("arms = []\n{no_arms}"),
        "arms",
        "at least one [[arms]]",
    );
    expect_err(
        &edit("name = \"r53-weighted\"", "name = \"r53-failover\""),
        "arms[1].name",
        "duplicate arm name",
    );
    expect_err(
        &edit("name = \"r53-weighted\"", "name = \"\""),
        "arms[1].name",
        "must not be empty",
    );
    let ga = edit(
        "kind = \"route53\"\npolicy = \"weighted\"",
        "kind = \"global-accelerator\"\npolicy = \"weighted\"",
    );
    // A Global Accelerator arm takes no Route 53 keys.
    expect_err(&ga, "arms[1].policy", "only for kind = \"route53\"");
    expect_err(
        &edit(
            "kind = \"route53\"\npolicy = \"weighted\"",
            "kind = \"r53\"\npolicy = \"weighted\"",
        ),
        "arms[1].kind",
        "\"route53\"",
    );
    expect_err(
        &arm1("client_affinity = \"none\""),
        "arms[1].client_affinity",
        "only for kind = \"global-accelerator\"",
    );
    expect_err(
        &edit("policy = \"weighted\"", "policy = \"random\""),
        "arms[1].policy",
        "\"weighted\", \"failover\"",
    );
    expect_err(&edit("ttl = 30\n", ""), "arms[1].ttl", "is required");
    expect_err(
        &edit("policy = \"weighted\"\n", ""),
        "arms[1].policy",
        "is required",
    );
    expect_err(
        &arm1("propagation = \"soon\""),
        "arms[1].propagation",
        "expected \"default\" or a duration",
    );
    expect_err(
        &arm1("propagation = false"),
        "arms[1].propagation",
        "got a boolean",
    );
    expect_err(
        &arm1("endpoint_type = \"cdn\""),
        "arms[1].endpoint_type",
        "\"alb\", \"nlb\", \"ec2\" or \"eip\"",
    );
}

#[test]
fn failover_records() {
    let recs = |v: &str| arm0(&format!("records = {v}"));
    expect_err(
        &recs(r#"[ { region = "us-east-1", role = "primary" } ]"#),
        "arms[0].records",
        "exactly one primary and exactly one secondary",
    );
    expect_err(
        &recs(
            r#"[ { region = "us-east-1", role = "primary" }, { region = "eu-west-1", role = "primary" } ]"#,
        ),
        "arms[0].records",
        "found 2 primary and 0 secondary",
    );
    expect_err(
        &recs(r#"[ { region = "us-east-1", role = "primary" }, { region = "eu-west-1" } ]"#),
        "arms[0].records[1].role",
        "required for policy = \"failover\"",
    );
    expect_err(
        &recs(r#"[ { region = "us-east-1", role = "main" } ]"#),
        "arms[0].records[0].role",
        "\"primary\" or \"secondary\"",
    );
    expect_err(
        &recs(r#"[ { region = "us-east-1", role = "primary", weight = 1 } ]"#),
        "arms[0].records[0].weight",
        "only for policy = \"weighted\"",
    );
    expect_err(
        &recs(
            r#"[ { region = "us-east-1", role = "primary" }, { region = "us-east-1", role = "secondary" } ]"#,
        ),
        "arms[0].records[1].region",
        "duplicate region",
    );
    expect_err(&recs("[]"), "arms[0].records", "at least one record");
    let one_region = MINIMAL.replace("[[regions]]\nname = \"eu-west-1\"\n", "");
    expect_err(&one_region, "arms[0].records", "needs two regions");
}

#[test]
fn weighted_records() {
    let recs = |v: &str| arm1(&format!("records = {v}"));
    expect_err(
        &recs(r#"[ { region = "us-east-1", weight = 300 } ]"#),
        "arms[1].records[0].weight",
        "between 0 and 255",
    );
    expect_err(
        &recs(r#"[ { region = "us-east-1", weight = -1 } ]"#),
        "arms[1].records[0].weight",
        "between 0 and 255",
    );
    expect_err(
        &recs(r#"[ { region = "us-east-1", role = "primary" } ]"#),
        "arms[1].records[0].role",
        "only for policy = \"failover\"",
    );
    expect_err(
        &recs(r#"[ { region = "nowhere-1" } ]"#),
        "arms[1].records[0].region",
        "not declared",
    );
    expect_err(
        &recs(r#"[ { region = "us-east-1", health_check = { interval = "20s" } } ]"#),
        "arms[1].records[0].health_check.interval",
        "must be 10s or 30s",
    );
    expect_err(
        &recs(r#"[ { region = "us-east-1", health_check = "yes" } ]"#),
        "arms[1].records[0].health_check",
        "got a string",
    );
    expect_err(
        &recs(r#"[ { region = "us-east-1", evaluate_target_health = true } ]"#),
        "arms[1].records[0].evaluate_target_health",
        "only for alias records",
    );
    let eth = load(
        &recs(r#"[ { region = "us-east-1", alias = true, evaluate_target_health = true } ]"#)
            .replace("ttl = 30", "ttl = 60"),
    );
    let ArmKind::Route53(r) = &eth.arms[1].kind else {
        panic!("expected a Route 53 arm")
    };
    assert!(r.records[0].alias && r.records[0].evaluate_target_health);
    expect_err(
        &recs(r#"[ { region = "us-east-1", alias = true } ]"#)
            .replace("ttl = 30", "ttl = 60\nendpoint_type = \"ec2\""),
        "arms[1].records[0].alias",
        "cannot be alias targets",
    );
}

#[test]
fn alias_requires_60s_ttl() {
    let text =
        arm1(r#"records = [ { region = "us-east-1", alias = true }, { region = "eu-west-1" } ]"#);
    let e = expect_err(&text, "arms[1].ttl", "the target's TTL, 60s");
    assert!(e.message.contains("ttl = 30s"), "{}", e.message);
    load(&text.replace("ttl = 30", "ttl = \"1m\""));
    // Mixed alias and non-alias records need a ttl written.
    expect_err(
        &text.replace("ttl = 30\n", ""),
        "arms[1].ttl",
        "is required",
    );
}

/// Geolocation: default records are one per region for its continent plus the default
/// record on the first region; written records need a location each.
#[test]
fn geolocation_records_load_and_validate() {
    use sim_engine::geography::Continent;
    let r = arm1_r53(&policy_arm("geolocation", ""));
    assert_eq!(r.policy, Policy::Geolocation);
    let locs: Vec<_> = r
        .records
        .iter()
        .map(|x| (x.region, x.location.clone()))
        .collect();
    assert_eq!(
        locs,
        vec![
            (0, Some(GeoLocation::Continent(Continent::NorthAmerica))),
            (1, Some(GeoLocation::Continent(Continent::Europe))),
            (0, Some(GeoLocation::Default)),
        ]
    );
    let r = arm1_r53(&policy_arm(
        "geolocation",
        r#"records = [ { region = "eu-west-1", location = { country = "DE" } }, { region = "us-east-1", location = "default" } ]"#,
    ));
    assert_eq!(
        r.records[0].location,
        Some(GeoLocation::Country("DE".into()))
    );
    assert_eq!(r.records[1].location, Some(GeoLocation::Default));
    expect_err(
        &policy_arm("geolocation", r#"records = [ { region = "eu-west-1" } ]"#),
        "arms[1].records[0].location",
        "is required for policy = \"geolocation\"",
    );
    expect_err(
        &policy_arm(
            "geolocation",
            r#"records = [ { region = "eu-west-1", location = { continent = "XX" } } ]"#,
        ),
        "arms[1].records[0].location.continent",
        "unknown continent code \"XX\" (known: AF, AS, EU, NA, OC, SA",
    );
    expect_err(
        &policy_arm(
            "geolocation",
            r#"records = [ { region = "eu-west-1", location = { country = "Germany" } } ]"#,
        ),
        "arms[1].records[0].location.country",
        "ISO 3166-1",
    );
    expect_err(
        &policy_arm(
            "geolocation",
            r#"records = [ { region = "eu-west-1", location = "default" }, { region = "us-east-1", location = "*" } ]"#,
        ),
        "arms[1].records[1].location",
        "duplicate location (also records[0])",
    );
    expect_err(
        &policy_arm(
            "geolocation",
            r#"records = [ { region = "eu-west-1", location = { continent = "EU", country = "DE" } } ]"#,
        ),
        "arms[1].records[0].location.country",
        "not both",
    );
    expect_err(
        &policy_arm(
            "multivalue",
            r#"records = [ { region = "eu-west-1", location = "default" } ]"#,
        ),
        "arms[1].records[0].location",
        "only for policy = \"geolocation\"",
    );
    // Two regions on one continent cannot take the default records.
    let two_eu = policy_arm("geolocation", "").replace(
        "[[regions]]\nname = \"us-east-1\"",
        "[[regions]]\nname = \"eu-central-1\"",
    );
    let two_eu = two_eu.replace("region = \"us-east-1\"", "region = \"eu-central-1\"");
    expect_err(&two_eu, "arms[1].records", "are both in Europe");
}

/// Multivalue: default records one per region; alias refused (Route 53 has none); more
/// than 16 records not supported yet.
#[test]
fn multivalue_records_load_and_validate() {
    let r = arm1_r53(&policy_arm("multivalue", ""));
    assert_eq!(r.policy, Policy::Multivalue);
    assert_eq!(r.records.len(), 2);
    expect_err(
        &policy_arm(
            "multivalue",
            r#"records = [ { region = "eu-west-1", alias = true } ]"#,
        ),
        "arms[1].records[0].alias",
        "no multivalue answer alias records",
    );
    let regions: String = (0..17)
        .map(|i| format!("[[regions]]\nname = \"site{i}\"\nlat = 1.0\nlon = 2.0\n"))
        .collect();
    let recs: Vec<String> = (0..17)
        .map(|i| format!("{{ region = \"site{i}\" }}"))
        .collect();
    let text = policy_arm("multivalue", &format!("records = [{}]", recs.join(", ")))
        .replace("[[resolvers]]", &format!("{regions}[[resolvers]]"));
    expect_err(
        &text,
        "arms[1].records",
        "more than 16 multivalue records is not supported yet",
    );
}

/// Calculated checks: `health_check = { calculated = { threshold, children } }` per record,
/// children are endpoint checks on declared regions; errors name the key path.
#[test]
fn calculated_health_checks_load_and_validate() {
    let rec = |hc: &str| {
        policy_arm(
            "multivalue",
            &format!(r#"records = [ {{ region = "eu-west-1", health_check = {hc} }} ]"#),
        )
    };
    let r = arm1_r53(&rec(
        r#"{ calculated = { threshold = 1, children = [ { region = "eu-west-1", interval = "10s" }, { region = "us-east-1" } ] } }"#,
    ));
    let calc = r.records[0].calculated.as_ref().unwrap();
    assert_eq!(r.records[0].health_check, None);
    assert_eq!(calc.threshold, 1);
    assert_eq!(calc.children.len(), 2);
    assert_eq!(calc.children[0].region, 1);
    assert_eq!(calc.children[0].check.interval, 10 * SEC);
    assert_eq!(calc.children[1].check, default_health_check());
    expect_err(
        &rec(r#"{ calculated = { children = [ { region = "eu-west-1" } ] } }"#),
        "arms[1].records[0].health_check.calculated.threshold",
        "is required",
    );
    expect_err(
        &rec(r#"{ calculated = { threshold = 257, children = [ { region = "eu-west-1" } ] } }"#),
        "arms[1].records[0].health_check.calculated.threshold",
        "between 0 and 256",
    );
    expect_err(
        &rec(r#"{ calculated = { threshold = 1, children = [] } }"#),
        "arms[1].records[0].health_check.calculated.children",
        "1 to 256",
    );
    expect_err(
        &rec(r#"{ calculated = { threshold = 1, children = [ { region = "mars-1" } ] } }"#),
        "arms[1].records[0].health_check.calculated.children[0].region",
        "not declared",
    );
    expect_err(
        &rec(
            r#"{ calculated = { threshold = 1, children = [ { region = "eu-west-1", interval = "20s" } ] } }"#,
        ),
        "arms[1].records[0].health_check.calculated.children[0].interval",
        "must be 10s or 30s",
    );
    expect_err(
        &rec(
            r#"{ calculated = { threshold = 1, children = [ { region = "eu-west-1", calculated = 1 } ] } }"#,
        ),
        "arms[1].records[0].health_check.calculated.children[0].calculated",
        "unknown key",
    );
    expect_err(
        &rec(
            r#"{ interval = "10s", calculated = { threshold = 1, children = [ { region = "eu-west-1" } ] } }"#,
        ),
        "arms[1].records[0].health_check.interval",
        "unknown key",
    );
    expect_err(
        &arm1(r#"health_check = { calculated = { threshold = 1, children = [] } }"#),
        "arms[1].health_check.calculated",
        "belongs to one record",
    );
}
