//! `rubric new`: a starter rubric drafted from a card, for a teacher to edit.
//! A factor per point (headline as label, aliases from the headline and the
//! names in the detail, dates and names as evidence, the detail as hint), the
//! AQA 25-mark levels, and comments explaining every key.

use crate::grade::phrase::is_stopword;
use crate::grade::{Grader, JUDGEMENT_CUES};
use crate::model::{Card, Rubric, Side};
use crate::text::tokenize;
use std::collections::BTreeMap;
use std::fmt::Write;

const MONTHS: &[&str] = &[
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// Words that start sentences or are too general to be a name or an alias.
const GENERAL: &[&str] = &[
    "The", "A", "An", "His", "Her", "Their", "This", "That", "These", "Those", "He", "She", "It",
    "They", "In", "On", "At", "By", "For", "From", "With", "As", "When", "While", "After",
    "Before", "Despite", "Though", "Although", "However", "But", "And", "Or", "Many", "Some",
    "Most", "Party",
];

/// A lower-case id from any text: letters and digits, `-` between words,
/// at most 40 characters, cut at a word boundary.
pub fn slug(text: &str) -> String {
    let mut s = String::new();
    for c in text.to_lowercase().chars() {
        if c.is_ascii_alphanumeric() {
            s.push(c);
        } else if !s.ends_with('-') && !s.is_empty() {
            s.push('-');
        }
    }
    let s = s.trim_end_matches('-');
    if s.len() <= 40 {
        return s.to_string();
    }
    // Cut at the last word boundary within 40 characters (all ASCII here).
    let cut = match s.as_bytes()[40] {
        b'-' => 40,
        _ => s[..40].rfind('-').unwrap_or(40),
    };
    s[..cut].trim_end_matches('-').to_string()
}

fn toml_string(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

fn toml_list(items: &[String]) -> String {
    let parts: Vec<String> = items.iter().map(|i| toml_string(i)).collect();
    format!("[{}]", parts.join(", "))
}

/// Runs of two or more capitalised words ("Lenin Enrolment", "Five-Year Plan").
fn names(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut run: Vec<&str> = Vec::new();
    let flush = |run: &mut Vec<&str>, out: &mut Vec<String>| {
        while run.first().is_some_and(|w| GENERAL.contains(w)) {
            run.remove(0);
        }
        if run.len() >= 2 {
            out.push(run.join(" "));
        }
        run.clear();
    };
    for raw in text.split_whitespace() {
        let word = raw.trim_matches(|c: char| !c.is_alphanumeric() && c != '-' && c != '\'');
        let capital = word.chars().next().is_some_and(char::is_uppercase);
        if capital && !word.is_empty() {
            run.push(word);
        } else {
            flush(&mut run, &mut out);
        }
        if raw.ends_with([',', '.', ';', ':', '(', ')']) {
            flush(&mut run, &mut out);
        }
    }
    flush(&mut run, &mut out);
    out
}

/// Dates, figures and proper names in a detail: the precise evidence. Names
/// the question already uses (the main actors) are not evidence.
fn evidence(detail: &str, question: &str) -> Vec<String> {
    let question = question.to_lowercase();
    let in_question = |w: &str| {
        let w = w
            .trim_end_matches("'s")
            .trim_end_matches("\u{2019}s")
            .to_lowercase();
        question
            .split(|c: char| !c.is_alphanumeric())
            .any(|q| q == w)
    };
    let mut out: Vec<String> = Vec::new();
    let words: Vec<&str> = detail.split_whitespace().collect();
    for (i, raw) in words.iter().enumerate() {
        let w = raw.trim_matches(|c: char| !c.is_alphanumeric() && c != ',');
        let w = w.trim_end_matches(',');
        let year = w.len() == 4
            && w.chars().all(|c| c.is_ascii_digit())
            && (w.starts_with('1') || w.starts_with('2'));
        if year {
            let month = i
                .checked_sub(1)
                .map(|j| words[j].trim_matches(|c: char| !c.is_alphabetic()));
            match month.filter(|m| MONTHS.contains(m)) {
                Some(m) => out.push(format!("{m} {w}")),
                None => out.push(w.to_string()),
            }
        } else if w.contains(',')
            && w.chars().all(|c| c.is_ascii_digit() || c == ',')
            && w.len() > 3
        {
            out.push(w.to_string());
        }
    }
    let multi = names(detail);
    for n in &multi {
        if !n.split_whitespace().all(in_question) {
            out.push(n.clone());
        }
    }
    // Single proper names not at the start of a sentence ("Orgburo", "Kamenev").
    for (i, raw) in words.iter().enumerate() {
        let w = raw.trim_matches(|c: char| !c.is_alphanumeric());
        let sentence_start = i == 0 || words[i - 1].ends_with(['.', ':', ';']);
        let proper = w.len() > 3
            && w.chars().next().is_some_and(char::is_uppercase)
            && !w.contains(['\'', '\u{2019}']);
        if !sentence_start
            && proper
            && !GENERAL.contains(&w)
            && !MONTHS.contains(&w)
            && !in_question(w)
            && !multi.iter().any(|m| m.split_whitespace().any(|x| x == w))
        {
            out.push(w.to_string());
        }
    }
    let mut seen = std::collections::HashSet::new();
    out.retain(|e| seen.insert(e.to_lowercase()));
    out.truncate(6);
    out
}

/// Words that open a noun phrase without belonging to it ("the", "most",
/// "little"), or sit between phrases.
pub(crate) const NOT_IN_A_NAME: &[&str] = &[
    "the",
    "a",
    "an",
    "his",
    "her",
    "their",
    "its",
    "this",
    "that",
    "these",
    "those",
    "most",
    "many",
    "much",
    "more",
    "less",
    "few",
    "some",
    "several",
    "all",
    "almost",
    "still",
    "very",
    "little",
    "such",
    "other",
    "same",
    "also",
    "only",
    "even",
    "about",
    "around",
    "over",
    "under",
    "than",
    "who",
    "which",
    "whose",
    "what",
    "when",
    "while",
    "where",
    "because",
    "so",
    "but",
    "not",
    "no",
    "both",
    "each",
    "every",
    "any",
    "there",
    "then",
    "into",
    "onto",
    "after",
    "before",
    "during",
    "against",
    "between",
    "without",
    "within",
    "through",
    "million",
    "millions",
    "thousand",
    "thousands",
    "hundred",
    "hundreds",
    "per",
    "cent",
    "beyond",
    "up",
    "down",
    "out",
    "off",
    "away",
    "back",
    "again",
    "further",
    "towards",
];

/// Verbs a card's detail uses, which end a noun phrase ("Most women
/// *worked* full time"). Words ending in "-ed" count as verbs too.
const VERBS: &[&str] = &[
    "is", "are", "was", "were", "be", "been", "being", "had", "has", "have", "did", "does", "do",
    "made", "make", "makes", "became", "become", "becomes", "gave", "give", "gives", "took",
    "take", "takes", "led", "lead", "leads", "won", "win", "wins", "lost", "lose", "fell", "fall",
    "falls", "rose", "rise", "rises", "began", "begin", "begins", "saw", "see", "fought", "fight",
    "held", "hold", "drew", "draw", "brought", "bring", "kept", "keep", "left", "met", "paid",
    "pay", "put", "ran", "run", "sent", "send", "set", "sought", "spent", "stood", "told",
    "thought", "went", "go", "got", "get", "came", "come", "knew", "felt", "found", "grew", "grow",
    "meant", "said", "say", "says", "sold", "wrote", "could", "would", "should", "might", "must",
    "can", "will", "shall", "may", "let", "seen", "done", "gone", "given", "taken", "shown",
    "known", "won't", "didn't", "wasn't", "weren't", "chose", "struck", "lit", "tore", "wore",
    "broke", "spoke", "rode", "swore", "threw", "caught", "taught", "bought", "built", "dealt",
    "lay", "laid", "sat", "shot", "hid", "fled", "fed", "bred", "slew", "sank", "sprang", "stole",
    "stuck", "swept", "wept", "won",
];

pub(crate) fn is_verb(word: &str) -> bool {
    let w = word.to_lowercase();
    is_common_verb(&w) || (w.len() > 4 && w.ends_with("ed"))
}

/// The everyday verbs of [`VERBS`] ("made", "became", "had"), which say
/// nothing about a factor.
pub(crate) fn is_common_verb(word: &str) -> bool {
    VERBS.contains(&word)
}

/// A headline part without its leading "the", "most", "little" …
fn trim_name(part: &str) -> &str {
    let mut rest = part.trim();
    while let Some((first, tail)) = rest.split_once(' ') {
        if NOT_IN_A_NAME.contains(&first.to_lowercase().as_str()) {
            rest = tail.trim_start();
        } else {
            break;
        }
    }
    rest
}

/// Whether a part is worth an alias: four letters or more, not only a
/// date, not one everyday word.
fn worth_an_alias(part: &str) -> bool {
    let letters = part.chars().filter(|c| c.is_alphabetic()).count();
    let only_a_date = part
        .split_whitespace()
        .all(|w| MONTHS.contains(&w) || w.chars().all(|c| c.is_ascii_digit() || c == '-'));
    let loose =
        part.split_whitespace().count() == 1 && crate::authoring::check::is_loose_word(part);
    letters >= 4 && !only_a_date && !loose
}

/// The noun phrases of a sentence a student would write as a point: runs
/// of two or three words with no verb, number, function word or adverb in
/// them ("double burden", "senior party posts"), the words of each run
/// kept as written.
fn noun_phrases(text: &str) -> Vec<String> {
    // Parentheses hold dates and asides, not the words students write.
    let mut plain = String::with_capacity(text.len());
    let mut depth = 0usize;
    for c in text.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            _ if depth == 0 => plain.push(c),
            _ => plain.push(' '),
        }
    }
    let mut out = Vec::new();
    for clause in plain.split([',', ';', ':', '.', '!', '?', '\u{2013}', '\u{2014}', '"']) {
        let mut run: Vec<&str> = Vec::new();
        let mut flush = |run: &mut Vec<&str>| {
            if run.len() >= 2 {
                // A long run: its last three words hold the head noun.
                let take = &run[run.len().saturating_sub(3)..];
                out.push(take.join(" "));
            }
            run.clear();
        };
        for raw in clause.split_whitespace() {
            let w = raw.trim_matches(|c: char| !c.is_alphanumeric() && c != '-' && c != '\'');
            let w = w.trim_start_matches('\'');
            let w = if w.ends_with("s'") {
                w
            } else {
                w.trim_end_matches('\'')
            };
            let lower = w.to_lowercase();
            // A possessive opens a phrase ("Trotsky's Red Army") but ends
            // the run before it.
            if w.ends_with("'s") || w.ends_with("\u{2019}s") {
                flush(&mut run);
                if w.chars().next().is_some_and(char::is_uppercase) {
                    run.push(w);
                }
                continue;
            }
            let breaks = w.is_empty()
                || w.chars().any(|c| c.is_ascii_digit())
                || is_stopword(&lower)
                || NOT_IN_A_NAME.contains(&lower.as_str())
                || is_verb(w)
                || (lower.ends_with("ly") && lower.len() > 4)
                || w.contains(['\'', '\u{2019}']);
            if breaks {
                flush(&mut run);
            } else {
                run.push(w);
            }
        }
        flush(&mut run);
    }
    out
}

