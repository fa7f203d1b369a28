//! The flags Buildprint's hand-written commands add to the ones its operation table gives:
//! how to reach it, waits, models, `--steps @FILE`.

// Doc comments here are clap's help text, printed as written: a URL in `<...>` would show its
// brackets in `--help`.
#![allow(rustdoc::bare_urls)]

use std::time::Duration;

use agentrun::buildprint::types as bp;
use clap::Args;

use crate::cli::{path_segment, positive_duration};

/// How to reach Buildprint.
#[derive(Args, Debug, Clone)]
pub(crate) struct BuildprintAuth {
    /// The workspace REST API token, bp_... [default: $BUILDPRINT_TOKEN].
    #[arg(long, global = true, value_name = "TOKEN", help_heading = "Connection")]
    pub(crate) token: Option<String>,
    /// The API's base URL, including /api/public/v1 [default: $BUILDPRINT_BASE_URL, else
    /// https://api.buildprint.ai/api/public/v1].
    #[arg(long, global = true, value_name = "URL", help_heading = "Connection")]
    pub(crate) base_url: Option<String>,
    /// Give up on one request (each attempt) after this long; a wait's --timeout still bounds
    /// the whole wait [default: 60s].
    #[arg(long, global = true, value_name = "DURATION", value_parser = positive_duration, help_heading = "Connection")]
    pub(crate) request_timeout: Option<Duration>,
}

/// Following a run to its end.
#[derive(Args, Debug, Clone)]
pub(crate) struct WaitFlags {
    /// Give up waiting after this long, requests in flight included (exit code 4).
    #[arg(long, value_name = "DURATION", default_value = "60m", value_parser = positive_duration)]
    pub(crate) timeout: Duration,
    /// Time between the first polls; it grows to 15 s.
    #[arg(long, value_name = "DURATION", default_value = "2s", value_parser = positive_duration)]
    pub(crate) interval: Duration,
}

/// `--wait` on the commands that start a run.
#[derive(Args, Debug, Clone)]
pub(crate) struct StartWait {
    /// Follow the run to its end; the exit code says how it ended.
    #[arg(long)]
    pub(crate) wait: bool,
    /// With --wait: the wait's timeout and interval.
    #[command(flatten)]
    pub(crate) flags: WaitFlags,
}

/// `--model`'s long help: what it is and the models this build knows.
fn models_help(what: &str) -> String {
    let known: Vec<&str> = bp::SelectableModel::KNOWN
        .iter()
        .map(|m| m.as_str())
        .collect();
    format!(
        "{what} Known to this build: {}. Another name is sent with a warning (Buildprint adds \
         models often, and its 400 lists the valid ones); --strict-model refuses it instead.",
        known.join(", ")
    )
}

/// `--model` for agents and reviews: an unknown model is sent with a warning, or refused.
#[derive(Args, Debug, Clone)]
pub(crate) struct ModelChoice {
    /// Refuse a model this build of agentrun does not know, instead of sending it with a
    /// warning.
    #[arg(long)]
    pub(crate) strict_model: bool,
    /// Accepted for scripts written for older versions: unknown models are now sent anyway.
    #[arg(long, hide = true)]
    pub(crate) allow_unknown_model: bool,
}

/// `--steps`, which also takes `@FILE`, for create and update (the test's other fields are the
/// spec's flags).
#[derive(Args, Debug, Clone)]
pub(crate) struct StepsFlag {
    /// The steps, as the API's JSON array (`[{"stepType": "test", "instruction": "...",
    /// "onFailure": "stop"}]`), inline or `@FILE`; checked against the operation's schema
    /// before anything is sent.
    #[arg(long, value_name = "JSON|@FILE")]
    pub(crate) steps: Option<String>,
}

/// `agents start`: the model with the known ones in its help, and `--wait`.
#[derive(Args, Debug, Clone)]
pub(crate) struct StartAgentFlags {
    /// Model identifier to use for the run.
    #[arg(long, long_help = models_help("Model identifier to use for the run."))]
    pub(crate) model: Option<String>,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub(crate) models: ModelChoice,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub(crate) wait: StartWait,
}

/// `reviews create`: the model with the known ones in its help, and `--wait`.
#[derive(Args, Debug, Clone)]
pub(crate) struct CreateReviewFlags {
    /// Model identifier for the review.
    #[arg(long, long_help = models_help("Model identifier for the review."))]
    pub(crate) model: Option<String>,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub(crate) models: ModelChoice,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub(crate) wait: StartWait,
}

/// `agents wait`.
#[derive(Args, Debug, Clone)]
pub(crate) struct AgentWait {
    /// The agent.
    #[arg(long, value_parser = path_segment)]
    pub(crate) agent_id: String,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub(crate) flags: WaitFlags,
}

/// `reviews wait`.
#[derive(Args, Debug, Clone)]
pub(crate) struct ReviewWait {
    /// The review.
    #[arg(long, value_parser = path_segment)]
    pub(crate) review_id: String,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub(crate) flags: WaitFlags,
}

/// `test-runs wait`.
#[derive(Args, Debug, Clone)]
pub(crate) struct TestRunWait {
    /// The run.
    #[arg(long, value_parser = path_segment)]
    pub(crate) run_id: String,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub(crate) flags: WaitFlags,
}

/// `test-group-runs wait`.
#[derive(Args, Debug, Clone)]
pub(crate) struct GroupRunWait {
    /// The group run.
    #[arg(long, value_parser = path_segment)]
    pub(crate) group_run_id: String,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub(crate) flags: WaitFlags,
}

/// `versions wait`.
#[derive(Args, Debug, Clone)]
pub(crate) struct VersionWait {
    /// The app.
    #[arg(long)]
    pub(crate) app_id: String,
    /// The synced version.
    #[arg(long, value_parser = path_segment)]
    pub(crate) version_id: String,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub(crate) flags: WaitFlags,
}
