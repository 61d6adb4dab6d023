//! `planmark serve` as a student or teacher runs it: the built binary is
//! started on a free port (`--port 0`), the URL it prints is read back, and
//! requests go to it over a real socket. Covers the default (loopback, no
//! token), sharing on the network (`--host 0.0.0.0`: a generated token in
//! the printed link, requests without it refused), a bad `--token`, and
//! Ctrl-C (SIGINT), which waits for a database write in flight and exits 0,
//! and a tab closed while its save waits, whose save still finishes.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

fn bin() -> std::ffi::OsString {
    std::env::var_os("PLANMARK_TEST_BIN").unwrap_or_else(|| env!("CARGO_BIN_EXE_planmark").into())
}

/// A running `planmark serve`, stopped (killed) when dropped.
struct Serve {
    child: Child,
    /// What it printed before "Press Ctrl-C to stop.".
    banner: Vec<String>,
    /// The rest of standard output, line by line, as it comes.
    rest: mpsc::Receiver<String>,
    port: u16,
}

impl Drop for Serve {
    fn drop(&mut self) {
        if self.child.try_wait().ok().flatten().is_none() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

fn serve(db: &Path, args: &[&str]) -> Serve {
    let mut child = Command::new(bin())
        .arg("serve")
        .args(["--port", "0"])
        .args(args)
        .env_remove("PLANMARK_LIBRARY")
        .env("PLANMARK_DB", db)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("planmark starts");
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let mut banner = Vec::new();
    loop {
        match rx.recv_timeout(Duration::from_secs(60)) {
            Ok(line) => {
                let done = line.starts_with("Press Ctrl-C");
                banner.push(line);
                if done {
                    break;
                }
            }
            Err(_) => {
                let _ = child.kill();
                let mut err = String::new();
                let _ = child.stderr.take().unwrap().read_to_string(&mut err);
                panic!("serve printed no URL; stdout {banner:?}, stderr {err}");
            }
        }
    }
    let url = banner
        .iter()
        .find_map(|l| l.strip_prefix("Open: "))
        .expect("an Open: line");
    let port = url
        .strip_prefix("http://127.0.0.1:")
        .and_then(|r| r.split('/').next())
        .and_then(|p| p.parse().ok())
        .unwrap_or_else(|| panic!("a loopback URL with a port: {url}"));
    Serve {
        child,
        banner,
        rest: rx,
        port,
    }
}

impl Serve {
    fn open_url(&self) -> &str {
        self.banner
            .iter()
            .find_map(|l| l.strip_prefix("Open: "))
            .unwrap()
    }

    fn banner(&self) -> String {
        self.banner.join("\n")
    }

    /// Waits (up to `limit`) for the server to exit; its exit code.
    fn exit_code_within(&mut self, limit: Duration) -> Option<i32> {
        let start = Instant::now();
        while start.elapsed() < limit {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status.code();
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        None
    }

    /// The rest of standard output (after the server has exited).
    fn rest(&self) -> String {
        self.rest.try_iter().collect::<Vec<_>>().join("\n")
    }
}

struct Reply {
    status: u16,
    head: String,
    body: String,
}

impl Reply {
    fn header(&self, name: &str) -> Option<&str> {
        self.head.lines().find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.eq_ignore_ascii_case(name).then(|| v.trim())
        })
    }
}

/// One HTTP/1.1 request to 127.0.0.1:`port`, naming that as its host
/// unless `headers` name another.
fn request(port: u16, method: &str, path: &str, headers: &[(&str, &str)], body: &str) -> Reply {
    let mut s = TcpStream::connect(("127.0.0.1", port)).expect("the server accepts");
    s.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
    let mut req = format!(
        "{method} {path} HTTP/1.1\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    if !headers.iter().any(|(k, _)| k.eq_ignore_ascii_case("host")) {
        req.push_str(&format!("Host: 127.0.0.1:{port}\r\n"));
    }
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    req.push_str("\r\n");
    req.push_str(body);
    s.write_all(req.as_bytes()).unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).expect("a whole response");
    let raw = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = raw.split_once("\r\n\r\n").unwrap_or((&raw, ""));
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or_else(|| panic!("a status line: {head}"));
    Reply {
        status,
        head: head.to_string(),
        body: body.to_string(),
    }
}

fn get(port: u16, path: &str) -> Reply {
    request(port, "GET", path, &[], "")
}

const CARD: &str = "russia-1917-53/stalin-trotsky";
const PLAN: &str =
    "- gen sec from 1922: appointments, Orgburo\n- T arrogant, missed Lenin's funeral";

