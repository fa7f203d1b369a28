//! The emulator's clock: Unix milliseconds that run at a chosen speed, or only when told to.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use tokio::sync::Notify;

/// The emulator's sense of time. Every timestamp it reports and every run's progress come from
/// it, so one setting makes a whole emulator fast or realistic.
///
/// - [`Clock::scaled`] starts at the wall clock's time and runs `speed` times faster: at speed
///   1000, a 20-second agent run takes 20 ms. Speed 1 is realistic.
/// - [`Clock::manual`] stands still until [`Clock::advance`] moves it: tests step through a
///   run's lifecycle exactly.
///
/// ```
/// use std::time::Duration;
/// use agentrun_emulator::Clock;
///
/// let clock = Clock::manual(1_764_000_000_000);
/// clock.advance(Duration::from_secs(2));
/// assert_eq!(clock.now_ms(), 1_764_000_002_000);
/// ```
#[derive(Clone, Debug)]
pub struct Clock {
    inner: Arc<Inner>,
}

#[derive(Debug)]
enum Inner {
    Scaled {
        base_ms: u64,
        started: Instant,
        speed: f64,
    },
    Manual {
        now_ms: AtomicU64,
        moved: Notify,
    },
}

impl Clock {
    /// A clock that starts now and runs `speed` times faster than the wall clock.
    ///
    /// A speed that is not a positive finite number is taken as 1.
    pub fn scaled(speed: f64) -> Self {
        let speed = if speed.is_finite() && speed > 0.0 {
            speed
        } else {
            1.0
        };
        Self {
            inner: Arc::new(Inner::Scaled {
                base_ms: wall_clock_ms(),
                started: Instant::now(),
                speed,
            }),
        }
    }

    /// A clock that shows `start_ms` (Unix milliseconds) until [`Clock::advance`] moves it.
    pub fn manual(start_ms: u64) -> Self {
        Self {
            inner: Arc::new(Inner::Manual {
                now_ms: AtomicU64::new(start_ms),
                moved: Notify::new(),
            }),
        }
    }

    /// The current time, in Unix milliseconds.
    pub fn now_ms(&self) -> u64 {
        match &*self.inner {
            Inner::Scaled {
                base_ms,
                started,
                speed,
            } => base_ms + (started.elapsed().as_secs_f64() * speed * 1000.0) as u64,
            Inner::Manual { now_ms, .. } => now_ms.load(Ordering::SeqCst),
        }
    }

    /// Moves a manual clock forward; a scaled clock runs on its own and ignores this.
    pub fn advance(&self, by: Duration) {
        if let Inner::Manual { now_ms, moved } = &*self.inner {
            now_ms.fetch_add(by.as_millis() as u64, Ordering::SeqCst);
            moved.notify_waiters();
        }
    }

    /// Whether this is a manual clock.
    pub fn is_manual(&self) -> bool {
        matches!(&*self.inner, Inner::Manual { .. })
    }

    /// How fast the clock runs (0 for a manual clock).
    pub fn speed(&self) -> f64 {
        match &*self.inner {
            Inner::Scaled { speed, .. } => *speed,
            Inner::Manual { .. } => 0.0,
        }
    }

    /// Waits until the clock shows at least `at_ms`.
    pub async fn sleep_until(&self, at_ms: u64) {
        match &*self.inner {
            Inner::Scaled { speed, .. } => {
                let now = self.now_ms();
                if at_ms > now {
                    let real = (at_ms - now) as f64 / speed / 1000.0;
                    tokio::time::sleep(Duration::from_secs_f64(real)).await;
                    // Rounding can wake a hair early; finish in small steps.
                    while self.now_ms() < at_ms {
                        tokio::time::sleep(Duration::from_micros(200)).await;
                    }
                }
            }
            Inner::Manual { moved, .. } => loop {
                let notified = moved.notified();
                tokio::pin!(notified);
                notified.as_mut().enable();
                if self.now_ms() >= at_ms {
                    return;
                }
                notified.await;
            },
        }
    }

    /// Waits `emulated` time on a scaled clock, as a request handler that "waits briefly"
    /// does; a manual clock does not wait (nothing would move it while the handler waits).
    pub async fn wait(&self, emulated: Duration) {
        if !self.is_manual() {
            let until = self.now_ms() + emulated.as_millis() as u64;
            self.sleep_until(until).await;
        }
    }
}

fn wall_clock_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_manual_clock_wakes_sleepers_when_it_moves_past_them() {
        let clock = Clock::manual(1_000);
        let sleeper = {
            let clock = clock.clone();
            tokio::spawn(async move { clock.sleep_until(3_000).await })
        };
        clock.advance(Duration::from_millis(1_000));
        tokio::task::yield_now().await;
        assert!(!sleeper.is_finished());
        clock.advance(Duration::from_millis(1_000));
        tokio::time::timeout(Duration::from_secs(5), sleeper)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(clock.now_ms(), 3_000);
    }

    #[tokio::test]
    async fn a_scaled_clock_runs_faster_than_the_wall_clock() {
        let clock = Clock::scaled(1_000.0);
        let start = clock.now_ms();
        clock.sleep_until(start + 5_000).await;
        assert!(clock.now_ms() >= start + 5_000);
        assert_eq!(Clock::scaled(-3.0).speed(), 1.0);
    }
}
