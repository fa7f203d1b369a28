//! What the emulator's tests share: emulators with a manual clock, and the generated clients
//! pointed at them with the default credentials.

#![allow(dead_code, unreachable_pub, clippy::unwrap_used)]

use std::time::Duration;

use agentrun_buildprint::{ClientConfig, Secret};
use agentrun_emulator::{
    Config, DEFAULT_BUILDER_PRIVATE_KEY, DEFAULT_BUILDER_PUBLIC_KEY, DEFAULT_BUILDPRINT_TOKEN,
    Emulator,
};
use reqwest::header::AUTHORIZATION;

#[allow(unused_imports)]
pub use agentrun_emulator::fixtures::{START_MS, agent_body, manual};

pub async fn start(config: Config) -> Emulator {
    Emulator::start_local(config).await.unwrap()
}

fn config(token: &str) -> ClientConfig {
    ClientConfig::new()
        .bearer(Secret::new(token))
        .timeout(Duration::from_secs(10))
}

/// A Buildprint client with the emulator's default token.
pub fn buildprint(emulator: &Emulator) -> agentrun_buildprint::Client {
    agentrun_buildprint::Client::from_config(
        &emulator.buildprint_url(),
        &config(DEFAULT_BUILDPRINT_TOKEN),
    )
    .unwrap()
}

/// A Builder client with the emulator's default private key.
pub fn builder(emulator: &Emulator) -> agentrun_builder::Client {
    agentrun_builder::Client::from_config(
        &emulator.builder_url(),
        &config(DEFAULT_BUILDER_PRIVATE_KEY),
    )
    .unwrap()
}

/// The Builder public key, for `api_key(...)`.
pub const PUBLIC_KEY: &str = DEFAULT_BUILDER_PUBLIC_KEY;

/// A plain HTTP client for requests the generated clients would not send.
pub fn raw() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap()
}

/// `Authorization: Bearer bp_emulator`.
pub fn bearer() -> (reqwest::header::HeaderName, String) {
    (AUTHORIZATION, format!("Bearer {DEFAULT_BUILDPRINT_TOKEN}"))
}

/// Waits (up to 10 s) until `check` holds; panics naming `what` otherwise.
pub async fn eventually(what: &str, mut check: impl FnMut() -> bool) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while !check() {
        assert!(
            tokio::time::Instant::now() < deadline,
            "gave up waiting for {what}"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}
