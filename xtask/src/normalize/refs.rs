//! References, made into the one form typify reads: `#/components/schemas/<Name>`.
//!
//! A real document refers to schemas in many ways: a JSON pointer anywhere into the document
//! (`#/paths/~1pets/get/.../schema`, `#/components/schemas/Pet/properties/owner`, Swagger's
//! `#/definitions/Pet`), a 3.1 `$anchor` (`#pet`) or `$id` (`https://example.com/pet`), a
//! percent-encoded name, or another file (`common.yaml#/Pet`). typify follows only
//! `#/components/schemas/<Name>`. [`resolve_references`]:
//!
//! 1. inlines references at the places that are not schemas (path items, parameters, request
//!    bodies, responses, headers), wherever they point;
//! 2. rewrites every schema reference into a component reference: a target that is not a
//!    component schema is copied into `components.schemas` under a name made from its
//!    location, and a file next to the document is read for an external one;
//! 3. types what cannot be found (a URL, a missing file or name) as any JSON value, with a note.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use anyhow::Result;
use serde_json::Value;

pub use agentrun_mock::document::{local_target, percent_decode};

use crate::normalize::names::TypeNames;
use crate::normalize::notes::Notes;
use crate::normalize::walk::{METHODS, SCHEMA_PREFIX, component_ref, for_each_schema};
use crate::read::document::{self, pointer, unescape_segment};

/// Resolves every reference of `doc` (read from `origin`, in directory `base_dir` when it is a
/// file) into inline values and component schema references; returns how many it rewrote.
pub fn resolve_references(
    doc: &mut Value,
    base_dir: Option<&Path>,
    notes: &mut Notes,
) -> Result<usize> {
    let mut rewritten = inline_structural(doc, notes);
    let mut resolver = Resolver::new(doc, base_dir);
    // Each round rewrites the references of the schemas as they are; a copied target brings its
    // own references along, which the next round rewrites. Targets are memoized, so this ends.
    for _ in 0..64 {
        let found = resolver.round(doc, notes)?;
        rewritten += found;
        if found == 0 {
            break;
        }
    }
    Ok(rewritten)
}

/// Inlines the references of what is not a schema: path items, parameters, request bodies,
/// responses and their headers. Returns how many references it followed.
fn inline_structural(doc: &mut Value, notes: &mut Notes) -> usize {
    let snapshot = doc.clone();
    let mut inlined = 0;
    let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) else {
        return 0;
    };
    for (path, item) in paths.iter_mut() {
        let at = pointer("#/paths", path);
        inlined += inline_object(&snapshot, item, &at, notes);
        let Some(item) = item.as_object_mut() else {
            continue;
        };
        for (key, value) in item.iter_mut() {
            let at = pointer(&at, key);
            if key == "parameters" {
                inlined += inline_list(&snapshot, value, &at, notes);
            } else if METHODS.contains(&key.as_str()) {
                inlined += inline_operation(&snapshot, value, &at, notes);
            }
        }
    }
    inlined
}

fn inline_operation(snapshot: &Value, op: &mut Value, at: &str, notes: &mut Notes) -> usize {
    let mut inlined = inline_object(snapshot, op, at, notes);
    let Some(op) = op.as_object_mut() else {
        return inlined;
    };
    if let Some(parameters) = op.get_mut("parameters") {
        inlined += inline_list(snapshot, parameters, &pointer(at, "parameters"), notes);
    }
    if let Some(body) = op.get_mut("requestBody") {
        inlined += inline_object(snapshot, body, &pointer(at, "requestBody"), notes);
    }
    if let Some(responses) = op.get_mut("responses").and_then(Value::as_object_mut) {
        let at = pointer(at, "responses");
        for (status, response) in responses.iter_mut() {
            let at = pointer(&at, status);
            inlined += inline_object(snapshot, response, &at, notes);
            if let Some(headers) = response.get_mut("headers").and_then(Value::as_object_mut) {
                for (name, header) in headers.iter_mut() {
                    inlined += inline_object(snapshot, header, &pointer(&at, name), notes);
                }
            }
        }
    }
    inlined
}

