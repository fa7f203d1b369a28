//! What goes to stdout: the API's JSON for scripts, or text for people.

use std::io::Write;

use serde::Serialize;
use serde_json::Value;

/// The API's JSON, pretty-printed, as `--json` prints it. Whole numbers are written as integers
/// (`1764000000000`, as the API writes them), though the generated types hold them as `f64`.
pub(crate) fn json<T: Serialize>(value: &T) -> String {
    let mut value = serde_json::to_value(value).unwrap_or(Value::Null);
    whole_numbers(&mut value);
    serde_json::to_string_pretty(&value).unwrap_or_default()
}

fn whole_numbers(value: &mut Value) {
    match value {
        Value::Number(number) => {
            if let Some(float) = number.as_f64().filter(|_| number.is_f64())
                && float.fract() == 0.0
                && float.abs() < 9_007_199_254_740_992.0
            {
                *value = Value::from(float as i64);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(whole_numbers),
        Value::Object(members) => members.values_mut().for_each(whole_numbers),
        _ => {}
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

/// A Unix-millisecond timestamp as UTC time to the second.
pub(crate) fn when(ms: f64) -> String {
    if !(ms.is_finite() && ms >= 0.0) {
        return String::new();
    }
    let at = std::time::UNIX_EPOCH + std::time::Duration::from_millis(ms as u64);
    humantime::format_rfc3339_seconds(at).to_string()
}

/// An optional timestamp.
pub(crate) fn maybe_when(ms: Option<f64>) -> String {
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
    fn whole_numbers_print_as_integers() {
        assert_eq!(
            json(&serde_json::json!({"at": 1764000000000.0, "ratio": 0.5})),
            "{\n  \"at\": 1764000000000,\n  \"ratio\": 0.5\n}"
        );
    }

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
