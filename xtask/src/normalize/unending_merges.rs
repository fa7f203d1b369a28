//! Merges typify would never finish, found by walking them as typify merges, and typed as any
//! JSON value with a note.
//!
//! typify merges the parts of an `allOf` (or a composition beside keywords of its own) into one
//! schema: a reference is resolved, an `anyOf` or `oneOf` branch is merged with the other side,
//! and two sides that constrain the same property (by name, or one by name and the other by a
//! schema for `additionalProperties`) merge those schemas in turn. When that reaches the same
//! two schemas again, the merge never ends: typify overflows its stack, or grows without bound
//! until the machine runs out of memory. A recursive union merged with itself does it:
//!
//! ```yaml
//! Pet: {properties: {p: {anyOf: [{$ref: Pet}, {type: string}]}}}
//! Extended: {allOf: [{$ref: Pet}, {properties: {p: {anyOf: [{$ref: Pet}, {type: integer}]}}}]}
//! ```
//!
//! Each merge is walked here the same way, over the document's schemas, with every pair of
//! schemas on the way remembered: a pair met again on its own way is a merge without end. Such
//! a merge is typed as any JSON value; everything around it keeps its type.
//!
//! The walk follows typify's merge closely, not exactly. Should a merge it lets through still
//! abort generation, [`crate::generate::contain`] runs the command again with
//! [`degrade_merges_of_recursive_types`], which lets no merge of a recursive type through.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use serde_json::{Map, Value};

use crate::normalize::cycles::composed_references;
use crate::normalize::notes::Notes;
use crate::normalize::self_merges::merges;
use crate::normalize::walk::{
    component, for_each_schema, ref_name, referenced_schemas, resolve_schema,
};

/// How many pairs one merge may walk before it counts as one without end: typify would take
/// as long.
const MOST_PAIRS: usize = 20_000;

/// Set, it leaves merges unwalked: how the tests reach typify's abort, and the containment
/// that answers it ([`crate::generate::contain`]).
pub const UNWALKED: &str = "AGENTRUN_UNWALKED_MERGES";

/// Types every merge typify would never finish as any JSON value, with a note; returns how
/// many.
pub fn degrade_unending_merges(doc: &mut Value, notes: &mut Notes) -> usize {
    if std::env::var_os(UNWALKED).is_some() {
        return 0;
    }
    degrade_merges(
        doc,
        notes,
        |snapshot, at, _| {
            at.strip_prefix('#')
                .and_then(|p| snapshot.pointer(p))
                .is_some_and(|schema| endless(snapshot, schema))
        },
        "typify would merge this schema without end (a type that contains itself, merged with \
         itself); typed as any JSON value",
    )
}

/// Types each schema typify merges that `degrade(snapshot, pointer, schema)` picks as any JSON
/// value, with `note` (the outermost of nested ones); returns how many.
fn degrade_merges(
    doc: &mut Value,
    notes: &mut Notes,
    degrade: impl Fn(&Value, &str, &Map<String, Value>) -> bool,
    note: &str,
) -> usize {
    let snapshot = doc.clone();
    let mut degraded = Vec::new();
    let _ = for_each_schema(doc, &mut |object, at| {
        if merges(object) && degrade(&snapshot, at, object) {
            object.clear();
            degraded.push(at.to_string());
        }
        Ok(())
    });
    for at in &degraded {
        notes.add(at.clone(), note);
    }
    degraded.len()
}

/// The last resort when typify's merge of a document did not end (the process that tried
/// died, see [`crate::generate::contain`]): every schema typify would merge that can copy in a
/// type containing itself is typed as any JSON value, with a note; returns how many.
///
/// typify merges two schemas by resolving their references and merging what they hold,
/// property by property. When both sides reach the same recursive type at the same place
/// (`Pet: {p: anyOf[Pet, string]}` merged with `{p: anyOf[Pet, integer]}`), that never ends.
/// A merge that copies in only types that do not contain themselves always ends, and so does
/// the conversion of what it made (see the module docs).
pub fn degrade_merges_of_recursive_types(doc: &mut Value, notes: &mut Notes) -> usize {
    let recursive = recursive_closure(doc);
    degrade_merges(
        doc,
        notes,
        |snapshot, _, object| {
            resolved_in_merge(snapshot, object)
                .iter()
                .any(|copied| recursive.contains(copied))
        },
        "typify merges this schema with a type that contains itself, and on this document \
             its merge did not end; typed as any JSON value",
    )
}

