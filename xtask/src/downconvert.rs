//! OpenAPI 3.1 to 3.0: progenitor reads 3.0 only.
//!
//! 3.1 schemas are JSON Schema 2020-12. What has a 3.0 form is rewritten into it:
//!
//! | 3.1 | 3.0 |
//! |---|---|
//! | `type: [T, "null"]`, `enum: [.., null]` | `type: T`, `nullable: true` |
//! | `anyOf`/`oneOf` with a `{type: "null"}` branch | the other branch(es) + `nullable: true` |
//! | `oneOf` of `{const, description}` branches | `enum` + `x-enum-descriptions` |
//! | `const: v` | `enum: [v]` |
//! | `examples: [a, ..]` in a schema | `example: a` |
//! | numeric `exclusiveMinimum: n` | `minimum: n`, `exclusiveMinimum: true` |
//! | `$ref` with siblings such as `nullable` | `allOf: [{$ref}]` + the siblings |
//!
//! Keywords that only validate and have no 3.0 form (`contentEncoding`, `if`/`then`/`else`,
//! `unevaluatedProperties`, ...) are dropped; a generated client does not validate with them.
//! Shapes 3.0 cannot express at all (`prefixItems` tuples, a value of several non-null types)
//! are errors that name the schema and say to pick one shape in the overlay.

use anyhow::{Result, bail};
use serde_json::{Map, Value, json};

use crate::document::openapi_version;
use crate::schemas::for_each_schema;

/// The version a converted document declares.
pub const TARGET_VERSION: &str = "3.0.3";

/// Keywords with no OpenAPI 3.0 form that only validate: dropped.
const DROPPED: [&str; 20] = [
    "$schema",
    "$id",
    "$anchor",
    "$dynamicAnchor",
    "$dynamicRef",
    "$comment",
    "$defs",
    "contentMediaType",
    "contentEncoding",
    "contentSchema",
    "unevaluatedProperties",
    "unevaluatedItems",
    "dependentRequired",
    "dependentSchemas",
    "if",
    "then",
    "else",
    "propertyNames",
    "contains",
    "patternProperties",
];

/// Keywords that only document a schema; a `$ref` may carry them and stay a plain `$ref`.
const DOC_ONLY: [&str; 6] = [
    "description",
    "summary",
    "title",
    "example",
    "examples",
    "$comment",
];

/// Rewrites a 3.1 document into 3.0 in place; returns whether it was 3.1.
pub fn downconvert(doc: &mut Value, origin: &str) -> Result<bool> {
    if openapi_version(doc, origin)?.starts_with("3.0.") {
        return Ok(false);
    }
    let Some(root) = doc.as_object_mut() else {
        return Ok(false);
    };
    root.insert("openapi".into(), TARGET_VERSION.into());
    root.shift_remove("webhooks");
    root.shift_remove("jsonSchemaDialect");
    if let Some(info) = root.get_mut("info").and_then(Value::as_object_mut) {
        info.shift_remove("summary");
        if let Some(license) = info.get_mut("license").and_then(Value::as_object_mut) {
            license.shift_remove("identifier");
        }
    }
    if let Some(components) = root.get_mut("components").and_then(Value::as_object_mut) {
        components.shift_remove("pathItems");
    }
    root.entry("paths").or_insert_with(|| json!({}));
    for_each_schema(doc, &mut |schema, at| {
        convert_schema(schema, &format!("{origin}{at}"))
    })?;
    Ok(true)
}

