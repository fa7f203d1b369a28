//! Request bodies in a form progenitor 0.15 sends: one media type, of JSON, form-urlencoded, raw
//! bytes or plain text.
//!
//! Of the media types a body offers, the first of these is kept: JSON (`application/json`,
//! then any `+json` or `/json` type), `application/x-www-form-urlencoded` (for an object),
//! `multipart/form-data`, `application/octet-stream`, `text/plain`, then whatever comes first.
//! progenitor sends JSON, forms, bytes and plain text itself; for the rest the document says
//! what [`crate::rewrite`] does to the generated code:
//!
//! - `x-agentrun-multipart`: the body is sent as `multipart/form-data`. Given as JSON, it is a
//!   struct of its fields whose files are [`UPLOAD_FORMAT`] strings (`agentrun_runtime::Upload`
//!   in Rust); given as bytes (no fields listed), the method takes a
//!   `reqwest::multipart::Form`;
//! - `x-agentrun-content-type`: the body is sent with this media type instead of the one
//!   progenitor writes (`application/merge-patch+json` for a JSON body, `application/xml` for
//!   bytes);
//! - `x-agentrun-nullable-fields`: the builder's `null_fields` may send these fields as `null`.
//!
//! A body offered in other forms too (JSON, a form and multipart, say) gets an operation per
//! other form, under the path with a `#suffix` ([`ALTERNATIVE`]): the client has a method for
//! each (`create_pet`, `create_pet_form`, `create_pet_multipart`).

use std::collections::BTreeSet;

use serde_json::{Map, Value, json};

pub use agentrun_mock::media::{essence, is_json};

use crate::normalize::names::{Case, claim, sanitize};
use crate::normalize::notes::{Notes, operation};
use crate::normalize::paths::RESERVED_METHODS;
use crate::normalize::walk::{for_each_operation, resolve_schema};

/// The extension marking a body that is sent as `multipart/form-data`.
pub const MULTIPART: &str = "x-agentrun-multipart";
/// The extension listing a multipart body's field names, for the method's documentation.
pub const MULTIPART_FIELDS: &str = "x-agentrun-multipart-fields";
/// The extension giving the media type a body is sent with.
pub const CONTENT_TYPE: &str = "x-agentrun-content-type";
/// The extension listing a JSON body's top-level fields the document lets be `null`: the
/// builder's `null_fields` sends them so (an unset optional field is left out, as a
/// merge-patch needs, so `null` has no other way onto the wire).
pub const NULLABLE_FIELDS: &str = "x-agentrun-nullable-fields";

/// The field names of a normalized request body sent as `multipart/form-data`; `None` when it
/// is sent otherwise.
pub fn multipart_fields(body: &Value) -> Option<Vec<&str>> {
    (body.get(MULTIPART) == Some(&Value::Bool(true))).then(|| {
        body.get(MULTIPART_FIELDS)
            .and_then(Value::as_array)
            .map(|fields| fields.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default()
    })
}

/// How progenitor sends a body, best first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Form {
    Json,
    JsonLike,
    Urlencoded,
    Multipart,
    Bytes,
    Text,
    Other,
}

fn form_of(media_type: &str) -> Form {
    let essence = essence(media_type);
    match essence.as_str() {
        "application/json" => Form::Json,
        _ if is_json(&essence) => Form::JsonLike,
        "application/x-www-form-urlencoded" => Form::Urlencoded,
        e if e.starts_with("multipart/") => Form::Multipart,
        "application/octet-stream" => Form::Bytes,
        "text/plain" => Form::Text,
        _ => Form::Other,
    }
}

/// Whether `media_type` can be written in a header as it is (printable ASCII).
pub fn is_header_value(media_type: &str) -> bool {
    !media_type.is_empty() && media_type.bytes().all(|b| (0x20..0x7f).contains(&b))
}

