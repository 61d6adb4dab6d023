//! Anki text files: `#separator:`, `#html:`, `#deck:`, `#tags:` and
//! `#columns:` headers, then one note per line with quoted fields (`""` for a
//! quote inside). Two note layouts are read, and may be mixed:
//!
//! - a card per note: Front is the question; Back is the judgement, then one
//!   line per point, `For: headline — detail` (or `; detail`), as [`export`]
//!   writes it;
//! - a point per note: Front is `For: headline` (or `Against:`, `Other:`),
//!   Back its detail; the point belongs to the card of the note before it.
//!
//! Fields are HTML when `#html:true` says so, or, without that header, when
//! the notes hold tags or entities: `<br>` ends a line, other tags are
//! dropped and every entity is decoded (`&ndash;`, `&#8211;`, …), so an
//! entity's `;` never splits a headline from its detail.

use super::{Imported, LineProblem, point, side_word, slug};
use crate::model::{Card, Deck, Side};

/// Anki's separator names, or a single literal character.
fn separator(name: &str) -> Option<u8> {
    match name.trim().to_ascii_lowercase().as_str() {
        "tab" => Some(b'\t'),
        "comma" => Some(b','),
        "semicolon" => Some(b';'),
        "pipe" => Some(b'|'),
        "space" => Some(b' '),
        "colon" => Some(b':'),
        other if other.len() == 1 => other.bytes().next(),
        _ => None,
    }
}

/// Anki's HTML as lines of text: line-break tags and raw newlines end a
/// line, other tags are dropped, and entities are decoded within each line,
/// so a newline written as `&#10;` stays inside its line (see [`export`]).
fn html_lines(html: &str) -> Vec<String> {
    let mut text = html.to_string();
    for tag in ["<br>", "<br/>", "<br />", "</div>", "</p>", "</li>"] {
        text = text.replace(tag, "\n").replace(&tag.to_uppercase(), "\n");
    }
    // Drop any other tag.
    let mut out = String::with_capacity(text.len());
    let mut in_tag = false;
    for c in text.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.split('\n').map(super::decode_entities).collect()
}

/// The text of an HTML field, its lines joined with newlines.
fn html_to_text(html: &str) -> String {
    html_lines(html).join("\n")
}