/// Rewrites one 3.1 schema (not its subschemas) into its 3.0 form.
pub fn convert_schema(schema: &mut Map<String, Value>, at: &str) -> Result<()> {
    let mut nullable = false;

    if schema.contains_key("$ref") && schema.len() > 1 {
        let semantic = schema
            .keys()
            .any(|k| k != "$ref" && !DOC_ONLY.contains(&k.as_str()));
        let reference = schema.shift_remove("$ref").unwrap_or(Value::Null);
        if semantic {
            schema.insert("allOf".into(), json!([{ "$ref": reference }]));
        } else {
            schema.clear();
            schema.insert("$ref".into(), reference);
            return Ok(());
        }
    }

    for key in ["anyOf", "oneOf"] {
        let Some(Value::Array(branches)) = schema.get_mut(key) else {
            continue;
        };
        let before = branches.len();
        branches.retain(|branch| !is_null_schema(branch));
        if branches.len() == before {
            continue;
        }
        nullable = true;
        if branches.len() == 1 {
            let Some(Value::Array(mut branches)) = schema.shift_remove(key) else {
                continue;
            };
            let branch = branches.remove(0);
            absorb(schema, branch);
        } else if branches.is_empty() {
            schema.shift_remove(key);
        }
    }

    for key in ["oneOf", "anyOf"] {
        if let Some(Value::Array(branches)) = schema.get(key)
            && let Some((values, descriptions)) = const_branches(branches)
        {
            schema.shift_remove(key);
            schema.insert("type".into(), "string".into());
            schema.insert("enum".into(), Value::Array(values));
            if !descriptions.is_empty() {
                schema.insert("x-enum-descriptions".into(), Value::Object(descriptions));
            }
        }
    }

    match schema.get("type") {
        Some(Value::Array(types)) => {
            let mut named: Vec<String> = Vec::new();
            for t in types {
                match t.as_str() {
                    Some("null") => nullable = true,
                    Some(t) => named.push(t.to_string()),
                    None => bail!("{at}/type: a type list may only hold type names"),
                }
            }
            match named.as_slice() {
                [] => {
                    schema.shift_remove("type");
                }
                [one] => {
                    schema.insert("type".into(), one.clone().into());
                }
                several => bail!(
                    "{at}: a value of several types ({}) has no OpenAPI 3.0 form; add an overlay \
                     action that sets `type` to the one the API really sends",
                    several.join(", ")
                ),
            }
        }
        Some(Value::String(t)) if t == "null" => {
            schema.shift_remove("type");
            nullable = true;
        }
        _ => {}
    }

    if let Some(value) = schema.shift_remove("const") {
        if value.is_null() {
            nullable = true;
        } else {
            schema.insert("enum".into(), json!([value]));
        }
    }

    if let Some(Value::Array(values)) = schema.get_mut("enum") {
        let before = values.len();
        values.retain(|v| !v.is_null());
        if values.len() != before {
            nullable = true;
        }
    }

    if let Some(examples) = schema.shift_remove("examples")
        && let Value::Array(examples) = examples
        && let Some(first) = examples.into_iter().next()
    {
        schema.entry("example").or_insert(first);
    }

    for (exclusive, bound) in [
        ("exclusiveMinimum", "minimum"),
        ("exclusiveMaximum", "maximum"),
    ] {
        if let Some(Value::Number(n)) = schema.get(exclusive).cloned() {
            schema.insert(bound.into(), Value::Number(n));
            schema.insert(exclusive.into(), Value::Bool(true));
        }
    }

    if schema.contains_key("prefixItems") {
        bail!(
            "{at}/prefixItems: tuples have no OpenAPI 3.0 form; add an overlay action that \
             replaces them with `items`"
        );
    }
    for key in DROPPED {
        schema.shift_remove(key);
    }
    if nullable {
        schema.insert("nullable".into(), Value::Bool(true));
    }
    Ok(())
}

/// Whether a schema only admits `null`.
fn is_null_schema(schema: &Value) -> bool {
    match schema {
        Value::Object(map) => match (map.get("type"), map.get("const"), map.get("enum")) {
            (Some(Value::String(t)), _, _) => t == "null",
            (Some(Value::Array(ts)), _, _) => ts.iter().all(|t| t == "null"),
            (None, Some(Value::Null), _) => true,
            (None, None, Some(Value::Array(values))) => values.iter().all(Value::is_null),
            _ => false,
        },
        _ => false,
    }
}

/// Moves the only non-null branch of an `anyOf`/`oneOf` into the schema that held it.
fn absorb(schema: &mut Map<String, Value>, branch: Value) {
    let Value::Object(branch) = branch else {
        return;
    };
    let conflicts = branch
        .keys()
        .any(|k| schema.contains_key(k) && !DOC_ONLY.contains(&k.as_str()));
    if branch.contains_key("$ref") || conflicts {
        // A reference cannot carry `nullable` in 3.0; a single `allOf` can.
        let entry = schema.entry("allOf").or_insert_with(|| json!([]));
        if let Value::Array(all) = entry {
            all.push(Value::Object(branch));
        }
        return;
    }
    for (key, value) in branch {
        schema.entry(key).or_insert(value);
    }
}

