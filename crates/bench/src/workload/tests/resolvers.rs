//! Loader tests: resolvers.

use super::*;

/// Resolver prefetch, serve-stale and application caches load into their models.
#[test]
fn resolver_and_app_cache_behaviours_load() {
    let text = MINIMAL.replace(
        "share = 1.0",
        "share = 1.0\nprefetch = true\nserve_stale = \"optimistic\"",
    );
    let text = text.replacen(
        "[[resolvers]]",
        "[clients]\napp_cache = \"firefox\"\n\n[[resolvers]]",
        1,
    );
    let w = parse_workload(&text).unwrap();
    assert!(w.resolvers[0].prefetch);
    assert_eq!(w.resolvers[0].serve_stale, ServeStale::Optimistic);
    assert_eq!(w.clients.app_cache, AppCache::preset("firefox").unwrap());
    let rfc = MINIMAL.replace("share = 1.0", "share = 1.0\nserve_stale = \"rfc8767\"");
    assert_eq!(
        parse_workload(&rfc).unwrap().resolvers[0].serve_stale,
        ServeStale::Rfc8767
    );
}

#[test]
fn shares_must_sum_to_one() {
    let text = edit("share = 1.0", "share = 0.6").replace(
        "[[failures]]",
        "[[resolvers]]\nname = \"public\"\nshare = 0.3\n\n[[failures]]",
    );
    expect_err(&text, "resolvers", "they sum to 0.9");
    load(&text.replace("share = 0.3", "share = 0.4"));
    expect_err(
        &edit("share = 1.0", "share = 0"),
        "resolvers[0].share",
        "greater than 0",
    );
    expect_err(
        &edit("share = 1.0", "share = 1.5"),
        "resolvers[0].share",
        "at most 1",
    );
}

