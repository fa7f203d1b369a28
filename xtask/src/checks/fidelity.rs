//! How faithful a provider's spec is to its official documentation.
//!
//! A provider may keep an inventory of what its official pages show (`docs` in
//! `openapi/providers.toml`): every documented operation, parameter and request field with its
//! required flag and documented values, and each page's example answer. [`check`] holds the
//! normalized spec against it and counts:
//!
//! - documented operations, parameters and request fields the spec has, with the same required
//!   flag (where two versions of the docs disagree, presence is enough);
//! - documented values the spec accepts (an enum that lacks one refuses a documented request);
//! - response properties the spec *requires* although the official example answer leaves them
//!   out: a real answer that does the same would fail to parse, so the goal is zero.
//!
//! A page's example answer shows which fields an answer always carries; `fields` names the ones
//! its field list adds, which must exist (with their documented nullability and values) but may
//! be absent. Stored copies of long pages are cut, so an example may end mid-value:
//! [`complete_prefix`] keeps its whole part.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use anyhow::{Context, Result, anyhow};
use serde::Deserialize;
use serde_json::Value;

use crate::normalize::walk::{component, ref_name};
use crate::read::document;
use crate::read::providers::{Provider, Providers};

/// What a provider's official documentation shows.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Inventory {
    /// When the pages were captured.
    pub captured: String,
    /// Facts from the getting-started page that belong to no one operation.
    #[serde(default)]
    pub getting_started: Option<GettingStarted>,
    /// Every documented operation.
    pub operations: Vec<DocumentedOperation>,
}

/// The getting-started page: defaults, the error body and codes, webhooks, request examples.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct GettingStarted {
    /// The page.
    pub url: String,
    /// A newer version of the page, if any.
    #[serde(default)]
    pub newer_url: Option<String>,
    /// Documented request defaults: operation → field → value.
    #[serde(default)]
    pub defaults: BTreeMap<String, BTreeMap<String, Value>>,
    /// The error body's fields.
    #[serde(default)]
    pub error_body: BTreeMap<String, Field>,
    /// Machine-readable error codes and the status each comes with.
    #[serde(default)]
    pub error_codes: BTreeMap<String, u16>,
    /// Webhook event names the API sends.
    #[serde(default)]
    pub webhooks: Vec<String>,
    /// Request bodies the page shows, by operation.
    #[serde(default)]
    pub request_examples: BTreeMap<String, Vec<String>>,
}

/// One documented operation.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct DocumentedOperation {
    /// `METHOD /path`, as the docs write it.
    pub operation: String,
    /// The page it is documented on.
    #[serde(default)]
    pub url: Option<String>,
    /// `page` (an endpoint page, the default), `guide` (mentioned in a guide) or `capture`
    /// (known only from the third-party capture: nothing about it counts as documented).
    #[serde(default)]
    pub source: Option<String>,
    /// The stored copy of the page is cut short.
    #[serde(default)]
    pub cut: bool,
    /// Documented parameters by name.
    #[serde(default)]
    pub parameters: BTreeMap<String, Parameter>,
    /// Documented request body fields by path (`steps[].kind`).
    #[serde(default)]
    pub request: BTreeMap<String, Field>,
    /// Sets of body fields of which the docs require one ("send `userId` or `userEmail`").
    #[serde(default)]
    pub request_one_of: Vec<Vec<String>>,
    /// Request bodies the page shows, as JSON text.
    #[serde(default)]
    pub request_examples: Vec<String>,
    /// Examples of one component schema the page shows, by component name, as JSON text (a
    /// text that starts with `"name":` is a member of a body, as the page prints it).
    #[serde(default)]
    pub component_examples: BTreeMap<String, Vec<String>>,
    /// The documented success answer.
    #[serde(default)]
    pub response: Option<DocumentedResponse>,
}

/// A documented parameter.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Parameter {
    /// `path`, `query`, `header` or `cookie`.
    #[serde(rename = "in")]
    pub location: String,
    /// Whether the page marks it required.
    pub required: bool,
    /// The documented default.
    #[serde(default)]
    pub default: Option<Value>,
    /// The documented maximum.
    #[serde(default)]
    pub maximum: Option<Value>,
}

