//! Tests, test groups and test users: create, get, update, and delete (which archives).

use std::sync::Arc;

use agentrun_buildprint::types as bp;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

use super::{app, non_empty, reply};
use crate::error::ApiError;
use crate::extract::{Id, JsonBody, QueryParams};
use crate::state::Shared;
use crate::world::*;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct AppQuery {
    app_id: String,
}

fn ok() -> Response {
    reply(StatusCode::OK, bp::MutationResult { ok: true })
}

// --- Tests ------------------------------------------------------------------------------------

pub(super) async fn list_tests(
    State(shared): State<Arc<Shared>>,
    QueryParams(query): QueryParams<AppQuery>,
) -> Result<Response, ApiError> {
    let world = shared.read();
    let app = app(&world, &query.app_id)?;
    let tests = world
        .tests
        .iter()
        .filter(|t| t.app == app && t.archived_at.is_none())
        .map(TestRec::summary)
        .collect();
    Ok(reply(StatusCode::OK, bp::ListTestsResponse { tests }))
}

/// A test's fields other than its steps, from a create or update body.
struct Header {
    name: String,
    description: Option<String>,
    is_component: bool,
    viewport: Option<String>,
    live_user: Option<String>,
    test_user: Option<String>,
    timeout_minutes: Option<i64>,
    graph_start: (Option<f64>, Option<f64>),
}

/// Checks a definition against the app's users and components and turns its steps into
/// records; `this` is the test being updated (a component cannot use itself).
fn check_definition(
    world: &mut World,
    app: usize,
    this: Option<&str>,
    header: &Header,
    inputs: Vec<bp::TestStepInput>,
) -> Result<Vec<StepDef>, ApiError> {
    non_empty(&header.name, "name")?;
    if let Some(viewport) = &header.viewport
        && bp::TestViewportPreset::from(viewport.as_str()).is_unknown()
    {
        return Err(ApiError::invalid(format!(
            "`viewportPreset` `{viewport}` is not one of desktop, tablet, mobile"
        )));
    }
    if header.timeout_minutes.is_some_and(|m| m < 1) {
        return Err(ApiError::invalid("`timeoutMinutes` must be at least 1"));
    }
    for (field, user) in [
        ("liveTestUserId", &header.live_user),
        ("testVersionTestUserId", &header.test_user),
    ] {
        if let Some(user) = user
            && !world
                .users
                .iter()
                .any(|u| u.id == *user && u.app == app && !u.deleted)
        {
            return Err(ApiError::invalid(format!(
                "`{field}`: no test user `{user}` in this app"
            )));
        }
    }
    let mut steps = Vec::with_capacity(inputs.len());
    for (i, input) in inputs.into_iter().enumerate() {
        let at = format!("steps[{i}]");
        // The older docs send `kind` (`step` or `component`), the newer `stepType`.
        let step_type = match (&input.step_type, input.kind.as_deref()) {
            (Some(t), Some(kind))
                if (kind == "component") != (*t == bp::TestStepInputStepType::Component) =>
            {
                return Err(ApiError::invalid(format!(
                    "`{at}.kind` `{kind}` and `{at}.stepType` `{t}` disagree; send one kind of step"
                )));
            }
            (Some(t), _) => t.clone(),
            (None, Some("component")) => bp::TestStepInputStepType::Component,
            (None, Some("step")) => bp::TestStepInputStepType::Test,
            (None, Some(kind)) => {
                return Err(ApiError::invalid(format!(
                    "`{at}.kind` `{kind}` is not one of step, component"
                )));
            }
            (None, None) => {
                return Err(ApiError::invalid(format!(
                    "`{at}` needs `stepType` (test, condition, component) or `kind` (step, component)"
                )));
            }
        };
        if step_type.is_unknown() {
            return Err(ApiError::invalid(format!(
                "`{at}.stepType` `{step_type}` is not one of test, condition, component"
            )));
        }
        let on_failure = input.on_failure.clone().unwrap_or(bp::OnFailure::Stop);
        if on_failure.is_unknown() {
            return Err(ApiError::invalid(format!(
                "`{at}.onFailure` `{on_failure}` is not one of stop, continue"
            )));
        }
        let instruction = input.instruction.clone().unwrap_or_default();
        if step_type == bp::TestStepInputStepType::Component {
            let Some(component) = &input.component_id else {
                return Err(ApiError::invalid(format!(
                    "`{at}.componentId` is required when stepType is component"
                )));
            };
            let usable = world.tests.iter().any(|t| {
                t.id == *component && t.app == app && t.is_component && t.archived_at.is_none()
            });
            if !usable || Some(component.as_str()) == this {
                return Err(ApiError::invalid(format!(
                    "`{at}.componentId`: `{component}` is not a component of this app that this test can use"
                )));
            }
        } else if instruction.trim().is_empty() {
            return Err(ApiError::invalid(format!(
                "`{at}.instruction` is required for a {step_type} step"
            )));
        }
        let n = i + 1;
        steps.push(StepDef {
            id: world.next_id("st"),
            step_type,
            component_id: input.component_id,
            instruction,
            details: input.details,
            tips: input.tips,
            on_failure,
            graph_node_key: input.graph_node_key.unwrap_or_else(|| format!("n{n}")),
            parent_graph_node_key: input.parent_graph_node_key.or_else(|| {
                Some(if n == 1 {
                    "start".into()
                } else {
                    format!("n{i}")
                })
            }),
            parent_condition_outcome: input.parent_condition_outcome,
            layout: (
                input.layout_x.unwrap_or(0.0),
                input.layout_y.unwrap_or(120.0 * n as f64),
            ),
        });
    }
    Ok(steps)
}

