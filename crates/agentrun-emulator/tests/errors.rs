//! Auth, validation and bad input: each answered with the documented status and a JSON body
//! `{error, code?, reason?}` that says what to fix. The emulator keeps serving after every one.

// Test code: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used)]

mod common;

use agentrun_emulator::{Config, MEMBER_EMAIL, MEMBER_WITHOUT_CREDENTIALS};
use common::{manual, raw, start};
use serde_json::{Value, json};

/// One request and what must come back (for a status under 400, only the status is checked).
struct Case {
    what: &'static str,
    method: &'static str,
    path: String,
    auth: Option<&'static str>,
    content_type: Option<&'static str>,
    body: Option<String>,
    status: u16,
    code: Option<&'static str>,
    message: &'static str,
}

fn case(
    what: &'static str,
    method: &'static str,
    path: &str,
    body: Option<Value>,
    status: u16,
) -> Case {
    Case {
        what,
        method,
        path: path.into(),
        auth: Some("Bearer bp_emulator"),
        content_type: Some("application/json"),
        body: body.map(|b| b.to_string()),
        status,
        code: None,
        message: "",
    }
}

impl Case {
    fn code(mut self, code: &'static str) -> Self {
        self.code = Some(code);
        self
    }
    fn says(mut self, message: &'static str) -> Self {
        self.message = message;
        self
    }
    fn auth(mut self, auth: Option<&'static str>) -> Self {
        self.auth = auth;
        self
    }
    fn raw_body(mut self, body: &str) -> Self {
        self.body = Some(body.into());
        self
    }
    fn content_type(mut self, content_type: Option<&'static str>) -> Self {
        self.content_type = content_type;
        self
    }
}

async fn check(base: &str, cases: Vec<Case>) {
    let http = raw();
    for case in cases {
        let mut request = http.request(
            reqwest::Method::from_bytes(case.method.as_bytes()).unwrap(),
            format!("{base}{}", case.path),
        );
        if let Some(auth) = case.auth {
            request = request.header("authorization", auth);
        }
        if let Some(content_type) = case.content_type {
            request = request.header("content-type", content_type);
        }
        if let Some(body) = case.body {
            request = request.body(body);
        }
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        let content_type = response.headers()["content-type"]
            .to_str()
            .unwrap()
            .to_string();
        let text = response.text().await.unwrap();
        assert_eq!(status, case.status, "{}: {text}", case.what);
        assert!(
            content_type.starts_with("application/json"),
            "{}: {content_type}",
            case.what
        );
        let body: Value = serde_json::from_str(&text).unwrap();
        if status < 400 {
            continue;
        }
        let error = body["error"]
            .as_str()
            .unwrap_or_else(|| panic!("{}: no error in {text}", case.what));
        assert!(
            error.contains(case.message),
            "{}: `{}` not in `{error}`",
            case.what,
            case.message
        );
        if let Some(code) = case.code {
            assert_eq!(body["code"], code, "{}: {text}", case.what);
        }
        // The typed client reads every error body.
        serde_json::from_str::<agentrun_buildprint::types::Error>(&text).unwrap();
    }
}

fn agent(extra: Value) -> Value {
    let mut body =
        json!({"appId": "demo-app", "prompt": "Fix it", "model": "buildprint-gpt-5.6-sol"});
    if let (Value::Object(body), Value::Object(extra)) = (&mut body, extra) {
        body.extend(extra);
    }
    body
}

