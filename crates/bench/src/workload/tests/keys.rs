//! The key reference and unknown keys (hickory's `test_reject_unknown_fields` pattern): the
//! keys the schema accepts are read from serde's own "expected one of" lists, by adding an
//! unknown key to every table of a workload that has every kind of table; they must be exactly
//! the keys `docs/workload.md` documents. Every committed workload loads, and an unknown key
//! added to any of its tables is reported by its full path and line.

use std::collections::BTreeSet;

use toml::{Table, Value};

use super::super::resolve::At;
use super::*;

const UNKNOWN: &str = "zzz_unknown";

/// Every kind of table the schema has, in a workload that loads.
const COVER: &str = r#"
name = "cover"
description = "every kind of table"
population = "internet"

[simulation]
duration = "1h"
clients = 1000
seed = 3
bin = "10s"
warm_start = false

[[regions]]
name = "us-east-1"
capacity_rps = 5000
overload = { added_latency = "50ms", probes = { route53 = "shed", ga = "exempt", elb = "exempt" } }

[[regions]]
name = "eu-west-1"
load_balancer = { type = "alb", idle_timeout = "60s", health_check = { protocol = "http", interval = "30s", unhealthy_threshold = 2, healthy_threshold = 5, timeout = "5s", deep = false } }

[clients]
geography = "world-internet-users"
request_rate = "1/30s"
path_stretch = 2
stub_cache = { max_ttl = "1h" }
app_cache = "none"
software = [{ name = "chrome", share = 0.5 }, { name = "none", share = 0.5 }]
pattern = { kind = "steady", jitter = 0.1 }
keepalive_idle = "60s"
connect_timeout = "3s"
request_timeout = "10s"
retries = 1
bytes_per_request = 1000

[[resolvers]]
name = "central"
share = 1.0
placement = "central"
location = { lat = 50.1, lon = 8.7 }
ttl = { mode = "floor", min = "30s" }
max_negative_ttl = "1h"

[[failures]]
region = "us-east-1"
at = "10m"
kind = "brownout"
error_rate = 0.5
recover_at = "20m"

[[arms]]
name = "weighted"
kind = "route53"
policy = "weighted"
ttl = "60s"
health_check = { interval = "10s" }
control = { kind = "arc", flip_at = "11m" }
clients = { retries = 2, stub_cache = { max_ttl = "30s" } }
records = [
  { region = "us-east-1", weight = 1, health_check = { calculated = { threshold = 1, children = [ { region = "us-east-1" } ] } } },
  { region = "eu-west-1", weight = 1 },
]

[[arms]]
name = "geo"
kind = "route53"
policy = "geolocation"
ttl = "60s"
records = [ { region = "eu-west-1", location = { continent = "EU" } }, { region = "us-east-1", location = "default" } ]

[[arms]]
name = "ga"
kind = "global-accelerator"
health_check = { interval = "10s", threshold = 3 }
endpoint_groups = [ { region = "us-east-1", endpoints = [ { type = "ec2", weight = 100 }, { weight = 0 } ], health_check = { interval = "10s", threshold = 2, protocol = "http", deep = false } }, { region = "eu-west-1" } ]

[[actions]]
at = "15m"
arm = "weighted"
key = "records[0].weight"
value = 0

[model]
tls_round_trips = 1
lb_probers = { nodes = 3, healthy_fraction = 0.5 }
ga = { edge_backend_connect_timeout = "10s", failback_delay = "30s", failover = "three-additional" }
negative = { soa_ttl = "900s", soa_minimum = "86400s" }
"#;

/// The tables of a sessions pattern (a sessions pattern sets the request rate, so it cannot
/// sit in [`COVER`], which writes `request_rate`).
const COVER_SESSIONS: &str = r#"
name = "cover-sessions"
population = "honest"

[simulation]
duration = "1h"
clients = 1000

[[regions]]
name = "us-east-1"

[clients]
pattern = { kind = "sessions", requests = { dist = "pareto", alpha = 2.4, min = 1 }, think = { dist = "lognormal", median = "10s", sigma = 1.0 }, gap = { dist = "weibull", shape = 0.5, scale = "1h" } }

