//! Completion webhooks, delivered to a receiver on loopback.

// Test code: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used)]

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use agentrun_buildprint::types as bp;
use agentrun_emulator::{EMULATE_ERROR, WEBHOOK_RETRIES};
use common::{buildprint, eventually, manual, start};
use serde_json::{Value, json};
use test_server::{Reply, TestServer};

fn agent(prompt: &str, webhook: &str) -> bp::builder::StartAgentBody {
    common::agent_body(prompt).completion_webhook_url(Some(webhook.to_string()))
}

#[tokio::test]
async fn a_finished_agent_and_review_post_their_payloads() {
    let receiver = TestServer::start(|_| Reply::json(200, "{}"));
    let hook = format!("{}/hooks/buildprint", receiver.url());
    let emulator = start(manual()).await;
    let client = buildprint(&emulator);
    let agent_id = client
        .start_agent()
        .body(agent(&format!("Break {EMULATE_ERROR}"), &hook))
        .send()
        .await
        .unwrap()
        .into_inner()
        .agent_id;
    let review = client
        .create_code_review()
        .body(
            bp::CreateCodeReviewBody::builder()
                .app_id("demo-app")
                .from_version("feature-checkout")
                .to_version("main")
                .completion_webhook_url(Some(hook.clone())),
        )
        .send()
        .await
        .unwrap()
        .into_inner();

    emulator.clock().advance(Duration::from_secs(10));
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert!(
        receiver.requests().is_empty(),
        "nothing is sent before a run ends"
    );

    emulator.clock().advance(Duration::from_secs(60));
    eventually("two deliveries", || receiver.requests().len() == 2).await;
    let bodies: Vec<Value> = receiver
        .requests()
        .iter()
        .map(|r| {
            assert_eq!(r.method, "POST");
            assert_eq!(r.path(), "/hooks/buildprint");
            assert_eq!(r.header("content-type"), Some("application/json"));
            serde_json::from_slice(&r.body).unwrap()
        })
        .collect();
    let agent_event = bodies
        .iter()
        .find(|b| b["event"] == "agent.completed")
        .unwrap();
    assert_eq!(agent_event["agentId"], agent_id.as_str());
    assert_eq!(agent_event["status"], "error");
    assert!(
        agent_event["lastError"]
            .as_str()
            .unwrap()
            .contains(EMULATE_ERROR)
    );
    assert_eq!(agent_event["appId"], "demo-app");
    let review_event = bodies
        .iter()
        .find(|b| b["event"] == "review.completed")
        .unwrap();
    assert_eq!(review_event["reviewId"], review.review_id.as_str());
    assert_eq!(review_event["agentId"], review.agent_id.as_str());
    assert_eq!(review_event["status"], "completed");
    assert_eq!(review_event["lastError"], json!(null));

    // The receiver records a request before it answers; the log records the answer after.
    eventually("two answered deliveries", || {
        let log = emulator.webhook_deliveries();
        log.len() == 2 && log.iter().all(|d| !d.attempts.is_empty())
    })
    .await;
    let log = emulator.webhook_deliveries();
    assert!(
        log.iter().all(|d| d.delivered && d.attempts.len() == 1),
        "{log:?}"
    );
}

#[tokio::test]
async fn a_failing_receiver_gets_three_retries_then_is_left_alone() {
    let receiver = TestServer::start(|_| Reply::text(500, "text/plain", "down"));
    let emulator = start(manual()).await;
    let client = buildprint(&emulator);
    client
        .start_agent()
        .body(agent("Fine", &format!("{}/hook", receiver.url())))
        .send()
        .await
        .unwrap();
    emulator.clock().advance(Duration::from_secs(60));
    eventually("all attempts", || {
        emulator
            .webhook_deliveries()
            .first()
            .is_some_and(|d| d.attempts.len() == 1 + WEBHOOK_RETRIES)
    })
    .await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(
        receiver.requests().len(),
        1 + WEBHOOK_RETRIES,
        "no more than 3 retries"
    );
    let delivery = &emulator.webhook_deliveries()[0];
    assert!(!delivery.delivered);
    assert!(delivery.attempts.iter().all(|a| a.status == Some(500)));
}

#[tokio::test]
async fn a_receiver_that_recovers_gets_the_event_on_a_retry() {
    let answered = Arc::new(AtomicUsize::new(0));
    let count = Arc::clone(&answered);
    let receiver = TestServer::start(move |_| {
        if count.fetch_add(1, Ordering::SeqCst) < 2 {
            Reply::text(503, "text/plain", "busy")
        } else {
            Reply::text(204, "text/plain", "")
        }
    });
    let emulator = start(manual()).await;
    buildprint(&emulator)
        .start_agent()
        .body(agent("Fine", &format!("{}/hook", receiver.url())))
        .send()
        .await
        .unwrap();
    emulator.clock().advance(Duration::from_secs(60));
    eventually("delivery", || {
        emulator
            .webhook_deliveries()
            .first()
            .is_some_and(|d| d.delivered)
    })
    .await;
    let statuses: Vec<Option<u16>> = emulator.webhook_deliveries()[0]
        .attempts
        .iter()
        .map(|a| a.status)
        .collect();
    assert_eq!(statuses, [Some(503), Some(503), Some(204)]);
}

#[tokio::test]
async fn an_unreachable_receiver_is_retried_too() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let emulator = start(manual()).await;
    buildprint(&emulator)
        .start_agent()
        .body(agent("Fine", &format!("http://127.0.0.1:{port}/hook")))
        .send()
        .await
        .unwrap();
    emulator.clock().advance(Duration::from_secs(60));
    eventually("all attempts", || {
        emulator
            .webhook_deliveries()
            .first()
            .is_some_and(|d| d.attempts.len() == 1 + WEBHOOK_RETRIES)
    })
    .await;
    let delivery = &emulator.webhook_deliveries()[0];
    assert!(
        delivery
            .attempts
            .iter()
            .all(|a| a.status.is_none() && a.error.is_some())
    );
}
