//! Running progenitor, and recovering from what it still cannot generate.
//!
//! Normalization removes every shape known to make progenitor 0.15 or typify 0.8 fail. Should
//! one still fail (a panic or an error), the failure is narrowed down by generating halves of
//! the document: to the operations that fail, or, when even no operation generates, to the
//! component schemas that do. Each culprit is then degraded one step at a time, and generation
//! retried:
//!
//! 1. an operation's response bodies are typed as any JSON value;
//! 2. then its request body;
//! 3. then its parameters are strings;
//! 4. then it is left out;
//!
//! and a component schema is typed as any JSON value. Every step is a note, so the summary and
//! the surface snapshot show it.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Once;

use anyhow::{Result, anyhow, bail};
use progenitor::{GenerationSettings, Generator};
use serde_json::{Value, json};

use crate::generate::parse::parse_file;
use crate::normalize::Normalized;
use crate::normalize::components::split_nullable_wrappers;
use crate::normalize::names::{Case, sanitize};
use crate::normalize::notes::operation;
use crate::normalize::typed::typed;
use crate::normalize::unending_merges::degrade_merges_of_recursive_types;
use crate::normalize::walk::METHODS;
use crate::read::document::escape_segment;

/// How many degradations a document may need before generation gives up.
const MOST_ROUNDS: usize = 200;

/// The stack progenitor and typify need: they recurse once per level of a schema's nesting and
/// of the types it reaches, deeper than the main thread's 8 MiB for some large documents, and an
/// overflow aborts the process with no message. Only the pages used are ever touched.
pub const GENERATOR_STACK: usize = 512 * 1024 * 1024;

/// Runs `f` on a thread with [`GENERATOR_STACK`] and returns what it returns (an error when no
/// such thread can be started); a panic that escapes `f` goes on from here. The xtask's
/// commands run so; schemas that would make typify recurse without end never reach it
/// ([`crate::normalize::cycles`]).
pub fn on_generator_stack<T: Send>(f: impl FnOnce() -> T + Send) -> std::io::Result<T> {
    std::thread::scope(|scope| {
        let thread = std::thread::Builder::new()
            .name("generator".into())
            .stack_size(GENERATOR_STACK)
            .spawn_scoped(scope, f)?;
        match thread.join() {
            Ok(value) => Ok(value),
            Err(panic) => std::panic::resume_unwind(panic),
        }
    })
}

