//! Paths and operations in the shape progenitor expects: a template it parses, path parameters
//! that match it, parameters on the operation, and a unique `operationId`.

use std::collections::BTreeSet;

use heck::ToSnakeCase;
use serde_json::{Map, Value, json};

use crate::normalize::names::{Case, claim};
use crate::normalize::notes::{Notes, operation};
use crate::normalize::walk::{METHODS, for_each_operation};
use crate::read::document::pointer;

/// Methods of OpenAPI 3.2 that progenitor 0.15 has no form for: left out with a note.
const UNSUPPORTED_METHODS: [&str; 2] = ["query", "additionalOperations"];

/// Names of `Client` methods that are not operations: progenitor's constructors and the ones
/// `agentrun_runtime::client_runtime!` adds, and the methods of progenitor's `ClientInfo` and
/// `ClientHooks`, which an inherent method of the same name would shadow in the generated code
/// (an operation called `post` would answer `client.post(&result, &info)`).
pub const RESERVED_METHODS: [&str; 13] = [
    "new",
    "new_with_client",
    "from_config",
    "with_timeout",
    "with_retry",
    "runtime",
    "api_version",
    "baseurl",
    "client",
    "inner",
    "pre",
    "exec",
    "post",
];

/// The operationId given to an operation that has none: the lowercase method, then each path
/// segment in snake case, a `{parameter}` segment as `by_<parameter>`, joined with `_`.
///
/// `GET /agents/{agentId}/messages` becomes `get_agents_by_agent_id_messages` and `GET /`
/// becomes `get_root`. The name depends on the method and path alone, so it never changes while
/// the path does not.
pub fn derive_operation_id(method: &str, path: &str) -> String {
    let mut words = vec![method.to_ascii_lowercase()];
    for segment in path.split('/').filter(|s| !s.is_empty()) {
        match segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
            Some(parameter) => {
                words.push("by".to_string());
                words.push(parameter.to_snake_case());
            }
            None => words.push(segment.to_snake_case()),
        }
    }
    if words.len() == 1 {
        words.push("root".to_string());
    }
    words.retain(|w| !w.is_empty());
    words.join("_")
}

/// The parameter names of a path template, as progenitor's parser reads it; `None` when it
/// cannot read the template (an unbalanced brace, a `/` inside braces).
pub fn template_names(path: &str) -> Option<Vec<String>> {
    let mut names = Vec::new();
    let mut rest = path;
    while let Some(open) = rest.find(['{', '}']) {
        if rest[open..].starts_with('}') {
            return None;
        }
        let after = &rest[open + 1..];
        let close = after.find('}')?;
        let name = &after[..close];
        if name.contains(['/', '{']) {
            return None;
        }
        names.push(name.to_string());
        rest = &after[close + 1..];
    }
    Some(names)
}

/// Puts every path item in the shape progenitor reads; returns how many operations received
/// path-level parameters.
pub fn normalize_paths(doc: &mut Value, notes: &mut Notes) -> usize {
    let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) else {
        return 0;
    };
    let mut merged = 0;
    let mut kept = Map::new();
    for (path, mut item) in std::mem::take(paths) {
        let path = if path.starts_with('/') {
            path
        } else {
            format!("/{path}")
        };
        let Some(item_map) = item.as_object_mut() else {
            continue;
        };
        for method in UNSUPPORTED_METHODS {
            if let Some(removed) = item_map.shift_remove(method) {
                let methods: Vec<String> = match method {
                    "query" => vec!["QUERY".to_string()],
                    _ => removed
                        .as_object()
                        .map(|ops| ops.keys().cloned().collect())
                        .unwrap_or_default(),
                };
                for name in methods {
                    notes.add(
                        format!("{name} {path}"),
                        format!("left out: progenitor 0.15 has no {name} method"),
                    );
                }
            }
        }
        let Some(names) = template_names(&path) else {
            for method in METHODS.iter().filter(|m| item_map.contains_key(**m)) {
                notes.add(
                    operation(method, &path),
                    "left out: progenitor cannot read this path template",
                );
            }
            continue;
        };
        let shared: Vec<Value> = item_map
            .shift_remove("parameters")
            .and_then(|p| match p {
                Value::Array(list) => Some(list),
                _ => None,
            })
            .unwrap_or_default();
        for method in METHODS {
            let Some(op) = item_map.get_mut(method).and_then(Value::as_object_mut) else {
                continue;
            };
            if !shared.is_empty() {
                merged += 1;
            }
            normalize_operation(op, &shared, &names, &path, method, notes);
        }
        kept.insert(path, item);
    }
    *paths = kept;
    merged
}

