//! Reading JSON and YAML documents, with errors that name the file, the place and the fix.

use std::path::Path;

use anyhow::{Context, Result, anyhow, bail};
use serde_json::Value;

pub use agentrun_mock::document::{escape_segment, pointer, unescape_segment};

/// How a document is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// JSON.
    Json,
    /// YAML (a superset of JSON, but parsed with its own error positions).
    Yaml,
}

impl Format {
    /// The format a file's extension names; text that starts with `{` is JSON otherwise.
    pub fn guess(path: &Path, text: &str) -> Self {
        match path.extension().and_then(|e| e.to_str()) {
            Some("json") => Format::Json,
            Some("yaml" | "yml") => Format::Yaml,
            _ if text.trim_start().starts_with('{') => Format::Json,
            _ => Format::Yaml,
        }
    }
}

/// Reads and parses a JSON or YAML file into a JSON value.
pub fn read(path: &Path) -> Result<Value> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    parse(
        &text,
        &path.display().to_string(),
        Format::guess(path, &text),
    )
    .map_err(|e| anyhow!("{e}. Fix the file there."))
}

/// Parses `text` (named `origin` in errors) into a JSON value; the top level must be an object.
/// A byte-order mark (which some generators write, Swashbuckle among them) is skipped.
pub fn parse(text: &str, origin: &str, format: Format) -> Result<Value> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let value = match format {
        Format::Json => serde_json::from_str::<Value>(text).map_err(|error| {
            let what = match error.classify() {
                serde_json::error::Category::Eof => {
                    "the JSON ends early: the file is truncated or a bracket is not closed"
                        .to_string()
                }
                _ => format!("invalid JSON: {}", strip_position(&error.to_string())),
            };
            anyhow!("{origin}:{}:{}: {what}", error.line(), error.column())
        })?,
        Format::Yaml => {
            check_nesting(text, origin)?;
            yaml_serde::from_str::<Lenient>(text)
                .map(|v| merge_keys(v.0))
                .map_err(|error| {
                    let place = error
                        .location()
                        .map(|l| format!(":{}:{}", l.line(), l.column()))
                        .unwrap_or_default();
                    anyhow!(
                        "{origin}{place}: invalid YAML: {}",
                        strip_position(&error.to_string())
                    )
                })?
        }
    };
    if !value.is_object() {
        bail!(
            "{origin}: the document is {} where an object was expected; an OpenAPI or overlay \
             document is a mapping at its top level",
            kind(&value)
        );
    }
    let mut value = value;
    versions_as_text(&mut value);
    Ok(value)
}

/// The top-level version fields as the strings the specifications want. Hand-written YAML often
/// leaves them unquoted (`swagger: 2.0`, `openapi: 3.0`), which YAML reads as numbers; a number
/// becomes its text (`2.0`), and an OpenAPI version without its patch number gets one (`3.0`
/// is `3.0.0`), so that the rest of the pipeline sees one form.
fn versions_as_text(document: &mut Value) {
    let Some(top) = document.as_object_mut() else {
        return;
    };
    for key in ["openapi", "swagger", "overlay"] {
        if let Some(Value::Number(number)) = top.get(key) {
            let text = match number.as_f64() {
                Some(v) if number.is_f64() && v.fract() == 0.0 => format!("{v:.1}"),
                _ => number.to_string(),
            };
            top.insert(key.to_string(), Value::String(text));
        }
    }
    if let Some(Value::String(version)) = top.get_mut("openapi")
        && version.split('.').count() == 2
        && version
            .split('.')
            .all(|part| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit()))
    {
        version.push_str(".0");
    }
}

/// A JSON value read from YAML, which holds what JSON's reader takes and `serde_json::Value`'s
/// own deserializer refuses: integers beyond 64 bits (OpenAI's document bounds an `int64` by
/// ±9223372036854776000), read as the nearest float as JSON's reader does, and keys that are not
/// strings (`200:`), read as their text.
struct Lenient(Value);

impl<'de> serde::Deserialize<'de> for Lenient {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(LenientVisitor).map(Lenient)
    }
}