/// A documented field of a request or response body.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Field {
    /// Whether the page marks it required.
    #[serde(default)]
    pub required: bool,
    /// Values the page documents; the spec must accept each.
    #[serde(default)]
    pub values: Vec<Value>,
    /// The page shows `| null`.
    #[serde(default)]
    pub nullable: bool,
    /// Two versions of the docs disagree on the required flag (why); only presence is checked.
    #[serde(default)]
    pub disputed: Option<String>,
    /// The spec must list each value in an enum: a plain string, which accepts them, is not
    /// enough (machine-readable codes a client matches on).
    #[serde(default)]
    pub listed: bool,
    /// The docs type it as any string: the spec must not close it to its known values (a plain
    /// string, or an enum marked open).
    #[serde(default)]
    pub open: bool,
}

/// A documented success answer.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DocumentedResponse {
    /// The status the spec gives this answer (pages show only a label).
    pub status: String,
    /// The label the page shows.
    pub label: String,
    /// The page's example, as JSON text (possibly cut short).
    pub example: String,
    /// The stored copy of the example is cut short.
    #[serde(default)]
    pub cut: bool,
    /// Fields the page documents beyond (or about) the example's keys, by path.
    #[serde(default)]
    pub fields: BTreeMap<String, Field>,
}

impl Inventory {
    /// Reads a provider's inventory, if it keeps one.
    pub fn load(providers: &Providers, provider: &Provider) -> Result<Option<Self>> {
        let Some(path) = &provider.docs else {
            return Ok(None);
        };
        let origin = path.display().to_string();
        let value = document::read(&providers.path(path))?;
        let inventory = serde_path_to_error::deserialize(value).map_err(|error| {
            anyhow!(
                "{origin}: {} at `{}`; see the format described at the top of the file",
                error.inner(),
                error.path()
            )
        })?;
        Ok(Some(inventory))
    }
}

/// What [`check`] counted: each pair is (as documented, documented).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Counts {
    /// Documented operations the spec has.
    pub operations: (usize, usize),
    /// Documented parameters the spec has, with the documented required flag.
    pub parameters: (usize, usize),
    /// Documented request fields the spec has, with the documented required flag.
    pub request_fields: (usize, usize),
    /// Documented values (request and response enums, nullability, defaults, error codes,
    /// webhook events) the spec has.
    pub values: (usize, usize),
    /// Response properties the spec requires.
    pub required_response_fields: usize,
    /// ... of which no official page shows: the goal is zero.
    pub required_undocumented: usize,
    /// Example payloads of the docs (requests and responses; placeholders excluded).
    pub examples: usize,
    /// `{"key": "value"}` request placeholders the renderer shows instead of a body.
    pub placeholders: usize,
}

/// One way the spec departs from the docs.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Finding {
    /// Where: an operation and a field path, or a schema pointer.
    pub at: String,
    /// What is wrong and what to do.
    pub problem: String,
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.at, self.problem)
    }
}

/// The result of [`check`].
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// The counts.
    pub counts: Counts,
    /// Every departure, sorted.
    pub findings: Vec<Finding>,
}

/// Holds a normalized document against the inventory. `prefix` is the provider's
/// `strip_path_prefix`, which the docs' paths still carry.
pub fn check(doc: &Value, inventory: &Inventory, prefix: Option<&str>) -> Result<Report> {
    let mut checker = Checker {
        doc,
        counts: Counts::default(),
        findings: Vec::new(),
        documented: BTreeSet::new(),
    };
    for documented in &inventory.operations {
        checker.operation(documented, prefix)?;
    }
    if let Some(start) = &inventory.getting_started {
        checker.getting_started(start, prefix)?;
    }
    checker.required_responses();
    let mut findings = checker.findings;
    findings.sort();
    Ok(Report {
        counts: checker.counts,
        findings,
    })
}

/// The request placeholder the docs renderer shows on every page with a body.
const PLACEHOLDER: &str = r#"{"key": "value"}"#;

struct Checker<'a> {
    doc: &'a Value,
    counts: Counts,
    findings: Vec<Finding>,
    /// (schema identity, property) pairs an official example answer (or the getting-started
    /// page's error body and event names) shows: the only properties an answer may require.
    documented: BTreeSet<(String, String)>,
}

impl<'a> Checker<'a> {
    fn find(&mut self, at: impl Into<String>, problem: impl Into<String>) {
        self.findings.push(Finding {
            at: at.into(),
            problem: problem.into(),
        });
    }

