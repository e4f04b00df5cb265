//! Loader tests: basics.

use super::*;

#[test]
fn minimal_round_trip_with_defaults() {
    let w = load(MINIMAL);
    assert_eq!(w.name, "mini");
    assert_eq!(w.description, None);
    assert_eq!(
        w.simulation,
        Simulation {
            duration: 3_600 * SEC,
            seed: 1,
            clients: 1000,
            bin: 5 * SEC,
            warm_start: true
        }
    );
    assert_eq!(w.regions.len(), 2);
    assert_eq!(w.regions[0].name, "us-east-1");
    assert_eq!((w.regions[0].lat, w.regions[0].lon), (38.9, -77.4));
    assert_eq!(w.regions[1].name, "eu-west-1");
    assert_eq!(w.regions[1].capacity_rps, None);
    assert_eq!(w.clients, Clients::default());
    assert_eq!(w.clients.request_rate, 1.0 / 30.0);
    assert_eq!(w.clients.connect_timeout, 3 * SEC);
    assert_eq!(w.clients.request_timeout, 10 * SEC);
    assert_eq!(w.clients.bytes_per_request, 50_000);
    assert_eq!(
        w.resolvers,
        vec![ResolverClass {
            name: "isp".into(),
            share: 1.0,
            placement: Placement::Local,
            ecs: false,
            clients_per_resolver: 500,
            ttl: TtlPolicy::Honor,
            prefetch: false,
            serve_stale: ServeStale::Off,
            siting: Siting::default(),
            ttl_mix: None,
            clock: CacheClock::Exact,
            display: TtlDisplay::Exact,
        }]
    );
    assert_eq!(
        w.failures,
        vec![Failure {
            region: 0,
            at: 600 * SEC,
            kind: FailureKind::Hard(HardMode::Blackhole),
            recover_at: None
        }]
    );
    assert_eq!(w.arms.len(), 2);

    let a0 = &w.arms[0];
    assert_eq!(a0.name, "r53-failover");
    assert_eq!(a0.clients, Clients::default());
    assert!(a0.client_overrides.is_empty());
    let ArmKind::Route53(r) = &a0.kind else {
        panic!("expected a Route 53 arm")
    };
    assert_eq!(r.policy, Policy::Failover);
    assert_eq!(r.ttl, 60 * SEC);
    assert_eq!(r.propagation, Propagation::Default);
    assert_eq!(r.endpoint_type, EndpointType::Alb);
    assert_eq!(r.control, None);
    let hc = HealthCheck {
        interval: 10 * SEC,
        ..default_health_check()
    };
    assert_eq!(hc.failure_threshold, 3);
    assert_eq!(hc.checker_regions.len(), 8);
    assert_eq!(hc.checkers_per_region, None);
    assert_eq!(hc.healthy_fraction, 0.18);
    assert!(!hc.deep);
    assert_eq!(hc.protocol, HcProtocol::Http);
    assert_eq!(
        r.records,
        vec![
            Record {
                region: 0,
                weight: 1,
                role: Some(Role::Primary),
                alias: false,
                evaluate_target_health: false,
                health_check: Some(hc.clone()),
                location: None,
                calculated: None,
                geoproximity: None,
            },
            Record {
                region: 1,
                weight: 1,
                role: Some(Role::Secondary),
                alias: false,
                evaluate_target_health: false,
                health_check: Some(hc),
                location: None,
                calculated: None,
                geoproximity: None,
            },
        ]
    );

    let ArmKind::Route53(r) = &w.arms[1].kind else {
        panic!("expected a Route 53 arm")
    };
    assert_eq!(r.policy, Policy::Weighted);
    assert_eq!(r.ttl, 30 * SEC);
    assert_eq!(r.records.len(), 2);
    for (i, rec) in r.records.iter().enumerate() {
        assert_eq!(rec.region, i);
        assert_eq!(rec.weight, 1);
        assert_eq!(rec.role, None);
        assert_eq!(rec.health_check, None);
    }
}

