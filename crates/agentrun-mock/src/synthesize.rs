//! Values for a schema of a source document, to send and to answer with where the document
//! gives no example: the schema's own examples first, then one value per branch of each union,
//! an object with its required properties only and one with all of them, each enum value, and
//! values inside the bounds, formats and patterns the schema sets.
//!
//! What it makes is a candidate: [`crate::SourceSchemas::check`] says whether it is valid. A
//! pattern is met by a string written from its parsed form (`regex-syntax`: the first branch
//! of each alternation, the least count of each repetition, a letter or digit of each class),
//! or else by trying a few common strings; a schema that none of them fits gets a value that is
//! not valid, and the check says so instead of this module guessing harder.
//!
//! ```
//! use serde_json::json;
//! use agentrun_mock::synthesize::values;
//!
//! let doc = json!({"components": {"schemas": {"Labels": {"anyOf": [
//!     {"type": "string"}, {"type": "array", "items": {"type": "string"}}]}}}});
//! let found = values(&doc, &json!({"$ref": "#/components/schemas/Labels"}));
//! assert_eq!(found, [json!("string"), json!(["string"])]);
//! ```

use serde_json::{Map, Value, json};

use crate::document::{local_target, resolve_refs};
use crate::document::{merge_member, required_names};

/// How deep a schema is followed (through references and nesting) before a value stops
/// growing: a recursive schema gets its shallow values.
const DEPTH: usize = 32;

/// How many candidates one schema gets at most.
const MOST: usize = 12;

/// Candidate values for `schema`, a schema of `doc` (references resolve in `doc`), most
/// telling first, without repeats.
pub fn values(doc: &Value, schema: &Value) -> Vec<Value> {
    let mut found = Synthesizer { doc }.values(schema, 0, MOST);
    dedup(&mut found);
    found.truncate(MOST);
    found
}

struct Synthesizer<'a> {
    doc: &'a Value,
}

