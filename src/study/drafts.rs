//! Saving a plan while it is written, so nothing that reached planmark is
//! lost. A writer thread with its own connection saves the draft within
//! [`SAVE_WITHIN`] of each change, and no more often, so a pasted essay is
//! not rewritten once per line. While the database is busy (another program
//! holding a lock) the text stays in memory and the save is retried; if it
//! still cannot be saved when the plan is finished, it goes to a plain text
//! file next to the database, which [`recover`] takes back into the database
//! the next time it can.
//!
//! A draft is only created once the plan holds more than white space, so a
//! session stopped before typing leaves nothing behind.

use super::store::{Draft, Store, StoreError};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// A change is saved within this time, and saves come no closer together.
pub const SAVE_WITHIN: Duration = Duration::from_millis(250);

/// How long to wait before trying again after a save failed.
const RETRY: Duration = Duration::from_secs(1);

/// The current time in unix seconds, as the caller keeps it (a fixed time in
/// tests).
pub type Clock = Arc<dyn Fn() -> i64 + Send + Sync>;

/// Where a plan is being written: the database, the card, and the draft it
/// carries on (if resumed).
#[derive(Debug, Clone)]
pub struct DraftTarget {
    pub db: PathBuf,
    pub card: String,
    pub rubric_id: Option<String>,
    pub resumed: Option<Draft>,
}

/// The plan would pass the size limit; the line was not added.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the plan would be over the {} limit; no essay plan is that long", crate::input::human_size(*.limit))]
pub struct TooLong {
    pub limit: u64,
}

/// Where the finished plan ended up.
#[derive(Debug, Clone, PartialEq)]
pub struct DraftSaved {
    /// The plan as written.
    pub text: String,
    /// The draft in the database, once one was created.
    pub id: Option<i64>,
    /// Whether the database holds the whole of `text`.
    pub in_database: bool,
    /// The plain file next to the database that holds `text`, when the
    /// database could not take it.
    pub file: Option<PathBuf>,
    /// Time spent writing over every sitting.
    pub elapsed_ms: i64,
    /// The last error met while saving, for the message.
    pub error: Option<String>,
    /// How many times the database was written.
    pub saves: u32,
}

enum Msg {
    Line(String),
    Replace(String),
}

/// Saves a plan while it is written; see the module docs.
pub struct DraftWriter {
    tx: Option<mpsc::Sender<Msg>>,
    handle: Option<JoinHandle<DraftSaved>>,
    id: Arc<AtomicI64>,
    /// The caller's copy, in case the writer thread is lost.
    text: String,
    limit: u64,
    base_ms: i64,
    sitting: Instant,
}

impl DraftWriter {
    /// Starts the writer. The plan starts as the resumed draft's text, if any.
    pub fn start(target: DraftTarget, now: Clock, limit: u64) -> DraftWriter {
        let (tx, rx) = mpsc::channel();
        let id = Arc::new(AtomicI64::new(target.resumed.as_ref().map_or(0, |d| d.id)));
        let text = target
            .resumed
            .as_ref()
            .map(|d| d.plan.clone())
            .unwrap_or_default();
        let base_ms = target.resumed.as_ref().map_or(0, |d| d.elapsed_ms);
        let sitting = Instant::now();
        let worker = Worker {
            text: text.clone(),
            id: target.resumed.as_ref().map(|d| d.id),
            target,
            now,
            store: None,
            dirty: false,
            last_try: None,
            error: None,
            id_out: Arc::clone(&id),
            base_ms,
            sitting,
            saves: 0,
        };
        let handle = std::thread::Builder::new()
            .name("draft-writer".into())
            .spawn(move || worker.run(rx))
            .ok();
        DraftWriter {
            tx: handle.is_some().then_some(tx),
            handle,
            id,
            text,
            limit,
            base_ms,
            sitting,
        }
    }

    /// The plan so far.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The draft's number, once it is in the database.
    pub fn id(&self) -> Option<i64> {
        Some(self.id.load(Ordering::Relaxed)).filter(|&id| id > 0)
    }

    /// Adds a line to the plan.
    pub fn push_line(&mut self, line: &str) -> Result<(), TooLong> {
        let extra = line.len() + usize::from(!self.text.is_empty());
        if (self.text.len() + extra) as u64 > self.limit {
            return Err(TooLong { limit: self.limit });
        }
        if !self.text.is_empty() {
            self.text.push('\n');
        }
        self.text.push_str(line);
        self.send(Msg::Line(line.to_string()));
        Ok(())
    }

