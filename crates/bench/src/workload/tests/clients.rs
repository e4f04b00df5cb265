//! Loader tests: clients.

use super::*;

#[test]
fn clients_section() {
    let with = |line: &str| format!("{MINIMAL}\n[clients]\n{line}\n");
    assert_eq!(
        load(&with("request_rate = \"5/s\"")).clients.request_rate,
        5.0
    );
    expect_err(
        &with("request_rate = 0"),
        "clients.request_rate",
        "greater than 0",
    );
    let c = load(&with("stub_cache = \"os-default\"")).clients;
    assert_eq!(c.stub_mix.unwrap().parts.len(), 4);
    let c = load(&with("stub_cache = \"windows\"")).clients;
    assert_eq!(
        (c.stub_cache, c.stub_mix),
        (
            StubCache::Cap {
                max_ttl: 86_400 * SEC
            },
            None
        )
    );
    expect_err(
        &with("stub_cache = \"macos\""),
        "clients.stub_cache",
        "not modelled",
    );
    expect_err(
        &with("stub_cache = \"big\""),
        "clients.stub_cache",
        "unknown preset \"big\" (known: \"none\", \"os-default\"",
    );
    expect_err(
        &with("stub_cache = { max_ttl = 0 }"),
        "clients.stub_cache.max_ttl",
        "greater than 0s",
    );
    expect_err(
        &with("stub_cache = { }"),
        "clients.stub_cache.max_ttl",
        "required",
    );
    expect_err(
        &with("app_cache = \"tiny\""),
        "clients.app_cache",
        "\"none\", \"browser\"",
    );
    expect_err(
        &with("geography = \"europe\""),
        "clients.geography",
        "not supported yet",
    );
    expect_err(
        &with("geography = [ { name = \"a\", lat = 0, lon = 0, weight = 1 } ]"),
        "clients.geography",
        "not supported yet",
    );
    expect_err(
        &with("geography = 1"),
        "clients.geography",
        "got an integer",
    );
    expect_err(
        &with("[[clients.areas]]\nname = \"a\""),
        "clients.areas",
        "not supported yet",
    );
    expect_err(&with("retries = 11"), "clients.retries", "between 0 and 10");
    expect_err(
        &with("bytes_per_request = -1"),
        "clients.bytes_per_request",
        "at least 0",
    );
    expect_err(
        &with("connect_timeout = 0"),
        "clients.connect_timeout",
        "greater than 0s",
    );
    expect_err(
        &with("keepalive_idle = \"forever\""),
        "clients.keepalive_idle",
        "expected a duration",
    );
    expect_err(
        &with("keepalive = \"60s\""),
        "clients.keepalive",
        "unknown key",
    );
    let w = load(&with(
        "geography = \"world-internet-users\"\nstub_cache = \"none\"\nkeepalive_idle = \"0s\"\nbytes_per_request = 0",
    ));
    assert_eq!(w.clients.bytes_per_request, 0);
}

#[test]
fn arm_client_overrides() {
    let text = format!(
        "{MINIMAL}\n[clients]\nretries = 2\n\n[arms.clients]\nkeepalive_idle = \"340s\"\nstub_cache = {{ max_ttl = \"30s\" }}\n"
    );
    let w = load(&text);
    let a = &w.arms[1];
    assert_eq!(
        a.client_overrides,
        vec!["keepalive_idle".to_string(), "stub_cache".to_string()]
    );
    assert_eq!(a.clients.keepalive_idle, 340 * SEC);
    assert_eq!(a.clients.stub_cache, StubCache::Cap { max_ttl: 30 * SEC });
    assert_eq!(a.clients.retries, 2); // the world's value
    assert_eq!(w.clients.keepalive_idle, 0);
    assert!(w.arms[0].client_overrides.is_empty());

    let arm_clients = |line: &str| format!("{MINIMAL}\n[arms.clients]\n{line}\n");
    expect_err(
        &arm_clients("request_rate = 1"),
        "arms[1].clients.request_rate",
        "is a world setting; arms may not override it",
    );
    expect_err(
        &arm_clients("geography = \"world-internet-users\""),
        "arms[1].clients.geography",
        "world setting",
    );
    expect_err(
        &arm_clients("keepalive_idle = true"),
        "arms[1].clients.keepalive_idle",
        "expected a duration",
    );
    expect_err(
        &arm_clients("retries = 99"),
        "arms[1].clients.retries",
        "between 0 and 10",
    );
    expect_err(
        &arm_clients("prefetch = true"),
        "arms[1].clients.prefetch",
        "unknown key",
    );
}

