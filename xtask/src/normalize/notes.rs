//! What normalization gave up on, kept where every reader of the normalized document sees it.
//!
//! A valid document always generates, but some of its shapes have no form progenitor 0.15 can
//! generate: those are degraded (a body typed as any JSON value, an operation left out, ...).
//! Each degradation is one [`Note`]; the list is stored in the normalized document under
//! [`KEY`], so the generate summary and the surface snapshot both show it, and a reviewer sees a
//! degradation appear or go away in the snapshot diff.

use std::fmt;

use serde_json::Value;

/// The top-level key of the normalized document that lists the degradations.
pub const KEY: &str = "x-agentrun-degraded";

/// One degradation: where it is and what the generated client does instead.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Note {
    /// The place: an operation (`POST /files`), or a JSON pointer (`#/components/schemas/X`).
    pub at: String,
    /// What the client does instead, in a few words.
    pub what: String,
}

impl fmt::Display for Note {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.at, self.what)
    }
}

/// The degradations of one document, in the order they were made.
#[derive(Debug, Clone, Default)]
pub struct Notes {
    list: Vec<Note>,
}

impl Notes {
    /// Records a degradation.
    pub fn add(&mut self, at: impl Into<String>, what: impl Into<String>) {
        let note = Note {
            at: at.into(),
            what: what.into(),
        };
        if !self.list.contains(&note) {
            self.list.push(note);
        }
    }

    /// The degradations so far.
    pub fn list(&self) -> &[Note] {
        &self.list
    }

    /// The degradations so far, one line each (`place: what`).
    pub fn lines(&self) -> Vec<String> {
        self.list.iter().map(Note::to_string).collect()
    }

    /// Stores the degradations in the document (sorted, so the file is stable), or removes the
    /// key when there are none.
    pub fn store(&self, doc: &mut Value) {
        let Some(root) = doc.as_object_mut() else {
            return;
        };
        if self.list.is_empty() {
            root.shift_remove(KEY);
            return;
        }
        let mut lines = self.lines();
        lines.sort();
        root.insert(KEY.into(), lines.into());
    }
}

/// The degradations a normalized document records, one line each.
pub fn stored(doc: &Value) -> Vec<&str> {
    doc.get(KEY)
        .and_then(Value::as_array)
        .map(|lines| lines.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default()
}

/// How an operation is named in notes and reports: `GET /things/{id}`.
pub fn operation(method: &str, path: &str) -> String {
    format!("{} {path}", method.to_uppercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notes_are_stored_sorted_and_read_back() {
        let mut notes = Notes::default();
        notes.add("POST /b", "left out");
        notes.add("GET /a", "body typed as any JSON value");
        notes.add("GET /a", "body typed as any JSON value");
        let mut doc = serde_json::json!({"openapi": "3.0.3"});
        notes.store(&mut doc);
        assert_eq!(
            stored(&doc),
            ["GET /a: body typed as any JSON value", "POST /b: left out"]
        );
        Notes::default().store(&mut doc);
        assert!(doc.get(KEY).is_none());
    }
}
