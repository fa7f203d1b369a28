//! A draft-7 validator for the schemas schemars writes, with problems a person can act on.
//!
//! It reads schemars' own types (no JSON round trip) and knows every keyword schemars 0.8 can
//! write: `$ref` to `definitions` (alone, as draft 7 says), `type`, `enum`, `const`, `allOf`,
//! `anyOf`, `oneOf`, `not`, `if`/`then`/`else`, number bounds and `multipleOf`, string lengths
//! (in characters) and `pattern` (an ECMA 262 regular expression, as JSON Schema says), `items`,
//! `additionalItems`, item counts, `uniqueItems`, `contains`, `properties`, `required`,
//! `additionalProperties`, `patternProperties`, `propertyNames` and property counts. `format`
//! is an annotation, as draft 7 makes it by default. The tests hold it to the `jsonschema`
//! crate's verdict on every example of the specs and docs and on their mutations.
//!
//! A failed `anyOf`/`oneOf` is explained by the branch that got furthest into the value (the
//! one the writer most likely meant), or else by what the branches accept
//! (`a string such as "stop", "continue", or null`).

use std::fmt;

use schemars::Map;
use schemars::schema::{InstanceType, RootSchema, Schema, SchemaObject, SingleOrVec};
use serde_json::Value;

/// One place where a value departs from its schema.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The JSON pointer of the value (`""` for the whole value).
    pub pointer: String,
    /// What the schema expects there.
    pub expected: String,
    /// What the value holds there: its type and, unless the place looks like a secret
    /// (`password`, `token`, `key`, ...), a short excerpt.
    pub found: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let at = if self.pointer.is_empty() {
            "/"
        } else {
            &self.pointer
        };
        write!(
            f,
            "at {at}: expected {}, found {}",
            self.expected, self.found
        )
    }
}

/// Every place where `value` departs from `schema`; none when it is valid.
///
/// ```
/// use agentrun::{Provider, schema};
///
/// let body = serde_json::json!({"appId": 7, "prompt": "Check", "model": "buildprint-gpt-5.3-codex"});
/// let schema = schema::request(Provider::Buildprint, "startAgent").expect("takes a body");
/// let problems = schema::problems(&schema, &body);
/// assert_eq!(problems[0].to_string(), "at /appId: expected a string, found the number 7");
/// ```
pub fn problems(schema: &RootSchema, value: &Value) -> Vec<Problem> {
    let checker = Checker {
        definitions: &schema.definitions,
    };
    let mut issues = Vec::new();
    checker.object(&schema.schema, value, "", &mut issues, 0);
    let mut problems: Vec<Problem> = issues.into_iter().map(Issue::into_problem).collect();
    problems.dedup();
    problems
}

/// What a place should have held.
#[derive(Debug, Clone, PartialEq)]
enum Want {
    /// One of these JSON types.
    Types(Vec<InstanceType>),
    /// One of these values.
    Values(Vec<Value>),
    /// The required property (the issue's pointer is the property's).
    Property(String),
    /// What one of the alternatives of a failed `anyOf`/`oneOf` wanted.
    Alternatives(Vec<Want>),
    /// Anything else, in words.
    Text(String),
}

/// A problem before it is written down.
#[derive(Debug, Clone)]
struct Issue {
    pointer: String,
    want: Want,
    found: String,
}

impl Issue {
    fn into_problem(self) -> Problem {
        Problem {
            expected: describe(&self.want),
            pointer: self.pointer,
            found: self.found,
        }
    }
}

struct Checker<'a> {
    definitions: &'a Map<String, Schema>,
}

/// How deep references and nesting may go before a schema is taken for a loop.
const MAX_DEPTH: usize = 64;

