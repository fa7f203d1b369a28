//! The crate's verdict: what code compiled against the crate generated from the old document
//! needs once the crate is generated from the new one.
//!
//! The wire verdict (the rules) says whether an old *client* can fail against the new API.
//! The crate's version bump is another question, and its answer depends on how the code is
//! generated: a new optional response field breaks no client, yet it adds a public field to a
//! struct, which breaks every struct literal of it. So both documents go through the whole
//! generation pipeline, and the public items of the two generated files are compared, the way
//! cargo-semver-checks compares crates but by signature alone: an item removed or changed is
//! major; a field added to a struct whose fields are all public, or a variant to an enum that
//! is not `#[non_exhaustive]`, is major too (literals and exhaustive matches stop compiling);
//! anything else added is minor. Attributes (serde renames, docs) are not API.

use std::collections::BTreeMap;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{Context, Result, anyhow, bail};
use quote::ToTokens;
use serde_json::Value;
use syn::{Fields, ImplItem, Item, Visibility};

use super::Bump;
use crate::generate::render_client;
use crate::normalize::{Options, normalize};

/// One difference between the public APIs of the two generated crates.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct ApiChange {
    /// What code compiled against the old crate needs: major when it can stop compiling.
    pub bump: Bump,
    /// The item's path in the crate: `types::Agent::cost_usd`.
    pub item: String,
    /// What happened to it: `field added: struct literals of types::Agent need it`.
    pub what: String,
}

/// The public items of a generated crate, by path.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct Api {
    items: BTreeMap<String, Entry>,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
struct Entry {
    /// `struct`, `field`, `variant`, `method`, `impl`, ...
    kind: String,
    /// What must stay the same for code using it to compile.
    signature: String,
    /// For a struct: all its fields are public and it is not `#[non_exhaustive]`, so code
    /// outside may build it with a literal. For an enum: it is not `#[non_exhaustive]`, so a
    /// `match` may list every variant.
    closed: bool,
    /// For a field, a variant, a method or a trait impl: the type it belongs to. When the
    /// type itself is added or removed, that is the change reported, not each of its parts.
    owner: Option<String>,
}

/// Where [`Api::generate_with`] runs the generator.
#[derive(Debug, Clone)]
pub enum Generator {
    /// In this process (tests, and documents known to be safe).
    InProcess,
    /// In a child process of this executable (`xtask drift-api`), so that a document the
    /// generator cannot finish (a stack overflow cannot be caught) fails the comparison, not
    /// the report.
    Contained(PathBuf),
}

impl Api {
    /// Generates `doc`'s client with `generator`, and reads its public API.
    pub fn generate_with(
        generator: &Generator,
        doc: Value,
        options: &Options,
        origin: &str,
    ) -> Result<Api> {
        match generator {
            Generator::InProcess => Api::generate(doc, options, origin),
            Generator::Contained(exe) => Api::generate_in_child(exe, &doc, options, origin),
        }
    }

    fn generate_in_child(exe: &Path, doc: &Value, options: &Options, origin: &str) -> Result<Api> {
        let mut command = Command::new(exe);
        command.args(["drift-api", "--origin", origin]);
        // A file named without a folder has `""` for its parent: the current directory.
        if let Some(dir) = options
            .base_dir
            .as_ref()
            .filter(|d| !d.as_os_str().is_empty())
        {
            command.arg("--base-dir").arg(dir);
        }
        if let Some(prefix) = &options.strip_path_prefix {
            command.args(["--strip-path-prefix", prefix]);
        }
        let mut child = command
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .with_context(|| format!("cannot run {}", exe.display()))?;
        let text = serde_json::to_vec(doc)?;
        if let Some(mut stdin) = child.stdin.take() {
            // A child that stops early closes its end; its status says why.
            let _ = stdin.write_all(&text);
        }
        let output = child.wait_with_output()?;
        if !output.status.success() {
            let stderr = String::from_utf8_lossy(&output.stderr);
            if stderr.contains("overflowed its stack") {
                bail!(
                    "generating the crate from {origin} overflowed the stack: typify cannot \
                     generate a schema that reaches itself through its own composition yet"
                );
            }
            let last = stderr
                .lines()
                .map(str::trim)
                .rfind(|l| !l.is_empty())
                .unwrap_or("no message");
            bail!(
                "generating the crate from {origin} stopped ({}): {}",
                output.status,
                last.trim_start_matches("error: ")
            );
        }
        serde_json::from_slice(&output.stdout)
            .map_err(|e| anyhow!("the generator's answer for {origin} is not readable: {e}"))
    }

