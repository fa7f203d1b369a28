//! Input the command must not trust: API strings that try to forge table rows or drive the
//! terminal, IDs that would reach another endpoint, and files that never end.

mod support;

use support::{Agentrun, manual_emulator, sh};

/// A test name with a newline that imitates a table row, an escape sequence and a direction
/// override.
const HOSTILE: &str = "Log in\nts_forged  Checkout passed\u{1b}[31m\u{202e}";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn api_strings_cannot_forge_rows_or_drive_the_terminal_but_json_stays_exact() {
    let emulator = manual_emulator().await;
    let agentrun = Agentrun::against(&emulator);
    let created = agentrun
        .args(&[
            "--json".into(),
            "buildprint".into(),
            "tests".into(),
            "create".into(),
            "--app-id".into(),
            "demo-app".into(),
            "--name".into(),
            HOSTILE.into(),
            "--steps".into(),
            "[]".into(),
        ])
        .await;
    assert_eq!(created.code, 0, "{created:?}");

    let text = sh(&emulator, "buildprint tests list --app-id demo-app").await;
    assert_eq!(text.code, 0, "{text:?}");
    assert!(!text.stdout.contains('\u{1b}'), "{:?}", text.stdout);
    assert!(!text.stdout.contains('\u{202e}'), "{:?}", text.stdout);
    assert!(
        !text.stdout.lines().any(|l| l.starts_with("ts_forged")),
        "a name forged a row: {}",
        text.stdout
    );
    assert!(
        text.stdout
            .contains("Log in ts_forged Checkout passed\\u{1b}[31m\\u{202e}"),
        "{}",
        text.stdout
    );

    let json = sh(&emulator, "--json buildprint tests list --app-id demo-app").await;
    let names: Vec<String> = json.json()["tests"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|t| t["name"].as_str().map(str::to_string))
        .collect();
    assert!(
        names.contains(&HOSTILE.to_string()),
        "--json is exact: {names:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ids_that_would_reach_another_endpoint_are_refused_before_sending() {
    let emulator = manual_emulator().await;
    for id in ["..", ".", "ag_1/../../tests", "ag_1?appId=x", "ag\u{7}"] {
        for command in ["agents get", "agents wait"] {
            let out = Agentrun::against(&emulator)
                .args(&[
                    "buildprint".into(),
                    command.split(' ').next().unwrap().into(),
                    command.split(' ').nth(1).unwrap().into(),
                    "--agent-id".into(),
                    id.into(),
                ])
                .await;
            assert_eq!(out.code, 2, "{command} {id:?}: {out:?}");
            assert!(out.stderr.contains("--agent-id"), "{}", out.stderr);
            assert!(!out.stderr.contains('\u{7}'), "{:?}", out.stderr);
        }
    }
    assert!(emulator.received().by_route.is_empty(), "nothing was sent");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_prompt_file_that_never_ends_is_refused_and_a_fifo_is_read() {
    let emulator = manual_emulator().await;
    let out = sh(
        &emulator,
        "builder run --prompt-file /dev/zero --user-email developer@yourcompany.com",
    )
    .await;
    assert_eq!(out.code, 2, "{out:?}");
    assert!(
        out.stderr
            .contains("--prompt-file /dev/zero: it holds more than 1024 KiB, the limit"),
        "{}",
        out.stderr
    );
    assert!(emulator.received().by_route.is_empty(), "nothing was sent");

    // A named pipe, as process substitution gives: read as it comes.
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("prompt");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    let writer = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::write(fifo, "Add a pricing page").unwrap())
    };
    let out = sh(
        &emulator,
        &format!(
            "builder run --prompt-file {} --user-email developer@yourcompany.com",
            fifo.display()
        ),
    )
    .await;
    writer.join().unwrap();
    assert_eq!(out.code, 0, "{out:?}");
    assert!(out.stdout.starts_with("http"), "{}", out.stdout);
}
