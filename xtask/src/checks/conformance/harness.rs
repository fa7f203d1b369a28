//! The program a conformance run builds next to a generated client: it sends every case of a
//! plan through the client's own request builders, as a user's code would, and prints what the
//! client made of each answer, one JSON line per case.
//!
//! What it calls is read from the generated code itself (`syn`): each operation's builder, and
//! each setter with the type it takes (`V: TryInto<types::Thing>`). A value of the plan becomes
//! that type through serde, so a documented value the generated type cannot hold is caught as
//! such (`the client cannot take the value of `labels``), before anything is sent.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use quote::ToTokens;

/// An operation of the generated client: its `Client` method and its builder's setters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientMethod {
    /// The `Client` method, like `get_thing`.
    pub name: String,
    /// The builder type it returns, like `GetThing`.
    pub builder: String,
    /// The builder's setters.
    pub setters: Vec<Setter>,
}

/// A setter of a request builder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Setter {
    /// Its name, like `id` or `body`.
    pub name: String,
    /// The type it takes, as code (`types::Thing`, `::std::string::String`).
    pub ty: String,
}

/// How a setter's value is written in the harness.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Taking {
    /// Through serde, into its type.
    Typed,
    /// Bytes (`reqwest::Body`): the value's text.
    Bytes,
    /// A `multipart/form-data` form: each field of the value as a text part.
    Form,
}

impl Setter {
    fn taking(&self) -> Taking {
        let ty = self.ty.replace(' ', "");
        if ty.ends_with("multipart::Form") {
            Taking::Form
        } else if ty.ends_with("reqwest::Body") {
            Taking::Bytes
        } else {
            Taking::Typed
        }
    }
}

/// An entry of the generated `operations::OPERATIONS` table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableEntry {
    /// The `operationId` (as normalized).
    pub id: String,
    /// The `Client` method.
    pub method_name: String,
    /// `GET`, `POST`, ...
    pub method: String,
    /// The path template, relative to the base URL.
    pub path: String,
}

/// The client's methods, by name: every `pub fn` of `impl Client` that returns a builder of
/// the crate's `builder` module, with that builder's setters.
pub fn client_methods(file: &syn::File) -> BTreeMap<String, ClientMethod> {
    let mut setters: BTreeMap<String, Vec<Setter>> = BTreeMap::new();
    let mut methods = BTreeMap::new();
    for item in &file.items {
        match item {
            syn::Item::Mod(module) if module.ident == "builder" => {
                for item in module.content.iter().flat_map(|(_, items)| items) {
                    if let syn::Item::Impl(block) = item
                        && let Some(name) = self_name(block)
                    {
                        setters
                            .entry(name)
                            .or_default()
                            .extend(block.items.iter().filter_map(setter));
                    }
                }
            }
            syn::Item::Impl(block) if self_name(block).as_deref() == Some("Client") => {
                for item in &block.items {
                    let syn::ImplItem::Fn(function) = item else {
                        continue;
                    };
                    let syn::ReturnType::Type(_, ty) = &function.sig.output else {
                        continue;
                    };
                    let returned = ty.to_token_stream().to_string().replace(' ', "");
                    if let Some(builder) = returned
                        .strip_prefix("builder::")
                        .and_then(|rest| rest.split('<').next())
                    {
                        methods.insert(function.sig.ident.to_string(), builder.to_string());
                    }
                }
            }
            _ => {}
        }
    }
    methods
        .into_iter()
        .map(|(name, builder)| {
            let setters = setters.get(&builder).cloned().unwrap_or_default();
            let method = ClientMethod {
                name: name.clone(),
                builder,
                setters,
            };
            (name, method)
        })
        .collect()
}

fn self_name(block: &syn::ItemImpl) -> Option<String> {
    if block.trait_.is_some() {
        return None;
    }
    match &*block.self_ty {
        syn::Type::Path(path) => path.path.segments.last().map(|s| s.ident.to_string()),
        _ => None,
    }
}

/// A builder method that takes one value and returns the builder: `fn id<V>(self, value: V)
/// where V: TryInto<T>` (its type is `T`), or `fn body(self, value: T)`.
fn setter(item: &syn::ImplItem) -> Option<Setter> {
    let syn::ImplItem::Fn(function) = item else {
        return None;
    };
    let signature = &function.sig;
    if signature.asyncness.is_some() || signature.inputs.len() != 2 {
        return None;
    }
    let syn::FnArg::Typed(argument) = &signature.inputs[1] else {
        return None;
    };
    let argument = argument.ty.to_token_stream().to_string();
    let generic = signature.generics.type_params().next();
    let ty = match generic {
        Some(parameter) => {
            let bounds = signature
                .generics
                .where_clause
                .as_ref()?
                .predicates
                .iter()
                .find_map(|predicate| match predicate {
                    syn::WherePredicate::Type(bound)
                        if parameter.ident == bound.bounded_ty.to_token_stream().to_string() =>
                    {
                        Some(bound.bounds.to_token_stream().to_string())
                    }
                    _ => None,
                })?;
            let bounds = bounds.replace(' ', "");
            let inner = bounds
                .strip_prefix("std::convert::TryInto<")?
                .strip_suffix('>')?;
            inner.to_string()
        }
        None => argument,
    };
    Some(Setter {
        name: signature.ident.to_string(),
        ty,
    })
}

