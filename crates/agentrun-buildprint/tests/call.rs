//! Used alone, the client's errors say which operation failed and what the API answered:
//! `Request::call` against a server on loopback, for a documented error, an undocumented
//! status whose body is not JSON, and no answer at all.

// Test code: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used)]

use agentrun_buildprint::types::{SelectableModel, StartAgentBody};
use agentrun_buildprint::{Client, ClientConfig, Request};
use test_server::{Reply, TestServer};

fn body() -> agentrun_buildprint::types::builder::StartAgentBody {
    StartAgentBody::builder()
        .app_id("app")
        .prompt("hi")
        .model(SelectableModel::OpenaiGpt55)
}

#[tokio::test]
async fn a_documented_error_names_the_operation_status_code_and_message() {
    let server = TestServer::start(|_| {
        Reply::json(
            400,
            r#"{"error": "userEmail is required for this model", "code": "user_email_required"}"#,
        )
    });
    let client = Client::from_config(&server.url(), &ClientConfig::new()).unwrap();
    let error = client.start_agent().body(body()).call().await.unwrap_err();
    assert_eq!(
        error.to_string(),
        "POST /agents: 400 Bad Request (user_email_required): userEmail is required for this model"
    );
    assert_eq!(error.status, Some(400));
    assert_eq!(error.code.as_deref(), Some("user_email_required"));
}

#[tokio::test]
async fn an_undocumented_status_shows_its_body() {
    let server = TestServer::start(|_| Reply::text(418, "text/plain", "short and stout"));
    let client = Client::from_config(&server.url(), &ClientConfig::new()).unwrap();
    let error = client
        .get_agent()
        .agent_id("ag_1")
        .call()
        .await
        .unwrap_err();
    // The runtime hands a body that is not JSON on as the documented error body, marked.
    assert_eq!(
        error.to_string(),
        "GET /agents/{agentId}: 418 I'm a teapot (not_json): short and stout \
         (The 418 answer was text/plain, not JSON)"
    );
}

#[tokio::test]
async fn no_answer_says_so_without_the_url() {
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    let config = ClientConfig::new().retry(agentrun_buildprint::RetryPolicy::none());
    let client = Client::from_config(&url, &config).unwrap();
    let error = client
        .get_agent()
        .agent_id("ag_1")
        .call()
        .await
        .unwrap_err();
    assert_eq!(error.status, None);
    assert!(
        error
            .to_string()
            .starts_with("GET /agents/{agentId}: no answer"),
        "{error}"
    );
    assert!(!error.to_string().contains("127.0.0.1"), "{error}");
}
