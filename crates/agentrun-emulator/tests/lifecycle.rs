//! State and lifecycle, stepped with a manual clock through the generated clients.

// Test code: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used)]

mod common;

use std::time::Duration;

use agentrun_buildprint::Error;
use agentrun_buildprint::types as bp;
use agentrun_emulator::{Clock, Config, EMULATE_ERROR, EMULATE_FAIL, EMULATE_WARN};
use common::{START_MS, agent_body, buildprint, manual, start};

/// The error code of a failed call.
fn code<T: std::fmt::Debug>(result: Result<T, Error<bp::Error>>) -> (u16, String) {
    match result {
        Err(Error::ErrorResponse(body)) => (
            body.status().as_u16(),
            body.code
                .as_ref()
                .map(ToString::to_string)
                .unwrap_or_default(),
        ),
        other => panic!("expected an error response, got {other:?}"),
    }
}

#[tokio::test]
async fn an_agent_is_queued_then_running_then_completed_with_history_and_lifecycle() {
    let emulator = start(manual()).await;
    let client = buildprint(&emulator);
    let id = client
        .start_agent()
        .body(agent_body("Why does checkout fail?"))
        .send()
        .await
        .unwrap()
        .into_inner()
        .agent_id;
    let get = || async {
        client
            .get_agent()
            .agent_id(&id)
            .send()
            .await
            .unwrap()
            .into_inner()
    };

    let queued = get().await;
    assert_eq!(queued.status, bp::RunStatus::Queued);
    assert_eq!(queued.created_at, START_MS as i64);
    assert_eq!(
        queued.lifecycle.as_ref().and_then(|l| l.queued_turn_count),
        Some(1)
    );
    assert_eq!(queued.history.len(), 1);

    emulator.clock().advance(Duration::from_secs(3));
    let running = get().await;
    assert_eq!(running.status, bp::RunStatus::Running);
    assert_eq!(
        running
            .lifecycle
            .as_ref()
            .and_then(|l| l.conversation_state.clone()),
        Some(bp::ConversationState::RunningTurn)
    );
    assert_eq!(
        running
            .lifecycle
            .as_ref()
            .and_then(|l| l.sandbox_state.clone()),
        Some(bp::AgentLifecycleSandboxState::Online)
    );
    assert_eq!(running.completed_at, None);

    emulator.clock().advance(Duration::from_secs(20));
    let done = get().await;
    assert_eq!(done.status, bp::RunStatus::Completed);
    assert_eq!(done.completed_at, Some((START_MS + 22_000) as i64));
    assert_eq!(done.last_error, None);
    let roles: Vec<&str> = done
        .history
        .iter()
        .filter_map(|m| m.role.as_ref().map(|r| r.as_str()))
        .collect();
    assert_eq!(roles, ["user", "thinking", "tool", "assistant"]);
    let limited = client
        .get_agent()
        .agent_id(&id)
        .history_limit(2)
        .send()
        .await
        .unwrap();
    assert_eq!(limited.history.len(), 2);
    assert_eq!(
        limited.history[1].role,
        Some(bp::HistoryMessageRole::Assistant)
    );
}

#[tokio::test]
async fn a_failing_run_ends_in_error_with_last_error() {
    let emulator = start(manual()).await;
    let client = buildprint(&emulator);
    let id = client
        .start_agent()
        .body(agent_body(&format!("Refactor everything {EMULATE_ERROR}")))
        .send()
        .await
        .unwrap()
        .into_inner()
        .agent_id;
    emulator.clock().advance(Duration::from_secs(60));
    let agent = client.get_agent().agent_id(&id).send().await.unwrap();
    assert_eq!(agent.status, bp::RunStatus::Error);
    assert!(agent.last_error.as_deref().unwrap().contains(EMULATE_ERROR));
    assert_eq!(
        agent
            .lifecycle
            .as_ref()
            .and_then(|l| l.conversation_state.clone()),
        Some(bp::ConversationState::Errored)
    );
    assert_eq!(
        agent.history.last().unwrap().role,
        Some(bp::HistoryMessageRole::Error)
    );
}

