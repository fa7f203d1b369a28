//! Inline schemas that typify would merge into themselves without end, moved out to components
//! of their own.
//!
//! typify merges an `allOf` of several schemas (or a composition beside other keywords) into one
//! type, and to merge a branch that is a reference it copies the referenced schema in. Converted
//! after that, the copy's inline schemas become new types of their own, named after where they
//! now are. So an inline schema of component `Node` that merges `Node` back,
//!
//! ```yaml
//! Node:
//!   type: object
//!   properties:
//!     child:
//!       allOf: [{$ref: Node}, {properties: {note: {type: string}}}]
//! ```
//!
//! brings a copy of itself along, which brings another: typify recurses until the stack
//! overflows, and the process aborts. The same holds when the way back goes through other
//! components that merge each other. [`super::cycles`] breaks cycles of composition alone;
//! these go through a property or a list's items, which is a type, so nothing is dropped.
//!
//! Moved out to a component (`NodeChild`, the name typify gave it inline), the schema is reached
//! through a `$ref` the second time, which typify names (and boxes) instead of copying. What the
//! schema allows is unchanged. Which schemas typify merges is read from its conversion
//! (typify-impl 0.8 `convert_schema_object`, `merge`), erring toward moving one out: that
//! changes only where the type is declared.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value, json};

use crate::normalize::cycles::composed_references;
use crate::normalize::names::{Case, TypeNames, sanitize};
use crate::normalize::walk::{component_ref, referenced_schemas, walk_schema};
use crate::read::document::unescape_segment;

/// Keywords typify converts beside a composition or a `$ref` without merging: documentation,
/// and `type` and `nullable`, which it reads from the composition itself.
const BESIDE_A_COMPOSITION: [&str; 13] = [
    "description",
    "title",
    "example",
    "examples",
    "deprecated",
    "readOnly",
    "writeOnly",
    "externalDocs",
    "default",
    "nullable",
    "discriminator",
    "xml",
    "type",
];

/// The composition keywords.
const COMPOSITION: [&str; 4] = ["allOf", "anyOf", "oneOf", "not"];

/// A schema typify merges: where it is in its component (`""` for the component itself), and
/// every component the merge may copy in.
struct Merge {
    at: String,
    copies: BTreeSet<String>,
}

/// Moves every inline schema whose merge would copy itself in again out to a component of its
/// own (see the module docs); returns how many it moved.
pub fn move_out_self_merges(doc: &mut Value) -> usize {
    let mut moved = 0;
    // Each pass moves at least one inline schema out and makes none, so the passes end (one
    // that moves nothing is the last); the second is there for a schema nested in one moved
    // out, which may still merge itself.
    loop {
        let Some(schemas) = doc
            .pointer_mut("/components/schemas")
            .and_then(Value::as_object_mut)
        else {
            return moved;
        };
        let found = self_merges(schemas);
        if found.is_empty() {
            return moved;
        }
        let mut names = TypeNames::of(schemas.keys());
        let before = moved;
        for (component, at) in found {
            let wanted = sanitize(&format!("{component}-{}", name_parts(&at)), Case::Pascal);
            let new = names.claim(&wanted);
            let Some(slot) = schemas
                .get_mut(&component)
                .and_then(|schema| schema.pointer_mut(&at))
            else {
                continue;
            };
            let schema = std::mem::replace(slot, json!({ "$ref": component_ref(&new) }));
            schemas.insert(new, schema);
            moved += 1;
        }
        if moved == before {
            return moved;
        }
    }
}

/// The inline schemas that merge a component leading back to their own, outermost first:
/// (component, pointer within it).
fn self_merges(schemas: &mut Map<String, Value>) -> Vec<(String, String)> {
    let merges: BTreeMap<String, Vec<Merge>> = schemas
        .iter_mut()
        .map(|(name, schema)| (name.clone(), merges_in(schema)))
        .collect();
    // What a component copies in when it is copied: what its merges copy (its inline schemas
    // are converted where it was copied to), and every reference of its composition, which a
    // merge resolves whatever the composition's shape.
    let mut copies: BTreeMap<&str, BTreeSet<String>> = BTreeMap::new();
    for (name, schema) in schemas.iter() {
        let mut composed = Vec::new();
        composed_references(schema, String::new(), &mut composed);
        copies.insert(
            name.as_str(),
            composed.into_iter().map(|(_, target)| target).collect(),
        );
    }
    for (name, found) in &merges {
        let entry = copies.entry(name.as_str()).or_default();
        entry.extend(found.iter().flat_map(|merge| merge.copies.iter().cloned()));
    }
    let mut copied_by: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for (&name, copied) in &copies {
        for copied in copied {
            copied_by.entry(copied.as_str()).or_default().insert(name);
        }
    }
    let mut found = Vec::new();
    for (name, list) in &merges {
        if list.iter().all(|merge| merge.at.is_empty()) {
            continue;
        }
        let leads_back = leading_to(name, &copied_by);
        let mut outer: Vec<&str> = Vec::new();
        for merge in list.iter().filter(|merge| !merge.at.is_empty()) {
            let inside_one_moved = outer
                .iter()
                .any(|o| merge.at.strip_prefix(o).is_some_and(|r| r.starts_with('/')));
            if !inside_one_moved
                && merge
                    .copies
                    .iter()
                    .any(|copied| leads_back.contains(copied.as_str()))
            {
                outer.push(&merge.at);
                found.push((name.clone(), merge.at.clone()));
            }
        }
    }
    found
}