[[arms]]
name = "latency"
kind = "route53"
policy = "latency"
ttl = "60s"
records = [ { region = "us-east-1" } ]
"#;

/// Keys a shared schema table accepts but resolve refuses at one place (checked below), and
/// keys resolve reads out of a deferred table itself.
const REFUSED: &[(&str, &str)] = &[
    ("arms[].health_check", "calculated"),
    ("arms[].clients", "areas"),
    ("arms[].clients", "geography"),
    ("arms[].clients", "path_stretch"),
    ("arms[].clients", "pattern"),
    ("arms[].clients", "request_rate"),
    ("arms[].records[].health_check", "threshold"),
    (
        "arms[].records[].health_check.calculated.children[]",
        "threshold",
    ),
    (
        "arms[].records[].health_check.calculated.children[]",
        "calculated",
    ),
];
const READ_BY_RESOLVE: &[(&str, &str)] = &[(
    "arms[].records[].health_check.calculated.children[]",
    "region",
)];

/// Every table in `v` with its key path, the root first.
fn tables(v: &Value, at: At, out: &mut Vec<At>) {
    match v {
        Value::Table(t) => {
            out.push(at.clone());
            for (k, v) in t {
                tables(v, at.key(k), out);
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                tables(v, at.idx(i), out);
            }
        }
        _ => {}
    }
}

fn all_tables(doc: &Table) -> Vec<At> {
    let mut out = Vec::new();
    tables(&Value::Table(doc.clone()), At::root(), &mut out);
    out
}

/// `doc` with `key = value` added to the table at `target`.
fn with_key(doc: &Table, target: &At, key: &str, value: Value) -> String {
    fn go(v: &mut Value, at: At, target: &At, key: &str, value: &Value) {
        match v {
            Value::Table(t) => {
                if at == *target {
                    t.insert(key.to_string(), value.clone());
                }
                for (k, v) in t.iter_mut() {
                    go(v, at.key(k), target, key, value);
                }
            }
            Value::Array(items) => {
                for (i, v) in items.iter_mut().enumerate() {
                    go(v, at.idx(i), target, key, value);
                }
            }
            _ => {}
        }
    }
    let mut v = Value::Table(doc.clone());
    go(&mut v, At::root(), target, key, &value);
    toml::to_string(&v).unwrap()
}

/// `arms[1].records[0]` → `arms[].records[]`.
fn generic(path: &str) -> String {
    let mut out = String::new();
    let mut in_index = false;
    for c in path.chars() {
        match c {
            '[' => {
                in_index = true;
                out.push_str("[]");
            }
            ']' => in_index = false,
            c if !in_index => out.push(c),
            _ => {}
        }
    }
    out
}

fn full_key(table: &str, key: &str) -> String {
    if table.is_empty() {
        key.to_string()
    } else {
        format!("{table}.{key}")
    }
}

/// An unknown key in `table` of `doc`: the error names it, with its line.
#[track_caller]
fn unknown_key_error(doc: &Table, table: &At) -> LoadError {
    let text = with_key(doc, table, UNKNOWN, Value::Integer(1));
    let Err(e) = parse_workload(&text) else {
        panic!("{}: an unknown key was accepted", table.as_str())
    };
    assert_eq!(e.path, table.key(UNKNOWN).as_str(), "{e}\n{text}");
    assert!(
        e.message.starts_with("unknown key (expected one of: "),
        "{e}"
    );
    let line = text
        .lines()
        .position(|l| l.contains(UNKNOWN))
        .map(|i| i + 1);
    assert_eq!(e.line, line, "{e}\n{text}");
    e
}

/// The keys the schema accepts, as full generic paths (`arms[].health_check.interval`).
fn schema_keys() -> BTreeSet<String> {
    let mut keys = BTreeSet::new();
    for text in [COVER, COVER_SESSIONS] {
        let doc: Table = text.parse().unwrap();
        schema_keys_of(&doc, &mut keys);
    }
    keys
}

