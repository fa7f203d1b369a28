//! The identifiers progenitor and typify derive from a document's names, computed here so that
//! normalization can see a collision before the generated code would fail to compile.
//!
//! [`sanitize`] is the rule both crates apply (typify-impl 0.8 `util::sanitize`, progenitor-impl
//! 0.15 `util::sanitize`): non-identifier characters become `-`, then heck's case conversion, a
//! prefix when the result does not start like an identifier, and a trailing `_` for keywords.

use heck::{ToPascalCase, ToSnakeCase};
use unicode_ident::{is_xid_continue, is_xid_start};

/// The case an identifier is converted to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Case {
    /// `TypeName`.
    Pascal,
    /// `method_name`.
    Snake,
}

/// The identifier progenitor and typify make of `input` (a component, operation, parameter or
/// enum value name).
pub fn sanitize(input: &str, case: Case) -> String {
    let convert = |s: &str| match case {
        Case::Pascal => s.to_pascal_case(),
        Case::Snake => s.to_snake_case(),
    };
    let out = match input {
        "+1" => "plus1".to_string(),
        "-1" => "minus1".to_string(),
        _ => convert(
            &input
                .replace('\'', "")
                .replace(|c: char| !is_xid_continue(c), "-"),
        ),
    };
    let out = match out.chars().next() {
        None => convert("x"),
        Some(c) if is_xid_start(c) => out,
        // typify prefixes `x`/`X`, progenitor `_`: either way the name changes, and only
        // uniqueness is compared here.
        Some(_) => format!("{}{out}", convert("x")),
    };
    if typify_accepts(&out) {
        out
    } else {
        format!("{out}_")
    }
}

/// Whether typify keeps `ident` as it is (it is not a keyword).
fn typify_accepts(ident: &str) -> bool {
    !KEYWORDS.contains(&ident) && syn::parse_str::<syn::Ident>(ident).is_ok()
}

/// Rust's keywords, strict and reserved, as typify 0.8 lists them.
const KEYWORDS: [&str; 52] = [
    "_", "abstract", "as", "async", "await", "become", "box", "break", "const", "continue",
    "crate", "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if",
    "impl", "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub",
    "ref", "return", "Self", "self", "static", "struct", "super", "trait", "true", "try", "type",
    "typeof", "unsafe", "unsized", "use", "virtual", "where", "while",
];

/// Names a generated type must not take: it would shadow a name of Rust's prelude (a type,
/// trait or derive) for anyone who imports the `types` module with a glob.
pub const PRELUDE: [&str; 38] = [
    "AsMut",
    "AsRef",
    "Box",
    "Clone",
    "Copy",
    "Debug",
    "Default",
    "DoubleEndedIterator",
    "Drop",
    "Eq",
    "ExactSizeIterator",
    "Extend",
    "Fn",
    "FnMut",
    "FnOnce",
    "From",
    "FromIterator",
    "Hash",
    "Into",
    "IntoIterator",
    "Iterator",
    "Ok",
    "Option",
    "Ord",
    "PartialEq",
    "PartialOrd",
    "Result",
    "Send",
    "Sized",
    "Some",
    "String",
    "Sync",
    "ToOwned",
    "ToString",
    "TryFrom",
    "TryInto",
    "Unpin",
    "Vec",
];

/// Whether every name in `names` gives a different identifier.
pub fn all_distinct<'a>(names: impl IntoIterator<Item = &'a str>, case: Case) -> bool {
    let mut seen = std::collections::BTreeSet::new();
    names
        .into_iter()
        .all(|name| seen.insert(sanitize(name, case)))
}

/// The type names (as typify makes them from schema names) that are taken, for claiming free
/// ones. Each name is made once: claiming many names against thousands of components (Plaid's
/// 2,275) stays linear.
#[derive(Debug, Clone)]
pub struct TypeNames {
    taken: std::collections::HashSet<String>,
}

impl TypeNames {
    /// The type names of `names` (component names, say).
    pub fn of<'a>(names: impl IntoIterator<Item = &'a String>) -> Self {
        Self {
            taken: names
                .into_iter()
                .map(|name| sanitize(name, Case::Pascal))
                .collect(),
        }
    }

    /// Whether a schema named `name` would get a type name that is taken.
    pub fn is_taken(&self, name: &str) -> bool {
        self.taken.contains(&sanitize(name, Case::Pascal))
    }

    /// `wanted`, or `wanted2`, `wanted3`, ...: the first whose type name is free, now taken.
    pub fn claim(&mut self, wanted: &str) -> String {
        let name = if self.is_taken(wanted) {
            (2..)
                .map(|n| format!("{wanted}{n}"))
                .find(|name| !self.is_taken(name))
                .unwrap_or_default()
        } else {
            wanted.to_string()
        };
        self.taken.insert(sanitize(&name, Case::Pascal));
        name
    }
}

/// Claims an identifier (in `case`) not yet in `taken` for `name`: `name` itself when its
/// identifier is free, else the first free of `{name}_{suffix}`, `{name}_{suffix}_2`, ...
/// Returns the name claimed.
pub fn claim(
    taken: &mut std::collections::BTreeSet<String>,
    name: &str,
    suffix: &str,
    case: Case,
) -> String {
    if taken.insert(sanitize(name, case)) {
        return name.to_string();
    }
    let mut candidates = std::iter::once(format!("{name}_{suffix}"))
        .chain((2..).map(|n| format!("{name}_{suffix}_{n}")));
    // The candidates never run out, and the first free one is claimed as it is found.
    candidates
        .find(|candidate| taken.insert(sanitize(candidate, case)))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sanitize_follows_typify_and_progenitor() {
        assert_eq!(sanitize("getThing", Case::Snake), "get_thing");
        assert_eq!(sanitize("user_profile", Case::Pascal), "UserProfile");
        assert_eq!(sanitize("+1", Case::Pascal), "plus1");
        assert_eq!(sanitize("type", Case::Snake), "type_");
        assert_eq!(sanitize("self", Case::Snake), "self_");
        assert_eq!(sanitize("3d", Case::Pascal), "X3d");
        assert_eq!(sanitize("", Case::Pascal), "X");
        assert_eq!(sanitize("a.b", Case::Pascal), "AB");
    }

    #[test]
    fn names_that_differ_only_in_case_collide() {
        assert!(!all_distinct(["user", "User"], Case::Pascal));
        assert!(!all_distinct(["page_size", "pageSize"], Case::Snake));
        assert!(all_distinct(["on", "off"], Case::Pascal));
    }

    #[test]
    fn a_claimed_type_name_is_free_as_typify_names_it_and_then_taken() {
        let existing = ["user".to_string(), "Pet2".to_string()];
        let mut names = TypeNames::of(&existing);
        assert!(names.is_taken("User"));
        assert_eq!(names.claim("User"), "User2");
        assert_eq!(names.claim("pet"), "pet");
        assert_eq!(names.claim("Pet"), "Pet3");
        assert!(names.is_taken("user_2"));
    }

    #[test]
    fn a_taken_name_gets_the_first_free_suffix() {
        let mut taken = std::collections::BTreeSet::new();
        assert_eq!(
            claim(&mut taken, "getThing", "head", Case::Snake),
            "getThing"
        );
        assert_eq!(
            claim(&mut taken, "get_thing", "head", Case::Snake),
            "get_thing_head"
        );
        assert_eq!(
            claim(&mut taken, "getThing", "head", Case::Snake),
            "getThing_head_2"
        );
    }
}
