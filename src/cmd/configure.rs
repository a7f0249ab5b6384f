//! `c2c configure`: show or change where the TwiML App sends calls.

use std::path::Path;

use serde_json::json;

use crate::bring_up::{describe, repoint_error};
use crate::error::Error;
use crate::ngrok_agent;
use crate::repoint;
use crate::settings::configure::{Action, Configure};
use crate::state_file;
use crate::twilio_api::{Application, Client};

pub fn run(settings: Configure) -> Result<(), Error> {
    let Configure {
        rest,
        sip,
        app_sid,
        action,
        number,
        dry_run,
        json,
        state_dir,
    } = settings;
    let client = rest.client()?;
    let out = Output { json };
    super::runtime()?.block_on(async {
        let (kept, config) = sip.unzip();
        if let (Action::Sip, Some(kept)) = (&action, kept.clone()) {
            let config = config.flatten();
            let done = super::configure_sip::run(super::configure_sip::Plan {
                client: &client,
                kept,
                config,
                app_sid,
                dry_run,
            })
            .await?;
            return out.say(&done.lines.join("\n"), done.json);
        }
        let app_sid = match &action {
            Action::Create(name) => create(&client, name, dry_run, &out).await?,
            _ => app_sid.unwrap_or_default(),
        };
        match action {
            Action::Restore => restore(&client, &state_dir, &app_sid, dry_run, &out).await?,
            Action::SetUrl(url) => {
                repoint::ensure_free(&state_dir, &app_sid).map_err(repoint_error)?;
                set_url(&client, &app_sid, &url, dry_run, &out).await?;
            }
            Action::FromNgrokAgent(api) => {
                repoint::ensure_free(&state_dir, &app_sid).map_err(repoint_error)?;
                let base = ngrok_agent::public_url(&api).await.map_err(Error::Remote)?;
                let url = format!("{}/voice", base.trim_end_matches('/'));
                set_url(&client, &app_sid, &url, dry_run, &out).await?;
            }
            Action::Show if number.is_none() => {
                let domain = kept.and_then(|kept| kept.domain);
                show(&client, &state_dir, &app_sid, domain.as_deref(), &out).await?
            }
            Action::Show | Action::Create(_) | Action::Sip => {}
        }
        if let Some(number) = number {
            attach(&client, &app_sid, &number, dry_run, &out).await?;
        }
        Ok(())
    })
}

/// Results go to standard output: a line per fact, or one JSON document with --json.
struct Output {
    json: bool,
}

impl Output {
    fn say(&self, text: &str, json: serde_json::Value) -> Result<(), Error> {
        match self.json {
            true => crate::stdout::line(json),
            false => crate::stdout::line(text),
        }
    }
}

fn remote_err(err: impl ToString) -> Error {
    Error::Remote(err.to_string())
}

async fn show(
    client: &Client,
    state_dir: &Path,
    app_sid: &str,
    sip_domain: Option<&str>,
    out: &Output,
) -> Result<(), Error> {
    let app = client.application(app_sid).await.map_err(remote_err)?;
    let record = state_file::load(state_dir, app_sid).ok().flatten();
    let mut text = format!(
        "TwiML App {} ({:?})\n  Voice URL        {} ({})\n  Status callback  {}",
        app.sid,
        app.friendly_name,
        describe(&app.voice.voice_url),
        app.voice.voice_method,
        match app.voice.status_callback.as_str() {
            "" => "(none)".to_owned(),
            url => format!("{url} ({})", app.voice.status_callback_method),
        }
    );
    match &record {
        Some(record) if record.owner_is_running() => {
            text.push_str(&format!("\n  c2c (process {}) is using it", record.pid))
        }
        Some(record) => text.push_str(&format!(
            "\n  a c2c run left it changed: `c2c configure --restore` puts back {}",
            describe(&record.previous.voice_url)
        )),
        None => {}
    }
    let mut json = serde_json::to_value(&app).unwrap_or_default();
    json["left_behind"] = json!(record.map(|r| r.previous));
    if let Some(name) = sip_domain {
        let domain = client
            .domains()
            .await
            .map_err(remote_err)?
            .into_iter()
            .find(|d| d.domain_name == name);
        match &domain {
            Some(domain) => text.push_str(&format!(
                "\nSIP Domain {name} ({})\n  Voice URL        {}",
                domain.sid,
                describe(domain.voice_url.as_deref().unwrap_or_default())
            )),
            None => text.push_str(&format!(
                "\nSIP Domain {name}: not one of the account's (run `c2c configure --sip`)"
            )),
        }
        json["sip_domain"] = json!(domain);
    }
    out.say(text.trim_end(), json)?;
    Ok(())
}

