//! When a failed request is tried again, and after how long.

use std::time::{Duration, SystemTime};

use reqwest::{Method, StatusCode};

/// Statuses that mean "try again": timeout, rate limit, and the server or a proxy failing.
pub const RETRYABLE_STATUSES: [u16; 6] = [408, 429, 500, 502, 503, 504];

/// How failed requests are retried.
///
/// - `GET`, `HEAD`, `PUT`, `DELETE` and `OPTIONS` are retried after a connection error, a
///   timeout, or a [retryable status](RETRYABLE_STATUSES).
/// - Anything else (a `POST`) is retried only when it provably was not processed: the
///   connection could not be made (refused, DNS), or the server answered `429 Too Many
///   Requests`. Once its body may have been processed it is never sent again: a duplicated
///   agent run costs money.
/// - The wait grows exponentially from `initial_backoff` up to `max_backoff`, with jitter (each
///   wait is between half and all of the exponential value), or is what `Retry-After` says
///   (seconds or an HTTP date). A `Retry-After` longer than `max_retry_after` is not waited
///   for: the response is returned, so the caller sees the rate limit.
///
/// ```
/// use std::time::Duration;
/// use agentrun_runtime::RetryPolicy;
///
/// let policy = RetryPolicy::default().max_attempts(6).initial_backoff(Duration::from_millis(100));
/// assert_eq!(policy.get_max_attempts(), 6);
/// assert_eq!(RetryPolicy::none().get_max_attempts(), 1);
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct RetryPolicy {
    max_attempts: u32,
    initial_backoff: Duration,
    max_backoff: Duration,
    max_retry_after: Duration,
}

impl Default for RetryPolicy {
    /// 4 attempts, waits of 250 ms, 500 ms, 1 s (with jitter, at most 8 s), `Retry-After`
    /// honoured up to 60 s.
    fn default() -> Self {
        Self {
            max_attempts: 4,
            initial_backoff: Duration::from_millis(250),
            max_backoff: Duration::from_secs(8),
            max_retry_after: Duration::from_secs(60),
        }
    }
}

/// Why a request is tried again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RetryReason {
    /// The connection could not be made.
    Connect,
    /// No answer in time.
    Timeout,
    /// The connection broke.
    Transport,
    /// A retryable status.
    Status(u16),
}

impl std::fmt::Display for RetryReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RetryReason::Connect => f.write_str("the connection could not be made"),
            RetryReason::Timeout => f.write_str("no answer in time"),
            RetryReason::Transport => f.write_str("the connection broke"),
            RetryReason::Status(status) => write!(f, "status {status}"),
        }
    }
}

impl RetryPolicy {
    /// One attempt: no retries.
    pub fn none() -> Self {
        Self {
            max_attempts: 1,
            ..Self::default()
        }
    }

    /// How many times a request is sent at most (1 = no retries).
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// The first wait.
    pub fn initial_backoff(mut self, wait: Duration) -> Self {
        self.initial_backoff = wait;
        self
    }

    /// The longest wait between attempts (before jitter).
    pub fn max_backoff(mut self, wait: Duration) -> Self {
        self.max_backoff = wait;
        self
    }

    /// The longest `Retry-After` that is waited for.
    pub fn max_retry_after(mut self, wait: Duration) -> Self {
        self.max_retry_after = wait;
        self
    }

    /// How many times a request is sent at most ([`Self::max_attempts`] sets it).
    pub fn get_max_attempts(&self) -> u32 {
        self.max_attempts
    }

    /// Whether `method` may be sent again once it may have reached the server.
    pub fn is_idempotent(method: &Method) -> bool {
        [
            Method::GET,
            Method::HEAD,
            Method::PUT,
            Method::DELETE,
            Method::OPTIONS,
        ]
        .contains(method)
    }

    /// Whether, and why, an attempt's outcome is retried (the attempt number not considered).
    pub fn reason(
        method: &Method,
        outcome: &reqwest::Result<reqwest::Response>,
    ) -> Option<RetryReason> {
        let idempotent = Self::is_idempotent(method);
        match outcome {
            Ok(response) => {
                let status = response.status().as_u16();
                // A 429 says the request was not processed, so even a `POST` may be sent again.
                ((idempotent && RETRYABLE_STATUSES.contains(&status)) || status == 429)
                    .then_some(RetryReason::Status(status))
            }
            // A TLS failure is the same the next time: a wrong scheme, an untrusted certificate.
            Err(error) if is_tls_failure(error) => None,
            Err(error) if error.is_connect() => Some(RetryReason::Connect),
            Err(error) if idempotent && error.is_timeout() => Some(RetryReason::Timeout),
            Err(error) if idempotent && (error.is_request() || error.is_body()) => {
                Some(RetryReason::Transport)
            }
            Err(_) => None,
        }
    }

