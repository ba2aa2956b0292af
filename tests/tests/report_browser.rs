//! The HTML report of a demo run, opened in headless Chromium: the screenshot must show a rendered
//! page with its charts (not blank, many colours, the chart colours present) and the DOM must have
//! the page title and the four chart `<svg>` elements.
//!
//! Needs Debian's `chromium` (`apt-get install -y chromium`); `PERFTEST_CHROMIUM` names another
//! binary. Without it the test fails, unless `PERFTEST_SKIP_BROWSER=1`, which skips it.
//! `PERFTEST_KEEP_SCREENSHOT=FILE` copies the screenshot there.

mod cli_support;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use cli_support::{Scratch, perftest_bare, text};

const INSTALL: &str = "apt-get install -y chromium";
const WIDTH: u32 = 1280;
const HEIGHT: u32 = 2400;

fn chromium() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("PERFTEST_CHROMIUM") {
        return Some(PathBuf::from(p)).filter(|p| p.is_file());
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    let dirs = std::iter::once(PathBuf::from("/usr/bin")).chain(std::env::split_paths(&path));
    dirs.flat_map(|d| ["chromium", "chromium-browser"].map(|n| d.join(n))).find(|p| p.is_file())
}

/// Runs headless Chromium on `page` with `extra` arguments and a fresh profile; its standard output.
fn headless(bin: &Path, profile: &Path, page: &Path, extra: &[String]) -> String {
    let mut cmd = Command::new(bin);
    cmd.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--hide-scrollbars",
    ])
    .arg(format!("--user-data-dir={}", profile.display()))
    .arg(format!("--window-size={WIDTH},{HEIGHT}"))
    .args(extra)
    .arg(format!("file://{}", page.display()))
    .stdin(Stdio::null())
    .stdout(Stdio::piped())
    .stderr(Stdio::piped());
    let mut child = cmd.spawn().unwrap_or_else(|e| panic!("cannot start {}: {e}", bin.display()));
    // Read the pipes on threads so that a chatty browser cannot block on a full pipe.
    let mut out = child.stdout.take().unwrap();
    let mut err = child.stderr.take().unwrap();
    let out = std::thread::spawn(move || {
        let mut s = Vec::new();
        std::io::Read::read_to_end(&mut out, &mut s).ok();
        s
    });
    let err = std::thread::spawn(move || {
        let mut s = Vec::new();
        std::io::Read::read_to_end(&mut err, &mut s).ok();
        s
    });
    let deadline = Instant::now() + Duration::from_secs(90);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("headless Chromium did not finish within 90 s");
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    let (out, err) = (text(&out.join().unwrap()), text(&err.join().unwrap()));
    assert!(status.success(), "chromium exited with {status}\n{err}");
    out
}

/// Width, height and RGB pixels of a PNG file.
fn decode(path: &Path) -> (u32, u32, Vec<[u8; 3]>) {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("no screenshot {}: {e}", path.display()));
    let mut decoder = png::Decoder::new(std::io::Cursor::new(bytes));
    decoder.set_transformations(png::Transformations::normalize_to_color8());
    let mut reader = decoder.read_info().expect("the screenshot is a PNG");
    let mut buf = vec![0; reader.output_buffer_size().expect("a sane PNG size")];
    let info = reader.next_frame(&mut buf).expect("the PNG decodes");
    let channels = info.color_type.samples();
    assert!(channels >= 3, "a colour screenshot, got {:?}", info.color_type);
    let pixels = buf[..info.buffer_size()]
        .chunks_exact(info.line_size)
        .flat_map(|row| row[..info.width as usize * channels].chunks_exact(channels).map(|p| [p[0], p[1], p[2]]))
        .collect();
    (info.width, info.height, pixels)
}

#[test]
fn the_demo_report_renders_in_headless_chromium_with_its_charts() {
    let Some(bin) = chromium() else {
        if std::env::var("PERFTEST_SKIP_BROWSER").as_deref() == Ok("1") {
            eprintln!("SKIPPED: headless Chromium is not installed (PERFTEST_SKIP_BROWSER=1)");
            return;
        }
        panic!(
            "headless Chromium is needed for this test and was not found (/usr/bin/chromium or PATH): \
             install it with `{INSTALL}`, name it with PERFTEST_CHROMIUM=/path, or set PERFTEST_SKIP_BROWSER=1 to skip"
        );
    };
    let dir = Scratch::new("report-browser");
    let page = dir.path("demo-report.html");
    let out = perftest_bare(["demo", "--html"]).arg(&page).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(stdout.contains(&format!("HTML report of the healthy run:  {}", page.display())), "{stdout}");
    let degraded = dir.path("demo-report-degraded.html");
    assert!(stdout.contains(&format!("HTML report of the degraded run: {}", degraded.display())), "{stdout}");

    // The degraded run: failed thresholds, errors and a slow spell to show.
    let shot = dir.path("shot.png");
    headless(&bin, &dir.path("profile-1"), &degraded, &[format!("--screenshot={}", shot.display())]);
    if let Some(keep) = std::env::var_os("PERFTEST_KEEP_SCREENSHOT") {
        std::fs::copy(&shot, &keep).unwrap();
    }
    let (w, h, pixels) = decode(&shot);
    assert_eq!((w, h), (WIDTH, HEIGHT), "the window size");
    let non_white = pixels.iter().filter(|p| p.iter().any(|c| *c < 235)).count();
    let mut colours: Vec<[u8; 3]> = pixels.clone();
    colours.sort_unstable();
    colours.dedup();
    let near = |rgb: [u8; 3]| pixels.iter().filter(|p| p.iter().zip(rgb).all(|(a, b)| a.abs_diff(b) < 24)).count();
    let (blue, red) = (near([78, 121, 167]), near([225, 87, 89]));
    eprintln!(
        "screenshot: {} non-white pixels, {} colours, {blue} line-blue, {red} error-red",
        non_white,
        colours.len()
    );
    assert!(non_white > pixels.len() / 20, "the page is blank or nearly so: {non_white} non-white pixels");
    assert!(colours.len() > 200, "too few colours for text and charts: {}", colours.len());
    assert!(blue > 2000, "the chart lines and areas are drawn (blue pixels: {blue})");
    assert!(red > 300, "the failure curve and FAIL marks are drawn (red pixels: {red})");

    let dom = headless(&bin, &dir.path("profile-2"), &degraded, &["--dump-dom".to_owned()]);
    assert!(
        dom.contains("<title>perftest report: checkout-degraded (task "),
        "the page title: {}",
        &dom[..dom.len().min(400)]
    );
    assert!(dom.contains(": FAILED</title>"));
    for id in ["chart-tps", "chart-rt", "chart-users", "chart-errors"] {
        assert!(dom.contains(&format!("<svg class=\"chart\" id=\"{id}\"")), "the DOM has the chart {id}");
    }
    assert_eq!(dom.matches("<svg class=\"chart\"").count(), 4);
    assert!(dom.matches("<polyline").count() >= 4, "curves in the DOM");
    assert!(dom.contains("<td class=\"fail\">FAIL</td>"), "the failed thresholds");
}