/// Aliases: the headline and its parts (without "the", "most" …), and the
/// noun phrases of the detail, so a student who writes the point in the
/// card's words gets credit, but no sentence fragment ("Most women
/// worked") and no figure ("secret police 4000").
fn aliases(headline: &str, detail: &str) -> Vec<String> {
    let mut out = vec![trim_name(headline).to_string()];
    for part in headline.split([':', ';', ',', '(', ')', '\u{2013}', '\u{2014}']) {
        // "Zhenotdel and abortion rights" is two names.
        let pieces: Vec<&str> = if part.contains(" and ") {
            std::iter::once(part).chain(part.split(" and ")).collect()
        } else {
            vec![part]
        };
        for piece in pieces {
            let piece = trim_name(piece);
            if worth_an_alias(piece) {
                out.push(piece.to_string());
            }
        }
    }
    // The detail's noun phrases, the most specific first (more words that
    // are not everyday ones), at most two.
    let mut phrases: Vec<(usize, usize, String)> = noun_phrases(detail)
        .into_iter()
        .enumerate()
        .map(|(i, p)| {
            let specific = p
                .split_whitespace()
                .filter(|w| !crate::authoring::check::is_loose_word(w))
                .count();
            (specific, i, p)
        })
        .filter(|(specific, _, _)| *specific >= 1)
        .collect();
    phrases.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    out.extend(phrases.into_iter().take(2).map(|(_, _, p)| p));
    // An acronym of the headline that the detail uses ("NEP").
    let initials: String = headline
        .split_whitespace()
        .filter(|w| w.chars().next().is_some_and(char::is_uppercase) && !GENERAL.contains(w))
        .filter_map(|w| w.chars().next())
        .collect();
    if initials.chars().count() >= 2
        && detail
            .split(|c: char| !c.is_alphanumeric())
            .any(|w| w == initials)
    {
        out.push(initials);
    }
    let mut seen = std::collections::HashSet::new();
    out.retain(|a| !tokenize(a).is_empty() && seen.insert(a.to_lowercase()));
    out
}

