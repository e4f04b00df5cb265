//! The authoritative server: hickory-server on 127.0.0.1 (UDP and TCP, a free port) serving
//! `example.test`. Every A query for a scheduled name is answered, at the moment it arrives,
//! with what the simulator's own Route 53 policy code
//! ([`sim_engine::controlplane::Route53Control::answer`]) answers a query from that resolver at
//! that schedule time: failover, weighted (drawn per query), latency (the resolver's site from
//! its source address, or the client's subnet from an EDNS Client Subnet option) and ARC
//! routing controls. The rest of the zone (SOA, NS, `ready.`) is a static hickory zone. It
//! counts the queries for scheduled names per resolver.

use std::collections::{BTreeMap, HashMap};
use std::net::{IpAddr, Ipv4Addr};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use hickory_server::Server;
use hickory_server::net::runtime::{Time, TokioRuntimeProvider};
use hickory_server::proto::op::{
    Edns, Header, HeaderCounts, MessageType, Metadata, OpCode, ResponseCode,
};
use hickory_server::proto::rr::rdata::opt::{ClientSubnet, EdnsCode, EdnsOption};
use hickory_server::proto::rr::rdata::{A, NS, SOA};
use hickory_server::proto::rr::{DNSClass, LowerName, Name, RData, Record, RecordType};
use hickory_server::server::{Request, RequestHandler, ResponseHandler, ResponseInfo};
use hickory_server::store::in_memory::InMemoryZoneHandler;
use hickory_server::zone_handler::{
    AxfrPolicy, Catalog, MessageResponseBuilder, ZoneHandler, ZoneType,
};
use sim_engine::Micros;
use sim_engine::config::Policy;

use crate::scenario::{NameSchedule, SITES, resolver_of, site_of};

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

/// The site a client subnet stands for: 127.1.s.0/24 is site `s mod SITES` (clients of the
/// ECS check bind such addresses); any other subnet is not placed (`None`: the resolver's
/// site is used).
pub fn subnet_site(ip: IpAddr) -> Option<usize> {
    match ip {
        IpAddr::V4(v4) => {
            let o = v4.octets();
            (o[0] == 127 && o[1] == 1).then_some(o[2] as usize % SITES)
        }
        IpAddr::V6(_) => None,
    }
}

/// The scope prefix answered to a client-subnet option (RFC 7871 section 7.2.1): latency,
/// geolocation and geoproximity answers depend on the subnet, the other policies' do not (scope 0). Route 53's
/// ECS prefix handling is not documented (research/route53-ga.md, latency row: \[U\]); ASSUMED
/// here, for the harness only: the query's source prefix, at most /24.
pub fn ecs_scope(policy: Policy, source_prefix: u8) -> u8 {
    match policy {
        Policy::Latency | Policy::Geolocation | Policy::Geoproximity => source_prefix.min(24),
        _ => 0,
    }
}

/// One A query for a scheduled name, as the authoritative saw it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fetch {
    /// Schedule time of arrival, µs.
    pub at: Micros,
    /// The resolver it came from (`None`: an unknown source).
    pub resolver: Option<u8>,
    /// Index of the name in the schedule.
    pub name: usize,
    /// The site of its client-subnet option, if it had one that places the query.
    pub subnet_site: Option<usize>,
}

/// The UDP payload size the server advertises in EDNS (the DNS Flag Day 2020 value).
const MAX_PAYLOAD: u16 = 1232;

/// The answering state shared by the server's tasks and the harness.
pub struct Policies {
    /// The scheduled names, by owner name.
    names: HashMap<LowerName, usize>,
    schedule: Vec<NameSchedule>,
    ttl: u32,
    /// Schedule time 0 (until set, every query is answered as at time 0).
    t0: OnceLock<tokio::time::Instant>,
    /// Per name: queries answered (keys the weighted draws).
    counters: Vec<AtomicU64>,
    /// Queries for scheduled names per source (resolver index; `None` = unknown source).
    by_source: Mutex<BTreeMap<Option<u8>, u64>>,
    /// Every A query for a scheduled name: when it arrived (schedule time), from which
    /// resolver, for which name, and the client site of its ECS option if it had a placed one.
    fetches: Mutex<Vec<Fetch>>,
    /// Queries that carried a client-subnet option.
    pub ecs_queries: AtomicU64,
    soa: Record,
}

