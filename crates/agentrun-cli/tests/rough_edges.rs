//! Rough edges a new user found, each held through the binary: a usage error that quotes an
//! argument cannot drive the terminal, a base URL's query or user info (which may hold a key)
//! is never echoed, a prompt of any size makes a short branch name, and an answer over the
//! size limit fails clearly instead of filling memory.

// Test code: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used)]

mod support;

use support::{Agentrun, manual_emulator};
use test_server::{Reply, TestServer};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_usage_error_quoting_an_argument_writes_no_escape_sequence() {
    let evil = "ev\u{1b}]8;;https://x.example\u{7}il\u{1b}[31m\u{202e}";
    let out = Agentrun::bare()
        .args(&["schema".to_string(), evil.to_string(), "startAgent".into()])
        .await;
    assert_eq!(out.code, 2, "{}", out.all());
    assert!(
        out.stderr.starts_with("error: invalid value '"),
        "{}",
        out.stderr
    );
    for c in ['\u{1b}', '\u{7}', '\u{202e}'] {
        assert!(!out.stderr.contains(c), "{:?}", out.stderr);
    }
    assert!(out.stderr.contains("\\u{202e}"), "{}", out.stderr);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_base_url_holding_a_key_is_refused_without_repeating_the_key() {
    for (url, canary) in [
        (
            "http://127.0.0.1:9/api/public/v1?apiKey=canary-q-1",
            "canary-q-1",
        ),
        (
            "http://qa:canary-u-2@127.0.0.1:9/api/public/v1",
            "canary-u-2",
        ),
    ] {
        let by_variable = Agentrun::bare()
            .env("BUILDPRINT_TOKEN", "bp_test")
            .env("BUILDPRINT_BASE_URL", url)
            .line("buildprint tests list --app-id demo-app")
            .await;
        let by_flag = Agentrun::bare()
            .env("BUILDPRINT_TOKEN", "bp_test")
            .args(&[
                "buildprint".into(),
                "tests".into(),
                "list".into(),
                "--app-id".into(),
                "demo-app".into(),
                "--base-url".into(),
                url.into(),
            ])
            .await;
        for out in [by_variable, by_flag] {
            assert_eq!(out.code, 2, "{}", out.all());
            assert!(!out.all().contains(canary), "{}", out.all());
            assert!(
                out.stderr
                    .contains("`http://127.0.0.1:9/api/public/v1` is not an http(s) URL"),
                "{}",
                out.stderr
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_prompt_of_900_kb_makes_a_short_branch_name() {
    let emulator = manual_emulator().await;
    let dir = tempfile::tempdir().unwrap();
    let prompt = "Refactor".repeat(115_000);
    std::fs::write(dir.path().join("prompt.md"), &prompt).unwrap();
    let out = Agentrun::against(&emulator)
        .dir(dir.path())
        .line("builder run --prompt-file prompt.md --user-email developer@yourcompany.com")
        .await;
    assert_eq!(out.code, 0, "{}", out.all());
    let url = out.stdout.trim_end();
    assert!(url.starts_with("http://"), "{url}");
    assert!(
        url.len() < 200,
        "a {}-byte URL: {}…",
        url.len(),
        &url[..200]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_answer_over_the_limit_fails_clearly_with_or_without_a_length() {
    let body = format!(
        r#"{{"tests": [{}]}}"#,
        vec![r#""padding""#; 200_000].join(",")
    );
    let with_length = {
        let body = body.clone();
        TestServer::start(move |_| Reply::json(200, body.clone()))
    };
    let without_length = {
        let mut raw =
            b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nconnection: close\r\n\r\n"
                .to_vec();
        raw.extend_from_slice(body.as_bytes());
        TestServer::start(move |_| Reply::Raw(raw.clone()))
    };
    for server in [&with_length, &without_length] {
        let out = Agentrun::bare()
            .env("BUILDPRINT_TOKEN", "bp_test")
            .env(
                "BUILDPRINT_BASE_URL",
                &format!("{}/api/public/v1", server.url()),
            )
            .line("buildprint tests list --app-id demo-app --json --max-answer-bytes 1000000")
            .await;
        assert_eq!(out.code, 3, "{}", out.all());
        assert!(
            out.stderr.starts_with(
                "error: GET /tests: the answer is larger than 1000000 bytes, the most this client reads"
            ),
            "{}",
            out.stderr
        );
        assert!(out.stdout.is_empty());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_branch_is_branch_id_everywhere_and_the_old_spelling_still_works() {
    let emulator = manual_emulator().await;
    let cli = Agentrun::against(&emulator);
    let help = cli.line("buildprint versions sync --help").await;
    assert!(
        help.stdout.contains("--branch-id <BRANCH_ID>"),
        "{}",
        help.stdout
    );
    assert!(!help.stdout.contains("--version"), "{}", help.stdout);
    let runs = cli.line("buildprint test-group-runs start --help").await;
    assert!(runs.stdout.contains("--branch-id"), "{}", runs.stdout);
    for spelling in ["--branch-id", "--version"] {
        let out = cli
            .line(&format!(
                "buildprint versions list --app-id demo-app {spelling} main --json"
            ))
            .await;
        assert_eq!(out.code, 0, "{spelling}: {}", out.all());
        assert!(out.json()["versions"].is_array());
    }
}