struct LenientVisitor;

impl<'de> serde::de::Visitor<'de> for LenientVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a YAML value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_i128<E>(self, v: i128) -> Result<Value, E> {
        Ok(i64::try_from(v)
            .map(Value::from)
            .unwrap_or_else(|_| float(v as f64)))
    }
    fn visit_u128<E>(self, v: u128) -> Result<Value, E> {
        Ok(u64::try_from(v)
            .map(Value::from)
            .unwrap_or_else(|_| float(v as f64)))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(float(v))
    }
    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_string()))
    }
    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_some<D: serde::Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(LenientVisitor)
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(Lenient(item)) = seq.next_element()? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut object = serde_json::Map::new();
        while let Some((Lenient(key), Lenient(value))) = map.next_entry()? {
            let key = match key {
                Value::String(text) => text,
                Value::Null => "null".to_string(),
                other => other.to_string(),
            };
            object.insert(key, value);
        }
        Ok(Value::Object(object))
    }
}

/// YAML's merge keys applied (`<<: *base` copies `base`'s entries the mapping lacks), which
/// the YAML reader leaves as a key named `<<`; hand-written documents use them to share parts.
fn merge_keys(value: Value) -> Value {
    match value {
        Value::Object(map) => {
            let mut merged = serde_json::Map::new();
            let mut inherited = Vec::new();
            for (key, value) in map {
                let value = merge_keys(value);
                if key == "<<" {
                    match value {
                        Value::Array(sources) => inherited.extend(sources),
                        source => inherited.push(source),
                    }
                } else {
                    merged.insert(key, value);
                }
            }
            for source in inherited {
                if let Value::Object(source) = source {
                    for (key, value) in source {
                        merged.entry(key).or_insert(value);
                    }
                }
            }
            Value::Object(merged)
        }
        Value::Array(items) => Value::Array(items.into_iter().map(merge_keys).collect()),
        other => other,
    }
}

/// A float as JSON holds it (NaN and infinities, which JSON has no form for, as null).
fn float(v: f64) -> Value {
    serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number)
}

/// The OpenAPI version a document declares, or an error that says what it is instead.
pub fn openapi_version<'a>(doc: &'a Value, origin: &str) -> Result<&'a str> {
    match doc.get("openapi") {
        Some(Value::String(version))
            if ["3.0.", "3.1.", "3.2."]
                .iter()
                .any(|prefix| version.starts_with(prefix)) =>
        {
            Ok(version)
        }
        Some(Value::String(version)) => bail!(
            "{origin}#/openapi: OpenAPI {version} is not supported; agentrun reads OpenAPI 3.0, \
             3.1 and 3.2 documents"
        ),
        Some(other) => bail!(
            "{origin}#/openapi: `openapi` is {} where a version string like \"3.0.3\" was expected",
            kind(other)
        ),
        None if doc.get("swagger").is_some() => bail!(
            "{origin}#/swagger: Swagger {} is not supported; agentrun reads Swagger 2.0 and \
             OpenAPI 3.0, 3.1 and 3.2 documents",
            match &doc["swagger"] {
                Value::String(text) => text.clone(),
                other => other.to_string(),
            }
        ),
        None => {
            let keys: Vec<&str> = doc
                .as_object()
                .map(|o| o.keys().take(5).map(String::as_str).collect())
                .unwrap_or_default();
            bail!(
                "{origin}: not an OpenAPI document: there is no top-level `openapi` field (the \
                 top-level keys are: {}). Point the provider table at the OpenAPI document.",
                if keys.is_empty() {
                    "none".to_string()
                } else {
                    keys.join(", ")
                }
            )
        }
    }
}

