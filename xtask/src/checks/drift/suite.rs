//! `drift` measured on a labelled suite of document pairs that nobody here wrote: a folder with
//! a `manifest.json` listing pairs (`old`, `new`, relative to the folder), each with a
//! `category` and the `expected` verdict (`breaking`, `not-breaking`, or `warn` for "potentially
//! breaking", which is shown but not scored). The first such suite is oasdiff's checker tests,
//! in `../shared/corpus/drift-oasdiff/` (`cargo xtask drift-suite`).
//!
//! ```no_run
//! use xtask::checks::drift::suite::{agreement_table, judge, load};
//!
//! let dir = std::path::Path::new("../shared/corpus/drift-oasdiff");
//! let outcomes: Vec<_> = load(dir)?.iter().map(judge).collect();
//! println!("{}", agreement_table(&outcomes));
//! # Ok::<(), anyhow::Error>(())
//! ```

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use serde_json::Value;

use super::{Report, compare, prepare};

/// A pair's label: what a client generated from the old document meets in the new API.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Label {
    /// An old client can fail.
    Breaking,
    /// Old clients keep working.
    NotBreaking,
    /// Potentially breaking: shown, not scored.
    Warn,
}

impl Label {
    fn parse(text: &str) -> Option<Label> {
        match text {
            "breaking" => Some(Label::Breaking),
            "not-breaking" => Some(Label::NotBreaking),
            "warn" => Some(Label::Warn),
            _ => None,
        }
    }

    /// `breaking`, `not-breaking` or `warn`.
    pub fn as_str(self) -> &'static str {
        match self {
            Label::Breaking => "breaking",
            Label::NotBreaking => "not-breaking",
            Label::Warn => "warn",
        }
    }
}

/// One labelled pair of the suite.
#[derive(Debug, Clone)]
pub struct Pair {
    /// The pair's id in the manifest.
    pub id: String,
    /// The theme it tests (`enums`, `json-schema-2020`, ...).
    pub category: String,
    /// The older document.
    pub old: PathBuf,
    /// The newer document.
    pub new: PathBuf,
    /// The verdict expected of drift.
    pub expected: Label,
}

/// What drift made of one pair.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// The pair.
    pub pair: Pair,
    /// drift's verdict and the ids of the breaking rules that fired, or why it could not judge.
    pub found: std::result::Result<(Label, Vec<&'static str>), String>,
}

impl Outcome {
    /// Whether drift gave the labelled verdict (never, for a `warn` label, which is not scored).
    pub fn agrees(&self) -> bool {
        matches!(&self.found, Ok((label, _)) if *label == self.pair.expected)
    }
}

/// The pairs of the suite in `dir`, as its `manifest.json` lists them.
pub fn load(dir: &Path) -> Result<Vec<Pair>> {
    let path = dir.join("manifest.json");
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("cannot read {}", path.display()))?;
    let manifest: Value =
        serde_json::from_str(&text).with_context(|| format!("{} is not JSON", path.display()))?;
    let Some(pairs) = manifest["pairs"].as_array() else {
        bail!("{}#/pairs: expected an array of pairs", path.display());
    };
    pairs
        .iter()
        .enumerate()
        .map(|(index, pair)| {
            let field = |name: &str| {
                pair[name].as_str().map(str::to_string).with_context(|| {
                    format!(
                        "{}#/pairs/{index}/{name}: expected a string",
                        path.display()
                    )
                })
            };
            let expected = field("expected")?;
            Ok(Pair {
                id: field("id")?,
                category: field("category")?,
                old: dir.join(field("old")?),
                new: dir.join(field("new")?),
                expected: Label::parse(&expected).with_context(|| {
                    format!(
                        "{}#/pairs/{index}/expected: `{expected}` is not breaking, \
                         not-breaking or warn",
                        path.display()
                    )
                })?,
            })
        })
        .collect()
}

/// drift's verdict on one pair.
pub fn judge(pair: &Pair) -> Outcome {
    let report = (|| -> Result<Report> {
        let old = crate::read::document::read(&pair.old)?;
        let new = crate::read::document::read(&pair.new)?;
        let old = prepare(old, &pair.old.display().to_string())?;
        let new = prepare(new, &pair.new.display().to_string())?;
        Ok(compare(&old, &new))
    })();
    let found = report
        .map(|report| {
            let mut fired: Vec<&'static str> = report
                .changes
                .iter()
                .filter(|c| c.impact == super::Impact::Breaking)
                .map(|c| c.rule.id())
                .collect();
            fired.sort_unstable();
            fired.dedup();
            let label = if fired.is_empty() {
                Label::NotBreaking
            } else {
                Label::Breaking
            };
            (label, fired)
        })
        .map_err(|e| format!("{e:#}"));
    Outcome {
        pair: pair.clone(),
        found,
    }
}

