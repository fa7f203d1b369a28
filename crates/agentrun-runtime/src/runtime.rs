//! What runs each request of a generated client: retries, the timeout, and redaction.

use std::time::Duration;

use progenitor_client::OperationInfo;
use reqwest::header::{CONTENT_LENGTH, CONTENT_TYPE, HeaderValue, TRANSFER_ENCODING};

use crate::retry::{RetryPolicy, retry_after};

/// The `code` of an error body agentrun wrote because the server's was not JSON.
pub const NOT_JSON: &str = "not_json";

/// How long an error body is read for its excerpt.
const EXCERPT_BYTES: usize = 64 * 1024;

/// What a generated client carries besides its HTTP client (progenitor's "inner type"): how it
/// retries, a timeout that overrides the client's for each request, and whether its URLs carry
/// a secret (Builder's `?apiKey=`). Like the clients that carry it, it is a value in use rather
/// than a builder: `with_x` gives a copy with `x` changed, and `x()` reads it.
///
/// ```
/// use std::time::Duration;
/// use agentrun_runtime::{RetryPolicy, Runtime};
///
/// let runtime = Runtime::new(RetryPolicy::default()).with_timeout(Duration::from_secs(5));
/// assert_eq!(runtime.timeout(), Some(Duration::from_secs(5)));
/// ```
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Runtime {
    retry: RetryPolicy,
    timeout: Option<Duration>,
    url_has_secret: bool,
}

impl Runtime {
    /// A runtime with this retry policy and the client's own timeout.
    pub fn new(retry: RetryPolicy) -> Self {
        Self {
            retry,
            timeout: None,
            url_has_secret: false,
        }
    }

