//! Live tests: real resolvers on loopback. A resolver whose program is missing is a failure
//! under `CI=true` (CI installs them all) and a loud "NOT RUN" otherwise.

use dns_harness::procs::port_is_free;
use dns_harness::resolvers::available;
use dns_harness::scenario::Scaled;
use dns_harness::{Options, Outcome};
use resolver_models::{CacheClock, ResolverBehaviour, Software, StaleMode, TtlPolicy};
use sim_engine::SEC;

/// The tests run one at a time: the leftover checks look for anything of this process's.
static SERIAL: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// The resolvers to run here: hickory always; the daemons when installed (or fail under CI).
fn installed(wanted: &[Software]) -> Vec<Software> {
    let ci = std::env::var("CI").is_ok_and(|v| v == "true");
    wanted
        .iter()
        .copied()
        .filter(|&s| match available(s) {
            Ok(()) => true,
            Err(why) => {
                assert!(!ci, "CI=true but {} cannot run: {why}", s.name());
                eprintln!("\n*** NOT RUN: {} ({why}) ***\n", s.name());
                false
            }
        })
        .collect()
}

/// A scenario with a wide gap between the configured floor (4 s) and the record TTL (1 s), so
/// a model that honours the TTL is plainly wrong.
fn floor_scenario(seed: u64) -> Scaled {
    Scaled {
        names: 8,
        duration: 45 * SEC,
        record_ttl_s: 1,
        min_ttl_s: 4,
        window: (7 * SEC, 9 * SEC),
        ..Scaled::quick(seed)
    }
}

/// A deliberately wrong model (honour the TTL, for resolvers configured with a 4 s floor) fails
/// validation, for every resolver that runs: the KS distance exceeds its critical value.
#[test]
fn honour_ttl_model_fails_against_floored_resolvers() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let resolvers = installed(&[Software::Hickory, Software::Unbound]);
    let wrong = ResolverBehaviour {
        ttl: TtlPolicy::Honor,
        prefetch: false,
        serve_stale: StaleMode::Off,
        clock: CacheClock::Exact,
    };
    let report = dns_harness::run(&Options {
        resolvers: resolvers.clone(),
        scaled: floor_scenario(11),
        model_override: Some(wrong),
    })
    .expect("harness runs");
    assert_eq!(report.results.len(), resolvers.len());
    for r in &report.results {
        assert_eq!(
            r.outcome,
            Outcome::Ran { pass: false },
            "{}: {r:?}",
            r.software.name()
        );
        assert!(
            r.ks > 2.0 * r.critical,
            "{}: D {} crit {}",
            r.software.name(),
            r.ks,
            r.critical
        );
        assert!(r.observed.delays.len() >= 20, "{}", r.observed.delays.len());
    }
    assert!(!report.all_passed());
}

/// The same kind of run with each program's own model passes, and what the harness started is
/// gone afterwards: no process, no temp folder, the ports free again, loopback only.
#[test]
fn software_models_pass_and_nothing_outlives_the_harness() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let resolvers = installed(&Software::ALL);
    let report = dns_harness::run(&Options {
        resolvers: resolvers.clone(),
        scaled: floor_scenario(12),
        model_override: None,
    })
    .expect("harness runs");
    for r in &report.results {
        assert_eq!(
            r.outcome,
            Outcome::Ran { pass: true },
            "{}: D {} crit {} obs {:?} model n {}",
            r.software.name(),
            r.ks,
            r.critical,
            r.observed.delays,
            r.predicted.delays.len()
        );
        let port = r.port.expect("ran, so it had a port");
        assert!(
            port_is_free(port),
            "{}: port {port} still bound",
            r.software.name()
        );
        if let Some(pid) = r.pid {
            let cmdline = std::fs::read(format!("/proc/{pid}/cmdline")).unwrap_or_default();
            assert!(
                !String::from_utf8_lossy(&cmdline).contains("gtsim-"),
                "{} (pid {pid}) still running",
                r.software.name()
            );
        }
    }
    assert!(
        port_is_free(report.auth_port),
        "authoritative port still bound"
    );
    let prefix = "gtsim-";
    let me = format!("-{}-", std::process::id());
    for e in std::fs::read_dir(std::env::temp_dir()).unwrap().flatten() {
        let n = e.file_name().to_string_lossy().into_owned();
        let ours = Software::ALL
            .iter()
            .any(|s| n.starts_with(&format!("{prefix}{}{me}", s.name())));
        assert!(!ours, "temp folder {n} left behind");
    }
    // No process anywhere still runs from one of our temp folders.
    for p in std::fs::read_dir("/proc").unwrap().flatten() {
        let cmd = std::fs::read(p.path().join("cmdline")).unwrap_or_default();
        let cmd = String::from_utf8_lossy(&cmd).replace('\0', " ");
        assert!(
            !cmd.contains(&me) || !cmd.contains("gtsim-"),
            "leftover: {cmd}"
        );
    }
}
