//! JSON Schema for the generated types, under each client crate's `schemars` feature.
//!
//! Every type of the `types` module that serde derives for also derives
//! `schemars::JsonSchema` (schemars 0.8, the version progenitor's type generator, typify, reads
//! schemas with), behind `#[cfg_attr(feature = "schemars", ...)]`, so a crate built without the
//! feature compiles none of it. schemars reads the same `#[serde(...)]` attributes serde does, so
//! the schema describes the JSON the type reads and writes: renamed fields, optional fields,
//! untagged unions. Open enums implement the trait themselves (see [`crate::open_enums`]):
//! their wire form is a string, not the Rust enum.

use syn::punctuated::Punctuated;
use syn::{Attribute, Item, Path, Token, parse_quote};

use crate::open_enums::types_module;

/// The crate feature that turns the derives on.
pub const FEATURE: &str = "schemars";

/// Adds the feature-gated derive to every serde type of the `types` module; how many types
/// derive it.
pub fn derive(file: &mut syn::File) -> usize {
    let Some(items) = types_module(file) else {
        return 0;
    };
    let mut derived = 0;
    for item in items.iter_mut() {
        let attrs = match item {
            Item::Struct(item) => &mut item.attrs,
            Item::Enum(item) => &mut item.attrs,
            _ => continue,
        };
        if derives_serde(attrs) {
            attrs.push(parse_quote!(
                #[cfg_attr(feature = "schemars", derive(::schemars::JsonSchema))]
            ));
            derived += 1;
        }
    }
    derived
}

/// Whether the item derives serde's `Serialize` or `Deserialize`.
fn derives_serde(attrs: &[Attribute]) -> bool {
    attrs
        .iter()
        .filter(|a| a.path().is_ident("derive"))
        .filter_map(|a| {
            a.parse_args_with(Punctuated::<Path, Token![,]>::parse_terminated)
                .ok()
        })
        .flatten()
        .any(|path| {
            path.segments
                .last()
                .is_some_and(|s| s.ident == "Serialize" || s.ident == "Deserialize")
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serde_types_derive_the_schema_under_the_feature_and_others_do_not() {
        let mut file: syn::File = parse_quote! {
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
        };
        assert_eq!(derive(&mut file), 1);
        let code = prettyplease::unparse(&file);
        assert!(
            code.contains(
                "#[cfg_attr(feature = \"schemars\", derive(::schemars::JsonSchema))]\n    pub struct Agent"
            ),
            "{code}"
        );
        assert_eq!(code.matches("JsonSchema").count(), 1, "{code}");
    }
}
