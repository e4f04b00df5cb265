//! Loader tests, by area: each test names the key path of every error it expects, and the
//! fixtures below are edited one line at a time.

mod arms;
mod basics;
mod clients;
mod imported;
mod keys;
mod lb;
mod resolvers;
mod robustness;

pub(super) use sim_engine::config::*;
pub(super) use sim_engine::{MS, SEC};

pub(super) use super::resolve::default_health_check;
pub(super) use super::{LoadError, apply_population, parse_workload, parse_workload_with};

/// The smallest workload: required keys only, plus one of each table that has defaults.
pub(super) const MINIMAL: &str = r#"
name = "mini"

[simulation]
duration = "60m"
clients = 1000

[[regions]]
name = "us-east-1"

[[regions]]
name = "eu-west-1"

[[resolvers]]
name = "isp"
share = 1.0

[[failures]]
region = "us-east-1"
at = "10m"
kind = "hard"

[[arms]]
name = "r53-failover"
kind = "route53"
policy = "failover"
ttl = "60s"
health_check = { interval = "10s" }

[[arms]]
name = "r53-weighted"
kind = "route53"
policy = "weighted"
ttl = 30
"#;

/// A workload that uses most keys, for the no-panic tests.
pub(super) const FULL: &str = r#"
name = "full.workload_1"
description = "everything"

[simulation]
duration = "1h"
seed = 42
clients = 1_000_000
bin = "10s"
warm_start = false

[[regions]]
name = "us-east-1"

[[regions]]
name = "my-site"
lat = 10.5
lon = -20

[clients]
geography = "world-internet-users"
request_rate = "2/1m"
stub_cache = { max_ttl = "2h" }
app_cache = "none"
keepalive_idle = "60s"
connect_timeout = "3s"
request_timeout = "10s"
retries = 2
bytes_per_request = 1000

[[resolvers]]
name = "isp"
share = 0.5
placement = "local"
ecs = false
clients_per_resolver = 100
ttl = { mode = "floor-cap", min = "30s", max = "1h" }
prefetch = false
serve_stale = false

[[resolvers]]
name = "other"
share = 0.5
ttl = "honor"

[[failures]]
region = "us-east-1"
at = "10m"
kind = "hard"
mode = "reset"
recover_at = "40m"

[[failures]]
region = "my-site"
at = 900
kind = "drain"

[[arms]]
name = "fo"
kind = "route53"
policy = "failover"
ttl = "60s"
propagation = "2s"
endpoint_type = "nlb"
health_check = { interval = "30s", failure_threshold = 2, checker_regions = ["us-east-1", "us-west-1", "eu-west-1"], checkers_per_region = 4, healthy_fraction = 0.5, deep = true, protocol = "https" }
records = [
  { region = "us-east-1", role = "primary", alias = true, evaluate_target_health = false, health_check = { interval = "10s" } },
  { region = "my-site", role = "secondary", alias = true, health_check = false },
]
control = { kind = "arc", flip_at = "11m", flip_back_at = "45m" }

[arms.clients]
keepalive_idle = "350s"
retries = 1

[[arms]]
name = "w"
kind = "route53"
policy = "weighted"
ttl = 0
propagation = "default"
records = [ { region = "us-east-1", weight = 255 }, { region = "my-site", weight = 0 } ]
"#;

#[track_caller]
pub(super) fn load(text: &str) -> Workload {
    match parse_workload(text) {
        Ok(w) => w,
        Err(e) => panic!("expected the workload to load, got: {e}"),
    }
}

pub(super) fn expect_err(text: &str, path: &str, needle: &str) -> LoadError {
    match parse_workload(text) {
        Ok(_) => panic!("expected an error at {path:?} containing {needle:?}, but it loaded"),
        Err(e) => {
            assert_eq!(e.path, path, "wrong path; whole error: {e}");
            assert!(
                e.message.contains(needle),
                "message {:?} does not contain {needle:?}",
                e.message
            );
            e
        }
    }
}

/// MINIMAL with `from` replaced by `to` (which must occur exactly once).
#[track_caller]
pub(super) fn edit(from: &str, to: &str) -> String {
    assert_eq!(
        MINIMAL.matches(from).count(),
        1,
        "{from:?} must occur once in MINIMAL"
    );
    MINIMAL.replacen(from, to, 1)
}

/// MINIMAL with text added to the table that starts with `header` (first occurrence).
#[track_caller]
pub(super) fn add_after(header: &str, line: &str) -> String {
    edit(header, &format!("{header}\n{line}"))
}

/// MINIMAL with `line` added to the first arm (the failover one).
pub(super) fn arm0(line: &str) -> String {
    add_after("name = \"r53-failover\"", line)
}

/// MINIMAL with `line` added to the second arm (the weighted one).
pub(super) fn arm1(line: &str) -> String {
    add_after("name = \"r53-weighted\"", line)
}

pub(super) fn resolver0(line: &str) -> String {
    add_after("name = \"isp\"", line)
}

/// MINIMAL with the weighted arm's policy replaced and `records` (if any) added.
pub(super) fn policy_arm(policy: &str, records: &str) -> String {
    edit(
        "policy = \"weighted\"",
        &format!("policy = \"{policy}\"\n{records}"),
    )
}

pub(super) fn arm1_r53(text: &str) -> Route53Arm {
    let w = load(text);
    let ArmKind::Route53(r) = &w.arms[1].kind else {
        panic!("expected a Route 53 arm")
    };
    r.clone()
}
