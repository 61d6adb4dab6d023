//! Load for `planmark serve`'s live-marking request, used by
//! `scripts/load-serve.sh`: N concurrent clients, each a student typing a
//! 300-word plan, send the save-and-mark request (`POST /practice/live`)
//! until the total is reached, then the latencies are printed (p50, p95,
//! p99, max) with the throughput.
//!
//! With a pause of 0 ms the clients send back to back, each as soon as its
//! last answer came: the most the server can do. With 250 ms each waits that
//! long after an answer before the next request, as the page does (it sends
//! one request at a time, 250 ms after the last key): N students typing
//! without a break. The clients start spread over one pause.
//!
//! With ROUNDS, the clients go on typing their own drafts round after
//! round (as a class does), and with the server's process id the server's
//! resident memory is printed after each round.
//!
//! Talks only to the server it is given, which must be on 127.0.0.1.
//!
//! cargo run --release --example load_serve -- http://127.0.0.1:PORT 50 10000 [PAUSE_MS [ROUNDS [SERVER_PID]]]

use axum::body::Bytes;
use axum::http::{Request, header};
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use std::time::{Duration, Instant};

/// A 300-word plan written for this load test, in a student's note form.
fn plan(client: usize, n: usize) -> String {
    let lines = [
        "Overall Stalin won mainly through his own political skill rather than Trotsky's mistakes, though T made it easier.",
        "- T arrogant and aloof, relied on his reputation from the oct rev and the civil war, seen as a Bonapartist threat",
        "- Lenins testament criticised S as rude but was not published after the May 1924 central committee meeting",
        "- T missed Lenin's funeral in January 1924, told the wrong date, looked disrespectful to party members",
        "- gen sec from 1922 gave S control of appointments, the Orgburo and the party machine, loyal delegates",
        "- Lenin Enrolment brought in new working class members who owed their place to S",
        "- socialism in one country was more popular than permanent revolution after years of war",
        "- Zinoviev and Kamenev underestimated S and turned on T in the triumvirate, then joined the United Opposition too late",
        "- the ban on factions from 1921 meant any opposition could be called factionalism and expelled",
        "- Bukharin and the Right were outmanoeuvred over the grain crisis in 1928 and 1929",
        "- T expelled in 1927 and exiled in 1929, which ended his challenge for good",
        "- the 13th party congress in 1924 showed T would not fight, he kept quiet about the testament to look loyal",
        "- the Red Army under T worried the party, they feared a Napoleon figure more than a dull administrator",
        "- S used the Lenin cult, the oath at the funeral and the Foundations of Leninism to look like the true heir",
        "- the succession was unclear because Lenin named no heir and the politburo ruled collectively",
        "- T's writings like Lessons of October attacked Z and K and pushed them towards S in 1924",
        "Judgement: the party machine mattered more than T's errors, because appointments decided votes at congresses.",
    ];
    let mut text = lines.join("\n");
    // Each request differs, as a plan being typed does.
    text.push_str(&format!("\n- note {client}-{n}"));
    text
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

/// The server's resident memory, from /proc (Linux).
fn resident(pid: &str) -> String {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|st| {
            st.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .map(|l| l["VmRSS:".len()..].trim().to_string())
        })
        .unwrap_or_else(|| "unknown".into())
}

type Http = Client<hyper_util::client::legacy::connect::HttpConnector, Full<Bytes>>;

