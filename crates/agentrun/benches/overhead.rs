//! The facade's per-request overhead: `GET /api/public/v1/agents/{id}` to the emulator through
//! `BuildprintClient` (progenitor's builder, the runtime's retry hook, typed decoding) next to
//! plain reqwest doing the same request and the same typed decoding, in the same run.
//!
//! ```text
//! cargo bench -p agentrun --bench overhead [-- ROUNDS REQUESTS]
//! ```
//!
//! Each round sends REQUESTS (default 2000) sequential requests with each client, alternating
//! which goes first; the ratio reported is the median of the rounds' ratios (default 11 rounds).

// A benchmark: a failed unwrap is a failed run.
#![allow(clippy::unwrap_used, missing_docs)]

use std::time::{Duration, Instant};

use agentrun::buildprint::types::Agent;
use agentrun::{BuildprintClient, BuildprintCredentials, ClientConfig};
use agentrun_emulator::{Config, Emulator};

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let rounds: usize = args.first().and_then(|a| a.parse().ok()).unwrap_or(11);
    let requests: usize = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(2000);

    let server = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let emulator = server
        .block_on(Emulator::start_local(Config::default()))
        .unwrap();
    let id = emulator.insert_finished_agents(1).remove(0);
    let client = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();

    let facade = BuildprintClient::with_config(
        BuildprintCredentials::new("bp_emulator")
            .unwrap()
            .with_base_url(&emulator.buildprint_url())
            .unwrap(),
        ClientConfig::new(),
    )
    .unwrap();
    let raw = reqwest::Client::builder()
        .user_agent("bench")
        .timeout(Duration::from_secs(60))
        .build()
        .unwrap();
    let url = format!("{}/agents/{id}", emulator.buildprint_url());

    let run_facade = || {
        client.block_on(async {
            let started = Instant::now();
            for _ in 0..requests {
                let agent = facade.api().get_agent().agent_id(&id).send().await.unwrap();
                assert_eq!(agent.agent_id, id);
            }
            started.elapsed()
        })
    };
    let run_raw = || {
        client.block_on(async {
            let started = Instant::now();
            for _ in 0..requests {
                let agent: Agent = raw
                    .get(&url)
                    .bearer_auth("bp_emulator")
                    .header("accept", "application/json")
                    .send()
                    .await
                    .unwrap()
                    .json()
                    .await
                    .unwrap();
                assert_eq!(agent.agent_id, id);
            }
            started.elapsed()
        })
    };

    // Warm both (connections, allocator).
    run_facade();
    run_raw();
    let mut ratios = Vec::new();
    let (mut facade_total, mut raw_total) = (Duration::ZERO, Duration::ZERO);
    for round in 0..rounds {
        let (f, r) = if round % 2 == 0 {
            let f = run_facade();
            (f, run_raw())
        } else {
            let r = run_raw();
            (run_facade(), r)
        };
        facade_total += f;
        raw_total += r;
        ratios.push(f.as_secs_f64() / r.as_secs_f64());
    }
    ratios.sort_by(f64::total_cmp);
    let per = |total: Duration| total.as_secs_f64() * 1e6 / (rounds * requests) as f64;
    println!(
        "{rounds} rounds x {requests} sequential GET /agents/{{id}} to the emulator, one keep-alive connection each"
    );
    println!(
        "raw reqwest + typed decode   {:>8.1} µs per request",
        per(raw_total)
    );
    println!(
        "agentrun BuildprintClient    {:>8.1} µs per request",
        per(facade_total)
    );
    println!(
        "ratio agentrun / raw: median {:.3} (min {:.3}, max {:.3})",
        ratios[ratios.len() / 2],
        ratios[0],
        ratios[ratios.len() - 1]
    );
}
