//! A stand-in for ngrok's service, for tests that cannot reach the real one: it speaks the agent
//! protocol (muxado streams carrying JSON RPCs) over TLS on loopback, answers Auth and Bind, and
//! carries HTTP requests to c2c through proxy streams as ngrok's edge does. c2c connects to it,
//! through the same connector it uses for ngrok, when `C2C_NGROK_TEST_EDGE` names its address
//! and `C2C_NGROK_TEST_CA` the CA of its certificate (`tests/fixtures/`).

use std::sync::{Arc, Mutex};
use std::time::Duration;

use muxado::heartbeat::{Heartbeat, HeartbeatConfig};
use muxado::typed::{StreamType, Typed, TypedAccept, TypedOpenClose, TypedSession, TypedStream};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// The CA c2c must trust to reach the stand-in (`C2C_NGROK_TEST_CA`).
pub const CA: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/ngrok-stand-in-ca.pem"
);
const CERT: &[u8] = include_bytes!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/ngrok-stand-in.pem"
));
const KEY: &[u8] = include_bytes!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/ngrok-stand-in-key.pem"
));

const AUTH: StreamType = StreamType::clamp(0);
const BIND: StreamType = StreamType::clamp(1);
const UNBIND: StreamType = StreamType::clamp(2);
const PROXY: StreamType = StreamType::clamp(3);

type Opener = Box<dyn TypedOpenClose + Send>;

#[derive(Default)]
struct State {
    /// What each Bind asked for, in order.
    binds: Vec<Value>,
    /// The URL the next Bind gets; each Bind takes the next one, the last one repeats.
    urls: Vec<String>,
    /// The latest session's opener and its endpoint's id: where proxy streams go.
    session: Option<(Arc<tokio::sync::Mutex<Opener>>, String)>,
    /// Sessions to end at once (to make the agent reconnect).
    drop_session: Option<tokio::sync::oneshot::Sender<()>>,
    /// Refuse every new session (`go_away`): the tunnel is gone for good.
    refusing: bool,
}

pub struct Edge {
    pub addr: String,
    state: Arc<Mutex<State>>,
    runtime: tokio::runtime::Runtime,
}

impl Edge {
    /// Accepts sessions whose authtoken is `authtoken`; Binds get `urls` in turn.
    pub fn start(authtoken: &str, urls: &[&str]) -> Edge {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        let listener = runtime.block_on(TcpListener::bind("127.0.0.1:0")).unwrap();
        let addr = listener.local_addr().unwrap().to_string();
        let state = Arc::new(Mutex::new(State {
            urls: urls.iter().map(|u| u.to_string()).collect(),
            ..State::default()
        }));
        let authtoken = authtoken.to_owned();
        let shared = Arc::clone(&state);
        let tls = tls_acceptor();
        runtime.spawn(async move {
            while let Ok((tcp, _)) = listener.accept().await {
                // As ngrok's edge would: the agent's RPCs are small and come one after another.
                let _ = tcp.set_nodelay(true);
                let (tls, authtoken, state) = (tls.clone(), authtoken.clone(), Arc::clone(&shared));
                tokio::spawn(async move {
                    // A client that gives up mid-handshake (a test of a bad CA, say) ends here.
                    if let Ok(stream) = tls.accept(tcp).await {
                        session(stream, authtoken, state).await;
                    }
                });
            }
        });
        Edge {
            addr,
            state,
            runtime,
        }
    }

    /// Every Bind request so far (its `Opts` say what the agent asked of the edge).
    pub fn binds(&self) -> Vec<Value> {
        self.state.lock().unwrap().binds.clone()
    }

    /// Ends the current session and refuses the agent's every attempt to come back, as an
    /// account suspended or a network gone for good would.
    pub fn go_away(&self) {
        self.state.lock().unwrap().refusing = true;
        self.drop_session();
    }

    /// Ends the current session, as a network drop would.
    pub fn drop_session(&self) {
        let mut state = self.state.lock().unwrap();
        // The session lives as long as someone holds its opener.
        state.session = None;
        if let Some(stop) = state.drop_session.take() {
            let _ = stop.send(());
        }
    }

