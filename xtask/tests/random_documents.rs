//! Generation holds beyond the corpora: random valid documents, with schemas that reach
//! themselves through every composition keyword (a property that extends its own component
//! too), every schema keyword, and odd names and values, each generate without a panic or an
//! abort, into code that parses as Rust.
//!
//! The suite tries the same 24 documents every run; `PROPTEST_CASES=N` tries N (`.ci/run`
//! tries 1,000). They go through `xtask corpus`, as a user's documents would: an abort inside
//! typify is the command's to contain. A failure keeps the documents and names the one that
//! failed.

// Test code: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used)]

use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config, TestRng, TestRunner};
use serde_json::{Map, Value, json};

/// Component names: Rust keywords and prelude types, names that collide after case
/// conversion, digits first, spaces, non-ASCII, signs.
const NAMES: &[&str] = &[
    "Pet", "pet", "Self", "type", "Type", "a b", "123", "foo-bar", "Foo_bar", "fooBar", "ünï",
    "$x", "Option", "Result", "String", "Vec", "Box", "crate", "Error", "Client", "+1", "-1",
];

/// Property names and enum values: empty, blank, quotes, signs, JSON words, separators.
const ODD: &[&str] = &[
    "", " ", "a\"b", "it's", "null", "1", "-1", "+1", "ü", "a/b", "a~b", "α", "\\", "true", "_",
    "__", "A", "a", "Self", "type", "💡", "kind", "value", "Value", "self",
];

/// A JSON pointer reference to the component `name`, escaped and percent-encoded.
fn reference(name: &str) -> Value {
    let segment = name.replace('~', "~0").replace('/', "~1");
    let encoded: String = segment
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=:@".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    json!({"$ref": format!("#/components/schemas/{encoded}")})
}

/// Schemas without nesting; references to the `names` weigh the most, so that cycles are
/// common.
fn leaf(names: Vec<&'static str>, v31: bool) -> BoxedStrategy<Value> {
    let odd = prop::sample::select(ODD);
    let refs = prop::sample::select(names).prop_map(reference);
    let nullable = if v31 {
        Just(json!({"type": ["string", "null"]})).boxed()
    } else {
        Just(json!({"type": "string", "nullable": true})).boxed()
    };
    prop_oneof![
        4 => refs,
        1 => Just(json!({"type": "string"})),
        1 => prop::sample::select(&["int32", "int64", "int8", "uint8", "uint64", "", "decimal"][..])
            .prop_map(|format| json!({"type": "integer", "format": format})),
        1 => (-1e6f64..1e6).prop_map(|min| json!({"type": "number", "minimum": min})),
        1 => Just(json!({"type": "boolean"})),
        1 => prop::collection::btree_set(odd.clone(), 1..5)
            .prop_map(|values| json!({"type": "string", "enum": values})),
        1 => prop::collection::btree_set(-3i64..3, 1..4)
            .prop_map(|values| json!({"type": "integer", "enum": values})),
        1 => prop::sample::select(&["date-time", "date", "uuid", "binary", "byte", "uri", "email"][..])
            .prop_map(|format| json!({"type": "string", "format": format})),
        1 => Just(json!({})),
        1 => nullable,
        1 => Just(json!({"type": "object", "additionalProperties": true})),
        1 => odd.prop_map(move |value| if v31 {
            json!({"const": value})
        } else {
            json!({"type": "string", "enum": [value]})
        }),
    ]
    .boxed()
}

/// Schemas of any shape, up to a few levels deep.
fn schema(names: Vec<&'static str>, v31: bool) -> BoxedStrategy<Value> {
    let refs = prop::sample::select(names.clone()).prop_map(reference);
    leaf(names, v31)
        .prop_recursive(3, 24, 4, move |inner| {
            let properties =
                prop::collection::btree_map(prop::sample::select(ODD), inner.clone(), 0..4);
            let additional = prop_oneof![
                Just(None),
                Just(Some(json!(false))),
                Just(Some(json!(true))),
                inner.clone().prop_map(Some),
            ];
            prop_oneof![
                (properties, additional, any::<u8>()).prop_map(|(properties, additional, pick)| {
                    let mut object = Map::new();
                    object.insert("type".into(), json!("object"));
                    let required: Vec<&str> = properties
                        .keys()
                        .enumerate()
                        .filter(|(i, _)| pick & (1 << (i % 8)) != 0)
                        .map(|(_, k)| *k)
                        .collect();
                    if !required.is_empty() {
                        object.insert("required".into(), json!(required));
                    }
                    object.insert("properties".into(), json!(properties));
                    if let Some(additional) = additional {
                        object.insert("additionalProperties".into(), additional);
                    }
                    Value::Object(object)
                }),
                inner
                    .clone()
                    .prop_map(|items| json!({"type": "array", "items": items})),
                (
                    prop::sample::select(&["allOf", "anyOf", "oneOf"][..]),
                    prop::collection::vec(inner.clone(), 1..4)
                )
                    .prop_map(|(keyword, branches)| json!({ keyword: branches })),
                inner.clone().prop_map(|not| json!({"not": not})),
                inner
                    .clone()
                    .prop_map(|schema| json!({"allOf": [schema], "description": "wrapped"})),
                prop::collection::vec(inner.clone(), 1..3).prop_map(|branches| json!({
                    "oneOf": branches,
                    "discriminator": {"propertyName": "kind"}
                })),
                // A property that extends a component, which may be its own.
                (prop::sample::select(ODD), refs.clone(), inner.clone()).prop_map(
                    |(name, extended, more)| json!({
                        "type": "object",
                        "properties": {name: {"allOf": [extended, more]}}
                    })
                ),
                // A composition beside keywords of its own, which typify merges.
                (
                    prop::sample::select(&["allOf", "anyOf", "oneOf"][..]),
                    prop::collection::vec(inner.clone(), 1..3),
                    prop::collection::btree_map(prop::sample::select(ODD), inner, 1..3),
                )
                    .prop_map(|(keyword, branches, properties)| json!({
                        keyword: branches,
                        "properties": properties
                    })),
            ]
        })
        .boxed()
}

