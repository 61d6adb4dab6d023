//! The text a student copies from a Knowt or Quizlet set page: numbered cards,
//! a question card whose bullets are the judgement, "For" and "Against" cards
//! whose bullets are the points, and page chrome to ignore. [`export`]
//! writes the same layout, so what it writes reads back.

use super::{Imported, LineProblem, id_marker, point, side_word, slug, take_id_marker};
use crate::model::{Card, Deck, Side};

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

/// Headings of what a page shows below the set (other people's sets,
/// textbooks): the set ends at the first of them.
const TRAILERS: &[&str] = &[
    "students also studied",
    "students also viewed",
    "other sets by this creator",
    "recommended textbook solutions",
    "related study sets",
    "related questions",
];

/// The page's lines up to the first [`TRAILERS`] heading.
fn set_lines(text: &str) -> Vec<&str> {
    text.lines()
        .take_while(|l| {
            let l = l.trim().to_lowercase();
            !TRAILERS.iter().any(|t| l.starts_with(t))
        })
        .collect()
}

/// A line holding only a card number.
fn is_card_number(t: &str) -> bool {
    !t.is_empty() && t.len() <= 4 && t.chars().all(|c| c.is_ascii_digit())
}

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
        // A rating such as "0.0(0)" or "4.5(12)".
        || (l.len() <= 9
            && l.contains('(')
            && l.ends_with(')')
            && l.chars().all(|c| c.is_ascii_digit() || "().".contains(c)))
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
        // Page furniture is never a bullet: a short bullet such as "(a)" is text.
        if t.is_empty() || (bullet(line).is_none() && is_chrome(t)) {
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
    let lines = set_lines(text);
    // The title is above the first card: a page copied from its first card
    // on has none, and a card number is never one.
    let title = lines
        .iter()
        .map(|l| l.trim())
        .take_while(|l| !is_card_number(l))
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
        if is_card_number(t) {
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
        // Page furniture is never a bullet: a short bullet such as "(a)" is text.
        if t.is_empty() || (bullet(line).is_none() && is_chrome(t)) {
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
    let followed_by_points: Vec<bool> = (0..raw.len())
        .map(|i| {
            raw.get(i + 1)
                .is_some_and(|n| side_word(&n.front).is_some())
        })
        .collect();
    for (r, points_follow) in raw.into_iter().zip(followed_by_points) {
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
        } else if (looks_like_question(&r.front) || points_follow) && !r.back.is_empty() {
            // The bullets are the judgement's sentences (one is kept as it is).
            let several = r.back.len() > 1;
            let sentences: Vec<String> = r
                .back
                .iter()
                .map(|(_, b)| {
                    if !several || b.ends_with(['.', '?', '!', '…']) {
                        b.clone()
                    } else {
                        format!("{b}.")
                    }
                })
                .collect();
            let (judgement, id) = take_id_marker(&sentences.join(" "));
            cards.push(Card {
                id: id.unwrap_or_else(|| slug(&r.front)),
                question: r.front.clone(),
                judgement,
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

/// Writes a deck as the text of a set page: the title, then numbered cards,
/// a question card whose bullet is the judgement, and a "For", "Against" or
/// "Other" card for each run of points on one side, in order, whose bullets
/// are `headline; detail`. A page has one line per bullet, so line breaks
/// inside a field become spaces. Ids ride as in Quizlet text.
pub fn export(deck: &Deck) -> String {
    let line = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut out = format!("{}\n\n", line(&deck.title));
    let mut number = 0;
    let mut card = |out: &mut String, front: &str, bullets: &[String]| {
        number += 1;
        out.push_str(&format!("{number}\n\n{front}\n\n"));
        for b in bullets {
            out.push_str(&format!("  \u{2022} {b}\n\n"));
        }
    };
    for c in &deck.cards {
        card(
            &mut out,
            &line(&c.question),
            &[format!("{}{}", line(&c.judgement), id_marker(c))],
        );
        for run in c.points.chunk_by(|a, b| a.side == b.side) {
            let side = match run[0].side {
                Side::For => "For",
                Side::Against => "Against",
                Side::Neutral => "Other",
            };
            let bullets: Vec<String> = run
                .iter()
                .map(|p| match (line(&p.headline), line(&p.detail)) {
                    (h, d) if d.is_empty() => h,
                    (h, d) => format!("{h}; {d}"),
                })
                .collect();
            card(&mut out, side, &bullets);
        }
    }
    out
}
