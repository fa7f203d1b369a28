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
async fn a_wait_and_builder_run_refuse_a_dry_run() {
    let emulator = manual_emulator().await;
    let cli = Agentrun::against(&emulator);
    let wait = cli
        .line("buildprint agents wait --agent-id ag_000001 --dry-run")
        .await;
    assert_eq!(wait.code, 2, "{}", wait.all());
    assert!(wait.stderr.contains("drop --dry-run"), "{}", wait.stderr);
    let run = cli
        .line("builder run --prompt hi --user-email developer@yourcompany.com --dry-run")
        .await;
    assert_eq!(run.code, 2, "{}", run.all());
    assert!(
        run.stderr
            .contains("--dry-run is not available for `builder run`"),
        "{}",
        run.stderr
    );
    assert_eq!(emulator.received().requests, 0);
}
