//! Retries, against the emulator's faults: what is retried, how long it waits, and what is
//! never sent twice.

// Test code: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used)]

mod common;

use std::time::{Duration, Instant};

use agentrun::buildprint::types as bp;
use agentrun::{ClientConfig, Error, RetryPolicy};
use agentrun_emulator::{Config, Emulator, Fault, FaultRule};
use common::{buildprint, manual, quick, start};

const GET_AGENT: &str = "GET /api/public/v1/agents/{agentId}";
const POST_AGENTS: &str = "POST /api/public/v1/agents";

fn agent_body() -> bp::builder::StartAgentBody {
    agentrun_emulator::fixtures::agent_body("Fix it")
}

fn calls(emulator: &Emulator, route: &str) -> u64 {
    emulator
        .received()
        .by_route
        .get(route)
        .copied()
        .unwrap_or(0)
}

fn status(status: u16) -> Fault {
    Fault::Status {
        status,
        retry_after: None,
    }
}

#[tokio::test]
async fn a_get_succeeds_after_503s() {
    let emulator = start(manual()).await;
    let client = buildprint(&emulator, quick());
    emulator.add_fault(FaultRule::new(GET_AGENT, status(503)).times(2));
    let agent = client
        .api()
        .get_agent()
        .agent_id("ag_000001")
        .send()
        .await
        .unwrap();
    assert_eq!(agent.agent_id, "ag_000001");
    assert_eq!(calls(&emulator, GET_AGENT), 3);
}

#[tokio::test]
async fn each_retryable_status_and_a_dropped_connection_are_retried() {
    let emulator = start(manual()).await;
    let client = buildprint(&emulator, quick());
    for code in [408, 429, 500, 502, 504] {
        emulator.add_fault(FaultRule::new(GET_AGENT, status(code)));
    }
    emulator.add_fault(FaultRule::new(GET_AGENT, Fault::DropBeforeProcessing));
    let client = client.api().with_retry(
        RetryPolicy::default()
            .max_attempts(7)
            .initial_backoff(Duration::from_millis(1)),
    );
    client
        .get_agent()
        .agent_id("ag_000001")
        .send()
        .await
        .unwrap();
    assert_eq!(calls(&emulator, GET_AGENT), 7);
}

#[tokio::test]
async fn put_and_delete_are_retried_too() {
    let emulator = start(manual()).await;
    let client = buildprint(&emulator, quick());
    let users = client
        .api()
        .list_test_users()
        .app_id("demo-app")
        .send()
        .await
        .unwrap();
    let user = &users.test_users[0];
    emulator.add_fault(FaultRule::new(
        "PUT /api/public/v1/test-users/*",
        status(502),
    ));
    emulator.add_fault(FaultRule::new(
        "DELETE /api/public/v1/test-users/*",
        status(503),
    ));
    client
        .api()
        .update_test_user()
        .test_user_id(&user.id)
        .body(
            bp::UpdateTestUserBody::builder()
                .name("Renamed")
                .database(user.database.clone())
                .is_disabled(false),
        )
        .send()
        .await
        .unwrap();
    client
        .api()
        .delete_test_user()
        .test_user_id(&user.id)
        .send()
        .await
        .unwrap();
    assert_eq!(
        calls(&emulator, "PUT /api/public/v1/test-users/{testUserId}"),
        2
    );
    assert_eq!(
        calls(&emulator, "DELETE /api/public/v1/test-users/{testUserId}"),
        2
    );
}

#[tokio::test]
async fn retry_after_is_honoured() {
    let emulator = start(manual()).await;
    let client = buildprint(&emulator, quick());
    emulator.add_fault(FaultRule::new(
        GET_AGENT,
        Fault::Status {
            status: 429,
            retry_after: Some("1".into()),
        },
    ));
    let started = Instant::now();
    client
        .api()
        .get_agent()
        .agent_id("ag_000001")
        .send()
        .await
        .unwrap();
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "waited {:?}",
        started.elapsed()
    );
    assert_eq!(calls(&emulator, GET_AGENT), 2);
}

