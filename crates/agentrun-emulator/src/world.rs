//! What the emulated workspace holds, and how each record looks at a given time.
//!
//! Records keep timestamps, not statuses: a run's status, history and lifecycle are worked out
//! from the clock when asked, so 100,000 stored agents cost no timers, and a manual clock steps
//! a run through its lifecycle exactly.

use std::collections::HashMap;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use agentrun_buildprint::types as bp;
use serde_json::{Map, Value, json};

use crate::config::{Config, Timing};

/// A prompt containing this ends its turn in error.
pub const EMULATE_ERROR: &str = "emulate:error";
/// A prompt (or test step instruction) containing this runs ten times longer.
pub const EMULATE_SLOW: &str = "emulate:slow";
/// A test step instruction containing this fails.
pub const EMULATE_FAIL: &str = "emulate:fail";
/// A test step instruction containing this passes with a warning.
pub const EMULATE_WARN: &str = "emulate:warn";

/// A Bubble app and its workspace project.
#[derive(Debug, Clone)]
pub(crate) struct Project {
    pub(crate) app_id: String,
    pub(crate) id: String,
    pub(crate) name: String,
}

/// One agent conversation: a standalone agent or a code review's.
#[derive(Debug, Clone)]
pub(crate) struct AgentRec {
    pub(crate) id: String,
    pub(crate) app: usize,
    pub(crate) review_id: Option<String>,
    pub(crate) model: bp::Model,
    pub(crate) reasoning_effort: Option<bp::ReasoningEffort>,
    pub(crate) permission: bp::Permission,
    pub(crate) permitted_branches: Vec<String>,
    pub(crate) created_at: u64,
    pub(crate) turns: Vec<Turn>,
}

/// One prompt and its run.
#[derive(Debug, Clone)]
pub(crate) struct Turn {
    pub(crate) prompt: String,
    pub(crate) queued_at: u64,
    pub(crate) starts_at: u64,
    pub(crate) ends_at: u64,
    pub(crate) error: Option<String>,
}

impl Turn {
    /// A turn accepted at `now` that starts when the turn before it (ending at `after`) ends.
    pub(crate) fn schedule(
        prompt: String,
        now: u64,
        after: u64,
        timing: &Timing,
        run: Duration,
    ) -> Self {
        let slow = if prompt.contains(EMULATE_SLOW) { 10 } else { 1 };
        let starts_at = now.max(after) + ms(timing.agent_queue);
        let ends_at = starts_at + ms(run) * slow;
        let error = prompt.contains(EMULATE_ERROR).then(|| {
            format!(
                "The agent stopped: the prompt asked the emulator for an error ({EMULATE_ERROR})."
            )
        });
        Self {
            prompt,
            queued_at: now,
            starts_at,
            ends_at,
            error,
        }
    }
}

impl AgentRec {
    fn last(&self) -> &Turn {
        // Every agent is created with its first turn and turns are never removed.
        &self.turns[self.turns.len() - 1]
    }

    /// When the agent's current work ends.
    pub(crate) fn ends_at(&self) -> u64 {
        self.last().ends_at
    }

    /// The run status at `now`.
    pub(crate) fn status(&self, now: u64) -> bp::RunStatus {
        let last = self.last();
        if now < last.starts_at {
            bp::RunStatus::Queued
        } else if now < last.ends_at {
            bp::RunStatus::Running
        } else if last.error.is_some() {
            bp::RunStatus::Error
        } else {
            bp::RunStatus::Completed
        }
    }

    /// The last error at `now`, if the agent has ended in one.
    pub(crate) fn last_error(&self, now: u64) -> Option<String> {
        self.turns
            .iter()
            .rev()
            .find(|t| now >= t.ends_at && t.error.is_some())
            .and_then(|t| t.error.clone())
    }

    /// When the agent completed, if it has.
    pub(crate) fn completed_at(&self, now: u64) -> Option<u64> {
        (now >= self.last().ends_at).then(|| self.last().ends_at)
    }

    /// The latest lifecycle event at or before `now`.
    fn last_event(&self, now: u64) -> u64 {
        self.turns
            .iter()
            .flat_map(|t| [t.queued_at, t.starts_at, t.ends_at])
            .filter(|at| *at <= now)
            .max()
            .unwrap_or(self.created_at)
    }

