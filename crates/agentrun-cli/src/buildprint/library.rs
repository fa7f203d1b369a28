//! `agentrun buildprint automations|tests|test-groups|test-users ...`: an app's automations,
//! tests and components, test groups and test users.

use agentrun::Error;
use agentrun::buildprint::builder as op;
use agentrun::buildprint::types as bp;
use agentrun::runtime::Request;

use super::flags::StepsFlag;
use super::{client, parsed, send_flags, steps_field};
use crate::commands::flags::value;
use crate::commands::{Invocation, Outcome};
use crate::output::{fields, maybe_when, table, when};
use serde_json::Map;

/// `automations list`.
pub(super) async fn list_automations(invocation: Invocation<'_>) -> Result<Outcome, Error> {
    let (client, out, m) = (&client(&invocation)?, invocation.output, invocation.flags);
    let list = send_flags::<op::ListAutomations<'_>>(client, m, Map::new()).await?;
    out.show(&list, |l| {
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
    });
    Ok(Outcome::Done)
}

/// `automations run`.
pub(super) async fn run_automation(invocation: Invocation<'_>) -> Result<Outcome, Error> {
    let (client, out, m) = (&client(&invocation)?, invocation.output, invocation.flags);
    let queued = send_flags::<op::RunAutomation<'_>>(client, m, Map::new()).await?;
    out.show(&queued, |q| {
        format!(
            "Queued automation {} ({}) at {}.",
            q.automation_id,
            q.status,
            when(q.queued_at)
        )
    });
    Ok(Outcome::Done)
}

/// `tests list`.
pub(super) async fn list_tests(invocation: Invocation<'_>) -> Result<Outcome, Error> {
    let (client, out, m) = (&client(&invocation)?, invocation.output, invocation.flags);
    let list = send_flags::<op::ListTests<'_>>(client, m, Map::new()).await?;
    out.show(&list, |l| test_summary_rows(&l.tests));
    Ok(Outcome::Done)
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
    out.show(&created, |c| format!("Created test {}.", c.test_id));
    Ok(Outcome::Done)
}

/// `tests get`.
pub(super) async fn get_test(invocation: Invocation<'_>) -> Result<Outcome, Error> {
    let (client, out, m) = (&client(&invocation)?, invocation.output, invocation.flags);
    let test = send_flags::<op::GetTest<'_>>(client, m, Map::new()).await?;
    out.show(&test, test_text);
    Ok(Outcome::Done)
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
    out.show(&done, ok_text(&format!("Updated test {}.", test_id())));
    Ok(Outcome::Done)
}

/// `tests delete`.
pub(super) async fn delete_test(invocation: Invocation<'_>) -> Result<Outcome, Error> {
    let (client, out, m) = (&client(&invocation)?, invocation.output, invocation.flags);
    let test_id = || value(m, "testId").unwrap_or_default();
    let done = send_flags::<op::DeleteTest<'_>>(client, m, Map::new()).await?;
    out.show(&done, ok_text(&format!("Archived test {}.", test_id())));
    Ok(Outcome::Done)
}

/// `test-groups list`.
pub(super) async fn list_groups(invocation: Invocation<'_>) -> Result<Outcome, Error> {
    let (client, out, m) = (&client(&invocation)?, invocation.output, invocation.flags);
    let list = send_flags::<op::ListTestGroups<'_>>(client, m, Map::new()).await?;
    out.show(&list, |l| {
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
    });
    Ok(Outcome::Done)
}

/// `test-groups create`.
pub(super) async fn create_group(invocation: Invocation<'_>) -> Result<Outcome, Error> {
    let (client, out, m) = (&client(&invocation)?, invocation.output, invocation.flags);
    let created = send_flags::<op::CreateTestGroup<'_>>(client, m, Map::new()).await?;
    out.show(&created, |c| match &c.group_id {
        Some(id) => format!("Created test group {id}."),
        None => "Created a test group (the answer names no ID).".into(),
    });
    Ok(Outcome::Done)
}

