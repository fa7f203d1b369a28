//! The `agentrun-emulator` binary: how it starts, what it serves, how it stops and refuses.

// Test code: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used)]

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

struct Running {
    child: Child,
    url: String,
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn launch(args: &[&str]) -> (Running, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_agentrun-emulator"))
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let url = line
        .strip_prefix("listening on ")
        .unwrap_or_else(|| panic!("first line: {line:?}"))
        .trim_end()
        .to_string();
    (Running { child, url }, line)
}

#[tokio::test]
async fn it_prints_where_it_listens_then_serves_both_apis() {
    let (running, line) = launch(&["--addr", "127.0.0.1:0"]);
    let port = line
        .strip_prefix("listening on http://127.0.0.1:")
        .and_then(|rest| rest.strip_suffix('\n'))
        .unwrap_or_else(|| panic!("first line: {line:?}"));
    assert!(port.parse::<u16>().unwrap() > 0);

    let http = reqwest::Client::new();
    let served = http
        .get(format!("{}/api/public/v1/openapi.json", running.url))
        .send()
        .await
        .unwrap();
    assert_eq!(served.status(), 200);
    assert_eq!(
        served.text().await.unwrap(),
        agentrun_emulator::BUILDPRINT_OPENAPI_JSON
    );

    let tests = http
        .get(format!(
            "{}/api/public/v1/tests?appId=demo-app",
            running.url
        ))
        .bearer_auth("bp_emulator")
        .send()
        .await
        .unwrap();
    assert_eq!(tests.status(), 200);
    let run = http
        .post(format!("{}/agents/run?apiKey=emulator-space", running.url))
        .bearer_auth("bpk-emulator")
        .json(&serde_json::json!({"userMessage": {"userPrompt": "Hi"}, "userId": "emulator-user"}))
        .send()
        .await
        .unwrap();
    assert_eq!(run.status(), 202);
}

#[test]
fn it_stops_cleanly_on_sigterm() {
    let (mut running, _) = launch(&["--addr", "127.0.0.1:0"]);
    let pid = running.child.id().to_string();
    assert!(
        Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap()
            .success()
    );
    let status = running.child.wait().unwrap();
    assert!(status.success(), "{status:?}");
}

#[test]
fn bad_flags_and_a_busy_port_are_refused_with_a_message() {
    let run = |args: &[&str]| {
        let output = Command::new(env!("CARGO_BIN_EXE_agentrun-emulator"))
            .args(args)
            .output()
            .unwrap();
        (
            output.status.code(),
            String::from_utf8_lossy(&output.stderr).into_owned(),
        )
    };
    let (code, stderr) = run(&["--speed", "0"]);
    assert_eq!(code, Some(2));
    assert!(
        stderr.contains("--speed must be a positive number"),
        "{stderr}"
    );

    let (code, stderr) = run(&["--builder-private-key", "emulator-space"]);
    assert_eq!(code, Some(2));
    assert!(stderr.contains("must start with `bpk-`"), "{stderr}");

    let (code, stderr) = run(&["--document", "no/such/openapi.yaml"]);
    assert_eq!(code, Some(2));
    assert!(
        stderr.contains("--document no/such/openapi.yaml: cannot read no/such/openapi.yaml"),
        "{stderr}"
    );
    let swagger = std::env::temp_dir().join(format!("swagger-{}.yaml", std::process::id()));
    std::fs::write(
        &swagger,
        "swagger: '2.0'\ninfo: {title: t, version: '1'}\npaths: {}\n",
    )
    .unwrap();
    let (code, stderr) = run(&["--document", swagger.to_str().unwrap()]);
    let _ = std::fs::remove_file(&swagger);
    assert_eq!(code, Some(2));
    assert!(stderr.contains("not an OpenAPI 3 document"), "{stderr}");
    assert!(stderr.contains("converted first"), "{stderr}");

    let busy = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = busy.local_addr().unwrap().to_string();
    let (code, stderr) = run(&["--addr", &addr]);
    assert_eq!(code, Some(2));
    assert!(
        stderr.contains(&format!("cannot listen on {addr}")),
        "{stderr}"
    );
    assert!(stderr.contains("--addr 127.0.0.1:0"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[tokio::test]
async fn custom_keys_are_never_printed_even_when_verbose() {
    let (mut running, line) = launch(&[
        "--addr",
        "127.0.0.1:0",
        "-v",
        "--buildprint-token",
        "bp_CANARY_1f2e3d",
        "--builder-private-key",
        "bpk-CANARY_4c5b6a",
        "--builder-public-key",
        "CANARY-space",
    ]);
    let http = reqwest::Client::new();
    let builder = http
        .post(format!("{}/agents/run?apiKey=CANARY-space", running.url))
        .bearer_auth("bpk-CANARY_4c5b6a")
        .json(&serde_json::json!({"userMessage": {"userPrompt": "Hi"}, "userId": "emulator-user"}))
        .send()
        .await
        .unwrap();
    assert_eq!(builder.status(), 202);
    let buildprint = http
        .get(format!(
            "{}/api/public/v1/tests?appId=demo-app",
            running.url
        ))
        .bearer_auth("bp_CANARY_1f2e3d")
        .send()
        .await
        .unwrap();
    assert_eq!(buildprint.status(), 200);
    let refused = http
        .get(format!(
            "{}/api/public/v1/tests?appId=demo-app",
            running.url
        ))
        .bearer_auth("bp_CANARY_wrong")
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 401);
    assert!(!refused.text().await.unwrap().contains("CANARY"));

    let pid = running.child.id().to_string();
    Command::new("kill").args(["-TERM", &pid]).status().unwrap();
    running.child.wait().unwrap();
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut running.child.stderr.take().unwrap(), &mut stderr).unwrap();
    assert!(
        stderr.contains("POST /agents/run -> 202"),
        "the requests are logged: {stderr}"
    );
    assert!(
        !line.contains("CANARY") && !stderr.contains("CANARY"),
        "{line}{stderr}"
    );
    assert!(stderr.contains("token the one given"), "{stderr}");
}