    /// The operation object for `METHOD /path` (the docs' path, prefix included), with its
    /// JSON pointer.
    fn operation_object(
        &self,
        operation: &str,
        prefix: Option<&str>,
    ) -> Option<(String, &'a Value)> {
        let (method, path) = operation.split_once(' ')?;
        let path = prefix
            .and_then(|prefix| path.strip_prefix(prefix))
            .filter(|rest| rest.starts_with('/'))
            .unwrap_or(path);
        let method = method.to_ascii_lowercase();
        let op = self.doc.get("paths")?.get(path)?.get(&method)?;
        Some((operation_pointer(path, &method), op))
    }

    fn operation(&mut self, documented: &DocumentedOperation, prefix: Option<&str>) -> Result<()> {
        let name = &documented.operation;
        self.counts.operations.1 += 1;
        let Some((pointer, op)) = self.operation_object(name, prefix) else {
            self.find(
                name.as_str(),
                format!(
                    "documented operation is missing from the spec ({}); add it",
                    documented.url.as_deref().unwrap_or("see the inventory")
                ),
            );
            return Ok(());
        };
        self.counts.operations.0 += 1;
        for (param, expected) in &documented.parameters {
            self.parameter(name, op, param, expected);
        }
        let body = op.pointer("/requestBody/content/application~1json/schema");
        for (path, field) in &documented.request {
            self.counts.request_fields.1 += 1;
            let at = format!("{name} request `{path}`");
            let Some(body) = body else {
                self.find(at, "the spec has no JSON request body for this operation");
                continue;
            };
            let Some(found) = self.field(body, "#request", path, false) else {
                self.find(
                    at,
                    "documented request field is missing from the spec; add it",
                );
                continue;
            };
            let required_ok = field.disputed.is_some() || found.required == field.required;
            if required_ok {
                self.counts.request_fields.0 += 1;
            } else {
                self.find(
                    at.clone(),
                    format!(
                        "the docs mark it {}, the spec {}; follow the docs",
                        required_word(field.required),
                        required_word(found.required)
                    ),
                );
            }
            self.values(&at, &found, field);
        }
        if !documented.request_one_of.is_empty() {
            self.counts.request_fields.1 += 1;
            let expected: Vec<Value> = documented
                .request_one_of
                .iter()
                .map(|set| set.iter().map(|name| Value::from(name.as_str())).collect())
                .collect();
            let found = body
                .map(|b| self.resolve(b))
                .and_then(|b| b.get(crate::normalize::downconvert::REQUIRED_ONE_OF))
                .and_then(Value::as_array);
            if found.is_some_and(|found| *found == expected) {
                self.counts.request_fields.0 += 1;
            } else {
                let sets: Vec<String> = documented
                    .request_one_of
                    .iter()
                    .map(|set| set.join(" + "))
                    .collect();
                self.find(
                    format!("{name} request"),
                    format!(
                        "the docs require one of {}; say so with an `anyOf` of `required` lists",
                        sets.join(", ")
                    ),
                );
            }
        }
        for example in &documented.request_examples {
            if is_placeholder(example) {
                self.counts.placeholders += 1;
            } else {
                self.counts.examples += 1;
            }
        }
        self.counts.examples += documented
            .component_examples
            .values()
            .map(Vec::len)
            .sum::<usize>();
        if let Some(response) = &documented.response {
            self.response(name, &pointer, op, response)?;
        }
        Ok(())
    }

    fn parameter(&mut self, operation: &str, op: &Value, name: &str, expected: &Parameter) {
        self.counts.parameters.1 += 1;
        let at = format!("{operation} parameter `{name}`");
        let found = op
            .get("parameters")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .map(|p| self.resolve(p))
            .find(|p| {
                p.get("name").and_then(Value::as_str) == Some(name)
                    && p.get("in").and_then(Value::as_str) == Some(expected.location.as_str())
            });
        let Some(found) = found else {
            self.find(
                at,
                format!(
                    "documented {} parameter is missing from the spec; add it",
                    expected.location
                ),
            );
            return;
        };
        let required = found
            .get("required")
            .and_then(Value::as_bool)
            .unwrap_or(false);
        if required == expected.required {
            self.counts.parameters.0 += 1;
        } else {
            self.find(
                at.clone(),
                format!(
                    "the docs mark it {}, the spec {}; follow the docs",
                    required_word(expected.required),
                    required_word(required)
                ),
            );
        }
        let schema = found.get("schema").map(|s| self.resolve(s));
        for (keyword, value) in [
            ("default", &expected.default),
            ("maximum", &expected.maximum),
        ] {
            let Some(value) = value else { continue };
            self.counts.values.1 += 1;
            let actual = schema.and_then(|s| s.get(keyword));
            if actual.is_some_and(|actual| same_number_or_value(actual, value)) {
                self.counts.values.0 += 1;
            } else {
                self.find(
                    at.clone(),
                    format!("the docs give {keyword} {value}; the spec's schema should say so"),
                );
            }
        }
    }