/// Generates `normalized`'s client, degrading what progenitor fails on (recorded in its notes,
/// the document changed to match).
pub fn generate_file(
    normalized: &mut Normalized,
    settings: &GenerationSettings,
    origin: &str,
) -> Result<syn::File> {
    crate::generate::contain::working_on(origin);
    if crate::generate::contain::aborted_before(origin)
        && degrade_merges_of_recursive_types(&mut normalized.document, &mut normalized.notes) > 0
    {
        normalized.spec = typed(&mut normalized.document, origin, &mut normalized.notes)?;
    }
    let mut stages: BTreeMap<(String, String), usize> = BTreeMap::new();
    let mut schema_stages: BTreeMap<String, usize> = BTreeMap::new();
    let mut separated = 0;
    let mut introduced: Vec<String> = Vec::new();
    for _ in 0..MOST_ROUNDS {
        let failure = match attempt(&normalized.spec, settings) {
            Ok(tokens) => {
                // Read from the tokens, which costs a fraction of parsing them: a round that
                // must run again never parses its code. The round that does parses item by
                // item, which holds less in memory at once.
                let twice = types_named_twice(&tokens);
                if twice.is_empty() {
                    return parse_file(tokens).map_err(|e| {
                        anyhow!("{origin}: progenitor produced code that does not parse: {e}")
                    });
                }
                // typify named an inline schema like a component: give one of them a name of
                // its own, and generate again.
                let mut progress = false;
                let ours: std::collections::BTreeSet<String> = introduced
                    .iter()
                    .map(|new: &String| sanitize(new, Case::Pascal))
                    .collect();
                let mut others = Vec::new();
                for name in &twice {
                    if ours.contains(name) {
                        // A name given to tell two types apart is taken again: typify names
                        // two types after this schema, whatever it is called.
                        progress |= degrade_named(normalized, name);
                    } else {
                        others.push(name.clone());
                    }
                }
                for (change, new) in separate_type_names(&mut normalized.document, &others) {
                    normalized.changes.push(change);
                    introduced.push(new);
                    progress = true;
                }
                // A property moved out may be a nullable wrapper, which typify names twice.
                split_nullable_wrappers(&mut normalized.document);
                separated += 1;
                if !progress || separated > 20 {
                    bail!(
                        "{origin}: the generated types {} are each defined twice, and no \
                         component can be renamed to tell them apart; rename one with an \
                         overlay action",
                        twice.join(", ")
                    );
                }
                normalized.spec = typed(&mut normalized.document, origin, &mut normalized.notes)?;
                continue;
            }
            Err(failure) => failure,
        };
        let culprits = failing_operations(&normalized.document, settings);
        if !culprits.is_empty() {
            for (path, method, message) in culprits {
                let stage = stages.entry((path.clone(), method.clone())).or_insert(0);
                degrade_operation(normalized, &path, &method, *stage, &message);
                *stage += 1;
            }
        } else {
            let schemas = failing_schemas(&normalized.document, settings);
            if schemas.is_empty() {
                bail!(
                    "{origin}: progenitor cannot generate this document ({failure}), and no \
                     single operation or schema is the cause. Please report it with the \
                     document; meanwhile, remove the shape it names with an overlay action"
                );
            }
            for (name, message) in schemas {
                let stage = schema_stages.entry(name.clone()).or_insert(0);
                degrade_schema(normalized, &name, *stage, &message);
                *stage += 1;
            }
        }
        normalized.spec = typed(&mut normalized.document, origin, &mut normalized.notes)?;
    }
    Err(anyhow!(
        "{origin}: progenitor still fails after {MOST_ROUNDS} degradations; the document has \
         more shapes progenitor 0.15 does not support than agentrun can work around"
    ))
}

/// The type names the generated `types` module defines more than once.
fn types_named_twice(tokens: &proc_macro2::TokenStream) -> Vec<String> {
    use proc_macro2::{Delimiter, TokenTree};
    // `mod types { ... }` at the top level.
    let mut module = None;
    let (mut before, mut last) = (None::<String>, None::<String>);
    for tree in tokens.clone() {
        match tree {
            TokenTree::Group(group)
                if group.delimiter() == Delimiter::Brace
                    && before.as_deref() == Some("mod")
                    && last.as_deref() == Some("types") =>
            {
                module = Some(group.stream());
                break;
            }
            TokenTree::Ident(ident) => {
                before = last.take();
                last = Some(ident.to_string());
            }
            _ => {
                before = None;
                last = None;
            }
        }
    }
    let Some(module) = module else {
        return Vec::new();
    };
    // Its items' names: an identifier after `struct`, `enum` or `type` at its top level (the
    // bodies of impls and nested modules are groups, not walked).
    let mut seen = std::collections::BTreeSet::new();
    let mut twice = std::collections::BTreeSet::new();
    let mut keyword = false;
    for tree in module {
        match tree {
            TokenTree::Ident(ident) => {
                let text = ident.to_string();
                if keyword && !seen.insert(text.clone()) {
                    twice.insert(text.clone());
                }
                keyword = !keyword && matches!(text.as_str(), "struct" | "enum" | "type");
            }
            _ => keyword = false,
        }
    }
    twice.into_iter().collect()
}

/// Types the component whose type is `name` as any JSON value, with a note; whether there was
/// one.
fn degrade_named(normalized: &mut Normalized, name: &str) -> bool {
    let Some(schemas) = normalized
        .document
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
    else {
        return false;
    };
    let Some((key, schema)) = schemas
        .iter_mut()
        .find(|(key, _)| sanitize(key, Case::Pascal) == name)
    else {
        return false;
    };
    *schema = json!({});
    let at = crate::read::document::pointer("#/components/schemas", key);
    normalized.notes.add(
        at,
        format!("typify names two types `{name}` after it; typed as any JSON value"),
    );
    true
}

