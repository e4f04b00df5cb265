//! Throughput of the harness's authoritative server and of Unbound answering from its cache,
//! measured with dnsperf (Debian package `dnsperf`) on loopback: the README's "Live validation"
//! figures. Run: `cargo run --release -p dns-harness --example throughput [SECONDS]`.

use std::process::Command;
use std::time::Duration;

use dns_harness::auth::Authoritative;
use dns_harness::procs::{TempDir, find_program};
use dns_harness::{resolvers, scenario};
use resolver_models::{Software, SoftwareConfig};

/// dnsperf's "Queries per second" for `port`, `secs` seconds, 2 clients.
fn dnsperf(
    dnsperf: &std::path::Path,
    port: u16,
    secs: u64,
    data: &std::path::Path,
) -> Result<f64, String> {
    let out = Command::new(dnsperf)
        .args(["-s", "127.0.0.1", "-p", &port.to_string(), "-d"])
        .arg(data)
        .args(["-c", "2", "-l", &secs.to_string(), "-q", "100"])
        .output()
        .map_err(|e| format!("dnsperf: {e}"))?;
    let text = String::from_utf8_lossy(&out.stdout);
    text.lines()
        .find_map(|l| l.trim().strip_prefix("Queries per second:"))
        .and_then(|v| v.trim().parse().ok())
        .ok_or_else(|| format!("no 'Queries per second' in dnsperf output:\n{text}"))
}

fn main() -> Result<(), String> {
    let secs: u64 = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(5);
    let dnsperf_bin =
        find_program("dnsperf").ok_or("dnsperf not found (Debian package dnsperf)")?;
    let dir = TempDir::new("throughput").map_err(|e| e.to_string())?;
    let data = dir.path().join("queries.txt");
    // One name of each kind (failover, weighted, latency, ARC): every answer is computed per
    // query by the policy code.
    std::fs::write(
        &data,
        "n0.example.test A\nn1.example.test A\nn2.example.test A\nn3.example.test A\n",
    )
    .map_err(|e| e.to_string())?;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    rt.block_on(async {
        let schedule = scenario::schedule(&scenario::Scaled::quick(1));
        let auth = Authoritative::start(schedule, 3600)
            .await
            .map_err(|e| e.to_string())?;
        let p = auth.port;
        let d = (dnsperf_bin.clone(), data.clone());
        let auth_qps = tokio::task::spawn_blocking(move || dnsperf(&d.0, p, secs, &d.1))
            .await
            .map_err(|e| e.to_string())??;
        println!(
            "authoritative (hickory-server 0.26, policy answers per query): {auth_qps:.0} queries/s"
        );
        let cfg = SoftwareConfig {
            min_ttl_s: 0,
            ..Software::Unbound.default_config()
        };
        match resolvers::start(Software::Unbound, &cfg, auth.port, scenario::source_addr(1)).await {
            Ok(unbound) => {
                let p = unbound.port;
                // Warm the cache with one query, then measure cached answers only.
                tokio::time::sleep(Duration::from_millis(100)).await;
                let d = (dnsperf_bin.clone(), data.clone());
                let qps = tokio::task::spawn_blocking(move || dnsperf(&d.0, p, secs, &d.1))
                    .await
                    .map_err(|e| e.to_string())??;
                println!("unbound (cached answers, 1 thread): {qps:.0} queries/s");
            }
            Err(e) => println!("unbound NOT RUN: {e}"),
        }
        Ok::<(), String>(())
    })
}
