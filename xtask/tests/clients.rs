//! The committed client crates against their normalized specs: one method per operation, and
//! `generate` reproduces the committed files byte for byte.

// Test code: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used)]

use std::collections::BTreeSet;

use heck::ToSnakeCase;
use serde_json::Value;
use xtask::generate::generate;
use xtask::normalize::operations;
use xtask::providers::{Providers, workspace_root};

/// The names of the methods of `impl Client` blocks in a generated file.
fn client_methods(source: &str) -> BTreeSet<String> {
    let file = syn::parse_file(source).unwrap();
    let mut methods = BTreeSet::new();
    for item in file.items {
        let syn::Item::Impl(block) = item else {
            continue;
        };
        let is_client = matches!(&*block.self_ty, syn::Type::Path(p) if p.path.is_ident("Client"));
        if !is_client || block.trait_.is_some() {
            continue;
        }
        for item in block.items {
            if let syn::ImplItem::Fn(method) = item {
                methods.insert(method.sig.ident.to_string());
            }
        }
    }
    methods
}

#[test]
fn every_operation_of_each_normalized_spec_has_a_client_method() {
    let root = workspace_root();
    let providers = Providers::load(&root).unwrap();
    for provider in &providers.list {
        let spec: Value = serde_json::from_str(
            &std::fs::read_to_string(
                root.join(&provider.crate_dir)
                    .join("openapi.normalized.json"),
            )
            .unwrap(),
        )
        .unwrap();
        let expected: BTreeSet<String> = operations(&spec)
            .iter()
            .map(|(_, _, op)| op["operationId"].as_str().unwrap().to_snake_case())
            .collect();
        let source =
            std::fs::read_to_string(root.join(&provider.crate_dir).join("src/generated.rs"))
                .unwrap();
        let methods: BTreeSet<String> = client_methods(&source)
            .into_iter()
            .filter(|m| m != "new" && m != "new_with_client")
            .collect();
        assert_eq!(
            methods, expected,
            "{}: methods vs operations",
            provider.name
        );
        assert_eq!(methods.len(), operations(&spec).len(), "{}", provider.name);
    }
    // The two providers' documented sizes: one Builder operation; Buildprint's 27 in the
    // snapshot plus the 3 versions endpoints and GET /openapi.json the overlay adds.
    let count = |name: &str| {
        let provider = providers.get(name).unwrap();
        let source =
            std::fs::read_to_string(root.join(&provider.crate_dir).join("src/generated.rs"))
                .unwrap();
        client_methods(&source).len() - 2
    };
    assert_eq!(count("builder"), 1);
    assert_eq!(count("buildprint"), 31);
}

#[test]
fn generation_reproduces_the_committed_files_byte_for_byte() {
    let root = workspace_root();
    let providers = Providers::load(&root).unwrap();
    for provider in &providers.list {
        let first = generate(&providers, provider).unwrap();
        let second = generate(&providers, provider).unwrap();
        for ((path, contents), (_, again)) in first.files.iter().zip(&second.files) {
            assert!(contents == again, "{} is not reproducible", path.display());
            let committed = std::fs::read_to_string(root.join(path)).unwrap();
            assert!(
                committed == *contents,
                "{} is stale: run `cargo xtask generate`",
                path.display()
            );
        }
    }
}
