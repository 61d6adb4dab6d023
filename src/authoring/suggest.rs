//! `rubric suggest`: the authoring loop that PMatch and c-rater authors run by
//! hand, on a teacher's marked plans. For each factor it shows the sentences
//! the teacher credited that the grader missed and the ones it credited that
//! the teacher did not, and proposes changes, each measured on the samples:
//!
//! - **phrases**: word runs from the missed sentences that are rare where the
//!   teacher gave no credit;
//! - **exclusions**: the wording around a false credit's match;
//! - **swaps**: a phrase with one word replaced by a WordNet synonym of the
//!   same dominant sense (phrases of two or more content words only).
//!
//! Candidates are screened cheaply (a sentence holding all of a candidate's
//! stems), then each survivor is measured exactly by grading every sample
//! with the changed rubric, so the numbers shown are the grader's own. Pure:
//! proposals are data; nothing here edits a file (see `edit`).

use super::calibrate::{Counts, Sample};
use crate::grade::phrase::is_stopword;
use crate::grade::{GradeResult, Grader, PatternError};
use crate::model::{Factor, Rubric};
use crate::text::{Expander, Term, TokenKind, tokenize};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::ops::Range;

/// What a proposal changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// Add a phrase to the factor.
    Phrase,
    /// Add an `exclude` wording: the words it covers never count.
    Exclude,
    /// Add a phrase made from one of the factor's phrases with a word
    /// swapped for a WordNet synonym.
    Swap,
    /// Add a `not` wording: a match in a sentence that also has it is
    /// rejected (a known wrong sense).
    Not,
    /// Give one of the factor's phrases companions (`with`): it counts only
    /// beside one of them.
    With,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Phrase => "phrase",
            Kind::Exclude => "exclude",
            Kind::Swap => "swap",
            Kind::Not => "not",
            Kind::With => "with",
        }
    }

    /// The rubric key the proposal adds to.
    pub fn key(self) -> &'static str {
        match self {
            Kind::Phrase | Kind::Swap | Kind::With => "phrases",
            Kind::Exclude => "exclude",
            Kind::Not => "not",
        }
    }
}

/// One change for the teacher to accept or not, with what it does on the
/// samples.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Proposal {
    /// 1-based, for `--apply N,M`.
    pub number: usize,
    pub factor: String,
    pub kind: Kind,
    /// The wording added.
    pub text: String,
    /// For a swap: the phrase it varies.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    /// For `with`: the companion wordings given to the phrase `text`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub with: Vec<String>,
    /// Plans the change touches: those the new wording matches (phrases,
    /// swaps) or those that lose the factor (exclusions).
    pub touched: u32,
    /// Of those, how many the teacher agrees with.
    pub right: u32,
    /// right / touched.
    pub precision: f64,
    /// Phrases: the share of the teacher's credits for the factor the new
    /// wording matches. Exclusions: the share of the grader's false credits
    /// it removes.
    pub recall: f64,
    /// The factor's counts before and after.
    pub before: Counts,
    pub after: Counts,
    /// All factors' counts before and after.
    pub micro_before: Counts,
    pub micro_after: Counts,
    /// Whether the samples test it at all (an untested swap touches none).
    pub tested: bool,
}

impl Proposal {
    pub fn f1_change(&self) -> f64 {
        self.after.f1() - self.before.f1()
    }
}

/// A sentence or bullet of a sample, for the teacher to read.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SegmentNote {
    pub sample: String,
    /// The sentence, or `None` when no sentence shares a word with the factor.
    pub text: Option<String>,
    /// The words the grader matched in it (false credits).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub words: Vec<String>,
}

/// Where one factor goes wrong on the samples.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FactorReview {
    pub factor: String,
    pub label: String,
    pub counts: Counts,
    /// Sentences the teacher credited that the grader missed (the best guess
    /// at which sentence: the one sharing most words with the factor).
    pub missed: Vec<SegmentNote>,
    /// Sentences the grader credited in plans the teacher did not credit.
    pub false_credits: Vec<SegmentNote>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Suggestions {
    pub rubric: String,
    pub samples: usize,
    pub micro: Counts,
    pub factors: Vec<FactorReview>,
    pub proposals: Vec<Proposal>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Options {
    /// At most this many proposals per factor.
    pub per_factor: usize,
    /// Also list WordNet swaps the samples cannot test (no plan uses them).
    pub untested_swaps: bool,
    /// Whether to propose WordNet swaps at all.
    pub swaps: bool,
    /// The question, when the rubric takes it from its card: its words are
    /// in every plan, so they say nothing about one factor.
    pub question: Option<String>,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            per_factor: 4,
            untested_swaps: false,
            swaps: true,
            question: None,
        }
    }
}

/// A sample, tokenised as the grader sees it, with its grade.
struct Plan<'a> {
    sample: &'a Sample,
    terms: Vec<Term>,
    /// Term ranges of the segments.
    segments: Vec<Range<usize>>,
    /// Each segment's stems (content words and numbers).
    stems: Vec<HashSet<String>>,
    result: GradeResult,
    /// The factor (index) each segment most likely raises, among those the
    /// teacher credited and the grader missed.
    attributed: Vec<Option<usize>>,
}

impl Plan<'_> {
    fn credits(&self, factor: &str) -> bool {
        self.sample.factors.iter().any(|f| f == factor)
    }

    fn covered(&self, factor: &str) -> bool {
        self.result.factor(factor).is_some_and(|f| f.covered)
    }

    fn segment_text(&self, s: usize) -> &str {
        let r = &self.segments[s];
        let (a, b) = (
            self.terms[r.start].span.start,
            self.terms[r.end - 1].span.end,
        );
        &self.sample.text[a..b]
    }

    /// The segment holding byte offset `at`.
    fn segment_at(&self, at: usize) -> Option<usize> {
        self.segments.iter().position(|r| {
            self.terms[r.start].span.start <= at && at < self.terms[r.end - 1].span.end
        })
    }
}

fn content(t: &Term) -> bool {
    !is_stopword(&t.base)
}

