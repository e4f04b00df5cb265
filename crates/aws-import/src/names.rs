//! Name normalisation and the region of a target (DNS name or ARN), after the research note
//! `aws-import.md` section 4.

/// AWS Region codes accepted as a region (BC-R53 `ResourceRecordSetRegion` enum, 39 codes).
pub const REGION_CODES: &[&str] = &[
    "us-east-1",
    "us-east-2",
    "us-west-1",
    "us-west-2",
    "af-south-1",
    "ap-east-1",
    "ap-east-2",
    "ap-south-1",
    "ap-south-2",
    "ap-northeast-1",
    "ap-northeast-2",
    "ap-northeast-3",
    "ap-southeast-1",
    "ap-southeast-2",
    "ap-southeast-3",
    "ap-southeast-4",
    "ap-southeast-5",
    "ap-southeast-6",
    "ap-southeast-7",
    "ca-central-1",
    "ca-west-1",
    "eu-central-1",
    "eu-central-2",
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
    "eu-south-1",
    "eu-south-2",
    "eu-north-1",
    "il-central-1",
    "me-south-1",
    "me-central-1",
    "mx-central-1",
    "sa-east-1",
    "cn-north-1",
    "cn-northwest-1",
    "us-gov-east-1",
    "us-gov-west-1",
    "eusc-de-east-1",
];

/// The eight Route 53 health-checker regions (BC-R53 `HealthCheckRegion` enum); a check whose
/// `Regions` is absent, empty or exactly these uses the default checker set.
pub const CHECKER_REGIONS: &[&str] = &[
    "us-east-1",
    "us-west-1",
    "us-west-2",
    "eu-west-1",
    "ap-southeast-1",
    "ap-southeast-2",
    "ap-northeast-1",
    "sa-east-1",
];

/// Route 53's hosted-zone ID of every Global Accelerator alias target (BC-R53 `AliasTarget`).
pub const GA_ZONE_ID: &str = "Z2BJ6XQ5FK7U4H";
/// Route 53's hosted-zone ID of every CloudFront alias target (BC-R53 `AliasTarget`).
pub const CLOUDFRONT_ZONE_ID: &str = "Z2FDTNDATAQYW2";

pub fn is_region(s: &str) -> bool {
    REGION_CODES.contains(&s)
}

/// A DNS name normalised for comparison: trimmed, lower-case, one trailing dot removed, `\ooo`
/// octal escapes decoded (`\052` → `*`).
pub fn norm_name(s: &str) -> String {
    let s = s.trim();
    let s = s.strip_suffix('.').unwrap_or(s);
    let mut out = String::with_capacity(s.len());
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'\\'
            && i + 3 < b.len()
            && b[i + 1..i + 4].iter().all(|c| (b'0'..=b'7').contains(c))
        {
            let v = (b[i + 1] - b'0') as u32 * 64
                + (b[i + 2] - b'0') as u32 * 8
                + (b[i + 3] - b'0') as u32;
            if let Some(c) = char::from_u32(v).filter(char::is_ascii) {
                out.push(c.to_ascii_lowercase());
                i += 4;
                continue;
            }
        }
        // Safe: we only step over ASCII bytes here; multi-byte chars are copied whole below.
        let c = s[i..].chars().next().expect("in bounds");
        out.extend(c.to_lowercase());
        i += c.len_utf8();
    }
    out
}

/// An alias target name normalised: as `norm_name`, and a leading `dualstack.` removed (the
/// console prepends it; the ELB APIs report the name without it).
pub fn norm_target(s: &str) -> String {
    let n = norm_name(s);
    match n.strip_prefix("dualstack.") {
        Some(rest) => rest.to_string(),
        None => n,
    }
}

/// A hosted-zone ID without the `/hostedzone/` prefix `get-hosted-zone` writes.
pub fn norm_zone_id(s: &str) -> String {
    let s = s.trim();
    s.strip_prefix("/hostedzone/")
        .unwrap_or(s)
        .to_ascii_uppercase()
}