/// The components typify's merge of `schema` resolves: the references of its composition, and
/// those in a property that two of its parts (itself and its branches, a reference read as
/// what it names) both have, whose schemas merge in turn.
fn resolved_in_merge(doc: &Value, schema: &Map<String, Value>) -> BTreeSet<String> {
    let whole = Value::Object(schema.clone());
    let mut composed = Vec::new();
    composed_references(&whole, String::new(), &mut composed);
    let mut resolved: BTreeSet<String> = composed.into_iter().map(|(_, target)| target).collect();
    let parts = std::iter::once(&whole).chain(
        ["allOf", "anyOf", "oneOf"]
            .iter()
            .filter_map(|key| schema.get(*key).and_then(Value::as_array))
            .flatten()
            .map(|branch| resolve_schema(doc, branch)),
    );
    let mut seen: BTreeMap<&str, Vec<&Value>> = BTreeMap::new();
    for part in parts {
        for (name, property) in part
            .get("properties")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            seen.entry(name.as_str()).or_default().push(property);
        }
    }
    for shared in seen.values().filter(|schemas| schemas.len() > 1) {
        for property in shared {
            referenced_schemas(property, &mut resolved);
        }
    }
    resolved
}

/// The component schemas that contain themselves, or reach one that does, through any
/// reference.
fn recursive_closure(doc: &Value) -> BTreeSet<String> {
    let Some(schemas) = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
    else {
        return BTreeSet::new();
    };
    let refers: BTreeMap<&str, BTreeSet<String>> = schemas
        .iter()
        .map(|(name, schema)| {
            let mut found = BTreeSet::new();
            referenced_schemas(schema, &mut found);
            (name.as_str(), found)
        })
        .collect();
    let reach = |from: &str| {
        let mut seen: BTreeSet<&str> = BTreeSet::new();
        let mut next: Vec<&str> = refers
            .get(from)
            .into_iter()
            .flatten()
            .map(String::as_str)
            .collect();
        while let Some(current) = next.pop() {
            if seen.insert(current) {
                next.extend(
                    refers
                        .get(current)
                        .into_iter()
                        .flatten()
                        .map(String::as_str),
                );
            }
        }
        seen
    };
    let reaches: BTreeMap<&str, BTreeSet<&str>> =
        refers.keys().map(|&name| (name, reach(name))).collect();
    let own: BTreeSet<&str> = reaches
        .iter()
        .filter(|(name, reached)| reached.contains(*name))
        .map(|(name, _)| *name)
        .collect();
    reaches
        .iter()
        .filter(|(name, reached)| own.contains(*name) || reached.iter().any(|r| own.contains(r)))
        .map(|(name, _)| name.to_string())
        .collect()
}

/// Whether typify's merge of `site` (a schema of `doc` it merges) never ends.
fn endless(doc: &Value, site: &Value) -> bool {
    let mut walk = Walk {
        doc,
        finished: HashSet::new(),
        on_the_way: HashSet::new(),
        pairs: 0,
    };
    walk.fold(site)
}

/// A walk of merges over one document. Schemas are told apart by where they are in memory,
/// for as long as the walk lasts.
struct Walk<'a> {
    doc: &'a Value,
    /// Pairs whose merge was walked to its end.
    finished: HashSet<(usize, usize)>,
    /// Pairs being merged, on the way to the current one.
    on_the_way: HashSet<(usize, usize)>,
    /// Pairs walked.
    pairs: usize,
}

