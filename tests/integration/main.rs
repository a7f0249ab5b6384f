//! Integration tests: the real binary (and, later, the real server) driven from outside.
//! One test binary for all of them, so that it links once.

mod fixtures;
// Shared with tests/whole_prompt.rs: each binary uses a part of it.
#[allow(dead_code)]
#[path = "../models/mod.rs"]
mod models;
mod ngrok_edge;
mod server;
mod support;
mod twilio_mock;
mod twilio_signature;
mod twilio_sip_mock;
mod voice_edge;

mod abuse;
mod call;
mod completions;
mod configure;
mod configure_sip;
mod docs;
mod doctor;
mod examples;
mod faults;
mod help;
mod man;
mod outcomes;
mod pipes;
mod project_folder;
mod secrets;
mod serve;
mod settings;
mod sip_leg;
mod speech;
mod suite;
mod talk;
mod talk_measured;
mod token;
mod tunnel;
mod untrusted;
mod version;
