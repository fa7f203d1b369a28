//! JSON Schema for the generated types, under each client crate's `schemars` feature.
//!
//! Every type of the `types` module that serde derives for also derives
//! `schemars::JsonSchema` (schemars 0.8, the version progenitor's type generator, typify, reads
//! schemas with), behind `#[cfg_attr(feature = "schemars", ...)]`, so a crate built without the
//! feature compiles none of it. schemars reads the same `#[serde(...)]` attributes serde does, so
//! the schema describes the JSON the type reads and writes: renamed fields, optional fields,
//! untagged unions. Open enums implement the trait themselves (see [`crate::rewrite::open_enums`]):
//! their wire form is a string, not the Rust enum.
//!
//! What a Rust type cannot say, the document can; [`crate::rewrite::type_origins`] finds the schema each
//! type came from, and each field then gets `#[schemars(...)]` attributes for:
//!
//! - **null**: an optional field the document does not mark `nullable` admits no `null` (an
//!   `Option` alone would), and a required `nullable` one stays required;
//! - **bounds**: `minimum`/`maximum`, `minLength`/`maxLength`, `minItems`/`maxItems`, `pattern`;
//! - **one of these is required** (`x-agentrun-required-one-of`, "send `userId` or
//!   `userEmail`"): the object's schema gets the `anyOf` of `required` lists the document had,
//!   through a hand-off to a derived copy of the struct;
//! - **a name for an inline body**: typify describes an inline schema with no description as
//!   `` `StartAgentBody` ``; the schema says `The request body of POST /agents.` instead.

use proc_macro2::TokenStream;
use quote::{ToTokens, format_ident, quote};
use serde_json::Value;
use syn::{Attribute, Field, Fields, Item, ItemStruct, Type, parse_quote};

use crate::normalize::downconvert::REQUIRED_ONE_OF;
use crate::normalize::walk::resolve_schema;
use crate::rewrite::deprecated::serde_rename;
use crate::rewrite::open_enums::{derives, doc_text, types_module};
use crate::rewrite::type_origins::{
    Origin, is_nullable, origins, property, requires, type_argument,
};

/// The crate feature that turns the derives on.
pub const FEATURE: &str = "schemars";