/// The stems a wording needs (content words), sorted and deduplicated.
fn key_of(text: &str, expander: &Expander) -> Vec<String> {
    let mut k: Vec<String> = expander
        .expand(text, tokenize(text))
        .iter()
        .filter(|t| content(t))
        .map(|t| t.stem.to_string())
        .collect();
    k.sort();
    k.dedup();
    k
}

fn phrase_texts(f: &Factor) -> Vec<String> {
    f.phrases.iter().map(|p| p.to_string()).collect()
}

fn add_to(f: &mut Factor, kind: Kind, text: &str, with: &[String]) {
    match kind {
        Kind::Phrase | Kind::Swap => f.phrases.push(crate::model::PhraseSpec::new(text)),
        Kind::Exclude => f.exclude.push(text.to_string()),
        Kind::Not => f.not.push(text.to_string()),
        Kind::With => {
            for p in f.phrases.iter_mut().filter(|p| p.text == text) {
                p.with = Some(with.to_vec());
            }
        }
    }
}

/// Counts per factor, and which plans the grader credits with `factor`.
fn tally(rubric: &Rubric, plans: &[Plan], results: &[GradeResult]) -> BTreeMap<String, Counts> {
    let mut out: BTreeMap<String, Counts> = rubric
        .factors
        .iter()
        .map(|f| (f.id.clone(), Counts::default()))
        .collect();
    for (p, r) in plans.iter().zip(results) {
        for f in &r.factors {
            let c = out.entry(f.id.clone()).or_default();
            match (f.covered, p.credits(&f.id)) {
                (true, true) => c.tp += 1,
                (true, false) => c.fp += 1,
                (false, true) => c.fn_ += 1,
                (false, false) => {}
            }
        }
    }
    out
}

fn micro(counts: &BTreeMap<String, Counts>) -> Counts {
    counts.values().fold(Counts::default(), |a, c| Counts {
        tp: a.tp + c.tp,
        fp: a.fp + c.fp,
        fn_: a.fn_ + c.fn_,
    })
}

/// Words that say nothing about one factor: everyday words, verbs,
/// quantifiers, judgement wordings ("overall") and the question's own words
/// ("women" in a question on women). A proposed phrase needs one word that
/// is not among them.
struct Generic {
    stems: HashSet<String>,
}

impl Generic {
    fn new(rubric: &Rubric, question: Option<&str>) -> Generic {
        let mut stems: HashSet<String> = HashSet::new();
        let mut add = |text: &str| {
            for t in tokenize(text) {
                stems.insert(t.stem.to_string());
            }
        };
        for cue in crate::grade::JUDGEMENT_CUES {
            add(cue);
        }
        for w in super::starter::NOT_IN_A_NAME {
            add(w);
        }
        if let Some(q) = rubric.question.as_deref().or(question) {
            add(q);
        }
        if let Some(t) = &rubric.title {
            add(t);
        }
        Generic { stems }
    }

    fn is_generic(&self, t: &Term) -> bool {
        t.kind != TokenKind::Word
            || t.base.chars().any(|c| c.is_ascii_digit())
            || is_stopword(&t.base)
            || self.stems.contains(t.stem.as_str())
            || super::starter::is_common_verb(&t.base)
            || crate::authoring::check::is_loose_word(&t.base)
    }
}

/// Whether the text between two neighbouring words breaks a phrase (a
/// comma, colon, dash or bracket: "power - the Zhenotdel" is two points).
fn breaks_between(text: &str, a: &Term, b: &Term) -> bool {
    a.span.end <= b.span.start
        && text[a.span.end..b.span.start].chars().any(|c| {
            matches!(
                c,
                ',' | ';'
                    | ':'
                    | '('
                    | ')'
                    | '['
                    | ']'
                    | '\u{2013}'
                    | '\u{2014}'
                    | '-'
                    | '.'
                    | '!'
                    | '?'
            )
        })
}

/// A candidate change before it is measured.
#[derive(Debug, Clone)]
struct Candidate {
    factor: usize,
    kind: Kind,
    text: String,
    from: Option<String>,
    /// Screening score: the factor's approximate F1 after the change.
    score: f64,
    words: usize,
    /// Which plans it screens as matching (empty when not screened).
    hits: Vec<bool>,
    /// For `with`: the companions.
    with: Vec<String>,
    /// Content words that say nothing about the factor ("after", "made"):
    /// of two candidates with the same effect, the one with fewer carries
    /// over to new plans better ("cooked and cleaned", not "cleaned after").
    generic_words: usize,
}

