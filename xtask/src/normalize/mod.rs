//! Turning any valid OpenAPI document into one progenitor 0.15 generates from: the pipeline's
//! second stage, a module per concern.
//!
//! The steps, in order ([`normalize`] runs them):
//! 1. our overlay ([`crate::read::overlay`]) when the provider has one, and Swagger 2.0 to
//!    OpenAPI 3.0 ([`swagger2`]);
//! 2. references made into component references ([`refs`]);
//! 3. OpenAPI 3.1 and 3.2 down to 3.0, schemas repaired ([`mod@downconvert`]), and schemas
//!    that reach themselves through composition alone broken where they close ([`cycles`]);
//! 4. the provider's `strip_path_prefix` moves from every path into the server URLs;
//! 5. paths and operations ([`paths`]): path-level parameters merged into each operation, path
//!    parameters matched with the template, methods progenitor lacks left out, and an
//!    `operationId` for every operation, unique as a Rust method name ([`derive_operation_id`]);
//! 6. parameters ([`parameters`]): cookies, `content`, styles and types progenitor cannot send
//!    become ones it can, and names that would collide in Rust are told apart;
//! 7. request bodies ([`bodies`]): one media type each, in a form progenitor sends (multipart and
//!    other media types through the post-processing in [`crate::rewrite`]);
//! 8. responses ([`responses`]): one media type each, and one success and one error body type
//!    per operation, as progenitor requires;
//! 9. merges typify would not finish: an inline schema that would copy itself in again moved
//!    out to a component ([`self_merges`]), and a merge that never ends typed as any JSON
//!    value ([`unending_merges`]);
//! 10. component schemas ([`components`]): names that would collide or shadow the prelude
//!     ([`names`] computes the identifiers progenitor and typify derive), repeated titles, enums
//!     whose values make the same variant name, defaults of the wrong type, unions typify would
//!     flatten;
//! 11. `additionalProperties: false` dropped from every schema a response can reach, so a new
//!     field from the server never fails a response;
//! 12. the result read as a typed `openapiv3::OpenAPI` ([`typed`]); what still does not read is
//!     degraded where it is.
//!
//! Where a new construct goes: a whole version's shape ([`swagger2`], [`mod@downconvert`]), a
//! reference ([`refs`]), or what belongs to a path, a parameter, a body, a response or a schema
//! (the module of that name). Every walk over the document is [`walk`]'s. When the document is
//! right but progenitor writes the wrong code, normalization marks the place (an `x-agentrun-`
//! extension) and a pass of [`crate::rewrite`] reads the mark.
//!
//! Nothing here gives up on a valid document. What the client loses is a [`notes::Note`],
//! listed in the generate summary and the surface snapshot; what only changes the form is a
//! line of [`Normalized::changes`] (`generate --verbose`). Enum values the spec does not list
//! are handled after generation ([`crate::rewrite::open_enums`]).

pub mod bodies;
pub mod components;
pub mod cycles;
pub mod downconvert;
pub mod names;
pub mod notes;
pub mod parameters;
pub mod paths;
pub mod refs;
pub mod responses;
pub mod self_merges;
pub mod swagger2;
pub mod typed;
pub mod unending_merges;
pub mod walk;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use anyhow::{Result, anyhow, bail};
use serde_json::{Map, Value};

use crate::normalize::downconvert::{downconvert, repair_schemas};
use crate::normalize::notes::Notes;
use crate::normalize::refs::resolve_references;
use crate::normalize::walk::{for_each_schema, operations, referenced_schemas};
use crate::read::document::{self, pointer};
use crate::read::overlay::Overlay;
use crate::read::providers::{Provider, Providers};

pub use paths::derive_operation_id;

