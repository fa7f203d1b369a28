//! `cargo xtask`: see `cargo xtask --help`.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Parser, Subcommand};
use xtask::commands;
use xtask::read::providers::workspace_root;

/// Maintenance tasks for agentrun's generated API clients.
#[derive(Parser)]
#[command(name = "cargo xtask", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// Work on another checkout of this workspace (its root directory).
    #[arg(long, global = true, hide = true, value_name = "DIR")]
    root: Option<PathBuf>,
}

#[derive(Subcommand)]
enum Command {
    /// Regenerate every client crate from the committed specs (offline).
    Generate {
        /// Change nothing; exit 1 and show a short diff when a generated file is stale.
        #[arg(long)]
        check: bool,
        /// Only this provider (see openapi/providers.toml).
        #[arg(long, value_name = "NAME")]
        provider: Option<String>,
        /// Also print what normalization changed in each spec.
        #[arg(long, short)]
        verbose: bool,
    },
    /// Download a provider's OpenAPI document into its raw snapshot. The snapshot is replaced
    /// only by a valid OpenAPI document, atomically; anything else is refused and it is kept.
    Fetch {
        /// Only this provider (default: every provider that publishes a document).
        #[arg(long, value_name = "NAME")]
        provider: Option<String>,
        /// Fetch from this URL instead of the provider's (for example a local emulator).
        #[arg(long)]
        url: Option<String>,
        /// Give up after this many seconds.
        #[arg(long, value_name = "SECONDS", default_value_t = 30)]
        timeout: u64,
    },
    /// Generate every OpenAPI document of a corpus set (or a directory) as a new provider's
    /// crate, in a scratch workspace, and compile them all: how well the pipeline takes
    /// real-world documents.
    Corpus {
        /// A directory of documents, instead of a corpus set.
        #[arg(conflicts_with = "set")]
        dir: Option<PathBuf>,
        /// The corpus set: a folder of `../shared/corpus`, or of $AGENTRUN_CORPUS when it is
        /// set (default: generation-1).
        #[arg(long, value_name = "NAME")]
        set: Option<String>,
        /// Where the scratch workspace goes (default: target/corpus).
        #[arg(long, value_name = "DIR")]
        scratch: Option<PathBuf>,
        /// Only generate; do not compile.
        #[arg(long)]
        no_check: bool,
    },
    /// Hold documents against themselves with a strict JSON Schema validator: every example,
    /// and values synthesized for every request and answer (Builder's and Buildprint's specs,
    /// a corpus set, or a folder). Exits 1 when something fails.
    Conformance {
        /// A directory of documents, instead of the providers' specs.
        #[arg(conflicts_with = "set")]
        dir: Option<PathBuf>,
        /// A corpus set: a folder of `../shared/corpus`, or of $AGENTRUN_CORPUS when it is set.
        #[arg(long, value_name = "NAME")]
        set: Option<String>,
        /// Also generate each document's client and call every operation through it against
        /// a server on loopback that holds each request to the document and answers with each
        /// documented status (builds the crates: minutes for a corpus set).
        #[arg(long)]
        over_http: bool,
        /// Where the scratch workspace of `--over-http` goes (default: target/conformance).
        #[arg(long, value_name = "DIR", requires = "over_http")]
        scratch: Option<PathBuf>,
    },
    /// Hold each provider's spec against the inventory of its official docs: documented
    /// operations, fields and values present, and no answer field required that the docs do
    /// not show. Exits 1 when the spec departs from the docs.
    Fidelity {
        /// Only this provider.
        #[arg(long, value_name = "NAME")]
        provider: Option<String>,
        /// Check this normalized document instead of the provider's (to measure a change).
        #[arg(long, value_name = "FILE", requires = "provider")]
        spec: Option<PathBuf>,
    },
    /// Report what changed between two API documents, each change breaking or additive.
    /// Exits 1 when anything is breaking, 0 otherwise.
    Drift {
        /// Print the rules changes are judged by (id, verdict, why) and exit.
        #[arg(long, conflicts_with_all = ["old", "new", "provider"])]
        rules: bool,
        /// The older document (a file).
        old: Option<PathBuf>,
        /// The newer document (a file).
        new: Option<PathBuf>,
        /// Compare this provider's committed snapshot with the document it serves now.
        #[arg(long, value_name = "NAME", conflicts_with_all = ["old", "new"])]
        provider: Option<String>,
        /// With --provider: the live document's URL, instead of the provider's.
        #[arg(long, requires = "provider")]
        url: Option<String>,
        /// Give up on the download after this many seconds.
        #[arg(long, value_name = "SECONDS", default_value_t = 30)]
        timeout: u64,
        /// How to write the report: text, markdown (safe to paste into a pull request) or json.
        #[arg(long, value_enum, default_value_t = commands::ReportFormat::Text)]
        format: commands::ReportFormat,
    },
    /// What `drift` runs in a child process: reads a document on stdin, generates its crate and
    /// prints the crate's public API as JSON.
    #[command(hide = true)]
    DriftApi {
        /// How to name the document in messages.
        #[arg(long, default_value = "the document")]
        origin: String,
        /// The directory other files the document refers to are read from.
        #[arg(long)]
        base_dir: Option<PathBuf>,
        /// A prefix every path starts with, moved into the server URLs.
        #[arg(long)]
        strip_path_prefix: Option<String>,
    },
    /// Generate one provider's crate into an existing scratch workspace and print the
    /// generator's degradation notes as JSON: `conformance --over-http` runs it as a child, so a
    /// document the generator cannot finish (a stack overflow) fails that document only.
    #[command(hide = true)]
    ConformanceGenerate {
        /// The scratch workspace.
        #[arg(long)]
        scratch: PathBuf,
        /// The provider entry, as JSON.
        #[arg(long)]
        provider: String,
    },
    /// Measure drift on a labelled suite of document pairs nobody here wrote (a folder with a
    /// manifest.json): agreement per category, then each disagreement.
    DriftSuite {
        /// The suite's folder (default: drift-oasdiff in ../shared/corpus, or in
        /// $AGENTRUN_CORPUS).
        dir: Option<PathBuf>,
    },
    /// Write drift's labelled mutation corpus (single changes to the Buildprint snapshot) to a
    /// directory, to measure other diff tools on the same pairs, and print drift's accuracy.
    DriftCorpus {
        /// Where to write `base.json`, one file per mutation and `labels.json`.
        dir: PathBuf,
    },
}

