//! JSON inputs checked against the operation's schema before a request is spent.
//!
//! The schemas are the ones the generated types derive (`agentrun::schema`, draft 7); the
//! check is a real JSON Schema validator's. A problem is reported as the JSON pointer, what the
//! schema expects there and what the input holds: `at /steps/0/onFailure: expected a string
//! such as "stop", "continue", or null, found the number 3`.

use agentrun::Error;
use agentrun::schemars::schema::RootSchema;
use jsonschema::error::{TypeKind, ValidationErrorKind};
use jsonschema::{ValidationError, Validator};
use serde_json::Value;

/// The most problems one error lists; the count of the rest follows.
const SHOWN: usize = 3;

/// Checks `value` against `schema`; the error says what `value` is (`what`, like `POST /tests
/// --body body.json`), every problem's place, what was expected and what was
/// found, and the flag a place came from when `source` knows one.
pub(crate) fn check(
    schema: &RootSchema,
    value: &Value,
    what: &str,
    source: impl Fn(&str) -> Option<String>,
) -> Result<(), Error> {
    let problems = problems(schema, value)?;
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

/// One place where a value departs from its schema.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Problem {
    /// The JSON pointer of the value (`""` for the whole document).
    pub(crate) pointer: String,
    /// What the schema expects there.
    pub(crate) expected: String,
    /// What the value holds there.
    pub(crate) found: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let at = if self.pointer.is_empty() {
            "/"
        } else {
            &self.pointer
        };
        write!(
            f,
            "at {at}: expected {}, found {}",
            self.expected, self.found
        )
    }
}

/// Every problem of `value` against `schema`, in the order the validator finds them.
pub(crate) fn problems(schema: &RootSchema, value: &Value) -> Result<Vec<Problem>, Error> {
    let validator = validator(schema)?;
    let mut problems: Vec<Problem> = validator
        .iter_errors(value)
        .flat_map(|error| explain(&error, value))
        .collect();
    problems.dedup();
    Ok(problems)
}

fn validator(schema: &RootSchema) -> Result<Validator, Error> {
    let schema = serde_json::to_value(schema).map_err(|e| Error::Invalid {
        message: format!("the operation's schema cannot be written as JSON ({e})"),
    })?;
    jsonschema::draft7::new(&schema).map_err(|e| Error::Invalid {
        message: format!("the operation's schema is not a valid JSON Schema ({e})"),
    })
}

/// What one validation error means, in the input's terms. A failed `anyOf`/`oneOf` is
/// explained by the branch that got furthest into the value (the one a writer most likely
/// meant), unless every branch fails at the value itself.
fn explain(error: &ValidationError<'_>, root: &Value) -> Vec<Problem> {
    let pointer = error.instance_path().to_string();
    let instance = error.instance();
    let problem = |expected: String| Problem {
        pointer: pointer.clone(),
        expected,
        found: found(&pointer, instance),
    };
    match error.kind() {
        ValidationErrorKind::AnyOf { context } | ValidationErrorKind::OneOfNotValid { context } => {
            let deepest = context
                .iter()
                .filter(|branch| !branch.is_empty())
                .max_by_key(|branch| {
                    branch
                        .iter()
                        .map(|e| e.instance_path().to_string().len())
                        .max()
                        .unwrap_or(0)
                });
            match deepest {
                Some(branch)
                    if branch
                        .iter()
                        .any(|e| e.instance_path().to_string().len() > pointer.len()) =>
                {
                    branch.iter().flat_map(|e| explain(e, root)).collect()
                }
                _ => vec![problem(alternatives(context, root))],
            }
        }
        ValidationErrorKind::Required { property } => vec![Problem {
            pointer: child(&pointer, property.as_str().unwrap_or_default()),
            expected: format!("the required property {property}"),
            found: "nothing".into(),
        }],
        ValidationErrorKind::AdditionalProperties { unexpected } => unexpected
            .iter()
            .map(|name| Problem {
                pointer: child(&pointer, name),
                expected: "no such property (the schema lists every one)".into(),
                found: "one".into(),
            })
            .collect(),
        kind => vec![problem(expected(kind))],
    }
}