/// A normalized document, as JSON and as progenitor's input type.
#[derive(Debug, Clone)]
pub struct Normalized {
    /// The normalized OpenAPI 3.0 document, its degradations stored under
    /// [`crate::normalize::notes::KEY`].
    pub document: Value,
    /// The same document, typed.
    pub spec: openapiv3::OpenAPI,
    /// What normalization changed without losing anything, one line each (`--verbose`).
    pub changes: Vec<String>,
    /// What the generated client loses.
    pub notes: Notes,
}

/// Per-provider settings for [`normalize`].
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// A prefix every path starts with, moved into the server URLs.
    pub strip_path_prefix: Option<String>,
    /// The directory other files the document refers to are read from.
    pub base_dir: Option<PathBuf>,
}

/// Reads a provider's spec, applies its overlay and normalizes the result.
pub fn load_provider(providers: &Providers, provider: &Provider) -> Result<Normalized> {
    let (doc, options, origin) = source_document(providers, provider)?;
    normalize(doc, &options, &origin)
}

/// A provider's document as its entry gives it, before normalization: the spec with its overlay
/// applied (what the API serves, as far as we know it), the options it is generated with, and
/// the origin to name in messages.
pub fn source_document(
    providers: &Providers,
    provider: &Provider,
) -> Result<(Value, Options, String)> {
    let doc = document::read(&providers.path(&provider.spec))?;
    with_provider_settings(
        providers,
        provider,
        doc,
        &provider.spec.display().to_string(),
    )
}

/// A document as `provider` generates it: its overlay applied, and the options its entry sets
/// (path prefix, the directory other files are read from). Returns the document, the options
/// and the origin to name in errors.
pub fn with_provider_settings(
    providers: &Providers,
    provider: &Provider,
    mut doc: Value,
    origin: &str,
) -> Result<(Value, Options, String)> {
    let mut origin = origin.to_string();
    if let Some(overlay_path) = &provider.overlay {
        let overlay_origin = overlay_path.display().to_string();
        let overlay_doc = document::read(&providers.path(overlay_path))?;
        let overlay = Overlay::from_value(&overlay_doc, &overlay_origin)?;
        if !crate::normalize::swagger2::is_swagger2(&doc) {
            document::openapi_version(&doc, &origin)?;
        }
        overlay.apply(&mut doc, &overlay_origin)?;
        origin = format!("{origin} (with {overlay_origin} applied)");
    }
    let options = Options {
        strip_path_prefix: provider.strip_path_prefix.clone(),
        base_dir: providers
            .path(&provider.spec)
            .parent()
            .map(Path::to_path_buf),
    };
    Ok((doc, options, origin))
}

/// Normalizes a parsed document; `origin` names it in errors.
pub fn normalize(mut doc: Value, options: &Options, origin: &str) -> Result<Normalized> {
    let mut changes = Vec::new();
    let mut notes = Notes::default();
    let mut change = |count: usize, what: &str| {
        if count > 0 {
            changes.push(what.replace('#', &count.to_string()));
        }
    };
    let converted = to_openapi_30(&mut doc, options.base_dir.as_deref(), origin, &mut notes)?;
    change(
        usize::from(converted.from_swagger2),
        "converted Swagger 2.0 to OpenAPI 3.0",
    );
    change(
        converted.references,
        "rewrote # references into component schema references or inline values",
    );
    change(
        usize::from(converted.from_31),
        "converted OpenAPI 3.1 to 3.0",
    );
    complete_info(&mut doc, &mut notes);
    match doc.get("paths") {
        Some(Value::Object(_)) => {}
        None | Some(Value::Null) => {
            doc["paths"] = Value::Object(Map::new());
        }
        Some(other) => bail!(
            "{origin}#/paths: `paths` is {} where an object was expected",
            document::kind(other)
        ),
    }
    if let Some(prefix) = &options.strip_path_prefix {
        strip_path_prefix(&mut doc, prefix, origin)?;
    }
    change(
        paths::normalize_paths(&mut doc, &mut notes),
        "merged path-level parameters into # operations",
    );
    change(
        paths::assign_operation_ids(&mut doc),
        "derived # operationIds from method and path",
    );
    change(
        paths::distinct_operation_ids(&mut doc),
        "renamed # operationIds that would name the same Rust method",
    );
    change(
        parameters::normalize_parameters(&mut doc, &mut notes),
        "rewrote # parameters into forms progenitor sends",
    );
    change(
        bodies::normalize_bodies(&mut doc, &mut notes),
        "chose the media type of # request bodies",
    );
    change(
        bodies::leave_defaults_to_the_server(&mut doc),
        "left # request-body defaults to the server instead of sending them",
    );
    change(
        responses::normalize_responses(&mut doc, &mut notes),
        "rewrote the responses of # operations into one success and one error type",
    );
    change(
        self_merges::move_out_self_merges(&mut doc),
        "moved # inline schemas that merge their own component into components of their own",
    );
    unending_merges::degrade_unending_merges(&mut doc, &mut notes);
    change(
        components::normalize_components(&mut doc, &mut notes),
        "renamed or repaired # component schemas",
    );
    change(
        open_response_objects(&mut doc)?,
        "dropped `additionalProperties: false` from # response schemas",
    );
    let spec = typed::typed(&mut doc, origin, &mut notes)?;
    notes.store(&mut doc);
    Ok(Normalized {
        document: doc,
        spec,
        changes,
        notes,
    })
}

