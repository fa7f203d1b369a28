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
//! A change inside a shared component schema is reported at the schema, once for each side it
//! is on (what clients send, what they read: a webhook's payload is read), naming every
//! operation that reaches it on that side, and every change carries its JSON pointer in the new
//! document (the old one for what was removed).
//!
//! Descriptions, summaries and examples are not compared.
//!
//! That is the wire verdict, and the exit code. The crate's version bump is the other verdict
//! ([`api`]): both documents are generated, and the public APIs of the two crates compared.

use std::collections::BTreeSet;

use anyhow::Result;
use serde_json::Value;

use crate::normalize::notes::Notes;
use crate::normalize::to_openapi_30;

pub mod api;
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
    /// How the generated crate's public API changes.
    pub api: CrateApi,
}

/// The generated crate's side of a report.
#[derive(Debug, Clone, Default)]
pub enum CrateApi {
    /// The crates were not generated (`compare` alone): the bump is estimated from the wire.
    #[default]
    NotCompared,
    /// Both documents generated: every difference between their public APIs.
    Compared(Vec<api::ApiChange>),
    /// A document did not generate; why.
    Failed(String),
}

impl Report {
    /// How many changes are breaking.
    pub fn breaking(&self) -> usize {
        self.changes
            .iter()
            .filter(|c| c.impact == Impact::Breaking)
            .count()
    }

    /// The wire verdict: whether a client generated from the old document can fail against
    /// the new API (the exit code), or what changed at all.
    pub fn wire(&self) -> Wire {
        if self.breaking() > 0 {
            Wire::Breaking
        } else if self.changes.is_empty() {
            Wire::Unchanged
        } else {
            Wire::Additive
        }
    }

    /// The version bump the generated crate needs: from the two crates' public APIs when they
    /// were compared, estimated from the wire verdict when not.
    pub fn bump(&self) -> Bump {
        match &self.api {
            CrateApi::Compared(changes) => api::bump(changes),
            CrateApi::NotCompared | CrateApi::Failed(_) => match self.wire() {
                Wire::Breaking => Bump::Major,
                Wire::Additive => Bump::Minor,
                Wire::Unchanged => Bump::Patch,
            },
        }
    }

    /// Why the bump is what it is, in a few words.
    fn bump_why(&self) -> String {
        let bump = self.bump();
        match &self.api {
            CrateApi::Compared(_) => match bump {
                Bump::Major => "code compiled against the old crate can stop compiling".into(),
                Bump::Minor => "code compiled against the old crate keeps compiling".into(),
                Bump::Patch => "the crate's public API is the same".into(),
            },
            CrateApi::NotCompared => format!("estimated from the wire verdict: {}", bump.why()),
            CrateApi::Failed(why) => format!(
                "estimated from the wire verdict, as the crates could not be compared: {why}"
            ),
        }
    }
}

/// Whether a client generated from the old document keeps working against the new API.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wire {
    /// It can fail: `cargo xtask drift` exits 1.
    Breaking,
    /// Something changed, and old clients keep working.
    Additive,
    /// Nothing a client sees changed.
    Unchanged,
}

impl Wire {
    /// `breaking`, `additive` or `unchanged`.
    pub fn as_str(self) -> &'static str {
        match self {
            Wire::Breaking => "breaking",
            Wire::Additive => "additive",
            Wire::Unchanged => "unchanged",
        }
    }
}

/// The semver consequence of a drift report for the generated crate; ordered from the largest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Bump {
    /// Code compiled against the old crate can stop compiling, or clients break.
    Major,
    /// Something was added.
    Minor,
    /// Nothing changed that code can see.
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
    differ.oauth_flows();
    let mut changes = differ.changes;
    // A shared schema is compared once per side it is on; each change names the operations
    // (and webhooks) that reach the schema on that side.
    let users = operations::schema_users(new);
    for change in &mut changes {
        if let (Some(name), Some(side)) = (
            change
                .place
                .strip_prefix("schema ")
                .and_then(|rest| rest.split(' ').next()),
            change.rule.side(),
        ) {
            change.affects = users
                .get(&(name.to_string(), side))
                .cloned()
                .unwrap_or_default();
        }
    }
    changes.sort();
    changes.dedup();
    Report {
        changes,
        api: CrateApi::NotCompared,
    }
}

/// One side of [`diff`]: a document, its name for messages, and what it is generated with.
pub struct Input {
    /// The document as read.
    pub doc: Value,
    /// How to name it: a file or a URL.
    pub name: String,
    /// The document the crate is generated from (an overlay applied) and the options.
    pub generated: (Value, crate::normalize::Options),
}

impl Input {
    /// A document generated as it is, with no provider settings.
    pub fn plain(doc: Value, name: String, base_dir: Option<std::path::PathBuf>) -> Input {
        let options = crate::normalize::Options {
            base_dir,
            ..Default::default()
        };
        Input {
            generated: (doc.clone(), options),
            doc,
            name,
        }
    }
}

/// Compares two documents on the wire (see [`compare`]), and the crates generated from them
/// (see [`api`]). Only a document that cannot be read or prepared is an error; one that does
/// not generate leaves the bump estimated, saying why.
pub fn diff(old: Input, new: Input, generator: &api::Generator) -> Result<Report> {
    let mut report = compare(&prepare(old.doc, &old.name)?, &prepare(new.doc, &new.name)?);
    let (old_doc, old_options) = old.generated;
    let (new_doc, new_options) = new.generated;
    let generate =
        |doc, options, name: &str| api::Api::generate_with(generator, doc, options, name);
    let generated = generate(old_doc, &old_options, &old.name).and_then(|old_api| {
        generate(new_doc, &new_options, &new.name).map(|new_api| old_api.changes_to(&new_api))
    });
    report.api = match generated {
        Ok(changes) => CrateApi::Compared(changes),
        Err(e) => CrateApi::Failed(crate::text::one_line(&format!("{e:#}"))),
    };
    Ok(report)
}

/// Which way a value travels: what a client sends, or what it reads.
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
            pointer.push_str(&crate::read::document::escape_segment(segment));
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