impl Checker<'_> {
    fn schema(&self, schema: &Schema, value: &Value, at: &str, out: &mut Vec<Issue>, depth: usize) {
        match schema {
            Schema::Bool(true) => {}
            Schema::Bool(false) => out.push(issue(at, Want::Text("no value here".into()), value)),
            Schema::Object(object) => self.object(object, value, at, out, depth),
        }
    }

    fn valid(&self, schema: &Schema, value: &Value, at: &str, depth: usize) -> Vec<Issue> {
        let mut out = Vec::new();
        self.schema(schema, value, at, &mut out, depth);
        out
    }

    fn object(
        &self,
        schema: &SchemaObject,
        value: &Value,
        at: &str,
        out: &mut Vec<Issue>,
        depth: usize,
    ) {
        if depth > MAX_DEPTH {
            out.push(issue(
                at,
                Want::Text("a schema that does not refer to itself forever".into()),
                value,
            ));
            return;
        }
        if let Some(reference) = &schema.reference {
            // Draft 7: a `$ref` stands alone; its siblings are ignored.
            let name = reference
                .strip_prefix("#/definitions/")
                .unwrap_or(reference);
            match self.definitions.get(name) {
                Some(target) => self.schema(target, value, at, out, depth + 1),
                None => out.push(issue(
                    at,
                    Want::Text(format!("a value of the missing definition `{name}`")),
                    value,
                )),
            }
            return;
        }
        let listed = self.values(schema, value, at, out);
        if let Some(types) = &schema.instance_type {
            let types: Vec<InstanceType> = match types {
                SingleOrVec::Single(one) => vec![**one],
                SingleOrVec::Vec(many) => many.clone(),
            };
            // A value the schema lists already says what the type would.
            if !types.iter().any(|t| is_type(value, *t)) && !listed {
                out.push(issue(at, Want::Types(types), value));
                return;
            }
        }
        self.subschemas(schema, value, at, out, depth);
        self.number(schema, value, at, out);
        self.string(schema, value, at, out);
        self.array(schema, value, at, out, depth);
        self.properties(schema, value, at, out, depth);
    }

    /// `enum` and `const`; whether the value failed one of them.
    fn values(&self, schema: &SchemaObject, value: &Value, at: &str, out: &mut Vec<Issue>) -> bool {
        let mut failed = false;
        if let Some(values) = &schema.enum_values
            && !values.iter().any(|v| same(v, value))
        {
            out.push(issue(at, Want::Values(values.clone()), value));
            failed = true;
        }
        if let Some(constant) = &schema.const_value
            && !same(constant, value)
        {
            out.push(issue(at, Want::Values(vec![constant.clone()]), value));
            failed = true;
        }
        failed
    }

    fn subschemas(
        &self,
        schema: &SchemaObject,
        value: &Value,
        at: &str,
        out: &mut Vec<Issue>,
        depth: usize,
    ) {
        let Some(sub) = &schema.subschemas else {
            return;
        };
        for member in sub.all_of.iter().flatten() {
            self.schema(member, value, at, out, depth + 1);
        }
        if let Some(branches) = &sub.any_of {
            let results: Vec<Vec<Issue>> = branches
                .iter()
                .map(|b| self.valid(b, value, at, depth + 1))
                .collect();
            if !results.iter().any(Vec::is_empty) {
                out.extend(explain_alternatives(results, value, at));
            }
        }
        if let Some(branches) = &sub.one_of {
            let results: Vec<Vec<Issue>> = branches
                .iter()
                .map(|b| self.valid(b, value, at, depth + 1))
                .collect();
            match results.iter().filter(|r| r.is_empty()).count() {
                1 => {}
                0 => out.extend(explain_alternatives(results, value, at)),
                _ => out.push(issue(
                    at,
                    Want::Text("a value that matches exactly one alternative".into()),
                    value,
                )),
            }
        }
        if let Some(not) = &sub.not
            && self.valid(not, value, at, depth + 1).is_empty()
        {
            out.push(issue(
                at,
                Want::Text("a value the schema's `not` refuses".into()),
                value,
            ));
        }
        if let Some(condition) = &sub.if_schema {
            let branch = if self.valid(condition, value, at, depth + 1).is_empty() {
                &sub.then_schema
            } else {
                &sub.else_schema
            };
            if let Some(branch) = branch {
                self.schema(branch, value, at, out, depth + 1);
            }
        }
    }

    fn number(&self, schema: &SchemaObject, value: &Value, at: &str, out: &mut Vec<Issue>) {
        let (Some(rules), Some(n)) = (&schema.number, value.as_f64()) else {
            return;
        };
        let mut fail = |text: String| out.push(issue(at, Want::Text(text), value));
        if let Some(min) = rules.minimum
            && n < min
        {
            fail(format!("at least {}", number(min)));
        }
        if let Some(max) = rules.maximum
            && n > max
        {
            fail(format!("at most {}", number(max)));
        }
        if let Some(min) = rules.exclusive_minimum
            && n <= min
        {
            fail(format!("more than {}", number(min)));
        }
        if let Some(max) = rules.exclusive_maximum
            && n >= max
        {
            fail(format!("less than {}", number(max)));
        }
        if let Some(step) = rules.multiple_of
            && step > 0.0
        {
            let ratio = n / step;
            if (ratio - ratio.round()).abs() > 1e-9 {
                fail(format!("a multiple of {}", number(step)));
            }
        }
    }

    fn string(&self, schema: &SchemaObject, value: &Value, at: &str, out: &mut Vec<Issue>) {
        let (Some(rules), Some(text)) = (&schema.string, value.as_str()) else {
            return;
        };
        let size = (rules.min_length, rules.max_length);
        count_within(text.chars().count(), size, "characters", at, value, out);
        if let Some(pattern) = &rules.pattern {
            let want = match regress::Regex::new(pattern) {
                Ok(regex) if regex.find(text).is_none() => format!("text matching /{pattern}/"),
                Ok(_) => return,
                Err(_) => format!("text matching /{pattern}/ (a pattern this client cannot read)"),
            };
            out.push(issue(at, Want::Text(want), value));
        }
    }

    fn array(
        &self,
        schema: &SchemaObject,
        value: &Value,
        at: &str,
        out: &mut Vec<Issue>,
        depth: usize,
    ) {
        let (Some(rules), Some(items)) = (&schema.array, value.as_array()) else {
            return;
        };
        match &rules.items {
            Some(SingleOrVec::Single(each)) => {
                for (i, item) in items.iter().enumerate() {
                    self.schema(each, item, &format!("{at}/{i}"), out, depth + 1);
                }
            }
            Some(SingleOrVec::Vec(positions)) => {
                for (i, item) in items.iter().enumerate() {
                    let at = format!("{at}/{i}");
                    match (positions.get(i), &rules.additional_items) {
                        (Some(schema), _) => self.schema(schema, item, &at, out, depth + 1),
                        (None, Some(rest)) => self.schema(rest, item, &at, out, depth + 1),
                        (None, None) => {}
                    }
                }
            }
            None => {}
        }
        let size = (rules.min_items, rules.max_items);
        count_within(items.len(), size, "items", at, value, out);
        let mut fail = |text: String| out.push(issue(at, Want::Text(text), value));
        if rules.unique_items == Some(true)
            && items
                .iter()
                .enumerate()
                .any(|(i, a)| items[i + 1..].iter().any(|b| same(a, b)))
        {
            fail("items that are all different".into());
        }
        if let Some(contains) = &rules.contains
            && !items
                .iter()
                .any(|item| self.valid(contains, item, at, depth + 1).is_empty())
        {
            fail("an item that matches the schema's `contains`".into());
        }
    }

    fn properties(
        &self,
        schema: &SchemaObject,
        value: &Value,
        at: &str,
        out: &mut Vec<Issue>,
        depth: usize,
    ) {
        let (Some(rules), Some(members)) = (&schema.object, value.as_object()) else {
            return;
        };
        for name in &rules.required {
            if !members.contains_key(name) {
                out.push(Issue {
                    pointer: child(at, name),
                    want: Want::Property(name.clone()),
                    found: "nothing".into(),
                });
            }
        }
        let patterns: Vec<(regress::Regex, &Schema)> = rules
            .pattern_properties
            .iter()
            .filter_map(|(pattern, schema)| Some((regress::Regex::new(pattern).ok()?, schema)))
            .collect();
        for (name, member) in members {
            let place = child(at, name);
            let mut matched = false;
            if let Some(schema) = rules.properties.get(name) {
                self.schema(schema, member, &place, out, depth + 1);
                matched = true;
            }
            for (regex, schema) in &patterns {
                if regex.find(name).is_some() {
                    self.schema(schema, member, &place, out, depth + 1);
                    matched = true;
                }
            }
            if !matched && let Some(rest) = &rules.additional_properties {
                match rest.as_ref() {
                    Schema::Bool(false) => out.push(Issue {
                        pointer: place,
                        want: Want::Text("no such property (the schema lists every one)".into()),
                        found: "one".into(),
                    }),
                    other => self.schema(other, member, &place, out, depth + 1),
                }
            }
            if let Some(names) = &rules.property_names
                && !self
                    .valid(names, &Value::String(name.clone()), at, depth + 1)
                    .is_empty()
            {
                out.push(issue(
                    &child(at, name),
                    Want::Text("a property name the schema allows".into()),
                    &Value::String(name.clone()),
                ));
            }
        }
        let size = (rules.min_properties, rules.max_properties);
        count_within(members.len(), size, "properties", at, value, out);
    }
}

