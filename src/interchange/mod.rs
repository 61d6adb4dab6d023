//! Decks in and out of the formats students already have: the text of a
//! Knowt or Quizlet set page, Quizlet/Knowt term–definition export text, Anki
//! text files, and our own TOML and JSON. Importers never drop a line silently:
//! each one they cannot read is reported with its number and why.

pub mod anki;
pub mod classlist;
pub mod knowt;
pub mod termdef;

use crate::model::{Card, Deck, Point, Side};
use serde::Serialize;

/// A line that could not be read, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LineProblem {
    /// 1-based line number in the input.
    pub line: usize,
    pub message: String,
}

/// What an import produced.
#[derive(Debug, Clone, PartialEq)]
pub struct Imported {
    pub deck: Deck,
    pub problems: Vec<LineProblem>,
}

impl Imported {
    /// A deck of `cards` (ids made unique) and the lines that could not be read.
    pub(crate) fn new(
        deck_id: &str,
        title: String,
        mut cards: Vec<Card>,
        problems: Vec<LineProblem>,
    ) -> Imported {
        unique_ids(&mut cards);
        Imported {
            deck: Deck {
                id: deck_id.to_string(),
                title,
                description: None,
                cards,
            },
            problems,
        }
    }
}

/// A short, file-name-safe id from free text ("Lenin's funeral" → "lenin-s-funeral").
pub fn slug(text: &str) -> String {
    let mut s = String::new();
    for c in text.to_lowercase().chars() {
        if c.is_ascii_alphanumeric() {
            s.push(c);
        } else if !s.is_empty() && !s.ends_with('-') {
            s.push('-');
        }
        if s.len() >= 48 {
            break;
        }
    }
    let s = s.trim_end_matches('-').to_string();
    if s.is_empty() { "card".to_string() } else { s }
}

/// Makes card ids unique within a deck by numbering repeats.
pub(crate) fn unique_ids(cards: &mut [Card]) {
    let mut seen = std::collections::HashSet::new();
    for c in cards.iter_mut() {
        let base = c.id.clone();
        let mut n = 2;
        while !seen.insert(c.id.clone()) {
            c.id = format!("{base}-{n}");
            n += 1;
        }
    }
}

/// Splits "Headline; detail" (or `:`, ` - `, ` – `) into a point.
pub(crate) fn point(side: Side, text: &str) -> Point {
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    for sep in [";", ":", " – ", " — ", " - "] {
        if let Some((h, d)) = text.split_once(sep)
            && !h.trim().is_empty()
            && !d.trim().is_empty()
            && h.split_whitespace().count() <= 12
        {
            return Point {
                side,
                headline: h.trim().to_string(),
                detail: d.trim().to_string(),
            };
        }
    }
    Point {
        side,
        headline: text.clone(),
        detail: String::new(),
    }
}

/// "For" / "Against" (and close variants) as a side.
pub(crate) fn side_word(text: &str) -> Option<Side> {
    let t = text.trim().trim_end_matches(':').to_lowercase();
    match t.as_str() {
        "for" | "arguments for" | "yes" | "agree" | "+" => Some(Side::For),
        "against" | "arguments against" | "no" | "disagree" | "-" => Some(Side::Against),
        "other" | "neutral" => Some(Side::Neutral),
        _ => None,
    }
}
