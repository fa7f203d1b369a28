//! Parameters in the forms progenitor 0.15 sends.
//!
//! progenitor sends path and header parameters with `to_string()` (so their type must be a
//! scalar), query parameters in the `form` style, and has no cookie parameters or `content`
//! parameters. Each parameter of another form is rewritten into the closest one it sends:
//!
//! | parameter | becomes |
//! |---|---|
//! | `Accept`, `Content-Type`, `Authorization` headers | left out, as OpenAPI says |
//! | cookies | one `Cookie` header parameter (`a=1; b=2`), with a note |
//! | `content: {application/json: ...}` | a string parameter holding the JSON text, with a note |
//! | `deepObject` object | one `name[field]` query parameter per field |
//! | `form` without explode, `spaceDelimited`, `pipeDelimited` arrays | a string the caller joins, with a note |
//! | path or header parameter of a non-scalar type, `label`/`matrix` style | a string, with a note |
//! | a nullable path or header parameter | its non-null type (a path segment cannot be null) |
//!
//! Two parameters whose Rust names would collide (`page_size` and `pageSize`, an `id` in the
//! path and one in the query, a parameter named like a builder method) are told apart: the later
//! one gets a new name, and `x-agentrun-wire-name` keeps the name sent on the wire, which
//! [`crate::rewrite`] restores in the generated code.

use std::collections::BTreeSet;

use serde_json::{Map, Value, json};

use crate::normalize::bodies::is_json;
use crate::normalize::names::{Case, claim};
use crate::normalize::notes::{Notes, operation};
use crate::normalize::walk::{for_each_operation, resolve_schema};

/// The extension that keeps a renamed parameter's name on the wire.
pub const WIRE_NAME: &str = "x-agentrun-wire-name";

/// Names of a request builder's own methods, which a parameter's setter must not take.
const BUILDER_METHODS: [&str; 4] = ["new", "send", "stream", "body_map"];

/// Rewrites every parameter into a form progenitor sends; returns how many it rewrote.
pub fn normalize_parameters(doc: &mut Value, notes: &mut Notes) -> usize {
    let snapshot = doc.clone();
    let mut rewritten = 0;
    for_each_operation(doc, &mut |path, method, op| {
        let here = operation(method, path);
        let Some(Value::Array(parameters)) = op.get_mut("parameters").map(Value::take) else {
            return;
        };
        let has_body = op.contains_key("requestBody");
        let mut kept = Vec::new();
        let mut cookies: Vec<Value> = Vec::new();
        for parameter in parameters {
            let Value::Object(mut parameter) = parameter else {
                continue;
            };
            let name = text(&parameter, "name");
            let location = text(&parameter, "in");
            match location.as_str() {
                "header"
                    if ["accept", "content-type", "authorization"]
                        .contains(&name.to_ascii_lowercase().as_str()) =>
                {
                    rewritten += 1;
                    continue;
                }
                "cookie" => {
                    cookies.push(Value::Object(parameter));
                    continue;
                }
                "path" | "query" | "header" => {}
                other => {
                    notes.add(
                        &here,
                        format!("left out parameter `{name}`: `in: {other}` is not a location"),
                    );
                    continue;
                }
            }
            rewritten += usize::from(schema_from_content(&mut parameter, &here, notes));
            let expanded = match location.as_str() {
                "query" => query(&snapshot, parameter, &here, notes),
                _ => vec![scalar(&snapshot, parameter, &location, &here, notes)],
            };
            kept.extend(expanded.into_iter().map(Value::Object));
        }
        if !cookies.is_empty() {
            kept.push(cookie_header(&cookies, &here, notes));
        }
        rewritten += tell_apart(&mut kept, has_body);
        if kept.is_empty() {
            op.shift_remove("parameters");
        } else {
            op.insert("parameters".into(), Value::Array(kept));
        }
    });
    rewritten
}

fn text(map: &Map<String, Value>, key: &str) -> String {
    map.get(key)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string()
}

