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
use crate::world::{AgentRec, ReviewRec, Turn};

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
                    .map(|agent| r.summary(agent, now))
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
            agent: Some(agent.review_view(project, now, limit)),
        },
    ))
}
