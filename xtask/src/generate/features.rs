//! One cargo feature per tag, so that a user of a big API compiles only what they use.
//!
//! rustc holds a whole crate in memory while it checks it: Sentry's 2,458 types took 5.3 GiB,
//! more than many CI runners have. As async-stripe does for Stripe, the generated code is
//! gated by feature: each operation (its client method, its builder and its `Request` impl)
//! by its first tag's feature, and each type by the features of the operations that reach it
//! (`#[cfg(any(feature = "issues", feature = "teams"))]`). A type no operation reaches is
//! compiled with `full`, which turns on every tag.
//!
//! A crate of at most [`ALL_BY_DEFAULT_UP_TO`] types turns them all on by default (the
//! committed providers keep their whole API); a bigger one turns none on, and its docs and
//! the generate summary say which to pick.

use std::collections::{BTreeMap, BTreeSet};

use heck::ToKebabCase;
use proc_macro2::TokenStream;
use quote::quote;
use serde_json::Value;
use syn::visit::Visit;
use syn::visit_mut::VisitMut;

use crate::normalize::walk::operations;

/// The most types a client may have and still turn every tag on by default.
pub const ALL_BY_DEFAULT_UP_TO: usize = 500;

/// The feature that turns on every tag (and types no operation reaches).
pub const FULL: &str = "full";

/// The features a generated crate has for its tags.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TagFeatures {
    /// One per tag, in order.
    pub tags: Vec<String>,
    /// Whether `default` turns on `full`.
    pub all_by_default: bool,
}

