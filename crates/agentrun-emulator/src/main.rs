//! `agentrun-emulator`: run the emulator of Builder's and Buildprint's APIs on a port.

use std::process::ExitCode;

use agentrun_emulator::cli::{EmulatorArgs, run};
use clap::Parser;

/// A local, stateful emulator of Builder.io's Agents Run API and Buildprint's public REST API.
///
/// The first line on stdout is `listening on http://HOST:PORT`. Buildprint's API is under
/// /api/public/v1, Builder's is POST /agents/run, and the emulator's own endpoints (faults,
/// what it received, webhook deliveries) are under /_emulator.
#[derive(Parser, Debug)]
#[command(name = "agentrun-emulator", version, about, long_about = None)]
struct Cli {
    #[command(flatten)]
    args: EmulatorArgs,
    /// Log every request to stderr.
    #[arg(long, short)]
    verbose: bool,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    run(&cli.args, cli.verbose)
}
