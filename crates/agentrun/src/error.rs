//! One error type for every failure, with what to do about the documented ones.

use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

use agentrun_runtime::{NOT_JSON, Secret, excerpt, scrub};

/// Which API answered: a provider of `openapi/providers.toml`.
pub use agentrun_providers::Provider;

/// An error answer from an API: its status and what the body said.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    /// Which API answered.
    pub provider: Provider,
    /// The call, like `POST /agents` (never with a query string).
    pub operation: Option<String>,
    /// The HTTP status.
    pub status: u16,
    /// The body's `error` (or `message`), or an excerpt of a body that was not JSON.
    pub message: String,
    /// The body's machine-readable `code`, such as `user_email_required`.
    pub code: Option<String>,
    /// The body's `reason`, for plan checks.
    pub reason: Option<String>,
    /// How long the API asked to wait before trying again (`Retry-After`). The client waits
    /// for short asks itself; one that reaches you was longer, or came after the last attempt.
    pub retry_after: Option<Duration>,
}

impl ApiError {
    /// What to do about it, for the statuses and codes the APIs document.
    pub fn hint(&self) -> Option<&'static str> {
        let code = self.code.as_deref().unwrap_or("");
        Some(match (self.provider, self.status, code) {
            (_, _, "api_access_required") => {
                "the workspace plan does not include API access; upgrade the plan in Buildprint"
            }
            (_, _, "insufficient_paid_credits") => {
                "add paid credits to the workspace, or use a claude-/openai- model with the user email of a member who has provider credentials"
            }
            (_, _, "user_email_required") => {
                "Claude, OpenAI and Cursor models run on a member's own provider credentials: pass that member's email as the user email, or choose a buildprint- model"
            }
            (_, _, "user_not_workspace_member") => {
                "the user email is not a member of this workspace; use the email of a workspace member"
            }
            (_, _, "missing_provider_credentials") => {
                "that member has no credentials for this model's provider; connect them in Buildprint, or choose a buildprint- model"
            }
            (_, _, "invalid_model") => "choose one of the models the message lists",
            (Provider::Buildprint, 409, _) => {
                "the workspace is at its concurrent agent limit (or the run cannot take a follow-up); wait for a run to finish and try again"
            }
            (Provider::Buildprint, 401, _) => {
                "check BUILDPRINT_TOKEN: it must be a current workspace REST API token (bp_...) from Agent > Integrations > API"
            }
            (Provider::Builder, 401 | 403, _) => {
                "check BUILDER_PRIVATE_KEY (bpk-...) and BUILDER_PUBLIC_KEY: both must come from the same Space, and the user must be a member of it"
            }
            (Provider::Builder, 404, _) => {
                "the user email or user ID is not a user of this Builder Space"
            }
            (Provider::Builder, 400, _)
                if self.message.contains("userId") || self.message.contains("userEmail") =>
            {
                "pass the user the agent acts for: a user email or a user ID"
            }
            (_, 402, _) => "a plan or credit check failed; see the reason",
            (_, 429, _) => "the API is limiting requests; wait and try again",
            (_, 500..=599, _) => "the API failed; try again later",
            _ => return None,
        })
    }
}

/// Everything that can go wrong, with a message that says what happened and what to do.
/// No variant ever holds a token or key.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// Missing or malformed configuration: credentials, a base URL.
    Config {
        /// The environment variable it came from, when it came from one.
        variable: Option<String>,
        /// What is wrong and how to fix it.
        message: String,
    },
    /// Input refused before anything was sent.
    Invalid {
        /// What is wrong and how to fix it.
        message: String,
    },
    /// A file or URL could not become an attachment.
    Attachment {
        /// The file, when it came from one.
        path: Option<PathBuf>,
        /// What is wrong and how to fix it.
        message: String,
    },
    /// The API answered with an error.
    Api(ApiError),
    /// No usable answer: the connection failed, broke, or timed out.
    Transport {
        /// The call, when known.
        operation: Option<String>,
        /// What happened.
        message: String,
        /// Whether a timeout ran out.
        timed_out: bool,
    },
    /// A request that starts something (a `POST`) was sent, and its answer was lost: the run
    /// may have started. It is never sent again on its own; check before retrying.
    MayHaveStarted {
        /// The call, like `POST /agents`.
        operation: Option<String>,
        /// What happened to the answer.
        message: String,
        /// How to find out whether it started.
        check: String,
    },
    /// An answer that is not what the API documents.
    Decode {
        /// The call, when known.
        operation: Option<String>,
        /// What could not be read.
        message: String,
    },
    /// A wait ran out of time before the run ended.
    WaitTimeout {
        /// What was waited for, like `agent ag_000003`.
        what: String,
        /// How long it waited.
        waited: Duration,
        /// The last status seen.
        last_status: String,
    },
    /// A webhook could not be read, or does not match what the API says.
    Webhook {
        /// What is wrong.
        message: String,
    },
    /// A dry run ([`crate::ProviderClient::with_dry_run`]): the request that would have been
    /// sent, described with every credential redacted. Nothing was sent.
    DryRun {
        /// The method and URL, the headers and the body, one per line.
        request: String,
    },
}

