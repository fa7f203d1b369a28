//! Start a Buildprint agent on a Bubble app, follow it to its end, and print its answer.
//!
//! ```sh
//! export BUILDPRINT_TOKEN=bp_...
//! cargo run -p agentrun --example buildprint_agent -- your-bubble-app-id "Why does checkout fail?"
//! ```
//!
//! Against the emulator (`cargo run -p agentrun-emulator`):
//! `BUILDPRINT_BASE_URL=http://127.0.0.1:4010/api/public/v1 BUILDPRINT_TOKEN=bp_emulator`, app
//! `demo-app`.

use std::time::Duration;

use agentrun::buildprint::types::{HistoryMessageRole, RunStatus, SelectableModel, StartAgentBody};
use agentrun::{BuildprintClient, WaitOptions};

#[tokio::main]
async fn main() -> std::process::ExitCode {
    match run().await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            // The message, not the Debug form: it says what went wrong and what to do.
            eprintln!("error: {error}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let (Some(app_id), Some(prompt)) = (args.next(), args.next()) else {
        return Err("usage: buildprint_agent APP_ID PROMPT".into());
    };
    let buildprint = BuildprintClient::from_env()?;

    let api = buildprint.api();
    let started = buildprint
        .send(
            api.start_agent().body(
                StartAgentBody::builder()
                    .app_id(app_id)
                    .prompt(prompt)
                    .model(SelectableModel::BuildprintGpt56Sol),
            ),
        )
        .await?;
    println!("started agent {}", started.agent_id);

    let options = WaitOptions::default().timeout(Duration::from_secs(30 * 60));
    let agent = buildprint
        .wait_for_agent(&started.agent_id, &options, |progress| {
            if progress.changed {
                println!("  {} after {:.0?}", progress.status, progress.elapsed);
            }
        })
        .await?
        // The typed agent; `.raw()` before this would give the JSON the API sent.
        .into_inner();

    match agent.status {
        RunStatus::Completed => {
            let answer = agent
                .history
                .iter()
                .rev()
                .find(|message| message.role == Some(HistoryMessageRole::Assistant))
                .and_then(|message| message.content.clone())
                .unwrap_or_default();
            println!("completed: {answer}");
            Ok(())
        }
        status => Err(format!(
            "the agent ended {status}: {}",
            agent.last_error.unwrap_or_default()
        )
        .into()),
    }
}