#[tokio::test]
async fn buildprint_answers_bad_requests_with_documented_errors() {
    let emulator = start(manual()).await;
    let agents = "/api/public/v1/agents";
    check(
        &emulator.url(),
        vec![
            case("no token", "GET", "/api/public/v1/tests?appId=demo-app", None, 401)
                .auth(None)
                .code("unauthorized")
                .says("Authorization: Bearer bp_"),
            case("a wrong token", "GET", "/api/public/v1/tests?appId=demo-app", None, 401)
                .auth(Some("Bearer bp_wrong"))
                .code("unauthorized"),
            case("not a bearer token", "GET", "/api/public/v1/tests?appId=demo-app", None, 401)
                .auth(Some("Basic Zm9vOmJhcg=="))
                .code("unauthorized"),
            case("a missing field", "POST", agents, Some(json!({"appId": "demo-app", "model": "buildprint-gpt-5.6-sol"})), 400)
                .code("invalid_request")
                .says("`prompt` is required"),
            case("a wrong type", "POST", agents, Some(agent(json!({"permittedBranches": "main"}))), 400)
                .says("`permittedBranches`: invalid type"),
            case("an empty prompt", "POST", agents, Some(agent(json!({"prompt": "  "}))), 400)
                .says("`prompt` must not be empty"),
            case("an unknown model", "POST", agents, Some(agent(json!({"model": "gpt-9000"}))), 400)
                .code("invalid_model")
                .says("choose one of: claude-fable-5"),
            case("a provider model without userEmail", "POST", agents, Some(agent(json!({"model": "claude-opus-4.8"}))), 400)
                .code("user_email_required"),
            case("an openai model without userEmail", "POST", agents, Some(agent(json!({"model": "openai-gpt-5.5"}))), 400)
                .code("user_email_required"),
            case("a cursor model without userEmail", "POST", agents, Some(agent(json!({"model": "cursor-composer-2.5"}))), 400)
                .code("user_email_required"),
            case(
                "a stranger's email",
                "POST",
                agents,
                Some(agent(json!({"model": "claude-opus-4.8", "userEmail": "stranger@elsewhere.com"}))),
                403,
            )
            .code("user_not_workspace_member"),
            case(
                "a member without provider keys",
                "POST",
                agents,
                Some(agent(json!({"model": "openai-gpt-5.5", "userEmail": MEMBER_WITHOUT_CREDENTIALS}))),
                403,
            )
            .code("missing_provider_credentials"),
            case("an unknown app", "POST", agents, Some(agent(json!({"appId": "other-app"}))), 404)
                .code("app_not_found")
                .says("--app other-app"),
            case("a bad webhook URL", "POST", agents, Some(agent(json!({"completionWebhookUrl": "ftp://x"}))), 400)
                .says("completionWebhookUrl"),
            case("invalid JSON", "POST", agents, None, 400)
                .raw_body("{\"appId\": \"demo-app\",\n \"prompt\" \"x\"}")
                .code("invalid_json")
                .says("Invalid JSON at line 2, column 11"),
            case("a truncated body", "POST", agents, None, 400)
                .raw_body("{\"appId\": \"demo-")
                .code("invalid_json"),
            case("no body", "POST", agents, None, 400).code("invalid_json").says("needs a JSON body"),
            case("a form body", "POST", agents, None, 415)
                .raw_body("appId=demo-app")
                .content_type(Some("application/x-www-form-urlencoded"))
                .code("unsupported_media_type")
                .says("Content-Type: application/json"),
            case("no content type", "POST", agents, Some(agent(json!({}))), 415)
                .content_type(None)
                .code("unsupported_media_type"),
            case("an unknown agent", "GET", "/api/public/v1/agents/ag_999999", None, 404)
                .code("not_found")
                .says("Agent not found"),
            case("a history limit of 0", "GET", "/api/public/v1/agents/ag_000001?historyLimit=0", None, 400)
                .says("`historyLimit` must be at least 1"),
            case("a history limit that is not a number", "GET", "/api/public/v1/agents/ag_000001?historyLimit=ten", None, 400)
                .says("Invalid query string"),
            case("a missing query parameter", "GET", "/api/public/v1/tests", None, 400)
                .says("appId"),
            case("an unknown route", "GET", "/api/public/v1/nothing", None, 404)
                .code("route_not_found"),
            case("an unknown route without a token", "GET", "/favicon.ico", None, 404)
                .auth(None)
                .code("route_not_found"),
            case("a wrong method", "PATCH", agents, None, 405)
                .code("method_not_allowed")
                .says("PATCH is not allowed"),
            case(
                "a step without an instruction",
                "POST",
                "/api/public/v1/tests",
                Some(json!({"appId": "demo-app", "name": "x", "steps": [{"stepType": "test", "onFailure": "stop"}]})),
                400,
            )
            .says("`steps[0].instruction` is required"),
            case(
                "a component step without a component",
                "POST",
                "/api/public/v1/tests",
                Some(json!({"appId": "demo-app", "name": "x", "steps": [{"stepType": "component", "onFailure": "stop"}]})),
                400,
            )
            .says("`steps[0].componentId` is required"),
            case(
                "a group of unknown tests",
                "POST",
                "/api/public/v1/test-groups",
                Some(json!({"appId": "demo-app", "name": "x", "testIds": ["ts_nope"]})),
                400,
            )
            .says("no active test `ts_nope`"),
            case(
                "an unknown branch",
                "POST",
                "/api/public/v1/versions/sync",
                Some(json!({"appId": "demo-app", "version": "nope"})),
                404,
            )
            .code("branch_not_found"),
            case("a bad timestamp", "GET", "/api/public/v1/versions?appId=demo-app&version=main&syncedAfter=yesterday", None, 400)
                .says("ISO 8601"),
        ],
    )
    .await;
    // After all that, it still serves.
    let alive = raw()
        .get(format!(
            "{}/api/public/v1/tests?appId=demo-app",
            emulator.url()
        ))
        .header("authorization", "Bearer bp_emulator")
        .send()
        .await
        .unwrap();
    assert_eq!(alive.status(), 200);
}

