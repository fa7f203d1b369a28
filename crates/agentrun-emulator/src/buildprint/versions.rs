//! `GET /versions`, `GET /versions/status`, `POST /versions/sync`.

use std::sync::Arc;

use agentrun_buildprint::types as bp;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

use super::{app, reply};
use crate::error::ApiError;
use crate::extract::{JsonBody, QueryParams};
use crate::state::Shared;
use crate::world::{VersionRec, World, ms, parse_iso};

/// Versions a page holds unless `limit` says otherwise, and at most.
const PAGE: usize = 20;
const MAX_PAGE: usize = 100;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct ListQuery {
    app_id: String,
    version: String,
    cursor: Option<String>,
    limit: Option<i64>,
    synced_after: Option<String>,
    synced_before: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct StatusQuery {
    app_id: String,
    version_id: String,
}

/// A branch by ID or display label.
fn branch(world: &World, app: usize, selector: &str) -> Result<(String, String), ApiError> {
    world
        .branches
        .iter()
        .find(|b| b.app == app && (b.id == selector || b.display.eq_ignore_ascii_case(selector)))
        .map(|b| (b.id.clone(), b.display.clone()))
        .ok_or_else(|| {
            ApiError::not_found(format!("Branch not found: `{selector}`")).code("branch_not_found")
        })
}

fn timestamp(field: &str, value: Option<&String>) -> Result<Option<u64>, ApiError> {
    value
        .map(|text| {
            parse_iso(text).ok_or_else(|| {
                ApiError::invalid(format!(
                    "`{field}` is not an ISO 8601 timestamp (got `{text}`; write it like 2026-07-14T09:30:00Z)"
                ))
            })
        })
        .transpose()
}

pub(super) async fn list(
    State(shared): State<Arc<Shared>>,
    QueryParams(query): QueryParams<ListQuery>,
) -> Result<Response, ApiError> {
    let limit = match query.limit {
        None => PAGE,
        Some(n) if (1..=MAX_PAGE as i64).contains(&n) => n as usize,
        Some(n) => {
            return Err(ApiError::invalid(format!(
                "`limit` must be between 1 and {MAX_PAGE} (got {n})"
            )));
        }
    };
    let offset = match &query.cursor {
        None => 0,
        Some(cursor) => cursor
            .strip_prefix("c")
            .and_then(|n| n.parse::<usize>().ok())
            .ok_or_else(|| {
                ApiError::invalid(format!(
                    "`cursor` `{cursor}` is not a cursor this API returned"
                ))
            })?,
    };
    let after = timestamp("syncedAfter", query.synced_after.as_ref())?;
    let before = timestamp("syncedBefore", query.synced_before.as_ref())?;
    let now = shared.now();
    let world = shared.read();
    let app = app(&world, &query.app_id)?;
    let (branch, _) = branch(&world, app, &query.version)?;
    let mut versions: Vec<(&VersionRec, u64)> = world
        .versions
        .iter()
        .filter(|v| v.app == app && v.branch == branch)
        .filter_map(|v| v.synced_at(now).map(|at| (v, at)))
        .filter(|(_, at)| after.is_none_or(|a| *at >= a) && before.is_none_or(|b| *at <= b))
        .collect();
    versions.sort_by_key(|(_, synced_at)| std::cmp::Reverse(*synced_at));
    let page: Vec<bp::SyncedVersion> = versions
        .iter()
        .skip(offset)
        .take(limit)
        .map(|(v, _)| v.view(now))
        .collect();
    let next_cursor = (offset + limit < versions.len()).then(|| format!("c{}", offset + limit));
    Ok(reply(
        StatusCode::OK,
        bp::ListVersionsResponse {
            versions: page,
            next_cursor,
        },
    ))
}

pub(super) async fn status(
    State(shared): State<Arc<Shared>>,
    QueryParams(query): QueryParams<StatusQuery>,
) -> Result<Response, ApiError> {
    let now = shared.now();
    let world = shared.read();
    let app = app(&world, &query.app_id)?;
    let version = world
        .versions
        .iter()
        .find(|v| v.id == query.version_id && v.app == app)
        .ok_or_else(|| {
            ApiError::not_found(format!("Synced version not found: `{}`", query.version_id))
        })?;
    Ok(reply(StatusCode::OK, version.status(now)))
}

pub(super) async fn sync(
    State(shared): State<Arc<Shared>>,
    JsonBody(body): JsonBody<bp::SyncVersionBody>,
) -> Result<Response, ApiError> {
    let timing = &shared.config.timing;
    let (id, created, duration) = {
        let now = shared.now();
        let mut world = shared.write();
        let app = app(&world, &body.app_id)?;
        let (branch, display) = branch(&world, app, &body.version)?;
        let duration = if branch == "main" {
            timing.quick_version_sync
        } else {
            timing.version_sync
        };
        let last_change = world
            .versions
            .iter()
            .filter(|v| v.app == app)
            .map(|v| v.last_change)
            .max()
            .unwrap_or(1_000)
            + 7;
        let id = world.next_id("ver");
        world.versions.push(VersionRec {
            id: id.clone(),
            app,
            fails: branch == "broken-export",
            branch,
            branch_display: display,
            automatic: false,
            last_change,
            created_at: now,
            duration_ms: ms(duration),
        });
        (id, now, duration)
    };
    shared.received(|r| r.version_syncs += 1);
    // Wait briefly, as the real endpoint does, and answer with the sync as it stands at the end
    // of the wait: on a fast clock the wait really takes far longer than the window. A manual
    // clock does not move while the handler waits, so its answer is the sync as it stands now
    // (what GET /versions/status says too).
    let waited = duration.min(timing.sync_wait_window);
    shared.clock.wait(waited).await;
    let answered_at = if shared.clock.is_manual() {
        shared.now()
    } else {
        created + ms(waited)
    };
    let world = shared.read();
    let status = world
        .versions
        .iter()
        .find(|v| v.id == id)
        .map(|v| v.status(answered_at))
        .ok_or_else(|| ApiError::not_found(format!("Synced version not found: `{id}`")))?;
    let code = match status.status {
        bp::SyncStatusStatus::InProgress => StatusCode::ACCEPTED,
        _ => StatusCode::OK,
    };
    Ok(reply(code, status))
}
