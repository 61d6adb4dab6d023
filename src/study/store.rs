//! The SQLite store of attempts, drafts and scheduling state. Schema changes
//! are numbered migrations recorded in `PRAGMA user_version`; every write is a
//! transaction; WAL and a busy timeout let two terminals study at once.

use super::schedule::{CardState, Rating};
use rusqlite::{Connection, ErrorCode, OpenFlags, OptionalExtension, TransactionBehavior, params};
use serde::Serialize;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Each entry upgrades the schema by one version; never edit a shipped one.
pub const MIGRATIONS: &[&str] = &[
    // 1: attempts, scheduling state, drafts.
    "CREATE TABLE attempts (
        id INTEGER PRIMARY KEY,
        card TEXT NOT NULL,
        rubric_id TEXT NOT NULL,
        rubric_hash TEXT NOT NULL,
        plan TEXT NOT NULL,
        mark INTEGER NOT NULL,
        max_mark INTEGER NOT NULL,
        level INTEGER NOT NULL,
        coverage REAL NOT NULL,
        result_json TEXT NOT NULL,
        rating TEXT NOT NULL,
        duration_ms INTEGER NOT NULL,
        started_at INTEGER NOT NULL,
        finished_at INTEGER NOT NULL
    );
    CREATE INDEX attempts_by_card ON attempts(card, finished_at);
    CREATE TABLE schedule (
        card TEXT PRIMARY KEY,
        stability REAL NOT NULL,
        difficulty REAL NOT NULL,
        due INTEGER NOT NULL,
        last_review INTEGER NOT NULL,
        reps INTEGER NOT NULL,
        lapses INTEGER NOT NULL
    );
    CREATE TABLE drafts (
        id INTEGER PRIMARY KEY,
        card TEXT NOT NULL,
        rubric_id TEXT,
        plan TEXT NOT NULL,
        started_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        attempt_id INTEGER REFERENCES attempts(id)
    );",
    // 2: the study mode of each attempt, and a log of every review.
    "ALTER TABLE attempts ADD COLUMN mode TEXT NOT NULL DEFAULT 'practice';
    CREATE TABLE reviews (
        id INTEGER PRIMARY KEY,
        card TEXT NOT NULL,
        mode TEXT NOT NULL,
        rating TEXT NOT NULL,
        reviewed_at INTEGER NOT NULL,
        stability REAL NOT NULL,
        difficulty REAL NOT NULL,
        due INTEGER NOT NULL
    );
    CREATE INDEX reviews_by_card ON reviews(card, reviewed_at);",
    // 3: sessions of the other study modes (learn, sort, match, test).
    "CREATE TABLE sessions (
        id INTEGER PRIMARY KEY,
        mode TEXT NOT NULL,
        deck TEXT NOT NULL,
        card TEXT,
        correct INTEGER NOT NULL,
        total INTEGER NOT NULL,
        duration_ms INTEGER NOT NULL,
        started_at INTEGER NOT NULL,
        finished_at INTEGER NOT NULL,
        details_json TEXT NOT NULL DEFAULT '{}'
    );
    CREATE INDEX sessions_by_mode ON sessions(mode, deck, finished_at);",
    // 4: the time spent on a draft over all its sittings (older drafts had
    // one sitting, from start to last save).
    "ALTER TABLE drafts ADD COLUMN elapsed_ms INTEGER NOT NULL DEFAULT 0;
    UPDATE drafts SET elapsed_ms = MAX(0, updated_at - started_at) * 1000;",
];

pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{} is not a planmark database (it is not SQLite); move it aside or choose another with --db PATH", path.display())]
    NotADatabase { path: PathBuf },
    #[error("{} is not a planmark database: it is another program's SQLite file (it has tables but no planmark schema version). It was not changed; choose another file with --db PATH", path.display())]
    Foreign { path: PathBuf },
    #[error("{} was written by a newer planmark (schema version {found}, this one knows up to {supported}); upgrade planmark to open it. The file was not changed.", path.display())]
    NewerSchema {
        path: PathBuf,
        found: i64,
        supported: i64,
    },
    #[error("{} is busy: another planmark has held it for over 5 seconds; try again in a moment", path.display())]
    Busy { path: PathBuf },
    #[error("{} is damaged (SQLite reports a malformed database); restore your backup, or move the file aside to start afresh (`sqlite3 FILE .recover` may rescue its contents)", path.display())]
    Corrupt { path: PathBuf },
    #[error("cannot create the folder for {}: {source}", path.display())]
    Folder {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot write to the database {}: the disk is full; free some space and try again (nothing was lost: the last save stands)", path.display())]
    DiskFull { path: PathBuf },
    #[error("the database {} cannot be written (it or its folder is read-only); make it writable, or choose another with --db PATH", path.display())]
    ReadOnly { path: PathBuf },
    #[error("{} is a folder; --db and PLANMARK_DB need the path of a file, e.g. {}/planmark.db", path.display(), path.display())]
    IsFolder { path: PathBuf },
    #[error("database {}: {source}", path.display())]
    Sqlite {
        path: PathBuf,
        #[source]
        source: rusqlite::Error,
    },
}

