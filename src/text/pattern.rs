//! How rubric regex patterns are compiled. Patterns run over a segment's words
//! as plain lower-case, accent-free text ("lenin's testament was hidden"), so
//! accents are taken out of the pattern too and it is compiled
//! case-insensitively. Plain ASCII patterns get ASCII classes (`\w` without
//! Unicode tables keeps a rubric with a dozen patterns quick to load); patterns
//! that need Unicode (`\p{L}`, Cyrillic letters) get it.

use regex::bytes::{Regex, RegexBuilder, RegexSet, RegexSetBuilder};
use unicode_normalization::UnicodeNormalization;

fn builder(pattern: &str, unicode: bool) -> Result<Regex, regex::Error> {
    RegexBuilder::new(pattern)
        .case_insensitive(true)
        .unicode(unicode)
        .size_limit(1 << 22)
        .build()
}

fn fold(pattern: &str) -> String {
    pattern
        .nfkd()
        .filter(|c| !unicode_normalization::char::is_combining_mark(*c))
        .collect()
}

/// Whether the pattern is valid syntax as [`build`] reads it (parsing only:
/// far cheaper than building the automaton, which may still exceed the size
/// limit).
pub fn parses(pattern: &str) -> bool {
    let folded = fold(pattern);
    [false, true].into_iter().any(|unicode| {
        regex_syntax::ParserBuilder::new()
            .case_insensitive(true)
            .unicode(unicode)
            .utf8(false)
            .build()
            .parse(&folded)
            .is_ok()
    })
}

/// Compiles a rubric pattern the way the grader runs it.
pub fn build(pattern: &str) -> Result<Regex, regex::Error> {
    build_with_mode(pattern).map(|(re, _)| re)
}

/// [`build`], and whether the regex was built in Unicode mode (ASCII mode
/// is tried first for ASCII patterns).
pub fn build_with_mode(pattern: &str) -> Result<(Regex, bool), regex::Error> {
    let folded = fold(pattern);
    if folded.is_ascii()
        && let Ok(re) = builder(&folded, false)
    {
        return Ok((re, false));
    }
    builder(&folded, true).map(|re| (re, true))
}

/// One search for many patterns, all built in the same `unicode` mode as
/// [`build_with_mode`] chose for each: which of them match anywhere in a
/// text. `None` when the set is too large to build.
pub fn build_set<'a>(
    patterns: impl IntoIterator<Item = &'a str>,
    unicode: bool,
) -> Option<RegexSet> {
    RegexSetBuilder::new(patterns.into_iter().map(fold))
        .case_insensitive(true)
        .unicode(unicode)
        .size_limit(1 << 24)
        .build()
        .ok()
}

#[cfg(test)]
mod tests {
    use super::build;

    #[test]
    fn parses_agrees_with_build_on_syntax() {
        for p in [
            r"testament\W+(was\W+)?hidden",
            r"\p{L}+ café",
            "testament (hidden",
            "(?<!not )published",
            r"\1",
            "a{2,1}",
            "",
        ] {
            assert_eq!(super::parses(p), build(p).is_ok(), "{p:?}");
        }
    }

    #[test]
    fn ascii_classes_and_any_case() {
        let re = build(r"testament\W+(was\W+)?hidden").unwrap();
        assert!(re.is_match(b"lenin's testament was hidden"));
        assert!(build("TESTAMENT").unwrap().is_match(b"testament"));
        assert!(build("(unclosed").is_err());
    }

    #[test]
    fn accents_unicode_classes_and_other_scripts() {
        assert!(build("trótsky").unwrap().is_match(b"trotsky"));
        assert!(
            build(r"\p{L}+ testament")
                .unwrap()
                .is_match(b"lenin's testament")
        );
        assert!(build("Сталин").unwrap().is_match("сталин".as_bytes()));
    }
}
