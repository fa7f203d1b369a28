//! The `PROVIDER` constant of a generated client (`agentrun_runtime::ProviderInfo`): the API
//! as a whole, from the crate's entry in `openapi/providers.toml` and its normalized document.
//!
//! Credentials come from the document's security schemes, one variable each: the entry's
//! `credentials` table names it, or it is derived from the provider's name. A lone scheme is
//! `{NAME}_TOKEN` (a bearer token, OAuth 2, OpenID Connect), `{NAME}_API_KEY` (an `apiKey`) or
//! `{NAME}_CREDENTIALS` (HTTP basic, written `user:password`); with several, each is
//! `{NAME}_{SCHEME}`. A scheme agentrun cannot send (HTTP digest, mutual TLS) gets none.

use anyhow::{Result, bail};
use heck::ToShoutySnakeCase;
use quote::quote;
use serde_json::Value;

use crate::read::providers::{Provider, TABLE};
use crate::text::one_line;

/// One credential as the constant lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CredentialInfo {
    /// The scheme's name.
    pub scheme: String,
    /// The variable.
    pub variable: String,
    /// `Bearer`, `Basic`, or where an API key goes and its name.
    pub placement: Placement,
    /// The scheme's description, on one line.
    pub description: String,
}

/// Where a credential goes (the runtime's `Placement`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Placement {
    /// `Authorization: Bearer`.
    Bearer,
    /// `Authorization: Basic`.
    Basic,
    /// A header.
    Header(String),
    /// A query parameter.
    Query(String),
    /// A cookie.
    Cookie(String),
}

