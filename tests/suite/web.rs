//! `planmark serve` route by route, without a socket: the router is driven
//! with `tower::ServiceExt::oneshot` (axum's own testing pattern). Each test
//! gets a fresh database in a temp folder, the built-in library and a fixed
//! clock.

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use planmark::library::Library;
use planmark::study::Store;
use planmark::web::{self, Access, Config};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tower::ServiceExt;

const NOW: i64 = 1_800_000_000;
const CARD: &str = "russia-1917-53/stalin-trotsky";
const HOST: &str = "127.0.0.1:8765";

struct Server {
    app: Router,
    db: PathBuf,
    _dir: tempfile::TempDir,
}

fn server_with(access: Access) -> Server {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("study.db");
    let app = web::router(Config {
        db: db.clone(),
        library: Library::builtin(),
        access,
        extra_hosts: vec![],
        clock: Arc::new(|| NOW),
        new_per_day: 5,
    })
    .unwrap();
    Server { app, db, _dir: dir }
}

fn server() -> Server {
    server_with(Access::Local)
}

struct Reply {
    status: StatusCode,
    headers: axum::http::HeaderMap,
    body: String,
}

async fn send(app: &Router, req: Request<Body>) -> Reply {
    let resp = app.clone().oneshot(req).await.unwrap();
    let status = resp.status();
    let headers = resp.headers().clone();
    let bytes = axum::body::to_bytes(resp.into_body(), usize::MAX)
        .await
        .unwrap();
    Reply {
        status,
        headers,
        body: String::from_utf8_lossy(&bytes).into_owned(),
    }
}

async fn get(app: &Router, uri: &str) -> Reply {
    send(
        app,
        Request::get(uri)
            .header(header::HOST, HOST)
            .body(Body::empty())
            .unwrap(),
    )
    .await
}

fn form(fields: &[(&str, &str)]) -> String {
    serde_urlencoded::to_string(fields).unwrap()
}

async fn post(app: &Router, uri: &str, fields: &[(&str, &str)]) -> Reply {
    send(
        app,
        Request::post(uri)
            .header(header::HOST, HOST)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(form(fields)))
            .unwrap(),
    )
    .await
}

/// The CSRF token a page carries for its forms.
async fn csrf(app: &Router) -> String {
    let page = get(app, "/").await;
    let start = page.body.find("name=\"csrf\" content=\"").unwrap() + 21;
    page.body[start..start + 32].to_string()
}

fn store(db: &Path) -> Store {
    Store::open(db).unwrap()
}

const PLAN: &str = "- T arrogant, relied on rep from oct rev\n- Lenins testamant hidden May 1924\n\
                    - gen sec: appointments, Orgburo\nOverall S won mainly through his own skill.";