    /// Sends `request` (a whole HTTP/1.1 request, with `Connection: close`) through the tunnel
    /// and returns the whole response.
    pub fn request(&self, request: &[u8]) -> String {
        let (opener, id) = self
            .state
            .lock()
            .unwrap()
            .session
            .clone()
            .expect("an agent has bound an endpoint");
        let request = request.to_vec();
        self.runtime.block_on(async move {
            let mut stream = opener.lock().await.open_typed(PROXY).await.unwrap();
            let header = json!({
                "Id": id,
                "ClientAddr": "203.0.113.9:4321",
                "Proto": "https",
                "EdgeType": "3",
                "PassthroughTLS": false,
            })
            .to_string();
            stream
                .write_all(&(header.len() as i64).to_le_bytes())
                .await
                .unwrap();
            stream.write_all(header.as_bytes()).await.unwrap();
            stream.write_all(&request).await.unwrap();
            let mut response = Vec::new();
            tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut response))
                .await
                .expect("c2c answers through the tunnel")
                .unwrap();
            String::from_utf8_lossy(&response).into_owned()
        })
    }
}

fn tls_acceptor() -> tokio_rustls::TlsAcceptor {
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::{CertificateDer, PrivateKeyDer};
    let certs = CertificateDer::pem_slice_iter(CERT)
        .collect::<Result<Vec<_>, _>>()
        .expect("the stand-in's certificate");
    let key = PrivateKeyDer::from_pem_slice(KEY).expect("the stand-in's key");
    let config = rustls::ServerConfig::builder()
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .expect("a TLS configuration");
    tokio_rustls::TlsAcceptor::from(Arc::new(config))
}

fn state_refusing(state: &Arc<Mutex<State>>) -> bool {
    state.lock().unwrap().refusing
}

async fn session(
    stream: tokio_rustls::server::TlsStream<tokio::net::TcpStream>,
    authtoken: String,
    state: Arc<Mutex<State>>,
) {
    let mux = muxado::SessionBuilder::new(stream).server().start();
    let Ok((heartbeat, _beats)) =
        Heartbeat::start(Typed::new(mux), HeartbeatConfig::default()).await
    else {
        return;
    };
    let (open, mut accept) = heartbeat.split_typed();
    let open: Arc<tokio::sync::Mutex<Opener>> = Arc::new(tokio::sync::Mutex::new(Box::new(open)));
    let (stop_tx, mut stop_rx) = tokio::sync::oneshot::channel();
    state.lock().unwrap().drop_session = Some(stop_tx);
    loop {
        let stream = tokio::select! {
            accepted = accept.accept_typed() => match accepted {
                Ok(stream) => stream,
                Err(_) => return,
            },
            _ = &mut stop_rx => {
                let _ = open.lock().await.close(muxado::Error::None, String::new()).await;
                return;
            }
        };
        let typ = stream.typ();
        if typ == AUTH {
            rpc(stream, |req| {
                if state_refusing(&state) {
                    json!({"Error": "Your account is suspended.\n\nERR_NGROK_103\n"})
                } else if req["Extra"]["AuthToken"] == authtoken.as_str() {
                    json!({"Version": "3", "ClientId": "stand-in-agent", "Extra": {}})
                } else {
                    json!({"Error": "The authtoken you specified is properly formed, but it is invalid.\n\nERR_NGROK_107\n"})
                }
            })
            .await;
        } else if typ == BIND {
            let state = Arc::clone(&state);
            let open = Arc::clone(&open);
            rpc(stream, move |req| {
                let mut state = state.lock().unwrap();
                state.binds.push(req.clone());
                let index = (state.binds.len() - 1).min(state.urls.len() - 1);
                let url = state.urls[index].clone();
                let id = match req["Id"].as_str() {
                    Some(id) if !id.is_empty() => id.to_owned(),
                    _ => format!("tunnel-{}", state.binds.len()),
                };
                state.session = Some((open, id.clone()));
                json!({"Id": id, "URL": url, "Proto": "https", "Opts": req["Opts"], "Extra": {"Token": ""}})
            })
            .await;
        } else if typ == UNBIND {
            rpc(stream, |_| json!({})).await;
        }
    }
}

/// Reads one JSON request from `stream`, writes `answer`'s reply and closes the stream.
async fn rpc(mut stream: TypedStream, answer: impl FnOnce(&Value) -> Value) {
    let mut buf = Vec::new();
    let request = loop {
        let mut chunk = [0u8; 1024];
        match stream.read(&mut chunk).await {
            Ok(0) | Err(_) => return,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
        if let Ok(value) = serde_json::from_slice::<Value>(&buf) {
            break value;
        }
    };
    let reply = answer(&request).to_string();
    let _ = stream.write_all(reply.as_bytes()).await;
    let _ = stream.shutdown().await;
}
