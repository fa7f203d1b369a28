//! Responses in the shape progenitor 0.15 requires: one media type each, one success body type
//! and one error body type per operation.
//!
//! - A response keeps its JSON media type (`application/json`, any `+json`), read as JSON, or
//!   else its first one, returned as raw bytes.
//! - `default` next to explicit success statuses describes the errors: it becomes `4XX` and
//!   `5XX`; alone, it describes every answer and becomes `2XX`, `4XX` and `5XX`.
//! - Success (or error) statuses with one JSON body next to statuses without a body: the
//!   bodiless statuses are marked `x-agentrun-empty`, and [`crate::rewrite`] makes the method's
//!   type an `Option` and answers `None` for them (`ResponseValue<Option<Thing>>`).
//! - Statuses whose JSON bodies differ: the body is typed as any JSON value, with a note.
//! - JSON next to raw bytes among successes: every success is raw bytes, with a note; among
//!   errors, the raw ones arrive as `Error::UnexpectedResponse`, with a note.
//! - A `HEAD` operation's answers lose their content: a HEAD answer has none.
//! - Every media type the responses document, JSON ones first, is kept on the operation as
//!   `x-agentrun-accept`, and [`crate::rewrite`] sends them in `Accept`: progenitor sends
//!   `application/json` alone, and a negotiating server then cannot answer with the documented
//!   `application/problem+json` error.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value, json};

use crate::normalize::bodies::is_json;
use crate::normalize::names::{Case, TypeNames, sanitize};
use crate::normalize::notes::{Notes, operation};
use crate::normalize::walk::{for_each_operation, resolve_schema};

/// The extension marking a response that has no body, answered as `None`.
pub const EMPTY: &str = "x-agentrun-empty";

/// The extension listing the media types an operation's responses document, for `Accept`.
pub const ACCEPT: &str = "x-agentrun-accept";

/// What a response carries, for comparing responses.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    None,
    Raw,
    Json(String),
}

/// Rewrites the responses of every operation; returns how many operations changed.
pub fn normalize_responses(doc: &mut Value, notes: &mut Notes) -> usize {
    let snapshot = doc.clone();
    let mut unions = NewComponents::new(&snapshot);
    let mut changed = 0;
    for_each_operation(doc, &mut |path, method, op| {
        let here = operation(method, path);
        let paginated = op.contains_key("x-dropshot-pagination");
        let operation_id = op
            .get("operationId")
            .and_then(Value::as_str)
            .map(str::to_string);
        let Some(responses) = op.get_mut("responses").and_then(Value::as_object_mut) else {
            return;
        };
        let before = responses.clone();
        let accept = accepted(responses);
        if method == "head" {
            // A HEAD answer never has content (RFC 9110), whatever its GET twin documents:
            // a client reading one would fail on the empty body.
            for response in responses.values_mut() {
                if response.get("$ref").is_some() {
                    *response = json!({"description": "A HEAD answer, without content."});
                } else if let Some(response) = response.as_object_mut() {
                    response.shift_remove("content");
                }
            }
        }
        normalize_statuses(responses, &here, notes);
        for response in responses.values_mut() {
            one_media_type(response);
            // 3.0 requires a description, and a response without one would not read (it
            // would be left out); it says nothing the client needs.
            if let Some(response) = response.as_object_mut()
                && !response.contains_key("$ref")
                && !response.contains_key("description")
            {
                response.insert("description".into(), Value::String(String::new()));
            }
        }
        move_default(responses);
        upgrade_alone(responses, &here, notes);
        unify(
            &snapshot,
            &mut unions,
            responses,
            true,
            paginated,
            &here,
            notes,
        );
        unify(
            &snapshot,
            &mut unions,
            responses,
            false,
            paginated,
            &here,
            notes,
        );
        if let Some(id) = &operation_id {
            name_inline_bodies(&mut unions, responses, id);
        }
        changed += usize::from(*responses != before);
        if let Some(accept) = accept {
            op.insert(ACCEPT.into(), accept);
        }
    });
    unions.store(doc);
    changed
}

