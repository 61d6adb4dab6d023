//! `planmark serve`: the local web app. An axum [`router`] of thin handlers
//! that parse a request, call the same library functions as the CLI
//! (`Grader`, `study`, `modes`, `report`, `authoring`) and render HTML with
//! maud. Assets are embedded; nothing is fetched from elsewhere. Security
//! (Host/Origin checks, access token, CSRF, body limits, headers) lives in
//! [`security`]. Never prints: the CLI prints the URL.

mod db;
mod error;
mod layout;
mod modes;
mod practice;
mod progress;
mod security;
mod teacher;

pub mod charts;

use crate::grade::Grader;
use crate::library::Library;
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

pub use security::random_token;

/// Request bodies carrying a plan (or any form) stop here: the one input
/// limit (1 MiB) that plans from files, standard input and CSV cells share.
pub const FORM_LIMIT: usize = crate::input::INPUT_LIMIT as usize;
/// Uploads of a class CSV (teacher page) stop here.
pub const UPLOAD_LIMIT: usize = 20 * 1024 * 1024;

/// Who may use the server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Access {
    /// Loopback only: anyone on this machine (the default).
    Local,
    /// Listening beyond loopback (a classroom LAN): every request must carry
    /// this token, once in the URL, then in a cookie.
    Token(String),
}

/// The time in unix seconds; fixed in tests.
pub type Clock = Arc<dyn Fn() -> i64 + Send + Sync>;

/// The system clock.
pub fn system_clock() -> Clock {
    Arc::new(|| {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs() as i64)
    })
}

/// What the server needs: where the data is, who may connect, the clock.
pub struct Config {
    pub db: PathBuf,
    pub library: Library,
    pub access: Access,
    /// Host names (without port) that requests may name besides loopback
    /// addresses (and, in token mode, any IP address), e.g. this machine's
    /// name on the LAN.
    pub extra_hosts: Vec<String>,
    pub clock: Clock,
    /// New cards started per day in practice and flashcards.
    pub new_per_day: u32,
}

/// Shared by every handler.
pub(crate) struct AppState {
    pub lib: Library,
    /// One compiled grader per rubric id, built once at start.
    pub graders: HashMap<String, Arc<Grader>>,
    pub db: db::Db,
    pub csrf: String,
    pub access: Access,
    pub extra_hosts: Vec<String>,
    pub clock: Clock,
    pub new_per_day: u32,
    pub scheduler: crate::study::Scheduler,
    /// Turns for live marking: one per core, handed out in the order asked
    /// (tokio's semaphore is fair). See `practice::live`.
    pub live_turns: Arc<tokio::sync::Semaphore>,
}

pub(crate) type App = Arc<AppState>;

impl AppState {
    pub fn now(&self) -> i64 {
        (self.clock)()
    }

    /// The grader of the rubric that marks `card` (`DECK/CARD`), with the
    /// rubric's library entry.
    pub fn grader_for_card(
        &self,
        card: &str,
    ) -> Option<(&crate::library::Entry<crate::model::Rubric>, &Arc<Grader>)> {
        let (d, c) = card.split_once('/')?;
        let entry = self.lib.rubric_for_card(d, c)?;
        Some((entry, self.graders.get(&entry.item.id)?))
    }
}

/// Why the server could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error(transparent)]
    Store(#[from] crate::study::StoreError),
    #[error("the operating system gave no random numbers for the security tokens: {0}")]
    Random(getrandom::Error),
}

/// Builds the app. Opens (and if needed creates or migrates) the database
/// once, so a bad `--db` fails here rather than on the first page.
pub fn router(config: Config) -> Result<Router, StartError> {
    let db = db::Db::open(&config.db)?;
    let graders = config
        .library
        .rubrics
        .iter()
        .filter_map(|e| {
            Grader::new(e.item.clone())
                .ok()
                .map(|g| (e.item.id.clone(), Arc::new(g)))
        })
        .collect();
    let state = Arc::new(AppState {
        lib: config.library,
        graders,
        db,
        csrf: random_token().map_err(StartError::Random)?,
        access: config.access,
        extra_hosts: config.extra_hosts,
        clock: config.clock,
        new_per_day: config.new_per_day,
        scheduler: crate::study::Scheduler::new(0.9).expect("0.9 is a valid retention"),
        live_turns: Arc::new(tokio::sync::Semaphore::new(
            std::thread::available_parallelism().map_or(2, |n| n.get()),
        )),
    });
    Ok(routes(state))
}

fn routes(state: App) -> Router {
    Router::new()
        .route("/", get(progress::home))
        .route("/practice", get(practice::page))
        .route("/practice/live", post(practice::live))
        .route("/practice/check", post(practice::check))
        .route("/practice/submit", post(practice::submit))
        .route("/practice/rate", post(practice::rate))
        .route("/practice/discard", post(practice::discard))
        .route("/history", get(progress::history))
        .route("/attempt/{id}", get(progress::attempt))
        .route("/stats", get(progress::stats))
        .route(
            "/flashcards",
            get(modes::flashcards).post(modes::flashcards_rate),
        )
        .route("/sort", get(modes::sort_page).post(modes::sort_answer))
        .route("/match", get(modes::match_page).post(modes::match_answer))
        .route("/learn", get(modes::learn_page).post(modes::learn_answer))
        .route("/test", get(modes::test_page).post(modes::test_answer))
        .route("/teacher", get(teacher::page))
        .route(
            "/teacher/grade",
            post(teacher::grade).layer(DefaultBodyLimit::max(UPLOAD_LIMIT)),
        )
        .route(
            "/teacher/rubric",
            post(teacher::rubric).layer(DefaultBodyLimit::max(UPLOAD_LIMIT)),
        )
        .route("/assets/app.js", get(layout::script))
        .route("/assets/style.css", get(layout::style))
        .fallback(error::not_found)
        .layer(DefaultBodyLimit::max(FORM_LIMIT))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            security::guard,
        ))
        .layer(axum::middleware::from_fn(security::headers))
        .with_state(state)
}

/// Serves `app` on `listener` until `shutdown` completes, then lets requests
/// in flight finish (their database writes run to the end even if the
/// client has gone).
pub async fn serve(
    listener: tokio::net::TcpListener,
    app: Router,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await
}
