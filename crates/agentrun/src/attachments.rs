//! Builder attachments from files, bytes or URLs.
//!
//! An upload's content type comes from the file's first bytes (its signature), falling back to
//! the name's extension for the types that have none (JSON and plain text), and must be one
//! Builder documents: PNG, JPEG, WebP, GIF, PDF, JSON or plain text. A file is read once and
//! encoded once: its bytes become the base64 data URL, and for text and JSON also the `text`
//! field without a copy.

use std::path::Path;

use agentrun_builder::types as b;
use base64::Engine;

use crate::error::Error;

/// The documented content types, with the extensions that name them.
const TYPES: [(&str, &str, &[&str]); 7] = [
    ("image/png", "PNG", &["png"]),
    ("image/jpeg", "JPEG", &["jpg", "jpeg"]),
    ("image/webp", "WebP", &["webp"]),
    ("image/gif", "GIF", &["gif"]),
    ("application/pdf", "PDF", &["pdf"]),
    ("application/json", "JSON", &["json"]),
    (
        "text/plain",
        "plain text",
        &["txt", "text", "md", "markdown", "log", "csv", "tsv"],
    ),
];

/// What the message lists when a file is refused.
const SUPPORTED: &str =
    "PNG, JPEG, WebP, GIF, PDF, JSON and plain text (.txt, .md, .log, .csv, .tsv)";

/// How large an attachment may be.
///
/// ```
/// use agentrun::AttachmentLimits;
///
/// let limits = AttachmentLimits::default().max_bytes(2 * 1024 * 1024);
/// assert_eq!(limits.max(), 2 * 1024 * 1024);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AttachmentLimits {
    max_bytes: u64,
}

impl Default for AttachmentLimits {
    /// 16 MiB per file (no limit is documented; base64 makes the request a third larger).
    fn default() -> Self {
        Self {
            max_bytes: 16 * 1024 * 1024,
        }
    }
}

impl AttachmentLimits {
    /// The largest file accepted, in bytes.
    pub fn max_bytes(mut self, bytes: u64) -> Self {
        self.max_bytes = bytes;
        self
    }

    /// The largest file accepted, in bytes.
    pub fn max(&self) -> u64 {
        self.max_bytes
    }
}

/// An attachment for a Builder run: an uploaded file, or a URL the agent fetches.
///
/// ```
/// use agentrun::Attachment;
///
/// let png = [&b"\x89PNG\r\n\x1a\n"[..], &[0; 8]].concat();
/// let image = Attachment::from_bytes("mockup.png", png)?;
/// assert_eq!(image.content_type(), Some("image/png"));
/// assert_eq!(image.size(), Some(16));
///
/// let notes = Attachment::from_bytes("notes.md", b"# Notes".to_vec())?;
/// assert_eq!(notes.content_type(), Some("text/plain"));
///
/// let page = Attachment::from_url("https://stripe.com/pricing")?;
/// assert_eq!(page.content_type(), None);
///
/// let error = Attachment::from_bytes("archive.zip", b"PK\x03\x04".to_vec()).unwrap_err();
/// assert!(error.to_string().contains("a ZIP archive"));
/// # Ok::<(), agentrun::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Attachment(b::Attachment);

impl Attachment {
    /// A file, with the default [`AttachmentLimits`].
    pub fn from_path(path: impl AsRef<Path>) -> Result<Self, Error> {
        Self::from_path_with(path, AttachmentLimits::default())
    }

