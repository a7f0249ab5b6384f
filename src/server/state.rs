//! What the server knows: settings fixed at start-up, and the little that changes at run time.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock, PoisonError, RwLock};

use crate::dial::{Allowed, DialPolicy};
use crate::secret::Secret;
use crate::settings::{self, CALLER_ID, Origin, Problem};
use crate::token::Minter;

use super::RateLimit;
use super::logged::Throttle;
use super::outcomes::Outcomes;

pub struct App {
    pub minter: Minter,
    pub token_ttl: u64,
    /// E.164.
    pub caller_id: String,
    /// Where the caller ID was set, for the error when libphonenumber rejects it.
    caller_id_origin: Origin,
    allowed: Vec<Allowed>,
    /// Built on a blocking thread just after start (`load_policy`): the phone-number data for the
    /// allowed countries takes a few milliseconds to load, which neither start-up nor the first
    /// call should wait for.
    policy: OnceLock<Result<DialPolicy, String>>,
    /// Checks webhook signatures; without it public webhooks are refused.
    pub auth_token: Option<Secret>,
    /// `--insecure-unsigned-webhooks`.
    pub insecure_unsigned: bool,
    /// `--share`: the password that opens the page and /token to the public side.
    pub share_password: Option<Secret>,
    /// What `autocall=` must be for the page to place a call as it opens.
    pub autocall_key: Secret,
    pub token_limit: RateLimit,
    pub identities: Identities,
    /// Refused webhooks are logged at a bounded rate.
    pub refusals: Throttle,
    /// How recent calls ended, for their pages.
    pub outcomes: Outcomes,
    /// `--signalling`: where the page's SDK connects instead of to Twilio.
    pub signalling: Option<String>,
    /// The SIP Domain whose callers `/voice` dials for, when there is one.
    pub sip_domain: Option<String>,
    /// The public base URL (`https://x.ngrok.app`): what Twilio signs. The tunnel sets it, and
    /// sets it again if a reconnected session gets another address.
    public_url: RwLock<Option<String>>,
}

impl App {
    pub fn new(settings: settings::serve::Server) -> Self {
        App {
            minter: settings.minter,
            token_ttl: settings.token_ttl,
            caller_id: settings.caller_id,
            caller_id_origin: settings.caller_id_origin,
            allowed: settings.allowed,
            policy: OnceLock::new(),
            auth_token: settings.auth_token,
            insecure_unsigned: settings.insecure_unsigned,
            share_password: settings.share_password,
            autocall_key: settings.autocall_key,
            token_limit: RateLimit::per_minute(settings.token_rate),
            identities: Identities::default(),
            refusals: Throttle::default(),
            outcomes: Outcomes::default(),
            signalling: settings.signalling,
            sip_domain: settings.sip_domain,
            public_url: RwLock::new(
                settings
                    .public_url
                    .map(|url| url.trim_end_matches('/').to_owned()),
            ),
        }
    }

    /// Makes sure the dial policy is built, loading libphonenumber's data on a blocking thread
    /// the first time so that no request waits behind it on a runtime thread. `serve` calls it
    /// once at start; `/voice` again, in case a call came first.
    pub async fn load_policy(self: &Arc<Self>) {
        if self.policy.get().is_none() {
            let app = Arc::clone(self);
            // A failure is kept in the OnceLock and answered by `policy`, so the join result
            // carries nothing to act on.
            let _ = tokio::task::spawn_blocking(move || {
                let _ = app.policy();
            })
            .await;
        }
    }

