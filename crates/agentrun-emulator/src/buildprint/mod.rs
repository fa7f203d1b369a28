//! Buildprint's public REST API, under `/api/public/v1`.

pub(crate) mod agents;
pub(crate) mod automations;
pub(crate) mod library;
pub(crate) mod reviews;
pub(crate) mod runs;
pub(crate) mod versions;

use std::sync::Arc;

use agentrun_buildprint::operations::OPERATIONS;
use agentrun_buildprint::types as bp;
use axum::Router;
use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::config::Config;
use crate::error::ApiError;
use crate::spec_answer::{Model, model};
use crate::state::Shared;
use crate::world::World;

/// Where Buildprint's routes live.
pub(crate) const BASE: &str = "/api/public/v1";

/// The operations the emulator models, each with its handler, named by its generated
/// builder (so an operation that leaves the spec stops compiling here). Every other operation
/// of the spec is answered from the spec ([`crate::spec_answer`]).
fn models() -> Vec<Model> {
    use agentrun_buildprint::builder as op;
    vec![
        model::<op::StartAgent<'_>, _, _>(agents::start),
        model::<op::GetAgent<'_>, _, _>(agents::get),
        model::<op::SendAgentMessage<'_>, _, _>(agents::send_message),
        model::<op::ListCodeReviews<'_>, _, _>(reviews::list),
        model::<op::CreateCodeReview<'_>, _, _>(reviews::create),
        model::<op::GetCodeReview<'_>, _, _>(reviews::get),
        model::<op::ListAutomations<'_>, _, _>(automations::list),
        model::<op::RunAutomation<'_>, _, _>(automations::run),
        model::<op::ListTests<'_>, _, _>(library::list_tests),
        model::<op::CreateTest<'_>, _, _>(library::create_test),
        model::<op::GetTest<'_>, _, _>(library::get_test),
        model::<op::UpdateTest<'_>, _, _>(library::update_test),
        model::<op::DeleteTest<'_>, _, _>(library::delete_test),
        model::<op::ListTestGroups<'_>, _, _>(library::list_groups),
        model::<op::CreateTestGroup<'_>, _, _>(library::create_group),
        model::<op::GetTestGroup<'_>, _, _>(library::get_group),
        model::<op::UpdateTestGroup<'_>, _, _>(library::update_group),
        model::<op::DeleteTestGroup<'_>, _, _>(library::delete_group),
        model::<op::ListTestUsers<'_>, _, _>(library::list_users),
        model::<op::CreateTestUser<'_>, _, _>(library::create_user),
        model::<op::GetTestUser<'_>, _, _>(library::get_user),
        model::<op::UpdateTestUser<'_>, _, _>(library::update_user),
        model::<op::DeleteTestUser<'_>, _, _>(library::delete_user),
        model::<op::StartTestRun<'_>, _, _>(runs::start_run),
        model::<op::GetTestRun<'_>, _, _>(runs::get_run),
        model::<op::StartTestGroupRun<'_>, _, _>(runs::start_group_run),
        model::<op::GetTestGroupRun<'_>, _, _>(runs::get_group_run),
        model::<op::ListVersions<'_>, _, _>(versions::list),
        model::<op::GetSyncStatus<'_>, _, _>(versions::status),
        model::<op::SyncVersion<'_>, _, _>(versions::sync),
        model::<op::GetOpenApiDocument<'_>, _, _>(openapi_json),
    ]
}

/// Every operation of the spec as a route under [`BASE`], behind the token and plan checks:
/// the modeled ones by their handlers, the others answered from the spec.
pub(crate) fn routes(shared: Arc<Shared>) -> Router<Arc<Shared>> {
    crate::spec_answer::routes(
        BASE,
        OPERATIONS,
        agentrun_buildprint::OPENAPI_DOCUMENT,
        models(),
    )
    .route_layer(axum::middleware::from_fn_with_state(shared, authorize))
}

/// The committed Buildprint document, as `GET /openapi.json` serves it.
async fn openapi_json() -> Response {
    (
        [(header::CONTENT_TYPE, "application/json")],
        crate::BUILDPRINT_OPENAPI_JSON,
    )
        .into_response()
}

/// The bearer token, then the plan: what every Buildprint endpoint checks first.
async fn authorize(State(shared): State<Arc<Shared>>, request: Request, next: Next) -> Response {
    let Some(operation) = crate::spec_answer::matched(OPERATIONS, BASE, &request) else {
        return next.run(request).await;
    };
    if !operation.authenticated {
        return next.run(request).await;
    }
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
    // The plan check answers 402, which an operation documents or not.
    let exempt = !operation.documents(402);
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
