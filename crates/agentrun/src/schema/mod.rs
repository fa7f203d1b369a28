//! JSON Schema for every request body and answer (feature `schemars`).
//!
//! Every generated type implements [`schemars::JsonSchema`] when this crate's `schemars`
//! feature is on (it turns on the provider crates' own `schemars` features). The schemas are
//! derived from the types, so they say what the client sends and reads: renamed fields,
//! optional fields, open enums as their known values *or* any string. Use them to define an LLM
//! tool, check a config file, or validate a body before spending a request: [`problems`] says
//! where a value departs from a schema, what was expected there and what was found.
//!
//! ```
//! use agentrun::{Provider, schema};
//!
//! // The body of Buildprint's `POST /agents`, by operation id...
//! let start = schema::request(Provider::Buildprint, "startAgent").expect("takes a body");
//! println!("{}", serde_json::to_string_pretty(&start)?);
//! assert!(start.schema.object.as_ref().unwrap().required.contains("prompt"));
//!
//! // ...or by type: Builder's `POST /agents/run` body.
//! let run = schemars::schema_for!(agentrun::builder::types::AgentRunRequest);
//! println!("{}", serde_json::to_string_pretty(&run)?);
//! assert!(run.schema.object.as_ref().unwrap().required.contains("userMessage"));
//! # Ok::<(), serde_json::Error>(())
//! ```

mod check;

use schemars::schema::RootSchema;

pub use check::{Problem, problems};

use crate::Provider;

/// The JSON Schema of the JSON request body of `provider`'s operation `operation_id`; `None`
/// when the provider has no such operation or it takes no JSON body.
pub fn request(provider: Provider, operation_id: &str) -> Option<RootSchema> {
    provider.request_schema(operation_id)
}

/// The JSON Schema of the success answer of `provider`'s operation `operation_id`; `None` when
/// the provider has no such operation or its answer is not JSON.
pub fn response(provider: Provider, operation_id: &str) -> Option<RootSchema> {
    provider.response_schema(operation_id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Value, json};

    fn start_agent() -> RootSchema {
        request(Provider::Buildprint, "startAgent").unwrap()
    }

    #[test]
    fn the_docs_quick_start_is_valid_and_each_mistake_is_named() {
        let body = json!({"appId": "your-bubble-app-id", "prompt": "Inspect the checkout flow.", "model": "buildprint-gpt-5.3-codex"});
        assert_eq!(problems(&start_agent(), &body), []);
        let wrong = json!({"appId": 7, "model": "buildprint-gpt-5.3-codex"});
        let found: Vec<String> = problems(&start_agent(), &wrong)
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(
            found,
            [
                "at /prompt: expected the required property \"prompt\", found nothing",
                "at /appId: expected a string, found the number 7",
            ]
        );
    }

    #[test]
    fn an_open_enum_takes_any_string_but_not_a_number_and_optional_is_not_nullable() {
        let body = |model: Value| json!({"appId": "a", "prompt": "p", "model": model});
        assert_eq!(
            problems(&start_agent(), &body(json!("next-year-model"))),
            []
        );
        let wrong = problems(&start_agent(), &body(json!(5)));
        assert_eq!(wrong.len(), 1, "{wrong:?}");
        assert_eq!(wrong[0].pointer, "/model");
        let known = agentrun_buildprint::types::SelectableModel::KNOWN;
        let first = format!("a string such as \"{}\"", known[0]);
        assert!(wrong[0].expected.starts_with(&first), "{}", wrong[0]);
        let count = format!("({} known values)", known.len());
        assert!(wrong[0].expected.ends_with(&count), "{}", wrong[0]);
        assert_eq!(wrong[0].found, "the number 5");
        let mut null_permission = body(json!("m"));
        null_permission["permission"] = Value::Null;
        assert_eq!(problems(&start_agent(), &null_permission).len(), 1);
    }

    #[test]
    fn builder_needs_a_user_by_id_or_email() {
        let schema = request(Provider::Builder, "runAgent").unwrap();
        let body = json!({"userMessage": {"userPrompt": "Add a page"}});
        let found = problems(&schema, &body);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(
            found[0].expected,
            "the required property \"userId\", or the required property \"userEmail\""
        );
        let mut with_user = body;
        with_user["userEmail"] = json!("developer@yourcompany.com");
        assert_eq!(problems(&schema, &with_user), []);
    }
}
