//! An answer as the API sent it and as its documented type reads it.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// An answer kept two ways: read as its documented type, and as the JSON the API sent, value
/// for value (fields the type does not know, and their order, included). It dereferences to
/// the typed value; it serializes as what was received, so printing it loses nothing the API
/// added after this client was generated.
///
/// ```
/// use agentrun::Received;
/// use agentrun::buildprint::types as bp;
///
/// let raw = serde_json::json!({"testId": "ts_1", "costUsd": 0.12});
/// let answer: Received<bp::CreateTestResponse> = Received::read(raw.clone())?;
/// assert_eq!(answer.test_id, "ts_1");
/// assert_eq!(serde_json::to_value(&answer)?, raw);
/// assert_eq!(answer.raw()["costUsd"], 0.12);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Received<T> {
    value: T,
    raw: Value,
}

impl<T: DeserializeOwned> Received<T> {
    /// Reads `raw` as `T`; the error says where it departs from the type.
    pub fn read(raw: Value) -> Result<Self, serde_json::Error> {
        Ok(Self {
            value: T::deserialize(&raw)?,
            raw,
        })
    }
}

impl<T> Received<T> {
    /// The answer as its documented type reads it.
    pub fn value(&self) -> &T {
        &self.value
    }

    /// The answer as the API sent it.
    pub fn raw(&self) -> &Value {
        &self.raw
    }

    /// The typed value alone.
    pub fn into_inner(self) -> T {
        self.value
    }

    /// The typed value and the JSON it was read from.
    pub fn into_parts(self) -> (T, Value) {
        (self.value, self.raw)
    }
}

impl<T> std::ops::Deref for Received<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.value
    }
}

impl<T> Serialize for Received<T> {
    /// What was received.
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.raw.serialize(serializer)
    }
}

impl<'de, T: DeserializeOwned> Deserialize<'de> for Received<T> {
    /// Reads a value, and it as `T`.
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = Value::deserialize(deserializer)?;
        Self::read(raw).map_err(serde::de::Error::custom)
    }
}
