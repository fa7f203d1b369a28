//! The commands of every provider of the table, built from its generated operation table:
//! `agentrun <provider> <resource> <action>`. A provider added to `openapi/providers.toml`, or
//! an operation added to a spec, is a command the day the crates are regenerated, with no edit
//! here.
//!
//! A hand-written command ([`hand_written`]: Buildprint's resources, `agentrun builder run`) is
//! an extension of this path: it gets the table's flags too, and writes by hand only what it
//! adds (`--wait`, `--strict-model`, attachments) or overrides (`--model` with the known models
//! in its help, `--steps` that also takes `@FILE`); its request is built from the flags by
//! [`input`].
//!
//! The resource is the operation's tag in kebab-case (`Test Users` → `test-users`, next to
//! the hand-written actions when there are some), the action its `operationId` in kebab-case.
//! Each parameter and top-level body field is a flag in kebab-case, required when the spec
//! requires it, with the spec's description as help and its documented values as the possible
//! ones; a flag of an object or a list of objects takes JSON. A field whose flag would take the
//! name of a connection or output flag is `--<where>-<name>` instead (`--query-base-url`). The
//! connection flags of a provider with no hand-written commands come from its security schemes
//! ([`credential_flag`]). The answer prints as the API's JSON.
//!
//! An operation that takes a body also takes `--body @FILE|-|JSON`, the whole body (flags for
//! body fields replace its fields). Whatever the body is made of, it is checked against the
//! operation's JSON Schema ([`crate::validate`]) before a request is built.

use std::time::Duration;

use agentrun::runtime::{Body, Field, Kind, Location, Operation};
use agentrun::{ClientConfig, Error, OperationInput, Provider, ProviderClient};
use clap::builder::PossibleValuesParser;
use clap::{Arg, ArgAction, ArgMatches, Command};
use heck::{ToKebabCase, ToShoutySnakeCase, ToSnakeCase};
use serde_json::{Map, Value};

use crate::cli::{path_segment, positive_duration};

/// The operations of `provider` that have a hand-written command: `(operationId, resource,
/// action)`. Their flags come from the table too, except for a command directly under the
/// provider (an empty resource: `agentrun builder run`), whose flags are all its own.
pub(crate) fn hand_written(
    provider: Provider,
) -> &'static [(&'static str, &'static str, &'static str)] {
    match provider {
        Provider::Buildprint => crate::cli::OPERATIONS,
        Provider::Builder => crate::cli::BUILDER_OPERATIONS,
        _ => &[],
    }
}

/// The operations of `provider` without a hand-written command, with their resource and
/// action names.
pub(crate) fn generated(
    provider: Provider,
) -> impl Iterator<Item = (&'static Operation, String, String)> {
    let covered = hand_written(provider);
    provider
        .info()
        .operations
        .iter()
        .filter(move |op| !covered.iter().any(|(id, _, _)| *id == op.id))
        .map(|op| {
            let resource = if op.tag.is_empty() {
                "api".to_string()
            } else {
                op.tag.to_kebab_case()
            };
            (op, resource, op.id.to_kebab_case())
        })
}

/// The command line with every provider's commands: for each provider of the table, its
/// connection flags when it has no hand-written command, the table's flags on its
/// hand-written commands, and a command for every operation of [`generated`].
pub(crate) fn augment(root: Command) -> Command {
    Provider::ALL.iter().fold(root, |root, &provider| {
        let name = provider.name();
        if root.find_subcommand(name).is_some() {
            root.mut_subcommand(name, |command| with_operations(command, provider))
        } else {
            let command = Command::new(name)
                .about(format!(
                    "{} (commands built from its spec)",
                    provider.info().title
                ))
                .subcommand_required(true)
                .arg_required_else_help(true);
            root.subcommand(with_operations(
                with_connection_flags(command, provider),
                provider,
            ))
        }
    })
}

