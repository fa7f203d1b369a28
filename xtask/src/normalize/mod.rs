//! Turning any reasonable OpenAPI document into one progenitor 0.15 generates from.
//!
//! The steps, in order:
//! 1. our overlay, when the provider has one;
//! 2. OpenAPI 3.1 down to 3.0 ([`crate::downconvert`]);
//! 3. the provider's `strip_path_prefix` moves from every path into the server URLs;
//! 4. references to shared responses, request bodies and parameters are inlined (schema
//!    references stay: they name the generated types);
//! 5. every operation without an `operationId` gets one from [`derive_operation_id`];
//! 6. a request body with several media types keeps its JSON one; `+json` responses are JSON;
//!    path parameters are required (as OpenAPI demands), a JSON body without a schema is untyped;
//! 7. `additionalProperties: false` is dropped from every schema a response can reach, so a new
//!    field from the server never fails a response;
//! 8. shapes progenitor panics on are refused with the operation named;
//! 9. the result is read as a typed `openapiv3::OpenAPI`, with the failing location on error.
//!
//! Enum values the spec does not list are handled after generation ([`crate::open_enums`]).

use std::collections::{BTreeMap, BTreeSet};

use anyhow::{Result, anyhow, bail};
use heck::ToSnakeCase;
use serde_json::{Map, Value};

use crate::document::{self, pointer};
use crate::downconvert::downconvert;
use crate::overlay::Overlay;
use crate::providers::{Provider, Providers};
use crate::schemas::{METHODS, for_each_schema, referenced_schemas};

/// A normalized document, as JSON and as progenitor's input type.
#[derive(Debug, Clone)]
pub struct Normalized {
    /// The normalized OpenAPI 3.0 document.
    pub document: Value,
    /// The same document, typed.
    pub spec: openapiv3::OpenAPI,
    /// What normalization changed, one line each, for the generate summary.
    pub changes: Vec<String>,
}

/// Per-provider settings for [`normalize`].
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// A prefix every path starts with, moved into the server URLs.
    pub strip_path_prefix: Option<String>,
}

/// Reads a provider's spec, applies its overlay and normalizes the result.
pub fn load_provider(providers: &Providers, provider: &Provider) -> Result<Normalized> {
    let spec_path = providers.path(&provider.spec);
    let mut doc = document::read(&spec_path)?;
    let mut origin = provider.spec.display().to_string();
    if let Some(overlay_path) = &provider.overlay {
        let overlay_origin = overlay_path.display().to_string();
        let overlay_doc = document::read(&providers.path(overlay_path))?;
        let overlay = Overlay::from_value(&overlay_doc, &overlay_origin)?;
        document::openapi_version(&doc, &origin)?;
        overlay.apply(&mut doc, &overlay_origin)?;
        origin = format!("{origin} (with {overlay_origin} applied)");
    }
    let options = Options {
        strip_path_prefix: provider.strip_path_prefix.clone(),
    };
    normalize(doc, &options, &origin)
}

/// Normalizes a parsed document; `origin` names it in errors.
pub fn normalize(mut doc: Value, options: &Options, origin: &str) -> Result<Normalized> {
    let mut changes = Vec::new();
    if downconvert(&mut doc, origin)? {
        changes.push("converted OpenAPI 3.1 to 3.0".to_string());
    }
    if doc.get("paths").and_then(Value::as_object).is_none() {
        bail!(
            "{origin}#/paths: the document has no `paths` object; an API needs at least one path"
        );
    }
    if let Some(prefix) = &options.strip_path_prefix {
        strip_path_prefix(&mut doc, prefix, origin)?;
    }
    let inlined = inline_component_references(&mut doc, origin)?;
    if inlined > 0 {
        changes.push(format!(
            "inlined {inlined} references to shared responses, bodies and parameters"
        ));
    }
    let derived = assign_operation_ids(&mut doc, origin)?;
    if derived > 0 {
        changes.push(format!(
            "derived {derived} operationIds from method and path"
        ));
    }
    let repaired = repair_known_panics(&mut doc);
    if repaired > 0 {
        changes.push(format!(
            "repaired {repaired} spots progenitor would panic on (unrequired path parameters, \
             JSON bodies without a schema)"
        ));
    }
    let collapsed = collapse_media_types(&mut doc, origin)?;
    if collapsed > 0 {
        changes.push(format!("kept the JSON media type of {collapsed} bodies"));
    }
    let opened = open_response_objects(&mut doc)?;
    if opened > 0 {
        changes.push(format!(
            "dropped `additionalProperties: false` from {opened} response schemas"
        ));
    }
    check_response_types(&doc, origin)?;
    let spec = typed(&doc, origin)?;
    Ok(Normalized {
        document: doc,
        spec,
        changes,
    })
}

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

