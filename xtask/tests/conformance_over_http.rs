//! `cargo xtask conformance --over-http`: every operation of a generated client, called through
//! its builders against the stand-in of its source document (`agentrun-mock`), which holds each
//! request to the document and answers with each documented status in turn.
//!
//! Heavy (each document's crate and harness are built in a scratch workspace, against the
//! dependencies this workspace has built): `.ci/run` runs these with `--ignored`. The corpus
//! set is read from `../shared/corpus/` (or `$AGENTRUN_CORPUS`); without it the test says so in
//! one line and passes as skipped.

// Test code: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used)]

use std::io::Write as _;
use std::path::PathBuf;

use xtask::checks::conformance::over_http::{
    HttpReport, corpus_subject, provider_subjects, render, run,
};
use xtask::checks::corpus::{self, Document};
use xtask::read::providers::workspace_root;

/// The share of a corpus set's operations that must pass both sides.
const LEAST_PASSING: f64 = 0.99;

/// The xtask binary: each document is generated in a child of it, as the command does.
fn xtask() -> &'static std::path::Path {
    std::path::Path::new(env!("CARGO_BIN_EXE_xtask"))
}

fn scratch(name: &str) -> (PathBuf, PathBuf) {
    let base = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    (base.join(name), base.join("conformance-target"))
}

#[test]
#[ignore = "heavy: builds both clients, the hostile one and a cyclic one with their harnesses; .ci/run runs it"]
fn both_clients_the_hostile_and_a_cyclic_document_pass_every_call_and_a_broken_one_fails_alone() {
    let root = workspace_root();
    let mut subjects = provider_subjects(&root).unwrap();
    let hostile = Document {
        name: "hostile-api".into(),
        path: root.join("xtask/tests/generated/hostile-api.yaml"),
    };
    subjects.push(corpus_subject(&hostile).unwrap());
    let (dir, artifacts) = scratch("conformance-specs");
    std::fs::create_dir_all(&dir).unwrap();
    // A schema in its own `allOf` once overflowed typify's stack; the cycle is broken before
    // typify sees it, so its client is made and called like any other.
    let cyclic = Document {
        name: "cyclic".into(),
        path: dir.join("cyclic.json"),
    };
    std::fs::write(
        &cyclic.path,
        r##"{"openapi": "3.0.3", "info": {"title": "c", "version": "1"},
            "paths": {"/a": {"get": {"responses": {"200": {"description": "ok",
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/A"}}}}}}}},
            "components": {"schemas": {"A": {"allOf": [{"$ref": "#/components/schemas/A"}]}}}}"##,
    )
    .unwrap();
    subjects.push(corpus_subject(&cyclic).unwrap());
    // A document whose client cannot be made fails alone; the run goes on.
    let broken = Document {
        name: "broken".into(),
        path: dir.join("broken.json"),
    };
    std::fs::write(
        &broken.path,
        r#"{"openapi": "3.0.3", "info": {"title": "b", "version": "1"}, "paths": []}"#,
    )
    .unwrap();
    subjects.push(corpus_subject(&broken).unwrap());
    let reports = run(&root, &dir, &artifacts, &subjects, Some(xtask())).unwrap();
    assert_eq!(reports.len(), 5);
    let failed = reports[4].unrunnable.as_deref().unwrap_or_default();
    assert!(failed.contains("does not generate"), "{failed}");
    for report in &reports[..4] {
        let shown = render(std::slice::from_ref(report), usize::MAX);
        assert!(report.unrunnable.is_none(), "{shown}");
        assert!(report.failures.is_empty(), "{shown}");
        assert!(report.operations > 0, "{shown}");
        assert_eq!(report.passed, report.operations, "{shown}");
        // Every operation was called, each more than once, and every call arrived.
        assert!(report.cases > report.operations, "{shown}");
        assert_eq!(report.sent, report.cases, "{shown}");
    }
}

#[test]
#[ignore = "heavy: builds the 30 clients of generation-1 with their harnesses (4 min); .ci/run runs it"]
fn nearly_every_generation_1_operation_passes_and_every_failure_is_noted() {
    let root = workspace_root();
    let dir = match corpus::set_dir(&root, corpus::DEFAULT_SET) {
        Ok(dir) => dir,
        Err(why) => {
            let _ = writeln!(std::io::stderr(), "skipped: {why}");
            return;
        }
    };
    let subjects: Vec<_> = corpus::documents(&dir)
        .unwrap()
        .iter()
        .map(|d| corpus_subject(d).unwrap())
        .collect();
    let (scratch_dir, artifacts) = scratch("conformance-generation-1");
    let reports = run(&root, &scratch_dir, &artifacts, &subjects, Some(xtask())).unwrap();
    let shown = render(&reports, usize::MAX);
    let not_run: Vec<&HttpReport> = reports.iter().filter(|r| r.unrunnable.is_some()).collect();
    assert!(not_run.is_empty(), "{shown}");
    let operations: usize = reports.iter().map(|r| r.operations).sum();
    let passed: usize = reports.iter().map(|r| r.passed).sum();
    #[allow(clippy::cast_precision_loss)]
    let share = passed as f64 / operations as f64;
    assert!(
        share >= LEAST_PASSING,
        "{passed} of {operations} pass:\n{shown}"
    );
    let silent: Vec<String> = reports
        .iter()
        .flat_map(|r| r.unnoted.iter().map(move |op| format!("{}: {op}", r.name)))
        .collect();
    assert!(
        silent.is_empty(),
        "failing without a degradation note:\n{}\n{shown}",
        silent.join("\n")
    );
}
