//! The corpus check: real-world documents generated into a scratch workspace, each as a new
//! provider's crate would be, and all compiled with one `cargo check`.
//!
//! This is how a new provider meets the pipeline: its document, no overlay, the scaffolded
//! `Cargo.toml` and `lib.rs`. The documents are other people's, so the project holds none of
//! them: they are read from a folder of corpus sets beside the workspace ([`sets_dir`]:
//! `../shared/corpus`, or `$AGENTRUN_CORPUS`), one folder per set (`generation-1`, ...), each
//! with a `SOURCES.md` that says where every document comes from.
//! `xtask/tests/corpus.rs` runs the check on [`DEFAULT_SET`], and `cargo xtask corpus [DIR]
//! [--set NAME]` on any set or directory of documents, with a table of the results.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use anyhow::{Context, Result, bail};
use serde_json::Value;
use toml_edit::{DocumentMut, Item, Value as TomlValue};

use crate::generate::generate;
use crate::normalize::walk::operations;
use crate::read::document::write_atomic;
use crate::read::providers::{Provider, Providers};

/// The environment variable that names the folder holding the corpus sets.
pub const SETS_ENV: &str = "AGENTRUN_CORPUS";

/// The set the tests and `cargo xtask corpus` read when none is named: the 30 documents whose
/// sources `xtask/tests/corpus/SOURCES.md` records.
pub const DEFAULT_SET: &str = "generation-1";

/// The folder holding the corpus sets: `$AGENTRUN_CORPUS` when it is set (and not empty),
/// otherwise `../shared/corpus` beside the workspace root.
pub fn sets_dir(workspace: &Path) -> PathBuf {
    sets_from_env().unwrap_or_else(|| {
        workspace
            .parent()
            .unwrap_or(workspace)
            .join("shared")
            .join("corpus")
    })
}

fn sets_from_env() -> Option<PathBuf> {
    std::env::var_os(SETS_ENV)
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
}

/// The folder of the set `name`, or why it cannot be read: it is absent, or not a folder.
///
/// The error says where it looked and how to point elsewhere, in one line, so a test can print
/// it as the reason it skipped.
pub fn set_dir(workspace: &Path, name: &str) -> std::result::Result<PathBuf, String> {
    let dir = sets_dir(workspace).join(name);
    if dir.is_dir() {
        return Ok(dir);
    }
    let from = match sets_from_env() {
        Some(_) => format!("${SETS_ENV}"),
        None => "../shared/corpus beside the workspace".to_string(),
    };
    Err(format!(
        "the corpus set `{name}` is not at {} (from {from}): set {SETS_ENV} to the folder that \
         holds the corpus sets, or pass a folder of documents",
        dir.display()
    ))
}

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

    /// The entry `cargo xtask generate` would use for it: a new provider, no overlay.
    pub fn provider(&self) -> Provider {
        Provider {
            name: self.name.clone(),
            title: format!("{} API", self.name),
            spec: std::path::absolute(&self.path).unwrap_or_else(|_| self.path.clone()),
            overlay: None,
            url: None,
            crate_dir: PathBuf::from("crates").join(self.crate_name()),
            strip_path_prefix: None,
            docs: None,
            base_url_variable: None,
            credentials: Default::default(),
        }
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
    /// Of those, the ones sending another form of a body (see
    /// [`crate::normalize::bodies::ALTERNATIVE`]): not operations of the source document.
    pub alternatives: usize,
    /// The client's methods, as the generated code has them.
    pub methods: usize,
    /// Types in the generated code.
    pub types: usize,
    /// Degradations, one line each.
    pub degraded: Vec<String>,
}

impl Generated {
    /// What the generated client fails to account for: an operation of the normalized
    /// document that is not one client method, or an operation of the source document that is
    /// neither in the client nor noted as left out. `None` when every operation is accounted
    /// for.
    pub fn unaccounted(&self) -> Option<String> {
        if self.methods != self.operations {
            return Some(format!(
                "the normalized document has {} operations but the client {} methods",
                self.operations, self.methods
            ));
        }
        let left_out = self
            .degraded
            .iter()
            .filter(|line| {
                // `METHOD /path: left out: why`, where the path may hold no `: ` but `why` may.
                line.split_once(": ").is_some_and(|(place, what)| {
                    what.starts_with("left out:")
                        && crate::normalize::walk::METHODS
                            .iter()
                            .any(|m| place.starts_with(&format!("{} /", m.to_uppercase())))
                })
            })
            .count();
        let own = self.operations - self.alternatives.min(self.operations);
        (self.source_operations != own + left_out).then(|| {
            format!(
                "{} operations in the document, {own} in the client (and {} methods for other \
                 forms of a body) and {left_out} noted as left out: an operation went missing \
                 without a note",
                self.source_operations, self.alternatives
            )
        })
    }
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
    workspace: PathBuf,
}

/// A `cargo` command for the workspace at `dir`, a scratch copy or offshoot of `workspace`,
/// that builds against what `workspace` has already built.
///
/// Its intermediate files go to `workspace`'s own build directory (cargo's `build-dir`): a
/// registry crate built there with the same features and profile is reused, not built again,
/// while the scratch workspace's own crates get files of their own (their paths differ). Its
/// final artifacts (binaries, uplifted libraries) go to `artifacts`, so a scratch build never
/// replaces a binary of `workspace`. Cargo holds no lock while tests run, so a test may run it.
pub fn cargo_sharing_builds(workspace: &Path, dir: &Path, artifacts: &Path) -> Command {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut command = Command::new(cargo);
    command
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", artifacts)
        // Scratch builds are one-shot: incremental caches would only cost time and disk.
        .env("CARGO_INCREMENTAL", "0");
    if let Some(build_dir) = build_dir(workspace) {
        command.env("CARGO_BUILD_BUILD_DIR", build_dir);
    }
    command
}

