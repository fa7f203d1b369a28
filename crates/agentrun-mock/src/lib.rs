//! A stand-in for any OpenAPI 3 document: it holds each request to the document, with a
//! maintained strict JSON Schema validator (the `jsonschema` crate: 2020-12 for a 3.1
//! document, draft 4 with `nullable` for a 3.0 one), and answers with the document's own
//! examples or values synthesized from its schemas.
//!
//! The agentrun emulator serves it for every document it has no model of
//! (`agentrun-emulator --document openapi.yaml`), and `cargo xtask conformance --over-http`
//! holds every generated client to it. The same parts are public for other uses:
//! [`SourceSchemas`] validates, [`synthesize::values`] writes values for a schema,
//! [`requests::check_request`] reads a request back as the document says it is written,
//! [`answers::answers`] lists the answers an operation documents.
//!
//! Which answer: the first documented success, or what a `Prefer` header asks for, as Prism
//! reads it (`Prefer: code=404`, `Prefer: code=200, example=2` for the third answer of that
//! status). A request that breaks the document gets a `400` problem listing each violation,
//! unless `Prefer` names a status.
//!
//! ```
//! use agentrun_mock::{StandIn, requests::WireRequest};
//! use serde_json::json;
//!
//! let doc = json!({"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {
//!     "/things/{id}": {"get": {
//!         "parameters": [{"name": "id", "in": "path", "required": true,
//!                         "schema": {"type": "integer"}}],
//!         "responses": {"200": {"description": "a thing", "content": {"application/json": {
//!             "schema": {"type": "object"}, "example": {"id": 7}}}}}}}}});
//! let stand_in = StandIn::new(doc, "things.yaml")?;
//! let get = |path: &str| WireRequest { method: "GET".into(), path: path.into(), ..Default::default() };
//!
//! let answer = stand_in.respond(&get("/things/7"), None).expect("a documented path");
//! assert_eq!((answer.status, answer.body.as_slice()), (200, br#"{"id":7}"#.as_slice()));
//!
//! let refused = stand_in.respond(&get("/things/seven"), None).expect("a documented path");
//! assert_eq!(refused.status, 400);
//! assert_eq!(refused.violations[0].to_string(), "path `id`: /: \"seven\" is not of type \"integer\" (sent \"seven\")");
//! # Ok::<(), anyhow::Error>(())
//! ```

#![forbid(unsafe_code)]

pub mod answers;
pub mod document;
pub mod media;
pub mod operations;
pub mod requests;
mod schemas;
pub mod synthesize;

use std::path::Path;
use std::sync::Mutex;

use anyhow::{Context, Result, anyhow};
use serde_json::{Value, json};

use answers::{Answer, answers};
use operations::{SourceOperation, source_operations};
use requests::{Violation, WireRequest, check_request, match_path};

pub use schemas::{Direction, SourceSchemas};

/// A document served as a stand-in server: its operations, their answers, and the validator
/// requests are held to.
pub struct StandIn {
    doc: Value,
    operations: Vec<SourceOperation>,
    answers: Vec<Vec<Answer>>,
    requests: Mutex<SourceSchemas>,
}

impl std::fmt::Debug for StandIn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StandIn")
            .field("operations", &self.operations.len())
            .finish_non_exhaustive()
    }
}

/// What the stand-in answers to one request.
#[derive(Debug, Clone, PartialEq)]
pub struct Reply {
    /// The status.
    pub status: u16,
    /// `Content-Type`, when there is a body.
    pub content_type: Option<String>,
    /// The body.
    pub body: Vec<u8>,
    /// How the request broke the document (empty when it conforms).
    pub violations: Vec<Violation>,
    /// The operation the request was for, like `GET /things/{id}`.
    pub operation: String,
}

impl StandIn {
    /// A stand-in for `doc` (OpenAPI 3.0, 3.1 or 3.2), named `origin` in messages.
    pub fn new(doc: Value, origin: &str) -> Result<Self> {
        let requests = SourceSchemas::for_direction(&doc, origin, Direction::Request)?;
        let mut answer_schemas = SourceSchemas::for_direction(&doc, origin, Direction::Answer)?;
        let operations = source_operations(&doc);
        let answers = operations
            .iter()
            .map(|operation| answers(&doc, &mut answer_schemas, operation).0)
            .collect();
        Ok(Self {
            doc,
            operations,
            answers,
            requests: Mutex::new(requests),
        })
    }

    /// Reads a JSON or YAML document and makes a stand-in of it.
    pub fn read(path: &Path) -> Result<Self> {
        let origin = path.display().to_string();
        let doc = read_document(path)?;
        Self::new(doc, &origin)
    }

    /// The path of the document's first server URL (`/v1` of `https://api.example.com/v1`),
    /// where a client points its base URL; empty when there is none.
    pub fn base_path(&self) -> String {
        let url = self
            .doc
            .pointer("/servers/0/url")
            .and_then(Value::as_str)
            .unwrap_or("");
        let path = match url.split_once("://") {
            Some((_, rest)) => rest.find('/').map_or("", |i| &rest[i..]),
            None => url,
        };
        path.trim_end_matches('/').to_string()
    }

    /// The document's operations.
    pub fn operations(&self) -> &[SourceOperation] {
        &self.operations
    }

    /// The answers documented for operation `index` of [`StandIn::operations`], in the order
    /// `Prefer: example=N` counts them within a status.
    pub fn answers(&self, index: usize) -> &[Answer] {
        self.answers.get(index).map_or(&[], Vec::as_slice)
    }

