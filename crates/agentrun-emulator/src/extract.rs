//! Request extractors whose every rejection is a JSON error that says what to fix.

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Path, Query, Request};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use serde::de::DeserializeOwned;

use crate::error::ApiError;

/// A JSON body read into `T`.
///
/// - a `Content-Type` other than JSON: 415;
/// - a body over the limit: 413;
/// - no body: 400;
/// - invalid JSON: 400, naming the line and column where it broke;
/// - valid JSON of the wrong shape: 400, naming the field (`steps[0].onFailure`).
pub(crate) struct JsonBody<T>(pub(crate) T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for JsonBody<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let content_type = request
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string();
        let bytes = Bytes::from_request(request, state)
            .await
            .map_err(|rejection| {
                if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                    ApiError::new(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    "The request body is larger than the emulator accepts (see --max-body-bytes)",
                )
                .code("payload_too_large")
                } else {
                    ApiError::invalid(format!("The request body could not be read: {rejection}"))
                }
            })?;
        let media = content_type.split(';').next().unwrap_or("").trim();
        if !media.eq_ignore_ascii_case("application/json") {
            let got = if media.is_empty() { "none" } else { media };
            return Err(ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                format!("Send the body as JSON with `Content-Type: application/json` (got {got})"),
            )
            .code("unsupported_media_type"));
        }
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Err(ApiError::invalid("The request needs a JSON body").code("invalid_json"));
        }
        parse_json(&bytes).map(JsonBody)
    }
}

/// Parses JSON into `T`, with errors that say where it broke.
pub(crate) fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize(&mut deserializer).map_err(|error| {
        let path = error.path().to_string();
        let inner = error.into_inner();
        let message = strip_position(&inner.to_string()).to_string();
        use serde_json::error::Category;
        match inner.classify() {
            Category::Syntax | Category::Eof | Category::Io => ApiError::invalid(format!(
                "Invalid JSON at line {}, column {}: {message}",
                inner.line(),
                inner.column()
            ))
            .code("invalid_json"),
            Category::Data => ApiError::invalid(describe_data_error(&path, &message)),
        }
    })?;
    deserializer.end().map_err(|e| {
        ApiError::invalid(format!("Invalid JSON after the body's end: {e}")).code("invalid_json")
    })?;
    Ok(value)
}

/// `missing field `appId`` at the root becomes "`appId` is required"; elsewhere the field's
/// path leads the message.
fn describe_data_error(path: &str, message: &str) -> String {
    if let Some(field) = message
        .strip_prefix("missing field `")
        .and_then(|rest| rest.strip_suffix('`'))
    {
        return if path == "." {
            format!("`{field}` is required")
        } else {
            format!("`{path}.{field}` is required")
        };
    }
    if path == "." {
        format!("The body does not match the request schema: {message}")
    } else {
        format!("`{path}`: {message}")
    }
}

fn strip_position(message: &str) -> &str {
    match message.rfind(" at line ") {
        Some(at) => &message[..at],
        None => message,
    }
}

/// Query parameters read into `T`.
pub(crate) struct QueryParams<T>(pub(crate) T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for QueryParams<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Query::<T>::try_from_uri(&parts.uri)
            .map(|Query(value)| QueryParams(value))
            .map_err(|rejection| {
                let detail = rejection.body_text();
                let detail = detail
                    .strip_prefix("Failed to deserialize query string: ")
                    .unwrap_or(&detail);
                ApiError::invalid(format!("Invalid query string: {detail}"))
            })
    }
}

/// One path parameter.
pub(crate) struct Id(pub(crate) String);

impl<S: Send + Sync> FromRequestParts<S> for Id {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        Path::<String>::from_request_parts(parts, state)
            .await
            .map(|Path(id)| Id(id))
            .map_err(|rejection| {
                ApiError::invalid(format!("Invalid path: {}", rejection.body_text()))
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize, Debug)]
    #[serde(rename_all = "camelCase")]
    #[allow(dead_code)]
    struct Body {
        app_id: String,
        steps: Vec<Step>,
    }

    #[derive(serde::Deserialize, Debug)]
    #[allow(dead_code)]
    struct Step {
        count: u32,
    }

    fn error(json: &str) -> String {
        match parse_json::<Body>(json.as_bytes()) {
            Err(error) => error.message().to_string(),
            Ok(_) => String::new(),
        }
    }

    #[test]
    fn errors_name_the_field_or_the_place() {
        assert_eq!(error(r#"{"steps": []}"#), "`appId` is required");
        assert_eq!(
            error(r#"{"appId": "a", "steps": [{"count": "x"}]}"#),
            "`steps[0].count`: invalid type: string \"x\", expected u32"
        );
        assert_eq!(
            error("{\n  \"appId\": \"a\",,\n}"),
            "Invalid JSON at line 2, column 16: key must be a string"
        );
        assert!(error(r#"{"appId": "a", "steps": []} trailing"#).starts_with("Invalid JSON"));
    }
}
