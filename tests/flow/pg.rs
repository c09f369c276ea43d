//! A throwaway PostgreSQL for the tests: Debian's server binaries, a cluster made
//! by initdb in a temporary folder, listening on a free port of 127.0.0.1. One server
//! per test process, started on first use; every test gets its own database. The
//! server dies with the test process (parent-death signal); the folders of earlier
//! runs are removed when the next run starts.

use std::{
    os::unix::{fs::chown, process::CommandExt},
    path::{Path, PathBuf},
    process::{Command, Stdio},
    sync::{
        atomic::{AtomicU32, Ordering},
        mpsc, OnceLock,
    },
    time::{Duration, Instant},
};

pub struct PgServer {
    port: u16,
}

static SERVER: OnceLock<PgServer> = OnceLock::new();
static NEXT_DATABASE: AtomicU32 = AtomicU32::new(0);
const DIR_PREFIX: &str = "sms-auth-test-pg-";

/// A fresh, empty database on the shared throwaway server.
pub async fn fresh_database() -> String {
    let server = SERVER.get_or_init(PgServer::start);
    let name = format!(
        "t{}_{}",
        std::process::id(),
        NEXT_DATABASE.fetch_add(1, Ordering::Relaxed)
    );
    let admin = server.url("postgres");
    let mut connection = wait_for(&admin).await;
    sqlx::Executor::execute(&mut connection, format!("CREATE DATABASE {name}").as_str())
        .await
        .expect("create test database");
    server.url(&name)
}

async fn wait_for(url: &str) -> sqlx::PgConnection {
    use sqlx::Connection;
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        match sqlx::PgConnection::connect(url).await {
            Ok(connection) => return connection,
            Err(error) if Instant::now() > deadline => panic!("PostgreSQL did not start: {error}"),
            Err(_) => tokio::time::sleep(Duration::from_millis(100)).await,
        }
    }
}

impl PgServer {
    pub fn url(&self, database: &str) -> String {
        format!("postgres://postgres@127.0.0.1:{}/{database}", self.port)
    }

    fn start() -> Self {
        remove_stale_folders();
        let bin = server_binaries();
        let dir = std::env::temp_dir().join(format!("{DIR_PREFIX}{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("create the cluster folder");
        let owner = unprivileged_owner();
        if let Some((uid, gid)) = owner {
            chown(&dir, Some(uid), Some(gid)).expect("hand the cluster folder to postgres");
        }
        let data = dir.join("data");
        let status = as_owner(Command::new(bin.join("initdb")), owner)
            .args(["-D", &data.display().to_string()])
            .args([
                "-U",
                "postgres",
                "--auth=trust",
                "--no-sync",
                "-E",
                "UTF8",
                "--no-locale",
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .status()
            .expect("run initdb");
        assert!(status.success(), "initdb failed");
        let port = crate::process::free_port();
        let mut command = as_owner(Command::new(bin.join("postgres")), owner);
        command
            .args(["-D", &data.display().to_string()])
            .args([
                "-p",
                &port.to_string(),
                "-h",
                "127.0.0.1",
                "-k",
                &dir.display().to_string(),
            ])
            .args(["-c", "fsync=off", "-c", "synchronous_commit=off"])
            .args(["-c", "full_page_writes=off", "-c", "max_connections=400"])
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        // SAFETY: prctl is async-signal-safe; it only marks this child to receive
        // SIGTERM when the thread that spawned it exits.
        unsafe {
            command.pre_exec(|| {
                if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGTERM) == 0 {
                    Ok(())
                } else {
                    Err(std::io::Error::last_os_error())
                }
            });
        }
        // The parent-death signal follows the spawning thread, so spawn from one that
        // lives as long as the test process.
        let (started, spawned) = mpsc::channel();
        std::thread::spawn(move || {
            let child = command.spawn();
            let ok = child.is_ok();
            started.send(child.map(|_| ())).expect("report the spawn");
            if ok {
                loop {
                    std::thread::park();
                }
            }
        });
        spawned
            .recv()
            .expect("spawner thread")
            .expect("start postgres");
        Self { port }
    }
}

/// Debian's server binaries: the newest `/usr/lib/postgresql/<version>/bin`.
fn server_binaries() -> PathBuf {
    let mut versions: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|entry| entry.path().join("bin"))
                .filter(|bin| bin.join("postgres").exists())
                .collect()
        })
        .unwrap_or_default();
    versions.sort_by_key(|bin| {
        bin.parent()
            .and_then(|v| v.file_name())
            .and_then(|v| v.to_str())
            .and_then(|v| v.parse::<u32>().ok())
            .unwrap_or(0)
    });
    versions.pop().unwrap_or_else(|| {
        panic!(
            "no PostgreSQL server in /usr/lib/postgresql: scripts/bootstrap.sh --test installs it"
        )
    })
}

/// initdb and postgres refuse to run as root: as root, run them as `postgres`.
fn unprivileged_owner() -> Option<(u32, u32)> {
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } != 0 {
        return None;
    }
    let id = |flag: &str| -> u32 {
        let output = Command::new("id")
            .args([flag, "postgres"])
            .output()
            .expect("run id");
        String::from_utf8_lossy(&output.stdout)
            .trim()
            .parse()
            .unwrap_or_else(|_| panic!("running as root needs a `postgres` user (Debian's postgresql package makes it)"))
    };
    Some((id("-u"), id("-g")))
}

fn as_owner(mut command: Command, owner: Option<(u32, u32)>) -> Command {
    if let Some((uid, gid)) = owner {
        command.uid(uid).gid(gid).env("HOME", "/tmp");
        command.current_dir("/tmp");
    }
    command
}

/// Folders of earlier runs whose process is gone.
fn remove_stale_folders() {
    let Ok(entries) = std::fs::read_dir(std::env::temp_dir()) else {
        return;
    };
    for entry in entries.filter_map(Result::ok) {
        let name = entry.file_name();
        let Some(pid) = name.to_str().and_then(|n| n.strip_prefix(DIR_PREFIX)) else {
            continue;
        };
        if !Path::new("/proc").join(pid).exists() {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}