    /// Replaces the whole plan (after an outside editor).
    pub fn replace(&mut self, text: String) -> Result<(), TooLong> {
        if text.len() as u64 > self.limit {
            return Err(TooLong { limit: self.limit });
        }
        self.text.clone_from(&text);
        self.send(Msg::Replace(text));
        Ok(())
    }

    fn send(&mut self, msg: Msg) {
        if let Some(tx) = &self.tx
            && tx.send(msg).is_err()
        {
            self.tx = None;
        }
    }

    /// Saves what is left and says where the plan ended up. Waits for the
    /// database while it is busy (up to its busy timeout and one retry).
    pub fn finish(mut self) -> DraftSaved {
        drop(self.tx.take());
        let elapsed_ms = self.base_ms + self.sitting.elapsed().as_millis() as i64;
        match self.handle.take().map(JoinHandle::join) {
            Some(Ok(saved)) => saved,
            // The thread is gone: report the caller's copy as unsaved.
            _ => DraftSaved {
                text: std::mem::take(&mut self.text),
                id: self.id(),
                in_database: false,
                file: None,
                elapsed_ms,
                error: Some("the draft writer stopped".into()),
                saves: 0,
            },
        }
    }
}

struct Worker {
    target: DraftTarget,
    now: Clock,
    store: Option<Store>,
    text: String,
    id: Option<i64>,
    dirty: bool,
    last_try: Option<Instant>,
    error: Option<StoreError>,
    id_out: Arc<AtomicI64>,
    base_ms: i64,
    sitting: Instant,
    saves: u32,
}

impl Worker {
    fn run(mut self, rx: mpsc::Receiver<Msg>) -> DraftSaved {
        loop {
            let msg = if self.dirty {
                let gap = if self.error.is_some() {
                    RETRY
                } else {
                    SAVE_WITHIN
                };
                let wait = self.last_try.map_or(Duration::ZERO, |t| {
                    (t + gap).saturating_duration_since(Instant::now())
                });
                match rx.recv_timeout(wait) {
                    Ok(m) => Some(m),
                    Err(RecvTimeoutError::Timeout) => {
                        self.save();
                        continue;
                    }
                    Err(RecvTimeoutError::Disconnected) => None,
                }
            } else {
                rx.recv().ok()
            };
            let Some(msg) = msg else { break };
            self.apply(msg);
            // Take everything already queued before saving once.
            while let Ok(m) = rx.try_recv() {
                self.apply(m);
            }
        }
        self.finish()
    }

    fn apply(&mut self, msg: Msg) {
        match msg {
            Msg::Line(l) => {
                if !self.text.is_empty() {
                    self.text.push('\n');
                }
                self.text.push_str(&l);
            }
            Msg::Replace(t) => self.text = t,
        }
        self.dirty = true;
    }

    fn elapsed_ms(&self) -> i64 {
        self.base_ms + self.sitting.elapsed().as_millis() as i64
    }

    /// One attempt to bring the database up to date.
    fn save(&mut self) {
        self.last_try = Some(Instant::now());
        match self.try_save() {
            Ok(()) => {
                self.dirty = false;
                self.error = None;
            }
            Err(e) => {
                // The connection may be stuck mid-way; start afresh next time.
                self.store = None;
                self.error = Some(e);
            }
        }
    }

    fn try_save(&mut self) -> Result<(), StoreError> {
        if self.id.is_none() && self.text.trim().is_empty() {
            return Ok(());
        }
        let store = match self.store.take() {
            Some(s) => s,
            None => Store::open(&self.target.db)?,
        };
        let now = (self.now)();
        let elapsed = self.elapsed_ms();
        let id = match self.id {
            Some(id) => id,
            None => {
                let id = store.create_draft(
                    &self.target.card,
                    self.target.rubric_id.as_deref(),
                    &self.text,
                    now,
                )?;
                self.id = Some(id);
                self.id_out.store(id, Ordering::Relaxed);
                id
            }
        };
        store.update_draft_elapsed(id, &self.text, now, elapsed)?;
        self.saves += 1;
        self.store = Some(store);
        Ok(())
    }