/// Gives every request body one media type progenitor sends; returns how many bodies it
/// changed. A body offered in other forms too (a form, multipart, bytes) gets an operation per
/// other form, so the client has a method for each (see [`ALTERNATIVE`]).
pub fn normalize_bodies(doc: &mut Value, notes: &mut Notes) -> usize {
    let snapshot = doc.clone();
    let mut changed = 0;
    let mut alternatives: Vec<Alternative> = Vec::new();
    for_each_operation(doc, &mut |path, method, op| {
        let original = op.clone();
        let Some(body) = op.get_mut("requestBody").and_then(Value::as_object_mut) else {
            if op.contains_key("requestBody") {
                op.shift_remove("requestBody");
                changed += 1;
            }
            return;
        };
        let content = match body.get("content").and_then(Value::as_object) {
            Some(content) if !content.is_empty() => content.clone(),
            _ => {
                op.shift_remove("requestBody");
                changed += 1;
                return;
            }
        };
        let Some((media_type, media)) = choose(&snapshot, &content) else {
            return;
        };
        // Another JSON spelling of the same body (`text/json`, `application/*+json`) loses
        // nothing; a body of another form gets a method of its own, and what cannot be one
        // (a form of what is not an object) is left out.
        let (reachable, left_out) = other_forms(&snapshot, &content, &media_type);
        for (suffix, other, media) in reachable {
            let (kept, extensions) = rewrite(&snapshot, &other, media);
            let mut alternative = original.clone();
            if let Some(body) = alternative
                .get_mut("requestBody")
                .and_then(Value::as_object_mut)
            {
                body.insert("content".into(), json!({ kept.0: kept.1 }));
                for (key, value) in extensions {
                    body.insert(key.into(), value);
                }
            }
            alternative.insert(ALTERNATIVE.into(), json!({"of": path, "mediaType": other}));
            alternatives.push(Alternative {
                path: format!("{path}#{suffix}"),
                method: method.to_string(),
                suffix,
                operation: alternative,
            });
        }
        if !left_out.is_empty() {
            let names: Vec<String> = left_out.iter().map(|m| format!("`{m}`")).collect();
            notes.add(
                operation(method, path),
                format!(
                    "the request body cannot be sent as {}: a second media type of one form, \
                     or a form of what is not an object",
                    names.join(", ")
                ),
            );
        }
        let (kept, extensions) = rewrite(&snapshot, &media_type, media);
        let unchanged =
            content.len() == 1 && extensions.is_empty() && content.get(&kept.0) == Some(&kept.1);
        let mut new_content = Map::new();
        new_content.insert(kept.0, kept.1);
        body.insert("content".into(), Value::Object(new_content));
        for (key, value) in extensions {
            body.insert(key.into(), value);
        }
        changed += usize::from(!unchanged);
    });
    add_alternatives(doc, alternatives);
    changed
}

/// The extension on an operation that sends another media type of a body offered in several
/// forms: `{of: "/pets", mediaType: "multipart/form-data"}`. Its path is the original's with
/// `#form`, `#multipart`, `#bytes`, `#text` or `#xml` (the media type's subtype) appended: a
/// fragment, which names it apart in the document and is never sent on the wire;
/// [`crate::rewrite`] leaves it out of the URL. Its `operationId` is the original's with the
/// same suffix (`create_pet_multipart`).
pub const ALTERNATIVE: &str = "x-agentrun-alternative-of";

/// The route an operation is sent to: its path key, or for an alternative the original's (a
/// document may have a `#` in a path key of its own, so only the extension says).
pub fn route<'a>(key: &'a str, op: &'a Map<String, Value>) -> &'a str {
    op.get(ALTERNATIVE)
        .and_then(|of| of.get("of"))
        .and_then(Value::as_str)
        .unwrap_or(key)
}

/// An operation made for another form of a body.
struct Alternative {
    path: String,
    method: String,
    suffix: String,
    operation: Map<String, Value>,
}

