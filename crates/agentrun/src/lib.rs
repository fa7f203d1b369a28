//! Trigger and follow hosted AI coding agents from Rust: Builder.io's Agents Run API and
//! Buildprint's public REST API.
//!
//! The generated clients ([`builder`] and [`buildprint`], re-exported) give one typed method per
//! operation. This crate adds what every user of those APIs otherwise writes by hand:
//!
//! - **credentials** from values or the environment, checked before any request, never shown
//!   ([`BuildprintCredentials`], [`BuilderCredentials`], [`auth`]);
//! - **attachments** from files, bytes or URLs, typed by their content ([`Attachment`]);
//! - **Builder runs** checked before they are sent ([`BuilderClient::run`]);
//! - **waits** that follow a Buildprint run to its end, with progress ([`BuildprintClient`],
//!   [`WaitOptions`]);
//! - **webhooks**, typed and verified against the API ([`webhooks`]);
//! - **JSON Schema** of every request body and answer, for scripts and LLM tools, and a check of
//!   a value against it (feature `schemars`, [`schema`]);
//! - **any provider** of `openapi/providers.toml` through one generic client, from its
//!   table alone: credentials and base URL from the variables its entry names
//!   ([`ProviderClient`], [`Provider`]);
//! - **one error type** with the HTTP status, the API's `error`/`code`/`reason` and a hint for the
//!   documented codes ([`Error`]).
//!
//! Every request retries, times out and redacts as `agentrun-runtime` does: idempotent calls are
//! retried with backoff, a `POST` only when it never reached the server (an agent run is never
//! started twice), and no token or key appears in any error, `Debug` output or log line.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use agentrun::{BuildprintClient, BuildprintCredentials};
//!
//! // A local emulator; in CI use `BuildprintClient::from_env()` (BUILDPRINT_TOKEN).
//! let emulator = agentrun_emulator::Emulator::start_local(Default::default()).await?;
//! let buildprint = BuildprintClient::new(
//!     BuildprintCredentials::new("bp_emulator")?.with_base_url(&emulator.buildprint_url())?,
//! )?;
//! // Any request of the generated API, sent with one `?`.
//! let api = buildprint.api();
//! let tests = buildprint.send(api.list_tests().app_id("demo-app")).await?;
//! println!("{} tests", tests.tests.len());
//!
//! // An error names the operation and says what happened and what to do about it.
//! let error = buildprint.send(api.list_tests().app_id("no-such-app")).await.unwrap_err();
//! assert_eq!(error.status(), Some(404));
//! assert!(error.to_string().starts_with("GET /tests: 404 Not Found (app_not_found)"));
//! # Ok(()) }
//! ```

#![forbid(unsafe_code)]

pub mod attachments;
pub mod auth;
mod builder_client;
mod buildprint_client;
mod error;
mod operation_input;
mod provider_client;
mod received;
#[cfg(feature = "schemars")]
pub mod schema;
pub mod test_steps;
pub mod wait;
pub mod webhooks;

pub use agentrun_builder as builder;
pub use agentrun_buildprint as buildprint;
/// What the generated clients share: the operation table's types and [`runtime::Request`].
pub use agentrun_runtime as runtime;
pub use agentrun_runtime::{ClientConfig, RetryPolicy, Secret};
pub use attachments::{Attachment, AttachmentLimits, io_reason};
pub use auth::{BuilderCredentials, BuildprintCredentials};
pub use builder_client::{BuilderClient, RunRequest, RunStarted};
pub use buildprint_client::{BuildprintClient, review_run_status};
pub use error::{ApiError, Error, Provider, Result};
pub use operation_input::OperationInput;
pub use provider_client::{DEFAULT_MAX_ANSWER_BYTES, ProviderClient};
pub use received::Received;
/// schemars 0.8, whose `JsonSchema` every generated type implements (feature `schemars`).
#[cfg(feature = "schemars")]
pub use schemars;
pub use wait::{MIN_INTERVAL, Progress, WaitOptions};

/// The README's example, compiled as a doctest so it cannot go stale.
#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeExample;
