//! JSON inputs checked against the operation's schema before a request is spent.
//!
//! The schemas and the check are the facade's (`agentrun::schema`): the generated types' JSON
//! Schema, and a draft-7 validator that says where a value departs from it. This module writes
//! the problems as one error line: `POST /tests --steps: not what the operation's schema allows,
//! so nothing was sent: at /0/onFailure: expected a string such as "stop", "continue", or
//! null, found the number 3`.

use agentrun::Error;
use agentrun::schema::problems;
use agentrun::schemars::schema::RootSchema;
use serde_json::Value;

/// The most problems one error lists; the count of the rest follows.
const SHOWN: usize = 3;

/// Checks `value` against `schema`; the error says what `value` is (`what`, like `POST /tests
/// --body body.json`), every problem's place, what was expected and what was found, and the
/// flag a place came from when `source` knows one.
pub(crate) fn check(
    schema: &RootSchema,
    value: &Value,
    what: &str,
    source: impl Fn(&str) -> Option<String>,
) -> Result<(), Error> {
    let problems = problems(schema, value);
    if problems.is_empty() {
        return Ok(());
    }
    let mut message = format!(
        "{what}: not what the operation's schema allows, so nothing was sent: {}",
        problems
            .iter()
            .take(SHOWN)
            .map(|problem| match source(&problem.pointer) {
                Some(flag) => format!("{problem} (from {flag})"),
                None => problem.to_string(),
            })
            .collect::<Vec<_>>()
            .join("; ")
    );
    if problems.len() > SHOWN {
        message.push_str(&format!("; and {} more", problems.len() - SHOWN));
    }
    Err(Error::Invalid { message })
}

/// The schema of the property `name` of `root`'s object, with `root`'s definitions (so its
/// references still resolve).
pub(crate) fn property_schema(root: &RootSchema, name: &str) -> Option<RootSchema> {
    let property = root.schema.object.as_ref()?.properties.get(name)?;
    Some(RootSchema {
        meta_schema: root.meta_schema.clone(),
        schema: property.clone().into_object(),
        definitions: root.definitions.clone(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use agentrun::Provider;
    use serde_json::json;

    #[test]
    fn one_line_names_the_input_the_flag_and_how_many_more() {
        let schema = agentrun::schema::request(Provider::Buildprint, "createTest").unwrap();
        let body = json!({"appId": 1, "name": 2, "steps": "x", "isComponent": "no"});
        let error = check(&schema, &body, "POST /tests --body b.json", |pointer| {
            (pointer == "/steps").then(|| "--steps".to_string())
        })
        .unwrap_err()
        .to_string();
        assert!(
            error.starts_with("POST /tests --body b.json: not what the operation's schema allows, so nothing was sent: at /appId: expected a string, found the number 1;"),
            "{error}"
        );
        assert!(
            error.contains("found the string \"x\" (from --steps)"),
            "{error}"
        );
        assert!(error.ends_with("; and 1 more"), "{error}");
        assert!(!error.contains('\n'), "{error}");
    }

    #[test]
    fn a_property_schema_keeps_the_definitions_it_refers_to() {
        let schema = agentrun::schema::request(Provider::Buildprint, "createTest").unwrap();
        let steps = property_schema(&schema, "steps").unwrap();
        assert!(!steps.definitions.is_empty());
        let wrong = json!([{"stepType": "test", "instruction": "Pay", "onFailure": 3}]);
        let problems = problems(&steps, &wrong);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(problems[0].pointer, "/0/onFailure");
    }
}
