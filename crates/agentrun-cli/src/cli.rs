//! The command line: every flag is an API field's name in kebab-case (`appId` is `--app-id`).

// Parsed once per process: boxing the larger variants would buy nothing.
#![allow(clippy::large_enum_variant)]
// Doc comments here are clap's help text, printed as written: a URL in `<...>` would show its
// brackets in `--help`.
#![allow(rustdoc::bare_urls)]

use std::path::PathBuf;
use std::time::Duration;

use agentrun::buildprint::types as bp;
#[cfg(feature = "emulator")]
use agentrun_emulator::cli::EmulatorArgs;
use clap::{ArgGroup, Args, Parser, Subcommand};

/// The process's exit codes, as `--help` documents them.
pub const EXIT_CODES: &str = "\
Exit codes:
  0  done: the run completed or passed (a test run that passed with warnings too)
  1  the run ended in error, failed or was canceled
  2  usage or configuration error (a flag, a missing key, an unreadable file)
  3  API error: the API refused the request or could not be reached
  4  timeout: a wait (or a request) ran out of time
  5  a request that starts a run was sent but its answer was lost: it may have started
     (it is never sent twice; the message says how to check)";

const EXAMPLES: &str = "\
Examples:
  # Try every command with no account: start the emulator, point agentrun at it.
  agentrun emulator &    # in the default build (feature `emulator`)
  export BUILDPRINT_BASE_URL=http://127.0.0.1:4010/api/public/v1 BUILDPRINT_TOKEN=bp_emulator

  # Start a Buildprint agent and follow it to its end.
  agentrun buildprint agents start --app-id demo-app --model buildprint-gpt-5.6-sol \\
      --prompt 'Why does checkout fail for guests?' --wait

  # Run a test group on a branch; the exit code says whether it passed.
  agentrun buildprint test-group-runs start --group-id tg_000001 --branch-id main --wait

  # Start Builder's agent with a mockup attached, from CI.
  agentrun builder run --prompt-file prompt.md --attach mockup.png --user-email developer@yourcompany.com";

/// Start and follow hosted AI coding agents (Builder.io, Buildprint) from scripts and CI.
///
/// Credentials come from the environment (BUILDPRINT_TOKEN; BUILDER_PUBLIC_KEY and
/// BUILDER_PRIVATE_KEY) or from flags. Data goes to stdout, diagnostics to stderr. A wait shows a
/// spinner on a terminal and one line per status change elsewhere; AGENTRUN_PROGRESS=lines or
/// =spinner chooses.
#[derive(Parser, Debug)]
#[command(name = "agentrun", version, after_long_help = format!("{EXAMPLES}\n\n{EXIT_CODES}"))]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
    /// Print the API's JSON (stable, for scripts) instead of text.
    #[arg(long, global = true, help_heading = "Output")]
    pub json: bool,
    /// Show each request, answer and retry on stderr (never a token or key); twice for more.
    #[arg(short, long, global = true, action = clap::ArgAction::Count, help_heading = "Output")]
    pub verbose: u8,
}

/// The top-level commands.
#[derive(Subcommand, Debug)]
pub enum Command {
    /// Builder.io's Agents Run API: start Builder's agent on a prompt.
    Builder(BuilderCommand),
    /// Buildprint's public REST API: agents, code reviews, automations, tests, runs, versions.
    Buildprint(BuildprintCommand),
    /// Run the local emulator of both APIs (try every command with no account).
    #[cfg(feature = "emulator")]
    Emulator(EmulatorArgs),
    /// Print an operation's request-body JSON Schema (or its answer's, with --response), for
    /// scripts, config files and LLM tool definitions.
    #[command(
        after_long_help = "Examples:\n  agentrun schema buildprint startAgent > start-agent.schema.json\n  agentrun schema builder runAgent --response"
    )]
    Schema {
        /// The API: a provider's name.
        #[arg(value_parser = provider_name())]
        provider: agentrun::Provider,
        /// The operation's operationId, in any case: startAgent, start-agent.
        operation: String,
        /// The schema of the success answer instead of the request body.
        #[arg(long)]
        response: bool,
    },
    /// Print a shell completion script: `agentrun completions bash > /etc/bash_completion.d/agentrun`.
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
}

