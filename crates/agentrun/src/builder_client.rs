//! Starting Builder's agent: a run with a prompt, attachments, a project and a user.

use agentrun_builder::builder as op;
use agentrun_builder::types as b;
use agentrun_runtime::progenitor_client::ClientInfo as _;
use agentrun_runtime::{ClientConfig, Request};
use serde_json::Value;

use crate::attachments::Attachment;
use crate::auth::BuilderCredentials;
use crate::error::{Error, Provider, convert};
use crate::operation_input::OperationInput;
use crate::provider_client::ProviderClient;
use crate::received::Received;

/// A Builder.io client: the generated one, its credentials, and the checks before a run.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use agentrun::{Attachment, BuilderClient, BuilderCredentials};
///
/// // A local emulator of the API; with a real Space, use `BuilderClient::from_env()`.
/// let emulator = agentrun_emulator::Emulator::start_local(Default::default()).await?;
/// let credentials = BuilderCredentials::new("emulator-space", "bpk-emulator")?
///     .with_base_url(&emulator.builder_url())?;
/// let builder = BuilderClient::new(credentials)?;
///
/// let mockup = [&b"\x89PNG\r\n\x1a\n"[..], &[0; 24]].concat();
/// let run = builder
///     .run("Recreate this mockup as a responsive landing page")
///     .attach(Attachment::from_bytes("mockup.png", mockup)?)
///     .attach(Attachment::from_url("https://stripe.com/pricing")?)
///     .branch("landing page")
///     .user_email("developer@yourcompany.com")
///     .send()
///     .await?;
/// println!("watch the agent at {}", run.url);
/// # Ok(()) }
/// ```
#[derive(Clone, Debug)]
pub struct BuilderClient {
    api: agentrun_builder::Client,
    /// The generic path every provider has, over the same connection pool: a run is sent
    /// through it, so that its answer is kept as received.
    generic: ProviderClient,
    credentials: BuilderCredentials,
}

impl BuilderClient {
    /// A client with agentrun's defaults: retries, timeouts, the private key as bearer.
    pub fn new(credentials: BuilderCredentials) -> Result<Self, Error> {
        Self::with_config(credentials, ClientConfig::new())
    }

    /// A client from `BUILDER_PUBLIC_KEY`, `BUILDER_PRIVATE_KEY` and `BUILDER_BASE_URL`.
    pub fn from_env() -> Result<Self, Error> {
        Self::new(BuilderCredentials::from_env()?)
    }

    /// A client with `config`'s timeouts and retries (its bearer is the private key).
    pub fn with_config(
        credentials: BuilderCredentials,
        config: ClientConfig,
    ) -> Result<Self, Error> {
        let config = config.bearer(credentials.private_key().clone());
        let api = agentrun_builder::Client::from_config(credentials.base_url(), &config).map_err(
            |e| Error::Config {
                variable: None,
                message: e.to_string(),
            },
        )?;
        let generic = ProviderClient::from_parts(
            Provider::Builder,
            api.baseurl(),
            api.client().clone(),
            api.runtime().clone(),
            vec![
                credentials.public_key().clone(),
                credentials.private_key().clone(),
            ],
        );
        Ok(Self {
            api,
            generic,
            credentials,
        })
    }

    /// This client, sending no run: [`RunRequest::send`] and [`Self::start`] are
    /// [`Error::DryRun`] with the request they would have sent, both keys redacted.
    pub fn with_dry_run(mut self, dry_run: bool) -> Self {
        self.generic = self.generic.with_dry_run(dry_run);
        self
    }

    /// The generated client, for anything this one does not wrap.
    pub fn api(&self) -> &agentrun_builder::Client {
        &self.api
    }

    /// The credentials.
    pub fn credentials(&self) -> &BuilderCredentials {
        &self.credentials
    }

    /// Sends any request of the generated API: one `?` gives an [`Error`] that names the
    /// operation and carries what the API answered, with neither key in it.
    pub async fn send<R>(&self, request: R) -> Result<R::Output, Error>
    where
        R: Request<ErrorBody = b::Error>,
    {
        match request.dispatch().await {
            Ok(value) => Ok(value.into_inner()),
            Err(error) => Err(convert(
                error,
                Provider::Builder,
                R::OPERATION.label,
                &[
                    self.credentials.public_key(),
                    self.credentials.private_key(),
                ],
            )
            .await),
        }
    }

    /// A run of Builder's agent on `prompt`; add to it, then [`RunRequest::send`].
    pub fn run(&self, prompt: impl Into<String>) -> RunRequest<'_> {
        RunRequest {
            client: self,
            prompt: prompt.into(),
            attachments: Vec::new(),
            project_id: None,
            branch_name: None,
            user_email: None,
            user_id: None,
        }
    }
}