/// A size rule (`minLength`/`maxLength`, `minItems`/`maxItems`, `minProperties`/`maxProperties`):
/// `count` `unit`s against the `(min, max)` bounds.
fn count_within(
    count: usize,
    (min, max): (Option<u32>, Option<u32>),
    unit: &str,
    at: &str,
    value: &Value,
    out: &mut Vec<Issue>,
) {
    let count = count as u64;
    let want = match (min, max) {
        (Some(min), _) if count < u64::from(min) => format!("at least {min} {unit}"),
        (_, Some(max)) if count > u64::from(max) => format!("at most {max} {unit}"),
        _ => return,
    };
    out.push(issue(at, Want::Text(want), value));
}

/// The issues of a failed `anyOf`/`oneOf`: those of the branch that got furthest into the value
/// when one got past it, or else one issue saying what the branches accept.
fn explain_alternatives(results: Vec<Vec<Issue>>, value: &Value, at: &str) -> Vec<Issue> {
    // How far into the value an issue is: a missing property is an issue of its object.
    let reach = |issue: &Issue| match issue.want {
        Want::Property(_) => issue.pointer.rfind('/').unwrap_or(0),
        _ => issue.pointer.len(),
    };
    let deepest = |issues: &Vec<Issue>| issues.iter().map(reach).max().unwrap_or(0);
    let furthest = results.iter().max_by_key(|issues| deepest(issues));
    if let Some(branch) = furthest
        && deepest(branch) > at.len()
    {
        return branch.clone();
    }
    let wants = results
        .into_iter()
        .map(|issues| {
            let here: Vec<Want> = issues.into_iter().map(|i| i.want).collect();
            match here.as_slice() {
                [one] => one.clone(),
                _ => Want::Alternatives(vec![Want::Text(
                    here.iter().map(describe).collect::<Vec<_>>().join(" and "),
                )]),
            }
        })
        .collect();
    vec![issue(at, Want::Alternatives(wants), value)]
}

