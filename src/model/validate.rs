//! Checks a parsed rubric or deck for mistakes serde cannot see: regexes that
//! do not compile, bands above `max-mark`, factors with nothing to match.

use super::deck::Deck;
use super::diag::Diagnostic;
use super::load::{Locator, Seg};
use super::rubric::Rubric;
use std::collections::HashSet;

/// Errors in a rubric (each with a span when the source is TOML).
pub fn rubric_errors(r: &Rubric, loc: &Locator) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    if r.id.trim().is_empty() {
        out.push(
            Diagnostic::error("the rubric `id` is empty")
                .at(loc.span(&[Seg::Key("id")]))
                .help("give the rubric a short id such as `stalin-trotsky`"),
        );
    }
    if r.factors.is_empty() {
        out.push(
            Diagnostic::error("the rubric has no factors")
                .help("add at least one [[factor]] table with `id`, `label` and `phrases = [...]`"),
        );
    }
    if r.bands.is_empty() && r.max_mark.is_none() {
        out.push(
            Diagnostic::error("the rubric has neither `max-mark` nor any [[band]]")
                .help("add `max-mark = 25` and [[band]] tables with `level` and `marks`"),
        );
    }

    let mut seen = HashSet::new();
    for (i, f) in r.factors.iter().enumerate() {
        let at = |key: &'static str| loc.span(&[Seg::Key("factor"), Seg::Index(i), Seg::Key(key)]);
        if f.id.trim().is_empty() {
            out.push(Diagnostic::error("a factor has an empty `id`").at(at("id")));
        } else if !seen.insert(f.id.as_str()) {
            out.push(
                Diagnostic::error(format!("factor id `{}` is used twice", f.id))
                    .at(at("id"))
                    .label("duplicate id")
                    .help("every factor needs its own id; rename one of them"),
            );
        }
        if f.phrases.iter().all(|p| p.text.trim().is_empty()) && f.patterns.is_empty() {
            out.push(
                Diagnostic::error(format!(
                    "factor `{}` has no phrase or pattern to match",
                    f.id
                ))
                .at(loc.span(&[Seg::Key("factor"), Seg::Index(i)]))
                .label("nothing here can match a plan")
                .help(format!(
                    "add `phrases = [\"{}\"]` (and aliases students use) or `patterns = ['...']`",
                    f.label
                )),
            );
        }
        let weight_help = "use a weight of 0 or more, such as 1.0 (the default) or 2.0; 0 credits the factor without counting it towards coverage";
        if f.weight.is_nan() {
            out.push(
                Diagnostic::error(format!(
                    "factor `{}` has weight nan, which is not a number",
                    f.id
                ))
                .at(at("weight"))
                .help(weight_help),
            );
        } else if f.weight.is_infinite() {
            out.push(
                Diagnostic::error(format!(
                    "factor `{}` has an infinite weight; weights must be finite numbers",
                    f.id
                ))
                .at(at("weight"))
                .help(weight_help),
            );
        } else if f.weight < 0.0 {
            out.push(
                Diagnostic::error(format!(
                    "factor `{}` has weight {}, which is below 0",
                    f.id, f.weight
                ))
                .at(at("weight"))
                .help(weight_help),
            );
        }
        let empty = |item: &str| item.trim().is_empty() || crate::text::tokenize(item).is_empty();
        let empty_entry = |key: &str, path: Vec<Seg>| {
            Diagnostic::error(format!("factor `{}` has an empty entry in `{key}`", f.id))
                .at(loc.span(&path))
                .help("remove it, or write the words it should match")
        };
        for (key, list) in [
            ("exclude", &f.exclude),
            ("evidence", &f.evidence),
            ("with", &f.with),
            ("not", &f.not),
        ] {
            for (j, item) in list.iter().enumerate() {
                if empty(item) {
                    out.push(empty_entry(
                        key,
                        vec![
                            Seg::Key("factor"),
                            Seg::Index(i),
                            Seg::Key(key),
                            Seg::Index(j),
                        ],
                    ));
                }
            }
        }
        for (j, p) in f.phrases.iter().enumerate() {
            let path = [
                Seg::Key("factor"),
                Seg::Index(i),
                Seg::Key("phrases"),
                Seg::Index(j),
            ];
            if empty(&p.text) {
                let mut at = path.to_vec();
                if p.with.is_some() {
                    at.push(Seg::Key("text"));
                }
                out.push(empty_entry("phrases", at));
            }
            for (k, w) in p.with.iter().flatten().enumerate() {
                if empty(w) {
                    let mut at = path.to_vec();
                    at.extend([Seg::Key("with"), Seg::Index(k)]);
                    out.push(
                        Diagnostic::error(format!(
                            "phrase `{}` of factor `{}` has an empty entry in `with`",
                            p.text, f.id
                        ))
                        .at(loc.span(&at))
                        .help("remove it, or write the companion words; `with = []` means no condition"),
                    );
                }
            }
        }
        if let Some(period) = f.period {
            out.extend(period_error(
                period,
                loc.span(&[Seg::Key("factor"), Seg::Index(i), Seg::Key("period")]),
            ));
        }
        for (j, pattern) in f.patterns.iter().enumerate() {
            let error = regex_error(pattern);
            if error.is_none() && matches_empty(pattern) {
                out.push(
                    Diagnostic::error(format!(
                        "pattern {} of factor `{}` can match without any words, so it would credit every plan",
                        j + 1,
                        f.id
                    ))
                    .at(loc.span(&[
                        Seg::Key("factor"),
                        Seg::Index(i),
                        Seg::Key("patterns"),
                        Seg::Index(j),
                    ]))
                    .label("matches the empty string")
                    .help("make the pattern require at least one word, e.g. `testament\\W+hidden` rather than `.*` or `x*`; remove an empty pattern"),
                );
            }
            if let Some(d) = error {
                let span = loc.span(&[
                    Seg::Key("factor"),
                    Seg::Index(i),
                    Seg::Key("patterns"),
                    Seg::Index(j),
                ]);
                let span = match (span, d.0) {
                    // Point inside the string literal, through its escapes.
                    (Some(s), Some(inner)) => loc.span_in_string(s.clone(), inner).or(Some(s)),
                    (s, _) => s,
                };
                out.push(
                    Diagnostic::error(format!(
                        "pattern {} of factor `{}` is not a valid regex: {}",
                        j + 1,
                        f.id,
                        d.1
                    ))
                    .at(span)
                    .label(d.1.clone())
                    .help(d.2),
                );
            }
        }
    }

    let finite_weights: Vec<f64> = r
        .factors
        .iter()
        .map(|f| f.weight)
        .filter(|w| w.is_finite())
        .collect();
    if finite_weights.len() == r.factors.len() && !finite_weights.iter().sum::<f64>().is_finite() {
        out.push(
            Diagnostic::error("the factor weights add up to more than a number can hold (the total weight is infinite)")
                .help("weights are relative: use small numbers such as 1.0, 1.5 and 2.0"),
        );
    }
    if let Some(m) = r.max_mark
        && m > MAX_MARK_LIMIT
    {
        out.push(
            Diagnostic::error(format!(
                "`max-mark = {m}` is more than {MAX_MARK_LIMIT}, the most planmark allows"
            ))
            .at(loc.span(&[Seg::Key("max-mark")]))
            .help(format!(
                "essay questions are marked out of tens of marks: use a max-mark of at most {MAX_MARK_LIMIT}, such as 25"
            )),
        );
    }
    if let Some(period) = r.period {
        out.extend(period_error(period, loc.span(&[Seg::Key("period")])));
    }

    let max = r.max_mark();
    for (i, b) in r.bands.iter().enumerate() {
        let at = |key: &'static str| loc.span(&[Seg::Key("band"), Seg::Index(i), Seg::Key(key)]);
        if let Some(n) = loc.array_len(&[Seg::Key("band"), Seg::Index(i), Seg::Key("marks")])
            && n != 2
        {
            out.push(
                Diagnostic::error(format!(
                    "band level {} has {n} numbers in `marks`; it needs exactly two, the lowest and highest mark",
                    b.level
                ))
                .at(at("marks"))
                .help(format!("write `marks = [{}, {}]`", b.marks[0], b.marks[1])),
            );
        }
        if b.level > LEVEL_LIMIT {
            out.push(
                Diagnostic::error(format!(
                    "band `level = {}` is more than {LEVEL_LIMIT}, the highest level planmark allows",
                    b.level
                ))
                .at(at("level"))
                .help("number the levels from 0 or 1 upwards, e.g. AQA's levels 1 to 5"),
            );
        }
        let [lo, hi] = b.marks;
        if r.max_mark.is_none() && hi > MAX_MARK_LIMIT {
            out.push(
                Diagnostic::error(format!(
                    "band level {} goes up to {hi} marks, more than {MAX_MARK_LIMIT}, the most planmark allows",
                    b.level
                ))
                .at(at("marks"))
                .help(format!("use marks of at most {MAX_MARK_LIMIT}")),
            );
        }
        if lo > hi {
            out.push(
                Diagnostic::error(format!(
                    "band level {} has marks [{lo}, {hi}]: the lower mark is above the upper",
                    b.level
                ))
                .at(at("marks"))
                .help(format!("write `marks = [{hi}, {lo}]`")),
            );
        }
        if let Some(m) = r.max_mark
            && hi > m
        {
            out.push(
                Diagnostic::error(format!(
                    "band level {} goes up to {hi} marks, above `max-mark = {m}`",
                    b.level
                ))
                .at(at("marks"))
                .label(format!("{hi} > {max}"))
                .help(format!(
                    "lower the band's marks to at most {m}, or raise `max-mark`"
                )),
            );
        }
        if let Some(c) = b.min_coverage
            && !(0.0..=1.0).contains(&c)
        {
            out.push(
                Diagnostic::error(format!(
                    "band level {} has `min-coverage = {c}`, outside 0 to 1",
                    b.level
                ))
                .at(at("min-coverage"))
                .help("coverage is the covered share of the factor weight: use e.g. 0.6 for 60%"),
            );
        }
    }
    for (key, value) in &r.abbreviations {
        if key.trim().is_empty() || value.trim().is_empty() || crate::text::tokenize(key).is_empty()
        {
            out.push(
                Diagnostic::error(format!(
                    "abbreviation `{key}` = `{value}` is empty or has no letters"
                ))
                .at(loc.span(&[Seg::Key("abbreviations"), Seg::Key(key)]))
                .help("write e.g. `SIOC = \"socialism in one country\"`"),
            );
        }
    }
    out.extend(control_errors(r, loc));
    out
}