/// The components whose conversion copies `name` in, through any chain of merges, and `name`.
fn leading_to<'a>(
    name: &'a str,
    copied_by: &BTreeMap<&'a str, BTreeSet<&'a str>>,
) -> BTreeSet<&'a str> {
    let mut seen = BTreeSet::from([name]);
    let mut next = vec![name];
    while let Some(current) = next.pop() {
        for &by in copied_by.get(current).into_iter().flatten() {
            if seen.insert(by) {
                next.push(by);
            }
        }
    }
    seen
}

/// The schemas typify merges within `schema` (a component), parents before what they hold.
fn merges_in(schema: &mut Value) -> Vec<Merge> {
    let mut found = Vec::new();
    let _ = walk_schema(schema, "", &mut |object, at| {
        if merges(object) {
            let mut copies = BTreeSet::new();
            referenced_schemas(&Value::Object(object.clone()), &mut copies);
            found.push(Merge {
                at: at.to_string(),
                copies,
            });
        }
        Ok(())
    });
    found
}

/// Whether typify merges `schema`: an `allOf` of several branches, more than one composition
/// keyword, or a composition or `$ref` beside keywords of its own. Every reference inside it
/// may be copied in: a branch that is one directly, and one in a property that two branches
/// both have, whose schemas merge in turn.
pub(crate) fn merges(schema: &Map<String, Value>) -> bool {
    let compositions = COMPOSITION
        .iter()
        .filter(|key| schema.contains_key(**key))
        .count();
    let several = schema
        .get("allOf")
        .and_then(Value::as_array)
        .is_some_and(|branches| branches.len() > 1);
    let beside = schema.keys().any(|key| {
        !key.starts_with("x-")
            && key != "$ref"
            && !COMPOSITION.contains(&key.as_str())
            && !BESIDE_A_COMPOSITION.contains(&key.as_str())
    });
    several || compositions > 1 || ((compositions == 1 || schema.contains_key("$ref")) && beside)
}

