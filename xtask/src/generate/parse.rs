//! Parsing the generated tokens into syntax, one item at a time.
//!
//! `syn::parse2` copies the whole token stream into a cursor buffer before it builds the
//! syntax tree, so a big document's tokens, their copy and its tree are all in memory at once
//! (Sentry's 21 MB client: 240 MB of tokens, 480 MB of tree). Here each item's tokens are
//! parsed and let go before the next, and a module's items are parsed the same way, so the
//! peak is the tree and what is left of the tokens.

use proc_macro2::{Delimiter, TokenStream, TokenTree};

/// Parses generated code as a file, item by item.
pub fn parse_file(tokens: TokenStream) -> syn::Result<syn::File> {
    let (attrs, items) = parse_items(tokens)?;
    Ok(syn::File {
        shebang: None,
        attrs,
        items,
    })
}

/// The inner attributes (`#![...]`) and the items of `tokens`, each item parsed from its own
/// tokens; a module's content the same way.
fn parse_items(tokens: TokenStream) -> syn::Result<(Vec<syn::Attribute>, Vec<syn::Item>)> {
    let mut attrs = Vec::new();
    let mut items = Vec::new();
    let mut pending: Vec<TokenTree> = Vec::new();
    let mut trees = tokens.into_iter().peekable();
    while let Some(tree) = trees.next() {
        // An inner attribute, `#` `!` `[...]`, where an item could start.
        if pending.is_empty()
            && matches!(&tree, TokenTree::Punct(p) if p.as_char() == '#')
            && matches!(trees.peek(), Some(TokenTree::Punct(p)) if p.as_char() == '!')
        {
            let bang = trees.next();
            let body = trees.next();
            let inner: TokenStream = std::iter::once(tree).chain(bang).chain(body).collect();
            attrs.extend(syn::parse::Parser::parse2(
                syn::Attribute::parse_inner,
                inner,
            )?);
            continue;
        }
        let ends = match &tree {
            TokenTree::Punct(punct) => punct.as_char() == ';',
            TokenTree::Group(group) => group.delimiter() == Delimiter::Brace,
            _ => false,
        };
        pending.push(tree);
        if !ends {
            continue;
        }
        // `use a::{b, c};` and `const A: B = B { .. };` end after their braces.
        if let Some(TokenTree::Punct(punct)) = trees.peek()
            && punct.as_char() == ';'
            && matches!(pending.last(), Some(TokenTree::Group(_)))
            && let Some(semi) = trees.next()
        {
            pending.push(semi);
        }
        match parse_item(&mut pending)? {
            Some(item) => {
                items.push(item);
                pending.clear();
            }
            // Not a whole item yet (an expression with braces inside): read on.
            None => continue,
        }
    }
    if !pending.is_empty() {
        // What is left is not an item: parse it so that syn names the error.
        let rest: TokenStream = pending.into_iter().collect();
        syn::parse2::<syn::Item>(rest)?;
    }
    Ok((attrs, items))
}

/// The item `pending` holds, or `None` when it holds only the start of one. A module with
/// content is parsed without it first, then its items one by one.
fn parse_item(pending: &mut Vec<TokenTree>) -> syn::Result<Option<syn::Item>> {
    let module_body = matches!(
        pending.as_slice(),
        [.., TokenTree::Ident(keyword), TokenTree::Ident(_), TokenTree::Group(body)]
            if keyword == "mod" && body.delimiter() == Delimiter::Brace
    );
    if module_body && let Some(TokenTree::Group(body)) = pending.pop() {
        let content = body.stream();
        drop(body);
        let mut shell: Vec<TokenTree> = std::mem::take(pending);
        shell.push(TokenTree::Group(proc_macro2::Group::new(
            Delimiter::Brace,
            TokenStream::new(),
        )));
        let mut module: syn::ItemMod = syn::parse2(shell.into_iter().collect())?;
        let (inner, items) = parse_items(content)?;
        module.attrs.extend(inner);
        if let Some((_, module_items)) = &mut module.content {
            *module_items = items;
        }
        return Ok(Some(syn::Item::Mod(module)));
    }
    let tokens: TokenStream = pending.iter().cloned().collect();
    match syn::parse2::<syn::Item>(tokens) {
        Ok(item) => Ok(Some(item)),
        Err(_) if !matches!(pending.last(), Some(TokenTree::Punct(_))) => Ok(None),
        Err(error) => Err(error),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Both parses, printed back as tokens.
    fn both(code: &str) -> (String, String) {
        let tokens: TokenStream = code.parse().expect("test code lexes");
        let whole: syn::File = syn::parse2(tokens.clone()).expect("test code parses");
        let pieces = parse_file(tokens).expect("parses item by item");
        (
            quote::quote!(#whole).to_string(),
            quote::quote!(#pieces).to_string(),
        )
    }

    #[test]
    fn items_parse_one_at_a_time_as_the_whole_file_parses() {
        let code = r#"
            #![allow(clippy::all)]
            use a::{b, c};
            extern crate alloc;
            const ORIGIN: Point = Point { x: 0, y: 0 };
            type Sized = Array<{ N }>;
            static NAMES: [&str; 2] = ["a", "b"];
            #[derive(Debug)]
            pub struct Unit;
            pub struct Tuple(pub u8);
            pub struct Named { pub field: u8 }
            impl<T> From<T> for Named where T: Into<u8> { fn from(t: T) -> Self { Self { field: t.into() } } }
            macro_rules! twice { ($e:expr) => { $e; $e }; }
            pub mod types {
                #![allow(dead_code)]
                //! Inner docs.
                pub mod builder {
                    pub struct Named { field: Result<u8, String> }
                    impl Named { pub fn field(mut self, v: u8) -> Self { self.field = Ok(v); self } }
                }
                pub mod empty {}
                mod declared;
                pub enum Kind { A, B { inner: u8 } }
            }
            fn last() -> impl Fn() { || {} }
        "#;
        let (whole, pieces) = both(code);
        assert_eq!(pieces, whole);
    }

    #[test]
    fn code_that_does_not_parse_is_an_error_that_names_it() {
        let tokens: TokenStream = "pub struct Ok; pub struct {}".parse().expect("lexes");
        let error = parse_file(tokens).expect_err("a struct without a name");
        assert!(error.to_string().contains("expected identifier"), "{error}");
    }
}
