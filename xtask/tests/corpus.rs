//! Every real-world document of `xtask/tests/corpus/` (see its `SOURCES.md`), generated as a
//! new provider's crate with no overlay, and compiled: one `cargo check` over a scratch
//! workspace of all of them.
//!
//! Each document generates; each operation it has is a client method, or a note says it was
//! left out; and each crate compiles. `cargo xtask corpus` runs the same with a table.

// Test code: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used)]

use std::path::PathBuf;

use xtask::corpus::{self, Scratch};
use xtask::providers::workspace_root;

#[test]
fn every_corpus_document_generates_a_crate_that_compiles() {
    let root = workspace_root();
    let documents = corpus::documents(&root.join("xtask/tests/corpus")).unwrap();
    assert!(
        documents.len() >= 18,
        "the corpus holds {} documents",
        documents.len()
    );
    let base = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    let scratch = Scratch::create(&root, &base.join("corpus")).unwrap();
    let mut outcomes: Vec<corpus::Outcome> =
        documents.iter().map(|d| scratch.generate(d)).collect();
    for outcome in &outcomes {
        let name = &outcome.document.name;
        let generated = match &outcome.generated {
            Ok(generated) => generated,
            Err(error) => panic!("{name} does not generate: {error}"),
        };
        assert_eq!(
            generated.methods, generated.operations,
            "{name}: each operation of the normalized document is one client method"
        );
        let left_out = generated
            .degraded
            .iter()
            .filter(|line| {
                line.split(": ")
                    .nth(1)
                    .is_some_and(|w| w.starts_with("left out:"))
            })
            .filter(|line| {
                xtask::schemas::METHODS
                    .iter()
                    .any(|m| line.starts_with(&format!("{} /", m.to_uppercase())))
            })
            .count();
        assert_eq!(
            generated.source_operations,
            generated.operations + left_out,
            "{name}: an operation went missing without a note: {:#?}",
            generated.degraded
        );
    }
    scratch
        .compile(&mut outcomes, &base.join("scratch-target"))
        .unwrap();
    let table = corpus::table(&outcomes);
    // The causes first, the table last, and the first line alone names a crate and its first
    // error: a CI log that shows only the start of a failure still shows why.
    let failures: Vec<(&str, String)> = outcomes
        .iter()
        .filter_map(|outcome| {
            let errors = match &outcome.compiled {
                Some(Ok(())) => return None,
                Some(Err(errors)) => errors.lines().take(40).collect::<Vec<_>>().join("\n"),
                None => "it was not compiled".to_string(),
            };
            Some((outcome.document.name.as_str(), errors))
        })
        .collect();
    if let Some((name, errors)) = failures.first() {
        let first_error = errors
            .lines()
            .find(|l| l.contains("error"))
            .or(errors.lines().next())
            .unwrap_or_default();
        let details: Vec<String> = failures
            .iter()
            .map(|(name, errors)| format!("{name} does not compile:\n{errors}"))
            .collect();
        panic!(
            "{} of {} corpus crates do not compile; {name}: {first_error}\n\n{}\n\n{table}",
            failures.len(),
            outcomes.len(),
            details.join("\n\n")
        );
    }
    eprintln!("{table}");
}

#[test]
fn a_crate_that_does_not_compile_is_reported_and_the_others_still_checked() {
    let root = workspace_root();
    let base = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    let scratch = Scratch::create(&root, &base.join("corpus-check-check")).unwrap();
    let good = corpus::Document {
        name: "good".into(),
        path: root.join("xtask/tests/corpus/oai-uspto.yaml"),
    };
    assert!(scratch.generate(&good).generated.is_ok());
    // A crate cargo builds first and fails on: the good one must still be checked.
    let broken = scratch.root().join("crates/a-broken");
    std::fs::create_dir_all(broken.join("src")).unwrap();
    std::fs::write(
        broken.join("Cargo.toml"),
        "[package]\nname = \"a-broken\"\nversion = \"0.1.0\"\nedition = \"2024\"\n",
    )
    .unwrap();
    std::fs::write(
        broken.join("src/lib.rs"),
        "pub fn f() -> u32 { \"not a number\" }\n",
    )
    .unwrap();
    let results = scratch.check(&base.join("scratch-target")).unwrap();
    assert!(
        results["a-broken"]
            .as_ref()
            .is_err_and(|e| e.contains("mismatched types")),
        "{results:?}"
    );
    assert_eq!(results[&good.crate_name()], Ok(()), "{results:?}");
}
