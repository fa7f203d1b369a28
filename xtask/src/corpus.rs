//! The corpus check: real-world documents generated into a scratch workspace, each as a new
//! provider's crate would be, and all compiled with one `cargo check`.
//!
//! This is how a new provider meets the pipeline: its document, no overlay, the scaffolded
//! `Cargo.toml` and `lib.rs`. `xtask/tests/corpus.rs` runs it on the committed corpus, and
//! `cargo xtask corpus [DIR]` on any directory of documents, with a table of the results.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use anyhow::{Context, Result, bail};
use serde_json::Value;
use toml_edit::{DocumentMut, Item, Value as TomlValue};

use crate::document::write_atomic;
use crate::generate::generate;
use crate::normalize::operations;
use crate::providers::{Provider, Providers};

/// One document of a corpus.
#[derive(Debug, Clone)]
pub struct Document {
    /// A short name made of the file name, used for the crate (`corpus-<name>`).
    pub name: String,
    /// The file.
    pub path: PathBuf,
}

impl Document {
    /// The crate the document is generated into.
    pub fn crate_name(&self) -> String {
        format!("corpus-{}", self.name)
    }
}

/// What became of one document.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// The document.
    pub document: Document,
    /// What `generate` made of it, or why it failed.
    pub generated: std::result::Result<Generated, String>,
    /// Whether its crate compiled (`None` until checked, or when it did not generate).
    pub compiled: Option<std::result::Result<(), String>>,
    /// How long `generate` took, in seconds.
    pub seconds: f64,
}

/// What `generate` made of a document.
#[derive(Debug, Clone)]
pub struct Generated {
    /// Operations in the document as written (`paths`, every method).
    pub source_operations: usize,
    /// Operations in the normalized document: each is a client method.
    pub operations: usize,
    /// The client's methods, as the generated code has them.
    pub methods: usize,
    /// Types in the generated code.
    pub types: usize,
    /// Degradations, one line each.
    pub degraded: Vec<String>,
}

/// The documents of a directory (`.json`, `.yaml`, `.yml`), by name.
pub fn documents(dir: &Path) -> Result<Vec<Document>> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir)
        .with_context(|| format!("cannot read the corpus {}", dir.display()))?
    {
        let path = entry?.path();
        let extension = path
            .extension()
            .and_then(|e| e.to_str())
            .unwrap_or_default();
        if !["json", "yaml", "yml"].contains(&extension) {
            continue;
        }
        let stem = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let name: String = stem
            .to_ascii_lowercase()
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
            .collect();
        found.push(Document { name, path });
    }
    found.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(found)
}

/// A scratch Cargo workspace the corpus is generated into.
#[derive(Debug)]
pub struct Scratch {
    root: PathBuf,
}

impl Scratch {
    /// Makes (or empties) the scratch workspace at `root`: this workspace's shared package
    /// settings, dependencies (path ones pointing back here) and lockfile, and no crates.
    pub fn create(workspace: &Path, root: &Path) -> Result<Self> {
        let crates = root.join("crates");
        if crates.exists() {
            std::fs::remove_dir_all(&crates)
                .with_context(|| format!("cannot empty {}", crates.display()))?;
        }
        std::fs::create_dir_all(&crates)
            .with_context(|| format!("cannot create {}", crates.display()))?;
        let manifest = std::fs::read_to_string(workspace.join("Cargo.toml"))
            .context("cannot read the workspace's Cargo.toml")?;
        write_atomic(
            &root.join("Cargo.toml"),
            &scratch_manifest(&manifest, workspace)?,
        )?;
        if let Ok(lock) = std::fs::read_to_string(workspace.join("Cargo.lock")) {
            write_atomic(&root.join("Cargo.lock"), &lock)?;
        }
        Ok(Self {
            root: root.to_path_buf(),
        })
    }

    /// The scratch workspace's root.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Generates `document` into a crate of the scratch workspace, as `cargo xtask generate`
    /// does for a new provider.
    pub fn generate(&self, document: &Document) -> Outcome {
        let start = Instant::now();
        let generated = self.try_generate(document).map_err(|e| format!("{e:#}"));
        Outcome {
            document: document.clone(),
            generated,
            compiled: None,
            seconds: start.elapsed().as_secs_f64(),
        }
    }

    fn try_generate(&self, document: &Document) -> Result<Generated> {
        let source = crate::document::read(&document.path)?;
        let provider = Provider {
            name: document.name.clone(),
            title: format!("{} API", document.name),
            spec: document.path.clone(),
            overlay: None,
            url: None,
            crate_dir: PathBuf::from("crates").join(document.crate_name()),
            strip_path_prefix: None,
            docs: None,
        };
        let providers = Providers {
            root: self.root.clone(),
            list: vec![provider.clone()],
        };
        let generation = generate(&providers, &provider)?;
        for (relative, contents) in generation.files.iter().chain(&generation.scaffold) {
            write_atomic(&self.root.join(relative), contents)?;
        }
        let code = generation
            .files
            .iter()
            .find(|(path, _)| path.ends_with("generated.rs"))
            .map(|(_, code)| code.as_str())
            .unwrap_or_default();
        Ok(Generated {
            source_operations: operations(&source).len(),
            operations: generation.operations,
            methods: client_methods(code),
            types: generation.types,
            degraded: generation
                .degraded
                .iter()
                .map(ToString::to_string)
                .collect(),
        })
    }

    /// Compiles the crates of `outcomes` that generated, with one [`Scratch::check`], and
    /// records each crate's result in its outcome.
    pub fn compile(&self, outcomes: &mut [Outcome], target_dir: &Path) -> Result<()> {
        let results = self.check(target_dir)?;
        for outcome in outcomes.iter_mut().filter(|o| o.generated.is_ok()) {
            outcome.compiled = results.get(&outcome.document.crate_name()).cloned();
        }
        Ok(())
    }