impl Synthesizer<'_> {
    /// Up to about `want` values; a nested value asks for one, so that nested unions do not
    /// multiply.
    fn values(&self, schema: &Value, depth: usize, want: usize) -> Vec<Value> {
        // However it nests (a schema in its own `allOf` merges into itself without end).
        if depth >= DEPTH {
            return vec![json!({})];
        }
        let Some(fields) = schema.as_object() else {
            // `true`, or a schema that is not one: anything goes.
            return vec![json!("value")];
        };
        if let Some(target) = fields.get("$ref").and_then(Value::as_str) {
            return match local_target(self.doc, target) {
                Some(target) if depth < DEPTH => self.values(target, depth + 1, want),
                _ => vec![json!({})],
            };
        }
        let mut found = Vec::new();
        if let Some(example) = fields.get("example") {
            found.push(example.clone());
        }
        if let Some(examples) = fields.get("examples").and_then(Value::as_array) {
            found.extend(examples.iter().cloned());
        }
        if let Some(value) = fields.get("const") {
            found.push(value.clone());
            return found;
        }
        if let Some(values) = fields.get("enum").and_then(Value::as_array) {
            found.extend(values.iter().cloned());
            return found;
        }
        for key in ["oneOf", "anyOf"] {
            if let Some(branches) = fields.get(key).and_then(Value::as_array) {
                // One value of each branch, with what the schema says next to the union.
                let mut rest = fields.clone();
                rest.remove(key);
                for branch in branches {
                    if found.len() >= want {
                        break;
                    }
                    let merged = self.with(&rest, branch);
                    let per_branch = want.min(2);
                    found.extend(
                        self.values(&merged, depth + 1, per_branch)
                            .into_iter()
                            .take(2),
                    );
                }
                return found;
            }
        }
        if let Some(members) = fields.get("allOf").and_then(Value::as_array) {
            let mut rest = fields.clone();
            rest.remove("allOf");
            let mut merged = Value::Object(rest);
            for member in members {
                let base = merged.as_object().cloned().unwrap_or_default();
                merged = self.with(&base, member);
            }
            found.extend(self.values(&merged, depth + 1, want));
            return found;
        }
        let nullable = fields.get("nullable") == Some(&Value::Bool(true));
        let types: Vec<&str> = match fields.get("type") {
            Some(Value::String(ty)) => vec![ty.as_str()],
            Some(Value::Array(types)) => types.iter().filter_map(Value::as_str).collect(),
            // No type, but keywords only one type uses: that type (a generator reads it so).
            _ if [
                "properties",
                "additionalProperties",
                "patternProperties",
                "required",
            ]
            .iter()
            .any(|k| fields.contains_key(*k)) =>
            {
                vec!["object"]
            }
            _ if fields.contains_key("items") => vec!["array"],
            _ => vec![],
        };
        // A schema of only `nullable: true` is, in every document that writes it, the null
        // branch of a union (`anyOf: [{$ref: T}, {nullable: true}]`): null is its value.
        if types.is_empty() && found.is_empty() && !nullable {
            found.push(json!("value"));
        }
        for ty in types {
            found.extend(match ty {
                "null" => vec![Value::Null],
                "boolean" => vec![json!(true), json!(false)],
                "integer" => vec![number(fields, true)],
                "number" => vec![number(fields, false)],
                "string" => vec![string(fields)],
                "array" => self.array(fields, depth),
                "object" => self.object(fields, depth, want),
                _ => vec![],
            });
        }
        if nullable {
            found.push(Value::Null);
        }
        // A value nested in another is one value: the document's example would be the first,
        // but an example can be wrong (and is checked on its own), so a synthesized value
        // comes first, unless it only guesses at a pattern.
        let examples = usize::from(fields.contains_key("example"))
            + fields
                .get("examples")
                .and_then(Value::as_array)
                .map_or(0, Vec::len);
        if want == 1 && examples > 0 && !fields.contains_key("pattern") && found.len() > examples {
            found.rotate_left(examples);
        }
        found
    }

    /// A schema through its references, when it has some.
    fn resolve<'b>(&'b self, schema: &'b Value) -> &'b Value {
        resolve_refs(self.doc, schema)
    }

    /// `base` with `more`'s keywords added: properties and `required` merged, the rest kept
    /// from `base` where both have it.
    fn with(&self, base: &Map<String, Value>, more: &Value) -> Value {
        let Some(more) = self.resolve(more).as_object() else {
            return Value::Object(base.clone());
        };
        let mut merged = base.clone();
        merge_member(&mut merged, more, &[]);
        Value::Object(merged)
    }

    fn array(&self, fields: &Map<String, Value>, depth: usize) -> Vec<Value> {
        let items = fields.get("items").cloned().unwrap_or(Value::Bool(true));
        let least = fields
            .get("minItems")
            .and_then(Value::as_u64)
            .unwrap_or(1)
            .max(1);
        let most = fields
            .get("maxItems")
            .and_then(Value::as_u64)
            .unwrap_or(u64::MAX);
        if most == 0 {
            return vec![json!([])];
        }
        let unique = fields.get("uniqueItems") == Some(&Value::Bool(true));
        let count = usize::try_from(least.min(most).min(8)).unwrap_or(1);
        let candidates = self.values(&items, depth + 1, if unique { count } else { 1 });
        let Some(first) = candidates.first() else {
            return vec![json!([])];
        };
        let list = (0..count)
            .map(|i| match candidates.get(i) {
                Some(value) if unique => value.clone(),
                _ if unique => vary(first, i),
                _ => first.clone(),
            })
            .collect();
        vec![Value::Array(list)]
    }

    fn object(&self, fields: &Map<String, Value>, depth: usize, want: usize) -> Vec<Value> {
        let properties = fields
            .get("properties")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default();
        let required = required_names(fields.get("required"));
        if depth >= DEPTH {
            return vec![json!({})];
        }
        let value_of = |name: &str| {
            let schema = properties.get(name).cloned().unwrap_or(Value::Bool(true));
            self.values(&schema, depth + 1, 1)
                .into_iter()
                .next()
                .unwrap_or(Value::Null)
        };
        // Its required properties only, then every property it lists.
        let mut least = Map::new();
        for name in &required {
            least.insert((*name).to_string(), value_of(name));
        }
        if want <= 1 {
            return vec![Value::Object(least)];
        }
        let mut all = least.clone();
        for name in properties.keys() {
            if !all.contains_key(name) {
                // A read-only property is the server's to send; left out of what is sent.
                let read_only = properties[name].get("readOnly") == Some(&Value::Bool(true));
                if !read_only {
                    all.insert(name.clone(), value_of(name));
                }
            }
        }
        // A map (`additionalProperties` with a schema) gets one entry.
        if let Some(entry @ Value::Object(_)) = fields.get("additionalProperties")
            && !all.contains_key("key")
        {
            let value = self.values(entry, depth + 1, 1).into_iter().next();
            all.insert("key".into(), value.unwrap_or(Value::Null));
        }
        vec![Value::Object(least), Value::Object(all)]
    }
}

