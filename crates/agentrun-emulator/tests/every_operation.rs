//! Every operation of both normalized specs, called through the generated clients: each answers
//! with a documented success status and a body the generated types read. Then every route of
//! both specs, called raw, is known to the emulator (no 404 for the route, no 405).

// Test code: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used)]

mod common;

use std::collections::BTreeSet;
use std::time::Duration;

use agentrun_buildprint::types as bp;
use common::{PUBLIC_KEY, bearer, builder, buildprint, manual, raw, start};
use heck::ToSnakeCase;
use serde_json::Value;

/// The operationIds of a normalized spec, in snake case (the client's method names).
fn operations(document: &str) -> BTreeSet<String> {
    let spec: Value = serde_json::from_str(document).unwrap();
    let mut ids = BTreeSet::new();
    for item in spec["paths"].as_object().unwrap().values() {
        for op in item.as_object().unwrap().values() {
            if let Some(id) = op.get("operationId").and_then(Value::as_str) {
                ids.insert(id.to_snake_case());
            }
        }
    }
    ids
}

fn step(instruction: &str) -> bp::TestStepInput {
    bp::TestStepInput {
        step_type: Some(bp::TestStepInputStepType::Test),
        instruction: Some(instruction.into()),
        on_failure: Some(bp::OnFailure::Stop),
        ..Default::default()
    }
}

