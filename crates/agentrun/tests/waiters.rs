//! Waits that follow runs to their end, against the emulator's clock.

// Test code: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used)]

mod common;

use std::time::Duration;

use agentrun::buildprint::types as bp;
use agentrun::{BuildprintClient, Error, Progress, WaitOptions};
use agentrun_emulator::{Clock, Config, EMULATE_ERROR, EMULATE_FAIL, Fault, FaultRule};
use common::{buildprint, manual, quick, start};

/// Polls every few milliseconds: the emulator's clock runs 20 s of agent per 2 ms here.
fn fast() -> WaitOptions {
    WaitOptions::default()
        .interval(Duration::from_millis(2))
        .max_interval(Duration::from_millis(10))
        .timeout(Duration::from_secs(20))
}

fn speedy() -> Config {
    Config {
        clock: Clock::scaled(10_000.0),
        max_concurrent_agents: 0,
        ..Config::default()
    }
}

async fn start_agent(client: &BuildprintClient, prompt: &str) -> String {
    client
        .api()
        .start_agent()
        .body(
            bp::StartAgentBody::builder()
                .app_id("demo-app")
                .prompt(prompt)
                .model(bp::SelectableModel::BuildprintGpt56Sol),
        )
        .send()
        .await
        .unwrap()
        .into_inner()
        .agent_id
}

#[tokio::test]
async fn a_wait_ends_when_the_agent_completes_and_reports_each_status() {
    let emulator = start(speedy()).await;
    let client = buildprint(&emulator, quick());
    let id = start_agent(&client, "Fix checkout").await;
    let mut seen: Vec<Progress> = Vec::new();
    let agent = client
        .wait_for_agent(&id, &fast(), |progress| seen.push(progress.clone()))
        .await
        .unwrap();
    assert_eq!(agent.status, bp::RunStatus::Completed);
    let changes: Vec<&str> = seen
        .iter()
        .filter(|p| p.changed)
        .map(|p| p.status.as_str())
        .collect();
    assert_eq!(changes.last(), Some(&"completed"));
    assert!(seen.last().unwrap().finished);
    assert!(seen.iter().all(|p| p.what == format!("agent {id}")));
    assert!(seen.windows(2).all(|w| w[0].polls + 1 == w[1].polls));
}

#[tokio::test]
async fn a_wait_returns_a_failed_agent_as_it_ended() {
    let emulator = start(speedy()).await;
    let client = buildprint(&emulator, quick());
    let id = start_agent(&client, EMULATE_ERROR).await;
    let agent = client.wait_for_agent(&id, &fast(), |_| {}).await.unwrap();
    assert_eq!(agent.status, bp::RunStatus::Error);
    assert!(agent.last_error.as_deref().unwrap().contains(EMULATE_ERROR));
}

#[tokio::test]
async fn a_wait_gives_up_at_its_timeout_with_the_last_status() {
    let emulator = start(manual()).await; // a clock that never moves
    let client = buildprint(&emulator, quick());
    let id = start_agent(&client, "Never ends").await;
    let options = WaitOptions::default()
        .interval(Duration::from_millis(5))
        .timeout(Duration::from_millis(50));
    let error = client
        .wait_for_agent(&id, &options, |_| {})
        .await
        .unwrap_err();
    match &error {
        Error::WaitTimeout {
            what, last_status, ..
        } => {
            assert_eq!(what, &format!("agent {id}"));
            assert_eq!(last_status, "queued");
        }
        other => panic!("expected a wait timeout, got {other:?}"),
    }
    assert!(
        error
            .to_string()
            .starts_with(&format!("gave up waiting for agent {id} after")),
        "{error}"
    );
}

#[tokio::test]
async fn a_wait_rides_out_transient_failures_but_not_others() {
    let emulator = start(speedy()).await;
    let client = buildprint(&emulator, quick().retry(agentrun::RetryPolicy::none()));
    let id = start_agent(&client, "Fix").await;
    emulator.add_fault(
        FaultRule::new(
            "GET /api/public/v1/agents/*",
            Fault::Status {
                status: 503,
                retry_after: None,
            },
        )
        .times(3),
    );
    let mut retried = 0;
    let agent = client
        .wait_for_agent(&id, &fast(), |p| {
            retried += usize::from(p.retrying_after.is_some())
        })
        .await
        .unwrap();
    assert_eq!(agent.status, bp::RunStatus::Completed);
    assert_eq!(retried, 3);

    let error = client
        .wait_for_agent("ag_missing", &fast(), |_| {})
        .await
        .unwrap_err();
    assert_eq!(
        error.status(),
        Some(404),
        "a missing agent ends the wait at once: {error}"
    );
}

