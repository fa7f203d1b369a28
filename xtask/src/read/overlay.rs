//! OpenAPI Overlay 1.0 and 1.1: our reviewable changes to a provider's document, kept apart
//! from it.
//!
//! An overlay is a list of actions, each a JSONPath `target` (RFC 9535) with either `update`
//! (merged into each selected object, appended to each selected array), `remove: true`, or (1.1)
//! `copy`, a JSONPath to one node of the document whose value is applied as an update, so that
//! a change can move what the document says without restating it.
//! Unlike the specification, which lets an action select nothing, an action that selects nothing
//! is an error here: it means the upstream document changed under the overlay, and a patch that
//! silently stops applying is worse than a failed build.

use anyhow::{Result, anyhow, bail};
use serde_json::{Map, Value};
use serde_json_path::JsonPath;

use crate::read::document::{kind, remove_at};

/// A parsed overlay document.
#[derive(Debug, Clone)]
pub struct Overlay {
    /// The overlay's `info.title`.
    pub title: String,
    /// The actions, applied in order.
    pub actions: Vec<Action>,
}

/// One overlay action.
#[derive(Debug, Clone)]
pub struct Action {
    /// The JSONPath selecting the nodes to change.
    pub target: String,
    /// What the action is for.
    pub description: Option<String>,
    /// What to change.
    pub change: Change,
}

/// What an action does to each node its target selects.
#[derive(Debug, Clone)]
pub enum Change {
    /// Merge into an object, or append to an array.
    Update(Value),
    /// Remove the node from its parent.
    Remove,
    /// Apply the value of the one node this JSONPath selects as an update (Overlay 1.1); an
    /// array copied onto an array adds its items.
    Copy(String),
}

impl Overlay {
    /// Reads an overlay from its parsed document; `origin` names the file in errors.
    pub fn from_value(doc: &Value, origin: &str) -> Result<Self> {
        let copies = match doc.get("overlay") {
            Some(Value::String(v)) if v.starts_with("1.0.") => false,
            Some(Value::String(v)) if v.starts_with("1.1.") => true,
            Some(Value::String(v)) => bail!(
                "{origin}#/overlay: overlay version {v} is not supported; write `overlay: 1.1.0` \
                 (or 1.0.0)"
            ),
            _ => bail!(
                "{origin}: not an overlay document: there is no `overlay: 1.1.0` field at the top"
            ),
        };
        let title = doc
            .pointer("/info/title")
            .and_then(Value::as_str)
            .ok_or_else(|| anyhow!("{origin}#/info/title: an overlay needs `info.title`"))?
            .to_string();
        let actions = doc
            .get("actions")
            .and_then(Value::as_array)
            .filter(|a| !a.is_empty())
            .ok_or_else(|| {
                anyhow!("{origin}#/actions: an overlay needs a non-empty `actions` list")
            })?;
        let actions = actions
            .iter()
            .enumerate()
            .map(|(i, action)| {
                Action::from_value(action, &format!("{origin}#/actions/{i}"), copies)
            })
            .collect::<Result<_>>()?;
        Ok(Self { title, actions })
    }

    /// Applies every action to `doc`, in order.
    pub fn apply(&self, doc: &mut Value, origin: &str) -> Result<()> {
        for (i, action) in self.actions.iter().enumerate() {
            action.apply(doc, &format!("{origin}#/actions/{i}"))?;
        }
        Ok(())
    }
}

impl Action {
    fn from_value(value: &Value, at: &str, copies: bool) -> Result<Self> {
        let target = value
            .get("target")
            .and_then(Value::as_str)
            .ok_or_else(|| anyhow!("{at}: an action needs a `target` JSONPath string"))?
            .to_string();
        JsonPath::parse(&target)
            .map_err(|e| anyhow!("{at}/target: `{target}` is not a valid JSONPath: {e}"))?;
        let description = value
            .get("description")
            .and_then(Value::as_str)
            .map(str::to_string);
        let remove = match value.get("remove") {
            None => false,
            Some(Value::Bool(b)) => *b,
            Some(other) => bail!(
                "{at}/remove: `remove` is {}, not true or false",
                kind(other)
            ),
        };
        let copy = match value.get("copy") {
            None => None,
            Some(Value::String(_)) if !copies => bail!(
                "{at}/copy: `copy` is an Overlay 1.1 action; write `overlay: 1.1.0` at the top"
            ),
            Some(Value::String(path)) => {
                JsonPath::parse(path)
                    .map_err(|e| anyhow!("{at}/copy: `{path}` is not a valid JSONPath: {e}"))?;
                Some(path.clone())
            }
            Some(other) => bail!(
                "{at}/copy: `copy` is {}, not a JSONPath string",
                kind(other)
            ),
        };
        let change = match (value.get("update"), copy, remove) {
            (_, _, true) => Change::Remove,
            (Some(_), Some(_), false) => {
                bail!("{at}: the action has both `update` and `copy`; keep one")
            }
            (Some(update), None, false) => Change::Update(update.clone()),
            (None, Some(path), false) => Change::Copy(path),
            (None, None, false) => bail!(
                "{at}: the action has none of `update`, `copy` or `remove: true`; give it one"
            ),
        };
        Ok(Self {
            target,
            description,
            change,
        })
    }

