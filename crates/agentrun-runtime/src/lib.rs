//! What agentrun's generated API clients share, so that someone who depends on one provider
//! crate alone still gets it:
//!
//! - **retries** ([`RetryPolicy`]): idempotent requests after connection errors, timeouts and
//!   408/429/5xx, with exponential backoff, jitter and `Retry-After`; a `POST` only when it
//!   provably never reached the server;
//! - **timeouts** ([`ClientConfig`]): to connect and per attempt, overridable per request
//!   ([`Runtime::with_timeout`]);
//! - **redaction** ([`Secret`], [`scrub`]): tokens and keys never appear in `Debug`, `Display`,
//!   errors or logs, URLs are stripped from errors (reqwest prints them whole, query included);
//! - `User-Agent: agentrun/<version>` ([`USER_AGENT`]);
//! - error answers that are not JSON handed on with their status and an excerpt ([`NOT_JSON`]);
//! - each crate's generated operation table ([`Operation`]) and a [`Request`] impl for every
//!   request builder, so any of them can be sent with [`Request::call`], whose [`CallError`]
//!   names the operation and says what the API answered;
//! - each crate's [`ProviderInfo`]: its credentials, base URL and document, so that code above
//!   the clients reaches any provider with no code of its own.
//!
//! The provider crates implement progenitor's `ClientHooks::exec` with [`execute`]:
//!
//! ```ignore
//! impl ClientHooks<agentrun_runtime::Runtime> for Client {
//!     async fn exec(&self, request: reqwest::Request, info: &OperationInfo) -> reqwest::Result<reqwest::Response> {
//!         agentrun_runtime::execute(self.client(), request, self.inner(), info).await
//!     }
//! }
//! ```
//!
//! and are built from a [`ClientConfig`]:
//!
//! ```
//! use agentrun_runtime::{ClientConfig, RetryPolicy, Secret};
//!
//! let config = ClientConfig::new()
//!     .bearer(Secret::new("bp_example"))
//!     .retry(RetryPolicy::default().max_attempts(3));
//! let http: reqwest::Client = config.http_client()?;
//! assert_eq!(config.runtime().retry().get_max_attempts(), 3);
//! # let _ = http;
//! # Ok::<(), agentrun_runtime::ConfigError>(())
//! ```

#![forbid(unsafe_code)]

mod config;
mod form;
mod multipart;
mod nulls;
mod operation;
mod provider;
mod retry;
mod runtime;
mod secret;
mod text;
mod trace;

pub use config::{ClientConfig, ConfigError, USER_AGENT};
pub use form::FormFields;
pub use multipart::{MultipartPart, Upload, parts as multipart_parts};
pub use nulls::with_nulls;
pub use operation::{Body, CallError, Field, Kind, Location, Operation, Request};
pub use provider::{Credential, Placement, ProviderInfo};
pub use retry::{
    RETRYABLE_STATUSES, RetryPolicy, RetryReason, is_retryable_status, is_tls_failure, retry_after,
    retry_after_in,
};
pub use runtime::{NOT_JSON, Runtime, excerpt, execute, is_json_media};
pub use secret::{Secret, scrub};
pub use text::{is_direction_control, is_unprintable, one_line, terminal_safe, url_for_messages};

/// progenitor's client types, for the crates that implement the hooks.
pub use progenitor_client;

/// reqwest, as the generated clients use it.
pub use reqwest;

/// Implements progenitor's `ClientHooks` for a generated `Client` with [`execute`], and adds
/// the constructors every agentrun client has. It expands in the client's own crate, where
/// the orphan rule wants the impl.
///
/// `client_runtime!(Client)` for a client whose URLs carry no secret;
/// `client_runtime!(Client, secret_urls)` for one whose do (Builder's `?apiKey=`).
#[macro_export]
macro_rules! client_runtime {
    ($client:ident) => {
        $crate::client_runtime!(@impl $client, false);
    };
    ($client:ident, secret_urls) => {
        $crate::client_runtime!(@impl $client, true);
    };
    (@impl $client:ident, $secret_urls:expr) => {
        impl $crate::progenitor_client::ClientHooks<$crate::Runtime> for $client {
            async fn exec(
                &self,
                request: $crate::reqwest::Request,
                info: &$crate::progenitor_client::OperationInfo,
            ) -> $crate::reqwest::Result<$crate::reqwest::Response> {
                $crate::execute(&self.client, request, &self.inner, info).await
            }
        }

        impl $client {
            /// A client with agentrun's defaults or `config`'s: retries, timeouts, the
            /// `agentrun/<version>` User-Agent and the bearer token. `base_url` must be an
            /// http(s) URL.
            pub fn from_config(
                base_url: &str,
                config: &$crate::ClientConfig,
            ) -> ::std::result::Result<Self, $crate::ConfigError> {
                let parsed = $crate::reqwest::Url::parse(base_url).map_err(|e| {
                    $crate::ConfigError::new(format!(
                        "the base URL `{}` is not a URL ({e}); write it like https://host/path",
                        $crate::url_for_messages(base_url)
                    ))
                })?;
                if !matches!(parsed.scheme(), "http" | "https") {
                    return Err($crate::ConfigError::new(format!(
                        "the base URL `{}` is not an http(s) URL",
                        $crate::url_for_messages(base_url)
                    )));
                }
                let mut runtime = config.runtime();
                if $secret_urls {
                    runtime = runtime.with_secret_urls();
                }
                Ok(Self::new_with_client(
                    base_url.trim_end_matches('/'),
                    config.http_client()?,
                    runtime,
                ))
            }

            /// This client, with every request timing out after `timeout` (whatever the client's
            /// own timeout): the way to give one call more or less time.
            pub fn with_timeout(&self, timeout: ::std::time::Duration) -> Self {
                Self::new_with_client(&self.baseurl, self.client.clone(), self.inner.clone().with_timeout(timeout))
            }

            /// This client, retrying as `retry` says (`RetryPolicy::none()` turns retries off).
            pub fn with_retry(&self, retry: $crate::RetryPolicy) -> Self {
                Self::new_with_client(&self.baseurl, self.client.clone(), self.inner.clone().with_retry(retry))
            }

            /// How this client retries and times out.
            pub fn runtime(&self) -> &$crate::Runtime {
                &self.inner
            }
        }
    };
}
