//! `cargo xtask drift`: what changed between two versions of an API document, and whether the
//! change breaks clients generated from the old one.
//!
//! Both documents are first brought to the same form (3.1 down to 3.0, shared responses
//! inlined), so a change of OpenAPI version or of document layout is not reported as an API
//! change. Then operations, parameters, request bodies, responses and schemas are compared.
//! A change is **breaking** when a client generated from the old document can fail against the
//! new API:
//!
//! | where | breaking | additive |
//! |---|---|---|
//! | operations | removed | added |
//! | parameters, request fields | removed; added as required; optional→required; type, format or default changed; nullable→not | added as optional; required→optional; not→nullable |
//! | request enums | value removed | value added |
//! | response fields | removed; required→optional; not→nullable; type or format changed | added; optional→required; nullable→not |
//! | response enums | | value added or removed (enums are open) |
//! | success statuses | removed; added (older clients treat it as unexpected) | |
//! | error statuses | | added or removed |
//! | unions (`oneOf`/`anyOf`) | a request variant removed; a response variant added | a request variant added; a response variant removed |
//!
//! Descriptions, summaries and examples are not compared.

use std::collections::BTreeSet;
use std::fmt::Write;

use anyhow::Result;
use serde_json::{Map, Value};

use crate::normalize::{operations, to_openapi_30};
use crate::notes::Notes;
use crate::schemas::ref_name;

/// Whether a change can break a client generated from the old document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Impact {
    /// An old client can fail against the new API.
    Breaking,
    /// Old clients keep working.
    Additive,
}

/// One difference between the documents.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Change {
    /// Breaking or additive.
    pub impact: Impact,
    /// Where: `POST /agents request body .model`, `schema Agent .history[]`, ...
    pub place: String,
    /// What changed there.
    pub what: String,
    /// For a change in a shared component schema, every operation that reaches it in the new
    /// document (`GET /agents/{agentId}`); empty otherwise.
    pub affects: Vec<String>,
}

/// Every difference found, sorted: breaking first.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// The changes.
    pub changes: Vec<Change>,
}

impl Report {
    /// How many changes are breaking.
    pub fn breaking(&self) -> usize {
        self.changes
            .iter()
            .filter(|c| c.impact == Impact::Breaking)
            .count()
    }

    /// The version bump a crate generated from the old document needs: major when a change
    /// breaks clients, minor when something was added, patch when nothing changed.
    pub fn bump(&self) -> Bump {
        if self.breaking() > 0 {
            Bump::Major
        } else if self.changes.is_empty() {
            Bump::Patch
        } else {
            Bump::Minor
        }
    }

    /// The report as text, naming the two documents compared. Every string that comes from
    /// the documents is on one line, with control and direction characters and runs of three
    /// backticks (which would close a fence the text is pasted into) escaped.
    pub fn render(&self, old: &str, new: &str) -> String {
        let (old, new) = (safe_text(old), safe_text(new));
        let mut out = String::new();
        if self.changes.is_empty() {
            let _ = writeln!(out, "No API changes from {old} to {new}.");
        } else {
            let breaking = self.breaking();
            let additive = self.changes.len() - breaking;
            let _ = writeln!(
                out,
                "API drift from {old} to {new}: {breaking} breaking, {additive} additive."
            );
            for (impact, title, mark) in [
                (Impact::Breaking, "Breaking", '-'),
                (Impact::Additive, "Additive", '+'),
            ] {
                let group: Vec<&Change> =
                    self.changes.iter().filter(|c| c.impact == impact).collect();
                if group.is_empty() {
                    continue;
                }
                let _ = writeln!(out, "\n{title}:");
                for change in group {
                    let _ = writeln!(
                        out,
                        "  {mark} {}: {}",
                        safe_text(&change.place),
                        safe_text(&change.what)
                    );
                    if !change.affects.is_empty() {
                        let _ = writeln!(
                            out,
                            "      affects {}",
                            safe_text(&change.affects.join(", "))
                        );
                    }
                }
            }
        }
        let bump = self.bump();
        let _ = writeln!(
            out,
            "\nVersion bump the generated crate needs: {} ({}).",
            bump.as_str(),
            bump.why()
        );
        out
    }

    /// The report as Markdown that is safe to paste into a pull request body: every string from
    /// the documents is escaped so it renders as the text it is (no markup, no links, no HTML,
    /// no fence it could close), one line each.
    pub fn render_markdown(&self, old: &str, new: &str) -> String {
        let (old, new) = (safe_markdown(old), safe_markdown(new));
        let mut out = String::new();
        let breaking = self.breaking();
        let additive = self.changes.len() - breaking;
        let _ = writeln!(out, "### API drift\n");
        if self.changes.is_empty() {
            let _ = writeln!(out, "No API changes from {old} to {new}.");
        } else {
            let _ = writeln!(
                out,
                "From {old} to {new}: **{breaking} breaking**, {additive} additive."
            );
            for (impact, title) in [
                (Impact::Breaking, "Breaking"),
                (Impact::Additive, "Additive"),
            ] {
                let group: Vec<&Change> =
                    self.changes.iter().filter(|c| c.impact == impact).collect();
                if group.is_empty() {
                    continue;
                }
                let _ = writeln!(
                    out,
                    "\n#### {title}\n\n| Where | What changed | Operations it affects |\n|---|---|---|"
                );
                for change in group {
                    let _ = writeln!(
                        out,
                        "| {} | {} | {} |",
                        safe_markdown(&change.place),
                        safe_markdown(&change.what),
                        safe_markdown(&change.affects.join(", "))
                    );
                }
            }
        }
        let bump = self.bump();
        let _ = writeln!(
            out,
            "\nVersion bump the generated crate needs: **{}** ({}).",
            bump.as_str(),
            bump.why()
        );
        out
    }

