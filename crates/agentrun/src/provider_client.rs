//! A client for any provider of `openapi/providers.toml`, from its table alone: credentials
//! and base URL from the variables its entry names, every operation sendable by its
//! description, and the one [`Error`] type.
//!
//! [`crate::BuildprintClient`] and [`crate::BuilderClient`] extend this path with what the
//! spec cannot say (waits, attachments); a provider with no such code is used through it
//! directly, as the `agentrun <provider> ...` commands do.

use agentrun_runtime::progenitor_client::OperationInfo;
use agentrun_runtime::{
    ClientConfig, Operation, Placement, ProviderInfo, Request, Runtime, Secret, scrub,
};
use reqwest::header::{AUTHORIZATION, COOKIE, HeaderMap, HeaderName, HeaderValue};
use serde_json::Value;

use crate::error::{Error, Provider, convert, read_answer};
use crate::operation_input::OperationInput;

/// A client of one provider: its base URL, its credentials where its security schemes put
/// them, and agentrun's retries, timeouts and redaction.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use agentrun::{OperationInput, Provider, ProviderClient};
///
/// let emulator = agentrun_emulator::Emulator::start_local(Default::default()).await?;
/// let buildprint = Provider::Buildprint;
/// // The variables its entry names: BUILDPRINT_TOKEN and BUILDPRINT_BASE_URL.
/// let variables = [
///     ("BUILDPRINT_TOKEN", "bp_emulator".to_string()),
///     ("BUILDPRINT_BASE_URL", emulator.buildprint_url()),
/// ];
/// let client = ProviderClient::from_lookup(buildprint, |name| {
///     variables.iter().find(|(n, _)| *n == name).map(|(_, v)| v.clone())
/// })?;
/// let input = OperationInput::default().parameter("appId", "demo-app");
/// let tests = client.send_operation("listTests", &input).await?;
/// assert!(tests["tests"].is_array());
///
/// let refused = client.send_operation("getTest", &OperationInput::default().parameter("testId", "nope")).await;
/// assert_eq!(refused.unwrap_err().status(), Some(404));
/// # Ok(()) }
/// ```
#[derive(Clone, Debug)]
pub struct ProviderClient {
    provider: Provider,
    /// What the provider's crate says about it (`provider.info()`, or a test's own).
    info: &'static ProviderInfo,
    base_url: String,
    http: reqwest::Client,
    runtime: Runtime,
    /// Credentials that go into the query string, added to each request.
    query: Vec<(&'static str, Secret)>,
    /// Every credential value, scrubbed from every message.
    secrets: Vec<Secret>,
    /// The largest answer [`Self::send_operation`] reads.
    max_answer_bytes: u64,
    /// Whether requests are described instead of sent ([`Self::with_dry_run`]).
    dry_run: bool,
}

/// The largest answer a [`ProviderClient`] reads unless told otherwise: 64 MiB.
pub const DEFAULT_MAX_ANSWER_BYTES: u64 = 64 * 1024 * 1024;

impl ProviderClient {
    /// A client from the environment: the provider's credential variables and its base URL
    /// variable (the document's server when unset).
    pub fn from_env(provider: Provider) -> Result<Self, Error> {
        Self::from_lookup(provider, |name| std::env::var(name).ok())
    }

    /// [`Self::from_env`], reading the variables through `lookup` (flags, a config file, tests).
    pub fn from_lookup(
        provider: Provider,
        lookup: impl Fn(&str) -> Option<String>,
    ) -> Result<Self, Error> {
        Self::with_config(provider, lookup, ClientConfig::new())
    }

    /// [`Self::from_lookup`] with `config`'s timeouts and retries.
    pub fn with_config(
        provider: Provider,
        lookup: impl Fn(&str) -> Option<String>,
        config: ClientConfig,
    ) -> Result<Self, Error> {
        Self::build(provider, provider.info(), lookup, config)
    }

