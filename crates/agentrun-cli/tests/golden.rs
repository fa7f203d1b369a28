//! Golden outputs: every Builder and Buildprint operation, run by the real binary against an
//! emulator whose clock moves only when the test says, in text and in `--json`.

mod support;

use std::time::Duration;

use support::{agentrun, manual_emulator};

/// One step of the tour: a command, or moving the emulator's clock on.
enum Step<'a> {
    Run(Vec<&'a str>),
    Advance(Duration),
}

const HOUR: Duration = Duration::from_secs(3600);

const STEPS_JSON: &str = r#"[{"stepType": "test", "instruction": "Open the shop", "onFailure": "stop"}, {"stepType": "test", "instruction": "See the lamps", "onFailure": "continue"}]"#;

fn tour(png: &str) -> Vec<Step<'_>> {
    use Step::{Advance, Run};
    vec![
        Run(vec![
            "builder",
            "run",
            "--prompt",
            "Add a pricing page",
            "--attach",
            png,
            "--url",
            "https://example.com/pricing",
            "--branch",
            "pricing",
            "--user-email",
            "developer@yourcompany.com",
        ]),
        Run(vec![
            "buildprint",
            "agents",
            "start",
            "--app-id",
            "demo-app",
            "--model",
            "buildprint-gpt-5.6-sol",
            "--prompt",
            "Why does checkout fail for guests?",
            "--permission",
            "read_only",
        ]),
        Advance(HOUR),
        Run(vec![
            "buildprint",
            "agents",
            "get",
            "--agent-id",
            "ag_000003",
        ]),
        Run(vec![
            "buildprint",
            "agents",
            "message",
            "--agent-id",
            "ag_000003",
            "--prompt",
            "And for members?",
        ]),
        Advance(HOUR),
        Run(vec![
            "buildprint",
            "agents",
            "get",
            "--agent-id",
            "ag_000003",
            "--history-limit",
            "2",
        ]),
        Run(vec![
            "buildprint",
            "reviews",
            "list",
            "--app-id",
            "demo-app",
        ]),
        Run(vec![
            "buildprint",
            "reviews",
            "create",
            "--app-id",
            "demo-app",
            "--from-version",
            "feature-checkout",
            "--to-version",
            "main",
            "--title",
            "Guest checkout fix",
        ]),
        Advance(HOUR),
        Run(vec![
            "buildprint",
            "reviews",
            "get",
            "--review-id",
            "rv_000003",
        ]),
        Run(vec![
            "buildprint",
            "automations",
            "list",
            "--app-id",
            "demo-app",
        ]),
        Run(vec![
            "buildprint",
            "automations",
            "run",
            "--automation-id",
            "au_000001",
        ]),
        Run(vec!["buildprint", "tests", "list", "--app-id", "demo-app"]),
        Run(vec![
            "buildprint",
            "tests",
            "create",
            "--app-id",
            "demo-app",
            "--name",
            "Lamps",
            "--steps",
            STEPS_JSON,
        ]),
        Run(vec!["buildprint", "tests", "get", "--test-id", "ts_000004"]),
        Run(vec![
            "buildprint",
            "tests",
            "update",
            "--test-id",
            "ts_000004",
            "--name",
            "Lamps and shades",
            "--steps",
            STEPS_JSON,
            "--viewport-preset",
            "mobile",
        ]),
        Run(vec![
            "buildprint",
            "test-groups",
            "list",
            "--app-id",
            "demo-app",
        ]),
        Run(vec![
            "buildprint",
            "test-groups",
            "create",
            "--app-id",
            "demo-app",
            "--name",
            "Lamps",
            "--test-ids",
            "ts_000004",
        ]),
        Run(vec![
            "buildprint",
            "test-groups",
            "get",
            "--group-id",
            "tg_000002",
        ]),
        Run(vec![
            "buildprint",
            "test-groups",
            "update",
            "--group-id",
            "tg_000002",
            "--name",
            "Lighting",
            "--test-ids",
            "ts_000004,ts_000003",
        ]),
        Run(vec![
            "buildprint",
            "test-users",
            "list",
            "--app-id",
            "demo-app",
        ]),
        Run(vec![
            "buildprint",
            "test-users",
            "create",
            "--app-id",
            "demo-app",
            "--name",
            "Guest",
            "--email",
            "guest@example.com",
            "--database",
            "test",
        ]),
        Run(vec![
            "buildprint",
            "test-users",
            "get",
            "--test-user-id",
            "tu_000003",
        ]),
        Run(vec![
            "buildprint",
            "test-users",
            "update",
            "--test-user-id",
            "tu_000003",
            "--name",
            "Guest",
            "--database",
            "test",
            "--is-disabled",
        ]),
        Run(vec![
            "buildprint",
            "test-runs",
            "start",
            "--test-id",
            "ts_000004",
            "--branch-id",
            "main",
        ]),
        Run(vec![
            "buildprint",
            "test-group-runs",
            "start",
            "--group-id",
            "tg_000001",
            "--branch-id",
            "main",
        ]),
        Advance(HOUR),
        Run(vec![
            "buildprint",
            "test-runs",
            "get",
            "--run-id",
            "tr_000001",
        ]),
        Run(vec![
            "buildprint",
            "test-group-runs",
            "get",
            "--group-run-id",
            "gr_000001",
        ]),
        Run(vec![
            "buildprint",
            "versions",
            "list",
            "--app-id",
            "demo-app",
            "--version",
            "main",
            "--limit",
            "1",
        ]),
        Run(vec![
            "buildprint",
            "versions",
            "sync",
            "--app-id",
            "demo-app",
            "--version",
            "main",
        ]),
        Advance(HOUR),
        Run(vec![
            "buildprint",
            "versions",
            "status",
            "--app-id",
            "demo-app",
            "--version-id",
            "ver_000004",
        ]),
        Run(vec![
            "buildprint",
            "test-groups",
            "delete",
            "--group-id",
            "tg_000002",
        ]),
        Run(vec![
            "buildprint",
            "test-users",
            "delete",
            "--test-user-id",
            "tu_000003",
        ]),
        Run(vec![
            "buildprint",
            "tests",
            "delete",
            "--test-id",
            "ts_000004",
        ]),
    ]
}