    /// Every request times out after `timeout`, whatever the client's timeout.
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Retries with `retry`.
    pub fn with_retry(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    /// Request URLs carry a secret: no response keeps its URL (reqwest prints it).
    pub fn with_secret_urls(mut self) -> Self {
        self.url_has_secret = true;
        self
    }

    /// The retry policy.
    pub fn retry(&self) -> &RetryPolicy {
        &self.retry
    }

    /// The per-request timeout, if one overrides the client's.
    pub fn timeout(&self) -> Option<Duration> {
        self.timeout
    }
}

/// Sends `request` as [`Runtime`] says: the implementation of the generated clients'
/// `ClientHooks::exec`.
///
/// - Retries follow the runtime's [`RetryPolicy`]; each retry is a `tracing` warning with the
///   operation, the attempt, the reason and the wait; each attempt and its answer are `debug`
///   events (never a URL's query or a header).
/// - An error answer whose body is not JSON (a proxy's HTML page, plain text) is handed on as
///   the documented error body `{"error": <excerpt>, "code": "not_json", "reason": ...}` with
///   its status, so the caller sees the status and what the server said.
/// - Errors carry no URL; with [`Runtime::with_secret_urls`], neither do responses.
pub async fn execute(
    client: &reqwest::Client,
    mut request: reqwest::Request,
    runtime: &Runtime,
    info: &OperationInfo,
) -> reqwest::Result<reqwest::Response> {
    if let Some(timeout) = runtime.timeout {
        *request.timeout_mut() = Some(timeout);
    }
    let method = request.method().clone();
    let path = request.url().path().to_string();
    let mut attempt = 1;
    loop {
        // A spare copy for the next attempt; a streaming body cannot be copied, so not retried.
        let spare = (attempt < runtime.retry.get_max_attempts())
            .then(|| request.try_clone())
            .flatten();
        tracing::debug!(operation = info.operation_id, method = %method, path = %path, attempt, "sending");
        let traced = crate::trace::enabled();
        if traced {
            crate::trace::request(info.operation_id, &request, runtime.url_has_secret);
        }
        let sent = std::time::Instant::now();
        let mut outcome = client.execute(request).await;
        match &outcome {
            Ok(response) => tracing::debug!(
                operation = info.operation_id,
                status = response.status().as_u16(),
                ms = sent.elapsed().as_millis() as u64,
                "answered"
            ),
            Err(error) => tracing::debug!(
                operation = info.operation_id,
                timed_out = error.is_timeout(),
                connect = error.is_connect(),
                ms = sent.elapsed().as_millis() as u64,
                "no answer"
            ),
        }
        if traced && let Ok(response) = outcome {
            outcome = crate::trace::answer(info.operation_id, response).await;
        }
        let next = spare.and_then(|spare| {
            let reason = RetryPolicy::reason(&method, &outcome)?;
            let asked = outcome.as_ref().ok().and_then(retry_after);
            let wait = runtime.retry.wait(attempt, asked)?;
            Some((spare, reason, wait))
        });
        let Some((spare, reason, wait)) = next else {
            return finish(outcome, runtime).await;
        };
        tracing::warn!(
            operation = info.operation_id,
            method = %method,
            path = %path,
            attempt,
            wait_ms = wait.as_millis() as u64,
            reason = %reason,
            "retrying"
        );
        tokio::time::sleep(wait).await;
        request = spare;
        attempt += 1;
    }
}

async fn finish(
    outcome: reqwest::Result<reqwest::Response>,
    runtime: &Runtime,
) -> reqwest::Result<reqwest::Response> {
    let response = outcome.map_err(reqwest::Error::without_url)?;
    let status = response.status();
    let is_json = response
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(is_json_media);
    if (status.is_client_error() || status.is_server_error()) && !is_json {
        return not_json_error(response).await;
    }
    if runtime.url_has_secret {
        return Ok(reqwest::Response::from(http::Response::from(response)));
    }
    Ok(response)
}

/// Whether a `Content-Type` is JSON (`application/json`, `application/problem+json`, ...).
pub fn is_json_media(content_type: &str) -> bool {
    let media = content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    media == "application/json" || (media.starts_with("application/") && media.ends_with("+json"))
}

/// Rewrites a non-JSON error answer into the documented error body.
async fn not_json_error(mut response: reqwest::Response) -> reqwest::Result<reqwest::Response> {
    let status = response.status();
    let media = response
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("no content type")
        .to_string();
    let mut body = Vec::new();
    while body.len() < EXCERPT_BYTES {
        match response
            .chunk()
            .await
            .map_err(reqwest::Error::without_url)?
        {
            Some(chunk) => body.extend_from_slice(&chunk),
            None => break,
        }
    }
    let text = String::from_utf8_lossy(&body);
    let json = serde_json::json!({
        "error": excerpt(&text),
        "code": NOT_JSON,
        "reason": format!("The {} answer was {media}, not JSON", status.as_u16()),
    });
    let mut rebuilt = http::Response::new(serde_json::to_vec(&json).unwrap_or_default());
    *rebuilt.status_mut() = status;
    *rebuilt.version_mut() = response.version();
    for (name, value) in response.headers() {
        if ![CONTENT_TYPE, CONTENT_LENGTH, TRANSFER_ENCODING].contains(name) {
            rebuilt.headers_mut().append(name.clone(), value.clone());
        }
    }
    rebuilt
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    Ok(reqwest::Response::from(rebuilt))
}

/// A short, one-line excerpt of a body: an HTML page's title (or its text), white space folded,
/// at most 200 characters.
///
/// ```
/// use agentrun_runtime::excerpt;
///
/// let page = "<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>";
/// assert_eq!(excerpt(page), "502 Bad Gateway");
/// assert_eq!(excerpt("  upstream\n  timed out  "), "upstream timed out");
/// ```
pub fn excerpt(body: &str) -> String {
    let lower = body.to_ascii_lowercase();
    let text = match (lower.find("<title>"), lower.find("</title>")) {
        (Some(start), Some(end)) if end > start => body[start + 7..end].to_string(),
        _ if lower.contains("<html") || lower.contains("<!doctype") => strip_tags(body),
        _ => body.to_string(),
    };
    let folded = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if folded.is_empty() {
        return "(an empty body)".to_string();
    }
    let mut cut: String = folded.chars().take(200).collect();
    if folded.chars().count() > 200 {
        cut.push('…');
    }
    cut
}

fn strip_tags(html: &str) -> String {
    let mut text = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                text.push(' ');
            }
            _ if !in_tag => text.push(c),
            _ => {}
        }
    }
    text
}