#[tokio::test]
async fn reviews_test_runs_group_runs_and_syncs_are_waited_for() {
    let emulator = start(speedy()).await;
    let client = buildprint(&emulator, quick());
    let api = client.api();

    let review = api
        .create_code_review()
        .body(
            bp::CreateCodeReviewBody::builder()
                .app_id("demo-app")
                .from_version("feature-checkout")
                .to_version("main"),
        )
        .send()
        .await
        .unwrap();
    let review = client
        .wait_for_code_review(&review.review_id, &fast(), |_| {})
        .await
        .unwrap();
    assert_eq!(
        review.agent.as_ref().and_then(|a| a.status.clone()),
        Some(bp::RunStatus::Completed)
    );
    assert_eq!(review.changes.len(), 1);

    let tests = api.list_tests().app_id("demo-app").send().await.unwrap();
    let checkout = tests
        .tests
        .iter()
        .find(|t| t.name == "Checkout happy path")
        .unwrap();
    let run = api
        .start_test_run()
        .body(
            bp::StartTestRunBody::builder()
                .test_id(&checkout.id)
                .branch_id("main"),
        )
        .send()
        .await
        .unwrap();
    let run = client
        .wait_for_test_run(&run.run_id, &fast(), |_| {})
        .await
        .unwrap();
    assert_eq!(run.run.status, bp::TestRunStatus::Passed);

    let failing = api
        .create_test()
        .body(
            bp::CreateTestBody::builder()
                .app_id("demo-app")
                .name("Broken")
                .steps(vec![agentrun::test_steps::instruction(
                    format!("Click pay {EMULATE_FAIL}"),
                    bp::OnFailure::Stop,
                )]),
        )
        .send()
        .await
        .unwrap();
    let run = api
        .start_test_run()
        .body(
            bp::StartTestRunBody::builder()
                .test_id(&failing.test_id)
                .branch_id("main"),
        )
        .send()
        .await
        .unwrap();
    let run = client
        .wait_for_test_run(&run.run_id, &fast(), |_| {})
        .await
        .unwrap();
    assert_eq!(run.run.status, bp::TestRunStatus::Error);

    let groups = api
        .list_test_groups()
        .app_id("demo-app")
        .send()
        .await
        .unwrap();
    let group_run = api
        .start_test_group_run()
        .body(
            bp::StartTestGroupRunBody::builder()
                .group_id(groups.groups[0].id.clone().unwrap())
                .branch_id("main"),
        )
        .send()
        .await
        .unwrap();
    let group_run = client
        .wait_for_test_group_run(group_run.group_run_id.as_deref().unwrap(), &fast(), |_| {})
        .await
        .unwrap();
    assert_eq!(group_run.run.status, bp::TestRunStatus::Passed);

    let sync = api
        .sync_version()
        .body(
            bp::SyncVersionBody::builder()
                .app_id("demo-app")
                .version("feature-checkout"),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(sync.status(), 202);
    let done = client
        .wait_for_version_sync("demo-app", &sync.version_id, &fast(), |_| {})
        .await
        .unwrap();
    assert_eq!(done.status, bp::SyncStatusStatus::Completed);
}

#[tokio::test]
async fn many_waits_share_one_client() {
    let emulator = start(speedy()).await;
    let client = buildprint(&emulator, quick());
    let mut ids = Vec::new();
    for i in 0..50 {
        ids.push(start_agent(&client, &format!("Agent {i}")).await);
    }
    let waits = ids.iter().map(|id| {
        let client = client.clone();
        let id = id.clone();
        tokio::spawn(async move { client.wait_for_agent(&id, &fast(), |_| {}).await })
    });
    for wait in waits.collect::<Vec<_>>() {
        assert_eq!(
            wait.await.unwrap().unwrap().status,
            bp::RunStatus::Completed
        );
    }
    assert!(
        emulator.received().connections <= 16 + 1,
        "at most one connection per concurrent poll: {}",
        emulator.received().connections
    );
}

#[tokio::test]
async fn a_wait_ends_at_its_deadline_when_the_server_never_answers() {
    // Every poll hangs; without the deadline bounding each attempt, the default client would
    // wait 4 attempts x 60 s.
    let server = test_server::TestServer::start(|_| test_server::Reply::Hang);
    let credentials = agentrun::BuildprintCredentials::new("bp_emulator")
        .unwrap()
        .with_base_url(&format!("{}/api/public/v1", server.url()))
        .unwrap();
    let client = BuildprintClient::new(credentials).unwrap();
    let options = WaitOptions::default().timeout(Duration::from_secs(1));
    let started = std::time::Instant::now();
    let error = client
        .wait_for_agent("ag_000001", &options, |_| {})
        .await
        .unwrap_err();
    let late = started.elapsed().saturating_sub(Duration::from_secs(1));
    assert!(matches!(error, Error::WaitTimeout { .. }), "{error}");
    // The bound tells the deadline apart from the request timeout (60 s), with room for a busy
    // machine: a tighter one would only measure the scheduler.
    assert!(
        late < Duration::from_secs(15),
        "ended {late:?} after its deadline: a poll outlived the wait"
    );
}