/// A document: a few component schemas (which may refer to each other and themselves), used
/// by an operation's parameters, body and answers.
fn document() -> impl Strategy<Value = Value> {
    (
        any::<bool>(),
        prop::sample::subsequence(NAMES, 1..6),
    )
        .prop_flat_map(|(v31, names)| {
            let schemas = prop::collection::vec(schema(names.clone(), v31), names.len());
            let used = schema(names.clone(), v31);
            let query = leaf(names.clone(), v31);
            let query_name = prop::sample::select(ODD).prop_filter("a name", |n| !n.is_empty());
            (Just(v31), Just(names), schemas, used.clone(), used, query, query_name)
        })
        .prop_map(|(v31, names, schemas, answer, body, query, query_name)| {
            let components: Map<String, Value> = names
                .iter()
                .map(|n| n.to_string())
                .zip(schemas)
                .collect();
            json!({
                "openapi": if v31 { "3.1.0" } else { "3.0.3" },
                "info": {"title": "Random", "version": "1"},
                "paths": {
                    "/things/{id}": {
                        "get": {
                            "operationId": "getThing",
                            "parameters": [
                                {"name": "id", "in": "path", "required": true, "schema": {"type": "string"}},
                                {"name": query_name, "in": "query", "schema": query}
                            ],
                            "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": answer}}}}
                        },
                        "put": {
                            "operationId": "putThing",
                            "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
                            "requestBody": {"content": {"application/json": {"schema": body}}},
                            "responses": {
                                "201": {"description": "made", "content": {"application/json": {"schema": reference(names[0])}}},
                                "default": {"description": "error", "content": {"application/json": {"schema": {"type": "object"}}}}
                            }
                        }
                    }
                },
                "components": {"schemas": components}
            })
        })
}

/// The documents of one run: the same ones every run, so that a failure is a bug, never a
/// draw.
fn random_documents(cases: usize) -> Vec<Value> {
    let config = Config::default();
    let rng = TestRng::deterministic_rng(config.rng_algorithm);
    let mut runner = TestRunner::new_with_rng(config, rng);
    let strategy = document();
    (0..cases)
        .map(|_| strategy.new_tree(&mut runner).unwrap().current())
        .collect()
}

#[test]
fn random_valid_documents_generate_into_rust() {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(24);
    let dir = tempfile::tempdir().unwrap();
    let documents = dir.path().join("documents");
    std::fs::create_dir(&documents).unwrap();
    for (i, doc) in random_documents(cases).iter().enumerate() {
        let text = serde_json::to_string_pretty(doc).unwrap();
        std::fs::write(documents.join(format!("random-{i:05}.json")), text).unwrap();
    }
    // Through the command, as a user runs it: an abort inside typify is contained there.
    let scratch = dir.path().join("scratch");
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_xtask"))
        .current_dir(&root)
        .args(["corpus", "--no-check", "--scratch"])
        .arg(&scratch)
        .arg(&documents)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    let generated = output.status.success()
        && stdout.contains(&format!("\n{cases} of {cases} documents generate"));
    if !generated {
        // The documents stay, for the one the output names.
        let kept = dir.keep();
        panic!("{stdout}{stderr}\nthe documents are in {}", kept.display());
    }
    // What normalization left to the command's last resort (an abort inside typify, contained).
    let last_resort = stderr.matches("running the command again").count();
    eprintln!("{cases} documents generate; {last_resort} of them needed the last resort");
    let mut parsed = 0;
    for entry in std::fs::read_dir(scratch.join("workspace/crates")).unwrap() {
        let code = entry.unwrap().path().join("src/generated.rs");
        let text = std::fs::read_to_string(&code).unwrap();
        if let Err(error) = syn::parse_file(&text) {
            panic!("{} is not Rust: {error}", code.display());
        }
        parsed += 1;
    }
    assert_eq!(parsed, cases);
}
