//! Lighthouse's audits of the pages as a phone sees them (its mobile defaults:
//! a mid-range phone, a slow 4G network, simulated), in Debian's Chromium, with the
//! npm package `bench/lighthouse` holds.

use std::{path::Path, process::Command};

/// The four category scores of one page, 0–100.
pub struct Scores {
    pub page: &'static str,
    pub performance: u32,
    pub accessibility: u32,
    pub best_practices: u32,
    pub seo: u32,
}

impl Scores {
    pub fn meets_goals(&self) -> bool {
        self.performance >= 95
            && self.accessibility == 100
            && self.best_practices == 100
            && self.seo == 100
    }
}

/// Audits `url` (shown as `page`), sending `cookie` with every request to the site.
/// Lighthouse now and then loses its trace of the load (`NO_NAVSTART`) and asks to
/// be run again: it is, up to three times.
pub fn audit(root: &Path, page: &'static str, url: &str, cookie: Option<&str>) -> Scores {
    for attempt in 1..=3 {
        if let Some(scores) = run(root, page, url, cookie) {
            return scores;
        }
        eprintln!("lighthouse failed on {url} (attempt {attempt} of 3)");
    }
    panic!("lighthouse failed three times on {url}");
}

fn run(root: &Path, page: &'static str, url: &str, cookie: Option<&str>) -> Option<Scores> {
    let folder = root.join("bench/lighthouse");
    let report = tempfile::NamedTempFile::new().expect("lighthouse: report file");
    let mut command = Command::new(folder.join("node_modules/.bin/lighthouse"));
    command
        .current_dir(&folder)
        .env("CHROME_PATH", "/usr/bin/chromium")
        .arg(url)
        .arg(
            "--chrome-flags=--headless=new --no-sandbox --disable-gpu --disable-quic \
             --no-first-run --disable-background-networking --disable-component-update \
             --disable-sync",
        )
        .arg("--only-categories=performance,accessibility,best-practices,seo")
        .arg("--output=json")
        .arg(format!("--output-path={}", report.path().display()))
        .arg("--quiet");
    if let Some(cookie) = cookie {
        command.arg(format!(
            "--extra-headers={}",
            serde_json::json!({ "Cookie": cookie })
        ));
    }
    let status = command
        .status()
        .expect("lighthouse: run (bench/run.sh installs it)");
    if !status.success() {
        return None;
    }
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(report.path()).expect("lighthouse: report"))
            .expect("lighthouse: JSON");
    if json["finalDisplayedUrl"].as_str() != Some(url) {
        panic!(
            "lighthouse: {url} ended at {} (a redirect?)",
            json["finalDisplayedUrl"]
        );
    }
    let score = |category: &str| {
        let score = json["categories"][category]["score"]
            .as_f64()
            .unwrap_or(0.0);
        (score * 100.0).round() as u32
    };
    Some(Scores {
        page,
        performance: score("performance"),
        accessibility: score("accessibility"),
        best_practices: score("best-practices"),
        seo: score("seo"),
    })
}
