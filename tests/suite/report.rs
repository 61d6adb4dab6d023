//! The HTML class report, rendered in headless Chromium: the page loads, the
//! heatmap has one cell per student per factor, and a screenshot is taken.
//! Skipped, saying why, when no Chromium is installed (`.ci/run` installs it).

use crate::common::planmark;
use std::path::Path;
use std::process::Command as Process;

fn chromium() -> Option<String> {
    ["chromium", "chromium-browser", "google-chrome"]
        .into_iter()
        .find(|c| {
            Process::new(c)
                .arg("--version")
                .output()
                .is_ok_and(|o| o.status.success())
        })
        .map(str::to_string)
}

fn headless(browser: &str, profile: &Path) -> Process {
    let mut c = Process::new(browser);
    c.args([
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
    .arg(format!("--user-data-dir={}", profile.display()));
    c
}

#[test]
fn the_class_report_renders_in_chromium() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("class.csv");
    let plans = [
        (
            "Amy",
            "Overall S won through his control as gen sec. T arrogant; Lenin's testament hidden 1924",
        ),
        (
            "Ben",
            "SIOC more popular than permanent revolution <script>alert(1)</script>",
        ),
        ("Cat", "T missed the funeral in January 1924"),
        ("Dev", ""),
        (
            "Eve",
            "Bukharin and the Right were outmanoeuvred in 1929; Lenin Enrolment",
        ),
    ];
    let mut text = String::from("Name,Plan\n");
    for (n, p) in plans {
        text.push_str(&format!("{n},\"{p}\"\n"));
    }
    std::fs::write(&csv, text).unwrap();
    let report = dir.path().join("report.html");
    planmark()
        .args([
            "grade",
            "--rubric",
            "stalin-trotsky",
            "--format",
            "csv",
            "--csv",
        ])
        .arg(&csv)
        .arg("--report")
        .arg(&report)
        .assert()
        .success();
    let html = std::fs::read_to_string(&report).unwrap();
    assert!(html.contains("&lt;script&gt;"), "plan text is escaped");
    assert!(
        !dir.path().join("report.html.part").exists(),
        "scratch file removed"
    );

    let Some(browser) = chromium() else {
        println!("skipped the Chromium check: no chromium on PATH (install Debian's `chromium`)");
        return;
    };
    let factors = planmark::library::Library::builtin()
        .rubric("stalin-trotsky")
        .unwrap()
        .item
        .factors
        .len();
    let url = format!("file://{}", report.display());
    let dom = headless(&browser, &dir.path().join("profile"))
        .arg("--dump-dom")
        .arg(&url)
        .output()
        .unwrap();
    assert!(
        dom.status.success(),
        "{}",
        String::from_utf8_lossy(&dom.stderr)
    );
    let dom = String::from_utf8_lossy(&dom.stdout);
    let cells = dom.matches("class=\"cell ").count();
    assert_eq!(
        cells,
        plans.len() * factors,
        "heatmap cells = students × factors"
    );
    assert!(dom.contains("id=\"distribution\""));
    assert_eq!(dom.matches("<section class=\"plan\"").count(), plans.len());

    let shot = dir.path().join("report.png");
    let out = headless(&browser, &dir.path().join("profile"))
        .arg("--window-size=1200,1600")
        .arg(format!("--screenshot={}", shot.display()))
        .arg(&url)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let png = std::fs::read(&shot).unwrap();
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
    let width = u32::from_be_bytes(png[16..20].try_into().unwrap());
    assert_eq!(width, 1200);
    assert!(
        png.len() > 20_000,
        "a rendered page, not a blank one ({} bytes)",
        png.len()
    );
}