/// Component schemas this step adds: the unions made of different bodies, each shared by every
/// operation that has the same bodies (one `RateLimitedOrError` type, not one per operation),
/// and inline error bodies given a name of their own.
struct NewComponents {
    /// The type names of the document's components.
    existing: TypeNames,
    /// Those and the names given so far.
    claimed: TypeNames,
    /// The wanted name and the schema, serialized, and the component name given.
    given: BTreeMap<(String, String), String>,
    /// The components to add, in the order they were made.
    new: Vec<(String, Value)>,
}

impl NewComponents {
    /// None yet, next to the components of `doc`.
    fn new(doc: &Value) -> Self {
        let existing = TypeNames::of(
            doc.pointer("/components/schemas")
                .and_then(Value::as_object)
                .into_iter()
                .flat_map(Map::keys),
        );
        Self {
            claimed: existing.clone(),
            existing,
            given: BTreeMap::new(),
            new: Vec::new(),
        }
    }

    /// A reference to the component holding `union` (named after its branches).
    fn reference(&mut self, union: Value, branches: &[String]) -> Value {
        self.named(&branches.join("Or"), union)
    }

    /// A reference to a component holding `schema`, named `wanted` or, when that is taken,
    /// the first free `{wanted}2`, `{wanted}3`, ...
    fn named(&mut self, wanted: &str, schema: Value) -> Value {
        let key = (
            wanted.to_string(),
            serde_json::to_string(&schema).unwrap_or_default(),
        );
        let name = self.given.entry(key).or_insert_with(|| {
            let name = self.claimed.claim(wanted);
            self.new.push((name.clone(), schema));
            name
        });
        json!({ "$ref": crate::normalize::walk::component_ref(name) })
    }

    fn store(self, doc: &mut Value) {
        if self.new.is_empty() {
            return;
        }
        let components = doc
            .as_object_mut()
            .map(|root| root.entry("components").or_insert_with(|| json!({})));
        if let Some(schemas) = components
            .and_then(Value::as_object_mut)
            .map(|c| c.entry("schemas").or_insert_with(|| json!({})))
            .and_then(Value::as_object_mut)
        {
            for (name, union) in self.new {
                schemas.insert(name, union);
            }
        }
    }
}

/// Gives an operation's inline bodies names of their own where progenitor's would clash.
/// progenitor names every inline response body `{OperationId}Response`, and typify, given one
/// name for two schemas, makes one type of them:
/// - an inline error body next to a different inline success body becomes the component
///   `{OperationId}Error` (else errors are read as the success type: "missing field `genres`");
/// - where a component has that name already, the inline success body becomes a component of
///   a free name (`{OperationId}Response2`), and every inline error body `{OperationId}Error`.
fn name_inline_bodies(
    components: &mut NewComponents,
    responses: &mut Map<String, Value>,
    operation_id: &str,
) {
    let inline_body = |response: &Value| {
        let schema = response.pointer("/content/application~1json/schema")?;
        schema.get("$ref").is_none().then(|| schema.clone())
    };
    let inline = |success: bool| -> Vec<(String, Value)> {
        responses
            .iter()
            .filter(|(status, _)| {
                if success {
                    is_success(status)
                } else {
                    is_error(status)
                }
            })
            .filter_map(|(status, response)| Some((status.clone(), inline_body(response)?)))
            .collect()
    };
    let (successes, errors) = (inline(true), inline(false));
    let name = sanitize(operation_id, Case::Pascal);
    let response_name = format!("{name}Response");
    // progenitor's name can be a component's already (qdrant's `facet` operation and its
    // `FacetResponse` schema).
    let taken = components.existing.is_taken(&response_name);
    let success = successes.first().map(|(_, schema)| schema.clone());
    let apart = |wanted: &str, bodies: Vec<(String, Value)>, components: &mut NewComponents| {
        bodies
            .into_iter()
            .map(|(status, schema)| (status, components.named(wanted, schema)))
            .collect::<Vec<_>>()
    };
    let mut renamed = Vec::new();
    if taken {
        renamed.extend(apart(&response_name, successes, components));
    }
    let clashing_errors: Vec<(String, Value)> = errors
        .into_iter()
        .filter(|(_, schema)| taken || success.as_ref().is_some_and(|s| s != schema))
        .collect();
    renamed.extend(apart(&format!("{name}Error"), clashing_errors, components));
    for (status, reference) in renamed {
        set_schema(&mut responses[&status], reference);
    }
}

