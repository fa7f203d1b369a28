//! `drift` against a labelled corpus of single changes to the committed Buildprint snapshot
//! (`xtask::checks::drift::corpus`): every verdict must be the label, so a rule that regresses, or a
//! refactor reported as a change, fails here with the report that got it wrong.

// Test code: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used)]

use xtask::checks::drift::corpus::{Category, Verdict, accuracy_table, mutations, run};
use xtask::read::providers::workspace_root;

fn snapshot() -> serde_json::Value {
    xtask::read::document::read(&workspace_root().join("openapi/buildprint/openapi.json")).unwrap()
}

#[test]
fn every_mutation_of_the_snapshot_gets_its_label() {
    let outcomes = run(&snapshot()).unwrap();
    println!("{}", accuracy_table(&outcomes));
    let wrong: Vec<String> = outcomes
        .iter()
        .filter(|o| o.expected != o.found)
        .map(|o| {
            format!(
                "{}: expected {}, found {}\n{}",
                o.id, o.expected, o.found, o.report
            )
        })
        .collect();
    assert!(
        wrong.is_empty(),
        "{} of {} wrong:\n\n{}",
        wrong.len(),
        outcomes.len(),
        wrong.join("\n")
    );
}

#[test]
fn the_corpus_is_broad() {
    let all = mutations();
    assert!(all.len() >= 80, "only {} mutations", all.len());
    let mut ids = std::collections::BTreeSet::new();
    for mutation in &all {
        assert!(ids.insert(mutation.id), "{} is used twice", mutation.id);
    }
    for category in Category::ALL {
        let count = all.iter().filter(|m| m.category == category).count();
        assert!(count >= 8, "{}: only {count} mutations", category.as_str());
    }
    for verdict in [Verdict::Breaking, Verdict::Additive, Verdict::NoChange] {
        let count = all.iter().filter(|m| m.expected == verdict).count();
        assert!(count >= 20, "{verdict}: only {count} mutations");
    }
}