/// `agentrun <provider>` with the table's flags on every hand-written command, and a command
/// for every operation of [`generated`].
fn with_operations(provider_command: Command, provider: Provider) -> Command {
    let table = provider.info().operations;
    // The flags no field can take: the provider's connection flags and the global ones.
    let reserved: Vec<String> = provider_command
        .get_arguments()
        .filter_map(|arg| arg.get_long().map(str::to_string))
        .chain(["json", "verbose", "help"].map(String::from))
        .collect();
    let mut command = provider_command;
    for (id, resource, action) in hand_written(provider) {
        let Some(op) = table.iter().find(|op| op.id == *id) else {
            continue;
        };
        if resource.is_empty() {
            continue;
        }
        command = command.mut_subcommand(resource, |r| {
            r.mut_subcommand(action, |c| with_table_flags(c, provider, op, &reserved))
        });
    }
    for (op, resource, action) in generated(provider) {
        let about = if op.summary.is_empty() {
            op.label.to_string()
        } else {
            format!("{} ({})", op.summary, op.label)
        };
        let op_command =
            with_table_flags(Command::new(action).about(about), provider, op, &reserved);
        command = if command.find_subcommand(&resource).is_some() {
            command.mut_subcommand(&resource, |r| r.subcommand(op_command))
        } else {
            command.subcommand(
                Command::new(resource.clone())
                    .about(format!("{} (commands built from the spec)", op.tag))
                    .subcommand_required(true)
                    .arg_required_else_help(true)
                    .subcommand(op_command),
            )
        };
    }
    command
}

/// The flag of a credential: its variable without the provider's prefix, in kebab-case
/// (`BUILDPRINT_TOKEN` is `--token`, `PETS_API_KEY` is `--api-key`).
pub(crate) fn credential_flag(provider: Provider, variable: &str) -> String {
    let prefix = format!("{}_", provider.name().to_shouty_snake_case());
    variable
        .strip_prefix(&prefix)
        .unwrap_or(variable)
        .to_kebab_case()
}

/// The flags that say how to reach a provider with no hand-written command: one per
/// credential, `--base-url` and `--request-timeout`, each id its long name in snake case (as
/// the hand-written ones' are), so [`connect`] reads both kinds alike.
fn with_connection_flags(command: Command, provider: Provider) -> Command {
    let info = provider.info();
    let credentials = info.credentials.iter().map(|credential| {
        let long = credential_flag(provider, credential.variable);
        let what = if credential.description.is_empty() {
            format!("The `{}` credential", credential.scheme)
        } else {
            credential.description.trim_end_matches('.').to_string()
        };
        Arg::new(long.to_snake_case())
            .long(long)
            .value_name("SECRET")
            .global(true)
            .help_heading("Connection")
            .help(format!("{what} [default: ${}]", credential.variable))
    });
    let default_url = if info.base_url.is_empty() {
        String::new()
    } else {
        format!(", else {}", info.base_url)
    };
    command
        .args(credentials)
        .arg(
            Arg::new("base_url")
                .long("base-url")
                .value_name("URL")
                .global(true)
                .help_heading("Connection")
                .help(format!(
                    "The API's base URL [default: ${}{default_url}]",
                    info.base_url_variable
                )),
        )
        .arg(
            Arg::new("request_timeout")
                .long("request-timeout")
                .value_name("DURATION")
                .global(true)
                .value_parser(positive_duration)
                .help_heading("Connection")
                .help("Give up on one request (each attempt) after this long [default: 60s]"),
        )
}

