//! Swagger 2.0 (OpenAPI 2.0) to OpenAPI 3.0, the way swagger2openapi converts it.
//!
//! | 2.0 | 3.0 |
//! |---|---|
//! | `host`, `basePath`, `schemes` | `servers` |
//! | `definitions`, `securityDefinitions` | `components.schemas`, `components.securitySchemes` |
//! | a `body` parameter | `requestBody`, one media type per `consumes` |
//! | `formData` parameters | a `requestBody` object: `multipart/form-data` when one is a file or the operation consumes it, else form-urlencoded |
//! | a parameter's `type`, `format`, `items`, `enum`, ... | its `schema` |
//! | `collectionFormat` | `style` and `explode` |
//! | a response's `schema` | `content`, one media type per `produces` |
//! | `x-nullable`, a `discriminator` name | `nullable`, a `discriminator` object |
//!
//! References to shared parameters and responses (`#/parameters/..`, `#/responses/..`) are
//! inlined, since a shared body parameter has no 3.0 form as a parameter.

use serde_json::{Map, Value, json};

use crate::normalize::walk::METHODS;

/// Keywords a 2.0 parameter shares with a schema.
const SCHEMA_KEYWORDS: [&str; 17] = [
    "type",
    "format",
    "items",
    "enum",
    "default",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "minLength",
    "maxLength",
    "pattern",
    "minItems",
    "maxItems",
    "uniqueItems",
    "multipleOf",
    "x-nullable",
];

/// Whether the document is Swagger 2.0.
pub fn is_swagger2(doc: &Value) -> bool {
    doc.get("swagger").and_then(Value::as_str) == Some("2.0") && doc.get("openapi").is_none()
}

/// Converts a Swagger 2.0 document into OpenAPI 3.0 in place.
pub fn convert(doc: &mut Value) {
    let source = std::mem::take(doc);
    let root = source.as_object().cloned().unwrap_or_default();
    let shared_parameters = root.get("parameters").cloned().unwrap_or(json!({}));
    let shared_responses = root.get("responses").cloned().unwrap_or(json!({}));
    let consumes = media_list(root.get("consumes"));
    let produces = media_list(root.get("produces"));

    let mut out = Map::new();
    out.insert("openapi".into(), "3.0.3".into());
    out.insert(
        "info".into(),
        root.get("info").cloned().unwrap_or_else(|| json!({})),
    );
    out.insert("servers".into(), servers(&root));
    let mut paths = Map::new();
    for (path, item) in root
        .get("paths")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        let Some(item) = item.as_object() else {
            continue;
        };
        let shared: Vec<Value> = item
            .get("parameters")
            .and_then(Value::as_array)
            .map(|list| {
                list.iter()
                    .map(|p| inline(p, &shared_parameters, "#/parameters/"))
                    .collect()
            })
            .unwrap_or_default();
        let mut converted = Map::new();
        for (key, value) in item {
            if METHODS.contains(&key.as_str()) {
                let op = operation(
                    value,
                    &shared,
                    &shared_parameters,
                    &shared_responses,
                    &consumes,
                    &produces,
                );
                converted.insert(key.clone(), op);
            } else if key.starts_with("x-") {
                converted.insert(key.clone(), value.clone());
            }
        }
        paths.insert(path.clone(), Value::Object(converted));
    }
    out.insert("paths".into(), Value::Object(paths));
    let mut components = Map::new();
    if let Some(definitions) = root.get("definitions") {
        components.insert("schemas".into(), definitions.clone());
    }
    if let Some(security) = root.get("securityDefinitions").and_then(Value::as_object) {
        let schemes: Map<String, Value> = security
            .iter()
            .map(|(name, scheme)| (name.clone(), security_scheme(scheme)))
            .collect();
        components.insert("securitySchemes".into(), Value::Object(schemes));
    }
    out.insert("components".into(), Value::Object(components));
    for key in ["security", "tags", "externalDocs"] {
        if let Some(value) = root.get(key) {
            out.insert(key.into(), value.clone());
        }
    }
    for (key, value) in root.iter().filter(|(k, _)| k.starts_with("x-")) {
        out.insert(key.clone(), value.clone());
    }
    let mut converted = Value::Object(out);
    rewrite_schemas(&mut converted);
    *doc = converted;
}