    fn response(
        &mut self,
        operation: &str,
        pointer: &str,
        op: &'a Value,
        documented: &DocumentedResponse,
    ) -> Result<()> {
        let at = format!("{operation} {}", documented.status);
        let schema_at = format!(
            "/responses/{}/content/application~1json/schema",
            documented.status
        );
        let Some(schema) = op.pointer(&schema_at) else {
            self.find(at, "the spec has no JSON answer with this status; add it");
            return Ok(());
        };
        let text = if documented.cut {
            complete_prefix(&documented.example)
        } else {
            documented.example.clone()
        };
        let example: Value = serde_json::from_str(&text)
            .with_context(|| format!("{at}: the inventory's example is not JSON"))?;
        self.counts.examples += 1;
        let identity = format!("{pointer}{schema_at}");
        self.document_example(schema, &identity, &example);
        for (path, field) in &documented.fields {
            let field_at = format!("{at} `{path}`");
            match self.field(schema, &identity, path, false) {
                Some(found) => self.values(&field_at, &found, field),
                None => self.find(
                    field_at,
                    "documented response field is missing from the spec; add it",
                ),
            }
        }
        Ok(())
    }

    fn getting_started(&mut self, start: &GettingStarted, prefix: Option<&str>) -> Result<()> {
        for (operation, fields) in &start.defaults {
            let body = self
                .operation_object(operation, prefix)
                .and_then(|(_, op)| op.pointer("/requestBody/content/application~1json/schema"));
            for (name, value) in fields {
                self.counts.values.1 += 1;
                let at = format!("{operation} request `{name}`");
                let default = body
                    .and_then(|body| self.field(body, "#request", name, false))
                    .and_then(|found| {
                        // A request default is the server's: normalization keeps it beside the
                        // schema rather than in it, so the client does not send it.
                        let keys = ["default", crate::normalize::bodies::SERVER_DEFAULT];
                        found.schemas.iter().find_map(|schema| {
                            keys.iter().find_map(|key| schema.get(*key)).cloned()
                        })
                    });
                if default.as_ref() == Some(value) {
                    self.counts.values.0 += 1;
                } else {
                    self.find(
                        at,
                        format!("the docs give the default {value}; add `default` to the schema"),
                    );
                }
            }
        }
        let error = component(self.doc, "#/components/schemas/Error");
        for (name, field) in &start.error_body {
            self.documented
                .insert(("#/components/schemas/Error".into(), name.clone()));
            let at = format!("error body `{name}`");
            match error.and_then(|e| self.field(e, "error", name, true)) {
                Some(found) => self.values(&at, &found, field),
                None => self.find(
                    at,
                    "documented error field is missing from the spec; add it",
                ),
            }
        }
        let codes: Vec<Value> = start
            .error_codes
            .keys()
            .map(|c| c.as_str().into())
            .collect();
        if !codes.is_empty() {
            let field = Field {
                values: codes,
                listed: true,
                ..Field::default()
            };
            match error.and_then(|e| self.field(e, "error", "code", true)) {
                Some(found) => self.values("error body `code`", &found, &field),
                None => self.find(
                    "error body `code`",
                    "the spec's Error has no `code`; add it",
                ),
            }
        }
        let webhooks = self
            .doc
            .get(crate::normalize::downconvert::WEBHOOKS)
            .and_then(Value::as_object);
        for event in &start.webhooks {
            self.counts.values.1 += 1;
            if let Some(item) = webhooks.and_then(|w| w.get(event)) {
                self.counts.values.0 += 1;
                // The page names the event, so the payload's `event` field is documented.
                if let Some(schema) =
                    item.pointer("/post/requestBody/content/application~1json/schema")
                {
                    let (_, identity) = self.identified(schema, &format!("webhook {event} schema"));
                    self.documented.insert((identity, "event".into()));
                }
            } else {
                self.find(
                    format!("webhook `{event}`"),
                    "documented webhook event is missing from the spec's `webhooks`; add it",
                );
            }
        }
        for examples in start.request_examples.values() {
            self.counts.examples += examples.len();
        }
        Ok(())
    }

