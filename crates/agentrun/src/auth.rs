//! Credentials, from explicit values or the environment, checked before any request.
//!
//! | variable | what | checked |
//! |---|---|---|
//! | `BUILDPRINT_TOKEN` | a Buildprint workspace REST API token | starts with `bp_` |
//! | `BUILDPRINT_BASE_URL` | optional; default `https://api.buildprint.ai/api/public/v1` | an http(s) URL |
//! | `BUILDER_PUBLIC_KEY` | the Builder Space's public API key (the `apiKey` parameter) | not a `bpk-` key |
//! | `BUILDER_PRIVATE_KEY` | the Builder Space's private API key | starts with `bpk-` |
//! | `BUILDER_BASE_URL` | optional; default `https://api.builder.io` | an http(s) URL |
//!
//! Every secret is held as a [`Secret`]: no `Debug` or error shows it.

use agentrun_runtime::Secret;

use crate::error::Error;

/// The Buildprint token variable.
pub const BUILDPRINT_TOKEN: &str = "BUILDPRINT_TOKEN";
/// The Buildprint base URL variable.
pub const BUILDPRINT_BASE_URL: &str = "BUILDPRINT_BASE_URL";
/// The Builder public key variable.
pub const BUILDER_PUBLIC_KEY: &str = "BUILDER_PUBLIC_KEY";
/// The Builder private key variable.
pub const BUILDER_PRIVATE_KEY: &str = "BUILDER_PRIVATE_KEY";
/// The Builder base URL variable.
pub const BUILDER_BASE_URL: &str = "BUILDER_BASE_URL";

/// Where Buildprint's tokens are made, for messages.
const BUILDPRINT_TOKEN_HELP: &str = "a workspace REST API token, created by an admin under Agent > Integrations > API in Buildprint";
/// Where Builder's keys are, for messages.
const BUILDER_KEYS_HELP: &str = "both keys are in the Builder Space's settings, under API keys";

/// A Buildprint token and base URL.
///
/// ```
/// use agentrun::BuildprintCredentials;
///
/// let credentials = BuildprintCredentials::new("bp_example_token")?;
/// assert_eq!(credentials.base_url(), "https://api.buildprint.ai/api/public/v1");
/// assert!(!format!("{credentials:?}").contains("example_token"));
///
/// let error = BuildprintCredentials::new("bpk-a-builder-key").unwrap_err();
/// assert!(error.to_string().contains("a Builder private key"));
/// # Ok::<(), agentrun::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct BuildprintCredentials {
    token: Secret,
    base_url: String,
}

impl BuildprintCredentials {
    /// Checks a token (it must start with `bp_`) for the documented base URL.
    pub fn new(token: impl Into<String>) -> Result<Self, Error> {
        let token = check_buildprint_token(token.into(), "the token")?;
        Ok(Self {
            token,
            base_url: agentrun_buildprint::Client::BASE_URL.to_string(),
        })
    }

    /// Talks to `base_url` instead (it includes `/api/public/v1`, as in the docs).
    pub fn with_base_url(mut self, base_url: &str) -> Result<Self, Error> {
        self.base_url = check_url(base_url, "the base URL")?;
        Ok(self)
    }

    /// Reads `BUILDPRINT_TOKEN` and, when set, `BUILDPRINT_BASE_URL`.
    pub fn from_env() -> Result<Self, Error> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads the variables through `lookup` (for tests, or another source of configuration).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, Error> {
        let token = required(&lookup, BUILDPRINT_TOKEN, BUILDPRINT_TOKEN_HELP)?;
        let token = check_buildprint_token(token, BUILDPRINT_TOKEN)?;
        let base_url = match optional(&lookup, BUILDPRINT_BASE_URL) {
            Some(url) => check_url(&url, BUILDPRINT_BASE_URL)?,
            None => agentrun_buildprint::Client::BASE_URL.to_string(),
        };
        Ok(Self { token, base_url })
    }

    /// The token.
    pub fn token(&self) -> &Secret {
        &self.token
    }

    /// The base URL.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }
}

/// A Builder Space's public and private keys, and the base URL.
///
/// ```
/// use agentrun::BuilderCredentials;
///
/// let credentials = BuilderCredentials::new("space-public-key", "bpk-private-key")?;
/// assert!(!format!("{credentials:?}").contains("private-key"));
///
/// let swapped = BuilderCredentials::new("bpk-private-key", "space-public-key").unwrap_err();
/// assert!(swapped.to_string().contains("swapped"));
/// # Ok::<(), agentrun::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct BuilderCredentials {
    public_key: Secret,
    private_key: Secret,
    base_url: String,
}

impl BuilderCredentials {
    /// Checks the two keys: the private one starts with `bpk-`, the public one does not.
    pub fn new(
        public_key: impl Into<String>,
        private_key: impl Into<String>,
    ) -> Result<Self, Error> {
        let (public_key, private_key) = check_builder_keys(
            public_key.into(),
            private_key.into(),
            ("the public key", "the private key"),
        )?;
        Ok(Self {
            public_key,
            private_key,
            base_url: agentrun_builder::Client::BASE_URL.to_string(),
        })
    }

