//! `agentrun buildprint test-runs|test-group-runs ...`: start a run of a test or of a test
//! group on a branch (and follow it), read it, wait for it.

use agentrun::buildprint::builder as op;
use agentrun::buildprint::types as bp;
use agentrun::runtime::Request;
use agentrun::{BuildprintClient, Error};
use serde_json::Map;

use super::flags::{GroupRunWait, StartWait, TestRunWait, WaitFlags};
use super::{
    Shown, announce, answered_id, client, follow, parsed, send_flags, shown, test_outcome,
};
use crate::commands::{Invocation, Outcome};
use crate::output::{Output, fields, maybe_when, short, table};

/// `test-runs start`: then `--wait` follows the run.
pub(super) async fn start_test_run(invocation: Invocation<'_>) -> Result<Outcome, Error> {
    let wait: StartWait = parsed(invocation.flags)?;
    let (client, out, m) = (&client(&invocation)?, invocation.output, invocation.flags);
    let started = send_flags::<op::StartTestRun<'_>>(client, m, Map::new()).await?;
    let note = format!("Started test run {}.", started.run_id);
    let follow = format!("test-runs wait --run-id {}", started.run_id);
    if announce(out, &wait, &started, &note, &follow)? {
        return Ok(Outcome::Done);
    }
    follow_test_run(client, &started.run_id, &wait.flags, out).await
}

/// `test-runs get`.
pub(super) async fn get_test_run(invocation: Invocation<'_>) -> Result<Outcome, Error> {
    shown::<op::GetTestRun<'_>>(&invocation, test_run_text).await
}

/// `test-runs wait`.
pub(super) async fn wait_test_run(invocation: Invocation<'_>) -> Result<Outcome, Error> {
    let wait: TestRunWait = parsed(invocation.flags)?;
    let client = client(&invocation)?;
    follow_test_run(&client, &wait.run_id, &wait.flags, invocation.output).await
}

async fn follow_test_run(
    client: &BuildprintClient,
    run_id: &str,
    flags: &WaitFlags,
    out: Output,
) -> Result<Outcome, Error> {
    let shown = Shown {
        status: |r: &bp::GetTestRunResponse| r.run.status.to_string(),
        text: test_run_text,
        outcome: |r| test_outcome(&r.run.status),
    };
    follow(
        format!("test run {run_id}"),
        flags,
        out,
        shown,
        |options, reporter| async move {
            client
                .wait_for_test_run(run_id, &options, |p| reporter.update(p))
                .await
        },
    )
    .await
}

fn test_run_text(run: &bp::GetTestRunResponse) -> String {
    let r = &run.run;
    let mut text = fields(&[
        ("test run", r.id.clone()),
        ("status", r.status.to_string()),
        (
            "test",
            match &r.test_name {
                Some(name) => format!("{name} ({})", r.test_id),
                None => r.test_id.clone(),
            },
        ),
        (
            "branch",
            format!("{} ({})", r.branch_display, r.environment),
        ),
        ("started", maybe_when(r.started_at)),
        ("completed", maybe_when(r.completed_at)),
        ("summary", r.summary.clone().unwrap_or_default()),
    ]);
    let rows: Vec<Vec<String>> = run
        .steps
        .iter()
        .enumerate()
        .map(|(i, s)| {
            vec![
                (i + 1).to_string(),
                s.status.to_string(),
                short(&s.instruction, 80),
            ]
        })
        .collect();
    text.push('\n');
    text.push_str(&table(&["#", "STATUS", "STEP"], &rows));
    text
}

/// `test-group-runs start`: then `--wait` follows the group run.
pub(super) async fn start_group_run(invocation: Invocation<'_>) -> Result<Outcome, Error> {
    let wait: StartWait = parsed(invocation.flags)?;
    let (client, out, m) = (&client(&invocation)?, invocation.output, invocation.flags);
    let started = send_flags::<op::StartTestGroupRun<'_>>(client, m, Map::new()).await?;
    let operation = <op::StartTestGroupRun<'_> as Request>::OPERATION;
    let group_run_id = answered_id(started.group_run_id.clone(), operation, "groupRunId")?;
    let note = format!("Started test group run {group_run_id}.");
    let follow = format!("test-group-runs wait --group-run-id {group_run_id}");
    if announce(out, &wait, &started, &note, &follow)? {
        return Ok(Outcome::Done);
    }
    follow_group_run(client, &group_run_id, &wait.flags, out).await
}

/// `test-group-runs get`.
pub(super) async fn get_group_run(invocation: Invocation<'_>) -> Result<Outcome, Error> {
    shown::<op::GetTestGroupRun<'_>>(&invocation, group_run_text).await
}

/// `test-group-runs wait`.
pub(super) async fn wait_group_run(invocation: Invocation<'_>) -> Result<Outcome, Error> {
    let wait: GroupRunWait = parsed(invocation.flags)?;
    let client = client(&invocation)?;
    follow_group_run(&client, &wait.group_run_id, &wait.flags, invocation.output).await
}

async fn follow_group_run(
    client: &BuildprintClient,
    group_run_id: &str,
    flags: &WaitFlags,
    out: Output,
) -> Result<Outcome, Error> {
    let shown = Shown {
        status: |r: &bp::GetTestGroupRunResponse| r.run.status.to_string(),
        text: group_run_text,
        outcome: |r| test_outcome(&r.run.status),
    };
    follow(
        format!("test group run {group_run_id}"),
        flags,
        out,
        shown,
        |options, reporter| async move {
            client
                .wait_for_test_group_run(group_run_id, &options, |p| reporter.update(p))
                .await
        },
    )
    .await
}

fn group_run_text(run: &bp::GetTestGroupRunResponse) -> String {
    let r = &run.run;
    let mut text = fields(&[
        ("test group run", r.id.clone()),
        ("status", r.status.to_string()),
        ("group", format!("{} ({})", r.group_name, r.group_id)),
        (
            "branch",
            format!(
                "{} ({})",
                r.branch_display.clone().unwrap_or_default(),
                r.environment
            ),
        ),
        ("started", maybe_when(r.started_at)),
        ("completed", maybe_when(r.completed_at)),
    ]);
    let rows: Vec<Vec<String>> = run
        .child_runs
        .iter()
        .map(|c| vec![c.id.clone(), c.status.to_string(), c.test_name.clone()])
        .collect();
    text.push('\n');
    text.push_str(&table(&["RUN", "STATUS", "TEST"], &rows));
    text
}
