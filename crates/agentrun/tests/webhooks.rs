//! Completion webhooks delivered by the emulator to agentrun's receiver, parsed and verified.

// Test code: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used)]

mod common;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use agentrun::buildprint::types as bp;
use agentrun::webhooks::{VerifiedEvent, WebhookEvent, receiver};
use common::{buildprint, manual, quick, start};
use tokio::net::TcpListener;

/// Serves the receiver on a free port; returns its URL and what it handed on.
async fn serve(client: agentrun::BuildprintClient) -> (String, Arc<Mutex<Vec<VerifiedEvent>>>) {
    let handled = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&handled);
    let app = axum::Router::new().nest(
        "/hooks/buildprint",
        receiver(client, move |event| {
            let sink = Arc::clone(&sink);
            async move { sink.lock().unwrap().push(event) }
        }),
    );
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hooks/buildprint", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (url, handled)
}

#[tokio::test]
async fn webhooks_from_the_emulator_are_received_verified_and_handed_on() {
    let emulator = start(manual()).await;
    let client = buildprint(&emulator, quick());
    let (url, handled) = serve(client.clone()).await;

    let agent = client
        .api()
        .start_agent()
        .body(
            bp::StartAgentBody::builder()
                .app_id("demo-app")
                .prompt("Fix it")
                .model(bp::SelectableModel::BuildprintGpt56Sol)
                .completion_webhook_url(Some(url.clone())),
        )
        .send()
        .await
        .unwrap();
    let review = client
        .api()
        .create_code_review()
        .body(
            bp::CreateCodeReviewBody::builder()
                .app_id("demo-app")
                .from_version("feature-checkout")
                .to_version("main")
                .completion_webhook_url(Some(url)),
        )
        .send()
        .await
        .unwrap();
    emulator.clock().advance(Duration::from_secs(60));

    // The receiver hands an event on before its answer reaches the emulator, which records the
    // attempt only then: wait for both sides.
    let answered = |deliveries: &[agentrun_emulator::Delivery]| {
        deliveries.len() == 2 && deliveries.iter().all(|d| !d.attempts.is_empty())
    };
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while handled.lock().unwrap().len() < 2 || !answered(&emulator.webhook_deliveries()) {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the webhooks never arrived: {:?}",
            emulator.webhook_deliveries()
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let handled = handled.lock().unwrap();
    let verified_agent = handled.iter().find_map(|e| match e {
        VerifiedEvent::Agent(agent) => Some(agent),
        _ => None,
    });
    assert_eq!(verified_agent.unwrap().agent_id, agent.agent_id);
    assert_eq!(verified_agent.unwrap().status, bp::RunStatus::Completed);
    let verified_review = handled.iter().find_map(|e| match e {
        VerifiedEvent::CodeReview(review) => Some(review),
        _ => None,
    });
    assert_eq!(verified_review.unwrap().review_id, review.review_id);
    let deliveries = emulator.webhook_deliveries();
    assert!(
        deliveries
            .iter()
            .all(|d| d.delivered && d.attempts[0].status == Some(204)),
        "{deliveries:?}"
    );
}

#[tokio::test]
async fn the_receiver_answers_what_buildprint_should_do() {
    let emulator = start(manual()).await;
    let client = buildprint(&emulator, quick());
    let (url, handled) = serve(client.clone()).await;
    let running = client
        .api()
        .start_agent()
        .body(
            bp::StartAgentBody::builder()
                .app_id("demo-app")
                .prompt("Still going")
                .model(bp::SelectableModel::BuildprintGpt56Sol),
        )
        .send()
        .await
        .unwrap();
    let http = reqwest::Client::new();
    let post = |body: String| {
        let http = http.clone();
        let url = url.clone();
        async move {
            http.post(&url)
                .body(body)
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }
    };
    let forged = format!(
        r#"{{"event": "agent.completed", "agentId": "{}", "status": "completed"}}"#,
        running.agent_id
    );
    assert_eq!(
        post(forged).await,
        422,
        "the API says the agent is still queued"
    );
    assert_eq!(
        post(r#"{"event": "test_run.completed", "runId": "x"}"#.into()).await,
        202
    );
    assert_eq!(post("not json".into()).await, 400);
    assert_eq!(
        post(r#"{"event": "agent.completed", "agentId": "ag_nope"}"#.into()).await,
        422
    );
    emulator.add_fault(
        agentrun_emulator::FaultRule::new(
            "*",
            agentrun_emulator::Fault::Status {
                status: 503,
                retry_after: None,
            },
        )
        .always(),
    );
    let done = r#"{"event": "agent.completed", "agentId": "ag_000001", "status": "completed"}"#;
    assert_eq!(
        post(done.into()).await,
        503,
        "the API could not be asked: Buildprint should retry"
    );
    assert!(handled.lock().unwrap().is_empty());
}

#[tokio::test]
async fn verify_catches_a_payload_that_contradicts_the_api() {
    let emulator = start(manual()).await;
    let client = buildprint(&emulator, quick());
    // The seeded merged review's agent ended long ago, as `completed`.
    let event = WebhookEvent::parse(
        br#"{"event": "agent.completed", "agentId": "ag_000001", "status": "error"}"#,
    )
    .unwrap();
    let error = client.verify_webhook(&event).await.unwrap_err();
    assert!(
        error
            .to_string()
            .contains("ended error, but the API says completed"),
        "{error}"
    );
    let honest = WebhookEvent::parse(
        br#"{"event": "agent.completed", "agentId": "ag_000001", "extra": [1, 2]}"#,
    )
    .unwrap();
    assert!(matches!(
        client.verify_webhook(&honest).await.unwrap(),
        VerifiedEvent::Agent(_)
    ));
    let unknown = WebhookEvent::parse(br#"{"event": "deploy.finished"}"#).unwrap();
    assert!(client.verify_webhook(&unknown).await.is_err());
    assert!(
        WebhookEvent::parse(br#"{"agentId": "x"}"#)
            .unwrap_err()
            .to_string()
            .contains("no `event`")
    );
}