    fn apply(&self, doc: &mut Value, at: &str) -> Result<()> {
        let path = JsonPath::parse(&self.target).map_err(|e| {
            anyhow!(
                "{at}/target: `{}` is not a valid JSONPath: {e}",
                self.target
            )
        })?;
        let pointers: Vec<String> = path
            .query_located(doc)
            .locations()
            .map(|location| location.to_json_pointer())
            .collect();
        let about = self
            .description
            .as_deref()
            .map(|d| format!(" ({d})"))
            .unwrap_or_default();
        if pointers.is_empty() {
            bail!(
                "{at}{about}: target `{}` selects nothing in the document. The upstream document \
                 changed under the overlay: update the target, or drop the action if the change \
                 is no longer needed",
                self.target
            );
        }
        match &self.change {
            Change::Remove => {
                // Last first, so that removing an array element does not shift the next one.
                for pointer in pointers.iter().rev() {
                    if pointer.is_empty() {
                        bail!("{at}: cannot remove the document's root");
                    }
                    remove_at(doc, pointer);
                }
            }
            Change::Copy(from) => {
                let source = JsonPath::parse(from)
                    .map_err(|e| anyhow!("{at}/copy: `{from}` is not a valid JSONPath: {e}"))?;
                let found = source.query(doc).all();
                let value = match found.as_slice() {
                    [one] => (*one).clone(),
                    [] => bail!(
                        "{at}{about}: copy `{from}` selects nothing in the document. The upstream \
                         document changed under the overlay: update the path, or drop the action"
                    ),
                    many => bail!(
                        "{at}/copy: `{from}` selects {} nodes; a copy takes exactly one",
                        many.len()
                    ),
                };
                for pointer in &pointers {
                    let Some(node) = doc.pointer_mut(pointer) else {
                        continue;
                    };
                    match (node, &value) {
                        (Value::Object(node), Value::Object(value)) => merge(node, value),
                        (Value::Array(node), Value::Array(items)) => node.extend(items.clone()),
                        (Value::Array(node), value) => node.push(value.clone()),
                        (node, value) => bail!(
                            "{at}/copy: copies {} onto {} at {pointer}; a copy merges an object \
                             into an object or adds to an array",
                            kind(value),
                            kind(node)
                        ),
                    }
                }
            }
            Change::Update(update) => {
                for pointer in &pointers {
                    let Some(node) = doc.pointer_mut(pointer) else {
                        continue;
                    };
                    match (node, update) {
                        (Value::Object(node), Value::Object(update)) => merge(node, update),
                        (Value::Array(node), update) => node.push(update.clone()),
                        (node, _) => bail!(
                            "{at}/update: target `{}` selects {} at {pointer}; an update merges \
                             into an object or appends to an array (to replace a value, target \
                             its parent object)",
                            self.target,
                            kind(node)
                        ),
                    }
                }
            }
        }
        Ok(())
    }
}

