//! The one command system: every command under a provider, `agentrun <provider> <resource>
//! <action>`, is a [`CommandDef`], whether it is built from the provider's operation table or
//! written by hand.
//!
//! A provider added to `openapi/providers.toml`, or an operation added to a spec, is a command
//! the day the crates are regenerated, with no edit here: [`defs`] makes a command of every
//! operation of every provider's table, its flags from the operation's fields
//! ([`flags::with_table_flags`]), its connection flags from the provider's security schemes
//! ([`connection`]), and runs it by sending the operation and printing the API's JSON.
//!
//! A provider's hand-written code ([`ProviderExtension`]: Buildprint's resources, `agentrun
//! builder run`) extends that same path: an [`Extension`] names the operation it replaces and
//! adds flags (`--wait`, `--strict-model`, attachments), a nicer name and a runner that
//! renders text or follows a run; it still gets the table's flags, unless it says its flags
//! are all its own. Every runner prints through one [`Output`], the one place text or JSON is
//! chosen.

pub(crate) mod connection;
pub(crate) mod flags;
pub(crate) mod pages;
pub(crate) mod updates;

use std::future::Future;
use std::pin::Pin;

use agentrun::runtime::Operation;
use agentrun::{Error, Provider};
use clap::{ArgMatches, Command};
use heck::ToKebabCase;
use serde_json::Map;

use crate::output::Output;

/// How a command ended, for the exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// Done; a followed run completed or passed.
    Done,
    /// A followed run ended in error, failed or was canceled.
    RunFailed,
}

/// A running command's future.
pub(crate) type Running<'a> = Pin<Box<dyn Future<Output = Result<Outcome, Error>> + 'a>>;

/// The client of a provider's commands built from the table, from its connection flags.
pub(crate) type Connect = fn(&ArgMatches) -> Result<agentrun::ProviderClient, Error>;

/// What runs a command.
pub(crate) type Runner = for<'a> fn(Invocation<'a>) -> Running<'a>;

/// A runner from an `async fn(Invocation<'_>) -> Result<Outcome, Error>`.
macro_rules! runner {
    ($function:path) => {{
        fn boxed(invocation: $crate::commands::Invocation<'_>) -> $crate::commands::Running<'_> {
            Box::pin($function(invocation))
        }
        boxed as $crate::commands::Runner
    }};
}
pub(crate) use runner;

/// What a command is given when it runs.
pub(crate) struct Invocation<'a> {
    /// The provider.
    pub(crate) provider: Provider,
    /// The operation it sends, when it sends one (a wait sends several).
    pub(crate) operation: Option<&'static Operation>,
    /// The provider command's matches, where the connection flags are.
    pub(crate) connection: &'a ArgMatches,
    /// The command's own matches.
    pub(crate) flags: &'a ArgMatches,
    /// How it prints its result.
    pub(crate) output: Output,
    /// The largest answer it reads (`--max-answer-bytes`).
    pub(crate) max_answer_bytes: u64,
    /// `--dry-run`: describe the request instead of sending it.
    pub(crate) dry_run: bool,
}

/// A command under a provider.
pub(crate) struct CommandDef {
    /// The resource (`agents`); empty for a command directly under the provider.
    pub(crate) resource: String,
    /// The action (`start`).
    pub(crate) action: String,
    /// Its help line.
    pub(crate) about: String,
    /// Its long help's closing example, if any.
    pub(crate) example: &'static str,
    /// The operation it sends, if any.
    pub(crate) operation: Option<&'static Operation>,
    /// Whether it takes the operation's fields as flags.
    pub(crate) table_flags: bool,
    /// The flags it adds.
    pub(crate) extend: fn(Command) -> Command,
    /// What runs it.
    pub(crate) run: Runner,
}

/// A hand-written command: what it adds to the one built from the table.
pub(crate) struct Extension {
    /// The `operationId` it sends and replaces the generated command of; `None` for a command
    /// of its own (a wait).
    pub(crate) operation: Option<&'static str>,
    /// Its resource; empty for a command directly under the provider.
    pub(crate) resource: &'static str,
    /// Its action.
    pub(crate) action: &'static str,
    /// Its help line; the operation's label follows it.
    pub(crate) about: &'static str,
    /// Its long help's closing example (empty for none).
    pub(crate) example: &'static str,
    /// Whether it takes the operation's fields as flags (`false`: its flags are all its own).
    pub(crate) table_flags: bool,
    /// The flags it adds (a clap `Args` type's `augment_args`).
    pub(crate) extend: fn(Command) -> Command,
    /// What runs it.
    pub(crate) run: Runner,
}