/// The highest `max-mark` (and band mark) a rubric may have: enough for any
/// essay question, and small enough that a per-mark table stays tiny.
pub const MAX_MARK_LIMIT: u32 = 1000;
/// The highest band `level`.
pub const LEVEL_LIMIT: u32 = 20;

/// Whether a pattern can match without consuming any text (`""`, `.*`,
/// `\b`, `x*`): it would credit every plan.
fn matches_empty(pattern: &str) -> bool {
    match regex_syntax::ParserBuilder::new()
        .case_insensitive(true)
        .build()
        .parse(pattern)
    {
        Ok(hir) => hir.properties().minimum_len() == Some(0),
        Err(_) => false,
    }
}

/// The years a `period` may name: four-digit years, as plans write them.
pub const PERIOD_YEARS: std::ops::RangeInclusive<i32> = 1000..=2999;

/// What is wrong with a `period = [from, to]`, if anything.
fn period_error(period: [i32; 2], span: Option<std::ops::Range<usize>>) -> Option<Diagnostic> {
    let [from, to] = period;
    if !PERIOD_YEARS.contains(&from) || !PERIOD_YEARS.contains(&to) {
        return Some(
            Diagnostic::error(format!(
                "`period = [{from}, {to}]` is not a pair of four-digit years"
            ))
            .at(span)
            .label("not a year")
            .help(
                "write the first and last year the question covers, e.g. `period = [1918, 1921]`",
            ),
        );
    }
    if from > to {
        return Some(
            Diagnostic::error(format!("`period = [{from}, {to}]` ends before it starts"))
                .at(span)
                .label("the first year is after the last")
                .help(format!("write `period = [{to}, {from}]`")),
        );
    }
    None
}

