//! The emulator when it is abused: connections that stall in their headers or pile up, prompts
//! far larger than any real one, webhooks aimed at other hosts, and admin calls without the
//! admin token.

// Test code: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used)]

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use agentrun_emulator::{Config, MAX_STORED_PROMPT_BYTES};
use common::{buildprint, eventually, manual, raw, start};

fn with(config: impl FnOnce(&mut Config)) -> Config {
    let mut base = manual();
    config(&mut base);
    base
}

/// Reads until the server closes the connection or `limit` passes; whether it closed.
fn closes_within(stream: &mut TcpStream, limit: Duration) -> bool {
    stream.set_read_timeout(Some(limit)).unwrap();
    let mut buffer = [0u8; 1024];
    loop {
        match stream.read(&mut buffer) {
            Ok(0) => return true,
            Ok(_) => continue,
            Err(_) => return false,
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_connection_that_stalls_in_its_headers_is_closed() {
    let emulator = start(with(|c| c.header_read_timeout = Duration::from_millis(300))).await;
    let addr = emulator.addr();
    let closed = tokio::task::spawn_blocking(move || {
        let mut stream = TcpStream::connect(addr).unwrap();
        stream
            .write_all(b"GET /api/public/v1/tests HTTP/1.1\r\nHost: x\r\n")
            .unwrap();
        let started = Instant::now();
        (
            closes_within(&mut stream, Duration::from_secs(5)),
            started.elapsed(),
        )
    })
    .await
    .unwrap();
    assert!(closed.0, "the half-sent request was held open");
    assert!(
        closed.1 < Duration::from_secs(3),
        "closed after {:?}",
        closed.1
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connections_past_the_limit_wait_for_a_free_slot() {
    let emulator = start(with(|c| c.max_connections = 2)).await;
    let addr = emulator.addr();
    let served = tokio::task::spawn_blocking(move || {
        // No pause is needed for the two to take the slots: the server takes a slot before it
        // accepts, and the kernel hands connections over in the order they were made.
        let idle: Vec<TcpStream> = (0..2).map(|_| TcpStream::connect(addr).unwrap()).collect();
        let mut third = TcpStream::connect(addr).unwrap();
        third
            .write_all(b"GET /_emulator/received HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            .unwrap();
        third
            .set_read_timeout(Some(Duration::from_millis(300)))
            .unwrap();
        let mut buffer = [0u8; 64];
        let while_full = third.read(&mut buffer).is_ok();
        drop(idle);
        third
            .set_read_timeout(Some(Duration::from_secs(5)))
            .unwrap();
        let after = third.read(&mut buffer).map(|n| buffer[..n].to_vec());
        (while_full, after)
    })
    .await
    .unwrap();
    assert!(
        !served.0,
        "a third connection was served past the limit of 2"
    );
    let answer = String::from_utf8_lossy(&served.1.unwrap()).to_string();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
}

#[tokio::test]
async fn a_huge_prompt_runs_but_only_its_start_is_kept() {
    let emulator = start(manual()).await;
    let client = buildprint(&emulator);
    let prompt = format!("Fix checkout. {}", "é".repeat(400_000));
    let started = client
        .start_agent()
        .body(common::agent_body(&prompt))
        .send()
        .await
        .unwrap()
        .into_inner();
    let agent = client
        .get_agent()
        .agent_id(&started.agent_id)
        .send()
        .await
        .unwrap()
        .into_inner();
    let kept = agent
        .history
        .iter()
        .filter_map(|m| m.content.clone())
        .find(|c| c.starts_with("Fix checkout."))
        .unwrap();
    assert!(
        kept.len() < MAX_STORED_PROMPT_BYTES + 100,
        "kept {} bytes",
        kept.len()
    );
    assert!(
        kept.ends_with("more bytes not kept by the emulator)"),
        "{}",
        &kept[kept.len() - 80..]
    );
}

#[tokio::test]
async fn webhooks_to_other_hosts_are_refused_unless_allowed() {
    let emulator = start(manual()).await;
    let client = buildprint(&emulator);
    client
        .start_agent()
        .body(
            common::agent_body("Fix it")
                .completion_webhook_url(Some("http://169.254.169.254/latest/meta-data".into())),
        )
        .send()
        .await
        .unwrap();
    emulator.clock().advance(Duration::from_secs(600));
    eventually("the refusal is logged", || {
        emulator
            .webhook_deliveries()
            .iter()
            .any(|d| d.attempts.len() == 1 && !d.delivered)
    })
    .await;
    let delivery = emulator.webhook_deliveries().into_iter().next().unwrap();
    let error = delivery.attempts[0].error.clone().unwrap_or_default();
    assert!(
        error.contains("169.254.169.254 is not a loopback address"),
        "{error}"
    );
    assert!(error.contains("--allow-remote-webhooks"), "{error}");
}

#[tokio::test]
async fn the_admin_endpoints_need_the_admin_token_when_there_is_one() {
    let emulator = start(with(|c| c.admin_token = Some("ADMIN_CANARY".into()))).await;
    let url = format!("http://{}/_emulator/received", emulator.addr());
    let refused = raw().get(&url).send().await.unwrap();
    assert_eq!(refused.status(), 401);
    let body: serde_json::Value = refused.json().await.unwrap();
    assert_eq!(body["code"], "admin_token_required");
    assert!(!body.to_string().contains("ADMIN_CANARY"));
    let allowed = raw()
        .get(&url)
        .bearer_auth("ADMIN_CANARY")
        .send()
        .await
        .unwrap();
    assert_eq!(allowed.status(), 200);
    // The APIs themselves keep their own credentials.
    let api = raw()
        .get(format!(
            "{}/tests?appId=demo-app",
            emulator.buildprint_url()
        ))
        .bearer_auth("ADMIN_CANARY")
        .send()
        .await
        .unwrap();
    assert_eq!(api.status(), 401);
}

/// The whole answer to `request` on a fresh connection: status line, headers and body.
fn exchange(addr: std::net::SocketAddr, request: &[u8]) -> String {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream.write_all(request).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    String::from_utf8_lossy(&answer).to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn requests_hyper_cannot_parse_get_the_json_error_body_too() {
    let emulator = start(manual()).await;
    let addr = emulator.addr();
    let answers = tokio::task::spawn_blocking(move || {
        let huge = format!(
            "GET /api/public/v1/tests HTTP/1.1\r\nHost: x\r\nX-Big: {}\r\n\r\n",
            "a".repeat(500_000)
        );
        [
            exchange(addr, b"this is not HTTP at all\r\n\r\n"),
            exchange(addr, huge.as_bytes()),
        ]
    })
    .await
    .unwrap();
    for (answer, status, code) in [
        (&answers[0], "400", "bad_request"),
        (&answers[1], "431", "headers_too_large"),
    ] {
        let (head, body) = answer.split_once("\r\n\r\n").unwrap_or((answer, ""));
        assert!(head.starts_with(&format!("HTTP/1.1 {status}")), "{head}");
        assert!(head.contains("content-type: application/json"), "{head}");
        let json: serde_json::Value = serde_json::from_str(body).unwrap();
        assert_eq!(json["code"], code, "{body}");
        assert!(json["error"].as_str().is_some_and(|e| !e.is_empty()));
    }
}
