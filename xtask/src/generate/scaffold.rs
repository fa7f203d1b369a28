//! A provider crate's hand-written files, as a new crate starts, and the dependencies its
//! generated code needs.
//!
//! `generate` writes `Cargo.toml` and `src/lib.rs` only where they do not exist yet (after that
//! they are the crate's to edit), but it keeps `Cargo.toml`'s dependencies in step with the
//! generated code: typify and progenitor emit `::chrono::`, `::uuid::`, `::regress::`,
//! `futures::`, `::base64::` and `::rand::` paths, and `reqwest::multipart` where a body is a
//! form (see [`required_dependencies`]). A dependency the code starts using is added; one it no
//! longer uses is reported, not removed (the hand-written `lib.rs` may use it). Code that
//! derives JSON Schema gets the `schemars` feature and its optional dependency.
//!
//! Nothing from the document's text reaches these files unescaped: the title goes into TOML
//! through `toml_edit` and into Rust through [`rust_string`] and [`one_line`].

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use syn::visit::Visit;
use toml_edit::{Array, DocumentMut, InlineTable, Item, Table, TableLike, value};

use crate::read::providers::Provider;
use crate::text::{one_line, rust_string};

/// A crate the generated code may need beyond the ones every client crate has.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Dependency {
    /// The crate's name, as the generated code spells its paths.
    pub name: &'static str,
    /// The version requirement written into `Cargo.toml`.
    pub version: &'static str,
    /// Features the generated code needs.
    pub features: &'static [&'static str],
}

/// Every crate the generated code may need, and what it needs of it (the versions this
/// workspace's lockfile already holds, where it holds one).
pub const OPTIONAL: [Dependency; 6] = [
    Dependency {
        name: "chrono",
        version: "0.4",
        features: &["serde"],
    },
    Dependency {
        name: "uuid",
        version: "1",
        features: &["serde"],
    },
    Dependency {
        name: "regress",
        version: "0.12",
        features: &[],
    },
    Dependency {
        name: "futures",
        version: "0.3",
        features: &[],
    },
    Dependency {
        name: "base64",
        version: "0.22",
        features: &[],
    },
    Dependency {
        name: "rand",
        version: "0.10",
        features: &[],
    },
];

/// What the generated code needs beyond the crates every client crate has: the optional
/// crates, and reqwest features.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Needs {
    /// Optional crates the code refers to.
    pub crates: Vec<Dependency>,
    /// reqwest features the code uses (`multipart`).
    pub reqwest_features: Vec<&'static str>,
    /// The code derives JSON Schema under the `schemars` feature: the crate needs the feature,
    /// an optional schemars dependency, and schemars' support for the optional crates in use.
    pub json_schema: bool,
    /// The code has `agentrun_runtime::Upload` fields (a typed multipart body): the `schemars`
    /// feature needs the runtime's.
    pub uploads: bool,
    /// The crate's feature per tag ([`crate::generate::features`]).
    pub tags: crate::generate::features::TagFeatures,
}

/// The schemars the `schemars` feature brings in: 0.8, the version typify reads schemas with.
pub const SCHEMARS_VERSION: &str = "0.8.22";

/// schemars' feature for each optional crate that has one.
const SCHEMARS_FEATURES: [(&str, &str); 2] = [("chrono", "chrono"), ("uuid", "uuid1")];