/// Status keys as progenitor reads them (`2XX`, `404`, `default`); others are left out.
fn normalize_statuses(responses: &mut Map<String, Value>, here: &str, notes: &mut Notes) {
    let mut kept = Map::new();
    for (status, response) in std::mem::take(responses) {
        let key = status.trim().to_ascii_uppercase();
        let valid = key == "DEFAULT"
            || (key.len() == 3
                && matches!(key.as_bytes()[0], b'1'..=b'5')
                && (key[1..].bytes().all(|b| b.is_ascii_digit()) || &key[1..] == "XX"));
        if !valid {
            notes.add(
                here,
                format!("left out response `{status}`: not an HTTP status"),
            );
            continue;
        }
        let key = if key == "DEFAULT" {
            "default".to_string()
        } else {
            key
        };
        let response = if response.is_object() {
            response
        } else {
            json!({"description": ""})
        };
        kept.entry(key).or_insert(response);
    }
    *responses = kept;
}

/// The media types the responses document, JSON ones first, when they are more than
/// `application/json` alone. One that cannot be a header value is left out.
fn accepted(responses: &Map<String, Value>) -> Option<Value> {
    let mut json = Vec::new();
    let mut other = Vec::new();
    for response in responses.values() {
        let content = response.get("content").and_then(Value::as_object);
        for media in content.into_iter().flatten().map(|(media, _)| media) {
            let list = if is_json(media) {
                &mut json
            } else {
                &mut other
            };
            let header_safe = !media.is_empty()
                && media
                    .bytes()
                    .all(|b| b == b' ' || b == b'\t' || b.is_ascii_graphic());
            if header_safe && !list.contains(media) {
                list.push(media.clone());
            }
        }
    }
    json.sort_by_key(|media| media != "application/json");
    json.extend(other);
    match json.as_slice() {
        [] => None,
        [only] if only == "application/json" => None,
        _ => Some(json!(json)),
    }
}

/// Keeps one media type: the JSON one, as `application/json`, or the first.
fn one_media_type(response: &mut Value) {
    let Some(content) = response.get_mut("content").and_then(Value::as_object_mut) else {
        return;
    };
    let json = content.keys().find(|k| is_json(k)).cloned();
    let (key, mut media) = match json {
        Some(json) => {
            let media = content.shift_remove(&json).unwrap_or(Value::Null);
            ("application/json".to_string(), media)
        }
        None => match content.iter().next() {
            Some((key, media)) => (key.clone(), media.clone()),
            None => return,
        },
    };
    if let Some(media) = media.as_object_mut() {
        media.shift_remove("encoding");
        if key == "application/json" {
            media.entry("schema").or_insert_with(|| json!({}));
        }
    } else {
        media = json!({});
    }
    content.clear();
    content.insert(key, media);
}

fn is_success(status: &str) -> bool {
    status.starts_with('2')
}

fn is_error(status: &str) -> bool {
    status.starts_with('4') || status.starts_with('5')
}

/// `default` answers every status the others do not name: next to successes it is the error,
/// alone it is the success.
fn move_default(responses: &mut Map<String, Value>) {
    let Some(default) = responses.shift_remove("default") else {
        return;
    };
    let explicit_success = responses.keys().any(|s| is_success(s) || s == "101");
    // Alone, it describes every answer: a failure still arrives as the documented type.
    let targets: &[&str] = if explicit_success {
        &["4XX", "5XX"]
    } else {
        &["2XX", "4XX", "5XX"]
    };
    for target in targets {
        responses
            .entry(target.to_string())
            .or_insert_with(|| default.clone());
    }
}