/// A parameter described by `content` gets a `schema`: a string holding the JSON text when the
/// media type is JSON (the value is sent encoded), the media type's schema otherwise.
fn schema_from_content(parameter: &mut Map<String, Value>, here: &str, notes: &mut Notes) -> bool {
    let content = parameter.shift_remove("content");
    if parameter.contains_key("schema") {
        return false;
    }
    let media = content
        .as_ref()
        .and_then(Value::as_object)
        .and_then(|c| c.iter().next());
    let schema = match media {
        Some((media_type, _)) if is_json(media_type) => {
            notes.add(
                here,
                format!(
                    "parameter `{}` is JSON ({media_type}); it takes the JSON text as a string",
                    text(parameter, "name")
                ),
            );
            json!({"type": "string"})
        }
        Some((_, media)) => media
            .get("schema")
            .cloned()
            .unwrap_or_else(|| json!({"type": "string"})),
        None => json!({"type": "string"}),
    };
    parameter.insert("schema".into(), schema);
    true
}

/// What a parameter's schema is, for choosing how to send it.
enum Shape {
    /// A string, number, integer or boolean (an enum of them included); whether it is nullable.
    Scalar(bool),
    /// An array.
    Array,
    /// An object with these fields (name, schema, required).
    Object(Vec<(String, Value, bool)>),
    /// Anything else: a free-form object, a union, any value.
    Other,
}

