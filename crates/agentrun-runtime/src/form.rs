//! Request bodies sent as `application/x-www-form-urlencoded`.

use serde::Serialize;
use serde::ser::{Error as _, SerializeSeq, Serializer};
use serde_json::Value;

/// A body written as form fields, as OpenAPI's default form encoding says: a scalar as one
/// field, a list as the field repeated (`tag=a&tag=b`), an object (or a list's object) as its
/// JSON text, an absent or null field left out. The generated clients send their form bodies
/// through it: serde_urlencoded alone writes no list and no nested object.
///
/// ```
/// use agentrun_runtime::FormFields;
/// use serde_json::json;
///
/// let body = json!({"name": "n", "tag": ["a", "b"], "meta": {"k": 1}, "gone": null});
/// let text = serde_urlencoded::to_string(FormFields(&body)).unwrap();
/// assert_eq!(text, "name=n&tag=a&tag=b&meta=%7B%22k%22%3A1%7D");
/// ```
#[derive(Debug, Clone, Copy)]
pub struct FormFields<'a, T: ?Sized>(pub &'a T);

impl<T: Serialize + ?Sized> Serialize for FormFields<'_, T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let value = serde_json::to_value(self.0).map_err(S::Error::custom)?;
        let Value::Object(fields) = value else {
            return Err(S::Error::custom("a form body must be an object"));
        };
        let mut pairs = serializer.serialize_seq(None)?;
        for (name, field) in &fields {
            match field {
                Value::Null => {}
                Value::Array(items) => {
                    for item in items {
                        pairs.serialize_element(&(name, text(item)))?;
                    }
                }
                other => pairs.serialize_element(&(name, text(other)))?,
            }
        }
        pairs.end()
    }
}

fn text(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}
