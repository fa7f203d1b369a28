//! Values held against a provider's **source** document by a maintained, strict
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
//! use agentrun_mock::SourceSchemas;
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

use std::collections::{BTreeSet, HashMap};

use anyhow::{Result, anyhow};
use jsonschema::{Draft, Validator};
use serde_json::{Map, Value, json};

use crate::document::{
    escape_segment, for_each_schema, local_target, referenced_schemas, unescape_segment,
};

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

/// The side of the wire values travel on. OpenAPI says a `readOnly` property is not sent in
/// a request and a `writeOnly` one not in an answer, even when `required` lists it; a
/// JSON Schema validator knows nothing of that.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// What a client sends.
    Request,
    /// What a server answers.
    Answer,
}

impl SourceSchemas {
    /// Reads `doc` for values travelling in `direction`: each `required` list without the
    /// properties that do not travel that way.
    pub fn for_direction(doc: &Value, origin: &str, direction: Direction) -> Result<Self> {
        let keyword = match direction {
            Direction::Request => "readOnly",
            Direction::Answer => "writeOnly",
        };
        let snapshot = doc.clone();
        let mut doc = doc.clone();
        for_each_schema(&mut doc, &mut |schema, _| {
            let one_sided: Vec<String> = schema
                .get("properties")
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
                .filter(|(_, property)| {
                    let property = match property.get("$ref").and_then(Value::as_str) {
                        Some(reference) => local_target(&snapshot, reference).unwrap_or(property),
                        None => property,
                    };
                    property.get(keyword) == Some(&Value::Bool(true))
                })
                .map(|(name, _)| name.clone())
                .collect();
            if let Some(Value::Array(required)) = schema.get_mut("required") {
                required.retain(|name| {
                    !name
                        .as_str()
                        .is_some_and(|n| one_sided.iter().any(|o| o == n))
                });
            }
            Ok(())
        })?;
        Self::new(&doc, origin)
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
}
