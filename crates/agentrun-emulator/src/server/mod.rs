//! The HTTP/1.1 accept loop. axum's own `serve` cannot drop one connection on request, and the
//! fault injection needs exactly that: each connection here carries a [`ConnectionKill`] that a
//! handler can pull to close the socket without answering.

use std::convert::Infallible;
use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::TcpListener;
use tokio::sync::{Notify, watch};
use tower::ServiceExt;

mod rejections;

/// Closes the connection a request arrived on, without an answer.
#[derive(Clone, Debug)]
pub(crate) struct ConnectionKill(Arc<Notify>);

impl ConnectionKill {
    /// Closes the connection; the request's answer (if any) is never sent.
    pub(crate) async fn drop_connection(&self) -> ! {
        self.0.notify_one();
        std::future::pending::<()>().await;
        unreachable!("a pending future never resolves")
    }
}

/// The most a connection buffers while reading a request: a request head (request line and
/// headers) larger than this is answered 431. hyper's default (about 400 KiB) let a head just
/// over it through when it arrived in one read; at 64 KiB no read can jump past it, and 1024
/// idle connections hold at most 64 MiB of buffers.
pub(crate) const MAX_BUFFERED_BYTES: usize = 64 * 1024;

/// How the accept loop guards itself: how long headers may take, how many connections at once.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Limits {
    /// A connection that has not sent a request's headers in this time is closed.
    pub(crate) header_read_timeout: std::time::Duration,
    /// Connections served at once; further ones wait in the listen backlog.
    pub(crate) max_connections: usize,
}

/// Serves `router` on `listener` until `shutdown` turns true; `on_accept` counts connections.
pub(crate) async fn serve(
    listener: TcpListener,
    router: Router,
    limits: Limits,
    mut shutdown: watch::Receiver<bool>,
    on_accept: impl Fn() + Send + 'static,
) {
    let slots = Arc::new(tokio::sync::Semaphore::new(limits.max_connections.max(1)));
    loop {
        // A connection slot first: at the limit, new connections wait in the backlog.
        let slot = tokio::select! {
            slot = Arc::clone(&slots).acquire_owned() => slot,
            _ = shutdown.changed() => return,
        };
        let Ok(slot) = slot else { return };
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            _ = shutdown.changed() => return,
        };
        let Ok((stream, _)) = accepted else {
            // Out of file descriptors and the like: wait a moment instead of spinning.
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
            continue;
        };
        on_accept();
        let _ = stream.set_nodelay(true);
        let router = router.clone();
        let mut shutdown = shutdown.clone();
        tokio::spawn(async move {
            let _slot = slot;
            let kill = Arc::new(Notify::new());
            let handle = ConnectionKill(Arc::clone(&kill));
            let service =
                hyper::service::service_fn(move |mut request: hyper::Request<Incoming>| {
                    request.extensions_mut().insert(handle.clone());
                    let router = router.clone();
                    async move {
                        let response = router.oneshot(request.map(Body::new)).await;
                        Ok::<_, Infallible>(match response {
                            Ok(response) => response,
                            Err(never) => match never {},
                        })
                    }
                });
            let connection = hyper::server::conn::http1::Builder::new()
                .keep_alive(true)
                .timer(TokioTimer::new())
                .header_read_timeout(limits.header_read_timeout)
                .max_buf_size(MAX_BUFFERED_BYTES)
                .serve_connection(
                    TokioIo::new(rejections::JsonRejections::new(stream)),
                    service,
                );
            tokio::select! {
                _ = connection => {}
                _ = kill.notified() => {}
                _ = shutdown.changed() => {}
            }
        });
    }
}