/// Every operation of a document: `(path, method, operation)`, in document order.
pub fn operations(doc: &Value) -> Vec<(&str, &str, &Map<String, Value>)> {
    let mut found = Vec::new();
    if let Some(paths) = doc.get("paths").and_then(Value::as_object) {
        for (path, item) in paths {
            for method in METHODS {
                if let Some(op) = item.get(method).and_then(Value::as_object) {
                    found.push((path.as_str(), method, op));
                }
            }
        }
    }
    found
}

fn strip_path_prefix(doc: &mut Value, prefix: &str, origin: &str) -> Result<()> {
    let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) else {
        return Ok(());
    };
    let mut stripped = Map::new();
    for (path, item) in std::mem::take(paths) {
        let rest = path
            .strip_prefix(prefix)
            .filter(|rest| rest.is_empty() || rest.starts_with('/'))
            .ok_or_else(|| {
                anyhow!(
                    "{origin}{}: the path does not start with the provider's strip_path_prefix \
                     `{prefix}`; fix `strip_path_prefix` in openapi/providers.toml",
                    pointer("#/paths", &path)
                )
            })?;
        let rest = if rest.is_empty() { "/" } else { rest };
        stripped.insert(rest.to_string(), item);
    }
    *paths = stripped;
    if let Some(servers) = doc.get_mut("servers").and_then(Value::as_array_mut) {
        for server in servers {
            if let Some(Value::String(url)) = server.get_mut("url") {
                *url = format!("{}{prefix}", url.trim_end_matches('/'));
            }
        }
    }
    Ok(())
}

/// Replaces `$ref`s to `#/components/{responses,requestBodies,parameters}` with what they name.
pub fn inline_component_references(doc: &mut Value, origin: &str) -> Result<usize> {
    let components = doc.get("components").cloned().unwrap_or(Value::Null);
    let resolve = |value: &mut Value, at: &str, section: &str| -> Result<bool> {
        let Some(reference) = value.get("$ref").and_then(Value::as_str) else {
            return Ok(false);
        };
        let prefix = format!("#/components/{section}/");
        let Some(name) = reference.strip_prefix(&prefix) else {
            return Ok(false);
        };
        let target = components
            .get(section)
            .and_then(|s| s.get(name.replace("~1", "/").replace("~0", "~")))
            .filter(|t| t.get("$ref").is_none())
            .ok_or_else(|| {
                anyhow!(
                    "{origin}{at}: `$ref: {reference}` points at nothing (or at another \
                     reference); define it under components.{section}"
                )
            })?;
        *value = target.clone();
        Ok(true)
    };
    let mut inlined = 0;
    let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) else {
        return Ok(0);
    };
    for (path, item) in paths.iter_mut() {
        let item_at = pointer("#/paths", path);
        let Some(item) = item.as_object_mut() else {
            continue;
        };
        for (key, value) in item.iter_mut() {
            let at = pointer(&item_at, key);
            if key == "parameters" {
                for (i, parameter) in value.as_array_mut().into_iter().flatten().enumerate() {
                    inlined += usize::from(resolve(
                        parameter,
                        &pointer(&at, &i.to_string()),
                        "parameters",
                    )?);
                }
                continue;
            }
            if !METHODS.contains(&key.as_str()) {
                continue;
            }
            let Some(op) = value.as_object_mut() else {
                continue;
            };
            if let Some(parameters) = op.get_mut("parameters").and_then(Value::as_array_mut) {
                for (i, parameter) in parameters.iter_mut().enumerate() {
                    let at = pointer(&pointer(&at, "parameters"), &i.to_string());
                    inlined += usize::from(resolve(parameter, &at, "parameters")?);
                }
            }
            if let Some(body) = op.get_mut("requestBody") {
                inlined += usize::from(resolve(
                    body,
                    &pointer(&at, "requestBody"),
                    "requestBodies",
                )?);
            }
            if let Some(responses) = op.get_mut("responses").and_then(Value::as_object_mut) {
                for (status, response) in responses.iter_mut() {
                    let at = pointer(&pointer(&at, "responses"), status);
                    inlined += usize::from(resolve(response, &at, "responses")?);
                }
            }
        }
    }
    Ok(inlined)
}

