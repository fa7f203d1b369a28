//! Timeouts and errors against the emulator: what each failure looks like to a caller.

// Test code: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used)]

mod common;

use std::time::Duration;

use agentrun::buildprint::types as bp;
use agentrun::{ClientConfig, Error, RetryPolicy};
use agentrun_emulator::{Config, Fault, FaultRule, MEMBER_WITHOUT_CREDENTIALS};
use common::{builder, buildprint, manual, quick, start};

fn agent(model: bp::SelectableModel, email: Option<&str>) -> bp::builder::StartAgentBody {
    agentrun_emulator::fixtures::agent_body("Fix it")
        .model(model)
        .user_email(email.map(str::to_string))
}

#[tokio::test]
async fn a_client_timeout_fires_and_one_call_can_have_its_own() {
    let emulator = start(manual()).await;
    emulator.add_fault(
        FaultRule::new("GET /api/public/v1/tests", Fault::Latency { ms: 1_500 }).always(),
    );
    let config = ClientConfig::new()
        .timeout(Duration::from_millis(300))
        .retry(RetryPolicy::none());
    let client = buildprint(&emulator, config);
    let error = client
        .api()
        .list_tests()
        .app_id("demo-app")
        .send()
        .await
        .unwrap_err();
    let error = client.error(error, "GET /tests").await;
    match &error {
        Error::Transport { timed_out, .. } => assert!(timed_out),
        other => panic!("expected a timeout, got {other:?}"),
    }
    assert!(
        error
            .to_string()
            .starts_with("GET /tests: no answer: the request timed out"),
        "{error}"
    );
    assert!(error.is_transient());

    // The same client, with more time for one call.
    let patient = client.api().with_timeout(Duration::from_secs(10));
    patient
        .list_tests()
        .app_id("demo-app")
        .send()
        .await
        .unwrap();

    // And less time for another, under a generous client.
    let generous = buildprint(&emulator, ClientConfig::new().retry(RetryPolicy::none()));
    let hasty = generous.api().with_timeout(Duration::from_millis(200));
    let error = hasty
        .list_tests()
        .app_id("demo-app")
        .send()
        .await
        .unwrap_err();
    assert!(matches!(
        Error::from(error),
        Error::Transport {
            timed_out: true,
            ..
        }
    ));
}

#[tokio::test]
async fn documented_codes_come_with_a_hint() {
    let emulator = start(Config {
        max_concurrent_agents: 1,
        ..manual()
    })
    .await;
    let client = buildprint(&emulator, quick());
    let cases = [
        (
            agent(bp::SelectableModel::ClaudeOpus48, None),
            400,
            "user_email_required",
            "user email",
        ),
        (
            agent(
                bp::SelectableModel::ClaudeOpus48,
                Some("stranger@elsewhere.com"),
            ),
            403,
            "user_not_workspace_member",
            "not a member",
        ),
        (
            agent(
                bp::SelectableModel::OpenaiGpt55,
                Some(MEMBER_WITHOUT_CREDENTIALS),
            ),
            403,
            "missing_provider_credentials",
            "connect them",
        ),
        (
            agent("gpt-9000".into(), None),
            400,
            "invalid_model",
            "choose one",
        ),
    ];
    for (body, status, code, hint) in cases {
        let error = client
            .api()
            .start_agent()
            .body(body)
            .send()
            .await
            .unwrap_err();
        let error = client.error(error, "POST /agents").await;
        assert_eq!(error.status(), Some(status), "{error}");
        assert_eq!(error.code(), Some(code), "{error}");
        assert!(error.hint().unwrap().contains(hint), "{code}: {error}");
        assert!(
            error
                .to_string()
                .contains(&format!("POST /agents: {status}")),
            "{error}"
        );
        assert!(error.to_string().contains("Hint: "), "{error}");
    }
    client
        .api()
        .start_agent()
        .body(agent(bp::SelectableModel::BuildprintGpt56Sol, None))
        .send()
        .await
        .unwrap();
    let busy = client
        .api()
        .start_agent()
        .body(agent(bp::SelectableModel::BuildprintGpt56Sol, None))
        .send()
        .await
        .unwrap_err();
    let busy = client.error(busy, "POST /agents").await;
    assert_eq!(busy.status(), Some(409));
    assert!(
        busy.hint().unwrap().contains("concurrent agent limit"),
        "{busy}"
    );
}

