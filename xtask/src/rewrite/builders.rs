//! Request builders (`builder::<Operation>`) changed where progenitor cannot express the
//! document: wire names, multipart forms, media types and bodiless responses.

use std::collections::BTreeMap;

use syn::visit_mut::{self, VisitMut};
use syn::{Expr, ImplItem, Item, LitStr, parse_quote};

use super::{OperationPlan, type_ident};

/// Rewrites the builders of the top-level `builder` module after `plans`.
pub fn rewrite(file: &mut syn::File, plans: &[OperationPlan]) {
    let by_builder: BTreeMap<&str, &OperationPlan> =
        plans.iter().map(|p| (p.builder.as_str(), p)).collect();
    let Some(items) = file.items.iter_mut().find_map(|item| match item {
        Item::Mod(module) if module.ident == "builder" => module.content.as_mut().map(|(_, i)| i),
        _ => None,
    }) else {
        return;
    };
    for item in items.iter_mut() {
        match item {
            Item::Struct(item) => {
                let Some(plan) = by_builder.get(item.ident.to_string().as_str()) else {
                    continue;
                };
                if plan.multipart.is_some() && !plan.typed_multipart {
                    for field in item.fields.iter_mut() {
                        if field.ident.as_ref().is_some_and(|i| i == "body") {
                            field.ty = parse_quote!(Result<reqwest::multipart::Form, String>);
                        }
                    }
                }
                if !plan.nullable_fields.is_empty()
                    && let syn::Fields::Named(fields) = &mut item.fields
                {
                    fields
                        .named
                        .push(parse_quote!(nulls: ::std::vec::Vec<::std::string::String>));
                }
            }
            Item::Impl(block) if block.trait_.is_none() => {
                let Some(plan) = type_ident(&block.self_ty)
                    .and_then(|name| by_builder.get(name.as_str()).copied())
                else {
                    continue;
                };
                let nulls = !plan.nullable_fields.is_empty();
                for member in block.items.iter_mut() {
                    let ImplItem::Fn(function) = member else {
                        continue;
                    };
                    if function.sig.ident == "body"
                        && !plan.typed_multipart
                        && let Some(fields) = &plan.multipart
                    {
                        *function = multipart_setter(fields);
                    } else if function.sig.ident == "send" {
                        optional_types(&mut function.sig, plan);
                        Send { plan }.visit_block_mut(&mut function.block);
                    } else if function.sig.ident == "new" && nulls {
                        NullsField.visit_block_mut(&mut function.block);
                    }
                }
                if nulls {
                    block
                        .items
                        .push(ImplItem::Fn(null_fields_setter(&plan.nullable_fields)));
                }
            }
            _ => {}
        }
    }
}