/// `Result<T, agentrun::Error>`.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// The HTTP status of an API error.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Api(api) => Some(api.status),
            _ => None,
        }
    }

    /// The API's machine-readable code, such as `user_email_required`.
    pub fn code(&self) -> Option<&str> {
        match self {
            Error::Api(api) => api.code.as_deref(),
            _ => None,
        }
    }

    /// What to do about it, for the documented statuses and codes.
    pub fn hint(&self) -> Option<&'static str> {
        match self {
            Error::Api(api) => api.hint(),
            _ => None,
        }
    }

    /// Whether trying the same thing again later may work (no answer, 408, 429, 5xx).
    pub fn is_transient(&self) -> bool {
        match self {
            Error::Transport { .. } => true,
            Error::Api(api) => agentrun_runtime::RETRYABLE_STATUSES.contains(&api.status),
            _ => false,
        }
    }

    pub(crate) fn invalid(message: impl Into<String>) -> Self {
        Error::Invalid {
            message: message.into(),
        }
    }

    pub(crate) fn webhook(message: impl Into<String>) -> Self {
        Error::Webhook {
            message: message.into(),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let at = |operation: &Option<String>| {
            operation
                .as_ref()
                .map(|o| format!("{o}: "))
                .unwrap_or_default()
        };
        match self {
            Error::Config { message, .. }
            | Error::Invalid { message }
            | Error::Webhook { message } => f.write_str(message),
            Error::DryRun { request } => write!(f, "not sent (a dry run):\n{request}"),
            Error::Attachment { path, message } => match path {
                Some(path) => write!(f, "attachment {}: {message}", path.display()),
                None => write!(f, "attachment: {message}"),
            },
            Error::Api(api) => {
                let reason = reqwest::StatusCode::from_u16(api.status)
                    .ok()
                    .and_then(|s| s.canonical_reason())
                    .unwrap_or("");
                write!(f, "{}{} {reason}", at(&api.operation), api.status)?;
                match api.code.as_deref() {
                    Some(code) if code != NOT_JSON => write!(f, " ({code})")?,
                    _ => {}
                }
                write!(f, ": {}", api.message)?;
                if let Some(detail) = api.reason.as_deref().filter(|r| !api.message.contains(*r)) {
                    write!(f, " ({detail})")?;
                }
                if let Some(wait) = api.retry_after {
                    write!(
                        f,
                        ". The API asks to wait {} before trying again",
                        humanize(wait)
                    )?;
                }
                if let Some(hint) = api.hint() {
                    write!(f, ". Hint: {hint}")?;
                }
                Ok(())
            }
            Error::Transport {
                operation, message, ..
            } => write!(f, "{}no answer: {message}", at(operation)),
            Error::MayHaveStarted {
                operation,
                message,
                check,
            } => write!(
                f,
                "{}the request was sent but its answer was lost ({message}), so it may have \
                 started; it was not sent again. {check}",
                at(operation)
            ),
            Error::Decode { operation, message } => write!(f, "{}{message}", at(operation)),
            Error::WaitTimeout {
                what,
                waited,
                last_status,
            } => write!(
                f,
                "gave up waiting for {what} after {}: it was still {last_status}",
                humanize(*waited)
            ),
        }
    }
}

impl std::error::Error for Error {}

/// A duration as `42s`, `3m 05s`.
pub(crate) fn humanize(duration: Duration) -> String {
    let seconds = duration.as_secs();
    if seconds < 60 {
        format!("{:.1}s", duration.as_secs_f64())
    } else {
        format!("{}m {:02}s", seconds / 60, seconds % 60)
    }
}

/// The parts of an error body every provider's error type is read for: `error` (or
/// `message`), `code` and `reason`, whatever the type (it is read through its JSON).
pub(crate) trait ErrorBody {
    /// `error` (or `message`), `code`, `reason`.
    fn parts(&self) -> (Option<String>, Option<String>, Option<String>);
}

impl<T: serde::Serialize> ErrorBody for T {
    fn parts(&self) -> (Option<String>, Option<String>, Option<String>) {
        let json = serde_json::to_value(self).unwrap_or_default();
        let field = |name: &str| json.get(name).and_then(|v| v.as_str()).map(str::to_string);
        (
            field("error").or_else(|| field("message")),
            field("code"),
            field("reason"),
        )
    }
}