    /// The dial policy, or why the caller ID cannot anchor one. The first call loads
    /// libphonenumber's data (see `load_policy`) and logs what the page may call, or what is
    /// wrong with the caller ID and how to fix it.
    pub fn policy(&self) -> Result<&DialPolicy, &str> {
        self.policy
            .get_or_init(|| {
                let policy = DialPolicy::load(&self.caller_id, self.allowed.clone());
                match &policy {
                    Ok(policy) => {
                        let allowed: Vec<String> =
                            policy.allowed().iter().map(ToString::to_string).collect();
                        tracing::info!("the page may call {}", allowed.join(", "));
                    }
                    Err(why) => tracing::error!(
                        "{}",
                        Problem::Invalid {
                            origin: self.caller_id_origin.clone(),
                            what: CALLER_ID.what,
                            why: format!("{}: {why}", self.caller_id),
                            fix: CALLER_ID.hint,
                        }
                    ),
                }
                policy
            })
            .as_ref()
            .map_err(String::as_str)
    }

    pub fn public_url(&self) -> Option<String> {
        self.public_url
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    pub fn set_public_url(&self, url: &str) {
        *self
            .public_url
            .write()
            .unwrap_or_else(PoisonError::into_inner) = Some(url.trim_end_matches('/').to_owned());
    }
}

/// The browser identities whose page registered with an unexpired token: the ones an incoming
/// call rings. Twilio rings at most ten `<Client>` nouns in one `<Dial>`, so at most ten are kept;
/// once ten live pages are registered, a new identity waits for one of their tokens to expire
/// rather than pushing a page out: registrations it did not make cannot take the ringing from a
/// page that is open (a local process can still fill free places first; README, "local").
#[derive(Default)]
pub struct Identities {
    expiry: Mutex<HashMap<String, u64>>,
}

/// How many identities an incoming call rings.
const MAX_RINGING: usize = 10;

/// Ten pages are registered already.
#[derive(Debug, PartialEq, Eq)]
pub struct AllTaken;

impl Identities {
    /// Records that `identity`'s page registered, until `expires_at`. A page renewing its own
    /// registration is always taken.
    pub fn record(&self, identity: &str, expires_at: u64, now: u64) -> Result<(), AllTaken> {
        let mut expiry = self.expiry.lock().unwrap_or_else(PoisonError::into_inner);
        expiry.retain(|_, &mut exp| exp > now);
        if expiry.len() >= MAX_RINGING && !expiry.contains_key(identity) {
            return Err(AllTaken);
        }
        let kept = expiry.entry(identity.to_owned()).or_insert(expires_at);
        *kept = (*kept).max(expires_at);
        Ok(())
    }

    /// The identities to ring, latest token first.
    pub fn ringing(&self, now: u64) -> Vec<String> {
        let expiry = self.expiry.lock().unwrap_or_else(PoisonError::into_inner);
        let mut live: Vec<(&String, &u64)> = expiry.iter().filter(|(_, exp)| **exp > now).collect();
        live.sort_by(|a, b| b.1.cmp(a.1).then_with(|| a.0.cmp(b.0)));
        live.into_iter().map(|(id, _)| id.clone()).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rings_live_identities_latest_first() {
        let ids = Identities::default();
        ids.record("old", 50, 0).unwrap();
        for i in 0..9 {
            ids.record(&format!("tab{i:02}"), 200 + i, 0).unwrap();
        }
        let ringing = ids.ringing(100);
        assert_eq!(ringing.len(), 9);
        assert_eq!(ringing[0], "tab08");
        assert!(!ringing.contains(&"old".to_owned()));
    }

    #[test]
    fn registrations_never_push_out_a_live_page() {
        let ids = Identities::default();
        ids.record("the-tab", 1000, 0).unwrap();
        let mut refused = 0;
        for i in 0..50 {
            if ids.record(&format!("other{i}"), 2000, 10) == Err(AllTaken) {
                refused += 1;
            }
        }
        assert_eq!(refused, 50 - (MAX_RINGING - 1));
        assert!(ids.ringing(10).contains(&"the-tab".to_owned()));
        // The page renews its registration with a fresh token: still taken.
        assert_eq!(ids.record("the-tab", 3000, 20), Ok(()));
        // Once the others' tokens expire, a new page gets a place.
        assert_eq!(ids.record("new", 5000, 2500), Ok(()));
        assert!(ids.expiry.lock().unwrap().len() <= MAX_RINGING);
    }
}
