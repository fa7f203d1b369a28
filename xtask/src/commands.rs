//! The `cargo xtask` subcommands, as functions that print their report and return an exit code.

use std::path::Path;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Context, Result, anyhow, bail};

use crate::checks::corpus;
use crate::checks::drift::api::Generator;
use crate::checks::drift::{Input, diff, prepare};
use crate::generate::surface::plural;
use crate::generate::{
    Generation, generate, short_diff, snapshot_contents, snapshot_file, snapshot_path,
};
use crate::normalize::load_provider;
use crate::read::document::{self, write_atomic};
use crate::read::fetch::download;
use crate::read::providers::{Provider, Providers};

/// Exit code: a check found something (stale files, breaking drift).
pub const FOUND: u8 = 1;

/// `cargo xtask generate [--check] [--provider NAME]`.
pub fn generate_command(
    root: &Path,
    only: Option<&str>,
    check: bool,
    verbose: bool,
) -> Result<ExitCode> {
    let providers = Providers::load(root)?;
    let mut stale: Vec<(String, String)> = Vec::new();
    let mut reviews = Vec::new();
    for provider in providers.select(only)? {
        let generation = generate(&providers, provider)?;
        let mut changed = Vec::new();
        for (relative, contents) in &generation.files {
            changed.extend(sync_file(root, relative, contents, check, &mut stale)?);
        }
        if let Some((relative, contents)) = &generation.manifest {
            let name = relative.display().to_string();
            if check {
                let committed = std::fs::read_to_string(root.join(relative)).unwrap_or_default();
                stale.push((name.clone(), short_diff(&committed, contents, 30)));
            } else {
                write_atomic(&root.join(relative), contents)?;
            }
            changed.push(format!("{name} (dependencies of the generated code)"));
        }
        for (relative, contents) in &generation.scaffold {
            let path = root.join(relative);
            if path.exists() {
                continue;
            }
            let name = relative.display().to_string();
            if check {
                stale.push((name.clone(), "(the file does not exist)".to_string()));
            } else {
                write_atomic(&path, contents)?;
            }
            changed.push(format!("{name} (new crate)"));
        }
        let relative = snapshot_path(&generation.provider);
        let accepted_path = root.join(&relative);
        let pending_path = accepted_path.with_extension("snap.new");
        let accepted = std::fs::read_to_string(&accepted_path).ok();
        let accepted = accepted
            .as_deref()
            .and_then(snapshot_contents)
            .map(str::trim_end);
        if accepted != Some(generation.surface.trim_end()) {
            let name = relative.display().to_string();
            if check {
                let diff = short_diff(accepted.unwrap_or(""), generation.surface.trim_end(), 40);
                stale.push((name.clone(), diff));
            } else {
                write_atomic(&pending_path, &snapshot_file(&generation.surface))?;
                reviews.push(name.clone());
            }
            changed.push(format!("{name} (API surface)"));
        } else if !check && pending_path.exists() {
            std::fs::remove_file(&pending_path)
                .with_context(|| format!("removing {}", pending_path.display()))?;
        }
        println!("{}", summary_line(&generation, &changed, check));
        let tags = &generation.tag_features;
        if !tags.all_by_default {
            println!(
                "    {} types: none of its {} tag features is on by default, so a user compiles \
                 only the tags they enable (`features = [\"{}\"]`, or `full` for all)",
                generation.types,
                tags.tags.len(),
                tags.tags.first().map_or("full", String::as_str)
            );
        }
        print_degradations(&generation, verbose);
        for name in &generation.unused_dependencies {
            println!(
                "    {}: the generated code no longer uses `{name}`; remove it unless lib.rs does",
                generation
                    .manifest
                    .as_ref()
                    .map(|(path, _)| path.display().to_string())
                    .unwrap_or_else(|| "Cargo.toml".to_string())
            );
        }
        if verbose {
            for change in &generation.changes {
                println!("    normalized: {change}");
            }
        }
    }
    let mut registry_changed = Vec::new();
    let registry = crate::generate::registry::files(&providers)?;
    for (relative, contents) in &registry {
        registry_changed.extend(sync_file(root, relative, contents, check, &mut stale)?);
    }
    let verb = if check { "stale" } else { "written" };
    if !registry.is_empty() {
        println!(
            "providers: {} listed in {}{}",
            providers.list.len(),
            crate::generate::registry::CRATE_DIR,
            if registry_changed.is_empty() {
                String::new()
            } else {
                format!("; {verb}: {}", registry_changed.join(", "))
            }
        );
    }
    if !reviews.is_empty() {
        println!(
            "The API surface changed ({}): review it with `cargo insta review`, or accept it \
             with `INSTA_UPDATE=always cargo test -p xtask --test surface`.",
            reviews.join(", ")
        );
    }
    if stale.is_empty() {
        return Ok(ExitCode::SUCCESS);
    }
    for (name, diff) in &stale {
        eprintln!("\nstale: {name}\n{diff}");
    }
    eprintln!(
        "\n{} generated file(s) differ from what the committed specs produce. Run `cargo xtask \
         generate`, accept a changed API surface with `cargo insta review`, and commit the \
         result (generated files are never edited by hand).",
        stale.len()
    );
    Ok(ExitCode::from(FOUND))
}

