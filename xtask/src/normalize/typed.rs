//! Reading the normalized document as progenitor's input type, `openapiv3::OpenAPI`.
//!
//! The repairs before this step make a valid document read. What still does not is degraded
//! where it is, found by reading the document's parts one by one: an invalid schema is typed as
//! any JSON value, an invalid parameter, body, response or operation is left out, an invalid
//! part of the document's metadata is ignored, each with a note.

use anyhow::{Result, bail};
use serde_json::Value;

use crate::normalize::notes::{Notes, operation};
use crate::normalize::walk::operations;
use crate::normalize::walk::walk_schema;
use crate::read::document::{escape_segment, pointer, remove_at, unescape_segment};

/// How many parts may be degraded before the document is called broken.
const MOST_REPAIRS: usize = 500;

/// The document as `openapiv3::OpenAPI`, after degrading what does not read.
pub fn typed(doc: &mut Value, origin: &str, notes: &mut Notes) -> Result<openapiv3::OpenAPI> {
    for _ in 0..MOST_REPAIRS {
        let (at, message) = match parse_at::<openapiv3::OpenAPI>(doc, "#") {
            Ok(spec) => return Ok(spec),
            Err(error) => locate_invalid(doc).unwrap_or(error),
        };
        if !degrade(doc, &at, &message, notes) {
            bail!(
                "{origin}{at}: not valid OpenAPI 3.0 here: {message}. Fix it in the spec, or in \
                 the overlay for a fetched document"
            );
        }
    }
    bail!("{origin}: more than {MOST_REPAIRS} parts of the document are not valid OpenAPI 3.0")
}

/// Reads `value` as `T`; on failure, the JSON pointer of the failing spot below `base`.
pub fn parse_at<T: serde::de::DeserializeOwned>(
    value: &Value,
    base: &str,
) -> std::result::Result<T, (String, String)> {
    serde_path_to_error::deserialize(value).map_err(|error| {
        let mut at = base.to_string();
        for segment in error.path().iter() {
            use serde_path_to_error::Segment;
            match segment {
                Segment::Seq { index } => at = pointer(&at, &index.to_string()),
                Segment::Map { key } => at = pointer(&at, key),
                Segment::Enum { variant } => at = pointer(&at, variant),
                Segment::Unknown => {}
            }
        }
        (at, error.into_inner().to_string())
    })
}

fn check<T: serde::de::DeserializeOwned>(value: &Value, at: &str) -> Option<(String, String)> {
    if value.get("$ref").is_some() {
        return None;
    }
    parse_at::<T>(value, at).err()
}

/// The innermost part of the document that does not read as its OpenAPI type. openapiv3 reads
/// maps of `$ref`-or-object through untagged enums, where serde loses the trail; the parts are
/// read one by one instead.
fn locate_invalid(doc: &Value) -> Option<(String, String)> {
    if let Some(schemas) = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
    {
        for (name, schema) in schemas {
            let at = pointer("#/components/schemas", name);
            if let Some(found) = innermost_schema(schema, &at) {
                return Some(found);
            }
        }
    }
    for (path, method, op) in operations(doc) {
        let at = pointer(&pointer("#/paths", path), method);
        let op = Value::Object(op.clone());
        let mut found = None;
        walk_schemas_of(&op, &at, &mut |schema, at| {
            if found.is_none() {
                found = innermost_schema(schema, at);
            }
        });
        if found.is_some() {
            return found;
        }
        if let Some(parameters) = op.get("parameters").and_then(Value::as_array) {
            for (i, parameter) in parameters.iter().enumerate() {
                let at = pointer(&pointer(&at, "parameters"), &i.to_string());
                if let Some(found) = check::<openapiv3::Parameter>(parameter, &at) {
                    return Some(found);
                }
            }
        }
        if let Some(body) = op.get("requestBody")
            && let Some(found) = check::<openapiv3::RequestBody>(body, &pointer(&at, "requestBody"))
        {
            return Some(found);
        }
        if let Some(responses) = op.get("responses").and_then(Value::as_object) {
            for (status, response) in responses {
                let at = pointer(&pointer(&at, "responses"), status);
                if let Some(found) = check::<openapiv3::Response>(response, &at) {
                    return Some(found);
                }
            }
        }
        if let Some(found) = check::<openapiv3::Operation>(&op, &at) {
            return Some(found);
        }
    }
    None
}

/// Calls `visit` on the top-level schemas of an operation (parameters, body, responses).
fn walk_schemas_of(op: &Value, at: &str, visit: &mut dyn FnMut(&Value, &str)) {
    let media = |holder: &Value, at: &str, visit: &mut dyn FnMut(&Value, &str)| {
        if let Some(content) = holder.get("content").and_then(Value::as_object) {
            for (media_type, media) in content {
                if let Some(schema) = media.get("schema") {
                    let at = pointer(&pointer(&pointer(at, "content"), media_type), "schema");
                    visit(schema, &at);
                }
            }
        }
    };
    if let Some(parameters) = op.get("parameters").and_then(Value::as_array) {
        for (i, parameter) in parameters.iter().enumerate() {
            if let Some(schema) = parameter.get("schema") {
                let at = pointer(
                    &pointer(&pointer(at, "parameters"), &i.to_string()),
                    "schema",
                );
                visit(schema, &at);
            }
        }
    }
    if let Some(body) = op.get("requestBody") {
        media(body, &pointer(at, "requestBody"), visit);
    }
    if let Some(responses) = op.get("responses").and_then(Value::as_object) {
        for (status, response) in responses {
            media(response, &pointer(&pointer(at, "responses"), status), visit);
        }
    }
}

