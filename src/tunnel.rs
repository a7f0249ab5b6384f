//! The in-process ngrok tunnel: a session, one https endpoint, and its errors phrased as fixes.

use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use futures_util::StreamExt;
use ngrok::EndpointConn;
use ngrok::conn::ConnInfo;
use ngrok::prelude::{EndpointInfo, TunnelBuilder, TunnelCloser};
use ngrok::session::{ConnectError, IoStream};
use ngrok::tunnel::{AcceptError, HttpTunnel};
use tokio::sync::watch;

use crate::settings::ngrok::Ngrok;

/// ngrok errors must come back quickly: a tool that hangs on a dead network is worse than one
/// that fails.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(8);

#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct TunnelError(String);

pub struct Tunnel {
    session: ngrok::Session,
    endpoint: HttpTunnel,
    reconnects: watch::Receiver<u64>,
    options: Arc<Ngrok>,
}

/// Opens the session and the endpoint, or says why not within `CONNECT_TIMEOUT`.
pub async fn open(options: Ngrok) -> Result<Tunnel, TunnelError> {
    let options = Arc::new(options);
    let (reconnected, reconnects) = watch::channel(0u64);
    let mut builder = ngrok::Session::builder();
    builder
        .authtoken(options.authtoken.expose())
        .client_info("c2c", env!("CARGO_PKG_VERSION"), None::<String>)
        .connector(
            move |host: String,
                  port: u16,
                  tls: Arc<rustls::ClientConfig>,
                  err: Option<AcceptError>| {
                if let Some(err) = &err {
                    tracing::warn!("the ngrok session dropped ({err}); reconnecting");
                    reconnected.send_modify(|count| *count += 1);
                }
                connect(host, port, tls)
            },
        );
    if let Some(edge) = &options.test_edge {
        builder
            .server_addr(edge.addr.clone())
            .map_err(|err| TunnelError(format!("C2C_NGROK_TEST_EDGE: {err}")))?;
        builder.ca_cert(bytes::Bytes::from(edge.ca_pem.clone()));
    }
    let session = tokio::time::timeout(CONNECT_TIMEOUT, builder.connect())
        .await
        .map_err(|_| timed_out())?
        .map_err(|err| explain_connect(&err, &options))?;
    let endpoint = listen(&session, &options).await?;
    Ok(Tunnel {
        session,
        endpoint,
        reconnects,
        options,
    })
}

/// ngrok's own way in (TCP, then TLS with the session's config), plus `TCP_NODELAY`: the agent
/// protocol is small RPCs one after another, and Nagle's algorithm would hold each behind the
/// previous one's delayed ACK (40 ms each on loopback, measured with the stand-in).
async fn connect(
    host: String,
    port: u16,
    tls: Arc<rustls::ClientConfig>,
) -> Result<Box<dyn IoStream>, ConnectError> {
    let tcp = tokio::net::TcpStream::connect((host.as_str(), port))
        .await
        .map_err(ConnectError::Tcp)?;
    tcp.set_nodelay(true).map_err(ConnectError::Tcp)?;
    let name = rustls::pki_types::ServerName::try_from(host).map_err(|err| {
        ConnectError::Tls(std::io::Error::new(std::io::ErrorKind::InvalidInput, err))
    })?;
    let stream = tokio_rustls::TlsConnector::from(tls)
        .connect(name, tcp)
        .await
        .map_err(ConnectError::Tls)?;
    Ok(Box::new(stream))
}

async fn listen(session: &ngrok::Session, options: &Ngrok) -> Result<HttpTunnel, TunnelError> {
    let mut endpoint = session.http_endpoint();
    endpoint.forwards_to(options.forwards_to.clone());
    if let Some(domain) = &options.domain {
        endpoint.domain(domain.clone());
    }
    if let Some(token) = &options.verify_twilio {
        endpoint.webhook_verification("twilio", token.expose());
    }
    tokio::time::timeout(CONNECT_TIMEOUT, endpoint.listen())
        .await
        .map_err(|_| timed_out())?
        .map_err(|err| {
            let code = ngrok::Error::error_code(&err).map(str::to_owned);
            TunnelError(explain(code.as_deref(), &ngrok::Error::msg(&err), options))
        })
}

impl Tunnel {
    /// The public https URL, without a trailing slash.
    pub fn url(&self) -> &str {
        self.endpoint.url().trim_end_matches('/')
    }

    /// The next connection through the tunnel and the address of the client behind it; `None`
    /// when the tunnel has closed for good.
    pub async fn accept(&mut self) -> Option<(EndpointConn, IpAddr)> {
        loop {
            match self.endpoint.next().await? {
                Ok(conn) => {
                    let peer = conn.remote_addr().ip();
                    return Some((conn, peer));
                }
                Err(err) => tracing::debug!("a tunnel connection failed: {err}"),
            }
        }
    }

    /// Tells when the session drops and reconnects.
    pub fn reconnects(&self) -> Reconnects {
        Reconnects(self.reconnects.clone())
    }

    /// After a reconnect, opens a fresh endpoint to learn the session's address (ngrok may hand
    /// out another one), and closes the old one. A reserved domain keeps its address: `None`.
    pub async fn refresh(&mut self) -> Result<Option<String>, TunnelError> {
        if self.options.domain.is_some() {
            return Ok(None);
        }
        let fresh = listen(&self.session, &self.options).await?;
        let mut old = std::mem::replace(&mut self.endpoint, fresh);
        if let Err(err) = old.close().await {
            tracing::debug!("closing the old endpoint: {err}");
        }
        Ok(Some(self.url().to_owned()))
    }

