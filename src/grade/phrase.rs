//! Phrases compiled for matching, and the search for a phrase inside one
//! segment of a plan: every content word present, in any order, within a few
//! words of each other.

use crate::text::{Expander, Term, TokenKind, tokenize};

/// Words that carry no meaning of their own in a phrase: "testament of Lenin"
/// must match "Lenin's testament".
const STOPWORDS: &[&str] = &[
    "a", "an", "the", "of", "to", "in", "on", "at", "by", "for", "with", "and", "or", "as", "is",
    "was", "were", "be", "been", "his", "her", "its", "their", "this", "that", "from", "into",
    "he", "she", "it", "they", "s",
];

pub fn is_stopword(base: &str) -> bool {
    STOPWORDS.contains(&base)
}

/// A word of a compiled phrase.
#[derive(Debug, Clone)]
pub struct PhraseWord {
    pub base: String,
    pub stem: String,
    pub number: bool,
    /// Index in the grader's vocabulary of typo-matchable words.
    pub vocab: Option<usize>,
}

/// A rubric phrase (alias, exclusion, evidence or judgement cue) ready to match.
#[derive(Debug, Clone)]
pub struct Phrase {
    pub text: String,
    pub words: Vec<PhraseWord>,
    /// Indices into `words` of the words that must be present.
    pub content: Vec<usize>,
}

impl Phrase {
    /// Compiles `text` with the same expansion the plan gets, so a phrase
    /// written as "SIOC" matches a plan that wrote it out, and vice versa.
    /// With `all_words`, stopwords must be present too (exclusions, cues).
    pub fn compile(text: &str, expander: &Expander, all_words: bool) -> Phrase {
        let terms = expander.expand(&tokenize(text));
        let words: Vec<PhraseWord> = terms
            .iter()
            .map(|t| PhraseWord {
                base: t.base.clone(),
                stem: t.stem.clone(),
                number: t.kind == TokenKind::Number,
                vocab: None,
            })
            .collect();
        let mut content: Vec<usize> = (0..words.len())
            .filter(|&i| all_words || !is_stopword(&words[i].base))
            .collect();
        if content.is_empty() {
            content = (0..words.len()).collect();
        }
        Phrase {
            text: text.to_string(),
            words,
            content,
        }
    }
}

/// How a plan word matched a phrase word.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum WordMatch {
    Exact,
    Stem,
    /// A misspelling that is not itself an English word ("Trotksy").
    Fuzzy,
    /// A misspelling that happens to be another English word ("Untied
    /// Opposition"): only trusted inside a longer phrase whose other words
    /// matched properly.
    WeakFuzzy,
}

/// A plan term plus the vocabulary words it is a typo of.
pub struct PlanTerm {
    pub term: Term,
    /// Vocabulary words this non-word is a misspelling of.
    pub fuzzy: Vec<usize>,
    /// Vocabulary words this real word is one slip away from.
    pub weak: Vec<usize>,
}

pub fn word_match(plan: &PlanTerm, w: &PhraseWord) -> Option<WordMatch> {
    let t = &plan.term;
    if w.number || t.kind == TokenKind::Number {
        return (t.base == w.base).then_some(WordMatch::Exact);
    }
    if t.base == w.base {
        Some(WordMatch::Exact)
    } else if t.stem == w.stem {
        Some(WordMatch::Stem)
    } else if w.vocab.is_some_and(|v| plan.fuzzy.contains(&v)) {
        Some(WordMatch::Fuzzy)
    } else if w.vocab.is_some_and(|v| plan.weak.contains(&v)) {
        Some(WordMatch::WeakFuzzy)
    } else {
        None
    }
}

/// Where a phrase was found: plan term indices and the weakest word match.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    pub first: usize,
    pub last: usize,
    pub positions: Vec<usize>,
    pub fuzzy: bool,
    /// The plan's words equal the phrase's words, in order, with nothing between.
    pub verbatim: bool,
}

/// Finds the tightest occurrence of `phrase` among `plan[range]`, skipping
/// blocked positions. The content words may come in any order; the window
/// holding them may be at most `slack` words longer than the phrase.
pub fn find(
    phrase: &Phrase,
    plan: &[PlanTerm],
    range: std::ops::Range<usize>,
    blocked: &[std::ops::Range<usize>],
    slack: usize,
) -> Option<Hit> {
    let needed = phrase.content.len();
    if needed == 0 {
        return None;
    }
    // (position, which content word, how it matched)
    let mut events: Vec<(usize, usize, WordMatch)> = Vec::new();
    for p in range {
        if blocked.iter().any(|b| b.contains(&p)) {
            continue;
        }
        for (k, &wi) in phrase.content.iter().enumerate() {
            match word_match(&plan[p], &phrase.words[wi]) {
                Some(WordMatch::WeakFuzzy) if needed < 2 => {}
                Some(m) => events.push((p, k, m)),
                None => {}
            }
        }
    }
    if events.is_empty() {
        return None;
    }
    let limit = phrase.words.len() + slack;
    let mut counts = vec![0usize; needed];
    let mut have = 0;
    let mut best: Option<(usize, usize, usize)> = None; // (len, l, r) in events
    let mut l = 0;
    for r in 0..events.len() {
        let k = events[r].1;
        counts[k] += 1;
        if counts[k] == 1 {
            have += 1;
        }
        while have == needed {
            let len = events[r].0 - events[l].0 + 1;
            if len <= limit && best.is_none_or(|(b, _, _)| len < b) {
                best = Some((len, l, r));
            }
            let kl = events[l].1;
            counts[kl] -= 1;
            if counts[kl] == 0 {
                have -= 1;
            }
            l += 1;
        }
    }
    let (_, l, r) = best?;
    let mut positions = Vec::with_capacity(needed);
    let mut taken = vec![false; needed];
    let mut weakest = WordMatch::Exact;
    let mut strongest = WordMatch::WeakFuzzy;
    for &(p, k, m) in &events[l..=r] {
        if !taken[k] {
            taken[k] = true;
            positions.push(p);
            weakest = weakest.max(m);
            strongest = strongest.min(m);
        }
    }
    // A real word read as a slip needs a properly matched word beside it.
    if weakest == WordMatch::WeakFuzzy && strongest > WordMatch::Stem {
        return None;
    }
    let fuzzy = weakest >= WordMatch::Fuzzy;
    positions.sort_unstable();
    positions.dedup();
    let first = events[l].0;
    let last = events[r].0;
    let verbatim = last + 1 - first == phrase.words.len()
        && plan[first..=last]
            .iter()
            .zip(&phrase.words)
            .all(|(p, w)| p.term.base == w.base);
    Some(Hit {
        first,
        last,
        positions,
        fuzzy,
        verbatim,
    })
}
