//! Text from a document made safe for the files the xtask writes: nothing in it can end a
//! literal or a comment, forge a line, or hide itself behind a direction override.

/// Unicode's explicit direction controls, which rustc refuses in comments and literals.
pub fn is_direction_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Whether `c` is written as `\u{..}` wherever document text lands: a control or direction
/// character.
pub fn is_unprintable(c: char) -> bool {
    c.is_control() || is_direction_control(c)
}

/// `text` with each character `escape` selects written as `\u{..}`.
pub fn escape_chars(text: &str, escape: impl Fn(char) -> bool) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if escape(c) {
            out.push_str(&unicode_escape(c));
        } else {
            out.push(c);
        }
    }
    out
}

/// `c` as Rust writes it escaped: `\u{202e}`.
fn unicode_escape(c: char) -> String {
    format!("\\u{{{:x}}}", c as u32)
}

/// `text` on one line, for a `//` comment or a report line: each run of whitespace is one
/// space, and control and direction characters are written as `\u{..}`.
pub fn one_line(text: &str) -> String {
    escape_chars(
        &text.split_whitespace().collect::<Vec<_>>().join(" "),
        is_unprintable,
    )
}

/// `text` as a Rust string literal that holds exactly it: quotes, backslashes, control and
/// direction characters escaped.
pub fn rust_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if is_unprintable(c) => out.push_str(&unicode_escape(c)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn document_text_stays_on_its_line_and_visible() {
        assert_eq!(one_line("a\n  b\u{202E}c\u{7}"), "a b\\u{202e}c\\u{7}");
        assert_eq!(
            rust_string("say \"hi\"\\\n\u{2066}"),
            r#""say \"hi\"\\\n\u{2066}""#
        );
    }
}
