//! `agentrun buildprint ...`: each command is one API call (or a wait), printed as JSON or text.

use std::future::Future;
use std::path::Path;

use agentrun::auth::BUILDPRINT_BASE_URL;
use agentrun::buildprint::builder as op;
use agentrun::buildprint::types as bp;
use agentrun::runtime::{Operation, Request, one_line};
use agentrun::{
    BuildprintClient, BuildprintCredentials, ClientConfig, Error, OperationInput, Provider,
    WaitOptions,
};
use clap::ArgMatches;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::cli::{
    Agents, Automations, BuildprintAuth, BuildprintCommand, ModelChoice, Openapi, Resource,
    Reviews, StartWait, StepsFlag, TestGroupRuns, TestGroups, TestRuns, TestUsers, Tests, Versions,
    WaitFlags,
};
use crate::output::{fields, json, maybe_when, neutralized, print, short, table, when};
use crate::progress::{Display, Reporter};
use crate::spec_commands;

/// How a command ended, for the exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// Done; a followed run completed or passed.
    Done,
    /// A followed run ended in error, failed or was canceled.
    RunFailed,
}

/// Runs `agentrun buildprint ...`; `matches` are the `buildprint` command's, whose action's
/// flags make the request (see [`spec_commands::input`]).
pub(crate) async fn run(
    command: BuildprintCommand,
    matches: &ArgMatches,
    as_json: bool,
) -> Result<Outcome, Error> {
    let client = connect(&command.auth)?;
    let out = Out { json: as_json };
    let empty = ArgMatches::default();
    let m = matches
        .subcommand()
        .and_then(|(_, resource)| resource.subcommand())
        .map_or(&empty, |(_, action)| action);
    match command.resource {
        Resource::Agents(action) => agents(&client, action, m, out).await,
        Resource::Reviews(action) => reviews(&client, action, m, out).await,
        Resource::Automations(action) => automations(&client, action, m, out).await,
        Resource::Tests(action) => tests(&client, action, m, out).await,
        Resource::TestGroups(action) => test_groups(&client, action, m, out).await,
        Resource::TestUsers(action) => test_users(&client, action, m, out).await,
        Resource::TestRuns(action) => test_runs(&client, action, m, out).await,
        Resource::TestGroupRuns(action) => test_group_runs(&client, action, m, out).await,
        Resource::Versions(action) => versions(&client, action, m, out).await,
        Resource::Openapi(Openapi::Get) => {
            let document = send_flags::<op::GetOpenApiDocument<'_>>(&client, m, Map::new()).await?;
            // A document is JSON for people too.
            out.show(&document, json);
            Ok(Outcome::Done)
        }
    }
}

/// Sends the operation of the builder `R` with the request the flags in `m` make (`overrides`
/// replacing body fields the command worked out itself), and reads the answer as `R`'s
/// success type.
async fn send_flags<R>(
    client: &BuildprintClient,
    m: &ArgMatches,
    overrides: Map<String, Value>,
) -> Result<R::Output, Error>
where
    R: Request,
    R::Output: DeserializeOwned,
{
    let input = spec_commands::input(Provider::Buildprint, R::OPERATION, m, overrides)?;
    send_input::<R>(client, &input).await
}

/// Sends the operation of the builder `R` with `input`, and reads the answer as `R`'s success
/// type.
async fn send_input<R>(
    client: &BuildprintClient,
    input: &OperationInput,
) -> Result<R::Output, Error>
where
    R: Request,
    R::Output: DeserializeOwned,
{
    let operation = R::OPERATION;
    let answer = client.send_operation(operation, input).await?;
    serde_json::from_value(answer).map_err(|e| Error::Decode {
        operation: Some(operation.label.to_string()),
        message: format!("the answer is not what the spec documents ({e})"),
    })
}

/// The client, from the flags or else the environment.
pub(crate) fn connect(auth: &BuildprintAuth) -> Result<BuildprintClient, Error> {
    let env = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
    let credentials = match &auth.token {
        Some(token) => {
            let credentials = BuildprintCredentials::new(token.clone())?;
            match auth.base_url.clone().or_else(|| env(BUILDPRINT_BASE_URL)) {
                Some(url) => credentials.with_base_url(&url)?,
                None => credentials,
            }
        }
        None => BuildprintCredentials::from_lookup(|name| {
            if name == BUILDPRINT_BASE_URL {
                auth.base_url.clone().or_else(|| env(name))
            } else {
                env(name)
            }
        })?,
    };
    let mut config = ClientConfig::new();
    if let Some(timeout) = auth.request_timeout {
        config = config.timeout(timeout);
    }
    BuildprintClient::with_config(credentials, config)
}

