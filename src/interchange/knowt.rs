//! The text a student copies from a Knowt or Quizlet set page: numbered cards,
//! a question card whose bullets are the judgement, "For" and "Against" cards
//! whose bullets are the points, and page chrome to ignore.

use super::{Imported, LineProblem, point, side_word, slug};
use crate::model::Card;

/// Lines of page furniture, matched case-insensitively after trimming.
const CHROME: &[&str] = &[
    "new cards",
    "still learning",
    "mastered",
    "not studied",
    "learn",
    "practice test",
    "spaced repetition",
    "match",
    "flashcards",
    "card sorting",
    "study analytics",
    "name",
    "mastery",
    "test",
    "matching",
    "spaced",
    "no study sessions yet.",
    "there's no tags or description",
    "looks like no tags are added yet.",
    "encourage image",
    "studied by",
    "terms in this set",
];

fn is_chrome(line: &str) -> bool {
    let l = line.trim().to_lowercase();
    CHROME.contains(&l.as_str())
        || l.starts_with("studied by")
        || l.ends_with(" terms")
        || l.starts_with("learnlearn")
        || l.starts_with("exampractice")
        || l.starts_with("spaced repetitionspaced")
        || l.starts_with("heart puzzle")
        || l.starts_with("flashcardsflash")
        || (l.len() <= 7 && l.contains('(') && l.contains(')'))
        || (l.contains('/') && l.chars().all(|c| c.is_ascii_digit() || c == '/'))
}

fn bullet(line: &str) -> Option<&str> {
    let t = line.trim_start();
    for b in ['•', '-', '*', '·', '–', '▪', '◦'] {
        if let Some(rest) = t.strip_prefix(b) {
            return Some(rest.trim());
        }
    }
    None
}

fn looks_like_question(text: &str) -> bool {
    let t = text.trim().to_lowercase();
    t.ends_with('?')
        || [
            "to what extent",
            "how far",
            "how significant",
            "how important",
            "how successful",
            "assess",
            "'",
            "‘",
            "\"",
        ]
        .iter()
        .any(|s| t.starts_with(s))
}

struct RawCard {
    line: usize,
    front: String,
    back: Vec<(usize, String)>,
}

/// Pages copied without card numbers: a question line or a "For" / "Against"
/// line starts a card, and the bullets under it are its back.
fn unnumbered(lines: &[&str]) -> Vec<RawCard> {
    let mut raw: Vec<RawCard> = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let t = line.trim();
        if t.is_empty() || is_chrome(t) {
            continue;
        }
        match bullet(line) {
            Some(b) if !b.is_empty() => {
                if let Some(card) = raw.last_mut() {
                    card.back.push((i + 1, b.to_string()));
                }
            }
            Some(_) => {}
            None if looks_like_question(t) || side_word(t).is_some() => raw.push(RawCard {
                line: i + 1,
                front: t.to_string(),
                back: Vec::new(),
            }),
            None => {
                if let Some((_, last)) = raw.last_mut().and_then(|c| c.back.last_mut()) {
                    last.push(' ');
                    last.push_str(t);
                }
            }
        }
    }
    raw
}

/// Parses page text into a deck with id `deck_id`.
pub fn import(text: &str, deck_id: &str) -> Imported {
    let lines: Vec<&str> = text.lines().collect();
    let title = lines
        .iter()
        .map(|l| l.trim())
        .find(|l| !l.is_empty() && !is_chrome(l))
        .unwrap_or(deck_id)
        .to_string();
    // Cards start at a line holding only a number.
    let mut raw: Vec<RawCard> = Vec::new();
    let mut current: Option<RawCard> = None;
    let mut problems = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let n = i + 1;
        let t = line.trim();
        if !t.is_empty() && t.chars().all(|c| c.is_ascii_digit()) && t.len() <= 4 {
            raw.extend(current.take());
            current = Some(RawCard {
                line: n,
                front: String::new(),
                back: Vec::new(),
            });
            continue;
        }
        let Some(card) = current.as_mut() else {
            continue;
        };
        if t.is_empty() || is_chrome(t) {
            continue;
        }
        match bullet(line) {
            Some(b) if !b.is_empty() => card.back.push((n, b.to_string())),
            Some(_) => {}
            None if card.front.is_empty() => card.front = t.to_string(),
            None if card.back.is_empty() => {
                card.front.push(' ');
                card.front.push_str(t);
            }
            // A wrapped bullet continues on the next line.
            None => {
                let last = card.back.last_mut().expect("back is not empty");
                last.1.push(' ');
                last.1.push_str(t);
            }
        }
    }
    raw.extend(current);
    if raw.is_empty() {
        raw = unnumbered(&lines);
    }

    let mut cards: Vec<Card> = Vec::new();
    for r in raw {
        if let Some(side) = side_word(&r.front) {
            let Some(card) = cards.last_mut() else {
                problems.push(LineProblem {
                    line: r.line,
                    message: format!(
                        "a \"{}\" card comes before any question card; skipped",
                        r.front
                    ),
                });
                continue;
            };
            if r.back.is_empty() {
                problems.push(LineProblem {
                    line: r.line,
                    message: format!("the \"{}\" card has no points", r.front),
                });
            }
            card.points
                .extend(r.back.iter().map(|(_, b)| point(side, b)));
        } else if looks_like_question(&r.front) && !r.back.is_empty() {
            cards.push(Card {
                id: slug(&r.front),
                question: r.front.clone(),
                judgement: r
                    .back
                    .iter()
                    .map(|(_, b)| b.trim_end_matches('.'))
                    .collect::<Vec<_>>()
                    .join(". ")
                    + ".",
                tags: Vec::new(),
                points: Vec::new(),
            });
        } else if r.back.is_empty() {
            let front = if r.front.is_empty() {
                "(empty)".to_string()
            } else {
                format!("\"{}\"", r.front)
            };
            problems.push(LineProblem {
                line: r.line,
                message: format!("card {front} has no answer (no bullet points); skipped"),
            });
        } else {
            problems.push(LineProblem {
                line: r.line,
                message: format!(
                    "card \"{}\" is neither a question nor a For/Against card; skipped",
                    r.front
                ),
            });
        }
    }
    Imported::new(deck_id, title, cards, problems)
}
