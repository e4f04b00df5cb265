//! `import terraform`: state, plan as a second arm, unknown-until-apply values, bad input.
mod common;
use aws_import::{ImportError, Product, import_terraform_docs};
use common::*;

fn state() -> String {
    read("terraform/state.json")
}

fn tf(name: &str, plan: Option<&str>) -> Result<aws_import::Imported, ImportError> {
    let st = state();
    let pl = plan.map(read);
    import_terraform_docs(
        ("state.json", &st),
        pl.as_deref().map(|p| ("plan.json", p)),
        &opts(name),
    )
}

fn records(a: &toml::Table) -> Vec<toml::Table> {
    a["records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r.as_table().unwrap().clone())
        .collect()
}

#[test]
fn state_resources_become_arms() {
    let i = tf("api.example.com", None).unwrap();
    let t = parse(&i.toml);
    let arms = arms(&t);
    // The state holds only the PRIMARY of the failover set: a one-record arm (always answered).
    let a = arm(&arms, "r53-latency");
    let r = records(a);
    assert_eq!(r.len(), 1);
    assert_eq!(r[0].get("role"), None);
    assert!(i.toml.contains("a failover set with only one record"));
    assert_eq!(r[0]["alias"].as_bool(), Some(true));
    assert_eq!(r[0]["health_check"]["protocol"].as_str(), Some("https"));
    assert!(
        i.toml
            .contains("(state.json: aws_route53_record.api_primary)"),
        "provenance by resource address"
    );
    let g = arm(&arms, "ga-shop-accelerator");
    assert_eq!(g["client_affinity"].as_str(), Some("source-ip"));
    assert_eq!(g["endpoint_groups"].as_array().unwrap().len(), 1);
}

#[test]
fn child_module_record_and_weighted() {
    let i = tf("www.example.com", None).unwrap();
    let t = parse(&i.toml);
    let a = arm(&arms(&t), "r53-latency").clone();
    assert_eq!(records(&a)[0]["region"].as_str(), Some("eu-west-1"));
    assert!(
        i.toml
            .contains("module.edge.aws_route53_record.www[\\\"eu-west-1\\\"]")
            || i.toml
                .contains("module.edge.aws_route53_record.www[\"eu-west-1\"]")
    );
    // The state's app_site_a refers to a health check the state does not hold: refused...
    let e = tf("app.example.com", None).unwrap_err();
    assert_eq!(e.path, "aws_route53_record.app_site_a.health_check_id");
    assert!(e.message.contains("aws_route53_health_check"), "{e}");
    // ...and without it, a weighted arm.
    let st = state().replacen(
        "\"health_check_id\": \"11111111-aaaa-4bbb-8ccc-000000000002\"",
        "\"health_check_id\": \"\"",
        1,
    );
    let i = import_terraform_docs(("state.json", &st), None, &opts("app.example.com")).unwrap();
    let t = parse(&i.toml);
    let a = arm(&arms(&t), "r53-weighted").clone();
    assert_eq!(a["ttl"].as_str(), Some("60s"));
    assert_eq!(records(&a)[0]["weight"].as_integer(), Some(100));
}

#[test]
fn plan_is_a_second_arm() {
    let i = tf("api.example.com", Some("terraform/plan.json")).unwrap();
    let t = parse(&i.toml);
    let arms = arms(&t);
    let now = arm(&arms, "r53-latency");
    assert_eq!(records(now).len(), 1);
    let planned = arm(&arms, "r53-failover-planned");
    let r = records(planned);
    assert_eq!(r.len(), 2);
    let sec = r
        .iter()
        .find(|x| x["role"].as_str() == Some("secondary"))
        .unwrap();
    assert_eq!(sec["region"].as_str(), Some("eu-west-1"));
    // health_check_id unknown until apply: resolved through the configuration reference.
    assert_eq!(sec["health_check"]["interval"].as_str(), Some("10s"));
    assert_eq!(
        sec["health_check"]["failure_threshold"].as_integer(),
        Some(2)
    );
    assert!(
        arms.iter()
            .any(|a| a["name"].as_str() == Some("ga-shop-accelerator-planned"))
    );
    assert!(
        i.toml
            .contains("the planned configuration (terraform plan)")
    );
}

#[test]
fn plan_with_a_new_load_balancer() {
    let i = tf("www.example.com", Some("terraform/plan-new-alb.json")).unwrap();
    let t = parse(&i.toml);
    let arms = arms(&t);
    let planned = arm(&arms, "r53-latency-planned");
    let r = records(planned);
    let apse1 = r
        .iter()
        .find(|x| x["region"].as_str() == Some("ap-southeast-1"))
        .expect("new record");
    assert_eq!(apse1["alias"].as_bool(), Some(true));
    assert_eq!(apse1["evaluate_target_health"].as_bool(), Some(true));
    // Its load balancer: region from the provider configuration, health check from the new
    // target group found through the new listener's references: not assumed.
    let regs = t["regions"].as_array().unwrap();
    let reg = regs
        .iter()
        .find(|r| r["name"].as_str() == Some("ap-southeast-1"))
        .unwrap();
    let lb = reg["load_balancer"].as_table().unwrap();
    assert_eq!(lb["type"].as_str(), Some("alb"));
    assert_eq!(lb["health_check"]["interval"].as_str(), Some("15s"));
    assert_eq!(lb["health_check"]["timeout"].as_str(), Some("6s"));
    assert_eq!(
        lb["health_check"]["unhealthy_threshold"].as_integer(),
        Some(3)
    );
    // The GA endpoint group created with the LB's ARN unknown until apply.
    let ga = arm(&arms, "ga-shop-accelerator-planned");
    let groups = ga["endpoint_groups"].as_array().unwrap();
    let g = groups
        .iter()
        .find(|g| g["region"].as_str() == Some("ap-southeast-1"))
        .unwrap();
    assert_eq!(g["traffic_dial"].as_integer(), Some(50));
    // One ALB endpoint at the default weight: no endpoints key, the arm's endpoint_type.
    assert!(g.get("endpoints").is_none());
    assert_eq!(ga["endpoint_type"].as_str(), Some("alb"));
    assert!(
        i.toml
            .contains("aws_globalaccelerator_endpoint_group.apse1")
    );
}

#[test]
fn unresolvable_unknown_refused_by_address() {
    let mut p: serde_json::Value =
        serde_json::from_str(&read("terraform/plan-new-alb.json")).unwrap();
    p.as_object_mut().unwrap().remove("configuration");
    let pl = p.to_string();
    let st = state();
    let e = import_terraform_docs(
        ("state.json", &st),
        Some(("plan.json", &pl)),
        &opts("www.example.com"),
    )
    .unwrap_err();
    assert_eq!(e.file, "plan.json");
    assert_eq!(e.path, "aws_route53_record.www_apse1.alias[0].name", "{e}");
    assert!(e.message.contains("unknown until apply"), "{e}");
    assert_eq!(e.exit_code(), 2);
}

#[test]
fn compare_on_terraform() {
    let st = state();
    let o = with_compare(opts("api.example.com"), Product::GlobalAccelerator);
    let i = import_terraform_docs(("state.json", &st), None, &o).unwrap();
    let t = parse(&i.toml);
    assert!(
        arms(&t)
            .iter()
            .any(|a| a["name"].as_str() == Some("ga-compare"))
    );
}

#[test]
fn bad_terraform_input() {
    let st = state();
    let o = opts("api.example.com");
    let cases: Vec<(String, &str, &str)> = vec![
        (
            st.replacen(
                "\"format_version\": \"1.0\"",
                "\"format_version\": \"2.0\"",
                1,
            ),
            "format_version",
            "only major version 1",
        ),
        (
            r#"{"version": 4, "lineage": "x", "resources": []}"#.into(),
            "",
            "raw terraform.tfstate",
        ),
        (
            st.replacen("\"ttl\": 60", "\"ttl\": \"sixty\"", 1),
            "aws_route53_record.app_site_a.ttl",
            "expected an integer",
        ),
        (
            st.replacen("\"request_interval\": 30", "\"request_interval\": 20", 1),
            "aws_route53_health_check.api_use1.request_interval",
            "must be 10 or 30",
        ),
        (
            st.replacen(
                "\"weighted_routing_policy\": [{\"weight\": 100}]",
                "\"weighted_routing_policy\": [{\"weight\": 300}]",
                1,
            ),
            "aws_route53_record.app_site_a.weighted_routing_policy[0].weight",
            "must be in 0..=255",
        ),
        ("{".into(), "", "not valid JSON"),
    ];
    for (text, path, needle) in cases {
        let e = import_terraform_docs(("state.json", &text), None, &opts("app.example.com"))
            .unwrap_err();
        assert_eq!(e.path, path, "{e}");
        assert!(e.message.contains(needle), "{e}");
        assert_eq!(e.file, "state.json");
    }
    // A plan given as the state, a state given as the plan.
    let pl = read("terraform/plan.json");
    let e = import_terraform_docs(("plan.json", &pl), None, &o).unwrap_err();
    assert!(e.message.contains("--plan"), "{e}");
    let e = import_terraform_docs(("state.json", &st), Some(("p.json", &st)), &o).unwrap_err();
    assert!(e.message.contains("not a plan"), "{e}");
    // Unknown health check ID in the state.
    let text = st.replacen(
        "\"health_check_id\": \"11111111-aaaa-4bbb-8ccc-000000000002\"",
        "\"health_check_id\": \"nope\"",
        1,
    );
    let e =
        import_terraform_docs(("state.json", &text), None, &opts("app.example.com")).unwrap_err();
    assert_eq!(
        e.path, "aws_route53_record.app_site_a.health_check_id",
        "{e}"
    );
}

#[test]
fn reads_files() {
    let dir = fixtures().join("terraform");
    let i = aws_import::import_terraform(
        &dir.join("state.json"),
        Some(&dir.join("plan.json")),
        &opts("api.example.com"),
    )
    .unwrap();
    assert!(i.toml.contains("r53-failover-planned"));
    let e = aws_import::import_terraform(&dir.join("missing.json"), None, &opts("api.example.com"))
        .unwrap_err();
    assert!(e.message.contains("cannot read"), "{e}");
}

#[test]
fn terraform_health_check_attribute_names() {
    let st = state()
        .replacen("\"invert_healthcheck\": false", "\"invert_healthcheck\": true", 1)
        .replacen("\"regions\": [],\n            \"request_interval\": 30", "\"regions\": [\"sa-east-1\", \"us-east-1\", \"eu-west-1\"],\n            \"request_interval\": 10", 1);
    let i = import_terraform_docs(("state.json", &st), None, &opts("api.example.com")).unwrap();
    let t = parse(&i.toml);
    let r = records(arm(&arms(&t), "r53-latency"));
    let hc = r[0]["health_check"].as_table().unwrap();
    assert_eq!(hc["inverted"].as_bool(), Some(true));
    assert_eq!(hc["interval"].as_str(), Some("10s"));
    // Set order does not matter: the documented order is written.
    let cr: Vec<&str> = hc["checker_regions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert_eq!(cr, ["us-east-1", "eu-west-1", "sa-east-1"]);
}

#[test]
fn terraform_geoproximity_block() {
    let mut v: serde_json::Value = serde_json::from_str(&state()).unwrap();
    let res = v["values"]["root_module"]["resources"]
        .as_array_mut()
        .unwrap();
    let rec = res
        .iter_mut()
        .find(|r| r["address"] == "aws_route53_record.app_site_a")
        .unwrap();
    rec["values"]["weighted_routing_policy"] = serde_json::json!([]);
    rec["values"]["health_check_id"] = serde_json::json!("");
    rec["values"]["geoproximity_routing_policy"] = serde_json::json!([{"aws_region": "", "bias": 5, "local_zone_group": "",
        "coordinates": [{"latitude": "47.6", "longitude": "-122.3"}]}]);
    let st = v.to_string();
    let i = import_terraform_docs(("state.json", &st), None, &opts("app.example.com")).unwrap();
    let t = parse(&i.toml);
    let a = arm(&arms(&t), "r53-geoproximity").clone();
    let r = records(&a);
    assert_eq!(r[0]["lat"].as_float(), Some(47.6));
    assert_eq!(r[0]["lon"].as_float(), Some(-122.3));
    assert_eq!(r[0]["bias"].as_integer(), Some(5));
    // Bias out of range names the attribute path.
    let st = st.replace("\"bias\":5", "\"bias\":-100");
    let e = import_terraform_docs(("state.json", &st), None, &opts("app.example.com")).unwrap_err();
    assert_eq!(
        e.path, "aws_route53_record.app_site_a.geoproximity_routing_policy[0].bias",
        "{e}"
    );
}
