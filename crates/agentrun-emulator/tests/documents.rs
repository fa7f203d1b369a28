//! A document the emulator has no model of, served as it is (`--document`): requests held to
//! it, answers from its examples, `Prefer` choosing another status, and the modelled APIs
//! still answering beside it.

// Test code: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used)]

use std::sync::Arc;

use agentrun_emulator::{Config, Emulator};
use agentrun_mock::StandIn;
use serde_json::{Value, json};

fn document() -> Value {
    json!({"openapi": "3.1.0", "info": {"title": "Pets", "version": "1"},
        "servers": [{"url": "https://pets.example.com/v2"}],
        "paths": {"/pets/{id}": {"get": {
            "parameters": [
                {"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}},
                {"name": "fields", "in": "query", "explode": false,
                 "schema": {"type": "array", "items": {"enum": ["name", "age"]}}}],
            "responses": {
                "200": {"description": "A pet", "content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/Pet"},
                    "example": {"id": 7, "name": "Rex"}}}},
                "404": {"description": "None", "content": {"application/problem+json": {
                    "schema": {"type": "object", "required": ["title"],
                               "properties": {"title": {"type": "string"}}}}}}}}}},
        "components": {"schemas": {"Pet": {"type": "object", "required": ["id", "name"],
            "properties": {"id": {"type": "integer"}, "name": {"type": "string"}}}}}})
}

async fn emulator() -> Emulator {
    let stand_in = StandIn::new(document(), "pets.json").unwrap();
    let config = Config {
        documents: vec![Arc::new(stand_in)],
        ..Config::default()
    };
    Emulator::start_local(config).await.unwrap()
}

#[tokio::test]
async fn a_document_is_served_under_its_server_path_and_held_to() {
    let emulator = emulator().await;
    let http = reqwest::Client::new();
    let url = format!("{}/v2/pets", emulator.url());

    let pet = http
        .get(format!("{url}/7?fields=name,age"))
        .send()
        .await
        .unwrap();
    assert_eq!(pet.status(), 200);
    assert_eq!(
        pet.json::<Value>().await.unwrap(),
        json!({"id": 7, "name": "Rex"})
    );

    let refused = http
        .get(format!("{url}/seven?fields=name,colour"))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 400);
    assert_eq!(
        refused.headers()["content-type"],
        "application/problem+json"
    );
    let problem: Value = refused.json().await.unwrap();
    let places: Vec<(&str, &str)> = problem["violations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| (v["in"].as_str().unwrap(), v["at"].as_str().unwrap()))
        .collect();
    assert_eq!(places, [("path", "id"), ("query", "fields")]);

    let missing = http
        .get(format!("{url}/7"))
        .header("prefer", "code=404")
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 404);
    let body: Value = missing.json().await.unwrap();
    assert!(body["title"].is_string(), "{body}");
}

#[tokio::test]
async fn other_paths_and_the_modelled_apis_answer_as_before() {
    let emulator = emulator().await;
    let http = reqwest::Client::new();
    let unknown = http
        .get(format!("{}/v2/cats/1", emulator.url()))
        .send()
        .await
        .unwrap();
    assert_eq!(unknown.status(), 404);
    let body: Value = unknown.json().await.unwrap();
    assert_eq!(body["code"], "route_not_found", "{body}");
    let wrong_method = http
        .delete(format!("{}/v2/pets/7", emulator.url()))
        .send()
        .await
        .unwrap();
    assert_eq!(wrong_method.status(), 405);
    let agents = http
        .get(format!("{}/agents/ag_none", emulator.buildprint_url()))
        .bearer_auth(agentrun_emulator::DEFAULT_BUILDPRINT_TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(agents.status(), 404);
    let body: Value = agents.json().await.unwrap();
    assert_ne!(body["code"], "route_not_found", "{body}");
}
