//! `gtsim sweep`: rows for every cell and arm, bytes independent of parallelism, resume after an
//! interruption, key-path errors, plots.

mod common;

use std::collections::BTreeSet;
use std::path::Path;

use common::{decode_png, gtsim, read, small_workload, tmp, write};

const HEADER: &str = "cell,seed,arms.0.ttl,arms.0.health_check.failure_threshold,arm,\
cohort_clients,detection_s,converge_p50_s,converge_p90_s,converge_p99_s,converge_p999_s,\
stale_converge_p50_s,stale_converge_p99_s,rto_p50_s,rto_p99_s,never_recovered,failed,requests,\
auth_queries,cost_usd_month,latency_p50_ms";

/// Runs the 2 × 2 sweep of the small workload (5k clients) into `out`; returns stdout.
fn sweep(workload: &Path, out: &Path, threads: &str) -> String {
    let o = gtsim(&[
        "sweep",
        workload.to_str().unwrap(),
        "--grid",
        "arms[0].ttl=10s,60s",
        "--grid",
        "arms.0.health_check.failure_threshold=1,3",
        "--threads",
        threads,
        "--quiet",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(
        o.status.success(),
        "sweep failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout).unwrap()
}

fn setup(name: &str) -> (common::Scratch, std::path::PathBuf) {
    let dir = tmp("sweep", name);
    let w = write(&dir, "w.toml", &small_workload("sweep-small", 5000));
    (dir, w)
}

#[test]
fn sweep_writes_every_cell_and_arm_and_draws_plots() {
    let (dir, w) = setup("rows");
    let out = dir.join("out");
    let stdout = sweep(&w, &out, "2");
    assert!(stdout.contains("ran 4 of 4 cells (0 already"), "{stdout}");
    let csv = read(&out.join("sweep.csv"));
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines[0], HEADER);
    assert_eq!(lines.len(), 1 + 4 * 2, "{csv}");
    let expected = [
        ("0", "10s", "1"),
        ("1", "10s", "3"),
        ("2", "60s", "1"),
        ("3", "60s", "3"),
    ];
    for (k, (cell, ttl, threshold)) in expected.iter().enumerate() {
        for (j, arm) in ["failover", "weighted"].iter().enumerate() {
            let f: Vec<&str> = lines[1 + 2 * k + j].split(',').collect();
            assert_eq!(f.len(), 21, "{}", lines[1 + 2 * k + j]);
            assert_eq!(
                (f[0], f[1], f[2], f[3], f[4]),
                (*cell, "7", *ttl, *threshold, *arm)
            );
            assert_eq!(f[5], "5000", "cohort clients");
            assert!(f[17].parse::<u64>().unwrap() > 0, "requests");
        }
    }
    // The grid changes the first arm only: its threshold moves detection, the weighted arm's
    // rows are the same in every cell.
    let col = |line: &str, i: usize| line.split(',').nth(i).unwrap().to_string();
    assert_ne!(
        col(lines[1], 6),
        col(lines[3], 6),
        "threshold 1 vs 3 detection"
    );
    assert_eq!(
        lines[2].split_once(",weighted,").unwrap().1,
        lines[8].split_once(",weighted,").unwrap().1
    );
    // The manifest records the normalised key.
    let manifest = read(&out.join("sweep.json"));
    assert!(manifest.contains("\"arms.0.ttl\""), "{manifest}");

    let md = read(&out.join("sweep.md"));
    for stem in ["heatmap-0-failover", "heatmap-1-weighted", "pareto"] {
        assert!(md.contains(&format!("plots/{stem}.png")), "md shows {stem}");
        let svg = read(&out.join("plots").join(format!("{stem}.svg")));
        assert!(svg.starts_with("<svg"), "{stem}.svg");
        let bytes = std::fs::read(out.join("plots").join(format!("{stem}.png"))).unwrap();
        let (w, h, px) = decode_png(&bytes);
        assert!(w >= 600 && h >= 250, "{stem}.png is {w}x{h}");
        let colours: BTreeSet<[u8; 4]> = px.iter().copied().collect();
        assert!(
            colours.len() > 3,
            "{stem}.png has {} colours",
            colours.len()
        );
        let white = px.iter().filter(|p| **p == [255, 255, 255, 255]).count();
        assert!(white > px.len() / 10, "{stem}.png has a white background");
    }
    assert!(md.contains("`arms.0.ttl`: \"10s\", \"60s\""), "{md}");
}

#[test]
fn sweep_csv_does_not_depend_on_parallelism() {
    let (dir, w) = setup("threads");
    sweep(&w, &dir.join("t1"), "1");
    sweep(&w, &dir.join("t2"), "2");
    sweep(&w, &dir.join("t3"), "3");
    let a = read(&dir.join("t1/sweep.csv"));
    assert_eq!(a, read(&dir.join("t2/sweep.csv")));
    assert_eq!(a, read(&dir.join("t3/sweep.csv")));
}

#[test]
fn an_interrupted_sweep_resumes_to_the_same_file() {
    let (dir, w) = setup("resume");
    let full = dir.join("full");
    sweep(&w, &full, "2");
    let whole = read(&full.join("sweep.csv"));
    let lines: Vec<&str> = whole.lines().collect();
    assert_eq!(lines.len(), 9);

    // Interrupted after 2 cells: cell 2 half written (one of its two rows, then a torn line),
    // cell 3 missing.
    let cut = dir.join("cut");
    std::fs::create_dir_all(&cut).unwrap();
    std::fs::copy(full.join("sweep.json"), cut.join("sweep.json")).unwrap();
    let kept = lines[..6].join("\n") + "\n" + &lines[6][..10];
    std::fs::write(cut.join("sweep.csv"), kept).unwrap();
    let stdout = sweep(&w, &cut, "2");
    assert!(
        stdout.contains("ran 2 of 4 cells (2 already in sweep.csv)"),
        "{stdout}"
    );
    assert_eq!(read(&cut.join("sweep.csv")), whole);

    // Nothing left to do: nothing runs, nothing changes.
    let stdout = sweep(&w, &cut, "2");
    assert!(stdout.contains("ran 0 of 4 cells (4 already"), "{stdout}");
    assert_eq!(read(&cut.join("sweep.csv")), whole);

    // A hole in the middle (cell 1 lost): only it runs and the file ends in cell order.
    let holed = [&lines[..3], &lines[5..]].concat().join("\n") + "\n";
    std::fs::write(cut.join("sweep.csv"), holed).unwrap();
    let stdout = sweep(&w, &cut, "1");
    assert!(stdout.contains("ran 1 of 4 cells (3 already"), "{stdout}");
    assert_eq!(read(&cut.join("sweep.csv")), whole);
}

#[test]
fn another_sweep_in_the_same_folder_is_refused() {
    let (dir, w) = setup("mismatch");
    let out = dir.join("out");
    sweep(&w, &out, "2");
    let before = read(&out.join("sweep.csv"));
    let o = gtsim(&[
        "sweep",
        w.to_str().unwrap(),
        "--grid",
        "arms.0.ttl=10s,30s",
        "--grid",
        "arms.0.health_check.failure_threshold=1,3",
        "--out",
        out.to_str().unwrap(),
    ]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("pick another --out"), "{err}");
    assert_eq!(read(&out.join("sweep.csv")), before);
}

#[test]
fn bad_key_paths_and_values_exit_2_naming_them_before_running() {
    let (dir, w) = setup("badkey");
    let run = |grid: &str| {
        let out = dir.join("out");
        let o = gtsim(&[
            "sweep",
            w.to_str().unwrap(),
            "--grid",
            grid,
            "--out",
            out.to_str().unwrap(),
        ]);
        assert!(!out.join("sweep.csv").exists(), "{grid}: nothing written");
        (
            o.status.code(),
            String::from_utf8_lossy(&o.stderr).to_string(),
        )
    };
    let (code, err) = run("arms.5.ttl=10s");
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.contains("arms.5.ttl") && err.contains("out of range"),
        "{err}"
    );
    let (code, err) = run("nosuch.table=1");
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("nosuch.table"), "{err}");
    let (code, err) = run("arms.0.ttl.x=1");
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.contains("arms.0.ttl.x") && err.contains("not a table"),
        "{err}"
    );
    // A value the loader refuses: the cell and the loader's key path are named.
    let (code, err) = run("arms[0].health_check.failure_threshold=2,0");
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.contains("cell 1") && err.contains("arms[0].health_check.failure_threshold"),
        "{err}"
    );
    // An unknown key created at the end of an existing table is validated like a workload.
    let (code, err) = run("simulation.bogus=1");
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("bogus"), "{err}");
}

