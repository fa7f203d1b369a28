//! Schemas that reach themselves through composition alone, found and broken before typify
//! sees them.
//!
//! A schema may refer to itself through a property or a list's items: a tree of comments is a
//! type, and typify boxes it. A schema that lists itself in its own `allOf` (or reaches itself
//! through `allOf`, `anyOf`, `oneOf`, `not` or a bare `$ref` at any depth, with nothing in
//! between) describes no finite type: typify recurses without end and the process aborts with
//! a stack overflow, which no panic handler can catch.
//!
//! Such a reference adds nothing to what the schema allows: `A = allOf[A, X]` holds exactly
//! when `X` does, and `A = anyOf[A, X]` is `X` (the least solution). So the reference that
//! closes a cycle is dropped, with a note naming the cycle, and a branch that had nothing else
//! goes with it. Every cycle is found: a depth-first walk over the component schemas drops each
//! reference that leads back to a schema on its own path, in name order, so the result is the
//! same every run.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use crate::normalize::notes::Notes;
use crate::read::document::{pointer, unescape_segment};

/// What marks a reference that closes a cycle until [`prune`] removes it.
const CLOSES_A_CYCLE: &str = "x-agentrun-closes-a-cycle";

/// The composition keywords whose branches are the schema itself, in part or as a whole.
const BRANCHES: [&str; 3] = ["allOf", "anyOf", "oneOf"];

/// Breaks every cycle of component schemas through composition alone; returns how many
/// references it dropped (each with a note).
pub fn break_composition_cycles(doc: &mut Value, notes: &mut Notes) -> usize {
    let Some(schemas) = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
    else {
        return 0;
    };
    // Each schema's references in composition, in document order: (the holder's pointer
    // relative to the schema, the schema it names).
    let edges: BTreeMap<&str, Vec<(String, String)>> = schemas
        .iter()
        .map(|(name, schema)| {
            let mut found = Vec::new();
            composed_references(schema, String::new(), &mut found);
            (name.as_str(), found)
        })
        .collect();
    let closing = closing_references(&edges);
    if closing.is_empty() {
        return 0;
    }
    let Some(schemas) = doc
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
    else {
        return 0;
    };
    for (name, holder, path) in &closing {
        let Some(schema) = schemas.get_mut(name) else {
            continue;
        };
        let at = pointer("#/components/schemas", name) + holder;
        notes.add(
            at,
            format!(
                "refers back to `{}` through composition alone ({}), which describes no finite \
                 type; dropped, as it adds nothing to what the rest of the schema allows",
                path[0],
                path.join(" → ")
            ),
        );
        if holder.is_empty() {
            // The schema is a bare reference: it keeps its other keywords.
            if let Some(object) = schema.as_object_mut() {
                object.remove("$ref");
            }
        } else if let Some(target) = schema.pointer_mut(holder) {
            *target = Value::Object(Map::from_iter([(CLOSES_A_CYCLE.into(), Value::Bool(true))]));
        }
    }
    for schema in schemas.values_mut() {
        prune(schema);
    }
    closing.len()
}

/// The references of `schema` (at `at`, a pointer relative to the component) that make it
/// up by composition: its own `$ref`, and those of its composition branches at any depth.
pub(crate) fn composed_references(schema: &Value, at: String, found: &mut Vec<(String, String)>) {
    let Some(object) = schema.as_object() else {
        return;
    };
    if let Some(name) = object
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix("#/components/schemas/"))
    {
        found.push((at.clone(), unescape_segment(name)));
    }
    for key in BRANCHES {
        for (i, branch) in object
            .get(key)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
        {
            composed_references(branch, format!("{at}/{key}/{i}"), found);
        }
    }
    if let Some(not) = object.get("not") {
        composed_references(not, format!("{at}/not"), found);
    }
}

/// The references that close a cycle: (the schema holding one, its pointer relative to that
/// schema, the cycle's names from the schema it leads back to). A depth-first walk in name
/// order, without recursion (a chain may be thousands of schemas long).
fn closing_references(
    edges: &BTreeMap<&str, Vec<(String, String)>>,
) -> Vec<(String, String, Vec<String>)> {
    #[derive(Clone, Copy, PartialEq)]
    enum State {
        Unseen,
        OnPath,
        Done,
    }
    let mut state: BTreeMap<&str, State> = edges.keys().map(|k| (*k, State::Unseen)).collect();
    let mut closing = Vec::new();
    for &root in edges.keys() {
        if state[root] != State::Unseen {
            continue;
        }
        // The path: each schema and the index of its next reference to follow.
        let mut path: Vec<(&str, usize)> = vec![(root, 0)];
        state.insert(root, State::OnPath);
        while let Some((name, next)) = path.last_mut() {
            let name = *name;
            let Some((holder, target)) = edges[name].get(*next) else {
                state.insert(name, State::Done);
                path.pop();
                continue;
            };
            *next += 1;
            match state.get(target.as_str()).copied() {
                Some(State::OnPath) => {
                    let from = path.iter().position(|(n, _)| *n == target).unwrap_or(0);
                    let mut cycle: Vec<String> =
                        path[from..].iter().map(|(n, _)| n.to_string()).collect();
                    cycle.push(target.clone());
                    closing.push((name.to_string(), holder.clone(), cycle));
                }
                Some(State::Unseen) => {
                    let (target, _) = edges
                        .get_key_value(target.as_str())
                        .map(|(k, v)| (*k, v))
                        .unwrap_or((name, &edges[name]));
                    state.insert(target, State::OnPath);
                    path.push((target, 0));
                }
                // Done, or a reference to no schema (another step reports that).
                _ => {}
            }
        }
    }
    closing
}