    /// Talks to `base_url` instead.
    pub fn with_base_url(mut self, base_url: &str) -> Result<Self, Error> {
        self.base_url = check_url(base_url, "the base URL")?;
        Ok(self)
    }

    /// Reads `BUILDER_PUBLIC_KEY`, `BUILDER_PRIVATE_KEY` and, when set, `BUILDER_BASE_URL`.
    pub fn from_env() -> Result<Self, Error> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads the variables through `lookup`.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, Error> {
        let public_key = required(&lookup, BUILDER_PUBLIC_KEY, BUILDER_KEYS_HELP)?;
        let private_key = required(&lookup, BUILDER_PRIVATE_KEY, BUILDER_KEYS_HELP)?;
        let (public_key, private_key) = check_builder_keys(
            public_key,
            private_key,
            (BUILDER_PUBLIC_KEY, BUILDER_PRIVATE_KEY),
        )?;
        let base_url = match optional(&lookup, BUILDER_BASE_URL) {
            Some(url) => check_url(&url, BUILDER_BASE_URL)?,
            None => agentrun_builder::Client::BASE_URL.to_string(),
        };
        Ok(Self {
            public_key,
            private_key,
            base_url,
        })
    }

    /// The public key (the `apiKey` query parameter).
    pub fn public_key(&self) -> &Secret {
        &self.public_key
    }

    /// The private key (the bearer token).
    pub fn private_key(&self) -> &Secret {
        &self.private_key
    }

    /// The base URL.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }
}

fn config(variable: &str, message: String) -> Error {
    Error::Config {
        variable: variable
            .starts_with(|c: char| c.is_ascii_uppercase())
            .then(|| variable.to_string()),
        message,
    }
}

fn required(
    lookup: &impl Fn(&str) -> Option<String>,
    name: &str,
    help: &str,
) -> Result<String, Error> {
    match optional(lookup, name) {
        Some(value) => Ok(value),
        None => Err(config(name, format!("{name} is not set: set it to {help}"))),
    }
}

fn optional(lookup: &impl Fn(&str) -> Option<String>, name: &str) -> Option<String> {
    lookup(name)
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
}

fn check_buildprint_token(token: String, name: &str) -> Result<Secret, Error> {
    let token = token.trim().to_string();
    if token.starts_with("bp_") && token.len() > 3 {
        return Ok(Secret::new(token));
    }
    let what = if token.is_empty() {
        "is empty".to_string()
    } else if token.starts_with("bpk-") {
        "holds a Builder private key (bpk-...), not a Buildprint token".to_string()
    } else {
        "does not look like a Buildprint token (they start with `bp_`)".to_string()
    };
    Err(config(
        name,
        format!(
            "{} {what}: set it to {BUILDPRINT_TOKEN_HELP}",
            capitalized(name)
        ),
    ))
}

fn check_builder_keys(
    public: String,
    private: String,
    names: (&str, &str),
) -> Result<(Secret, Secret), Error> {
    let (public, private) = (public.trim().to_string(), private.trim().to_string());
    let (public_name, private_name) = names;
    if public.starts_with("bpk-") && !private.starts_with("bpk-") {
        return Err(config(
            public_name,
            format!(
                "{} holds a private key (bpk-...) and {private_name} does not: the two keys look swapped; {BUILDER_KEYS_HELP}",
                capitalized(public_name)
            ),
        ));
    }
    if public.starts_with("bpk-") {
        return Err(config(
            public_name,
            format!(
                "{} holds a private key (bpk-...); it needs the Space's public API key; {BUILDER_KEYS_HELP}",
                capitalized(public_name)
            ),
        ));
    }
    if public.starts_with("bp_") || private.starts_with("bp_") {
        let name = if public.starts_with("bp_") {
            public_name
        } else {
            private_name
        };
        return Err(config(
            name,
            format!(
                "{} holds a Buildprint token (bp_...), not a Builder key; {BUILDER_KEYS_HELP}",
                capitalized(name)
            ),
        ));
    }
    if !private.starts_with("bpk-") || private.len() <= 4 {
        return Err(config(
            private_name,
            format!(
                "{} does not look like a Builder private key (they start with `bpk-`); {BUILDER_KEYS_HELP}",
                capitalized(private_name)
            ),
        ));
    }
    if public.is_empty() {
        return Err(config(
            public_name,
            format!("{} is empty; {BUILDER_KEYS_HELP}", capitalized(public_name)),
        ));
    }
    Ok((Secret::new(public), Secret::new(private)))
}

