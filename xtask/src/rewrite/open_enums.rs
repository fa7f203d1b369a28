//! Open enums: a string the spec does not list still deserializes.
//!
//! typify turns every string `enum` into a closed Rust enum, so the day Buildprint adds a model,
//! every response that carries it fails to parse. This pass rewrites each such enum in the
//! generated `types` module into an open one, in the style of async-stripe:
//!
//! ```ignore
//! pub enum Model { ClaudeOpus46, /* ... */ Unknown(String) }
//! ```
//!
//! with `as_str`, `KNOWN`, `is_unknown`, `Display`, an infallible `FromStr`, `From<&str>` and
//! `From<String>`, hand-written serde impls that map unknown strings to `Unknown`, and (feature
//! `schemars`) a `JsonSchema` impl: the known values, or any other string.
//!
//! One kind stays closed: a single-value enum that types a field of a struct which is a variant
//! of an untagged union (the `type: upload` of an attachment). Those are tags: the untagged enum
//! tells its variants apart by them, and an open tag would accept every variant's value.

use std::collections::{BTreeMap, BTreeSet};

use anyhow::{Result, bail};
use proc_macro2::{Ident, Span};
use syn::punctuated::Punctuated;
use syn::{Attribute, Fields, Item, ItemEnum, LitStr, Path, Token, Type, parse_quote};

/// Opens the simple string enums of the generated `types` module; returns the opened names.
pub fn open_enums(file: &mut syn::File) -> Result<Vec<String>> {
    let Some(items) = types_module(file) else {
        return Ok(Vec::new());
    };
    let mut candidates: BTreeMap<String, Vec<(Ident, String)>> = BTreeMap::new();
    for item in items.iter() {
        if let Item::Enum(item) = item
            && let Some(values) = string_enum_values(item)?
        {
            candidates.insert(item.ident.to_string(), values);
        }
    }
    let tags = union_tags(items, &candidates);
    let open: BTreeSet<String> = candidates
        .keys()
        .filter(|name| !tags.contains(*name))
        .cloned()
        .collect();

    let mut rewritten = Vec::with_capacity(items.len() + open.len() * 8);
    for item in std::mem::take(items) {
        if is_replaced_impl(&item, &open) {
            continue;
        }
        match item {
            Item::Enum(mut item) if open.contains(&item.ident.to_string()) => {
                let values = &candidates[&item.ident.to_string()];
                let unknown = unknown_variant(values)?;
                let description = doc_text(&item.attrs);
                rewrite_enum(&mut item, &unknown);
                let mut impls = open_impls(&item.ident, values, &unknown);
                impls.push(json_schema_impl(&item.ident, values, &description));
                rewritten.push(Item::Enum(item));
                rewritten.extend(impls);
            }
            item => rewritten.push(item),
        }
    }
    *items = rewritten;
    Ok(open.into_iter().collect())
}

/// The items of `pub mod types { ... }`, where typify puts every type.
pub fn types_module(file: &mut syn::File) -> Option<&mut Vec<Item>> {
    file.items.iter_mut().find_map(|item| match item {
        Item::Mod(module) if module.ident == "types" => module.content.as_mut().map(|(_, i)| i),
        _ => None,
    })
}

/// `Some(variants and their wire values)` for an enum of unit variants with serde derives.
fn string_enum_values(item: &ItemEnum) -> Result<Option<Vec<(Ident, String)>>> {
    let derives = derives(&item.attrs);
    let serde_derived = derives.iter().any(|d| last_ident(d) == "Deserialize")
        && derives.iter().any(|d| last_ident(d) == "Serialize");
    let container_serde = item.attrs.iter().any(|a| a.path().is_ident("serde"));
    let all_unit = !item.variants.is_empty()
        && item
            .variants
            .iter()
            .all(|v| matches!(v.fields, Fields::Unit) && v.discriminant.is_none());
    if !serde_derived || container_serde || !all_unit {
        return Ok(None);
    }
    let mut values = Vec::new();
    for variant in &item.variants {
        let mut value = variant.ident.to_string();
        for attr in variant.attrs.iter().filter(|a| a.path().is_ident("serde")) {
            attr.parse_nested_meta(|meta| {
                if meta.path.is_ident("rename") {
                    value = meta.value()?.parse::<LitStr>()?.value();
                }
                Ok(())
            })?;
        }
        values.push((variant.ident.clone(), value));
    }
    Ok(Some(values))
}

