//! JSON Schema 2020 keywords that only validate (`contains`, `dependentRequired`, `if`/`then`/
//! `else`, `patternProperties`, `unevaluatedProperties`, `contentSchema`, ...), compared by
//! direction.
//!
//! OpenAPI 3.0 has no form for them, and generation drops them (a generated client does not
//! check them), but a server validates with them: a request-side tightening refuses what old
//! clients send. So before a document is brought to 3.0 for comparison, [`set_aside`] moves
//! them into one extension of their schema, where the down-conversion leaves them, and
//! [`Differ::validation`] compares them there, with `not`, which 3.0 keeps.

use anyhow::Result;
use serde_json::{Map, Value};

use super::{At, Differ, Rule, Side};
use crate::normalize::walk::for_each_schema;

/// Where a prepared schema keeps its validation-only keywords.
const KEY: &str = "x-agentrun-validation";

/// The keywords set aside, each compared as a whole value.
const KEYWORDS: [&str; 15] = [
    "contains",
    "minContains",
    "maxContains",
    "dependentRequired",
    "dependentSchemas",
    "if",
    "then",
    "else",
    "patternProperties",
    "propertyNames",
    "unevaluatedItems",
    "unevaluatedProperties",
    "contentSchema",
    "contentMediaType",
    "contentEncoding",
];

/// Moves every schema's validation-only keywords into its `x-agentrun-validation`. Swagger 2.0
/// has none of them, so only an OpenAPI 3.x document is walked.
pub(super) fn set_aside(doc: &mut Value) -> Result<()> {
    if doc.get("openapi").is_none() {
        return Ok(());
    }
    for_each_schema(doc, &mut |schema, _| {
        let kept: Map<String, Value> = KEYWORDS
            .iter()
            .filter_map(|k| schema.shift_remove(*k).map(|v| (k.to_string(), v)))
            .collect();
        if !kept.is_empty() {
            schema.insert(KEY.into(), Value::Object(kept));
        }
        Ok(())
    })
}

/// Which way a keyword's change moves what the schema admits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Direction {
    /// It admits less: a keyword added, a count raised.
    Tighter,
    /// It admits more: a keyword removed.
    Looser,
    /// Neither admits all the other does: a subschema or list changed.
    Both,
}

impl Differ<'_> {
    /// The validation-only keywords of two schemas at `at`, judged by side: tighter is breaking
    /// in a request, looser in a response, and a change that is both is breaking on either.
    pub(super) fn validation(&mut self, side: Side, at: &At, old: &Value, new: &Value) {
        let kept = |schema: &Value, keyword: &str| match keyword {
            "not" => schema.get("not").cloned(),
            _ => schema.get(KEY).and_then(|k| k.get(keyword)).cloned(),
        };
        for keyword in KEYWORDS.iter().copied().chain(["not"]) {
            let (o, n) = (kept(old, keyword), kept(new, keyword));
            let (direction, what) = match (&o, &n) {
                (None, None) => continue,
                (Some(o), Some(n)) if o == n => continue,
                (None, Some(_)) => (Direction::Tighter, format!("`{keyword}` added")),
                (Some(_), None) => (Direction::Looser, format!("`{keyword}` removed")),
                (Some(o), Some(n)) => (changed(keyword, o, n), format!("`{keyword}` changed")),
            };
            let rule = match (side, direction) {
                (Side::Request, Direction::Looser) => Rule::RequestValidationLoosened,
                (Side::Request, _) => Rule::RequestValidationTightened,
                (Side::Response, Direction::Tighter) => Rule::ResponseValidationTightened,
                (Side::Response, _) => Rule::ResponseValidationLoosened,
            };
            self.push(rule, at, what);
        }
    }
}

/// The direction of a keyword present on both sides with different values.
fn changed(keyword: &str, old: &Value, new: &Value) -> Direction {
    let number = |v: &Value| v.as_f64();
    match (keyword, number(old), number(new)) {
        ("minContains", Some(o), Some(n)) if n > o => Direction::Tighter,
        ("minContains", Some(_), Some(_)) => Direction::Looser,
        ("maxContains", Some(o), Some(n)) if n < o => Direction::Tighter,
        ("maxContains", Some(_), Some(_)) => Direction::Looser,
        ("dependentRequired", _, _) => dependent_required(old, new),
        _ => Direction::Both,
    }
}

/// `dependentRequired` maps a property to the names it requires: more names required is
/// tighter, fewer is looser.
fn dependent_required(old: &Value, new: &Value) -> Direction {
    let pairs = |v: &Value| -> std::collections::BTreeSet<(String, String)> {
        v.as_object()
            .into_iter()
            .flatten()
            .flat_map(|(property, names)| {
                names
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(Value::as_str)
                    .map(move |name| (property.clone(), name.to_string()))
            })
            .collect()
    };
    let (o, n) = (pairs(old), pairs(new));
    if o.is_subset(&n) {
        Direction::Tighter
    } else if n.is_subset(&o) {
        Direction::Looser
    } else {
        Direction::Both
    }
}
