//! Dates and figures in plan text: the years a sentence is about (so a
//! rubric's `period` can tell the purges of 1937 from the Red Terror of 1918)
//! and the numbers that back a point up ("steel rose from 4 to 18 million
//! tons", "urban pop 26m to 56m", "30%"). Works on the original text and
//! returns byte spans into it; knows nothing about rubrics.

use regex::Regex;
use std::ops::Range;
use std::sync::OnceLock;

/// A date written in the text, as the span of years it names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dated {
    /// Byte range in the text given.
    pub span: Range<usize>,
    pub from: i32,
    pub to: i32,
}

impl Dated {
    /// Whether any year of this date falls in `[from, to]`.
    pub fn overlaps(&self, period: [i32; 2]) -> bool {
        self.from <= period[1] && self.to >= period[0]
    }
}

/// Words that say a four-digit number counts things rather than naming a
/// year ("2000 tanks", "1500 delegates").
const COUNTED: &[&str] = &[
    "people",
    "men",
    "women",
    "children",
    "soldiers",
    "troops",
    "sailors",
    "officers",
    "tanks",
    "planes",
    "aircraft",
    "guns",
    "rifles",
    "trucks",
    "lorries",
    "vehicles",
    "deaths",
    "dead",
    "killed",
    "died",
    "executed",
    "executions",
    "arrested",
    "arrests",
    "prisoners",
    "victims",
    "members",
    "delegates",
    "workers",
    "peasants",
    "kulaks",
    "families",
    "households",
    "villages",
    "factories",
    "farms",
    "churches",
    "priests",
    "tons",
    "tonnes",
    "ton",
    "tonne",
    "km",
    "miles",
    "kilometres",
    "kilometers",
    "roubles",
    "rubles",
    "dollars",
    "pounds",
    "calories",
    "hours",
    "days",
    "copies",
    "posters",
    "films",
    "books",
    "strikes",
    "strikers",
    "votes",
    "seats",
    "deputies",
    "casualties",
    "wounded",
    "deserters",
    "desertions",
    "refugees",
    "horses",
    "cattle",
    "pigs",
    "sheep",
    "tractors",
    "schools",
    "students",
    "pupils",
    "doctors",
    "engineers",
];

/// The capture groups of [`dates_regex`], in the order they open.
const R1: usize = 1;
const R2: usize = 2;
const D: usize = 3;
const SD: usize = 4;
const SS: usize = 5;
const TD: usize = 6;
const Y: usize = 7;

/// A capture group of a [`dates_regex`] match.
struct Group<'a> {
    start: usize,
    text: &'a str,
}

impl<'a> Group<'a> {
    fn as_str(&self) -> &'a str {
        self.text
    }

    fn start(&self) -> usize {
        self.start
    }
}

/// The capture groups of one [`dates_regex`] match, read off the matched
/// text: each alternative has its own shape, so a plain search (a DFA) plus
/// this is enough, where asking the regex for captures costs several times
/// more. `tests::groups_read_off_the_match_agree_with_the_regex` checks
/// them against the regex's own captures.
struct Groups<'a> {
    text: &'a str,
    spans: [Option<Range<usize>>; 8],
}

