//! Integration tests: the real binary (and, later, the real server) driven from outside.
//! One test binary for all of them, so that it links once.

mod server;
mod support;

mod completions;
mod help;
mod secrets;
mod serve;
mod settings;
mod token;
