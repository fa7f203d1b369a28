//! Conformance: documents and generated clients held to the **source** document by a
//! maintained, strict JSON Schema validator, never to what this project derives from it
//! (normalized schemas, or schemas generated from the Rust types), since that is where the two
//! can part: a `oneOf` whose branches overlap reads fine as an open enum and refuses every known
//! value under a strict validator.
//!
//! The validator, the value synthesizer, the reading of requests and the answers are the
//! `agentrun-mock` crate's (the emulator serves the same stand-in); they are re-exported here.
//! This module adds the document check ([`documents`]: every example and synthesized value), the
//! run over HTTP ([`over_http`]) and the harness it builds per client ([`harness`]).
//!
//! ```
//! use serde_json::json;
//! use xtask::checks::conformance::SourceSchemas;
//!
//! let doc = json!({"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": {},
//!     "components": {"schemas": {"Model": {"oneOf": [
//!         {"type": "string", "const": "opus"}, {"type": "string"}]}}}});
//! let mut schemas = SourceSchemas::new(&doc, "doc.json").unwrap();
//! // A known value matches both branches, which `oneOf` forbids.
//! assert_eq!(schemas.check("#/components/schemas/Model", &json!("opus")).unwrap().len(), 1);
//! ```

pub mod documents;
pub mod harness;
pub mod over_http;

pub use agentrun_mock::document::follow;
pub use agentrun_mock::{Direction, SourceSchemas, answers, operations, requests, synthesize};

use anyhow::Result;
use serde_json::Value;

use crate::normalize::walk::{METHODS, for_each_schema, operations};
use crate::read::document::pointer;

/// One example a document gives, and the schema it is an example of.
#[derive(Debug, Clone, PartialEq)]
pub struct Example {
    /// Where the example is: `#/paths/~1agents/post/requestBody/content/application~1json/example`.
    pub at: String,
    /// The schema it must be valid against, as a pointer into the document.
    pub schema: String,
    /// The example.
    pub value: Value,
}

/// Every example of a document with its schema: of each schema (`example`, and 3.1's
/// `examples` list), of each parameter, and of each request and response media type
/// (`example`, and `examples`' values, through `$ref`s to components).
pub fn examples(doc: &Value) -> Result<Vec<Example>> {
    let mut found = Vec::new();
    let mut copy = doc.clone();
    for_each_schema(&mut copy, &mut |schema, at| {
        if let Some(value) = schema.get("example") {
            found.push(Example {
                at: pointer(at, "example"),
                schema: at.to_string(),
                value: value.clone(),
            });
        }
        if let Some(list) = schema.get("examples").and_then(Value::as_array) {
            for (i, value) in list.iter().enumerate() {
                found.push(Example {
                    at: pointer(&pointer(at, "examples"), &i.to_string()),
                    schema: at.to_string(),
                    value: value.clone(),
                });
            }
        }
        Ok(())
    })?;
    let paths = doc.get("paths").and_then(Value::as_object);
    for (path, item) in paths.into_iter().flatten() {
        let item_at = pointer("#/paths", path);
        for method in METHODS {
            let Some(op) = item.get(method) else { continue };
            let op_at = pointer(&item_at, method);
            let parameters = item
                .get("parameters")
                .map(|p| (pointer(&item_at, "parameters"), p));
            let own = op
                .get("parameters")
                .map(|p| (pointer(&op_at, "parameters"), p));
            for (list_at, list) in parameters.into_iter().chain(own) {
                for (i, parameter) in list.as_array().into_iter().flatten().enumerate() {
                    let (at, parameter) = follow(doc, pointer(&list_at, &i.to_string()), parameter);
                    holder_examples(doc, &at, parameter, &mut found);
                }
            }
            if let Some(body) = op.get("requestBody") {
                let (at, body) = follow(doc, pointer(&op_at, "requestBody"), body);
                media_examples(doc, &at, body, &mut found);
            }
            let responses = op.get("responses").and_then(Value::as_object);
            for (status, response) in responses.into_iter().flatten() {
                let responses_at = pointer(&op_at, "responses");
                let (at, response) = follow(doc, pointer(&responses_at, status), response);
                media_examples(doc, &at, response, &mut found);
            }
        }
    }
    found.sort_by(|a, b| a.at.cmp(&b.at));
    found.dedup_by(|a, b| a.at == b.at);
    Ok(found)
}

