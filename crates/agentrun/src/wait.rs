//! Following a run until it ends.

use std::future::Future;
use std::time::{Duration, Instant};

use crate::error::Error;

/// The shortest wait between two polls.
pub const MIN_INTERVAL: Duration = Duration::from_millis(10);

/// How a wait polls: from `interval`, growing by `backoff` up to `max_interval`, until the run
/// ends or `timeout` runs out.
///
/// ```
/// use std::time::Duration;
/// use agentrun::WaitOptions;
///
/// let options = WaitOptions::default()
///     .interval(Duration::from_millis(500))
///     .timeout(Duration::from_secs(600));
/// assert_eq!(options.get_timeout(), Duration::from_secs(600));
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct WaitOptions {
    interval: Duration,
    max_interval: Duration,
    backoff: f64,
    timeout: Duration,
}

impl Default for WaitOptions {
    /// Every 2 s, growing by 1.5× up to 15 s, for at most an hour.
    fn default() -> Self {
        Self {
            interval: Duration::from_secs(2),
            max_interval: Duration::from_secs(15),
            backoff: 1.5,
            timeout: Duration::from_secs(3600),
        }
    }
}

impl WaitOptions {
    /// The first wait between polls (at least [`MIN_INTERVAL`]: a zero interval would poll
    /// as fast as the API answers).
    pub fn interval(mut self, interval: Duration) -> Self {
        let interval = interval.max(MIN_INTERVAL);
        self.interval = interval;
        self.max_interval = self.max_interval.max(interval);
        self
    }

    /// The longest wait between polls (at least [`MIN_INTERVAL`]).
    pub fn max_interval(mut self, interval: Duration) -> Self {
        self.max_interval = interval.max(MIN_INTERVAL);
        self
    }

    /// How much each wait grows (1 keeps it fixed).
    pub fn backoff(mut self, factor: f64) -> Self {
        self.backoff = if factor.is_finite() && factor >= 1.0 {
            factor
        } else {
            1.0
        };
        self
    }

    /// How long to wait in all before giving up.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// How long to wait in all ([`Self::timeout`] sets it).
    pub fn get_timeout(&self) -> Duration {
        self.timeout
    }
}

/// How a wait is going, after each poll.
#[derive(Debug, Clone, PartialEq)]
pub struct Progress {
    /// What is waited for, like `agent ag_000003`.
    pub what: String,
    /// The status the last poll saw (after a failed poll, the one before).
    pub status: String,
    /// Whether the status differs from the previous poll's.
    pub changed: bool,
    /// Since the wait began.
    pub elapsed: Duration,
    /// Polls so far.
    pub polls: u32,
    /// A poll that failed and will be tried again, if the last one did.
    pub retrying_after: Option<String>,
    /// Whether the run has ended.
    pub finished: bool,
}

/// Polls `fetch` until `status_of` says the run ended, as `options` says; reports each poll to
/// `progress`. A poll that fails transiently (no answer, 429, 5xx) is tried again at the next
/// interval; any other error ends the wait.
pub(crate) async fn until_finished<T, Fut>(
    what: String,
    options: &WaitOptions,
    mut fetch: impl FnMut() -> Fut,
    status_of: impl Fn(&T) -> (String, bool),
    progress: &mut impl FnMut(&Progress),
) -> Result<T, Error>
where
    Fut: Future<Output = Result<T, Error>>,
{
    let started = Instant::now();
    let deadline = started + options.timeout;
    let mut interval = options.interval;
    let mut polls = 0;
    let mut last_status = "unknown".to_string();
    loop {
        polls += 1;
        // The deadline bounds each poll too, with every retry inside it: a server that never
        // answers cannot hold the wait past its timeout.
        let left = deadline.saturating_duration_since(Instant::now());
        let Ok(answer) = tokio::time::timeout(left, fetch()).await else {
            return Err(Error::WaitTimeout {
                what,
                waited: started.elapsed(),
                last_status,
            });
        };
        let (status, retrying_after, outcome) = match answer {
            Ok(value) => {
                let (status, finished) = status_of(&value);
                let outcome = finished.then_some(value);
                (status, None, outcome)
            }
            Err(error) if error.is_transient() => {
                (last_status.clone(), Some(error.to_string()), None)
            }
            Err(error) => return Err(error),
        };
        let finished = outcome.is_some();
        progress(&Progress {
            what: what.clone(),
            changed: status != last_status,
            status: status.clone(),
            elapsed: started.elapsed(),
            polls,
            retrying_after,
            finished,
        });
        last_status = status;
        if let Some(value) = outcome {
            return Ok(value);
        }
        let now = Instant::now();
        if now >= deadline {
            return Err(Error::WaitTimeout {
                what,
                waited: started.elapsed(),
                last_status,
            });
        }
        tokio::time::sleep(interval.min(deadline - now)).await;
        interval = interval.mul_f64(options.backoff).min(options.max_interval);
    }
}
