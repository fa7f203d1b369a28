//! Every operation of Buildprint's generated operation table has a command (hand-written, or
//! built from the spec), and every parameter and top-level body field of it a flag named after
//! it in kebab-case (`appId` is `--app-id`); what the spec requires, the command requires,
//! except body fields when the whole body comes from `--body`.

use agentrun::buildprint::operations::OPERATIONS as TABLE;
use agentrun::runtime::{Kind, Operation};
use agentrun_cli::cli::OPERATIONS as HAND_WRITTEN;
use heck::ToKebabCase;

fn action(resource: &str, action: &str) -> Option<clap::Command> {
    agentrun_cli::command()
        .find_subcommand("buildprint")?
        .find_subcommand(resource)?
        .find_subcommand(action)
        .cloned()
}

/// `(resource, action)` of an operation's command: the hand-written names, or the ones a
/// command built from the spec gets (its tag and its operationId in kebab-case).
fn names(op: &Operation) -> (String, String) {
    match HAND_WRITTEN.iter().find(|(id, _, _)| *id == op.id) {
        Some((_, resource, action)) => (resource.to_string(), action.to_string()),
        None => (op.tag.to_kebab_case(), op.id.to_kebab_case()),
    }
}

#[test]
fn every_operation_has_a_command_with_a_flag_per_field() {
    let mut problems = Vec::new();
    for op in TABLE {
        let (resource, name) = names(op);
        let Some(command) = action(&resource, &name) else {
            problems.push(format!(
                "{}: no command `agentrun buildprint {resource} {name}`",
                op.id
            ));
            continue;
        };
        let has_body_flag = command
            .get_arguments()
            .any(|a| a.get_long() == Some("body"));
        if op.body.is_some() != has_body_flag {
            problems.push(format!(
                "{}: `{resource} {name}` has --body: {has_body_flag}, the operation takes a body: {}",
                op.id,
                op.body.is_some()
            ));
        }
        let missing = missing_required(&command, &[]);
        let missing_with_body = missing_required(&command, &["--body", "{}"]);
        let fields = op.parameters.iter().map(|field| (field, false)).chain(
            op.body
                .iter()
                .flat_map(|b| b.fields.iter().map(|f| (f, true))),
        );
        for (field, in_body) in fields {
            let flag = field.name.to_kebab_case();
            if !command
                .get_arguments()
                .any(|arg| arg.get_long() == Some(flag.as_str()))
            {
                problems.push(format!(
                    "{}: `{resource} {name}` has no --{flag} for `{}`",
                    op.id, field.name
                ));
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
    assert!(problems.is_empty(), "{}", problems.join("\n"));
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
    let buildprint = root.find_subcommand("buildprint").expect("buildprint");
    let mut waits = Vec::new();
    for resource in buildprint.get_subcommands() {
        for action in resource.get_subcommands() {
            let (resource, action) = (resource.get_name(), action.get_name());
            if action == "wait" {
                waits.push(resource.to_string());
                continue;
            }
            assert!(
                TABLE
                    .iter()
                    .any(|op| names(op) == (resource.into(), action.into())),
                "`{resource} {action}` is no operation of the spec"
            );
        }
    }
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
    // Every hand-written entry names an operation of the spec.
    for (id, _, _) in HAND_WRITTEN {
        assert!(
            TABLE.iter().any(|op| op.id == *id),
            "{id} is not in the spec"
        );
    }
}

#[test]
fn the_command_line_is_consistent() {
    // clap's own checks: no duplicate flags, valid defaults, groups naming real arguments.
    agentrun_cli::command().debug_assert();
}
