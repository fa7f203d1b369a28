//! `--json` prints the API's answer as it was received: fields the generated types do not know
//! (a new top-level field, a nested object, a field inside a list's item) and their order are
//! kept, value for value. Text output still reads the answer through the types. An answer the
//! types cannot read is an error as text, and printed as received with a warning under
//! `--json`.

// Test code: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used)]

mod support;

use serde_json::{Map, Value, json};
use support::{Agentrun, fast_emulator};
use test_server::{Reply, TestServer};

/// A documented agent as the emulator answers it, after its run, so that it has a history.
async fn documented_agent() -> Value {
    let emulator = fast_emulator().await;
    let cli = Agentrun::against(&emulator);
    let started = cli
        .line("buildprint agents start --app-id demo-app --prompt 'Why?' --model buildprint-gpt-5.6-sol --wait --json")
        .await;
    assert_eq!(started.code, 0, "{}", started.all());
    let id = started.json()["agentId"].as_str().unwrap().to_string();
    let got = cli
        .line(&format!("buildprint agents get --agent-id {id} --json"))
        .await;
    assert_eq!(got.code, 0, "{}", got.all());
    got.json()
}

/// `agent` with what a newer API would add: a first field, a nested object, and a field in
/// the first history item.
fn with_unknown_fields(agent: &Value) -> Value {
    let mut grown = Map::new();
    grown.insert("costUsd".into(), json!(0.42));
    for (key, value) in agent.as_object().unwrap() {
        grown.insert(key.clone(), value.clone());
    }
    grown.insert(
        "usage".into(),
        json!({"outputTokens": 5, "inputTokens": 7, "cache": {"hit": true}}),
    );
    let history = grown["history"].as_array_mut().unwrap();
    assert!(!history.is_empty(), "a finished agent has a history");
    history[0]
        .as_object_mut()
        .unwrap()
        .insert("latencyMs".into(), json!(12));
    Value::Object(grown)
}

/// `agentrun` pointed at a server answering every request with `body`.
fn against(server: &TestServer) -> Agentrun {
    Agentrun::bare()
        .env(
            "BUILDPRINT_BASE_URL",
            &format!("{}/api/public/v1", server.url()),
        )
        .env("BUILDPRINT_TOKEN", "bp_test")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn json_prints_the_answer_as_received_and_text_reads_it_through_the_types() {
    let answer = with_unknown_fields(&documented_agent().await);
    let body = answer.to_string();
    let server = TestServer::start(move |_| Reply::json(200, body.clone()));
    let id = answer["agentId"].as_str().unwrap();

    let printed = against(&server)
        .line(&format!("buildprint agents get --agent-id {id} --json"))
        .await;
    assert_eq!(printed.code, 0, "{}", printed.all());
    // Byte for byte what the answer pretty-prints to, in its own order.
    assert_eq!(
        printed.stdout.trim_end(),
        serde_json::to_string_pretty(&answer).unwrap()
    );

    let text = against(&server)
        .line(&format!("buildprint agents get --agent-id {id}"))
        .await;
    assert_eq!(text.code, 0, "{}", text.all());
    assert!(text.stdout.contains("status"), "{}", text.stdout);
    assert!(text.stdout.contains(id), "{}", text.stdout);
    assert!(!text.stdout.contains("costUsd"), "{}", text.stdout);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_answer_the_types_cannot_read_is_an_error_as_text_and_printed_with_a_warning_as_json() {
    let mut answer = documented_agent().await;
    answer["status"] = json!(7);
    let body = answer.to_string();
    let server = TestServer::start(move |_| Reply::json(200, body.clone()));
    let id = answer["agentId"].as_str().unwrap();

    let printed = against(&server)
        .line(&format!("buildprint agents get --agent-id {id} --json"))
        .await;
    assert_eq!(printed.code, 0, "{}", printed.all());
    assert_eq!(printed.json(), answer);
    assert!(
        printed.stderr.starts_with(
            "warning: GET /agents/{agentId}: the answer is not what the spec documents ("
        ),
        "{}",
        printed.stderr
    );
    assert!(
        printed
            .stderr
            .trim_end()
            .ends_with("): printed as received"),
        "{}",
        printed.stderr
    );

    let text = against(&server)
        .line(&format!("buildprint agents get --agent-id {id}"))
        .await;
    assert_eq!(text.code, 3, "{}", text.all());
    assert!(
        text.stderr
            .contains("the answer is not what the spec documents"),
        "{}",
        text.stderr
    );
    assert!(text.stdout.is_empty(), "{}", text.stdout);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wait_prints_the_run_as_it_ended_as_received() {
    let answer = with_unknown_fields(&documented_agent().await);
    assert_eq!(answer["status"], json!("completed"));
    let body = answer.to_string();
    let server = TestServer::start(move |_| Reply::json(200, body.clone()));
    let id = answer["agentId"].as_str().unwrap();
    let printed = against(&server)
        .line(&format!("buildprint agents wait --agent-id {id} --json"))
        .await;
    assert_eq!(printed.code, 0, "{}", printed.all());
    assert_eq!(
        printed.stdout.trim_end(),
        serde_json::to_string_pretty(&answer).unwrap()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_builder_run_prints_builders_answer_as_received() {
    let answer = json!({
        "traceId": "tr_1",
        "url": "https://builder.io/app/projects/p1/main?agent=1",
        "branchName": "pricing",
        "projectId": "p1",
        "status": "processing",
        "queue": {"position": 2, "etaSeconds": 30},
    });
    let body = answer.to_string();
    let server = TestServer::start(move |_| Reply::json(200, body.clone()));
    let cli = Agentrun::bare()
        .env("BUILDER_BASE_URL", &server.url())
        .env("BUILDER_PUBLIC_KEY", "space-key")
        .env("BUILDER_PRIVATE_KEY", "bpk-private");
    let printed = cli
        .line("builder run --prompt 'Add a pricing page' --user-email developer@yourcompany.com --json")
        .await;
    assert_eq!(printed.code, 0, "{}", printed.all());
    assert_eq!(
        printed.stdout.trim_end(),
        serde_json::to_string_pretty(&answer).unwrap()
    );
    let text = cli
        .line("builder run --prompt 'Add a pricing page' --user-email developer@yourcompany.com")
        .await;
    assert_eq!(text.code, 0, "{}", text.all());
    assert_eq!(text.stdout.trim_end(), answer["url"].as_str().unwrap());
}
