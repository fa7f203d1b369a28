//! Which schema of the document each generated type was made from.
//!
//! typify names a type after its component (`Agent`) or after the place an inline schema sits
//! (`StartAgentBody`, `TestStepInput`), and keeps no link back. This module rebuilds the link:
//! from the component schemas and each operation's request body and success answer, it follows
//! every field of a struct to the property it holds, every list to its items and every variant
//! of a union to its branch, so a pass that needs the spec's word on a type (is this field
//! nullable, what are its bounds) can read it.

use std::collections::{BTreeMap, VecDeque};

use serde_json::Value;
use syn::{Fields, Item, Type};

use crate::generate::operation_table::operation_types;
use crate::normalize::names::{Case, sanitize};
use crate::normalize::walk::resolve_schema;
use crate::rewrite::deprecated::serde_rename;

/// The schema a type was made from.
#[derive(Debug, Clone)]
pub struct Origin {
    /// The schema, references and single `allOf`s resolved.
    pub schema: Value,
    /// What to call it when typify gave it no description: `The request body of POST /x.`
    pub role: Option<String>,
}

/// Every type of the `types` module whose schema can be found, by name.
pub fn origins(file: &syn::File, doc: &Value) -> BTreeMap<String, Origin> {
    let items: BTreeMap<String, &Item> = types_items(file)
        .iter()
        .filter_map(|item| match item {
            Item::Struct(s) => Some((s.ident.to_string(), item)),
            Item::Enum(e) => Some((e.ident.to_string(), item)),
            _ => None,
        })
        .collect();
    let mut found: BTreeMap<String, Origin> = BTreeMap::new();
    let mut queue = VecDeque::new();
    let mut seed = |name: String, schema: &Value, role: Option<String>| {
        if items.contains_key(&name) && !found.contains_key(&name) {
            found.insert(
                name.clone(),
                Origin {
                    schema: resolve_schema(doc, schema).clone(),
                    role,
                },
            );
            queue.push_back(name);
        }
    };
    if let Some(schemas) = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
    {
        for (name, schema) in schemas {
            seed(sanitize(name, Case::Pascal), schema, None);
        }
    }
    for op in operation_types(file, doc) {
        if let (Some(name), Some(schema)) = (op.body, &op.body_schema) {
            seed(
                name,
                schema,
                Some(format!("The request body of {}.", op.label)),
            );
        }
        if let (Some(name), Some((status, schema))) = (op.answer, &op.answer_schema) {
            seed(
                name,
                schema,
                Some(format!("The {status} answer of {}.", op.label)),
            );
        }
    }
    while let Some(name) = queue.pop_front() {
        let schema = found[&name].schema.clone();
        for (inner, at) in parts(items[&name], doc, &schema) {
            if items.contains_key(&inner) && !found.contains_key(&inner) {
                found.insert(
                    inner.clone(),
                    Origin {
                        schema: resolve_schema(doc, &at).clone(),
                        role: None,
                    },
                );
                queue.push_back(inner);
            }
        }
    }
    found
}

/// The property schema of `name` in an object schema (its own properties, or an `allOf`
/// member's), unresolved: a `nullable` next to a reference stays visible.
pub fn property<'a>(doc: &'a Value, object: &'a Value, name: &str) -> Option<&'a Value> {
    if let Some(found) = object.get("properties").and_then(|p| p.get(name)) {
        return Some(found);
    }
    object
        .get("allOf")
        .and_then(Value::as_array)?
        .iter()
        .find_map(|member| property(doc, resolve_schema(doc, member), name))
}

/// Whether an object schema requires the property `name` (itself, or through an `allOf`).
pub fn requires(doc: &Value, object: &Value, name: &str) -> bool {
    let own = object
        .get("required")
        .and_then(Value::as_array)
        .is_some_and(|list| list.iter().any(|v| v == name));
    own || object
        .get("allOf")
        .and_then(Value::as_array)
        .is_some_and(|members| {
            members
                .iter()
                .any(|member| requires(doc, resolve_schema(doc, member), name))
        })
}

/// Whether a schema admits `null` (3.0's `nullable`, on the place or on what it refers to).
pub fn is_nullable(doc: &Value, schema: &Value) -> bool {
    let says = |s: &Value| s.get("nullable") == Some(&Value::Bool(true));
    says(schema) || says(resolve_schema(doc, schema))
}