/// Prints a result as JSON or as text.
#[derive(Clone, Copy)]
struct Out {
    json: bool,
}

impl Out {
    /// `value` as the API's JSON, or as `text` renders it with every API string made safe
    /// for a terminal ([`neutralized`]).
    fn show<T: Serialize + DeserializeOwned>(self, value: &T, text: impl FnOnce(&T) -> String) {
        if self.json {
            print(&json(value));
        } else {
            let safe = neutralized(value);
            print(&text(safe.as_ref().unwrap_or(value)));
        }
    }
}

fn options(flags: &WaitFlags) -> WaitOptions {
    WaitOptions::default()
        .interval(flags.interval)
        .timeout(flags.timeout)
}

/// A model this build knows, or an error listing the ones it does.
fn model(name: &str, choice: &ModelChoice) -> Result<bp::SelectableModel, Error> {
    let model = bp::SelectableModel::from(name);
    if model.is_unknown() {
        let name = name.escape_default();
        if choice.strict_model {
            let known: Vec<&str> = bp::SelectableModel::KNOWN
                .iter()
                .map(|m| m.as_str())
                .collect();
            return Err(Error::Invalid {
                message: format!(
                    "the model `{name}` is not one this build of agentrun knows ({}); drop --strict-model to send it and let Buildprint decide",
                    known.join(", ")
                ),
            });
        }
        // The API decides: the docs list no models, and its 400 names the valid ones.
        eprintln!(
            "warning: the model `{name}` is not one this build of agentrun knows; sending it as given (Buildprint answers 400 with the valid models if it is not one). Pass --strict-model to refuse unknown models."
        );
    }
    Ok(model)
}

/// The steps of `--steps` (JSON, or `@FILE`), checked against the `steps` field of `operation`'s
/// schema before they are read, and then written in both versions of the docs' step fields.
fn read_steps(steps: &str, operation: &Operation) -> Result<Vec<bp::TestStepInput>, Error> {
    let (text, origin) = match steps.strip_prefix('@') {
        Some(path) => (
            crate::input::read_text("--steps", Path::new(path), crate::input::MAX_INPUT_BYTES)?,
            format!("--steps {}", agentrun::runtime::one_line(path)),
        ),
        None => (steps.to_string(), "--steps".to_string()),
    };
    let example = r#"[{"stepType": "test", "instruction": "Open the shop", "onFailure": "stop"}]"#;
    let raw: Value = serde_json::from_str(&text).map_err(|e| Error::Invalid {
        message: format!(
            "{origin} is not JSON (line {}, column {}); write a JSON array of steps like {example}",
            e.line(),
            e.column()
        ),
    })?;
    if let Some(schema) = agentrun::schema::request(agentrun::Provider::Buildprint, operation.id)
        .and_then(|body| crate::validate::property_schema(&body, "steps"))
    {
        let what = format!("{} {origin}", operation.label);
        crate::validate::check(&schema, &raw, &what, |_| None)?;
    }
    let steps: Vec<bp::TestStepInput> =
        serde_json::from_value(raw).map_err(|e| Error::Invalid {
            message: format!(
                "{origin} is not a JSON array of steps ({e}); write it like {example}"
            ),
        })?;
    // Either version of the docs' step fields is accepted; both are sent.
    Ok(steps
        .into_iter()
        .map(agentrun::test_steps::for_either_version)
        .collect())
}

/// An ID the answer should carry but the docs do not promise, or an error saying it is missing.
fn answered_id(id: Option<String>, operation: &Operation, field: &str) -> Result<String, Error> {
    id.filter(|id| !id.is_empty()).ok_or_else(|| Error::Decode {
        operation: Some(operation.label.to_string()),
        message: format!(
            "the answer has no `{field}`, so there is nothing to show or wait for; the request \
             was accepted, so look for the run in Buildprint before retrying"
        ),
    })
}

fn run_outcome(status: &bp::RunStatus) -> Outcome {
    if *status == bp::RunStatus::Completed {
        Outcome::Done
    } else {
        Outcome::RunFailed
    }
}

fn test_outcome(status: &bp::TestRunStatus) -> Outcome {
    if matches!(
        status,
        bp::TestRunStatus::Passed | bp::TestRunStatus::Warning
    ) {
        Outcome::Done
    } else {
        Outcome::RunFailed
    }
}

// --- Agents -----------------------------------------------------------------------------------

