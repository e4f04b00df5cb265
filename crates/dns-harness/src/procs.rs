//! Everything the harness starts outside its own process, and how it is ended: each daemon runs
//! in the foreground in its own process group (so its group id is its PID) and is ended by that
//! PID on drop (SIGTERM, then SIGKILL after 2 s); temporary folders are removed on drop. A
//! process-wide registry lets a Ctrl-C handler end everything still running
//! ([`emergency_cleanup`]).

use std::fs;
use std::net::{Ipv4Addr, TcpListener, UdpSocket};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Live process groups and temporary folders, for [`emergency_cleanup`].
static LIVE_PGIDS: Mutex<Vec<i32>> = Mutex::new(Vec::new());
static LIVE_DIRS: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// End every process group the harness started and remove its temporary folders (for a Ctrl-C
/// handler; normal runs end them on drop).
pub fn emergency_cleanup() {
    if let Ok(pgids) = LIVE_PGIDS.lock() {
        for &pg in pgids.iter() {
            // SAFETY: kill(2) on a process group we created; no memory is touched.
            unsafe {
                libc::kill(-pg, libc::SIGKILL);
            }
        }
    }
    if let Ok(dirs) = LIVE_DIRS.lock() {
        for d in dirs.iter() {
            let _ = fs::remove_dir_all(d);
        }
    }
}

/// A temporary folder removed on drop.
#[derive(Debug)]
pub struct TempDir {
    path: PathBuf,
}

impl TempDir {
    /// A new folder under the system temporary folder, readable by everyone (the daemons run as
    /// `nobody` and read their configs from it).
    pub fn new(tag: &str) -> std::io::Result<TempDir> {
        use std::os::unix::fs::PermissionsExt;
        let base = std::env::temp_dir();
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0);
        let path = base.join(format!("gtsim-{tag}-{}-{nanos}", std::process::id()));
        fs::create_dir_all(&path)?;
        fs::set_permissions(&path, fs::Permissions::from_mode(0o755))?;
        LIVE_DIRS.lock().unwrap().push(path.clone());
        Ok(TempDir { path })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.path);
        if let Ok(mut dirs) = LIVE_DIRS.lock() {
            dirs.retain(|d| d != &self.path);
        }
    }
}

/// `nobody`'s uid and gid from /etc/passwd, when we run as root (daemons then drop to it).
pub fn nobody_ids() -> Option<(u32, u32)> {
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } != 0 {
        return None;
    }
    let passwd = fs::read_to_string("/etc/passwd").ok()?;
    passwd.lines().find_map(|l| {
        let f: Vec<&str> = l.split(':').collect();
        (f.len() > 3 && f[0] == "nobody").then(|| Some((f[2].parse().ok()?, f[3].parse().ok()?)))?
    })
}

/// Give `path` (recursively) to the daemon user, if we have one.
pub fn give_to_daemon_user(path: &Path) -> std::io::Result<()> {
    if let Some((uid, gid)) = nobody_ids() {
        std::os::unix::fs::chown(path, Some(uid), Some(gid))?;
        if path.is_dir() {
            for e in fs::read_dir(path)? {
                give_to_daemon_user(&e?.path())?;
            }
        }
    }
    Ok(())
}

/// A loopback port free for both UDP and TCP right now.
pub fn free_port() -> std::io::Result<u16> {
    for _ in 0..50 {
        let udp = UdpSocket::bind((Ipv4Addr::LOCALHOST, 0))?;
        let port = udp.local_addr()?.port();
        if TcpListener::bind((Ipv4Addr::LOCALHOST, port)).is_ok() {
            return Ok(port);
        }
    }
    Err(std::io::Error::other("no free loopback port"))
}

/// Is `port` free again on loopback (UDP and TCP)?
pub fn port_is_free(port: u16) -> bool {
    UdpSocket::bind((Ipv4Addr::LOCALHOST, port)).is_ok()
        && TcpListener::bind((Ipv4Addr::LOCALHOST, port)).is_ok()
}

/// Find a program: `PATH`, then the sbin folders (daemons live there and root's PATH may lack
/// them).
pub fn find_program(name: &str) -> Option<PathBuf> {
    let path = std::env::var("PATH").unwrap_or_default();
    path.split(':')
        .map(PathBuf::from)
        .chain(["/usr/sbin", "/sbin", "/usr/bin", "/usr/local/sbin"].map(PathBuf::from))
        .map(|d| d.join(name))
        .find(|p| p.is_file())
}

/// A daemon in the foreground, in its own process group; ended by its PID on drop.
#[derive(Debug)]
pub struct Daemon {
    child: Child,
    pub name: String,
    pub log: PathBuf,
}

impl Daemon {
    /// Start `program args` as `nobody` (when root) with stdout and stderr to `log`.
    pub fn start(
        name: &str,
        program: &Path,
        args: &[String],
        log: &Path,
    ) -> std::io::Result<Daemon> {
        let out = fs::File::create(log)?;
        let err = out.try_clone()?;
        let mut cmd = Command::new(program);
        cmd.args(args)
            .stdin(Stdio::null())
            .stdout(out)
            .stderr(err)
            .process_group(0);
        if let Some((uid, gid)) = nobody_ids() {
            cmd.uid(uid).gid(gid);
        }
        let child = cmd.spawn()?;
        LIVE_PGIDS.lock().unwrap().push(child.id() as i32);
        Ok(Daemon {
            child,
            name: name.to_string(),
            log: log.to_path_buf(),
        })
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Has it exited already? (Then its log says why.)
    pub fn exited(&mut self) -> Option<std::process::ExitStatus> {
        self.child.try_wait().ok().flatten()
    }

    /// The end of its log, for error messages.
    pub fn log_tail(&self) -> String {
        let s = fs::read_to_string(&self.log).unwrap_or_default();
        let lines: Vec<&str> = s.lines().collect();
        lines[lines.len().saturating_sub(8)..].join("\n")
    }
}

impl Drop for Daemon {
    fn drop(&mut self) {
        let pg = self.child.id() as i32;
        // SAFETY: kill(2) on the process group we created for this child.
        unsafe {
            libc::kill(-pg, libc::SIGTERM);
        }
        let deadline = Instant::now() + Duration::from_secs(2);
        let mut done = false;
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                done = true;
                break;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        if !done {
            // SAFETY: as above; the group leader has not been reaped, so the id is still ours.
            unsafe {
                libc::kill(-pg, libc::SIGKILL);
            }
            let _ = self.child.wait();
        }
        if let Ok(mut pgids) = LIVE_PGIDS.lock() {
            pgids.retain(|&p| p != pg);
        }
    }
}