    /// Checks that the field accepts every documented value, and null when documented; a field
    /// found in several alternatives (the `type` of each attachment kind) accepts what any of
    /// them does.
    fn values(&mut self, at: &str, found: &Found<'a>, field: &Field) {
        for value in &field.values {
            self.counts.values.1 += 1;
            let accepted = found.schemas.iter().any(|written| {
                self.variants(self.resolve(written)).iter().any(|v| {
                    let target = if v.get("type").and_then(Value::as_str) == Some("array") {
                        v.get("items").map(|i| self.resolve(i)).unwrap_or(v)
                    } else {
                        v
                    };
                    self.variants(target).iter().any(|t| {
                        match t.get("enum").and_then(Value::as_array) {
                            Some(known) => known.contains(value),
                            None => !field.listed && value.is_string() && is_string_schema(t),
                        }
                    })
                })
            });
            if accepted {
                self.counts.values.0 += 1;
            } else {
                self.find(
                    at,
                    if field.listed {
                        format!("the docs document the value {value}; list it in the spec's enum")
                    } else {
                        format!("the docs document the value {value}; the spec's enum refuses it")
                    },
                );
            }
        }
        if field.open {
            self.counts.values.1 += 1;
            let open = found.schemas.iter().any(|written| {
                self.variants(self.resolve(written)).iter().any(|v| {
                    is_string_schema(v)
                        && (v.get("enum").is_none()
                            || v.get(crate::normalize::downconvert::OPEN_ENUM)
                                == Some(&Value::Bool(true)))
                })
            });
            if open {
                self.counts.values.0 += 1;
            } else {
                self.find(
                    at,
                    "the docs type it as any string; open the spec's enum (known values in an \
                     `anyOf` next to a plain string)",
                );
            }
        }
        if field.nullable {
            self.counts.values.1 += 1;
            // `nullable` may sit next to the `allOf` that wraps a reference.
            let nullable = found
                .schemas
                .iter()
                .any(|written| self.nullable(written) || self.nullable(self.resolve(written)));
            if nullable {
                self.counts.values.0 += 1;
            } else {
                self.find(
                    at,
                    "the docs show `| null`; make the spec's schema nullable",
                );
            }
        }
    }

    fn nullable(&self, schema: &Value) -> bool {
        schema.get("nullable").and_then(Value::as_bool) == Some(true)
            || ["anyOf", "oneOf"].iter().any(|k| {
                schema
                    .get(*k)
                    .and_then(Value::as_array)
                    .is_some_and(|vs| vs.iter().any(|v| self.nullable(self.resolve(v))))
            })
            || schema.get("type").and_then(Value::as_str) == Some("null")
            || schema
                .get("enum")
                .and_then(Value::as_array)
                .is_some_and(|e| e.contains(&Value::Null))
    }