/// Removes the marked references from `schema`'s composition, and a branch left with nothing
/// but them; `true` when `schema` itself is such a branch.
fn prune(schema: &mut Value) -> bool {
    let Some(object) = schema.as_object_mut() else {
        return false;
    };
    if object.contains_key(CLOSES_A_CYCLE) {
        return true;
    }
    let mut emptied = false;
    for key in BRANCHES {
        if let Some(Value::Array(branches)) = object.get_mut(key) {
            let before = branches.len();
            branches.retain_mut(|branch| !prune(branch));
            if branches.is_empty() && before > 0 {
                object.remove(key);
                emptied = true;
            }
        }
    }
    if let Some(not) = object.get_mut("not")
        && prune(not)
    {
        object.remove("not");
        emptied = true;
    }
    // Nothing left but words about it: the branch allowed nothing of its own.
    emptied
        && object
            .keys()
            .all(|key| ["description", "title"].contains(&key.as_str()) || key.starts_with("x-"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn broken(schemas: Value) -> (Value, Vec<String>) {
        let mut doc = json!({"components": {"schemas": schemas}});
        let mut notes = Notes::default();
        break_composition_cycles(&mut doc, &mut notes);
        let notes = notes
            .list()
            .iter()
            .map(|n| format!("{}: {}", n.at, n.what))
            .collect();
        (doc["components"]["schemas"].clone(), notes)
    }

    #[test]
    fn a_schema_in_its_own_all_of_keeps_the_rest() {
        let (schemas, notes) = broken(json!({
            "A": {"allOf": [{"$ref": "#/components/schemas/A"},
                            {"type": "object", "properties": {"name": {"type": "string"}}}]}
        }));
        assert_eq!(
            schemas["A"],
            json!({"allOf": [{"type": "object", "properties": {"name": {"type": "string"}}}]})
        );
        assert_eq!(notes.len(), 1);
        assert!(notes[0].starts_with("#/components/schemas/A/allOf/0: refers back to `A`"));
        assert!(notes[0].contains("(A → A)"), "{}", notes[0]);
    }

    #[test]
    fn a_cycle_through_every_keyword_and_bare_references_is_broken_once() {
        let (schemas, notes) = broken(json!({
            "B": {"allOf": [{"$ref": "#/components/schemas/C"}]},
            "C": {"anyOf": [{"$ref": "#/components/schemas/D"}, {"type": "string"}]},
            "D": {"description": "an alias", "$ref": "#/components/schemas/E"},
            "E": {"oneOf": [{"not": {"allOf": [{"$ref": "#/components/schemas/B"}]}},
                            {"type": "integer"}]},
        }));
        assert_eq!(notes.len(), 1, "{notes:?}");
        assert!(notes[0].contains("(B → C → D → E → B)"), "{}", notes[0]);
        // The branch that was nothing but the way back is gone.
        assert_eq!(schemas["E"], json!({"oneOf": [{"type": "integer"}]}));
        assert_eq!(
            schemas["B"],
            json!({"allOf": [{"$ref": "#/components/schemas/C"}]})
        );
    }

    #[test]
    fn recursion_through_a_property_or_items_is_a_type_and_stays() {
        let tree = json!({
            "Node": {"type": "object", "properties": {
                "children": {"type": "array", "items": {"$ref": "#/components/schemas/Node"}},
                "parent": {"allOf": [{"$ref": "#/components/schemas/Node"}]}}}
        });
        let (schemas, notes) = broken(tree.clone());
        assert!(notes.is_empty(), "{notes:?}");
        assert_eq!(schemas, tree);
    }

    #[test]
    fn two_schemas_that_are_each_other_become_open() {
        let (schemas, notes) = broken(json!({
            "X": {"$ref": "#/components/schemas/Y"},
            "Y": {"$ref": "#/components/schemas/X"},
        }));
        assert_eq!(notes.len(), 1);
        assert_eq!(schemas["X"], json!({"$ref": "#/components/schemas/Y"}));
        assert_eq!(schemas["Y"], json!({}));
    }
}
