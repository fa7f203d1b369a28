//! Post-processing of progenitor's output: what the normalized document asks for and
//! progenitor 0.15 cannot generate itself.
//!
//! Normalization marks the document where the generated code must differ from what progenitor
//! writes ([`crate::normalize`] documents each mark); this module applies the marks to the
//! parsed code:
//!
//! - [`builders`]: a parameter renamed to tell it apart is sent under its real name
//!   (`x-agentrun-wire-name`); a `multipart/form-data` body (`x-agentrun-multipart`) is sent
//!   as a form of its typed fields, or taken as a `reqwest::multipart::Form` where the
//!   document lists none; a body is sent with its real media type
//!   (`x-agentrun-content-type`); a response without a body is `None` (`x-agentrun-empty`);
//!   `Accept` lists every media type the responses document (`x-agentrun-accept`); another
//!   form of a body is sent to the original's URL (`x-agentrun-alternative-of`);
//! - [`boxed_options`]: an unset recursive field (`Box<Option<T>>`) is left out of a request,
//!   not sent as `null`;
//! - [`deprecated`]: deprecated operations, parameters, schemas and fields carry
//!   `#[deprecated]`;
//! - [`docs`]: every doc comment is safe, whatever the document's text: no code block of it
//!   runs as a doctest, and no character rustc refuses reaches a comment.

pub mod boxed_options;
pub mod builders;
pub mod deprecated;
pub mod docs;
pub mod open_enums;
pub mod schemars_derives;
pub mod type_origins;

use serde_json::Value;

use crate::normalize::bodies::{ALTERNATIVE, CONTENT_TYPE, NULLABLE_FIELDS, multipart_fields};
use crate::normalize::names::{Case, sanitize};
use crate::normalize::parameters::WIRE_NAME;
use crate::normalize::responses::{ACCEPT, EMPTY};
use crate::normalize::walk::operations;

/// What the generated code of one operation needs beyond progenitor's output.
#[derive(Debug, Clone, Default)]
pub struct OperationPlan {
    /// The `Client` method.
    pub method: String,
    /// The request builder struct, in the `builder` module.
    pub builder: String,
    /// The operation is deprecated.
    pub deprecated: bool,
    /// Parameters renamed in Rust: (the name progenitor sends, the name to send).
    pub wire_names: Vec<(String, String)>,
    /// The body is a multipart form with these fields.
    pub multipart: Option<Vec<String>>,
    /// The body's real media type, when progenitor would send another one; whether the body is
    /// JSON (else raw bytes).
    pub content_type: Option<(String, bool)>,
    /// Success statuses answered without a body.
    pub empty_success: Vec<u16>,
    /// Error statuses answered without a body.
    pub empty_error: Vec<u16>,
    /// Setters of deprecated parameters.
    pub deprecated_parameters: Vec<String>,
    /// What `Accept` lists, when more than `application/json`.
    pub accept: Option<String>,
    /// Top-level body fields the document lets be `null`, for the builder's `null_fields`.
    pub nullable_fields: Vec<String>,
    /// The operation sends another form of a body (its path key carries a `#suffix`).
    pub alternative: bool,
    /// The multipart body is a struct of its fields (progenitor sees it as JSON), sent through
    /// [`MULTIPART_FORM`]; else the method takes a `reqwest::multipart::Form`.
    pub typed_multipart: bool,
}

/// The function a typed multipart body is sent through, added to a generated file that has
/// one: the runtime reads the body's parts, reqwest's form writes them.
pub const MULTIPART_FORM: &str = "multipart_form";

