//! What every handler shares: the configuration, the clock, the world and the bookkeeping.

use std::collections::BTreeMap;
use std::sync::{Mutex, MutexGuard, RwLock, RwLockReadGuard, RwLockWriteGuard};

use serde::{Deserialize, Serialize};

use crate::clock::Clock;
use crate::config::Config;
use crate::faults::FaultPlan;
use crate::webhooks::Webhooks;
use crate::world::World;

/// What the emulator has received so far: the proof a test needs that a request was (or was
/// not) applied, for example that a retried `POST /agents` created exactly one agent.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Received {
    /// TCP connections accepted (a client that keeps connections alive uses few).
    pub connections: u64,
    /// Every request, faults and errors included.
    pub requests: u64,
    /// Requests per route, as `METHOD /route/{param}`.
    pub by_route: BTreeMap<String, u64>,
    /// Agents created by `POST /agents`.
    pub agents_started: u64,
    /// Follow-up messages accepted.
    pub follow_ups: u64,
    /// Code reviews created.
    pub code_reviews_created: u64,
    /// Automation runs queued.
    pub automations_run: u64,
    /// Tests and components created.
    pub tests_created: u64,
    /// Test runs started (group runs' children excluded).
    pub test_runs_started: u64,
    /// Test group runs started.
    pub test_group_runs_started: u64,
    /// Version syncs scheduled.
    pub version_syncs: u64,
    /// Builder agent runs accepted.
    pub builder_runs: u64,
    /// Requests a fault rule hit.
    pub faults_injected: u64,
}

/// The state behind every handler.
#[derive(Debug)]
pub(crate) struct Shared {
    pub(crate) config: Config,
    pub(crate) clock: Clock,
    pub(crate) world: RwLock<World>,
    pub(crate) faults: FaultPlan,
    pub(crate) webhooks: Webhooks,
    received: Mutex<Received>,
    /// `http://HOST:PORT` of the running emulator.
    pub(crate) base_url: String,
}

impl Shared {
    pub(crate) fn new(config: Config, base_url: String, webhooks: Webhooks) -> Self {
        let clock = config.clock.clone();
        let world = World::seeded(&config, clock.now_ms());
        Self {
            config,
            clock,
            world: RwLock::new(world),
            faults: FaultPlan::default(),
            webhooks,
            received: Mutex::new(Received::default()),
            base_url,
        }
    }

    /// Reads the world. A panic in a handler never poisons it for the others.
    pub(crate) fn read(&self) -> RwLockReadGuard<'_, World> {
        self.world.read().unwrap_or_else(|e| e.into_inner())
    }

    /// Changes the world.
    pub(crate) fn write(&self) -> RwLockWriteGuard<'_, World> {
        self.world.write().unwrap_or_else(|e| e.into_inner())
    }

    /// Updates the counters.
    pub(crate) fn received<T>(&self, update: impl FnOnce(&mut Received) -> T) -> T {
        update(&mut self.lock_received())
    }

    /// A copy of the counters.
    pub(crate) fn received_snapshot(&self) -> Received {
        self.lock_received().clone()
    }

    fn lock_received(&self) -> MutexGuard<'_, Received> {
        self.received.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Now, by the emulator's clock.
    pub(crate) fn now(&self) -> u64 {
        self.clock.now_ms()
    }
}

/// The most of one prompt the emulator keeps: the rest is counted, not stored, so 10,000 runs
/// with large prompts do not hold gigabytes. What the run does depends on the whole prompt.
pub const MAX_STORED_PROMPT_BYTES: usize = 8 * 1024;

/// `prompt` as the emulator stores it: whole when short, else its first
/// [`MAX_STORED_PROMPT_BYTES`] and a note of how much was left out.
pub(crate) fn stored_prompt(prompt: String) -> String {
    if prompt.len() <= MAX_STORED_PROMPT_BYTES {
        return prompt;
    }
    let mut cut = MAX_STORED_PROMPT_BYTES;
    while !prompt.is_char_boundary(cut) {
        cut -= 1;
    }
    format!(
        "{}… ({} more bytes not kept by the emulator)",
        &prompt[..cut],
        prompt.len() - cut
    )
}