/// Turns a generated client's error into an [`Error`], reading the body of an answer with an
/// undocumented status; every text is scrubbed of `secrets`.
pub(crate) async fn convert<E: ErrorBody>(
    error: agentrun_runtime::progenitor_client::Error<E>,
    provider: Provider,
    operation: &str,
    secrets: &[&Secret],
) -> Error {
    match convert_ready(error, provider, Some(operation), secrets) {
        Ok(error) => error,
        Err(response) => undocumented(*response, provider, Some(operation), secrets).await,
    }
}

/// The conversion that needs no I/O; an answer with an undocumented status comes back as is,
/// since its body is still to be read.
pub(crate) fn convert_ready<E: ErrorBody>(
    error: agentrun_runtime::progenitor_client::Error<E>,
    provider: Provider,
    operation: Option<&str>,
    secrets: &[&Secret],
) -> std::result::Result<Error, Box<reqwest::Response>> {
    use agentrun_runtime::progenitor_client::Error as E2;
    let clean = |text: &str| scrub(text, secrets);
    let operation = operation.map(str::to_string);
    Ok(match error {
        E2::ErrorResponse(body) => {
            let status = body.status().as_u16();
            let retry_after = agentrun_runtime::retry_after_in(body.headers());
            let (message, code, reason) = body.into_inner().parts();
            Error::Api(ApiError {
                provider,
                operation,
                status,
                message: clean(&message.unwrap_or_else(|| "(no message)".into())),
                code: code.map(|c| clean(&c)),
                reason: reason.map(|r| clean(&r)),
                retry_after,
            })
        }
        E2::UnexpectedResponse(response) => return Err(Box::new(response)),
        E2::CommunicationError(error) | E2::ResponseBodyError(error) => {
            transport(&error, provider, operation, secrets)
        }
        E2::InvalidUpgrade(error) => Error::Transport {
            operation,
            timed_out: false,
            message: clean(&error.without_url().to_string()),
        },
        E2::InvalidResponsePayload(bytes, error) => Error::Decode {
            operation,
            message: clean(&format!(
                "the answer is not the JSON the API documents ({error}); it begins \"{}\"",
                excerpt(&String::from_utf8_lossy(&bytes[..bytes.len().min(300)]))
            )),
        },
        E2::InvalidRequest(message) | E2::Custom(message) => Error::Invalid {
            message: clean(&message),
        },
    })
}

/// The answer of a request sent without a generated builder: its JSON (`null` for an empty
/// body) when it succeeded, the error it reports otherwise.
pub(crate) async fn read_answer(
    answer: reqwest::Result<reqwest::Response>,
    provider: Provider,
    operation: &str,
    secrets: &[&Secret],
    max_bytes: u64,
) -> Result<serde_json::Value> {
    let response = match answer {
        Ok(response) => response,
        Err(error) => {
            return Err(transport(
                &error,
                provider,
                Some(operation.to_string()),
                secrets,
            ));
        }
    };
    if !response.status().is_success() {
        return Err(undocumented(response, provider, Some(operation), secrets).await);
    }
    let too_large = || Error::Decode {
        operation: Some(operation.to_string()),
        message: format!(
            "the answer is larger than {max_bytes} bytes, the most this client reads; nothing \
             more was read (raise the limit if such an answer is expected)"
        ),
    };
    if response
        .content_length()
        .is_some_and(|length| length > max_bytes)
    {
        return Err(too_large());
    }
    // Read as it arrives, so an answer without a length stops at the limit too.
    let mut response = response;
    let mut bytes = Vec::new();
    while let Some(chunk) = response
        .chunk()
        .await
        .map_err(|error| transport(&error, provider, Some(operation.to_string()), secrets))?
    {
        if (bytes.len() + chunk.len()) as u64 > max_bytes {
            return Err(too_large());
        }
        bytes.extend_from_slice(&chunk);
    }
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(serde_json::Value::Null);
    }
    serde_json::from_slice(&bytes).map_err(|error| Error::Decode {
        operation: Some(operation.to_string()),
        message: scrub(
            &format!(
                "the answer is not JSON ({error}); it begins \"{}\"",
                excerpt(&String::from_utf8_lossy(&bytes[..bytes.len().min(300)]))
            ),
            secrets,
        ),
    })
}