/// Suggests changes to `rubric` from the teacher's marked `samples`.
pub fn suggest(
    rubric: &Rubric,
    samples: &[Sample],
    opts: &Options,
) -> Result<Suggestions, PatternError> {
    let grader = Grader::new(rubric.clone())?;
    let expander = Expander::new(
        rubric
            .abbreviations
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str())),
        rubric.shorthand,
    );
    let plans: Vec<Plan> = samples
        .iter()
        .map(|s| {
            let terms = expander.expand(&s.text, tokenize(&s.text));
            let mut segments: Vec<Range<usize>> = Vec::new();
            for (i, t) in terms.iter().enumerate() {
                match segments.last_mut() {
                    Some(r) if terms[r.start].segment == t.segment => r.end = i + 1,
                    _ => segments.push(i..i + 1),
                }
            }
            let stems = segments
                .iter()
                .map(|r| {
                    terms[r.clone()]
                        .iter()
                        .filter(|t| content(t))
                        .map(|t| t.stem.to_string())
                        .collect()
                })
                .collect();
            Plan {
                sample: s,
                terms,
                segments,
                stems,
                result: grader.grade(&s.id, &s.text),
                attributed: Vec::new(),
            }
        })
        .collect();
    let profiles: Vec<HashSet<String>> = rubric
        .factors
        .iter()
        .map(|f| profile(f, &expander))
        .collect();
    let mut plans = plans;
    for p in &mut plans {
        p.attributed = attribute(p, rubric, &profiles);
    }
    let plans = plans;
    let results: Vec<GradeResult> = plans.iter().map(|p| p.result.clone()).collect();
    let counts = tally(rubric, &plans, &results);
    let micro_before = micro(&counts);

    let generic = Generic::new(rubric, opts.question.as_deref());
    let mut reviews = Vec::new();
    let mut candidates: Vec<Candidate> = Vec::new();
    for (fi, f) in rubric.factors.iter().enumerate() {
        let c = counts.get(&f.id).copied().unwrap_or_default();
        let review = review_factor(rubric, f, &plans, &expander, c);
        if !review.missed.is_empty() || !review.false_credits.is_empty() {
            reviews.push(review);
        }
        if c.fn_ > 0 {
            candidates.extend(phrase_candidates(
                rubric,
                fi,
                &plans,
                &expander,
                &generic,
                &profiles[fi],
                c,
            ));
        }
        if c.fp > 0 {
            candidates.extend(exclude_candidates(fi, f, &plans));
            candidates.extend(not_candidates(fi, f, &plans, &generic));
            candidates.extend(with_candidates(fi, f, &plans, &generic));
        }
        if opts.swaps {
            candidates.extend(swap_candidates(fi, f, &plans, &expander, c));
        }
    }

    // Measure the best few candidates of each factor and kind exactly.
    let mut by_group: BTreeMap<(usize, Kind), Vec<Candidate>> = BTreeMap::new();
    for c in candidates {
        by_group.entry((c.factor, c.kind)).or_default().push(c);
    }
    let mut measured: Vec<(Proposal, Vec<bool>, usize)> = Vec::new();
    for ((fi, _), mut group) in by_group {
        // Exclusions keep the order they were made in (context before the
        // match first); the others go best first.
        group.sort_by(|a, b| {
            let order = b.score.total_cmp(&a.score);
            let rank = |w: usize| match w {
                2 | 3 => 0,
                1 => 1,
                _ => 2,
            };
            if matches!(a.kind, Kind::Exclude | Kind::Not | Kind::With) {
                order
            } else {
                order
                    .then(a.generic_words.cmp(&b.generic_words))
                    .then(rank(a.words).cmp(&rank(b.words)))
                    .then(a.words.cmp(&b.words))
                    .then(a.text.cmp(&b.text))
            }
        });
        let mut seen_text = HashSet::new();
        group.retain(|c| seen_text.insert(c.text.to_lowercase()));
        // Of candidates with the same effect on the samples, measure two.
        let mut per_effect: HashMap<Vec<bool>, usize> = HashMap::new();
        group.retain(|c| {
            let n = per_effect.entry(c.hits.clone()).or_default();
            *n += 1;
            c.kind == Kind::Swap || c.hits.is_empty() || *n <= 2
        });
        let f = &rubric.factors[fi];
        for c in group.into_iter().take(opts.per_factor * 3) {
            let seq = measured.len();
            let mut changed = rubric.clone();
            add_to(&mut changed.factors[fi], c.kind, &c.text, &c.with);
            let Ok(g) = Grader::new(changed) else {
                continue;
            };
            let after_results: Vec<GradeResult> = plans
                .iter()
                .map(|p| g.grade(&p.sample.id, &p.sample.text))
                .collect();
            let after_counts = tally(rubric, &plans, &after_results);
            let before = counts.get(&f.id).copied().unwrap_or_default();
            let after = after_counts.get(&f.id).copied().unwrap_or_default();
            let covered_after: Vec<bool> = after_results
                .iter()
                .map(|r| r.factor(&f.id).is_some_and(|x| x.covered))
                .collect();
            let (touched, right, recall) = match c.kind {
                Kind::Phrase | Kind::Swap => {
                    // Plans where the new wording itself matched.
                    let hit: Vec<bool> = after_results
                        .iter()
                        .map(|r| {
                            r.factor(&f.id)
                                .is_some_and(|x| x.matches.iter().any(|m| m.source == c.text))
                        })
                        .collect();
                    let touched = hit.iter().filter(|h| **h).count() as u32;
                    let right = plans
                        .iter()
                        .zip(&hit)
                        .filter(|(p, h)| **h && p.credits(&f.id))
                        .count() as u32;
                    let credited = plans.iter().filter(|p| p.credits(&f.id)).count() as u32;
                    (touched, right, ratio(right, credited))
                }
                Kind::Exclude | Kind::Not | Kind::With => {
                    let lost: Vec<&Plan> = plans
                        .iter()
                        .zip(&covered_after)
                        .filter(|(p, after)| p.covered(&f.id) && !**after)
                        .map(|(p, _)| p)
                        .collect();
                    let right = lost.iter().filter(|p| !p.credits(&f.id)).count() as u32;
                    (lost.len() as u32, right, ratio(right, before.fp))
                }
            };
            let proposal = Proposal {
                number: 0,
                factor: f.id.clone(),
                kind: c.kind,
                text: c.text.clone(),
                from: c.from.clone(),
                with: c.with.clone(),
                touched,
                right,
                precision: ratio(right, touched),
                recall,
                before,
                after,
                micro_before,
                micro_after: micro(&after_counts),
                tested: touched > 0,
            };
            let gains = proposal.f1_change() > 1e-9
                && proposal.micro_after.f1() + 1e-9 >= micro_before.f1();
            let untested_swap =
                c.kind == Kind::Swap && opts.untested_swaps && touched == 0 && after == before;
            // One word alone must be right in two plans or more: once is chance.
            let supported =
                c.words > 1 || !matches!(c.kind, Kind::Phrase | Kind::Not) || right >= 2;
            if (gains && supported) || untested_swap {
                measured.push((proposal, covered_after, seq));
            }
        }
    }
    // Per factor: the best first; of proposals with the same effect on the
    // samples, only the most precise (then shortest) one.
    // Two or three words are what students write and what stays precise on
    // new plans; one word is loose, four are rare.
    let length_rank = |p: &Proposal| match tokenize(&p.text)
        .iter()
        .filter(|t| !is_stopword(&t.base))
        .count()
    {
        2 | 3 => 0,
        1 => 1,
        _ => 2,
    };
    measured.sort_by(|(a, _, i), (b, _, j)| {
        a.factor
            .cmp(&b.factor)
            .then(b.f1_change().total_cmp(&a.f1_change()))
            .then(b.precision.total_cmp(&a.precision))
            .then(a.kind.cmp(&b.kind))
            .then(length_rank(a).cmp(&length_rank(b)))
            .then(i.cmp(j))
    });
    let mut proposals: Vec<Proposal> = Vec::new();
    let mut effects: HashSet<(String, Kind, Vec<bool>)> = HashSet::new();
    let mut per_factor: HashMap<String, usize> = HashMap::new();
    for (p, effect, _) in measured {
        if p.tested && !effects.insert((p.factor.clone(), p.kind, effect)) {
            continue;
        }
        let n = per_factor.entry(p.factor.clone()).or_default();
        if *n >= opts.per_factor {
            continue;
        }
        *n += 1;
        proposals.push(p);
    }
    // Number in the rubric's factor order.
    let order: HashMap<&str, usize> = rubric
        .factors
        .iter()
        .enumerate()
        .map(|(i, f)| (f.id.as_str(), i))
        .collect();
    proposals.sort_by_key(|p| {
        (
            order.get(p.factor.as_str()).copied().unwrap_or(usize::MAX),
            !p.tested,
        )
    });
    for (i, p) in proposals.iter_mut().enumerate() {
        p.number = i + 1;
    }
    Ok(Suggestions {
        rubric: rubric.id.clone(),
        samples: samples.len(),
        micro: micro_before,
        factors: reviews,
        proposals,
    })
}

