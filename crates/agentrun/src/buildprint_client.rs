//! The Buildprint client: the generated API, and waits that follow runs to their end.

use std::sync::Arc;

use agentrun_buildprint::builder as op;
use agentrun_buildprint::types as bp;
use agentrun_runtime::progenitor_client::ClientInfo as _;
use agentrun_runtime::{ClientConfig, Operation, Request};
use tokio::sync::Semaphore;

use crate::auth::BuildprintCredentials;
use crate::error::{ApiError, Error, ErrorBody, Provider, convert, convert_ready};
use crate::operation_input::OperationInput;
use crate::provider_client::ProviderClient;
use crate::received::Received;
use crate::wait::{Progress, WaitOptions, until_finished};
use serde::de::DeserializeOwned;

/// How many polls all the waits of one client have in flight at most.
const CONCURRENT_POLLS: usize = 16;

/// A Buildprint client: the generated API ([`BuildprintClient::api`]) plus waits that follow an
/// agent, code review, test run, test group run or version sync to its end. A wait returns the
/// run as it ended as a [`Received`]: the typed value, and the JSON the API sent, fields this
/// client does not know included. It is cheap to
/// clone, and every clone (and every wait) shares one connection pool.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use std::time::Duration;
/// use agentrun::{BuildprintClient, BuildprintCredentials, WaitOptions};
/// use agentrun::buildprint::types::{RunStatus, SelectableModel, StartAgentBody};
///
/// // A local emulator of the API; with a real workspace, use `BuildprintClient::from_env()`.
/// let emulator = agentrun_emulator::Emulator::start_local(Default::default()).await?;
/// let credentials = BuildprintCredentials::new("bp_emulator")?.with_base_url(&emulator.buildprint_url())?;
/// let buildprint = BuildprintClient::new(credentials)?;
///
/// let started = buildprint
///     .api()
///     .start_agent()
///     .body(StartAgentBody::builder()
///         .app_id("demo-app")
///         .prompt("Why does checkout fail for guests?")
///         .model(SelectableModel::BuildprintGpt56Sol))
///     .send()
///     .await
///     .map_err(agentrun::Error::from)?;
/// let options = WaitOptions::default().interval(Duration::from_millis(5));
/// let agent = buildprint
///     .wait_for_agent(&started.agent_id, &options, |progress| {
///         if progress.changed {
///             println!("{} is {} after {:?}", progress.what, progress.status, progress.elapsed);
///         }
///     })
///     .await?;
/// assert_eq!(agent.status, RunStatus::Completed);
/// # Ok(()) }
/// ```
#[derive(Clone, Debug)]
pub struct BuildprintClient {
    api: agentrun_buildprint::Client,
    /// The generic path every provider has, over the same connection pool.
    generic: ProviderClient,
    credentials: BuildprintCredentials,
    polls: Arc<Semaphore>,
}

impl BuildprintClient {
    /// A client with agentrun's defaults: retries, timeouts, the token as bearer.
    pub fn new(credentials: BuildprintCredentials) -> Result<Self, Error> {
        Self::with_config(credentials, ClientConfig::new())
    }

    /// A client from `BUILDPRINT_TOKEN` and `BUILDPRINT_BASE_URL`.
    pub fn from_env() -> Result<Self, Error> {
        Self::new(BuildprintCredentials::from_env()?)
    }

    /// A client with `config`'s timeouts and retries (its bearer is the token).
    pub fn with_config(
        credentials: BuildprintCredentials,
        config: ClientConfig,
    ) -> Result<Self, Error> {
        let config = config.bearer(credentials.token().clone());
        let api = agentrun_buildprint::Client::from_config(credentials.base_url(), &config)
            .map_err(|e| Error::Config {
                variable: None,
                message: e.to_string(),
            })?;
        let generic = ProviderClient::from_parts(
            Provider::Buildprint,
            api.baseurl(),
            api.client().clone(),
            api.runtime().clone(),
            vec![credentials.token().clone()],
        );
        Ok(Self {
            api,
            generic,
            credentials,
            polls: Arc::new(Semaphore::new(CONCURRENT_POLLS)),
        })
    }

    /// The generated client: every operation of the API.
    pub fn api(&self) -> &agentrun_buildprint::Client {
        &self.api
    }

    /// The credentials.
    pub fn credentials(&self) -> &BuildprintCredentials {
        &self.credentials
    }

    /// Turns a generated call's error into an [`Error`] (reading the body of an undocumented
    /// answer), naming the call.
    pub async fn error(
        &self,
        error: agentrun_buildprint::Error<bp::Error>,
        operation: &str,
    ) -> Error {
        convert(
            error,
            Provider::Buildprint,
            operation,
            &[self.credentials.token()],
        )
        .await
    }