/// A provider's name on the command line: one of the table's, each listed in `--help`.
fn provider_name() -> impl clap::builder::TypedValueParser<Value = agentrun::Provider> {
    let names = agentrun::Provider::ALL
        .iter()
        .map(|p| clap::builder::PossibleValue::new(p.name()).help(p.info().title));
    use clap::builder::TypedValueParser as _;
    clap::builder::PossibleValuesParser::new(names).try_map(|name: String| {
        agentrun::Provider::find(&name).ok_or_else(|| format!("no provider `{name}`"))
    })
}

/// How to reach Builder.
#[derive(Args, Debug, Clone)]
pub struct BuilderAuth {
    /// The Space's public API key [default: $BUILDER_PUBLIC_KEY].
    #[arg(long, global = true, value_name = "KEY", help_heading = "Connection")]
    pub public_key: Option<String>,
    /// The Space's private API key, bpk-... [default: $BUILDER_PRIVATE_KEY].
    #[arg(long, global = true, value_name = "KEY", help_heading = "Connection")]
    pub private_key: Option<String>,
    /// The API's base URL [default: $BUILDER_BASE_URL, else https://api.builder.io].
    #[arg(long, global = true, value_name = "URL", help_heading = "Connection")]
    pub base_url: Option<String>,
    /// Give up on one request (each attempt) after this long; a wait's --timeout still bounds
    /// the whole wait [default: 60s].
    #[arg(long, global = true, value_name = "DURATION", value_parser = positive_duration, help_heading = "Connection")]
    pub request_timeout: Option<Duration>,
}

/// `agentrun builder ...`
#[derive(Args, Debug)]
pub struct BuilderCommand {
    /// Credentials.
    #[command(flatten)]
    pub auth: BuilderAuth,
    /// What to do.
    #[command(subcommand)]
    pub action: BuilderAction,
}

/// Builder actions.
#[derive(Subcommand, Debug)]
pub enum BuilderAction {
    /// Start Builder's agent on a prompt (POST /agents/run); prints the Visual Editor URL.
    #[command(
        after_long_help = "Example:\n  agentrun builder run --prompt 'Add a pricing page' --attach mockup.png \\\n      --url https://stripe.com/pricing --branch pricing --user-email developer@yourcompany.com"
    )]
    Run(RunArgs),
}

/// `agentrun builder run`
#[derive(Args, Debug)]
#[command(group(ArgGroup::new("prompt-source").required(true).args(["prompt", "prompt_file", "body"])))]
#[command(group(ArgGroup::new("user").required(true).args(["user_email", "user_id", "body"])))]
pub struct RunArgs {
    /// What the agent should build.
    #[arg(long, value_name = "TEXT")]
    pub prompt: Option<String>,
    /// Read the prompt from a file (`-` for stdin).
    #[arg(long, value_name = "PATH")]
    pub prompt_file: Option<PathBuf>,
    /// Attach a file: PNG, JPEG, WebP, GIF, PDF, JSON or plain text (repeatable).
    #[arg(long, value_name = "PATH")]
    pub attach: Vec<PathBuf>,
    /// Attach a web page the agent reads (repeatable).
    #[arg(long, value_name = "URL")]
    pub url: Vec<String>,
    /// Run in an existing project (otherwise Builder creates one).
    #[arg(long, visible_alias = "project-id", value_name = "ID")]
    pub project: Option<String>,
    /// Name the new branch.
    #[arg(long, visible_alias = "branch-name", value_name = "NAME")]
    pub branch: Option<String>,
    /// The Builder user the agent acts for, by email.
    #[arg(long, value_name = "EMAIL")]
    pub user_email: Option<String>,
    /// The Builder user the agent acts for, by ID.
    #[arg(long, value_name = "ID")]
    pub user_id: Option<String>,
    /// The largest attachment accepted, in bytes.
    #[arg(long, value_name = "BYTES", default_value_t = 16 * 1024 * 1024)]
    pub max_attachment_bytes: u64,
    /// The whole request body as JSON instead of the flags above: @FILE, - for stdin, or inline;
    /// checked against the schema (`agentrun schema builder runAgent`) before anything is sent.
    #[arg(
        long,
        value_name = "@FILE|-|JSON",
        conflicts_with_all = ["attach", "url", "project", "branch"]
    )]
    pub body: Option<String>,
}

