//! Operations as a client meets them: matching, security, parameters, bodies and statuses.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value};

use super::schemas::{by_side, is_required, media_types, type_name};
use super::{At, Differ, Rule, Side};
use crate::normalize::walk::operations;
use crate::read::document::escape_segment;

/// Where an operation's own parameters, and its path item's, sit in the document.
const POINTER: &str = "x-agentrun-pointer";

fn key(path: &str, method: &str) -> String {
    format!("{} {path}", method.to_uppercase())
}

/// Each component schema, with the operations that reach it (through any chain of
/// references) on each side: in their parameters or request body (`POST /agents (request)`),
/// in their responses (`GET /agents/{agentId} (response)`), and the webhooks whose payload
/// reaches it, which receivers read as a response (`webhook agent.completed (POST payload)`).
pub(super) fn schema_users(doc: &Value) -> BTreeMap<(String, Side), Vec<String>> {
    let mut users: BTreeMap<(String, Side), Vec<String>> = BTreeMap::new();
    let mut add = |root: Option<Value>, side: Side, label: String| {
        for name in reachable(doc, root.as_ref()) {
            users.entry((name, side)).or_default().push(label.clone());
        }
    };
    for (path, method, op) in operations(doc) {
        let operation = key(path, method);
        let request = serde_json::json!([op.get("parameters"), op.get("requestBody")]);
        add(
            Some(request),
            Side::Request,
            format!("{operation} (request)"),
        );
        add(
            op.get("responses").cloned(),
            Side::Response,
            format!("{operation} (response)"),
        );
    }
    for (event, method, hook) in webhooks(doc) {
        let label = format!("webhook {event} ({} payload)", method.to_uppercase());
        add(hook.get("requestBody").cloned(), Side::Response, label);
    }
    for labels in users.values_mut() {
        labels.sort();
        labels.dedup();
    }
    users
}

/// The component schemas `root` reaches through any chain of references.
fn reachable(doc: &Value, root: Option<&Value>) -> BTreeSet<String> {
    let mut reached = BTreeSet::new();
    if let Some(root) = root {
        crate::normalize::walk::referenced_schemas(root, &mut reached);
    }
    let mut queue: Vec<String> = reached.iter().cloned().collect();
    while let Some(name) = queue.pop() {
        let mut next = BTreeSet::new();
        if let Some(schema) = doc.pointer(&format!("/components/schemas/{}", escape_segment(&name)))
        {
            crate::normalize::walk::referenced_schemas(schema, &mut next);
        }
        for found in next {
            if reached.insert(found.clone()) {
                queue.push(found);
            }
        }
    }
    reached
}

