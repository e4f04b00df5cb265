//! gtsim's discrete-event engine and AWS control-plane models.
//!
//! Architecture invariant: this crate does no I/O and never reads the wall clock. The only
//! randomness is the seeded, counter-based streams of [`rng`], so a workload and a seed fix
//! every output bit, whatever the thread count.

pub mod config;
pub mod geo;

pub use resolver_models::{Micros, SEC};

/// One millisecond in [`Micros`].
pub const MS: Micros = 1_000;
