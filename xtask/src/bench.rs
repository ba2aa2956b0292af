//! `cargo xtask bench [--quick]`: build the benchmarks in release mode, prepare the official Python
//! SDK in a virtual environment under the target dir, run every benchmark and print the figures.
//! Every `ratio NAME VALUE` line compares a subject with a baseline measured in the same run.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use anyhow::{Context, Result, bail};

use crate::workspace_root;

const PYTHON_SDK: &str = "huaweicloudsdkcpts==3.1.219";

/// `smoke`: the quick mode on debug builds (what `.ci/run` runs to keep the benchmarks working;
/// its figures mean nothing).
pub fn run(quick: bool, skip_build: bool, smoke: bool) -> Result<bool> {
    let root = workspace_root();
    let target = target_dir(&root);
    let started = Instant::now();
    let (quick, skip_build) = (quick || smoke, skip_build || smoke);
    let profile = if smoke { "debug" } else { "release" };
    let mut build = vec!["build", "-p", "perftest-bench", "-p", "perftest-cli"];
    if !smoke {
        build.push("--release");
    }
    cargo(&root, &build)?;
    let bench = target.join(profile).join("perftest-bench");
    let quick_flag: &[&str] = if quick { &["--quick"] } else { &[] };

    println!("{:<34} {:>12} {:>12} {:>8}  note", "benchmark (medians)", "subject", "baseline", "ratio");
    run_bench(&bench, &[&["sign"], quick_flag].concat())?;
    match python_env(&target) {
        Ok(py) => {
            let script = root.join("perftest-bench/python/bench_cpts.py");
            run_bench(&bench, &[&["python", path_str(&py)?, path_str(&script)?], quick_flag].concat())?;
        }
        Err(e) => {
            eprintln!("python_sdk_vs_sdk skipped: {e:#}");
            run_bench(&bench, &[&["call"], quick_flag].concat())?;
        }
    }
    run_bench(&bench, &["memory-sdk", "1000"])?;
    let cli = target.join(profile).join("perftest");
    run_bench(&bench, &[&["memory-cli", path_str(&cli)?], quick_flag].concat())?;
    if skip_build {
        println!("build_vs_floor skipped (--skip-build)");
    } else {
        build_vs_floor(&root, &target, quick)?;
    }
    println!("\nbench finished in {:.0} s", started.elapsed().as_secs_f64());
    Ok(true)
}

fn target_dir(root: &Path) -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from).unwrap_or_else(|| root.join("target"))
}

fn path_str(p: &Path) -> Result<&str> {
    p.to_str().context("non-UTF-8 path")
}

fn cargo(dir: &Path, args: &[&str]) -> Result<()> {
    let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(args)
        .current_dir(dir)
        .status()
        .with_context(|| format!("running cargo {}", args.join(" ")))?;
    if !status.success() {
        bail!("cargo {} failed", args.join(" "));
    }
    Ok(())
}

fn run_bench(bench: &Path, args: &[&str]) -> Result<()> {
    let status = Command::new(bench).args(args).status().with_context(|| format!("running {}", bench.display()))?;
    if !status.success() {
        bail!("perftest-bench {} failed", args.join(" "));
    }
    Ok(())
}

/// A virtual environment with the official CPTS SDK, created once under the target dir.
fn python_env(target: &Path) -> Result<PathBuf> {
    let venv = target.join("bench-venv");
    let py = venv.join("bin/python");
    let marker = venv.join(".installed");
    if marker.exists() {
        return Ok(py);
    }
    let status = Command::new("python3").args(["-m", "venv"]).arg(&venv).status().context("python3 -m venv")?;
    if !status.success() {
        bail!("could not create a virtual environment at {}", venv.display());
    }
    let status =
        Command::new(&py).args(["-m", "pip", "install", "--quiet", PYTHON_SDK]).status().context("pip install")?;
    if !status.success() {
        bail!("pip install {PYTHON_SDK} failed");
    }
    std::fs::write(&marker, PYTHON_SDK)?;
    Ok(py)
}

/// Clean build time of perftest-sdk against a floor crate with only reqwest (same features), serde
/// and serde_json, each in a fresh target dir, in the same run. Quick mode compares one `cargo check`
/// of each instead of two `cargo build`s (a fraction of the time; the ratio is indicative).
fn build_vs_floor(root: &Path, target: &Path, quick: bool) -> Result<()> {
    let verb = if quick { "check" } else { "build" };
    let base = target.join("bench-build");
    let floor = base.join("floor");
    std::fs::create_dir_all(floor.join("src"))?;
    std::fs::write(
        floor.join("Cargo.toml"),
        r#"[package]
name = "floor"
version = "0.0.0"
edition = "2021"

[dependencies]
reqwest = { version = "=0.13.5", default-features = false, features = ["json", "query", "stream", "rustls"] }
serde = { version = "1", features = ["derive"] }
serde_json = "1"

[workspace]
"#,
    )?;
    std::fs::write(
        floor.join("src/lib.rs"),
        "pub async fn get(c: &reqwest::Client, u: &str) -> reqwest::Result<serde_json::Value> {\n    c.get(u).send().await?.json().await\n}\n",
    )?;
    let time = |dir: &Path, args: &[&str], out: &Path| -> Result<f64> {
        let _ = std::fs::remove_dir_all(out);
        let t = Instant::now();
        let mut full = args.to_vec();
        full.extend(["--target-dir", path_str(out)?, "--quiet"]);
        cargo(dir, &full)?;
        Ok(t.elapsed().as_secs_f64())
    };
    // The machine's speed drifts (a VM's neighbours, page-cache writeback after the previous
    // build), so the full run times two pairs in the order SDK, floor, floor, SDK and compares the
    // sums: a drift that is linear over the run hits both sides alike.
    let sdk_args = [verb, "-p", "perftest-sdk"];
    let order: &[bool] = if quick { &[true, false] } else { &[true, false, false, true] };
    let (mut sdk, mut flo) = (0.0, 0.0);
    for &is_sdk in order {
        if is_sdk {
            sdk += time(root, &sdk_args, &base.join("sdk-target"))?;
        } else {
            flo += time(&floor, &[verb], &base.join("floor-target"))?;
        }
    }
    let runs = (order.len() / 2) as f64;
    let (sdk, flo) = (sdk / runs, flo / runs);
    let ratio = sdk / flo;
    let how = if quick { "" } else { ", mean of 2 each, SDK-floor-floor-SDK" };
    println!(
        "{:<34} {:>10.1} s {:>10.1} s {ratio:>8.3}  clean debug {verb}: perftest-sdk / reqwest+serde floor{how}",
        "build_vs_floor", sdk, flo
    );
    println!("ratio build_vs_floor {ratio:.4}");
    let _ = std::fs::remove_dir_all(&base);
    Ok(())
}