/// The generated type a field's type names, with what wraps it: `Option<Vec<X>>` → (`X`,
/// list depth 1).
pub fn named_type(ty: &Type) -> Option<(String, usize)> {
    let Type::Path(path) = ty else { return None };
    let name = path.path.segments.last()?.ident.to_string();
    match name.as_str() {
        "Option" | "Box" => named_type(type_argument(ty)?),
        "Vec" => named_type(type_argument(ty)?).map(|(name, depth)| (name, depth + 1)),
        _ => Some((name, 0)),
    }
}

/// The first type argument of a path type's last segment: `T` of `Option<T>`.
pub fn type_argument(ty: &Type) -> Option<&Type> {
    let Type::Path(path) = ty else { return None };
    match &path.path.segments.last()?.arguments {
        syn::PathArguments::AngleBracketed(args) => args.args.iter().find_map(|a| match a {
            syn::GenericArgument::Type(t) => Some(t),
            _ => None,
        }),
        _ => None,
    }
}

/// The types a type's parts name, each with the schema the part was made from.
fn parts(item: &Item, doc: &Value, schema: &Value) -> Vec<(String, Value)> {
    let mut found = Vec::new();
    let mut add = |ty: &Type, at: &Value| {
        if let Some((name, depth)) = named_type(ty) {
            let mut at = resolve_schema(doc, at);
            for _ in 0..depth {
                at = resolve_schema(doc, at.get("items").unwrap_or(&Value::Null));
            }
            found.push((name, at.clone()));
        }
    };
    match item {
        Item::Struct(s) => match &s.fields {
            Fields::Named(fields) => {
                for field in &fields.named {
                    let Some(ident) = &field.ident else { continue };
                    let wire = serde_rename(&field.attrs).unwrap_or_else(|| ident.to_string());
                    if let Some(at) = property(doc, schema, &wire) {
                        add(&field.ty, at);
                    }
                }
            }
            Fields::Unnamed(fields) if fields.unnamed.len() == 1 => {
                add(&fields.unnamed[0].ty, schema);
            }
            _ => {}
        },
        Item::Enum(e) => {
            let branches = ["anyOf", "oneOf"]
                .iter()
                .find_map(|key| schema.get(*key).and_then(Value::as_array));
            if let Some(branches) = branches
                && branches.len() == e.variants.len()
            {
                for (variant, branch) in e.variants.iter().zip(branches) {
                    if let Fields::Unnamed(fields) = &variant.fields
                        && fields.unnamed.len() == 1
                    {
                        add(&fields.unnamed[0].ty, branch);
                    }
                }
            }
        }
        _ => {}
    }
    found
}

/// The items of `pub mod types`.
fn types_items(file: &syn::File) -> &[Item] {
    file.items
        .iter()
        .find_map(|item| match item {
            Item::Mod(module) if module.ident == "types" => {
                module.content.as_ref().map(|(_, items)| items.as_slice())
            }
            _ => None,
        })
        .unwrap_or(&[])
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use syn::parse_quote;

    #[test]
    fn fields_lists_and_union_variants_lead_to_their_schemas() {
        let doc = json!({"components": {"schemas": {
            "Run": {"type": "object", "required": ["steps"], "properties": {
                "steps": {"type": "array", "items": {"type": "object", "properties": {
                    "kind": {"type": "string", "maxLength": 9}}}},
                "owner": {"nullable": true, "allOf": [{"$ref": "#/components/schemas/Owner"}]},
                "target": {"anyOf": [
                    {"type": "object", "properties": {"url": {"type": "string"}}},
                    {"type": "object", "properties": {"path": {"type": "string"}}}]}}},
            "Owner": {"type": "object", "properties": {"email": {"type": "string"}}}}}});
        let file: syn::File = parse_quote! {
            pub mod types {
                pub struct Run {
                    pub steps: Vec<RunStepsItem>,
                    pub owner: Option<Owner>,
                    pub target: Option<RunTarget>,
                }
                pub struct RunStepsItem { pub kind: Option<String> }
                pub struct Owner { pub email: Option<String> }
                pub enum RunTarget { Variant0(RunTargetVariant0), Variant1(RunTargetVariant1) }
                pub struct RunTargetVariant0 { pub url: Option<String> }
                pub struct RunTargetVariant1 { pub path: Option<String> }
            }
        };
        let found = origins(&file, &doc);
        assert_eq!(
            found["RunStepsItem"].schema["properties"]["kind"]["maxLength"],
            9
        );
        assert!(found["Owner"].schema["properties"].get("email").is_some());
        assert!(
            found["RunTargetVariant1"].schema["properties"]
                .get("path")
                .is_some()
        );
        let run = &found["Run"].schema;
        assert!(is_nullable(&doc, property(&doc, run, "owner").unwrap()));
        assert!(requires(&doc, run, "steps") && !requires(&doc, run, "owner"));
    }
}