/// A plan being written; kept until it is graded, so nothing typed is lost.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Draft {
    pub id: i64,
    pub card: String,
    pub rubric_id: Option<String>,
    pub plan: String,
    pub started_at: i64,
    pub updated_at: i64,
    /// Time spent writing it, over every sitting, up to the last save.
    pub elapsed_ms: i64,
}

/// A graded attempt.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Attempt {
    pub id: i64,
    pub card: String,
    pub mode: String,
    pub rubric_id: String,
    pub rubric_hash: String,
    pub plan: String,
    pub mark: u32,
    pub max_mark: u32,
    pub level: u32,
    pub coverage: f64,
    /// The full grade result as JSON (per-factor results and feedback).
    pub result_json: String,
    pub rating: String,
    pub duration_ms: i64,
    pub started_at: i64,
    pub finished_at: i64,
}

/// One finished session of a study mode.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Session {
    pub id: i64,
    pub mode: String,
    pub deck: String,
    pub card: Option<String>,
    pub correct: u32,
    pub total: u32,
    pub duration_ms: i64,
    pub started_at: i64,
    pub finished_at: i64,
    /// Mode-specific detail, e.g. the factors missed in Learn.
    pub details_json: String,
}

impl Session {
    /// correct / total, 0–1.
    pub fn score(&self) -> f64 {
        if self.total == 0 {
            0.0
        } else {
            self.correct as f64 / self.total as f64
        }
    }
}

/// A card's latest spaced-repetition review (`practice` or `flashcards`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LastReview {
    pub card: String,
    pub mode: String,
    pub rating: String,
    pub reviewed_at: i64,
}

impl Session {
    /// The session's `details_json`, or an empty object if it is unreadable.
    pub fn details(&self) -> serde_json::Value {
        serde_json::from_str(&self.details_json).unwrap_or_else(|_| serde_json::json!({}))
    }

    /// False for a session the student stopped before the end (recorded as
    /// `"finished": false` in its details; sessions without it finished).
    pub fn finished(&self) -> bool {
        self.details()
            .get("finished")
            .and_then(serde_json::Value::as_bool)
            .unwrap_or(true)
    }
}

/// What to record when a plan has been graded.
#[derive(Debug, Clone)]
pub struct NewAttempt<'a> {
    pub card: &'a str,
    pub mode: &'a str,
    pub rubric_id: &'a str,
    pub rubric_hash: String,
    pub plan: &'a str,
    pub result: &'a crate::grade::GradeResult,
    pub rating: Rating,
    pub started_at: i64,
    pub finished_at: i64,
}

pub struct Store {
    conn: Connection,
    path: PathBuf,
}

