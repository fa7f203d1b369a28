//! A local, stateful emulator of Builder.io's Agents Run API and Buildprint's public REST API.
//!
//! Neither provider offers a sandbox. This crate answers like them, over real HTTP: it checks
//! tokens, validates bodies with the documented errors, keeps state (agents go queued → running
//! → completed or error, code reviews produce findings, test runs walk their steps, version
//! syncs finish), sends completion webhooks with retries, and injects the faults real networks
//! produce, from latency and 503s to a connection dropped after the request was applied.
//! Every response is built from the generated client crates' own types.
//!
//! Run it as a binary (`agentrun-emulator --addr 127.0.0.1:4010`, or `agentrun emulator`), or
//! start it in-process on a free port:
//!
//! ```
//! use agentrun_emulator::{Config, Emulator, Fault, FaultRule};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> std::io::Result<()> {
//! let emulator = Emulator::start_local(Config::default()).await?;
//! let buildprint = emulator.buildprint_url(); // http://127.0.0.1:PORT/api/public/v1
//! assert!(buildprint.ends_with("/api/public/v1"));
//!
//! // The next agent creation is applied, but its answer is lost.
//! emulator.add_fault(FaultRule::new("POST /api/public/v1/agents", Fault::DropAfterApplied));
//! assert_eq!(emulator.received().agents_started, 0);
//! emulator.shutdown().await;
//! # Ok(())
//! # }
//! ```
//!
//! Every other provider of the table is answered from its own document under `/<name>`
//! ([`Emulator::provider_url`], [`providers`]), as `--document FILE` answers any document.
//!
//! Default credentials: Buildprint token `bp_emulator`; Builder public key `emulator-space`
//! and private key `bpk-emulator`. The workspace has one Bubble app, `demo-app`, seeded with
//! automations, tests, a test group, test users, branches and synced versions. See the crate
//! README for the emulated behavior and the admin endpoints under `/_emulator`.

#![forbid(unsafe_code)]

mod admin;
mod builder;
mod buildprint;
pub mod cli;
mod clock;
mod config;
mod documents;
mod error;
mod extract;
mod faults;
pub mod fixtures;
pub mod providers;
mod server;
mod spec_answer;
mod state;
mod webhooks;
mod world;

use std::io;
use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::extract::{DefaultBodyLimit, MatchedPath, Request, State};
use axum::http::Uri;
use axum::middleware::{Next, from_fn_with_state};
use axum::response::{IntoResponse, Response};
use tokio::net::{TcpListener, ToSocketAddrs};
use tokio::sync::watch;
use tokio::task::JoinHandle;

pub use builder::USER_ID as BUILDER_USER_ID;
pub use clock::Clock;
pub use config::{
    Config, DEFAULT_APP, DEFAULT_BUILDER_PRIVATE_KEY, DEFAULT_BUILDER_PUBLIC_KEY,
    DEFAULT_BUILDPRINT_TOKEN, MEMBER_EMAIL, MEMBER_WITHOUT_CREDENTIALS, Timing,
};
pub use faults::{Fault, FaultRule};
pub use state::{MAX_STORED_PROMPT_BYTES, Received};
pub use webhooks::{Attempt, Delivery, RETRIES as WEBHOOK_RETRIES};
pub use world::{BuilderRun, EMULATE_ERROR, EMULATE_FAIL, EMULATE_SLOW, EMULATE_WARN};

use error::ApiError;
use state::Shared;

/// The committed Buildprint document, served at `GET /api/public/v1/openapi.json` (the copy the
/// Buildprint client crate carries, so the emulator's package needs no file outside it).
pub const BUILDPRINT_OPENAPI_JSON: &str = agentrun_buildprint::SOURCE_DOCUMENT;

/// Where Buildprint's API lives on the emulator.
pub const BUILDPRINT_BASE_PATH: &str = buildprint::BASE;

/// A running emulator. It stops when dropped, or with [`Emulator::shutdown`].
#[derive(Debug)]
pub struct Emulator {
    addr: SocketAddr,
    shared: Arc<Shared>,
    stop: watch::Sender<bool>,
    tasks: Vec<JoinHandle<()>>,
}

impl Emulator {
    /// Starts an emulator listening on `addr` (port 0 picks a free one).
    pub async fn start(mut config: Config, addr: impl ToSocketAddrs) -> io::Result<Self> {
        let mut documents = providers::stand_ins().map_err(io::Error::other)?;
        documents.append(&mut config.documents);
        config.documents = documents;
        let listener = TcpListener::bind(addr).await?;
        let addr = listener.local_addr()?;
        let (webhooks, scheduler) = webhooks::Webhooks::start(
            config.clock.clone(),
            config.webhook_retry_delay,
            config.webhook_timeout,
            config.allow_remote_webhooks,
        );
        let limits = server::Limits {
            header_read_timeout: config.header_read_timeout,
            max_connections: config.max_connections,
        };
        let shared = Arc::new(Shared::new(config, format!("http://{addr}"), webhooks));
        let (stop, stopped) = watch::channel(false);
        let counter = Arc::clone(&shared);
        let server = tokio::spawn(server::serve(
            listener,
            router(Arc::clone(&shared)),
            limits,
            stopped,
            move || counter.received(|r| r.connections += 1),
        ));
        Ok(Self {
            addr,
            shared,
            stop,
            tasks: vec![server, scheduler],
        })
    }

    /// Starts an emulator on a free loopback port.
    pub async fn start_local(config: Config) -> io::Result<Self> {
        Self::start(config, "127.0.0.1:0").await
    }

    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://HOST:PORT`: Builder's base URL.
    pub fn url(&self) -> String {
        self.shared.base_url.clone()
    }

