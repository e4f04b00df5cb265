//! The report section "Arms": each arm's strategy, its health signal, and the client settings
//! it overrides.

use crate::report::doc::{Block, Item, Span};
use crate::report::inputs::Inputs;
use crate::report::plot::arm_colour_hex;

pub fn section(inputs: &Inputs) -> Vec<Block> {
    let items = inputs
        .summary
        .arms
        .iter()
        .enumerate()
        .map(|(i, a)| {
            let mut it = Item::new(vec![
                Span::Strong(a.name.clone()),
                Span::Text(format!(": {}", a.strategy.as_deref().unwrap_or("n/a"))),
            ]);
            it.swatch = Some(arm_colour_hex(i));
            if let Some(signal) = inputs.signals.as_ref().and_then(|s| s.get(i)) {
                it.sub.push(vec![
                    Span::Strong("health signal:".into()),
                    Span::Text(format!(" {signal}")),
                ]);
            }
            if !a.client_overrides.is_empty() {
                it.sub.push(vec![
                    Span::Strong("overrides client settings, which changes the comparison:".into()),
                    Span::Text(format!(" {}", a.client_overrides.join(", "))),
                ]);
            }
            it
        })
        .collect();
    vec![Block::H2("Arms".into()), Block::List(items)]
}