impl Policies {
    /// Schedule time now, µs.
    pub fn now(&self) -> Micros {
        self.t0
            .get()
            .map_or(0, |t0| t0.elapsed().as_micros() as Micros)
    }

    /// Start the schedule's clock (once; later calls are ignored).
    pub fn start_clock(&self, t0: tokio::time::Instant) {
        let _ = self.t0.set(t0);
    }

    /// The A queries for scheduled names so far, in arrival order.
    pub fn fetches(&self) -> Vec<Fetch> {
        self.fetches.lock().expect("not poisoned").clone()
    }

    /// Queries for scheduled names per source so far.
    pub fn queries_by_source(&self) -> BTreeMap<Option<u8>, u64> {
        self.by_source.lock().expect("not poisoned").clone()
    }

    /// Answer a query for scheduled name `k`.
    async fn respond<R: ResponseHandler>(
        &self,
        k: usize,
        request: &Request,
        qtype: RecordType,
        mut response_handle: R,
    ) -> ResponseInfo {
        let src = match request.src().ip() {
            IpAddr::V4(v4) => resolver_of(v4),
            IpAddr::V6(_) => None,
        };
        *self
            .by_source
            .lock()
            .expect("not poisoned")
            .entry(src)
            .or_default() += 1;
        let name = &self.schedule[k];
        let subnet: Option<ClientSubnet> =
            request
                .edns
                .as_ref()
                .and_then(|e| match e.option(EdnsCode::Subnet) {
                    Some(EdnsOption::Subnet(cs)) => Some(*cs),
                    _ => None,
                });
        if subnet.is_some() {
            self.ecs_queries.fetch_add(1, Ordering::Relaxed);
        }
        let placed = subnet.as_ref().and_then(|cs| subnet_site(cs.addr()));
        let site = placed.unwrap_or_else(|| src.map_or(0, site_of));
        let mut answers = Vec::new();
        if qtype == RecordType::A {
            let query = self.counters[k].fetch_add(1, Ordering::Relaxed);
            let now = self.now();
            self.fetches.lock().expect("not poisoned").push(Fetch {
                at: now,
                resolver: src,
                name: k,
                subnet_site: placed,
            });
            if let Some(rec) = name.answer(src, site, query, now) {
                let owner = Name::from(request.queries.queries()[0].name().clone());
                answers.push(Record::from_rdata(
                    owner,
                    self.ttl,
                    RData::A(A(record_ip(rec))),
                ));
            }
        }
        let mut metadata = Metadata::response_from_request(&request.metadata);
        metadata.authoritative = true;
        metadata.response_code = ResponseCode::NoError;
        let resp_edns = request.edns.as_ref().map(|_| {
            let mut e = Edns::new();
            e.set_max_payload(MAX_PAYLOAD);
            e.set_dnssec_ok(false);
            if let Some(mut cs) = subnet {
                // A subnet that stands for no site did not decide the answer: scope 0.
                let scope = match placed {
                    Some(_) => ecs_scope(name.control.policy, cs.source_prefix()),
                    None => 0,
                };
                cs.set_scope_prefix(scope);
                e.options_mut().insert(EdnsOption::Subnet(cs));
            }
            e
        });
        let mut builder = MessageResponseBuilder::from_message_request(request);
        if let Some(e) = resp_edns.as_ref() {
            builder.edns(e);
        }
        // No A answer (another type): NODATA, the SOA in the authority section.
        let soa: Vec<&Record> = if answers.is_empty() {
            vec![&self.soa]
        } else {
            Vec::new()
        };
        let response = builder.build(metadata, answers.iter(), [], soa, []);
        match response_handle.send_response(response).await {
            Ok(info) => info,
            Err(_) => {
                let mut metadata = Metadata::response_from_request(&request.metadata);
                metadata.response_code = ResponseCode::ServFail;
                ResponseInfo::from(Header {
                    metadata,
                    counts: HeaderCounts::default(),
                })
            }
        }
    }
}

