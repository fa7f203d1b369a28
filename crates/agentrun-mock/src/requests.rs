//! A request as it arrived, held against the operation of the source document it is for: the
//! method and path, each parameter read back as its `style` and `explode` say and validated
//! against its schema, the `Content-Type` and body, and whether `Accept` admits every media type
//! the operation answers with. Validation is [`crate::SourceSchemas`]'s, never this project's.

use serde_json::{Map, Value};

use crate::SourceSchemas;
use crate::document::{percent_decode, resolve_refs};
use crate::media::is_json;
use crate::media::media_matches;
use crate::operations::{Parameter, SourceOperation};

/// A request as a server reads it.
#[derive(Debug, Clone, Default)]
pub struct WireRequest {
    /// `GET`, `POST`, ...
    pub method: String,
    /// The path, still percent-encoded, without the query.
    pub path: String,
    /// The query string, without `?`.
    pub query: String,
    /// Header names (any case) and values.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Vec<u8>,
}

impl WireRequest {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// Where a request broke its operation, and how.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// `path`, `query`, `header`, `cookie`, `content-type`, `body`, `accept` or `method`.
    pub kind: &'static str,
    /// The parameter or the JSON pointer in the body; empty for the request as a whole.
    pub place: String,
    /// What was expected, and what came.
    pub message: String,
}

impl std::fmt::Display for Violation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.place.is_empty() {
            write!(f, "{}: {}", self.kind, self.message)
        } else {
            write!(f, "{} `{}`: {}", self.kind, self.place, self.message)
        }
    }
}

/// Whether the path template `template` matches `path` (percent-encoded); the path
/// parameters' raw values by name when it does.
pub fn match_path(template: &str, path: &str) -> Option<Vec<(String, String)>> {
    // Some documents tell two operations on one path apart with a fragment, which no
    // request carries.
    let template = template.split('#').next().unwrap_or(template);
    let template: Vec<&str> = template.trim_end_matches('/').split('/').collect();
    let path: Vec<&str> = path.trim_end_matches('/').split('/').collect();
    if template.len() != path.len() {
        return None;
    }
    let mut found = Vec::new();
    for (pattern, actual) in template.iter().zip(&path) {
        match (pattern.find('{'), pattern.rfind('}')) {
            (Some(open), Some(close)) if open < close => {
                let (prefix, suffix) = (&pattern[..open], &pattern[close + 1..]);
                let value = actual.strip_prefix(prefix)?.strip_suffix(suffix)?;
                found.push((pattern[open + 1..close].to_string(), value.to_string()));
            }
            _ if pattern == actual => {}
            _ => return None,
        }
    }
    Some(found)
}

/// Every way `request` breaks `operation`; empty when it conforms.
pub fn check_request(
    doc: &Value,
    schemas: &mut SourceSchemas,
    operation: &SourceOperation,
    request: &WireRequest,
) -> Vec<Violation> {
    let mut found = Vec::new();
    if !request.method.eq_ignore_ascii_case(&operation.method) {
        found.push(violation(
            "method",
            "",
            format!("expected {}, got {}", operation.method, request.method),
        ));
    }
    let Some(path_values) = match_path(&operation.path, &request.path) else {
        found.push(violation(
            "path",
            "",
            format!("`{}` does not match `{}`", request.path, operation.path),
        ));
        return found;
    };
    let query = pairs(&request.query, '&', true);
    let cookies: Vec<(String, String)> = request
        .header("cookie")
        .map(|c| {
            c.split(';')
                .filter_map(|pair| pair.trim().split_once('='))
                .map(|(n, v)| (n.to_string(), percent_decode(v)))
                .collect()
        })
        .unwrap_or_default();
    for parameter in &operation.parameters {
        let value = match parameter.location.as_str() {
            "path" => path_values
                .iter()
                .find(|(name, _)| *name == parameter.name)
                .map(|(_, raw)| path_value(parameter, raw)),
            "query" => form_value(doc, parameter, &query),
            "header" => request
                .header(&parameter.name)
                .filter(|_| !is_reserved_header(&parameter.name))
                .map(|raw| delimited(raw, ',')),
            // A cookie's style is `form`, as a query's.
            "cookie" => form_value(doc, parameter, &cookies),
            _ => continue,
        };
        let kind = match parameter.location.as_str() {
            "path" => "path",
            "query" => "query",
            "header" => "header",
            _ => "cookie",
        };
        // A path parameter the template does not have cannot be sent (the document's slip).
        let in_template =
            kind != "path" || operation.path.contains(&format!("{{{}}}", parameter.name));
        let Some(value) = value else {
            if parameter.required
                && in_template
                && !(kind == "header" && is_reserved_header(&parameter.name))
            {
                found.push(violation(
                    kind,
                    &parameter.name,
                    "required, and not sent".into(),
                ));
            }
            continue;
        };
        let Some(schema) = &parameter.schema else {
            continue;
        };
        let value = if parameter.json {
            match value {
                Raw::One(text) => serde_json::from_str(&text).unwrap_or(Value::String(text)),
                other => typed(doc, schema, other),
            }
        } else {
            typed(doc, schema, value)
        };
        for error in validate(schemas, schema, &value) {
            found.push(violation(kind, &parameter.name, error));
        }
    }
    check_body(doc, schemas, operation, request, &mut found);
    check_accept(operation, request, &mut found);
    found
}