/// `command` with a flag for every field of `op` it does not define itself, and `--body` when
/// `op` takes a JSON body.
fn with_table_flags(
    command: Command,
    provider: Provider,
    op: &'static Operation,
    reserved: &[String],
) -> Command {
    let fields = op
        .parameters
        .iter()
        .chain(op.body.iter().flat_map(|body| body.fields.iter()));
    let command = fields.fold(command, |command, field| {
        let long = field.name.to_kebab_case();
        if command
            .get_arguments()
            .any(|arg| arg.get_long() == Some(long.as_str()))
        {
            command
        } else if reserved.contains(&long) {
            let place = match field.location {
                Location::Path => "path",
                Location::Query => "query",
                Location::Header => "header",
                Location::Body => "body",
            };
            command.arg(flag(field).long(format!("{place}-{long}")))
        } else {
            command.arg(flag(field))
        }
    });
    match op.body {
        Some(body) => with_body_flag(command, provider, op, body),
        None => command,
    }
}

/// The id of the `--body` flag (not a wire name, so no field can take it).
pub(crate) const BODY: &str = "@body";

/// `--body @FILE|-|JSON`: the whole request body. The body's required fields are then no
/// longer required as flags (the body may hold them; the schema check says when it does not).
fn with_body_flag(command: Command, provider: Provider, op: &Operation, body: Body) -> Command {
    // A body field may itself be called `body`: its flag keeps the name.
    let long = if command
        .get_arguments()
        .any(|a| a.get_long() == Some("body"))
    {
        "request-body"
    } else {
        "body"
    };
    let help = format!(
        "The whole request body as JSON: @FILE, - for stdin, or inline. Flags for body fields \
         replace its fields; it is checked against the operation's schema (`agentrun schema \
         {provider} {}`) before anything is sent",
        op.id
    );
    let mut command = command.arg(
        Arg::new(BODY)
            .long(long)
            .value_name("@FILE|-|JSON")
            .help(help),
    );
    for field in body
        .fields
        .iter()
        .filter(|f| f.required && f.kind != Kind::Boolean)
    {
        let long = field.name.to_kebab_case();
        let id = command
            .get_arguments()
            .find(|arg| arg.get_long() == Some(long.as_str()))
            .map(|arg| arg.get_id().clone());
        if let Some(id) = id {
            command = command.mut_arg(id, |arg| arg.required(false).required_unless_present(BODY));
        }
    }
    command
}

/// One field as a flag; its id is the field's wire name.
fn flag(field: &'static Field) -> Arg {
    let mut arg = Arg::new(field.name)
        .long(field.name.to_kebab_case())
        .value_name(field.name.to_shouty_snake_case())
        .required(field.required && field.kind != Kind::Boolean)
        .help(field.description);
    arg = match field.kind {
        Kind::StringList => arg.action(ArgAction::Append).value_delimiter(','),
        Kind::Json => arg.value_name("JSON"),
        Kind::Integer => arg.value_parser(clap::value_parser!(i64)),
        Kind::Number => arg.value_parser(clap::value_parser!(f64)),
        // `--flag` alone is true, `--flag=false` false; a required one left out is false.
        Kind::Boolean => arg
            .value_parser(clap::value_parser!(bool))
            .num_args(0..=1)
            .require_equals(true)
            .default_missing_value("true")
            .value_name("true|false"),
        Kind::String if field.location == Location::Path => arg.value_parser(path_segment),
        Kind::String => arg,
    };
    if !field.values.is_empty() && matches!(field.kind, Kind::String | Kind::StringList) {
        arg = arg.value_parser(PossibleValuesParser::new(field.values));
    }
    arg
}

/// A command built from the spec, as the command line chose it.
pub(crate) struct Chosen<'a> {
    /// The provider.
    pub(crate) provider: Provider,
    /// The operation.
    pub(crate) operation: &'static Operation,
    /// The provider command's matches, where its connection flags are.
    pub(crate) connection: &'a ArgMatches,
    /// The operation command's matches.
    pub(crate) flags: &'a ArgMatches,
}

