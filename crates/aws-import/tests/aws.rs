//! `import aws`: per record type, per file kind, per bad-input case; the output parses as TOML
//! and holds the expected keys.
mod common;
use aws_import::{ImportError, Product, import_aws_docs};
use common::*;

fn docs_with_extra() -> Vec<(String, String)> {
    let mut d = aws_docs();
    d.push(("more-records.json".into(), read("extra/more-records.json")));
    d.sort();
    d
}

fn import(name: &str) -> (toml::Table, String) {
    let i =
        import_aws_docs(&docs_with_extra(), &opts(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
    (parse(&i.toml), i.toml)
}

fn import_err(docs: &[(String, String)], name: &str) -> ImportError {
    match import_aws_docs(docs, &opts(name)) {
        Ok(i) => panic!("{name}: expected an error, got\n{}", i.toml),
        Err(e) => {
            assert_eq!(e.exit_code(), 2);
            e
        }
    }
}

fn records(a: &toml::Table) -> Vec<toml::Table> {
    a["records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r.as_table().unwrap().clone())
        .collect()
}

fn s<'a>(t: &'a toml::Table, k: &str) -> &'a str {
    t[k].as_str()
        .unwrap_or_else(|| panic!("{k} not a string in {t:?}"))
}

#[test]
fn world_keys_and_assumed_lines() {
    let (t, text) = import("www.example.com");
    for k in [
        "name",
        "description",
        "population",
        "simulation",
        "regions",
        "clients",
        "failures",
        "arms",
    ] {
        assert!(t.contains_key(k), "missing {k}");
    }
    let sim = t["simulation"].as_table().unwrap();
    assert!(sim.contains_key("duration") && sim.contains_key("clients"));
    for key in [
        "duration =",
        "seed =",
        "clients =",
        "population =",
        "at =",
        "region = \"eu-west-1\"    #",
    ] {
        let line = text
            .lines()
            .find(|l| l.starts_with(key))
            .unwrap_or_else(|| panic!("no line {key}"));
        assert!(line.contains("# ASSUMED: edit me"), "{line}");
    }
    // The population's own request pattern and rate (internet: sessions, which refuse a
    // written rate); the comment says how to write a Poisson stream instead.
    assert!(
        !text.lines().any(|l| l.starts_with("request_rate")),
        "{text}"
    );
    assert!(text.contains("# pattern and request_rate: the population's own"));
    // Three regions: two from the latency records, ap-southeast-1 from the accelerator.
    let regions: Vec<&str> = t["regions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap())
        .collect();
    assert_eq!(regions, ["eu-west-1", "us-east-1", "ap-southeast-1"]);
}

#[test]
fn latency_alias_records_and_load_balancers() {
    let (t, text) = import("www.example.com");
    let arms = arms(&t);
    let a = arm(&arms, "r53-latency");
    assert_eq!(s(a, "kind"), "route53");
    assert_eq!(s(a, "policy"), "latency");
    assert!(!a.contains_key("ttl"), "all alias: no ttl");
    let r = records(a);
    assert_eq!(s(&r[0], "region"), "eu-west-1");
    assert_eq!(r[0]["alias"].as_bool(), Some(true));
    assert_eq!(r[0]["evaluate_target_health"].as_bool(), Some(true));
    assert!(text.contains("set identifier \"www-use1\" (records.json: ResourceRecordSets[18])"));
    // regions[].load_balancer: us-east-1 from describe-target-groups, eu-west-1 ELB defaults.
    let regs = t["regions"].as_array().unwrap();
    let use1 = regs
        .iter()
        .find(|r| r["name"].as_str() == Some("us-east-1"))
        .unwrap();
    let lb = use1["load_balancer"].as_table().unwrap();
    assert_eq!(lb["type"].as_str(), Some("alb"));
    let hc = lb["health_check"].as_table().unwrap();
    assert_eq!(hc["interval"].as_str(), Some("10s"));
    assert_eq!(hc["healthy_threshold"].as_integer(), Some(3));
    assert_eq!(hc["unhealthy_threshold"].as_integer(), Some(2));
    assert_eq!(hc["timeout"].as_str(), Some("5s"));
    assert_eq!(hc["protocol"].as_str(), Some("http"));
    let euw1_line = text
        .lines()
        .skip_while(|l| *l != "name = \"eu-west-1\"")
        .find(|l| l.starts_with("load_balancer"))
        .unwrap();
    assert!(euw1_line.ends_with("# ASSUMED"), "{euw1_line}");
    assert!(euw1_line.contains(
        "interval = \"30s\", unhealthy_threshold = 2, healthy_threshold = 5, timeout = \"5s\""
    ));
}

#[test]
fn failover_with_health_check() {
    let (t, _) = import("api.example.com");
    let arms = arms(&t);
    let a = arm(&arms, "r53-failover");
    let r = records(a);
    assert_eq!(s(&r[0], "role"), "primary");
    assert_eq!(s(&r[1], "role"), "secondary");
    let hc = r[0]["health_check"].as_table().unwrap();
    assert_eq!(hc["interval"].as_str(), Some("30s"));
    assert_eq!(hc["failure_threshold"].as_integer(), Some(3));
    assert_eq!(hc["protocol"].as_str(), Some("https"));
    assert!(!r[1].contains_key("health_check"));
}

#[test]
fn weighted_with_checker_regions() {
    let (t, _) = import("app.example.com");
    let arms = arms(&t);
    let a = arm(&arms, "r53-weighted");
    assert_eq!(s(a, "ttl"), "60s");
    let r = records(a);
    assert_eq!(r[0]["weight"].as_integer(), Some(100));
    assert_eq!(r[1]["weight"].as_integer(), Some(0));
    let hc0 = r[0]["health_check"].as_table().unwrap();
    assert_eq!(hc0["interval"].as_str(), Some("10s"));
    assert_eq!(hc0["failure_threshold"].as_integer(), Some(2));
    let cr: Vec<&str> = hc0["checker_regions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert_eq!(cr, ["us-east-1", "us-west-2", "eu-west-1"]);
    // All eight regions = the default: no checker_regions key.
    let hc1 = r[1]["health_check"].as_table().unwrap();
    assert!(!hc1.contains_key("checker_regions"));
    assert_eq!(hc1["protocol"].as_str(), Some("tcp"));
}

#[test]
fn geolocation_records() {
    let (t, _) = import("geo.example.com");
    let arms = arms(&t);
    let r = records(arm(&arms, "r53-geolocation"));
    assert_eq!(r[0]["location"].as_str(), Some("default"));
    assert_eq!(r[1]["location"]["continent"].as_str(), Some("EU"));
    assert_eq!(r[2]["location"]["country"].as_str(), Some("US"));
    assert_eq!(r[2]["location"]["subdivision"].as_str(), Some("WA"));
}

#[test]
fn geoproximity_records() {
    let (t, _) = import("near.example.com");
    let arms = arms(&t);
    let a = arm(&arms, "r53-geoproximity");
    assert_eq!(s(a, "policy"), "geoproximity");
    let r = records(a);
    assert_eq!(r[0]["bias"].as_integer(), Some(25));
    assert!(
        !r[0].contains_key("lat") && !r[0].contains_key("aws_region"),
        "AWS region = the record's region"
    );
    assert_eq!(s(&r[1], "region"), "eu-west-1");
    assert_eq!(r[1]["lat"].as_float(), Some(53.35));
    assert_eq!(r[1]["lon"].as_float(), Some(-6.26));
    assert_eq!(r[1]["bias"].as_integer(), Some(-10));
    assert_eq!(r[2]["bias"].as_integer(), Some(0));
    assert_eq!(r[2].get("evaluate_target_health"), None);
    // The NLB alias gives ap-southeast-1 an nlb load balancer with NLB defaults.
    let regs = t["regions"].as_array().unwrap();
    let apse1 = regs
        .iter()
        .find(|r| r["name"].as_str() == Some("ap-southeast-1"))
        .unwrap();
    assert_eq!(apse1["load_balancer"]["type"].as_str(), Some("nlb"));
    assert_eq!(
        apse1["load_balancer"]["health_check"]["timeout"].as_str(),
        Some("10s")
    );
}

#[test]
fn multivalue_needs_and_uses_region_of() {
    let (t, _) = import("mv.example.com");
    let arms = arms(&t);
    let r = records(arm(&arms, "r53-multivalue"));
    assert_eq!(s(&r[0], "region"), "us-east-1");
    assert_eq!(s(&r[1], "region"), "eu-west-1");
    let mut o = opts("mv.example.com");
    o.region_of.clear();
    let e = import_aws_docs(&docs_with_extra(), &o).unwrap_err();
    assert_eq!(e.file, "records.json");
    assert_eq!(e.path, "ResourceRecordSets[13].ResourceRecords[0].Value");
    assert!(
        e.to_string().contains("--region-of 198.51.100.10=REGION"),
        "{e}"
    );
}

#[test]
fn alias_chain_inside_the_zone() {
    let (t, text) = import("edge.example.com");
    let arms = arms(&t);
    let r = records(arm(&arms, "r53-latency"));
    assert_eq!(s(&r[1], "region"), "us-east-1");
    // The chain's end (api.example.com PRIMARY) carries the health check it evaluates.
    assert_eq!(r[1]["health_check"]["protocol"].as_str(), Some("https"));
    assert!(text.contains("alias to api.example.com in the zone"));
}

#[test]
fn arc_driven_records() {
    let (t, text) = import("rc.example.com");
    let arms = arms(&t);
    let a = arm(&arms, "r53-failover");
    let c = a["control"].as_table().unwrap();
    assert_eq!(c["kind"].as_str(), Some("arc"));
    assert_eq!(c["at_least"].as_integer(), Some(1));
    assert!(c.contains_key("flip_at"));
    assert!(records(a).iter().all(|r| !r.contains_key("health_check")));
    assert!(
        text.lines()
            .any(|l| l.starts_with("control =") && l.contains("# ASSUMED: edit me"))
    );
}

#[test]
fn calculated_check_and_aaaa_comment() {
    let (t, text) = import("calc.example.com");
    let arms = arms(&t);
    let a = arm(&arms, "r53-failover");
    assert_eq!(s(a, "ttl"), "30s");
    let r = records(a);
    let calc = r[0]["health_check"]["calculated"].as_table().unwrap();
    assert_eq!(calc["threshold"].as_integer(), Some(1));
    let ch = calc["children"].as_array().unwrap();
    assert_eq!(ch.len(), 2);
    assert_eq!(ch[0]["region"].as_str(), Some("us-east-1"));
    assert_eq!(ch[1]["region"].as_str(), Some("eu-west-1"));
    assert_eq!(ch[0]["interval"].as_str(), Some("10s"));
    assert!(text.contains("# AAAA record sets of calc.example.com"));
    assert!(text.contains("calc.example.com AAAA calc-a6"));
    // No arm for the AAAA set.
    assert_eq!(
        arms.iter()
            .filter(|a| a["kind"].as_str() == Some("route53"))
            .count(),
        1
    );
}

#[test]
fn simple_wildcard_and_normalised_names() {
    // plain.example.com needs --region-of 192.0.2.77
    let mut o = opts("PLAIN.Example.com.");
    o.region_of.insert("192.0.2.77".into(), "eu-west-1".into());
    let i = import_aws_docs(&docs_with_extra(), &o).unwrap();
    let t = parse(&i.toml);
    let arms = arms(&t);
    let a = arm(&arms, "r53-latency");
    assert_eq!(s(a, "ttl"), "300s");
    assert_eq!(records(a).len(), 1);
    // \052 wildcard answers a name under it.
    let (t, text) = import("x.wild.example.com");
    assert!(text.contains("wildcard record set *.wild.example.com"));
    assert_eq!(
        s(&records(arm(&arms_of(&t), "r53-latency"))[0], "region"),
        "us-east-1"
    );
    // Case, trailing dot and dualstack. in an alias target.
    let (t, _) = import("lb.example.com");
    let r = records(arm(&arms_of(&t), "r53-latency"));
    assert_eq!(s(&r[0], "region"), "us-east-1");
    assert_eq!(r[0]["alias"].as_bool(), Some(true));
}

fn arms_of(t: &toml::Table) -> Vec<toml::Table> {
    arms(t)
}

#[test]
fn plain_ip_without_region_refused() {
    let mut o = opts("plain.example.com");
    o.region_of.clear();
    let e = import_aws_docs(&docs_with_extra(), &o).unwrap_err();
    assert_eq!(e.file, "more-records.json");
    assert!(e.path.starts_with("ResourceRecordSets[10]"), "{e}");
    assert!(e.message.contains("plain.example.com A"), "{e}");
}

#[test]
fn ga_arm_from_listener() {
    let (t, _) = import("ga.example.com");
    let arms = arms(&t);
    assert!(
        !arms.iter().any(|a| a["kind"].as_str() == Some("route53")),
        "alias to GA: no Route 53 arm"
    );
    let a = arm(&arms, "ga-shop-accelerator");
    assert_eq!(s(a, "kind"), "global-accelerator");
    assert_eq!(s(a, "endpoint_type"), "alb");
    assert_eq!(s(a, "client_affinity"), "source-ip");
    assert_eq!(a["health_check"]["interval"].as_str(), Some("30s"));
    assert_eq!(a["health_check"]["threshold"].as_integer(), Some(3));
    let g = a["endpoint_groups"].as_array().unwrap();
    assert_eq!(g.len(), 3);
    assert_eq!(g[0]["region"].as_str(), Some("us-east-1"));
    assert_eq!(g[0]["traffic_dial"].as_integer(), Some(100));
    assert_eq!(g[2]["traffic_dial"].as_integer(), Some(0));
    let e = g[2]["endpoints"].as_array().unwrap();
    assert_eq!(e[0]["type"].as_str(), Some("ec2"));
    assert_eq!(e[0]["weight"].as_integer(), Some(200));
    assert_eq!(e[1]["type"].as_str(), Some("eip"));
    assert_eq!(g[2]["health_check"]["protocol"].as_str(), Some("https"));
    assert_eq!(g[2]["health_check"]["interval"].as_str(), Some("10s"));
    assert!(g[0].get("health_check").is_none());
}

#[test]
fn compare_adds_the_other_product() {
    let i = import_aws_docs(
        &docs_with_extra(),
        &with_compare(opts("api.example.com"), Product::GlobalAccelerator),
    )
    .unwrap();
    let t = parse(&i.toml);
    let arms = arms(&t);
    let g = arm(&arms, "ga-compare");
    assert_eq!(s(g, "endpoint_type"), "alb");
    let regions: Vec<&str> = g["endpoint_groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["region"].as_str().unwrap())
        .collect();
    assert_eq!(regions, ["us-east-1", "eu-west-1"]);
    assert!(
        i.toml
            .contains("# ASSUMED: edit me — this arm is not in the files read (--compare)")
    );
    let i = import_aws_docs(
        &docs_with_extra(),
        &with_compare(opts("ga.example.com"), Product::Route53),
    )
    .unwrap();
    let t = parse(&i.toml);
    let arms = arms_of(&t);
    let r = arm(&arms, "r53-latency-compare");
    let recs = records(r);
    assert_eq!(recs.len(), 3);
    assert_eq!(recs[0]["alias"].as_bool(), Some(true));
    assert_eq!(
        recs[2].get("alias"),
        None,
        "ap-southeast-1 has ec2/eip endpoints, no load balancer"
    );
    assert_eq!(s(r, "ttl"), "60s");
}

#[test]
fn output_is_deterministic() {
    let a = import_aws_docs(&docs_with_extra(), &opts("api.example.com")).unwrap();
    let mut rev = docs_with_extra();
    rev.reverse();
    let mut b_docs = rev.clone();
    b_docs.sort();
    let b = import_aws_docs(&b_docs, &opts("api.example.com")).unwrap();
    assert_eq!(a, b);
}

// ---- file kinds -------------------------------------------------------------------------

#[test]
fn single_object_documents() {
    // get-health-check, describe-endpoint-group, describe-safety-rule, associated checks.
    let docs = vec![
        ("a.json".to_string(), read("aws/records.json")),
        ("b.json".to_string(), read("single/get-health-check.json")),
        (
            "c.json".to_string(),
            read("single/describe-endpoint-group.json"),
        ),
        (
            "d.json".to_string(),
            read("single/describe-safety-rule.json"),
        ),
        (
            "e.json".to_string(),
            read("single/associated-health-checks.json"),
        ),
        (
            "f.json".to_string(),
            read("single/health-check-status.json"),
        ),
        ("g.json".to_string(), read("aws/listeners.json")),
        ("h.json".to_string(), read("aws/zone.json")),
    ];
    let i = import_aws_docs(&docs, &opts("api.example.com")).unwrap();
    let t = parse(&i.toml);
    let arms = arms(&t);
    assert_eq!(
        records(arm(&arms, "r53-failover"))[0]["health_check"]["protocol"].as_str(),
        Some("https")
    );
    let g = arm(&arms, "ga-accelerator");
    assert_eq!(g["endpoint_groups"].as_array().unwrap().len(), 1);
    assert!(i.toml.contains("accelerator (not in the files read)"));
}

#[test]
fn file_kind_is_the_top_level_key_not_the_name() {
    let mut d = docs_with_extra();
    for (n, _) in d.iter_mut() {
        *n = format!("x-{}", n.len()) + n;
    }
    d.sort();
    assert!(import_aws_docs(&d, &opts("www.example.com")).is_ok());
}

#[test]
fn unrecognised_and_terraform_documents_refused() {
    let e = import_err(
        &replace(&aws_docs(), "odd.json", r#"{"Foo": []}"#),
        "www.example.com",
    );
    assert_eq!(e.file, "odd.json");
    assert!(e.message.contains("top-level keys: Foo"), "{e}");
    let e = import_err(
        &replace(&aws_docs(), "tf.json", &read("terraform/state.json")),
        "www.example.com",
    );
    assert!(e.message.contains("import terraform"), "{e}");
    let e = import_err(
        &replace(&aws_docs(), "cfn.json", &read("single/cloudformation.json")),
        "www.example.com",
    );
    assert_eq!(e.file, "cfn.json");
    let e = import_err(
        &replace(&aws_docs(), "arr.json", "[1, 2]"),
        "www.example.com",
    );
    assert!(e.message.contains("expected an object"), "{e}");
}

// ---- bad input --------------------------------------------------------------------------

#[test]
fn malformed_json() {
    let e = import_err(
        &replace(&aws_docs(), "records.json", "{\"ResourceRecordSets\": [ {"),
        "www.example.com",
    );
    assert_eq!(e.file, "records.json");
    assert!(e.message.contains("not valid JSON (line 1"), "{e}");
}

#[test]
fn wrong_type_names_the_path() {
    let text = read("aws/records.json").replacen("\"Weight\": 100", "\"Weight\": \"100\"", 1);
    let e = import_err(
        &replace(&aws_docs(), "records.json", &text),
        "app.example.com",
    );
    assert_eq!(
        e.to_string(),
        "records.json: ResourceRecordSets[5].Weight: expected an integer, got a string"
    );
}

#[test]
fn geoproximity_bias_out_of_range() {
    let text = read("extra/more-records.json").replacen("\"Bias\": 25", "\"Bias\": 120", 1);
    let e = import_err(
        &replace(&docs_with_extra(), "more-records.json", &text),
        "near.example.com",
    );
    assert_eq!(
        e.to_string(),
        "more-records.json: ResourceRecordSets[0].GeoProximityLocation.Bias: must be in -99..=99, got 120"
    );
}

#[test]
fn truncated_listings_refused() {
    let e = import_err(
        &replace(
            &aws_docs(),
            "records.json",
            &read("single/records-no-paginate.json"),
        ),
        "api.example.com",
    );
    assert_eq!(e.file, "records.json");
    assert!(e.path == "NextRecordName" || e.path == "IsTruncated", "{e}");
    for (file, key, text) in [
        (
            "health-checks.json",
            "NextMarker",
            r#"{"HealthChecks": [], "IsTruncated": false, "NextMarker": "x"}"#,
        ),
        (
            "endpoint-groups.json",
            "NextToken",
            r#"{"EndpointGroups": [], "NextToken": "eyJ4IjoxfQ=="}"#,
        ),
        (
            "health-checks.json",
            "IsTruncated",
            r#"{"HealthChecks": [], "IsTruncated": true}"#,
        ),
    ] {
        let e = import_err(&replace(&aws_docs(), file, text), "www.example.com");
        assert_eq!((e.file.as_str(), e.path.as_str()), (file, key), "{e}");
        assert!(e.message.contains("partial"), "{e}");
    }
    // IsTruncated: false alone is a complete listing.
    let ok = replace(
        &aws_docs(),
        "health-checks2.json",
        r#"{"HealthChecks": [], "IsTruncated": false}"#,
    );
    assert!(import_aws_docs(&ok, &opts("www.example.com")).is_ok());
}

#[test]
fn unknown_health_check_id() {
    let e = import_err(&docs_with_extra(), "lost.example.com");
    assert_eq!(e.file, "more-records.json");
    assert_eq!(e.path, "ResourceRecordSets[9].HealthCheckId");
    assert!(e.message.contains("00000000dead"), "{e}");
    // A calculated check's missing child names the child list.
    let hc = read("aws/health-checks.json").replace(
        "\"11111111-aaaa-4bbb-8ccc-000000000003\"\n        ]",
        "\"11111111-aaaa-4bbb-8ccc-0000000000ff\"\n        ]",
    );
    let e = import_err(
        &replace(&docs_with_extra(), "health-checks.json", &hc),
        "calc.example.com",
    );
    assert_eq!(
        e.path, "HealthChecks[3].HealthCheckConfig.ChildHealthChecks[1]",
        "{e}"
    );
}

#[test]
fn unknown_region() {
    let text = read("aws/records.json").replacen(
        "\"Region\": \"eu-west-1\"",
        "\"Region\": \"xx-nowhere-9\"",
        1,
    );
    let e = import_err(
        &replace(&aws_docs(), "records.json", &text),
        "www.example.com",
    );
    assert_eq!(
        e.to_string(),
        "records.json: ResourceRecordSets[17].Region: unknown region \"xx-nowhere-9\""
    );
    let text = read("aws/endpoint-groups.json").replacen("\"us-east-1\"", "\"mars-1\"", 1);
    let e = import_err(
        &replace(&aws_docs(), "endpoint-groups.json", &text),
        "ga.example.com",
    );
    assert_eq!(e.path, "EndpointGroups[0].EndpointGroupRegion");
    let mut o = opts("www.example.com");
    o.region_of.insert("192.0.2.1".into(), "moon-1".into());
    assert_eq!(
        import_aws_docs(&aws_docs(), &o).unwrap_err().path,
        "--region-of"
    );
}

#[test]
fn unsupported_records_refused() {
    for (name, needle, path) in [
        (
            "cidr.example.com",
            "IP-based (CIDR) routing: not supported yet",
            "ResourceRecordSets[6]",
        ),
        (
            "flow.example.com",
            "records made by a Traffic Flow policy: not supported yet",
            "ResourceRecordSets[7].TrafficPolicyInstanceId",
        ),
        (
            "cw.example.com",
            "CLOUDWATCH_METRIC (CloudWatch alarm) checks: not supported yet",
            "HealthChecks[6].HealthCheckConfig.Type",
        ),
    ] {
        let e = import_err(&docs_with_extra(), name);
        assert!(e.message.contains(needle), "{name}: {e}");
        assert_eq!(e.path, path, "{name}: {e}");
    }
    let e = import_err(&docs_with_extra(), "cidr.example.com");
    assert!(
        e.message
            .contains("cidr.example.com A, set identifier \"office\""),
        "{e}"
    );
}

#[test]
fn bad_health_check_settings() {
    let hc = read("aws/health-checks.json").replacen(
        "\"RequestInterval\": 10",
        "\"RequestInterval\": 20",
        1,
    );
    let e = import_err(
        &replace(&aws_docs(), "health-checks.json", &hc),
        "www.example.com",
    );
    assert_eq!(
        e.to_string(),
        "health-checks.json: HealthChecks[1].HealthCheckConfig.RequestInterval: must be 10 or 30, got 20"
    );
    let hc = read("aws/health-checks.json").replacen(
        "\"us-west-2\", \"eu-west-1\"]",
        "\"us-west-2\", \"eu-west-9\"]",
        1,
    );
    let e = import_err(
        &replace(&aws_docs(), "health-checks.json", &hc),
        "www.example.com",
    );
    assert_eq!(e.path, "HealthChecks[1].HealthCheckConfig.Regions[2]");
}

#[test]
fn nothing_to_import() {
    let e = import_err(
        &[("r.json".into(), read("aws/records.json"))],
        "nope.example.com",
    );
    assert_eq!(e.path, "--name");
    assert!(e.message.contains("api.example.com"), "{e}");
    let e = import_aws_docs(&[], &opts("x.example.com")).unwrap_err();
    assert_eq!(e.exit_code(), 2);
}

#[test]
fn reads_a_directory() {
    let o = opts("www.example.com");
    let i = aws_import::import_aws_dir(&fixtures().join("aws"), &o).unwrap();
    assert_eq!(i, import_aws_docs(&aws_docs(), &o).unwrap());
    let e = aws_import::import_aws_dir(&fixtures().join("no-such-dir"), &o).unwrap_err();
    assert!(e.message.contains("cannot read the folder"), "{e}");
}

#[test]
fn routing_control_state_off_and_single_state_document() {
    let states = read("aws/arc-states.json").replacen(
        "\"RoutingControlState\": \"On\"",
        "\"RoutingControlState\": \"Off\"",
        1,
    );
    let i = import_aws_docs(
        &replace(&docs_with_extra(), "arc-states.json", &states),
        &opts("rc.example.com"),
    )
    .unwrap();
    assert!(
        i.notes
            .iter()
            .any(|n| n.contains("\"use1-cell\"") && n.contains("is Off now")),
        "{:?}",
        i.notes
    );
    // get-routing-control-state: a single state document.
    let one = r#"{"RoutingControlArn": "arn:aws:route53-recovery-control::111122223333:controlpanel/0123456789abcdef0123456789abcdef/routingcontrol/bbbb444455556666", "RoutingControlName": "euw1-cell", "RoutingControlState": "Off"}"#;
    let i = import_aws_docs(
        &replace(&docs_with_extra(), "state-euw1.json", one),
        &opts("rc.example.com"),
    )
    .unwrap();
    assert!(
        i.notes
            .iter()
            .any(|n| n.contains("\"euw1-cell\"") && n.contains("is Off now")),
        "{:?}",
        i.notes
    );
    let bad = one.replace("\"Off\"", "\"Maybe\"");
    let e = import_err(
        &replace(&docs_with_extra(), "state-euw1.json", &bad),
        "rc.example.com",
    );
    assert_eq!(e.path, "RoutingControlState");
    // Without the safety rules, no at_least.
    let d: Vec<_> = docs_with_extra()
        .into_iter()
        .filter(|(n, _)| n != "arc-safety-rules.json")
        .collect();
    let t = parse(&import_aws_docs(&d, &opts("rc.example.com")).unwrap().toml);
    assert!(
        arm(&arms(&t), "r53-failover")["control"]
            .get("at_least")
            .is_none()
    );
}

#[test]
fn inverted_and_disabled_checks() {
    let hc = read("aws/health-checks.json")
        .replacen("\"Inverted\": false", "\"Inverted\": true", 1)
        .replacen("\"Disabled\": false", "\"Disabled\": true", 1);
    let i = import_aws_docs(
        &replace(&aws_docs(), "health-checks.json", &hc),
        &opts("api.example.com"),
    )
    .unwrap();
    let t = parse(&i.toml);
    let hc = records(arm(&arms(&t), "r53-failover"))[0]["health_check"]
        .as_table()
        .unwrap()
        .clone();
    assert_eq!(hc["inverted"].as_bool(), Some(true));
    assert_eq!(hc["disabled"].as_bool(), Some(true));
}

#[test]
fn gateway_and_unknown_endpoints_refused() {
    let epg = read("aws/endpoint-groups.json").replacen(
        "loadbalancer/app/shop-alb/50dc6c495c0c9188",
        "loadbalancer/gwy/gw/1",
        1,
    );
    let e = import_err(
        &replace(&aws_docs(), "endpoint-groups.json", &epg),
        "www.example.com",
    );
    assert_eq!(
        e.path,
        "EndpointGroups[0].EndpointDescriptions[0].EndpointId"
    );
    assert!(e.message.contains("not supported yet"), "{e}");
    let epg = read("aws/endpoint-groups.json").replacen("i-0123456789abcdef0", "lambda-x", 1);
    let e = import_err(
        &replace(&aws_docs(), "endpoint-groups.json", &epg),
        "www.example.com",
    );
    assert_eq!(
        e.path,
        "EndpointGroups[2].EndpointDescriptions[0].EndpointId"
    );
    // An ALB endpoint in another region than its group.
    let epg = read("aws/endpoint-groups.json").replacen(
        "elasticloadbalancing:us-east-1",
        "elasticloadbalancing:eu-west-2",
        1,
    );
    let e = import_err(
        &replace(&aws_docs(), "endpoint-groups.json", &epg),
        "www.example.com",
    );
    assert!(e.message.contains("endpoint group is in us-east-1"), "{e}");
}

#[test]
fn describe_forms_of_each_listing() {
    // describe-accelerator / describe-listener / describe-routing-control / describe-cluster:
    // the single-object forms of the listings.
    let one = |file: &str, list: &str, single: &str| -> String {
        let v: serde_json::Value = serde_json::from_str(&read(file)).unwrap();
        serde_json::json!({ single: v[list][0].clone() }).to_string()
    };
    let mut d: Vec<(String, String)> = aws_docs()
        .into_iter()
        .filter(|(n, _)| {
            ![
                "accelerators.json",
                "listeners.json",
                "arc-routing-controls.json",
                "arc-clusters.json",
            ]
            .contains(&n.as_str())
        })
        .collect();
    d.push((
        "a.json".into(),
        one("aws/accelerators.json", "Accelerators", "Accelerator"),
    ));
    d.push((
        "l.json".into(),
        one("aws/listeners.json", "Listeners", "Listener"),
    ));
    d.push((
        "r.json".into(),
        one(
            "aws/arc-routing-controls.json",
            "RoutingControls",
            "RoutingControl",
        ),
    ));
    d.push((
        "c.json".into(),
        one("aws/arc-clusters.json", "Clusters", "Cluster"),
    ));
    d.sort();
    let i = import_aws_docs(&d, &opts("rc.example.com")).unwrap();
    let t = parse(&i.toml);
    let arms = arms(&t);
    assert!(
        arms.iter()
            .any(|a| a["name"].as_str() == Some("ga-shop-accelerator"))
    );
    assert!(arm(&arms, "r53-failover").contains_key("control"));
}