fn ratio(a: u32, b: u32) -> f64 {
    if b == 0 { 0.0 } else { a as f64 / b as f64 }
}

/// The stems that describe a factor: its label, hint, phrases and evidence.
fn profile(f: &Factor, expander: &Expander) -> HashSet<String> {
    let mut text = format!("{}\n{}\n", f.label, f.hint.as_deref().unwrap_or_default());
    for p in phrase_texts(f).iter().chain(&f.evidence) {
        text.push_str(p);
        text.push('\n');
    }
    let mut stems: HashSet<String> = key_of(&text, expander).into_iter().collect();
    let lexicon = crate::text::lexicon::lexicon();
    for t in expander.expand(&text, tokenize(&text)) {
        if content(&t) && t.kind == TokenKind::Word {
            for syn in lexicon.synonyms(&t.base) {
                stems.insert(crate::text::fold::stem(syn));
            }
        }
    }
    stems
}

/// Which missed factor each segment of a plan raises: the teacher credits a
/// plan, not a sentence, so each sentence the grader did not already give to
/// a credited factor goes to the missed factor whose words (label, hint,
/// phrases, evidence and their WordNet synonyms) it shares most, if one
/// factor clearly leads. Phrases are only mined from a factor's own
/// sentences, so a plan that raises seven factors in its own words does not
/// propose its every word run for all seven.
fn attribute(p: &Plan, rubric: &Rubric, profiles: &[HashSet<String>]) -> Vec<Option<usize>> {
    let missed: Vec<usize> = rubric
        .factors
        .iter()
        .enumerate()
        .filter(|(_, f)| p.credits(&f.id) && !p.covered(&f.id))
        .map(|(i, _)| i)
        .collect();
    let mut owned: HashSet<usize> = HashSet::new();
    for f in p
        .result
        .factors
        .iter()
        .filter(|f| f.covered && p.credits(&f.id))
    {
        owned.extend(f.matches.iter().filter_map(|m| p.segment_at(m.start)));
    }
    (0..p.segments.len())
        .map(|s| {
            if owned.contains(&s) {
                return None;
            }
            let mut scores: Vec<(usize, usize)> = missed
                .iter()
                .map(|&fi| (p.stems[s].intersection(&profiles[fi]).count(), fi))
                .filter(|(n, _)| *n > 0)
                .collect();
            scores.sort_by_key(|s| std::cmp::Reverse(s.0));
            match scores.as_slice() {
                [(_, fi)] => Some(*fi),
                [(a, fi), (b, _), ..] if a > b => Some(*fi),
                _ => None,
            }
        })
        .collect()
}

/// Segments of `plan` that the grader already gave to another factor the
/// teacher also credits: they are that factor's sentences.
fn owned_segments(plan: &Plan, factor: &str) -> HashSet<usize> {
    plan.result
        .factors
        .iter()
        .filter(|f| f.id != factor && f.covered && plan.credits(&f.id))
        .flat_map(|f| f.matches.iter())
        .filter_map(|m| plan.segment_at(m.start))
        .collect()
}

fn review_factor(
    rubric: &Rubric,
    f: &Factor,
    plans: &[Plan],
    expander: &Expander,
    counts: Counts,
) -> FactorReview {
    let prof = profile(f, expander);
    let mut missed = Vec::new();
    let mut false_credits = Vec::new();
    for p in plans {
        match (p.credits(&f.id), p.covered(&f.id)) {
            (true, false) => {
                let fi = rubric.factors.iter().position(|x| x.id == f.id);
                let own: Vec<usize> = (0..p.segments.len())
                    .filter(|&s| p.attributed[s].is_some() && p.attributed[s] == fi)
                    .collect();
                let chosen = if own.is_empty() {
                    // No sentence clearly its own: the one sharing most words.
                    let owned = owned_segments(p, &f.id);
                    (0..p.segments.len())
                        .filter(|s| !owned.contains(s))
                        .map(|s| (p.stems[s].intersection(&prof).count(), s))
                        .filter(|(n, _)| *n > 0)
                        .max_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)))
                        .map(|(_, s)| vec![s])
                        .unwrap_or_default()
                } else {
                    own
                };
                if chosen.is_empty() {
                    missed.push(SegmentNote {
                        sample: p.sample.id.clone(),
                        text: None,
                        words: Vec::new(),
                    });
                }
                for s in chosen {
                    missed.push(SegmentNote {
                        sample: p.sample.id.clone(),
                        text: Some(p.segment_text(s).to_string()),
                        words: Vec::new(),
                    });
                }
            }
            (false, true) => {
                let Some(r) = p.result.factor(&f.id) else {
                    continue;
                };
                let mut by_segment: BTreeMap<usize, Vec<String>> = BTreeMap::new();
                for m in &r.matches {
                    if let Some(s) = p.segment_at(m.start) {
                        by_segment.entry(s).or_default().push(m.text.clone());
                    }
                }
                for (s, words) in by_segment {
                    false_credits.push(SegmentNote {
                        sample: p.sample.id.clone(),
                        text: Some(p.segment_text(s).to_string()),
                        words,
                    });
                }
            }
            _ => {}
        }
    }
    FactorReview {
        factor: f.id.clone(),
        label: f.label.clone(),
        counts,
        missed,
        false_credits,
    }
}