    fn resolve(&self, schema: &'a Value) -> &'a Value {
        crate::normalize::walk::resolve_schema(self.doc, schema)
    }

    /// A schema and, through `$ref`s, what it resolves to, with the identity of each object
    /// schema: its component's `$ref`, or `at` for an inline one.
    fn identified(&self, schema: &'a Value, at: &str) -> (&'a Value, String) {
        let mut identity = at.to_string();
        let mut current = schema;
        for _ in 0..32 {
            match current.get("$ref").and_then(Value::as_str) {
                Some(reference) if ref_name(reference).is_some() => {
                    match component(self.doc, reference) {
                        Some(target) => {
                            identity = reference.to_string();
                            current = target;
                        }
                        None => break,
                    }
                }
                _ => break,
            }
        }
        (current, identity)
    }

    /// The alternatives a schema stands for: itself and its `anyOf`/`oneOf`/`allOf` members,
    /// with identities.
    fn alternatives(&self, schema: &'a Value, at: &str) -> Vec<(&'a Value, String)> {
        let (schema, identity) = self.identified(schema, at);
        let mut found = vec![(schema, identity.clone())];
        for keyword in ["anyOf", "oneOf", "allOf"] {
            for (i, member) in schema
                .get(keyword)
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .enumerate()
            {
                found.extend(self.alternatives(member, &format!("{identity}/{keyword}/{i}")));
            }
        }
        found
    }

    fn variants(&self, schema: &'a Value) -> Vec<&'a Value> {
        self.alternatives(schema, "")
            .into_iter()
            .map(|(s, _)| s)
            .collect()
    }

    /// Finds `path` (`a.b[].c`) under `schema`; marks each step documented when `document`.
    fn field(
        &mut self,
        schema: &'a Value,
        at: &str,
        path: &str,
        document: bool,
    ) -> Option<Found<'a>> {
        let mut current = vec![(schema, at.to_string())];
        let mut last: Option<Found<'a>> = None;
        for segment in path.split('.') {
            let (name, items) = match segment.strip_suffix("[]") {
                Some(name) => (name, true),
                None => (segment, false),
            };
            let mut next = Vec::new();
            let mut found: Option<Found<'a>> = None;
            for (schema, at) in &current {
                for (alternative, identity) in self.alternatives(schema, at) {
                    let Some(property) = alternative
                        .pointer(&format!("/properties/{}", document::escape_segment(name)))
                    else {
                        continue;
                    };
                    if document {
                        self.documented.insert((identity.clone(), name.to_string()));
                    }
                    let required = alternative
                        .get("required")
                        .and_then(Value::as_array)
                        .is_some_and(|r| r.iter().any(|n| n == name));
                    let property_at = format!("{identity}/properties/{name}");
                    let mut target = (property, property_at.clone());
                    if items {
                        let (resolved, id) = self.identified(property, &property_at);
                        let item_at = format!("{id}/items");
                        match resolved.get("items") {
                            Some(item) => target = (item, item_at),
                            None => continue,
                        }
                    }
                    let step = found.get_or_insert_with(|| Found {
                        schemas: Vec::new(),
                        required: false,
                    });
                    step.schemas.push(property);
                    step.required |= required;
                    next.push(target);
                }
            }
            last = Some(found?);
            current = next;
        }
        last
    }

    /// Marks every property the example shows, at every depth, documented.
    fn document_example(&mut self, schema: &'a Value, at: &str, example: &Value) {
        match example {
            Value::Object(members) => {
                for (alternative, identity) in self.alternatives(schema, at) {
                    for (key, value) in members {
                        let Some(property) = alternative
                            .pointer(&format!("/properties/{}", document::escape_segment(key)))
                        else {
                            continue;
                        };
                        self.documented.insert((identity.clone(), key.clone()));
                        self.document_example(
                            property,
                            &format!("{identity}/properties/{key}"),
                            value,
                        );
                    }
                }
            }
            Value::Array(items) => {
                for (alternative, identity) in self.alternatives(schema, at) {
                    if let Some(item_schema) = alternative.get("items") {
                        for item in items {
                            self.document_example(item_schema, &format!("{identity}/items"), item);
                        }
                    }
                }
            }
            _ => {}
        }
    }

    /// Counts, and reports, each required response property no official page shows.
    fn required_responses(&mut self) {
        let mut seen = BTreeSet::new();
        let mut stack: Vec<(&'a Value, String, String)> = Vec::new();
        for (path, method, op) in crate::normalize::walk::operations(self.doc) {
            let operation = format!("{} {path}", method.to_ascii_uppercase());
            for (status, response) in op
                .get("responses")
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
            {
                if !status.starts_with('2') {
                    continue;
                }
                let schema_at = format!("/responses/{status}/content/application~1json/schema");
                if let Some(schema) = response.pointer("/content/application~1json/schema") {
                    let at = format!("{}{schema_at}", operation_pointer(path, method));
                    stack.push((schema, at, format!("{operation} {status}")));
                }
            }
        }
        let error_schema = component(self.doc, "#/components/schemas/Error");
        if let Some(error) = error_schema {
            stack.push((
                error,
                "#/components/schemas/Error".into(),
                "error body".into(),
            ));
        }
        for (name, event) in self
            .doc
            .get(crate::normalize::downconvert::WEBHOOKS)
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            if let Some(schema) =
                event.pointer("/post/requestBody/content/application~1json/schema")
            {
                stack.push((
                    schema,
                    format!("webhook {name} schema"),
                    format!("webhook {name}"),
                ));
            }
        }
        // An inline schema's identity is its JSON pointer, the same one the examples' walk
        // gives it, so the two meet.
        while let Some((schema, at, context)) = stack.pop() {
            for (alternative, identity) in self.alternatives(schema, &at) {
                if !seen.insert(identity.clone()) {
                    continue;
                }
                let required = crate::normalize::walk::required_names(alternative.get("required"));
                for name in required {
                    self.counts.required_response_fields += 1;
                    if !self
                        .documented
                        .contains(&(identity.clone(), name.to_string()))
                    {
                        self.counts.required_undocumented += 1;
                        self.find(
                            format!("{context}: {identity}"),
                            format!(
                                "requires `{name}`, which no official example answer shows; \
                                 make it optional so an answer without it still parses"
                            ),
                        );
                    }
                }
                for (name, property) in alternative
                    .get("properties")
                    .and_then(Value::as_object)
                    .into_iter()
                    .flatten()
                {
                    stack.push((
                        property,
                        format!("{identity}/properties/{name}"),
                        context.clone(),
                    ));
                }
                if let Some(items) = alternative.get("items") {
                    stack.push((items, format!("{identity}/items"), context.clone()));
                }
                if let Some(extra) = alternative
                    .get("additionalProperties")
                    .filter(|v| v.is_object())
                {
                    stack.push((
                        extra,
                        format!("{identity}/additionalProperties"),
                        context.clone(),
                    ));
                }
            }
        }
    }
}

/// A field found by [`Checker::field`].
struct Found<'a> {
    /// Its schema as written (not resolved) in every alternative that has it.
    schemas: Vec<&'a Value>,
    /// Whether an alternative that has it requires it.
    required: bool,
}

