//! Headings that name a factor: "3. Land", "- War", "Propaganda:" count as
//! raising the factor whose label they name.
//!
//! What a heading is comes from [`crate::text::tokenize`]: the label of a line
//! opened by a bullet or list number, or of a "Label:" / "Label - …" lead-in,
//! at most five words and one sentence. It names factor F when
//! - its content words (not stopwords or words such as "reason" or
//!   "conclusion" that every plan's headings use) are one to four, and
//! - each of them is one of F's key words: a content word of its label or of
//!   any of its phrases (by stem, or as a typo), and
//! - at least one is a word of F's label that no other factor's label uses,
//!   that the rubric's question does not use, and that at most two factors
//!   use at all: a word that names this factor and nothing else.
//!
//! So "- War" credits "Continuing the war" in a rubric where no other label
//! says "war", but "- Stalin" names no factor when Stalin runs through the
//! question; a heading word in another sense ("- Terror" where two labels
//! say it) credits nothing.

use super::phrase::{Phrase, PlanIndex, WordMatch, is_stopword};
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

/// Heading words that organise a plan without naming a factor.
const STRUCTURE_WORDS: &[&str] = &[
    "factor",
    "factors",
    "reason",
    "reasons",
    "cause",
    "causes",
    "point",
    "points",
    "argument",
    "arguments",
    "evidence",
    "conclusion",
    "concl",
    "introduction",
    "intro",
    "judgement",
    "judgment",
    "summary",
    "overall",
    "paragraph",
    "para",
    "view",
    "side",
    "yes",
    "no",
    "other",
    "others",
    "also",
    "finally",
    "first",
    "firstly",
    "second",
    "secondly",
    "third",
    "thirdly",
    "against",
    "importance",
    "significance",
    "role",
    "impact",
    "key",
    "main",
    "strengths",
    "weaknesses",
    "positives",
    "negatives",
    "pros",
    "cons",
    "improvements",
    "problems",
];

/// Whether a heading word only organises the plan.
pub(super) fn is_structure_word(base: &str) -> bool {
    static SET: std::sync::LazyLock<HashSet<&'static str>> =
        std::sync::LazyLock::new(|| STRUCTURE_WORDS.iter().copied().collect());
    is_stopword(base) || SET.contains(base)
}

/// Each factor's key words and distinctive label words, as stem ids.
#[derive(Debug, Default)]
pub struct HeadingKeys {
    /// Per factor: stems of the content words of its label and phrases.
    keys: Vec<HashSet<u32>>,
    /// Per factor: stems of label words that name it and nothing else.
    distinctive: Vec<HashSet<u32>>,
}

impl HeadingKeys {
    /// From each factor's compiled label and phrases, and the question's
    /// compiled words (if the rubric states it).
    pub fn new(labels: &[Phrase], phrases: &[Vec<&Phrase>], question: Option<&Phrase>) -> Self {
        let content = |p: &Phrase| -> Vec<u32> {
            p.words
                .iter()
                .filter(|w| !w.number && w.base.chars().count() >= 3)
                .filter(|w| !is_structure_word(&w.base))
                .map(|w| w.stem_id)
                .collect()
        };
        let label_words: Vec<HashSet<u32>> = labels
            .iter()
            .map(|l| content(l).into_iter().collect())
            .collect();
        let keys: Vec<HashSet<u32>> = labels
            .iter()
            .zip(phrases)
            .map(|(l, ps)| {
                content(l)
                    .into_iter()
                    .chain(ps.iter().flat_map(|p| content(p)))
                    .collect()
            })
            .collect();
        // How many factors use each word anywhere, and how many labels.
        let mut in_factors: HashMap<u32, usize> = HashMap::default();
        for k in &keys {
            for &w in k {
                *in_factors.entry(w).or_default() += 1;
            }
        }
        let mut in_labels: HashMap<u32, usize> = HashMap::default();
        for l in &label_words {
            for &w in l {
                *in_labels.entry(w).or_default() += 1;
            }
        }
        let asked: HashSet<u32> = question
            .map(|q| content(q).into_iter().collect())
            .unwrap_or_default();
        let distinctive = label_words
            .iter()
            .map(|l| {
                l.iter()
                    .copied()
                    .filter(|w| in_labels[w] == 1 && in_factors[w] <= 2 && !asked.contains(w))
                    .collect()
            })
            .collect();
        HeadingKeys { keys, distinctive }
    }

    /// Factors named by the heading in segment `seg`: (factor, the heading's
    /// content-word positions, whether a word was a typo).
    /// `typo_stems(position)` gives the stems a misspelt plan word may stand for.
    pub fn named(
        &self,
        index: &PlanIndex,
        seg: usize,
        typo_stems: &dyn Fn(usize) -> Vec<(u32, WordMatch)>,
    ) -> Vec<(usize, Vec<usize>, bool)> {
        let range = index.segments[seg].clone();
        let words: Vec<usize> = range
            .filter(|&p| {
                let t = &index.terms[p];
                t.heading && t.kind == crate::text::TokenKind::Word && !is_structure_word(&t.base)
            })
            .collect();
        if words.is_empty() || words.len() > 4 {
            return Vec::new();
        }
        // Each word's possible stems: its own, or those it misspells.
        let readings: Vec<Vec<(u32, bool)>> = words
            .iter()
            .map(|&p| {
                let mut r: Vec<(u32, bool)> =
                    index.stem_id(p).map(|id| (id, false)).into_iter().collect();
                if r.is_empty() {
                    r.extend(
                        typo_stems(p)
                            .into_iter()
                            .filter(|(_, m)| *m == WordMatch::Fuzzy)
                            .map(|(id, _)| (id, true)),
                    );
                }
                r
            })
            .collect();
        let mut out = Vec::new();
        for (f, keys) in self.keys.iter().enumerate() {
            let mut typo = false;
            let all_known =
                readings
                    .iter()
                    .all(|r| match r.iter().find(|(id, _)| keys.contains(id)) {
                        Some((_, t)) => {
                            typo |= *t;
                            true
                        }
                        None => false,
                    });
            let names_it = readings
                .iter()
                .any(|r| r.iter().any(|(id, _)| self.distinctive[f].contains(id)));
            if all_known && names_it {
                out.push((f, words.clone(), typo));
            }
        }
        out
    }
}
