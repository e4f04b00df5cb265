//! Mixes of behaviours ([`Mix`]: resolver TTL policies, stub caches), each share with its
//! source and [`Status`]. A leaf of the crate: [`crate::presets`] (cited TTL distributions,
//! population presets) and [`crate::stub`] (the `os-default` stub mix) build them.

use crate::{StubCache, TtlPolicy};

/// How well a figure is sourced: the labels of `shared/research/ttl-behaviour.md`, plus
/// ASSUMED for a figure that has no source at all (ours to choose; printed in reports).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Read in the primary source (RFC, vendor documentation, the software's source code).
    Verified,
    /// From a paper's abstract or summary only.
    Abstract,
    /// Quoted by a second-hand source.
    SecondHand,
    /// Not found, or the sources disagree.
    Unverified,
    /// No source: our assumption.
    Assumed,
}

impl Status {
    /// The research file's label: V, A, S, UNVERIFIED, ASSUMED.
    pub fn label(self) -> &'static str {
        match self {
            Status::Verified => "V",
            Status::Abstract => "A",
            Status::SecondHand => "S",
            Status::Unverified => "UNVERIFIED",
            Status::Assumed => "ASSUMED",
        }
    }

    /// Everything short of a primary source gets a sensitivity analysis.
    pub fn uncertain(self) -> bool {
        self != Status::Verified
    }
}

/// One part of a [`Mix`]: a behaviour, the share of entities that have it, and the source of
/// that share.
#[derive(Debug, Clone, PartialEq)]
pub struct Part<T> {
    /// Share of the mix's entities (resolvers or clients); a mix's weights sum to 1.
    pub weight: f64,
    pub value: T,
    /// Short name for tables and reports (e.g. `"extend: floor 600s"`).
    pub label: &'static str,
    /// Where the share (and, if noted, the value) comes from.
    pub source: &'static str,
    /// Status of the share.
    pub status: Status,
}

/// A named mix of behaviours from which each entity of a class draws one (per resolver for
/// TTL policies, per client for stub caches), keyed by its global id on its own RNG stream.
#[derive(Debug, Clone, PartialEq)]
pub struct Mix<T> {
    pub name: &'static str,
    pub parts: Vec<Part<T>>,
}

/// A distribution of resolver TTL policies (workload `ttl = { mode = "distribution", … }`).
pub type TtlMix = Mix<TtlPolicy>;
/// A distribution of stub caches (workload `clients.stub_cache = "os-default"` and friends).
pub type StubMix = Mix<StubCache>;

impl<T: Copy> Mix<T> {
    /// A mix of one behaviour (what an explicit workload key gives).
    pub fn single(name: &'static str, value: T) -> Mix<T> {
        Mix {
            name,
            parts: vec![Part {
                weight: 1.0,
                value,
                label: name,
                source: "workload",
                status: Status::Verified,
            }],
        }
    }

    /// The part an entity with uniform draw `u` in (0, 1) gets: the first part whose
    /// cumulative weight exceeds `u` times the total weight.
    pub fn pick(&self, u: f64) -> usize {
        let total: f64 = self.parts.iter().map(|p| p.weight).sum();
        let target = u * total;
        let mut acc = 0.0;
        for (i, p) in self.parts.iter().enumerate() {
            acc += p.weight;
            if target < acc {
                return i;
            }
        }
        self.parts.len() - 1
    }

    /// The mix with part `i`'s weight multiplied by `factor` (at most 1) and the other parts
    /// scaled so the weights still sum to 1 (the sensitivity analysis' variation).
    pub fn with_part_scaled(&self, i: usize, factor: f64) -> Mix<T> {
        let mut out = self.clone();
        let old = self.parts[i].weight;
        let new = (old * factor).min(1.0);
        let rest = 1.0 - old;
        for (j, p) in out.parts.iter_mut().enumerate() {
            p.weight = if j == i {
                new
            } else if rest > 0.0 {
                p.weight * (1.0 - new) / rest
            } else {
                0.0
            };
        }
        out
    }

    /// Parts whose share is not verified in a primary source.
    pub fn uncertain_parts(&self) -> impl Iterator<Item = (usize, &Part<T>)> {
        self.parts
            .iter()
            .enumerate()
            .filter(|(_, p)| p.status.uncertain())
    }
}