async fn agents(
    client: &BuildprintClient,
    action: Agents,
    m: &ArgMatches,
    out: Out,
) -> Result<Outcome, Error> {
    match action {
        Agents::Start {
            model: _,
            models,
            wait,
        } => {
            // The model that is sent: --model, or the one in --body.
            let input = spec_commands::input(
                Provider::Buildprint,
                op::StartAgent::OPERATION,
                m,
                Map::new(),
            )?;
            if let Some(name) = input.get_body().and_then(|b| b["model"].as_str()) {
                model(name, &models)?;
            }
            let started = send_input::<op::StartAgent<'_>>(client, &input).await?;
            let note = format!(
                "Started agent {} on {} ({}).",
                started.agent_id, started.app_id, started.status
            );
            let follow = format!("agents wait --agent-id {}", started.agent_id);
            if announce(out, &wait, &started, &note, &follow) {
                return Ok(Outcome::Done);
            }
            follow_agent(client, &started.agent_id, &wait.flags, out).await
        }
        Agents::Get => {
            let agent = send_flags::<op::GetAgent<'_>>(client, m, Map::new()).await?;
            out.show(&agent, agent_text);
            Ok(Outcome::Done)
        }
        Agents::Message { wait } => {
            let agent_id = spec_commands::value(m, "agentId").unwrap_or_default();
            let accepted = send_flags::<op::SendAgentMessage<'_>>(client, m, Map::new()).await?;
            let note = format!(
                "Queued a follow-up for agent {} ({}).",
                accepted.agent_id, accepted.status
            );
            let follow = format!("agents wait --agent-id {agent_id}");
            if announce(out, &wait, &accepted, &note, &follow) {
                return Ok(Outcome::Done);
            }
            follow_agent(client, &agent_id, &wait.flags, out).await
        }
        Agents::Wait { agent_id, flags } => follow_agent(client, &agent_id, &flags, out).await,
    }
}

/// How a followed run is shown and judged.
struct Shown<T> {
    /// Its status, for the last progress line.
    status: fn(&T) -> String,
    /// It as text.
    text: fn(&T) -> String,
    /// How it ended, for the exit code.
    outcome: fn(&T) -> Outcome,
}

/// What a command that starts a run prints first. Without `--wait`: what started (its JSON, or
/// `note` and the command that follows it), and `true`: the command is done. With `--wait`:
/// `note` (as text only) and `false`.
fn announce<T: Serialize + DeserializeOwned>(
    out: Out,
    wait: &StartWait,
    started: &T,
    note: &str,
    follow: &str,
) -> bool {
    // The note and the command to follow carry the API's IDs: one line each, made safe.
    let (note, follow) = (one_line(note), one_line(follow));
    if wait.wait {
        if !out.json {
            print(&note);
        }
        return false;
    }
    out.show(started, |_| {
        format!("{note}\nFollow it: agentrun buildprint {follow}")
    });
    true
}

/// Follows a run to its end: progress on stderr, then the run as it ended on stdout.
async fn follow<T: Serialize + DeserializeOwned, Fut: Future<Output = Result<T, Error>>>(
    what: String,
    flags: &WaitFlags,
    out: Out,
    shown: Shown<T>,
    wait: impl FnOnce(WaitOptions, Reporter) -> Fut,
) -> Result<Outcome, Error> {
    let display = Display::start(&what);
    let result = wait(options(flags), display.reporter()).await;
    // On an error, the error's line says what happened.
    display.finish(result.as_ref().ok().map(shown.status).as_deref());
    let value = result?;
    out.show(&value, shown.text);
    Ok((shown.outcome)(&value))
}

async fn follow_agent(
    client: &BuildprintClient,
    agent_id: &str,
    flags: &WaitFlags,
    out: Out,
) -> Result<Outcome, Error> {
    let shown = Shown {
        status: |a: &bp::Agent| a.status.to_string(),
        text: agent_text,
        outcome: |a| run_outcome(&a.status),
    };
    follow(
        format!("agent {agent_id}"),
        flags,
        out,
        shown,
        |options, reporter| async move {
            client
                .wait_for_agent(agent_id, &options, |p| reporter.update(p))
                .await
        },
    )
    .await
}