/// `test-groups get`.
pub(super) async fn get_group(invocation: Invocation<'_>) -> Result<Outcome, Error> {
    let (client, out, m) = (&client(&invocation)?, invocation.output, invocation.flags);
    let group = send_flags::<op::GetTestGroup<'_>>(client, m, Map::new()).await?;
    out.show(&group, |g| {
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
    });
    Ok(Outcome::Done)
}

/// `test-groups update`.
pub(super) async fn update_group(invocation: Invocation<'_>) -> Result<Outcome, Error> {
    let (client, out, m) = (&client(&invocation)?, invocation.output, invocation.flags);
    let group_id = value(m, "groupId").unwrap_or_default();
    let done = send_flags::<op::UpdateTestGroup<'_>>(client, m, Map::new()).await?;
    out.show(&done, ok_text(&format!("Updated test group {group_id}.")));
    Ok(Outcome::Done)
}

/// `test-groups delete`.
pub(super) async fn delete_group(invocation: Invocation<'_>) -> Result<Outcome, Error> {
    let (client, out, m) = (&client(&invocation)?, invocation.output, invocation.flags);
    let group_id = value(m, "groupId").unwrap_or_default();
    let done = send_flags::<op::DeleteTestGroup<'_>>(client, m, Map::new()).await?;
    out.show(&done, ok_text(&format!("Archived test group {group_id}.")));
    Ok(Outcome::Done)
}

/// `test-users list`.
pub(super) async fn list_users(invocation: Invocation<'_>) -> Result<Outcome, Error> {
    let (client, out, m) = (&client(&invocation)?, invocation.output, invocation.flags);
    let list = send_flags::<op::ListTestUsers<'_>>(client, m, Map::new()).await?;
    out.show(&list, |l| {
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
    });
    Ok(Outcome::Done)
}

/// `test-users create`.
pub(super) async fn create_user(invocation: Invocation<'_>) -> Result<Outcome, Error> {
    let (client, out, m) = (&client(&invocation)?, invocation.output, invocation.flags);
    let created = send_flags::<op::CreateTestUser<'_>>(client, m, Map::new()).await?;
    out.show(&created, |c| {
        format!("Created test user {}.", c.test_user_id)
    });
    Ok(Outcome::Done)
}

/// `test-users get`.
pub(super) async fn get_user(invocation: Invocation<'_>) -> Result<Outcome, Error> {
    let (client, out, m) = (&client(&invocation)?, invocation.output, invocation.flags);
    let user = send_flags::<op::GetTestUser<'_>>(client, m, Map::new()).await?;
    out.show(&user, user_text);
    Ok(Outcome::Done)
}

/// `test-users update`.
pub(super) async fn update_user(invocation: Invocation<'_>) -> Result<Outcome, Error> {
    let (client, out, m) = (&client(&invocation)?, invocation.output, invocation.flags);
    let test_user_id = value(m, "testUserId").unwrap_or_default();
    let done = send_flags::<op::UpdateTestUser<'_>>(client, m, Map::new()).await?;
    out.show(
        &done,
        ok_text(&format!("Updated test user {test_user_id}.")),
    );
    Ok(Outcome::Done)
}

/// `test-users delete`.
pub(super) async fn delete_user(invocation: Invocation<'_>) -> Result<Outcome, Error> {
    let (client, out, m) = (&client(&invocation)?, invocation.output, invocation.flags);
    let test_user_id = value(m, "testUserId").unwrap_or_default();
    let done = send_flags::<op::DeleteTestUser<'_>>(client, m, Map::new()).await?;
    out.show(
        &done,
        ok_text(&format!("Deleted test user {test_user_id}.")),
    );
    Ok(Outcome::Done)
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

fn ok_text(what: &str) -> impl FnOnce(&bp::MutationResult) -> String + '_ {
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
