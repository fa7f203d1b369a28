//! The committed specs say what the providers' official docs say: every documented operation,
//! parameter, request field and value is there with the documented required flag, and no answer
//! requires a field the docs' example answers leave out. The inventories of the docs are in
//! `openapi/*/docs/official.yaml`; `cargo xtask fidelity` prints the same report.

// Test code: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used)]

use xtask::checks::fidelity::{Inventory, check, render};
use xtask::normalize::load_provider;
use xtask::read::providers::{Providers, workspace_root};

#[test]
fn every_provider_with_an_inventory_of_its_docs_departs_from_it_nowhere() {
    let providers = Providers::load(&workspace_root()).unwrap();
    let mut checked = Vec::new();
    for provider in &providers.list {
        let Some(inventory) = Inventory::load(&providers, provider).unwrap() else {
            continue;
        };
        let doc = load_provider(&providers, provider).unwrap().document;
        let report = check(&doc, &inventory, provider.strip_path_prefix.as_deref()).unwrap();
        let c = &report.counts;
        assert!(
            report.findings.is_empty(),
            "{}",
            render(&provider.name, &report)
        );
        assert_eq!(c.operations.0, c.operations.1);
        assert_eq!(c.required_undocumented, 0);
        assert!(
            c.examples > 0,
            "{}: the inventory has no examples",
            provider.name
        );
        checked.push(provider.name.clone());
    }
    assert_eq!(checked, ["builder", "buildprint"]);
}