pub(super) async fn create_test(
    State(shared): State<Arc<Shared>>,
    JsonBody(body): JsonBody<bp::CreateTestBody>,
) -> Result<Response, ApiError> {
    let now = shared.now();
    let mut world = shared.write();
    let app = app(&world, &body.app_id)?;
    let h = Header {
        name: body.name,
        description: body.description,
        is_component: body.is_component.unwrap_or(false),
        viewport: body.viewport_preset.map(|v| v.to_string()),
        live_user: body.live_test_user_id,
        test_user: body.test_version_test_user_id,
        timeout_minutes: body.timeout_minutes,
        graph_start: (body.graph_start_x, body.graph_start_y),
    };
    let steps = check_definition(&mut world, app, None, &h, body.steps)?;
    let id = world.next_id("ts");
    world.tests.push(TestRec {
        id: id.clone(),
        app,
        name: h.name,
        description: h.description,
        is_component: h.is_component,
        viewport: h.viewport,
        live_user: h.live_user,
        test_user: h.test_user,
        timeout_minutes: h.timeout_minutes,
        graph_start: (
            h.graph_start.0.unwrap_or(0.0),
            h.graph_start.1.unwrap_or(0.0),
        ),
        steps,
        created_at: now,
        updated_at: now,
        archived_at: None,
    });
    drop(world);
    shared.received(|r| r.tests_created += 1);
    Ok(reply(
        StatusCode::CREATED,
        bp::CreateTestResponse { test_id: id },
    ))
}

fn test_not_found(id: &str) -> ApiError {
    ApiError::not_found(format!("Test not found: `{id}`"))
}

pub(super) async fn get_test(
    State(shared): State<Arc<Shared>>,
    Id(id): Id,
) -> Result<Response, ApiError> {
    let world = shared.read();
    let test = world
        .tests
        .iter()
        .find(|t| t.id == id)
        .ok_or_else(|| test_not_found(&id))?;
    Ok(reply(StatusCode::OK, test.view(&world.projects[test.app])))
}

