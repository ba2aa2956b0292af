//! Peak resident memory, of this process and of a child.

/// Peak RSS of this process in KiB (VmHWM), 0 if unknown.
pub fn peak_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        })
        .unwrap_or(0)
}

/// Wait for child `pid` and return (exit status, its peak RSS in KiB).
pub fn wait_with_peak(pid: u32) -> (i32, u64) {
    let mut status = 0;
    // SAFETY: plain wait4 on our own child; rusage is a plain-old-data struct the kernel fills.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let r = unsafe { libc::wait4(pid as libc::pid_t, &mut status, 0, &mut usage) };
    if r < 0 {
        return (-1, 0);
    }
    (libc::WEXITSTATUS(status), usage.ru_maxrss as u64)
}
