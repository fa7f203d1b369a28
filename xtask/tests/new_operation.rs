//! One source of truth, proved: an operation added to the Buildprint spec (through an overlay
//! action, in a scratch copy of the workspace) is, after `generate` and with no hand-written
//! change, a client method, a command of the `agentrun` binary, an operation the emulator
//! answers from the spec, and an error label of the facade.
//!
//! Heavy, so `.ci/run` runs it with `--ignored`: the scratch copy's `agentrun` binary is built
//! against what this workspace has already built (its build directory, shared), so only the
//! workspace's own crates are compiled again.

// Test code: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used)]

use std::path::Path;

#[path = "support/scratch.rs"]
mod scratch;

use xtask::read::providers::workspace_root;

/// The synthetic operation, as an overlay action: a follow-up endpoint the docs do not have.
const NEW_OPERATION: &str = r#"
  - target: $.paths
    description: A synthetic operation, added by xtask/tests/new_operation.rs.
    update:
      /api/public/v1/agents/{agentId}/cancel:
        post:
          operationId: cancelAgent
          tags: [Agents]
          summary: Cancel an agent run
          parameters:
            - {name: agentId, in: path, required: true, schema: {type: string},
               description: The agent to cancel.}
          requestBody:
            required: true
            content:
              application/json:
                schema:
                  type: object
                  required: [reason]
                  properties:
                    reason: {type: string, description: Why the run is canceled.}
                    notify: {type: boolean, description: Whether to notify the requester.}
          responses:
            '200':
              description: Canceled
              content:
                application/json:
                  schema:
                    type: object
                    required: [agentId, canceled]
                    properties:
                      agentId: {type: string}
                      canceled: {type: boolean}
                  example: {agentId: ag_000001, canceled: true}
            '401': {$ref: '#/components/responses/Unauthorized'}
"#;

/// Runs the scratch `agentrun` binary with these arguments against `base_url`.
fn agentrun(binary: &Path, base_url: &str, token: &str, args: &[&str]) -> (i32, String, String) {
    scratch::run(
        binary,
        &[
            ("BUILDPRINT_BASE_URL", base_url),
            ("BUILDPRINT_TOKEN", token),
        ],
        args,
    )
}

#[test]
#[ignore = "heavy: builds the agentrun binary of a scratch workspace; .ci/run runs it"]
fn a_new_operation_in_the_spec_reaches_every_layer_with_no_hand_edit() {
    let root = workspace_root();
    let scratch = scratch::scratch_copy(&root, "new-operation-workspace");
    let before = scratch::hand_written(&scratch);

    // The spec change: one overlay action, then `cargo xtask generate`.
    let overlay = scratch.join("openapi/buildprint/overlay.yaml");
    let mut text = std::fs::read_to_string(&overlay).unwrap();
    text.push_str(NEW_OPERATION);
    std::fs::write(&overlay, text).unwrap();
    xtask::commands::generate_command(&scratch, Some("buildprint"), false, false).unwrap();

    // The client method and its table entry.
    let generated =
        std::fs::read_to_string(scratch.join("crates/agentrun-buildprint/src/generated.rs"))
            .unwrap();
    assert!(generated.contains("pub fn cancel_agent(&self) -> builder::CancelAgent<'_>"));
    assert!(generated.contains(r#"label: "POST /agents/{agentId}/cancel""#));
    assert!(generated.contains("impl<'a> agentrun_runtime::Request for builder::CancelAgent<'a>"));
    // Nothing hand-written changed.
    assert_eq!(scratch::hand_written(&scratch), before);

    // The binary, built from the scratch workspace.
    let binary = scratch::build_agentrun(&root, &scratch, "new-operation-target");

    // A command for it, with a flag per field, required as the spec says.
    let (code, help, _) = agentrun(
        &binary,
        "http://127.0.0.1:9",
        "bp_x",
        &["buildprint", "agents", "--help"],
    );
    assert_eq!(code, 0);
    assert!(help.contains("cancel-agent"), "{help}");
    let (code, _, stderr) = agentrun(
        &binary,
        "http://127.0.0.1:9",
        "bp_x",
        &[
            "buildprint",
            "agents",
            "cancel-agent",
            "--agent-id",
            "ag_000001",
        ],
    );
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("--reason <REASON>"), "{stderr}");

    // The emulator answers it from the spec, through the command.
    let (mut emulator, url) = scratch::start_emulator(&binary);
    let url = format!("{url}/api/public/v1");
    let args = [
        "buildprint",
        "agents",
        "cancel-agent",
        "--agent-id",
        "ag_000001",
        "--reason",
        "not needed",
        "--notify",
    ];
    let answered = agentrun(
        &binary,
        &url,
        agentrun_emulator::DEFAULT_BUILDPRINT_TOKEN,
        &args,
    );
    // The facade names the operation in an error, from the table.
    let refused = agentrun(&binary, &url, "bp_not_this_workspace", &args);
    let _ = emulator.kill();
    let _ = emulator.wait();
    let (code, stdout, stderr) = answered;
    assert_eq!(code, 0, "{stderr}");
    let answer: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(
        answer,
        serde_json::json!({"agentId": "ag_000001", "canceled": true})
    );
    let (code, _, stderr) = refused;
    assert_eq!(code, 3, "{stderr}");
    assert!(
        stderr.starts_with("error: POST /agents/{agentId}/cancel: 401 Unauthorized"),
        "{stderr}"
    );
}
