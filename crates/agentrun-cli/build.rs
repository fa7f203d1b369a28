//! Names the commit the binary is built from, for `agentrun --version`: the checkout's `HEAD`,
//! or for a build from the published package, the commit cargo recorded in
//! `.cargo_vcs_info.json`; `unknown` when neither says.

use std::path::Path;
use std::process::Command;

fn main() {
    let commit = from_git()
        .or_else(from_package)
        .unwrap_or_else(|| "unknown".into());
    println!("cargo:rustc-env=AGENTRUN_COMMIT={commit}");
    // Again when the checkout moves to another branch or its branch to another commit.
    if let Some(git_dir) = git(&["rev-parse", "--absolute-git-dir"]) {
        let branch = git(&["symbolic-ref", "-q", "HEAD"]);
        for file in ["HEAD", "packed-refs"].into_iter().chain(branch.as_deref()) {
            // Only files that exist: cargo runs the script again every build for one that
            // does not, and every crate above would build again too.
            let path = Path::new(&git_dir).join(file);
            if path.exists() {
                println!("cargo:rerun-if-changed={}", path.display());
            }
        }
    }
    println!("cargo:rerun-if-changed=build.rs");
}

/// The checkout's `HEAD`, abbreviated.
fn from_git() -> Option<String> {
    git(&["rev-parse", "--short=12", "HEAD"])
}

/// The commit cargo recorded when it packaged the crate.
fn from_package() -> Option<String> {
    let text = std::fs::read_to_string(Path::new(".cargo_vcs_info.json")).ok()?;
    let key = "\"sha1\": \"";
    let start = text.find(key)? + key.len();
    let sha = &text[start..];
    let sha = &sha[..sha.find('"')?];
    Some(sha.chars().take(12).collect())
}

/// What `git ARGS` prints, trimmed; `None` when git is missing or fails.
fn git(args: &[&str]) -> Option<String> {
    let output = Command::new("git").args(args).output().ok()?;
    output
        .status
        .success()
        .then(|| String::from_utf8_lossy(&output.stdout).trim().to_string())
        .filter(|text| !text.is_empty())
}
