//! The operation table written into every client crate, and a `Request` impl per builder.
//!
//! Everything above the generated clients used to spell operations by hand: `"GET /tests"`
//! labels in the facade and the CLI, the emulator's routes, the coverage tests. This module
//! appends to `generated.rs` a `pub mod operations` holding `OPERATIONS: &[Operation]` (see
//! `agentrun_runtime::Operation`), built from the normalized document, and implements
//! `agentrun_runtime::Request` for every request builder, so any builder can be sent as
//! `builder.call()` or through the facade's `send`, named by its table entry.
//!
//! A client method is matched to its operation through the line progenitor writes in its doc
//! comment (``Sends a `POST` request to `/agents` ``), so a method renamed by the rewrites
//! still finds its operation.

use std::collections::BTreeMap;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::Value;

use crate::normalize::bodies::route;
use crate::normalize::walk::operations;
use crate::normalize::walk::resolve_schema;
use crate::text::one_line;

/// What the builder of one client method sends: its success and error body types.
struct Builder {
    /// The builder struct's name, like `StartAgent`.
    name: String,
    /// The success body type, as the builder's `send` spells it.
    output: syn::Type,
    /// The error body type.
    error: syn::Type,
    /// The JSON body type, when the builder takes one (`types::X`).
    body: Option<syn::Type>,
}