/// Which plans have a segment holding every stem of `key`.
fn plans_matching(plans: &[Plan], key: &[String]) -> Vec<bool> {
    plans
        .iter()
        .map(|p| p.stems.iter().any(|s| key.iter().all(|k| s.contains(k))))
        .collect()
}

/// The factor's approximate F1 if the plans in `adds` were credited too.
fn f1_with(plans: &[Plan], factor: &str, adds: &[bool]) -> f64 {
    let mut c = Counts::default();
    for (p, add) in plans.iter().zip(adds) {
        match (p.covered(factor) || *add, p.credits(factor)) {
            (true, true) => c.tp += 1,
            (true, false) => c.fp += 1,
            (false, true) => c.fn_ += 1,
            _ => {}
        }
    }
    c.f1()
}

/// Runs of one to four words from the sentences of plans the teacher
/// credited and the grader missed, that no plan without the credit has.
fn phrase_candidates(
    rubric: &Rubric,
    fi: usize,
    plans: &[Plan],
    expander: &Expander,
    generic: &Generic,
    profile: &HashSet<String>,
    counts: Counts,
) -> Vec<Candidate> {
    let f = &rubric.factors[fi];
    // Every factor's phrases: a wording another factor has belongs there.
    let existing: HashSet<Vec<String>> = rubric
        .factors
        .iter()
        .flat_map(phrase_texts)
        .map(|p| key_of(&p, expander))
        .collect();
    let mut seen: HashSet<Vec<String>> = HashSet::new();
    let mut out = Vec::new();
    let base = counts.f1();
    for p in plans
        .iter()
        .filter(|p| p.credits(&f.id) && !p.covered(&f.id))
    {
        for (s, range) in p.segments.iter().enumerate() {
            if p.attributed[s] != Some(fi) {
                continue;
            }
            let terms = &p.terms[range.clone()];
            for start in 0..terms.len() {
                for n in 1..=4usize {
                    let end = start + n;
                    if end > terms.len() {
                        break;
                    }
                    let run = &terms[start..end];
                    let (first, last) = (&run[0], &run[n - 1]);
                    if !content(first) || !content(last) || last.kind == TokenKind::Number {
                        continue;
                    }
                    if run
                        .windows(2)
                        .any(|w| breaks_between(&p.sample.text, &w[0], &w[1]))
                    {
                        break;
                    }
                    let words: Vec<&Term> = run.iter().filter(|t| content(t)).collect();
                    // One word that says something about this factor.
                    if !words.iter().any(|t| !generic.is_generic(t)) {
                        continue;
                    }
                    if n == 1 && (first.base.chars().count() < 4 || first.expanded) {
                        continue;
                    }
                    let mut key: Vec<String> = words.iter().map(|t| t.stem.to_string()).collect();
                    key.sort();
                    key.dedup();
                    if existing.contains(&key) || !seen.insert(key.clone()) {
                        continue;
                    }
                    let hits = plans_matching(plans, &key);
                    let gained = plans
                        .iter()
                        .zip(&hits)
                        .filter(|(q, h)| **h && q.credits(&f.id) && !q.covered(&f.id))
                        .count();
                    // Found in one plan only, a wording must share a word
                    // with what the factor is about (its label, hint,
                    // phrases, evidence or their synonyms): otherwise it is
                    // any run of words from that plan.
                    let about = words.iter().any(|t| profile.contains(t.stem.as_str()));
                    let gains = gained >= 2 || (gained == 1 && about);
                    // A wording in most plans says nothing about one factor,
                    // and one word alone must never be wrong on the samples.
                    let common = hits.iter().filter(|h| **h).count() * 2 > plans.len();
                    let wrong = plans
                        .iter()
                        .zip(&hits)
                        .any(|(q, h)| *h && !q.credits(&f.id) && !q.covered(&f.id));
                    if common || (words.len() == 1 && wrong) {
                        continue;
                    }
                    let score = f1_with(plans, &f.id, &hits);
                    if !gains || score <= base {
                        continue;
                    }
                    let text = p.sample.text[first.span.start..last.span.end].to_string();
                    out.push(Candidate {
                        factor: fi,
                        kind: Kind::Phrase,
                        text,
                        from: None,
                        score,
                        words: key.len(),
                        hits,
                        with: Vec::new(),
                        generic_words: words.iter().filter(|t| generic.is_generic(t)).count(),
                    });
                }
            }
        }
    }
    out
}

