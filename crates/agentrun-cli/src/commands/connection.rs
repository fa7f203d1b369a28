//! How a command reaches its provider: the connection flags of a provider with no
//! hand-written ones, from its security schemes (`--token` for `PETS_TOKEN`, `--base-url`,
//! `--request-timeout`), and the client they make, each value from its flag or else its
//! environment variable.

use std::time::Duration;

use agentrun::{ClientConfig, Error, Provider, ProviderClient};
use clap::{Arg, ArgMatches, Command};
use heck::{ToKebabCase, ToShoutySnakeCase, ToSnakeCase};

use crate::cli::positive_duration;
use crate::commands::flags::value;

/// The flag of a credential: its variable without the provider's prefix, in kebab-case
/// (`BUILDPRINT_TOKEN` is `--token`, `PETS_API_KEY` is `--api-key`).
pub(crate) fn credential_flag(provider: Provider, variable: &str) -> String {
    let prefix = format!("{}_", provider.name().to_shouty_snake_case());
    variable
        .strip_prefix(&prefix)
        .unwrap_or(variable)
        .to_kebab_case()
}

/// The flags that say how to reach a provider with no hand-written command: one per
/// credential, `--base-url` and `--request-timeout`, each id its long name in snake case (as
/// the hand-written ones' are), so [`connect`] reads both kinds alike.
pub(crate) fn with_connection_flags(command: Command, provider: Provider) -> Command {
    let info = provider.info();
    let credentials = info.credentials.iter().map(|credential| {
        let long = credential_flag(provider, credential.variable);
        let what = if credential.description.is_empty() {
            format!("The `{}` credential", credential.scheme)
        } else {
            credential.description.trim_end_matches('.').to_string()
        };
        Arg::new(long.to_snake_case())
            .long(long)
            .value_name("SECRET")
            .global(true)
            .help_heading("Connection")
            .help(format!("{what} [default: ${}]", credential.variable))
    });
    let default_url = if info.base_url.is_empty() {
        String::new()
    } else {
        format!(", else {}", info.base_url)
    };
    command
        .args(credentials)
        .arg(
            Arg::new("base_url")
                .long("base-url")
                .value_name("URL")
                .global(true)
                .help_heading("Connection")
                .help(format!(
                    "The API's base URL [default: ${}{default_url}]",
                    info.base_url_variable
                )),
        )
        .arg(
            Arg::new("request_timeout")
                .long("request-timeout")
                .value_name("DURATION")
                .global(true)
                .value_parser(positive_duration)
                .help_heading("Connection")
                .help("Give up on one request (each attempt) after this long [default: 60s]"),
        )
}

/// The client of an invocation: [`connect`]'s, with its `--max-answer-bytes` and
/// `--dry-run`.
pub(crate) fn client(invocation: &super::Invocation<'_>) -> Result<ProviderClient, Error> {
    Ok(connect(invocation.provider, invocation.connection)?
        .with_max_answer_bytes(invocation.max_answer_bytes)
        .with_dry_run(invocation.dry_run))
}

/// The client of a command built from the table: each credential and the base URL from its
/// flag, else its variable; a provider's hand-written code may read its own flags instead
/// ([`crate::commands::ProviderExtension::client`]).
pub(crate) fn connect(
    provider: Provider,
    connection: &ArgMatches,
) -> Result<ProviderClient, Error> {
    if let Some(client) = crate::commands::extension(provider).and_then(|e| e.client) {
        return client(connection);
    }
    let info = provider.info();
    let lookup = |variable: &str| {
        let flag = if variable == info.base_url_variable {
            "base_url".to_string()
        } else {
            credential_flag(provider, variable).to_snake_case()
        };
        value(connection, &flag).or_else(|| crate::settings::var(variable))
    };
    let mut config = ClientConfig::new();
    if let Ok(Some(timeout)) = connection.try_get_one::<Duration>("request_timeout") {
        config = config.timeout(*timeout);
    }
    ProviderClient::with_config(provider, lookup, config)
}
