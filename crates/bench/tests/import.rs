//! `gtsim import aws|terraform` (docs/import.md) on the fixtures of `crates/aws-import`: bad
//! input exits 2 naming the file and JSON path and writes no file; a partial listing is refused;
//! a successful import writes the file (the same bytes twice); an imported workload runs.

mod common;

use std::fs;
use std::path::{Path, PathBuf};

use common::{Scratch, gtsim, tmp};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../aws-import/tests/fixtures")
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// A folder in `t` holding the named files of `fixtures/aws` (a subset of the folder).
fn aws_subset(t: &Scratch, files: &[&str]) -> PathBuf {
    let dir = t.join("in");
    fs::create_dir_all(&dir).unwrap();
    for f in files {
        fs::copy(fixtures().join("aws").join(f), dir.join(f)).unwrap();
    }
    dir
}

/// The only entries of `dir` (names), sorted: no temporary file may be left behind.
fn entries(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

fn stderr(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// The plain-IP records of `app.example.com` (weighted, health-checked) need their regions.
const REGION_OF: [&str; 4] = [
    "--region-of",
    "198.51.100.10=us-east-1",
    "--region-of",
    "203.0.113.20=eu-west-1",
];

#[test]
fn bad_aws_input_exits_2_naming_the_file_and_json_path_and_writes_no_file() {
    let t = tmp("import", "bad");
    let dir = aws_subset(&t, &["records.json", "health-checks.json", "zone.json"]);
    let text = fs::read_to_string(dir.join("records.json")).unwrap();
    let bad = text.replacen("\"Weight\": 100,", "\"Weight\": \"100\",", 1);
    assert_ne!(bad, text);
    fs::write(dir.join("records.json"), bad).unwrap();
    let outdir = t.join("out");
    fs::create_dir_all(&outdir).unwrap();
    let out = outdir.join("w.toml");
    let mut args = vec!["import", "aws", s(&dir), "--name", "app.example.com"];
    args.extend(["--out", s(&out)]);
    args.extend(REGION_OF);
    let o = gtsim(&args);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let e = stderr(&o);
    assert!(
        e.contains("records.json: ResourceRecordSets[5].Weight: expected an integer"),
        "{e}"
    );
    assert!(!out.exists());
    assert!(entries(&outdir).is_empty(), "{:?}", entries(&outdir));

    // Malformed JSON: the file, line and column; an existing output file is left as it was.
    fs::write(&out, "keep me").unwrap();
    fs::write(dir.join("records.json"), "{ \"ResourceRecordSets\": [ ").unwrap();
    let o = gtsim(&args);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("records.json"), "{}", stderr(&o));
    assert!(stderr(&o).contains("line"), "{}", stderr(&o));
    assert_eq!(fs::read_to_string(&out).unwrap(), "keep me");
    assert_eq!(entries(&outdir), ["w.toml"]);
}

#[test]
fn a_partial_listing_is_refused() {
    let t = tmp("import", "partial");
    let dir = t.join("in");
    fs::create_dir_all(&dir).unwrap();
    let f = "records-no-paginate.json";
    fs::copy(fixtures().join("single").join(f), dir.join(f)).unwrap();
    let out = t.join("w.toml");
    let o = gtsim(&[
        "import",
        "aws",
        s(&dir),
        "--name",
        "www.example.com",
        "--out",
        s(&out),
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let e = stderr(&o);
    assert!(
        e.contains("records-no-paginate.json: NextRecordName: the listing is partial"),
        "{e}"
    );
    assert!(!out.exists());
}

#[test]
fn bad_terraform_input_and_bad_flags_exit_2() {
    let t = tmp("import", "tfbad");
    let state = fixtures().join("terraform/state.json");
    let out = t.join("w.toml");
    // A state given as the plan.
    let o = gtsim(&[
        "import",
        "terraform",
        s(&state),
        "--plan",
        s(&state),
        "--name",
        "www.example.com",
        "--out",
        s(&out),
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("state.json: not a plan"),
        "{}",
        stderr(&o)
    );
    // A plain IP record without --region-of names the resource address.
    let o = gtsim(&[
        "import",
        "terraform",
        s(&state),
        "--name",
        "app.example.com",
        "--out",
        s(&out),
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("aws_route53_record.app_site_a"),
        "{}",
        stderr(&o)
    );
    // --region-of without '=', an unknown region, --compare with another value.
    for bad in [
        ["--region-of", "198.51.100.10"],
        ["--region-of", "198.51.100.10=mars-1"],
        ["--compare", "cloudfront"],
    ] {
        let mut args = vec![
            "import",
            "terraform",
            s(&state),
            "--name",
            "www.example.com",
        ];
        args.extend(["--out", s(&out)]);
        args.extend(bad);
        let o = gtsim(&args);
        assert_eq!(o.status.code(), Some(2), "{bad:?}: {}", stderr(&o));
    }
    assert!(entries(&t).is_empty(), "{:?}", entries(&t));
}

#[test]
fn an_import_writes_the_file_saying_how_it_was_made() {
    let t = tmp("import", "ok");
    let dir = fixtures().join("aws");
    let out = t.join("sub").join("www.toml");
    let args = [
        "import",
        "aws",
        s(&dir),
        "--name",
        "www.example.com",
        "--out",
        s(&out),
    ];
    let o = gtsim(&args);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = fs::read_to_string(&out).unwrap();
    let mut lines = text.lines();
    assert_eq!(
        lines.next().unwrap(),
        format!(
            "# Command: gtsim import aws {} --name www.example.com --out {}",
            dir.display(),
            out.display()
        )
    );
    assert!(
        lines
            .next()
            .unwrap()
            .starts_with("# Imported by gtsim import aws ("),
        "{text}"
    );
    let doc: toml::Table = text.parse().expect("the output is TOML");
    assert!(doc["arms"].as_array().unwrap().len() >= 2, "{text}");
    // Notes go to stderr, and the file is written.
    assert!(stderr(&o).contains(&format!("wrote {}", out.display())));
    // The same input, the same bytes; no temporary file left.
    let o = gtsim(&args);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(fs::read_to_string(&out).unwrap(), text);
    assert_eq!(entries(&t.join("sub")), ["www.toml"]);
}

#[test]
fn a_terraform_import_with_a_plan_writes_the_planned_arms() {
    let t = tmp("import", "tf");
    let tf = fixtures().join("terraform");
    let out = t.join("www.toml");
    let o = gtsim(&[
        "import",
        "terraform",
        s(&tf.join("state.json")),
        "--plan",
        s(&tf.join("plan.json")),
        "--name",
        "www.example.com",
        "--out",
        s(&out),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = fs::read_to_string(&out).unwrap();
    assert!(
        text.starts_with("# Command: gtsim import terraform "),
        "{text}"
    );
    let doc: toml::Table = text.parse().unwrap();
    let names: Vec<&str> = doc["arms"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["name"].as_str().unwrap())
        .collect();
    assert!(names.iter().any(|n| n.ends_with("-planned")), "{names:?}");
}

/// Import, then `gtsim run --clients 2000`; returns the run's summary.json.
fn round_trip(t: &Scratch, import: &[&str]) -> serde_json::Value {
    let wl = t.join("w.toml");
    let mut args = import.to_vec();
    args.extend(["--out", s(&wl)]);
    let o = gtsim(&args);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        !stderr(&o).contains("does not accept"),
        "the loader refuses the import: {}",
        stderr(&o)
    );
    let run = t.join("run");
    let o = gtsim(&[
        "run",
        s(&wl),
        "--clients",
        "2000",
        "--quiet",
        "--out",
        s(&run),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    serde_json::from_str(&fs::read_to_string(run.join("summary.json")).unwrap()).unwrap()
}

fn arm_names(summary: &serde_json::Value) -> Vec<String> {
    summary["arms"]
        .as_array()
        .expect("summary.json arms")
        .iter()
        .map(|a| a["name"].as_str().unwrap().to_string())
        .collect()
}

/// The Route 53 files of the fixture folder (no accelerator, no load balancer: plain IP records
/// with HTTP and TCP health checks) and `--compare ga` (an ec2 accelerator over their regions):
/// both products, in keys today's loader accepts.
#[test]
fn round_trip_route53_weighted_with_ga_compare_runs() {
    let t = tmp("import", "rt");
    let dir = aws_subset(&t, &["records.json", "health-checks.json", "zone.json"]);
    let mut args = vec!["import", "aws", s(&dir), "--name", "app.example.com"];
    args.extend(REGION_OF);
    args.extend(["--compare", "ga"]);
    let summary = round_trip(&t, &args);
    assert_eq!(arm_names(&summary), ["r53-weighted", "ga-compare"]);
}

#[test]
fn round_trip_route53_multivalue_runs() {
    let t = tmp("import", "rtmv");
    let dir = aws_subset(&t, &["records.json", "health-checks.json", "zone.json"]);
    let mut args = vec!["import", "aws", s(&dir), "--name", "mv.example.com"];
    args.extend(REGION_OF);
    let summary = round_trip(&t, &args);
    assert_eq!(arm_names(&summary).len(), 1);
}

/// The whole fixture folder: Global Accelerator listeners with ALB/NLB endpoints and alias
/// records to load balancers, written as `regions[].load_balancer` and
/// `endpoint_groups[].endpoints`, which the loader does not accept yet.
#[test]
fn round_trip_whole_aws_fixture_folder() {
    let t = tmp("import", "rtall");
    let dir = fixtures().join("aws");
    let summary = round_trip(&t, &["import", "aws", s(&dir), "--name", "www.example.com"]);
    assert!(arm_names(&summary).len() >= 2);
}

/// Terraform's fixtures alias every name clients resolve to a load balancer.
#[test]
fn round_trip_terraform_state_and_plan() {
    let t = tmp("import", "rttf");
    let tf = fixtures().join("terraform");
    let (state, plan) = (tf.join("state.json"), tf.join("plan.json"));
    let summary = round_trip(
        &t,
        &[
            "import",
            "terraform",
            s(&state),
            "--plan",
            s(&plan),
            "--name",
            "www.example.com",
        ],
    );
    assert!(arm_names(&summary).len() >= 2);
}

/// The fixture folder plus `extra/more-records.json`, in one folder of `t`.
fn aws_with_extra(t: &Scratch) -> PathBuf {
    let dir = t.join("in");
    fs::create_dir_all(&dir).unwrap();
    for e in fs::read_dir(fixtures().join("aws")).unwrap() {
        let p = e.unwrap().path();
        fs::copy(&p, dir.join(p.file_name().unwrap())).unwrap();
    }
    let f = "more-records.json";
    fs::copy(fixtures().join("extra").join(f), dir.join(f)).unwrap();
    dir
}

/// Geoproximity records (an AWS region with bias 25, Dublin's coordinates with bias -10, a
/// region without bias) run as imported, with their policy in the summary.
#[test]
fn round_trip_geoproximity_runs() {
    let t = tmp("import", "rtgeoprox");
    let dir = aws_with_extra(&t);
    let summary = round_trip(
        &t,
        &["import", "aws", s(&dir), "--name", "near.example.com"],
    );
    // The Route 53 arm, and the accelerator's listener (in the folder whatever the name).
    assert!(
        arm_names(&summary).iter().any(|n| n.starts_with("r53-")),
        "{summary}"
    );
    let wl = fs::read_to_string(t.join("w.toml")).unwrap();
    assert!(wl.contains("policy = \"geoproximity\""), "{wl}");
    assert!(wl.contains("bias = -10"), "{wl}");
}

/// Geolocation with a US-state record (`location = { country, subdivision }`) runs as imported.
#[test]
fn round_trip_geolocation_with_a_subdivision_runs() {
    let t = tmp("import", "rtgeo");
    let summary = round_trip(
        &t,
        &[
            "import",
            "aws",
            s(&fixtures().join("aws")),
            "--name",
            "geo.example.com",
        ],
    );
    assert!(
        arm_names(&summary).iter().any(|n| n.starts_with("r53-")),
        "{summary}"
    );
    let wl = fs::read_to_string(t.join("w.toml")).unwrap();
    assert!(wl.contains("subdivision = \"WA\""), "{wl}");
}
