//! OpenAPI 3.1 (and 3.2) down to 3.0, and schemas repaired into what progenitor reads.
//!
//! progenitor reads OpenAPI 3.0 through the `openapiv3` crate, whose types are strict. This
//! module never gives up on a schema: what has a 3.0 form is rewritten into it, and what has
//! none is approximated, with a note when the client loses something.
//!
//! | 3.1 | 3.0 |
//! |---|---|
//! | `type: [T, "null"]`, `enum: [.., null]` | `type: T`, `nullable: true` |
//! | `type: [A, B]` | `anyOf: [{type: A}, {type: B}]` |
//! | `anyOf`/`oneOf` with a `{type: "null"}` branch | the other branch(es) + `nullable: true` |
//! | `oneOf` of `{const, description}` branches | `enum` + `x-enum-descriptions` |
//! | `const: v` | `enum: [v]` |
//! | `examples: [a, ..]` in a schema | `example: a` |
//! | numeric `exclusiveMinimum: n` | `minimum: n`, `exclusiveMinimum: true` |
//! | `$ref` with siblings such as `nullable` | `allOf: [{$ref}]` + the siblings |
//! | `prefixItems: [A, B]` (a tuple) | `items: A` when all are alike, else `items: {anyOf: [A, B]}` |
//! | `true` / `false` as a schema | `{}` / left out |
//! | `required: []` | left out (3.0 wants at least one name) |
//!
//! Keywords that only validate and have no 3.0 form (`contentEncoding`, `if`/`then`/`else`,
//! `unevaluatedProperties`, ...) are dropped: a generated client does not validate with them.
//! The repairs run on 3.0 documents too, since real ones use 3.1 forms (a numeric
//! `exclusiveMinimum`, `examples`) and slips such as a keyword of the wrong type, which is
//! dropped with a note.

use anyhow::Result;
use serde_json::{Map, Value, json};

use crate::normalize::notes::Notes;
use crate::normalize::walk::{METHODS, for_each_schema};
use crate::read::document::{kind, openapi_version};

/// Where a converted document keeps the 3.1 `webhooks`, which 3.0 has no place for: the events
/// the API sends, each payload a component schema (so a client generates a type for it).
pub const WEBHOOKS: &str = "x-agentrun-webhooks";

/// The version a converted document declares.
pub const TARGET_VERSION: &str = "3.0.3";

