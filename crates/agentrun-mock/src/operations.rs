//! The operations of a source document as a server meets them: each parameter with where it
//! goes, how it is written (`style`, `explode`) and where its schema is; the request body's
//! media types; each documented answer. References are followed; every schema is named by its
//! pointer into the document, which is what [`crate::SourceSchemas::check`] takes.

use serde_json::Value;

use crate::document::METHODS;
use crate::document::follow;
use crate::document::pointer;

/// One operation of a source document.
#[derive(Debug, Clone)]
pub struct SourceOperation {
    /// `GET`, `POST`, ...
    pub method: String,
    /// The path template, as the document writes it.
    pub path: String,
    /// `GET /things/{id}`.
    pub label: String,
    /// Its parameters: the path item's, overridden by the operation's own.
    pub parameters: Vec<Parameter>,
    /// Its request body, if it documents one.
    pub body: Option<RequestBody>,
    /// Its documented answers, in the document's order.
    pub responses: Vec<Response>,
}

/// A parameter.
#[derive(Debug, Clone)]
pub struct Parameter {
    /// Its name on the wire.
    pub name: String,
    /// `path`, `query`, `header` or `cookie`.
    pub location: String,
    /// Whether it must be sent.
    pub required: bool,
    /// How it is written: `simple`, `form`, `label`, `matrix`, `deepObject`, ...
    pub style: String,
    /// Whether arrays and objects are written one item per name.
    pub explode: bool,
    /// Its schema's pointer; `None` when it has none.
    pub schema: Option<String>,
    /// Whether its value is written as JSON (a parameter with `content`, not `schema`).
    pub json: bool,
}

/// A request body: whether it is required, and each media type with its schema's pointer.
#[derive(Debug, Clone)]
pub struct RequestBody {
    /// Whether the operation needs one.
    pub required: bool,
    /// Each media type and its schema's pointer (`None` when it has no schema).
    pub media: Vec<(String, Option<String>)>,
}

/// A documented answer.
#[derive(Debug, Clone)]
pub struct Response {
    /// `200`, `4XX` or `default`, as written.
    pub status: String,
    /// The response object's pointer.
    pub at: String,
    /// Each media type and its schema's pointer (`None` when it has no schema).
    pub media: Vec<(String, Option<String>)>,
}

/// Every operation of `doc` (OpenAPI 3.x), in the document's order.
pub fn source_operations(doc: &Value) -> Vec<SourceOperation> {
    let mut found = Vec::new();
    let paths = doc.get("paths").and_then(Value::as_object);
    for (path, item) in paths.into_iter().flatten() {
        let item_at = pointer("#/paths", path);
        let (item_at, item) = follow(doc, item_at, item);
        for method in METHODS {
            let Some(op) = item.get(method).filter(|op| op.is_object()) else {
                continue;
            };
            let op_at = pointer(&item_at, method);
            let mut parameters: Vec<Parameter> = Vec::new();
            let lists = [
                (pointer(&item_at, "parameters"), item.get("parameters")),
                (pointer(&op_at, "parameters"), op.get("parameters")),
            ];
            for (list_at, list) in lists {
                let list = list.and_then(Value::as_array).into_iter().flatten();
                for (i, parameter) in list.enumerate() {
                    let (at, parameter) = follow(doc, pointer(&list_at, &i.to_string()), parameter);
                    let Some(parameter) = self::parameter(&at, parameter) else {
                        continue;
                    };
                    parameters.retain(|p| {
                        (&p.name, &p.location) != (&parameter.name, &parameter.location)
                    });
                    parameters.push(parameter);
                }
            }
            let body = op.get("requestBody").map(|body| {
                let (at, body) = follow(doc, pointer(&op_at, "requestBody"), body);
                RequestBody {
                    required: body.get("required") == Some(&Value::Bool(true)),
                    media: media(&at, body),
                }
            });
            let responses = op
                .get("responses")
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
                .filter(|(status, _)| !status.starts_with("x-"))
                .map(|(status, response)| {
                    let at = pointer(&pointer(&op_at, "responses"), status);
                    let (at, response) = follow(doc, at, response);
                    Response {
                        status: status.clone(),
                        media: media(&at, response),
                        at,
                    }
                })
                .collect();
            let method = method.to_ascii_uppercase();
            found.push(SourceOperation {
                label: format!("{method} {path}"),
                method,
                path: path.clone(),
                parameters,
                body,
                responses,
            });
        }
    }
    found
}

fn parameter(at: &str, parameter: &Value) -> Option<Parameter> {
    let name = parameter.get("name")?.as_str()?.to_string();
    let location = parameter.get("in")?.as_str()?.to_string();
    let style = parameter
        .get("style")
        .and_then(Value::as_str)
        .unwrap_or(match location.as_str() {
            "query" | "cookie" => "form",
            _ => "simple",
        })
        .to_string();
    let explode = parameter
        .get("explode")
        .and_then(Value::as_bool)
        .unwrap_or(style == "form");
    let (schema, json) = if parameter.get("schema").is_some() {
        (Some(pointer(at, "schema")), false)
    } else {
        let first = media(at, parameter).into_iter().next();
        (first.and_then(|(_, schema)| schema), true)
    };
    Some(Parameter {
        required: location == "path" || parameter.get("required") == Some(&Value::Bool(true)),
        name,
        location,
        style,
        explode,
        schema,
        json,
    })
}

/// The media types of a `content` map, each with its schema's pointer.
fn media(at: &str, holder: &Value) -> Vec<(String, Option<String>)> {
    let content = holder.get("content").and_then(Value::as_object);
    content
        .into_iter()
        .flatten()
        .map(|(media, value)| {
            let media_at = pointer(&pointer(at, "content"), media);
            let schema = value.get("schema").map(|_| pointer(&media_at, "schema"));
            (media.clone(), schema)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn parameters_merge_by_name_and_place_and_references_are_followed() {
        let doc = json!({"paths": {"/a/{id}": {
            "parameters": [{"$ref": "#/components/parameters/Id"},
                           {"name": "q", "in": "query", "schema": {"type": "string"}}],
            "get": {"parameters": [{"name": "q", "in": "query", "required": true,
                                    "style": "form", "explode": false,
                                    "schema": {"type": "array"}}],
                    "responses": {"200": {"$ref": "#/components/responses/Ok"}}}}},
            "components": {"parameters": {"Id": {"name": "id", "in": "path",
                                                  "schema": {"type": "string"}}},
                           "responses": {"Ok": {"content": {"application/json": {
                               "schema": {"type": "object"}}}}}}});
        let operations = source_operations(&doc);
        assert_eq!(operations.len(), 1);
        let op = &operations[0];
        assert_eq!(op.label, "GET /a/{id}");
        let id = &op.parameters[0];
        assert_eq!(
            (id.name.as_str(), id.required, id.style.as_str()),
            ("id", true, "simple")
        );
        assert_eq!(
            id.schema.as_deref(),
            Some("#/components/parameters/Id/schema")
        );
        let q = &op.parameters[1];
        assert!(q.required && !q.explode);
        assert_eq!(op.parameters.len(), 2);
        assert_eq!(
            op.responses[0].media,
            [(
                "application/json".to_string(),
                Some("#/components/responses/Ok/content/application~1json/schema".to_string())
            )]
        );
    }
}
