//! The checks, one function each. A REST error becomes the check's own failure, never the
//! report's: one unreachable host must not hide what the others found.

use std::time::{Duration, SystemTime};

use super::{Check, Status};
use crate::dial::{self, Allowed, DialPolicy};
use crate::settings::doctor::Doctor;
use crate::state_file;
use crate::twilio_api::{Account, ApiError, Client};

/// A clock this far off makes Access Tokens look expired or not yet valid (20101, 20104).
const CLOCK_FAIL: Duration = Duration::from_secs(300);
const CLOCK_WARN: Duration = Duration::from_secs(30);

/// The credentials (and that the API Key is the account's), the account's status and type, and
/// this machine's clock against Twilio's. Twilio out of reach is no check's failure but the
/// whole report's (`Err`): it says nothing about the credentials.
pub async fn account(settings: &Doctor, client: &Client) -> Result<Vec<Check>, ApiError> {
    let key = settings.rest.api_key();
    let (account, key_check) = tokio::join!(client.account(), async {
        match key {
            Some(key) => Some(client.key(key).await),
            None => None,
        }
    });
    let kind = match key {
        Some(key) => format!("API Key {key}"),
        None => "the Auth Token".to_owned(),
    };
    let (account, date) = match account {
        Ok(answer) => answer,
        Err(err @ (ApiError::Unreachable { .. } | ApiError::Timeout { .. })) => return Err(err),
        Err(err) => {
            return Ok(vec![Check::new(
                "credentials",
                Status::Fail,
                failed(&kind),
                err.to_string(),
            )]);
        }
    };
    let mut checks = vec![match key_check {
        Some(Err(err)) => Check::new("credentials", Status::Fail, failed(&kind), err.to_string()),
        _ => Check::ok(
            "credentials",
            format!(
                "{kind} works for the account {}",
                settings.rest.account_sid()
            ),
        ),
    }];
    let verified = if account.kind == "Trial" {
        client.verified_caller_ids(None).await.ok()
    } else {
        None
    };
    checks.push(account_kind(&account, verified.as_deref()));
    checks.push(clock(date.as_deref()));
    Ok(checks)
}

fn failed(kind: &str) -> String {
    format!("{kind} was refused")
}

/// `verified`: a trial account's verified caller IDs, the only numbers it can call.
fn account_kind(account: &Account, verified: Option<&[String]>) -> Check {
    let name = format!("{:?}", account.friendly_name);
    let verified = match verified {
        Some([]) => " (none is verified yet)".to_owned(),
        Some(ids) => format!(" ({})", ids.join(", ")),
        None => String::new(),
    };
    match (account.status.as_str(), account.kind.as_str()) {
        ("active", "Trial") => Check::new(
            "account",
            Status::Warn,
            format!(
                "{name} is a trial account: it calls verified numbers only{verified}, and callers hear a trial notice first"
            ),
            "Verify the numbers you will call (Console > Phone Numbers > Verified Caller IDs), or upgrade the account (Console > Billing).",
        ),
        ("active", _) => Check::ok("account", format!("{name} is active")),
        (status, _) => Check::new(
            "account",
            Status::Fail,
            format!("{name} is {status}"),
            "A suspended or closed account places no calls: see Console > Account.",
        ),
    }
}

fn clock(date: Option<&str>) -> Check {
    let Some(theirs) = date.and_then(|d| httpdate::parse_http_date(d).ok()) else {
        return Check::new(
            "clock",
            Status::Warn,
            "Twilio's answer had no Date to compare with",
            "",
        );
    };
    let ours = SystemTime::now();
    let (skew, ahead) = match ours.duration_since(theirs) {
        Ok(ahead) => (ahead, "ahead of"),
        Err(err) => (err.duration(), "behind"),
    };
    // Twilio's Date is to the second, so a skew is known to a second either way.
    let seconds = skew.as_secs_f64();
    let amount = if seconds >= 90.0 {
        format!("about {} minutes", (seconds / 60.0).round())
    } else {
        format!("about {} s", seconds.round())
    };
    let found = format!("this machine's clock is {amount} {ahead} Twilio's");
    let fix = "Set the clock right (turn on NTP: timedatectl set-ntp true): Access Tokens are refused as expired or not yet valid (20101, 20104) when it is off by minutes.";
    if skew >= CLOCK_FAIL {
        Check::new("clock", Status::Fail, found, fix)
    } else if skew >= CLOCK_WARN {
        Check::new("clock", Status::Warn, found, fix)
    } else {
        Check::ok("clock", "within 30 s of Twilio's")
    }
}

