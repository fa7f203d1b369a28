//! Golden outputs: every Builder and Buildprint operation, run by the real binary against an
//! emulator whose clock moves only when the test says, in text and in `--json`.

mod support;

use std::time::Duration;

use support::{Agentrun, manual_emulator};

/// The tour: command lines (after `agentrun`), and `+1h` to move the emulator's clock on. It
/// runs in a directory that holds `mockup.png`.
const TOUR: &[&str] = &[
    "builder run --prompt 'Add a pricing page' --attach mockup.png --url https://example.com/pricing --branch pricing --user-email developer@yourcompany.com",
    "buildprint agents start --app-id demo-app --model buildprint-gpt-5.6-sol --prompt 'Why does checkout fail for guests?' --permission read_only",
    "+1h",
    "buildprint agents get --agent-id ag_000003",
    "buildprint agents message --agent-id ag_000003 --prompt 'And for members?'",
    "+1h",
    "buildprint agents get --agent-id ag_000003 --history-limit 2",
    "buildprint reviews list --app-id demo-app",
    "buildprint reviews create --app-id demo-app --from-version feature-checkout --to-version main --title 'Guest checkout fix'",
    "+1h",
    "buildprint reviews get --review-id rv_000003",
    "buildprint automations list --app-id demo-app",
    "buildprint automations run --automation-id au_000001",
    "buildprint tests list --app-id demo-app",
    r#"buildprint tests create --app-id demo-app --name Lamps --steps '[{"stepType": "test", "instruction": "Open the shop", "onFailure": "stop"}, {"stepType": "test", "instruction": "See the lamps", "onFailure": "continue"}]'"#,
    "buildprint tests get --test-id ts_000004",
    r#"buildprint tests update --test-id ts_000004 --name 'Lamps and shades' --viewport-preset mobile --steps '[{"stepType": "test", "instruction": "Open the shop", "onFailure": "stop"}, {"stepType": "test", "instruction": "See the lamps", "onFailure": "continue"}]'"#,
    "buildprint test-groups list --app-id demo-app",
    "buildprint test-groups create --app-id demo-app --name Lamps --test-ids ts_000004",
    "buildprint test-groups get --group-id tg_000002",
    "buildprint test-groups update --group-id tg_000002 --name Lighting --test-ids ts_000004,ts_000003",
    "buildprint test-users list --app-id demo-app",
    "buildprint test-users create --app-id demo-app --name Guest --email guest@example.com --database test",
    "buildprint test-users get --test-user-id tu_000003",
    "buildprint test-users update --test-user-id tu_000003 --name Guest --database test --is-disabled",
    "buildprint test-runs start --test-id ts_000004 --branch-id main",
    "buildprint test-group-runs start --group-id tg_000001 --branch-id main",
    "+1h",
    "buildprint test-runs get --run-id tr_000001",
    "buildprint test-group-runs get --group-run-id gr_000001",
    "buildprint versions list --app-id demo-app --version main --limit 1",
    "buildprint versions sync --app-id demo-app --version main",
    "+1h",
    "buildprint versions status --app-id demo-app --version-id ver_000004",
    "buildprint test-groups delete --group-id tg_000002",
    "buildprint test-users delete --test-user-id tu_000003",
    "buildprint tests delete --test-id ts_000004",
];

/// Runs the tour and writes what each command printed, the emulator's address made stable.
async fn transcript(json: bool) -> String {
    let emulator = manual_emulator().await;
    let dir = tempfile::tempdir().expect("a temporary directory");
    std::fs::write(
        dir.path().join("mockup.png"),
        b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR",
    )
    .expect("the mockup is written");
    let agentrun = Agentrun::against(&emulator).dir(dir.path());
    let mut out = String::new();
    for line in TOUR {
        if *line == "+1h" {
            emulator.clock().advance(Duration::from_secs(3600));
            out.push_str("# 1h later\n\n");
            continue;
        }
        let line = if json {
            format!("--json {line}")
        } else {
            line.to_string()
        };
        let result = agentrun.line(&line).await;
        assert_eq!(result.code, 0, "agentrun {line} failed: {}", result.stderr);
        if json {
            // Each command's stdout is one JSON document, for `jq`.
            result.json();
        }
        out.push_str(&format!("$ agentrun {line}\n{}", result.stdout));
        if !result.stderr.is_empty() {
            out.push_str(&format!("(stderr) {}", result.stderr));
        }
        out.push('\n');
    }
    out.replace(&emulator.url(), "http://EMULATOR")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_operation_as_text() {
    insta::assert_snapshot!(transcript(false).await);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_operation_as_json() {
    insta::assert_snapshot!(transcript(true).await);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn help_lists_examples_and_exit_codes() {
    let help = Agentrun::bare().line("--help").await;
    assert_eq!(help.code, 0);
    insta::assert_snapshot!(help.stdout);
}
