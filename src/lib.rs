//! c2c: browser-to-phone calling on Twilio with one command.

pub mod cli;
pub mod cmd;
pub mod config;
pub mod dial;
pub mod error;
pub mod logging;
pub mod ngrok_agent;
pub mod progress;
pub mod repoint;
pub mod secret;
pub mod server;
pub mod sid;
pub mod signature;
pub mod state_file;
pub mod token;
pub mod tunnel;
pub mod twilio_api;
pub mod twiml;
