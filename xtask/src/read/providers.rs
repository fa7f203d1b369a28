//! The provider table, `openapi/providers.toml`: the one list of providers the xtask knows.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use serde::{Deserialize, Serialize};

/// Where the table lives, relative to the workspace root.
pub const TABLE: &str = "openapi/providers.toml";

/// One provider: its spec, our overlay on it, where it is served and which crate is generated.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Provider {
    /// Short name used on the command line (`--provider NAME`).
    pub name: String,
    /// What the provider's API is, for reports.
    pub title: String,
    /// The document, relative to the workspace root: hand-written, or the raw fetched snapshot.
    pub spec: PathBuf,
    /// Our changes to `spec`, as an OpenAPI Overlay 1.0 document.
    pub overlay: Option<PathBuf>,
    /// Where the provider serves its document; `None` when it publishes none.
    pub url: Option<String>,
    /// The generated client crate's directory, relative to the workspace root.
    pub crate_dir: PathBuf,
    /// A prefix removed from every path; it moves into the server URL instead.
    pub strip_path_prefix: Option<String>,
    /// What the provider's official documentation shows ([`crate::checks::fidelity::Inventory`]).
    pub docs: Option<PathBuf>,
    /// The environment variable of the base URL; `{NAME}_BASE_URL` when absent.
    pub base_url_variable: Option<String>,
    /// The environment variable of each security scheme's credential, by the scheme's name;
    /// a scheme not listed gets a derived name ([`crate::generate::provider_info`]).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub credentials: BTreeMap<String, String>,
}

impl Provider {
    /// The prefix of the variables derived for it: its name in capitals, `-` as `_`.
    pub fn variable_prefix(&self) -> String {
        self.name.to_uppercase().replace('-', "_")
    }

    /// The variable of its base URL.
    pub fn base_url_variable(&self) -> String {
        self.base_url_variable
            .clone()
            .unwrap_or_else(|| format!("{}_BASE_URL", self.variable_prefix()))
    }