/// The generated `operations::OPERATIONS` table.
pub fn operation_table(file: &syn::File) -> Vec<TableEntry> {
    let mut found = Vec::new();
    for item in &file.items {
        let syn::Item::Mod(module) = item else {
            continue;
        };
        if module.ident != "operations" {
            continue;
        }
        for item in module.content.iter().flat_map(|(_, items)| items) {
            let syn::Item::Static(table) = item else {
                continue;
            };
            if table.ident != "OPERATIONS" {
                continue;
            }
            let syn::Expr::Reference(reference) = &*table.expr else {
                continue;
            };
            let syn::Expr::Array(array) = &*reference.expr else {
                continue;
            };
            for element in &array.elems {
                let syn::Expr::Struct(entry) = element else {
                    continue;
                };
                let field = |name: &str| {
                    entry
                        .fields
                        .iter()
                        .find_map(|f| match (&f.member, &f.expr) {
                            (
                                syn::Member::Named(ident),
                                syn::Expr::Lit(syn::ExprLit {
                                    lit: syn::Lit::Str(text),
                                    ..
                                }),
                            ) if ident == name => Some(text.value()),
                            _ => None,
                        })
                };
                if let (Some(id), Some(method_name), Some(method), Some(path)) = (
                    field("id"),
                    field("method_name"),
                    field("method"),
                    field("path"),
                ) {
                    found.push(TableEntry {
                        id,
                        method_name,
                        method,
                        path,
                    });
                }
            }
        }
    }
    found
}

/// The harness's helper that writes a value as a form, for crates that send forms.
const FORM: &str = r#"fn form(value: &Value) -> reqwest::multipart::Form {
    let mut form = reqwest::multipart::Form::new();
    for (name, field) in value.as_object().into_iter().flatten() {
        match field {
            Value::Array(items) => {
                for item in items {
                    form = form.text(name.clone(), text(item));
                }
            }
            other => form = form.text(name.clone(), text(other)),
        }
    }
    form
}

"#;