/// What a want says, in words.
fn describe(want: &Want) -> String {
    match want {
        Want::Types(types) => types
            .iter()
            .map(|t| type_name(*t))
            .collect::<Vec<_>>()
            .join(" or "),
        Want::Values(values) if values.len() == 1 => values[0].to_string(),
        Want::Values(values) => format!("one of {}", listed(values)),
        Want::Property(name) => format!("the required property {}", Value::from(name.as_str())),
        Want::Text(text) => text.clone(),
        Want::Alternatives(wants) => alternatives(wants),
    }
}

/// The alternatives of a failed `anyOf`, flattened: listed values merge into one list, and a
/// plain string next to them reads as `a string such as "a", "b"` (an open enum).
fn alternatives(wants: &[Want]) -> String {
    let mut values: Vec<Value> = Vec::new();
    let mut others: Vec<String> = Vec::new();
    fn collect(want: &Want, values: &mut Vec<Value>, others: &mut Vec<String>) {
        match want {
            Want::Values(listed) => {
                for value in listed {
                    if !values.contains(value) {
                        values.push(value.clone());
                    }
                }
            }
            Want::Alternatives(nested) => {
                for want in nested {
                    collect(want, values, others);
                }
            }
            other => {
                let text = describe(other);
                if !others.contains(&text) {
                    others.push(text);
                }
            }
        }
    }
    for want in wants {
        collect(want, &mut values, &mut others);
    }
    if !values.is_empty() {
        if let Some(at) = others.iter().position(|o| o == "a string") {
            others.remove(at);
            others.insert(0, format!("a string such as {}", listed(&values)));
        } else {
            others.insert(0, format!("one of {}", listed(&values)));
        }
    }
    match others.len() {
        0 => "one of the schema's alternatives".into(),
        _ => others.join(", or "),
    }
}

