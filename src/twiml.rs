//! The TwiML documents c2c answers `/voice` with, written by a real XML writer so that every
//! value is escaped: a `To` of `<Play>` must stay text, never become an instruction to Twilio.

use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesText, Event};

type XmlWriter = Writer<Vec<u8>>;

fn document(body: impl FnOnce(&mut XmlWriter) -> std::io::Result<()>) -> String {
    let mut writer = Writer::new(Vec::new());
    // Writing into a Vec cannot fail, so the io::Result carries nothing worth reporting.
    let _ = writer
        .write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))
        .and_then(|()| {
            writer
                .create_element("Response")
                .write_inner_content(body)
                .map(|_| ())
        });
    String::from_utf8(writer.into_inner()).unwrap_or_default()
}

/// Where Twilio reports how a `<Dial>` ended (relative: Twilio resolves it against the URL it
/// fetched the TwiML from, so it follows the tunnel's address).
pub const DIAL_ACTION: &str = "/dial-status";

/// Calls `number` (E.164) from `caller_id`. `answerOnBridge` keeps the browser hearing the
/// ringback until the phone answers, and makes the call's status match the phone's.
pub fn dial_number(caller_id: &str, number: &str) -> String {
    document(|w| {
        w.create_element("Dial")
            .with_attribute(("callerId", caller_id))
            .with_attribute(("answerOnBridge", "true"))
            .with_attribute(("action", DIAL_ACTION))
            .write_inner_content(|w| {
                w.create_element("Number")
                    .write_text_content(BytesText::new(number))
                    .map(|_| ())
            })
            .map(|_| ())
    })
}

/// Rings the browser identities, all at once; the first to answer takes the call. Without a
/// caller ID the browsers see who is really calling.
pub fn dial_clients(caller_id: Option<&str>, identities: &[&str]) -> String {
    document(|w| {
        let mut dial = w.create_element("Dial");
        if let Some(caller_id) = caller_id {
            dial = dial.with_attribute(("callerId", caller_id));
        }
        dial.with_attribute(("answerOnBridge", "true"))
            .with_attribute(("action", DIAL_ACTION))
            .write_inner_content(|w| {
                for identity in identities {
                    w.create_element("Client")
                        .write_text_content(BytesText::new(identity))?;
                }
                Ok(())
            })
            .map(|_| ())
    })
}

/// Explains, then hangs up: the answer to every call c2c will not connect.
pub fn say_and_hang_up(message: &str) -> String {
    document(|w| {
        w.create_element("Say")
            .write_text_content(BytesText::new(message))?;
        w.create_element("Hangup").write_empty().map(|_| ())
    })
}

/// Ends the call: what follows a `<Dial>` whose far end has hung up, been busy or not answered.
pub fn hang_up() -> String {
    document(|w| w.create_element("Hangup").write_empty().map(|_| ()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const DECL: &str = r#"<?xml version="1.0" encoding="UTF-8"?>"#;

    #[test]
    fn dials_a_number_with_the_caller_id() {
        assert_eq!(
            dial_number("+15005550006", "+15551234567"),
            format!(
                r#"{DECL}<Response><Dial callerId="+15005550006" answerOnBridge="true" action="/dial-status"><Number>+15551234567</Number></Dial></Response>"#
            )
        );
    }

    #[test]
    fn rings_several_clients() {
        assert_eq!(
            dial_clients(None, &["a", "b"]),
            format!(
                r#"{DECL}<Response><Dial answerOnBridge="true" action="/dial-status"><Client>a</Client><Client>b</Client></Dial></Response>"#
            )
        );
    }

    #[test]
    fn hangs_up() {
        assert_eq!(hang_up(), format!("{DECL}<Response><Hangup/></Response>"));
    }

    #[test]
    fn escapes_everything() {
        let doc = say_and_hang_up("<Play>http://x</Play> & \"quotes\"");
        assert!(
            doc.contains(
                "<Say>&lt;Play&gt;http://x&lt;/Play&gt; &amp; &quot;quotes&quot;</Say><Hangup/>"
            ),
            "{doc}"
        );
        let doc = dial_clients(Some("a\"b"), &["<x>"]);
        assert!(
            doc.contains(r#"callerId="a&quot;b""#) && doc.contains("<Client>&lt;x&gt;</Client>"),
            "{doc}"
        );
    }
}
