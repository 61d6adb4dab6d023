//! Diagnostics for user-written files: what is wrong, where (byte span in the
//! file), and how to fix it. Rendering is the CLI's job.

use std::ops::Range;
use std::path::PathBuf;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// How the rubric will grade, worth knowing but not a mistake; never
    /// changes the exit code.
    Note,
    Warning,
    Error,
}

/// One problem found in a file.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Diagnostic {
    pub severity: Severity,
    /// One line saying what is wrong.
    pub message: String,
    /// Byte range in the file, when it can be pinned down.
    pub span: Option<Range<usize>>,
    /// A short label under the caret.
    pub label: Option<String>,
    /// How to fix it.
    pub help: Option<String>,
}

impl Diagnostic {
    pub fn error(message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Error,
            message: message.into(),
            span: None,
            label: None,
            help: None,
        }
    }

    pub fn note(message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Note,
            ..Diagnostic::error(message)
        }
    }

    pub fn warning(message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(message)
        }
    }

    pub fn at(mut self, span: Option<Range<usize>>) -> Diagnostic {
        self.span = span;
        self
    }

    pub fn label(mut self, label: impl Into<String>) -> Diagnostic {
        self.label = Some(label.into());
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }
}

/// A file and the problems found in it.
#[derive(Debug, Clone, PartialEq)]
pub struct FileDiagnostics {
    /// Where the file came from (a path, or `<built-in>/rubrics/x.toml`).
    pub path: PathBuf,
    pub text: String,
    pub diagnostics: Vec<Diagnostic>,
}

impl FileDiagnostics {
    pub fn has_errors(&self) -> bool {
        self.diagnostics
            .iter()
            .any(|d| d.severity == Severity::Error)
    }
}

/// `span` made safe to slice `text` with: inside the text, starting on a
/// character boundary (moved back) and ending on one (moved forward). Every
/// span shown to a person passes through here, so a caret can never land
/// inside a multi-byte character.
pub fn clamp_to_chars(text: &str, span: Range<usize>) -> Range<usize> {
    let mut start = span.start.min(text.len());
    while !text.is_char_boundary(start) {
        start -= 1;
    }
    let mut end = span.end.clamp(start, text.len());
    while !text.is_char_boundary(end) {
        end += 1;
    }
    start..end
}

/// The file's text as it may be shown under a caret: control characters
/// replaced byte for byte (see [`crate::display::clean_same_len`]).
pub fn clamp_source(text: &str) -> std::borrow::Cow<'_, str> {
    crate::display::clean_same_len(text)
}

/// Byte offset of a 1-based line and column (in characters), as serde_json reports.
pub fn offset_of(text: &str, line: usize, col: usize) -> usize {
    let mut offset = 0;
    for (n, l) in text.split_inclusive('\n').enumerate() {
        if n + 1 == line {
            return offset
                + l.char_indices()
                    .nth(col.saturating_sub(1))
                    .map_or(l.len(), |(i, _)| i);
        }
        offset += l.len();
    }
    text.len()
}

/// The closest candidate to `word` by edit distance, if it is close enough to
/// be a likely typo.
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (strsim::levenshtein(word, c), c))
        .filter(|(d, c)| *d < 3 && *d < c.len().max(2))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_and_column_become_a_byte_offset() {
        let text = "a = 1\nbé = 2\n";
        assert_eq!(offset_of(text, 1, 1), 0);
        assert_eq!(offset_of(text, 2, 4), text.rfind('=').unwrap());
    }

    #[test]
    fn spans_are_clamped_to_character_boundaries() {
        let text = "{\"id\": é}";
        // 'é' is bytes 7..9: a span ending at 8 widens to the whole character.
        assert_eq!(clamp_to_chars(text, 7..8), 7..9);
        assert_eq!(clamp_to_chars(text, 8..8), 7..9);
        assert_eq!(clamp_to_chars(text, 8..99), 7..text.len());
        assert_eq!(clamp_to_chars(text, 50..60), text.len()..text.len());
    }

    #[test]
    fn suggests_close_names_only() {
        let keys = ["weight", "phrases", "patterns"];
        assert_eq!(did_you_mean("wieght", keys), Some("weight"));
        assert_eq!(did_you_mean("colour", keys), None);
    }
}
