//! Workspace automation: `cargo xtask codegen [--check]`.

mod bench;
mod codegen;
mod dispatch;
mod lint;
mod spec_diff;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(name = "xtask", about = "perftest-rs workspace tasks")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Lint openapi/cpts.yaml and regenerate perftest-sdk/src/generated.rs from it.
    Codegen {
        /// Write nothing; exit non-zero when the committed file differs from what the spec generates.
        #[arg(long)]
        check: bool,
    },
    /// Lint the spec against the rules progenitor needs, without generating.
    Lint,
    /// Run the benchmarks and print medians and ratios (`--quick`: fewer iterations, for a smoke run).
    Bench {
        #[arg(long)]
        quick: bool,
        /// Leave out the clean-build comparison (the slowest item).
        #[arg(long)]
        skip_build: bool,
        /// Quick mode on debug builds, no clean builds: checks the benchmarks still run (CI).
        #[arg(long)]
        smoke: bool,
    },
    /// Compare openapi/cpts.yaml at a git revision with the working copy; print Markdown.
    SpecDiff {
        /// The git revision to compare with.
        #[arg(default_value = "HEAD")]
        rev: String,
        /// Exit non-zero when any change breaks clients.
        #[arg(long)]
        deny_breaking: bool,
    },
}

/// The workspace root (the parent of this crate's directory).
pub fn workspace_root() -> PathBuf {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().map(PathBuf::from).unwrap_or(manifest)
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Codegen { check } => codegen::run(check),
        Command::Bench { quick, skip_build, smoke } => bench::run(quick, skip_build, smoke),
        Command::SpecDiff { rev, deny_breaking } => spec_diff::run(&rev, deny_breaking),
        Command::Lint => codegen::load_spec(&workspace_root().join(codegen::SPEC_PATH)).map(|(_, spec)| {
            println!("spec ok: {} operations", lint::operation_count(&spec));
            true
        }),
    };
    match result {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
