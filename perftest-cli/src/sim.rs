//! `perftest sim`: the local CPTS simulator, until Ctrl-C.

use std::io::Write;

use anyhow::Result;
use perftest_sdk::auth::credentials::{ENV_AK, ENV_PROJECT_ID, ENV_SK};
use perftest_sim::{DEFAULT_ACCESS_KEY, DEFAULT_PROJECT_ID, DEFAULT_SECRET_KEY, Fault, SimConfig, Simulator};

use crate::cli::{GlobalArgs, SimArgs};
use crate::exit::{self, Fail};

/// The simulator's settings from the flags and the SDK's environment variables.
pub fn config(global: &GlobalArgs, args: &SimArgs) -> Result<SimConfig, Fail> {
    if !args.listen.ip().is_loopback() && !args.allow_remote {
        return Err(Fail::usage(format!(
            "--listen {} is not a loopback address: the simulator accepts fake credentials, pass --allow-remote to expose it anyway",
            args.listen
        )));
    }
    let mut config = SimConfig::default();
    match (&args.ak, &args.sk) {
        (Some(ak), Some(sk)) => {
            config.access_key = ak.clone();
            config.secret_key = sk.clone();
        }
        (None, None) => {}
        (Some(_), None) => {
            return Err(Fail::usage(format!("an access key is given but no secret key: pass --sk or set {ENV_SK}")));
        }
        (None, Some(_)) => {
            return Err(Fail::usage(format!("a secret key is given but no access key: pass --ak or set {ENV_AK}")));
        }
    }
    let env_project = std::env::var(ENV_PROJECT_ID).ok().filter(|p| !p.trim().is_empty());
    if let Some(p) = global.project_id.clone().or(env_project) {
        config.project_id = p;
    }
    if !(args.time_scale.is_finite() && args.time_scale > 0.0) {
        return Err(Fail::usage(format!("--time-scale {}: must be a positive number", args.time_scale)));
    }
    config.time_scale = args.time_scale;
    config.seed = args.seed;
    config.check_date = !args.no_date_check;
    for raw in &args.fault {
        let fault: Fault = serde_json::from_str(raw).map_err(|e| Fail::usage(format!("--fault {raw}: {e}")))?;
        fault.validate().map_err(|e| Fail::usage(format!("--fault {raw}: {e}")))?;
        config.faults.push(fault);
    }
    Ok(config)
}

pub async fn serve(global: &GlobalArgs, args: &SimArgs) -> Result<u8> {
    let config = config(global, args)?;
    let (ak, project, defaults) =
        (config.access_key.clone(), config.project_id.clone(), config.access_key == DEFAULT_ACCESS_KEY);
    let (scale, seed) = (config.time_scale, config.seed);
    let sim = Simulator::start(config, args.listen)
        .await
        .map_err(|e| Fail::new(exit::USAGE, format!("cannot start the simulator: {e}")))?;
    // The first line of standard output is the contract with scripts and tests.
    {
        let mut out = std::io::stdout().lock();
        writeln!(out, "listening on {}", sim.endpoint())?;
        out.flush()?;
    }
    let ak_shown: String = ak.chars().take(4).collect();
    eprintln!("perftest sim: a local CPTS (time scale {scale}, seed {seed}); Ctrl-C to stop");
    eprintln!("  IAM project id {project}, access key {ak_shown}…");
    if defaults {
        eprintln!("  it accepts the fake default credentials; point perftest at it with:");
        eprintln!(
            "  export {ENV_AK}={DEFAULT_ACCESS_KEY} {ENV_SK}={DEFAULT_SECRET_KEY} {ENV_PROJECT_ID}={}",
            if project == DEFAULT_PROJECT_ID { DEFAULT_PROJECT_ID } else { project.as_str() }
        );
        eprintln!("  export PERFTEST_ENDPOINT={}", sim.endpoint());
    }
    sim.serve_until(async {
        let mut interrupt = crate::run::Interrupt::install();
        interrupt.wait().await;
    })
    .await;
    eprintln!("perftest sim: stopped");
    Ok(exit::PASSED)
}
