//! The one error type of the `gtsim` command, and the exit status each kind maps to
//! (docs/metrics.md): 2 bad input (workload, flags or input files; the message names the key
//! path or file), 130 interrupted (nothing is left looking complete), 1 anything else.

/// A failed command.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// Bad input: a workload, a flag or a file read back (exit 2).
    #[error("{0}")]
    BadInput(String),
    /// Stopped by Ctrl-C (exit 130).
    #[error("{0}")]
    Interrupted(String),
    /// Anything else: a failed run, a file that cannot be written (exit 1).
    #[error("{0}")]
    Other(String),
}

impl Error {
    /// The exit status this error maps to.
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::BadInput(_) => 2,
            Error::Interrupted(_) => 130,
            Error::Other(_) => 1,
        }
    }

    /// The same kind of error, its message prefixed with `prefix: `.
    pub fn context(self, prefix: impl std::fmt::Display) -> Error {
        match self {
            Error::BadInput(m) => Error::BadInput(format!("{prefix}: {m}")),
            Error::Interrupted(m) => Error::Interrupted(format!("{prefix}: {m}")),
            Error::Other(m) => Error::Other(format!("{prefix}: {m}")),
        }
    }
}

/// A bad-input error (exit 2).
pub fn bad_input(message: impl Into<String>) -> Error {
    Error::BadInput(message.into())
}

/// Any other error (exit 1).
pub fn other(message: impl Into<String>) -> Error {
    Error::Other(message.into())
}

/// "cannot write PATH: E" (exit 1).
pub fn cannot_write(path: &std::path::Path, e: impl std::fmt::Display) -> Error {
    Error::Other(format!("cannot write {}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exit_codes_follow_the_contract() {
        assert_eq!(bad_input("x").exit_code(), 2);
        assert_eq!(other("x").exit_code(), 1);
        assert_eq!(Error::Interrupted("x".into()).exit_code(), 130);
        let e = bad_input("arms[0].ttl: bad").context("w.toml");
        assert_eq!(e, Error::BadInput("w.toml: arms[0].ttl: bad".into()));
    }
}
