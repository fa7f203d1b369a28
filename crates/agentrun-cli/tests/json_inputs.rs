//! JSON the command reads (`--body`, `--steps`) is checked against the operation's schema before
//! a request is built: a bad input exits 2, names the JSON pointer, what was expected and what
//! was found, and nothing reaches the server. `agentrun schema` prints those same schemas.

mod support;

use support::{Agentrun, manual_emulator, sh};
use test_server::{Reply, TestServer};

/// The quick start's body, as Buildprint's getting-started page shows it (appId aside).
const START: &str = r#"{"appId": "demo-app", "prompt": "Inspect the checkout flow and tell me why the webhook retry path fails.", "model": "buildprint-gpt-5.3-codex"}"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_invalid_input_exits_2_says_where_and_sends_nothing() {
    let emulator = manual_emulator().await;
    let agentrun = Agentrun::against(&emulator);
    let cases: [(&str, &str, &[&str]); 9] = [
        (
            r#"buildprint agents start --body '{"appId": 7, "model": "buildprint-gpt-5.3-codex"}'"#,
            "",
            &[
                "POST /agents --body",
                "at /appId: expected a string, found the number 7",
                "at /prompt: expected the required property \"prompt\", found nothing",
            ],
        ),
        (
            "buildprint agents start --body -",
            r#"{"appId": "demo-app", "prompt": "Check", "model": ["buildprint-gpt-5.3-codex"]}"#,
            &[
                "POST /agents --body stdin",
                "at /model: expected a string such as",
                "found an array of 1 item",
            ],
        ),
        (
            "buildprint agents start --body '[]'",
            "",
            &["at /: expected an object, found an array of 0 items"],
        ),
        (
            r#"buildprint agents start --body '{"appId": '"#,
            "",
            &["--body is not JSON (line 1, column 10"],
        ),
        (
            r#"buildprint tests create --app-id demo-app --name Checkout --steps '[{"stepType": "test", "instruction": "Pay", "onFailure": 3}]'"#,
            "",
            &[
                "POST /tests --steps",
                "at /0/onFailure: expected a string such as \"stop\", \"continue\"",
                "found the number 3",
            ],
        ),
        (
            // A whole body holds every required field: a boolean left out is not taken as false.
            r#"buildprint test-users update --test-user-id tu_000001 --body '{"name": "QA", "database": "test"}'"#,
            "",
            &["at /isDisabled: expected the required property \"isDisabled\", found nothing"],
        ),
        (
            r#"builder run --body '{"userEmail": "developer@yourcompany.com", "userMessage": {"userPrompt": "Add a page", "attachments": [{"type": "url", "value": 3}]}}'"#,
            "",
            &[
                "POST /agents/run --body",
                "at /userMessage/attachments/0/value: expected a string, found the number 3",
            ],
        ),
        (
            // "Either userId or userEmail is required": the schema's anyOf says so.
            r#"builder run --body '{"userMessage": {"userPrompt": "Add a page"}}'"#,
            "",
            &[
                "at /: expected the required property \"userId\", or the required property \"userEmail\"",
            ],
        ),
        (
            // Optional is not nullable: `null` is not a permission.
            r#"buildprint agents start --body '{"appId": "demo-app", "prompt": "Check", "model": "buildprint-gpt-5.3-codex", "permission": null}'"#,
            "",
            &[
                "at /permission: expected a string such as \"read_only\", \"allow_edits\", found null",
            ],
        ),
    ];
    for (line, stdin, says) in cases {
        let out = agentrun.clone().stdin(stdin).line(line).await;
        assert_eq!(out.code, 2, "agentrun {line}: {out:?}");
        for said in says {
            assert!(
                out.stderr.contains(said),
                "agentrun {line}: lacks {said:?}: {}",
                out.stderr
            );
        }
        assert_eq!(out.stderr.lines().count(), 1, "one line: {}", out.stderr);
        assert_eq!(
            emulator.received().requests,
            0,
            "agentrun {line} sent a request"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_secret_in_a_rejected_body_is_not_repeated() {
    let emulator = manual_emulator().await;
    for password in [r#"["canary-pw-1"]"#, "4242424242"] {
        let line = format!(
            r#"-vv buildprint test-users create --body '{{"appId": "demo-app", "name": "QA", "database": "test", "password": {password}}}'"#
        );
        let out = sh(&emulator, &line).await;
        assert_eq!(out.code, 2, "{out:?}");
        assert!(
            out.stderr
                .contains("at /password: expected a string or null, found "),
            "{}",
            out.stderr
        );
        assert!(
            !out.all().contains("canary-pw-1") && !out.all().contains("4242424242"),
            "{out:?}"
        );
    }
    assert_eq!(emulator.received().requests, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_body_from_a_file_or_stdin_is_sent_and_flags_replace_its_fields() {
    let emulator = manual_emulator().await;
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("start.json"), START).unwrap();
    let agentrun = Agentrun::against(&emulator).dir(dir.path());

    let out = agentrun
        .line("--json buildprint agents start --body @start.json")
        .await;
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(out.json()["appId"], "demo-app");
    assert_eq!(emulator.received().agents_started, 1);

    // The body lacks a required field the flags give; the flag's name wins over the body's.
    let body = r#"{"appId": "demo-app", "name": "From the file", "steps": [{"stepType": "test", "instruction": "Open the shop", "onFailure": "stop"}]}"#;
    let created = agentrun
        .clone()
        .stdin(body)
        .line("--json buildprint tests create --body - --name 'From a flag'")
        .await;
    assert_eq!(created.code, 0, "{created:?}");
    let id = created.json()["testId"].as_str().unwrap().to_string();
    let test = sh(
        &emulator,
        &format!("--json buildprint tests get --test-id {id}"),
    )
    .await;
    assert_eq!(test.json()["name"], "From a flag", "{test:?}");
    assert_eq!(test.json()["steps"][0]["instruction"], "Open the shop");

    let builder = agentrun
        .line(r#"--json builder run --body '{"userEmail": "developer@yourcompany.com", "userMessage": {"userPrompt": "Build a landing page"}}'"#)
        .await;
    assert_eq!(builder.code, 0, "{builder:?}");
    assert_eq!(builder.json()["status"], "processing");
    assert_eq!(emulator.received().builder_runs, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_field_the_spec_does_not_document_is_sent_as_given_with_a_warning() {
    let server = TestServer::start(|_| {
        Reply::json(
            202,
            r#"{"agentId": "ag_1", "appId": "demo-app", "status": "queued", "createdAt": 1700000000000, "kind": "agent", "projectId": "pr_1"}"#,
        )
    });
    let out = Agentrun::bare()
        .env("BUILDPRINT_BASE_URL", &format!("{}/api/public/v1", server.url()))
        .env("BUILDPRINT_TOKEN", "bp_canary")
        .line(r#"buildprint agents start --body '{"appId": "demo-app", "prompt": "Check", "model": "buildprint-gpt-5.3-codex", "priority": "high"}'"#)
        .await;
    assert_eq!(out.code, 0, "{out:?}");
    assert!(
        out.stderr.contains(
            "warning: --body: `priority` is not in POST /agents's documented body; sent as given"
        ),
        "{}",
        out.stderr
    );
    let sent: serde_json::Value = serde_json::from_slice(&server.requests()[0].body).unwrap();
    assert_eq!(sent["priority"], "high", "{sent}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_model_in_the_body_is_held_to_what_this_build_knows_as_a_flag_is() {
    let emulator = manual_emulator().await;
    let body = r#"{"appId": "demo-app", "prompt": "Check", "model": "buildprint-gpt-9"}"#;
    let strict = sh(
        &emulator,
        &format!("buildprint agents start --strict-model --body '{body}'"),
    )
    .await;
    assert_eq!(strict.code, 2, "{strict:?}");
    assert!(
        strict
            .stderr
            .contains("the model `buildprint-gpt-9` is not one this build"),
        "{}",
        strict.stderr
    );
    assert_eq!(emulator.received().requests, 0);
    // Without --strict-model it is sent with a warning, and the API decides (the emulator: 400).
    let sent = sh(
        &emulator,
        &format!("buildprint agents start --body '{body}'"),
    )
    .await;
    assert!(
        sent.stderr
            .starts_with("warning: the model `buildprint-gpt-9` is not one this build"),
        "{}",
        sent.stderr
    );
    assert_eq!(sent.code, 3, "{sent:?}");
    assert_eq!(emulator.received().requests, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn schema_prints_what_the_body_is_checked_against() {
    let agentrun = Agentrun::bare();
    let out = agentrun.line("schema buildprint start-agent").await;
    assert_eq!(out.code, 0, "{out:?}");
    let schema = out.json();
    assert_eq!(schema["$schema"], "http://json-schema.org/draft-07/schema#");
    let required: Vec<&str> = schema["required"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|v| v.as_str())
        .collect();
    assert_eq!(required, ["appId", "model", "prompt"]);
    // The open enum: its known values, and any other string.
    let model = &schema["definitions"]["SelectableModel"]["anyOf"];
    assert!(
        model[0]["enum"]
            .as_array()
            .unwrap()
            .contains(&"buildprint-gpt-5.3-codex".into()),
        "{model}"
    );
    assert_eq!(model[1], serde_json::json!({"type": "string"}));

    let answer = agentrun.line("schema builder runAgent --response").await;
    assert_eq!(answer.code, 0, "{answer:?}");
    assert_eq!(answer.json()["title"], "AgentRunAccepted");

    for (line, says) in [
        (
            "schema buildprint getAgent",
            "getAgent (GET /agents/{agentId}) has no schema to print: it takes no JSON body; --response prints its answer's schema",
        ),
        (
            "schema builder startAgent",
            "builder has no operation `startAgent`; give an operationId: runAgent",
        ),
    ] {
        let out = agentrun.line(line).await;
        assert_eq!(out.code, 2, "{out:?}");
        assert!(out.stderr.contains(says), "{}", out.stderr);
    }
}
