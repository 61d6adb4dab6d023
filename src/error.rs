//! Errors the library returns. Messages say what went wrong and how to fix it;
//! file problems carry their diagnostics for the CLI to render with the line.

use crate::model::FileDiagnostics;
use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("cannot read {}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{} is not UTF-8 text (bad byte at offset {offset}); save it as UTF-8 and try again", path.display())]
    NotUtf8 { path: PathBuf, offset: usize },
    #[error("cannot write {}: {}", path.display(), write_reason(source))]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{} is {}more than the {} limit for {what}", path.display(), size.map(|s| format!("{s} bytes, ")).unwrap_or_default(), crate::input::human_size(*limit))]
    TooLarge {
        path: PathBuf,
        /// The size when known (a pipe or `/dev/zero` has none).
        size: Option<u64>,
        limit: u64,
        what: &'static str,
    },
    #[error("{}: {message}", path.display())]
    BadInput { path: PathBuf, message: String },
    #[error("{} already exists; use --force to replace it, or write elsewhere", path.display())]
    Exists { path: PathBuf },
    #[error("{} has {} error{}", .0.path.display(), .0.diagnostics.len(), if .0.diagnostics.len() == 1 { "" } else { "s" })]
    Invalid(Box<FileDiagnostics>),
    #[error("no {kind} called `{id}`{}{}", suggestion.as_ref().map(|s| format!(" (did you mean `{s}`?)")).unwrap_or_default(), if known.is_empty() { String::new() } else { format!("; known {kind}s: {}", known.join(", ")) })]
    NotFound {
        kind: &'static str,
        id: String,
        suggestion: Option<String>,
        known: Vec<String>,
    },
    #[error("`{id}` names a card in several decks ({}); write it as DECK/CARD", decks.join(", "))]
    AmbiguousCard { id: String, decks: Vec<String> },
    #[error(transparent)]
    Pattern(#[from] crate::grade::PatternError),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl From<FileDiagnostics> for Error {
    fn from(d: FileDiagnostics) -> Error {
        Error::Invalid(Box::new(d))
    }
}

/// Why a write failed, in words: a full disk says so.
fn write_reason(e: &std::io::Error) -> String {
    match e.raw_os_error() {
        #[cfg(unix)]
        Some(code) if code == libc::ENOSPC || code == libc::EDQUOT => {
            "the disk is full; free some space and try again".into()
        }
        _ => e.to_string(),
    }
}

/// Reads a text file with a size limit, so a stray 5 GB file gets a clear
/// message instead of exhausting memory. Reading stops at the limit.
pub fn read_text(path: &std::path::Path, limit: u64, what: &'static str) -> Result<String> {
    let file = std::fs::File::open(path).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })?;
    crate::input::read_limited(file, limit, path, what).map_err(|e| match e {
        Error::TooLarge {
            path, limit, what, ..
        } => {
            // A real file says its size; `/dev/zero` or a pipe has none.
            let size = std::fs::metadata(&path)
                .map(|m| m.len())
                .ok()
                .filter(|&s| s > limit);
            Error::TooLarge {
                path,
                size,
                limit,
                what,
            }
        }
        other => other,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write_error(errno: i32) -> String {
        Error::Write {
            path: PathBuf::from("out/deck.toml"),
            source: std::io::Error::from_raw_os_error(errno),
        }
        .to_string()
    }

    #[cfg(unix)]
    #[test]
    fn a_full_disk_or_quota_is_named_in_words() {
        let full = "cannot write out/deck.toml: the disk is full; free some space and try again";
        assert_eq!(write_error(libc::ENOSPC), full);
        assert_eq!(write_error(libc::EDQUOT), full);
        // Other failures keep the system's own words, and say "write".
        let denied = write_error(libc::EACCES);
        assert!(
            denied.starts_with("cannot write out/deck.toml: Permission denied"),
            "{denied}"
        );
        assert!(!denied.contains("disk is full"));
    }
}
