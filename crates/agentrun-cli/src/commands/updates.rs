//! Partial updates: a command that replaces a resource needs only the fields that change.
//!
//! An operation replaces a resource when it is a `PUT` with a JSON object body and its table
//! has a `GET` of the same path ([`current_of`]). The API takes the whole resource, so a field
//! left out would be cleared or refused (`tests update` needed `--steps` to rename a test). Its
//! command takes every body field as an optional flag; the fields the command line leaves out
//! are read first from the resource as it is (one `GET`), kept only where the body's schema
//! documents them ([`project`]: a step's `id` or `position` from the answer is not sent back),
//! and sent with the changes. `--body` sends a whole body as given, with no read: the way to
//! clear a field on purpose.
//!
//! The read happens under `--dry-run` too, as `kubectl apply --dry-run=client` does: it changes
//! nothing, and without it the request shown would not be the one sent.
//!
//! A field the answer names differently from the body (a group's `testIds` are its
//! `members[].testId`) is read as its provider's [`CurrentField`] says.

use agentrun::runtime::Operation;
use agentrun::{Error, OperationInput, Provider, ProviderClient};
use clap::ArgMatches;
use serde_json::{Map, Value};

use super::flags::{self, BODY};

/// A body field of a replacing update that the current resource holds under another name.
pub(crate) struct CurrentField {
    /// The update's `operationId`.
    pub(crate) operation: &'static str,
    /// The body field's wire name.
    pub(crate) field: &'static str,
    /// Where the current resource holds it: `/`-separated names, `*` for every item of a list
    /// (`/members/*/testId`).
    pub(crate) from: &'static str,
}

/// The operation that reads what `op` replaces: for a `PUT` with a JSON object body, the `GET`
/// of the same path in `provider`'s table.
pub(crate) fn current_of(provider: Provider, op: &Operation) -> Option<&'static Operation> {
    let body = op.body?;
    if op.method != "PUT" || body.fields.is_empty() {
        return None;
    }
    provider
        .info()
        .operations
        .iter()
        .find(|other| other.method == "GET" && other.path == op.path)
}

/// The help that says so, for the command of a replacing update.
pub(crate) fn help(get: &Operation) -> String {
    format!(
        "Fields left out keep their current values: the command reads them first ({}) and \
         sends them with the changes. --body sends a whole body as given, with no read.",
        get.label
    )
}

/// The request `op` makes from the flags in `matches` (`overrides` replacing body fields the
/// command worked out itself). For a replacing update without `--body`, the body fields the
/// command line leaves out are read from the resource as it is, through `client`.
pub(crate) async fn input(
    client: &ProviderClient,
    provider: Provider,
    op: &'static Operation,
    matches: &ArgMatches,
    overrides: Map<String, Value>,
) -> Result<OperationInput, Error> {
    let current = match current_of(provider, op) {
        Some(get) if !given(matches, BODY) && left_out(op, matches, &overrides) => {
            let read = flags::input(provider, get, matches, Map::new())?;
            // A read changes nothing: a dry run makes it too, so that it shows the real body.
            let answer = client
                .clone()
                .with_dry_run(false)
                .send_described(get, &read)
                .await?;
            Some(kept(provider, op, &answer))
        }
        _ => None,
    };
    let mut overrides = overrides;
    if let Some(current) = current {
        for (name, value) in current {
            if !overrides.contains_key(&name) && !given(matches, &name) {
                overrides.insert(name, value);
            }
        }
    }
    flags::input(provider, op, matches, overrides)
}

/// Whether a flag was given on the command line.
fn given(matches: &ArgMatches, id: &str) -> bool {
    matches.try_contains_id(id).unwrap_or(false)
}

/// Whether some body field of `op` has neither a flag nor an override.
fn left_out(op: &Operation, matches: &ArgMatches, overrides: &Map<String, Value>) -> bool {
    op.body.is_some_and(|body| {
        body.fields
            .iter()
            .any(|field| !overrides.contains_key(field.name) && !given(matches, field.name))
    })
}

/// The body fields of `op` that `current` (the resource as it is) holds, each kept as far as
/// the body's schema documents it.
fn kept(provider: Provider, op: &Operation, current: &Value) -> Map<String, Value> {
    let mut kept = Map::new();
    let (Some(body), Some(schema)) = (op.body, agentrun::schema::request(provider, op.id)) else {
        return kept;
    };
    let Ok(root) = serde_json::to_value(&schema) else {
        return kept;
    };
    let renamed = super::extension(provider).map_or(&[][..], |e| e.current_fields);
    for field in body.fields {
        let from = renamed
            .iter()
            .find(|r| r.operation == op.id && r.field == field.name)
            .map_or_else(|| at(current, field.name), |r| at(current, r.from));
        let property = root.pointer(&format!("/properties/{}", escaped(field.name)));
        if let (Some(value), Some(property)) = (from, property)
            && let Some(value) = project(&value, property, &root)
        {
            kept.insert(field.name.to_string(), value);
        }
    }
    kept
}

/// A name as one JSON pointer token.
fn escaped(name: &str) -> String {
    name.replace('~', "~0").replace('/', "~1")
}