/// The detail's most specific word: a term no English word list has
/// ("kulaks", "Zhenotdel"), else its longest word that is not an everyday
/// one; never a number.
fn specific_word(detail: &str, skip: impl Fn(&str) -> bool) -> Option<String> {
    let words: Vec<&str> = detail
        .split(|c: char| !c.is_alphanumeric() && c != '-')
        .filter(|w| {
            !skip(w)
                && w.chars().count() >= 5
                && !w.chars().any(|c| c.is_ascii_digit())
                && !is_stopword(&w.to_lowercase())
                && !crate::authoring::check::is_loose_word(w)
                && !is_verb(w)
        })
        .collect();
    words
        .iter()
        .find(|w| !crate::text::dictionary::is_english_word(&w.to_lowercase()))
        .or_else(|| words.iter().max_by_key(|w| w.chars().count()))
        .map(|w| w.to_string())
}

/// A phrase's stemmed content words in order, to see one phrase inside another.
fn phrase_run(phrase: &str) -> Vec<String> {
    tokenize(phrase)
        .iter()
        .map(|t| t.stem.to_string())
        .filter(|w| !is_stopword(w))
        .collect()
}

/// A phrase's stemmed content words, sorted: two phrases with the same key
/// match the same plans (as `rubric check` compares them).
fn phrase_key(phrase: &str) -> Vec<String> {
    let mut key: Vec<String> = tokenize(phrase)
        .iter()
        .map(|t| t.stem.to_string())
        .filter(|w| !is_stopword(w))
        .collect();
    key.sort();
    key
}