fn violation(kind: &'static str, place: &str, message: String) -> Violation {
    Violation {
        kind,
        place: place.to_string(),
        message,
    }
}

fn validate(schemas: &mut SourceSchemas, schema: &str, value: &Value) -> Vec<String> {
    schemas
        .check(schema, value)
        .unwrap_or_else(|error| vec![format!("{error:#}")])
        .into_iter()
        .map(|error| format!("{error} (sent {})", crate::one_line(&value.to_string())))
        .collect()
}

/// `Accept`, `Content-Type` and `Authorization` are not parameters (OpenAPI 3 says they are
/// ignored as such).
fn is_reserved_header(name: &str) -> bool {
    ["accept", "content-type", "authorization"].contains(&name.to_ascii_lowercase().as_str())
}

/// A parameter as it came: one string, several (repeated, or split at a delimiter), or named
/// pieces (an object).
#[derive(Debug, Clone)]
enum Raw {
    One(String),
    Many(Vec<String>),
    Named(Vec<(String, String)>),
}

/// `a=1&b=2` (or cookies' `a=1; b=2`) as decoded pairs; `+` is a space in a query.
fn pairs(text: &str, separator: char, plus_is_space: bool) -> Vec<(String, String)> {
    text.split(separator)
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            let decode = |s: &str| {
                let s = if plus_is_space {
                    s.replace('+', " ")
                } else {
                    s.to_string()
                };
                percent_decode(&s)
            };
            (decode(name), decode(value))
        })
        .collect()
}

fn path_value(parameter: &Parameter, raw: &str) -> Raw {
    let parts: Vec<String> = match parameter.style.as_str() {
        "label" => {
            let raw = raw.strip_prefix('.').unwrap_or(raw);
            let separator = if parameter.explode { '.' } else { ',' };
            raw.split(separator).map(percent_decode).collect()
        }
        "matrix" => {
            // `;id=3,4`, `;id=3;id=4`, or an object's `;a=1;b=2`.
            let decoded = percent_decode(raw);
            let pieces: Vec<&str> = decoded.trim_start_matches(';').split(';').collect();
            let prefix = format!("{}=", parameter.name);
            if pieces.iter().all(|p| p.starts_with(&prefix)) {
                let values: Vec<&str> = pieces.iter().map(|p| &p[prefix.len()..]).collect();
                if values.len() == 1 {
                    values[0].split(',').map(str::to_string).collect()
                } else {
                    values.into_iter().map(str::to_string).collect()
                }
            } else {
                pieces.into_iter().map(str::to_string).collect()
            }
        }
        _ => raw.split(',').map(percent_decode).collect(),
    };
    if parts.len() == 1 {
        Raw::One(parts.into_iter().next().unwrap_or_default())
    } else {
        Raw::Many(parts)
    }
}

fn delimited(raw: &str, separator: char) -> Raw {
    let parts: Vec<String> = raw.split(separator).map(|s| s.trim().to_string()).collect();
    if parts.len() == 1 {
        Raw::One(raw.to_string())
    } else {
        Raw::Many(parts)
    }
}

