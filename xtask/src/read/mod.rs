//! The pipeline's first stage: what goes in. The provider table ([`providers`]), a document
//! read with the place of every error ([`document`]), our OpenAPI Overlay on it ([`overlay`]),
//! and a provider's live document fetched from where it is served ([`fetch`]).

pub mod document;
pub mod fetch;
pub mod overlay;
pub mod providers;
