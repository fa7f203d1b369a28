//! The generated client against a server on loopback: what it sends, and that an answer with
//! values the spec does not list still parses.

// Test code: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used)]

use agentrun_builder::types::{AgentRunRequest, AgentRunStatus, UserMessage};
use agentrun_builder::{Client, ClientConfig};
use test_server::{Reply, TestServer};

#[tokio::test]
async fn a_run_is_sent_as_documented_and_a_new_status_still_parses() {
    let server = TestServer::start(|_| {
        Reply::json(
            202,
            r#"{"branchName": null, "projectId": "p1", "url": "https://builder.io/app/projects/p1/b",
                "status": "queued", "estimatedSeconds": 40}"#,
        )
    });
    let client = Client::from_config(&server.url(), &ClientConfig::new()).unwrap();
    let accepted = client
        .run_agent()
        .api_key("space-1")
        .body(
            AgentRunRequest::builder()
                .user_message(UserMessage::builder().user_prompt("Add a dark mode toggle"))
                .user_email(Some("developer@yourcompany.com".to_string())),
        )
        .send()
        .await
        .expect("an answer with a new status must parse")
        .into_inner();
    assert_eq!(accepted.status, AgentRunStatus::Unknown("queued".into()));
    assert_eq!(accepted.branch_name, None);
    assert_eq!(accepted.project_id, "p1");

    let request = &server.requests()[0];
    assert_eq!(request.method, "POST");
    assert_eq!(request.target, "/agents/run?apiKey=space-1");
    assert_eq!(request.header("content-type"), Some("application/json"));
    let body: serde_json::Value = serde_json::from_slice(&request.body).unwrap();
    assert_eq!(
        body,
        serde_json::json!({
            "userMessage": {"userPrompt": "Add a dark mode toggle"},
            "userEmail": "developer@yourcompany.com"
        })
    );
}