async fn set_url(
    client: &Client,
    app_sid: &str,
    url: &str,
    dry_run: bool,
    out: &Output,
) -> Result<(), Error> {
    let app = client.application(app_sid).await.map_err(remote_err)?;
    let settings = app.voice.calling(url);
    let verb = if dry_run { "would change" } else { "changed" };
    if !dry_run {
        client
            .update_voice(app_sid, &settings)
            .await
            .map_err(remote_err)?;
    }
    out.say(
        &format!(
            "Voice URL of {app_sid} {verb}: {} -> {url}",
            describe(&app.voice.voice_url)
        ),
        json!({"app_sid": app_sid, "from": app.voice.voice_url, "to": url, "dry_run": dry_run}),
    )?;
    Ok(())
}

async fn create(client: &Client, name: &str, dry_run: bool, out: &Output) -> Result<String, Error> {
    if dry_run {
        out.say(
            &format!("would create a TwiML App named {name:?}"),
            json!({"create": name, "dry_run": true}),
        )?;
        return Ok(String::new());
    }
    let app: Application = client
        .create_application(name, None)
        .await
        .map_err(remote_err)?;
    out.say(
        &format!(
            "created the TwiML App {} ({name:?}). Save its SID, for example in .env:\nTWILIO_TWIML_APP_SID={}",
            app.sid, app.sid
        ),
        serde_json::to_value(&app).unwrap_or_default(),
    )?;
    Ok(app.sid)
}

async fn restore(
    client: &Client,
    state_dir: &Path,
    app_sid: &str,
    dry_run: bool,
    out: &Output,
) -> Result<(), Error> {
    let verb = if dry_run {
        "would put back"
    } else {
        "put back"
    };
    // The SIP Domains a dead run left pointing at its tunnel, put back beside the app.
    let mut domains = Vec::new();
    let mut lines = Vec::new();
    for sid in repoint::domains_left_behind(state_dir) {
        match repoint::restore_left_behind(client, state_dir.to_owned(), &sid, dry_run).await {
            Ok(record) => {
                lines.push(format!(
                    "{verb} the Voice URL of the SIP Domain {sid}: {} -> {}",
                    record.ours,
                    describe(&record.previous.voice_url)
                ));
                domains.push(json!({"domain_sid": sid, "from": record.ours, "to": record.previous.voice_url}));
            }
            // Held by a running c2c, which puts it back itself.
            Err(
                repoint::RepointError::Busy { .. } | repoint::RepointError::NothingToRestore { .. },
            ) => {}
            Err(err) => return Err(repoint_error(err)),
        }
    }
    let record = match repoint::restore_left_behind(client, state_dir.to_owned(), app_sid, dry_run)
        .await
    {
        Ok(record) => record,
        // Nothing was left changed: what --restore is for is already true.
        Err(repoint::RepointError::NothingToRestore { .. }) => {
            lines.insert(
                0,
                format!("nothing to put back: no c2c run left the TwiML App {app_sid} changed"),
            );
            return out.say(
                &lines.join("\n"),
                json!({"app_sid": app_sid, "restored": false, "domains": domains, "dry_run": dry_run}),
            );
        }
        Err(err) => return Err(repoint_error(err)),
    };
    lines.insert(
        0,
        format!(
            "{verb} the Voice URL of {app_sid}: {} -> {}",
            record.ours,
            describe(&record.previous.voice_url)
        ),
    );
    out.say(
        &lines.join("\n"),
        json!({"app_sid": app_sid, "from": record.ours, "to": record.previous.voice_url, "domains": domains, "dry_run": dry_run}),
    )?;
    Ok(())
}

async fn attach(
    client: &Client,
    app_sid: &str,
    number: &str,
    dry_run: bool,
    out: &Output,
) -> Result<(), Error> {
    let found = client.number(number).await.map_err(remote_err)?;
    if !dry_run && !app_sid.is_empty() {
        client
            .attach_number(&found, app_sid)
            .await
            .map_err(remote_err)?;
    }
    let verb = if dry_run { "would send" } else { "sends" };
    out.say(
        &format!("{number} {verb} its calls to the TwiML App {app_sid}"),
        json!({"number": number, "number_sid": found.sid, "app_sid": app_sid, "dry_run": dry_run}),
    )?;
    Ok(())
}
