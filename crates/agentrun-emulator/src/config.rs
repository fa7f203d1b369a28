//! What an emulator accepts, knows and how fast it runs.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use agentrun_mock::StandIn;

use crate::clock::Clock;

/// The Buildprint token the emulator accepts unless told otherwise.
pub const DEFAULT_BUILDPRINT_TOKEN: &str = "bp_emulator";
/// The Builder public key (Space ID) the emulator accepts unless told otherwise.
pub const DEFAULT_BUILDER_PUBLIC_KEY: &str = "emulator-space";
/// The Builder private key the emulator accepts unless told otherwise.
pub const DEFAULT_BUILDER_PRIVATE_KEY: &str = "bpk-emulator";
/// The Bubble app the emulator knows unless told otherwise.
pub const DEFAULT_APP: &str = "demo-app";
/// A workspace member with credentials for every provider (the Builder docs' example user).
pub const MEMBER_EMAIL: &str = "developer@yourcompany.com";
/// A workspace member with no provider credentials connected.
pub const MEMBER_WITHOUT_CREDENTIALS: &str = "no-keys@yourcompany.com";

/// How long things take, in the emulator's time (before its clock's speed is applied).
#[derive(Clone, Debug, PartialEq)]
pub struct Timing {
    /// From accepting an agent turn to starting it.
    pub agent_queue: Duration,
    /// How long an agent turn runs.
    pub agent_turn: Duration,
    /// How long a code review's agent runs.
    pub review_turn: Duration,
    /// From starting a test run to running its first step.
    pub test_queue: Duration,
    /// How long each test step runs.
    pub test_step: Duration,
    /// How long a version sync takes.
    pub version_sync: Duration,
    /// How long a version sync of a branch called `main` takes.
    pub quick_version_sync: Duration,
    /// How long `POST /versions/sync` waits for the sync before answering 202.
    pub sync_wait_window: Duration,
}

impl Default for Timing {
    fn default() -> Self {
        Self {
            agent_queue: Duration::from_secs(2),
            agent_turn: Duration::from_secs(20),
            review_turn: Duration::from_secs(30),
            test_queue: Duration::from_secs(2),
            test_step: Duration::from_secs(4),
            version_sync: Duration::from_secs(6),
            quick_version_sync: Duration::from_secs(1),
            sync_wait_window: Duration::from_secs(2),
        }
    }
}

/// Everything an emulator is started with. `Config::default()` is what the binary runs with,
/// except for the webhook retry delay (short here, 30 s on the binary, as the real API).
#[derive(Clone)]
pub struct Config {
    /// The bearer token Buildprint requests must carry.
    pub buildprint_token: String,
    /// The Builder public key (`apiKey` query parameter).
    pub builder_public_key: String,
    /// The Builder private key (bearer token, starts with `bpk-`).
    pub builder_private_key: String,
    /// The clock every timestamp and every run's progress come from.
    pub clock: Clock,
    /// How long runs take, before the clock's speed.
    pub timing: Timing,
    /// Agents (and test runs) that may be queued or running at once; `0` means no limit.
    pub max_concurrent_agents: usize,
    /// Time between webhook delivery attempts (real time, not scaled by the clock).
    pub webhook_retry_delay: Duration,
    /// How long one webhook delivery attempt may take.
    pub webhook_timeout: Duration,
    /// The largest request body accepted; larger ones get 413.
    pub max_body_bytes: usize,
    /// The Bubble apps the workspace has; each gets a project and seeded data.
    pub apps: Vec<String>,
    /// Extra workspace members (and Builder Space users), by email, with provider credentials.
    pub members: Vec<String>,
    /// Whether the workspace plan includes API access (without it, Buildprint answers 402).
    pub api_access: bool,
    /// How many runs on Buildprint-hosted models the workspace can pay for; `None` is no limit.
    pub paid_credits: Option<u32>,
    /// How long a client may take to send a request's headers; a connection that sends part of
    /// them and stalls is closed then.
    pub header_read_timeout: Duration,
    /// Connections served at once; more wait in the listen backlog until one closes.
    pub max_connections: usize,
    /// Deliver webhooks to any host; by default only to loopback addresses (`127.0.0.0/8`,
    /// `::1`, `localhost`), so a run's `completionWebhookUrl` cannot make the emulator call out.
    pub allow_remote_webhooks: bool,
    /// A bearer token the `/_emulator` endpoints require; `None` leaves them open.
    pub admin_token: Option<String>,
    /// Documents served as they are, for APIs the emulator has no model of: each under the
    /// path of its first server URL, every request held to it, answers from its examples or
    /// its schemas (see `agentrun_mock`).
    pub documents: Vec<Arc<StandIn>>,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            buildprint_token: DEFAULT_BUILDPRINT_TOKEN.into(),
            builder_public_key: DEFAULT_BUILDER_PUBLIC_KEY.into(),
            builder_private_key: DEFAULT_BUILDER_PRIVATE_KEY.into(),
            clock: Clock::scaled(1000.0),
            timing: Timing::default(),
            max_concurrent_agents: 10,
            webhook_retry_delay: Duration::from_millis(50),
            webhook_timeout: Duration::from_secs(10),
            max_body_bytes: 25 * 1024 * 1024,
            apps: vec![DEFAULT_APP.into()],
            members: Vec::new(),
            api_access: true,
            paid_credits: None,
            header_read_timeout: Duration::from_secs(10),
            max_connections: 1024,
            allow_remote_webhooks: false,
            admin_token: None,
            documents: Vec::new(),
        }
    }
}