/// Load-balancer kind derived from a DNS name or ARN.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LbKind {
    Alb,
    Nlb,
    /// A Classic Load Balancer, or an ALB (their DNS names share one pattern).
    AlbOrClassic,
    Gateway,
}

/// What an alias target or DNS name points at.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    /// An Elastic Load Balancing load balancer in `region`.
    Elb {
        region: String,
        kind: LbKind,
    },
    /// Another regional AWS endpoint (S3 website, Elastic Beanstalk, VPC endpoint, API Gateway).
    Regional {
        region: String,
        service: &'static str,
    },
    GlobalAccelerator,
    CloudFront,
    Unknown,
}

/// The region of a DNS name, after the anchored patterns of the research note (section 4):
/// the region label sits next to a fixed service suffix, never elsewhere in the name.
pub fn target_of_dns(name: &str) -> Target {
    let n = norm_target(name);
    let n = n.strip_suffix(".cn").unwrap_or(&n).to_string();
    let labels: Vec<&str> = n.split('.').collect();
    let len = labels.len();
    if n.ends_with(".awsglobalaccelerator.com") {
        return Target::GlobalAccelerator;
    }
    if n.ends_with(".cloudfront.net") {
        return Target::CloudFront;
    }
    if n.ends_with(".amazonaws.com") && len >= 4 {
        // ALB / Classic: <name>.<region>.elb.amazonaws.com
        if len == 5 && labels[2] == "elb" && is_region(labels[1]) {
            return Target::Elb {
                region: labels[1].to_string(),
                kind: LbKind::AlbOrClassic,
            };
        }
        // NLB: <name>.elb.<region>.amazonaws.com
        if len == 5 && labels[1] == "elb" && is_region(labels[2]) {
            return Target::Elb {
                region: labels[2].to_string(),
                kind: LbKind::Nlb,
            };
        }
        if len >= 5 && labels[len - 3] == "vpce" && is_region(labels[len - 4]) {
            return Target::Regional {
                region: labels[len - 4].to_string(),
                service: "vpce",
            };
        }
        if len >= 5 && labels[len - 4] == "execute-api" && is_region(labels[len - 3]) {
            return Target::Regional {
                region: labels[len - 3].to_string(),
                service: "execute-api",
            };
        }
        if len == 4 && labels[0] == "s3-website" && is_region(labels[1]) {
            return Target::Regional {
                region: labels[1].to_string(),
                service: "s3-website",
            };
        }
    }
    if len == 3
        && let Some(r) = labels[0]
            .strip_prefix("s3-website-")
            .filter(|r| is_region(r))
    {
        return Target::Regional {
            region: r.to_string(),
            service: "s3-website",
        };
    }
    if n.ends_with(".elasticbeanstalk.com") && len >= 4 && is_region(labels[len - 3]) {
        return Target::Regional {
            region: labels[len - 3].to_string(),
            service: "elasticbeanstalk",
        };
    }
    Target::Unknown
}

/// `arn:partition:service:region:account:resource` split (BC-ARN); None if not an ARN.
pub struct Arn<'a> {
    pub service: &'a str,
    pub region: &'a str,
    pub resource: &'a str,
}

pub fn parse_arn(s: &str) -> Option<Arn<'_>> {
    let mut it = s.trim().splitn(6, ':');
    if it.next()? != "arn" {
        return None;
    }
    let _partition = it.next()?;
    let service = it.next()?;
    let region = it.next()?;
    let _account = it.next()?;
    let resource = it.next()?;
    Some(Arn {
        service,
        region,
        resource,
    })
}

/// The load-balancer kind of an ELB ARN (`loadbalancer/app/…` → ALB, `loadbalancer/net/…` →
/// NLB, `loadbalancer/gwy/…` → Gateway).
pub fn lb_kind_of_arn(arn: &Arn<'_>) -> Option<LbKind> {
    if arn.service != "elasticloadbalancing" {
        return None;
    }
    if arn.resource.starts_with("loadbalancer/app/") {
        Some(LbKind::Alb)
    } else if arn.resource.starts_with("loadbalancer/net/") {
        Some(LbKind::Nlb)
    } else if arn.resource.starts_with("loadbalancer/gwy/") {
        Some(LbKind::Gateway)
    } else {
        None
    }
}