/// Why a pattern does not compile: (span inside the pattern, what, how to fix).
///
/// Loading a library checks every rubric's patterns, so the check is the
/// syntax only (parsing is cheap; building the automata of every pattern of
/// every built-in rubric took ~100 ms at each start). The automaton is built,
/// and a pattern over the size limit reported, when a grader is made.
fn regex_error(pattern: &str) -> Option<(Option<std::ops::Range<usize>>, String, String)> {
    if crate::text::pattern::parses(pattern) {
        return None;
    }
    let err = crate::text::pattern::build(pattern).err()?;
    let mut help =
        String::from("patterns use the Rust `regex` syntax; escape literal brackets as `\\(`");
    if ["(?=", "(?!", "(?<=", "(?<!"]
        .iter()
        .any(|l| pattern.contains(l))
    {
        help = "look-around (`(?=`, `(?!`, `(?<=`, `(?<!`) is not supported by the `regex` crate; \
                match the wording directly, and list wordings that must not count in `exclude`"
            .into();
    } else if (1..=9).any(|n| pattern.contains(&format!("\\{n}"))) {
        help = "back-references (`\\1`) are not supported by the `regex` crate; spell the repeated wording out".into();
    }
    let (span, what) = match regex_syntax::ast::parse::Parser::new().parse(pattern) {
        Err(e) => (
            Some(e.span().start.offset..e.span().end.offset.max(e.span().start.offset + 1)),
            e.kind().to_string(),
        ),
        Ok(_) => (
            None,
            err.to_string()
                .lines()
                .last()
                .unwrap_or("invalid")
                .trim()
                .to_string(),
        ),
    };
    Some((span, what, help))
}

