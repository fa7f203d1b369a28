//! Fault injection, seen from the client side: each fault as a client meets it, and what the
//! emulator says it received.

// Test code: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used)]

mod common;

use std::time::{Duration, Instant};

use agentrun_buildprint::Error;
use agentrun_buildprint::types as bp;
use agentrun_emulator::{Fault, FaultRule};
use common::{bearer, buildprint, manual, raw, start};
use serde_json::{Value, json};

const AGENTS: &str = "POST /api/public/v1/agents";

fn agent_body() -> bp::builder::StartAgentBody {
    common::agent_body("Fix it")
}

async fn list_tests(emulator: &agentrun_emulator::Emulator) -> reqwest::Response {
    let (name, value) = bearer();
    raw()
        .get(format!(
            "{}/tests?appId=demo-app",
            emulator.buildprint_url()
        ))
        .header(name, value)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn error_statuses_are_answered_without_applying_the_request() {
    let emulator = start(manual()).await;
    // No retries: a client retries a 429 even for a POST; this is about what the emulator does.
    let client = buildprint(&emulator).with_retry(agentrun_runtime::RetryPolicy::none());
    for status in [429, 500, 502, 503, 504] {
        let retry_after = (status == 429).then(|| "2".to_string());
        emulator.add_fault(FaultRule::new(
            AGENTS,
            Fault::Status {
                status,
                retry_after,
            },
        ));
        let error = client
            .start_agent()
            .body(agent_body())
            .send()
            .await
            .unwrap_err();
        assert_eq!(
            error.status().map(|s| s.as_u16()),
            Some(status),
            "{error:?}"
        );
    }
    assert_eq!(emulator.received().agents_started, 0);
    assert_eq!(emulator.received().faults_injected, 5);

    emulator.add_fault(FaultRule::new(
        AGENTS,
        Fault::Status {
            status: 429,
            retry_after: Some("7".into()),
        },
    ));
    let (name, value) = bearer();
    let response = raw()
        .post(format!("{}/agents", emulator.buildprint_url()))
        .header(name, value)
        .json(&json!({"appId": "demo-app", "prompt": "x", "model": "buildprint-gpt-5.6-sol"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 429);
    assert_eq!(response.headers()["retry-after"], "7");
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["code"], "emulated_fault");

    // Each rule hit once: the next request goes through.
    client
        .start_agent()
        .body(agent_body())
        .send()
        .await
        .unwrap();
    assert_eq!(emulator.received().agents_started, 1);
}

#[tokio::test]
async fn broken_bodies_reach_the_client_as_such() {
    let emulator = start(manual()).await;
    let client = buildprint(&emulator);
    emulator.add_fault(FaultRule::new(
        "GET /api/public/v1/agents/{agentId}",
        Fault::MalformedJson { status: 200 },
    ));
    let error = client
        .get_agent()
        .agent_id("ag_000001")
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(error, Error::InvalidResponsePayload(..)),
        "{error:?}"
    );

    emulator.add_fault(FaultRule::new(
        "GET /api/public/v1/tests",
        Fault::Html { status: 502 },
    ));
    let response = list_tests(&emulator).await;
    assert_eq!(response.status(), 502);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("<h1>502 Bad Gateway</h1>")
    );
}

#[tokio::test]
async fn a_connection_dropped_before_processing_applies_nothing() {
    let emulator = start(manual()).await;
    let client = buildprint(&emulator);
    emulator.add_fault(FaultRule::new(AGENTS, Fault::DropBeforeProcessing));
    let error = client
        .start_agent()
        .body(agent_body())
        .send()
        .await
        .unwrap_err();
    assert!(matches!(error, Error::CommunicationError(_)), "{error:?}");
    assert_eq!(emulator.received().agents_started, 0);
}

