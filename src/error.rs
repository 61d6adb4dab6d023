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
    #[error("{} is {size} bytes, more than the {limit}-byte limit for {what}", path.display())]
    TooLarge {
        path: PathBuf,
        size: u64,
        limit: u64,
        what: &'static str,
    },
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

/// Reads a text file with a size limit, so a stray 5 GB file gets a clear
/// message instead of exhausting memory.
pub fn read_text(path: &std::path::Path, limit: u64, what: &'static str) -> Result<String> {
    use std::io::Read;
    let io = |source| Error::Io {
        path: path.to_path_buf(),
        source,
    };
    let file = std::fs::File::open(path).map_err(io)?;
    let mut bytes = Vec::new();
    file.take(limit + 1).read_to_end(&mut bytes).map_err(io)?;
    if bytes.len() as u64 > limit {
        let size = std::fs::metadata(path)
            .map(|m| m.len())
            .unwrap_or(limit + 1);
        return Err(Error::TooLarge {
            path: path.to_path_buf(),
            size,
            limit,
            what,
        });
    }
    String::from_utf8(bytes).map_err(|e| Error::NotUtf8 {
        path: path.to_path_buf(),
        offset: e.utf8_error().valid_up_to(),
    })
}
