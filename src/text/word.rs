//! [`Word`]: the folded text of a plan word, shared by every token and term
//! that has it.
//!
//! A plan of half a million words may use a few hundred distinct ones.
//! Tokenizing folds and stems each distinct word once and hands every
//! occurrence the same `Word`: a clone is a count, not a copy, and equal
//! words share one address, which later steps use to look a word up once.

use std::fmt;
use std::ops::Deref;
use std::rc::Rc;

/// Shared, immutable folded text. Compares, hashes and prints as its text.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Word(Rc<str>);

impl Word {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Where the text lives: the same for every clone of one `Word`, so a
    /// per-plan cache may key on it. Two `Word`s made apart may have equal
    /// text at different addresses.
    pub fn addr(&self) -> usize {
        self.0.as_ptr() as usize
    }
}

impl Deref for Word {
    type Target = str;

    fn deref(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for Word {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl std::borrow::Borrow<str> for Word {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl From<&str> for Word {
    fn from(s: &str) -> Word {
        Word(Rc::from(s))
    }
}

impl From<String> for Word {
    fn from(s: String) -> Word {
        Word(Rc::from(s))
    }
}

impl From<Word> for String {
    fn from(w: Word) -> String {
        w.0.to_string()
    }
}

impl PartialEq<str> for Word {
    fn eq(&self, other: &str) -> bool {
        &*self.0 == other
    }
}

impl PartialEq<&str> for Word {
    fn eq(&self, other: &&str) -> bool {
        &*self.0 == *other
    }
}

impl PartialEq<String> for Word {
    fn eq(&self, other: &String) -> bool {
        *self.0 == **other
    }
}

impl PartialEq<Word> for str {
    fn eq(&self, other: &Word) -> bool {
        self == &*other.0
    }
}

impl PartialEq<Word> for &str {
    fn eq(&self, other: &Word) -> bool {
        *self == &*other.0
    }
}

impl PartialEq<Word> for String {
    fn eq(&self, other: &Word) -> bool {
        **self == *other.0
    }
}

impl fmt::Debug for Word {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&*self.0, f)
    }
}

impl fmt::Display for Word {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&*self.0, f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rustc_hash::FxHashMap;

    #[test]
    fn a_word_compares_hashes_and_prints_as_its_text() {
        let w = Word::from("lenin");
        assert_eq!(w, "lenin");
        assert_eq!(w, String::from("lenin"));
        assert_ne!(w, "stalin");
        assert_eq!(w.to_string(), "lenin");
        assert_eq!(format!("{w:?}"), "\"lenin\"");
        let mut map: FxHashMap<Word, u32> = FxHashMap::default();
        map.insert(w.clone(), 7);
        assert_eq!(map.get("lenin"), Some(&7));
        assert_eq!(map.get("stalin"), None);
    }

    #[test]
    fn clones_share_an_address_and_separate_words_do_not() {
        let a = Word::from("trotsky");
        let b = a.clone();
        let c = Word::from("trotsky");
        assert_eq!(a.addr(), b.addr());
        assert_ne!(a.addr(), c.addr());
        assert_eq!(a, c);
    }
}
