//! Twilio's REST API and ngrok's edge, played on loopback by the integration tests' stand-ins, so
//! that `scripts/bench` can time `c2c serve --tunnel` without the internet. Prints the settings
//! that point c2c at them, one `NAME=value` a line, then runs until its standard input closes.

// The stand-ins are the tests' own; the benchmark uses only part of them.
#[allow(dead_code)]
#[path = "../tests/integration/fixtures.rs"]
mod fixtures;
#[allow(dead_code)]
#[path = "../tests/integration/ngrok_edge.rs"]
mod ngrok_edge;
#[allow(dead_code)]
#[path = "../tests/integration/twilio_mock.rs"]
mod twilio_mock;

#[path = "../tests/integration/twilio_sip_mock.rs"]
mod twilio_sip_mock;

use std::io::Read;

fn main() {
    let mock = twilio_mock::TwilioMock::start();
    let edge = ngrok_edge::Edge::start(fixtures::NGROK_AUTHTOKEN, &["https://bench.ngrok.test"]);
    println!("C2C_TWILIO_API_BASE={}", mock.base);
    println!("C2C_NGROK_TEST_EDGE={}", edge.addr);
    println!("C2C_NGROK_TEST_CA={}", ngrok_edge::CA);
    println!("TWILIO_ACCOUNT_SID={}", fixtures::ACCOUNT_SID);
    println!("TWILIO_API_KEY={}", fixtures::API_KEY);
    println!("TWILIO_API_SECRET={}", fixtures::API_SECRET);
    println!("TWILIO_TWIML_APP_SID={}", fixtures::APP_SID);
    println!("TWILIO_AUTH_TOKEN={}", fixtures::AUTH_TOKEN);
    println!("NGROK_AUTHTOKEN={}", fixtures::NGROK_AUTHTOKEN);
    println!();
    let _ = std::io::stdin().read_to_end(&mut Vec::new());
}
