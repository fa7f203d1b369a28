//! Buildprint's public REST API, under `/api/public/v1`.

mod agents;
mod automations;
mod library;
mod reviews;
mod runs;
mod versions;

use std::sync::Arc;

use agentrun_buildprint::types as bp;
use axum::Router;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::Serialize;

use crate::config::Config;
use crate::error::ApiError;
use crate::state::Shared;
use crate::world::World;

/// Where Buildprint's routes live.
pub(crate) const BASE: &str = "/api/public/v1";

/// Every Buildprint route, behind the bearer-token check.
pub(crate) fn routes(shared: Arc<Shared>) -> Router<Arc<Shared>> {
    let p = |path: &str| format!("{BASE}{path}");
    Router::new()
        .route(&p("/agents"), post(agents::start))
        .route(&p("/agents/{agentId}"), get(agents::get))
        .route(&p("/agents/{agentId}/messages"), post(agents::send_message))
        .route(
            &p("/code-reviews"),
            get(reviews::list).post(reviews::create),
        )
        .route(&p("/code-reviews/{reviewId}"), get(reviews::get))
        .route(&p("/automations"), get(automations::list))
        .route(
            &p("/automations/{automationId}/run"),
            post(automations::run),
        )
        .route(
            &p("/tests"),
            get(library::list_tests).post(library::create_test),
        )
        .route(
            &p("/tests/{testId}"),
            get(library::get_test)
                .put(library::update_test)
                .delete(library::delete_test),
        )
        .route(
            &p("/test-groups"),
            get(library::list_groups).post(library::create_group),
        )
        .route(
            &p("/test-groups/{groupId}"),
            get(library::get_group)
                .put(library::update_group)
                .delete(library::delete_group),
        )
        .route(
            &p("/test-users"),
            get(library::list_users).post(library::create_user),
        )
        .route(
            &p("/test-users/{testUserId}"),
            get(library::get_user)
                .put(library::update_user)
                .delete(library::delete_user),
        )
        .route(&p("/test-runs"), post(runs::start_run))
        .route(&p("/test-runs/{runId}"), get(runs::get_run))
        .route(&p("/test-group-runs"), post(runs::start_group_run))
        .route(
            &p("/test-group-runs/{groupRunId}"),
            get(runs::get_group_run),
        )
        .route(&p("/versions"), get(versions::list))
        .route(&p("/versions/status"), get(versions::status))
        .route(&p("/versions/sync"), post(versions::sync))
        .route_layer(axum::middleware::from_fn_with_state(shared, authorize))
}

/// The bearer token, then the plan: what every Buildprint endpoint checks first.
async fn authorize(State(shared): State<Arc<Shared>>, request: Request, next: Next) -> Response {
    let presented = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .map(str::trim);
    let token = match presented.and_then(|v| v.strip_prefix("Bearer ")) {
        Some(token) => token.trim(),
        None => {
            return ApiError::unauthorized(
                "Missing bearer token: send `Authorization: Bearer bp_...` with a workspace REST API token",
            )
            .into_response();
        }
    };
    if token != shared.config.buildprint_token {
        return ApiError::unauthorized("Invalid bearer token: it is not a token of this workspace")
            .into_response();
    }
    // GET /agents/{id} and GET /code-reviews/{id} document no 402.
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_string())
        .unwrap_or_default();
    let exempt = request.method() == axum::http::Method::GET
        && (route.ends_with("/agents/{agentId}") || route.ends_with("/code-reviews/{reviewId}"));
    if !shared.config.api_access && !exempt {
        return ApiError::new(
            StatusCode::PAYMENT_REQUIRED,
            "API access is not available on the current workspace plan",
        )
        .code("api_access_required")
        .reason("The workspace plan does not include API access; upgrade it in Buildprint.")
        .into_response();
    }
    next.run(request).await
}

/// A JSON answer.
pub(crate) fn reply<T: Serialize>(status: StatusCode, body: T) -> Response {
    match serde_json::to_vec(&body) {
        Ok(bytes) => (status, [(header::CONTENT_TYPE, "application/json")], bytes).into_response(),
        Err(error) => ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("The emulator could not write its answer: {error}"),
        )
        .into_response(),
    }
}