/// How to reach Buildprint.
#[derive(Args, Debug, Clone)]
pub struct BuildprintAuth {
    /// The workspace REST API token, bp_... [default: $BUILDPRINT_TOKEN].
    #[arg(long, global = true, value_name = "TOKEN", help_heading = "Connection")]
    pub token: Option<String>,
    /// The API's base URL, including /api/public/v1 [default: $BUILDPRINT_BASE_URL, else
    /// https://api.buildprint.ai/api/public/v1].
    #[arg(long, global = true, value_name = "URL", help_heading = "Connection")]
    pub base_url: Option<String>,
    /// Give up on one request (each attempt) after this long; a wait's --timeout still bounds
    /// the whole wait [default: 60s].
    #[arg(long, global = true, value_name = "DURATION", value_parser = positive_duration, help_heading = "Connection")]
    pub request_timeout: Option<Duration>,
}

/// `agentrun buildprint ...`
#[derive(Args, Debug)]
pub struct BuildprintCommand {
    /// Credentials.
    #[command(flatten)]
    pub auth: BuildprintAuth,
    /// What to work with.
    #[command(subcommand)]
    pub resource: Resource,
}

/// Buildprint's resources.
#[derive(Subcommand, Debug)]
pub enum Resource {
    /// Agents: start one on an app, read it, send it a follow-up, wait for it.
    #[command(subcommand)]
    Agents(Agents),
    /// Code reviews between two versions of an app.
    #[command(subcommand)]
    Reviews(Reviews),
    /// Automations of an app.
    #[command(subcommand)]
    Automations(Automations),
    /// Tests and components of an app.
    #[command(subcommand)]
    Tests(Tests),
    /// Test groups of an app.
    #[command(subcommand)]
    TestGroups(TestGroups),
    /// Test users of an app.
    #[command(subcommand)]
    TestUsers(TestUsers),
    /// Runs of one test.
    #[command(subcommand)]
    TestRuns(TestRuns),
    /// Runs of a test group.
    #[command(subcommand)]
    TestGroupRuns(TestGroupRuns),
    /// Synced versions of an app's branches.
    #[command(subcommand)]
    Versions(Versions),
    /// The API's own OpenAPI document.
    #[command(subcommand)]
    Openapi(Openapi),
}

/// The OpenAPI document actions.
#[derive(Subcommand, Debug)]
pub enum Openapi {
    /// Print the OpenAPI document the API serves (GET /openapi.json).
    Get,
}

/// Following a run to its end.
#[derive(Args, Debug, Clone)]
pub struct WaitFlags {
    /// Give up waiting after this long, requests in flight included (exit code 4).
    #[arg(long, value_name = "DURATION", default_value = "60m", value_parser = positive_duration)]
    pub timeout: Duration,
    /// Time between the first polls; it grows to 15 s.
    #[arg(long, value_name = "DURATION", default_value = "2s", value_parser = positive_duration)]
    pub interval: Duration,
}

/// A duration flag's value: `90s`, `5m`, `1h 30m`; zero is refused (a zero timeout could never
/// be met, a zero interval would poll as fast as the API answers).
pub fn positive_duration(value: &str) -> Result<Duration, String> {
    let duration = humantime::parse_duration(value.trim())
        .map_err(|e| format!("{e}: give a duration such as 90s, 5m or 1h"))?;
    if duration.is_zero() {
        return Err("must be more than zero: give a duration such as 90s, 5m or 1h".into());
    }
    Ok(duration)
}

/// An ID that goes into a request path: refused when it is empty, `.` or `..`, or holds a `/`,
/// a backslash, `?`, `#` or a control character, since such a value would reach another
/// endpoint (`..` is resolved away by URL parsing) or none.
pub fn path_segment(value: &str) -> Result<String, String> {
    if value.is_empty() || value == "." || value == ".." {
        return Err(format!("`{value}` is not an ID: give the ID itself"));
    }
    if let Some(c) = value
        .chars()
        .find(|c| matches!(c, '/' | '\\' | '?' | '#') || c.is_control())
    {
        return Err(format!(
            "an ID cannot hold {}: give the ID itself, not a path or URL",
            crate::output::describe_char(c)
        ));
    }
    Ok(value.to_string())
}

/// `--wait` on the commands that start a run.
#[derive(Args, Debug, Clone)]
pub struct StartWait {
    /// Follow the run to its end; the exit code says how it ended.
    #[arg(long)]
    pub wait: bool,
    /// With --wait: the wait's timeout and interval.
    #[command(flatten)]
    pub flags: WaitFlags,
}

