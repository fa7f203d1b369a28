//! Conformance: values held against a provider's **source** document by a maintained, strict
//! JSON Schema validator (the `jsonschema` crate), never against what this project derives from
//! the document (normalized schemas, or schemas generated from the Rust types), since that is
//! where the two can part: a `oneOf` whose branches overlap reads fine as an open enum and
//! refuses every known value under a strict validator.
//!
//! An OpenAPI 3.1 document's schemas are JSON Schema 2020-12. A 3.0 document's are read as
//! draft 4 (3.0's boolean `exclusiveMaximum`), with `nullable: true` honoured: it admits null.
//! Formats are checked.
//!
//! ```
//! use serde_json::json;
//! use xtask::conformance::SourceSchemas;
//!
//! let doc = json!({"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": {},
//!     "components": {"schemas": {"Model": {"oneOf": [
//!         {"type": "string", "const": "opus"}, {"type": "string"}]}}}});
//! let mut schemas = SourceSchemas::new(&doc, "doc.json").unwrap();
//! // A known value matches both branches, which `oneOf` forbids.
//! let errors = schemas.check("#/components/schemas/Model", &json!("opus")).unwrap();
//! assert_eq!(errors.len(), 1);
//! assert!(schemas.check("#/components/schemas/Model", &json!("haiku")).unwrap().is_empty());
//! ```

pub mod documents;
pub mod synthesize;

use std::collections::{BTreeSet, HashMap};

use anyhow::{Result, anyhow};
use jsonschema::{Draft, Validator};
use serde_json::{Map, Value, json};

use crate::document::{escape_segment, pointer, unescape_segment};
use crate::schemas::{METHODS, for_each_schema, referenced_schemas};

/// The schemas of one source document, ready to validate values against.
pub struct SourceSchemas {
    root: Value,
    draft: Draft,
    origin: String,
    validators: HashMap<String, Validator>,
}

impl SourceSchemas {
    /// Reads `doc` (as the provider's entry gives it: its overlay applied, nothing else).
    pub fn new(doc: &Value, origin: &str) -> Result<Self> {
        let version = doc.get("openapi").and_then(Value::as_str).unwrap_or("");
        let (root, draft) = if version.starts_with("3.1") || version.starts_with("3.2") {
            (doc.clone(), Draft::Draft202012)
        } else if version.starts_with("3.0") {
            let mut root = doc.clone();
            for_each_schema(&mut root, &mut |schema, _| {
                honour_nullable(schema);
                Ok(())
            })?;
            (root, Draft::Draft4)
        } else {
            return Err(anyhow!(
                "{origin}#/openapi: `{version}` is not OpenAPI 3.0 or 3.1; conformance reads \
                 those two"
            ));
        };
        Ok(SourceSchemas {
            root,
            draft,
            origin: origin.to_string(),
            validators: HashMap::new(),
        })
    }

    /// The places where `value` breaks the schema at `schema` (a pointer into the document,
    /// `#/components/schemas/Agent`), each as `JSON pointer in the value: what is wrong`;
    /// empty when it is valid. An error is a schema the validator cannot build.
    pub fn check(&mut self, schema: &str, value: &Value) -> Result<Vec<String>> {
        if !self.validators.contains_key(schema) {
            let root = self.root_for(schema);
            let validator = jsonschema::options()
                .with_draft(self.draft)
                .should_validate_formats(true)
                .build(&root)
                .map_err(|e| anyhow!("{}{schema}: not a valid schema: {e}", self.origin))?;
            self.validators.insert(schema.to_string(), validator);
        }
        let validator = &self.validators[schema];
        Ok(validator
            .iter_errors(value)
            .map(|error| {
                let at = error.instance_path().to_string();
                let at = if at.is_empty() { "/".to_string() } else { at };
                format!("{at}: {error}")
            })
            .collect())
    }
}

impl SourceSchemas {
    /// The root resource a validator of `schema` is built from: the schema and the component
    /// schemas it reaches, under their own pointers, so every `$ref` resolves as in the
    /// document and a validator holds no more of a big document than it needs. A schema that
    /// refers elsewhere gets the whole document.
    fn root_for(&self, schema: &str) -> Value {
        let whole = || {
            let mut root = self.root.clone();
            if let Some(fields) = root.as_object_mut() {
                fields.insert("$ref".into(), Value::String(uri_fragment(schema)));
            }
            root
        };
        let Some(target) = schema.strip_prefix('#').and_then(|p| self.root.pointer(p)) else {
            return whole();
        };
        let mut names = BTreeSet::new();
        referenced_schemas(target, &mut names);
        let mut queue: Vec<String> = names.iter().cloned().collect();
        let mut components = Map::new();
        while let Some(name) = queue.pop() {
            let Some(component) = self
                .root
                .pointer(&format!("/components/schemas/{}", escape_segment(&name)))
            else {
                return whole();
            };
            let mut more = BTreeSet::new();
            referenced_schemas(component, &mut more);
            for found in more {
                if names.insert(found.clone()) {
                    queue.push(found);
                }
            }
            components.insert(name, component.clone());
        }
        let elsewhere = std::iter::once(target)
            .chain(components.values())
            .any(refers_elsewhere);
        if elsewhere {
            return whole();
        }
        let mut root = json!({"components": {"schemas": components}});
        if let Some(name) = schema.strip_prefix("#/components/schemas/")
            && !name.contains('/')
        {
            root["components"]["schemas"][unescape_segment(name)] = target.clone();
            root["$ref"] = Value::String(uri_fragment(schema));
        } else {
            root["x-target"] = target.clone();
            root["$ref"] = json!("#/x-target");
        }
        root
    }
}