fn shape(doc: &Value, schema: &Value) -> Shape {
    let resolved = resolve_schema(doc, schema);
    let nullable = resolved.get("nullable") == Some(&Value::Bool(true));
    let composed = ["anyOf", "oneOf", "allOf", "not"]
        .iter()
        .any(|k| resolved.get(*k).is_some());
    match resolved.get("type").and_then(Value::as_str) {
        Some("string" | "integer" | "number" | "boolean") if !composed => Shape::Scalar(nullable),
        Some("array") => Shape::Array,
        Some("object") | None if resolved.get("properties").is_some() && !composed => {
            let required: BTreeSet<&str> = resolved
                .get("required")
                .and_then(Value::as_array)
                .map(|r| r.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            let fields = resolved
                .get("properties")
                .and_then(Value::as_object)
                .map(|p| {
                    p.iter()
                        .map(|(name, schema)| {
                            (
                                name.clone(),
                                schema.clone(),
                                required.contains(name.as_str()),
                            )
                        })
                        .collect()
                })
                .unwrap_or_default();
            Shape::Object(fields)
        }
        None if !composed
            && resolved
                .get("enum")
                .and_then(Value::as_array)
                .is_some_and(|values| values.iter().all(Value::is_string)) =>
        {
            Shape::Scalar(nullable)
        }
        _ => Shape::Other,
    }
}

/// A string parameter in place of `parameter`'s schema, with a note saying how to write it.
fn as_string(parameter: &mut Map<String, Value>, how: &str, here: &str, notes: &mut Notes) {
    notes.add(
        here,
        format!(
            "parameter `{}` is sent as a string: {how}",
            text(parameter, "name")
        ),
    );
    parameter.insert("schema".into(), json!({"type": "string"}));
    parameter.shift_remove("style");
    parameter.shift_remove("explode");
}

/// A path or header parameter: sent with `to_string()`, so a scalar that is never null.
fn scalar(
    doc: &Value,
    mut parameter: Map<String, Value>,
    location: &str,
    here: &str,
    notes: &mut Notes,
) -> Map<String, Value> {
    let schema = parameter.get("schema").cloned().unwrap_or(json!({}));
    let style = text(&parameter, "style");
    if location == "path" && (style == "label" || style == "matrix") {
        as_string(
            &mut parameter,
            &format!("write it in the `{style}` style yourself"),
            here,
            notes,
        );
        return parameter;
    }
    match shape(doc, &schema) {
        Shape::Scalar(false) => {}
        Shape::Scalar(true) => {
            let mut plain = resolve_schema(doc, &schema).clone();
            if let Some(plain) = plain.as_object_mut() {
                plain.shift_remove("nullable");
            }
            parameter.insert("schema".into(), plain);
        }
        Shape::Array => as_string(&mut parameter, "join the values with `,`", here, notes),
        Shape::Object(_) => as_string(
            &mut parameter,
            "write the fields as `name,value,...`",
            here,
            notes,
        ),
        Shape::Other => {
            // Any value, or a union: text is what travels in a path or header.
            parameter.insert("schema".into(), json!({"type": "string"}));
        }
    }
    parameter.shift_remove("style");
    parameter.shift_remove("explode");
    parameter
}

/// A query parameter, in the `form` style progenitor sends; a `deepObject` becomes one
/// parameter per field.
fn query(
    doc: &Value,
    mut parameter: Map<String, Value>,
    here: &str,
    notes: &mut Notes,
) -> Vec<Map<String, Value>> {
    // typify makes an array of fixed length a Rust array, which serializes as a tuple, and
    // progenitor's query writer refuses tuples: the request is never built. A list of any
    // length is sent instead; the server still holds it to its length.
    if let Some(schema) = parameter.get_mut("schema").and_then(Value::as_object_mut)
        && schema.get("type").and_then(Value::as_str) == Some("array")
        && schema.contains_key("minItems")
        && schema.get("minItems") == schema.get("maxItems")
    {
        schema.shift_remove("maxItems");
    }
    let schema = parameter.get("schema").cloned().unwrap_or(json!({}));
    let style = match text(&parameter, "style") {
        s if s.is_empty() => "form".to_string(),
        s => s,
    };
    let explode = parameter
        .get("explode")
        .and_then(Value::as_bool)
        .unwrap_or(style == "form");
    let name = text(&parameter, "name");
    let shape = shape(doc, &schema);
    match (style.as_str(), shape) {
        // An object's fields, one parameter each: `name[field]=v` for a deepObject, `field=v`
        // for an exploded form (progenitor cannot take an object parameter: it panics).
        ("deepObject", Shape::Object(fields)) => {
            return fields_as_parameters(doc, &parameter, fields, here, notes, |field| {
                format!("{name}[{field}]")
            });
        }
        ("form", Shape::Object(fields)) if explode => {
            return fields_as_parameters(doc, &parameter, fields, here, notes, str::to_string);
        }
        ("form", Shape::Other)
            if explode && resolve_schema(doc, &schema).get("allOf").is_some() =>
        {
            as_string(
                &mut parameter,
                "an object built from several schemas; write its `field=value` pairs yourself",
                here,
                notes,
            );
        }
        ("deepObject", Shape::Scalar(_)) => {}
        ("deepObject", _) => {
            notes.add(
                here,
                format!(
                    "left out parameter `{name}`: a `deepObject` without named fields; add \
                     `{name}[key]=value` pairs to the URL yourself"
                ),
            );
            return Vec::new();
        }
        ("form", Shape::Array | Shape::Object(_) | Shape::Other) if !explode => {
            as_string(&mut parameter, "join the values with `,`", here, notes);
        }
        ("spaceDelimited", Shape::Array) => {
            as_string(&mut parameter, "join the values with ` `", here, notes);
        }
        ("pipeDelimited", Shape::Array) => {
            as_string(&mut parameter, "join the values with `|`", here, notes);
        }
        _ => {}
    }
    parameter.shift_remove("style");
    parameter.shift_remove("explode");
    vec![parameter]
}

/// One query parameter per field of an object parameter, named by `name_of(field)`: required
/// when the object and the field are.
fn fields_as_parameters(
    doc: &Value,
    parameter: &Map<String, Value>,
    fields: Vec<(String, Value, bool)>,
    here: &str,
    notes: &mut Notes,
    name_of: impl Fn(&str) -> String,
) -> Vec<Map<String, Value>> {
    let required = parameter.get("required") == Some(&Value::Bool(true));
    fields
        .into_iter()
        .map(|(field, schema, field_required)| {
            let schema = match shape(doc, &schema) {
                Shape::Scalar(_) | Shape::Array => schema,
                _ => {
                    // OpenAPI defines no form for an object inside an object parameter.
                    notes.add(
                        here,
                        format!(
                            "parameter `{}` is an object inside an object, which its style \
                             gives no form; the client takes the text you write for it",
                            name_of(&field)
                        ),
                    );
                    json!({"type": "string"})
                }
            };
            let mut one = Map::new();
            one.insert("name".into(), name_of(&field).into());
            one.insert("in".into(), "query".into());
            one.insert("required".into(), (required && field_required).into());
            if let Some(description) = schema.get("description") {
                one.insert("description".into(), description.clone());
            }
            one.insert("schema".into(), schema);
            one
        })
        .collect()
}

/// Cookie parameters, as the one `Cookie` header progenitor can send.
fn cookie_header(cookies: &[Value], here: &str, notes: &mut Notes) -> Value {
    let names: Vec<String> = cookies
        .iter()
        .filter_map(|c| c.get("name").and_then(Value::as_str))
        .map(str::to_string)
        .collect();
    let required = cookies
        .iter()
        .any(|c| c.get("required") == Some(&Value::Bool(true)));
    let example = names
        .iter()
        .map(|n| format!("{n}=..."))
        .collect::<Vec<_>>()
        .join("; ");
    notes.add(
        here,
        format!(
            "cookie parameters ({}) are sent as one `Cookie` header: `{example}`",
            names.join(", ")
        ),
    );
    json!({
        "name": "Cookie",
        "in": "header",
        "required": required,
        "description": format!("The cookies this operation reads, as `{example}`."),
        "schema": {"type": "string"},
    })
}

/// Renames parameters whose Rust names would collide with an earlier one's, with the body or
/// with a builder method; returns how many it renamed. Path parameters keep their names (their
/// names are in the path template): they are looked at first.
fn tell_apart(parameters: &mut [Value], has_body: bool) -> usize {
    let mut taken: BTreeSet<String> = BUILDER_METHODS.iter().map(|m| m.to_string()).collect();
    if has_body {
        taken.insert("body".to_string());
    }
    let in_path = |p: &Value| p.get("in").and_then(Value::as_str) == Some("path");
    let mut renamed = 0;
    let (path, others): (Vec<&mut Value>, Vec<&mut Value>) =
        parameters.iter_mut().partition(|p| in_path(p));
    for parameter in path.into_iter().chain(others) {
        let Some(parameter) = parameter.as_object_mut() else {
            continue;
        };
        let name = text(parameter, "name");
        let claimed = claim(&mut taken, &name, &text(parameter, "in"), Case::Snake);
        if claimed != name {
            parameter.insert(WIRE_NAME.into(), name.into());
            parameter.insert("name".into(), claimed.into());
            renamed += 1;
        }
    }
    renamed
}

#[cfg(test)]
mod tests {
    use super::super::tests::{doc, lines, ok, run};
    use super::*;

    fn parameters(spec: Value) -> (Vec<Value>, Vec<String>) {
        let normalized = run(spec);
        let list = normalized.document["paths"]["/a"]["get"]["parameters"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        (list, lines(&normalized))
    }

    fn one_get(parameters: Value) -> Value {
        doc(json!({"/a": {"get": {"parameters": parameters, "responses": ok()}}}))
    }

    #[test]
    fn cookies_become_one_header_and_ignored_headers_go() {
        let (list, notes) = parameters(one_get(json!([
            {"name": "session", "in": "cookie", "required": true, "schema": {"type": "string"}},
            {"name": "theme", "in": "cookie", "schema": {"type": "string"}},
            {"name": "Accept", "in": "header", "schema": {"type": "string"}}])));
        assert_eq!(list.len(), 1, "{list:?}");
        assert_eq!(list[0]["name"], "Cookie");
        assert_eq!(list[0]["in"], "header");
        assert_eq!(list[0]["required"], true);
        assert_eq!(
            notes,
            [
                "GET /a: cookie parameters (session, theme) are sent as one `Cookie` header: \
              `session=...; theme=...`"
            ]
        );
    }

    #[test]
    fn content_parameters_and_delimited_arrays_become_strings() {
        let (list, notes) = parameters(one_get(json!([
            {"name": "filter", "in": "query", "content": {"application/json": {"schema": {"type": "object"}}}},
            {"name": "ids", "in": "query", "style": "pipeDelimited", "schema": {"type": "array", "items": {"type": "integer"}}},
            {"name": "tags", "in": "query", "explode": false, "schema": {"type": "array", "items": {"type": "string"}}},
            {"name": "many", "in": "query", "schema": {"type": "array", "items": {"type": "string"}}}])));
        assert_eq!(list[0]["schema"], json!({"type": "string"}));
        assert!(list[0].get("content").is_none());
        assert_eq!(list[1]["schema"], json!({"type": "string"}));
        assert_eq!(list[2]["schema"], json!({"type": "string"}));
        assert_eq!(
            list[3]["schema"]["type"], "array",
            "exploded form arrays are sent as is"
        );
        assert_eq!(notes.len(), 3, "{notes:?}");
        assert!(notes[1].contains("join the values with `|`"), "{notes:?}");
    }

    #[test]
    fn a_deep_object_is_one_parameter_per_field() {
        let mut spec = one_get(json!([
            {"name": "filter", "in": "query", "required": true, "style": "deepObject", "explode": true,
             "schema": {"$ref": "#/components/schemas/Filter"}}]));
        spec["components"] = json!({"schemas": {"Filter": {"type": "object", "required": ["name"],
            "properties": {"name": {"type": "string"}, "size": {"type": "integer"}}}}});
        let (list, notes) = parameters(spec);
        assert!(notes.is_empty(), "{notes:?}");
        let names: Vec<(&str, bool)> = list
            .iter()
            .map(|p| (p["name"].as_str().unwrap(), p["required"] == true))
            .collect();
        assert_eq!(names, [("filter[name]", true), ("filter[size]", false)]);
    }

    #[test]
    fn a_list_of_fixed_length_is_a_list() {
        let (list, notes) = parameters(one_get(json!([
            {"name": "tuple", "in": "query",
             "schema": {"type": "array", "minItems": 4, "maxItems": 4, "items": {"type": "number"}}}])));
        assert!(notes.is_empty(), "{notes:?}");
        assert_eq!(
            list[0]["schema"],
            json!({"type": "array", "minItems": 4, "items": {"type": "number"}})
        );
    }

    #[test]
    fn an_object_inside_a_deep_object_is_text_with_a_note() {
        let (list, notes) = parameters(one_get(json!([
            {"name": "deep", "in": "query", "style": "deepObject", "explode": true,
             "schema": {"type": "object", "properties": {
                 "owner": {"type": "object", "properties": {"role": {"type": "string"}}}}}}])));
        assert_eq!(list[0]["name"], "deep[owner]");
        assert_eq!(list[0]["schema"], json!({"type": "string"}));
        assert_eq!(
            notes,
            [
                "GET /a: parameter `deep[owner]` is an object inside an object, which its style \
              gives no form; the client takes the text you write for it"
            ]
        );
    }

    #[test]
    fn an_exploded_object_is_one_parameter_per_field() {
        let (list, notes) = parameters(one_get(json!([
            {"name": "effective_at", "in": "query",
             "schema": {"type": "object", "properties": {"gt": {"type": "integer"}, "lt": {"type": "integer"}}}},
            {"name": "labels", "in": "query",
             "schema": {"type": "object", "additionalProperties": {"type": "string"}}}])));
        assert!(notes.is_empty(), "{notes:?}");
        let names: Vec<&str> = list.iter().map(|p| p["name"].as_str().unwrap()).collect();
        assert_eq!(names, ["gt", "lt", "labels"]);
        assert_eq!(list[0]["schema"]["type"], "integer");
    }

    #[test]
    fn path_and_header_parameters_are_scalars() {
        let spec = doc(json!({"/a/{ids}": {"get": {"parameters": [
            {"name": "ids", "in": "path", "required": true, "schema": {"type": "array", "items": {"type": "string"}}},
            {"name": "X-Trace", "in": "header", "schema": {"type": "string", "nullable": true}},
            {"name": "X-Any", "in": "header", "schema": {}}],
            "responses": ok()}}}));
        let normalized = run(spec);
        let list = normalized.document["paths"]["/a/{ids}"]["get"]["parameters"]
            .as_array()
            .unwrap();
        assert_eq!(list[0]["schema"], json!({"type": "string"}));
        assert_eq!(list[1]["schema"], json!({"type": "string"}));
        assert_eq!(list[2]["schema"], json!({"type": "string"}));
        assert_eq!(
            lines(&normalized),
            ["GET /a/{ids}: parameter `ids` is sent as a string: join the values with `,`"]
        );
    }

    #[test]
    fn colliding_rust_names_are_told_apart_and_keep_their_wire_name() {
        let spec = doc(json!({"/a/{id}": {"post": {"parameters": [
            {"name": "id", "in": "query", "schema": {"type": "string"}},
            {"name": "pageSize", "in": "query", "schema": {"type": "integer"}},
            {"name": "page_size", "in": "query", "schema": {"type": "integer"}},
            {"name": "body", "in": "query", "schema": {"type": "string"}},
            {"name": "send", "in": "header", "schema": {"type": "string"}},
            {"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
            "requestBody": {"content": {"application/json": {"schema": {"type": "object"}}}},
            "responses": ok()}}}));
        let normalized = run(spec);
        let list = normalized.document["paths"]["/a/{id}"]["post"]["parameters"]
            .as_array()
            .unwrap();
        let names: Vec<(&str, Option<&str>)> = list
            .iter()
            .map(|p| {
                (
                    p["name"].as_str().unwrap(),
                    p.get(WIRE_NAME).and_then(Value::as_str),
                )
            })
            .collect();
        assert_eq!(
            names,
            [
                ("id_query", Some("id")),
                ("pageSize", None),
                ("page_size_query", Some("page_size")),
                ("body_query", Some("body")),
                ("send_header", Some("send")),
                ("id", None),
            ]
        );
    }
}
