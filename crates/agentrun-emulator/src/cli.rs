//! The emulator's command line, shared by the `agentrun-emulator` binary and `agentrun emulator`.

use std::io::Write;
use std::process::ExitCode;
use std::time::Duration;

use clap::Args;

use crate::{
    Clock, Config, DEFAULT_BUILDER_PRIVATE_KEY, DEFAULT_BUILDER_PUBLIC_KEY,
    DEFAULT_BUILDPRINT_TOKEN, Emulator,
};

/// The emulator's flags: where it listens, what it accepts, and how fast its clock runs.
#[derive(Args, Debug, Clone)]
pub struct EmulatorArgs {
    /// Address to listen on; port 0 picks a free one.
    #[arg(long, default_value = "127.0.0.1:4010")]
    pub addr: String,
    /// The Buildprint bearer token to accept.
    #[arg(long, value_name = "TOKEN", default_value = DEFAULT_BUILDPRINT_TOKEN)]
    pub buildprint_token: String,
    /// The Builder public key (`apiKey` query parameter) to accept.
    #[arg(long, value_name = "KEY", default_value = DEFAULT_BUILDER_PUBLIC_KEY)]
    pub builder_public_key: String,
    /// The Builder private key (bearer token, starts with `bpk-`) to accept.
    #[arg(long, value_name = "KEY", default_value = DEFAULT_BUILDER_PRIVATE_KEY)]
    pub builder_private_key: String,
    /// Emulated seconds per real second: at 1000 a 20-second agent run takes 20 ms; 1 is
    /// realistic.
    #[arg(long, default_value_t = 1000.0)]
    pub speed: f64,
    /// Stop the clock: it moves only by POST /_emulator/clock/advance {"ms": N}.
    #[arg(long)]
    pub manual_clock: bool,
    /// Where a manual clock starts, in Unix milliseconds (default: now).
    #[arg(long, value_name = "MS", requires = "manual_clock")]
    pub start_time_ms: Option<u64>,
    /// Agents and test runs that may be queued or running at once (0: no limit); more answer 409.
    #[arg(long, value_name = "N", default_value_t = 10)]
    pub max_concurrent_agents: usize,
    /// Time between webhook delivery attempts (for example 30s, 200ms).
    #[arg(long, value_name = "DURATION", default_value = "30s", value_parser = humantime::parse_duration)]
    pub webhook_retry_delay: Duration,
    /// The largest request body accepted; larger ones answer 413.
    #[arg(long, value_name = "BYTES", default_value_t = 25 * 1024 * 1024)]
    pub max_body_bytes: usize,
    /// A Bubble app of the workspace (repeat for more; default: demo-app).
    #[arg(long = "app", value_name = "APP_ID")]
    pub apps: Vec<String>,
    /// Another workspace member's email (repeat for more).
    #[arg(long = "member", value_name = "EMAIL")]
    pub members: Vec<String>,
    /// Answer 402 api_access_required: the plan has no API access.
    #[arg(long)]
    pub no_api_access: bool,
    /// Runs on Buildprint-hosted models the workspace can pay for; then 402 insufficient_paid_credits.
    #[arg(long, value_name = "RUNS")]
    pub paid_credits: Option<u32>,
    /// Close a connection that has not sent a request's headers in this time.
    #[arg(long, value_name = "DURATION", default_value = "10s", value_parser = humantime::parse_duration)]
    pub header_read_timeout: Duration,
    /// Connections served at once; more wait until one closes.
    #[arg(long, value_name = "N", default_value_t = 1024)]
    pub max_connections: usize,
    /// Deliver completion webhooks to any host, not only to loopback addresses.
    #[arg(long)]
    pub allow_remote_webhooks: bool,
    /// Require this bearer token on the /_emulator admin endpoints [default: $AGENTRUN_EMULATOR_ADMIN_TOKEN,
    /// else open].
    #[arg(
        long,
        value_name = "TOKEN",
        env = "AGENTRUN_EMULATOR_ADMIN_TOKEN",
        hide_env_values = true
    )]
    pub admin_token: Option<String>,
    /// Also serve this OpenAPI 3 document (JSON or YAML), for an API the emulator has no model
    /// of: under the path of its first server URL, every request checked against it, answers
    /// from its examples or schemas (`Prefer: code=404` picks another). Repeatable.
    #[arg(long = "document", value_name = "FILE")]
    pub documents: Vec<std::path::PathBuf>,
}