/// The other forms of a body than `chosen`'s: those a method can send, each as a suffix, media
/// type and media object (the first of each form; each media type of no known form), and the
/// media types left out.
fn other_forms(
    doc: &Value,
    content: &Map<String, Value>,
    chosen: &str,
) -> (Vec<(String, String, Value)>, Vec<String>) {
    let mut reachable: Vec<(String, String, Value)> = Vec::new();
    let mut left_out = Vec::new();
    let mut families = vec![form_family(chosen)];
    for (media_type, media) in content {
        let family = form_family(media_type);
        if family == Form::Json && families[0] == Form::Json {
            continue;
        }
        if family != Form::Other && families.contains(&family) {
            left_out.push(media_type.clone());
            continue;
        }
        if family == Form::Urlencoded && !is_object(doc, media.get("schema")) {
            left_out.push(media_type.clone());
            continue;
        }
        families.push(family);
        let base = match family {
            Form::Json | Form::JsonLike => "json".to_string(),
            Form::Urlencoded => "form".to_string(),
            Form::Multipart => "multipart".to_string(),
            Form::Bytes => "bytes".to_string(),
            Form::Text => "text".to_string(),
            Form::Other => {
                let essence = essence(media_type);
                let subtype = essence.split_once('/').map_or(essence.as_str(), |(_, s)| s);
                let subtype = subtype.strip_prefix("x-").unwrap_or(subtype);
                sanitize(subtype, Case::Snake)
            }
        };
        let mut suffix = base.clone();
        let mut n = 2;
        while reachable.iter().any(|(taken, _, _)| *taken == suffix) {
            suffix = format!("{base}_{n}");
            n += 1;
        }
        reachable.push((suffix, media_type.clone(), media.clone()));
    }
    (reachable, left_out)
}

/// Adds the alternatives' operations, each under its own path key, with an `operationId` no
/// other operation's Rust method has.
fn add_alternatives(doc: &mut Value, alternatives: Vec<Alternative>) {
    if alternatives.is_empty() {
        return;
    }
    let mut taken: BTreeSet<String> = RESERVED_METHODS.iter().map(|m| m.to_string()).collect();
    for_each_operation(doc, &mut |_, _, op| {
        if let Some(id) = op.get("operationId").and_then(Value::as_str) {
            taken.insert(sanitize(id, Case::Snake));
        }
    });
    let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) else {
        return;
    };
    for mut alternative in alternatives {
        let id = alternative
            .operation
            .get("operationId")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string();
        let wanted = format!("{id}_{}", alternative.suffix);
        let claimed = claim(&mut taken, &wanted, "alternative", Case::Snake);
        alternative
            .operation
            .insert("operationId".into(), Value::String(claimed));
        let item = paths.entry(alternative.path).or_insert_with(|| json!({}));
        if let Some(item) = item.as_object_mut() {
            item.insert(alternative.method, Value::Object(alternative.operation));
        }
    }
}

/// Where a request-body property's documented default goes: the server applies it, so the
/// client does not send it.
pub const SERVER_DEFAULT: &str = "x-agentrun-server-default";

/// Leaves the defaults of optional request-body properties to the server: each `default` moves
/// to [`SERVER_DEFAULT`] and into the description. A generated builder otherwise fills every
/// default in and sends it, which pins today's default into every request (and a field the
/// user never set goes on the wire). Returns how many defaults moved.
pub fn leave_defaults_to_the_server(doc: &mut Value) -> usize {
    let snapshot = doc.clone();
    let mut moved = 0;
    for_each_operation(doc, &mut |_, _, op| {
        let Some(schema) = op
            .get_mut("requestBody")
            .and_then(|body| body.pointer_mut("/content/application~1json/schema"))
        else {
            return;
        };
        let required: Vec<String> = schema
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|name| name.as_str().map(str::to_string))
            .collect();
        let Some(properties) = schema.get_mut("properties").and_then(Value::as_object_mut) else {
            return;
        };
        for (name, property) in properties.iter_mut() {
            let Some(property) = property.as_object_mut() else {
                continue;
            };
            if required.contains(name) {
                continue;
            }
            let Some(default) = property.shift_remove("default") else {
                continue;
            };
            let shown = match &default {
                Value::String(text) => format!("`{text}`"),
                other => format!("`{other}`"),
            };
            let note = format!("Left out, the server uses {shown}.");
            // The property's own description, else its referenced schema's.
            let referenced =
                crate::normalize::walk::resolve_schema(&snapshot, &Value::Object(property.clone()))
                    .get("description")
                    .and_then(Value::as_str)
                    .map(str::to_string);
            let own = property
                .get("description")
                .and_then(Value::as_str)
                .map(str::to_string);
            let description = match own.or(referenced) {
                Some(text) if !text.trim().is_empty() => format!("{} {note}", text.trim_end()),
                _ => note,
            };
            property.insert("description".into(), description.into());
            property.insert(SERVER_DEFAULT.into(), default);
            moved += 1;
        }
    });
    moved
}