/// Words that do not count towards an acronym ("Union *of* Soviet …").
const ACRONYM_FILLERS: &[&str] = &["of", "the", "and", "for", "in", "on", "to", "a", "an", "&"];

/// The abbreviations a starter rubric for `card` gets: acronyms the deck
/// itself spells out ("New Economic Policy (NEP)", or any capitalised name
/// whose initials the deck uses as a word), and `known` ones (other
/// rubrics' for the same deck) — each only when this card's text uses it or
/// what it stands for, so a deck on another topic gets none of them.
pub fn deck_abbreviations(
    deck: &crate::model::Deck,
    card: &Card,
    known: &BTreeMap<String, String>,
) -> BTreeMap<String, String> {
    let mut deck_text = String::new();
    for c in &deck.cards {
        deck_text.push_str(&c.question);
        deck_text.push('\n');
        deck_text.push_str(&c.judgement);
        deck_text.push('\n');
        for p in &c.points {
            deck_text.push_str(&p.headline);
            deck_text.push_str(". ");
            deck_text.push_str(&p.detail);
            deck_text.push('\n');
        }
    }
    let mut card_text = format!("{}\n{}\n", card.question, card.judgement);
    for p in &card.points {
        card_text.push_str(&format!("{}. {}\n", p.headline, p.detail));
    }
    let words = |t: &str| -> Vec<String> {
        t.split(|c: char| !c.is_alphanumeric() && c != '-' && c != '\'')
            .filter(|w| !w.is_empty())
            .map(str::to_string)
            .collect()
    };
    let card_words: std::collections::HashSet<String> = words(&card_text).into_iter().collect();
    let card_lower = card_text.to_lowercase();
    let mentions = |phrase: &str| {
        let p = phrase.to_lowercase();
        // Whole words only ("S" is not in "Stalin"), plurals allowed.
        card_lower.match_indices(&p).any(|(i, _)| {
            let before = card_lower[..i].chars().next_back();
            let rest = &card_lower[i + p.len()..];
            let rest = rest.strip_prefix('s').unwrap_or(rest);
            !before.is_some_and(char::is_alphanumeric)
                && !rest.chars().next().is_some_and(char::is_alphanumeric)
        })
    };
    let mut out = BTreeMap::new();
    // Acronyms the deck uses, with a capitalised name of the same initials.
    let deck_words = words(&deck_text);
    let acronyms: std::collections::BTreeSet<&String> = deck_words
        .iter()
        .filter(|w| {
            let n = w.chars().count();
            (2..=6).contains(&n) && w.chars().all(|c| c.is_ascii_uppercase())
        })
        .collect();
    for acronym in acronyms {
        let letters: Vec<char> = acronym.chars().collect();
        let mut expansion = None;
        for sentence in deck_text.split(['\n', '.', ';', ':', ',', '(', ')']) {
            let ws: Vec<&str> = sentence.split_whitespace().collect();
            for start in 0..ws.len() {
                let mut k = 0;
                let mut end = start;
                while end < ws.len() && k < letters.len() {
                    let w = ws[end];
                    if end > start && ACRONYM_FILLERS.contains(&w.to_lowercase().as_str()) {
                        end += 1;
                        continue;
                    }
                    let mut initials = w.split('-').filter_map(|p| p.chars().next());
                    let mut ok = true;
                    for i in initials.by_ref() {
                        if k < letters.len() && i.is_uppercase() && i == letters[k] {
                            k += 1;
                        } else {
                            ok = false;
                            break;
                        }
                    }
                    if !ok {
                        break;
                    }
                    end += 1;
                }
                if k == letters.len() && end - start >= 2 {
                    let name = ws[start..end]
                        .join(" ")
                        .trim_matches(|c: char| !c.is_alphanumeric())
                        .to_string();
                    expansion = Some(name);
                    break;
                }
            }
            if expansion.is_some() {
                break;
            }
        }
        if let Some(name) = expansion
            && (card_words.contains(acronym.as_str()) || mentions(&name))
        {
            out.insert(acronym.clone(), name);
        }
    }
    for (k, v) in known {
        if mentions(v) || card_words.contains(k.as_str()) {
            out.entry(k.clone()).or_insert_with(|| v.clone());
        }
    }
    out
}