impl Config {
    /// Whether `email` belongs to a member of the workspace (or a user of the Builder Space).
    pub fn is_member(&self, email: &str) -> bool {
        email.eq_ignore_ascii_case(MEMBER_EMAIL)
            || email.eq_ignore_ascii_case(MEMBER_WITHOUT_CREDENTIALS)
            || self.members.iter().any(|m| m.eq_ignore_ascii_case(email))
    }

    /// Whether a member has provider credentials connected.
    pub fn has_provider_credentials(&self, email: &str) -> bool {
        !email.eq_ignore_ascii_case(MEMBER_WITHOUT_CREDENTIALS)
    }
}

/// The keys are shown only by their prefix: a `Debug` print never leaks them.
impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("buildprint_token", &redacted(&self.buildprint_token))
            .field("builder_public_key", &redacted(&self.builder_public_key))
            .field("builder_private_key", &redacted(&self.builder_private_key))
            .field("clock", &self.clock)
            .field("timing", &self.timing)
            .field("max_concurrent_agents", &self.max_concurrent_agents)
            .field("webhook_retry_delay", &self.webhook_retry_delay)
            .field("webhook_timeout", &self.webhook_timeout)
            .field("max_body_bytes", &self.max_body_bytes)
            .field("apps", &self.apps)
            .field("members", &self.members)
            .field("api_access", &self.api_access)
            .field("paid_credits", &self.paid_credits)
            .field("header_read_timeout", &self.header_read_timeout)
            .field("max_connections", &self.max_connections)
            .field("allow_remote_webhooks", &self.allow_remote_webhooks)
            .field("admin_token", &self.admin_token.as_deref().map(redacted))
            .field("documents", &self.documents.len())
            .finish()
    }
}

/// Only a key's well-known prefix survives (`bp_`, `bpk-`); the rest is never shown.
fn redacted(secret: &str) -> String {
    let prefix = ["bpk-", "bp_"]
        .into_iter()
        .find(|p| secret.starts_with(p))
        .unwrap_or("");
    format!("{prefix}…(redacted)")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_keys() {
        let config = Config {
            buildprint_token: "bp_CANARYtoken123".into(),
            builder_private_key: "bpk-CANARYkey456".into(),
            builder_public_key: "CANARYspace".into(),
            ..Config::default()
        };
        let shown = format!("{config:?}");
        assert!(!shown.contains("CANA"), "{shown}");
        assert!(shown.contains("bp_…(redacted)"), "{shown}");
        assert!(shown.contains("bpk-…(redacted)"), "{shown}");
    }
}
