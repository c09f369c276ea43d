//! The device cookie: a long-lived random id a browser gets at its first sign-in, kept
//! by the store (hashed) for each account the browser has signed in to. A known
//! device has its own allowance of the per-phone limits, so a stranger cannot lock
//! the owner's own browsers out. No fingerprinting: the cookie is all there is.

pub const DEVICE_COOKIE: &str = "did";