/// The years a question is about, from the years it names: a range
/// ("1928–41"), a decade ("the 1930s") or several years give a period to use
/// (`true`); a single year ("in 1921") only a suggestion (`false`), since a
/// question about why something happened then reaches back before it.
pub fn question_period(question: &str) -> Option<([i32; 2], bool)> {
    let dates = crate::text::numbers::dates(question, 1900);
    let from = dates.iter().map(|d| d.from).min()?;
    let to = dates.iter().map(|d| d.to).max()?;
    Some(([from, to], from != to))
}

/// The starter rubric's TOML text.
pub fn starter_rubric(
    deck: &str,
    card: &Card,
    abbreviations: &BTreeMap<String, String>,
    id: &str,
) -> String {
    let mut s = String::new();
    let card_ref = format!("{deck}/{}", card.id);
    let _ = writeln!(
        s,
        "# Starter rubric for {card_ref}, drafted by `planmark rubric new`."
    );
    let _ = writeln!(s, "# {}", card.question);
    let _ = writeln!(s, "#");
    let _ = writeln!(
        s,
        "# Edit the aliases to the words students really write, then run"
    );
    let _ = writeln!(
        s,
        "#   planmark rubric check FILE      (errors and mis-grading warnings)"
    );
    let _ = writeln!(
        s,
        "#   planmark rubric test ID         (with ID.samples.toml of marked plans beside it)"
    );
    let _ = writeln!(s);
    let _ = writeln!(
        s,
        "id = {}                  # how `--rubric` names this rubric",
        toml_string(id)
    );
    let _ = writeln!(s, "card = {}   # the card it marks", toml_string(&card_ref));
    let _ = writeln!(s, "max-mark = 25");
    let period = question_period(&card.question);
    match period {
        Some((period, true)) => {
            let _ = writeln!(
                s,
                "period = [{}, {}]   # the question's years: a match dated only outside them does not count",
                period[0], period[1]
            );
        }
        Some((period, false)) => {
            let _ = writeln!(
                s,
                "# The question names one year; causes usually lie before it, so choose the start:"
            );
            let _ = writeln!(s, "# period = [{}, {}]", period[0], period[1]);
        }
        None => {}
    }
    let _ = writeln!(s);
    let _ = writeln!(
        s,
        "# Whole-token expansions applied to a plan before matching. Keys of one or two"
    );
    let _ = writeln!(
        s,
        "# letters match only in that exact case (\"S\", not \"s\")."
    );
    let _ = writeln!(s, "[abbreviations]");
    for (k, v) in abbreviations {
        let _ = writeln!(s, "{} = {}", toml_string(k), toml_string(v));
    }
    let mut used = std::collections::HashSet::new();
    let mut taken = std::collections::HashSet::new();
    // Every point's aliases, so that none is made of words inside another
    // point's longer alias: the grader credits the longer one there.
    let runs: Vec<Vec<Vec<String>>> = card
        .points
        .iter()
        .map(|p| {
            aliases(&p.headline, &p.detail)
                .iter()
                .map(|a| phrase_run(a))
                .collect()
        })
        .collect();
    let inside_other = |i: usize, phrase: &str| {
        let run = phrase_run(phrase);
        !run.is_empty()
            && runs.iter().enumerate().any(|(j, theirs)| {
                j != i
                    && theirs
                        .iter()
                        .any(|t| t.len() > run.len() && t.windows(run.len()).any(|w| w == run))
            })
    };
    let mut with_evidence = 0;
    let (mut n_for, mut n_against) = (0u32, 0u32);
    for (i, p) in card.points.iter().enumerate() {
        let mut fid = slug(&p.headline);
        if fid.is_empty() {
            fid = format!("point-{}", i + 1);
        }
        while !used.insert(fid.clone()) {
            fid.push_str("-2");
        }
        let ev = evidence(&p.detail, &card.question);
        with_evidence += usize::from(!ev.is_empty());
        match p.side {
            Side::For => n_for += 1,
            Side::Against => n_against += 1,
            Side::Neutral => {}
        }
        let _ = writeln!(s);
        if i == 0 {
            let _ = writeln!(
                s,
                "# One [[factor]] per point of the card. `phrases` are aliases: a phrase matches when"
            );
            let _ = writeln!(
                s,
                "# its words appear in one sentence or bullet, in any order, a few words apart, after"
            );
            let _ = writeln!(
                s,
                "# stemming and typo-forgiving. `evidence` is the precise detail that substantiates"
            );
            let _ = writeln!(
                s,
                "# the factor (same sentence). `hint` is shown when the factor is missing. Add"
            );
            let _ = writeln!(
                s,
                "# `patterns = ['regex']` for wordings phrases cannot catch and `exclude = [...]` for"
            );
            let _ = writeln!(
                s,
                "# wordings that only look alike; `weight` (default 1.0) counts towards coverage."
            );
        }
        let _ = writeln!(s, "[[factor]]");
        let _ = writeln!(s, "id = {}", toml_string(&fid));
        let _ = writeln!(s, "label = {}", toml_string(&p.headline));
        let _ = writeln!(s, "side = {}", toml_string(p.side.as_str()));
        // A phrase in two factors credits both: the first point keeps it.
        let mut own = aliases(&p.headline, &p.detail);
        own.retain(|a| !inside_other(i, a) && taken.insert(phrase_key(a)));
        // A student who writes the card's detail must get credit: when no
        // alias is in it, its most specific word is one.
        let detail_key = phrase_key(&p.detail);
        if !own
            .iter()
            .any(|a| phrase_key(a).iter().all(|w| detail_key.contains(w)))
            && let Some(word) = specific_word(&p.detail, |w| inside_other(i, w))
            && taken.insert(phrase_key(&word))
        {
            own.push(word);
        }
        let _ = writeln!(s, "phrases = {}", toml_list(&own));
        if !ev.is_empty() {
            let _ = writeln!(s, "evidence = {}", toml_list(&ev));
        }
        // A point dated outside the question's years ("from 1922" for a
        // question on 1924–29) gets a period of its own that takes them in.
        if let Some(([from, to], true)) = period {
            let dates = crate::text::numbers::dates(&p.detail, from / 100 * 100);
            let lo = dates.iter().map(|d| d.from).min().unwrap_or(from).min(from);
            let hi = dates.iter().map(|d| d.to).max().unwrap_or(to).max(to);
            if [lo, hi] != [from, to] {
                let _ = writeln!(
                    s,
                    "period = [{lo}, {hi}]   # the point's own dates reach outside the question's"
                );
            }
        }
        let _ = writeln!(s, "hint = {}", toml_string(&p.detail));
    }
    // A judgement wording of the card's own, if none of the built-in ones is in it.
    let judgement_lower = card.judgement.to_lowercase();
    if !JUDGEMENT_CUES
        .iter()
        .any(|c| judgement_lower.contains(&c.to_lowercase()))
    {
        let opening: Vec<&str> = card.judgement.split_whitespace().take(5).collect();
        let _ = writeln!(s);
        let _ = writeln!(
            s,
            "# Wordings that count as a judgement, on top of the built-in ones (\"to a large"
        );
        let _ = writeln!(s, "# extent\", \"overall\", \"the most important\", ...).");
        let _ = writeln!(s, "[judgement]");
        let _ = writeln!(s, "phrases = {}", toml_list(&[opening.join(" ")]));
    }
    let per_side = |n: u32| n_for.min(n_against).min(n);
    let ev = |n: usize| with_evidence.min(n);
    let _ = writeln!(s);
    let _ = writeln!(
        s,
        "# AQA 25-mark levels. Bands are tried top to bottom; the first whose conditions all"
    );
    let _ = writeln!(
        s,
        "# hold applies. Within a band the mark rises with coverage (covered weight / total)."
    );
    for (level, marks, cov, side, judge, evidence, factors) in [
        (
            5,
            [21, 25],
            Some(0.55),
            Some(per_side(3)),
            true,
            Some(ev(4)),
            None,
        ),
        (
            4,
            [16, 20],
            Some(0.4),
            Some(per_side(2)),
            true,
            Some(ev(2)),
            None,
        ),
        (
            3,
            [11, 15],
            Some(0.25),
            Some(per_side(1)),
            false,
            None,
            Some(card.points.len().min(4)),
        ),
        (
            2,
            [6, 10],
            Some(0.1),
            None,
            false,
            None,
            Some(card.points.len().min(2)),
        ),
        (1, [1, 5], None, None, false, None, Some(1)),
        (0, [0, 0], None, None, false, None, None),
    ] {
        let _ = writeln!(
            s,
            "\n[[band]]\nlevel = {level}\nmarks = [{}, {}]",
            marks[0], marks[1]
        );
        if let Some(n) = factors {
            let _ = writeln!(s, "min-factors = {n}");
        }
        if let Some(c) = cov {
            let _ = writeln!(s, "min-coverage = {c}");
        }
        if let Some(n) = side.filter(|&n| n > 0) {
            let _ = writeln!(s, "min-per-side = {n}");
        }
        if judge {
            let _ = writeln!(s, "judgement = true");
        }
        if let Some(n) = evidence.filter(|&n| n > 0) {
            let _ = writeln!(s, "min-evidence = {n}");
        }
        // A bare timeline describes; from Level 3 up a plan must argue.
        if level >= 3 {
            let _ = writeln!(s, "analysis = true");
        }
    }
    s
}

