//! Phrases compiled for matching, a per-plan index of where each rubric word
//! occurs, and the search for a phrase inside one segment of a plan: every
//! content word present, in any order, within a few words of each other.

use crate::text::{Expander, Term, TokenKind, tokenize};
use rustc_hash::FxHashMap as HashMap;
use std::ops::Range;

/// Words that carry no meaning of their own in a phrase: "testament of Lenin"
/// must match "Lenin's testament".
const STOPWORDS: &[&str] = &[
    "a", "an", "the", "of", "to", "in", "on", "at", "by", "for", "with", "and", "or", "as", "is",
    "was", "were", "be", "been", "his", "her", "its", "their", "this", "that", "from", "into",
    "he", "she", "it", "they", "s",
];

pub fn is_stopword(base: &str) -> bool {
    // Asked of nearly every plan word: one hash lookup, not a scan.
    static SET: std::sync::LazyLock<rustc_hash::FxHashSet<&'static str>> =
        std::sync::LazyLock::new(|| STOPWORDS.iter().copied().collect());
    SET.contains(base)
}

/// Gives every distinct stem in a rubric a small number, so a plan word is
/// looked up once and compared as an integer afterwards.
#[derive(Debug, Default)]
pub struct Interner {
    ids: HashMap<String, u32>,
}

impl Interner {
    pub fn intern(&mut self, stem: &str) -> u32 {
        let next = self.ids.len() as u32;
        *self.ids.entry(stem.to_string()).or_insert(next)
    }

    pub fn get(&self, stem: &str) -> Option<u32> {
        self.ids.get(stem).copied()
    }
}

/// A word of a compiled phrase.
#[derive(Debug, Clone)]
pub struct PhraseWord {
    pub base: String,
    pub stem: String,
    pub stem_id: u32,
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
    /// Whether the content words must keep their order: phrases of three or
    /// more content words naming two or more people or things ("Zinoviev and
    /// Kamenev underestimated Stalin"), where order says who did what to whom.
    pub ordered: bool,
}