fn kind(response: &Value) -> Kind {
    match response.get("content").and_then(Value::as_object) {
        Some(content) if !content.is_empty() => match content.get("application/json") {
            Some(media) => Kind::Json(
                serde_json::to_string(media.get("schema").unwrap_or(&Value::Null))
                    .unwrap_or_default(),
            ),
            None => Kind::Raw,
        },
        _ => Kind::None,
    }
}

/// An operation that switches protocols (`101`, a websocket or a hijacked stream) answers the
/// upgrade or an error: progenitor has no form for another success next to it, and the upgrade
/// needs an error type it can print, so other successes and raw-bytes errors arrive as
/// `Error::UnexpectedResponse`.
fn upgrade_alone(responses: &mut Map<String, Value>, here: &str, notes: &mut Notes) {
    let upgrade = responses
        .get("101")
        .is_some_and(|r| !matches!(kind(r), Kind::Json(_)));
    if !upgrade {
        return;
    }
    let unexpected: Vec<String> = responses
        .iter()
        .filter(|(status, response)| {
            is_success(status) || (is_error(status) && kind(response) == Kind::Raw)
        })
        .map(|(status, _)| status.clone())
        .collect();
    if unexpected.is_empty() {
        return;
    }
    notes.add(
        here,
        format!(
            "responses {} next to the protocol switch (101) arrive as Error::UnexpectedResponse",
            unexpected.join(", ")
        ),
    );
    for status in &unexpected {
        responses.shift_remove(status);
    }
}

/// Makes the success (or error) responses share one body type.
fn unify(
    doc: &Value,
    unions: &mut NewComponents,
    responses: &mut Map<String, Value>,
    success: bool,
    paginated: bool,
    here: &str,
    notes: &mut Notes,
) {
    let side = if success { "success" } else { "error" };
    let statuses: Vec<String> = responses
        .keys()
        .filter(|s| if success { is_success(s) } else { is_error(s) })
        .cloned()
        .collect();
    let mut by_kind: BTreeMap<Kind, Vec<String>> = BTreeMap::new();
    for status in &statuses {
        by_kind
            .entry(kind(&responses[status]))
            .or_default()
            .push(status.clone());
    }
    let json: Vec<(&Kind, &Vec<String>)> = by_kind
        .iter()
        .filter(|(k, _)| matches!(k, Kind::Json(_)))
        .collect();
    let json_statuses: Vec<String> = json.iter().flat_map(|(_, s)| s.iter().cloned()).collect();
    if json.len() > 1 {
        let schemas: Vec<Value> = json
            .iter()
            .filter_map(|(_, statuses)| {
                responses[&statuses[0]]
                    .pointer("/content/application~1json/schema")
                    .cloned()
            })
            .collect();
        let (schema, how) = match union(doc, schemas) {
            Some((union, names)) => (
                unions.reference(union, &names),
                format!(
                    "typed as the first of {} that fits the body",
                    names.join(", ")
                ),
            ),
            None => (json!({}), "typed as any JSON value".to_string()),
        };
        notes.add(
            here,
            format!(
                "{side} responses {} have different bodies; {how}",
                json_statuses.join(", ")
            ),
        );
        for status in &json_statuses {
            set_schema(&mut responses[status], schema.clone());
        }
    }
    let raw = by_kind.get(&Kind::Raw).cloned().unwrap_or_default();
    let none = by_kind.get(&Kind::None).cloned().unwrap_or_default();
    if json_statuses.is_empty() {
        // Raw bytes and no body: the body-less ones are raw (and empty) too.
        if !raw.is_empty() {
            for status in &none {
                responses[status]["content"] = json!({"application/octet-stream": {}});
            }
        }
        return;
    }
    if !raw.is_empty() {
        if success {
            notes.add(
                here,
                format!(
                    "success responses {} are JSON and {} are not; the method returns the raw \
                     body",
                    json_statuses.join(", "),
                    raw.join(", ")
                ),
            );
            for status in json_statuses.iter().chain(&none) {
                let schema = responses[status]
                    .pointer("/content/application~1json/schema")
                    .cloned()
                    .unwrap_or(json!({}));
                responses[status]["content"] =
                    json!({"application/octet-stream": {"schema": schema}});
            }
            return;
        }
        // The runtime hands a non-JSON error answer on as `{error, code: "not_json", reason}`
        // (agentrun_runtime::NOT_JSON): the error type is that or the JSON errors' type.
        let json_schema = responses[&json_statuses[0]]
            .pointer("/content/application~1json/schema")
            .cloned()
            .unwrap_or(json!({}));
        let json_name = json_schema
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(crate::normalize::walk::ref_name)
            .unwrap_or("Error")
            .to_string();
        let not_json = unions.named("NotJsonError", not_json_error());
        let either = unions.reference(
            json!({"oneOf": [not_json, json_schema]}),
            &[json_name.clone(), "NotJson".to_string()],
        );
        notes.add(
            here,
            format!(
                "error responses {} are not JSON; they arrive as the error type's `NotJsonError` \
                 (an excerpt of the body, up to 64 KiB), {} as `{json_name}`",
                raw.join(", "),
                json_statuses.join(", ")
            ),
        );
        for status in raw.iter().chain(&json_statuses) {
            set_schema(&mut responses[status], either.clone());
        }
    }
    if none.is_empty() {
        return;
    }
    if none.iter().any(|s| s.ends_with("XX")) || paginated {
        // A range cannot be told apart in the generated match, and a paginated operation's
        // pages must be bodies: these arrive unexpected.
        notes.add(
            here,
            format!(
                "{side} responses {} have no body next to JSON ones; they arrive as \
                 Error::UnexpectedResponse",
                none.join(", ")
            ),
        );
        for status in &none {
            responses.shift_remove(status);
        }
        return;
    }
    // progenitor sees one body type; the generated method's type becomes an `Option` of it,
    // and these statuses answer `None` (crate::rewrite::builders).
    let schema = responses[&json_statuses[0]]
        .pointer("/content/application~1json/schema")
        .cloned()
        .unwrap_or(json!({}));
    for status in &none {
        let response = &mut responses[status];
        set_schema(response, schema.clone());
        response[EMPTY] = Value::Bool(true);
    }
}

