//! Whether a webhook may be answered: local requests as they are, public ones only with a valid
//! X-Twilio-Signature over the URL Twilio called.

use super::access::{self, Trust};
use super::{App, logged};
use crate::signature;

/// Why a webhook from outside was not answered.
#[derive(Debug, thiserror::Error)]
pub enum Refused {
    #[error("no Auth Token is set, so signatures cannot be checked (set TWILIO_AUTH_TOKEN)")]
    NoAuthToken {
        /// Whether the request carried a signature, as Twilio's always do.
        signed: bool,
    },
    #[error("no X-Twilio-Signature header")]
    NoSignature,
    #[error("the public URL is not known, so the signed URL cannot be rebuilt (pass --public-url)")]
    NoPublicUrl,
    #[error("the X-Twilio-Signature does not match {urls} with the Auth Token")]
    Mismatch { urls: String },
}

impl Refused {
    /// The user's words, for the page of the call it ended. Only a request that claimed to be
    /// Twilio's gets one: an unsigned request is nobody's call.
    pub fn for_the_page(&self) -> Option<&'static str> {
        match self {
            Refused::NoAuthToken { signed: true } => Some(
                "c2c could not check that Twilio's request for this call was genuine, so it did not answer it: set TWILIO_AUTH_TOKEN to your account's Auth Token (Twilio Console home page) and restart c2c.",
            ),
            Refused::Mismatch { .. } => Some(
                "c2c refused Twilio's request for this call: its signature does not match c2c's Auth Token. Set TWILIO_AUTH_TOKEN to the Auth Token of the account the TwiML App belongs to, and restart c2c.",
            ),
            Refused::NoAuthToken { signed: false }
            | Refused::NoSignature
            | Refused::NoPublicUrl => None,
        }
    }
}

/// `Ok` when the webhook may be answered; otherwise why not.
pub fn check(
    app: &App,
    trust: Trust,
    parts: &hyper::http::request::Parts,
    params: &[(String, String)],
    raw_body: Option<&[u8]>,
) -> Result<(), Refused> {
    let header = parts
        .headers
        .get("x-twilio-signature")
        .and_then(|v| v.to_str().ok());
    // Local clients are trusted as they are for /token; this is what makes
    // `curl -d To=… localhost:5000/voice` work while developing. Under the same rules: sent to a
    // local name (a rebinding page could otherwise read the answer, with the browsers' identities
    // in it), and not on another site's behalf.
    let local = trust == Trust::Local
        && access::host_is_local(&parts.uri, &parts.headers)
        && !access::from_another_site(&parts.uri, &parts.headers);
    let unsigned_ok = local || app.insecure_unsigned;
    let (Some(auth_token), Some(signature)) = (&app.auth_token, header) else {
        return match (unsigned_ok, &app.auth_token) {
            (true, _) => Ok(()),
            (false, None) => Err(Refused::NoAuthToken {
                signed: header.is_some(),
            }),
            (false, Some(_)) => Err(Refused::NoSignature),
        };
    };
    let urls = signed_urls(app, trust, parts);
    if urls.is_empty() {
        return Err(Refused::NoPublicUrl);
    }
    let settings = parts
        .headers
        .get("x-twilio-webhooks-signature-settings")
        .and_then(|v| v.to_str().ok());
    let valid = urls.iter().any(|url| {
        signature::is_valid(
            auth_token,
            &signature::Signed {
                url,
                params,
                raw_body,
                signature,
                settings,
            },
        )
    });
    if valid {
        Ok(())
    } else {
        let urls: Vec<String> = urls.iter().map(|url| logged::value(url)).collect();
        Err(Refused::Mismatch {
            urls: urls.join(" or "),
        })
    }
}

/// The URLs Twilio may have signed: the public URL, and for a local request the address it was
/// sent to (a test or a proxy of the user's own).
fn signed_urls(app: &App, trust: Trust, parts: &hyper::http::request::Parts) -> Vec<String> {
    let path_and_query = parts.uri.path_and_query().map_or("/", |pq| pq.as_str());
    let mut urls: Vec<String> = app
        .public_url()
        .map(|base| format!("{base}{path_and_query}"))
        .into_iter()
        .collect();
    if let (Trust::Local, Some(authority)) = (trust, access::authority(&parts.uri, &parts.headers))
    {
        urls.push(format!("http://{authority}{path_and_query}"));
    }
    urls
}