impl Store {
    /// Opens (creating if needed) the database at `path` and brings its schema
    /// up to date. A file that is not SQLite, or from a newer planmark, is left
    /// untouched.
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        if path.is_dir() {
            return Err(StoreError::IsFolder {
                path: path.to_path_buf(),
            });
        }
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|source| StoreError::Folder {
                path: path.to_path_buf(),
                source,
            })?;
        }
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(path, flags).map_err(|e| classify(path, e))?;
        Store::init(conn, path)
    }

    /// Opens the database at `path` for reading only, for commands that only
    /// show what is stored (`due`, `history`, `attempt`, `stats`, `drafts`):
    /// nothing is created, migrated or switched to WAL, so a read-only file
    /// or folder (a backup, a locked-down account) still reads. A database
    /// that does not exist yet reads as empty. One from an older planmark is
    /// upgraded in place when it can be written, and otherwise read through
    /// an upgraded copy in memory.
    pub fn open_read_only(path: &Path) -> Result<Store, StoreError> {
        if path.is_dir() {
            return Err(StoreError::IsFolder {
                path: path.to_path_buf(),
            });
        }
        if !path.exists() {
            return Store::open_in_memory().map(|mut s| {
                s.path = path.to_path_buf();
                s
            });
        }
        let err = |e| classify(path, e);
        let conn = open_read_only_conn(path).map_err(err)?;
        conn.busy_timeout(Duration::from_secs(5)).map_err(err)?;
        let version: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .map_err(err)?;
        if version == 0 {
            let tables: i64 = conn
                .query_row("SELECT COUNT(*) FROM sqlite_master", [], |r| r.get(0))
                .map_err(err)?;
            if tables > 0 {
                return Err(StoreError::Foreign {
                    path: path.to_path_buf(),
                });
            }
        }
        if version > SCHEMA_VERSION {
            return Err(StoreError::NewerSchema {
                path: path.to_path_buf(),
                found: version,
                supported: SCHEMA_VERSION,
            });
        }
        if version == SCHEMA_VERSION {
            return Ok(Store {
                conn,
                path: path.to_path_buf(),
            });
        }
        // An older schema: upgrade the file if it may be written, else a copy.
        drop(conn);
        match Store::open(path) {
            Err(StoreError::ReadOnly { .. } | StoreError::Folder { .. }) => {}
            other => return other,
        }
        let conn = open_read_only_conn(path).map_err(err)?;
        let mut copy = Connection::open_in_memory().map_err(err)?;
        rusqlite::backup::Backup::new(&conn, &mut copy)
            .and_then(|b| b.run_to_completion(256, Duration::ZERO, None))
            .map_err(err)?;
        let mut store = Store {
            conn: copy,
            path: path.to_path_buf(),
        };
        store.migrate(version)?;
        Ok(store)
    }

    /// A throw-away database, for tests.
    pub fn open_in_memory() -> Result<Store, StoreError> {
        let conn = Connection::open_in_memory().map_err(|e| classify(Path::new(":memory:"), e))?;
        Store::init(conn, Path::new(":memory:"))
    }

    fn init(conn: Connection, path: &Path) -> Result<Store, StoreError> {
        let err = |e| classify(path, e);
        conn.busy_timeout(Duration::from_secs(5)).map_err(err)?;
        // Reading the version first: a non-database fails here, before any write.
        let version: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .map_err(err)?;
        // Version 0 with tables in it: another program's database. Check
        // before WAL or a migration could change a byte of it.
        if version == 0 {
            let tables: i64 = conn
                .query_row("SELECT COUNT(*) FROM sqlite_master", [], |r| r.get(0))
                .map_err(err)?;
            if tables > 0 {
                return Err(StoreError::Foreign {
                    path: path.to_path_buf(),
                });
            }
        }
        if version > SCHEMA_VERSION {
            return Err(StoreError::NewerSchema {
                path: path.to_path_buf(),
                found: version,
                supported: SCHEMA_VERSION,
            });
        }
        conn.pragma_update(None, "journal_mode", "WAL")
            .map_err(err)?;
        // With WAL, NORMAL never corrupts the file; a power cut may lose only
        // the last draft save, and each keystroke-line save stays cheap.
        conn.pragma_update(None, "synchronous", "NORMAL")
            .map_err(err)?;
        conn.pragma_update(None, "foreign_keys", "ON")
            .map_err(err)?;
        let mut store = Store {
            conn,
            path: path.to_path_buf(),
        };
        store.migrate(version)?;
        Ok(store)
    }

    fn migrate(&mut self, from: i64) -> Result<(), StoreError> {
        if from == SCHEMA_VERSION {
            return Ok(());
        }
        let path = self.path.clone();
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| classify(&path, e))?;
        // Another process may have migrated while we waited for the lock.
        let current: i64 = tx
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .map_err(|e| classify(&path, e))?;
        for (i, sql) in MIGRATIONS.iter().enumerate().skip(current.max(0) as usize) {
            tx.execute_batch(sql).map_err(|e| classify(&path, e))?;
            tx.pragma_update(None, "user_version", (i + 1) as i64)
                .map_err(|e| classify(&path, e))?;
        }
        tx.commit().map_err(|e| classify(&path, e))
    }

    fn err(&self, e: rusqlite::Error) -> StoreError {
        classify(&self.path, e)
    }

    pub fn schema_version(&self) -> Result<i64, StoreError> {
        self.conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .map_err(|e| self.err(e))
    }

    /// Saves a new draft and returns its id.
    pub fn create_draft(
        &self,
        card: &str,
        rubric_id: Option<&str>,
        plan: &str,
        now: i64,
    ) -> Result<i64, StoreError> {
        self.conn
            .execute(
                "INSERT INTO drafts (card, rubric_id, plan, started_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?4)",
                params![card, rubric_id, plan, now],
            )
            .map_err(|e| self.err(e))?;
        Ok(self.conn.last_insert_rowid())
    }

    pub fn update_draft(&self, id: i64, plan: &str, now: i64) -> Result<(), StoreError> {
        self.conn
            .execute(
                "UPDATE drafts SET plan = ?2, updated_at = ?3 WHERE id = ?1",
                params![id, plan, now],
            )
            .map_err(|e| self.err(e))?;
        Ok(())
    }

    /// Saves a draft's plan and the time spent on it over all sittings.
    pub fn update_draft_elapsed(
        &self,
        id: i64,
        plan: &str,
        now: i64,
        elapsed_ms: i64,
    ) -> Result<(), StoreError> {
        self.conn
            .execute(
                "UPDATE drafts SET plan = ?2, updated_at = ?3, elapsed_ms = ?4 WHERE id = ?1",
                params![id, plan, now, elapsed_ms],
            )
            .map_err(|e| self.err(e))?;
        Ok(())
    }

    /// Drafts not yet graded, newest first.
    pub fn open_drafts(&self) -> Result<Vec<Draft>, StoreError> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT id, card, rubric_id, plan, started_at, updated_at, elapsed_ms FROM drafts
                 WHERE attempt_id IS NULL ORDER BY updated_at DESC, id DESC",
            )
            .map_err(|e| self.err(e))?;
        let rows = stmt.query_map([], draft_row).map_err(|e| self.err(e))?;
        rows.collect::<Result<_, _>>().map_err(|e| self.err(e))
    }

    pub fn draft(&self, id: i64) -> Result<Option<Draft>, StoreError> {
        self.conn
            .query_row(
                "SELECT id, card, rubric_id, plan, started_at, updated_at, elapsed_ms FROM drafts WHERE id = ?1 AND attempt_id IS NULL",
                [id],
                draft_row,
            )
            .optional()
            .map_err(|e| self.err(e))
    }

    pub fn delete_draft(&self, id: i64) -> Result<bool, StoreError> {
        let n = self
            .conn
            .execute(
                "DELETE FROM drafts WHERE id = ?1 AND attempt_id IS NULL",
                [id],
            )
            .map_err(|e| self.err(e))?;
        Ok(n > 0)
    }

    /// Records a graded attempt, the card's new schedule and the review, and
    /// closes the draft, all in one transaction. With a draft, the attempt
    /// starts when the draft was begun and takes the time of all its
    /// sittings (the draft's `elapsed_ms`) when that is longer than
    /// `finished_at - started_at`.
    pub fn record_attempt(
        &mut self,
        a: &NewAttempt,
        state: &CardState,
        draft: Option<i64>,
    ) -> Result<i64, StoreError> {
        let path = self.path.clone();
        let e = |e| classify(&path, e);
        let result_json = serde_json::to_string(a.result).expect("grade results serialise");
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(e)?;
        let mut started_at = a.started_at;
        let mut duration_ms = (a.finished_at - a.started_at).max(0) * 1000;
        if let Some(d) = draft {
            let sittings: Option<(i64, i64)> = tx
                .query_row(
                    "SELECT started_at, elapsed_ms FROM drafts WHERE id = ?1",
                    [d],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()
                .map_err(e)?;
            if let Some((begun, elapsed)) = sittings {
                started_at = started_at.min(begun);
                duration_ms = duration_ms.max(elapsed);
            }
        }
        tx.execute(
            "INSERT INTO attempts (card, mode, rubric_id, rubric_hash, plan, mark, max_mark, level, coverage,
                result_json, rating, duration_ms, started_at, finished_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
            params![
                a.card,
                a.mode,
                a.rubric_id,
                a.rubric_hash,
                a.plan,
                a.result.mark,
                a.result.max_mark,
                a.result.level,
                a.result.coverage,
                result_json,
                a.rating.as_str(),
                duration_ms,
                started_at,
                a.finished_at
            ],
        )
        .map_err(e)?;
        let id = tx.last_insert_rowid();
        write_review(&tx, a.card, a.mode, a.rating, state, a.finished_at).map_err(e)?;
        if let Some(d) = draft {
            tx.execute(
                "UPDATE drafts SET attempt_id = ?2, plan = ?3, updated_at = ?4 WHERE id = ?1",
                params![d, id, a.plan, a.finished_at],
            )
            .map_err(e)?;
        }
        tx.commit().map_err(e)?;
        Ok(id)
    }

    /// Changes the rating of attempt `id` while it is still its card's latest
    /// review (the student rates right after seeing the feedback), and
    /// reschedules the card from its state before that review. Returns the
    /// new state, or `None` when there is no such attempt or the card has
    /// been reviewed again since.
    pub fn rerate_attempt(
        &mut self,
        id: i64,
        rating: Rating,
        scheduler: &super::schedule::Scheduler,
    ) -> Result<Option<CardState>, StoreError> {
        let path = self.path.clone();
        let e = |e| classify(&path, e);
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(e)?;
        let Some((card, mode, finished)) = tx
            .query_row(
                "SELECT card, mode, finished_at FROM attempts WHERE id = ?1",
                [id],
                |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, i64>(2)?,
                    ))
                },
            )
            .optional()
            .map_err(e)?
        else {
            return Ok(None);
        };
        let reviews_sql =
            "SELECT id, mode, rating, reviewed_at, stability, difficulty, due FROM reviews
             WHERE card = ?1 ORDER BY reviewed_at DESC, id DESC LIMIT 2";
        let mut stmt = tx.prepare(reviews_sql).map_err(e)?;
        type ReviewRow = (i64, String, String, i64, f64, f64, i64);
        let last_two: Vec<ReviewRow> = stmt
            .query_map([&card], |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                    r.get(6)?,
                ))
            })
            .map_err(e)?
            .collect::<Result<_, _>>()
            .map_err(e)?;
        drop(stmt);
        let Some(latest) = last_two.first() else {
            return Ok(None);
        };
        if latest.1 != mode || latest.3 != finished {
            return Ok(None);
        }
        let Some(now_state) = tx
            .query_row(
                "SELECT stability, difficulty, due, last_review, reps, lapses FROM schedule WHERE card = ?1",
                [&card],
                state_row,
            )
            .optional()
            .map_err(e)?
        else {
            return Ok(None);
        };
        // The state before the latest review: the review before it, with the
        // counts taken back by one review.
        let previous = last_two.get(1).map(|p| {
            let reps = now_state.reps.saturating_sub(1);
            let lapsed = latest.2 == Rating::Again.as_str() && reps > 0;
            CardState {
                stability: p.4,
                difficulty: p.5,
                due: p.6,
                last_review: p.3,
                reps,
                lapses: now_state.lapses.saturating_sub(u32::from(lapsed)),
            }
        });
        let state = scheduler.review(previous.as_ref(), rating, finished);
        tx.execute(
            "UPDATE reviews SET rating = ?2, stability = ?3, difficulty = ?4, due = ?5 WHERE id = ?1",
            params![latest.0, rating.as_str(), state.stability, state.difficulty, state.due],
        )
        .map_err(e)?;
        tx.execute(
            "UPDATE schedule SET stability = ?2, difficulty = ?3, due = ?4, last_review = ?5, reps = ?6, lapses = ?7
             WHERE card = ?1",
            params![card, state.stability, state.difficulty, state.due, state.last_review, state.reps, state.lapses],
        )
        .map_err(e)?;
        tx.execute(
            "UPDATE attempts SET rating = ?2 WHERE id = ?1",
            params![id, rating.as_str()],
        )
        .map_err(e)?;
        tx.commit().map_err(e)?;
        Ok(Some(state))
    }

    /// Records a review that has no graded plan (e.g. a flashcard rating).
    pub fn record_review(
        &mut self,
        card: &str,
        mode: &str,
        rating: Rating,
        state: &CardState,
        now: i64,
    ) -> Result<(), StoreError> {
        let path = self.path.clone();
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| classify(&path, e))?;
        write_review(&tx, card, mode, rating, state, now).map_err(|e| classify(&path, e))?;
        tx.commit().map_err(|e| classify(&path, e))
    }

    /// How many cards had their first review at or after `since`.
    pub fn new_cards_since(&self, since: i64) -> Result<u32, StoreError> {
        self.conn
            .query_row(
                "SELECT COUNT(*) FROM (SELECT MIN(reviewed_at) AS first FROM reviews GROUP BY card) WHERE first >= ?1",
                [since],
                |r| r.get(0),
            )
            .map_err(|e| self.err(e))
    }

    /// Records a finished study-mode session and returns its id.
    pub fn record_session(&self, s: &Session) -> Result<i64, StoreError> {
        self.conn
            .execute(
                "INSERT INTO sessions (mode, deck, card, correct, total, duration_ms, started_at, finished_at, details_json)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                params![
                    s.mode,
                    s.deck,
                    s.card,
                    s.correct,
                    s.total,
                    s.duration_ms,
                    s.started_at,
                    s.finished_at,
                    s.details_json
                ],
            )
            .map_err(|e| self.err(e))?;
        Ok(self.conn.last_insert_rowid())
    }

    /// Sessions, oldest first; of one mode, or all.
    pub fn sessions(&self, mode: Option<&str>) -> Result<Vec<Session>, StoreError> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT id, mode, deck, card, correct, total, duration_ms, started_at, finished_at, details_json
                 FROM sessions WHERE (?1 IS NULL OR mode = ?1) ORDER BY finished_at, id",
            )
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map([mode], |r| {
                Ok(Session {
                    id: r.get(0)?,
                    mode: r.get(1)?,
                    deck: r.get(2)?,
                    card: r.get(3)?,
                    correct: r.get(4)?,
                    total: r.get(5)?,
                    duration_ms: r.get(6)?,
                    started_at: r.get(7)?,
                    finished_at: r.get(8)?,
                    details_json: r.get(9)?,
                })
            })
            .map_err(|e| self.err(e))?;
        rows.collect::<Result<_, _>>().map_err(|e| self.err(e))
    }

    /// The latest review of each card that has one.
    pub fn last_reviews(&self) -> Result<Vec<LastReview>, StoreError> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT card, mode, rating, reviewed_at FROM reviews r
                 WHERE id = (SELECT id FROM reviews WHERE card = r.card
                             ORDER BY reviewed_at DESC, id DESC LIMIT 1)
                 ORDER BY card",
            )
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map([], |r| {
                Ok(LastReview {
                    card: r.get(0)?,
                    mode: r.get(1)?,
                    rating: r.get(2)?,
                    reviewed_at: r.get(3)?,
                })
            })
            .map_err(|e| self.err(e))?;
        rows.collect::<Result<_, _>>().map_err(|e| self.err(e))
    }

    pub fn card_state(&self, card: &str) -> Result<Option<CardState>, StoreError> {
        self.conn
            .query_row(
                "SELECT stability, difficulty, due, last_review, reps, lapses FROM schedule WHERE card = ?1",
                [card],
                state_row,
            )
            .optional()
            .map_err(|e| self.err(e))
    }

    /// Every scheduled card with its state.
    pub fn card_states(&self) -> Result<Vec<(String, CardState)>, StoreError> {
        let mut stmt = self
            .conn
            .prepare("SELECT card, stability, difficulty, due, last_review, reps, lapses FROM schedule ORDER BY due, card")
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    CardState {
                        stability: r.get(1)?,
                        difficulty: r.get(2)?,
                        due: r.get(3)?,
                        last_review: r.get(4)?,
                        reps: r.get(5)?,
                        lapses: r.get(6)?,
                    },
                ))
            })
            .map_err(|e| self.err(e))?;
        rows.collect::<Result<_, _>>().map_err(|e| self.err(e))
    }

    /// Attempts, oldest first; of one card, or all.
    pub fn attempts(&self, card: Option<&str>) -> Result<Vec<Attempt>, StoreError> {
        let mut stmt = self
            .conn
            .prepare(&format!(
                "SELECT {ATTEMPT_COLUMNS} FROM attempts WHERE (?1 IS NULL OR card = ?1) ORDER BY finished_at, id"
            ))
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map([card], attempt_row)
            .map_err(|e| self.err(e))?;
        rows.collect::<Result<_, _>>().map_err(|e| self.err(e))
    }

    pub fn attempt(&self, id: i64) -> Result<Option<Attempt>, StoreError> {
        self.conn
            .query_row(
                &format!("SELECT {ATTEMPT_COLUMNS} FROM attempts WHERE id = ?1"),
                [id],
                attempt_row,
            )
            .optional()
            .map_err(|e| self.err(e))
    }
}