/// Single-value enums that type a field of a struct used as a variant of an untagged enum.
fn union_tags(
    items: &[Item],
    candidates: &BTreeMap<String, Vec<(Ident, String)>>,
) -> BTreeSet<String> {
    let mut variant_structs = BTreeSet::new();
    for item in items {
        let Item::Enum(item) = item else { continue };
        let untagged = item.attrs.iter().any(|a| {
            a.path().is_ident("serde")
                && a.parse_nested_meta(|meta| {
                    if meta.path.is_ident("untagged") {
                        Err(meta.error("found"))
                    } else {
                        Ok(())
                    }
                })
                .is_err()
        });
        if !untagged {
            continue;
        }
        for variant in &item.variants {
            if let Fields::Unnamed(fields) = &variant.fields {
                for field in &fields.unnamed {
                    if let Some(name) = type_name(&field.ty) {
                        variant_structs.insert(name);
                    }
                }
            }
        }
    }
    let mut tags = BTreeSet::new();
    for item in items {
        let Item::Struct(item) = item else { continue };
        if !variant_structs.contains(&item.ident.to_string()) {
            continue;
        }
        for field in &item.fields {
            if let Some(name) = type_name(&field.ty)
                && candidates
                    .get(&name)
                    .is_some_and(|values| values.len() == 1)
            {
                tags.insert(name);
            }
        }
    }
    tags
}

/// The name of the variant that holds unknown values: `Unknown`, unless the spec uses it.
fn unknown_variant(values: &[(Ident, String)]) -> Result<Ident> {
    for name in ["Unknown", "UnknownValue", "Unrecognized"] {
        if values.iter().all(|(ident, _)| ident != name) {
            return Ok(Ident::new(name, Span::call_site()));
        }
    }
    bail!(
        "an enum has variants named Unknown, UnknownValue and Unrecognized; none is left for values it does not list"
    )
}

