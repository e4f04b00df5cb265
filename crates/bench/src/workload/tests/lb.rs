//! Loader tests: `regions[].load_balancer` (one target-health timeline per region) and the
//! moved GA arm key `lb_health_check`.

use sim_engine::config::{LbKind, ModelParams};

use super::*;

/// MINIMAL's weighted arm replaced by a GA arm with `extra` keys, and `lb` as the first
/// region's extra keys.
fn with_ga(extra: &str, lb: &str) -> String {
    MINIMAL
        .replace(
            "name = \"r53-weighted\"\nkind = \"route53\"\npolicy = \"weighted\"\nttl = 30",
            &format!("name = \"ga\"\nkind = \"global-accelerator\"\n{extra}"),
        )
        .replacen(
            "[[regions]]\nname = \"us-east-1\"\n",
            &format!("[[regions]]\nname = \"us-east-1\"\n{lb}\n"),
            1,
        )
}

fn params(text: &str) -> ModelParams {
    let w = parse_workload(text).unwrap();
    ModelParams::of(&w)
}

/// Written keys apply over ELB's documented defaults; the timeout default follows the type
/// and protocol (NLB TCP 10 s, NLB HTTP 6 s, ALB 5 s); absent type: nlb when a GA arm reaches
/// the region through nlb, else alb.
#[test]
fn load_balancer_keys_apply_over_documented_defaults() {
    let p = params(&with_ga("", ""));
    assert_eq!(p.load_balancers[0].kind, LbKind::Alb);
    assert_eq!(p.load_balancers[0].health_check.timeout, 5 * SEC);
    let p = params(&with_ga("endpoint_type = \"nlb\"", ""));
    assert_eq!(p.load_balancers[0].kind, LbKind::Nlb);
    assert_eq!(p.load_balancers[0].health_check.timeout, 10 * SEC);
    let p = params(&with_ga(
        "endpoint_type = \"nlb\"",
        "load_balancer = { type = \"nlb\", health_check = { protocol = \"http\" } }",
    ));
    assert_eq!(p.load_balancers[0].health_check.timeout, 6 * SEC);
    let p = params(&with_ga(
        "",
        "load_balancer = { idle_timeout = \"120s\", health_check = { interval = \"5s\", \
         timeout = \"2s\", unhealthy_threshold = 3, healthy_threshold = 2, deep = true } }",
    ));
    let lb = &p.load_balancers[0];
    assert_eq!(lb.idle_timeout, 120 * SEC);
    assert_eq!(lb.health_check.interval, 5 * SEC);
    assert_eq!(lb.health_check.timeout, 2 * SEC);
    assert_eq!(lb.health_check.unhealthy_threshold, 3);
    assert_eq!(lb.health_check.healthy_threshold, 2);
    assert!(lb.health_check.deep);
    // The second region keeps the defaults.
    assert_eq!(p.load_balancers[1].health_check.interval, 30 * SEC);
}

#[test]
fn ga_endpoint_type_disagreeing_with_the_region_is_refused() {
    expect_err(
        &with_ga(
            "endpoint_type = \"alb\"",
            "load_balancer = { type = \"nlb\" }",
        ),
        "arms[1].endpoint_type",
        "regions[0].load_balancer.type",
    );
}

#[test]
fn lb_health_check_on_a_ga_arm_is_refused_naming_the_new_key() {
    for value in ["{ interval = \"30s\" }", "{}"] {
        expect_err(
            &with_ga(&format!("lb_health_check = {value}"), ""),
            "arms[1].lb_health_check",
            "load_balancer.health_check",
        );
    }
}

#[test]
fn lb_timeout_not_below_the_interval_is_refused() {
    expect_err(
        &with_ga(
            "",
            "load_balancer = { health_check = { interval = \"10s\", timeout = \"10s\" } }",
        ),
        "regions[0].load_balancer.health_check.timeout",
        "less than health_check.interval",
    );
    expect_err(
        &with_ga(
            "",
            "load_balancer = { health_check = { interval = \"1s\" } }",
        ),
        "regions[0].load_balancer.health_check.interval",
        "5 s to 300 s",
    );
    expect_err(
        &with_ga(
            "",
            "load_balancer = { health_check = { unhealthy_threshold = 1 } }",
        ),
        "regions[0].load_balancer.health_check.unhealthy_threshold",
        "",
    );
}

#[test]
fn alb_checked_with_tcp_is_refused() {
    expect_err(
        &with_ga(
            "",
            "load_balancer = { type = \"alb\", health_check = { protocol = \"tcp\" } }",
        ),
        "regions[0].load_balancer.health_check.protocol",
        "\"http\" or \"https\"",
    );
}