/// An operation's parameters: the path item's shared ones below its own (which win, by name and
/// location), one per name and location, and exactly the path parameters its template names.
fn normalize_operation(
    op: &mut Map<String, Value>,
    shared: &[Value],
    names: &[String],
    path: &str,
    method: &str,
    notes: &mut Notes,
) {
    let own: Vec<Value> = match op.get_mut("parameters").map(Value::take) {
        Some(Value::Array(list)) => list,
        _ => Vec::new(),
    };
    let here = operation(method, path);
    let mut seen = BTreeSet::new();
    let mut parameters = Vec::new();
    for parameter in own.into_iter().chain(shared.iter().cloned()) {
        let (Some(name), Some(location)) = (
            parameter
                .get("name")
                .and_then(Value::as_str)
                .map(str::to_string),
            parameter
                .get("in")
                .and_then(Value::as_str)
                .map(str::to_string),
        ) else {
            notes.add(&here, "left out a parameter without a `name` or `in`");
            continue;
        };
        if !seen.insert((name.clone(), location.clone())) {
            continue;
        }
        if location == "path" && !names.contains(&name) {
            notes.add(
                &here,
                format!("left out path parameter `{name}`: the path has no `{{{name}}}`"),
            );
            continue;
        }
        let mut parameter = parameter;
        if location == "path" {
            // OpenAPI says so, and progenitor asserts it.
            parameter["required"] = Value::Bool(true);
        }
        parameters.push(parameter);
    }
    for name in names {
        let declared = parameters.iter().any(|p| {
            p.get("in").and_then(Value::as_str) == Some("path")
                && p.get("name").and_then(Value::as_str) == Some(name)
        });
        if !declared {
            parameters.push(json!({"name": name, "in": "path", "required": true,
                                   "schema": {"type": "string"}}));
        }
    }
    if parameters.is_empty() {
        op.shift_remove("parameters");
    } else {
        // In place: the document keeps its key order.
        op.insert("parameters".into(), Value::Array(parameters));
    }
    if !op.get("responses").is_some_and(Value::is_object) {
        op.insert("responses".into(), json!({}));
    }
    // Callbacks describe requests the API makes, not ones the client sends.
    op.shift_remove("callbacks");
}

/// Gives an operationId to every operation that has none ([`derive_operation_id`]); returns
/// how many it derived.
pub fn assign_operation_ids(doc: &mut Value) -> usize {
    let mut derived = 0;
    for_each_operation(doc, &mut |path, method, op| {
        let has_id =
            matches!(op.get("operationId"), Some(Value::String(id)) if !id.trim().is_empty());
        if !has_id {
            derived += 1;
            op.insert(
                "operationId".into(),
                derive_operation_id(method, path).into(),
            );
        }
    });
    derived
}

/// Renames operationIds that would name the same Rust method as an earlier operation (GET and
/// HEAD sharing one, `getThing` next to `get_thing`) or a method every client has; the later
/// operation gets its method appended (`get_thing_head`). Returns how many it renamed.
pub fn distinct_operation_ids(doc: &mut Value) -> usize {
    let mut taken: BTreeSet<String> = RESERVED_METHODS.iter().map(|m| m.to_string()).collect();
    let mut renamed = 0;
    for_each_operation(doc, &mut |_, method, op| {
        let id = op
            .get("operationId")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .trim()
            .to_string();
        let claimed = claim(&mut taken, &id, method, Case::Snake);
        if claimed != id {
            op.insert("x-agentrun-original-operation-id".into(), id.into());
            op.insert("operationId".into(), claimed.into());
            renamed += 1;
        }
    });
    renamed
}

/// The JSON pointer of an operation.
pub fn operation_pointer(path: &str, method: &str) -> String {
    pointer(&pointer("#/paths", path), method)
}

#[cfg(test)]
mod tests {
    use super::super::tests::{doc, lines, ok, run};
    use super::*;

