//! `agentrun`: start and follow Builder.io and Buildprint agents from scripts and CI.

use std::process::ExitCode;

fn main() -> ExitCode {
    // One line on stderr instead of a panic's message and backtrace (there should be none).
    std::panic::set_hook(Box::new(|info| {
        let at = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        eprintln!(
            "error: agentrun stopped on a bug{at}; please report it with the command you ran"
        );
    }));
    agentrun_cli::main_with(std::env::args_os())
}