fn rewrite_enum(item: &mut ItemEnum, unknown: &Ident) {
    for attr in item.attrs.iter_mut() {
        if attr.path().is_ident("derive") {
            let kept: Vec<Path> = derives(std::slice::from_ref(attr))
                .into_iter()
                .filter(|d| !["Copy", "Serialize", "Deserialize"].contains(&last_ident(d).as_str()))
                .collect();
            *attr = parse_quote!(#[derive(#(#kept),*)]);
        }
    }
    let doc = format!(
        " Open: a value the API adds later arrives as [`Self::{unknown}`] instead of failing \
         the response. Non-exhaustive: a value the document adds becomes a variant in a minor \
         release, so a `match` needs a `_` arm."
    );
    // Right after typify's own doc lines, so the whole comment stays above the derives.
    let at = item
        .attrs
        .iter()
        .rposition(|a| a.path().is_ident("doc"))
        .map_or(0, |i| i + 1);
    item.attrs.insert(at, parse_quote!(#[doc = #doc]));
    item.attrs.insert(at, parse_quote!(#[doc = ""]));
    item.attrs.push(parse_quote!(#[non_exhaustive]));
    for variant in item.variants.iter_mut() {
        let value = variant
            .attrs
            .iter()
            .filter(|a| a.path().is_ident("serde"))
            .find_map(|a| {
                let mut value = None;
                let _ = a.parse_nested_meta(|meta| {
                    if meta.path.is_ident("rename") {
                        value = Some(meta.value()?.parse::<LitStr>()?.value());
                    }
                    Ok(())
                });
                value
            })
            .unwrap_or_else(|| variant.ident.to_string());
        variant.attrs.retain(|a| !a.path().is_ident("serde"));
        let doc = format!(" `{value}`");
        variant.attrs.push(parse_quote!(#[doc = #doc]));
    }
    item.variants.push(parse_quote! {
        /// A value this version of the client does not know; it is sent and received as is.
        #unknown(::std::string::String)
    });
}

fn open_impls(name: &Ident, values: &[(Ident, String)], unknown: &Ident) -> Vec<Item> {
    let idents: Vec<&Ident> = values.iter().map(|(ident, _)| ident).collect();
    let strings: Vec<&str> = values.iter().map(|(_, value)| value.as_str()).collect();
    let file: syn::File = parse_quote! {
        impl #name {
            /// The values this client knows, in the spec's order.
            pub const KNOWN: &'static [Self] = &[#(Self::#idents),*];
            /// The value as the API spells it.
            pub fn as_str(&self) -> &str {
                match self {
                    #(Self::#idents => #strings,)*
                    Self::#unknown(value) => value.as_str(),
                }
            }
            /// Whether the spec this client was generated from does not list this value.
            pub fn is_unknown(&self) -> bool {
                matches!(self, Self::#unknown(_))
            }
        }
        impl ::std::fmt::Display for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
        impl ::std::str::FromStr for #name {
            type Err = ::std::convert::Infallible;
            fn from_str(value: &str) -> ::std::result::Result<Self, Self::Err> {
                Ok(Self::from(value))
            }
        }
        impl ::std::convert::From<&str> for #name {
            fn from(value: &str) -> Self {
                match value {
                    #(#strings => Self::#idents,)*
                    other => Self::#unknown(other.to_string()),
                }
            }
        }
        impl ::std::convert::From<&::std::string::String> for #name {
            fn from(value: &::std::string::String) -> Self {
                Self::from(value.as_str())
            }
        }
        impl ::std::convert::From<::std::string::String> for #name {
            fn from(value: ::std::string::String) -> Self {
                match value.as_str() {
                    #(#strings => Self::#idents,)*
                    _ => Self::#unknown(value),
                }
            }
        }
        impl ::serde::Serialize for #name {
            fn serialize<S: ::serde::Serializer>(
                &self,
                serializer: S,
            ) -> ::std::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }
        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(
                deserializer: D,
            ) -> ::std::result::Result<Self, D::Error> {
                struct Visitor;
                impl ::serde::de::Visitor<'_> for Visitor {
                    type Value = #name;
                    fn expecting(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        f.write_str("a string")
                    }
                    fn visit_str<E: ::serde::de::Error>(
                        self,
                        value: &str,
                    ) -> ::std::result::Result<#name, E> {
                        Ok(#name::from(value))
                    }
                    fn visit_string<E: ::serde::de::Error>(
                        self,
                        value: ::std::string::String,
                    ) -> ::std::result::Result<#name, E> {
                        Ok(#name::from(value))
                    }
                }
                deserializer.deserialize_str(Visitor)
            }
        }
    };
    file.items
}

/// `impl schemars::JsonSchema` under the `schemars` feature: the known values, and any other
/// string, as `anyOf` (a derive would describe the Rust enum, `Unknown(String)` included, not
/// the wire).
fn json_schema_impl(name: &Ident, values: &[(Ident, String)], description: &str) -> Item {
    let strings: Vec<&str> = values.iter().map(|(_, value)| value.as_str()).collect();
    let schema_name = name.to_string();
    let description = if description.is_empty() {
        quote::quote!(None)
    } else {
        quote::quote!(Some(#description.to_string()))
    };
    parse_quote! {
        #[cfg(feature = "schemars")]
        impl ::schemars::JsonSchema for #name {
            fn schema_name() -> ::std::string::String {
                #schema_name.to_string()
            }
            fn json_schema(
                _: &mut ::schemars::r#gen::SchemaGenerator,
            ) -> ::schemars::schema::Schema {
                use ::schemars::schema::{InstanceType, Metadata, SchemaObject, SubschemaValidation};
                let known = SchemaObject {
                    instance_type: Some(InstanceType::String.into()),
                    enum_values: Some(vec![#(#strings.into()),*]),
                    ..Default::default()
                };
                let any_other = SchemaObject {
                    instance_type: Some(InstanceType::String.into()),
                    ..Default::default()
                };
                SchemaObject {
                    metadata: Some(Box::new(Metadata {
                        description: #description,
                        ..Default::default()
                    })),
                    subschemas: Some(Box::new(SubschemaValidation {
                        any_of: Some(vec![known.into(), any_other.into()]),
                        ..Default::default()
                    })),
                    ..Default::default()
                }
                .into()
            }
        }
    }
}

/// The text of an item's doc comment, as schemars reads one: each line without its leading
/// space, joined, trimmed.
pub(crate) fn doc_text(attrs: &[Attribute]) -> String {
    let lines: Vec<String> = attrs
        .iter()
        .filter(|a| a.path().is_ident("doc"))
        .filter_map(|a| match &a.meta {
            syn::Meta::NameValue(pair) => match &pair.value {
                syn::Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Str(text),
                    ..
                }) => Some(text.value()),
                _ => None,
            },
            _ => None,
        })
        .flat_map(|text| {
            text.lines()
                .map(|line| line.strip_prefix(' ').unwrap_or(line).to_string())
                .collect::<Vec<_>>()
        })
        .collect();
    lines.join("\n").trim().to_string()
}

/// typify's `Display`, `FromStr` and `TryFrom` impls of an enum that is being opened.
fn is_replaced_impl(item: &Item, open: &BTreeSet<String>) -> bool {
    let Item::Impl(item) = item else { return false };
    let Some((_, trait_path, _)) = &item.trait_ else {
        return false;
    };
    let replaced = ["Display", "FromStr", "TryFrom"].contains(&last_ident(trait_path).as_str());
    replaced && type_name(&item.self_ty).is_some_and(|name| open.contains(&name))
}

/// The paths an item's `#[derive(...)]` attributes name.
pub(crate) fn derives(attrs: &[Attribute]) -> Vec<Path> {
    attrs
        .iter()
        .filter(|a| a.path().is_ident("derive"))
        .filter_map(|a| {
            a.parse_args_with(Punctuated::<Path, Token![,]>::parse_terminated)
                .ok()
        })
        .flatten()
        .collect()
}

fn last_ident(path: &Path) -> String {
    path.segments
        .last()
        .map(|s| s.ident.to_string())
        .unwrap_or_default()
}

/// The name of a plain (single-segment, or last-segment) type path.
fn type_name(ty: &Type) -> Option<String> {
    match ty {
        Type::Path(path) if path.qself.is_none() => Some(last_ident(&path.path)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn open(code: &str) -> (String, Vec<String>) {
        let mut file: syn::File = syn::parse_str(code).unwrap();
        let opened = open_enums(&mut file).unwrap();
        (prettyplease::unparse(&file), opened)
    }

    const STATUS: &str = r#"
        pub mod types {
            #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Copy, Debug, Eq, PartialEq)]
            pub enum Status {
                #[serde(rename = "queued")]
                Queued,
                #[serde(rename = "running-now")]
                RunningNow,
            }
            impl ::std::fmt::Display for Status {
                fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result { todo!() }
            }
            impl ::std::convert::TryFrom<&str> for Status {
                type Error = ();
                fn try_from(value: &str) -> Result<Self, ()> { todo!() }
            }
            impl ::std::default::Default for Status {
                fn default() -> Self { Status::Queued }
            }
        }
    "#;

    #[test]
    fn a_string_enum_gains_an_unknown_variant_and_loses_copy() {
        let (code, opened) = open(STATUS);
        assert_eq!(opened, ["Status"]);
        assert!(code.contains("Unknown(::std::string::String)"), "{code}");
        // A value the document adds later is a new variant: a minor release.
        assert!(
            code.contains("#[non_exhaustive]\n    pub enum Status {"),
            "{code}"
        );
        assert!(!code.contains("Copy"), "{code}");
        assert!(!code.contains("TryFrom<&str>"), "{code}");
        assert!(
            code.contains("impl ::std::default::Default for Status"),
            "{code}"
        );
        assert!(
            code.contains(r#"Self::RunningNow => "running-now""#),
            "{code}"
        );
        assert_eq!(
            code.matches("impl ::std::fmt::Display for Status").count(),
            1,
            "{code}"
        );
    }

    #[test]
    fn a_tag_of_an_untagged_union_stays_closed() {
        let (code, opened) = open(
            r#"
            pub mod types {
                #[derive(::serde::Deserialize, ::serde::Serialize)]
                #[serde(untagged)]
                pub enum Attachment { Upload(Upload), Url(Url) }
                #[derive(::serde::Deserialize, ::serde::Serialize)]
                pub struct Upload { pub type_: UploadType, pub kind: Kind }
                #[derive(::serde::Deserialize, ::serde::Serialize)]
                pub struct Url { pub type_: UrlType }
                #[derive(::serde::Deserialize, ::serde::Serialize)]
                pub enum UploadType { #[serde(rename = "upload")] Upload }
                #[derive(::serde::Deserialize, ::serde::Serialize)]
                pub enum UrlType { #[serde(rename = "url")] Url }
                #[derive(::serde::Deserialize, ::serde::Serialize)]
                pub enum Kind { #[serde(rename = "a")] A, #[serde(rename = "b")] B }
            }
        "#,
        );
        assert_eq!(opened, ["Kind"]);
        assert!(code.contains("pub enum UploadType {\n"), "{code}");
        assert_eq!(code.matches("#[non_exhaustive]").count(), 1, "{code}");
    }

    #[test]
    fn a_spec_value_named_unknown_moves_the_fallback_aside() {
        let (code, _) = open(
            r#"pub mod types {
                #[derive(::serde::Deserialize, ::serde::Serialize)]
                pub enum State { #[serde(rename = "unknown")] Unknown, #[serde(rename = "ok")] Ok }
            }"#,
        );
        assert!(
            code.contains("UnknownValue(::std::string::String)"),
            "{code}"
        );
    }

    #[test]
    fn enums_that_are_not_plain_strings_are_left_alone() {
        let (_, opened) = open(
            r#"pub mod types {
                #[derive(::serde::Deserialize, ::serde::Serialize)]
                #[serde(untagged)]
                pub enum Either { A(String), B(i64) }
                #[derive(Debug)]
                pub enum NoSerde { A, B }
            }"#,
        );
        assert!(opened.is_empty());
    }
}