    fn finish(mut self) -> DraftSaved {
        // Always a last save, so the time of the whole sitting is kept;
        // if the database still cannot take it, the file below does.
        if self.dirty || self.id.is_some() {
            self.dirty = true;
            self.save();
        }
        let mut saved = DraftSaved {
            id: self.id,
            in_database: !self.dirty,
            file: None,
            elapsed_ms: self.elapsed_ms(),
            error: self.error.as_ref().map(ToString::to_string),
            text: String::new(),
            saves: self.saves,
        };
        if self.dirty {
            match write_fallback(
                &self.target,
                self.id,
                &self.text,
                saved.elapsed_ms,
                (self.now)(),
            ) {
                Ok(path) => saved.file = Some(path),
                Err(e) => {
                    saved.error = Some(format!(
                        "{}; and the plan could not be written beside it either: {e}",
                        saved.error.unwrap_or_default()
                    ))
                }
            }
        }
        saved.text = self.text;
        saved
    }
}

const HEADER: &str = "# planmark draft";

/// `planmark.db.draft-1764600000-1234.txt` beside `planmark.db`.
fn fallback_prefix(db: &Path) -> String {
    let name = db.file_name().map_or_else(
        || "planmark.db".to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    format!("{name}.draft-")
}

fn folder_of(db: &Path) -> PathBuf {
    match db.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// The draft files beside `db`, oldest first.
fn fallback_files(db: &Path) -> Vec<PathBuf> {
    let prefix = fallback_prefix(db);
    let Ok(entries) = std::fs::read_dir(folder_of(db)) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with(&prefix) && n.ends_with(".txt"))
        })
        .collect();
    files.sort();
    files
}

/// Whether draft files wait beside `db` for [`recover`] (which needs the
/// database open for writing).
pub fn has_fallback_files(db: &Path) -> bool {
    !fallback_files(db).is_empty()
}

/// Writes the plan to a new file beside the database (through a temporary
/// file, flushed to disk, then renamed; never over another file) and returns
/// its path.
fn write_fallback(
    target: &DraftTarget,
    id: Option<i64>,
    text: &str,
    elapsed_ms: i64,
    now: i64,
) -> Result<PathBuf, crate::error::Error> {
    let dir = folder_of(&target.db);
    let path = dir.join(format!(
        "{}{now}-{}.txt",
        fallback_prefix(&target.db),
        std::process::id()
    ));
    let mut body = format!(
        "{HEADER}, kept here because the database was busy. planmark takes it back into the database on its next run.\n# card: {}\n",
        target.card
    );
    if let Some(r) = &target.rubric_id {
        body.push_str(&format!("# rubric: {r}\n"));
    }
    if let Some(id) = id {
        body.push_str(&format!("# draft: {id}\n"));
    }
    body.push_str(&format!("# elapsed-ms: {elapsed_ms}\n# started: {now}\n"));
    body.push_str(text);
    body.push('\n');
    crate::fsutil::write_atomic(&path, body.as_bytes(), false)?;
    Ok(path)
}

/// A draft file taken back into the database.
#[derive(Debug, Clone, PartialEq)]
pub struct Recovered {
    pub file: PathBuf,
    pub id: i64,
    pub card: String,
}

/// Takes every draft file beside `db` (left while the database was busy)
/// into the database, then removes the file. Files that cannot be read or
/// saved are left for next time.
pub fn recover(store: &Store, db: &Path, now: i64) -> Vec<Recovered> {
    let mut out = Vec::new();
    for file in fallback_files(db) {
        let Ok(body) = std::fs::read_to_string(&file) else {
            continue;
        };
        let Some(parsed) = parse_fallback(&body) else {
            continue;
        };
        let saved = match parsed.draft.and_then(|id| store.draft(id).ok().flatten()) {
            Some(d) => store
                .update_draft_elapsed(d.id, &parsed.text, now, parsed.elapsed_ms)
                .map(|()| d.id),
            None => store
                .create_draft(
                    &parsed.card,
                    parsed.rubric.as_deref(),
                    &parsed.text,
                    parsed.started.unwrap_or(now),
                )
                .and_then(|id| {
                    store
                        .update_draft_elapsed(id, &parsed.text, now, parsed.elapsed_ms)
                        .map(|()| id)
                }),
        };
        if let Ok(id) = saved
            && std::fs::remove_file(&file).is_ok()
        {
            out.push(Recovered {
                file,
                id,
                card: parsed.card,
            });
        }
    }
    out
}

/// Removes a draft file once what it holds is safe elsewhere (the attempt
/// was recorded).
pub fn discard_file(path: &Path) {
    let _ = std::fs::remove_file(path);
}