/// What a provider's hand-written code adds to its commands.
pub(crate) struct ProviderExtension {
    /// The provider command's help line, instead of its title.
    pub(crate) about: &'static str,
    /// Its connection flags, instead of the ones its security schemes give.
    pub(crate) connection: fn(Command) -> Command,
    /// The client of its commands built from the table, from those flags; `None` reads them
    /// as the generic flags are read ([`connection::connect`]).
    pub(crate) client: Option<Connect>,
    /// Help lines of its resources, by name.
    pub(crate) resources: &'static [(&'static str, &'static str)],
    /// One flag name per concept where the spec names it two ways: a field's wire name and
    /// the flag it takes (its own name stays a hidden alias).
    pub(crate) flag_names: &'static [(&'static str, &'static str)],
    /// Its hand-written commands, in the order help lists them.
    pub(crate) commands: &'static [Extension],
    /// The body fields of its replacing updates that the current resource names otherwise
    /// ([`updates`]).
    pub(crate) current_fields: &'static [updates::CurrentField],
}

/// The hand-written code of `provider`, if it has some.
pub(crate) fn extension(provider: Provider) -> Option<&'static ProviderExtension> {
    match provider {
        Provider::Buildprint => Some(&crate::buildprint::EXTENSION),
        Provider::Builder => Some(&crate::builder::EXTENSION),
        _ => None,
    }
}

/// Every command of `provider`: its hand-written ones, then one built from the table for
/// every operation none of them sends.
pub(crate) fn defs(provider: Provider) -> Vec<CommandDef> {
    let table = provider.info().operations;
    let hand_written = extension(provider).map_or(&[][..], |e| e.commands);
    let mut defs: Vec<CommandDef> = hand_written
        .iter()
        .map(|extension| {
            let operation = extension
                .operation
                .and_then(|id| table.iter().find(|op| op.id == id));
            CommandDef {
                resource: extension.resource.to_string(),
                action: extension.action.to_string(),
                about: match operation {
                    Some(op) => format!("{} ({})", extension.about, op.label),
                    None => extension.about.to_string(),
                },
                example: extension.example,
                operation,
                table_flags: extension.table_flags,
                extend: extension.extend,
                run: extension.run,
            }
        })
        .collect();
    for op in table {
        if hand_written.iter().any(|e| e.operation == Some(op.id)) {
            continue;
        }
        defs.push(CommandDef {
            resource: if op.tag.is_empty() {
                "api".to_string()
            } else {
                op.tag.to_kebab_case()
            },
            action: op.id.to_kebab_case(),
            about: if op.summary.is_empty() {
                op.label.to_string()
            } else {
                format!("{} ({})", op.summary, op.label)
            },
            example: "",
            operation: Some(op),
            table_flags: true,
            extend: |command| command,
            run: runner!(send_and_print),
        });
    }
    defs
}

/// The command line with every provider's commands.
pub(crate) fn augment(root: Command) -> Command {
    // The flags no field can take: the command line's own (`--json`, `--output`, `--profile`,
    // ...), read from it rather than listed again.
    let global: Vec<String> = root
        .get_arguments()
        .filter_map(|arg| arg.get_long().map(str::to_string))
        .chain(["help".to_string()])
        .collect();
    Provider::ALL.iter().fold(root, |root, &provider| {
        let info = provider.info();
        let command = Command::new(provider.name());
        // The flags first: an `Args` type's own doc would be the command's help line.
        let command = match extension(provider) {
            Some(extension) => (extension.connection)(command).about(extension.about),
            None => connection::with_connection_flags(command, provider).about(info.title),
        }
        .subcommand_required(true)
        .arg_required_else_help(true)
        // The APIs first, before `emulator`, `schema` and `completions`.
        .display_order(0);
        root.subcommand(with_commands(command, provider, &global))
    })
}

