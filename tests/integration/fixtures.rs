//! The account every offline test plays with. Kept apart from `support` (which runs the test
//! build's binary) so that the benchmark's stand-ins can share it.

pub const ACCOUNT_SID: &str = "AC0123456789abcdef0123456789abcdef";
pub const API_KEY: &str = "SK0123456789abcdef0123456789abcdef";
pub const API_SECRET: &str = "api-secret-DO-NOT-PRINT-4f1e";
pub const APP_SID: &str = "AP0123456789abcdef0123456789abcdef";
pub const AUTH_TOKEN: &str = "auth-token-DO-NOT-PRINT-9c2a";
pub const NGROK_AUTHTOKEN: &str = "ngrok-authtoken-DO-NOT-PRINT-77b3";