struct Fallback {
    card: String,
    rubric: Option<String>,
    draft: Option<i64>,
    elapsed_ms: i64,
    started: Option<i64>,
    text: String,
}

fn parse_fallback(body: &str) -> Option<Fallback> {
    let mut lines = body.lines();
    if !lines.next()?.starts_with(HEADER) {
        return None;
    }
    let mut f = Fallback {
        card: String::new(),
        rubric: None,
        draft: None,
        elapsed_ms: 0,
        started: None,
        text: String::new(),
    };
    let mut rest: Vec<&str> = Vec::new();
    let mut in_header = true;
    for line in lines {
        if in_header && let Some(kv) = line.strip_prefix("# ") {
            let (k, v) = kv.split_once(": ")?;
            match k {
                "card" => f.card = v.to_string(),
                "rubric" => f.rubric = Some(v.to_string()),
                "draft" => f.draft = v.parse().ok(),
                "elapsed-ms" => f.elapsed_ms = v.parse().unwrap_or(0),
                "started" => f.started = v.parse().ok(),
                _ => {}
            }
            continue;
        }
        in_header = false;
        rest.push(line);
    }
    if f.card.is_empty() {
        return None;
    }
    f.text = rest.join("\n");
    Some(f)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn clock() -> Clock {
        Arc::new(|| 1_000)
    }

    fn target(dir: &Path) -> DraftTarget {
        DraftTarget {
            db: dir.join("p.db"),
            card: "d/c".into(),
            rubric_id: Some("r".into()),
            resumed: None,
        }
    }

    #[test]
    fn lines_are_saved_and_nothing_is_kept_for_an_empty_plan() {
        let dir = tempfile::tempdir().unwrap();
        let w = DraftWriter::start(target(dir.path()), clock(), 1024);
        let saved = w.finish();
        assert_eq!(saved.id, None, "no draft for a plan never typed");
        let store = Store::open(&dir.path().join("p.db")).unwrap();
        assert!(store.open_drafts().unwrap().is_empty());

        let mut w = DraftWriter::start(target(dir.path()), clock(), 1024);
        w.push_line("first").unwrap();
        w.push_line("second").unwrap();
        let saved = w.finish();
        assert!(saved.in_database);
        let d = store.draft(saved.id.unwrap()).unwrap().unwrap();
        assert_eq!(d.plan, "first\nsecond");
    }

    #[test]
    fn a_pasted_essay_is_not_rewritten_once_per_line() {
        let dir = tempfile::tempdir().unwrap();
        let mut w = DraftWriter::start(target(dir.path()), clock(), 1 << 20);
        for i in 0..5_000 {
            w.push_line(&format!("- line {i} of a long pasted plan"))
                .unwrap();
        }
        let saved = w.finish();
        assert!(saved.in_database);
        assert_eq!(saved.text.lines().count(), 5_000);
        // One write per line would be 5 000; lines that arrive together are
        // written together.
        assert!(saved.saves < 500, "{} writes", saved.saves);
        let store = Store::open(&dir.path().join("p.db")).unwrap();
        assert_eq!(
            store.draft(saved.id.unwrap()).unwrap().unwrap().plan,
            saved.text
        );
    }

    #[test]
    fn the_limit_refuses_a_line_and_keeps_the_rest() {
        let dir = tempfile::tempdir().unwrap();
        let mut w = DraftWriter::start(target(dir.path()), clock(), 10);
        w.push_line("12345").unwrap();
        assert_eq!(w.push_line("67890"), Err(TooLong { limit: 10 }));
        assert_eq!(w.text(), "12345");
        assert_eq!(w.finish().text, "12345");
    }

    #[test]
    fn a_fallback_file_goes_back_into_the_database() {
        let dir = tempfile::tempdir().unwrap();
        let t = target(dir.path());
        let path = write_fallback(&t, None, "- a line\n- another", 42_000, 1_000).unwrap();
        assert!(path.starts_with(dir.path()));
        let store = Store::open(&t.db).unwrap();
        let got = recover(&store, &t.db, 2_000);
        assert_eq!(got.len(), 1);
        assert!(!path.exists(), "the file is removed once saved");
        let d = store.draft(got[0].id).unwrap().unwrap();
        assert_eq!(d.plan, "- a line\n- another");
        assert_eq!(d.card, "d/c");
        assert_eq!(d.rubric_id.as_deref(), Some("r"));
        assert_eq!(d.elapsed_ms, 42_000);
        assert!(recover(&store, &t.db, 2_000).is_empty());
    }
}