    #[test]
    fn derived_operation_ids_follow_the_documented_rule() {
        assert_eq!(
            derive_operation_id("GET", "/agents/{agentId}"),
            "get_agents_by_agent_id"
        );
        assert_eq!(
            derive_operation_id("post", "/agents/{agentId}/messages"),
            "post_agents_by_agent_id_messages"
        );
        assert_eq!(derive_operation_id("get", "/test-users"), "get_test_users");
        assert_eq!(derive_operation_id("get", "/"), "get_root");
    }

    #[test]
    fn missing_operation_ids_are_filled_and_existing_ones_kept() {
        let normalized = run(doc(
            json!({"/a/{id}": {"get": {"responses": ok()}, "put": {"operationId": "putA", "responses": ok()}}}),
        ));
        let item = &normalized.document["paths"]["/a/{id}"];
        assert_eq!(item["get"]["operationId"], "get_a_by_id");
        assert_eq!(item["put"]["operationId"], "putA");
        assert!(
            normalized
                .changes
                .contains(&"derived 1 operationIds from method and path".to_string()),
            "{:?}",
            normalized.changes
        );
    }

    #[test]
    fn operation_ids_that_would_name_one_method_are_told_apart() {
        let normalized = run(doc(json!({
            "/a": {"get": {"operationId": "getA", "responses": ok()},
                   "head": {"operationId": "getA", "responses": ok()},
                   "put": {"operationId": "get_a", "responses": ok()}},
            "/new": {"post": {"operationId": "new", "responses": ok()}},
            "/post": {"post": {"operationId": "Post", "responses": ok()}}})));
        let paths = &normalized.document["paths"];
        assert_eq!(paths["/a"]["get"]["operationId"], "getA");
        assert_eq!(paths["/a"]["put"]["operationId"], "get_a_put");
        assert_eq!(paths["/a"]["head"]["operationId"], "getA_head");
        assert_eq!(
            paths["/a"]["head"]["x-agentrun-original-operation-id"],
            "getA"
        );
        assert_eq!(paths["/new"]["post"]["operationId"], "new_post");
        assert_eq!(paths["/post"]["post"]["operationId"], "Post_post");
    }

    #[test]
    fn path_level_parameters_are_merged_and_path_parameters_matched() {
        let normalized = run(doc(json!({"/a/{id}/{other}": {
            "parameters": [{"name": "id", "in": "path", "schema": {"type": "integer"}},
                           {"name": "q", "in": "query", "schema": {"type": "string"}}],
            "get": {"parameters": [{"name": "q", "in": "query", "schema": {"type": "integer"}},
                                   {"name": "gone", "in": "path", "required": true, "schema": {"type": "string"}}],
                    "responses": ok()}}})));
        let op = &normalized.document["paths"]["/a/{id}/{other}"]["get"];
        let parameters: Vec<(&str, &str)> = op["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| (p["in"].as_str().unwrap(), p["name"].as_str().unwrap()))
            .collect();
        assert_eq!(
            parameters,
            [("query", "q"), ("path", "id"), ("path", "other")]
        );
        assert_eq!(op["parameters"][0]["schema"]["type"], "integer");
        assert_eq!(op["parameters"][1]["required"], true);
        assert_eq!(
            lines(&normalized),
            ["GET /a/{id}/{other}: left out path parameter `gone`: the path has no `{gone}`"]
        );
    }

    #[test]
    fn what_progenitor_has_no_form_for_is_left_out_with_a_note() {
        let mut spec = doc(json!({
            "/search": {"query": {"responses": ok()}, "get": {"responses": ok()}},
            "/bad/{x": {"get": {"responses": ok()}}}));
        spec["openapi"] = "3.2.0".into();
        let normalized = run(spec);
        assert_eq!(
            lines(&normalized),
            [
                "QUERY /search: left out: progenitor 0.15 has no QUERY method",
                "GET /bad/{x: left out: progenitor cannot read this path template",
            ]
        );
        assert!(normalized.document["paths"]["/search"]["get"].is_object());
    }

    #[test]
    fn template_names_read_like_progenitor() {
        assert_eq!(template_names("/a/{id}/b.{ext}").unwrap(), ["id", "ext"]);
        assert!(template_names("/a/{id").is_none());
        assert!(template_names("/a}").is_none());
        assert!(template_names("/a/{x/y}").is_none());
    }
}