/// A number inside the schema's bounds, a multiple of its `multipleOf`.
fn number(fields: &Map<String, Value>, integer: bool) -> Value {
    let get = |key: &str| fields.get(key).and_then(Value::as_f64);
    let step = get("multipleOf").filter(|s| *s > 0.0);
    // 3.0 writes exclusive bounds as flags next to the bound, 3.1 as the bound itself.
    let exclusive = |flag: &str| fields.get(flag) == Some(&Value::Bool(true));
    let low = match (get("minimum"), get("exclusiveMinimum")) {
        (_, Some(bound)) => Some((bound, true)),
        (Some(bound), None) => Some((bound, exclusive("exclusiveMinimum"))),
        (None, None) => None,
    };
    let high = match (get("maximum"), get("exclusiveMaximum")) {
        (_, Some(bound)) => Some((bound, true)),
        (Some(bound), None) => Some((bound, exclusive("exclusiveMaximum"))),
        (None, None) => None,
    };
    let unit = step.unwrap_or(1.0);
    let mut value = match low {
        Some((bound, open)) => {
            let mut v = (bound / unit).ceil() * unit;
            if open && v <= bound {
                v += unit;
            }
            v
        }
        None => match high {
            Some((bound, _)) if bound < unit => (bound / unit).floor() * unit - unit,
            _ => unit,
        },
    };
    if let Some((bound, open)) = high
        && (value > bound || (open && value >= bound))
    {
        value = (bound / unit).floor() * unit;
        if open && value >= bound {
            value -= unit;
        }
    }
    if integer {
        let whole = value.ceil();
        // Out of i64's range only when the document asks for it; then the bound itself.
        #[allow(clippy::cast_possible_truncation)]
        let whole = whole.clamp(i64::MIN as f64, i64::MAX as f64) as i64;
        json!(whole)
    } else {
        json!(value)
    }
}

/// A string of the schema's format, or one of a few common strings that matches its
/// pattern, within its lengths.
fn string(fields: &Map<String, Value>) -> Value {
    let format = fields.get("format").and_then(Value::as_str).unwrap_or("");
    let by_format = match format {
        "date-time" => Some("2024-01-02T03:04:05Z"),
        "date" => Some("2024-01-02"),
        "time" => Some("03:04:05Z"),
        "email" | "idn-email" => Some("user@example.com"),
        "uuid" => Some("123e4567-e89b-12d3-a456-426614174000"),
        "uri" | "url" | "iri" => Some("https://example.com/a"),
        "uri-reference" | "iri-reference" => Some("/a"),
        "hostname" | "idn-hostname" => Some("example.com"),
        "ipv4" | "ip" => Some("192.0.2.1"),
        "ipv6" => Some("2001:db8::1"),
        "byte" => Some("aGVsbG8="),
        "duration" => Some("P1D"),
        _ => None,
    };
    let least = fields
        .get("minLength")
        .and_then(Value::as_u64)
        .and_then(|n| usize::try_from(n).ok())
        .unwrap_or(0);
    let most = fields
        .get("maxLength")
        .and_then(Value::as_u64)
        .and_then(|n| usize::try_from(n).ok())
        .unwrap_or(usize::MAX);
    let fit = |text: &str| {
        let mut text = text.to_string();
        while text.chars().count() < least {
            text.push('a');
        }
        text.chars().take(most).collect::<String>()
    };
    if let Some(text) = by_format {
        return json!(fit(text));
    }
    let pattern = fields.get("pattern").and_then(Value::as_str);
    let Some(pattern) = pattern.and_then(|p| regress::Regex::new(p).ok()) else {
        return json!(fit("string"));
    };
    const TRIES: [&str; 12] = [
        "string",
        "a",
        "abc",
        "A",
        "ABC",
        "1",
        "123",
        "a1",
        "abc-123",
        "abc_123",
        "ab12cd34",
        "example.com",
    ];
    let written = fields
        .get("pattern")
        .and_then(Value::as_str)
        .and_then(matching);
    written
        .into_iter()
        .chain(TRIES.iter().map(|t| fit(t)))
        .find(|t| pattern.find(t).is_some())
        .map_or_else(|| json!(fit("string")), Value::String)
}