pub(super) async fn update_test(
    State(shared): State<Arc<Shared>>,
    Id(id): Id,
    JsonBody(body): JsonBody<bp::UpdateTestBody>,
) -> Result<Response, ApiError> {
    let now = shared.now();
    let mut world = shared.write();
    let test = world
        .tests
        .iter()
        .find(|t| t.id == id)
        .ok_or_else(|| test_not_found(&id))?;
    if test.archived_at.is_some() {
        return Err(ApiError::conflict(
            format!("Update conflict: the test `{id}` is archived"),
            "test_archived",
        ));
    }
    let app = test.app;
    let h = Header {
        name: body.name,
        description: body.description,
        is_component: body.is_component,
        viewport: body.viewport_preset.map(|v| v.to_string()),
        live_user: body.live_test_user_id,
        test_user: body.test_version_test_user_id,
        timeout_minutes: body.timeout_minutes,
        graph_start: (body.graph_start_x, body.graph_start_y),
    };
    let steps = check_definition(&mut world, app, Some(&id), &h, body.steps)?;
    let Some(test) = world.tests.iter_mut().find(|t| t.id == id) else {
        return Err(test_not_found(&id));
    };
    test.name = h.name;
    test.description = h.description;
    test.is_component = h.is_component;
    test.viewport = h.viewport;
    test.live_user = h.live_user;
    test.test_user = h.test_user;
    test.timeout_minutes = h.timeout_minutes;
    test.graph_start = (
        h.graph_start.0.unwrap_or(test.graph_start.0),
        h.graph_start.1.unwrap_or(test.graph_start.1),
    );
    test.steps = steps;
    test.updated_at = now;
    Ok(ok())
}

pub(super) async fn delete_test(
    State(shared): State<Arc<Shared>>,
    Id(id): Id,
) -> Result<Response, ApiError> {
    let now = shared.now();
    let mut world = shared.write();
    let test = world
        .tests
        .iter()
        .find(|t| t.id == id)
        .ok_or_else(|| test_not_found(&id))?;
    if test.archived_at.is_some() {
        return Err(ApiError::conflict(
            format!("Archive conflict: the test `{id}` is already archived"),
            "test_archived",
        ));
    }
    if let Some(user) = world.tests.iter().find(|t| {
        t.archived_at.is_none()
            && t.steps
                .iter()
                .any(|s| s.component_id.as_deref() == Some(id.as_str()))
    }) {
        return Err(ApiError::conflict(
            format!(
                "Archive conflict: the component `{id}` is used by the test `{}`",
                user.name
            ),
            "component_in_use",
        ));
    }
    if let Some(test) = world.tests.iter_mut().find(|t| t.id == id) {
        test.archived_at = Some(now);
        test.updated_at = now;
    }
    Ok(ok())
}

// --- Test groups ------------------------------------------------------------------------------

fn group_summary(group: &GroupRec, world: &World) -> bp::TestGroupSummary {
    bp::TestGroupSummary {
        id: Some(group.id.clone()),
        created_at: Some(group.created_at as i64),
        name: Some(group.name.clone()),
        description: group.description.clone(),
        test_count: Some(members(group, world).len() as i64),
        updated_at: Some(group.updated_at as i64),
    }
}

fn members<'a>(group: &GroupRec, world: &'a World) -> Vec<&'a TestRec> {
    group
        .test_ids
        .iter()
        .filter_map(|id| {
            world
                .tests
                .iter()
                .find(|t| t.id == *id && t.archived_at.is_none())
        })
        .collect()
}

fn check_test_ids(world: &World, app: usize, ids: &[String]) -> Result<(), ApiError> {
    for (i, id) in ids.iter().enumerate() {
        if !world
            .tests
            .iter()
            .any(|t| t.id == *id && t.app == app && t.archived_at.is_none())
        {
            return Err(ApiError::invalid(format!(
                "`testIds[{i}]`: no active test `{id}` in this app"
            )));
        }
    }
    Ok(())
}

pub(super) async fn list_groups(
    State(shared): State<Arc<Shared>>,
    QueryParams(query): QueryParams<AppQuery>,
) -> Result<Response, ApiError> {
    let world = shared.read();
    let app = app(&world, &query.app_id)?;
    let groups = world
        .groups
        .iter()
        .filter(|g| g.app == app && g.archived_at.is_none())
        .map(|g| group_summary(g, &world))
        .collect();
    Ok(reply(StatusCode::OK, bp::ListTestGroupsResponse { groups }))
}

