//! `agentrun buildprint ...`: what Buildprint's hand-written commands add to the ones its
//! operation table gives ([`EXTENSION`]): resources named for people, text renderers, waits
//! that follow a run to its end, `--steps @FILE`, models checked against the known ones.
//! Each command is one API call (or a wait), printed through the one [`Output`].

mod agents;
pub(crate) mod flags;
mod library;
mod reviews;
mod runs;
mod versions;

use std::future::Future;
use std::path::Path;

use agentrun::auth::BUILDPRINT_BASE_URL;
use agentrun::buildprint::types as bp;
use agentrun::runtime::{Operation, Request, one_line};
use agentrun::{
    BuildprintClient, BuildprintCredentials, ClientConfig, Error, OperationInput, Provider,
    ProviderClient, WaitOptions,
};
use clap::{ArgMatches, Args, FromArgMatches};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use self::flags::{BuildprintAuth, ModelChoice, StartWait, StepsFlag, WaitFlags};
use crate::commands::updates::CurrentField;
use crate::commands::{Extension, Invocation, Outcome, ProviderExtension, runner};
use crate::output::{Output, Received};
use crate::progress::{Display, Reporter};

/// A command that sends `operation`, with its table's flags and these added.
const fn sends(
    operation: &'static str,
    resource: &'static str,
    action: &'static str,
    about: &'static str,
    extend: fn(clap::Command) -> clap::Command,
    run: crate::commands::Runner,
) -> Extension {
    Extension {
        operation: Some(operation),
        resource,
        action,
        about,
        example: "",
        table_flags: true,
        extend,
        run,
    }
}

/// A wait: a command of its own, which polls until a run ends.
const fn waits(
    resource: &'static str,
    about: &'static str,
    extend: fn(clap::Command) -> clap::Command,
    run: crate::commands::Runner,
) -> Extension {
    Extension {
        operation: None,
        resource,
        action: "wait",
        about,
        example: "",
        table_flags: false,
        extend,
        run,
    }
}

/// Nothing added.
fn same(command: clap::Command) -> clap::Command {
    command
}

