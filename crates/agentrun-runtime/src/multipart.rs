//! Request bodies sent as `multipart/form-data`, from typed values.
//!
//! A generated client takes a multipart body as a struct of its fields, like any other body;
//! a field the document types as a file (`format: binary`) is an [`Upload`]. [`parts`] reads
//! such a struct as the parts OpenAPI's default multipart encoding makes of it: a scalar as a
//! text part, a list as the part repeated, an object as its JSON text, an [`Upload`] as a file
//! part, an absent or null field left out. The generated code turns the parts into a
//! `reqwest::multipart::Form`.

use std::cell::{Cell, RefCell};
use std::fmt;

use serde::de::{self, Deserializer, SeqAccess, Visitor};
use serde::ser::{self, Impossible, Serialize, Serializer};
use serde_json::Value;

/// The name an [`Upload`] serializes under, which [`parts`] recognizes.
const UPLOAD: &str = "agentrun_runtime::Upload";

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

/// An upload serializes as `(bytes, file name, media type)` under a marker name; in JSON that
/// is `[[104, 105], "a.txt", null]`. [`parts`] takes the upload itself from under the marker.
impl Serialize for Upload {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_newtype_struct(UPLOAD, &Marked(self))
    }
}

thread_local! {
    /// Set while [`parts`] takes an upload from under its marker.
    static TAKING: Cell<bool> = const { Cell::new(false) };
    /// The upload handed over while [`TAKING`].
    static HANDOFF: RefCell<Option<Upload>> = const { RefCell::new(None) };
}

/// An upload under its marker.
struct Marked<'a>(&'a Upload);

impl Serialize for Marked<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if TAKING.with(Cell::get) {
            HANDOFF.with(|slot| *slot.borrow_mut() = Some(self.0.clone()));
            return serializer.serialize_unit();
        }
        struct Bytes<'a>(&'a [u8]);
        impl Serialize for Bytes<'_> {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_bytes(self.0)
            }
        }
        let upload = self.0;
        (
            Bytes(&upload.bytes),
            upload.file_name.as_deref(),
            upload.content_type.as_deref(),
        )
            .serialize(serializer)
    }
}

/// Takes the upload a marker holds.
fn take_upload<T: Serialize + ?Sized>(marked: &T) -> Result<Upload, PartError> {
    TAKING.with(|taking| taking.set(true));
    let done = marked.serialize(serde_json::value::Serializer);
    TAKING.with(|taking| taking.set(false));
    done.map_err(|e| PartError(e.to_string()))?;
    HANDOFF
        .with(|slot| slot.borrow_mut().take())
        .ok_or_else(|| PartError("the upload was not handed over".into()))
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
    body.serialize(Fields::default())
        .map_err(|e| format!("the multipart body cannot be sent: {e}"))
}

/// A field's value: a file, or a JSON value.
enum FieldValue {
    File(Upload),
    Files(Vec<Upload>),
    Json(Value),
}

/// Reads one field's value: an upload (or a list of them) through its marker, anything else
/// as JSON.
fn field_value<T: Serialize + ?Sized>(value: &T) -> Result<FieldValue, String> {
    if let Ok(found) = value.serialize(FindUpload) {
        return Ok(found);
    }
    serde_json::to_value(value)
        .map(FieldValue::Json)
        .map_err(|e| e.to_string())
}

