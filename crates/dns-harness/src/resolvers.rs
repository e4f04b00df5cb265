//! The real resolvers under test, each between the clients and the authoritative server on a
//! loopback high port: hickory-resolver in process (behind a small UDP front end), and Unbound,
//! dnsmasq, BIND 9, PowerDNS Recursor and Knot Resolver as foreground daemons with generated
//! configs (the working loopback configs and their pitfalls are in
//! `shared/research/toolchain-and-resolvers.md` section 4). TTL floors and caps come from the
//! scenario's [`SoftwareConfig`].

use std::fs;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use resolver_models::{Software, SoftwareConfig};

use crate::procs::{Daemon, TempDir, find_program, free_port, give_to_daemon_user};
use crate::wire;

/// The program a daemon resolver runs (`None`: hickory, in process).
pub fn program(s: Software) -> Option<&'static str> {
    match s {
        Software::Hickory => None,
        Software::Unbound => Some("unbound"),
        Software::Bind => Some("named"),
        Software::Dnsmasq => Some("dnsmasq"),
        Software::PdnsRecursor => Some("pdns_recursor"),
        Software::KnotResolver => Some("kresd"),
    }
}

/// The Debian package that installs it (for "not run" messages).
pub fn package(s: Software) -> &'static str {
    match s {
        Software::Hickory => "(built in)",
        Software::Unbound => "unbound",
        Software::Bind => "bind9",
        Software::Dnsmasq => "dnsmasq-base",
        Software::PdnsRecursor => "pdns-recursor",
        Software::KnotResolver => "knot-resolver",
    }
}

/// Is this resolver's program installed? (`Err` names what is missing.)
pub fn available(s: Software) -> Result<(), String> {
    match program(s) {
        None => Ok(()),
        Some(p) => find_program(p)
            .map(|_| ())
            .ok_or_else(|| format!("{p} not found (install the Debian package {})", package(s))),
    }
}