fn agent_text(agent: &bp::Agent) -> String {
    let mut text = fields(&[
        ("agent", agent.agent_id.clone()),
        ("status", agent.status.to_string()),
        ("kind", agent.kind.to_string()),
        ("app", format!("{} ({})", agent.app_id, agent.project_name)),
        ("model", agent.model.to_string()),
        ("permission", agent.permission.to_string()),
        ("created", when(agent.created_at)),
        ("completed", maybe_when(agent.completed_at)),
        ("review", agent.review_id.clone().unwrap_or_default()),
        ("last error", agent.last_error.clone().unwrap_or_default()),
    ]);
    if !agent.history.is_empty() {
        text.push_str(&format!("\nhistory ({} messages):", agent.history.len()));
        for message in &agent.history {
            let content = match (&message.content, &message.tool_name) {
                (Some(content), _) => short(content, 100),
                (None, Some(tool)) => format!("[{tool}]"),
                (None, None) => String::new(),
            };
            text.push_str(&format!(
                "\n  {:>3} {:<9} {content}",
                message.sequence.map(|n| n.to_string()).unwrap_or_default(),
                message.role.as_ref().map_or("", |role| role.as_str())
            ));
        }
    }
    text
}

// --- Code reviews -----------------------------------------------------------------------------

async fn reviews(
    client: &BuildprintClient,
    action: Reviews,
    m: &ArgMatches,
    out: Out,
) -> Result<Outcome, Error> {
    match action {
        Reviews::List => {
            let reviews = send_flags::<op::ListCodeReviews<'_>>(client, m, Map::new()).await?;
            out.show(&reviews, |r| {
                let rows: Vec<Vec<String>> = r
                    .open
                    .iter()
                    .chain(&r.merged)
                    .chain(&r.closed)
                    .map(|review| {
                        vec![
                            review.id.clone().unwrap_or_default(),
                            review.status.to_string(),
                            format!("{} → {}", review.from_version, review.to_version),
                            review
                                .model
                                .as_ref()
                                .map(ToString::to_string)
                                .unwrap_or_default(),
                            maybe_when(review.created_at),
                            review.title.clone().unwrap_or_default(),
                        ]
                    })
                    .collect();
                table(
                    &["ID", "STATUS", "VERSIONS", "MODEL", "CREATED", "TITLE"],
                    &rows,
                )
            });
            Ok(Outcome::Done)
        }
        Reviews::Create {
            model: name,
            models,
            wait,
        } => {
            if let Some(name) = &name {
                model(name, &models)?;
            }
            let created = send_flags::<op::CreateCodeReview<'_>>(client, m, Map::new()).await?;
            let note = format!(
                "Created code review {} (agent {}, {}).",
                created.review_id, created.agent_id, created.status
            );
            let follow = format!("reviews wait --review-id {}", created.review_id);
            if announce(out, &wait, &created, &note, &follow) {
                return Ok(Outcome::Done);
            }
            follow_review(client, &created.review_id, &wait.flags, out).await
        }
        Reviews::Get => {
            let review = send_flags::<op::GetCodeReview<'_>>(client, m, Map::new()).await?;
            out.show(&review, review_text);
            Ok(Outcome::Done)
        }
        Reviews::Wait { review_id, flags } => follow_review(client, &review_id, &flags, out).await,
    }
}

async fn follow_review(
    client: &BuildprintClient,
    review_id: &str,
    flags: &WaitFlags,
    out: Out,
) -> Result<Outcome, Error> {
    let shown = Shown {
        status: |r: &bp::GetCodeReviewResponse| review_status(r),
        text: review_text,
        outcome: |r| match agentrun::review_run_status(r) {
            Some(status) => run_outcome(&status),
            None => Outcome::RunFailed,
        },
    };
    follow(
        format!("code review {review_id}"),
        flags,
        out,
        shown,
        |options, reporter| async move {
            client
                .wait_for_code_review(review_id, &options, |p| reporter.update(p))
                .await
        },
    )
    .await
}

/// The review's run status as text; `running` when the answer does not say.
fn review_status(review: &bp::GetCodeReviewResponse) -> String {
    agentrun::review_run_status(review).map_or_else(|| "running".into(), |s| s.to_string())
}

fn review_text(review: &bp::GetCodeReviewResponse) -> String {
    let meta = &review.review;
    let mut text = fields(&[
        ("review", review.review_id.clone()),
        ("status", meta.status.to_string()),
        (
            "agent",
            match review.agent.as_ref().and_then(|a| a.agent_id.as_deref()) {
                Some(agent) => format!("{agent} ({})", review_status(review)),
                None => review_status(review),
            },
        ),
        (
            "versions",
            format!("{} → {}", meta.from_version, meta.to_version),
        ),
        ("title", meta.title.clone().unwrap_or_default()),
        (
            "model",
            meta.model
                .as_ref()
                .map(ToString::to_string)
                .unwrap_or_default(),
        ),
        ("created", maybe_when(meta.created_at)),
        ("completed", maybe_when(meta.completed_at)),
    ]);
    let findings: Vec<&bp::ReviewElement> = review
        .changes
        .iter()
        .chain(&review.comments)
        .chain(&review.tests)
        .collect();
    if !findings.is_empty() {
        text.push_str("\nfindings:");
        for finding in findings {
            let priority = finding
                .priority
                .as_ref()
                .map(|p| p.to_string())
                .unwrap_or_default();
            text.push_str(&format!(
                "\n  {:<7} {:<6} {}",
                finding.type_.as_str(),
                priority,
                finding.title
            ));
        }
    }
    text
}