fn inline_list(snapshot: &Value, list: &mut Value, at: &str, notes: &mut Notes) -> usize {
    let Some(items) = list.as_array_mut() else {
        return 0;
    };
    let mut inlined = 0;
    for (i, item) in items.iter_mut().enumerate() {
        inlined += inline_object(snapshot, item, &pointer(at, &i.to_string()), notes);
    }
    // An entry that pointed at nothing was emptied: drop it.
    items.retain(|item| !item.is_null());
    inlined
}

/// Replaces `value` by what its `$ref` points at (following chains), or by null (a list entry)
/// when it points at nothing.
fn inline_object(snapshot: &Value, value: &mut Value, at: &str, notes: &mut Notes) -> usize {
    let mut hops = 0;
    while let Some(reference) = value.get("$ref").and_then(Value::as_str) {
        hops += 1;
        match local_target(snapshot, reference).filter(|_| hops <= 32) {
            Some(target) => *value = target.clone(),
            None => {
                notes.add(
                    at,
                    format!("`$ref: {reference}` points at nothing this document holds; left out"),
                );
                *value = Value::Null;
                return hops;
            }
        }
    }
    hops
}

/// Rewrites schema references, one round at a time.
struct Resolver {
    /// `$anchor` and `$id` names, with the JSON pointer of the schema that declares them.
    anchors: BTreeMap<String, String>,
    /// The component name each copied target (file, pointer) got.
    copied: HashMap<(Option<PathBuf>, String), String>,
    /// External documents read so far.
    files: HashMap<PathBuf, Option<Value>>,
    base_dir: Option<PathBuf>,
    /// The component schemas' type names, once the first copy needs them; every copy claims
    /// its name here.
    type_names: Option<TypeNames>,
}

/// What a schema reference becomes.
enum Target {
    /// Already a component reference.
    Canonical,
    /// A component reference with this name.
    Component(String),
    /// A schema elsewhere, in this document (`None`) or a file, at this pointer.
    Elsewhere(Option<PathBuf>, String),
    /// Nothing that can be found.
    Missing(&'static str),
}

impl Resolver {
    fn new(doc: &Value, base_dir: Option<&Path>) -> Self {
        let mut anchors = BTreeMap::new();
        collect_anchors(doc, "", None, &mut anchors);
        Self {
            anchors,
            copied: HashMap::new(),
            files: HashMap::new(),
            base_dir: base_dir.map(Path::to_path_buf),
            type_names: None,
        }
    }

    fn round(&mut self, doc: &mut Value, notes: &mut Notes) -> Result<usize> {
        let snapshot = doc.clone();
        let mut plans: Vec<(String, String, Target)> = Vec::new();
        for_each_schema(doc, &mut |schema, at| {
            if let Some(Value::String(reference)) = schema.get("$ref") {
                let target = self.classify(&snapshot, reference);
                if !matches!(target, Target::Canonical) {
                    plans.push((at.to_string(), reference.clone(), target));
                }
            }
            Ok(())
        })?;
        let count = plans.len();
        let mut replacements: HashMap<String, Value> = HashMap::new();
        for (at, reference, target) in plans {
            let replacement = match target {
                Target::Canonical => continue,
                Target::Component(name) => component_ref_object(&name),
                Target::Elsewhere(file, at_pointer) => {
                    match self.copy(doc, &snapshot, file, &at_pointer) {
                        Some(name) => component_ref_object(&name),
                        None => {
                            notes.add(
                                &at,
                                format!(
                                    "`$ref: {reference}` points at nothing; typed as any JSON value"
                                ),
                            );
                            serde_json::json!({})
                        }
                    }
                }
                Target::Missing(why) => {
                    notes.add(
                        &at,
                        format!("`$ref: {reference}` {why}; typed as any JSON value"),
                    );
                    serde_json::json!({})
                }
            };
            replacements.insert(at, replacement);
        }
        for_each_schema(doc, &mut |schema, at| {
            if let Some(replacement) = replacements.get(at) {
                // Documentation siblings of the reference stay; the reference is replaced.
                schema.shift_remove("$ref");
                if let Value::Object(fields) = replacement {
                    for (key, value) in fields {
                        schema.insert(key.clone(), value.clone());
                    }
                }
            }
            Ok(())
        })?;
        Ok(count)
    }

