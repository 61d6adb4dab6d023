//! The study database from async handlers: a few open [`Store`]s reused on
//! tokio's blocking threads. A write that meets a lock held by another tab
//! or the CLI waits (SQLite's 5-second busy timeout, then a few retries), so
//! the student never sees "database is locked". A write that has started
//! runs to the end even if the browser goes away meanwhile.
//!
//! Draft saves, one per pause in typing from every open practice page, go
//! through one writer connection behind a mutex ([`Db::write`]): they queue
//! in this process, in order, instead of colliding in SQLite, whose busy
//! handler sleeps a millisecond or more before it looks again.

use super::App;
use super::error::WebError;
use crate::study::{Store, StoreError};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Duration;

/// Open connections kept for reuse; more are opened when all are busy.
const POOL: usize = 8;
/// Busy waits (each after SQLite's own 5 s) before giving up.
const RETRIES: u32 = 3;

pub struct Db {
    path: PathBuf,
    pool: Mutex<Vec<Store>>,
    /// The connection draft saves share, opened on first use.
    writer: Mutex<Option<Store>>,
}

impl Db {
    pub fn open(path: &Path) -> Result<Db, StoreError> {
        let first = Store::open(path)?;
        Ok(Db {
            path: path.to_path_buf(),
            pool: Mutex::new(vec![first]),
            writer: Mutex::new(None),
        })
    }

    /// Runs `f` on the writer connection, one caller at a time. Blocks: call
    /// it on a blocking thread.
    pub fn write<T>(
        &self,
        f: impl FnMut(&mut Store) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        // A panic while holding the lock leaves the connection usable:
        // every write is its own transaction.
        let mut guard = self.writer.lock().unwrap_or_else(|p| p.into_inner());
        let store = match guard.take() {
            Some(s) => s,
            None => Store::open(&self.path)?,
        };
        let store = guard.insert(store);
        with_retries(store, f)
    }

    fn take(&self) -> Result<Store, StoreError> {
        let pooled = self.pool.lock().map(|mut p| p.pop()).unwrap_or(None);
        match pooled {
            Some(s) => Ok(s),
            None => Store::open(&self.path),
        }
    }

    fn give_back(&self, store: Store) {
        if let Ok(mut p) = self.pool.lock() {
            if p.len() < POOL {
                p.push(store);
            }
        }
    }

    fn call<T>(&self, f: impl FnMut(&mut Store) -> Result<T, StoreError>) -> Result<T, StoreError> {
        let mut store = self.take()?;
        let result = with_retries(&mut store, f);
        if !matches!(result, Err(StoreError::Busy { .. })) {
            self.give_back(store);
        }
        result
    }
}

/// `f` on `store`, tried again a few times while another process holds the
/// database for longer than SQLite's busy timeout.
fn with_retries<T>(
    store: &mut Store,
    mut f: impl FnMut(&mut Store) -> Result<T, StoreError>,
) -> Result<T, StoreError> {
    let mut tries = 0;
    loop {
        match f(store) {
            Err(StoreError::Busy { .. }) if tries < RETRIES => {
                tries += 1;
                std::thread::sleep(Duration::from_millis(200));
            }
            result => return result,
        }
    }
}

/// Runs `f` with a store on a blocking thread.
pub async fn with_store<T: Send + 'static>(
    app: &App,
    f: impl FnMut(&mut Store) -> Result<T, StoreError> + Send + 'static,
) -> Result<T, WebError> {
    let app = app.clone();
    tokio::task::spawn_blocking(move || app.db.call(f))
        .await
        .map_err(|_| WebError::Internal("a database task stopped unexpectedly".into()))?
        .map_err(WebError::from)
}