impl<'a> Walk<'a> {
    /// Whether merging `a` and `b` never ends.
    fn merge<'b>(&mut self, a: &'b Value, b: &'b Value) -> bool
    where
        'a: 'b,
    {
        let (a_ref, b_ref) = (reference(a), reference(b));
        if a_ref.is_some() && a_ref == b_ref {
            // typify's merge of two references to one schema is that reference.
            return false;
        }
        let (a, b) = (self.resolve(a), self.resolve(b));
        let key = {
            let (x, y) = (a as *const Value as usize, b as *const Value as usize);
            (x.min(y), x.max(y))
        };
        if self.finished.contains(&key) {
            return false;
        }
        if self.on_the_way.contains(&key) {
            return true;
        }
        self.pairs += 1;
        if self.pairs > MOST_PAIRS {
            return true;
        }
        self.on_the_way.insert(key);
        let endless = self.fold(a)
            || self.fold(b)
            || self.merge_parts(a, b)
            || self.merge_parts(b, a)
            || self.merge_members(a, b);
        self.on_the_way.remove(&key);
        if !endless {
            self.finished.insert(key);
        }
        endless
    }

    /// Whether folding `schema`'s own parts into one never ends, as typify does before it
    /// merges the result with anything: its own keywords, its reference, its `allOf`
    /// branches, then each `anyOf` or `oneOf` branch with that.
    fn fold<'b>(&mut self, schema: &'b Value) -> bool
    where
        'a: 'b,
    {
        let branches = |key: &str| {
            schema
                .get(key)
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
        };
        let all: Vec<&Value> = branches("allOf").collect();
        let alternatives: Vec<&Value> = branches("anyOf").chain(branches("oneOf")).collect();
        let referenced = reference(schema).and_then(|r| component(self.doc, r));
        for (i, a) in all.iter().enumerate() {
            if all[i + 1..]
                .iter()
                .chain(&alternatives)
                .any(|b| self.merge(a, b))
            {
                return true;
            }
        }
        // Its own keywords with each part.
        let parts = all
            .iter()
            .chain(&alternatives)
            .map(|part| self.resolve(part));
        let parts: Vec<&Value> = parts.chain(referenced).collect();
        parts.iter().any(|part| self.merge_members(schema, part))
    }

    /// Whether merging `other` into each composition branch of `a` never ends.
    fn merge_parts<'b>(&mut self, a: &'b Value, other: &'b Value) -> bool
    where
        'a: 'b,
    {
        ["allOf", "anyOf", "oneOf"]
            .iter()
            .filter_map(|key| a.get(*key).and_then(Value::as_array))
            .flatten()
            .any(|branch| self.merge(branch, other))
    }

    /// Whether merging what `a` and `b` both constrain never ends: a property of both, a
    /// property of one and the other's `additionalProperties` schema, both `items`.
    fn merge_members<'b>(&mut self, a: &'b Value, b: &'b Value) -> bool
    where
        'a: 'b,
    {
        let empty = Map::new();
        let properties = |s: &'b Value| {
            s.get("properties")
                .and_then(Value::as_object)
                .unwrap_or(&empty)
        };
        let additional = |s: &'b Value| s.get("additionalProperties").filter(|v| v.is_object());
        let (pa, pb) = (properties(a), properties(b));
        for (name, sa) in pa {
            let endless = match (pb.get(name), additional(b)) {
                (Some(sb), _) | (None, Some(sb)) => self.merge(sa, sb),
                (None, None) => false,
            };
            if endless {
                return true;
            }
        }
        if let Some(extra) = additional(a) {
            for (name, sb) in pb {
                if !pa.contains_key(name) && self.merge(extra, sb) {
                    return true;
                }
            }
        }
        if let (Some(x), Some(y)) = (additional(a), additional(b))
            && self.merge(x, y)
        {
            return true;
        }
        match (a.get("items"), b.get("items")) {
            (Some(x), Some(y)) => self.merge(x, y),
            _ => false,
        }
    }

    /// The schema a chain of references ends at.
    fn resolve<'b>(&self, mut schema: &'b Value) -> &'b Value
    where
        'a: 'b,
    {
        for _ in 0..32 {
            match reference(schema).and_then(|r| component(self.doc, r)) {
                Some(target) => schema = target,
                None => break,
            }
        }
        schema
    }
}

