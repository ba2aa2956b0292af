//! Benchmarks of perftest-rs. Run through `cargo xtask bench [--quick]`, which builds this in release
//! mode, prepares the Python side and prints the summary; each line `ratio NAME VALUE` compares a
//! subject with a baseline measured in the same run.
//!
//! `perftest-bench sign|call|overhead [N]|python PY SCRIPT|memory-sdk N|memory-cli PERFTEST [--quick]`

mod call;
mod rss;
mod server;
mod sign;
mod timing;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let quick = args.iter().any(|a| a == "--quick");
    // The call benchmarks make their own runtimes (see `call::measure`); the others share this one.
    let rt = || tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("runtime");
    match args.first().map(String::as_str) {
        Some("sign") => sign::run(quick),
        Some("call") => {
            call::run_vs_raw(quick);
        }
        Some("python") => {
            let (py, script) = (&args[1], &args[2]);
            call::run_vs_raw(quick);
            call::run_vs_python(quick, py, script);
        }
        Some("overhead") => {
            let n = args.get(1).and_then(|n| n.parse().ok()).unwrap_or(20_000);
            let d = rt().block_on(call::in_memory_overhead(n));
            println!("SDK start call without network: {}", timing::fmt(d));
        }
        Some("memory-cli") => {
            let perftest = args.get(1).cloned().unwrap_or_else(|| "perftest".into());
            rt().block_on(call::memory_cli(&perftest, if quick { 5 } else { 20 }));
        }
        Some("memory-sdk") => {
            let n = args.get(1).and_then(|n| n.parse().ok()).unwrap_or(1000);
            rt().block_on(call::memory_in_flight(n));
        }
        _ => {
            eprintln!("usage: perftest-bench sign|call|overhead [N]|python PYTHON SCRIPT|memory-sdk N|memory-cli PERFTEST [--quick]");
            std::process::exit(2);
        }
    }
}