/// Reads the generated code's paths for the crates and features it uses.
pub fn required_dependencies(code: &syn::File) -> Needs {
    #[derive(Default)]
    struct Paths {
        roots: BTreeSet<String>,
        multipart: bool,
        uploads: bool,
    }
    impl Visit<'_> for Paths {
        fn visit_path(&mut self, path: &syn::Path) {
            let segments: Vec<String> = path.segments.iter().map(|s| s.ident.to_string()).collect();
            if let Some(first) = segments.first() {
                self.roots.insert(first.clone());
            }
            if segments
                .windows(2)
                .any(|w| w[0] == "reqwest" && w[1] == "multipart")
            {
                self.multipart = true;
            }
            if segments
                .windows(2)
                .any(|w| w[0] == "agentrun_runtime" && w[1] == "Upload")
            {
                self.uploads = true;
            }
            syn::visit::visit_path(self, path);
        }
        fn visit_use_tree(&mut self, tree: &syn::UseTree) {
            if let syn::UseTree::Path(path) = tree {
                self.roots.insert(path.ident.to_string());
            }
            syn::visit::visit_use_tree(self, tree);
        }
    }
    let mut paths = Paths::default();
    paths.visit_file(code);
    Needs {
        crates: OPTIONAL
            .iter()
            .filter(|d| paths.roots.contains(d.name))
            .copied()
            .collect(),
        reqwest_features: if paths.multipart {
            vec!["multipart"]
        } else {
            Vec::new()
        },
        json_schema: paths.roots.contains("schemars"),
        uploads: paths.uploads,
        tags: Default::default(),
    }
}

/// The new crate's `Cargo.toml` and `src/lib.rs`, for the generated code's needs.
pub fn files(provider: &Provider, info_title: &str, needs: &Needs) -> Vec<(PathBuf, String)> {
    vec![
        (
            provider.crate_dir.join("Cargo.toml"),
            manifest(provider, needs),
        ),
        (
            provider.crate_dir.join("src/lib.rs"),
            library(provider, info_title),
        ),
    ]
}

fn manifest(provider: &Provider, needs: &Needs) -> String {
    let mut doc = DocumentMut::new();
    let mut package = Table::new();
    package.insert("name", value(provider.crate_name()));
    package.insert(
        "description",
        value(format!(
            "A typed client for the {}, generated from its OpenAPI document.",
            single_spaced(&provider.title)
        )),
    );
    for key in [
        "version",
        "edition",
        "rust-version",
        "license",
        "repository",
    ] {
        package.insert(key, inherited());
    }
    doc.insert("package", Item::Table(package));
    let mut features = Table::new();
    features.insert("default", value(Array::from_iter(["rustls"])));
    features.insert("rustls", value(Array::from_iter(["reqwest/rustls"])));
    features.insert(
        "native-tls",
        value(Array::from_iter(["reqwest/native-tls"])),
    );
    doc.insert("features", Item::Table(features));
    let mut dependencies = Table::new();
    for name in [
        "agentrun-runtime",
        "progenitor-client",
        "reqwest",
        "serde",
        "serde_json",
    ] {
        dependencies.insert(name, inherited());
    }
    doc.insert("dependencies", Item::Table(dependencies));
    let mut lints = Table::new();
    lints.insert("workspace", value(true));
    doc.insert("lints", Item::Table(lints));
    let mut text = doc.to_string();
    // The dependencies the generated code needs are added the way a later generate adds them.
    if let Ok(Some(updated)) = update_manifest(&text, needs) {
        text = updated;
    }
    text
}

/// `key.workspace = true`: a value inherited from the workspace, written as the workspace's
/// own crates write it.
fn inherited() -> Item {
    let mut table = Table::new();
    table.set_dotted(true);
    table.insert("workspace", value(true));
    Item::Table(table)
}

/// Adds to a crate's `Cargo.toml` what the generated code needs and it lacks; `None` when
/// nothing is missing.
pub fn update_manifest(text: &str, needs: &Needs) -> Result<Option<String>> {
    let mut doc: DocumentMut = text
        .parse()
        .context("the crate's Cargo.toml is not valid TOML")?;
    let mut changed = false;
    let dependencies = dependencies_table(&mut doc)?;
    for dependency in &needs.crates {
        if dependencies.contains_key(dependency.name) {
            continue;
        }
        let mut entry = InlineTable::new();
        entry.insert("version", dependency.version.into());
        if !dependency.features.is_empty() {
            entry.insert(
                "features",
                Array::from_iter(dependency.features.iter().copied()).into(),
            );
        }
        dependencies.insert(dependency.name, value(entry));
        changed = true;
    }
    if !needs.reqwest_features.is_empty()
        && let Some(reqwest) = dependencies.get_mut("reqwest")
    {
        changed |= add_features(reqwest, &needs.reqwest_features);
    }
    if needs.json_schema {
        changed |= add_schemars_feature(&mut doc, needs)?;
    }
    changed |= add_tag_features(&mut doc, &needs.tags)?;
    Ok(changed.then(|| doc.to_string()))
}