#[tokio::test]
async fn plan_checks_and_bad_tokens_come_with_a_hint() {
    let no_access = start(Config {
        api_access: false,
        ..manual()
    })
    .await;
    let client = buildprint(&no_access, quick());
    let error = client
        .api()
        .list_tests()
        .app_id("demo-app")
        .send()
        .await
        .unwrap_err();
    let error = client.error(error, "GET /tests").await;
    assert_eq!(error.code(), Some("api_access_required"));
    assert!(
        error.hint().unwrap().contains("upgrade the plan"),
        "{error}"
    );

    let broke = start(Config {
        paid_credits: Some(0),
        ..manual()
    })
    .await;
    let client = buildprint(&broke, quick());
    let error = client
        .api()
        .start_agent()
        .body(agent(bp::SelectableModel::BuildprintGpt56Sol, None))
        .send()
        .await
        .unwrap_err();
    let error = client.error(error, "POST /agents").await;
    assert_eq!(error.code(), Some("insufficient_paid_credits"));
    assert!(error.hint().unwrap().contains("paid credits"), "{error}");

    let emulator = start(Config {
        buildprint_token: "bp_the_right_one".into(),
        ..manual()
    })
    .await;
    let wrong = agentrun::BuildprintClient::new(
        agentrun::BuildprintCredentials::new("bp_a_wrong_one")
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
    let error = wrong.error(error, "GET /tests").await;
    assert_eq!(error.status(), Some(401));
    assert!(
        error.hint().unwrap().contains("BUILDPRINT_TOKEN"),
        "{error}"
    );
}

#[tokio::test]
async fn a_body_that_is_not_json_becomes_status_and_excerpt() {
    let emulator = start(manual()).await;
    let client = buildprint(&emulator, ClientConfig::new().retry(RetryPolicy::none()));

    // A documented status (404) with a proxy's HTML page.
    emulator.add_fault(FaultRule::new(
        "GET /api/public/v1/tests",
        Fault::Html { status: 404 },
    ));
    let error = client
        .api()
        .list_tests()
        .app_id("demo-app")
        .send()
        .await
        .unwrap_err();
    let error = client.error(error, "GET /tests").await;
    assert_eq!(error.status(), Some(404));
    assert_eq!(
        error.to_string(),
        "GET /tests: 404 Not Found: 404 Not Found (The 404 answer was text/html; charset=utf-8, not JSON)"
    );

    // A status this call does not document (502), as HTML: status and excerpt too.
    emulator.add_fault(FaultRule::new(
        "GET /api/public/v1/agents/*",
        Fault::Html { status: 502 },
    ));
    let error = client
        .api()
        .get_agent()
        .agent_id("ag_000001")
        .send()
        .await
        .unwrap_err();
    let error = client.error(error, "GET /agents/{agentId}").await;
    assert_eq!(error.status(), Some(502));
    assert!(error.to_string().contains("502 Bad Gateway"), "{error}");
    assert!(error.is_transient());

    // A success answer that is not JSON.
    emulator.add_fault(FaultRule::new(
        "GET /api/public/v1/agents/*",
        Fault::MalformedJson { status: 200 },
    ));
    let error = client
        .api()
        .get_agent()
        .agent_id("ag_000001")
        .send()
        .await
        .unwrap_err();
    let error = client.error(error, "GET /agents/{agentId}").await;
    assert!(matches!(error, Error::Decode { .. }), "{error:?}");
    assert!(
        error
            .to_string()
            .contains("it begins \"{\"agentId\": \"ag_000001\""),
        "{error}"
    );
}

#[tokio::test]
async fn builder_errors_read_as_well() {
    let emulator = start(manual()).await;
    let client = builder(&emulator, quick());
    let error = client
        .run("Build a page")
        .user_email("who@nowhere.com")
        .send()
        .await
        .unwrap_err();
    assert_eq!(error.status(), Some(404));
    assert!(
        error
            .hint()
            .unwrap()
            .contains("not a user of this Builder Space"),
        "{error}"
    );
    let error = client
        .run("   ")
        .user_email("developer@yourcompany.com")
        .send()
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Invalid { .. }), "{error:?}");
    let error = client.run("Build a page").send().await.unwrap_err();
    assert!(
        error.to_string().contains("say which Builder user"),
        "{error}"
    );
    assert_eq!(
        emulator.received().requests,
        1,
        "refused runs are never sent"
    );
}

#[tokio::test]
async fn forward_compatibility_end_to_end() {
    let emulator = start(manual()).await;
    let client = buildprint(&emulator, quick());
    emulator.add_fault(
        FaultRule::new(
            "GET /api/public/v1/agents/*",
            Fault::Patch {
                merge: serde_json::json!({
                    "model": "claude-opus-9", "status": "paused_for_review",
                    "billing": {"credits": 3}, "history": [{"id": "m1", "sequence": 1, "role": "critic",
                    "content": "new role", "toolName": null, "toolParameters": null, "attachments": [], "createdAt": 1}]
                }),
                status: None,
            },
        )
        .always(),
    );
    let agent = client
        .api()
        .get_agent()
        .agent_id("ag_000001")
        .send()
        .await
        .unwrap();
    assert_eq!(agent.model, bp::Model::Unknown("claude-opus-9".into()));
    assert_eq!(
        agent.status,
        bp::RunStatus::Unknown("paused_for_review".into())
    );
    assert_eq!(
        agent.history[0].role,
        Some(bp::HistoryMessageRole::Unknown("critic".into()))
    );

    // A wait on such an agent keeps going: an unknown status is not taken for an end.
    let options = agentrun::WaitOptions::default()
        .interval(Duration::from_millis(5))
        .timeout(Duration::from_millis(60));
    let error = client
        .wait_for_agent("ag_000001", &options, |_| {})
        .await
        .unwrap_err();
    assert!(
        error.to_string().contains("it was still paused_for_review"),
        "{error}"
    );
}