#[tokio::test]
async fn retry_after_as_an_http_date_is_honoured() {
    let emulator = start(manual()).await;
    let client = buildprint(&emulator, quick());
    let at = httpdate_in(Duration::from_secs(2));
    emulator.add_fault(FaultRule::new(
        GET_AGENT,
        Fault::Status {
            status: 503,
            retry_after: Some(at),
        },
    ));
    let started = Instant::now();
    client
        .api()
        .get_agent()
        .agent_id("ag_000001")
        .send()
        .await
        .unwrap();
    // An HTTP date has whole seconds: the wait is at least one of them.
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "waited {:?}",
        started.elapsed()
    );
    assert_eq!(calls(&emulator, GET_AGENT), 2);
}

fn httpdate_in(from_now: Duration) -> String {
    let at = std::time::SystemTime::now() + from_now;
    let seconds = at.duration_since(std::time::UNIX_EPOCH).unwrap().as_secs();
    // RFC 7231 IMF-fixdate, computed by hand to keep the test free of date crates.
    let days = seconds / 86_400;
    let (hour, minute, second) = (seconds % 86_400 / 3600, seconds % 3600 / 60, seconds % 60);
    let weekday = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"][(days % 7) as usize];
    let (year, month, day) = civil_from_days(days as i64);
    let month = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ][month as usize - 1];
    format!("{weekday}, {day:02} {month} {year} {hour:02}:{minute:02}:{second:02} GMT")
}

/// Days since 1970-01-01 to (year, month, day): Howard Hinnant's algorithm.
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[tokio::test]
async fn a_retry_after_longer_than_the_cap_is_not_waited_for() {
    let emulator = start(manual()).await;
    let config =
        ClientConfig::new().retry(RetryPolicy::default().max_retry_after(Duration::from_secs(1)));
    let client = buildprint(&emulator, config);
    emulator.add_fault(FaultRule::new(
        GET_AGENT,
        Fault::Status {
            status: 429,
            retry_after: Some("120".into()),
        },
    ));
    let started = Instant::now();
    let error = client
        .api()
        .get_agent()
        .agent_id("ag_000001")
        .send()
        .await
        .unwrap_err();
    let error = client.error(error, "GET /agents/{agentId}").await;
    assert!(started.elapsed() < Duration::from_secs(10));
    assert_eq!(error.status(), Some(429));
    assert!(
        error.hint().unwrap().contains("limiting requests"),
        "{error}"
    );
    assert!(
        error
            .to_string()
            .contains("The API asks to wait 2m 00s before trying again"),
        "the ask not waited for is reported with its length: {error}"
    );
    assert_eq!(calls(&emulator, GET_AGENT), 1);
}

#[tokio::test]
async fn a_post_answered_429_is_retried_and_starts_one_run() {
    // A 429 means the API did not process the request, so even a POST is sent again.
    let emulator = start(manual()).await;
    let client = buildprint(&emulator, quick());
    let before = emulator.agent_ids().len();
    emulator.add_fault(FaultRule::new(
        POST_AGENTS,
        Fault::Status {
            status: 429,
            retry_after: Some("1".into()),
        },
    ));
    let started = Instant::now();
    let agent = client
        .api()
        .start_agent()
        .body(agent_body())
        .send()
        .await
        .unwrap();
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "Retry-After is honoured"
    );
    assert_eq!(calls(&emulator, POST_AGENTS), 2);
    assert_eq!(
        emulator.agent_ids().len(),
        before + 1,
        "exactly one agent exists"
    );
    assert!(emulator.agent_ids().contains(&agent.agent_id));
}

#[tokio::test]
async fn other_error_statuses_on_a_post_are_never_replayed() {
    let emulator = start(manual()).await;
    let client = buildprint(&emulator, quick());
    for code in [408, 500, 502, 503, 504] {
        emulator.add_fault(FaultRule::new(POST_AGENTS, status(code)));
        let error = client
            .api()
            .start_agent()
            .body(agent_body())
            .send()
            .await
            .unwrap_err();
        assert_eq!(error.status().map(|s| s.as_u16()), Some(code));
    }
    assert_eq!(calls(&emulator, POST_AGENTS), 5, "each sent once");
    assert_eq!(emulator.received().agents_started, 0);
}