/// Generation allocates and frees the tokens and syntax of a whole client, hundreds of MB for a
/// big document: with mimalloc, Sentry's document generates in 4.5 s instead of 5.5 s.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    // typify can still abort the process (a stack overflow) on a shape nobody found yet: the
    // command runs in a child process, and again with a last resort when that one aborts.
    if let Some(code) = xtask::generate::contain::supervise() {
        return code;
    }
    // Generation recurses as deep as a document nests: every command runs on a stack sized
    // for it, not the main thread's.
    match xtask::generate::recovery::on_generator_stack(run) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: cannot start a thread for the command: {error}");
            ExitCode::from(2)
        }
    }
}

/// The command the arguments name.
fn run() -> ExitCode {
    let cli = Cli::parse();
    let root = cli.root.unwrap_or_else(workspace_root);
    let result = match cli.command {
        Command::Generate {
            check,
            provider,
            verbose,
        } => commands::generate_command(&root, provider.as_deref(), check, verbose),
        Command::Corpus {
            dir,
            set,
            scratch,
            no_check,
        } => commands::corpus_command(
            &root,
            dir.as_deref(),
            set.as_deref(),
            scratch.as_deref(),
            !no_check,
        ),
        Command::Fidelity { provider, spec } => {
            commands::fidelity_command(&root, provider.as_deref(), spec.as_deref())
        }
        Command::Fetch {
            provider,
            url,
            timeout,
        } => commands::fetch_command(
            &root,
            provider.as_deref(),
            url.as_deref(),
            Duration::from_secs(timeout),
        ),
        Command::Drift { rules: true, .. } => commands::drift_rules_command(),
        Command::DriftCorpus { dir } => commands::drift_corpus_command(&root, &dir),
        Command::DriftSuite { dir } => commands::drift_suite_command(&root, dir.as_deref()),
        Command::Conformance {
            dir,
            set,
            over_http,
            scratch,
        } => {
            let http =
                over_http.then(|| scratch.unwrap_or_else(|| root.join("target/conformance")));
            commands::conformance_command(&root, dir.as_deref(), set.as_deref(), http.as_deref())
        }
        Command::ConformanceGenerate { scratch, provider } => {
            commands::conformance_generate_command(&root, &scratch, &provider)
        }
        Command::DriftApi {
            origin,
            base_dir,
            strip_path_prefix,
        } => {
            commands::drift_api_command(&origin, base_dir.as_deref(), strip_path_prefix.as_deref())
        }
        Command::Drift {
            rules: false,
            old,
            new,
            provider,
            url,
            timeout,
            format,
        } => {
            let input = match (&old, &new, &provider) {
                (Some(old), Some(new), None) => commands::DriftInput::Files(old, new),
                (None, None, Some(name)) => commands::DriftInput::Provider {
                    name,
                    url: url.as_deref(),
                },
                _ => {
                    eprintln!(
                        "error: give two files (`cargo xtask drift OLD NEW`) or a provider \
                         (`cargo xtask drift --provider NAME [--url URL]`)"
                    );
                    return ExitCode::from(2);
                }
            };
            commands::drift_command(&root, input, Duration::from_secs(timeout), format)
        }
    };
    match result {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::from(2)
        }
    }
}