/// The component reference `schema` is, if any.
fn reference(schema: &Value) -> Option<&str> {
    schema
        .get("$ref")
        .and_then(Value::as_str)
        .filter(|r| ref_name(r).is_some())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn degraded(schemas: Value) -> (Value, Vec<String>) {
        let mut doc = json!({"components": {"schemas": schemas}});
        let mut notes = Notes::default();
        degrade_unending_merges(&mut doc, &mut notes);
        let at = notes.list().iter().map(|n| n.at.clone()).collect();
        (doc["components"]["schemas"].clone(), at)
    }

    fn to(name: &str) -> Value {
        json!({"$ref": format!("#/components/schemas/{name}")})
    }

    #[test]
    fn a_recursive_union_merged_with_itself_is_any_json() {
        let (schemas, at) = degraded(json!({
            "Pet": {"type": "object", "properties": {"p": {"anyOf": [to("Pet"), {"type": "string"}]}}},
            "Extended": {"allOf": [to("Pet"), {"properties": {"p": {"anyOf": [to("Pet"), {"type": "integer"}]}}}]},
        }));
        assert_eq!(at, ["#/components/schemas/Extended"]);
        assert_eq!(schemas["Extended"], json!({}));
        assert!(schemas["Pet"]["properties"]["p"]["anyOf"].is_array());
    }

    #[test]
    fn a_property_met_by_additional_properties_that_merges_the_whole_again_is_found() {
        // Merging Self's `value` with fooBar's additionalProperties resolves Both, whose fold
        // merges Self and fooBar again.
        let (_, at) = degraded(json!({
            "Self": {"oneOf": [{"type": "object", "properties": {"value": to("Both")}}]},
            "fooBar": {"type": "object", "additionalProperties": {"type": "object",
                "properties": {"null": {"allOf": [to("Other"), to("Self")]}}}},
            "Other": {"type": "array", "items": {"type": "integer"}},
            "Both": {"allOf": [to("Self"), to("fooBar")]},
        }));
        assert_eq!(at, ["#/components/schemas/Both"]);
    }

    #[test]
    fn the_merges_of_ordinary_recursive_documents_stay() {
        let schemas = json!({
            "Base": {"type": "object", "properties": {"id": {"type": "string"},
                "owner": to("Node")}},
            "Node": {"allOf": [to("Base"), {"type": "object", "required": ["id"], "properties": {
                "children": {"type": "array", "items": to("Node")},
                "parent": {"allOf": [to("Node")], "nullable": true}}}]},
            "Tagged": {"allOf": [to("Node"), to("Base"), {"properties": {"owner": to("Node")}}]},
            "Either": {"oneOf": [to("Node"), to("Base")], "properties": {"id": {"type": "string"}}},
        });
        let (kept, at) = degraded(schemas.clone());
        assert!(at.is_empty(), "{at:?}");
        assert_eq!(kept, schemas);
    }
    #[test]
    fn the_last_resort_types_merges_of_recursive_types_as_any_json() {
        let pet = to("Pet");
        let mut doc = json!({"components": {"schemas": {
            "Pet": {"type": "object", "properties": {"p": {"anyOf": [pet, {"type": "string"}]}}},
            "Extended": {"allOf": [pet, {"properties": {"p": {"anyOf": [pet, {"type": "integer"}]}}}]},
            "Plain": {"type": "object", "properties": {"id": {"type": "string"}}},
            "Kept": {"allOf": [{"$ref": "#/components/schemas/Plain"},
                               {"properties": {"pet": pet}}]},
        }}});
        let mut notes = Notes::default();
        assert_eq!(degrade_merges_of_recursive_types(&mut doc, &mut notes), 1);
        let schemas = &doc["components"]["schemas"];
        assert_eq!(schemas["Extended"], json!({}));
        // A merge of types that do not contain themselves ends, whatever they name by name.
        assert_eq!(schemas["Kept"]["allOf"][1]["properties"]["pet"], pet);
        assert_eq!(notes.list().len(), 1);
        assert_eq!(notes.list()[0].at, "#/components/schemas/Extended");
    }
}
