//! The grader: rubric + plan text → which factors the plan raises (with the
//! words that matched and the rule that matched them), judgement, evidence,
//! band, level, mark and feedback. Pure: no I/O, no clock.

pub mod bands;
pub mod batch;
mod feedback;
mod heading;
mod judgement;
pub mod narrative;
pub mod phrase;
pub mod result;
mod sense;

pub use result::{
    Balance, FactorResult, GradeResult, JudgementResult, Match, Rejection, RejectionKind, Rule,
};

use crate::model::{Rubric, Side};
use crate::text::{Expander, Term, TokenKind, dictionary::is_english_word, tokenize};
use phrase::{Blocked, Hit, Interner, Phrase, PlanIndex, SegmentFinder, WordMatch, find_all};
use regex::bytes::Regex;
use rustc_hash::FxHashMap as HashMap;
use sense::{Candidate, SegmentDates, Taken};
use std::ops::Range;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, Ordering};

/// How many extra words may stand between a phrase's words in a plan.
const PHRASE_SLACK: usize = 3;

/// At most this many dates and figures are listed as a factor's evidence.
const FIGURES_SHOWN: usize = 5;

/// Built-in wordings that are a judgement wherever they stand. Rubrics add
/// their own; see [`judgement`] for the other ways a judgement is found.
pub const JUDGEMENT_CUES: &[&str] = judgement::STRONG_CUES;

/// Words of a question that only frame it ("To what extent…", "Assess the
/// validity of this view").
const QUESTION_FRAME: &[&str] = &[
    "what", "extent", "how", "far", "why", "assess", "validity", "view", "years", "agree",
    "explain", "examine", "evaluate", "discuss", "consider", "mainly", "main", "reason", "reasons",
];

/// Word lengths at which one and two typing errors are forgiven.
const ONE_EDIT_FROM: usize = 5;
const TWO_EDITS_FROM: usize = 8;

fn allowed_edits(len: usize) -> usize {
    if len >= TWO_EDITS_FROM {
        2
    } else if len >= ONE_EDIT_FROM {
        1
    } else {
        0
    }
}

/// A typo-matchable rubric word.
#[derive(Debug, Clone)]
struct VocabWord {
    base: String,
    stem: String,
    first: char,
    len: usize,
    letters: LetterCounts,
    stem_letters: LetterCounts,
}

/// How often each ASCII letter occurs in a word: one edit changes these counts
/// by at most 2 in total, so a large difference rules a pair out cheaply
/// before the real edit distance is computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct LetterCounts([u8; 26]);

impl LetterCounts {
    fn of(word: &str) -> LetterCounts {
        let mut c = [0u8; 26];
        for b in word.bytes().filter(u8::is_ascii_lowercase) {
            c[(b - b'a') as usize] = c[(b - b'a') as usize].saturating_add(1);
        }
        LetterCounts(c)
    }

    fn difference(&self, other: &LetterCounts) -> usize {
        self.0
            .iter()
            .zip(&other.0)
            .map(|(a, b)| a.abs_diff(*b) as usize)
            .sum()
    }
}

#[derive(Debug)]
struct CompiledFactor {
    phrases: Vec<Phrase>,
    /// For each phrase, the index in `companions` of the wordings one of
    /// which must stand in the same segment (`None`: no condition).
    phrase_with: Vec<Option<usize>>,
    companions: Vec<Vec<Phrase>>,
    not: Vec<Phrase>,
    period: Option<[i32; 2]>,
    patterns: Vec<(String, Regex)>,
    /// Where this factor's patterns start in the rubric's list of all
    /// patterns (see [`PatternSet`]).
    first_pattern: usize,
    exclude: Vec<Phrase>,
    evidence: Vec<Phrase>,
}

/// A rubric compiled for grading. Build once, grade many plans (it is `Sync`,
/// so a class can be marked on several threads).
#[derive(Debug)]
pub struct Grader {
    rubric: Rubric,
    expander: Expander,
    factors: Vec<CompiledFactor>,
    cues: Vec<Phrase>,
    /// Stems of the question's own content words: a degree word before one
    /// answers it ("mostly Stalin's doing").
    question_stems: Vec<String>,
    vocab: Vec<VocabWord>,
    /// Vocabulary indices by first letter, to find typo candidates quickly.
    vocab_by_first: HashMap<char, Vec<usize>>,
    /// The stem id of each vocabulary word.
    vocab_stem: Vec<u32>,
    headings: heading::HeadingKeys,
    interner: Interner,
    /// Every pattern of the rubric in order: its mode and whether it is
    /// anchored, worked out once here rather than on every plan.
    pattern_modes: Vec<PatternMode>,
    /// The rubric's unanchored patterns, a set per regex mode: one search
    /// says which can match a plan at all, so the others are not searched.
    /// Built when a second plan is graded: compiling the sets costs about
    /// as much as grading a few plans, which one plan does not repay.
    pattern_sets: OnceLock<Vec<PatternSet>>,
    /// Whether a plan has been graded.
    graded_one: AtomicBool,
}

/// What a pattern needs to know at grading time beyond its regex.
#[derive(Debug)]
struct PatternMode {
    /// Built in Unicode mode (see [`crate::text::pattern::build_with_mode`]).
    unicode: bool,
    /// Anchored ([`anchored`]): searched segment by segment, never in a set.
    anchored: bool,
}

/// Patterns searched together to rule out those that match nowhere.
#[derive(Debug)]
struct PatternSet {
    set: regex::bytes::RegexSet,
    /// The index, among all the rubric's patterns, of each in the set.
    members: Vec<usize>,
}

/// The longest text a pattern set searches at once: a set's lazy DFA may
/// have to give up on a long hostile text, and its fallback is slower than
/// the separate searches. Longer plans are searched in pieces of whole
/// segments ([`Joined::pieces`]).
const PATTERN_SET_MAX: usize = 64 * 1024;

/// A rubric pattern failed to compile. Rubrics loaded through
/// [`crate::model::parse_rubric`] have been checked already.
#[derive(Debug, thiserror::Error)]
#[error("factor `{factor}` pattern `{pattern}` is not a valid regex: {source}")]
pub struct PatternError {
    pub factor: String,
    pub pattern: String,
    #[source]
    pub source: regex::Error,
}

