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
///
/// One pointer wide (an `Rc<str>` is two): a plan of half a million words
/// writes a token and a term for each, each holding two `Word`s, and that
/// writing is a fair part of reading a long plan.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Word(Rc<Box<str>>);

impl Word {
    pub fn as_str(&self) -> &str {
        &self.0[..]
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
        self.as_str()
    }
}

impl AsRef<str> for Word {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl std::borrow::Borrow<str> for Word {
    fn borrow(&self) -> &str {
        self.as_str()
    }
}

impl From<&str> for Word {
    fn from(s: &str) -> Word {
        Word(Rc::new(Box::from(s)))
    }
}

impl From<String> for Word {
    fn from(s: String) -> Word {
        Word(Rc::new(s.into_boxed_str()))
    }
}

impl From<Word> for String {
    fn from(w: Word) -> String {
        w.as_str().to_string()
    }
}

impl PartialEq<str> for Word {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for Word {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<String> for Word {
    fn eq(&self, other: &String) -> bool {
        self.as_str() == other.as_str()
    }
}

impl PartialEq<Word> for str {
    fn eq(&self, other: &Word) -> bool {
        self == other.as_str()
    }
}

impl PartialEq<Word> for &str {
    fn eq(&self, other: &Word) -> bool {
        *self == other.as_str()
    }
}

impl PartialEq<Word> for String {
    fn eq(&self, other: &Word) -> bool {
        self.as_str() == other.as_str()
    }
}

impl fmt::Debug for Word {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl fmt::Display for Word {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self.as_str(), f)
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
    fn a_word_is_one_pointer_wide() {
        assert_eq!(std::mem::size_of::<Word>(), std::mem::size_of::<usize>());
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
