//! `c2c serve`'s and `c2c tunnel`'s command lines.

use clap::Args;

use super::{BringupArgs, DEFAULT_TOKEN_RATE, DEFAULT_TOKEN_TTL, DialArgs, PageArgs};

/// Serve the softphone page, /token and the /voice webhook
///
/// Serves the embedded softphone page, GET /token (Access Tokens for the page) and POST /voice
/// (the TwiML webhook that places the call) on a local address. With --tunnel it also opens an
/// ngrok tunnel, points the TwiML App's Voice URL at <tunnel>/voice and puts the old URL back when
/// it exits.
///
/// Only /voice and /status answer through the tunnel, and only to requests that carry a valid
/// X-Twilio-Signature; the page and /token answer local clients unless --share is given.
#[derive(Debug, Args)]
#[command(after_long_help = "\
Examples:
  c2c serve --tunnel                       One command to a working call
  c2c serve --tunnel --domain me.ngrok.app Keep the same public URL across runs
  c2c serve --public-url https://x.example Behind a tunnel or proxy of your own

The page:
  http://127.0.0.1:5000/                   Type a number, press Enter; calls to this tab ring it
  http://127.0.0.1:5000/?to=%2B14155552671&autocall=KEY
                                           Call on load, for a headless browser: serve prints
                                           the address with this run's KEY (see README)")]
pub struct ServeArgs {
    /// Open an ngrok tunnel and point the TwiML App's Voice URL at it until c2c exits
    #[arg(long)]
    pub tunnel: bool,

    /// Open the page in the default browser once the server is ready
    #[arg(long)]
    pub open: bool,

    #[command(flatten)]
    pub dial: DialArgs,

    /// Local port to listen on (0 picks a free one)
    #[arg(long, env = "C2C_PORT", value_name = "PORT", default_value = "5000")]
    pub port: String,

    /// Local address to listen on
    #[arg(
        long,
        env = "C2C_HOST",
        value_name = "ADDR",
        default_value = "127.0.0.1"
    )]
    pub host: String,

    /// The public URL Twilio reaches this server through, when you run your own tunnel or proxy
    #[arg(
        long,
        env = "C2C_PUBLIC_URL",
        value_name = "URL",
        conflicts_with = "tunnel"
    )]
    pub public_url: Option<String>,

    /// Also serve the page and /token through the tunnel, behind a password that c2c prints
    #[arg(long)]
    pub share: bool,

    #[command(flatten)]
    pub page: PageArgs,

    /// How long the page's access tokens last (the page fetches a fresh one before expiry)
    #[arg(
        long,
        env = "C2C_TOKEN_TTL",
        value_name = "DURATION",
        default_value = DEFAULT_TOKEN_TTL
    )]
    pub token_ttl: String,

    /// Tokens each client may get per minute from /token (0: no limit)
    #[arg(long, env = "C2C_TOKEN_RATE", value_name = "N", default_value = DEFAULT_TOKEN_RATE)]
    pub token_rate: String,

    /// Answer public webhooks without checking X-Twilio-Signature (unsafe: anyone could place
    /// calls on your account)
    #[arg(long)]
    pub insecure_unsigned_webhooks: bool,

    #[command(flatten)]
    pub bringup: BringupArgs,
}

/// Open only the tunnel, for a server that already runs
///
/// Forwards an ngrok tunnel to a local port where your own server (the Flask or Node quickstart,
/// say) already listens, points the TwiML App's Voice URL at <tunnel><path> and puts the old URL
/// back when it exits.
#[derive(Debug, Args)]
#[command(after_long_help = "\
Examples:
  c2c tunnel --port 5000               Tunnel to a quickstart app on port 5000
  c2c tunnel --port 3000 --path /twiml Its webhook lives at /twiml")]
pub struct TunnelArgs {
    /// Local port the tunnel forwards to
    #[arg(long, env = "C2C_PORT", value_name = "PORT", default_value = "5000")]
    pub port: String,

    /// Path of the voice webhook on that server
    #[arg(long, value_name = "PATH", default_value = "/voice")]
    pub path: String,

    #[command(flatten)]
    pub bringup: BringupArgs,
}