impl Grader {
    pub fn new(rubric: Rubric) -> Result<Grader, PatternError> {
        let expander = Expander::new(
            rubric
                .abbreviations
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str())),
            rubric.shorthand,
        );
        let mut interner = Interner::default();
        let mut vocab: Vec<VocabWord> = Vec::new();
        let mut vocab_index: HashMap<String, usize> = HashMap::default();
        let mut register = |p: &mut Phrase| {
            for w in &mut p.words {
                let len = w.base.chars().count();
                if w.number || len < ONE_EDIT_FROM {
                    continue;
                }
                let idx = *vocab_index.entry(w.base.clone()).or_insert_with(|| {
                    vocab.push(VocabWord {
                        base: w.base.clone(),
                        stem: w.stem.clone(),
                        first: w.base.chars().next().unwrap_or(' '),
                        len,
                        letters: LetterCounts::of(&w.base),
                        stem_letters: LetterCounts::of(&w.stem),
                    });
                    vocab.len() - 1
                });
                w.vocab = Some(idx);
            }
        };
        let mut factors = Vec::with_capacity(rubric.factors.len());
        // Every pattern of the rubric in order, with its regex mode.
        let mut modes: Vec<PatternMode> = Vec::new();
        for f in &rubric.factors {
            let compile = |list: &mut dyn Iterator<Item = &str>, interner: &mut Interner| {
                list.filter(|p| !p.trim().is_empty())
                    .map(|p| Phrase::compile(p, &expander, false, interner))
                    .filter(|p| !p.words.is_empty())
                    .collect::<Vec<Phrase>>()
            };
            let mut phrases = Vec::with_capacity(f.phrases.len());
            let mut phrase_with = Vec::with_capacity(f.phrases.len());
            let mut companions: Vec<Vec<Phrase>> = Vec::new();
            let mut companion_lists: Vec<&[String]> = Vec::new();
            for spec in &f.phrases {
                if spec.text.trim().is_empty() {
                    continue;
                }
                let p = Phrase::compile(&spec.text, &expander, false, &mut interner);
                if p.words.is_empty() {
                    continue;
                }
                let list = spec.companions(f);
                let with = if list.iter().all(|w| w.trim().is_empty()) {
                    None
                } else if let Some(i) = companion_lists.iter().position(|l| *l == list) {
                    Some(i)
                } else {
                    let mut set = compile(&mut list.iter().map(String::as_str), &mut interner);
                    set.iter_mut().for_each(&mut register);
                    companion_lists.push(list);
                    companions.push(set);
                    Some(companions.len() - 1)
                };
                phrases.push(p);
                phrase_with.push(with);
            }
            let mut evidence = compile(&mut f.evidence.iter().map(String::as_str), &mut interner);
            let mut not = compile(&mut f.not.iter().map(String::as_str), &mut interner);
            phrases.iter_mut().for_each(&mut register);
            evidence.iter_mut().for_each(&mut register);
            not.iter_mut().for_each(&mut register);
            let exclude = f
                .exclude
                .iter()
                .map(|p| Phrase::compile(p, &expander, true, &mut interner))
                .filter(|p| !p.words.is_empty())
                .collect();
            let first_pattern = modes.len();
            let patterns = f
                .patterns
                .iter()
                .map(|p| {
                    crate::text::pattern::build_with_mode(p)
                        .map(|(r, unicode)| {
                            modes.push(PatternMode {
                                unicode,
                                anchored: anchored(p),
                            });
                            (p.clone(), r)
                        })
                        .map_err(|source| PatternError {
                            factor: f.id.clone(),
                            pattern: p.clone(),
                            source,
                        })
                })
                .collect::<Result<_, _>>()?;
            factors.push(CompiledFactor {
                phrases,
                phrase_with,
                companions,
                not,
                period: rubric.period_of(f),
                patterns,
                first_pattern,
                exclude,
                evidence,
            });
        }
        let cues = JUDGEMENT_CUES
            .iter()
            .copied()
            .chain(rubric.judgement.phrases.iter().map(String::as_str))
            .map(|c| Phrase::compile(c, &expander, true, &mut interner))
            .filter(|p| !p.words.is_empty())
            .collect();
        // Labels name factors in headings ("3. Land"); misspelt ones too.
        let mut labels: Vec<Phrase> = rubric
            .factors
            .iter()
            .map(|f| Phrase::compile(&f.label, &expander, false, &mut interner))
            .collect();
        labels.iter_mut().for_each(&mut register);
        let question = rubric
            .question
            .as_deref()
            .map(|q| Phrase::compile(q, &expander, false, &mut interner));
        let phrase_refs: Vec<Vec<&Phrase>> =
            factors.iter().map(|f| f.phrases.iter().collect()).collect();
        let headings = heading::HeadingKeys::new(&labels, &phrase_refs, question.as_ref());
        let question_stems = question
            .iter()
            .flat_map(|q| &q.words)
            .filter(|w| {
                !w.number
                    && w.base.chars().count() >= 4
                    && !phrase::is_stopword(&w.base)
                    && !QUESTION_FRAME.contains(&w.base.as_str())
            })
            .map(|w| w.stem.clone())
            .collect();
        let vocab_stem = vocab.iter().map(|v| interner.intern(&v.stem)).collect();
        let mut vocab_by_first: HashMap<char, Vec<usize>> = HashMap::default();
        for (i, v) in vocab.iter().enumerate() {
            vocab_by_first.entry(v.first).or_default().push(i);
        }
        Ok(Grader {
            rubric,
            expander,
            factors,
            cues,
            question_stems,
            vocab,
            vocab_by_first,
            vocab_stem,
            headings,
            interner,
            pattern_modes: modes,
            pattern_sets: OnceLock::new(),
            graded_one: AtomicBool::new(false),
        })
    }

    pub fn rubric(&self) -> &Rubric {
        &self.rubric
    }

    /// The pattern sets, once a plan has been graded before this one, or
    /// for a `long` plan, which repays building them on its own.
    fn pattern_sets(&self, long: bool) -> Option<&[PatternSet]> {
        if !self.graded_one.swap(true, Ordering::Relaxed) && !long {
            return None;
        }
        let modes = &self.pattern_modes;
        let sets = self.pattern_sets.get_or_init(|| {
            // Every pattern's source, in the order of `pattern_modes`.
            let sources: Vec<&str> = self
                .factors
                .iter()
                .flat_map(|f| f.patterns.iter().map(|(source, _)| source.as_str()))
                .collect();
            [false, true]
                .into_iter()
                .filter_map(|unicode| {
                    let members: Vec<usize> = (0..modes.len())
                        .filter(|&i| modes[i].unicode == unicode && !modes[i].anchored)
                        .collect();
                    // One pattern gains nothing from a set.
                    if members.len() < 2 {
                        return None;
                    }
                    let set = crate::text::pattern::build_set(
                        members.iter().map(|&i| sources[i]),
                        unicode,
                    )?;
                    Some(PatternSet { set, members })
                })
                .collect()
        });
        Some(sets)
    }

    /// Which vocabulary words a plan word could be a misspelling of: `strong`
    /// when the word is not English ("Trotksy"), `weak` when it is ("untied"),
    /// so "stain" never becomes "Stalin" on its own.
    fn typo_targets(&self, t: &Term, stem_known: bool) -> Vec<(usize, WordMatch)> {
        let len = t.base.chars().count();
        // A word that already matches a rubric word is not read as a slip.
        if stem_known || t.expanded || t.kind != TokenKind::Word || len < ONE_EDIT_FROM {
            return Vec::new();
        }
        let first = t.base.chars().next().unwrap_or(' ');
        let Some(candidates) = self.vocab_by_first.get(&first) else {
            return Vec::new();
        };
        // A real English word is only read as a single slip of another
        // ("untied" → "united"), never two ("politics" ≠ "policies").
        let english = is_english_word(&t.base);
        let cap = if english { 1 } else { 2 };
        let within = |a: &str, b: &str, (la, lb): (usize, usize), bags: usize| {
            let allowed = allowed_edits(la.min(lb)).min(cap);
            allowed > 0
                && la.abs_diff(lb) <= allowed
                && bags <= 2 * allowed
                && strsim::osa_distance(a, b) <= allowed
        };
        let letters = LetterCounts::of(&t.base);
        let stem_letters = LetterCounts::of(&t.stem);
        let stem_len = t.stem.chars().count();
        let kind = if english {
            WordMatch::WeakFuzzy
        } else {
            WordMatch::Fuzzy
        };
        candidates
            .iter()
            .copied()
            .filter(|&i| {
                let v = &self.vocab[i];
                within(
                    &t.base,
                    &v.base,
                    (len, v.len),
                    letters.difference(&v.letters),
                ) || (!english
                    && within(
                        &t.stem,
                        &v.stem,
                        (stem_len, v.stem.chars().count()),
                        stem_letters.difference(&v.stem_letters),
                    ))
            })
            .map(|i| (i, kind))
            .collect()
    }

    /// Grades one plan.
    pub fn grade(&self, id: &str, text: &str) -> GradeResult {
        let terms = self.expander.expand(text, tokenize(text));
        // Plans repeat their words ("Stalin", "Trotsky"): look each up once.
        let mut seen: HashMap<crate::text::Word, Vec<(usize, WordMatch)>> = HashMap::default();
        let index = PlanIndex::new(terms, &self.interner, |term, known| {
            if let Some(targets) = seen.get(term.base.as_str()) {
                return targets.clone();
            }
            let targets = self.typo_targets(term, known);
            seen.insert(term.base.clone(), targets.clone());
            targets
        });
        let joined = if !self.pattern_modes.is_empty() {
            Joined::new(&index)
        } else {
            Joined::default()
        };
        // Which patterns may match: all, unless a set search rules some out.
        // A long plan is searched in pieces of whole segments, each at most
        // PATTERN_SET_MAX; a piece that is one longer segment rules nothing
        // out. A pattern with no match in any piece has none in a segment.
        let mut may_match = vec![true; self.pattern_modes.len()];
        let long = joined.text.len() > PATTERN_SET_MAX;
        if !joined.segments.is_empty()
            && let Some(sets) = self.pattern_sets(long)
        {
            let pieces = joined.pieces(PATTERN_SET_MAX);
            for ps in sets {
                let mut found = vec![false; ps.members.len()];
                for piece in &pieces {
                    if piece.len() > PATTERN_SET_MAX {
                        found.fill(true);
                    } else {
                        let m = ps.set.matches(&joined.text.as_bytes()[piece.clone()]);
                        for k in m.iter() {
                            found[k] = true;
                        }
                    }
                    if found.iter().all(|&f| f) {
                        break;
                    }
                }
                for (k, &i) in ps.members.iter().enumerate() {
                    may_match[i] = found[k];
                }
            }
        }

        // Every match of every factor, before the sense checks.
        let mut cands: Vec<Candidate> = Vec::new();
        let mut finder = SegmentFinder::new(&index);
        for (fi, cf) in self.factors.iter().enumerate() {
            let blocked = Blocked::new(
                cf.exclude
                    .iter()
                    .flat_map(|e| find_all(e, &index, Blocked::NONE, 1))
                    .map(|(_, h)| h.first..h.last + 1)
                    .collect(),
            );
            for (p, with) in cf.phrases.iter().zip(&cf.phrase_with) {
                for (s, hit) in find_all(p, &index, &blocked, PHRASE_SLACK) {
                    let mut m = self.to_match(text, &index, &hit, &p.text);
                    if let Some(w) = with
                        && !cf.companions[*w]
                            .iter()
                            .any(|c| finder.find(c, s, Blocked::NONE, PHRASE_SLACK).is_some())
                    {
                        // A heading that is the phrase ("- Family Code")
                        // names the factor without the companion.
                        // Only when the heading is the phrase and little else:
                        // "- the 1936 Family Code banned abortion" is a short
                        // sentence, not a heading naming the 1918 Code.
                        let heading = hit.positions.iter().all(|&q| index.terms[q].heading)
                            && !index.segments[s].clone().any(|q| {
                                let t = &index.terms[q];
                                t.heading
                                    && t.kind == TokenKind::Word
                                    && !hit.positions.contains(&q)
                                    && !heading::is_structure_word(&t.base)
                            });
                        if !heading {
                            continue;
                        }
                        m.rule = Rule::Heading;
                        m.confidence = m.confidence.min(result::confidence::HEADING_PHRASE);
                    }
                    cands.push(Candidate {
                        factor: fi,
                        segment: s,
                        positions: hit.positions,
                        m,
                    });
                }
            }
            let mut found: Vec<(usize, usize, Range<usize>)> = Vec::new();
            for (pi, (_, re)) in cf.patterns.iter().enumerate() {
                let i = cf.first_pattern + pi;
                if !may_match[i] {
                    continue;
                }
                joined.matches(re, self.pattern_modes[i].anchored, pi, &mut found);
            }
            // Segment by segment, pattern by pattern, as they were found
            // before the whole-plan search (the sort is stable).
            found.sort_by_key(|&(s, pi, _)| (s, pi));
            for (s, pi, range) in found {
                let source = &cf.patterns[pi].0;
                let Some((first, last)) = joined.terms_in(&index, s, range) else {
                    continue;
                };
                if blocked.overlaps(first, last) {
                    continue;
                }
                let span = index.terms[first].span.start..index.terms[last].span.end;
                cands.push(Candidate {
                    factor: fi,
                    segment: s,
                    positions: (first..=last).collect(),
                    m: Match {
                        start: span.start,
                        end: span.end,
                        text: text[span].to_string(),
                        rule: Rule::Pattern,
                        source: source.clone(),
                        confidence: result::confidence::PATTERN,
                    },
                });
            }
        }

        // Headings that name a factor by its label's words ("3. Land").
        let typo_stems = |p: usize| -> Vec<(u32, WordMatch)> {
            seen.get(index.terms[p].base.as_str())
                .map(|targets| {
                    targets
                        .iter()
                        .map(|&(v, m)| (self.vocab_stem[v], m))
                        .collect()
                })
                .unwrap_or_default()
        };
        let mut heading_segments: Vec<usize> = index
            .terms
            .iter()
            .filter(|t| t.heading)
            .map(|t| t.segment)
            .collect();
        heading_segments.dedup();
        let phrased: rustc_hash::FxHashSet<(usize, usize)> =
            cands.iter().map(|c| (c.factor, c.segment)).collect();
        for s in heading_segments {
            for (fi, positions, typo) in self.headings.named(&index, s, &typo_stems) {
                // A phrase in the same line already says it, more surely.
                if phrased.contains(&(fi, s)) {
                    continue;
                }
                let first = index.terms[positions[0]].span.start;
                let last = index.terms[positions[positions.len() - 1]].span.end;
                cands.push(Candidate {
                    factor: fi,
                    segment: s,
                    positions,
                    m: Match {
                        start: first,
                        end: last,
                        text: text[first..last].to_string(),
                        rule: Rule::Heading,
                        source: self.rubric.factors[fi].label.clone(),
                        confidence: if typo {
                            result::confidence::MISSPELT_HEADING
                        } else {
                            result::confidence::HEADING
                        },
                    },
                });
            }
        }

        // Sense and relevance: a wrong sense (`not`), a date outside the
        // period, then words that belong to another factor's longer phrase.
        let mut alive = vec![true; cands.len()];
        let mut taken: Vec<Taken> = Vec::new();
        let century = self
            .factors
            .iter()
            .find_map(|f| f.period)
            .map_or(1900, |p| p[0].div_euclid(100) * 100);
        let mut dates = SegmentDates::new(text, &index, century);
        let mut wrong_sense: HashMap<(usize, usize), Option<String>> = HashMap::default();
        for (i, c) in cands.iter().enumerate() {
            let cf = &self.factors[c.factor];
            if !cf.not.is_empty() {
                let found = wrong_sense.entry((c.factor, c.segment)).or_insert_with(|| {
                    cf.not.iter().find_map(|n| {
                        finder
                            .find(n, c.segment, Blocked::NONE, PHRASE_SLACK)
                            .map(|h| {
                                let start = index.terms[h.first].span.start;
                                let end = index.terms[h.last].span.end;
                                text[start..end].to_string()
                            })
                    })
                });
                if let Some(words) = found {
                    alive[i] = false;
                    taken.push(Taken {
                        candidate: i,
                        kind: RejectionKind::Not,
                        reason: format!("this sentence is about “{words}”, a different matter"),
                    });
                    continue;
                }
            }
            if let Some(period) = cf.period
                && let Some(reason) = dates.outside(c.segment, period)
            {
                alive[i] = false;
                taken.push(Taken {
                    candidate: i,
                    kind: RejectionKind::Period,
                    reason,
                });
            }
        }
        for (i, j) in sense::overlaps(&cands, &alive) {
            let winner = &cands[j];
            taken.push(Taken {
                candidate: i,
                kind: RejectionKind::Overlap,
                reason: format!(
                    "part of “{}”, which counts for {}",
                    winner.m.text, self.rubric.factors[winner.factor].label
                ),
            });
        }
        for t in &taken {
            alive[t.candidate] = false;
        }

        let mut per_factor: Vec<(Vec<Match>, Vec<usize>)> =
            vec![(Vec::new(), Vec::new()); self.factors.len()];
        // Credited matches are moved, not copied: after this only the
        // candidates `taken` out (never alive) are read again, for `rejected`.
        for (c, _) in cands.iter_mut().zip(&alive).filter(|(_, a)| **a) {
            let m = Match {
                text: std::mem::take(&mut c.m.text),
                source: std::mem::take(&mut c.m.source),
                ..c.m
            };
            per_factor[c.factor].0.push(m);
            per_factor[c.factor].1.push(c.segment);
        }
        let mut figures = sense::SegmentFigures::new(text, &index);
        let mut factor_results = Vec::with_capacity(self.factors.len());
        for ((f, cf), (mut matches, mut hit_segments)) in self
            .rubric
            .factors
            .iter()
            .zip(&self.factors)
            .zip(per_factor)
        {
            // Ascending runs (one per phrase, one for the patterns, one for
            // the headings), which a stable sort finds and merges in
            // n·log(runs): an unstable one sorted 60,000 segments from scratch.
            hit_segments.sort();
            hit_segments.dedup();
            sense::dedupe(&mut matches);
            let covered = !matches.is_empty();
            let mut evidence = Vec::new();
            let mut evidence_matches = Vec::new();
            if covered {
                for e in &cf.evidence {
                    let found = finder.find_first(e, &hit_segments, Blocked::NONE, PHRASE_SLACK);
                    if let Some((_, hit)) = found {
                        evidence.push(e.text.clone());
                        evidence_matches.push(self.to_match(text, &index, &hit, &e.text));
                    }
                }
                // Dates and figures beside the point are evidence too
                // ("steel rose from 4 to 18 million tons", "1937-38").
                let mut shown = 0;
                'segments: for &s in &hit_segments {
                    for r in figures.of(s) {
                        if shown == FIGURES_SHOWN {
                            break 'segments;
                        }
                        let overlaps = evidence_matches
                            .iter()
                            .any(|m| m.start < r.end && r.start < m.end);
                        if overlaps {
                            continue;
                        }
                        let words = text[r.clone()].to_string();
                        evidence.push(words.clone());
                        evidence_matches.push(Match {
                            start: r.start,
                            end: r.end,
                            text: words,
                            rule: Rule::Figure,
                            source: String::new(),
                            confidence: 1.0,
                        });
                        shown += 1;
                    }
                }
            }
            let confidence = matches.iter().map(|m| m.confidence).fold(0.0, f64::max);
            factor_results.push(FactorResult {
                id: f.id.clone(),
                label: f.label.clone(),
                side: f.side,
                weight: f.weight,
                covered,
                confidence,
                evidence,
                matches,
                evidence_matches,
                hint: f.hint.clone(),
            });
        }
        let mut rejected: Vec<Rejection> = taken
            .into_iter()
            .map(|t| {
                let c = &cands[t.candidate];
                Rejection {
                    factor: self.rubric.factors[c.factor].id.clone(),
                    text: c.m.text.clone(),
                    reason: t.reason,
                    start: c.m.start,
                    end: c.m.end,
                    kind: t.kind,
                }
            })
            .collect();
        rejected.sort_by(|a, b| (a.start, a.end, &a.factor).cmp(&(b.start, b.end, &b.factor)));
        rejected.dedup_by(|a, b| a.factor == b.factor && a.start == b.start && a.end == b.end);

        let judgement = self.find_judgement(text, &index);
        // Weights are scaled by the largest so that huge ones (1e308) cannot
        // sum to infinity and make the coverage NaN; non-finite ones count 0.
        let usable = |w: f64| if w.is_finite() && w > 0.0 { w } else { 0.0 };
        let scale = self
            .rubric
            .factors
            .iter()
            .map(|f| usable(f.weight))
            .fold(0.0, f64::max);
        let scaled = |w: f64| if scale > 0.0 { usable(w) / scale } else { 0.0 };
        let total_weight: f64 = self.rubric.factors.iter().map(|f| scaled(f.weight)).sum();
        // A fold from +0.0: an empty f64 sum is -0.0, which prints as "-0%".
        let covered_weight: f64 = factor_results
            .iter()
            .filter(|f| f.covered)
            .fold(0.0, |total, f| total + scaled(f.weight));
        let coverage = if total_weight > 0.0 {
            ((covered_weight / total_weight).clamp(0.0, 1.0) * 10_000.0).round() / 10_000.0
        } else {
            0.0
        };
        let mut balance = Balance::default();
        for f in factor_results.iter().filter(|f| f.covered) {
            match f.side {
                Side::For => balance.for_ += 1,
                Side::Against => balance.against += 1,
                Side::Neutral => balance.neutral += 1,
            }
        }
        let covered = factor_results.iter().filter(|f| f.covered).count() as u32;
        let evidenced = factor_results
            .iter()
            .filter(|f| f.covered && !f.evidence.is_empty())
            .count() as u32;
        let narrative = !judgement.found && narrative::is_timeline(text);
        let tally = bands::Tally {
            factors: covered,
            coverage,
            for_: balance.for_,
            against: balance.against,
            judgement: judgement.found,
            evidenced,
            narrative,
        };
        // Words the student wrote: an abbreviation ("SIOC") is one word even
        // though it expands to several terms.
        let mut words = 0;
        let mut last_start = None;
        for t in &index.terms {
            if last_start != Some(t.span.start) {
                words += 1;
                last_start = Some(t.span.start);
            }
        }
        let band = if words == 0 {
            None
        } else {
            bands::select(&self.rubric.bands, &tally)
        };
        let (level, mark) = match band {
            Some(i) => (
                self.rubric.bands[i].level,
                bands::mark_in_band(&self.rubric.bands, i, coverage),
            ),
            // A rubric without bands marks in proportion to coverage.
            None if self.rubric.bands.is_empty() && words > 0 => {
                (0, (coverage * self.rubric.max_mark() as f64).round() as u32)
            }
            None => (0, 0),
        };
        let feedback = feedback::lines(
            &self.rubric,
            &factor_results,
            &rejected,
            &tally,
            band,
            words == 0,
        );
        GradeResult {
            id: id.to_string(),
            rubric: self.rubric.id.clone(),
            mark: mark.min(self.rubric.max_mark()),
            max_mark: self.rubric.max_mark(),
            level,
            coverage,
            judgement,
            factors: factor_results,
            feedback,
            covered,
            balance,
            evidenced,
            words,
            rejected,
            narrative,
        }
    }

    fn to_match(&self, text: &str, index: &PlanIndex, hit: &Hit, source: &str) -> Match {
        use result::confidence as c;
        let start = index.terms[hit.first].span.start;
        let end = index.terms[hit.last].span.end;
        let expanded = hit.positions.iter().any(|&p| index.terms[p].expanded);
        let rule = if expanded {
            Rule::Abbreviation
        } else if hit.fuzzy {
            Rule::Fuzzy
        } else if hit.verbatim {
            Rule::Phrase
        } else {
            Rule::Stem
        };
        let confidence = match hit.weakest {
            WordMatch::WeakFuzzy => c::REAL_WORD_SLIP,
            WordMatch::Fuzzy if hit.positions.len() >= 2 => c::TYPO_IN_PHRASE,
            WordMatch::Fuzzy => c::TYPO,
            _ if expanded => c::ABBREVIATION,
            _ if hit.verbatim => c::PHRASE,
            _ if hit.spread => c::STEM_SPREAD,
            _ => c::STEM,
        };
        Match {
            start,
            end,
            text: text[start..end].to_string(),
            rule,
            source: source.to_string(),
            confidence,
        }
    }

    /// The sentence or bullet that gives the judgement (see [`judgement`]).
    fn find_judgement(&self, text: &str, index: &PlanIndex) -> JudgementResult {
        match judgement::find(index, &self.cues, &self.question_stems) {
            Some(seg) => {
                let range = &index.segments[seg];
                let start = index.terms[range.start].span.start;
                let end = index.terms[range.end - 1].span.end;
                JudgementResult {
                    found: true,
                    text: Some(text[start..end].to_string()),
                    start: Some(start),
                    end: Some(end),
                }
            }
            None => JudgementResult {
                found: false,
                text: None,
                start: None,
                end: None,
            },
        }
    }
}