    /// Generates `doc`'s client as `cargo xtask generate` would, and reads its public API.
    pub fn generate(doc: Value, options: &Options, origin: &str) -> Result<Api> {
        let mut normalized = normalize(doc, options, origin)?;
        let client = render_client(&mut normalized, origin, None)?;
        Ok(Api::read(&client.file))
    }

    /// The public API of a parsed file.
    pub fn read(file: &syn::File) -> Api {
        let mut api = Api::default();
        api.items_of("", &file.items);
        api
    }

    fn items_of(&mut self, prefix: &str, items: &[Item]) {
        for item in items {
            match item {
                Item::Mod(module) if is_pub(&module.vis) => {
                    if let Some((_, items)) = &module.content {
                        self.items_of(&path(prefix, &module.ident.to_string()), items);
                    }
                }
                Item::Struct(s) if is_pub(&s.vis) => {
                    let name = path(prefix, &s.ident.to_string());
                    let all_public = s.fields.iter().all(|f| is_pub(&f.vis));
                    let closed = all_public && !non_exhaustive(&s.attrs);
                    let shape = match &s.fields {
                        Fields::Named(_) => "{}",
                        Fields::Unnamed(_) => "()",
                        Fields::Unit => ";",
                    };
                    let signature = format!(
                        "struct{} {shape}{}",
                        s.generics.to_token_stream(),
                        if closed {
                            ""
                        } else {
                            " (cannot be built outside)"
                        }
                    );
                    self.derives(&name, &s.attrs);
                    for (i, field) in s.fields.iter().enumerate() {
                        if !is_pub(&field.vis) {
                            if let (Some(ident), true) = (&field.ident, required_input(&field.ty)) {
                                self.insert(
                                    path(&name, &format!("{ident} (required)")),
                                    REQUIRED_INPUT,
                                    String::new(),
                                    false,
                                    Some(name.clone()),
                                );
                            }
                            continue;
                        }
                        let field_name = field
                            .ident
                            .as_ref()
                            .map_or_else(|| i.to_string(), ToString::to_string);
                        self.insert(
                            path(&name, &field_name),
                            "field",
                            field.ty.to_token_stream().to_string(),
                            false,
                            Some(name.clone()),
                        );
                    }
                    self.insert(name, "struct", signature, closed, None);
                }
                Item::Enum(e) if is_pub(&e.vis) => {
                    let name = path(prefix, &e.ident.to_string());
                    let closed = !non_exhaustive(&e.attrs);
                    self.derives(&name, &e.attrs);
                    for variant in &e.variants {
                        self.insert(
                            path(&name, &variant.ident.to_string()),
                            "variant",
                            variant.fields.to_token_stream().to_string(),
                            false,
                            Some(name.clone()),
                        );
                    }
                    let signature = format!(
                        "enum{}{}",
                        e.generics.to_token_stream(),
                        if closed { "" } else { " #[non_exhaustive]" }
                    );
                    self.insert(name, "enum", signature, closed, None);
                }
                Item::Type(t) if is_pub(&t.vis) => {
                    let signature = t.ty.to_token_stream().to_string();
                    self.insert(
                        path(prefix, &t.ident.to_string()),
                        "type alias",
                        signature,
                        false,
                        None,
                    );
                }
                Item::Fn(f) if is_pub(&f.vis) => {
                    let signature = f.sig.to_token_stream().to_string();
                    let name = path(prefix, &f.sig.ident.to_string());
                    self.insert(name, "function", signature, false, None);
                }
                Item::Const(c) if is_pub(&c.vis) => {
                    let signature = c.ty.to_token_stream().to_string();
                    let name = path(prefix, &c.ident.to_string());
                    self.insert(name, "constant", signature, false, None);
                }
                Item::Static(s) if is_pub(&s.vis) => {
                    let signature = s.ty.to_token_stream().to_string();
                    let name = path(prefix, &s.ident.to_string());
                    self.insert(name, "static", signature, false, None);
                }
                Item::Trait(t) if is_pub(&t.vis) => {
                    let name = path(prefix, &t.ident.to_string());
                    let signature = t.generics.to_token_stream().to_string();
                    self.insert(name, "trait", signature, false, None);
                }
                Item::Use(u) if is_pub(&u.vis) => {
                    let signature = u.tree.to_token_stream().to_string();
                    let name = path(prefix, &format!("use {signature}"));
                    self.insert(name, "re-export", signature, false, None);
                }
                Item::Impl(imp) => self.impl_block(prefix, imp),
                _ => {}
            }
        }
    }

