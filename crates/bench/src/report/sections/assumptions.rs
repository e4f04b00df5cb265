//! The report sections "Assumptions" (from summary.json) and "Reproduce" (command.txt).

use std::fmt::Write as _;

use crate::files::summary::SummaryView;
use crate::report::doc::{Block, Item, text};
use crate::report::format::raw;
use crate::report::inputs::Inputs;

/// "Assumptions": every assumed parameter summary.json lists.
pub fn section(inputs: &Inputs) -> Vec<Block> {
    let a = &inputs.summary.assumptions;
    let body = if a.is_empty() {
        Block::P(text("None recorded in summary.json."))
    } else {
        Block::List(a.iter().map(|x| Item::new(text(x.clone()))).collect())
    };
    vec![Block::H2("Assumptions".into()), body]
}

/// "Reproduce": the command, and which gtsim produced the figures.
pub fn reproduce(inputs: &Inputs) -> Vec<Block> {
    let s = &inputs.summary;
    vec![
        Block::H2("Reproduce".into()),
        match &inputs.command {
            Some(c) => Block::Code(c.clone()),
            None => Block::P(text(missing_command(s))),
        },
        Block::Note(text(reproduce_note(s))),
    ]
}

fn reproduce_note(s: &SummaryView) -> String {
    let produced = s
        .gtsim_version
        .as_deref()
        .unwrap_or("(version not recorded)");
    let drawn = env!("CARGO_PKG_VERSION");
    let mut t = format!("Figures by gtsim {produced}");
    if produced != drawn {
        let _ = write!(t, "; report drawn by gtsim {drawn}");
    }
    t.push_str(
        ". The same workload and seed give a byte-identical summary.json and curve.csv whatever \
         the thread count; `gtsim report DIR` redraws this report from them.",
    );
    t
}

fn missing_command(s: &SummaryView) -> String {
    let (seed, clients) = (raw(s.seed, "?"), raw(s.clients, "?"));
    format!(
        "Not recorded (no command.txt in the run folder). summary.json gives seed {seed} and \
         {clients} clients: gtsim run WORKLOAD.toml --seed {seed} --clients {clients} with the \
         workload that produced it."
    )
}
