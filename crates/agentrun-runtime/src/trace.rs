//! What the `trace` level shows of each request and answer (the CLI's `-vv`): headers and the
//! start of each body, with every credential left out. Nothing here runs unless `trace` is on
//! for `agentrun_runtime`, so an answer is buffered only when someone asked to see it.
//!
//! A header is shown as `[redacted]` when the client marked it sensitive (every credential
//! agentrun sends is) or its name says it holds one; a JSON body's fields whose names say they
//! hold a secret (`password`, `token`, `apiKey`, ...) are redacted the same way; the query
//! string of a client whose URLs carry a key is left out whole.

use reqwest::header::HeaderMap;
use serde_json::Value;

/// How much of a body is shown.
pub(crate) const SHOWN_BODY_CHARS: usize = 2_000;

/// Whether the trace level is on, so that headers and bodies are worth rendering.
pub(crate) fn enabled() -> bool {
    tracing::enabled!(target: "agentrun_runtime", tracing::Level::TRACE)
}

/// Logs a request's target, headers and body.
pub(crate) fn request(operation: &str, request: &reqwest::Request, secret_url: bool) {
    let url = request.url();
    let query = match url.query() {
        Some(_) if secret_url => "?[redacted]".to_string(),
        Some(query) => format!("?{query}"),
        None => String::new(),
    };
    let body = request
        .body()
        .and_then(reqwest::Body::as_bytes)
        .map_or_else(|| "(none, or streamed)".to_string(), body_text);
    tracing::trace!(
        operation,
        target = %format!("{} {}{query}", request.method(), url.path()),
        headers = %headers_text(request.headers()),
        body = %body,
        "request"
    );
}

/// Logs an answer's headers and body, and hands the answer on whole (its body buffered).
pub(crate) async fn answer(
    operation: &str,
    response: reqwest::Response,
) -> reqwest::Result<reqwest::Response> {
    let status = response.status();
    let version = response.version();
    let headers = response.headers().clone();
    let bytes = response.bytes().await?;
    tracing::trace!(
        operation,
        status = status.as_u16(),
        headers = %headers_text(&headers),
        body = %body_text(&bytes),
        "answer"
    );
    let mut rebuilt = http::Response::new(bytes);
    *rebuilt.status_mut() = status;
    *rebuilt.version_mut() = version;
    *rebuilt.headers_mut() = headers;
    Ok(reqwest::Response::from(rebuilt))
}

/// Whether a header or field name says it holds a credential.
fn secret_name(name: &str) -> bool {
    let name = name.to_ascii_lowercase().replace(['-', '_'], "");
    [
        "authorization",
        "cookie",
        "password",
        "passwd",
        "secret",
        "token",
        "apikey",
        "privatekey",
        "credential",
        "signature",
    ]
    .iter()
    .any(|secret| name.contains(secret))
}

/// `name: value` pairs on one line, credentials redacted.
fn headers_text(headers: &HeaderMap) -> String {
    headers
        .iter()
        .map(|(name, value)| {
            let shown = if value.is_sensitive() || secret_name(name.as_str()) {
                "[redacted]".to_string()
            } else {
                crate::one_line(&String::from_utf8_lossy(value.as_bytes()))
            };
            format!("{name}: {shown}")
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// The start of a body on one line: JSON with secret fields redacted, other text as it is,
/// anything else by its size.
fn body_text(bytes: &[u8]) -> String {
    if bytes.is_empty() {
        return "(empty)".into();
    }
    let text = match serde_json::from_slice::<Value>(bytes) {
        Ok(mut json) => {
            redact(&mut json);
            json.to_string()
        }
        Err(_) => match std::str::from_utf8(bytes) {
            Ok(text) => text.to_string(),
            Err(_) => return format!("({} bytes, not text)", bytes.len()),
        },
    };
    let shown: String = crate::one_line(&text)
        .chars()
        .take(SHOWN_BODY_CHARS)
        .collect();
    if shown.chars().count() < text.chars().count() {
        format!("{shown}… ({} bytes in all)", bytes.len())
    } else {
        shown
    }
}

/// Replaces the value of every field whose name says it holds a secret, at any depth.
fn redact(value: &mut Value) {
    match value {
        Value::Object(map) => {
            for (name, field) in map.iter_mut() {
                if secret_name(name) {
                    *field = Value::String("[redacted]".into());
                } else {
                    redact(field);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(redact),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    #[test]
    fn credentials_are_redacted_in_headers_and_json_bodies() {
        let mut headers = HeaderMap::new();
        let mut bearer = HeaderValue::from_static("Bearer canary-1");
        bearer.set_sensitive(true);
        headers.insert("authorization", bearer);
        headers.insert("x-api-key", HeaderValue::from_static("canary-2"));
        headers.insert("content-type", HeaderValue::from_static("application/json"));
        assert_eq!(
            headers_text(&headers),
            "authorization: [redacted], x-api-key: [redacted], content-type: application/json"
        );
        let body = br#"{"name": "QA", "password": "canary-3", "user": {"apiKey": "canary-4", "tags": [{"accessToken": "canary-5"}]}}"#;
        let shown = body_text(body);
        assert!(!shown.contains("canary"), "{shown}");
        assert!(shown.contains(r#""name":"QA""#), "{shown}");
    }

    #[test]
    fn a_long_body_is_cut_and_says_how_long_it_was() {
        let body = "x".repeat(SHOWN_BODY_CHARS * 2);
        let shown = body_text(body.as_bytes());
        assert!(
            shown.ends_with(&format!("… ({} bytes in all)", body.len())),
            "{}",
            &shown[shown.len() - 40..]
        );
        assert_eq!(body_text(&[0xff, 0xfe]), "(2 bytes, not text)");
        assert_eq!(body_text(b""), "(empty)");
    }
}
