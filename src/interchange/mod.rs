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
        let strip = |s: &mut String| {
            if s.chars()
                .any(|c| c.is_control() && !matches!(c, '\n' | '\t'))
            {
                s.retain(|c| !c.is_control() || matches!(c, '\n' | '\t'));
            }
        };
        // Imported text is shown to students: terminal control characters
        // (and stray carriage returns) have no place in it.
        for c in &mut cards {
            for s in [&mut c.id, &mut c.question, &mut c.judgement] {
                strip(s);
            }
            c.tags.iter_mut().for_each(strip);
            for p in &mut c.points {
                strip(&mut p.headline);
                strip(&mut p.detail);
            }
        }
        let mut title = title;
        strip(&mut title);
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

/// Ids made from text are at most this long.
const SLUG_MAX: usize = 48;

/// A short, file-name-safe id from free text ("Lenin's funeral" →
/// "lenin-s-funeral"), cut at a word boundary, never mid-word.
pub fn slug(text: &str) -> String {
    let mut s = String::new();
    for c in text.to_lowercase().chars() {
        if c.is_ascii_alphanumeric() {
            s.push(c);
        } else if !s.is_empty() && !s.ends_with('-') {
            s.push('-');
        }
        if s.len() > SLUG_MAX {
            break;
        }
    }
    if s.len() > SLUG_MAX {
        // The last whole word that fits; a single long word is cut.
        let cut = s[..=SLUG_MAX]
            .rfind('-')
            .filter(|&i| i > 0)
            .unwrap_or(SLUG_MAX);
        s.truncate(cut);
    }
    let s = s.trim_end_matches('-').to_string();
    if s.is_empty() { "card".to_string() } else { s }
}

/// Makes card ids unique within a deck by numbering repeats (`x`, `x-2`,
/// `x-3`). Linear: each base remembers the next number to try.
pub(crate) fn unique_ids(cards: &mut [Card]) {
    let mut seen = std::collections::HashSet::new();
    let mut next: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for c in cards.iter_mut() {
        if seen.insert(c.id.clone()) {
            continue;
        }
        let base = c.id.clone();
        let n = next.entry(base.clone()).or_insert(2);
        loop {
            let candidate = format!("{base}-{n}");
            *n += 1;
            if seen.insert(candidate.clone()) {
                c.id = candidate;
                break;
            }
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

/// Formats with no field for an id (Quizlet text, page text) carry a card's
/// id as `[planmark:ID]` at the end of its judgement, and only when the id
/// is not the one the question would give anyway: re-importing then keeps
/// the id, and with it the card's study history.
const ID_MARK: &str = "[planmark:";

/// ` [planmark:ID]` for a card whose id the question alone would not give
/// back, else nothing.
pub(crate) fn id_marker(card: &Card) -> String {
    if card.id == slug(&card.question)
        || card.id.contains(']')
        || card.id.chars().any(char::is_whitespace)
    {
        String::new()
    } else {
        format!(" {ID_MARK}{}]", card.id)
    }
}

/// The judgement without a trailing `[planmark:ID]`, and that id when it is
/// a usable one (an unusable marker is left in the text, not dropped).
pub(crate) fn take_id_marker(judgement: &str) -> (String, Option<String>) {
    let t = judgement.trim_end();
    if let Some(body) = t.strip_suffix(']')
        && let Some(at) = body.rfind(ID_MARK)
    {
        let id = &body[at + ID_MARK.len()..];
        if crate::model::validate::id_problem(id).is_none() && !id.contains(char::is_whitespace) {
            return (body[..at].trim_end().to_string(), Some(id.to_string()));
        }
    }
    (judgement.to_string(), None)
}

/// Decodes every HTML entity, named (`&ndash;`, `&rsquo;`, `&hellip;`, all
/// of HTML5's) or numeric (`&#8211;`, `&#x2014;`), in one pass, so
/// `&amp;lt;` becomes `&lt;`. A non-breaking space becomes a plain one;
/// anything that is not an entity (a lone `&`) is kept as it is.
pub(crate) fn decode_entities(text: &str) -> String {
    html_escape::decode_html_entities(text).replace('\u{a0}', " ")
}

/// Whether text holds HTML: a tag such as `<br>` or `</div>`, or a real
/// entity (`&ndash;`, `&#8211;`; not the `&D;` of "R&D;").
pub(crate) fn looks_like_html(text: &str) -> bool {
    static TAG: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"</?[A-Za-z][A-Za-z0-9]*(\s[^<>]*)?/?>").expect("a valid pattern")
    });
    TAG.is_match(text)
        || matches!(
            html_escape::decode_html_entities(text),
            std::borrow::Cow::Owned(_)
        )
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_cut_at_a_word_boundary() {
        let q = "How far was the Treaty of Versailles the main reason for German resentment?";
        let s = slug(q);
        assert!(s.len() <= SLUG_MAX, "{s}");
        assert_eq!(s, "how-far-was-the-treaty-of-versailles-the-main");
        assert_eq!(slug(&"x".repeat(100)).len(), SLUG_MAX);
        assert_eq!(slug("Lenin's funeral"), "lenin-s-funeral");
        assert_eq!(slug("!!!"), "card");
    }

    #[test]
    fn every_named_and_numeric_entity_is_decoded() {
        assert_eq!(
            decode_entities(
                "Purges &ndash; 1936&mdash;38, Stalin&rsquo;s &#8211; &#x2014; &hellip;&nbsp;x"
            ),
            "Purges – 1936—38, Stalin’s – — … x"
        );
        // One pass: an escaped entity stays an entity; a lone `&` stays.
        assert_eq!(decode_entities("&amp;lt; R&D &bogus;"), "&lt; R&D &bogus;");
        assert!(looks_like_html("a<br>b"));
        assert!(looks_like_html("1936 &ndash; 38"));
        assert!(!looks_like_html("x < y and R&D; a > b"));
    }

    #[test]
    fn an_id_the_question_cannot_give_is_carried_in_a_marker() {
        let mut card = Card {
            id: "stalin-trotsky".into(),
            question: "Why did Stalin win?".into(),
            judgement: "The machine.".into(),
            tags: vec![],
            points: vec![],
        };
        let marked = format!("{}{}", card.judgement, id_marker(&card));
        assert_eq!(marked, "The machine. [planmark:stalin-trotsky]");
        assert_eq!(
            take_id_marker(&marked),
            (
                "The machine.".to_string(),
                Some("stalin-trotsky".to_string())
            )
        );
        // An id the question gives anyway needs no marker.
        card.id = slug(&card.question);
        assert_eq!(id_marker(&card), "");
        // Text without a marker, or with an unusable one, is kept whole.
        assert_eq!(take_id_marker("Just text.").1, None);
        assert_eq!(
            take_id_marker("x [planmark:a/b]"),
            ("x [planmark:a/b]".to_string(), None)
        );
    }

    #[test]
    fn many_repeated_ids_are_numbered_in_linear_time() {
        let card = |id: &str| Card {
            id: id.into(),
            question: "q".into(),
            judgement: "j".into(),
            tags: vec![],
            points: vec![],
        };
        let mut cards: Vec<Card> = (0..20_000).map(|_| card("x")).collect();
        cards.push(card("x-3"));
        unique_ids(&mut cards);
        let ids: std::collections::HashSet<&str> = cards.iter().map(|c| c.id.as_str()).collect();
        assert_eq!(ids.len(), cards.len());
        assert_eq!(cards[1].id, "x-2");
        assert_eq!(cards[2].id, "x-3");
        assert_eq!(cards.last().unwrap().id, "x-3-2");
    }
}