/// `clients.path_stretch`: a world setting, 1 to 10, default the sourced 2.1.
#[test]
fn path_stretch_is_a_world_client_setting() {
    assert_eq!(load(MINIMAL).clients.path_stretch, 2.1);
    let w = load(&MINIMAL.replace(
        "[[resolvers]]",
        "[clients]\npath_stretch = 1.7\n\n[[resolvers]]",
    ));
    assert_eq!(w.clients.path_stretch, 1.7);
    assert_eq!(w.arms[0].clients.path_stretch, 1.7);
    expect_err(
        &MINIMAL.replace(
            "[[resolvers]]",
            "[clients]\npath_stretch = 0.5\n\n[[resolvers]]",
        ),
        "clients.path_stretch",
        "must be between 1 and 10",
    );
    expect_err(
        &arm0("clients = { path_stretch = 1.5 }"),
        "arms[0].clients.path_stretch",
        "world setting",
    );
}

/// `population` supplies [clients] and [[resolvers]]; written [clients] keys override one
/// by one, written [[resolvers]] replace the classes, arms override on top.
#[test]
fn population_presets_and_overrides() {
    let no_resolvers = MINIMAL.replace("[[resolvers]]\nname = \"isp\"\nshare = 1.0\n", "");
    let w = load(&format!("population = \"internet\"\n{no_resolvers}"));
    let names: Vec<&str> = w.resolvers.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(names, ["isp", "public-ecs", "public", "corporate"]);
    assert_eq!(w.resolvers[0].ttl_mix.as_ref().unwrap().name, "pam2023");
    assert!((w.resolvers[1].share - 0.15 * 0.6).abs() < 1e-12);
    let soft = w
        .clients
        .software
        .as_ref()
        .expect("internet draws browsers per user");
    let stacks: Vec<&str> = soft.parts.iter().map(|p| p.label).collect();
    assert_eq!(stacks, ["chrome", "safari-cfnetwork", "firefox"]);
    let resolver_models::Pattern::Sessions(s) = w.clients.pattern else {
        panic!("internet runs sessions: {:?}", w.clients.pattern)
    };
    assert_eq!(w.clients.request_rate, s.mean_rate());
    let sites: Vec<(Placement, bool)> = w.resolvers.iter().map(|r| (r.placement, r.ecs)).collect();
    assert_eq!(
        sites,
        [
            (Placement::Local, false),
            (Placement::PublicAnycast, true),
            (Placement::PublicAnycast, false),
            (Placement::Central, false)
        ]
    );
    assert_eq!(w.clients.stub_mix.as_ref().unwrap().name, "os-default");
    assert_eq!(w.clients.app_cache, AppCache::preset("chrome").unwrap());
    assert_eq!(w.clients.keepalive_idle, 300 * SEC);
    assert_eq!(w.arms[0].clients, w.clients);
    // [clients] keys override the preset's one by one.
    let w = load(&format!(
        "population = \"internet\"\n{no_resolvers}\n[clients]\nstub_cache = \"none\"\nretries = 1\n"
    ));
    assert_eq!(
        (w.clients.stub_cache, &w.clients.stub_mix),
        (StubCache::None, &None)
    );
    assert_eq!(w.clients.app_cache, AppCache::preset("chrome").unwrap());
    assert_eq!(w.clients.retries, 1);
    // [[resolvers]] replace the preset's classes.
    let w = load(&format!("population = \"server-to-server\"\n{MINIMAL}"));
    assert_eq!(w.resolvers.len(), 1);
    assert_eq!(w.resolvers[0].name, "isp");
    assert_eq!(w.clients.request_rate, 1.0);
    expect_err(
        &format!("population = \"dialup\"\n{MINIMAL}"),
        "population",
        "unknown preset \"dialup\" (known: \"internet\", \"mobile-apps\", \"server-to-server\", \"honest\", \"hickory\", \"unbound\", \"bind\", \"dnsmasq\", \"pdns-recursor\" or \"knot-resolver\")",
    );
    expect_err(
        &format!("population = 3\n{MINIMAL}"),
        "population",
        "expected a string",
    );
    expect_err(
        &no_resolvers,
        "resolvers",
        "required unless `population` is set",
    );
    // The sensitivity analysis substitutes a varied preset.
    let varied = resolver_models::presets::population("internet")
        .unwrap()
        .with_class_share_scaled(1, 0.5);
    let w = parse_workload_with(
        &format!("population = \"internet\"\n{no_resolvers}"),
        Some(varied),
    )
    .unwrap();
    assert!((w.resolvers[1].share - 0.15 * 0.6 * 0.5).abs() < 1e-12);
}