    /// An inherent impl adds its public methods and constants; a trait impl is one item.
    fn impl_block(&mut self, prefix: &str, imp: &syn::ItemImpl) {
        let self_ty = self_type(prefix, &imp.self_ty);
        if let Some((_, trait_path, _)) = &imp.trait_ {
            let name = format!(
                "impl {} for {self_ty}",
                tidy(&trait_path.to_token_stream().to_string())
            );
            self.insert(name, "trait impl", String::new(), false, Some(self_ty));
            return;
        }
        for item in &imp.items {
            match item {
                ImplItem::Fn(f) if is_pub(&f.vis) => {
                    let name = path(&self_ty, &f.sig.ident.to_string());
                    let signature = format!(
                        "impl{} {}",
                        imp.generics.to_token_stream(),
                        f.sig.to_token_stream()
                    );
                    self.insert(name, "method", signature, false, Some(self_ty.clone()));
                }
                ImplItem::Const(c) if is_pub(&c.vis) => {
                    let name = path(&self_ty, &c.ident.to_string());
                    let signature = c.ty.to_token_stream().to_string();
                    self.insert(
                        name,
                        "associated constant",
                        signature,
                        false,
                        Some(self_ty.clone()),
                    );
                }
                _ => {}
            }
        }
    }

    /// Each derived trait is an impl code may use (`.clone()`, `==`, a `HashMap` key).
    fn derives(&mut self, name: &str, attrs: &[syn::Attribute]) {
        for attr in attrs.iter().filter(|a| a.path().is_ident("derive")) {
            let _ = attr.parse_nested_meta(|meta| {
                let derived = meta.path.to_token_stream().to_string().replace(' ', "");
                let derived = derived.rsplit("::").next().unwrap_or(&derived).to_string();
                self.insert(
                    format!("impl {derived} for {name}"),
                    "trait impl",
                    String::new(),
                    false,
                    Some(name.to_string()),
                );
                Ok(())
            });
        }
    }

    fn insert(
        &mut self,
        name: String,
        kind: &'static str,
        signature: String,
        closed: bool,
        owner: Option<String>,
    ) {
        self.items.insert(
            name,
            Entry {
                kind: kind.to_string(),
                signature,
                closed,
                owner,
            },
        );
    }

    /// What code compiled against `self` needs to compile against `new`, sorted: major first.
    pub fn changes_to(&self, new: &Api) -> Vec<ApiChange> {
        // A part of a type that is itself added or removed is not listed apart.
        let whole = |api: &Api, entry: &Entry| {
            entry
                .owner
                .as_ref()
                .is_some_and(|owner| !api.items.contains_key(owner))
        };
        let mut changes = Vec::new();
        for (name, old) in &self.items {
            match new.items.get(name) {
                None if whole(new, old) => {}
                None if old.kind.as_str() == REQUIRED_INPUT => changes.push(ApiChange {
                    bump: Bump::Minor,
                    item: name.clone(),
                    what: "no longer required".into(),
                }),
                None => changes.push(ApiChange {
                    bump: Bump::Major,
                    item: name.clone(),
                    what: format!("{} removed", old.kind),
                }),
                Some(now) if now.signature != old.signature || now.kind != old.kind => changes
                    .push(ApiChange {
                        bump: Bump::Major,
                        item: name.clone(),
                        what: format!(
                            "{} changed from `{}` to `{}`",
                            old.kind,
                            shorten(&tidy(&old.signature)),
                            shorten(&tidy(&now.signature))
                        ),
                    }),
                Some(_) => {}
            }
        }
        for (name, now) in &new.items {
            if self.items.contains_key(name) || whole(self, now) {
                continue;
            }
            // The owner existed before (else this part is not listed): was it closed?
            let closed_owner = now
                .owner
                .as_ref()
                .filter(|owner| self.items.get(*owner).is_some_and(|o| o.closed));
            let (bump, what) = match (now.kind.as_str(), closed_owner) {
                ("field", Some(owner)) => (
                    Bump::Major,
                    format!("field added: struct literals and patterns of `{owner}` need it"),
                ),
                (REQUIRED_INPUT, _) => (
                    Bump::Major,
                    "now required: building or sending fails until it is set".to_string(),
                ),
                ("variant", Some(owner)) => (
                    Bump::Major,
                    format!("variant added: a `match` on `{owner}` without `_` needs it"),
                ),
                (kind, _) => (Bump::Minor, format!("{kind} added")),
            };
            changes.push(ApiChange {
                bump,
                item: name.clone(),
                what,
            });
        }
        changes.sort();
        changes
    }
}