/// Control characters (ESC, BEL, …) anywhere in a deck's or rubric's text:
/// printed, they would drive the terminal. Newlines and tabs are fine.
pub fn control_errors<T: serde::Serialize>(item: &T, loc: &Locator) -> Vec<Diagnostic> {
    fn walk<'a>(
        v: &'a serde_json::Value,
        path: &mut Vec<Seg<'a>>,
        loc: &Locator,
        out: &mut Vec<Diagnostic>,
    ) {
        match v {
            serde_json::Value::String(s) => {
                if let Some(c) = s
                    .chars()
                    .find(|c| c.is_control() && !matches!(c, '\n' | '\t' | '\r'))
                {
                    out.push(
                        Diagnostic::error(format!(
                            "a value holds the control character U+{:04X}, which would drive the terminal when shown",
                            c as u32
                        ))
                        .at(loc.span(path))
                        .help("remove it; only plain text, new lines and tabs are allowed"),
                    );
                }
            }
            serde_json::Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    path.push(Seg::Index(i));
                    walk(item, path, loc, out);
                    path.pop();
                }
            }
            serde_json::Value::Object(map) => {
                for (k, item) in map {
                    if k.chars().any(|c| c.is_control()) {
                        out.push(
                            Diagnostic::error("a key holds a control character")
                                .at(loc.span(path))
                                .help("remove it"),
                        );
                    }
                    path.push(Seg::Key(k));
                    walk(item, path, loc, out);
                    path.pop();
                }
            }
            _ => {}
        }
    }
    let Ok(value) = serde_json::to_value(item) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    walk(&value, &mut Vec::new(), loc, &mut out);
    out.truncate(20);
    out
}

const ID_HELP: &str = "use a short id of letters, digits and `-`, such as `stalin-trotsky`";

/// Why `id` cannot be a deck or card id, if it cannot. Ids become file names
/// and parts of `DECK/CARD`, so they may not be empty, hold `/`, `\\` or `:`,
/// start with `.`, hold control characters, or run past 100 characters.
/// The loader and `deck import` apply the same rule.
pub fn id_problem(id: &str) -> Option<&'static str> {
    if id.trim().is_empty() {
        Some("is empty")
    } else if id.contains(['/', '\\', ':']) {
        Some("must not contain `/`, `\\` or `:`")
    } else if id.starts_with('.') {
        Some("must not start with `.`")
    } else if id.chars().any(char::is_control) {
        Some("must not contain control characters")
    } else if id.trim() != id {
        Some("must not start or end with a space")
    } else if id.chars().count() > 100 {
        Some("is longer than 100 characters")
    } else {
        None
    }
}

/// Errors in a deck.
pub fn deck_errors(d: &Deck, loc: &Locator) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let mut seen = HashSet::new();
    for (i, c) in d.cards.iter().enumerate() {
        if !seen.insert(c.id.as_str()) {
            out.push(
                Diagnostic::error(format!(
                    "card id `{}` is used twice in deck `{}`",
                    c.id, d.id
                ))
                .at(loc.span(&[Seg::Key("card"), Seg::Index(i), Seg::Key("id")]))
                .help("give each card its own id"),
            );
        }
        if let Some(why) = id_problem(&c.id) {
            out.push(
                Diagnostic::error(format!("card id `{}` {why}", crate::display::clean(&c.id)))
                    .at(loc.span(&[Seg::Key("card"), Seg::Index(i), Seg::Key("id")]))
                    .help(ID_HELP),
            );
        }
    }
    if let Some(why) = id_problem(&d.id) {
        out.push(
            Diagnostic::error(format!("deck id `{}` {why}", crate::display::clean(&d.id)))
                .at(loc.span(&[Seg::Key("id")]))
                .help(ID_HELP),
        );
    }
    out.extend(control_errors(d, loc));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regex_errors_point_inside_the_pattern() {
        let (span, what, _) = regex_error("testament (hidden").unwrap();
        assert_eq!(span, Some(10..11));
        assert!(what.contains("unclosed"), "{what}");
        let (_, _, help) = regex_error("(?<!not )published)").unwrap();
        assert!(help.contains("look-around"));
        assert!(regex_error("testament\\W+hidden").is_none());
    }

    #[test]
    fn patterns_that_need_no_words_are_spotted() {
        for p in ["", ".*", r"\b", "x*", "(a|)"] {
            assert!(matches_empty(p), "{p}");
        }
        assert!(!matches_empty(r"testament\W+hidden"));
        assert!(!matches_empty(r"\bgen sec\b"));
    }
}
