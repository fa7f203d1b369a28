//! A scratch copy of the workspace, and its `agentrun` binary: what the tests that change a
//! spec or the provider table, then build what a user would, share.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

/// Copies what a build of the workspace needs (not `target`, `.git` or the corpus).
pub(crate) fn copy_workspace(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name();
        let name = name.to_string_lossy();
        let source = entry.path();
        if matches!(name.as_ref(), "target" | ".git" | "corpus") {
            continue;
        }
        let destination = to.join(&*name);
        if source.is_dir() {
            std::fs::create_dir_all(&destination).unwrap();
            copy_workspace(&source, &destination);
        } else {
            std::fs::copy(&source, &destination).unwrap();
        }
    }
}

/// A fresh scratch copy of `root` under this test binary's temporary directory.
pub(crate) fn scratch_copy(root: &Path, name: &str) -> PathBuf {
    let scratch = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&scratch);
    std::fs::create_dir_all(&scratch).unwrap();
    copy_workspace(root, &scratch);
    scratch
}

/// Every hand-written file of the crates above the generated clients, with its contents.
pub(crate) fn hand_written(root: &Path) -> Vec<(PathBuf, String)> {
    let mut files = Vec::new();
    for dir in [
        "crates/agentrun",
        "crates/agentrun-cli",
        "crates/agentrun-emulator",
    ] {
        collect(&root.join(dir), root, &mut files);
    }
    files.sort();
    files
}

fn collect(dir: &Path, root: &Path, files: &mut Vec<(PathBuf, String)>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            collect(&path, root, files);
        } else if path.extension().is_some_and(|e| e == "rs" || e == "toml") {
            let relative = path.strip_prefix(root).unwrap().to_path_buf();
            files.push((relative, std::fs::read_to_string(&path).unwrap()));
        }
    }
}

/// Builds the scratch workspace's `agentrun` binary against `root`'s build directory (only
/// the workspace's own crates are compiled again) and returns its path. `--offline` rather
/// than `--locked`: a new crate of the scratch workspace enters its lockfile, with nothing
/// to download.
pub(crate) fn build_agentrun(root: &Path, scratch: &Path, target_name: &str) -> PathBuf {
    let target = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(target_name);
    let status = xtask::checks::corpus::cargo_sharing_builds(root, scratch, &target)
        .args([
            "build",
            "--quiet",
            "--offline",
            "-p",
            "agentrun-cli",
            "--bin",
            "agentrun",
        ])
        .status()
        .unwrap();
    assert!(status.success(), "the scratch workspace does not build");
    target
        .join("debug")
        .join(format!("agentrun{}", std::env::consts::EXE_SUFFIX))
}

/// Runs `binary` with `args` and these environment variables: exit code, stdout, stderr.
pub(crate) fn run(binary: &Path, env: &[(&str, &str)], args: &[&str]) -> (i32, String, String) {
    let output = Command::new(binary)
        .args(args)
        .envs(env.iter().copied())
        .output()
        .unwrap();
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// `agentrun emulator` on a free port: the process (kill it when done) and its URL.
pub(crate) fn start_emulator(binary: &Path) -> (Child, String) {
    let mut emulator = Command::new(binary)
        .args(["emulator", "--addr", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(emulator.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let url = line
        .trim_end()
        .strip_prefix("listening on ")
        .unwrap()
        .to_string();
    (emulator, url)
}
