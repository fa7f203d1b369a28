//! The values of one operation, by the names its table entry gives them, and the HTTP request
//! they make: what [`crate::BuildprintClient::send_operation`] sends.

use std::collections::BTreeMap;

use agentrun_runtime::{Location, Operation};
use serde_json::Value;

/// Parameter values by wire name, and the JSON body.
///
/// ```
/// use agentrun::OperationInput;
///
/// let input = OperationInput::default()
///     .parameter("agentId", "ag 1")
///     .parameter("historyLimit", "5");
/// let op = agentrun::buildprint::operations::find("getAgent").expect("in the spec");
/// let request = input
///     .request(&reqwest::Client::new(), "https://api.example/v1", op)
///     .expect("a valid request");
/// assert_eq!(request.url().as_str(), "https://api.example/v1/agents/ag%201?historyLimit=5");
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct OperationInput {
    parameters: BTreeMap<String, Vec<String>>,
    body: Option<Value>,
}

impl OperationInput {
    /// Adds a value of a parameter (a query parameter may have several).
    pub fn parameter(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.parameters
            .entry(name.into())
            .or_default()
            .push(value.into());
        self
    }

    /// Sets a parameter to this one value, replacing any it had (the next page's cursor).
    pub fn replace_parameter(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.parameters.insert(name.into(), vec![value.into()]);
        self
    }

    /// The JSON body.
    pub fn body(mut self, body: Value) -> Self {
        self.body = Some(body);
        self
    }

    /// The JSON body, when there is one.
    pub fn get_body(&self) -> Option<&Value> {
        self.body.as_ref()
    }

    /// The request these values make for `operation` on `base_url`; an error names a required
    /// parameter or body that is missing, or a parameter the operation does not have.
    pub fn request(
        &self,
        http: &reqwest::Client,
        base_url: &str,
        operation: &Operation,
    ) -> Result<reqwest::Request, String> {
        for name in self.parameters.keys() {
            if !operation.parameters.iter().any(|p| p.name == *name) {
                return Err(format!("{}: no parameter `{name}`", operation.label));
            }
        }
        let mut path = operation.path.to_string();
        let mut query = Vec::new();
        let mut headers = Vec::new();
        for parameter in operation.parameters {
            let values = self.parameters.get(parameter.name);
            let Some(values) = values.filter(|v| !v.is_empty()) else {
                if parameter.required {
                    return Err(format!(
                        "{}: the parameter `{}` is required",
                        operation.label, parameter.name
                    ));
                }
                continue;
            };
            match parameter.location {
                Location::Path => {
                    let encoded = agentrun_runtime::progenitor_client::encode_path(&values[0]);
                    path = path.replace(&format!("{{{}}}", parameter.name), &encoded);
                }
                Location::Query => {
                    query.extend(values.iter().map(|v| (parameter.name, v.as_str())));
                }
                Location::Header => headers.push((parameter.name, values[0].as_str())),
                Location::Body => {}
            }
        }
        let method = reqwest::Method::from_bytes(operation.method.as_bytes())
            .map_err(|e| format!("{}: {e}", operation.label))?;
        let url = format!("{}{path}", base_url.trim_end_matches('/'));
        let mut request = http.request(method, url);
        if !query.is_empty() {
            request = request.query(&query);
        }
        for (name, value) in headers {
            request = request.header(name, value);
        }
        match (&self.body, operation.body) {
            (Some(body), Some(_)) => request = request.json(body),
            (Some(_), None) => {
                return Err(format!("{} takes no request body", operation.label));
            }
            (None, Some(body)) if body.required => {
                return Err(format!("{} needs a request body", operation.label));
            }
            (None, _) => {}
        }
        request
            .header(reqwest::header::ACCEPT, "application/json")
            .build()
            .map_err(|e| format!("{}: {}", operation.label, e.without_url()))
    }
}