/// Gives one of the two schemas typify names each of `names` a name of its own: an inline
/// property schema typify names after its component and property (`Classification` +
/// `$template` → `ClassificationTemplate`, a component too) becomes a component
/// `<name>Property`; otherwise the component named `name` is renamed `<name>Model`. Returns
/// what it changed, and each new name. The document is indexed once and its references
/// rewritten once, however many names (Plaid's document has 150 on its first round; one at a
/// time took 11 s).
pub fn separate_type_names(doc: &mut Value, names: &[String]) -> Vec<(String, String)> {
    let mut done = Vec::new();
    let Some(schemas) = doc
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
    else {
        return done;
    };
    // The type name typify gives each inline property schema, and each component's.
    let mut inline: BTreeMap<String, (String, String)> = BTreeMap::new();
    let mut components: BTreeMap<String, String> = BTreeMap::new();
    let mut taken: std::collections::BTreeSet<String> = std::collections::BTreeSet::new();
    for (component, schema) in schemas.iter() {
        let pascal = sanitize(component, Case::Pascal);
        taken.insert(pascal.clone());
        components
            .entry(pascal)
            .or_insert_with(|| component.clone());
        let parts = std::iter::once(schema).chain(
            schema
                .get("allOf")
                .and_then(Value::as_array)
                .into_iter()
                .flatten(),
        );
        for part in parts {
            for (property, sub) in part
                .get("properties")
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
            {
                if sub.get("$ref").is_none() {
                    inline
                        .entry(sanitize(&format!("{component}-{property}"), Case::Pascal))
                        .or_insert_with(|| (component.clone(), property.clone()));
                }
            }
        }
    }
    let mut unique = |wanted: String| {
        let name = (1..)
            .map(|n| {
                if n == 1 {
                    wanted.clone()
                } else {
                    format!("{wanted}{n}")
                }
            })
            .find(|name| !taken.contains(&sanitize(name, Case::Pascal)))
            .unwrap_or_default();
        taken.insert(sanitize(&name, Case::Pascal));
        name
    };
    let mut renames = BTreeMap::new();
    for name in names {
        if let Some((component, property)) = inline.remove(name) {
            let new = unique(format!("{name}Property"));
            let reference = json!({ "$ref": crate::normalize::walk::component_ref(&new) });
            let Some(schema) = schemas.get_mut(&component) else {
                continue;
            };
            // The property sits in the component or in one of its `allOf` parts.
            let slot = format!("/properties/{}", escape_segment(&property));
            let mut moved = None;
            if let Some(slot) = schema.pointer_mut(&slot) {
                moved = Some(std::mem::replace(slot, reference.clone()));
            } else if let Some(all) = schema.get_mut("allOf").and_then(Value::as_array_mut) {
                for part in all {
                    if let Some(slot) = part.pointer_mut(&slot) {
                        moved = Some(std::mem::replace(slot, reference.clone()));
                        break;
                    }
                }
            }
            let Some(moved) = moved else {
                continue;
            };
            schemas.insert(new.clone(), moved);
            done.push((
                format!(
                    "moved property `{property}` of `{component}` into component `{new}`: \
                     typify named it `{name}` like another type"
                ),
                new,
            ));
        } else if let Some(key) = components.remove(name) {
            let new = unique(format!("{key}Model"));
            done.push((
                format!(
                    "renamed component `{key}` to `{new}`: typify named another type `{name}` too"
                ),
                new.clone(),
            ));
            renames.insert(key, new);
        }
    }
    crate::normalize::components::rename(doc, &renames);
    done
}

/// One run of progenitor: its tokens, or what went wrong (an error or a panic), in one line.
fn attempt(
    spec: &openapiv3::OpenAPI,
    settings: &GenerationSettings,
) -> std::result::Result<proc_macro2::TokenStream, String> {
    match quietly(|| Generator::new(settings).generate_tokens(spec)) {
        Ok(Ok(tokens)) => Ok(tokens),
        Ok(Err(error)) => Err(one_line(&error.to_string())),
        Err(panic) => Err(one_line(&panic)),
    }
}