/// A generated file made to hold `contents`: written, or with `check` its difference listed in
/// `stale`. Its name when it differed, `None` when it already held them.
fn sync_file(
    root: &Path,
    relative: &Path,
    contents: &str,
    check: bool,
    stale: &mut Vec<(String, String)>,
) -> Result<Option<String>> {
    let path = root.join(relative);
    let committed = std::fs::read_to_string(&path).ok();
    if committed.as_deref() == Some(contents) {
        return Ok(None);
    }
    let name = relative.display().to_string();
    if check {
        let diff = match &committed {
            Some(old) => short_diff(old, contents, 30),
            None => "(the file does not exist)".to_string(),
        };
        stale.push((name.clone(), diff));
    } else {
        write_atomic(&path, contents)?;
    }
    Ok(Some(name))
}

/// How many degradations other than left-out operations the summary shows without `--verbose`.
const SHOWN_DEGRADATIONS: usize = 10;

/// The degradations, under the summary line: every operation left out, and the first others
/// (all of them with `verbose`); the surface snapshot lists them all.
fn print_degradations(generation: &Generation, verbose: bool) {
    if generation.degraded.is_empty() {
        return;
    }
    println!(
        "    {} degraded (the surface snapshot lists them all):",
        plural(generation.degraded.len(), "place")
    );
    let (left_out, others): (Vec<_>, Vec<_>) = generation
        .degraded
        .iter()
        .partition(|note| note.what.starts_with("left out"));
    for note in &left_out {
        println!("      {note}");
    }
    let shown = if verbose {
        others.len()
    } else {
        SHOWN_DEGRADATIONS
    };
    for note in others.iter().take(shown) {
        println!("      {note}");
    }
    if others.len() > shown {
        println!(
            "      ... and {} more (`--verbose` shows them)",
            others.len() - shown
        );
    }
    println!(
        "    To type one as the API does, reshape it in the spec, or with an action in the \
         provider's overlay."
    );
}

fn summary_line(generation: &Generation, changed: &[String], check: bool) -> String {
    let operations = plural(generation.operations, "operation");
    let types = format!(
        "{} ({})",
        plural(generation.types, "type"),
        plural(generation.open_enums, "open enum")
    );
    let state = match (changed.is_empty(), check) {
        (true, _) => "unchanged".to_string(),
        (false, true) => format!("stale: {}", changed.join(", ")),
        (false, false) => format!("changed: {}", changed.join(", ")),
    };
    format!(
        "{:<12} {:>14}  {:>26}  {state}",
        generation.provider, operations, types
    )
}