#[test]
fn a_single_key_sweep_draws_a_strip() {
    let (dir, w) = setup("strip");
    let out = dir.join("out");
    let o = gtsim(&[
        "sweep",
        w.to_str().unwrap(),
        "--grid",
        "arms.1.ttl=banana,60s",
        "--seeds",
        "2",
        "--quiet",
        "--out",
        out.to_str().unwrap(),
    ]);
    let err = String::from_utf8_lossy(&o.stderr);
    // A bare word is a string; the loader refuses it as a duration.
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("arms[1].ttl"), "{err}");

    let o = gtsim(&[
        "sweep",
        w.to_str().unwrap(),
        "--grid",
        "arms.1.ttl=10s,60s",
        "--seeds",
        "2",
        "--quiet",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let csv = read(&out.join("sweep.csv"));
    let seeds: Vec<(&str, &str)> = csv
        .lines()
        .skip(1)
        .map(|l| {
            let mut f = l.split(',');
            (f.next().unwrap(), f.next().unwrap())
        })
        .collect();
    assert_eq!(
        seeds,
        [
            ("0", "7"),
            ("0", "7"),
            ("1", "8"),
            ("1", "8"),
            ("2", "7"),
            ("2", "7"),
            ("3", "8"),
            ("3", "8")
        ]
    );
    let bytes = std::fs::read(out.join("plots/heatmap-1-weighted.png")).unwrap();
    let (_, _, px) = decode_png(&bytes);
    assert!(px.iter().collect::<BTreeSet<_>>().len() > 3);
    assert!(read(&out.join("plots/heatmap-1-weighted.svg")).contains("mean over 2 seeds"));
}

/// A real interruption: SIGINT (as Ctrl-C sends) once the first cell is on disk; the sweep stops
/// after its running cell with status 130, keeping whole cells only, and the rerun completes the
/// same file as an uninterrupted sweep.
#[cfg(unix)]
#[test]
fn ctrl_c_keeps_finished_cells_and_a_rerun_completes_them() {
    let dir = tmp("sweep", "sigint");
    let w = write(&dir, "w.toml", &small_workload("sweep-sigint", 20000));
    let args = |out: &Path| -> Vec<String> {
        [
            "sweep",
            w.to_str().unwrap(),
            "--grid",
            "arms.0.ttl=10s,60s",
            "--grid",
            "arms.0.health_check.failure_threshold=1,3",
            "--seeds",
            "3",
            "--threads",
            "1",
            "--quiet",
            "--out",
            out.to_str().unwrap(),
        ]
        .map(String::from)
        .to_vec()
    };
    let whole_dir = dir.join("whole");
    let o = gtsim(
        &args(&whole_dir)
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>(),
    );
    assert!(o.status.success());
    let whole = read(&whole_dir.join("sweep.csv"));

    let out = dir.join("cut");
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_gtsim"))
        .args(args(&out))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let csv = out.join("sweep.csv");
    let t0 = std::time::Instant::now();
    while std::fs::read_to_string(&csv).map_or(0, |t| t.lines().count()) < 3 {
        assert!(t0.elapsed().as_secs() < 120, "no cell finished");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let sent = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(sent.success());
    let status = child.wait().unwrap();
    let partial = read(&csv);
    if status.code() == Some(130) {
        // Whole cells only, a prefix of the uninterrupted file.
        assert!(whole.starts_with(&partial), "{partial}");
        assert!((partial.lines().count() - 1).is_multiple_of(2));
        assert!(partial.len() < whole.len());
    } else {
        // The sweep finished before the signal arrived: nothing to resume, still the same.
        assert!(status.success(), "{status:?}");
    }
    let o = gtsim(&args(&out).iter().map(String::as_str).collect::<Vec<_>>());
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(read(&csv), whole);
}

/// Runs a 2 × 1 sweep (arms.0.ttl=10s,60s) of the small workload with `seeds` seeds into `out`.
fn sweep_seeds(workload: &Path, out: &Path, seeds: &str) {
    let o = gtsim(&[
        "sweep",
        workload.to_str().unwrap(),
        "--grid",
        "arms.0.ttl=10s,60s",
        "--seeds",
        seeds,
        "--quiet",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

const SUMMARISED: [&str; 6] = [
    "converge_p50_s",
    "converge_p99_s",
    "stale_converge_p99_s",
    "rto_p99_s",
    "auth_queries",
    "cost_usd_month",
];

#[test]
fn seeds_give_confidence_intervals_per_grid_point() {
    let (dir, w) = setup("ci");
    let out = dir.join("out");
    sweep_seeds(&w, &out, "3");
    let csv = read(&out.join("sweep.csv"));
    let head: Vec<&str> = csv.lines().next().unwrap().split(',').collect();
    let col = |name: &str| head.iter().position(|h| *h == name).unwrap();
    let rows: Vec<Vec<&str>> = csv
        .lines()
        .skip(1)
        .map(|l| l.split(',').collect())
        .collect();
    assert_eq!(rows.len(), 2 * 3 * 2);

    let summary = read(&out.join("sweep-summary.csv"));
    let lines: Vec<&str> = summary.lines().collect();
    assert_eq!(
        lines[0],
        "point,arms.0.ttl,arm,figure,n,mean,ci95_half_width"
    );
    assert_eq!(lines.len(), 1 + 2 * 2 * SUMMARISED.len(), "{summary}");
    let mut k = 1;
    let mut defined = 0;
    for (point, ttl) in [(0usize, "10s"), (1, "60s")] {
        for arm in ["failover", "weighted"] {
            for fig in SUMMARISED {
                let f: Vec<&str> = lines[k].split(',').collect();
                k += 1;
                assert_eq!(f.len(), 7, "{}", lines[k - 1]);
                assert_eq!(
                    (f[0], f[1], f[2], f[3]),
                    (point.to_string().as_str(), ttl, arm, fig)
                );
                // Recompute from the per-seed rows: cells 3p..3p+2.
                let vals: Vec<f64> = rows
                    .iter()
                    .filter(|r| r[0].parse::<usize>().unwrap() / 3 == point && r[3] == arm)
                    .filter_map(|r| r[col(fig)].parse::<f64>().ok())
                    .collect();
                assert_eq!(f[4], vals.len().to_string(), "{}", lines[k - 1]);
                if vals.is_empty() {
                    assert_eq!((f[5], f[6]), ("", ""), "{}", lines[k - 1]);
                    continue;
                }
                defined += 1;
                assert_eq!(vals.len(), 3, "{}", lines[k - 1]);
                let mean = vals.iter().sum::<f64>() / 3.0;
                let got: f64 = f[5].parse().unwrap();
                assert!(
                    (got - mean).abs() <= 1e-9 * mean.abs().max(1.0),
                    "{}: {got} vs {mean}",
                    lines[k - 1]
                );
                let hw: f64 = f[6].parse().unwrap();
                assert!(hw >= 0.0 && hw.is_finite(), "{}", lines[k - 1]);
            }
        }
    }
    // Auth queries and at least the converge figures are defined everywhere.
    assert!(defined >= 2 * 2 * 2, "{summary}");

    let md = read(&out.join("sweep.md"));
    assert!(
        md.contains("## Confidence intervals per grid point"),
        "{md}"
    );
    assert!(
        md.contains("### failover") && md.contains("### weighted"),
        "{md}"
    );
    assert!(
        md.contains(
            "| `arms.0.ttl` | converge p50 (s) | converge p99 (s) | stale p99 (s) | \
             RTO p99 (s) | auth queries | cost (USD/month) |"
        ),
        "{md}"
    );
    assert!(md.contains("| 10s | ") && md.contains("| 60s | "), "{md}");
    assert!(md.contains(" (3) |"), "{md}");
    assert!(!md.contains("± n/a"), "{md}");

    // Rerunning the finished sweep rewrites the same summary.
    sweep_seeds(&w, &out, "3");
    assert_eq!(read(&out.join("sweep-summary.csv")), summary);
}

#[test]
fn one_seed_gives_no_interval() {
    let (dir, w) = setup("ci1");
    let out = dir.join("out");
    sweep_seeds(&w, &out, "1");
    let summary = read(&out.join("sweep-summary.csv"));
    for l in summary.lines().skip(1) {
        let f: Vec<&str> = l.split(',').collect();
        assert!(f[4] == "1" || f[4] == "0", "{l}");
        assert_eq!(f[6], "", "{l}");
    }
    let md = read(&out.join("sweep.md"));
    assert!(md.contains("± n/a (1)"), "{md}");
}
