//! What a generated client knows about each of its operations, and one way to send any of them.
//!
//! `cargo xtask generate` writes an `operations` module into every client crate: an
//! [`Operation`] per operation of the spec (method, path, a stable label such as
//! `POST /agents`, parameters and body fields), and an implementation of [`Request`] for every
//! request builder. Code above the clients (the facade's errors, the CLI, the emulator's
//! router, the tests) reads the table instead of spelling operations by hand, and can send any
//! builder the same way:
//!
//! ```ignore
//! use agentrun_runtime::Request;
//!
//! let agent = client.get_agent().agent_id("ag_1").call().await?;
//! // On failure: `GET /agents/{agentId}: 404 Not Found (not_found): Agent not found`.
//! ```

use std::fmt;
use std::future::Future;

use progenitor_client::{Error, ResponseValue};

use crate::runtime::excerpt;

/// One operation of an API, as its spec describes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Operation {
    /// The spec's `operationId`, like `startAgent`.
    pub id: &'static str,
    /// The client method that sends it, like `start_agent`.
    pub method_name: &'static str,
    /// The HTTP method, upper case.
    pub method: &'static str,
    /// The path template relative to the base URL, like `/agents/{agentId}`.
    pub path: &'static str,
    /// `METHOD path`: how errors, logs and the CLI name the operation.
    pub label: &'static str,
    /// The spec's one-line summary, if any.
    pub summary: &'static str,
    /// The first tag: the resource the operation belongs to (`Agents`).
    pub tag: &'static str,
    /// Its parameters, path ones first.
    pub parameters: &'static [Field],
    /// Its JSON request body, if it takes one.
    pub body: Option<Body>,
    /// Whether the spec requires credentials for it (`security: []` says it needs none).
    pub authenticated: bool,
    /// Every status the spec documents for it, like `["202", "400", "401"]` (and `default`,
    /// `4XX`, `5XX` ranges as written).
    pub statuses: &'static [&'static str],
}

/// A JSON request body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Body {
    /// Whether the operation needs one.
    pub required: bool,
    /// Its top-level fields (empty when it is not an object).
    pub fields: &'static [Field],
}

/// A parameter or a top-level body field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Field {
    /// The name on the wire, like `appId`.
    pub name: &'static str,
    /// Where it goes.
    pub location: Location,
    /// Whether the spec requires it.
    pub required: bool,
    /// The shape of its value.
    pub kind: Kind,
    /// Known values, for an enum (open or closed).
    pub values: &'static [&'static str],
    /// Whether `null` is allowed.
    pub nullable: bool,
    /// The spec's description, on one line.
    pub description: &'static str,
}

/// Where a field goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Location {
    /// In the path template.
    Path,
    /// In the query string.
    Query,
    /// In a header.
    Header,
    /// In the JSON body.
    Body,
}

/// The shape of a field's value, as far as a command line cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A string (an enum's values are in [`Field::values`]).
    String,
    /// A whole number.
    Integer,
    /// Any number.
    Number,
    /// `true` or `false`.
    Boolean,
    /// A list of strings.
    StringList,
    /// Anything else: an object, a list of objects, a union.
    Json,
}

impl Operation {
    /// The operation in `table` with this `operationId`.
    pub fn find(table: &'static [Operation], id: &str) -> Option<&'static Operation> {
        table.iter().find(|op| op.id == id)
    }

    /// Whether the operation changes something (anything but `GET` and `HEAD`).
    pub fn is_write(&self) -> bool {
        !matches!(self.method, "GET" | "HEAD")
    }

    /// The first success status it documents (`200` when it documents none).
    pub fn success_status(&self) -> u16 {
        self.statuses
            .iter()
            .filter(|s| s.starts_with('2'))
            .find_map(|s| s.parse().ok())
            .unwrap_or(200)
    }

    /// Whether it documents this status (exactly, as a range like `4XX`, or as `default`).
    pub fn documents(&self, status: u16) -> bool {
        let class = format!("{}XX", status / 100);
        self.statuses
            .iter()
            .any(|s| *s == status.to_string() || s.eq_ignore_ascii_case(&class) || *s == "default")
    }
}

/// A request builder of a generated client, sendable without knowing which one it is.
///
/// `cargo xtask generate` implements it for every builder, next to the operation table.
pub trait Request: Sized {
    /// The success body.
    type Output;
    /// The documented error body.
    type ErrorBody: serde::Serialize + fmt::Debug + Send;
    /// The operation the builder sends.
    const OPERATION: &'static Operation;

