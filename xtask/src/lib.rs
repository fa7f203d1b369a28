//! The maintenance tasks behind `cargo xtask`, one folder per stage of the pipeline:
//!
//! 1. [`read`]: the provider table, a document (JSON or YAML, with places for errors), our
//!    overlay on it, and the provider's live document;
//! 2. [`normalize`]: any valid OpenAPI document made into one progenitor 0.15 generates from,
//!    a module per concern (Swagger 2.0, references, 3.1 down to 3.0, paths, parameters,
//!    bodies, responses, schemas), with what cannot be kept noted;
//! 3. [`generate`]: progenitor run on it (and the recovery ladder when it fails), then the
//!    crate's operation table, `PROVIDER` constant, manifest and API surface, and the
//!    `agentrun-providers` crate over all of them;
//! 4. [`rewrite`]: the generated code made to do what the document asks and progenitor cannot
//!    write (wire names, multipart, open enums, JSON Schema derives, safe doc comments);
//! 5. [`checks`]: what holds the result to the world: API drift, the official docs
//!    (fidelity), real-world documents (corpus), and every operation over HTTP
//!    (conformance).
//!
//! The binary (`src/main.rs`) is a thin command line over [`commands`]; the tests call the
//! stages directly.

pub mod checks;
pub mod commands;
pub mod generate;
pub mod normalize;
pub mod read;
pub mod rewrite;
pub mod text;

#[cfg(test)]
mod layering {
    #![allow(clippy::unwrap_used)]

    /// The `.rs` files under `dir`, with their text.
    fn sources(dir: &std::path::Path, found: &mut Vec<(std::path::PathBuf, String)>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                sources(&path, found);
            } else if path.extension().is_some_and(|e| e == "rs") {
                found.push((path.clone(), std::fs::read_to_string(&path).unwrap()));
            }
        }
    }

    #[test]
    fn the_pipeline_stages_never_reach_into_the_checks_or_the_command_line() {
        let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut found = Vec::new();
        for stage in ["read", "normalize", "generate", "rewrite"] {
            sources(&src.join(stage), &mut found);
        }
        assert!(found.len() > 20, "the stages' files were not found");
        let mut reaching = Vec::new();
        for (path, text) in found {
            for (i, line) in text.lines().enumerate() {
                let code = line.trim_start();
                if code.starts_with("//") {
                    continue;
                }
                if code.contains("crate::checks") || code.contains("crate::commands") {
                    reaching.push(format!("{}:{}: {code}", path.display(), i + 1));
                }
            }
        }
        assert!(reaching.is_empty(), "{}", reaching.join("\n"));
    }
}