#[test]
fn full_workload_loads() {
    let w = load(FULL);
    assert_eq!(w.name, "full.workload_1");
    assert_eq!(w.description.as_deref(), Some("everything"));
    assert_eq!(w.simulation.seed, 42);
    assert_eq!(w.simulation.clients, 1_000_000);
    assert_eq!(w.simulation.bin, 10 * SEC);
    assert!(!w.simulation.warm_start);
    assert_eq!((w.regions[1].lat, w.regions[1].lon), (10.5, -20.0));
    assert!((w.clients.request_rate - 2.0 / 60.0).abs() < 1e-15);
    assert_eq!(
        w.clients.stub_cache,
        StubCache::Cap {
            max_ttl: 7_200 * SEC
        }
    );
    assert_eq!(w.clients.keepalive_idle, 60 * SEC);
    assert_eq!(w.clients.retries, 2);
    assert_eq!(w.clients.bytes_per_request, 1000);
    assert_eq!(w.resolvers[0].clients_per_resolver, 100);
    assert_eq!(
        w.resolvers[0].ttl,
        TtlPolicy::FloorCap {
            min: 30 * SEC,
            max: 3_600 * SEC
        }
    );
    assert_eq!(w.resolvers[1].ttl, TtlPolicy::Honor);
    assert_eq!(w.failures[0].kind, FailureKind::Hard(HardMode::Reset));
    assert_eq!(w.failures[0].recover_at, Some(2_400 * SEC));
    assert_eq!(
        w.failures[1],
        Failure {
            region: 1,
            at: 900 * SEC,
            kind: FailureKind::Drain,
            recover_at: None
        }
    );

    let fo = &w.arms[0];
    assert_eq!(
        fo.client_overrides,
        vec!["keepalive_idle".to_string(), "retries".to_string()]
    );
    assert_eq!(fo.clients.keepalive_idle, 350 * SEC);
    assert_eq!(fo.clients.retries, 1);
    assert_eq!(fo.clients.stub_cache, w.clients.stub_cache); // inherited
    assert_eq!(fo.clients.bytes_per_request, 1000);
    let ArmKind::Route53(r) = &fo.kind else {
        panic!("expected a Route 53 arm")
    };
    assert_eq!(r.propagation, Propagation::Fixed(2 * SEC));
    assert_eq!(r.endpoint_type, EndpointType::Nlb);
    // The earliest failure is us-east-1 at 10m: the control's default region.
    assert_eq!(
        r.control,
        Some(ArcControl {
            flip_at: 660 * SEC,
            region: 0,
            flip_back_at: Some(2_700 * SEC),
            at_least: None,
        })
    );
    let arm_hc = HealthCheck {
        interval: 30 * SEC,
        failure_threshold: 2,
        checker_regions: vec!["us-east-1".into(), "us-west-1".into(), "eu-west-1".into()],
        checkers_per_region: Some(4),
        healthy_fraction: 0.5,
        deep: true,
        protocol: HcProtocol::Https,
        disabled: false,
        inverted: false,
    };
    // Record 0 overrides only the interval and inherits the rest from the arm.
    assert_eq!(
        r.records[0].health_check,
        Some(HealthCheck {
            interval: 10 * SEC,
            ..arm_hc
        })
    );
    assert!(r.records[0].alias);
    assert_eq!(r.records[1].health_check, None);

    let ArmKind::Route53(r) = &w.arms[1].kind else {
        panic!("expected a Route 53 arm")
    };
    assert_eq!(r.ttl, 0);
    assert_eq!(r.records[0].weight, 255);
    assert_eq!(r.records[1].weight, 0);
    assert_eq!(w.arms[1].clients, w.clients);
}

#[test]
fn shipped_workloads_load() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../workloads");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.extension().is_some_and(|e| e == "toml") {
            let text = std::fs::read_to_string(&path).unwrap_or_default();
            if let Err(e) = parse_workload(&text) {
                panic!("{}: {e}", path.display());
            }
        }
    }
}

#[test]
fn syntax_errors_have_line_and_column_and_no_path() {
    let e = parse_workload("name = \"x\"\n[simulation\n").unwrap_err();
    assert_eq!(e.path, "");
    assert!(e.message.contains("line 2"), "{}", e.message);
    assert!(e.message.contains("column"), "{}", e.message);
    assert_eq!(e.to_string(), e.message);
}

