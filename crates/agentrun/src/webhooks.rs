//! Buildprint's completion webhooks: `agent.completed` and `review.completed`.
//!
//! Buildprint documents no signature for these calls, so a payload proves nothing on its own:
//! anyone who knows the URL can post one. [`BuildprintClient::verify_webhook`] fetches the run
//! through the API and accepts the event only if the run really has ended. The payload types are
//! generated from the spec's `webhooks` ([`bp::AgentCompletedEvent`],
//! [`bp::ReviewCompletedEvent`]); only `event` is documented, so every other field is optional,
//! and fields and events this version does not know are tolerated.

use agentrun_buildprint::types as bp;
use serde_json::Value;

use crate::buildprint_client::BuildprintClient;
use crate::error::Error;

/// A completion webhook, as posted.
///
/// ```
/// use agentrun::webhooks::WebhookEvent;
///
/// let event = WebhookEvent::parse(br#"{"event": "agent.completed", "agentId": "ag_000003",
///     "status": "completed", "newField": true}"#)?;
/// let WebhookEvent::AgentCompleted(completed) = &event else { unreachable!() };
/// assert_eq!(completed.agent_id.as_deref(), Some("ag_000003"));
///
/// let later = WebhookEvent::parse(br#"{"event": "test_run.completed", "runId": "tr_1"}"#)?;
/// assert_eq!(later.event(), "test_run.completed");
/// # Ok::<(), agentrun::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum WebhookEvent {
    /// A standalone agent run ended.
    AgentCompleted(bp::AgentCompletedEvent),
    /// A code review run ended.
    ReviewCompleted(bp::ReviewCompletedEvent),
    /// An event this version does not know.
    Other {
        /// Its `event` name.
        event: String,
        /// The whole payload.
        payload: Value,
    },
}

/// A webhook whose run the API confirmed has ended, with the run as the API sees it.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum VerifiedEvent {
    /// The agent, fetched after `agent.completed`.
    Agent(Box<bp::Agent>),
    /// The code review, fetched after `review.completed`.
    CodeReview(Box<bp::GetCodeReviewResponse>),
}

impl WebhookEvent {
    /// Reads a webhook body.
    pub fn parse(body: &[u8]) -> Result<Self, Error> {
        let payload: Value = serde_json::from_slice(body)
            .map_err(|e| Error::webhook(format!("the webhook body is not JSON ({e})")))?;
        let event = payload
            .get("event")
            .and_then(Value::as_str)
            .ok_or_else(|| Error::webhook("the webhook body has no `event` name"))?
            .to_string();
        let read = |what: &str, error: serde_json::Error| {
            Error::webhook(format!("the {what} payload is not as documented ({error})"))
        };
        Ok(match event.as_str() {
            "agent.completed" => WebhookEvent::AgentCompleted(
                serde_json::from_value(payload).map_err(|e| read("agent.completed", e))?,
            ),
            "review.completed" => WebhookEvent::ReviewCompleted(
                serde_json::from_value(payload).map_err(|e| read("review.completed", e))?,
            ),
            _ => WebhookEvent::Other { event, payload },
        })
    }

    /// The `event` name.
    pub fn event(&self) -> &str {
        match self {
            WebhookEvent::AgentCompleted(_) => "agent.completed",
            WebhookEvent::ReviewCompleted(_) => "review.completed",
            WebhookEvent::Other { event, .. } => event,
        }
    }
}

impl BuildprintClient {
    /// Confirms a webhook through the API: fetches its run, and accepts the event only if the
    /// run has ended (and, when the payload says how, ended that way).
    pub async fn verify_webhook(&self, event: &WebhookEvent) -> Result<VerifiedEvent, Error> {
        match event {
            WebhookEvent::AgentCompleted(completed) => {
                let agent_id = named(completed.agent_id.as_deref(), "agent.completed", "agentId")?;
                let agent = self.send(self.api().get_agent().agent_id(agent_id)).await?;
                check(
                    &format!("agent {agent_id}"),
                    Some(&agent.status),
                    completed.status.as_ref(),
                )?;
                Ok(VerifiedEvent::Agent(Box::new(agent)))
            }
            WebhookEvent::ReviewCompleted(completed) => {
                let review_id = named(
                    completed.review_id.as_deref(),
                    "review.completed",
                    "reviewId",
                )?;
                let review = self
                    .send(self.api().get_code_review().review_id(review_id))
                    .await?;
                check(
                    &format!("code review {review_id}"),
                    crate::review_run_status(&review).as_ref(),
                    completed.status.as_ref(),
                )?;
                Ok(VerifiedEvent::CodeReview(Box::new(review)))
            }
            WebhookEvent::Other { event, .. } => Err(Error::webhook(format!(
                "`{event}` is not an event this version can check against the API"
            ))),
        }
    }
}

