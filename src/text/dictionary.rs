//! The English word list that keeps typo matching honest: a plan word that is
//! itself a correctly spelt English word ("stain") is never read as a typo of a
//! rubric word ("Stalin").
//!
//! `data/english-words.txt` is the union of Debian's `wbritish` and `wamerican`
//! lists (SCOWL, see `data/english-words.COPYRIGHT`), folded to lower-case ASCII,
//! words of four letters or more, sorted bytewise.

use std::sync::OnceLock;

static WORDS_TEXT: &str = include_str!("../../data/english-words.txt");

#[cfg(test)]
fn words() -> Vec<&'static str> {
    WORDS_TEXT.lines().collect()
}

/// The bucket of a word's first two letters, if both are `a`–`z`: every
/// listed word is lower-case ASCII letters only.
fn bucket(word: &str) -> Option<usize> {
    match word.as_bytes() {
        [a @ b'a'..=b'z', b @ b'a'..=b'z', ..] => {
            Some(usize::from(a - b'a') * 26 + usize::from(b - b'a'))
        }
        _ => None,
    }
}

/// Where the words of each two-letter opening start in the list (byte
/// offsets; `start[b]..start[b + 1]` holds bucket `b`). Found in one pass
/// over the line breaks, so a process that grades one plan does not first
/// split seventy thousand words.
fn bucket_starts() -> &'static [u32; 26 * 26 + 1] {
    static START: OnceLock<[u32; 26 * 26 + 1]> = OnceLock::new();
    START.get_or_init(|| {
        let text = WORDS_TEXT.as_bytes();
        let offset = |i: usize| u32::try_from(i).unwrap_or(u32::MAX);
        let mut start = [offset(text.len()); 26 * 26 + 1];
        let mut filled = 0;
        let line_starts = std::iter::once(0).chain(memchr::memchr_iter(b'\n', text).map(|i| i + 1));
        for at in line_starts.filter(|&at| at < text.len()) {
            let Some(b) = bucket(&WORDS_TEXT[at..]) else {
                continue;
            };
            while filled <= b {
                start[filled] = offset(at);
                filled += 1;
            }
        }
        start
    })
}

/// Binary search for `word` among the sorted lines of `lines`.
fn search_lines(lines: &str, word: &str) -> bool {
    let bytes = lines.as_bytes();
    // `lo` and `hi` are always at the start of a line (or the end).
    let (mut lo, mut hi) = (0, bytes.len());
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        let start = memchr::memrchr(b'\n', &bytes[lo..mid]).map_or(lo, |i| lo + i + 1);
        let end = memchr::memchr(b'\n', &bytes[start..]).map_or(bytes.len(), |i| start + i);
        match lines[start..end].cmp(word) {
            std::cmp::Ordering::Equal => return true,
            std::cmp::Ordering::Less => lo = end + 1,
            std::cmp::Ordering::Greater => hi = start,
        }
    }
    false
}

/// Whether `folded` (lower-case, accent-free) is a correctly spelt English word.
pub fn is_english_word(folded: &str) -> bool {
    let Some(b) = bucket(folded) else {
        return false;
    };
    let start = bucket_starts();
    let (from, to) = (start[b] as usize, start[b + 1] as usize);
    search_lines(&WORDS_TEXT[from..to], folded)
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

    #[test]
    fn every_listed_word_is_found_in_its_bucket() {
        // The buckets cover the whole list, so no word is missed.
        let words = words();
        assert!(words.iter().all(|w| bucket(w).is_some()));
        assert!(words.iter().all(|w| is_english_word(w)));
        // Neighbours of listed words that are not listed are not found.
        for w in words.iter().step_by(97) {
            for probe in [format!("{w}q"), w[..w.len() - 1].to_string()] {
                let listed = words.binary_search(&probe.as_str()).is_ok();
                assert_eq!(is_english_word(&probe), listed, "{probe}");
            }
        }
        for w in ["", "a", "zz", "zzzzz", "Stain", "st4in", "éclair"] {
            assert!(!is_english_word(w), "{w}");
        }
    }
}
