//! What a generated client crate says about its API as a whole: the `PROVIDER` constant
//! `cargo xtask generate` writes next to the operation table, from the crate's entry in
//! `openapi/providers.toml` and its document's security schemes and servers.
//!
//! Code above the clients reads it to reach any provider with no code of its own: the facade's
//! generic client takes credentials and the base URL from the variables it names, the CLI makes
//! a command of every operation, the emulator answers from the document.
//!
//! ```
//! use agentrun_runtime::{Credential, Placement, ProviderInfo};
//!
//! static PETS: ProviderInfo = ProviderInfo {
//!     name: "pets",
//!     title: "Pet Store",
//!     base_url: "https://pets.example/v1",
//!     base_url_variable: "PETS_BASE_URL",
//!     credentials: &[Credential {
//!         scheme: "apiKey",
//!         variable: "PETS_API_KEY",
//!         placement: Placement::Header("X-API-Key"),
//!         description: "A key from the account page.",
//!     }],
//!     operations: &[],
//!     document: "{}",
//! };
//! assert_eq!(PETS.credential_variables(), ["PETS_API_KEY"]);
//! assert!(!format!("{PETS:?}").contains("{}"));
//! ```

use std::fmt;

use crate::operation::Operation;

/// One API: its name, where it is served, how it authenticates, its operations and document.
#[derive(Clone, Copy)]
pub struct ProviderInfo {
    /// The entry's `name`: the CLI's command (`agentrun pets ...`), lowercase.
    pub name: &'static str,
    /// What the API is, for help and messages.
    pub title: &'static str,
    /// The base URL requests go to by default: the document's first absolute server URL, or
    /// empty when it names none (then the base URL must be given).
    pub base_url: &'static str,
    /// The environment variable that overrides [`Self::base_url`], like `PETS_BASE_URL`.
    pub base_url_variable: &'static str,
    /// The credentials the API's security schemes ask for, one per scheme agentrun can send.
    pub credentials: &'static [Credential],
    /// Every operation, as the crate's `operations::OPERATIONS` lists them.
    pub operations: &'static [Operation],
    /// The normalized OpenAPI document the client was generated from (JSON).
    pub document: &'static str,
}

impl ProviderInfo {
    /// The operation with this `operationId`.
    pub fn operation(&self, id: &str) -> Option<&'static Operation> {
        Operation::find(self.operations, id)
    }

    /// The variables the credentials are read from, in the order the document declares them.
    pub fn credential_variables(&self) -> Vec<&'static str> {
        self.credentials.iter().map(|c| c.variable).collect()
    }
}

impl fmt::Debug for ProviderInfo {
    /// Its names and counts; never the document.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ProviderInfo")
            .field("name", &self.name)
            .field("base_url", &self.base_url)
            .field("credentials", &self.credential_variables())
            .field("operations", &self.operations.len())
            .finish_non_exhaustive()
    }
}

/// One credential: a security scheme of the document, and the variable its value comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Credential {
    /// The scheme's name under `components.securitySchemes`.
    pub scheme: &'static str,
    /// The environment variable holding the value, like `PETS_API_KEY`.
    pub variable: &'static str,
    /// Where the value goes in a request.
    pub placement: Placement,
    /// The scheme's description, on one line (empty when it has none).
    pub description: &'static str,
}

/// Where a credential goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Placement {
    /// `Authorization: Bearer <value>` (HTTP `bearer`, OAuth 2 and OpenID Connect schemes).
    Bearer,
    /// `Authorization: Basic ...` from a value written `user:password`.
    Basic,
    /// A header of this name (an `apiKey` scheme `in: header`).
    Header(&'static str),
    /// A query parameter of this name (`in: query`).
    Query(&'static str),
    /// A cookie of this name (`in: cookie`).
    Cookie(&'static str),
}
