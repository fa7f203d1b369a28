//! `GET /code-reviews`, `POST /code-reviews`, `GET /code-reviews/{reviewId}`.

use std::sync::Arc;

use agentrun_buildprint::types as bp;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

use super::{
    app, charges_credits, check_capacity, check_model, history_limit, non_empty, reply, webhook_url,
};
use crate::error::ApiError;
use crate::extract::{Id, JsonBody, QueryParams};
use crate::state::Shared;
use crate::world::*;
use serde_json::Value;

/// The model a review runs on when the request names none.
const DEFAULT_REVIEW_MODEL: bp::SelectableModel = bp::SelectableModel::BuildprintGpt56Sol;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct ListQuery {
    app_id: String,
    limit: Option<i64>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct GetQuery {
    history_limit: Option<i64>,
}

pub(super) async fn list(
    State(shared): State<Arc<Shared>>,
    QueryParams(query): QueryParams<ListQuery>,
) -> Result<Response, ApiError> {
    let limit = match query.limit {
        None => usize::MAX,
        Some(n) if n < 1 => {
            return Err(ApiError::invalid(format!(
                "`limit` must be at least 1 (got {n})"
            )));
        }
        Some(n) => n as usize,
    };
    let now = shared.now();
    let world = shared.read();
    let app = app(&world, &query.app_id)?;
    let mut reviews: Vec<&ReviewRec> = world.reviews.iter().filter(|r| r.app == app).collect();
    reviews.sort_by(|a, b| {
        b.created_at
            .cmp(&a.created_at)
            .then(b.sequence.cmp(&a.sequence))
    });
    let bucket = |status: bp::ReviewMetadataStatus| -> Vec<bp::ReviewSummary> {
        reviews
            .iter()
            .filter(|r| r.status == status)
            .take(limit)
            .filter_map(|r| {
                world
                    .agents
                    .get(&r.agent_id)
                    .and_then(|agent| r.summary(agent, now))
            })
            .collect()
    };
    Ok(reply(
        StatusCode::OK,
        bp::ListCodeReviewsResponse {
            open: bucket(bp::ReviewMetadataStatus::Open),
            merged: bucket(bp::ReviewMetadataStatus::Merged),
            closed: bucket(bp::ReviewMetadataStatus::Closed),
        },
    ))
}

pub(super) async fn create(
    State(shared): State<Arc<Shared>>,
    JsonBody(body): JsonBody<bp::CreateCodeReviewBody>,
) -> Result<Response, ApiError> {
    let config = &shared.config;
    let now = shared.now();
    let mut world = shared.write();
    let app = app(&world, &body.app_id)?;
    non_empty(&body.from_version, "fromVersion")?;
    non_empty(&body.to_version, "toVersion")?;
    let webhook = webhook_url(body.completion_webhook_url.as_ref())?;
    let model = body.model.unwrap_or(DEFAULT_REVIEW_MODEL);
    check_model(config, &world, &model, body.user_email.as_deref())?;
    check_capacity(config, &mut world, now)?;
    if charges_credits(&model) {
        world.hosted_runs += 1;
    }
    let agent_id = world.next_id("ag");
    let review_id = world.next_id("rv");
    let prompt = format!(
        "Review the changes from `{}` to `{}`{}{}",
        body.from_version,
        body.to_version,
        body.title
            .as_ref()
            .map(|t| format!(": {t}"))
            .unwrap_or_default(),
        body.focus_areas
            .as_ref()
            .map(|f| format!(". Focus on: {f}"))
            .unwrap_or_default(),
    );
    let agent = AgentRec {
        id: agent_id.clone(),
        app,
        review_id: Some(review_id.clone()),
        model: model.as_str().into(),
        reasoning_effort: None,
        permission: bp::Permission::ReadOnly,
        permitted_branches: Vec::new(),
        created_at: now,
        turns: vec![Turn::schedule(
            prompt,
            now,
            now,
            &config.timing,
            config.timing.review_turn,
        )],
    };
    let sequence = world.reviews.iter().filter(|r| r.app == app).count() as u64 + 1;
    let project = &world.projects[app];
    let ends_at = agent.ends_at();
    if let Some(url) = webhook {
        let event = bp::ReviewCompletedEvent {
            event: bp::ReviewCompletedEventEvent::ReviewCompleted,
            review_id: Some(review_id.clone()),
            agent_id: Some(agent_id.clone()),
            kind: Some("code_review".into()),
            status: Some(agent.status(ends_at)),
            app_id: Some(project.app_id.clone()),
            project_id: Some(project.id.clone()),
            completed_at: Some(ends_at as i64),
            last_error: agent.last_error(ends_at),
        };
        let payload = serde_json::to_value(event).unwrap_or_default();
        shared.webhooks.send_at(ends_at, url, payload);
    }
    let answer = bp::CreateCodeReviewResponse {
        review_id: review_id.clone(),
        agent_id: agent_id.clone(),
        kind: "code_review".into(),
        status: agent.status(now),
        created_at: now as i64,
    };
    world.reviews.push(ReviewRec {
        id: review_id,
        app,
        sequence,
        status: bp::ReviewMetadataStatus::Open,
        title: body.title,
        description: body.description,
        from: body.from_version,
        to: body.to_version,
        focus: body.focus_areas,
        agent_id: agent_id.clone(),
        created_at: now,
        requested_by: body.user_email,
        merged_at: None,
        closed_at: None,
    });
    world.active.insert(agent_id.clone(), ends_at);
    world.agents.insert(agent_id, agent);
    drop(world);
    shared.received(|r| r.code_reviews_created += 1);
    Ok(reply(StatusCode::ACCEPTED, answer))
}

pub(super) async fn get(
    State(shared): State<Arc<Shared>>,
    Id(id): Id,
    QueryParams(query): QueryParams<GetQuery>,
) -> Result<Response, ApiError> {
    let limit = history_limit(query.history_limit)?;
    let now = shared.now();
    let world = shared.read();
    let not_found = || ApiError::not_found(format!("Code review not found: `{id}`"));
    let review = world
        .reviews
        .iter()
        .find(|r| r.id == id)
        .ok_or_else(not_found)?;
    let agent = world.agents.get(&review.agent_id).ok_or_else(not_found)?;
    let project = &world.projects[review.app];
    let [changes, comments, tests] = review.findings(agent, now);
    let review_comments = if agent.status(now) == bp::RunStatus::Completed {
        vec![bp::ReviewComment {
            id: format!("{}-rc1", review.id),
            parent_id: None,
            author_name: Some("Buildprint".into()),
            author_email: None,
            author_image: None,
            body: Some(format!(
                "Reviewed {} against {}: {} finding(s).",
                review.from,
                review.to,
                changes.len() + comments.len() + tests.len()
            )),
            image_urls: Vec::new(),
            is_deleted: Some(false),
            edited_at: None,
            created_at: Some(agent.ends_at() as i64),
        }]
    } else {
        Vec::new()
    };
    Ok(reply(
        StatusCode::OK,
        bp::GetCodeReviewResponse {
            review_id: review.id.clone(),
            review: review.metadata(agent, now),
            changes,
            comments,
            tests,
            review_comments,
            agent: agent.review_view(project, now, limit),
        },
    ))
}

// --- Records ---------------------------------------------------------------------------------

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
    pub(crate) fn summary(&self, agent: &AgentRec, now: u64) -> Option<bp::ReviewSummary> {
        reshape(
            &self.metadata(agent, now),
            &[("id", Value::String(self.id.clone()))],
        )
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
