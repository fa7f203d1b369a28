//! The load generator the benchmarks share: keep-alive HTTP/1.1 connections on loopback, each
//! sending its next request as soon as the answer arrives.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use hdrhistogram::Histogram;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// What one load run measured.
pub(crate) struct Result {
    /// Answers received while recording.
    pub(crate) requests: u64,
    /// How long the recording lasted.
    pub(crate) seconds: f64,
    /// Latencies, in microseconds.
    pub(crate) latency: Histogram<u64>,
}

impl Result {
    /// Requests per second.
    pub(crate) fn rate(&self) -> f64 {
        self.requests as f64 / self.seconds
    }

    /// One line: the rate and the latency quantiles.
    pub(crate) fn line(&self, what: &str) -> String {
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
                assert!(head.starts_with("http/1.1 2"), "{head}");
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

/// CONNECTIONS keep-alive connections sending `request` for `seconds` after a one-second
/// warm-up; every answer must be a success.
pub(crate) async fn load(
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

/// `SECONDS CONNECTIONS` from the command line (cargo's own `--bench` flag left aside):
/// 10 and 64 unless given.
pub(crate) fn arguments() -> (u64, usize) {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let seconds = args.first().and_then(|a| a.parse().ok()).unwrap_or(10);
    let connections = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(64);
    (seconds, connections)
}

/// Two runtimes of two workers each: the servers run on the first, as in the binary, and the
/// load on the second.
pub(crate) fn runtimes() -> (tokio::runtime::Runtime, tokio::runtime::Runtime) {
    let runtime = || {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap()
    };
    (runtime(), runtime())
}
