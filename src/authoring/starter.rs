//! `rubric new`: a starter rubric drafted from a card, for a teacher to edit.
//! A factor per point (headline as label, aliases from the headline and the
//! names in the detail, dates and names as evidence, the detail as hint), the
//! AQA 25-mark levels, and comments explaining every key.

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

fn slug(text: &str) -> String {
    let mut s = String::new();
    for c in text.to_lowercase().chars() {
        if c.is_ascii_alphanumeric() {
            s.push(c);
        } else if !s.ends_with('-') && !s.is_empty() {
            s.push('-');
        }
    }
    let s = s.trim_end_matches('-');
    s.chars()
        .take(40)
        .collect::<String>()
        .trim_end_matches('-')
        .to_string()
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

/// Aliases: the headline, its parts, and the opening words of the detail (so
/// a student who writes the point as the card does gets credit).
fn aliases(headline: &str, detail: &str) -> Vec<String> {
    let mut out = vec![headline.trim().to_string()];
    for part in headline.split([':', ';', ',', '(', ')', '\u{2013}', '\u{2014}']) {
        let part = part.trim();
        let letters = part.chars().filter(|c| c.is_alphabetic()).count();
        let only_a_date = part
            .split_whitespace()
            .all(|w| MONTHS.contains(&w) || w.chars().all(|c| c.is_ascii_digit() || c == '-'));
        let loose =
            part.split_whitespace().count() == 1 && crate::authoring::check::is_loose_word(part);
        if letters >= 4 && !only_a_date && !loose {
            out.push(part.to_string());
        }
    }
    // The detail's opening words up to its third content word: a student
    // who writes the point as the card does will use them.
    // Parentheses hold dates and asides, not the words students write.
    let mut plain = String::with_capacity(detail.len());
    let mut depth = 0usize;
    for c in detail.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            _ if depth == 0 => plain.push(c),
            _ => {}
        }
    }
    let cut = ["; ", ": ", ". "]
        .iter()
        .filter_map(|sep| plain.find(sep))
        .min()
        .unwrap_or(plain.len());
    let clause = plain[..cut].split([';', ':']).next().unwrap_or_default();
    let mut content = 0;
    let opening: Vec<&str> = clause
        .split_whitespace()
        .take_while(|w| {
            let keep = content < 3;
            let word = w
                .trim_matches(|c: char| !c.is_alphanumeric())
                .to_lowercase();
            content += usize::from(!crate::grade::phrase::is_stopword(&word));
            keep
        })
        .map(|w| w.trim_end_matches(','))
        .collect();
    if content >= 2 {
        out.push(opening.join(" "));
    }
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

/// The starter rubric's TOML text.
pub fn starter_rubric(deck: &str, card: &Card, abbreviations: &BTreeMap<String, String>) -> String {
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
    let id = slug(&card.id);
    let _ = writeln!(
        s,
        "id = {}                  # how `--rubric` names this rubric",
        toml_string(&id)
    );
    let _ = writeln!(s, "card = {}   # the card it marks", toml_string(&card_ref));
    let _ = writeln!(s, "max-mark = 25");
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
        let _ = writeln!(
            s,
            "phrases = {}",
            toml_list(&aliases(&p.headline, &p.detail))
        );
        if !ev.is_empty() {
            let _ = writeln!(s, "evidence = {}", toml_list(&ev));
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
    fn slugs_are_short_and_clean() {
        assert_eq!(
            slug("Lenin's funeral, January 1924"),
            "lenin-s-funeral-january-1924"
        );
        assert_eq!(slug("  ??  "), "");
    }
}