/// The field names of a `form`-style, exploded object parameter; `None` for any other.
fn exploded_fields(doc: &Value, parameter: &Parameter) -> Option<Vec<String>> {
    if parameter.style != "form" || !parameter.explode || parameter.json {
        return None;
    }
    let schema = resolve_refs(
        doc,
        doc.pointer(parameter.schema.as_deref()?.strip_prefix('#')?)?,
    );
    let properties = schema.get("properties")?.as_object()?;
    (types_of(doc, schema, 0) == ["object"]).then(|| properties.keys().cloned().collect())
}

/// A query or cookie parameter's value among the request's `pairs`: an exploded object's
/// fields are pairs of their own, anything else is read by [`query_value`].
fn form_value(doc: &Value, parameter: &Parameter, pairs: &[(String, String)]) -> Option<Raw> {
    let Some(fields) = exploded_fields(doc, parameter) else {
        return query_value(parameter, pairs);
    };
    let named: Vec<(String, String)> = pairs
        .iter()
        .filter(|(key, _)| fields.contains(key))
        .cloned()
        .collect();
    (!named.is_empty()).then_some(Raw::Named(named))
}

fn query_value(parameter: &Parameter, query: &[(String, String)]) -> Option<Raw> {
    let name = parameter.name.as_str();
    if parameter.style == "deepObject" {
        let prefix = format!("{name}[");
        let named: Vec<(String, String)> = query
            .iter()
            .filter_map(|(key, value)| {
                let inner = key.strip_prefix(&prefix)?.strip_suffix(']')?;
                Some((inner.to_string(), value.clone()))
            })
            .collect();
        return (!named.is_empty()).then_some(Raw::Named(named));
    }
    let values: Vec<&String> = query
        .iter()
        .filter(|(key, _)| key == name)
        .map(|(_, value)| value)
        .collect();
    if values.is_empty() {
        return None;
    }
    if values.len() > 1 {
        return Some(Raw::Many(values.into_iter().cloned().collect()));
    }
    let separator = match parameter.style.as_str() {
        "spaceDelimited" => ' ',
        "pipeDelimited" => '|',
        _ => ',',
    };
    let one = values[0];
    if !parameter.explode && one.contains(separator) {
        return Some(Raw::Many(
            one.split(separator).map(str::to_string).collect(),
        ));
    }
    Some(Raw::One(one.clone()))
}

/// The JSON types a schema admits (`type`, or its union members'); empty when it says none.
fn types_of(doc: &Value, schema: &Value, depth: usize) -> Vec<String> {
    let schema = resolve_refs(doc, schema);
    let mut found: Vec<String> = match schema.get("type") {
        Some(Value::String(t)) => vec![t.clone()],
        Some(Value::Array(list)) => list
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_string)
            .collect(),
        _ => Vec::new(),
    };
    if depth < 8 {
        for keyword in ["oneOf", "anyOf", "allOf"] {
            for member in schema
                .get(keyword)
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                found.extend(types_of(doc, member, depth + 1));
            }
        }
    }
    if schema.get("properties").is_some() && found.is_empty() {
        found.push("object".into());
    }
    found
}

/// A string read as the scalar the schema wants: a number, a boolean, null or the string.
fn scalar(doc: &Value, schema: Option<&Value>, text: &str) -> Value {
    let types = schema.map(|s| types_of(doc, s, 0)).unwrap_or_default();
    let wants = |t: &str| types.iter().any(|have| have == t);
    if wants("string")
        && !types
            .iter()
            .any(|t| t == "integer" || t == "number" || t == "boolean")
    {
        return Value::String(text.to_string());
    }
    if (wants("integer") || wants("number"))
        && let Ok(number) = serde_json::from_str::<serde_json::Number>(text)
    {
        return Value::Number(number);
    }
    if wants("boolean") && (text == "true" || text == "false") {
        return Value::Bool(text == "true");
    }
    if wants("null") && (text.is_empty() || text == "null") {
        return Value::Null;
    }
    if (wants("object") || wants("array"))
        && let Ok(value @ (Value::Object(_) | Value::Array(_))) = serde_json::from_str(text)
    {
        return value;
    }
    Value::String(text.to_string())
}