/// Whether a pattern may match a segment's text and not the same words in
/// [`Joined`]: anchors (`^`, `$`, `\A`, `\z`) mean the segment's own start
/// or end. (`[^…]` counts too, which only costs the faster search.)
fn anchored(pattern: &str) -> bool {
    pattern.contains(['^', '$']) || pattern.contains("\\A") || pattern.contains("\\z")
}

/// Every segment as plain words for regex patterns, one segment per line:
/// folded, abbreviations expanded, one space between words ("lenin's
/// testament was hidden"). Each pattern is then one search of the plan
/// rather than one per segment (a 300-word plan has about 25 segments and a
/// rubric up to 40 patterns), and a plan of half a million one-word lines
/// costs one string, not a string per line.
#[derive(Default)]
struct Joined {
    text: String,
    /// Each segment's byte range in `text`.
    segments: Vec<Range<usize>>,
    /// Where each plan term's word starts in `text`.
    word_at: Vec<usize>,
}

impl Joined {
    fn new(index: &PlanIndex) -> Joined {
        let plan = &index.terms;
        let mut text = String::with_capacity(plan.iter().map(|t| t.base.len() + 3).sum());
        let mut segments = Vec::with_capacity(index.segments.len());
        let mut word_at = vec![0; plan.len()];
        for range in &index.segments {
            if !segments.is_empty() {
                text.push('\n');
            }
            let start = text.len();
            for i in range.clone() {
                if text.len() > start {
                    text.push(' ');
                }
                word_at[i] = text.len();
                text.push_str(&plan[i].base);
                if plan[i].possessive {
                    text.push_str("'s");
                }
            }
            segments.push(start..text.len());
        }
        Joined {
            text,
            segments,
            word_at,
        }
    }