#[tokio::test]
async fn home_lists_the_decks_cards_and_what_is_due() {
    let s = server();
    let r = get(&s.app, "/").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("Russia"), "deck title shown");
    assert!(
        r.body
            .contains("/practice?card=russia-1917-53/stalin-trotsky")
    );
    assert!(r.body.contains("16 new"), "no card studied yet: {}", r.body);
    for h in [
        header::CONTENT_SECURITY_POLICY,
        header::X_FRAME_OPTIONS,
        header::X_CONTENT_TYPE_OPTIONS,
    ] {
        assert!(r.headers.contains_key(&h), "{h} is set");
    }
    let csp = r.headers[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
    assert!(csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"));
    assert!(!r.body.contains("<script>"), "no inline script");
}

#[tokio::test]
async fn the_practice_page_picks_the_first_new_card_and_shows_its_question() {
    let s = server();
    let r = get(&s.app, "/practice").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("russia-1917-53/"));
    assert!(r.body.contains("· new"));
    assert!(r.body.contains("<textarea"));
    assert!(r.body.contains("action=\"/practice/submit\""));
    let r = get(&s.app, &format!("/practice?card={CARD}&timed=8")).await;
    assert!(r.body.contains("Trotsky's errors of judgement"));
    assert!(
        r.body.contains("data-remaining=\"480\""),
        "8-minute countdown"
    );
    let r = get(&s.app, "/practice?card=no-such-card").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn live_marking_saves_the_draft_and_lights_up_factors_with_their_words() {
    let s = server();
    let token = csrf(&s.app).await;
    let r = post(
        &s.app,
        "/practice/live",
        &[
            ("csrf", &token),
            ("card", CARD),
            ("draft", ""),
            ("plan", PLAN),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let draft: i64 = r.headers["x-draft-id"].to_str().unwrap().parse().unwrap();
    assert!(
        r.body
            .contains("class=\"factor covered\" data-factor=\"testament\""),
        "{}",
        r.body
    );
    assert!(
        r.body
            .contains("<mark class=\"factor\">Lenins testamant</mark>")
    );
    assert!(r.body.contains("Judgement: "));
    assert!(r.body.contains("Balance: "));
    assert!(r.body.contains("(estimated)"));
    assert!(
        r.body.contains("Show hints for the"),
        "hints wait for a click"
    );
    let saved = store(&s.db).draft(draft).unwrap().unwrap();
    assert_eq!(saved.plan, PLAN);

    // The next save goes to the same draft.
    let longer = format!("{PLAN}\n- missed Lenin's funeral");
    let r = post(
        &s.app,
        "/practice/live",
        &[
            ("csrf", &token),
            ("card", CARD),
            ("draft", &draft.to_string()),
            ("plan", &longer),
        ],
    )
    .await;
    assert_eq!(r.headers["x-draft-id"], draft.to_string().as_str());
    assert_eq!(store(&s.db).open_drafts().unwrap().len(), 1);

    // Coming back to the card offers the draft again.
    let r = get(&s.app, &format!("/practice?card={CARD}")).await;
    assert!(r.body.contains("is back"));
    assert!(
        r.body.contains("missed Lenin&#39;s funeral") || r.body.contains("missed Lenin's funeral")
    );
    assert!(
        r.body
            .contains(&format!("name=\"draft\" value=\"{draft}\""))
    );
}

#[tokio::test]
async fn an_empty_plan_keeps_no_draft() {
    let s = server();
    let token = csrf(&s.app).await;
    let r = post(
        &s.app,
        "/practice/live",
        &[("csrf", &token), ("card", CARD), ("plan", "  ")],
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(!r.headers.contains_key("x-draft-id"));
    assert!(store(&s.db).open_drafts().unwrap().is_empty());
}

#[tokio::test]
async fn script_in_a_plan_is_escaped_everywhere_it_is_shown() {
    let s = server();
    let token = csrf(&s.app).await;
    let evil = "T arrogant <script>alert('x')</script> \"><img src=x onerror=alert(1)>";
    let r = post(
        &s.app,
        "/practice/live",
        &[("csrf", &token), ("card", CARD), ("plan", evil)],
    )
    .await;
    assert!(r.body.contains("&lt;script&gt;"));
    assert!(!r.body.contains("<script>") && !r.body.contains("<img"));
    let r = get(&s.app, &format!("/practice?card={CARD}")).await;
    assert!(!r.body.contains("<script>alert") && !r.body.contains("<img src=x"));
    let r = post(
        &s.app,
        "/practice/submit",
        &[("csrf", &token), ("card", CARD), ("plan", evil)],
    )
    .await;
    let attempt = get(&s.app, r.headers[header::LOCATION].to_str().unwrap()).await;
    assert_eq!(attempt.status, StatusCode::OK);
    assert!(attempt.body.contains("&lt;script&gt;"));
    assert!(!attempt.body.contains("<script>alert") && !attempt.body.contains("<img src=x"));
}

#[tokio::test]
async fn submit_records_the_attempt_like_practice_and_history_lists_it() {
    let s = server();
    let token = csrf(&s.app).await;
    let live = post(
        &s.app,
        "/practice/live",
        &[("csrf", &token), ("card", CARD), ("plan", "T arrogant")],
    )
    .await;
    let draft = live.headers["x-draft-id"].to_str().unwrap().to_string();
    let r = post(
        &s.app,
        "/practice/submit",
        &[
            ("csrf", &token),
            ("card", CARD),
            ("draft", &draft),
            ("plan", PLAN),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let location = r.headers[header::LOCATION].to_str().unwrap().to_string();
    let st = store(&s.db);
    let attempts = st.attempts(Some(CARD)).unwrap();
    assert_eq!(attempts.len(), 1);
    let a = &attempts[0];
    assert_eq!(a.mode, "practice");
    assert_eq!(a.plan, PLAN);
    assert_eq!(location, format!("/attempt/{}?new=1", a.id));
    assert!(st.open_drafts().unwrap().is_empty(), "the draft is closed");
    let due = st.card_state(CARD).unwrap().unwrap().due;
    assert!(due > NOW, "the card is scheduled");

    let page = get(&s.app, &location).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body
            .contains(&format!("Recorded as attempt #{}", a.id))
    );
    assert!(page.body.contains("Model answer"));
    assert!(page.body.contains("in your plan: "), "✓ on a model point");
    assert!(
        page.body.contains("not in your plan: "),
        "✗ on a model point"
    );
    assert!(page.body.contains("data-key=\"1\""), "one-key rating");
    assert!(
        page.body
            .contains(&format!("{}/{} marks", a.mark, a.max_mark))
    );

    let history = get(&s.app, "/history").await;
    assert!(
        history
            .body
            .contains(&format!("href=\"/attempt/{}\"", a.id))
    );
    assert!(history.body.contains(CARD));
}

#[tokio::test]
async fn rating_after_submit_changes_the_recorded_rating_and_schedule() {
    let s = server();
    let token = csrf(&s.app).await;
    post(
        &s.app,
        "/practice/submit",
        &[("csrf", &token), ("card", CARD), ("plan", PLAN)],
    )
    .await;
    let st = store(&s.db);
    let a = st.attempts(None).unwrap().remove(0);
    let before = st.card_state(CARD).unwrap().unwrap();
    let r = post(
        &s.app,
        "/practice/rate",
        &[
            ("csrf", &token),
            ("attempt", &a.id.to_string()),
            ("rating", "easy"),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let after = st.card_state(CARD).unwrap().unwrap();
    assert_eq!(st.attempt(a.id).unwrap().unwrap().rating, "easy");
    assert!(after.due > before.due || a.rating == "easy");
    let r = post(
        &s.app,
        "/practice/rate",
        &[
            ("csrf", &token),
            ("attempt", &a.id.to_string()),
            ("rating", "brilliant"),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn an_empty_plan_is_not_submitted() {
    let s = server();
    let token = csrf(&s.app).await;
    let r = post(
        &s.app,
        "/practice/submit",
        &[("csrf", &token), ("card", CARD), ("plan", "")],
    )
    .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("The plan is empty"));
    assert!(store(&s.db).attempts(None).unwrap().is_empty());
}

#[tokio::test]
async fn check_without_javascript_saves_and_marks_the_plan() {
    let s = server();
    let token = csrf(&s.app).await;
    let r = post(
        &s.app,
        "/practice/check",
        &[("csrf", &token), ("card", CARD), ("plan", PLAN)],
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("factor covered"));
    assert_eq!(store(&s.db).open_drafts().unwrap().len(), 1);
}

#[tokio::test]
async fn a_draft_can_be_discarded_for_a_blank_plan() {
    let s = server();
    let token = csrf(&s.app).await;
    let live = post(
        &s.app,
        "/practice/live",
        &[("csrf", &token), ("card", CARD), ("plan", PLAN)],
    )
    .await;
    let draft = live.headers["x-draft-id"].to_str().unwrap().to_string();
    let r = post(
        &s.app,
        "/practice/discard",
        &[("csrf", &token), ("card", CARD), ("draft", &draft)],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(store(&s.db).open_drafts().unwrap().is_empty());
}

#[tokio::test]
async fn a_state_changing_request_without_the_csrf_token_is_refused() {
    let s = server();
    for fields in [
        vec![("card", CARD), ("plan", PLAN)],
        vec![
            ("csrf", "0123456789abcdef0123456789abcdef"),
            ("card", CARD),
            ("plan", PLAN),
        ],
    ] {
        for uri in [
            "/practice/live",
            "/practice/submit",
            "/practice/rate",
            "/practice/discard",
        ] {
            let r = post(&s.app, uri, &fields).await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "{uri}");
            assert!(r.body.contains("security token"));
        }
    }
    assert!(
        store(&s.db).open_drafts().unwrap().is_empty(),
        "nothing saved"
    );
    // The token in a header (as the page's script sends it) is accepted.
    let token = csrf(&s.app).await;
    let r = send(
        &s.app,
        Request::post("/practice/live")
            .header(header::HOST, HOST)
            .header("x-csrf-token", token)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(form(&[("card", CARD), ("plan", PLAN)])))
            .unwrap(),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
}

#[tokio::test]
async fn a_foreign_host_or_origin_is_refused() {
    let s = server();
    // DNS rebinding: another site's name pointed at 127.0.0.1.
    let r = send(
        &s.app,
        Request::get("/")
            .header(header::HOST, "evil.example:8765")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(!r.body.contains("Russia"));
    for host in ["localhost:8765", "[::1]:8765", "127.0.0.1"] {
        let r = send(
            &s.app,
            Request::get("/")
                .header(header::HOST, host)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
        assert_eq!(r.status, StatusCode::OK, "{host}");
    }
    let r = send(&s.app, Request::get("/").body(Body::empty()).unwrap()).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "no Host at all");
    // A form posted from another site, even with a token.
    let token = csrf(&s.app).await;
    let r = send(
        &s.app,
        Request::post("/practice/live")
            .header(header::HOST, HOST)
            .header(header::ORIGIN, "http://evil.example")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(form(&[
                ("csrf", &token),
                ("card", CARD),
                ("plan", PLAN),
            ])))
            .unwrap(),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = send(
        &s.app,
        Request::post("/practice/live")
            .header(header::HOST, HOST)
            .header(header::ORIGIN, format!("http://{HOST}"))
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(form(&[
                ("csrf", &token),
                ("card", CARD),
                ("plan", PLAN),
            ])))
            .unwrap(),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "same origin");
}

#[tokio::test]
async fn lan_mode_needs_the_access_token() {
    let s = server_with(Access::Token("classroom-token-0123".into()));
    let lan = |uri: &str, cookie: Option<&str>| {
        let mut b = Request::get(uri).header(header::HOST, "192.168.1.20:8765");
        if let Some(c) = cookie {
            b = b.header(header::COOKIE, c);
        }
        b.body(Body::empty()).unwrap()
    };
    let r = send(&s.app, lan("/", None)).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert!(r.body.contains("access token"));
    let r = send(&s.app, lan("/?token=wrong-token-000000", None)).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    let r = send(
        &s.app,
        lan("/practice?token=classroom-token-0123&card=x", None),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(
        r.headers[header::LOCATION],
        "/practice?card=x",
        "token dropped from the URL"
    );
    let cookie = r.headers[header::SET_COOKIE].to_str().unwrap();
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"));
    let r = send(
        &s.app,
        lan("/", Some("planmark_token=classroom-token-0123")),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    let r = send(
        &s.app,
        lan("/", Some("planmark_token=classroom-token-0124")),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    // Even with the token, a rebound name is refused.
    let r = send(
        &s.app,
        Request::get("/")
            .header(header::HOST, "evil.example")
            .header(header::COOKIE, "planmark_token=classroom-token-0123")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn bodies_over_the_limit_are_refused() {
    let s = server();
    let token = csrf(&s.app).await;
    let big = "a".repeat(web::FORM_LIMIT + 10);
    // Declared too large: refused before reading.
    let r = send(
        &s.app,
        Request::post("/practice/live")
            .header(header::HOST, HOST)
            .header("x-csrf-token", &token)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::CONTENT_LENGTH, big.len() + 20)
            .body(Body::from(format!("card=x&plan={big}")))
            .unwrap(),
    )
    .await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
    // Not declared: refused while reading.
    let r = send(
        &s.app,
        Request::post("/practice/live")
            .header(header::HOST, HOST)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(format!("csrf={token}&card={CARD}&plan={big}")))
            .unwrap(),
    )
    .await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(store(&s.db).open_drafts().unwrap().is_empty());
}

#[tokio::test]
async fn progress_pages_and_assets_answer() {
    let s = server();
    let token = csrf(&s.app).await;
    post(
        &s.app,
        "/practice/submit",
        &[("csrf", &token), ("card", CARD), ("plan", PLAN)],
    )
    .await;
    let r = get(&s.app, "/stats").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("<svg"));
    assert!(r.body.contains("Mark trend per card"));
    assert!(r.body.contains("Level distribution"));
    assert!(r.body.contains("Factors you miss most"));
    assert!(r.body.contains("Mastery per mode per deck"));
    let r = get(&s.app, "/").await;
    assert!(r.body.contains("Next due"));
    let r = get(&s.app, "/assets/app.js").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(
        r.headers[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .contains("javascript")
    );
    let r = get(&s.app, "/assets/style.css").await;
    assert!(
        r.headers[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .contains("css")
    );
    assert_eq!(
        get(&s.app, "/attempt/999").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        get(&s.app, "/no/such/page").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        get(&s.app, "/assets/../Cargo.toml").await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_tabs_and_the_cli_write_at_once_and_nothing_is_lost() {
    let s = server();
    let token = csrf(&s.app).await;
    // The CLI holds the write lock for a while, as a long write would.
    let db = s.db.clone();
    let cli = std::thread::spawn(move || {
        let st = Store::open(&db).unwrap();
        for i in 0..20 {
            let id = st
                .create_draft("russia-1917-53/women", None, "cli", NOW)
                .unwrap();
            st.update_draft(id, &format!("cli plan {i}"), NOW).unwrap();
        }
    });
    let mut tabs = Vec::new();
    for tab in 0..2 {
        let app = s.app.clone();
        let token = token.clone();
        tabs.push(tokio::spawn(async move {
            let mut draft = String::new();
            let mut statuses = Vec::new();
            for i in 0..25 {
                let plan = format!("tab {tab} T arrogant line {i}");
                let r = post(
                    &app,
                    "/practice/live",
                    &[
                        ("csrf", &token),
                        ("card", CARD),
                        ("draft", &draft),
                        ("plan", &plan),
                    ],
                )
                .await;
                statuses.push(r.status);
                assert!(!r.body.contains("locked"));
                draft = r.headers["x-draft-id"].to_str().unwrap().to_string();
            }
            (draft, statuses)
        }));
    }
    let mut drafts = Vec::new();
    for t in tabs {
        let (draft, statuses) = t.await.unwrap();
        assert!(
            statuses.iter().all(|s| *s == StatusCode::OK),
            "{statuses:?}"
        );
        drafts.push(draft.parse::<i64>().unwrap());
    }
    cli.join().unwrap();
    let st = store(&s.db);
    for (tab, id) in drafts.iter().enumerate() {
        assert_eq!(
            st.draft(*id).unwrap().unwrap().plan,
            format!("tab {tab} T arrogant line 24")
        );
    }
    assert_eq!(
        st.open_drafts().unwrap().len(),
        22,
        "2 tabs + 20 CLI drafts"
    );
}

/// The value of a hidden form field in a page.
fn field(body: &str, name: &str) -> String {
    let key = format!("name=\"{name}\" value=\"");
    let start = body.find(&key).unwrap_or_else(|| panic!("no field {name}")) + key.len();
    let end = body[start..].find('"').unwrap() + start;
    body[start..end]
        .replace("&amp;", "&")
        .replace("&#39;", "'")
        .replace("&quot;", "\"")
}

fn unescape(s: &str) -> String {
    s.replace("&amp;", "&")
        .replace("&#39;", "'")
        .replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
}

#[tokio::test]
async fn flashcards_show_a_card_and_record_the_rating() {
    let s = server();
    let r = get(&s.app, "/flashcards").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("Show the answer"));
    let card = field(&r.body, "card");
    let token = csrf(&s.app).await;
    let r = post(
        &s.app,
        "/flashcards",
        &[
            ("csrf", &token),
            ("card", &card),
            ("rating", "good"),
            ("deck", ""),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let st = store(&s.db);
    assert!(st.card_state(&card).unwrap().unwrap().due > NOW);
    let next = get(&s.app, "/flashcards").await;
    assert_ne!(field(&next.body, "card"), card, "the next card comes up");
}

/// The side the built-in deck gives a point's headline.
fn side_of(card: &str, headline: &str) -> &'static str {
    let lib = Library::builtin();
    let (_, c) = lib.card(card).unwrap();
    let p = c.points.iter().find(|p| p.headline == headline).unwrap();
    if p.side == planmark::model::Side::For {
        "f"
    } else {
        "a"
    }
}

fn headline_shown(body: &str) -> String {
    let start = body.find("id=\"headline\"><strong>").unwrap() + 22;
    let end = body[start..].find("</strong>").unwrap() + start;
    unescape(&body[start..end])
}

async fn sort_step(app: &Router, token: &str, page: &str, extra: (&str, &str)) -> Reply {
    let names = ["deck", "card", "seed", "answers", "started", "run"];
    let values: Vec<String> = names.iter().map(|n| field(page, n)).collect();
    let mut fields: Vec<(&str, &str)> = names
        .iter()
        .copied()
        .zip(values.iter().map(String::as_str))
        .collect();
    fields.push(("csrf", token));
    fields.push(extra);
    post(app, "/sort", &fields).await
}

#[tokio::test]
async fn a_sort_session_runs_to_the_end_and_is_recorded_once() {
    let s = server();
    let token = csrf(&s.app).await;
    let mut page = get(&s.app, &format!("/sort?card={CARD}")).await.body;
    let mut first_wrong = true;
    let mut last = String::new();
    for _ in 0..100 {
        if !page.contains("id=\"headline\"") {
            break;
        }
        let right = side_of(CARD, &headline_shown(&page));
        // One wrong answer: it comes back, and costs one point.
        let answer = if first_wrong {
            if right == "f" { "a" } else { "f" }
        } else {
            right
        };
        first_wrong = false;
        last = page.clone();
        page = sort_step(&s.app, &token, &last, ("side", answer))
            .await
            .body;
    }
    assert!(page.contains("id=\"sort-result\""), "{page}");
    let sessions = store(&s.db).sessions(Some("sort")).unwrap();
    assert_eq!(sessions.len(), 1);
    assert_eq!(sessions[0].correct + 1, sessions[0].total);
    assert_eq!(sessions[0].card.as_deref(), Some(CARD));
    // The last form sent again records nothing more.
    let right = side_of(CARD, &headline_shown(&last));
    sort_step(&s.app, &token, &last, ("side", right)).await;
    assert_eq!(store(&s.db).sessions(Some("sort")).unwrap().len(), 1);
}

#[tokio::test]
async fn a_stopped_sort_counts_what_was_not_answered_as_not_right() {
    let s = server();
    let token = csrf(&s.app).await;
    let page = get(&s.app, &format!("/sort?card={CARD}")).await.body;
    let right = side_of(CARD, &headline_shown(&page));
    let page = sort_step(&s.app, &token, &page, ("side", right)).await.body;
    let done = sort_step(&s.app, &token, &page, ("stop", "1")).await;
    assert!(done.body.contains("Stopped: 1 of"), "{}", done.body);
    let sessions = store(&s.db).sessions(Some("sort")).unwrap();
    assert_eq!(sessions[0].correct, 1);
    assert!(sessions[0].total > 2);
}

#[tokio::test]
async fn a_match_session_completes_against_the_clock() {
    let s = server();
    let token = csrf(&s.app).await;
    let mut page = get(&s.app, &format!("/match?card={CARD}&n=5")).await.body;
    assert!(page.contains("No clean round"));
    let seed: u64 = field(&page, "seed").parse().unwrap();
    let lib = Library::builtin();
    let cards = planmark::modes::session::cards(&lib, None, Some(CARD)).unwrap();
    let game = planmark::modes::matching::MatchGame::new(
        planmark::modes::session::match_pairs(&cards, 5, seed),
        seed,
    );
    for h in 0..game.len() {
        let answer = game.answer_for(h);
        let (num, letter) = answer.split_at(answer.len() - 1);
        let names = ["deck", "card", "n", "seed", "tries", "started", "run"];
        let values: Vec<String> = names.iter().map(|n| field(&page, n)).collect();
        let mut fields: Vec<(&str, &str)> = names
            .iter()
            .copied()
            .zip(values.iter().map(String::as_str))
            .collect();
        fields.extend([
            ("csrf", token.as_str()),
            ("headline", num),
            ("detail", letter),
        ]);
        page = post(&s.app, "/match", &fields).await.body;
    }
    assert!(page.contains("All 5 matched"), "{page}");
    assert!(page.contains("first clean round"));
    let sessions = store(&s.db).sessions(Some("match")).unwrap();
    assert_eq!((sessions[0].correct, sessions[0].total), (5, 5));
    let again = get(&s.app, &format!("/match?card={CARD}&n=5")).await.body;
    assert!(again.contains("Personal best for russia-1917-53 (5 pairs)"));
}

#[tokio::test]
async fn learn_checks_each_factor_with_the_grader_and_records_on_give_up() {
    let s = server();
    let token = csrf(&s.app).await;
    let page = get(&s.app, &format!("/learn?card={CARD}")).await.body;
    assert!(page.contains("Name the 19 factors"));
    let base = |p: &str| -> Vec<(String, String)> {
        ["card", "lines", "started", "run"]
            .iter()
            .map(|n| (n.to_string(), field(p, n)))
            .collect()
    };
    let mut fields = base(&page);
    fields.push(("line".into(), "Lenins testamant".into()));
    fields.push(("csrf".into(), token.clone()));
    let f: Vec<(&str, &str)> = fields
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    let page = post(&s.app, "/learn", &f).await.body;
    assert!(
        page.contains("✓ Lenin&#39;s testament") || page.contains("✓ Lenin's testament"),
        "{page}"
    );
    assert!(page.contains("Recalled 1 of 19"));
    let mut fields = base(&page);
    fields.push(("stop".into(), "1".into()));
    fields.push(("csrf".into(), token.clone()));
    let f: Vec<(&str, &str)> = fields
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    let done = post(&s.app, "/learn", &f).await.body;
    assert!(done.contains("Recalled 1 of 19 factors."));
    let sessions = store(&s.db).sessions(Some("learn")).unwrap();
    assert_eq!((sessions[0].correct, sessions[0].total), (1, 19));
}

#[tokio::test]
async fn a_practice_test_is_marked_item_by_item_and_recorded() {
    let s = server();
    let token = csrf(&s.app).await;
    let page = get(&s.app, "/test?n=3").await.body;
    assert!(page.contains("Item 3 of 3"));
    let names = ["deck", "n", "seed", "started", "run"];
    let values: Vec<String> = names.iter().map(|n| field(&page, n)).collect();
    let mut fields: Vec<(&str, &str)> = names
        .iter()
        .copied()
        .zip(values.iter().map(String::as_str))
        .collect();
    fields.push(("csrf", &token));
    fields.push(("plan0", PLAN));
    let r = post(&s.app, "/test", &fields).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("id=\"test-result\""));
    let sessions = store(&s.db).sessions(Some("test")).unwrap();
    assert_eq!(sessions.len(), 1);
    assert_eq!(sessions[0].total, 1000);
    assert!(sessions[0].details_json.contains("\"kind\":\"plan\""));
}

/// A multipart/form-data body: (field, file name, content).
fn multipart(parts: &[(&str, Option<&str>, &[u8])]) -> (String, Vec<u8>) {
    let boundary = "planmarkTestBoundary7MA4YWxk";
    let mut body = Vec::new();
    for (name, file, content) in parts {
        body.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
        match file {
            Some(f) => body.extend_from_slice(
                format!("Content-Disposition: form-data; name=\"{name}\"; filename=\"{f}\"\r\nContent-Type: application/octet-stream\r\n\r\n").as_bytes(),
            ),
            None => body.extend_from_slice(
                format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n").as_bytes(),
            ),
        }
        body.extend_from_slice(content);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

async fn upload(app: &Router, uri: &str, parts: &[(&str, Option<&str>, &[u8])]) -> Reply {
    let (ct, body) = multipart(parts);
    send(
        app,
        Request::post(uri)
            .header(header::HOST, HOST)
            .header(header::CONTENT_TYPE, ct)
            .body(Body::from(body))
            .unwrap(),
    )
    .await
}

const CLASS: &str = "Name,Plan\nAmy,\"T arrogant; Lenins testamant hidden 1924; gen sec appointments\"\n\
                     Ben,\"SIOC <script>alert(1)</script>\"\nCat,T missed the funeral\n";

#[tokio::test]
async fn the_teacher_page_marks_a_class_csv_as_the_html_report() {
    let s = server();
    let page = get(&s.app, "/teacher").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("enctype=\"multipart/form-data\""));
    let token = csrf(&s.app).await;
    let r = upload(
        &s.app,
        &format!("/teacher/grade?csrf={token}"),
        &[
            ("rubric", None, b"stalin-trotsky"),
            ("csv", Some("class.csv"), CLASS.as_bytes()),
            ("output", None, b"report"),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains("Class report: stalin-trotsky"));
    assert!(r.body.contains("&lt;script&gt;") && !r.body.contains("<script>alert"));
    let factors = Library::builtin()
        .rubric("stalin-trotsky")
        .unwrap()
        .item
        .factors
        .len();
    assert_eq!(r.body.matches("class=\"cell ").count(), 3 * factors);
    let csp = r.headers[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
    assert!(csp.contains("default-src 'none'") && !csp.contains("script-src"));
}

#[tokio::test]
async fn the_teacher_page_gives_the_markbook_csv_from_pasted_plans() {
    let s = server();
    let token = csrf(&s.app).await;
    let pasted = "T arrogant and Lenins testamant\n\nSIOC popular; gen sec appointments\n";
    let r = upload(
        &s.app,
        &format!("/teacher/grade?csrf={token}"),
        &[
            ("rubric", None, b"stalin-trotsky"),
            ("pasted", None, pasted.as_bytes()),
            ("output", None, b"markbook"),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(
        r.headers[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    assert!(
        r.headers[header::CONTENT_DISPOSITION]
            .to_str()
            .unwrap()
            .contains("markbook-stalin-trotsky.csv")
    );
    let lines: Vec<&str> = r.body.lines().collect();
    assert!(lines[0].starts_with("id,mark,max_mark,level,coverage,judgement,"));
    assert_eq!(lines.len(), 3);
    assert!(lines[1].starts_with("plan 1,"));
}

#[tokio::test]
async fn teacher_uploads_need_the_csrf_token_and_stop_at_20_mib() {
    let s = server();
    let r = upload(
        &s.app,
        "/teacher/grade",
        &[
            ("rubric", None, b"stalin-trotsky"),
            ("csv", Some("c.csv"), CLASS.as_bytes()),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let token = csrf(&s.app).await;
    let big = vec![b'a'; web::UPLOAD_LIMIT + 1];
    let r = upload(
        &s.app,
        &format!("/teacher/grade?csrf={token}"),
        &[
            ("rubric", None, b"stalin-trotsky"),
            ("csv", Some("c.csv"), &big),
        ],
    )
    .await;
    assert_eq!(
        r.status,
        StatusCode::BAD_REQUEST,
        "read while streaming: {}",
        &r.body[..200.min(r.body.len())]
    );
    assert!(r.body.contains("over 20 MiB"));
    let (ct, body) = multipart(&[("csv", Some("c.csv"), &big)]);
    let r = send(
        &s.app,
        Request::post(format!("/teacher/grade?csrf={token}"))
            .header(header::HOST, HOST)
            .header(header::CONTENT_TYPE, ct)
            .header(header::CONTENT_LENGTH, body.len())
            .body(Body::from(body))
            .unwrap(),
    )
    .await;
    assert_eq!(
        r.status,
        StatusCode::PAYLOAD_TOO_LARGE,
        "declared too large"
    );
}

#[tokio::test]
async fn rubric_check_and_test_show_their_diagnostics() {
    let s = server();
    let token = csrf(&s.app).await;
    let broken = "id = \"mine\"\nmax-mark = 10\n[[factor]]\nid = \"a\"\nlabel = \"A\"\nphrases = [\"alpha\"]\nwieght = 2\n";
    let r = upload(
        &s.app,
        &format!("/teacher/rubric?csrf={token}"),
        &[("rubric_file", Some("../../mine.toml"), broken.as_bytes())],
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains("id=\"diagnostics\""));
    assert!(r.body.contains("wieght"), "the unknown key is named");
    assert!(r.body.contains("mine.toml:7:"), "with its line: {}", r.body);
    assert!(!r.body.contains("../"), "a file name is never a path");
    let r = upload(
        &s.app,
        &format!("/teacher/rubric?csrf={token}"),
        &[("rubric", None, b"stalin-trotsky")],
    )
    .await;
    assert!(r.body.contains("0 errors"));
    assert!(
        r.body.contains("samples · factor F1"),
        "the library's samples are tested"
    );
}

#[tokio::test]
async fn check_and_every_study_mode_post_need_the_csrf_token() {
    let s = server();
    // Real forms for each mode, as their pages give them, minus the token.
    let sort = get(&s.app, &format!("/sort?card={CARD}")).await.body;
    let matching = get(&s.app, &format!("/match?card={CARD}&n=5")).await.body;
    let learn = get(&s.app, &format!("/learn?card={CARD}")).await.body;
    let test = get(&s.app, "/test?n=3").await.body;
    let fields_of = |page: &str, names: &[&str]| -> Vec<(String, String)> {
        names
            .iter()
            .map(|n| (n.to_string(), field(page, n)))
            .collect()
    };
    let mut cases: Vec<(&str, Vec<(String, String)>)> = vec![
        (
            "/practice/check",
            vec![("card".into(), CARD.into()), ("plan".into(), PLAN.into())],
        ),
        (
            "/flashcards",
            vec![
                ("card".into(), CARD.into()),
                ("rating".into(), "easy".into()),
                ("deck".into(), String::new()),
            ],
        ),
    ];
    let mut f = fields_of(
        &sort,
        &["deck", "card", "seed", "answers", "started", "run"],
    );
    f.push(("stop".into(), "1".into()));
    cases.push(("/sort", f));
    let mut f = fields_of(
        &matching,
        &["deck", "card", "n", "seed", "tries", "started", "run"],
    );
    f.push(("stop".into(), "1".into()));
    cases.push(("/match", f));
    let mut f = fields_of(&learn, &["card", "lines", "started", "run"]);
    f.push(("line".into(), "Lenins testament".into()));
    f.push(("stop".into(), "1".into()));
    cases.push(("/learn", f));
    let mut f = fields_of(&test, &["deck", "n", "seed", "started", "run"]);
    f.push(("plan0".into(), PLAN.into()));
    cases.push(("/test", f));
    for (uri, fields) in &cases {
        for token in [None, Some("0123456789abcdef0123456789abcdef")] {
            let mut fields: Vec<(&str, &str)> = fields
                .iter()
                .map(|(a, b)| (a.as_str(), b.as_str()))
                .collect();
            if let Some(t) = token {
                fields.push(("csrf", t));
            }
            let r = post(&s.app, uri, &fields).await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "{uri} with {token:?}");
            assert!(r.body.contains("security token"), "{uri}: {}", r.body);
        }
    }
    let st = store(&s.db);
    assert!(st.open_drafts().unwrap().is_empty(), "no draft saved");
    assert!(st.card_state(CARD).unwrap().is_none(), "no review recorded");
    assert!(st.sessions(None).unwrap().is_empty(), "no session recorded");
    // The same forms with the token go through (so the refusals above were
    // the token's doing, not a malformed form).
    let token = csrf(&s.app).await;
    for (uri, fields) in &cases {
        let mut fields: Vec<(&str, &str)> = fields
            .iter()
            .map(|(a, b)| (a.as_str(), b.as_str()))
            .collect();
        fields.push(("csrf", &token));
        let r = post(&s.app, uri, &fields).await;
        assert!(
            r.status == StatusCode::OK || r.status == StatusCode::SEE_OTHER,
            "{uri}: {} {}",
            r.status,
            r.body
        );
    }
    let st = store(&s.db);
    assert_eq!(
        st.sessions(None).unwrap().len(),
        4,
        "sort, match, learn, test"
    );
    assert!(st.card_state(CARD).unwrap().is_some(), "flashcard rated");
}

/// Posts the hidden fields `names` of `page` plus `extra` to `uri`.
async fn step(
    app: &Router,
    uri: &str,
    page: &str,
    names: &[&str],
    extra: &[(&str, &str)],
) -> Reply {
    let values: Vec<String> = names.iter().map(|n| field(page, n)).collect();
    let mut fields: Vec<(&str, &str)> = names
        .iter()
        .copied()
        .zip(values.iter().map(String::as_str))
        .collect();
    fields.extend_from_slice(extra);
    post(app, uri, &fields).await
}

const MATCH_FIELDS: [&str; 7] = ["deck", "card", "n", "seed", "tries", "started", "run"];
const LEARN_FIELDS: [&str; 4] = ["card", "lines", "started", "run"];

fn match_game_of(page: &str) -> planmark::modes::matching::MatchGame {
    let seed: u64 = field(page, "seed").parse().unwrap();
    let lib = Library::builtin();
    let cards = planmark::modes::session::cards(&lib, None, Some(CARD)).unwrap();
    planmark::modes::matching::MatchGame::new(
        planmark::modes::session::match_pairs(&cards, 5, seed),
        seed,
    )
}

#[tokio::test]
async fn sessions_closed_half_way_record_nothing() {
    let s = server();
    let token = csrf(&s.app).await;
    // Sort: one right answer, then the tab is closed.
    let page = get(&s.app, &format!("/sort?card={CARD}")).await.body;
    let right = side_of(CARD, &headline_shown(&page));
    let r = sort_step(&s.app, &token, &page, ("side", right)).await;
    assert!(r.body.contains("✓ Right"), "{}", r.body);
    // Match: one right pair.
    let page = get(&s.app, &format!("/match?card={CARD}&n=5")).await.body;
    let answer = match_game_of(&page).answer_for(0);
    let (num, letter) = answer.split_at(answer.len() - 1);
    let r = step(
        &s.app,
        "/match",
        &page,
        &MATCH_FIELDS,
        &[("csrf", &token), ("headline", num), ("detail", letter)],
    )
    .await;
    assert!(!r.body.contains("id=\"match-result\""), "still playing");
    // Learn: one factor recalled.
    let page = get(&s.app, &format!("/learn?card={CARD}")).await.body;
    let r = step(
        &s.app,
        "/learn",
        &page,
        &LEARN_FIELDS,
        &[("csrf", &token), ("line", "Lenins testamant")],
    )
    .await;
    assert!(r.body.contains("Recalled 1 of 19"), "{}", r.body);
    assert!(!r.body.contains("id=\"learn-result\""), "still learning");
    // A practice test opened and never handed in.
    assert_eq!(get(&s.app, "/test?n=3").await.status, StatusCode::OK);
    assert!(
        store(&s.db).sessions(None).unwrap().is_empty(),
        "nothing recorded for sessions left half way"
    );
}

#[tokio::test]
async fn stopped_match_learn_and_test_sessions_never_raise_a_score() {
    let s = server();
    let token = csrf(&s.app).await;
    // Match: one right pair of five, then Stop.
    let page = get(&s.app, &format!("/match?card={CARD}&n=5")).await.body;
    let answer = match_game_of(&page).answer_for(0);
    let (num, letter) = answer.split_at(answer.len() - 1);
    let page = step(
        &s.app,
        "/match",
        &page,
        &MATCH_FIELDS,
        &[("csrf", &token), ("headline", num), ("detail", letter)],
    )
    .await
    .body;
    let done = step(
        &s.app,
        "/match",
        &page,
        &MATCH_FIELDS,
        &[("csrf", &token), ("stop", "1")],
    )
    .await
    .body;
    assert!(done.contains("id=\"match-result\""), "{done}");
    assert!(!done.contains("personal best"), "{done}");
    let m = store(&s.db).sessions(Some("match")).unwrap();
    assert_eq!(
        (m[0].correct, m[0].total),
        (1, 5),
        "unmatched pairs are not right"
    );
    // A stopped round is no personal best to beat.
    let again = get(&s.app, &format!("/match?card={CARD}&n=5")).await.body;
    assert!(again.contains("No clean round"), "{again}");
    assert!(!again.contains("Personal best for"));

    // Learn: given up at once, nothing recalled.
    let page = get(&s.app, &format!("/learn?card={CARD}")).await.body;
    let done = step(
        &s.app,
        "/learn",
        &page,
        &LEARN_FIELDS,
        &[
            ("csrf", &token),
            ("line", "Lenins testamant"),
            ("stop", "1"),
        ],
    )
    .await
    .body;
    assert!(done.contains("Recalled 0 of 19 factors."), "{done}");
    let l = store(&s.db).sessions(Some("learn")).unwrap();
    assert_eq!(
        (l[0].correct, l[0].total),
        (0, 19),
        "a line sent with Stop is not counted"
    );

    // Test: handed in blank, every item is marked wrong.
    let page = get(&s.app, "/test?n=3").await.body;
    let r = step(
        &s.app,
        "/test",
        &page,
        &["deck", "n", "seed", "started", "run"],
        &[("csrf", &token)],
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    let t = store(&s.db).sessions(Some("test")).unwrap();
    assert_eq!(
        (t[0].correct, t[0].total),
        (0, 1000),
        "{}",
        t[0].details_json
    );
}

#[tokio::test]
async fn the_live_panel_says_possibly_for_a_weak_credit() {
    let s = server();
    let token = csrf(&s.app).await;
    let live = |plan: &'static str| {
        let token = token.clone();
        let app = s.app.clone();
        async move {
            send(
                &app,
                Request::post("/practice/live")
                    .header(header::HOST, HOST)
                    .header("x-csrf-token", token)
                    .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                    .body(Body::from(form(&[("card", CARD), ("plan", plan)])))
                    .unwrap(),
            )
            .await
        }
    };
    // "Untied" is a real word one slip from "United": only possibly the
    // United Opposition.
    let r = live("- Untied Opposition\n").await;
    assert_eq!(r.status, StatusCode::OK);
    let item = factor_item(&r.body, "united-opposition");
    assert!(item.contains("possibly:"), "{item}");
    assert!(item.contains("a real word read as a slip"), "{item}");
    assert!(
        item.contains("possibly covered"),
        "said to screen readers: {item}"
    );
    assert!(!item.contains("✓"), "no plain tick: {item}");
    // Spelt right, it is a plain credit.
    let r = live("- United Opposition\n").await;
    let item = factor_item(&r.body, "united-opposition");
    assert!(item.contains("✓") && !item.contains("possibly"), "{item}");
}

/// The live panel's list item for factor `id`.
fn factor_item(body: &str, id: &str) -> String {
    let key = format!("data-factor=\"{id}\"");
    let start = body
        .find(&key)
        .unwrap_or_else(|| panic!("no {id} in {body}"));
    let end = body[start..].find("</li>").unwrap() + start;
    body[start..end].to_string()
}

/// Every `<input>`, `<textarea>` and `<select>` a student can fill in on
/// `body` has a label: a `<label for>` naming its id, a wrapping `<label>`,
/// or an `aria-label`.
fn unlabelled_controls(body: &str) -> Vec<String> {
    let mut bad = Vec::new();
    for tag in ["<input", "<textarea", "<select"] {
        let mut at = 0;
        while let Some(i) = body[at..].find(tag) {
            let start = at + i;
            let end = body[start..].find('>').unwrap() + start;
            let el = &body[start..=end];
            at = end;
            if el.contains("type=\"hidden\"") || el.contains("type=\"submit\"") {
                continue;
            }
            if el.contains("aria-label=") {
                continue;
            }
            if let Some(id) = el.split("id=\"").nth(1).and_then(|r| r.split('"').next()) {
                if body.contains(&format!("for=\"{id}\"")) {
                    continue;
                }
            }
            // Inside a <label> that has not closed yet.
            let before = &body[..start];
            if before.rfind("<label").unwrap_or(0) > before.rfind("</label>").unwrap_or(0) {
                continue;
            }
            bad.push(el.to_string());
        }
    }
    bad
}

#[tokio::test]
async fn every_field_has_a_label_and_focus_is_visible() {
    let s = server();
    let token = csrf(&s.app).await;
    // A page of each kind, including a practice page with a draft and a
    // finished attempt with its rating form.
    post(
        &s.app,
        "/practice/live",
        &[("csrf", &token), ("card", CARD), ("plan", PLAN)],
    )
    .await;
    let mut pages = vec![];
    for uri in [
        "/",
        "/practice",
        &format!("/practice?card={CARD}&timed=30"),
        "/flashcards",
        &format!("/sort?card={CARD}"),
        &format!("/match?card={CARD}&n=5"),
        &format!("/learn?card={CARD}"),
        "/test?n=6",
        "/teacher",
        "/history",
        "/stats",
    ] {
        let r = get(&s.app, uri).await;
        assert_eq!(r.status, StatusCode::OK, "{uri}");
        pages.push((uri.to_string(), r.body));
    }
    let fields_seen: usize = pages
        .iter()
        .map(|(_, b)| b.matches("<textarea").count() + b.matches("<select").count())
        .sum();
    assert!(fields_seen >= 3, "the pages checked have fields to fill in");
    for (uri, body) in &pages {
        assert_eq!(unlabelled_controls(body), Vec::<String>::new(), "{uri}");
        assert!(body.contains("<html lang=\"en\">"), "{uri}");
        assert!(body.contains("Skip to content"), "{uri}");
    }
    // The checker does catch a field without a label.
    assert_eq!(
        unlabelled_controls("<p><input type=\"text\" name=\"x\"></p>").len(),
        1
    );
    let css = get(&s.app, "/assets/style.css").await.body;
    assert!(
        css.contains(":focus-visible { outline: 3px solid"),
        "focus is outlined"
    );
    // No rule hides the outline again.
    assert!(!css.contains("outline: none") && !css.contains("outline: 0"));
    // The text colours meet WCAG AA (4.5:1) on white.
    for name in ["--ink", "--muted", "--blue", "--green", "--red", "--amber"] {
        let at = css
            .find(&format!("{name}: #"))
            .unwrap_or_else(|| panic!("{name}"))
            + name.len()
            + 3;
        let hex = &css[at..at + 6];
        let ratio = contrast(hex, "ffffff");
        assert!(ratio >= 4.5, "{name} #{hex} on white: {ratio:.2}");
    }
}

/// WCAG contrast ratio of two `rrggbb` colours.
fn contrast(a: &str, b: &str) -> f64 {
    let lum = |hex: &str| {
        let ch = |i: usize| {
            let c = f64::from(u8::from_str_radix(&hex[i..i + 2], 16).unwrap()) / 255.0;
            if c <= 0.03928 {
                c / 12.92
            } else {
                ((c + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * ch(0) + 0.7152 * ch(2) + 0.0722 * ch(4)
    };
    let (x, y) = (lum(a), lum(b));
    (x.max(y) + 0.05) / (x.min(y) + 0.05)
}