/// The provider's command with a subcommand for each of its [`defs`].
fn with_commands(provider_command: Command, provider: Provider, global: &[String]) -> Command {
    // The flags no field can take: the provider's connection flags and the global ones.
    let reserved: Vec<String> = provider_command
        .get_arguments()
        .filter_map(|arg| arg.get_long().map(str::to_string))
        .chain(global.iter().cloned())
        .collect();
    let resources = extension(provider).map_or(&[][..], |e| e.resources);
    let mut command = provider_command;
    for def in defs(provider) {
        // The flags first: an `Args` type's own doc would be the command's help line.
        let mut leaf = (def.extend)(Command::new(def.action.clone())).about(def.about.clone());
        if !def.example.is_empty() {
            leaf = leaf.after_long_help(def.example);
        }
        if let (Some(op), true) = (def.operation, def.table_flags) {
            leaf = flags::with_table_flags(leaf, provider, op, &reserved);
        }
        if def.resource.is_empty() {
            command = command.subcommand(leaf);
            continue;
        }
        if command.find_subcommand(&def.resource).is_none() {
            let about = resources
                .iter()
                .find(|(name, _)| *name == def.resource)
                .map(|(_, about)| about.to_string())
                .or_else(|| {
                    def.operation
                        .map(|op| format!("{} (commands built from the spec)", op.tag))
                })
                .unwrap_or_default();
            command = command.subcommand(
                Command::new(def.resource.clone())
                    .about(about)
                    .subcommand_required(true)
                    .arg_required_else_help(true),
            );
        }
        command = command.mut_subcommand(&def.resource, |r| r.subcommand(leaf));
    }
    command
}

/// The command `matches` (the whole command line's) chose under a provider, and what it is
/// given; `None` when it chose a command of another kind (`emulator`, `schema`).
pub(crate) fn chosen(matches: &ArgMatches, output: Output) -> Option<(Runner, Invocation<'_>)> {
    let (name, connection) = matches.subcommand()?;
    let provider = Provider::find(name)?;
    let (first, first_matches) = connection.subcommand()?;
    let (resource, action, flags) = match first_matches.subcommand() {
        Some((action, flags)) => (first, action, flags),
        None => ("", first, first_matches),
    };
    let def = defs(provider)
        .into_iter()
        .find(|d| d.resource == resource && d.action == action)?;
    let dry_run = matches.get_flag("dry_run");
    // `--all` is the same for every list command: page after page, the items as one list.
    let run = if dry_run && def.operation.is_none() {
        runner!(no_dry_run)
    } else if pages::asked(flags) {
        runner!(pages::all_pages)
    } else {
        def.run
    };
    Some((
        run,
        Invocation {
            provider,
            operation: def.operation,
            connection,
            flags,
            output,
            max_answer_bytes: matches
                .get_one::<u64>("max_answer_bytes")
                .copied()
                .unwrap_or(agentrun::DEFAULT_MAX_ANSWER_BYTES),
            dry_run,
        },
    ))
}

/// `--dry-run` on a command that sends no one request (a wait polls until a run ends).
async fn no_dry_run(invocation: Invocation<'_>) -> Result<Outcome, Error> {
    let _ = invocation;
    Err(Error::Invalid {
        message: "--dry-run shows the one request a command sends; a wait sends one after \
                  another until the run ends: drop --dry-run"
            .into(),
    })
}

/// A command built from the table: sends its operation with the flags' values and prints
/// the API's JSON.
async fn send_and_print(invocation: Invocation<'_>) -> Result<Outcome, Error> {
    let operation = invocation.operation.ok_or_else(|| Error::Invalid {
        message: "the command sends no operation".into(),
    })?;
    let client = connection::client(&invocation)?;
    let input = updates::input(
        &client,
        invocation.provider,
        operation,
        invocation.flags,
        Map::new(),
    )
    .await?;
    let answer = client.send_described(operation, &input).await?;
    invocation.output.unrendered(&answer)?;
    Ok(Outcome::Done)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_hand_written_command_names_an_operation_of_its_table() {
        for &provider in Provider::ALL {
            let Some(extension) = extension(provider) else {
                continue;
            };
            for command in extension.commands {
                if let Some(id) = command.operation {
                    assert!(
                        provider.info().operation(id).is_some(),
                        "{provider}: `{} {}` names {id}, which its table lacks",
                        command.resource,
                        command.action
                    );
                }
            }
        }
    }

    #[test]
    fn each_command_is_chosen_by_its_words_alone() {
        for &provider in Provider::ALL {
            let defs = defs(provider);
            for (i, def) in defs.iter().enumerate() {
                let same = defs
                    .iter()
                    .skip(i + 1)
                    .find(|other| other.resource == def.resource && other.action == def.action);
                assert!(
                    same.is_none(),
                    "{provider}: two commands are `{} {}`",
                    def.resource,
                    def.action
                );
            }
        }
    }
}
