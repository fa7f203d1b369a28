//! Every example in the specs, and every example of the providers' official docs pages, through
//! the generated types: each one deserializes, and serializes back to exactly the JSON the docs
//! show. Snapshots pin what the spec examples hold. An answer that carries only what the docs
//! show (every required field, nothing else) parses, for every operation. And every example is
//! valid against its generated JSON Schema (feature `schemars`), while the same example with a
//! required field taken away or a field of the wrong type is not, by the `jsonschema` crate's
//! verdict and by the facade's own validator alike.

// Test code: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used)]

use std::fmt::Debug;

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use xtask::checks::fidelity::{Inventory, complete_prefix, is_placeholder};
use xtask::normalize::load_provider;
use xtask::normalize::walk::operations;
use xtask::read::providers::{Providers, workspace_root};

/// One example: where it is in the normalized spec, which type it belongs to, and its value.
struct Example {
    key: String,
    at: String,
    value: Value,
}

/// Every request, response and schema example of a normalized document.
fn examples(doc: &Value) -> Vec<Example> {
    let mut found = Vec::new();
    let mut media_examples = |key: String, at: String, media: &Value| {
        if let Some(value) = media.get("example") {
            found.push(Example {
                key: key.clone(),
                at: format!("{at}/example"),
                value: value.clone(),
            });
        }
        if let Some(examples) = media.get("examples").and_then(Value::as_object) {
            for (name, example) in examples {
                if let Some(value) = example.get("value") {
                    found.push(Example {
                        key: key.clone(),
                        at: format!("{at}/examples/{name}"),
                        value: value.clone(),
                    });
                }
            }
        }
    };
    for (path, method, op) in operations(doc) {
        let id = op["operationId"].as_str().unwrap();
        let at = format!("{method} {path}");
        if let Some(media) = op
            .get("requestBody")
            .and_then(|b| b.pointer("/content/application~1json"))
        {
            media_examples(format!("{id} request"), format!("{at} request"), media);
        }
        for (status, response) in op["responses"].as_object().unwrap() {
            if let Some(media) = response.pointer("/content/application~1json") {
                media_examples(format!("{id} {status}"), format!("{at} {status}"), media);
            }
        }
    }
    if let Some(schemas) = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
    {
        for (name, schema) in schemas {
            if let Some(value) = schema.get("example") {
                found.push(Example {
                    key: name.clone(),
                    at: format!("#/components/schemas/{name}/example"),
                    value: value.clone(),
                });
            }
        }
    }
    found
}

/// Deserializes into `T` and serializes back; returns what `T` holds and what it wrote.
fn through<T: DeserializeOwned + Serialize + Debug>(
    value: &Value,
) -> Result<(String, Value), String> {
    let typed: T = serde_json::from_value(value.clone()).map_err(|e| e.to_string())?;
    let written = serde_json::to_value(&typed).map_err(|e| e.to_string())?;
    Ok((format!("{typed:#?}"), written))
}

/// JSON equality: the same members and items, and numbers equal as numbers (JSON has no
/// separate integer type, so an `f64` field writing `1.0` for the docs' `1` writes the same value).
fn same_json(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(x, y)| same_json(x, y))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| same_json(v, w)))
        }
        _ => a == b,
    }
}

#[test]
fn same_json_compares_numbers_as_numbers_and_nothing_else_loosely() {
    use serde_json::json;
    assert!(same_json(
        &json!({"a": [1.0, "x"]}),
        &json!({"a": [1, "x"]})
    ));
    assert!(!same_json(&json!({"a": 1.5}), &json!({"a": 1})));
    assert!(!same_json(&json!({"a": 1}), &json!({"a": 1, "b": null})));
    assert!(!same_json(&json!(["1"]), &json!([1])));
}

type Check = fn(&Value) -> Result<(String, Value), String>;

/// What an example of `key` goes through: the generated round trip of an operation's request
/// body (`"<operationId> request"`) or success answer (`"<operationId> <status>"`), or a
/// component schema's type (`components`: only the schemas the examples use).
type RoundTrip = fn(&str, Value) -> Option<Result<(String, Value), serde_json::Error>>;