/// Answers scheduled names from the policy code and the rest from the catalog. Anything but a
/// plain IN query with EDNS version 0 (or none) goes to the catalog too, which refuses it as
/// hickory does (NOTIFY, UPDATE, other classes, BADVERS).
struct Handler {
    inner: Catalog,
    policies: Arc<Policies>,
}

#[async_trait::async_trait]
impl RequestHandler for Handler {
    async fn handle_request<R: ResponseHandler, T: Time>(
        &self,
        request: &Request,
        response_handle: R,
    ) -> ResponseInfo {
        if let Ok(info) = request.request_info()
            && request.metadata.op_code == OpCode::Query
            && request.metadata.message_type == MessageType::Query
            && info.query.query_class() == DNSClass::IN
            && request.edns.as_ref().is_none_or(|e| e.version() == 0)
            && let Some(&k) = self.policies.names.get(info.query.name())
        {
            let qtype = info.query.query_type();
            return self
                .policies
                .respond(k, request, qtype, response_handle)
                .await;
        }
        self.inner
            .handle_request::<R, T>(request, response_handle)
            .await
    }
}

/// A running authoritative server; stops when dropped.
pub struct Authoritative {
    pub port: u16,
    pub policies: Arc<Policies>,
    _server: Server<Handler>,
}

fn name(s: &str) -> Name {
    Name::from_ascii(format!("{s}.")).expect("static names are valid")
}

impl Authoritative {
    /// Serve `schedule`'s names (full names under [`ZONE`]) from their policy code, each A
    /// record with TTL `ttl` seconds; also `ready.example.test` (for readiness probes).
    pub async fn start(schedule: Vec<NameSchedule>, ttl: u32) -> std::io::Result<Authoritative> {
        let origin = name(ZONE);
        let ns = name(&format!("ns.{ZONE}"));
        let mut zh: InMemoryZoneHandler<TokioRuntimeProvider> =
            InMemoryZoneHandler::empty(origin.clone(), ZoneType::Primary, AxfrPolicy::Deny);
        // The SOA minimum (the negative-caching TTL, RFC 2308) is the record TTL.
        let soa = SOA::new(
            ns.clone(),
            name(&format!("hostmaster.{ZONE}")),
            1,
            3600,
            600,
            86400,
            ttl,
        );
        let soa = Record::from_rdata(origin.clone(), ttl, RData::SOA(soa));
        zh.upsert_mut(soa.clone(), 1);
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
        let mut catalog = Catalog::new();
        catalog.upsert(
            LowerName::from(&origin),
            vec![Arc::new(zh) as Arc<dyn ZoneHandler>],
        );
        let policies = Arc::new(Policies {
            names: schedule
                .iter()
                .enumerate()
                .map(|(k, n)| (LowerName::from(&name(&n.name)), k))
                .collect(),
            counters: schedule.iter().map(|_| AtomicU64::new(0)).collect(),
            schedule,
            ttl,
            t0: OnceLock::new(),
            by_source: Mutex::new(BTreeMap::new()),
            fetches: Mutex::new(Vec::new()),
            ecs_queries: AtomicU64::new(0),
            soa,
        });
        let udp = tokio::net::UdpSocket::bind((Ipv4Addr::LOCALHOST, 0)).await?;
        let port = udp.local_addr()?.port();
        let tcp = tokio::net::TcpListener::bind((Ipv4Addr::LOCALHOST, port)).await?;
        let mut server = Server::new(Handler {
            inner: catalog,
            policies: policies.clone(),
        });
        server.register_socket(udp);
        server.register_listener(tcp, Duration::from_secs(5), 64);
        Ok(Authoritative {
            port,
            policies,
            _server: server,
        })
    }
}
