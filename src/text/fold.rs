//! Character and word folding: what makes "Industrialisation", "industrialization"
//! and "INDUSTRIALISED" compare equal. Pure functions, no rubric knowledge.

use rust_stemmers::{Algorithm, Stemmer};
use rustc_hash::FxHashMap as HashMap;
use std::cell::RefCell;
use std::sync::OnceLock;
use unicode_normalization::UnicodeNormalization;

/// Lower-cases a word and strips accents and typographic quotes, so that
/// "Trótsky’s" and "trotsky's" fold to the same text.
pub fn fold_word(raw: &str) -> String {
    if raw.is_ascii() {
        let mut out = raw.to_ascii_lowercase();
        if out.contains('`') {
            out = out.replace('`', "'");
        }
        return out;
    }
    let mut out = String::with_capacity(raw.len());
    for c in raw.nfkd() {
        if unicode_normalization::char::is_combining_mark(c) {
            continue;
        }
        match c {
            '\u{2018}' | '\u{2019}' | '\u{02BC}' | '\u{2032}' | '`' | '\u{00B4}' => out.push('\''),
            _ => out.extend(c.to_lowercase()),
        }
    }
    out
}

/// Splits a trailing possessive off a folded word: "lenin's" → ("lenin", true),
/// "soviets'" → ("soviets", true). Contractions such as "wasn't" lose their
/// apostrophe instead ("wasnt").
pub fn strip_possessive(mut folded: String) -> (String, bool) {
    let cut = if folded.ends_with("'s") {
        2
    } else if folded.ends_with('\'') {
        1
    } else {
        0
    };
    let possessive = cut > 0 && folded.len() > cut;
    if possessive {
        folded.truncate(folded.len() - cut);
    }
    if folded.contains('\'') {
        folded.retain(|c| c != '\'');
    }
    (folded, possessive)
}

/// British spellings whose American form the stemmer would otherwise keep apart.
const SPELLING_WORDS: &[(&str, &str)] = &[
    ("labour", "labor"),
    ("favour", "favor"),
    ("honour", "honor"),
    ("colour", "color"),
    ("behaviour", "behavior"),
    ("rumour", "rumor"),
    ("vigour", "vigor"),
    ("neighbour", "neighbor"),
    ("armour", "armor"),
    ("endeavour", "endeavor"),
    ("humour", "humor"),
    ("harbour", "harbor"),
    ("centre", "center"),
    ("theatre", "theater"),
    ("defence", "defense"),
    ("offence", "offense"),
    ("programme", "program"),
    ("catalogue", "catalog"),
    ("dialogue", "dialog"),
    ("judgement", "judgment"),
];

/// Maps British spellings onto American ones before stemming
/// ("collectivised" → "collectivized", "labourers" → "laborers").
/// Applied to both the plan and the rubric, so the direction does not matter.
pub fn americanise(word: &str) -> String {
    let mut w = word.to_string();
    for (gb, us) in SPELLING_WORDS {
        if let Some(rest) = w.strip_prefix(gb) {
            w = format!("{us}{rest}");
            break;
        }
    }
    // -isation/-ise/-ised/-ising/-ises/-iser → -iz-; -yse → -yze.
    // Only after at least three letters, so "rise", "wise" and "noise" stay.
    for (gb, us) in [
        ("isation", "ization"),
        ("isations", "izations"),
        ("ise", "ize"),
        ("ised", "ized"),
        ("ises", "izes"),
        ("ising", "izing"),
        ("iser", "izer"),
        ("isers", "izers"),
        ("yse", "yze"),
        ("ysed", "yzed"),
        ("ysing", "yzing"),
    ] {
        if let Some(stem) = w.strip_suffix(gb)
            && stem.chars().count() >= 3
        {
            return format!("{stem}{us}");
        }
    }
    w
}

fn stemmer() -> &'static Stemmer {
    static STEMMER: OnceLock<Stemmer> = OnceLock::new();
    STEMMER.get_or_init(|| Stemmer::create(Algorithm::English))
}

/// The Snowball (Porter 2) English stem of a folded, possessive-free word,
/// after British spellings have been mapped to American ones.
pub fn stem(base: &str) -> String {
    // Snowball leaves words of one or two letters as they are ("i", "of"),
    // and so does `americanise`: no need to look them up.
    if base.chars().any(|c| c.is_ascii_digit()) || (base.len() <= 2 && base.is_ascii()) {
        return base.to_string();
    }
    // Stemming is the costliest step of reading a plan, and a class's plans
    // share most of their words, so each thread remembers recent stems.
    thread_local! {
        static CACHE: RefCell<HashMap<String, String>> = RefCell::new(HashMap::default());
    }
    const CACHE_LIMIT: usize = 50_000;
    CACHE.with(|cache| {
        if let Some(s) = cache.borrow().get(base) {
            return s.clone();
        }
        let s = stemmer().stem(&americanise(base)).into_owned();
        let mut cache = cache.borrow_mut();
        if cache.len() >= CACHE_LIMIT {
            cache.clear();
        }
        cache.insert(base.to_string(), s.clone());
        s
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_of_one_or_two_letters_stem_as_snowball_stems_them() {
        let alphabet: Vec<char> = ('a'..='z').chain(['\'', '-', '.']).collect();
        let mut words: Vec<String> = alphabet.iter().map(char::to_string).collect();
        for a in &alphabet {
            for b in &alphabet {
                words.push(format!("{a}{b}"));
            }
        }
        for w in &words {
            let snowball = stemmer().stem(&americanise(w)).into_owned();
            assert_eq!(stem(w), snowball, "{w}");
        }
    }

    #[test]
    fn folds_case_accents_and_curly_quotes() {
        assert_eq!(fold_word("Trótsky’s"), "trotsky's");
        assert_eq!(fold_word("ÉLITE"), "elite");
    }

    #[test]
    fn british_and_american_spellings_share_a_stem() {
        assert_eq!(stem("industrialisation"), stem("industrialization"));
        assert_eq!(stem("collectivised"), stem("collectivisation"));
        assert_eq!(stem("labour"), stem("labor"));
        assert_ne!(stem("rise"), stem("rize"));
    }

    #[test]
    fn possessives_are_split_off() {
        assert_eq!(strip_possessive("lenin's".into()), ("lenin".into(), true));
        assert_eq!(strip_possessive("wasn't".into()), ("wasnt".into(), false));
        assert_eq!(strip_possessive("kulaks'".into()), ("kulaks".into(), true));
    }
}
