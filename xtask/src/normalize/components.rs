//! Schemas repaired for typify: the names it derives must be distinct, and what it checks must
//! hold.
//!
//! - **Component names.** typify names a component's type after its key in PascalCase, so `user`
//!   and `User` would both be `User` (a compile error), and `Result` or `String` would shadow the
//!   prelude. Such a component is renamed (`User2`, `ResultModel`), a key with characters outside
//!   `[A-Za-z0-9_.-]` too, and every reference follows.
//! - **Titles.** typify names an inline schema after its `title`, and two different schemas with
//!   the same title (FastAPI gives every field one) would silently become one type. Titles are
//!   kept on component schemas only; inline types are named after where they are.
//! - **Enums.** typify panics when two values of a string enum make the same variant name (`.`
//!   and `X`): such an enum is typed as a string, with a note. Repeated values are dropped.
//! - **Defaults.** A default of the wrong type (FastAPI writes `"10"` for an integer) is
//!   converted when it can be, and dropped when it cannot.
//! - **Unions of values.** typify makes an `anyOf` a struct of flattened optional fields, one per
//!   branch, which only an object fits: `anyOf: [string, array of string, Record]` read `"a"` or
//!   `["a"]` fails. Unless every branch is an object (or one admits any value), the `anyOf`
//!   becomes a `oneOf`, which typify makes an untagged enum: a value is one of them, read as the
//!   first branch that fits, as `anyOf` allows. Enum branches of one type merge first.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value, json};
use unicode_ident::is_xid_continue;

use crate::normalize::names::{Case, PRELUDE, TypeNames, sanitize};
use crate::normalize::notes::Notes;
use crate::normalize::walk::{component, component_ref, for_each_schema, resolve_schema};

/// Repairs the document's schemas; returns how many components were renamed plus how many
/// schemas were repaired.
pub fn normalize_components(doc: &mut Value, notes: &mut Notes) -> usize {
    let mut repaired = rename_components(doc);
    repaired += split_nullable_wrappers(doc);
    let snapshot = doc.clone();
    let _ = for_each_schema(doc, &mut |schema, at| {
        let component_root = at
            .strip_prefix("#/components/schemas/")
            .is_some_and(|rest| !rest.contains('/'));
        // typify names an inline schema after its title, and the type inside a nullable
        // component's `Option` too: named like the component, two types of one name.
        let nullable = schema.get("nullable") == Some(&Value::Bool(true));
        if (!component_root || nullable) && schema.shift_remove("title").is_some() {
            repaired += 1;
        }
        repaired += usize::from(merge_documentation_parts(schema));
        repaired += usize::from(repair_object(schema, at, notes));
        repaired += usize::from(repair_enum(schema, at, notes));
        repaired += usize::from(repair_default(&snapshot, schema, at));
        repaired += usize::from(union_of_values(&snapshot, schema));
        Ok(())
    });
    repaired
}

/// An `anyOf` whose branches are not all objects, nor all scalars, as a `oneOf` (see the module
/// docs); returns whether it changed.
fn union_of_values(doc: &Value, schema: &mut Map<String, Value>) -> bool {
    let merged = merge_enum_branches(schema);
    let Some(branches) = schema.get("anyOf").and_then(Value::as_array) else {
        return merged;
    };
    if branches.len() < 2 || schema.contains_key("oneOf") {
        return false;
    }
    let kinds: BTreeSet<Shape> = branches.iter().map(|b| shape(doc, b, 0)).collect();
    // A branch of unknown shape (any value) keeps typify's reading; so does a union of objects
    // alone, which typify's struct of flattened branches holds (and merges).
    let values = !kinds.contains(&Shape::Unknown) && kinds != BTreeSet::from([Shape::Object]);
    if values && let Some(branches) = schema.shift_remove("anyOf") {
        schema.insert("oneOf".into(), branches);
    }
    values || merged
}

/// What kind of JSON value a schema admits, as far as unions of values care.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Shape {
    /// A string, number, integer, boolean or enum of those.
    Scalar,
    Array,
    Object,
    /// A union of several of the above.
    Mixed,
    /// Any value, or what cannot be told.
    Unknown,
}