/// Appends `pub static PROVIDER` to a generated client file (next to `operations`).
pub fn append(file: &mut syn::File, provider: &Provider, doc: &Value) -> Result<()> {
    let name = &provider.name;
    let title = &provider.title;
    let base_url = base_url(doc);
    let base_url_variable = provider.base_url_variable();
    let credentials = credentials(provider, doc)?.into_iter().map(|c| {
        let CredentialInfo {
            scheme,
            variable,
            placement,
            description,
        } = c;
        let placement = match placement {
            Placement::Bearer => quote!(Bearer),
            Placement::Basic => quote!(Basic),
            Placement::Header(n) => quote!(Header(#n)),
            Placement::Query(n) => quote!(Query(#n)),
            Placement::Cookie(n) => quote!(Cookie(#n)),
        };
        quote! {
            agentrun_runtime::Credential {
                scheme: #scheme,
                variable: #variable,
                placement: agentrun_runtime::Placement::#placement,
                description: #description,
            }
        }
    });
    let item: syn::File = syn::parse2(quote! {
        /// This API as a whole, from its entry in `openapi/providers.toml` and its document:
        /// its credentials and where they go, its base URL, its operations and the document.
        pub static PROVIDER: agentrun_runtime::ProviderInfo = agentrun_runtime::ProviderInfo {
            name: #name,
            title: #title,
            base_url: #base_url,
            base_url_variable: #base_url_variable,
            credentials: &[#(#credentials),*],
            operations: operations::OPERATIONS,
            document: include_str!("../openapi.normalized.json"),
        };
    })?;
    file.items.extend(item.items);
    Ok(())
}

/// The credentials of the document's security schemes, with their variables.
pub fn credentials(provider: &Provider, doc: &Value) -> Result<Vec<CredentialInfo>> {
    let empty = serde_json::Map::new();
    let schemes = doc
        .pointer("/components/securitySchemes")
        .and_then(Value::as_object)
        .unwrap_or(&empty);
    if let Some(unknown) = provider
        .credentials
        .keys()
        .find(|scheme| !schemes.contains_key(*scheme))
    {
        let known: Vec<&str> = schemes.keys().map(String::as_str).collect();
        bail!(
            "{TABLE}: provider `{}`: `credentials` names the scheme `{unknown}`, which the \
             document does not declare; its security schemes are: {}",
            provider.name,
            if known.is_empty() {
                "none".to_string()
            } else {
                known.join(", ")
            }
        );
    }
    let sendable: Vec<(&String, Placement, String)> = schemes
        .iter()
        .filter_map(|(scheme, definition)| {
            let description = definition
                .get("description")
                .and_then(Value::as_str)
                .map(one_line)
                .unwrap_or_default();
            placement(definition).map(|p| (scheme, p, description))
        })
        .collect();
    let prefix = provider.variable_prefix();
    let lone = sendable.len() == 1;
    Ok(sendable
        .into_iter()
        .map(|(scheme, placement, description)| {
            let variable = provider
                .credentials
                .get(scheme)
                .cloned()
                .unwrap_or_else(|| {
                    let suffix = match (&placement, lone) {
                        (Placement::Bearer, true) => "TOKEN".to_string(),
                        (Placement::Basic, true) => "CREDENTIALS".to_string(),
                        (_, true) => "API_KEY".to_string(),
                        (_, false) => scheme.to_shouty_snake_case(),
                    };
                    format!("{prefix}_{suffix}")
                });
            CredentialInfo {
                scheme: scheme.clone(),
                variable,
                placement,
                description,
            }
        })
        .collect())
}

/// Where a scheme's credential goes; `None` for what agentrun cannot send.
fn placement(scheme: &Value) -> Option<Placement> {
    let text = |key: &str| scheme.get(key).and_then(Value::as_str).unwrap_or("");
    match text("type") {
        "http" if text("scheme").eq_ignore_ascii_case("bearer") => Some(Placement::Bearer),
        "http" if text("scheme").eq_ignore_ascii_case("basic") => Some(Placement::Basic),
        "oauth2" | "openIdConnect" => Some(Placement::Bearer),
        "apiKey" => {
            let name = text("name").to_string();
            match text("in") {
                "header" => Some(Placement::Header(name)),
                "query" => Some(Placement::Query(name)),
                "cookie" => Some(Placement::Cookie(name)),
                _ => None,
            }
        }
        _ => None,
    }
}

/// The document's first server URL with its variables' defaults, when it is absolute.
pub fn base_url(doc: &Value) -> String {
    let Some(server) = doc.pointer("/servers/0") else {
        return String::new();
    };
    let mut url = server
        .get("url")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    if let Some(variables) = server.get("variables").and_then(Value::as_object) {
        for (name, variable) in variables {
            if let Some(default) = variable.get("default").and_then(Value::as_str) {
                url = url.replace(&format!("{{{name}}}"), default);
            }
        }
    }
    let absolute = url.starts_with("http://") || url.starts_with("https://");
    if absolute && !url.contains('{') {
        url.trim_end_matches('/').to_string()
    } else {
        String::new()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use serde_json::json;

    fn provider(credentials: &[(&str, &str)]) -> Provider {
        let table = "[[provider]]\nname = \"pet-store\"\ntitle = \"Pets\"\nspec = \"pets.json\"\n\
                     crate_dir = \"crates/pets\"\n";
        let mut provider = crate::read::providers::Providers::parse("/w".as_ref(), table)
            .unwrap()
            .list
            .remove(0);
        provider.credentials = credentials
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        provider
    }

    fn variables(provider: &Provider, doc: &Value) -> Vec<(String, String, Placement)> {
        credentials(provider, doc)
            .unwrap()
            .into_iter()
            .map(|c| (c.scheme, c.variable, c.placement))
            .collect()
    }

    #[test]
    fn a_lone_scheme_gets_a_name_by_its_kind_and_several_get_theirs() {
        let bearer = json!({"components": {"securitySchemes": {"auth": {"type": "http", "scheme": "Bearer"}}}});
        assert_eq!(
            variables(&provider(&[]), &bearer),
            [("auth".into(), "PET_STORE_TOKEN".into(), Placement::Bearer)]
        );
        let several = json!({"components": {"securitySchemes": {
            "apiKey": {"type": "apiKey", "in": "query", "name": "key"},
            "sessionCookie": {"type": "apiKey", "in": "cookie", "name": "sid"},
            "digest": {"type": "http", "scheme": "digest"},
            "oauth": {"type": "oauth2", "flows": {}}
        }}});
        assert_eq!(
            variables(&provider(&[("oauth", "PETS_OAUTH")]), &several),
            [
                (
                    "apiKey".into(),
                    "PET_STORE_API_KEY".into(),
                    Placement::Query("key".into())
                ),
                (
                    "sessionCookie".into(),
                    "PET_STORE_SESSION_COOKIE".into(),
                    Placement::Cookie("sid".into())
                ),
                ("oauth".into(), "PETS_OAUTH".into(), Placement::Bearer),
            ]
        );
    }

    #[test]
    fn a_variable_for_a_scheme_the_document_lacks_is_an_error_that_lists_the_schemes() {
        let doc = json!({"components": {"securitySchemes": {"auth": {"type": "http", "scheme": "basic"}}}});
        let error = credentials(&provider(&[("token", "PETS_TOKEN")]), &doc).unwrap_err();
        assert_eq!(
            error.to_string(),
            "openapi/providers.toml: provider `pet-store`: `credentials` names the scheme \
             `token`, which the document does not declare; its security schemes are: auth"
        );
    }

    #[test]
    fn the_base_url_is_the_first_absolute_server_with_its_defaults() {
        let doc = json!({"servers": [{"url": "https://{region}.pets.example/v1/",
            "variables": {"region": {"default": "eu"}}}]});
        assert_eq!(base_url(&doc), "https://eu.pets.example/v1");
        assert_eq!(base_url(&json!({"servers": [{"url": "/v1"}]})), "");
        assert_eq!(base_url(&json!({})), "");
    }

    #[test]
    fn the_constant_names_the_table_the_document_and_the_variables() {
        let doc = json!({"servers": [{"url": "https://pets.example"}],
            "components": {"securitySchemes": {"key": {"type": "apiKey", "in": "header", "name": "X-Key"}}}});
        let mut file: syn::File = syn::parse_quote!();
        append(&mut file, &provider(&[]), &doc).unwrap();
        let code = quote!(#file).to_string();
        assert!(
            code.contains("base_url : \"https://pets.example\""),
            "{code}"
        );
        assert!(
            code.contains("base_url_variable : \"PET_STORE_BASE_URL\""),
            "{code}"
        );
        assert!(code.contains("variable : \"PET_STORE_API_KEY\""), "{code}");
        assert!(code.contains("Placement :: Header (\"X-Key\")"), "{code}");
        assert!(
            code.contains("operations : operations :: OPERATIONS"),
            "{code}"
        );
    }
}