/// One round: `total` requests from `drafts.len()` clients, each carrying
/// on its own draft. The latencies, sorted, and the round's wall time.
async fn round(
    client: &Http,
    base: &str,
    csrf: &str,
    drafts: &mut [String],
    total: usize,
    pause: Duration,
) -> (Vec<Duration>, Duration) {
    let clients = drafts.len();
    let per_client = total.div_ceil(clients);
    let started = Instant::now();
    let mut tasks = Vec::new();
    for (c, draft) in drafts.iter().enumerate() {
        let client = client.clone();
        let (base, csrf) = (base.to_string(), csrf.to_string());
        let start = pause * c as u32 / clients as u32;
        let mut draft = draft.clone();
        tasks.push(tokio::spawn(async move {
            let mut times = Vec::with_capacity(per_client);
            tokio::time::sleep(start).await;
            for n in 0..per_client {
                if n > 0 && !pause.is_zero() {
                    tokio::time::sleep(pause).await;
                }
                let body = serde_urlencoded::to_string([
                    ("card", "russia-1917-53/stalin-trotsky"),
                    ("draft", draft.as_str()),
                    ("plan", plan(c, n).as_str()),
                ])
                .unwrap();
                let req = Request::post(format!("{base}/practice/live"))
                    .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                    .header("x-csrf-token", &csrf)
                    .body(Full::new(Bytes::from(body)))
                    .unwrap();
                let t = Instant::now();
                let resp = client.request(req).await.expect("a response");
                let status = resp.status();
                if let Some(id) = resp.headers().get("x-draft-id") {
                    draft = id.to_str().unwrap_or("").to_string();
                }
                let bytes = resp.into_body().collect().await.unwrap().to_bytes();
                times.push(t.elapsed());
                assert!(status.is_success(), "status {status}");
                assert!(bytes.len() > 1000, "a live panel came back");
            }
            (times, draft)
        }));
    }
    let mut all = Vec::new();
    for (t, d) in tasks.into_iter().zip(drafts.iter_mut()) {
        let (times, draft) = t.await.unwrap();
        all.extend(times);
        *d = draft;
    }
    let wall = started.elapsed();
    all.sort();
    (all, wall)
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let base = args
        .get(1)
        .cloned()
        .unwrap_or_else(|| "http://127.0.0.1:8765".into());
    let clients: usize = args.get(2).and_then(|a| a.parse().ok()).unwrap_or(50);
    let total: usize = args.get(3).and_then(|a| a.parse().ok()).unwrap_or(10_000);
    let pause_ms: u64 = args.get(4).and_then(|a| a.parse().ok()).unwrap_or(0);
    let pause = Duration::from_millis(pause_ms);
    let rounds: usize = args.get(5).and_then(|a| a.parse().ok()).unwrap_or(1);
    let server_pid = args.get(6).cloned();
    assert!(
        base.starts_with("http://127.0.0.1:") || base.starts_with("http://localhost:"),
        "this load test only talks to a server on this machine"
    );
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    rt.block_on(async move {
        let client: Http = Client::builder(TokioExecutor::new())
            .pool_max_idle_per_host(clients)
            .build_http();
        let home = client
            .request(
                Request::get(format!("{base}/"))
                    .body(Full::new(Bytes::new()))
                    .unwrap(),
            )
            .await
            .expect("the server answers");
        let page = String::from_utf8_lossy(&home.into_body().collect().await.unwrap().to_bytes())
            .into_owned();
        let at = page.find("name=\"csrf\" content=\"").expect("a CSRF token") + 21;
        let csrf = page[at..at + 32].to_string();
        let words = plan(0, 0).split_whitespace().count();
        let mut drafts = vec![String::new(); clients];
        for r in 1..=rounds {
            let (all, wall) = round(&client, &base, &csrf, &mut drafts, total, pause).await;
            let memory = server_pid
                .as_deref()
                .map(|pid| format!("; server memory {}", resident(pid)))
                .unwrap_or_default();
            println!(
                "{}{} requests, {clients} clients{}, {words}-word plan: p50 {:.2} ms, p95 {:.2} ms, p99 {:.2} ms, max {:.2} ms; {:.0} requests/s{memory}",
                if rounds > 1 {
                    format!("round {r}: ")
                } else {
                    String::new()
                },
                all.len(),
                if pause.is_zero() {
                    " back to back".to_string()
                } else {
                    format!(" pausing {pause_ms} ms")
                },
                percentile(&all, 0.50).as_secs_f64() * 1e3,
                percentile(&all, 0.95).as_secs_f64() * 1e3,
                percentile(&all, 0.99).as_secs_f64() * 1e3,
                all.last().unwrap().as_secs_f64() * 1e3,
                all.len() as f64 / wall.as_secs_f64()
            );
        }
    });
}