// --- Automations ------------------------------------------------------------------------------

async fn automations(
    client: &BuildprintClient,
    action: Automations,
    m: &ArgMatches,
    out: Out,
) -> Result<Outcome, Error> {
    match action {
        Automations::List => {
            let list = send_flags::<op::ListAutomations<'_>>(client, m, Map::new()).await?;
            out.show(&list, |l| {
                let rows: Vec<Vec<String>> = l
                    .automations
                    .iter()
                    .map(|a| {
                        vec![
                            a.id.clone(),
                            a.trigger_kind.to_string(),
                            if a.can_run_manually { "yes" } else { "no" }.into(),
                            maybe_when(a.last_run_at),
                            a.name.clone(),
                        ]
                    })
                    .collect();
                table(&["ID", "TRIGGER", "RUNNABLE", "LAST RUN", "NAME"], &rows)
            });
        }
        Automations::Run => {
            let queued = send_flags::<op::RunAutomation<'_>>(client, m, Map::new()).await?;
            out.show(&queued, |q| {
                format!(
                    "Queued automation {} ({}) at {}.",
                    q.automation_id,
                    q.status,
                    when(q.queued_at)
                )
            });
        }
    }
    Ok(Outcome::Done)
}

// --- Tests, groups, users ---------------------------------------------------------------------

fn test_summary_rows(tests: &[bp::TestSummary]) -> String {
    let rows: Vec<Vec<String>> = tests
        .iter()
        .map(|t| {
            vec![
                t.id.clone(),
                if t.is_component { "component" } else { "test" }.into(),
                t.viewport_preset
                    .as_ref()
                    .map(|v| v.to_string())
                    .unwrap_or_default(),
                when(t.updated_at),
                t.name.clone(),
            ]
        })
        .collect();
    table(&["ID", "KIND", "VIEWPORT", "UPDATED", "NAME"], &rows)
}

fn ok_text(what: &str) -> impl FnOnce(&bp::MutationResult) -> String + '_ {
    move |_| what.to_string()
}

async fn tests(
    client: &BuildprintClient,
    action: Tests,
    m: &ArgMatches,
    out: Out,
) -> Result<Outcome, Error> {
    let test_id = || spec_commands::value(m, "testId").unwrap_or_default();
    match action {
        Tests::List => {
            let list = send_flags::<op::ListTests<'_>>(client, m, Map::new()).await?;
            out.show(&list, |l| test_summary_rows(&l.tests));
        }
        Tests::Create { steps } => {
            let created = send_flags::<op::CreateTest<'_>>(
                client,
                m,
                steps_field(&steps, op::CreateTest::OPERATION)?,
            )
            .await?;
            out.show(&created, |c| format!("Created test {}.", c.test_id));
        }
        Tests::Get => {
            let test = send_flags::<op::GetTest<'_>>(client, m, Map::new()).await?;
            out.show(&test, test_text);
        }
        Tests::Update { steps } => {
            let done = send_flags::<op::UpdateTest<'_>>(
                client,
                m,
                steps_field(&steps, op::UpdateTest::OPERATION)?,
            )
            .await?;
            out.show(&done, ok_text(&format!("Updated test {}.", test_id())));
        }
        Tests::Delete => {
            let done = send_flags::<op::DeleteTest<'_>>(client, m, Map::new()).await?;
            out.show(&done, ok_text(&format!("Archived test {}.", test_id())));
        }
    }
    Ok(Outcome::Done)
}

/// The `steps` body field of `operation` from `--steps` (JSON, or `@FILE`), in both versions of
/// the docs; none without `--steps` (a `--body` then holds the steps).
fn steps_field(flag: &StepsFlag, operation: &Operation) -> Result<Map<String, Value>, Error> {
    let mut field = Map::new();
    let Some(steps) = &flag.steps else {
        return Ok(field);
    };
    let steps = read_steps(steps, operation)?;
    field.insert(
        "steps".into(),
        serde_json::to_value(steps).map_err(|e| Error::Invalid {
            message: format!("--steps: {e}"),
        })?,
    );
    Ok(field)
}

