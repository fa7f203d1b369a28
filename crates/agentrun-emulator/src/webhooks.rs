//! Completion webhooks: when a run with a `completionWebhookUrl` reaches a terminal state, a
//! JSON payload is POSTed there, and a non-2xx answer (or no answer) is retried up to 3 times.
//!
//! Only to loopback addresses unless the emulator allows other hosts
//! ([`crate::Config::allow_remote_webhooks`]): an emulator reachable by others must not become
//! a way to make requests from its machine. Redirects are never followed.

use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use serde::Serialize;
use serde_json::Value;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use crate::clock::Clock;

/// How many times a failed delivery is tried again.
pub const RETRIES: usize = 3;

/// One webhook: where it went, what it said, and every attempt.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Delivery {
    /// `agent.completed` or `review.completed`.
    pub event: String,
    /// Where it was POSTed.
    pub url: String,
    /// The JSON body.
    pub payload: Value,
    /// Every attempt, in order.
    pub attempts: Vec<Attempt>,
    /// Whether an attempt got a 2xx answer.
    pub delivered: bool,
}

/// One delivery attempt.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Attempt {
    /// The answer's status, if one came.
    pub status: Option<u16>,
    /// Why no answer came.
    pub error: Option<String>,
}

#[derive(Debug)]
struct Scheduled {
    due_ms: u64,
    url: String,
    payload: Value,
}

/// The webhook queue and its delivery log.
#[derive(Debug, Clone)]
pub(crate) struct Webhooks {
    queue: mpsc::UnboundedSender<Scheduled>,
    log: Arc<Mutex<Vec<Delivery>>>,
}

/// Whether a webhook may go to `url`: a loopback address, or any host when `allow_remote`.
fn may_deliver(url: &str, allow_remote: bool) -> Result<(), String> {
    let parsed = reqwest::Url::parse(url).map_err(|e| format!("not a URL ({e})"))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(format!("not an http(s) URL (scheme {})", parsed.scheme()));
    }
    let host = parsed.host_str().unwrap_or("");
    let loopback = match host.trim_matches(['[', ']']).parse::<std::net::IpAddr>() {
        Ok(ip) => ip.is_loopback(),
        Err(_) => host.eq_ignore_ascii_case("localhost"),
    };
    if loopback || allow_remote {
        return Ok(());
    }
    Err(format!(
        "not delivered: {} is not a loopback address; start the emulator with \
         --allow-remote-webhooks to deliver to other hosts",
        parsed.host_str().unwrap_or("the host")
    ))
}

impl Webhooks {
    /// Starts the scheduler; it stops when every `Webhooks` handle is dropped.
    pub(crate) fn start(
        clock: Clock,
        retry_delay: Duration,
        timeout: Duration,
        allow_remote: bool,
    ) -> (Self, JoinHandle<()>) {
        let (queue, inbox) = mpsc::unbounded_channel();
        let log = Arc::new(Mutex::new(Vec::new()));
        let client = reqwest::Client::builder()
            .timeout(timeout)
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!(
                "Buildprint-Webhook (agentrun-emulator/",
                env!("CARGO_PKG_VERSION"),
                ")"
            ))
            .build()
            .unwrap_or_default();
        let task = tokio::spawn(schedule(
            clock,
            inbox,
            Arc::clone(&log),
            client,
            retry_delay,
            allow_remote,
        ));
        (Self { queue, log }, task)
    }

    /// POSTs `payload` to `url` once the clock reaches `due_ms`.
    pub(crate) fn send_at(&self, due_ms: u64, url: String, payload: Value) {
        let _ = self.queue.send(Scheduled {
            due_ms,
            url,
            payload,
        });
    }

    /// Every delivery so far.
    pub(crate) fn log(&self) -> Vec<Delivery> {
        lock(&self.log).clone()
    }
}

fn lock(log: &Mutex<Vec<Delivery>>) -> MutexGuard<'_, Vec<Delivery>> {
    log.lock().unwrap_or_else(|e| e.into_inner())
}

async fn schedule(
    clock: Clock,
    mut inbox: mpsc::UnboundedReceiver<Scheduled>,
    log: Arc<Mutex<Vec<Delivery>>>,
    client: reqwest::Client,
    retry_delay: Duration,
    allow_remote: bool,
) {
    let mut due: BinaryHeap<Reverse<(u64, u64)>> = BinaryHeap::new();
    let mut waiting: BTreeMap<u64, Scheduled> = BTreeMap::new();
    let mut sequence = 0_u64;
    loop {
        let next = due.peek().map(|Reverse((at, _))| *at);
        tokio::select! {
            scheduled = inbox.recv() => match scheduled {
                Some(scheduled) => {
                    sequence += 1;
                    due.push(Reverse((scheduled.due_ms, sequence)));
                    waiting.insert(sequence, scheduled);
                }
                None => return,
            },
            _ = clock.sleep_until(next.unwrap_or(u64::MAX)), if next.is_some() => {
                let now = clock.now_ms();
                while let Some(Reverse((at, id))) = due.peek().copied() {
                    if at > now {
                        break;
                    }
                    due.pop();
                    if let Some(scheduled) = waiting.remove(&id) {
                        let index = {
                            let mut log = lock(&log);
                            log.push(Delivery {
                                event: scheduled.payload["event"].as_str().unwrap_or("").to_string(),
                                url: scheduled.url.clone(),
                                payload: scheduled.payload.clone(),
                                attempts: Vec::new(),
                                delivered: false,
                            });
                            log.len() - 1
                        };
                        if let Err(refused) = may_deliver(&scheduled.url, allow_remote) {
                            tracing::warn!("webhook {}", refused);
                            if let Some(delivery) = lock(&log).get_mut(index) {
                                delivery.attempts.push(Attempt { status: None, error: Some(refused) });
                            }
                            continue;
                        }
                        tokio::spawn(deliver(client.clone(), scheduled, Arc::clone(&log), index, retry_delay));
                    }
                }
            }
        }
    }
}

async fn deliver(
    client: reqwest::Client,
    scheduled: Scheduled,
    log: Arc<Mutex<Vec<Delivery>>>,
    index: usize,
    retry_delay: Duration,
) {
    for attempt in 0..=RETRIES {
        let result = client
            .post(&scheduled.url)
            .json(&scheduled.payload)
            .send()
            .await;
        let (status, error) = match result {
            Ok(response) => (Some(response.status().as_u16()), None),
            Err(error) => (None, Some(error.without_url().to_string())),
        };
        let delivered = status.is_some_and(|s| (200..300).contains(&s));
        if let Some(delivery) = lock(&log).get_mut(index) {
            delivery.attempts.push(Attempt { status, error });
            delivery.delivered = delivered;
        }
        if delivered {
            return;
        }
        if attempt < RETRIES {
            tokio::time::sleep(retry_delay).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn webhooks_go_to_loopback_only_unless_allowed() {
        for url in [
            "http://127.0.0.1:9/hook",
            "http://[::1]:9/",
            "http://localhost/x",
            "http://127.3.2.1/",
        ] {
            assert_eq!(may_deliver(url, false), Ok(()), "{url}");
        }
        for url in [
            "http://10.0.0.1/",
            "https://example.com/hook",
            "http://169.254.169.254/latest",
        ] {
            let refused = may_deliver(url, false).unwrap_err();
            assert!(refused.contains("--allow-remote-webhooks"), "{refused}");
            assert_eq!(may_deliver(url, true), Ok(()), "{url}");
        }
        assert!(may_deliver("file:///etc/passwd", true).is_err());
    }
}
