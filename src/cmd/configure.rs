//! `c2c configure`: show or change where the TwiML App sends calls.

use clap::ArgMatches;
use serde_json::json;

use crate::cli::ConfigureArgs;
use crate::config::{Files, Origin, Resolver};
use crate::dial;
use crate::error::Error;
use crate::ngrok_agent;
use crate::repoint;
use crate::state_file;
use crate::twilio_api::{Application, Client};

use super::bring_up::{describe, repoint_error};
use super::remote;

pub fn run(args: &ConfigureArgs, matches: &ArgMatches, files: &Files) -> Result<(), Error> {
    let mut r = Resolver::new(matches, files);
    let client = remote::resolve_client(&mut r);
    // --create makes the app, so it needs no SID; everything else acts on one.
    let app_sid = match args.create {
        Some(_) => None,
        None => remote::require_app_sid(&mut r),
    };
    let url = args.url.as_deref().and_then(|url| {
        check_url(url)
            .map_err(|why| {
                r.invalid(
                    Origin::Flag("--url"),
                    "Voice URL",
                    why,
                    "Use the full https:// address of your webhook.",
                )
            })
            .ok()
    });
    let number = args.number.as_deref().and_then(|number| {
        dial::e164_shape(number)
            .map_err(|why| {
                r.invalid(
                    Origin::Flag("--number"),
                    "phone number",
                    why,
                    "Use one of your Twilio numbers in E.164 form (+15551234567).",
                )
            })
            .ok()
    });
    let Some(client) = client else {
        return Err(r.into_error().into());
    };
    if app_sid.is_none() && args.create.is_none() {
        return Err(r.into_error().into());
    }
    r.finish()?;
    let client = client.build()?;
    let out = Output { json: args.json };
    super::runtime()?.block_on(async {
        let app_sid = match &args.create {
            Some(name) => create(&client, name, args.dry_run, &out).await?,
            None => app_sid.unwrap_or_default(),
        };
        if args.restore {
            restore(&client, &app_sid, args.dry_run, &out).await?;
        } else if let Some(url) = url {
            set_url(&client, &app_sid, &url, args.dry_run, &out).await?;
        } else if args.from_ngrok_agent {
            let api = std::env::var("C2C_NGROK_AGENT_API")
                .unwrap_or_else(|_| ngrok_agent::LOCAL_API.to_owned());
            let base = ngrok_agent::public_url(&api).await.map_err(Error::Remote)?;
            let url = format!("{}/voice", base.trim_end_matches('/'));
            set_url(&client, &app_sid, &url, args.dry_run, &out).await?;
        } else if args.create.is_none() && number.is_none() {
            show(&client, &app_sid, &out).await?;
        }
        if let Some(number) = number {
            attach(&client, &app_sid, &number, args.dry_run, &out).await?;
        }
        Ok(())
    })
}

fn check_url(url: &str) -> Result<String, String> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .ok_or_else(|| format!("{url:?} does not start with https://"))?;
    if rest.is_empty() || rest.starts_with('/') || url.contains(char::is_whitespace) {
        return Err(format!("{url:?} has no host name"));
    }
    Ok(url.to_owned())
}

/// Results go to standard output: a line per fact, or one JSON document with --json.
struct Output {
    json: bool,
}

impl Output {
    fn say(&self, text: &str, json: serde_json::Value) {
        if self.json {
            println!("{json}");
        } else {
            println!("{text}");
        }
    }
}

fn remote_err(err: impl ToString) -> Error {
    Error::Remote(err.to_string())
}

async fn show(client: &Client, app_sid: &str, out: &Output) -> Result<(), Error> {
    let app = client.application(app_sid).await.map_err(remote_err)?;
    let record = remote::state_dir()
        .ok()
        .and_then(|dir| state_file::load(&dir, app_sid).ok().flatten());
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
    out.say(text.trim_end(), json);
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
    );
    Ok(())
}

async fn create(client: &Client, name: &str, dry_run: bool, out: &Output) -> Result<String, Error> {
    if dry_run {
        out.say(
            &format!("would create a TwiML App named {name:?}"),
            json!({"create": name, "dry_run": true}),
        );
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
    );
    Ok(app.sid)
}

async fn restore(client: &Client, app_sid: &str, dry_run: bool, out: &Output) -> Result<(), Error> {
    let dir = remote::state_dir()?;
    let record = repoint::restore_left_behind(client, dir, app_sid, dry_run)
        .await
        .map_err(repoint_error)?;
    let verb = if dry_run {
        "would put back"
    } else {
        "put back"
    };
    out.say(
        &format!(
            "{verb} the Voice URL of {app_sid}: {} -> {}",
            record.ours,
            describe(&record.previous.voice_url)
        ),
        json!({"app_sid": app_sid, "from": record.ours, "to": record.previous.voice_url, "dry_run": dry_run}),
    );
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
    );
    Ok(())
}
