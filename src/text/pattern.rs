//! How rubric regex patterns are compiled. Patterns run over a segment's words
//! as plain lower-case text ("lenin's testament was hidden"), so they are
//! compiled case-insensitively with ASCII classes: `\w` and `\W` need no
//! Unicode tables, which keeps a rubric with a dozen patterns quick to load.

use regex::bytes::{Regex, RegexBuilder};

/// Compiles a rubric pattern the way the grader runs it.
pub fn build(pattern: &str) -> Result<Regex, regex::Error> {
    RegexBuilder::new(pattern)
        .case_insensitive(true)
        .unicode(false)
        .size_limit(1 << 20)
        .build()
}

#[cfg(test)]
mod tests {
    #[test]
    fn ascii_classes_and_any_case() {
        let re = super::build(r"testament\W+(was\W+)?hidden").unwrap();
        assert!(re.is_match(b"lenin's testament was hidden"));
        assert!(super::build("TESTAMENT").unwrap().is_match(b"testament"));
        assert!(super::build("(unclosed").is_err());
    }
}