/// What [`to_openapi_30`] changed.
#[derive(Debug, Clone, Copy, Default)]
pub struct Converted {
    /// The document was Swagger 2.0.
    pub from_swagger2: bool,
    /// How many references became component schema references or inline values.
    pub references: usize,
    /// The document was OpenAPI 3.1 or 3.2.
    pub from_31: bool,
}

/// The first steps of [`normalize`], which `drift` shares: Swagger 2.0 to OpenAPI 3.0, every
/// reference a component schema reference (files read from `base_dir`), 3.1 and 3.2 down to
/// 3.0, and schemas repaired.
pub fn to_openapi_30(
    doc: &mut Value,
    base_dir: Option<&Path>,
    origin: &str,
    notes: &mut Notes,
) -> Result<Converted> {
    let from_swagger2 = crate::normalize::swagger2::is_swagger2(doc);
    if from_swagger2 {
        crate::normalize::swagger2::convert(doc);
    }
    let was_30 = document::openapi_version(doc, origin)?.starts_with("3.0.");
    let references = resolve_references(doc, base_dir, notes)?;
    let from_31 = downconvert(doc, origin, notes)?;
    repair_schemas(doc, !was_30, notes)?;
    crate::normalize::cycles::break_composition_cycles(doc, notes);
    Ok(Converted {
        from_swagger2,
        references,
        from_31,
    })
}

