//! `agentrun buildprint agents ...`: start an agent (and follow it), read it, send it a
//! follow-up, wait for it.

use agentrun::buildprint::builder as op;
use agentrun::buildprint::types as bp;
use agentrun::runtime::Request;
use agentrun::{BuildprintClient, Error, Provider};
use serde_json::Map;

use super::flags::{AgentWait, StartAgentFlags, StartWait, WaitFlags};
use super::{
    Shown, announce, client, follow, model, parsed, run_outcome, send_flags, send_input, shown,
};
use crate::commands::flags::{input, value};
use crate::commands::{Invocation, Outcome};
use crate::output::{Output, fields, maybe_when, short, when};

/// `agents start`: the model checked against the known ones, then `--wait` follows it.
pub(super) async fn start(invocation: Invocation<'_>) -> Result<Outcome, Error> {
    let flags: StartAgentFlags = parsed(invocation.flags)?;
    let (client, out) = (client(&invocation)?, invocation.output);
    // The model that is sent: --model, or the one in --body.
    let input = input(
        Provider::Buildprint,
        op::StartAgent::OPERATION,
        invocation.flags,
        Map::new(),
    )?;
    if let Some(name) = input.get_body().and_then(|b| b["model"].as_str()) {
        model(name, &flags.models)?;
    }
    let started = send_input::<op::StartAgent<'_>>(&client, &input).await?;
    let note = format!(
        "Started agent {} on {} ({}).",
        started.agent_id, started.app_id, started.status
    );
    let follow = format!("agents wait --agent-id {}", started.agent_id);
    if announce(out, &flags.wait, &started, &note, &follow)? {
        return Ok(Outcome::Done);
    }
    follow_agent(&client, &started.agent_id, &flags.wait.flags, out).await
}

/// `agents get`.
pub(super) async fn get(invocation: Invocation<'_>) -> Result<Outcome, Error> {
    shown::<op::GetAgent<'_>>(&invocation, agent_text).await
}

/// `agents message`: then `--wait` follows the agent.
pub(super) async fn message(invocation: Invocation<'_>) -> Result<Outcome, Error> {
    let wait: StartWait = parsed(invocation.flags)?;
    let (client, out) = (client(&invocation)?, invocation.output);
    let agent_id = value(invocation.flags, "agentId").unwrap_or_default();
    let accepted =
        send_flags::<op::SendAgentMessage<'_>>(&client, invocation.flags, Map::new()).await?;
    let note = format!(
        "Queued a follow-up for agent {} ({}).",
        accepted.agent_id, accepted.status
    );
    let follow = format!("agents wait --agent-id {agent_id}");
    if announce(out, &wait, &accepted, &note, &follow)? {
        return Ok(Outcome::Done);
    }
    follow_agent(&client, &agent_id, &wait.flags, out).await
}

/// `agents wait`.
pub(super) async fn wait(invocation: Invocation<'_>) -> Result<Outcome, Error> {
    let wait: AgentWait = parsed(invocation.flags)?;
    let client = client(&invocation)?;
    follow_agent(&client, &wait.agent_id, &wait.flags, invocation.output).await
}

async fn follow_agent(
    client: &BuildprintClient,
    agent_id: &str,
    flags: &WaitFlags,
    out: Output,
) -> Result<Outcome, Error> {
    let shown = Shown {
        status: |a: &bp::Agent| a.status.to_string(),
        text: agent_text,
        outcome: |a| run_outcome(&a.status),
    };
    follow(
        format!("agent {agent_id}"),
        flags,
        out,
        shown,
        |options, reporter| async move {
            client
                .wait_for_agent(agent_id, &options, |p| reporter.update(p))
                .await
        },
    )
    .await
}

fn agent_text(agent: &bp::Agent) -> String {
    let mut text = fields(&[
        ("agent", agent.agent_id.clone()),
        ("status", agent.status.to_string()),
        ("kind", agent.kind.to_string()),
        ("app", format!("{} ({})", agent.app_id, agent.project_name)),
        ("model", agent.model.to_string()),
        ("permission", agent.permission.to_string()),
        ("created", when(agent.created_at)),
        ("completed", maybe_when(agent.completed_at)),
        ("review", agent.review_id.clone().unwrap_or_default()),
        ("last error", agent.last_error.clone().unwrap_or_default()),
    ]);
    if !agent.history.is_empty() {
        text.push_str(&format!("\nhistory ({} messages):", agent.history.len()));
        for message in &agent.history {
            let content = match (&message.content, &message.tool_name) {
                (Some(content), _) => short(content, 100),
                (None, Some(tool)) => format!("[{tool}]"),
                (None, None) => String::new(),
            };
            text.push_str(&format!(
                "\n  {:>3} {:<9} {content}",
                message.sequence.map(|n| n.to_string()).unwrap_or_default(),
                message.role.as_ref().map_or("", |role| role.as_str())
            ));
        }
    }
    text
}
