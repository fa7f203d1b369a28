//! The emulator's routes, from a client crate's generated operation table: the operations it
//! models by their handlers, and every other one answered from the spec, with the spec's own
//! example of the success answer or the smallest body its schema allows. A new operation in a
//! spec is therefore answered the day the client crate is regenerated, never with a 404.

use std::sync::Arc;

use agentrun_runtime::{Operation, Request};
use axum::Router;
use axum::extract::MatchedPath;
use axum::handler::Handler;
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodFilter, MethodRouter, on};
use serde_json::{Map, Value};

use crate::state::Shared;

/// A modeled operation and its route.
pub(crate) type Model = (&'static Operation, MethodRouter<Arc<Shared>>);

/// The operation the builder `R` sends, handled by `handler`.
pub(crate) fn model<R, H, T>(handler: H) -> Model
where
    R: Request,
    H: Handler<T, Arc<Shared>>,
    T: 'static,
{
    let operation = R::OPERATION;
    (operation, on(method_filter(operation), handler))
}

/// A route under `base` for every operation of `table`: a model's handler where there is one,
/// an answer from the normalized spec `document` otherwise.
pub(crate) fn routes(
    base: &str,
    table: &'static [Operation],
    document: &'static str,
    models: Vec<Model>,
) -> Router<Arc<Shared>> {
    let doc = Arc::new(serde_json::from_str(document).unwrap_or(Value::Null));
    let mut router = Router::new();
    for operation in table {
        let route = models
            .iter()
            .find(|(modeled, _)| modeled.id == operation.id)
            .map(|(_, route)| route.clone())
            .unwrap_or_else(|| self::route(Arc::clone(&doc), operation));
        router = router.route(&format!("{base}{}", operation.path), route);
    }
    router
}

/// The operation of `table` a routed request is for (from its matched path and method).
pub(crate) fn matched<B>(
    table: &'static [Operation],
    base: &str,
    request: &axum::http::Request<B>,
) -> Option<&'static Operation> {
    let path = request.extensions().get::<MatchedPath>()?.as_str();
    let path = path.strip_prefix(base).unwrap_or(path);
    table
        .iter()
        .find(|op| op.path == path && op.method == request.method().as_str())
}

/// A route for `operation` that answers what the normalized spec `doc` documents.
fn route(doc: Arc<Value>, operation: &'static Operation) -> MethodRouter<Arc<Shared>> {
    on(method_filter(operation), move || {
        let doc = Arc::clone(&doc);
        async move { answer(&doc, operation) }
    })
}

/// The HTTP method an operation is sent with, as a route filter.
fn method_filter(operation: &Operation) -> MethodFilter {
    Method::from_bytes(operation.method.as_bytes())
        .ok()
        .and_then(|method| MethodFilter::try_from(method).ok())
        .unwrap_or(MethodFilter::GET)
}

/// The success answer `doc` documents for `operation`: its example, or the smallest body its
/// schema allows.
fn answer(doc: &Value, operation: &Operation) -> Response {
    let status = StatusCode::from_u16(operation.success_status()).unwrap_or(StatusCode::OK);
    let media = doc.pointer(&format!(
        "/paths/{}/{}/responses/{}/content/application~1json",
        escape(operation.path),
        operation.method.to_ascii_lowercase(),
        status.as_u16()
    ));
    match media {
        Some(media) => {
            let body = example(media).unwrap_or_else(|| {
                media
                    .get("schema")
                    .map(|schema| smallest(doc, schema, 0))
                    .unwrap_or(Value::Null)
            });
            (status, axum::Json(body)).into_response()
        }
        None => status.into_response(),
    }
}

/// The media type's example: `example`, or the first of `examples`.
fn example(media: &Value) -> Option<Value> {
    media.get("example").cloned().or_else(|| {
        media
            .get("examples")
            .and_then(Value::as_object)
            .and_then(|examples| examples.values().next())
            .and_then(|example| example.get("value"))
            .cloned()
    })
}

/// The smallest value `schema` allows: its required properties only, each at its simplest
/// (an enum's first value, `null` where allowed), arrays empty.
fn smallest(doc: &Value, schema: &Value, depth: usize) -> Value {
    if depth > 16 {
        return Value::Null;
    }
    let schema = resolve(doc, schema);
    if let Some(example) = schema.get("example") {
        return example.clone();
    }
    if schema.get("nullable") == Some(&Value::Bool(true)) {
        return Value::Null;
    }
    if let Some(first) = ["oneOf", "anyOf"]
        .iter()
        .find_map(|k| schema.get(*k).and_then(|b| b.get(0)))
    {
        return smallest(doc, first, depth + 1);
    }
    if let Some(value) = schema.get("enum").and_then(|e| e.get(0)) {
        return value.clone();
    }
    match schema.get("type").and_then(Value::as_str) {
        Some("string") => Value::String("emulated".into()),
        Some("integer" | "number") => Value::from(0),
        Some("boolean") => Value::Bool(true),
        Some("array") => Value::Array(Vec::new()),
        _ => {
            let mut object = Map::new();
            for name in schema
                .get("required")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
            {
                let property = schema
                    .pointer(&format!("/properties/{}", escape(name)))
                    .unwrap_or(&Value::Null);
                object.insert(name.to_string(), smallest(doc, property, depth + 1));
            }
            Value::Object(object)
        }
    }
}

/// A `$ref` chain (and single-member `allOf`s) followed to its schema.
fn resolve<'a>(doc: &'a Value, mut schema: &'a Value) -> &'a Value {
    for _ in 0..16 {
        if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
            match reference.strip_prefix('#').and_then(|p| doc.pointer(p)) {
                Some(target) => schema = target,
                None => return schema,
            }
        } else if let Some([only]) = schema
            .get("allOf")
            .and_then(Value::as_array)
            .map(Vec::as_slice)
        {
            schema = only;
        } else {
            return schema;
        }
    }
    schema
}

/// A key as one JSON-pointer segment.
fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_smallest_body_has_every_required_field_and_nothing_else() {
        let doc = serde_json::json!({"components": {"schemas": {
            "Run": {"type": "object", "required": ["id", "state", "tags", "at", "note", "user"],
                "properties": {"id": {"type": "string"},
                    "state": {"type": "string", "enum": ["queued", "done"]},
                    "tags": {"type": "array", "items": {"type": "string"}},
                    "at": {"type": "integer"},
                    "note": {"type": "string", "nullable": true},
                    "user": {"$ref": "#/components/schemas/User"},
                    "extra": {"type": "string"}}},
            "User": {"type": "object", "required": ["name"],
                "properties": {"name": {"type": "string"}}}}}});
        let body = smallest(
            &doc,
            &serde_json::json!({"$ref": "#/components/schemas/Run"}),
            0,
        );
        assert_eq!(
            body,
            serde_json::json!({"id": "emulated", "state": "queued", "tags": [], "at": 0,
                "note": null, "user": {"name": "emulated"}})
        );
    }
}
