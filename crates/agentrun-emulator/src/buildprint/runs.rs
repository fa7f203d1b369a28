//! Test runs and test group runs.

use std::sync::Arc;

use agentrun_buildprint::types as bp;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;

use super::{check_capacity, non_empty, reply};
use crate::error::ApiError;
use crate::extract::{Id, JsonBody};
use crate::state::Shared;
use crate::world::{EMULATE_FAIL, EMULATE_WARN, GroupRunRec, RunRec, RunStep, TestRec, World, ms};

/// A branch by ID or display label; `live` selects the live version.
fn branch(
    world: &World,
    app: usize,
    selector: &str,
) -> Result<(String, String, bp::RunEnvironment), ApiError> {
    if selector.eq_ignore_ascii_case("live") {
        return Ok(("live".into(), "Live".into(), bp::RunEnvironment::Live));
    }
    world
        .branches
        .iter()
        .find(|b| b.app == app && (b.id == selector || b.display.eq_ignore_ascii_case(selector)))
        .map(|b| (b.id.clone(), b.display.clone(), bp::RunEnvironment::Test))
        .ok_or_else(|| {
            let known: Vec<&str> = world
                .branches
                .iter()
                .filter(|b| b.app == app)
                .map(|b| b.id.as_str())
                .collect();
            ApiError::not_found(format!(
                "Branch not found: `{selector}`; this app has {} and live",
                known.join(", ")
            ))
            .code("branch_not_found")
        })
}

/// Plans a run of `test`: its steps with components expanded, and what each will come to.
#[allow(clippy::too_many_arguments)]
fn plan(
    world: &mut World,
    shared: &Shared,
    test: &TestRec,
    branch: (String, String, bp::RunEnvironment),
    model: Option<String>,
    group: Option<(&str, &str)>,
    now: u64,
) -> RunRec {
    let timing = &shared.config.timing;
    let (branch_id, branch_display, environment) = branch;
    let mut steps = Vec::new();
    for def in &test.steps {
        if def.step_type == bp::TestStepInputStepType::Component {
            let component = def
                .component_id
                .as_ref()
                .and_then(|id| world.tests.iter().find(|t| t.id == *id))
                .cloned();
            if let Some(component) = component {
                for inner in component
                    .steps
                    .iter()
                    .filter(|s| s.step_type != bp::TestStepInputStepType::Component)
                {
                    steps.push((
                        inner.clone(),
                        Some((
                            component.id.clone(),
                            component.name.clone(),
                            inner.id.clone(),
                        )),
                    ));
                }
            }
        } else {
            steps.push((def.clone(), None));
        }
    }
    let steps = steps
        .into_iter()
        .map(|(def, source_component)| {
            let outcome = if def.instruction.contains(EMULATE_FAIL) {
                bp::TestRunStepStatus::Error
            } else if def.instruction.contains(EMULATE_WARN) {
                bp::TestRunStepStatus::Warning
            } else {
                bp::TestRunStepStatus::Passed
            };
            RunStep {
                id: world.next_id("rs"),
                skipped: def.parent_condition_outcome == Some(bp::ConditionOutcome::NotMet),
                source_kind: if source_component.is_some() {
                    bp::TestRunStepSourceKind::Component
                } else {
                    bp::TestRunStepSourceKind::Step
                },
                source_component,
                outcome,
                def,
            }
        })
        .collect();
    let user_id = match environment {
        bp::RunEnvironment::Live => test.live_user.clone(),
        _ => test.test_user.clone(),
    };
    let id = world.next_id("tr");
    let user = user_id
        .as_ref()
        .and_then(|id| world.users.iter().find(|u| u.id == *id));
    let wanted = match environment {
        bp::RunEnvironment::Live => bp::TestUserDatabase::Live,
        _ => bp::TestUserDatabase::Test,
    };
    let preflight_error = match (&user_id, user) {
        (None, _) => None,
        (Some(id), None) => Some(format!(
            "The assigned test user `{id}` is missing; the run failed before execution."
        )),
        (Some(_), Some(u)) if u.deleted => Some(format!(
            "The assigned test user `{}` was deleted; the run failed before execution.",
            u.name
        )),
        (Some(_), Some(u)) if u.disabled => Some(format!(
            "The assigned test user `{}` is disabled; the run failed before execution.",
            u.name
        )),
        (Some(_), Some(u)) if u.database != wanted => Some(format!(
            "The assigned test user `{}` targets the {} database, not {}; the run failed before execution.",
            u.name, u.database, wanted
        )),
        _ => None,
    };
    RunRec {
        id,
        app: test.app,
        test_id: test.id.clone(),
        test_name: test.name.clone(),
        test_description: test.description.clone(),
        branch_id,
        branch_display,
        model,
        environment,
        group_run_id: group.map(|(id, _)| id.to_string()),
        group_name: group.map(|(_, name)| name.to_string()),
        assigned_user: user.map(|u| bp::TestRunAssignedTestUser {
            id: Some(u.id.clone()),
            name: Some(u.name.clone()),
            email: u.email.clone(),
            database: Some(u.database.clone()),
        }),
        preflight_error,
        timeout_minutes: test.timeout_minutes,
        created_at: now,
        starts_at: now + ms(timing.test_queue),
        step_ms: ms(timing.test_step),
        steps,
    }
}

