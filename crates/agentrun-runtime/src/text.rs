//! Text that came from an API or a document, made safe to show: on one line, with nothing that
//! a terminal, a log or a report would read as anything but text.

/// Unicode's explicit direction controls (overrides and isolates), which can make text read
/// in another order than it is.
pub fn is_direction_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Whether `c` is shown escaped as `\u{..}`: a control character (escape sequences, carriage
/// returns, C1 controls) or a direction control.
pub fn is_unprintable(c: char) -> bool {
    c.is_control() || is_direction_control(c)
}

/// `text` on one line: each run of whitespace (newlines included, and the line and paragraph
/// separators) is one space, and every control or direction character is written as `\u{..}`,
/// so a value cannot forge a line, move the cursor or recolour a terminal.
///
/// ```
/// use agentrun_runtime::one_line;
///
/// assert_eq!(one_line("Log in\n2  passed"), "Log in 2 passed");
/// assert_eq!(one_line("red\u{1b}[31m\u{202e}"), "red\\u{1b}[31m\\u{202e}");
/// ```
pub fn one_line(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for (i, word) in text.split_whitespace().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        for c in word.chars() {
            if is_unprintable(c) {
                out.push_str(&format!("\\u{{{:x}}}", c as u32));
            } else {
                out.push(c);
            }
        }
    }
    out
}