/// An `info` with the title and version progenitor needs (the version is sent as the
/// `api-version` header); a document without them gets placeholders, with a note.
fn complete_info(doc: &mut Value, notes: &mut Notes) {
    let Some(root) = doc.as_object_mut() else {
        return;
    };
    if !root.get("info").is_some_and(Value::is_object) {
        root.insert("info".into(), Value::Object(Map::new()));
    }
    let Some(info) = root.get_mut("info").and_then(Value::as_object_mut) else {
        return;
    };
    for (key, placeholder) in [("title", "API"), ("version", "0")] {
        if !info.get(key).is_some_and(Value::is_string) {
            let found = info.get(key).map(|v| match v {
                Value::Number(n) => n.to_string(),
                _ => String::new(),
            });
            // A number (`version: 1.0` in YAML) is the version meant; anything else is missing.
            let text = found.filter(|t| !t.is_empty());
            if text.is_none() {
                notes.add(
                    format!("#/info/{key}"),
                    format!("missing; `{placeholder}` is used"),
                );
            }
            info.insert(
                key.into(),
                text.unwrap_or_else(|| placeholder.to_string()).into(),
            );
        }
    }
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

/// The names of the component schemas a response can reach, directly or through other schemas.
fn response_schemas(doc: &Value) -> BTreeSet<String> {
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
    let mut pending: Vec<String> = reach.iter().cloned().collect();
    while let Some(name) = pending.pop() {
        let mut found = BTreeSet::new();
        if let Some(schema) = schemas.and_then(|s| s.get(&name)) {
            referenced_schemas(schema, &mut found);
        }
        pending.extend(found.into_iter().filter(|name| reach.insert(name.clone())));
    }
    reach
}

fn open_response_objects(doc: &mut Value) -> Result<usize> {
    let reach = response_schemas(doc);
    let mut opened = 0;
    for_each_schema(doc, &mut |schema, at| {
        let in_response = match at.strip_prefix("#/components/schemas/") {
            Some(rest) => {
                let name = rest.split('/').next().unwrap_or_default();
                reach.contains(&document::unescape_segment(name))
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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    pub(crate) fn doc(paths: Value) -> Value {
        json!({"openapi": "3.0.3", "info": {"title": "t", "version": "1"},
               "servers": [{"url": "https://api.example.com/"}], "paths": paths})
    }

    pub(crate) fn ok() -> Value {
        json!({"200": {"description": "ok"}})
    }

    pub(crate) fn run(spec: Value) -> Normalized {
        normalize(spec, &Options::default(), "spec.json").unwrap()
    }

    /// The degradations, one line each.
    pub(crate) fn lines(normalized: &Normalized) -> Vec<String> {
        normalized.notes.lines()
    }

    #[test]
    fn the_path_prefix_moves_into_the_server_url() {
        let normalized = normalize(
            doc(json!({"/api/v1/agents": {"get": {"responses": ok()}}})),
            &Options {
                strip_path_prefix: Some("/api/v1".into()),
                ..Options::default()
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
                ..Options::default()
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
        let normalized = run(spec.clone());
        assert_eq!(
            normalized.document["paths"]["/a"]["get"]["responses"]["404"],
            json!({"description": "Not found"})
        );

        spec["components"] = json!({});
        let normalized = run(spec);
        assert_eq!(
            lines(&normalized),
            [
                "#/paths/~1a/get/responses/404: `$ref: #/components/responses/NotFound` points at \
              nothing this document holds; left out"
            ]
        );
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
        let normalized = run(spec);
        let schemas = &normalized.document["components"]["schemas"];
        assert_eq!(schemas["In"]["additionalProperties"], false);
        assert!(schemas["Out"].get("additionalProperties").is_none());
        assert!(schemas["Inner"].get("additionalProperties").is_none());
    }

    #[test]
    fn a_document_without_paths_has_no_operations() {
        let normalized = run(
            json!({"openapi": "3.1.0", "info": {"title": "t", "version": "1"},
            "webhooks": {"new": {"post": {"responses": {"200": {"description": "ok"}}}}}}),
        );
        assert_eq!(normalized.document["paths"], json!({}));
        assert!(normalized.document.get("webhooks").is_none());
    }

    #[test]
    fn webhook_payloads_become_component_schemas() {
        let normalized = run(
            json!({"openapi": "3.1.0", "info": {"title": "t", "version": "1"},
            "webhooks": {"run.done": {"post": {
                "requestBody": {"content": {"application/json": {"schema": {
                    "type": "object", "properties": {"at": {"type": ["integer", "null"]}}}}}},
                "responses": {"200": {"description": "ok"}}}}}}),
        );
        let doc = &normalized.document;
        let payload = &doc["components"]["schemas"]["RunDonePayload"];
        assert_eq!(
            payload["properties"]["at"],
            json!({"type": "integer", "nullable": true})
        );
        assert_eq!(
            doc[crate::normalize::downconvert::WEBHOOKS]["run.done"]["post"]["requestBody"]["content"]
                ["application/json"]["schema"],
            json!({"$ref": "#/components/schemas/RunDonePayload"})
        );
    }
}
