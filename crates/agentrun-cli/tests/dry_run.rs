//! `--dry-run` prints the request a command would send (method, URL, headers with every
//! credential redacted, body, hand-written additions such as `--steps @FILE` included) and
//! sends nothing; a command that cannot say its one request refuses it.

// Test code: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used)]

mod support;

use support::{Agentrun, manual_emulator};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dry_run_prints_the_request_with_credentials_redacted_and_sends_nothing() {
    let emulator = manual_emulator().await;
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("steps.json"),
        r#"[{"stepType": "test", "instruction": "Open the shop", "onFailure": "stop"}]"#,
    )
    .unwrap();
    let cli = Agentrun::against(&emulator)
        .env("BUILDPRINT_TOKEN", "bp_canary_dry_1")
        .dir(dir.path());

    let start = cli
        .line("buildprint agents start --app-id demo-app --prompt 'Why?' --model buildprint-gpt-5.6-sol --dry-run")
        .await;
    assert_eq!(start.code, 0, "{}", start.all());
    let mut lines = start.stdout.lines();
    assert_eq!(
        lines.next(),
        Some(format!("POST {}/agents", emulator.buildprint_url()).as_str())
    );
    assert!(
        start.stdout.contains("\nauthorization: [redacted]\n"),
        "{}",
        start.stdout
    );
    let body: serde_json::Value =
        serde_json::from_str(start.stdout.split("\n\n").nth(1).unwrap()).unwrap();
    assert_eq!(
        body,
        serde_json::json!({"appId": "demo-app", "prompt": "Why?", "model": "buildprint-gpt-5.6-sol"})
    );

    let create = cli
        .line("buildprint tests create --app-id demo-app --name Shop --steps @steps.json --dry-run")
        .await;
    assert_eq!(create.code, 0, "{}", create.all());
    assert!(create.stdout.contains("Open the shop"), "{}", create.stdout);

    for out in [&start, &create] {
        assert!(!out.all().contains("bp_canary_dry_1"), "{}", out.all());
    }
    assert_eq!(emulator.received().requests, 0, "a dry run sends nothing");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wait_refuses_a_dry_run() {
    let emulator = manual_emulator().await;
    let wait = Agentrun::against(&emulator)
        .line("buildprint agents wait --agent-id ag_000001 --dry-run")
        .await;
    assert_eq!(wait.code, 2, "{}", wait.all());
    assert!(wait.stderr.contains("drop --dry-run"), "{}", wait.stderr);
    assert_eq!(emulator.received().requests, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_builder_run_dry_run_shows_the_run_with_both_keys_redacted() {
    let emulator = manual_emulator().await;
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("notes.txt"), "Keep the header.").unwrap();
    let out = Agentrun::against(&emulator)
        .env("BUILDER_PUBLIC_KEY", "canary-public-3")
        .env("BUILDER_PRIVATE_KEY", "bpk-canary-private-3")
        .dir(dir.path())
        .line("builder run --prompt 'Add a pricing page' --attach notes.txt --user-email developer@yourcompany.com --dry-run")
        .await;
    assert_eq!(out.code, 0, "{}", out.all());
    let (head, body) = out.stdout.split_once("\n\n").unwrap();
    assert_eq!(
        head.lines().next(),
        Some(
            format!(
                "POST {}/agents/run?apiKey=[redacted]",
                emulator.builder_url()
            )
            .as_str()
        )
    );
    assert!(head.contains("\nauthorization: [redacted]"), "{head}");
    let body: serde_json::Value = serde_json::from_str(body).unwrap();
    assert_eq!(body["userMessage"]["userPrompt"], "Add a pricing page");
    assert_eq!(body["userEmail"], "developer@yourcompany.com");
    assert_eq!(
        body["userMessage"]["attachments"].as_array().map(Vec::len),
        Some(1)
    );
    assert!(!out.all().contains("canary-public-3"), "{}", out.all());
    assert!(!out.all().contains("canary-private-3"), "{}", out.all());
    assert_eq!(emulator.received().requests, 0, "a dry run sends nothing");
}