/// A union of different bodies that tells them apart by their fields: when every body is a
/// component object whose required fields no other body's include, a `oneOf` of them, the one
/// requiring the most fields first (an untagged enum takes the first variant that fits). `None`
/// when the bodies cannot be told apart that way.
fn union(doc: &Value, schemas: Vec<Value>) -> Option<(Value, Vec<String>)> {
    let mut branches = Vec::new();
    for schema in schemas {
        let name = schema
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(crate::normalize::walk::ref_name)?
            .to_string();
        let mut required = BTreeSet::new();
        required_fields(doc, &schema, &mut required, 0);
        if required.is_empty() {
            return None;
        }
        branches.push((name, required, schema));
    }
    // Two bodies requiring the same fields cannot be told apart; one requiring a subset of
    // another's comes after it, so the other is tried first.
    for (i, (_, a, _)) in branches.iter().enumerate() {
        if branches[i + 1..].iter().any(|(_, b, _)| a == b) {
            return None;
        }
    }
    branches.sort_by(|a, b| b.1.len().cmp(&a.1.len()).then_with(|| a.0.cmp(&b.0)));
    let names = branches.iter().map(|(name, _, _)| name.clone()).collect();
    let one_of: Vec<Value> = branches.into_iter().map(|(_, _, schema)| schema).collect();
    Some((json!({ "oneOf": one_of }), names))
}

/// The fields an object schema requires, its `allOf` parts' included.
fn required_fields(doc: &Value, schema: &Value, into: &mut BTreeSet<String>, depth: usize) {
    if depth > 16 {
        return;
    }
    let target = resolve_schema(doc, schema);
    if let Some(required) = target.get("required").and_then(Value::as_array) {
        into.extend(
            required
                .iter()
                .filter_map(|r| r.as_str().map(str::to_string)),
        );
    }
    for part in target
        .get("allOf")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        required_fields(doc, part, into, depth + 1);
    }
}

