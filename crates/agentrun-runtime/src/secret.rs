//! Secrets that never show: no `Debug`, `Display` or log line prints them.

use std::fmt;

/// A token or key. Its `Debug` and `Display` show only a well-known prefix (`bp_`, `bpk-`), so a
/// secret in a struct, an error or a log line stays a secret.
///
/// ```
/// use agentrun_runtime::Secret;
///
/// let token = Secret::new("bp_live_8f2b61c0d1");
/// assert_eq!(format!("{token:?}"), "Secret(bp_…)");
/// assert_eq!(token.to_string(), "bp_…");
/// assert_eq!(token.expose(), "bp_live_8f2b61c0d1");
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret.
    pub fn new(secret: impl Into<String>) -> Self {
        Self(secret.into())
    }

    /// The secret itself, for the one place that must send it.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Whether the secret is empty (or only white space).
    pub fn is_blank(&self) -> bool {
        self.0.trim().is_empty()
    }

    fn shown_prefix(&self) -> &'static str {
        ["bpk-", "bp_"]
            .into_iter()
            .find(|p| self.0.starts_with(p))
            .unwrap_or("")
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Secret({}…)", self.shown_prefix())
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}…", self.shown_prefix())
    }
}

/// `text` with every occurrence of the secrets replaced by `[redacted]`: for anything a server
/// or a library wrote, which might echo a key back.
pub fn scrub(text: &str, secrets: &[&Secret]) -> String {
    let mut text = text.to_string();
    for secret in secrets {
        let value = secret.expose();
        // Too short to redact without mangling ordinary words; keys are far longer.
        if value.len() >= 6 {
            text = text.replace(value, "[redacted]");
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nothing_but_the_prefix_shows() {
        for key in ["bpk-CANARY123", "CANARY-space", "bp_CANARY"] {
            let secret = Secret::new(key);
            assert!(!format!("{secret:?} {secret}").contains("CANARY"));
        }
    }

    #[test]
    fn scrub_removes_every_occurrence() {
        let key = Secret::new("emulator-space");
        assert_eq!(
            scrub(
                "GET /agents/run?apiKey=emulator-space failed (emulator-space)",
                &[&key]
            ),
            "GET /agents/run?apiKey=[redacted] failed ([redacted])"
        );
    }
}