    /// The operation a request is for, by path and method; `None` when no path of the
    /// document matches (a `405` when a path matches and the method does not).
    pub fn respond(&self, request: &WireRequest, prefer: Option<&str>) -> Option<Reply> {
        // A path without parameters is matched before a templated one (`/items/find` before
        // `/items/{id}`), as OpenAPI says; then the fewer parameters, the better.
        let mut matching: Vec<(usize, usize)> = (0..self.operations.len())
            .filter_map(|i| {
                let values = match_path(&self.operations[i].path, &request.path)?;
                Some((values.len(), i))
            })
            .collect();
        matching.sort();
        let matching: Vec<usize> = matching.into_iter().map(|(_, i)| i).collect();
        if matching.is_empty() {
            return None;
        }
        let Some(&index) = matching.iter().find(|&&i| {
            self.operations[i]
                .method
                .eq_ignore_ascii_case(&request.method)
        }) else {
            let allowed: Vec<&str> = matching
                .iter()
                .map(|&i| self.operations[i].method.as_str())
                .collect();
            return Some(problem(
                405,
                &format!(
                    "{} is not documented for this path; it takes {}",
                    request.method,
                    allowed.join(", ")
                ),
                Vec::new(),
                String::new(),
            ));
        };
        Some(self.respond_as(index, request, prefer))
    }

    /// The answer to `request` held to operation `index` of [`StandIn::operations`], whatever
    /// its path says: for a caller that knows which operation it called (two operations of
    /// some documents differ only in a `#fragment` of their path).
    pub fn respond_as(&self, index: usize, request: &WireRequest, prefer: Option<&str>) -> Reply {
        let Some(operation) = self.operations.get(index) else {
            return problem(404, "no such operation", Vec::new(), String::new());
        };
        let violations = match self.requests.lock() {
            Ok(mut schemas) => check_request(&self.doc, &mut schemas, operation, request),
            Err(_) => Vec::new(),
        };
        let (code, example) = prefer.map(parse_prefer).unwrap_or((None, 0));
        if !violations.is_empty() && code.is_none() {
            return problem(
                400,
                "the request does not conform to the document",
                violations,
                operation.label.clone(),
            );
        }
        let answers = self.answers(index);
        let chosen: Vec<&Answer> = match code {
            Some(code) => answers.iter().filter(|a| a.status == code).collect(),
            None => {
                let success = answers
                    .iter()
                    .filter(|a| (200..300).contains(&a.status))
                    .map(|a| a.status)
                    .min();
                answers
                    .iter()
                    .filter(|a| Some(a.status) == success)
                    .collect()
            }
        };
        let Some(answer) = chosen.get(example % chosen.len().max(1)) else {
            let status = code.unwrap_or(200);
            return Reply {
                status,
                content_type: None,
                body: Vec::new(),
                violations,
                operation: operation.label.clone(),
            };
        };
        Reply {
            status: answer.status,
            content_type: answer.content_type.clone(),
            body: answer.body.clone(),
            violations,
            operation: operation.label.clone(),
        }
    }
}

/// `code=404, example=2` (Prism's `Prefer`): the status and the answer's index.
fn parse_prefer(prefer: &str) -> (Option<u16>, usize) {
    let mut code = None;
    let mut example = 0;
    for part in prefer.split([',', ';']) {
        match part.trim().split_once('=') {
            Some(("code", value)) => code = value.trim().parse().ok(),
            Some(("example", value)) => example = value.trim().parse().unwrap_or(0),
            _ => {}
        }
    }
    (code, example)
}

/// An `application/problem+json` answer listing violations.
fn problem(status: u16, title: &str, violations: Vec<Violation>, operation: String) -> Reply {
    let listed: Vec<Value> = violations
        .iter()
        .map(|v| json!({"in": v.kind, "at": v.place, "detail": v.message}))
        .collect();
    let body =
        json!({"title": title, "status": status, "operation": operation, "violations": listed});
    Reply {
        status,
        content_type: Some("application/problem+json".into()),
        body: body.to_string().into_bytes(),
        violations,
        operation,
    }
}

/// Reads a JSON or YAML document; an error names the file and the place.
pub fn read_document(path: &Path) -> Result<Value> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let doc: Value = if text.trim_start().starts_with('{') {
        serde_json::from_str(text).map_err(|e| {
            anyhow!(
                "{}:{}:{}: invalid JSON: {e}",
                path.display(),
                e.line(),
                e.column()
            )
        })?
    } else {
        yaml_serde::from_str(text).map_err(|e| anyhow!("{}: invalid YAML: {e}", path.display()))?
    };
    let version = doc
        .get("openapi")
        .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_string));
    match version {
        Some(v) if v.starts_with('3') => Ok(doc),
        _ => Err(anyhow!(
            "{}: not an OpenAPI 3 document (its `openapi` field is {}); a Swagger 2.0 document \
             must be converted first",
            path.display(),
            version.unwrap_or_else(|| "missing".into())
        )),
    }
}

/// Text on one line, control characters made visible: what goes into a one-line message.
fn one_line(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .chars()
        .map(|c| if c.is_control() { '\u{fffd}' } else { c })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefer_names_a_status_and_an_example() {
        assert_eq!(parse_prefer("code=404"), (Some(404), 0));
        assert_eq!(parse_prefer("code=200, example=2"), (Some(200), 2));
        assert_eq!(parse_prefer("dynamic=true"), (None, 0));
    }
}
