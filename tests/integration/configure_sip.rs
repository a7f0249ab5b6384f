//! `c2c configure --sip` against the REST mock: what calling through a SIP Domain needs is made
//! once, found after, kept in c2c's config file, and never printed.

use crate::support::c2c;
use crate::twilio_mock::TwilioMock;

/// `c2c configure --sip ARGS` against `mock`, with c2c's config folder `config`.
fn configure_sip(
    mock: &TwilioMock,
    config: &std::path::Path,
    args: &[&str],
) -> crate::support::Run {
    let mut all = vec!["configure", "--sip"];
    all.extend_from_slice(args);
    c2c(&all)
        .against(mock)
        .env("XDG_CONFIG_HOME", config.to_str().unwrap())
        .run()
}

fn kept(config: &std::path::Path) -> toml::Table {
    let text = std::fs::read_to_string(config.join("c2c/config.toml")).unwrap_or_default();
    text.parse().expect("the config file stays valid TOML")
}

#[test]
fn makes_the_sip_resources_once_keeps_the_password_and_never_prints_it() {
    let mock = TwilioMock::start();
    mock.set_voice_url("https://old.example/voice");
    let config = tempfile::tempdir().unwrap();

    let run = configure_sip(&mock, config.path(), &["--dry-run"]);
    run.assert_code(0);
    assert!(
        run.stdout.contains("Credential List \"c2c\": would make"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("would keep sip_username, sip_password"),
        "{}",
        run.stdout
    );
    assert!(
        mock.writes().is_empty(),
        "a dry run changed {:?}",
        mock.writes()
    );
    assert!(!config.path().join("c2c/config.toml").exists());

    let run = configure_sip(&mock, config.path(), &[]);
    run.assert_code(0);
    let table = kept(config.path());
    let password = table["sip_password"]
        .as_str()
        .expect("the password is kept")
        .to_owned();
    let domain = table["sip_domain"].as_str().unwrap().to_owned();
    assert_eq!(table["sip_username"].as_str(), Some("c2c"));
    assert!(
        domain.starts_with("c2c-") && domain.ends_with(".sip.twilio.com"),
        "{domain}"
    );
    assert!(!run.stdout.contains(&password) && !run.stderr.contains(&password));
    assert!(
        run.stdout.contains(&format!(
            "SIP Domain {domain}: made, calls go to https://old.example/voice"
        )),
        "{}",
        run.stdout
    );
    mock.sip(|sip| {
        assert_eq!(sip.lists.len(), 1);
        assert_eq!(sip.credentials.len(), 1);
        assert_eq!(
            sip.credentials[0].2, password,
            "Twilio holds the kept password"
        );
        assert_eq!(sip.domains[0]["voice_url"], "https://old.example/voice");
        assert_eq!(
            sip.mappings,
            vec![(
                sip.domains[0]["sid"].as_str().unwrap().to_owned(),
                sip.lists[0]["sid"].as_str().unwrap().to_owned()
            )]
        );
    });

    // Again: everything is found, nothing made or kept twice.
    let writes = mock.writes().len();
    let run = configure_sip(&mock, config.path(), &["--json"]);
    run.assert_code(0);
    assert_eq!(mock.writes().len(), writes, "{:?}", mock.writes());
    let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(json["domain"], domain.as_str());
    assert_eq!(json["mapped"], true);
    assert_eq!(json["kept"], serde_json::json!([]));
    assert_eq!(kept(config.path()), table);

    // Showing where calls go shows the Domain beside the app.
    let run = c2c(&["configure"])
        .against(&mock)
        .env("XDG_CONFIG_HOME", config.path().to_str().unwrap())
        .run();
    run.assert_code(0);
    assert!(
        run.stdout.contains(&format!("SIP Domain {domain} (SD"))
            && run
                .stdout
                .contains("Voice URL        https://old.example/voice"),
        "{}",
        run.stdout
    );
}

#[test]
fn a_password_that_was_not_kept_is_replaced_not_guessed() {
    let mock = TwilioMock::start();
    let config = tempfile::tempdir().unwrap();
    configure_sip(&mock, config.path(), &[]).assert_code(0);
    let first = kept(config.path());
    // The config file is lost, or the run was on another machine.
    std::fs::remove_file(config.path().join("c2c/config.toml")).unwrap();
    let run = configure_sip(&mock, config.path(), &[]);
    run.assert_code(0);
    assert!(
        run.stdout
            .contains("credential \"c2c\": found, given a new password"),
        "{}",
        run.stdout
    );
    let second = kept(config.path());
    assert_ne!(second["sip_password"], first["sip_password"]);
    assert_eq!(
        second["sip_domain"], first["sip_domain"],
        "the Domain is found by name"
    );
    mock.sip(|sip| {
        assert_eq!(sip.domains.len(), 1);
        assert_eq!(
            sip.credentials[0].2,
            second["sip_password"].as_str().unwrap()
        );
    });
}

#[test]
fn a_sip_domain_that_is_not_twilios_is_refused_before_any_request() {
    let mock = TwilioMock::start();
    let config = tempfile::tempdir().unwrap();
    let run = c2c(&["configure", "--sip"])
        .against(&mock)
        .env("XDG_CONFIG_HOME", config.path().to_str().unwrap())
        .env("TWILIO_SIP_DOMAIN", "c2c.sip.example.com")
        .run();
    run.assert_code(3);
    assert!(run.stderr.contains("TWILIO_SIP_DOMAIN"), "{}", run.stderr);
    assert!(run.stderr.contains("NAME.sip.twilio.com"), "{}", run.stderr);
    assert!(mock.requests().is_empty());
}

#[test]
fn doctor_checks_the_sip_domain_once_there_is_one() {
    let mock = TwilioMock::start();
    let config = tempfile::tempdir().unwrap();
    let doctor = || {
        let run = c2c(&["doctor", "--json"])
            .against(&mock)
            .env("XDG_CONFIG_HOME", config.path().to_str().unwrap())
            .run();
        let report: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
        report["checks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["name"] == "SIP Domain")
            .cloned()
    };
    assert_eq!(doctor(), None, "no SIP Domain, no line about one");

    // Made while the app sent calls nowhere: the Domain does too, which doctor says.
    configure_sip(&mock, config.path(), &[]).assert_code(0);
    let check = doctor().expect("a SIP Domain line");
    assert_eq!(check["status"], "warn", "{check}");
    assert!(
        check["found"]
            .as_str()
            .unwrap()
            .ends_with("sends its calls nowhere"),
        "{check}"
    );

    // Once the app has a Voice URL, configure --sip points the Domain there too.
    mock.set_voice_url("https://c2c.example/voice");
    let run = configure_sip(&mock, config.path(), &[]);
    assert!(
        run.stdout
            .contains("now sends calls to https://c2c.example/voice"),
        "{}",
        run.stdout
    );
    let check = doctor().unwrap();
    assert_eq!(check["status"], "ok", "{check}");
    assert!(
        check["found"]
            .as_str()
            .unwrap()
            .contains("sends calls to https://c2c.example/voice, challenged for \"c2c\""),
        "{check}"
    );

    // Its Secure Media turned on in the Console: c2c's plain RTP would be refused, and doctor
    // says which setting makes the calls SRTP; with it set, the Domain passes again.
    mock.sip(|sip| sip.domains[0]["secure"] = serde_json::json!(true));
    let check = doctor().unwrap();
    assert_eq!(check["status"], "fail", "{check}");
    assert!(
        check["found"]
            .as_str()
            .unwrap()
            .contains("Secure Media is on")
            && check["fix"]
                .as_str()
                .unwrap()
                .contains("C2C_SIP_MEDIA=srtp"),
        "{check}"
    );
    let file = config.path().join("c2c/config.toml");
    let kept = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, format!("{kept}sip_media = \"srtp\"\n")).unwrap();
    assert_eq!(doctor().unwrap()["status"], "ok");
    std::fs::write(&file, kept).unwrap();
    mock.sip(|sip| sip.domains[0]["secure"] = serde_json::json!(false));

    // Without the mapping, Twilio refuses every call to the Domain.
    mock.sip(|sip| sip.mappings.clear());
    let check = doctor().unwrap();
    assert_eq!(check["status"], "fail", "{check}");
    assert!(
        check["fix"]
            .as_str()
            .unwrap()
            .contains("c2c configure --sip"),
        "{check}"
    );
}

#[test]
fn a_sip_domain_a_killed_run_left_on_its_tunnel_is_named_by_doctor_and_put_back() {
    let mock = TwilioMock::start();
    mock.set_voice_url("https://c2c.example/voice");
    let config = tempfile::tempdir().unwrap();
    let state = tempfile::tempdir().unwrap();
    configure_sip(&mock, config.path(), &[]).assert_code(0);
    // What a run killed while the Domain pointed at its tunnel leaves: the Domain there, and
    // its record of what to put back.
    let sid = mock.sip(|sip| {
        sip.domains[0]["voice_url"] = serde_json::json!("https://gone.ngrok.app/voice");
        sip.domains[0]["sid"].as_str().unwrap().to_owned()
    });
    let records = state.path().join("c2c");
    std::fs::create_dir_all(&records).unwrap();
    std::fs::write(
        records.join(format!("voice-url-{sid}.json")),
        serde_json::json!({
            "app_sid": sid, "pid": 4_294_967_294u32, "ours": "https://gone.ngrok.app/voice",
            "previous": {"voice_url": "https://c2c.example/voice", "voice_method": "POST",
                         "status_callback": "", "status_callback_method": "POST"},
        })
        .to_string(),
    )
    .unwrap();
    let home = state.path().to_str().unwrap();
    let with_state = |args: &[&str]| {
        c2c(args)
            .against(&mock)
            .env("XDG_CONFIG_HOME", config.path().to_str().unwrap())
            .state_in(home)
            .run()
    };
    let run = with_state(&["doctor"]);
    assert!(
        run.stdout.contains(
            "sends calls to https://gone.ngrok.app/voice, a tunnel a c2c run left behind"
        ),
        "{}",
        run.stdout
    );
    let run = with_state(&["configure", "--restore"]);
    run.assert_code(0);
    assert!(
        run.stdout.contains(&format!(
            "put back the Voice URL of the SIP Domain {sid}: https://gone.ngrok.app/voice -> https://c2c.example/voice"
        )),
        "{}",
        run.stdout
    );
    let run = with_state(&["doctor"]);
    assert!(
        run.stdout
            .contains("sends calls to https://c2c.example/voice, challenged for \"c2c\""),
        "{}",
        run.stdout
    );
}