/// `regions[].overload.probes`: absent = the documented default (Route 53 and GA probes shed,
/// ELB target checks exempt); a plain word sets all three kinds; a table sets the kinds it
/// names; a bad word or key names its path.
#[test]
fn overload_probes_per_kind() {
    use sim_engine::config::ProbeShedding;
    let region = |overload: &str| {
        MINIMAL.replacen(
            "[[regions]]\nname = \"us-east-1\"\n",
            &format!("[[regions]]\nname = \"us-east-1\"\ncapacity_rps = 5000\n{overload}\n"),
            1,
        )
    };
    let probes = |overload: &str| params(&region(overload)).probes[0];
    assert_eq!(probes(""), ProbeShedding::documented(true));
    assert_eq!(
        probes("overload = { added_latency = \"50ms\" }"),
        ProbeShedding::documented(true)
    );
    assert_eq!(
        probes("overload = { probes = \"shed\" }"),
        ProbeShedding::all(true)
    );
    assert_eq!(
        probes("overload = { probes = \"exempt\" }"),
        ProbeShedding::all(false)
    );
    assert_eq!(
        probes("overload = { probes = { elb = \"shed\" } }"),
        ProbeShedding::all(true)
    );
    assert_eq!(
        probes("overload = { probes = { route53 = \"exempt\", ga = \"shed\" } }"),
        ProbeShedding {
            route53: false,
            ga: true,
            elb: false
        }
    );
    // A region without the key keeps the default.
    assert_eq!(
        params(&region("overload = { probes = \"exempt\" }")).probes[1],
        ProbeShedding::documented(true)
    );
    expect_err(
        &region("overload = { probes = { elb = \"maybe\" } }"),
        "regions[0].overload.probes.elb",
        "unknown value \"maybe\" (known: shed, exempt)",
    );
    expect_err(
        &region("overload = { probes = { alb = \"shed\" } }"),
        "regions[0].overload.probes.alb",
        "unknown key",
    );
    expect_err(
        &region("overload = { probes = 3 }"),
        "regions[0].overload.probes",
        "\"shed\", \"exempt\" or a table",
    );
}

/// `[model]` keys apply over the documented / ASSUMED defaults; out-of-range values name
/// their key path.
#[test]
fn model_keys_apply_and_name_their_path() {
    use sim_engine::config::GaFailoverReading;
    let with = |model: &str| format!("{MINIMAL}\n[model]\n{model}\n");
    let d = params(MINIMAL);
    assert_eq!(d.tls_round_trips, 1);
    assert_eq!(d.lb_probers.nodes, 1);
    assert_eq!(d.ga.edge_backend_connect_timeout, None);
    assert_eq!(d.ga.failback_delay, 30 * SEC);
    assert_eq!(d.ga.failover, GaFailoverReading::ThreeAdditional);
    assert_eq!(
        (d.negative.soa_ttl, d.negative.soa_minimum),
        (900 * SEC, 86_400 * SEC)
    );
    let p = params(&with(
        "tls_round_trips = 2\nlb_probers = { nodes = 3, healthy_fraction = 0.5 }\n\
         ga = { edge_backend_connect_timeout = \"10s\", failback_delay = \"1m\", failover = \"three-closest\" }\n\
         negative = { soa_ttl = \"300s\", soa_minimum = \"60s\" }",
    ));
    assert_eq!(p.tls_round_trips, 2);
    assert_eq!(
        (p.lb_probers.nodes, p.lb_probers.healthy_fraction),
        (3, 0.5)
    );
    assert_eq!(p.ga.edge_backend_connect_timeout, Some(10 * SEC));
    assert_eq!(p.ga.failback_delay, 60 * SEC);
    assert_eq!(p.ga.failover, GaFailoverReading::ThreeClosest);
    assert_eq!(p.negative.ttl(0), 60 * SEC);
    let p = params(&with("ga = { edge_backend_connect_timeout = \"none\" }"));
    assert_eq!(p.ga.edge_backend_connect_timeout, None);
    for (model, key, msg) in [
        (
            "tls_round_trips = 11",
            "model.tls_round_trips",
            "between 0 and 10",
        ),
        (
            "lb_probers = { nodes = 0 }",
            "model.lb_probers.nodes",
            "between 1 and 64",
        ),
        (
            "lb_probers = { healthy_fraction = 1 }",
            "model.lb_probers.healthy_fraction",
            "less than 1",
        ),
        (
            "ga = { edge_backend_connect_timeout = \"0s\" }",
            "model.ga.edge_backend_connect_timeout",
            "greater than 0s",
        ),
        (
            "ga = { failback_delay = \"2h\" }",
            "model.ga.failback_delay",
            "at most 1h",
        ),
        (
            "ga = { failover = \"four\" }",
            "model.ga.failover",
            "three-additional",
        ),
        (
            "negative = { soa_ttl = \"0s\", soa_minimum = \"0s\" }",
            "model.negative",
            "cannot both be 0s",
        ),
        (
            "negative = { soa_ttl = \"8d\" }",
            "model.negative.soa_ttl",
            "at most 7d",
        ),
        ("tls = 1", "model.tls", "unknown key"),
    ] {
        expect_err(&with(model), key, msg);
    }
}

/// A resolver class's negative cap: written, else its software's documented default (Unbound
/// 3600 s, BIND 10800 s), else none; RFC 2308's min(SOA TTL, MINIMUM) = 900 s applies under it.
#[test]
fn resolver_negative_caps() {
    let with =
        |extra: &str| MINIMAL.replacen("[[resolvers]]\n", &format!("[[resolvers]]\n{extra}\n"), 1);
    assert_eq!(params(&with("")).negative.resolver_cap[0], None);
    assert_eq!(
        params(&with("software = \"unbound\""))
            .negative
            .resolver_cap[0],
        Some(3600 * SEC)
    );
    assert_eq!(
        params(&with("software = \"bind\"")).negative.resolver_cap[0],
        Some(10_800 * SEC)
    );
    let p = params(&with("software = \"bind\"\nmax_negative_ttl = \"60s\""));
    assert_eq!(p.negative.resolver_cap[0], Some(60 * SEC));
    assert_eq!(p.negative.ttl(0), 60 * SEC);
    assert_eq!(
        params(&with("software = \"unbound\"")).negative.ttl(0),
        900 * SEC
    );
}
