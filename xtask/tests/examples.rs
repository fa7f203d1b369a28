//! Every example in the specs, through the generated types: each one deserializes, and
//! serializes back to exactly the JSON the docs show. Snapshots pin what the types hold.

// Test code: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used)]

use std::fmt::Debug;

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use xtask::normalize::{load_provider, operations};
use xtask::providers::{Providers, workspace_root};

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

fn builder_type(key: &str) -> Option<Check> {
    use agentrun_builder::types::*;
    Some(match key {
        "runAgent request" => through::<AgentRunRequest>,
        "runAgent 202" => through::<AgentRunAccepted>,
        "Attachments" => through::<Attachments>,
        "Attachment" => through::<Attachment>,
        "UploadAttachment" => through::<UploadAttachment>,
        "UrlAttachment" => through::<UrlAttachment>,
        _ => return None,
    })
}

fn buildprint_type(key: &str) -> Option<Check> {
    use agentrun_buildprint::types::*;
    Some(match key {
        "startAgent request" => through::<StartAgentBody>,
        "startAgent 202" => through::<StartAgentResponse>,
        "sendAgentMessage 202" => through::<SendAgentMessageResponse>,
        "createCodeReview 202" => through::<CreateCodeReviewResponse>,
        "runAutomation 202" => through::<RunAutomationResponse>,
        "updateTest 200" => through::<MutationResult>,
        "syncVersion 200" => through::<SyncStatus>,
        "TestStep" => through::<TestStep>,
        _ => return None,
    })
}

fn check_provider(name: &str, type_of: fn(&str) -> Option<Check>, at_least: usize) {
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
        let check = type_of(&example.key).unwrap_or_else(|| {
            panic!(
                "{name}: no type is mapped for the example at {} (key `{}`)",
                example.at, example.key
            )
        });
        let (typed, written) = check(&example.value).unwrap_or_else(|e| {
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