/// The command built from the spec that `matches` (the whole command line's) chose, if any.
pub(crate) fn chosen(matches: &ArgMatches) -> Option<Chosen<'_>> {
    let (name, connection) = matches.subcommand()?;
    let provider = Provider::find(name)?;
    let (resource, resource_matches) = connection.subcommand()?;
    let (action, flags) = resource_matches.subcommand()?;
    generated(provider)
        .find(|(_, r, a)| r == resource && a == action)
        .map(|(operation, _, _)| Chosen {
            provider,
            operation,
            connection,
            flags,
        })
}

/// The client of a chosen command: each credential and the base URL from its flag, else its
/// variable. Buildprint's goes through its own credentials, which check the token's form.
pub(crate) fn connect(
    provider: Provider,
    connection: &ArgMatches,
) -> Result<ProviderClient, Error> {
    if provider == Provider::Buildprint {
        use clap::FromArgMatches;
        let auth = crate::cli::BuildprintAuth::from_arg_matches(connection).map_err(|e| {
            Error::Invalid {
                message: e.to_string(),
            }
        })?;
        return Ok(crate::buildprint::connect(&auth)?.generic().clone());
    }
    let info = provider.info();
    let lookup = |variable: &str| {
        let flag = if variable == info.base_url_variable {
            "base_url".to_string()
        } else {
            credential_flag(provider, variable).to_snake_case()
        };
        value(connection, &flag).or_else(|| std::env::var(variable).ok())
    };
    let mut config = ClientConfig::new();
    if let Ok(Some(timeout)) = connection.try_get_one::<Duration>("request_timeout") {
        config = config.timeout(*timeout);
    }
    ProviderClient::with_config(provider, lookup, config)
}

/// Sends the chosen operation with the flags' values; the answer is its JSON.
pub(crate) async fn run(chosen: &Chosen<'_>) -> Result<Value, Error> {
    let client = connect(chosen.provider, chosen.connection)?;
    let input = input(chosen.provider, chosen.operation, chosen.flags, Map::new())?;
    client.send_described(chosen.operation, &input).await
}

/// The request `op` makes from the flags in `matches`; `overrides` are body fields the
/// command worked out itself (they replace what the flags say).
pub(crate) fn input(
    provider: Provider,
    op: &'static Operation,
    matches: &ArgMatches,
    overrides: Map<String, Value>,
) -> Result<OperationInput, Error> {
    let mut input = OperationInput::default();
    for field in op.parameters {
        for value in strings(matches, field) {
            input = input.parameter(field.name, value);
        }
    }
    if let Some(body) = op.body {
        let given = match value(matches, BODY) {
            Some(source) => Some(crate::input::read_json("--body", &source)?),
            None => None,
        };
        let from_file = given.is_some();
        let (mut object, whole) = match given {
            Some((Value::Object(object), shown)) => (object, Some(shown)),
            // Not an object: the schema check below says so, with what was found.
            Some((other, shown)) => {
                check(provider, op, &other, &shown, |_| None)?;
                (Map::new(), Some(shown))
            }
            None => (Map::new(), None),
        };
        let mut from_flags = Vec::new();
        for field in body.fields {
            if overrides.contains_key(field.name) {
                from_flags.push(field.name);
                continue;
            }
            match json_value(matches, field)? {
                Some(value) => {
                    object.insert(field.name.to_string(), value);
                    from_flags.push(field.name);
                }
                None if field.required && field.kind == Kind::Boolean && !from_file => {
                    object.insert(field.name.to_string(), Value::Bool(false));
                }
                None => {}
            }
        }
        object.extend(overrides);
        if let Some(shown) = &whole {
            warn_undocumented(op, body, &object, shown);
        }
        if body.required || !object.is_empty() {
            let value = Value::Object(object);
            let what = whole.as_deref().unwrap_or("body");
            check(provider, op, &value, what, |name| {
                from_flags
                    .contains(&name)
                    .then(|| format!("--{}", name.to_kebab_case()))
            })?;
            input = input.body(value);
        }
    }
    Ok(input)
}