fn schema_keys_of(doc: &Table, keys: &mut BTreeSet<String>) {
    let doc = doc.clone();
    for table in all_tables(&doc) {
        let e = unknown_key_error(&doc, &table);
        let list = e.message["unknown key (expected one of: ".len()..].trim_end_matches(')');
        let t = generic(table.as_str());
        for k in list.split(", ") {
            if !REFUSED.contains(&(t.as_str(), k)) {
                keys.insert(full_key(&t, k));
            }
        }
        for (_, k) in READ_BY_RESOLVE.iter().filter(|(x, _)| *x == t) {
            keys.insert(full_key(&t, k));
        }
    }
}

/// The keys `docs/workload.md` documents in its reference tables (rows starting with a
/// backticked key path): those accepted, and those under "Not accepted yet".
fn documented_keys() -> (BTreeSet<String>, BTreeSet<String>) {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/workload.md");
    let text = std::fs::read_to_string(&path).unwrap();
    let (accepted, later) = text
        .split_once("\n## Not accepted yet")
        .expect("docs/workload.md has a section \"Not accepted yet\"");
    let rows = |s: &str| -> BTreeSet<String> {
        s.lines()
            .filter_map(|l| l.strip_prefix("| `"))
            .filter_map(|l| l.split_once('`'))
            .map(|(k, _)| k.to_string())
            .collect()
    };
    (rows(accepted), rows(later))
}

#[test]
fn cover_loads() {
    load(COVER);
    load(COVER_SESSIONS);
}

#[test]
fn every_schema_key_is_documented_and_every_documented_key_is_accepted() {
    let schema = schema_keys();
    let (documented, later) = documented_keys();
    let accepted: BTreeSet<String> = schema.difference(&later).cloned().collect();
    let undocumented: Vec<&String> = accepted.difference(&documented).collect();
    assert!(
        undocumented.is_empty(),
        "accepted but not in docs/workload.md: {undocumented:?}"
    );
    let unknown: Vec<&String> = documented.difference(&accepted).collect();
    assert!(
        unknown.is_empty(),
        "documented but not accepted: {unknown:?}"
    );
    assert!(schema.len() > 100, "{} keys", schema.len());
}

/// The keys of "Not accepted yet" are refused (naming the key), and so are the keys a shared
/// schema table holds where resolve does not take them.
#[test]
fn keys_not_accepted_yet_are_refused() {
    let doc: Table = COVER.parse().unwrap();
    let tables = all_tables(&doc);
    let (_, later) = documented_keys();
    assert!(!later.is_empty());
    let refused = REFUSED.iter().map(|(t, k)| full_key(t, k));
    for key in later.into_iter().chain(refused) {
        let (table, k) = key.rsplit_once('.').unwrap_or(("", &key));
        let at = tables
            .iter()
            .find(|t| generic(t.as_str()) == table)
            .unwrap_or_else(|| panic!("no table {table:?} in COVER for {key}"));
        let text = with_key(&doc, at, k, Value::Integer(1));
        let e = parse_workload(&text).expect_err(&key);
        assert_eq!(e.path, at.key(k).as_str(), "{key}: {e}");
    }
}

/// The committed workloads, `benches/workloads/` and the embedded default.
fn committed() -> Vec<(String, String)> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut out = vec![(
        "DEFAULT_WORKLOAD".to_string(),
        crate::DEFAULT_WORKLOAD.to_string(),
    )];
    for dir in ["workloads", "benches/workloads"] {
        let mut paths: Vec<_> = std::fs::read_dir(root.join(dir))
            .unwrap()
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "toml"))
            .collect();
        paths.sort();
        for p in paths {
            out.push((
                p.display().to_string(),
                std::fs::read_to_string(&p).unwrap(),
            ));
        }
    }
    assert!(out.len() > 10);
    out
}

#[test]
fn committed_workloads_load() {
    for (name, text) in committed() {
        if let Err(e) = parse_workload(&text) {
            panic!("{name}: {e}");
        }
    }
}

#[test]
fn an_unknown_key_in_any_table_of_a_committed_workload_names_its_path_and_line() {
    for (_, text) in committed() {
        let doc: Table = text.parse().unwrap();
        for table in all_tables(&doc) {
            unknown_key_error(&doc, &table);
        }
    }
}
