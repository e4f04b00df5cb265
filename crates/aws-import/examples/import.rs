//! Until `gtsim import` is wired: `cargo run --release -p aws-import --example import -- aws DIR
//! --name FQDN [--compare ga|route53] [--region-of ADDR=REGION]…` or `… -- terraform STATE
//! [--plan PLAN] --name FQDN …`; prints the workload on stdout, notes on stderr, exit 2 on bad
//! input.
use aws_import::{ImportOptions, Product};
use std::path::PathBuf;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut opts = ImportOptions::default();
    let mut plan = None;
    let mut it = args.iter().skip(2);
    while let Some(a) = it.next() {
        let v = it.next().cloned().unwrap_or_default();
        match a.as_str() {
            "--name" => opts.name = v,
            "--plan" => plan = Some(PathBuf::from(v)),
            "--compare" => {
                opts.compare = Some(if v == "ga" {
                    Product::GlobalAccelerator
                } else {
                    Product::Route53
                })
            }
            "--region-of" => {
                let (addr, region) = v.split_once('=').unwrap_or((&v, ""));
                opts.region_of.insert(addr.to_string(), region.to_string());
            }
            other => {
                eprintln!("unknown option {other}");
                std::process::exit(2);
            }
        }
    }
    let (kind, path) = (
        args.first().map(String::as_str),
        args.get(1).map(PathBuf::from),
    );
    let r = match (kind, path) {
        (Some("aws"), Some(p)) => aws_import::import_aws_dir(&p, &opts),
        (Some("terraform"), Some(p)) => aws_import::import_terraform(&p, plan.as_deref(), &opts),
        _ => {
            eprintln!(
                "usage: import aws DIR --name FQDN … | import terraform STATE [--plan PLAN] --name FQDN …"
            );
            std::process::exit(2);
        }
    };
    match r {
        Ok(i) => {
            for n in &i.notes {
                eprintln!("note: {n}");
            }
            print!("{}", i.toml);
        }
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(e.exit_code());
        }
    }
}
