//! `#[deprecated]` on what the document deprecates: operations (the `Client` method),
//! parameters (the builder's setter), component schemas (the type) and their properties (the
//! field and its setter).

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;
use syn::{Attribute, ImplItem, Item, parse_quote};

use super::{OperationPlan, type_ident};
use crate::normalize::names::{Case, sanitize};

/// Marks what is deprecated; whether it marked anything.
pub fn rewrite(file: &mut syn::File, doc: &Value, plans: &[OperationPlan]) -> bool {
    let methods: BTreeSet<&str> = plans
        .iter()
        .filter(|p| p.deprecated)
        .map(|p| p.method.as_str())
        .collect();
    let setters: BTreeMap<&str, &[String]> = plans
        .iter()
        .filter(|p| !p.deprecated_parameters.is_empty())
        .map(|p| (p.builder.as_str(), p.deprecated_parameters.as_slice()))
        .collect();
    let (types, fields) = deprecated_schemas(doc);
    let mut marked = false;
    for item in file.items.iter_mut() {
        match item {
            Item::Impl(block)
                if block.trait_.is_none()
                    && type_ident(&block.self_ty).as_deref() == Some("Client") =>
            {
                marked |= mark_functions(&mut block.items, |name| methods.contains(name));
            }
            Item::Mod(module) if module.ident == "builder" => {
                let Some((_, items)) = module.content.as_mut() else {
                    continue;
                };
                for item in items.iter_mut() {
                    if let Item::Impl(block) = item
                        && let Some(names) = type_ident(&block.self_ty)
                            .and_then(|t| setters.get(t.as_str()).copied())
                    {
                        marked |= mark_functions(&mut block.items, |name| {
                            names.iter().any(|n| n == name)
                        });
                    }
                }
            }
            Item::Mod(module) if module.ident == "types" => {
                if let Some((_, items)) = module.content.as_mut() {
                    marked |= mark_types(items, &types, &fields);
                }
            }
            _ => {}
        }
    }
    marked
}

/// Deprecated component types (by type name), and deprecated properties of component types
/// (type name → property names as the document writes them).
fn deprecated_schemas(doc: &Value) -> (BTreeSet<String>, BTreeMap<String, BTreeSet<String>>) {
    let mut types = BTreeSet::new();
    let mut fields: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let Some(schemas) = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
    else {
        return (types, fields);
    };
    for (name, schema) in schemas {
        let type_name = sanitize(name, Case::Pascal);
        if schema.get("deprecated") == Some(&Value::Bool(true)) {
            types.insert(type_name.clone());
        }
        if let Some(properties) = schema.get("properties").and_then(Value::as_object) {
            for (property, value) in properties {
                if value.get("deprecated") == Some(&Value::Bool(true)) {
                    fields
                        .entry(type_name.clone())
                        .or_default()
                        .insert(property.clone());
                }
            }
        }
    }
    (types, fields)
}

fn deprecated_attribute() -> Attribute {
    parse_quote!(#[deprecated])
}

fn mark(attrs: &mut Vec<Attribute>) -> bool {
    if attrs.iter().any(|a| a.path().is_ident("deprecated")) {
        return false;
    }
    attrs.push(deprecated_attribute());
    true
}

fn mark_functions(items: &mut [ImplItem], wanted: impl Fn(&str) -> bool) -> bool {
    let mut marked = false;
    for item in items {
        if let ImplItem::Fn(function) = item
            && wanted(&function.sig.ident.to_string())
        {
            marked |= mark(&mut function.attrs);
        }
    }
    marked
}

/// Marks deprecated types, and deprecated fields (found by their serde name) with the setters
/// of the type's builder (`types::builder`).
fn mark_types(
    items: &mut [Item],
    types: &BTreeSet<String>,
    fields: &BTreeMap<String, BTreeSet<String>>,
) -> bool {
    let mut marked = false;
    let mut setters: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for item in items.iter_mut() {
        match item {
            Item::Struct(item) => {
                let name = item.ident.to_string();
                if types.contains(&name) {
                    marked |= mark(&mut item.attrs);
                }
                let Some(wanted) = fields.get(&name) else {
                    continue;
                };
                for field in item.fields.iter_mut() {
                    let Some(ident) = &field.ident else { continue };
                    let wire = serde_rename(&field.attrs).unwrap_or_else(|| ident.to_string());
                    if wanted.contains(&wire) {
                        setters
                            .entry(name.clone())
                            .or_default()
                            .insert(ident.to_string());
                        marked |= mark(&mut field.attrs);
                    }
                }
            }
            Item::Enum(item) if types.contains(&item.ident.to_string()) => {
                marked |= mark(&mut item.attrs);
            }
            Item::Type(item) if types.contains(&item.ident.to_string()) => {
                marked |= mark(&mut item.attrs);
            }
            _ => {}
        }
    }
    for item in items.iter_mut() {
        if let Item::Mod(module) = item
            && module.ident == "builder"
            && let Some((_, items)) = module.content.as_mut()
        {
            for item in items.iter_mut() {
                if let Item::Impl(block) = item
                    && let Some(names) = type_ident(&block.self_ty).and_then(|t| setters.get(&t))
                {
                    marked |= mark_functions(&mut block.items, |name| names.contains(name));
                }
            }
        }
    }
    marked
}

/// The `#[serde(rename = "...")]` of a field.
pub(crate) fn serde_rename(attrs: &[Attribute]) -> Option<String> {
    let mut renamed = None;
    for attr in attrs.iter().filter(|a| a.path().is_ident("serde")) {
        let _ = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("rename") {
                renamed = Some(meta.value()?.parse::<syn::LitStr>()?.value());
            } else if meta.input.peek(syn::Token![=]) {
                let _: syn::Expr = meta.value()?.parse()?;
            }
            Ok(())
        });
    }
    renamed
}
