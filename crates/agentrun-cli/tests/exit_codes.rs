//! Every exit code, waits that end completed, in error and in a timeout, and the one-line errors
//! a pipeline shows: the real binary against an emulator.

mod support;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use agentrun_emulator::{BUILDER_USER_ID, DEFAULT_BUILDPRINT_TOKEN, Fault, FaultRule};
use support::{Agentrun, Outcome, fast_emulator, manual_emulator, sh};

/// Starts an agent on `prompt` and follows it, polling every 20 ms.
const START_AND_WAIT: &str = "buildprint agents start --app-id demo-app --model buildprint-gpt-5.6-sol --wait --interval 20ms --prompt";

/// The only line on stderr, which must start with `error: `.
fn one_error_line(outcome: &Outcome) -> &str {
    let lines: Vec<&str> = outcome.stderr.lines().collect();
    assert_eq!(lines.len(), 1, "not one line: {:?}", outcome.stderr);
    assert!(lines[0].starts_with("error: "), "{:?}", lines[0]);
    lines[0]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_completed_agent_exits_0_with_one_line_per_status() {
    let emulator = fast_emulator().await;
    let out = sh(
        &emulator,
        &format!("{START_AND_WAIT} 'Why does checkout fail?'"),
    )
    .await;
    assert_eq!(out.code, 0, "{out:?}");
    assert!(
        out.stdout.contains("status:     completed"),
        "{}",
        out.stdout
    );
    // Not a terminal: plain lines, no spinner frames or escape codes.
    assert!(!out.stderr.contains('\x1b'), "{:?}", out.stderr);
    let last = out.stderr.lines().last().unwrap_or_default();
    assert!(
        last.starts_with("agent ag_000003: completed after "),
        "{:?}",
        out.stderr
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_agent_that_ends_in_error_exits_1() {
    let emulator = fast_emulator().await;
    let out = sh(
        &emulator,
        &format!("{START_AND_WAIT} 'Break it: emulate:error'"),
    )
    .await;
    assert_eq!(out.code, 1, "{out:?}");
    assert!(out.stdout.contains("status:     error"), "{}", out.stdout);
    assert!(out.stdout.contains("last error:"), "{}", out.stdout);
    assert!(
        out.stderr.contains("agent ag_000003: error after "),
        "{}",
        out.stderr
    );

    // `--json` prints the agent as it ended, with the same exit code.
    let out = sh(
        &emulator,
        &format!("--json {START_AND_WAIT} 'Again: emulate:error'"),
    )
    .await;
    assert_eq!(out.code, 1, "{out:?}");
    assert_eq!(out.json()["status"], "error");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wait_that_runs_out_of_time_exits_4() {
    // The clock never moves: the agent stays queued.
    let emulator = manual_emulator().await;
    let out = sh(
        &emulator,
        &format!("{START_AND_WAIT} 'Never ends' --timeout 300ms"),
    )
    .await;
    assert_eq!(out.code, 4, "{out:?}");
    let line = out.stderr.lines().last().unwrap_or_default();
    assert!(
        line.starts_with("error: gave up waiting for agent ag_000003 after ")
            && line.ends_with("it was still queued"),
        "{line:?}"
    );
    // The run was started once and is still there to follow.
    assert_eq!(emulator.received().agents_started, 1);
    let again = sh(
        &emulator,
        "buildprint agents wait --agent-id ag_000003 --timeout 100ms --interval 20ms",
    )
    .await;
    assert_eq!(again.code, 4, "{again:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_test_group_run_exits_1_and_a_passed_one_0() {
    let emulator = fast_emulator().await;
    let created = sh(
        &emulator,
        r#"--json buildprint tests create --app-id demo-app --name 'Double charge' --steps '[{"stepType": "test", "instruction": "Pay twice: emulate:fail", "onFailure": "stop"}]'"#,
    )
    .await;
    assert_eq!(created.code, 0, "{created:?}");
    let test_id = created.json()["testId"].as_str().unwrap().to_string();
    let group = sh(&emulator, &format!("--json buildprint test-groups create --app-id demo-app --name Payments --test-ids {test_id}")).await;
    let group_id = group.json()["groupId"].as_str().unwrap().to_string();

    let failed = sh(&emulator, &format!("buildprint test-group-runs start --group-id {group_id} --branch-id main --wait --interval 20ms")).await;
    assert_eq!(failed.code, 1, "{failed:?}");
    assert!(
        failed.stdout.contains("status:         error"),
        "{}",
        failed.stdout
    );

    let passed = sh(&emulator, "buildprint test-group-runs start --group-id tg_000001 --branch-id main --wait --interval 20ms").await;
    assert_eq!(passed.code, 0, "{passed:?}");
    assert!(
        passed.stdout.contains("status:         passed"),
        "{}",
        passed.stdout
    );

    let single = sh(
        &emulator,
        &format!(
            "buildprint test-runs start --test-id {test_id} --branch-id main --wait --interval 20ms"
        ),
    )
    .await;
    assert_eq!(single.code, 1, "{single:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_wait_follows_its_run_to_the_end() {
    let emulator = fast_emulator().await;
    let review = sh(&emulator, "buildprint reviews create --app-id demo-app --from-version feature-checkout --to-version main --wait --interval 20ms").await;
    assert_eq!(review.code, 0, "{review:?}");
    assert!(review.stdout.contains("findings:"), "{}", review.stdout);

    let sync = sh(
        &emulator,
        "buildprint versions sync --app-id demo-app --version main --wait --interval 20ms",
    )
    .await;
    assert_eq!(sync.code, 0, "{sync:?}");
    assert!(
        sync.stdout.contains("status:  completed"),
        "{}",
        sync.stdout
    );

    let agent = sh(
        &emulator,
        &format!("--json {START_AND_WAIT} 'Why does checkout fail?'"),
    )
    .await;
    assert_eq!(agent.code, 0, "{agent:?}");
    let agent_id = agent.json()["agentId"].as_str().unwrap().to_string();
    let message = sh(&emulator, &format!("buildprint agents message --agent-id {agent_id} --prompt 'One more thing' --wait --interval 20ms")).await;
    assert_eq!(message.code, 0, "{message:?}");
    assert!(
        message.stdout.contains("One more thing"),
        "{}",
        message.stdout
    );

    let started = [
        "buildprint test-runs start --test-id ts_000002 --branch-id main --wait --interval 20ms",
        "buildprint test-runs wait --run-id tr_000001",
        "buildprint test-group-runs start --group-id tg_000001 --branch-id main",
        "buildprint test-group-runs wait --group-run-id gr_000001 --interval 20ms",
        "buildprint reviews wait --review-id rv_000003",
    ];
    for line in started {
        let out = sh(&emulator, line).await;
        assert_eq!(out.code, 0, "{line}: {out:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_terminal_gets_a_spinner_with_status_and_time() {
    let emulator = manual_emulator().await;
    let out = Agentrun::against(&emulator)
        .env("AGENTRUN_PROGRESS", "spinner")
        .line(&format!("{START_AND_WAIT} Wait --timeout 1s"))
        .await;
    assert_eq!(out.code, 4, "{out:?}");
    // Redrawn in place: a braille frame, the status and the time elapsed. Which frame first
    // shows the status depends on when the first poll is answered, so any may; a frame drawn
    // within the first second says `0.`.
    assert!(
        out.stderr.starts_with("\r\x1b[2K⠋ agent ag_000003: "),
        "{:?}",
        out.stderr
    );
    assert!(
        out.stderr.contains(" agent ag_000003: queued · 0."),
        "{:?}",
        out.stderr
    );
    assert!(
        out.stderr.matches("\r\x1b[2K").count() >= 3,
        "{:?}",
        out.stderr
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn usage_and_configuration_errors_exit_2_and_send_nothing() {
    let emulator = manual_emulator().await;
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("designs")).unwrap();
    let agentrun = Agentrun::against(&emulator).dir(dir.path());
    let user = "--user-email developer@yourcompany.com";
    let cases = [
        (
            "buildprint agents start --prompt x --model buildprint-gpt-5.6-sol",
            "--app-id <APP_ID>".to_string(),
        ),
        (
            "buildprint agents start --app-id demo-app --prompt x --model gpt-9 --strict-model",
            "the model `gpt-9` is not one this build of agentrun knows (claude-fable-5, ".into(),
        ),
        (
            "buildprint agents start --app-id demo-app --prompt x --model buildprint-gpt-5.6-sol --permission root",
            "[possible values: read_only, allow_edits]".into(),
        ),
        (
            "buildprint tests create --app-id demo-app --name x --steps '[{'",
            "--steps is not JSON (line 1, column 2)".into(),
        ),
        (
            "buildprint tests create --app-id demo-app --name x --steps @steps.json",
            "--steps steps.json: cannot read it: there is no such file".into(),
        ),
        (
            "buildprint agents wait --agent-id ag_000001 --timeout soon",
            "invalid value 'soon' for '--timeout <DURATION>'".into(),
        ),
        (
            &format!("builder run --prompt x --attach mockup.png {user}"),
            "attachment mockup.png: cannot read it: there is no such file".into(),
        ),
        (
            &format!("builder run --prompt x --attach designs {user}"),
            "attachment designs: it is a directory; attach its files one by one".into(),
        ),
        (
            &format!("builder run --prompt-file prompt.md {user}"),
            "--prompt-file prompt.md: cannot read it".into(),
        ),
        (
            "builder run --prompt x",
            "--user-email <EMAIL>|--user-id <ID>".into(),
        ),
        (
            &format!("builder run --prompt x {user} --private-key not-a-bpk-key"),
            "The private key does not look like a Builder private key (they start with `bpk-`)"
                .into(),
        ),
        (
            "buildprint frobnicate",
            "unrecognized subcommand 'frobnicate'".into(),
        ),
    ];
    for (line, expected) in &cases {
        let out = agentrun.line(line).await;
        assert_eq!(out.code, 2, "{line}: {out:?}");
        assert!(
            out.stderr.contains(expected.as_str()),
            "{line}: {:?} lacks {expected:?}",
            out.stderr
        );
        assert!(out.stdout.is_empty(), "{line}: {:?}", out.stdout);
        assert!(
            !out.stderr.contains("panicked") && !out.stderr.contains("RUST_BACKTRACE"),
            "{}",
            out.stderr
        );
    }
    // Everything was refused before a request.
    assert_eq!(emulator.received().requests, 0);

    // Errors of ours (not clap's usage text) are one line.
    let out = agentrun
        .line("builder run --prompt x --attach mockup.png --user-id u1")
        .await;
    assert!(
        one_error_line(&out).ends_with("mockup.png: cannot read it: there is no such file"),
        "{}",
        out.stderr
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn missing_credentials_name_the_variable_and_the_flag() {
    let emulator = manual_emulator().await;
    let tests = format!(
        "buildprint tests list --app-id demo-app --base-url {}",
        emulator.buildprint_url()
    );
    let out = Agentrun::bare().line(&tests).await;
    assert_eq!(out.code, 2);
    let line = one_error_line(&out);
    assert!(
        line.contains("BUILDPRINT_TOKEN is not set") && line.ends_with("(or pass --token)"),
        "{line}"
    );

    let out = Agentrun::against(&emulator)
        .without("BUILDER_PRIVATE_KEY")
        .line("builder run --prompt x --user-id u1")
        .await;
    assert_eq!(out.code, 2);
    let line = one_error_line(&out);
    assert!(
        line.contains("BUILDER_PRIVATE_KEY is not set")
            && line.ends_with("(or pass --private-key)"),
        "{line}"
    );

    // A flag stands in for the variable.
    let out = Agentrun::bare()
        .line(&format!("{tests} --token {DEFAULT_BUILDPRINT_TOKEN}"))
        .await;
    assert_eq!(out.code, 0, "{out:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn api_errors_exit_3_in_one_line() {
    let emulator = manual_emulator().await;
    let out = sh(&emulator, "buildprint tests list --app-id no-such-app").await;
    assert_eq!(out.code, 3, "{out:?}");
    assert!(one_error_line(&out).starts_with(
        "error: GET /tests: 404 Not Found (app_not_found): Unknown appId `no-such-app`"
    ));

    let out = sh(
        &emulator,
        "builder run --prompt x --user-email stranger@example.com",
    )
    .await;
    assert_eq!(out.code, 3, "{out:?}");
    assert!(one_error_line(&out).starts_with("error: POST /agents/run: 404 Not Found"));

    // With -v, the detail follows the line.
    let out = sh(&emulator, "-v buildprint agents get --agent-id ag_nope").await;
    assert_eq!(out.code, 3, "{out:?}");
    assert!(
        out.stderr
            .contains("error: GET /agents/{agentId}: 404 Not Found (not_found)"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains(
            "detail: kind=api provider=Buildprint status=404 operation=GET /agents/{agentId} code=not_found"
        ),
        "{}",
        out.stderr
    );
    assert!(
        !out.stderr.contains("ApiError {"),
        "no Debug dump: {}",
        out.stderr
    );

    // Nothing listening: no answer, also 3.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    let out = sh(&emulator, &format!("buildprint tests list --app-id demo-app --base-url http://127.0.0.1:{port}/api/public/v1")).await;
    assert_eq!(out.code, 3, "{out:?}");
    assert!(
        one_error_line(&out).starts_with("error: GET /tests: no answer"),
        "{}",
        out.stderr
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_model_is_sent_with_a_warning_and_the_api_decides() {
    let emulator = manual_emulator().await;
    let out = sh(
        &emulator,
        "buildprint agents start --app-id demo-app --prompt x --model buildprint-gpt-9",
    )
    .await;
    // Sent: the emulator, like the API, refuses it and names the valid models.
    assert_eq!(out.code, 3, "{out:?}");
    let lines: Vec<&str> = out.stderr.lines().collect();
    assert_eq!(lines.len(), 2, "{:?}", out.stderr);
    assert!(
        lines[0].starts_with("warning: the model `buildprint-gpt-9` is not one this build"),
        "{:?}",
        lines[0]
    );
    assert!(
        lines[1].starts_with("error: POST /agents: 400 Bad Request (invalid_model)")
            && lines[1].contains("buildprint-gpt-5.3-codex"),
        "{:?}",
        lines[1]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn verbose_shows_requests_and_retries() {
    let emulator = manual_emulator().await;
    let unavailable = Fault::Status {
        status: 503,
        retry_after: None,
    };
    emulator.add_fault(FaultRule::new("GET /api/public/v1/tests", unavailable));
    let out = sh(&emulator, "-v buildprint tests list --app-id demo-app").await;
    assert_eq!(out.code, 0, "{out:?}");
    let stderr = &out.stderr;
    assert!(
        stderr.contains(
            "sending operation=\"list_tests\" method=GET path=/api/public/v1/tests attempt=1"
        ),
        "{stderr}"
    );
    assert!(
        stderr.contains("answered operation=\"list_tests\" status=503"),
        "{stderr}"
    );
    assert!(
        stderr.contains("retrying operation=\"list_tests\""),
        "{stderr}"
    );
    assert!(stderr.contains("attempt=2"), "{stderr}");
    assert!(stderr.contains("status=200"), "{stderr}");
    assert!(out.stdout.starts_with("ID "), "{}", out.stdout);

    // Without -v, stderr stays empty.
    let quiet = sh(&emulator, "buildprint tests list --app-id demo-app").await;
    assert_eq!((quiet.code, quiet.stderr.as_str()), (0, ""));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn builder_run_prints_the_url_and_sends_the_attachments() {
    let emulator = manual_emulator().await;
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("mockup.png"),
        b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR",
    )
    .unwrap();
    std::fs::write(dir.path().join("notes.md"), "Use the brand colours.").unwrap();
    let out = Agentrun::against(&emulator)
        .dir(dir.path())
        .stdin("Add a pricing page\nwith three tiers")
        .line(&format!("builder run --prompt-file - --attach mockup.png --attach notes.md --url https://example.com/pricing --project proj_000001 --user-id {BUILDER_USER_ID}"))
        .await;
    assert_eq!(out.code, 0, "{out:?}");
    let url = out.stdout.trim_end();
    assert!(
        url.starts_with(&emulator.url()) && !url.contains('\n'),
        "{:?}",
        out.stdout
    );
    let runs = emulator.builder_runs();
    assert_eq!(runs.len(), 1);
    assert_eq!(runs[0].prompt, "Add a pricing page\nwith three tiers");
    assert_eq!(runs[0].attachments, 3);
    assert_eq!(runs[0].project_id, "proj_000001");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn agentrun_emulator_serves_the_quick_start() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_agentrun"))
        .args(["emulator", "--addr", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let url = line
        .trim_end()
        .strip_prefix("listening on ")
        .unwrap_or_else(|| panic!("{line:?}"));
    let out = Agentrun::bare()
        .env("BUILDPRINT_BASE_URL", &format!("{url}/api/public/v1"))
        .env("BUILDPRINT_TOKEN", DEFAULT_BUILDPRINT_TOKEN)
        // The getting-started quick start as written, its appId aside.
        .line("buildprint agents start --app-id demo-app --model buildprint-gpt-5.3-codex --prompt 'Inspect the checkout flow and tell me why the webhook retry path fails.' --wait --interval 100ms")
        .await;
    let _ = child.kill();
    let _ = child.wait();
    assert_eq!(out.code, 0, "{out:?}");
    assert!(!out.stderr.contains("warning"), "{}", out.stderr);
    assert!(
        out.stdout.contains("status:     completed"),
        "{}",
        out.stdout
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn completions_and_version_exit_0() {
    for shell in ["bash", "zsh", "fish"] {
        let out = Agentrun::bare().line(&format!("completions {shell}")).await;
        assert_eq!(out.code, 0, "{shell}: {out:?}");
        assert!(out.stdout.contains("test-group-runs"), "{shell}");
        // clap_complete's fish script stops two levels down, before the actions' flags.
        if shell != "fish" {
            assert!(out.stdout.contains("--app-id"), "{shell}");
        }
    }
    let out = Agentrun::bare().line("--version").await;
    assert_eq!(out.code, 0);
    let commit = out
        .stdout
        .trim_end()
        .strip_prefix(&format!("agentrun {} (commit ", env!("CARGO_PKG_VERSION")))
        .and_then(|rest| rest.strip_suffix(')'))
        .unwrap_or_else(|| panic!("{:?}", out.stdout));
    // The checkout's HEAD when git can tell (a build from a package without one says unknown).
    let head = std::process::Command::new("git")
        .args(["rev-parse", "--short=12", "HEAD"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string());
    assert_eq!(commit, head.as_deref().unwrap_or("unknown"));
    // The manual page: the same clap definitions, rendered as roff.
    let out = Agentrun::bare().line("man").await;
    assert_eq!(out.code, 0, "{}", out.all());
    assert!(
        out.stdout.starts_with(".ie \\n(.g .ds Aq \\(aq"),
        "{}",
        &out.stdout[..80.min(out.stdout.len())]
    );
    assert!(out.stdout.contains(".TH agentrun 1"), "{}", out.stdout);
    for word in ["buildprint", "emulator", "Exit codes:"] {
        assert!(out.stdout.contains(word), "{word}");
    }
    let out = Agentrun::bare().line("completions tcsh").await;
    assert_eq!(out.code, 2);
}