/// The wording around each false credit's match: the matched words with up
/// to two words either side, as an `exclude` (which blocks exactly the
/// words it covers, so the same words elsewhere still count).
fn exclude_candidates(fi: usize, f: &Factor, plans: &[Plan]) -> Vec<Candidate> {
    let mut out = Vec::new();
    let mut seen = HashSet::new();
    for p in plans
        .iter()
        .filter(|p| p.covered(&f.id) && !p.credits(&f.id))
    {
        let Some(r) = p.result.factor(&f.id) else {
            continue;
        };
        for m in &r.matches {
            let Some(s) = p.segment_at(m.start) else {
                continue;
            };
            let range = p.segments[s].clone();
            let inside: Vec<usize> = range
                .clone()
                .filter(|&i| p.terms[i].span.start >= m.start && p.terms[i].span.end <= m.end)
                .collect();
            let (Some(&a), Some(&b)) = (inside.first(), inside.last()) else {
                continue;
            };
            // Words before a match usually say which sense it is ("1936
            // Family Code", "lost their jobs"), so those come first.
            for (left, right) in [
                (1, 0),
                (2, 0),
                (0, 1),
                (0, 2),
                (1, 1),
                (2, 1),
                (1, 2),
                (2, 2),
            ] {
                {
                    let (Some(lo), hi) = (a.checked_sub(left), b + right) else {
                        continue;
                    };
                    if lo < range.start || hi >= range.end {
                        continue;
                    }
                    // It must add a word of meaning, not only "the" or "to",
                    // and stay within one point.
                    let adds_content = (lo..a)
                        .chain(b + 1..=hi)
                        .any(|i| content(&p.terms[i]) && p.terms[i].kind != TokenKind::Symbol);
                    let crosses = (lo..hi)
                        .any(|i| breaks_between(&p.sample.text, &p.terms[i], &p.terms[i + 1]));
                    if !adds_content || crosses {
                        continue;
                    }
                    let text =
                        p.sample.text[p.terms[lo].span.start..p.terms[hi].span.end].to_string();
                    if seen.insert(text.to_lowercase()) {
                        out.push(Candidate {
                            factor: fi,
                            kind: Kind::Exclude,
                            text,
                            from: None,
                            score: 0.0,
                            words: hi - lo + 1,
                            hits: Vec::new(),
                            with: Vec::new(),
                            generic_words: 0,
                        });
                    }
                }
            }
        }
    }
    out
}

/// Segments where the grader matched `factor` in plans the teacher credits
/// with it: what a right credit looks like.
fn true_segments<'p>(plans: &'p [Plan], factor: &str) -> Vec<(&'p Plan<'p>, usize)> {
    plans
        .iter()
        .filter(|p| p.covered(factor) && p.credits(factor))
        .flat_map(|p| {
            let r = p.result.factor(factor);
            r.into_iter()
                .flat_map(|r| r.matches.iter())
                .filter_map(move |m| p.segment_at(m.start).map(|s| (p, s)))
        })
        .collect()
}

/// `not` wordings: one to three words from the sentence of a false credit
/// that no sentence of a true credit has (a wrong sense's marker, such as
/// "shut down" beside "Zhenotdel" in a point about lost power).
fn not_candidates(fi: usize, f: &Factor, plans: &[Plan], generic: &Generic) -> Vec<Candidate> {
    let truth: Vec<&HashSet<String>> = true_segments(plans, &f.id)
        .into_iter()
        .map(|(p, s)| &p.stems[s])
        .collect();
    let mut out = Vec::new();
    let mut seen = HashSet::new();
    for p in plans
        .iter()
        .filter(|p| p.covered(&f.id) && !p.credits(&f.id))
    {
        let Some(r) = p.result.factor(&f.id) else {
            continue;
        };
        for m in &r.matches {
            let Some(s) = p.segment_at(m.start) else {
                continue;
            };
            let terms = &p.terms[p.segments[s].clone()];
            for start in 0..terms.len() {
                for n in 1..=3usize {
                    let Some(run) = terms.get(start..start + n) else {
                        break;
                    };
                    if run
                        .windows(2)
                        .any(|w| breaks_between(&p.sample.text, &w[0], &w[1]))
                    {
                        break;
                    }
                    // Not the matched words themselves.
                    if run
                        .iter()
                        .any(|t| t.span.start >= m.start && t.span.end <= m.end)
                    {
                        continue;
                    }
                    let (first, last) = (&run[0], &run[n - 1]);
                    if !content(first) || !content(last) {
                        continue;
                    }
                    let words: Vec<&Term> = run.iter().filter(|t| content(t)).collect();
                    let telling = words
                        .iter()
                        .any(|t| !generic.is_generic(t) || t.kind == TokenKind::Number);
                    if !telling {
                        continue;
                    }
                    let mut key: Vec<String> = words.iter().map(|t| t.stem.to_string()).collect();
                    key.sort();
                    key.dedup();
                    if truth.iter().any(|seg| key.iter().all(|k| seg.contains(k)))
                        || !seen.insert(key.clone())
                    {
                        continue;
                    }
                    out.push(Candidate {
                        factor: fi,
                        kind: Kind::Not,
                        text: p.sample.text[first.span.start..last.span.end].to_string(),
                        from: None,
                        score: 0.0,
                        words: key.len(),
                        hits: Vec::new(),
                        with: Vec::new(),
                        generic_words: 0,
                    });
                }
            }
        }
    }
    // The shortest first: they carry over to new plans best.
    out.sort_by_key(|c| c.words);
    out
}