/// The media type to keep: the best form, the first of its form in the document.
fn choose(doc: &Value, content: &Map<String, Value>) -> Option<(String, Value)> {
    content
        .iter()
        .filter(|(media_type, media)| {
            // A form body must be an object for progenitor to encode it.
            form_of(media_type) != Form::Urlencoded || is_object(doc, media.get("schema"))
        })
        .min_by_key(|(media_type, _)| form_of(media_type))
        .or_else(|| content.iter().next())
        .map(|(media_type, media)| (media_type.clone(), media.clone()))
}

/// The top-level properties of an object schema (its `allOf` members' too) that admit `null`.
fn nullable_fields(doc: &Value, schema: &Value) -> Vec<String> {
    let schema = resolve_schema(doc, schema);
    let mut found = Vec::new();
    let members = schema
        .get("allOf")
        .and_then(Value::as_array)
        .into_iter()
        .flatten();
    for holder in std::iter::once(schema).chain(members.map(|m| resolve_schema(doc, m))) {
        let properties = holder.get("properties").and_then(Value::as_object);
        for (name, property) in properties.into_iter().flatten() {
            if admits_null(doc, property, 0) && !found.contains(name) {
                found.push(name.clone());
            }
        }
    }
    found
}

/// Whether a schema admits `null`: `nullable`, a `null` type, a `null` enum value, or a union
/// branch that does.
fn admits_null(doc: &Value, schema: &Value, depth: usize) -> bool {
    let schema = resolve_schema(doc, schema);
    let null_type = match schema.get("type") {
        Some(Value::String(t)) => t == "null",
        Some(Value::Array(types)) => types.iter().any(|t| t == "null"),
        _ => false,
    };
    null_type
        || schema.get("nullable") == Some(&Value::Bool(true))
        || schema
            .get("enum")
            .and_then(Value::as_array)
            .is_some_and(|values| values.contains(&Value::Null))
        || (depth < 8
            && ["oneOf", "anyOf"].iter().any(|key| {
                schema
                    .get(*key)
                    .and_then(Value::as_array)
                    .is_some_and(|branches| branches.iter().any(|b| admits_null(doc, b, depth + 1)))
            }))
}

/// JSON of any spelling is one family; every other form is its own.
fn form_family(media_type: &str) -> Form {
    match form_of(media_type) {
        Form::JsonLike => Form::Json,
        other => other,
    }
}

fn is_object(doc: &Value, schema: Option<&Value>) -> bool {
    let Some(schema) = schema else { return false };
    let resolved = resolve_schema(doc, schema);
    resolved.get("type").and_then(Value::as_str) == Some("object")
        || resolved.get("properties").is_some()
        || resolved.get("allOf").is_some()
}