/// Keywords with no OpenAPI 3.0 form that only validate: dropped.
const DROPPED: [&str; 21] = [
    "$schema",
    "$id",
    "$anchor",
    "$dynamicAnchor",
    "$dynamicRef",
    "$comment",
    "$defs",
    "definitions",
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

/// Moves each webhook's inline JSON payload schema into `components/schemas` (as
/// `<Event>Payload`) and refers to it there, so the payload gets a generated type.
fn hoist_webhook_payloads(mut webhooks: Value, root: &mut Map<String, Value>) -> Value {
    use heck::ToUpperCamelCase;
    let Some(events) = webhooks.as_object_mut() else {
        return webhooks;
    };
    for (event, item) in events.iter_mut() {
        for method in METHODS {
            let Some(schema) = item
                .get_mut(method)
                .and_then(|op| op.pointer_mut("/requestBody/content/application~1json/schema"))
            else {
                continue;
            };
            if schema.get("$ref").is_some() {
                continue;
            }
            let components = root
                .entry("components")
                .or_insert_with(|| json!({}))
                .as_object_mut()
                .and_then(|c| {
                    c.entry("schemas")
                        .or_insert_with(|| json!({}))
                        .as_object_mut()
                });
            let Some(schemas) = components else { continue };
            let base = format!("{}Payload", event.to_upper_camel_case());
            let name = (1..)
                .map(|n| {
                    if n == 1 {
                        base.clone()
                    } else {
                        format!("{base}{n}")
                    }
                })
                .find(|name| !schemas.contains_key(name))
                .unwrap_or(base);
            let inline = std::mem::replace(
                schema,
                json!({"$ref": crate::normalize::walk::component_ref(&name)}),
            );
            schemas.insert(name, inline);
        }
    }
    webhooks
}

/// The security scheme types OpenAPI 3.0 knows.
const SECURITY_TYPES: [&str; 4] = ["apiKey", "http", "oauth2", "openIdConnect"];

/// Rewrites a 3.1 or 3.2 document's top level into 3.0 in place; returns whether it was newer
/// than 3.0. Schemas are rewritten by [`repair_schemas`].
pub fn downconvert(doc: &mut Value, origin: &str, notes: &mut Notes) -> Result<bool> {
    if openapi_version(doc, origin)?.starts_with("3.0.") {
        return Ok(false);
    }
    let Some(root) = doc.as_object_mut() else {
        return Ok(false);
    };
    root.insert("openapi".into(), TARGET_VERSION.into());
    if let Some(webhooks) = root.shift_remove("webhooks") {
        let webhooks = hoist_webhook_payloads(webhooks, root);
        root.insert(WEBHOOKS.into(), webhooks);
    }
    root.shift_remove("jsonSchemaDialect");
    root.shift_remove("$self");
    if let Some(info) = root.get_mut("info").and_then(Value::as_object_mut) {
        info.shift_remove("summary");
        if let Some(license) = info.get_mut("license").and_then(Value::as_object_mut) {
            license.shift_remove("identifier");
            license.entry("name").or_insert_with(|| "unnamed".into());
        }
    }
    if let Some(components) = root.get_mut("components").and_then(Value::as_object_mut) {
        components.shift_remove("pathItems");
        components.shift_remove("mediaTypes");
    }
    root.entry("paths").or_insert_with(|| json!({}));
    drop_unknown_security_schemes(doc, notes);
    Ok(true)
}

/// Security schemes of a type OpenAPI 3.0 does not have (3.1's `mutualTLS`) are left out, with
/// the requirements that name them: the generated client does not send credentials itself.
fn drop_unknown_security_schemes(doc: &mut Value, notes: &mut Notes) {
    let Some(schemes) = doc
        .pointer_mut("/components/securitySchemes")
        .and_then(Value::as_object_mut)
    else {
        return;
    };
    let mut dropped = Vec::new();
    schemes.retain(|name, scheme| {
        let known = scheme
            .get("type")
            .and_then(Value::as_str)
            .is_some_and(|t| SECURITY_TYPES.contains(&t));
        if !known && scheme.get("$ref").is_none() {
            dropped.push(name.clone());
        }
        known || scheme.get("$ref").is_some()
    });
    if dropped.is_empty() {
        return;
    }
    for name in &dropped {
        notes.add(
            format!("#/components/securitySchemes/{name}"),
            "a security scheme OpenAPI 3.0 has no form for (such as mutualTLS); configure it \
             on the reqwest client",
        );
    }
    let strip = |requirements: &mut Value| {
        if let Some(list) = requirements.as_array_mut() {
            for requirement in list.iter_mut().filter_map(Value::as_object_mut) {
                requirement.retain(|name, _| !dropped.contains(name));
            }
        }
    };
    if let Some(security) = doc.get_mut("security") {
        strip(security);
    }
    if let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) {
        for item in paths.values_mut().filter_map(Value::as_object_mut) {
            for method in METHODS {
                if let Some(security) = item.get_mut(method).and_then(|op| op.get_mut("security")) {
                    strip(security);
                }
            }
        }
    }
}

/// Repairs every schema of the document (`was_31`: it was written as 3.1, where a `$ref`'s
/// siblings count; in 3.0 they are ignored).
pub fn repair_schemas(doc: &mut Value, was_31: bool, notes: &mut Notes) -> Result<()> {
    for_each_schema(doc, &mut |schema, at| {
        convert_schema(schema, at, was_31, notes);
        Ok(())
    })
}

