//! The store embeds its migrations (`sqlx::migrate!`): a migration added or changed
//! must rebuild the crate, which Cargo does not know by itself.

fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
