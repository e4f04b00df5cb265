//! Loader tests: robustness.

use super::*;

/// A small deterministic generator (xorshift64*), so failures reproduce.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}

const TOKENS: &[&str] = &[
    "=",
    "[",
    "]",
    "[[",
    "]]",
    "\"",
    "{",
    "}",
    ",",
    "\n",
    "-",
    "0",
    "1",
    "-1",
    ".",
    "#",
    "true",
    "false",
    "\"s\"",
    "1e400",
    "nan",
    "inf",
    "9223372036854775807",
    "-9223372036854775808",
    "\"1/0s\"",
    "\"0s\"",
    "\"99999999999d\"",
    "arms",
    "records",
    "health_check",
    "µ",
    "\u{0}",
];

fn mutate(rng: &mut Rng, base: &str) -> String {
    let mut chars: Vec<char> = base.chars().collect();
    for _ in 0..1 + rng.below(4) {
        let at = rng.below(chars.len() + 1);
        match rng.below(4) {
            0 => {
                let end = (at + 1 + rng.below(20)).min(chars.len());
                chars.drain(at.min(end)..end);
            }
            1 | 2 => {
                let tok = TOKENS[rng.below(TOKENS.len())];
                for (k, c) in tok.chars().enumerate() {
                    chars.insert(at + k, c);
                }
            }
            _ => {
                // Duplicate a slice somewhere else.
                let end = (at + rng.below(80)).min(chars.len());
                let piece: Vec<char> = chars[at.min(end)..end].to_vec();
                let to = rng.below(chars.len() + 1);
                for (k, c) in piece.into_iter().enumerate() {
                    chars.insert(to + k, c);
                }
            }
        }
    }
    chars.into_iter().collect()
}

#[test]
fn mutated_input_never_panics() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    // GTSIM_FUZZ_ITERS raises the count for a longer local run.
    let iters: usize = std::env::var("GTSIM_FUZZ_ITERS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(600);
    let mut loaded = 0;
    for i in 0..iters {
        let base = if i % 2 == 0 { MINIMAL } else { FULL };
        let text = mutate(&mut rng, base);
        if parse_workload(&text).is_ok() {
            loaded += 1;
        }
    }
    // Some mutations (e.g. inside comments or of a name) still load; most do not.
    assert!(loaded < iters);
}

#[test]
fn every_value_replaced_by_garbage_never_panics() {
    const VALUES: &[&str] = &[
        "true",
        "-1",
        "0",
        "1",
        "\"x\"",
        "[]",
        "{}",
        "9223372036854775807",
        "-9223372036854775808",
        "nan",
        "inf",
        "-inf",
        "1.5",
        "\"1/0s\"",
        "\"0s\"",
        "\"10s\"",
        "[1, \"a\"]",
        "{ mode = \"cap\" }",
        "1979-05-27",
        "\"99999999999999999999d\"",
    ];
    for base in [MINIMAL, FULL] {
        let lines: Vec<&str> = base.lines().collect();
        for (i, line) in lines.iter().enumerate() {
            let Some((key, _)) = line.split_once(" = ") else {
                continue;
            };
            for v in VALUES {
                let mut l = lines.clone();
                let replaced = format!("{key} = {v}");
                l[i] = &replaced;
                let text = l.join("\n");
                if let Err(e) = parse_workload(&text) {
                    assert!(!e.message.is_empty());
                }
            }
        }
    }
}
