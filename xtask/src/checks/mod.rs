//! What holds the pipeline's output to the world, each a `cargo xtask` command and a test:
//!
//! - [`drift`]: what changed between two versions of a document, and whether it breaks
//!   clients, held to oasdiff's own test suite;
//! - [`fidelity`]: the committed specs against what the providers' official docs show;
//! - [`corpus`]: real-world documents generated and compiled as new providers;
//! - [`conformance`]: every operation of a generated client exercised over HTTP.

pub mod conformance;
pub mod corpus;
pub mod drift;
pub mod fidelity;