/// Checks a body against `op`'s schema; `flag_of` names the flag a top-level field came from,
/// for fields that did not come from `what`.
fn check(
    provider: Provider,
    op: &Operation,
    body: &Value,
    what: &str,
    flag_of: impl Fn(&str) -> Option<String>,
) -> Result<(), Error> {
    let Some(schema) = agentrun::schema::request(provider, op.id) else {
        return Ok(());
    };
    crate::validate::check(&schema, body, &format!("{} {what}", op.label), |pointer| {
        let top = pointer.trim_start_matches('/').split('/').next()?;
        flag_of(top)
    })
}

/// A warning for top-level fields of `--body` the spec does not document: they are sent as
/// they are (the API decides), but a typo should not pass unseen.
fn warn_undocumented(op: &Operation, body: Body, object: &Map<String, Value>, shown: &str) {
    let unknown: Vec<&str> = object
        .keys()
        .map(String::as_str)
        .filter(|name| !body.fields.iter().any(|f| f.name == *name))
        .collect();
    if !unknown.is_empty() {
        eprintln!(
            "warning: {shown}: {} not in {}'s documented body; sent as given (documented: {})",
            unknown
                .iter()
                .map(|name| format!("`{}`", agentrun::runtime::one_line(name)))
                .collect::<Vec<_>>()
                .join(", ")
                + if unknown.len() == 1 { " is" } else { " are" },
            op.label,
            body.fields
                .iter()
                .map(|f| f.name)
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
}

/// A string flag's value, by the field's wire name.
pub(crate) fn value(matches: &ArgMatches, name: &str) -> Option<String> {
    matches.try_get_one::<String>(name).ok().flatten().cloned()
}

/// Every value of a flag of type `T`, or none when it is absent or not of that type.
fn all<T: Clone + Send + Sync + 'static>(matches: &ArgMatches, name: &str) -> Vec<T> {
    matches
        .try_get_many::<T>(name)
        .ok()
        .flatten()
        .map(|values| values.cloned().collect())
        .unwrap_or_default()
}

/// A parameter's values as text.
fn strings(matches: &ArgMatches, field: &Field) -> Vec<String> {
    let text = |values: Vec<String>| values;
    match field.kind {
        Kind::Integer => all::<i64>(matches, field.name)
            .iter()
            .map(ToString::to_string)
            .collect(),
        Kind::Number => all::<f64>(matches, field.name)
            .iter()
            .map(ToString::to_string)
            .collect(),
        Kind::Boolean => all::<bool>(matches, field.name)
            .iter()
            .map(ToString::to_string)
            .collect(),
        _ => text(all::<String>(matches, field.name)),
    }
}

/// A body field's value as JSON, or nothing when the flag was not given.
fn json_value(matches: &ArgMatches, field: &Field) -> Result<Option<Value>, Error> {
    let first = |values: Vec<Value>| values.into_iter().next();
    Ok(match field.kind {
        Kind::Integer => first(
            all::<i64>(matches, field.name)
                .into_iter()
                .map(Value::from)
                .collect(),
        ),
        Kind::Number => first(
            all::<f64>(matches, field.name)
                .into_iter()
                .map(Value::from)
                .collect(),
        ),
        Kind::Boolean => first(
            all::<bool>(matches, field.name)
                .into_iter()
                .map(Value::from)
                .collect(),
        ),
        Kind::String => value(matches, field.name).map(Value::from),
        Kind::StringList => {
            let values = all::<String>(matches, field.name);
            (!values.is_empty())
                .then(|| Value::Array(values.into_iter().map(Value::from).collect()))
        }
        Kind::Json => match value(matches, field.name) {
            None => None,
            Some(text) => Some(serde_json::from_str(&text).map_err(|e| Error::Invalid {
                message: format!(
                    "--{} is not JSON ({e}); write it like '{{\"key\": \"value\"}}'",
                    field.name.to_kebab_case()
                ),
            })?),
        },
    })
}