#[test]
fn display_joins_path_and_message() {
    let e = LoadError::new("arms[1].health_check.interval", "must be 10s or 30s");
    assert_eq!(
        e.to_string(),
        "arms[1].health_check.interval: must be 10s or 30s"
    );
}

// unknown keys

#[test]
fn unknown_key_top_level() {
    let e = expect_err(
        &format!("nmae = 1\n{MINIMAL}"),
        "nmae",
        "unknown key (expected one of: actions, arms,",
    );
    assert!(
        e.message.ends_with("resolvers, simulation)"),
        "{}",
        e.message
    );
}

#[test]
fn unknown_key_nested_and_reported_before_missing_keys() {
    expect_err(
        &edit("clients = 1000", "client = 1000"),
        "simulation.client",
        "unknown key",
    );
    expect_err(
        &arm0("health_check.intervall = 3").replace("health_check = { interval = \"10s\" }\n", ""),
        "arms[0].health_check.intervall",
        "expected one of: calculated, checker_regions,",
    );
}

#[test]
fn unknown_key_in_array_of_tables() {
    expect_err(&arm1("weight = 3"), "arms[1].weight", "unknown key");
    expect_err(&resolver0("sahre = 1"), "resolvers[0].sahre", "unknown key");
    expect_err(
        &arm1(r#"records = [ { region = "us-east-1", wieght = 1 } ]"#),
        "arms[1].records[0].wieght",
        "unknown key",
    );
    expect_err(
        &format!("{MINIMAL}\n[[regions]]\nname = \"us-west-2\"\n\"odd key\" = 1\n"),
        "regions[2].\"odd key\"",
        "unknown key",
    );
}

// types

#[test]
fn wrong_types() {
    let e = expect_err(&edit("ttl = 30", "ttl = true"), "arms[1].ttl", "");
    assert_eq!(
        e.to_string(),
        "arms[1].ttl (line 34): expected a duration (seconds, or a string like \"30s\"), got a boolean"
    );
    expect_err(
        &edit("clients = 1000", "clients = \"many\""),
        "simulation.clients",
        "expected an integer, got a string",
    );
    expect_err(
        &edit("clients = 1000", "clients = 1e3"),
        "simulation.clients",
        "expected an integer, got a float",
    );
    expect_err(
        &edit("name = \"mini\"", "name = 5"),
        "name",
        "expected a string, got an integer",
    );
    expect_err(
        &edit("share = 1.0", "share = \"all\""),
        "resolvers[0].share",
        "expected a number",
    );
    expect_err(
        &format!("{MINIMAL}\narms = 3\n").replace("[[arms]]", "[[xarms]]"),
        "xarms",
        "unknown key",
    );
    expect_err(
        "name = \"x\"\nsimulation = 3\n",
        "simulation",
        "expected a table, got an integer",
    );
    expect_err(
        &resolver0("ecs = \"no\""),
        "resolvers[0].ecs",
        "expected true or false, got a string",
    );
    expect_err(
        &arm0("health_check.deep = 1").replace("health_check = { interval = \"10s\" }\n", ""),
        "arms[0].health_check.deep",
        "got an integer",
    );
    expect_err(
        &arm0("health_check = true").replace("health_check = { interval = \"10s\" }\n", ""),
        "arms[0].health_check",
        "got a boolean",
    );
    expect_err(
        &arm1("records = [ 1 ]"),
        "arms[1].records[0]",
        "expected a table, got an integer",
    );
    expect_err(
        &arm1("records = { region = \"us-east-1\" }"),
        "arms[1].records",
        "expected an array of tables",
    );
    expect_err(
        &add_after("[simulation]", "seed = 1.5"),
        "simulation.seed",
        "expected an integer",
    );
    expect_err(
        &add_after("[simulation]", "duration2 = 1"),
        "simulation.duration2",
        "unknown key",
    );
}

#[test]
fn workload_name_rules() {
    expect_err(
        &edit("name = \"mini\"", "name = \"my workload\""),
        "name",
        "only letters, digits",
    );
    expect_err(
        &edit("name = \"mini\"", "name = \"../etc\""),
        "name",
        "found '/'",
    );
    expect_err(
        &edit("name = \"mini\"", "name = \"..\""),
        "name",
        "folder names",
    );
    expect_err(
        &edit("name = \"mini\"", "name = \"\""),
        "name",
        "must not be empty",
    );
    expect_err(&edit("name = \"mini\"\n", ""), "name", "is required");
    expect_err(
        &edit("name = \"mini\"", "name = \"mini\"\ndescription = 3"),
        "description",
        "expected a string",
    );
}

#[test]
fn durations_zero_and_negative() {
    expect_err(
        &edit("duration = \"60m\"", "duration = 0"),
        "simulation.duration",
        "greater than 0s",
    );
    expect_err(
        &edit("duration = \"60m\"", "duration = \"-5m\""),
        "simulation.duration",
        "must not be negative",
    );
    expect_err(
        &edit("ttl = 30", "ttl = -1"),
        "arms[1].ttl",
        "must not be negative",
    );
    expect_err(
        &add_after("[simulation]", "bin = \"0s\""),
        "simulation.bin",
        "greater than 0s",
    );
    expect_err(
        &add_after("[simulation]", "bin = \"2h\""),
        "simulation.bin",
        "must not exceed simulation.duration",
    );
    let short =
        edit("duration = \"60m\"", "duration = \"3s\"").replace("at = \"10m\"", "at = \"1s\"");
    expect_err(&short, "simulation.bin", "default bin");
    expect_err(
        &edit("duration = \"60m\"", "duration = \"60 minutes\""),
        "simulation.duration",
        "unknown unit",
    );
}

/// Limits the engine relies on are refused as bad input, not reached as panics.
#[test]
fn region_and_record_limits_are_input_errors() {
    let custom = |n: usize| -> String {
        (0..n)
            .map(|i| format!("[[regions]]\nname = \"site{i}\"\nlat = 1.0\nlon = 2.0\n"))
            .collect()
    };
    let base = |regions: String, arm: &str| {
        format!(
            "name = \"lim\"\n[simulation]\nduration = \"10m\"\nclients = 10\n{regions}\
             [[resolvers]]\nname = \"r\"\nshare = 1.0\n[[arms]]\nname = \"a\"\n\
             kind = \"route53\"\npolicy = \"weighted\"\nttl = \"60s\"\n{arm}"
        )
    };
    expect_err(&base(custom(256), ""), "regions", "at most 255");
    let recs: Vec<String> = (0..101)
        .map(|i| format!("{{ region = \"site{i}\", weight = 1 }}"))
        .collect();
    let arm = format!("records = [{}]\n", recs.join(", "));
    expect_err(&base(custom(101), &arm), "arms[0].records", "at most 100");
    // At the limits themselves, it loads.
    let recs: Vec<String> = (0..100)
        .map(|i| format!("{{ region = \"site{i}\", weight = 1 }}"))
        .collect();
    let arm = format!("records = [{}]\n", recs.join(", "));
    assert!(parse_workload(&base(custom(255), &arm)).is_ok());
}

#[test]
fn regions() {
    expect_err(
        &edit("name = \"eu-west-1\"", "name = \"eu-mars-1\""),
        "regions[1].name",
        "unknown region code; give lat and lon",
    );
    load(&edit(
        "name = \"eu-west-1\"",
        "name = \"eu-west-1\"\nlat = 53.3\nlon = -6.3",
    )); // explicit coordinates accepted
    let custom = edit(
        "name = \"eu-west-1\"",
        "name = \"site-b\"\nlat = 1\nlon = 2",
    );
    let w = load(&custom);
    assert_eq!((w.regions[1].lat, w.regions[1].lon), (1.0, 2.0));
    expect_err(
        &edit("name = \"eu-west-1\"", "name = \"x\"\nlat = 1"),
        "regions[1].lon",
        "both or neither",
    );
    expect_err(
        &edit("name = \"eu-west-1\"", "name = \"x\"\nlat = 91\nlon = 0"),
        "regions[1].lat",
        "between -90 and 90",
    );
    expect_err(
        &edit("name = \"eu-west-1\"", "name = \"x\"\nlat = 0\nlon = 180.5"),
        "regions[1].lon",
        "between -180 and 180",
    );
    expect_err(
        &edit("name = \"eu-west-1\"", "name = \"us-east-1\""),
        "regions[1].name",
        "duplicate region",
    );
    let w = parse_workload(&edit(
        "name = \"eu-west-1\"",
        "name = \"eu-west-1\"\ncapacity_rps = 5000\noverload = { added_latency = \"50ms\", probes = \"exempt\" }",
    ))
    .unwrap();
    let cap = w.regions[1].capacity_rps.unwrap();
    assert_eq!((cap.rps, cap.at_clients), (5000.0, w.simulation.clients));
    assert_eq!((cap.added_latency, cap.shed_probes), (50_000, false));
    expect_err(
        &edit(
            "name = \"eu-west-1\"",
            "name = \"eu-west-1\"\ncapacity_rps = 5000\noverload = { probes = \"x\" }",
        ),
        "regions[1].overload.probes",
        "unknown value \"x\" (known: shed, exempt)",
    );
    expect_err(
        &edit(
            "name = \"eu-west-1\"",
            "name = \"eu-west-1\"\ncapacity_rps = 5000\noverload = { queue = \"1s\" }",
        ),
        "regions[1].overload.queue",
        "unknown key",
    );
    expect_err(
        &edit(
            "name = \"eu-west-1\"",
            "name = \"eu-west-1\"\noverload = { probes = \"shed\" }",
        ),
        "regions[1].overload",
        "needs capacity_rps",
    );
    expect_err(
        &edit(
            "name = \"eu-west-1\"",
            "name = \"eu-west-1\"\ncapacity_rps = -1",
        ),
        "regions[1].capacity_rps",
        "greater than 0",
    );
    let none = MINIMAL.replace(
        "[[regions]]\nname = \"us-east-1\"\n\n[[regions]]\nname = \"eu-west-1\"\n",
        "",
    );
    expect_err(&none, "regions", "at least one [[regions]]");
}

#[test]
fn failures() {
    expect_err(
        &edit("region = \"us-east-1\"\nat", "region = \"ap-south-1\"\nat"),
        "failures[0].region",
        "not declared in [[regions]]",
    );
    expect_err(
        &edit("at = \"10m\"", "at = \"-10m\""),
        "failures[0].at",
        "must not be negative",
    );
    expect_err(
        &edit("at = \"10m\"", "at = \"60m\""),
        "failures[0].at",
        "before the end of the simulation",
    );
    expect_err(
        &edit("kind = \"hard\"", "kind = \"hard\"\nrecover_at = \"5m\""),
        "failures[0].recover_at",
        "after at",
    );
    expect_err(
        &edit("kind = \"hard\"", "kind = \"hard\"\nrecover_at = \"10m\""),
        "failures[0].recover_at",
        "after at",
    );
    expect_err(
        &edit("kind = \"hard\"", "kind = \"hard\"\nmode = \"explode\""),
        "failures[0].mode",
        "\"blackhole\" or \"reset\"",
    );
    expect_err(
        &edit("kind = \"hard\"", "kind = \"drain\"\nmode = \"blackhole\""),
        "failures[0].mode",
        "only for kind = \"hard\"",
    );
    expect_err(
        &edit("kind = \"hard\"", "kind = \"hard\"\nerror_rate = 0.5"),
        "failures[0].error_rate",
        "brownout",
    );
    expect_err(
        &edit("kind = \"hard\"", "kind = \"meteor\""),
        "failures[0].kind",
        "\"hard\", \"drain\"",
    );
    let w = load(&edit(
        "kind = \"hard\"",
        "kind = \"brownout\"\nerror_rate = 0.5\nadded_latency = \"200ms\"",
    ));
    assert_eq!(
        w.failures[0].kind,
        FailureKind::Brownout {
            error_rate: 0.5,
            added_latency: 200_000
        }
    );
    expect_err(
        &edit("kind = \"hard\"", "kind = \"grey\""),
        "failures[0].error_rate",
        "give error_rate > 0",
    );
    expect_err(
        &edit("kind = \"hard\"", "kind = \"brownout\""),
        "failures[0].kind",
        "error_rate > 0 or added_latency > 0",
    );
    expect_err(
        &edit("kind = \"hard\"", "kind = \"brownout\"\nerror_rate = 1.5"),
        "failures[0].error_rate",
        "between 0 and 1",
    );
    expect_err(
        &edit(
            "kind = \"hard\"",
            "kind = \"brownout\"\nadded_latency = true",
        ),
        "failures[0].added_latency",
        "expected a duration",
    );
    expect_err(
        &edit("kind = \"hard\"", ""),
        "failures[0].kind",
        "is required",
    );
    let w = load(&edit(
        "kind = \"hard\"",
        "kind = \"hard\"\nmode = \"blackhole\"\nrecover_at = \"2h\"",
    ));
    assert_eq!(w.failures[0].recover_at, Some(7_200 * SEC));
}

#[test]
fn default_values_written_explicitly_are_accepted() {
    let text = resolver0(
        "placement = \"local\"\necs = false\nclients_per_resolver = 500\nttl = { mode = \"honor\" }\nprefetch = false\nserve_stale = false",
    );
    let text = format!(
        "actions = []\n{text}\n[clients]\ngeography = \"world-internet-users\"\nrequest_rate = \"1/30s\"\nstub_cache = \"none\"\napp_cache = \"none\"\nkeepalive_idle = \"0s\"\nconnect_timeout = \"3s\"\nrequest_timeout = \"10s\"\nretries = 0\nbytes_per_request = 50000\n"
    );
    let text = text
        .replace("kind = \"hard\"", "kind = \"hard\"\nmode = \"blackhole\"")
        .replace("ttl = 30", "ttl = 30\npropagation = \"default\"\nendpoint_type = \"alb\"\nrecords = [ { region = \"us-east-1\", weight = 1, alias = false, evaluate_target_health = false } ]")
        .replace("[simulation]", "[simulation]\nseed = 1\nbin = \"5s\"\nwarm_start = true");
    let w = load(&text);
    let plain = load(MINIMAL);
    assert_eq!(w.clients, plain.clients);
    assert_eq!(w.resolvers, plain.resolvers);
    assert_eq!(w.simulation, plain.simulation);
    assert_eq!(w.failures, plain.failures);
    assert_eq!(w.arms[0], plain.arms[0]);
    // The arm's records were written (one record), so only the rest is compared.
    let (ArmKind::Route53(a), ArmKind::Route53(b)) = (&w.arms[1].kind, &plain.arms[1].kind) else {
        panic!("expected Route 53 arms")
    };
    assert_eq!(
        (a.ttl, a.propagation, a.endpoint_type),
        (b.ttl, b.propagation, b.endpoint_type)
    );
    assert_eq!(a.records[0], b.records[0]);
}

/// Errors found after the schema is read (a range, a missing key) also give a line: the key's,
/// or for a missing key the line where its table starts.
#[test]
fn rule_errors_give_the_line_of_their_key() {
    let text = edit("interval = \"10s\"", "interval = \"20s\"");
    let e = expect_err(&text, "arms[0].health_check.interval", "must be 10s or 30s");
    let line = text.lines().position(|l| l.contains("\"20s\"")).unwrap() + 1;
    assert_eq!(e.line, Some(line));
    assert_eq!(
        e.to_string(),
        format!("arms[0].health_check.interval (line {line}): must be 10s or 30s")
    );
    let text = edit("ttl = 30\n", "");
    let e = expect_err(&text, "arms[1].ttl", "is required");
    let second_arm = text.match_indices("[[arms]]").nth(1).unwrap().0;
    let header = text[..second_arm].lines().count() + 1;
    let line = e.line.expect("a line");
    assert!(
        (header..=header + 1).contains(&line),
        "{e}; [[arms]] at line {header}"
    );
    // The root has no line.
    let e = expect_err(&edit("name = \"mini\"\n", ""), "name", "is required");
    assert_eq!(e.line, None);
}
