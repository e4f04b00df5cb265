mod common;
use common::*;

#[test]
fn print_outputs() {
    for name in ["www.example.com", "api.example.com", "geo.example.com", "rc.example.com", "app.example.com", "mv.example.com", "edge.example.com", "ga.example.com"] {
        match aws_import::import_aws_docs(&aws_docs(), &opts(name)) {
            Ok(i) => println!("=== {name}\n{}", i.toml),
            Err(e) => println!("=== {name} ERR {e}"),
        }
    }
    let st = read("terraform/state.json");
    let pl = read("terraform/plan.json");
    match aws_import::import_terraform_docs(("state.json", &st), Some(("plan.json", &pl)), &opts("api.example.com")) {
        Ok(i) => println!("=== tf\n{}", i.toml),
        Err(e) => println!("=== tf ERR {e}"),
    }
}
