//! The `agentrun` command: start and follow Builder.io and Buildprint agents from scripts and CI.
//!
//! ```text
//! agentrun builder run --prompt-file prompt.md --attach mockup.png --user-email dev@company.com
//! agentrun buildprint test-group-runs start --group-id tg_000001 --branch-id main --wait
//! ```
//!
//! Every operation of every provider in `openapi/providers.toml` is a command (`agentrun
//! <provider> <resource> <action>`), every flag an API field in kebab-case, built from the
//! generated operation tables by one command system: a command built from the spec prints the
//! API's JSON, and a hand-written one (Buildprint's resources, `agentrun builder run`) extends
//! it with waits, `--steps @FILE` and text renderers ([`operation_command`] says where an
//! operation is). JSON inputs (`--body @FILE|-|JSON`, `--steps`) are checked against the
//! operation's JSON Schema before a request is built, and `agentrun schema <provider>
//! <operation>` prints that schema.
//! Data goes to stdout (text, or the API's JSON with `--json`), diagnostics to stderr, and the
//! exit code says how it ended ([`cli::EXIT_CODES`]). The crate is a library too, so its command line can be inspected:
//!
//! ```
//! use agentrun_cli::{ExitStatus, command};
//!
//! let agents = command().find_subcommand("buildprint").and_then(|c| c.find_subcommand("agents")).cloned();
//! let start = agents.and_then(|c| c.find_subcommand("start").cloned()).expect("agents start");
//! assert!(start.get_arguments().any(|arg| arg.get_long() == Some("app-id")));
//! assert_eq!(ExitStatus::Timeout.code(), 4);
//! ```

#![forbid(unsafe_code)]

mod builder;
mod buildprint;
pub mod cli;
mod commands;
mod input;
mod jq;
mod output;
mod progress;
mod schema;
mod settings;
mod validate;

use std::ffi::OsString;
use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use agentrun::Error;
use clap::{CommandFactory, FromArgMatches};

use crate::cli::{Cli, Command};
use crate::commands::Outcome;
use crate::output::Output;

/// How the process ends, as `--help` documents it ([`cli::EXIT_CODES`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitStatus {
    /// 0: done; a followed run completed or passed.
    Done,
    /// 1: the followed run ended in error, failed or was canceled.
    RunFailed,
    /// 2: a usage or configuration error.
    Usage,
    /// 3: the API refused the request or could not be reached.
    Api,
    /// 4: a wait or a request ran out of time.
    Timeout,
    /// 5: a request that starts a run was sent and its answer lost: it may have started.
    MayHaveStarted,
}

impl ExitStatus {
    /// The process exit code.
    pub fn code(self) -> u8 {
        match self {
            ExitStatus::Done => 0,
            ExitStatus::RunFailed => 1,
            ExitStatus::Usage => 2,
            ExitStatus::Api => 3,
            ExitStatus::Timeout => 4,
            ExitStatus::MayHaveStarted => 5,
        }
    }

    /// The exit status for an error.
    pub fn of(error: &Error) -> Self {
        match error {
            Error::Config { .. } | Error::Invalid { .. } | Error::Attachment { .. } => {
                ExitStatus::Usage
            }
            Error::WaitTimeout { .. }
            | Error::Transport {
                timed_out: true, ..
            } => ExitStatus::Timeout,
            Error::MayHaveStarted { .. } => ExitStatus::MayHaveStarted,
            _ => ExitStatus::Api,
        }
    }
}

impl From<ExitStatus> for ExitCode {
    fn from(status: ExitStatus) -> Self {
        ExitCode::from(status.code())
    }
}

/// The command line, for completions and inspection: the commands of every provider of the
/// table (the one command system), and `emulator`, `schema` and `completions`.
pub fn command() -> clap::Command {
    commands::augment(Cli::command())
}

/// Where an operation of a provider is on the command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OperationCommand {
    /// The words after `agentrun`: `["buildprint", "agents", "start"]`.
    pub path: Vec<String>,
    /// Whether each of its fields is a flag (`false`: a hand-written command whose flags are
    /// all its own, like `agentrun builder run`).
    pub fields_are_flags: bool,
}

/// The command that sends `provider`'s operation `operation_id`, if it has one.
///
/// ```
/// use agentrun::Provider;
///
/// let start = agentrun_cli::operation_command(Provider::Buildprint, "startAgent").expect("a command");
/// assert_eq!(start.path, ["buildprint", "agents", "start"]);
/// ```
pub fn operation_command(
    provider: agentrun::Provider,
    operation_id: &str,
) -> Option<OperationCommand> {
    let def = commands::defs(provider)
        .into_iter()
        .find(|def| def.operation.is_some_and(|op| op.id == operation_id))?;
    let path = std::iter::once(provider.name().to_string())
        .chain((!def.resource.is_empty()).then_some(def.resource))
        .chain(std::iter::once(def.action))
        .collect();
    Some(OperationCommand {
        path,
        fields_are_flags: def.table_flags,
    })
}

