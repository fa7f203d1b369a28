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
use crate::world::*;
use serde_json::{Map, Value, json};

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

// --- Records ---------------------------------------------------------------------------------

/// One step of a test run, planned when the run starts.
#[derive(Debug, Clone)]
pub(crate) struct RunStep {
    pub(crate) id: String,
    pub(crate) def: StepDef,
    pub(crate) source_kind: bp::TestRunStepSourceKind,
    pub(crate) source_component: Option<(String, String, String)>,
    pub(crate) outcome: bp::TestRunStepStatus,
    /// A step whose condition parent came out the other way never runs.
    pub(crate) skipped: bool,
}

/// A test run.
#[derive(Debug, Clone)]
pub(crate) struct RunRec {
    pub(crate) id: String,
    pub(crate) app: usize,
    pub(crate) test_id: String,
    pub(crate) test_name: String,
    pub(crate) test_description: Option<String>,
    pub(crate) branch_id: String,
    pub(crate) branch_display: String,
    pub(crate) model: Option<String>,
    pub(crate) environment: bp::RunEnvironment,
    pub(crate) group_run_id: Option<String>,
    pub(crate) group_name: Option<String>,
    pub(crate) assigned_user: Option<bp::TestRunAssignedTestUser>,
    pub(crate) preflight_error: Option<String>,
    pub(crate) timeout_minutes: Option<i64>,
    pub(crate) created_at: u64,
    pub(crate) starts_at: u64,
    pub(crate) step_ms: u64,
    pub(crate) steps: Vec<RunStep>,
}

impl RunRec {
    /// When each step starts and ends, and when the run ends (a failing `stop` step ends it).
    fn schedule(&self) -> (Vec<Option<(u64, u64)>>, u64) {
        if self.preflight_error.is_some() {
            return (vec![None; self.steps.len()], self.starts_at);
        }
        let mut at = self.starts_at;
        let mut times = Vec::with_capacity(self.steps.len());
        let mut stopped = false;
        for step in &self.steps {
            if stopped || step.skipped {
                times.push(None);
                continue;
            }
            let slow = if step.def.instruction.contains(EMULATE_SLOW) {
                10
            } else {
                1
            };
            let end = at + self.step_ms * slow;
            times.push(Some((at, end)));
            at = end;
            if step.outcome == bp::TestRunStepStatus::Error
                && step.def.on_failure == bp::OnFailure::Stop
            {
                stopped = true;
            }
        }
        (times, at)
    }

    /// When the run ends.
    pub(crate) fn ends_at(&self) -> u64 {
        self.schedule().1
    }

    /// Each step's status at `now`, with when it completed.
    fn step_statuses(&self, now: u64) -> Vec<(bp::TestRunStepStatus, Option<u64>)> {
        let (times, end) = self.schedule();
        self.steps
            .iter()
            .zip(times)
            .map(|(step, time)| match time {
                Some((_, finished)) if now >= finished => (step.outcome.clone(), Some(finished)),
                Some(_) => (bp::TestRunStepStatus::Pending, None),
                None if step.skipped && now >= self.starts_at => {
                    (bp::TestRunStepStatus::Skipped, Some(self.starts_at))
                }
                None if now >= end => (bp::TestRunStepStatus::Cancelled, Some(end)),
                None => (bp::TestRunStepStatus::Pending, None),
            })
            .collect()
    }

    /// The run's status at `now`.
    pub(crate) fn status(&self, now: u64) -> bp::TestRunStatus {
        if now < self.starts_at {
            return bp::TestRunStatus::Queued;
        }
        if self.preflight_error.is_some() {
            return bp::TestRunStatus::Error;
        }
        if now < self.ends_at() {
            return bp::TestRunStatus::Running;
        }
        let statuses = self.step_statuses(now);
        if statuses
            .iter()
            .any(|(s, _)| *s == bp::TestRunStepStatus::Error)
        {
            bp::TestRunStatus::Error
        } else if statuses
            .iter()
            .any(|(s, _)| *s == bp::TestRunStepStatus::Warning)
        {
            bp::TestRunStatus::Warning
        } else {
            bp::TestRunStatus::Passed
        }
    }

    fn counts(&self, now: u64) -> Map<String, Value> {
        let mut counts = Map::new();
        for (status, _) in self.step_statuses(now) {
            let entry = counts
                .entry(status.as_str().to_string())
                .or_insert(json!(0));
            *entry = json!(entry.as_u64().unwrap_or(0) + 1);
        }
        counts
    }

