//! `agentrun builder run`: start Builder's agent on a prompt and print where it works.

use agentrun::auth::{BUILDER_BASE_URL, BUILDER_PRIVATE_KEY, BUILDER_PUBLIC_KEY};
use agentrun::builder::types as b;
use agentrun::runtime::Request;
use agentrun::{
    Attachment, AttachmentLimits, BuilderClient, BuilderCredentials, ClientConfig, Error,
    RunStarted,
};
use clap::{ArgGroup, Args, FromArgMatches};
use std::path::PathBuf;
use std::time::Duration;

use crate::cli::positive_duration;
use crate::commands::{Extension, Invocation, Outcome, ProviderExtension, runner};
use crate::output::{Output, Received};

/// Builder's hand-written command, `agentrun builder run`, and how to reach Builder.
pub(crate) static EXTENSION: ProviderExtension = ProviderExtension {
    about: "Builder.io's Agents Run API: start Builder's agent on a prompt",
    connection: BuilderAuth::augment_args,
    client: None,
    resources: &[],
    flag_names: &[],
    commands: &[Extension {
        operation: Some("runAgent"),
        resource: "",
        action: "run",
        about: "Start Builder's agent on a prompt; prints the Visual Editor URL",
        example: "Example:\n  agentrun builder run --prompt 'Add a pricing page' --attach mockup.png \\\n      --url https://stripe.com/pricing --branch pricing --user-email developer@yourcompany.com",
        // Its flags are its own: attachments, a prompt file, the user.
        table_flags: false,
        extend: RunArgs::augment_args,
        run: runner!(run),
    }],
    current_fields: &[],
};

/// `agentrun builder run`.
async fn run(invocation: Invocation<'_>) -> Result<Outcome, Error> {
    let parse = |e: clap::Error| Error::Invalid {
        message: agentrun::runtime::one_line(&e.to_string()),
    };
    let auth = BuilderAuth::from_arg_matches(invocation.connection).map_err(parse)?;
    let args = RunArgs::from_arg_matches(invocation.flags).map_err(parse)?;
    start(&auth, args, invocation.output, invocation.dry_run).await?;
    Ok(Outcome::Done)
}

/// The client, from the flags or else the environment.
fn connect(auth: &BuilderAuth) -> Result<BuilderClient, Error> {
    let env = crate::settings::var;
    let base_url = auth.base_url.clone().or_else(|| env(BUILDER_BASE_URL));
    let credentials = if auth.public_key.is_none() && auth.private_key.is_none() {
        // Both from the environment: errors name the variables.
        BuilderCredentials::from_lookup(|name| {
            if name == BUILDER_BASE_URL {
                base_url.clone()
            } else {
                env(name)
            }
        })?
    } else {
        let key = |flag: &Option<String>, variable: &str, name: &str| {
            flag.clone().or_else(|| env(variable)).ok_or_else(|| Error::Config {
                variable: Some(variable.to_string()),
                message: format!(
                    "{variable} is not set: pass --{name} or set {variable} to the Space's {} API key (Space settings)",
                    if name == "public-key" { "public" } else { "private (bpk-...)" }
                ),
            })
        };
        let public = key(&auth.public_key, BUILDER_PUBLIC_KEY, "public-key")?;
        let private = key(&auth.private_key, BUILDER_PRIVATE_KEY, "private-key")?;
        let credentials = BuilderCredentials::new(public, private)?;
        match &base_url {
            Some(url) => credentials.with_base_url(url)?,
            None => credentials,
        }
    };
    let mut config = ClientConfig::new();
    if let Some(timeout) = auth.request_timeout {
        config = config.timeout(timeout);
    }
    BuilderClient::with_config(credentials, config)
}

/// The prompt from `--prompt`, a file, or stdin (`--prompt-file -`).
fn prompt(args: &RunArgs) -> Result<String, Error> {
    if let Some(prompt) = &args.prompt {
        return Ok(prompt.clone());
    }
    let Some(path) = &args.prompt_file else {
        return Err(Error::Invalid {
            message: "say what the agent should build: --prompt TEXT or --prompt-file PATH".into(),
        });
    };
    crate::input::read_text("--prompt-file", path, crate::input::MAX_INPUT_BYTES)
}

/// The run's body from `--body`, checked against the operation's schema.
fn body(source: &str) -> Result<b::AgentRunRequest, Error> {
    let (value, shown) = crate::input::read_json("--body", source)?;
    let operation = <agentrun::builder::builder::RunAgent<'_> as Request>::OPERATION;
    if let Some(schema) = agentrun::schema::request(agentrun::Provider::Builder, operation.id) {
        let what = format!("{} {shown}", operation.label);
        crate::validate::check(&schema, &value, &what, |_| None)?;
    }
    serde_json::from_value(value).map_err(|e| Error::Invalid {
        message: format!("{shown} is not a run's body ({e})"),
    })
}