fn test_text(test: &bp::Test) -> String {
    let mut text = fields(&[
        ("test", test.id.clone()),
        ("name", test.name.clone()),
        (
            "kind",
            if test.is_component {
                "component"
            } else {
                "test"
            }
            .into(),
        ),
        ("description", test.description.clone().unwrap_or_default()),
        ("archived", maybe_when(test.archived_at)),
        ("updated", when(test.updated_at)),
    ]);
    text.push_str("\nsteps:");
    for (i, step) in test.steps.iter().enumerate() {
        // Either version of the docs: a component step names its component, any other step
        // its instruction.
        let line = match (&step.component_id, &step.instruction) {
            (Some(component), _) => format!("component {component}"),
            (None, instruction) => {
                let mut line = instruction.clone().unwrap_or_default();
                if let Some(kind) = step.step_type.as_ref().filter(|t| t.as_str() != "test") {
                    line = format!("[{kind}] {line}");
                }
                if let Some(on_failure) = &step.on_failure {
                    line.push_str(&format!(" (on failure: {on_failure})"));
                }
                line
            }
        };
        text.push_str(&format!("\n  {:>2}. {line}", i + 1));
    }
    text
}

async fn test_groups(
    client: &BuildprintClient,
    action: TestGroups,
    m: &ArgMatches,
    out: Out,
) -> Result<Outcome, Error> {
    let group_id = spec_commands::value(m, "groupId").unwrap_or_default();
    match action {
        TestGroups::List => {
            let list = send_flags::<op::ListTestGroups<'_>>(client, m, Map::new()).await?;
            out.show(&list, |l| {
                let rows: Vec<Vec<String>> = l
                    .groups
                    .iter()
                    .map(|g| {
                        vec![
                            g.id.clone().unwrap_or_default(),
                            g.test_count.map(|n| n.to_string()).unwrap_or_default(),
                            maybe_when(g.updated_at),
                            g.name.clone().unwrap_or_default(),
                        ]
                    })
                    .collect();
                table(&["ID", "TESTS", "UPDATED", "NAME"], &rows)
            });
        }
        TestGroups::Create => {
            let created = send_flags::<op::CreateTestGroup<'_>>(client, m, Map::new()).await?;
            out.show(&created, |c| match &c.group_id {
                Some(id) => format!("Created test group {id}."),
                None => "Created a test group (the answer names no ID).".into(),
            });
        }
        TestGroups::Get => {
            let group = send_flags::<op::GetTestGroup<'_>>(client, m, Map::new()).await?;
            out.show(&group, |g| {
                let mut text = fields(&[
                    ("group", g.id.clone()),
                    ("name", g.name.clone()),
                    ("description", g.description.clone().unwrap_or_default()),
                    ("archived", maybe_when(g.archived_at)),
                ]);
                text.push_str(&format!("\nmembers ({}):", g.members.len()));
                for member in &g.members {
                    text.push_str(&format!("\n  {}  {}", member.test_id, member.name));
                }
                text
            });
        }
        TestGroups::Update => {
            let done = send_flags::<op::UpdateTestGroup<'_>>(client, m, Map::new()).await?;
            out.show(&done, ok_text(&format!("Updated test group {group_id}.")));
        }
        TestGroups::Delete => {
            let done = send_flags::<op::DeleteTestGroup<'_>>(client, m, Map::new()).await?;
            out.show(&done, ok_text(&format!("Archived test group {group_id}.")));
        }
    }
    Ok(Outcome::Done)
}

fn user_text(user: &bp::TestUser) -> String {
    fields(&[
        ("test user", user.id.clone()),
        ("name", user.name.clone()),
        ("email", user.email.clone().unwrap_or_default()),
        ("database", user.database.to_string()),
        (
            "disabled",
            if user.is_disabled { "yes" } else { "no" }.into(),
        ),
        ("created", when(user.created_at)),
    ])
}

