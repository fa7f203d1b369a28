//! The real-world corpus: every document of the set `generation-1` (sources in
//! `xtask/tests/corpus/SOURCES.md`), generated as a new provider's crate with no overlay.
//!
//! The documents are other people's, so they are read from `../shared/corpus/generation-1`
//! (or `$AGENTRUN_CORPUS/generation-1`), never from the project; where that folder is absent,
//! each test says so in one line and passes as skipped.
//!
//! By default: every document generates and each operation it has is a client method, or a note
//! says it was left out. With `--ignored` (`.ci/run` runs it; a few minutes): every crate
//! compiles, with one `cargo check`, and a crate that does not is reported while the others
//! are still checked. `cargo xtask corpus` runs the same with a table.

// Test code: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used)]

use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};

use xtask::checks::corpus::{self, Document, Outcome, Scratch};
use xtask::read::providers::workspace_root;

/// The documents of the default set, all of them; `None` (with one line on stderr, past the
/// test harness's capture) when the set is absent.
fn corpus_documents(root: &Path) -> Option<Vec<Document>> {
    match corpus::set_dir(root, corpus::DEFAULT_SET) {
        Ok(dir) => Some(corpus::documents(&dir).unwrap()),
        Err(why) => {
            let _ = writeln!(std::io::stderr(), "skipped: {why}");
            None
        }
    }
}

/// The files `SOURCES.md` records, from the first column of its table.
fn recorded_sources(root: &Path) -> BTreeSet<String> {
    let sources = std::fs::read_to_string(root.join("xtask/tests/corpus/SOURCES.md")).unwrap();
    sources
        .lines()
        .filter_map(|line| line.strip_prefix("| `"))
        .filter_map(|rest| rest.split('`').next())
        .map(str::to_string)
        .collect()
}

/// Generates every document into a scratch workspace under `name`, and asserts that each
/// generated and accounts for every operation.
fn generate_all(root: &Path, documents: &[Document], name: &str) -> (Scratch, Vec<Outcome>) {
    let base = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    let scratch = Scratch::create(root, &base.join(name)).unwrap();
    // On every core, each taking the next document: each is its own crate, and generating
    // one is CPU-bound.
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get());
    let next = std::sync::atomic::AtomicUsize::new(0);
    let mut outcomes: Vec<(usize, Outcome)> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                let (scratch, next) = (&scratch, &next);
                std::thread::Builder::new()
                    // The stack `cargo xtask` gives generation: typify recurses deeply.
                    .stack_size(xtask::generate::recovery::GENERATOR_STACK)
                    .spawn_scoped(scope, move || {
                        let mut done = Vec::new();
                        loop {
                            let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                            let Some(document) = documents.get(i) else {
                                return done;
                            };
                            done.push((i, scratch.generate(document)));
                        }
                    })
                    .unwrap()
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|worker| worker.join().unwrap())
            .collect()
    });
    outcomes.sort_by_key(|(i, _)| *i);
    let outcomes: Vec<Outcome> = outcomes.into_iter().map(|(_, outcome)| outcome).collect();
    for outcome in &outcomes {
        let name = &outcome.document.name;
        match &outcome.generated {
            Ok(generated) => {
                if let Some(problem) = generated.unaccounted() {
                    panic!("{name}: {problem}: {:#?}", generated.degraded);
                }
            }
            Err(error) => panic!("{name} does not generate: {error}"),
        }
    }
    (scratch, outcomes)
}

#[test]
fn every_corpus_document_generates_and_accounts_for_every_operation() {
    let root = workspace_root();
    let Some(documents) = corpus_documents(&root) else {
        return;
    };
    // The whole set, never a part of it that passes: every document SOURCES.md records is read.
    let read: BTreeSet<String> = documents
        .iter()
        .filter_map(|d| d.path.file_name())
        .map(|n| n.to_string_lossy().into_owned())
        .collect();
    let recorded = recorded_sources(&root);
    assert!(recorded.len() >= 30, "SOURCES.md records {recorded:?}");
    assert_eq!(read, recorded, "the set holds what SOURCES.md records");
    generate_all(&root, &documents, "corpus-generate");
}

#[test]
#[ignore = "heavy: compiles every corpus crate (a few minutes); .ci/run runs it"]
fn every_corpus_document_generates_a_crate_that_compiles() {
    let root = workspace_root();
    let Some(documents) = corpus_documents(&root) else {
        return;
    };
    let (scratch, mut outcomes) = generate_all(&root, &documents, "corpus");
    let base = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
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

/// A small document of ours, for the check of the check.
const SMALL_DOCUMENT: &str = r#"
openapi: 3.0.3
info: {title: Small, version: "1"}
paths:
  /items/{id}:
    get:
      operationId: getItem
      parameters:
        - {name: id, in: path, required: true, schema: {type: string}}
      responses:
        '200':
          description: The item
          content:
            application/json:
              schema:
                type: object
                required: [id]
                properties:
                  id: {type: string}
                  tags: {type: array, items: {type: string}}
"#;

#[test]
#[ignore = "heavy: runs cargo check over a scratch workspace; .ci/run runs it"]
fn a_crate_that_does_not_compile_is_reported_and_the_others_still_checked() {
    let root = workspace_root();
    let base = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    let scratch = Scratch::create(&root, &base.join("corpus-check-check")).unwrap();
    let path = base.join("corpus-check-check/small.yaml");
    std::fs::write(&path, SMALL_DOCUMENT).unwrap();
    let good = Document {
        name: "small".into(),
        path,
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