fn assign_operation_ids(doc: &mut Value, origin: &str) -> Result<usize> {
    let mut derived = 0;
    let mut seen: BTreeMap<String, String> = BTreeMap::new();
    let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) else {
        return Ok(0);
    };
    for (path, item) in paths.iter_mut() {
        for method in METHODS {
            let Some(op) = item.get_mut(method).and_then(Value::as_object_mut) else {
                continue;
            };
            let id = match op.get("operationId") {
                Some(Value::String(id)) if !id.trim().is_empty() => id.clone(),
                _ => {
                    derived += 1;
                    let id = derive_operation_id(method, path);
                    op.insert("operationId".into(), id.clone().into());
                    id
                }
            };
            let here = format!("{} {path}", method.to_uppercase());
            if let Some(first) = seen.insert(id.to_snake_case(), here.clone()) {
                bail!(
                    "{origin}{}: operationId `{id}` names both {first} and {here} (progenitor \
                     names methods after it, in snake case); give one of them another \
                     operationId in the overlay",
                    pointer(&pointer(&pointer("#/paths", path), method), "operationId")
                );
            }
        }
    }
    Ok(derived)
}

/// Fixes two spec slips progenitor asserts on: a path parameter without `required: true` (the
/// OpenAPI rules say path parameters are always required) and a JSON media type without a
/// schema (read as "any JSON").
fn repair_known_panics(doc: &mut Value) -> usize {
    fn require_path_parameters(parameters: &mut Value) -> usize {
        let mut repaired = 0;
        for parameter in parameters.as_array_mut().into_iter().flatten() {
            let in_path = parameter.get("in").and_then(Value::as_str) == Some("path");
            if in_path && parameter.get("required") != Some(&Value::Bool(true)) {
                parameter["required"] = Value::Bool(true);
                repaired += 1;
            }
        }
        repaired
    }
    fn give_json_a_schema(holder: &mut Value) -> usize {
        match holder
            .pointer_mut("/content/application~1json")
            .and_then(Value::as_object_mut)
        {
            Some(media) if !media.contains_key("schema") => {
                media.insert("schema".into(), serde_json::json!({}));
                1
            }
            _ => 0,
        }
    }
    let mut repaired = 0;
    let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) else {
        return 0;
    };
    for item in paths.values_mut().filter_map(Value::as_object_mut) {
        for (key, value) in item.iter_mut() {
            if key == "parameters" {
                repaired += require_path_parameters(value);
                continue;
            }
            let Some(op) = value
                .as_object_mut()
                .filter(|_| METHODS.contains(&key.as_str()))
            else {
                continue;
            };
            if let Some(parameters) = op.get_mut("parameters") {
                repaired += require_path_parameters(parameters);
            }
            if let Some(body) = op.get_mut("requestBody") {
                repaired += give_json_a_schema(body);
            }
            for response in op
                .get_mut("responses")
                .and_then(Value::as_object_mut)
                .into_iter()
                .flat_map(|r| r.values_mut())
            {
                repaired += give_json_a_schema(response);
            }
        }
    }
    repaired
}