    fn classify(&mut self, doc: &Value, reference: &str) -> Target {
        if let Some(name) = reference.strip_prefix(SCHEMA_PREFIX) {
            let decoded = unescape_segment(&percent_decode(name));
            let exists = doc
                .pointer("/components/schemas")
                .and_then(|s| s.get(&decoded))
                .is_some();
            if exists && !decoded.contains('/') {
                let canonical = component_ref(&decoded);
                return if canonical == reference {
                    Target::Canonical
                } else {
                    Target::Component(decoded)
                };
            }
        }
        if let Some(at) = self.anchors.get(reference).or_else(|| {
            // A relative `$id` reference: match the declared id's last segments.
            self.anchors.iter().find_map(|(id, at)| {
                (id.ends_with(&format!("/{reference}")) || reference.ends_with(&format!("/{id}")))
                    .then_some(at)
            })
        }) {
            return match at.strip_prefix("/components/schemas/") {
                Some(name) if !name.contains('/') => Target::Component(unescape_segment(name)),
                _ => Target::Elsewhere(None, at.clone()),
            };
        }
        if let Some(fragment) = reference.strip_prefix('#') {
            return if local_target(doc, reference).is_some() {
                Target::Elsewhere(None, percent_decode(fragment))
            } else {
                Target::Missing("points at nothing in this document")
            };
        }
        if reference.contains("://") {
            return Target::Missing("points outside the document, which is read offline");
        }
        let (file, fragment) = reference.split_once('#').unwrap_or((reference, ""));
        match &self.base_dir {
            Some(dir) => Target::Elsewhere(Some(dir.join(file)), percent_decode(fragment)),
            None => Target::Missing("points at another file, and this document is not a file"),
        }
    }

