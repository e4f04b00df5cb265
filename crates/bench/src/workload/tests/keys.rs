//! Key reference and unknown-key tests.