/// Values as a list a line can hold: the first few and how many there are.
fn listed(values: &[Value]) -> String {
    const MOST: usize = 5;
    let shown: Vec<String> = values.iter().map(Value::to_string).collect();
    if shown.len() <= MOST {
        shown.join(", ")
    } else {
        format!(
            "{}, ... ({} known values)",
            shown[..MOST - 1].join(", "),
            shown.len()
        )
    }
}

fn issue(at: &str, want: Want, value: &Value) -> Issue {
    Issue {
        pointer: at.to_string(),
        want,
        found: found(at, value),
    }
}

/// Whether a value is of a JSON Schema type (an integer is a number without a fraction).
fn is_type(value: &Value, wanted: InstanceType) -> bool {
    match wanted {
        InstanceType::Null => value.is_null(),
        InstanceType::Boolean => value.is_boolean(),
        InstanceType::Object => value.is_object(),
        InstanceType::Array => value.is_array(),
        InstanceType::String => value.is_string(),
        InstanceType::Number => value.is_number(),
        InstanceType::Integer => {
            value.is_i64() || value.is_u64() || value.as_f64().is_some_and(|n| n.fract() == 0.0)
        }
    }
}

/// `a string`, `an integer`, `null`.
fn type_name(t: InstanceType) -> String {
    match t {
        InstanceType::Null => "null".into(),
        InstanceType::Boolean => "a boolean".into(),
        InstanceType::Object => "an object".into(),
        InstanceType::Array => "an array".into(),
        InstanceType::Number => "a number".into(),
        InstanceType::String => "a string".into(),
        InstanceType::Integer => "an integer".into(),
    }
}

/// JSON equality, numbers compared as numbers (`1` and `1.0` are the same value).
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(x, y)| same(x, y))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w)))
        }
        _ => a == b,
    }
}

/// A bound as a person writes it: `500`, not `500.0`.
fn number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        n.to_string()
    }
}

/// `pointer` with one more segment, escaped as RFC 6901 says.
fn child(pointer: &str, name: &str) -> String {
    format!("{pointer}/{}", name.replace('~', "~0").replace('/', "~1"))
}

/// What a value is, short and safe to print: its type and, unless the place looks like a
/// secret, an excerpt of it on one line.
fn found(pointer: &str, value: &Value) -> String {
    let secret = pointer
        .rsplit('/')
        .next()
        .map(str::to_ascii_lowercase)
        .is_some_and(|name| {
            ["password", "secret", "token", "key", "credential"]
                .iter()
                .any(|word| name.contains(word))
        });
    match value {
        Value::Null => "null".into(),
        Value::Bool(b) => format!("{b}"),
        Value::Number(_) if secret => "a number".into(),
        Value::Number(n) => format!("the number {n}"),
        Value::String(s) if secret => format!("a string of {} characters", s.chars().count()),
        Value::String(s) => format!("the string {}", excerpt(s)),
        Value::Array(items) if items.len() == 1 => "an array of 1 item".into(),
        Value::Array(items) => format!("an array of {} items", items.len()),
        Value::Object(map) if map.len() == 1 => "an object with 1 property".into(),
        Value::Object(map) => format!("an object with {} properties", map.len()),
    }
}