    fn summary(&self, now: u64) -> Option<String> {
        if let Some(error) = &self.preflight_error {
            return Some(error.clone());
        }
        match self.status(now) {
            bp::TestRunStatus::Passed => Some(format!("All {} steps passed.", self.steps.len())),
            bp::TestRunStatus::Warning => Some("Passed with warnings.".into()),
            bp::TestRunStatus::Error => {
                let failed = self
                    .steps
                    .iter()
                    .find(|s| s.outcome == bp::TestRunStepStatus::Error)
                    .map(|s| s.def.instruction.clone())
                    .unwrap_or_default();
                Some(format!("Step failed: {failed}"))
            }
            _ => None,
        }
    }

    /// `GET /test-runs/{id}` at `now`.
    pub(crate) fn view(
        &self,
        project: &Project,
        now: u64,
        test_exists: bool,
    ) -> bp::GetTestRunResponse {
        let statuses = self.step_statuses(now);
        let pending: Vec<String> = self
            .steps
            .iter()
            .zip(&statuses)
            .filter(|(_, (status, _))| *status == bp::TestRunStepStatus::Pending)
            .map(|(step, _)| step.id.clone())
            .collect();
        let running =
            now >= self.starts_at && now < self.ends_at() && self.preflight_error.is_none();
        let ready: Vec<String> = if running {
            pending.iter().take(1).cloned().collect()
        } else {
            Vec::new()
        };
        let status = self.status(now);
        let terminal = !matches!(
            status,
            bp::TestRunStatus::Queued | bp::TestRunStatus::Running
        );
        let run = bp::TestRun {
            id: self.id.clone(),
            created_at: self.created_at as i64,
            project_id: project.id.clone(),
            test_id: self.test_id.clone(),
            conversation_id: format!("conv_{}", self.id),
            status: status.clone(),
            branch_cache_id: Some(format!("bc_{}", self.branch_id)),
            branch_id: self.branch_id.clone(),
            branch_display: self.branch_display.clone(),
            model: self.model.clone(),
            environment: self.environment.clone(),
            summary: self.summary(now),
            test_name: Some(self.test_name.clone()),
            group_run_id: self.group_run_id.clone(),
            started_at: (now >= self.starts_at).then_some(self.starts_at as i64),
            completed_at: terminal.then(|| self.ends_at() as i64),
            timeout_minutes: self.timeout_minutes,
            app_base_url: Some(format!(
                "https://{}.bubbleapps.io/version-test",
                project.app_id
            )),
            bubble_app_name: Some(project.app_id.clone()),
            assigned_test_user: self.assigned_user.clone(),
            counts: self.counts(now),
            next_pending_step_id: pending.first().cloned(),
            ready_step_ids: ready.clone(),
            artifacts: Vec::new(),
        };
        let steps = self
            .steps
            .iter()
            .zip(statuses)
            .enumerate()
            .map(|(position, (step, (status, completed)))| {
                let (component_id, component_name, component_step) = step
                    .source_component
                    .clone()
                    .map(|(a, b, c)| (Some(a), Some(b), Some(c)))
                    .unwrap_or_default();
                bp::TestRunStep {
                    id: step.id.clone(),
                    position: position as i64,
                    order: Some(position as i64),
                    graph_node_key: Some(step.def.graph_node_key.clone()),
                    parent_graph_node_key: step.def.parent_graph_node_key.clone(),
                    layout_x: Some(step.def.layout.0),
                    layout_y: Some(step.def.layout.1),
                    depends_on_step_ids: if position == 0 {
                        Vec::new()
                    } else {
                        vec![self.steps[position - 1].id.clone()]
                    },
                    source_kind: step.source_kind.clone(),
                    source_test_step_id: step
                        .source_component
                        .is_none()
                        .then(|| step.def.id.clone()),
                    source_component_id: component_id,
                    source_component_name: component_name,
                    source_component_step_id: component_step,
                    step_type: if step.def.step_type == bp::TestStepInputStepType::Condition {
                        Some(bp::TestRunStepStepType::Condition)
                    } else {
                        Some(bp::TestRunStepStepType::Test)
                    },
                    parent_condition_outcome: step.def.parent_condition_outcome.clone(),
                    condition_result: (step.def.step_type == bp::TestStepInputStepType::Condition
                        && completed.is_some())
                    .then_some(bp::ConditionOutcome::Met),
                    instruction: step.def.instruction.clone(),
                    details: step.def.details.clone(),
                    tips: step.def.tips.clone(),
                    on_failure: step.def.on_failure.clone(),
                    comment: (status == bp::TestRunStepStatus::Error)
                        .then(|| "The expected element never appeared.".to_string()),
                    status,
                    completed_at: completed.map(|at| at as i64),
                    artifacts: Vec::new(),
                }
            })
            .collect::<Vec<_>>();
        let nodes = steps
            .iter()
            .map(|s| json!({"key": s.graph_node_key, "stepId": s.id}))
            .filter_map(as_map)
            .collect();
        let edges = steps
            .iter()
            .map(|s| {
                json!({"from": s.parent_graph_node_key.clone().unwrap_or_else(|| "start".into()),
                       "to": s.graph_node_key})
            })
            .filter_map(as_map)
            .collect();
        bp::GetTestRunResponse {
            run,
            test: test_exists.then(|| bp::GetTestRunResponseTest {
                id: self.test_id.clone(),
                name: self.test_name.clone(),
                description: self.test_description.clone(),
            }),
            steps,
            graph: Some(bp::TestRunGraph {
                start: as_map(json!({"key": "start"})).unwrap_or_default(),
                nodes,
                edges,
                tree: as_map(json!({"key": "start", "children": []})).unwrap_or_default(),
                ready_step_ids: ready,
            }),
        }
    }