/// An IPv4 address written as four decimal octets.
pub fn is_ipv4(s: &str) -> bool {
    let parts: Vec<&str> = s.split('.').collect();
    parts.len() == 4
        && parts.iter().all(|p| {
            !p.is_empty()
                && p.len() <= 3
                && p.bytes().all(|b| b.is_ascii_digit())
                && p.parse::<u16>().is_ok_and(|v| v <= 255)
        })
}

/// A workload-safe name: lower-case ASCII letters, digits and `-`.
pub fn slug(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        let c = c.to_ascii_lowercase();
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    while out.ends_with('-') {
        out.pop();
    }
    if out.is_empty() {
        "imported".to_string()
    } else {
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_names() {
        assert_eq!(norm_name("\\052.Example.COM."), "*.example.com");
        assert_eq!(norm_name(" api.example.com. "), "api.example.com");
        assert_eq!(
            norm_target("dualstack.Shop-ALB-1.us-east-1.elb.amazonaws.com."),
            "shop-alb-1.us-east-1.elb.amazonaws.com"
        );
        assert_eq!(norm_name("a\\05"), "a\\05");
        assert_eq!(norm_zone_id("/hostedzone/z0example"), "Z0EXAMPLE");
    }

    #[test]
    fn regions_from_dns_names() {
        assert_eq!(
            target_of_dns("dualstack.shop-alb-1234567890.us-east-1.elb.amazonaws.com."),
            Target::Elb {
                region: "us-east-1".into(),
                kind: LbKind::AlbOrClassic
            }
        );
        assert_eq!(
            target_of_dns("internal-my-lb-1529930873.us-west-2.elb.amazonaws.com"),
            Target::Elb {
                region: "us-west-2".into(),
                kind: LbKind::AlbOrClassic
            }
        );
        assert_eq!(
            target_of_dns("shop-nlb-0123456789abcdef.elb.ap-southeast-1.amazonaws.com."),
            Target::Elb {
                region: "ap-southeast-1".into(),
                kind: LbKind::Nlb
            }
        );
        // A region-like label inside the load balancer's own name is not the region.
        assert_eq!(target_of_dns("eu-west-1-lb.example.com"), Target::Unknown);
        assert_eq!(
            target_of_dns("a1234.awsglobalaccelerator.com."),
            Target::GlobalAccelerator
        );
        assert_eq!(target_of_dns("d1.cloudfront.net"), Target::CloudFront);
        assert_eq!(
            target_of_dns("s3-website.us-east-2.amazonaws.com"),
            Target::Regional {
                region: "us-east-2".into(),
                service: "s3-website"
            }
        );
        assert_eq!(
            target_of_dns("s3-website-us-west-2.amazonaws.com"),
            Target::Regional {
                region: "us-west-2".into(),
                service: "s3-website"
            }
        );
        assert_eq!(
            target_of_dns("my-env.us-west-2.elasticbeanstalk.com"),
            Target::Regional {
                region: "us-west-2".into(),
                service: "elasticbeanstalk"
            }
        );
        assert_eq!(
            target_of_dns("vpce-1-x-us-east-1a.elasticloadbalancing.us-east-1.vpce.amazonaws.com"),
            Target::Regional {
                region: "us-east-1".into(),
                service: "vpce"
            }
        );
        assert_eq!(
            target_of_dns("x.unknown-9.elb.amazonaws.com"),
            Target::Unknown
        );
    }

    #[test]
    fn arns() {
        let a =
            parse_arn("arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/net/n/1")
                .unwrap();
        assert_eq!(a.region, "us-east-1");
        assert_eq!(lb_kind_of_arn(&a), Some(LbKind::Nlb));
        assert!(parse_arn("i-0123").is_none());
        assert!(is_ipv4("198.51.100.10"));
        assert!(!is_ipv4("198.51.100.256"));
        assert_eq!(slug("API.example.com."), "api-example-com");
    }
}