/// A read-only connection that has read the schema. A WAL database in a
/// folder we may not write cannot get its shared-memory file, and SQLite
/// refuses it; then it is opened `immutable`. That is safe here: a writer
/// of a WAL database keeps that file while it is open, so with none there
/// is no writer to race.
fn open_read_only_conn(path: &Path) -> rusqlite::Result<Connection> {
    let plain = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .and_then(|c| {
        c.query_row("PRAGMA user_version", [], |r| r.get::<_, i64>(0))?;
        Ok(c)
    });
    match plain {
        Err(e)
            if matches!(
                e.sqlite_error_code(),
                Some(ErrorCode::ReadOnly | ErrorCode::CannotOpen)
            ) =>
        {
            let conn = Connection::open_with_flags(
                immutable_uri(path),
                OpenFlags::SQLITE_OPEN_READ_ONLY
                    | OpenFlags::SQLITE_OPEN_URI
                    | OpenFlags::SQLITE_OPEN_NO_MUTEX,
            )?;
            conn.query_row("PRAGMA user_version", [], |r| r.get::<_, i64>(0))?;
            Ok(conn)
        }
        other => other,
    }
}

/// `file:PATH?immutable=1`, with the characters a URI gives meaning to
/// percent-encoded.
fn immutable_uri(path: &Path) -> String {
    let mut uri = String::from("file:");
    for c in path.to_string_lossy().chars() {
        match c {
            '%' | '?' | '#' => uri.push_str(&format!("%{:02X}", c as u32)),
            '\\' if cfg!(windows) => uri.push('/'),
            c => uri.push(c),
        }
    }
    uri.push_str("?immutable=1");
    uri
}

