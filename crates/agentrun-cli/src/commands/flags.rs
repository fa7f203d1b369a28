//! The flags of a command that sends an operation, from the operation's table entry, and
//! the request they make.
//!
//! Each parameter and top-level body field is a flag in kebab-case, required when the spec
//! requires it, with the spec's description as help and its documented values as the possible
//! ones; a flag of an object or a list of objects takes JSON. A field whose flag would take the
//! name of a connection or global flag is `--<where>-<name>` instead (`--query-base-url`). A
//! flag the command defines itself (a hand-written `--model`) is left to it.
//!
//! An operation that takes a body also takes `--body @FILE|-|JSON`, the whole body (flags for
//! body fields replace its fields). Whatever the body is made of, it is checked against the
//! operation's JSON Schema ([`crate::validate`]) before a request is built.

use agentrun::runtime::{Body, Field, Kind, Location, Operation};
use agentrun::{Error, OperationInput, Provider};
use clap::builder::PossibleValuesParser;
use clap::{Arg, ArgAction, ArgMatches, Command};
use heck::{ToKebabCase, ToShoutySnakeCase};
use serde_json::{Map, Value};

use crate::cli::path_segment;

/// `command` with a flag for every field of `op` it does not define itself, and `--body` when
/// `op` takes a JSON body.
pub(crate) fn with_table_flags(
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
        let long = long_of(provider, field.name);
        let renamed = long != field.name.to_kebab_case();
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
        } else if renamed {
            // The concept's one name; the spec's own stays accepted, unlisted.
            command.arg(
                flag(field)
                    .long(long.clone())
                    .value_name(long.to_shouty_snake_case())
                    .alias(field.name.to_kebab_case()),
            )
        } else {
            command.arg(flag(field))
        }
    });
    let command = match super::pages::cursor_parameter(op) {
        Some(cursor) if !command.get_arguments().any(|a| a.get_long() == Some("all")) => command
            .arg(
                Arg::new(ALL)
                    .long("all")
                    .action(ArgAction::SetTrue)
                    .conflicts_with(cursor)
                    .help(
                        "Follow the cursor to the last page and write every item as one list \
                         (--limit N caps the total)",
                    ),
            ),
        _ => command,
    };
    let command = match op.body {
        Some(body) => with_body_flag(command, provider, op, body),
        None => command,
    };
    match super::updates::current_of(provider, op) {
        // A replacing update needs only what changes: the rest is read first.
        Some(get) => op
            .body
            .iter()
            .flat_map(|body| body.fields)
            .fold(command, |command, field| {
                let known = command.get_arguments().any(|a| a.get_id() == field.name);
                if known {
                    command.mut_arg(field.name, |arg| arg.required(false))
                } else {
                    command
                }
            })
            .after_help(super::updates::help(get)),
        None => command,
    }
}

/// The id of the `--all` flag (not a wire name, so no field can take it).
pub(crate) const ALL: &str = "@all";

/// The flag of a field: its name in kebab-case, or the concept's one name its provider gives
/// it ([`super::ProviderExtension::flag_names`]).
pub(crate) fn long_of(provider: Provider, name: &str) -> String {
    super::extension(provider)
        .and_then(|e| e.flag_names.iter().find(|(wire, _)| *wire == name))
        .map_or_else(|| name.to_kebab_case(), |(_, long)| long.to_string())
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
    // A replacing update requires none of them (`updates`).
    let required = match super::updates::current_of(provider, op) {
        Some(_) => &[][..],
        None => body.fields,
    };
    for field in required
        .iter()
        .filter(|f| f.required && f.kind != Kind::Boolean)
    {
        let long = field.name.to_kebab_case();
        // By its id (the wire name, whatever its flag is called) or, for a hand-written
        // flag, by the field's name.
        let id = command
            .get_arguments()
            .find(|arg| arg.get_id() == field.name || arg.get_long() == Some(long.as_str()))
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
                // A replacing update reads a left-out field instead (`updates`).
                None if field.required
                    && field.kind == Kind::Boolean
                    && !from_file
                    && super::updates::current_of(provider, op).is_none() =>
                {
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
                    .then(|| format!("--{}", long_of(provider, name)))
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
