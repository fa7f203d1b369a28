//! `agentrun builder run`: start Builder's agent on a prompt and print where it works.

use agentrun::auth::{BUILDER_BASE_URL, BUILDER_PRIVATE_KEY, BUILDER_PUBLIC_KEY};
use agentrun::builder::types as b;
use agentrun::runtime::Request;
use agentrun::{
    Attachment, AttachmentLimits, BuilderClient, BuilderCredentials, ClientConfig, Error,
    RunStarted,
};

use crate::cli::{BuilderAction, BuilderAuth, BuilderCommand, RunArgs};
use crate::output::{json, print};

/// Runs `agentrun builder ...`.
pub(crate) async fn run(command: BuilderCommand, as_json: bool) -> Result<(), Error> {
    match command.action {
        BuilderAction::Run(args) => start(&command.auth, args, as_json).await,
    }
}

/// The client, from the flags or else the environment.
fn connect(auth: &BuilderAuth) -> Result<BuilderClient, Error> {
    let env = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
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

async fn start(auth: &BuilderAuth, args: RunArgs, as_json: bool) -> Result<(), Error> {
    if let Some(source) = &args.body {
        let request = body(source)?;
        let started = connect(auth)?.start(request).await?;
        return show(started, as_json);
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
    let client = connect(auth)?;
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
    show(started, as_json)
}

/// Prints where the run works: the URL on stdout, the rest on stderr (or the answer's JSON).
fn show(started: RunStarted, as_json: bool) -> Result<(), Error> {
    let accepted = b::AgentRunAccepted {
        url: started.url,
        branch_name: started.branch_name,
        project_id: started.project_id,
        status: started.status,
    };
    if as_json {
        print(&json(&accepted));
    } else {
        // The URL alone on stdout, so `url=$(agentrun builder run ...)` works; the rest is for
        // the log. Every string in it is the API's, made safe for a terminal.
        let started = crate::output::neutralized(&accepted).unwrap_or(accepted);
        let branch = started.branch_name.as_deref().unwrap_or("a new branch");
        eprintln!(
            "Builder's agent is working on {branch} in project {} ({}).",
            started.project_id, started.status
        );
        print(&started.url);
    }
    Ok(())
}