/// No usable answer to `operation`. A `POST` that got past connecting may have been processed:
/// that is [`Error::MayHaveStarted`], with how to find out, so that nobody retries it blindly
/// and starts a second run.
fn transport(
    error: &reqwest::Error,
    provider: Provider,
    operation: Option<String>,
    secrets: &[&Secret],
) -> Error {
    let message = scrub(&describe_transport(error), secrets);
    match operation.as_deref() {
        Some(label)
            if label.starts_with("POST ")
                && !error.is_connect()
                && !agentrun_runtime::is_tls_failure(error) =>
        {
            Error::MayHaveStarted {
                check: how_to_check(provider, label),
                operation,
                message,
            }
        }
        _ => Error::Transport {
            operation,
            timed_out: error.is_timeout(),
            message,
        },
    }
}

/// How to find out whether a `POST` whose answer was lost started something: the operation
/// that lists what it creates (a `GET` on the same path) or reads what it changes (a `GET` on
/// the path it is under), from the provider's table; for Builder, whose one operation has
/// neither, the project and branch.
fn how_to_check(provider: Provider, label: &str) -> String {
    if provider == Provider::Builder {
        return "Check the Builder project in the Visual Editor: a run that started works on \
            a new branch named after the prompt. Run again only if there is none."
            .to_string();
    }
    let path = label.split_once(' ').map_or(label, |(_, path)| path);
    let get = |path: &str| {
        let label = format!("GET {path}");
        provider
            .info()
            .operations
            .iter()
            .find(|op| op.label == label)
    };
    let parent = path.rsplit_once('/').map_or("", |(parent, _)| parent);
    match get(path).or_else(|| get(parent)) {
        Some(op) => format!("Check with `{}` before running it again.", op.label),
        // Say so rather than point at a check that does not exist.
        None => format!(
            "No operation of the {} lists what `{label}` makes, so the API cannot tell whether \
             it did; look in the provider's own app for a new one before running it again.",
            provider.info().title
        ),
    }
}

/// An answer whose status the spec does not list for the call: its status, and what its body
/// says (the documented error fields if it is JSON, an excerpt if not).
async fn undocumented(
    response: reqwest::Response,
    provider: Provider,
    operation: Option<&str>,
    secrets: &[&Secret],
) -> Error {
    let clean = |text: &str| scrub(text, secrets);
    let operation = operation.map(str::to_string);
    let status = response.status().as_u16();
    let retry_after = agentrun_runtime::retry_after_in(response.headers());
    if (200..300).contains(&status) {
        return Error::Decode {
            operation,
            message: format!(
                "the API answered {status}, a status its spec does not list for this call"
            ),
        };
    }
    if (300..400).contains(&status) {
        return Error::Api(ApiError {
            provider,
            operation,
            status,
            message: redirected(&response),
            code: None,
            reason: None,
            retry_after,
        });
    }
    let text = response.text().await.unwrap_or_default();
    let field = |json: &serde_json::Value, name: &str| {
        json.get(name).and_then(|v| v.as_str()).map(str::to_string)
    };
    let (message, code, reason) = match serde_json::from_str::<serde_json::Value>(&text) {
        Ok(json) => (
            field(&json, "error")
                .or_else(|| field(&json, "message"))
                .unwrap_or_else(|| excerpt(&text)),
            field(&json, "code"),
            field(&json, "reason"),
        ),
        Err(_) => (excerpt(&text), None, None),
    };
    Error::Api(ApiError {
        provider,
        operation,
        status,
        message: clean(&message),
        code: code.map(|c| clean(&c)),
        reason: reason.map(|r| clean(&r)),
        retry_after,
    })
}

/// A redirect that was not followed: where it pointed (its origin only, never a path or
/// query, which may hold a key) and what to do.
fn redirected(response: &reqwest::Response) -> String {
    let target = response
        .headers()
        .get(reqwest::header::LOCATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|location| response.url().join(location).ok())
        .map(|url| url.origin().ascii_serialization())
        .unwrap_or_else(|| "an address it did not give".to_string());
    format!(
        "the API redirected to {target}; agentrun follows redirects only within the same \
         host, so neither the request body nor a token or key went there. If the API moved, \
         point the base URL at it"
    )
}

/// What a reqwest error means, without its URL.
fn describe_transport(error: &reqwest::Error) -> String {
    let kind = if error.is_timeout() {
        "the request timed out"
    } else if agentrun_runtime::is_tls_failure(error) {
        "the TLS handshake failed: check the base URL's scheme (the APIs speak https) and that \
         the server's certificate is one this machine trusts"
    } else if error.is_connect() {
        "the connection could not be made"
    } else if error.is_body() || error.is_decode() {
        "the answer broke off"
    } else {
        "the connection failed"
    };
    let mut detail = String::new();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        detail = cause.to_string();
        source = cause.source();
    }
    if detail.is_empty() {
        kind.to_string()
    } else {
        format!("{kind} ({detail})")
    }
}