fn collapse_media_types(doc: &mut Value, origin: &str) -> Result<usize> {
    let mut collapsed = 0;
    let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) else {
        return Ok(0);
    };
    for (path, item) in paths.iter_mut() {
        for method in METHODS {
            let Some(op) = item.get_mut(method).and_then(Value::as_object_mut) else {
                continue;
            };
            let at = pointer(&pointer("#/paths", path), method);
            if let Some(content) = op
                .get_mut("requestBody")
                .and_then(|b| b.get_mut("content"))
                .and_then(Value::as_object_mut)
            {
                if content.len() > 1 {
                    let keep = content
                        .keys()
                        .find(|k| *k == "application/json")
                        .or_else(|| content.keys().find(|k| k.ends_with("+json")))
                        .cloned()
                        .ok_or_else(|| {
                            anyhow!(
                                "{origin}{at}/requestBody/content: progenitor sends one media \
                                 type per body and none of {} is JSON; remove the others in the \
                                 overlay",
                                content.keys().cloned().collect::<Vec<_>>().join(", ")
                            )
                        })?;
                    content.retain(|k, _| *k == keep);
                    collapsed += 1;
                }
                if content.contains_key("multipart/form-data") {
                    bail!(
                        "{origin}{at}/requestBody/content: progenitor 0.15 cannot send \
                         multipart/form-data bodies; leave this operation out with an overlay \
                         `remove` action, or call it with reqwest directly"
                    );
                }
            }
            if let Some(responses) = op.get_mut("responses").and_then(Value::as_object_mut) {
                for response in responses.values_mut() {
                    let Some(content) = response.get_mut("content").and_then(Value::as_object_mut)
                    else {
                        continue;
                    };
                    let json = content
                        .keys()
                        .find(|k| *k == "application/json")
                        .or_else(|| content.keys().find(|k| k.ends_with("+json")))
                        .cloned();
                    if let Some(json) = json
                        && (content.len() > 1 || json != "application/json")
                    {
                        let media = content.shift_remove(&json).unwrap_or(Value::Null);
                        content.clear();
                        content.insert("application/json".into(), media);
                        collapsed += 1;
                    }
                }
            }
        }
    }
    Ok(collapsed)
}

/// The names of the component schemas a response can reach, directly or through other schemas.
pub fn response_schemas(doc: &Value) -> BTreeSet<String> {
    let mut reach = BTreeSet::new();
    for (_, _, op) in operations(doc) {
        if let Some(responses) = op.get("responses") {
            referenced_schemas(responses, &mut reach);
        }
    }
    if let Some(responses) = doc.pointer("/components/responses") {
        referenced_schemas(responses, &mut reach);
    }
    let schemas = doc.pointer("/components/schemas");
    loop {
        let mut next = reach.clone();
        for name in &reach {
            if let Some(schema) = schemas.and_then(|s| s.get(name)) {
                referenced_schemas(schema, &mut next);
            }
        }
        if next.len() == reach.len() {
            return reach;
        }
        reach = next;
    }
}

fn open_response_objects(doc: &mut Value) -> Result<usize> {
    let reach = response_schemas(doc);
    let mut opened = 0;
    for_each_schema(doc, &mut |schema, at| {
        let in_response = match at.strip_prefix("#/components/schemas/") {
            Some(rest) => {
                let name = rest.split('/').next().unwrap_or_default();
                reach.contains(&name.replace("~1", "/").replace("~0", "~"))
            }
            None => at.contains("/responses/"),
        };
        if in_response && schema.get("additionalProperties") == Some(&Value::Bool(false)) {
            schema.shift_remove("additionalProperties");
            opened += 1;
        }
        Ok(())
    })?;
    Ok(opened)
}