/// Gates `file`'s operations and types by tag feature, for the operations of `doc`; returns
/// the features the crate needs. `reserved` are names a feature may not take (the crate's own
/// features and optional dependencies).
pub fn gate(file: &mut syn::File, doc: &Value, types: usize, reserved: &[&str]) -> TagFeatures {
    let tag_of_builder = builder_tags(file, doc, reserved);
    let tags: BTreeSet<String> = tag_of_builder.values().cloned().collect();
    let type_names = type_names(file);
    let reach = type_features(file, &type_names, &tag_of_builder);
    let type_cfg = |name: &str| -> TokenStream {
        match reach.get(name) {
            Some(features) if !features.is_empty() => any(features),
            _ => quote!(feature = "full"),
        }
    };
    for item in &mut file.items {
        match item {
            syn::Item::Mod(module) if module.ident == "types" => {
                gate_types_module(module, &type_names, &type_cfg);
            }
            syn::Item::Mod(module) if module.ident == "builder" => {
                for item in module.content.iter_mut().flat_map(|(_, items)| items) {
                    if let Some(tag) = owner(item).and_then(|name| tag_of_builder.get(&name)) {
                        gate_item(item, &quote!(feature = #tag));
                    }
                }
            }
            syn::Item::Mod(module) if module.ident == "operations" => {
                let mut arms = GateArms {
                    type_names: &type_names,
                    type_cfg: &type_cfg,
                };
                arms.visit_item_mod_mut(module);
            }
            syn::Item::Impl(block) if block.trait_.is_none() && is_client(&block.self_ty) => {
                for item in &mut block.items {
                    if let syn::ImplItem::Fn(function) = item
                        && let syn::ReturnType::Type(_, returned) = &function.sig.output
                        && let Some(tag) = last_ident(returned).and_then(|b| tag_of_builder.get(&b))
                    {
                        add_cfg(&mut function.attrs, &quote!(feature = #tag));
                    }
                }
            }
            syn::Item::Impl(block)
                if block.trait_.is_some()
                    && last_ident(&block.self_ty)
                        .is_some_and(|b| tag_of_builder.contains_key(&b)) =>
            {
                if let Some(tag) = last_ident(&block.self_ty).and_then(|b| tag_of_builder.get(&b)) {
                    let cfg = quote!(feature = #tag);
                    add_cfg(&mut block.attrs, &cfg);
                }
            }
            _ => {}
        }
    }
    // With some tags off, what the others share may go unused: not the user's concern.
    for item in &mut file.items {
        if let syn::Item::Mod(module) = item
            && ["types", "builder", "operations"].contains(&module.ident.to_string().as_str())
        {
            module
                .attrs
                .push(syn::parse_quote!(#[allow(unused_imports, unused_variables, dead_code)]));
        }
    }
    TagFeatures {
        tags: tags.into_iter().collect(),
        all_by_default: types <= ALL_BY_DEFAULT_UP_TO,
    }
}

/// The feature of each operation builder (`StartAgent`): its operation's first tag in
/// kebab-case (`untagged` without one), renamed off `reserved` names.
fn builder_tags(file: &syn::File, doc: &Value, reserved: &[&str]) -> BTreeMap<String, String> {
    let methods = super::operation_table::client_methods(file);
    let mut tags = BTreeMap::new();
    for (path, method, op) in operations(doc) {
        let Some((_, builder)) = methods.get(&(method.to_ascii_uppercase(), path.to_string()))
        else {
            continue;
        };
        let tag = op
            .get("tags")
            .and_then(|t| t.get(0))
            .and_then(Value::as_str)
            .unwrap_or("");
        tags.insert(builder.clone(), feature_name(tag, reserved));
    }
    tags
}

/// A tag as a cargo feature: ASCII letters, digits and dashes, lower case.
pub fn feature_name(tag: &str, reserved: &[&str]) -> String {
    let kebab: String = tag
        .to_kebab_case()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    let kebab = kebab
        .split('-')
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join("-");
    let name = if kebab.is_empty() {
        "untagged".to_string()
    } else {
        kebab
    };
    if name == FULL || name == "default" || reserved.contains(&name.as_str()) {
        format!("{name}-api")
    } else {
        name
    }
}

/// The names of the types the `types` module defines.
pub(crate) fn type_names(file: &syn::File) -> BTreeSet<String> {
    types_items(file)
        .iter()
        .filter_map(|item| match item {
            syn::Item::Struct(s) => Some(s.ident.to_string()),
            syn::Item::Enum(e) => Some(e.ident.to_string()),
            syn::Item::Type(t) => Some(t.ident.to_string()),
            _ => None,
        })
        .collect()
}

fn types_items(file: &syn::File) -> &[syn::Item] {
    file.items
        .iter()
        .find_map(|item| match item {
            syn::Item::Mod(module) if module.ident == "types" => {
                module.content.as_ref().map(|(_, items)| items.as_slice())
            }
            _ => None,
        })
        .unwrap_or(&[])
}

/// Each type's features: those of every operation that reaches it, through the types it
/// mentions (its fields, its impls, its builder).
fn type_features(
    file: &syn::File,
    type_names: &BTreeSet<String>,
    tag_of_builder: &BTreeMap<String, String>,
) -> BTreeMap<String, BTreeSet<String>> {
    // What each type's items mention, and what each operation's items mention.
    let mut mentions: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut record = |owner: String, item: &syn::Item, qualified: bool| {
        let found = mentioned(item, type_names, qualified);
        mentions.entry(owner).or_default().extend(found);
    };
    for item in types_items(file) {
        match item {
            syn::Item::Mod(module) if module.ident == "builder" => {
                for item in module.content.iter().flat_map(|(_, items)| items) {
                    for owner in owners(item, type_names) {
                        record(owner, item, false);
                    }
                }
            }
            other => {
                for owner in owners(other, type_names) {
                    record(owner, other, false);
                }
            }
        }
    }
    let mut roots: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for item in &file.items {
        let builder = match item {
            syn::Item::Mod(module) if module.ident == "builder" => {
                for item in module.content.iter().flat_map(|(_, items)| items) {
                    if let Some(tag) = owner(item).and_then(|b| tag_of_builder.get(&b)) {
                        roots
                            .entry(tag.clone())
                            .or_default()
                            .extend(mentioned(item, type_names, true));
                    }
                }
                continue;
            }
            syn::Item::Impl(block) if block.trait_.is_some() => last_ident(&block.self_ty),
            _ => None,
        };
        if let Some(tag) = builder.and_then(|b| tag_of_builder.get(&b)) {
            roots
                .entry(tag.clone())
                .or_default()
                .extend(mentioned(item, type_names, true));
        }
    }
    let mut features: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (tag, starts) in roots {
        let mut stack: Vec<String> = starts.into_iter().collect();
        while let Some(name) = stack.pop() {
            if features
                .entry(name.clone())
                .or_default()
                .insert(tag.clone())
            {
                stack.extend(mentions.get(&name).into_iter().flatten().cloned());
            }
        }
    }
    features
}

/// The types an item of the `types` module belongs to: its own name, or the types an impl's
/// header names (`impl From<X> for String` belongs to `X`).
fn owners(item: &syn::Item, type_names: &BTreeSet<String>) -> BTreeSet<String> {
    match item {
        syn::Item::Impl(block) => {
            let mut finder = Mentions {
                type_names,
                qualified: false,
                found: BTreeSet::new(),
            };
            finder.visit_type(&block.self_ty);
            if let Some((_, path, _)) = &block.trait_ {
                finder.visit_path(path);
            }
            finder.found
        }
        other => owner(other)
            .filter(|n| type_names.contains(n))
            .into_iter()
            .collect(),
    }
}

/// The type an item belongs to: its own name, or its impl's type.
fn owner(item: &syn::Item) -> Option<String> {
    match item {
        syn::Item::Struct(s) => Some(s.ident.to_string()),
        syn::Item::Enum(e) => Some(e.ident.to_string()),
        syn::Item::Type(t) => Some(t.ident.to_string()),
        syn::Item::Impl(block) => last_ident(&block.self_ty),
        _ => None,
    }
}

/// The last identifier of a type's path (`super::X` is `X`, `builder::Op<'a>` is `Op`).
fn last_ident(ty: &syn::Type) -> Option<String> {
    match ty {
        syn::Type::Path(path) => path.path.segments.last().map(|s| s.ident.to_string()),
        _ => None,
    }
}

fn is_client(ty: &syn::Type) -> bool {
    matches!(ty, syn::Type::Path(p) if p.path.is_ident("Client"))
}

/// The types `node` mentions: any identifier that names one inside the `types` module, and
/// only `types::X` outside it (`qualified`), where an operation's builder may share a name.
fn mentioned<T: MentionTarget>(
    node: &T,
    type_names: &BTreeSet<String>,
    qualified: bool,
) -> BTreeSet<String> {
    let mut finder = Mentions {
        type_names,
        qualified,
        found: BTreeSet::new(),
    };
    node.visit(&mut finder);
    finder.found
}

/// What [`mentioned`] walks.
trait MentionTarget {
    fn visit(&self, finder: &mut Mentions<'_>);
}

impl MentionTarget for syn::Item {
    fn visit(&self, finder: &mut Mentions<'_>) {
        finder.visit_item(self);
    }
}

impl MentionTarget for syn::Arm {
    fn visit(&self, finder: &mut Mentions<'_>) {
        finder.visit_arm(self);
    }
}

struct Mentions<'a> {
    type_names: &'a BTreeSet<String>,
    qualified: bool,
    found: BTreeSet<String>,
}

impl<'ast> Visit<'ast> for Mentions<'_> {
    fn visit_path(&mut self, path: &'ast syn::Path) {
        let segments: Vec<&syn::PathSegment> = path.segments.iter().collect();
        for (i, segment) in segments.iter().enumerate() {
            let name = segment.ident.to_string();
            let after_types = i > 0 && segments[i - 1].ident == "types";
            if self.type_names.contains(&name) && (!self.qualified || after_types) {
                self.found.insert(name);
            }
        }
        syn::visit::visit_path(self, path);
    }

    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        // `schemars::schema_for!(types::X)` in the operations module: its tokens are a type.
        // (Inside the types module no macro names a type.)
        if self.qualified
            && let Ok(ty) = syn::parse2::<syn::Type>(mac.tokens.clone())
        {
            self.visit_type(&ty);
        }
        syn::visit::visit_macro(self, mac);
    }
}

/// Gates the items of the `types` module (and of its `builder`) by their type's features,
/// and its `defaults` functions by the types they mention.
fn gate_types_module(
    module: &mut syn::ItemMod,
    type_names: &BTreeSet<String>,
    type_cfg: &impl Fn(&str) -> TokenStream,
) {
    for item in module.content.iter_mut().flat_map(|(_, items)| items) {
        match item {
            syn::Item::Mod(inner) if inner.ident == "builder" => {
                for item in inner.content.iter_mut().flat_map(|(_, items)| items) {
                    gate_by_owners(item, type_names, type_cfg);
                }
            }
            syn::Item::Mod(inner) if inner.ident == "defaults" => {
                for item in inner.content.iter_mut().flat_map(|(_, items)| items) {
                    let found = mentioned(&*item, type_names, false);
                    if !found.is_empty() {
                        let all: Vec<TokenStream> = found.iter().map(|n| type_cfg(n)).collect();
                        gate_item(item, &quote!(all(#(#all),*)));
                    }
                }
            }
            other => gate_by_owners(other, type_names, type_cfg),
        }
    }
}

/// Gates `item` by the features of every type it belongs to ([`owners`]).
fn gate_by_owners(
    item: &mut syn::Item,
    type_names: &BTreeSet<String>,
    type_cfg: &impl Fn(&str) -> TokenStream,
) {
    let owners = owners(item, type_names);
    let conditions: Vec<TokenStream> = owners.iter().map(|n| type_cfg(n)).collect();
    match conditions.as_slice() {
        [] => {}
        [one] => gate_item(item, one),
        all => gate_item(item, &quote!(all(#(#all),*))),
    }
}

/// Gates each `match` arm of the operations module that mentions types, by all of theirs.
struct GateArms<'a, F> {
    type_names: &'a BTreeSet<String>,
    type_cfg: &'a F,
}

impl<F: Fn(&str) -> TokenStream> VisitMut for GateArms<'_, F> {
    fn visit_arm_mut(&mut self, arm: &mut syn::Arm) {
        let found = mentioned(&*arm, self.type_names, true);
        if !found.is_empty() {
            let all: Vec<TokenStream> = found.iter().map(|n| (self.type_cfg)(n)).collect();
            add_cfg(&mut arm.attrs, &quote!(all(#(#all),*)));
        }
    }
}

/// `any(feature = "a", feature = "b")`.
fn any(features: &BTreeSet<String>) -> TokenStream {
    let each: Vec<TokenStream> = features.iter().map(|f| quote!(feature = #f)).collect();
    match each.as_slice() {
        [one] => one.clone(),
        _ => quote!(any(#(#each),*)),
    }
}

fn add_cfg(attrs: &mut Vec<syn::Attribute>, condition: &TokenStream) {
    attrs.push(syn::parse_quote!(#[cfg(#condition)]));
}

/// An item's attributes, for the kinds of item generated code has.
fn item_attrs(item: &mut syn::Item) -> Option<&mut Vec<syn::Attribute>> {
    Some(match item {
        syn::Item::Struct(i) => &mut i.attrs,
        syn::Item::Enum(i) => &mut i.attrs,
        syn::Item::Type(i) => &mut i.attrs,
        syn::Item::Impl(i) => &mut i.attrs,
        syn::Item::Fn(i) => &mut i.attrs,
        syn::Item::Const(i) => &mut i.attrs,
        syn::Item::Static(i) => &mut i.attrs,
        syn::Item::Mod(i) => &mut i.attrs,
        syn::Item::Use(i) => &mut i.attrs,
        syn::Item::Trait(i) => &mut i.attrs,
        syn::Item::Macro(i) => &mut i.attrs,
        _ => return None,
    })
}

/// Adds `#[cfg(condition)]` to `item`.
fn gate_item(item: &mut syn::Item, condition: &TokenStream) {
    if let Some(attrs) = item_attrs(item) {
        add_cfg(attrs, condition);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_tag_is_a_plain_feature_name_off_reserved_ones() {
        assert_eq!(feature_name("Code Reviews", &[]), "code-reviews");
        assert_eq!(feature_name("", &[]), "untagged");
        assert_eq!(feature_name("Ünï/x", &[]), "n-x");
        assert_eq!(feature_name("full", &[]), "full-api");
        assert_eq!(feature_name("uuid", &["uuid"]), "uuid-api");
    }

    #[test]
    fn each_type_is_gated_by_the_tags_that_reach_it() {
        let op = |tag: &str, id: &str, schema: &str| {
            json!({"operationId": id, "tags": [tag], "responses": {"200": {
                "description": "ok",
                "content": {"application/json": {"schema": {"$ref": format!("#/components/schemas/{schema}")}}}}}})
        };
        let doc = json!({
            "openapi": "3.0.3",
            "info": {"title": "t", "version": "1"},
            "paths": {
                "/a": {"get": op("Alpha", "getA", "OnlyA")},
                "/b": {"get": op("Beta", "getB", "OnlyB")}
            },
            "components": {"schemas": {
                "Shared": {"type": "object", "properties": {"x": {"type": "string"}}},
                "OnlyA": {"type": "object", "properties": {"s": {"$ref": "#/components/schemas/Shared"}}},
                "OnlyB": {"type": "object", "properties": {"s": {"$ref": "#/components/schemas/Shared"}}},
                "Nobody": {"type": "object", "properties": {"y": {"type": "integer"}}}
            }}
        });
        let mut normalized =
            crate::normalize::normalize(doc, &Default::default(), "t.json").unwrap();
        let client = crate::generate::render_client(&mut normalized, "t.json", None).unwrap();
        assert_eq!(client.needs.tags.tags, ["alpha", "beta"]);
        assert!(client.needs.tags.all_by_default);
        let code = client.code.replace(char::is_whitespace, "");
        for (cfg, item) in [
            (r#"#[cfg(feature="alpha")]"#, "pubstructOnlyA{"),
            (
                r#"#[cfg(any(feature="alpha",feature="beta"))]"#,
                "pubstructShared{",
            ),
            (r#"#[cfg(feature="full")]"#, "pubstructNobody{"),
            (r#"#[cfg(feature="beta")]"#, "pubfnget_b(&self)"),
        ] {
            let at = code.find(item).unwrap_or_else(|| panic!("no {item}"));
            let before = &code[..at];
            let last_cfg = before.rfind("#[cfg(").unwrap();
            assert!(
                before[last_cfg..].starts_with(cfg),
                "{item} is gated by {}",
                &before[last_cfg..(last_cfg + 60).min(before.len())]
            );
        }
    }
}