/// Applies every rewrite the document asks for to the generated file.
pub fn rewrite(file: &mut syn::File, doc: &Value) {
    let plans: Vec<OperationPlan> = operations(doc)
        .into_iter()
        .map(|(_, _, op)| plan(op))
        .collect();
    builders::rewrite(file, &plans);
    if plans.iter().any(|plan| plan.typed_multipart) {
        file.items.push(multipart_form());
    }
    boxed_options::rewrite(file);
    if deprecated::rewrite(file, doc, &plans) {
        // Generated code uses what it marks deprecated (serde derives, builders): only the
        // crate's users are to be warned.
        file.attrs.push(syn::parse_quote!(#![allow(deprecated)]));
    }
    docs::rewrite(file);
}

/// [`MULTIPART_FORM`]: a body's parts as reqwest's form.
fn multipart_form() -> syn::Item {
    let name = syn::Ident::new(MULTIPART_FORM, proc_macro2::Span::call_site());
    syn::parse_quote! {
        /// A typed multipart body as the form reqwest sends: each field a part, each
        /// `agentrun_runtime::Upload` a file part with its file name and media type.
        fn #name<T: ::serde::Serialize + ?Sized>(
            body: &T,
        ) -> Result<reqwest::multipart::Form, String> {
            let mut form = reqwest::multipart::Form::new();
            for part in agentrun_runtime::multipart_parts(body)? {
                form = match part {
                    agentrun_runtime::MultipartPart::Text { name, value } => form.text(name, value),
                    agentrun_runtime::MultipartPart::File { name, upload } => {
                        let mut file = reqwest::multipart::Part::bytes(upload.bytes().to_vec());
                        if let Some(file_name) = upload.get_file_name() {
                            file = file.file_name(file_name.to_string());
                        }
                        if let Some(media) = upload.get_content_type() {
                            file = file.mime_str(media).map_err(|error| {
                                format!("the file `{name}` has a media type reqwest refuses: {error}")
                            })?;
                        }
                        form.part(name, file)
                    }
                };
            }
            Ok(form)
        }
    }
}

fn plan(op: &serde_json::Map<String, Value>) -> OperationPlan {
    let id = op
        .get("operationId")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let parameters: Vec<&Value> = op
        .get("parameters")
        .and_then(Value::as_array)
        .map(|p| p.iter().collect())
        .unwrap_or_default();
    let name = |p: &Value| {
        p.get("name")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string()
    };
    let body = op.get("requestBody");
    let body_media = body
        .and_then(|b| b.get("content"))
        .and_then(Value::as_object)
        .and_then(|c| c.keys().next().cloned())
        .unwrap_or_default();
    let empty = |success: bool| -> Vec<u16> {
        op.get("responses")
            .and_then(Value::as_object)
            .map(|responses| {
                responses
                    .iter()
                    .filter(|(_, r)| r.get(EMPTY) == Some(&Value::Bool(true)))
                    .filter_map(|(status, _)| status.parse::<u16>().ok())
                    .filter(|code| (200..300).contains(code) == success)
                    .collect()
            })
            .unwrap_or_default()
    };
    OperationPlan {
        alternative: op.contains_key(ALTERNATIVE),
        typed_multipart: body.and_then(multipart_fields).is_some()
            && body_media == "application/json",
        method: sanitize(id, Case::Snake),
        builder: sanitize(id, Case::Pascal),
        deprecated: op.get("deprecated") == Some(&Value::Bool(true)),
        wire_names: parameters
            .iter()
            .filter_map(|p| {
                let wire = p.get(WIRE_NAME)?.as_str()?;
                Some((name(p), wire.to_string()))
            })
            .collect(),
        multipart: body
            .and_then(multipart_fields)
            .map(|fields| fields.into_iter().map(str::to_string).collect()),
        content_type: body
            .and_then(|b| b.get(CONTENT_TYPE))
            .and_then(Value::as_str)
            .map(|media| (media.to_string(), body_media == "application/json")),
        empty_success: empty(true),
        empty_error: empty(false),
        deprecated_parameters: parameters
            .iter()
            .filter(|p| p.get("deprecated") == Some(&Value::Bool(true)))
            .map(|p| sanitize(&name(p), Case::Snake))
            .collect(),
        nullable_fields: body
            .and_then(|b| b.get(NULLABLE_FIELDS))
            .and_then(Value::as_array)
            .map(|names| {
                names
                    .iter()
                    .filter_map(Value::as_str)
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default(),
        accept: op.get(ACCEPT).and_then(Value::as_array).map(|list| {
            list.iter()
                .filter_map(Value::as_str)
                .collect::<Vec<_>>()
                .join(", ")
        }),
    }
}

/// The last segment of a type path (`builder::Upload<'a>` → `Upload`).
pub fn type_ident(ty: &syn::Type) -> Option<String> {
    match ty {
        syn::Type::Path(path) => path.path.segments.last().map(|s| s.ident.to_string()),
        _ => None,
    }
}
