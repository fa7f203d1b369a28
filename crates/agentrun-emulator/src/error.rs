//! Error answers: a status and the documented body `{error, code?, reason?}`.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

/// An error answer, as both APIs send it.
#[derive(Debug, Clone)]
pub(crate) struct ApiError {
    status: StatusCode,
    error: String,
    code: Option<&'static str>,
    reason: Option<String>,
}

impl ApiError {
    pub(crate) fn new(status: StatusCode, error: impl Into<String>) -> Self {
        Self {
            status,
            error: error.into(),
            code: None,
            reason: None,
        }
    }

    pub(crate) fn code(mut self, code: &'static str) -> Self {
        self.code = Some(code);
        self
    }

    pub(crate) fn reason(mut self, reason: impl Into<String>) -> Self {
        self.reason = Some(reason.into());
        self
    }

    /// 400 `invalid_request`.
    pub(crate) fn invalid(error: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, error).code("invalid_request")
    }

    /// 404 `not_found`, naming what was looked for.
    pub(crate) fn not_found(what: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, what).code("not_found")
    }

    /// 409 with a code.
    pub(crate) fn conflict(error: impl Into<String>, code: &'static str) -> Self {
        Self::new(StatusCode::CONFLICT, error).code(code)
    }

    /// 401 `unauthorized`.
    pub(crate) fn unauthorized(error: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, error).code("unauthorized")
    }

    /// The error message.
    #[cfg(test)]
    pub(crate) fn message(&self) -> &str {
        &self.error
    }

    /// 405; the router adds the `Allow` header.
    pub(crate) fn method_not_allowed(method: &str, path: &str) -> Self {
        Self::new(
            StatusCode::METHOD_NOT_ALLOWED,
            format!(
                "{method} is not allowed on {path}; the Allow header lists the methods that are"
            ),
        )
        .code("method_not_allowed")
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = agentrun_buildprint::types::Error {
            error: self.error,
            code: self.code.map(Into::into),
            reason: self.reason,
        };
        (self.status, axum::Json(body)).into_response()
    }
}
