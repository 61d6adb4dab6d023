//! Synonyms from WordNet 3.0, dominant senses only (`data/wordnet-synonyms.txt`,
//! built by `scripts/build-lexicon.py` from Debian's `wordnet-base`; licence in
//! `data/wordnet.LICENSE`). Used only to *propose* word swaps to a teacher
//! (`rubric suggest`): automatic expansion was measured and does not help
//! grading. The text is embedded but parsed on first use, so `grade` never
//! pays for it.

use super::fold::stem;
use rustc_hash::FxHashMap as HashMap;
use std::sync::OnceLock;

static DATA: &str = include_str!("../../data/wordnet-synonyms.txt");

/// Synonym sets, looked up by stem.
#[derive(Debug, Default)]
pub struct Lexicon {
    /// Each synset: (part of speech, words).
    sets: Vec<(char, Vec<&'static str>)>,
    /// Stem of a word → the synsets it is in.
    by_stem: HashMap<String, Vec<u32>>,
}

impl Lexicon {
    fn parse(data: &'static str) -> Lexicon {
        let mut lex = Lexicon::default();
        for line in data.lines().filter(|l| !l.starts_with('#')) {
            let mut parts = line.split(' ');
            let Some(pos) = parts.next().and_then(|p| p.chars().next()) else {
                continue;
            };
            let words: Vec<&'static str> = parts.filter(|w| !w.is_empty()).collect();
            if words.len() < 2 {
                continue;
            }
            let id = lex.sets.len() as u32;
            for w in &words {
                let ids = lex.by_stem.entry(stem(w)).or_default();
                if !ids.contains(&id) {
                    ids.push(id);
                }
            }
            lex.sets.push((pos, words));
        }
        lex
    }

    /// Words that share `word`'s dominant sense (compared by stem, so
    /// "appointments" finds what "appointment" has), in WordNet's order,
    /// without `word` itself.
    pub fn synonyms(&self, word: &str) -> Vec<&'static str> {
        let s = stem(&word.to_lowercase());
        let mut out: Vec<&'static str> = Vec::new();
        for &id in self.by_stem.get(&s).map(Vec::as_slice).unwrap_or_default() {
            for w in &self.sets[id as usize].1 {
                if stem(w) != s && !out.contains(w) {
                    out.push(w);
                }
            }
        }
        out
    }

    pub fn len(&self) -> usize {
        self.sets.len()
    }

    pub fn is_empty(&self) -> bool {
        self.sets.is_empty()
    }
}

/// The lexicon, parsed on first use.
pub fn lexicon() -> &'static Lexicon {
    static LEXICON: OnceLock<Lexicon> = OnceLock::new();
    LEXICON.get_or_init(|| Lexicon::parse(DATA))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dominant_senses_only() {
        let lex = lexicon();
        assert!(lex.len() > 10_000);
        assert!(lex.synonyms("workforce").contains(&"manpower"));
        assert!(lex.synonyms("workforces").contains(&"manpower"), "by stem");
        // "hands" is first the body part, so it is no synonym of workforce.
        assert!(!lex.synonyms("workforce").contains(&"hands"));
        assert!(lex.synonyms("zzzz").is_empty());
    }

    #[test]
    fn lines_parse_into_sets() {
        let lex = Lexicon::parse("# comment\nn famine dearth\nv alpha\n");
        assert_eq!(lex.len(), 1, "a set of one word is no synonym");
        assert_eq!(lex.synonyms("famines"), ["dearth"]);
    }
}
