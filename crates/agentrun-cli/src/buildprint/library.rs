//! `agentrun buildprint automations|tests|test-groups|test-users ...`: an app's automations,
//! tests and components, test groups and test users.

use agentrun::Error;
use agentrun::buildprint::builder as op;
use agentrun::buildprint::types as bp;
use agentrun::runtime::Request;

use super::flags::StepsFlag;
use super::{client, parsed, send_flags, shown, steps_field};
use crate::commands::flags::value;
use crate::commands::{Invocation, Outcome};
use crate::output::{fields, maybe_when, table, when};

/// `automations list`.
pub(super) async fn list_automations(invocation: Invocation<'_>) -> Result<Outcome, Error> {
    shown::<op::ListAutomations<'_>>(&invocation, |l| {
        let rows: Vec<Vec<String>> = l
            .automations
            .iter()
            .map(|a| {
                vec![
                    a.id.clone(),
                    a.trigger_kind.to_string(),
                    if a.can_run_manually { "yes" } else { "no" }.into(),
                    maybe_when(a.last_run_at),
                    a.name.clone(),
                ]
            })
            .collect();
        table(&["ID", "TRIGGER", "RUNNABLE", "LAST RUN", "NAME"], &rows)
    })
    .await
}

/// `automations run`.
pub(super) async fn run_automation(invocation: Invocation<'_>) -> Result<Outcome, Error> {
    shown::<op::RunAutomation<'_>>(&invocation, |q| {
        format!(
            "Queued automation {} ({}) at {}.",
            q.automation_id,
            q.status,
            when(q.queued_at)
        )
    })
    .await
}

/// `tests list`.
pub(super) async fn list_tests(invocation: Invocation<'_>) -> Result<Outcome, Error> {
    shown::<op::ListTests<'_>>(&invocation, |l| test_summary_rows(&l.tests)).await
}

/// `tests create`: `--steps` from JSON or a file.
pub(super) async fn create_test(invocation: Invocation<'_>) -> Result<Outcome, Error> {
    let steps: StepsFlag = parsed(invocation.flags)?;
    let (client, out, m) = (&client(&invocation)?, invocation.output, invocation.flags);
    let created = send_flags::<op::CreateTest<'_>>(
        client,
        m,
        steps_field(&steps, op::CreateTest::OPERATION)?,
    )
    .await?;
    out.show(&created, |c| format!("Created test {}.", c.test_id))?;
    Ok(Outcome::Done)
}

/// `tests get`.
pub(super) async fn get_test(invocation: Invocation<'_>) -> Result<Outcome, Error> {
    shown::<op::GetTest<'_>>(&invocation, test_text).await
}

/// `tests update`: `--steps` from JSON or a file.
pub(super) async fn update_test(invocation: Invocation<'_>) -> Result<Outcome, Error> {
    let steps: StepsFlag = parsed(invocation.flags)?;
    let (client, out, m) = (&client(&invocation)?, invocation.output, invocation.flags);
    let test_id = || value(m, "testId").unwrap_or_default();
    let done = send_flags::<op::UpdateTest<'_>>(
        client,
        m,
        steps_field(&steps, op::UpdateTest::OPERATION)?,
    )
    .await?;
    out.show(&done, ok_text(&format!("Updated test {}.", test_id())))?;
    Ok(Outcome::Done)
}

/// `tests delete`.
pub(super) async fn delete_test(invocation: Invocation<'_>) -> Result<Outcome, Error> {
    let test_id = || value(invocation.flags, "testId").unwrap_or_default();
    shown::<op::DeleteTest<'_>>(
        &invocation,
        ok_text(&format!("Archived test {}.", test_id())),
    )
    .await
}

/// `test-groups list`.
pub(super) async fn list_groups(invocation: Invocation<'_>) -> Result<Outcome, Error> {
    shown::<op::ListTestGroups<'_>>(&invocation, |l| {
        let rows: Vec<Vec<String>> = l
            .groups
            .iter()
            .map(|g| {
                vec![
                    g.id.clone().unwrap_or_default(),
                    g.test_count.map(|n| n.to_string()).unwrap_or_default(),
                    maybe_when(g.updated_at),
                    g.name.clone().unwrap_or_default(),
                ]
            })
            .collect();
        table(&["ID", "TESTS", "UPDATED", "NAME"], &rows)
    })
    .await
}

/// `test-groups create`.
pub(super) async fn create_group(invocation: Invocation<'_>) -> Result<Outcome, Error> {
    shown::<op::CreateTestGroup<'_>>(&invocation, |c| match &c.group_id {
        Some(id) => format!("Created test group {id}."),
        None => "Created a test group (the answer names no ID).".into(),
    })
    .await
}

/// `test-groups get`.
pub(super) async fn get_group(invocation: Invocation<'_>) -> Result<Outcome, Error> {
    shown::<op::GetTestGroup<'_>>(&invocation, |g| {
        let mut text = fields(&[
            ("group", g.id.clone()),
            ("name", g.name.clone()),
            ("description", g.description.clone().unwrap_or_default()),
            ("archived", maybe_when(g.archived_at)),
        ]);
        text.push_str(&format!("\nmembers ({}):", g.members.len()));
        for member in &g.members {
            text.push_str(&format!("\n  {}  {}", member.test_id, member.name));
        }
        text
    })
    .await
}

