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

/// Whether the plan reads as a timeline: at least [`MIN_LINES`] non-empty
/// lines, and at least [`DATED_SHARE`] of them open with a date (after any
/// bullet or list number).
pub fn is_timeline(text: &str) -> bool {
    let mut lines = 0usize;
    let mut dated = 0usize;
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        lines += 1;
        // Every dated opening has a digit: most lines have none, and need
        // no regex (a plan may have half a million lines).
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

#[cfg(test)]
mod tests {
    use super::*;

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