    fn history(&self, now: u64, limit: usize) -> Vec<bp::HistoryMessage> {
        let mut messages = Vec::new();
        let mut push = |role, at: u64, content: Option<String>, tool: Option<(&str, Value)>| {
            let sequence = messages.len() + 1;
            let (tool_name, tool_parameters) = match tool {
                Some((name, parameters)) => (Some(name.to_string()), as_map(parameters)),
                None => (None, None),
            };
            messages.push(bp::HistoryMessage {
                id: Some(format!("{}-m{sequence}", self.id)),
                sequence: Some(sequence as i64),
                role,
                content,
                tool_name,
                tool_parameters,
                attachments: Vec::new(),
                created_at: Some(at as i64),
            });
        };
        for turn in self.turns.iter().filter(|t| now >= t.queued_at) {
            push(
                Some(bp::HistoryMessageRole::User),
                turn.queued_at,
                Some(turn.prompt.clone()),
                None,
            );
            if now < turn.starts_at {
                continue;
            }
            push(
                Some(bp::HistoryMessageRole::Thinking),
                turn.starts_at,
                Some("Reading the app's pages, workflows and data types.".into()),
                None,
            );
            let midway = turn.starts_at + (turn.ends_at - turn.starts_at) / 2;
            if now >= midway {
                push(
                    Some(bp::HistoryMessageRole::Tool),
                    midway,
                    None,
                    Some(("inspect_workflows", json!({"branch": "main", "depth": 2}))),
                );
            }
            if now >= turn.ends_at {
                match &turn.error {
                    Some(error) => push(
                        Some(bp::HistoryMessageRole::Error),
                        turn.ends_at,
                        Some(error.clone()),
                        None,
                    ),
                    None => push(
                        Some(bp::HistoryMessageRole::Assistant),
                        turn.ends_at,
                        Some(format!("Done. {}", summary_of(&turn.prompt))),
                        None,
                    ),
                }
            }
        }
        let skip = messages.len().saturating_sub(limit);
        messages.split_off(skip)
    }

    fn lifecycle(&self, now: u64) -> bp::AgentLifecycle {
        let status = self.status(now);
        let (conversation, sandbox) = match status {
            bp::RunStatus::Queued => (
                bp::ConversationState::Ready,
                bp::AgentLifecycleSandboxState::Booting,
            ),
            bp::RunStatus::Running => (
                bp::ConversationState::RunningTurn,
                bp::AgentLifecycleSandboxState::Online,
            ),
            bp::RunStatus::Error => (
                bp::ConversationState::Errored,
                bp::AgentLifecycleSandboxState::Paused,
            ),
            _ => (
                bp::ConversationState::Ready,
                bp::AgentLifecycleSandboxState::Paused,
            ),
        };
        bp::AgentLifecycle {
            conversation_state: Some(conversation),
            sandbox_state: Some(sandbox),
            queued_turn_count: Some(self.turns.iter().filter(|t| now < t.starts_at).count() as i64),
            last_lifecycle_event_at: Some(self.last_event(now) as i64),
        }
    }

    /// `GET /agents/{id}` at `now`.
    pub(crate) fn view(&self, project: &Project, now: u64, history_limit: usize) -> bp::Agent {
        bp::Agent {
            agent_id: self.id.clone(),
            kind: if self.review_id.is_some() {
                bp::AgentKind::CodeReview
            } else {
                bp::AgentKind::Agent
            },
            status: self.status(now),
            app_id: project.app_id.clone(),
            project_id: project.id.clone(),
            project_name: project.name.clone(),
            review_id: self.review_id.clone(),
            model: self.model.clone(),
            reasoning_effort: self.reasoning_effort.clone(),
            permission: self.permission.clone(),
            permitted_branches: self.permitted_branches.clone(),
            created_at: self.created_at as i64,
            updated_at: Some(self.last_event(now) as i64),
            completed_at: self.completed_at(now).map(|at| at as i64),
            last_error: self.last_error(now),
            history: self.history(now, history_limit),
            lifecycle: Some(self.lifecycle(now)),
        }
    }