/// Buildprint's hand-written commands, and how to reach it.
#[rustfmt::skip]
pub(crate) static EXTENSION: ProviderExtension = ProviderExtension {
    about: "Buildprint's public REST API: agents, code reviews, automations, tests, runs, versions",
    connection: BuildprintAuth::augment_args,
    client: Some(generic_client),
    resources: &[
        (
            "agents",
            "Agents: start one on an app, read it, send it a follow-up, wait for it",
        ),
        ("reviews", "Code reviews between two versions of an app"),
        ("automations", "Automations of an app"),
        ("tests", "Tests and components of an app"),
        ("test-groups", "Test groups of an app"),
        ("test-users", "Test users of an app"),
        ("test-runs", "Runs of one test"),
        ("test-group-runs", "Runs of a test group"),
        ("versions", "Synced versions of an app's branches"),
        ("openapi", "The API's own OpenAPI document"),
    ],
    // A branch is `version` in the versions endpoints and `branchId` in the runs'.
    flag_names: &[("version", "branch-id")],
    commands: &[
        sends("startAgent", "agents", "start", "Start an agent run on an app", flags::StartAgentFlags::augment_args, runner!(agents::start)),
        sends("getAgent", "agents", "get", "Get an agent's status and recent history", same, runner!(agents::get)),
        sends("sendAgentMessage", "agents", "message", "Send a follow-up message to an agent", StartWait::augment_args, runner!(agents::message)),
        waits("agents", "Wait until an agent is completed (exit 0) or in error (exit 1)", flags::AgentWait::augment_args, runner!(agents::wait)),
        sends("listCodeReviews", "reviews", "list", "List an app's code reviews by status", same, runner!(reviews::list)),
        sends("createCodeReview", "reviews", "create", "Create a code review between two versions", flags::CreateReviewFlags::augment_args, runner!(reviews::create)),
        sends("getCodeReview", "reviews", "get", "Get a code review, its findings and its agent", same, runner!(reviews::get)),
        waits("reviews", "Wait until a review's agent is completed (exit 0) or in error (exit 1)", flags::ReviewWait::augment_args, runner!(reviews::wait)),
        sends("listAutomations", "automations", "list", "List an app's automations", same, runner!(library::list_automations)),
        sends("runAutomation", "automations", "run", "Queue a run of a Manual / API automation", same, runner!(library::run_automation)),
        sends("listTests", "tests", "list", "List an app's active tests and components", same, runner!(library::list_tests)),
        sends("createTest", "tests", "create", "Create a test or component", flags::StepsFlag::augment_args, runner!(library::create_test)),
        sends("getTest", "tests", "get", "Get a test or component", same, runner!(library::get_test)),
        sends("updateTest", "tests", "update", "Change a test's definition", flags::StepsFlag::augment_args, runner!(library::update_test)),
        sends("deleteTest", "tests", "delete", "Archive a test or component", same, runner!(library::delete_test)),
        sends("listTestGroups", "test-groups", "list", "List an app's test groups", same, runner!(library::list_groups)),
        sends("createTestGroup", "test-groups", "create", "Create a test group", same, runner!(library::create_group)),
        sends("getTestGroup", "test-groups", "get", "Get a test group and its members", same, runner!(library::get_group)),
        sends("updateTestGroup", "test-groups", "update", "Change a test group", same, runner!(library::update_group)),
        sends("deleteTestGroup", "test-groups", "delete", "Archive a test group", same, runner!(library::delete_group)),
        sends("listTestUsers", "test-users", "list", "List an app's test users", same, runner!(library::list_users)),
        sends("createTestUser", "test-users", "create", "Create a test user", same, runner!(library::create_user)),
        sends("getTestUser", "test-users", "get", "Get a test user", same, runner!(library::get_user)),
        sends("updateTestUser", "test-users", "update", "Change a test user", same, runner!(library::update_user)),
        sends("deleteTestUser", "test-users", "delete", "Delete a test user", same, runner!(library::delete_user)),
        sends("startTestRun", "test-runs", "start", "Start a run of a test on a branch", StartWait::augment_args, runner!(runs::start_test_run)),
        sends("getTestRun", "test-runs", "get", "Get a test run and its steps", same, runner!(runs::get_test_run)),
        waits("test-runs", "Wait until a test run passed (exit 0) or failed (exit 1)", flags::TestRunWait::augment_args, runner!(runs::wait_test_run)),
        sends("startTestGroupRun", "test-group-runs", "start", "Start a run of every test of a group on a branch", StartWait::augment_args, runner!(runs::start_group_run)),
        sends("getTestGroupRun", "test-group-runs", "get", "Get a test group run and its test runs", same, runner!(runs::get_group_run)),
        waits("test-group-runs", "Wait until a test group run passed (exit 0) or failed (exit 1)", flags::GroupRunWait::augment_args, runner!(runs::wait_group_run)),
        sends("listVersions", "versions", "list", "List a branch's synced versions, newest first", same, runner!(versions::list)),
        sends("getSyncStatus", "versions", "status", "Get a version sync's status", same, runner!(versions::status)),
        sends("syncVersion", "versions", "sync", "Sync a branch", StartWait::augment_args, runner!(versions::sync)),
        waits("versions", "Wait until a version sync completed (exit 0) or failed (exit 1)", flags::VersionWait::augment_args, runner!(versions::wait)),
        sends("getOpenApiDocument", "openapi", "get", "Print the OpenAPI document the API serves", same, runner!(get_openapi_document)),
    ],
    // A group's tests are its members in the answer, `testIds` in the update.
    current_fields: &[CurrentField { operation: "updateTestGroup", field: "testIds", from: "/members/*/testId" }],
};

/// The client of a hand-written command, from its connection flags or else the environment.
fn client(invocation: &Invocation<'_>) -> Result<BuildprintClient, Error> {
    Ok(connect(&parsed::<BuildprintAuth>(invocation.connection)?)?
        .with_max_answer_bytes(invocation.max_answer_bytes)
        .with_dry_run(invocation.dry_run))
}

/// A group of flags read from `matches`.
fn parsed<T: FromArgMatches>(matches: &ArgMatches) -> Result<T, Error> {
    T::from_arg_matches(matches).map_err(|e| Error::Invalid {
        message: one_line(&e.to_string()),
    })
}

/// The generic client of a command built from the table: Buildprint's credentials check the
/// token's form first.
fn generic_client(connection: &ArgMatches) -> Result<ProviderClient, Error> {
    Ok(connect(&parsed::<BuildprintAuth>(connection)?)?
        .generic()
        .clone())
}