    pub async fn close(mut self) {
        if let Err(err) = self.session.close().await {
            tracing::debug!("closing the ngrok session: {err}");
        }
    }
}

pub struct Reconnects(watch::Receiver<u64>);

impl Reconnects {
    /// Resolves when the session has dropped and is reconnecting.
    pub async fn next(&mut self) {
        if self.0.changed().await.is_err() {
            std::future::pending::<()>().await;
        }
    }
}

/// `c2c tunnel`: copies one connection to and from a server that already runs on `to`.
pub fn forward(mut conn: EndpointConn, peer: IpAddr, to: std::net::SocketAddr) {
    tokio::spawn(async move {
        match tokio::net::TcpStream::connect(to).await {
            Ok(mut local) => {
                let _ = tokio::io::copy_bidirectional(&mut conn, &mut local).await;
            }
            Err(err) => tracing::warn!(
                "a request from {peer} came through the tunnel, but nothing answers on {to} ({err}). Start your server, or fix --port."
            ),
        }
    });
}

fn timed_out() -> TunnelError {
    TunnelError(format!(
        "ngrok did not answer within {} s. Check the network: ngrok needs outbound TCP port 443 (a firewall or proxy may block it).",
        CONNECT_TIMEOUT.as_secs()
    ))
}

fn explain_connect(err: &ConnectError, options: &Ngrok) -> TunnelError {
    let target = options
        .test_edge
        .as_ref()
        .map_or("connect.ngrok-agent.com:443", |edge| edge.addr.as_str());
    match err {
        ConnectError::Tcp(io) => {
            return TunnelError(format!(
                "Cannot reach ngrok's service at {target} ({io}). Check the network: ngrok needs outbound TCP port 443."
            ));
        }
        ConnectError::Tls(io) => {
            return TunnelError(format!(
                "The TLS handshake with ngrok's service at {target} failed ({io}). A proxy or firewall that inspects TLS may be in the way: let c2c reach it directly."
            ));
        }
        _ => {}
    }
    let code = ngrok::Error::error_code(err).map(str::to_owned);
    TunnelError(explain(code.as_deref(), &ngrok::Error::msg(err), options))
}

/// One line for ngrok's error `code`, with the fix; ngrok's own first line for the others.
fn explain(code: Option<&str>, message: &str, options: &Ngrok) -> String {
    let domain = options.domain.as_deref().unwrap_or("");
    let fix = match code {
        Some("ERR_NGROK_105" | "ERR_NGROK_106" | "ERR_NGROK_107") => {
            "ngrok refused the authtoken: it is mistyped, old or revoked. Copy it again from https://dashboard.ngrok.com/get-started/your-authtoken into NGROK_AUTHTOKEN or --authtoken.".to_owned()
        }
        Some("ERR_NGROK_4018") => {
            "ngrok needs a verified account and its authtoken: sign up at https://dashboard.ngrok.com/signup, then set NGROK_AUTHTOKEN.".to_owned()
        }
        Some("ERR_NGROK_108") => {
            "your ngrok plan allows no more agent sessions: stop the other ngrok agent or c2c (the dashboard lists them under Agents).".to_owned()
        }
        Some("ERR_NGROK_313" | "ERR_NGROK_319" | "ERR_NGROK_320" | "ERR_NGROK_326") => format!(
            "ngrok refused the domain {domain}: it is not reserved on this account. Reserve it at https://dashboard.ngrok.com/domains, or leave out --domain."
        ),
        Some("ERR_NGROK_334") => format!(
            "the domain {domain} is already online through another ngrok agent or c2c. Stop that one, or use another domain."
        ),
        _ => {
            let first = message.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
            format!("ngrok refused the tunnel: {}", first.trim())
        }
    };
    match code {
        Some(code) => format!(
            "{fix} ({code}: https://ngrok.com/docs/errors/{})",
            code.to_ascii_lowercase()
        ),
        None => fix,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secret::Secret;

    fn options(domain: Option<&str>) -> Ngrok {
        Ngrok {
            authtoken: Secret::new("t"),
            domain: domain.map(str::to_owned),
            verify_twilio: None,
            forwards_to: "c2c".into(),
            test_edge: None,
        }
    }

    #[test]
    fn known_codes_get_a_fix_and_a_link() {
        let line = explain(Some("ERR_NGROK_107"), "The authtoken ...", &options(None));
        assert!(line.contains("mistyped, old or revoked"), "{line}");
        assert!(line.ends_with("(ERR_NGROK_107: https://ngrok.com/docs/errors/err_ngrok_107)"));
        let line = explain(Some("ERR_NGROK_320"), "", &options(Some("me.ngrok.app")));
        assert!(
            line.contains("the domain me.ngrok.app: it is not reserved"),
            "{line}"
        );
    }

    #[test]
    fn unknown_codes_keep_ngroks_first_line() {
        let line = explain(
            Some("ERR_NGROK_9999"),
            "\nSomething odd happened.\nMore detail.",
            &options(None),
        );
        assert!(
            line.starts_with("ngrok refused the tunnel: Something odd happened. (ERR_NGROK_9999")
        );
    }
}