/// A raw parameter as the JSON value its schema (at `pointer`) describes.
fn typed(doc: &Value, pointer: &str, raw: Raw) -> Value {
    let schema = pointer
        .strip_prefix('#')
        .and_then(|p| doc.pointer(p))
        .map(|s| resolve_refs(doc, s));
    let types = schema.map(|s| types_of(doc, s, 0)).unwrap_or_default();
    let property = |name: &str| {
        schema
            .and_then(|s| s.get("properties"))
            .and_then(|p| p.get(name))
            .map(|p| resolve_refs(doc, p))
    };
    let items = schema
        .and_then(|s| s.get("items"))
        .map(|i| resolve_refs(doc, i));
    let is = |t: &str| types.iter().any(|have| have == t);
    match raw {
        Raw::Named(named) => Value::Object(
            named
                .into_iter()
                .map(|(name, text)| {
                    let value = scalar(doc, property(&name), &text);
                    (name, value)
                })
                .collect(),
        ),
        Raw::Many(list) if is("object") && !is("array") => {
            // `k,v,k2,v2`, or `k=v,k2=v2` exploded.
            let mut object = Map::new();
            if list.iter().all(|part| part.contains('=')) {
                for part in list {
                    let (name, text) = part.split_once('=').unwrap_or((&part, ""));
                    object.insert(name.to_string(), scalar(doc, property(name), text));
                }
            } else {
                for pair in list.chunks(2) {
                    let text = pair.get(1).map(String::as_str).unwrap_or("");
                    object.insert(pair[0].clone(), scalar(doc, property(&pair[0]), text));
                }
            }
            Value::Object(object)
        }
        // A scalar with the delimiter in it.
        Raw::Many(list) if !is("array") => scalar(doc, schema, &list.join(",")),
        Raw::Many(list) => Value::Array(list.iter().map(|text| scalar(doc, items, text)).collect()),
        Raw::One(text) if is("array") && !is("string") => {
            if text.is_empty() {
                Value::Array(Vec::new())
            } else {
                Value::Array(vec![scalar(doc, items, &text)])
            }
        }
        Raw::One(text) => scalar(doc, schema, &text),
    }
}

fn check_body(
    doc: &Value,
    schemas: &mut SourceSchemas,
    operation: &SourceOperation,
    request: &WireRequest,
    found: &mut Vec<Violation>,
) {
    let Some(body) = &operation.body else {
        return;
    };
    let content_type = request.header("content-type");
    if request.body.is_empty() && content_type.is_none() {
        if body.required {
            found.push(violation("body", "", "required, and not sent".into()));
        }
        return;
    }
    let Some(content_type) = content_type else {
        found.push(violation(
            "content-type",
            "",
            "a body came without a `Content-Type`".into(),
        ));
        return;
    };
    let documented: Vec<&str> = body.media.iter().map(|(m, _)| m.as_str()).collect();
    let Some((media, schema)) = body
        .media
        .iter()
        .find(|(m, _)| media_matches(m, content_type) && !m.contains('*'))
        .or_else(|| {
            body.media
                .iter()
                .find(|(m, _)| media_matches(m, content_type))
        })
    else {
        found.push(violation(
            "content-type",
            "",
            format!(
                "`{content_type}` is not one the operation takes ({})",
                documented.join(", ")
            ),
        ));
        return;
    };
    let Some(schema) = schema else {
        return;
    };
    let value = if is_json(media) {
        match serde_json::from_slice::<Value>(&request.body) {
            Ok(value) => value,
            Err(error) => {
                found.push(violation("body", "", format!("not JSON: {error}")));
                return;
            }
        }
    } else if media.starts_with("application/x-www-form-urlencoded") {
        let text = String::from_utf8_lossy(&request.body);
        form_object(doc, schema, pairs(&text, '&', true))
    } else if media.starts_with("multipart/form-data") && !is_string(doc, schema) {
        match multipart_parts(content_type, &request.body) {
            Some(parts) => form_object(doc, schema, parts),
            None => {
                found.push(violation(
                    "body",
                    "",
                    "not a multipart/form-data body".into(),
                ));
                return;
            }
        }
    } else {
        return;
    };
    for error in schemas
        .check(schema, &value)
        .unwrap_or_else(|error| vec![format!("{error:#}")])
    {
        let (place, message) = error.split_once(": ").unwrap_or(("/", &error));
        found.push(violation("body", place, message.to_string()));
    }
}