/// `workspace`'s build directory, as cargo reports it; `None` when cargo cannot say, and the
/// scratch build then builds everything itself.
fn build_dir(workspace: &Path) -> Option<PathBuf> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let output = Command::new(cargo)
        .current_dir(workspace)
        .args([
            "metadata",
            "--no-deps",
            "--format-version",
            "1",
            "--offline",
        ])
        .output()
        .ok()
        .filter(|output| output.status.success())?;
    let metadata: Value = serde_json::from_slice(&output.stdout).ok()?;
    metadata["build_directory"]
        .as_str()
        .or(metadata["target_directory"].as_str())
        .map(PathBuf::from)
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
            workspace: workspace.to_path_buf(),
        })
    }

    /// The scratch workspace at `root`, made earlier by [`Scratch::create`], as it is.
    pub fn open(workspace: &Path, root: &Path) -> Self {
        Self {
            root: root.to_path_buf(),
            workspace: workspace.to_path_buf(),
        }
    }

    /// The scratch workspace's root.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// A `cargo` command run in the scratch workspace, with its final artifacts in
    /// `artifacts` and its intermediate files shared with the workspace it was made from
    /// ([`cargo_sharing_builds`]).
    pub fn cargo(&self, artifacts: &Path) -> Command {
        cargo_sharing_builds(&self.workspace, &self.root, artifacts)
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
        self.generate_provider(&document.provider())
    }

    /// Generates `provider` (its spec and overlay named by absolute paths) into
    /// `crates/<its crate name>` of the scratch workspace.
    pub fn generate_provider(&self, provider: &Provider) -> Result<Generated> {
        let source = crate::read::document::read(&provider.spec)?;
        let provider = Provider {
            crate_dir: PathBuf::from("crates").join(provider.crate_name()),
            ..provider.clone()
        };
        let providers = Providers {
            root: self.root.clone(),
            list: vec![provider.clone()],
        };
        let generation = generate(&providers, &provider)?;
        for (relative, contents) in generation.files.iter().chain(&generation.scaffold) {
            write_atomic(&self.root.join(relative), contents)?;
        }
        Ok(Generated {
            source_operations: operations(&source).len(),
            operations: generation.operations,
            alternatives: generation.alternatives,
            methods: generation.methods,
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
    pub fn compile(&self, outcomes: &mut [Outcome], artifacts: &Path) -> Result<()> {
        let results = self.check(artifacts)?;
        for outcome in outcomes.iter_mut().filter(|o| o.generated.is_ok()) {
            outcome.compiled = results.get(&outcome.document.crate_name()).cloned();
        }
        Ok(())
    }

    /// Runs one `cargo check` over every crate of the scratch workspace, with the `schemars`
    /// and `full` features ([`Scratch::cargo`], artifacts in `artifacts`); returns each crate's result, by
    /// crate name. A crate compiled only when cargo says it built it: one cargo never got to is
    /// not taken for a success.
    pub fn check(
        &self,
        artifacts: &Path,
    ) -> Result<BTreeMap<String, std::result::Result<(), String>>> {
        let output = self
            .cargo(artifacts)
            .args([
                "check",
                "--workspace",
                // The JSON Schema derives too: every generated type must implement it; and
                // every tag's operations and types, whatever the default is.
                "--features",
                &format!(
                    "{},{}",
                    crate::rewrite::schemars_derives::FEATURE,
                    crate::generate::features::FULL
                ),
                "--keep-going",
                "--message-format=json",
                "--quiet",
            ])
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

#[cfg(test)]
mod tests {
    use super::*;

    fn generated(source: usize, operations: usize, degraded: &[&str]) -> Generated {
        Generated {
            source_operations: source,
            operations,
            alternatives: 0,
            methods: operations,
            types: 0,
            degraded: degraded.iter().map(ToString::to_string).collect(),
        }
    }

    #[test]
    fn an_operation_noted_as_left_out_is_accounted_for() {
        let noted = generated(
            2,
            1,
            &["GET /a/{b}/attach: left out: progenitor failed on it (x: y)"],
        );
        assert_eq!(noted.unaccounted(), None);
    }

    #[test]
    fn an_operation_missing_without_a_note_is_reported() {
        let silent = generated(2, 1, &["GET /a: its responses are typed as any JSON value"]);
        assert!(
            silent
                .unaccounted()
                .is_some_and(|p| p.contains("went missing without a note")),
            "{:?}",
            silent.unaccounted()
        );
        // A note about a schema, not an operation, accounts for nothing.
        let schema = generated(2, 1, &["#/components/schemas/A: left out: no type"]);
        assert!(schema.unaccounted().is_some());
        let mut mismatch = generated(1, 1, &[]);
        mismatch.methods = 0;
        assert!(mismatch.unaccounted().is_some());
    }

    #[test]
    fn methods_for_other_forms_of_a_body_are_not_operations_of_the_document() {
        let mut forms = generated(2, 4, &[]);
        forms.alternatives = 2;
        assert_eq!(forms.unaccounted(), None);
        // They do not hide an operation gone missing.
        forms.alternatives = 3;
        assert!(forms.unaccounted().is_some());
    }
}
