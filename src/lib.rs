//! c2c: browser-to-phone calling on Twilio with one command.

pub mod cli;
pub mod cmd;
pub mod config;
pub mod error;
pub mod logging;
pub mod secret;
pub mod sid;
pub mod token;