/// A string `pattern` matches, written from its parsed form; `None` when it does not parse
/// as a Rust regular expression (the caller then tries common strings).
fn matching(pattern: &str) -> Option<String> {
    let hir = regex_syntax::Parser::new().parse(pattern).ok()?;
    let mut out = String::new();
    write_match(&hir, &mut out)?;
    Some(out)
}

fn write_match(hir: &regex_syntax::hir::Hir, out: &mut String) -> Option<()> {
    use regex_syntax::hir::{Class, HirKind};
    match hir.kind() {
        HirKind::Empty | HirKind::Look(_) => {}
        HirKind::Literal(literal) => out.push_str(std::str::from_utf8(&literal.0).ok()?),
        HirKind::Class(Class::Unicode(class)) => {
            let ranges = class.ranges();
            let nice = ['a', '0', 'A']
                .into_iter()
                .find(|c| ranges.iter().any(|r| r.start() <= *c && *c <= r.end()));
            out.push(nice.or_else(|| ranges.first().map(|r| r.start()))?);
        }
        HirKind::Class(Class::Bytes(class)) => {
            let byte = class.ranges().first()?.start();
            out.push(char::from(byte).is_ascii().then_some(char::from(byte))?);
        }
        HirKind::Repetition(repetition) => {
            for _ in 0..repetition.min.min(64) {
                write_match(&repetition.sub, out)?;
            }
        }
        HirKind::Capture(capture) => write_match(&capture.sub, out)?,
        HirKind::Concat(parts) => {
            for part in parts {
                write_match(part, out)?;
            }
        }
        HirKind::Alternation(branches) => write_match(branches.first()?, out)?,
    }
    Some(())
}

/// The `i`th variation of a value, for items that must differ: a number plus `i`, a string
/// with `i` appended.
fn vary(value: &Value, i: usize) -> Value {
    match value {
        Value::String(text) if i > 0 => json!(format!("{text}{i}")),
        Value::Number(n) => match n.as_i64() {
            Some(n) => json!(n.saturating_add(i64::try_from(i).unwrap_or(0))),
            None => json!(n.as_f64().unwrap_or(0.0) + i as f64),
        },
        other => other.clone(),
    }
}

