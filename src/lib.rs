//! c2c: browser-to-phone calling on Twilio with one command.

pub mod cli;
pub mod cmd;
pub mod config;
pub mod dial;
pub mod error;
pub mod logging;
pub mod secret;
pub mod server;
pub mod sid;
pub mod signature;
pub mod token;
pub mod twiml;
