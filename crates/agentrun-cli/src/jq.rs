//! `--jq EXPR`: a filter in jq's language over the JSON a command prints, run by jaq (a
//! maintained jq implementation), not a hand-written subset.

use agentrun::Error;
use jaq_core::load::{self, Arena, File, Loader};
use jaq_core::{Compiler, Ctx, Vars, data, unwrap_valr};
use jaq_json::Val;
use serde_json::Value;

/// A compiled filter.
pub(crate) struct Jq {
    filter: jaq_core::Filter<data::JustLut<Val>>,
}

impl Jq {
    /// Compiles `code`; an error says where it does not parse or what it names that jq lacks.
    pub(crate) fn compile(code: &str) -> Result<Self, Error> {
        let defs = jaq_core::defs()
            .chain(jaq_std::defs())
            .chain(jaq_json::defs());
        let funs = jaq_core::funs()
            .chain(jaq_std::funs())
            .chain(jaq_json::funs());
        let arena = Arena::default();
        let program = File { code, path: () };
        let invalid = |what: String| Error::Invalid {
            message: format!(
                "--jq `{}` is not a jq filter: {what}",
                agentrun::runtime::one_line(code)
            ),
        };
        // Where an error is: its column, from the input left after it.
        let column = |rest: &str| code[..code.len() - rest.len()].chars().count() + 1;
        let modules = Loader::new(defs).load(&arena, program).map_err(|errors| {
            let found: Vec<String> = errors
                .into_iter()
                .flat_map(|(_, error)| match error {
                    load::Error::Io(io) => io.into_iter().map(|(_, e)| e).collect::<Vec<_>>(),
                    load::Error::Lex(lex) => lex
                        .into_iter()
                        .map(|(expected, rest)| {
                            format!("expected {} at column {}", expected.as_str(), column(rest))
                        })
                        .collect(),
                    load::Error::Parse(parse) => parse
                        .into_iter()
                        .map(|(expected, rest)| {
                            format!("expected {} at column {}", expected.as_str(), column(rest))
                        })
                        .collect(),
                })
                .collect();
            invalid(found.join("; "))
        })?;
        let filter = Compiler::default()
            .with_funs(funs)
            .compile(modules)
            .map_err(|errors| {
                let found: Vec<String> = errors
                    .into_iter()
                    .flat_map(|(_, undefined)| undefined)
                    .map(|(name, kind)| format!("no {} `{name}`", kind.as_str()))
                    .collect();
                invalid(found.join("; "))
            })?;
        Ok(Self { filter })
    }

    /// The values the filter makes of `input`, in order; a runtime error says what jq said.
    pub(crate) fn run(&self, input: &Value) -> Result<Vec<Value>, Error> {
        let input: Val = serde_json::from_value(input.clone()).map_err(|e| Error::Invalid {
            message: format!("--jq: the answer cannot be read as jq's input ({e})"),
        })?;
        let ctx = Ctx::<data::JustLut<Val>>::new(&self.filter.lut, Vars::new([]));
        self.filter
            .id
            .run((ctx, input))
            .map(unwrap_valr)
            .map(|result| {
                let value = result.map_err(|error| Error::Invalid {
                    message: format!("--jq: {}", agentrun::runtime::one_line(&error.to_string())),
                })?;
                // jaq writes its values as JSON text.
                serde_json::from_str(&value.to_string()).map_err(|e| Error::Invalid {
                    message: format!("--jq: a result is not JSON ({e})"),
                })
            })
            .collect()
    }
}