    /// Sends the request, as the builder's own `send` does.
    fn dispatch(
        self,
    ) -> impl Future<Output = Result<ResponseValue<Self::Output>, Error<Self::ErrorBody>>> + Send;

    /// Sends the request; a failure says which operation failed and what the API answered.
    fn call(self) -> impl Future<Output = Result<Self::Output, CallError>> + Send
    where
        Self: Send,
        Self::Output: Send,
    {
        async {
            match self.dispatch().await {
                Ok(value) => Ok(value.into_inner()),
                Err(error) => Err(CallError::read(Self::OPERATION.label, error).await),
            }
        }
    }
}

/// A failed call of a generated client: the operation, and the API's answer or what happened
/// instead. Its `Display` is one line, like
/// `POST /agents: 400 Bad Request (user_email_required): userEmail is required`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallError {
    /// The operation's label.
    pub operation: &'static str,
    /// The HTTP status, when the API answered.
    pub status: Option<u16>,
    /// The body's `error` (or `message`), an excerpt of a body that is not JSON, or what
    /// happened when there was no answer.
    pub message: String,
    /// The body's machine-readable `code`.
    pub code: Option<String>,
    /// The body's `reason`.
    pub reason: Option<String>,
}

impl CallError {
    /// Reads a generated client's error: the documented error body, the body of an answer with
    /// an undocumented status, or the transport failure (never its URL).
    pub async fn read<E: serde::Serialize + fmt::Debug>(
        operation: &'static str,
        error: Error<E>,
    ) -> Self {
        let mut call = CallError {
            operation,
            status: error.status().map(|s| s.as_u16()),
            message: String::new(),
            code: None,
            reason: None,
        };
        let body = match error {
            Error::ErrorResponse(body) => serde_json::to_value(body.into_inner()).ok(),
            Error::UnexpectedResponse(response) => {
                let text = response.text().await.unwrap_or_default();
                match serde_json::from_str(&text) {
                    Ok(json) => Some(json),
                    Err(_) => {
                        call.message = excerpt(&text);
                        None
                    }
                }
            }
            Error::CommunicationError(error) | Error::ResponseBodyError(error) => {
                call.message = if error.is_timeout() {
                    "no answer: the request timed out".into()
                } else {
                    "no answer: the connection failed".into()
                };
                None
            }
            other => {
                call.message = other.to_string();
                None
            }
        };
        if let Some(body) = body {
            let field = |name: &str| body.get(name).and_then(|v| v.as_str()).map(str::to_string);
            call.message = field("error")
                .or_else(|| field("message"))
                .unwrap_or_else(|| excerpt(&body.to_string()));
            call.code = field("code");
            call.reason = field("reason");
        }
        call
    }
}

impl fmt::Display for CallError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: ", self.operation)?;
        if let Some(status) = self.status {
            let reason = http::StatusCode::from_u16(status)
                .ok()
                .and_then(|s| s.canonical_reason())
                .unwrap_or("");
            write!(f, "{status} {reason}")?;
            if let Some(code) = &self.code {
                write!(f, " ({code})")?;
            }
            f.write_str(": ")?;
        }
        f.write_str(&self.message)?;
        if let Some(reason) = self.reason.as_deref().filter(|r| !self.message.contains(r)) {
            write!(f, " ({reason})")?;
        }
        Ok(())
    }
}

impl std::error::Error for CallError {}
