//! `planmark serve` as a person uses it, in headless Chromium driven over
//! WebDriver (fantoccini + Debian's chromedriver), on 127.0.0.1 only: a plan
//! typed key by key lights a factor with its words, the draft comes back
//! after a reload, Submit records an attempt that history lists, and sort
//! and match sessions run to the end. Screenshots at 1200 and 390 px wide are
//! saved under `target/browser-artefacts/` and checked to be non-blank.
//!
//! Skipped, saying why, only when Chromium or chromedriver is not installed
//! (`.ci/run` installs Debian's `chromium` and `chromium-driver`).

use fantoccini::{ClientBuilder, Locator};
use planmark::library::Library;
use planmark::web::{self, Access, Config};
use std::net::TcpListener as StdListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

const CARD: &str = "russia-1917-53/stalin-trotsky";

fn on_path(names: &[&str]) -> Option<String> {
    names
        .iter()
        .find(|c| {
            Command::new(c)
                .arg("--version")
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .is_ok_and(|s| s.success())
        })
        .map(|c| c.to_string())
}

/// chromedriver, killed when the test ends however it ends.
struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    StdListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn artefacts() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/browser-artefacts");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The PNG's width from its header, and a check that the picture is not a
/// blank page: a blank page compresses to a few kilobytes.
fn check_screenshot(png: &[u8], name: &str, blank_size: usize) -> u32 {
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n", "{name} is a PNG");
    let width = u32::from_be_bytes(png[16..20].try_into().unwrap());
    assert!(
        png.len() > 4 * blank_size.max(2_000),
        "{name} looks blank: {} bytes, a blank page is {blank_size}",
        png.len()
    );
    std::fs::write(artefacts().join(name), png).unwrap();
    width
}

