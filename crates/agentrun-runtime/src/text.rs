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

/// `text` kept on its lines, with every other control or direction character written as
/// `\u{..}`: for a message of several lines that quotes what someone typed (clap's usage
/// errors), which must not move the cursor or recolour a terminal either.
///
/// ```
/// use agentrun_runtime::terminal_safe;
///
/// assert_eq!(terminal_safe("a\n\u{1b}]8;;x\u{7}b\u{202e}"), "a\n\\u{1b}]8;;x\\u{7}b\\u{202e}");
/// ```
pub fn terminal_safe(text: &str) -> String {
    text.split('\n')
        .map(|line| {
            line.chars()
                .map(|c| {
                    if is_unprintable(c) && c != '\t' {
                        format!("\\u{{{:x}}}", c as u32)
                    } else {
                        c.to_string()
                    }
                })
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// A URL as a message may show it: without its query, fragment or user info, which can hold
/// a key (`?apiKey=`, `https://user:token@host`), and on one line.
///
/// ```
/// use agentrun_runtime::url_for_messages;
///
/// assert_eq!(url_for_messages("https://me:pw@api.example/v1?apiKey=k#x"), "https://api.example/v1");
/// assert_eq!(url_for_messages("not a url?key=k"), "not a url");
/// ```
pub fn url_for_messages(url: &str) -> String {
    let end = url.find(['?', '#']).unwrap_or(url.len());
    let url = &url[..end];
    let shown = match url.split_once("://") {
        Some((scheme, rest)) => {
            let host_end = rest.find('/').unwrap_or(rest.len());
            let host = &rest[..host_end];
            let host = host.rsplit_once('@').map_or(host, |(_, host)| host);
            format!("{scheme}://{host}{}", &rest[host_end..])
        }
        None => url.to_string(),
    };
    one_line(&shown)
}
