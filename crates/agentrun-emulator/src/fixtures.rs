//! Configurations and requests that work against the emulator's seeded workspace: what the
//! tests, benchmarks and examples of every crate that starts an emulator share, instead of
//! writing their own.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use agentrun_emulator::{Emulator, fixtures};
//!
//! let emulator = Emulator::start_local(fixtures::manual()).await?;
//! let body = fixtures::agent_body("Why does checkout fail?");
//! # let _ = (emulator, body);
//! # Ok(()) }
//! ```

use agentrun_buildprint::types as bp;

use crate::{Clock, Config};

/// Where manual clocks start: 2025-11-24T16:00:00Z.
pub const START_MS: u64 = 1_764_000_000_000;

/// The Bubble app every seeded workspace has.
pub const DEMO_APP: &str = "demo-app";

/// A configuration whose clock moves only when the caller says so ([`Clock::advance`]).
pub fn manual() -> Config {
    Config {
        clock: Clock::manual(START_MS),
        ..Config::default()
    }
}

/// A configuration whose runs end within milliseconds.
pub fn fast() -> Config {
    Config {
        clock: Clock::scaled(100_000.0),
        ..Config::default()
    }
}

/// `POST /agents` on [`DEMO_APP`] with a Buildprint-hosted model (no user email needed).
pub fn agent_body(prompt: &str) -> bp::builder::StartAgentBody {
    bp::StartAgentBody::builder()
        .app_id(DEMO_APP)
        .prompt(prompt)
        .model(bp::SelectableModel::BuildprintGpt56Sol)
}