fn write_review(
    tx: &rusqlite::Transaction,
    card: &str,
    mode: &str,
    rating: Rating,
    s: &CardState,
    now: i64,
) -> rusqlite::Result<()> {
    tx.execute(
        "INSERT INTO schedule (card, stability, difficulty, due, last_review, reps, lapses)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
         ON CONFLICT(card) DO UPDATE SET stability = ?2, difficulty = ?3, due = ?4,
            last_review = ?5, reps = ?6, lapses = ?7",
        params![
            card,
            s.stability,
            s.difficulty,
            s.due,
            s.last_review,
            s.reps,
            s.lapses
        ],
    )?;
    tx.execute(
        "INSERT INTO reviews (card, mode, rating, reviewed_at, stability, difficulty, due)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            card,
            mode,
            rating.as_str(),
            now,
            s.stability,
            s.difficulty,
            s.due
        ],
    )?;
    Ok(())
}

const ATTEMPT_COLUMNS: &str = "id, card, mode, rubric_id, rubric_hash, plan, mark, max_mark, level, coverage, \
    result_json, rating, duration_ms, started_at, finished_at";

fn attempt_row(r: &rusqlite::Row) -> rusqlite::Result<Attempt> {
    Ok(Attempt {
        id: r.get(0)?,
        card: r.get(1)?,
        mode: r.get(2)?,
        rubric_id: r.get(3)?,
        rubric_hash: r.get(4)?,
        plan: r.get(5)?,
        mark: r.get(6)?,
        max_mark: r.get(7)?,
        level: r.get(8)?,
        coverage: r.get(9)?,
        result_json: r.get(10)?,
        rating: r.get(11)?,
        duration_ms: r.get(12)?,
        started_at: r.get(13)?,
        finished_at: r.get(14)?,
    })
}