fn escape_html(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// A judgement, headline or detail for the Back field, where `<br>` ends a
/// line: its own newlines become `&#10;` so they come back inside it.
fn escape_back(s: &str) -> String {
    escape_html(s).replace('\n', "&#10;")
}

pub fn import(text: &str, deck_id: &str) -> Imported {
    let mut sep = b'\t';
    // `#html:` as given; without it, the notes say (tags or entities).
    let mut html: Option<bool> = None;
    // 1-based columns of the special fields, and the names from `#columns:`.
    let mut special: Vec<usize> = Vec::new();
    let mut tags_column: Option<usize> = None;
    let mut names: Vec<String> = Vec::new();
    let mut title = deck_id.to_string();
    let mut header_lines = 0;
    let mut problems = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let Some(h) = line.strip_prefix('#') else {
            break;
        };
        header_lines = i + 1;
        let Some((key, value)) = h.split_once(':') else {
            continue;
        };
        match key.trim().to_ascii_lowercase().as_str() {
            "separator" => match separator(value) {
                Some(s) => sep = s,
                None => problems.push(LineProblem {
                    line: i + 1,
                    message: format!("unknown separator \"{value}\"; using tab"),
                }),
            },
            "html" => html = Some(value.trim().eq_ignore_ascii_case("true")),
            "deck" => title = value.trim().to_string(),
            "columns" => {
                names = value
                    .split(['\t', ',', ';', '|'])
                    .map(|n| n.trim().to_lowercase())
                    .collect()
            }
            "tags column" => tags_column = value.trim().parse().ok(),
            "notetype column" | "deck column" | "guid column" => {
                special.extend(value.trim().parse::<usize>().ok())
            }
            _ => {}
        }
    }
    if let Some(t) = tags_column {
        special.push(t);
    }
    let named = |n: &str| names.iter().position(|x| x == n);
    let free: Vec<usize> = (0..64).filter(|i| !special.contains(&(i + 1))).collect();
    let front_idx = named("front").unwrap_or(free[0]);
    let back_idx = named("back").unwrap_or(free[1]);
    let tags_idx = tags_column
        .map(|t| t - 1)
        .or_else(|| named("tags"))
        .unwrap_or(free[2]);
    let body: String = text
        .lines()
        .skip(header_lines)
        .collect::<Vec<_>>()
        .join("\n");
    let html = html.unwrap_or_else(|| super::looks_like_html(&body));
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(sep)
        .has_headers(false)
        .flexible(true)
        .quoting(true)
        .double_quote(true)
        .from_reader(body.as_bytes());
    let mut cards: Vec<Card> = Vec::new();
    for rec in reader.records() {
        let rec = match rec {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line() as usize) + header_lines;
                problems.push(LineProblem {
                    line,
                    message: format!("cannot read this note: {e}"),
                });
                continue;
            }
        };
        let line = rec.position().map_or(0, |p| p.line() as usize) + header_lines;
        if rec.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        let field = |i: usize| rec.get(i).unwrap_or("");
        // A note [`export`] wrote (it has a `planmark::` tag) is a card even
        // with an empty Back: a card with no judgement or points yet.
        let ours = field(tags_idx)
            .split_whitespace()
            .any(|t| t.starts_with("planmark::"));
        if field(back_idx).trim().is_empty() && !ours {
            problems.push(LineProblem {
                line,
                message: format!(
                    "note \"{}\" has no Back field (is the separator right? use #separator:)",
                    field(front_idx).chars().take(40).collect::<String>()
                ),
            });
            continue;
        }
        let front = if html {
            html_to_text(field(front_idx))
        } else {
            field(front_idx).to_string()
        };
        let back: Vec<String> = if html {
            html_lines(field(back_idx))
        } else {
            field(back_idx).lines().map(str::to_string).collect()
        };
        // A Back of only tags, `&nbsp;` or control characters (which are
        // stripped) would make a card with no text, which exports as a note
        // with no Back and is then lost: say so now instead.
        if !ours
            && back
                .iter()
                .all(|l| l.chars().all(|c| c.is_whitespace() || c.is_control()))
        {
            problems.push(LineProblem {
                line,
                message: format!(
                    "note \"{}\" has no text in its Back field once its HTML is read",
                    front.trim().chars().take(40).collect::<String>()
                ),
            });
            continue;
        }
        let tags = field(tags_idx);
        // One note per point: `For: headline` on the front, the detail on
        // the back, a point of the card before it. A note [`export`] wrote
        // (it has a `planmark::` tag) is a card whatever its question says.
        if let Some((side, headline)) = front
            .trim()
            .split_once(':')
            .and_then(|(s, h)| side_word(s).map(|side| (side, h.trim())))
            .filter(|_| !ours)
        {
            let detail = back
                .iter()
                .map(|l| l.trim())
                .filter(|l| !l.is_empty())
                .collect::<Vec<_>>()
                .join(" ");
            match cards.last_mut() {
                Some(card) if headline.is_empty() => card.points.push(point_line(side, &detail)),
                Some(card) => card.points.push(crate::model::Point {
                    side,
                    headline: headline.to_string(),
                    detail,
                }),
                None => problems.push(LineProblem {
                    line,
                    message: format!(
                        "point note \"{}\" comes before any question note; skipped",
                        front.trim().chars().take(40).collect::<String>()
                    ),
                }),
            }
            continue;
        }
        // A `planmark::ID` tag keeps the card's id across a round trip, when
        // it is a valid id; otherwise the id comes from the question.
        let tagged = tags
            .split_whitespace()
            .find_map(|t| t.strip_prefix("planmark::"));
        let id = match tagged {
            Some(t) if crate::model::validate::id_problem(t).is_none() => t.to_string(),
            Some(t) => {
                problems.push(LineProblem {
                    line,
                    message: format!(
                        "tag `planmark::{t}` is not a usable card id; the id is made from the question instead"
                    ),
                });
                slug(front.trim())
            }
            None => slug(front.trim()),
        };
        let mut judgement = Vec::new();
        let mut points = Vec::new();
        for l in back.iter().map(|l| l.trim()).filter(|l| !l.is_empty()) {
            match l
                .split_once(':')
                .and_then(|(s, rest)| side_word(s).map(|side| (side, rest)))
            {
                Some((side, rest)) => points.push(point_line(side, rest)),
                None => judgement.push(l.to_string()),
            }
        }
        cards.push(Card {
            id,
            question: front.trim().to_string(),
            judgement: judgement.join(" "),
            tags: tags
                .split_whitespace()
                .filter(|t| !t.starts_with("planmark::"))
                .map(str::to_string)
                .collect(),
            points,
        });
    }
    Imported::new(deck_id, title, cards, problems)
}

/// "headline — detail" as written by [`export`], else the usual splitting.
fn point_line(side: Side, rest: &str) -> crate::model::Point {
    match rest.split_once(" — ") {
        Some((h, d)) => crate::model::Point {
            side,
            headline: h.trim().to_string(),
            detail: d.trim().to_string(),
        },
        None => point(side, rest),
    }
}

pub fn export(deck: &Deck) -> String {
    let mut out = format!(
        "#separator:tab\n#html:true\n#deck:{}\n#columns:Front\tBack\tTags\n",
        deck.title.replace('\n', " ")
    );
    // A note is quoted when it holds a `#`: a question starting with one
    // would otherwise be read back as a header line and the card lost.
    let mut writer = csv::WriterBuilder::new()
        .delimiter(b'\t')
        .quote_style(csv::QuoteStyle::Necessary)
        .comment(Some(b'#'))
        .from_writer(Vec::new());
    for c in &deck.cards {
        let mut back = vec![escape_back(&c.judgement)];
        for p in &c.points {
            let side = match p.side {
                Side::For => "For",
                Side::Against => "Against",
                Side::Neutral => "Other",
            };
            back.push(format!(
                "{side}: {} — {}",
                escape_back(&p.headline),
                escape_back(&p.detail)
            ));
        }
        let mut tags = vec![format!("planmark::{}", c.id)];
        tags.extend(c.tags.iter().cloned());
        writer
            .write_record([
                escape_html(&c.question).replace('\n', "<br>"),
                back.join("<br>"),
                tags.join(" "),
            ])
            .expect("writing to memory cannot fail");
    }
    out.push_str(
        &String::from_utf8(writer.into_inner().expect("in-memory writer"))
            .expect("UTF-8 in, UTF-8 out"),
    );
    out
}