    /// The agent as a code review shows it.
    pub(crate) fn review_view(
        &self,
        project: &Project,
        now: u64,
        history_limit: usize,
    ) -> bp::ReviewAgent {
        let agent = self.view(project, now, history_limit);
        bp::ReviewAgent {
            agent_id: Some(agent.agent_id),
            kind: Some(bp::ReviewAgentKind::CodeReview),
            status: Some(agent.status),
            app_id: Some(agent.app_id),
            project_id: Some(agent.project_id),
            project_name: Some(agent.project_name),
            model: Some(agent.model),
            reasoning_effort: agent.reasoning_effort,
            permission: Some(agent.permission),
            permitted_branches: agent.permitted_branches,
            created_at: Some(agent.created_at),
            updated_at: agent.updated_at,
            completed_at: agent.completed_at,
            last_error: agent.last_error,
            history: agent.history,
            lifecycle: agent.lifecycle,
        }
    }
}

/// A code review.
#[derive(Debug, Clone)]
pub(crate) struct ReviewRec {
    pub(crate) id: String,
    pub(crate) app: usize,
    pub(crate) sequence: u64,
    pub(crate) status: bp::ReviewMetadataStatus,
    pub(crate) title: Option<String>,
    pub(crate) description: Option<String>,
    pub(crate) from: String,
    pub(crate) to: String,
    pub(crate) focus: Option<String>,
    pub(crate) agent_id: String,
    pub(crate) created_at: u64,
    pub(crate) requested_by: Option<String>,
    pub(crate) merged_at: Option<u64>,
    pub(crate) closed_at: Option<u64>,
}

impl ReviewRec {
    fn provider(model: &bp::Model) -> &'static str {
        let name = model.as_str();
        let hosted = name.strip_prefix("buildprint-").unwrap_or(name);
        if hosted.starts_with("claude") {
            "claude"
        } else if hosted.starts_with("gpt") || name.starts_with("openai") {
            "openai"
        } else if hosted.starts_with("gemini") {
            "gemini"
        } else if name.starts_with("cursor") {
            "cursor"
        } else {
            "opencode"
        }
    }

    /// The review's metadata at `now`.
    pub(crate) fn metadata(&self, agent: &AgentRec, now: u64) -> bp::ReviewMetadata {
        let lifecycle = agent.lifecycle(now);
        bp::ReviewMetadata {
            sequence: self.sequence as i64,
            merge_id: format!("mrg_{}", self.id.trim_start_matches("rv_")),
            status: self.status.clone(),
            title: self.title.clone(),
            description: self.description.clone(),
            from_version: self.from.clone(),
            to_version: self.to.clone(),
            from_version_label: Some(branch_label(&self.from)),
            to_version_label: Some(branch_label(&self.to)),
            requested_by_name: self.requested_by.as_ref().map(|e| name_of(e)),
            requested_by_email: self.requested_by.clone(),
            requested_by_image: None,
            linear_issue_id: None,
            linear_issue_identifier: None,
            provider: Some(Self::provider(&agent.model).into()),
            model: Some(agent.model.clone()),
            created_at: Some(self.created_at as i64),
            updated_at: Some(agent.last_event(now).max(self.created_at) as i64),
            completed_at: agent.completed_at(now).map(|at| at as i64),
            merged_at: self.merged_at.map(|at| at as i64),
            closed_at: self.closed_at.map(|at| at as i64),
            conversation_status: lifecycle.conversation_state,
            conversation_error_code: agent.last_error(now).map(|_| "agent_error".to_string()),
        }
    }

    /// The review as a list shows it.
    pub(crate) fn summary(&self, agent: &AgentRec, now: u64) -> bp::ReviewSummary {
        let m = self.metadata(agent, now);
        bp::ReviewSummary {
            id: Some(self.id.clone()),
            sequence: m.sequence,
            merge_id: m.merge_id,
            status: m.status.as_str().into(),
            title: m.title,
            description: m.description,
            from_version: m.from_version,
            to_version: m.to_version,
            from_version_label: m.from_version_label,
            to_version_label: m.to_version_label,
            requested_by_name: m.requested_by_name,
            requested_by_email: m.requested_by_email,
            requested_by_image: m.requested_by_image,
            linear_issue_id: m.linear_issue_id,
            linear_issue_identifier: m.linear_issue_identifier,
            provider: m.provider.as_ref().map(|p| p.as_str().into()),
            model: m.model,
            created_at: m.created_at,
            updated_at: m.updated_at,
            completed_at: m.completed_at,
            merged_at: m.merged_at,
            closed_at: m.closed_at,
            conversation_status: m.conversation_status,
            conversation_error_code: m.conversation_error_code,
        }
    }

    /// The findings, once the review's agent has completed without error.
    pub(crate) fn findings(&self, agent: &AgentRec, now: u64) -> [Vec<bp::ReviewElement>; 3] {
        if agent.status(now) != bp::RunStatus::Completed {
            return [Vec::new(), Vec::new(), Vec::new()];
        }
        let at = agent.ends_at() as i64;
        let focus = self
            .focus
            .as_ref()
            .map(|f| format!(" (focus: {f})"))
            .unwrap_or_default();
        let element =
            |n: u8, kind: bp::ReviewElementType, title: &str, description: String, priority| {
                bp::ReviewElement {
                    id: format!("{}-f{n}", self.id),
                    type_: kind,
                    title: title.to_string(),
                    description,
                    priority: Some(priority),
                    state: bp::ReviewElementState::Open,
                    created_by: bp::ReviewElementCreatedBy::Ai,
                    created_by_email: None,
                    created_at: at,
                    updated_at: at,
                    completed_at: None,
                }
            };
        [
            vec![element(
                1,
                bp::ReviewElementType::Change,
                "Check the order total on the server",
                format!(
                    "`{}` computes the checkout total in a client-side workflow; compute it in a backend workflow{focus}.",
                    self.from
                ),
                bp::ReviewElementPriority::High,
            )],
            vec![element(
                2,
                bp::ReviewElementType::Comment,
                "Name the new popup",
                "The new popup is still called `Popup A`; a descriptive name helps the next reviewer.".into(),
                bp::ReviewElementPriority::Low,
            )],
            vec![element(
                3,
                bp::ReviewElementType::Test,
                "Test an empty cart",
                "No test covers checking out with an empty cart.".into(),
                bp::ReviewElementPriority::Medium,
            )],
        ]
    }
}

