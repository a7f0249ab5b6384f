//! Every setting c2c reads, declared once: its flag, its variable, its key in the config file,
//! and the words an error uses for it. clap's definitions in `cli` name the same flag and
//! variable; a test below fails when the two disagree, so a renamed field cannot be silently
//! ignored.

/// One setting.
#[derive(Debug)]
pub struct Setting {
    /// The clap argument id (the field name in `cli`); empty for a setting with no flag.
    pub id: &'static str,
    /// Its flag, or `None` for a setting read from the environment alone.
    pub flag: Option<&'static str>,
    pub env: &'static str,
    /// Its key in the config file. `None` for the test hooks: they are read from the process
    /// environment only, so that a `.env` file cannot redirect c2c's connections.
    pub key: Option<&'static str>,
    /// What it is, as a user would name it.
    pub what: &'static str,
    /// Where to find or how to make a value, for the "missing" and "invalid" messages.
    pub hint: &'static str,
    /// An address c2c sends credentials or tokens to, how they travel there, or a program it
    /// runs. Never read from a `.env` file: any cloned repository can carry one, and it must not
    /// be able to send the API Key secret elsewhere, in the clear, or run a program of its
    /// choosing (flags, the environment and the user's own config file only).
    pub endpoint: bool,
    /// A program or folder on this machine: a relative value in the config file is from the
    /// config file's folder, never from wherever c2c runs (a cloned repository there could
    /// hold a program or library of its choosing).
    pub local_path: bool,
}

macro_rules! settings {
    ($($name:ident = $id:literal, $flag:expr, $env:literal, $key:expr, $what:literal, $hint:literal $(, $reach:ident)?;)*) => {
        $(pub const $name: Setting = Setting {
            id: $id, flag: $flag, env: $env, key: $key, what: $what, hint: $hint,
            endpoint: settings!(@endpoint $($reach)?),
            local_path: settings!(@local $($reach)?),
        };)*
        /// Every setting, for checking the keys of a config file.
        pub const ALL: &[&Setting] = &[$(&$name),*];
    };
    (@endpoint) => { false };
    (@endpoint Endpoint) => { true };
    (@endpoint Program) => { true };
    (@local Program) => { true };
    (@local $($other:ident)?) => { false };
}

