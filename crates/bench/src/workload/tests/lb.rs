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