    /// [`Self::with_config`] for `info`, which [`Provider::info`] gives outside tests.
    fn build(
        provider: Provider,
        info: &'static ProviderInfo,
        lookup: impl Fn(&str) -> Option<String>,
        config: ClientConfig,
    ) -> Result<Self, Error> {
        let value = |name: &str| {
            lookup(name)
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty())
        };
        let base_url = match value(info.base_url_variable) {
            Some(url) => crate::auth::check_url(&url, info.base_url_variable)?,
            None if info.base_url.is_empty() => {
                return Err(Error::Config {
                    variable: Some(info.base_url_variable.to_string()),
                    message: format!(
                        "{} is not set: set it to the base URL of {} (its document names no \
                         server)",
                        info.base_url_variable, info.title
                    ),
                });
            }
            None => info.base_url.to_string(),
        };
        let mut headers = HeaderMap::new();
        let mut cookies = Vec::new();
        let mut query = Vec::new();
        let mut secrets = Vec::new();
        for credential in info.credentials {
            let Some(text) = value(credential.variable) else {
                continue;
            };
            let secret = Secret::new(text);
            let header = |name: HeaderName, text: String| -> Result<_, Error> {
                let mut value = HeaderValue::from_str(&text).map_err(|_| Error::Config {
                    variable: Some(credential.variable.to_string()),
                    message: format!(
                        "{} holds a character an HTTP header cannot carry (a line break?); \
                         copy it again",
                        credential.variable
                    ),
                })?;
                value.set_sensitive(true);
                Ok((name, value))
            };
            match credential.placement {
                Placement::Bearer => {
                    let (name, value) =
                        header(AUTHORIZATION, format!("Bearer {}", secret.expose()))?;
                    headers.insert(name, value);
                }
                Placement::Basic => {
                    if !secret.expose().contains(':') {
                        return Err(Error::Config {
                            variable: Some(credential.variable.to_string()),
                            message: format!(
                                "{} must be written user:password (HTTP basic credentials)",
                                credential.variable
                            ),
                        });
                    }
                    use base64::Engine as _;
                    let encoded = base64::engine::general_purpose::STANDARD.encode(secret.expose());
                    let (name, value) = header(AUTHORIZATION, format!("Basic {encoded}"))?;
                    headers.insert(name, value);
                }
                Placement::Header(name) => {
                    let name = HeaderName::try_from(name).map_err(|_| Error::Config {
                        variable: None,
                        message: format!(
                            "{}: the security scheme `{}` names the header `{name}`, which is not \
                             a header name; fix the document",
                            info.title, credential.scheme
                        ),
                    })?;
                    let (name, value) = header(name, secret.expose().to_string())?;
                    headers.insert(name, value);
                }
                Placement::Cookie(name) => cookies.push(format!("{name}={}", secret.expose())),
                Placement::Query(name) => query.push((name, secret.clone())),
            }
            secrets.push(secret);
        }
        if !cookies.is_empty() {
            let (name, value) = (COOKIE, cookies.join("; "));
            let mut value = HeaderValue::from_str(&value).map_err(|_| Error::Config {
                variable: None,
                message: "a cookie credential holds a character a header cannot carry".into(),
            })?;
            value.set_sensitive(true);
            headers.insert(name, value);
        }
        let http = config
            .http_client_with(headers)
            .map_err(|e| Error::Config {
                variable: None,
                message: e.to_string(),
            })?;
        let mut runtime = config.runtime();
        if !query.is_empty() {
            runtime = runtime.with_secret_urls();
        }
        Ok(Self {
            provider,
            info,
            base_url,
            http,
            runtime,
            query,
            secrets,
            max_answer_bytes: DEFAULT_MAX_ANSWER_BYTES,
            dry_run: false,
        })
    }

    /// A client over an HTTP client already built with the credentials (a provider crate's
    /// own `Client`), so that both share one connection pool.
    pub(crate) fn from_parts(
        provider: Provider,
        base_url: &str,
        http: reqwest::Client,
        runtime: Runtime,
        secrets: Vec<Secret>,
    ) -> Self {
        Self {
            provider,
            info: provider.info(),
            base_url: base_url.to_string(),
            http,
            runtime,
            query: Vec::new(),
            secrets,
            max_answer_bytes: DEFAULT_MAX_ANSWER_BYTES,
            dry_run: false,
        }
    }

    /// This client, sending nothing: each send is [`Error::DryRun`] with the request it would
    /// have sent (method, URL, headers and body), every credential shown as `[redacted]`.
    pub fn with_dry_run(mut self, dry_run: bool) -> Self {
        self.dry_run = dry_run;
        self
    }

    /// This client, reading answers of at most `bytes` ([`DEFAULT_MAX_ANSWER_BYTES`] unless
    /// set): a larger one is an error before more is read, whatever its `Content-Length` says.
    pub fn with_max_answer_bytes(mut self, bytes: u64) -> Self {
        self.max_answer_bytes = bytes;
        self
    }

    /// The provider.
    pub fn provider(&self) -> Provider {
        self.provider
    }

