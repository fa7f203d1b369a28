//! How a wait shows on stderr: a spinner with the status and the time elapsed on a terminal,
//! one plain line per status change anywhere else (a CI log). `AGENTRUN_PROGRESS=spinner` or
//! `=lines` chooses instead.

use std::io::{IsTerminal, Write};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::task::JoinHandle;

const FRAMES: [&str; 10] = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

struct State {
    status: String,
    started: Instant,
}

/// The progress of one wait.
pub(crate) struct Display {
    what: String,
    state: Arc<Mutex<State>>,
    spinner: Option<JoinHandle<()>>,
}

impl Display {
    /// Starts showing the wait for `what` (a spinner when stderr is a terminal, unless
    /// `AGENTRUN_PROGRESS` says otherwise).
    pub(crate) fn start(what: &str) -> Self {
        let state = Arc::new(Mutex::new(State {
            status: "…".into(),
            started: Instant::now(),
        }));
        let spinner = spinner_wanted().then(|| {
            let state = Arc::clone(&state);
            let what = what.to_string();
            tokio::spawn(async move {
                for frame in FRAMES.iter().cycle() {
                    if let Ok(state) = state.lock() {
                        let elapsed = elapsed(state.started.elapsed());
                        let mut stderr = std::io::stderr().lock();
                        let _ = write!(
                            stderr,
                            "\r\x1b[2K{frame} {what}: {} · {elapsed}",
                            state.status
                        );
                        let _ = stderr.flush();
                    }
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
            })
        });
        Self {
            what: what.to_string(),
            state,
            spinner,
        }
    }

    /// Shows one poll's result.
    pub(crate) fn update(&self, progress: &agentrun::Progress) {
        if let Ok(mut state) = self.state.lock() {
            state.status = progress.status.clone();
        }
        if let Some(reason) = &progress.retrying_after {
            self.line(&format!(
                "{}: a poll failed, trying again: {reason}",
                self.what
            ));
        } else if progress.changed && !progress.finished && self.spinner.is_none() {
            // The last status is `finish`'s line.
            self.line(&format!(
                "{}: {} ({})",
                self.what,
                progress.status,
                elapsed(progress.elapsed)
            ));
        }
    }

    /// Ends the display: with the final status, or (`None`, when the wait failed and the error
    /// says why) without a line.
    pub(crate) fn finish(self, outcome: Option<&str>) {
        let took = self
            .state
            .lock()
            .map(|s| s.started.elapsed())
            .unwrap_or_default();
        if let Some(spinner) = &self.spinner {
            spinner.abort();
            let mut stderr = std::io::stderr().lock();
            let _ = write!(stderr, "\r\x1b[2K");
            let _ = stderr.flush();
        }
        if let Some(outcome) = outcome {
            self.line(&format!("{}: {outcome} after {}", self.what, elapsed(took)));
        }
    }

    fn line(&self, text: &str) {
        let mut stderr = std::io::stderr().lock();
        if self.spinner.is_some() {
            let _ = write!(stderr, "\r\x1b[2K");
        }
        let _ = writeln!(stderr, "{text}");
    }
}

impl Drop for Display {
    fn drop(&mut self) {
        if let Some(spinner) = self.spinner.take() {
            spinner.abort();
        }
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
