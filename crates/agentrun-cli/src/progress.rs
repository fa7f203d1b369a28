//! How a wait shows on stderr: a spinner with the status and the time elapsed on a terminal,
//! one plain line per status change anywhere else (a CI log). `AGENTRUN_PROGRESS=spinner` or
//! `=lines` chooses instead.

use std::io::{IsTerminal, Write};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use agentrun::runtime::one_line;
use tokio::task::JoinHandle;

const FRAMES: [&str; 10] = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

struct State {
    status: String,
    started: Instant,
}

/// The progress of one wait, from start to [`Display::finish`].
pub(crate) struct Display {
    reporter: Reporter,
    spinner: Option<JoinHandle<()>>,
}

/// Takes each poll's result to a [`Display`]; the wait itself holds it.
#[derive(Clone)]
pub(crate) struct Reporter {
    what: String,
    state: Arc<Mutex<State>>,
    spinning: bool,
}

impl Display {
    /// Starts showing the wait for `what` (a spinner when stderr is a terminal, unless
    /// `AGENTRUN_PROGRESS` says otherwise).
    pub(crate) fn start(what: &str) -> Self {
        let reporter = Reporter {
            what: what.to_string(),
            state: Arc::new(Mutex::new(State {
                status: "…".into(),
                started: Instant::now(),
            })),
            spinning: spinner_wanted(),
        };
        let spinner = reporter.spinning.then(|| {
            let reporter = reporter.clone();
            tokio::spawn(async move {
                for frame in FRAMES.iter().cycle() {
                    if let Ok(state) = reporter.state.lock() {
                        let elapsed = elapsed(state.started.elapsed());
                        let mut stderr = std::io::stderr().lock();
                        let _ = write!(
                            stderr,
                            "\r\x1b[2K{frame} {}: {} · {elapsed}",
                            reporter.what, state.status
                        );
                        let _ = stderr.flush();
                    }
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
            })
        });
        Self { reporter, spinner }
    }

    /// What the wait reports its polls to.
    pub(crate) fn reporter(&self) -> Reporter {
        self.reporter.clone()
    }

    /// Ends the display: with the final status, or (`None`, when the wait failed and the error
    /// says why) without a line.
    pub(crate) fn finish(mut self, outcome: Option<&str>) {
        if let Some(spinner) = self.spinner.take() {
            spinner.abort();
            let mut stderr = std::io::stderr().lock();
            let _ = write!(stderr, "\r\x1b[2K");
            let _ = stderr.flush();
        }
        if let Some(outcome) = outcome {
            let took = self
                .reporter
                .state
                .lock()
                .map(|s| s.started.elapsed())
                .unwrap_or_default();
            let what = &self.reporter.what;
            self.reporter.line(&format!(
                "{what}: {} after {}",
                one_line(outcome),
                elapsed(took)
            ));
        }
    }
}

impl Drop for Display {
    fn drop(&mut self) {
        if let Some(spinner) = self.spinner.take() {
            spinner.abort();
        }
    }
}

impl Reporter {
    /// Shows one poll's result.
    pub(crate) fn update(&self, progress: &agentrun::Progress) {
        if let Ok(mut state) = self.state.lock() {
            state.status = one_line(&progress.status);
        }
        // Statuses and reasons are the API's words: one line, no escape sequences.
        if let Some(reason) = &progress.retrying_after {
            self.line(&format!(
                "{}: a poll failed, trying again: {}",
                self.what,
                one_line(reason)
            ));
        } else if progress.changed && !progress.finished && !self.spinning {
            // The last status is `finish`'s line.
            self.line(&format!(
                "{}: {} ({})",
                self.what,
                one_line(&progress.status),
                elapsed(progress.elapsed)
            ));
        }
    }

    fn line(&self, text: &str) {
        let mut stderr = std::io::stderr().lock();
        if self.spinning {
            let _ = write!(stderr, "\r\x1b[2K");
        }
        let _ = writeln!(stderr, "{text}");
    }
}

/// Whether to show a spinner: `AGENTRUN_PROGRESS` (`spinner` or `lines`), else whether stderr is
/// a terminal.
fn spinner_wanted() -> bool {
    match std::env::var("AGENTRUN_PROGRESS").as_deref() {
        Ok("spinner") => true,
        Ok("lines") => false,
        _ => std::io::stderr().is_terminal(),
    }
}

/// `0.4s`, `12s`, `3m 05s`.
fn elapsed(duration: Duration) -> String {
    let seconds = duration.as_secs();
    if seconds < 10 {
        format!("{:.1}s", duration.as_secs_f64())
    } else if seconds < 60 {
        format!("{seconds}s")
    } else {
        format!("{}m {:02}s", seconds / 60, seconds % 60)
    }
}