    /// The report as JSON, for tools: the documents, the counts, the bump and every change.
    pub fn render_json(&self, old: &str, new: &str) -> String {
        let changes: Vec<Value> = self
            .changes
            .iter()
            .map(|c| {
                serde_json::json!({
                    "impact": match c.impact {
                        Impact::Breaking => "breaking",
                        Impact::Additive => "additive",
                    },
                    "place": c.place,
                    "what": c.what,
                    "affects": c.affects,
                })
            })
            .collect();
        let report = serde_json::json!({
            "old": old,
            "new": new,
            "breaking": self.breaking(),
            "additive": self.changes.len() - self.breaking(),
            "bump": self.bump().as_str(),
            "changes": changes,
        });
        let mut text = serde_json::to_string_pretty(&report).unwrap_or_default();
        text.push('\n');
        text
    }
}

/// The semver consequence of a drift report for the generated crate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bump {
    /// Something a client relied on changed.
    Major,
    /// Something was added.
    Minor,
    /// Nothing a client sees changed.
    Patch,
}

impl Bump {
    /// `major`, `minor` or `patch`.
    pub fn as_str(self) -> &'static str {
        match self {
            Bump::Major => "major",
            Bump::Minor => "minor",
            Bump::Patch => "patch",
        }
    }

    fn why(self) -> &'static str {
        match self {
            Bump::Major => "a change breaks clients generated from the old document",
            Bump::Minor => "something was added; old clients keep working",
            Bump::Patch => "no change a client can see",
        }
    }
}

/// A string from a document, for the text report: one line, control and direction characters
/// escaped, and no run of three backticks.
fn safe_text(text: &str) -> String {
    crate::text::one_line(text).replace("```", "`\\u{60}`")
}

