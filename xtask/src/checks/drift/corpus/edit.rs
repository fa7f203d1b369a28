//! The edits a mutation is made of, applied to a `serde_json::Value` document. Pointers may
//! start with `@SUFFIX@`: the path item whose path ends with `SUFFIX` (the shortest such), so
//! the corpus follows the snapshot when its base path moves.

use serde_json::{Value, json};

use crate::read::document::escape_segment;

/// One edit of a document. Pointers may start with `@SUFFIX@`, the path item whose path ends
/// with `SUFFIX` (the shortest such path).
pub(super) enum Edit {
    /// Put a value at a pointer (its parent must exist).
    Set(String, Value),
    /// Remove what is at a pointer.
    Remove(String),
    /// Append to the array at a pointer, creating it.
    Push(String, Value),
    /// Remove a string from the array at a pointer.
    Pull(String, &'static str),
    /// Rename a key of the object at a pointer, keeping its place.
    RenameKey(String, &'static str, &'static str),
    /// Replace a text everywhere in the document's JSON (for renames across references).
    ReplaceText(&'static str, &'static str),
    /// Reverse the order of the keys of the object (or the items of the array) at a pointer.
    Reverse(String),
    /// Move what is at a pointer into a component (`/components/schemas/X`) and refer to it.
    Extract(String, &'static str),
    /// Replace the reference at a pointer with a copy of what it names.
    Inline(String),
    /// Add a path item next to the one ending in the first text, ending in the second instead.
    AddPath(&'static str, &'static str, Value),
    /// Split a component into `allOf` of a new `{Name}Base` holding the named fields and the
    /// rest: the same object, composed.
    SplitAllOf(&'static str, &'static [&'static str]),
    /// Make a component `allOf` of what it was and one more schema.
    Compose(&'static str, Value),
}

pub(super) fn set(at: impl Into<String>, value: Value) -> Edit {
    Edit::Set(at.into(), value)
}

pub(super) fn remove(at: impl Into<String>) -> Edit {
    Edit::Remove(at.into())
}

pub(super) fn push(at: impl Into<String>, value: Value) -> Edit {
    Edit::Push(at.into(), value)
}

pub(super) fn pull(at: impl Into<String>, value: &'static str) -> Edit {
    Edit::Pull(at.into(), value)
}

pub(super) fn rename(at: impl Into<String>, from: &'static str, to: &'static str) -> Edit {
    Edit::RenameKey(at.into(), from, to)
}

pub(super) fn reverse(at: impl Into<String>) -> Edit {
    Edit::Reverse(at.into())
}

impl Edit {
    pub(super) fn apply(&self, doc: &mut Value) -> Result<(), String> {
        match self {
            Edit::Set(at, value) => put(doc, &locate(doc, at)?, value.clone())?,
            Edit::Remove(at) => {
                take(doc, &locate(doc, at)?)?;
            }
            Edit::Push(at, value) => {
                let pointer = locate(doc, at)?;
                if doc.pointer(&pointer).is_none() {
                    put(doc, &pointer, json!([]))?;
                }
                target(doc, &pointer)?
                    .as_array_mut()
                    .ok_or(format!("{at}: not an array"))?
                    .push(value.clone());
            }
            Edit::Pull(at, value) => {
                let pointer = locate(doc, at)?;
                let items = target(doc, &pointer)?
                    .as_array_mut()
                    .ok_or(format!("{at}: not an array"))?;
                let before = items.len();
                items.retain(|v| v != value);
                if items.len() == before {
                    return Err(format!("{at}: no `{value}` to remove"));
                }
            }
            Edit::RenameKey(at, from, to) => {
                let pointer = locate(doc, at)?;
                let map = target(doc, &pointer)?
                    .as_object_mut()
                    .ok_or(format!("{at}: not an object"))?;
                if !map.contains_key(*from) {
                    return Err(format!("{at}: no key `{from}`"));
                }
                *map = std::mem::take(map)
                    .into_iter()
                    .map(|(k, v)| {
                        if k == *from {
                            ((*to).to_string(), v)
                        } else {
                            (k, v)
                        }
                    })
                    .collect();
            }
            Edit::ReplaceText(from, to) => {
                let text = doc.to_string();
                if !text.contains(from) {
                    return Err(format!("no `{from}` in the document"));
                }
                *doc = serde_json::from_str(&text.replace(from, to))
                    .map_err(|e| format!("replacing `{from}`: {e}"))?;
            }
            Edit::Reverse(at) => {
                let pointer = locate(doc, at)?;
                match target(doc, &pointer)? {
                    Value::Object(map) => {
                        let mut entries: Vec<(String, Value)> =
                            std::mem::take(map).into_iter().collect();
                        entries.reverse();
                        *map = entries.into_iter().collect();
                    }
                    Value::Array(items) => items.reverse(),
                    _ => return Err(format!("{at}: nothing to reorder")),
                }
            }
            Edit::Extract(at, component) => {
                let pointer = locate(doc, at)?;
                let value = target(doc, &pointer)?.take();
                let (holder, _) = split(component)?;
                if doc.pointer(&holder).is_none() {
                    put(doc, &holder, json!({}))?;
                }
                put(doc, component, value)?;
                put(doc, &pointer, json!({"$ref": format!("#{component}")}))?;
            }
            Edit::Inline(at) => {
                let pointer = locate(doc, at)?;
                let reference = doc
                    .pointer(&format!("{pointer}/$ref"))
                    .and_then(Value::as_str)
                    .ok_or(format!("{at}: not a reference"))?;
                let named = doc
                    .pointer(reference.trim_start_matches('#'))
                    .cloned()
                    .ok_or(format!("{at}: `{reference}` names nothing"))?;
                put(doc, &pointer, named)?;
            }
            Edit::AddPath(like, path, item) => {
                let existing = locate(doc, &format!("@{like}@"))?;
                let key = existing
                    .strip_prefix("/paths/")
                    .unwrap_or("")
                    .replace("~1", "/")
                    .replace("~0", "~");
                let new = format!("{}{path}", &key[..key.len() - like.len()]);
                put(
                    doc,
                    &format!("/paths/{}", escape_segment(&new)),
                    item.clone(),
                )?;
            }
            Edit::SplitAllOf(name, fields) => {
                let pointer = format!("/components/schemas/{}", escape_segment(name));
                let mut rest = target(doc, &pointer)?.take();
                let mut base = json!({"type": "object", "properties": {}, "required": []});
                for field in *fields {
                    let property =
                        take(&mut rest, &format!("/properties/{}", escape_segment(field)))?;
                    base["properties"][*field] = property;
                    if let Some(required) = rest.get_mut("required").and_then(Value::as_array_mut)
                        && let Some(i) = required.iter().position(|r| r == *field)
                    {
                        required.remove(i);
                        if let Some(names) = base["required"].as_array_mut() {
                            names.push(json!(field));
                        }
                    }
                }
                let base_name = format!("{name}Base");
                put(doc, &format!("/components/schemas/{base_name}"), base)?;
                put(
                    doc,
                    &pointer,
                    json!({"allOf": [{"$ref": format!("#/components/schemas/{base_name}")}, rest]}),
                )?;
            }
            Edit::Compose(name, extra) => {
                let pointer = format!("/components/schemas/{}", escape_segment(name));
                let was = target(doc, &pointer)?.take();
                put(doc, &pointer, json!({"allOf": [was, extra]}))?;
            }
        }
        Ok(())
    }
}

/// Puts a value at a pointer whose parent exists.
fn put(doc: &mut Value, pointer: &str, value: Value) -> Result<(), String> {
    let (parent, key) = split(pointer)?;
    match target(doc, &parent)? {
        Value::Object(map) => {
            map.insert(key, value);
        }
        Value::Array(items) => {
            let slot = key.parse::<usize>().ok().and_then(|i| items.get_mut(i));
            *slot.ok_or(format!("{pointer}: no such item"))? = value;
        }
        _ => return Err(format!("{pointer}: the parent is not an object")),
    }
    Ok(())
}

/// Removes and returns what is at a pointer.
fn take(doc: &mut Value, pointer: &str) -> Result<Value, String> {
    let (parent, key) = split(pointer)?;
    let taken = match target(doc, &parent)? {
        Value::Object(map) => map.shift_remove(&key),
        Value::Array(items) => match key.parse::<usize>() {
            Ok(i) if i < items.len() => Some(items.remove(i)),
            _ => None,
        },
        _ => None,
    };
    taken.ok_or(format!("{pointer}: nothing there"))
}

/// A pointer with its `@SUFFIX@` path shorthand expanded.
fn locate(doc: &Value, at: &str) -> Result<String, String> {
    let Some(rest) = at.strip_prefix('@') else {
        return Ok(at.to_string());
    };
    let (suffix, tail) = rest.split_once('@').ok_or(format!("{at}: unclosed path"))?;
    let paths = doc
        .get("paths")
        .and_then(Value::as_object)
        .ok_or("no paths")?;
    let mut matching: Vec<&String> = paths.keys().filter(|p| p.ends_with(suffix)).collect();
    matching.sort_by_key(|p| p.len());
    match matching.as_slice() {
        [one] => Ok(format!("/paths/{}{tail}", escape_segment(one))),
        [a, b, ..] if a.len() < b.len() => Ok(format!("/paths/{}{tail}", escape_segment(a))),
        _ => Err(format!("{at}: no single path ends with `{suffix}`")),
    }
}

fn split(pointer: &str) -> Result<(String, String), String> {
    let (parent, key) = pointer
        .rsplit_once('/')
        .ok_or(format!("{pointer}: not a pointer"))?;
    Ok((
        parent.to_string(),
        key.replace("~1", "/").replace("~0", "~"),
    ))
}

fn target<'a>(doc: &'a mut Value, pointer: &str) -> Result<&'a mut Value, String> {
    doc.pointer_mut(pointer)
        .ok_or(format!("{pointer}: not in the document"))
}
