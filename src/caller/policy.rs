//! The dial policy, asked before anything starts: a number it refuses is never placed, and one it
//! allows is dialled in E.164 form, however it was written.

use crate::dial::DialPolicy;
use crate::settings::call::{Call, InProcess, Serving};

/// The in-process server's dial policy, loaded once (about 2 ms of the allowed countries' data),
/// so that what it would answer Twilio for a number is known at once rather than after Chromium
/// and a round trip to Twilio. A server given with --server has a policy of its own, and answers
/// for itself; a caller ID libphonenumber rejects is reported by the server, with its fix.
pub fn dial_policy(settings: &Call) -> Option<DialPolicy> {
    let Serving::InProcess(InProcess { server, .. }) = &settings.serving else {
        return None;
    };
    DialPolicy::load(&server.caller_id, server.allowed.clone()).ok()
}

/// `target` as the page is to dial it (a number in E.164 form, however it was written: the page
/// places only that), or why `policy` would not dial it, in the words the page would get.
pub fn dialled(policy: Option<&DialPolicy>, target: &str) -> Result<String, String> {
    if target.starts_with("client:") {
        return Ok(target.to_owned());
    }
    match policy {
        Some(policy) => policy
            .check(target)
            .map_err(|refusal| format!("c2c did not dial: {refusal}.")),
        // A server of its own (--server) answers for its policy; the number is still written
        // as the page dials it.
        None => Ok(crate::dial::e164_shape(target).unwrap_or_else(|_| target.to_owned())),
    }
}
