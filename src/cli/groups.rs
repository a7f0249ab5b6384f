//! Groups of flags that several commands share, declared once.

use clap::Args;

/// The help headings the account's and ngrok's flags stand under: in `--help` only, where they
/// come after the command's own options; `-h` names them in one line (`cli::command`).
pub const TWILIO: &str = "Twilio account (or the TWILIO_* variables, .env, the config file)";
pub const NGROK: &str = "ngrok";

/// Who the page may call, and as whom: `serve` applies it, `doctor` checks it.
#[derive(Debug, Args)]
pub struct DialArgs {
    /// Country the page may call, as a region code (US, GB) or calling code (+44); repeatable.
    /// Default: the caller ID's country
    #[arg(
        long = "allow-country",
        env = "C2C_ALLOW_COUNTRY",
        value_name = "COUNTRY",
        value_delimiter = ','
    )]
    pub allow_country: Vec<String>,

    /// The phone number calls come from (E.164, a Twilio number or a verified caller ID)
    #[arg(
        long,
        env = "TWILIO_CALLER_ID",
        value_name = "NUMBER",
        help_heading = TWILIO,
        display_order = 105,
        hide_short_help = true
    )]
    pub caller_id: Option<String>,
}

/// How the page reaches Twilio: `serve` and `call` share it.
#[derive(Debug, Args)]
pub struct PageArgs {
    /// Point the page's Voice SDK at this signalling address instead of Twilio's (a staging or
    /// test stand-in), as HOST[:PORT]
    #[arg(long, env = "C2C_SIGNALLING", value_name = "HOST:PORT")]
    pub signalling: Option<String>,
}

/// What pointing the TwiML App at a tunnel needs: `serve --tunnel` and `tunnel` share them.
#[derive(Debug, Args)]
pub struct BringupArgs {
    /// Replace the TwiML App's Voice URL even when it points somewhere c2c did not set
    #[arg(long)]
    pub force: bool,

    #[command(flatten)]
    pub account: AccountArgs,

    #[command(flatten)]
    pub ngrok: NgrokArgs,
}

/// The TwiML App and what it takes to change it through Twilio's REST API.
#[derive(Debug, Args)]
pub struct AccountArgs {
    #[command(flatten)]
    pub credentials: CredentialArgs,

    #[command(flatten)]
    pub app: AppArgs,

    #[command(flatten)]
    pub rest: RestArgs,
}

/// Who you are to Twilio. An API Key signs Access Tokens and calls the REST API.
#[derive(Debug, Args)]
#[command(next_help_heading = TWILIO)]
pub struct CredentialArgs {
    /// Account SID (AC…), from the Twilio Console's home page
    #[arg(
        long,
        env = "TWILIO_ACCOUNT_SID",
        value_name = "SID",
        display_order = 100,
        hide_short_help = true
    )]
    pub account_sid: Option<String>,

    /// API Key SID (SK…), from Console > Account > API keys & tokens
    #[arg(
        long,
        env = "TWILIO_API_KEY",
        value_name = "SID",
        display_order = 101,
        hide_short_help = true
    )]
    pub api_key: Option<String>,

    /// The API Key's secret (prefer the environment or .env: flags show in `ps`)
    #[arg(
        long,
        env = "TWILIO_API_SECRET",
        value_name = "SECRET",
        hide_env_values = true,
        display_order = 102,
        hide_short_help = true
    )]
    pub api_secret: Option<String>,

    /// Twilio region for tokens and REST calls (us1, ie1, au1, jp1)
    #[arg(
        long,
        env = "TWILIO_REGION",
        value_name = "REGION",
        display_order = 110,
        hide_short_help = true
    )]
    pub region: Option<String>,
}

#[derive(Debug, Args)]
#[command(next_help_heading = TWILIO)]
pub struct AppArgs {
    /// TwiML App SID (AP…) whose Voice URL receives the page's calls
    #[arg(
        long = "app-sid",
        env = "TWILIO_TWIML_APP_SID",
        value_name = "SID",
        display_order = 104,
        hide_short_help = true
    )]
    pub twiml_app_sid: Option<String>,
}

#[derive(Debug, Args)]
#[command(next_help_heading = TWILIO)]
pub struct RestArgs {
    /// Auth Token: checks webhook signatures, and can stand in for the API Key on REST calls
    #[arg(
        long,
        env = "TWILIO_AUTH_TOKEN",
        value_name = "TOKEN",
        hide_env_values = true,
        display_order = 103,
        hide_short_help = true
    )]
    pub auth_token: Option<String>,

    /// Twilio edge location for REST calls (ashburn, dublin, sydney, ...)
    #[arg(
        long,
        env = "TWILIO_EDGE",
        value_name = "EDGE",
        display_order = 111,
        hide_short_help = true
    )]
    pub edge: Option<String>,

    /// Base URL of the Twilio REST API, for proxies and tests
    #[arg(
        long,
        env = "C2C_TWILIO_API_BASE",
        value_name = "URL",
        display_order = 112,
        hide_short_help = true
    )]
    pub api_base: Option<String>,
}

#[derive(Debug, Args)]
#[command(next_help_heading = NGROK)]
pub struct NgrokArgs {
    /// ngrok authtoken. Default: the ngrok agent's own config file
    #[arg(
        long = "authtoken",
        env = "NGROK_AUTHTOKEN",
        value_name = "TOKEN",
        hide_env_values = true,
        help_heading = NGROK,
        display_order = 120,
        hide_short_help = true
    )]
    pub ngrok_authtoken: Option<String>,

    /// Reserved or free static ngrok domain, so the public URL stays the same across runs
    #[arg(long, env = "C2C_NGROK_DOMAIN", value_name = "DOMAIN", help_heading = NGROK, display_order = 121, hide_short_help = true)]
    pub domain: Option<String>,
}
