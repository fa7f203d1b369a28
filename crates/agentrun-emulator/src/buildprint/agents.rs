//! `POST /agents`, `GET /agents/{agentId}`, `POST /agents/{agentId}/messages`.

use std::sync::Arc;
use std::time::Duration;

use agentrun_buildprint::types as bp;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

use super::{
    app, charges_credits, check_capacity, check_model, history_limit, non_empty, reply, webhook_url,
};
use crate::config::Timing;
use crate::error::ApiError;
use crate::extract::{Id, JsonBody, QueryParams};
use crate::state::Shared;
use crate::world::*;
use serde_json::{Value, json};

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct HistoryQuery {
    history_limit: Option<i64>,
}

pub(super) async fn start(
    State(shared): State<Arc<Shared>>,
    JsonBody(body): JsonBody<bp::StartAgentBody>,
) -> Result<Response, ApiError> {
    let config = &shared.config;
    let now = shared.now();
    let mut world = shared.write();
    let app = app(&world, &body.app_id)?;
    non_empty(&body.prompt, "prompt")?;
    let webhook = webhook_url(body.completion_webhook_url.as_ref())?;
    check_model(config, &world, &body.model, body.user_email.as_deref())?;
    check_capacity(config, &mut world, now)?;
    if charges_credits(&body.model) {
        world.hosted_runs += 1;
    }
    let id = world.next_id("ag");
    let turn = Turn::schedule(
        body.prompt,
        now,
        now,
        &config.timing,
        config.timing.agent_turn,
    );
    let agent = AgentRec {
        id: id.clone(),
        app,
        review_id: None,
        model: body.model.as_str().into(),
        // The documented defaults, which the server applies.
        reasoning_effort: Some(body.reasoning_effort.unwrap_or(bp::ReasoningEffort::Medium)),
        permission: body.permission.unwrap_or(bp::Permission::ReadOnly),
        permitted_branches: body.permitted_branches,
        created_at: now,
        turns: vec![turn],
    };
    let project = &world.projects[app];
    if let Some(url) = webhook {
        shared.webhooks.send_at(
            agent.ends_at(),
            url,
            agent_payload(&agent, project, agent.ends_at()),
        );
    }
    let answer = bp::StartAgentResponse {
        agent_id: id.clone(),
        kind: "agent".into(),
        status: agent.status(now),
        app_id: project.app_id.clone(),
        project_id: project.id.clone(),
        created_at: now as i64,
    };
    world.active.insert(id.clone(), agent.ends_at());
    world.agents.insert(id, agent);
    drop(world);
    shared.received(|r| r.agents_started += 1);
    Ok(reply(StatusCode::ACCEPTED, answer))
}

pub(super) async fn get(
    State(shared): State<Arc<Shared>>,
    Id(id): Id,
    QueryParams(query): QueryParams<HistoryQuery>,
) -> Result<Response, ApiError> {
    let limit = history_limit(query.history_limit)?;
    let now = shared.now();
    let world = shared.read();
    let agent = world.agents.get(&id).ok_or_else(|| not_found(&id))?;
    Ok(reply(
        StatusCode::OK,
        agent.view(&world.projects[agent.app], now, limit),
    ))
}

pub(super) async fn send_message(
    State(shared): State<Arc<Shared>>,
    Id(id): Id,
    JsonBody(body): JsonBody<bp::SendAgentMessageBody>,
) -> Result<Response, ApiError> {
    let config = &shared.config;
    let now = shared.now();
    let mut world = shared.write();
    let agent = world.agents.get(&id).ok_or_else(|| not_found(&id))?;
    let project = world.projects[agent.app].clone();
    if agent.review_id.is_some() {
        return Err(ApiError::conflict(
            "Follow-up could not be accepted: the conversation kind is unsupported (a code review's agent takes no follow-ups)",
            "conversation_kind_unsupported",
        ));
    }
    let busy = now < agent.ends_at();
    non_empty(&body.prompt, "prompt")?;
    let webhook = webhook_url(body.completion_webhook_url.as_ref())?;
    if !busy {
        check_capacity(config, &mut world, now)?;
    }
    let Some(agent) = world.agents.get_mut(&id) else {
        return Err(not_found(&id));
    };
    let turn = Turn::schedule(
        body.prompt,
        now,
        agent.ends_at(),
        &config.timing,
        config.timing.agent_turn,
    );
    agent.turns.push(turn);
    if let Some(permission) = body.permission {
        agent.permission = permission;
    }
    if !body.permitted_branches.is_empty() {
        agent.permitted_branches = body.permitted_branches;
    }
    let ends_at = agent.ends_at();
    let answer = bp::SendAgentMessageResponse {
        agent_id: id.clone(),
        kind: "agent".into(),
        status: agent.status(now),
    };
    if let Some(url) = webhook {
        shared
            .webhooks
            .send_at(ends_at, url, agent_payload(agent, &project, ends_at));
    }
    world.active.insert(id, ends_at);
    drop(world);
    shared.received(|r| r.follow_ups += 1);
    Ok(reply(StatusCode::ACCEPTED, answer))
}

fn not_found(id: &str) -> ApiError {
    ApiError::not_found(format!("Agent not found: `{id}`"))
}

/// The `agent.completed` payload, as the agent will be when its turn ends at `at`.
pub(super) fn agent_payload(agent: &AgentRec, project: &Project, at: u64) -> Value {
    let event = bp::AgentCompletedEvent {
        event: bp::AgentCompletedEventEvent::AgentCompleted,
        agent_id: Some(agent.id.clone()),
        kind: Some("agent".into()),
        status: Some(agent.status(at)),
        app_id: Some(project.app_id.clone()),
        project_id: Some(project.id.clone()),
        completed_at: Some(at as i64),
        last_error: agent.last_error(at),
    };
    serde_json::to_value(event).unwrap_or_default()
}

// --- Records ---------------------------------------------------------------------------------

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
            prompt: crate::state::stored_prompt(prompt),
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
    pub(crate) fn last_event(&self, now: u64) -> u64 {
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

    pub(crate) fn lifecycle(&self, now: u64) -> bp::AgentLifecycle {
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
    ) -> Option<bp::ReviewAgent> {
        let agent = self.view(project, now, history_limit);
        reshape(&agent, &[("reviewId", Value::Null)])
    }
}

#[cfg(test)]
mod record_tests {
    use super::*;
    use crate::config::Timing;

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
}