fn draft_row(r: &rusqlite::Row) -> rusqlite::Result<Draft> {
    Ok(Draft {
        id: r.get(0)?,
        card: r.get(1)?,
        rubric_id: r.get(2)?,
        plan: r.get(3)?,
        started_at: r.get(4)?,
        updated_at: r.get(5)?,
        elapsed_ms: r.get(6)?,
    })
}

fn state_row(r: &rusqlite::Row) -> rusqlite::Result<CardState> {
    Ok(CardState {
        stability: r.get(0)?,
        difficulty: r.get(1)?,
        due: r.get(2)?,
        last_review: r.get(3)?,
        reps: r.get(4)?,
        lapses: r.get(5)?,
    })
}

fn classify(path: &Path, e: rusqlite::Error) -> StoreError {
    let path = path.to_path_buf();
    match e.sqlite_error_code() {
        Some(ErrorCode::NotADatabase) => StoreError::NotADatabase { path },
        Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => StoreError::Busy { path },
        Some(ErrorCode::DatabaseCorrupt) => StoreError::Corrupt { path },
        Some(ErrorCode::DiskFull) => StoreError::DiskFull { path },
        // Growing the shared-memory or journal file on a full disk.
        Some(ErrorCode::SystemIoFailure)
            if matches!(
                e,
                rusqlite::Error::SqliteFailure(ref f, _)
                    if f.extended_code == rusqlite::ffi::SQLITE_IOERR_SHMSIZE
                        || f.extended_code == rusqlite::ffi::SQLITE_IOERR_WRITE
                        || f.extended_code == rusqlite::ffi::SQLITE_IOERR_FSYNC
            ) =>
        {
            StoreError::DiskFull { path }
        }
        Some(ErrorCode::ReadOnly) => StoreError::ReadOnly { path },
        Some(ErrorCode::CannotOpen) if path.is_dir() => StoreError::IsFolder { path },
        _ => StoreError::Sqlite { path, source: e },
    }
}