/// A string from a document, for Markdown: one line, and every character Markdown or HTML
/// could read as markup escaped (backslash escapes, and entities for `<`, `>`, `&` and `|`).
fn safe_markdown(text: &str) -> String {
    let mut out = String::new();
    for c in crate::text::one_line(text).chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '|' => out.push_str("&#124;"),
            '\\' | '`' | '*' | '_' | '{' | '}' | '[' | ']' | '(' | ')' | '#' | '+' | '-' | '.'
            | '!' | '~' | ':' | '@' => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

/// Brings a document to the form `compare` reads: OpenAPI 3.0, shared responses, bodies and
/// parameters inlined, schema references made into component references.
pub fn prepare(mut doc: Value, origin: &str) -> Result<Value> {
    to_openapi_30(&mut doc, None, origin, &mut Notes::default())?;
    Ok(doc)
}

/// Compares two prepared documents.
pub fn compare(old: &Value, new: &Value) -> Report {
    let mut differ = Differ {
        old,
        new,
        changes: Vec::new(),
        seen: BTreeSet::new(),
    };
    differ.operations();
    let mut changes = differ.changes;
    let users = schema_users(new);
    for change in &mut changes {
        if let Some(name) = change
            .place
            .strip_prefix("schema ")
            .and_then(|rest| rest.split(' ').next())
        {
            change.affects = users.get(name).cloned().unwrap_or_default();
        }
    }
    changes.sort();
    changes.dedup();
    Report { changes }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Side {
    Request,
    Response,
}

struct Differ<'a> {
    old: &'a Value,
    new: &'a Value,
    changes: Vec<Change>,
    /// Component pairs already compared, per side, so shared schemas report once.
    seen: BTreeSet<(String, String, Side)>,
}

fn key(path: &str, method: &str) -> String {
    format!("{} {path}", method.to_uppercase())
}

/// Each component schema, with the operations whose parameters, request body or responses
/// reach it (through any chain of references), by label.
fn schema_users(doc: &Value) -> std::collections::BTreeMap<String, Vec<String>> {
    let mut users: std::collections::BTreeMap<String, Vec<String>> = Default::default();
    for (path, method, op) in operations(doc) {
        let mut reached = BTreeSet::new();
        crate::schemas::referenced_schemas(&Value::Object(op.clone()), &mut reached);
        let mut queue: Vec<String> = reached.iter().cloned().collect();
        while let Some(name) = queue.pop() {
            let mut next = BTreeSet::new();
            if let Some(schema) = doc.pointer(&format!(
                "/components/schemas/{}",
                crate::document::escape_segment(&name)
            )) {
                crate::schemas::referenced_schemas(schema, &mut next);
            }
            for found in next {
                if reached.insert(found.clone()) {
                    queue.push(found);
                }
            }
        }
        for name in reached {
            users.entry(name).or_default().push(key(path, method));
        }
    }
    for operations in users.values_mut() {
        operations.sort();
    }
    users
}

/// An operation's method and path with its parameter names blanked: `GET /agents/{}`.
fn shape(method: &str, path: &str) -> String {
    let mut out = String::new();
    let mut in_name = false;
    for c in path.chars() {
        match c {
            '{' => {
                in_name = true;
                out.push_str("{}");
            }
            '}' => in_name = false,
            c if !in_name => out.push(c),
            _ => {}
        }
    }
    key(&out, method)
}

/// The path parameter names of a path template, in order.
fn path_names(path: &str) -> Vec<String> {
    path.split('{')
        .skip(1)
        .filter_map(|rest| rest.split_once('}').map(|(name, _)| name.to_string()))
        .collect()
}

/// An operation as a client meets it: the path item's parameters merged in (the operation's
/// win), its security or else the document's, and its path template kept under `x-path`.
fn effective(doc: &Value, path: &str, op: &Map<String, Value>) -> Map<String, Value> {
    let mut op = op.clone();
    let label = |p: &Value| {
        (
            p.get("name").cloned().unwrap_or(Value::Null),
            p.get("in").cloned().unwrap_or(Value::Null),
        )
    };
    let mut parameters: Vec<Value> = op
        .get("parameters")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let shared = doc
        .get("paths")
        .and_then(|paths| paths.get(path))
        .and_then(|item| item.get("parameters"))
        .and_then(Value::as_array);
    for parameter in shared.into_iter().flatten() {
        if !parameters.iter().any(|p| label(p) == label(parameter)) {
            parameters.push(parameter.clone());
        }
    }
    if !parameters.is_empty() {
        op.insert("parameters".into(), Value::Array(parameters));
    }
    if !op.contains_key("security")
        && let Some(security) = doc.get("security")
    {
        op.insert("security".into(), security.clone());
    }
    op.insert("x-path".into(), Value::String(path.to_string()));
    op
}

/// The old operation with its path parameters named as the new path names them, by position.
fn rename_path_parameters(
    old: &Map<String, Value>,
    new: &Map<String, Value>,
) -> Map<String, Value> {
    let names = |op: &Map<String, Value>| {
        path_names(op.get("x-path").and_then(Value::as_str).unwrap_or(""))
    };
    let (old_names, new_names) = (names(old), names(new));
    let mut old = old.clone();
    if old_names == new_names {
        return old;
    }
    if let Some(Value::Array(parameters)) = old.get_mut("parameters") {
        for parameter in parameters.iter_mut() {
            if parameter.get("in").and_then(Value::as_str) != Some("path") {
                continue;
            }
            let name = parameter
                .get("name")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string();
            if let Some(position) = old_names.iter().position(|n| *n == name)
                && let Some(renamed) = new_names.get(position)
            {
                parameter["name"] = Value::String(renamed.clone());
            }
        }
    }
    old
}

/// Security alternatives as text: `bearerAuth`, `apiKey + oauth`, `none`.
fn describe_security(alternatives: &[BTreeSet<String>]) -> String {
    if alternatives.is_empty() {
        return "none".into();
    }
    alternatives
        .iter()
        .map(|a| {
            if a.is_empty() {
                "none".to_string()
            } else {
                a.iter().cloned().collect::<Vec<_>>().join(" + ")
            }
        })
        .collect::<Vec<_>>()
        .join(" or ")
}

impl Differ<'_> {
    fn push(&mut self, impact: Impact, place: &str, what: impl Into<String>) {
        self.changes.push(Change {
            impact,
            place: place.to_string(),
            what: what.into(),
            affects: Vec::new(),
        });
    }

    fn operations(&mut self) {
        // Operations match by method and path shape (`/agents/{}`): renaming a path parameter
        // changes nothing on the wire. Each carries its effective parameters (the path item's
        // merged in, the operation's winning) and its effective security.
        let collect = |doc: &Value| -> Vec<(String, String, Map<String, Value>)> {
            operations(doc)
                .into_iter()
                .map(|(p, m, op)| (shape(m, p), key(p, m), effective(doc, p, op)))
                .collect()
        };
        let old = collect(self.old);
        let new = collect(self.new);
        for (shape, name, _) in &old {
            if !new.iter().any(|(s, _, _)| s == shape) {
                self.push(Impact::Breaking, name, "operation removed");
            }
        }
        for (shape, name, _) in &new {
            if !old.iter().any(|(s, _, _)| s == shape) {
                self.push(Impact::Additive, name, "operation added");
            }
        }
        for (shape, _, old_op) in &old {
            if let Some((_, name, new_op)) = new.iter().find(|(s, _, _)| s == shape) {
                let old_op = rename_path_parameters(old_op, new_op);
                self.security(name, &old_op, new_op);
                self.operation(name, &old_op, new_op);
            }
        }
    }

    /// What an old client sends for authentication against what the new operation requires.
    fn security(&mut self, place: &str, old: &Map<String, Value>, new: &Map<String, Value>) {
        let alternatives = |op: &Map<String, Value>| -> Vec<BTreeSet<String>> {
            op.get("security")
                .and_then(Value::as_array)
                .map(|list| {
                    list.iter()
                        .map(|requirement| {
                            requirement
                                .as_object()
                                .map(|r| r.keys().cloned().collect())
                                .unwrap_or_default()
                        })
                        .collect()
                })
                .unwrap_or_default()
        };
        let (old_alternatives, new_alternatives) = (alternatives(old), alternatives(new));
        let open = |alternatives: &[BTreeSet<String>]| {
            alternatives.is_empty() || alternatives.iter().any(BTreeSet::is_empty)
        };
        let at = format!("{place} security");
        match (open(&old_alternatives), open(&new_alternatives)) {
            (true, false) => self.push(Impact::Breaking, &at, "authentication is now required"),
            (false, true) => self.push(
                Impact::Additive,
                &at,
                "authentication is no longer required",
            ),
            (false, false) => {
                // An old client sends one of the old alternatives; each must still satisfy
                // one of the new ones.
                let covered = old_alternatives
                    .iter()
                    .all(|sent| new_alternatives.iter().any(|needed| needed.is_subset(sent)));
                if !covered {
                    self.push(
                        Impact::Breaking,
                        &at,
                        format!(
                            "requires {} instead of {}",
                            describe_security(&new_alternatives),
                            describe_security(&old_alternatives)
                        ),
                    );
                } else if old_alternatives != new_alternatives {
                    self.push(
                        Impact::Additive,
                        &at,
                        format!("also accepts {}", describe_security(&new_alternatives)),
                    );
                }
                for scheme in old_alternatives.iter().flatten() {
                    let (o, n) = (
                        self.old
                            .pointer(&format!("/components/securitySchemes/{scheme}")),
                        self.new
                            .pointer(&format!("/components/securitySchemes/{scheme}")),
                    );
                    if let (Some(o), Some(n)) = (o, n)
                        && new_alternatives.iter().any(|a| a.contains(scheme))
                    {
                        let how = |s: &Value| {
                            ["type", "scheme", "in", "name"]
                                .map(|k| s.get(k).cloned().unwrap_or(Value::Null))
                        };
                        if how(o) != how(n) {
                            self.push(
                                Impact::Breaking,
                                &format!("{at} `{scheme}`"),
                                "the scheme is sent differently (type, scheme, location or name)",
                            );
                        }
                    }
                }
            }
            (true, true) => {}
        }
    }

    fn operation(&mut self, place: &str, old: &Map<String, Value>, new: &Map<String, Value>) {
        self.parameters(place, old.get("parameters"), new.get("parameters"));

        let old_body = old.get("requestBody");
        let new_body = new.get("requestBody");
        let body_place = format!("{place} request body");
        match (old_body, new_body) {
            (Some(_), None) => self.push(Impact::Breaking, &body_place, "request body removed"),
            (None, Some(body)) => {
                if is_required(body) {
                    self.push(Impact::Breaking, &body_place, "required request body added");
                } else {
                    self.push(Impact::Additive, &body_place, "optional request body added");
                }
            }
            (Some(old_body), Some(new_body)) => {
                if !is_required(old_body) && is_required(new_body) {
                    self.push(
                        Impact::Breaking,
                        &body_place,
                        "request body became required",
                    );
                }
                if let (Some(o), Some(n)) = (json_schema(old_body), json_schema(new_body)) {
                    self.schema(Side::Request, &body_place, o, n);
                }
            }
            (None, None) => {}
        }

        let empty = Map::new();
        let old_responses = old
            .get("responses")
            .and_then(Value::as_object)
            .unwrap_or(&empty);
        let new_responses = new
            .get("responses")
            .and_then(Value::as_object)
            .unwrap_or(&empty);
        for (status, old_response) in old_responses {
            let at = format!("{place} response {status}");
            match new_responses.get(status) {
                None if status.starts_with('2') => {
                    self.push(Impact::Breaking, &at, "success response removed")
                }
                None => self.push(Impact::Additive, &at, "error response removed"),
                Some(new_response) => {
                    match (json_schema(old_response), json_schema(new_response)) {
                        (Some(o), Some(n)) => self.schema(Side::Response, &at, o, n),
                        (Some(_), None) => {
                            self.push(Impact::Breaking, &at, "response body removed")
                        }
                        (None, Some(_)) => self.push(Impact::Additive, &at, "response body added"),
                        (None, None) => {}
                    }
                }
            }
        }
        for status in new_responses.keys() {
            if !old_responses.contains_key(status) {
                let at = format!("{place} response {status}");
                if status.starts_with('2') {
                    self.push(
                        Impact::Breaking,
                        &at,
                        "success status added (older clients treat it as unexpected)",
                    );
                } else {
                    self.push(Impact::Additive, &at, "error response added");
                }
            }
        }
    }

    fn parameters(&mut self, place: &str, old: Option<&Value>, new: Option<&Value>) {
        let list = |v: Option<&Value>| -> Vec<Value> {
            v.and_then(Value::as_array).cloned().unwrap_or_default()
        };
        let label = |p: &Value| {
            format!(
                "{} `{}`",
                p.get("in").and_then(Value::as_str).unwrap_or("?"),
                p.get("name").and_then(Value::as_str).unwrap_or("?")
            )
        };
        let old = list(old);
        let new = list(new);
        for o in &old {
            let at = format!("{place} {}", label(o));
            match new.iter().find(|n| label(n) == label(o)) {
                None => self.push(Impact::Breaking, &at, "parameter removed"),
                Some(n) => {
                    if !is_required(o) && is_required(n) {
                        self.push(Impact::Breaking, &at, "parameter became required");
                    } else if is_required(o) && !is_required(n) {
                        self.push(Impact::Additive, &at, "parameter became optional");
                    }
                    if let (Some(os), Some(ns)) = (o.get("schema"), n.get("schema")) {
                        self.schema(Side::Request, &at, os, ns);
                    }
                }
            }
        }
        for n in &new {
            if !old.iter().any(|o| label(o) == label(n)) {
                let at = format!("{place} {}", label(n));
                if is_required(n) {
                    self.push(Impact::Breaking, &at, "required parameter added");
                } else {
                    self.push(Impact::Additive, &at, "optional parameter added");
                }
            }
        }
    }

    /// Compares two schemas at `place`; component references are compared once, by name.
    fn schema(&mut self, side: Side, place: &str, old: &Value, new: &Value) {
        let old_ref = old.get("$ref").and_then(Value::as_str).and_then(ref_name);
        let new_ref = new.get("$ref").and_then(Value::as_str).and_then(ref_name);
        if old_ref.is_some() || new_ref.is_some() {
            let pair = (
                old_ref.unwrap_or("").to_string(),
                new_ref.unwrap_or("").to_string(),
                side,
            );
            let place = match (old_ref, new_ref) {
                (Some(o), Some(n)) if o == n => format!("schema {o}"),
                _ => place.to_string(),
            };
            if !self.seen.insert(pair) {
                return;
            }
            let old = resolve(self.old, old);
            let new = resolve(self.new, new);
            self.schema_body(side, &place, old, new);
            return;
        }
        self.schema_body(side, place, old, new);
    }

    fn schema_body(&mut self, side: Side, place: &str, old: &Value, new: &Value) {
        let (old, new) = (transparent(old), transparent(new));
        if old.get("$ref").is_some() || new.get("$ref").is_some() {
            return self.schema(side, place, old, new);
        }
        let (old_type, new_type) = (type_name(old), type_name(new));
        if old_type != new_type {
            // Widening what a client may send, or narrowing what it receives, breaks nothing:
            // an integer is a number.
            let impact = match (side, old_type.as_str(), new_type.as_str()) {
                (Side::Request, "integer", "number") | (Side::Response, "number", "integer") => {
                    Impact::Additive
                }
                _ => Impact::Breaking,
            };
            return self.push(
                impact,
                place,
                format!("type changed from {old_type} to {new_type}"),
            );
        }
        let format = |s: &Value| s.get("format").and_then(Value::as_str).map(str::to_string);
        let (old_format, new_format) = (format(old), format(new));
        if old_format != new_format {
            let formats = (old_format.as_deref(), new_format.as_deref());
            // Dropping a format accepts any value of the old one; a wider number holds the
            // narrower one.
            let widens = matches!(
                formats,
                (Some(_), None) | (Some("int32"), Some("int64")) | (Some("float"), Some("double"))
            );
            let narrows = matches!(
                formats,
                (None, Some(_)) | (Some("int64"), Some("int32")) | (Some("double"), Some("float"))
            );
            let impact = match side {
                Side::Request if widens => Impact::Additive,
                Side::Response if narrows => Impact::Additive,
                _ => Impact::Breaking,
            };
            let show = |f: Option<String>| f.unwrap_or_else(|| "none".into());
            self.push(
                impact,
                place,
                format!(
                    "format changed from {} to {}",
                    show(old_format),
                    show(new_format)
                ),
            );
        }
        self.constraints(side, place, old, new);
        let (old_null, new_null) = (is_nullable(old), is_nullable(new));
        match (side, old_null, new_null) {
            (Side::Request, true, false) => {
                self.push(Impact::Breaking, place, "no longer accepts null")
            }
            (Side::Request, false, true) => self.push(Impact::Additive, place, "now accepts null"),
            (Side::Response, false, true) => self.push(Impact::Breaking, place, "may now be null"),
            (Side::Response, true, false) => {
                self.push(Impact::Additive, place, "is never null now")
            }
            _ => {}
        }
        if side == Side::Request && old.get("default") != new.get("default") {
            let show = |v: Option<&Value>| v.map(Value::to_string).unwrap_or_else(|| "none".into());
            self.push(
                Impact::Breaking,
                place,
                format!(
                    "default changed from {} to {}",
                    show(old.get("default")),
                    show(new.get("default"))
                ),
            );
        }
        self.enum_values(side, place, old, new);
        self.properties(side, place, old, new);
        for (key, suffix) in [("items", "[]"), ("additionalProperties", "{*}")] {
            if let (Some(o), Some(n)) = (old.get(key), new.get(key))
                && o.is_object()
                && n.is_object()
            {
                self.schema(side, &format!("{place}{suffix}"), o, n);
            }
        }
        self.unions(side, place, old, new);
    }

    /// Limits on values: a tighter one refuses what a client sent before (breaking in a
    /// request), a looser one lets through what a client did not expect (breaking in a
    /// response); the other direction breaks nothing.
    fn constraints(&mut self, side: Side, place: &str, old: &Value, new: &Value) {
        const UPPER: [&str; 4] = ["maxLength", "maximum", "maxItems", "maxProperties"];
        const LOWER: [&str; 4] = ["minLength", "minimum", "minItems", "minProperties"];
        let number = |s: &Value, key: &str| s.get(key).and_then(Value::as_f64);
        for key in UPPER.iter().chain(LOWER.iter()) {
            let (o, n) = (number(old, key), number(new, key));
            if o == n {
                continue;
            }
            let upper = UPPER.contains(key);
            let tighter = match (o, n) {
                (None, Some(_)) => true,
                (Some(_), None) => false,
                (Some(o), Some(n)) => (upper && n < o) || (!upper && n > o),
                (None, None) => continue,
            };
            let impact = match (side, tighter) {
                (Side::Request, true) | (Side::Response, false) => Impact::Breaking,
                _ => Impact::Additive,
            };
            let show = |v: Option<f64>| v.map_or_else(|| "none".to_string(), |v| v.to_string());
            self.push(
                impact,
                place,
                format!("`{key}` changed from {} to {}", show(o), show(n)),
            );
        }
        let (o, n) = (old.get("pattern"), new.get("pattern"));
        if o != n {
            // A pattern removed accepts more; one added or changed may refuse what passed.
            let impact = match (side, n.is_none()) {
                (Side::Request, true) => Impact::Additive,
                (Side::Response, false) if o.is_none() => Impact::Additive,
                _ => Impact::Breaking,
            };
            self.push(impact, place, "`pattern` changed");
        }
    }

    fn enum_values(&mut self, side: Side, place: &str, old: &Value, new: &Value) {
        let values = |s: &Value| -> Vec<String> {
            s.get("enum")
                .and_then(Value::as_array)
                .map(|v| {
                    v.iter()
                        .map(|x| {
                            x.as_str()
                                .map(str::to_string)
                                .unwrap_or_else(|| x.to_string())
                        })
                        .collect()
                })
                .unwrap_or_default()
        };
        let (old_values, new_values) = (values(old), values(new));
        if old_values.is_empty() && new_values.is_empty() {
            return;
        }
        for value in &old_values {
            if !new_values.contains(value) {
                let impact = match side {
                    Side::Request => Impact::Breaking,
                    Side::Response => Impact::Additive,
                };
                self.push(impact, place, format!("enum value `{value}` removed"));
            }
        }
        for value in &new_values {
            if !old_values.contains(value) {
                self.push(
                    Impact::Additive,
                    place,
                    format!("enum value `{value}` added"),
                );
            }
        }
    }

    fn properties(&mut self, side: Side, place: &str, old: &Value, new: &Value) {
        let empty = Map::new();
        let old_props = old
            .get("properties")
            .and_then(Value::as_object)
            .unwrap_or(&empty);
        let new_props = new
            .get("properties")
            .and_then(Value::as_object)
            .unwrap_or(&empty);
        let (old_required, new_required) = (required_fields(old), required_fields(new));
        for (name, old_prop) in old_props {
            let at = format!("{place} .{name}");
            let Some(new_prop) = new_props.get(name) else {
                self.push(Impact::Breaking, &at, "field removed");
                continue;
            };
            let (was, is) = (old_required.contains(name), new_required.contains(name));
            match (side, was, is) {
                (Side::Request, false, true) => {
                    self.push(Impact::Breaking, &at, "field became required")
                }
                (Side::Request, true, false) => {
                    self.push(Impact::Additive, &at, "field became optional")
                }
                (Side::Response, true, false) => {
                    self.push(Impact::Breaking, &at, "field may now be missing")
                }
                (Side::Response, false, true) => {
                    self.push(Impact::Additive, &at, "field is always present now")
                }
                _ => {}
            }
            self.schema(side, &at, old_prop, new_prop);
        }
        for (name, new_prop) in new_props {
            if old_props.contains_key(name) {
                continue;
            }
            let at = format!("{place} .{name}");
            let ty = type_name(transparent(new_prop));
            match (side, new_required.contains(name)) {
                (Side::Request, true) => self.push(
                    Impact::Breaking,
                    &at,
                    format!("required field added ({ty})"),
                ),
                (Side::Request, false) => self.push(
                    Impact::Additive,
                    &at,
                    format!("optional field added ({ty})"),
                ),
                (Side::Response, _) => {
                    self.push(Impact::Additive, &at, format!("field added ({ty})"))
                }
            }
        }
    }

    fn unions(&mut self, side: Side, place: &str, old: &Value, new: &Value) {
        for key in ["oneOf", "anyOf"] {
            let branches = |s: &Value| -> Vec<Value> {
                s.get(key)
                    .and_then(Value::as_array)
                    .cloned()
                    .unwrap_or_default()
            };
            let (old_branches, new_branches) = (branches(old), branches(new));
            if old_branches.is_empty() && new_branches.is_empty() {
                continue;
            }
            let label = |b: &Value| type_name(b);
            for (i, o) in old_branches.iter().enumerate() {
                match new_branches.iter().find(|n| label(n) == label(o)) {
                    Some(n) => self.schema(side, &format!("{place} {key}[{i}]"), o, n),
                    None => {
                        let impact = match side {
                            Side::Request => Impact::Breaking,
                            Side::Response => Impact::Additive,
                        };
                        self.push(impact, place, format!("{key} variant {} removed", label(o)));
                    }
                }
            }
            for n in &new_branches {
                if !old_branches.iter().any(|o| label(o) == label(n)) {
                    let (impact, why) = match side {
                        Side::Request => (Impact::Additive, ""),
                        Side::Response => (Impact::Breaking, " (older clients cannot read it)"),
                    };
                    self.push(
                        impact,
                        place,
                        format!("{key} variant {} added{why}", label(n)),
                    );
                }
            }
        }
    }
}