/// The index of an app's project, or 404 naming the apps the emulator knows.
pub(crate) fn app(world: &World, app_id: &str) -> Result<usize, ApiError> {
    world.app(app_id).ok_or_else(|| {
        let known: Vec<&str> = world.projects.iter().map(|p| p.app_id.as_str()).collect();
        ApiError::not_found(format!(
            "Unknown appId `{app_id}`: this workspace has {} (start the emulator with --app {app_id} to add it)",
            known.join(", ")
        ))
        .code("app_not_found")
    })
}

/// `historyLimit`: 100 unless given, at most 500.
pub(crate) fn history_limit(requested: Option<i64>) -> Result<usize, ApiError> {
    match requested {
        None => Ok(100),
        Some(n) if n < 1 => Err(ApiError::invalid(format!(
            "`historyLimit` must be at least 1 (got {n})"
        ))),
        Some(n) => Ok(n.min(500) as usize),
    }
}

/// A required text field that must not be blank.
pub(crate) fn non_empty(value: &str, field: &str) -> Result<(), ApiError> {
    if value.trim().is_empty() {
        Err(ApiError::invalid(format!("`{field}` must not be empty")))
    } else {
        Ok(())
    }
}

/// An optional `completionWebhookUrl` must be an http(s) URL.
pub(crate) fn webhook_url(url: Option<&String>) -> Result<Option<String>, ApiError> {
    match url {
        None => Ok(None),
        Some(url)
            if reqwest::Url::parse(url).is_ok_and(|u| matches!(u.scheme(), "http" | "https")) =>
        {
            Ok(Some(url.clone()))
        }
        Some(url) => Err(ApiError::invalid(format!(
            "`completionWebhookUrl` must be an http(s) URL (got `{url}`)"
        ))),
    }
}

/// The model and user rules of a run: a known model; `userEmail` of a member with provider
/// credentials for a connected-provider model; paid credits left for a Buildprint-hosted one.
pub(crate) fn check_model(
    config: &Config,
    world: &World,
    model: &bp::SelectableModel,
    user_email: Option<&str>,
) -> Result<(), ApiError> {
    if model.is_unknown() {
        let known: Vec<&str> = bp::SelectableModel::KNOWN
            .iter()
            .map(|m| m.as_str())
            .collect();
        return Err(ApiError::invalid(format!(
            "Unknown model `{model}`; choose one of: {}",
            known.join(", ")
        ))
        .code("invalid_model"));
    }
    if let Some(email) = user_email {
        if !email.contains('@') {
            return Err(ApiError::invalid(format!(
                "`userEmail` is not an email address (got `{email}`)"
            )));
        }
        if !config.is_member(email) {
            return Err(ApiError::new(
                StatusCode::FORBIDDEN,
                format!("`{email}` is not a member of this workspace"),
            )
            .code("user_not_workspace_member"));
        }
    }
    let name = model.as_str();
    let connected = ["claude-", "openai-", "cursor-"]
        .iter()
        .any(|prefix| name.starts_with(prefix));
    if connected {
        let Some(email) = user_email else {
            return Err(ApiError::invalid(format!(
                "The model `{name}` runs on a connected provider: send `userEmail` of a workspace member with active provider credentials, or choose a buildprint- model"
            ))
            .code("user_email_required"));
        };
        if !config.has_provider_credentials(email) {
            return Err(ApiError::new(
                StatusCode::FORBIDDEN,
                format!("`{email}` has no active credentials for the provider of `{name}`"),
            )
            .code("missing_provider_credentials"));
        }
    } else {
        if config
            .paid_credits
            .is_some_and(|credits| world.hosted_runs >= credits)
        {
            return Err(ApiError::new(
                StatusCode::PAYMENT_REQUIRED,
                "The workspace does not have enough paid credits for a Buildprint-hosted model",
            )
            .code("insufficient_paid_credits")
            .reason(
                "Add credits in Buildprint, or use a connected-provider model with userEmail.",
            ));
        }
    }
    Ok(())
}

/// Whether a run on `model` spends the workspace's paid credits (counted when it is created).
pub(crate) fn charges_credits(model: &bp::SelectableModel) -> bool {
    model.as_str().starts_with("buildprint-")
}

/// 409 when the workspace already runs as many agents as it may.
pub(crate) fn check_capacity(config: &Config, world: &mut World, now: u64) -> Result<(), ApiError> {
    let limit = config.max_concurrent_agents;
    if limit > 0 && world.active_count(now) >= limit {
        return Err(ApiError::conflict(
            format!(
                "The workspace has reached its concurrent agent limit ({limit}); wait for a run to finish"
            ),
            "concurrent_agent_limit",
        ));
    }
    Ok(())
}
