//! The surface report: a stable, plain-text rendering of an API, for snapshots and review.
//!
//! It lists every operation (method, path, parameters, body and responses) and every schema
//! (fields with their types and required flags, enum values one per line). Everything is sorted,
//! so reordering a document changes nothing, and one API change is one or two changed lines.

use std::fmt::Write;

use serde_json::{Map, Value};

use crate::normalize::bodies::{CONTENT_TYPE, multipart_fields};
use crate::normalize::notes;
use crate::normalize::parameters::WIRE_NAME;
use crate::normalize::responses::EMPTY;
use crate::normalize::walk::operations;
use crate::normalize::walk::{METHODS, ref_name};
use crate::text::one_line;

/// Renders the report of a normalized OpenAPI 3.0 document.
pub fn render(doc: &Value) -> String {
    let mut out = String::new();
    let title = doc
        .pointer("/info/title")
        .and_then(Value::as_str)
        .unwrap_or("(untitled)");
    let version = doc
        .pointer("/info/version")
        .and_then(Value::as_str)
        .unwrap_or("?");
    let _ = writeln!(out, "{} {}", one_line(title), one_line(version));
    if let Some(servers) = doc.get("servers").and_then(Value::as_array) {
        for server in servers {
            if let Some(url) = server.get("url").and_then(Value::as_str) {
                let _ = writeln!(out, "server: {}", one_line(url));
            }
        }
    }
    let mut ops = operations(doc);
    ops.sort_by_key(|(path, method, _)| {
        (
            *path,
            METHODS
                .iter()
                .position(|m| m == method)
                .unwrap_or(usize::MAX),
        )
    });
    let schemas = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    let _ = writeln!(
        out,
        "{}, {}",
        plural(ops.len(), "operation"),
        plural(schemas.len(), "schema")
    );

    let degraded = notes::stored(doc);
    if !degraded.is_empty() {
        let _ = writeln!(
            out,
            "\n# Degraded: what the generated client cannot express as the document does"
        );
        for line in degraded {
            let _ = writeln!(out, "- {}", one_line(line));
        }
    }

    let _ = writeln!(out, "\n# Operations");
    for (path, method, op) in ops {
        render_operation(&mut out, path, method, op);
    }

    // What the API sends back (3.1 webhooks, kept through normalization): the event and its
    // payload type, so a change to either shows.
    if let Some(webhooks) = doc
        .get(crate::normalize::downconvert::WEBHOOKS)
        .and_then(Value::as_object)
        .filter(|w| !w.is_empty())
    {
        let _ = writeln!(out, "\n# Webhooks");
        let mut events: Vec<(&String, &Value)> = webhooks.iter().collect();
        events.sort_by_key(|(event, _)| *event);
        for (event, item) in events {
            for method in METHODS {
                if let Some(body) = item
                    .get(method)
                    .and_then(|op| op.pointer("/requestBody/content/application~1json/schema"))
                {
                    let _ = writeln!(
                        out,
                        "{} {}: {}",
                        method.to_ascii_uppercase(),
                        one_line(event),
                        type_of(body)
                    );
                }
            }
        }
    }

    let _ = writeln!(out, "\n# Schemas");
    let mut names: Vec<&String> = schemas.keys().collect();
    names.sort();
    for name in names {
        let schema = &schemas[name];
        let _ = writeln!(out, "\n{}: {}", one_line(name), type_of(schema));
        render_members(&mut out, schema, 1);
    }
    out
}