/// The TwiML App exists, where it sends calls, and who pointed it there.
/// The TwiML App SID's and the caller ID's shapes, checked without Twilio (for an offline
/// report; the online checks say the same first).
pub fn shapes(settings: &Doctor) -> Vec<Check> {
    let mut checks = Vec::new();
    if let Err(why) = &settings.app_sid {
        checks.push(Check::new("TwiML App", Status::Fail, why.clone(), ""));
    }
    if let Err(why) = &settings.caller_id {
        checks.push(Check::new("caller ID", Status::Fail, why.clone(), ""));
    }
    checks
}

pub async fn app(settings: &Doctor, client: &Client) -> Vec<Check> {
    let sid = match &settings.app_sid {
        Ok(sid) => sid,
        Err(why) => {
            return vec![Check::new("TwiML App", Status::Fail, why.clone(), "")];
        }
    };
    let app = match client.application(sid).await {
        Ok(app) => app,
        Err(err) => {
            return vec![Check::new(
                "TwiML App",
                Status::Fail,
                format!("{sid} cannot be read"),
                err.to_string(),
            )];
        }
    };
    let record = settings
        .state_dir
        .as_deref()
        .and_then(|dir| state_file::load(dir, sid).ok().flatten());
    let url = &app.voice.voice_url;
    let check = match (url.as_str(), record) {
        ("", _) => Check::new(
            "TwiML App",
            Status::Warn,
            format!("{sid} has no Voice URL: calls from the page have nowhere to go"),
            "Run c2c serve --tunnel (it points the app at itself), or c2c configure --url.",
        ),
        (_, Some(record)) if record.owner_is_running() => Check::ok(
            "TwiML App",
            format!(
                "{sid} sends calls to {url} (a running c2c, process {}, set it)",
                record.pid
            ),
        ),
        (_, Some(record)) if record.ours == *url => Check::new(
            "TwiML App",
            Status::Warn,
            format!("{sid} sends calls to {url}, a tunnel a c2c run left behind"),
            "Run c2c configure --restore to put back what it replaced, or start c2c serve --tunnel.",
        ),
        _ => Check::ok("TwiML App", format!("{sid} sends calls to {url}")),
    };
    vec![check]
}

/// The caller ID is one of the account's numbers, able to call, or a verified caller ID.
pub async fn caller_id(settings: &Doctor, client: &Client) -> Vec<Check> {
    let number = match &settings.caller_id {
        Ok(number) => number,
        Err(why) => {
            return vec![Check::new("caller ID", Status::Fail, why.clone(), "")];
        }
    };
    let (owned, verified) = tokio::join!(
        client.find_number(number),
        client.verified_caller_ids(Some(number))
    );
    let check = match (owned, verified) {
        (Ok(Some(owned)), _) if owned.capabilities.voice => Check::ok(
            "caller ID",
            format!("{number} is one of your numbers, able to call"),
        ),
        (Ok(Some(_)), _) => Check::new(
            "caller ID",
            Status::Fail,
            format!("{number} is one of your numbers, but it cannot make voice calls"),
            "Use a voice-capable number (Console > Phone Numbers > Active numbers).",
        ),
        (_, Ok(ids)) if ids.iter().any(|id| id == number) => {
            Check::ok("caller ID", format!("{number} is a verified caller ID"))
        }
        (Err(err), _) | (_, Err(err)) => unreadable("caller ID", number, &err),
        _ => Check::new(
            "caller ID",
            Status::Fail,
            format!(
                "{number} is neither one of your numbers nor a verified caller ID: Twilio refuses it (21210, 13214)"
            ),
            "Use one of your Twilio numbers, or verify this one: Console > Phone Numbers > Verified Caller IDs.",
        ),
    };
    vec![check]
}