fn media_list(value: Option<&Value>) -> Vec<String> {
    value
        .and_then(Value::as_array)
        .map(|list| {
            list.iter()
                .filter_map(|m| m.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

/// `servers` from `schemes`, `host` and `basePath`.
fn servers(root: &Map<String, Value>) -> Value {
    let base = root.get("basePath").and_then(Value::as_str).unwrap_or("");
    let Some(host) = root.get("host").and_then(Value::as_str) else {
        return json!([{ "url": if base.is_empty() { "/" } else { base } }]);
    };
    let schemes = media_list(root.get("schemes"));
    let scheme = if schemes.iter().any(|s| s == "https") || schemes.is_empty() {
        "https"
    } else {
        schemes[0].as_str()
    };
    json!([{ "url": format!("{scheme}://{host}{base}") }])
}

/// The object a `$ref` into a shared section (`#/parameters/..`) names, or the value itself.
fn inline(value: &Value, shared: &Value, prefix: &str) -> Value {
    match value
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix(prefix))
    {
        Some(name) => shared.get(name).cloned().unwrap_or_else(|| value.clone()),
        None => value.clone(),
    }
}

fn operation(
    op: &Value,
    shared: &[Value],
    shared_parameters: &Value,
    shared_responses: &Value,
    consumes: &[String],
    produces: &[String],
) -> Value {
    let Some(op) = op.as_object() else {
        return op.clone();
    };
    let consumes = Some(media_list(op.get("consumes")))
        .filter(|m| !m.is_empty())
        .unwrap_or_else(|| consumes.to_vec());
    let produces = Some(media_list(op.get("produces")))
        .filter(|m| !m.is_empty())
        .unwrap_or_else(|| produces.to_vec());
    let mut own: Vec<Value> = op
        .get("parameters")
        .and_then(Value::as_array)
        .map(|list| {
            list.iter()
                .map(|p| inline(p, shared_parameters, "#/parameters/"))
                .collect()
        })
        .unwrap_or_default();
    // The path item's parameters, unless the operation names the same one.
    let key = |p: &Value| (p.get("name").cloned(), p.get("in").cloned());
    for parameter in shared {
        if !own.iter().any(|o| key(o) == key(parameter)) {
            own.push(parameter.clone());
        }
    }
    let mut out = Map::new();
    for (key, value) in op {
        if !["parameters", "responses", "consumes", "produces", "schemes"].contains(&key.as_str()) {
            out.insert(key.clone(), value.clone());
        }
    }
    let mut parameters = Vec::new();
    let mut form = Vec::new();
    for parameter in own {
        match parameter.get("in").and_then(Value::as_str) {
            Some("body") => {
                out.insert("requestBody".into(), body(&parameter, &consumes));
            }
            Some("formData") => form.push(parameter),
            _ => parameters.push(plain_parameter(&parameter)),
        }
    }
    if !form.is_empty() {
        out.insert("requestBody".into(), form_body(&form, &consumes));
    }
    if !parameters.is_empty() {
        out.insert("parameters".into(), Value::Array(parameters));
    }
    let responses: Map<String, Value> = op
        .get("responses")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .map(|(status, response)| {
            let response = inline(response, shared_responses, "#/responses/");
            (status.clone(), self::response(&response, &produces))
        })
        .collect();
    out.insert("responses".into(), Value::Object(responses));
    Value::Object(out)
}

/// The media types a body is sent as: the operation's `consumes` (JSON when it says nothing).
fn content(schema: &Value, media: &[String]) -> Value {
    let media: Vec<&str> = if media.is_empty() {
        vec!["application/json"]
    } else {
        media.iter().map(String::as_str).collect()
    };
    Value::Object(
        media
            .into_iter()
            .map(|m| (m.to_string(), json!({ "schema": schema })))
            .collect(),
    )
}

fn body(parameter: &Value, consumes: &[String]) -> Value {
    let media: Vec<String> = consumes
        .iter()
        .filter(|m| !m.contains("form"))
        .cloned()
        .collect();
    let schema = parameter
        .get("schema")
        .cloned()
        .unwrap_or_else(|| json!({}));
    let mut body = Map::new();
    if let Some(description) = parameter.get("description") {
        body.insert("description".into(), description.clone());
    }
    body.insert("content".into(), content(&schema, &media));
    body.insert(
        "required".into(),
        parameter
            .get("required")
            .cloned()
            .unwrap_or(Value::Bool(false)),
    );
    Value::Object(body)
}

fn form_body(fields: &[Value], consumes: &[String]) -> Value {
    let multipart = consumes.iter().any(|m| m.starts_with("multipart/"))
        || fields
            .iter()
            .any(|f| f.get("type").and_then(Value::as_str) == Some("file"));
    let media = if multipart {
        "multipart/form-data"
    } else {
        "application/x-www-form-urlencoded"
    };
    let mut properties = Map::new();
    let mut required = Vec::new();
    for field in fields {
        let Some(name) = field.get("name").and_then(Value::as_str) else {
            continue;
        };
        let mut schema = parameter_schema(field);
        if let Some(description) = field.get("description") {
            schema["description"] = description.clone();
        }
        properties.insert(name.to_string(), schema);
        if field.get("required") == Some(&Value::Bool(true)) {
            required.push(Value::String(name.to_string()));
        }
    }
    let mut schema = json!({ "type": "object", "properties": properties });
    if !required.is_empty() {
        schema["required"] = Value::Array(required);
    }
    json!({ "content": { media: { "schema": schema } } })
}

/// A parameter's schema, from the keywords 2.0 writes on the parameter itself.
fn parameter_schema(parameter: &Value) -> Value {
    let mut schema = Map::new();
    for key in SCHEMA_KEYWORDS {
        if let Some(value) = parameter.get(key) {
            schema.insert(key.into(), value.clone());
        }
    }
    if schema.get("type").and_then(Value::as_str) == Some("file") {
        schema.insert("type".into(), "string".into());
        schema.insert("format".into(), "binary".into());
    }
    Value::Object(schema)
}

fn plain_parameter(parameter: &Value) -> Value {
    let Some(source) = parameter.as_object() else {
        return parameter.clone();
    };
    let mut out = Map::new();
    for (key, value) in source {
        if !SCHEMA_KEYWORDS.contains(&key.as_str()) && key != "collectionFormat" {
            out.insert(key.clone(), value.clone());
        }
    }
    out.insert("schema".into(), parameter_schema(parameter));
    let location = source.get("in").and_then(Value::as_str).unwrap_or_default();
    let (style, explode) = match source.get("collectionFormat").and_then(Value::as_str) {
        Some("multi") => ("form", true),
        Some("ssv") => ("spaceDelimited", false),
        Some("pipes") => ("pipeDelimited", false),
        Some(_) | None if source.get("type").and_then(Value::as_str) == Some("array") => (
            if location == "query" {
                "form"
            } else {
                "simple"
            },
            false,
        ),
        _ => ("", false),
    };
    if !style.is_empty() {
        out.insert("style".into(), style.into());
        out.insert("explode".into(), explode.into());
    }
    Value::Object(out)
}

fn response(response: &Value, produces: &[String]) -> Value {
    let Some(source) = response.as_object() else {
        return response.clone();
    };
    let mut out = Map::new();
    out.insert(
        "description".into(),
        source
            .get("description")
            .cloned()
            .unwrap_or_else(|| "".into()),
    );
    if let Some(schema) = source.get("schema") {
        let mut media: Vec<String> = produces.to_vec();
        // A response whose schema is an object or array is JSON, even where the operation only
        // lists the media type of its success (Docker's errors next to a raw stream).
        let structured = schema.get("$ref").is_some()
            || matches!(
                schema.get("type").and_then(Value::as_str),
                Some("object" | "array")
            );
        if structured
            && !media.is_empty()
            && !media.iter().any(|m| crate::normalize::bodies::is_json(m))
        {
            media.push("application/json".to_string());
        }
        out.insert("content".into(), content(schema, &media));
    }
    if let Some(headers) = source.get("headers").and_then(Value::as_object) {
        let headers: Map<String, Value> = headers
            .iter()
            .map(|(name, header)| {
                let mut converted = json!({ "schema": parameter_schema(header) });
                if let Some(description) = header.get("description") {
                    converted["description"] = description.clone();
                }
                (name.clone(), converted)
            })
            .collect();
        out.insert("headers".into(), Value::Object(headers));
    }
    Value::Object(out)
}

fn security_scheme(scheme: &Value) -> Value {
    let Some(source) = scheme.as_object() else {
        return scheme.clone();
    };
    let description = source.get("description").cloned();
    let mut out = match source.get("type").and_then(Value::as_str) {
        Some("basic") => json!({"type": "http", "scheme": "basic"}),
        Some("apiKey") => {
            json!({"type": "apiKey", "name": source.get("name"), "in": source.get("in")})
        }
        Some("oauth2") => {
            let flow = match source.get("flow").and_then(Value::as_str) {
                Some("password") => "password",
                Some("application") => "clientCredentials",
                Some("accessCode") => "authorizationCode",
                _ => "implicit",
            };
            let mut settings = Map::new();
            for key in ["authorizationUrl", "tokenUrl"] {
                if let Some(url) = source.get(key) {
                    settings.insert(key.into(), url.clone());
                }
            }
            settings.insert(
                "scopes".into(),
                source.get("scopes").cloned().unwrap_or_else(|| json!({})),
            );
            json!({"type": "oauth2", "flows": { flow: settings }})
        }
        _ => scheme.clone(),
    };
    if let Some(description) = description {
        out["description"] = description;
    }
    out
}

/// References into `#/definitions/` become component references, and 2.0's schema forms
/// (`x-nullable`, a `discriminator` name) their 3.0 ones.
fn rewrite_schemas(value: &mut Value) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(reference)) = map.get_mut("$ref")
                && let Some(name) = reference.strip_prefix("#/definitions/")
            {
                *reference = format!("#/components/schemas/{name}");
            }
            if let Some(nullable) = map.shift_remove("x-nullable") {
                // A reference's siblings do not count in 3.0: a nullable reference is an allOf.
                if let Some(reference) = map.shift_remove("$ref") {
                    map.insert("allOf".into(), json!([{ "$ref": reference }]));
                }
                map.insert("nullable".into(), nullable);
            }
            if let Some(Value::String(property)) = map.get("discriminator").cloned() {
                map.insert("discriminator".into(), json!({ "propertyName": property }));
            }
            // Example values are data (`default` is also a response's status: not skipped).
            for (key, value) in map.iter_mut() {
                if key != "example" && key != "examples" {
                    rewrite_schemas(value);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(rewrite_schemas),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_swagger_2_document_becomes_openapi_3() {
        let mut doc = json!({
            "swagger": "2.0",
            "info": {"title": "Pets", "version": "1"},
            "host": "api.example.com", "basePath": "/v1", "schemes": ["https"],
            "consumes": ["application/json"], "produces": ["application/json"],
            "parameters": {"Limit": {"name": "limit", "in": "query", "type": "integer"}},
            "paths": {"/pets/{id}": {
                "parameters": [{"name": "id", "in": "path", "required": true, "type": "string"}],
                "get": {"operationId": "getPet",
                        "parameters": [{"$ref": "#/parameters/Limit"},
                                       {"name": "tags", "in": "query", "type": "array",
                                        "items": {"type": "string"}, "collectionFormat": "csv"}],
                        "responses": {"200": {"description": "ok", "schema": {"$ref": "#/definitions/Pet"}},
                                      "default": {"description": "error", "schema": {"$ref": "#/definitions/Owner"}}}},
                "put": {"parameters": [{"name": "pet", "in": "body", "required": true,
                                        "schema": {"$ref": "#/definitions/Pet"}}],
                        "responses": {"204": {"description": "done"}}},
                "post": {"consumes": ["multipart/form-data"],
                         "parameters": [{"name": "photo", "in": "formData", "type": "file", "required": true},
                                        {"name": "note", "in": "formData", "type": "string"}],
                         "responses": {"201": {"description": "stored"}}}}},
            "definitions": {"Pet": {"type": "object", "discriminator": "kind",
                                    "properties": {"kind": {"type": "string"},
                                                   "owner": {"$ref": "#/definitions/Owner", "x-nullable": true}}},
                            "Owner": {"type": "object"}},
            "securityDefinitions": {"key": {"type": "apiKey", "name": "X-Key", "in": "header"},
                                    "basic": {"type": "basic"}}
        });
        assert!(is_swagger2(&doc));
        convert(&mut doc);
        assert_eq!(doc["openapi"], "3.0.3");
        assert_eq!(
            doc["servers"],
            json!([{"url": "https://api.example.com/v1"}])
        );
        let item = &doc["paths"]["/pets/{id}"];
        assert_eq!(
            item["get"]["parameters"],
            json!([
                {"name": "limit", "in": "query", "schema": {"type": "integer"}},
                {"name": "tags", "in": "query", "schema": {"type": "array", "items": {"type": "string"}},
                 "style": "form", "explode": false},
                {"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}
            ])
        );
        assert_eq!(
            item["get"]["responses"]["200"]["content"]["application/json"]["schema"],
            json!({"$ref": "#/components/schemas/Pet"})
        );
        assert_eq!(
            item["get"]["responses"]["default"],
            json!({"description": "error", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Owner"}}}})
        );
        assert_eq!(
            item["put"]["requestBody"],
            json!({"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Pet"}}}, "required": true})
        );
        assert_eq!(
            item["post"]["requestBody"]["content"]["multipart/form-data"]["schema"],
            json!({"type": "object", "properties": {
                "photo": {"type": "string", "format": "binary"}, "note": {"type": "string"}},
                "required": ["photo"]})
        );
        let pet = &doc["components"]["schemas"]["Pet"];
        assert_eq!(pet["discriminator"], json!({"propertyName": "kind"}));
        assert_eq!(
            pet["properties"]["owner"],
            json!({"allOf": [{"$ref": "#/components/schemas/Owner"}], "nullable": true})
        );
        assert_eq!(
            doc["components"]["securitySchemes"]["basic"],
            json!({"type": "http", "scheme": "basic"})
        );
    }
}