fn through_key(
    key: &str,
    value: &Value,
    body: RoundTrip,
    answer: RoundTrip,
    components: fn(&str) -> Option<Check>,
) -> Option<Result<(String, Value), String>> {
    let result = match key.split_once(' ') {
        Some((id, "request")) => body(id, value.clone()),
        Some((id, status)) if status.starts_with('2') => answer(id, value.clone()),
        _ => return components(key).map(|check| check(value)),
    };
    result.map(|r| r.map_err(|e| e.to_string()))
}

fn builder_components(key: &str) -> Option<Check> {
    use agentrun_builder::types::*;
    Some(match key {
        "Attachments" => through::<Attachments>,
        "Attachment" => through::<Attachment>,
        "UploadAttachment" => through::<UploadAttachment>,
        "UrlAttachment" => through::<UrlAttachment>,
        _ => return None,
    })
}

fn buildprint_components(key: &str) -> Option<Check> {
    use agentrun_buildprint::types::*;
    Some(match key {
        "webhook agent.completed" => through::<AgentCompletedEvent>,
        "webhook review.completed" => through::<ReviewCompletedEvent>,
        "TestStep" => through::<TestStep>,
        _ => return None,
    })
}

/// Every key of a provider through its generated code.
fn builder_type(key: &str, value: &Value) -> Option<Result<(String, Value), String>> {
    use agentrun_builder::operations::{round_trip_answer, round_trip_body};
    through_key(
        key,
        value,
        round_trip_body,
        round_trip_answer,
        builder_components,
    )
}

fn buildprint_type(key: &str, value: &Value) -> Option<Result<(String, Value), String>> {
    use agentrun_buildprint::operations::{round_trip_answer, round_trip_body};
    through_key(
        key,
        value,
        round_trip_body,
        round_trip_answer,
        buildprint_components,
    )
}

type Through = fn(&str, &Value) -> Option<Result<(String, Value), String>>;

fn check_provider(name: &str, type_of: Through, at_least: usize) {
    let providers = Providers::load(&workspace_root()).unwrap();
    let provider = providers.get(name).unwrap();
    let doc = load_provider(&providers, provider).unwrap().document;
    let examples = examples(&doc);
    assert!(
        examples.len() >= at_least,
        "{name}: only {} examples found",
        examples.len()
    );
    let mut report = String::new();
    for example in &examples {
        let (typed, written) = type_of(&example.key, &example.value)
            .unwrap_or_else(|| {
                panic!(
                    "{name}: no type is mapped for the example at {} (key `{}`)",
                    example.at, example.key
                )
            })
            .unwrap_or_else(|e| {
                panic!(
                    "{name}: the example at {} does not deserialize: {e}",
                    example.at
                )
            });
        assert!(
            same_json(&written, &example.value),
            "{name}: the example at {} does not serialize back to the JSON the docs show:\n  \
             docs:    {}\n  written: {written}",
            example.at,
            example.value
        );
        report.push_str(&format!("## {}\n{typed}\n\n", example.at));
    }
    insta::assert_snapshot!(name, report);
}

#[test]
fn builder_examples_round_trip_exactly() {
    check_provider("builder", builder_type, 8);
}

#[test]
fn buildprint_examples_round_trip_exactly() {
    check_provider("buildprint", buildprint_type, 8);
}

/// The provider's normalized document, its inventory of the official docs, and its path prefix.
fn provider_docs(name: &str) -> (Value, Inventory, Option<String>) {
    let providers = Providers::load(&workspace_root()).unwrap();
    let provider = providers.get(name).unwrap();
    let doc = load_provider(&providers, provider).unwrap().document;
    let inventory = Inventory::load(&providers, provider)
        .unwrap()
        .unwrap_or_else(|| panic!("{name} keeps no inventory of its docs"));
    (doc, inventory, provider.strip_path_prefix.clone())
}

/// The operationId of `METHOD /path` as the docs write it.
fn operation_id(doc: &Value, operation: &str, prefix: Option<&str>) -> String {
    let (method, path) = operation.split_once(' ').unwrap();
    let path = prefix.and_then(|p| path.strip_prefix(p)).unwrap_or(path);
    doc["paths"][path][method.to_ascii_lowercase()]["operationId"]
        .as_str()
        .unwrap_or_else(|| panic!("{operation} is not in the spec"))
        .to_string()
}