/// A JSON value's kind with its article, for messages: "an array", "a string", "null".
pub fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Removes the entry `pointer` (a JSON pointer without `#`) selects from its object or array;
/// whether there was one. The root cannot be removed.
pub fn remove_at(doc: &mut Value, pointer: &str) -> bool {
    let Some((parent, last)) = pointer.rsplit_once('/') else {
        return false;
    };
    let key = unescape_segment(last);
    match doc.pointer_mut(parent) {
        Some(Value::Object(map)) => map.shift_remove(&key).is_some(),
        Some(Value::Array(items)) => match key.parse::<usize>() {
            Ok(index) if index < items.len() => {
                items.remove(index);
                true
            }
            _ => false,
        },
        _ => false,
    }
}

/// Serializes a document the way the xtask writes every JSON file: two-space indent, final newline.
pub fn to_pretty_json(value: &Value) -> String {
    let mut text = serde_json::to_string_pretty(value).unwrap_or_default();
    text.push('\n');
    text
}

/// Writes `contents` to `path` atomically: a temporary file in the same directory, then a
/// rename, so a reader never sees half a file and a failure leaves the old file in place.
pub fn write_atomic(path: &Path, contents: &str) -> Result<()> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let mut file = tempfile::NamedTempFile::new_in(dir)
        .with_context(|| format!("cannot create a temporary file in {}", dir.display()))?;
    std::io::Write::write_all(&mut file, contents.as_bytes())
        .with_context(|| format!("cannot write {}", path.display()))?;
    file.persist(path)
        .map_err(|e| anyhow!("cannot replace {}: {}", path.display(), e.error))?;
    Ok(())
}

/// Parsers append " at line L column C"; the location is printed separately.
fn strip_position(message: &str) -> &str {
    match message.rfind(" at line ") {
        Some(at) => &message[..at],
        None => message,
    }
}

/// How deep a YAML document may nest (mappings, sequences, flow collections): the YAML parser's
/// own limit. No OpenAPI document needs half of it.
pub const MAX_YAML_DEPTH: usize = 128;