/// The [`Shape`] of `schema`, through references and nested unions.
fn shape(doc: &Value, schema: &Value, depth: usize) -> Shape {
    let schema = resolve_schema(doc, schema);
    match schema.get("type").and_then(Value::as_str) {
        Some("array") => return Shape::Array,
        Some("object") => return Shape::Object,
        Some("null") => return Shape::Unknown,
        Some(_) => return Shape::Scalar,
        None => {}
    }
    if schema.get("items").is_some() {
        return Shape::Array;
    }
    if ["properties", "additionalProperties", "allOf"]
        .iter()
        .any(|key| schema.get(*key).is_some())
    {
        return Shape::Object;
    }
    if schema.get("enum").is_some() {
        return Shape::Scalar;
    }
    let nested = ["anyOf", "oneOf"]
        .iter()
        .find_map(|key| schema.get(*key).and_then(Value::as_array));
    match nested {
        Some(branches) if depth < 8 && !branches.is_empty() => {
            let shapes: BTreeSet<Shape> =
                branches.iter().map(|b| shape(doc, b, depth + 1)).collect();
            match shapes.iter().next() {
                _ if shapes.contains(&Shape::Unknown) => Shape::Unknown,
                Some(only) if shapes.len() == 1 => *only,
                _ => Shape::Mixed,
            }
        }
        _ => Shape::Unknown,
    }
}

