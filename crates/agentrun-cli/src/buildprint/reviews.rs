//! `agentrun buildprint reviews ...`: list, create (and follow), read and wait for code
//! reviews.

use agentrun::buildprint::builder as op;
use agentrun::buildprint::types as bp;
use agentrun::{BuildprintClient, Error};
use serde_json::Map;

use super::flags::{CreateReviewFlags, ReviewWait, WaitFlags};
use super::{Shown, announce, client, follow, model, parsed, run_outcome, send_flags, shown};
use crate::commands::{Invocation, Outcome};
use crate::output::{Output, fields, maybe_when, table};

/// `reviews list`.
pub(super) async fn list(invocation: Invocation<'_>) -> Result<Outcome, Error> {
    shown::<op::ListCodeReviews<'_>>(&invocation, |r| {
        let rows: Vec<Vec<String>> = r
            .open
            .iter()
            .chain(&r.merged)
            .chain(&r.closed)
            .map(|review| {
                vec![
                    review.id.clone().unwrap_or_default(),
                    review.status.to_string(),
                    format!("{} → {}", review.from_version, review.to_version),
                    review
                        .model
                        .as_ref()
                        .map(ToString::to_string)
                        .unwrap_or_default(),
                    maybe_when(review.created_at),
                    review.title.clone().unwrap_or_default(),
                ]
            })
            .collect();
        table(
            &["ID", "STATUS", "VERSIONS", "MODEL", "CREATED", "TITLE"],
            &rows,
        )
    })
    .await
}

/// `reviews create`: the model checked, then `--wait` follows the review.
pub(super) async fn create(invocation: Invocation<'_>) -> Result<Outcome, Error> {
    let flags: CreateReviewFlags = parsed(invocation.flags)?;
    let (client, out, m) = (&client(&invocation)?, invocation.output, invocation.flags);
    if let Some(name) = &flags.model {
        model(name, &flags.models)?;
    }
    let created = send_flags::<op::CreateCodeReview<'_>>(client, m, Map::new()).await?;
    let note = format!(
        "Created code review {} (agent {}, {}).",
        created.review_id, created.agent_id, created.status
    );
    let follow = format!("reviews wait --review-id {}", created.review_id);
    if announce(out, &flags.wait, &created, &note, &follow)? {
        return Ok(Outcome::Done);
    }
    follow_review(client, &created.review_id, &flags.wait.flags, out).await
}

/// `reviews get`.
pub(super) async fn get(invocation: Invocation<'_>) -> Result<Outcome, Error> {
    shown::<op::GetCodeReview<'_>>(&invocation, review_text).await
}

/// `reviews wait`.
pub(super) async fn wait(invocation: Invocation<'_>) -> Result<Outcome, Error> {
    let wait: ReviewWait = parsed(invocation.flags)?;
    let client = client(&invocation)?;
    follow_review(&client, &wait.review_id, &wait.flags, invocation.output).await
}

async fn follow_review(
    client: &BuildprintClient,
    review_id: &str,
    flags: &WaitFlags,
    out: Output,
) -> Result<Outcome, Error> {
    let shown = Shown {
        status: |r: &bp::GetCodeReviewResponse| review_status(r),
        text: review_text,
        outcome: |r| match agentrun::review_run_status(r) {
            Some(status) => run_outcome(&status),
            None => Outcome::RunFailed,
        },
    };
    follow(
        format!("code review {review_id}"),
        flags,
        out,
        shown,
        |options, reporter| async move {
            client
                .wait_for_code_review(review_id, &options, |p| reporter.update(p))
                .await
        },
    )
    .await
}

/// The review's run status as text; `running` when the answer does not say.
fn review_status(review: &bp::GetCodeReviewResponse) -> String {
    agentrun::review_run_status(review).map_or_else(|| "running".into(), |s| s.to_string())
}

fn review_text(review: &bp::GetCodeReviewResponse) -> String {
    let meta = &review.review;
    let mut text = fields(&[
        ("review", review.review_id.clone()),
        ("status", meta.status.to_string()),
        (
            "agent",
            match review.agent.as_ref().and_then(|a| a.agent_id.as_deref()) {
                Some(agent) => format!("{agent} ({})", review_status(review)),
                None => review_status(review),
            },
        ),
        (
            "versions",
            format!("{} → {}", meta.from_version, meta.to_version),
        ),
        ("title", meta.title.clone().unwrap_or_default()),
        (
            "model",
            meta.model
                .as_ref()
                .map(ToString::to_string)
                .unwrap_or_default(),
        ),
        ("created", maybe_when(meta.created_at)),
        ("completed", maybe_when(meta.completed_at)),
    ]);
    let findings: Vec<&bp::ReviewElement> = review
        .changes
        .iter()
        .chain(&review.comments)
        .chain(&review.tests)
        .collect();
    if !findings.is_empty() {
        text.push_str("\nfindings:");
        for finding in findings {
            let priority = finding
                .priority
                .as_ref()
                .map(|p| p.to_string())
                .unwrap_or_default();
            text.push_str(&format!(
                "\n  {:<7} {:<6} {}",
                finding.type_.as_str(),
                priority,
                finding.title
            ));
        }
    }
    text
}