settings! {
    ACCOUNT_SID = "account_sid", Some("--account-sid"), "TWILIO_ACCOUNT_SID", Some("account_sid"),
        "Account SID", "It is on the Twilio Console's home page.";
    API_KEY = "api_key", Some("--api-key"), "TWILIO_API_KEY", Some("api_key"),
        "API Key SID", "Create an API Key in the Console under Account > API keys & tokens.";
    API_SECRET = "api_secret", Some("--api-secret"), "TWILIO_API_SECRET", Some("api_secret"),
        "API Key secret", "It is shown once, when the API Key is created.";
    AUTH_TOKEN = "auth_token", Some("--auth-token"), "TWILIO_AUTH_TOKEN", Some("auth_token"),
        "Auth Token", "It is on the Twilio Console's home page.";
    APP_SID = "twiml_app_sid", Some("--app-sid"), "TWILIO_TWIML_APP_SID", Some("twiml_app_sid"),
        "TwiML App SID", "Create one with `c2c configure --create NAME`, or copy it from the Console under Voice > TwiML Apps.";
    CALLER_ID = "caller_id", Some("--caller-id"), "TWILIO_CALLER_ID", Some("caller_id"),
        "caller ID", "Use one of your Twilio numbers, or a verified caller ID, in E.164 form (+ and the country code).";
    REGION = "region", Some("--region"), "TWILIO_REGION", Some("region"),
        "Twilio region", "Leave it unset for the default (us1).";
    EDGE = "edge", Some("--edge"), "TWILIO_EDGE", Some("edge"),
        "Twilio edge", "Leave it unset for the default edge.";
    API_BASE = "api_base", Some("--api-base"), "C2C_TWILIO_API_BASE", Some("api_base"),
        "Twilio REST API base URL", "Leave it unset to use Twilio's.", Endpoint;
    VOICE_BASE = "", None, "C2C_TWILIO_VOICE_BASE", Some("voice_base"),
        "Twilio Voice API base URL", "Leave it unset to use Twilio's (voice.twilio.com).", Endpoint;
    MONITOR_BASE = "", None, "C2C_TWILIO_MONITOR_BASE", Some("monitor_base"),
        "Twilio Monitor API base URL", "Leave it unset to use Twilio's (monitor.twilio.com).", Endpoint;
    TWILIO_TIMEOUT = "", None, "C2C_TWILIO_TIMEOUT", Some("twilio_timeout"),
        "Twilio timeout", "Use a whole number of seconds above 0, such as 20.";
    NGROK_AUTHTOKEN = "ngrok_authtoken", Some("--authtoken"), "NGROK_AUTHTOKEN", Some("ngrok_authtoken"),
        "ngrok authtoken", "Get one at dashboard.ngrok.com > Your Authtoken.";
    NGROK_DOMAIN = "domain", Some("--domain"), "C2C_NGROK_DOMAIN", Some("ngrok_domain"),
        "ngrok domain", "Reserve one at dashboard.ngrok.com > Domains.";
    NGROK_AGENT_API = "", None, "C2C_NGROK_AGENT_API", Some("ngrok_agent_api"),
        "ngrok agent API address", "Use the URL of the agent's tunnel list, such as http://127.0.0.1:4040/api/tunnels.", Endpoint;
    NGROK_TEST_EDGE = "", None, "C2C_NGROK_TEST_EDGE", None,
        "stand-in ngrok edge", "It is a test hook: unset it.";
    NGROK_TEST_CA = "", None, "C2C_NGROK_TEST_CA", None,
        "stand-in ngrok edge's CA certificate", "C2C_NGROK_TEST_EDGE needs it: the path of the stand-in's CA certificate (PEM).";
    HOST = "host", Some("--host"), "C2C_HOST", Some("host"),
        "listen address", "Use an IP address such as 127.0.0.1.";
    PORT = "port", Some("--port"), "C2C_PORT", Some("port"),
        "port", "Use a number from 0 to 65535.";
    PUBLIC_URL = "public_url", Some("--public-url"), "C2C_PUBLIC_URL", Some("public_url"),
        "public URL", "Use the https:// address your tunnel or proxy gives you.";
    ALLOW_COUNTRY = "allow_country", Some("--allow-country"), "C2C_ALLOW_COUNTRY", Some("allow_country"),
        "list of allowed countries", "Use region codes (US, GB) or calling codes (+44), separated by commas.";
    TOKEN_RATE = "token_rate", Some("--token-rate"), "C2C_TOKEN_RATE", Some("token_rate"),
        "token rate limit", "Use a whole number of tokens per minute, or 0 for no limit.";
    TOKEN_TTL = "token_ttl", Some("--token-ttl"), "C2C_TOKEN_TTL", Some("token_ttl"),
        "page token lifetime", "Use seconds or a duration such as 10m or 1h, from 20s to 24h.";
    SIGNALLING = "signalling", Some("--signalling"), "C2C_SIGNALLING", Some("signalling"),
        "signalling address", "Use HOST or HOST:PORT with no scheme or path, such as edge.example:8443 (the SDK adds wss:// and /signal).", Endpoint;
    LEG = "leg", Some("--leg"), "C2C_LEG", Some("leg"),
        "call leg", "Use browser (c2c's page in headless Chromium) or sip (through c2c's SIP Domain, made by `c2c configure --sip`).";
    SIP_PROXY = "sip_proxy", Some("--sip-proxy"), "C2C_SIP_PROXY", Some("sip_proxy"),
        "SIP proxy", "Use IP:PORT, such as 127.0.0.1:5060, or leave it unset to send INVITEs to the SIP Domain itself.", Endpoint;
    SIP_TRANSPORT = "sip_transport", Some("--sip-transport"), "C2C_SIP_TRANSPORT", Some("sip_transport"),
        "SIP transport", "Use udp (the default), tcp or tls.", Endpoint;
    SIP_MEDIA = "sip_media", Some("--sip-media"), "C2C_SIP_MEDIA", Some("sip_media"),
        "SIP sound", "Use rtp (the default: the Domain's Secure Media is off) or srtp (it is on).", Endpoint;
    CHROME = "chrome", Some("--chrome"), "CHROME_PATH", Some("chrome"),
        "Chromium", "Install it (Debian and Ubuntu: sudo apt install chromium; macOS: brew install --cask chromium), or give its path with --chrome.", Program;
    SPEECH_MODEL = "speech_model", Some("--speech-model"), "C2C_SPEECH_MODEL", Some("speech_model"),
        "speech model folder", "Give a folder holding encoder_model.onnx, decoder_model_merged.onnx, tokenizer.json and ONNX Runtime's library (README: Speech), or leave it unset for c2c's own download.", Program;
    SPEECH = "speech", Some("--speech"), "C2C_SPEECH", Some("speech"),
        "speech model", "Use tiny (the default: quick) or base (reads hard voices better, about six times slower).";
    SPEECH_MIRROR = "", None, "C2C_SPEECH_MIRROR", None,
        "stand-in speech download", "It is a test hook: unset it.";
    IDENTITY = "identity", Some("--identity"), "C2C_IDENTITY", Some("identity"),
        "client identity", "Choose another, such as alice or browser-1.";
    SIP_DOMAIN = "", None, "TWILIO_SIP_DOMAIN", Some("sip_domain"),
        "SIP Domain", "Run `c2c configure --sip`: it makes the SIP Domain and keeps its name in c2c's config file.";
    SIP_USERNAME = "", None, "TWILIO_SIP_USERNAME", Some("sip_username"),
        "SIP username", "Run `c2c configure --sip`: it makes c2c's credential and keeps it in c2c's config file.";
    SIP_PASSWORD = "", None, "TWILIO_SIP_PASSWORD", Some("sip_password"),
        "SIP password", "Run `c2c configure --sip`: it makes c2c's credential and keeps it in c2c's config file.";
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    /// Variables clap reads for itself: they say where the settings files are.
    const FILE_LOCATIONS: &[&str] = &["C2C_CONFIG", "C2C_ENV_FILE"];

    fn every_arg() -> Vec<(String, clap::Arg)> {
        let cli = crate::cli::Cli::command();
        let mut args: Vec<(String, clap::Arg)> = cli
            .get_arguments()
            .map(|arg| ("c2c".to_owned(), arg.clone()))
            .collect();
        for sub in cli.get_subcommands() {
            args.extend(
                sub.get_arguments()
                    .map(|arg| (sub.get_name().to_owned(), arg.clone())),
            );
        }
        args
    }

    #[test]
    fn every_flag_with_a_variable_is_a_setting_with_the_same_flag_and_variable() {
        for (command, arg) in every_arg() {
            let Some(env) = arg.get_env().and_then(|env| env.to_str()) else {
                continue;
            };
            if FILE_LOCATIONS.contains(&env) {
                continue;
            }
            let setting = ALL
                .iter()
                .find(|s| s.id == arg.get_id().as_str())
                .unwrap_or_else(|| {
                    panic!(
                        "c2c {command}: --{:?} reads {env} but is no setting",
                        arg.get_long()
                    )
                });
            let long = arg.get_long().map(|long| format!("--{long}"));
            assert_eq!(
                setting.flag.map(str::to_owned),
                long,
                "c2c {command}: {env}"
            );
            assert_eq!(setting.env, env, "c2c {command}: {}", setting.id);
        }
    }

    #[test]
    fn every_setting_with_a_flag_is_a_flag_of_some_command() {
        let args = every_arg();
        for setting in ALL.iter().filter(|s| s.flag.is_some()) {
            assert!(
                args.iter()
                    .any(|(_, arg)| arg.get_id().as_str() == setting.id
                        && arg.get_env().is_some_and(|env| env == setting.env)),
                "{} ({}) is not a flag of any command, or reads another variable",
                setting.id,
                setting.env
            );
        }
    }

    #[test]
    fn settings_without_a_flag_have_no_id_and_keys_are_unique() {
        for setting in ALL {
            assert_eq!(
                setting.flag.is_none(),
                setting.id.is_empty(),
                "{}",
                setting.env
            );
        }
        let mut keys: Vec<&str> = ALL.iter().filter_map(|s| s.key).collect();
        let count = keys.len();
        keys.sort_unstable();
        keys.dedup();
        assert_eq!(keys.len(), count);
    }
}
