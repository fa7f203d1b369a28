//! `--output json|yaml|ndjson|table|text` and `--jq`: the same answer in each format, a real jq
//! filter over it (jaq), and a filter that does not parse refused before anything is sent.

// Test code: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used)]

mod support;

use serde_json::Value;
use support::{Agentrun, manual_emulator};

const LIST: &str = "buildprint tests list --app-id demo-app";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_format_writes_the_same_answer_and_jq_filters_it() {
    let emulator = manual_emulator().await;
    let cli = Agentrun::against(&emulator);
    let json = cli.line(&format!("{LIST} --json")).await;
    assert_eq!(json.code, 0, "{}", json.all());
    let answer = json.json();
    let tests = answer["tests"].as_array().unwrap().clone();
    assert!(tests.len() > 1);

    let long = cli.line(&format!("{LIST} --output json")).await;
    assert_eq!(long.stdout, json.stdout);

    let yaml = cli.line(&format!("{LIST} --output yaml")).await;
    assert_eq!(yaml.code, 0, "{}", yaml.all());
    let read: Value = yaml_serde::from_str(&yaml.stdout).unwrap();
    assert_eq!(read, answer);

    let ids = cli.line(&format!("{LIST} --jq .tests[].id")).await;
    assert_eq!(ids.code, 0, "{}", ids.all());
    let expected: Vec<String> = tests.iter().map(|t| t["id"].to_string()).collect();
    assert_eq!(ids.stdout.lines().collect::<Vec<_>>(), expected);

    let lines = cli
        .line(&format!(
            "{LIST} --output ndjson --jq '.tests[] | {{id, name}}'"
        ))
        .await;
    assert_eq!(lines.code, 0, "{}", lines.all());
    let objects: Vec<Value> = lines
        .stdout
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    assert_eq!(objects.len(), tests.len());
    assert_eq!(objects[0]["id"], tests[0]["id"]);
    assert_eq!(objects[0].as_object().unwrap().len(), 2);

    // text and table are the renderers: a table of the tests.
    let table = cli.line(&format!("{LIST} --output table")).await;
    let text = cli.line(LIST).await;
    assert_eq!(table.stdout, text.stdout);
    assert!(text.stdout.starts_with("ID"), "{}", text.stdout);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_filter_that_does_not_parse_or_names_nothing_is_refused_before_sending() {
    let emulator = manual_emulator().await;
    let cli = Agentrun::against(&emulator);
    for (filter, says) in [
        (".tests[", "expected closing bracket at column 8"),
        (".tests | nosuch", "no filter `nosuch`"),
    ] {
        let out = cli
            .args(&[
                "buildprint".into(),
                "tests".into(),
                "list".into(),
                "--app-id".into(),
                "demo-app".into(),
                "--jq".into(),
                filter.into(),
            ])
            .await;
        assert_eq!(out.code, 2, "{}", out.all());
        assert_eq!(
            out.stderr.trim_end(),
            format!("error: --jq `{filter}` is not a jq filter: {says}")
        );
    }
    assert_eq!(emulator.received().requests, 0, "nothing is sent");
    let both = cli.line(&format!("{LIST} --json --output yaml")).await;
    assert_eq!(both.code, 2, "{}", both.all());
}