/// A run being put together.
#[derive(Debug)]
#[must_use = "a run does nothing until it is sent"]
pub struct RunRequest<'a> {
    client: &'a BuilderClient,
    prompt: String,
    attachments: Vec<Attachment>,
    project_id: Option<String>,
    branch_name: Option<String>,
    user_email: Option<String>,
    user_id: Option<String>,
}

/// A run Builder accepted: the agent works on in the background.
#[derive(Debug, Clone, PartialEq)]
pub struct RunStarted {
    /// The Visual Editor page where the agent works.
    pub url: String,
    /// The branch it works on.
    pub branch_name: Option<String>,
    /// The project.
    pub project_id: String,
    /// Always `processing` when accepted.
    pub status: b::AgentRunStatus,
    /// Builder's answer as it was sent, fields this client does not know included.
    pub answer: Value,
}

impl RunRequest<'_> {
    /// Adds an attachment.
    pub fn attach(mut self, attachment: Attachment) -> Self {
        self.attachments.push(attachment);
        self
    }

    /// Adds attachments.
    pub fn attach_all(mut self, attachments: impl IntoIterator<Item = Attachment>) -> Self {
        self.attachments.extend(attachments);
        self
    }

    /// Runs in an existing project (otherwise Builder creates one).
    pub fn project(mut self, project_id: impl Into<String>) -> Self {
        self.project_id = Some(project_id.into());
        self
    }

    /// Names the new branch (also the project's name when one is created).
    pub fn branch(mut self, branch_name: impl Into<String>) -> Self {
        self.branch_name = Some(branch_name.into());
        self
    }

    /// The Builder user the agent acts for, by email.
    pub fn user_email(mut self, email: impl Into<String>) -> Self {
        self.user_email = Some(email.into());
        self
    }

    /// The Builder user the agent acts for, by ID (Space settings, admins only).
    pub fn user_id(mut self, user_id: impl Into<String>) -> Self {
        self.user_id = Some(user_id.into());
        self
    }

    /// Checks the run, then starts it: `POST /agents/run`. A run is never sent twice: it is
    /// retried only when the connection could not be made at all.
    pub async fn send(self) -> Result<RunStarted, Error> {
        let request = b::AgentRunRequest {
            user_message: b::UserMessage {
                user_prompt: self.prompt,
                attachments: (!self.attachments.is_empty()).then(|| {
                    b::Attachments(
                        self.attachments
                            .into_iter()
                            .map(Attachment::into_inner)
                            .collect(),
                    )
                }),
            },
            project_id: self.project_id.filter(|p| !p.trim().is_empty()),
            branch_name: self.branch_name.filter(|b| !b.trim().is_empty()),
            user_email: self.user_email.filter(|e| !e.trim().is_empty()),
            user_id: self.user_id.filter(|u| !u.trim().is_empty()),
        };
        self.client.start(request).await
    }
}

impl BuilderClient {
    /// Starts a run from a whole request body (one read from a file, say), checked as
    /// [`RunRequest::send`] checks its own: a prompt, and a user by email or ID.
    pub async fn start(&self, request: b::AgentRunRequest) -> Result<RunStarted, Error> {
        if request.user_message.user_prompt.trim().is_empty() {
            return Err(Error::invalid(
                "the prompt is empty: say what the agent should build",
            ));
        }
        let blank = |v: &Option<String>| v.as_deref().is_none_or(|s| s.trim().is_empty());
        if blank(&request.user_email) && blank(&request.user_id) {
            return Err(Error::invalid(
                "say which Builder user the agent acts for: a user email (a member of the Space) or a user ID",
            ));
        }
        let operation = <op::RunAgent<'_> as Request>::OPERATION;
        let body = serde_json::to_value(&request).map_err(|e| Error::invalid(e.to_string()))?;
        let input = OperationInput::default()
            .parameter("apiKey", self.credentials.public_key().expose())
            .body(body);
        let raw = self.generic.send_described(operation, &input).await?;
        let (accepted, answer) = Received::<b::AgentRunAccepted>::read(raw)
            .map_err(|e| Error::Decode {
                operation: Some(operation.label.to_string()),
                message: format!("the answer is not what the spec documents ({e})"),
            })?
            .into_parts();
        Ok(RunStarted {
            url: accepted.url,
            branch_name: accepted.branch_name,
            project_id: accepted.project_id,
            status: accepted.status,
            answer,
        })
    }
}
