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

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use agentrun_emulator::{Config, Emulator};
use hdrhistogram::Histogram;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

struct Result {
    requests: u64,
    seconds: f64,
    latency: Histogram<u64>,
}

impl Result {
    fn rate(&self) -> f64 {
        self.requests as f64 / self.seconds
    }

    fn line(&self, what: &str) -> String {
        let us = |q: f64| self.latency.value_at_quantile(q) as f64 / 1000.0;
        format!(
            "{what:<34} {:>9.0} req/s   p50 {:>6.2} ms   p99 {:>6.2} ms   p99.9 {:>6.2} ms",
            self.rate(),
            us(0.50),
            us(0.99),
            us(0.999)
        )
    }
}

/// One keep-alive connection sending `request` until `stop`; latencies in microseconds.
async fn connection(
    addr: std::net::SocketAddr,
    request: Arc<Vec<u8>>,
    stop: Arc<AtomicBool>,
    record: Arc<AtomicBool>,
) -> (u64, Histogram<u64>) {
    let mut histogram = Histogram::<u64>::new(3).unwrap();
    let mut stream = TcpStream::connect(addr).await.unwrap();
    stream.set_nodelay(true).unwrap();
    let mut buffer = vec![0_u8; 64 * 1024];
    let mut count = 0;
    while !stop.load(Ordering::Relaxed) {
        let started = Instant::now();
        stream.write_all(&request).await.unwrap();
        let mut filled = 0;
        let (head_end, length) = loop {
            let n = stream.read(&mut buffer[filled..]).await.unwrap();
            assert!(n > 0, "the server closed the connection");
            filled += n;
            if let Some(end) = buffer[..filled].windows(4).position(|w| w == b"\r\n\r\n") {
                let head = std::str::from_utf8(&buffer[..end])
                    .unwrap()
                    .to_ascii_lowercase();
                assert!(head.starts_with("http/1.1 200"), "{head}");
                let length: usize = head
                    .lines()
                    .find_map(|l| l.strip_prefix("content-length:"))
                    .unwrap()
                    .trim()
                    .parse()
                    .unwrap();
                break (end + 4, length);
            }
        };
        while filled < head_end + length {
            let n = stream.read(&mut buffer[filled..]).await.unwrap();
            assert!(n > 0, "the server closed the connection mid-body");
            filled += n;
        }
        if record.load(Ordering::Relaxed) {
            histogram
                .record(started.elapsed().as_micros() as u64)
                .unwrap();
            count += 1;
        }
    }
    (count, histogram)
}

async fn load(
    addr: std::net::SocketAddr,
    request: String,
    connections: usize,
    seconds: u64,
) -> Result {
    let request = Arc::new(request.into_bytes());
    let stop = Arc::new(AtomicBool::new(false));
    let record = Arc::new(AtomicBool::new(false));
    let tasks: Vec<_> = (0..connections)
        .map(|_| {
            tokio::spawn(connection(
                addr,
                Arc::clone(&request),
                Arc::clone(&stop),
                Arc::clone(&record),
            ))
        })
        .collect();
    tokio::time::sleep(Duration::from_secs(1)).await;
    record.store(true, Ordering::Relaxed);
    let started = Instant::now();
    tokio::time::sleep(Duration::from_secs(seconds)).await;
    record.store(false, Ordering::Relaxed);
    let seconds = started.elapsed().as_secs_f64();
    stop.store(true, Ordering::Relaxed);
    let mut latency = Histogram::<u64>::new(3).unwrap();
    let mut requests = 0;
    for task in tasks {
        let (count, histogram) = task.await.unwrap();
        requests += count;
        latency.add(histogram).unwrap();
    }
    Result {
        requests,
        seconds,
        latency,
    }
}

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
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let seconds: u64 = args.first().and_then(|a| a.parse().ok()).unwrap_or(10);
    let connections: usize = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(64);
    // The servers run on their own runtime, as in the binary; the load on another.
    let servers = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let client = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();

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