/// progenitor panics when an operation has two different success body types, or two different
/// error body types; say which operation instead.
fn check_response_types(doc: &Value, origin: &str) -> Result<()> {
    for (path, method, op) in operations(doc) {
        let Some(responses) = op.get("responses").and_then(Value::as_object) else {
            bail!(
                "{origin}{}: the operation has no `responses`; every operation needs at least one",
                pointer(&pointer("#/paths", path), method)
            );
        };
        let mut success: BTreeMap<String, Vec<&str>> = BTreeMap::new();
        let mut failure: BTreeMap<String, Vec<&str>> = BTreeMap::new();
        for (status, response) in responses {
            let Some(schema) = response.pointer("/content/application~1json/schema") else {
                continue;
            };
            let key = serde_json::to_string(schema).unwrap_or_default();
            let bucket = if status.starts_with('2') {
                &mut success
            } else {
                &mut failure
            };
            bucket.entry(key).or_default().push(status);
        }
        for (bucket, what) in [(&success, "success"), (&failure, "error")] {
            if bucket.len() > 1 {
                let groups: Vec<String> = bucket.values().map(|s| s.join("/")).collect();
                bail!(
                    "{origin}{}: the {what} responses ({}) have different body schemas, and \
                     progenitor 0.15 allows one {what} body type per operation; make them share \
                     one schema in the overlay",
                    pointer(&pointer(&pointer("#/paths", path), method), "responses"),
                    groups.join(" vs ")
                );
            }
        }
    }
    Ok(())
}

fn typed(doc: &Value, origin: &str) -> Result<openapiv3::OpenAPI> {
    match parse_at::<openapiv3::OpenAPI>(doc, "#") {
        Ok(spec) => Ok(spec),
        Err((at, message)) => {
            // openapiv3 reads maps of `$ref`-or-object through untagged enums, where serde loses
            // the trail; look at the parts one by one to name the innermost broken one.
            let (at, message) = locate_invalid(doc).unwrap_or((at, message));
            Err(anyhow!(
                "{origin}{at}: not valid OpenAPI 3.0 here: {message}. Fix it in the spec, or in \
                 the overlay for a fetched document"
            ))
        }
    }
}

/// Reads `value` as `T`; on failure, the JSON pointer of the failing spot below `base`.
fn parse_at<T: serde::de::DeserializeOwned>(
    value: &Value,
    base: &str,
) -> std::result::Result<T, (String, String)> {
    serde_path_to_error::deserialize(value).map_err(|error| {
        let mut at = base.to_string();
        for segment in error.path().iter() {
            use serde_path_to_error::Segment;
            match segment {
                Segment::Seq { index } => at = pointer(&at, &index.to_string()),
                Segment::Map { key } => at = pointer(&at, key),
                Segment::Enum { variant } => at = pointer(&at, variant),
                Segment::Unknown => {}
            }
        }
        (at, error.into_inner().to_string())
    })
}

