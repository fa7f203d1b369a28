//! An update needs only what changes: the API replaces the whole resource, so the fields the
//! command line leaves out are read first and sent back as they are, trimmed to what the
//! update's body documents. `--body` sends a whole body as given, and a dry run shows the
//! whole body after reading, without writing.

// Test code: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used)]

mod support;

use serde_json::{Value, json};
use support::{Agentrun, manual_emulator};

/// `value` without the keys the API writes itself (IDs, positions, times).
fn written(value: &Value) -> Value {
    match value {
        Value::Object(object) => Value::Object(
            object
                .iter()
                .filter(|(key, _)| !["id", "position", "updatedAt"].contains(&key.as_str()))
                .map(|(key, item)| (key.clone(), written(item)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(written).collect()),
        other => other.clone(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn renaming_a_test_keeps_its_steps_kind_and_users() {
    let emulator = manual_emulator().await;
    let cli = Agentrun::against(&emulator);
    let before = cli
        .line("buildprint tests get --test-id ts_000001 --json")
        .await
        .json();
    assert_eq!(before["isComponent"], json!(true), "{before}");
    assert!(!before["steps"].as_array().unwrap().is_empty());

    let out = cli
        .line("buildprint tests update --test-id ts_000001 --name 'Sign in'")
        .await;
    assert_eq!(out.code, 0, "{}", out.all());
    assert_eq!(out.stdout.trim_end(), "Updated test ts_000001.");

    let after = cli
        .line("buildprint tests get --test-id ts_000001 --json")
        .await
        .json();
    assert_eq!(after["name"], json!("Sign in"));
    let mut expected = written(&before);
    expected["name"] = json!("Sign in");
    assert_eq!(written(&after), expected, "only the name changed");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_group_keeps_its_members_and_a_user_its_fields() {
    let emulator = manual_emulator().await;
    let cli = Agentrun::against(&emulator);
    let group = cli
        .line("buildprint test-groups get --group-id tg_000001 --json")
        .await
        .json();
    let members = |group: &Value| {
        group["members"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["testId"].clone())
            .collect::<Vec<_>>()
    };
    assert!(!members(&group).is_empty());
    let out = cli
        .line("buildprint test-groups update --group-id tg_000001 --name Nightly")
        .await;
    assert_eq!(out.code, 0, "{}", out.all());
    let renamed = cli
        .line("buildprint test-groups get --group-id tg_000001 --json")
        .await
        .json();
    assert_eq!(renamed["name"], json!("Nightly"));
    assert_eq!(members(&renamed), members(&group));
    assert_eq!(renamed["description"], group["description"]);

    let user = cli
        .line("buildprint test-users get --test-user-id tu_000001 --json")
        .await
        .json();
    let out = cli
        .line("buildprint test-users update --test-user-id tu_000001 --is-disabled")
        .await;
    assert_eq!(out.code, 0, "{}", out.all());
    let disabled = cli
        .line("buildprint test-users get --test-user-id tu_000001 --json")
        .await
        .json();
    assert_eq!(disabled["isDisabled"], json!(true));
    for field in ["name", "email", "database", "description"] {
        assert_eq!(disabled[field], user[field], "{field}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dry_run_reads_and_shows_the_whole_body_but_writes_nothing() {
    let emulator = manual_emulator().await;
    let cli = Agentrun::against(&emulator);
    let out = cli
        .line("buildprint tests update --test-id ts_000001 --name 'Sign in' --dry-run")
        .await;
    assert_eq!(out.code, 0, "{}", out.all());
    assert!(
        out.stdout.starts_with(&format!(
            "PUT {}/tests/ts_000001\n",
            emulator.buildprint_url()
        )),
        "{}",
        out.stdout
    );
    let body: Value = serde_json::from_str(out.stdout.split("\n\n").nth(1).unwrap()).unwrap();
    assert_eq!(body["name"], json!("Sign in"));
    assert_eq!(body["isComponent"], json!(true));
    let steps = body["steps"].as_array().unwrap();
    assert!(!steps.is_empty());
    for step in steps {
        // What the answer adds and the update's body does not document stays out.
        assert!(
            step.get("id").is_none() && step.get("position").is_none(),
            "{step}"
        );
        assert!(step.get("kind").is_some() || step.get("stepType").is_some());
    }
    let received = emulator.received();
    assert_eq!(received.requests, 1, "{:?}", received.by_route);
    assert!(
        received
            .by_route
            .keys()
            .all(|route| route.starts_with("GET ")),
        "{:?}",
        received.by_route
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_whole_body_is_sent_as_given_and_checked_without_reading() {
    let emulator = manual_emulator().await;
    let cli = Agentrun::against(&emulator);
    let out = cli
        .line(r#"buildprint test-users update --test-user-id tu_000001 --body '{"name": "QA"}'"#)
        .await;
    assert_eq!(out.code, 2, "{}", out.all());
    assert!(
        out.stderr.contains("the required property \"database\""),
        "{}",
        out.stderr
    );
    assert_eq!(emulator.received().requests, 0, "nothing was read or sent");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn updating_what_does_not_exist_says_so_and_writes_nothing() {
    let emulator = manual_emulator().await;
    let out = Agentrun::against(&emulator)
        .line("buildprint tests update --test-id ts_404 --name x")
        .await;
    assert_eq!(out.code, 3, "{}", out.all());
    assert!(
        out.stderr
            .starts_with("error: GET /tests/{testId}: 404 Not Found"),
        "{}",
        out.stderr
    );
    assert!(
        emulator
            .received()
            .by_route
            .keys()
            .all(|route| route.starts_with("GET ")),
        "no write"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_step_needs_kind_or_step_type_before_anything_is_sent() {
    let emulator = manual_emulator().await;
    let cli = Agentrun::against(&emulator);
    for line in [
        r#"buildprint tests create --app-id demo-app --name Shop --steps '[{"instruction": "Open the shop", "onFailure": "stop"}]'"#,
        r#"buildprint tests create --app-id demo-app --body '{"name": "Shop", "steps": [{"instruction": "Open the shop"}]}'"#,
    ] {
        let out = cli.line(line).await;
        assert_eq!(out.code, 2, "{}", out.all());
        assert!(
            out.stderr.contains(
                "expected the required property \"kind\", or the required property \"stepType\""
            ),
            "{}",
            out.stderr
        );
    }
    assert_eq!(emulator.received().requests, 0, "nothing was sent");
    for step in [r#"{"kind": "step""#, r#"{"stepType": "test""#] {
        let out = cli
            .line(&format!(
                r#"buildprint tests create --app-id demo-app --name Shop --steps '[{step}, "instruction": "Open the shop", "onFailure": "stop"}}]'"#
            ))
            .await;
        assert_eq!(out.code, 0, "{step}: {}", out.all());
    }
}
