//! The data model: decks and rubrics, how they are read from TOML or JSON, and
//! the checks that turn a mistake into a diagnostic pointing at the file.

pub mod deck;
pub mod diag;
pub mod load;
pub mod rubric;
pub mod validate;

pub use deck::{Card, Deck, Point, Side};
pub use diag::{Diagnostic, FileDiagnostics, Severity};
pub use load::Format;
pub use rubric::{Band, Factor, JudgementSpec, PhraseSpec, Rubric};

use std::path::Path;

/// Parses and checks a rubric. Errors come back with the file's text so they
/// can be shown with the offending line.
pub fn parse_rubric(path: &Path, text: &str) -> Result<Rubric, FileDiagnostics> {
    let format = Format::from_path(path);
    let rubric: Rubric = load::parse(path, text, format)?;
    let locator = load::Locator::new(text, format);
    let errors = validate::rubric_errors(&rubric, &locator);
    if errors.is_empty() {
        Ok(rubric)
    } else {
        Err(FileDiagnostics {
            path: path.to_path_buf(),
            text: text.to_string(),
            diagnostics: errors,
        })
    }
}

/// Parses a deck or rubric that is known to check clean, skipping the
/// checks: the built-in library, whose every file a test runs through
/// [`parse_rubric`] and [`parse_deck`] (and CI through `rubric check
/// --deny-warnings`). The checks compile every pattern and compare every
/// phrase; on the sixteen shipped rubrics they were half of the time
/// `planmark grade` took to mark one plan.
pub fn parse_trusted<T: serde::de::DeserializeOwned>(
    path: &Path,
    text: &str,
) -> Result<T, FileDiagnostics> {
    load::parse(path, text, Format::from_path(path))
}

/// Parses and checks a deck.
pub fn parse_deck(path: &Path, text: &str) -> Result<Deck, FileDiagnostics> {
    let format = Format::from_path(path);
    let deck: Deck = load::parse(path, text, format)?;
    let locator = load::Locator::new(text, format);
    let errors = validate::deck_errors(&deck, &locator);
    if errors.is_empty() {
        Ok(deck)
    } else {
        Err(FileDiagnostics {
            path: path.to_path_buf(),
            text: text.to_string(),
            diagnostics: errors,
        })
    }
}
