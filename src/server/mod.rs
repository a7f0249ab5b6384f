//! The HTTP server: hyper 1 on tokio, one service for both sides.
//!
//! Connections arrive from a side: [`Side::Local`] for the local listener, [`Side::Public`] for
//! what the tunnel (or a public listener) feeds in. [`Server::accept`] is the one entry point,
//! so the tunnel plugs in by handing it each connection it accepts.

mod access;
mod assets;
mod body;
mod form;
mod limits;
mod logged;
mod outcomes;
mod rate_limit;
mod respond;
mod routes;
mod state;
mod token;
mod voice;
mod webhook;
mod webhook_auth;

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::{TcpListener, TcpSocket};

pub use limits::raise_open_files;
pub use rate_limit::RateLimit;
pub use state::App;

/// c2c's server on `listen` (`serve`'s, and `call`'s own), with the dial policy's data loading
/// beside it: the bound listener, the server, and the page's address.
pub async fn start(
    listen: SocketAddr,
    settings: crate::settings::serve::Server,
) -> Result<(TcpListener, Server, String), String> {
    let listener = bind(listen).await?;
    let local = listener
        .local_addr()
        .map_err(|err| format!("cannot read the bound address: {err}"))?;
    let server = Server::new(Arc::new(App::new(settings)));
    let app = Arc::clone(server.app());
    tokio::spawn(async move { app.load_policy().await });
    Ok((listener, server, format!("http://{}/", display_addr(local))))
}

fn display_addr(addr: SocketAddr) -> String {
    // The page must be opened under an address the local-host guard accepts.
    match addr.ip() {
        ip if ip.is_unspecified() => format!("127.0.0.1:{}", addr.port()),
        _ => addr.to_string(),
    }
}

/// Where a connection came from. Requests on the local side may still be judged public (see
/// `access`): the side is where the bytes arrived, not how far they are trusted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Local,
    Public,
}

pub struct Server {
    app: Arc<App>,
    graceful: GracefulShutdown,
    limits: limits::Limits,
}

impl Server {
    pub fn new(app: Arc<App>) -> Self {
        Server {
            app,
            graceful: GracefulShutdown::new(),
            limits: limits::Limits::default(),
        }
    }

    pub fn app(&self) -> &Arc<App> {
        &self.app
    }

    /// Serves one connection from `side` until it closes or the server shuts down.
    pub fn accept<I>(&self, io: I, side: Side, peer: IpAddr)
    where
        I: AsyncRead + AsyncWrite + Unpin + Send + 'static,
    {
        let Some(admitted) = self.limits.admit(side, peer) else {
            tracing::debug!(
                "closed a connection from {peer}: {} from elsewhere are open already",
                limits::MAX_REMOTE
            );
            return;
        };
        let app = Arc::clone(&self.app);
        let service = service_fn(move |request| {
            let app = Arc::clone(&app);
            async move {
                Ok::<_, std::convert::Infallible>(routes::handle(&app, side, peer, request).await)
            }
        });
        let connection = hyper::server::conn::http1::Builder::new()
            .timer(TokioTimer::new())
            // A slow client must not hold a connection open forever.
            .header_read_timeout(Duration::from_secs(10))
            .serve_connection(TokioIo::new(io), service);
        let connection = self.graceful.watch(connection);
        tokio::spawn(async move {
            if let Err(err) = connection.await {
                tracing::debug!("connection from {peer} ended: {err}");
            }
            drop(admitted);
        });
    }

    /// Serves `listener` for as long as the caller keeps this future: it never ends by itself.
    pub async fn run(&self, listener: TcpListener, side: Side) -> std::convert::Infallible {
        loop {
            match listener.accept().await {
                Ok((stream, peer)) => {
                    let _ = stream.set_nodelay(true);
                    self.accept(stream, side, peer.ip());
                }
                // Running out of file descriptors, say: wait instead of spinning.
                Err(err) => {
                    tracing::warn!("accepting a connection failed: {err}");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            }
        }
    }

    /// Lets requests in flight finish, for at most `grace`.
    pub async fn shutdown(self, grace: Duration) {
        if tokio::time::timeout(grace, self.graceful.shutdown())
            .await
            .is_err()
        {
            tracing::warn!("some requests were still running after {grace:?}; closing them");
        }
    }
}

/// Connections the kernel queues before c2c accepts them. A burst of connects (a thousand
/// clients reconnecting at once) would overflow a short queue, and a connect whose SYN is dropped
/// waits a whole second to try again: the local page would stall behind strangers.
const BACKLOG: u32 = 4096;

/// Binds the local listener, with an error that names the port and the flag to change it.
pub async fn bind(addr: SocketAddr) -> Result<TcpListener, String> {
    let listen = || {
        let socket = match addr {
            SocketAddr::V4(_) => TcpSocket::new_v4()?,
            SocketAddr::V6(_) => TcpSocket::new_v6()?,
        };
        // As std's TcpListener does on Unix: a restart may bind while old connections linger.
        #[cfg(unix)]
        socket.set_reuseaddr(true)?;
        socket.bind(addr)?;
        socket.listen(BACKLOG)
    };
    listen().map_err(|err| match err.kind() {
        std::io::ErrorKind::AddrInUse => format!(
            "port {} on {} is already in use, by another c2c or another server. Stop it, or choose another port with --port (0 picks a free one).",
            addr.port(),
            addr.ip()
        ),
        std::io::ErrorKind::PermissionDenied => format!(
            "not allowed to listen on port {}: ports below 1024 need privileges. Choose another with --port.",
            addr.port()
        ),
        std::io::ErrorKind::AddrNotAvailable => format!(
            "{} is not an address of this machine. Choose another with --host (127.0.0.1 is the usual one).",
            addr.ip()
        ),
        _ => format!("cannot listen on {addr}: {err}"),
    })
}