/// Runs the tour and writes what each command printed, the emulator's address made stable.
async fn transcript(json: bool) -> String {
    let emulator = manual_emulator().await;
    let dir = tempfile::tempdir().expect("a temporary directory");
    let png = dir.path().join("mockup.png");
    std::fs::write(&png, b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR").expect("the mockup is written");
    let png = png.to_string_lossy().into_owned();
    let mut out = String::new();
    for step in tour(&png) {
        match step {
            Step::Advance(by) => {
                emulator.clock().advance(by);
                out.push_str(&format!("# {} later\n\n", humantime::format_duration(by)));
            }
            Step::Run(args) => {
                let mut args = args;
                if json {
                    args.insert(0, "--json");
                }
                let result = agentrun(&emulator, &args).await;
                assert_eq!(
                    result.code, 0,
                    "agentrun {args:?} failed: {}",
                    result.stderr
                );
                if json {
                    // Each command's stdout is one JSON document, for `jq`.
                    serde_json::from_str::<serde_json::Value>(&result.stdout).unwrap_or_else(|e| {
                        panic!(
                            "agentrun {args:?} printed no JSON document ({e}): {}",
                            result.stdout
                        )
                    });
                }
                let shown: Vec<String> = args.iter().map(|a| shell_word(a, &png)).collect();
                out.push_str(&format!(
                    "$ agentrun {}\n{}",
                    shown.join(" "),
                    result.stdout
                ));
                if !result.stderr.is_empty() {
                    out.push_str(&format!("(stderr) {}", result.stderr));
                }
                out.push('\n');
            }
        }
    }
    out.replace(&emulator.url(), "http://EMULATOR")
}

/// An argument as a shell would need it, the mockup's temporary path shown as `mockup.png`.
fn shell_word(arg: &str, png: &str) -> String {
    if arg == png {
        "mockup.png".into()
    } else if arg.contains([' ', '"', '?', '[', '{']) {
        format!("'{arg}'")
    } else {
        arg.into()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_operation_as_text() {
    insta::assert_snapshot!(transcript(false).await);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_operation_as_json() {
    let transcript = transcript(true).await;
    insta::assert_snapshot!(transcript);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn help_lists_examples_and_exit_codes() {
    let emulator = manual_emulator().await;
    let help = agentrun(&emulator, &["--help"]).await;
    assert_eq!(help.code, 0);
    insta::assert_snapshot!(help.stdout);
}