/// `Some((values, descriptions))` when every branch is a documented string constant.
fn const_branches(branches: &[Value]) -> Option<(Vec<Value>, Map<String, Value>)> {
    if branches.is_empty() {
        return None;
    }
    let mut values = Vec::new();
    let mut descriptions = Map::new();
    for branch in branches {
        let branch = branch.as_object()?;
        let value = match (branch.get("const"), branch.get("enum")) {
            (Some(Value::String(v)), _) => v.clone(),
            (None, Some(Value::Array(one))) if one.len() == 1 => one[0].as_str()?.to_string(),
            _ => return None,
        };
        let allowed = ["const", "enum", "type", "title", "description"];
        if branch.keys().any(|k| !allowed.contains(&k.as_str())) {
            return None;
        }
        if let Some(text) = branch.get("description").or_else(|| branch.get("title")) {
            descriptions.insert(value.clone(), text.clone());
        }
        values.push(Value::String(value));
    }
    Some((values, descriptions))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn convert(schema: Value) -> Value {
        let mut doc = json!({
            "openapi": "3.1.0",
            "info": {"title": "t", "version": "1", "summary": "s"},
            "components": {"schemas": {"S": schema}},
        });
        downconvert(&mut doc, "spec.json").unwrap();
        assert_eq!(doc["openapi"], "3.0.3");
        assert!(doc["paths"].is_object());
        assert!(doc["info"].get("summary").is_none());
        doc["components"]["schemas"]["S"].take()
    }

    #[test]
    fn type_arrays_with_null_become_nullable() {
        assert_eq!(
            convert(json!({"type": ["string", "null"], "format": "uri"})),
            json!({"type": "string", "format": "uri", "nullable": true})
        );
    }

    #[test]
    fn a_nullable_enum_drops_the_null_value() {
        assert_eq!(
            convert(json!({"type": ["string", "null"], "enum": ["high", "low", null]})),
            json!({"type": "string", "enum": ["high", "low"], "nullable": true})
        );
    }

    #[test]
    fn a_null_branch_next_to_a_reference_becomes_a_nullable_all_of() {
        assert_eq!(
            convert(
                json!({"anyOf": [{"$ref": "#/components/schemas/E"}, {"type": "null"}], "description": "d"})
            ),
            json!({"description": "d", "allOf": [{"$ref": "#/components/schemas/E"}], "nullable": true})
        );
    }

    #[test]
    fn a_null_branch_next_to_an_inline_schema_is_absorbed() {
        assert_eq!(
            convert(
                json!({"oneOf": [{"type": "object", "additionalProperties": {}}, {"type": "null"}]})
            ),
            json!({"type": "object", "additionalProperties": {}, "nullable": true})
        );
    }

    #[test]
    fn documented_constants_become_an_enum() {
        assert_eq!(
            convert(json!({"oneOf": [
                {"const": "claude-fable-5", "description": "Fable 5 (Anthropic)"},
                {"const": "buildprint-glm-5", "title": "GLM 5"},
            ]})),
            json!({
                "type": "string",
                "enum": ["claude-fable-5", "buildprint-glm-5"],
                "x-enum-descriptions": {"claude-fable-5": "Fable 5 (Anthropic)", "buildprint-glm-5": "GLM 5"},
            })
        );
    }

    #[test]
    fn const_examples_and_exclusive_bounds_are_rewritten() {
        assert_eq!(
            convert(json!({"type": "integer", "exclusiveMinimum": 0, "examples": [5, 6]})),
            json!({"type": "integer", "exclusiveMinimum": true, "minimum": 0, "example": 5})
        );
        assert_eq!(
            convert(json!({"type": "string", "const": "upload"})),
            json!({"type": "string", "enum": ["upload"]})
        );
    }

    #[test]
    fn a_reference_keeps_documentation_siblings_out_and_semantic_ones_in() {
        assert_eq!(
            convert(json!({"$ref": "#/components/schemas/E", "description": "d"})),
            json!({"$ref": "#/components/schemas/E"})
        );
        assert_eq!(
            convert(json!({"$ref": "#/components/schemas/E", "default": "x"})),
            json!({"default": "x", "allOf": [{"$ref": "#/components/schemas/E"}]})
        );
    }

    #[test]
    fn subschemas_are_converted_too() {
        assert_eq!(
            convert(
                json!({"type": "object", "properties": {"a": {"type": ["integer", "null"]}},
                           "items": {"const": 1}, "contentEncoding": "base64"})
            ),
            json!({"type": "object", "properties": {"a": {"type": "integer", "nullable": true}},
                   "items": {"enum": [1]}})
        );
    }

    #[test]
    fn shapes_without_a_3_0_form_are_named() {
        let mut doc = json!({"openapi": "3.1.0", "info": {"title": "t", "version": "1"},
            "components": {"schemas": {"S": {"type": ["string", "integer"]}}}});
        let error = downconvert(&mut doc, "spec.json").unwrap_err().to_string();
        assert!(
            error.starts_with("spec.json#/components/schemas/S: a value of several types"),
            "{error}"
        );
        assert!(error.contains("overlay"), "{error}");
    }

    #[test]
    fn a_3_0_document_is_left_alone() {
        let mut doc = json!({"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {},
            "components": {"schemas": {"S": {"examples": [1]}}}});
        let before = doc.clone();
        assert!(!downconvert(&mut doc, "spec.json").unwrap());
        assert_eq!(doc, before);
    }
}