/// Merges `update` into `target`: objects recursively, anything else replaced.
fn merge(target: &mut Map<String, Value>, update: &Map<String, Value>) {
    for (key, value) in update {
        match (target.get_mut(key), value) {
            (Some(Value::Object(existing)), Value::Object(value)) => merge(existing, value),
            _ => {
                target.insert(key.clone(), value.clone());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn overlay(actions: Value) -> Overlay {
        let doc =
            json!({"overlay": "1.1.0", "info": {"title": "t", "version": "1"}, "actions": actions});
        Overlay::from_value(&doc, "o.yaml").unwrap()
    }

    #[test]
    fn a_copy_moves_what_the_document_says_without_restating_it() {
        let mut doc = json!({"components": {"schemas": {"Model": {"oneOf": [
            {"const": "a"}, {"const": "b"}, {"type": "string"}]}}}});
        let model = "$.components.schemas.Model";
        overlay(json!([
            {"target": model, "update": {"anyOf": []}},
            {"target": format!("{model}.anyOf"), "copy": format!("{model}.oneOf")},
            {"target": format!("{model}.oneOf"), "remove": true},
        ]))
        .apply(&mut doc, "o.yaml")
        .unwrap();
        assert_eq!(
            doc,
            json!({"components": {"schemas": {"Model": {"anyOf": [
                {"const": "a"}, {"const": "b"}, {"type": "string"}]}}}})
        );
        // A copy from nowhere, from two places, or in a 1.0 overlay, is an error that says so.
        let error = |actions: Value, version: &str| {
            let doc = json!({"overlay": version, "info": {"title": "t"}, "actions": actions});
            let mut target = json!({"a": {"x": 1}, "b": {"x": 2}});
            Overlay::from_value(&doc, "o.yaml")
                .and_then(|o| o.apply(&mut target, "o.yaml"))
                .unwrap_err()
                .to_string()
        };
        assert!(
            error(json!([{"target": "$.a", "copy": "$.c"}]), "1.1.0")
                .contains("o.yaml#/actions/0: copy `$.c` selects nothing"),
        );
        assert!(
            error(json!([{"target": "$.a", "copy": "$.*"}]), "1.1.0")
                .contains("`$.*` selects 2 nodes; a copy takes exactly one"),
        );
        assert!(
            error(json!([{"target": "$.a", "copy": "$.b"}]), "1.0.0")
                .contains("`copy` is an Overlay 1.1 action; write `overlay: 1.1.0`"),
        );
    }

    #[test]
    fn update_merges_objects_and_appends_to_arrays() {
        let mut doc = json!({"paths": {"/a": {"get": {"summary": "A"}}}, "tags": [{"name": "x"}]});
        overlay(json!([
            {"target": "$.paths['/a'].get", "update": {"operationId": "getA", "summary": "B"}},
            {"target": "$.paths", "update": {"/b": {"post": {}}}},
            {"target": "$.tags", "update": {"name": "y"}},
        ]))
        .apply(&mut doc, "o.yaml")
        .unwrap();
        assert_eq!(
            doc["paths"]["/a"]["get"],
            json!({"summary": "B", "operationId": "getA"})
        );
        assert!(doc["paths"]["/b"]["post"].is_object());
        assert_eq!(doc["tags"], json!([{"name": "x"}, {"name": "y"}]));
    }

    #[test]
    fn remove_deletes_every_selected_node() {
        let mut doc = json!({"a": [{"x": 1}, {"x": 2}, {"x": 3}], "b": {"c": 1, "d": 2}});
        overlay(json!([
            {"target": "$.a[?@.x > 1]", "remove": true},
            {"target": "$.b.c", "remove": true},
        ]))
        .apply(&mut doc, "o.yaml")
        .unwrap();
        assert_eq!(doc, json!({"a": [{"x": 1}], "b": {"d": 2}}));
    }

    #[test]
    fn an_action_that_selects_nothing_is_an_error() {
        let mut doc = json!({"paths": {}});
        let error = overlay(json!([
            {"target": "$.paths['/gone'].get", "description": "name it", "update": {"operationId": "x"}}
        ]))
        .apply(&mut doc, "o.yaml")
        .unwrap_err()
        .to_string();
        assert!(
            error.starts_with("o.yaml#/actions/0 (name it): target"),
            "{error}"
        );
        assert!(error.contains("selects nothing"), "{error}");
    }

    #[test]
    fn malformed_overlays_are_named() {
        let bad_path = json!({"overlay": "1.0.0", "info": {"title": "t"}, "actions": [{"target": "$[", "remove": true}]});
        let error = Overlay::from_value(&bad_path, "o.yaml")
            .unwrap_err()
            .to_string();
        assert!(error.starts_with("o.yaml#/actions/0/target"), "{error}");

        let no_change =
            json!({"overlay": "1.0.0", "info": {"title": "t"}, "actions": [{"target": "$"}]});
        let error = Overlay::from_value(&no_change, "o.yaml")
            .unwrap_err()
            .to_string();
        assert!(
            error.contains("none of `update`, `copy` or `remove: true`"),
            "{error}"
        );

        let not_overlay = json!({"openapi": "3.0.3"});
        let error = Overlay::from_value(&not_overlay, "o.yaml")
            .unwrap_err()
            .to_string();
        assert!(error.contains("not an overlay document"), "{error}");
    }

    #[test]
    fn updating_a_scalar_is_refused() {
        let mut doc = json!({"info": {"title": "x"}});
        let error = overlay(json!([{"target": "$.info.title", "update": "y"}]))
            .apply(&mut doc, "o.yaml")
            .unwrap_err()
            .to_string();
        assert!(error.contains("selects a string"), "{error}");
    }
}