/// `#/paths/~1things/post`.
fn operation_pointer(path: &str, method: &str) -> String {
    format!("#/paths/{}/{method}", document::escape_segment(path))
}

fn required_word(required: bool) -> &'static str {
    if required { "required" } else { "optional" }
}

fn is_string_schema(schema: &Value) -> bool {
    matches!(schema.get("type").and_then(Value::as_str), Some("string"))
}

fn same_number_or_value(a: &Value, b: &Value) -> bool {
    match (a.as_f64(), b.as_f64()) {
        (Some(x), Some(y)) => x == y,
        _ => a == b,
    }
}

/// Whether a request example is the docs renderer's `{"key": "value"}` placeholder.
pub fn is_placeholder(example: &str) -> bool {
    serde_json::from_str::<Value>(example).ok() == serde_json::from_str::<Value>(PLACEHOLDER).ok()
}

/// The whole part of JSON text that was cut short: everything up to the last complete member
/// or item, with the brackets still open closed. Complete text comes back unchanged.
pub fn complete_prefix(text: &str) -> String {
    let mut open: Vec<char> = Vec::new();
    // (byte offset after a complete value, the brackets open there)
    let mut last_whole: Option<(usize, Vec<char>)> = None;
    let mut in_string = false;
    let mut escaped = false;
    let mut expecting_value = false;
    for (i, c) in text.char_indices() {
        if in_string {
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => {
                    in_string = false;
                    if expecting_value || open.last() == Some(&'[') {
                        last_whole = Some((i + 1, open.clone()));
                        expecting_value = false;
                    }
                }
                _ => {}
            }
            continue;
        }
        match c {
            '"' => in_string = true,
            '{' | '[' => {
                open.push(c);
                expecting_value = false;
            }
            '}' | ']' => {
                open.pop();
                last_whole = Some((i + 1, open.clone()));
                expecting_value = false;
            }
            ':' => expecting_value = true,
            ',' => expecting_value = false,
            c if c.is_ascii_alphanumeric() || c == '-' || c == '.' => {
                // A number or literal ends where the next character is not part of it.
                let rest = &text[i + c.len_utf8()..];
                let ends = rest
                    .chars()
                    .next()
                    .is_some_and(|n| !(n.is_ascii_alphanumeric() || n == '.' || n == '-'));
                if ends {
                    last_whole = Some((i + c.len_utf8(), open.clone()));
                    expecting_value = false;
                }
            }
            _ => {}
        }
    }
    if open.is_empty() && !in_string {
        return text.to_string();
    }
    let Some((end, open)) = last_whole else {
        return String::new();
    };
    let mut whole = text[..end].to_string();
    for bracket in open.iter().rev() {
        whole.push(if *bracket == '{' { '}' } else { ']' });
    }
    whole
}

