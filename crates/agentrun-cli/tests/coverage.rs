//! Every operation of Buildprint's generated operation table has a command (hand-written, or
//! built from the spec), and every parameter and top-level body field of it a flag named after
//! it in kebab-case (`appId` is `--app-id`); what the spec requires, the command requires.

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
    for op in &TABLE {
        let (resource, name) = names(op);
        let Some(command) = action(&resource, &name) else {
            problems.push(format!(
                "{}: no command `agentrun buildprint {resource} {name}`",
                op.id
            ));
            continue;
        };
        let fields = op
            .parameters
            .iter()
            .chain(op.body.iter().flat_map(|b| b.fields.iter()));
        for field in fields {
            let flag = field.name.to_kebab_case();
            match command
                .get_arguments()
                .find(|arg| arg.get_long() == Some(flag.as_str()))
            {
                None => problems.push(format!(
                    "{}: `{resource} {name}` has no --{flag} for `{}`",
                    op.id, field.name
                )),
                Some(arg)
                    if field.required && field.kind != Kind::Boolean && !arg.is_required_set() =>
                {
                    problems.push(format!(
                        "{}: --{flag} is required by the spec but optional here",
                        op.id
                    ))
                }
                Some(_) => {}
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
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
