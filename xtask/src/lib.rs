//! The maintenance tasks behind `cargo xtask`: bring provider specs in, normalize them, generate
//! the client crates with progenitor, and report API drift.
//!
//! The binary (`src/main.rs`) is a thin command line over these modules; the tests call them
//! directly.

pub mod commands;
pub mod conformance;
pub mod corpus;
pub mod document;
pub mod downconvert;
pub mod drift;
pub mod fetch;
pub mod fidelity;
pub mod generate;
pub mod generator;
pub mod json_schema;
pub mod names;
pub mod normalize;
pub mod notes;
pub mod open_enums;
pub mod operations;
pub mod overlay;
pub mod provider_info;
pub mod providers;
pub mod refs;
pub mod registry;
pub mod rewrite;
pub mod scaffold;
pub mod schemas;
pub mod surface;
pub mod swagger2;
pub mod text;
pub mod type_schemas;
