//! Reading an OpenAPI document as JSON: JSON pointers, local references, and a walk over
//! every Schema Object wherever it is nested.

use anyhow::Result;
use serde_json::{Map, Value};

/// `base` followed by one more JSON-pointer segment, escaped (`~` as `~0`, `/` as `~1`).
pub fn pointer(base: &str, segment: &str) -> String {
    format!("{base}/{}", escape_segment(segment))
}

/// A key as one JSON-pointer segment: `~` as `~0`, `/` as `~1`.
pub fn escape_segment(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

/// The key one JSON-pointer segment names: `~1` as `/`, `~0` as `~`.
pub fn unescape_segment(segment: &str) -> String {
    segment.replace("~1", "/").replace("~0", "~")
}

/// The target of a local reference (`#/a/b`), percent- and pointer-decoded.
pub fn local_target<'a>(doc: &'a Value, reference: &str) -> Option<&'a Value> {
    let fragment = reference.strip_prefix('#')?;
    doc.pointer(&percent_decode(fragment))
}

/// `%XX` escapes decoded; invalid ones are kept as they are.
pub fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let Some(byte) = std::str::from_utf8(&bytes[i + 1..i + 3])
                .ok()
                .and_then(|hex| u8::from_str_radix(hex, 16).ok())
        {
            out.push(byte);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).unwrap_or_else(|_| text.to_string())
}

/// A schema, through its local `$ref`s (a bounded number of hops, so a cycle ends).
pub fn resolve_refs<'a>(doc: &'a Value, schema: &'a Value) -> &'a Value {
    let mut current = schema;
    for _ in 0..32 {
        match current
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(|reference| local_target(doc, reference))
        {
            Some(target) => current = target,
            None => break,
        }
    }
    current
}

/// A node, or the component its `$ref` names, with its pointer.
pub fn follow<'a>(doc: &'a Value, at: String, node: &'a Value) -> (String, &'a Value) {
    let mut current = (at, node);
    for _ in 0..8 {
        let Some(reference) = current.1.get("$ref").and_then(Value::as_str) else {
            break;
        };
        match local_target(doc, reference) {
            Some(next) => current = (reference.to_string(), next),
            None => break,
        }
    }
    current
}

/// The HTTP methods an OpenAPI path item may hold, in the order reports list them.
pub const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// A visitor over Schema Objects: the schema and its JSON pointer (`#/...`).
pub type Visit<'a> = dyn FnMut(&mut Map<String, Value>, &str) -> Result<()> + 'a;

/// Calls `visit` on every Schema Object of the document, parents before their subschemas.
///
/// The visitor may rewrite the schema; the walk then descends into what the schema holds after
/// the rewrite.
pub fn for_each_schema(doc: &mut Value, visit: &mut Visit<'_>) -> Result<()> {
    if let Some(components) = doc.get_mut("components").and_then(Value::as_object_mut) {
        for (section, value) in components.iter_mut() {
            let at = pointer("#/components", section);
            let Some(entries) = value.as_object_mut() else {
                continue;
            };
            for (name, entry) in entries.iter_mut() {
                let at = pointer(&at, name);
                match section.as_str() {
                    "schemas" => walk_schema(entry, &at, visit)?,
                    "parameters" | "headers" => walk_parameter(entry, &at, visit)?,
                    "requestBodies" => walk_content(entry, &at, visit)?,
                    "responses" => walk_response(entry, &at, visit)?,
                    _ => {}
                }
            }
        }
    }
    if let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) {
        for (path, item) in paths.iter_mut() {
            let at = pointer("#/paths", path);
            let Some(item) = item.as_object_mut() else {
                continue;
            };
            for (key, value) in item.iter_mut() {
                let at = pointer(&at, key);
                if key == "parameters" {
                    walk_parameters(value, &at, visit)?;
                } else if METHODS.contains(&key.as_str()) {
                    walk_operation(value, &at, visit)?;
                }
            }
        }
    }
    Ok(())
}

fn walk_operation(op: &mut Value, at: &str, visit: &mut Visit<'_>) -> Result<()> {
    let Some(op) = op.as_object_mut() else {
        return Ok(());
    };
    if let Some(parameters) = op.get_mut("parameters") {
        walk_parameters(parameters, &pointer(at, "parameters"), visit)?;
    }
    if let Some(body) = op.get_mut("requestBody") {
        walk_content(body, &pointer(at, "requestBody"), visit)?;
    }
    if let Some(responses) = op.get_mut("responses").and_then(Value::as_object_mut) {
        let at = pointer(at, "responses");
        for (status, response) in responses.iter_mut() {
            walk_response(response, &pointer(&at, status), visit)?;
        }
    }
    Ok(())
}

fn walk_parameters(parameters: &mut Value, at: &str, visit: &mut Visit<'_>) -> Result<()> {
    if let Some(parameters) = parameters.as_array_mut() {
        for (i, parameter) in parameters.iter_mut().enumerate() {
            walk_parameter(parameter, &pointer(at, &i.to_string()), visit)?;
        }
    }
    Ok(())
}

fn walk_parameter(parameter: &mut Value, at: &str, visit: &mut Visit<'_>) -> Result<()> {
    if let Some(schema) = parameter.get_mut("schema") {
        walk_schema(schema, &pointer(at, "schema"), visit)?;
    }
    walk_content(parameter, at, visit)
}

