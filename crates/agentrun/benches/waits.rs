//! 1,000 concurrent waits against the emulator: wall time, memory, and the connections they use.
//!
//! ```text
//! cargo bench -p agentrun --bench waits [-- WAITS]
//! ```
//!
//! The emulator runs at speed 10 (an agent ends about 2.2 s after it starts); every wait polls
//! from 100 ms, growing 1.5x up to 1 s, through one shared `BuildprintClient`.

// A benchmark: a failed unwrap is a failed run.
#![allow(clippy::unwrap_used, missing_docs)]

use std::time::{Duration, Instant};

use agentrun::buildprint::types::{RunStatus, SelectableModel, StartAgentBody};
use agentrun::{BuildprintClient, BuildprintCredentials, ClientConfig, WaitOptions};
use agentrun_emulator::{Clock, Config, Emulator};

fn rss_kib(field: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix(field))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        })
        .unwrap_or(0)
}

fn main() {
    let waits: usize = std::env::args()
        .skip(1)
        .find(|a| !a.starts_with("--"))
        .and_then(|a| a.parse().ok())
        .unwrap_or(1000);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let emulator = Emulator::start_local(Config {
            clock: Clock::scaled(10.0),
            max_concurrent_agents: 0,
            ..Config::default()
        })
        .await
        .unwrap();
        let client = BuildprintClient::with_config(
            BuildprintCredentials::new("bp_emulator").unwrap().with_base_url(&emulator.buildprint_url()).unwrap(),
            ClientConfig::new(),
        )
        .unwrap();
        let mut ids = Vec::with_capacity(waits);
        for i in 0..waits {
            let started = client
                .api()
                .start_agent()
                .body(
                    StartAgentBody::builder()
                        .app_id("demo-app")
                        .prompt(format!("Agent {i}"))
                        .model(SelectableModel::BuildprintGpt56Sol),
                )
                .send()
                .await
                .unwrap();
            ids.push(started.into_inner().agent_id);
        }
        let before = emulator.received();
        let rss_before = rss_kib("VmRSS:");
        let options = WaitOptions::default()
            .interval(Duration::from_millis(100))
            .max_interval(Duration::from_secs(1))
            .timeout(Duration::from_secs(120));
        let started = Instant::now();
        let tasks: Vec<_> = ids
            .into_iter()
            .map(|id| {
                let client = client.clone();
                let options = options.clone();
                tokio::spawn(async move { client.wait_for_agent(&id, &options, |_| {}).await })
            })
            .collect();
        for task in tasks {
            assert_eq!(task.await.unwrap().unwrap().status, RunStatus::Completed);
        }
        let wall = started.elapsed();
        let after = emulator.received();
        let polls = after.by_route["GET /api/public/v1/agents/{agentId}"]
            - before.by_route.get("GET /api/public/v1/agents/{agentId}").copied().unwrap_or(0);
        println!("{waits} concurrent waits on agents that end ~2.2 s after they start");
        println!("wall time: {:.2} s", wall.as_secs_f64());
        println!("polls: {polls} ({:.1} per wait)", polls as f64 / waits as f64);
        println!("connections opened by the waits: {}", after.connections - before.connections);
        println!(
            "memory: RSS {:.1} MiB before the waits, peak {:.1} MiB (emulator included; {:.1} KiB per wait at most)",
            rss_before as f64 / 1024.0,
            rss_kib("VmHWM:") as f64 / 1024.0,
            (rss_kib("VmHWM:").saturating_sub(rss_before)) as f64 / waits as f64
        );
    });
}