pub(crate) fn check_url(url: &str, name: &str) -> Result<String, Error> {
    let trimmed = url.trim().trim_end_matches('/');
    match reqwest::Url::parse(trimmed) {
        Ok(parsed)
            if matches!(parsed.scheme(), "http" | "https")
                && parsed.query().is_none()
                && parsed.username().is_empty()
                && parsed.password().is_none() =>
        {
            Ok(trimmed.to_string())
        }
        // Never the URL whole: a query or user info may hold a key.
        _ => Err(config(
            name,
            format!(
                "{} `{}` is not an http(s) URL without a query or user info; write it like \
                 https://host/path",
                capitalized(name),
                agentrun_runtime::url_for_messages(trimmed)
            ),
        )),
    }
}

fn capitalized(name: &str) -> String {
    let mut chars = name.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().collect::<String>() + chars.as_str())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env<'a>(vars: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |name| {
            vars.iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| v.to_string())
        }
    }

    fn message(result: Result<impl std::fmt::Debug, Error>) -> (Option<String>, String) {
        match result {
            Err(Error::Config { variable, message }) => (variable, message),
            other => panic!("expected a configuration error, got {other:?}"),
        }
    }

    #[test]
    fn the_variables_here_are_the_ones_the_provider_table_declares() {
        use crate::Provider;
        let variables = |p: Provider| (p.info().credential_variables(), p.info().base_url_variable);
        assert_eq!(
            variables(Provider::Buildprint),
            (vec![BUILDPRINT_TOKEN], BUILDPRINT_BASE_URL)
        );
        // The public key is a parameter of Builder's operation, not a security scheme.
        assert_eq!(
            variables(Provider::Builder),
            (vec![BUILDER_PRIVATE_KEY], BUILDER_BASE_URL)
        );
        let token = BuildprintCredentials::new("bp_x").unwrap();
        assert_eq!(token.base_url(), Provider::Buildprint.info().base_url);
        let keys = BuilderCredentials::new("space", "bpk-x").unwrap();
        assert_eq!(keys.base_url(), Provider::Builder.info().base_url);
    }

    #[test]
    fn a_missing_variable_is_named_with_where_to_get_it() {
        let (variable, text) = message(BuildprintCredentials::from_lookup(env(&[])));
        assert_eq!(variable.as_deref(), Some("BUILDPRINT_TOKEN"));
        assert!(text.starts_with("BUILDPRINT_TOKEN is not set"), "{text}");
        assert!(text.contains("Agent > Integrations > API"), "{text}");
    }

    #[test]
    fn prefixes_are_checked_and_values_never_shown() {
        let (variable, text) = message(BuildprintCredentials::from_lookup(env(&[(
            "BUILDPRINT_TOKEN",
            "CANARY123",
        )])));
        assert_eq!(variable.as_deref(), Some("BUILDPRINT_TOKEN"));
        assert!(text.contains("start with `bp_`"), "{text}");
        assert!(!text.contains("CANARY"), "{text}");

        let (_, text) = message(BuildprintCredentials::from_lookup(env(&[(
            "BUILDPRINT_TOKEN",
            "bpk-CANARY",
        )])));
        assert!(text.contains("holds a Builder private key"), "{text}");
    }

    #[test]
    fn swapped_or_misplaced_builder_keys_are_caught() {
        let both = |public, private| {
            message(BuilderCredentials::from_lookup(env(&[
                ("BUILDER_PUBLIC_KEY", public),
                ("BUILDER_PRIVATE_KEY", private),
            ])))
        };
        let (variable, text) = both("bpk-CANARY", "CANARYspace");
        assert_eq!(variable.as_deref(), Some("BUILDER_PUBLIC_KEY"));
        assert!(text.contains("swapped"), "{text}");
        let (_, text) = both("CANARYspace", "CANARYprivate");
        assert!(
            text.contains("BUILDER_PRIVATE_KEY does not look like a Builder private key"),
            "{text}"
        );
        let (variable, text) = both("bp_CANARY", "bpk-CANARY");
        assert_eq!(variable.as_deref(), Some("BUILDER_PUBLIC_KEY"));
        assert!(text.contains("Buildprint token"), "{text}");
        assert!(!text.contains("CANARY"), "{text}");
    }

    #[test]
    fn base_urls_come_from_the_environment_when_set() {
        let credentials = BuildprintCredentials::from_lookup(env(&[
            ("BUILDPRINT_TOKEN", "bp_x"),
            (
                "BUILDPRINT_BASE_URL",
                "http://127.0.0.1:4010/api/public/v1/",
            ),
        ]))
        .unwrap();
        assert_eq!(
            credentials.base_url(),
            "http://127.0.0.1:4010/api/public/v1"
        );
        let (variable, text) = message(BuildprintCredentials::from_lookup(env(&[
            ("BUILDPRINT_TOKEN", "bp_x"),
            ("BUILDPRINT_BASE_URL", "api.buildprint.ai"),
        ])));
        assert_eq!(variable.as_deref(), Some("BUILDPRINT_BASE_URL"));
        assert!(text.contains("not an http(s) URL"), "{text}");
    }
}