/// Whether a schema has a `$ref` to anything but a component schema.
fn refers_elsewhere(schema: &Value) -> bool {
    match schema {
        Value::Object(fields) => fields
            .iter()
            .any(|(key, value)| match (key.as_str(), value) {
                ("$ref", Value::String(reference)) => {
                    !reference.starts_with("#/components/schemas/")
                        || reference["#/components/schemas/".len()..].contains('/')
                }
                _ => refers_elsewhere(value),
            }),
        Value::Array(items) => items.iter().any(refers_elsewhere),
        _ => false,
    }
}

/// A `#/json/pointer` as a URI fragment: what a URI may not hold (`{`, a space, `%`) encoded.
fn uri_fragment(pointer: &str) -> String {
    let mut out = String::new();
    for byte in pointer.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=:@/#?".contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// `nullable: true` as draft 4 says it: `null` added to the type (and to the enum), or, where
/// the schema has no single type, a union with `null`.
fn honour_nullable(schema: &mut Map<String, Value>) {
    if schema.remove("nullable") != Some(Value::Bool(true)) {
        return;
    }
    if let Some(values) = schema.get_mut("enum").and_then(Value::as_array_mut)
        && !values.contains(&Value::Null)
    {
        values.push(Value::Null);
    }
    match schema.get("type").cloned() {
        Some(Value::String(ty)) => {
            schema.insert("type".into(), json!([ty, "null"]));
        }
        _ => {
            let inner = std::mem::take(schema);
            schema.insert("anyOf".into(), json!([inner, {"type": "null"}]));
        }
    }
}

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

/// A node, or the component its `$ref` names, with its pointer.
fn follow<'a>(doc: &'a Value, at: String, node: &'a Value) -> (String, &'a Value) {
    let mut current = (at, node);
    for _ in 0..8 {
        let Some(reference) = current.1.get("$ref").and_then(Value::as_str) else {
            break;
        };
        match crate::refs::local_target(doc, reference) {
            Some(next) => current = (reference.to_string(), next),
            None => break,
        }
    }
    current
}

/// The pointer of an operation's schema for a request or an answer, by its `operationId`:
/// `request` or a status (`200`) for `what`. JSON media types only.
pub fn operation_schema(doc: &Value, operation_id: &str, what: &str) -> Option<String> {
    let paths = doc.get("paths")?.as_object()?;
    for (path, item) in paths {
        for method in METHODS {
            let Some(op) = item.get(method) else { continue };
            if op.get("operationId").and_then(Value::as_str) != Some(operation_id) {
                continue;
            }
            let op_at = pointer(&pointer("#/paths", path), method);
            let (at, holder) = if what == "request" {
                follow(doc, pointer(&op_at, "requestBody"), op.get("requestBody")?)
            } else {
                let responses_at = pointer(&op_at, "responses");
                follow(
                    doc,
                    pointer(&responses_at, what),
                    op.pointer(&format!("/responses/{}", escape_segment(what)))?,
                )
            };
            let content = holder.get("content")?.as_object()?;
            let media = content
                .keys()
                .find(|m| m.starts_with("application/json") || m.contains("+json"))?;
            return Some(pointer(&pointer(&pointer(&at, "content"), media), "schema"));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nullable_admits_null_in_a_3_0_document() {
        let doc = json!({"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {},
            "components": {"schemas": {
                "Name": {"type": "string", "nullable": true, "maxLength": 3},
                "Kind": {"type": "string", "enum": ["a"], "nullable": true},
                "Wrapped": {"allOf": [{"$ref": "#/components/schemas/Name"}], "nullable": true},
                "Plain": {"type": "string"}}}});
        let mut schemas = SourceSchemas::new(&doc, "doc.json").unwrap();
        let mut valid = |schema: &str, value: Value| {
            schemas
                .check(&format!("#/components/schemas/{schema}"), &value)
                .unwrap()
                .is_empty()
        };
        assert!(valid("Name", json!(null)));
        assert!(valid("Name", json!("abc")));
        assert!(!valid("Name", json!("abcd")));
        assert!(valid("Kind", json!(null)));
        assert!(!valid("Kind", json!("b")));
        assert!(valid("Wrapped", json!(null)));
        assert!(!valid("Plain", json!(null)));
    }

    #[test]
    fn errors_name_the_place_in_the_value() {
        let doc = json!({"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": {},
            "components": {"schemas": {"Agent": {"type": "object", "required": ["id"],
                "properties": {"id": {"type": "string", "format": "uuid"},
                               "tags": {"type": "array", "items": {"type": "string"}}}}}}});
        let mut schemas = SourceSchemas::new(&doc, "doc.json").unwrap();
        let errors = schemas
            .check(
                "#/components/schemas/Agent",
                &json!({"id": "not-a-uuid", "tags": ["a", 1]}),
            )
            .unwrap();
        assert_eq!(errors.len(), 2, "{errors:?}");
        assert!(errors[0].starts_with("/id: "), "{errors:?}");
        assert!(errors[1].starts_with("/tags/1: "), "{errors:?}");
    }

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
