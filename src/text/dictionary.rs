//! The English word list that keeps typo matching honest: a plan word that is
//! itself a correctly spelt English word ("stain") is never read as a typo of a
//! rubric word ("Stalin").
//!
//! `data/english-words.txt` is the union of Debian's `wbritish` and `wamerican`
//! lists (SCOWL, see `data/english-words.COPYRIGHT`), folded to lower-case ASCII,
//! words of four letters or more, sorted bytewise.

use std::sync::OnceLock;

static WORDS_TEXT: &str = include_str!("../../data/english-words.txt");

fn words() -> &'static [&'static str] {
    static WORDS: OnceLock<Vec<&'static str>> = OnceLock::new();
    WORDS.get_or_init(|| WORDS_TEXT.lines().collect())
}

/// Whether `folded` (lower-case, accent-free) is a correctly spelt English word.
pub fn is_english_word(folded: &str) -> bool {
    words().binary_search(&folded).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn knows_real_words_and_rejects_typos() {
        assert!(is_english_word("stain"));
        assert!(is_english_word("testament"));
        assert!(!is_english_word("trotksy"));
        assert!(!is_english_word("zinoview"));
    }

    #[test]
    fn list_is_sorted_for_binary_search() {
        assert!(words().windows(2).all(|w| w[0] < w[1]));
    }
}