/// Adds the feature-gated derive (or impl) to every serde type of the `types` module, with what
/// `doc` says of its fields.
pub fn derive(file: &mut syn::File, doc: &Value) {
    let origins = origins(file, doc);
    let Some(items) = types_module(file) else {
        return;
    };
    let mut helper = false;
    let mut added = Vec::new();
    for item in items.iter_mut() {
        let (name, attrs) = match item {
            Item::Struct(item) => (item.ident.to_string(), &item.attrs),
            Item::Enum(item) => (item.ident.to_string(), &item.attrs),
            _ => continue,
        };
        if !derives_serde(attrs) {
            continue;
        }
        let origin = origins.get(&name);
        let description = origin
            .and_then(|o| o.role.clone())
            .filter(|_| doc_text(attrs) == format!("`{name}`"));
        let attrs = match item {
            Item::Struct(item) => {
                if let Some(origin) = origin {
                    helper |= annotate_fields(item, origin, doc);
                }
                let alternatives = origin
                    .map(|o| required_one_of(&o.schema))
                    .unwrap_or_default();
                if !alternatives.is_empty() {
                    added.push(one_of_impl(item, &alternatives, description.as_deref()));
                    continue;
                }
                &mut item.attrs
            }
            Item::Enum(item) => &mut item.attrs,
            _ => continue,
        };
        attrs.push(parse_quote!(
            #[cfg_attr(feature = "schemars", derive(::schemars::JsonSchema))]
        ));
        if let Some(text) = description {
            attrs.push(
                parse_quote!(#[cfg_attr(feature = "schemars", schemars(description = #text))]),
            );
        }
    }
    items.extend(added);
    if helper {
        items.push(parse_quote! {
            /// The schema of `T` or `null`, for a field the document requires and lets be null.
            #[cfg(feature = "schemars")]
            fn nullable<T: ::schemars::JsonSchema>(
                generator: &mut ::schemars::r#gen::SchemaGenerator,
            ) -> ::schemars::schema::Schema {
                <::std::option::Option<T> as ::schemars::JsonSchema>::json_schema(generator)
            }
        });
    }
}

/// Adds the document's word on null and bounds to each field of `item`; whether a field needs
/// the `nullable` helper.
fn annotate_fields(item: &mut ItemStruct, origin: &Origin, doc: &Value) -> bool {
    let Fields::Named(fields) = &mut item.fields else {
        return false;
    };
    let mut helper = false;
    for field in fields.named.iter_mut() {
        let Some(ident) = &field.ident else { continue };
        let wire = serde_rename(&field.attrs).unwrap_or_else(|| ident.to_string());
        let Some(place) = property(doc, &origin.schema, &wire) else {
            continue;
        };
        let required = requires(doc, &origin.schema, &wire);
        let nullable = is_nullable(doc, place);
        let mut parts: Vec<TokenStream> = Vec::new();
        if let Some(inner) = option_inner(&field.ty) {
            let inner = type_text(inner);
            if !required && !nullable {
                parts.push(quote!(with = #inner, default));
            } else if required && nullable {
                let with = format!("nullable::<{inner}>");
                parts.push(quote!(required, schema_with = #with));
                helper = true;
            }
        }
        parts.extend(bounds(resolve_schema(doc, place)));
        if !parts.is_empty() {
            annotate(field, quote!(#(#parts),*));
        }
    }
    helper
}

fn annotate(field: &mut Field, parts: TokenStream) {
    field
        .attrs
        .push(parse_quote!(#[cfg_attr(feature = "schemars", schemars(#parts))]));
}

/// `range(...)`, `length(...)` and `regex(...)` for what the schema bounds.
fn bounds(schema: &Value) -> Vec<TokenStream> {
    // schemars keeps bounds as `f64`; a float literal also keeps rustc from typing a large
    // bound as `i32`.
    let number = |key: &str| {
        schema
            .get(key)
            .and_then(Value::as_f64)
            .filter(|n| n.is_finite())
            .map(proc_macro2::Literal::f64_unsuffixed)
    };
    let count = |key: &str| {
        schema
            .get(key)
            .and_then(Value::as_u64)
            .map(proc_macro2::Literal::u64_unsuffixed)
    };
    let pair = |min: Option<TokenStream>, max: Option<TokenStream>| {
        let mut parts = Vec::new();
        if let Some(min) = min {
            parts.push(quote!(min = #min));
        }
        if let Some(max) = max {
            parts.push(quote!(max = #max));
        }
        parts
    };
    let mut found = Vec::new();
    let range = pair(
        number("minimum").map(|n| quote!(#n)),
        number("maximum").map(|n| quote!(#n)),
    );
    if !range.is_empty() {
        found.push(quote!(range(#(#range),*)));
    }
    let (min, max) = match schema.get("type").and_then(Value::as_str) {
        Some("array") => ("minItems", "maxItems"),
        _ => ("minLength", "maxLength"),
    };
    let length = pair(
        count(min).map(|n| quote!(#n)),
        count(max).map(|n| quote!(#n)),
    );
    if !length.is_empty() {
        found.push(quote!(length(#(#length),*)));
    }
    if let Some(pattern) = schema.get("pattern").and_then(Value::as_str) {
        found.push(quote!(regex(pattern = #pattern)));
    }
    found
}

/// The `required` lists of which one must hold, as the document's object says.
fn required_one_of(schema: &Value) -> Vec<Vec<String>> {
    schema
        .get(REQUIRED_ONE_OF)
        .and_then(Value::as_array)
        .map(|lists| {
            lists
                .iter()
                .filter_map(Value::as_array)
                .map(|list| {
                    list.iter()
                        .filter_map(Value::as_str)
                        .map(str::to_string)
                        .collect()
                })
                .collect()
        })
        .unwrap_or_default()
}

/// `impl JsonSchema` for a struct one of whose `required` lists must hold: a derived copy of
/// the struct (which takes the field annotations away from `item`) gives the schema, and the
/// lists are added as its `anyOf`.
fn one_of_impl(
    item: &mut ItemStruct,
    alternatives: &[Vec<String>],
    description: Option<&str>,
) -> Item {
    let name = item.ident.clone();
    let schema_name = name.to_string();
    let mut copy = item.clone();
    for field in item.fields.iter_mut() {
        field.attrs.retain(|a| !is_schemars_attribute(a));
    }
    copy.vis = syn::Visibility::Inherited;
    copy.attrs.retain(|a| !a.path().is_ident("derive"));
    // The derive goes after the doc comment and before the struct's `#[serde(...)]`
    // attributes: a helper attribute used before the derive that introduces it is refused
    // (`legacy_derive_helpers`).
    let after_docs = copy
        .attrs
        .iter()
        .take_while(|a| a.path().is_ident("doc"))
        .count();
    copy.attrs
        .insert(after_docs, parse_quote!(#[derive(::schemars::JsonSchema)]));
    copy.attrs.push(parse_quote!(#[allow(dead_code)]));
    if let Some(text) = description {
        copy.attrs
            .push(parse_quote!(#[schemars(description = #text)]));
    }
    for field in copy.fields.iter_mut() {
        field.vis = syn::Visibility::Inherited;
    }
    let lists = alternatives.iter().map(|list| quote!(&[#(#list),*][..]));
    let shadow = format_ident!("{}", name);
    parse_quote! {
        #[cfg(feature = "schemars")]
        impl ::schemars::JsonSchema for #name {
            fn schema_name() -> ::std::string::String {
                #schema_name.to_string()
            }
            fn json_schema(
                generator: &mut ::schemars::r#gen::SchemaGenerator,
            ) -> ::schemars::schema::Schema {
                #copy
                let mut schema =
                    <#shadow as ::schemars::JsonSchema>::json_schema(generator).into_object();
                let alternatives: &[&[&str]] = &[#(#lists),*];
                schema.subschemas().any_of = Some(
                    alternatives
                        .iter()
                        .map(|required| {
                            let mut branch = ::schemars::schema::SchemaObject::default();
                            branch.object().required =
                                required.iter().map(|name| name.to_string()).collect();
                            branch.into()
                        })
                        .collect(),
                );
                schema.into()
            }
        }
    }
}

/// Whether an attribute is one of the `cfg_attr(feature = "schemars", schemars(...))` this
/// pass adds.
fn is_schemars_attribute(attr: &Attribute) -> bool {
    attr.path().is_ident("cfg_attr") && {
        let text = attr.meta.to_token_stream().to_string();
        text.contains("schemars (") || text.contains("schemars(")
    }
}

/// A type as text a `#[schemars(with = "...")]` reads: `::std::string::String`.
fn type_text(ty: &Type) -> String {
    let mut text = quote!(#ty).to_string();
    for (spaced, tight) in [
        (" :: ", "::"),
        (":: ", "::"),
        (" < ", "<"),
        (" <", "<"),
        ("< ", "<"),
        (" >", ">"),
        (" ,", ","),
    ] {
        text = text.replace(spaced, tight);
    }
    text
}

/// `T` of `Option<T>` (as typify spells it, `::std::option::Option<T>`).
fn option_inner(ty: &Type) -> Option<&Type> {
    let Type::Path(path) = ty else { return None };
    if path.path.segments.last()?.ident != "Option" {
        return None;
    }
    type_argument(ty)
}

/// Whether the item derives serde's `Serialize` or `Deserialize`.
fn derives_serde(attrs: &[Attribute]) -> bool {
    derives(attrs).iter().any(|path| {
        path.segments
            .last()
            .is_some_and(|s| s.ident == "Serialize" || s.ident == "Deserialize")
    })
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use serde_json::json;

    /// How many fields got each kind of annotation.
    fn annotations(code: &str) -> BTreeMap<&'static str, usize> {
        let mut counts = BTreeMap::new();
        for (key, needle) in [
            ("not null", "\", default"),
            ("required and nullable", "schema_with = \"nullable::<"),
            ("range", "range("),
            ("length", "length("),
            ("pattern", "regex("),
        ] {
            counts.insert(key, code.matches(needle).count());
        }
        counts
    }

    fn generate(code: syn::File, doc: &Value) -> String {
        let mut file = code;
        derive(&mut file, doc);
        prettyplease::unparse(&file)
    }

    #[test]
    fn serde_types_derive_the_schema_under_the_feature_and_others_do_not() {
        let code = generate(
            parse_quote! {
                pub mod types {
                    #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug)]
                    pub struct Agent { pub id: String }
                    #[derive(Clone, Debug)]
                    pub enum Model { Known, Unknown(String) }
                    pub mod builder {
                        #[derive(::serde::Serialize)]
                        pub struct Agent;
                    }
                }
            },
            &json!({}),
        );
        assert!(
            code.contains(
                "#[cfg_attr(feature = \"schemars\", derive(::schemars::JsonSchema))]\n    pub struct Agent"
            ),
            "{code}"
        );
        assert_eq!(code.matches("JsonSchema").count(), 1, "{code}");
    }

    #[test]
    fn fields_say_what_the_document_says_of_null_and_bounds() {
        let doc = json!({"components": {"schemas": {"Run": {
        "type": "object",
        "required": ["name", "branch"],
        "properties": {
            "name": {"type": "string", "minLength": 1, "maxLength": 80, "pattern": "^[a-z]+$"},
            "branch": {"type": "string", "nullable": true},
            "limit": {"type": "integer", "minimum": 1, "maximum": 500},
            "note": {"type": "string", "nullable": true},
            "tags": {"type": "array", "items": {"type": "string"}, "maxItems": 3}
        }}}}});
        let code = generate(
            parse_quote! {
                pub mod types {
                    #[derive(::serde::Deserialize, ::serde::Serialize)]
                    pub struct Run {
                        pub name: String,
                        pub branch: Option<String>,
                        pub limit: Option<i64>,
                        pub note: Option<String>,
                        pub tags: Vec<String>,
                    }
                }
            },
            &doc,
        );
        let counts = annotations(&code);
        assert_eq!(counts["not null"], 1, "{code}"); // limit
        assert_eq!(counts["required and nullable"], 1, "{code}"); // branch
        assert_eq!(
            (counts["range"], counts["length"], counts["pattern"]),
            (1, 2, 1),
            "{code}"
        );
        assert!(code.contains("range(min = 1.0, max = 500.0)"), "{code}");
        assert!(
            code.contains("fn nullable<T: ::schemars::JsonSchema>"),
            "{code}"
        );
        // Optional and nullable: what `Option` says already.
        assert!(
            code.contains("pub limit: Option<i64>,\n        pub note: Option<String>,"),
            "{code}"
        );
    }

    #[test]
    fn one_of_required_lists_become_an_any_of_and_an_inline_body_gets_a_name() {
        let doc = json!({"components": {"schemas": {"Ask": {
            "type": "object",
            "x-agentrun-required-one-of": [["userId"], ["userEmail"]],
            "properties": {"userId": {"type": "string"}, "userEmail": {"type": "string"}}}}}});
        let code = generate(
            parse_quote! {
                pub mod types {
                    /// `Ask`
                    #[derive(::serde::Deserialize, ::serde::Serialize)]
                    #[serde(deny_unknown_fields)]
                    pub struct Ask {
                        #[serde(rename = "userId")]
                        pub user_id: Option<String>,
                        #[serde(rename = "userEmail")]
                        pub user_email: Option<String>,
                    }
                }
            },
            &doc,
        );
        assert!(
            code.contains("impl ::schemars::JsonSchema for Ask"),
            "{code}"
        );
        assert!(
            code.contains("&[&[\"userId\"][..], &[\"userEmail\"][..]]"),
            "{code}"
        );
        assert!(
            !code.contains("derive(::schemars::JsonSchema))]\n    pub struct Ask"),
            "{code}"
        );
        // The copy's derive comes before the serde attribute it reads.
        let copy = &code[code
            .find("impl ::schemars::JsonSchema for Ask")
            .unwrap_or(0)..];
        let derive = copy.find("#[derive(::schemars::JsonSchema)]");
        let helper = copy.find("#[serde(deny_unknown_fields)]");
        assert!(
            matches!((derive, helper), (Some(d), Some(h)) if d < h),
            "{code}"
        );
    }
}
