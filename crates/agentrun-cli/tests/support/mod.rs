//! The CLI's tests share: the real `agentrun` binary, run against an emulator on loopback.

#![allow(dead_code, unreachable_pub, clippy::unwrap_used)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use agentrun_emulator::{Config, Emulator, fixtures};

/// The variables agentrun reads; none comes from the test's own environment.
const READ: [&str; 11] = [
    "BUILDPRINT_TOKEN",
    "BUILDPRINT_BASE_URL",
    "BUILDER_PUBLIC_KEY",
    "BUILDER_PRIVATE_KEY",
    "BUILDER_BASE_URL",
    "AGENTRUN_PROGRESS",
    "RUST_LOG",
    "AGENTRUN_LOG",
    "AGENTRUN_PROFILE",
    "XDG_CONFIG_HOME",
    "RUST_BACKTRACE",
];

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

    /// Stdout as JSON.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}): {:?}", self.stdout))
    }
}

/// An emulator whose clock moves only when the test says.
pub async fn manual_emulator() -> Emulator {
    emulator(fixtures::manual()).await
}

/// An emulator whose runs end within milliseconds.
pub async fn fast_emulator() -> Emulator {
    emulator(fixtures::fast()).await
}

/// An emulator with this configuration.
pub async fn emulator(config: Config) -> Emulator {
    Emulator::start_local(config).await.unwrap()
}

/// A command line split into arguments: on spaces, except inside single quotes.
pub fn words(line: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word: Option<String> = None;
    let mut quoted = false;
    for c in line.chars() {
        match c {
            '\'' => {
                quoted = !quoted;
                word.get_or_insert_with(String::new);
            }
            c if c.is_whitespace() && !quoted => words.extend(word.take()),
            c => word.get_or_insert_with(String::new).push(c),
        }
    }
    assert!(!quoted, "unbalanced quote in {line:?}");
    words.extend(word);
    words
}

/// How to run the binary: its environment, its stdin and its working directory.
#[derive(Debug, Clone, Default)]
pub struct Agentrun {
    env: Vec<(String, String)>,
    stdin: String,
    dir: Option<PathBuf>,
}

impl Agentrun {
    /// With no credentials or base URLs at all.
    pub fn bare() -> Self {
        Self::default()
    }

    /// Pointed at `emulator`, with its credentials.
    pub fn against(emulator: &Emulator) -> Self {
        let config = emulator.config();
        Self::bare()
            .env("BUILDPRINT_BASE_URL", &emulator.buildprint_url())
            .env("BUILDPRINT_TOKEN", &config.buildprint_token)
            .env("BUILDER_BASE_URL", &emulator.builder_url())
            .env("BUILDER_PUBLIC_KEY", &config.builder_public_key)
            .env("BUILDER_PRIVATE_KEY", &config.builder_private_key)
    }

    /// Sets a variable (replacing it when set).
    pub fn env(mut self, name: &str, value: &str) -> Self {
        self.env.retain(|(n, _)| n != name);
        self.env.push((name.into(), value.into()));
        self
    }

    /// Leaves a variable out.
    pub fn without(mut self, name: &str) -> Self {
        self.env.retain(|(n, _)| n != name);
        self
    }

    /// Feeds `text` on stdin.
    pub fn stdin(mut self, text: &str) -> Self {
        self.stdin = text.into();
        self
    }

    /// Runs in `dir`.
    pub fn dir(mut self, dir: &Path) -> Self {
        self.dir = Some(dir.into());
        self
    }

    /// Runs `agentrun LINE` (split by [`words`]).
    pub async fn line(&self, line: &str) -> Outcome {
        self.args(&words(line)).await
    }

    /// Runs `agentrun ARGS...`.
    pub async fn args(&self, args: &[String]) -> Outcome {
        let invocation = self.clone();
        let args = args.to_vec();
        tokio::task::spawn_blocking(move || invocation.spawn(&args))
            .await
            .unwrap()
    }

    fn spawn(&self, args: &[String]) -> Outcome {
        let mut command = Command::new(env!("CARGO_BIN_EXE_agentrun"));
        command.args(args);
        for variable in READ {
            command.env_remove(variable);
        }
        // No config file of the machine's: a test that wants one names it.
        command.env("AGENTRUN_CONFIG", "/nonexistent/agentrun/config.toml");
        command.envs(self.env.iter().cloned());
        if let Some(dir) = &self.dir {
            command.current_dir(dir);
        }
        let mut child = command
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut input = child.stdin.take().unwrap();
        input.write_all(self.stdin.as_bytes()).unwrap();
        drop(input);
        let output = child.wait_with_output().unwrap();
        Outcome {
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8(output.stdout).unwrap(),
            stderr: String::from_utf8(output.stderr).unwrap(),
        }
    }
}

/// Runs `agentrun LINE` against `emulator`.
pub async fn sh(emulator: &Emulator, line: &str) -> Outcome {
    Agentrun::against(emulator).line(line).await
}

#[test]
fn words_split_on_spaces_but_not_in_quotes() {
    assert_eq!(
        words("a --b 'c d' '' e'f g'"),
        ["a", "--b", "c d", "", "ef g"]
    );
}
