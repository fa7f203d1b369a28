//! Attachments from files on disk, sent with a Builder run to the emulator.

// Test code: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used)]

mod common;

use std::path::PathBuf;

use agentrun::{Attachment, AttachmentLimits, Error};
use base64::Engine;
use common::{builder, manual, quick, start};

struct Files(PathBuf);

impl Files {
    fn new() -> Self {
        let dir = std::env::temp_dir().join(format!(
            "agentrun-attachments-{}-{}",
            std::process::id(),
            fastrand()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        Self(dir)
    }

    fn write(&self, name: &str, bytes: &[u8]) -> PathBuf {
        let path = self.0.join(name);
        std::fs::write(&path, bytes).unwrap();
        path
    }
}

impl Drop for Files {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn fastrand() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .subsec_nanos() as u64
}

#[tokio::test]
async fn every_supported_type_from_a_file_is_accepted_by_builder() {
    let files = Files::new();
    let cases: [(&str, Vec<u8>, &str); 8] = [
        (
            "screen.png",
            [&b"\x89PNG\r\n\x1a\n"[..], &[1; 64]].concat(),
            "image/png",
        ),
        (
            "photo.jpg",
            [&[0xFF, 0xD8, 0xFF, 0xE0][..], &[2; 64]].concat(),
            "image/jpeg",
        ),
        (
            "modern.webp",
            [&b"RIFF\x24\x00\x00\x00WEBPVP8 "[..], &[3; 64]].concat(),
            "image/webp",
        ),
        ("demo.gif", [&b"GIF89a"[..], &[4; 64]].concat(), "image/gif"),
        (
            "spec.pdf",
            b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj".to_vec(),
            "application/pdf",
        ),
        (
            "sample.json",
            br#"{"orders": [{"id": 1, "total": 12.5}]}"#.to_vec(),
            "application/json",
        ),
        (
            "notes.txt",
            "Déjà vu: plain text, UTF-8.\n".as_bytes().to_vec(),
            "text/plain",
        ),
        (
            "server.log",
            b"12:00 started\n12:01 failed\n".to_vec(),
            "text/plain",
        ),
    ];
    let mut attachments = Vec::new();
    for (name, bytes, content_type) in &cases {
        let path = files.write(name, bytes);
        let attachment = Attachment::from_path(&path).unwrap();
        assert_eq!(attachment.content_type(), Some(*content_type), "{name}");
        assert_eq!(attachment.size(), Some(bytes.len() as u64), "{name}");
        assert_eq!(attachment.name(), *name);
        let agentrun::builder::types::Attachment::UploadAttachment(upload) =
            attachment.clone().into_inner()
        else {
            panic!("{name} is an upload");
        };
        let (prefix, encoded) = upload.data_url.split_once(',').unwrap();
        assert_eq!(prefix, format!("data:{content_type};base64"));
        assert_eq!(
            &base64::engine::general_purpose::STANDARD
                .decode(encoded)
                .unwrap(),
            bytes,
            "{name}"
        );
        let is_text = content_type.starts_with("text/") || *content_type == "application/json";
        assert_eq!(upload.text.is_some(), is_text, "{name}");
        attachments.push(attachment);
    }
    attachments.push(Attachment::from_url("https://stripe.com/pricing").unwrap());

    let emulator = start(manual()).await;
    let run = builder(&emulator, quick())
        .run("Use all of these")
        .attach_all(attachments)
        .project("proj_existing")
        .branch("Attachments galore")
        .user_email("developer@yourcompany.com")
        .send()
        .await
        .unwrap();
    assert_eq!(run.project_id, "proj_existing");
    assert!(run.branch_name.unwrap().starts_with("attachments-galore-"));
    let runs = emulator.builder_runs();
    assert_eq!(runs[0].attachments, 9);
    assert_eq!(runs[0].user, "developer@yourcompany.com");
}

/// The message of a refused file.
fn refused(result: Result<Attachment, Error>) -> String {
    match result {
        Err(error @ Error::Attachment { .. }) => error.to_string(),
        other => panic!("expected an attachment error, got {other:?}"),
    }
}

#[test]
fn unusable_files_are_refused_with_the_reason() {
    let files = Files::new();
    let missing = refused(Attachment::from_path(files.0.join("nowhere.png")));
    assert!(
        missing.ends_with("nowhere.png: cannot read it: there is no such file"),
        "{missing}"
    );

    let empty = refused(Attachment::from_path(files.write("empty.txt", b"")));
    assert!(empty.contains("empty.txt: it is empty"), "{empty}");

    let directory = refused(Attachment::from_path(&files.0));
    assert!(
        directory.contains("it is a directory; attach its files one by one"),
        "{directory}"
    );

    let big = files.write("big.pdf", &[&b"%PDF-1.7"[..], &vec![0; 4096]].concat());
    let over = refused(Attachment::from_path_with(
        &big,
        AttachmentLimits::default().max_bytes(1024),
    ));
    assert!(
        over.contains("it is 4104 bytes, over the 1024 bytes attachment limit"),
        "{over}"
    );

    let zip = refused(Attachment::from_path(
        files.write("report.docx", b"PK\x03\x04\x14\x00"),
    ));
    assert!(
        zip.contains(
            "it looks like a ZIP archive (or an Office document), which is not a type Builder takes"
        ),
        "{zip}"
    );
    assert!(
        zip.contains("PNG, JPEG, WebP, GIF, PDF, JSON and plain text"),
        "{zip}"
    );

    let unknown = refused(Attachment::from_path(files.write("data.bin", &[7; 32])));
    assert!(
        unknown.contains("`data.bin` is not a type Builder takes"),
        "{unknown}"
    );

    let fake = refused(Attachment::from_path(files.write("fake.jpg", b"hello")));
    assert!(
        fake.contains("its name says JPEG, but it does not start like a JPEG file"),
        "{fake}"
    );

    let latin1 = refused(Attachment::from_path(files.write("latin1.txt", b"caf\xe9")));
    assert!(latin1.contains("not UTF-8 text"), "{latin1}");
}
