//! Request bodies sent as `multipart/form-data`, from typed values.
//!
//! A generated client takes a multipart body as a struct of its fields, like any other body;
//! a field the document types as a file (`format: binary`) is an [`Upload`]. [`parts`] reads
//! such a struct as the parts OpenAPI's default multipart encoding makes of it: a scalar as a
//! text part, a list as the part repeated, an object as its JSON text, an [`Upload`] as a file
//! part, an absent or null field left out. The generated code turns the parts into a
//! `reqwest::multipart::Form`.

use std::cell::RefCell;
use std::fmt;

use serde::de::{self, Deserializer, SeqAccess, Visitor};
use serde::ser::{Serialize, Serializer};
use serde_json::Value;

/// A file sent as a part of a multipart body: its bytes, and the file name and media type
/// the part is sent with.
///
/// ```
/// use agentrun_runtime::{MultipartPart, Upload, multipart_parts};
/// use serde_json::json;
///
/// #[derive(serde::Serialize)]
/// struct Body {
///     name: String,
///     tags: Vec<String>,
///     file: Upload,
/// }
/// let body = Body {
///     name: "notes".into(),
///     tags: vec!["a".into(), "b".into()],
///     file: Upload::new(b"hello".to_vec()).file_name("notes.txt").content_type("text/plain"),
/// };
/// let parts = multipart_parts(&body).unwrap();
/// assert_eq!(parts.len(), 4);
/// assert_eq!(parts[0], MultipartPart::Text { name: "name".into(), value: "notes".into() });
/// match &parts[3] {
///     MultipartPart::File { name, upload } => {
///         assert_eq!(name, "file");
///         assert_eq!(upload.bytes(), b"hello");
///         assert_eq!(upload.get_file_name(), Some("notes.txt"));
///     }
///     other => panic!("{other:?}"),
/// }
/// ```
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Upload {
    bytes: Vec<u8>,
    file_name: Option<String>,
    content_type: Option<String>,
}

impl Upload {
    /// A file of these bytes, with no file name and no media type (sent as
    /// `application/octet-stream`).
    pub fn new(bytes: impl Into<Vec<u8>>) -> Self {
        Self {
            bytes: bytes.into(),
            file_name: None,
            content_type: None,
        }
    }

    /// The file name the part is sent with.
    pub fn file_name(mut self, name: impl Into<String>) -> Self {
        self.file_name = Some(name.into());
        self
    }

    /// The media type the part is sent with, like `image/png`.
    pub fn content_type(mut self, media_type: impl Into<String>) -> Self {
        self.content_type = Some(media_type.into());
        self
    }

    /// The file's bytes.
    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// The file name, if one is set.
    pub fn get_file_name(&self) -> Option<&str> {
        self.file_name.as_deref()
    }

    /// The media type, if one is set.
    pub fn get_content_type(&self) -> Option<&str> {
        self.content_type.as_deref()
    }
}

impl fmt::Debug for Upload {
    // A file's bytes can be large and private: their length only.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Upload")
            .field("bytes", &format_args!("{} bytes", self.bytes.len()))
            .field("file_name", &self.file_name)
            .field("content_type", &self.content_type)
            .finish()
    }
}

impl From<Vec<u8>> for Upload {
    fn from(bytes: Vec<u8>) -> Self {
        Self::new(bytes)
    }
}

impl From<&[u8]> for Upload {
    fn from(bytes: &[u8]) -> Self {
        Self::new(bytes)
    }
}

impl From<String> for Upload {
    fn from(text: String) -> Self {
        Self::new(text.into_bytes())
    }
}

impl From<&str> for Upload {
    fn from(text: &str) -> Self {
        Self::new(text.as_bytes())
    }
}

/// An upload serializes as `(bytes, file name, media type)`; in JSON that is
/// `[[104, 105], "a.txt", null]`. While [`parts`] reads a body, it stands in for itself with a
/// placeholder the parts are matched back to.
impl Serialize for Upload {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let placeholder = COLLECTED.with(|collected| {
            let mut collected = collected.borrow_mut();
            let (nonce, uploads) = collected.as_mut()?;
            uploads.push(self.clone());
            Some(format!("{PLACEHOLDER}{nonce}:{}", uploads.len() - 1))
        });
        if let Some(placeholder) = placeholder {
            return serializer.serialize_str(&placeholder);
        }
        struct Bytes<'a>(&'a [u8]);
        impl Serialize for Bytes<'_> {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_bytes(self.0)
            }
        }
        (
            Bytes(&self.bytes),
            self.file_name.as_deref(),
            self.content_type.as_deref(),
        )
            .serialize(serializer)
    }
}