/// Grades the card's own model answer with a starter rubric's text.
pub fn model_answer_level(text: &str, card: &Card) -> Option<(u32, u32)> {
    let rubric: Rubric = toml::from_str(text).ok()?;
    let top = rubric.bands.first()?.level;
    let g = Grader::new(rubric).ok()?.grade("model", &card.model_plan());
    Some((g.level, top))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_dates_figures_and_names() {
        let ev = evidence(
            "The Lenin Enrolment of 1924 brought over 200,000 members; in May 1924 Kamenev agreed with Stalin.",
            "Why did Stalin win?",
        );
        assert!(
            !ev.contains(&"Stalin".to_string()),
            "the question's actors are not evidence"
        );
        assert!(ev.contains(&"1924".to_string()), "{ev:?}");
        assert!(ev.contains(&"200,000".to_string()));
        assert!(ev.contains(&"May 1924".to_string()));
        assert!(ev.contains(&"Lenin Enrolment".to_string()));
        assert!(ev.contains(&"Kamenev".to_string()));
    }

    #[test]
    fn aliases_are_noun_phrases_not_fragments_or_figures() {
        let a = aliases(
            "The double burden",
            "Most women worked full time and still did nearly all the housework and childcare.",
        );
        assert_eq!(a[0], "double burden", "{a:?}");
        assert!(
            a.iter()
                .all(|x| !x.contains("Most") && !x.contains("worked")),
            "{a:?}"
        );
        let a = aliases(
            "The secret police",
            "The secret police grew to 4000 informers in each city by 1929.",
        );
        assert!(a.contains(&"secret police".to_string()), "{a:?}");
        assert!(
            a.iter().all(|x| !x.chars().any(|c| c.is_ascii_digit())),
            "no figures: {a:?}"
        );
        // A headline of two names gives both.
        let a = aliases(
            "Zhenotdel and abortion rights",
            "Kollontai's women's department campaigned hard.",
        );
        assert!(a.contains(&"Zhenotdel".to_string()) && a.contains(&"abortion rights".to_string()));
        assert_eq!(
            noun_phrases("Trotsky's Red Army defeated the divided Whites."),
            ["Trotsky's Red Army"]
        );
    }

    #[test]
    fn abbreviations_come_from_the_deck_and_the_card() {
        let deck: crate::model::Deck = toml::from_str(
            r#"id = "interwar"
title = "Interwar"
[[card]]
id = "league"
question = "How far did the League of Nations fail in the 1930s?"
judgement = "The LN failed when great powers ignored it."
[[card.point]]
side = "for"
headline = "Manchuria"
detail = "Japan left the LN in 1933."
[[card]]
id = "treaty"
question = "Was the Treaty of Versailles fair?"
judgement = "Harsh but not ruinous."
[[card.point]]
side = "against"
headline = "Reparations"
detail = "The Reparations Commission (RC) set 132 billion marks."
"#,
        )
        .unwrap();
        let known: BTreeMap<String, String> = [
            ("S", "Stalin"),
            ("SIOC", "socialism in one country"),
            ("ToV", "Treaty of Versailles"),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        let league = deck_abbreviations(&deck, &deck.cards[0], &known);
        assert_eq!(
            league.get("LN").map(String::as_str),
            Some("League of Nations")
        );
        assert!(
            !league.contains_key("S") && !league.contains_key("SIOC"),
            "{league:?}"
        );
        assert!(
            !league.contains_key("RC"),
            "another card's acronym: {league:?}"
        );
        let treaty = deck_abbreviations(&deck, &deck.cards[1], &known);
        assert_eq!(
            treaty.get("ToV").map(String::as_str),
            Some("Treaty of Versailles")
        );
        assert_eq!(
            treaty.get("RC").map(String::as_str),
            Some("Reparations Commission")
        );
    }

    #[test]
    fn the_period_comes_from_the_questions_years() {
        assert_eq!(
            question_period("To what extent was collectivisation a success in the years 1928–41?"),
            Some(([1928, 1941], true))
        );
        assert_eq!(
            question_period("How important was propaganda in the 1930s?"),
            Some(([1930, 1939], true))
        );
        assert_eq!(
            question_period(
                "How significant was Kronstadt in the introduction of the NEP in 1921?"
            ),
            Some(([1921, 1921], false))
        );
        assert_eq!(question_period("Why did Stalin win?"), None);
    }

    #[test]
    fn slugs_are_short_and_clean() {
        assert_eq!(
            slug("Lenin's funeral, January 1924"),
            "lenin-s-funeral-january-1924"
        );
        assert_eq!(slug("  ??  "), "");
        // Long ones are cut between words, never inside one.
        assert_eq!(
            slug("The Treaty of Versailles: the main reason for German resentment"),
            "the-treaty-of-versailles-the-main-reason"
        );
    }
}