/// A docs example as JSON: a cut one keeps its whole prefix, a member printed alone
/// (`"attachments": [...]`) is its value, and a trailing comma the page printed is dropped (the
/// one repair, reported).
fn docs_json(text: &str, cut: bool, repairs: &mut Vec<String>, at: &str) -> Value {
    let mut text = if cut {
        complete_prefix(text)
    } else {
        text.trim().to_string()
    };
    let member = text.starts_with('"');
    if member {
        text = format!("{{{text}}}");
    }
    let value = match serde_json::from_str::<Value>(&text) {
        Ok(value) => value,
        Err(error) => {
            repairs.push(format!(
                "{at}: not JSON as printed ({error}); its trailing comma dropped"
            ));
            serde_json::from_str(&without_trailing_commas(&text))
                .unwrap_or_else(|e| panic!("{at}: not JSON even repaired: {e}"))
        }
    };
    match (member, &value) {
        (true, Value::Object(members)) => members.values().next().cloned().unwrap_or(Value::Null),
        _ => value,
    }
}

/// `text` without the commas that come right before a `}` or `]` (outside strings too: the
/// docs' examples have no such strings).
fn without_trailing_commas(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    for (i, c) in chars.iter().enumerate() {
        let next = chars[i + 1..].iter().find(|n| !n.is_whitespace());
        if *c == ',' && matches!(next, Some('}' | ']')) {
            continue;
        }
        out.push(*c);
    }
    out
}

/// Every example of the provider's official docs, keyed as [`through_key`] reads keys (request
/// bodies that are the renderer's placeholder left out), and the repairs made to read them.
fn docs_examples(name: &str) -> (Vec<Example>, Vec<String>) {
    let (doc, inventory, prefix) = provider_docs(name);
    let mut found = Vec::new();
    let mut repairs = Vec::new();
    let mut requests: Vec<(String, String, String)> = Vec::new();
    for documented in &inventory.operations {
        let Some(url) = &documented.url else { continue };
        if documented.source.as_deref() == Some("capture") {
            continue;
        }
        let id = operation_id(&doc, &documented.operation, prefix.as_deref());
        for text in &documented.request_examples {
            requests.push((id.clone(), url.clone(), text.clone()));
        }
        if let Some(response) = &documented.response {
            let at = format!("{url} ({} answer)", response.status);
            let value = docs_json(&response.example, response.cut, &mut repairs, &at);
            found.push(Example {
                key: format!("{id} {}", response.status),
                at,
                value,
            });
        }
        for (component, texts) in &documented.component_examples {
            for text in texts {
                let at = format!("{url} ({component} example)");
                let value = docs_json(text, false, &mut repairs, &at);
                found.push(Example {
                    key: component.clone(),
                    at,
                    value,
                });
            }
        }
    }
    if let Some(start) = &inventory.getting_started {
        for (operation, texts) in &start.request_examples {
            let id = operation_id(&doc, operation, prefix.as_deref());
            for text in texts {
                requests.push((id.clone(), start.url.clone(), text.clone()));
            }
        }
    }
    for (id, url, text) in requests {
        if is_placeholder(&text) {
            continue;
        }
        let at = format!("{url} (request)");
        let value = docs_json(&text, false, &mut repairs, &at);
        found.push(Example {
            key: format!("{id} request"),
            at,
            value,
        });
    }
    (found, repairs)
}

/// Every example of the provider's official docs through its generated type; returns how many,
/// and the repairs made.
fn replay_docs_examples(name: &str, type_of: Through) -> (usize, Vec<String>) {
    let (examples, repairs) = docs_examples(name);
    for example in &examples {
        let (_, written) = type_of(&example.key, &example.value)
            .unwrap_or_else(|| {
                panic!(
                    "{name}: no type is mapped for {} (key `{}`)",
                    example.at, example.key
                )
            })
            .unwrap_or_else(|e| {
                panic!(
                    "{name}: the docs example {} does not deserialize: {e}",
                    example.at
                )
            });
        assert!(
            same_json(&written, &example.value),
            "{name}: the docs example {} does not serialize back to what the page shows:\n  \
             docs:    {}\n  written: {written}",
            example.at,
            example.value
        );
    }
    (examples.len(), repairs)
}