/// A running resolver; ended (by PID, or by aborting its task) when dropped.
pub struct Running {
    pub software: Software,
    pub port: u16,
    /// Daemon PID (`None` for in-process hickory).
    pub pid: Option<u32>,
    _daemon: Option<Daemon>,
    _dir: Option<TempDir>,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl Drop for Running {
    fn drop(&mut self) {
        if let Some(t) = self.task.take() {
            t.abort();
        }
    }
}

fn max_ttl(cfg: &SoftwareConfig) -> u32 {
    cfg.max_ttl_s.unwrap_or(86_400)
}

/// The config file(s) and command line of a daemon resolver listening on `port` and sending
/// `example.test` to the authoritative on `auth_port` from source address `source` (each
/// line verified on Debian 12's packages; `shared/research/toolchain-and-resolvers.md`).
fn daemon_setup(
    s: Software,
    cfg: &SoftwareConfig,
    dir: &std::path::Path,
    port: u16,
    auth_port: u16,
    source: Ipv4Addr,
) -> std::io::Result<Vec<String>> {
    let d = dir.display();
    let (min, max) = (cfg.min_ttl_s, max_ttl(cfg));
    let yes_no = |b: bool| if b { "yes" } else { "no" };
    Ok(match s {
        Software::Hickory => Vec::new(),
        Software::Unbound => {
            let conf = format!(
                "server:\n  interface: 127.0.0.1@{port}\n  do-ip6: no\n  do-daemonize: no\n  \
                 username: \"\"\n  chroot: \"\"\n  directory: \"{d}\"\n  pidfile: \"\"\n  \
                 use-syslog: no\n  logfile: \"\"\n  access-control: 127.0.0.0/8 allow\n  \
                 module-config: \"iterator\"\n  do-not-query-localhost: no\n  \
                 local-zone: \"test.\" nodefault\n  cache-min-ttl: {min}\n  cache-max-ttl: {max}\n  \
                 prefetch: {}\n  serve-expired: {}\n  num-threads: 1\n  \
                 outgoing-interface: {source}\n\
                 stub-zone:\n  name: \"example.test\"\n  stub-addr: 127.0.0.1@{auth_port}\n",
                yes_no(cfg.prefetch),
                yes_no(cfg.serve_stale)
            );
            // ECS (verified live, resolver_models::EcsSupport): subnetcache must come before
            // the iterator, or Unbound starts silently without ECS.
            let conf = if cfg.ecs {
                conf.replace(
                    "module-config: \"iterator\"",
                    "module-config: \"subnetcache iterator\"\n  send-client-subnet: 127.0.0.1\n  \
                     max-client-subnet-ipv4: 24",
                )
            } else {
                conf
            };
            fs::write(dir.join("unbound.conf"), conf)?;
            vec!["-d".into(), "-c".into(), format!("{d}/unbound.conf")]
        }
        Software::Dnsmasq => {
            let mut conf = format!(
                "port={port}\nlisten-address=127.0.0.1\nbind-interfaces\nkeep-in-foreground\n\
                 pid-file=\nno-resolv\nno-hosts\nserver=/example.test/127.0.0.1#{auth_port}@{source}\n\
                 cache-size=1000\nmin-cache-ttl={min}\nlog-facility=-\n"
            );
            if let Some(max) = cfg.max_ttl_s {
                conf.push_str(&format!("max-cache-ttl={max}\n"));
            }
            if cfg.serve_stale {
                conf.push_str("use-stale-cache\n");
            }
            fs::write(dir.join("dnsmasq.conf"), conf)?;
            vec!["-C".into(), format!("{d}/dnsmasq.conf")]
        }
        Software::Bind => {
            let conf = format!(
                "options {{ directory \"{d}\"; pid-file none; session-keyfile none;\n  \
                 listen-on port {port} {{ 127.0.0.1; }}; listen-on-v6 {{ none; }};\n  \
                 recursion yes; allow-query {{ 127.0.0.0/8; }}; allow-recursion {{ 127.0.0.0/8; }};\n  \
                 dnssec-validation no; min-cache-ttl {min}; max-cache-ttl {max}; min-ncache-ttl 0;\n  \
                 prefetch 0; qname-minimization off; stale-answer-enable {};\n  \
                 query-source address {source}; }};\n\
                 zone \"example.test\" {{ type forward; forward only; forwarders {{ 127.0.0.1 port {auth_port}; }}; }};\n\
                 controls {{ }};\n",
                yes_no(cfg.serve_stale)
            );
            fs::write(dir.join("named.conf"), conf)?;
            vec![
                "-g".into(),
                "-n".into(),
                "1".into(),
                "-c".into(),
                format!("{d}/named.conf"),
            ]
        }
        Software::PdnsRecursor => {
            let conf = format!(
                "local-address=127.0.0.1\nlocal-port={port}\nallow-from=127.0.0.0/8\n\
                 forward-zones=example.test=127.0.0.1:{auth_port}\ndnssec=off\n\
                 minimum-ttl-override={min}\nmax-cache-ttl={max}\nsocket-dir={d}\ndaemon=no\n\
                 write-pid=no\nthreads=1\nquiet=yes\nhint-file=no\nsecurity-poll-suffix=\n\
                 serve-stale-extensions={}\nquery-local-address={source}\n",
                if cfg.serve_stale { 1 } else { 0 }
            );
            // ECS: `ecs-add-for`'s default excludes 127/8, so the loopback clients are named.
            let conf = if cfg.ecs {
                conf + "edns-subnet-allow-list=example.test\necs-add-for=127.0.0.0/8\n\
                        ecs-ipv4-bits=24\n"
            } else {
                conf
            };
            fs::write(dir.join("recursor.conf"), conf)?;
            vec![format!("--config-dir={d}")]
        }
        Software::KnotResolver => {
            let conf = format!(
                "net.listen('127.0.0.1', {port}, {{ kind = 'dns' }}); net.ipv6 = false\n\
                 modules.unload('ta_update'); trust_anchors.remove('.')\n\
                 cache.size = 10 * MB; cache.min_ttl({min}); cache.max_ttl({max})\n\
                 net.outgoing_v4('{source}')\n{}\
                 policy.add(policy.suffix(policy.STUB({{'127.0.0.1@{auth_port}'}}), {{todname('example.test.')}}))\n",
                if cfg.serve_stale {
                    "modules.load('serve_stale < cache')\n"
                } else {
                    ""
                }
            );
            fs::write(dir.join("kresd.conf"), conf)?;
            fs::create_dir_all(dir.join("cache"))?;
            vec![
                "-n".into(),
                "-c".into(),
                format!("{d}/kresd.conf"),
                format!("{d}/cache"),
            ]
        }
    })
}

/// Start resolver `s` with `cfg` in front of the authoritative on `auth_port`, querying it
/// from `source` (a loopback address), and wait until it answers (at most 20 s).
pub async fn start(
    s: Software,
    cfg: &SoftwareConfig,
    auth_port: u16,
    source: Ipv4Addr,
) -> Result<Running, String> {
    available(s)?;
    let mut running = match program(s) {
        None => start_hickory(cfg, auth_port, source).await?,
        Some(p) => {
            let dir = TempDir::new(s.name()).map_err(|e| format!("{}: temp dir: {e}", s.name()))?;
            let port = free_port().map_err(|e| e.to_string())?;
            let args = daemon_setup(s, cfg, dir.path(), port, auth_port, source)
                .map_err(|e| format!("{}: writing its config: {e}", s.name()))?;
            give_to_daemon_user(dir.path()).map_err(|e| format!("{}: chown: {e}", s.name()))?;
            let program = find_program(p).expect("checked by available()");
            let daemon = Daemon::start(s.name(), &program, &args, &dir.path().join("log.txt"))
                .map_err(|e| format!("{}: cannot start {}: {e}", s.name(), program.display()))?;
            Running {
                software: s,
                port,
                pid: Some(daemon.pid()),
                _daemon: Some(daemon),
                _dir: Some(dir),
                task: None,
            }
        }
    };
    let deadline = Instant::now() + Duration::from_secs(20);
    let sock = tokio::net::UdpSocket::bind((Ipv4Addr::LOCALHOST, 0))
        .await
        .map_err(|e| e.to_string())?;
    let q = wire::a_query(0x5151, "ready.example.test");
    loop {
        let _ = sock.send_to(&q, (Ipv4Addr::LOCALHOST, running.port)).await;
        let mut buf = [0u8; 512];
        if let Ok(Ok(n)) =
            tokio::time::timeout(Duration::from_millis(200), sock.recv(&mut buf)).await
            && wire::parse_answer(&buf[..n]).is_some_and(|a| a.a.is_some())
        {
            return Ok(running);
        }
        if let Some(d) = running._daemon.as_mut()
            && let Some(status) = d.exited()
        {
            return Err(format!(
                "{} exited at start ({status}); its log ends:\n{}",
                s.name(),
                d.log_tail()
            ));
        }
        if Instant::now() > deadline {
            let tail = running
                ._daemon
                .as_ref()
                .map(|d| d.log_tail())
                .unwrap_or_default();
            return Err(format!(
                "{} did not answer ready.example.test within 20 s; its log ends:\n{tail}",
                s.name()
            ));
        }
    }
}

/// hickory-resolver in process, with its cache bounds from `cfg`, behind a UDP front end that
/// answers each query with what `Resolver::lookup` returns (address and TTL).
async fn start_hickory(
    cfg: &SoftwareConfig,
    auth_port: u16,
    source: Ipv4Addr,
) -> Result<Running, String> {
    use hickory_resolver::Resolver;
    use hickory_resolver::config::{NameServerConfig, ResolverConfig, ResolverOpts};
    use hickory_resolver::net::runtime::TokioRuntimeProvider;
    use hickory_resolver::proto::rr::{RData, RecordType};

    let mut ns = NameServerConfig::udp_and_tcp(IpAddr::V4(Ipv4Addr::LOCALHOST));
    for c in &mut ns.connections {
        c.port = auth_port;
        c.bind_addr = Some(SocketAddr::from((source, 0)));
    }
    let mut opts = ResolverOpts::default();
    opts.cache_size = 1024;
    opts.positive_min_ttl = Some(Duration::from_secs(cfg.min_ttl_s as u64));
    opts.positive_max_ttl = Some(Duration::from_secs(max_ttl(cfg) as u64));
    let resolver = Resolver::builder_with_config(
        ResolverConfig::from_name_servers(vec![ns]),
        TokioRuntimeProvider::default(),
    )
    .with_options(opts)
    .build()
    .map_err(|e| format!("hickory: {e}"))?;
    let resolver = Arc::new(resolver);
    let sock = Arc::new(
        tokio::net::UdpSocket::bind((Ipv4Addr::LOCALHOST, 0))
            .await
            .map_err(|e| e.to_string())?,
    );
    let port = sock.local_addr().map_err(|e| e.to_string())?.port();
    let task = tokio::spawn(async move {
        let mut buf = [0u8; 512];
        loop {
            let Ok((n, from)) = sock.recv_from(&mut buf).await else {
                continue;
            };
            let Some((id, name, question)) = wire::parse_query(&buf[..n]) else {
                continue;
            };
            let (resolver, sock) = (resolver.clone(), sock.clone());
            tokio::spawn(async move {
                let reply = match resolver.lookup(format!("{name}."), RecordType::A).await {
                    Ok(l) => {
                        let answers: Vec<(Ipv4Addr, u32)> = l
                            .answers()
                            .iter()
                            .filter_map(|r| match &r.data {
                                RData::A(a) => Some((a.0, r.ttl)),
                                _ => None,
                            })
                            .collect();
                        wire::response(id, &question, 0, &answers)
                    }
                    Err(_) => wire::response(id, &question, 2, &[]),
                };
                let _ = sock.send_to(&reply, from).await;
            });
        }
    });
    Ok(Running {
        software: Software::Hickory,
        port,
        pid: None,
        _daemon: None,
        _dir: None,
        task: Some(task),
    })
}

/// Where the resolver listens.
pub fn addr(r: &Running) -> SocketAddr {
    SocketAddr::from((Ipv4Addr::LOCALHOST, r.port))
}

/// The folders the harness uses for a resolver (for leftover checks).
pub fn temp_root() -> PathBuf {
    std::env::temp_dir()
}
