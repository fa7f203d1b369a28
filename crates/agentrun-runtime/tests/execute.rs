//! `execute` against a scripted server on loopback: what it retries, and what it hands on.

// Test code: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used)]

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use agentrun_runtime::progenitor_client::OperationInfo;
use agentrun_runtime::{ClientConfig, NOT_JSON, RetryPolicy, Runtime, execute};
use test_server::{Reply, TestServer};

const INFO: OperationInfo = OperationInfo {
    operation_id: "test",
};

/// A server that answers `first` to the first `times` requests, then 200 `{}`.
fn flaky(first: Reply, times: usize) -> (TestServer, Arc<AtomicUsize>) {
    let count = Arc::new(AtomicUsize::new(0));
    let seen = Arc::clone(&count);
    let server = TestServer::start(move |_| {
        if seen.fetch_add(1, Ordering::SeqCst) < times {
            first.clone()
        } else {
            Reply::json(200, "{}")
        }
    });
    (server, count)
}

fn runtime() -> Runtime {
    Runtime::new(RetryPolicy::default().initial_backoff(Duration::from_millis(1)))
}

async fn send(
    method: reqwest::Method,
    url: &str,
    runtime: &Runtime,
) -> reqwest::Result<reqwest::Response> {
    let client = ClientConfig::new().http_client().unwrap();
    let request = client.request(method, url).body("{}").build().unwrap();
    execute(&client, request, runtime, &INFO).await
}

#[tokio::test]
async fn a_get_is_retried_until_it_succeeds() {
    let (server, count) = flaky(Reply::json(503, r#"{"error": "busy"}"#), 3);
    let response = send(reqwest::Method::GET, &server.url(), &runtime())
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(count.load(Ordering::SeqCst), 4);
    assert_eq!(
        server.requests()[0].header("user-agent"),
        Some(agentrun_runtime::USER_AGENT)
    );
}

#[tokio::test]
async fn a_post_that_was_answered_is_not_sent_again() {
    let (server, count) = flaky(Reply::json(503, r#"{"error": "busy"}"#), 1);
    let response = send(reqwest::Method::POST, &server.url(), &runtime())
        .await
        .unwrap();
    assert_eq!(response.status(), 503);
    assert_eq!(count.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn a_post_whose_connection_closed_is_not_sent_again() {
    let (server, count) = flaky(Reply::Close, 1);
    let error = send(reqwest::Method::POST, &server.url(), &runtime())
        .await
        .unwrap_err();
    assert!(!error.is_connect(), "{error}");
    assert_eq!(count.load(Ordering::SeqCst), 1);
    // The same failure on a GET is retried.
    let (server, count) = flaky(Reply::Close, 1);
    send(reqwest::Method::GET, &server.url(), &runtime())
        .await
        .unwrap();
    assert_eq!(count.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn an_error_page_becomes_the_documented_error_body() {
    let page = "<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>";
    let (server, _) = flaky(Reply::text(502, "text/html", page), usize::MAX);
    let response = send(
        reqwest::Method::GET,
        &server.url(),
        &Runtime::new(RetryPolicy::none()),
    )
    .await
    .unwrap();
    assert_eq!(response.status(), 502);
    assert_eq!(response.headers()["content-type"], "application/json");
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["error"], "502 Bad Gateway");
    assert_eq!(body["code"], NOT_JSON);
    assert_eq!(body["reason"], "The 502 answer was text/html, not JSON");
}

#[tokio::test]
async fn errors_and_secret_responses_carry_no_url() {
    let url_with_key = "http://127.0.0.1:9/agents/run?apiKey=CANARYkey";
    let error = send(
        reqwest::Method::POST,
        url_with_key,
        &Runtime::new(RetryPolicy::none()),
    )
    .await
    .unwrap_err();
    assert!(
        !format!("{error} {error:?}").contains("CANARY"),
        "{error:?}"
    );

    let (server, _) = flaky(Reply::json(200, "{}"), 0);
    let url = format!("{}/agents/run?apiKey=CANARYkey", server.url());
    let response = send(
        reqwest::Method::POST,
        &url,
        &Runtime::default().with_secret_urls(),
    )
    .await
    .unwrap();
    assert!(!format!("{response:?}").contains("CANARY"), "{response:?}");
}

#[tokio::test]
async fn a_runtime_timeout_overrides_the_clients() {
    let server = TestServer::start(|_| Reply::Hang);
    let runtime = Runtime::new(RetryPolicy::none()).with_timeout(Duration::from_millis(100));
    let error = send(reqwest::Method::GET, &server.url(), &runtime)
        .await
        .unwrap_err();
    assert!(error.is_timeout(), "{error}");
}
