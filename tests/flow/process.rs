//! A running `sms-auth` binary, for the tests and the bench: on a free loopback port,
//! ready once `/readyz` answers, killed when dropped.

use std::{
    net::TcpListener,
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

/// A port nothing listens on now.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|addr| addr.port())
        .expect("a free port")
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
