//! Scripted faults: what a network, a proxy or a struggling server does to a request.
//!
//! A [`FaultRule`] names a route and which of its requests to hit (skip the first `skip`, then
//! hit `times` of them), and a [`Fault`]. Rules are added through the library
//! ([`crate::Emulator::add_fault`]) or `POST /_emulator/faults`, and checked in order: the first
//! rule whose window covers a request hits it, and the rules after it do not count that request.
//! Rules for one route added one after another therefore play as a sequence.

use std::sync::Arc;
use std::sync::Mutex;
use std::time::Duration;

use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::error::ApiError;
use crate::server::ConnectionKill;
use crate::state::Shared;

/// Which requests get which fault.
///
/// ```
/// use agentrun_emulator::{Fault, FaultRule};
///
/// // The first two polls of any agent answer 503, then they go through.
/// let rule = FaultRule::new("GET /api/public/v1/agents/{agentId}", Fault::Status {
///     status: 503,
///     retry_after: None,
/// })
/// .times(2);
/// assert!(rule.matches("GET", "/api/public/v1/agents/ag_000001"));
/// assert!(!rule.matches("POST", "/api/public/v1/agents"));
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FaultRule {
    /// `METHOD /path`, or a path alone for every method, or `*` for every route. A path
    /// segment written `*` or `{name}` matches any one segment.
    pub route: String,
    /// What happens to the requests it hits.
    pub fault: Fault,
    /// Matching requests let through before the first one is hit.
    #[serde(default)]
    pub skip: u32,
    /// How many matching requests are hit; `None` hits every one after `skip`.
    #[serde(default = "once")]
    pub times: Option<u32>,
}

fn once() -> Option<u32> {
    Some(1)
}

/// A fault.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase", deny_unknown_fields)]
pub enum Fault {
    /// Wait this long (real time), then handle the request normally.
    Latency {
        /// Milliseconds.
        ms: u64,
    },
    /// Answer this status (429, 500, 502, 503, 504, ...) with a JSON error body; the request
    /// is not applied.
    Status {
        /// The status code.
        status: u16,
        /// A `Retry-After` value: seconds (`"2"`) or an HTTP date.
        #[serde(
            default,
            rename = "retryAfter",
            skip_serializing_if = "Option::is_none"
        )]
        retry_after: Option<String>,
    },
    /// Answer with a JSON content type and a body that is not valid JSON; not applied.
    MalformedJson {
        /// The status code (default 200).
        #[serde(default = "ok")]
        status: u16,
    },
    /// Answer with an HTML error page, as a proxy in front of the API would; not applied.
    Html {
        /// The status code.
        status: u16,
    },
    /// Close the connection before the request is processed: nothing is applied.
    DropBeforeProcessing,
    /// Apply the request (the agent exists), then close the connection: the answer is lost.
    DropAfterApplied,
    /// Handle the request, then change its JSON answer with a JSON merge patch (RFC 7386),
    /// for answers the spec does not describe yet: a new model, a new status, a new field.
    Patch {
        /// Merged into the answer: objects recursively, `null` removes a member.
        merge: Value,
        /// Replace the answer's status too.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        status: Option<u16>,
    },
}

fn ok() -> u16 {
    200
}

impl FaultRule {
    /// A rule that hits the first request matching `route`.
    pub fn new(route: impl Into<String>, fault: Fault) -> Self {
        Self {
            route: route.into(),
            fault,
            skip: 0,
            times: Some(1),
        }
    }

    /// Lets `n` matching requests through first.
    pub fn skip(mut self, n: u32) -> Self {
        self.skip = n;
        self
    }

    /// Hits `n` matching requests.
    pub fn times(mut self, n: u32) -> Self {
        self.times = Some(n);
        self
    }

    /// Hits every matching request from now on.
    pub fn always(mut self) -> Self {
        self.times = None;
        self
    }

    /// Whether a request with this method and path matches the rule's route.
    pub fn matches(&self, method: &str, path: &str) -> bool {
        let route = self.route.trim();
        if route == "*" {
            return true;
        }
        let (want_method, pattern) = match route.split_once(' ') {
            Some((m, p)) => (Some(m), p.trim()),
            None => (None, route),
        };
        if want_method.is_some_and(|m| m != "*" && !m.eq_ignore_ascii_case(method)) {
            return false;
        }
        let mut wanted = pattern.trim_end_matches('/').split('/');
        let mut got = path.trim_end_matches('/').split('/');
        loop {
            match (wanted.next(), got.next()) {
                (None, None) => return true,
                (Some(w), Some(g)) => {
                    let any = w == "*" || (w.starts_with('{') && w.ends_with('}'));
                    if !any && w != g {
                        return false;
                    }
                }
                _ => return false,
            }
        }
    }
}