/// Companions for a loose phrase that both credits rightly and wrongly:
/// words in the sentences where it matched in plans the teacher credits,
/// and in none of those where it matched in plans the teacher did not
/// (say "1918" or "divorce" for "Family Code"). Up to three, chosen to cover
/// as many right matches as they can.
fn with_candidates(fi: usize, f: &Factor, plans: &[Plan], generic: &Generic) -> Vec<Candidate> {
    let mut out = Vec::new();
    for phrase in &f.phrases {
        // The sentences where this phrase matched: right ones and wrong ones.
        let mut right: Vec<(&Plan, usize)> = Vec::new();
        let mut wrong: Vec<(&Plan, usize)> = Vec::new();
        for p in plans.iter().filter(|p| p.covered(&f.id)) {
            let Some(r) = p.result.factor(&f.id) else {
                continue;
            };
            for m in r.matches.iter().filter(|m| m.source == phrase.text) {
                if let Some(s) = p.segment_at(m.start) {
                    if p.credits(&f.id) {
                        right.push((p, s));
                    } else {
                        wrong.push((p, s));
                    }
                }
            }
        }
        if right.is_empty() || wrong.is_empty() {
            continue;
        }
        let phrase_stems: HashSet<String> = tokenize(&phrase.text)
            .iter()
            .map(|t| t.stem.to_string())
            .collect();
        let banned: HashSet<&str> = wrong
            .iter()
            .flat_map(|(p, s)| p.stems[*s].iter().map(String::as_str))
            .collect();
        // Candidate companions: (stem, a surface form, right sentences with it).
        let mut words: BTreeMap<String, (String, HashSet<usize>)> = BTreeMap::new();
        for (i, (p, s)) in right.iter().enumerate() {
            for t in &p.terms[p.segments[*s].clone()] {
                let useful = content(t)
                    && !phrase_stems.contains(t.stem.as_str())
                    && !banned.contains(t.stem.as_str())
                    && (t.kind == TokenKind::Number || !generic.is_generic(t));
                if useful {
                    let e = words.entry(t.stem.to_string()).or_insert_with(|| {
                        (p.sample.text[t.span.clone()].to_string(), HashSet::new())
                    });
                    e.1.insert(i);
                }
            }
        }
        let mut chosen: Vec<String> = Vec::new();
        let mut covered: HashSet<usize> = HashSet::new();
        while chosen.len() < 3 && covered.len() < right.len() {
            let best = words
                .iter()
                .filter(|(_, (w, _))| !chosen.contains(w))
                .map(|(_, (w, set))| (set.difference(&covered).count(), w, set))
                .filter(|(gain, _, _)| *gain > 0)
                .max_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(a.1)));
            let Some((_, w, set)) = best else { break };
            chosen.push(w.clone());
            covered.extend(set.iter().copied());
        }
        if !chosen.is_empty() {
            out.push(Candidate {
                factor: fi,
                kind: Kind::With,
                text: phrase.text.clone(),
                from: None,
                score: 0.0,
                words: chosen.len(),
                hits: Vec::new(),
                with: chosen,
                generic_words: 0,
            });
        }
    }
    out
}

/// Each phrase of two or more content words, with one word of four letters
/// or more swapped for a WordNet synonym of its dominant sense.
fn swap_candidates(
    fi: usize,
    f: &Factor,
    plans: &[Plan],
    expander: &Expander,
    counts: Counts,
) -> Vec<Candidate> {
    let lexicon = crate::text::lexicon::lexicon();
    let mut out = Vec::new();
    let mut seen = HashSet::new();
    for phrase in phrase_texts(f) {
        let tokens = tokenize(&phrase);
        let content_words = tokens
            .iter()
            .filter(|t| t.is_word() && !is_stopword(&t.base))
            .count();
        if content_words < 2 {
            continue;
        }
        for t in tokens
            .iter()
            .filter(|t| t.is_word() && !is_stopword(&t.base))
        {
            if t.base.chars().count() < 4 {
                continue;
            }
            for syn in lexicon.synonyms(&t.base) {
                let text = format!(
                    "{}{}{}",
                    &phrase[..t.span.start],
                    syn,
                    &phrase[t.span.end..]
                );
                if !seen.insert(text.to_lowercase()) {
                    continue;
                }
                let key = key_of(&text, expander);
                let hits = plans_matching(plans, &key);
                out.push(Candidate {
                    factor: fi,
                    kind: Kind::Swap,
                    text,
                    from: Some(phrase.clone()),
                    score: f1_with(plans, &f.id, &hits) - counts.f1(),
                    words: key.len(),
                    hits,
                    with: Vec::new(),
                    generic_words: 0,
                });
            }
        }
    }
    out
}

/// The rubric with `proposals` accepted (what `--apply` writes, in memory).
pub fn accept(rubric: &Rubric, proposals: &[&Proposal]) -> Rubric {
    let mut out = rubric.clone();
    for p in proposals {
        if let Some(f) = out.factors.iter_mut().find(|f| f.id == p.factor) {
            add_to(f, p.kind, &p.text, &p.with);
        }
    }
    out
}

/// What the automatic loop accepts: each factor's best proposal that the
/// samples tested. Used to cross-validate the loop (`rubric test
/// --cv-suggest`): fitted on some plans, scored on others.
pub fn auto_accept(rubric: &Rubric, samples: &[Sample]) -> Result<Rubric, PatternError> {
    let s = suggest(
        rubric,
        samples,
        &Options {
            per_factor: 1,
            ..Options::default()
        },
    )?;
    let best: Vec<&Proposal> = s.proposals.iter().filter(|p| p.tested).collect();
    Ok(accept(rubric, &best))
}

