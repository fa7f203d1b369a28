//! hyper answers a request it cannot parse (a malformed request line or header, headers too
//! large, an unsupported version) itself, before any handler runs, with an empty body. Every
//! other error of the emulator has the documented JSON body, and clients read it; so the
//! socket is wrapped, and such an answer is rewritten on its way out with the same body.

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

/// A connection's socket whose bodiless error answers get a JSON body.
pub(crate) struct JsonRejections<S> {
    inner: S,
    /// A rewritten answer still being written, and how much of it is out.
    pending: Vec<u8>,
    written: usize,
}

impl<S> JsonRejections<S> {
    pub(crate) fn new(inner: S) -> Self {
        Self {
            inner,
            pending: Vec::new(),
            written: 0,
        }
    }
}

impl<S: AsyncWrite + Unpin> JsonRejections<S> {
    /// Writes out what is pending; ready when nothing is.
    fn drain(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        while self.written < self.pending.len() {
            let n =
                ready!(Pin::new(&mut self.inner).poll_write(cx, &self.pending[self.written..]))?;
            if n == 0 {
                return Poll::Ready(Err(io::ErrorKind::WriteZero.into()));
            }
            self.written += n;
        }
        self.pending.clear();
        self.written = 0;
        Poll::Ready(Ok(()))
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for JsonRejections<S> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for JsonRejections<S> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        ready!(self.drain(cx))?;
        if let Some(answer) = with_json_body(buf) {
            self.pending = answer;
            // Taken whole; what the socket does not take now goes out on the next call.
            let _ = self.drain(cx)?;
            return Poll::Ready(Ok(buf.len()));
        }
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        ready!(self.drain(cx))?;
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        ready!(self.drain(cx))?;
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

/// `head` with a JSON error body, when it is a whole bodiless error answer (status 400 or
/// more, `content-length: 0`); the emulator's own errors always carry a body, so such an
/// answer is hyper's.
fn with_json_body(head: &[u8]) -> Option<Vec<u8>> {
    let text = std::str::from_utf8(head).ok()?;
    let status: u16 = text.strip_prefix("HTTP/1.1 ")?.get(..3)?.parse().ok()?;
    if status < 400 || !text.ends_with("\r\n\r\n") {
        return None;
    }
    let empty = "content-length: 0\r\n";
    let at = text.to_ascii_lowercase().find(empty)?;
    let (error, code) = match status {
        431 => ("The request's headers are too large", "headers_too_large"),
        414 => ("The request's URI is too long", "uri_too_long"),
        505 => (
            "Only HTTP/1.1 (and 1.0) are spoken here",
            "http_version_not_supported",
        ),
        408 => (
            "The request's headers did not arrive in time",
            "request_timeout",
        ),
        _ => (
            "The request could not be read as HTTP/1.1: a malformed request line or header",
            "bad_request",
        ),
    };
    let body = serde_json::json!({"error": error, "code": code}).to_string();
    let mut answer = String::with_capacity(text.len() + body.len() + 64);
    answer.push_str(&text[..at]);
    answer.push_str(&format!(
        "content-type: application/json\r\ncontent-length: {}\r\n",
        body.len()
    ));
    answer.push_str(&text[at + empty.len()..]);
    answer.push_str(&body);
    Some(answer.into_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_whole_bodiless_error_head_gets_a_body() {
        let head = "HTTP/1.1 431 Request Header Fields Too Large\r\nconnection: close\r\ncontent-length: 0\r\ndate: x\r\n\r\n";
        let answer = String::from_utf8(with_json_body(head.as_bytes()).unwrap()).unwrap();
        let (head, body) = answer.split_once("\r\n\r\n").unwrap();
        assert!(head.contains("content-type: application/json"), "{head}");
        assert!(
            head.contains(&format!("content-length: {}", body.len())),
            "{head}"
        );
        let json: serde_json::Value = serde_json::from_str(body).unwrap();
        assert_eq!(json["code"], "headers_too_large");
        for not_ours in [
            "HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n",
            "HTTP/1.1 404 Not Found\r\ncontent-length: 12\r\n\r\n",
            "HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n",
            "{\"error\": \"a body\"}",
        ] {
            assert!(with_json_body(not_ours.as_bytes()).is_none(), "{not_ours}");
        }
    }
}
