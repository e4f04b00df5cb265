//! Fuzz-style test of both importers: 6,000 mutated inputs (truncations, random bytes, flipped
//! types, deleted keys) from a seeded xorshift generator; every one must return Ok or Err,
//! never panic.
mod common;
use aws_import::{import_aws_docs, import_terraform_docs};
use common::*;
use serde_json::Value;

/// xorshift64* (Vigna 2016): a small, seeded, deterministic generator.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

fn count_nodes(v: &Value) -> usize {
    1 + match v {
        Value::Array(a) => a.iter().map(count_nodes).sum(),
        Value::Object(m) => m.values().map(count_nodes).sum(),
        _ => 0,
    }
}

/// Applies `f` to the `k`-th node (pre-order) of `v`, with its parent's view.
fn mutate_nth(v: &mut Value, k: &mut usize, rng: &mut Rng) -> bool {
    if *k == 0 {
        let choice = rng.below(8);
        *v = match choice {
            0 => Value::Null,
            1 => Value::from("x"),
            2 => Value::from(-1),
            3 => Value::from(1e300),
            4 => Value::Array(vec![]),
            5 => Value::Object(Default::default()),
            6 => Value::Bool(true),
            _ => match v {
                Value::String(s) => Value::from(format!("{s}\\052.")),
                Value::Number(_) => Value::from("30"),
                _ => Value::from(256),
            },
        };
        return true;
    }
    *k -= 1;
    match v {
        Value::Array(a) => {
            for x in a.iter_mut() {
                if mutate_nth(x, k, rng) {
                    return true;
                }
            }
        }
        Value::Object(m) => {
            // Sometimes delete a key instead of descending.
            if rng.below(10) == 0 && !m.is_empty() {
                let key = m.keys().nth(rng.below(m.len())).cloned().expect("in range");
                m.remove(&key);
                return true;
            }
            for x in m.values_mut() {
                if mutate_nth(x, k, rng) {
                    return true;
                }
            }
        }
        _ => {}
    }
    false
}

fn mutate(text: &str, rng: &mut Rng) -> String {
    match rng.below(4) {
        0 => {
            // Truncate (on a char boundary).
            let mut cut = rng.below(text.len() + 1);
            while !text.is_char_boundary(cut) {
                cut -= 1;
            }
            text[..cut].to_string()
        }
        1 => {
            // Random bytes replaced (kept valid UTF-8: printable ASCII).
            let mut b = text.as_bytes().to_vec();
            for _ in 0..1 + rng.below(4) {
                let i = rng.below(b.len());
                if b[i].is_ascii() {
                    b[i] = 0x20 + (rng.next() % 95) as u8;
                }
            }
            String::from_utf8(b).unwrap_or_default()
        }
        _ => {
            let mut v: Value = serde_json::from_str(text).expect("fixtures are JSON");
            for _ in 0..1 + rng.below(3) {
                let n = count_nodes(&v);
                let mut k = rng.below(n);
                mutate_nth(&mut v, &mut k, rng);
            }
            v.to_string()
        }
    }
}

const AWS_INPUTS: usize = 4_000;
const TF_INPUTS: usize = 2_000;

#[test]
fn no_panics_on_mutated_inputs() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut docs = aws_docs();
    docs.push(("more-records.json".into(), read("extra/more-records.json")));
    let names = [
        "api.example.com",
        "www.example.com",
        "geo.example.com",
        "rc.example.com",
        "edge.example.com",
        "near.example.com",
        "calc.example.com",
        "ga.example.com",
    ];
    let (mut ok, mut err) = (0, 0);
    for i in 0..AWS_INPUTS {
        let mut d = docs.clone();
        let j = rng.below(d.len());
        d[j].1 = mutate(&d[j].1, &mut rng);
        let mut o = opts(names[i % names.len()]);
        if i % 3 == 0 {
            o.compare = Some(if i % 2 == 0 {
                aws_import::Product::GlobalAccelerator
            } else {
                aws_import::Product::Route53
            });
        }
        match import_aws_docs(&d, &o) {
            Ok(imp) => {
                ok += 1;
                // Whatever is written parses as TOML.
                parse(&imp.toml);
            }
            Err(e) => {
                err += 1;
                assert_eq!(e.exit_code(), 2);
                assert!(!e.to_string().is_empty());
            }
        }
    }
    let st = read("terraform/state.json");
    let plans = [
        read("terraform/plan.json"),
        read("terraform/plan-new-alb.json"),
    ];
    for i in 0..TF_INPUTS {
        let plan = &plans[i % 2];
        let (s2, p2) = if rng.below(2) == 0 {
            (mutate(&st, &mut rng), plan.clone())
        } else {
            (st.clone(), mutate(plan, &mut rng))
        };
        let name = if i % 2 == 0 {
            "api.example.com"
        } else {
            "www.example.com"
        };
        match import_terraform_docs(("state.json", &s2), Some(("plan.json", &p2)), &opts(name)) {
            Ok(imp) => {
                ok += 1;
                parse(&imp.toml);
            }
            Err(e) => {
                err += 1;
                assert_eq!(e.exit_code(), 2);
            }
        }
    }
    assert_eq!(ok + err, AWS_INPUTS + TF_INPUTS);
    // Both outcomes occur: the mutations are neither all harmless nor all fatal.
    assert!(ok > 100 && err > 100, "ok {ok}, err {err}");
    eprintln!(
        "fuzz: {} inputs, {ok} imported, {err} refused, 0 panics",
        AWS_INPUTS + TF_INPUTS
    );
}