    /// Copies the schema at `at` (in `file`, or this document) into `components.schemas` once;
    /// returns its component name.
    fn copy(
        &mut self,
        doc: &mut Value,
        snapshot: &Value,
        file: Option<PathBuf>,
        at: &str,
    ) -> Option<String> {
        let key = (file.clone(), at.to_string());
        if let Some(name) = self.copied.get(&key) {
            return Some(name.clone());
        }
        let mut target = match &file {
            None => snapshot.pointer(at)?.clone(),
            Some(path) => {
                let loaded = self
                    .files
                    .entry(path.clone())
                    .or_insert_with(|| document::read(path).ok());
                let mut target = loaded.as_ref()?.pointer(at)?.clone();
                // The file's own local references are relative to it: make them explicit.
                let name = path.display().to_string();
                qualify_local_refs(&mut target, &name);
                target
            }
        };
        if !target.is_object() {
            target = serde_json::json!({});
        }
        let schemas = doc
            .as_object_mut()?
            .entry("components")
            .or_insert_with(|| serde_json::json!({}))
            .as_object_mut()?
            .entry("schemas")
            .or_insert_with(|| serde_json::json!({}))
            .as_object_mut()?;
        let names = self
            .type_names
            .get_or_insert_with(|| TypeNames::of(schemas.keys()));
        let name = names.claim(&name_for(file.as_deref(), at));
        // Reserve the name before the copy's own references are rewritten (a cycle).
        self.copied.insert(key, name.clone());
        schemas.insert(name.clone(), target);
        Some(name)
    }
}

fn component_ref_object(name: &str) -> Value {
    serde_json::json!({ "$ref": component_ref(name) })
}

/// Turns `#/x` references inside a schema read from `file` into `file#/x`.
fn qualify_local_refs(value: &mut Value, file: &str) {
    match value {
        Value::Object(map) => {
            for (key, value) in map.iter_mut() {
                match (key.as_str(), value) {
                    ("$ref", Value::String(reference)) if reference.starts_with('#') => {
                        *reference = format!("{file}{reference}");
                    }
                    (_, value) => qualify_local_refs(value, file),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| qualify_local_refs(v, file)),
        _ => {}
    }
}

/// Every `$anchor` and `$id` of the document, with where it is.
fn collect_anchors(
    value: &Value,
    at: &str,
    base: Option<&str>,
    into: &mut BTreeMap<String, String>,
) {
    match value {
        Value::Object(map) => {
            let id = map.get("$id").and_then(Value::as_str);
            if let Some(id) = id {
                into.entry(id.to_string()).or_insert_with(|| at.to_string());
            }
            let base = id.or(base);
            if let Some(anchor) = map.get("$anchor").and_then(Value::as_str) {
                into.entry(format!("#{anchor}"))
                    .or_insert_with(|| at.to_string());
                if let Some(base) = base {
                    into.entry(format!("{base}#{anchor}"))
                        .or_insert_with(|| at.to_string());
                }
            }
            for (key, value) in map {
                if key == "example" || key == "examples" || key == "default" || key == "const" {
                    continue;
                }
                collect_anchors(value, &pointer(at, key), base, into);
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                collect_anchors(item, &pointer(at, &i.to_string()), base, into);
            }
        }
        _ => {}
    }
}

/// Keywords that say where a schema sits, not what it is: skipped when naming a copied schema.
const STRUCTURAL: [&str; 18] = [
    "properties",
    "items",
    "schema",
    "content",
    "allOf",
    "anyOf",
    "oneOf",
    "not",
    "additionalProperties",
    "$defs",
    "definitions",
    "components",
    "schemas",
    "paths",
    "responses",
    "requestBody",
    "parameters",
    "prefixItems",
];

/// A component name for a copied schema, from its location: the last segment that names
/// something, after the component it sits in (`Pet` + `owner` → `Pet_owner`).
fn name_for(file: Option<&Path>, at: &str) -> String {
    let segments: Vec<String> = at
        .split('/')
        .skip(1)
        .map(unescape_segment)
        .filter(|s| !s.is_empty())
        .collect();
    let meaningful: Vec<&String> = segments
        .iter()
        .filter(|s| {
            !STRUCTURAL.contains(&s.as_str())
                && !METHODS.contains(&s.as_str())
                && !s.contains('/')
                && !s.chars().all(|c| c.is_ascii_digit())
        })
        .collect();
    let mut words: Vec<String> = Vec::new();
    if segments.first().map(String::as_str) == Some("components")
        && let Some(owner) = segments.get(2)
        && meaningful.last().map(|s| s.as_str()) != Some(owner.as_str())
    {
        words.push(owner.clone());
    }
    if let Some(last) = meaningful.last() {
        words.push((*last).clone());
    }
    if words.is_empty() {
        let stem = file
            .and_then(Path::file_stem)
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| "Schema".to_string());
        words.push(stem);
    }
    let name: String = words
        .join("_")
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if name.chars().next().is_some_and(|c| c.is_ascii_alphabetic()) {
        name
    } else {
        format!("Schema{name}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn resolve(mut doc: Value) -> (Value, Notes) {
        let mut notes = Notes::default();
        resolve_references(&mut doc, None, &mut notes).unwrap();
        (doc, notes)
    }

    #[test]
    fn a_pointer_into_a_path_becomes_a_component() {
        let (doc, notes) = resolve(json!({
            "paths": {"/a": {"post": {
                "requestBody": {"content": {"application/json": {"schema": {
                    "type": "object",
                    "properties": {"circular": {"type": "object", "properties": {
                        "next": {"$ref": "#/paths/~1a/post/requestBody/content/application~1json/schema/properties/circular"}}}}}}}},
                "responses": {}}}}
        }));
        assert!(notes.list().is_empty(), "{notes:?}");
        let schemas = &doc["components"]["schemas"];
        assert_eq!(
            schemas["circular"]["properties"]["next"]["$ref"],
            "#/components/schemas/circular"
        );
        assert_eq!(
            doc.pointer("/paths/~1a/post/requestBody/content/application~1json/schema/properties/circular/properties/next/$ref"),
            Some(&json!("#/components/schemas/circular"))
        );
    }

    #[test]
    fn anchors_ids_and_definitions_are_followed() {
        let (doc, notes) = resolve(json!({
            "paths": {},
            "definitions": {"Legacy": {"type": "string"}},
            "components": {"schemas": {
                "Pet": {"$id": "https://example.com/pet", "type": "object",
                        "properties": {"tag": {"$ref": "#tag"}, "legacy": {"$ref": "#/definitions/Legacy"}},
                        "$defs": {"Tag": {"$anchor": "tag", "type": "string"}}},
                "Owner": {"properties": {"pet": {"$ref": "https://example.com/pet"},
                                         "escaped": {"$ref": "#/components/schemas/P%65t"}}}}}
        }));
        assert!(notes.list().is_empty(), "{notes:?}");
        let schemas = &doc["components"]["schemas"];
        assert_eq!(
            schemas["Owner"]["properties"]["pet"]["$ref"],
            "#/components/schemas/Pet"
        );
        assert_eq!(
            schemas["Owner"]["properties"]["escaped"]["$ref"],
            "#/components/schemas/Pet"
        );
        assert_eq!(
            schemas["Pet"]["properties"]["tag"]["$ref"],
            "#/components/schemas/Pet_Tag"
        );
        assert_eq!(schemas["Pet_Tag"]["type"], "string");
        assert_eq!(
            schemas["Pet"]["properties"]["legacy"]["$ref"],
            "#/components/schemas/Legacy"
        );
    }

    #[test]
    fn what_cannot_be_found_is_any_value_with_a_note() {
        let (doc, notes) = resolve(json!({
            "paths": {"/a": {"get": {
                "parameters": [{"$ref": "#/components/parameters/Gone"}],
                "responses": {"200": {"description": "ok", "content": {"application/json": {"schema":
                    {"$ref": "https://example.com/schemas/thing.json", "description": "d"}}}}}}}}
        }));
        let op = &doc["paths"]["/a"]["get"];
        assert_eq!(op["parameters"], json!([]));
        assert_eq!(
            op["responses"]["200"]["content"]["application/json"]["schema"],
            json!({"description": "d"})
        );
        let lines: Vec<String> = notes.list().iter().map(ToString::to_string).collect();
        assert_eq!(lines.len(), 2, "{lines:?}");
        assert!(lines[0].starts_with("#/paths/~1a/get/parameters/0: `$ref: #/components/parameters/Gone` points at nothing"), "{lines:?}");
        assert!(
            lines[1].contains("points outside the document"),
            "{lines:?}"
        );
    }

    #[test]
    fn another_file_next_to_the_document_is_read() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("common.yaml"),
            "Pet:\n  type: object\n  properties:\n    owner:\n      $ref: '#/Owner'\nOwner:\n  type: string\n",
        )
        .unwrap();
        let mut doc = json!({"paths": {}, "components": {"schemas": {
            "Shop": {"properties": {"pet": {"$ref": "common.yaml#/Pet"}}}}}});
        let mut notes = Notes::default();
        resolve_references(&mut doc, Some(dir.path()), &mut notes).unwrap();
        assert!(notes.list().is_empty(), "{notes:?}");
        let schemas = &doc["components"]["schemas"];
        assert_eq!(
            schemas["Shop"]["properties"]["pet"]["$ref"],
            "#/components/schemas/Pet"
        );
        assert_eq!(
            schemas["Pet"]["properties"]["owner"]["$ref"],
            "#/components/schemas/Owner"
        );
        assert_eq!(schemas["Owner"]["type"], "string");
    }
}
