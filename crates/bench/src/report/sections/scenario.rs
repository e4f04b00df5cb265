//! The report's opening: the workload's description and the scenario in words.

use std::fmt::Write as _;

use crate::report::doc::{Block, text};
use crate::report::format::{grouped, human_s, raw};
use crate::report::inputs::Inputs;

/// The description (if known) and the scenario paragraph.
pub fn section(inputs: &Inputs) -> Vec<Block> {
    let mut b = Vec::new();
    if let Some(d) = &inputs.description {
        b.push(Block::P(text(d.clone())));
    }
    b.push(Block::P(text(scenario(inputs))));
    b
}

/// The scenario in words (plain text).
fn scenario(inputs: &Inputs) -> String {
    let s = &inputs.summary;
    let mut t = String::new();
    let _ = write!(
        t,
        "{} clients, {} simulated, seed {}.",
        s.clients.get().map_or("n/a".into(), grouped),
        s.duration_s.get().map_or("n/a".into(), human_s),
        raw(s.seed, "n/a"),
    );
    match (s.failure_at_s.get(), s.window_end_s.get()) {
        (Some(f), e) => {
            let _ = write!(t, " The failure starts at {f} s (time 0 in the plots)");
            match (e, s.duration_s.get()) {
                (Some(e), Some(d)) if e < d => {
                    let _ = write!(t, "; the failed region recovers at {e} s.");
                }
                (Some(e), _) => {
                    let _ = write!(t, " and lasts to the end of the run ({e} s).");
                }
                _ => t.push('.'),
            }
        }
        _ => t.push_str(" No failure: failure figures are undefined."),
    }
    let n = s.arms.len();
    let _ = write!(
        t,
        " {n} arm{} compared on the same clients making the same requests.",
        if n == 1 { "" } else { "s" }
    );
    t
}