pub(super) async fn start_run(
    State(shared): State<Arc<Shared>>,
    JsonBody(body): JsonBody<bp::StartTestRunBody>,
) -> Result<Response, ApiError> {
    non_empty(&body.branch_id, "branchId")?;
    let now = shared.now();
    let mut world = shared.write();
    let test = world
        .tests
        .iter()
        .find(|t| t.id == body.test_id && t.archived_at.is_none())
        .cloned()
        .ok_or_else(|| ApiError::not_found(format!("Test not found: `{}`", body.test_id)))?;
    if test.is_component {
        return Err(ApiError::invalid(format!(
            "`{}` is a component; components are not run directly. Run a test that uses it.",
            test.name
        ))
        .code("component_not_runnable"));
    }
    let branch = branch(&world, test.app, &body.branch_id)?;
    check_capacity(&shared.config, &mut world, now)?;
    let run = plan(&mut world, &shared, &test, branch, body.model, None, now);
    let id = run.id.clone();
    world.active.insert(id.clone(), run.ends_at());
    world.runs.insert(id.clone(), run);
    drop(world);
    shared.received(|r| r.test_runs_started += 1);
    Ok(reply(
        StatusCode::CREATED,
        bp::StartTestRunResponse { run_id: id },
    ))
}

pub(super) async fn get_run(
    State(shared): State<Arc<Shared>>,
    Id(id): Id,
) -> Result<Response, ApiError> {
    let now = shared.now();
    let world = shared.read();
    let run = world
        .runs
        .get(&id)
        .ok_or_else(|| ApiError::not_found(format!("Test run not found: `{id}`")))?;
    let test_exists = world.tests.iter().any(|t| t.id == run.test_id);
    Ok(reply(
        StatusCode::OK,
        run.view(&world.projects[run.app], now, test_exists),
    ))
}

pub(super) async fn start_group_run(
    State(shared): State<Arc<Shared>>,
    JsonBody(body): JsonBody<bp::StartTestGroupRunBody>,
) -> Result<Response, ApiError> {
    non_empty(&body.branch_id, "branchId")?;
    let now = shared.now();
    let mut world = shared.write();
    let group = world
        .groups
        .iter()
        .find(|g| g.id == body.group_id && g.archived_at.is_none())
        .cloned()
        .ok_or_else(|| ApiError::not_found(format!("Test group not found: `{}`", body.group_id)))?;
    let tests: Vec<TestRec> = group
        .test_ids
        .iter()
        .filter_map(|id| {
            world
                .tests
                .iter()
                .find(|t| t.id == *id && t.archived_at.is_none() && !t.is_component)
        })
        .cloned()
        .collect();
    if tests.is_empty() {
        return Err(ApiError::invalid(format!(
            "The group `{}` has no runnable tests (components are not run directly)",
            group.name
        ))
        .code("group_empty"));
    }
    let branch = branch(&world, group.app, &body.branch_id)?;
    check_capacity(&shared.config, &mut world, now)?;
    let id = world.next_id("gr");
    let mut child_ids = Vec::new();
    let mut ends = now;
    for test in &tests {
        let run = plan(
            &mut world,
            &shared,
            test,
            branch.clone(),
            body.model.clone(),
            Some((&id, &group.name)),
            now,
        );
        ends = ends.max(run.ends_at());
        child_ids.push(run.id.clone());
        world.runs.insert(run.id.clone(), run);
    }
    world.group_runs.insert(
        id.clone(),
        GroupRunRec {
            id: id.clone(),
            group_id: group.id.clone(),
            group_name: group.name.clone(),
            branch_id: branch.0,
            branch_display: branch.1,
            model: body.model,
            environment: branch.2,
            created_at: now,
            child_ids,
        },
    );
    world.active.insert(id.clone(), ends);
    drop(world);
    shared.received(|r| r.test_group_runs_started += 1);
    Ok(reply(
        StatusCode::CREATED,
        bp::StartTestGroupRunResponse {
            group_run_id: Some(id),
        },
    ))
}

pub(super) async fn get_group_run(
    State(shared): State<Arc<Shared>>,
    Id(id): Id,
) -> Result<Response, ApiError> {
    let now = shared.now();
    let world = shared.read();
    let group_run = world
        .group_runs
        .get(&id)
        .ok_or_else(|| ApiError::not_found(format!("Test group run not found: `{id}`")))?;
    let children: Vec<&RunRec> = group_run
        .child_ids
        .iter()
        .filter_map(|c| world.runs.get(c))
        .collect();
    Ok(reply(StatusCode::OK, group_run.view(&children, now)))
}
