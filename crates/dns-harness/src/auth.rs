//! The authoritative server: hickory-server on 127.0.0.1 (UDP and TCP, a free port) serving
//! `example.test`, whose A records are set at scheduled times to what the simulator's own
//! Route 53 policy code ([`sim_engine::controlplane::Route53Control::answer`]) answers then,
//! and counting the queries it gets.

use std::net::Ipv4Addr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use hickory_server::Server;
use hickory_server::net::runtime::{Time, TokioRuntimeProvider};
use hickory_server::proto::rr::rdata::{A, NS, SOA};
use hickory_server::proto::rr::{LowerName, Name, RData, Record, RecordSet, RecordType, RrKey};
use hickory_server::server::{Request, RequestHandler, ResponseHandler, ResponseInfo};
use hickory_server::store::in_memory::InMemoryZoneHandler;
use hickory_server::zone_handler::{AxfrPolicy, Catalog, ZoneHandler, ZoneType};

/// The zone served.
pub const ZONE: &str = "example.test";

/// The address that stands for record index `rec` (127.0.100.x: loopback only, never routed).
pub fn record_ip(rec: u8) -> Ipv4Addr {
    Ipv4Addr::new(127, 0, 100, 1 + rec)
}

/// Record index of an address from [`record_ip`].
pub fn record_of(ip: Ipv4Addr) -> Option<u8> {
    let o = ip.octets();
    (o[0] == 127 && o[1] == 0 && o[2] == 100 && o[3] >= 1).then(|| o[3] - 1)
}

/// Wraps the catalog and counts queries.
struct Counting {
    inner: Catalog,
    queries: Arc<AtomicU64>,
}

#[async_trait::async_trait]
impl RequestHandler for Counting {
    async fn handle_request<R: ResponseHandler, T: Time>(
        &self,
        request: &Request,
        response_handle: R,
    ) -> ResponseInfo {
        self.queries.fetch_add(1, Ordering::Relaxed);
        self.inner
            .handle_request::<R, T>(request, response_handle)
            .await
    }
}

/// A running authoritative server; stops when dropped.
pub struct Authoritative {
    pub port: u16,
    pub queries: Arc<AtomicU64>,
    zone: Arc<InMemoryZoneHandler<TokioRuntimeProvider>>,
    ttl: u32,
    /// Changes applied (for reports).
    serial: AtomicU64,
    _server: Server<Counting>,
}

fn name(s: &str) -> Name {
    Name::from_ascii(format!("{s}.")).expect("static names are valid")
}

impl Authoritative {
    /// Serve `names` (full names under [`ZONE`]) with initial record indices `initial`, each A
    /// record with TTL `ttl` seconds; also `ready.example.test` (for readiness probes).
    pub async fn start(
        names: &[String],
        initial: &[u8],
        ttl: u32,
    ) -> std::io::Result<Authoritative> {
        let origin = name(ZONE);
        let ns = name(&format!("ns.{ZONE}"));
        let mut zh: InMemoryZoneHandler<TokioRuntimeProvider> =
            InMemoryZoneHandler::empty(origin.clone(), ZoneType::Primary, AxfrPolicy::Deny);
        let soa = SOA::new(
            ns.clone(),
            name(&format!("hostmaster.{ZONE}")),
            1,
            3600,
            600,
            86400,
            ttl,
        );
        zh.upsert_mut(Record::from_rdata(origin.clone(), 3600, RData::SOA(soa)), 1);
        zh.upsert_mut(
            Record::from_rdata(origin.clone(), 3600, RData::NS(NS(ns.clone()))),
            1,
        );
        zh.upsert_mut(
            Record::from_rdata(ns, 3600, RData::A(A(Ipv4Addr::LOCALHOST))),
            1,
        );
        zh.upsert_mut(
            Record::from_rdata(name(&format!("ready.{ZONE}")), 1, RData::A(A(record_ip(0)))),
            1,
        );
        for (n, &rec) in names.iter().zip(initial) {
            zh.upsert_mut(
                Record::from_rdata(name(n), ttl, RData::A(A(record_ip(rec)))),
                1,
            );
        }
        let zone = Arc::new(zh);
        let mut catalog = Catalog::new();
        catalog.upsert(
            LowerName::from(&origin),
            vec![zone.clone() as Arc<dyn ZoneHandler>],
        );
        let queries = Arc::new(AtomicU64::new(0));
        let udp = tokio::net::UdpSocket::bind((Ipv4Addr::LOCALHOST, 0)).await?;
        let port = udp.local_addr()?.port();
        let tcp = tokio::net::TcpListener::bind((Ipv4Addr::LOCALHOST, port)).await?;
        let mut server = Server::new(Counting {
            inner: catalog,
            queries: queries.clone(),
        });
        server.register_socket(udp);
        server.register_listener(tcp, Duration::from_secs(5), 64);
        Ok(Authoritative {
            port,
            queries,
            zone,
            ttl,
            serial: AtomicU64::new(2),
            _server: server,
        })
    }

    /// Replace `name`'s A record by record index `rec`'s address, in one step under the zone's
    /// write lock (`upsert` would append to the RRset, and a remove-then-upsert leaves a moment
    /// with no record: toolchain-and-resolvers.md section 3).
    pub async fn set(&self, n: &str, rec: u8) {
        let owner = name(n);
        let _ = self.serial.fetch_add(1, Ordering::Relaxed);
        let record = Record::from_rdata(owner.clone(), self.ttl, RData::A(A(record_ip(rec))));
        let mut records = self.zone.records_mut().await;
        records.insert(
            RrKey::new(LowerName::from(&owner), RecordType::A),
            Arc::new(RecordSet::from(record)),
        );
    }
}
