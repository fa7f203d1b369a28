//! `agentrun-emulator`: run the emulator of Builder's and Buildprint's APIs on a port.

use std::io::Write;
use std::process::ExitCode;
use std::time::Duration;

use agentrun_emulator::{
    Clock, Config, DEFAULT_BUILDER_PRIVATE_KEY, DEFAULT_BUILDER_PUBLIC_KEY,
    DEFAULT_BUILDPRINT_TOKEN, Emulator,
};
use clap::Parser;

/// A local, stateful emulator of Builder.io's Agents Run API and Buildprint's public REST API.
///
/// The first line on stdout is `listening on http://HOST:PORT`. Buildprint's API is under
/// /api/public/v1, Builder's is POST /agents/run, and the emulator's own endpoints (faults,
/// what it received, webhook deliveries) are under /_emulator.
#[derive(Parser, Debug)]
#[command(name = "agentrun-emulator", version, about, long_about = None)]
struct Args {
    /// Address to listen on; port 0 picks a free one.
    #[arg(long, default_value = "127.0.0.1:4010")]
    addr: String,
    /// The Buildprint bearer token to accept.
    #[arg(long, value_name = "TOKEN", default_value = DEFAULT_BUILDPRINT_TOKEN)]
    buildprint_token: String,
    /// The Builder public key (`apiKey` query parameter) to accept.
    #[arg(long, value_name = "KEY", default_value = DEFAULT_BUILDER_PUBLIC_KEY)]
    builder_public_key: String,
    /// The Builder private key (bearer token, starts with `bpk-`) to accept.
    #[arg(long, value_name = "KEY", default_value = DEFAULT_BUILDER_PRIVATE_KEY)]
    builder_private_key: String,
    /// Emulated seconds per real second: at 1000 a 20-second agent run takes 20 ms; 1 is
    /// realistic.
    #[arg(long, default_value_t = 1000.0)]
    speed: f64,
    /// Stop the clock: it moves only by POST /_emulator/clock/advance {"ms": N}.
    #[arg(long)]
    manual_clock: bool,
    /// Where a manual clock starts, in Unix milliseconds (default: now).
    #[arg(long, value_name = "MS", requires = "manual_clock")]
    start_time_ms: Option<u64>,
    /// Agents and test runs that may be queued or running at once (0: no limit); more answer 409.
    #[arg(long, value_name = "N", default_value_t = 10)]
    max_concurrent_agents: usize,
    /// Time between webhook delivery attempts (for example 30s, 200ms).
    #[arg(long, value_name = "DURATION", default_value = "30s", value_parser = humantime::parse_duration)]
    webhook_retry_delay: Duration,
    /// The largest request body accepted; larger ones answer 413.
    #[arg(long, value_name = "BYTES", default_value_t = 25 * 1024 * 1024)]
    max_body_bytes: usize,
    /// A Bubble app of the workspace (repeat for more; default: demo-app).
    #[arg(long = "app", value_name = "APP_ID")]
    apps: Vec<String>,
    /// Another workspace member's email (repeat for more).
    #[arg(long = "member", value_name = "EMAIL")]
    members: Vec<String>,
    /// Answer 402 api_access_required: the plan has no API access.
    #[arg(long)]
    no_api_access: bool,
    /// Runs on Buildprint-hosted models the workspace can pay for; then 402 insufficient_paid_credits.
    #[arg(long, value_name = "RUNS")]
    paid_credits: Option<u32>,
    /// Log every request to stderr.
    #[arg(long, short)]
    verbose: bool,
}

fn main() -> ExitCode {
    let args = Args::parse();
    if !(args.speed.is_finite() && args.speed > 0.0) {
        eprintln!("error: --speed must be a positive number (1 is realistic, 1000 the default)");
        return ExitCode::from(2);
    }
    if !args.builder_private_key.starts_with("bpk-") {
        eprintln!(
            "error: --builder-private-key must start with `bpk-`, as Builder's private keys do"
        );
        return ExitCode::from(2);
    }
    if args.verbose {
        tracing_subscriber::fmt()
            .with_writer(std::io::stderr)
            .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
            .with_env_filter("agentrun_emulator=debug")
            .init();
    }
    let clock = if args.manual_clock {
        Clock::manual(
            args.start_time_ms
                .unwrap_or_else(|| Clock::scaled(1.0).now_ms()),
        )
    } else {
        Clock::scaled(args.speed)
    };
    let defaults = Config::default();
    let config = Config {
        buildprint_token: args.buildprint_token,
        builder_public_key: args.builder_public_key,
        builder_private_key: args.builder_private_key,
        clock,
        max_concurrent_agents: args.max_concurrent_agents,
        webhook_retry_delay: args.webhook_retry_delay,
        max_body_bytes: args.max_body_bytes,
        apps: if args.apps.is_empty() {
            defaults.apps.clone()
        } else {
            args.apps
        },
        members: args.members,
        api_access: !args.no_api_access,
        paid_credits: args.paid_credits,
        ..defaults
    };
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
    runtime.block_on(run(config, args.addr))
}

async fn run(config: Config, addr: String) -> ExitCode {
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
    shutdown_signal().await;
    emulator.shutdown().await;
    ExitCode::SUCCESS
}

async fn shutdown_signal() {
    let interrupt = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut terminate =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(signal) => signal,
                Err(_) => {
                    let _ = interrupt.await;
                    return;
                }
            };
        tokio::select! {
            _ = interrupt => {}
            _ = terminate.recv() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = interrupt.await;
    }
}