fn text(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

/// The serializer of a body: a struct or a map of fields.
#[derive(Default)]
struct Fields {
    parts: Vec<MultipartPart>,
}

/// An error of [`parts`].
#[derive(Debug)]
struct PartError(String);

impl fmt::Display for PartError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for PartError {}

impl ser::Error for PartError {
    fn custom<M: fmt::Display>(message: M) -> Self {
        Self(message.to_string())
    }
}

impl Fields {
    fn add<T: Serialize + ?Sized>(&mut self, name: &str, value: &T) -> Result<(), PartError> {
        let name = name.to_string();
        match field_value(value).map_err(PartError)? {
            FieldValue::File(upload) => self.parts.push(MultipartPart::File { name, upload }),
            FieldValue::Files(uploads) => {
                for upload in uploads {
                    let name = name.clone();
                    self.parts.push(MultipartPart::File { name, upload });
                }
            }
            FieldValue::Json(Value::Null) => {}
            FieldValue::Json(Value::Array(items)) => {
                for item in items {
                    let name = name.clone();
                    let value = text(&item);
                    self.parts.push(MultipartPart::Text { name, value });
                }
            }
            FieldValue::Json(other) => {
                let value = text(&other);
                self.parts.push(MultipartPart::Text { name, value });
            }
        }
        Ok(())
    }
}

fn not_an_object<T>() -> Result<T, PartError> {
    Err(PartError(
        "a multipart body must be an object of fields".into(),
    ))
}

impl Serializer for Fields {
    type Ok = Vec<MultipartPart>;
    type Error = PartError;
    type SerializeSeq = Impossible<Self::Ok, PartError>;
    type SerializeTuple = Impossible<Self::Ok, PartError>;
    type SerializeTupleStruct = Impossible<Self::Ok, PartError>;
    type SerializeTupleVariant = Impossible<Self::Ok, PartError>;
    type SerializeMap = FieldsMap;
    type SerializeStruct = Self;
    type SerializeStructVariant = Impossible<Self::Ok, PartError>;

    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Self, PartError> {
        Ok(self)
    }
    fn serialize_map(self, _: Option<usize>) -> Result<FieldsMap, PartError> {
        Ok(FieldsMap {
            fields: self,
            key: None,
        })
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<Self::Ok, PartError> {
        value.serialize(self)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<Self::Ok, PartError> {
        value.serialize(self)
    }
    fn serialize_bool(self, _: bool) -> Result<Self::Ok, PartError> {
        not_an_object()
    }
    fn serialize_i64(self, _: i64) -> Result<Self::Ok, PartError> {
        not_an_object()
    }
    fn serialize_u64(self, _: u64) -> Result<Self::Ok, PartError> {
        not_an_object()
    }
    fn serialize_f64(self, _: f64) -> Result<Self::Ok, PartError> {
        not_an_object()
    }
    fn serialize_str(self, _: &str) -> Result<Self::Ok, PartError> {
        not_an_object()
    }
    fn serialize_bytes(self, _: &[u8]) -> Result<Self::Ok, PartError> {
        not_an_object()
    }
    fn serialize_none(self) -> Result<Self::Ok, PartError> {
        not_an_object()
    }
    fn serialize_unit(self) -> Result<Self::Ok, PartError> {
        not_an_object()
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<Self::Ok, PartError> {
        not_an_object()
    }
    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
    ) -> Result<Self::Ok, PartError> {
        not_an_object()
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<Self::Ok, PartError> {
        not_an_object()
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, PartError> {
        not_an_object()
    }
    fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, PartError> {
        not_an_object()
    }
    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleStruct, PartError> {
        not_an_object()
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, PartError> {
        not_an_object()
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, PartError> {
        not_an_object()
    }
    fn serialize_i8(self, v: i8) -> Result<Self::Ok, PartError> {
        self.serialize_i64(v.into())
    }
    fn serialize_i16(self, v: i16) -> Result<Self::Ok, PartError> {
        self.serialize_i64(v.into())
    }
    fn serialize_i32(self, v: i32) -> Result<Self::Ok, PartError> {
        self.serialize_i64(v.into())
    }
    fn serialize_u8(self, v: u8) -> Result<Self::Ok, PartError> {
        self.serialize_u64(v.into())
    }
    fn serialize_u16(self, v: u16) -> Result<Self::Ok, PartError> {
        self.serialize_u64(v.into())
    }
    fn serialize_u32(self, v: u32) -> Result<Self::Ok, PartError> {
        self.serialize_u64(v.into())
    }
    fn serialize_f32(self, v: f32) -> Result<Self::Ok, PartError> {
        self.serialize_f64(v.into())
    }
    fn serialize_char(self, v: char) -> Result<Self::Ok, PartError> {
        self.serialize_str(&v.to_string())
    }
}

impl ser::SerializeStruct for Fields {
    type Ok = Vec<MultipartPart>;
    type Error = PartError;

    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        name: &'static str,
        value: &T,
    ) -> Result<(), PartError> {
        self.add(name, value)
    }
    fn end(self) -> Result<Self::Ok, PartError> {
        Ok(self.parts)
    }
}

/// A map body's fields (a struct with flattened fields serializes so).
struct FieldsMap {
    fields: Fields,
    key: Option<String>,
}

impl ser::SerializeMap for FieldsMap {
    type Ok = Vec<MultipartPart>;
    type Error = PartError;

    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), PartError> {
        let key = serde_json::to_value(key).map_err(|e| PartError(e.to_string()))?;
        self.key = Some(text(&key));
        Ok(())
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), PartError> {
        let key = self.key.take().unwrap_or_default();
        self.fields.add(&key, value)
    }
    fn end(self) -> Result<Self::Ok, PartError> {
        Ok(self.fields.parts)
    }
}

/// Finds an [`Upload`] (through `Some`, a newtype and a list) and fails on anything else.
struct FindUpload;

impl Serializer for FindUpload {
    type Ok = FieldValue;
    type Error = PartError;
    type SerializeSeq = Uploads;
    type SerializeTuple = Impossible<FieldValue, PartError>;
    type SerializeTupleStruct = Impossible<FieldValue, PartError>;
    type SerializeTupleVariant = Impossible<FieldValue, PartError>;
    type SerializeMap = Impossible<FieldValue, PartError>;
    type SerializeStruct = Impossible<FieldValue, PartError>;
    type SerializeStructVariant = Impossible<FieldValue, PartError>;

    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        name: &'static str,
        value: &T,
    ) -> Result<FieldValue, PartError> {
        if name != UPLOAD {
            return value.serialize(self);
        }
        take_upload(value).map(FieldValue::File)
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<FieldValue, PartError> {
        value.serialize(self)
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Uploads, PartError> {
        Ok(Uploads(Vec::new()))
    }
    fn serialize_bool(self, _: bool) -> Result<FieldValue, PartError> {
        no_upload()
    }
    fn serialize_i64(self, _: i64) -> Result<FieldValue, PartError> {
        no_upload()
    }
    fn serialize_u64(self, _: u64) -> Result<FieldValue, PartError> {
        no_upload()
    }
    fn serialize_f64(self, _: f64) -> Result<FieldValue, PartError> {
        no_upload()
    }
    fn serialize_str(self, _: &str) -> Result<FieldValue, PartError> {
        no_upload()
    }
    fn serialize_bytes(self, _: &[u8]) -> Result<FieldValue, PartError> {
        no_upload()
    }
    fn serialize_none(self) -> Result<FieldValue, PartError> {
        no_upload()
    }
    fn serialize_unit(self) -> Result<FieldValue, PartError> {
        no_upload()
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<FieldValue, PartError> {
        no_upload()
    }
    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
    ) -> Result<FieldValue, PartError> {
        no_upload()
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<FieldValue, PartError> {
        no_upload()
    }
    fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, PartError> {
        no_upload()
    }
    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleStruct, PartError> {
        no_upload()
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, PartError> {
        no_upload()
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, PartError> {
        no_upload()
    }
    fn serialize_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStruct, PartError> {
        no_upload()
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, PartError> {
        no_upload()
    }
    fn serialize_i8(self, _: i8) -> Result<FieldValue, PartError> {
        no_upload()
    }
    fn serialize_i16(self, _: i16) -> Result<FieldValue, PartError> {
        no_upload()
    }
    fn serialize_i32(self, _: i32) -> Result<FieldValue, PartError> {
        no_upload()
    }
    fn serialize_u8(self, _: u8) -> Result<FieldValue, PartError> {
        no_upload()
    }
    fn serialize_u16(self, _: u16) -> Result<FieldValue, PartError> {
        no_upload()
    }
    fn serialize_u32(self, _: u32) -> Result<FieldValue, PartError> {
        no_upload()
    }
    fn serialize_f32(self, _: f32) -> Result<FieldValue, PartError> {
        no_upload()
    }
    fn serialize_char(self, _: char) -> Result<FieldValue, PartError> {
        no_upload()
    }
}

fn no_upload<T>() -> Result<T, PartError> {
    Err(PartError("not an upload".into()))
}

/// A list of uploads; any other element makes the list no upload.
struct Uploads(Vec<Upload>);

impl ser::SerializeSeq for Uploads {
    type Ok = FieldValue;
    type Error = PartError;

    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), PartError> {
        match value.serialize(FindUpload)? {
            FieldValue::File(upload) => {
                self.0.push(upload);
                Ok(())
            }
            _ => no_upload(),
        }
    }
    fn end(self) -> Result<FieldValue, PartError> {
        if self.0.is_empty() {
            return no_upload();
        }
        Ok(FieldValue::Files(self.0))
    }
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
    fn a_body_that_is_not_an_object_is_refused_by_name() {
        let refused = parts(&json!(["a"])).unwrap_err();
        assert!(refused.contains("must be an object"), "{refused}");
    }
}