async fn test_users(
    client: &BuildprintClient,
    action: TestUsers,
    m: &ArgMatches,
    out: Out,
) -> Result<Outcome, Error> {
    let test_user_id = spec_commands::value(m, "testUserId").unwrap_or_default();
    match action {
        TestUsers::List => {
            let list = send_flags::<op::ListTestUsers<'_>>(client, m, Map::new()).await?;
            out.show(&list, |l| {
                let rows: Vec<Vec<String>> = l
                    .test_users
                    .iter()
                    .map(|u| {
                        vec![
                            u.id.clone(),
                            u.database.to_string(),
                            if u.is_disabled { "yes" } else { "no" }.into(),
                            u.email.clone().unwrap_or_default(),
                            u.name.clone(),
                        ]
                    })
                    .collect();
                table(&["ID", "DATABASE", "DISABLED", "EMAIL", "NAME"], &rows)
            });
        }
        TestUsers::Create => {
            let created = send_flags::<op::CreateTestUser<'_>>(client, m, Map::new()).await?;
            out.show(&created, |c| {
                format!("Created test user {}.", c.test_user_id)
            });
        }
        TestUsers::Get => {
            let user = send_flags::<op::GetTestUser<'_>>(client, m, Map::new()).await?;
            out.show(&user, user_text);
        }
        TestUsers::Update => {
            let done = send_flags::<op::UpdateTestUser<'_>>(client, m, Map::new()).await?;
            out.show(
                &done,
                ok_text(&format!("Updated test user {test_user_id}.")),
            );
        }
        TestUsers::Delete => {
            let done = send_flags::<op::DeleteTestUser<'_>>(client, m, Map::new()).await?;
            out.show(
                &done,
                ok_text(&format!("Deleted test user {test_user_id}.")),
            );
        }
    }
    Ok(Outcome::Done)
}

// --- Runs -------------------------------------------------------------------------------------

async fn test_runs(
    client: &BuildprintClient,
    action: TestRuns,
    m: &ArgMatches,
    out: Out,
) -> Result<Outcome, Error> {
    let (run_id, wait) = match action {
        TestRuns::Start { wait } => {
            let started = send_flags::<op::StartTestRun<'_>>(client, m, Map::new()).await?;
            let note = format!("Started test run {}.", started.run_id);
            let follow = format!("test-runs wait --run-id {}", started.run_id);
            if announce(out, &wait, &started, &note, &follow) {
                return Ok(Outcome::Done);
            }
            (started.run_id, wait.flags)
        }
        TestRuns::Get => {
            let run = send_flags::<op::GetTestRun<'_>>(client, m, Map::new()).await?;
            out.show(&run, test_run_text);
            return Ok(Outcome::Done);
        }
        TestRuns::Wait { run_id, flags } => (run_id, flags),
    };
    let shown = Shown {
        status: |r: &bp::GetTestRunResponse| r.run.status.to_string(),
        text: test_run_text,
        outcome: |r| test_outcome(&r.run.status),
    };
    follow(
        format!("test run {run_id}"),
        &wait,
        out,
        shown,
        |options, reporter| async move {
            client
                .wait_for_test_run(&run_id, &options, |p| reporter.update(p))
                .await
        },
    )
    .await
}

fn test_run_text(run: &bp::GetTestRunResponse) -> String {
    let r = &run.run;
    let mut text = fields(&[
        ("test run", r.id.clone()),
        ("status", r.status.to_string()),
        (
            "test",
            match &r.test_name {
                Some(name) => format!("{name} ({})", r.test_id),
                None => r.test_id.clone(),
            },
        ),
        (
            "branch",
            format!("{} ({})", r.branch_display, r.environment),
        ),
        ("started", maybe_when(r.started_at)),
        ("completed", maybe_when(r.completed_at)),
        ("summary", r.summary.clone().unwrap_or_default()),
    ]);
    let rows: Vec<Vec<String>> = run
        .steps
        .iter()
        .enumerate()
        .map(|(i, s)| {
            vec![
                (i + 1).to_string(),
                s.status.to_string(),
                short(&s.instruction, 80),
            ]
        })
        .collect();
    text.push('\n');
    text.push_str(&table(&["#", "STATUS", "STEP"], &rows));
    text
}

async fn test_group_runs(
    client: &BuildprintClient,
    action: TestGroupRuns,
    m: &ArgMatches,
    out: Out,
) -> Result<Outcome, Error> {
    let (group_run_id, wait) = match action {
        TestGroupRuns::Start { wait } => {
            let started = send_flags::<op::StartTestGroupRun<'_>>(client, m, Map::new()).await?;
            let operation = <op::StartTestGroupRun<'_> as Request>::OPERATION;
            let group_run_id = answered_id(started.group_run_id.clone(), operation, "groupRunId")?;
            let note = format!("Started test group run {group_run_id}.");
            let follow = format!("test-group-runs wait --group-run-id {group_run_id}");
            if announce(out, &wait, &started, &note, &follow) {
                return Ok(Outcome::Done);
            }
            (group_run_id, wait.flags)
        }
        TestGroupRuns::Get => {
            let run = send_flags::<op::GetTestGroupRun<'_>>(client, m, Map::new()).await?;
            out.show(&run, group_run_text);
            return Ok(Outcome::Done);
        }
        TestGroupRuns::Wait {
            group_run_id,
            flags,
        } => (group_run_id, flags),
    };
    let shown = Shown {
        status: |r: &bp::GetTestGroupRunResponse| r.run.status.to_string(),
        text: group_run_text,
        outcome: |r| test_outcome(&r.run.status),
    };
    follow(
        format!("test group run {group_run_id}"),
        &wait,
        out,
        shown,
        |options, reporter| async move {
            client
                .wait_for_test_group_run(&group_run_id, &options, |p| reporter.update(p))
                .await
        },
    )
    .await
}