/// The harness's source, for the crate `library` (its Rust name) and these methods.
///
/// Run as `HARNESS BASE_URL PLAN_FILE`. The plan is a JSON array of cases:
/// `{"case": 3, "method": "get_thing", "base": "/__case/3", "set": {"id": "t1", "body": {..}}}`.
/// Each case is sent through `Client::new_with_client(BASE_URL + base)` with retries off, and
/// prints `{"case": 3, "result": "ok", "status": 200}` (or `error-response`,
/// `invalid-payload`, `unexpected`, `invalid-request`, `unbuildable`, `not-sent`, with a
/// `message`).
pub fn source(library: &str, methods: &[&ClientMethod]) -> String {
    let mut arms = String::new();
    for method in methods {
        let _ = writeln!(arms, "        {:?} => {{", method.name);
        let _ = writeln!(arms, "            #[allow(unused_mut)]");
        let _ = writeln!(arms, "            let mut b = client.{}();", method.name);
        for setter in &method.setters {
            let value = match setter.taking() {
                Taking::Typed => format!("take::<{}>({:?}, v)?", setter.ty, setter.name),
                Taking::Bytes => "text(v)".to_string(),
                Taking::Form => "form(v)".to_string(),
            };
            let _ = writeln!(
                arms,
                "            if let Some(v) = set.get({:?}) {{ b = b.{}({value}); }}",
                setter.name, setter.name
            );
        }
        let _ = writeln!(arms, "            Ok(outcome(b.send().await))");
        let _ = writeln!(arms, "        }}");
    }
    // Only a crate that sends forms has reqwest's `multipart` feature.
    let sends_forms = methods
        .iter()
        .flat_map(|m| &m.setters)
        .any(|s| s.taking() == Taking::Form);
    let form = if sends_forms { FORM } else { "" };
    format!(
        r#"//! Written by `cargo xtask conformance --over-http`: every case of a plan, sent through
//! this crate's request builders.

#![allow(unused_imports, unused_variables, deprecated, clippy::all)]

use {library}::{{Client, Error, ResponseValue, types}};
use serde_json::{{Value, json}};

fn take<T: serde::de::DeserializeOwned>(name: &str, value: &Value) -> Result<T, Value> {{
    serde_json::from_value(value.clone()).map_err(|e| {{
        json!({{"result": "unbuildable", "message": format!("`{{name}}`: {{e}}")}})
    }})
}}

fn text(value: &Value) -> String {{
    match value {{
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }}
}}

{form}fn outcome<T, E>(result: Result<ResponseValue<T>, Error<E>>) -> Value {{
    match result {{
        Ok(value) => json!({{"result": "ok", "status": value.status().as_u16()}}),
        Err(Error::ErrorResponse(value)) => {{
            json!({{"result": "error-response", "status": value.status().as_u16()}})
        }}
        Err(Error::InvalidResponsePayload(_, error)) => {{
            json!({{"result": "invalid-payload", "message": error.to_string()}})
        }}
        Err(Error::UnexpectedResponse(response)) => {{
            json!({{"result": "unexpected", "status": response.status().as_u16()}})
        }}
        Err(Error::InvalidRequest(message)) => {{
            json!({{"result": "invalid-request", "message": message}})
        }}
        Err(Error::CommunicationError(error))
        | Err(Error::ResponseBodyError(error))
        | Err(Error::InvalidUpgrade(error)) => {{
            json!({{"result": "not-sent", "message": error.to_string()}})
        }}
        Err(Error::Custom(message)) => json!({{"result": "not-sent", "message": message}}),
    }}
}}

async fn call(client: &Client, method: &str, set: &Value) -> Result<Value, Value> {{
    match method {{
{arms}        _ => Err(json!({{"result": "unbuildable", "message": "no such method"}})),
    }}
}}

fn main() {{
    // Deeply nested values and types take deep recursion in a debug build.
    let run = std::thread::Builder::new()
        .stack_size(1 << 30)
        .spawn(|| {{
            tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("a runtime")
                .block_on(run())
        }})
        .expect("a thread");
    if run.join().is_err() {{
        std::process::exit(101);
    }}
}}

async fn run() {{
    let arguments: Vec<String> = std::env::args().collect();
    let (Some(url), Some(plan)) = (arguments.get(1), arguments.get(2)) else {{
        eprintln!("usage: conformance BASE_URL PLAN_FILE");
        std::process::exit(2);
    }};
    let plan = std::fs::read_to_string(plan).expect("the plan file");
    let cases: Vec<Value> = serde_json::from_str(&plan).expect("a JSON plan");
    let http = reqwest::Client::builder()
        .timeout(std::time::Duration::from_secs(30))
        .build()
        .expect("an HTTP client");
    let runtime = agentrun_runtime::Runtime::new(agentrun_runtime::RetryPolicy::none());
    for case in cases {{
        let base = format!("{{url}}{{}}", case["base"].as_str().unwrap_or(""));
        let client = Client::new_with_client(&base, http.clone(), runtime.clone());
        let method = case["method"].as_str().unwrap_or("");
        let mut line = match call(&client, method, &case["set"]).await {{
            Ok(value) | Err(value) => value,
        }};
        line["case"] = case["case"].clone();
        println!("{{line}}");
    }}
}}
"#
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const CODE: &str = r#"
        pub struct Client { baseurl: String }
        impl Client {
            pub fn new(baseurl: &str) -> Self { todo!() }
            pub fn get_thing(&self) -> builder::GetThing<'_> { builder::GetThing::new(self) }
            pub fn upload(&self) -> builder::Upload<'_> { builder::Upload::new(self) }
        }
        pub mod builder {
            impl<'a> GetThing<'a> {
                pub fn new(client: &'a super::Client) -> Self { todo!() }
                pub fn id<V>(mut self, value: V) -> Self
                where V: std::convert::TryInto<::std::string::String> { self }
                pub fn body_map<F>(mut self, f: F) -> Self
                where F: std::ops::FnOnce(types::builder::Thing) -> types::builder::Thing { self }
                pub async fn send(self) -> Result<(), ()> { Ok(()) }
            }
            impl<'a> Upload<'a> {
                pub fn body(mut self, value: reqwest::multipart::Form) -> Self { self }
            }
        }
        pub mod operations {
            pub static OPERATIONS: &[Operation] = &[Operation {
                id: "getThing", method_name: "get_thing", method: "GET", path: "/things/{id}",
                parameters: &[],
            }];
        }
    "#;

    #[test]
    fn methods_setters_and_the_table_are_read_from_the_code() {
        let file = syn::parse_file(CODE).unwrap();
        let methods = client_methods(&file);
        assert_eq!(methods.len(), 2);
        let get = &methods["get_thing"];
        assert_eq!(get.builder, "GetThing");
        assert_eq!(
            get.setters,
            [Setter {
                name: "id".into(),
                ty: "::std::string::String".into()
            }]
        );
        assert_eq!(methods["upload"].setters[0].taking(), Taking::Form);
        let table = operation_table(&file);
        assert_eq!(table[0].method_name, "get_thing");
        assert_eq!(table[0].path, "/things/{id}");
    }

    #[test]
    fn the_harness_parses_as_rust() {
        let file = syn::parse_file(CODE).unwrap();
        let methods = client_methods(&file);
        let code = source("corpus_a", &methods.values().collect::<Vec<_>>());
        let parsed = syn::parse_file(&code);
        assert!(parsed.is_ok(), "{code}");
        assert!(code.contains(r#"b = b.id(take::<::std::string::String>("id", v)?)"#));
        assert!(code.contains("b = b.body(form(v))"));
    }
}
