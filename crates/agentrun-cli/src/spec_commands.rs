//! Commands built from the generated operation table, for every Buildprint operation that has
//! no hand-written command: a new operation in the spec is a command the day the client crate
//! is regenerated, with no edit here.
//!
//! The command is `agentrun buildprint <resource> <action>`: the resource is the operation's
//! tag in kebab-case (`Test Users` → `test-users`, next to the hand-written actions when there
//! are some), the action its `operationId` in kebab-case. Each parameter and top-level body
//! field is a flag in kebab-case, required when the spec requires it, with the spec's
//! description as help and its documented values as the possible ones; a flag of an object
//! or a list of objects takes JSON. The answer prints as the API's JSON, with or without
//! `--json`, until someone writes a renderer.

use agentrun::buildprint::operations::OPERATIONS;
use agentrun::runtime::{Field, Kind, Operation};
use agentrun::{BuildprintClient, Error, OperationInput};
use clap::builder::PossibleValuesParser;
use clap::{Arg, ArgAction, ArgMatches, Command};
use heck::ToKebabCase;
use serde_json::{Map, Value};

use crate::cli::OPERATIONS as HAND_WRITTEN;

/// The operations without a hand-written command, with their resource and action names.
pub(crate) fn generated() -> impl Iterator<Item = (&'static Operation, String, String)> {
    OPERATIONS
        .iter()
        .filter(|op| !HAND_WRITTEN.iter().any(|(id, _, _)| *id == op.id))
        .map(|op| {
            let resource = if op.tag.is_empty() {
                "api".to_string()
            } else {
                op.tag.to_kebab_case()
            };
            (op, resource, op.id.to_kebab_case())
        })
}

/// `agentrun buildprint` with a command for every operation of [`generated`].
pub(crate) fn augment(buildprint: Command) -> Command {
    let mut buildprint = buildprint;
    for (op, resource, action) in generated() {
        let command = action_command(op, &action);
        buildprint = if buildprint.find_subcommand(&resource).is_some() {
            buildprint.mut_subcommand(&resource, |r| r.subcommand(command))
        } else {
            buildprint.subcommand(
                Command::new(resource.clone())
                    .about(format!("{} (commands built from the spec)", op.tag))
                    .subcommand_required(true)
                    .arg_required_else_help(true)
                    .subcommand(command),
            )
        };
    }
    buildprint
}

fn action_command(op: &'static Operation, action: &str) -> Command {
    let about = if op.summary.is_empty() {
        op.label.to_string()
    } else {
        format!("{} ({})", op.summary, op.label)
    };
    let fields = op
        .parameters
        .iter()
        .chain(op.body.iter().flat_map(|body| body.fields.iter()));
    fields.fold(
        Command::new(action.to_string()).about(about),
        |command, field| command.arg(flag(field)),
    )
}

/// One field as a flag; its id is the field's wire name.
fn flag(field: &'static Field) -> Arg {
    let mut arg = Arg::new(field.name)
        .long(field.name.to_kebab_case())
        .required(field.required)
        .help(field.description);
    arg = match field.kind {
        Kind::StringList => arg.action(ArgAction::Append).value_name("VALUE"),
        Kind::Json => arg.value_name("JSON"),
        Kind::Integer => arg.value_parser(clap::value_parser!(i64)),
        Kind::Number => arg.value_parser(clap::value_parser!(f64)),
        Kind::Boolean => arg
            .value_parser(clap::value_parser!(bool))
            .value_name("true|false"),
        Kind::String => arg,
    };
    if !field.values.is_empty() && matches!(field.kind, Kind::String | Kind::StringList) {
        arg = arg.value_parser(PossibleValuesParser::new(field.values));
    }
    arg
}

/// The generated command `matches` chose (under `agentrun buildprint`), if it chose one.
pub(crate) fn chosen(buildprint: &ArgMatches) -> Option<(&'static Operation, &ArgMatches)> {
    let (resource, resource_matches) = buildprint.subcommand()?;
    let (action, matches) = resource_matches.subcommand()?;
    generated()
        .find(|(_, r, a)| r == resource && a == action)
        .map(|(op, _, _)| (op, matches))
}

/// Sends the chosen operation with the flags' values and prints the answer as JSON.
pub(crate) async fn run(
    client: &BuildprintClient,
    op: &'static Operation,
    matches: &ArgMatches,
) -> Result<Value, Error> {
    let mut input = OperationInput::default();
    for field in op.parameters {
        for value in strings(matches, field) {
            input = input.parameter(field.name, value);
        }
    }
    if let Some(body) = op.body {
        let mut object = Map::new();
        for field in body.fields {
            if let Some(value) = json_value(matches, field)? {
                object.insert(field.name.to_string(), value);
            }
        }
        if body.required || !object.is_empty() {
            input = input.body(Value::Object(object));
        }
    }
    client.send_operation(op, &input).await
}

/// A parameter's values as text.
fn strings(matches: &ArgMatches, field: &Field) -> Vec<String> {
    match field.kind {
        Kind::Integer => matches
            .get_many::<i64>(field.name)
            .map(|v| v.map(ToString::to_string).collect())
            .unwrap_or_default(),
        Kind::Number => matches
            .get_many::<f64>(field.name)
            .map(|v| v.map(ToString::to_string).collect())
            .unwrap_or_default(),
        Kind::Boolean => matches
            .get_many::<bool>(field.name)
            .map(|v| v.map(ToString::to_string).collect())
            .unwrap_or_default(),
        _ => matches
            .get_many::<String>(field.name)
            .map(|v| v.cloned().collect())
            .unwrap_or_default(),
    }
}

/// A body field's value as JSON, or nothing when the flag was not given.
fn json_value(matches: &ArgMatches, field: &Field) -> Result<Option<Value>, Error> {
    let flag = field.name.to_kebab_case();
    Ok(match field.kind {
        Kind::Integer => matches.get_one::<i64>(field.name).map(|v| Value::from(*v)),
        Kind::Number => matches.get_one::<f64>(field.name).map(|v| Value::from(*v)),
        Kind::Boolean => matches.get_one::<bool>(field.name).map(|v| Value::from(*v)),
        Kind::String => matches
            .get_one::<String>(field.name)
            .map(|v| Value::from(v.as_str())),
        Kind::StringList => matches
            .get_many::<String>(field.name)
            .map(|v| Value::Array(v.map(|s| Value::from(s.as_str())).collect())),
        Kind::Json => match matches.get_one::<String>(field.name) {
            None => None,
            Some(text) => Some(serde_json::from_str(text).map_err(|e| Error::Invalid {
                message: format!(
                    "--{flag} is not JSON ({e}); write it like '{{\"key\": \"value\"}}'"
                ),
            })?),
        },
    })
}
