//! Requests per second of the emulator serving a document it has no model of (`--document`),
//! next to Prism (`@stoplight/prism-cli`, the validating mock people reach for) serving the
//! same document, same request, same load, same run; and the emulator's modelled Buildprint
//! API as a third line.
//!
//! ```text
//! PRISM=/path/to/node_modules/.bin/prism \
//!   cargo bench -p agentrun-emulator --bench document [-- SECONDS CONNECTIONS]
//! ```
//!
//! The document is the Swagger Petstore 3 of the corpus (`generation-1/swagger-petstore.yaml`
//! in `../shared/corpus` or `$AGENTRUN_CORPUS`), the request `GET /api/v3/pet/1` with its
//! `api_key` header (`GET /pet/1` to Prism, which leaves the server's path out). Without `PRISM`, Prism's line is left out and the run says so. The load
//! is the one the `load` bench uses, from this process; compare the lines with each other.

// A benchmark: a failed unwrap is a failed run.
#![allow(clippy::unwrap_used, missing_docs)]

#[path = "common/load.rs"]
mod common;

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use agentrun_emulator::{Config, Emulator};
use agentrun_mock::StandIn;
use common::load;

const DOCUMENT: &str = "generation-1/swagger-petstore.yaml";
const REQUEST: &str = "GET /api/v3/pet/1 HTTP/1.1\r\nHost: bench\r\napi_key: k\r\n\r\n";
/// The same request to Prism, which serves the document's paths without its server's path.
const PRISM_REQUEST: &str = "GET /pet/1 HTTP/1.1\r\nHost: bench\r\napi_key: k\r\n\r\n";

fn corpus() -> PathBuf {
    match std::env::var_os("AGENTRUN_CORPUS").filter(|v| !v.is_empty()) {
        Some(dir) => PathBuf::from(dir),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus"),
    }
}

/// Prism serving `document` on a free port, once it answers.
fn prism(binary: &str, document: &std::path::Path) -> (Child, std::net::SocketAddr) {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let child = Command::new(binary)
        .args([
            "mock",
            "--host",
            "127.0.0.1",
            "--port",
            &port.to_string(),
            "--errors",
        ])
        .arg(document)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let addr: std::net::SocketAddr = format!("127.0.0.1:{port}").parse().unwrap();
    let started = Instant::now();
    while std::net::TcpStream::connect(addr).is_err() {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "Prism did not start"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    (child, addr)
}

fn main() {
    let (seconds, connections) = common::arguments();
    let document = corpus().join(DOCUMENT);
    if !document.exists() {
        println!(
            "skipped: {} is not there (set AGENTRUN_CORPUS to the folder of corpus sets)",
            document.display()
        );
        return;
    }
    let (servers, client) = common::runtimes();
    let stand_in = StandIn::read(&document).unwrap();
    let emulator = servers
        .block_on(Emulator::start_local(Config {
            max_concurrent_agents: 0,
            documents: vec![Arc::new(stand_in)],
            ..Config::default()
        }))
        .unwrap();
    let id = emulator.insert_finished_agents(1).remove(0);
    println!(
        "{connections} connections, {seconds} s each, on loopback; servers and load share the machine"
    );

    let served = client.block_on(load(emulator.addr(), REQUEST.into(), connections, seconds));
    println!("{}", served.line("emulator --document: GET /pet/1"));
    let modelled = format!(
        "GET /api/public/v1/agents/{id} HTTP/1.1\r\nHost: bench\r\nAuthorization: Bearer bp_emulator\r\n\r\n"
    );
    let agent = client.block_on(load(emulator.addr(), modelled, connections, seconds));
    println!("{}", agent.line("emulator model: GET /agents/{id}"));

    match std::env::var("PRISM") {
        Ok(binary) => {
            let (mut child, addr) = prism(&binary, &document);
            let peer = client.block_on(load(addr, PRISM_REQUEST.into(), connections, seconds));
            let _ = child.kill();
            let _ = child.wait();
            println!("{}", peer.line("prism mock: GET /pet/1"));
            println!(
                "ratio emulator --document / prism: {:.1}",
                served.rate() / peer.rate()
            );
        }
        Err(_) => println!("Prism left out: set PRISM to its binary (npm i @stoplight/prism-cli)"),
    }
}