fn side_of(headline: &str) -> &'static str {
    let lib = Library::builtin();
    let (_, card) = lib.card(CARD).unwrap();
    let p = card
        .points
        .iter()
        .find(|p| p.headline == headline)
        .unwrap_or_else(|| panic!("no point {headline:?}"));
    if p.side == planmark::model::Side::For {
        "f"
    } else {
        "a"
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_web_app_works_in_headless_chromium() {
    let (Some(chromium), Some(chromedriver)) = (
        on_path(&["chromium", "chromium-browser", "google-chrome"]),
        on_path(&["chromedriver"]),
    ) else {
        println!(
            "skipped the browser test: Chromium and chromedriver are not both installed \
             (Debian: apt-get install chromium chromium-driver)"
        );
        return;
    };

    // The app, on a free loopback port, with its own database.
    let dir = tempfile::tempdir().unwrap();
    let app = web::router(Config {
        db: dir.path().join("study.db"),
        library: Library::builtin(),
        access: Access::Local,
        extra_hosts: vec![],
        clock: web::system_clock(),
        new_per_day: 5,
    })
    .unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://127.0.0.1:{}", listener.local_addr().unwrap().port());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(web::serve(listener, app, async {
        let _ = stopped.await;
    }));

    let port = free_port();
    let _driver = Driver(
        Command::new(&chromedriver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let profile = dir.path().join("profile");
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        serde_json::json!({
            "binary": which(&chromium),
            "args": [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run", "--hide-scrollbars",
                format!("--user-data-dir={}", profile.display()), "--window-size=1200,1000"
            ]
        }),
    );
    let mut client = None;
    for _ in 0..100 {
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        match ClientBuilder::new(connector)
            .capabilities(caps.clone())
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
        {
            Ok(c) => {
                client = Some(c);
                break;
            }
            Err(_) => tokio::time::sleep(Duration::from_millis(100)).await,
        }
    }
    let c = client.expect("chromedriver started a browser session");

    // A blank page, to compare screenshots with.
    c.goto("about:blank").await.unwrap();
    let blank = c.screenshot().await.unwrap().len();

    // 1. Type a plan key by key: a factor turns ✓ with its words highlighted.
    c.goto(&format!("{base}/practice?card={CARD}"))
        .await
        .unwrap();
    let plan = c.find(Locator::Id("plan")).await.unwrap();
    for key in ["- T was arrogant", "\n", "- Lenins testamant hidden 1924"] {
        plan.send_keys(key).await.unwrap();
    }
    let factor = Locator::Css("#live li.factor.covered[data-factor='overconfidence']");
    c.wait()
        .at_most(Duration::from_secs(10))
        .for_element(factor)
        .await
        .expect("the factor lights up as the plan is typed");
    let li = c.find(factor).await.unwrap();
    assert!(li.text().await.unwrap().starts_with('✓'));
    let words = li.find(Locator::Css("mark.factor")).await.unwrap();
    assert_eq!(words.text().await.unwrap(), "arrogant");
    let highlighted = c
        .find(Locator::Css(
            "#highlighted mark[data-factor='overconfidence']",
        ))
        .await
        .unwrap();
    assert_eq!(highlighted.text().await.unwrap(), "arrogant");
    c.wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::XPath(
            "//p[@id='save-status' and text()='Draft saved']",
        ))
        .await
        .unwrap();

    // Screenshots at desktop and phone widths.
    let shot = c.screenshot().await.unwrap();
    let w = check_screenshot(&shot, "practice-1200.png", blank);
    assert!((1100..=1300).contains(&w), "desktop width {w}");
    c.set_window_size(390, 844).await.unwrap();
    let overflow = c
        .execute(
            "return document.documentElement.scrollWidth - window.innerWidth",
            vec![],
        )
        .await
        .unwrap();
    assert!(
        overflow.as_i64().unwrap_or(99) <= 0,
        "nothing wider than a phone screen"
    );
    let shot = c.screenshot().await.unwrap();
    let w = check_screenshot(&shot, "practice-390.png", blank);
    assert!((380..=400).contains(&w), "phone width {w}");
    c.set_window_size(1200, 1000).await.unwrap();

    // 2. Reload mid-plan: the draft comes back.
    c.refresh().await.unwrap();
    let back = c
        .find(Locator::Id("plan"))
        .await
        .unwrap()
        .prop("value")
        .await
        .unwrap()
        .unwrap_or_default();
    assert_eq!(back, "- T was arrogant\n- Lenins testamant hidden 1924");
    assert!(c.source().await.unwrap().contains("is back"));

    // 3. Submit, rate with one key, and find the attempt in history.
    c.find(Locator::Css("#plan-form button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Id("recorded"))
        .await
        .unwrap();
    let url = c.current_url().await.unwrap();
    let attempt = url.path().trim_start_matches("/attempt/").to_string();
    assert!(c.source().await.unwrap().contains("Model answer"));
    c.find(Locator::Css("body"))
        .await
        .unwrap()
        .send_keys("2")
        .await
        .unwrap();
    c.wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::XPath(
            "//strong[@id='rating-now' and text()='hard']",
        ))
        .await
        .expect("the key 2 rates Hard");
    c.goto(&format!("{base}/history")).await.unwrap();
    let link = c
        .find(Locator::Css(&format!(
            "#history a[href='/attempt/{attempt}']"
        )))
        .await
        .expect("the attempt is in history");
    link.click().await.unwrap();
    assert!(c.source().await.unwrap().contains("Lenins testamant"));

    // 4. A sort session, answered with the f and a keys, completes.
    c.goto(&format!("{base}/sort?card={CARD}")).await.unwrap();
    for _ in 0..60 {
        let Ok(h) = c.find(Locator::Css("#headline strong")).await else {
            break;
        };
        let key = side_of(&h.text().await.unwrap());
        let page = c.find(Locator::Css("body")).await.unwrap();
        page.send_keys(key).await.unwrap();
        // Wait for the next page (see the match session below).
        for _ in 0..100 {
            if page.tag_name().await.is_err() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        c.wait()
            .at_most(Duration::from_secs(10))
            .for_element(Locator::Css("#last, #sort-result"))
            .await
            .unwrap();
    }
    let result = c.find(Locator::Id("sort-result")).await.unwrap();
    let text = result.text().await.unwrap();
    let points = Library::builtin().card(CARD).unwrap().1.points.len();
    assert!(
        text.contains(&format!("Sorted {points} of {points} right first time")),
        "{text}"
    );

    // 5. A match session, played by clicking, completes.
    c.goto(&format!("{base}/match?card={CARD}&n=5"))
        .await
        .unwrap();
    let seed: u64 = c
        .find(Locator::Css("input[name=seed]"))
        .await
        .unwrap()
        .attr("value")
        .await
        .unwrap()
        .unwrap()
        .parse()
        .unwrap();
    let lib = Library::builtin();
    let cards = planmark::modes::session::cards(&lib, None, Some(CARD)).unwrap();
    let game = planmark::modes::matching::MatchGame::new(
        planmark::modes::session::match_pairs(&cards, 5, seed),
        seed,
    );
    for h in 0..game.len() {
        let answer = game.answer_for(h);
        let (num, letter) = answer.split_at(answer.len() - 1);
        // Wait: the page may still be loading after the last pair.
        c.wait()
            .at_most(Duration::from_secs(10))
            .for_element(Locator::Css(&format!(
                "input[name=headline][value='{num}']"
            )))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        let page = c.find(Locator::Css("body")).await.unwrap();
        // Wait: the page may still be loading after the last pair.
        c.wait()
            .at_most(Duration::from_secs(10))
            .for_element(Locator::Css(&format!(
                "input[name=detail][value='{letter}']"
            )))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        // The pair is posted and the next page loads: wait until this page's
        // body is gone, or the old page's "#last" would be found at once.
        for _ in 0..100 {
            if page.tag_name().await.is_err() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        c.wait()
            .at_most(Duration::from_secs(10))
            .for_element(Locator::Css("#last, #match-result"))
            .await
            .unwrap();
    }
    let text = c
        .find(Locator::Id("match-result"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(text.contains("All 5 matched"), "{text}");

    c.close().await.unwrap();
    let _ = stop.send(());
    server.await.unwrap().unwrap();
}

/// The browser binary's full path, as chromedriver wants it.
fn which(name: &str) -> String {
    std::env::var_os("PATH")
        .and_then(|paths| {
            std::env::split_paths(&paths)
                .map(|p| p.join(name))
                .find(|p| p.is_file())
        })
        .map_or_else(|| name.to_string(), |p| p.display().to_string())
}