    /// Runs one `cargo check` over every crate of the scratch workspace, with the `schemars`
    /// feature (build files in
    /// `target_dir`); returns each crate's result, by crate name. A crate compiled only when
    /// cargo says it built it: one cargo never got to is not taken for a success.
    pub fn check(
        &self,
        target_dir: &Path,
    ) -> Result<BTreeMap<String, std::result::Result<(), String>>> {
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        let output = Command::new(cargo)
            .current_dir(&self.root)
            .args([
                "check",
                "--workspace",
                // The JSON Schema derives too: every generated type must implement it.
                "--features",
                crate::json_schema::FEATURE,
                "--keep-going",
                "--message-format=json",
                "--quiet",
            ])
            .env("CARGO_TARGET_DIR", target_dir)
            // A one-shot check: incremental caches would only cost time and disk (about 1.5 GB
            // for the corpus with the feature on, four times the rest of its build).
            .env("CARGO_INCREMENTAL", "0")
            .output()
            .context("cannot run cargo")?;
        let crates_dir = self.root.join("crates");
        let mut errors: BTreeMap<String, Vec<String>> = BTreeMap::new();
        let mut built = std::collections::BTreeSet::new();
        for line in String::from_utf8_lossy(&output.stdout).lines() {
            let Ok(message) = serde_json::from_str::<Value>(line) else {
                continue;
            };
            let Some(crate_name) = message["manifest_path"]
                .as_str()
                .map(Path::new)
                .and_then(Path::parent)
                .filter(|dir| dir.parent() == Some(crates_dir.as_path()))
                .and_then(Path::file_name)
                .map(|n| n.to_string_lossy().into_owned())
            else {
                continue;
            };
            match message["reason"].as_str() {
                Some("compiler-artifact") => {
                    built.insert(crate_name);
                }
                Some("compiler-message") if message["message"]["level"] == "error" => {
                    let rendered = message["message"]["rendered"].as_str().unwrap_or_default();
                    errors
                        .entry(crate_name)
                        .or_default()
                        .push(rendered.to_string());
                }
                _ => {}
            }
        }
        let crates: Vec<String> = std::fs::read_dir(&crates_dir)?
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        if !output.status.success() && errors.is_empty() {
            bail!(
                "cargo check failed before compiling the corpus:\n{}",
                String::from_utf8_lossy(&output.stderr)
            );
        }
        Ok(crates
            .into_iter()
            .map(|name| {
                let result = match (errors.get(&name), built.contains(&name)) {
                    (Some(messages), _) => Err(messages.join("\n")),
                    (None, true) => Ok(()),
                    (None, false) => Err(format!(
                        "cargo did not build it:\n{}",
                        String::from_utf8_lossy(&output.stderr)
                    )),
                };
                (name, result)
            })
            .collect())
    }
}

/// The scratch workspace's manifest: this workspace's, with its own crates as members and path
/// dependencies made absolute.
fn scratch_manifest(manifest: &str, workspace: &Path) -> Result<String> {
    let mut doc: DocumentMut = manifest.parse().context("the workspace's Cargo.toml")?;
    let table = doc["workspace"]
        .as_table_mut()
        .context("the workspace's Cargo.toml has no [workspace]")?;
    table.insert(
        "members",
        toml_edit::value(toml_edit::Array::from_iter(["crates/*"])),
    );
    if let Some(dependencies) = table
        .get_mut("dependencies")
        .and_then(Item::as_table_like_mut)
    {
        for (_, dependency) in dependencies.iter_mut() {
            if let Some(path) = dependency
                .as_table_like_mut()
                .and_then(|d| d.get_mut("path"))
                && let Some(relative) = path.as_str()
            {
                let absolute = workspace.join(relative).display().to_string();
                *path = Item::Value(TomlValue::from(absolute));
            }
        }
    }
    Ok(doc.to_string())
}

/// The methods of `impl Client` blocks in generated code, constructors left aside.
pub fn client_methods(code: &str) -> usize {
    let Ok(file) = syn::parse_file(code) else {
        return 0;
    };
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

/// A table of outcomes, one row per document, for `cargo xtask corpus` and test failures.
pub fn table(outcomes: &[Outcome]) -> String {
    let mut out = format!(
        "{:<34} {:>5} {:>7} {:>6} {:>8} {:>9}  {}\n",
        "document", "ops", "methods", "types", "degraded", "generate", "compile"
    );
    for outcome in outcomes {
        let compiled = match &outcome.compiled {
            Some(Ok(())) => "ok".to_string(),
            Some(Err(_)) => "FAILED".to_string(),
            None => "-".to_string(),
        };
        match &outcome.generated {
            Ok(g) => out.push_str(&format!(
                "{:<34} {:>5} {:>7} {:>6} {:>8} {:>8.1}s  {compiled}\n",
                outcome.document.name,
                g.source_operations,
                g.methods,
                g.types,
                g.degraded.len(),
                outcome.seconds
            )),
            Err(_) => out.push_str(&format!(
                "{:<34} {:>5} {:>7} {:>6} {:>8} {:>9}  {compiled}\n",
                outcome.document.name, "-", "-", "-", "-", "FAILED"
            )),
        }
    }
    let generated = outcomes.iter().filter(|o| o.generated.is_ok()).count();
    let compiled = outcomes
        .iter()
        .filter(|o| matches!(o.compiled, Some(Ok(()))))
        .count();
    out.push_str(&format!(
        "{generated} of {} documents generate, {compiled} compile\n",
        outcomes.len()
    ));
    out
}