/// An automation.
#[derive(Debug, Clone)]
pub(crate) struct AutomationRec {
    pub(crate) id: String,
    pub(crate) app: usize,
    pub(crate) name: &'static str,
    pub(crate) trigger: bp::AutomationTriggerKind,
    pub(crate) trigger_description: &'static str,
    pub(crate) actions: Vec<bp::AutomationActionKindsItem>,
    pub(crate) created_at: u64,
    pub(crate) last_run_at: Option<u64>,
}

impl AutomationRec {
    /// Only Manual / API automations run through the API.
    pub(crate) fn can_run_manually(&self) -> bool {
        self.trigger == bp::AutomationTriggerKind::Manual
    }

    pub(crate) fn view(&self, project: &Project) -> bp::Automation {
        bp::Automation {
            id: self.id.clone(),
            project_id: project.id.clone(),
            name: self.name.to_string(),
            enabled: true,
            trigger_kind: self.trigger.clone(),
            trigger_description: self.trigger_description.to_string(),
            action_kinds: self.actions.clone(),
            can_run_manually: self.can_run_manually(),
            created_by_name: Some(name_of(crate::config::MEMBER_EMAIL)),
            created_at: self.created_at as i64,
            updated_at: self.last_run_at.unwrap_or(self.created_at) as i64,
            last_run_at: self.last_run_at.map(|at| at as i64),
            last_run_error: None,
        }
    }
}

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

/// A Bubble branch.
#[derive(Debug, Clone)]
pub(crate) struct Branch {
    pub(crate) app: usize,
    pub(crate) id: String,
    pub(crate) display: String,
}

/// A synced version of a branch.
#[derive(Debug, Clone)]
pub(crate) struct VersionRec {
    pub(crate) id: String,
    pub(crate) app: usize,
    pub(crate) branch: String,
    pub(crate) branch_display: String,
    pub(crate) automatic: bool,
    pub(crate) last_change: u64,
    pub(crate) created_at: u64,
    pub(crate) duration_ms: u64,
    pub(crate) fails: bool,
}

