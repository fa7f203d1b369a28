//! An unset recursive field is left out of what a client sends, as every other unset field is.
//!
//! typify writes an optional field whose type reaches its own struct as
//! `Box<Option<T>>` with `#[serde(default)]` and no `skip_serializing_if`, so an unset one is
//! sent as `null`. A document that does not let the field be `null` then refuses the request
//! (temporal's `Failure.cause`: "null is not of type object"). Each such field gets the
//! `skip_serializing_if` its unboxed siblings have; `Option::is_none` takes the box through
//! deref.

use syn::visit_mut::{self, VisitMut};
use syn::{Attribute, Field, GenericArgument, PathArguments, Type, parse_quote};

/// Leaves unset boxed optional fields out of serialization; how many fields it changed.
pub fn rewrite(file: &mut syn::File) -> usize {
    let mut skip = SkipUnset::default();
    skip.visit_file_mut(file);
    skip.changed
}

#[derive(Default)]
struct SkipUnset {
    changed: usize,
}

impl VisitMut for SkipUnset {
    fn visit_field_mut(&mut self, field: &mut Field) {
        visit_mut::visit_field_mut(self, field);
        if is_boxed_option(&field.ty)
            && field.attrs.iter().any(is_serde_default)
            && !field.attrs.iter().any(skips_serializing)
        {
            field.attrs.push(parse_quote!(
                #[serde(skip_serializing_if = "::std::option::Option::is_none")]
            ));
            self.changed += 1;
        }
    }
}

/// `Box<Option<T>>`, however the paths are spelled.
fn is_boxed_option(ty: &Type) -> bool {
    let Some(inner) = only_argument(ty, "Box") else {
        return false;
    };
    only_argument(inner, "Option").is_some()
}

/// `T` of `name<T>`, the type's last path segment being `name`.
fn only_argument<'a>(ty: &'a Type, name: &str) -> Option<&'a Type> {
    let Type::Path(path) = ty else { return None };
    let last = path.path.segments.last()?;
    if last.ident != name {
        return None;
    }
    let PathArguments::AngleBracketed(arguments) = &last.arguments else {
        return None;
    };
    match arguments.args.first()? {
        GenericArgument::Type(inner) if arguments.args.len() == 1 => Some(inner),
        _ => None,
    }
}

fn serde_words(attr: &Attribute) -> String {
    if !attr.path().is_ident("serde") {
        return String::new();
    }
    attr.meta
        .require_list()
        .map(|list| list.tokens.to_string())
        .unwrap_or_default()
}

fn is_serde_default(attr: &Attribute) -> bool {
    serde_words(attr)
        .split(',')
        .any(|word| word.trim() == "default")
}

fn skips_serializing(attr: &Attribute) -> bool {
    serde_words(attr).contains("skip_serializing")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unset_boxed_option_is_skipped_and_other_fields_are_not_touched() {
        let mut file: syn::File = parse_quote! {
            pub struct Failure {
                #[serde(default)]
                pub cause: ::std::boxed::Box<::std::option::Option<Failure>>,
                #[serde(default, skip_serializing_if = "::std::option::Option::is_none")]
                pub message: ::std::option::Option<String>,
                pub children: ::std::boxed::Box<::std::option::Option<Failure>>,
                #[serde(default)]
                pub tags: ::std::vec::Vec<String>,
            }
        };
        assert_eq!(rewrite(&mut file), 1);
        let syn::Item::Struct(failure) = &file.items[0] else {
            panic!("not a struct")
        };
        let cause = failure.fields.iter().next().unwrap();
        assert!(cause.attrs.iter().any(skips_serializing));
        // A required boxed option (no `default`) must be sent, even as null.
        let children = failure.fields.iter().nth(2).unwrap();
        assert!(!children.attrs.iter().any(skips_serializing));
        // Running it again changes nothing.
        assert_eq!(rewrite(&mut file), 0);
    }
}