    /// Sends any request of the generated API. One `?` gives an [`Error`] that names the
    /// operation (from the generated operation table) and carries the API's `error`, `code`
    /// and `reason`, the hint for a documented code, and for an undocumented status what the
    /// body said.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let emulator = agentrun_emulator::Emulator::start_local(Default::default()).await?;
    /// # let buildprint = agentrun::BuildprintClient::new(
    /// #     agentrun::BuildprintCredentials::new("bp_emulator")?.with_base_url(&emulator.buildprint_url())?,
    /// # )?;
    /// let api = buildprint.api();
    /// let tests = buildprint.send(api.list_tests().app_id("demo-app")).await?;
    /// assert!(!tests.tests.is_empty());
    /// let error = buildprint.send(api.list_tests().app_id("no-such-app")).await.unwrap_err();
    /// assert!(error.to_string().starts_with("GET /tests: 404 Not Found (app_not_found)"));
    /// # Ok(()) }
    /// ```
    pub async fn send<R>(&self, request: R) -> Result<R::Output, Error>
    where
        R: Request<ErrorBody = bp::Error>,
    {
        match request.dispatch().await {
            Ok(value) => Ok(value.into_inner()),
            Err(error) => Err(self.error(error, R::OPERATION.label).await),
        }
    }

    /// Sends an operation of the generated table by its description: for the operations no
    /// typed code above the client handles (a command line built from the table, a script).
    /// It is the generic path every provider has ([`ProviderClient::send_described`]), over
    /// this client's connection pool and token.
    pub async fn send_operation(
        &self,
        operation: &'static Operation,
        input: &OperationInput,
    ) -> Result<serde_json::Value, Error> {
        self.generic.send_described(operation, input).await
    }

    /// The generic client of the provider, sharing this one's connections and token.
    pub fn generic(&self) -> &ProviderClient {
        &self.generic
    }

    /// This client, sending nothing through [`Self::send_operation`]: each send is
    /// [`Error::DryRun`] with the request it would have sent ([`ProviderClient::with_dry_run`]).
    pub fn with_dry_run(mut self, dry_run: bool) -> Self {
        self.generic = self.generic.with_dry_run(dry_run);
        self
    }

    /// This client, reading answers of at most `bytes` through [`Self::send_operation`]
    /// ([`crate::DEFAULT_MAX_ANSWER_BYTES`] unless set).
    pub fn with_max_answer_bytes(mut self, bytes: u64) -> Self {
        self.generic = self.generic.with_max_answer_bytes(bytes);
        self
    }

    /// Reads a run through the generic path, at most [`CONCURRENT_POLLS`] at once across the
    /// waits of this client: the answer typed, and as received.
    async fn poll<R>(&self, input: OperationInput) -> Result<Received<R::Output>, Error>
    where
        R: Request,
        R::Output: DeserializeOwned,
    {
        let _permit = self
            .polls
            .acquire()
            .await
            .map_err(|_| Error::invalid("the client is closed"))?;
        let operation = R::OPERATION;
        let raw = self.generic.send_described(operation, &input).await?;
        Received::read(raw).map_err(|e| Error::Decode {
            operation: Some(operation.label.to_string()),
            message: format!("the answer is not what the spec documents ({e})"),
        })
    }

    /// Waits until the agent is `completed` or `error`, and returns it as it ended: typed, and
    /// as the API sent it ([`Received`]; it dereferences to the [`bp::Agent`]).
    pub async fn wait_for_agent(
        &self,
        agent_id: &str,
        options: &WaitOptions,
        mut progress: impl FnMut(&Progress),
    ) -> Result<Received<bp::Agent>, Error> {
        until_finished(
            format!("agent {agent_id}"),
            options,
            || {
                self.poll::<op::GetAgent<'_>>(
                    OperationInput::default().parameter("agentId", agent_id),
                )
            },
            |agent: &Received<bp::Agent>| run_status(&agent.status),
            &mut progress,
        )
        .await
    }

    /// Waits until the code review's agent is `completed` or `error`; returns the review with
    /// its findings.
    pub async fn wait_for_code_review(
        &self,
        review_id: &str,
        options: &WaitOptions,
        mut progress: impl FnMut(&Progress),
    ) -> Result<Received<bp::GetCodeReviewResponse>, Error> {
        until_finished(
            format!("code review {review_id}"),
            options,
            || {
                self.poll::<op::GetCodeReview<'_>>(
                    OperationInput::default().parameter("reviewId", review_id),
                )
            },
            |review: &Received<bp::GetCodeReviewResponse>| match review_run_status(review) {
                Some(status) => run_status(&status),
                None => ("running".to_string(), false),
            },
            &mut progress,
        )
        .await
    }

    /// Waits until the test run has `passed`, ended with a `warning` or an `error`, or was
    /// `canceled`.
    pub async fn wait_for_test_run(
        &self,
        run_id: &str,
        options: &WaitOptions,
        mut progress: impl FnMut(&Progress),
    ) -> Result<Received<bp::GetTestRunResponse>, Error> {
        until_finished(
            format!("test run {run_id}"),
            options,
            || {
                self.poll::<op::GetTestRun<'_>>(
                    OperationInput::default().parameter("runId", run_id),
                )
            },
            |run: &Received<bp::GetTestRunResponse>| test_status(&run.run.status),
            &mut progress,
        )
        .await
    }

    /// Waits until the test group run has ended (as [`BuildprintClient::wait_for_test_run`]).
    pub async fn wait_for_test_group_run(
        &self,
        group_run_id: &str,
        options: &WaitOptions,
        mut progress: impl FnMut(&Progress),
    ) -> Result<Received<bp::GetTestGroupRunResponse>, Error> {
        until_finished(
            format!("test group run {group_run_id}"),
            options,
            || {
                self.poll::<op::GetTestGroupRun<'_>>(
                    OperationInput::default().parameter("groupRunId", group_run_id),
                )
            },
            |run: &Received<bp::GetTestGroupRunResponse>| test_status(&run.run.status),
            &mut progress,
        )
        .await
    }

    /// Waits until a version sync is `completed` or `failed`.
    pub async fn wait_for_version_sync(
        &self,
        app_id: &str,
        version_id: &str,
        options: &WaitOptions,
        mut progress: impl FnMut(&Progress),
    ) -> Result<Received<bp::SyncStatus>, Error> {
        until_finished(
            format!("version sync {version_id}"),
            options,
            || {
                self.poll::<op::GetSyncStatus<'_>>(
                    OperationInput::default()
                        .parameter("appId", app_id)
                        .parameter("versionId", version_id),
                )
            },
            |sync: &Received<bp::SyncStatus>| {
                let finished = matches!(
                    sync.status,
                    bp::SyncStatusStatus::Completed | bp::SyncStatusStatus::Failed
                );
                (format!("{} ({})", sync.status, sync.stage), finished)
            },
            &mut progress,
        )
        .await
    }
}

