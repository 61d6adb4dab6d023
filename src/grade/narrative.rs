//! Narrative: a plan that is a bare timeline. Most of its lines open with a
//! date ("Jan 1918 - Red Army founded", "1932-33: famine") and nothing in it
//! weighs one thing against another. Examiners cap such answers: they describe
//! what happened rather than argue (AQA: "descriptive", Level 2 at best).
//! A band with `analysis = true` is out of reach of a narrative plan.

use crate::text::tokenize::line_marker;
use regex::Regex;
use std::sync::LazyLock;

/// Fewer non-empty lines than this are never a timeline: a short plan with
/// two dated bullets is just a short plan.
pub const MIN_LINES: usize = 4;

/// The share of non-empty lines that must open with a date.
pub const DATED_SHARE: f64 = 0.6;

/// A date at the start of a line: "1918", "1932-33", "'37", "1930s",
/// "Jan 1918", "5 March 1953", "c. 1929", "early 1930s".
static DATED_START: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?ix)^
        (?:c\.?\s*|circa\s+|early\s+|late\s+|mid[-\s]?|by\s+|in\s+)?
        (?:\d{1,2}(?:st|nd|rd|th)?\s+)?
        (?:(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+)?
        (?:'\d\d|\d{4}(?:\s*[-–/]\s*(?:\d{2}|\d{4}))?)s?
        (?:\b|$)",
    )
    .expect("the dated-line pattern is valid")
});

/// What a byte tells of the line it is in, for [`is_timeline`]: white space
/// (as `char::is_whitespace` has it) tells nothing, any other byte that the
/// line is not blank, and a digit or a byte of a wider character that the
/// line needs a closer look.
mod byte {
    pub const SPACE: u8 = 0;
    pub const TEXT: u8 = 1;
    pub const CLOSER: u8 = 2;

    pub const KINDS: [u8; 256] = {
        let mut kinds = [TEXT; 256];
        let mut b = 0;
        while b < 256 {
            kinds[b] = match b as u8 {
                b' ' | b'\t'..=b'\r' => SPACE,
                b'0'..=b'9' | 0x80.. => CLOSER,
                _ => TEXT,
            };
            b += 1;
        }
        kinds
    };
}

/// Whether the plan reads as a timeline: at least [`MIN_LINES`] non-empty
/// lines, and at least [`DATED_SHARE`] of them open with a date (after any
/// bullet or list number).
pub fn is_timeline(text: &str) -> bool {
    let mut lines = 0usize;
    let mut dated = 0usize;
    // The lines are those of `str::lines` (a "\r" before a "\n" is white
    // space), read in one pass over the bytes that only ORs together what
    // each byte tells: a plan may have half a million lines of a letter
    // each, too short for a search for the line end to pay.
    let mut start = 0;
    let mut kinds = byte::SPACE;
    for (at, &b) in text.as_bytes().iter().enumerate() {
        if b == b'\n' {
            let (l, d) = count(&text[start..at], kinds);
            lines += l;
            dated += d;
            start = at + 1;
            kinds = byte::SPACE;
        } else {
            kinds |= byte::KINDS[usize::from(b)];
        }
    }
    let (l, d) = count(&text[start..], kinds);
    lines += l;
    dated += d;
    lines >= MIN_LINES && dated as f64 >= DATED_SHARE * lines as f64
}

/// How a line with the [`byte`] `kinds` counts: (non-empty lines, dated
/// lines), each 0 or 1. Every dated opening has a digit, so a line of ASCII
/// without one needs no closer look: it only counts, unless it is blank.
#[inline(always)]
fn count(line: &str, kinds: u8) -> (usize, usize) {
    if kinds & byte::CLOSER == 0 {
        (usize::from(kinds != byte::SPACE), 0)
    } else {
        count_closely(line)
    }
}

