//! A provider is one entry, proved: a `[[provider]]` entry for a real-world document of the
//! corpus (Bump.sh's Train Travel API, `../shared/corpus/generation-1/readme-train-travel.json`),
//! added to a scratch copy of the workspace's `openapi/providers.toml`, is after `generate` and
//! with no other edit a client crate, a provider of the facade (`agentrun::Provider`), commands
//! `agentrun train-travel <tag> <operation>` with credentials from its security scheme, and an
//! API the emulator answers from its document.
//!
//! Heavy, so `.ci/run` runs it with `--ignored`; the scratch copy's binary is built against
//! this workspace's build directory.

// Test code: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used)]

use serde_json::Value;
use xtask::read::providers::workspace_root;

#[path = "support/scratch.rs"]
mod scratch;

/// The document, from the corpus beside the workspace.
const DOCUMENT: &str = "readme-train-travel.json";

/// The entry a user writes: no variable names, so they are derived (`TRAIN_TRAVEL_TOKEN` for
/// its one OAuth 2 scheme, `TRAIN_TRAVEL_BASE_URL`).
fn entry(spec: &std::path::Path) -> String {
    format!(
        "\n[[provider]]\nname = \"train-travel\"\ntitle = \"Train Travel API\"\n\
         spec = \"{}\"\ncrate_dir = \"crates/agentrun-train-travel\"\n",
        spec.display()
    )
}

/// The first example the document gives for the 200 answer of `GET path`.
fn documented_example(doc: &Value, path: &str) -> Value {
    let media = &doc["paths"][path]["get"]["responses"]["200"]["content"]["application/json"];
    if let Some(example) = media.get("example") {
        return example.clone();
    }
    let (_, first) = media["examples"]
        .as_object()
        .unwrap()
        .iter()
        .next()
        .unwrap();
    first["value"].clone()
}

/// POSTs `body` to `path` of the server at `url` (`http://HOST:PORT`) and returns the answer.
fn post_json(url: &str, path: &str, body: &str) -> String {
    use std::io::{Read, Write};
    let host = url.strip_prefix("http://").unwrap();
    let mut stream = std::net::TcpStream::connect(host).unwrap();
    write!(
        stream,
        "POST {path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    answer
}

#[test]
#[ignore = "heavy: builds the agentrun binary of a scratch workspace; .ci/run runs it"]
fn a_provider_entry_alone_is_a_crate_commands_credentials_and_an_emulated_api() {
    let root = workspace_root();
    let Ok(set) = xtask::checks::corpus::set_dir(&root, "generation-1") else {
        eprintln!(
            "skipped: ../shared/corpus/generation-1 is absent (the corpus is not in the repo)"
        );
        return;
    };
    let spec = set.join(DOCUMENT);
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(&spec).unwrap()).unwrap();
    let scratch = scratch::scratch_copy(&root, "new-provider-workspace");
    let before = scratch::hand_written(&scratch);

    // The one edit: an entry in the table. Then `cargo xtask generate`.
    let table = scratch.join("openapi/providers.toml");
    let mut text = std::fs::read_to_string(&table).unwrap();
    text.push_str(&entry(&spec));
    std::fs::write(&table, text).unwrap();
    xtask::commands::generate_command(&scratch, None, false, false).unwrap();
    assert_eq!(
        scratch::hand_written(&scratch),
        before,
        "a hand-written file changed"
    );
    let registry =
        std::fs::read_to_string(scratch.join("crates/agentrun-providers/src/lib.rs")).unwrap();
    assert!(registry.contains("Self::TrainTravel => &agentrun_train_travel::PROVIDER"));

    let binary = scratch::build_agentrun(&root, &scratch, "new-provider-target");

    // Commands from its operation table, connection flags from its security scheme.
    let (code, help, _) = scratch::run(&binary, &[], &["train-travel", "--help"]);
    assert_eq!(code, 0);
    for resource in ["stations", "trips", "bookings", "payments"] {
        assert!(help.contains(resource), "{help}");
    }
    let (code, help, _) = scratch::run(
        &binary,
        &[],
        &["train-travel", "trips", "get-trips", "--help"],
    );
    assert_eq!(code, 0);
    for flag in [
        "--origin",
        "--destination",
        "--date",
        "--token",
        "--base-url",
    ] {
        assert!(help.contains(flag), "{help}");
    }
    assert!(help.contains("$TRAIN_TRAVEL_TOKEN"), "{help}");

    // The emulator answers it from its document, under /train-travel.
    let (mut emulator, url) = scratch::start_emulator(&binary);
    let base = format!("{url}/train-travel");
    let canary = "tt_canary_0d5e2f";
    let env = [
        ("TRAIN_TRAVEL_BASE_URL", base.as_str()),
        ("TRAIN_TRAVEL_TOKEN", canary),
    ];
    let listed = scratch::run(&binary, &env, &["train-travel", "stations", "get-stations"]);
    // The flag stands in for the variable.
    let flagged = scratch::run(
        &binary,
        &[("TRAIN_TRAVEL_BASE_URL", base.as_str())],
        &[
            "train-travel",
            "stations",
            "get-stations",
            "--token",
            canary,
        ],
    );
    let unauthenticated = scratch::run(
        &binary,
        &[("TRAIN_TRAVEL_BASE_URL", base.as_str())],
        &["train-travel", "stations", "get-stations"],
    );
    // An error answer, through the facade's one error type.
    let fault = serde_json::json!({"route": "GET /train-travel/stations",
        "fault": {"kind": "status", "status": 404}});
    let added = post_json(&url, "/_emulator/faults", &fault.to_string());
    let refused = scratch::run(&binary, &env, &["train-travel", "stations", "get-stations"]);
    let _ = emulator.kill();
    let _ = emulator.wait();

    let (code, stdout, stderr) = listed;
    assert_eq!(code, 0, "{stderr}");
    let answer: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(answer, documented_example(&doc, "/stations"));
    let (code, stdout, stderr) = flagged;
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(serde_json::from_str::<Value>(&stdout).unwrap(), answer);

    let (code, _, stderr) = unauthenticated;
    assert_eq!(code, 2, "{stderr}");
    assert_eq!(
        stderr.trim_end(),
        "error: GET /stations needs credentials and none is set: set TRAIN_TRAVEL_TOKEN \
         (or pass --token)"
    );
    assert!(added.starts_with("HTTP/1.1 201"), "{added}");
    let (code, _, stderr) = refused;
    assert_eq!(code, 3, "{stderr}");
    assert!(
        stderr.starts_with("error: GET /stations: 404 Not Found"),
        "{stderr}"
    );
    assert!(!stderr.contains(canary), "{stderr}");
}
