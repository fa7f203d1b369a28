//! What the emulated workspace holds. Each kind of record lives next to its handlers
//! (`crate::buildprint::agents::AgentRec`, ...); the seed data is in `seed.rs`.
//!
//! Records keep timestamps, not statuses: a run's status, history and lifecycle are worked out
//! from the clock when asked, so 100,000 stored agents cost no timers, and a manual clock steps
//! a run through its lifecycle exactly.

use std::collections::HashMap;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde_json::{Map, Value};

mod seed;

pub(crate) use crate::buildprint::agents::{AgentRec, Turn};
pub(crate) use crate::buildprint::automations::AutomationRec;
pub(crate) use crate::buildprint::library::{GroupRec, StepDef, TestRec, UserRec};
pub(crate) use crate::buildprint::reviews::ReviewRec;
pub(crate) use crate::buildprint::runs::{GroupRunRec, RunRec};
pub(crate) use crate::buildprint::versions::{Branch, VersionRec};

/// A prompt containing this ends its turn in error.
pub const EMULATE_ERROR: &str = "emulate:error";
/// A prompt (or test step instruction) containing this runs ten times longer.
pub const EMULATE_SLOW: &str = "emulate:slow";
/// A test step instruction containing this fails.
pub const EMULATE_FAIL: &str = "emulate:fail";
/// A test step instruction containing this passes with a warning.
pub const EMULATE_WARN: &str = "emulate:warn";

/// A Bubble app and its workspace project.
#[derive(Debug, Clone)]
pub(crate) struct Project {
    pub(crate) app_id: String,
    pub(crate) id: String,
    pub(crate) name: String,
}

/// A Builder agent run (Builder has no read endpoint; kept for inspection).
#[derive(Debug, Clone, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BuilderRun {
    /// The project the run went to.
    pub project_id: String,
    /// The branch it created.
    pub branch_name: String,
    /// The prompt.
    pub prompt: String,
    /// The user it ran for (email or user id).
    pub user: String,
    /// How many attachments it carried.
    pub attachments: usize,
    /// When it was accepted (Unix ms).
    pub created_at: u64,
}

/// Everything the emulated workspaces hold.
#[derive(Debug, Default)]
pub(crate) struct World {
    pub(crate) projects: Vec<Project>,
    pub(crate) agents: HashMap<String, AgentRec>,
    /// Agents and test runs that are queued or running, with when they end.
    pub(crate) active: HashMap<String, u64>,
    pub(crate) reviews: Vec<ReviewRec>,
    pub(crate) automations: Vec<AutomationRec>,
    pub(crate) tests: Vec<TestRec>,
    pub(crate) groups: Vec<GroupRec>,
    pub(crate) users: Vec<UserRec>,
    pub(crate) runs: HashMap<String, RunRec>,
    pub(crate) group_runs: HashMap<String, GroupRunRec>,
    pub(crate) branches: Vec<Branch>,
    pub(crate) versions: Vec<VersionRec>,
    pub(crate) builder_runs: Vec<BuilderRun>,
    pub(crate) hosted_runs: u32,
    ids: HashMap<&'static str, u64>,
}

impl World {
    /// A new identifier: `prefix_000001`, `prefix_000002`, ...
    pub(crate) fn next_id(&mut self, prefix: &'static str) -> String {
        let n = self.ids.entry(prefix).or_insert(0);
        *n += 1;
        format!("{prefix}_{n:06}")
    }

    /// The project of a Bubble app.
    pub(crate) fn app(&self, app_id: &str) -> Option<usize> {
        self.projects.iter().position(|p| p.app_id == app_id)
    }

    /// How many agents and test runs are queued or running at `now`.
    pub(crate) fn active_count(&mut self, now: u64) -> usize {
        self.active.retain(|_, ends| *ends > now);
        self.active.len()
    }
}

/// The same JSON read as another generated type, with `changes` made to its fields: for
/// schemas the spec keeps apart that hold the same fields (a review's agent is the agent
/// without `reviewId`; a listed review is the review's metadata with its `id`), so no code
/// copies one into the other field by field. `None`, logged, if the shapes ever part.
pub(crate) fn reshape<T: serde::de::DeserializeOwned>(
    value: &impl serde::Serialize,
    changes: &[(&str, Value)],
) -> Option<T> {
    let mut json = serde_json::to_value(value).ok()?;
    if let Value::Object(fields) = &mut json {
        for (name, value) in changes {
            match value {
                Value::Null => fields.remove(*name),
                _ => fields.insert((*name).to_string(), value.clone()),
            };
        }
    }
    serde_json::from_value(json)
        .map_err(|error| tracing::error!("the emulator could not reshape a record: {error}"))
        .ok()
}

/// Milliseconds of a duration.
pub(crate) fn ms(duration: Duration) -> u64 {
    duration.as_millis() as u64
}

/// An ISO 8601 timestamp with milliseconds.
pub(crate) fn iso(at_ms: u64) -> String {
    humantime::format_rfc3339_millis(UNIX_EPOCH + Duration::from_millis(at_ms)).to_string()
}

/// Parses an ISO 8601 timestamp into Unix ms.
pub(crate) fn parse_iso(text: &str) -> Option<u64> {
    let at: SystemTime = humantime::parse_rfc3339_weak(text).ok()?;
    at.duration_since(UNIX_EPOCH).ok().map(ms)
}

pub(crate) fn as_map(value: Value) -> Option<Map<String, Value>> {
    match value {
        Value::Object(map) => Some(map),
        _ => None,
    }
}

pub(crate) fn title_case(app_id: &str) -> String {
    app_id
        .split(['-', '_'])
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut chars = w.chars();
            chars
                .next()
                .map(|c| c.to_uppercase().collect::<String>() + chars.as_str())
                .unwrap_or_default()
        })
        .collect::<Vec<_>>()
        .join(" ")
}

pub(crate) fn name_of(email: &str) -> String {
    title_case(
        email
            .split('@')
            .next()
            .unwrap_or(email)
            .replace('.', "-")
            .as_str(),
    )
}

pub(crate) fn branch_label(branch: &str) -> String {
    title_case(branch)
}

pub(crate) fn summary_of(prompt: &str) -> String {
    let first: String = prompt
        .split_whitespace()
        .take(12)
        .collect::<Vec<_>>()
        .join(" ");
    format!("I looked into: \"{first}\".")
}