impl Phrase {
    /// Compiles `text` with the same expansion the plan gets, so a phrase
    /// written as "SIOC" matches a plan that wrote it out, and vice versa.
    /// With `all_words`, stopwords must be present too (exclusions, cues).
    pub fn compile(
        text: &str,
        expander: &Expander,
        all_words: bool,
        interner: &mut Interner,
    ) -> Phrase {
        let terms = expander.expand(text, tokenize(text));
        let words: Vec<PhraseWord> = terms
            .iter()
            .map(|t| PhraseWord {
                base: t.base.to_string(),
                stem: t.stem.to_string(),
                stem_id: interner.intern(&t.stem),
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
        let names = tokenize(text)
            .iter()
            .filter(|t| {
                t.raw_base(text)
                    .chars()
                    .next()
                    .is_some_and(char::is_uppercase)
            })
            .count();
        Phrase {
            text: text.to_string(),
            ordered: content.len() >= 3 && names >= 2,
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

/// [`PlanIndex::stem_ids`] of a term no rubric word shares a stem with.
/// Stem ids count a rubric's distinct stems, far below this.
const NO_STEM: u32 = u32::MAX;

/// Buffers reused by every phrase search in one plan, so the hot loop does
/// not allocate.
#[derive(Debug, Default)]
struct Scratch {
    events: Vec<(usize, usize, WordMatch)>,
    counts: Vec<usize>,
    taken: Vec<bool>,
}

/// Where each rubric word occurs in one plan.
#[derive(Debug)]
pub struct PlanIndex {
    /// The plan's terms, in order. Each term's `segment` is renumbered to
    /// index [`PlanIndex::segments`]. The terms are kept as they came, not
    /// copied into a wider struct: a plan may have half a million.
    pub terms: Vec<Term>,
    /// The rubric stem of each term, if any rubric word shares it
    /// ([`NO_STEM`] if none).
    stem_ids: Vec<u32>,
    /// Term ranges of each sentence or bullet, in order.
    pub segments: Vec<Range<usize>>,
    /// Positions of the terms with each rubric stem: the positions with stem
    /// id `i` are `stem_pos[stem_start[i]..stem_start[i + 1]]`, ascending.
    stem_start: Vec<usize>,
    stem_pos: Vec<usize>,
    /// (vocabulary index, position, how) of every misspelling, sorted.
    by_vocab: Vec<(usize, usize, WordMatch)>,
    /// The misspellings of vocabulary word `v` are
    /// `by_vocab[vocab_start[v]..vocab_start[v + 1]]` (for `v` below
    /// `vocab_start.len() - 1`; later words have none): every phrase word is
    /// looked up for every plan, so a lookup is two reads, not two searches.
    vocab_start: Vec<usize>,
    scratch: std::cell::RefCell<Scratch>,
}

impl PlanIndex {
    /// `typos(term)` gives (vocabulary words it misspells, how trusted).
    pub fn new(
        mut terms: Vec<Term>,
        interner: &Interner,
        mut typos: impl FnMut(&Term, bool) -> Vec<(usize, WordMatch)>,
    ) -> PlanIndex {
        let mut by_stem = Vec::with_capacity(terms.len());
        let mut by_vocab = Vec::new();
        let mut segments: Vec<Range<usize>> =
            Vec::with_capacity(terms.last().map_or(0, |t| t.segment + 1));
        let mut stem_ids = Vec::with_capacity(terms.len());
        let mut last_segment = None;
        // "never" also reads as a phrase's "not" ("never elected" for
        // "not elected"), never the other way round.
        let not_id = interner.get("not");
        // What each distinct word gives, looked up on its first occurrence:
        // its rubric stem, whether it is "never", and its misspellings
        // (`word_typos[k]`). Keyed by where the word's text lives: the tokenizer
        // gives every occurrence of a word the same `Word`, and all of them
        // live as long as `terms`, so an address names one text here.
        let mut words: HashMap<usize, (Option<u32>, bool, usize)> = HashMap::default();
        let mut word_typos: Vec<Vec<(usize, WordMatch)>> = Vec::new();
        for (pos, term) in terms.iter_mut().enumerate() {
            if last_segment != Some(term.segment) {
                segments.push(pos..pos);
                last_segment = Some(term.segment);
            }
            let seg = segments.len() - 1;
            segments[seg].end = pos + 1;
            term.segment = seg;
            let term = &*term;
            let (stem_id, never, k) = *words.entry(term.base.addr()).or_insert_with(|| {
                let stem_id = interner.get(&term.stem);
                word_typos.push(typos(term, stem_id.is_some()));
                (stem_id, term.base == "never", word_typos.len() - 1)
            });
            if let Some(id) = stem_id {
                by_stem.push((id, pos));
            }
            if let Some(id) = not_id.filter(|_| never) {
                by_stem.push((id, pos));
            }
            for &(v, m) in &word_typos[k] {
                by_vocab.push((v, pos, m));
            }
            stem_ids.push(stem_id.unwrap_or(NO_STEM));
        }
        by_vocab.sort_unstable();
        let vocab_len = by_vocab.last().map_or(0, |&(v, _, _)| v + 1);
        let vocab_start = group_starts(vocab_len, by_vocab.iter().map(|&(v, _, _)| v));
        // Positions grouped by stem, each group ascending: a counting sort,
        // as `by_stem` was filled in position order.
        let stem_start = group_starts(
            interner.ids.len(),
            by_stem.iter().map(|&(id, _)| id as usize),
        );
        let mut next = stem_start.clone();
        let mut stem_pos = vec![0usize; by_stem.len()];
        for &(id, pos) in &by_stem {
            let slot = &mut next[id as usize];
            stem_pos[*slot] = pos;
            *slot += 1;
        }
        PlanIndex {
            terms,
            stem_ids,
            segments,
            stem_start,
            stem_pos,
            by_vocab,
            vocab_start,
            scratch: Default::default(),
        }
    }

    /// The rubric stem of the term at `pos`, if any rubric word shares it.
    pub fn stem_id(&self, pos: usize) -> Option<u32> {
        Some(self.stem_ids[pos]).filter(|&id| id != NO_STEM)
    }

    /// Positions (ascending) of the terms with this rubric stem.
    fn stem_positions(&self, id: u32) -> &[usize] {
        let i = id as usize;
        &self.stem_pos[self.stem_start[i]..self.stem_start[i + 1]]
    }

    /// Misspellings (ascending position) of this vocabulary word.
    fn vocab_positions(&self, v: Option<usize>) -> &[(usize, usize, WordMatch)] {
        match v {
            Some(v) if v + 1 < self.vocab_start.len() => {
                &self.by_vocab[self.vocab_start[v]..self.vocab_start[v + 1]]
            }
            _ => &[],
        }
    }

    /// How many places a phrase word could match anywhere in the plan.
    #[inline(always)]
    fn candidates(&self, w: &PhraseWord) -> usize {
        self.stem_positions(w.stem_id).len() + self.vocab_positions(w.vocab).len()
    }

    /// The segments worth searching for `phrase`: those holding its rarest
    /// content word. Empty when some content word occurs nowhere.
    // Inlined, with `candidates`: `find_all` calls it for every phrase of
    // every plan, and the calls cost a 300-word grade 1.6% more instructions
    // once it had a second caller.
    #[inline(always)]
    pub fn segments_for(&self, phrase: &Phrase) -> Vec<usize> {
        let mut rarest: Option<(usize, &PhraseWord)> = None;
        for &i in &phrase.content {
            let w = &phrase.words[i];
            let n = self.candidates(w);
            if n == 0 {
                return Vec::new();
            }
            if rarest.is_none_or(|(m, _)| n < m) {
                rarest = Some((n, w));
            }
        }
        let Some((_, w)) = rarest else {
            return Vec::new();
        };
        let mut segs: Vec<usize> = self
            .stem_positions(w.stem_id)
            .iter()
            .copied()
            .chain(self.vocab_positions(w.vocab).iter().map(|&(_, p, _)| p))
            .map(|p| self.terms[p].segment)
            .collect();
        segs.sort_unstable();
        segs.dedup();
        segs
    }

    /// Pushes `(position, k, how)` for every place in `range` where `w`
    /// matches and `keep` agrees.
    fn matches_in(
        &self,
        w: &PhraseWord,
        range: &Range<usize>,
        k: usize,
        keep: impl Fn(usize, WordMatch) -> bool,
        out: &mut Vec<(usize, usize, WordMatch)>,
    ) {
        let exact_or_stem = self.stem_positions(w.stem_id);
        let from = exact_or_stem.partition_point(|&p| p < range.start);
        for &p in exact_or_stem[from..].iter().take_while(|&&p| p < range.end) {
            let t = &self.terms[p];
            let number_mismatch = (w.number || t.kind == TokenKind::Number) && t.base != w.base;
            let m = if t.base == w.base {
                WordMatch::Exact
            } else {
                WordMatch::Stem
            };
            if !number_mismatch && keep(p, m) {
                out.push((p, k, m));
            }
        }
        let list = self.vocab_positions(w.vocab);
        let from = list.partition_point(|&(_, p, _)| p < range.start);
        for &(_, p, m) in list[from..].iter().take_while(|&&(_, p, _)| p < range.end) {
            if keep(p, m) {
                out.push((p, k, m));
            }
        }
    }
}

/// Where each group starts when items with the group numbers `keys` (each
/// below `groups`) are laid out group by group, as a counting sort does:
/// group `g`'s items are at `starts[g]..starts[g + 1]`.
pub fn group_starts(groups: usize, keys: impl IntoIterator<Item = usize>) -> Vec<usize> {
    let mut starts = vec![0usize; groups + 1];
    for g in keys {
        starts[g + 1] += 1;
    }
    for g in 1..starts.len() {
        starts[g] += starts[g - 1];
    }
    starts
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
    /// The weakest way a word matched.
    pub weakest: WordMatch,
    /// The window is longer than the phrase (words apart or reordered).
    pub spread: bool,
}

/// Plan positions no phrase may use (a factor's `exclude` matches), as
/// sorted, disjoint ranges: a position is looked up by binary search. A
/// plain list checked range by range made a plan of many excluded lines
/// quadratic ("two camps" × 100,000 lines took 3 s).
#[derive(Debug, Default)]
pub struct Blocked(Vec<Range<usize>>);

impl Blocked {
    /// Nothing blocked.
    pub const NONE: &'static Blocked = &Blocked(Vec::new());

    /// The union of `ranges`, in any order, overlapping or not.
    pub fn new(mut ranges: Vec<Range<usize>>) -> Blocked {
        ranges.retain(|r| !r.is_empty());
        ranges.sort_unstable_by_key(|r| r.start);
        let mut merged: Vec<Range<usize>> = Vec::with_capacity(ranges.len());
        for r in ranges {
            match merged.last_mut() {
                Some(last) if r.start <= last.end => last.end = last.end.max(r.end),
                _ => merged.push(r),
            }
        }
        Blocked(merged)
    }

    /// Whether some blocked range holds a position in `first..=last`.
    pub fn overlaps(&self, first: usize, last: usize) -> bool {
        let i = self.0.partition_point(|r| r.end <= first);
        self.0.get(i).is_some_and(|r| r.start <= last)
    }

    /// Whether position `p` is blocked.
    pub fn contains(&self, p: usize) -> bool {
        self.overlaps(p, p)
    }
}

/// Finds the tightest occurrence of `phrase` within segment `seg`, skipping
/// blocked positions. The content words may come in any order; the window
/// holding them may be at most `slack` words longer than the phrase.
pub fn find(
    phrase: &Phrase,
    index: &PlanIndex,
    seg: usize,
    blocked: &Blocked,
    slack: usize,
) -> Option<Hit> {
    let needed = phrase.content.len();
    if needed == 0 {
        return None;
    }
    let range = index.segments[seg].clone();
    let mut scratch = index.scratch.borrow_mut();
    let Scratch {
        events,
        counts,
        taken,
    } = &mut *scratch;
    // (position, which content word, how it matched)
    events.clear();
    let keep = |p: usize, m: WordMatch| {
        let lone_slip = m == WordMatch::WeakFuzzy && needed < 2;
        !lone_slip && !blocked.contains(p)
    };
    for (k, &wi) in phrase.content.iter().enumerate() {
        let before = events.len();
        index.matches_in(&phrase.words[wi], &range, k, keep, events);
        if events.len() == before {
            return None;
        }
    }
    // `events` is a few runs already in position order (each word's exact
    // or stem matches, then its misspellings): a stable sort merges runs in
    // linear time, where an unstable one sorted a line of 100,000 matches
    // from scratch. Equal events are identical, so the order is the same.
    events.sort();
    let limit = phrase.words.len() + slack;
    // "Zinoviev and Kamenev underestimated Stalin" is not "Trotsky
    // underestimated Stalin, Zinoviev and Kamenev" (see `ordered`).
    let best = if phrase.ordered {
        ordered_window(events, needed, limit)
    } else {
        tightest_window(events, needed, limit, counts)
    };
    let (_, l, r) = best?;
    let mut positions = Vec::with_capacity(needed);
    taken.clear();
    taken.resize(needed, false);
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
    positions.sort_unstable();
    positions.dedup();
    let first = events[l].0;
    let last = events[r].0;
    let verbatim = last + 1 - first == phrase.words.len()
        && index.terms[first..=last]
            .iter()
            .zip(&phrase.words)
            .all(|(p, w)| p.base == w.base);
    Some(Hit {
        first,
        last,
        positions,
        fuzzy: weakest >= WordMatch::Fuzzy,
        verbatim,
        weakest,
        spread: last + 1 - first != phrase.words.len(),
    })
}

/// The tightest stretch of `events` holding every content word, in any
/// order: (length in words, first event, last event).
fn tightest_window(
    events: &[(usize, usize, WordMatch)],
    needed: usize,
    limit: usize,
    counts: &mut Vec<usize>,
) -> Option<(usize, usize, usize)> {
    counts.clear();
    counts.resize(needed, 0);
    let mut have = 0;
    let mut best: Option<(usize, usize, usize)> = None;
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
    best
}

/// The tightest stretch holding the content words in the phrase's order (a
/// word may repeat: "Decree on Land and Decree on Peace").
///
/// From each place the first word occurs, each next word is its first
/// occurrence after the one before, found by binary search in that word's
/// positions: O(n log n) in the segment's matches, where a forward scan was
/// quadratic ("zinoviev " × 100,000 then "and kamenev underestimated").
fn ordered_window(
    events: &[(usize, usize, WordMatch)],
    needed: usize,
    limit: usize,
) -> Option<(usize, usize, usize)> {
    // Indices into `events` of each content word, in position order
    // (`events` is sorted by position).
    let mut by_word: Vec<Vec<usize>> = vec![Vec::new(); needed];
    for (i, e) in events.iter().enumerate() {
        if let Some(list) = by_word.get_mut(e.1) {
            list.push(i);
        }
    }
    let mut best: Option<(usize, usize, usize)> = None;
    for &start in by_word.first()? {
        let first = events[start].0;
        let (mut at, mut idx) = (first, start);
        for list in &by_word[1..] {
            let next = list.partition_point(|&j| events[j].0 <= at);
            match list.get(next) {
                Some(&j) => (at, idx) = (events[j].0, j),
                // A later start cannot do better: every later word is later still.
                None => return best,
            }
        }
        let len = at - first + 1;
        if len <= limit && best.is_none_or(|(b, _, _)| len < b) {
            best = Some((len, start, idx));
        }
    }
    best
}

/// [`find`] for phrases looked for one segment at a time (a factor's wrong
/// senses and companions, its evidence), each phrase's possible segments
/// ([`PlanIndex::segments_for`]) worked out once per plan: a plan of 60,000
/// sentences is not searched sentence by sentence for a phrase whose rarest
/// word it never uses. The answers are [`find`]'s: it finds nothing outside
/// those segments. A plan of fewer than [`SegmentFinder::MIN_SEGMENTS`]
/// segments is searched segment by segment, which costs less there.
pub struct SegmentFinder<'i> {
    index: &'i PlanIndex,
    /// Whether the plan is long enough to work out possible segments.
    filter: bool,
    /// Keyed by the phrase's address: the phrases outlive the finder, which
    /// lives for one grading.
    segments: HashMap<*const Phrase, Vec<usize>>,
}

impl<'i> SegmentFinder<'i> {
    /// The fewest segments for which possible segments are worked out: a
    /// 300-word plan (about 25) took 4% more instructions with them.
    pub const MIN_SEGMENTS: usize = 64;

    pub fn new(index: &'i PlanIndex) -> SegmentFinder<'i> {
        SegmentFinder {
            index,
            filter: index.segments.len() >= Self::MIN_SEGMENTS,
            segments: HashMap::default(),
        }
    }

    /// The segments `phrase` may occur in, ascending.
    fn possible(&mut self, phrase: &Phrase) -> &[usize] {
        let index = self.index;
        self.segments
            .entry(phrase as *const Phrase)
            .or_insert_with(|| index.segments_for(phrase))
    }

    /// [`find`]`(phrase, index, seg, blocked, slack)`.
    pub fn find(
        &mut self,
        phrase: &Phrase,
        seg: usize,
        blocked: &Blocked,
        slack: usize,
    ) -> Option<Hit> {
        let index = self.index;
        if self.filter && self.possible(phrase).binary_search(&seg).is_err() {
            return None;
        }
        find(phrase, index, seg, blocked, slack)
    }

    /// The segment and hit of the first of `segs` (ascending) holding
    /// `phrase`, as `segs.iter().find_map(|&s| find(…, s, …))` gives it:
    /// the shorter of `segs` and the phrase's possible segments is walked
    /// and each looked up in the other, so a factor hit in 60,000 segments
    /// is not walked for evidence that occurs in none or a few of them.
    pub fn find_first(
        &mut self,
        phrase: &Phrase,
        segs: &[usize],
        blocked: &Blocked,
        slack: usize,
    ) -> Option<(usize, Hit)> {
        let index = self.index;
        let found = |s: usize| find(phrase, index, s, blocked, slack).map(|h| (s, h));
        if !self.filter {
            return segs.iter().find_map(|&s| found(s));
        }
        let possible = self.possible(phrase);
        let (walk, other) = if possible.len() < segs.len() {
            (possible, segs)
        } else {
            (segs, possible)
        };
        walk.iter()
            .filter(|s| other.binary_search(s).is_ok())
            .find_map(|&s| found(s))
    }
}

/// Every segment where `phrase` occurs, with the hit.
pub fn find_all(
    phrase: &Phrase,
    index: &PlanIndex,
    blocked: &Blocked,
    slack: usize,
) -> Vec<(usize, Hit)> {
    index
        .segments_for(phrase)
        .into_iter()
        .filter_map(|s| find(phrase, index, s, blocked, slack).map(|h| (s, h)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The finder answers as `find` does, segment by segment and for the
    /// first of a list, for phrases found in many, few and no segments.
    #[test]
    fn segment_finder_answers_like_find() {
        let expander = Expander::new([], true);
        let mut interner = Interner::default();
        let phrases: Vec<Phrase> = [
            "Lenin's testament",
            "testament",
            "hidden testament",
            "Trotsky ill",
            "Central Committee",
            "not published",
        ]
        .iter()
        .map(|p| Phrase::compile(p, &expander, false, &mut interner))
        .collect();
        let plan = "Lenin's testament. Trotsky was ill. The testament was hidden.\n\
                    - testament not published\n- Trotsky ill in 1924\n\
                    Stalin won. Lenin testament again. The Central Committee met.";
        // Once as written, once long enough that the finder filters.
        let long = format!(
            "{plan}\n{}",
            "Stalin won.\n".repeat(SegmentFinder::MIN_SEGMENTS)
        );
        for (plan, filters) in [(plan, false), (long.as_str(), true)] {
            let terms = expander.expand(plan, tokenize(plan));
            let index = PlanIndex::new(terms, &interner, |_, _| Vec::new());
            let all: Vec<usize> = (0..index.segments.len()).collect();
            assert!(all.len() >= 8, "the plan has {} segments", all.len());
            let mut finder = SegmentFinder::new(&index);
            assert_eq!(finder.filter, filters);
            let mut found = 0;
            for p in &phrases {
                for &s in &all {
                    let plain = find(p, &index, s, Blocked::NONE, 1);
                    found += usize::from(plain.is_some());
                    assert_eq!(
                        finder.find(p, s, Blocked::NONE, 1),
                        plain,
                        "{} in {s}",
                        p.text
                    );
                }
                for segs in [&all[..], &all[3..], &all[..2], &[1, 4, 6][..], &[]] {
                    let plain = segs
                        .iter()
                        .find_map(|&s| find(p, &index, s, Blocked::NONE, 1).map(|h| (s, h)));
                    assert_eq!(
                        finder.find_first(p, segs, Blocked::NONE, 1),
                        plain,
                        "{} in {segs:?}",
                        p.text
                    );
                }
            }
            // Hits and misses both: the comparison above could not pass by
            // finding nothing.
            assert!(found >= 6, "{found} hits");
            assert!(found < phrases.len() * all.len());
        }
    }

    #[test]
    fn blocked_ranges_merge_and_answer_like_a_plain_scan() {
        let ranges = vec![10..12, 3..5, 4..8, 20..21, 8..9];
        let blocked = Blocked::new(ranges.clone());
        // Overlapping and touching ranges merge.
        assert_eq!(blocked.0, [3..9, 10..12, 20..21]);
        for p in 0..35 {
            let scan = ranges.iter().any(|r| r.contains(&p));
            assert_eq!(blocked.contains(p), scan, "position {p}");
            for last in p..35 {
                let scan = ranges.iter().any(|r| r.start <= last && p < r.end);
                assert_eq!(blocked.overlaps(p, last), scan, "{p}..={last}");
            }
        }
        assert!(!Blocked::NONE.contains(0));
    }
}