impl<'a> Groups<'a> {
    fn of(text: &'a str, m: Range<usize>) -> Groups<'a> {
        let t = &text[m.clone()];
        let at = |r: Range<usize>| Some(m.start + r.start..m.start + r.end);
        let mut spans: [Option<Range<usize>>; 8] = Default::default();
        spans[0] = Some(m.clone());
        let first = t.chars().next().unwrap_or(' ');
        if matches!(first, '\'' | '\u{2019}' | '\u{2018}') {
            // '37 or '30s: two digits after the apostrophe, then maybe an s.
            let d = first.len_utf8();
            spans[SD] = at(d..d + 2);
            if t.len() > d + 2 {
                spans[SS] = at(d + 2..t.len());
            }
        } else if !first.is_ascii_digit() {
            // "the 30s": the decade's two digits.
            if let Some(d) = t.find(|c: char| c.is_ascii_digit()) {
                spans[TD] = at(d..d + 2);
            }
        } else if t.ends_with('s') {
            spans[D] = at(0..4);
        } else if t.len() == 4 {
            spans[Y] = at(0..4);
        } else {
            let digits = t.len() - t.trim_end_matches(|c: char| c.is_ascii_digit()).len();
            spans[R1] = at(0..4);
            spans[R2] = at(t.len() - digits..t.len());
        }
        Groups { text, spans }
    }

    fn get(&self, group: usize) -> Option<Group<'a>> {
        let r = self.spans.get(group)?.clone()?;
        Some(Group {
            start: r.start,
            text: &self.text[r],
        })
    }
}

fn dates_regex() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(
            r"(?x)
              (?P<r1>[12][0-9]{3})\s?[-–—/]\s?(?P<r2>[12][0-9]{3}|[0-9]{2})\b  # 1937-38, 1917/18
            | (?P<d>[12][0-9]{2}0)['’]?s\b                                   # 1930s
            | ['’‘](?P<sd>[0-9]{2})(?P<ss>['’]?s)?\b                           # '37, '30s
            | \b(?i:the)\s(?P<td>[1-9]0)['’]?s\b                               # the 30s
            | (?P<y>[12][0-9]{3})\b                                          # 1937
            ",
        )
        .expect("the dates regex compiles")
    })
}

/// Whether the number ending at `end` is followed by a word that counts things
/// or by `%`, or preceded by a currency sign: then it is a quantity, not a date.
fn is_quantity(text: &str, start: usize, end: usize) -> bool {
    let before = text[..start].chars().next_back();
    if matches!(before, Some('£' | '$' | '€')) {
        return true;
    }
    let rest = text[end..].trim_start_matches([' ', '\u{a0}']);
    if rest.starts_with('%') {
        return true;
    }
    let end = rest
        .find(|c: char| !c.is_alphabetic())
        .unwrap_or(rest.len());
    let word = &rest[..end];
    if word.is_ascii() {
        // Most plans: no allocation for the lower-case copy.
        return COUNTED.iter().any(|c| c.eq_ignore_ascii_case(word));
    }
    let word: String = word.chars().flat_map(char::to_lowercase).collect();
    COUNTED.contains(&word.as_str())
}

/// Every date and figure has an ASCII digit, and most lines of a plan have
/// none: a line without one needs no regex search.
fn has_digit(text: &str) -> bool {
    text.bytes().any(|b| b.is_ascii_digit())
}

/// Whether the characters around `start..end` make it part of a longer
/// number or word ("11937", "1,937", "1937.5", "x1937").
fn embedded(text: &str, start: usize, end: usize) -> bool {
    let mut before = text[..start].chars().rev();
    let b1 = before.next();
    let b2 = before.next();
    let mut after = text[end..].chars();
    let a1 = after.next();
    let a2 = after.next();
    let digit = |c: Option<char>| c.is_some_and(|c| c.is_ascii_digit());
    b1.is_some_and(char::is_alphanumeric)
        || (matches!(b1, Some(',' | '.')) && digit(b2))
        || a1.is_some_and(char::is_alphanumeric)
        || (matches!(a1, Some(',' | '.')) && digit(a2))
}