/// `test-groups update`.
pub(super) async fn update_group(invocation: Invocation<'_>) -> Result<Outcome, Error> {
    let group_id = value(invocation.flags, "groupId").unwrap_or_default();
    shown::<op::UpdateTestGroup<'_>>(
        &invocation,
        ok_text(&format!("Updated test group {group_id}.")),
    )
    .await
}

/// `test-groups delete`.
pub(super) async fn delete_group(invocation: Invocation<'_>) -> Result<Outcome, Error> {
    let group_id = value(invocation.flags, "groupId").unwrap_or_default();
    shown::<op::DeleteTestGroup<'_>>(
        &invocation,
        ok_text(&format!("Archived test group {group_id}.")),
    )
    .await
}

/// `test-users list`.
pub(super) async fn list_users(invocation: Invocation<'_>) -> Result<Outcome, Error> {
    shown::<op::ListTestUsers<'_>>(&invocation, |l| {
        let rows: Vec<Vec<String>> = l
            .test_users
            .iter()
            .map(|u| {
                vec![
                    u.id.clone(),
                    u.database.to_string(),
                    if u.is_disabled { "yes" } else { "no" }.into(),
                    u.email.clone().unwrap_or_default(),
                    u.name.clone(),
                ]
            })
            .collect();
        table(&["ID", "DATABASE", "DISABLED", "EMAIL", "NAME"], &rows)
    })
    .await
}

/// `test-users create`.
pub(super) async fn create_user(invocation: Invocation<'_>) -> Result<Outcome, Error> {
    shown::<op::CreateTestUser<'_>>(&invocation, |c| {
        format!("Created test user {}.", c.test_user_id)
    })
    .await
}

/// `test-users get`.
pub(super) async fn get_user(invocation: Invocation<'_>) -> Result<Outcome, Error> {
    shown::<op::GetTestUser<'_>>(&invocation, user_text).await
}

/// `test-users update`.
pub(super) async fn update_user(invocation: Invocation<'_>) -> Result<Outcome, Error> {
    let test_user_id = value(invocation.flags, "testUserId").unwrap_or_default();
    shown::<op::UpdateTestUser<'_>>(
        &invocation,
        ok_text(&format!("Updated test user {test_user_id}.")),
    )
    .await
}

/// `test-users delete`.
pub(super) async fn delete_user(invocation: Invocation<'_>) -> Result<Outcome, Error> {
    let test_user_id = value(invocation.flags, "testUserId").unwrap_or_default();
    shown::<op::DeleteTestUser<'_>>(
        &invocation,
        ok_text(&format!("Deleted test user {test_user_id}.")),
    )
    .await
}

fn test_summary_rows(tests: &[bp::TestSummary]) -> String {
    let rows: Vec<Vec<String>> = tests
        .iter()
        .map(|t| {
            vec![
                t.id.clone(),
                if t.is_component { "component" } else { "test" }.into(),
                t.viewport_preset
                    .as_ref()
                    .map(|v| v.to_string())
                    .unwrap_or_default(),
                when(t.updated_at),
                t.name.clone(),
            ]
        })
        .collect();
    table(&["ID", "KIND", "VIEWPORT", "UPDATED", "NAME"], &rows)
}

/// The line an answer that only says it was done is shown as.
fn ok_text<T>(what: &str) -> impl FnOnce(&T) -> String + '_ {
    move |_| what.to_string()
}

fn test_text(test: &bp::Test) -> String {
    let mut text = fields(&[
        ("test", test.id.clone()),
        ("name", test.name.clone()),
        (
            "kind",
            if test.is_component {
                "component"
            } else {
                "test"
            }
            .into(),
        ),
        ("description", test.description.clone().unwrap_or_default()),
        ("archived", maybe_when(test.archived_at)),
        ("updated", when(test.updated_at)),
    ]);
    text.push_str("\nsteps:");
    for (i, step) in test.steps.iter().enumerate() {
        // Either version of the docs: a component step names its component, any other step
        // its instruction.
        let line = match (&step.component_id, &step.instruction) {
            (Some(component), _) => format!("component {component}"),
            (None, instruction) => {
                let mut line = instruction.clone().unwrap_or_default();
                if let Some(kind) = step.step_type.as_ref().filter(|t| t.as_str() != "test") {
                    line = format!("[{kind}] {line}");
                }
                if let Some(on_failure) = &step.on_failure {
                    line.push_str(&format!(" (on failure: {on_failure})"));
                }
                line
            }
        };
        text.push_str(&format!("\n  {:>2}. {line}", i + 1));
    }
    text
}

fn user_text(user: &bp::TestUser) -> String {
    fields(&[
        ("test user", user.id.clone()),
        ("name", user.name.clone()),
        ("email", user.email.clone().unwrap_or_default()),
        ("database", user.database.to_string()),
        (
            "disabled",
            if user.is_disabled { "yes" } else { "no" }.into(),
        ),
        ("created", when(user.created_at)),
    ])
}
