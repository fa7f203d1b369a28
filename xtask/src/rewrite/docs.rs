//! Doc comments that are safe whatever the document's text.
//!
//! Descriptions from the document become doc comments, and rustdoc runs every Rust code block
//! of a doc comment as a doctest: a fenced block without a language, or one indented by four
//! spaces, from an API's description would fail the crate's tests. Such blocks are marked
//! `text`. Characters rustc refuses in a comment (a bare carriage return, Unicode direction
//! controls) or that would hide what a comment says (other control characters) are written as
//! `\u{..}`. prettyplease already keeps `*/` from ending a block comment.

use std::ops::Range;

use pulldown_cmark::{CodeBlockKind, Event, Parser, Tag};
use syn::visit_mut::{self, VisitMut};
use syn::{Attribute, Expr, Lit, LitStr, Meta};

use crate::text::{escape_chars, is_unprintable};

/// Makes every doc comment of the file safe.
pub fn rewrite(file: &mut syn::File) {
    Docs.visit_file_mut(file);
}

struct Docs;

impl VisitMut for Docs {
    fn visit_attribute_mut(&mut self, attr: &mut Attribute) {
        if attr.path().is_ident("doc")
            && let Meta::NameValue(pair) = &mut attr.meta
            && let Expr::Lit(lit) = &mut pair.value
            && let Lit::Str(text) = &lit.lit
        {
            let value = text.value();
            let safe = safe_doc(&value);
            if safe != value {
                lit.lit = Lit::Str(LitStr::new(&safe, text.span()));
            }
        }
        visit_mut::visit_attribute_mut(self, attr);
    }
}

/// `text` as a doc comment may hold it.
pub fn safe_doc(text: &str) -> String {
    let lines = text.replace("\r\n", "\n").replace('\r', "\n");
    let visible = escape_chars(&lines, |c| is_unprintable(c) && c != '\n' && c != '\t');
    code_blocks_as_text(&visible)
}

/// Whether rustdoc compiles a fenced block with this info string as a doctest.
fn runs_as_rust(info: &str) -> bool {
    const ATTRIBUTES: [&str; 7] = [
        "should_panic",
        "no_run",
        "test_harness",
        "compile_fail",
        "standalone_crate",
        "allow_fail",
        "rust",
    ];
    let tokens: Vec<&str> = info
        .split(|c: char| c == ',' || c.is_whitespace())
        .map(|t| t.trim_matches(['{', '}', '.']))
        .filter(|t| !t.is_empty())
        .collect();
    if tokens.iter().any(|t| t.starts_with("ignore")) {
        return false;
    }
    tokens.iter().all(|t| {
        ATTRIBUTES.contains(t)
            || t.starts_with("edition")
            || (t.starts_with('E') && t[1..].chars().all(|c| c.is_ascii_digit()))
    })
}

/// Marks every code block rustdoc would run as `text`.
fn code_blocks_as_text(text: &str) -> String {
    if !text.contains("```")
        && !text.contains("~~~")
        && !text.contains("    ")
        && !text.contains('\t')
    {
        return text.to_string();
    }
    let mut edits: Vec<(Range<usize>, String)> = Vec::new();
    for (event, range) in Parser::new(text).into_offset_iter() {
        let Event::Start(Tag::CodeBlock(kind)) = event else {
            continue;
        };
        match kind {
            CodeBlockKind::Fenced(info) if runs_as_rust(&info) => {
                if let Some(edit) = fence_info(text, range.start) {
                    edits.push(edit);
                }
            }
            CodeBlockKind::Indented => edits.push(indented_as_fenced(text, range)),
            CodeBlockKind::Fenced(_) => {}
        }
    }
    let mut out = text.to_string();
    for (range, replacement) in edits.into_iter().rev() {
        out.replace_range(range, &replacement);
    }
    out
}

/// The info string of the fence opening at `start`, to be replaced by `text`.
fn fence_info(text: &str, start: usize) -> Option<(Range<usize>, String)> {
    let line_end = text[start..].find('\n').map_or(text.len(), |i| start + i);
    let line = &text[start..line_end];
    let indent = line.len() - line.trim_start().len();
    let fence = line.trim_start().chars().next()?;
    let marks = line[indent..].chars().take_while(|c| *c == fence).count();
    let info_start = start + indent + marks;
    Some((info_start..line_end, "text".to_string()))
}

/// An indented code block as a fenced `text` block, with the same content.
fn indented_as_fenced(text: &str, range: Range<usize>) -> (Range<usize>, String) {
    let start = text[..range.start].rfind('\n').map_or(0, |i| i + 1);
    let end = match text[..range.end].ends_with('\n') {
        true => range.end,
        false => text[range.end..]
            .find('\n')
            .map_or(text.len(), |i| range.end + i + 1),
    };
    let block = &text[start..end];
    let width = |line: &str| -> usize {
        line.chars()
            .take_while(|c| *c == ' ' || *c == '\t')
            .map(|c| if c == '\t' { 4 } else { 1 })
            .sum()
    };
    let common = block
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(width)
        .min()
        .unwrap_or(4);
    let outer = " ".repeat(common.saturating_sub(4));
    let mut fenced = format!("{outer}```text\n");
    for line in block.lines() {
        let mut skipped = 0;
        let rest = line.trim_start_matches(|c: char| {
            let take = (c == ' ' || c == '\t') && skipped < common;
            if take {
                skipped += if c == '\t' { 4 } else { 1 };
            }
            take
        });
        if !rest.is_empty() {
            fenced.push_str(&outer);
            fenced.push_str(rest);
        }
        fenced.push('\n');
    }
    fenced.push_str(&outer);
    fenced.push_str("```\n");
    (start..end, fenced)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rust_blocks_become_text_and_others_stay() {
        assert_eq!(
            safe_doc("Run:\n```\nlet x = 1;\n```\nor\n```rust,no_run\nmain()\n```\n"),
            "Run:\n```text\nlet x = 1;\n```\nor\n```text\nmain()\n```\n"
        );
        let kept = "```json\n{}\n```\n```ignore\nx\n```\n~~~sh\nls\n~~~\n";
        assert_eq!(safe_doc(kept), kept);
    }

    #[test]
    fn an_indented_block_is_fenced_as_text() {
        assert_eq!(
            safe_doc("Example:\n\n    let x = 1;\n      y();\n\nDone."),
            "Example:\n\n```text\nlet x = 1;\n  y();\n```\n\nDone."
        );
        assert_eq!(
            safe_doc("- a list item\n\n      code in it\n"),
            "- a list item\n\n  ```text\n  code in it\n  ```\n"
        );
    }

    #[test]
    fn characters_rustc_refuses_are_escaped() {
        assert_eq!(
            safe_doc("a\r\nb\rc \u{202E}d\u{7}"),
            "a\nb\nc \\u{202e}d\\u{7}"
        );
    }

    #[test]
    fn plain_text_is_unchanged() {
        let text = "Returns the pet.\n\nSee `/pets/{id}`; indices start at 0.";
        assert_eq!(safe_doc(text), text);
    }
}
