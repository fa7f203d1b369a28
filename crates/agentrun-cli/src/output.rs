//! What goes to stdout: the API's answer for scripts (JSON, YAML, NDJSON, or what a `--jq`
//! filter makes of it), or text for people.

use std::io::Write;

use agentrun::Error;

pub(crate) use crate::cli::Format;
use agentrun::runtime::one_line;
use serde::Serialize;
use serde::de::DeserializeOwned;

/// How a command's result is printed: the one place the format is chosen (`--output`,
/// `--json`, `--jq`). Every command, built from the spec or written by hand, prints through it.
#[derive(Clone, Copy)]
pub(crate) struct Output {
    /// The format.
    pub(crate) format: Format,
    /// `--jq`: a filter over the JSON, whose results are printed instead (it implies JSON).
    pub(crate) jq: Option<&'static crate::jq::Jq>,
}

impl Output {
    /// Whether the result is data (JSON, YAML, NDJSON, or a `--jq` filter's), not text.
    pub(crate) fn structured(self) -> bool {
        self.jq.is_some() || !matches!(self.format, Format::Text | Format::Table)
    }

    /// `value` as data, or as `text` renders it with every API string made safe for a terminal
    /// ([`neutralized`]).
    pub(crate) fn show<T: Serialize + DeserializeOwned>(
        self,
        value: &T,
        text: impl FnOnce(&T) -> String,
    ) -> Result<(), Error> {
        if self.structured() {
            return self.unrendered(value);
        }
        let safe = neutralized(value);
        print(&text(safe.as_ref().unwrap_or(value)));
        Ok(())
    }

    /// A result no text renderer is written for: as data in every format (text prints JSON).
    pub(crate) fn unrendered<T: Serialize>(self, value: &T) -> Result<(), Error> {
        let value = serde_json::to_value(value).map_err(|e| Error::Invalid {
            message: format!("the result cannot be written as JSON ({e})"),
        })?;
        let values = match self.jq {
            Some(jq) => jq.run(&value)?,
            None => vec![value],
        };
        let filtered = self.jq.is_some();
        for value in &values {
            match self.format {
                Format::Yaml => print(yaml_serde::to_string(value).unwrap_or_default().trim_end()),
                // A list unfiltered: an item a line.
                Format::Ndjson => match value {
                    serde_json::Value::Array(items) if !filtered => {
                        for item in items {
                            print(&item.to_string());
                        }
                    }
                    value => print(&value.to_string()),
                },
                Format::Json | Format::Text | Format::Table => print(&json(value)),
            }
        }
        Ok(())
    }

    /// A line of text output before the result (what a wait follows); nothing when the output
    /// is data, whose stdout is the result alone.
    pub(crate) fn note(self, line: &str) {
        if !self.structured() {
            print(&one_line(line));
        }
    }
}

/// An answer as the API sent it and as its documented type reads it: `--json` prints what was
/// received, value for value, fields the types do not know and their order included; text
/// renders the typed value (it dereferences to it).
pub(crate) use agentrun::Received;

/// The API's JSON, pretty-printed, as `--json` prints it.
pub(crate) fn json<T: Serialize>(value: &T) -> String {
    serde_json::to_string_pretty(value).unwrap_or_default()
}

/// A value from the API with every string in it on one line and free of control and direction
/// characters ([`one_line`]), for text output, so that a test name cannot forge a table row or
/// recolour the terminal. `--json` prints the value as it came. `None` when the value does not
/// survive the trip through JSON (it always should).
pub(crate) fn neutralized<T: Serialize + DeserializeOwned>(value: &T) -> Option<T> {
    fn walk(value: &mut serde_json::Value) {
        match value {
            serde_json::Value::String(text)
                if text.chars().any(|c| {
                    (c.is_whitespace() && c != ' ') || agentrun::runtime::is_unprintable(c)
                }) =>
            {
                *text = one_line(text);
            }
            serde_json::Value::Array(items) => items.iter_mut().for_each(walk),
            serde_json::Value::Object(fields) => fields.values_mut().for_each(walk),
            _ => {}
        }
    }
    let mut json = serde_json::to_value(value).ok()?;
    walk(&mut json);
    serde_json::from_value(json).ok()
}

/// What a character is, for an error message: `'x'`, or its escape when it is unprintable.
pub(crate) fn describe_char(c: char) -> String {
    if agentrun::runtime::is_unprintable(c) {
        format!("the control character {}", one_line(&c.to_string()))
    } else {
        format!("`{c}`")
    }
}

/// Writes `text` and a newline to stdout; a closed pipe (`| head`) is not an error.
pub(crate) fn print(text: &str) {
    let mut stdout = std::io::stdout().lock();
    let _ = writeln!(stdout, "{}", text.trim_end_matches('\n'));
}

/// Columns padded to their widest cell; the last column is not padded.
pub(crate) fn table(headers: &[&str], rows: &[Vec<String>]) -> String {
    if rows.is_empty() {
        return "(none)".to_string();
    }
    let mut widths: Vec<usize> = headers.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (i, cell) in row.iter().enumerate() {
            widths[i] = widths[i].max(cell.chars().count());
        }
    }
    let line = |cells: Vec<&str>| {
        let last = cells.len() - 1;
        cells
            .iter()
            .enumerate()
            .map(|(i, cell)| {
                if i == last {
                    cell.to_string()
                } else {
                    format!("{cell:<width$}", width = widths[i])
                }
            })
            .collect::<Vec<_>>()
            .join("  ")
    };
    let mut out = vec![line(headers.to_vec())];
    out.extend(
        rows.iter()
            .map(|row| line(row.iter().map(String::as_str).collect())),
    );
    out.join("\n")
}

/// `name: value` lines, the names aligned; empty values are left out.
pub(crate) fn fields(pairs: &[(&str, String)]) -> String {
    let width = pairs.iter().map(|(name, _)| name.len()).max().unwrap_or(0) + 1;
    pairs
        .iter()
        .filter(|(_, value)| !value.is_empty())
        .map(|(name, value)| format!("{:<width$} {value}", format!("{name}:")))
        .collect::<Vec<_>>()
        .join("\n")
}

/// A Unix-millisecond timestamp as UTC time to the second; nothing for a negative one.
pub(crate) fn when(ms: i64) -> String {
    let Ok(ms) = u64::try_from(ms) else {
        return String::new();
    };
    let at = std::time::UNIX_EPOCH + std::time::Duration::from_millis(ms);
    humantime::format_rfc3339_seconds(at).to_string()
}

/// An optional timestamp.
pub(crate) fn maybe_when(ms: Option<i64>) -> String {
    ms.map(when).unwrap_or_default()
}

/// At most `max` characters of one line of text.
pub(crate) fn short(text: &str, max: usize) -> String {
    let line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if line.chars().count() <= max {
        line
    } else {
        let cut: String = line.chars().take(max.saturating_sub(1)).collect();
        format!("{cut}…")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_align_their_columns() {
        let text = table(
            &["ID", "NAME"],
            &[
                vec!["ts_1".into(), "Log in".into()],
                vec!["ts_000002".into(), "Checkout".into()],
            ],
        );
        assert_eq!(
            text,
            "ID         NAME\nts_1       Log in\nts_000002  Checkout"
        );
        assert_eq!(table(&["ID"], &[]), "(none)");
    }
}
