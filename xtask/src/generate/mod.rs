//! `cargo xtask generate`: normalized spec → progenitor → open enums → formatted client crate.

pub mod contain;
pub mod features;
pub mod operation_table;
pub mod parse;
pub mod provider_info;
pub mod recovery;
pub mod registry;
pub mod scaffold;
pub mod surface;

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use progenitor::{GenerationSettings, HooksMode, InterfaceStyle, TagStyle};

use crate::generate::recovery::generate_file;
use crate::normalize::notes::Note;
use crate::normalize::walk::operations;
use crate::normalize::{Normalized, load_provider};
use crate::read::document::to_pretty_json;
use crate::read::providers::{Provider, Providers};
use crate::rewrite;
use crate::rewrite::open_enums::{open_enums, types_module};

/// Where the accepted surface snapshots live, relative to the workspace root.
pub const SNAPSHOT_DIR: &str = "xtask/tests/snapshots";

/// Everything `generate` produces for one provider.
#[derive(Debug, Clone)]
pub struct Generation {
    /// The provider's name.
    pub provider: String,
    /// Operations in the normalized spec (each is one client method).
    pub operations: usize,
    /// The methods of the generated `Client`, constructors left aside.
    pub methods: usize,
    /// Of those, the ones sending another form of a body than an operation of the source
    /// document does (`create_pet_form` next to `create_pet`).
    pub alternatives: usize,
    /// Types in the generated `types` module.
    pub types: usize,
    /// How many of them are open string enums.
    pub open_enums: usize,
    /// The crate's feature per tag.
    pub tag_features: features::TagFeatures,
    /// What normalization changed without losing anything.
    pub changes: Vec<String>,
    /// What the client loses: shapes progenitor cannot generate, degraded.
    pub degraded: Vec<Note>,
    /// Files to write: path relative to the workspace root, and contents.
    pub files: Vec<(PathBuf, String)>,
    /// A new crate's hand-written files, written only where they do not exist yet.
    pub scaffold: Vec<(PathBuf, String)>,
    /// The crate's existing `Cargo.toml` with the dependencies the generated code needs and it
    /// lacks, when it lacks some.
    pub manifest: Option<(PathBuf, String)>,
    /// Optional dependencies the crate has that the generated code no longer uses.
    pub unused_dependencies: Vec<&'static str>,
    /// The surface report.
    pub surface: String,
}

/// Runs the whole pipeline for one provider, without writing anything.
pub fn generate(providers: &Providers, provider: &Provider) -> Result<Generation> {
    let mut normalized = load_provider(providers, provider)?;
    let origin = match &provider.overlay {
        Some(overlay) => format!("{} + {}", provider.spec.display(), overlay.display()),
        None => provider.spec.display().to_string(),
    };
    let client = render_client(&mut normalized, &origin, Some(provider))?;
    let manifest_path = scaffold::manifest_path(&provider.crate_dir);
    let existing = std::fs::read_to_string(providers.path(&manifest_path)).ok();
    let manifest = match &existing {
        Some(text) => scaffold::update_manifest(text, &client.needs)
            .with_context(|| format!("updating {}", manifest_path.display()))?
            .map(|text| (manifest_path.clone(), text)),
        None => None,
    };
    let unused_dependencies = existing
        .as_deref()
        .map(|text| scaffold::unused_dependencies(text, &client.needs))
        .unwrap_or_default();
    let scaffold = scaffold::files(provider, &normalized.spec.info.title, &client.needs);
    // The crate carries the document it was generated from as well, byte for byte, so what
    // reads it (the emulator serves it) works from the published package alone.
    let source_path = providers.path(&provider.spec);
    let source = std::fs::read_to_string(&source_path)
        .with_context(|| format!("cannot read {}", source_path.display()))?;
    let files = vec![
        (provider.crate_dir.join("src/generated.rs"), client.code),
        (
            provider.crate_dir.join("openapi.normalized.json"),
            to_pretty_json(&normalized.document),
        ),
        (
            provider.crate_dir.join(scaffold::source_file(provider)),
            source,
        ),
    ];
    Ok(Generation {
        provider: provider.name.clone(),
        operations: operations(&normalized.document).len(),
        alternatives: operations(&normalized.document)
            .iter()
            .filter(|(_, _, op)| op.contains_key(crate::normalize::bodies::ALTERNATIVE))
            .count(),
        types: client.types,
        methods: client_method_count(&client.file),
        open_enums: client.open_enums,
        tag_features: client.needs.tags.clone(),
        scaffold,
        manifest,
        unused_dependencies,
        surface: surface::render(&normalized.document),
        degraded: normalized.notes.list().to_vec(),
        changes: normalized.changes,
        files,
    })
}

/// The methods of `impl Client` blocks in generated code, constructors left aside.
pub fn client_method_count(file: &syn::File) -> usize {
    file.items
        .iter()
        .filter_map(|item| match item {
            syn::Item::Impl(block)
                if block.trait_.is_none()
                    && matches!(&*block.self_ty, syn::Type::Path(p) if p.path.is_ident("Client")) =>
            {
                Some(block)
            }
            _ => None,
        })
        .flat_map(|block| &block.items)
        .filter(|item| {
            matches!(item, syn::ImplItem::Fn(f)
                if f.sig.ident != "new" && f.sig.ident != "new_with_client")
        })
        .count()
}

