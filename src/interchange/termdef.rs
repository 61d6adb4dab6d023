//! Quizlet / Knowt export text: a term and a definition per card, separated by
//! a tab, a comma or a string of your own; cards separated by new lines, a
//! semicolon or a string of your own.
//!
//! An essay deck is written as one term per question (its definition is the
//! model judgement) followed by one term per point: `For: headline` or
//! `Against: headline`, whose definition is the point's detail. A card whose
//! id its question would not give ends its definition with `[planmark:ID]`,
//! so a round trip keeps the id (and the card's study history).

use super::{Imported, LineProblem, id_marker, side_word, slug, take_id_marker};
use crate::model::{Card, Deck, Point, Side};

/// Separators as typed on the command line: `tab`, `comma`, `semicolon`,
/// `newline`, or the literal string.
pub fn separator(name: &str) -> String {
    match name.to_ascii_lowercase().as_str() {
        "tab" | "\\t" => "\t".into(),
        "comma" => ",".into(),
        "semicolon" => ";".into(),
        "newline" | "\\n" => "\n".into(),
        "pipe" => "|".into(),
        _ => name.to_string(),
    }
}

/// Reads term/definition text. Empty separators cannot split anything, so
/// they give no cards and one problem (the CLI refuses them first). Linear
/// in the text's length: line numbers are counted as the text is walked.
pub fn import(text: &str, deck_id: &str, title: &str, term_sep: &str, card_sep: &str) -> Imported {
    let mut cards: Vec<Card> = Vec::new();
    let mut problems = Vec::new();
    if term_sep.is_empty() || card_sep.is_empty() {
        problems.push(LineProblem {
            line: 1,
            message: "the term and card separators must not be empty".into(),
        });
        return Imported::new(deck_id, title.to_string(), cards, problems);
    }
    let card_sep_lines = card_sep.matches('\n').count();
    let mut line = 1;
    for raw in text.split(card_sep) {
        let start_line = line;
        line += raw.matches('\n').count() + card_sep_lines;
        let line = start_line;
        let entry = raw.trim_matches(['\r', '\n']);
        if entry.trim().is_empty() {
            continue;
        }
        let Some((term, definition)) = entry.split_once(term_sep) else {
            problems.push(LineProblem {
                line,
                message: format!(
                    "no term/definition separator ({}) in \"{}\"",
                    if term_sep == "\t" {
                        "a tab".to_string()
                    } else {
                        format!("\"{term_sep}\"")
                    },
                    entry.chars().take(40).collect::<String>()
                ),
            });
            continue;
        };
        let (term, definition) = (term.trim(), definition.trim());
        let side_prefix = term
            .split_once(':')
            .and_then(|(s, h)| side_word(s).map(|side| (side, h.trim())));
        match side_prefix {
            Some((side, headline)) => match cards.last_mut() {
                Some(card) => card.points.push(Point {
                    side,
                    headline: headline.to_string(),
                    detail: definition.to_string(),
                }),
                None => problems.push(LineProblem {
                    line,
                    message: format!("point \"{term}\" comes before any question; skipped"),
                }),
            },
            None => {
                let (judgement, id) = take_id_marker(definition);
                cards.push(Card {
                    id: id.unwrap_or_else(|| slug(term)),
                    question: term.to_string(),
                    judgement,
                    tags: Vec::new(),
                    points: Vec::new(),
                });
            }
        }
    }
    Imported::new(deck_id, title.to_string(), cards, problems)
}

/// Writes a deck as term/definition text. Separators inside the text are
/// replaced by spaces, as Quizlet's import would otherwise split them.
pub fn export(deck: &Deck, term_sep: &str, card_sep: &str) -> String {
    let clean = |s: &str| s.replace(term_sep, " ").replace(card_sep, " ");
    let mut out = Vec::new();
    for c in &deck.cards {
        // The id rides at the end of the definition when the question would
        // not give it back (and the separators leave the marker whole).
        let marker = Some(id_marker(c))
            .filter(|m| !m.contains(term_sep) && !m.contains(card_sep))
            .unwrap_or_default();
        out.push(format!(
            "{}{term_sep}{}{marker}",
            clean(&c.question),
            clean(&c.judgement)
        ));
        for p in &c.points {
            let side = match p.side {
                Side::For => "For",
                Side::Against => "Against",
                Side::Neutral => "Other",
            };
            out.push(format!(
                "{side}: {}{term_sep}{}",
                clean(&p.headline),
                clean(&p.detail)
            ));
        }
    }
    let mut text = out.join(card_sep);
    if card_sep == "\n" {
        text.push('\n');
    }
    text
}