fn group_run_text(run: &bp::GetTestGroupRunResponse) -> String {
    let r = &run.run;
    let mut text = fields(&[
        ("test group run", r.id.clone()),
        ("status", r.status.to_string()),
        ("group", format!("{} ({})", r.group_name, r.group_id)),
        (
            "branch",
            format!(
                "{} ({})",
                r.branch_display.clone().unwrap_or_default(),
                r.environment
            ),
        ),
        ("started", maybe_when(r.started_at)),
        ("completed", maybe_when(r.completed_at)),
    ]);
    let rows: Vec<Vec<String>> = run
        .child_runs
        .iter()
        .map(|c| vec![c.id.clone(), c.status.to_string(), c.test_name.clone()])
        .collect();
    text.push('\n');
    text.push_str(&table(&["RUN", "STATUS", "TEST"], &rows));
    text
}

// --- Versions ---------------------------------------------------------------------------------

fn sync_text(sync: &bp::SyncStatus) -> String {
    fields(&[
        ("version", sync.version_id.clone()),
        ("branch", sync.version.clone()),
        ("status", format!("{} ({})", sync.status, sync.stage)),
        ("message", sync.message.clone()),
        ("error", sync.error.clone().unwrap_or_default()),
    ])
}

async fn versions(
    client: &BuildprintClient,
    action: Versions,
    m: &ArgMatches,
    out: Out,
) -> Result<Outcome, Error> {
    let (app_id, version_id, wait) = match action {
        Versions::List => {
            let list = send_flags::<op::ListVersions<'_>>(client, m, Map::new()).await?;
            out.show(&list, |l| {
                let rows: Vec<Vec<String>> = l
                    .versions
                    .iter()
                    .map(|v| {
                        vec![
                            v.version_id.clone(),
                            v.stage.to_string(),
                            v.sync_source.to_string(),
                            maybe_when(v.synced_at_ms),
                            v.last_change.to_string(),
                        ]
                    })
                    .collect();
                let mut text = table(&["VERSION", "STAGE", "SOURCE", "SYNCED", "CHANGE"], &rows);
                if let Some(cursor) = &l.next_cursor {
                    text.push_str(&format!("\nmore: --cursor {cursor}"));
                }
                text
            });
            return Ok(Outcome::Done);
        }
        Versions::Status => {
            let sync = send_flags::<op::GetSyncStatus<'_>>(client, m, Map::new()).await?;
            out.show(&sync, sync_text);
            return Ok(Outcome::Done);
        }
        Versions::Sync { wait } => {
            let app_id = spec_commands::value(m, "appId").unwrap_or_default();
            let sync = send_flags::<op::SyncVersion<'_>>(client, m, Map::new()).await?;
            if !wait.wait || sync.status != bp::SyncStatusStatus::InProgress {
                out.show(&sync, |s| {
                    let mut text = sync_text(s);
                    if s.status == bp::SyncStatusStatus::InProgress {
                        text.push_str(&format!(
                            "\nFollow it: agentrun buildprint versions wait --app-id {app_id} --version-id {}",
                            s.version_id
                        ));
                    }
                    text
                });
                return Ok(sync_outcome(&sync.status));
            }
            if !out.json {
                print(&one_line(&format!(
                    "Syncing version {} of {}.",
                    sync.version_id, sync.version
                )));
            }
            (app_id, sync.version_id, wait.flags)
        }
        Versions::Wait {
            app_id,
            version_id,
            flags,
        } => (app_id, version_id, flags),
    };
    let shown = Shown {
        status: |s: &bp::SyncStatus| s.status.to_string(),
        text: sync_text,
        outcome: |s| sync_outcome(&s.status),
    };
    follow(
        format!("version sync {version_id}"),
        &wait,
        out,
        shown,
        |options, reporter| async move {
            client
                .wait_for_version_sync(&app_id, &version_id, &options, |p| reporter.update(p))
                .await
        },
    )
    .await
}

fn sync_outcome(status: &bp::SyncStatusStatus) -> Outcome {
    if *status == bp::SyncStatusStatus::Failed {
        Outcome::RunFailed
    } else {
        Outcome::Done
    }
}