    /// The wait before attempt `attempt + 1`, or `None` when the response's `Retry-After` asks
    /// for longer than this policy waits.
    pub fn wait(&self, attempt: u32, retry_after: Option<Duration>) -> Option<Duration> {
        if let Some(asked) = retry_after {
            return (asked <= self.max_retry_after).then_some(asked);
        }
        let exponent = attempt.saturating_sub(1).min(16);
        let full = self
            .initial_backoff
            .saturating_mul(1 << exponent)
            .min(self.max_backoff);
        // Equal jitter: half fixed, half random, so many clients do not retry in step.
        let half = full / 2;
        Some(half + half.mul_f64(fastrand::f64()))
    }
}

/// What a response's `Retry-After` header asks for: seconds, or an HTTP date.
pub fn retry_after(response: &reqwest::Response) -> Option<Duration> {
    retry_after_in(response.headers())
}

/// What the `Retry-After` among `headers` asks for: seconds, or an HTTP date.
pub fn retry_after_in(headers: &reqwest::header::HeaderMap) -> Option<Duration> {
    let value = headers
        .get(reqwest::header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(
        at.duration_since(SystemTime::now())
            .unwrap_or(Duration::ZERO),
    )
}

/// Whether a request failed in the TLS handshake (an untrusted or expired certificate, a
/// server that does not speak TLS on that port): trying again would fail the same way.
pub fn is_tls_failure(error: &reqwest::Error) -> bool {
    const SIGNS: [&str; 6] = [
        "certificate",
        "tls",
        "ssl",
        "handshake",
        "corrupt message",
        "alert",
    ];
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        let text = cause.to_string().to_ascii_lowercase();
        if SIGNS.iter().any(|sign| text.contains(sign)) {
            return true;
        }
        source = cause.source();
    }
    false
}

/// Whether a status is one [`RetryPolicy`] retries.
pub fn is_retryable_status(status: StatusCode) -> bool {
    RETRYABLE_STATUSES.contains(&status.as_u16())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_grow_exponentially_with_jitter_up_to_the_cap() {
        let policy = RetryPolicy::default()
            .initial_backoff(Duration::from_millis(100))
            .max_backoff(Duration::from_millis(350));
        for (attempt, full) in [(1, 100), (2, 200), (3, 350), (9, 350)] {
            for _ in 0..50 {
                let wait = policy.wait(attempt, None).unwrap().as_millis() as u64;
                assert!(
                    (full / 2..=full).contains(&wait),
                    "attempt {attempt}: {wait} ms"
                );
            }
        }
    }

    #[test]
    fn retry_after_is_waited_for_up_to_the_cap_only() {
        let policy = RetryPolicy::default().max_retry_after(Duration::from_secs(30));
        assert_eq!(
            policy.wait(1, Some(Duration::from_secs(2))),
            Some(Duration::from_secs(2))
        );
        assert_eq!(policy.wait(1, Some(Duration::from_secs(31))), None);
    }

    #[test]
    fn only_idempotent_methods_are_retried_after_an_answer() {
        assert!(RetryPolicy::is_idempotent(&Method::PUT));
        assert!(!RetryPolicy::is_idempotent(&Method::POST));
        assert!(!RetryPolicy::is_idempotent(&Method::PATCH));
    }

    fn answer(status: u16) -> reqwest::Result<reqwest::Response> {
        let mut response = http::Response::new(Vec::<u8>::new());
        *response.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::IM_A_TEAPOT);
        Ok(reqwest::Response::from(response))
    }

    #[test]
    fn a_429_is_retried_for_any_method_other_statuses_only_when_idempotent() {
        for method in [Method::GET, Method::POST, Method::PATCH] {
            assert_eq!(
                RetryPolicy::reason(&method, &answer(429)),
                Some(RetryReason::Status(429)),
                "{method}"
            );
        }
        assert_eq!(RetryPolicy::reason(&Method::POST, &answer(503)), None);
        assert_eq!(RetryPolicy::reason(&Method::POST, &answer(500)), None);
        assert_eq!(
            RetryPolicy::reason(&Method::GET, &answer(503)),
            Some(RetryReason::Status(503))
        );
    }
}
