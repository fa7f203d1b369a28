//! A canary token and canary keys appear in no output of any error path: not in `Display`, not
//! in `Debug` (of errors, clients, credentials), not in the log lines retries write. Its own
//! test binary, so the captured logs are this test's alone.

// Test code: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used)]

use std::sync::{Arc, Mutex};
use std::time::Duration;

use agentrun::{
    Attachment, BuilderClient, BuilderCredentials, BuildprintClient, BuildprintCredentials,
    ClientConfig, RetryPolicy,
};
use agentrun_emulator::{Clock, Config, Emulator, Fault, FaultRule};

const TOKEN: &str = "bp_CANARYtoken5f1c2e9a";
const PUBLIC_KEY: &str = "CANARYpublic7d3b";
const PRIVATE_KEY: &str = "bpk-CANARYprivate2a8e";

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Everything a user could print about a value.
fn outputs(value: &(impl std::fmt::Debug + ?Sized)) -> String {
    format!("{value:?}\n{value:#?}")
}

fn assert_clean(what: &str, text: &str) {
    for canary in ["CANARY", "5f1c2e9a", "7d3b", "2a8e"] {
        assert!(!text.contains(canary), "{what} shows a secret:\n{text}");
    }
}

#[tokio::test]
async fn no_error_path_shows_a_token_or_key() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .with_max_level(tracing::Level::TRACE)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let emulator = Emulator::start_local(Config {
        buildprint_token: TOKEN.into(),
        builder_public_key: PUBLIC_KEY.into(),
        builder_private_key: PRIVATE_KEY.into(),
        clock: Clock::manual(1_764_000_000_000),
        ..Config::default()
    })
    .await
    .unwrap();
    let quick = || {
        ClientConfig::new()
            .timeout(Duration::from_millis(500))
            .retry(RetryPolicy::default().initial_backoff(Duration::from_millis(5)))
    };
    let buildprint_credentials = BuildprintCredentials::new(TOKEN)
        .unwrap()
        .with_base_url(&emulator.buildprint_url())
        .unwrap();
    let buildprint =
        BuildprintClient::with_config(buildprint_credentials.clone(), quick()).unwrap();
    let builder_credentials = BuilderCredentials::new(PUBLIC_KEY, PRIVATE_KEY)
        .unwrap()
        .with_base_url(&emulator.builder_url())
        .unwrap();
    let builder = BuilderClient::with_config(builder_credentials.clone(), quick()).unwrap();
    let mut seen = Vec::new();

    // The values themselves.
    seen.push((
        "credentials",
        outputs(&buildprint_credentials) + &outputs(&builder_credentials),
    ));
    seen.push(("clients", outputs(&buildprint) + &outputs(&builder)));
    seen.push((
        "generated clients",
        outputs(buildprint.api()) + &outputs(builder.api()),
    ));

    // Buildprint: each kind of failure, as the generated error and as agentrun's.
    let faults = [
        Fault::Status {
            status: 503,
            retry_after: Some("0".into()),
        },
        Fault::Html { status: 502 },
        Fault::MalformedJson { status: 200 },
        Fault::DropBeforeProcessing,
        Fault::Latency { ms: 2_000 },
    ];
    for fault in faults {
        emulator.clear_faults();
        emulator.add_fault(FaultRule::new("GET /api/public/v1/agents/*", fault).always());
        let error = buildprint
            .api()
            .get_agent()
            .agent_id("ag_000001")
            .send()
            .await
            .unwrap_err();
        seen.push(("generated error", outputs(&error) + &error.to_string()));
        let error = buildprint.error(error, "GET /agents/{agentId}").await;
        seen.push(("agentrun error", outputs(&error) + &error.to_string()));
    }
    emulator.clear_faults();
    let wrong = BuildprintClient::new(
        BuildprintCredentials::new("bp_CANARYwrong")
            .unwrap()
            .with_base_url(&emulator.buildprint_url())
            .unwrap(),
    )
    .unwrap();
    let error = wrong
        .api()
        .list_tests()
        .app_id("demo-app")
        .send()
        .await
        .unwrap_err();
    seen.push((
        "401",
        outputs(&error) + &wrong.error(error, "GET /tests").await.to_string(),
    ));
    let error = buildprint
        .api()
        .get_agent()
        .agent_id("missing")
        .send()
        .await
        .unwrap_err();
    seen.push((
        "404",
        outputs(&buildprint.error(error, "GET /agents/{agentId}").await),
    ));
    let error = buildprint
        .wait_for_agent(
            "ag_000001",
            &agentrun::WaitOptions::default().timeout(Duration::ZERO),
            seen_progress,
        )
        .await;
    seen.push(("wait", format!("{error:?}")));

    // Builder: its public key travels in the URL's query string.
    let dead = BuilderClient::with_config(
        BuilderCredentials::new(PUBLIC_KEY, PRIVATE_KEY)
            .unwrap()
            .with_base_url("http://127.0.0.1:9")
            .unwrap(),
        quick(),
    )
    .unwrap();
    let error = dead
        .run("Build")
        .user_email("developer@yourcompany.com")
        .send()
        .await
        .unwrap_err();
    seen.push((
        "builder refused connection",
        outputs(&error) + &error.to_string(),
    ));
    let raw = dead
        .api()
        .run_agent()
        .api_key(PUBLIC_KEY)
        .body(
            agentrun::builder::types::AgentRunRequest::builder()
                .user_message(agentrun::builder::types::UserMessage::builder().user_prompt("Build"))
                .user_id(Some("emulator-user".to_string())),
        )
        .send()
        .await
        .unwrap_err();
    seen.push(("builder generated error", outputs(&raw) + &raw.to_string()));
    for fault in [
        Fault::Status {
            status: 503,
            retry_after: None,
        },
        Fault::Html { status: 500 },
        Fault::DropAfterApplied,
        Fault::Latency { ms: 2_000 },
    ] {
        emulator.clear_faults();
        emulator.add_fault(FaultRule::new("POST /agents/run", fault).always());
        let raw = builder
            .api()
            .run_agent()
            .api_key(PUBLIC_KEY)
            .body(
                agentrun::builder::types::AgentRunRequest::builder()
                    .user_message(
                        agentrun::builder::types::UserMessage::builder().user_prompt("Build"),
                    )
                    .user_id(Some("emulator-user".to_string())),
            )
            .send()
            .await
            .unwrap_err();
        seen.push(("builder generated error", outputs(&raw) + &raw.to_string()));
        let error = builder
            .run("Build")
            .user_id("emulator-user")
            .send()
            .await
            .unwrap_err();
        seen.push(("builder error", outputs(&error) + &error.to_string()));
    }
    emulator.clear_faults();
    let unknown_user = builder
        .run("Build")
        .user_email("who@nowhere.com")
        .send()
        .await
        .unwrap_err();
    seen.push((
        "builder 404",
        outputs(&unknown_user) + &unknown_user.to_string(),
    ));
    let attachment = Attachment::from_bytes("a.zip", b"PK\x03\x04".to_vec()).unwrap_err();
    seen.push(("attachment", outputs(&attachment)));

    // A wrong private key on the real route.
    let impostor = BuilderClient::new(
        BuilderCredentials::new(PUBLIC_KEY, "bpk-CANARYimpostor")
            .unwrap()
            .with_base_url(&emulator.builder_url())
            .unwrap(),
    )
    .unwrap();
    let error = impostor
        .run("Build")
        .user_id("emulator-user")
        .send()
        .await
        .unwrap_err();
    assert_eq!(error.status(), Some(401));
    seen.push(("builder 401", outputs(&error) + &error.to_string()));

    // A configuration error.
    let config = BuilderCredentials::new("bpk-CANARYswapped", "CANARYswappedpublic").unwrap_err();
    seen.push(("configuration", outputs(&config) + &config.to_string()));

    for (what, text) in &seen {
        assert_clean(what, text);
    }
    let log = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(log.contains("retrying"), "the retries were logged:\n{log}");
    assert_clean("the log", &log);
}

fn seen_progress(progress: &agentrun::Progress) {
    assert_clean("progress", &format!("{progress:?}"));
}
