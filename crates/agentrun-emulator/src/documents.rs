//! Documents served as they are (`--document FILE`): the stand-in for an API the emulator has
//! no model of. A request under a document's base path is held to the document and answered
//! from it ([`agentrun_mock::StandIn`]); anything else is the emulator's 404.

use std::sync::Arc;

use agentrun_mock::requests::WireRequest;
use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::state::Shared;

/// The fallback route: the first document whose base path and paths take the request.
pub(crate) async fn serve(State(shared): State<Arc<Shared>>, request: Request) -> Response {
    let documents = &shared.config.documents;
    if documents.is_empty() {
        return crate::not_found(request.uri());
    }
    let (parts, body) = request.into_parts();
    let Ok(body) = to_bytes(body, shared.config.max_body_bytes).await else {
        return (
            StatusCode::PAYLOAD_TOO_LARGE,
            "the request body is too large",
        )
            .into_response();
    };
    let path = parts.uri.path();
    for stand_in in documents {
        let base = stand_in.base_path();
        let Some(rest) = path.strip_prefix(base.as_str()) else {
            continue;
        };
        let wire = WireRequest {
            method: parts.method.as_str().to_string(),
            path: if rest.is_empty() {
                "/".into()
            } else {
                rest.to_string()
            },
            query: parts.uri.query().unwrap_or("").to_string(),
            headers: parts
                .headers
                .iter()
                .map(|(n, v)| {
                    (
                        n.as_str().to_string(),
                        String::from_utf8_lossy(v.as_bytes()).into_owned(),
                    )
                })
                .collect(),
            body: body.to_vec(),
        };
        let prefer = parts.headers.get("prefer").and_then(|v| v.to_str().ok());
        let Some(reply) = stand_in.respond(&wire, prefer) else {
            continue;
        };
        let status = StatusCode::from_u16(reply.status).unwrap_or(StatusCode::OK);
        let mut response = Response::new(Body::from(reply.body));
        *response.status_mut() = status;
        if let Some(content_type) = reply
            .content_type
            .and_then(|c| HeaderValue::try_from(c).ok())
        {
            response
                .headers_mut()
                .insert(header::CONTENT_TYPE, content_type);
        }
        return response;
    }
    crate::not_found(&parts.uri)
}
