//! Profiles: connection settings from a config file, chosen with `--profile` or
//! `AGENTRUN_PROFILE` (`default` when neither says); a flag wins over the environment, which
//! wins over the profile; a file other users can read that holds a secret gets a warning.

// Test code: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used)]

mod support;

use std::path::Path;

use support::{Agentrun, manual_emulator};

const LIST: &str = "buildprint tests list --app-id demo-app";

/// Writes a config file of `profiles` (name, base URL, token), readable by its owner only.
fn config(dir: &Path, profiles: &[(&str, &str, &str)]) -> String {
    let mut text = String::new();
    for (name, url, token) in profiles {
        text.push_str(&format!(
            "[profiles.{name}]\nBUILDPRINT_BASE_URL = \"{url}\"\nBUILDPRINT_TOKEN = \"{token}\"\n\n"
        ));
    }
    let path = dir.join("config.toml");
    std::fs::write(&path, text).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
    }
    path.display().to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_profile_gives_what_no_flag_or_variable_gives() {
    let emulator = manual_emulator().await;
    let dir = tempfile::tempdir().unwrap();
    let url = emulator.buildprint_url();
    let path = config(
        dir.path(),
        &[
            ("ci", &url, "bp_emulator"),
            ("default", "http://127.0.0.1:9/api/public/v1", "bp_x"),
        ],
    );
    let cli = Agentrun::bare().env("AGENTRUN_CONFIG", &path);

    let flag = cli.line(&format!("--profile ci {LIST}")).await;
    assert_eq!(flag.code, 0, "{}", flag.all());
    assert!(flag.stderr.is_empty(), "{}", flag.stderr);
    let variable = cli.clone().env("AGENTRUN_PROFILE", "ci").line(LIST).await;
    assert_eq!(variable.code, 0, "{}", variable.all());
    // Without either, `default`: its base URL refuses connections.
    let default = cli.line(LIST).await;
    assert_eq!(default.code, 3, "{}", default.all());
    assert!(
        default
            .stderr
            .starts_with("error: GET /tests: no answer: the connection could not be made"),
        "{}",
        default.stderr
    );

    // The environment wins over the profile, and a flag over the environment.
    let env_wins = cli
        .clone()
        .env("BUILDPRINT_TOKEN", "bp_not_this_workspace")
        .line(&format!("--profile ci {LIST}"))
        .await;
    assert_eq!(env_wins.code, 3, "{}", env_wins.all());
    assert!(env_wins.stderr.contains("401"), "{}", env_wins.stderr);
    let flag_wins = cli
        .clone()
        .env("BUILDPRINT_TOKEN", "bp_not_this_workspace")
        .line(&format!("--profile ci {LIST} --token bp_emulator"))
        .await;
    assert_eq!(flag_wins.code, 0, "{}", flag_wins.all());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_profile_is_named_with_the_known_ones_and_nothing_is_sent() {
    let emulator = manual_emulator().await;
    let dir = tempfile::tempdir().unwrap();
    let path = config(
        dir.path(),
        &[("ci", &emulator.buildprint_url(), "bp_emulator")],
    );
    let out = Agentrun::bare()
        .env("AGENTRUN_CONFIG", &path)
        .line(&format!("--profile staging {LIST}"))
        .await;
    assert_eq!(out.code, 2, "{}", out.all());
    assert_eq!(
        out.stderr.trim_end(),
        format!("error: {path} has no profile `staging`; its profiles are: ci")
    );
    assert_eq!(emulator.received().requests, 0);
}

#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_secret_in_a_file_others_can_read_gets_a_warning() {
    use std::os::unix::fs::PermissionsExt;
    let emulator = manual_emulator().await;
    let dir = tempfile::tempdir().unwrap();
    let path = config(
        dir.path(),
        &[("ci", &emulator.buildprint_url(), "bp_emulator")],
    );
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    let out = Agentrun::bare()
        .env("AGENTRUN_CONFIG", &path)
        .line(&format!("--profile ci {LIST}"))
        .await;
    assert_eq!(out.code, 0, "{}", out.all());
    assert_eq!(
        out.stderr.trim_end(),
        format!(
            "warning: {path} holds a secret and other users can read it; run `chmod 600 {path}`"
        )
    );
    assert!(!out.all().contains("bp_emulator"));
}
