//! `--all` follows a list's cursor to the last page and writes every item as one list (NDJSON:
//! an item a line), `--limit` capping the total; the next-page hint of one page goes to stderr.

// Test code: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used)]

mod support;

use serde_json::Value;
use support::{Agentrun, manual_emulator};

const LIST: &str = "buildprint versions list --app-id demo-app --version main";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn all_is_every_page_followed_by_hand() {
    let emulator = manual_emulator().await;
    let cli = Agentrun::against(&emulator);

    // By hand: a page of one at a time, the cursor each names.
    let mut by_hand = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let line = match &cursor {
            Some(c) => format!("{LIST} --limit 1 --json --cursor {c}"),
            None => format!("{LIST} --limit 1 --json"),
        };
        let page = cli.line(&line).await;
        assert_eq!(page.code, 0, "{}", page.all());
        let page = page.json();
        by_hand.extend(page["versions"].as_array().unwrap().iter().cloned());
        match page["nextCursor"].as_str() {
            Some(next) => cursor = Some(next.to_string()),
            None => break,
        }
    }
    assert!(by_hand.len() > 1, "the emulator seeds several versions");

    let all = cli.line(&format!("{LIST} --all --json")).await;
    assert_eq!(all.code, 0, "{}", all.all());
    assert_eq!(all.json(), Value::Array(by_hand.clone()));

    let capped = cli.line(&format!("{LIST} --all --limit 1 --json")).await;
    assert_eq!(capped.json(), Value::Array(by_hand[..1].to_vec()));

    let lines = cli.line(&format!("{LIST} --all --output ndjson")).await;
    assert_eq!(lines.code, 0, "{}", lines.all());
    let items: Vec<Value> = lines
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(items, by_hand);

    let both = cli.line(&format!("{LIST} --all --cursor c1")).await;
    assert_eq!(both.code, 2, "{}", both.all());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_page_keeps_stdout_for_the_list_and_hints_on_stderr() {
    let emulator = manual_emulator().await;
    let out = Agentrun::against(&emulator)
        .line(&format!("{LIST} --limit 1"))
        .await;
    assert_eq!(out.code, 0, "{}", out.all());
    assert!(!out.stdout.contains("more:"), "{}", out.stdout);
    assert_eq!(
        out.stderr.trim_end(),
        "more: --cursor c1 (or --all for every page)"
    );
}
