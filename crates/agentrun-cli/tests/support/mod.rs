//! The CLI's tests share: the real `agentrun` binary, run against an emulator on loopback.

#![allow(dead_code, unreachable_pub, clippy::unwrap_used)]

use std::io::Write;
use std::process::{Command, Stdio};

use agentrun_emulator::{Clock, Config, Emulator};

/// When the manual clock starts: 2025-11-24T16:00:00Z.
pub const START_MS: u64 = 1_764_000_000_000;

/// What one run of the binary did.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// The exit code.
    pub code: i32,
    /// Everything on stdout.
    pub stdout: String,
    /// Everything on stderr.
    pub stderr: String,
}

impl Outcome {
    /// Both streams, to search for what must not be there.
    pub fn all(&self) -> String {
        format!("{}\n{}", self.stdout, self.stderr)
    }
}

/// An emulator whose clock moves only when the test says.
pub async fn manual_emulator() -> Emulator {
    emulator(Config {
        clock: Clock::manual(START_MS),
        ..Config::default()
    })
    .await
}

/// An emulator with this configuration.
pub async fn emulator(config: Config) -> Emulator {
    Emulator::start_local(config).await.unwrap()
}

/// The environment that points agentrun at `emulator` with its credentials.
pub fn env_for(emulator: &Emulator) -> Vec<(String, String)> {
    let config = emulator.config();
    vec![
        ("BUILDPRINT_BASE_URL".into(), emulator.buildprint_url()),
        ("BUILDPRINT_TOKEN".into(), config.buildprint_token.clone()),
        ("BUILDER_BASE_URL".into(), emulator.builder_url()),
        (
            "BUILDER_PUBLIC_KEY".into(),
            config.builder_public_key.clone(),
        ),
        (
            "BUILDER_PRIVATE_KEY".into(),
            config.builder_private_key.clone(),
        ),
    ]
}

/// Runs `agentrun args...` with exactly `env` (nothing from the test's own environment that
/// agentrun reads), feeding `stdin`.
pub async fn agentrun_with(args: &[&str], env: &[(String, String)], stdin: &str) -> Outcome {
    let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
    let env = env.to_vec();
    let stdin = stdin.to_string();
    tokio::task::spawn_blocking(move || {
        let mut command = Command::new(env!("CARGO_BIN_EXE_agentrun"));
        command.args(&args);
        for variable in [
            "BUILDPRINT_TOKEN",
            "BUILDPRINT_BASE_URL",
            "BUILDER_PUBLIC_KEY",
            "BUILDER_PRIVATE_KEY",
            "BUILDER_BASE_URL",
            "AGENTRUN_PROGRESS",
            "RUST_LOG",
            "RUST_BACKTRACE",
        ] {
            command.env_remove(variable);
        }
        command.envs(env);
        command
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = command.spawn().unwrap();
        let mut input = child.stdin.take().unwrap();
        input.write_all(stdin.as_bytes()).unwrap();
        drop(input);
        let output = child.wait_with_output().unwrap();
        Outcome {
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8(output.stdout).unwrap(),
            stderr: String::from_utf8(output.stderr).unwrap(),
        }
    })
    .await
    .unwrap()
}

/// Runs `agentrun args...` against `emulator`.
pub async fn agentrun(emulator: &Emulator, args: &[&str]) -> Outcome {
    agentrun_with(args, &env_for(emulator), "").await
}