/// The innermost subschema of `schema` (at `at`) that does not read, with the reason.
fn innermost_schema(schema: &Value, at: &str) -> Option<(String, String)> {
    let (_, message) = check::<openapiv3::Schema>(schema, at)?;
    let mut inner = None;
    let mut copy = schema.clone();
    let _ = walk_schema(&mut copy, at, &mut |sub, sub_at| {
        if inner.is_none() && sub_at != at {
            let value = Value::Object(sub.clone());
            if check::<openapiv3::Schema>(&value, sub_at).is_some() {
                inner = innermost_schema(&value, sub_at);
            }
        }
        Ok(())
    });
    Some(inner.unwrap_or_else(|| (at.to_string(), message)))
}

/// Degrades the part at `at`; false when there is nothing to degrade there.
fn degrade(doc: &mut Value, at: &str, message: &str, notes: &mut Notes) -> bool {
    let Some(fragment) = at.strip_prefix('#') else {
        return false;
    };
    let segments: Vec<String> = fragment.split('/').skip(1).map(unescape_segment).collect();
    let why = format!("not valid OpenAPI 3.0 ({message})");
    // A schema: any JSON value.
    if let Some(schema) = doc.pointer_mut(fragment)
        && is_schema_location(&segments)
    {
        let description = schema.get("description").cloned();
        *schema = serde_json::json!({});
        if let Some(description) = description {
            schema["description"] = description;
        }
        notes.add(at, format!("{why}; typed as any JSON value"));
        return true;
    }
    // Inside an operation: drop the parameter, body or response, or the operation.
    if segments.first().map(String::as_str) == Some("paths") && segments.len() >= 3 {
        let operation_at = format!(
            "/paths/{}/{}",
            escape_segment(&segments[1]),
            escape_segment(&segments[2])
        );
        let part = match segments.get(3).map(String::as_str) {
            Some("parameters") if segments.len() >= 5 => {
                Some((format!("/parameters/{}", segments[4]), "this parameter"))
            }
            Some("requestBody") => Some(("/requestBody".to_string(), "the request body")),
            Some("responses") if segments.len() >= 5 => Some((
                format!("/responses/{}", escape_segment(&segments[4])),
                "this response",
            )),
            _ => None,
        };
        let (target, at, what) = match part {
            Some((suffix, part)) => {
                let target = format!("{operation_at}{suffix}");
                let at = format!("#{target}");
                (target, at, format!("{why}; left out {part}"))
            }
            None => (
                operation_at,
                operation(&segments[2], &segments[1]),
                format!("left out: {why}"),
            ),
        };
        if remove_at(doc, &target) {
            notes.add(at, what);
            return true;
        }
        return false;
    }
    // Anywhere else (a server, a tag, an unused component): the entry is ignored whole.
    let depth = match segments.first().map(String::as_str) {
        Some("components") => 3,
        Some("info" | "openapi") if segments.len() < 2 => return false,
        _ => 2,
    };
    let entry: Vec<String> = segments
        .iter()
        .take(depth)
        .map(|s| escape_segment(s))
        .collect();
    let cut = format!("/{}", entry.join("/"));
    if ["/info/title", "/info/version"].contains(&cut.as_str()) || !remove_at(doc, &cut) {
        return false;
    }
    notes.add(format!("#{cut}"), format!("{why}; ignored"));
    true
}

/// Whether a location (its unescaped segments) holds a Schema Object.
fn is_schema_location(segments: &[String]) -> bool {
    let Some(last) = segments.last() else {
        return false;
    };
    let parent = segments.len().checked_sub(2).map(|i| segments[i].as_str());
    match (parent, last.as_str()) {
        (Some("components"), _) => false,
        (Some("schemas"), _) if segments.len() == 3 => true,
        (_, "schema" | "items" | "not" | "additionalProperties") => true,
        (Some("properties"), _) => true,
        (Some("allOf" | "anyOf" | "oneOf"), index) => index.parse::<usize>().is_ok(),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{doc, lines, ok, run};
    use serde_json::json;

    #[test]
    fn a_part_that_does_not_read_is_degraded_where_it_is() {
        let mut spec = doc(
            json!({"/a": {"get": {"responses": {"200": {"description": 5}}},
                                         "put": {"responses": ok()}}}),
        );
        spec["components"] = json!({"schemas": {
            "S": {"type": "object", "properties": {"x": {"type": "string", "pattern": 5},
                                                   "y": {"type": "string"}}}}});
        spec["servers"] = json!([{"url": 7}]);
        let normalized = run(spec);
        let lines = lines(&normalized);
        assert_eq!(lines.len(), 3, "{lines:?}");
        assert!(
            lines[0].starts_with("#/components/schemas/S/properties/x: `pattern` is a number"),
            "{lines:?}"
        );
        assert!(
            lines.iter().any(|l| l
                .starts_with("#/paths/~1a/get/responses/200: not valid OpenAPI 3.0 (")
                && l.ends_with("; left out this response")),
            "{lines:?}"
        );
        assert!(
            lines
                .iter()
                .any(|l| l.starts_with("#/servers/0: not valid OpenAPI 3.0 (")),
            "{lines:?}"
        );
        let document = &normalized.document;
        assert_eq!(
            document["components"]["schemas"]["S"]["properties"]["y"]["type"],
            "string"
        );
        assert!(document["paths"]["/a"]["put"].is_object());
    }
}
