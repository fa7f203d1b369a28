//! The committed client crates against their normalized specs: one method per operation, and
//! `generate` reproduces the committed files byte for byte.

// Test code: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used)]

use std::collections::BTreeSet;

use heck::ToSnakeCase;
use serde_json::Value;
use xtask::generate::generate;
use xtask::normalize::walk::operations;
use xtask::read::providers::{Providers, workspace_root};

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

/// The generated operation tables against the normalized specs: one entry per operation, in
/// the spec's order, with its method, path, label and statuses; and a `Request` impl for every
/// builder that points at its own entry.
#[test]
fn the_operation_tables_follow_the_specs() {
    use agentrun_runtime::{Location, Request};
    let check = |table: &[agentrun_runtime::Operation], document: &str| {
        let spec: Value = serde_json::from_str(document).unwrap();
        let ops = operations(&spec);
        assert_eq!(table.len(), ops.len());
        for (entry, (path, method, op)) in table.iter().zip(&ops) {
            assert_eq!(entry.id, op["operationId"].as_str().unwrap());
            assert_eq!(entry.method, method.to_ascii_uppercase());
            assert_eq!(entry.path, *path);
            assert_eq!(entry.label, format!("{} {path}", entry.method));
            let statuses: Vec<&str> = op
                .get("responses")
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
                .map(|(status, _)| status.as_str())
                .collect();
            assert_eq!(entry.statuses, statuses.as_slice());
            let parameters = op
                .get("parameters")
                .and_then(Value::as_array)
                .map_or(0, Vec::len);
            assert_eq!(entry.parameters.len(), parameters, "{}", entry.label);
            assert!(
                entry
                    .parameters
                    .iter()
                    .filter(|p| p.location == Location::Path)
                    .all(|p| p.required && path.contains(&format!("{{{}}}", p.name)))
            );
        }
    };
    check(
        agentrun_buildprint::operations::OPERATIONS,
        agentrun_buildprint::OPENAPI_DOCUMENT,
    );
    check(
        agentrun_builder::operations::OPERATIONS,
        agentrun_builder::OPENAPI_DOCUMENT,
    );
    // A builder's impl names its own operation.
    type StartAgent = agentrun_buildprint::builder::StartAgent<'static>;
    assert_eq!(<StartAgent as Request>::OPERATION.label, "POST /agents");
    assert_eq!(
        <StartAgent as Request>::OPERATION.body.map(|b| b.required),
        Some(true)
    );
    type RunAgent = agentrun_builder::builder::RunAgent<'static>;
    assert_eq!(<RunAgent as Request>::OPERATION.label, "POST /agents/run");
}