/// A failure's message on one line, without the `Debug` dump of openapiv3's types some of
/// progenitor's errors end with (`invalid schema for application/octet-stream: Item(Schema {
/// ..`): the note names the place, the dump would only hide it.
fn one_line(text: &str) -> String {
    let line: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let dump = [
        ": Item(",
        ": Reference {",
        ": Schema {",
        ": Some(",
        ": [",
        " {",
    ]
    .iter()
    .filter_map(|marker| line.find(marker))
    .min();
    let line = match dump {
        Some(cut) => line[..cut].trim_end_matches([':', ' ']).to_string(),
        None => line,
    };
    match line.char_indices().nth(300) {
        Some((cut, _)) => format!("{}...", &line[..cut]),
        None => line,
    }
}

/// A copy of `doc` with only the operations `keep` says to keep, as progenitor's input.
fn with_operations(doc: &Value, keep: &dyn Fn(&str, &str) -> bool) -> Option<openapiv3::OpenAPI> {
    let mut subset = doc.clone();
    if let Some(paths) = subset.get_mut("paths").and_then(Value::as_object_mut) {
        for (path, item) in paths.iter_mut() {
            if let Some(item) = item.as_object_mut() {
                item.retain(|key, _| !METHODS.contains(&key.as_str()) || keep(path, key));
            }
        }
    }
    serde_json::from_value(subset).ok()
}

/// A smallest set of operations that fails, with the failure: found by generating halves.
/// Empty when the document fails with no operation at all (a component schema is the cause).
fn failing_operations(doc: &Value, settings: &GenerationSettings) -> Vec<(String, String, String)> {
    let all: Vec<(String, String)> = crate::normalize::walk::operations(doc)
        .into_iter()
        .map(|(path, method, _)| (path.to_string(), method.to_string()))
        .collect();
    let fails = |ops: &[(String, String)]| -> Option<String> {
        let spec = with_operations(doc, &|path, method| {
            ops.iter().any(|(p, m)| p == path && m == method)
        })?;
        attempt(&spec, settings).err()
    };
    if fails(&[]).is_some() || fails(&all).is_none() {
        return Vec::new();
    }
    let culprits = smallest_failing(&all, &[], &fails);
    let message = fails(&culprits).unwrap_or_default();
    culprits
        .into_iter()
        .map(|(path, method)| (path, method, message.clone()))
        .collect()
}

/// A smallest set of component schemas that fails with no operation (the others typed as any
/// JSON value), with the failure.
fn failing_schemas(doc: &Value, settings: &GenerationSettings) -> Vec<(String, String)> {
    let names: Vec<String> = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .map(|s| {
            s.iter()
                .filter(|(_, schema)| schema.as_object().is_some_and(|m| !m.is_empty()))
                .map(|(name, _)| name.clone())
                .collect()
        })
        .unwrap_or_default();
    let fails = |kept: &[String]| -> Option<String> {
        let mut subset = doc.clone();
        subset["paths"] = json!({});
        if let Some(schemas) = subset
            .pointer_mut("/components/schemas")
            .and_then(Value::as_object_mut)
        {
            for (name, schema) in schemas.iter_mut() {
                if !kept.contains(name) {
                    *schema = json!({});
                }
            }
        }
        let spec: openapiv3::OpenAPI = serde_json::from_value(subset).ok()?;
        attempt(&spec, settings).err()
    };
    if fails(&names).is_none() {
        return Vec::new();
    }
    let culprits = smallest_failing(&names, &[], &fails);
    let message = fails(&culprits).unwrap_or_default();
    culprits
        .into_iter()
        .map(|name| (name, message.clone()))
        .collect()
}

