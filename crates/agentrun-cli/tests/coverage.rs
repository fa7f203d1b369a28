//! Every operation of Buildprint's normalized spec has a command, and every parameter and
//! top-level body field of it a flag named after it in kebab-case (`appId` is `--app-id`); what
//! the spec requires, the command requires.

use agentrun_cli::cli::OPERATIONS;
use heck::ToKebabCase;
use serde_json::Value;

const METHODS: [&str; 5] = ["get", "put", "post", "delete", "patch"];

/// A parameter or top-level body field of an operation.
struct Field {
    name: String,
    required: bool,
    boolean: bool,
}

/// Each operation's ID and fields.
fn spec_operations() -> Vec<(String, Vec<Field>)> {
    let spec: Value = serde_json::from_str(agentrun::buildprint::OPENAPI_DOCUMENT)
        .expect("the normalized spec is JSON");
    let mut operations = Vec::new();
    for (_, item) in spec["paths"].as_object().expect("paths") {
        for method in METHODS {
            let Some(operation) = item.get(method) else {
                continue;
            };
            let id = operation["operationId"]
                .as_str()
                .expect("an operationId")
                .to_string();
            let mut fields = Vec::new();
            for parameter in operation["parameters"].as_array().into_iter().flatten() {
                fields.push(Field {
                    name: parameter["name"].as_str().expect("a name").to_string(),
                    required: parameter["required"].as_bool().unwrap_or(false),
                    boolean: parameter["schema"]["type"] == "boolean",
                });
            }
            let body = &operation["requestBody"]["content"]["application/json"]["schema"];
            let required: Vec<&str> = body["required"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .collect();
            for (name, schema) in body["properties"].as_object().into_iter().flatten() {
                fields.push(Field {
                    name: name.clone(),
                    required: required.contains(&name.as_str()),
                    boolean: schema["type"] == "boolean",
                });
            }
            operations.push((id, fields));
        }
    }
    operations
}

fn action(resource: &str, action: &str) -> Option<clap::Command> {
    agentrun_cli::command()
        .find_subcommand("buildprint")?
        .find_subcommand(resource)?
        .find_subcommand(action)
        .cloned()
}

#[test]
fn every_operation_has_a_command_with_a_flag_per_field() {
    let operations = spec_operations();
    assert_eq!(
        operations.len(),
        31,
        "the spec's operations changed; update OPERATIONS"
    );
    let mut problems = Vec::new();
    for (id, fields) in &operations {
        let Some((_, resource, name)) = OPERATIONS.iter().find(|(op, _, _)| op == id) else {
            problems.push(format!("{id}: no entry in OPERATIONS"));
            continue;
        };
        let Some(command) = action(resource, name) else {
            problems.push(format!(
                "{id}: no command `agentrun buildprint {resource} {name}`"
            ));
            continue;
        };
        for field in fields {
            let flag = field.name.to_kebab_case();
            match command
                .get_arguments()
                .find(|arg| arg.get_long() == Some(flag.as_str()))
            {
                None => problems.push(format!(
                    "{id}: `{resource} {name}` has no --{flag} for `{}`",
                    field.name
                )),
                Some(arg) if field.required && !field.boolean && !arg.is_required_set() => problems
                    .push(format!(
                        "{id}: --{flag} is required by the spec but optional here"
                    )),
                Some(_) => {}
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn every_command_is_an_operation_or_a_wait() {
    let operations: Vec<String> = spec_operations().into_iter().map(|(id, _)| id).collect();
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
            let entry = OPERATIONS
                .iter()
                .find(|(_, r, a)| *r == resource && *a == action);
            match entry {
                Some((id, _, _)) => assert!(
                    operations.iter().any(|o| o == id),
                    "{resource} {action}: {id} is not in the spec"
                ),
                None => panic!("`{resource} {action}` is in no OPERATIONS entry"),
            }
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
}

#[test]
fn the_command_line_is_consistent() {
    // clap's own checks: no duplicate flags, valid defaults, groups naming real arguments.
    agentrun_cli::command().debug_assert();
}