#[test]
fn every_buildprint_docs_example_round_trips() {
    let (replayed, repairs) = replay_docs_examples("buildprint", buildprint_type);
    // 23 endpoint pages' answers and the getting-started quick start; the pages' request bodies
    // are all the renderer's `{"key": "value"}` placeholder.
    assert_eq!(replayed, 24);
    assert!(repairs.is_empty(), "{repairs:#?}");
}

#[test]
fn every_builder_docs_example_round_trips() {
    let (replayed, repairs) = replay_docs_examples("builder", builder_type);
    // Three request bodies, four attachment examples, the 202 answer.
    assert_eq!(replayed, 8);
    assert_eq!(repairs.len(), 1, "{repairs:#?}");
    assert!(repairs[0].contains("trailing comma"), "{repairs:#?}");
}

/// The smallest answer a schema allows: its required properties only, each at its simplest
/// value (`null` where allowed), items none.
fn minimal(doc: &Value, schema: &Value) -> Value {
    let schema = xtask::normalize::walk::resolve_schema(doc, schema);
    if schema.get("nullable") == Some(&Value::Bool(true)) {
        return Value::Null;
    }
    if let Some(first) = schema
        .get("anyOf")
        .or_else(|| schema.get("oneOf"))
        .and_then(|b| b.get(0))
    {
        return minimal(doc, first);
    }
    if let Some(value) = schema.get("enum").and_then(|e| e.get(0)) {
        return value.clone();
    }
    match schema.get("type").and_then(Value::as_str) {
        Some("string") => "x".into(),
        Some("integer") => 1.into(),
        Some("number") => serde_json::json!(1.5),
        Some("boolean") => true.into(),
        Some("array") => Value::Array(Vec::new()),
        _ => {
            let mut object = serde_json::Map::new();
            for name in schema["required"].as_array().into_iter().flatten() {
                let name = name.as_str().unwrap();
                object.insert(name.into(), minimal(doc, &schema["properties"][name]));
            }
            Value::Object(object)
        }
    }
}

/// Every success answer and webhook payload, with only what the docs show: parses.
fn minimal_answers_parse(name: &str, type_of: Through) -> usize {
    let (doc, _, _) = provider_docs(name);
    let mut parsed = 0;
    let mut check = |key: String, schema: &Value| {
        let answer = minimal(&doc, schema);
        type_of(&key, &answer)
            .unwrap_or_else(|| panic!("{name}: no type for `{key}`"))
            .unwrap_or_else(|e| {
            panic!(
                "{name}: `{key}` refuses an answer with only its documented fields {answer}: {e}"
            )
        });
        parsed += 1;
    };
    for (_, _, op) in operations(&doc) {
        let id = op["operationId"].as_str().unwrap();
        for (status, response) in op["responses"].as_object().unwrap() {
            if let (true, Some(schema)) = (
                status.starts_with('2'),
                response.pointer("/content/application~1json/schema"),
            ) {
                check(format!("{id} {status}"), schema);
            }
        }
    }
    for (event, item) in doc[xtask::normalize::downconvert::WEBHOOKS]
        .as_object()
        .into_iter()
        .flatten()
    {
        let schema = &item["post"]["requestBody"]["content"]["application/json"]["schema"];
        check(format!("webhook {event}"), schema);
    }
    parsed
}

#[test]
fn an_answer_with_only_what_the_docs_show_parses_for_every_operation() {
    // 32 success answers of 31 operations, and the two completion webhooks.
    assert_eq!(minimal_answers_parse("buildprint", buildprint_type), 34);
    assert_eq!(minimal_answers_parse("builder", builder_type), 1);
}

// --- JSON Schema ------------------------------------------------------------------------------

use schemars::schema::{RootSchema, Schema, SchemaObject};

type SchemaOf = fn(&str) -> Option<RootSchema>;

