//! The API surface of every provider, pinned as an insta snapshot: when a spec changes,
//! `cargo insta review` shows the change in plain words.

// Test code: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used)]

use xtask::normalize::load_provider;
use xtask::providers::{Providers, workspace_root};
use xtask::surface;

#[test]
fn surface_reports_match_the_accepted_snapshots() {
    let providers = Providers::load(&workspace_root()).unwrap();
    for provider in &providers.list {
        let normalized = load_provider(&providers, provider).unwrap();
        let report = surface::render(&normalized.document);
        insta::assert_snapshot!(provider.name.as_str(), report);
    }
}