/// `cargo xtask fetch [--provider NAME] [--url URL]`: replace the raw snapshots with the
/// documents the providers serve now.
pub fn fetch_command(
    root: &Path,
    only: Option<&str>,
    url: Option<&str>,
    timeout: Duration,
) -> Result<ExitCode> {
    let providers = Providers::load(root)?;
    for provider in fetched_providers(&providers, only, url)? {
        let url = source_url(provider, url)?;
        let spec_path = root.join(&provider.spec);
        let kept = || format!("{} was kept as it was", provider.spec.display());
        let download = download(url, timeout)
            .map_err(|e| anyhow!("{}; {}.", e.to_string().trim_end_matches('.'), kept()))?;
        let committed = std::fs::read_to_string(&spec_path).ok();
        if committed.as_deref() == Some(download.text.as_str()) {
            println!("{}: {url}: unchanged", provider.name);
            continue;
        }
        write_atomic(&spec_path, &download.text)?;
        println!(
            "{}: {url}: {} updated ({} bytes)",
            provider.name,
            provider.spec.display(),
            download.text.len()
        );
        if let Some(committed) = committed {
            let origin = provider.spec.display().to_string();
            let old = document::parse(&committed, &origin, document::Format::Json)
                .and_then(|old| provider_input(&providers, provider, old, origin));
            let new = provider_input(&providers, provider, download.document, url.to_string());
            if let Ok(report) = old.and_then(|old| diff(old, new?, &contained()?)) {
                print!("{}", report.render("the previous snapshot", url));
            }
        }
        match load_provider(&providers, provider) {
            Ok(_) => println!(
                "Next: `cargo xtask generate`, then review the API change with `cargo insta review`."
            ),
            Err(error) => println!(
                "warning: the new snapshot does not generate yet: {error:#}\nFix it with an \
                 overlay action{}, then run `cargo xtask generate`.",
                provider
                    .overlay
                    .as_ref()
                    .map(|o| format!(" in {}", o.display()))
                    .unwrap_or_default()
            ),
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// What `cargo xtask drift` compares.
#[derive(Debug, Clone, Copy)]
pub enum DriftInput<'a> {
    /// Two document files, older first.
    Files(&'a Path, &'a Path),
    /// A provider's committed snapshot against the document it serves (or the one at `url`).
    Provider {
        /// The provider's name.
        name: &'a str,
        /// Where to fetch the live document instead of the provider's URL.
        url: Option<&'a str>,
    },
}

/// How `drift` writes its report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ReportFormat {
    /// Plain text, one change a line.
    Text,
    /// Markdown that is safe to paste into a pull request body.
    Markdown,
    /// JSON, for tools.
    Json,
}

/// `cargo xtask drift OLD NEW` or `cargo xtask drift --provider NAME [--url URL]`, the report in
/// `format`; exits 1 when anything is breaking.
pub fn drift_command(
    root: &Path,
    input: DriftInput<'_>,
    timeout: Duration,
    format: ReportFormat,
) -> Result<ExitCode> {
    let (old, new) = match input {
        DriftInput::Files(old, new) => {
            let input = |path: &Path| -> Result<Input> {
                Ok(Input::plain(
                    document::read(path)?,
                    path.display().to_string(),
                    path.parent().map(Path::to_path_buf),
                ))
            };
            (input(old)?, input(new)?)
        }
        DriftInput::Provider { name, url } => {
            let providers = Providers::load(root)?;
            let provider = providers.get(name)?;
            let url = source_url(provider, url)?;
            let old = document::read(&root.join(&provider.spec))?;
            let new = download(url, timeout)?.document;
            (
                provider_input(
                    &providers,
                    provider,
                    old,
                    provider.spec.display().to_string(),
                )?,
                provider_input(&providers, provider, new, url.to_string())?,
            )
        }
    };
    let (old_name, new_name) = (old.name.clone(), new.name.clone());
    let report = diff(old, new, &contained()?)?;
    print!(
        "{}",
        match format {
            ReportFormat::Text => report.render(&old_name, &new_name),
            ReportFormat::Markdown => report.render_markdown(&old_name, &new_name),
            ReportFormat::Json => report.render_json(&old_name, &new_name),
        }
    );
    Ok(if report.breaking() > 0 {
        ExitCode::from(FOUND)
    } else {
        ExitCode::SUCCESS
    })
}

/// Generation for drift's crate comparison, in a child process of this executable.
fn contained() -> Result<Generator> {
    let exe = std::env::current_exe().context("cannot find the running xtask executable")?;
    Ok(Generator::Contained(exe))
}

/// `cargo xtask drift-api`: reads a document on stdin, generates its crate and prints the
/// crate's public API as JSON: what `drift` runs in a child process, so a document the
/// generator cannot finish fails the comparison and not the report.
pub fn drift_api_command(
    origin: &str,
    base_dir: Option<&Path>,
    strip_path_prefix: Option<&str>,
) -> Result<ExitCode> {
    let mut text = String::new();
    std::io::Read::read_to_string(&mut std::io::stdin(), &mut text)
        .context("cannot read the document from stdin")?;
    let doc = serde_json::from_str(&text).context("the document on stdin is not JSON")?;
    let options = crate::normalize::Options {
        base_dir: base_dir.map(Path::to_path_buf),
        strip_path_prefix: strip_path_prefix.map(str::to_string),
    };
    let api = crate::checks::drift::api::Api::generate(doc, &options, origin)?;
    println!("{}", serde_json::to_string(&api)?);
    Ok(ExitCode::SUCCESS)
}

/// A provider's document as drift reads it: as it is on the wire, and with the provider's
/// overlay and options for the crate generated from it.
fn provider_input(
    providers: &Providers,
    provider: &Provider,
    doc: serde_json::Value,
    name: String,
) -> Result<Input> {
    let (generated, options, _) =
        crate::normalize::with_provider_settings(providers, provider, doc.clone(), &name)?;
    Ok(Input {
        doc,
        name,
        generated: (generated, options),
    })
}

/// `cargo xtask drift --rules`: the rules drift judges changes by, with their ids and verdicts.
pub fn drift_rules_command() -> Result<ExitCode> {
    print!("{}", crate::checks::drift::catalog());
    Ok(ExitCode::SUCCESS)
}

/// `cargo xtask drift-corpus DIR`: writes the labelled mutation corpus of the Buildprint
/// snapshot (`base.json`, one file per mutation, and `labels.json`, with each document also in
/// OpenAPI 3.0 under `openapi-3.0/`) for measuring other tools on the same pairs, and prints
/// drift's own accuracy on it.
pub fn drift_corpus_command(root: &Path, dir: &Path) -> Result<ExitCode> {
    use crate::checks::drift::corpus;
    let base = document::read(&root.join("openapi/buildprint/openapi.json"))?;
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let write = |name: &str, value: &serde_json::Value| -> Result<()> {
        let path = dir.join(name);
        let text = serde_json::to_string_pretty(value)?;
        std::fs::write(&path, text).with_context(|| format!("cannot write {}", path.display()))
    };
    // Tools that read OpenAPI 3.0 only get each document as `drift` prepares it.
    let converted = dir.join("openapi-3.0");
    std::fs::create_dir_all(&converted)
        .with_context(|| format!("cannot create {}", converted.display()))?;
    let write_both = |name: &str, doc: &serde_json::Value| -> Result<()> {
        write(name, doc)?;
        write(&format!("openapi-3.0/{name}"), &prepare(doc.clone(), name)?)
    };
    write_both("base.json", &base)?;
    let mut labels = Vec::new();
    for mutation in corpus::mutations() {
        let file = format!("{}.json", mutation.id);
        write_both(&file, &mutation.apply(&base).map_err(anyhow::Error::msg)?)?;
        labels.push(serde_json::json!({
            "id": mutation.id,
            "category": mutation.category.as_str(),
            "expected": mutation.expected.as_str(),
            "file": file,
        }));
    }
    write("labels.json", &serde_json::Value::Array(labels))?;
    let outcomes = corpus::run(&base)?;
    println!(
        "Wrote {} mutations of openapi/buildprint/openapi.json to {}.\n\nagentrun drift:\n{}",
        outcomes.len(),
        dir.display(),
        corpus::accuracy_table(&outcomes)
    );
    for wrong in outcomes.iter().filter(|o| o.expected != o.found) {
        println!(
            "wrong: {} (expected {}, found {})",
            wrong.id, wrong.expected, wrong.found
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// `cargo xtask drift-suite [DIR]`: drift's verdict on every pair of a labelled suite (by
/// default oasdiff's checker tests, `drift-oasdiff` beside the corpus sets), the agreement per
/// category, then each disagreement. A measurement: it exits 0 whatever the agreement.
pub fn drift_suite_command(root: &Path, dir: Option<&Path>) -> Result<ExitCode> {
    use crate::checks::drift::suite;
    let dir = match dir {
        Some(dir) => dir.to_path_buf(),
        None => corpus::set_dir(root, "drift-oasdiff").map_err(|e| anyhow!(e))?,
    };
    let outcomes: Vec<suite::Outcome> = suite::load(&dir)?.iter().map(suite::judge).collect();
    print!("{}", suite::agreement_table(&outcomes));
    let disagreements = suite::disagreements(&outcomes);
    if !disagreements.is_empty() {
        print!("\n{disagreements}");
    }
    Ok(ExitCode::SUCCESS)
}

/// `cargo xtask conformance`: each document held against itself (see
/// [`crate::checks::conformance::documents`]): the providers' specs as their entries give them, a
/// corpus set, or a folder. With `over_http` (a scratch workspace), each document's client is
/// also run against a loopback server ([`crate::checks::conformance::over_http`]). Exits 1 when
/// something fails.
pub fn conformance_command(
    root: &Path,
    dir: Option<&Path>,
    set: Option<&str>,
    over_http: Option<&Path>,
) -> Result<ExitCode> {
    use crate::checks::conformance::documents::{DocumentReport, check, render};
    use crate::checks::conformance::over_http::{corpus_subject, provider_subjects};
    let mut reports = Vec::new();
    let mut subjects = Vec::new();
    let folder = match (dir, set) {
        (Some(dir), _) => Some(dir.to_path_buf()),
        (None, Some(set)) => Some(corpus::set_dir(root, set).map_err(|e| anyhow!(e))?),
        (None, None) => None,
    };
    match folder {
        Some(folder) => {
            for document in corpus::documents(&folder)? {
                match corpus_subject(&document) {
                    Ok(subject) => {
                        reports.push(check(subject.doc.clone(), &subject.name));
                        subjects.push(subject);
                    }
                    Err(error) => reports.push(DocumentReport {
                        name: document.path.file_name().map_or_else(
                            || document.name.clone(),
                            |n| n.to_string_lossy().into_owned(),
                        ),
                        unreadable: Some(crate::text::one_line(&format!("{error:#}"))),
                        ..Default::default()
                    }),
                }
            }
        }
        None => {
            for subject in provider_subjects(root)? {
                reports.push(check(subject.doc.clone(), &subject.name));
                subjects.push(subject);
            }
        }
    }
    print!("{}", render(&reports));
    let mut failed = reports
        .iter()
        .any(|r| !r.failures.is_empty() || r.unreadable.is_some());
    if let Some(scratch) = over_http {
        let artifacts = root.join("target/conformance-target");
        // Each document is generated in a child process: one the generator cannot finish
        // fails alone.
        let exe = std::env::current_exe().context("cannot find this executable")?;
        let http = crate::checks::conformance::over_http::run(
            root,
            scratch,
            &artifacts,
            &subjects,
            Some(&exe),
        )?;
        println!("\nOver HTTP:");
        print!(
            "{}",
            crate::checks::conformance::over_http::render(&http, usize::MAX)
        );
        failed |= http
            .iter()
            .any(|r| !r.failures.is_empty() || r.unrunnable.is_some());
    }
    Ok(if failed {
        ExitCode::from(FOUND)
    } else {
        ExitCode::SUCCESS
    })
}

/// `xtask conformance-generate` (hidden): one provider's crate into an existing scratch
/// workspace, its degradation notes on stdout as a JSON list.
pub fn conformance_generate_command(
    root: &Path,
    scratch: &Path,
    provider: &str,
) -> Result<ExitCode> {
    let provider: crate::read::providers::Provider =
        serde_json::from_str(provider).context("--provider is not a provider entry as JSON")?;
    let generated = corpus::Scratch::open(root, scratch).generate_provider(&provider)?;
    println!("{}", serde_json::to_string(&generated.degraded)?);
    Ok(ExitCode::SUCCESS)
}

/// The providers a fetch or drift works on: the named one, or every one that publishes a
/// document.
fn fetched_providers<'a>(
    providers: &'a Providers,
    only: Option<&str>,
    url: Option<&str>,
) -> Result<Vec<&'a Provider>> {
    let selected: Vec<&Provider> = match only {
        Some(name) => vec![providers.get(name)?],
        None => providers.list.iter().filter(|p| p.url.is_some()).collect(),
    };
    if url.is_some() && selected.len() != 1 {
        bail!("--url names one document; say which provider it is with --provider");
    }
    Ok(selected)
}

fn source_url<'a>(provider: &'a Provider, url: Option<&'a str>) -> Result<&'a str> {
    url.or(provider.url.as_deref()).ok_or_else(|| {
        anyhow!(
            "provider `{}` publishes no OpenAPI document: its spec ({}) is written by hand. \
             Pass --url to compare against a document anyway.",
            provider.name,
            provider.spec.display()
        )
    })
}

/// `cargo xtask corpus [DIR | --set NAME] [--scratch DIR] [--no-check]`: every document of a
/// corpus set (or of `dir`) generated as a new provider's crate, and compiled; a table of the
/// results. Exits 1 when one fails.
pub fn corpus_command(
    root: &Path,
    dir: Option<&Path>,
    set: Option<&str>,
    scratch: Option<&Path>,
    compile: bool,
) -> Result<ExitCode> {
    let dir = match dir {
        Some(dir) => dir.to_path_buf(),
        None => {
            corpus::set_dir(root, set.unwrap_or(corpus::DEFAULT_SET)).map_err(|e| anyhow!(e))?
        }
    };
    let scratch_dir = scratch.map_or_else(|| root.join("target/corpus"), Path::to_path_buf);
    let documents = corpus::documents(&dir)?;
    if documents.is_empty() {
        bail!(
            "{} holds no OpenAPI document (.json, .yaml, .yml)",
            dir.display()
        );
    }
    let scratch = corpus::Scratch::create(root, &scratch_dir.join("workspace"))?;
    let mut outcomes: Vec<corpus::Outcome> = documents
        .iter()
        .map(|document| {
            eprintln!("generating {}", document.name);
            scratch.generate(document)
        })
        .collect();
    if compile {
        eprintln!(
            "compiling {} crates",
            outcomes.iter().filter(|o| o.generated.is_ok()).count()
        );
        scratch.compile(&mut outcomes, &scratch_dir.join("target"))?;
    }
    print!("{}", corpus::table(&outcomes));
    let mut failed = false;
    for outcome in &outcomes {
        match &outcome.generated {
            Err(error) => {
                failed = true;
                println!("\n{}: generate failed: {error}", outcome.document.name);
            }
            Ok(generated) => {
                if let Some(problem) = generated.unaccounted() {
                    failed = true;
                    println!("\n{}: {problem}", outcome.document.name);
                }
            }
        }
        if let Some(Err(error)) = &outcome.compiled {
            failed = true;
            let excerpt: String = error.lines().take(40).collect::<Vec<_>>().join("\n");
            println!("\n{}: does not compile:\n{excerpt}", outcome.document.name);
        }
    }
    Ok(if failed {
        ExitCode::from(FOUND)
    } else {
        ExitCode::SUCCESS
    })
}

/// `cargo xtask fidelity [--provider NAME] [--spec FILE]`: each provider's spec held against
/// the inventory of its official docs (see [`crate::checks::fidelity`]). `spec` replaces the provider's
/// normalized document with another one (an older `openapi.normalized.json`, to measure a
/// change). Exits 1 when the spec departs from the docs.
pub fn fidelity_command(
    root: &Path,
    provider: Option<&str>,
    spec: Option<&Path>,
) -> Result<ExitCode> {
    let providers = Providers::load(root)?;
    let mut departs = false;
    let mut checked = 0;
    for provider in providers.select(provider)? {
        let Some(inventory) = crate::checks::fidelity::Inventory::load(&providers, provider)?
        else {
            continue;
        };
        let doc = match spec {
            Some(path) => document::read(path)?,
            None => load_provider(&providers, provider)?.document,
        };
        let report = crate::checks::fidelity::check(
            &doc,
            &inventory,
            provider.strip_path_prefix.as_deref(),
        )?;
        print!(
            "{}",
            crate::checks::fidelity::render(&provider.name, &report)
        );
        departs |= !report.findings.is_empty();
        checked += 1;
    }
    if checked == 0 {
        bail!(
            "no selected provider keeps an inventory of its docs; add `docs = \"...\"` to its \
             entry in {}",
            crate::read::providers::TABLE
        );
    }
    Ok(if departs {
        ExitCode::from(FOUND)
    } else {
        ExitCode::SUCCESS
    })
}