/// The generated JSON Schema of an example's key: an operation's request body or success
/// answer, or a component's type.
fn schema_key(
    key: &str,
    request: SchemaOf,
    response: SchemaOf,
    components: SchemaOf,
) -> Option<RootSchema> {
    match key.split_once(' ') {
        Some((id, "request")) => request(id),
        Some((id, status)) if status.starts_with('2') => response(id),
        _ => components(key),
    }
}

fn builder_schema(key: &str) -> Option<RootSchema> {
    use agentrun_builder::operations::{request_schema, response_schema};
    use agentrun_builder::types::*;
    use schemars::schema_for;
    schema_key(key, request_schema, response_schema, |key| {
        Some(match key {
            "Attachments" => schema_for!(Attachments),
            "Attachment" => schema_for!(Attachment),
            "UploadAttachment" => schema_for!(UploadAttachment),
            "UrlAttachment" => schema_for!(UrlAttachment),
            _ => return None,
        })
    })
}

fn buildprint_schema(key: &str) -> Option<RootSchema> {
    use agentrun_buildprint::operations::{request_schema, response_schema};
    use agentrun_buildprint::types::*;
    use schemars::schema_for;
    schema_key(key, request_schema, response_schema, |key| {
        Some(match key {
            "webhook agent.completed" => schema_for!(AgentCompletedEvent),
            "webhook review.completed" => schema_for!(ReviewCompletedEvent),
            "TestStep" => schema_for!(TestStep),
            _ => return None,
        })
    })
}

/// One changed copy of an example that its schema must refuse.
struct Mutation {
    what: String,
    value: Value,
}

/// The example replaced by a value of another JSON type, without each required property it
/// has (or without every alternative of a "one of these is required"), and with each typed
/// property given a value of another JSON type.
fn mutations(root: &RootSchema, value: &Value) -> Vec<Mutation> {
    let other = if value.is_string() {
        Value::from(12345)
    } else {
        Value::from("text")
    };
    let mut found = vec![Mutation {
        what: format!("replaced by {other}"),
        value: other,
    }];
    let Value::Object(members) = value else {
        return found;
    };
    let object = root.schema.object.as_ref();
    for name in object.into_iter().flat_map(|o| o.required.iter()) {
        if members.contains_key(name) {
            let mut changed = members.clone();
            changed.remove(name);
            found.push(Mutation {
                what: format!("without `{name}`"),
                value: Value::Object(changed),
            });
        }
    }
    let alternatives: Vec<&String> = root
        .schema
        .subschemas
        .as_ref()
        .and_then(|s| s.any_of.as_ref())
        .into_iter()
        .flatten()
        .filter_map(|branch| match branch {
            Schema::Object(b) => b
                .object
                .as_ref()
                .map(|o| o.required.iter().collect::<Vec<_>>()),
            Schema::Bool(_) => None,
        })
        .flatten()
        .collect();
    if alternatives.iter().any(|name| members.contains_key(*name)) {
        let mut changed = members.clone();
        changed.retain(|name, _| !alternatives.contains(&name));
        found.push(Mutation {
            what: "without any of its alternatives".into(),
            value: Value::Object(changed),
        });
    }
    for (name, member) in members {
        let Some(schema) = object.and_then(|o| o.properties.get(name)) else {
            continue;
        };
        if member.is_null() || admits_anything(root, schema, 0) {
            continue;
        }
        let other = if member.is_string() {
            Value::from(12345)
        } else {
            Value::from("text")
        };
        let mut changed = members.clone();
        changed.insert(name.clone(), other.clone());
        found.push(Mutation {
            what: format!("`{name}` set to {other}"),
            value: Value::Object(changed),
        });
    }
    found
}

