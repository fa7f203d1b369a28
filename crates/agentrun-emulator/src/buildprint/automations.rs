//! `GET /automations`, `POST /automations/{automationId}/run`.

use std::sync::Arc;

use agentrun_buildprint::types as bp;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

use super::{app, reply};
use crate::error::ApiError;
use crate::extract::{Id, QueryParams};
use crate::state::Shared;
use crate::world::*;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct AppQuery {
    app_id: String,
}

pub(super) async fn list(
    State(shared): State<Arc<Shared>>,
    QueryParams(query): QueryParams<AppQuery>,
) -> Result<Response, ApiError> {
    let world = shared.read();
    let app = app(&world, &query.app_id)?;
    let project = &world.projects[app];
    let automations = world
        .automations
        .iter()
        .filter(|a| a.app == app)
        .map(|a| a.view(project))
        .collect();
    Ok(reply(
        StatusCode::OK,
        bp::ListAutomationsResponse { automations },
    ))
}

pub(super) async fn run(
    State(shared): State<Arc<Shared>>,
    Id(id): Id,
) -> Result<Response, ApiError> {
    let now = shared.now();
    let mut world = shared.write();
    let automation = world
        .automations
        .iter_mut()
        .find(|a| a.id == id)
        .ok_or_else(|| ApiError::not_found(format!("Automation not found: `{id}`")))?;
    if !automation.can_run_manually() {
        return Err(ApiError::invalid(format!(
            "`{}` has the {} trigger ({}); only automations with the Manual / API trigger run through the API",
            automation.name,
            automation.trigger.as_str(),
            automation.trigger_description
        ))
        .code("automation_not_manual"));
    }
    automation.last_run_at = Some(now);
    drop(world);
    shared.received(|r| r.automations_run += 1);
    Ok(reply(
        StatusCode::ACCEPTED,
        bp::RunAutomationResponse {
            automation_id: id,
            status: "queued".into(),
            queued_at: now as i64,
        },
    ))
}

// --- Records ---------------------------------------------------------------------------------

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