fn render_operation(out: &mut String, path: &str, method: &str, op: &Map<String, Value>) {
    let id = op.get("operationId").and_then(Value::as_str).unwrap_or("?");
    let tags: Vec<&str> = op
        .get("tags")
        .and_then(Value::as_array)
        .map(|t| t.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let deprecated = if op.get("deprecated") == Some(&Value::Bool(true)) {
        " (deprecated)"
    } else {
        ""
    };
    let renamed = op
        .get("x-agentrun-original-operation-id")
        .and_then(Value::as_str)
        .map(|original| {
            format!(
                " (the document's operationId `{}` is taken)",
                one_line(original)
            )
        })
        .unwrap_or_default();
    let _ = writeln!(
        out,
        "\n{} {}  {}{deprecated}{renamed}",
        method.to_uppercase(),
        one_line(path),
        one_line(id)
    );
    if !tags.is_empty() {
        let _ = writeln!(out, "  tags: {}", one_line(&tags.join(", ")));
    }
    if let Some(summary) = op.get("summary").and_then(Value::as_str) {
        let _ = writeln!(out, "  summary: {}", one_line(summary));
    }
    let mut parameters: Vec<&Value> = op
        .get("parameters")
        .and_then(Value::as_array)
        .map(|p| p.iter().collect())
        .unwrap_or_default();
    parameters.sort_by_key(|p| {
        (
            p.get("in").and_then(Value::as_str).unwrap_or(""),
            p.get("name").and_then(Value::as_str).unwrap_or(""),
        )
    });
    for parameter in parameters {
        let location = parameter.get("in").and_then(Value::as_str).unwrap_or("?");
        let name = parameter.get("name").and_then(Value::as_str).unwrap_or("?");
        let ty = parameter
            .get("schema")
            .map(type_of)
            .unwrap_or_else(|| "any".into());
        let wire = parameter
            .get(WIRE_NAME)
            .and_then(Value::as_str)
            .map(|wire| format!(" (sent as `{}`)", one_line(wire)))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "  {} {}{wire}: {ty}{}",
            one_line(location),
            one_line(name),
            required(parameter)
        );
    }
    if let Some(body) = op.get("requestBody")
        && let Some((media, schema)) = first_media(body)
    {
        if let Some(fields) = multipart_fields(body) {
            let _ = writeln!(
                out,
                "  body multipart/form-data: reqwest::multipart::Form (fields: {}){}",
                one_line(&fields.join(", ")),
                required(body)
            );
        } else {
            let media = body
                .get(CONTENT_TYPE)
                .and_then(Value::as_str)
                .unwrap_or(media);
            let _ = writeln!(
                out,
                "  body {}: {}{}",
                one_line(media),
                type_of(schema),
                required(body)
            );
            render_members(out, schema, 2);
        }
    }
    let mut responses: Vec<(&String, &Value)> = op
        .get("responses")
        .and_then(Value::as_object)
        .map(|r| r.iter().collect())
        .unwrap_or_default();
    responses.sort_by_key(|(status, _)| status.as_str());
    for (status, response) in responses {
        let status = one_line(status);
        if response.get(EMPTY) == Some(&Value::Bool(true)) {
            let _ = writeln!(out, "  {status}: no body (None)");
            continue;
        }
        match first_media(response) {
            Some((_, schema)) => {
                let _ = writeln!(out, "  {status}: {}", type_of(schema));
                render_members(out, schema, 2);
            }
            None => {
                let _ = writeln!(out, "  {status}: no body");
            }
        }
    }
}

/// Prints an inline schema's fields, enum values or union branches below its type line.
fn render_members(out: &mut String, schema: &Value, depth: usize) {
    let indent = "  ".repeat(depth);
    if schema.get("$ref").is_some() {
        return;
    }
    if let Some(values) = schema.get("enum").and_then(Value::as_array) {
        let descriptions = schema.get("x-enum-descriptions").and_then(Value::as_object);
        for value in values {
            let text = value
                .as_str()
                .map(str::to_string)
                .unwrap_or_else(|| value.to_string());
            match descriptions
                .and_then(|d| d.get(&text))
                .and_then(Value::as_str)
            {
                Some(description) => {
                    let _ = writeln!(
                        out,
                        "{indent}- {}  ({})",
                        one_line(&text),
                        one_line(description)
                    );
                }
                None => {
                    let _ = writeln!(out, "{indent}- {}", one_line(&text));
                }
            }
        }
        return;
    }
    if let Some(properties) = schema.get("properties").and_then(Value::as_object) {
        let required_fields: Vec<&str> = schema
            .get("required")
            .and_then(Value::as_array)
            .map(|r| r.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let mut names: Vec<&String> = properties.keys().collect();
        names.sort();
        for name in names {
            let property = &properties[name];
            let flag = if required_fields.contains(&name.as_str()) {
                ", required"
            } else {
                ""
            };
            let _ = writeln!(
                out,
                "{indent}{}: {}{flag}",
                one_line(name),
                type_of(property)
            );
            render_members(out, property, depth + 1);
        }
    }
    for key in ["items", "additionalProperties"] {
        if let Some(inner) = schema.get(key).filter(|s| s.is_object())
            && inline_has_members(inner)
        {
            render_members(out, inner, depth);
        }
    }
    for key in ["allOf", "oneOf", "anyOf"] {
        if let Some(branches) = schema.get(key).and_then(Value::as_array) {
            if branches.len() == 1 {
                render_members(out, &branches[0], depth);
                continue;
            }
            for (i, branch) in branches.iter().enumerate() {
                if inline_has_members(branch) {
                    let _ = writeln!(out, "{indent}{key}[{i}]: {}", type_of(branch));
                    render_members(out, branch, depth + 1);
                }
            }
        }
    }
}

fn inline_has_members(schema: &Value) -> bool {
    schema.get("$ref").is_none()
        && ["properties", "enum", "items", "allOf", "oneOf", "anyOf"]
            .iter()
            .any(|k| schema.get(k).is_some())
}

/// A schema's type in a few words: `string(uri)`, `array of Agent`, `Model | null`, ...
pub fn type_of(schema: &Value) -> String {
    let mut ty = base_type(schema);
    if let Some(default) = schema.get("default") {
        let default = default
            .as_str()
            .map(str::to_string)
            .unwrap_or_else(|| default.to_string());
        ty = format!("{ty} = {}", one_line(&default));
    }
    if schema.get("nullable") == Some(&Value::Bool(true)) {
        ty = format!("{ty} | null");
    }
    ty
}

fn base_type(schema: &Value) -> String {
    if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
        return one_line(ref_name(reference).unwrap_or(reference));
    }
    for key in ["allOf", "oneOf", "anyOf"] {
        if let Some(branches) = schema.get(key).and_then(Value::as_array) {
            if key == "allOf" && branches.len() == 1 {
                return base_type(&branches[0]);
            }
            let names: Vec<String> = branches.iter().map(type_of).collect();
            return format!("{key}({})", names.join(", "));
        }
    }
    let ty = schema.get("type").and_then(Value::as_str);
    if schema.get("enum").is_some() {
        return format!("{} enum", ty.unwrap_or("any"));
    }
    match ty {
        Some("array") => match schema.get("items") {
            Some(items) => format!("array of {}", type_of(items)),
            None => "array".to_string(),
        },
        Some("object") | None if schema.get("properties").is_some() => "object".to_string(),
        Some("object") | None => match schema.get("additionalProperties") {
            Some(Value::Object(inner)) if !inner.is_empty() => {
                format!("map of {}", type_of(&Value::Object(inner.clone())))
            }
            _ if ty.is_some() => "object (any fields)".to_string(),
            _ => "any".to_string(),
        },
        Some(other) => match schema.get("format").and_then(Value::as_str) {
            Some(format) => format!("{}({})", one_line(other), one_line(format)),
            None => one_line(other),
        },
    }
}