/// `--model`'s long help: what it is and the models this build knows.
fn models_help(what: &str) -> String {
    let known: Vec<&str> = bp::SelectableModel::KNOWN
        .iter()
        .map(|m| m.as_str())
        .collect();
    format!(
        "{what} Known to this build: {}. Another name is sent with a warning (Buildprint adds \
         models often, and its 400 lists the valid ones); --strict-model refuses it instead.",
        known.join(", ")
    )
}

/// `--model` for agents and reviews: an unknown model is sent with a warning, or refused.
#[derive(Args, Debug, Clone)]
pub struct ModelChoice {
    /// Refuse a model this build of agentrun does not know, instead of sending it with a
    /// warning.
    #[arg(long)]
    pub strict_model: bool,
    /// Accepted for scripts written for older versions: unknown models are now sent anyway.
    #[arg(long, hide = true)]
    pub allow_unknown_model: bool,
}

/// Agent actions.
#[derive(Subcommand, Debug)]
pub enum Agents {
    /// Start an agent run on an app (POST /agents).
    Start {
        /// Model identifier to use for the run.
        #[arg(long, long_help = models_help("Model identifier to use for the run."))]
        model: Option<String>,
        #[command(flatten)]
        #[allow(missing_docs)]
        models: ModelChoice,
        #[command(flatten)]
        #[allow(missing_docs)]
        wait: StartWait,
    },
    /// Get an agent's status and recent history (GET /agents/{agentId}).
    Get,
    /// Send a follow-up message to an agent (POST /agents/{agentId}/messages).
    Message {
        #[command(flatten)]
        #[allow(missing_docs)]
        wait: StartWait,
    },
    /// Wait until an agent is completed (exit 0) or in error (exit 1).
    Wait {
        /// The agent.
        #[arg(long, value_parser = path_segment)]
        agent_id: String,
        #[command(flatten)]
        #[allow(missing_docs)]
        flags: WaitFlags,
    },
}

/// Code review actions.
#[derive(Subcommand, Debug)]
pub enum Reviews {
    /// List an app's code reviews by status (GET /code-reviews).
    List,
    /// Create a code review between two versions (POST /code-reviews).
    Create {
        /// Model identifier for the review.
        #[arg(long, long_help = models_help("Model identifier for the review."))]
        model: Option<String>,
        #[command(flatten)]
        #[allow(missing_docs)]
        models: ModelChoice,
        #[command(flatten)]
        #[allow(missing_docs)]
        wait: StartWait,
    },
    /// Get a code review, its findings and its agent (GET /code-reviews/{reviewId}).
    Get,
    /// Wait until a review's agent is completed (exit 0) or in error (exit 1).
    Wait {
        /// The review.
        #[arg(long, value_parser = path_segment)]
        review_id: String,
        #[command(flatten)]
        #[allow(missing_docs)]
        flags: WaitFlags,
    },
}

/// Automation actions.
#[derive(Subcommand, Debug)]
pub enum Automations {
    /// List an app's automations (GET /automations).
    List,
    /// Queue a run of a Manual / API automation (POST /automations/{automationId}/run).
    Run,
}

/// `--steps`, which also takes `@FILE`, for create and update (the test's other fields are the
/// spec's flags).
#[derive(Args, Debug, Clone)]
pub struct StepsFlag {
    /// The steps, as the API's JSON array (`[{"stepType": "test", "instruction": "...",
    /// "onFailure": "stop"}]`), inline or `@FILE`; checked against the operation's schema
    /// before anything is sent.
    #[arg(long, value_name = "JSON|@FILE")]
    pub steps: Option<String>,
}

/// Test actions.
#[derive(Subcommand, Debug)]
pub enum Tests {
    /// List an app's active tests and components (GET /tests).
    List,
    /// Create a test or component (POST /tests).
    Create {
        #[command(flatten)]
        #[allow(missing_docs)]
        steps: StepsFlag,
    },
    /// Get a test or component (GET /tests/{testId}).
    Get,
    /// Replace a test's definition (PUT /tests/{testId}).
    Update {
        #[command(flatten)]
        #[allow(missing_docs)]
        steps: StepsFlag,
    },
    /// Archive a test or component (DELETE /tests/{testId}).
    Delete,
}

/// Test group actions.
#[derive(Subcommand, Debug)]
pub enum TestGroups {
    /// List an app's test groups (GET /test-groups).
    List,
    /// Create a test group (POST /test-groups).
    Create,
    /// Get a test group and its members (GET /test-groups/{groupId}).
    Get,
    /// Replace a test group (PUT /test-groups/{groupId}).
    Update,
    /// Archive a test group (DELETE /test-groups/{groupId}).
    Delete,
}