impl VersionRec {
    pub(crate) fn stage(&self, now: u64) -> bp::VersionStage {
        let elapsed = now.saturating_sub(self.created_at);
        if elapsed >= self.duration_ms {
            if self.fails {
                bp::VersionStage::Failed
            } else {
                bp::VersionStage::Completed
            }
        } else if elapsed * 5 < self.duration_ms {
            bp::VersionStage::Pending
        } else if elapsed * 2 < self.duration_ms {
            bp::VersionStage::Stored
        } else {
            bp::VersionStage::Indexing
        }
    }

    fn error(&self) -> String {
        format!(
            "The export of `{}` could not be read: the branch has an element whose data source no longer exists.",
            self.branch_display
        )
    }

    pub(crate) fn synced_at(&self, now: u64) -> Option<u64> {
        (self.stage(now) == bp::VersionStage::Completed)
            .then_some(self.created_at + self.duration_ms)
    }

    pub(crate) fn status(&self, now: u64) -> bp::SyncStatus {
        let stage = self.stage(now);
        let (status, message, error) = match stage {
            bp::VersionStage::Completed => (
                bp::SyncStatusStatus::Completed,
                "The version is synced and ready for agents and tests.".to_string(),
                None,
            ),
            bp::VersionStage::Failed => (
                bp::SyncStatusStatus::Failed,
                "The sync failed; fix the branch in Bubble and sync again.".to_string(),
                Some(self.error()),
            ),
            _ => (
                bp::SyncStatusStatus::InProgress,
                format!(
                    "The sync is still running; poll GET /versions/status?appId=...&versionId={} until it completes.",
                    self.id
                ),
                None,
            ),
        };
        bp::SyncStatus {
            ok: true,
            status,
            stage,
            version_id: self.id.clone(),
            version: self.branch.clone(),
            app_version: self.branch.clone(),
            message,
            error,
        }
    }

    pub(crate) fn view(&self, now: u64) -> bp::SyncedVersion {
        let synced = self.synced_at(now);
        let digest = self.id.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
        });
        bp::SyncedVersion {
            version_id: self.id.clone(),
            version: self.branch.clone(),
            version_display: self.branch_display.clone(),
            stage: self.stage(now),
            sync_source: if self.automatic {
                bp::SyncedVersionSyncSource::Automatic
            } else {
                bp::SyncedVersionSyncSource::Manual
            },
            last_change: self.last_change as i64,
            created_at_ms: self.created_at as i64,
            created_at: iso(self.created_at),
            synced_at_ms: synced.map(|at| at as i64),
            synced_at: synced.map(iso),
            completed_at_ms: synced.map(|at| at as i64),
            completed_at: synced.map(iso),
            error_message: (self.stage(now) == bp::VersionStage::Failed).then(|| self.error()),
            file_sha256: Some(format!("{digest:016x}").repeat(4)),
            file_size_bytes: Some((200_000 + self.last_change * 37) as i64),
        }
    }
}

/// A Builder agent run (Builder has no read endpoint; kept for inspection).
#[derive(Debug, Clone, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BuilderRun {
    /// The project the run went to.
    pub project_id: String,
    /// The branch it created.
    pub branch_name: String,
    /// The prompt.
    pub prompt: String,
    /// The user it ran for (email or user id).
    pub user: String,
    /// How many attachments it carried.
    pub attachments: usize,
    /// When it was accepted (Unix ms).
    pub created_at: u64,
}

/// Everything the emulated workspaces hold.
#[derive(Debug, Default)]
pub(crate) struct World {
    pub(crate) projects: Vec<Project>,
    pub(crate) agents: HashMap<String, AgentRec>,
    /// Agents and test runs that are queued or running, with when they end.
    pub(crate) active: HashMap<String, u64>,
    pub(crate) reviews: Vec<ReviewRec>,
    pub(crate) automations: Vec<AutomationRec>,
    pub(crate) tests: Vec<TestRec>,
    pub(crate) groups: Vec<GroupRec>,
    pub(crate) users: Vec<UserRec>,
    pub(crate) runs: HashMap<String, RunRec>,
    pub(crate) group_runs: HashMap<String, GroupRunRec>,
    pub(crate) branches: Vec<Branch>,
    pub(crate) versions: Vec<VersionRec>,
    pub(crate) builder_runs: Vec<BuilderRun>,
    pub(crate) hosted_runs: u32,
    ids: HashMap<&'static str, u64>,
}

