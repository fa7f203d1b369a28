//! The API surface of every provider, pinned as an insta snapshot: when a spec changes,
//! `cargo insta review` shows the change in plain words.

// Test code: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used)]

use xtask::generate::generate;
use xtask::read::providers::{Providers, workspace_root};

#[test]
fn surface_reports_match_the_accepted_snapshots() {
    let providers = Providers::load(&workspace_root()).unwrap();
    for provider in &providers.list {
        // The report `generate` writes: after normalization and whatever generation degraded.
        let report = generate(&providers, provider).unwrap().surface;
        insta::assert_snapshot!(provider.name.as_str(), report);
    }
}
