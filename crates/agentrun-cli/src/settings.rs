//! Where a connection setting comes from: a flag, else the environment, else the chosen profile
//! of the config file.
//!
//! The file is `$AGENTRUN_CONFIG`, else `config.toml` in the platform's config folder
//! (`$XDG_CONFIG_HOME/agentrun`, else `~/.config/agentrun`; `%APPDATA%\agentrun` on Windows).
//! A profile is a table of the same variables the environment takes:
//!
//! ```toml
//! [profiles.staging]
//! BUILDPRINT_BASE_URL = "https://staging.example/api/public/v1"
//! BUILDPRINT_TOKEN = "bp_..."
//! ```
//!
//! `--profile NAME` or `AGENTRUN_PROFILE` chooses one; without either, the profile `default`
//! is used when the file has one. A file that holds a secret and that other users can read
//! gets a warning on stderr.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::OnceLock;

use agentrun::Error;
use serde::Deserialize;

/// The variable naming the config file.
pub(crate) const CONFIG_VARIABLE: &str = "AGENTRUN_CONFIG";
/// The variable naming the profile.
pub(crate) const PROFILE_VARIABLE: &str = "AGENTRUN_PROFILE";

/// The chosen profile's variables, once loaded ([`load`]).
static PROFILE: OnceLock<BTreeMap<String, String>> = OnceLock::new();

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    profiles: BTreeMap<String, BTreeMap<String, String>>,
}

/// A setting's value: the environment's, else the chosen profile's. Empty values count as unset.
pub(crate) fn var(name: &str) -> Option<String> {
    let set = |value: &String| !value.trim().is_empty();
    std::env::var(name)
        .ok()
        .filter(set)
        .or_else(|| PROFILE.get().and_then(|profile| profile.get(name).cloned()))
        .filter(set)
}

/// Loads the profile `flag` (or `AGENTRUN_PROFILE`, or `default`) from the config file, once.
/// A profile asked for by name that the file lacks, or a file that does not parse, is an error
/// naming the file.
pub(crate) fn load(flag: Option<&str>) -> Result<(), Error> {
    let asked = flag
        .map(str::to_string)
        .or_else(|| std::env::var(PROFILE_VARIABLE).ok())
        .filter(|name| !name.trim().is_empty());
    let Some(path) = config_path() else {
        return missing(
            asked.as_deref(),
            "no config folder is known (set AGENTRUN_CONFIG)",
        );
    };
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            return missing(
                asked.as_deref(),
                &format!("{} does not exist", path.display()),
            );
        }
        Err(error) => return Err(config(format!("cannot read {}: {error}", path.display()))),
    };
    let file: File = toml::from_str(&text).map_err(|error| {
        config(format!(
            "{} is not a config file agentrun reads: {}",
            path.display(),
            agentrun::runtime::one_line(error.message())
        ))
    })?;
    let name = asked.clone().unwrap_or_else(|| "default".into());
    let Some(profile) = file.profiles.get(&name) else {
        return match asked {
            Some(_) => Err(config(format!(
                "{} has no profile `{}`; its profiles are: {}",
                path.display(),
                agentrun::runtime::one_line(&name),
                names(&file)
            ))),
            None => Ok(()),
        };
    };
    warn_if_readable_by_others(&path, profile);
    let _ = PROFILE.set(profile.clone());
    Ok(())
}

/// No file: fine unless a profile was asked for.
fn missing(asked: Option<&str>, why: &str) -> Result<(), Error> {
    match asked {
        Some(name) => Err(config(format!(
            "the profile `{}` was asked for, but {why}",
            agentrun::runtime::one_line(name)
        ))),
        None => Ok(()),
    }
}

fn names(file: &File) -> String {
    if file.profiles.is_empty() {
        "none".into()
    } else {
        file.profiles.keys().cloned().collect::<Vec<_>>().join(", ")
    }
}

fn config(message: String) -> Error {
    Error::Config {
        variable: None,
        message,
    }
}

/// `$AGENTRUN_CONFIG`, else `config.toml` in the platform's config folder for agentrun.
pub(crate) fn config_path() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os(CONFIG_VARIABLE).filter(|p| !p.is_empty()) {
        return Some(PathBuf::from(path));
    }
    let folder = std::env::var_os("XDG_CONFIG_HOME")
        .filter(|p| !p.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".config")))
        .or_else(|| std::env::var_os("APPDATA").map(PathBuf::from))?;
    Some(folder.join("agentrun").join("config.toml"))
}

/// A warning when a profile holding a secret is in a file other users can read.
fn warn_if_readable_by_others(path: &std::path::Path, profile: &BTreeMap<String, String>) {
    let secret = profile.keys().any(|name| {
        let name = name.to_ascii_uppercase();
        ["TOKEN", "KEY", "SECRET", "PASSWORD", "CREDENTIALS"]
            .iter()
            .any(|word| name.contains(word))
    });
    if secret && readable_by_others(path) {
        eprintln!(
            "warning: {} holds a secret and other users can read it; run `chmod 600 {}`",
            path.display(),
            path.display()
        );
    }
}

#[cfg(unix)]
fn readable_by_others(path: &std::path::Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).is_ok_and(|m| m.permissions().mode() & 0o077 != 0)
}

#[cfg(not(unix))]
fn readable_by_others(_path: &std::path::Path) -> bool {
    false
}