impl World {
    /// A new identifier: `prefix_000001`, `prefix_000002`, ...
    pub(crate) fn next_id(&mut self, prefix: &'static str) -> String {
        let n = self.ids.entry(prefix).or_insert(0);
        *n += 1;
        format!("{prefix}_{n:06}")
    }

    /// The project of a Bubble app.
    pub(crate) fn app(&self, app_id: &str) -> Option<usize> {
        self.projects.iter().position(|p| p.app_id == app_id)
    }

    /// How many agents and test runs are queued or running at `now`.
    pub(crate) fn active_count(&mut self, now: u64) -> usize {
        self.active.retain(|_, ends| *ends > now);
        self.active.len()
    }

    /// Workspaces for `config.apps`, each seeded with what a real one would hold.
    pub(crate) fn seeded(config: &Config, now: u64) -> Self {
        let mut world = World::default();
        let day = 86_400_000;
        for app_id in &config.apps {
            let app = world.projects.len();
            let project = Project {
                app_id: app_id.clone(),
                id: world.next_id("prj"),
                name: title_case(app_id),
            };
            world.projects.push(project);
            world.seed_app(app, now, day, &config.timing);
        }
        world
    }

    fn seed_app(&mut self, app: usize, now: u64, day: u64, timing: &Timing) {
        for (name, trigger, description, actions) in [
            (
                "Run smoke tests",
                bp::AutomationTriggerKind::Manual,
                "Manual / API",
                vec!["run_tests"],
            ),
            (
                "Nightly regression",
                bp::AutomationTriggerKind::Cron,
                "Every day at 02:00 UTC",
                vec!["run_tests", "send_message"],
            ),
            (
                "Notify on merge",
                bp::AutomationTriggerKind::BranchMerged,
                "When a branch is merged into main",
                vec!["send_webhook"],
            ),
        ] {
            let id = self.next_id("au");
            self.automations.push(AutomationRec {
                id,
                app,
                name,
                trigger,
                trigger_description: description,
                actions: actions.into_iter().map(Into::into).collect(),
                created_at: now - 30 * day,
                last_run_at: None,
            });
        }

        let shopper = self.next_id("tu");
        let admin = self.next_id("tu");
        for (id, name, email, database) in [
            (
                &shopper,
                "Test shopper",
                "shopper@example.com",
                bp::TestUserDatabase::Test,
            ),
            (
                &admin,
                "Live admin",
                "admin@example.com",
                bp::TestUserDatabase::Live,
            ),
        ] {
            self.users.push(UserRec {
                id: id.clone(),
                app,
                name: name.into(),
                description: None,
                email: Some(email.into()),
                database,
                disabled: false,
                created_at: now - 20 * day,
                deleted: false,
            });
        }

        let step = |world: &mut World, n: usize, instruction: &str| StepDef {
            id: world.next_id("st"),
            step_type: bp::TestStepInputStepType::Test,
            component_id: None,
            instruction: instruction.into(),
            details: None,
            tips: None,
            on_failure: bp::OnFailure::Stop,
            graph_node_key: format!("n{n}"),
            parent_graph_node_key: Some(if n == 1 {
                "start".into()
            } else {
                format!("n{}", n - 1)
            }),
            parent_condition_outcome: None,
            layout: (0.0, 120.0 * n as f64),
        };
        let login_id = self.next_id("ts");
        let login_steps = vec![
            step(self, 1, "Open the login page"),
            step(self, 2, "Sign in as the assigned test user"),
        ];
        let mut checkout_steps = vec![StepDef {
            step_type: bp::TestStepInputStepType::Component,
            component_id: Some(login_id.clone()),
            instruction: String::new(),
            ..step(self, 1, "")
        }];
        for (n, text) in [
            (2, "Add a lamp to the cart"),
            (3, "Pay with the test card"),
            (4, "See the order confirmation"),
        ] {
            checkout_steps.push(step(self, n, text));
        }
        let search_steps = vec![
            step(self, 1, "Search for 'lamp'"),
            step(self, 2, "See at least one result"),
        ];
        let checkout_id = self.next_id("ts");
        let search_id = self.next_id("ts");
        for (id, name, is_component, steps) in [
            (login_id, "Log in", true, login_steps),
            (
                checkout_id.clone(),
                "Checkout happy path",
                false,
                checkout_steps,
            ),
            (
                search_id.clone(),
                "Search finds products",
                false,
                search_steps,
            ),
        ] {
            self.tests.push(TestRec {
                id,
                app,
                name: name.into(),
                description: None,
                is_component,
                viewport: Some("desktop".into()),
                live_user: Some(admin.clone()),
                test_user: Some(shopper.clone()),
                timeout_minutes: Some(15),
                graph_start: (0.0, 0.0),
                steps,
                created_at: now - 10 * day,
                updated_at: now - 10 * day,
                archived_at: None,
            });
        }
        let group = self.next_id("tg");
        self.groups.push(GroupRec {
            id: group,
            app,
            name: "Smoke".into(),
            description: Some("Runs before every deploy.".into()),
            test_ids: vec![checkout_id, search_id],
            created_at: now - 9 * day,
            updated_at: now - 9 * day,
            archived_at: None,
        });

        for (id, display) in [
            ("main", "Main"),
            ("test", "Test"),
            ("feature-checkout", "Feature: checkout"),
            ("broken-export", "Broken export"),
        ] {
            self.branches.push(Branch {
                app,
                id: id.into(),
                display: display.into(),
            });
        }
        for (branch, display, age_days, change) in [
            ("main", "Main", 2, 1_480),
            ("main", "Main", 1, 1_512),
            ("feature-checkout", "Feature: checkout", 1, 1_530),
        ] {
            let id = self.next_id("ver");
            self.versions.push(VersionRec {
                id,
                app,
                branch: branch.into(),
                branch_display: display.into(),
                automatic: true,
                last_change: change,
                created_at: now - age_days * day,
                duration_ms: ms(timing.version_sync),
                fails: false,
            });
        }

        for (title, status, age_days) in [
            ("Tidy the signup flow", bp::ReviewMetadataStatus::Merged, 6),
            (
                "Experiment: new pricing page",
                bp::ReviewMetadataStatus::Closed,
                4,
            ),
        ] {
            let created = now - age_days * day;
            let agent_id = self.next_id("ag");
            let review_id = self.next_id("rv");
            self.agents.insert(
                agent_id.clone(),
                AgentRec {
                    id: agent_id.clone(),
                    app,
                    review_id: Some(review_id.clone()),
                    model: bp::Model::BuildprintGpt56Sol,
                    reasoning_effort: None,
                    permission: bp::Permission::ReadOnly,
                    permitted_branches: Vec::new(),
                    created_at: created,
                    turns: vec![Turn::schedule(
                        format!("Review the changes: {title}"),
                        created,
                        created,
                        timing,
                        timing.review_turn,
                    )],
                },
            );
            let sequence = self.reviews.iter().filter(|r| r.app == app).count() as u64 + 1;
            self.reviews.push(ReviewRec {
                id: review_id,
                app,
                sequence,
                status: status.clone(),
                title: Some(title.into()),
                description: None,
                from: "feature-checkout".into(),
                to: "main".into(),
                focus: None,
                agent_id,
                created_at: created,
                requested_by: Some(crate::config::MEMBER_EMAIL.into()),
                merged_at: (status == bp::ReviewMetadataStatus::Merged).then_some(created + day),
                closed_at: (status == bp::ReviewMetadataStatus::Closed).then_some(created + day),
            });
        }
    }
}