/// Prints the report: the counts, then each finding.
pub fn render(provider: &str, report: &Report) -> String {
    let c = &report.counts;
    let mut out = format!(
        "{provider}: operations {}/{}, parameters {}/{}, request fields {}/{}, documented \
         values {}/{}, required response fields without documentation {} of {}, examples {} \
         (+{} request placeholders)\n",
        c.operations.0,
        c.operations.1,
        c.parameters.0,
        c.parameters.1,
        c.request_fields.0,
        c.request_fields.1,
        c.values.0,
        c.values.1,
        c.required_undocumented,
        c.required_response_fields,
        c.examples,
        c.placeholders,
    );
    for finding in &report.findings {
        out.push_str(&format!(
            "  {}\n",
            crate::text::one_line(&finding.to_string())
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_cut_example_keeps_its_whole_part() {
        let cut = "{\n \"a\": {\"b\": 1, \"c\": [\"x\", \"y\"]},\n \"d\": [{\"e\": \"f\", \"g\": [";
        let whole: Value = serde_json::from_str(&complete_prefix(cut)).unwrap();
        assert_eq!(
            whole,
            json!({"a": {"b": 1, "c": ["x", "y"]}, "d": [{"e": "f"}]})
        );
        let complete = r#"{"a": true, "b": null}"#;
        assert_eq!(complete_prefix(complete), complete);
        let mid_string = r#"{"a": 12, "b": "unfini"#;
        let whole: Value = serde_json::from_str(&complete_prefix(mid_string)).unwrap();
        assert_eq!(whole, json!({"a": 12}));
    }

    fn doc() -> Value {
        json!({
            "openapi": "3.0.3",
            "paths": {"/things": {"post": {
                "requestBody": {"content": {"application/json": {"schema": {
                    "type": "object", "required": ["name"],
                    "properties": {
                        "name": {"type": "string"},
                        "color": {"type": "string", "enum": ["red"]},
                        "tags": {"type": "array", "items": {"$ref": "#/components/schemas/Tag"}}
                    }}}}},
                "responses": {"201": {"description": "ok", "content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/Thing"}}}}}
            }}},
            "components": {"schemas": {
                "Tag": {"type": "object", "properties": {"label": {"type": "string"}}},
                "Thing": {"type": "object", "required": ["id", "secret"],
                    "properties": {"id": {"type": "string"}, "secret": {"type": "string"},
                        "note": {"type": "string"}}}
            }}
        })
    }

    fn inventory(yaml: &str) -> Inventory {
        let value = document::parse(yaml, "test.yaml", document::Format::Yaml).unwrap();
        serde_json::from_value(value).unwrap()
    }

    #[test]
    fn departures_from_the_docs_are_counted_and_named() {
        let inventory = inventory(
            r#"
captured: today
operations:
  - operation: POST /v1/things
    request:
      name: {required: true}
      color: {values: [red, blue], open: true}
      tags[].label: {}
      size: {}
    request-one-of: [[name], [tags]]
    response:
      status: '201'
      label: Thing created
      example: '{"id": "x", "note": "y"}'
      fields:
        note: {nullable: true}
  - operation: GET /v1/things
"#,
        );
        let report = check(&doc(), &inventory, Some("/v1")).unwrap();
        let c = &report.counts;
        assert_eq!(c.operations, (1, 2));
        assert_eq!(c.request_fields, (3, 5));
        assert_eq!(c.values, (1, 4));
        assert_eq!(
            (c.required_undocumented, c.required_response_fields),
            (1, 2)
        );
        let text: Vec<String> = report.findings.iter().map(ToString::to_string).collect();
        assert!(
            text.iter()
                .any(|f| f.contains("GET /v1/things") && f.contains("missing"))
        );
        assert!(
            text.iter()
                .any(|f| f.contains("`size`") && f.contains("missing"))
        );
        assert!(
            text.iter()
                .any(|f| f.contains("\"blue\"") && f.contains("refuses"))
        );
        assert!(
            text.iter()
                .any(|f| f.contains("`note`") && f.contains("nullable"))
        );
        assert!(
            text.iter()
                .any(|f| f.contains("#/components/schemas/Thing") && f.contains("`secret`")),
            "{text:#?}"
        );
    }
}
