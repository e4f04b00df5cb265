//! The committed seed-claims report (results/seed-claims) is what the committed code produces:
//! rerunning `gtsim claims` gives the same bytes. When a model change moves a number, this test
//! fails until the report is regenerated with the command in it.

mod common;
use common::{gtsim, read, repo};

#[test]
fn committed_seed_claims_report_is_reproduced_byte_for_byte() {
    let dir = common::tmp("claims", "rerun");
    let o = gtsim(&["claims", "--out", dir.to_str().unwrap()]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let committed = repo().join("results/seed-claims");
    let fresh = read(&dir.join("README.md")).replace(dir.to_str().unwrap(), "results/seed-claims");
    assert_eq!(
        fresh,
        read(&committed.join("README.md")),
        "results/seed-claims/README.md is stale: regenerate it with `gtsim claims --out results/seed-claims`"
    );
    for entry in std::fs::read_dir(&committed).unwrap() {
        let p = entry.unwrap().path();
        if p.is_dir() {
            let name = p.file_name().unwrap();
            assert_eq!(
                read(&dir.join(name).join("summary.json")),
                read(&p.join("summary.json")),
                "{} is stale",
                p.display()
            );
        }
    }
}
