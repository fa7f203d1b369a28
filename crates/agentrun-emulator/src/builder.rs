//! Builder.io's Agents Run API: `POST /agents/run?apiKey=...`.

use std::sync::Arc;

use agentrun_builder::types as b;
use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use crate::error::ApiError;
use crate::extract::JsonBody;
use crate::state::Shared;
use crate::world::BuilderRun;

/// Every operation of Builder's spec: `POST /agents/run` modeled, any other answered from the
/// spec.
pub(crate) fn routes() -> axum::Router<Arc<Shared>> {
    crate::spec_answer::routes(
        "",
        agentrun_builder::operations::OPERATIONS,
        agentrun_builder::OPENAPI_DOCUMENT,
        vec![crate::spec_answer::model::<
            agentrun_builder::builder::RunAgent<'_>,
            _,
            _,
        >(run_agent)],
    )
}

/// The one user ID the emulated Space knows (emails: see [`crate::Config::is_member`]).
pub const USER_ID: &str = "emulator-user";

#[derive(Deserialize)]
struct KeyQuery {
    #[serde(rename = "apiKey")]
    api_key: Option<String>,
}

/// The Space's public key in `apiKey`, its private key as the bearer token: checked before the
/// body is read.
pub(crate) async fn authorize(
    State(shared): State<Arc<Shared>>,
    request: Request,
    next: Next,
) -> Response {
    let config = &shared.config;
    let key = axum::extract::Query::<KeyQuery>::try_from_uri(request.uri())
        .ok()
        .and_then(|q| q.0.api_key);
    match key {
        None => {
            return ApiError::unauthorized(
                "Missing `apiKey` query parameter: send the Space's public API key as ?apiKey=...",
            )
            .into_response();
        }
        Some(key) if key != config.builder_public_key => {
            return ApiError::unauthorized(
                "Invalid `apiKey`: it is not the public key of this Space",
            )
            .into_response();
        }
        Some(_) => {}
    }
    let bearer = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().strip_prefix("Bearer "))
        .map(str::trim);
    match bearer {
        None => ApiError::unauthorized(
            "Missing private key: send `Authorization: Bearer bpk-...` with the Space's private API key",
        )
        .into_response(),
        Some(key) if !key.starts_with("bpk-") => ApiError::unauthorized(
            "Invalid private key: Builder private keys start with `bpk-` (a public key was sent as the bearer token?)",
        )
        .into_response(),
        Some(key) if key != config.builder_private_key => {
            ApiError::unauthorized("Invalid private key, or it belongs to another Space").into_response()
        }
        Some(_) => next.run(request).await,
    }
}

pub(crate) async fn run_agent(
    State(shared): State<Arc<Shared>>,
    JsonBody(body): JsonBody<b::AgentRunRequest>,
) -> Result<Response, ApiError> {
    let prompt = body.user_message.user_prompt.trim();
    if prompt.is_empty() {
        return Err(ApiError::invalid(
            "`userMessage.userPrompt` must not be empty",
        ));
    }
    let user = match (&body.user_id, &body.user_email) {
        (None, None) => {
            return Err(ApiError::invalid(
                "Provide `userId` or `userEmail` to say which Builder user the agent acts for",
            )
            .code("user_required"));
        }
        (Some(id), _) if id == USER_ID => id.clone(),
        (_, Some(email)) if shared.config.is_member(email) => email.clone(),
        (id, email) => {
            let who = email.clone().or_else(|| id.clone()).unwrap_or_default();
            return Err(ApiError::new(
                StatusCode::NOT_FOUND,
                format!("User not found in this Space: `{who}`"),
            )
            .code("user_not_found"));
        }
    };
    let attachments = body
        .user_message
        .attachments
        .map(|a| a.0)
        .unwrap_or_default();
    for (i, attachment) in attachments.iter().enumerate() {
        check_attachment(i, attachment)?;
    }
    let now = shared.now();
    let (project_id, branch_name) = {
        let mut world = shared.write();
        let project_id = match &body.project_id {
            Some(project) if !project.trim().is_empty() => project.clone(),
            _ => world.next_id("proj"),
        };
        let run = world.next_id("run");
        let base = body.branch_name.as_deref().unwrap_or(prompt);
        let branch_name = format!("{}-{}", slug(base), run.trim_start_matches("run_"));
        world.builder_runs.push(BuilderRun {
            project_id: project_id.clone(),
            branch_name: branch_name.clone(),
            prompt: crate::state::stored_prompt(prompt.to_string()),
            user,
            attachments: attachments.len(),
            created_at: now,
        });
        (project_id, branch_name)
    };
    shared.received(|r| r.builder_runs += 1);
    let accepted = b::AgentRunAccepted {
        url: format!(
            "{}/_emulator/builder/projects/{project_id}/{branch_name}",
            shared.base_url
        ),
        branch_name: Some(branch_name),
        project_id,
        status: b::AgentRunStatus::Processing,
    };
    Ok((StatusCode::ACCEPTED, axum::Json(accepted)).into_response())
}

fn check_attachment(i: usize, attachment: &b::Attachment) -> Result<(), ApiError> {
    let at = format!("userMessage.attachments[{i}]");
    match attachment {
        b::Attachment::UploadAttachment(upload) => {
            if upload.content_type.is_unknown() {
                let supported: Vec<&str> = b::AttachmentContentType::KNOWN
                    .iter()
                    .map(|c| c.as_str())
                    .collect();
                return Err(ApiError::invalid(format!(
                    "`{at}.contentType` `{}` is not supported; send one of: {}",
                    upload.content_type,
                    supported.join(", ")
                ))
                .code("unsupported_content_type"));
            }
            let prefix = format!("data:{};base64,", upload.content_type);
            if !upload.data_url.starts_with(&prefix) {
                return Err(ApiError::invalid(format!(
                    "`{at}.dataUrl` must be a base64 data URL of the declared type, starting `{prefix}`"
                )));
            }
            if upload.name.trim().is_empty() || upload.id.trim().is_empty() {
                return Err(ApiError::invalid(format!(
                    "`{at}` needs a `name` and an `id`"
                )));
            }
            if upload.size < 0 {
                return Err(ApiError::invalid(format!(
                    "`{at}.size` must not be negative"
                )));
            }
        }
        b::Attachment::UrlAttachment(url) => {
            let fine = reqwest::Url::parse(&url.value)
                .is_ok_and(|u| matches!(u.scheme(), "http" | "https"));
            if !fine {
                return Err(ApiError::invalid(format!(
                    "`{at}.value` must be a fully qualified http(s) URL (got `{}`)",
                    url.value
                )));
            }
        }
    }
    Ok(())
}

/// The most characters a word of a branch name keeps.
const SLUG_WORD_CHARS: usize = 16;

/// A branch-name-friendly form of a text: lowercase words joined by `-`, at most four of at
/// most [`SLUG_WORD_CHARS`] each, so that a prompt of any length makes a short name (and URL).
fn slug(text: &str) -> String {
    let words: Vec<String> = text
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .take(4)
        .map(|word| {
            word.chars()
                .take(SLUG_WORD_CHARS)
                .collect::<String>()
                .to_ascii_lowercase()
        })
        .collect();
    if words.is_empty() {
        "agent-run".into()
    } else {
        words.join("-")
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn branch_names_are_slugs() {
        assert_eq!(
            super::slug("Build a landing page, with a hero!"),
            "build-a-landing-page"
        );
        assert_eq!(super::slug("✨"), "agent-run");
        assert_eq!(super::slug(&"Ab".repeat(450_000)), "abababababababab");
    }
}