/// Refuses YAML that nests deeper than [`MAX_YAML_DEPTH`], in one pass over the text, before the
/// parser sees it: the parser refuses it too, but only after work that grows faster than the
/// text (a 250 KB run of nested flow mappings took 20 s to be refused).
///
/// Block nesting is counted from indentation and `- ` items, flow nesting from `[` and `{` that
/// open a value (a bracket inside a plain scalar opens nothing), and neither inside quotes,
/// comments or block scalars.
pub fn check_nesting(text: &str, origin: &str) -> Result<()> {
    let mut indents: Vec<usize> = Vec::new();
    let mut flow = 0usize;
    let mut quote: Option<char> = None;
    // The indentation of the line that started a block scalar (`|` or `>`), while inside one.
    let mut literal: Option<usize> = None;
    for (number, line) in text.lines().enumerate() {
        let indent = line.len() - line.trim_start_matches(' ').len();
        let rest = &line[indent..];
        if let Some(start) = literal {
            if rest.is_empty() || indent > start {
                continue;
            }
            literal = None;
        }
        let mut block = 0;
        // Where scanning starts: past the indentation and any `- ` items on a block line.
        let mut start = 0;
        if quote.is_none() && flow == 0 {
            if rest.is_empty() || rest.starts_with('#') {
                continue;
            }
            while indents.last().is_some_and(|&top| top >= indent) {
                indents.pop();
            }
            indents.push(indent);
            // `- - - a` nests a sequence in a sequence on one line.
            let mut items = rest;
            while let Some(after) = items
                .strip_prefix("- ")
                .or_else(|| (items == "-").then_some(""))
            {
                block += 1;
                items = after.trim_start_matches(' ');
            }
            start = line.len() - items.len();
        }
        let depth = |flow: usize| indents.len() + block + flow;
        let place = |column: usize| format!("{origin}:{}:{}", number + 1, column + 1);
        if depth(flow) > MAX_YAML_DEPTH {
            bail!(
                "{}: the YAML nests deeper than {MAX_YAML_DEPTH} levels here; no OpenAPI document \
                 needs that many, so the file is malformed (or made to exhaust the parser)",
                place(indent)
            );
        }
        // Where a value may start: at the start, after `: `, `,`, `[` or `{`.
        let mut value_start = true;
        let mut previous = ' ';
        let mut in_plain = false;
        for (column, c) in line.char_indices().filter(|(i, _)| *i >= start) {
            if let Some(q) = quote {
                if c == q && !(q == '"' && previous == '\\') {
                    quote = None;
                }
                previous = if previous == '\\' && c == '\\' {
                    ' '
                } else {
                    c
                };
                continue;
            }
            match c {
                '#' if previous == ' ' || previous == '\t' => break,
                '\'' | '"' if value_start => {
                    quote = Some(c);
                    value_start = false;
                }
                '[' | '{' if value_start || flow > 0 && !in_plain => {
                    flow += 1;
                    value_start = true;
                    in_plain = false;
                    if depth(flow) > MAX_YAML_DEPTH {
                        bail!(
                            "{}: the YAML nests deeper than {MAX_YAML_DEPTH} levels here; no \
                             OpenAPI document needs that many, so the file is malformed (or made \
                             to exhaust the parser)",
                            place(column)
                        );
                    }
                }
                ']' | '}' if flow > 0 => {
                    flow -= 1;
                    in_plain = false;
                    value_start = false;
                }
                ',' if flow > 0 => {
                    value_start = true;
                    in_plain = false;
                }
                ':' if previous != ' ' => value_start = false,
                ' ' | '\t' => {
                    if previous == ':' {
                        value_start = true;
                        in_plain = false;
                    }
                }
                '|' | '>' if value_start && flow == 0 => {
                    literal = Some(indent);
                    break;
                }
                _ => {
                    if value_start {
                        in_plain = true;
                    }
                    value_start = false;
                }
            }
            previous = c;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nesting_past_the_limit_is_refused_where_it_happens() {
        let deep = |open: &str, close: &str, n: usize| {
            format!(
                "openapi: 3.1.0\nx: {}1{}\n",
                open.repeat(n),
                close.repeat(n)
            )
        };
        for (text, what) in [
            (deep("[", "]", 200), "flow sequences"),
            (deep("{a: ", "}", 200), "flow mappings"),
            (
                format!(
                    "x:\n{}",
                    (1..200)
                        .map(|i| format!("{}a:\n", " ".repeat(i)))
                        .collect::<String>()
                ),
                "block mappings",
            ),
            (format!("x:\n  {}a\n", "- ".repeat(200)), "block sequences"),
        ] {
            let error = check_nesting(&text, "deep.yaml").unwrap_err().to_string();
            assert!(error.starts_with("deep.yaml:"), "{what}: {error}");
            assert!(
                error.contains("nests deeper than 128 levels"),
                "{what}: {error}"
            );
        }
        // Just under the limit, and brackets that open nothing, are fine.
        assert!(check_nesting(&deep("[", "]", 120), "ok.yaml").is_ok());
        let plain = "openapi: 3.1.0\ninfo:\n  description: use a[0] or {x} [ ( { [\n  \
                     title: '[[[[' # [[[[\n  summary: |\n    [[[[[[[[[[\n    {{{{{{{{\n  v: \"[{\"\n";
        let many = plain.replace("[[[[[[[[[[", &"[".repeat(500));
        assert!(check_nesting(&many, "plain.yaml").is_ok());
        assert!(parse(&many, "plain.yaml", Format::Yaml).is_ok());
    }

    #[test]
    fn invalid_json_names_file_line_and_column() {
        let error = parse("{\n  \"a\": 1,\n}\n", "spec.json", Format::Json)
            .unwrap_err()
            .to_string();
        assert!(
            error.starts_with("spec.json:3:1: invalid JSON: trailing comma"),
            "{error}"
        );
    }

    #[test]
    fn truncated_json_says_so() {
        let error = parse("{\"paths\": {", "spec.json", Format::Json)
            .unwrap_err()
            .to_string();
        assert!(error.contains("truncated"), "{error}");
    }

    #[test]
    fn invalid_yaml_names_the_line() {
        let error = parse(
            "openapi: 3.0.3\ninfo:\n  title: [unclosed\n",
            "spec.yaml",
            Format::Yaml,
        )
        .unwrap_err()
        .to_string();
        assert!(error.starts_with("spec.yaml:"), "{error}");
        assert!(error.contains("invalid YAML"), "{error}");
    }

    #[test]
    fn a_document_that_is_not_openapi_is_named_as_such() {
        assert!(parse("\"<html>\"", "x.json", Format::Json).is_err());
        let doc = serde_json::json!({"title": "x"});
        let error = openapi_version(&doc, "x.json").unwrap_err().to_string();
        assert!(error.contains("not an OpenAPI document"), "{error}");
        let swagger = serde_json::json!({"swagger": "1.2"});
        let error = openapi_version(&swagger, "x.json").unwrap_err().to_string();
        assert!(
            error.contains("#/swagger: Swagger 1.2 is not supported"),
            "{error}"
        );
        let v2 = serde_json::json!({"openapi": "2.0"});
        assert!(openapi_version(&v2, "x.json").is_err());
    }

    #[test]
    fn unquoted_versions_read_as_the_strings_they_mean() {
        for (text, key, version) in [
            ("swagger: 2.0\n", "swagger", "2.0"),
            ("openapi: 3.0\n", "openapi", "3.0.0"),
            ("openapi: 3.1\n", "openapi", "3.1.0"),
            ("openapi: '3.1'\n", "openapi", "3.1.0"),
            ("openapi: 3.0.3\n", "openapi", "3.0.3"),
            ("overlay: 1.0\n", "overlay", "1.0"),
        ] {
            let doc = parse(text, "x.yaml", Format::Yaml).unwrap();
            assert_eq!(doc[key], version, "{text}");
        }
        let doc = parse("swagger: 2.0\n", "x.yaml", Format::Yaml).unwrap();
        assert!(crate::normalize::swagger2::is_swagger2(&doc));
        let old = parse("swagger: 1.2\n", "x.yaml", Format::Yaml).unwrap();
        let error = openapi_version(&old, "x.yaml").unwrap_err().to_string();
        assert!(error.contains("Swagger 1.2 is not supported"), "{error}");
    }

    #[test]
    fn a_byte_order_mark_is_skipped() {
        let doc = parse("\u{feff}{\"openapi\": \"3.0.4\"}", "x.json", Format::Json).unwrap();
        assert_eq!(doc["openapi"], "3.0.4");
    }

    #[test]
    fn yaml_numeric_keys_become_strings() {
        let doc = parse(
            "responses:\n  202:\n    description: ok\n",
            "x.yaml",
            Format::Yaml,
        )
        .unwrap();
        assert!(doc["responses"]["202"].is_object());
    }

    #[test]
    fn yaml_integers_beyond_64_bits_are_read_as_json_reads_them() {
        let doc = parse(
            "minimum: -9223372036854776000\nmaximum: 18446744073709551616\nsmall: 7\ntrue: yes\n",
            "x.yaml",
            Format::Yaml,
        )
        .unwrap();
        let json: Value = serde_json::from_str(
            r#"{"minimum": -9223372036854776000, "maximum": 18446744073709551616}"#,
        )
        .unwrap();
        assert_eq!(doc["minimum"], json["minimum"]);
        assert_eq!(doc["maximum"], json["maximum"]);
        assert_eq!(doc["small"], 7);
        assert_eq!(doc["true"], "yes");
    }

    #[test]
    fn yaml_merge_keys_are_applied() {
        let doc = parse(
            "base: &b\n  type: object\n  description: base\nderived:\n  <<: *b\n  description: own\n",
            "x.yaml",
            Format::Yaml,
        )
        .unwrap();
        assert_eq!(
            doc["derived"],
            serde_json::json!({"description": "own", "type": "object"})
        );
    }

    #[test]
    fn pointer_segments_are_escaped() {
        assert_eq!(pointer("#/paths", "/agents/{id}"), "#/paths/~1agents~1{id}");
        assert_eq!(pointer("", "a~b"), "/a~0b");
    }
}
