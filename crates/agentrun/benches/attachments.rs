//! A 64 MiB file to a ready Builder request body (`Attachment::from_path`, the request, its
//! JSON bytes), next to coreutils `base64` on the same file in the same run; and the peak memory
//! it takes, as a multiple of the file's size.
//!
//! ```text
//! cargo bench -p agentrun --bench attachments [-- MIB]
//! ```
//!
//! The body is built in a child process of this benchmark, so its peak resident memory
//! (`VmHWM`) is the build's alone.

// A benchmark: a failed unwrap is a failed run.
#![allow(clippy::unwrap_used, missing_docs)]

use std::io::Write;
use std::path::Path;
use std::process::Command;
use std::time::Instant;

use agentrun::builder::types::{AgentRunRequest, Attachments, UserMessage};
use agentrun::{Attachment, AttachmentLimits};

const CHILD: &str = "AGENTRUN_BENCH_ATTACHMENT";

fn status_kib(field: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix(field))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        })
        .unwrap_or(0)
}

/// In the child: build the body; print seconds, the RSS before, the peak RSS, the body size.
fn build(path: &Path) {
    let before = status_kib("VmRSS:");
    let started = Instant::now();
    let attachment =
        Attachment::from_path_with(path, AttachmentLimits::default().max_bytes(u64::MAX)).unwrap();
    let request = AgentRunRequest {
        user_message: UserMessage {
            user_prompt: "Read this spec".into(),
            attachments: Some(Attachments(vec![attachment.into_inner()])),
        },
        project_id: None,
        branch_name: None,
        user_email: Some("developer@yourcompany.com".into()),
        user_id: None,
    };
    let body = serde_json::to_vec(&request).unwrap();
    drop(request);
    let seconds = started.elapsed().as_secs_f64();
    println!("{seconds} {before} {} {}", status_kib("VmHWM:"), body.len());
}

fn main() {
    if let Ok(path) = std::env::var(CHILD) {
        build(Path::new(&path));
        return;
    }
    let mib: u64 = std::env::args()
        .skip(1)
        .find(|a| !a.starts_with("--"))
        .and_then(|a| a.parse().ok())
        .unwrap_or(64);
    let size = mib * 1024 * 1024;
    let path = std::env::temp_dir().join(format!("agentrun-bench-{}.pdf", std::process::id()));
    {
        let mut file = std::fs::File::create(&path).unwrap();
        file.write_all(b"%PDF-1.7\n").unwrap();
        let mut state = 0x2545_f491_4f6c_dd1d_u64;
        let mut chunk = vec![0_u8; 1 << 20];
        let mut written = 9;
        while written < size {
            for byte in chunk.iter_mut() {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                *byte = state as u8;
            }
            let n = chunk.len().min((size - written) as usize);
            file.write_all(&chunk[..n]).unwrap();
            written += n as u64;
        }
    }

    let mut base64_best = f64::MAX;
    let mut ours_best = f64::MAX;
    let mut peak = 0_u64;
    let mut body_len = 0_usize;
    for _ in 0..3 {
        let started = Instant::now();
        let status = Command::new("base64")
            .arg(&path)
            .stdout(std::process::Stdio::null())
            .status()
            .unwrap();
        assert!(status.success());
        base64_best = base64_best.min(started.elapsed().as_secs_f64());

        let output = Command::new(std::env::current_exe().unwrap())
            .env(CHILD, &path)
            .output()
            .unwrap();
        let line = String::from_utf8(output.stdout).unwrap();
        let fields: Vec<f64> = line
            .split_whitespace()
            .map(|f| f.parse().unwrap())
            .collect();
        ours_best = ours_best.min(fields[0]);
        peak = peak.max((fields[2] - fields[1]) as u64 * 1024);
        body_len = fields[3] as usize;
    }
    std::fs::remove_file(&path).unwrap();
    let rate = |seconds: f64| size as f64 / (1024.0 * 1024.0) / seconds;
    println!("{mib} MiB PDF, best of 3");
    println!(
        "coreutils base64 (to /dev/null)        {:>7.3} s  {:>7.1} MiB/s",
        base64_best,
        rate(base64_best)
    );
    println!(
        "agentrun: file -> ready request body   {:>7.3} s  {:>7.1} MiB/s  ({:.2}x base64's time)",
        ours_best,
        rate(ours_best),
        ours_best / base64_best
    );
    println!(
        "peak memory above the process's start: {:.1} MiB = {:.2}x the file (body {:.1} MiB)",
        peak as f64 / (1024.0 * 1024.0),
        peak as f64 / size as f64,
        body_len as f64 / (1024.0 * 1024.0)
    );
}