#[tokio::test]
async fn a_follow_up_queues_a_new_turn_after_the_current_one() {
    let emulator = start(manual()).await;
    let client = buildprint(&emulator);
    let id = client
        .start_agent()
        .body(agent_body("First"))
        .send()
        .await
        .unwrap()
        .into_inner()
        .agent_id;
    emulator.clock().advance(Duration::from_secs(5));
    let accepted = client
        .send_agent_message()
        .agent_id(&id)
        .body(
            bp::SendAgentMessageBody::builder()
                .prompt("Second")
                .permission(Some(bp::Permission::AllowEdits)),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(accepted.status, bp::RunStatus::Queued);
    let agent = client.get_agent().agent_id(&id).send().await.unwrap();
    assert_eq!(
        agent.lifecycle.as_ref().and_then(|l| l.queued_turn_count),
        Some(1)
    );
    assert_eq!(agent.permission, bp::Permission::AllowEdits);
    emulator.clock().advance(Duration::from_secs(20));
    assert_eq!(
        client
            .get_agent()
            .agent_id(&id)
            .send()
            .await
            .unwrap()
            .status,
        bp::RunStatus::Running,
        "the second turn started when the first ended"
    );
    emulator.clock().advance(Duration::from_secs(30));
    let agent = client.get_agent().agent_id(&id).send().await.unwrap();
    assert_eq!(agent.status, bp::RunStatus::Completed);
    let prompts: Vec<&str> = agent
        .history
        .iter()
        .filter(|m| m.role == Some(bp::HistoryMessageRole::User))
        .filter_map(|m| m.content.as_deref())
        .collect();
    assert_eq!(prompts, ["First", "Second"]);
    assert_eq!(emulator.received().follow_ups, 1);
}

#[tokio::test]
async fn a_code_review_carries_its_agent_and_findings_once_done() {
    let emulator = start(manual()).await;
    let client = buildprint(&emulator);
    let review = client
        .create_code_review()
        .body(
            bp::CreateCodeReviewBody::builder()
                .app_id("demo-app")
                .from_version("feature-checkout")
                .to_version("main")
                .title(Some("Checkout rework".to_string()))
                .focus_areas(Some("payments".to_string())),
        )
        .send()
        .await
        .unwrap()
        .into_inner();
    let get = || async {
        client
            .get_code_review()
            .review_id(&review.review_id)
            .send()
            .await
            .unwrap()
            .into_inner()
    };
    let open = get().await;
    let agent = open.agent.as_ref().unwrap();
    assert_eq!(agent.agent_id.as_ref(), Some(&review.agent_id));
    assert_eq!(agent.kind, Some(bp::ReviewAgentKind::CodeReview));
    assert!(open.changes.is_empty());
    assert_eq!(open.review.status, bp::ReviewMetadataStatus::Open);

    emulator.clock().advance(Duration::from_secs(40));
    let done = get().await;
    assert_eq!(
        done.agent.as_ref().and_then(|a| a.status.clone()),
        Some(bp::RunStatus::Completed)
    );
    assert_eq!(
        (done.changes.len(), done.comments.len(), done.tests.len()),
        (1, 1, 1)
    );
    assert!(done.changes[0].description.contains("payments"));
    assert_eq!(
        done.review.provider,
        Some(bp::ReviewMetadataProvider::Openai)
    );
    assert_eq!(done.review_comments.len(), 1);

    let follow_up = client
        .send_agent_message()
        .agent_id(&review.agent_id)
        .body(bp::SendAgentMessageBody::builder().prompt("More?"))
        .send()
        .await;
    assert_eq!(
        code(follow_up),
        (409, "conversation_kind_unsupported".into())
    );
}

#[tokio::test]
async fn test_runs_walk_their_steps_and_stop_on_a_failing_one() {
    let emulator = start(manual()).await;
    let client = buildprint(&emulator);
    let step = |instruction: &str, on_failure| bp::TestStepInput {
        step_type: Some(bp::TestStepInputStepType::Test),
        instruction: Some(instruction.into()),
        on_failure: Some(on_failure),
        ..Default::default()
    };
    let test_id = client
        .create_test()
        .body(
            bp::CreateTestBody::builder()
                .app_id("demo-app")
                .name("Flaky")
                .steps(vec![
                    step("Open the shop", bp::OnFailure::Stop),
                    step(
                        &format!("Check the banner {EMULATE_WARN}"),
                        bp::OnFailure::Continue,
                    ),
                    step(&format!("Pay {EMULATE_FAIL}"), bp::OnFailure::Stop),
                    step("See the receipt", bp::OnFailure::Stop),
                ]),
        )
        .send()
        .await
        .unwrap()
        .into_inner()
        .test_id;
    let run_id = client
        .start_test_run()
        .body(
            bp::StartTestRunBody::builder()
                .test_id(&test_id)
                .branch_id("Main"),
        )
        .send()
        .await
        .unwrap()
        .into_inner()
        .run_id;
    let get = || async {
        client
            .get_test_run()
            .run_id(&run_id)
            .send()
            .await
            .unwrap()
            .into_inner()
    };
    let statuses = |run: &bp::GetTestRunResponse| -> Vec<String> {
        run.steps.iter().map(|s| s.status.to_string()).collect()
    };

    assert_eq!(get().await.run.status, bp::TestRunStatus::Queued);
    emulator.clock().advance(Duration::from_secs(7)); // queue 2 s, first step 4 s done
    let running = get().await;
    assert_eq!(running.run.status, bp::TestRunStatus::Running);
    assert_eq!(
        statuses(&running),
        ["passed", "pending", "pending", "pending"]
    );
    assert_eq!(
        running.run.next_pending_step_id.as_deref(),
        Some(running.steps[1].id.as_str())
    );

    emulator.clock().advance(Duration::from_secs(60));
    let done = get().await;
    assert_eq!(done.run.status, bp::TestRunStatus::Error);
    assert_eq!(statuses(&done), ["passed", "warning", "error", "cancelled"]);
    assert!(done.run.summary.as_deref().unwrap().contains("Pay"));
    assert_eq!(
        done.run.counts.get("cancelled"),
        Some(&serde_json::json!(1))
    );
    assert_eq!(done.test.unwrap().name, "Flaky");

    let component = client.list_tests().app_id("demo-app").send().await.unwrap();
    let login = component.tests.iter().find(|t| t.is_component).unwrap();
    let refused = client
        .start_test_run()
        .body(
            bp::StartTestRunBody::builder()
                .test_id(&login.id)
                .branch_id("main"),
        )
        .send()
        .await;
    assert_eq!(code(refused), (400, "component_not_runnable".into()));
}

#[tokio::test]
async fn a_group_run_runs_each_test_and_sums_them_up() {
    let emulator = start(manual()).await;
    let client = buildprint(&emulator);
    let groups = client
        .list_test_groups()
        .app_id("demo-app")
        .send()
        .await
        .unwrap();
    let group_run_id = client
        .start_test_group_run()
        .body(
            bp::StartTestGroupRunBody::builder()
                .group_id(groups.groups[0].id.clone().unwrap())
                .branch_id("main"),
        )
        .send()
        .await
        .unwrap()
        .into_inner()
        .group_run_id
        .unwrap();
    let get = || async {
        client
            .get_test_group_run()
            .group_run_id(&group_run_id)
            .send()
            .await
            .unwrap()
            .into_inner()
    };
    let queued = get().await;
    assert_eq!(queued.run.status, bp::TestRunStatus::Queued);
    assert_eq!(queued.child_runs.len(), 2);
    emulator.clock().advance(Duration::from_secs(4));
    assert_eq!(get().await.run.status, bp::TestRunStatus::Running);
    emulator.clock().advance(Duration::from_secs(60));
    let done = get().await;
    assert_eq!(done.run.status, bp::TestRunStatus::Passed);
    assert!(
        done.child_runs
            .iter()
            .all(|c| c.status == bp::TestRunStatus::Passed)
    );
    assert_eq!(done.run.counts.get("passed"), Some(&serde_json::json!(2)));
    // The checkout test ran the Log in component's steps first.
    let checkout = done
        .child_runs
        .iter()
        .find(|c| c.test_name == "Checkout happy path")
        .unwrap();
    let run = client
        .get_test_run()
        .run_id(&checkout.id)
        .send()
        .await
        .unwrap();
    assert_eq!(run.steps.len(), 5);
    assert_eq!(
        run.steps[0].source_component_name.as_deref(),
        Some("Log in")
    );
    assert_eq!(
        run.run.assigned_test_user.as_ref().unwrap().name.as_deref(),
        Some("Test shopper")
    );
}

#[tokio::test]
async fn the_concurrent_agent_limit_answers_409_until_a_run_ends() {
    let emulator = start(Config {
        max_concurrent_agents: 2,
        ..manual()
    })
    .await;
    let client = buildprint(&emulator);
    for _ in 0..2 {
        client
            .start_agent()
            .body(agent_body("Busy"))
            .send()
            .await
            .unwrap();
    }
    let third = client
        .start_agent()
        .body(agent_body("One too many"))
        .send()
        .await;
    assert_eq!(code(third), (409, "concurrent_agent_limit".into()));
    emulator.clock().advance(Duration::from_secs(30));
    client
        .start_agent()
        .body(agent_body("Now there is room"))
        .send()
        .await
        .unwrap();
    assert_eq!(emulator.received().agents_started, 3);
}

#[tokio::test]
async fn only_manual_automations_run() {
    let emulator = start(manual()).await;
    let client = buildprint(&emulator);
    let automations = client
        .list_automations()
        .app_id("demo-app")
        .send()
        .await
        .unwrap();
    let scheduled = automations
        .automations
        .iter()
        .find(|a| !a.can_run_manually)
        .unwrap();
    let refused = client
        .run_automation()
        .automation_id(&scheduled.id)
        .send()
        .await;
    assert_eq!(code(refused), (400, "automation_not_manual".into()));
    let manual_one = automations
        .automations
        .iter()
        .find(|a| a.can_run_manually)
        .unwrap();
    client
        .run_automation()
        .automation_id(&manual_one.id)
        .send()
        .await
        .unwrap();
    let after = client
        .list_automations()
        .app_id("demo-app")
        .send()
        .await
        .unwrap();
    let ran = after
        .automations
        .iter()
        .find(|a| a.id == manual_one.id)
        .unwrap();
    assert_eq!(ran.last_run_at, Some(START_MS as i64));
}

#[tokio::test]
async fn a_version_sync_answers_200_when_it_finishes_in_the_window_and_202_otherwise() {
    // A running clock, fast: the endpoint really waits its window.
    let emulator = start(Config {
        clock: Clock::scaled(10_000.0),
        ..Config::default()
    })
    .await;
    let client = buildprint(&emulator);
    let sync = |branch: &'static str| {
        let client = &client;
        async move {
            client
                .sync_version()
                .body(
                    bp::SyncVersionBody::builder()
                        .app_id("demo-app")
                        .version(branch),
                )
                .send()
                .await
                .unwrap()
        }
    };
    let quick = sync("main").await;
    assert_eq!(quick.status(), 200);
    assert_eq!(quick.status, bp::SyncStatusStatus::Completed);

    let slow = sync("feature-checkout").await;
    assert_eq!(slow.status(), 202);
    assert_eq!(slow.status, bp::SyncStatusStatus::InProgress);
    let version_id = slow.into_inner().version_id;
    let mut stages = Vec::new();
    loop {
        let status = client
            .get_sync_status()
            .app_id("demo-app")
            .version_id(&version_id)
            .send()
            .await
            .unwrap();
        if stages.last() != Some(&status.stage) {
            stages.push(status.stage.clone());
        }
        if status.status != bp::SyncStatusStatus::InProgress {
            break;
        }
        tokio::time::sleep(Duration::from_micros(50)).await;
    }
    assert_eq!(stages.last(), Some(&bp::VersionStage::Completed));

    let broken = sync("broken-export").await;
    assert_eq!(broken.status(), 202);
    let version_id = broken.into_inner().version_id;
    tokio::time::sleep(Duration::from_millis(5)).await;
    let failed = client
        .get_sync_status()
        .app_id("demo-app")
        .version_id(&version_id)
        .send()
        .await
        .unwrap();
    assert_eq!(failed.status, bp::SyncStatusStatus::Failed);
    assert!(failed.error.is_some());

    let listed = client
        .list_versions()
        .app_id("demo-app")
        .version("feature-checkout")
        .send()
        .await
        .unwrap();
    assert_eq!(listed.versions.len(), 2, "the seeded sync and the new one");
    let page = client
        .list_versions()
        .app_id("demo-app")
        .version("main")
        .limit(1)
        .send()
        .await
        .unwrap();
    assert_eq!(page.versions.len(), 1);
    let next = page.next_cursor.clone().unwrap();
    let rest = client
        .list_versions()
        .app_id("demo-app")
        .version("main")
        .limit(1)
        .cursor(&next)
        .send()
        .await
        .unwrap();
    assert_ne!(rest.versions[0].version_id, page.versions[0].version_id);
}