/// The bump a list of API changes needs: the largest, or patch when there are none.
pub fn bump(changes: &[ApiChange]) -> Bump {
    changes.iter().map(|c| c.bump).min().unwrap_or(Bump::Patch)
}

/// The kind of a builder's private field that must be set before it builds or sends.
const REQUIRED_INPUT: &str = "required input";

/// Whether a builder's private field is a required input: progenitor's builders (of
/// operations, and of types) hold each input as `Result<T, String>`, an optional one as
/// `Result<Option<T>, String>`, and fail at `send()` or `try_into()` on one never set.
fn required_input(ty: &syn::Type) -> bool {
    let last = |ty: &syn::Type| match ty {
        syn::Type::Path(p) => p.path.segments.last().cloned(),
        _ => None,
    };
    let Some(result) = last(ty).filter(|s| s.ident == "Result") else {
        return false;
    };
    let syn::PathArguments::AngleBracketed(args) = &result.arguments else {
        return false;
    };
    match args.args.first() {
        Some(syn::GenericArgument::Type(inner)) => {
            !last(inner).is_some_and(|s| s.ident == "Option" || s.ident == "Vec")
        }
        _ => false,
    }
}

fn is_pub(vis: &Visibility) -> bool {
    matches!(vis, Visibility::Public(_))
}

fn non_exhaustive(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|a| a.path().is_ident("non_exhaustive"))
}

fn path(prefix: &str, name: &str) -> String {
    if prefix.is_empty() {
        name.to_string()
    } else {
        format!("{prefix}::{name}")
    }
}

/// An impl's self type as a path in the crate, without generics: `builder::GetAgent`.
fn self_type(prefix: &str, ty: &syn::Type) -> String {
    let text = ty.to_token_stream().to_string().replace(' ', "");
    let text = text.trim_start_matches("::").trim_start_matches("super::");
    path(prefix, text.split('<').next().unwrap_or(text))
}

/// Tokens as a person writes them: `::std::option::Option<i64>` for
/// `:: std :: option :: Option < i64 >`, with the standard library's and derive crates' paths
/// shortened to the last segment.
fn tidy(tokens: &str) -> String {
    let mut text = tokens.to_string();
    for (from, to) in [
        (" :: ", "::"),
        (":: ", "::"),
        (" < ", "<"),
        ("< ", "<"),
        (" <", "<"),
        (" > ", "> "),
        (" >", ">"),
        (" ,", ","),
        (" (", "("),
        ("( ", "("),
        (" )", ")"),
        ("& ", "&"),
        (" ;", ";"),
        (",)", ")"),
    ] {
        text = text.replace(from, to);
    }
    for prefix in [
        "::std::string::",
        "::std::option::",
        "::std::vec::",
        "::std::collections::",
        "::std::convert::",
        "::std::fmt::",
        "::std::str::",
        "::std::default::",
        "::std::num::",
        "::std::result::",
        "::std::",
        "::serde::",
        "::schemars::",
        "::chrono::",
        "super::",
    ] {
        text = text.replace(prefix, "");
    }
    text
}

