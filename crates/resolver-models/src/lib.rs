//! Resolver and client DNS caching models for gtsim.
//!
//! Architecture invariant: this crate does no I/O, reads no clock and holds no randomness of
//! its own. Every function is a pure computation on simulated time (integer microseconds),
//! so the simulator and the live harness (`crates/dns-harness`) can share it.
//!
//! The caching rule of the workload contract (`docs/workload.md`): *every cache level (app,
//! stub, resolver) stores the remaining TTL it received, applies its own floor or cap, and
//! counts down; a resolver hands on the remaining TTL.* [`TtlPolicy::apply`] is that "applies
//! its own floor or cap"; [`CacheEntry`] is the count-down.

#![warn(unreachable_pub)]

pub mod client_stack;
pub mod mix;
pub mod pattern;
pub mod presets;
pub mod resolver;
pub mod session_presets;
pub mod software;
pub mod stub;
pub mod ttl;

pub use client_stack::{CLIENT_STACKS, ClientStack, client_stack};
pub use mix::{Mix, Part, Status, StubMix, TtlMix};
pub use pattern::{Count, Dist, Pattern, Sessions};
pub use resolver::{AppCache, CacheClock, Lookup, ResolverBehaviour, StaleMode, TtlDisplay};
pub use software::{EcsSupport, Software, SoftwareConfig, SoftwareError};
pub use ttl::{CacheEntry, StubCache, TtlPolicy, TtlPolicyError};

/// Simulated time and durations, in microseconds.
pub type Micros = u64;

/// One second in [`Micros`].
pub const SEC: Micros = 1_000_000;