#[tokio::test]
async fn plan_checks_answer_402() {
    let without_access = start(Config {
        api_access: false,
        ..manual()
    })
    .await;
    check(
        &without_access.url(),
        vec![
            case(
                "a plan without API access",
                "GET",
                "/api/public/v1/tests?appId=demo-app",
                None,
                402,
            )
            .code("api_access_required"),
            // The plan check applies to every endpoint (the spec documents 402 on each)...
            case(
                "GET agent checks the plan too",
                "GET",
                "/api/public/v1/agents/ag_000001",
                None,
                402,
            )
            .code("api_access_required"),
            // ...but the public document needs neither a token nor a plan (`security: []`).
            case(
                "the OpenAPI document is public",
                "GET",
                "/api/public/v1/openapi.json",
                None,
                200,
            )
            .auth(None),
        ],
    )
    .await;

    let broke = start(Config {
        paid_credits: Some(1),
        ..manual()
    })
    .await;
    check(
        &broke.url(),
        vec![
            case(
                "the one run paid for",
                "POST",
                "/api/public/v1/agents",
                Some(agent(json!({}))),
                202,
            ),
            case(
                "out of credits",
                "POST",
                "/api/public/v1/agents",
                Some(agent(json!({}))),
                402,
            )
            .code("insufficient_paid_credits"),
        ],
    )
    .await;
}

#[tokio::test]
async fn a_body_over_the_limit_answers_413() {
    let emulator = start(Config {
        max_body_bytes: 1024,
        ..manual()
    })
    .await;
    let big = agent(json!({"prompt": "x".repeat(4096)}));
    check(
        &emulator.url(),
        vec![
            case(
                "a large body",
                "POST",
                "/api/public/v1/agents",
                Some(big),
                413,
            )
            .code("payload_too_large"),
        ],
    )
    .await;
}

#[tokio::test]
async fn builder_checks_both_keys_and_the_user() {
    let emulator = start(manual()).await;
    let run = |query: &str| format!("/agents/run{query}");
    let body = |extra: Value| {
        let mut body =
            json!({"userMessage": {"userPrompt": "Build a page"}, "userEmail": MEMBER_EMAIL});
        if let (Value::Object(body), Value::Object(extra)) = (&mut body, extra) {
            body.extend(extra);
        }
        Some(body)
    };
    let private = Some("Bearer bpk-emulator");
    check(
        &emulator.url(),
        vec![
            case("no apiKey", "POST", &run(""), body(json!({})), 401).auth(private).says("apiKey"),
            case("a wrong apiKey", "POST", &run("?apiKey=other"), body(json!({})), 401).auth(private),
            case("no private key", "POST", &run("?apiKey=emulator-space"), body(json!({})), 401).auth(None),
            case("the public key as the bearer", "POST", &run("?apiKey=emulator-space"), body(json!({})), 401)
                .auth(Some("Bearer emulator-space"))
                .says("start with `bpk-`"),
            case("a wrong private key", "POST", &run("?apiKey=emulator-space"), body(json!({})), 401)
                .auth(Some("Bearer bpk-other")),
            case(
                "no user",
                "POST",
                &run("?apiKey=emulator-space"),
                Some(json!({"userMessage": {"userPrompt": "Build a page"}})),
                400,
            )
            .auth(private)
            .code("user_required"),
            case("an unknown user", "POST", &run("?apiKey=emulator-space"), body(json!({"userEmail": "who@nowhere.com"})), 404)
                .auth(private)
                .code("user_not_found"),
            case(
                "an empty prompt",
                "POST",
                &run("?apiKey=emulator-space"),
                Some(json!({"userMessage": {"userPrompt": ""}, "userId": "emulator-user"})),
                400,
            )
            .auth(private)
            .says("userPrompt"),
            case(
                "an unsupported attachment",
                "POST",
                &run("?apiKey=emulator-space"),
                body(json!({"userMessage": {"userPrompt": "x", "attachments": [{
                    "type": "upload", "name": "a.zip", "contentType": "application/zip",
                    "dataUrl": "data:application/zip;base64,UEsDBA==", "size": 4, "id": "1"}]}})),
                400,
            )
            .auth(private)
            .code("unsupported_content_type")
            .says("image/png, image/jpeg"),
            case(
                "a data URL of another type",
                "POST",
                &run("?apiKey=emulator-space"),
                body(json!({"userMessage": {"userPrompt": "x", "attachments": [{
                    "type": "upload", "name": "a.png", "contentType": "image/png",
                    "dataUrl": "data:image/gif;base64,R0lG", "size": 4, "id": "1"}]}})),
                400,
            )
            .auth(private)
            .says("data:image/png;base64,"),
            case(
                "a relative URL attachment",
                "POST",
                &run("?apiKey=emulator-space"),
                body(json!({"userMessage": {"userPrompt": "x", "attachments": [{"type": "url", "value": "/pricing"}]}})),
                400,
            )
            .auth(private)
            .says("fully qualified"),
        ],
    )
    .await;
    assert_eq!(emulator.received().builder_runs, 0);
}