impl EmulatorArgs {
    /// The configuration these flags describe, or what is wrong with them.
    pub fn config(&self) -> Result<Config, String> {
        if !(self.speed.is_finite() && self.speed > 0.0) {
            return Err(
                "--speed must be a positive number (1 is realistic, 1000 the default)".into(),
            );
        }
        if self.header_read_timeout.is_zero() || self.max_connections == 0 {
            return Err(
                "--header-read-timeout and --max-connections must be more than zero".into(),
            );
        }
        if !self.builder_private_key.starts_with("bpk-") {
            return Err(
                "--builder-private-key must start with `bpk-`, as Builder's private keys do".into(),
            );
        }
        let clock = if self.manual_clock {
            Clock::manual(
                self.start_time_ms
                    .unwrap_or_else(|| Clock::scaled(1.0).now_ms()),
            )
        } else {
            Clock::scaled(self.speed)
        };
        let documents = self
            .documents
            .iter()
            .map(|path| {
                agentrun_mock::StandIn::read(path)
                    .map(std::sync::Arc::new)
                    .map_err(|e| format!("--document {}: {e:#}", path.display()))
            })
            .collect::<Result<Vec<_>, String>>()?;
        let defaults = Config::default();
        Ok(Config {
            documents,
            buildprint_token: self.buildprint_token.clone(),
            builder_public_key: self.builder_public_key.clone(),
            builder_private_key: self.builder_private_key.clone(),
            clock,
            max_concurrent_agents: self.max_concurrent_agents,
            webhook_retry_delay: self.webhook_retry_delay,
            max_body_bytes: self.max_body_bytes,
            apps: if self.apps.is_empty() {
                defaults.apps.clone()
            } else {
                self.apps.clone()
            },
            members: self.members.clone(),
            api_access: !self.no_api_access,
            paid_credits: self.paid_credits,
            header_read_timeout: self.header_read_timeout,
            max_connections: self.max_connections,
            allow_remote_webhooks: self.allow_remote_webhooks,
            admin_token: self.admin_token.clone().filter(|t| !t.is_empty()),
            ..defaults
        })
    }
}

/// Runs an emulator as these flags say until SIGINT or SIGTERM: the first line on stdout is
/// `listening on http://HOST:PORT`; with `verbose`, every request is logged to stderr. Returns
/// the process's exit code.
pub fn run(args: &EmulatorArgs, verbose: bool) -> ExitCode {
    let config = match args.config() {
        Ok(config) => config,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::from(2);
        }
    };
    if verbose {
        let _ = tracing_subscriber::fmt()
            .with_writer(std::io::stderr)
            .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
            .with_env_filter("agentrun_emulator=debug")
            .try_init();
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("error: cannot start the async runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(serve(config, args.addr.clone()))
}

async fn serve(config: Config, addr: String) -> ExitCode {
    // The handlers go in before the address is announced: a caller that reads `listening on`
    // and signals at once must find them there, not the default action that kills the process.
    let shutdown = match Shutdown::install() {
        Ok(shutdown) => shutdown,
        Err(error) => {
            eprintln!("error: cannot install the SIGINT and SIGTERM handlers: {error}");
            return ExitCode::FAILURE;
        }
    };
    let emulator = match Emulator::start(config, addr.as_str()).await {
        Ok(emulator) => emulator,
        Err(error) => {
            eprintln!(
                "error: cannot listen on {addr}: {error}. Pass --addr 127.0.0.1:0 to use a free port."
            );
            return ExitCode::from(2);
        }
    };
    let mut stdout = std::io::stdout();
    let _ = writeln!(stdout, "listening on {}", emulator.url());
    let _ = stdout.flush();
    let config = emulator.config();
    let shown = |value: &str, default: &str| {
        if value == default {
            format!("`{value}`")
        } else {
            "the one given".to_string()
        }
    };
    eprintln!(
        "Buildprint: {} (token {})\nBuilder:    {}/agents/run (apiKey {}, private key {})\nEmulator:   {}/_emulator (faults, received, webhooks)",
        emulator.buildprint_url(),
        shown(&config.buildprint_token, DEFAULT_BUILDPRINT_TOKEN),
        emulator.url(),
        shown(&config.builder_public_key, DEFAULT_BUILDER_PUBLIC_KEY),
        shown(&config.builder_private_key, DEFAULT_BUILDER_PRIVATE_KEY),
        emulator.url(),
    );
    for &provider in agentrun_providers::Provider::ALL {
        if !crate::providers::modeled(provider) {
            eprintln!(
                "{:<11} {} (from its document)",
                format!("{}:", provider.info().title),
                emulator.provider_url(provider)
            );
        }
    }
    shutdown.received().await;
    emulator.shutdown().await;
    ExitCode::SUCCESS
}

/// The signals that stop the emulator, listened for from the moment it is installed.
struct Shutdown {
    #[cfg(unix)]
    interrupt: tokio::signal::unix::Signal,
    #[cfg(unix)]
    terminate: tokio::signal::unix::Signal,
    #[cfg(windows)]
    interrupt: tokio::signal::windows::CtrlC,
}

impl Shutdown {
    /// Installs the handlers: from here on SIGINT and SIGTERM (Ctrl-C on Windows) are caught.
    fn install() -> std::io::Result<Self> {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            Ok(Self {
                interrupt: signal(SignalKind::interrupt())?,
                terminate: signal(SignalKind::terminate())?,
            })
        }
        #[cfg(windows)]
        {
            Ok(Self {
                interrupt: tokio::signal::windows::ctrl_c()?,
            })
        }
    }

    /// Waits for the first of the signals.
    async fn received(mut self) {
        #[cfg(unix)]
        tokio::select! {
            _ = self.interrupt.recv() => {}
            _ = self.terminate.recv() => {}
        }
        #[cfg(windows)]
        {
            let _ = self.interrupt.recv().await;
        }
    }
}
