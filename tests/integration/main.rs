//! Integration tests: the real binary (and, later, the real server) driven from outside.
//! One test binary for all of them, so that it links once.

mod support;

mod completions;
mod help;
mod secrets;
mod settings;
mod token;