/// A stable fingerprint of a rubric's text (64-bit FNV-1a, hex), so an
/// attempt knows whether its rubric has changed since. Not cryptographic.
pub fn text_hash(text: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in text.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{h:016x}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drafts_survive_until_graded() {
        let s = Store::open_in_memory().unwrap();
        let id = s.create_draft("d/c", Some("r"), "first line", 10).unwrap();
        s.update_draft(id, "first line\nsecond", 11).unwrap();
        let drafts = s.open_drafts().unwrap();
        assert_eq!(drafts.len(), 1);
        assert_eq!(drafts[0].plan, "first line\nsecond");
        assert_eq!(s.schema_version().unwrap(), SCHEMA_VERSION);
    }

    #[test]
    fn rerating_the_latest_attempt_reschedules_from_the_state_before_it() {
        use crate::study::Scheduler;
        let scheduler = Scheduler::new(0.9).unwrap();
        let mut s = Store::open_in_memory().unwrap();
        let rubric = crate::model::parse_rubric(
            Path::new("r.toml"),
            "id = \"r\"\nmax-mark = 1\n[[factor]]\nid = \"a\"\nlabel = \"A\"\nphrases = [\"alpha\"]\n[[band]]\nlevel = 1\nmarks = [1, 1]\nmin-factors = 1\n",
        )
        .unwrap();
        let result = crate::grade::Grader::new(rubric)
            .unwrap()
            .grade("p", "alpha");
        let attempt = |at: i64, rating: Rating, s: &mut Store| {
            let previous = s.card_state("d/c").unwrap();
            let state = scheduler.review(previous.as_ref(), rating, at);
            let a = NewAttempt {
                card: "d/c",
                mode: "practice",
                rubric_id: "r",
                rubric_hash: String::new(),
                plan: "alpha",
                result: &result,
                rating,
                started_at: at - 60,
                finished_at: at,
            };
            (s.record_attempt(&a, &state, None).unwrap(), state)
        };
        let day = super::super::schedule::DAY;
        let (first, first_state) = attempt(1_000_000, Rating::Good, &mut s);
        let (second, _) = attempt(1_000_000 + 3 * day, Rating::Easy, &mut s);
        // Rated Again instead: the same as if Again had been given at once.
        let rerated = s
            .rerate_attempt(second, Rating::Again, &scheduler)
            .unwrap()
            .unwrap();
        let expected = scheduler.review(Some(&first_state), Rating::Again, 1_000_000 + 3 * day);
        assert_eq!(rerated, expected);
        assert_eq!(s.card_state("d/c").unwrap(), Some(expected));
        assert_eq!(s.attempt(second).unwrap().unwrap().rating, "again");
        assert_eq!(rerated.lapses, 1);
        // The first attempt is no longer the latest review: left alone.
        assert_eq!(
            s.rerate_attempt(first, Rating::Easy, &scheduler).unwrap(),
            None
        );
        assert_eq!(s.attempt(first).unwrap().unwrap().rating, "good");
    }

    #[test]
    fn an_attempt_from_a_resumed_draft_counts_every_sitting() {
        let mut s = Store::open_in_memory().unwrap();
        let id = s.create_draft("d/c", Some("r"), "", 100).unwrap();
        // Two sittings: 90 s, then (a day later) 60 s more.
        s.update_draft_elapsed(id, "line one", 190, 90_000).unwrap();
        s.update_draft_elapsed(id, "line one\nline two", 86_500, 150_000)
            .unwrap();
        assert_eq!(s.draft(id).unwrap().unwrap().elapsed_ms, 150_000);
        let rubric = crate::model::parse_rubric(
            Path::new("r.toml"),
            "id = \"r\"\nmax-mark = 1\n[[factor]]\nid = \"f\"\nlabel = \"F\"\nphrases = [\"one\"]\n\
             [[band]]\nlevel = 1\nmarks = [1, 1]\nmin-factors = 1\n",
        )
        .unwrap();
        let result = crate::Grader::new(rubric).unwrap().grade("d/c", "line one");
        let state = crate::study::Scheduler::new(0.9)
            .unwrap()
            .review(None, Rating::Good, 86_500);
        let attempt = NewAttempt {
            card: "d/c",
            mode: "practice",
            rubric_id: "r",
            rubric_hash: text_hash(""),
            plan: "line one\nline two",
            result: &result,
            rating: Rating::Good,
            // This sitting began at 86 440.
            started_at: 86_440,
            finished_at: 86_500,
        };
        let a = s.record_attempt(&attempt, &state, Some(id)).unwrap();
        let a = s.attempt(a).unwrap().unwrap();
        assert_eq!(a.duration_ms, 150_000, "both sittings, not the last 60 s");
        assert_eq!(a.started_at, 100, "when the draft was begun");
    }

    #[test]
    fn reading_an_older_database_upgrades_it_and_a_missing_one_reads_empty() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("none.db");
        let s = Store::open_read_only(&missing).unwrap();
        assert!(s.open_drafts().unwrap().is_empty());
        assert!(!missing.exists());
        // A version-3 database (before drafts counted every sitting).
        let old = dir.path().join("old.db");
        {
            let conn = Connection::open(&old).unwrap();
            for (i, sql) in MIGRATIONS[..3].iter().enumerate() {
                conn.execute_batch(sql).unwrap();
                conn.pragma_update(None, "user_version", (i + 1) as i64)
                    .unwrap();
            }
            conn.execute(
                "INSERT INTO drafts (card, plan, started_at, updated_at) VALUES ('d/c', 'kept', 10, 70)",
                [],
            )
            .unwrap();
        }
        let s = Store::open_read_only(&old).unwrap();
        assert_eq!(s.schema_version().unwrap(), SCHEMA_VERSION);
        let drafts = s.open_drafts().unwrap();
        assert_eq!(drafts[0].plan, "kept");
        assert_eq!(drafts[0].elapsed_ms, 60_000);
    }

    #[test]
    fn hash_is_stable() {
        assert_eq!(text_hash(""), "cbf29ce484222325");
        assert_ne!(text_hash("a"), text_hash("b"));
    }

    #[test]
    fn a_full_disk_is_named_whichever_way_sqlite_reports_it() {
        use rusqlite::ffi;
        let path = Path::new("data/planmark.db");
        let failure = |code| rusqlite::Error::SqliteFailure(ffi::Error::new(code), None);
        for code in [
            ffi::SQLITE_FULL,
            ffi::SQLITE_IOERR_WRITE,
            ffi::SQLITE_IOERR_FSYNC,
            ffi::SQLITE_IOERR_SHMSIZE,
        ] {
            let e = classify(path, failure(code));
            assert!(matches!(e, StoreError::DiskFull { .. }), "{code}: {e:?}");
            assert_eq!(
                e.to_string(),
                "cannot write to the database data/planmark.db: the disk is full; \
                 free some space and try again (nothing was lost: the last save stands)"
            );
        }
        // A failed read is not a full disk.
        let e = classify(path, failure(ffi::SQLITE_IOERR_READ));
        assert!(!e.to_string().contains("disk is full"), "{e}");
    }
}
