//! `gtsim`: run failover scenarios and write their figures.
//!
//! Exit status (docs/metrics.md): 0 success; 2 bad input (workload or flags), with a message
//! naming the key path; 1 anything else; 130 when interrupted (nothing is left looking
//! complete). Each subcommand lives in `gtsim::cmd`; this file only parses flags, dispatches
//! and maps the one error type to its status.

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use gtsim::Error;
use gtsim::cmd::{self, claims, explain, import, merge, report, run, sweep, validate};

#[derive(Parser)]
#[command(
    name = "gtsim",
    version,
    about = "Anycast-aware global traffic simulator: Route 53 and Global Accelerator failover, with numbers"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run a workload (or the embedded default) and write summary.json, curve.csv,
    /// distributions.csv, perf.json, command.txt, workload.toml and the report (report.md, report.html, plots/).
    Run(run::RunArgs),
    /// Print the embedded default workload.
    DefaultWorkload,
    /// Run every committed seed workload and write DIR/README.md: each seed document's claim
    /// beside gtsim's number, with a computed verdict (and each run's summary.json).
    Claims(claims::ClaimsArgs),
    /// (Re)draw the report of a finished run: reads DIR/summary.json and DIR/curve.csv (and
    /// DIR/distributions.csv, DIR/workload.toml, DIR/command.txt, DIR/replications.csv if
    /// present), writes DIR/report.md, DIR/report.html
    /// and DIR/plots/*.{svg,png}.
    Report(report::ReportArgs),
    /// Run a workload over the cartesian product of some of its keys' values and write
    /// DIR/sweep.csv (rows appended as cells finish; a rerun resumes), DIR/sweep.json,
    /// DIR/sweep.md and DIR/plots/ (a heatmap per arm, a Pareto chart).
    Sweep(sweep::SweepArgs),
    /// Explain a population preset: its resolver classes and client caches with their sources,
    /// and the fraction of attempts still stale 30 s, 60 s, 5 min and 15 min after a DNS
    /// answer change for TTL 20, 60 and 300 s (engine runs); with --sensitivity, the p99 and
    /// p99.9 of each arm of WORKLOAD with every unverified share halved and doubled.
    ExplainPreset(explain::ExplainArgs),
    /// Validate the resolver models against real resolvers on loopback (live DNS harness):
    /// prints a table, writes DIR/report.md and DIR/plots/; exits 1 when a KS distance exceeds
    /// its critical value or a resolver asked for did not run.
    Validate(validate::ValidateArgs),
    /// Import AWS CLI JSON (`import aws DIR`) or `terraform show -json` (`import terraform
    /// STATE.json [--plan PLAN.json]`) as a workload TOML file (docs/import.md); notes on stderr.
    Import(import::ImportArgs),
    /// Fold the parts of a run cut by index (DIR/shards/run-part-*.json, from `gtsim run
    /// --shards S --index I`) into DIR's run folder, byte-identical to the one-machine run.
    Merge(merge::MergeArgs),
}

fn dispatch(command: Command) -> Result<(), Error> {
    match command {
        Command::Run(a) => run::run(&a),
        Command::DefaultWorkload => cmd::default_workload(),
        Command::Claims(a) => claims::claims(&a),
        Command::Report(a) => report::report(&a),
        Command::Sweep(a) => sweep::sweep(&a),
        Command::ExplainPreset(a) => explain::explain_preset(&a),
        Command::Validate(a) => validate::validate(&a),
        Command::Import(a) => import::import(&a),
        Command::Merge(a) => merge::merge(&a),
    }
}

fn main() -> ExitCode {
    // Flag errors exit with status 2 (clap's own).
    match dispatch(Cli::parse().command) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("gtsim: {e}");
            ExitCode::from(e.exit_code())
        }
    }
}