/// Starts the run (`dry_run`: describes it instead) and shows where it works.
async fn start(auth: &BuilderAuth, args: RunArgs, out: Output, dry_run: bool) -> Result<(), Error> {
    if let Some(source) = &args.body {
        let request = body(source)?;
        let started = connect(auth)?.with_dry_run(dry_run).start(request).await?;
        return show(started, out);
    }
    // Check everything local before the first request: a bad attachment loses no run.
    let prompt = prompt(&args)?;
    let limits = AttachmentLimits::default().max_bytes(args.max_attachment_bytes);
    let mut attachments = Vec::with_capacity(args.attach.len() + args.url.len());
    for path in &args.attach {
        attachments.push(Attachment::from_path_with(path, limits)?);
    }
    for url in &args.url {
        attachments.push(Attachment::from_url(url)?);
    }
    let client = connect(auth)?.with_dry_run(dry_run);
    let mut request = client.run(prompt).attach_all(attachments);
    if let Some(project) = args.project {
        request = request.project(project);
    }
    if let Some(branch) = args.branch {
        request = request.branch(branch);
    }
    if let Some(email) = args.user_email {
        request = request.user_email(email);
    }
    if let Some(user_id) = args.user_id {
        request = request.user_id(user_id);
    }
    let started = request.send().await?;
    show(started, out)
}

/// Prints where the run works: the URL on stdout, the rest on stderr (or the answer's JSON, as
/// Builder sent it).
fn show(started: RunStarted, out: Output) -> Result<(), Error> {
    let accepted =
        Received::<b::AgentRunAccepted>::read(started.answer).map_err(|e| Error::Decode {
            operation: None,
            message: format!("the answer is not what the spec documents ({e})"),
        })?;
    // As text, the URL alone on stdout, so `url=$(agentrun builder run ...)` works; the rest is
    // for the log. Every string in it is the API's, made safe for a terminal.
    out.show(&accepted, |started| {
        let branch = started.branch_name.as_deref().unwrap_or("a new branch");
        eprintln!(
            "Builder's agent is working on {branch} in project {} ({}).",
            started.project_id, started.status
        );
        started.url.clone()
    })?;
    Ok(())
}

/// How to reach Builder.
#[derive(Args, Debug, Clone)]
pub(crate) struct BuilderAuth {
    /// The Space's public API key [default: $BUILDER_PUBLIC_KEY].
    #[arg(long, global = true, value_name = "KEY", help_heading = "Connection")]
    pub(crate) public_key: Option<String>,
    /// The Space's private API key, bpk-... [default: $BUILDER_PRIVATE_KEY].
    #[arg(long, global = true, value_name = "KEY", help_heading = "Connection")]
    pub(crate) private_key: Option<String>,
    /// The API's base URL [default: $BUILDER_BASE_URL, else https://api.builder.io].
    #[arg(long, global = true, value_name = "URL", help_heading = "Connection")]
    pub(crate) base_url: Option<String>,
    /// Give up on one request (each attempt) after this long; a wait's --timeout still bounds
    /// the whole wait [default: 60s].
    #[arg(long, global = true, value_name = "DURATION", value_parser = positive_duration, help_heading = "Connection")]
    pub(crate) request_timeout: Option<Duration>,
}

/// `agentrun builder run`
#[derive(Args, Debug)]
#[command(group(ArgGroup::new("prompt-source").required(true).args(["prompt", "prompt_file", "body"])))]
#[command(group(ArgGroup::new("user").required(true).args(["user_email", "user_id", "body"])))]
pub(crate) struct RunArgs {
    /// What the agent should build.
    #[arg(long, value_name = "TEXT")]
    pub(crate) prompt: Option<String>,
    /// Read the prompt from a file (`-` for stdin).
    #[arg(long, value_name = "PATH")]
    pub(crate) prompt_file: Option<PathBuf>,
    /// Attach a file: PNG, JPEG, WebP, GIF, PDF, JSON or plain text (repeatable).
    #[arg(long, value_name = "PATH")]
    pub(crate) attach: Vec<PathBuf>,
    /// Attach a web page the agent reads (repeatable).
    #[arg(long, value_name = "URL")]
    pub(crate) url: Vec<String>,
    /// Run in an existing project (otherwise Builder creates one).
    #[arg(long, visible_alias = "project-id", value_name = "ID")]
    pub(crate) project: Option<String>,
    /// Name the new branch.
    #[arg(long, visible_alias = "branch-name", value_name = "NAME")]
    pub(crate) branch: Option<String>,
    /// The Builder user the agent acts for, by email.
    #[arg(long, value_name = "EMAIL")]
    pub(crate) user_email: Option<String>,
    /// The Builder user the agent acts for, by ID.
    #[arg(long, value_name = "ID")]
    pub(crate) user_id: Option<String>,
    /// The largest attachment accepted, in bytes.
    #[arg(long, value_name = "BYTES", default_value_t = 16 * 1024 * 1024)]
    pub(crate) max_attachment_bytes: u64,
    /// The whole request body as JSON instead of the flags above: @FILE, - for stdin, or inline;
    /// checked against the schema (`agentrun schema builder runAgent`) before anything is sent.
    #[arg(
        long,
        value_name = "@FILE|-|JSON",
        conflicts_with_all = ["attach", "url", "project", "branch"]
    )]
    pub(crate) body: Option<String>,
}