/// A feature per tag, and `full` with all of them; a new `full` joins `default` when the
/// crate is small enough for every tag to be on by default. Whether anything changed.
fn add_tag_features(
    doc: &mut DocumentMut,
    tags: &crate::generate::features::TagFeatures,
) -> Result<bool> {
    use crate::generate::features::FULL;
    let features = doc
        .entry("features")
        .or_insert_with(|| Item::Table(Table::new()))
        .as_table_mut()
        .context("the crate's Cargo.toml has a `features` that is not a table")?;
    let mut changed = false;
    let full: Vec<&str> = tags.tags.iter().map(String::as_str).collect();
    let listed = features
        .get(FULL)
        .and_then(Item::as_array)
        .map(|a| a.iter().filter_map(|v| v.as_str()).collect::<Vec<_>>());
    if listed.as_deref() != Some(full.as_slice()) {
        let new = listed.is_none();
        features.insert(FULL, value(Array::from_iter(full.iter().copied())));
        if let Some(mut key) = features.key_mut(FULL) {
            key.leaf_decor_mut().set_prefix(
                "## Every tag's operations and types. Each tag is a feature of its own: a\n\
                 ## client of part of the API compiles only that part.\n",
            );
        }
        if new && tags.all_by_default {
            let default = features
                .entry("default")
                .or_insert_with(|| value(Array::new()));
            if let Some(all) = with_missing(default.as_array(), &[FULL]) {
                *default = value(all);
            }
        }
        changed = true;
    }
    for tag in &tags.tags {
        if !features.contains_key(tag) {
            features.insert(tag, value(Array::new()));
            changed = true;
        }
    }
    Ok(changed)
}

/// The manifest's `[dependencies]`, made when it has none.
fn dependencies_table(doc: &mut DocumentMut) -> Result<&mut dyn TableLike> {
    doc.entry("dependencies")
        .or_insert_with(|| Item::Table(Table::new()))
        .as_table_like_mut()
        .context("the crate's Cargo.toml has a `dependencies` that is not a table")
}

/// The optional schemars dependency and the `schemars` feature that turns it on, with
/// schemars' support for the optional crates the code uses; whether anything was added.
fn add_schemars_feature(doc: &mut DocumentMut, needs: &Needs) -> Result<bool> {
    let mut changed = false;
    let dependencies = dependencies_table(doc)?;
    if !dependencies.contains_key("schemars") {
        let mut entry = InlineTable::new();
        entry.insert("version", SCHEMARS_VERSION.into());
        entry.insert("optional", true.into());
        dependencies.insert("schemars", value(entry));
        changed = true;
    }
    let features = doc
        .entry("features")
        .or_insert_with(|| Item::Table(Table::new()))
        .as_table_mut()
        .context("the crate's Cargo.toml has a `features` that is not a table")?;
    let mut wanted = vec!["dep:schemars".to_string()];
    if needs.uploads {
        wanted.push("agentrun-runtime/schemars".to_string());
    }
    for (name, feature) in SCHEMARS_FEATURES {
        if needs.crates.iter().any(|d| d.name == name) {
            wanted.push(format!("schemars/{feature}"));
        }
    }
    match features.get_mut("schemars") {
        None => {
            features.insert("schemars", value(Array::from_iter(wanted)));
            if let Some(mut key) = features.key_mut("schemars") {
                key.leaf_decor_mut().set_prefix(
                    "## `schemars::JsonSchema` for every generated type, and\n\
                     ## `operations::request_schema`/`response_schema`.\n",
                );
            }
            changed = true;
        }
        Some(entry) => {
            let wanted: Vec<&str> = wanted.iter().map(String::as_str).collect();
            if let Some(all) = with_missing(entry.as_array(), &wanted) {
                *entry = value(all);
                changed = true;
            }
        }
    }
    Ok(changed)
}

