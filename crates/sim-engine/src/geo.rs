//! Built-in geography: AWS region locations and Route 53 health-checker regions.

/// AWS region codes and the coordinates of the metropolitan area each is named after.
///
/// Source: the AWS "Regions and Availability Zones" page names each region's location (e.g.
/// us-east-1 "N. Virginia", eu-west-1 "Ireland", ap-southeast-1 "Singapore"); the coordinates
/// are those of that city or area (public gazetteer values, rounded to 0.1 degree). AWS does not
/// publish data-centre coordinates, so these place a region to within ~100 km, which is well
/// inside the resolution of any latency model built on great-circle distance.
pub const AWS_REGIONS: &[(&str, f64, f64)] = &[
    ("us-east-1", 38.9, -77.4),       // N. Virginia (Ashburn area)
    ("us-east-2", 40.0, -83.0),       // Ohio (Columbus area)
    ("us-west-1", 37.4, -121.9),      // N. California (San Jose area)
    ("us-west-2", 45.8, -119.7),      // Oregon (Boardman area)
    ("ca-central-1", 45.5, -73.6),    // Canada (Montreal)
    ("sa-east-1", -23.5, -46.6),      // São Paulo
    ("eu-west-1", 53.3, -6.3),        // Ireland (Dublin)
    ("eu-west-2", 51.5, -0.1),        // London
    ("eu-west-3", 48.9, 2.4),         // Paris
    ("eu-central-1", 50.1, 8.7),      // Frankfurt
    ("eu-north-1", 59.3, 18.1),       // Stockholm
    ("eu-south-1", 45.5, 9.2),        // Milan
    ("ap-northeast-1", 35.7, 139.7),  // Tokyo
    ("ap-northeast-2", 37.6, 127.0),  // Seoul
    ("ap-northeast-3", 34.7, 135.5),  // Osaka
    ("ap-southeast-1", 1.3, 103.8),   // Singapore
    ("ap-southeast-2", -33.9, 151.2), // Sydney
    ("ap-southeast-7", 13.8, 100.5),  // Thailand (Bangkok)
    ("ap-south-1", 19.1, 72.9),       // Mumbai
    ("ap-east-1", 22.3, 114.2),       // Hong Kong
    ("me-south-1", 26.1, 50.6),       // Bahrain
    ("af-south-1", -33.9, 18.4),      // Cape Town
];

/// Look up a built-in region's coordinates.
pub fn region_coords(code: &str) -> Option<(f64, f64)> {
    AWS_REGIONS
        .iter()
        .find(|(c, _, _)| *c == code)
        .map(|&(_, lat, lon)| (lat, lon))
}

/// The Route 53 health-checker regions (R53-API `HealthCheckRegion` enum; when none are
/// specified, checks run from all of them). Source: `shared/research/route53-ga.md` A1.
pub const R53_CHECKER_REGIONS: &[&str] = &[
    "us-east-1",
    "us-west-1",
    "us-west-2",
    "eu-west-1",
    "ap-southeast-1",
    "ap-southeast-2",
    "ap-northeast-1",
    "sa-east-1",
];

/// Minimum number of checker regions (R53-API `HealthCheckRegionList` min 3; console: "You
/// must specify at least three regions").
pub const R53_MIN_CHECKER_REGIONS: usize = 3;