/// Whether a schema takes any JSON value (a `serde_json::Value` field): nothing typed,
/// referenced or listed, or an alternative that is.
fn admits_anything(root: &RootSchema, schema: &Schema, depth: usize) -> bool {
    let Schema::Object(object) = schema else {
        return matches!(schema, Schema::Bool(true));
    };
    if depth > 16 {
        return false;
    }
    if let Some(reference) = &object.reference {
        let name = reference.trim_start_matches("#/definitions/");
        return root
            .definitions
            .get(name)
            .is_some_and(|target| admits_anything(root, target, depth + 1));
    }
    let SchemaObject {
        instance_type,
        enum_values,
        const_value,
        subschemas,
        ..
    } = object;
    if instance_type.is_some() || enum_values.is_some() || const_value.is_some() {
        return false;
    }
    match subschemas.as_deref() {
        None => true,
        Some(sub) => {
            let any = |list: &Option<Vec<Schema>>| {
                list.as_ref()
                    .is_some_and(|l| l.iter().any(|s| admits_anything(root, s, depth + 1)))
            };
            let all = sub
                .all_of
                .as_ref()
                .is_none_or(|l| l.iter().all(|s| admits_anything(root, s, depth + 1)));
            (any(&sub.any_of) || any(&sub.one_of))
                || (sub.any_of.is_none() && sub.one_of.is_none() && all)
        }
    }
}

/// Every example of a provider (its spec's and its docs') against its generated schema: the
/// example is valid, each mutation is not. Returns (examples, mutations refused).
fn examples_against_schemas(name: &str, schema_of: SchemaOf) -> (usize, usize, Vec<String>) {
    let (doc, _, _) = provider_docs(name);
    let (mut all, _) = docs_examples(name);
    all.extend(examples(&doc));
    let mut refused = 0;
    let mut problems = Vec::new();
    let mut incomplete = Vec::new();
    for example in &all {
        let root = schema_of(&example.key).unwrap_or_else(|| {
            panic!(
                "{name}: no schema for {} (key `{}`)",
                example.at, example.key
            )
        });
        let validator = jsonschema::draft7::new(&serde_json::to_value(&root).unwrap())
            .unwrap_or_else(|e| {
                panic!("{name}: the schema of `{}` is not valid: {e}", example.key)
            });
        let errors: Vec<String> = validator
            .iter_errors(&example.value)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        // The facade's own validator (what the CLI checks inputs with) agrees with jsonschema.
        let ours = agentrun::schema::problems(&root, &example.value);
        if ours.is_empty() != errors.is_empty() {
            problems.push(format!(
                "{}: agentrun::schema says {ours:?}, jsonschema says {errors:?}",
                example.at
            ));
        }
        if !errors.is_empty() {
            if names_no_alternative(&root, &example.value) {
                // A fragment the page prints without the user it says a request needs.
                incomplete.push(example.at.clone());
                continue;
            }
            problems.push(format!(
                "{}: the example is refused: {}",
                example.at,
                errors.join("; ")
            ));
        }
        let changed = mutations(&root, &example.value);
        if changed.is_empty() {
            problems.push(format!("{}: no mutation to try", example.at));
        }
        for mutation in changed {
            let ours = agentrun::schema::problems(&root, &mutation.value);
            if validator.is_valid(&mutation.value) {
                problems.push(format!("{}: {} is still valid", example.at, mutation.what));
            } else if ours.is_empty() {
                problems.push(format!(
                    "{}: {} is refused by jsonschema but not by agentrun::schema",
                    example.at, mutation.what
                ));
            } else {
                refused += 1;
            }
        }
    }
    assert!(problems.is_empty(), "{name}:\n{}", problems.join("\n"));
    let bodies = all.iter().filter(|e| e.key.ends_with(" request")).count();
    eprintln!(
        "{name}: {} of {} examples valid ({} of {bodies} request bodies), {refused} mutations \
         refused; refused as incomplete: {incomplete:?}",
        all.len() - incomplete.len(),
        all.len(),
        bodies - incomplete.len(),
    );
    (all.len() - incomplete.len(), refused, incomplete)
}

/// Whether an object example names none of the properties of which the schema requires one.
fn names_no_alternative(root: &RootSchema, value: &Value) -> bool {
    let lists: Vec<&schemars::Set<String>> = root
        .schema
        .subschemas
        .as_ref()
        .and_then(|s| s.any_of.as_ref())
        .into_iter()
        .flatten()
        .filter_map(|branch| match branch {
            Schema::Object(b) => b.object.as_ref().map(|o| &o.required),
            Schema::Bool(_) => None,
        })
        .collect();
    !lists.is_empty()
        && value.as_object().is_some_and(|members| {
            lists
                .iter()
                .all(|list| list.iter().any(|name| !members.contains_key(name)))
        })
}

