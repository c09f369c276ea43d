//! A running `sms-auth` binary, for the tests and the bench: on a free loopback port,
//! ready once `/readyz` answers, killed when dropped.

use std::{
    net::TcpListener,
    process::{Child, Command, Stdio},
    sync::atomic::{AtomicU16, Ordering},
    time::{Duration, Instant},
};

/// A port nothing listens on now, for a child process to listen on. It is below
/// the kernel's ephemeral range, where the servers that bind port 0 get theirs (the
/// tests' in-process apps, fake Exolves), and never handed out twice by this
/// process, so it stays free until the child binds it: a port of the ephemeral
/// range, released and handed on, could be taken meanwhile, and the child's
/// readiness check would then reach another test's server.
pub fn free_port() -> u16 {
    const SPAN: u16 = 12_000;
    static NEXT: AtomicU16 = AtomicU16::new(0);
    let ephemeral_low = std::fs::read_to_string("/proc/sys/net/ipv4/ip_local_port_range")
        .ok()
        .and_then(|range| range.split_whitespace().next()?.parse::<u16>().ok())
        .unwrap_or(32_768);
    let low = ephemeral_low.saturating_sub(SPAN).max(1_024);
    // Test binaries of one run may overlap: each starts at its own place.
    #[allow(clippy::cast_possible_truncation)] // a remainder below SPAN
    let offset = (std::process::id() % u32::from(SPAN)) as u16;
    for _ in 0..SPAN {
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let port = low + (offset.wrapping_add(n) % SPAN);
        if TcpListener::bind(("127.0.0.1", port)).is_ok() {
            return port;
        }
    }
    panic!("no free port in {low}..{}", low + SPAN)
}

pub struct ServerProcess {
    /// `http://127.0.0.1:<port>`
    pub base: String,
    pub child: Child,
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl ServerProcess {
    /// Spawns `command` (its environment set by the caller) listening on `port`, and
    /// waits until it is ready.
    pub async fn start(command: Command, port: u16) -> Self {
        Self::start_answering(command, port, "/readyz").await
    }

    /// The same for a server that is ready once `path` answers 200.
    pub async fn start_answering(mut command: Command, port: u16, path: &str) -> Self {
        let addr = format!("127.0.0.1:{port}");
        let child = command
            .env("LEPTOS_SITE_ADDR", &addr)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("spawn sms-auth");
        let server = Self {
            base: format!("http://{addr}"),
            child,
        };
        let deadline = Instant::now() + Duration::from_secs(30);
        let client = reqwest::Client::new();
        loop {
            let ready = client
                .get(format!("{}{path}", server.base))
                .send()
                .await
                .is_ok_and(|r| r.status() == 200);
            if ready {
                return server;
            }
            assert!(Instant::now() < deadline, "{addr} did not become ready");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}
