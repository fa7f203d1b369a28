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
use crate::world::*;

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

// --- Records ---------------------------------------------------------------------------------

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

#[cfg(test)]
mod record_tests {
    use super::*;

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
