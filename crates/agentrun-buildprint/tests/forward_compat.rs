//! The generated client against a server on loopback that has moved on since the spec was
//! fetched: a new model, new statuses and new fields must not break a response.

// Test code: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used)]

use agentrun_buildprint::types::{
    AgentLifecycleSandboxState, HistoryMessageRole, Model, Permission, RunStatus,
};
use agentrun_buildprint::{Client, ClientConfig, Error};
use test_server::{Reply, TestServer};

const AGENT: &str = r#"{
  "agentId": "ag_1", "kind": "agent", "status": "paused_for_review",
  "appId": "app", "projectId": "prj", "projectName": "Shop", "reviewId": null,
  "model": "claude-opus-9", "reasoningEffort": null, "permission": "read_only",
  "permittedBranches": ["main"], "createdAt": 1764000000000, "updatedAt": 1764000001000,
  "completedAt": null, "lastError": null,
  "history": [{"id": "m1", "sequence": 1, "role": "critic", "content": "looks fine",
               "toolName": null, "toolParameters": null, "attachments": [], "createdAt": 1764000000500,
               "reactions": ["+1"]}],
  "lifecycle": {"conversationState": "ready", "sandboxState": "hibernating", "queuedTurnCount": 0,
                "lastLifecycleEventAt": null},
  "costUsd": 0.42
}"#;

#[tokio::test]
async fn an_agent_with_values_the_spec_does_not_list_still_parses() {
    let server = TestServer::start(|_| Reply::json(200, AGENT));
    let client = Client::from_config(&server.url(), &ClientConfig::new()).unwrap();

    let agent = client
        .get_agent()
        .agent_id("ag_1")
        .history_limit(5)
        .send()
        .await
        .expect("a response with new values must parse")
        .into_inner();

    assert_eq!(agent.model, Model::Unknown("claude-opus-9".into()));
    assert_eq!(agent.status, RunStatus::Unknown("paused_for_review".into()));
    assert_eq!(
        agent.history[0].role,
        Some(HistoryMessageRole::Unknown("critic".into()))
    );
    assert_eq!(
        agent.lifecycle.and_then(|l| l.sandbox_state),
        Some(AgentLifecycleSandboxState::Unknown("hibernating".into()))
    );
    assert_eq!(agent.permission, Permission::ReadOnly);
    assert_eq!(agent.permitted_branches, ["main"]);
    assert!(agent.model.is_unknown() && !agent.permission.is_unknown());

    let request = &server.requests()[0];
    assert_eq!(request.method, "GET");
    assert_eq!(request.target, "/agents/ag_1?historyLimit=5");
}

#[tokio::test]
async fn a_documented_error_arrives_typed() {
    let server = TestServer::start(|_| {
        Reply::json(
            404,
            r#"{"error": "Agent not found", "code": "not_found", "hint": "new"}"#,
        )
    });
    let client = Client::from_config(&server.url(), &ClientConfig::new()).unwrap();
    let error = client
        .get_agent()
        .agent_id("missing")
        .send()
        .await
        .unwrap_err();
    let Error::ErrorResponse(body) = error else {
        panic!("expected a typed error response, got {error:?}");
    };
    assert_eq!(body.status().as_u16(), 404);
    assert_eq!(body.error, "Agent not found");
    assert_eq!(body.code.as_ref().map(|c| c.as_str()), Some("not_found"));
}

#[tokio::test]
async fn a_request_enum_value_the_client_does_not_know_is_sent_as_written() {
    let server = TestServer::start(|_| {
        Reply::json(
            202,
            r#"{"agentId": "ag_2", "kind": "agent", "status": "queued", "appId": "app",
                "projectId": "prj", "createdAt": 1}"#,
        )
    });
    let client = Client::from_config(&server.url(), &ClientConfig::new()).unwrap();
    let accepted = client
        .start_agent()
        .body(
            agentrun_buildprint::types::StartAgentBody::builder()
                .app_id("app")
                .prompt("hi")
                .model("buildprint-gpt-7"),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(accepted.status, RunStatus::Queued);
    let sent: serde_json::Value = serde_json::from_slice(&server.requests()[0].body).unwrap();
    assert_eq!(
        sent,
        serde_json::json!({"appId": "app", "prompt": "hi", "model": "buildprint-gpt-7"})
    );
}
