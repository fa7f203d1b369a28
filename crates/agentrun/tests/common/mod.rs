//! The facade's tests share: an emulator and clients for it, with quick retries.

#![allow(dead_code, unreachable_pub, clippy::unwrap_used)]

use std::time::Duration;

use agentrun::{
    BuilderClient, BuilderCredentials, BuildprintClient, BuildprintCredentials, ClientConfig,
    RetryPolicy,
};
use agentrun_emulator::{Config, Emulator};

/// Retries that do not make a test wait: 10 ms, 20 ms, 40 ms.
pub fn quick() -> ClientConfig {
    ClientConfig::new()
        .timeout(Duration::from_secs(10))
        .retry(RetryPolicy::default().initial_backoff(Duration::from_millis(10)))
}

pub use agentrun_emulator::fixtures::manual;

pub async fn start(config: Config) -> Emulator {
    Emulator::start_local(config).await.unwrap()
}

pub fn buildprint(emulator: &Emulator, config: ClientConfig) -> BuildprintClient {
    let credentials = BuildprintCredentials::new(emulator.config().buildprint_token.clone())
        .unwrap()
        .with_base_url(&emulator.buildprint_url())
        .unwrap();
    BuildprintClient::with_config(credentials, config).unwrap()
}

pub fn builder(emulator: &Emulator, config: ClientConfig) -> BuilderClient {
    let credentials = BuilderCredentials::new(
        emulator.config().builder_public_key.clone(),
        emulator.config().builder_private_key.clone(),
    )
    .unwrap()
    .with_base_url(&emulator.builder_url())
    .unwrap();
    BuilderClient::with_config(credentials, config).unwrap()
}
