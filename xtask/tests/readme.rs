//! The README's first command tells the truth: what it shows `cargo xtask generate` printing
//! is what the command prints on the committed specs.

// Test code: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used)]

use std::process::Command;

use xtask::read::providers::workspace_root;

/// The first ```text block after `marker` in the README.
fn block_after(readme: &str, marker: &str) -> String {
    let after = &readme[readme
        .find(marker)
        .unwrap_or_else(|| panic!("no {marker:?}"))..];
    let start = after.find("```text\n").unwrap() + "```text\n".len();
    let end = after[start..].find("```").unwrap();
    after[start..start + end].to_string()
}

#[test]
fn the_readme_shows_what_generate_prints() {
    let root = workspace_root();
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let shown = block_after(&readme, "`cargo xtask generate` prints");
    // `--check` writes nothing, and on committed files that are current it prints what a
    // plain `generate` prints.
    let output = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["generate", "--check"])
        .current_dir(&root)
        .output()
        .unwrap();
    let printed = String::from_utf8(output.stdout).unwrap();
    assert!(
        output.status.success(),
        "generate --check: {printed}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(
        printed, shown,
        "the README's example of `cargo xtask generate` is not what it prints"
    );
}
