//! The benchmarks still run: each quick item on the debug build, with tiny sizes. The figures mean
//! nothing here; `cargo xtask bench` produces the real ones.

use std::process::Command;

fn bench(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_perftest-bench")).args(args).output().expect("run perftest-bench");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(out.status.success(), "perftest-bench {args:?} failed:\n{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    stdout
}

fn ratio(stdout: &str, name: &str) -> f64 {
    let line = stdout
        .lines()
        .find(|l| l.starts_with(&format!("ratio {name} ")))
        .unwrap_or_else(|| panic!("no `ratio {name}` line in:\n{stdout}"));
    line.rsplit(' ').next().unwrap().parse().expect("a number")
}

#[test]
fn quick_mode_of_every_in_process_item_runs() {
    let out = bench(&["sign", "--quick"]);
    assert!(ratio(&out, "sign_vs_floor") > 0.0);
    assert!(ratio(&out, "sign_generic_vs_floor") > 0.0);
    let out = bench(&["call", "--quick"]);
    for kind in ["sequential", "concurrent32"] {
        for name in ["call_vs_raw_reqwest", "minimal_client_vs_raw", "call_vs_minimal_client"] {
            assert!(ratio(&out, &format!("{name}_{kind}")) > 0.0);
        }
    }
    let out = bench(&["memory-sdk", "64"]);
    assert!(out.contains("rss sdk_64_in_flight_mb "), "{out}");
}