/// Whether the schema at `pointer` is a string (a body sent as it is, like binary multipart).
fn is_string(doc: &Value, pointer: &str) -> bool {
    pointer
        .strip_prefix('#')
        .and_then(|p| doc.pointer(p))
        .is_some_and(|s| types_of(doc, s, 0) == ["string"])
}

/// Form fields as the object their schema describes: each field read as its property's
/// type, a repeated field as an array.
fn form_object(doc: &Value, schema: &str, fields: Vec<(String, String)>) -> Value {
    let schema = schema
        .strip_prefix('#')
        .and_then(|p| doc.pointer(p))
        .map(|s| resolve_refs(doc, s));
    let mut object = Map::new();
    for (name, text) in fields {
        let property = schema
            .and_then(|s| s.get("properties"))
            .and_then(|p| p.get(&name))
            .map(|p| resolve_refs(doc, p));
        let types = property.map(|p| types_of(doc, p, 0)).unwrap_or_default();
        let item_schema = property
            .and_then(|p| p.get("items"))
            .map(|i| resolve_refs(doc, i));
        let value = if types.iter().any(|t| t == "object" || t == "array") && !text.is_empty() {
            serde_json::from_str(&text).unwrap_or_else(|_| scalar(doc, item_schema, &text))
        } else {
            scalar(doc, property, &text)
        };
        match object.get_mut(&name) {
            Some(Value::Array(list)) => list.push(value),
            Some(existing) => {
                let first = existing.take();
                *existing = Value::Array(vec![first, value]);
            }
            None => {
                let is_array = types.iter().any(|t| t == "array");
                let value = match value {
                    Value::Array(_) => value,
                    other if is_array => Value::Array(vec![other]),
                    other => other,
                };
                object.insert(name, value);
            }
        }
    }
    Value::Object(object)
}

/// The named parts of a `multipart/form-data` body (file parts as their text).
fn multipart_parts(content_type: &str, body: &[u8]) -> Option<Vec<(String, String)>> {
    let boundary = content_type
        .split(';')
        .find_map(|p| p.trim().strip_prefix("boundary="))?
        .trim_matches('"');
    let text = String::from_utf8_lossy(body);
    let delimiter = format!("--{boundary}");
    let mut parts = Vec::new();
    for chunk in text.split(&delimiter).skip(1) {
        if chunk.starts_with("--") {
            break;
        }
        let chunk = chunk.strip_prefix("\r\n").unwrap_or(chunk);
        let (head, content) = chunk.split_once("\r\n\r\n")?;
        let name = head
            .split("\r\n")
            .find(|line| line.to_ascii_lowercase().starts_with("content-disposition"))?
            .split(';')
            .find_map(|p| p.trim().strip_prefix("name="))?
            .trim_matches('"')
            .to_string();
        let content = content.strip_suffix("\r\n").unwrap_or(content);
        parts.push((name, content.to_string()));
    }
    Some(parts)
}