/// A smallest subset of `items` that still fails together with `context` (binary delta
/// debugging): a single item when one fails alone, the pair when two fail only together.
/// `items` plus `context` must fail.
fn smallest_failing<T: Clone>(
    items: &[T],
    context: &[T],
    fails: &dyn Fn(&[T]) -> Option<String>,
) -> Vec<T> {
    if items.len() <= 1 {
        return items.to_vec();
    }
    let (left, right) = items.split_at(items.len() / 2);
    let with = |part: &[T], more: &[T]| -> Vec<T> { part.iter().chain(more).cloned().collect() };
    if fails(&with(left, context)).is_some() {
        return smallest_failing(left, context, fails);
    }
    if fails(&with(right, context)).is_some() {
        return smallest_failing(right, context, fails);
    }
    let left = smallest_failing(left, &with(right, context), fails);
    let right = smallest_failing(right, &with(&left, context), fails);
    with(&left, &right)
}

/// One more degradation step for a component schema progenitor fails on: its defaults are
/// dropped (typify checks them), then it is typed as any JSON value.
fn degrade_schema(normalized: &mut Normalized, name: &str, stage: usize, message: &str) {
    let at = crate::read::document::pointer("#/components/schemas", name);
    let Some(schema) = normalized
        .document
        .pointer_mut("/components/schemas")
        .and_then(|s| s.get_mut(name))
    else {
        return;
    };
    let why = format!("progenitor failed on it ({message})");
    if stage == 0 {
        let _ = crate::normalize::walk::walk_schema(schema, &at, &mut |sub, _| {
            sub.shift_remove("default");
            Ok(())
        });
        normalized
            .notes
            .add(at, format!("{why}; its defaults are dropped"));
    } else {
        *schema = json!({});
        normalized
            .notes
            .add(at, format!("{why}; typed as any JSON value"));
    }
}

/// One more degradation step for an operation progenitor fails on.
fn degrade_operation(
    normalized: &mut Normalized,
    path: &str,
    method: &str,
    stage: usize,
    message: &str,
) {
    let here = operation(method, path);
    let notes = &mut normalized.notes;
    let Some(item) = normalized
        .document
        .get_mut("paths")
        .and_then(|p| p.get_mut(path))
    else {
        return;
    };
    let why = format!("progenitor failed on it ({message})");
    let Some(op) = item.get_mut(method) else {
        return;
    };
    match stage {
        0 => {
            if let Some(responses) = op.get_mut("responses").and_then(Value::as_object_mut) {
                for response in responses.values_mut() {
                    if let Some(media) = response.pointer_mut("/content/application~1json") {
                        media["schema"] = json!({});
                    }
                }
            }
            notes.add(
                here,
                format!("{why}; its responses are typed as any JSON value"),
            );
        }
        1 => {
            if let Some(media) = op.pointer_mut("/requestBody/content/application~1json") {
                media["schema"] = json!({});
            } else if let Some(media) =
                op.pointer_mut("/requestBody/content/application~1x-www-form-urlencoded")
            {
                media["schema"] = json!({"type": "object"});
            }
            notes.add(
                here,
                format!("{why}; its request body is typed as any JSON value"),
            );
        }
        2 => {
            if let Some(parameters) = op.get_mut("parameters").and_then(Value::as_array_mut) {
                for parameter in parameters {
                    if let Some(schema) = parameter.get_mut("schema") {
                        *schema = json!({"type": "string"});
                    }
                }
            }
            notes.add(here, format!("{why}; its parameters are strings"));
        }
        _ => {
            if let Some(item) = item.as_object_mut() {
                item.shift_remove(method);
            }
            notes.add(here, format!("left out: {why}"));
        }
    }
}

thread_local! {
    /// While `quietly` runs on this thread: the message of the panic it caught, if any.
    static CAUGHT: RefCell<Option<Option<String>>> = const { RefCell::new(None) };
}