/// How a placeholder starts; a per-call nonce and the upload's index follow.
const PLACEHOLDER: &str = "\u{0}agentrun-upload:";

thread_local! {
    /// While [`parts`] reads a body: its nonce, and the uploads met so far.
    static COLLECTED: RefCell<Option<(u64, Vec<Upload>)>> = const { RefCell::new(None) };
}

/// An upload reads from a string (its UTF-8 bytes) or a list of bytes.
impl<'de> serde::Deserialize<'de> for Upload {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Bytes;
        impl<'de> Visitor<'de> for Bytes {
            type Value = Upload;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a file's content, as a string or a list of bytes")
            }
            fn visit_str<E: de::Error>(self, text: &str) -> Result<Upload, E> {
                Ok(Upload::from(text))
            }
            fn visit_bytes<E: de::Error>(self, bytes: &[u8]) -> Result<Upload, E> {
                Ok(Upload::from(bytes))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Upload, A::Error> {
                // A list of bytes, or the serialized form `[bytes, file name, media type]`.
                let mut bytes = Vec::new();
                let mut upload = None;
                while let Some(item) = seq.next_element::<ByteOrList>()? {
                    match item {
                        ByteOrList::Byte(byte) => bytes.push(byte),
                        ByteOrList::List(list) => upload = Some(Upload::new(list)),
                        ByteOrList::Text(text) => {
                            let Some(found) = upload.as_mut() else {
                                return Err(de::Error::custom("a file name before the bytes"));
                            };
                            if found.file_name.is_none() {
                                found.file_name = text;
                            } else {
                                found.content_type = text;
                            }
                        }
                    }
                }
                Ok(upload.unwrap_or_else(|| Upload::new(bytes)))
            }
        }
        deserializer.deserialize_any(Bytes)
    }
}

/// An element of a list an [`Upload`] reads from.
#[derive(serde::Deserialize)]
#[serde(untagged)]
enum ByteOrList {
    Byte(u8),
    List(Vec<u8>),
    Text(Option<String>),
}

#[cfg(feature = "schemars")]
impl schemars::JsonSchema for Upload {
    fn schema_name() -> String {
        "Upload".into()
    }

    fn json_schema(_: &mut schemars::r#gen::SchemaGenerator) -> schemars::schema::Schema {
        schemars::schema::SchemaObject {
            instance_type: Some(schemars::schema::InstanceType::String.into()),
            format: Some("binary".into()),
            ..Default::default()
        }
        .into()
    }
}

/// One part of a multipart body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MultipartPart {
    /// A text part: a scalar, or an object or list item as its JSON text.
    Text {
        /// The field's name.
        name: String,
        /// Its text.
        value: String,
    },
    /// A file part.
    File {
        /// The field's name.
        name: String,
        /// The file.
        upload: Upload,
    },
}

