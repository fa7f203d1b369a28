//! The command line's top: its global flags, `emulator`, `schema` and `completions`, and the
//! exit codes; the commands of the providers are [`crate::command`]'s, built by the one
//! command system (`commands`).

// Parsed once per process: boxing the larger variants would buy nothing.
#![allow(clippy::large_enum_variant)]
// Doc comments here are clap's help text, printed as written: a URL in `<...>` would show its
// brackets in `--help`.
#![allow(rustdoc::bare_urls)]

use std::time::Duration;

#[cfg(feature = "emulator")]
use agentrun_emulator::cli::EmulatorArgs;
use clap::{Parser, Subcommand};

/// What `--version` prints after the name: the version and the commit it was built from.
pub const VERSION: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    " (commit ",
    env!("AGENTRUN_COMMIT"),
    ")"
);

/// The process's exit codes, as `--help` documents them.
pub const EXIT_CODES: &str = "\
Exit codes:
  0  done: the run completed or passed (a test run that passed with warnings too)
  1  the run ended in error, failed or was canceled
  2  usage or configuration error (a flag, a missing key, an unreadable file)
  3  API error: the API refused the request or could not be reached
  4  timeout: a wait (or a request) ran out of time
  5  a request that starts a run was sent but its answer was lost: it may have started
     (it is never sent twice; the message says how to check)";

const EXAMPLES: &str = "\
Examples:
  # Try every command with no account: start the emulator, point agentrun at it.
  agentrun emulator &    # in the default build (feature `emulator`)
  export BUILDPRINT_BASE_URL=http://127.0.0.1:4010/api/public/v1 BUILDPRINT_TOKEN=bp_emulator

  # Start a Buildprint agent and follow it to its end.
  agentrun buildprint agents start --app-id demo-app --model buildprint-gpt-5.6-sol \\
      --prompt 'Why does checkout fail for guests?' --wait

  # Run a test group on a branch; the exit code says whether it passed.
  agentrun buildprint test-group-runs start --group-id tg_000001 --branch-id main --wait

  # Start Builder's agent with a mockup attached, from CI.
  agentrun builder run --prompt-file prompt.md --attach mockup.png --user-email developer@yourcompany.com";

/// Start and follow hosted AI coding agents (Builder.io, Buildprint) from scripts and CI.
///
/// Credentials come from the environment (BUILDPRINT_TOKEN; BUILDER_PUBLIC_KEY and
/// BUILDER_PRIVATE_KEY) or from flags. Data goes to stdout, diagnostics to stderr. A wait shows a
/// spinner on a terminal and one line per status change elsewhere; AGENTRUN_PROGRESS=lines or
/// =spinner chooses.
#[derive(Parser, Debug)]
#[command(name = "agentrun", version = VERSION, after_long_help = format!("{EXAMPLES}\n\n{EXIT_CODES}"))]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
    /// Print the API's JSON as it was received (stable, for scripts) instead of text: short for
    /// `--output json`.
    #[arg(
        long,
        global = true,
        help_heading = "Output",
        conflicts_with = "output"
    )]
    pub json: bool,
    /// How results are written: text (tables for lists), or the API's answer as json, yaml or
    /// ndjson (an item of a list a line).
    #[arg(
        long,
        global = true,
        value_enum,
        value_name = "FORMAT",
        default_value = "text",
        help_heading = "Output"
    )]
    pub output: Format,
    /// Filter the JSON with a jq expression (jaq, a jq implementation) and print its results:
    /// `--jq '.tests[].id'`. Implies JSON unless --output says yaml or ndjson.
    #[arg(long, global = true, value_name = "EXPR", help_heading = "Output")]
    pub jq: Option<String>,
    /// Show each request, answer and retry on stderr; twice adds headers and the start of each
    /// body, every credential redacted. AGENTRUN_LOG or RUST_LOG take a `tracing` filter.
    #[arg(short, long, global = true, action = clap::ArgAction::Count, help_heading = "Output")]
    pub verbose: u8,
    /// Print the request a command would send (method, URL, headers with every credential
    /// redacted, body) and send nothing.
    #[arg(long, global = true, help_heading = "Connection")]
    pub dry_run: bool,
    /// Take connection settings from this profile of the config file (~/.config/agentrun/config.toml,
    /// or $AGENTRUN_CONFIG) where no flag or variable gives them [default: $AGENTRUN_PROFILE,
    /// else `default` when the file has it].
    #[arg(long, global = true, value_name = "NAME", help_heading = "Connection")]
    pub profile: Option<String>,
    /// The largest answer read, in bytes: a larger one is an error (exit 3), before more of it
    /// is read.
    #[arg(long, global = true, value_name = "BYTES", default_value_t = agentrun::DEFAULT_MAX_ANSWER_BYTES, help_heading = "Output")]
    pub max_answer_bytes: u64,
}