/// Runs `agentrun` with these arguments (the first is the program's name) and returns its exit
/// code. Errors are printed on stderr as one line; with `-v`, their detail follows.
pub fn main_with(args: impl IntoIterator<Item = impl Into<OsString> + Clone>) -> ExitCode {
    let matches = match command().try_get_matches_from(args) {
        Ok(matches) => matches,
        Err(error) => return usage(&error),
    };
    let verbose = matches.get_count("verbose");
    let output = match output(&matches) {
        Ok(output) => output,
        Err(error) => {
            report(&error, verbose);
            return ExitStatus::of(&error).into();
        }
    };
    let result = match commands::chosen(&matches, output) {
        Some((run, invocation)) => {
            settings::load(matches.get_one::<String>("profile").map(String::as_str))
                .and_then(|()| logs(verbose))
                .and_then(|()| block_on(run(invocation)))
        }
        None => {
            let cli = match Cli::from_arg_matches(&matches) {
                Ok(cli) => cli,
                Err(error) => return usage(&error),
            };
            match cli.command {
                #[cfg(feature = "emulator")]
                Command::Emulator(args) => return agentrun_emulator::cli::run(&args, verbose > 0),
                Command::Completions { shell } => {
                    // Into memory first: clap_complete panics when a write fails (`| head`).
                    let mut script = Vec::new();
                    clap_complete::generate(shell, &mut command(), "agentrun", &mut script);
                    let _ = std::io::stdout().lock().write_all(&script);
                    return ExitStatus::Done.into();
                }
                Command::Man => {
                    // Into memory first, like the completions: a closed pipe is no error.
                    let mut page = Vec::new();
                    let rendered = clap_mangen::Man::new(command()).render(&mut page);
                    let _ = std::io::stdout().lock().write_all(&page);
                    return match rendered {
                        Ok(()) => ExitStatus::Done.into(),
                        Err(error) => {
                            eprintln!("error: cannot render the manual page: {error}");
                            ExitStatus::Usage.into()
                        }
                    };
                }
                Command::Schema {
                    provider,
                    operation,
                    response,
                } => schema::run(provider, &operation, response).map(|()| Outcome::Done),
            }
        }
    };
    match result {
        Ok(Outcome::Done) => ExitStatus::Done.into(),
        Ok(Outcome::RunFailed) => ExitStatus::RunFailed.into(),
        // `--dry-run`: the request is the command's output.
        Err(Error::DryRun { request }) => {
            output::print(&request);
            ExitStatus::Done.into()
        }
        Err(error) => {
            report(&error, verbose);
            ExitStatus::of(&error).into()
        }
    }
}

/// How results are written, from `--output`, `--json` and `--jq` (compiled here, so that a
/// filter that does not parse stops the command before anything is sent).
fn output(matches: &clap::ArgMatches) -> Result<Output, Error> {
    let format = if matches.get_flag("json") {
        output::Format::Json
    } else {
        matches
            .get_one::<output::Format>("output")
            .copied()
            .unwrap_or(output::Format::Text)
    };
    let jq = match matches.get_one::<String>("jq") {
        // One filter per process, for its whole life: leaked so that `Output` stays `Copy`.
        Some(code) => Some(&*Box::leak(Box::new(jq::Jq::compile(code)?))),
        None => None,
    };
    Ok(Output { format, jq })
}

/// What clap says about the command line: `--help` and `--version` on stdout (exit 0), a
/// usage error on stderr (exit 2), as plain text with every control or direction character an
/// argument carried escaped (clap quotes the invalid value).
fn usage(error: &clap::Error) -> ExitCode {
    if !error.use_stderr() {
        let _ = error.print();
        return ExitStatus::Done.into();
    }
    let text = agentrun::runtime::terminal_safe(&error.render().to_string());
    let _ = std::io::stderr().lock().write_all(text.as_bytes());
    ExitStatus::Usage.into()
}

/// Runs one command on a single-threaded runtime: a command makes one request at a time.
fn block_on(command: impl Future<Output = Result<Outcome, Error>>) -> Result<Outcome, Error> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|error| Error::Transport {
            operation: None,
            message: format!("cannot start the async runtime: {error}"),
            timed_out: false,
        })?
        .block_on(command)
}

/// The variables that take a log filter in `tracing`'s syntax (`agentrun_runtime=trace`), the
/// first one set winning; what they say refines what `-v` asks for.
pub const LOG_VARIABLES: [&str; 2] = ["AGENTRUN_LOG", "RUST_LOG"];

