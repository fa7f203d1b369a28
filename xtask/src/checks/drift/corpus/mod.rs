//! A labelled mutation corpus for `drift`: single changes applied to a real document (the
//! committed Buildprint snapshot), each labelled with what it means for a client generated
//! from the original, so the comparison's accuracy can be measured, and measured against
//! other tools on the same pairs (`cargo xtask drift-corpus DIR`).
//!
//! The mutations and their labels are in `mutations.rs`, one per line; the edits they are
//! made of in `edit.rs`.
//!
//! ```no_run
//! use xtask::checks::drift::corpus::{accuracy_table, run};
//!
//! let snapshot = xtask::read::document::read("openapi/buildprint/openapi.json".as_ref())?;
//! println!("{}", accuracy_table(&run(&snapshot)?));
//! # Ok::<(), anyhow::Error>(())
//! ```

use std::fmt;

use serde_json::Value;

mod edit;
mod mutations;

use edit::Edit;

/// What a single change means for a client generated from the old document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Verdict {
    /// An old client can fail: the generated crate needs a major version.
    Breaking,
    /// Something new; old clients keep working: a minor version.
    Additive,
    /// Nothing a client can see: a patch.
    NoChange,
}

impl Verdict {
    /// `breaking`, `additive` or `no-change`.
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Breaking => "breaking",
            Verdict::Additive => "additive",
            Verdict::NoChange => "no-change",
        }
    }
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The part of a document a mutation touches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Category {
    /// Whole operations.
    Operations,
    /// Query, path, header and path-level parameters.
    Parameters,
    /// Request bodies: fields, types, formats, enums, limits, media types.
    RequestBodies,
    /// Responses: fields, nullability, types, enums, statuses, media types.
    Responses,
    /// Security schemes and requirements.
    Security,
    /// Changes of form that mean the same API.
    Refactors,
}

impl Category {
    /// Every category, in report order.
    pub const ALL: [Category; 6] = [
        Category::Operations,
        Category::Parameters,
        Category::RequestBodies,
        Category::Responses,
        Category::Security,
        Category::Refactors,
    ];

    /// A short name for tables.
    pub fn as_str(self) -> &'static str {
        match self {
            Category::Operations => "operations",
            Category::Parameters => "parameters",
            Category::RequestBodies => "request bodies",
            Category::Responses => "responses",
            Category::Security => "security",
            Category::Refactors => "refactors",
        }
    }
}

/// One labelled change.
pub struct Mutation {
    /// A stable, file-name-safe id: `request-field-became-required`.
    pub id: &'static str,
    /// What part of the API it touches.
    pub category: Category,
    /// What it means for an old client.
    pub expected: Verdict,
    edits: Vec<Edit>,
}

impl Mutation {
    /// The document with this change applied, or what could not be found in it.
    pub fn apply(&self, base: &Value) -> Result<Value, String> {
        let mut doc = base.clone();
        for edit in &self.edits {
            edit.apply(&mut doc)
                .map_err(|e| format!("mutation `{}`: {e}", self.id))?;
        }
        // As text: a `Value` compares objects without their key order, and a reorder is a
        // mutation too.
        let text = |v: &Value| serde_json::to_string(v).unwrap_or_default();
        if text(&doc) == text(base) {
            return Err(format!("mutation `{}` changed nothing", self.id));
        }
        Ok(doc)
    }
}

/// The corpus: every mutation, to apply to the committed Buildprint snapshot.
pub fn mutations() -> Vec<Mutation> {
    mutations::all()
}

/// The verdict a report gives: breaking when any change is, additive when anything changed.
pub fn verdict(report: &super::Report) -> Verdict {
    match report.wire() {
        super::Wire::Breaking => Verdict::Breaking,
        super::Wire::Additive => Verdict::Additive,
        super::Wire::Unchanged => Verdict::NoChange,
    }
}

/// One mutation's outcome: what it should be and what the report said.
pub struct Outcome {
    /// The mutation's id.
    pub id: &'static str,
    /// Its category.
    pub category: Category,
    /// Its label.
    pub expected: Verdict,
    /// The report's verdict.
    pub found: Verdict,
    /// The report, as text, for a mismatch.
    pub report: String,
}

/// Applies every mutation to `base` and compares each result with it.
pub fn run(base: &Value) -> anyhow::Result<Vec<Outcome>> {
    let old = super::prepare(base.clone(), "the snapshot")?;
    let mut outcomes = Vec::new();
    for mutation in mutations() {
        let new = mutation.apply(base).map_err(anyhow::Error::msg)?;
        let new = super::prepare(new, mutation.id)?;
        let report = super::compare(&old, &new);
        outcomes.push(Outcome {
            id: mutation.id,
            category: mutation.category,
            expected: mutation.expected,
            found: verdict(&report),
            report: report.render("the snapshot", mutation.id),
        });
    }
    Ok(outcomes)
}

/// Accuracy per category, as a Markdown table: right, total and percent, then the whole.
pub fn accuracy_table(outcomes: &[Outcome]) -> String {
    let mut out = String::from("| category | right | of | % |\n|---|---:|---:|---:|\n");
    let row = |name: &str, list: Vec<&Outcome>| {
        let right = list.iter().filter(|o| o.expected == o.found).count();
        let percent = if list.is_empty() {
            0.0
        } else {
            100.0 * right as f64 / list.len() as f64
        };
        format!("| {name} | {right} | {} | {percent:.0} |\n", list.len())
    };
    for category in Category::ALL {
        out.push_str(&row(
            category.as_str(),
            outcomes.iter().filter(|o| o.category == category).collect(),
        ));
    }
    out.push_str(&row("**all**", outcomes.iter().collect()));
    out
}