/// Rewrites one schema (not its subschemas) into its 3.0 form; `at` names it in notes.
pub fn convert_schema(schema: &mut Map<String, Value>, at: &str, was_31: bool, notes: &mut Notes) {
    let mut nullable = schema.get("nullable") == Some(&Value::Bool(true));

    if schema.contains_key("$ref") && schema.len() > 1 {
        let semantic = was_31
            && schema
                .keys()
                .any(|k| k != "$ref" && !DOC_ONLY.contains(&k.as_str()) && !k.starts_with("x-"));
        let reference = schema.shift_remove("$ref").unwrap_or(Value::Null);
        if semantic {
            schema.insert("allOf".into(), json!([{ "$ref": reference }]));
        } else {
            schema.clear();
            schema.insert("$ref".into(), reference);
            return;
        }
    }

    replace_boolean_subschemas(schema);
    lift_required_alternatives(schema);
    // 3.0 wants at least one name in `required`; an empty list says nothing.
    if matches!(schema.get("required"), Some(Value::Array(names)) if names.is_empty()) {
        schema.shift_remove("required");
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
            && let Some((values, descriptions, open)) = const_branches(branches)
                .map(|(v, d)| (v, d, false))
                .or_else(|| open_enum_branches(branches).map(|(v, d)| (v, d, true)))
        {
            schema.shift_remove(key);
            if open {
                schema.insert(OPEN_ENUM.into(), true.into());
            }
            schema.insert("type".into(), "string".into());
            schema.insert("enum".into(), Value::Array(values));
            if !descriptions.is_empty() {
                schema.insert("x-enum-descriptions".into(), Value::Object(descriptions));
            }
        }
    }

    match schema.get("type").cloned() {
        Some(Value::Array(types)) => {
            let mut named: Vec<String> = Vec::new();
            for t in &types {
                match t.as_str() {
                    Some("null") => nullable = true,
                    Some(t) if !named.iter().any(|n| n == t) => named.push(t.to_string()),
                    _ => {}
                }
            }
            match named.as_slice() {
                [] => {
                    schema.shift_remove("type");
                }
                [one] => {
                    schema.insert("type".into(), one.clone().into());
                }
                several => {
                    // "integer" is a "number": a value of both types is a number.
                    let several: Vec<&String> = if several.iter().any(|t| t == "number") {
                        several.iter().filter(|t| *t != "integer").collect()
                    } else {
                        several.iter().collect()
                    };
                    if several.len() == 1 {
                        schema.insert("type".into(), several[0].clone().into());
                    } else {
                        let branches: Vec<Value> =
                            several.iter().map(|t| json!({ "type": t })).collect();
                        schema.shift_remove("type");
                        schema.insert("anyOf".into(), Value::Array(branches));
                    }
                }
            }
        }
        Some(Value::String(t)) if t == "null" => {
            schema.shift_remove("type");
            nullable = true;
        }
        Some(Value::String(t)) if t == "file" => {
            // Swagger 2's file type, still found in 3.0 documents.
            schema.insert("type".into(), "string".into());
            schema.insert("format".into(), "binary".into());
        }
        Some(Value::String(t))
            if !["string", "number", "integer", "boolean", "object", "array"]
                .contains(&t.as_str()) =>
        {
            schema.shift_remove("type");
            notes.add(at, format!("unknown type `{t}`; typed as any JSON value"));
        }
        Some(Value::String(_)) | None => {}
        Some(other) => {
            schema.shift_remove("type");
            notes.add(
                at,
                format!("`type` is {}; typed as any JSON value", kind(&other)),
            );
        }
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

    convert_tuple(schema, at, notes);
    for key in DROPPED {
        schema.shift_remove(key);
    }
    if nullable {
        schema.insert("nullable".into(), Value::Bool(true));
    }
    repair_keyword_types(schema, at, notes);
}

/// `true` and `false` as subschemas (3.1): `{}`, or left out.
fn replace_boolean_subschemas(schema: &mut Map<String, Value>) {
    if let Some(properties) = schema.get_mut("properties").and_then(Value::as_object_mut) {
        properties.retain(|_, property| property != &Value::Bool(false));
        for property in properties.values_mut() {
            if property == &Value::Bool(true) {
                *property = json!({});
            }
        }
    }
    for key in ["allOf", "anyOf", "oneOf"] {
        if let Some(branches) = schema.get_mut(key).and_then(Value::as_array_mut) {
            branches.retain(|branch| branch != &Value::Bool(false));
            for branch in branches.iter_mut() {
                if branch == &Value::Bool(true) {
                    *branch = json!({});
                }
            }
        }
    }
    for key in ["items", "not"] {
        if matches!(schema.get(key), Some(Value::Bool(_))) {
            schema.shift_remove(key);
        }
    }
}

/// A tuple (`prefixItems`, or draft-4 `items: [..]`) becomes an array of its element types.
fn convert_tuple(schema: &mut Map<String, Value>, at: &str, notes: &mut Notes) {
    let prefix = match schema.shift_remove("prefixItems") {
        Some(Value::Array(prefix)) => Some(prefix),
        _ => match schema.get("items") {
            Some(Value::Array(_)) => match schema.shift_remove("items") {
                Some(Value::Array(prefix)) => Some(prefix),
                _ => None,
            },
            _ => None,
        },
    };
    let Some(mut elements) = prefix else {
        return;
    };
    if let Some(rest) = schema.get("items").filter(|items| items.is_object()) {
        elements.push(rest.clone());
    }
    elements.dedup();
    let items = match elements.len() {
        0 => json!({}),
        1 => elements.remove(0),
        _ => {
            notes.add(
                at,
                "a tuple of different element types; typed as an array whose elements are any \
                 of them",
            );
            json!({ "anyOf": elements })
        }
    };
    schema.insert("items".into(), items);
    schema.entry("type").or_insert_with(|| "array".into());
}

/// How a keyword's value must look for `openapiv3` to read it.
#[derive(Clone, Copy)]
enum Shape {
    Bool,
    Text,
    Number,
    Count,
    TextList,
    List,
    Object,
}

const KEYWORD_SHAPES: [(&str, Shape); 24] = [
    ("nullable", Shape::Bool),
    ("readOnly", Shape::Bool),
    ("writeOnly", Shape::Bool),
    ("deprecated", Shape::Bool),
    ("uniqueItems", Shape::Bool),
    ("exclusiveMinimum", Shape::Bool),
    ("exclusiveMaximum", Shape::Bool),
    ("title", Shape::Text),
    ("description", Shape::Text),
    ("format", Shape::Text),
    ("pattern", Shape::Text),
    ("multipleOf", Shape::Number),
    ("minimum", Shape::Number),
    ("maximum", Shape::Number),
    ("minLength", Shape::Count),
    ("maxLength", Shape::Count),
    ("minItems", Shape::Count),
    ("maxItems", Shape::Count),
    ("minProperties", Shape::Count),
    ("maxProperties", Shape::Count),
    ("required", Shape::TextList),
    ("enum", Shape::List),
    ("properties", Shape::Object),
    ("externalDocs", Shape::Object),
];

/// Drops keywords whose value has the wrong type (`required: true`, `minLength: -1`,
/// `format: 5`), and enum values that do not have the schema's type.
fn repair_keyword_types(schema: &mut Map<String, Value>, at: &str, notes: &mut Notes) {
    for (keyword, shape) in KEYWORD_SHAPES {
        let Some(value) = schema.get_mut(keyword) else {
            continue;
        };
        let fits = match shape {
            Shape::Bool => value.is_boolean(),
            Shape::Text => value.is_string(),
            Shape::Number => value.is_number(),
            Shape::Count => {
                if let Some(n) = value.as_f64().filter(|n| n.fract() == 0.0 && *n >= 0.0)
                    && value.as_u64().is_none()
                {
                    *value = Value::from(n as u64);
                }
                value.as_u64().is_some()
            }
            Shape::TextList => {
                if let Some(list) = value.as_array_mut() {
                    list.retain(Value::is_string);
                    true
                } else {
                    false
                }
            }
            Shape::List => value.is_array(),
            Shape::Object => value.is_object(),
        };
        if !fits {
            let found = kind(value);
            schema.shift_remove(keyword);
            // `required: true` is Swagger 2's way of writing a required parameter: no loss.
            if keyword != "required" {
                notes.add(
                    at,
                    format!("`{keyword}` is {found}, which OpenAPI does not allow; ignored"),
                );
            }
        }
    }
    if let Some(properties) = schema.get_mut("properties").and_then(Value::as_object_mut) {
        for property in properties.values_mut() {
            if !property.is_object() {
                *property = json!({});
            }
        }
    }
    for key in ["allOf", "anyOf", "oneOf"] {
        match schema.get_mut(key) {
            Some(Value::Array(branches)) => branches.retain(Value::is_object),
            Some(_) => {
                schema.shift_remove(key);
            }
            None => {}
        }
    }
    if let Some(additional) = schema.get("additionalProperties")
        && !additional.is_object()
        && !additional.is_boolean()
    {
        schema.shift_remove("additionalProperties");
    }
    if let Some(discriminator) = schema.get("discriminator")
        && discriminator
            .get("propertyName")
            .and_then(Value::as_str)
            .is_none()
    {
        schema.shift_remove("discriminator");
    }
    // A format describes a string or a number; on anything else (Twilio's
    // `type: object, format: phone-number-capabilities`) typify stops with `todo!`.
    let typed_scalar = matches!(
        schema.get("type").and_then(Value::as_str),
        Some("string" | "integer" | "number") | None
    ) && !schema.contains_key("properties");
    if !typed_scalar {
        schema.shift_remove("format");
    }
    repair_enum(schema, at, notes);
}

/// Keeps the enum values that have the schema's type; an enum left empty is dropped.
fn repair_enum(schema: &mut Map<String, Value>, at: &str, notes: &mut Notes) {
    let ty = schema
        .get("type")
        .and_then(Value::as_str)
        .map(str::to_string);
    let Some(values) = schema.get_mut("enum").and_then(Value::as_array_mut) else {
        return;
    };
    let fits = |value: &Value| match ty.as_deref() {
        Some("string") => value.is_string(),
        Some("integer") => value.is_i64() || value.is_u64(),
        Some("number") => value.is_number(),
        Some("boolean") => value.is_boolean(),
        Some("object") => value.is_object(),
        Some("array") => value.is_array(),
        _ => true,
    };
    let before = values.len();
    values.retain(|value| fits(value));
    if values.len() != before {
        notes.add(
            at,
            format!(
                "{} enum values are not of type {}; they are not listed",
                before - values.len(),
                ty.as_deref().unwrap_or("?")
            ),
        );
    }
    if values.is_empty() {
        schema.shift_remove("enum");
    }
}

/// Whether a schema only admits `null`, or is the 3.0 idiom for the null branch of a union: a
/// branch that says nothing but `nullable: true` (schemars and utoipa write `Option<T>` as
/// `anyOf: [{$ref: T}, {nullable: true}]`). Read literally that branch admits anything, which
/// would make the union admit anything too; every writer of it means `null`.
fn is_null_schema(schema: &Value) -> bool {
    match schema {
        Value::Object(map) => match (map.get("type"), map.get("const"), map.get("enum")) {
            (Some(Value::String(t)), _, _) => t == "null",
            (Some(Value::Array(ts)), _, _) => ts.iter().all(|t| t == "null"),
            (None, Some(Value::Null), _) => true,
            (None, None, Some(Value::Array(values))) => values.iter().all(Value::is_null),
            (None, None, None) => {
                map.get("nullable") == Some(&Value::Bool(true))
                    && map.keys().all(|key| {
                        key == "nullable"
                            || key.starts_with("x-")
                            || ["description", "title", "example", "deprecated"]
                                .contains(&key.as_str())
                    })
            }
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

/// Where an object keeps "one of these sets of properties is required" (`anyOf`/`oneOf` whose
/// branches only list `required`): the lists, in order.
pub const REQUIRED_ONE_OF: &str = "x-agentrun-required-one-of";

/// Moves an `anyOf`/`oneOf` whose branches only list `required` (as in "send `userId` or
/// `userEmail`") out of the way of the type generator, into [`REQUIRED_ONE_OF`]: it constrains
/// the object without changing its shape, while typify would split the object into an untagged
/// union of near-identical variants that drops whichever field the first variant lacks.
fn lift_required_alternatives(schema: &mut Map<String, Value>) {
    for key in ["anyOf", "oneOf"] {
        let Some(Value::Array(branches)) = schema.get(key) else {
            continue;
        };
        let lists: Option<Vec<Value>> = branches
            .iter()
            .map(|branch| {
                let branch = branch.as_object()?;
                let only_required = branch
                    .keys()
                    .all(|k| k == "required" || DOC_ONLY.contains(&k.as_str()));
                match branch.get("required") {
                    Some(list @ Value::Array(_)) if only_required => Some(list.clone()),
                    _ => None,
                }
            })
            .collect();
        let Some(lists) = lists.filter(|lists| !lists.is_empty()) else {
            continue;
        };
        schema.shift_remove(key);
        schema.insert(REQUIRED_ONE_OF.into(), Value::Array(lists));
    }
}

/// Marks an enum that also admits any other string (the spec said so with a plain-string
/// branch next to the known values). Generated enums are open anyway; the mark keeps the
/// spec's meaning for validators and readers.
pub const OPEN_ENUM: &str = "x-agentrun-open-enum";

/// `Some((values, descriptions))` when the branches are known string values (constants or
/// enums) and a plain string: an open enum, the common way to say "these, or any string".
fn open_enum_branches(branches: &[Value]) -> Option<(Vec<Value>, Map<String, Value>)> {
    let is_plain_string = |branch: &Value| {
        branch.as_object().is_some_and(|b| {
            b.get("type").and_then(Value::as_str) == Some("string")
                && b.keys()
                    .all(|k| ["type", "title", "description"].contains(&k.as_str()))
        })
    };
    let (plain, known): (Vec<&Value>, Vec<&Value>) =
        branches.iter().partition(|b| is_plain_string(b));
    if plain.is_empty() || known.is_empty() {
        return None;
    }
    let mut values = Vec::new();
    let mut descriptions = Map::new();
    for branch in known {
        let branch = branch.as_object()?;
        if branch.get("type").is_some_and(|t| t != "string") {
            return None;
        }
        let allowed = [
            "const",
            "enum",
            "type",
            "title",
            "description",
            "default",
            "example",
            "x-enum-descriptions",
        ];
        if branch.keys().any(|k| !allowed.contains(&k.as_str())) {
            return None;
        }
        let listed: Vec<Value> = match (branch.get("const"), branch.get("enum")) {
            (Some(v @ Value::String(_)), None) => {
                if let Some(text) = branch.get("description").or_else(|| branch.get("title")) {
                    descriptions.insert(v.as_str()?.to_string(), text.clone());
                }
                vec![v.clone()]
            }
            (None, Some(Value::Array(all))) if all.iter().all(Value::is_string) => all.clone(),
            _ => return None,
        };
        if let Some(Value::Object(documented)) = branch.get("x-enum-descriptions") {
            descriptions.extend(documented.clone());
        }
        values.extend(listed);
    }
    Some((values, descriptions))
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

    fn convert_with_notes(schema: Value) -> (Value, Notes) {
        let mut doc = json!({
            "openapi": "3.1.0",
            "info": {"title": "t", "version": "1", "summary": "s"},
            "components": {"schemas": {"S": schema}},
        });
        let mut notes = Notes::default();
        assert!(downconvert(&mut doc, "spec.json", &mut notes).unwrap());
        repair_schemas(&mut doc, true, &mut notes).unwrap();
        assert_eq!(doc["openapi"], "3.0.3");
        assert!(doc["paths"].is_object());
        assert!(doc["info"].get("summary").is_none());
        (doc["components"]["schemas"]["S"].take(), notes)
    }

    fn convert(schema: Value) -> Value {
        let (schema, notes) = convert_with_notes(schema);
        assert!(notes.list().is_empty(), "{notes:?}");
        schema
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
    fn a_branch_of_only_nullable_is_the_null_branch() {
        assert_eq!(
            convert(
                json!({"anyOf": [{"$ref": "#/components/schemas/E"}, {"nullable": true}], "description": "d"})
            ),
            json!({"description": "d", "allOf": [{"$ref": "#/components/schemas/E"}], "nullable": true})
        );
        // A branch that constrains anything else is a branch of its own.
        let kept = json!({"anyOf": [{"type": "string"}, {"nullable": true, "minProperties": 1}]});
        assert_eq!(convert(kept.clone()), kept);
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
    fn alternatives_that_only_require_stay_one_object() {
        let object = convert(json!({"type": "object",
            "properties": {"id": {"type": "string"}, "email": {"type": "string"}},
            "anyOf": [{"required": ["id"]}, {"required": ["email"], "description": "By email."}]}));
        assert!(object.get("anyOf").is_none());
        assert_eq!(object[REQUIRED_ONE_OF], json!([["id"], ["email"]]));
        // Branches with their own properties are a real union.
        let union = convert(json!({"oneOf": [{"required": ["a"]},
            {"type": "object", "properties": {"b": {"type": "string"}}}]}));
        assert!(union.get("oneOf").is_some());
    }

    #[test]
    fn known_values_next_to_a_plain_string_are_an_open_enum() {
        let open = convert(json!({"description": "A model.", "anyOf": [
            {"type": "string"},
            {"type": "string", "enum": ["a", "b"]}]}));
        assert_eq!(
            open,
            json!({"description": "A model.", "type": "string", "enum": ["a", "b"],
                OPEN_ENUM: true})
        );
        let documented = convert(json!({"oneOf": [
            {"const": "a", "description": "The a."}, {"type": "string"}]}));
        assert_eq!(documented["enum"], json!(["a"]));
        assert_eq!(documented["x-enum-descriptions"], json!({"a": "The a."}));
        // A plain string next to an object is a real union.
        let union = convert(json!({"anyOf": [{"type": "string"}, {"type": "object"}]}));
        assert!(union.get("enum").is_none());
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
    fn a_value_of_several_types_is_a_union() {
        assert_eq!(
            convert(json!({"type": ["string", "integer", "null"]})),
            json!({"anyOf": [{"type": "string"}, {"type": "integer"}], "nullable": true})
        );
        assert_eq!(
            convert(json!({"type": ["integer", "number"]})),
            json!({"type": "number"})
        );
    }

    #[test]
    fn tuples_become_arrays_of_their_element_types() {
        assert_eq!(
            convert(
                json!({"type": "array", "prefixItems": [{"type": "string"}, {"type": "string"}],
                           "minItems": 2, "maxItems": 2})
            ),
            json!({"type": "array", "minItems": 2, "maxItems": 2, "items": {"type": "string"}})
        );
        let (schema, notes) = convert_with_notes(
            json!({"type": "array", "prefixItems": [{"type": "string"}, {"type": "integer"}]}),
        );
        assert_eq!(
            schema,
            json!({"type": "array", "items": {"anyOf": [{"type": "string"}, {"type": "integer"}]}})
        );
        assert_eq!(notes.list().len(), 1);
    }

    #[test]
    fn keywords_of_the_wrong_type_are_dropped_with_a_note() {
        let (schema, notes) = convert_with_notes(json!({
            "type": "string", "required": true, "minLength": -1, "maxLength": 5.0,
            "enum": ["a", 1, "b"], "properties": {"x": true, "y": false}
        }));
        assert_eq!(
            schema,
            json!({"type": "string", "maxLength": 5, "enum": ["a", "b"], "properties": {"x": {}}})
        );
        let lines: Vec<String> = notes.list().iter().map(ToString::to_string).collect();
        assert_eq!(
            lines,
            [
                "#/components/schemas/S: `minLength` is a number, which OpenAPI does not allow; ignored",
                "#/components/schemas/S: 1 enum values are not of type string; they are not listed",
            ]
        );
    }

    #[test]
    fn a_format_on_what_is_not_a_string_or_number_is_dropped() {
        assert_eq!(
            convert(
                json!({"type": "object", "format": "phone-number-capabilities",
                           "properties": {"sms": {"type": "boolean", "format": "flag"}}})
            ),
            json!({"type": "object", "properties": {"sms": {"type": "boolean"}}})
        );
        assert_eq!(
            convert(json!({"type": "string", "format": "date-time"})),
            json!({"type": "string", "format": "date-time"})
        );
    }

    #[test]
    fn mutual_tls_is_left_out_of_the_security_schemes() {
        let mut doc = json!({"openapi": "3.1.0", "info": {"title": "t", "version": "1"},
            "security": [{"mtls": [], "key": []}],
            "components": {"securitySchemes": {"mtls": {"type": "mutualTLS"},
                                               "key": {"type": "apiKey", "in": "header", "name": "k"}}}});
        let mut notes = Notes::default();
        downconvert(&mut doc, "spec.json", &mut notes).unwrap();
        assert_eq!(doc["security"], json!([{"key": []}]));
        assert!(doc["components"]["securitySchemes"].get("mtls").is_none());
        assert_eq!(notes.list().len(), 1);
    }

    #[test]
    fn a_3_0_document_keeps_its_version_and_its_plain_references() {
        let mut doc = json!({"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {},
            "components": {"schemas": {"S": {"examples": [1]},
                                       "R": {"$ref": "#/components/schemas/S", "nullable": true}}}});
        let mut notes = Notes::default();
        assert!(!downconvert(&mut doc, "spec.json", &mut notes).unwrap());
        repair_schemas(&mut doc, false, &mut notes).unwrap();
        assert_eq!(doc["openapi"], "3.0.3");
        assert_eq!(doc["components"]["schemas"]["S"], json!({"example": 1}));
        assert_eq!(
            doc["components"]["schemas"]["R"],
            json!({"$ref": "#/components/schemas/S"})
        );
    }
}
