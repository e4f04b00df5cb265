//! The typed intermediate model both readers (AWS CLI JSON, Terraform JSON) produce: what was
//! read, product-neutral, each item with the place it was read from.

/// Where an item was read: a file and a JSON path (CLI), or a file and a resource address
/// (Terraform).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Src {
    pub file: String,
    pub path: String,
}

impl Src {
    pub fn new(file: &str, path: impl Into<String>) -> Self {
        Src {
            file: file.to_string(),
            path: path.into(),
        }
    }
    pub fn at(&self, sub: &str) -> String {
        if self.path.is_empty() {
            sub.to_string()
        } else {
            format!("{}.{sub}", self.path)
        }
    }
}

impl std::fmt::Display for Src {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.path.is_empty() {
            write!(f, "{}", self.file)
        } else {
            write!(f, "{}: {}", self.file, self.path)
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum Policy {
    Simple,
    Failover {
        primary: bool,
    },
    Weighted {
        weight: u32,
    },
    Latency {
        region: String,
    },
    Geolocation {
        continent: Option<String>,
        country: Option<String>,
        subdivision: Option<String>,
    },
    Geoproximity {
        aws_region: Option<String>,
        coordinates: Option<(f64, f64)>,
        bias: i32,
        local_zone_group: Option<String>,
    },
    Multivalue,
    /// IP-based (CIDR) routing: refused "not supported yet" when it is the imported name.
    Cidr,
}

impl Policy {
    pub fn name(&self) -> &'static str {
        match self {
            Policy::Simple => "simple",
            Policy::Failover { .. } => "failover",
            Policy::Weighted { .. } => "weighted",
            Policy::Latency { .. } => "latency",
            Policy::Geolocation { .. } => "geolocation",
            Policy::Geoproximity { .. } => "geoproximity",
            Policy::Multivalue => "multivalue",
            Policy::Cidr => "cidr",
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Alias {
    /// Normalised (no `/hostedzone/`, upper-case).
    pub zone_id: String,
    /// Normalised (`norm_target`: lower-case, no trailing dot, no `dualstack.`).
    pub dns_name: String,
    pub evaluate_target_health: bool,
}

/// A health-check reference: a known ID, or (Terraform plan) the address of a health check that
/// is created by the same plan.
#[derive(Clone, Debug, PartialEq)]
pub struct RecordSet {
    /// Normalised (`norm_name`).
    pub name: String,
    pub rtype: String,
    pub set_id: Option<String>,
    pub ttl: Option<u64>,
    pub values: Vec<String>,
    pub alias: Option<Alias>,
    pub policy: Policy,
    pub health_check_id: Option<String>,
    pub traffic_policy: bool,
    /// The hosted zone the record is in, when the document tells (Terraform `zone_id`).
    pub zone_id: Option<String>,
    pub src: Src,
    /// The JSON path of the health-check reference (for "unknown health check" errors).
    pub hc_path: String,
}

#[derive(Clone, Debug, PartialEq)]
pub enum HcType {
    Http,
    Https,
    HttpStrMatch,
    HttpsStrMatch,
    Tcp,
    Calculated,
    CloudwatchMetric,
    RecoveryControl,
}

#[derive(Clone, Debug, PartialEq)]
pub struct HealthCheck {
    pub id: String,
    pub htype: HcType,
    pub ip: Option<String>,
    pub fqdn: Option<String>,
    pub request_interval: u32,
    pub failure_threshold: u32,
    /// None = the default checker set (absent, empty or all eight).
    pub regions: Option<Vec<String>>,
    pub inverted: bool,
    pub disabled: bool,
    pub health_threshold: u32,
    pub children: Vec<String>,
    pub routing_control_arn: Option<String>,
    pub src: Src,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Accelerator {
    pub arn: String,
    pub name: String,
    pub dns_names: Vec<String>,
    pub enabled: bool,
    pub src: Src,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Listener {
    pub arn: String,
    /// The accelerator's ARN (from the document, or the first two resource parts of the ARN).
    pub accelerator_arn: String,
    pub protocol: String,
    pub source_ip_affinity: bool,
    pub ports: Vec<(u32, u32)>,
    pub src: Src,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Endpoint {
    pub id: String,
    pub weight: u32,
    pub path: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct EndpointGroup {
    pub arn: String,
    pub listener_arn: String,
    pub region: String,
    pub traffic_dial: f64,
    pub hc_protocol: String,
    pub hc_interval: u32,
    pub threshold: u32,
    pub hc_path: Option<String>,
    pub endpoints: Vec<Endpoint>,
    pub src: Src,
}

#[derive(Clone, Debug, PartialEq)]
pub struct LoadBalancer {
    pub arn: String,
    /// Normalised DNS name, if known.
    pub dns_name: Option<String>,
    /// "application" | "network" | "gateway" (ELB `Type`, Terraform `load_balancer_type`).
    pub lb_type: String,
    pub region: Option<String>,
    pub src: Src,
}

#[derive(Clone, Debug, PartialEq)]
pub struct TargetGroup {
    pub arn: String,
    pub lb_arns: Vec<String>,
    pub protocol: Option<String>,
    pub interval: Option<u32>,
    pub timeout: Option<u32>,
    pub healthy: Option<u32>,
    pub unhealthy: Option<u32>,
    pub src: Src,
}

#[derive(Clone, Debug, PartialEq)]
pub struct RoutingControl {
    pub arn: String,
    pub name: String,
    /// Some(true) = On, from the data plane (`route53-recovery-cluster`); None = not read.
    pub on: Option<bool>,
    pub src: Src,
}

#[derive(Clone, Debug, PartialEq)]
pub struct SafetyRule {
    pub name: String,
    /// Assertion rule: the asserted controls; gating rule: the target controls.
    pub controls: Vec<String>,
    pub gating: bool,
    pub rule_type: String,
    pub threshold: u32,
    pub inverted: bool,
    pub wait_ms: u64,
    pub src: Src,
}

/// Everything read from one set of documents.
#[derive(Clone, Debug, Default)]
pub struct Inventory {
    pub zone_id: Option<String>,
    pub zone_name: Option<String>,
    pub records: Vec<RecordSet>,
    pub health_checks: Vec<HealthCheck>,
    pub accelerators: Vec<Accelerator>,
    pub listeners: Vec<Listener>,
    pub endpoint_groups: Vec<EndpointGroup>,
    pub load_balancers: Vec<LoadBalancer>,
    pub target_groups: Vec<TargetGroup>,
    pub routing_controls: Vec<RoutingControl>,
    pub safety_rules: Vec<SafetyRule>,
    /// Cluster and control-panel names read (provenance only).
    pub arc_names: Vec<String>,
    pub files: Vec<String>,
    pub notes: Vec<String>,
}

impl Inventory {
    pub fn health_check(&self, id: &str) -> Option<&HealthCheck> {
        self.health_checks.iter().find(|h| h.id == id)
    }
}
