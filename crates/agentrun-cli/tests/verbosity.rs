//! What `-v`, `-vv`, `AGENTRUN_LOG` and `RUST_LOG` show on stderr: a line per request and
//! answer, then headers and bodies with every credential redacted, and any filter in
//! `tracing`'s syntax; a filter that does not parse stops the command before anything is sent.

// Test code: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used)]

mod support;

use support::{Agentrun, manual_emulator};

/// The log lines of `stderr` that carry `message` (`tracing`'s fmt writes it after the level).
fn lines_with<'a>(stderr: &'a str, message: &str) -> Vec<&'a str> {
    stderr
        .lines()
        .filter(|line| line.contains(&format!(" {message} operation=")))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn v_is_a_line_per_request_and_answer_and_vv_adds_headers_and_bodies_redacted() {
    let emulator = manual_emulator().await;
    let cli = Agentrun::against(&emulator);
    let line = "buildprint test-users create --app-id demo-app --name QA --database test \
                --password canary-pw-77";

    let quiet = cli.line(line).await;
    assert_eq!(quiet.code, 0, "{}", quiet.all());
    assert!(quiet.stderr.is_empty(), "{}", quiet.stderr);

    let v = cli.line(&format!("-v {line}")).await;
    assert_eq!(v.code, 0, "{}", v.all());
    assert_eq!(lines_with(&v.stderr, "sending").len(), 1, "{}", v.stderr);
    assert_eq!(lines_with(&v.stderr, "answered").len(), 1, "{}", v.stderr);
    assert!(lines_with(&v.stderr, "request").is_empty(), "{}", v.stderr);

    let vv = cli.line(&format!("-vv {line}")).await;
    assert_eq!(vv.code, 0, "{}", vv.all());
    let request = lines_with(&vv.stderr, "request");
    assert_eq!(request.len(), 1, "{}", vv.stderr);
    assert!(
        request[0].contains(r#""password":"[redacted]""#),
        "{}",
        request[0]
    );
    assert!(request[0].contains(r#""name":"QA""#), "{}", request[0]);
    let answer = lines_with(&vv.stderr, "answer");
    assert_eq!(answer.len(), 1, "{}", vv.stderr);
    assert!(answer[0].contains("status=201"), "{}", answer[0]);
    assert!(answer[0].contains("testUserId"), "{}", answer[0]);
    for out in [&v, &vv] {
        assert!(!out.all().contains("canary-pw-77"), "{}", out.all());
        assert!(
            !out.all().contains(&emulator.config().buildprint_token),
            "{}",
            out.all()
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn agentrun_log_and_rust_log_take_tracing_filters_and_a_bad_one_sends_nothing() {
    let emulator = manual_emulator().await;
    let line = "buildprint tests list --app-id demo-app";
    let cli = Agentrun::against(&emulator);

    let traced = cli
        .clone()
        .env("AGENTRUN_LOG", "agentrun_runtime=trace")
        .line(line)
        .await;
    assert_eq!(traced.code, 0, "{}", traced.all());
    assert_eq!(
        lines_with(&traced.stderr, "answer").len(),
        1,
        "{}",
        traced.stderr
    );

    let rust_log = cli
        .clone()
        .env("RUST_LOG", "agentrun_runtime=debug")
        .line(line)
        .await;
    assert_eq!(
        lines_with(&rust_log.stderr, "answered").len(),
        1,
        "{}",
        rust_log.stderr
    );
    assert!(
        lines_with(&rust_log.stderr, "answer").is_empty(),
        "{}",
        rust_log.stderr
    );

    // AGENTRUN_LOG wins over RUST_LOG, and refines what -v asks for.
    let off = cli
        .clone()
        .env("AGENTRUN_LOG", "agentrun_runtime=off")
        .env("RUST_LOG", "trace")
        .line(&format!("-v {line}"))
        .await;
    assert_eq!(off.code, 0, "{}", off.all());
    assert!(off.stderr.is_empty(), "{}", off.stderr);

    let before = emulator.received().requests;
    let bad = cli
        .clone()
        .env("AGENTRUN_LOG", "agentrun_runtime=[")
        .line(line)
        .await;
    assert_eq!(bad.code, 2, "{}", bad.all());
    assert!(
        bad.stderr
            .starts_with("error: AGENTRUN_LOG=`agentrun_runtime=[` is not a log filter ("),
        "{}",
        bad.stderr
    );
    assert_eq!(emulator.received().requests, before, "nothing is sent");
}