fn first_media(holder: &Value) -> Option<(&str, &Value)> {
    let content = holder.get("content")?.as_object()?;
    let (media, value) = content.iter().next()?;
    Some((media.as_str(), value.get("schema")?))
}

fn required(holder: &Value) -> &'static str {
    if holder.get("required") == Some(&Value::Bool(true)) {
        ", required"
    } else {
        ""
    }
}

/// `1 operation`, `2 operations`.
pub fn plural(n: usize, what: &str) -> String {
    if n == 1 {
        format!("{n} {what}")
    } else {
        format!("{n} {what}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn text_from_the_document_cannot_forge_a_line() {
        let doc = json!({
            "openapi": "3.0.3", "info": {"title": "T\n---\nforged", "version": "1"},
            "paths": {},
            "components": {"schemas": {"E": {"type": "string", "enum": ["a\n  - b", "c\u{202E}"]}}}
        });
        let report = render(&doc);
        assert!(report.starts_with("T --- forged 1\n"), "{report}");
        assert!(report.contains("  - a - b\n  - c\\u{202e}\n"), "{report}");
    }

    #[test]
    fn the_report_is_sorted_and_shows_shapes() {
        let doc = json!({
            "openapi": "3.0.3", "info": {"title": "T", "version": "1"},
            "paths": {
                "/b": {"post": {"operationId": "postB", "requestBody": {"required": true, "content": {"application/json": {"schema": {
                    "type": "object", "required": ["z"], "properties": {
                        "z": {"type": "string", "format": "uri"},
                        "a": {"type": "array", "items": {"$ref": "#/components/schemas/E"}}}}}}},
                    "responses": {"202": {"description": "ok"}}}},
                "/a": {"get": {"operationId": "getA", "parameters": [{"in": "query", "name": "n", "schema": {"type": "integer"}}],
                    "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/E"}}}}}}}
            },
            "components": {"schemas": {"E": {"type": "string", "enum": ["x", "y"], "default": "x", "nullable": true}}}
        });
        let report = render(&doc);
        let a = report.find("GET /a").unwrap();
        let b = report.find("POST /b").unwrap();
        assert!(a < b, "{report}");
        assert!(
            report.contains("    a: array of E\n    z: string(uri), required\n"),
            "{report}"
        );
        assert!(
            report.contains("E: string enum = x | null\n  - x\n  - y\n"),
            "{report}"
        );
        assert!(report.contains("  query n: integer\n"), "{report}");
        assert!(report.contains("  202: no body\n"), "{report}");
    }
}