pub(super) async fn create_group(
    State(shared): State<Arc<Shared>>,
    JsonBody(body): JsonBody<bp::CreateTestGroupBody>,
) -> Result<Response, ApiError> {
    let now = shared.now();
    let mut world = shared.write();
    let app = app(&world, &body.app_id)?;
    non_empty(&body.name, "name")?;
    check_test_ids(&world, app, &body.test_ids)?;
    let id = world.next_id("tg");
    world.groups.push(GroupRec {
        id: id.clone(),
        app,
        name: body.name,
        description: body.description,
        test_ids: body.test_ids,
        created_at: now,
        updated_at: now,
        archived_at: None,
    });
    Ok(reply(
        StatusCode::CREATED,
        bp::CreateTestGroupResponse { group_id: Some(id) },
    ))
}

fn group_not_found(id: &str) -> ApiError {
    ApiError::not_found(format!("Test group not found: `{id}`"))
}

pub(super) async fn get_group(
    State(shared): State<Arc<Shared>>,
    Id(id): Id,
) -> Result<Response, ApiError> {
    let world = shared.read();
    let group = world
        .groups
        .iter()
        .find(|g| g.id == id)
        .ok_or_else(|| group_not_found(&id))?;
    let members: Vec<bp::TestGroupMember> = members(group, &world)
        .into_iter()
        .map(|t| bp::TestGroupMember {
            membership_id: Some(format!("{}:{}", group.id, t.id)),
            test_id: t.id.clone(),
            is_component: Some(t.is_component),
            name: t.name.clone(),
            description: t.description.clone(),
            live_test_user_id: t.live_user.clone(),
            test_version_test_user_id: t.test_user.clone(),
            updated_at: t.updated_at as i64,
        })
        .collect();
    Ok(reply(
        StatusCode::OK,
        bp::TestGroup {
            id: group.id.clone(),
            created_at: group.created_at as i64,
            name: group.name.clone(),
            description: group.description.clone(),
            test_count: members.len() as i64,
            updated_at: group.updated_at as i64,
            project_id: world.projects[group.app].id.clone(),
            archived_at: group.archived_at.map(|at| at as i64),
            members,
        },
    ))
}

/// An active group, or 404 (an archived group can no longer change).
fn active_group<'a>(world: &'a mut World, id: &str) -> Result<&'a mut GroupRec, ApiError> {
    match world.groups.iter_mut().find(|g| g.id == id) {
        Some(group) if group.archived_at.is_none() => Ok(group),
        Some(_) => Err(ApiError::not_found(format!(
            "Test group `{id}` is archived"
        ))),
        None => Err(group_not_found(id)),
    }
}

pub(super) async fn update_group(
    State(shared): State<Arc<Shared>>,
    Id(id): Id,
    JsonBody(body): JsonBody<bp::UpdateTestGroupBody>,
) -> Result<Response, ApiError> {
    let now = shared.now();
    let mut world = shared.write();
    let app = active_group(&mut world, &id)?.app;
    non_empty(&body.name, "name")?;
    check_test_ids(&world, app, &body.test_ids)?;
    let group = active_group(&mut world, &id)?;
    group.name = body.name;
    group.description = body.description;
    group.test_ids = body.test_ids;
    group.updated_at = now;
    Ok(ok())
}

pub(super) async fn delete_group(
    State(shared): State<Arc<Shared>>,
    Id(id): Id,
) -> Result<Response, ApiError> {
    let now = shared.now();
    let mut world = shared.write();
    let group = active_group(&mut world, &id)?;
    group.archived_at = Some(now);
    group.updated_at = now;
    Ok(ok())
}

// --- Test users -------------------------------------------------------------------------------

fn check_email(email: Option<&String>) -> Result<(), ApiError> {
    match email {
        Some(email) if !email.contains('@') => Err(ApiError::invalid(format!(
            "`email` is not an email address (got `{email}`)"
        ))),
        _ => Ok(()),
    }
}