/// The parts of a multipart body: each field of `body` (a struct or map) in order, as the
/// module docs say. An error names what cannot be a part (a body that is not an object).
pub fn parts<T: Serialize + ?Sized>(body: &T) -> Result<Vec<MultipartPart>, String> {
    /// Ends the collecting however serialization ends, a panic included.
    struct Collecting;
    impl Drop for Collecting {
        fn drop(&mut self) {
            COLLECTED.with(|collected| collected.borrow_mut().take());
        }
    }
    let nonce = fastrand::u64(..);
    COLLECTED.with(|collected| *collected.borrow_mut() = Some((nonce, Vec::new())));
    let collecting = Collecting;
    let value = serde_json::to_value(body);
    let uploads = COLLECTED
        .with(|collected| collected.borrow_mut().take())
        .map(|(_, uploads)| uploads)
        .unwrap_or_default();
    drop(collecting);
    let value = value.map_err(|e| format!("the multipart body cannot be sent: {e}"))?;
    let Value::Object(fields) = value else {
        return Err("the multipart body cannot be sent: it must be an object of fields".into());
    };
    let prefix = format!("{PLACEHOLDER}{nonce}:");
    let upload = |value: &Value| {
        let index: usize = value.as_str()?.strip_prefix(&prefix)?.parse().ok()?;
        uploads.get(index).cloned()
    };
    let mut found = Vec::new();
    for (name, value) in fields {
        let items = match value {
            Value::Null => continue,
            Value::Array(items) => items,
            one => vec![one],
        };
        for item in items {
            let name = name.clone();
            if let Some(upload) = upload(&item) {
                found.push(MultipartPart::File { name, upload });
                continue;
            }
            let value = match item {
                Value::String(text) => text,
                other => other.to_string(),
            };
            // In an object's JSON text the placeholder's NUL is escaped: look for the rest.
            if value.contains(&format!("agentrun-upload:{nonce}:")) {
                return Err(format!(
                    "the multipart body cannot be sent: `{name}` holds a file deeper than a \
                     field or a list of them, where no part can carry it"
                ));
            }
            found.push(MultipartPart::Text { name, value });
        }
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    // Test code: a failed unwrap is a failed test.
    #![allow(clippy::unwrap_used)]

    use super::*;
    use serde_json::json;

    #[derive(serde::Serialize)]
    struct Form {
        #[serde(skip_serializing_if = "Option::is_none")]
        cover: Option<Upload>,
        pages: Vec<Upload>,
        meta: Value,
        gone: Option<String>,
    }

    #[test]
    fn files_lists_objects_and_nulls_become_their_parts() {
        let form = Form {
            cover: None,
            pages: vec![
                Upload::new(b"1".to_vec()),
                Upload::from("2").file_name("2.txt"),
            ],
            meta: json!({"k": 1}),
            gone: None,
        };
        let found = parts(&form).unwrap();
        let names: Vec<(&str, bool)> = found
            .iter()
            .map(|part| match part {
                MultipartPart::Text { name, .. } => (name.as_str(), false),
                MultipartPart::File { name, .. } => (name.as_str(), true),
            })
            .collect();
        assert_eq!(names, [("pages", true), ("pages", true), ("meta", false)]);
        assert_eq!(
            found[2],
            MultipartPart::Text {
                name: "meta".into(),
                value: r#"{"k":1}"#.into()
            }
        );
        let with_cover = Form {
            cover: Some(Upload::new(vec![0xff, 0x00]).content_type("image/png")),
            ..form
        };
        let MultipartPart::File { upload, .. } = &parts(&with_cover).unwrap()[0] else {
            panic!("the cover is not a file part");
        };
        assert_eq!(upload.bytes(), [0xff, 0x00]);
        assert_eq!(upload.get_content_type(), Some("image/png"));
    }

    #[test]
    fn an_upload_survives_json_and_reads_from_a_string() {
        let upload = Upload::new(vec![0xff, b'a']).file_name("a.bin");
        let text = serde_json::to_string(&upload).unwrap();
        assert_eq!(text, r#"[[255,97],"a.bin",null]"#);
        assert_eq!(serde_json::from_str::<Upload>(&text).unwrap(), upload);
        let from_text: Upload = serde_json::from_value(json!("hello")).unwrap();
        assert_eq!(from_text.bytes(), b"hello");
        assert!(format!("{upload:?}").contains("2 bytes"));
    }

    #[test]
    fn a_body_that_is_not_an_object_or_a_file_too_deep_is_refused_by_name() {
        let refused = parts(&json!(["a"])).unwrap_err();
        assert!(refused.contains("must be an object"), "{refused}");
        #[derive(serde::Serialize)]
        struct Nested {
            meta: std::collections::BTreeMap<String, Upload>,
        }
        let nested = Nested {
            meta: [("cover".to_string(), Upload::from("x"))].into(),
        };
        let refused = parts(&nested).unwrap_err();
        assert!(refused.contains("`meta` holds a file deeper"), "{refused}");
        // Outside `parts`, an upload is its serialized form again.
        let text = serde_json::to_string(&Upload::from("x")).unwrap();
        assert_eq!(text, "[[120],null,null]");
    }
}