/// Test user actions.
#[derive(Subcommand, Debug)]
pub enum TestUsers {
    /// List an app's test users (GET /test-users).
    List,
    /// Create a test user (POST /test-users).
    Create,
    /// Get a test user (GET /test-users/{testUserId}).
    Get,
    /// Replace a test user (PUT /test-users/{testUserId}).
    Update,
    /// Delete a test user (DELETE /test-users/{testUserId}).
    Delete,
}

/// Test run actions.
#[derive(Subcommand, Debug)]
pub enum TestRuns {
    /// Start a run of a test on a branch (POST /test-runs).
    Start {
        #[command(flatten)]
        #[allow(missing_docs)]
        wait: StartWait,
    },
    /// Get a test run and its steps (GET /test-runs/{runId}).
    Get,
    /// Wait until a test run passed (exit 0) or failed (exit 1).
    Wait {
        /// The run.
        #[arg(long, value_parser = path_segment)]
        run_id: String,
        #[command(flatten)]
        #[allow(missing_docs)]
        flags: WaitFlags,
    },
}

/// Test group run actions.
#[derive(Subcommand, Debug)]
pub enum TestGroupRuns {
    /// Start a run of every test of a group on a branch (POST /test-group-runs).
    Start {
        #[command(flatten)]
        #[allow(missing_docs)]
        wait: StartWait,
    },
    /// Get a test group run and its test runs (GET /test-group-runs/{groupRunId}).
    Get,
    /// Wait until a test group run passed (exit 0) or failed (exit 1).
    Wait {
        /// The group run.
        #[arg(long, value_parser = path_segment)]
        group_run_id: String,
        #[command(flatten)]
        #[allow(missing_docs)]
        flags: WaitFlags,
    },
}

/// Version actions.
#[derive(Subcommand, Debug)]
pub enum Versions {
    /// List a branch's synced versions, newest first (GET /versions).
    List,
    /// Get a version sync's status (GET /versions/status).
    Status,
    /// Sync a branch (POST /versions/sync).
    Sync {
        #[command(flatten)]
        #[allow(missing_docs)]
        wait: StartWait,
    },
    /// Wait until a version sync completed (exit 0) or failed (exit 1).
    Wait {
        /// The app.
        #[arg(long)]
        app_id: String,
        /// The synced version.
        #[arg(long, value_parser = path_segment)]
        version_id: String,
        #[command(flatten)]
        #[allow(missing_docs)]
        flags: WaitFlags,
    },
}

/// Builder's hand-written command: `agentrun builder run` (its flags are its own: attachments,
/// a prompt file, the user).
pub const BUILDER_OPERATIONS: &[(&str, &str, &str)] = &[("runAgent", "", "run")];

/// Which command each operation of the Buildprint spec is: (operationId, resource, action).
pub const OPERATIONS: &[(&str, &str, &str)] = &[
    ("startAgent", "agents", "start"),
    ("getAgent", "agents", "get"),
    ("sendAgentMessage", "agents", "message"),
    ("listCodeReviews", "reviews", "list"),
    ("createCodeReview", "reviews", "create"),
    ("getCodeReview", "reviews", "get"),
    ("listAutomations", "automations", "list"),
    ("runAutomation", "automations", "run"),
    ("listTests", "tests", "list"),
    ("createTest", "tests", "create"),
    ("getTest", "tests", "get"),
    ("updateTest", "tests", "update"),
    ("deleteTest", "tests", "delete"),
    ("listTestGroups", "test-groups", "list"),
    ("createTestGroup", "test-groups", "create"),
    ("getTestGroup", "test-groups", "get"),
    ("updateTestGroup", "test-groups", "update"),
    ("deleteTestGroup", "test-groups", "delete"),
    ("listTestUsers", "test-users", "list"),
    ("createTestUser", "test-users", "create"),
    ("getTestUser", "test-users", "get"),
    ("updateTestUser", "test-users", "update"),
    ("deleteTestUser", "test-users", "delete"),
    ("startTestRun", "test-runs", "start"),
    ("getTestRun", "test-runs", "get"),
    ("startTestGroupRun", "test-group-runs", "start"),
    ("getTestGroupRun", "test-group-runs", "get"),
    ("listVersions", "versions", "list"),
    ("getSyncStatus", "versions", "status"),
    ("syncVersion", "versions", "sync"),
    ("getOpenApiDocument", "openapi", "get"),
];