fn walk_response(response: &mut Value, at: &str, visit: &mut Visit<'_>) -> Result<()> {
    if let Some(headers) = response.get_mut("headers").and_then(Value::as_object_mut) {
        let at = pointer(at, "headers");
        for (name, header) in headers.iter_mut() {
            walk_parameter(header, &pointer(&at, name), visit)?;
        }
    }
    walk_content(response, at, visit)
}

fn walk_content(holder: &mut Value, at: &str, visit: &mut Visit<'_>) -> Result<()> {
    if let Some(content) = holder.get_mut("content").and_then(Value::as_object_mut) {
        let at = pointer(at, "content");
        for (media_type, media) in content.iter_mut() {
            if let Some(schema) = media.get_mut("schema") {
                walk_schema(schema, &pointer(&pointer(&at, media_type), "schema"), visit)?;
            }
        }
    }
    Ok(())
}

/// Keywords whose value is one subschema.
const SUBSCHEMA: [&str; 9] = [
    "items",
    "additionalProperties",
    "not",
    "contains",
    "if",
    "then",
    "else",
    "propertyNames",
    "unevaluatedProperties",
];
/// Keywords whose value is a list of subschemas.
const SUBSCHEMA_LISTS: [&str; 4] = ["allOf", "anyOf", "oneOf", "prefixItems"];
/// Keywords whose value maps names to subschemas.
const SUBSCHEMA_MAPS: [&str; 5] = [
    "properties",
    "patternProperties",
    "$defs",
    "definitions",
    "dependentSchemas",
];

/// Visits `schema` and then every subschema it holds.
pub fn walk_schema(schema: &mut Value, at: &str, visit: &mut Visit<'_>) -> Result<()> {
    let Some(map) = schema.as_object_mut() else {
        return Ok(());
    };
    visit(map, at)?;
    for (key, value) in map.iter_mut() {
        let here = pointer(at, key);
        if SUBSCHEMA.contains(&key.as_str()) {
            walk_schema(value, &here, visit)?;
        } else if SUBSCHEMA_LISTS.contains(&key.as_str()) {
            if let Some(items) = value.as_array_mut() {
                for (i, item) in items.iter_mut().enumerate() {
                    walk_schema(item, &pointer(&here, &i.to_string()), visit)?;
                }
            }
        } else if SUBSCHEMA_MAPS.contains(&key.as_str())
            && let Some(entries) = value.as_object_mut()
        {
            for (name, entry) in entries.iter_mut() {
                walk_schema(entry, &pointer(&here, name), visit)?;
            }
        }
    }
    Ok(())
}

/// The prefix of a component schema reference.
pub const SCHEMA_PREFIX: &str = "#/components/schemas/";

/// The component name a local `$ref` such as `#/components/schemas/Agent` points at, as
/// written (still JSON-pointer escaped).
pub fn ref_name(reference: &str) -> Option<&str> {
    reference.strip_prefix(SCHEMA_PREFIX)
}

/// The `$ref` text for the component schema `name`, escaped.
pub fn component_ref(name: &str) -> String {
    format!("{SCHEMA_PREFIX}{}", escape_segment(name))
}

/// The component schema a local `$ref` names, within `doc`.
pub fn component<'a>(doc: &'a Value, reference: &str) -> Option<&'a Value> {
    doc.pointer("/components/schemas")?
        .get(unescape_segment(ref_name(reference)?))
}

/// Every component schema name (unescaped) referenced anywhere inside `value`.
pub fn referenced_schemas(value: &Value, into: &mut std::collections::BTreeSet<String>) {
    match value {
        Value::Object(map) => {
            for (key, value) in map {
                match (key.as_str(), value) {
                    ("$ref", Value::String(reference)) => {
                        if let Some(name) = ref_name(reference) {
                            into.insert(unescape_segment(name));
                        }
                    }
                    _ => referenced_schemas(value, into),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|item| referenced_schemas(item, into)),
        _ => {}
    }
}

/// The property names a schema's `required` keyword lists, in order (none when it lists none).
pub fn required_names(required: Option<&Value>) -> Vec<&str> {
    required
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect()
}

/// Merges what an `allOf` member says into the schema it composes: its properties and
/// `required` names are added, and a keyword the schema lacks is taken (the schema's own wins).
/// Keywords in `skip` are not taken.
pub fn merge_member(target: &mut Map<String, Value>, member: &Map<String, Value>, skip: &[&str]) {
    for (key, value) in member {
        if skip.contains(&key.as_str()) {
            continue;
        }
        match (key.as_str(), target.get_mut(key)) {
            ("properties", Some(Value::Object(properties))) => {
                for (name, property) in value.as_object().into_iter().flatten() {
                    properties
                        .entry(name.clone())
                        .or_insert_with(|| property.clone());
                }
            }
            ("required", Some(Value::Array(required))) => {
                for name in value.as_array().into_iter().flatten() {
                    if !required.contains(name) {
                        required.push(name.clone());
                    }
                }
            }
            (_, Some(_)) => {}
            (_, None) => {
                target.insert(key.clone(), value.clone());
            }
        }
    }
}
