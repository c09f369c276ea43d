//! Integration tests of the whole sign-in flow, through the real router over HTTP.
//! One test binary (one compile); one fresh app and database per test.

mod pg;
mod process;
mod soft_key;
mod support;

mod adversary;
mod alerts;
mod authz;
mod edge;
mod exolve_failures;
mod fuzz;
mod guard;
mod instances;
mod lanes;
mod operator;
mod limits;
mod oidc;
mod oidc_flow;
mod pages;
mod passkeys;
mod request_code;
mod sessions;
mod startup;
mod statuses;
mod store;
mod upgrade;
mod verify_code;
