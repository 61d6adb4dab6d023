//! Sense and relevance: which of a factor's matches are taken back because
//! their sentence names a wrong sense (`not`), is dated only outside the
//! question's period, or because the words are part of a longer phrase that
//! counts for another factor ("Family Code" inside "1936 Family Code").

use super::phrase::{PlanIndex, group_starts};
use super::result::{Match, RejectionKind};
use crate::text::numbers;
use std::ops::Range;

/// A match before the sense checks: which factor, where, and which plan
/// terms it used.
#[derive(Debug, Clone)]
pub struct Candidate {
    pub factor: usize,
    pub segment: usize,
    /// The plan terms the match used (sorted): the phrase's content words,
    /// or every term a pattern covered.
    pub positions: Vec<usize>,
    pub m: Match,
}

/// A candidate taken back.
#[derive(Debug, Clone)]
pub struct Taken {
    pub candidate: usize,
    pub kind: RejectionKind,
    pub reason: String,
}

/// The byte range of a segment in the original text, with the apostrophe of
/// a short year ('37) that opens it.
pub fn segment_span(index: &PlanIndex, text: &str, seg: usize) -> Range<usize> {
    let r = &index.segments[seg];
    let start = index.terms[r.start].span.start;
    let end = index.terms[r.end - 1].span.end;
    let start = match text[..start].chars().next_back() {
        Some(c @ ('\'' | '\u{2019}' | '\u{2018}')) => start - c.len_utf8(),
        _ => start,
    };
    start..end
}

/// Whether segments are dated outside a period, worked out once per plan
/// for each wording of a segment and each period asked about: the answer
/// depends on nothing else, and a plan of a hundred thousand identical
/// dated bullets needs it worked out once. Each segment's answer is kept by
/// its number too, so a long segment with many matches has its words
/// hashed once, not once a match.
pub struct SegmentDates<'a> {
    text: &'a str,
    index: &'a PlanIndex,
    century: i32,
    by_words: rustc_hash::FxHashMap<(&'a str, [i32; 2]), Option<String>>,
    by_segment: rustc_hash::FxHashMap<(usize, [i32; 2]), Option<String>>,
}

/// What was worked out for each segment asked about. Four bytes a segment
/// (zeroed memory, which costs nothing until written), not a vector each:
/// a plan may have half a million segments, and few are asked about.
struct Cache<T> {
    /// 0: not worked out yet; `k`: `store[k - 1]`.
    slot: Vec<u32>,
    store: Vec<Vec<T>>,
}

impl<T> Cache<T> {
    fn new(segments: usize) -> Cache<T> {
        Cache {
            slot: vec![0; segments],
            store: Vec::new(),
        }
    }

    fn get_or_insert_with(&mut self, seg: usize, make: impl FnOnce() -> Vec<T>) -> &Vec<T> {
        if self.slot[seg] == 0 {
            self.store.push(make());
            // At most one entry a segment, and segments are fewer than
            // bytes in a plan, far below u32::MAX.
            self.slot[seg] = u32::try_from(self.store.len()).unwrap_or(u32::MAX);
        }
        &self.store[self.slot[seg] as usize - 1]
    }
}

impl<'a> SegmentDates<'a> {
    pub fn new(text: &'a str, index: &'a PlanIndex, century: i32) -> SegmentDates<'a> {
        SegmentDates {
            text,
            index,
            century,
            by_words: Default::default(),
            by_segment: Default::default(),
        }
    }

    /// Why a match in `seg` is outside `period`, if its segment is dated and
    /// none of its dates falls inside the period.
    pub fn outside(&mut self, seg: usize, period: [i32; 2]) -> Option<String> {
        if let Some(answer) = self.by_segment.get(&(seg, period)) {
            return answer.clone();
        }
        let words = &self.text[segment_span(self.index, self.text, seg)];
        let answer = self
            .by_words
            .entry((words, period))
            .or_insert_with(|| outside(words, self.century, period))
            .clone();
        self.by_segment.insert((seg, period), answer.clone());
        answer
    }
}

/// Why `words` (a segment) is outside `period`, if it is dated and none of
/// its dates falls inside the period.
fn outside(words: &str, century: i32, period: [i32; 2]) -> Option<String> {
    let ds = numbers::dates(words, century);
    if ds.is_empty() || ds.iter().any(|d| d.overlaps(period)) {
        return None;
    }
    let mut written: Vec<&str> = Vec::new();
    for d in &ds {
        let w = &words[d.span.clone()];
        if !written.contains(&w) {
            written.push(w);
        }
    }
    let dates = match written.as_slice() {
        [one] => one.to_string(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
        [] => return None,
    };
    Some(format!(
        "dated {dates}, outside {}",
        numbers::period_text(period)
    ))
}

/// The dates and figures in each segment (byte ranges in the plan), worked
/// out once per plan when first asked for.
pub struct SegmentFigures<'a> {
    text: &'a str,
    index: &'a PlanIndex,
    cache: Cache<Range<usize>>,
}