/// `Accept`, when sent, must admit each media type the operation answers with: otherwise a
/// negotiating server cannot send the documented answer.
fn check_accept(operation: &SourceOperation, request: &WireRequest, found: &mut Vec<Violation>) {
    let Some(accept) = request.header("accept") else {
        return;
    };
    let ranges: Vec<&str> = accept.split(',').map(str::trim).collect();
    for response in &operation.responses {
        for (media, _) in &response.media {
            if !ranges.iter().any(|range| media_matches(range, media)) {
                found.push(violation(
                    "accept",
                    "",
                    format!(
                        "`{accept}` leaves out `{media}`, which {} answers with",
                        response.status
                    ),
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::operations::source_operations;

    fn doc() -> Value {
        json!({"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {
            "/things/{id}": {"post": {
                "parameters": [
                    {"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}},
                    {"name": "tags", "in": "query", "explode": false,
                     "schema": {"type": "array", "items": {"type": "string"}}},
                    {"name": "filter", "in": "query", "style": "deepObject",
                     "schema": {"type": "object", "properties": {"size": {"type": "integer"}}}},
                    {"name": "X-Trace", "in": "header", "required": true, "schema": {"type": "string"}},
                    {"name": "session", "in": "cookie", "schema": {"type": "string", "minLength": 3}},
                    {"name": "prefs", "in": "cookie", "schema": {"type": "object",
                     "properties": {"theme": {"type": "string"}, "size": {"type": "integer"}}}}],
                "requestBody": {"required": true, "content": {"application/json": {"schema": {
                    "type": "object", "required": ["name"],
                    "properties": {"name": {"type": "string"}}}}}},
                "responses": {"200": {"content": {"application/json": {"schema": {}}}},
                              "404": {"content": {"application/problem+json": {"schema": {}}}}}}}}})
    }

    fn check(request: WireRequest) -> Vec<String> {
        let doc = doc();
        let mut schemas = SourceSchemas::new(&doc, "doc").unwrap();
        let operation = &source_operations(&doc)[0];
        check_request(&doc, &mut schemas, operation, &request)
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    fn request(path: &str, query: &str, headers: &[(&str, &str)], body: &str) -> WireRequest {
        WireRequest {
            method: "POST".into(),
            path: path.into(),
            query: query.into(),
            headers: headers
                .iter()
                .map(|(n, v)| (n.to_string(), v.to_string()))
                .collect(),
            body: body.as_bytes().to_vec(),
        }
    }

    #[test]
    fn a_request_as_the_document_says_passes() {
        let found = check(request(
            "/things/7",
            "tags=a,b&filter%5Bsize%5D=3",
            &[
                ("x-trace", "t"),
                // An exploded object: a cookie per field, as a query has.
                ("cookie", "session=abc; theme=dark; size=2"),
                ("content-type", "application/json"),
                ("accept", "application/json, application/problem+json"),
            ],
            r#"{"name": "n"}"#,
        ));
        assert_eq!(found, Vec::<String>::new());
    }

    #[test]
    fn each_broken_part_is_named() {
        let found = check(request(
            "/things/seven",
            "filter%5Bsize%5D=big",
            &[
                ("cookie", "session=a; size=big"),
                ("content-type", "application/json"),
                ("accept", "application/json"),
            ],
            r#"{"nom": "n"}"#,
        ));
        let text = found.join("\n");
        for expected in [
            "path `id`:",
            "query `filter`:",
            "header `X-Trace`: required, and not sent",
            "cookie `session`:",
            "cookie `prefs`:",
            "body `/`:",
            "accept: `application/json` leaves out `application/problem+json`, which 404 answers with",
        ] {
            assert!(text.contains(expected), "{expected} is not in:\n{text}");
        }
        assert_eq!(found.len(), 7, "{text}");
    }

    #[test]
    fn a_body_of_another_media_type_is_refused() {
        let found = check(request(
            "/things/7",
            "",
            &[("x-trace", "t"), ("content-type", "text/plain")],
            "hello",
        ));
        assert_eq!(
            found,
            ["content-type: `text/plain` is not one the operation takes (application/json)"]
        );
    }

    #[test]
    fn a_path_parameter_the_template_lacks_is_not_asked_for() {
        let doc = json!({"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {
            "/": {"get": {"parameters": [{"name": "path", "in": "path", "required": true,
                                          "schema": {"type": "string"}}],
                          "responses": {"200": {"description": "ok"}}}}}});
        let mut schemas = SourceSchemas::new(&doc, "doc").unwrap();
        let operation = &source_operations(&doc)[0];
        let request = WireRequest {
            method: "GET".into(),
            path: "/".into(),
            ..WireRequest::default()
        };
        assert_eq!(check_request(&doc, &mut schemas, operation, &request), []);
    }

    #[test]
    fn multipart_fields_are_read_as_their_properties() {
        let body = "--b\r\nContent-Disposition: form-data; name=\"size\"\r\n\r\n3\r\n--b--\r\n";
        let parts = multipart_parts("multipart/form-data; boundary=b", body.as_bytes()).unwrap();
        assert_eq!(parts, [("size".to_string(), "3".to_string())]);
        let doc = json!({"components": {"schemas": {"F": {"properties": {"size": {"type": "integer"}}}}}});
        assert_eq!(
            form_object(&doc, "#/components/schemas/F", parts),
            json!({"size": 3})
        );
    }
}
