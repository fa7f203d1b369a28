//! A client generated from a document with every shape progenitor 0.15 cannot generate as it
//! is (`generated/hostile-api.yaml`), as a new provider's crate: its own tests
//! (`generated/over_http.rs`) run against a server on loopback, and its doctests run, so a code
//! block from a description that ran as a doctest would fail here.
//!
//! Heavy (it builds and tests a crate in a scratch workspace, against the dependencies this
//! workspace has already built): `.ci/run` runs it with `--ignored`.

// Test code: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used)]

use std::path::PathBuf;

use xtask::checks::corpus::{Document, Scratch};
use xtask::read::providers::workspace_root;

#[test]
#[ignore = "heavy: builds and tests a generated crate in a scratch workspace; .ci/run runs it"]
fn a_generated_client_sends_what_its_document_says() {
    let root = workspace_root();
    let fixtures = root.join("xtask/tests/generated");
    let base = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    let scratch = Scratch::create(&root, &base.join("generated-client")).unwrap();
    let document = Document {
        name: "hostile-api".into(),
        path: fixtures.join("hostile-api.yaml"),
    };
    let outcome = scratch.generate(&document);
    if let Err(error) = &outcome.generated {
        panic!("the fixture does not generate: {error}");
    }
    let crate_dir = scratch.root().join("crates").join(document.crate_name());
    let code = std::fs::read_to_string(crate_dir.join("src/generated.rs")).unwrap();
    // Its attributes, from the doc comment's end to the method (the tag feature's `cfg` is
    // one of them).
    let method = code.find("pub fn delete_thing(").unwrap();
    let attributes = &code[code[..method].rfind("///").unwrap()..method];
    assert!(
        attributes.contains("\n    #[deprecated]\n"),
        "the deprecated operation is not marked: {attributes}"
    );
    assert!(!code.contains('\u{202E}') && !code.contains('\r'));

    std::fs::create_dir_all(crate_dir.join("tests")).unwrap();
    std::fs::copy(
        fixtures.join("over_http.rs"),
        crate_dir.join("tests/over_http.rs"),
    )
    .unwrap();
    let manifest = crate_dir.join("Cargo.toml");
    let mut text = std::fs::read_to_string(&manifest).unwrap();
    text.push_str("\n[dev-dependencies]\ntest-server.workspace = true\ntokio.workspace = true\n");
    std::fs::write(&manifest, text).unwrap();

    let output = scratch
        .cargo(&base.join("scratch-target"))
        .args(["test", "--quiet", "-p", &document.crate_name()])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "the generated crate's tests fail:\n{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}