/// The value at `path` in `value`: `/`-separated names, `*` for every item of a list.
fn at(value: &Value, path: &str) -> Option<Value> {
    let mut segments = path.trim_start_matches('/').split('/');
    match segments.next() {
        None | Some("") => Some(value.clone()),
        Some("*") => {
            let rest: Vec<&str> = segments.collect();
            let rest = rest.join("/");
            let items = value.as_array()?;
            Some(Value::Array(
                items.iter().filter_map(|item| at(item, &rest)).collect(),
            ))
        }
        Some(name) => {
            let rest: Vec<&str> = segments.collect();
            at(value.as_object()?.get(name)?, &rest.join("/"))
        }
    }
}

/// `value` as far as `schema` (with `root`'s definitions) documents it: an object keeps the
/// properties its schema lists (all of them when it lists none), a list's items are each kept
/// so, and a `null` the schema does not allow is left out (`None`).
pub(crate) fn project(value: &Value, schema: &Value, root: &Value) -> Option<Value> {
    let schema = resolved(schema, root);
    match value {
        Value::Null => allows_null(schema, root).then_some(Value::Null),
        Value::Object(object) => {
            let properties = properties(schema, root);
            if properties.is_empty() {
                return Some(value.clone());
            }
            Some(Value::Object(
                object
                    .iter()
                    .filter_map(|(name, item)| {
                        let (_, property) = properties.iter().find(|(known, _)| *known == name)?;
                        Some((name.clone(), project(item, property, root)?))
                    })
                    .collect(),
            ))
        }
        Value::Array(items) => {
            let Some(item_schema) = branches(schema, root)
                .into_iter()
                .find_map(|branch| branch.get("items"))
            else {
                return Some(value.clone());
            };
            Some(Value::Array(
                items
                    .iter()
                    .map(|item| project(item, item_schema, root).unwrap_or_else(|| item.clone()))
                    .collect(),
            ))
        }
        _ => Some(value.clone()),
    }
}

/// `schema` with its reference followed (to `root`'s definitions), once per step.
fn resolved<'a>(schema: &'a Value, root: &'a Value) -> &'a Value {
    let mut schema = schema;
    // A reference chain is short; the bound keeps a cycle of references from looping.
    for _ in 0..32 {
        let Some(target) = schema
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(|r| r.strip_prefix('#'))
            .and_then(|pointer| root.pointer(pointer))
        else {
            break;
        };
        schema = target;
    }
    schema
}

/// `schema` and every schema it composes (`allOf`, `anyOf`, `oneOf`), resolved.
fn branches<'a>(schema: &'a Value, root: &'a Value) -> Vec<&'a Value> {
    let mut all = vec![resolved(schema, root)];
    let mut next = 0;
    while next < all.len() && all.len() < 256 {
        let schema = all[next];
        for key in ["allOf", "anyOf", "oneOf"] {
            for branch in schema
                .get(key)
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                all.push(resolved(branch, root));
            }
        }
        next += 1;
    }
    all
}

/// The properties `schema` lists, its branches' included.
fn properties<'a>(schema: &'a Value, root: &'a Value) -> Vec<(&'a String, &'a Value)> {
    branches(schema, root)
        .into_iter()
        .filter_map(|branch| branch.get("properties").and_then(Value::as_object))
        .flat_map(|properties| properties.iter())
        .collect()
}

/// Whether `schema` allows `null`.
fn allows_null(schema: &Value, root: &Value) -> bool {
    branches(schema, root)
        .into_iter()
        .any(|branch| match branch {
            Value::Bool(allowed) => *allowed,
            Value::Object(object) => {
                object.is_empty()
                    || object.get("nullable") == Some(&Value::Bool(true))
                    || match object.get("type") {
                        Some(Value::String(t)) => t == "null",
                        Some(Value::Array(types)) => types.iter().any(|t| t == "null"),
                        _ => false,
                    }
            }
            _ => false,
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_put_with_a_get_of_its_path_replaces_and_others_do_not() {
        let table = Provider::Buildprint.info();
        let update = table.operation("updateTest").unwrap();
        assert_eq!(
            current_of(Provider::Buildprint, update).unwrap().id,
            "getTest"
        );
        let create = table.operation("createTest").unwrap();
        assert!(current_of(Provider::Buildprint, create).is_none());
    }

    #[test]
    fn only_what_the_schema_documents_is_kept() {
        let root = json!({
            "definitions": {"Step": {"type": "object", "properties": {
                "kind": {"type": "string"},
                "note": {"type": ["string", "null"]},
                "componentId": {"type": "string"}}}},
            "type": "object",
            "properties": {"steps": {"type": "array", "items": {"$ref": "#/definitions/Step"}}}
        });
        let current = json!([
            {"id": "st_1", "position": 0, "kind": "step", "note": null, "componentId": null}
        ]);
        let schema = root.pointer("/properties/steps").unwrap();
        assert_eq!(
            project(&current, schema, &root),
            Some(json!([{"kind": "step", "note": null}]))
        );
    }

    #[test]
    fn a_path_with_a_star_reads_every_item() {
        let group = json!({"members": [{"testId": "ts_1"}, {"testId": "ts_2"}]});
        assert_eq!(
            at(&group, "/members/*/testId"),
            Some(json!(["ts_1", "ts_2"]))
        );
        assert_eq!(at(&group, "name"), None);
    }
}
