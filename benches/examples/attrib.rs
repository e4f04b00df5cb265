// TEMPORARY (not committed): figures of a workload under model-parameter variants.
use sim_engine::config::{GaFailoverReading, ModelParams, ProbeShedding};
use sim_engine::run::{RunOptions, run_with};
fn main() {
    let a: Vec<String> = std::env::args().collect();
    let text = std::fs::read_to_string(&a[1]).unwrap();
    let mut w = gtsim::workload::parse_workload(&text).unwrap();
    w.simulation.clients = a[2].parse().unwrap();
    let base = ModelParams::defaults(&w);
    let mut variants: Vec<(&str, ModelParams)> = vec![("default", base.clone())];
    let mut p = base.clone();
    for lb in &mut p.load_balancers {
        lb.health_check.timeout = 6_000_000;
    }
    variants.push(("elb-timeout-6s", p));
    let mut p = base.clone();
    p.ga.edge_backend_connect_timeout = Some(3_000_000);
    variants.push(("edge-timeout-3s", p));
    let mut p = base.clone();
    p.ga.failback_delay = 0;
    variants.push(("failback-0", p));
    let mut p = base.clone();
    p.ga.failover = GaFailoverReading::ThreeClosest;
    variants.push(("three-closest", p));
    if w.regions.iter().any(|r| r.capacity_rps.is_some()) {
        let mut p = base.clone();
        for x in &mut p.probes {
            *x = ProbeShedding::all(x.route53);
        }
        variants.push(("elb-shed", p));
    }
    for (name, p) in variants {
        p.validate(&w).unwrap();
        let out = run_with(&w, &p, &RunOptions::default(), &|_, _| {}).unwrap();
        for (arm, act) in out.summary.arms.iter().zip(&out.act_s) {
            println!(
                "{name:16} {:32} det {:?} act {:?} conv {:?}/{:?}/{:?} lat {:?}/{:?}/{:?} flat {:?}/{:?} rto50 {:?} fail {} auth {} cost {:?}",
                arm.name,
                arm.detection_s,
                act.map(|a| (a.p50, a.max)),
                arm.converge_s.p50,
                arm.converge_s.p90,
                arm.converge_s.p99,
                arm.latency_ms.p50,
                arm.latency_ms.p90,
                arm.latency_ms.p99,
                arm.failure_latency_ms.p50,
                arm.failure_latency_ms.p99,
                arm.rto_s.p50,
                arm.failed,
                arm.auth_queries,
                arm.cost_usd_month
            );
        }
    }
}