    /// `http://HOST:PORT/api/public/v1`: Buildprint's base URL.
    pub fn buildprint_url(&self) -> String {
        format!("{}{}", self.shared.base_url, buildprint::BASE)
    }

    /// Builder's base URL (the same as [`Emulator::url`]).
    pub fn builder_url(&self) -> String {
        self.url()
    }

    /// Any provider's base URL: Buildprint's and Builder's as above, any other provider's
    /// `http://HOST:PORT/<name>`, answered from its document.
    pub fn provider_url(&self, provider: agentrun_providers::Provider) -> String {
        format!("{}{}", self.shared.base_url, providers::base_path(provider))
    }

    /// The configuration it runs with.
    pub fn config(&self) -> &Config {
        &self.shared.config
    }

    /// Its clock; [`Clock::advance`] moves a manual one.
    pub fn clock(&self) -> &Clock {
        &self.shared.clock
    }

    /// Adds a fault rule; returns its ID.
    pub fn add_fault(&self, rule: FaultRule) -> u64 {
        self.shared.faults.add(rule)
    }

    /// Removes every fault rule.
    pub fn clear_faults(&self) {
        self.shared.faults.clear();
    }

    /// What it has received so far.
    pub fn received(&self) -> Received {
        self.shared.received_snapshot()
    }

    /// Every webhook delivery so far, with its attempts.
    pub fn webhook_deliveries(&self) -> Vec<Delivery> {
        self.shared.webhooks.log()
    }

    /// The IDs of every stored agent (code reviews' included), sorted: how a test finds the
    /// agent whose creation answer was lost.
    pub fn agent_ids(&self) -> Vec<String> {
        let mut ids: Vec<String> = self.shared.read().agents.keys().cloned().collect();
        ids.sort();
        ids
    }

    /// The Builder runs accepted so far.
    pub fn builder_runs(&self) -> Vec<BuilderRun> {
        self.shared.read().builder_runs.clone()
    }

    /// Stores `count` finished agents in the first app at once, without HTTP: for load and
    /// memory measurements. Returns their IDs.
    pub fn insert_finished_agents(&self, count: usize) -> Vec<String> {
        let now = self.shared.now();
        let timing = &self.shared.config.timing;
        let mut world = self.shared.write();
        let mut ids = Vec::with_capacity(count);
        for i in 0..count {
            let id = world.next_id("ag");
            let created = now.saturating_sub(3_600_000);
            let turn = world::Turn::schedule(
                format!("Benchmark agent {i}: summarize the checkout workflow"),
                created,
                created,
                timing,
                timing.agent_turn,
            );
            world.agents.insert(
                id.clone(),
                world::AgentRec {
                    id: id.clone(),
                    app: 0,
                    review_id: None,
                    model: agentrun_buildprint::types::Model::BuildprintGpt56Sol,
                    reasoning_effort: None,
                    permission: agentrun_buildprint::types::Permission::ReadOnly,
                    permitted_branches: Vec::new(),
                    created_at: created,
                    turns: vec![turn],
                },
            );
            ids.push(id);
        }
        ids
    }

    /// Stops accepting connections and closes the open ones.
    pub async fn shutdown(mut self) {
        self.stop_tasks();
        for task in self.tasks.drain(..) {
            let _ = task.await;
        }
    }

    fn stop_tasks(&mut self) {
        let _ = self.stop.send(true);
        for task in &self.tasks {
            task.abort();
        }
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        self.stop_tasks();
    }
}

fn router(shared: Arc<Shared>) -> Router {
    let builder =
        builder::routes().route_layer(from_fn_with_state(Arc::clone(&shared), builder::authorize));
    Router::new()
        .merge(buildprint::routes(Arc::clone(&shared)))
        .merge(builder)
        .nest(
            "/_emulator",
            admin::routes().route_layer(from_fn_with_state(Arc::clone(&shared), admin::authorize)),
        )
        .fallback(documents::serve)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(from_fn_with_state(Arc::clone(&shared), faults::inject))
        .layer(from_fn_with_state(Arc::clone(&shared), count))
        .layer(DefaultBodyLimit::max(shared.config.max_body_bytes))
        .with_state(shared)
}

/// The answer to a request no route or document takes.
pub(crate) fn not_found(uri: &Uri) -> Response {
    let builder: Vec<&str> = agentrun_builder::operations::OPERATIONS
        .iter()
        .map(|op| op.label)
        .collect();
    ApiError::not_found(format!(
        "No route {}: Buildprint's API is under {}, Builder's is {}",
        uri.path(),
        buildprint::BASE,
        builder.join(", ")
    ))
    .code("route_not_found")
    .into_response()
}

async fn method_not_allowed(request: Request) -> Response {
    ApiError::method_not_allowed(request.method().as_str(), request.uri().path()).into_response()
}

/// Counts every request, by its route.
async fn count(State(shared): State<Arc<Shared>>, request: Request, next: Next) -> Response {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_string())
        .unwrap_or_else(|| "(no route)".into());
    let method = request.method().clone();
    // The path only: Builder's public key travels in the query string.
    let path = request.uri().path().to_string();
    shared.received(|r| {
        r.requests += 1;
        *r.by_route.entry(format!("{method} {route}")).or_default() += 1;
    });
    let started = std::time::Instant::now();
    let response = next.run(request).await;
    tracing::debug!(
        "{method} {path} -> {} in {:.1} ms",
        response.status().as_u16(),
        started.elapsed().as_secs_f64() * 1000.0
    );
    response
}
