//! What leaves the machine: redirects are followed only within the API's origin (never with a
//! body, a token or a key to another host), and a TLS failure is reported once, not retried.

// Test code: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used)]

use std::io::{Read, Write};
use std::net::TcpListener;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use agentrun::buildprint::types as bp;
use agentrun::{BuildprintClient, BuildprintCredentials, ClientConfig, Error, RetryPolicy};
use test_server::{Reply, TestServer};

fn client(base_url: &str) -> BuildprintClient {
    let credentials = BuildprintCredentials::new("bp_CANARY_TOKEN")
        .unwrap()
        .with_base_url(base_url)
        .unwrap();
    let config = ClientConfig::new()
        .retry(RetryPolicy::default().initial_backoff(std::time::Duration::from_millis(10)));
    BuildprintClient::with_config(credentials, config).unwrap()
}

#[tokio::test]
async fn a_redirect_to_another_host_is_not_followed_and_says_where_it_pointed() {
    let elsewhere = TestServer::start(|_| Reply::json(202, r#"{"agentId": "ag_stolen"}"#));
    let target = format!("{}/collect?apiKey=LEAKED", elsewhere.url());
    let api = TestServer::start(move |_| {
        Reply::text(307, "text/plain", "moved").with_header("location", &target)
    });
    let buildprint = client(&format!("{}/api/public/v1", api.url()));
    let api_calls = buildprint.api();
    let body = bp::StartAgentBody::builder()
        .app_id("demo-app")
        .prompt("secret prompt")
        .model(bp::SelectableModel::BuildprintGpt56Sol);
    let error = buildprint
        .send(api_calls.start_agent().body(body))
        .await
        .unwrap_err();
    assert_eq!(error.status(), Some(307), "{error}");
    let text = error.to_string();
    assert!(
        text.contains(&format!("the API redirected to {}", elsewhere.url())),
        "{text}"
    );
    assert!(
        !text.contains("LEAKED") && !text.contains("CANARY"),
        "{text}"
    );
    assert!(
        elsewhere.requests().is_empty(),
        "nothing went to the other host"
    );
    assert_eq!(api.requests().len(), 1, "a redirect is not a retry");
}

#[tokio::test]
async fn a_redirect_within_the_api_is_followed() {
    let api = TestServer::start(|request| {
        if request.path().starts_with("/old/") {
            let moved = request.path().trim_start_matches("/old");
            Reply::text(301, "text/plain", "moved").with_header("location", moved)
        } else {
            Reply::json(200, r#"{"tests": []}"#)
        }
    });
    let buildprint = client(&format!("{}/old/api/public/v1", api.url()));
    let tests = buildprint
        .send(buildprint.api().list_tests().app_id("demo-app"))
        .await
        .unwrap();
    assert!(tests.tests.is_empty());
    let paths: Vec<String> = api
        .requests()
        .iter()
        .map(|r| r.path().to_string())
        .collect();
    assert_eq!(paths, ["/old/api/public/v1/tests", "/api/public/v1/tests"]);
}

#[tokio::test]
async fn a_tls_failure_is_not_retried_and_says_what_failed() {
    // A server that answers plain HTTP where the client expects TLS.
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let accepted = Arc::new(AtomicUsize::new(0));
    let counter = accepted.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            counter.fetch_add(1, Ordering::SeqCst);
            let mut buffer = [0u8; 1024];
            let _ = stream.read(&mut buffer);
            let _ = stream.write_all(b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n\r\n");
        }
    });
    let buildprint = client(&format!("https://127.0.0.1:{port}/api/public/v1"));
    let error = buildprint
        .send(buildprint.api().list_tests().app_id("demo-app"))
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Transport { .. }), "{error:?}");
    let text = error.to_string();
    assert!(text.contains("the TLS handshake failed"), "{text}");
    assert!(!text.contains("CANARY"), "{text}");
    assert_eq!(accepted.load(Ordering::SeqCst), 1, "tried once: {text}");
}
