//! `cargo xtask conformance`'s document side: both committed specs hold against themselves
//! under a strict validator, and over the corpus sets every document is read and nearly every
//! request and answer schema gets a synthesized value the validator accepts. The sets live in
//! `../shared/corpus/` (or `$AGENTRUN_CORPUS`); without them these tests say so in one line and
//! pass as skipped. `generation-2` and `-3` are heavier and run from `.ci/run`.

// Test code: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used)]

use std::io::Write as _;

use xtask::checks::conformance::documents::{DocumentReport, check, render};
use xtask::checks::corpus;
use xtask::normalize;
use xtask::read::document;
use xtask::read::providers::{Providers, workspace_root};

/// Documents a run cannot read yet, each with why: issue 23 is about them.
const UNREADABLE: &[(&str, &str)] = &[(
    "heyapi-schema-unknown-20.yaml",
    "`swagger: 2.0` unquoted is read as a number",
)];

/// The share of request and answer schemas that must get a valid synthesized value.
const LEAST_COVERED: f64 = 0.98;

#[test]
fn both_committed_specs_hold_against_themselves() {
    let providers = Providers::load(&workspace_root()).unwrap();
    for provider in &providers.list {
        let (doc, _, origin) = normalize::source_document(&providers, provider).unwrap();
        let report = check(doc, &origin);
        assert!(report.unreadable.is_none(), "{:?}", report.unreadable);
        assert!(report.failures.is_empty(), "{}", render(&[report]));
        assert!(
            report.schemas > 0 && report.examples > 0,
            "{}",
            render(&[report])
        );
    }
}

/// Every document of a corpus set, checked; `None`, with one line past the test harness,
/// when the set is not there.
fn run_set(name: &str) -> Option<Vec<DocumentReport>> {
    let dir = match corpus::set_dir(&workspace_root(), name) {
        Ok(dir) => dir,
        Err(why) => {
            let _ = writeln!(std::io::stderr(), "skipped: {why}");
            return None;
        }
    };
    let reports = corpus::documents(&dir)
        .unwrap()
        .into_iter()
        .map(|d| {
            let name = d.path.file_name().unwrap().to_string_lossy().into_owned();
            check(document::read(&d.path).unwrap(), &name)
        })
        .collect();
    Some(reports)
}

fn assert_set(name: &str) {
    let Some(reports) = run_set(name) else { return };
    let unread: Vec<String> = reports
        .iter()
        .filter_map(|r| {
            r.unreadable
                .as_ref()
                .map(|why| format!("{}: {why}", r.name))
        })
        .filter(|line| !UNREADABLE.iter().any(|(doc, _)| line.starts_with(doc)))
        .collect();
    assert!(
        unread.is_empty(),
        "{name}: not checked:\n{}",
        unread.join("\n")
    );
    let schemas: usize = reports.iter().map(|r| r.schemas).sum();
    let covered: usize = reports.iter().map(|r| r.schemas_with_a_valid_value).sum();
    #[allow(clippy::cast_precision_loss)]
    let share = covered as f64 / schemas.max(1) as f64;
    assert!(
        share >= LEAST_COVERED,
        "{name}: {covered} of {schemas} schemas got a valid value:\n{}",
        render(&reports)
    );
}

#[test]
fn every_generation_1_document_is_read_and_nearly_every_schema_gets_a_valid_value() {
    assert_set("generation-1");
}

#[test]
#[ignore = "heavy: two bigger corpus sets (15 s); .ci/run runs it"]
fn every_generation_2_and_3_document_is_read_and_nearly_every_schema_gets_a_valid_value() {
    assert_set("generation-2");
    assert_set("generation-3");
}
