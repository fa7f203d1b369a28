//! `/_emulator`: the emulator's own endpoints, for tests and CI scripts. They need no token
//! unless the emulator was given an admin token (`--admin-token`); then they need it as a
//! bearer token, since anyone who reaches them can change the clock and inject faults.
//!
//! | route | what |
//! |---|---|
//! | `GET /_emulator` | where the APIs are, the clock, what was received |
//! | `GET /_emulator/received` | counters: requests per route, agents started, ... |
//! | `GET /_emulator/faults` | the fault rules and how many requests each matched |
//! | `POST /_emulator/faults` | add a rule (a [`crate::FaultRule`] as JSON); answers `{"id": n}` |
//! | `DELETE /_emulator/faults` | remove every rule |
//! | `GET /_emulator/webhooks` | every webhook delivery and its attempts |
//! | `GET /_emulator/builder/runs` | the Builder runs accepted |
//! | `POST /_emulator/clock/advance` | `{"ms": n}`: move a manual clock |

use std::sync::Arc;

use axum::Router;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use serde_json::json;

use crate::buildprint::BASE;
use crate::error::ApiError;
use crate::extract::JsonBody;
use crate::faults::FaultRule;
use crate::state::Shared;

/// Refuses an admin request without the admin token, when there is one.
pub(crate) async fn authorize(
    State(shared): State<Arc<Shared>>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    if let Some(token) = &shared.config.admin_token {
        let sent = request
            .headers()
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "));
        if sent != Some(token.as_str()) {
            return ApiError::new(
                StatusCode::UNAUTHORIZED,
                "The emulator's admin endpoints need its admin token: send `Authorization: Bearer <the --admin-token value>`",
            )
            .code("admin_token_required")
            .into_response();
        }
    }
    next.run(request).await
}

pub(crate) fn routes() -> Router<Arc<Shared>> {
    Router::new()
        .route("/", get(overview))
        .route("/received", get(received))
        .route(
            "/faults",
            get(list_faults).post(add_fault).delete(clear_faults),
        )
        .route("/webhooks", get(webhooks))
        .route("/builder/runs", get(builder_runs))
        .route("/builder/projects/{project}/{branch}", get(editor_page))
        .route("/clock/advance", post(advance))
}

async fn overview(State(shared): State<Arc<Shared>>) -> Response {
    let world = shared.read();
    axum::Json(json!({
        "buildprintBaseUrl": format!("{}{BASE}", shared.base_url),
        "builderBaseUrl": shared.base_url,
        "apps": world.projects.iter().map(|p| &p.app_id).collect::<Vec<_>>(),
        "clock": {"nowMs": shared.now(), "speed": shared.clock.speed(), "manual": shared.clock.is_manual()},
        "received": shared.received_snapshot(),
    }))
    .into_response()
}

async fn received(State(shared): State<Arc<Shared>>) -> Response {
    axum::Json(shared.received_snapshot()).into_response()
}

async fn list_faults(State(shared): State<Arc<Shared>>) -> Response {
    axum::Json(shared.faults.list()).into_response()
}

async fn add_fault(
    State(shared): State<Arc<Shared>>,
    JsonBody(rule): JsonBody<FaultRule>,
) -> Response {
    let id = shared.faults.add(rule);
    (StatusCode::CREATED, axum::Json(json!({"id": id}))).into_response()
}

async fn clear_faults(State(shared): State<Arc<Shared>>) -> Response {
    shared.faults.clear();
    axum::Json(json!({"ok": true})).into_response()
}

async fn webhooks(State(shared): State<Arc<Shared>>) -> Response {
    axum::Json(shared.webhooks.log()).into_response()
}

async fn builder_runs(State(shared): State<Arc<Shared>>) -> Response {
    axum::Json(shared.read().builder_runs.clone()).into_response()
}

/// Stands in for the Visual Editor page a Builder run's `url` opens.
async fn editor_page(
    State(shared): State<Arc<Shared>>,
    Path((project, branch)): Path<(String, String)>,
) -> Response {
    let world = shared.read();
    let Some(run) = world
        .builder_runs
        .iter()
        .find(|r| r.project_id == project && r.branch_name == branch)
    else {
        return ApiError::not_found(format!("No Builder run on {project}/{branch}"))
            .into_response();
    };
    let escape = |s: &str| {
        s.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
    };
    (
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        format!(
            "<!doctype html><title>{branch}</title><h1>Builder run (emulated)</h1>\
             <p>Project <code>{}</code>, branch <code>{}</code>, for {}.</p><blockquote>{}</blockquote>\
             <p>{} attachment(s). The real Visual Editor would show the agent at work here.</p>",
            escape(&run.project_id),
            escape(&run.branch_name),
            escape(&run.user),
            escape(&run.prompt),
            run.attachments
        ),
    )
        .into_response()
}

#[derive(Deserialize)]
struct Advance {
    ms: u64,
}

async fn advance(State(shared): State<Arc<Shared>>, JsonBody(body): JsonBody<Advance>) -> Response {
    if !shared.clock.is_manual() {
        return ApiError::conflict(
            "The clock is not manual; start the emulator with --manual-clock to move it by hand",
            "clock_not_manual",
        )
        .into_response();
    }
    shared
        .clock
        .advance(std::time::Duration::from_millis(body.ms));
    axum::Json(json!({"nowMs": shared.now()})).into_response()
}
