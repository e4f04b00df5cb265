//! `gtsim sweep … --shards S --index I` and `gtsim sweep merge DIR` (docs/distributed.md): the
//! merged folder is byte-identical to a one-machine sweep for S in {1, 3, 4}, an index run twice
//! is harmless, missing cells are listed with the commands that rerun them, a shard of another
//! sweep is refused naming its file.

mod common;

use std::path::Path;
use std::process::Output;

use common::{gtsim, read, small_workload, tmp, write};

const GRID: [&str; 4] = [
    "--grid",
    "arms[0].ttl=10s,60s",
    "--grid",
    "arms.0.health_check.failure_threshold=1,3",
];

fn sweep(w: &Path, out: &Path, extra: &[&str]) -> Output {
    let mut args = vec!["sweep", w.to_str().unwrap()];
    args.extend(GRID);
    args.extend(["--seeds", "2", "--threads", "2", "--quiet", "--out"]);
    args.push(out.to_str().unwrap());
    args.extend(extra);
    gtsim(&args)
}

fn ok(o: &Output) -> String {
    assert!(
        o.status.success(),
        "failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn merge(out: &Path) -> Output {
    gtsim(&["sweep", "merge", out.to_str().unwrap()])
}

/// Every file of a one-machine sweep folder, by relative path.
fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut v = Vec::new();
    for name in ["sweep.csv", "sweep.json", "sweep.md", "sweep-summary.csv"] {
        v.push((name.to_string(), std::fs::read(dir.join(name)).unwrap()));
    }
    let mut plots: Vec<_> = std::fs::read_dir(dir.join("plots"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    plots.sort();
    for p in plots {
        let name = p.file_name().unwrap().to_string_lossy().into_owned();
        v.push((format!("plots/{name}"), std::fs::read(&p).unwrap()));
    }
    v
}

#[test]
fn merged_shards_are_byte_identical_to_a_one_machine_sweep() {
    let dir = tmp("sweep-shards", "identical");
    let w = write(&dir, "w.toml", &small_workload("sweep-shards", 3000));
    let local = dir.join("local");
    ok(&sweep(&w, &local, &[]));
    let want = files(&local);
    assert!(want.len() > 4, "plots drawn");
    for s in [1u64, 3, 4] {
        let out = dir.join(format!("s{s}"));
        for i in 0..s {
            let stdout = ok(&sweep(
                &w,
                &out,
                &["--shards", &s.to_string(), "--index", &i.to_string()],
            ));
            assert!(stdout.contains(&format!("index {i} of {s}")), "{stdout}");
            assert!(
                !out.join("sweep.csv").exists(),
                "no sweep.csv before the merge"
            );
        }
        ok(&merge(&out));
        let got = files(&out);
        assert_eq!(got.len(), want.len(), "S={s}");
        for ((n, a), (m, b)) in want.iter().zip(&got) {
            assert_eq!(n, m);
            assert!(a == b, "S={s}: {n} differs from the one-machine sweep");
        }
        // Merging again is harmless and gives the same bytes.
        ok(&merge(&out));
        assert_eq!(files(&out), got);
    }
}

#[test]
fn an_index_run_twice_is_harmless_and_missing_cells_are_listed() {
    let dir = tmp("sweep-shards", "rerun");
    let w = write(&dir, "w.toml", &small_workload("sweep-shards", 3000));
    let out = dir.join("out");
    ok(&sweep(&w, &out, &["--shards", "3", "--index", "0"]));
    // Index 0 again: it resumes (nothing to run), the rows file is unchanged.
    let rows = out.join("shards/sweep-0-of-3.csv");
    let before = read(&rows);
    let stdout = ok(&sweep(&w, &out, &["--shards", "3", "--index", "0"]));
    assert!(
        stdout.contains("ran 0 of 3 cells (3 already there)"),
        "{stdout}"
    );
    assert_eq!(read(&rows), before);
    // Index 1 from the environment; index 2 missing.
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_gtsim"))
        .args(["sweep", w.to_str().unwrap()])
        .args(GRID)
        .args(["--seeds", "2", "--quiet", "--out", out.to_str().unwrap()])
        .args(["--shards", "3", "--index-from-env", "TASK"])
        .env("TASK", "1")
        .output()
        .unwrap();
    ok(&o);
    let o = merge(&out);
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("missing shards 2 of 3"), "{err}");
    assert!(err.contains("cells missing (2,5)"), "{err}");
    assert!(err.contains("sbatch --array=2 "), "{err}");
    assert!(err.contains("--shards 3 --index 2"), "{err}");
    assert!(!out.join("sweep.csv").exists());
    ok(&sweep(&w, &out, &["--shards", "3", "--index", "2"]));
    // A duplicated block (two tasks of one index at once) with identical rows is fine.
    let twice = read(&rows);
    let body = &twice[twice.find('\n').unwrap() + 1..];
    std::fs::write(&rows, twice.clone() + body).unwrap();
    ok(&merge(&out));
    let csv = read(&out.join("sweep.csv"));
    assert_eq!(csv.lines().count(), 1 + 8 * 2);
    // Rows that differ for one cell are refused.
    std::fs::write(&rows, twice.clone() + &body.replacen(",10s,", ",10s,x", 1)).unwrap();
    let o = merge(&out);
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("cell 0:") && err.contains("different rows"),
        "{err}"
    );
}

#[test]
fn bad_index_and_foreign_shards_are_refused() {
    let dir = tmp("sweep-shards", "refused");
    let w = write(&dir, "w.toml", &small_workload("sweep-shards", 3000));
    let out = dir.join("out");
    for (env, want) in [
        (None, "TASK is not set"),
        (Some("x"), "TASK=\"x\" is not a non-negative integer"),
        (Some("3"), "index 3 is out of range for --shards 3"),
    ] {
        let mut c = std::process::Command::new(env!("CARGO_BIN_EXE_gtsim"));
        c.args(["sweep", w.to_str().unwrap()])
            .args(GRID)
            .args(["--quiet", "--out", out.to_str().unwrap()])
            .args(["--shards", "3", "--index-from-env", "TASK"])
            .env_remove("TASK");
        if let Some(v) = env {
            c.env("TASK", v);
        }
        let o = c.output().unwrap();
        assert_eq!(o.status.code(), Some(2));
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(
            err.contains("--index-from-env TASK") && err.contains(want),
            "{err}"
        );
    }
    ok(&sweep(&w, &out, &["--shards", "2", "--index", "0"]));
    // Another sweep into the same folder: refused, naming the manifest.
    let o = gtsim(&[
        "sweep",
        w.to_str().unwrap(),
        "--grid",
        "arms.0.ttl=20s,30s",
        "--quiet",
        "--out",
        out.to_str().unwrap(),
        "--shards",
        "2",
        "--index",
        "1",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("sweep.json"));
    ok(&sweep(&w, &out, &["--shards", "2", "--index", "1"]));
    // A shard file whose sidecar names another manifest: refused, naming the shard file.
    let side = out.join("shards/sweep-1-of-2.json");
    let text = read(&side);
    let i = text.find("\"manifest_fnv1a64\": \"").unwrap() + 21;
    let mut t = text.clone();
    t.replace_range(i..i + 16, "0123456789abcdef");
    std::fs::write(&side, t).unwrap();
    let o = merge(&out);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("sweep-1-of-2.csv") && err.contains("another sweep"),
        "{err}"
    );
}