/// Agreement per category on the scored pairs (every label but `warn`), and the false
/// "breaking" verdicts on pairs labelled not-breaking, as a Markdown table.
pub fn agreement_table(outcomes: &[Outcome]) -> String {
    let mut by_category: BTreeMap<&str, Vec<&Outcome>> = BTreeMap::new();
    for outcome in outcomes {
        by_category
            .entry(outcome.pair.category.as_str())
            .or_default()
            .push(outcome);
    }
    let row = |name: &str, list: &[&Outcome]| {
        let scored: Vec<&&Outcome> = list
            .iter()
            .filter(|o| o.pair.expected != Label::Warn)
            .collect();
        let agree = scored.iter().filter(|o| o.agrees()).count();
        let false_breaking = scored
            .iter()
            .filter(|o| {
                o.pair.expected == Label::NotBreaking
                    && matches!(&o.found, Ok((Label::Breaking, _)))
            })
            .count();
        let percent = if scored.is_empty() {
            0.0
        } else {
            100.0 * agree as f64 / scored.len() as f64
        };
        format!(
            "| {name} | {agree} | {} | {percent:.0} | {false_breaking} |\n",
            scored.len()
        )
    };
    let mut out = String::from(
        "| category | agree | scored | % | breaking where not |\n|---|---:|---:|---:|---:|\n",
    );
    for (name, list) in &by_category {
        out.push_str(&row(name, list));
    }
    let all: Vec<&Outcome> = outcomes.iter().collect();
    out.push_str(&row("**all**", &all));
    out
}

/// One line per scored pair drift disagrees with (and per pair it could not judge): the id, the
/// label, drift's verdict and the breaking rules that fired.
pub fn disagreements(outcomes: &[Outcome]) -> String {
    let mut out = String::new();
    for outcome in outcomes {
        let pair = &outcome.pair;
        match &outcome.found {
            Err(error) => out.push_str(&format!("{} ({}): {error}\n", pair.id, pair.category)),
            Ok(_) if pair.expected == Label::Warn || outcome.agrees() => {}
            Ok((label, fired)) => out.push_str(&format!(
                "{} ({}): expected {}, drift says {}{}\n",
                pair.id,
                pair.category,
                pair.expected.as_str(),
                label.as_str(),
                if fired.is_empty() {
                    String::new()
                } else {
                    format!(" ({})", fired.join(", "))
                }
            )),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const OLD: &str = r#"{"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {
        "/a": {"get": {"responses": {"200": {"description": "ok"}}}}}}"#;
    const NEW: &str =
        r#"{"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {}}"#;

    #[test]
    fn a_suite_is_read_judged_and_scored_by_category() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("old.json"), OLD).unwrap();
        std::fs::write(dir.path().join("new.json"), NEW).unwrap();
        let pair = |id: &str, old: &str, new: &str, expected: &str| {
            serde_json::json!({"id": id, "category": "paths", "old": old, "new": new,
                               "expected": expected})
        };
        let manifest = serde_json::json!({"pairs": [
            pair("removed", "old.json", "new.json", "breaking"),
            pair("added", "new.json", "old.json", "breaking"),
            pair("same", "old.json", "old.json", "warn"),
        ]});
        std::fs::write(dir.path().join("manifest.json"), manifest.to_string()).unwrap();

        let outcomes: Vec<Outcome> = load(dir.path()).unwrap().iter().map(judge).collect();
        assert!(outcomes[0].agrees(), "{:?}", outcomes[0].found);
        assert!(
            matches!(&outcomes[0].found, Ok((_, fired)) if fired == &["operation-removed"]),
            "{:?}",
            outcomes[0].found
        );
        assert!(!outcomes[1].agrees());
        let table = agreement_table(&outcomes);
        assert!(table.contains("| paths | 1 | 2 | 50 | 0 |"), "{table}");
        let listed = disagreements(&outcomes);
        assert_eq!(
            listed,
            "added (paths): expected breaking, drift says not-breaking\n"
        );
    }

    #[test]
    fn a_bad_label_names_its_place() {
        let dir = tempfile::tempdir().unwrap();
        let manifest = serde_json::json!({"pairs": [{"id": "x", "category": "c", "old": "a",
                                                     "new": "b", "expected": "maybe"}]});
        std::fs::write(dir.path().join("manifest.json"), manifest.to_string()).unwrap();
        let error = format!("{:#}", load(dir.path()).unwrap_err());
        assert!(
            error.contains("manifest.json#/pairs/0/expected: `maybe`"),
            "{error}"
        );
    }
}
