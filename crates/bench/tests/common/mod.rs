//! Helpers shared by the integration tests: running the binary, scratch folders, and the small
//! two-arm workload they all use.
#![allow(dead_code)] // each test file uses a different subset

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Run the `gtsim` binary under test.
pub fn gtsim(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_gtsim"))
        .args(args)
        .output()
        .expect("gtsim runs")
}

/// A fresh, empty scratch folder for one test, removed when dropped unless the test is
/// panicking (then it stays for inspection).
pub struct Scratch(PathBuf);

impl std::ops::Deref for Scratch {
    type Target = PathBuf;
    fn deref(&self) -> &PathBuf {
        &self.0
    }
}

impl AsRef<Path> for Scratch {
    fn as_ref(&self) -> &Path {
        &self.0
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        if !std::thread::panicking() {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}

pub fn tmp(prefix: &str, name: &str) -> Scratch {
    let d = std::env::temp_dir().join(format!("gtsim-{prefix}-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    Scratch(d)
}

/// Write `text` as `dir/w.toml`, run it quietly into `dir/out`, assert it succeeded, and
/// return the output folder.
pub fn run_in(dir: &Path, text: &str) -> PathBuf {
    let wl = write(dir, "w.toml", text);
    let out = dir.join("out");
    let o = gtsim(&[
        "run",
        wl.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--quiet",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    out
}

pub fn read(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

pub fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    std::fs::create_dir_all(dir).unwrap();
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

/// The repository root.
pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The small two-arm workload (two regions, a 4 min blackhole of us-east-1 from 2 to 6 min, a
/// failover arm with fast checks and a weighted 100/0 arm) under the given name and size.
pub fn small_workload(name: &str, clients: u64) -> String {
    SMALL_TEMPLATE.replacen("cli-small", name, 1).replacen(
        "clients = 20000",
        &format!("clients = {clients}"),
        1,
    )
}

const SMALL_TEMPLATE: &str = r#"
name = "cli-small"
[simulation]
duration = "8m"
clients = 20000
seed = 7
[[regions]]
name = "us-east-1"
[[regions]]
name = "eu-west-1"
[clients]
keepalive_idle = "60s"
retries = 2
[[resolvers]]
name = "honest"
share = 0.8
clients_per_resolver = 200
[[resolvers]]
name = "floor"
share = 0.2
clients_per_resolver = 50
ttl = { mode = "floor", min = "120s" }
[[failures]]
region = "us-east-1"
at = "2m"
kind = "hard"
recover_at = "6m"
[[arms]]
name = "failover"
kind = "route53"
policy = "failover"
ttl = "60s"
health_check = { interval = "10s", failure_threshold = 2 }
[[arms]]
name = "weighted"
kind = "route53"
policy = "weighted"
ttl = "30s"
health_check = { interval = "30s", failure_threshold = 3 }
records = [ { region = "us-east-1", weight = 100 }, { region = "eu-west-1", weight = 0 } ]
"#;

/// Decodes a PNG into (width, height, RGBA pixels).
pub fn decode_png(bytes: &[u8]) -> (u32, u32, Vec<[u8; 4]>) {
    let mut decoder = png::Decoder::new(bytes);
    decoder.set_transformations(png::Transformations::normalize_to_color8());
    let mut reader = decoder.read_info().expect("a PNG header");
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).expect("a PNG frame");
    let channels = info.color_type.samples();
    let pixels = buf[..info.buffer_size()]
        .chunks_exact(channels)
        .map(|c| match channels {
            1 => [c[0], c[0], c[0], 255],
            2 => [c[0], c[0], c[0], c[1]],
            3 => [c[0], c[1], c[2], 255],
            _ => [c[0], c[1], c[2], c[3]],
        })
        .collect();
    (info.width, info.height, pixels)
}