/// The words typify adds to a type's name for each step of `at` (a pointer within a
/// component): a property's name, `Item` for a list's items, `Value` for a map's.
fn name_parts(at: &str) -> String {
    let segments: Vec<String> = at.split('/').skip(1).map(unescape_segment).collect();
    let mut parts = Vec::new();
    let mut i = 0;
    while i < segments.len() {
        let segment = segments[i].as_str();
        let next = segments.get(i + 1);
        match (segment, next) {
            ("properties" | "patternProperties", Some(name)) => {
                parts.push(name.clone());
                i += 1;
            }
            ("allOf" | "anyOf" | "oneOf" | "prefixItems", Some(index)) => {
                parts.push(format!("variant-{index}"));
                i += 1;
            }
            ("items", _) => parts.push("item".into()),
            ("additionalProperties", _) => parts.push("value".into()),
            (other, _) => parts.push(other.to_string()),
        }
        i += 1;
    }
    parts.join("-")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn moved(schemas: Value) -> (Value, usize) {
        let mut doc = json!({"components": {"schemas": schemas}});
        let count = move_out_self_merges(&mut doc);
        (doc["components"]["schemas"].clone(), count)
    }

    fn node_ref() -> Value {
        json!({"$ref": "#/components/schemas/Node"})
    }

    #[test]
    fn a_property_that_extends_its_own_component_moves_out_under_typifys_name() {
        let extends = json!({"allOf": [node_ref(), {"type": "object",
            "properties": {"note": {"type": "string"}}}]});
        let (schemas, count) = moved(json!({
            "Node": {"type": "object", "properties": {"child": extends.clone()}}
        }));
        assert_eq!(count, 1);
        assert_eq!(
            schemas["Node"]["properties"]["child"],
            json!({"$ref": "#/components/schemas/NodeChild"})
        );
        assert_eq!(schemas["NodeChild"], extends);
    }

    #[test]
    fn a_way_back_through_other_components_merges_moves_out_too() {
        // Tree's items merge Leaf, which merges Base, whose `owner` merges Tree: copying Leaf
        // in copies Base, whose `owner` copies Tree, whose items copy Leaf again. Both inline
        // merges on the way move out.
        let (schemas, count) = moved(json!({
            "Tree": {"type": "object", "properties": {"kids": {"type": "array",
                "items": {"allOf": [{"$ref": "#/components/schemas/Leaf"},
                                    {"properties": {"rank": {"type": "integer"}}}]}}}},
            "Leaf": {"allOf": [{"$ref": "#/components/schemas/Base"},
                               {"type": "object", "properties": {"name": {"type": "string"}}}]},
            "Base": {"type": "object", "properties": {"owner": {"description": "who",
                "allOf": [{"$ref": "#/components/schemas/Tree"},
                          {"properties": {"since": {"type": "string"}}}]}}},
        }));
        assert_eq!(count, 2, "{schemas:#}");
        assert_eq!(
            schemas["Tree"]["properties"]["kids"]["items"],
            json!({"$ref": "#/components/schemas/TreeKidsItem"})
        );
        assert_eq!(
            schemas["Base"]["properties"]["owner"],
            json!({"$ref": "#/components/schemas/BaseOwner"})
        );
        assert_eq!(schemas["BaseOwner"]["description"], "who");
    }

    #[test]
    fn a_way_back_through_a_composition_that_is_no_merge_of_its_own_counts() {
        // Alias alone is Node by name; copied into `x`'s merge, its `allOf` is resolved too.
        let (schemas, count) = moved(json!({
            "Node": {"type": "object", "properties": {"x": {"allOf": [
                {"$ref": "#/components/schemas/Alias"},
                {"properties": {"a": {"type": "string"}}}]}}},
            "Alias": {"allOf": [node_ref()], "description": "wrapped"},
        }));
        assert_eq!(count, 1);
        assert_eq!(
            schemas["Node"]["properties"]["x"],
            json!({"$ref": "#/components/schemas/NodeX"})
        );
    }

    #[test]
    fn recursion_typify_names_stays_where_it_is() {
        // A property that is its own component, an allOf of one reference (with the words and
        // the nullability typify reads beside it), a union of it and a string, a list of it, and
        // a merge of others that names it only inside a property: each reaches Node by name.
        let tree = json!({
            "Node": {"type": "object", "properties": {
                "parent": {"type": "object", "nullable": true, "description": "up",
                           "allOf": [node_ref()]},
                "either": {"oneOf": [node_ref(), {"type": "string"}]},
                "children": {"type": "array", "items": node_ref()},
                "page": {"allOf": [{"$ref": "#/components/schemas/Page"},
                                    {"type": "object"}]}}},
            "Page": {"type": "object", "properties": {"next": node_ref()}},
        });
        let (schemas, count) = moved(tree.clone());
        assert_eq!(count, 0);
        assert_eq!(schemas, tree);
    }

    #[test]
    fn a_nested_merge_moves_out_with_the_one_around_it_and_names_stay_free() {
        let inner = json!({"allOf": [node_ref(), {"type": "object"}]});
        let (schemas, count) = moved(json!({
            "Node": {"type": "object", "properties": {"child": {"allOf": [
                node_ref(), {"type": "object", "properties": {"inner": inner}}]}}},
            "NodeChild": {"type": "string"},
        }));
        // The outer one moves out; the inner one, now in NodeChild2, copies Node in, whose
        // `child` is a reference now: nothing leads back to NodeChild2.
        assert_eq!(count, 1, "{schemas:#}");
        assert_eq!(
            schemas["Node"]["properties"]["child"],
            json!({"$ref": "#/components/schemas/NodeChild2"})
        );
        assert_eq!(schemas["NodeChild"], json!({"type": "string"}));
        assert_eq!(
            schemas["NodeChild2"]["allOf"][1]["properties"]["inner"],
            inner
        );
    }

    #[test]
    fn merges_are_told_as_typify_tells_them() {
        let merge = |schema: Value| merges(schema.as_object().unwrap());
        assert!(merge(json!({"allOf": [{}, {}]})));
        assert!(merge(json!({"allOf": [{}], "properties": {}})));
        assert!(merge(json!({"anyOf": [{}], "oneOf": [{}]})));
        assert!(merge(
            json!({"$ref": "#/components/schemas/A", "required": ["a"]})
        ));
        assert!(!merge(
            json!({"allOf": [{}], "type": "object", "nullable": true})
        ));
        assert!(!merge(
            json!({"oneOf": [{}, {}], "x-extra": 1, "discriminator": {}})
        ));
        assert!(!merge(
            json!({"$ref": "#/components/schemas/A", "description": "a"})
        ));
        assert!(!merge(json!({"type": "object", "properties": {}})));
    }
}