#[test]
fn serve_listens_on_loopback_prints_its_url_and_answers() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("study.db");
    let mut s = serve(&db, &[]);
    let banner = s.banner();
    assert!(
        banner.contains(&format!(
            "planmark is serving on http://127.0.0.1:{}/",
            s.port
        )),
        "loopback by default: {banner}"
    );
    assert_eq!(
        s.open_url(),
        format!("http://127.0.0.1:{}/", s.port),
        "no token"
    );
    assert!(!banner.contains("Other machines"), "{banner}");
    assert!(banner.contains(&format!("Database: {}", db.display())));
    let r = get(s.port, "/");
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(
        r.body
            .contains("/practice?card=russia-1917-53/stalin-trotsky")
    );
    assert!(r.header("content-security-policy").is_some());
    // Another name for this machine is refused (DNS rebinding).
    let r = request(s.port, "GET", "/", &[("Host", "evil.example")], "");
    assert_eq!(r.status, 403);
    // The socket is on loopback only: the machine's other addresses do not
    // reach it (when it has one to try).
    if let Some(ip) = other_local_ip() {
        assert!(
            TcpStream::connect_timeout(&(ip, s.port).into(), Duration::from_secs(2)).is_err(),
            "reachable on {ip}"
        );
    }
    #[cfg(unix)]
    {
        send_sigint(&s.child);
        assert_eq!(s.exit_code_within(Duration::from_secs(30)), Some(0));
        assert!(s.rest().contains("Stopped."));
    }
}

/// An address of this machine that is not loopback, if it has one: the
/// source address of a UDP socket "connected" to a private address (no
/// packet is sent).
fn other_local_ip() -> Option<std::net::IpAddr> {
    let sock = std::net::UdpSocket::bind("0.0.0.0:0").ok()?;
    sock.connect("10.255.255.255:9").ok()?;
    let ip = sock.local_addr().ok()?.ip();
    (!ip.is_loopback() && !ip.is_unspecified()).then_some(ip)
}

#[test]
fn sharing_on_the_network_prints_a_generated_token_and_refuses_requests_without_it() {
    let dir = tempfile::tempdir().unwrap();
    let s = serve(&dir.path().join("study.db"), &["--host", "0.0.0.0"]);
    let banner = s.banner();
    assert!(banner.contains(&format!("serving on http://0.0.0.0:{}/", s.port)));
    let url = s.open_url().to_string();
    let token = url
        .split_once("?token=")
        .map(|(_, t)| t.to_string())
        .unwrap_or_else(|| panic!("a token in the link: {url}"));
    assert_eq!(token.len(), 32, "{token}");
    assert!(token.bytes().all(|b| b.is_ascii_hexdigit()));
    assert!(banner.contains("Other machines: http://"), "{banner}");
    assert!(banner.contains(&format!("?token={token}")));
    assert!(banner.contains("share it only with your class"));

    let r = get(s.port, "/");
    assert_eq!(r.status, 401, "no token");
    assert!(r.body.contains("access token"));
    let r = get(s.port, "/?token=00000000000000000000000000000000");
    assert_eq!(r.status, 401, "wrong token");
    let r = get(s.port, &format!("/?token={token}"));
    assert_eq!(r.status, 303);
    let cookie = r
        .header("set-cookie")
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string();
    assert_eq!(cookie, format!("planmark_token={token}"));
    let r = request(s.port, "GET", "/", &[("Cookie", &cookie)], "");
    assert_eq!(r.status, 200);

    // A second server given its own token prints that one.
    let dir2 = tempfile::tempdir().unwrap();
    let given = "our-class-token-2026";
    let s2 = serve(
        &dir2.path().join("study.db"),
        &["--host", "0.0.0.0", "--token", given],
    );
    assert!(s2.open_url().ends_with(&format!("/?token={given}")));
    assert_eq!(get(s2.port, "/").status, 401);
}

#[test]
fn a_token_too_short_to_be_safe_is_refused_and_one_on_loopback_is_ignored() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(bin())
        .args([
            "serve", "--port", "0", "--host", "0.0.0.0", "--token", "short",
        ])
        .env_remove("PLANMARK_LIBRARY")
        .env("PLANMARK_DB", dir.path().join("study.db"))
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("16 to 128 letters"), "{err}");
    assert!(out.stdout.is_empty(), "nothing served");

    let s = serve(
        &dir.path().join("study.db"),
        &["--token", "our-class-token-2026"],
    );
    assert_eq!(s.open_url(), format!("http://127.0.0.1:{}/", s.port));
    assert_eq!(get(s.port, "/").status, 200, "loopback needs no token");
}

#[cfg(unix)]
fn send_sigint(child: &Child) {
    let pid = libc::pid_t::try_from(child.id()).unwrap();
    // SAFETY: kill(2) on our own child's pid, with a valid signal number.
    let rc = unsafe { libc::kill(pid, libc::SIGINT) };
    assert_eq!(rc, 0, "SIGINT sent");
}