/// Generated client code and what it holds.
#[derive(Debug, Clone)]
pub struct Client {
    /// The formatted source of `generated.rs`, banner included.
    pub code: String,
    /// The same code as syntax, for what reads it (drift's API comparison).
    pub file: syn::File,
    /// Types in the `types` module.
    pub types: usize,
    /// Open string enums among them.
    pub open_enums: usize,
    /// The crates and features the code needs.
    pub needs: scaffold::Needs,
}

/// The progenitor settings every provider is generated with: the builder interface, and
/// `agentrun_runtime::Runtime` as the client's inner type with the hooks required, so that each
/// client crate's `lib.rs` must implement `ClientHooks::exec` (retries, timeouts, redaction).
pub fn settings() -> GenerationSettings {
    let mut settings = GenerationSettings::default();
    settings
        .with_interface(InterfaceStyle::Builder)
        .with_tag(TagStyle::Merged)
        .with_derive("PartialEq")
        .with_inner_type(quote::quote!(agentrun_runtime::Runtime))
        .with_hooks(HooksMode::Expected)
        // A multipart body's file field (see crate::normalize::bodies::UPLOAD_FORMAT).
        .with_conversion(
            schemars::schema::SchemaObject {
                instance_type: Some(schemars::schema::InstanceType::String.into()),
                format: Some(crate::normalize::bodies::UPLOAD_FORMAT.into()),
                ..Default::default()
            },
            "agentrun_runtime::Upload",
            std::iter::empty(),
        );
    settings
}

/// Runs progenitor on a normalized spec and post-processes its output. What progenitor fails
/// on is degraded in `normalized` (its document and notes), so the two stay in step. With a
/// `provider`, the code also holds its `PROVIDER` constant (what drift compares has none).
pub fn render_client(
    normalized: &mut Normalized,
    origin: &str,
    provider: Option<&Provider>,
) -> Result<Client> {
    let mut file = generate_file(normalized, &settings(), origin)?;
    normalized.notes.store(&mut normalized.document);
    rewrite::rewrite(&mut file, &normalized.document);
    let opened = open_enums(&mut file).with_context(|| format!("{origin}: opening enums"))?;
    crate::rewrite::schemars_derives::derive(&mut file, &normalized.document);
    crate::generate::operation_table::append(&mut file, &normalized.document);
    if let Some(provider) = provider {
        crate::generate::provider_info::append(&mut file, provider, &normalized.document)?;
    }
    let types = types_module(&mut file)
        .map(|items| {
            items
                .iter()
                .filter(|item| {
                    matches!(
                        item,
                        syn::Item::Struct(_) | syn::Item::Enum(_) | syn::Item::Type(_)
                    )
                })
                .count()
        })
        .unwrap_or(0);
    let mut needs = scaffold::required_dependencies(&file);
    let reserved: Vec<&str> = ["rustls", "native-tls", "schemars"]
        .into_iter()
        .chain(needs.crates.iter().map(|d| d.name))
        .collect();
    needs.tags = features::gate(&mut file, &normalized.document, types, &reserved);
    let banner = format!(
        "// @generated by `cargo xtask generate` from {origin}. Do not edit by hand:\n\
         // change the spec, the overlay or the generator settings (xtask/src/generate/mod.rs), then\n\
         // run `cargo xtask generate`. progenitor 0.15.1, builder interface, agentrun_runtime hooks;\n\
         // string enums are opened by xtask/src/rewrite/open_enums.rs, JSON Schema derives (feature\n\
         // `schemars`) come from xtask/src/rewrite/schemars_derives.rs, the operation table and the\n\
         // `Request` impls from xtask/src/generate/operation_table.rs.\n\n"
    );
    Ok(Client {
        code: banner + &prettyplease::unparse(&file),
        types,
        open_enums: opened.len(),
        needs,
        file,
    })
}

/// Where a provider's accepted surface snapshot lives, relative to the workspace root.
pub fn snapshot_path(provider: &str) -> PathBuf {
    Path::new(SNAPSHOT_DIR).join(format!("surface__{provider}.snap"))
}

/// The contents of an insta snapshot file, without its metadata header.
pub fn snapshot_contents(file: &str) -> Option<&str> {
    let rest = file.strip_prefix("---\n")?;
    let end = rest.find("\n---\n")?;
    Some(&rest[end + "\n---\n".len()..])
}

/// An insta snapshot file holding `contents`, as `xtask/tests/surface.rs` asserts it.
pub fn snapshot_file(contents: &str) -> String {
    format!(
        "---\nsource: xtask/tests/surface.rs\nexpression: report\n---\n{}\n",
        contents.trim_end()
    )
}

/// A short unified diff from `old` to `new`, at most `limit` lines.
pub fn short_diff(old: &str, new: &str, limit: usize) -> String {
    let diff = similar::TextDiff::from_lines(old, new);
    let text = diff
        .unified_diff()
        .context_radius(1)
        .header("committed", "generated")
        .to_string();
    let lines: Vec<&str> = text.lines().collect();
    let mut shown = lines
        .iter()
        .take(limit)
        .copied()
        .collect::<Vec<_>>()
        .join("\n");
    if lines.len() > limit {
        shown.push_str(&format!("\n... ({} more diff lines)", lines.len() - limit));
    }
    shown
}