/// Drops repeats, keeping the first of each.
fn dedup(values: &mut Vec<Value>) {
    let mut seen = Vec::new();
    values.retain(|v| {
        let text = v.to_string();
        if seen.contains(&text) {
            false
        } else {
            seen.push(text);
            true
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::SourceSchemas;

    fn doc(schemas: Value) -> Value {
        json!({"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": {},
               "components": {"schemas": schemas}})
    }

    /// Every value synthesized for each component is valid under the strict validator.
    fn all_valid(doc: &Value) -> Vec<(String, Value, Vec<String>)> {
        let mut schemas = SourceSchemas::new(doc, "doc.json").unwrap();
        let mut invalid = Vec::new();
        for name in doc["components"]["schemas"].as_object().unwrap().keys() {
            let pointer = format!("#/components/schemas/{name}");
            let reference = json!({"$ref": pointer});
            for value in values(doc, &reference) {
                let errors = schemas.check(&pointer, &value).unwrap();
                if !errors.is_empty() {
                    invalid.push((name.clone(), value, errors));
                }
            }
        }
        invalid
    }

    #[test]
    fn values_meet_bounds_formats_patterns_and_lengths() {
        let doc = doc(json!({
            "Age": {"type": "integer", "minimum": 18, "maximum": 20},
            "Odd": {"type": "integer", "exclusiveMinimum": 10, "multipleOf": 5},
            "Ratio": {"type": "number", "exclusiveMaximum": 1, "minimum": 0, "multipleOf": 0.25},
            "Negative": {"type": "integer", "maximum": -3},
            "Id": {"type": "string", "format": "uuid"},
            "When": {"type": "string", "format": "date-time"},
            "Slug": {"type": "string", "pattern": "^[a-z]+-[0-9]+$"},
            "Code": {"type": "string", "minLength": 10, "maxLength": 12},
            "Tags": {"type": "array", "items": {"type": "string"}, "minItems": 2, "uniqueItems": false},
            "Maybe": {"type": ["string", "null"]},
        }));
        assert_eq!(all_valid(&doc), []);
    }

    #[test]
    fn the_null_branch_written_as_only_nullable_is_null() {
        let doc = doc(json!({"State": {"type": "string", "enum": ["Active"]}}));
        let maybe = json!({"anyOf": [{"$ref": "#/components/schemas/State"}, {"nullable": true}]});
        assert_eq!(values(&doc, &maybe), [json!("Active"), Value::Null]);
    }

    #[test]
    fn a_schema_in_its_own_all_of_gets_a_value_and_no_overflow() {
        let doc = json!({"components": {"schemas": {
            "A": {"allOf": [{"$ref": "#/components/schemas/A"}]}}}});
        let found = values(&doc, &json!({"$ref": "#/components/schemas/A"}));
        assert_eq!(found, [json!({})]);
    }

    #[test]
    fn unions_objects_and_references_give_one_value_per_shape() {
        let doc = doc(json!({
            "Record": {"type": "object", "required": ["name"],
                       "properties": {"name": {"type": "string"}, "color": {"type": "string", "enum": ["red"]},
                                      "id": {"type": "string", "readOnly": true}}},
            "Labels": {"anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}},
                                 {"$ref": "#/components/schemas/Record"}]},
            "Pet": {"oneOf": [{"type": "object", "required": ["bark"], "properties": {"bark": {"type": "boolean"}}},
                              {"type": "object", "required": ["purr"], "properties": {"purr": {"type": "integer"}}}],
                    "discriminator": {"propertyName": "kind"}},
            "Named": {"allOf": [{"$ref": "#/components/schemas/Record"},
                                {"type": "object", "required": ["size"], "properties": {"size": {"type": "integer"}}}]},
            "Node": {"type": "object", "properties": {"next": {"$ref": "#/components/schemas/Node"}}},
        }));
        assert_eq!(all_valid(&doc), []);
        let labels = values(&doc, &json!({"$ref": "#/components/schemas/Labels"}));
        assert_eq!(
            labels,
            [
                json!("string"),
                json!(["string"]),
                json!({"name": "string"}),
                json!({"name": "string", "color": "red"}),
            ]
        );
        let named = values(&doc, &json!({"$ref": "#/components/schemas/Named"}));
        assert_eq!(named[0], json!({"name": "string", "size": 1}));
    }

    #[test]
    fn a_pattern_is_met_from_its_parsed_form_and_one_that_cannot_be_is_refused() {
        let doc = doc(json!({
            "Hex": {"type": "string", "pattern": "^#[0-9a-f]{6}$"},
            "Version": {"type": "string", "pattern": "^v(\\d+)\\.(\\d+)(-rc)?$"},
            "Either": {"type": "string", "pattern": "^(?:cat|dog)s?$"}}));
        assert_eq!(all_valid(&doc), []);
        let hex = json!({"$ref": "#/components/schemas/Hex"});
        assert_eq!(values(&doc, &hex), [json!("#aaaaaa")]);
        // A look-ahead is not Rust regex syntax, and no common string fits: the value is
        // refused by the check, not guessed harder.
        let odd =
            super::tests::doc(json!({"Odd": {"type": "string", "pattern": "^(?=.*#)[#]{3}$"}}));
        let invalid = all_valid(&odd);
        assert_eq!(invalid.len(), 1, "{invalid:?}");
    }
}
