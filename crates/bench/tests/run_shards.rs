//! `gtsim run … --shards S --index I` and `gtsim merge DIR` (docs/distributed.md): the merged
//! folder is byte-identical to the one-machine run for S in {1, 3, 4} (all but perf.json,
//! which holds timings), missing parts are listed, a part of another run is refused naming its
//! file, lockstep workloads are refused.

mod common;

use std::path::Path;
use std::process::Output;

use common::{gtsim, repo, small_workload, tmp, write};

fn ok(o: &Output) {
    assert!(
        o.status.success(),
        "failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
}

fn run(w: &Path, out: &Path, extra: &[&str]) -> Output {
    let mut args = vec![
        "run",
        w.to_str().unwrap(),
        "--quiet",
        "--threads",
        "2",
        "--out",
        out.to_str().unwrap(),
    ];
    args.extend(extra);
    gtsim(&args)
}

/// Every file under `dir` but perf.json and shards/, by relative path.
fn files(dir: &Path, rel: &str, v: &mut Vec<(String, Vec<u8>)>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir.join(rel))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for p in entries {
        let name = p.file_name().unwrap().to_string_lossy().into_owned();
        let r = if rel.is_empty() {
            name.clone()
        } else {
            format!("{rel}/{name}")
        };
        if p.is_dir() {
            if name != "shards" {
                files(dir, &r, v);
            }
        } else if name != "perf.json" {
            v.push((r, std::fs::read(&p).unwrap()));
        }
    }
}

#[test]
fn merged_parts_are_byte_identical_to_the_one_machine_run() {
    let dir = tmp("run-shards", "identical");
    // More clients than one resolver shard holds, so that every index has shards.
    let w = write(&dir, "w.toml", &small_workload("run-shards", 9000));
    let out = dir.join("out");
    // The one-machine run in the same folder name (command.txt and the report name it).
    ok(&run(&w, &out, &["--seed", "3"]));
    let mut want = Vec::new();
    files(&out, "", &mut want);
    assert!(want.iter().any(|(n, _)| n == "summary.json"));
    assert!(want.iter().any(|(n, _)| n.starts_with("plots/")));
    for s in [1u64, 3, 4] {
        std::fs::remove_dir_all(&out).unwrap();
        for i in 0..s {
            ok(&run(
                &w,
                &out,
                &[
                    "--seed",
                    "3",
                    "--shards",
                    &s.to_string(),
                    "--index",
                    &i.to_string(),
                ],
            ));
        }
        assert!(
            !out.join("summary.json").exists(),
            "nothing looks complete before the merge"
        );
        ok(&gtsim(&["merge", out.to_str().unwrap(), "--quiet"]));
        let mut got = Vec::new();
        files(&out, "", &mut got);
        assert_eq!(
            got.iter().map(|f| &f.0).collect::<Vec<_>>(),
            want.iter().map(|f| &f.0).collect::<Vec<_>>()
        );
        for ((n, a), (_, b)) in want.iter().zip(&got) {
            assert!(a == b, "S={s}: {n} differs from the one-machine run");
        }
    }
}

#[test]
fn missing_and_foreign_parts_and_lockstep_are_refused() {
    let dir = tmp("run-shards", "refused");
    let w = write(&dir, "w.toml", &small_workload("run-shards", 5000));
    let out = dir.join("out");
    ok(&run(&w, &out, &["--shards", "3", "--index", "0"]));
    ok(&run(&w, &out, &["--shards", "3", "--index", "2"]));
    let o = gtsim(&["merge", out.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("missing parts 1 of 3") && err.contains("--array=1 "),
        "{err}"
    );
    assert!(!out.join("summary.json").exists());
    // Another --clients into the same folder is refused, naming the file.
    let o = run(
        &w,
        &out,
        &["--clients", "4000", "--shards", "3", "--index", "1"],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("run.json"));
    ok(&run(&w, &out, &["--shards", "3", "--index", "1"]));
    // A part whose workload hash does not match: refused at merge, naming the part.
    let part = out.join("shards/run-part-1-of-3.json");
    let t = std::fs::read_to_string(&part).unwrap();
    let i = t.find("\"workload_fnv1a64\":\"").unwrap() + 20;
    let mut bad = t.clone();
    bad.replace_range(i..i + 16, "0123456789abcdef");
    std::fs::write(&part, bad).unwrap();
    let o = gtsim(&["merge", out.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("run-part-1-of-3.json") && err.contains("another run"),
        "{err}"
    );
    std::fs::write(&part, t).unwrap();
    ok(&gtsim(&["merge", out.to_str().unwrap(), "--quiet"]));
    // Lockstep: refused with exit 2.
    let lock = repo().join("workloads/seed002-split-brain-capacity.toml");
    let o = run(
        &lock,
        &dir.join("lock"),
        &["--clients", "2000", "--shards", "2", "--index", "0"],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("capacity_rps"));
    // A bad index from the environment names the variable.
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_gtsim"))
        .args([
            "run",
            w.to_str().unwrap(),
            "--quiet",
            "--out",
            out.to_str().unwrap(),
        ])
        .args(["--shards", "3", "--index-from-env", "JOB_COMPLETION_INDEX"])
        .env("JOB_COMPLETION_INDEX", "7")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("JOB_COMPLETION_INDEX"));
}