/// The optional crates `text` (a crate's `Cargo.toml`) depends on that `needs` does not list.
pub fn unused_dependencies(text: &str, needs: &Needs) -> Vec<&'static str> {
    let Ok(doc) = text.parse::<DocumentMut>() else {
        return Vec::new();
    };
    let Some(dependencies) = doc.get("dependencies").and_then(Item::as_table_like) else {
        return Vec::new();
    };
    OPTIONAL
        .iter()
        .filter(|d| dependencies.contains_key(d.name) && !needs.crates.contains(d))
        .map(|d| d.name)
        .collect()
}

/// Adds `features` to a dependency entry (a version string, an inline table, or a table).
fn add_features(entry: &mut Item, features: &[&str]) -> bool {
    if let Some(version) = entry.as_str().map(str::to_string) {
        let mut table = InlineTable::new();
        table.insert("version", version.into());
        *entry = value(table);
    }
    let Some(table) = entry.as_table_like_mut() else {
        return false;
    };
    let Some(all) = with_missing(table.get("features").and_then(Item::as_array), features) else {
        return false;
    };
    table.insert("features", value(all));
    if let Some(inline) = entry.as_inline_table_mut() {
        inline.fmt();
    }
    true
}

/// The strings of `present` followed by those of `wanted` it lacks; `None` when it lacks none.
fn with_missing(present: Option<&Array>, wanted: &[&str]) -> Option<Array> {
    let present: Vec<&str> = present
        .map(|a| a.iter().filter_map(|v| v.as_str()).collect())
        .unwrap_or_default();
    let missing: Vec<&str> = wanted
        .iter()
        .copied()
        .filter(|w| !present.contains(w))
        .collect();
    if missing.is_empty() {
        return None;
    }
    let mut all: Array = present.into_iter().collect();
    all.extend(missing);
    Some(all)
}

fn library(provider: &Provider, info_title: &str) -> String {
    let ident = provider.crate_name().replace('-', "_");
    format!(
        r#"//! A typed client for the {title}, generated by `cargo xtask generate` from
//! `{spec}`; `src/generated.rs` is never edited by hand. Every string enum is open: a value
//! the API adds later arrives as `Unknown` instead of failing the response.
//!
//! Each tag of the API is a cargo feature: its operations, and the types they reach, compile
//! only with it (`full` turns on every tag). See `[features]` in `Cargo.toml` for which are on
//! by default.
//!
//! ```
//! let document: serde_json::Value = serde_json::from_str({ident}::OPENAPI_DOCUMENT)?;
//! assert_eq!(document["info"]["title"], {info_title});
//! # Ok::<(), serde_json::Error>(())
//! ```

#![forbid(unsafe_code)]

// Generated by `cargo xtask generate`; never edited by hand. Its one `unwrap` is progenitor's
// `Client::new` building a default reqwest client, which fails only when no TLS backend can
// start; `Client::new_with_client` takes a client you built yourself. Its documentation comes
// from the document, so rustdoc's lints are the document's business.
#[rustfmt::skip]
#[allow(
    missing_docs,
    unreachable_pub,
    rust_2018_idioms,
    deprecated,
    clippy::all,
    clippy::unwrap_used,
    rustdoc::all
)]
mod generated;

pub use generated::*;

pub use agentrun_runtime::{{ClientConfig, ConfigError, RetryPolicy, Runtime, Secret, Upload}};

// Retries, timeouts and redaction for every request, and `Client::from_config`.
agentrun_runtime::client_runtime!(Client);

/// The normalized OpenAPI 3.0 document this crate was generated from.
pub const OPENAPI_DOCUMENT: &str = include_str!("../openapi.normalized.json");

/// The provider's own document, byte for byte as `cargo xtask fetch` stored it.
pub const SOURCE_DOCUMENT: &str = include_str!("../{source_file}");
"#,
        source_file = source_file(provider),
        title = one_line(&provider.title),
        spec = one_line(&provider.spec.display().to_string()),
        info_title = rust_string(info_title),
    )
}

