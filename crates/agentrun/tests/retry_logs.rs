//! Each retry is visible through `tracing`. In a test binary of its own: tracing's interest
//! cache is process-wide, and a retry logged by another test's thread before this one installs
//! its subscriber could leave the call site switched off.

// Test code: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used)]

mod common;

use std::sync::{Arc, Mutex};

use agentrun_emulator::{Fault, FaultRule};
use common::{buildprint, manual, quick, start};

/// A `tracing` writer into a shared buffer.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn each_retry_is_visible_through_tracing() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let emulator = start(manual()).await;
    let client = buildprint(&emulator, quick());
    emulator.add_fault(
        FaultRule::new(
            "GET /api/public/v1/agents/{agentId}",
            Fault::Status {
                status: 503,
                retry_after: None,
            },
        )
        .times(2),
    );
    client
        .api()
        .get_agent()
        .agent_id("ag_000001")
        .send()
        .await
        .unwrap();

    let log = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    let retries: Vec<&str> = log.lines().filter(|l| l.contains("retrying")).collect();
    assert_eq!(retries.len(), 2, "{log}");
    assert!(retries[0].contains("operation=\"get_agent\""), "{log}");
    assert!(
        retries[0].contains("attempt=1") && retries[1].contains("attempt=2"),
        "{log}"
    );
    assert!(retries[0].contains("reason=status 503"), "{log}");
    assert!(
        retries[0].contains("path=/api/public/v1/agents/ag_000001"),
        "{log}"
    );
}