/// The body the runtime hands a non-JSON error answer on as (see `agentrun_runtime::execute`).
fn not_json_error() -> Value {
    json!({
        "type": "object",
        "description": "An error answer whose body was not JSON, as the client hands it on: \
                        an excerpt of the body, the code `not_json`, and why.",
        "required": ["error", "code"],
        "properties": {
            "error": {"type": "string", "description": "The body, or its first 64 KiB."},
            "code": {"type": "string", "enum": [agentrun_runtime::NOT_JSON]},
            "reason": {"type": "string", "description": "The status and media type it came with."}
        }
    })
}

fn set_schema(response: &mut Value, schema: Value) {
    response["content"] = json!({"application/json": {"schema": schema}});
}

#[cfg(test)]
mod tests {
    use super::super::tests::{doc, lines, run};
    use super::*;

    fn responses(responses: Value) -> (Value, Vec<String>) {
        let mut spec = doc(json!({"/a": {"get": {"responses": responses}}}));
        spec["components"] = json!({"schemas": {
            "Pet": {"type": "object"}, "Error": {"type": "object"}, "Problem": {"type": "object"}}});
        let normalized = run(spec);
        (
            normalized.document["paths"]["/a"]["get"]["responses"].clone(),
            lines(&normalized),
        )
    }

    fn json_of(name: &str) -> Value {
        json!({"description": "d", "content": {"application/json": {"schema": {"$ref": format!("#/components/schemas/{name}")}}}})
    }