#[tokio::test]
async fn every_operation_answers_through_the_generated_clients() {
    let emulator = start(manual()).await;
    let bp = buildprint(&emulator);
    let app = "demo-app";
    let mut called = BTreeSet::new();
    let mut call = |name: &str| called.insert(name.to_string());

    // Automations.
    let automations = bp
        .list_automations()
        .app_id(app)
        .send()
        .await
        .unwrap()
        .into_inner()
        .automations;
    call("list_automations");
    assert_eq!(automations.len(), 3);
    let manual_one = automations.iter().find(|a| a.can_run_manually).unwrap();
    let queued = bp
        .run_automation()
        .automation_id(&manual_one.id)
        .send()
        .await
        .unwrap();
    call("run_automation");
    assert_eq!(queued.status(), 202);
    assert_eq!(queued.status, "queued");

    // Test users.
    let users = bp
        .list_test_users()
        .app_id(app)
        .send()
        .await
        .unwrap()
        .into_inner()
        .test_users;
    call("list_test_users");
    assert_eq!(users.len(), 2);
    let user = bp
        .create_test_user()
        .body(
            bp::CreateTestUserBody::builder()
                .app_id(app)
                .name("Checkout tester")
                .email(Some("tester@example.com".to_string()))
                .database(bp::TestUserDatabase::Test),
        )
        .send()
        .await
        .unwrap();
    call("create_test_user");
    assert_eq!(user.status(), 201);
    let user_id = user.into_inner().test_user_id;
    let fetched = bp
        .get_test_user()
        .test_user_id(&user_id)
        .send()
        .await
        .unwrap();
    call("get_test_user");
    assert_eq!(fetched.name, "Checkout tester");
    let updated = bp
        .update_test_user()
        .test_user_id(&user_id)
        .body(
            bp::UpdateTestUserBody::builder()
                .name("Checkout tester")
                .database(bp::TestUserDatabase::Test)
                .is_disabled(false),
        )
        .send()
        .await
        .unwrap();
    call("update_test_user");
    assert!(updated.ok);

    // Tests.
    let tests = bp
        .list_tests()
        .app_id(app)
        .send()
        .await
        .unwrap()
        .into_inner()
        .tests;
    call("list_tests");
    let login = tests.iter().find(|t| t.is_component).unwrap().id.clone();
    // Written as the older docs write it: `kind` alone, no `stepType` or `onFailure`.
    let component_step = bp::TestStepInput {
        kind: Some("component".into()),
        component_id: Some(login.clone()),
        ..Default::default()
    };
    let created = bp
        .create_test()
        .body(
            bp::CreateTestBody::builder()
                .app_id(app)
                .name("Coupon applies")
                .test_version_test_user_id(Some(user_id.clone()))
                .steps(vec![
                    component_step,
                    step("Apply the coupon SAVE10"),
                    step("See 10% off"),
                ]),
        )
        .send()
        .await
        .unwrap();
    call("create_test");
    assert_eq!(created.status(), 201);
    let test_id = created.into_inner().test_id;
    let test = bp.get_test().test_id(&test_id).send().await.unwrap();
    call("get_test");
    assert_eq!(test.steps.len(), 3);
    assert_eq!(test.steps[0].component_id.as_ref(), Some(&login));
    assert_eq!(test.steps[0].kind.as_deref(), Some("component"));
    assert_eq!(
        test.steps[0].step_type,
        Some(bp::TestStepStepType::Component)
    );
    let updated = bp
        .update_test()
        .test_id(&test_id)
        .body(
            bp::UpdateTestBody::builder()
                .name("Coupon applies")
                .is_component(false)
                .test_version_test_user_id(Some(user_id.clone()))
                .steps(vec![step("Apply the coupon SAVE10"), step("See 10% off")]),
        )
        .send()
        .await
        .unwrap();
    call("update_test");
    assert!(updated.ok);

    // Test groups.
    let groups = bp
        .list_test_groups()
        .app_id(app)
        .send()
        .await
        .unwrap()
        .into_inner()
        .groups;
    call("list_test_groups");
    assert_eq!(groups.len(), 1);
    let group = bp
        .create_test_group()
        .body(
            bp::CreateTestGroupBody::builder()
                .app_id(app)
                .name("Coupons")
                .test_ids(vec![test_id.clone()]),
        )
        .send()
        .await
        .unwrap();
    call("create_test_group");
    assert_eq!(group.status(), 201);
    let group_id = group.into_inner().group_id.unwrap();
    let group = bp
        .get_test_group()
        .group_id(&group_id)
        .send()
        .await
        .unwrap();
    call("get_test_group");
    assert_eq!(group.members.len(), 1);
    let updated = bp
        .update_test_group()
        .group_id(&group_id)
        .body(
            bp::UpdateTestGroupBody::builder()
                .name("Coupons and discounts")
                .test_ids(vec![test_id.clone()]),
        )
        .send()
        .await
        .unwrap();
    call("update_test_group");
    assert!(updated.ok);

    // Test runs.
    let run = bp
        .start_test_run()
        .body(
            bp::StartTestRunBody::builder()
                .test_id(&test_id)
                .branch_id("main"),
        )
        .send()
        .await
        .unwrap();
    call("start_test_run");
    assert_eq!(run.status(), 201);
    let run_id = run.into_inner().run_id;
    let run = bp.get_test_run().run_id(&run_id).send().await.unwrap();
    call("get_test_run");
    assert_eq!(run.run.status, bp::TestRunStatus::Queued);
    let group_run = bp
        .start_test_group_run()
        .body(
            bp::StartTestGroupRunBody::builder()
                .group_id(&group_id)
                .branch_id("main"),
        )
        .send()
        .await
        .unwrap();
    call("start_test_group_run");
    let group_run_id = group_run.into_inner().group_run_id.unwrap();
    emulator.clock().advance(Duration::from_secs(60));
    let run = bp.get_test_run().run_id(&run_id).send().await.unwrap();
    assert_eq!(run.run.status, bp::TestRunStatus::Passed);
    let group_run = bp
        .get_test_group_run()
        .group_run_id(&group_run_id)
        .send()
        .await
        .unwrap();
    call("get_test_group_run");
    assert_eq!(group_run.run.status, bp::TestRunStatus::Passed);
    assert_eq!(group_run.child_runs.len(), 1);

    // Agents.
    let started = bp
        .start_agent()
        .body(
            bp::StartAgentBody::builder()
                .app_id(app)
                .prompt("Why does the coupon not apply twice?")
                .model(bp::SelectableModel::BuildprintGpt56Sol),
        )
        .send()
        .await
        .unwrap();
    call("start_agent");
    assert_eq!(started.status(), 202);
    assert_eq!(started.status, bp::RunStatus::Queued);
    let agent_id = started.into_inner().agent_id;
    let agent = bp.get_agent().agent_id(&agent_id).send().await.unwrap();
    call("get_agent");
    assert_eq!(agent.status, bp::RunStatus::Queued);
    let follow_up = bp
        .send_agent_message()
        .agent_id(&agent_id)
        .body(bp::SendAgentMessageBody::builder().prompt("Also check the cart page."))
        .send()
        .await
        .unwrap();
    call("send_agent_message");
    assert_eq!(follow_up.status(), 202);

    // Code reviews.
    let review = bp
        .create_code_review()
        .body(
            bp::CreateCodeReviewBody::builder()
                .app_id(app)
                .from_version("feature-checkout")
                .to_version("main"),
        )
        .send()
        .await
        .unwrap();
    call("create_code_review");
    assert_eq!(review.status(), 202);
    let review_id = review.into_inner().review_id;
    let reviews = bp.list_code_reviews().app_id(app).send().await.unwrap();
    call("list_code_reviews");
    assert_eq!(reviews.open.len(), 1);
    assert_eq!((reviews.merged.len(), reviews.closed.len()), (1, 1));
    let review = bp
        .get_code_review()
        .review_id(&review_id)
        .send()
        .await
        .unwrap();
    call("get_code_review");
    assert_eq!(
        review.agent.as_ref().and_then(|a| a.status.clone()),
        Some(bp::RunStatus::Queued)
    );

    // Versions.
    let versions = bp
        .list_versions()
        .app_id(app)
        .version("main")
        .send()
        .await
        .unwrap();
    call("list_versions");
    assert_eq!(versions.versions.len(), 2);
    let sync = bp
        .sync_version()
        .body(bp::SyncVersionBody::builder().app_id(app).version("main"))
        .send()
        .await
        .unwrap();
    call("sync_version");
    assert_eq!(
        sync.status(),
        202,
        "a manual clock never moves while the sync waits"
    );
    let version_id = sync.into_inner().version_id;
    emulator.clock().advance(Duration::from_secs(2));
    let status = bp
        .get_sync_status()
        .app_id(app)
        .version_id(&version_id)
        .send()
        .await
        .unwrap();
    call("get_sync_status");
    assert_eq!(status.status, bp::SyncStatusStatus::Completed);

    // Deletions archive.
    assert!(
        bp.delete_test_group()
            .group_id(&group_id)
            .send()
            .await
            .unwrap()
            .ok
    );
    call("delete_test_group");
    assert!(bp.delete_test().test_id(&test_id).send().await.unwrap().ok);
    call("delete_test");
    assert!(
        bp.delete_test_user()
            .test_user_id(&user_id)
            .send()
            .await
            .unwrap()
            .ok
    );
    call("delete_test_user");
    let document = bp.get_open_api_document().send().await.unwrap();
    assert_eq!(document["info"]["title"], "Buildprint Public API");
    call("get_open_api_document");

    assert_eq!(
        called,
        operations(agentrun_buildprint::OPENAPI_DOCUMENT),
        "every Buildprint operation is called once here"
    );

    let accepted = builder(&emulator)
        .run_agent()
        .api_key(PUBLIC_KEY)
        .body(
            agentrun_builder::types::AgentRunRequest::builder()
                .user_message(
                    agentrun_builder::types::UserMessage::builder()
                        .user_prompt("Add a dark mode toggle"),
                )
                .user_email(Some(agentrun_emulator::MEMBER_EMAIL.to_string())),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(accepted.status(), 202);
    assert_eq!(
        accepted.status,
        agentrun_builder::types::AgentRunStatus::Processing
    );
    assert!(accepted.url.starts_with(&emulator.url()));
    assert_eq!(
        operations(agentrun_builder::OPENAPI_DOCUMENT),
        BTreeSet::from(["run_agent".to_string()])
    );
}

/// Every (method, path) of both specs, with placeholder IDs and an empty body: the emulator
/// knows the route (whatever it then says about the IDs and the body).
#[tokio::test]
async fn every_route_of_both_specs_is_served() {
    let emulator = start(manual()).await;
    let http = raw();
    for (document, base) in [
        (
            agentrun_buildprint::OPENAPI_DOCUMENT,
            emulator.buildprint_url(),
        ),
        (agentrun_builder::OPENAPI_DOCUMENT, emulator.builder_url()),
    ] {
        let spec: Value = serde_json::from_str(document).unwrap();
        for (path, item) in spec["paths"].as_object().unwrap() {
            for method in item.as_object().unwrap().keys() {
                let concrete: String = path
                    .split('/')
                    .map(|s| if s.starts_with('{') { "x" } else { s })
                    .collect::<Vec<_>>()
                    .join("/");
                let url = format!("{base}{concrete}");
                let method = reqwest::Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
                let (name, value) = bearer();
                let response = http
                    .request(method.clone(), &url)
                    .header(name, value)
                    .header("content-type", "application/json")
                    .body("{}")
                    .send()
                    .await
                    .unwrap();
                let status = response.status().as_u16();
                let body: Value = response.json().await.unwrap();
                assert_ne!(status, 405, "{method} {path}");
                assert_ne!(body["code"], "route_not_found", "{method} {path}: {body}");
                if status >= 400 {
                    assert!(
                        body["error"].is_string(),
                        "{method} {path}: error body {body}"
                    );
                }
            }
        }
    }
}
