//! `cargo xtask drift`: what changed between two versions of an API document, and whether the
//! change breaks clients generated from the old one.
//!
//! Both documents are first brought to the same form (3.1 down to 3.0, shared responses
//! inlined), so a change of OpenAPI version or of document layout is not reported as an API
//! change. Then operations, parameters, request bodies, responses and schemas are compared.
//! Each change found is judged by a [`Rule`] with a stable id (`request-property-became-required`)
//! and one verdict: **breaking** when a client generated from the old document can fail against
//! the new API, **additive** otherwise. Widening what a client may send or narrowing what it may
//! receive is additive; the reverse is breaking. `cargo xtask drift --rules` prints the catalog.
//!
//! A change inside a shared component schema is reported once, at the schema, naming every
//! operation that reaches it, and every change carries its JSON pointer in the new document
//! (the old one for what was removed).
//!
//! Descriptions, summaries and examples are not compared.

use std::collections::BTreeSet;

use anyhow::Result;
use serde_json::Value;

use crate::normalize::to_openapi_30;
use crate::notes::Notes;

pub mod corpus;
mod operations;
mod render;
mod rules;
mod schemas;
pub mod suite;
#[cfg(test)]
mod tests;
mod validation;

pub use rules::{Rule, catalog};

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
    /// Breaking or additive: the rule's verdict.
    pub impact: Impact,
    /// Where: `POST /agents request body .model`, `schema Agent .history[]`, ...
    pub place: String,
    /// What changed there.
    pub what: String,
    /// The rule that judged the change.
    pub rule: Rule,
    /// The JSON pointer of the place in the new document (in the old one when it was removed),
    /// as prepared for comparison.
    pub pointer: String,
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

/// Brings a document to the form `compare` reads: OpenAPI 3.0, shared responses, bodies and
/// parameters inlined, schema references made into component references.
pub fn prepare(mut doc: Value, origin: &str) -> Result<Value> {
    validation::set_aside(&mut doc)?;
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
    differ.webhooks();
    let mut changes = differ.changes;
    let users = operations::schema_users(new);
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

/// Where the comparison is: a label for people and a JSON pointer for tools.
#[derive(Debug, Clone)]
struct At {
    label: String,
    pointer: String,
}

impl At {
    fn new(label: impl Into<String>, pointer: impl Into<String>) -> At {
        At {
            label: label.into(),
            pointer: pointer.into(),
        }
    }

    /// A place inside this one: `label` appended to the label (after a space when it is a
    /// word) and `segments` to the pointer.
    fn child(&self, label: &str, segments: &[&str]) -> At {
        let mut pointer = self.pointer.clone();
        for segment in segments {
            pointer.push('/');
            pointer.push_str(&crate::document::escape_segment(segment));
        }
        let joiner = if label.starts_with(['[', '{']) || label.is_empty() {
            ""
        } else {
            " "
        };
        At::new(format!("{}{joiner}{label}", self.label), pointer)
    }
}

impl Differ<'_> {
    fn push(&mut self, rule: Rule, at: &At, what: impl Into<String>) {
        self.changes.push(Change {
            impact: rule.impact(),
            rule,
            place: at.label.clone(),
            what: what.into(),
            pointer: at.pointer.clone(),
            affects: Vec::new(),
        });
    }
}
