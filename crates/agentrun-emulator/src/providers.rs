//! Every provider of the table the emulator has no model of, answered from its own document:
//! provider `pets` lives under `/pets`, each request held to the document and answered from
//! its examples or schemas ([`agentrun_mock::StandIn`]), as `--document` does for a file.
//! Builder and Buildprint are modeled by hand (state, webhooks, faults) at their real paths.

use std::sync::Arc;

use agentrun_mock::StandIn;
use agentrun_providers::Provider;
use serde_json::{Value, json};

/// Where `provider`'s API lives on the emulator, relative to its URL.
pub fn base_path(provider: Provider) -> String {
    match provider {
        Provider::Buildprint => crate::buildprint::BASE.to_string(),
        Provider::Builder => String::new(),
        other => format!("/{}", other.name()),
    }
}

/// Whether the emulator models `provider` by hand.
pub fn modeled(provider: Provider) -> bool {
    matches!(provider, Provider::Builder | Provider::Buildprint)
}

/// A stand-in for every provider not modeled by hand, served under [`base_path`].
pub(crate) fn stand_ins() -> Result<Vec<Arc<StandIn>>, String> {
    Provider::ALL
        .iter()
        .filter(|provider| !modeled(**provider))
        .map(|&provider| {
            let info = provider.info();
            let origin = format!("{}'s document", info.name);
            let mut doc: Value = serde_json::from_str(info.document)
                .map_err(|e| format!("{origin} is not JSON ({e}); regenerate its crate"))?;
            doc["servers"] = json!([{ "url": base_path(provider) }]);
            StandIn::new(doc, &origin)
                .map(Arc::new)
                .map_err(|e| format!("{origin}: {e:#}"))
        })
        .collect()
}
