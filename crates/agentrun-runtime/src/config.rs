//! Building the HTTP client every generated client sends through.

use std::fmt;
use std::time::Duration;

use reqwest::header::{AUTHORIZATION, HeaderMap, HeaderValue};

use crate::retry::RetryPolicy;
use crate::runtime::Runtime;
use crate::secret::Secret;

/// The `User-Agent` every request carries.
pub const USER_AGENT: &str = concat!("agentrun/", env!("CARGO_PKG_VERSION"));

/// How a client is built: its bearer token, timeouts and retries.
///
/// ```
/// use std::time::Duration;
/// use agentrun_runtime::{ClientConfig, Secret};
///
/// let config = ClientConfig::new()
///     .bearer(Secret::new("bp_example_token"))
///     .timeout(Duration::from_secs(30));
/// let http = config.http_client()?;
/// let runtime = config.runtime();
/// assert!(format!("{config:?}").contains("bp_…"));
/// # let _ = (http, runtime);
/// # Ok::<(), agentrun_runtime::ConfigError>(())
/// ```
#[derive(Clone, Debug)]
pub struct ClientConfig {
    bearer: Option<Secret>,
    connect_timeout: Duration,
    timeout: Duration,
    retry: RetryPolicy,
}

impl Default for ClientConfig {
    /// No token, 10 s to connect, 60 s per attempt, [`RetryPolicy::default`].
    fn default() -> Self {
        Self {
            bearer: None,
            connect_timeout: Duration::from_secs(10),
            timeout: Duration::from_secs(60),
            retry: RetryPolicy::default(),
        }
    }
}

impl ClientConfig {
    /// The defaults.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sends `Authorization: Bearer <token>` (marked sensitive) with every request.
    pub fn bearer(mut self, token: Secret) -> Self {
        self.bearer = Some(token);
        self
    }

    /// How long connecting may take.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// How long one attempt may take, from connecting to the end of the body.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// How failed requests are retried.
    pub fn retry(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    /// The retry policy ([`Self::retry`] sets it). Like std's `Command` and clap's builders,
    /// agentrun's builders (`ClientConfig`, `RetryPolicy`, `WaitOptions`) set a setting with a
    /// method named after it and read it with `get_` and that name.
    pub fn get_retry(&self) -> &RetryPolicy {
        &self.retry
    }

    /// The HTTP client: `User-Agent: agentrun/<version>`, the timeouts, the bearer token, and
    /// redirects followed only within the same origin.
    pub fn http_client(&self) -> Result<reqwest::Client, ConfigError> {
        self.http_client_with(HeaderMap::new())
    }

    /// [`Self::http_client`], sending `headers` with every request as well (credentials a
    /// security scheme puts in a header; mark them sensitive). The bearer token, when set,
    /// replaces an `Authorization` among them.
    pub fn http_client_with(&self, mut headers: HeaderMap) -> Result<reqwest::Client, ConfigError> {
        if let Some(token) = &self.bearer {
            let mut value = HeaderValue::from_str(&format!("Bearer {}", token.expose())).map_err(|_| {
                ConfigError("the token holds characters an HTTP header cannot carry (a line break or a control character?); copy it again".into())
            })?;
            value.set_sensitive(true);
            headers.insert(AUTHORIZATION, value);
        }
        reqwest::Client::builder()
            .user_agent(USER_AGENT)
            .default_headers(headers)
            .redirect(same_origin_redirects())
            .connect_timeout(self.connect_timeout)
            .timeout(self.timeout)
            .build()
            .map_err(|e| ConfigError(format!("cannot build the HTTP client: {e}")))
    }

    /// The runtime a generated client carries.
    pub fn runtime(&self) -> Runtime {
        Runtime::new(self.retry.clone())
    }
}

/// Redirects are followed only within the origin (scheme, host and port) the request went to,
/// at most 5 times: a redirect elsewhere would carry the body, and a query that holds a key,
/// to a host the user never named. It is answered as the API's 3xx instead.
fn same_origin_redirects() -> reqwest::redirect::Policy {
    reqwest::redirect::Policy::custom(|attempt| {
        let same_origin = attempt
            .previous()
            .first()
            .is_some_and(|first| first.origin() == attempt.url().origin());
        if same_origin && attempt.previous().len() <= 5 {
            attempt.follow()
        } else {
            attempt.stop()
        }
    })
}

/// A client could not be built.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError(String);

impl ConfigError {
    /// A configuration error with this message.
    pub fn new(message: impl Into<String>) -> Self {
        Self(message.into())
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ConfigError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_that_cannot_be_a_header_is_refused_without_showing_it() {
        let error = ClientConfig::new()
            .bearer(Secret::new("bp_CANARY\nsecret"))
            .http_client()
            .unwrap_err()
            .to_string();
        assert!(error.contains("cannot carry"), "{error}");
        assert!(!error.contains("CANARY"), "{error}");
    }
}