impl<'a> SegmentFigures<'a> {
    pub fn new(text: &'a str, index: &'a PlanIndex) -> SegmentFigures<'a> {
        SegmentFigures {
            text,
            index,
            cache: Cache::new(index.segments.len()),
        }
    }

    pub fn of(&mut self, seg: usize) -> &[Range<usize>] {
        let (text, index) = (self.text, self.index);
        self.cache.get_or_insert_with(seg, || {
            let span = segment_span(index, text, seg);
            numbers::figures(&text[span.clone()])
                .into_iter()
                .map(|r| r.start + span.start..r.end + span.start)
                .collect()
        })
    }
}

/// Whether every element of `small` is in `big` (both sorted).
fn subset(small: &[usize], big: &[usize]) -> bool {
    small.iter().all(|p| big.binary_search(p).is_ok())
}

/// Candidates (among those still `alive`) whose words all belong to a longer
/// match of another factor: (the shorter, the longer that wins).
pub fn overlaps(cands: &[Candidate], alive: &[bool]) -> Vec<(usize, usize)> {
    // Every live candidate by each plan term it used, in candidate order: the
    // candidates using term `p` are `users[start[p]..start[p + 1]]`. A
    // counting sort, as a plan of many matching sentences has a hundred
    // thousand candidates.
    let live = || cands.iter().enumerate().filter(|(i, _)| alive[*i]);
    let terms = live()
        .flat_map(|(_, c)| c.positions.iter().copied())
        .max()
        .map_or(0, |p| p + 1);
    let start = group_starts(terms, live().flat_map(|(_, c)| c.positions.iter().copied()));
    let mut next = start.clone();
    let mut users = vec![0usize; start[terms]];
    for (i, c) in live() {
        for &p in &c.positions {
            users[next[p]] = i;
            next[p] += 1;
        }
    }
    let mut out = Vec::new();
    for (i, c) in cands.iter().enumerate() {
        if !alive[i] {
            continue;
        }
        let Some(&p) = c.positions.first() else {
            continue;
        };
        let covering = users[start[p]..start[p + 1]]
            .iter()
            .copied()
            .filter(|&j| j != i && subset(&c.positions, &cands[j].positions));
        let (mut other, mut own) = (None::<usize>, 0usize);
        for j in covering {
            let o = &cands[j];
            if o.factor == c.factor {
                own = own.max(o.positions.len());
            } else if o.positions.len() > c.positions.len()
                && other.is_none_or(|k| o.positions.len() > cands[k].positions.len())
            {
                other = Some(j);
            }
        }
        // Words the factor also used in a match as long as the other
        // factor's are its own: nothing to take back.
        if let Some(j) = other.filter(|&j| cands[j].positions.len() > own) {
            out.push((i, j));
        }
    }
    out
}

/// Sorts matches by position and drops those inside an earlier, wider one.
pub fn dedupe(matches: &mut Vec<Match>) {
    matches.sort_by(|a, b| a.start.cmp(&b.start).then(b.end.cmp(&a.end)));
    let mut widest_end = None;
    matches.retain(|m| {
        if widest_end.is_some_and(|e| m.end <= e) {
            return false;
        }
        widest_end = Some(widest_end.map_or(m.end, |e: usize| e.max(m.end)));
        true
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::grade::Rule;

    fn m(start: usize, end: usize) -> Match {
        Match {
            start,
            end,
            text: String::new(),
            rule: Rule::Phrase,
            source: String::new(),
            confidence: 1.0,
        }
    }

    #[test]
    fn dedupe_keeps_the_widest_of_nested_matches() {
        let mut ms = vec![m(5, 8), m(0, 10), m(12, 14), m(0, 3), m(12, 14)];
        dedupe(&mut ms);
        let spans: Vec<_> = ms.iter().map(|m| (m.start, m.end)).collect();
        assert_eq!(spans, [(0, 10), (12, 14)]);
    }

    #[test]
    fn a_shorter_match_inside_another_factors_longer_one_loses() {
        let cand = |factor, positions: Vec<usize>| Candidate {
            factor,
            segment: 0,
            positions,
            m: m(0, 0),
        };
        let cands = vec![
            cand(0, vec![3, 4]),    // "Family Code"
            cand(1, vec![2, 3, 4]), // "1936 Family Code"
            cand(2, vec![3, 4]),    // the same words for a third factor
            cand(1, vec![4]),       // the longer factor's own shorter match
            cand(0, vec![4, 9]),    // not inside: uses a word the longer lacks
        ];
        let got = overlaps(&cands, &[true; 5]);
        assert_eq!(got, [(0, 1), (2, 1)]);
        // A rejected longer match no longer wins; then the longer factor's
        // own short match is inside the other two.
        assert_eq!(overlaps(&cands, &[true, false, true, true, true]), [(3, 0)]);
    }
}