    /// A file, within `limits`.
    pub fn from_path_with(path: impl AsRef<Path>, limits: AttachmentLimits) -> Result<Self, Error> {
        let path = path.as_ref();
        let fail = |message: String| Error::Attachment {
            path: Some(path.to_path_buf()),
            message,
        };
        let metadata = std::fs::metadata(path)
            .map_err(|e| fail(format!("cannot read it: {}", io_reason(&e))))?;
        if metadata.is_dir() {
            return Err(fail(
                "it is a directory; attach its files one by one".into(),
            ));
        }
        check_size(metadata.len(), limits).map_err(fail)?;
        // Read no more than the limit allows: a pipe or a device (`/dev/zero`) says no size.
        let mut bytes = Vec::new();
        std::fs::File::open(path)
            .and_then(|file| {
                use std::io::Read;
                file.take(limits.max().saturating_add(1))
                    .read_to_end(&mut bytes)
            })
            .map_err(|e| fail(format!("cannot read it: {}", io_reason(&e))))?;
        check_size(bytes.len() as u64, limits).map_err(fail)?;
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "attachment".into());
        upload(name, bytes).map_err(fail)
    }

    /// Bytes under a file name, with the default [`AttachmentLimits`].
    pub fn from_bytes(name: impl Into<String>, bytes: Vec<u8>) -> Result<Self, Error> {
        Self::from_bytes_with(name, bytes, AttachmentLimits::default())
    }

    /// Bytes under a file name, within `limits`.
    pub fn from_bytes_with(
        name: impl Into<String>,
        bytes: Vec<u8>,
        limits: AttachmentLimits,
    ) -> Result<Self, Error> {
        let name = name.into();
        let fail = |message: String| Error::Attachment {
            path: Some(name.clone().into()),
            message,
        };
        check_size(bytes.len() as u64, limits).map_err(fail)?;
        upload(name.clone(), bytes).map_err(fail)
    }

    /// A web page the agent fetches and reads: a fully qualified http(s) URL.
    pub fn from_url(url: &str) -> Result<Self, Error> {
        let parsed = reqwest::Url::parse(url.trim())
            .ok()
            .filter(|u| matches!(u.scheme(), "http" | "https"));
        match parsed {
            Some(parsed) => Ok(Self(b::Attachment::UrlAttachment(b::UrlAttachment {
                type_: b::UrlAttachmentType::Url,
                value: parsed.to_string(),
            }))),
            None => Err(Error::Attachment {
                path: None,
                message: format!(
                    "`{url}` is not a fully qualified http(s) URL; write it like https://example.com/page"
                ),
            }),
        }
    }

    /// The file's content type; `None` for a URL.
    pub fn content_type(&self) -> Option<&str> {
        match &self.0 {
            b::Attachment::UploadAttachment(upload) => Some(upload.content_type.as_str()),
            b::Attachment::UrlAttachment(_) => None,
        }
    }

    /// The file's size in bytes; `None` for a URL.
    pub fn size(&self) -> Option<u64> {
        match &self.0 {
            b::Attachment::UploadAttachment(upload) => Some(upload.size as u64),
            b::Attachment::UrlAttachment(_) => None,
        }
    }

    /// The file name, or the URL.
    pub fn name(&self) -> &str {
        match &self.0 {
            b::Attachment::UploadAttachment(upload) => &upload.name,
            b::Attachment::UrlAttachment(url) => &url.value,
        }
    }

    /// The attachment as the generated Builder types hold it.
    pub fn into_inner(self) -> b::Attachment {
        self.0
    }
}

impl From<Attachment> for b::Attachment {
    fn from(attachment: Attachment) -> Self {
        attachment.0
    }
}

fn check_size(size: u64, limits: AttachmentLimits) -> Result<(), String> {
    if size == 0 {
        return Err("it is empty; there is nothing to attach".into());
    }
    if size > limits.max_bytes {
        return Err(format!(
            "it is {}, over the {} attachment limit (raise the limit with AttachmentLimits::max_bytes)",
            size_text(size),
            size_text(limits.max_bytes)
        ));
    }
    Ok(())
}

/// Builds the upload: one base64 encoding straight into a data URL of the right capacity.
fn upload(name: String, bytes: Vec<u8>) -> Result<Attachment, String> {
    let content_type = detect(&name, &bytes)?;
    let prefix = format!("data:{content_type};base64,");
    let mut data_url = String::with_capacity(prefix.len() + bytes.len().div_ceil(3) * 4);
    data_url.push_str(&prefix);
    base64::engine::general_purpose::STANDARD.encode_string(&bytes, &mut data_url);
    let size = bytes.len() as i64;
    let text = match content_type {
        "application/json" | "text/plain" => Some(
            String::from_utf8(bytes)
                .map_err(|_| "it is not UTF-8 text, so it cannot be sent as text".to_string())?,
        ),
        _ => None,
    };
    if let (true, Some(text)) = (content_type == "application/json", &text)
        && let Err(e) = serde_json::from_str::<serde::de::IgnoredAny>(text)
    {
        return Err(format!("it is not valid JSON ({e})"));
    }
    Ok(Attachment(b::Attachment::UploadAttachment(
        b::UploadAttachment {
            type_: b::UploadAttachmentType::Upload,
            name,
            content_type: content_type.into(),
            data_url,
            size,
            id: uuid::Uuid::new_v4().to_string(),
            text,
        },
    )))
}

/// The content type from the signature, else from the extension (for the types without one).
fn detect(name: &str, bytes: &[u8]) -> Result<&'static str, String> {
    if let Some(found) = signature(bytes) {
        return Ok(found);
    }
    let extension = Path::new(name)
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    let named = TYPES
        .iter()
        .find(|(_, _, extensions)| extensions.contains(&extension.as_str()));
    match named {
        Some((media @ ("application/json" | "text/plain"), _, _)) => {
            if bytes.contains(&0) {
                Err("it has the extension of a text file but holds binary data".into())
            } else {
                Ok(media)
            }
        }
        Some((_, label, _)) => Err(format!(
            "its name says {label}, but it does not start like a {label} file; is it damaged, or another format?"
        )),
        None => Err(format!(
            "{} is not a type Builder takes; send one of: {SUPPORTED}",
            looks_like(bytes)
                .map(|kind| format!("it looks like {kind}, which"))
                .unwrap_or_else(|| format!("`{name}`")),
        )),
    }
}

