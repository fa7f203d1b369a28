//! `agentrun schema <provider> <operation>`: an operation's request-body schema (or with
//! `--response`, its success answer's) as JSON Schema, for a script, a config file's editor or
//! an LLM tool definition. The schemas are the generated types' own (`agentrun::schema`), the
//! same ones `--body` and `--steps` are checked against.

use agentrun::runtime::Operation;
use agentrun::schemars::schema::RootSchema;
use agentrun::{Error, Provider};

use crate::output::print;

/// Prints the schema of `operation`'s request body, or of its answer when `response`.
pub(crate) fn run(provider: Provider, operation: &str, response: bool) -> Result<(), Error> {
    let op = find(provider, operation)?;
    let schema = schema(provider, op.id, response).ok_or_else(|| {
        let (what, other) = if response {
            ("its answer is not JSON", "")
        } else {
            (
                "it takes no JSON body",
                "; --response prints its answer's schema",
            )
        };
        Error::Invalid {
            message: format!(
                "{} ({}) has no schema to print: {what}{other}; operations with one: {}",
                op.id,
                op.label,
                with_schema(provider, response).join(", ")
            ),
        }
    })?;
    let text = serde_json::to_string_pretty(&schema).map_err(|e| Error::Invalid {
        message: format!("the schema of {} cannot be written as JSON ({e})", op.id),
    })?;
    print(&text);
    Ok(())
}

/// The request-body (or answer) schema of the operation `id`.
pub(crate) fn schema(provider: Provider, id: &str, response: bool) -> Option<RootSchema> {
    if response {
        agentrun::schema::response(provider, id)
    } else {
        agentrun::schema::request(provider, id)
    }
}

/// The operation named `name`: its `operationId` in any case (`startAgent`, `start-agent`,
/// `start_agent`).
fn find(provider: Provider, name: &str) -> Result<&'static Operation, Error> {
    let key = |text: &str| {
        text.chars()
            .filter(|c| c.is_alphanumeric())
            .flat_map(char::to_lowercase)
            .collect::<String>()
    };
    let wanted = key(name);
    provider
        .info()
        .operations
        .iter()
        .find(|op| key(op.id) == wanted)
        .ok_or_else(|| Error::Invalid {
            message: format!(
                "{} has no operation `{}`; give an operationId: {}",
                provider.name(),
                agentrun::runtime::one_line(name),
                provider
                    .info()
                    .operations
                    .iter()
                    .map(|op| op.id)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        })
}

/// The operations that have a request-body (or answer) schema.
fn with_schema(provider: Provider, response: bool) -> Vec<&'static str> {
    provider
        .info()
        .operations
        .iter()
        .filter(|op| schema(provider, op.id, response).is_some())
        .map(|op| op.id)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operations_are_found_by_their_id_in_any_case() {
        for name in ["startAgent", "start-agent", "START_AGENT"] {
            assert_eq!(find(Provider::Buildprint, name).unwrap().id, "startAgent");
        }
        let error = find(Provider::Builder, "startAgent")
            .unwrap_err()
            .to_string();
        assert!(
            error.contains("builder has no operation `startAgent`"),
            "{error}"
        );
        assert!(error.contains("runAgent"), "{error}");
    }

    #[test]
    fn every_operation_with_a_body_has_a_request_schema() {
        for &provider in Provider::ALL {
            for op in provider.info().operations {
                assert_eq!(
                    schema(provider, op.id, false).is_some(),
                    op.body.is_some(),
                    "{}",
                    op.label
                );
            }
        }
    }
}