/// The innermost part of the document that does not read as its OpenAPI type.
fn locate_invalid(doc: &Value) -> Option<(String, String)> {
    fn check<T: serde::de::DeserializeOwned>(value: &Value, at: &str) -> Option<(String, String)> {
        if value.get("$ref").is_some() {
            return None;
        }
        parse_at::<T>(value, at).err()
    }
    let mut found = None;
    for (path, method, op) in operations(doc) {
        let at = pointer(&pointer("#/paths", path), method);
        let op = Value::Object(op.clone());
        if let Some(responses) = op.get("responses").and_then(Value::as_object) {
            for (status, response) in responses {
                let at = pointer(&pointer(&at, "responses"), status);
                found = found.or_else(|| check::<openapiv3::Response>(response, &at));
            }
        }
        if let Some(parameters) = op.get("parameters").and_then(Value::as_array) {
            for (i, parameter) in parameters.iter().enumerate() {
                let at = pointer(&pointer(&at, "parameters"), &i.to_string());
                found = found.or_else(|| check::<openapiv3::Parameter>(parameter, &at));
            }
        }
        if let Some(body) = op.get("requestBody") {
            found = found
                .or_else(|| check::<openapiv3::RequestBody>(body, &pointer(&at, "requestBody")));
        }
        found = found.or_else(|| check::<openapiv3::Operation>(&op, &at));
    }
    if let Some(schemas) = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
    {
        for (name, schema) in schemas {
            let at = pointer("#/components/schemas", name);
            found = found.or_else(|| check::<openapiv3::Schema>(schema, &at));
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn doc(paths: Value) -> Value {
        json!({"openapi": "3.0.3", "info": {"title": "t", "version": "1"},
               "servers": [{"url": "https://api.example.com/"}], "paths": paths})
    }

    fn ok() -> Value {
        json!({"200": {"description": "ok"}})
    }

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
        assert_eq!(
            derive_operation_id("get", "/versions/status"),
            "get_versions_status"
        );
        assert_eq!(derive_operation_id("get", "/"), "get_root");
    }

    #[test]
    fn missing_operation_ids_are_filled_and_existing_ones_kept() {
        let normalized = normalize(
            doc(json!({"/a/{id}": {"get": {"responses": ok()}, "put": {"operationId": "putA", "responses": ok()}}})),
            &Options::default(),
            "spec.json",
        )
        .unwrap();
        let item = &normalized.document["paths"]["/a/{id}"];
        assert_eq!(item["get"]["operationId"], "get_a_by_id");
        assert_eq!(item["put"]["operationId"], "putA");
        assert_eq!(
            normalized.changes,
            ["derived 1 operationIds from method and path"]
        );
    }

    #[test]
    fn operation_ids_that_collide_as_method_names_are_refused() {
        let error = normalize(
            doc(
                json!({"/a": {"get": {"operationId": "getA", "responses": ok()},
                              "put": {"operationId": "get_a", "responses": ok()}}}),
            ),
            &Options::default(),
            "spec.json",
        )
        .unwrap_err()
        .to_string();
        assert!(error.contains("names both GET /a and PUT /a"), "{error}");
    }

    #[test]
    fn the_path_prefix_moves_into_the_server_url() {
        let normalized = normalize(
            doc(json!({"/api/v1/agents": {"get": {"responses": ok()}}})),
            &Options {
                strip_path_prefix: Some("/api/v1".into()),
            },
            "spec.json",
        )
        .unwrap();
        assert!(normalized.document["paths"]["/agents"].is_object());
        assert_eq!(
            normalized.document["servers"][0]["url"],
            "https://api.example.com/api/v1"
        );
        assert_eq!(
            normalized.document["paths"]["/agents"]["get"]["operationId"],
            "get_agents"
        );

        let error = normalize(
            doc(json!({"/other": {"get": {"responses": ok()}}})),
            &Options {
                strip_path_prefix: Some("/api/v1".into()),
            },
            "spec.json",
        )
        .unwrap_err()
        .to_string();
        assert!(
            error.starts_with("spec.json#/paths/~1other: the path does not start"),
            "{error}"
        );
    }

    #[test]
    fn shared_responses_are_inlined_and_dangling_references_named() {
        let mut spec = doc(json!({"/a": {"get": {"responses": {
            "200": {"description": "ok"}, "404": {"$ref": "#/components/responses/NotFound"}}}}}));
        spec["components"] = json!({"responses": {"NotFound": {"description": "Not found"}}});
        let normalized = normalize(spec.clone(), &Options::default(), "spec.json").unwrap();
        assert_eq!(
            normalized.document["paths"]["/a"]["get"]["responses"]["404"],
            json!({"description": "Not found"})
        );

        spec["components"] = json!({});
        let error = normalize(spec, &Options::default(), "spec.json")
            .unwrap_err()
            .to_string();
        assert!(error.starts_with("spec.json#/paths/~1a/get/responses/404: `$ref: #/components/responses/NotFound` points at nothing"), "{error}");
    }

    #[test]
    fn slips_progenitor_panics_on_are_repaired() {
        let normalized = normalize(
            doc(json!({"/a/{id}": {"get": {
                "parameters": [{"name": "id", "in": "path", "schema": {"type": "string"}}],
                "responses": {"200": {"description": "ok", "content": {"application/json": {}}}}}}})),
            &Options::default(),
            "spec.json",
        )
        .unwrap();
        let op = &normalized.document["paths"]["/a/{id}"]["get"];
        assert_eq!(op["parameters"][0]["required"], true);
        assert_eq!(
            op["responses"]["200"]["content"]["application/json"]["schema"],
            json!({})
        );
    }

    #[test]
    fn a_request_body_keeps_its_json_media_type() {
        let body = json!({"content": {
            "application/x-www-form-urlencoded": {"schema": {"type": "object"}},
            "application/json": {"schema": {"type": "object"}}}});
        let normalized = normalize(
            doc(json!({"/a": {"post": {"requestBody": body, "responses": ok()}}})),
            &Options::default(),
            "spec.json",
        )
        .unwrap();
        let content = normalized.document["paths"]["/a"]["post"]["requestBody"]["content"]
            .as_object()
            .unwrap();
        assert_eq!(content.keys().collect::<Vec<_>>(), ["application/json"]);
    }

    #[test]
    fn a_multipart_body_is_refused_with_its_location() {
        let body = json!({"content": {"multipart/form-data": {"schema": {"type": "object"}}}});
        let error = normalize(
            doc(json!({"/a": {"post": {"requestBody": body, "responses": ok()}}})),
            &Options::default(),
            "spec.json",
        )
        .unwrap_err()
        .to_string();
        assert!(
            error.starts_with("spec.json#/paths/~1a/post/requestBody/content"),
            "{error}"
        );
        assert!(error.contains("multipart"), "{error}");
    }

    #[test]
    fn problem_json_responses_become_json() {
        let responses = json!({"400": {"description": "bad",
            "content": {"application/problem+json": {"schema": {"type": "object"}}}}});
        let normalized = normalize(
            doc(json!({"/a": {"get": {"responses": responses}}})),
            &Options::default(),
            "spec.json",
        )
        .unwrap();
        assert!(normalized.document["paths"]["/a"]["get"]["responses"]["400"]["content"]["application/json"].is_object());
    }

    #[test]
    fn closed_objects_are_opened_in_responses_only() {
        let mut spec = doc(json!({"/a": {"post": {
            "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/In"}}}},
            "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Out"}}}}}}}}));
        spec["components"] = json!({"schemas": {
            "In": {"type": "object", "additionalProperties": false},
            "Out": {"type": "object", "additionalProperties": false,
                    "properties": {"inner": {"$ref": "#/components/schemas/Inner"}}},
            "Inner": {"type": "object", "additionalProperties": false}}});
        let normalized = normalize(spec, &Options::default(), "spec.json").unwrap();
        let schemas = &normalized.document["components"]["schemas"];
        assert_eq!(schemas["In"]["additionalProperties"], false);
        assert!(schemas["Out"].get("additionalProperties").is_none());
        assert!(schemas["Inner"].get("additionalProperties").is_none());
    }

    #[test]
    fn two_success_body_types_are_refused_before_progenitor_panics() {
        let responses = json!({
            "200": {"description": "a", "content": {"application/json": {"schema": {"type": "object"}}}},
            "202": {"description": "b", "content": {"application/json": {"schema": {"type": "string"}}}}});
        let error = normalize(
            doc(json!({"/a": {"get": {"responses": responses}}})),
            &Options::default(),
            "spec.json",
        )
        .unwrap_err()
        .to_string();
        assert!(
            error.starts_with("spec.json#/paths/~1a/get/responses"),
            "{error}"
        );
        assert!(
            error.contains("200 vs 202") || error.contains("202 vs 200"),
            "{error}"
        );
    }

    #[test]
    fn invalid_openapi_names_the_json_pointer() {
        let error = normalize(
            doc(json!({"/a": {"get": {"responses": {"200": {"description": 5}}}}})),
            &Options::default(),
            "spec.json",
        )
        .unwrap_err()
        .to_string();
        assert!(
            error.starts_with("spec.json#/paths/~1a/get/responses/200/description: not valid OpenAPI 3.0 here: invalid type: integer `5`, expected a string."),
            "{error}"
        );
    }
}
