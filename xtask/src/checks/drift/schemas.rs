//! Schemas compared by the side they are on: what a client sends or what it reads.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::rules::Limit;
use super::{At, Differ, Rule, Side};
use crate::normalize::walk::ref_name;
use crate::read::document::escape_segment;

/// Picks the rule for the side a change is on.
pub(super) fn by_side(side: Side, request: Rule, response: Rule) -> Rule {
    match side {
        Side::Request => request,
        Side::Response => response,
    }
}

impl Differ<'_> {
    /// Compares two schemas at `at`. A component reached through a reference is compared once
    /// per side, at the component, so a change in a shared schema is reported once.
    pub(super) fn schema(&mut self, side: Side, at: &At, old: &Value, new: &Value) {
        // Nullability belongs to the wrappers around a reference as much as to what it names,
        // so it is judged once, here, through the references.
        let (old_null, new_null) = (
            nullable_through(self.old, old),
            nullable_through(self.new, new),
        );
        match (side, old_null, new_null) {
            (Side::Request, true, false) => {
                self.push(Rule::RequestNullRemoved, at, "no longer accepts null")
            }
            (Side::Request, false, true) => {
                self.push(Rule::RequestNullAdded, at, "now accepts null")
            }
            (Side::Response, false, true) => {
                self.push(Rule::ResponseNullAdded, at, "may now be null")
            }
            (Side::Response, true, false) => {
                self.push(Rule::ResponseNullRemoved, at, "is never null now")
            }
            _ => {}
        }
        self.schema_not_null(side, at, old, new);
    }

    /// [`Differ::schema`] once nullability is judged: references followed, bodies compared.
    fn schema_not_null(&mut self, side: Side, at: &At, old: &Value, new: &Value) {
        let (old, new) = (unwrap(old), unwrap(new));
        let old_ref = old.get("$ref").and_then(Value::as_str).and_then(ref_name);
        let new_ref = new.get("$ref").and_then(Value::as_str).and_then(ref_name);
        if old_ref.is_none() && new_ref.is_none() {
            return self.schema_body(side, at, old, new);
        }
        let pair = (
            old_ref.unwrap_or("").to_string(),
            new_ref.unwrap_or("").to_string(),
            side,
        );
        if !self.seen.insert(pair) {
            return;
        }
        // The same component on both sides is reported at the component; a reference
        // inlined, extracted or renamed is compared where it is used.
        let at = match (old_ref, new_ref) {
            (Some(o), Some(n)) if o == n => At::new(
                format!("schema {o}"),
                format!("/components/schemas/{}", escape_segment(o)),
            ),
            _ => at.clone(),
        };
        let (old, new) = (resolve(self.old, old), resolve(self.new, new));
        self.schema_not_null(side, &at, old, new);
    }

    fn schema_body(&mut self, side: Side, at: &At, old: &Value, new: &Value) {
        // A schema composed with `allOf` is compared as the one object it describes.
        let (old_flat, new_flat) = (
            flatten_all_of(self.old, old, 0),
            flatten_all_of(self.new, new, 0),
        );
        if old_flat.is_some() || new_flat.is_some() {
            let old = old_flat.as_ref().unwrap_or(old);
            let new = new_flat.as_ref().unwrap_or(new);
            return self.schema_body(side, at, old, new);
        }
        if is_open_enum(old) && is_open_enum(new) {
            return self.enum_values(side, at, old, new, true);
        }
        // A union narrowed to one of its branches (`oneOf: [A, B]` to `A`), or a schema
        // widened into an `anyOf` that holds it, is compared as the union it was or became:
        // the other branches are variants removed or added. (A schema wrapped in a `oneOf`
        // stays a change of type: a value that matches two branches fails a `oneOf`.)
        for key in ["oneOf", "anyOf"] {
            let union = |s: &Value| {
                s.get(key)
                    .and_then(Value::as_array)
                    .is_some_and(|b| b.len() > 1)
            };
            let alone = |s: &Value| serde_json::json!({ key: [s.clone()] });
            match (union(old), union(new)) {
                (true, false) if new.get(key).is_none() => {
                    return self.unions(side, at, old, &alone(new));
                }
                (false, true) if key == "anyOf" && old.get(key).is_none() => {
                    return self.unions(side, at, &alone(old), new);
                }
                _ => {}
            }
        }
        let (old_type, new_type) = (type_name(old), type_name(new));
        if old_type != new_type {
            // An integer is a number: widening what a client sends, or narrowing what it
            // reads, breaks nothing.
            let rule = match (side, old_type.as_str(), new_type.as_str()) {
                (Side::Request, "integer", "number") => Rule::RequestTypeWidened,
                (Side::Response, "number", "integer") => Rule::ResponseTypeNarrowed,
                _ => by_side(side, Rule::RequestTypeChanged, Rule::ResponseTypeChanged),
            };
            return self.push(
                rule,
                at,
                format!("type changed from {old_type} to {new_type}"),
            );
        }
        self.format(side, at, old, new);
        self.constraints(side, at, old, new);
        self.validation(side, at, old, new);
        self.enum_values(side, at, old, new, false);
        self.properties(side, at, old, new);
        for (key, label) in [("items", "[]"), ("additionalProperties", "{*}")] {
            if let (Some(o), Some(n)) = (old.get(key), new.get(key))
                && o.is_object()
                && n.is_object()
            {
                self.schema(side, &at.child(label, &[key]), o, n);
            }
        }
        self.unions(side, at, old, new);
    }

    fn format(&mut self, side: Side, at: &At, old: &Value, new: &Value) {
        let format = |s: &Value| s.get("format").and_then(Value::as_str).map(str::to_string);
        let (old_format, new_format) = (format(old), format(new));
        if old_format == new_format {
            return;
        }
        let formats = (old_format.as_deref(), new_format.as_deref());
        // Dropping a format accepts any value of the old one; a wider number holds the
        // narrower one.
        let widens = matches!(
            formats,
            (Some(_), None) | (Some("int32"), Some("int64")) | (Some("float"), Some("double"))
        );
        let narrows = matches!(
            formats,
            (None, Some(_)) | (Some("int64"), Some("int32")) | (Some("double"), Some("float"))
        );
        let rule = match side {
            Side::Request if widens => Rule::RequestFormatWidened,
            Side::Request => Rule::RequestFormatChanged,
            Side::Response if narrows => Rule::ResponseFormatNarrowed,
            Side::Response => Rule::ResponseFormatChanged,
        };
        let show = |f: Option<String>| f.unwrap_or_else(|| "none".into());
        self.push(
            rule,
            at,
            format!(
                "format changed from {} to {}",
                show(old_format),
                show(new_format)
            ),
        );
    }

    /// Limits on values: a tighter one refuses what a client sent before (breaking in a
    /// request), a looser one lets through what a client did not expect (breaking in a
    /// response); the other direction breaks nothing.
    fn constraints(&mut self, side: Side, at: &At, old: &Value, new: &Value) {
        let number = |s: &Value, key: &str| s.get(key).and_then(Value::as_f64);
        for limit in Limit::UPPER.into_iter().chain(Limit::LOWER) {
            let key = limit.keyword();
            let (o, n) = (number(old, key), number(new, key));
            let upper = Limit::UPPER.contains(&limit);
            let tighter = match (o, n) {
                (None, Some(_)) => true,
                (Some(_), None) => false,
                (Some(o), Some(n)) if o != n => (upper && n < o) || (!upper && n > o),
                _ => continue,
            };
            let show = |v: Option<f64>| v.map_or_else(|| "none".to_string(), |v| v.to_string());
            self.limit(
                side,
                at,
                limit,
                tighter,
                format!("`{key}` changed from {} to {}", show(o), show(n)),
            );
        }
        let flag = |s: &Value, key: &str| s.get(key) == Some(&Value::Bool(true));
        for limit in Limit::FLAGS {
            let key = limit.keyword();
            let (o, n) = (flag(old, key), flag(new, key));
            if o != n {
                self.limit(side, at, limit, n, format!("`{key}` is now {n}"));
            }
        }
        let number = |s: &Value| s.get("multipleOf").and_then(Value::as_f64);
        match (number(old), number(new)) {
            (o, n) if o == n => {}
            (o, n) => {
                // A multiple of the old step only admits values the old one did.
                let tighter = match (o, n) {
                    (Some(o), Some(n)) => (n / o).fract() == 0.0,
                    (old, _) => old.is_none(),
                };
                let looser =
                    matches!((o, n), (Some(o), Some(n)) if (o / n).fract() == 0.0) || n.is_none();
                let show = |v: Option<f64>| v.map_or_else(|| "none".to_string(), |v| v.to_string());
                let what = format!("`multipleOf` changed from {} to {}", show(o), show(n));
                // Neither admits all of the other's values: breaking on both sides, tighter
                // for what a client sends and looser for what it reads.
                let tighter = tighter || (!looser && side == Side::Request);
                self.limit(side, at, Limit::MultipleOf, tighter, what);
            }
        }
        // `pattern: ""` matches every string: it is no pattern.
        let (o, n) = (pattern(old), pattern(new));
        if o != n {
            // A pattern removed accepts more; one added or changed may refuse what passed.
            let rule = match (side, o.is_some(), n.is_some()) {
                (Side::Request, true, false) => Rule::RequestPatternRemoved,
                (Side::Request, _, _) => Rule::RequestPatternChanged,
                (Side::Response, false, true) => Rule::ResponsePatternAdded,
                (Side::Response, _, _) => Rule::ResponsePatternChanged,
            };
            self.push(rule, at, "`pattern` changed");
        }
    }

    /// A limit made tighter or looser, judged by side.
    fn limit(&mut self, side: Side, at: &At, limit: Limit, tighter: bool, what: String) {
        self.push(limit.rule(side, tighter), at, what);
    }

    /// Enum values; an open enum (any string accepted besides the listed ones) lets a
    /// response gain values without breaking old clients.
    fn enum_values(&mut self, side: Side, at: &At, old: &Value, new: &Value, open: bool) {
        let (old_values, new_values) = (enum_values(old), enum_values(new));
        // Every string enum is generated open (`open_enums.rs`): an unlisted value is read.
        let opened = open || (string_enum(old) && is_type(new, "string"));
        match (old_values.is_empty(), new_values.is_empty()) {
            (true, true) => return,
            (true, false) if !open => {
                let rule = by_side(
                    side,
                    Rule::RequestValuesRestricted,
                    Rule::ResponseValuesRestricted,
                );
                let listed: Vec<&str> = new_values.iter().map(String::as_str).collect();
                return self.push(rule, at, format!("values limited to {}", listed.join(", ")));
            }
            (false, true) if !open => {
                let rule = match side {
                    Side::Request => Rule::RequestValuesUnrestricted,
                    Side::Response if opened => Rule::ResponseOpenEnumUnrestricted,
                    Side::Response => Rule::ResponseValuesUnrestricted,
                };
                return self.push(rule, at, "values no longer limited to a list");
            }
            _ => {}
        }
        if side == Side::Response
            && !old_values.is_empty()
            && !new_values.is_empty()
            && old_values.is_disjoint(&new_values)
        {
            // An open enum reads the new values, but as `Unknown`: none of them is one the old
            // client knows (a `const` changed, say).
            let list = |values: &BTreeSet<String>| {
                values
                    .iter()
                    .map(|v| format!("`{v}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            let what = format!(
                "values {} replaced by {}",
                list(&old_values),
                list(&new_values)
            );
            return self.push(Rule::ResponseEnumValuesReplaced, at, what);
        }
        for value in old_values.difference(&new_values) {
            let rule = by_side(
                side,
                Rule::RequestEnumValueRemoved,
                Rule::ResponseEnumValueRemoved,
            );
            self.push(rule, at, format!("enum value `{value}` removed"));
        }
        for value in new_values.difference(&old_values) {
            let rule = match side {
                Side::Request => Rule::RequestEnumValueAdded,
                Side::Response if opened => Rule::ResponseOpenEnumValueAdded,
                Side::Response => Rule::ResponseEnumValueAdded,
            };
            self.push(rule, at, format!("enum value `{value}` added"));
        }
    }

    fn properties(&mut self, side: Side, at: &At, old: &Value, new: &Value) {
        // A read-only field is never sent and a write-only one never read.
        let hidden = match side {
            Side::Request => "readOnly",
            Side::Response => "writeOnly",
        };
        let visible = |schema: &Value| -> BTreeMap<String, Value> {
            schema
                .get("properties")
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
                .filter(|(_, p)| p.get(hidden) != Some(&Value::Bool(true)))
                .map(|(name, p)| (name.clone(), p.clone()))
                .collect()
        };
        let (old_props, new_props) = (visible(old), visible(new));
        let (old_required, new_required) = (required_fields(old), required_fields(new));
        // A field that is still there but hidden on this side now (or no longer).
        let listed = |schema: &Value, name: &str| {
            schema.get("properties").and_then(|p| p.get(name)).is_some()
        };
        for (name, old_prop) in &old_props {
            let Some(new_prop) = new_props.get(name) else {
                let (rule, what) = match (side, listed(new, name)) {
                    (Side::Request, true) => (
                        Rule::RequestPropertyBecameReadOnly,
                        "field became read-only",
                    ),
                    (Side::Response, true) => (
                        Rule::ResponsePropertyBecameWriteOnly,
                        "field became write-only",
                    ),
                    (side, false) => (
                        by_side(
                            side,
                            Rule::RequestPropertyRemoved,
                            Rule::ResponsePropertyRemoved,
                        ),
                        "field removed",
                    ),
                };
                self.push(
                    rule,
                    &at.child(&format!(".{name}"), &["properties", name]),
                    what,
                );
                continue;
            };
            let here = at.child(&format!(".{name}"), &["properties", name]);
            let (was, is) = (old_required.contains(name), new_required.contains(name));
            match (side, was, is) {
                (Side::Request, false, true) => self.push(
                    Rule::RequestPropertyBecameRequired,
                    &here,
                    "field became required",
                ),
                (Side::Request, true, false) => self.push(
                    Rule::RequestPropertyBecameOptional,
                    &here,
                    "field became optional",
                ),
                (Side::Response, true, false) => self.push(
                    Rule::ResponsePropertyBecameOptional,
                    &here,
                    "field may now be missing",
                ),
                (Side::Response, false, true) => self.push(
                    Rule::ResponsePropertyBecameRequired,
                    &here,
                    "field is always present now",
                ),
                _ => {}
            }
            if side == Side::Request && !is {
                self.default_value(&here, old_prop, new_prop);
            }
            self.schema(side, &here, old_prop, new_prop);
        }
        for (name, new_prop) in &new_props {
            if old_props.contains_key(name) {
                continue;
            }
            let here = at.child(&format!(".{name}"), &["properties", name]);
            let ty = type_name(unwrap(new_prop));
            if listed(old, name) {
                let (rule, what) = match (side, new_required.contains(name)) {
                    (Side::Request, true) => (
                        Rule::RequestPropertyRequiredAdded,
                        "no longer read-only, and required",
                    ),
                    (Side::Request, false) => {
                        (Rule::RequestPropertyNoLongerReadOnly, "no longer read-only")
                    }
                    (Side::Response, _) => (
                        Rule::ResponsePropertyNoLongerWriteOnly,
                        "no longer write-only",
                    ),
                };
                self.push(rule, &here, what);
                continue;
            }
            match (side, new_required.contains(name)) {
                (Side::Request, true) => self.push(
                    Rule::RequestPropertyRequiredAdded,
                    &here,
                    format!("required field added ({ty})"),
                ),
                (Side::Request, false) => self.push(
                    Rule::RequestPropertyOptionalAdded,
                    &here,
                    format!("optional field added ({ty})"),
                ),
                (Side::Response, _) => self.push(
                    Rule::ResponsePropertyAdded,
                    &here,
                    format!("field added ({ty})"),
                ),
            }
        }
    }

    /// The value the API uses when an old client leaves an optional value out.
    pub(super) fn default_value(&mut self, at: &At, old: &Value, new: &Value) {
        let (o, n) = (default_of(self.old, old), default_of(self.new, new));
        if o != n {
            let show = |v: Option<&Value>| v.map(Value::to_string).unwrap_or_else(|| "none".into());
            self.push(
                Rule::RequestDefaultChanged,
                at,
                format!("default changed from {} to {}", show(o), show(n)),
            );
        }
    }

    /// A union's discriminator: the property that names the variant, and the values it maps.
    fn discriminator(&mut self, side: Side, at: &At, old: &Value, new: &Value) {
        let property = |s: &Value| {
            s.pointer("/discriminator/propertyName")
                .and_then(Value::as_str)
                .map(str::to_string)
        };
        let here = at.child("discriminator", &["discriminator"]);
        match (property(old), property(new)) {
            (None, None) => return,
            (None, Some(name)) => {
                let rule = by_side(
                    side,
                    Rule::RequestDiscriminatorAdded,
                    Rule::ResponseDiscriminatorAdded,
                );
                return self.push(rule, &here, format!("discriminator `{name}` added"));
            }
            (Some(name), None) => {
                let rule = by_side(
                    side,
                    Rule::RequestDiscriminatorRemoved,
                    Rule::ResponseDiscriminatorRemoved,
                );
                return self.push(rule, &here, format!("discriminator `{name}` removed"));
            }
            (Some(o), Some(n)) if o != n => {
                let rule = by_side(
                    side,
                    Rule::RequestDiscriminatorPropertyChanged,
                    Rule::ResponseDiscriminatorPropertyChanged,
                );
                return self.push(
                    rule,
                    &here,
                    format!("discriminator property changed from `{o}` to `{n}`"),
                );
            }
            _ => {}
        }
        // Mapped values by key; a value retargeted at another schema is compared through the
        // variants (a component renamed is no change).
        let keys = |s: &Value| -> BTreeSet<String> {
            s.pointer("/discriminator/mapping")
                .and_then(Value::as_object)
                .map(|m| m.keys().cloned().collect())
                .unwrap_or_default()
        };
        let (old_keys, new_keys) = (keys(old), keys(new));
        let mapping = here.child("mapping", &["mapping"]);
        for value in old_keys.difference(&new_keys) {
            let rule = by_side(
                side,
                Rule::RequestDiscriminatorValueRemoved,
                Rule::ResponseDiscriminatorValueRemoved,
            );
            self.push(rule, &mapping, format!("value `{value}` no longer mapped"));
        }
        for value in new_keys.difference(&old_keys) {
            let rule = by_side(
                side,
                Rule::RequestDiscriminatorValueAdded,
                Rule::ResponseDiscriminatorValueAdded,
            );
            self.push(rule, &mapping, format!("value `{value}` mapped"));
        }
    }

    fn unions(&mut self, side: Side, at: &At, old: &Value, new: &Value) {
        self.discriminator(side, at, old, new);
        for key in ["oneOf", "anyOf"] {
            let branches = |s: &Value| -> Vec<Value> {
                s.get(key)
                    .and_then(Value::as_array)
                    .cloned()
                    .unwrap_or_default()
            };
            let (old_branches, new_branches) = (branches(old), branches(new));
            let pairs = pair_branches(&old_branches, &new_branches);
            for (o, n) in &pairs {
                match n {
                    Some(i) => {
                        let here = at.child(&format!("{key}[{i}]"), &[key, &i.to_string()]);
                        self.schema(side, &here, &old_branches[*o], &new_branches[*i]);
                    }
                    None => {
                        let rule = by_side(
                            side,
                            Rule::RequestVariantRemoved,
                            Rule::ResponseVariantRemoved,
                        );
                        let label = type_name(&old_branches[*o]);
                        self.push(rule, at, format!("{key} variant {label} removed"));
                    }
                }
            }
            for (i, n) in new_branches.iter().enumerate() {
                if !pairs.iter().any(|(_, paired)| *paired == Some(i)) {
                    let rule = by_side(side, Rule::RequestVariantAdded, Rule::ResponseVariantAdded);
                    self.push(rule, at, format!("{key} variant {} added", type_name(n)));
                }
            }
        }
    }
}

/// Pairs each old union branch with the new branch it became, if any: an identical branch
/// first, else the one of the same type sharing the most field names, so reordering branches
/// changes nothing.
fn pair_branches(old: &[Value], new: &[Value]) -> Vec<(usize, Option<usize>)> {
    let mut taken = vec![false; new.len()];
    let mut pairs: Vec<(usize, Option<usize>)> = (0..old.len()).map(|i| (i, None)).collect();
    for (o, paired) in pairs.iter_mut() {
        if let Some(i) = (0..new.len()).find(|&i| !taken[i] && new[i] == old[*o]) {
            taken[i] = true;
            *paired = Some(i);
        }
    }
    let names = |s: &Value| -> BTreeSet<String> {
        s.get("properties")
            .and_then(Value::as_object)
            .map(|p| p.keys().cloned().collect())
            .unwrap_or_default()
    };
    for (o, paired) in pairs.iter_mut().filter(|(_, p)| p.is_none()) {
        let label = type_name(&old[*o]);
        let fields = names(&old[*o]);
        let best = (0..new.len())
            .filter(|&i| !taken[i] && type_name(&new[i]) == label)
            .max_by_key(|&i| (fields.intersection(&names(&new[i])).count(), usize::MAX - i));
        if let Some(i) = best {
            taken[i] = true;
            *paired = Some(i);
        }
    }
    pairs
}

/// A body's or a response's media types, by lower-case name without parameters
/// (`application/json; charset=utf-8` is `application/json`): the key as written and the schema.
pub(super) fn media_types(holder: &Value) -> BTreeMap<String, (String, Option<Value>)> {
    holder
        .get("content")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .map(|(key, media)| {
            let name = key
                .split(';')
                .next()
                .unwrap_or(key)
                .trim()
                .to_ascii_lowercase();
            (name, (key.clone(), media.get("schema").cloned()))
        })
        .collect()
}

pub(super) fn is_required(holder: &Value) -> bool {
    holder.get("required") == Some(&Value::Bool(true))
}

fn is_nullable(schema: &Value) -> bool {
    schema.get("nullable") == Some(&Value::Bool(true))
}

/// Whether a schema or a wrapper it stands for (`allOf` of one) admits null, without
/// following references.
fn wrapped_nullable(schema: &Value) -> bool {
    let mut current = schema;
    loop {
        if is_nullable(current) {
            return true;
        }
        let inner = transparent(current);
        if std::ptr::eq(inner, current) {
            return false;
        }
        current = inner;
    }
}

/// Whether a schema admits null: it, a wrapper it stands for, or a schema it refers to.
fn nullable_through(doc: &Value, schema: &Value) -> bool {
    let mut current = schema;
    // A reference cycle of wrappers admits nothing new after a few steps.
    for _ in 0..32 {
        if wrapped_nullable(current) {
            return true;
        }
        let inner = unwrap(current);
        if inner.get("$ref").is_none() {
            return false;
        }
        let next = resolve(doc, inner);
        if std::ptr::eq(next, inner) {
            return false;
        }
        current = next;
    }
    false
}

fn required_fields(schema: &Value) -> BTreeSet<String> {
    schema
        .get("required")
        .and_then(Value::as_array)
        .map(|r| {
            r.iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

/// A schema that only wraps one other (`allOf`, `anyOf` or `oneOf` of one, nullable or not)
/// stands for that other.
fn transparent(schema: &Value) -> &Value {
    for key in ["allOf", "anyOf", "oneOf"] {
        if let Some(all) = schema.get(key).and_then(Value::as_array)
            && all.len() == 1
            && schema.get("properties").is_none()
        {
            return &all[0];
        }
    }
    schema
}

/// The schema a chain of one-branch wrappers stands for.
fn unwrap(schema: &Value) -> &Value {
    let mut current = schema;
    loop {
        let inner = transparent(current);
        if std::ptr::eq(inner, current) {
            return current;
        }
        current = inner;
    }
}

fn resolve<'a>(doc: &'a Value, schema: &'a Value) -> &'a Value {
    static EMPTY: Value = Value::Null;
    match schema
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(ref_name)
    {
        Some(name) => doc
            .pointer(&format!("/components/schemas/{}", escape_segment(name)))
            .unwrap_or(&EMPTY),
        None => schema,
    }
}

/// The one object an `allOf` of several schemas (or of one next to its own properties)
/// describes: properties and required fields merged, references followed. `None` when the
/// schema is not such a composition.
fn flatten_all_of(doc: &Value, schema: &Value, depth: usize) -> Option<Value> {
    let members = schema.get("allOf").and_then(Value::as_array)?;
    if members.len() < 2 && schema.get("properties").is_none() || depth > 8 {
        return None;
    }
    let mut merged = schema.clone();
    let fields = merged.as_object_mut()?;
    fields.remove("allOf");
    for member in members {
        let member = resolve(doc, unwrap(member));
        let member = flatten_all_of(doc, member, depth + 1).unwrap_or_else(|| member.clone());
        let Some(member) = member.as_object() else {
            continue;
        };
        // A member still composed is one past the depth limit, or one that reaches itself:
        // what it adds is merged already, and copying its `allOf` would make the merged schema
        // composed again, for ever.
        crate::normalize::walk::merge_member(fields, member, &["allOf"]);
    }
    Some(merged)
}

/// A value's default, on it, on a wrapper or on the component it names.
fn default_of<'a>(doc: &'a Value, schema: &'a Value) -> Option<&'a Value> {
    let mut current = schema;
    for _ in 0..16 {
        if let Some(default) = current.get("default") {
            return Some(default);
        }
        let inner = transparent(current);
        current = if !std::ptr::eq(inner, current) {
            inner
        } else if current.get("$ref").is_some() {
            resolve(doc, current)
        } else {
            return None;
        };
    }
    None
}

/// The listed values of an enum, an open enum's branches included, as text.
fn enum_values(schema: &Value) -> BTreeSet<String> {
    let mut values = BTreeSet::new();
    let mut add = |s: &Value| {
        for key in ["enum", "x-extensible-enum"] {
            for value in s.get(key).and_then(Value::as_array).into_iter().flatten() {
                values.insert(
                    value
                        .as_str()
                        .map(str::to_string)
                        .unwrap_or_else(|| value.to_string()),
                );
            }
        }
    };
    add(schema);
    if is_open_enum(schema) {
        for key in ["anyOf", "oneOf"] {
            schema
                .get(key)
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .for_each(&mut add);
        }
    }
    values
}

/// An enum of strings: the generated client reads it as an open enum, whose `Unknown`
/// variant holds a value the document does not list.
fn string_enum(schema: &Value) -> bool {
    let values = schema.get("enum").and_then(Value::as_array);
    values.is_some_and(|v| {
        v.iter().any(Value::is_string) && v.iter().all(|v| v.is_string() || v.is_null())
    }) && (schema.get("type").is_none() || is_type(schema, "string"))
}

/// Whether a schema's `type` is `ty`.
fn is_type(schema: &Value, ty: &str) -> bool {
    schema.get("type").and_then(Value::as_str) == Some(ty)
}

/// An enum that admits any string besides the listed values: `x-extensible-enum`, our
/// `x-agentrun-open-enum`, or a union of listed strings and a plain string.
fn is_open_enum(schema: &Value) -> bool {
    if schema.get("x-extensible-enum").is_some() || schema.get("x-agentrun-open-enum").is_some() {
        return true;
    }
    ["anyOf", "oneOf"].iter().any(|key| {
        let branches = schema.get(key).and_then(Value::as_array);
        let branches = branches.map(Vec::as_slice).unwrap_or_default();
        let plain_string = |b: &Value| {
            b.get("type").and_then(Value::as_str) == Some("string")
                && ["enum", "format", "pattern", "maxLength", "minLength"]
                    .iter()
                    .all(|k| b.get(k).is_none())
        };
        branches.iter().any(plain_string) && branches.iter().any(|b| b.get("enum").is_some())
    })
}

/// A schema's `pattern`, where `pattern: ""`, which every string matches, is none.
fn pattern(schema: &Value) -> Option<&Value> {
    schema.get("pattern").filter(|p| p.as_str() != Some(""))
}

/// A short name for a schema's type, for messages and for matching union branches.
pub(super) fn type_name(schema: &Value) -> String {
    if let Some(name) = schema.get("$ref").and_then(Value::as_str) {
        return ref_name(name).unwrap_or(name).to_string();
    }
    if let Some(ty) = schema.get("type").and_then(Value::as_str) {
        return ty.to_string();
    }
    if schema.get("properties").is_some() {
        return "object".to_string();
    }
    for key in ["oneOf", "anyOf", "allOf"] {
        if schema.get(key).is_some() {
            return key.to_string();
        }
    }
    "any".to_string()
}