/// The rules in force, with how many requests each has matched.
#[derive(Debug, Default)]
pub(crate) struct FaultPlan {
    rules: Mutex<Vec<(u64, FaultRule, u32)>>,
    next_id: Mutex<u64>,
}

/// A rule as listed by `GET /_emulator/faults`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ListedRule {
    id: u64,
    #[serde(flatten)]
    rule: FaultRule,
    matched: u32,
}

impl FaultPlan {
    pub(crate) fn add(&self, rule: FaultRule) -> u64 {
        let id = {
            let mut next = self.next_id.lock().unwrap_or_else(|e| e.into_inner());
            *next += 1;
            *next
        };
        self.lock().push((id, rule, 0));
        id
    }

    pub(crate) fn clear(&self) {
        self.lock().clear();
    }

    pub(crate) fn list(&self) -> Vec<ListedRule> {
        self.lock()
            .iter()
            .map(|(id, rule, matched)| ListedRule {
                id: *id,
                rule: rule.clone(),
                matched: *matched,
            })
            .collect()
    }

    /// The rules in order: each one that matches counts the request, and the first whose window
    /// covers it hits it. A request a rule hits is not counted by the rules after it, so rules
    /// listed one after another script a sequence (a 429, then a 503, then through).
    pub(crate) fn decide(&self, method: &str, path: &str) -> Option<Fault> {
        let mut rules = self.lock();
        for (_, rule, matched) in rules.iter_mut() {
            if !rule.matches(method, path) {
                continue;
            }
            *matched += 1;
            let after_skip = *matched > rule.skip;
            let within = rule.times.is_none_or(|times| *matched <= rule.skip + times);
            if after_skip && within {
                return Some(rule.fault.clone());
            }
        }
        None
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<(u64, FaultRule, u32)>> {
        self.rules.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// The middleware that applies the plan to every API request (not to `/_emulator`).
pub(crate) async fn inject(
    State(shared): State<Arc<Shared>>,
    request: Request,
    next: Next,
) -> Response {
    let path = request.uri().path().to_string();
    if path.starts_with("/_emulator") {
        return next.run(request).await;
    }
    let Some(fault) = shared.faults.decide(request.method().as_str(), &path) else {
        return next.run(request).await;
    };
    shared.received(|r| r.faults_injected += 1);
    let kill = request.extensions().get::<ConnectionKill>().cloned();
    match fault {
        Fault::Latency { ms } => {
            tokio::time::sleep(Duration::from_millis(ms)).await;
            next.run(request).await
        }
        Fault::Status {
            status,
            retry_after,
        } => {
            let status = StatusCode::from_u16(status).unwrap_or(StatusCode::SERVICE_UNAVAILABLE);
            let mut response = ApiError::new(
                status,
                format!(
                    "{} (injected by the emulator)",
                    status.canonical_reason().unwrap_or("Error")
                ),
            )
            .code("emulated_fault")
            .into_response();
            if let Some(value) = retry_after.and_then(|v| HeaderValue::from_str(&v).ok()) {
                response.headers_mut().insert(header::RETRY_AFTER, value);
            }
            response
        }
        Fault::MalformedJson { status } => (
            StatusCode::from_u16(status).unwrap_or(StatusCode::OK),
            [(header::CONTENT_TYPE, "application/json")],
            r#"{"agentId": "ag_000001", "status": "que"#,
        )
            .into_response(),
        Fault::Html { status } => {
            let status = StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_GATEWAY);
            let title = format!(
                "{} {}",
                status.as_u16(),
                status.canonical_reason().unwrap_or("Error")
            );
            (
                status,
                [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
                format!(
                    "<html>\r\n<head><title>{title}</title></head>\r\n<body>\r\n<center><h1>{title}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
                ),
            )
                .into_response()
        }
        Fault::DropBeforeProcessing => match kill {
            Some(kill) => kill.drop_connection().await,
            None => unavailable(),
        },
        Fault::DropAfterApplied => {
            let _applied = next.run(request).await;
            match kill {
                Some(kill) => kill.drop_connection().await,
                None => unavailable(),
            }
        }
        Fault::Patch { merge, status } => {
            let response = next.run(request).await;
            let (mut parts, body) = response.into_parts();
            let Ok(bytes) = to_bytes(body, 64 * 1024 * 1024).await else {
                return unavailable();
            };
            let mut value: Value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
            merge_patch(&mut value, &merge);
            let body = serde_json::to_vec(&value).unwrap_or_default();
            if let Some(status) = status.and_then(|s| StatusCode::from_u16(s).ok()) {
                parts.status = status;
            }
            parts.headers.remove(header::CONTENT_LENGTH);
            parts.headers.insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            );
            Response::from_parts(parts, Body::from(body))
        }
    }
}

fn unavailable() -> Response {
    ApiError::new(
        StatusCode::INTERNAL_SERVER_ERROR,
        "This fault needs the emulator's own server (Emulator::start)",
    )
    .into_response()
}

/// RFC 7386 JSON merge patch.
pub(crate) fn merge_patch(target: &mut Value, patch: &Value) {
    let Value::Object(patch) = patch else {
        *target = patch.clone();
        return;
    };
    if !target.is_object() {
        *target = Value::Object(Default::default());
    }
    if let Value::Object(target) = target {
        for (key, value) in patch {
            if value.is_null() {
                target.shift_remove(key);
            } else {
                merge_patch(target.entry(key.clone()).or_insert(Value::Null), value);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn routes_match_by_method_and_segment() {
        let rule = |route: &str| FaultRule::new(route, Fault::DropBeforeProcessing);
        assert!(rule("*").matches("DELETE", "/x"));
        assert!(rule("/api/public/v1/agents").matches("POST", "/api/public/v1/agents/"));
        assert!(rule("get /api/*/v1/agents/*").matches("GET", "/api/public/v1/agents/ag_1"));
        assert!(
            !rule("GET /api/public/v1/agents/*")
                .matches("GET", "/api/public/v1/agents/ag_1/messages")
        );
        assert!(!rule("GET /api/public/v1/agents").matches("GET", "/api/public/v1/agents/ag_1"));
    }

    #[test]
    fn rules_in_order_play_as_a_sequence() {
        let plan = FaultPlan::default();
        plan.add(FaultRule::new(
            "GET /a",
            Fault::Status {
                status: 429,
                retry_after: None,
            },
        ));
        plan.add(
            FaultRule::new(
                "GET /a",
                Fault::Status {
                    status: 503,
                    retry_after: None,
                },
            )
            .times(2),
        );
        let hits: Vec<Option<u16>> = (0..4)
            .map(|_| match plan.decide("GET", "/a") {
                Some(Fault::Status { status, .. }) => Some(status),
                _ => None,
            })
            .collect();
        assert_eq!(hits, [Some(429), Some(503), Some(503), None]);
    }

    #[test]
    fn skip_and_times_choose_the_requests_hit() {
        let plan = FaultPlan::default();
        plan.add(
            FaultRule::new("GET /a", Fault::DropBeforeProcessing)
                .skip(1)
                .times(2),
        );
        let hits: Vec<bool> = (0..5).map(|_| plan.decide("GET", "/a").is_some()).collect();
        assert_eq!(hits, [false, true, true, false, false]);
        plan.add(FaultRule::new("*", Fault::Latency { ms: 1 }).always());
        assert_eq!(plan.decide("GET", "/a"), Some(Fault::Latency { ms: 1 }));
        assert_eq!(plan.list()[0].matched, 6);
    }

    #[test]
    fn merge_patch_follows_rfc_7386() {
        let mut value = json!({"a": 1, "b": {"c": 2, "d": 3}});
        merge_patch(&mut value, &json!({"a": null, "b": {"c": 9}, "e": [1]}));
        assert_eq!(value, json!({"b": {"c": 9, "d": 3}, "e": [1]}));
    }

    #[test]
    fn rules_read_from_json() {
        let rule: FaultRule = serde_json::from_value(json!({
            "route": "POST /api/public/v1/agents",
            "fault": {"kind": "status", "status": 429, "retryAfter": "2"},
            "times": 3
        }))
        .unwrap();
        assert_eq!(rule.times, Some(3));
        assert_eq!(
            rule.fault,
            Fault::Status {
                status: 429,
                retry_after: Some("2".into())
            }
        );
        let always: FaultRule = serde_json::from_value(json!({
            "route": "*", "fault": {"kind": "dropAfterApplied"}, "times": null
        }))
        .unwrap();
        assert_eq!(always.times, None);
    }
}
