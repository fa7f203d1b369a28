//! `cargo xtask fetch`: download a provider's OpenAPI document into its raw snapshot.
//!
//! The snapshot is replaced only by a valid OpenAPI document, atomically and byte for byte as
//! served. An HTML page (a login wall, a proxy error), an error status, a truncated or oversized
//! body and invalid JSON are refused with a message, and the old snapshot stays as it was.

use std::io::Read;
use std::time::Duration;

use anyhow::{Result, anyhow, bail};
use serde_json::Value;

use crate::read::document::{self, Format};

/// How long a fetch may take, connect and download together, unless told otherwise.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
/// The largest document accepted; a provider's spec is a few hundred KiB.
pub const MAX_BYTES: u64 = 32 * 1024 * 1024;

/// A downloaded document that passed validation.
#[derive(Debug, Clone)]
pub struct Download {
    /// The body, exactly as served.
    pub text: String,
    /// The body parsed.
    pub document: Value,
}

/// GETs `url` and checks that the answer is an OpenAPI document.
///
/// The check is structural (an object with `openapi` 3.0 or 3.1, `info.title`, `info.version`
/// and `paths`), not whether our pipeline can generate from it: a document that needs a new
/// overlay action must still be fetchable, or the overlay could never be written against it.
pub fn download(url: &str, timeout: Duration) -> Result<Download> {
    let client = reqwest::blocking::Client::builder()
        .timeout(timeout)
        .connect_timeout(timeout)
        .user_agent(concat!("agentrun-xtask/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| anyhow!("cannot build an HTTP client: {e}"))?;
    let response = client
        .get(url)
        .header(reqwest::header::ACCEPT, "application/json")
        .send()
        .map_err(|e| {
            let why = if e.is_timeout() {
                format!("no answer within {}s", timeout.as_secs_f32())
            } else if e.is_connect() {
                "cannot connect".to_string()
            } else {
                e.without_url().to_string()
            };
            anyhow!("GET {url}: {why}. Check the URL and the network, or pass --timeout.")
        })?;
    let status = response.status();
    let content_type = response
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    if let Some(length) = response.content_length()
        && length > MAX_BYTES
    {
        bail!(
            "GET {url}: the answer is {length} bytes, over the {MAX_BYTES}-byte limit for a spec"
        );
    }
    let mut body = Vec::new();
    response
        .take(MAX_BYTES + 1)
        .read_to_end(&mut body)
        .map_err(|e| {
            anyhow!(
                "GET {url}: the body ended early or could not be read ({e}); the connection broke \
                 mid-answer. Try again."
            )
        })?;
    if body.len() as u64 > MAX_BYTES {
        bail!("GET {url}: the answer is over the {MAX_BYTES}-byte limit for a spec");
    }
    let text = String::from_utf8(body)
        .map_err(|_| anyhow!("GET {url}: the answer is not UTF-8 text, so not a JSON document"))?;
    let looks_html = content_type.contains("html")
        || text
            .trim_start()
            .to_ascii_lowercase()
            .starts_with("<!doctype html")
        || text.trim_start().to_ascii_lowercase().starts_with("<html");
    if !status.is_success() {
        bail!(
            "GET {url} answered HTTP {status}{}: {}",
            if looks_html { " with an HTML page" } else { "" },
            excerpt(&text)
        );
    }
    if looks_html {
        bail!(
            "GET {url} answered with an HTML page, not an OpenAPI document (a login page, a \
             proxy's error page or a wrong URL?): {}",
            excerpt(&text)
        );
    }
    if text.trim().is_empty() {
        bail!("GET {url} answered with an empty body, not an OpenAPI document");
    }
    let document = document::parse(&text, url, Format::Json)
        .map_err(|e| anyhow!("{e}: the server did not send a valid JSON document"))?;
    check_structure(&document, url)?;
    Ok(Download { text, document })
}

/// Refuses a document that is not OpenAPI 3.0 or 3.1 at its top level.
pub fn check_structure(doc: &Value, origin: &str) -> Result<()> {
    document::openapi_version(doc, origin)?;
    for field in ["/info/title", "/info/version"] {
        if doc.pointer(field).and_then(Value::as_str).is_none() {
            bail!(
                "{origin}#{field}: an OpenAPI document needs `{}` as a string",
                &field[1..].replace('/', ".")
            );
        }
    }
    if !doc.get("paths").is_some_and(Value::is_object) {
        bail!("{origin}#/paths: an OpenAPI document of an API needs a `paths` object");
    }
    Ok(())
}

/// The first line or so of a body, for error messages.
pub fn excerpt(text: &str) -> String {
    let flat: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.is_empty() {
        return "(empty body)".to_string();
    }
    let mut cut: String = flat.chars().take(120).collect();
    if flat.chars().count() > 120 {
        cut.push_str("...");
    }
    format!("\"{cut}\"")
}