/// Logs on stderr: `-v` a line for each request, answer and retry; `-vv` each request's and
/// answer's headers and the start of its body as well, every credential redacted
/// (`agentrun_runtime` at `trace`); `AGENTRUN_LOG` or `RUST_LOG` any filter of `tracing`'s.
/// A filter that does not parse is an error naming its variable.
fn logs(verbose: u8) -> Result<(), Error> {
    let asked = match verbose {
        0 => None,
        1 => Some("agentrun_runtime=debug,agentrun=info"),
        _ => Some("agentrun_runtime=trace,agentrun=trace"),
    };
    let from_env = LOG_VARIABLES.iter().find_map(|name| {
        std::env::var(name)
            .ok()
            .filter(|value| !value.trim().is_empty())
            .map(|value| (*name, value))
    });
    let directives = match (asked, &from_env) {
        (None, None) => return Ok(()),
        (Some(asked), None) => asked.to_string(),
        (None, Some((_, value))) => value.clone(),
        (Some(asked), Some((_, value))) => format!("{asked},{value}"),
    };
    let filter = tracing_subscriber::EnvFilter::try_new(&directives).map_err(|error| {
        let (name, value) = from_env.clone().unwrap_or_default();
        Error::Config {
            variable: Some(name.to_string()),
            message: format!(
                "{name}=`{}` is not a log filter ({error}); write it as tracing does, like \
                 `debug` or `agentrun_runtime=trace,warn`",
                agentrun::runtime::one_line(&value)
            ),
        }
    })?;
    let _ = tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .with_target(false)
        .with_env_filter(filter)
        .try_init();
    Ok(())
}

/// One line on stderr: what went wrong and what to do; with `-v`, the error's fields.
fn report(error: &Error, verbose: u8) {
    // The API's own words are in it: one line, no escape sequences.
    let mut line = agentrun::runtime::one_line(&error.to_string());
    if let Error::Config {
        variable: Some(variable),
        ..
    } = error
        && let Some(flag) = flag_for(variable)
        && !line.contains(&flag)
    {
        line.push_str(&format!(" (or pass {flag})"));
    }
    eprintln!("error: {line}");
    if verbose > 0 {
        eprintln!("detail: {}", detail(error));
    }
}

/// The error's fields in plain words, for `-v`: what kind it is and what it carries, each
/// value made safe for a terminal (never a Rust `Debug` dump).
fn detail(error: &Error) -> String {
    use agentrun::runtime::one_line;
    let field = |name: &str, value: Option<&str>| {
        value
            .map(|v| format!(" {name}={}", one_line(v)))
            .unwrap_or_default()
    };
    match error {
        Error::Api(api) => format!(
            "kind=api provider={:?} status={}{}{}{}{}",
            api.provider,
            api.status,
            field("operation", api.operation.as_deref()),
            field("code", api.code.as_deref()),
            field("reason", api.reason.as_deref()),
            api.retry_after
                .map(|wait| format!(" retry_after={}s", wait.as_secs()))
                .unwrap_or_default(),
        ),
        Error::Transport {
            operation,
            timed_out,
            ..
        } => format!(
            "kind=transport timed_out={timed_out}{}",
            field("operation", operation.as_deref())
        ),
        Error::MayHaveStarted { operation, .. } => format!(
            "kind=may_have_started{}",
            field("operation", operation.as_deref())
        ),
        Error::Decode { operation, .. } => {
            format!("kind=decode{}", field("operation", operation.as_deref()))
        }
        Error::Config { variable, .. } => {
            format!("kind=config{}", field("variable", variable.as_deref()))
        }
        Error::Invalid { .. } => "kind=invalid".into(),
        Error::Attachment { path, .. } => format!(
            "kind=attachment{}",
            field(
                "path",
                path.as_ref().map(|p| p.display().to_string()).as_deref()
            )
        ),
        Error::WaitTimeout {
            waited,
            last_status,
            ..
        } => format!(
            "kind=wait_timeout waited={}s last_status={}",
            waited.as_secs(),
            one_line(last_status)
        ),
        Error::Webhook { .. } => "kind=webhook".into(),
        _ => "kind=other".into(),
    }
}

/// The flag that stands in for an environment variable: a provider's base URL or credential
/// variable, or Builder's public key (a parameter of its one operation).
fn flag_for(variable: &str) -> Option<String> {
    if variable == agentrun::auth::BUILDER_PUBLIC_KEY {
        return Some("--public-key".into());
    }
    agentrun::Provider::ALL.iter().find_map(|&provider| {
        let info = provider.info();
        if variable == info.base_url_variable {
            Some("--base-url".into())
        } else {
            info.credentials
                .iter()
                .any(|c| c.variable == variable)
                .then(|| {
                    format!(
                        "--{}",
                        commands::connection::credential_flag(provider, variable)
                    )
                })
        }
    })
}