/// Proposals by number, for `--apply 3,5`: unknown numbers are an error.
pub fn pick<'a>(s: &'a Suggestions, numbers: &[usize]) -> Result<Vec<&'a Proposal>, usize> {
    numbers
        .iter()
        .map(|&n| s.proposals.iter().find(|p| p.number == n).ok_or(n))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rubric() -> Rubric {
        toml::from_str(
            r#"id = "r"
max-mark = 10
[[factor]]
id = "burden"
label = "The double burden"
side = "against"
phrases = ["double burden"]
hint = "Women worked full shifts and still did the housework."
[[factor]]
id = "jobs"
label = "Women in paid work"
side = "for"
phrases = ["jobs"]
[[factor]]
id = "code"
label = "Family Code of 1918"
side = "for"
phrases = ["Family Code"]
[[band]]
level = 1
marks = [1, 10]
min-factors = 1
[[band]]
level = 0
marks = [0, 0]
"#,
        )
        .unwrap()
    }

    fn sample(id: &str, text: &str, factors: &[&str]) -> Sample {
        Sample {
            id: id.into(),
            text: text.into(),
            factors: factors.iter().map(|s| s.to_string()).collect(),
            mark: 0,
            judgement: None,
            level: None,
            kind: None,
            notes: None,
        }
    }

    fn samples() -> Vec<Sample> {
        vec![
            sample("a", "- the double burden at home", &["burden"]),
            sample(
                "b",
                "- women cooked and cleaned after long shifts",
                &["burden"],
            ),
            sample(
                "c",
                "- cooked and cleaned for the family every night",
                &["burden"],
            ),
            sample("d", "- millions got factory jobs in the 1930s", &["jobs"]),
            sample("e", "- women lost their jobs to men after the war", &[]),
            sample("f", "- the 1918 Family Code made divorce easy", &["code"]),
            sample("g", "- the 1936 Family Code banned abortion", &[]),
            sample("h", "- the Tsar fell in 1917", &[]),
        ]
    }

    #[test]
    fn proposes_the_wording_teachers_credited_and_measures_it() {
        let s = suggest(&rubric(), &samples(), &Options::default()).unwrap();
        let burden: Vec<&Proposal> = s
            .proposals
            .iter()
            .filter(|p| p.factor == "burden" && p.kind == Kind::Phrase)
            .collect();
        let best = burden.first().expect("a phrase for the double burden");
        // Both missed plans say "cooked and cleaned"; nothing else does.
        assert_eq!(best.text, "cooked and cleaned", "{burden:#?}");
        assert_eq!((best.touched, best.right), (2, 2));
        assert_eq!(best.precision, 1.0);
        assert!((best.recall - 2.0 / 3.0).abs() < 1e-9);
        assert_eq!(best.before.fn_, 2);
        assert_eq!(best.after.fn_, 0);
        assert!((best.f1_change() - (1.0 - 0.5)).abs() < 1e-9);
        assert!(best.micro_after.f1() > best.micro_before.f1());
        // Every proposal improves its factor on the samples.
        assert!(s.proposals.iter().all(|p| p.f1_change() > 0.0));
        // Numbered from 1 in rubric order.
        assert_eq!(s.proposals[0].number, 1);
        assert_eq!(s.proposals[0].factor, "burden");
    }

    #[test]
    fn proposes_exclusions_for_false_credits_that_keep_true_ones() {
        let s = suggest(&rubric(), &samples(), &Options::default()).unwrap();
        let code: Vec<&Proposal> = s
            .proposals
            .iter()
            .filter(|p| p.factor == "code" && p.kind == Kind::Exclude)
            .collect();
        let best = code.first().expect("an exclusion for the 1936 code");
        assert!(best.text.contains("1936"), "{code:#?}");
        assert_eq!(best.after.fp, 0);
        assert_eq!(best.after.tp, 1, "the 1918 code keeps its credit");
        assert_eq!(best.precision, 1.0);
        assert_eq!(best.recall, 1.0);
        let jobs: Vec<&Proposal> = s
            .proposals
            .iter()
            .filter(|p| p.factor == "jobs" && p.kind == Kind::Exclude)
            .collect();
        assert!(
            jobs.iter().any(|p| p.text.contains("lost their jobs")),
            "{jobs:#?}"
        );
    }

    #[test]
    fn proposes_not_wordings_and_with_companions_for_a_loose_phrase() {
        let plans = vec![
            sample("f", "- the 1918 Family Code made divorce easy", &["code"]),
            sample(
                "f2",
                "- Family Code of 1918 gave equal rights in marriage",
                &["code"],
            ),
            sample("g", "- the 1936 Family Code banned abortion", &[]),
            sample("g2", "- Stalin's Family Code banned abortion again", &[]),
            sample("h", "- the double burden", &["burden"]),
        ];
        let s = suggest(&rubric(), &plans, &Options::default()).unwrap();
        let with = s
            .proposals
            .iter()
            .find(|p| p.kind == Kind::With)
            .expect("a with proposal");
        assert_eq!(with.text, "Family Code");
        assert_eq!(
            with.with,
            ["1918"],
            "one companion covers both right matches"
        );
        assert_eq!(with.after.fp, 0);
        assert_eq!(with.after.tp, 2);
        let not = s
            .proposals
            .iter()
            .find(|p| p.kind == Kind::Not)
            .expect("a not proposal");
        assert_eq!(not.text, "banned abortion", "{:#?}", s.proposals);
        assert_eq!((not.touched, not.right), (2, 2));
        assert_eq!(not.after.tp, 2, "right credits are kept");
    }

    #[test]
    fn shows_missed_and_falsely_credited_sentences() {
        let s = suggest(&rubric(), &samples(), &Options::default()).unwrap();
        let burden = s.factors.iter().find(|f| f.factor == "burden").unwrap();
        assert_eq!(burden.missed.len(), 2);
        assert_eq!(
            burden.missed[0].text.as_deref(),
            Some("women cooked and cleaned after long shifts")
        );
        let code = s.factors.iter().find(|f| f.factor == "code").unwrap();
        assert_eq!(code.false_credits.len(), 1);
        assert_eq!(code.false_credits[0].sample, "g");
        assert_eq!(code.false_credits[0].words, ["Family Code"]);
    }

    #[test]
    fn swaps_come_only_from_phrases_of_two_content_words() {
        let mut r = rubric();
        r.factors[1].phrases = vec!["women's workforce".into()];
        let plans = vec![
            sample("a", "- the manpower of women rose", &["jobs"]),
            sample("b", "- women's workforce grew", &["jobs"]),
            sample("c", "- nothing here", &[]),
        ];
        let s = suggest(&r, &plans, &Options::default()).unwrap();
        let swaps: Vec<&Proposal> = s
            .proposals
            .iter()
            .filter(|p| p.kind == Kind::Swap)
            .collect();
        assert!(
            swaps
                .iter()
                .any(|p| p.text == "women's manpower"
                    && p.from.as_deref() == Some("women's workforce")),
            "{swaps:#?}"
        );
        // The one-word phrase "jobs" of the original rubric gets no swaps.
        let s = suggest(
            &rubric(),
            &samples(),
            &Options {
                untested_swaps: true,
                ..Options::default()
            },
        )
        .unwrap();
        assert!(
            s.proposals
                .iter()
                .all(|p| p.from.as_deref() != Some("jobs"))
        );
        assert!(
            s.proposals
                .iter()
                .any(|p| p.kind == Kind::Swap && !p.tested),
            "untested swaps listed on request"
        );
    }
}
