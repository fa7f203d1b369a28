//! `POST /agents`, `GET /agents/{agentId}`, `POST /agents/{agentId}/messages`.

use std::sync::Arc;

use agentrun_buildprint::types as bp;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use serde_json::Value;

use super::{
    app, charges_credits, check_capacity, check_model, history_limit, non_empty, reply, webhook_url,
};
use crate::error::ApiError;
use crate::extract::{Id, JsonBody, QueryParams};
use crate::state::Shared;
use crate::world::{AgentRec, Project, Turn};

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