/// What the branches of a failed `anyOf`/`oneOf` expected, joined with "or". An open enum
/// (known values, or any other string) reads as `a string such as "a" or "b"`.
fn alternatives(context: &[Vec<ValidationError<'static>>], root: &Value) -> String {
    let mut values: Vec<String> = Vec::new();
    let mut others: Vec<String> = Vec::new();
    for branch in context {
        collect(branch, root, &mut values, &mut others);
    }
    let any_string = others.iter().any(|o| o == "a string");
    if any_string && !values.is_empty() {
        others.retain(|o| o != "a string");
        others.insert(0, format!("a string such as {}", listed(&values)));
    } else if !values.is_empty() {
        others.insert(0, format!("one of {}", listed(&values)));
    }
    match others.len() {
        0 => "one of the schema's alternatives".into(),
        _ => others.join(", or "),
    }
}

/// Values as a list a line can hold: the first few and how many there are.
fn listed(values: &[String]) -> String {
    const MOST: usize = 5;
    if values.len() <= MOST {
        values.join(", ")
    } else {
        format!(
            "{}, ... ({} known values)",
            values[..MOST - 1].join(", "),
            values.len()
        )
    }
}

/// The expectations of one branch: the values an `enum`/`const` lists (which say more than
/// its `type`), nested alternatives flattened, everything else as one phrase.
fn collect(
    branch: &[ValidationError<'static>],
    root: &Value,
    values: &mut Vec<String>,
    others: &mut Vec<String>,
) {
    let listed: Vec<String> = branch
        .iter()
        .flat_map(|e| match e.kind() {
            ValidationErrorKind::Enum { options } => options
                .as_array()
                .map(|a| a.iter().map(Value::to_string).collect())
                .unwrap_or_default(),
            ValidationErrorKind::Constant { expected_value } => vec![expected_value.to_string()],
            _ => Vec::new(),
        })
        .collect();
    if !listed.is_empty() {
        for value in listed {
            if !values.contains(&value) {
                values.push(value);
            }
        }
        return;
    }
    if let [only] = branch
        && let ValidationErrorKind::AnyOf { context }
        | ValidationErrorKind::OneOfNotValid { context } = only.kind()
    {
        for nested in context {
            collect(nested, root, values, others);
        }
        return;
    }
    let wanted = branch
        .iter()
        .flat_map(|e| explain(e, root))
        .map(|p| p.expected)
        .collect::<Vec<_>>()
        .join(" and ");
    if !wanted.is_empty() && !others.contains(&wanted) {
        others.push(wanted);
    }
}

/// The expectation of a keyword that failed.
fn expected(kind: &ValidationErrorKind) -> String {
    match kind {
        ValidationErrorKind::Type { kind } => match kind {
            TypeKind::Single(t) => article(&t.to_string()),
            TypeKind::Multiple(types) => types
                .iter()
                .map(|t| article(&t.to_string()))
                .collect::<Vec<_>>()
                .join(" or "),
        },
        ValidationErrorKind::Enum { options } => match options.as_array() {
            Some(values) if values.len() == 1 => values[0].to_string(),
            Some(values) => format!(
                "one of {}",
                listed(&values.iter().map(Value::to_string).collect::<Vec<_>>())
            ),
            None => format!("one of {options}"),
        },
        ValidationErrorKind::Constant { expected_value } => expected_value.to_string(),
        ValidationErrorKind::Minimum { limit } => format!("at least {limit}"),
        ValidationErrorKind::Maximum { limit } => format!("at most {limit}"),
        ValidationErrorKind::ExclusiveMinimum { limit } => format!("more than {limit}"),
        ValidationErrorKind::ExclusiveMaximum { limit } => format!("less than {limit}"),
        ValidationErrorKind::MinLength { limit } => format!("at least {limit} characters"),
        ValidationErrorKind::MaxLength { limit } => format!("at most {limit} characters"),
        ValidationErrorKind::MinItems { limit } => format!("at least {limit} items"),
        ValidationErrorKind::MaxItems { limit } => format!("at most {limit} items"),
        ValidationErrorKind::MinProperties { limit } => format!("at least {limit} properties"),
        ValidationErrorKind::MaxProperties { limit } => format!("at most {limit} properties"),
        ValidationErrorKind::UniqueItems => "items that are all different".into(),
        ValidationErrorKind::Pattern { pattern } => format!("text matching /{pattern}/"),
        ValidationErrorKind::Format { format } => format!("a {format} value"),
        ValidationErrorKind::MultipleOf { multiple_of, .. } => {
            format!("a multiple of {multiple_of}")
        }
        ValidationErrorKind::FalseSchema => "no value here".into(),
        ValidationErrorKind::Not { schema } => format!("anything but {schema}"),
        ValidationErrorKind::OneOfMultipleValid { .. } => {
            "a value that matches exactly one alternative".into()
        }
        _ => "what the schema describes".into(),
    }
}

/// `string` → `a string`, `integer` → `an integer`, `null` as it is.
fn article(name: &str) -> String {
    if name == "null" {
        return name.into();
    }
    match name.chars().next() {
        Some('a' | 'e' | 'i' | 'o' | 'u') => format!("an {name}"),
        _ => format!("a {name}"),
    }
}

/// `pointer` with one more segment, escaped as RFC 6901 says.
fn child(pointer: &str, name: &str) -> String {
    format!("{pointer}/{}", name.replace('~', "~0").replace('/', "~1"))
}

/// What a value is, short and safe to print: its type and, unless the place looks like a
/// secret, an excerpt of it on one line.
fn found(pointer: &str, value: &Value) -> String {
    let secret = pointer
        .rsplit('/')
        .next()
        .map(str::to_ascii_lowercase)
        .is_some_and(|name| {
            ["password", "secret", "token", "key", "credential"]
                .iter()
                .any(|word| name.contains(word))
        });
    match value {
        Value::Null => "null".into(),
        Value::Bool(b) => format!("{b}"),
        Value::Number(_) if secret => "a number".into(),
        Value::Number(n) => format!("the number {n}"),
        Value::String(s) if secret => format!("a string of {} characters", s.chars().count()),
        Value::String(s) => format!("the string {}", excerpt(s)),
        Value::Array(items) if items.len() == 1 => "an array of 1 item".into(),
        Value::Array(items) => format!("an array of {} items", items.len()),
        Value::Object(map) if map.len() == 1 => "an object with 1 property".into(),
        Value::Object(map) => format!("an object with {} properties", map.len()),
    }
}

/// A string as JSON, one line, cut at 60 characters.
fn excerpt(text: &str) -> String {
    const MAX: usize = 60;
    let short: String = text.chars().take(MAX).collect();
    let quoted = serde_json::to_string(&short).unwrap_or_default();
    let quoted = agentrun::runtime::one_line(&quoted);
    if text.chars().count() > MAX {
        format!("{quoted}...")
    } else {
        quoted
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use agentrun::Provider;
    use serde_json::json;

    fn schema(id: &str) -> RootSchema {
        agentrun::schema::request(Provider::Buildprint, id).expect("the operation takes a body")
    }

    #[test]
    fn a_valid_body_has_no_problems() {
        let body =
            json!({"appId": "demo-app", "prompt": "Check", "model": "buildprint-gpt-5.6-sol"});
        assert_eq!(problems(&schema("startAgent"), &body).unwrap(), []);
    }

    #[test]
    fn each_problem_names_its_pointer_what_was_expected_and_what_was_found() {
        let body = json!({"appId": 7, "model": "buildprint-gpt-5.6-sol"});
        let found: Vec<String> = problems(&schema("startAgent"), &body)
            .unwrap()
            .iter()
            .map(ToString::to_string)
            .collect();
        assert!(
            found.contains(&"at /appId: expected a string, found the number 7".to_string()),
            "{found:?}"
        );
        assert!(
            found.contains(
                &"at /prompt: expected the required property \"prompt\", found nothing".to_string()
            ),
            "{found:?}"
        );
    }

    #[test]
    fn an_open_enum_takes_any_string_but_not_a_number() {
        let schema = schema("startAgent");
        let body = |model: Value| json!({"appId": "a", "prompt": "p", "model": model});
        assert_eq!(
            problems(&schema, &body(json!("next-year-model"))).unwrap(),
            []
        );
        let wrong = problems(&schema, &body(json!(5))).unwrap();
        assert_eq!(wrong.len(), 1, "{wrong:?}");
        assert_eq!(wrong[0].pointer, "/model");
        let known = agentrun::buildprint::types::SelectableModel::KNOWN;
        let first = format!("a string such as \"{}\"", known[0]);
        assert!(wrong[0].expected.starts_with(&first), "{}", wrong[0]);
        let count = format!("({} known values)", known.len());
        assert!(wrong[0].expected.ends_with(&count), "{}", wrong[0]);
        assert_eq!(wrong[0].found, "the number 5");
    }

    #[test]
    fn a_secret_looking_place_shows_no_value() {
        let body = json!({"name": "qa", "email": "qa@example.com", "password": ["hunter2-canary"]});
        let text = problems(&schema("createTestUser"), &body)
            .unwrap()
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("; ");
        assert!(!text.contains("hunter2-canary"), "{text}");
    }
}
