//! The accept loop: each TCP connection the server takes, and closing the idle ones.
//!
//! jsonrpsee's own loop keeps a WebSocket open for as long as its client does, and each open
//! WebSocket holds one of the `--max-connections` permits. Clients that open WebSockets and
//! never use them could hold every permit, so a connection on which the client has sent
//! nothing for `--idle-timeout` and that carries no subscription is closed. A subscriber may
//! stay silent for hours: it is listening, not idle.
//!
//! Activity is what the client sends: every byte read from the socket (a request, a ping) moves
//! the connection's clock. Subscriptions are counted by the subscription handlers, which find
//! their connection's [`Activity`] in the request's extensions.

use std::{
    io,
    pin::Pin,
    sync::{
        atomic::{AtomicU64, AtomicUsize, Ordering},
        Arc,
    },
    task::{Context, Poll},
    time::Duration,
};

use jsonrpsee::{
    core::BoxError,
    server::{serve_with_graceful_shutdown, stop_channel, ServerHandle, StopHandle},
};
use tokio::{
    io::{AsyncRead, AsyncWrite, ReadBuf},
    net::TcpListener,
    time::Instant,
};

/// What one connection's client has done lately.
#[derive(Debug)]
pub struct Activity {
    opened: Instant,
    /// Milliseconds from `opened` to the last byte read.
    last_read_ms: AtomicU64,
    subscriptions: AtomicUsize,
}

impl Activity {
    fn new() -> Self {
        Self {
            opened: Instant::now(),
            last_read_ms: AtomicU64::new(0),
            subscriptions: AtomicUsize::new(0),
        }
    }

    fn touch(&self) {
        let elapsed = self.opened.elapsed().as_millis() as u64;
        self.last_read_ms.store(elapsed, Ordering::Relaxed);
    }

    fn last_read(&self) -> Instant {
        self.opened + Duration::from_millis(self.last_read_ms.load(Ordering::Relaxed))
    }

    /// Counts a subscription on this connection until the guard is dropped.
    pub fn subscription(self: &Arc<Self>) -> SubscriptionGuard {
        self.subscriptions.fetch_add(1, Ordering::Relaxed);
        SubscriptionGuard(Arc::clone(self))
    }

    fn has_subscriptions(&self) -> bool {
        self.subscriptions.load(Ordering::Relaxed) > 0
    }
}

/// A live subscription on a connection; see [`Activity::subscription`].
#[derive(Debug)]
pub struct SubscriptionGuard(Arc<Activity>);

impl Drop for SubscriptionGuard {
    fn drop(&mut self) {
        self.0.subscriptions.fetch_sub(1, Ordering::Relaxed);
    }
}

/// Accepts connections on `listener` until the returned handle is stopped. `service` makes the
/// service for one connection, given the stop handle that closes that connection; the
/// connection's [`Activity`] is in every request's extensions.
pub fn spawn<S, B>(
    listener: TcpListener,
    idle_timeout: Duration,
    service: impl Fn(StopHandle) -> S + Send + 'static,
) -> ServerHandle
where
    S: tower::Service<http::Request<hyper::body::Incoming>, Response = http::Response<B>>
        + Clone
        + Send
        + 'static,
    S::Future: Send,
    S::Response: Send,
    S::Error: Into<BoxError>,
    B: http_body::Body<Data = bytes::Bytes> + Send + 'static,
    B::Error: Into<BoxError>,
{
    let (server_stop, handle) = stop_channel();
    tokio::spawn(async move {
        loop {
            let socket = tokio::select! {
                accepted = listener.accept() => match accepted {
                    Ok((socket, _)) => socket,
                    Err(e) => {
                        tracing::debug!("accepting a connection: {e}");
                        continue;
                    }
                },
                _ = server_stop.clone().shutdown() => return,
            };
            socket.set_nodelay(true).ok();
            let activity = Arc::new(Activity::new());
            let (connection_stop, connection_handle) = stop_channel();
            let with_activity = tower::ServiceBuilder::new()
                .layer(tower_http::add_extension::AddExtensionLayer::new(
                    Arc::clone(&activity),
                ))
                .service(service(connection_stop.clone()));
            tokio::spawn(close_when_idle(
                Arc::clone(&activity),
                idle_timeout,
                server_stop.clone(),
                connection_handle,
            ));
            let io = Tracked {
                io: socket,
                activity,
            };
            tokio::spawn(async move {
                let closed = connection_stop.shutdown();
                if let Err(e) = serve_with_graceful_shutdown(io, with_activity, closed).await {
                    tracing::debug!("connection ended: {e}");
                }
            });
        }
    });
    handle
}

/// Stops the connection once it is idle or the server stops, whichever comes first; returns
/// when the connection has closed by itself.
async fn close_when_idle(
    activity: Arc<Activity>,
    idle_timeout: Duration,
    server_stop: StopHandle,
    connection: ServerHandle,
) {
    let idle = async {
        loop {
            tokio::time::sleep_until(activity.last_read() + idle_timeout).await;
            let silent = activity.last_read() + idle_timeout <= Instant::now();
            if silent && !activity.has_subscriptions() {
                return;
            }
            if silent {
                // A listening subscriber: look again after another timeout.
                tokio::time::sleep(idle_timeout).await;
            }
        }
    };
    tokio::select! {
        _ = idle => {}
        _ = server_stop.shutdown() => {}
        _ = connection.clone().stopped() => return,
    }
    connection.stop().ok();
}

/// A socket that records when its client last sent something.
struct Tracked<IO> {
    io: IO,
    activity: Arc<Activity>,
}

impl<IO: AsyncRead + Unpin> AsyncRead for Tracked<IO> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let polled = Pin::new(&mut self.io).poll_read(cx, buf);
        if matches!(polled, Poll::Ready(Ok(()))) && buf.filled().len() > before {
            self.activity.touch();
        }
        polled
    }
}

impl<IO: AsyncWrite + Unpin> AsyncWrite for Tracked<IO> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.io).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.io).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.io).poll_shutdown(cx)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.io).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.io.is_write_vectored()
    }
}