    /// `text` cut between segments into pieces of at most `max` bytes (a
    /// single segment longer than that is a piece of its own).
    fn pieces(&self, max: usize) -> Vec<Range<usize>> {
        let mut out: Vec<Range<usize>> = Vec::new();
        for seg in &self.segments {
            match out.last_mut() {
                Some(last) if seg.end - last.start <= max => last.end = seg.end,
                _ => out.push(seg.clone()),
            }
        }
        out
    }

    /// Pushes (segment, `pattern`, range in the segment's text) for every
    /// match of `re` in each segment, exactly as searching each segment on
    /// its own would find them.
    ///
    /// Leftmost-first search finds the same matches in the joined text as
    /// in each segment unless a match runs from one segment into the next
    /// (`\W` matches the newline): only then, or for an anchored pattern,
    /// are the segments searched one by one.
    fn matches(
        &self,
        re: &Regex,
        anchored: bool,
        pattern: usize,
        out: &mut Vec<(usize, usize, Range<usize>)>,
    ) {
        let before = out.len();
        if !anchored {
            let mut crossed = false;
            for m in re.find_iter(self.text.as_bytes()) {
                let s = self.segments.partition_point(|r| r.start <= m.start()) - 1;
                let seg = &self.segments[s];
                if m.end() > seg.end {
                    crossed = true;
                    break;
                }
                out.push((s, pattern, m.start() - seg.start..m.end() - seg.start));
            }
            if !crossed {
                return;
            }
            out.truncate(before);
        }
        for (s, seg) in self.segments.iter().enumerate() {
            for m in re.find_iter(&self.text.as_bytes()[seg.clone()]) {
                out.push((s, pattern, m.range()));
            }
        }
    }