#[tokio::test]
async fn retries_end_after_the_last_attempt_with_the_last_answer() {
    let emulator = start(manual()).await;
    let client = buildprint(&emulator, quick());
    emulator.add_fault(FaultRule::new(GET_AGENT, status(503)).always());
    let error = client
        .api()
        .get_agent()
        .agent_id("ag_000001")
        .send()
        .await
        .unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(
        calls(&emulator, GET_AGENT),
        4,
        "the default policy makes 4 attempts"
    );

    let once = client.api().with_retry(RetryPolicy::none());
    once.get_agent()
        .agent_id("ag_000001")
        .send()
        .await
        .unwrap_err();
    assert_eq!(calls(&emulator, GET_AGENT), 5, "no retries when turned off");
}

#[tokio::test]
async fn a_post_that_got_an_answer_is_never_retried() {
    let emulator = start(manual()).await;
    let client = buildprint(&emulator, quick());
    emulator.add_fault(FaultRule::new(POST_AGENTS, status(503)));
    let error = client
        .api()
        .start_agent()
        .body(agent_body())
        .send()
        .await
        .unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(calls(&emulator, POST_AGENTS), 1);
}

#[tokio::test]
async fn a_post_whose_answer_was_lost_is_not_replayed() {
    let emulator = start(manual()).await;
    let client = buildprint(&emulator, quick());
    let before = emulator.agent_ids();
    emulator.add_fault(FaultRule::new(POST_AGENTS, Fault::DropAfterApplied));
    let error = client
        .api()
        .start_agent()
        .body(agent_body())
        .send()
        .await
        .unwrap_err();
    let error = client.error(error, "POST /agents").await;
    assert!(matches!(error, Error::MayHaveStarted { .. }), "{error:?}");
    let text = error.to_string();
    assert!(
        text.starts_with("POST /agents: the request was sent but its answer was lost"),
        "{text}"
    );
    assert!(
        text.contains("may have started; it was not sent again"),
        "{text}"
    );
    assert!(!error.is_transient(), "a wait must not poll it again");
    assert_eq!(calls(&emulator, POST_AGENTS), 1, "sent once");
    assert_eq!(emulator.received().agents_started, 1);
    assert_eq!(
        emulator.agent_ids().len(),
        before.len() + 1,
        "exactly one agent exists"
    );
}

#[tokio::test]
async fn a_post_dropped_before_processing_is_not_replayed_either() {
    // The client cannot tell "dropped before" from "dropped after": it must not resend.
    let emulator = start(manual()).await;
    let client = buildprint(&emulator, quick());
    emulator.add_fault(FaultRule::new(POST_AGENTS, Fault::DropBeforeProcessing));
    client
        .api()
        .start_agent()
        .body(agent_body())
        .send()
        .await
        .unwrap_err();
    assert_eq!(calls(&emulator, POST_AGENTS), 1);
    assert_eq!(emulator.received().agents_started, 0);
}

#[tokio::test]
async fn a_post_that_never_connected_is_retried() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let credentials = agentrun::BuildprintCredentials::new("bp_emulator")
        .unwrap()
        .with_base_url(&format!("http://127.0.0.1:{port}/api/public/v1"))
        .unwrap();
    let config = ClientConfig::new().retry(
        RetryPolicy::default()
            .max_attempts(40)
            .initial_backoff(Duration::from_millis(100))
            .max_backoff(Duration::from_millis(200)),
    );
    let client = agentrun::BuildprintClient::with_config(credentials, config).unwrap();
    let send =
        tokio::spawn(async move { client.api().start_agent().body(agent_body()).send().await });
    tokio::time::sleep(Duration::from_millis(300)).await;
    // Nothing listened while the first attempts were refused; now the API comes up.
    let emulator = Emulator::start(Config { ..manual() }, ("127.0.0.1", port))
        .await
        .unwrap();
    let accepted = send.await.unwrap().unwrap();
    assert_eq!(accepted.status, bp::RunStatus::Queued);
    assert_eq!(emulator.received().agents_started, 1);
    assert_eq!(calls(&emulator, POST_AGENTS), 1);
}