    /// The run as a group run lists it.
    pub(crate) fn child_view(&self, now: u64) -> bp::TestGroupChildRun {
        let status = self.status(now);
        let terminal = !matches!(
            status,
            bp::TestRunStatus::Queued | bp::TestRunStatus::Running
        );
        bp::TestGroupChildRun {
            id: self.id.clone(),
            created_at: self.created_at as i64,
            test_id: self.test_id.clone(),
            test_name: self.test_name.clone(),
            status,
            branch_cache_id: Some(format!("bc_{}", self.branch_id)),
            branch_id: Some(self.branch_id.clone()),
            branch_display: Some(self.branch_display.clone()),
            model: self.model.clone(),
            environment: self.environment.clone(),
            started_at: (now >= self.starts_at).then_some(self.starts_at as i64),
            completed_at: terminal.then(|| self.ends_at() as i64),
            assigned_test_user_name: self.assigned_user.as_ref().and_then(|u| u.name.clone()),
            group_run_id: self.group_run_id.clone(),
            group_name: Some(self.group_name.clone().unwrap_or_default()),
        }
    }
}

/// A test group run: one test run per runnable member.
#[derive(Debug, Clone)]
pub(crate) struct GroupRunRec {
    pub(crate) id: String,
    pub(crate) group_id: String,
    pub(crate) group_name: String,
    pub(crate) branch_id: String,
    pub(crate) branch_display: String,
    pub(crate) model: Option<String>,
    pub(crate) environment: bp::RunEnvironment,
    pub(crate) created_at: u64,
    pub(crate) child_ids: Vec<String>,
}

impl GroupRunRec {
    pub(crate) fn status(children: &[&RunRec], now: u64) -> bp::TestRunStatus {
        let statuses: Vec<bp::TestRunStatus> = children.iter().map(|c| c.status(now)).collect();
        if statuses.iter().all(|s| *s == bp::TestRunStatus::Queued) {
            bp::TestRunStatus::Queued
        } else if statuses
            .iter()
            .any(|s| matches!(s, bp::TestRunStatus::Queued | bp::TestRunStatus::Running))
        {
            bp::TestRunStatus::Running
        } else if statuses.contains(&bp::TestRunStatus::Error) {
            bp::TestRunStatus::Error
        } else if statuses.contains(&bp::TestRunStatus::Warning) {
            bp::TestRunStatus::Warning
        } else {
            bp::TestRunStatus::Passed
        }
    }

    pub(crate) fn view(&self, children: &[&RunRec], now: u64) -> bp::GetTestGroupRunResponse {
        let status = Self::status(children, now);
        let terminal = !matches!(
            status,
            bp::TestRunStatus::Queued | bp::TestRunStatus::Running
        );
        let mut counts = Map::new();
        for child in children {
            let entry = counts
                .entry(child.status(now).as_str().to_string())
                .or_insert(json!(0));
            *entry = json!(entry.as_u64().unwrap_or(0) + 1);
        }
        let starts = children
            .iter()
            .map(|c| c.starts_at)
            .min()
            .unwrap_or(self.created_at);
        let ends = children
            .iter()
            .map(|c| c.ends_at())
            .max()
            .unwrap_or(self.created_at);
        bp::GetTestGroupRunResponse {
            run: bp::TestGroupRun {
                id: self.id.clone(),
                created_at: self.created_at as i64,
                group_id: self.group_id.clone(),
                group_name: self.group_name.clone(),
                status,
                branch_cache_id: Some(format!("bc_{}", self.branch_id)),
                branch_id: Some(self.branch_id.clone()),
                branch_display: Some(self.branch_display.clone()),
                model: self.model.clone(),
                environment: self.environment.clone(),
                started_at: (now >= starts).then_some(starts as i64),
                completed_at: terminal.then_some(ends as i64),
                counts,
            },
            child_runs: children.iter().map(|c| c.child_view(now)).collect(),
        }
    }
}