    /// First and last term touched by a byte range of segment `s`'s text.
    fn terms_in(&self, index: &PlanIndex, s: usize, r: Range<usize>) -> Option<(usize, usize)> {
        let terms = index.segments[s].clone();
        let words = &self.word_at[terms.clone()];
        let base = self.segments[s].start;
        // The last word starting at or before the range, by binary search: a
        // segment may be one 1 MiB line with a match on every word.
        let at_or_before = |offset: usize| {
            let n = words.partition_point(|&o| o <= base + offset);
            n.checked_sub(1).map(|i| terms.start + i)
        };
        let first = at_or_before(r.start)?;
        let last = at_or_before(r.end.max(r.start + 1) - 1)?;
        Some((first, last.max(first)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::parse_rubric;

    /// A rubric on the women question, with conditions, wrong senses and a period.
    const RUBRIC: &str = r#"
id = "w"
max-mark = 10
period = [1917, 1929]

[[factor]]
id = "family-code-1918"
label = "The 1918 Family Code"
phrases = [{ text = "Family Code", with = ["1918", "divorce", "equal"] }, "Kollontai"]
not = ["Great Retreat"]

[[factor]]
id = "great-retreat"
label = "The Great Retreat"
period = [1930, 1941]
phrases = ["1936 Family Code", "abortion banned"]

[[factor]]
id = "zhenotdel"
label = "The Zhenotdel"
with = ["women"]
phrases = ["Zhenotdel", { text = "women's department", with = [] }]

[[factor]]
id = "power"
label = "Little political power"
phrases = ["Zhenotdel abolished"]
"#;

    fn grade(plan: &str) -> GradeResult {
        let rubric = parse_rubric(std::path::Path::new("w.toml"), RUBRIC).unwrap();
        Grader::new(rubric).unwrap().grade("t", plan)
    }

    fn covered(r: &GradeResult, id: &str) -> bool {
        r.factor(id).unwrap().covered
    }

    #[test]
    fn a_phrase_with_companions_needs_one_in_its_segment() {
        assert!(!covered(
            &grade("The Family Code mattered."),
            "family-code-1918"
        ));
        assert!(covered(
            &grade("The Family Code made divorce easy."),
            "family-code-1918"
        ));
        // The companion must be in the same sentence.
        assert!(!covered(
            &grade("The Family Code mattered. Divorce became easy."),
            "family-code-1918"
        ));
        // Phrases without a condition of their own count alone.
        assert!(covered(
            &grade("Kollontai argued for it."),
            "family-code-1918"
        ));
    }

    #[test]
    fn a_factor_with_applies_unless_a_phrase_opts_out() {
        assert!(!covered(&grade("The Zhenotdel was set up."), "zhenotdel"));
        assert!(covered(&grade("The Zhenotdel helped women."), "zhenotdel"));
        assert!(covered(&grade("The women's department."), "zhenotdel"));
    }

    #[test]
    fn a_wrong_sense_is_rejected_and_reported() {
        let r = grade("The Great Retreat reversed the equal Family Code.");
        assert!(!covered(&r, "family-code-1918"));
        let rej = r
            .rejected
            .iter()
            .find(|x| x.factor == "family-code-1918")
            .unwrap();
        assert_eq!(rej.kind, RejectionKind::Not);
        assert_eq!(rej.text, "Family Code");
        assert!(rej.reason.contains("Great Retreat"), "{}", rej.reason);
        assert!(
            r.feedback
                .iter()
                .any(|l| l.starts_with("Not credited: “Family Code” for The 1918 Family Code")),
            "{:?}",
            r.feedback
        );
    }

    #[test]
    fn a_match_dated_only_outside_the_period_does_not_count() {
        let r = grade("Kollontai was sidelined in 1937-38.");
        assert!(!covered(&r, "family-code-1918"));
        let rej = &r.rejected[0];
        assert_eq!(rej.kind, RejectionKind::Period);
        assert_eq!(rej.reason, "dated 1937-38, outside 1917–29");
        // A date inside the period, or no date at all, keeps the credit.
        assert!(covered(
            &grade("Kollontai in 1920 and 1937."),
            "family-code-1918"
        ));
        assert!(covered(
            &grade("Kollontai wrote a lot."),
            "family-code-1918"
        ));
        // A factor's own period replaces the rubric's.
        assert!(covered(&grade("Abortion banned in 1936."), "great-retreat"));
        assert!(!covered(
            &grade("Abortion banned in 1920."),
            "great-retreat"
        ));
    }

    #[test]
    fn the_longer_phrase_of_another_factor_wins() {
        let r = grade("Zhenotdel abolished, so women lost their voice.");
        assert!(covered(&r, "power"));
        assert!(!covered(&r, "zhenotdel"));
        let rej = r.rejected.iter().find(|x| x.factor == "zhenotdel").unwrap();
        assert_eq!(rej.kind, RejectionKind::Overlap);
        assert_eq!(
            rej.reason,
            "part of “Zhenotdel abolished”, which counts for Little political power"
        );
        // Elsewhere in the plan the shorter phrase still counts.
        let r = grade("Zhenotdel abolished.\nThe Zhenotdel helped women.");
        assert!(covered(&r, "power") && covered(&r, "zhenotdel"));
        // Where the longer match is itself rejected (dated outside the
        // period), the words are rejected for that reason instead.
        let r = grade("The 1936 Family Code made divorce harder.");
        assert!(covered(&r, "great-retreat"));
        let rej = r
            .rejected
            .iter()
            .find(|x| x.factor == "family-code-1918")
            .unwrap();
        assert_eq!(rej.kind, RejectionKind::Period);
    }

    /// Patterns in both regex modes, anchored and not, one that matches
    /// nothing, and two factors sharing a segment.
    const PATTERNS: &str = r#"
id = "p"
max-mark = 10

[[factor]]
id = "hidden"
label = "Testament hidden"
patterns = ['testament\W+(\w+\W+){0,3}(hidden|suppressed)', 'kept\W+(it\W+)?quiet']

[[factor]]
id = "cyrillic"
label = "Stalin in Russian"
patterns = ['сталин\w*', '\p{L}+ генсек']

[[factor]]
id = "opening"
label = "Opens with the funeral"
patterns = ['^funeral', 'never\W+(\w+\W+){0,2}named', 'zzz+ unmatched']
"#;

    /// The pattern sets only rule patterns out: a grader that uses them
    /// (from its second plan on) finds exactly what one without them finds.
    #[test]
    fn pattern_sets_rule_out_only_patterns_that_match_nowhere() {
        let rubric = parse_rubric(std::path::Path::new("p.toml"), PATTERNS).unwrap();
        let plans = [
            "- Lenin's testament was hidden\n- funeral missed\nfuneral: the date",
            "Сталин was генсек. They kept it quiet.",
            "Lenin never really named an heir\nthe testament, hidden, suppressed",
            "nothing here at all",
            "testament\nhidden",
        ];
        let warm = Grader::new(rubric.clone()).unwrap();
        warm.grade("warm-up", "nothing");
        for plan in plans {
            let cold = Grader::new(rubric.clone()).unwrap().grade("x", plan);
            assert_eq!(warm.grade("x", plan), cold, "{plan}");
        }
        // And the patterns did match where they should.
        let r = warm.grade("x", plans[0]);
        assert!(covered(&r, "hidden"));
        assert!(covered(&r, "opening"));
        let r = warm.grade("x", plans[1]);
        assert!(covered(&r, "cyrillic") && covered(&r, "hidden"));
        assert!(!covered(&warm.grade("x", plans[3]), "hidden"));
        assert!(warm.pattern_sets.get().is_some_and(|s| !s.is_empty()));
    }

    /// A plan longer than a set searches at once is searched in pieces of
    /// whole segments: a pattern that matches only in the last piece is
    /// still found, with the same words as in the line alone, and a piece
    /// that is one long segment rules nothing out.
    #[test]
    fn long_plans_are_searched_for_patterns_piece_by_piece() {
        let rubric = parse_rubric(std::path::Path::new("p.toml"), PATTERNS).unwrap();
        let words = |r: &GradeResult| -> Vec<(String, String)> {
            r.factors
                .iter()
                .flat_map(|f| f.matches.iter().map(|m| (f.id.clone(), m.text.clone())))
                .collect()
        };
        let filler = "- nothing to see on this line at all\n".repeat(4000);
        for tail in [
            "Lenin's testament was hidden",
            "Сталин was генсек",
            "Lenin never really named an heir",
        ] {
            let plan = format!("{filler}{tail}");
            assert!(plan.len() > 2 * PATTERN_SET_MAX);
            let long = Grader::new(rubric.clone()).unwrap().grade("x", &plan);
            let alone = Grader::new(rubric.clone()).unwrap().grade("x", tail);
            assert!(!words(&alone).is_empty(), "{tail}");
            assert_eq!(words(&long), words(&alone), "{tail}");
        }
        let one_line = format!("{}testament was hidden", "word ".repeat(20_000));
        assert!(one_line.len() > PATTERN_SET_MAX);
        let r = Grader::new(rubric).unwrap().grade("x", &one_line);
        assert!(covered(&r, "hidden"));
    }
}

#[cfg(test)]
mod heading_tests {
    use super::*;
    use crate::model::parse_rubric;

    const RUBRIC: &str = r#"
id = "oct"
question = "Why did the Bolsheviks take power in October 1917?"
max-mark = 10

[[factor]]
id = "land"
label = "Delaying land reform and elections"
phrases = ["land reform", "delayed elections"]

[[factor]]
id = "war"
label = "Continuing the war"
phrases = ["continued the war", "June Offensive"]

[[factor]]
id = "kornilov"
label = "The Kornilov Affair"
phrases = ["Kornilov coup"]

[[factor]]
id = "organisation"
label = "Bolshevik organisation and propaganda"
phrases = ["Pravda", { text = "slogans", with = ["Bolshevik"] }]

[[factor]]
id = "red-terror"
label = "The Red Terror"
phrases = ["Cheka"]

[[factor]]
id = "white-terror"
label = "White Terror in the south"
phrases = ["pogroms"]
"#;

    fn grade(plan: &str) -> GradeResult {
        let rubric = parse_rubric(std::path::Path::new("oct.toml"), RUBRIC).unwrap();
        Grader::new(rubric).unwrap().grade("t", plan)
    }

    fn credited(r: &GradeResult) -> Vec<(&str, Rule, f64)> {
        r.factors
            .iter()
            .filter(|f| f.covered)
            .map(|f| (f.id.as_str(), f.matches[0].rule, f.confidence))
            .collect()
    }

    #[test]
    fn a_bulleted_or_numbered_heading_names_its_factor() {
        use result::confidence::HEADING;
        assert_eq!(
            credited(&grade("3. Land")),
            [("land", Rule::Heading, HEADING)]
        );
        assert_eq!(credited(&grade("- War")), [("war", Rule::Heading, HEADING)]);
        assert_eq!(
            credited(&grade("Propaganda: posters everywhere")),
            [("organisation", Rule::Heading, HEADING)]
        );
        assert_eq!(
            credited(&grade(
                "(b) The Kornilov affair\n- Aug 1917, Red Guards armed"
            )),
            [("kornilov", Rule::Heading, HEADING)]
        );
        // The match is the heading's words.
        let r = grade("1. Land reform delays");
        let m = &r.factor("land").unwrap().matches[0];
        assert_eq!(m.text, "Land reform");
    }

    #[test]
    fn dates_and_figures_beside_a_point_are_its_evidence() {
        let r =
            grade("- June Offensive: losses of 400,000 men\n- continued the war into the 1920s");
        let war = r.factor("war").unwrap();
        assert_eq!(war.evidence, ["400,000", "1920s"]);
        assert!(war.evidence_matches.iter().all(|m| m.rule == Rule::Figure));
        assert_eq!(r.evidenced, 1);
        // A lone small number is not evidence; nor is a figure elsewhere.
        let r = grade("- continued the war for 3 reasons\n- 40% of soldiers deserted");
        assert!(r.factor("war").unwrap().evidence.is_empty());
        assert_eq!(r.evidenced, 0);
    }

    #[test]
    fn a_misspelt_heading_is_only_possibly_a_credit() {
        let r = grade("- Kornilv Affair");
        let f = r.factor("kornilov").unwrap();
        assert!(f.covered && f.is_weak(), "{f:?}");
        assert_eq!(f.confidence, result::confidence::MISSPELT_HEADING);
    }

    #[test]
    fn headings_in_another_sense_or_too_vague_credit_nothing() {
        // "Terror" is in two labels: it names neither.
        assert!(credited(&grade("- Terror")).is_empty());
        // "Bolshevik" is the question's word, not this factor's.
        assert!(credited(&grade("- Bolsheviks")).is_empty());
        // A word the factor never uses.
        assert!(credited(&grade("- Land and bread for the hungry")).is_empty());
        // Not a heading: a sentence, or a long bullet.
        assert!(credited(&grade("Land was what the peasants wanted.")).is_empty());
        assert!(credited(&grade("- the war went on and on in the summer")).is_empty());
        // Structure words are not factors.
        assert!(credited(&grade("Conclusion:\nFor:\n- Other reasons")).is_empty());
    }

    #[test]
    fn a_heading_that_is_a_phrase_needs_no_companion() {
        assert!(credited(&grade("The slogans worked.")).is_empty());
        let r = grade("- Slogans");
        assert_eq!(
            credited(&r),
            [(
                "organisation",
                Rule::Heading,
                result::confidence::HEADING_PHRASE
            )]
        );
    }
}