/// A schema's `application/json` body schema, if any.
fn json_schema(holder: &Value) -> Option<&Value> {
    holder.pointer("/content/application~1json/schema")
}

fn is_required(holder: &Value) -> bool {
    holder.get("required") == Some(&Value::Bool(true))
}

fn is_nullable(schema: &Value) -> bool {
    schema.get("nullable") == Some(&Value::Bool(true))
}

fn required_fields(schema: &Value) -> BTreeSet<String> {
    schema
        .get("required")
        .and_then(Value::as_array)
        .map(|r| {
            r.iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

/// A schema that only wraps one other (`allOf: [X]`, nullable or not) stands for that other.
fn transparent(schema: &Value) -> &Value {
    match schema.get("allOf").and_then(Value::as_array) {
        Some(all) if all.len() == 1 && schema.get("properties").is_none() => &all[0],
        _ => schema,
    }
}

fn resolve<'a>(doc: &'a Value, schema: &'a Value) -> &'a Value {
    static EMPTY: Value = Value::Null;
    match schema
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(ref_name)
    {
        Some(name) => doc
            .pointer(&format!("/components/schemas/{name}"))
            .unwrap_or(&EMPTY),
        None => schema,
    }
}

/// A short name for a schema's type, for messages and for matching union branches.
fn type_name(schema: &Value) -> String {
    if let Some(name) = schema.get("$ref").and_then(Value::as_str) {
        return ref_name(name).unwrap_or(name).to_string();
    }
    if let Some(ty) = schema.get("type").and_then(Value::as_str) {
        return ty.to_string();
    }
    if schema.get("properties").is_some() {
        return "object".to_string();
    }
    for key in ["oneOf", "anyOf", "allOf"] {
        if schema.get(key).is_some() {
            return key.to_string();
        }
    }
    "any".to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn spec(paths: Value, schemas: Value) -> Value {
        json!({"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": paths,
               "components": {"schemas": schemas}})
    }

    fn op(body: Value, response: Value) -> Value {
        json!({"/agents": {"post": {
            "requestBody": {"required": true, "content": {"application/json": {"schema": body}}},
            "responses": {"202": {"description": "ok", "content": {"application/json": {"schema": response}}}}}}})
    }

    fn lines(old: Value, new: Value) -> Vec<String> {
        compare(&old, &new)
            .changes
            .into_iter()
            .map(|c| format!("{:?} {}: {}", c.impact, c.place, c.what))
            .collect()
    }

    fn get(path: &str, parameters: Value, security: Option<Value>) -> Value {
        let mut op = json!({"parameters": parameters,
            "responses": {"200": {"description": "ok"}}});
        if let Some(security) = security {
            op["security"] = security;
        }
        json!({path: {"get": op}})
    }

    fn id_param(name: &str) -> Value {
        json!({"name": name, "in": "path", "required": true, "schema": {"type": "string"}})
    }

    #[test]
    fn moving_a_parameter_to_the_path_item_or_renaming_a_path_parameter_changes_nothing() {
        let old = spec(
            get("/agents/{agentId}", json!([id_param("agentId")]), None),
            json!({}),
        );
        let mut moved = spec(get("/agents/{agentId}", json!([]), None), json!({}));
        moved["paths"]["/agents/{agentId}"]["parameters"] = json!([id_param("agentId")]);
        assert!(lines(old.clone(), moved).is_empty());
        let renamed = spec(
            get("/agents/{id}", json!([id_param("id")]), None),
            json!({}),
        );
        assert!(lines(old.clone(), renamed).is_empty());
        // A different shape is another operation.
        let other = spec(
            get("/agents/{id}/runs", json!([id_param("id")]), None),
            json!({}),
        );
        assert_eq!(lines(old, other).len(), 2);
    }

    #[test]
    fn security_requirements_are_compared_as_what_an_old_client_sends() {
        let with = |security: Option<Value>, global: Option<Value>| {
            let mut doc = spec(get("/a", json!([]), security), json!({}));
            doc["components"]["securitySchemes"] = json!({
                "bearer": {"type": "http", "scheme": "bearer"},
                "key": {"type": "apiKey", "in": "header", "name": "X-Key"}});
            if let Some(global) = global {
                doc["security"] = global;
            }
            doc
        };
        let open = with(None, None);
        let bearer = with(None, Some(json!([{"bearer": []}])));
        assert_eq!(
            lines(open.clone(), bearer.clone()),
            ["Breaking GET /a security: authentication is now required"]
        );
        assert_eq!(
            lines(bearer.clone(), open),
            ["Additive GET /a security: authentication is no longer required"]
        );
        let key = with(Some(json!([{"key": []}])), Some(json!([{"bearer": []}])));
        assert_eq!(
            lines(bearer.clone(), key),
            ["Breaking GET /a security: requires key instead of bearer"]
        );
        let either = with(Some(json!([{"bearer": []}, {"key": []}])), None);
        assert_eq!(
            lines(bearer.clone(), either),
            ["Additive GET /a security: also accepts bearer or key"]
        );
        let mut moved = bearer.clone();
        moved["components"]["securitySchemes"]["bearer"] =
            json!({"type": "apiKey", "in": "query", "name": "token"});
        assert_eq!(
            lines(bearer, moved),
            [
                "Breaking GET /a security `bearer`: the scheme is sent differently (type, scheme, \
              location or name)"
            ]
        );
    }

    #[test]
    fn a_change_in_a_shared_schema_names_every_operation_that_reaches_it() {
        let doc = |status: Value| {
            let answer = json!({"description": "ok", "content": {"application/json": {
                "schema": {"$ref": "#/components/schemas/Agent"}}}});
            let list = json!({"description": "ok", "content": {"application/json": {
                "schema": {"type": "array", "items": {"$ref": "#/components/schemas/Page"}}}}});
            spec(
                json!({"/agents/{id}": {"get": {"responses": {"200": answer}}},
                       "/agents": {"get": {"responses": {"200": list}}}}),
                json!({"Agent": {"type": "object", "properties": {"status": status}},
                       "Page": {"type": "object", "properties": {
                           "items": {"type": "array", "items": {"$ref": "#/components/schemas/Agent"}}}}}),
            )
        };
        let report = compare(
            &doc(json!({"type": "string"})),
            &doc(json!({"type": "integer"})),
        );
        let change = &report.changes[0];
        assert!(change.place.starts_with("schema Agent"), "{change:?}");
        assert_eq!(change.affects, ["GET /agents", "GET /agents/{id}"]);
        assert!(
            report
                .render("a", "b")
                .contains("affects GET /agents, GET /agents/{id}")
        );
    }

    #[test]
    fn type_format_and_constraint_changes_are_judged_by_direction() {
        let field = |schema: Value| json!({"type": "object", "properties": {"x": schema}});
        let judge = |old: Value, new: Value| -> (Vec<String>, Vec<String>) {
            let request = lines(
                spec(op(field(old.clone()), json!({})), json!({})),
                spec(op(field(new.clone()), json!({})), json!({})),
            );
            let response = lines(
                spec(op(json!({}), field(old)), json!({})),
                spec(op(json!({}), field(new)), json!({})),
            );
            (request, response)
        };
        let impacts = |lines: &[String]| -> Vec<String> {
            lines
                .iter()
                .map(|l| l.split(' ').next().unwrap_or("").to_string())
                .collect()
        };
        for (old, new, request, response) in [
            (
                json!({"type": "integer"}),
                json!({"type": "number"}),
                "Additive",
                "Breaking",
            ),
            (
                json!({"type": "number"}),
                json!({"type": "integer"}),
                "Breaking",
                "Additive",
            ),
            (
                json!({"type": "string", "format": "uuid"}),
                json!({"type": "string"}),
                "Additive",
                "Breaking",
            ),
            (
                json!({"type": "string"}),
                json!({"type": "string", "format": "uuid"}),
                "Breaking",
                "Additive",
            ),
            (
                json!({"type": "integer", "format": "int32"}),
                json!({"type": "integer", "format": "int64"}),
                "Additive",
                "Breaking",
            ),
            (
                json!({"type": "string", "maxLength": 10}),
                json!({"type": "string", "maxLength": 5}),
                "Breaking",
                "Additive",
            ),
            (
                json!({"type": "string"}),
                json!({"type": "string", "maxLength": 5}),
                "Breaking",
                "Additive",
            ),
            (
                json!({"type": "integer", "minimum": 1}),
                json!({"type": "integer", "minimum": 0}),
                "Additive",
                "Breaking",
            ),
            (
                json!({"type": "integer", "minimum": 0}),
                json!({"type": "integer", "minimum": 1}),
                "Breaking",
                "Additive",
            ),
            (
                json!({"type": "string", "pattern": "^a"}),
                json!({"type": "string"}),
                "Additive",
                "Breaking",
            ),
            (
                json!({"type": "string"}),
                json!({"type": "string", "pattern": "^a"}),
                "Breaking",
                "Additive",
            ),
        ] {
            let (req, resp) = judge(old.clone(), new.clone());
            assert_eq!(impacts(&req), [request], "request {old} -> {new}: {req:?}");
            assert_eq!(
                impacts(&resp),
                [response],
                "response {old} -> {new}: {resp:?}"
            );
        }
    }

    fn hostile_report() -> Report {
        Report {
            changes: vec![
                Change {
                    impact: Impact::Breaking,
                    place: "GET /a query `q```\u{202e}|<b>@x[y](z)\n- forged".into(),
                    what: "required parameter added".into(),
                    affects: Vec::new(),
                },
                Change {
                    impact: Impact::Additive,
                    place: "GET /b".into(),
                    what: "operation added".into(),
                    affects: Vec::new(),
                },
            ],
        }
    }

    #[test]
    fn the_text_report_escapes_what_the_document_says_and_ends_with_the_bump() {
        let text = hostile_report().render("old.json", "new.json");
        assert!(!text.contains('\u{202e}'), "{text}");
        assert!(!text.contains("```"), "{text}");
        // The newline in the document cannot forge a line of the report.
        assert_eq!(
            text.lines().filter(|l| l.starts_with("  - ")).count(),
            1,
            "{text}"
        );
        assert!(text.trim_end().ends_with(
            "Version bump the generated crate needs: major (a change breaks clients generated \
             from the old document)."
        ));
    }

    #[test]
    fn the_markdown_report_renders_document_strings_as_plain_text() {
        let markdown = hostile_report().render_markdown("old.json", "new.json");
        for markup in ["<b>", "```", "](", "|<", " @x", "\u{202e}"] {
            assert!(!markdown.contains(markup), "{markup}: {markdown}");
        }
        // A mention is escaped, so it pings nobody.
        assert!(markdown.contains("\\@x"), "{markdown}");
        let rows: Vec<&str> = markdown.lines().filter(|l| l.starts_with("| ")).collect();
        assert_eq!(
            rows.len(),
            4,
            "two tables, a header and a change each: {markdown}"
        );
        assert!(markdown.contains("**major**"));
    }

    #[test]
    fn the_json_report_and_the_bump_follow_the_changes() {
        let json: Value =
            serde_json::from_str(&hostile_report().render_json("old.json", "new.json")).unwrap();
        assert_eq!(json["bump"], "major");
        assert_eq!(json["breaking"], 1);
        assert_eq!(json["changes"][1]["impact"], "additive");
        let additive = Report {
            changes: vec![hostile_report().changes[1].clone()],
        };
        assert_eq!(additive.bump(), Bump::Minor);
        assert_eq!(Report::default().bump(), Bump::Patch);
        assert!(
            Report::default()
                .render("a", "b")
                .contains("needs: patch (no change a client can see)")
        );
    }

    #[test]
    fn identical_documents_have_no_drift() {
        let doc = spec(
            op(json!({"type": "object"}), json!({"type": "object"})),
            json!({}),
        );
        assert!(compare(&doc, &doc).changes.is_empty());
    }

    #[test]
    fn request_and_response_fields_are_classified_by_side() {
        let old = spec(
            op(
                json!({"type": "object", "required": ["a"], "properties": {"a": {"type": "string"}, "b": {"type": "string"}}}),
                json!({"type": "object", "required": ["x"], "properties": {"x": {"type": "string"}, "y": {"type": "integer"}}}),
            ),
            json!({}),
        );
        let new = spec(
            op(
                json!({"type": "object", "required": ["a", "b", "c"], "properties": {"a": {"type": "string"}, "b": {"type": "string"}, "c": {"type": "string"}, "d": {"type": "boolean"}}}),
                json!({"type": "object", "properties": {"x": {"type": "string", "nullable": true}, "y": {"type": "number"}, "z": {"type": "string"}}}),
            ),
            json!({}),
        );
        assert_eq!(
            lines(old, new),
            [
                "Breaking POST /agents request body .b: field became required",
                "Breaking POST /agents request body .c: required field added (string)",
                "Breaking POST /agents response 202 .x: field may now be missing",
                "Breaking POST /agents response 202 .x: may now be null",
                "Breaking POST /agents response 202 .y: type changed from integer to number",
                "Additive POST /agents request body .d: optional field added (boolean)",
                "Additive POST /agents response 202 .z: field added (string)",
            ]
        );
    }

    #[test]
    fn enum_values_break_requests_only() {
        let model = |values: Value| json!({"type": "string", "enum": values});
        let old = spec(
            op(
                json!({"type": "object", "properties": {"model": {"$ref": "#/components/schemas/Selectable"}}}),
                json!({"type": "object", "properties": {"model": {"$ref": "#/components/schemas/Model"}}}),
            ),
            json!({"Selectable": model(json!(["a", "b"])), "Model": model(json!(["a", "b"]))}),
        );
        let new = spec(
            op(
                json!({"type": "object", "properties": {"model": {"$ref": "#/components/schemas/Selectable"}}}),
                json!({"type": "object", "properties": {"model": {"$ref": "#/components/schemas/Model"}}}),
            ),
            json!({"Selectable": model(json!(["b", "c"])), "Model": model(json!(["b", "c"]))}),
        );
        assert_eq!(
            lines(old, new),
            [
                "Breaking schema Selectable: enum value `a` removed",
                "Additive schema Model: enum value `a` removed",
                "Additive schema Model: enum value `c` added",
                "Additive schema Selectable: enum value `c` added",
            ]
        );
    }

    #[test]
    fn operations_parameters_and_statuses() {
        let get = |params: Value, responses: Value| json!({"/a": {"get": {"parameters": params, "responses": responses}}});
        let ok = json!({"description": "ok"});
        let old = spec(
            get(
                json!([{"in": "query", "name": "limit", "schema": {"type": "integer"}},
                       {"in": "query", "name": "gone", "schema": {"type": "string"}}]),
                json!({"200": ok, "404": ok}),
            ),
            json!({}),
        );
        let mut new = spec(
            get(
                json!([{"in": "query", "name": "limit", "required": true, "schema": {"type": "integer"}},
                       {"in": "query", "name": "cursor", "schema": {"type": "string"}}]),
                json!({"200": ok, "202": ok, "409": ok}),
            ),
            json!({}),
        );
        new["paths"]["/b"] = json!({"get": {"responses": {"200": ok}}});
        assert_eq!(
            lines(old, new),
            [
                "Breaking GET /a query `gone`: parameter removed",
                "Breaking GET /a query `limit`: parameter became required",
                "Breaking GET /a response 202: success status added (older clients treat it as unexpected)",
                "Additive GET /a query `cursor`: optional parameter added",
                "Additive GET /a response 404: error response removed",
                "Additive GET /a response 409: error response added",
                "Additive GET /b: operation added",
            ]
        );
    }

    #[test]
    fn a_shared_schema_is_reported_once_and_recursion_ends() {
        let tree = |extra: bool| {
            let mut props = json!({"children": {"type": "array", "items": {"$ref": "#/components/schemas/Node"}}});
            if extra {
                props["label"] = json!({"type": "string"});
            }
            json!({"Node": {"type": "object", "properties": props}})
        };
        let body = json!({"$ref": "#/components/schemas/Node"});
        let paths = |b: &Value| {
            json!({"/a": {"get": {"responses": {"200": {"description": "ok", "content": {"application/json": {"schema": b}}}}}},
                   "/b": {"get": {"responses": {"200": {"description": "ok", "content": {"application/json": {"schema": b}}}}}}})
        };
        let report = compare(
            &spec(paths(&body), tree(false)),
            &spec(paths(&body), tree(true)),
        );
        assert_eq!(report.changes.len(), 1, "{:?}", report.changes);
        assert_eq!(report.changes[0].place, "schema Node .label");
        assert_eq!(report.breaking(), 0);
    }

    #[test]
    fn the_rendered_report_groups_by_impact() {
        let old = spec(
            json!({"/a": {"get": {"responses": {"200": {"description": "ok"}}}}}),
            json!({}),
        );
        let new = spec(
            json!({"/b": {"get": {"responses": {"200": {"description": "ok"}}}}}),
            json!({}),
        );
        let text = compare(&old, &new).render("old.json", "new.json");
        assert_eq!(
            text,
            "API drift from old.json to new.json: 1 breaking, 1 additive.\n\nBreaking:\n  - GET /a: operation removed\n\nAdditive:\n  + GET /b: operation added\n\nVersion bump the generated crate needs: major (a change \
             breaks clients generated from the old document).\n"
        );
        assert_eq!(
            compare(&old, &old).render("a", "b"),
            "No API changes from a to b.\n\nVersion bump the generated crate needs: patch (no change a \
             client can see).\n"
        );
    }
}
