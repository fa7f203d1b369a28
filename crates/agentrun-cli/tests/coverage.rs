//! Every operation of every provider's generated operation table has a command (hand-written,
//! or built from the spec), and every parameter and top-level body field of it a flag named after
//! it in kebab-case (`appId` is `--app-id`); what the spec requires, the command requires,
//! except body fields when the whole body comes from `--body`, and body fields of an update
//! that replaces what a `GET` of its path reads (the fields left out are read first).

use agentrun::Provider;
use agentrun::runtime::Kind;
use heck::ToKebabCase;

/// The command at `path` (the words after `agentrun`).
fn find(path: &[String]) -> Option<clap::Command> {
    let mut command = agentrun_cli::command();
    for word in path {
        command = command.find_subcommand(word)?.clone();
    }
    Some(command)
}

#[test]
fn every_operation_of_every_provider_has_a_command_with_a_flag_per_field() {
    let mut problems = Vec::new();
    for &provider in Provider::ALL {
        for op in provider.info().operations {
            let Some(found) = agentrun_cli::operation_command(provider, op.id) else {
                problems.push(format!("{provider} {}: no command", op.id));
                continue;
            };
            let shown = found.path.join(" ");
            let Some(command) = find(&found.path) else {
                problems.push(format!("{}: no command `agentrun {shown}`", op.id));
                continue;
            };
            if found.fields_are_flags {
                let partial = op.method == "PUT"
                    && provider
                        .info()
                        .operations
                        .iter()
                        .any(|other| other.method == "GET" && other.path == op.path);
                check_flags(op, &command, &shown, partial, &mut problems);
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// A flag per field of `op` on `command`, required as the spec says (body fields optional when
/// the update is `partial`).
fn check_flags(
    op: &agentrun::runtime::Operation,
    command: &clap::Command,
    shown: &str,
    partial: bool,
    problems: &mut Vec<String>,
) {
    let has_body_flag = command
        .get_arguments()
        .any(|a| a.get_long() == Some("body"));
    if op.body.is_some() != has_body_flag {
        problems.push(format!(
            "{}: `{shown}` has --body: {has_body_flag}, the operation takes a body: {}",
            op.id,
            op.body.is_some()
        ));
    }
    let missing = missing_required(command, &[]);
    let missing_with_body = missing_required(command, &["--body", "{}"]);
    let fields = op.parameters.iter().map(|field| (field, false)).chain(
        op.body
            .iter()
            .flat_map(|b| b.fields.iter().map(|f| (f, true))),
    );
    for (field, in_body) in fields {
        let spec_name = field.name.to_kebab_case();
        // The flag: named after the field, or the concept's one name with the field's as an
        // alias (a branch is `--branch-id` wherever the spec says `version`).
        let Some(flag) = command
            .get_arguments()
            .find(|arg| {
                arg.get_long() == Some(spec_name.as_str())
                    || arg
                        .get_all_aliases()
                        .is_some_and(|aliases| aliases.contains(&spec_name.as_str()))
            })
            .and_then(|arg| arg.get_long())
            .map(str::to_string)
        else {
            problems.push(format!(
                "{}: `{shown}` has no --{spec_name} for `{}`",
                op.id, field.name
            ));
            continue;
        };
        if partial && in_body {
            if missing.contains(&flag) {
                problems.push(format!(
                    "{}: --{flag} is required, though the update reads what is left out",
                    op.id
                ));
            }
            continue;
        }
        let required = field.required && field.kind != Kind::Boolean;
        if required && !missing.contains(&flag) {
            problems.push(format!(
                "{}: --{flag} is required by the spec but optional here",
                op.id
            ));
        }
        // A whole body given with --body holds its required fields; parameters stay required.
        if required && has_body_flag && in_body == missing_with_body.contains(&flag) {
            problems.push(format!(
                "{}: with --body, --{flag} should be {}",
                op.id,
                if in_body { "optional" } else { "required" }
            ));
        }
    }
}

/// The flags (without `--`) clap says are missing when `command` gets only `args`.
fn missing_required(command: &clap::Command, args: &[&str]) -> Vec<String> {
    let name = command.get_name().to_string();
    let Err(error) = command
        .clone()
        .try_get_matches_from(std::iter::once(name.as_str()).chain(args.iter().copied()))
    else {
        return Vec::new();
    };
    match error.get(clap::error::ContextKind::InvalidArg) {
        Some(clap::error::ContextValue::Strings(missing)) => missing
            .iter()
            .filter_map(|arg| arg.strip_prefix("--"))
            .map(|arg| arg.split([' ', '=']).next().unwrap_or(arg).to_string())
            .collect(),
        _ => Vec::new(),
    }
}

#[test]
fn every_command_is_an_operation_or_a_wait() {
    let root = agentrun_cli::command();
    for &provider in Provider::ALL {
        let top = root
            .find_subcommand(provider.name())
            .expect("a command per provider");
        let mut waits = Vec::new();
        let leaves = top.get_subcommands().flat_map(|resource| {
            let actions: Vec<_> = resource.get_subcommands().collect();
            if actions.is_empty() {
                vec![vec![resource.get_name().to_string()]]
            } else {
                actions
                    .iter()
                    .map(|a| vec![resource.get_name().to_string(), a.get_name().to_string()])
                    .collect()
            }
        });
        for words in leaves {
            if words.last().map(String::as_str) == Some("wait") {
                waits.push(words[0].clone());
                continue;
            }
            let path: Vec<String> = std::iter::once(provider.name().to_string())
                .chain(words.iter().cloned())
                .collect();
            assert!(
                provider.info().operations.iter().any(|op| {
                    agentrun_cli::operation_command(provider, op.id).map(|c| c.path)
                        == Some(path.clone())
                }),
                "`agentrun {}` is no operation of the spec",
                path.join(" ")
            );
        }
        if provider == Provider::Buildprint {
            assert_eq!(
                waits,
                [
                    "agents",
                    "reviews",
                    "test-runs",
                    "test-group-runs",
                    "versions"
                ]
            );
        }
    }
}

#[test]
fn the_command_line_is_consistent() {
    // clap's own checks: no duplicate flags, valid defaults, groups naming real arguments.
    agentrun_cli::command().debug_assert();
}