    #[test]
    fn default_next_to_success_is_the_error() {
        let (responses, notes) =
            responses(json!({"200": json_of("Pet"), "default": json_of("Error")}));
        assert!(notes.is_empty(), "{notes:?}");
        let keys: Vec<&String> = responses.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["200", "4XX", "5XX"]);
        let (responses, _) = responses_alone();
        let keys: Vec<&String> = responses.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["2XX", "4XX", "5XX"]);
    }

    fn responses_alone() -> (Value, Vec<String>) {
        responses(json!({"default": {"description": "successful operation"}}))
    }

    #[test]
    fn problem_json_and_several_media_types_become_one_json_type() {
        let (responses, _) = responses(json!({
            "200": {"description": "d", "content": {
                "text/plain": {"schema": {"type": "string"}},
                "application/json": {"schema": {"$ref": "#/components/schemas/Pet"}},
                "text/json": {"schema": {"$ref": "#/components/schemas/Pet"}}}},
            "400": {"description": "d", "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}}));
        assert_eq!(
            responses["200"]["content"],
            json!({"application/json": {"schema": {"$ref": "#/components/schemas/Pet"}}})
        );
        assert!(responses["400"]["content"]["application/json"].is_object());
    }

    #[test]
    fn accept_lists_every_documented_media_type_json_first() {
        let accept = |responses: Value| {
            let normalized = run(doc(json!({"/a": {"get": {"responses": responses}}})));
            normalized.document["paths"]["/a"]["get"]
                .get(ACCEPT)
                .cloned()
        };
        let plain = json!({"description": "d", "content": {"text/plain": {}}});
        let problem = json!({"description": "d", "content": {"application/problem+json": {}}});
        let json_body = json!({"description": "d", "content": {"application/json": {}}});
        let broken = json!({"description": "d", "content": {"text/\u{7}bell": {}}});
        assert_eq!(
            accept(json!({"200": plain, "400": problem, "201": json_body, "500": broken})),
            Some(json!([
                "application/json",
                "application/problem+json",
                "text/plain"
            ]))
        );
        // `application/json` alone is what progenitor sends already.
        assert_eq!(accept(json!({"200": json_body})), None);
        assert_eq!(accept(json!({"204": {"description": "d"}})), None);
    }

    #[test]
    fn different_error_bodies_with_distinct_fields_are_a_union() {
        let mut spec = doc(json!({"/a": {"get": {"responses": {
            "200": json_of("Pet"), "4XX": json_of("Error"), "429": json_of("RateLimited")}}}}));
        spec["components"] = json!({"schemas": {
            "Pet": {"type": "object"},
            "Error": {"type": "object", "required": ["code"], "properties": {"code": {"type": "integer"}}},
            "RateLimited": {"type": "object", "required": ["code", "retry_after"],
                            "properties": {"code": {"type": "integer"}, "retry_after": {"type": "number"}}}}});
        let normalized = run(spec);
        let responses = &normalized.document["paths"]["/a"]["get"]["responses"];
        assert_eq!(
            responses["429"]["content"]["application/json"]["schema"],
            json!({"$ref": "#/components/schemas/RateLimitedOrError"})
        );
        assert_eq!(
            normalized.document["components"]["schemas"]["RateLimitedOrError"],
            json!({"oneOf": [{"$ref": "#/components/schemas/RateLimited"}, {"$ref": "#/components/schemas/Error"}]})
        );
        assert_eq!(responses["4XX"], responses["429"]);
        assert_eq!(
            lines(&normalized),
            [
                "GET /a: error responses 4XX, 429 have different bodies; typed as the first of \
              RateLimited, Error that fits the body"
            ]
        );
    }

    #[test]
    fn different_error_bodies_are_any_json_value() {
        let (responses, notes) = responses(json!({
            "200": json_of("Pet"), "400": json_of("Error"), "422": json_of("Problem")}));
        assert_eq!(
            responses["422"]["content"]["application/json"]["schema"],
            json!({})
        );
        assert_eq!(
            notes,
            ["GET /a: error responses 400, 422 have different bodies; typed as any JSON value"]
        );
    }

    #[test]
    fn a_bodiless_status_next_to_a_json_one_is_none() {
        let (responses, notes) = responses(json!({
            "200": json_of("Pet"), "204": {"description": "gone"},
            "404": {"description": "missing"}, "400": json_of("Error")}));
        assert!(notes.is_empty(), "{notes:?}");
        let pet = json!({"$ref": "#/components/schemas/Pet"});
        assert_eq!(
            responses["200"]["content"]["application/json"]["schema"],
            pet
        );
        assert_eq!(responses["204"][EMPTY], true);
        assert_eq!(
            responses["204"]["content"]["application/json"]["schema"],
            pet
        );
        assert_eq!(responses["404"][EMPTY], true);
    }

    #[test]
    fn json_next_to_raw_bytes() {
        let (responses, notes) = responses(json!({
            "200": json_of("Pet"),
            "206": {"description": "part", "content": {"application/octet-stream": {}}},
            "400": json_of("Error"),
            "500": {"description": "html", "content": {"text/html": {}}}}));
        assert!(responses["200"]["content"]["application/octet-stream"].is_object());
        // The HTML error arrives as the runtime hands it on, next to the JSON one.
        let either = json!({"$ref": "#/components/schemas/ErrorOrNotJson"});
        assert_eq!(
            responses["500"]["content"]["application/json"]["schema"],
            either
        );
        assert_eq!(
            responses["400"]["content"]["application/json"]["schema"],
            either
        );
        assert_eq!(notes.len(), 2, "{notes:?}");
        assert!(
            notes[1].contains(
                "error responses 500 are not JSON; they arrive as the error type's `NotJsonError`"
            ),
            "{notes:?}"
        );
    }

    #[test]
    fn a_text_error_next_to_a_json_one_is_a_variant_of_the_error_type() {
        let mut spec = doc(json!({"/a": {"get": {"responses": {
            "200": json_of("Pet"),
            "404": {"description": "d", "content": {"text/plain": {"schema": {"type": "string"}}}},
            "422": json_of("Error")}}}}));
        spec["components"] =
            json!({"schemas": {"Pet": {"type": "object"}, "Error": {"type": "object"}}});
        let normalized = run(spec);
        let schemas = &normalized.document["components"]["schemas"];
        assert_eq!(
            schemas["ErrorOrNotJson"]["oneOf"],
            json!([{"$ref": "#/components/schemas/NotJsonError"}, {"$ref": "#/components/schemas/Error"}])
        );
        assert_eq!(
            schemas["NotJsonError"]["properties"]["code"]["enum"],
            json!([agentrun_runtime::NOT_JSON])
        );
    }

    #[test]
    fn an_upgrade_is_answered_alone() {
        let (responses, notes) = responses(json!({
            "101": {"description": "hijacked"}, "200": {"description": "no upgrade"},
            "400": json_of("Error"),
            "500": {"description": "raw", "content": {"application/vnd.docker.raw-stream": {}}}}));
        let keys: Vec<&String> = responses.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["101", "400"]);
        assert_eq!(
            notes,
            [
                "GET /a: responses 200, 500 next to the protocol switch (101) arrive as \
              Error::UnexpectedResponse"
            ]
        );
    }

    #[test]
    fn an_inline_error_body_next_to_an_inline_success_body_is_named_apart() {
        let inline = |property: &str| {
            json!({"description": "d", "content": {"application/json": {"schema": {
                "type": "object", "required": [property],
                "properties": {property: {"type": "string"}}}}}})
        };
        let mut spec = doc(
            json!({"/genres": {"get": {"operationId": "listGenres", "responses": {
            "200": inline("genres"), "401": inline("error"), "429": inline("error")}}}}),
        );
        spec["components"] = json!({"schemas": {"ListGenresError": {"type": "object"}}});
        let normalized = run(spec);
        let responses = &normalized.document["paths"]["/genres"]["get"]["responses"];
        let named = json!({"$ref": "#/components/schemas/ListGenresError2"});
        assert_eq!(
            responses["401"]["content"]["application/json"]["schema"],
            named
        );
        assert_eq!(
            responses["429"]["content"]["application/json"]["schema"],
            named
        );
        assert_eq!(
            normalized.document["components"]["schemas"]["ListGenresError2"]["required"],
            json!(["error"])
        );
        // The success body stays inline: progenitor names it `ListGenresResponse`.
        assert!(responses["200"]["content"]["application/json"]["schema"]["$ref"].is_null());
    }

    #[test]
    fn an_inline_success_body_named_like_a_component_is_named_apart() {
        let inline = json!({"description": "d", "content": {"application/json": {"schema": {
            "type": "object", "properties": {"result": {"$ref": "#/components/schemas/FacetResponse"}}}}}});
        let mut spec = doc(json!({"/facet": {"post": {"operationId": "facet",
            "responses": {"200": inline}}}}));
        spec["components"] = json!({"schemas": {"FacetResponse": {
            "type": "object", "required": ["hits"], "properties": {"hits": {"type": "array"}}}}});
        let normalized = run(spec);
        let schema = &normalized.document["paths"]["/facet"]["post"]["responses"]["200"]["content"]
            ["application/json"]["schema"];
        assert_eq!(
            schema,
            &json!({"$ref": "#/components/schemas/FacetResponse2"})
        );
        assert!(
            normalized.document["components"]["schemas"]["FacetResponse2"]["properties"]["result"]
                .is_object()
        );
    }

    #[test]
    fn a_response_without_a_description_is_kept() {
        let (responses, notes) = responses(json!({
            "200": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Pet"}}}},
            "default": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}}));
        assert!(notes.is_empty(), "{notes:?}");
        let keys: Vec<&String> = responses.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["200", "4XX", "5XX"]);
        assert_eq!(responses["5XX"]["description"], "");
    }

    #[test]
    fn a_status_that_is_not_one_is_left_out() {
        let (responses, notes) = responses(
            json!({"200": json_of("Pet"), "2xx": json_of("Pet"), "OK": {"description": "d"}}),
        );
        let keys: Vec<&String> = responses.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["200", "2XX"]);
        assert_eq!(
            notes,
            ["GET /a: left out response `OK`: not an HTTP status"]
        );
    }
}
