//! Files and stdin the command reads (`--prompt-file`, `--steps @FILE`, `--body @FILE`): bounded before they are
//! read, so `/dev/zero` or a runaway pipe is refused instead of filling memory. FIFOs and
//! process substitution (`<(...)`, `/dev/fd/N`) work: the size is checked while reading.

use std::io::Read;
use std::path::Path;

use agentrun::Error;

/// The most a prompt or a steps file may hold: far more than any prompt, far less than memory.
pub(crate) const MAX_INPUT_BYTES: u64 = 1024 * 1024;

/// The text of `path` (`-` for stdin) for `flag`, refused when it holds more than `limit`
/// bytes or is not UTF-8.
pub(crate) fn read_text(flag: &str, path: &Path, limit: u64) -> Result<String, Error> {
    let shown = if path == Path::new("-") {
        "stdin".to_string()
    } else {
        path.display().to_string()
    };
    let fail = |why: String| Error::Invalid {
        message: format!("{flag} {shown}: {why}"),
    };
    let too_big = || {
        fail(format!(
            "it holds more than {} KiB, the limit; give a shorter file",
            limit / 1024
        ))
    };
    let mut bytes = Vec::new();
    let read = if path == Path::new("-") {
        std::io::stdin()
            .lock()
            .take(limit + 1)
            .read_to_end(&mut bytes)
    } else {
        let file = std::fs::File::open(path)
            .map_err(|e| fail(format!("cannot read it: {}", agentrun::io_reason(&e))))?;
        let metadata = file
            .metadata()
            .map_err(|e| fail(format!("cannot read it: {}", agentrun::io_reason(&e))))?;
        if metadata.is_dir() {
            return Err(fail("it is a directory; give a file".into()));
        }
        // A regular file says its size up front; a pipe or device is measured as it is read.
        if metadata.is_file() && metadata.len() > limit {
            return Err(too_big());
        }
        file.take(limit + 1).read_to_end(&mut bytes)
    };
    read.map_err(|e| fail(format!("cannot read it: {}", agentrun::io_reason(&e))))?;
    if bytes.len() as u64 > limit {
        return Err(too_big());
    }
    String::from_utf8(bytes).map_err(|_| fail("it is not UTF-8 text".into()))
}

/// The JSON a flag like `--body` gives: `@FILE`, `-` (or `@-`) for stdin, or the JSON itself;
/// with how to name it in a message (`--body body.json`).
pub(crate) fn read_json(flag: &str, source: &str) -> Result<(serde_json::Value, String), Error> {
    let (text, shown) = match source
        .strip_prefix('@')
        .or(Some(source).filter(|s| *s == "-"))
    {
        Some(path) => {
            let path = std::path::Path::new(path);
            let text = read_text(flag, path, MAX_INPUT_BYTES)?;
            let name = if path == std::path::Path::new("-") {
                "stdin".to_string()
            } else {
                path.display().to_string()
            };
            (
                text,
                format!("{flag} {}", agentrun::runtime::one_line(&name)),
            )
        }
        None => (source.to_string(), flag.to_string()),
    };
    let value = serde_json::from_str(&text).map_err(|e| Error::Invalid {
        message: format!(
            "{shown} is not JSON (line {}, column {}: {}); give an object like {{\"name\": \"value\"}}",
            e.line(),
            e.column(),
            json_reason(&e)
        ),
    })?;
    Ok((value, shown))
}

/// serde_json's reason without its position (the message gives line and column itself).
fn json_reason(error: &serde_json::Error) -> String {
    let text = error.to_string();
    match text.rfind(" at line ") {
        Some(at) => text[..at].to_string(),
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_device_that_never_ends_is_refused_at_the_limit() {
        let error = read_text("--prompt-file", Path::new("/dev/zero"), 4096).unwrap_err();
        assert_eq!(
            error.to_string(),
            "--prompt-file /dev/zero: it holds more than 4 KiB, the limit; give a shorter file"
        );
    }

    #[test]
    fn files_within_the_limit_are_read_and_others_refused_before_reading() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("prompt.md");
        std::fs::write(&path, "Fix the checkout").unwrap();
        assert_eq!(
            read_text("--prompt-file", &path, 16).unwrap(),
            "Fix the checkout"
        );
        let error = read_text("--prompt-file", &path, 15)
            .unwrap_err()
            .to_string();
        assert!(
            error.ends_with("it holds more than 0 KiB, the limit; give a shorter file"),
            "{error}"
        );
        let error = read_text("--steps", dir.path(), 16)
            .unwrap_err()
            .to_string();
        assert!(error.ends_with("it is a directory; give a file"), "{error}");
        std::fs::write(&path, [0xff, 0xfe]).unwrap();
        let error = read_text("--steps", &path, 16).unwrap_err().to_string();
        assert!(error.ends_with("it is not UTF-8 text"), "{error}");
    }
}
