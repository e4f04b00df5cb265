//! `aws-import`: AWS CLI JSON and `terraform show -json` documents (Route 53, Global
//! Accelerator, Elastic Load Balancing, Route 53 ARC) → a typed intermediate model
//! ([`model::Inventory`]) → a gtsim workload (TOML text) that runs as is, every value the
//! documents cannot tell filled from a default and commented `# ASSUMED: edit me`.
//!
//! Pure: the in-memory entry points ([`import_aws_docs`], [`import_terraform_docs`]) do no I/O;
//! [`import_aws_dir`] and [`import_terraform`] only read the files, then call them.
//! Shapes, patterns and defaults: `docs/import.md` and the research note `aws-import.md`.

mod build;
mod cli;
mod emit;
mod json;
pub mod model;
pub mod names;
mod terraform;

use std::collections::BTreeMap;
use std::path::Path;

/// The other product an import can add an arm for (`--compare ga|route53`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Product {
    Route53,
    GlobalAccelerator,
}

/// Options of both importers.
#[derive(Clone, Debug, Default)]
pub struct ImportOptions {
    /// The name clients resolve (`--name FQDN`): its A record sets become the Route 53 arm.
    pub name: String,
    /// `--compare ga|route53`: add the other product's arm over the same regions.
    pub compare: Option<Product>,
    /// `--region-of ADDRESS=REGION`: the region of a plain IP record's address.
    pub region_of: BTreeMap<String, String>,
}

/// Options of `import aws` (the same struct as Terraform's).
pub type AwsOptions = ImportOptions;
/// Options of `import terraform`.
pub type TerraformOptions = ImportOptions;

/// An import's result: the workload text and notes for the user (what was skipped, flattened or
/// assumed; each is also a comment in the text).
#[derive(Clone, Debug, PartialEq)]
pub struct Imported {
    pub toml: String,
    pub notes: Vec<String>,
}

/// An import error, naming the file and the JSON path (or Terraform resource address). The CLI
/// maps every one to exit status 2 and writes no file.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{}", self.render())]
pub struct ImportError {
    pub file: String,
    /// JSON path (`ResourceRecordSets[7].GeoProximityLocation.Bias`) or resource address;
    /// empty when the error is about the whole file or the whole import.
    pub path: String,
    pub message: String,
}

impl ImportError {
    pub fn new(file: &str, path: &str, message: impl Into<String>) -> Self {
        ImportError {
            file: file.to_string(),
            path: path.to_string(),
            message: message.into(),
        }
    }

    /// The process exit status for this error (bad input: 2).
    pub fn exit_code(&self) -> i32 {
        2
    }

    fn render(&self) -> String {
        match (self.file.is_empty(), self.path.is_empty()) {
            (true, true) => self.message.clone(),
            (false, true) => format!("{}: {}", self.file, self.message),
            (true, false) => format!("{}: {}", self.path, self.message),
            (false, false) => format!("{}: {}: {}", self.file, self.path, self.message),
        }
    }
}

fn check_opts(opts: &ImportOptions) -> Result<(), ImportError> {
    if names::norm_name(&opts.name).is_empty() {
        return Err(ImportError::new(
            "",
            "--name",
            "is required (the name clients resolve)",
        ));
    }
    for (addr, region) in &opts.region_of {
        if !names::is_region(region) {
            return Err(ImportError::new(
                "",
                "--region-of",
                format!("{addr}={region}: {region:?} is not a known AWS region code"),
            ));
        }
    }
    Ok(())
}

/// `gtsim import aws`: documents given as (file name, JSON text), each recognised by its
/// top-level key. Files are read in the given order; give them sorted for byte-identical output.
pub fn import_aws_docs(
    docs: &[(String, String)],
    opts: &AwsOptions,
) -> Result<Imported, ImportError> {
    check_opts(opts)?;
    if docs.is_empty() {
        return Err(ImportError::new("", "", "no JSON files to import"));
    }
    let mut inv = model::Inventory::default();
    for (file, text) in docs {
        cli::read_doc(file, text, &mut inv)?;
    }
    let from = format!("gtsim import aws ({})", inv.files.join(", "));
    let current = build::build(&inv, opts, "")?;
    emit::emit(&from, opts, &[current], inv.notes.clone())
}

/// `gtsim import aws DIR`: every `*.json` file of `dir` (sorted by name), see [`import_aws_docs`].
pub fn import_aws_dir(dir: &Path, opts: &AwsOptions) -> Result<Imported, ImportError> {
    let d = dir.display().to_string();
    let entries = std::fs::read_dir(dir)
        .map_err(|e| ImportError::new(&d, "", format!("cannot read the folder: {e}")))?;
    let mut paths = Vec::new();
    for e in entries {
        let e = e.map_err(|e| ImportError::new(&d, "", format!("cannot read the folder: {e}")))?;
        let p = e.path();
        if p.is_file()
            && p.extension()
                .is_some_and(|x| x.eq_ignore_ascii_case("json"))
        {
            paths.push(p);
        }
    }
    paths.sort();
    let mut docs = Vec::new();
    for p in paths {
        let name = p
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let text = std::fs::read_to_string(&p)
            .map_err(|e| ImportError::new(&name, "", format!("cannot read: {e}")))?;
        docs.push((name, text));
    }
    if docs.is_empty() {
        return Err(ImportError::new(&d, "", "no *.json files in this folder"));
    }
    import_aws_docs(&docs, opts)
}

/// `gtsim import terraform`: a `terraform show -json` state (file name, text) and optionally a
/// plan; with a plan, every arm is written twice: as applied (state) and as planned (`-planned`).
pub fn import_terraform_docs(
    state: (&str, &str),
    plan: Option<(&str, &str)>,
    opts: &TerraformOptions,
) -> Result<Imported, ImportError> {
    check_opts(opts)?;
    let current_inv = terraform::read_state(state.0, state.1)?;
    let mut from = format!("gtsim import terraform ({}", state.0);
    let mut sets = vec![build::build(&current_inv, opts, "")?];
    let mut notes = current_inv.notes.clone();
    if let Some((pf, pt)) = plan {
        from.push_str(&format!(", plan {pf}"));
        let planned = terraform::read_plan(state, (pf, pt))?;
        notes.extend(planned.notes.iter().cloned());
        sets.push(build::build(&planned, opts, "planned")?);
    }
    from.push(')');
    emit::emit(&from, opts, &sets, notes)
}

/// `gtsim import terraform STATE.json [--plan PLAN.json]`, see [`import_terraform_docs`].
pub fn import_terraform(
    state: &Path,
    plan: Option<&Path>,
    opts: &TerraformOptions,
) -> Result<Imported, ImportError> {
    let read = |p: &Path| -> Result<(String, String), ImportError> {
        let name = p.display().to_string();
        let text = std::fs::read_to_string(p)
            .map_err(|e| ImportError::new(&name, "", format!("cannot read: {e}")))?;
        Ok((name, text))
    };
    let s = read(state)?;
    let p = plan.map(read).transpose()?;
    import_terraform_docs(
        (&s.0, &s.1),
        p.as_ref().map(|(a, b)| (a.as_str(), b.as_str())),
        opts,
    )
}