fn unreadable(name: &str, what: &str, err: &ApiError) -> Check {
    Check::new(
        name,
        Status::Fail,
        format!("{what} could not be checked"),
        err.to_string(),
    )
}

/// The voice dialing permission of each country the dial policy allows, and of `--to`'s.
pub async fn dialing(settings: &Doctor, client: &Client) -> Vec<Check> {
    let mut checks = Vec::new();
    let policy = settings
        .caller_id
        .as_ref()
        .ok()
        .and_then(|caller| DialPolicy::load(caller, settings.allowed.clone()).ok());
    let mut countries: Vec<String> = match &policy {
        Some(policy) => policy
            .allowed()
            .iter()
            .filter_map(|allowed| match allowed {
                Allowed::Region(region) => Some(region.to_string()),
                Allowed::CallingCode(code) => dial::main_region(*code).map(|r| r.to_string()),
            })
            .collect(),
        None => Vec::new(),
    };
    if let Some(to) = &settings.to {
        match policy.as_ref().map(|policy| policy.check(to)) {
            Some(Err(refusal)) => checks.push(Check::new(
                "dial policy",
                Status::Fail,
                refusal.to_string(),
                "c2c's dial policy refuses it before Twilio is asked: see --allow-country.",
            )),
            Some(Ok(e164)) => checks.push(Check::ok("dial policy", format!("{e164} is allowed"))),
            None => {}
        }
        if let Some(country) = dial::country_of(to) {
            countries.push(country.to_string());
        }
    }
    countries.sort();
    countries.dedup();
    let answers =
        futures_util::future::join_all(countries.iter().map(|iso| client.dialing_permissions(iso)))
            .await;
    for (iso, answer) in countries.iter().zip(answers) {
        let name = format!("calls to {iso}");
        checks.push(match answer {
            Ok(country) if country.low_risk_numbers_enabled => {
                Check::ok(name, format!("{} is enabled in the geo permissions", country.name))
            }
            Ok(country) => Check::new(
                name,
                Status::Fail,
                format!("{} is not enabled in the geo permissions: Twilio refuses these calls (13227, 21215)", country.name),
                "Enable it in the Console: Voice > Settings > Geo permissions.",
            ),
            Err(err) => unreadable(&name, "the permission", &err),
        });
    }
    checks
}

/// The errors Twilio recorded for the account in the last 24 hours, with what each means.
pub async fn alerts(client: &Client) -> Vec<Check> {
    let since = crate::clock::rfc3339(crate::clock::unix_now().saturating_sub(24 * 60 * 60));
    match client.alerts(&since).await {
        Ok(alerts) if alerts.is_empty() => {
            vec![Check::ok("recent errors", "none in the last 24 hours")]
        }
        Ok(alerts) => alerts
            .iter()
            .take(5)
            .map(|alert| {
                Check::new(
                    format!("error {}", alert.error_code),
                    Status::Warn,
                    format!("{}: {}", alert.date_created, meaning(&alert.error_code)),
                    alert.more_info.clone(),
                )
            })
            .collect(),
        Err(err) => vec![unreadable("recent errors", "the account's alerts", &err)],
    }
}

/// What a Twilio error code means for c2c, in one line.
fn meaning(code: &str) -> String {
    match code {
        "11200" => {
            "Twilio could not reach the webhook (/voice): was c2c running, with its tunnel up?"
                .to_owned()
        }
        "13227" | "21215" => "a call went to a country the geo permissions do not allow".to_owned(),
        "13214" | "21210" => "the caller ID is not one of your numbers nor verified".to_owned(),
        "20101" | "20104" => {
            "an Access Token was refused: check the clock and the API Key".to_owned()
        }
        "31005" => "the connection to Twilio's voice edge dropped".to_owned(),
        other => format!("Twilio error {other}"),
    }
}