/// `text` with each run of whitespace as one space (TOML escapes the rest itself).
fn single_spaced(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The name of the copy of a provider's own document inside its crate: `openapi.source.json`
/// (or `.yaml`, as the provider's file is).
pub fn source_file(provider: &Provider) -> String {
    let extension = provider
        .spec
        .extension()
        .and_then(|e| e.to_str())
        .filter(|e| matches!(*e, "json" | "yaml" | "yml"))
        .unwrap_or("json");
    format!("openapi.source.{extension}")
}

/// The path of a crate's manifest, relative to the workspace root.
pub fn manifest_path(crate_dir: &Path) -> PathBuf {
    crate_dir.join("Cargo.toml")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn provider(title: &str) -> Provider {
        Provider {
            name: "demo".into(),
            title: title.into(),
            spec: "openapi/demo/openapi.json".into(),
            overlay: None,
            url: None,
            crate_dir: "crates/demo".into(),
            strip_path_prefix: None,
            docs: None,
            base_url_variable: None,
            credentials: Default::default(),
        }
    }

    fn needs(code: &str) -> Needs {
        required_dependencies(&syn::parse_str(code).unwrap())
    }

    #[test]
    fn the_generated_code_names_the_crates_it_needs() {
        let found = needs(
            "pub struct A { at: ::chrono::DateTime<::chrono::offset::Utc>, id: ::uuid::Uuid }
             fn f() -> impl futures::Stream<Item = ()> { todo!() }
             fn g(form: reqwest::multipart::Form) {}",
        );
        let names: Vec<&str> = found.crates.iter().map(|d| d.name).collect();
        assert_eq!(names, ["chrono", "uuid", "futures"]);
        assert_eq!(found.reqwest_features, ["multipart"]);
        assert_eq!(
            needs("pub struct A { s: ::std::string::String }"),
            Needs::default()
        );
    }

    #[test]
    fn a_later_change_adds_what_the_code_starts_to_use() {
        let manifest = manifest(&provider("Demo"), &Needs::default());
        assert!(!manifest.contains("uuid"), "{manifest}");
        let later = needs("struct A { id: ::uuid::Uuid, f: reqwest::multipart::Form }");
        let updated = update_manifest(&manifest, &later).unwrap().unwrap();
        assert!(
            updated.contains(r#"uuid = { version = "1", features = ["serde"] }"#),
            "{updated}"
        );
        assert!(
            updated.contains("reqwest.workspace = true\nreqwest.features = [\"multipart\"]\n"),
            "{updated}"
        );
        let parsed: toml::Value = toml::from_str(&updated).unwrap();
        assert_eq!(
            parsed["package"]["version"]["workspace"].as_bool(),
            Some(true)
        );
        let inline = "[dependencies]\nreqwest = { workspace = true }\n";
        let updated_inline = update_manifest(inline, &later).unwrap().unwrap();
        assert!(
            updated_inline.contains(r#"reqwest = { workspace = true, features = ["multipart"] }"#),
            "{updated_inline}"
        );
        assert_eq!(update_manifest(&updated, &later).unwrap(), None);
        assert_eq!(unused_dependencies(&updated, &Needs::default()), ["uuid"]);
    }

    #[test]
    fn text_from_the_document_cannot_break_out() {
        let title = "Evil \"API\" \\ \n}\u{202E} */ \r\n//! injected";
        let files = files(&provider(title), title, &Needs::default());
        let manifest: toml::Value = toml::from_str(&files[0].1).unwrap();
        assert_eq!(
            manifest["package"]["description"].as_str().unwrap(),
            "A typed client for the Evil \"API\" \\ }\u{202E} */ //! injected, generated from its OpenAPI document."
        );
        let library = &files[1].1;
        assert!(!library.contains('\u{202E}'), "{library}");
        assert!(!library.contains("\n//! injected"), "{library}");
        syn::parse_file(library).unwrap();
        assert!(
            library.contains(r#"assert_eq!(document["info"]["title"], "Evil \"API\" \\ \n}\u{202e} */ \r\n//! injected");"#),
            "{library}"
        );
    }
}