/// The documented types that carry a signature.
fn signature(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        Some("image/webp")
    } else if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
        Some("image/gif")
    } else if bytes.starts_with(b"%PDF-") {
        Some("application/pdf")
    } else {
        None
    }
}

/// Common formats Builder does not take, to name them in the message.
fn looks_like(bytes: &[u8]) -> Option<&'static str> {
    [
        (&b"PK\x03\x04"[..], "a ZIP archive (or an Office document)"),
        (&b"\x1f\x8b"[..], "a gzip archive"),
        (&b"\x7fELF"[..], "a Linux executable"),
        (&b"MZ"[..], "a Windows executable"),
        (&b"II*\x00"[..], "a TIFF image"),
        (&b"MM\x00*"[..], "a TIFF image"),
        (&b"BM"[..], "a BMP image"),
        (&b"<svg"[..], "an SVG image"),
        (&b"<?xml"[..], "an XML document"),
    ]
    .iter()
    .find(|(magic, _)| bytes.starts_with(magic))
    .map(|(_, kind)| *kind)
    .or_else(|| {
        (bytes.len() >= 12 && &bytes[4..8] == b"ftyp").then_some("an MP4 or QuickTime video")
    })
}

/// Why a file could not be read, as a person says it: `there is no such file`, `permission
/// denied`, or the system's words.
///
/// ```
/// let error = std::fs::read("no/such/file").unwrap_err();
/// assert_eq!(agentrun::io_reason(&error), "there is no such file");
/// ```
pub fn io_reason(error: &std::io::Error) -> String {
    match error.kind() {
        std::io::ErrorKind::NotFound => "there is no such file".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => error.to_string(),
    }
}

fn size_text(bytes: u64) -> String {
    const MIB: f64 = 1024.0 * 1024.0;
    if bytes as f64 >= MIB {
        format!("{:.1} MiB", bytes as f64 / MIB)
    } else {
        format!("{bytes} bytes")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn upload_of(name: &str, bytes: &[u8]) -> b::UploadAttachment {
        match Attachment::from_bytes(name, bytes.to_vec())
            .unwrap()
            .into_inner()
        {
            b::Attachment::UploadAttachment(upload) => upload,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn signatures_beat_extensions() {
        assert_eq!(
            upload_of("actually-a-pdf.png", b"%PDF-1.7 ...")
                .content_type
                .as_str(),
            "application/pdf"
        );
        assert_eq!(
            upload_of("photo", &[0xFF, 0xD8, 0xFF, 0xE0])
                .content_type
                .as_str(),
            "image/jpeg"
        );
        assert_eq!(
            upload_of("anim.bin", b"GIF89a....").content_type.as_str(),
            "image/gif"
        );
        assert_eq!(
            upload_of("x", b"RIFF\x00\x00\x00\x00WEBPVP8 ")
                .content_type
                .as_str(),
            "image/webp"
        );
    }

    #[test]
    fn text_and_json_carry_their_text_and_a_matching_data_url() {
        let json = upload_of("sample.json", br#"{"a": 1}"#);
        assert_eq!(json.text.as_deref(), Some(r#"{"a": 1}"#));
        assert_eq!(json.data_url, "data:application/json;base64,eyJhIjogMX0=");
        assert_eq!(json.size, 8);
        assert_eq!(
            uuid::Uuid::parse_str(&json.id).unwrap().get_version_num(),
            4
        );
        let pdf = upload_of("spec.pdf", b"%PDF-1.4");
        assert_eq!(pdf.text, None);
    }

    #[test]
    fn refusals_say_why() {
        let error = |name: &str, bytes: &[u8]| {
            Attachment::from_bytes(name, bytes.to_vec())
                .unwrap_err()
                .to_string()
        };
        assert!(error("logo.png", b"not a png").contains("does not start like a PNG file"));
        assert!(error("bad.json", b"{oops").contains("not valid JSON"));
        assert!(error("binary.txt", b"a\x00b").contains("holds binary data"));
        assert!(error("song.mp3", b"ID3").contains("`song.mp3` is not a type Builder takes"));
        assert!(error("empty.txt", b"").contains("it is empty"));
        let big = Attachment::from_bytes_with(
            "big.txt",
            vec![b'a'; 2048],
            AttachmentLimits::default().max_bytes(1024),
        )
        .unwrap_err()
        .to_string();
        assert!(
            big.contains("over the 1024 bytes attachment limit"),
            "{big}"
        );
        assert!(
            Attachment::from_url("/relative")
                .unwrap_err()
                .to_string()
                .contains("fully qualified")
        );
    }
}
