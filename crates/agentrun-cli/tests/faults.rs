//! Promises the binary keeps under faults: a wait ends at its deadline even when the server
//! never answers, a start whose answer was lost says it may have started (exit 5) and is sent
//! once, and durations that could never be met are refused before anything is sent.

mod support;

use std::time::{Duration, Instant};

use agentrun_emulator::{Fault, FaultRule};
use support::{Agentrun, manual_emulator, sh};
use test_server::{Reply, TestServer};

/// `agentrun` pointed at a server that accepts every connection and never answers.
fn against_a_hanging_server(server: &TestServer) -> Agentrun {
    Agentrun::bare()
        .env(
            "BUILDPRINT_BASE_URL",
            &format!("{}/api/public/v1", server.url()),
        )
        .env("BUILDPRINT_TOKEN", "bp_canary")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wait_on_a_hanging_server_exits_4_at_its_deadline_not_at_the_request_timeout() {
    let server = TestServer::start(|_| Reply::Hang);
    let started = Instant::now();
    let out = against_a_hanging_server(&server)
        .line("buildprint agents wait --agent-id ag_000001 --timeout 2s --request-timeout 60s")
        .await;
    let late = started.elapsed().saturating_sub(Duration::from_secs(2));
    assert_eq!(out.code, 4, "{out:?}");
    // A poll that outlived the wait would end at the request timeout, 60 s; the bound leaves a
    // busy machine room to start and stop a process, and still tells the two apart.
    assert!(
        late < Duration::from_secs(15),
        "exited {late:?} after the deadline: a poll outlived the wait"
    );
    assert!(
        out.stderr.contains("gave up waiting for agent ag_000001"),
        "{}",
        out.stderr
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn request_timeout_bounds_each_attempt() {
    let server = TestServer::start(|_| Reply::Hang);
    let out = against_a_hanging_server(&server)
        .line("buildprint agents get --agent-id ag_000001 --request-timeout 300ms")
        .await;
    assert_eq!(out.code, 4, "{out:?}");
    assert!(server.requests().len() >= 2, "a timed-out GET is retried");
    assert!(!out.all().contains("bp_canary"), "{out:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_start_whose_answer_was_lost_exits_5_says_how_to_check_and_is_sent_once() {
    let emulator = manual_emulator().await;
    emulator.add_fault(FaultRule::new(
        "POST /api/public/v1/code-reviews",
        Fault::DropAfterApplied,
    ));
    let out = sh(
        &emulator,
        "buildprint reviews create --app-id demo-app --from-version main --to-version test",
    )
    .await;
    assert_eq!(out.code, 5, "{out:?}");
    let line = out.stderr.lines().next().unwrap_or_default();
    assert!(
        line.starts_with("error: POST /code-reviews: the request was sent but its answer was lost"),
        "{line}"
    );
    assert!(
        line.contains("may have started; it was not sent again"),
        "{line}"
    );
    assert!(line.contains("Check with `GET /code-reviews`"), "{line}");
    let received = emulator.received();
    assert_eq!(
        received.by_route.get("POST /api/public/v1/code-reviews"),
        Some(&1)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lost_start_with_nothing_that_lists_it_says_so_instead_of_naming_a_check() {
    let emulator = manual_emulator().await;
    emulator.add_fault(FaultRule::new(
        "POST /api/public/v1/agents",
        Fault::DropAfterApplied,
    ));
    let out = sh(
        &emulator,
        "buildprint agents start --app-id demo-app --prompt 'Why?' --model buildprint-gpt-5.6-sol",
    )
    .await;
    assert_eq!(out.code, 5, "{out:?}");
    let line = out.stderr.lines().next().unwrap_or_default();
    assert!(
        line.contains(
            "No operation of the Buildprint Public API lists what `POST /agents` makes, so the \
             API cannot tell whether it did"
        ),
        "{line}"
    );
    assert!(!line.contains("Check with"), "{line}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn durations_that_could_never_be_met_are_refused_before_sending() {
    let emulator = manual_emulator().await;
    for flags in [
        "--interval 0",
        "--interval 0s",
        "--timeout 0ms",
        "--request-timeout 0",
        "--timeout=-5s",
    ] {
        let out = sh(
            &emulator,
            &format!("buildprint agents wait --agent-id ag_000001 {flags}"),
        )
        .await;
        assert_eq!(out.code, 2, "{flags}: {out:?}");
        let flag = flags.split([' ', '=']).next().unwrap_or_default();
        assert!(
            out.stderr.contains(flag),
            "{flags}: the error names the flag: {}",
            out.stderr
        );
    }
    assert!(emulator.received().by_route.is_empty(), "nothing was sent");
}