/// Appends the `operations` module and the `Request` impls to a generated client file.
pub fn append(file: &mut syn::File, doc: &Value) {
    let builders = builders(file);
    let methods = client_methods(file);
    let mut entries = Vec::new();
    let mut impls = Vec::new();
    let mut answers = Vec::new();
    let mut bodies = Vec::new();
    let mut answer_schemas = Vec::new();
    let mut body_schemas = Vec::new();
    for (path, method, op) in operations(doc) {
        let upper = method.to_ascii_uppercase();
        let Some((method_name, builder_name)) = methods.get(&(upper.clone(), path.to_string()))
        else {
            // Left out by a degradation: no client method, so nothing to send or name.
            continue;
        };
        let index = entries.len();
        // Another form of a body shares the original's route (`/pets#form` is `/pets`).
        entries.push(entry(doc, route(path, op), &upper, op, method_name));
        let Some(builder) = builders.get(builder_name) else {
            continue;
        };
        if is_byte_stream(&builder.error) {
            // An error body that is a byte stream has no fields to read.
            continue;
        }
        let name = format_ident!("{}", builder.name);
        let output = &builder.output;
        let error = &builder.error;
        let id = op
            .get("operationId")
            .and_then(Value::as_str)
            .unwrap_or(method_name);
        if is_json_type(output) {
            answers.push(quote!(#id => through::<#output>(value)));
            answer_schemas.push(quote!(#id => ::schemars::schema_for!(#output)));
        }
        if let Some(body) = &builder.body {
            bodies.push(quote!(#id => through::<#body>(value)));
            body_schemas.push(quote!(#id => ::schemars::schema_for!(#body)));
        }
        impls.push(quote! {
            impl<'a> agentrun_runtime::Request for builder::#name<'a> {
                type Output = #output;
                type ErrorBody = #error;
                const OPERATION: &'static agentrun_runtime::Operation =
                    &operations::OPERATIONS[#index];
                fn dispatch(
                    self,
                ) -> impl ::std::future::Future<
                    Output = Result<ResponseValue<Self::Output>, Error<Self::ErrorBody>>,
                > + Send {
                    builder::#name::send(self)
                }
            }
        });
    }
    let module: syn::File = syn::parse_quote! {
        /// Every operation of the spec this client was generated from, in the spec's order:
        /// what the facade's errors, the CLI and the emulator read instead of spelling an
        /// operation by hand.
        pub mod operations {
            #[allow(unused_imports)]
            use agentrun_runtime::{Body, Field, Kind, Location, Operation};

            #[allow(unused_imports)]
            use super::types;

            /// The operations, one per client method. A slice, so that an operation added
            /// to the spec changes no type (a minor release).
            pub static OPERATIONS: &[Operation] = &[#(#entries),*];

            /// The operation with this `operationId`.
            pub fn find(id: &str) -> Option<&'static Operation> {
                Operation::find(OPERATIONS, id)
            }

            /// Reads `value` as the success answer of the operation `id` and writes it back,
            /// through its generated type: what the type holds (its `Debug`) and what it
            /// writes. `None` when the operation is unknown or its answer is not JSON.
            #[allow(unreachable_code)]
            pub fn round_trip_answer(
                id: &str,
                value: ::serde_json::Value,
            ) -> Option<Result<(String, ::serde_json::Value), ::serde_json::Error>> {
                Some(match id {
                    #(#answers,)*
                    _ => return None,
                })
            }

            /// Reads `value` as the JSON request body of the operation `id` and writes it
            /// back, through its generated type (what it holds, and what it writes). `None`
            /// when the operation is unknown or takes no JSON body.
            #[allow(unreachable_code)]
            pub fn round_trip_body(
                id: &str,
                value: ::serde_json::Value,
            ) -> Option<Result<(String, ::serde_json::Value), ::serde_json::Error>> {
                Some(match id {
                    #(#bodies,)*
                    _ => return None,
                })
            }

            /// The JSON Schema (draft 7) of the JSON request body of the operation `id`, derived
            /// from its generated type: what a script, a config file or an LLM tool definition
            /// fills in. `None` when the operation is unknown or takes no JSON body.
            #[cfg(feature = "schemars")]
            #[allow(unreachable_code)]
            pub fn request_schema(id: &str) -> Option<::schemars::schema::RootSchema> {
                Some(match id {
                    #(#body_schemas,)*
                    _ => return None,
                })
            }

            /// The JSON Schema (draft 7) of the success answer of the operation `id`, derived
            /// from its generated type. `None` when the operation is unknown or its answer is
            /// not JSON.
            #[cfg(feature = "schemars")]
            #[allow(unreachable_code)]
            pub fn response_schema(id: &str) -> Option<::schemars::schema::RootSchema> {
                Some(match id {
                    #(#answer_schemas,)*
                    _ => return None,
                })
            }

            fn through<T>(
                value: ::serde_json::Value,
            ) -> Result<(String, ::serde_json::Value), ::serde_json::Error>
            where
                T: ::serde::de::DeserializeOwned + ::serde::Serialize + ::std::fmt::Debug,
            {
                let typed = ::serde_json::from_value::<T>(value)?;
                let written = ::serde_json::to_value(&typed)?;
                Ok((format!("{typed:#?}"), written))
            }
        }
        #(#impls)*
    };
    file.items.extend(module.items);
}

/// The generated types one operation sends and reads.
#[derive(Debug, Clone)]
pub struct OperationTypes {
    /// `POST /agents`.
    pub label: String,
    /// Its JSON request body schema, when it has one.
    pub body_schema: Option<Value>,
    /// The `types` name of its JSON body.
    pub body: Option<String>,
    /// Its first success status with a JSON answer, and that answer's schema.
    pub answer_schema: Option<(String, Value)>,
    /// The `types` name of its success answer.
    pub answer: Option<String>,
}

/// For every operation with a client method, the `types` it sends and reads (a body or answer
/// that is not a generated type, like a JSON value, is `None`).
pub fn operation_types(file: &syn::File, doc: &Value) -> Vec<OperationTypes> {
    let builders = builders(file);
    let methods = client_methods(file);
    let type_name = |ty: &syn::Type| match ty {
        syn::Type::Path(path)
            if path.path.segments.len() == 2 && path.path.segments[0].ident == "types" =>
        {
            last_segment(ty)
        }
        _ => None,
    };
    let mut found = Vec::new();
    for (path, method, op) in operations(doc) {
        let upper = method.to_ascii_uppercase();
        let Some((_, builder_name)) = methods.get(&(upper.clone(), path.to_string())) else {
            continue;
        };
        let Some(builder) = builders.get(builder_name) else {
            continue;
        };
        let body_schema = op
            .get("requestBody")
            .and_then(|body| body.get("content"))
            .and_then(Value::as_object)
            .and_then(|content| content.iter().find(|(media, _)| media.contains("json")))
            .and_then(|(_, media)| media.get("schema"))
            .cloned();
        let answer_schema = op
            .get("responses")
            .and_then(Value::as_object)
            .and_then(|responses| {
                responses.iter().find_map(|(status, response)| {
                    let schema = response
                        .get("content")
                        .and_then(Value::as_object)?
                        .iter()
                        .find(|(media, _)| media.contains("json"))?
                        .1
                        .get("schema")?;
                    status
                        .starts_with('2')
                        .then(|| (status.clone(), schema.clone()))
                })
            });
        found.push(OperationTypes {
            label: format!("{upper} {path}"),
            body_schema,
            body: builder.body.as_ref().and_then(type_name),
            answer_schema,
            answer: type_name(&builder.output),
        });
    }
    found
}

/// One table entry.
fn entry(
    doc: &Value,
    path: &str,
    method: &str,
    op: &serde_json::Map<String, Value>,
    method_name: &str,
) -> TokenStream {
    let text = |key: &str| {
        op.get(key)
            .and_then(Value::as_str)
            .map(one_line)
            .unwrap_or_default()
    };
    let id = op
        .get("operationId")
        .and_then(Value::as_str)
        .unwrap_or(method_name);
    let label = format!("{method} {path}");
    let summary = text("summary");
    let tag = op
        .get("tags")
        .and_then(|t| t.get(0))
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    let mut parameters: Vec<&Value> = op
        .get("parameters")
        .and_then(Value::as_array)
        .map(|p| p.iter().collect())
        .unwrap_or_default();
    // Path parameters first, as a command line wants them.
    parameters.sort_by_key(|p| p.get("in").and_then(Value::as_str) != Some("path"));
    let parameters = parameters.into_iter().filter_map(|p| {
        let location = match p.get("in").and_then(Value::as_str)? {
            "path" => quote!(Location::Path),
            "query" => quote!(Location::Query),
            "header" => quote!(Location::Header),
            _ => return None,
        };
        let schema = p.get("schema").cloned().unwrap_or(Value::Null);
        Some(field(
            doc,
            p.get("name").and_then(Value::as_str)?,
            location,
            p.get("required").and_then(Value::as_bool).unwrap_or(false),
            &schema,
            p.get("description").and_then(Value::as_str),
        ))
    });
    let request_body = op.get("requestBody").unwrap_or(&Value::Null);
    let body = match request_body.pointer("/content/application~1json/schema") {
        None => quote!(None),
        Some(schema) => {
            let required = request_body
                .get("required")
                .and_then(Value::as_bool)
                .unwrap_or(false);
            let resolved = resolve_schema(doc, schema);
            let needed = crate::normalize::walk::required_names(resolved.get("required"));
            let fields = resolved
                .get("properties")
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
                .map(|(name, property)| {
                    field(
                        doc,
                        name,
                        quote!(Location::Body),
                        needed.contains(&name.as_str()),
                        property,
                        property.get("description").and_then(Value::as_str),
                    )
                });
            quote!(Some(Body { required: #required, fields: &[#(#fields),*] }))
        }
    };
    // The operation's own `security`, else the document's; an empty requirement (`{}`) in the
    // list means credentials are optional.
    let security = op
        .get("security")
        .or_else(|| doc.get("security"))
        .and_then(Value::as_array);
    let authenticated = security.is_some_and(|requirements| {
        !requirements.is_empty()
            && requirements
                .iter()
                .all(|r| r.as_object().is_some_and(|r| !r.is_empty()))
    });
    let statuses: Vec<&String> = op
        .get("responses")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .map(|(status, _)| status)
        .collect();
    quote! {
        Operation {
            id: #id,
            method_name: #method_name,
            method: #method,
            path: #path,
            label: #label,
            summary: #summary,
            tag: #tag,
            parameters: &[#(#parameters),*],
            body: #body,
            authenticated: #authenticated,
            statuses: &[#(#statuses),*],
        }
    }
}

/// One parameter or body field.
fn field(
    doc: &Value,
    name: &str,
    location: TokenStream,
    required: bool,
    schema: &Value,
    description: Option<&str>,
) -> TokenStream {
    let resolved = resolve_schema(doc, schema);
    let nullable = [schema, resolved]
        .iter()
        .any(|s| s.get("nullable").and_then(Value::as_bool) == Some(true));
    let (kind, values) = kind(doc, resolved);
    let description = description
        .or_else(|| resolved.get("description").and_then(Value::as_str))
        .map(one_line)
        .unwrap_or_default();
    quote! {
        Field {
            name: #name,
            location: #location,
            required: #required,
            kind: #kind,
            values: &[#(#values),*],
            nullable: #nullable,
            description: #description,
        }
    }
}

/// A schema's [`Kind`](agentrun_runtime::Kind) and known string values.
fn kind(doc: &Value, schema: &Value) -> (TokenStream, Vec<String>) {
    let strings = |schema: &Value| -> Vec<String> {
        schema
            .get("enum")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .map(str::to_string)
            .collect()
    };
    match schema.get("type").and_then(Value::as_str) {
        Some("string") => (quote!(Kind::String), strings(schema)),
        Some("integer") => (quote!(Kind::Integer), Vec::new()),
        Some("number") => (quote!(Kind::Number), Vec::new()),
        Some("boolean") => (quote!(Kind::Boolean), Vec::new()),
        Some("array") => {
            let items = schema
                .get("items")
                .map(|items| resolve_schema(doc, items))
                .unwrap_or(&Value::Null);
            if items.get("type").and_then(Value::as_str) == Some("string") {
                (quote!(Kind::StringList), strings(items))
            } else {
                (quote!(Kind::Json), Vec::new())
            }
        }
        _ => (quote!(Kind::Json), Vec::new()),
    }
}

/// Each client method's `(METHOD, path)` → (method name, builder name), from progenitor's
/// ``Sends a `METHOD` request to `path` `` doc line and the method's return type.
pub fn client_methods(file: &syn::File) -> BTreeMap<(String, String), (String, String)> {
    let mut found = BTreeMap::new();
    for item in &file.items {
        let syn::Item::Impl(block) = item else {
            continue;
        };
        if block.trait_.is_some() || !is_client(&block.self_ty) {
            continue;
        }
        for item in &block.items {
            let syn::ImplItem::Fn(function) = item else {
                continue;
            };
            let Some(target) = sends_to(&function.attrs) else {
                continue;
            };
            let syn::ReturnType::Type(_, returned) = &function.sig.output else {
                continue;
            };
            let Some(builder) = last_segment(returned) else {
                continue;
            };
            found.insert(target, (function.sig.ident.to_string(), builder));
        }
    }
    found
}

/// `(METHOD, path)` from a doc comment's ``Sends a `POST` request to `/agents` `` line.
fn sends_to(attrs: &[syn::Attribute]) -> Option<(String, String)> {
    for attr in attrs {
        let syn::Meta::NameValue(meta) = &attr.meta else {
            continue;
        };
        let syn::Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Str(text),
            ..
        }) = &meta.value
        else {
            continue;
        };
        for line in text.value().lines() {
            let Some(rest) = line.trim().strip_prefix("Sends a `") else {
                continue;
            };
            let (method, rest) = rest.split_once("` request to `")?;
            let path = rest.strip_suffix('`')?;
            return Some((method.to_string(), path.to_string()));
        }
    }
    None
}

/// The builders of `pub mod builder`, by name, with their `send`'s body types.
fn builders(file: &syn::File) -> BTreeMap<String, Builder> {
    let mut found = BTreeMap::new();
    let Some(items) = file.items.iter().find_map(|item| match item {
        syn::Item::Mod(module) if module.ident == "builder" => {
            module.content.as_ref().map(|(_, items)| items)
        }
        _ => None,
    }) else {
        return found;
    };
    let mut body_types = BTreeMap::new();
    for item in items {
        let syn::Item::Struct(structure) = item else {
            continue;
        };
        for field in &structure.fields {
            if field.ident.as_ref().is_some_and(|i| i == "body")
                && let Some(body) = json_body_type(&field.ty)
            {
                body_types.insert(structure.ident.to_string(), body);
            }
        }
    }
    for item in items {
        let syn::Item::Impl(block) = item else {
            continue;
        };
        let Some(name) = last_segment(&block.self_ty) else {
            continue;
        };
        for item in &block.items {
            let syn::ImplItem::Fn(function) = item else {
                continue;
            };
            if function.sig.ident != "send" {
                continue;
            }
            if let Some((output, error)) = result_types(&function.sig.output) {
                found.insert(
                    name.clone(),
                    Builder {
                        name: name.clone(),
                        output,
                        error,
                        body: body_types.get(&name).cloned(),
                    },
                );
            }
        }
    }
    found
}

/// `T` and `E` of `Result<ResponseValue<T>, Error<E>>`.
fn result_types(output: &syn::ReturnType) -> Option<(syn::Type, syn::Type)> {
    let syn::ReturnType::Type(_, returned) = output else {
        return None;
    };
    let result = generic_arguments(returned)?;
    let [ok, err] = result.as_slice() else {
        return None;
    };
    let (ok, err) = (generic_arguments(ok)?, generic_arguments(err)?);
    match (ok.as_slice(), err.as_slice()) {
        ([output], [error]) => Some((output.clone(), error.clone())),
        _ => None,
    }
}

/// The type arguments of a path type's last segment.
fn generic_arguments(ty: &syn::Type) -> Option<Vec<syn::Type>> {
    let syn::Type::Path(path) = ty else {
        return None;
    };
    let syn::PathArguments::AngleBracketed(arguments) = &path.path.segments.last()?.arguments
    else {
        return None;
    };
    Some(
        arguments
            .args
            .iter()
            .filter_map(|argument| match argument {
                syn::GenericArgument::Type(ty) => Some(ty.clone()),
                _ => None,
            })
            .collect(),
    )
}

/// The last segment's name of a path type (`builder::StartAgent<'_>` → `StartAgent`).
fn last_segment(ty: &syn::Type) -> Option<String> {
    match ty {
        syn::Type::Path(path) => Some(path.path.segments.last()?.ident.to_string()),
        _ => None,
    }
}

fn is_client(ty: &syn::Type) -> bool {
    last_segment(ty).as_deref() == Some("Client")
}

/// The JSON body type a builder's `body: Result<T, String>` field holds: `types::X` for a
/// typify builder `types::builder::X`, the type itself for another `types::` type or a JSON
/// value; `None` for a body that is not JSON (a multipart form, bytes).
fn json_body_type(ty: &syn::Type) -> Option<syn::Type> {
    let [inner, _] = generic_arguments(ty)?.try_into().ok()?;
    let syn::Type::Path(path) = &inner else {
        return None;
    };
    let segments: Vec<String> = path
        .path
        .segments
        .iter()
        .map(|s| s.ident.to_string())
        .collect();
    match segments
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        ["types", "builder", name] => {
            let name = format_ident!("{}", name);
            Some(syn::parse_quote!(types::#name))
        }
        ["types", ..] => Some(inner.clone()),
        [.., "serde_json", "Value"] => Some(inner.clone()),
        _ => None,
    }
}

/// Whether a success type is a JSON one: not nothing, not bytes, not an upgraded connection
/// (`reqwest::Upgraded`).
fn is_json_type(ty: &syn::Type) -> bool {
    match ty {
        syn::Type::Tuple(tuple) => !tuple.elems.is_empty(),
        syn::Type::Path(path) => !path.path.segments.iter().any(|s| {
            matches!(
                s.ident.to_string().as_str(),
                "reqwest" | "ByteStream" | "Upgraded"
            )
        }),
        _ => false,
    }
}

fn is_byte_stream(ty: &syn::Type) -> bool {
    last_segment(ty).as_deref() == Some("ByteStream")
}