/// The CSRF token of the server's pages.
fn csrf(port: u16) -> String {
    let page = get(port, "/").body;
    let start = page.find("name=\"csrf\" content=\"").unwrap() + 21;
    page[start..start + 32].to_string()
}

#[cfg(unix)]
#[test]
fn ctrl_c_waits_for_a_write_in_flight_then_exits_0() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("study.db");
    let mut s = serve(&db, &[]);
    let token = csrf(s.port);
    // Another program (as the CLI might) holds the database's write lock,
    // so the server's draft save has to wait for it.
    let holder = rusqlite::Connection::open(&db).unwrap();
    holder.execute_batch("BEGIN IMMEDIATE").unwrap();
    let port = s.port;
    let body = serde_urlencoded::to_string([("card", CARD), ("plan", PLAN)]).unwrap();
    let typing = std::thread::spawn(move || {
        request(
            port,
            "POST",
            "/practice/live",
            &[
                ("Content-Type", "application/x-www-form-urlencoded"),
                ("X-CSRF-Token", &token),
            ],
            &body,
        )
    });
    // The request is in flight, waiting for the lock; Ctrl-C now.
    std::thread::sleep(Duration::from_millis(1000));
    send_sigint(&s.child);
    assert_eq!(
        s.exit_code_within(Duration::from_millis(700)),
        None,
        "the server waits for the save in flight"
    );
    holder.execute_batch("COMMIT").unwrap();
    let r = typing.join().unwrap();
    assert_eq!(r.status, 200, "{}", r.body);
    let id = r.header("x-draft-id").expect("the draft was saved");
    assert_eq!(s.exit_code_within(Duration::from_secs(30)), Some(0));
    let rest = s.rest();
    assert!(
        rest.contains("Stopping") && rest.contains("Stopped."),
        "{rest}"
    );
    // The plan is in the database the CLI uses.
    let plan: String = holder
        .query_row(
            "SELECT plan FROM drafts WHERE id = ?1",
            [id.parse::<i64>().unwrap()],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(plan, PLAN);
}

#[test]
fn a_client_gone_mid_request_loses_nothing_and_the_server_carries_on() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("study.db");
    let s = serve(&db, &[]);
    let token = csrf(s.port);
    let holder = rusqlite::Connection::open(&db).unwrap();
    holder.execute_batch("BEGIN IMMEDIATE").unwrap();
    let body = serde_urlencoded::to_string([("card", CARD), ("plan", PLAN)]).unwrap();
    {
        let mut tab = TcpStream::connect(("127.0.0.1", s.port)).unwrap();
        write!(
            tab,
            "POST /practice/live HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nContent-Type: application/x-www-form-urlencoded\r\nX-CSRF-Token: {token}\r\nContent-Length: {}\r\n\r\n{body}",
            s.port,
            body.len()
        )
        .unwrap();
        // The save waits for the lock; the tab is closed meanwhile.
        std::thread::sleep(Duration::from_millis(1000));
    }
    holder.execute_batch("COMMIT").unwrap();
    let start = Instant::now();
    let saved = loop {
        let plans: Vec<String> = holder
            .prepare("SELECT plan FROM drafts")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        if !plans.is_empty() || start.elapsed() > Duration::from_secs(30) {
            break plans;
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    assert_eq!(saved, [PLAN], "the save that had started finished");
    assert_eq!(get(s.port, "/").status, 200, "the server still answers");
}

#[test]
fn a_card_practised_in_the_browser_is_scheduled_for_the_cli() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("study.db");
    let s = serve(&db, &[]);
    let token = csrf(s.port);
    let body =
        serde_urlencoded::to_string([("csrf", token.as_str()), ("card", CARD), ("plan", PLAN)])
            .unwrap();
    let r = request(
        s.port,
        "POST",
        "/practice/submit",
        &[("Content-Type", "application/x-www-form-urlencoded")],
        &body,
    );
    assert_eq!(r.status, 303, "{}", r.body);
    let due = |db: &Path| {
        let out = Command::new(bin())
            .arg("due")
            .env_remove("PLANMARK_LIBRARY")
            .env("PLANMARK_DB", db)
            .env("NO_COLOR", "1")
            .output()
            .unwrap();
        assert!(out.status.success());
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        text.lines()
            .find(|l| l.contains(&format!("{CARD} ")))
            .unwrap_or_else(|| panic!("{CARD} in {text}"))
            .to_string()
    };
    let row = due(&db);
    assert!(!row.contains("┆ new ┆"), "reviewed in the browser: {row}");
    assert!(row.contains("┆ 1 "), "one review: {row}");
    // The same card in a database nobody has studied with is new.
    assert!(due(&dir.path().join("other.db")).contains("┆ new ┆"));
}