/// A string as JSON, one line, cut at 60 characters.
fn excerpt(text: &str) -> String {
    const MAX: usize = 60;
    let short: String = text.chars().take(MAX).collect();
    let quoted = serde_json::to_string(&short).unwrap_or_default();
    let quoted = agentrun_runtime::one_line(&quoted);
    if text.chars().count() > MAX {
        format!("{quoted}...")
    } else {
        quoted
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn check(schema: Value, value: Value) -> Vec<String> {
        let root: RootSchema = serde_json::from_value(schema).unwrap();
        problems(&root, &value)
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    #[test]
    fn types_integers_and_values() {
        assert_eq!(
            check(json!({"type": "integer"}), json!(3.0)),
            Vec::<String>::new()
        );
        assert_eq!(
            check(json!({"type": "integer"}), json!(3.5)),
            ["at /: expected an integer, found the number 3.5"]
        );
        assert_eq!(
            check(json!({"type": ["string", "null"]}), json!(true)),
            ["at /: expected a string or null, found true"]
        );
        // The listed values say more than the type.
        assert_eq!(
            check(json!({"type": "string", "enum": ["a", "b"]}), json!(1)),
            ["at /: expected one of \"a\", \"b\", found the number 1"]
        );
        assert_eq!(
            check(json!({"enum": [1]}), json!(1.0)),
            Vec::<String>::new()
        );
    }

    #[test]
    fn bounds_lengths_patterns_and_items() {
        let schema = json!({"type": "object", "properties": {
            "n": {"type": "integer", "minimum": 1, "maximum": 500, "multipleOf": 5},
            "s": {"type": "string", "minLength": 2, "maxLength": 3, "pattern": "^[a-z]+$"},
            "l": {"type": "array", "items": {"type": "string"}, "maxItems": 1, "uniqueItems": true}}});
        assert_eq!(
            check(schema.clone(), json!({"n": 501, "s": "é", "l": ["a", 1]})),
            [
                "at /n: expected at most 500, found the number 501",
                "at /n: expected a multiple of 5, found the number 501",
                "at /s: expected at least 2 characters, found the string \"é\"",
                "at /s: expected text matching /^[a-z]+$/, found the string \"é\"",
                "at /l/1: expected a string, found the number 1",
                "at /l: expected at most 1 items, found an array of 2 items",
            ]
        );
        assert_eq!(
            check(schema, json!({"n": 5, "s": "ab", "l": ["a"]})),
            Vec::<String>::new()
        );
    }

    #[test]
    fn objects_refs_and_alternatives() {
        let schema = json!({
            "type": "object",
            "required": ["model"],
            "anyOf": [{"required": ["userId"]}, {"required": ["userEmail"]}],
            "properties": {
                "model": {"$ref": "#/definitions/Model"},
                "userId": {"type": "string"},
                "userEmail": {"type": "string"},
                "step": {"anyOf": [{"$ref": "#/definitions/Step"}, {"type": "null"}]}},
            "additionalProperties": false,
            "definitions": {
                "Model": {"anyOf": [{"type": "string", "enum": ["a", "b"]}, {"type": "string"}]},
                "Step": {"type": "object", "required": ["kind"],
                         "properties": {"kind": {"type": "string"}}}}});
        assert_eq!(
            check(schema.clone(), json!({"model": 3, "userId": "u", "x": 1})),
            [
                "at /model: expected a string such as \"a\", \"b\", found the number 3",
                "at /x: expected no such property (the schema lists every one), found one",
            ]
        );
        // The branch that got into the value explains it.
        assert_eq!(
            check(
                schema.clone(),
                json!({"model": "c", "userEmail": "e", "step": {"kind": 1}})
            ),
            ["at /step/kind: expected a string, found the number 1"]
        );
        assert_eq!(
            check(schema, json!({"model": "a"})),
            [
                "at /: expected the required property \"userId\", or the required property \"userEmail\", found an object with 1 property"
            ]
        );
    }

    #[test]
    fn a_secret_looking_place_shows_no_value() {
        let schema =
            json!({"properties": {"password": {"type": "string"}, "apiKey": {"type": "string"}}});
        let text = check(schema, json!({"password": ["hunter2"], "apiKey": 123456})).join("; ");
        assert!(
            !text.contains("hunter2") && !text.contains("123456"),
            "{text}"
        );
        assert!(text.contains("found an array of 1 item"), "{text}");
    }

    #[test]
    fn a_schema_that_refers_to_itself_ends() {
        let schema =
            json!({"$ref": "#/definitions/A", "definitions": {"A": {"$ref": "#/definitions/A"}}});
        let found = check(schema, json!(1));
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].contains("refer to itself"), "{found:?}");
    }
}