/// The top-level commands.
#[derive(Subcommand, Debug)]
pub enum Command {
    /// Run the local emulator of both APIs (try every command with no account).
    #[cfg(feature = "emulator")]
    Emulator(EmulatorArgs),
    /// Print an operation's request-body JSON Schema (or its answer's, with --response), for
    /// scripts, config files and LLM tool definitions.
    #[command(
        after_long_help = "Examples:\n  agentrun schema buildprint startAgent > start-agent.schema.json\n  agentrun schema builder runAgent --response"
    )]
    Schema {
        /// The API: a provider's name.
        #[arg(value_parser = provider_name())]
        provider: agentrun::Provider,
        /// The operation's operationId, in any case: startAgent, start-agent.
        operation: String,
        /// The schema of the success answer instead of the request body.
        #[arg(long)]
        response: bool,
    },
    /// Print a shell completion script: `agentrun completions bash > /etc/bash_completion.d/agentrun`.
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
    /// Print the manual page, from the same definitions as `--help`: `agentrun man >
    /// /usr/local/share/man/man1/agentrun.1`.
    Man,
}

/// What `--output` takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Text for people: fields, tables for lists.
    Text,
    /// The same text: lists as tables.
    Table,
    /// The API's JSON, pretty-printed (`--json`).
    Json,
    /// The API's JSON as YAML.
    Yaml,
    /// One JSON value per line: each item of a list, or the value itself.
    Ndjson,
}

/// A provider's name on the command line: one of the table's, each listed in `--help`.
fn provider_name() -> impl clap::builder::TypedValueParser<Value = agentrun::Provider> {
    let names = agentrun::Provider::ALL
        .iter()
        .map(|p| clap::builder::PossibleValue::new(p.name()).help(p.info().title));
    use clap::builder::TypedValueParser as _;
    clap::builder::PossibleValuesParser::new(names).try_map(|name: String| {
        agentrun::Provider::find(&name).ok_or_else(|| format!("no provider `{name}`"))
    })
}

/// A duration flag's value: `90s`, `5m`, `1h 30m`; zero is refused (a zero timeout could never
/// be met, a zero interval would poll as fast as the API answers).
pub fn positive_duration(value: &str) -> Result<Duration, String> {
    let duration = humantime::parse_duration(value.trim())
        .map_err(|e| format!("{e}: give a duration such as 90s, 5m or 1h"))?;
    if duration.is_zero() {
        return Err("must be more than zero: give a duration such as 90s, 5m or 1h".into());
    }
    Ok(duration)
}

/// An ID that goes into a request path: refused when it is empty, `.` or `..`, or holds a `/`,
/// a backslash, `?`, `#` or a control character, since such a value would reach another
/// endpoint (`..` is resolved away by URL parsing) or none.
pub fn path_segment(value: &str) -> Result<String, String> {
    if value.is_empty() || value == "." || value == ".." {
        return Err(format!("`{value}` is not an ID: give the ID itself"));
    }
    if let Some(c) = value
        .chars()
        .find(|c| matches!(c, '/' | '\\' | '?' | '#') || c.is_control())
    {
        return Err(format!(
            "an ID cannot hold {}: give the ID itself, not a path or URL",
            crate::output::describe_char(c)
        ));
    }
    Ok(value.to_string())
}