/// An agent or review status, and whether it is final. A status this client does not know is
/// not final: the wait goes on, and reports it.
fn run_status(status: &bp::RunStatus) -> (String, bool) {
    (
        status.to_string(),
        matches!(status, bp::RunStatus::Completed | bp::RunStatus::Error),
    )
}

/// Where a code review's run stands: its agent's status when the answer carries it (the
/// official page does not show `agent`, so it may not), otherwise `completed` once the review
/// has a `completedAt`, otherwise `None` (still running, as far as the answer says).
///
/// ```
/// use agentrun::buildprint::types as bp;
/// use agentrun::review_run_status;
///
/// // An answer with only what the official page shows: no `agent`.
/// let review: bp::GetCodeReviewResponse = serde_json::from_str(
///     r#"{"reviewId": "rv_1", "review": {"sequence": 1, "mergeId": "m", "status": "open",
///         "title": null, "description": null, "fromVersion": "test", "toVersion": "live",
///         "fromVersionLabel": null, "toVersionLabel": null, "requestedByName": null,
///         "requestedByEmail": null, "requestedByImage": null, "linearIssueId": null,
///         "linearIssueIdentifier": null, "provider": "claude", "model": "claude-opus-4.6",
///         "createdAt": 1, "updatedAt": 2, "completedAt": 3, "mergedAt": null},
///       "changes": [], "comments": [], "tests": [], "reviewComments": []}"#,
/// )?;
/// assert_eq!(review_run_status(&review), Some(bp::RunStatus::Completed));
/// # Ok::<(), serde_json::Error>(())
/// ```
pub fn review_run_status(review: &bp::GetCodeReviewResponse) -> Option<bp::RunStatus> {
    if let Some(status) = review.agent.as_ref().and_then(|agent| agent.status.clone()) {
        return Some(status);
    }
    review.review.completed_at.map(|_| bp::RunStatus::Completed)
}

/// A test run status, and whether it is final.
fn test_status(status: &bp::TestRunStatus) -> (String, bool) {
    let finished = matches!(
        status,
        bp::TestRunStatus::Passed
            | bp::TestRunStatus::Warning
            | bp::TestRunStatus::Error
            | bp::TestRunStatus::Canceled
    );
    (status.to_string(), finished)
}

impl From<agentrun_buildprint::Error<bp::Error>> for Error {
    /// Without the call's name, or the body of an answer with an undocumented status; use
    /// [`BuildprintClient::error`] for both.
    fn from(error: agentrun_buildprint::Error<bp::Error>) -> Self {
        from_generated(error, Provider::Buildprint)
    }
}

impl From<agentrun_builder::Error<agentrun_builder::types::Error>> for Error {
    /// Without the call's name, or the body of an answer with an undocumented status.
    fn from(error: agentrun_builder::Error<agentrun_builder::types::Error>) -> Self {
        from_generated(error, Provider::Builder)
    }
}

fn from_generated<E: ErrorBody>(
    error: agentrun_runtime::progenitor_client::Error<E>,
    provider: Provider,
) -> Error {
    convert_ready(error, provider, None, &[]).unwrap_or_else(|response| {
        Error::Api(ApiError {
            provider,
            operation: None,
            status: response.status().as_u16(),
            message: "an answer with a status the API does not document for this call".into(),
            code: None,
            reason: None,
            retry_after: None,
        })
    })
}