#[tokio::test]
async fn a_connection_dropped_after_the_request_was_applied_loses_only_the_answer() {
    let emulator = start(manual()).await;
    let client = buildprint(&emulator);
    emulator.add_fault(FaultRule::new(AGENTS, Fault::DropAfterApplied));
    let before = emulator.agent_ids();
    let error = client
        .start_agent()
        .body(agent_body())
        .send()
        .await
        .unwrap_err();
    assert!(matches!(error, Error::CommunicationError(_)), "{error:?}");
    assert_eq!(emulator.received().agents_started, 1, "the agent exists");
    let created: Vec<String> = emulator
        .agent_ids()
        .into_iter()
        .filter(|id| !before.contains(id))
        .collect();
    assert_eq!(created.len(), 1);
    let agent = client
        .get_agent()
        .agent_id(&created[0])
        .send()
        .await
        .unwrap();
    assert_eq!(agent.status, bp::RunStatus::Queued);
}

#[tokio::test]
async fn latency_delays_the_answer() {
    let emulator = start(manual()).await;
    emulator.add_fault(FaultRule::new(
        "GET /api/public/v1/tests",
        Fault::Latency { ms: 150 },
    ));
    let started = Instant::now();
    assert_eq!(list_tests(&emulator).await.status(), 200);
    assert!(
        started.elapsed() >= Duration::from_millis(150),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn a_patched_answer_carries_values_the_spec_does_not_list() {
    let emulator = start(manual()).await;
    let client = buildprint(&emulator);
    emulator.add_fault(FaultRule::new(
        "GET /api/public/v1/agents/*",
        Fault::Patch {
            merge: json!({"model": "claude-opus-9", "status": "paused", "sandboxCostUsd": 0.42,
                          "lifecycle": {"sandboxState": "hibernating"}}),
            status: None,
        },
    ));
    let agent = client
        .get_agent()
        .agent_id("ag_000001")
        .send()
        .await
        .unwrap();
    assert_eq!(agent.model, bp::Model::Unknown("claude-opus-9".into()));
    assert_eq!(agent.status, bp::RunStatus::Unknown("paused".into()));
    assert_eq!(
        agent
            .lifecycle
            .as_ref()
            .and_then(|l| l.sandbox_state.clone()),
        Some(bp::AgentLifecycleSandboxState::Unknown(
            "hibernating".into()
        ))
    );
}

#[tokio::test]
async fn rules_hit_the_requests_their_window_covers() {
    let emulator = start(manual()).await;
    emulator.add_fault(
        FaultRule::new(
            "GET /api/public/v1/tests",
            Fault::Status {
                status: 503,
                retry_after: None,
            },
        )
        .skip(1)
        .times(2),
    );
    let mut statuses = Vec::new();
    for _ in 0..4 {
        statuses.push(list_tests(&emulator).await.status().as_u16());
    }
    assert_eq!(statuses, [200, 503, 503, 200]);
    assert_eq!(emulator.received().by_route["GET /api/public/v1/tests"], 4);
}

#[tokio::test]
async fn the_admin_endpoint_scripts_faults_for_other_languages_and_ci() {
    let emulator = start(manual()).await;
    let http = raw();
    let faults = format!("{}/_emulator/faults", emulator.url());
    let added = http
        .post(&faults)
        .json(&json!({"route": "GET /api/public/v1/tests", "fault": {"kind": "status", "status": 500}, "times": null}))
        .send()
        .await
        .unwrap();
    assert_eq!(added.status(), 201);
    let id = added.json::<Value>().await.unwrap()["id"].clone();
    assert_eq!(list_tests(&emulator).await.status(), 500);
    assert_eq!(list_tests(&emulator).await.status(), 500);
    let listed: Value = http
        .get(&faults)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(listed[0]["id"], id);
    assert_eq!(listed[0]["matched"], 2);
    assert_eq!(http.delete(&faults).send().await.unwrap().status(), 200);
    assert_eq!(list_tests(&emulator).await.status(), 200);

    let bad = http
        .post(&faults)
        .json(&json!({"route": "*", "fault": {"kind": "explode"}}))
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 400);
    let body: Value = bad.json().await.unwrap();
    assert!(
        body["error"]
            .as_str()
            .unwrap()
            .contains("`fault.kind`: unknown variant `explode`"),
        "{body}"
    );

    let received: Value = http
        .get(format!("{}/_emulator/received", emulator.url()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(received["byRoute"]["GET /api/public/v1/tests"], 3);
    assert_eq!(received["faultsInjected"], 2);
}