/// An arm's `stub_cache` replaces the world's mix; `apply_population` swaps a loaded
/// workload's population in the world and every arm.
#[test]
fn stub_mix_overrides_and_apply_population() {
    let text = format!(
        "{MINIMAL}\n[clients]\nstub_cache = \"os-default\"\n\n[arms.clients]\nstub_cache = \"windows\"\n"
    );
    let mut w = load(&text);
    assert!(w.clients.stub_mix.is_some());
    assert!(w.arms[0].clients.stub_mix.is_some());
    assert_eq!(w.arms[1].clients.stub_mix, None);
    assert_eq!(
        w.arms[1].clients.stub_cache,
        StubCache::Cap {
            max_ttl: 86_400 * SEC
        }
    );
    let p = resolver_models::presets::population("server-to-server").unwrap();
    apply_population(&mut w, &p);
    assert_eq!(w.resolvers[0].name, "vpc");
    for c in std::iter::once(&w.clients).chain(w.arms.iter().map(|a| &a.clients)) {
        assert_eq!(c.stub_mix, None);
        assert_eq!(c.stub_cache, StubCache::None);
        assert_eq!(c.app_cache, AppCache::preset("jvm-30s").unwrap());
        assert_eq!(c.keepalive_idle, 30 * SEC);
        assert_eq!(c.request_rate, 1.0);
        // The preset's software mix and pattern reach every arm too (the presets bench and the
        // sensitivity analysis swap populations this way).
        assert_eq!(c.software, p.software);
        assert_eq!(c.pattern, p.pattern);
    }
    let mobile = resolver_models::presets::population("mobile-apps").unwrap();
    apply_population(&mut w, &mobile);
    for c in std::iter::once(&w.clients).chain(w.arms.iter().map(|a| &a.clients)) {
        assert_eq!(c.pattern, mobile.pattern);
        assert_eq!(c.request_rate, mobile.request_rate);
    }
}

#[test]
fn client_software() {
    let with = |line: &str| format!("{MINIMAL}\n[clients]\n{line}\n");
    // Default and "none": no mix, outputs as before.
    assert_eq!(load(MINIMAL).clients.software, None);
    assert_eq!(load(&with("software = \"none\"")).clients.software, None);
    let c = load(&with("software = \"okhttp\"")).clients;
    let m = c.software.unwrap();
    assert_eq!(m.parts.len(), 1);
    assert_eq!(m.parts[0].value.unwrap().name, "okhttp");
    let c = load(&with(
        "software = [{ name = \"chrome\", share = 0.6 }, { name = \"none\", share = 0.4 }]\n\
         keepalive_idle = \"20s\"",
    ))
    .clients;
    let m = c.software.clone().unwrap();
    assert_eq!(m.parts[0].value.unwrap().name, "chrome");
    assert_eq!(m.parts[1].value, None);
    assert_eq!((m.parts[0].weight, m.parts[1].weight), (0.6, 0.4));
    assert!(c.software_overrides.keepalive_idle && !c.software_overrides.app_cache);
    expect_err(
        &with("software = \"netscape\""),
        "clients.software",
        "expected \"none\", \"chrome\"",
    );
    expect_err(
        &with(
            "software = [{ name = \"chrome\", share = 0.6 }, { name = \"gopher\", share = 0.4 }]",
        ),
        "clients.software[1].name",
        "got \"gopher\"",
    );
    expect_err(
        &with("software = [{ name = \"chrome\", share = 0.6 }, { name = \"go\", share = 0.3 }]"),
        "clients.software",
        "shares must sum to 1",
    );
    expect_err(
        &with("software = [{ name = \"go\", share = 0.5 }, { name = \"go\", share = 0.5 }]"),
        "clients.software[1].name",
        "appears twice",
    );
    expect_err(
        &with("software = [{ name = \"go\", share = 1.5 }]"),
        "clients.software[0].share",
        "must be in (0, 1]",
    );
    expect_err(
        &with("software = [{ name = \"go\" }]"),
        "clients.software[0].share",
        "required",
    );
    expect_err(
        &with("software = [{ name = \"go\", share = 1, weight = 2 }]"),
        "clients.software[0].weight",
        "unknown key",
    );
    expect_err(&with("software = []"), "clients.software", "at least one");
    expect_err(
        &with("software = 3"),
        "clients.software",
        "client software name",
    );
}