/// The dates in `text`: years (1937), ranges (1937-38, 1917–1921), decades
/// (1930s) and short years ('37, '30s, the 30s). Two-digit years take their
/// century from `century` (e.g. 1900). Four-digit numbers that count things
/// ("2000 tanks", "1500 people", "1917%") are not dates.
pub fn dates(text: &str, century: i32) -> Vec<Dated> {
    let mut out = Vec::new();
    if !has_digit(text) {
        return out;
    }
    for m in dates_regex().find_iter(text) {
        let c = Groups::of(text, m.range());
        // The groups by number: r1 r2 d sd ss td y.
        let num = |group: usize| c.get(group).and_then(|x| x.as_str().parse::<i32>().ok());
        let (from, to) = if let (Some(a), Some(b)) = (num(R1), c.get(R2)) {
            let b_val: i32 = b.as_str().parse().unwrap_or(a);
            let b_year = if b.as_str().len() == 2 {
                let y = a / 100 * 100 + b_val;
                if y < a { y + 100 } else { y }
            } else {
                b_val
            };
            if b_year < a || b_year - a > 100 {
                // "1917-1905" or "1500-2000": not a span of years.
                continue;
            }
            (a, b_year)
        } else if let Some(d) = num(D) {
            (d, d + 9)
        } else if let Some(sd) = num(SD) {
            let y = century + sd;
            if c.get(SS).is_some() {
                if sd % 10 != 0 {
                    continue;
                }
                (y, y + 9)
            } else {
                (y, y)
            }
        } else if let Some(td) = num(TD) {
            (century + td, century + td + 9)
        } else if let Some(y) = num(Y) {
            (y, y)
        } else {
            continue;
        };
        // The "the " of "the 30s" is not part of the date.
        let span = match c.get(TD) {
            Some(td) => td.start()..m.end(),
            None => m.range(),
        };
        let short = c.get(SD).is_some() || c.get(TD).is_some();
        if !short
            && (embedded(text, span.start, span.end) || is_quantity(text, span.start, span.end))
        {
            continue;
        }
        out.push(Dated { span, from, to });
    }
    out
}

fn figures_regex() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(
            r"(?xi)
              (?:[£$€]\s?)?
              [0-9][0-9]*(?:,[0-9]{3})*(?:\.[0-9]+)?
              (?:
                  (?:st|nd|rd|th)\b
                | (?:m|bn|mn|k)\b
                | ['’]?s\b
                | \s?(?:%|per\s?cent\b|percent\b|million\b|billion\b|thousand\b|hundred\b)
              )?
            ",
        )
        .expect("the figures regex compiles")
    })
}

fn connector_regex() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r"^\s*(?:-|–|—|->|→|=>|>|to|until|till)\s*$").expect("compiles"))
}

/// The figures and dates in `text` that count as precise evidence, as byte
/// ranges: numbers of two or more digits, numbers with a unit or scale ("5
/// million", "26m", "30%", "£5"), ordinals ("10th"), dates ('37, 1930s), and
/// ranges joining them ("from 4 to 18 million", "1937-38", "26m to 56m").
/// A lone one-digit number ("3 reasons") is not evidence.
pub fn figures(text: &str) -> Vec<Range<usize>> {
    // (span, strong enough on its own)
    let mut atoms: Vec<(Range<usize>, bool)> = Vec::new();
    if !has_digit(text) {
        return Vec::new();
    }
    for m in figures_regex().find_iter(text) {
        let (s, e) = (m.start(), m.end());
        let before = text[..s].chars().next_back();
        if before.is_some_and(|c| c.is_alphanumeric()) {
            continue;
        }
        if text[e..].chars().next().is_some_and(char::is_alphabetic) {
            // "5YP", "3rdly": a name, not a figure.
            continue;
        }
        let t = m.as_str();
        let digits = t.chars().filter(char::is_ascii_digit).count();
        let has_unit = t
            .chars()
            .any(|c| c.is_alphabetic() || matches!(c, '%' | '£' | '$' | '€'));
        let lower = t.to_ascii_lowercase();
        let ordinal = ["st", "nd", "rd", "th"].iter().any(|o| lower.ends_with(o));
        atoms.push((s..e, digits >= 2 || (has_unit && !ordinal)));
    }
    // Only dates that start with something other than a digit ('37, the
    // 30s) add to what the figures regex found, and those need an
    // apostrophe or a decade's "0s".
    let short_dates = text.contains(['\'', '\u{2019}', '\u{2018}']) || text.contains("0s");
    for d in (if short_dates {
        dates(text, 1900)
    } else {
        Vec::new()
    })
    .into_iter()
    .filter(|d| {
        text[d.span.clone()]
            .chars()
            .next()
            .is_some_and(|c| !c.is_ascii_digit())
    }) {
        atoms.push((d.span, true));
    }
    atoms.sort_by_key(|(r, _)| r.start);
    // Join atoms that a range connects ("4 to 18 million", "1937-38"); a
    // group counts when one of its atoms does.
    let mut groups: Vec<(Range<usize>, bool)> = Vec::new();
    for (a, strong) in atoms {
        if let Some((last, last_strong)) = groups.last_mut()
            && (a.start < last.end || connector_regex().is_match(&text[last.end..a.start]))
        {
            last.end = last.end.max(a.end);
            *last_strong |= strong;
            continue;
        }
        groups.push((a, strong));
    }
    let mut out: Vec<Range<usize>> = groups
        .into_iter()
        .filter(|(_, strong)| *strong)
        .map(|(r, _)| r)
        .collect();
    // "from 4 to 18": take the "from" in.
    for r in &mut out {
        let head = &text[..r.start];
        let trimmed = head.trim_end();
        let from_start = trimmed.len().saturating_sub(4);
        if trimmed
            .get(from_start..)
            .is_some_and(|tail| tail.eq_ignore_ascii_case("from"))
        {
            let ok_boundary = trimmed[..from_start]
                .chars()
                .next_back()
                .is_none_or(|c| !c.is_alphanumeric());
            if ok_boundary && text[r.clone()].contains(|c: char| !c.is_ascii_digit()) {
                r.start = from_start;
            }
        }
    }
    out
}