fn check_database(database: &bp::TestUserDatabase) -> Result<(), ApiError> {
    if database.is_unknown() {
        return Err(ApiError::invalid(format!(
            "`database` `{database}` is not one of test, live"
        )));
    }
    Ok(())
}

pub(super) async fn list_users(
    State(shared): State<Arc<Shared>>,
    QueryParams(query): QueryParams<AppQuery>,
) -> Result<Response, ApiError> {
    let world = shared.read();
    let app = app(&world, &query.app_id)?;
    let test_users = world
        .users
        .iter()
        .filter(|u| u.app == app && !u.deleted)
        .map(UserRec::view)
        .collect();
    Ok(reply(
        StatusCode::OK,
        bp::ListTestUsersResponse { test_users },
    ))
}

pub(super) async fn create_user(
    State(shared): State<Arc<Shared>>,
    JsonBody(body): JsonBody<bp::CreateTestUserBody>,
) -> Result<Response, ApiError> {
    let now = shared.now();
    let mut world = shared.write();
    let app = app(&world, &body.app_id)?;
    non_empty(&body.name, "name")?;
    check_email(body.email.as_ref())?;
    check_database(&body.database)?;
    let id = world.next_id("tu");
    world.users.push(UserRec {
        id: id.clone(),
        app,
        name: body.name,
        description: body.description,
        email: body.email,
        database: body.database,
        disabled: false,
        created_at: now,
        deleted: false,
    });
    Ok(reply(
        StatusCode::CREATED,
        bp::CreateTestUserResponse { test_user_id: id },
    ))
}

fn live_user<'a>(world: &'a mut World, id: &str) -> Result<&'a mut UserRec, ApiError> {
    world
        .users
        .iter_mut()
        .find(|u| u.id == id && !u.deleted)
        .ok_or_else(|| ApiError::not_found(format!("Test user not found: `{id}`")))
}

pub(super) async fn get_user(
    State(shared): State<Arc<Shared>>,
    Id(id): Id,
) -> Result<Response, ApiError> {
    let mut world = shared.write();
    let user = live_user(&mut world, &id)?;
    Ok(reply(StatusCode::OK, user.view()))
}

pub(super) async fn update_user(
    State(shared): State<Arc<Shared>>,
    Id(id): Id,
    JsonBody(body): JsonBody<bp::UpdateTestUserBody>,
) -> Result<Response, ApiError> {
    let mut world = shared.write();
    live_user(&mut world, &id)?;
    non_empty(&body.name, "name")?;
    check_email(body.email.as_ref())?;
    check_database(&body.database)?;
    let user = live_user(&mut world, &id)?;
    user.name = body.name;
    user.description = body.description;
    user.email = body.email;
    user.database = body.database;
    user.disabled = body.is_disabled;
    Ok(ok())
}

pub(super) async fn delete_user(
    State(shared): State<Arc<Shared>>,
    Id(id): Id,
) -> Result<Response, ApiError> {
    let mut world = shared.write();
    live_user(&mut world, &id)?.deleted = true;
    Ok(ok())
}

// --- Records ---------------------------------------------------------------------------------

/// One step of a test definition.
#[derive(Debug, Clone)]
pub(crate) struct StepDef {
    pub(crate) id: String,
    pub(crate) step_type: bp::TestStepInputStepType,
    pub(crate) component_id: Option<String>,
    pub(crate) instruction: String,
    pub(crate) details: Option<String>,
    pub(crate) tips: Option<String>,
    pub(crate) on_failure: bp::OnFailure,
    pub(crate) graph_node_key: String,
    pub(crate) parent_graph_node_key: Option<String>,
    pub(crate) parent_condition_outcome: Option<bp::ConditionOutcome>,
    pub(crate) layout: (f64, f64),
}

