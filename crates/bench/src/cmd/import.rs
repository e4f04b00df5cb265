//! `gtsim import aws DIR` and `gtsim import terraform STATE.json [--plan PLAN.json]`: AWS CLI
//! JSON or `terraform show -json` → a workload TOML file, through the pure crate `aws-import`
//! (docs/import.md). Bad input is an [`aws_import::ImportError`] naming the file and the JSON
//! path (or resource address): exit 2, and no file is written. The file is written atomically
//! (a temporary name in the same folder, then a rename), so a failed write leaves nothing that
//! looks complete.

use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use aws_import::{ImportError, ImportOptions, Imported, Product};

use crate::error::{Error, bad_input, cannot_write};
use crate::workload::parse_workload;

/// The flags of `gtsim import`.
#[derive(Debug, clap::Args)]
pub struct ImportArgs {
    #[command(subcommand)]
    pub source: Source,
}

/// What `gtsim import` reads.
#[derive(Debug, clap::Subcommand)]
pub enum Source {
    /// Every *.json file of DIR (AWS CLI output: route53, globalaccelerator, elbv2,
    /// route53-recovery-control-config/-cluster), each recognised by its top-level key.
    Aws(AwsArgs),
    /// A `terraform show -json` state, and optionally a plan (`terraform show -json PLAN`):
    /// with --plan every arm is written twice, as applied and as planned (`…-planned`).
    Terraform(TerraformArgs),
}

/// The flags of `gtsim import aws`.
#[derive(Debug, clap::Args)]
pub struct AwsArgs {
    /// Folder of AWS CLI JSON files.
    pub dir: PathBuf,
    #[command(flatten)]
    pub common: CommonArgs,
}

/// The flags of `gtsim import terraform`.
#[derive(Debug, clap::Args)]
pub struct TerraformArgs {
    /// `terraform show -json` of the state.
    pub state: PathBuf,
    /// `terraform show -json` of a saved plan: adds the planned arms.
    #[arg(long)]
    pub plan: Option<PathBuf>,
    #[command(flatten)]
    pub common: CommonArgs,
}

/// The flags both importers share.
#[derive(Debug, clap::Args)]
pub struct CommonArgs {
    /// The name clients resolve: its A record sets become the Route 53 arm.
    #[arg(long, value_name = "FQDN")]
    pub name: String,
    /// The workload file to write (replaced if it exists; nothing is written on error).
    #[arg(long, value_name = "FILE.toml")]
    pub out: PathBuf,
    /// Add the other product's arm over the same regions.
    #[arg(long, value_enum)]
    pub compare: Option<Compare>,
    /// The region of a plain IP record's (or health check's) address; repeat for each address.
    #[arg(long = "region-of", value_name = "ADDRESS=REGION", value_parser = parse_region_of)]
    pub region_of: Vec<(String, String)>,
}

/// `--compare`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Compare {
    /// A Global Accelerator arm over the Route 53 arm's regions.
    Ga,
    /// A Route 53 latency arm over the Global Accelerator arms' regions.
    Route53,
}

impl Compare {
    fn product(self) -> Product {
        match self {
            Compare::Ga => Product::GlobalAccelerator,
            Compare::Route53 => Product::Route53,
        }
    }

    fn flag(self) -> &'static str {
        match self {
            Compare::Ga => "ga",
            Compare::Route53 => "route53",
        }
    }
}

fn parse_region_of(s: &str) -> Result<(String, String), String> {
    match s.split_once('=') {
        Some((a, r)) if !a.trim().is_empty() && !r.trim().is_empty() => {
            Ok((a.trim().to_string(), r.trim().to_string()))
        }
        _ => Err(format!("expected ADDRESS=REGION, got {s:?}")),
    }
}

/// `gtsim import`.
pub fn import(args: &ImportArgs) -> Result<(), Error> {
    let (common, result, command) = match &args.source {
        Source::Aws(a) => {
            let opts = options(&a.common)?;
            let cmd = format!("gtsim import aws {}", a.dir.display());
            (&a.common, aws_import::import_aws_dir(&a.dir, &opts), cmd)
        }
        Source::Terraform(t) => {
            let opts = options(&t.common)?;
            let mut cmd = format!("gtsim import terraform {}", t.state.display());
            if let Some(p) = &t.plan {
                cmd.push_str(&format!(" --plan {}", p.display()));
            }
            let r = aws_import::import_terraform(&t.state, t.plan.as_deref(), &opts);
            (&t.common, r, cmd)
        }
    };
    let imported = result.map_err(import_error)?;
    let text = with_command(&imported, &command, common);
    for n in &imported.notes {
        eprintln!("note: {n}");
    }
    write_atomic(&common.out, &text)?;
    eprintln!("wrote {}", common.out.display());
    // The importer writes some keys the loader does not accept yet (docs/workload.md, "Not
    // accepted yet"): say so now rather than at `gtsim run`.
    if let Err(e) = parse_workload(&text) {
        eprintln!(
            "warning: `gtsim run` does not accept this workload yet: {e} (see docs/import.md)"
        );
    }
    Ok(())
}

fn options(c: &CommonArgs) -> Result<ImportOptions, Error> {
    let mut opts = ImportOptions {
        name: c.name.clone(),
        compare: c.compare.map(Compare::product),
        ..ImportOptions::default()
    };
    for (addr, region) in &c.region_of {
        if let Some(prev) = opts.region_of.insert(addr.clone(), region.clone())
            && prev != *region
        {
            return Err(bad_input(format!(
                "--region-of: {addr} is given twice ({prev} and {region})"
            )));
        }
    }
    Ok(opts)
}

/// Every import error is bad input (exit 2); its message names the file and the JSON path.
fn import_error(e: ImportError) -> Error {
    bad_input(e.to_string())
}

/// The workload text with the command that made it as its first line (the importer's own
/// header, which lists the files read, follows).
fn with_command(imported: &Imported, command: &str, c: &CommonArgs) -> String {
    let mut line = format!("{command} --name {} --out {}", c.name, c.out.display());
    if let Some(cmp) = c.compare {
        line.push_str(&format!(" --compare {}", cmp.flag()));
    }
    for (a, r) in &c.region_of {
        line.push_str(&format!(" --region-of {a}={r}"));
    }
    let line = line.replace(['\n', '\r'], " ");
    format!("# Command: {line}\n{}", imported.toml)
}

/// Writes `text` to `path` through a temporary file in the same folder and a rename.
fn write_atomic(path: &Path, text: &str) -> Result<(), Error> {
    let file_name = path
        .file_name()
        .ok_or_else(|| bad_input(format!("--out {}: not a file name", path.display())))?;
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let tmp = dir.join(format!(".{}.tmp", file_name.to_string_lossy()));
    let write = || -> std::io::Result<()> {
        fs::create_dir_all(&dir)?;
        let mut f = fs::File::create(&tmp)?;
        f.write_all(text.as_bytes())?;
        f.sync_all()?;
        fs::rename(&tmp, path)
    };
    write().map_err(|e| {
        let _ = fs::remove_file(&tmp);
        cannot_write(path, e)
    })
}