/// The media type and media object progenitor is given, and the extensions that tell
/// [`crate::rewrite`] how to send it.
fn rewrite(
    doc: &Value,
    media_type: &str,
    media: Value,
) -> ((String, Value), Vec<(&'static str, Value)>) {
    let mut media = match media {
        Value::Object(media) => media,
        _ => Map::new(),
    };
    media.shift_remove("encoding");
    let schema = media.get("schema").cloned();
    let documented = |schema: Option<Value>, base: Value| -> Value {
        let mut base = base;
        if let Some(description) = schema.as_ref().and_then(|s| s.get("description")).cloned() {
            base["description"] = description;
        }
        base
    };
    let bytes = json!({"type": "string", "format": "binary"});
    let override_type = |extensions: &mut Vec<(&'static str, Value)>| {
        if is_header_value(media_type) && media_type != "*/*" {
            extensions.push((CONTENT_TYPE, media_type.into()));
        }
    };
    let mut extensions = Vec::new();
    if matches!(form_of(media_type), Form::Json | Form::JsonLike)
        && let Some(schema) = &schema
    {
        let names = nullable_fields(doc, schema);
        if !names.is_empty() {
            extensions.push((NULLABLE_FIELDS, json!(names)));
        }
    }
    let (key, schema) = match form_of(media_type) {
        Form::Json => ("application/json", schema.unwrap_or_else(|| json!({}))),
        Form::JsonLike => {
            override_type(&mut extensions);
            ("application/json", schema.unwrap_or_else(|| json!({})))
        }
        Form::Urlencoded => (
            "application/x-www-form-urlencoded",
            schema.unwrap_or_else(|| json!({"type": "object"})),
        ),
        Form::Multipart if typed_multipart(doc, schema.as_ref()).is_some() => {
            extensions.push((MULTIPART, Value::Bool(true)));
            let typed = typed_multipart(doc, schema.as_ref()).unwrap_or_default();
            let names: Vec<Value> = typed
                .get("properties")
                .and_then(Value::as_object)
                .map(|fields| fields.keys().map(|k| Value::String(k.clone())).collect())
                .unwrap_or_default();
            extensions.push((MULTIPART_FIELDS, Value::Array(names)));
            ("application/json", typed)
        }
        Form::Multipart => {
            extensions.push((MULTIPART, Value::Bool(true)));
            if let Some(fields) = schema
                .as_ref()
                .map(|s| resolve_schema(doc, s))
                .and_then(|s| s.get("properties"))
                .and_then(Value::as_object)
            {
                let names: Vec<Value> = fields.keys().map(|k| Value::String(k.clone())).collect();
                extensions.push((MULTIPART_FIELDS, Value::Array(names)));
            }
            ("application/octet-stream", documented(schema, bytes))
        }
        Form::Bytes => ("application/octet-stream", documented(schema, bytes)),
        Form::Text if plain_string(schema.as_ref()) => {
            ("text/plain", documented(schema, json!({"type": "string"})))
        }
        Form::Text | Form::Other => {
            override_type(&mut extensions);
            ("application/octet-stream", documented(schema, bytes))
        }
    };
    media.insert("schema".into(), schema);
    ((key.to_string(), Value::Object(media)), extensions)
}

/// The format of a string schema that progenitor makes an `agentrun_runtime::Upload`: a
/// typed multipart body's file field (`crate::generate::settings`).
pub const UPLOAD_FORMAT: &str = "agentrun-upload";

/// A multipart body's schema as a struct of its fields, for a typed body: its properties, with
/// each file (`format: binary`, or a list of them) an upload. `None` where the body is not an
/// object of listed properties alone (the method then takes a `reqwest::multipart::Form`).
fn typed_multipart(doc: &Value, schema: Option<&Value>) -> Option<Value> {
    let schema = schema?;
    let resolved = resolve_schema(doc, schema);
    let object = resolved.as_object()?;
    let composed = ["allOf", "anyOf", "oneOf"]
        .iter()
        .any(|key| object.contains_key(*key));
    let properties = object.get("properties")?.as_object()?;
    if composed || properties.is_empty() {
        return None;
    }
    let upload = json!({"type": "string", "format": UPLOAD_FORMAT});
    let is_file = |schema: &Value| {
        let schema = resolve_schema(doc, schema);
        schema.get("type").and_then(Value::as_str) == Some("string")
            && schema.get("format").and_then(Value::as_str) == Some("binary")
    };
    let mut files = false;
    let fields: Map<String, Value> = properties
        .iter()
        .map(|(name, field)| {
            let items = resolve_schema(doc, field).get("items");
            let typed = if is_file(field) {
                upload.clone()
            } else if items.is_some_and(is_file) {
                json!({"type": "array", "items": upload})
            } else {
                return (name.clone(), field.clone());
            };
            files = true;
            (name.clone(), typed)
        })
        .collect();
    if !files {
        // No file among the fields: the body's own type, shared with its JSON form.
        return Some(schema.clone());
    }
    let mut typed = Map::new();
    typed.insert("type".into(), json!("object"));
    for key in ["description", "required"] {
        if let Some(value) = object.get(key) {
            typed.insert(key.into(), value.clone());
        }
    }
    typed.insert("properties".into(), Value::Object(fields));
    Some(Value::Object(typed))
}

/// Whether a text body's schema is the plain string progenitor requires (no format or limits).
fn plain_string(schema: Option<&Value>) -> bool {
    let Some(schema) = schema.and_then(Value::as_object) else {
        return true;
    };
    schema
        .keys()
        .all(|k| ["type", "description", "title", "example"].contains(&k.as_str()))
        && schema
            .get("type")
            .and_then(Value::as_str)
            .unwrap_or("string")
            == "string"
}

#[cfg(test)]
mod tests {
    #[test]
    fn request_defaults_are_left_to_the_server() {
        let mut doc = serde_json::json!({"paths": {"/a": {"post": {"requestBody": {"content": {
            "application/json": {"schema": {"type": "object", "required": ["n"], "properties": {
                "effort": {"type": "string", "enum": ["low", "medium"], "default": "medium",
                           "description": "How hard."},
                "n": {"type": "integer", "default": 1}}}}}}}}}});
        assert_eq!(super::leave_defaults_to_the_server(&mut doc), 1);
        let properties = &doc["paths"]["/a"]["post"]["requestBody"]["content"]["application/json"]
            ["schema"]["properties"];
        assert!(properties["effort"].get("default").is_none());
        assert_eq!(properties["effort"][super::SERVER_DEFAULT], "medium");
        assert_eq!(
            properties["effort"]["description"],
            "How hard. Left out, the server uses `medium`."
        );
        // A required field is always sent; its default stays.
        assert_eq!(properties["n"]["default"], 1);
    }

    use super::super::tests::{doc, ok, run};
    use super::*;

    #[test]
    fn each_other_form_of_a_body_is_an_operation_of_its_own() {
        let object =
            json!({"schema": {"type": "object", "properties": {"name": {"type": "string"}}}});
        let normalized = run(doc(json!({"/a/{id}": {"post": {
            "operationId": "createA",
            "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
            "requestBody": {"required": true, "content": {
                "application/json": object,
                "text/json": object,
                "application/x-www-form-urlencoded": object,
                "multipart/form-data": object,
                "multipart/mixed": object,
                "application/xml": object}},
            "responses": ok()}}})));
        let paths = &normalized.document["paths"];
        let keys: Vec<&String> = paths.as_object().unwrap().keys().collect();
        assert_eq!(
            keys,
            [
                "/a/{id}",
                "/a/{id}#form",
                "/a/{id}#multipart",
                "/a/{id}#xml"
            ]
        );
        let form = &paths["/a/{id}#form"]["post"];
        assert_eq!(form["operationId"], "createA_form");
        assert_eq!(
            form[ALTERNATIVE],
            json!({"of": "/a/{id}", "mediaType": "application/x-www-form-urlencoded"})
        );
        assert!(form["requestBody"]["content"]["application/x-www-form-urlencoded"].is_object());
        assert_eq!(form["requestBody"]["required"], true);
        assert_eq!(form["parameters"][0]["name"], "id");
        let multipart = &paths["/a/{id}#multipart"]["post"];
        assert_eq!(multipart["requestBody"][MULTIPART], true);
        let xml = &paths["/a/{id}#xml"]["post"]["requestBody"];
        assert_eq!(xml[CONTENT_TYPE], "application/xml");
        let xml_op = paths["/a/{id}#xml"]["post"].as_object().unwrap();
        assert_eq!(route("/a/{id}#xml", xml_op), "/a/{id}");
        let own = json!({"responses": {}});
        assert_eq!(
            route("/cookies#form", own.as_object().unwrap()),
            "/cookies#form"
        );
        // A second multipart type has no method of its own; another JSON spelling loses nothing.
        assert_eq!(
            normalized.notes.lines(),
            [
                "POST /a/{id}: the request body cannot be sent as `multipart/mixed`: a second \
                 media type of one form, or a form of what is not an object"
            ]
        );
    }

    fn body(content: Value) -> Value {
        let normalized = run(doc(json!({"/a": {"post": {
            "requestBody": {"content": content}, "responses": ok()}}})));
        normalized.document["paths"]["/a"]["post"]["requestBody"].clone()
    }

    #[test]
    fn json_is_kept_over_the_others() {
        let kept = body(json!({
            "application/xml": {"schema": {"type": "object"}},
            "application/x-www-form-urlencoded": {"schema": {"type": "object"}},
            "application/json": {"schema": {"type": "object"}}}));
        assert_eq!(
            kept,
            json!({"content": {"application/json": {"schema": {"type": "object"}}}})
        );
    }

    #[test]
    fn a_json_media_type_of_another_name_is_sent_as_itself() {
        let kept = body(json!({"application/merge-patch+json": {"schema": {"type": "object"}}}));
        assert_eq!(kept[CONTENT_TYPE], "application/merge-patch+json");
        assert!(kept["content"]["application/json"].is_object());
    }

    #[test]
    fn a_multipart_body_is_a_struct_whose_files_are_uploads() {
        let kept = body(json!({"multipart/form-data": {
            "schema": {"type": "object", "required": ["file"], "properties": {
                "file": {"type": "string", "format": "binary", "description": "d"},
                "pages": {"type": "array", "items": {"type": "string", "format": "binary"}},
                "name": {"type": "string"}}},
            "encoding": {"file": {"contentType": "image/png"}}}}));
        assert_eq!(kept[MULTIPART], true);
        assert_eq!(multipart_fields(&kept), Some(vec!["file", "pages", "name"]));
        let upload = json!({"type": "string", "format": UPLOAD_FORMAT});
        assert_eq!(
            kept["content"],
            json!({"application/json": {"schema": {"type": "object", "required": ["file"],
                "properties": {"file": upload, "pages": {"type": "array", "items": upload},
                               "name": {"type": "string"}}}}})
        );
    }

    #[test]
    fn a_multipart_body_of_no_listed_fields_is_a_form() {
        let kept = body(json!({"multipart/form-data": {"schema": {"type": "object"}}}));
        assert_eq!(kept[MULTIPART], true);
        assert_eq!(
            kept["content"],
            json!({"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}})
        );
    }

    #[test]
    fn other_media_types_are_bytes_sent_as_themselves() {
        let kept = body(json!({"application/xml": {"schema": {"type": "object"}}}));
        assert_eq!(kept[CONTENT_TYPE], "application/xml");
        assert_eq!(
            kept["content"]["application/octet-stream"]["schema"],
            json!({"type": "string", "format": "binary"})
        );
        let kept = body(json!({"text/plain": {"schema": {"type": "string", "maxLength": 5}}}));
        assert_eq!(kept[CONTENT_TYPE], "text/plain");
        let kept = body(json!({"text/plain": {"schema": {"type": "string"}}}));
        assert!(kept["content"]["text/plain"].is_object());
        assert!(kept.get(CONTENT_TYPE).is_none());
        let kept = body(json!({"application/octet-stream": {}}));
        assert_eq!(
            kept["content"]["application/octet-stream"]["schema"],
            json!({"type": "string", "format": "binary"})
        );
    }
}