#[tokio::test]
async fn deleting_archives() {
    let emulator = start(manual()).await;
    let client = buildprint(&emulator);
    let tests = client.list_tests().app_id("demo-app").send().await.unwrap();
    let search = tests
        .tests
        .iter()
        .find(|t| t.name == "Search finds products")
        .unwrap();
    client
        .delete_test()
        .test_id(&search.id)
        .send()
        .await
        .unwrap();
    let archived = client.get_test().test_id(&search.id).send().await.unwrap();
    assert_eq!(archived.archived_at, Some(START_MS as i64));
    let listed = client.list_tests().app_id("demo-app").send().await.unwrap();
    assert!(listed.tests.iter().all(|t| t.id != search.id));
    let again = client.delete_test().test_id(&search.id).send().await;
    assert_eq!(code(again), (409, "test_archived".into()));
    let login = listed.tests.iter().find(|t| t.is_component).unwrap();
    let in_use = client.delete_test().test_id(&login.id).send().await;
    assert_eq!(code(in_use), (409, "component_in_use".into()));

    let users = client
        .list_test_users()
        .app_id("demo-app")
        .send()
        .await
        .unwrap();
    let user = &users.test_users[0];
    client
        .delete_test_user()
        .test_user_id(&user.id)
        .send()
        .await
        .unwrap();
    let gone = client.get_test_user().test_user_id(&user.id).send().await;
    assert_eq!(code(gone).0, 404);
}
