//! JSON Schema for every request body and answer (feature `schemars`).
//!
//! Every generated type implements [`schemars::JsonSchema`] when this crate's `schemars`
//! feature is on (it turns on the provider crates' own `schemars` features). The schemas are
//! derived from the types, so they say what the client sends and reads: renamed fields,
//! optional fields, open enums as their known values *or* any string. Use them to define an LLM
//! tool, check a config file, or validate a body before spending a request.
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

use schemars::schema::RootSchema;

use crate::Provider;

/// The JSON Schema of the JSON request body of `provider`'s operation `operation_id`; `None`
/// when the provider has no such operation or it takes no JSON body.
pub fn request(provider: Provider, operation_id: &str) -> Option<RootSchema> {
    match provider {
        Provider::Builder => agentrun_builder::operations::request_schema(operation_id),
        Provider::Buildprint => agentrun_buildprint::operations::request_schema(operation_id),
    }
}

/// The JSON Schema of the success answer of `provider`'s operation `operation_id`; `None` when
/// the provider has no such operation or its answer is not JSON.
pub fn response(provider: Provider, operation_id: &str) -> Option<RootSchema> {
    match provider {
        Provider::Builder => agentrun_builder::operations::response_schema(operation_id),
        Provider::Buildprint => agentrun_buildprint::operations::response_schema(operation_id),
    }
}