/// Milliseconds of a duration.
pub(crate) fn ms(duration: Duration) -> u64 {
    duration.as_millis() as u64
}

/// An ISO 8601 timestamp with milliseconds.
pub(crate) fn iso(at_ms: u64) -> String {
    humantime::format_rfc3339_millis(UNIX_EPOCH + Duration::from_millis(at_ms)).to_string()
}

/// Parses an ISO 8601 timestamp into Unix ms.
pub(crate) fn parse_iso(text: &str) -> Option<u64> {
    let at: SystemTime = humantime::parse_rfc3339_weak(text).ok()?;
    at.duration_since(UNIX_EPOCH).ok().map(ms)
}

fn as_map(value: Value) -> Option<Map<String, Value>> {
    match value {
        Value::Object(map) => Some(map),
        _ => None,
    }
}

fn title_case(app_id: &str) -> String {
    app_id
        .split(['-', '_'])
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut chars = w.chars();
            chars
                .next()
                .map(|c| c.to_uppercase().collect::<String>() + chars.as_str())
                .unwrap_or_default()
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn name_of(email: &str) -> String {
    title_case(
        email
            .split('@')
            .next()
            .unwrap_or(email)
            .replace('.', "-")
            .as_str(),
    )
}

fn branch_label(branch: &str) -> String {
    title_case(branch)
}

fn summary_of(prompt: &str) -> String {
    let first: String = prompt
        .split_whitespace()
        .take(12)
        .collect::<Vec<_>>()
        .join(" ");
    format!("I looked into: \"{first}\".")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn agent(prompt: &str) -> AgentRec {
        let timing = Timing::default();
        AgentRec {
            id: "ag_1".into(),
            app: 0,
            review_id: None,
            model: bp::Model::BuildprintGpt56Sol,
            reasoning_effort: None,
            permission: bp::Permission::ReadOnly,
            permitted_branches: Vec::new(),
            created_at: 0,
            turns: vec![Turn::schedule(
                prompt.into(),
                0,
                0,
                &timing,
                timing.agent_turn,
            )],
        }
    }

    #[test]
    fn an_agent_goes_queued_running_completed_with_history() {
        let project = Project {
            app_id: "a".into(),
            id: "p".into(),
            name: "A".into(),
        };
        let agent = agent("Fix the checkout");
        let at = |now| agent.view(&project, now, 100);
        assert_eq!(at(0).status, bp::RunStatus::Queued);
        assert_eq!(at(0).history.len(), 1);
        assert_eq!(at(2_000).status, bp::RunStatus::Running);
        assert_eq!(
            at(2_000).lifecycle.and_then(|l| l.sandbox_state),
            Some(bp::AgentLifecycleSandboxState::Online)
        );
        let done = at(22_000);
        assert_eq!(done.status, bp::RunStatus::Completed);
        assert_eq!(done.completed_at, Some(22_000));
        let roles: Vec<&str> = done
            .history
            .iter()
            .filter_map(|m| m.role.as_ref().map(|r| r.as_str()))
            .collect();
        assert_eq!(roles, ["user", "thinking", "tool", "assistant"]);
        assert_eq!(agent.view(&project, 22_000, 2).history.len(), 2);
    }

    #[test]
    fn an_error_prompt_ends_in_error_with_last_error() {
        let project = Project {
            app_id: "a".into(),
            id: "p".into(),
            name: "A".into(),
        };
        let view = agent("please emulate:error").view(&project, 60_000, 100);
        assert_eq!(view.status, bp::RunStatus::Error);
        assert!(view.last_error.unwrap().contains("emulate:error"));
        assert_eq!(
            view.lifecycle.and_then(|l| l.conversation_state),
            Some(bp::ConversationState::Errored)
        );
    }

    #[test]
    fn version_stages_follow_the_sync() {
        let version = VersionRec {
            id: "ver_1".into(),
            app: 0,
            branch: "main".into(),
            branch_display: "Main".into(),
            automatic: false,
            last_change: 1,
            created_at: 0,
            duration_ms: 1_000,
            fails: false,
        };
        let stages: Vec<String> = [0, 300, 600, 1_000]
            .iter()
            .map(|t| version.stage(*t).as_str().to_string())
            .collect();
        assert_eq!(stages, ["pending", "stored", "indexing", "completed"]);
        assert_eq!(iso(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(parse_iso("1970-01-01T00:00:01Z"), Some(1_000));
    }
}