/// A test or component.
#[derive(Debug, Clone)]
pub(crate) struct TestRec {
    pub(crate) id: String,
    pub(crate) app: usize,
    pub(crate) name: String,
    pub(crate) description: Option<String>,
    pub(crate) is_component: bool,
    pub(crate) viewport: Option<String>,
    pub(crate) live_user: Option<String>,
    pub(crate) test_user: Option<String>,
    pub(crate) timeout_minutes: Option<i64>,
    pub(crate) graph_start: (f64, f64),
    pub(crate) steps: Vec<StepDef>,
    pub(crate) created_at: u64,
    pub(crate) updated_at: u64,
    pub(crate) archived_at: Option<u64>,
}

impl TestRec {
    pub(crate) fn summary(&self) -> bp::TestSummary {
        bp::TestSummary {
            id: self.id.clone(),
            created_at: self.created_at as i64,
            name: self.name.clone(),
            description: self.description.clone(),
            is_component: self.is_component,
            viewport_preset: self.viewport.as_deref().map(Into::into),
            live_test_user_id: self.live_user.clone(),
            test_version_test_user_id: self.test_user.clone(),
            timeout_minutes: self.timeout_minutes,
            updated_at: self.updated_at as i64,
        }
    }

    pub(crate) fn view(&self, project: &Project) -> bp::Test {
        let steps = self
            .steps
            .iter()
            .enumerate()
            .map(|(position, step)| {
                let component = step.step_type == bp::TestStepInputStepType::Component;
                // Both versions of the docs: `kind` (older) and `stepType` (newer).
                bp::TestStep {
                    id: step.id.clone(),
                    position: position as i64,
                    kind: Some(if component { "component" } else { "step" }.to_string()),
                    step_type: Some(step.step_type.as_str().into()),
                    instruction: (!component).then(|| step.instruction.clone()),
                    details: step.details.clone(),
                    on_failure: Some(step.on_failure.clone()),
                    component_id: step.component_id.clone(),
                    tips: step.tips.clone(),
                    graph_node_key: Some(step.graph_node_key.clone()),
                    parent_graph_node_key: step.parent_graph_node_key.clone(),
                    parent_condition_outcome: step.parent_condition_outcome.clone(),
                    layout_x: Some(step.layout.0),
                    layout_y: Some(step.layout.1),
                }
            })
            .collect();
        bp::Test {
            id: self.id.clone(),
            created_at: self.created_at as i64,
            name: self.name.clone(),
            description: self.description.clone(),
            is_component: self.is_component,
            viewport_preset: self.viewport.as_deref().map(Into::into),
            live_test_user_id: self.live_user.clone(),
            test_version_test_user_id: self.test_user.clone(),
            timeout_minutes: self.timeout_minutes,
            updated_at: self.updated_at as i64,
            project_id: project.id.clone(),
            archived_at: self.archived_at.map(|at| at as i64),
            graph_start_x: Some(self.graph_start.0),
            graph_start_y: Some(self.graph_start.1),
            steps,
        }
    }
}

/// A test group.
#[derive(Debug, Clone)]
pub(crate) struct GroupRec {
    pub(crate) id: String,
    pub(crate) app: usize,
    pub(crate) name: String,
    pub(crate) description: Option<String>,
    pub(crate) test_ids: Vec<String>,
    pub(crate) created_at: u64,
    pub(crate) updated_at: u64,
    pub(crate) archived_at: Option<u64>,
}

/// A test user.
#[derive(Debug, Clone)]
pub(crate) struct UserRec {
    pub(crate) id: String,
    pub(crate) app: usize,
    pub(crate) name: String,
    pub(crate) description: Option<String>,
    pub(crate) email: Option<String>,
    pub(crate) database: bp::TestUserDatabase,
    pub(crate) disabled: bool,
    pub(crate) created_at: u64,
    pub(crate) deleted: bool,
}

impl UserRec {
    pub(crate) fn view(&self) -> bp::TestUser {
        bp::TestUser {
            id: self.id.clone(),
            created_at: self.created_at as i64,
            name: self.name.clone(),
            description: self.description.clone(),
            email: self.email.clone(),
            database: self.database.clone(),
            is_disabled: self.disabled,
        }
    }
}