/// The examples of each media type of a request body or a response.
fn media_examples(doc: &Value, at: &str, holder: &Value, found: &mut Vec<Example>) {
    let content = holder.get("content").and_then(Value::as_object);
    for (media, value) in content.into_iter().flatten() {
        holder_examples(doc, &pointer(&pointer(at, "content"), media), value, found);
    }
}

/// The `example` and `examples` of something that has a `schema`: a parameter or a media type.
fn holder_examples(doc: &Value, at: &str, holder: &Value, found: &mut Vec<Example>) {
    if holder.get("schema").is_none() {
        return;
    }
    let schema = pointer(at, "schema");
    if let Some(value) = holder.get("example") {
        found.push(Example {
            at: pointer(at, "example"),
            schema: schema.clone(),
            value: value.clone(),
        });
    }
    let examples = holder.get("examples").and_then(Value::as_object);
    for (name, example) in examples.into_iter().flatten() {
        let (example_at, example) = follow(doc, pointer(&pointer(at, "examples"), name), example);
        if let Some(value) = example.get("value") {
            found.push(Example {
                at: pointer(&example_at, "value"),
                schema: schema.clone(),
                value: value.clone(),
            });
        }
    }
}

/// The pointer of an operation's schema for a request or an answer, by its `operationId`:
/// `request` or a status (`200`) for `what`. JSON media types only.
pub fn operation_schema(doc: &Value, operation_id: &str, what: &str) -> Option<String> {
    let (path, method, op) = operations(doc)
        .into_iter()
        .find(|(_, _, op)| op.get("operationId").and_then(Value::as_str) == Some(operation_id))?;
    let op_at = pointer(&pointer("#/paths", path), method);
    let (at, holder) = if what == "request" {
        follow(doc, pointer(&op_at, "requestBody"), op.get("requestBody")?)
    } else {
        let responses_at = pointer(&op_at, "responses");
        follow(
            doc,
            pointer(&responses_at, what),
            op.get("responses")?.get(what)?,
        )
    };
    let content = holder.get("content")?.as_object()?;
    let media = content
        .keys()
        .find(|m| m.starts_with("application/json") || m.contains("+json"))?;
    Some(pointer(&pointer(&pointer(&at, "content"), media), "schema"))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn every_kind_of_example_is_found_with_its_schema() {
        let doc = json!({"openapi": "3.1.0", "info": {"title": "t", "version": "1"},
            "paths": {"/a": {"post": {"operationId": "postA",
                "parameters": [{"$ref": "#/components/parameters/Limit"}],
                "requestBody": {"content": {"application/json": {
                    "schema": {"type": "object"}, "example": {"x": 1}}}},
                "responses": {"200": {"$ref": "#/components/responses/Ok"}}}}},
            "components": {
                "parameters": {"Limit": {"name": "limit", "in": "query",
                    "schema": {"type": "integer", "examples": [5]}, "example": 10}},
                "responses": {"Ok": {"description": "ok", "content": {"application/json": {
                    "schema": {"type": "string"},
                    "examples": {"one": {"$ref": "#/components/examples/One"}}}}}},
                "examples": {"One": {"value": "hello"}}}});
        let found: Vec<(String, String)> = examples(&doc)
            .unwrap()
            .into_iter()
            .map(|e| (e.at, e.schema))
            .collect();
        assert_eq!(
            found,
            [
                (
                    "#/components/examples/One/value".to_string(),
                    "#/components/responses/Ok/content/application~1json/schema".to_string()
                ),
                (
                    "#/components/parameters/Limit/example".to_string(),
                    "#/components/parameters/Limit/schema".to_string()
                ),
                (
                    "#/components/parameters/Limit/schema/examples/0".to_string(),
                    "#/components/parameters/Limit/schema".to_string()
                ),
                (
                    "#/paths/~1a/post/requestBody/content/application~1json/example".to_string(),
                    "#/paths/~1a/post/requestBody/content/application~1json/schema".to_string()
                ),
            ]
        );
        assert_eq!(
            operation_schema(&doc, "postA", "200").as_deref(),
            Some("#/components/responses/Ok/content/application~1json/schema")
        );
    }
}
