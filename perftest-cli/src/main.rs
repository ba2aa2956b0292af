//! `perftest`: a CodeArts PerfTest (CPTS) test as a CI gate. See `perftest --help`.

mod api;
mod cli;
mod commands;
mod config;
mod demo;
mod exit;
mod lookup;
mod metrics;
mod output;
mod progress;
mod report_data;
mod run;
mod sim;
mod threshold;

use std::process::ExitCode;

use clap::Parser;

use crate::cli::{Cli, Command, ProjectsCommand, TasksCommand};

fn main() -> ExitCode {
    let cli = Cli::parse();
    if cli.global.verbose {
        init_tracing();
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::from(exit::API_ERROR);
        }
    };
    let result = runtime.block_on(dispatch(&cli));
    // Do not wait for background tasks (a signal listener, a simulator) on the way out.
    runtime.shutdown_background();
    let code = match result {
        Ok(code) => code,
        Err(err) => {
            let code = exit::code_of(&err);
            report_error(&err, code);
            code
        }
    };
    tracing::debug!("exit code {code} ({})", exit::name(code));
    ExitCode::from(code)
}

async fn dispatch(cli: &Cli) -> anyhow::Result<u8> {
    let g = &cli.global;
    match &cli.command {
        Command::Run(a) => commands::run(g, a).await,
        Command::Start(a) => commands::start(g, a).await,
        Command::Stop(a) => commands::stop(g, a).await,
        Command::Status(a) => commands::status(g, a).await,
        Command::Wait(a) => commands::wait(g, a).await,
        Command::Report(a) => commands::report(g, a).await,
        Command::Projects { command: ProjectsCommand::List { output } } => commands::projects_list(g, *output).await,
        Command::Tasks { command: TasksCommand::List { project, output } } => {
            commands::tasks_list(g, project, *output).await
        }
        Command::Api(a) => api::api(g, a).await,
        Command::Sim(a) => sim::serve(g, a).await,
        Command::Demo(a) => demo::demo(a).await,
    }
}

fn report_error(err: &anyhow::Error, code: u8) {
    // A `Fail` is already worded for the user; anything else shows its chain of causes.
    let text = match err.downcast_ref::<exit::Fail>() {
        Some(f) => f.message.clone(),
        None => chain_text(err),
    };
    eprintln!("error: {text}");
    if code == exit::AUTH_ERROR {
        eprintln!("hint: {}", exit::AUTH_HINT);
    }
}

/// `context: cause: cause`, leaving out a cause whose text the previous link already shows.
fn chain_text(err: &anyhow::Error) -> String {
    let mut parts: Vec<String> = Vec::new();
    for cause in err.chain() {
        let text = cause.to_string();
        if parts.last().is_some_and(|prev| prev.contains(&text)) {
            continue;
        }
        parts.push(text);
    }
    parts.join(": ")
}

fn init_tracing() {
    use tracing_subscriber::filter::{LevelFilter, Targets};
    use tracing_subscriber::prelude::*;
    let filter = Targets::new()
        .with_target("perftest", LevelFilter::DEBUG)
        .with_target("perftest_sdk", LevelFilter::DEBUG)
        .with_target("perftest_sim", LevelFilter::DEBUG)
        .with_default(LevelFilter::WARN);
    let _ = tracing_subscriber::registry()
        .with(
            tracing_subscriber::fmt::layer()
                .with_writer(std::io::stderr)
                .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
                .with_target(false),
        )
        .with(filter)
        .try_init();
}