#[test]
fn every_example_is_valid_against_its_schema_and_a_mutated_one_is_not() {
    let (builder, builder_refused, incomplete) =
        examples_against_schemas("builder", builder_schema);
    let (buildprint, buildprint_refused, none) =
        examples_against_schemas("buildprint", buildprint_schema);
    // The docs' examples (8 and 24) and the specs' own (8 each), less Builder's one fragment.
    assert_eq!((builder, buildprint), (15, 32));
    assert!(builder_refused > builder && buildprint_refused > buildprint);
    // The page's `projectId` fragment names no user; the API (and the schema) refuse that.
    assert_eq!(incomplete.len(), 1, "{incomplete:?}");
    assert!(
        incomplete[0].ends_with("agents-run-api (request)"),
        "{incomplete:?}"
    );
    assert!(none.is_empty(), "{none:?}");
}

/// A provider's document as its entry gives it: the spec with its overlay applied, not
/// normalized.
fn source_document(name: &str) -> (Value, String) {
    let providers = Providers::load(&workspace_root()).unwrap();
    let provider = providers.get(name).unwrap();
    let (doc, _, origin) = xtask::normalize::source_document(&providers, provider).unwrap();
    (doc, origin)
}

/// Every example of a provider's source document and of its official docs, under a strict
/// validator reading the source document; returns how many, and each failure.
fn examples_against_the_source(name: &str) -> (usize, Vec<String>) {
    use xtask::checks::conformance::{SourceSchemas, examples, operation_schema};
    let (source, origin) = source_document(name);
    let mut schemas = SourceSchemas::new(&source, &origin).unwrap();
    let mut checked = 0;
    let mut failures = Vec::new();
    let mut check = |at: &str, schema: &str, value: &Value| {
        checked += 1;
        for error in schemas.check(schema, value).unwrap() {
            failures.push(format!("{at} against {origin}{schema}: {error}"));
        }
    };
    for example in examples(&source).unwrap() {
        check(
            &format!("{origin}{}", example.at),
            &example.schema,
            &example.value,
        );
    }
    let (docs, _) = docs_examples(name);
    for example in docs {
        let schema = match example.key.rsplit_once(' ') {
            Some((id, what)) => operation_schema(&source, id, what)
                .unwrap_or_else(|| panic!("{}: no JSON {what} for {id} in {origin}", example.at)),
            None => format!("#/components/schemas/{}", example.key),
        };
        check(&example.at, &schema, &example.value);
    }
    (checked, failures)
}

/// Docs examples that are wrong, not the spec: each with the start of its failure and why.
/// Each must still fail, so the list cannot go stale.
const WRONG_DOCS_EXAMPLES: &[(&str, &str)] = &[(
    "https://www.builder.io/c/docs/agents-run-api (request) against \
     openapi/builder/agents-run.yaml#/paths/~1agents~1run/post/requestBody/content/\
     application~1json/schema: /: {\"projectId\"",
    "the page's example names no user; the same page says `userId` or `userEmail` is required \
     and documents the 400 the API answers without one",
)];

#[test]
fn every_example_is_valid_against_the_source_document_under_a_strict_validator() {
    for (name, at_least) in [("builder", 15), ("buildprint", 30)] {
        let (checked, failures) = examples_against_the_source(name);
        let (known, unknown): (Vec<&String>, Vec<&String>) = failures.iter().partition(|f| {
            WRONG_DOCS_EXAMPLES
                .iter()
                .any(|(start, _)| f.starts_with(start))
        });
        assert!(
            unknown.is_empty(),
            "{name}: {} of {checked} examples are invalid against the source document:\n{}",
            unknown.len(),
            unknown
                .iter()
                .map(|f| f.as_str())
                .collect::<Vec<_>>()
                .join("\n")
        );
        for (start, why) in WRONG_DOCS_EXAMPLES {
            let belongs = start.contains(&format!("openapi/{name}/"));
            assert_eq!(
                known.iter().any(|f| f.starts_with(start)),
                belongs,
                "listed as wrong ({why}) but valid now: {start}"
            );
        }
        assert!(checked >= at_least, "{name}: only {checked} examples");
    }
}