#[test]
fn resolver_names_and_ttl_policies() {
    let dup = MINIMAL.replace(
        "[[failures]]",
        "[[resolvers]]\nname = \"isp\"\nshare = 0.5\n\n[[failures]]",
    );
    expect_err(&dup, "resolvers[1].name", "duplicate");
    let ttl = |v: &str| resolver0(&format!("ttl = {v}"));
    let ok = |v: &str| load(&ttl(v)).resolvers[0].ttl;
    assert_eq!(ok(r#"{ mode = "honor" }"#), TtlPolicy::Honor);
    assert_eq!(
        ok(r#"{ mode = "floor", min = "300s" }"#),
        TtlPolicy::Floor { min: 300 * SEC }
    );
    assert_eq!(
        ok(r#"{ mode = "cap", max = "6h" }"#),
        TtlPolicy::Cap {
            max: 6 * 3_600 * SEC
        }
    );
    assert_eq!(
        ok(r#"{ mode = "fixed", value = "1h" }"#),
        TtlPolicy::Fixed { value: 3_600 * SEC }
    );
    expect_err(
        &ttl(r#"{ mode = "floor" }"#),
        "resolvers[0].ttl.min",
        "required with mode = \"floor\"",
    );
    expect_err(
        &ttl(r#"{ mode = "floor", min = 1, max = 2 }"#),
        "resolvers[0].ttl.max",
        "not used with mode = \"floor\"",
    );
    expect_err(
        &ttl(r#"{ mode = "honor", value = 2 }"#),
        "resolvers[0].ttl.value",
        "not used",
    );
    expect_err(
        &ttl(r#"{ mode = "floor-cap", min = "2h", max = "1h" }"#),
        "resolvers[0].ttl",
        "min must not exceed max",
    );
    expect_err(
        &ttl(r#"{ mode = "cap", max = 0 }"#),
        "resolvers[0].ttl",
        "greater than 0s",
    );
    expect_err(
        &ttl(r#"{ mode = "sometimes" }"#),
        "resolvers[0].ttl.mode",
        "\"honor\", \"floor\"",
    );
    let w = load(&ttl(r#"{ mode = "distribution", preset = "pam2023" }"#));
    assert_eq!(w.resolvers[0].ttl_mix.as_ref().unwrap().name, "pam2023");
    expect_err(
        &ttl(r#"{ mode = "distribution", preset = "x" }"#),
        "resolvers[0].ttl.preset",
        "unknown preset \"x\" (known: \"pam2023\", \"ripe2017\", \"public-resolvers\" or \"public-non-ecs\")",
    );
    expect_err(
        &ttl(r#"{ mode = "distribution", preset = 3 }"#),
        "resolvers[0].ttl.preset",
        "expected a string",
    );
    expect_err(
        &ttl(r#"{ min = "1s" }"#),
        "resolvers[0].ttl.mode",
        "required",
    );
    expect_err(&ttl(r#""floor""#), "resolvers[0].ttl", "needs parameters");
    expect_err(
        &resolver0("clients_per_resolver = 0"),
        "resolvers[0].clients_per_resolver",
        "at least 1",
    );
    expect_err(
        &resolver0("clients_per_resolver = 99999999999"),
        "resolvers[0].clients_per_resolver",
        "between 1 and 4294967295",
    );
}

/// `placement`, `ecs` and their parameters load; each parameter is refused (naming its key
/// path) where its placement or ECS setting does not apply.
#[test]
fn placement_and_ecs_keys_load_and_validate() {
    let w = load(&resolver0(
        "placement = \"central\"\nlocation = \"eu-west-1\"\necs = true\nclients_per_subnet = 16",
    ));
    let r = &w.resolvers[0];
    assert_eq!((r.placement, r.ecs), (Placement::Central, true));
    assert_eq!(r.siting.location, Some((53.3, -6.3)));
    assert_eq!(r.siting.clients_per_subnet, 16);
    // A built-in AWS region code not among the workload's regions, or a point.
    let w = load(&resolver0(
        "placement = \"central\"\nlocation = \"eu-west-2\"",
    ));
    assert_eq!(w.resolvers[0].siting.location, Some((51.5, -0.1)));
    let w = load(&resolver0(
        "placement = \"central\"\nlocation = { lat = 25.2, lon = 55.3 }",
    ));
    assert_eq!(w.resolvers[0].siting.location, Some((25.2, 55.3)));
    let w = load(&resolver0("placement = \"central\""));
    assert_eq!(w.resolvers[0].siting, Siting::default());
    let w = load(&resolver0(
        "placement = \"public-anycast\"\ncaches_per_pop = 2",
    ));
    assert_eq!(w.resolvers[0].placement, Placement::PublicAnycast);
    assert_eq!(w.resolvers[0].siting.caches_per_pop, 2);
    expect_err(
        &resolver0("placement = \"central\"\nlocation = \"mars-1\""),
        "resolvers[0].location",
        "unknown region \"mars-1\"",
    );
    expect_err(
        &resolver0("placement = \"central\"\nlocation = { lat = 95, lon = 0 }"),
        "resolvers[0].location.lat",
        "between -90 and 90",
    );
    expect_err(
        &resolver0("placement = \"central\"\nlocation = { lat = 1 }"),
        "resolvers[0].location.lon",
        "is required",
    );
    expect_err(
        &resolver0("placement = \"central\"\nlocation = 3"),
        "resolvers[0].location",
        "a region name or a table",
    );
    expect_err(
        &resolver0("location = \"us-east-1\""),
        "resolvers[0].location",
        "only applies with placement = \"central\"",
    );
    expect_err(
        &resolver0("caches_per_pop = 2"),
        "resolvers[0].caches_per_pop",
        "only applies with placement = \"public-anycast\"",
    );
    expect_err(
        &resolver0("placement = \"public-anycast\"\ncaches_per_pop = 0"),
        "resolvers[0].caches_per_pop",
        "between 1 and",
    );
    expect_err(
        &resolver0("placement = \"public-anycast\"\nclients_per_resolver = 10"),
        "resolvers[0].clients_per_resolver",
        "does not apply to placement = \"public-anycast\"",
    );
    expect_err(
        &resolver0("clients_per_subnet = 4"),
        "resolvers[0].clients_per_subnet",
        "only applies with ecs = true",
    );
}

/// `population = "<program>"` and `resolvers[].software` take a real resolver program's
/// shipped TTL limits and cache clock (resolver_models::software); a written `ttl` wins.
#[test]
fn software_presets_and_key() {
    let no_resolvers = MINIMAL.replace("[[resolvers]]\nname = \"isp\"\nshare = 1.0\n", "");
    let w = load(&format!("population = \"knot-resolver\"\n{no_resolvers}"));
    assert_eq!(w.resolvers.len(), 1);
    assert_eq!(
        w.resolvers[0].clock,
        CacheClock::WholeSeconds { inclusive: true }
    );
    assert_eq!(
        w.resolvers[0].ttl,
        TtlPolicy::FloorCap {
            min: 5 * SEC,
            max: 518_400 * SEC
        }
    );
    assert_eq!(w.resolvers[0].display, TtlDisplay::LifeThenRecord);
    let w = load(&resolver0("software = \"bind\""));
    assert_eq!(
        w.resolvers[0].clock,
        CacheClock::WholeSeconds { inclusive: false }
    );
    assert_eq!(w.resolvers[0].display, TtlDisplay::LifeCountdown);
    assert_eq!(load(MINIMAL).resolvers[0].display, TtlDisplay::Exact);
    assert_eq!(w.resolvers[0].ttl, TtlPolicy::Cap { max: 604_800 * SEC });
    let w = load(&resolver0(
        "software = \"unbound\"\nttl = { mode = \"floor\", min = \"30s\" }",
    ));
    assert_eq!(w.resolvers[0].ttl, TtlPolicy::Floor { min: 30 * SEC });
    assert_eq!(
        w.resolvers[0].clock,
        CacheClock::WholeSeconds { inclusive: true }
    );
    expect_err(
        &resolver0("software = \"djbdns\""),
        "resolvers[0].software",
        "expected \"hickory\"",
    );
    // ECS only on programs that send it and cache per subnet.
    let w = load(&resolver0("software = \"unbound\"\necs = true"));
    assert!(w.resolvers[0].ecs);
    expect_err(
        &resolver0("software = \"bind\"\necs = true"),
        "resolvers[0].ecs",
        "bind cannot send EDNS Client Subnet",
    );
    expect_err(
        &resolver0("software = \"dnsmasq\"\necs = true"),
        "resolvers[0].ecs",
        "caches no answer",
    );
}

#[test]
fn policy_table_is_bounded() {
    let mut text = MINIMAL.replace("[[resolvers]]\nname = \"isp\"\nshare = 1.0\n", "");
    for i in 0..90 {
        text.push_str(&format!(
            "\n[[resolvers]]\nname = \"c{i}\"\nshare = {}\nttl = {{ mode = \"distribution\", preset = \"pam2023\" }}\n",
            1.0 / 90.0
        ));
    }
    let e = parse_workload(&text).unwrap_err();
    assert_eq!(e.path, "resolvers");
    assert!(e.message.contains("at most 256 TTL policies"), "{e}");
}

#[test]
fn not_supported_yet() {
    expect_err(
        &resolver0("placement = \"remote\""),
        "resolvers[0].placement",
        "\"local\", \"public-anycast\" or \"central\"",
    );
    expect_err(
        &resolver0("serve_stale = true"),
        "resolvers[0].serve_stale",
        "expected false, \"rfc8767\" or \"optimistic\"",
    );
    expect_err(
        &resolver0("serve_stale = 1"),
        "resolvers[0].serve_stale",
        "got an integer",
    );
    let w = load(&format!(
        "{MINIMAL}\n[[actions]]\nat = \"10m\"\narm = \"r53-weighted\"\nkey = \"records[0].weight\"\nvalue = 50\n\
         [[actions]]\nat = \"5m\"\narm = \"r53-weighted\"\nkey = \"records.1.weight\"\nvalue = 0\n"
    ));
    // Sorted by time.
    assert_eq!(w.actions[0].at, 300 * SEC);
    assert_eq!(
        w.actions[0].target,
        ActionTarget::RecordWeight {
            record: 1,
            weight: 0
        }
    );
    assert_eq!(
        w.actions[1].target,
        ActionTarget::RecordWeight {
            record: 0,
            weight: 50
        }
    );
    let act = |arm: &str, key: &str, value: &str| {
        format!(
            "{MINIMAL}\n[[actions]]\nat = \"10m\"\narm = \"{arm}\"\nkey = \"{key}\"\nvalue = {value}\n"
        )
    };
    expect_err(
        &act("r53-weighted", "records[0].weight", "300"),
        "actions[0].value",
        "0 to 255",
    );
    expect_err(
        &act("r53-weighted", "records[5].weight", "3"),
        "actions[0].key",
        "has 2 records",
    );
    expect_err(
        &act("r53-failover", "records[0].weight", "3"),
        "actions[0].key",
        "only for policy",
    );
    expect_err(
        &act("nope", "records[0].weight", "3"),
        "actions[0].arm",
        "\"r53-failover\"",
    );
    expect_err(
        &act("r53-weighted", "ttl", "3"),
        "actions[0].key",
        "not an action key",
    );
    expect_err(
        &format!("actions = 3\n{MINIMAL}"),
        "actions",
        "expected an array of tables",
    );
    // Without population, resolvers are required.
    let no_resolvers = MINIMAL.replace("[[resolvers]]\nname = \"isp\"\nshare = 1.0\n", "");
    expect_err(
        &no_resolvers,
        "resolvers",
        "at least one [[resolvers]] class is required unless `population` is set",
    );
}
