//! The names a workload may give each enumerated setting, one table per enum: the same table
//! answers the lookup and writes the "expected one of" message, so the two cannot drift apart.

use sim_engine::config::{
    ClientAffinity, EndpointType, GaFailoverReading, HardMode, HcProtocol, LbKind, Placement,
    Policy, Role,
};

/// An enumerated setting written as one of a fixed set of strings.
pub(crate) trait Named: Copy + PartialEq + 'static {
    /// Every accepted name and its value, in the order messages and docs list them.
    const NAMES: &'static [(&'static str, Self)];

    /// The message for a name that is not in [`Named::NAMES`].
    fn unknown(got: &str) -> String {
        expected_one_of(&names::<Self>(), got)
    }
}

/// The names of `T`, in table order.
pub(crate) fn names<T: Named>() -> Vec<&'static str> {
    T::NAMES.iter().map(|(n, _)| *n).collect()
}

/// The name of `v`.
pub(crate) fn name_of<T: Named>(v: T) -> &'static str {
    T::NAMES
        .iter()
        .find(|(_, x)| *x == v)
        .map_or("", |(n, _)| n)
}

/// The value named `name`, or the message listing the known names.
pub(crate) fn lookup<T: Named>(name: &str) -> Result<T, String> {
    T::NAMES
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, v)| *v)
        .ok_or_else(|| T::unknown(name))
}

/// `"a", "b" or "c"`.
pub(crate) fn quoted_list(options: &[&str]) -> String {
    let quoted: Vec<String> = options.iter().map(|o| format!("{o:?}")).collect();
    match quoted.split_last() {
        None => String::new(),
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
    }
}

/// `expected "a", "b" or "c", got "x"`.
pub(crate) fn expected_one_of(options: &[&str], got: &str) -> String {
    format!("expected {}, got {got:?}", quoted_list(options))
}

macro_rules! names {
    ($($ty:ty { $($name:literal => $value:expr),+ $(,)? })+) => {
        $(impl Named for $ty {
            const NAMES: &'static [(&'static str, Self)] = &[$(($name, $value)),+];
        })+
    };
}

/// `arms[].kind`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ArmKind {
    Route53,
    GlobalAccelerator,
}

/// `failures[].kind`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FailureKind {
    Hard,
    Drain,
    Brownout,
    Grey,
}

/// `resolvers[].ttl.mode`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TtlMode {
    Honor,
    Floor,
    Cap,
    Fixed,
    FloorCap,
    Distribution,
}

/// `arms[].control.kind`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ControlKind {
    Arc,
}

/// `regions[].overload.probes`: whether an overloaded region sheds health-check probes too.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Probes {
    Shed,
    Exempt,
}

names! {
    ArmKind { "route53" => ArmKind::Route53, "global-accelerator" => ArmKind::GlobalAccelerator }
    FailureKind {
        "hard" => FailureKind::Hard,
        "drain" => FailureKind::Drain,
        "brownout" => FailureKind::Brownout,
        "grey" => FailureKind::Grey,
    }
    TtlMode {
        "honor" => TtlMode::Honor,
        "floor" => TtlMode::Floor,
        "cap" => TtlMode::Cap,
        "fixed" => TtlMode::Fixed,
        "floor-cap" => TtlMode::FloorCap,
        "distribution" => TtlMode::Distribution,
    }
    ControlKind { "arc" => ControlKind::Arc }
    Placement {
        "local" => Placement::Local,
        "public-anycast" => Placement::PublicAnycast,
        "central" => Placement::Central,
    }
    HardMode { "blackhole" => HardMode::Blackhole, "reset" => HardMode::Reset }
    Policy {
        "weighted" => Policy::Weighted,
        "failover" => Policy::Failover,
        "latency" => Policy::Latency,
        "geolocation" => Policy::Geolocation,
        "multivalue" => Policy::Multivalue,
        "geoproximity" => Policy::Geoproximity,
    }
    Role { "primary" => Role::Primary, "secondary" => Role::Secondary }
    EndpointType {
        "alb" => EndpointType::Alb,
        "nlb" => EndpointType::Nlb,
        "ec2" => EndpointType::Ec2,
        "eip" => EndpointType::Eip,
    }
    LbKind { "alb" => LbKind::Alb, "nlb" => LbKind::Nlb }
    GaFailoverReading {
        "three-additional" => GaFailoverReading::ThreeAdditional,
        "three-closest" => GaFailoverReading::ThreeClosest,
    }
    HcProtocol { "http" => HcProtocol::Http, "https" => HcProtocol::Https, "tcp" => HcProtocol::Tcp }
    ClientAffinity { "none" => ClientAffinity::None, "source-ip" => ClientAffinity::SourceIp }
}

impl Named for Probes {
    const NAMES: &'static [(&'static str, Self)] =
        &[("shed", Probes::Shed), ("exempt", Probes::Exempt)];

    fn unknown(got: &str) -> String {
        format!(
            "unknown value {got:?} (known: {})",
            names::<Self>().join(", ")
        )
    }
}