/// [`count`] for a line with a digit or a wider character.
fn count_closely(line: &str) -> (usize, usize) {
    let line = line.trim();
    if line.is_empty() {
        return (0, 0);
    }
    if !line.chars().any(char::is_numeric) {
        return (1, 0);
    }
    let body = line_marker(line).map_or(line, |n| &line[n..]).trim_start();
    (1, usize::from(DATED_START.is_match(body)))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// [`is_timeline`] as it was written first, line by line with
    /// `str::lines`: the byte scanning must agree with it.
    fn is_timeline_by_lines(text: &str) -> bool {
        let mut lines = 0usize;
        let mut dated = 0usize;
        for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
            lines += 1;
            if !line.chars().any(char::is_numeric) {
                continue;
            }
            let body = line_marker(line).map_or(line, |n| &line[n..]).trim_start();
            if DATED_START.is_match(body) {
                dated += 1;
            }
        }
        lines >= MIN_LINES && dated as f64 >= DATED_SHARE * lines as f64
    }

    #[test]
    fn byte_scanning_agrees_with_reading_line_by_line() {
        // Lines that are dated, undated, blank in ASCII or in wider white
        // space, or numbered in wider digits; and line ends of each kind.
        let lines = [
            "1918 - army",
            "- 1919: advance",
            "Jan 1918 - founded",
            "the end",
            "",
            " \t\x0b\x0c ",
            "\u{a0}\u{3000}",
            "\u{85}",
            "\x1c\x1d",
            "\u{661}\u{669}\u{661}\u{668} - Arabic digits",
            "\u{2460} circled one",
            "½ measure",
            "caf\u{e9} 1920",
            "\u{a0}1921 - after wide space",
            "3. 1905 - strikes",
        ];
        let mut plans = vec![String::new(), "\n".into(), "\r\n".into()];
        for (i, a) in lines.iter().enumerate() {
            for (j, b) in lines.iter().enumerate() {
                for end in ["\n", "\r\n", "\r", ""] {
                    // Four or five lines, so that shares near the threshold
                    // are tried.
                    let c = lines[(i + j) % lines.len()];
                    let d = lines[(i * 7 + j * 3) % lines.len()];
                    plans.push(format!("{a}{end}{b}{end}{c}{end}{d}"));
                    plans.push(format!("{a}{end}{b}{end}{c}{end}{d}{end}{a}{end}"));
                    plans.push(format!("{d}\n{a}{end}{a}\n{b}{end}{c}"));
                }
            }
        }
        for plan in &plans {
            assert_eq!(is_timeline(plan), is_timeline_by_lines(plan), "{plan:?}");
        }
        assert!(plans.iter().any(|p| is_timeline(p)));
        assert!(plans.iter().any(|p| !is_timeline(p)));
    }

    #[test]
    fn a_dated_timeline_is_a_timeline() {
        let plan = "Jan 1918 - army set up\nMay 1918 - revolt of the legion\n\
                    - 1919: the Whites advance on the capital\n1920s - peace at last\n\
                    the end";
        assert!(is_timeline(plan));
        assert!(is_timeline(
            "1. 1905 - strikes\n2. 1914 - war\n3. Feb 1917 - mutiny\n4. 2 March 1917 - abdication"
        ));
    }

    #[test]
    fn an_argued_plan_with_dates_inside_is_not() {
        let plan = "Intro: the war mattered most\n- Military defeats (1915) broke the army\n\
                    - Economy: prices rose 300% by 1916\n- But the Tsar's own errors count too\n\
                    Conclusion: mostly the war";
        assert!(!is_timeline(plan));
    }

    #[test]
    fn short_plans_and_words_that_look_like_months_are_not() {
        assert!(!is_timeline(
            "1917 - revolution\n1918 - civil war\n1921 - NEP"
        ));
        assert!(!is_timeline(
            "May have been the key reason\nMarch on the capital failed\nDecember was cold\nOctober mattered"
        ));
    }
}