/// How a period reads in feedback: "1918–21", "1917–1953" across centuries,
/// "1917" for one year.
pub fn period_text(period: [i32; 2]) -> String {
    let [a, b] = period;
    if a == b {
        a.to_string()
    } else if a / 100 == b / 100 {
        format!("{a}–{:02}", b % 100)
    } else {
        format!("{a}–{b}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn years(text: &str) -> Vec<(String, i32, i32)> {
        dates(text, 1900)
            .into_iter()
            .map(|d| (text[d.span].to_string(), d.from, d.to))
            .collect()
    }

    #[test]
    fn years_ranges_decades_and_short_years() {
        assert_eq!(years("the purges of 1937"), [("1937".into(), 1937, 1937)]);
        assert_eq!(
            years("purged red army officers 1937-38"),
            [("1937-38".into(), 1937, 1938)]
        );
        assert_eq!(years("1917–1921"), [("1917–1921".into(), 1917, 1921)]);
        assert_eq!(years("in the 1930s"), [("1930s".into(), 1930, 1939)]);
        assert_eq!(years("the terror of '37"), [("'37".into(), 1937, 1937)]);
        assert_eq!(years("famine in the '30s"), [("'30s".into(), 1930, 1939)]);
        assert_eq!(years("in the 30s"), [("30s".into(), 1930, 1939)]);
        assert_eq!(years("1999-01"), [("1999-01".into(), 1999, 2001)]);
    }

    #[test]
    fn counted_numbers_are_not_years() {
        assert!(years("2000 tanks and 1500 people").is_empty());
        assert!(years("1,937 arrests, 11937 and 1937.5").is_empty());
        assert!(years("£1500 and 1917%").is_empty());
        assert!(years("Order No. 227, 5 million, 30s").is_empty());
        assert_eq!(years("1500-2000 delegates"), []);
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2000))]
        #[test]
        fn groups_read_off_the_match_agree_with_the_regex(
            text in "([12][0-9]{3}|[0-9]{2}|[0-9]|['’‘]|the|THE|[ \u{a0}]|[\\-–—/]|s|x|[.,%£]){0,10}"
        ) {
            for c in dates_regex().captures_iter(&text) {
                let m = c.get(0).unwrap();
                let ours = Groups::of(&text, m.range());
                for g in 0..8 {
                    proptest::prop_assert_eq!(
                        c.get(g).map(|x| x.range()),
                        ours.spans[g].clone(),
                        "group {} of {:?}",
                        g,
                        m.as_str()
                    );
                }
            }
        }
    }

    #[test]
    fn groups_read_off_the_match_agree_on_every_shape() {
        for text in [
            "1937-38",
            "1917–1921",
            "1917 / 18",
            "1930s",
            "1930's",
            "'37",
            "’30s",
            "‘30’s",
            "the 30s",
            "THE\u{a0}40's",
            "1937",
            "in 1937, then 1938-1939 and '41",
            "1937-19381",
            "1930-s",
            "2000 tanks",
        ] {
            for c in dates_regex().captures_iter(text) {
                let m = c.get(0).unwrap();
                let ours = Groups::of(text, m.range());
                for g in 0..8 {
                    assert_eq!(c.get(g).map(|x| x.range()), ours.spans[g], "{g} {text:?}");
                }
            }
        }
    }

    #[test]
    fn group_numbers_name_the_dates_regex_groups() {
        let names: Vec<Option<&str>> = dates_regex().capture_names().collect();
        for (group, name) in [
            (R1, "r1"),
            (R2, "r2"),
            (D, "d"),
            (SD, "sd"),
            (SS, "ss"),
            (TD, "td"),
            (Y, "y"),
        ] {
            assert_eq!(names[group], Some(name), "group {group}");
        }
    }

    #[test]
    fn period_overlap() {
        let d = &dates("1937-38", 1900)[0];
        assert!(!d.overlaps([1918, 1921]));
        assert!(d.overlaps([1936, 1937]));
        assert!(d.overlaps([1938, 1953]));
        assert_eq!(period_text([1918, 1921]), "1918–21");
        assert_eq!(period_text([1917, 2001]), "1917–2001");
        assert_eq!(period_text([1917, 1917]), "1917");
    }

    fn figs(text: &str) -> Vec<&str> {
        figures(text).into_iter().map(|r| &text[r]).collect()
    }

    #[test]
    fn figures_with_units_ranges_and_dates() {
        assert_eq!(
            figs("steel rose from 4 to 18 million tons"),
            ["from 4 to 18 million"]
        );
        assert_eq!(figs("urban pop 26m to 56m"), ["26m to 56m"]);
        assert_eq!(figs("purged red army officers 1937-38"), ["1937-38"]);
        assert_eq!(figs("30% of officers"), ["30%"]);
        assert_eq!(figs("5 million died"), ["5 million"]);
        assert_eq!(figs("200,000 new members"), ["200,000"]);
        assert_eq!(figs("the 10th Party Congress"), ["10th"]);
        assert_eq!(figs("purges of '37"), ["'37"]);
    }

    #[test]
    fn multi_byte_characters_around_numbers_never_split() {
        let pieces = [
            "“", "”", "’", "é", "\u{a0}", "\u{3000}", "from", "the", " ", "1937", "-", "38", "'",
            "s", "30", "%", "£", "m", ",", "000", ".", "5", "to", "—", "→",
        ];
        // Strings of four pieces: no panic, spans on char boundaries.
        let n = pieces.len();
        for a in 0..n {
            for b in 0..n {
                for c in [0, 5, 9, 16] {
                    for d in [3, 11, 21] {
                        let text = [pieces[a], pieces[b], pieces[c], pieces[d]].concat();
                        for d in dates(&text, 1900) {
                            assert!(text.get(d.span.clone()).is_some(), "{text:?}");
                        }
                        for r in figures(&text) {
                            assert!(text.get(r).is_some(), "{text:?}");
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn small_counts_and_names_are_not_figures() {
        assert!(figs("3 reasons, the 5YP and a 1st step").is_empty());
        assert!(figs("T-34 tanks").len() <= 1);
    }
}