/// Runs `f`, turning a panic into its message instead of a trace on stderr.
///
/// One panic hook is installed for the process: on a thread inside `quietly` it records the
/// message; anywhere else it hands over to the hook that was there before, so panics elsewhere
/// (other tests running in parallel, say) print as they always do.
pub fn quietly<T>(f: impl FnOnce() -> T) -> std::result::Result<T, String> {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let quiet = CAUGHT.with(|caught| caught.borrow().is_some());
            if !quiet {
                previous(info);
                return;
            }
            let text = match info.payload().downcast_ref::<&str>() {
                Some(text) => text.to_string(),
                None => info
                    .payload()
                    .downcast_ref::<String>()
                    .cloned()
                    .unwrap_or_else(|| "unknown panic".to_string()),
            };
            let at = info
                .location()
                .map(|l| {
                    let file = std::path::Path::new(l.file())
                        .file_name()
                        .map(|f| f.to_string_lossy().into_owned())
                        .unwrap_or_default();
                    format!(", at {file}:{}", l.line())
                })
                .unwrap_or_default();
            CAUGHT.with(|caught| *caught.borrow_mut() = Some(Some(format!("{text}{at}"))));
        }));
    });
    let outer = CAUGHT.with(|caught| caught.replace(Some(None)));
    let result = catch_unwind(AssertUnwindSafe(f));
    let message = CAUGHT.with(|caught| caught.replace(outer)).flatten();
    result.map_err(|_| message.unwrap_or_else(|| "unknown panic".to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::notes::Notes;

    #[test]
    fn types_named_twice_are_read_from_the_tokens_of_the_types_module_alone() {
        let tokens = quote::quote! {
            pub struct A;
            pub mod types {
                pub struct A;
                pub struct A { x: u8 }
                impl A { fn f() { struct B; struct B; } }
                pub mod builder { pub struct A; }
                pub enum E {}
                pub type E = u8;
                pub struct F;
            }
        };
        assert_eq!(types_named_twice(&tokens), ["A", "E"]);
    }

    /// A document as progenitor would get it without normalization.
    fn unnormalized(document: Value) -> Normalized {
        Normalized {
            spec: serde_json::from_value(document.clone()).unwrap(),
            document,
            changes: Vec::new(),
            notes: Notes::default(),
        }
    }

    #[test]
    fn an_operation_progenitor_panics_on_is_degraded_and_named() {
        let mut normalized = unnormalized(json!({
            "openapi": "3.0.3", "info": {"title": "t", "version": "1"},
            "paths": {
                "/fine": {"get": {"operationId": "fine", "responses": {"200": {"description": "ok"}}}},
                "/two": {"get": {"operationId": "two", "responses": {
                    "200": {"description": "a", "content": {"application/json": {"schema": {"type": "string"}}}},
                    "201": {"description": "b", "content": {"application/json": {"schema": {"type": "integer"}}}}}}}}
        }));
        let file = generate_file(&mut normalized, &crate::generate::settings(), "spec.json");
        assert!(file.is_ok(), "{:?}", file.err());
        let lines = normalized.notes.lines();
        assert_eq!(lines.len(), 1, "{lines:?}");
        assert!(
            lines[0].starts_with(
                "GET /two: progenitor failed on it (assertion failed: response_types.len() <= 1"
            ),
            "{lines:?}"
        );
        assert!(
            lines[0].ends_with("; its responses are typed as any JSON value"),
            "{lines:?}"
        );
        assert_eq!(
            normalized
                .document
                .pointer("/paths/~1two/get/responses/201/content/application~1json/schema"),
            Some(&json!({}))
        );
    }

    #[test]
    fn a_component_progenitor_panics_on_is_degraded_and_named() {
        let mut normalized = unnormalized(json!({
            "openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {},
            "components": {"schemas": {
                "Fine": {"type": "string", "enum": ["a", "b"]},
                "Marks": {"type": "string", "enum": [".", "X"], "default": "."}}}
        }));
        generate_file(&mut normalized, &crate::generate::settings(), "spec.json").unwrap();
        let lines = normalized.notes.lines();
        assert_eq!(lines.len(), 2, "{lines:?}");
        assert!(
            lines[0].starts_with("#/components/schemas/Marks: progenitor failed on it (Failed to make unique variant names"),
            "{lines:?}"
        );
        assert!(
            lines[0].ends_with("; its defaults are dropped"),
            "{lines:?}"
        );
        assert!(lines[1].ends_with("; typed as any JSON value"), "{lines:?}");
        assert_eq!(
            normalized.document["components"]["schemas"]["Marks"],
            json!({})
        );
        assert_eq!(
            normalized.document["components"]["schemas"]["Fine"]["enum"],
            json!(["a", "b"])
        );
    }

    #[test]
    fn nullable_wrappers_typify_would_name_twice_keep_their_types() {
        // Plaid's `{nullable, allOf: [$ref, {...}]}`, a nullable enum whose title is its name,
        // and Sentry's inline copy of a component (`Dashboard.permissions`, named
        // `DashboardPermissions` by typify), nullable, wrapped in an `allOf`.
        let permissions = json!({"type": "object", "required": ["everyone"],
            "properties": {"everyone": {"type": "boolean"}}});
        let document = json!({
            "openapi": "3.0.3", "info": {"title": "t", "version": "1"},
            "paths": {"/d": {"get": {"operationId": "get_dashboard", "responses": {"200": {
                "description": "ok", "content": {"application/json": {"schema": {
                    "$ref": "#/components/schemas/Dashboard"}}}}}}}},
            "components": {"schemas": {
                "Dashboard": {"type": "object", "properties": {
                    "scopes": {"$ref": "#/components/schemas/ScopesNullable"},
                    "source": {"$ref": "#/components/schemas/FundsSource"},
                    "permissions": {"allOf": [permissions], "nullable": true}}},
                "Scopes": {"type": "object", "properties": {"read": {"type": "boolean"}}},
                "ScopesNullable": {"nullable": true, "allOf": [
                    {"$ref": "#/components/schemas/Scopes"},
                    {"type": "object", "additionalProperties": true}]},
                "FundsSource": {"type": "string", "title": "FundsSource", "nullable": true,
                    "enum": ["sweep", "credits", null]},
                "DashboardPermissions": permissions}}
        });
        let mut normalized =
            crate::normalize::normalize(document, &Default::default(), "spec.json").unwrap();
        let client = crate::generate::render_client(&mut normalized, "spec.json", None).unwrap();
        let lines = normalized.notes.lines();
        assert!(lines.is_empty(), "nothing is degraded: {lines:?}");
        let names = crate::generate::features::type_names(&client.file);
        for name in [
            "ScopesNullable",
            "ScopesNullableValue",
            "FundsSource",
            "DashboardPermissions",
            "DashboardPermissionsProperty",
            "DashboardPermissionsPropertyValue",
        ] {
            assert!(names.contains(name), "{name} in {names:?}");
        }
        for field in [
            "pub permissions: ::std::option::Option<DashboardPermissionsProperty>,",
            "pub scopes: ::std::option::Option<ScopesNullable>,",
            "pub source: ::std::option::Option<FundsSource>,",
        ] {
            assert!(client.code.contains(field), "{field}");
        }
    }

    #[test]
    fn a_failure_is_one_line_without_a_debug_dump() {
        assert_eq!(
            one_line(
                "unexpected format: invalid schema for application/octet-stream: Item(Schema {\n    schema_data: SchemaData {"
            ),
            "unexpected format: invalid schema for application/octet-stream"
        );
        assert_eq!(
            one_line("assertion failed: response_types.len() <= 1, at method.rs:1220"),
            "assertion failed: response_types.len() <= 1, at method.rs:1220"
        );
    }

    #[test]
    fn the_smallest_failing_set_is_found_for_a_pair() {
        let items: Vec<u32> = (0..16).collect();
        let fails =
            |set: &[u32]| (set.contains(&3) && set.contains(&12)).then(|| "both".to_string());
        assert_eq!(smallest_failing(&items, &[], &fails), [3, 12]);
        let alone = |set: &[u32]| set.contains(&9).then(|| "nine".to_string());
        assert_eq!(smallest_failing(&items, &[], &alone), [9]);
    }
}