    /// The generated crate's package name (its directory's name).
    pub fn crate_name(&self) -> String {
        self.crate_dir
            .file_name()
            .map(|name| name.to_string_lossy().into_owned())
            .unwrap_or_else(|| self.name.clone())
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Table {
    provider: Vec<Provider>,
}

/// The loaded table, with the workspace root every path in it is relative to.
#[derive(Debug, Clone)]
pub struct Providers {
    /// The workspace root.
    pub root: PathBuf,
    /// The providers, in table order.
    pub list: Vec<Provider>,
}

impl Providers {
    /// Reads `openapi/providers.toml` under `root` and checks it.
    pub fn load(root: &Path) -> Result<Self> {
        let path = root.join(TABLE);
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("cannot read the provider table {}", path.display()))?;
        Self::parse(root, &text)
    }

    /// Parses the table's text (the file is `root/openapi/providers.toml`).
    pub fn parse(root: &Path, text: &str) -> Result<Self> {
        let table: Table = toml::from_str(text)
            .map_err(|error| anyhow::anyhow!("{TABLE}: {}", error.to_string().trim_end()))?;
        let mut seen = std::collections::BTreeSet::new();
        for provider in &table.provider {
            let name = &provider.name;
            if name.is_empty()
                || !name
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
            {
                bail!(
                    "{TABLE}: provider name `{name}` must be lowercase letters, digits and `-` \
                     (it is used on the command line)"
                );
            }
            if !seen.insert(name.clone()) {
                bail!("{TABLE}: provider `{name}` is listed twice; keep one entry");
            }
            for variable in provider
                .credentials
                .values()
                .chain(provider.base_url_variable.iter())
            {
                if variable.is_empty()
                    || variable.starts_with(|c: char| c.is_ascii_digit())
                    || !variable
                        .chars()
                        .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
                {
                    bail!(
                        "{TABLE}: provider `{name}`: `{variable}` is not an environment variable \
                         name; write it in capitals, digits and `_`, like `{}_TOKEN`",
                        provider.variable_prefix()
                    );
                }
            }
            if let Some(prefix) = &provider.strip_path_prefix
                && (!prefix.starts_with('/') || prefix.ends_with('/'))
            {
                bail!(
                    "{TABLE}: provider `{name}`: strip_path_prefix `{prefix}` must start \
                         with `/` and not end with one, like `/api/v1`"
                );
            }
        }
        Ok(Self {
            root: root.to_path_buf(),
            list: table.provider,
        })
    }

    /// The provider called `name`, or an error listing the known ones.
    pub fn get(&self, name: &str) -> Result<&Provider> {
        self.list.iter().find(|p| p.name == name).ok_or_else(|| {
            anyhow::anyhow!(
                "unknown provider `{name}`; the providers in {TABLE} are: {}",
                self.names()
            )
        })
    }

    /// `name` alone when given, otherwise every provider.
    pub fn select(&self, name: Option<&str>) -> Result<Vec<&Provider>> {
        match name {
            Some(name) => Ok(vec![self.get(name)?]),
            None => Ok(self.list.iter().collect()),
        }
    }

    /// The providers' names, comma-separated.
    pub fn names(&self) -> String {
        self.list
            .iter()
            .map(|p| p.name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// A path from the table, made absolute.
    pub fn path(&self, relative: &Path) -> PathBuf {
        self.root.join(relative)
    }
}

/// The workspace this xtask works on, found when it runs (never a path compiled into the
/// binary, which two checkouts sharing one `CARGO_TARGET_DIR` would share too).
///
/// `cargo xtask` is `cargo run`, which gives the process `CARGO_MANIFEST_DIR`: the xtask package
/// of the checkout cargo was started in, whichever checkout built the binary. Run directly, the
/// binary works on the workspace around the current directory. `--root` overrides both.
pub fn workspace_root() -> PathBuf {
    let from_cargo = std::env::var_os("CARGO_MANIFEST_DIR").map(PathBuf::from);
    let current = std::env::current_dir().ok();
    from_cargo
        .as_deref()
        .and_then(enclosing_workspace)
        .or_else(|| current.as_deref().and_then(enclosing_workspace))
        .or(current)
        .unwrap_or_default()
}

/// The nearest directory at or above `start` that holds a provider table.
pub fn enclosing_workspace(start: &Path) -> Option<PathBuf> {
    start
        .ancestors()
        .find(|dir| dir.join(TABLE).is_file())
        .map(Path::to_path_buf)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_committed_table_loads() {
        let providers = Providers::load(&workspace_root()).unwrap();
        assert_eq!(providers.names(), "builder, buildprint");
        assert_eq!(
            providers.get("buildprint").unwrap().crate_name(),
            "agentrun-buildprint"
        );
    }

    #[test]
    fn an_unknown_provider_names_the_known_ones() {
        let providers = Providers::load(&workspace_root()).unwrap();
        let error = providers.get("stripe").unwrap_err().to_string();
        assert!(error.contains("unknown provider `stripe`"), "{error}");
        assert!(error.contains("builder, buildprint"), "{error}");
    }

    #[test]
    fn a_duplicate_or_malformed_entry_is_refused() {
        let entry = "[[provider]]\nname = \"x\"\ntitle = \"X\"\nspec = \"a.json\"\ncrate_dir = \"crates/x\"\n";
        let twice = format!("{entry}{entry}");
        let error = Providers::parse(Path::new("."), &twice)
            .unwrap_err()
            .to_string();
        assert!(error.contains("listed twice"), "{error}");

        let typo = entry.replace("crate_dir", "crate_directory");
        let error = Providers::parse(Path::new("."), &typo)
            .unwrap_err()
            .to_string();
        assert!(error.contains("crate_directory"), "{error}");
    }
}
