//! gtsim's discrete-event engine and AWS control-plane models.
//!
//! Data flow: a validated [`config::Workload`] → per arm, the control-plane timeline
//! ([`controlplane`]) over the ground truth ([`world`]) → the client population cut into
//! shards ([`population`]) → each shard's event loop ([`sim`]; stepped by [`lockstep`] when a
//! region has a capacity, see [`overload`]) → merged curves ([`curve::Bin`]) and histograms
//! → the figures of `docs/metrics.md` ([`metrics`]). [`run::run`] drives it.
//!
//! Architecture invariant: this crate does no I/O and never reads the wall clock. The only
//! randomness is the seeded, counter-based streams of [`rng`], so a workload and a seed fix
//! every output bit, whatever the thread count.

#![warn(unreachable_pub)]

pub mod checkers;
pub mod classes;
pub mod config;
pub mod controlplane;
pub mod cost;
pub mod curve;
pub mod elb;
pub mod flat_counts;
pub mod ga;
pub mod geo;
pub mod geography;
pub mod latency;
pub mod lockstep;
pub mod metrics;
pub mod mixes;
pub mod overload;
pub mod population;
pub mod queue;
pub mod requests;
pub mod rng;
pub mod run;
pub mod sim;
pub mod world;

#[cfg(test)]
pub(crate) mod testutil;

pub use resolver_models::{Micros, SEC};

/// One millisecond in [`Micros`].
pub const MS: Micros = 1_000;

#[cfg(test)]
mod closed_form_tests;
#[cfg(test)]
mod fairness_tests;
#[cfg(test)]
mod geoprox_tests;
#[cfg(test)]
mod overload_tests;
#[cfg(test)]
mod pattern_tests;
#[cfg(test)]
mod placement_tests;
#[cfg(test)]
mod software_tests;
#[cfg(test)]
mod stale_until_tests;