/// A document's webhooks: event, method and operation (3.1's `webhooks`, kept aside by
/// the conversion to 3.0).
fn webhooks(doc: &Value) -> Vec<(&String, &String, &Value)> {
    doc.get(crate::normalize::downconvert::WEBHOOKS)
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .flat_map(|(event, item)| {
            item.as_object()
                .into_iter()
                .flatten()
                .filter(|(method, _)| crate::normalize::walk::METHODS.contains(&method.as_str()))
                .map(move |(method, hook)| (event, method, hook))
        })
        .collect()
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
/// win), its security or else the document's, its path template kept under `x-path` and the
/// pointer of it and of each parameter under [`POINTER`].
fn effective(doc: &Value, path: &str, method: &str, op: &Map<String, Value>) -> Map<String, Value> {
    let item_pointer = format!("/paths/{}", escape_segment(path));
    let op_pointer = format!("{item_pointer}/{method}");
    let mut op = op.clone();
    let label = |p: &Value| {
        (
            p.get("name").cloned().unwrap_or(Value::Null),
            p.get("in").cloned().unwrap_or(Value::Null),
        )
    };
    let located = |list: Option<&Value>, base: &str| -> Vec<Value> {
        list.and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
            .map(|(i, p)| {
                let mut p = p.clone();
                if let Some(fields) = p.as_object_mut() {
                    fields.insert(POINTER.into(), format!("{base}/parameters/{i}").into());
                }
                p
            })
            .collect()
    };
    let mut parameters = located(op.get("parameters"), &op_pointer);
    let shared = doc.get("paths").and_then(|paths| paths.get(path));
    for parameter in located(
        shared.and_then(|item| item.get("parameters")),
        &item_pointer,
    ) {
        if !parameters.iter().any(|p| label(p) == label(&parameter)) {
            parameters.push(parameter);
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
    op.insert(POINTER.into(), Value::String(op_pointer));
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

/// An operation's security alternatives, each the set of scheme names it requires.
fn requirements(op: &Map<String, Value>) -> Vec<BTreeSet<String>> {
    op.get("security")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|requirement| {
            requirement
                .as_object()
                .map(|r| r.keys().cloned().collect())
                .unwrap_or_default()
        })
        .collect()
}

/// Whether a parameter that was a scalar (or a union of scalars) and is now an array still
/// takes every value old clients send: a parameter is text, and one value written in any
/// style is an array of one, so it fits when the items' type reads the old types' text.
fn single_value_fits_array(old: &Value, new: &Value) -> bool {
    const SCALARS: [&str; 4] = ["string", "integer", "number", "boolean"];
    let scalar = |s: &Value| {
        s.get("type")
            .and_then(Value::as_str)
            .filter(|t| SCALARS.contains(t))
            .map(str::to_string)
    };
    let old_types: Option<BTreeSet<String>> = match scalar(old) {
        Some(ty) => Some(BTreeSet::from([ty])),
        None => ["anyOf", "oneOf"].iter().find_map(|key| {
            let branches = old.get(*key)?.as_array()?;
            branches.iter().map(scalar).collect()
        }),
    };
    let Some(old_types) = old_types else {
        return false;
    };
    if new.get("type").and_then(Value::as_str) != Some("array") {
        return false;
    }
    // The items must be a bare type: a pattern, an enum or a bound may refuse an old value.
    let Some(items) = new.get("items").and_then(Value::as_object) else {
        return false;
    };
    let bare = items
        .keys()
        .all(|k| ["type", "description", "title", "example", "examples"].contains(&k.as_str()));
    let reads: &[&str] = match items.get("type").and_then(Value::as_str) {
        Some("string") => &SCALARS,
        Some("number") => &["integer", "number"],
        Some("integer") => &["integer"],
        Some("boolean") => &["boolean"],
        _ => &[],
    };
    bare && old_types.iter().all(|t| reads.contains(&t.as_str()))
}

/// The scopes each security alternative (by its scheme names) requires of each scheme.
fn scopes(
    op: &Map<String, Value>,
) -> BTreeMap<BTreeSet<String>, BTreeMap<String, BTreeSet<String>>> {
    op.get("security")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_object)
        .map(|requirement| {
            let names = requirement.keys().cloned().collect();
            let scopes = requirement
                .iter()
                .map(|(scheme, scopes)| {
                    let list = scopes
                        .as_array()
                        .into_iter()
                        .flatten()
                        .filter_map(Value::as_str)
                        .map(str::to_string)
                        .collect();
                    (scheme.clone(), list)
                })
                .collect();
            (names, scopes)
        })
        .collect()
}

/// Security alternatives with each scheme named by how it is sent: `http bearer`,
/// `apiKey header X-API-Key` (a scheme the document does not define keeps its name).
fn identities(doc: &Value, alternatives: &[BTreeSet<String>]) -> Vec<BTreeSet<String>> {
    let identity = |name: &String| {
        let pointer = format!("/components/securitySchemes/{}", escape_segment(name));
        match doc.pointer(&pointer) {
            Some(scheme) => ["type", "scheme", "in", "name"]
                .iter()
                .filter_map(|k| scheme.get(*k).and_then(Value::as_str))
                .map(|v| v.to_ascii_lowercase())
                .collect::<Vec<_>>()
                .join(" "),
            None => name.clone(),
        }
    };
    alternatives
        .iter()
        .map(|names| names.iter().map(identity).collect())
        .collect()
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
    /// Webhooks added and removed, and the payload of each kept one, judged as a response:
    /// the API sends it and receivers (the facade's verifier among them) read it.
    pub(super) fn webhooks(&mut self) {
        let events = |doc: &'_ Value| -> BTreeMap<(String, String), Value> {
            webhooks(doc)
                .into_iter()
                .map(|(event, method, hook)| ((event.clone(), method.clone()), hook.clone()))
                .collect()
        };
        let (old, new) = (events(self.old), events(self.new));
        let at = |(event, method): &(String, String)| {
            At::new(
                format!("webhook {event} ({})", method.to_uppercase()),
                // Where the document as written declares it (3.1's `webhooks`).
                format!("/webhooks/{}/{method}", escape_segment(event)),
            )
        };
        for hook in old.keys().filter(|hook| !new.contains_key(*hook)) {
            self.push(Rule::WebhookRemoved, &at(hook), "webhook removed");
        }
        for hook in new.keys().filter(|hook| !old.contains_key(*hook)) {
            self.push(Rule::WebhookAdded, &at(hook), "webhook added");
        }
        for (hook, old_hook) in &old {
            let Some(new_hook) = new.get(hook) else {
                continue;
            };
            let at = at(hook).child("payload", &["requestBody"]);
            let body = |hook: &Value| hook.get("requestBody").cloned();
            match (body(old_hook), body(new_hook)) {
                (Some(o), Some(n)) => {
                    match (is_required(&o), is_required(&n)) {
                        (true, false) => self.push(
                            Rule::WebhookPayloadBecameOptional,
                            &at,
                            "payload may now be left out",
                        ),
                        (false, true) => self.push(
                            Rule::WebhookPayloadBecameRequired,
                            &at,
                            "payload always sent now",
                        ),
                        _ => {}
                    }
                    self.contents(Side::Response, &at, &o, &n);
                }
                (Some(_), None) => self.push(Rule::ResponseBodyRemoved, &at, "payload removed"),
                (None, Some(_)) => self.push(Rule::ResponseBodyAdded, &at, "payload added"),
                (None, None) => {}
            }
        }
    }

    pub(super) fn operations(&mut self) {
        // Operations match by method and path shape (`/agents/{}`): renaming a path parameter
        // changes nothing on the wire. Each carries its effective parameters (the path item's
        // merged in, the operation's winning) and its effective security.
        let collect = |doc: &Value| -> Vec<(String, At, Map<String, Value>)> {
            operations(doc)
                .into_iter()
                .map(|(p, m, op)| {
                    let op = effective(doc, p, m, op);
                    let pointer = op.get(POINTER).and_then(Value::as_str).unwrap_or("");
                    let at = At::new(key(p, m), pointer);
                    (shape(m, p), at, op)
                })
                .collect()
        };
        let old = collect(self.old);
        let new = collect(self.new);
        for (shape, at, _) in &old {
            if !new.iter().any(|(s, _, _)| s == shape) {
                self.push(Rule::OperationRemoved, at, "operation removed");
            }
        }
        for (shape, at, _) in &new {
            if !old.iter().any(|(s, _, _)| s == shape) {
                self.push(Rule::OperationAdded, at, "operation added");
            }
        }
        for (shape, _, old_op) in &old {
            if let Some((_, at, new_op)) = new.iter().find(|(s, _, _)| s == shape) {
                let old_op = rename_path_parameters(old_op, new_op);
                self.deprecation(at, &old_op, new_op);
                self.security(at, &old_op, new_op);
                self.parameters(at, old_op.get("parameters"), new_op.get("parameters"));
                self.request_body(at, old_op.get("requestBody"), new_op.get("requestBody"));
                self.responses(at, &old_op, new_op);
            }
        }
    }

    fn deprecation(&mut self, at: &At, old: &Map<String, Value>, new: &Map<String, Value>) {
        let deprecated = |op: &Map<String, Value>| op.get("deprecated") == Some(&Value::Bool(true));
        match (deprecated(old), deprecated(new)) {
            (false, true) => self.push(Rule::OperationDeprecated, at, "operation deprecated"),
            (true, false) => self.push(
                Rule::OperationUndeprecated,
                at,
                "operation no longer deprecated",
            ),
            _ => {}
        }
    }

    /// What an old client sends for authentication against what the new operation requires.
    /// Schemes are compared by how they are sent (type, scheme, location, name), so renaming
    /// one changes nothing.
    fn security(&mut self, place: &At, old: &Map<String, Value>, new: &Map<String, Value>) {
        let (old_names, new_names) = (requirements(old), requirements(new));
        let (old_sent, new_needed) = (
            identities(self.old, &old_names),
            identities(self.new, &new_names),
        );
        let open = |alternatives: &[BTreeSet<String>]| {
            alternatives.is_empty() || alternatives.iter().any(BTreeSet::is_empty)
        };
        let at = place.child("security", &["security"]);
        match (open(&old_sent), open(&new_needed)) {
            (true, false) => self.push(Rule::SecurityAdded, &at, "authentication is now required"),
            (false, true) => self.push(
                Rule::SecurityRemoved,
                &at,
                "authentication is no longer required",
            ),
            (false, false) => {
                // An old client sends one of the old alternatives; each must still satisfy
                // one of the new ones.
                let covered = old_sent
                    .iter()
                    .all(|sent| new_needed.iter().any(|needed| needed.is_subset(sent)));
                if covered {
                    self.scopes(&at, old, new);
                    if old_sent != new_needed {
                        self.push(
                            Rule::SecurityAlternativeAdded,
                            &at,
                            format!("also accepts {}", describe_security(&new_names)),
                        );
                    }
                } else if old_names == new_names {
                    self.push(
                        Rule::SecuritySchemeChanged,
                        &at,
                        format!(
                            "{} is sent differently (type, scheme, location or name)",
                            describe_security(&new_names)
                        ),
                    );
                } else {
                    self.push(
                        Rule::SecurityRequirementChanged,
                        &at,
                        format!(
                            "requires {} instead of {}",
                            describe_security(&new_names),
                            describe_security(&old_names)
                        ),
                    );
                }
            }
            (true, true) => {}
        }
    }

    /// OAuth scopes an alternative requires, for alternatives in both documents: a token
    /// old clients were given for the old scopes lacks a new one.
    fn scopes(&mut self, at: &At, old: &Map<String, Value>, new: &Map<String, Value>) {
        let (old_scopes, new_scopes) = (scopes(old), scopes(new));
        for (alternative, old_schemes) in &old_scopes {
            let Some(new_schemes) = new_scopes.get(alternative) else {
                continue;
            };
            for (scheme, old_list) in old_schemes {
                let new_list = new_schemes.get(scheme).cloned().unwrap_or_default();
                for scope in new_list.difference(old_list) {
                    self.push(
                        Rule::SecurityScopeAdded,
                        at,
                        format!("{scheme} now requires scope `{scope}`"),
                    );
                }
                for scope in old_list.difference(&new_list) {
                    self.push(
                        Rule::SecurityScopeRemoved,
                        at,
                        format!("{scheme} no longer requires scope `{scope}`"),
                    );
                }
            }
        }
    }

    /// OAuth flows of the security schemes both documents define: a flow added or removed, or
    /// its authorization, token or refresh URL changed. The generated client sends the token
    /// it is given, so none of this breaks it; code that obtains tokens must follow.
    pub(super) fn oauth_flows(&mut self) {
        let schemes = |doc: &Value| {
            doc.pointer("/components/securitySchemes")
                .and_then(Value::as_object)
                .cloned()
                .unwrap_or_default()
        };
        let (old, new) = (schemes(self.old), schemes(self.new));
        for (name, old_scheme) in &old {
            let Some(new_scheme) = new.get(name) else {
                continue;
            };
            let flows = |scheme: &Value| {
                scheme
                    .get("flows")
                    .and_then(Value::as_object)
                    .cloned()
                    .unwrap_or_default()
            };
            let (old_flows, new_flows) = (flows(old_scheme), flows(new_scheme));
            let pointer = format!("/components/securitySchemes/{}/flows", escape_segment(name));
            let at = At::new(format!("security scheme {name}"), pointer);
            for flow in old_flows.keys().filter(|f| !new_flows.contains_key(*f)) {
                let here = at.child(&format!("flow {flow}"), &[flow]);
                self.push(Rule::SecurityFlowChanged, &here, "flow removed");
            }
            for flow in new_flows.keys().filter(|f| !old_flows.contains_key(*f)) {
                let here = at.child(&format!("flow {flow}"), &[flow]);
                self.push(Rule::SecurityFlowChanged, &here, "flow added");
            }
            for (flow, old_flow) in &old_flows {
                let Some(new_flow) = new_flows.get(flow) else {
                    continue;
                };
                for url in ["authorizationUrl", "tokenUrl", "refreshUrl"] {
                    let (o, n) = (old_flow.get(url), new_flow.get(url));
                    if o != n {
                        let show = |v: Option<&Value>| {
                            v.and_then(Value::as_str).unwrap_or("none").to_string()
                        };
                        let here = at.child(&format!("flow {flow}"), &[flow, url]);
                        self.push(
                            Rule::SecurityFlowChanged,
                            &here,
                            format!("`{url}` changed from {} to {}", show(o), show(n)),
                        );
                    }
                }
            }
        }
    }

    fn parameters(&mut self, place: &At, old: Option<&Value>, new: Option<&Value>) {
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
        let at = |p: &Value| At::new(format!("{} {}", place.label, label(p)), pointer_of(p));
        let (old, new) = (list(old), list(new));
        for o in &old {
            let Some(n) = new.iter().find(|n| label(n) == label(o)) else {
                self.push(Rule::RequestParameterRemoved, &at(o), "parameter removed");
                continue;
            };
            let at = at(n);
            match (is_required(o), is_required(n)) {
                (false, true) => self.push(
                    Rule::RequestParameterBecameRequired,
                    &at,
                    "parameter became required",
                ),
                (true, false) => self.push(
                    Rule::RequestParameterBecameOptional,
                    &at,
                    "parameter became optional",
                ),
                _ => {}
            }
            let deprecated = |p: &Value| p.get("deprecated") == Some(&Value::Bool(true));
            match (deprecated(o), deprecated(n)) {
                (false, true) => self.push(
                    Rule::RequestParameterDeprecated,
                    &at,
                    "parameter deprecated",
                ),
                (true, false) => self.push(
                    Rule::RequestParameterUndeprecated,
                    &at,
                    "parameter no longer deprecated",
                ),
                _ => {}
            }
            let (old_form, new_form) = (serialization(o), serialization(n));
            if old_form != new_form {
                self.push(
                    Rule::RequestParameterSerializationChanged,
                    &at,
                    format!("serialized as {new_form} instead of {old_form}"),
                );
            }
            if let (Some(os), Some(ns)) = (o.get("schema"), n.get("schema")) {
                let at = at.child("", &["schema"]);
                if !is_required(n) {
                    self.default_value(&at, os, ns);
                }
                if single_value_fits_array(os, ns) {
                    self.push(
                        Rule::RequestParameterBecameArray,
                        &at,
                        format!("now an array of {}", type_name(&ns["items"])),
                    );
                    continue;
                }
                self.schema(Side::Request, &at, os, ns);
            }
        }
        for n in &new {
            if !old.iter().any(|o| label(o) == label(n)) {
                if is_required(n) {
                    self.push(
                        Rule::RequestParameterRequiredAdded,
                        &at(n),
                        "required parameter added",
                    );
                } else {
                    self.push(
                        Rule::RequestParameterOptionalAdded,
                        &at(n),
                        "optional parameter added",
                    );
                }
            }
        }
    }

    fn request_body(&mut self, place: &At, old: Option<&Value>, new: Option<&Value>) {
        let at = place.child("request body", &["requestBody"]);
        match (old, new) {
            (Some(_), None) => self.push(Rule::RequestBodyRemoved, &at, "request body removed"),
            (None, Some(body)) if is_required(body) => self.push(
                Rule::RequestBodyRequiredAdded,
                &at,
                "required request body added",
            ),
            (None, Some(_)) => self.push(
                Rule::RequestBodyOptionalAdded,
                &at,
                "optional request body added",
            ),
            (Some(old_body), Some(new_body)) => {
                match (is_required(old_body), is_required(new_body)) {
                    (false, true) => self.push(
                        Rule::RequestBodyBecameRequired,
                        &at,
                        "request body became required",
                    ),
                    (true, false) => self.push(
                        Rule::RequestBodyBecameOptional,
                        &at,
                        "request body became optional",
                    ),
                    _ => {}
                }
                self.contents(Side::Request, &at, old_body, new_body);
            }
            (None, None) => {}
        }
    }

    fn responses(&mut self, place: &At, old: &Map<String, Value>, new: &Map<String, Value>) {
        let statuses = |op: &Map<String, Value>| {
            op.get("responses")
                .and_then(Value::as_object)
                .cloned()
                .unwrap_or_default()
        };
        let (old_responses, new_responses) = (statuses(old), statuses(new));
        for (status, old_response) in &old_responses {
            let at = place.child(&format!("response {status}"), &["responses", status]);
            match new_responses.get(status) {
                None if status.starts_with('2') => self.push(
                    Rule::ResponseSuccessStatusRemoved,
                    &at,
                    "success response removed",
                ),
                None => self.push(
                    Rule::ResponseErrorStatusRemoved,
                    &at,
                    "error response removed",
                ),
                Some(new_response) => {
                    self.headers(&at, old_response, new_response);
                    self.contents(Side::Response, &at, old_response, new_response)
                }
            }
        }
        for status in new_responses.keys() {
            if old_responses.contains_key(status) {
                continue;
            }
            let at = place.child(&format!("response {status}"), &["responses", status]);
            if status.starts_with('2') {
                self.push(
                    Rule::ResponseSuccessStatusAdded,
                    &at,
                    "success status added (older clients treat it as unexpected)",
                );
            } else {
                self.push(Rule::ResponseErrorStatusAdded, &at, "error response added");
            }
        }
    }

    /// A response's headers, by case-insensitive name.
    fn headers(&mut self, at: &At, old: &Value, new: &Value) {
        let headers = |response: &Value| -> BTreeMap<String, (String, Value)> {
            response
                .get("headers")
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
                .map(|(name, header)| (name.to_ascii_lowercase(), (name.clone(), header.clone())))
                .collect()
        };
        let (old_headers, new_headers) = (headers(old), headers(new));
        for (key, (name, old_header)) in &old_headers {
            let here = at.child(&format!("header `{name}`"), &["headers", name]);
            match new_headers.get(key) {
                None => self.push(
                    Rule::ResponseHeaderRemoved,
                    &here,
                    "response header removed",
                ),
                Some((new_name, new_header)) => {
                    if is_required(old_header) && !is_required(new_header) {
                        self.push(
                            Rule::ResponseHeaderBecameOptional,
                            &here,
                            "response header may now be missing",
                        );
                    }
                    if let (Some(o), Some(n)) = (old_header.get("schema"), new_header.get("schema"))
                    {
                        let here = at.child(
                            &format!("header `{new_name}`"),
                            &["headers", new_name, "schema"],
                        );
                        // A header arrives as text: one documented as any string (no format)
                        // admits every value of a narrower type.
                        let (old_type, new_type) = (type_name(o), type_name(n));
                        if old_type == "string" && new_type != "string" && o.get("format").is_none()
                        {
                            self.push(
                                Rule::ResponseTypeNarrowed,
                                &here,
                                format!("type changed from string to {new_type}"),
                            );
                        } else {
                            self.schema(Side::Response, &here, o, n);
                        }
                    }
                }
            }
        }
        for (key, (name, _)) in &new_headers {
            if !old_headers.contains_key(key) {
                let here = at.child(&format!("header `{name}`"), &["headers", name]);
                self.push(Rule::ResponseHeaderAdded, &here, "response header added");
            }
        }
    }

    /// The media types of a request body or a response, and the schema of each one both have.
    fn contents(&mut self, side: Side, at: &At, old: &Value, new: &Value) {
        let (old_types, new_types) = (media_types(old), media_types(new));
        if side == Side::Response {
            match (old_types.is_empty(), new_types.is_empty()) {
                (false, true) => {
                    return self.push(Rule::ResponseBodyRemoved, at, "response body removed");
                }
                (true, false) => {
                    return self.push(Rule::ResponseBodyAdded, at, "response body added");
                }
                _ => {}
            }
        }
        for (media, (key, old_schema)) in &old_types {
            let Some((new_key, new_schema)) = new_types.get(media) else {
                let rule = match side {
                    Side::Request => Rule::RequestMediaTypeRemoved,
                    Side::Response => Rule::ResponseMediaTypeRemoved,
                };
                self.push(
                    rule,
                    &at.child("", &["content", key]),
                    format!("media type `{media}` removed"),
                );
                continue;
            };
            let label = if old_types.len() > 1 || new_types.len() > 1 {
                format!("({media})")
            } else {
                String::new()
            };
            let at = at.child(&label, &["content", new_key, "schema"]);
            // `schema: {}` says no more than no schema: any value.
            let typed = |schema: &Option<Value>| {
                schema
                    .clone()
                    .filter(|s| s.as_object().is_none_or(|o| !o.is_empty()))
            };
            match (typed(old_schema), typed(new_schema)) {
                (Some(o), Some(n)) => self.schema(side, &at, &o, &n),
                (None, Some(_)) => {
                    let rule = by_side(
                        side,
                        Rule::RequestMediaTypeSchemaAdded,
                        Rule::ResponseMediaTypeSchemaAdded,
                    );
                    self.push(rule, &at, format!("`{media}` now has a schema"));
                }
                (Some(_), None) => {
                    let rule = by_side(
                        side,
                        Rule::RequestMediaTypeSchemaRemoved,
                        Rule::ResponseMediaTypeSchemaRemoved,
                    );
                    self.push(rule, &at, format!("`{media}` no longer has a schema"));
                }
                (None, None) => {}
            }
        }
        for (media, (key, _)) in &new_types {
            if !old_types.contains_key(media) {
                let rule = match side {
                    Side::Request => Rule::RequestMediaTypeAdded,
                    Side::Response => Rule::ResponseMediaTypeAdded,
                };
                self.push(
                    rule,
                    &at.child("", &["content", key]),
                    format!("media type `{media}` added"),
                );
            }
        }
    }
}

/// The pointer recorded by [`effective`] on an operation or a parameter.
fn pointer_of(holder: &Value) -> String {
    holder
        .get(POINTER)
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string()
}

/// How a parameter is written on the wire: its `style` and `explode`, with the defaults of
/// its location filled in (`form` and exploded for query and cookie, `simple` otherwise).
fn serialization(parameter: &Value) -> String {
    let location = parameter
        .get("in")
        .and_then(Value::as_str)
        .unwrap_or("query");
    let default_style = match location {
        "query" | "cookie" => "form",
        _ => "simple",
    };
    let style = parameter
        .get("style")
        .and_then(Value::as_str)
        .unwrap_or(default_style);
    let explode = parameter
        .get("explode")
        .and_then(Value::as_bool)
        .unwrap_or(style == "form");
    format!("style `{style}`{}", if explode { ", exploded" } else { "" })
}