/// The run a payload names, or an error saying the payload names none.
fn named<'a>(id: Option<&'a str>, event: &str, field: &str) -> Result<&'a str, Error> {
    id.filter(|id| !id.is_empty()).ok_or_else(|| {
        Error::webhook(format!(
            "the {event} payload has no `{field}`, so there is no run to check it against"
        ))
    })
}

fn check(
    what: &str,
    actual: Option<&bp::RunStatus>,
    claimed: Option<&bp::RunStatus>,
) -> Result<(), Error> {
    let Some(actual) =
        actual.filter(|a| matches!(a, bp::RunStatus::Completed | bp::RunStatus::Error))
    else {
        let now = actual.map_or_else(|| "still running".to_string(), |a| format!("it is {a}"));
        return Err(Error::webhook(format!(
            "the webhook says {what} has ended, but the API says {now}: not trusted"
        )));
    };
    if let Some(claimed) = claimed.filter(|c| *c != actual) {
        return Err(Error::webhook(format!(
            "the webhook says {what} ended {claimed}, but the API says {actual}: not trusted"
        )));
    }
    Ok(())
}

/// A small axum router that receives completion webhooks (feature `webhook-receiver`).
///
/// Each `POST /` is parsed and [verified](BuildprintClient::verify_webhook), then handed to
/// `on_event`. The answer tells Buildprint whether to retry: 204 when handled; 202 for an event
/// this version does not know (no point retrying); 400 for a body that is not a webhook; 422 when
/// the API contradicts the webhook; 503 when the API could not be asked (Buildprint retries).
///
/// ```no_run
/// # async fn serve(buildprint: agentrun::BuildprintClient) -> std::io::Result<()> {
/// use agentrun::webhooks::{receiver, VerifiedEvent};
///
/// let app = axum::Router::new().nest(
///     "/hooks/buildprint",
///     receiver(buildprint, |event: VerifiedEvent| async move {
///         if let VerifiedEvent::Agent(agent) = event {
///             println!("{} ended {}", agent.agent_id, agent.status);
///         }
///     }),
/// );
/// let listener = tokio::net::TcpListener::bind("0.0.0.0:8080").await?;
/// axum::serve(listener, app).await
/// # }
/// ```
#[cfg(feature = "webhook-receiver")]
pub fn receiver<F, Fut>(client: BuildprintClient, on_event: F) -> axum::Router
where
    F: Fn(VerifiedEvent) -> Fut + Clone + Send + Sync + 'static,
    Fut: std::future::Future<Output = ()> + Send + 'static,
{
    use axum::http::StatusCode;
    use axum::response::IntoResponse;

    let handle = move |body: axum::body::Bytes| {
        let client = client.clone();
        let on_event = on_event.clone();
        async move {
            let event = match WebhookEvent::parse(&body) {
                Ok(event) => event,
                Err(error) => return (StatusCode::BAD_REQUEST, error.to_string()).into_response(),
            };
            if let WebhookEvent::Other { event, .. } = &event {
                return (StatusCode::ACCEPTED, format!("ignored `{event}`")).into_response();
            }
            match client.verify_webhook(&event).await {
                Ok(verified) => {
                    on_event(verified).await;
                    StatusCode::NO_CONTENT.into_response()
                }
                Err(error) if error.is_transient() => {
                    (StatusCode::SERVICE_UNAVAILABLE, error.to_string()).into_response()
                }
                Err(error) => (StatusCode::UNPROCESSABLE_ENTITY, error.to_string()).into_response(),
            }
        }
    };
    axum::Router::new().route("/", axum::routing::post(handle))
}