/// `openapi get`: a document is JSON for people too.
async fn get_openapi_document(invocation: Invocation<'_>) -> Result<Outcome, Error> {
    use agentrun::buildprint::builder as op;
    shown::<op::GetOpenApiDocument<'_>>(&invocation, crate::output::json).await
}

/// A command that sends the operation of the builder `R` with its flags and shows the answer
/// as `text` renders it. An answer its type cannot read is an error as text; with `--json` it
/// is printed as received, with a warning, since printing it needs no type.
async fn shown<R>(
    invocation: &Invocation<'_>,
    text: impl FnOnce(&R::Output) -> String,
) -> Result<Outcome, Error>
where
    R: Request,
    R::Output: Serialize + DeserializeOwned,
{
    let client = client(invocation)?;
    let input = crate::commands::updates::input(
        client.generic(),
        Provider::Buildprint,
        R::OPERATION,
        invocation.flags,
        Map::new(),
    )
    .await?;
    let raw = client.send_operation(R::OPERATION, &input).await?;
    let out = invocation.output;
    match Received::<R::Output>::read(raw.clone()) {
        Ok(answer) => out.show(&answer, |answer| text(answer))?,
        Err(error) if out.structured() => {
            eprintln!(
                "warning: {}: printed as received",
                undocumented_answer(R::OPERATION, &error)
            );
            out.unrendered(&raw)?;
        }
        Err(error) => return Err(undocumented_answer(R::OPERATION, &error)),
    }
    Ok(Outcome::Done)
}

/// Sends the operation of the builder `R` with the request the flags in `m` make (`overrides`
/// replacing body fields the command worked out itself), and reads the answer as `R`'s
/// success type.
async fn send_flags<R>(
    client: &BuildprintClient,
    m: &ArgMatches,
    overrides: Map<String, Value>,
) -> Result<Received<R::Output>, Error>
where
    R: Request,
    R::Output: DeserializeOwned,
{
    let input = crate::commands::updates::input(
        client.generic(),
        Provider::Buildprint,
        R::OPERATION,
        m,
        overrides,
    )
    .await?;
    send_input::<R>(client, &input).await
}

/// Sends the operation of the builder `R` with `input`, and reads the answer as `R`'s success
/// type, keeping what was received for `--json`.
async fn send_input<R>(
    client: &BuildprintClient,
    input: &OperationInput,
) -> Result<Received<R::Output>, Error>
where
    R: Request,
    R::Output: DeserializeOwned,
{
    let operation = R::OPERATION;
    let answer = client.send_operation(operation, input).await?;
    Received::read(answer).map_err(|e| undocumented_answer(operation, &e))
}

/// An answer its documented type cannot read.
fn undocumented_answer(operation: &Operation, error: &serde_json::Error) -> Error {
    Error::Decode {
        operation: Some(operation.label.to_string()),
        message: format!("the answer is not what the spec documents ({error})"),
    }
}

/// The client, from the flags or else the environment.
pub(crate) fn connect(auth: &BuildprintAuth) -> Result<BuildprintClient, Error> {
    let env = crate::settings::var;
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
    out: Output,
    wait: &StartWait,
    started: &T,
    note: &str,
    follow: &str,
) -> Result<bool, Error> {
    // The note and the command to follow carry the API's IDs: one line each, made safe.
    let (note, follow) = (one_line(note), one_line(follow));
    if wait.wait {
        out.note(&note);
        return Ok(false);
    }
    out.show(started, |_| {
        format!("{note}\nFollow it: agentrun buildprint {follow}")
    })?;
    Ok(true)
}

/// Follows a run to its end: progress on stderr, then the run as it ended on stdout.
/// `--json` prints the last answer as the API sent it.
async fn follow<T, Fut>(
    what: String,
    flags: &WaitFlags,
    out: Output,
    shown: Shown<T>,
    wait: impl FnOnce(WaitOptions, Reporter) -> Fut,
) -> Result<Outcome, Error>
where
    T: Serialize + DeserializeOwned,
    Fut: Future<Output = Result<Received<T>, Error>>,
{
    let display = Display::start(&what);
    let result = wait(options(flags), display.reporter()).await;
    // On an error, the error's line says what happened.
    display.finish(
        result
            .as_ref()
            .ok()
            .map(|run| (shown.status)(run))
            .as_deref(),
    );
    let run = result?;
    out.show(&run, |run| (shown.text)(run))?;
    Ok((shown.outcome)(&run))
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