    /// The base URL requests go to.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// Sends the operation `operation_id` of the provider's table: `input` fills the path,
    /// query and header parameters and the JSON body; the answer comes back as JSON (`null`
    /// when it has no body). An unknown operation, a missing required value or missing
    /// credentials is an error before anything is sent.
    pub async fn send_operation(
        &self,
        operation_id: &str,
        input: &OperationInput,
    ) -> Result<Value, Error> {
        let info = self.info;
        let operation = info.operation(operation_id).ok_or_else(|| {
            Error::invalid(format!(
                "{} has no operation `{operation_id}`; its operations are listed by \
                 `agentrun {} --help`",
                info.title, info.name
            ))
        })?;
        self.send_described(operation, input).await
    }

    /// [`Self::send_operation`] for an operation of the table already looked up.
    pub async fn send_described(
        &self,
        operation: &'static Operation,
        input: &OperationInput,
    ) -> Result<Value, Error> {
        let info = self.info;
        if operation.authenticated && self.secrets.is_empty() && !info.credentials.is_empty() {
            let variables = info.credential_variables();
            return Err(Error::Config {
                variable: variables.first().map(|v| v.to_string()),
                message: format!(
                    "{} needs credentials and none is set: set {}",
                    operation.label,
                    variables.join(" or ")
                ),
            });
        }
        let mut request = input
            .request(&self.http, &self.base_url, operation)
            .map_err(Error::invalid)?;
        if self.dry_run {
            return Err(Error::DryRun {
                request: self.describe(&request),
            });
        }
        if !self.query.is_empty() {
            let mut pairs = request.url_mut().query_pairs_mut();
            for (name, value) in &self.query {
                pairs.append_pair(name, value.expose());
            }
        }
        // Named as the generated builders name it in logs: by their method.
        let named = OperationInfo {
            operation_id: operation.method_name,
        };
        let answer = agentrun_runtime::execute(&self.http, request, &self.runtime, &named).await;
        read_answer(
            answer,
            self.provider,
            operation.label,
            &self.secrets(),
            self.max_answer_bytes,
        )
        .await
    }

    /// Sends a request built with the provider crate's own typed client; one `?` gives an
    /// [`Error`] that names the operation and carries what the API said, this client's
    /// credentials scrubbed from it.
    pub async fn send<R: Request>(&self, request: R) -> Result<R::Output, Error> {
        match request.dispatch().await {
            Ok(value) => Ok(value.into_inner()),
            Err(error) => {
                Err(convert(error, self.provider, R::OPERATION.label, &self.secrets()).await)
            }
        }
    }

    /// `request` as a dry run shows it: its credentials where they would go, redacted.
    fn describe(&self, request: &reqwest::Request) -> String {
        let mut url = request.url().clone();
        let mut headers: Vec<String> = Vec::new();
        if !self.secrets.is_empty() {
            for credential in self.info.credentials {
                match credential.placement {
                    Placement::Bearer | Placement::Basic => {
                        headers.push("authorization: [redacted]".into());
                    }
                    Placement::Header(name) => headers.push(format!("{name}: [redacted]")),
                    Placement::Cookie(name) => headers.push(format!("cookie: {name}=[redacted]")),
                    Placement::Query(name) => {
                        url.query_pairs_mut().append_pair(name, "[redacted]");
                    }
                }
            }
        }
        headers.sort();
        headers.dedup();
        headers.extend(request.headers().iter().map(|(name, value)| {
            format!(
                "{name}: {}",
                agentrun_runtime::one_line(&String::from_utf8_lossy(value.as_bytes()))
            )
        }));
        let body = request
            .body()
            .and_then(reqwest::Body::as_bytes)
            .map(|bytes| match serde_json::from_slice::<Value>(bytes) {
                Ok(json) => serde_json::to_string_pretty(&json).unwrap_or_default(),
                Err(_) => String::from_utf8_lossy(bytes).into_owned(),
            });
        // A credential may also travel as an operation's own parameter (Builder's `apiKey`).
        let mut text = format!(
            "{} {}",
            request.method(),
            scrub(url.as_str(), &self.secrets())
        );
        for header in headers {
            text.push('\n');
            text.push_str(&header);
        }
        if let Some(body) = body {
            text.push_str("\n\n");
            text.push_str(&scrub(&body, &self.secrets()));
        }
        text
    }