/// The body setter of a multipart operation: it takes the form.
fn multipart_setter(fields: &[String]) -> syn::ImplItemFn {
    let doc = if fields.is_empty() {
        " The `multipart/form-data` body, as a form.".to_string()
    } else {
        format!(
            " The `multipart/form-data` body, as a form; the document names its parts: {}.",
            fields
                .iter()
                .map(|f| format!("`{f}`"))
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
    parse_quote! {
        #[doc = #doc]
        pub fn body(mut self, value: reqwest::multipart::Form) -> Self {
            self.body = Ok(value);
            self
        }
    }
}

/// The setter that sends body fields as `null`, for a body with fields the document lets be
/// `null` (an unset optional field is left out, so `null` has no other way onto the wire).
fn null_fields_setter(fields: &[String]) -> syn::ImplItemFn {
    let listed = fields
        .iter()
        .map(|f| format!("`{f}`"))
        .collect::<Vec<_>>()
        .join(", ");
    let doc = format!(
        " Sends these top-level fields of the body as `null`, whatever the body holds for \
         them: how a merge-patch clears a field. The document lets {listed} be `null`; another \
         name fails the request with `Error::InvalidRequest`, before anything is sent."
    );
    parse_quote! {
        #[doc = #doc]
        pub fn null_fields<I, S>(mut self, fields: I) -> Self
        where
            I: ::std::iter::IntoIterator<Item = S>,
            S: ::std::convert::Into<::std::string::String>,
        {
            self.nulls.extend(fields.into_iter().map(::std::convert::Into::into));
            self
        }
    }
}

/// The builder's `new`: its `Self { .. }` starts with no `null` fields.
struct NullsField;

impl VisitMut for NullsField {
    fn visit_expr_struct_mut(&mut self, expr: &mut syn::ExprStruct) {
        if expr.path.is_ident("Self") {
            expr.fields
                .push(parse_quote!(nulls: ::std::vec::Vec::new()));
        }
    }
}

/// `send`'s `Result<ResponseValue<S>, Error<E>>` with `S` (or `E`) made an `Option` where
/// statuses without a body answer `None`.
fn optional_types(sig: &mut syn::Signature, plan: &OperationPlan) {
    let syn::ReturnType::Type(_, output) = &mut sig.output else {
        return;
    };
    let wraps = [!plan.empty_success.is_empty(), !plan.empty_error.is_empty()];
    // The two generic arguments of `Result`, each a `Wrapper<T>` whose `T` is wrapped.
    let syn::Type::Path(result) = &mut **output else {
        return;
    };
    let Some(segment) = result.path.segments.last_mut() else {
        return;
    };
    let syn::PathArguments::AngleBracketed(arguments) = &mut segment.arguments else {
        return;
    };
    for (argument, wrap) in arguments.args.iter_mut().zip(wraps) {
        if !wrap {
            continue;
        }
        let syn::GenericArgument::Type(syn::Type::Path(wrapper)) = argument else {
            continue;
        };
        let Some(segment) = wrapper.path.segments.last_mut() else {
            continue;
        };
        let syn::PathArguments::AngleBracketed(inner) = &mut segment.arguments else {
            continue;
        };
        if let Some(syn::GenericArgument::Type(ty)) = inner.args.first_mut() {
            *ty = parse_quote!(::std::option::Option<#ty>);
        }
    }
}

/// Rewrites one builder's `send`.
struct Send<'a> {
    plan: &'a OperationPlan,
}

impl VisitMut for Send<'_> {
    fn visit_pat_struct_mut(&mut self, pattern: &mut syn::PatStruct) {
        self.take_nulls(pattern);
        visit_mut::visit_pat_struct_mut(self, pattern);
    }

    fn visit_expr_mut(&mut self, expr: &mut Expr) {
        visit_mut::visit_expr_mut(self, expr);
        match expr {
            // `QueryParam::new("renamed", &v)`: sent under the document's name.
            Expr::Call(call) if path_ends_with(&call.func, &["QueryParam", "new"]) => {
                self.restore_wire_name(call.args.first_mut());
            }
            // `header_map.append("renamed", ..)`.
            Expr::MethodCall(call)
                if call.method == "append" && receiver_is(&call.receiver, "header_map") =>
            {
                self.restore_wire_name(call.args.first_mut());
            }
            // `HeaderValue::from_static("application/octet-stream")`: the real media type.
            Expr::Call(call) if path_ends_with(&call.func, &["HeaderValue", "from_static"]) => {
                if let Some((media, false)) = &self.plan.content_type
                    && let Some(Expr::Lit(lit)) = call.args.first_mut()
                    && let syn::Lit::Str(text) = &lit.lit
                    && text.value() == "application/octet-stream"
                {
                    lit.lit = syn::Lit::Str(LitStr::new(media, text.span()));
                }
            }
            // `.header(ACCEPT, HeaderValue::from_static("application/json"))`: every media
            // type the responses document.
            Expr::MethodCall(call)
                if call.method == "header"
                    && call
                        .args
                        .first()
                        .is_some_and(|name| path_ends_with(name, &["ACCEPT"])) =>
            {
                if let (Some(accept), Some(value)) =
                    (&self.plan.accept, call.args.iter_mut().nth(1))
                {
                    *value = parse_quote!(::reqwest::header::HeaderValue::from_static(#accept));
                }
            }
            // `.json(&body)` of a typed multipart body: its parts as a form.
            Expr::MethodCall(call) if call.method == "json" && self.plan.typed_multipart => {
                let receiver = &call.receiver;
                let args = &call.args;
                let form = syn::Ident::new(super::MULTIPART_FORM, call.method.span());
                *expr = parse_quote! {
                    #receiver.multipart(super::#form(#args).map_err(Error::InvalidRequest)?)
                };
            }
            // `.json(&body)` sends `application/json` unless a content type is set before it;
            // fields asked for as `null` are written so.
            Expr::MethodCall(call) if call.method == "json" => {
                if !self.plan.nullable_fields.is_empty()
                    && let Some(body) = call.args.first_mut()
                {
                    let allowed = &self.plan.nullable_fields;
                    let inner = body.clone();
                    *body = parse_quote! {
                        &agentrun_runtime::with_nulls(#inner, &nulls, &[#(#allowed),*])
                            .map_err(Error::InvalidRequest)?
                    };
                }
                if let Some((media, true)) = &self.plan.content_type {
                    let receiver = &call.receiver;
                    call.receiver = parse_quote! {
                        #receiver.header(
                            ::reqwest::header::CONTENT_TYPE,
                            ::reqwest::header::HeaderValue::from_static(#media),
                        )
                    };
                }
            }
            // `.header(CONTENT_TYPE, ..).body(body)` → `.multipart(body)`.
            Expr::MethodCall(call)
                if call.method == "body"
                    && self.plan.multipart.is_some()
                    && !self.plan.typed_multipart =>
            {
                if let Expr::MethodCall(header) = &*call.receiver
                    && header.method == "header"
                {
                    let receiver = &header.receiver;
                    let args = &call.args;
                    *expr = parse_quote!(#receiver.multipart(#args));
                }
            }
            // `.form_urlencoded(&body)`: serde_urlencoded writes no list or nested object, so
            // the body goes through the runtime's form writer (a list as repeated fields, an
            // object as its JSON text).
            Expr::MethodCall(call) if call.method == "form_urlencoded" => {
                if let Some(body) = call.args.first_mut() {
                    let inner = body.clone();
                    *body = parse_quote!(&agentrun_runtime::FormFields(#inner));
                }
            }
            // reqwest's client has no `options` or `trace`: send those methods by name.
            Expr::MethodCall(call)
                if (call.method == "options" || call.method == "trace")
                    && matches!(&*call.receiver, Expr::Field(field)
                        if matches!(&field.member, syn::Member::Named(name) if name == "client")) =>
            {
                let method =
                    syn::Ident::new(&call.method.to_string().to_uppercase(), call.method.span());
                let receiver = &call.receiver;
                let args = &call.args;
                *expr = parse_quote!(#receiver.request(::reqwest::Method::#method, #args));
            }
            // `format!("{}/pets#form", ..)`: an alternative's `#suffix` names it in the
            // document only; the URL is the original's.
            Expr::Macro(call) if self.plan.alternative && call.mac.path.is_ident("format") => {
                drop_fragment(&mut call.mac);
            }
            Expr::Match(matched) => {
                if status_receiver(&matched.expr).is_some() {
                    specific_statuses_first(matched);
                }
                self.empty_arms(matched);
            }
            _ => {}
        }
    }
}

impl Send<'_> {
    /// `let Self { client, body, .. } = self;` takes the `null` fields too.
    fn take_nulls(&self, pattern: &mut syn::PatStruct) {
        if !self.plan.nullable_fields.is_empty() && pattern.path.is_ident("Self") {
            let with_nulls: syn::Pat = parse_quote!(Self { nulls });
            if let syn::Pat::Struct(with_nulls) = with_nulls {
                pattern.fields.extend(with_nulls.fields);
            }
        }
    }

    fn restore_wire_name(&self, arg: Option<&mut Expr>) {
        let Some(Expr::Lit(lit)) = arg else { return };
        let syn::Lit::Str(text) = &lit.lit else {
            return;
        };
        let value = text.value();
        if let Some((_, wire)) = self.plan.wire_names.iter().find(|(name, _)| *name == value) {
            lit.lit = syn::Lit::Str(LitStr::new(wire, text.span()));
        }
    }

    /// Arms of statuses without a body answer `None` instead of parsing an empty body.
    fn empty_arms(&self, matched: &mut syn::ExprMatch) {
        if self.plan.empty_success.is_empty() && self.plan.empty_error.is_empty() {
            return;
        }
        // `match response.status().as_u16()`: the response's name.
        let Some(response) = status_receiver(&matched.expr) else {
            return;
        };
        for arm in matched.arms.iter_mut() {
            let syn::Pat::Lit(pat) = &arm.pat else {
                continue;
            };
            let syn::Lit::Int(code) = &pat.lit else {
                continue;
            };
            let Ok(code) = code.base10_parse::<u16>() else {
                continue;
            };
            let none: Expr = parse_quote! {
                ResponseValue::new(None, #response.status(), #response.headers().clone())
            };
            if self.plan.empty_success.contains(&code) {
                *arm.body = parse_quote!(Ok(#none));
            } else if self.plan.empty_error.contains(&code) {
                *arm.body = parse_quote!(Err(Error::ErrorResponse(#none)));
            }
        }
    }
}

/// Drops the `#suffix` from the URL template of a `format!` call.
fn drop_fragment(mac: &mut syn::Macro) {
    let parser = syn::punctuated::Punctuated::<Expr, syn::Token![,]>::parse_terminated;
    let Ok(mut args) = mac.parse_body_with(parser) else {
        return;
    };
    if let Some(Expr::Lit(lit)) = args.first_mut()
        && let syn::Lit::Str(template) = &lit.lit
        && let Some((url, _)) = template.value().split_once('#')
    {
        lit.lit = syn::Lit::Str(LitStr::new(url, template.span()));
        mac.tokens = quote::quote!(#args);
    }
}

/// Orders a status match's arms as OpenAPI ranks its statuses: a code before a range
/// (`422` before `400..=499`), then the catch-all. progenitor orders them by their first
/// code, which leaves `422` unreachable behind `4XX` and answers it with the range's type.
fn specific_statuses_first(matched: &mut syn::ExprMatch) {
    let rank = |arm: &syn::Arm| match &arm.pat {
        syn::Pat::Lit(_) => 0,
        syn::Pat::Range(_) => 1,
        _ => 2,
    };
    // A stable sort: arms of one rank keep progenitor's order.
    matched.arms.sort_by_key(rank);
}

/// `x` in `x.status().as_u16()`.
fn status_receiver(expr: &Expr) -> Option<syn::Ident> {
    let Expr::MethodCall(as_u16) = expr else {
        return None;
    };
    let Expr::MethodCall(status) = &*as_u16.receiver else {
        return None;
    };
    match &*status.receiver {
        Expr::Path(path) => path.path.get_ident().cloned(),
        _ => None,
    }
}

fn path_ends_with(func: &Expr, tail: &[&str]) -> bool {
    let Expr::Path(path) = func else { return false };
    let segments: Vec<String> = path
        .path
        .segments
        .iter()
        .map(|s| s.ident.to_string())
        .collect();
    segments.ends_with(&tail.iter().map(|s| s.to_string()).collect::<Vec<_>>())
}

fn receiver_is(expr: &Expr, name: &str) -> bool {
    matches!(expr, Expr::Path(path) if path.path.is_ident(name))
}