/// Merges the `anyOf` branches that are enums of one type into one enum of all their values:
/// `[number, enum [NaN], enum [Infinity], enum [Infinity, NaN]]` (Effect's schemas write
/// these) admits what `[number, enum [NaN, Infinity]]` does. typify made a struct of the five
/// branches, which no number or string fits. A union left with one branch is that branch.
/// Returns whether it changed anything.
fn merge_enum_branches(schema: &mut Map<String, Value>) -> bool {
    let Some(Value::Array(branches)) = schema.get_mut("anyOf") else {
        return false;
    };
    let plain_enum = |branch: &Value| -> Option<String> {
        let branch = branch.as_object()?;
        let ty = branch.get("type")?.as_str()?;
        branch.get("enum")?.as_array()?;
        let annotations = ["type", "enum", "description", "title"];
        branch
            .keys()
            .all(|key| annotations.contains(&key.as_str()))
            .then(|| ty.to_string())
    };
    let mut first_of_type: BTreeMap<String, usize> = BTreeMap::new();
    let mut merged_into: Vec<(usize, usize)> = Vec::new();
    for (index, branch) in branches.iter().enumerate() {
        if let Some(ty) = plain_enum(branch) {
            match first_of_type.get(&ty) {
                Some(&first) => merged_into.push((index, first)),
                None => {
                    first_of_type.insert(ty, index);
                }
            }
        }
    }
    if merged_into.is_empty() {
        return false;
    }
    for &(index, first) in &merged_into {
        let values = branches[index]["enum"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        if let Some(Value::Array(into)) = branches[first].get_mut("enum") {
            for value in values {
                if !into.contains(&value) {
                    into.push(value);
                }
            }
        }
        if let Some(branch) = branches[first].as_object_mut() {
            branch.shift_remove("description");
            branch.shift_remove("title");
        }
    }
    let gone: BTreeSet<usize> = merged_into.iter().map(|(index, _)| *index).collect();
    let mut index = 0;
    branches.retain(|_| {
        index += 1;
        !gone.contains(&(index - 1))
    });
    if branches.len() == 1
        && let Some(Value::Array(mut only)) = schema.shift_remove("anyOf")
        && let Some(Value::Object(branch)) = only.pop()
    {
        for (key, value) in branch {
            schema.entry(key).or_insert(value);
        }
    }
    true
}

/// Renames components whose type names would collide, shadow the prelude or not be names;
/// returns how many it renamed.
fn rename_components(doc: &mut Value) -> usize {
    let Some(schemas) = doc
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
    else {
        return 0;
    };
    let mut taken = BTreeSet::new();
    let mut renames: BTreeMap<String, String> = BTreeMap::new();
    for key in schemas.keys() {
        let mut base: String = key
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || "_.-".contains(c) {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        if PRELUDE.contains(&sanitize(&base, Case::Pascal).as_str()) {
            base.push_str("Model");
        }
        let mut name = base.clone();
        let mut n = 2;
        while !taken.insert(sanitize(&name, Case::Pascal)) {
            name = format!("{base}{n}");
            n += 1;
        }
        if name != *key {
            renames.insert(key.clone(), name);
        }
    }
    rename(doc, &renames);
    renames.len()
}

/// A nullable component typify would name two types after (the `Option` and the type inside,
/// which do not compile), made a nullable reference to a new component `<Name>Value` holding
/// the rest: a union (3.1's `anyOf: [A, B, null]`), or an `allOf` that is more than one
/// reference (Plaid's `{nullable: true, allOf: [{$ref: Scopes}, {additionalProperties: true}]}`,
/// or a property moved out to a component of its own, `{nullable: true, allOf: [{...}]}`).
/// Returns how many it split.
pub fn split_nullable_wrappers(doc: &mut Value) -> usize {
    let Some(schemas) = doc
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
    else {
        return 0;
    };
    let splits: Vec<String> = schemas
        .iter()
        .filter(|(_, schema)| {
            schema.get("nullable") == Some(&Value::Bool(true))
                && (schema.get("anyOf").is_some()
                    || schema.get("oneOf").is_some()
                    || schema
                        .get("allOf")
                        .is_some_and(|all| !is_one_reference(all)))
        })
        .map(|(name, _)| name.clone())
        .collect();
    let mut names = TypeNames::of(schemas.keys());
    for name in &splits {
        let inner_name = names.claim(&format!("{name}Value"));
        let Some(Value::Object(mut inner)) = schemas.get(name).cloned() else {
            continue;
        };
        inner.shift_remove("nullable");
        let mut outer = Map::new();
        for key in ["description", "title", "deprecated"] {
            if let Some(value) = inner.get(key) {
                outer.insert(key.into(), value.clone());
            }
        }
        outer.insert(
            "allOf".into(),
            serde_json::json!([{ "$ref": component_ref(&inner_name) }]),
        );
        outer.insert("nullable".into(), Value::Bool(true));
        schemas.insert(name.clone(), Value::Object(outer));
        schemas.insert(inner_name, Value::Object(inner));
    }
    splits.len()
}

/// Whether an `allOf` is a single reference: `allOf: [{$ref}]`, how a nullable reference is
/// written.
fn is_one_reference(all: &Value) -> bool {
    all.as_array().is_some_and(|parts| {
        parts.len() == 1
            && parts[0]
                .as_object()
                .is_some_and(|part| part.contains_key("$ref"))
    })
}

/// Renames component schemas (old name → new name), keeping their order, and every reference.
pub fn rename(doc: &mut Value, renames: &BTreeMap<String, String>) {
    if renames.is_empty() {
        return;
    }
    let Some(schemas) = doc
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
    else {
        return;
    };
    for (key, schema) in std::mem::take(schemas) {
        let key = renames.get(&key).cloned().unwrap_or(key);
        schemas.insert(key, schema);
    }
    let references: BTreeMap<String, String> = renames
        .iter()
        .map(|(old, new)| (component_ref(old), component_ref(new)))
        .collect();
    rewrite_references(doc, &references);
}

/// Replaces every `$ref` (and discriminator mapping) found in `renames`.
fn rewrite_references(value: &mut Value, renames: &BTreeMap<String, String>) {
    match value {
        Value::Object(map) => {
            for (key, value) in map.iter_mut() {
                match value {
                    Value::String(text) if key == "$ref" => {
                        if let Some(new) = renames.get(text.as_str()) {
                            *text = new.clone();
                        }
                    }
                    Value::Object(mapping) if key == "mapping" => {
                        for target in mapping.values_mut() {
                            if let Value::String(text) = target
                                && let Some(new) = renames.get(text.as_str())
                            {
                                *text = new.clone();
                            }
                        }
                    }
                    _ => rewrite_references(value, renames),
                }
            }
        }
        Value::Array(items) => items
            .iter_mut()
            .for_each(|v| rewrite_references(v, renames)),
        _ => {}
    }
}

/// Keywords that only document a schema.
const DOCUMENTATION: [&str; 9] = [
    "description",
    "title",
    "example",
    "examples",
    "externalDocs",
    "deprecated",
    "readOnly",
    "writeOnly",
    "$comment",
];

/// `allOf` parts that only document (`allOf: [{$ref: Item}, {description: ..}]`, Box's way of
/// describing a reference) move into the schema: typify would otherwise merge them into a new
/// type, named like its parent's property, that may collide with a component's name.
fn merge_documentation_parts(schema: &mut Map<String, Value>) -> bool {
    let Some(parts) = schema.get_mut("allOf").and_then(Value::as_array_mut) else {
        return false;
    };
    if parts.len() < 2 {
        return false;
    }
    let documentation_only = |part: &Value| {
        part.as_object().is_some_and(|part| {
            part.keys()
                .all(|k| DOCUMENTATION.contains(&k.as_str()) || k.starts_with("x-"))
        })
    };
    let (documentation, kept): (Vec<Value>, Vec<Value>) = std::mem::take(parts)
        .into_iter()
        .partition(documentation_only);
    *parts = kept;
    if parts.is_empty() {
        schema.shift_remove("allOf");
    }
    for part in documentation.iter().filter_map(Value::as_object) {
        for (key, value) in part {
            if !key.starts_with("x-") {
                schema.entry(key.clone()).or_insert_with(|| value.clone());
            }
        }
    }
    !documentation.is_empty()
}

/// An object's fields as typify makes them: `required` names only declared properties (typify
/// would add a field for each other one, and `Id` next to `id` is a compile error), and no two
/// properties make the same Rust field name (the later one is left out, with a note).
fn repair_object(schema: &mut Map<String, Value>, at: &str, notes: &mut Notes) -> bool {
    let Some(properties) = schema.get_mut("properties").and_then(Value::as_object_mut) else {
        return false;
    };
    let mut repaired = false;
    let mut taken = BTreeSet::new();
    let mut colliding = Vec::new();
    for name in properties.keys() {
        if !taken.insert(sanitize(name, Case::Snake)) {
            colliding.push(name.clone());
        }
    }
    for name in &colliding {
        properties.shift_remove(name);
        notes.add(
            at,
            format!("left out property `{name}`: its Rust field name is another property's"),
        );
        repaired = true;
    }
    // A required name the object does not declare (weaviate's role `name`, mistral's sharing
    // `level`): where nothing else could declare it, it becomes a property of any value, so the
    // client can send what the server requires; otherwise it is no longer required.
    let composed = ["allOf", "anyOf", "oneOf"]
        .iter()
        .any(|key| schema.contains_key(*key));
    let undeclared: Vec<String> = schema
        .get("required")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .filter(|name| !properties_of(schema).is_some_and(|p| p.contains_key(*name)))
        .filter(|name| !composed && !colliding.iter().any(|c| c == name))
        // A name that differs from a declared one in case only (`id` next to `Id`) would be
        // the same Rust field: a mistake of the document, no longer required.
        .filter(|name| !taken.contains(&sanitize(name, Case::Snake)))
        .map(str::to_string)
        .collect();
    if let Some(properties) = schema.get_mut("properties").and_then(Value::as_object_mut) {
        for name in undeclared {
            let described = json!({"description": "Required by the document, which describes no value for it."});
            properties.insert(name, described);
            repaired = true;
        }
    }
    let declared: BTreeSet<String> = properties_of(schema)
        .map(|p| p.keys().cloned().collect())
        .unwrap_or_default();
    if let Some(required) = schema.get_mut("required").and_then(Value::as_array_mut) {
        let before = required.len();
        required.retain(|name| name.as_str().is_some_and(|n| declared.contains(n)));
        repaired |= required.len() != before;
        if required.is_empty() {
            schema.shift_remove("required");
        }
    }
    repaired
}

fn properties_of(schema: &Map<String, Value>) -> Option<&Map<String, Value>> {
    schema.get("properties").and_then(Value::as_object)
}

/// The variant names typify gives a string enum's values, as it tries them: plainly, then with
/// the characters it elides written as `X`. `None` when both collide.
fn variant_names(values: &[&str]) -> Option<Vec<String>> {
    let unique = |names: &[String]| names.iter().collect::<BTreeSet<_>>().len() == names.len();
    let plain: Vec<String> = values.iter().map(|v| sanitize(v, Case::Pascal)).collect();
    if unique(&plain) {
        return Some(plain);
    }
    let marked: Vec<String> = values
        .iter()
        .map(|v| {
            sanitize(
                &v.replace(|c: char| c == '_' || !is_xid_continue(c), "X"),
                Case::Pascal,
            )
        })
        .collect();
    unique(&marked).then_some(marked)
}

fn repair_enum(schema: &mut Map<String, Value>, at: &str, notes: &mut Notes) -> bool {
    // An enum already says which values are allowed; typify fails to merge one with `allOf`
    // (an enum narrowing a shared enum).
    let narrowed = schema.contains_key("enum") && schema.shift_remove("allOf").is_some();
    let Some(values) = schema.get_mut("enum").and_then(Value::as_array_mut) else {
        return narrowed;
    };
    let before = values.len();
    let mut seen = Vec::new();
    values.retain(|v| {
        if seen.contains(v) {
            false
        } else {
            seen.push(v.clone());
            true
        }
    });
    let deduplicated = values.len() != before;
    let strings: Option<Vec<&str>> = values.iter().map(Value::as_str).collect();
    let Some(strings) = strings else {
        return deduplicated || narrowed;
    };
    if variant_names(&strings).is_some() {
        return deduplicated || narrowed;
    }
    notes.add(
        at,
        format!(
            "the enum values {} make the same Rust variant name; typed as a string",
            strings
                .iter()
                .map(|v| format!("`{v}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    );
    schema.shift_remove("enum");
    schema.entry("type").or_insert_with(|| "string".into());
    true
}

/// Converts a default to the schema's type where it can (FastAPI and utoipa write `"10"`,
/// `"false"`, `"null"`), drops it where it cannot: typify refuses a default that does not fit.
fn repair_default(doc: &Value, schema: &mut Map<String, Value>, at: &str) -> bool {
    let Some(default) = schema.get("default").cloned() else {
        return false;
    };
    // typify checks a union's default against the type it makes of the union (for `anyOf`, a
    // struct of optional parts), which a plain value never fits; a union's default, or one of
    // its branches', tells a client nothing it can send anyway.
    let this = Value::Object(schema.clone());
    let is_union = |schema: &Value| {
        ["anyOf", "oneOf"].iter().any(|k| schema.get(*k).is_some())
            || schema
                .get("allOf")
                .and_then(Value::as_array)
                .is_some_and(|parts| parts.len() > 1)
    };
    let union = is_union(&this) || is_union(resolve_schema(doc, &this));
    let branch = at
        .rsplit('/')
        .nth(1)
        .is_some_and(|parent| parent == "anyOf" || parent == "oneOf");
    if union || branch {
        schema.shift_remove("default");
        return true;
    }
    if fits(doc, &this, &default, 0) {
        return false;
    }
    let candidates: Vec<Value> = match &default {
        Value::String(text) => serde_json::from_str::<Value>(text.trim())
            .ok()
            .into_iter()
            .collect(),
        Value::Number(_) | Value::Bool(_) => vec![Value::String(default.to_string())],
        _ => Vec::new(),
    };
    match candidates.into_iter().find(|c| fits(doc, &this, c, 0)) {
        Some(value) => {
            schema.insert("default".into(), value);
        }
        None => {
            schema.shift_remove("default");
        }
    }
    true
}

/// Whether `value` has the type, enum and nullability `schema` (followed through references
/// and unions) allows: the checks typify makes of a default.
fn fits(doc: &Value, schema: &Value, value: &Value, depth: usize) -> bool {
    if depth > 16 {
        return true;
    }
    let nullable = schema.get("nullable") == Some(&Value::Bool(true));
    if value.is_null() && nullable {
        return true;
    }
    if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
        return component(doc, reference).is_none_or(|target| fits(doc, target, value, depth + 1));
    }
    if let Some(values) = schema.get("enum").and_then(Value::as_array) {
        return values.contains(value);
    }
    if let Some(branches) = schema.get("allOf").and_then(Value::as_array)
        && !branches.iter().all(|b| fits(doc, b, value, depth + 1))
    {
        return false;
    }
    for key in ["anyOf", "oneOf"] {
        if let Some(branches) = schema.get(key).and_then(Value::as_array)
            && !branches.iter().any(|b| fits(doc, b, value, depth + 1))
        {
            return false;
        }
    }
    match schema.get("type").and_then(Value::as_str) {
        Some("string") => value.is_string(),
        Some("integer") => value.is_i64() || value.is_u64(),
        Some("number") => value.is_number(),
        Some("boolean") => value.is_boolean(),
        Some("array") => value.is_array(),
        Some("object") => value.is_object(),
        _ => !value.is_null() || schema.as_object().is_some_and(Map::is_empty),
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{doc, lines, run};
    use super::*;
    use serde_json::json;

    fn components(schemas: Value) -> (Value, Vec<String>) {
        let mut spec = doc(
            json!({"/a": {"get": {"responses": {"200": {"description": "ok",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/user"}}}}}}}}),
        );
        spec["components"] = json!({"schemas": schemas});
        let normalized = run(spec);
        let lines = lines(&normalized);
        (normalized.document, lines)
    }

    #[test]
    fn names_that_collide_or_shadow_the_prelude_are_renamed() {
        let (doc, _) = components(json!({
            "user": {"type": "object", "properties": {"same": {"$ref": "#/components/schemas/User"}}},
            "User": {"type": "object", "properties": {"r": {"$ref": "#/components/schemas/Result"}}},
            "Result": {"type": "object"},
            "Page[Item]": {"type": "object"}}));
        let keys: Vec<&String> = doc["components"]["schemas"]
            .as_object()
            .unwrap()
            .keys()
            .collect();
        assert_eq!(keys, ["user", "User2", "ResultModel", "Page_Item_"]);
        let schemas = &doc["components"]["schemas"];
        assert_eq!(
            schemas["user"]["properties"]["same"]["$ref"],
            "#/components/schemas/User2"
        );
        assert_eq!(
            schemas["User2"]["properties"]["r"]["$ref"],
            "#/components/schemas/ResultModel"
        );
    }

    #[test]
    fn parts_of_an_all_of_that_only_document_move_into_the_schema() {
        let (doc, _) = components(json!({"user": {"type": "object", "properties": {
            "item": {"allOf": [{"$ref": "#/components/schemas/Item"}, {"description": "The item."}],
                     "nullable": true}}},
            "Item": {"type": "object"}}));
        assert_eq!(
            doc["components"]["schemas"]["user"]["properties"]["item"],
            json!({"allOf": [{"$ref": "#/components/schemas/Item"}], "nullable": true, "description": "The item."})
        );
    }

    #[test]
    fn a_nullable_union_component_is_split() {
        let (doc, _) = components(json!({"user": {"type": "object"},
            "Model": {"description": "d", "anyOf": [{"type": "string"}, {"type": "integer"}],
                      "nullable": true}}));
        let schemas = &doc["components"]["schemas"];
        assert_eq!(
            schemas["Model"],
            json!({"description": "d", "allOf": [{"$ref": "#/components/schemas/ModelValue"}], "nullable": true})
        );
        assert_eq!(
            schemas["ModelValue"],
            json!({"description": "d", "oneOf": [{"type": "string"}, {"type": "integer"}]})
        );
    }

    #[test]
    fn a_nullable_all_of_is_split_unless_it_is_one_reference_and_its_title_goes() {
        let (doc, _) = components(json!({"user": {"type": "object"},
            "Item": {"type": "object"},
            "Merged": {"nullable": true, "title": "Merged",
                       "allOf": [{"$ref": "#/components/schemas/Item"}, {"additionalProperties": true}]},
            "Reference": {"nullable": true, "allOf": [{"$ref": "#/components/schemas/Item"}]},
            "Titled": {"type": "string", "title": "Titled", "nullable": true, "enum": ["a", null]},
            "Plain": {"type": "string", "title": "Plain"}}));
        let schemas = &doc["components"]["schemas"];
        assert_eq!(
            schemas["Merged"],
            json!({"allOf": [{"$ref": "#/components/schemas/MergedValue"}], "nullable": true})
        );
        assert_eq!(
            schemas["MergedValue"]["allOf"][0]["$ref"],
            "#/components/schemas/Item"
        );
        assert_eq!(
            schemas["Reference"],
            json!({"nullable": true, "allOf": [{"$ref": "#/components/schemas/Item"}]})
        );
        assert!(
            schemas["Titled"].get("title").is_none(),
            "{}",
            schemas["Titled"]
        );
        assert_eq!(schemas["Plain"]["title"], "Plain");
    }

    #[test]
    fn a_required_name_no_property_declares_becomes_a_property_of_any_value() {
        let (doc, lines) = components(json!({"user": {"type": "object"},
            "Role": {"type": "object", "required": ["name", "permissions"],
                     "properties": {"permissions": {"type": "array", "items": {"type": "string"}}}},
            "Part": {"type": "object", "required": ["x"], "properties": {"y": {"type": "string"}},
                     "allOf": [{"$ref": "#/components/schemas/user"}]},
            "Cased": {"type": "object", "required": ["id"], "properties": {"Id": {"type": "string"}}}}));
        assert!(lines.is_empty(), "{lines:?}");
        let schemas = &doc["components"]["schemas"];
        assert_eq!(schemas["Role"]["required"], json!(["name", "permissions"]));
        assert!(schemas["Role"]["properties"]["name"].get("type").is_none());
        // Where a member could declare it, the name is no longer required instead.
        assert!(
            schemas["Part"].get("required").is_none(),
            "{}",
            schemas["Part"]
        );
        assert!(schemas["Part"]["properties"].get("x").is_none());
        // `id` would be the Rust field `Id` is: not a second property.
        assert!(
            schemas["Cased"].get("required").is_none(),
            "{}",
            schemas["Cased"]
        );
        assert!(schemas["Cased"]["properties"].get("id").is_none());
    }

    #[test]
    fn enum_branches_of_one_type_are_one_enum() {
        let (doc, _) = components(json!({
            "Time": {"anyOf": [{"type": "number"}, {"type": "string", "enum": ["NaN"]},
                               {"type": "string", "enum": ["Infinity"]},
                               {"type": "string", "enum": ["Infinity", "-Infinity", "NaN"]}]},
            "Word": {"anyOf": [{"type": "string", "enum": ["a"]}, {"type": "string", "enum": ["b"]}]},
            "Bounded": {"anyOf": [{"type": "string", "enum": ["a"]},
                                  {"type": "string", "enum": ["b"], "pattern": "b"}]}}));
        let schemas = &doc["components"]["schemas"];
        assert_eq!(
            schemas["Time"],
            json!({"oneOf": [{"type": "number"},
                             {"type": "string", "enum": ["NaN", "Infinity", "-Infinity"]}]})
        );
        assert_eq!(
            schemas["Word"],
            json!({"type": "string", "enum": ["a", "b"]})
        );
        // A branch with a constraint beyond its values stays a branch of its own.
        assert_eq!(
            schemas["Bounded"]["oneOf"].as_array().map(Vec::len),
            Some(2)
        );
    }

    #[test]
    fn a_union_of_values_is_one_of_them_and_unions_of_objects_stay() {
        let array = json!({"type": "array", "items": {"type": "string"}});
        let (doc, _) = components(json!({
            "Record": {"type": "object", "properties": {"name": {"type": "string"}}},
            "Labels": {"anyOf": [{"type": "string"}, array, {"$ref": "#/components/schemas/Record"}]},
            "Mixed": {"anyOf": [{"type": "integer"}, {"$ref": "#/components/schemas/Record"}]},
            "Objects": {"anyOf": [{"$ref": "#/components/schemas/Record"}, {"type": "object"}]},
            "Scalars": {"anyOf": [{"type": "string"}, {"type": "integer"}]},
            "Overlapping": {"anyOf": [{"type": "string", "format": "uri"}, {"type": "string"}]},
            "Nested": {"anyOf": [{"type": "boolean"}, {"$ref": "#/components/schemas/Objects"}]},
            "Unknown": {"anyOf": [{"type": "string"}, {}]}}));
        let schemas = &doc["components"]["schemas"];
        // Scalars that overlap (qdrant's `GroupId`, a string or one of two integers) would be
        // a struct no scalar fits; a union of unions is told by its branches' shapes.
        for (union, branches) in [
            ("Labels", 3),
            ("Mixed", 2),
            ("Scalars", 2),
            ("Overlapping", 2),
            ("Nested", 2),
        ] {
            assert!(
                schemas[union].get("anyOf").is_none(),
                "{union}: {}",
                schemas[union]
            );
            assert_eq!(
                schemas[union]["oneOf"].as_array().map(Vec::len),
                Some(branches)
            );
        }
        for union in ["Objects", "Unknown"] {
            assert!(
                schemas[union].get("oneOf").is_none(),
                "{union}: {}",
                schemas[union]
            );
        }
    }

    #[test]
    fn inline_titles_go_and_component_titles_stay() {
        let (doc, _) = components(json!({"user": {"title": "User", "type": "object",
            "properties": {"a": {"title": "Name", "type": "object"}, "b": {"title": "Name", "type": "object"}}}}));
        let user = &doc["components"]["schemas"]["user"];
        assert_eq!(user["title"], "User");
        assert!(user["properties"]["a"].get("title").is_none());
    }

    #[test]
    fn an_enum_whose_values_make_one_variant_name_is_a_string() {
        let (doc, notes) = components(json!({"user": {"type": "object", "properties": {
            "mark": {"type": "string", "enum": [".", "X"]},
            "ok": {"type": "string", "enum": ["a", "b", "a"]},
            "dash": {"type": "string", "enum": ["a-b", "aB"]}}}}));
        let properties = &doc["components"]["schemas"]["user"]["properties"];
        assert_eq!(properties["mark"], json!({"type": "string"}));
        assert_eq!(properties["ok"]["enum"], json!(["a", "b"]));
        assert_eq!(properties["dash"]["enum"], json!(["a-b", "aB"]));
        assert_eq!(
            notes,
            [
                "#/components/schemas/user/properties/mark: the enum values `.`, `X` make the same \
              Rust variant name; typed as a string"
            ]
        );
    }

    #[test]
    fn defaults_take_their_schema_type() {
        let (doc, _) = components(json!({"user": {"type": "object", "properties": {
            "limit": {"type": "integer", "default": "10"},
            "ratio": {"type": "number", "default": "0.5"},
            "flag": {"type": "boolean", "default": "true"},
            "bad": {"type": "integer", "default": "ten"},
            "nil": {"type": "string", "default": null},
            "choice": {"type": "string", "enum": ["a"], "default": "b"},
            "wrapped": {"allOf": [{"$ref": "#/components/schemas/Kind"}], "nullable": true, "default": "null"},
            "kind": {"allOf": [{"$ref": "#/components/schemas/Kind"}], "default": "auto"},
            "either": {"anyOf": [{"type": "string"}, {"type": "string", "enum": ["a"], "default": "a"}],
                       "default": "a"},
            "voice": {"allOf": [{"$ref": "#/components/schemas/Voice"}], "default": "a"}}},
            "Voice": {"anyOf": [{"type": "string"}, {"type": "string", "enum": ["a"]}]},
            "Kind": {"type": "string", "enum": ["auto", "none"]}}));
        let properties = &doc["components"]["schemas"]["user"]["properties"];
        assert_eq!(properties["limit"]["default"], 10);
        assert_eq!(properties["ratio"]["default"], 0.5);
        assert_eq!(properties["flag"]["default"], true);
        assert!(properties["bad"].get("default").is_none());
        assert!(properties["nil"].get("default").is_none());
        assert!(properties["choice"].get("default").is_none());
        assert_eq!(properties["wrapped"]["default"], Value::Null);
        assert_eq!(properties["kind"]["default"], "auto");
        // Known values next to a plain string are an open enum, whose values a default may be.
        assert_eq!(properties["either"]["default"], "a");
        assert!(properties["either"].get("anyOf").is_none());
        assert_eq!(properties["voice"]["default"], "a");
    }
}