    fn secrets(&self) -> Vec<&Secret> {
        self.secrets.iter().collect()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use agentrun_runtime::{Credential, Kind, Location};
    use test_server::{Reply, TestServer};

    const CANARY: &str = "canary-7f3a";

    /// An API whose four schemes put a credential in each place agentrun can.
    static EVERY_PLACE: ProviderInfo = ProviderInfo {
        name: "places",
        title: "Places API",
        base_url: "",
        base_url_variable: "PLACES_BASE_URL",
        credentials: &[
            credential("PLACES_HEADER", Placement::Header("X-Api-Key")),
            credential("PLACES_QUERY", Placement::Query("key")),
            credential("PLACES_COOKIE", Placement::Cookie("session")),
            credential("PLACES_BASIC", Placement::Basic),
        ],
        operations: &[Operation {
            id: "getThing",
            method_name: "get_thing",
            method: "GET",
            path: "/things/{id}",
            label: "GET /things/{id}",
            summary: "",
            tag: "Things",
            parameters: &[agentrun_runtime::Field {
                name: "id",
                location: Location::Path,
                required: true,
                kind: Kind::String,
                values: &[],
                nullable: false,
                description: "",
            }],
            body: None,
            authenticated: true,
            statuses: &["200"],
        }],
        document: "{}",
    };

    const fn credential(variable: &'static str, placement: Placement) -> Credential {
        Credential {
            scheme: variable,
            variable,
            placement,
            description: "",
        }
    }

    fn connect(server: &TestServer, set: &[(&str, String)]) -> Result<ProviderClient, Error> {
        let mut variables = set.to_vec();
        variables.push(("PLACES_BASE_URL", server.url()));
        ProviderClient::build(
            Provider::Buildprint,
            &EVERY_PLACE,
            move |name| {
                variables
                    .iter()
                    .find(|(n, _)| *n == name)
                    .map(|(_, v)| v.clone())
            },
            ClientConfig::new(),
        )
    }

    #[tokio::test]
    async fn each_credential_goes_where_its_scheme_says_and_no_error_shows_it() {
        let server = TestServer::start(|request| match request.path() {
            "/things/1" => Reply::json(200, r#"{"id": "1"}"#),
            _ => Reply::json(500, format!(r#"{{"error": "saw {}"}}"#, request.target)),
        });
        let set = [
            ("PLACES_HEADER", format!("h-{CANARY}")),
            ("PLACES_QUERY", format!("q-{CANARY}")),
            ("PLACES_COOKIE", format!("c-{CANARY}")),
            ("PLACES_BASIC", format!("user:{CANARY}")),
        ];
        let client = connect(&server, &set).unwrap();
        assert!(!format!("{client:?}").contains(CANARY));
        let input = OperationInput::default().parameter("id", "1");
        let answer = client.send_operation("getThing", &input).await.unwrap();
        assert_eq!(answer, serde_json::json!({"id": "1"}));
        let sent = &server.requests()[0];
        assert_eq!(sent.target, format!("/things/1?key=q-{CANARY}"));
        assert_eq!(
            sent.header("x-api-key"),
            Some(format!("h-{CANARY}").as_str())
        );
        assert_eq!(
            sent.header("cookie"),
            Some(format!("session=c-{CANARY}").as_str())
        );
        use base64::Engine as _;
        let basic = base64::engine::general_purpose::STANDARD.encode(format!("user:{CANARY}"));
        assert_eq!(
            sent.header("authorization"),
            Some(format!("Basic {basic}").as_str())
        );

        // The server echoes the query, key included: the error never does.
        let input = OperationInput::default().parameter("id", "2");
        let error = client.send_operation("getThing", &input).await.unwrap_err();
        assert_eq!(error.status(), Some(500));
        assert!(!error.to_string().contains(CANARY), "{error}");
        assert!(!format!("{error:?}").contains(CANARY), "{error:?}");
    }

    #[tokio::test]
    async fn no_credential_no_base_url_and_basic_without_a_colon_are_named() {
        let server = TestServer::start(|_| Reply::json(200, "{}"));
        let client = connect(&server, &[]).unwrap();
        let input = OperationInput::default().parameter("id", "1");
        let error = client.send_operation("getThing", &input).await.unwrap_err();
        assert_eq!(
            error.to_string(),
            "GET /things/{id} needs credentials and none is set: set PLACES_HEADER or \
             PLACES_QUERY or PLACES_COOKIE or PLACES_BASIC"
        );
        assert!(server.requests().is_empty(), "nothing is sent");
        let error = connect(&server, &[("PLACES_BASIC", CANARY.to_string())]).unwrap_err();
        assert_eq!(
            error.to_string(),
            "PLACES_BASIC must be written user:password (HTTP basic credentials)"
        );
        let error = ProviderClient::build(
            Provider::Buildprint,
            &EVERY_PLACE,
            |_| None,
            ClientConfig::new(),
        )
        .unwrap_err();
        assert!(
            error
                .to_string()
                .starts_with("PLACES_BASE_URL is not set: set it to the base URL of Places API"),
            "{error}"
        );
        let error = client.send_operation("nope", &input).await.unwrap_err();
        assert!(
            error
                .to_string()
                .contains("Places API has no operation `nope`"),
            "{error}"
        );
    }
}