/// A signature short enough for one line of a report.
fn shorten(signature: &str) -> String {
    const MOST: usize = 120;
    if signature.chars().count() <= MOST {
        return signature.to_string();
    }
    let cut: String = signature.chars().take(MOST).collect();
    format!("{cut}…")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn changes(old: &str, new: &str) -> Vec<String> {
        let read = |code: &str| Api::read(&syn::parse_str(code).expect("test code parses"));
        read(old)
            .changes_to(&read(new))
            .into_iter()
            .map(|c| format!("{} {}: {}", c.bump.as_str(), c.item, c.what))
            .collect()
    }

    #[test]
    fn a_field_breaks_literals_of_a_struct_with_public_fields_only() {
        let old = "pub mod types { pub struct Agent { pub id: String }
                   pub struct Sealed { pub id: String, secret: u8 } }";
        let new = "pub mod types { pub struct Agent { pub id: String, pub cost: Option<f64> }
                   pub struct Sealed { pub id: String, pub cost: f64, secret: u8 } }";
        assert_eq!(
            changes(old, new),
            [
                "major types::Agent::cost: field added: struct literals and patterns of \
                 `types::Agent` need it",
                "minor types::Sealed::cost: field added",
            ]
        );
    }

    #[test]
    fn a_variant_breaks_matches_unless_the_enum_is_non_exhaustive() {
        let old = "pub enum Closed { A } #[non_exhaustive] pub enum Open { A, Unknown(String) }";
        let new =
            "pub enum Closed { A, B } #[non_exhaustive] pub enum Open { A, B, Unknown(String) }";
        assert_eq!(
            changes(old, new),
            [
                "major Closed::B: variant added: a `match` on `Closed` without `_` needs it",
                "minor Open::B: variant added",
            ]
        );
        // Becoming non-exhaustive is itself a break: exhaustive matches need a `_` arm.
        assert_eq!(
            changes("pub enum E { A }", "#[non_exhaustive] pub enum E { A }"),
            ["major E: enum changed from `enum` to `enum #[non_exhaustive]`"]
        );
    }

    #[test]
    fn a_type_removed_or_added_is_one_change_not_one_per_part() {
        let old = "#[derive(Clone, Debug)] pub struct Agent { pub id: String }
                   impl Agent { pub fn builder() -> u8 { 0 } }
                   impl From<u8> for Agent { fn from(_: u8) -> Self { todo!() } }";
        let new = old.replace("Agent", "AgentRun");
        assert_eq!(
            changes(old, &new),
            [
                "major Agent: struct removed",
                "minor AgentRun: struct added"
            ]
        );
    }

    #[test]
    fn signatures_and_derives_are_compared_and_attributes_are_not() {
        let old = r#"#[derive(Clone, PartialEq)] pub struct A { #[serde(rename = "x")] pub x: i32 }
                     pub fn f(a: i32) -> i32 { a }"#;
        let new = r#"#[derive(Clone, Debug)] pub struct A { #[serde(rename = "y")] pub x: ::std::option::Option<i64> }
                     pub fn f(a: i64) -> i32 { 0 }"#;
        assert_eq!(
            changes(old, new),
            [
                "major A::x: field changed from `i32` to `Option<i64>`",
                "major f: function changed from `fn f(a : i32) -> i32` to `fn f(a : i64) -> i32`",
                "major impl PartialEq for A: trait impl removed",
                "minor impl Debug for A: trait impl added",
            ]
        );
    }

    #[test]
    fn a_builder_input_that_becomes_required_fails_at_send() {
        let builder = |field: &str| {
            format!(
                "pub mod builder {{ pub struct GetAgent {{ client: u8, limit: \
                 ::std::result::Result<{field}, String> }}
                 impl GetAgent {{ pub fn limit<V>(mut self, value: V) -> Self {{ self }} }} }}"
            )
        };
        let optional = builder("::std::option::Option<i64>");
        let required = builder("i64");
        assert_eq!(
            changes(&optional, &required),
            [
                "major builder::GetAgent::limit (required): now required: building or sending \
                 fails until it is set"
            ]
        );
        assert_eq!(
            changes(&required, &optional),
            ["minor builder::GetAgent::limit (required): no longer required"]
        );
        assert_eq!(bump(&[]), Bump::Patch);
    }
}
