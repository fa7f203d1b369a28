//! `agentrun buildprint versions ...`: list a branch's synced versions, read a sync's status,
//! sync a branch (and follow it), wait for a sync.

use agentrun::buildprint::builder as op;
use agentrun::buildprint::types as bp;
use agentrun::{BuildprintClient, Error};
use serde_json::Map;

use super::flags::{StartWait, VersionWait, WaitFlags};
use super::{Shown, client, follow, parsed, send_flags, shown};
use crate::commands::flags::value;
use crate::commands::{Invocation, Outcome};
use crate::output::{Output, fields, maybe_when, table};

/// `versions list`: the next page's cursor, when there is one, is a hint on stderr (stdout is
/// the list alone, for a pipe); `--all` follows every page instead.
pub(super) async fn list(invocation: Invocation<'_>) -> Result<Outcome, Error> {
    let (client, out, m) = (&client(&invocation)?, invocation.output, invocation.flags);
    let list = send_flags::<op::ListVersions<'_>>(client, m, Map::new()).await?;
    out.show(&list, |l| {
        let rows: Vec<Vec<String>> = l
            .versions
            .iter()
            .map(|v| {
                vec![
                    v.version_id.clone(),
                    v.stage.to_string(),
                    v.sync_source.to_string(),
                    maybe_when(v.synced_at_ms),
                    v.last_change.to_string(),
                ]
            })
            .collect();
        table(&["VERSION", "STAGE", "SOURCE", "SYNCED", "CHANGE"], &rows)
    })?;
    if let Some(cursor) = &list.next_cursor {
        eprintln!(
            "more: --cursor {} (or --all for every page)",
            agentrun::runtime::one_line(cursor)
        );
    }
    Ok(Outcome::Done)
}

/// `versions status`.
pub(super) async fn status(invocation: Invocation<'_>) -> Result<Outcome, Error> {
    shown::<op::GetSyncStatus<'_>>(&invocation, sync_text).await
}

/// `versions sync`: then `--wait` follows a sync still in progress.
pub(super) async fn sync(invocation: Invocation<'_>) -> Result<Outcome, Error> {
    let wait: StartWait = parsed(invocation.flags)?;
    let (client, out, m) = (&client(&invocation)?, invocation.output, invocation.flags);
    let app_id = value(m, "appId").unwrap_or_default();
    let sync = send_flags::<op::SyncVersion<'_>>(client, m, Map::new()).await?;
    if !wait.wait || sync.status != bp::SyncStatusStatus::InProgress {
        out.show(&sync, |s| {
            let mut text = sync_text(s);
            if s.status == bp::SyncStatusStatus::InProgress {
                text.push_str(&format!(
                    "\nFollow it: agentrun buildprint versions wait --app-id {app_id} --version-id {}",
                    s.version_id
                ));
            }
            text
        })?;
        return Ok(sync_outcome(&sync.status));
    }
    out.note(&format!(
        "Syncing version {} of {}.",
        sync.version_id, sync.version
    ));
    follow_sync(client, &app_id, &sync.version_id, &wait.flags, out).await
}

/// `versions wait`.
pub(super) async fn wait(invocation: Invocation<'_>) -> Result<Outcome, Error> {
    let wait: VersionWait = parsed(invocation.flags)?;
    let client = client(&invocation)?;
    follow_sync(
        &client,
        &wait.app_id,
        &wait.version_id,
        &wait.flags,
        invocation.output,
    )
    .await
}

async fn follow_sync(
    client: &BuildprintClient,
    app_id: &str,
    version_id: &str,
    flags: &WaitFlags,
    out: Output,
) -> Result<Outcome, Error> {
    let shown = Shown {
        status: |s: &bp::SyncStatus| s.status.to_string(),
        text: sync_text,
        outcome: |s| sync_outcome(&s.status),
    };
    follow(
        format!("version sync {version_id}"),
        flags,
        out,
        shown,
        |options, reporter| async move {
            client
                .wait_for_version_sync(app_id, version_id, &options, |p| reporter.update(p))
                .await
        },
    )
    .await
}

fn sync_text(sync: &bp::SyncStatus) -> String {
    fields(&[
        ("version", sync.version_id.clone()),
        ("branch", sync.version.clone()),
        ("status", format!("{} ({})", sync.status, sync.stage)),
        ("message", sync.message.clone()),
        ("error", sync.error.clone().unwrap_or_default()),
    ])
}

fn sync_outcome(status: &bp::SyncStatusStatus) -> Outcome {
    if *status == bp::SyncStatusStatus::Failed {
        Outcome::RunFailed
    } else {
        Outcome::Done
    }
}
