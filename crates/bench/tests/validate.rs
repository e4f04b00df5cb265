//! `gtsim validate` flags: bad ones exit 2 naming the flag; the live runs themselves are tested
//! in crates/dns-harness/tests/live.rs and run in full by .ci/run.

use std::process::Command;

fn gtsim() -> Command {
    Command::new(env!("CARGO_BIN_EXE_gtsim"))
}

#[test]
fn unknown_resolver_exits_2_and_lists_the_known_ones() {
    let out = gtsim()
        .args([
            "validate",
            "--quick",
            "--resolver",
            "hickory",
            "--resolver",
            "powerdns",
        ])
        .args(["--out", "/nonexistent/never-written"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("--resolver[1]: unknown resolver \"powerdns\" (known: hickory, unbound, bind, dnsmasq, pdns-recursor, knot-resolver)"),
        "{err}"
    );
}

#[test]
fn bad_flag_values_exit_2() {
    let out = gtsim().args(["validate", "--seed", "x"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
}
