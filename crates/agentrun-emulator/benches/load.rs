//! Requests per second and latency of `GET /api/public/v1/agents/{id}`, next to a baseline
//! (a bare axum route answering `{"ok":true}` on the same stack) measured in the same run, and
//! the memory 100,000 stored agents take.
//!
//! ```text
//! cargo bench -p agentrun-emulator --bench load [-- SECONDS CONNECTIONS]
//! ```
//!
//! The load comes from this process: CONNECTIONS (default 64) keep-alive HTTP/1.1 connections
//! on loopback, each sending its next request as soon as the answer arrives, for SECONDS
//! (default 10) after a one-second warm-up. The server and the load share the machine's cores,
//! as they do with wrk; compare the emulator with the baseline, not with another machine.

// A benchmark: a failed unwrap is a failed run.
#![allow(clippy::unwrap_used, missing_docs)]

#[path = "common/load.rs"]
mod common;

use std::time::Instant;

use agentrun_emulator::{Config, Emulator};
use common::load;

fn rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("VmRSS:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        })
        .unwrap_or(0)
}

fn main() {
    let (seconds, connections) = common::arguments();
    let (servers, client) = common::runtimes();

    let baseline_addr = servers.block_on(async {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let app = axum::Router::new().route(
            "/ok",
            axum::routing::get(|| async { axum::Json(serde_json::json!({"ok": true})) }),
        );
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        addr
    });
    let emulator = servers
        .block_on(Emulator::start_local(Config {
            max_concurrent_agents: 0,
            ..Config::default()
        }))
        .unwrap();
    let id = emulator.insert_finished_agents(1).remove(0);

    println!(
        "{connections} connections, {seconds} s each, on loopback; server and load share the machine"
    );
    let baseline = client.block_on(load(
        baseline_addr,
        "GET /ok HTTP/1.1\r\nHost: bench\r\n\r\n".into(),
        connections,
        seconds,
    ));
    println!("{}", baseline.line("baseline: axum GET /ok"));
    let request = format!(
        "GET /api/public/v1/agents/{id} HTTP/1.1\r\nHost: bench\r\nAuthorization: Bearer bp_emulator\r\n\r\n"
    );
    let agent = client.block_on(load(emulator.addr(), request.clone(), connections, seconds));
    println!("{}", agent.line("emulator: GET /agents/{id}"));
    println!(
        "ratio emulator / baseline: {:.2}",
        agent.rate() / baseline.rate()
    );

    let before = rss_kib();
    let started = Instant::now();
    emulator.insert_finished_agents(100_000);
    let inserted = started.elapsed();
    let after = rss_kib();
    println!(
        "100,000 stored agents: RSS {:.1} MiB -> {:.1} MiB (+{:.1} MiB, {:.0} bytes per agent), inserted in {:.0} ms",
        before as f64 / 1024.0,
        after as f64 / 1024.0,
        (after - before) as f64 / 1024.0,
        (after - before) as f64 * 1024.0 / 100_000.0,
        inserted.as_secs_f64() * 1000.0
    );
    let crowded = client.block_on(load(emulator.addr(), request, connections, seconds));
    println!("{}", crowded.line("emulator, 100,001 agents stored"));
}
