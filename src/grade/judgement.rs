//! Finding the judgement: the sentence or bullet that answers the question
//! ("To a large extent…", "I think it was mostly a failure", "It succeeded
//! politically but failed economically", "more of a failure than a
//! success"), without crediting every sentence that says "I think".
//!
//! A segment gives a judgement when
//! - it holds a weighing wording that is a judgement wherever it stands
//!   ("to a large extent", "on balance", "the main reason", "more important
//!   than", "I agree", the rubric's own `[judgement] phrases`); or
//! - it opens with a conclusion or stance marker ("Overall", "In
//!   conclusion", "So", "I think", a "Judgement:" heading) and also weighs
//!   something: an evaluation, a degree word ("mostly", "partly") or a cause
//!   ("because", "due to"); or
//! - it evaluates and stands where judgements stand: first or last in the
//!   plan. An evaluation is a degree word before a verdict ("partially
//!   successful", "mostly a failure", "largely responsible"), a verdict noun
//!   ("a failure", "a huge success"), two verdicts set against each other
//!   ("succeeded … but failed …"), a comparison of weight ("more due to X
//!   than Y", "more of a failure than a success", "less important than"),
//!   or an extent wording.
//!
//! So "In conclusion, there were some good and some bad changes" (no
//! weighing) and "I think Stalin was clever" (no verdict) are not
//! judgements, and an evaluative bullet in the middle of a plan ("- the
//! famine was a disaster") is not taken for the plan's judgement.

use super::phrase::{Blocked, Phrase, PlanIndex, find_all};
use crate::text::Term;
use crate::text::fold::stem;
use std::sync::{LazyLock, OnceLock};

/// Wordings that are a judgement wherever they stand.
pub const STRONG_CUES: &[&str] = &[
    "to a large extent",
    "to a great extent",
    "to a significant extent",
    "to some extent",
    "to a limited extent",
    "to a lesser extent",
    "to an extent",
    "to a certain extent",
    "to a considerable extent",
    "on balance",
    "on the whole",
    "most important",
    "most significant",
    "most influential",
    "main reason",
    "main factor",
    "main cause",
    "key reason",
    "key factor",
    "only reason",
    "more important than",
    "more significant than",
    "less important than",
    "less significant than",
    "outweighed",
    "outweighs",
    "outweigh",
    "I argue",
    "I would argue",
    "I will argue",
    "I agree",
    "I disagree",
    "I partly agree",
    "I largely agree",
    "this essay argues",
    "this essay will argue",
    "my judgement",
    "the decisive factor",
    "cannot be fully",
    "cannot be put down to",
    "cannot be attributed",
    "not solely",
    "not the only",
    "only partly",
    "partly valid",
    "largely valid",
    "the view is valid",
    "view is partly valid",
    "view is largely valid",
    "is overstated",
    "is exaggerated",
    "been overstated",
    "been exaggerated",
    "necessary but not sufficient",
    "owed more to",
    "mattered more",
    "more due to",
    "more because of",
    "more of a success",
    "more of a failure",
    "of limited importance",
    "of limited significance",
    "was decisive",
    "nothing else mattered",
];

/// Words that open a conclusion or state the writer's view; the segment
/// must also weigh something (a verdict, a degree word, a cause).
const CONCLUSION_MARKERS: &[&[&str]] = &[
    &["overall"],
    &["in", "conclusion"],
    &["conclusion"],
    &["concl"],
    &["to", "conclude"],
    &["judgement"],
    &["judgment"],
    &["verdict"],
    &["in", "summary"],
    &["to", "sum", "up"],
    &["ultimately"],
    &["all", "in", "all"],
    &["in", "short"],
    &["i", "think"],
    &["i", "believe"],
    &["i", "feel"],
    &["i", "would", "say"],
    &["i", "d", "say"],
    &["in", "my", "opinion"],
    &["in", "my", "view"],
    &["personally"],
];

/// Degree words that state the extent when they open the first or last line
/// ("Mainly the Whites lost it.").
const LEAD_DEGREE: &[&[&str]] = &[
    &["mainly"],
    &["mostly"],
    &["largely"],
    &["partly"],
    &["partially"],
    &["primarily"],
    &["chiefly"],
];

/// Connectives that may open a conclusion but open ordinary sentences too:
/// the segment must also evaluate.
const LINK_MARKERS: &[&[&str]] = &[&["so"], &["therefore"], &["thus"], &["hence"], &["clearly"]];

/// Degree words that weigh on their own in a conclusion ("Overall mostly
/// his own skill").
const WEIGHING: &[&str] = &[
    "mostly",
    "largely",
    "mainly",
    "partly",
    "partially",
    "somewhat",
    "completely",
    "entirely",
    "totally",
    "wholly",
    "solely",
    "primarily",
    "chiefly",
    "fairly",
    "only",
];

/// Words of degree: how far something holds.
const DEGREE: &[&str] = &[
    "mostly",
    "largely",
    "mainly",
    "partly",
    "partially",
    "somewhat",
    "fairly",
    "quite",
    "highly",
    "very",
    "completely",
    "entirely",
    "totally",
    "wholly",
    "solely",
    "primarily",
    "chiefly",
    "generally",
    "broadly",
    "overwhelmingly",
    "hugely",
    "extremely",
    "moderately",
    "slightly",
    "only",
    "limited",
    "mixed",
    "not",
    "never",
    "hardly",
    "barely",
    "deffo",
    "definitely",
    "certainly",
    "undoubtedly",
    "arguably",
    "really",
    "pretty",
    "relatively",
    "significantly",
    "greatly",
    "little",
    "more",
    "less",
    "most",
    "least",
];

/// Verdict words (compared by stem): what a judgement says of the question.
const VERDICTS: &[&str] = &[
    "success",
    "successful",
    "succeed",
    "failure",
    "fail",
    "unsuccessful",
    "effective",
    "ineffective",
    "improve",
    "improvement",
    "worsen",
    "worse",
    "better",
    "valid",
    "invalid",
    "true",
    "untrue",
    "correct",
    "right",
    "wrong",
    "responsible",
    "important",
    "significant",
    "insignificant",
    "crucial",
    "vital",
    "decisive",
    "essential",
    "central",
    "necessary",
    "achieve",
    "transform",
    "disaster",
    "triumph",
    "due",
    "because",
    "caused",
    "key",
    "main",
    "major",
    "minor",
    "convincing",
    "accurate",
    "justified",
    "matter",
    "enough",
    "sufficient",
    "insufficient",
    "decide",
    "decided",
];

/// Nouns that are verdicts in themselves after "a" ("a failure").
const VERDICT_NOUNS: &[&str] = &["success", "failure", "disaster", "triumph", "catastrophe"];

/// Words that set one verdict against another.
const CONTRASTS: &[&str] = &["but", "however", "although", "whereas", "yet", "while"];

/// Words of cause, which weigh something in a conclusion ("Overall S won
/// because …").
const CAUSES: &[&str] = &[
    "because", "due", "thanks", "through", "caused", "result", "since",
];

fn verdict_stems() -> &'static rustc_hash::FxHashSet<String> {
    static STEMS: OnceLock<rustc_hash::FxHashSet<String>> = OnceLock::new();
    STEMS.get_or_init(|| VERDICTS.iter().map(|w| stem(w)).collect())
}

/// What one segment's words say.
/// Which of the word lists above a plan word is in, as bits: one hash
/// lookup per word rather than a scan of every list.
mod kind {
    pub const DEGREE: u8 = 1;
    pub const WEIGHING: u8 = 2;
    pub const CAUSE: u8 = 4;
    pub const CONTRAST: u8 = 8;
    pub const VERDICT_NOUN: u8 = 16;
}

fn word_kinds() -> &'static rustc_hash::FxHashMap<&'static str, u8> {
    static KINDS: OnceLock<rustc_hash::FxHashMap<&'static str, u8>> = OnceLock::new();
    KINDS.get_or_init(|| {
        let mut kinds = rustc_hash::FxHashMap::default();
        for (list, bit) in [
            (DEGREE, kind::DEGREE),
            (WEIGHING, kind::WEIGHING),
            (CAUSES, kind::CAUSE),
            (CONTRASTS, kind::CONTRAST),
            (VERDICT_NOUNS, kind::VERDICT_NOUN),
        ] {
            for w in list {
                *kinds.entry(*w).or_insert(0) |= bit;
            }
        }
        kinds
    })
}

struct Reading<'a> {
    bases: Vec<&'a str>,
    verdict: Vec<bool>,
    /// Each word's [`kind`] bits.
    kinds: Vec<u8>,
    /// The first and the last word that is a verdict, if any.
    verdicts: Option<(usize, usize)>,
}

impl<'a> Reading<'a> {
    fn new(index: &'a PlanIndex, seg: usize, question: &[String]) -> Reading<'a> {
        let range = index.segments[seg].clone();
        let stems = verdict_stems();
        let terms = &index.terms[range];
        let kinds = word_kinds();
        let verdict: Vec<bool> = terms
            .iter()
            .map(|t| stems.contains(t.stem.as_str()) || question.iter().any(|q| t.stem == *q))
            .collect();
        let first = verdict.iter().position(|&v| v);
        let last = verdict.iter().rposition(|&v| v);
        Reading {
            bases: terms.iter().map(|t| t.base.as_str()).collect(),
            kinds: terms
                .iter()
                .map(|t| kinds.get(t.base.as_str()).copied().unwrap_or(0))
                .collect(),
            verdict,
            verdicts: first.zip(last),
        }
    }

    /// Whether some word is of one of the kinds in `kinds`.
    fn has(&self, kinds: u8) -> bool {
        self.kinds.iter().any(|k| k & kinds != 0)
    }

    /// A degree word with a verdict within three words after it ("mostly a
    /// failure"), or a verdict with "most"/"more"/"less"/"least" right after
    /// it ("mattered most").
    fn degree_verdict(&self) -> bool {
        let n = self.bases.len();
        self.kinds.iter().enumerate().any(|(i, k)| {
            (k & kind::DEGREE != 0 && (i + 1..(i + 4).min(n)).any(|j| self.verdict[j]))
                || (self.verdict[i]
                    && (i + 1..(i + 3).min(n))
                        .any(|j| matches!(self.bases[j], "most" | "more" | "less" | "least")))
        })
    }

    /// "a failure", "a huge success", "more of a failure".
    fn verdict_noun(&self) -> bool {
        self.kinds.iter().enumerate().any(|(i, k)| {
            k & kind::VERDICT_NOUN != 0
                && (i.saturating_sub(2)..i).any(|j| matches!(self.bases[j], "a" | "an"))
        })
    }

    /// Two verdicts set against each other ("succeeded politically but
    /// failed economically"). Linear in the segment: a line of a million
    /// "but"s once took 12 s, each one looking back along the whole line.
    fn contrasted(&self) -> bool {
        let Some((first, last)) = self.verdicts else {
            return false;
        };
        self.kinds
            .iter()
            .enumerate()
            .any(|(i, k)| k & kind::CONTRAST != 0 && first < i && i < last)
    }

    /// "more X than Y", "less X than Y" within eight words, with a verdict.
    fn compared(&self) -> bool {
        self.bases.iter().enumerate().any(|(i, b)| {
            matches!(*b, "more" | "less")
                && (i + 1..(i + 9).min(self.bases.len())).any(|j| self.bases[j] == "than")
        }) && self.verdicts.is_some()
    }

    fn evaluates(&self) -> bool {
        self.degree_verdict() || self.verdict_noun() || self.contrasted() || self.compared()
    }
}

/// Words that may come before a marker ("And so overall…", "But I think…").
const CONNECTIVES: &[&str] = &["and", "but", "so"];

/// What a segment opens with, by marker list.
#[derive(Default, Clone, Copy)]
struct Opens {
    /// A conclusion or stance marker ([`CONCLUSION_MARKERS`]).
    conclusion: bool,
    /// A connective that may open a conclusion ([`LINK_MARKERS`]).
    link: bool,
    /// A degree word ([`LEAD_DEGREE`]).
    lead: bool,
}

/// The marker lists, as [`Opens`] fields.
#[derive(Clone, Copy)]
enum List {
    Conclusion,
    Link,
    Lead,
}

/// Everything a word may begin at the opening of a segment: the markers,
/// of any list, that start with it, and whether it is a connective.
#[derive(Default)]
struct Opener {
    /// Shortest first, so that a look stops at the first marker longer than
    /// the segment ("i" alone opens no "i think").
    markers: Vec<(List, &'static [&'static str])>,
    connective: bool,
}

/// The [`Opener`] of each word that opens a marker or is a connective, by
/// the word's length in bytes. One table for all the lists, and no hashing:
/// a plan may have half a million one-word lines, and each is asked whether
/// it opens a conclusion or a link, so a word is looked up once, among the
/// few (at most five) of its length, and most segments stop after one look
/// at their first word.
static OPENERS: LazyLock<Vec<Vec<(&'static str, Opener)>>> = LazyLock::new(|| {
    type ByLength = Vec<Vec<(&'static str, Opener)>>;
    fn entry<'a>(openers: &'a mut ByLength, word: &'static str) -> &'a mut Opener {
        if openers.len() <= word.len() {
            openers.resize_with(word.len() + 1, Vec::new);
        }
        let same_length = &mut openers[word.len()];
        let at = match same_length.iter().position(|(w, _)| *w == word) {
            Some(at) => at,
            None => {
                same_length.push((word, Opener::default()));
                same_length.len() - 1
            }
        };
        &mut same_length[at].1
    }
    let mut openers = ByLength::new();
    for (list, markers) in [
        (List::Conclusion, CONCLUSION_MARKERS),
        (List::Link, LINK_MARKERS),
        (List::Lead, LEAD_DEGREE),
    ] {
        for &m in markers {
            if let Some(&first) = m.first() {
                entry(&mut openers, first).markers.push((list, m));
            }
        }
    }
    for &c in CONNECTIVES {
        entry(&mut openers, c).connective = true;
    }
    for (_, opener) in openers.iter_mut().flatten() {
        opener.markers.sort_by_key(|(_, m)| m.len());
    }
    openers
});

/// The [`Opener`] of `word`, if it opens a marker or is a connective.
fn opener(word: &str) -> Option<&'static Opener> {
    let same_length = OPENERS.get(word.len())?;
    same_length
        .iter()
        .find(|(w, _)| *w == word)
        .map(|(_, opener)| opener)
}

/// Which marker lists a segment's terms open with, after at most two
/// connectives ("and", "but", "so").
fn opens(terms: &[Term]) -> Opens {
    let mut opens = Opens::default();
    for at in 0..=2.min(terms.len()) {
        let rest = &terms[at..];
        let Some(opener) = rest.first().and_then(|t| opener(&t.base)) else {
            break;
        };
        let fitting = opener
            .markers
            .iter()
            .take_while(|(_, m)| m.len() <= rest.len());
        for &(list, m) in fitting {
            if m.iter().zip(rest).all(|(w, t)| t.base == *w) {
                match list {
                    List::Conclusion => opens.conclusion = true,
                    List::Link => opens.link = true,
                    List::Lead => opens.lead = true,
                }
            }
        }
        // A marker further on counts only after a connective.
        if !opener.connective {
            break;
        }
    }
    opens
}

/// How strongly a segment reads as the judgement: `None` when it does not.
/// Higher is better: a marked conclusion beats an evaluative first line.
fn strength(
    index: &PlanIndex,
    seg: usize,
    strong: bool,
    heading_marker: bool,
    question: &[String],
) -> Option<u8> {
    let last = seg + 1 == index.segments.len();
    let first = seg == 0;
    // A segment that is neither marked, nor linked, nor strong, nor first
    // or last is never the judgement: most are not, so their words need no
    // closer reading (a plan may have half a million one-word lines).
    let opens = opens(&index.terms[index.segments[seg].clone()]);
    let concluded = heading_marker || opens.conclusion;
    let linked = opens.link;
    if !(concluded || linked || strong || first || last) {
        return None;
    }
    let r = Reading::new(index, seg, question);
    let evaluates = r.evaluates();
    // A marked conclusion that sets one thing against another weighs them
    // ("Overall: the Whites' failings mattered, but the Reds' army won").
    // A verdict word counts too ("Overall the peasants decided it").
    let weighs =
        evaluates || r.has(kind::WEIGHING | kind::CAUSE | kind::CONTRAST) || r.verdicts.is_some();
    if (concluded && (strong || weighs)) || (linked && evaluates) {
        Some(4)
    } else if strong {
        Some(3)
    } else if (first || last) && (evaluates || opens.lead) {
        Some(if last { 2 } else { 1 })
    } else {
        None
    }
}

/// The segment holding the judgement, if any: the strongest (a marked
/// conclusion, then a strong cue, then an evaluative last or first line),
/// the later of equals (conclusions close plans).
pub fn find(index: &PlanIndex, cues: &[Phrase], question: &[String]) -> Option<usize> {
    let mut strong = vec![false; index.segments.len()];
    for cue in cues {
        for (s, _) in find_all(cue, index, Blocked::NONE, 0) {
            strong[s] = true;
        }
    }
    let mut best: Option<(u8, usize)> = None;
    for (seg, &strong) in strong.iter().enumerate() {
        let range = index.segments[seg].clone();
        // A "Judgement:" or "Conclusion -" heading marks its line.
        let heading_marker = index.terms[range.clone()]
            .iter()
            .filter(|t| t.heading)
            .any(|t| {
                matches!(
                    t.base.as_str(),
                    "judgement" | "judgment" | "conclusion" | "concl" | "overall" | "verdict"
                )
            });
        if let Some(s) = strength(index, seg, strong, heading_marker, question)
            && best.is_none_or(|(b, _)| s >= b)
        {
            best = Some((s, seg));
        }
    }
    best.map(|(_, s)| s)
}

#[cfg(test)]
mod tests {
    use crate::grade::Grader;
    use crate::model::parse_rubric;

    fn judgement(plan: &str) -> Option<String> {
        let rubric = parse_rubric(
            std::path::Path::new("r.toml"),
            "id = \"r\"\nquestion = \"To what extent was collectivisation a success?\"\nmax-mark = 1\n[[factor]]\nid = \"a\"\nlabel = \"Famine\"\nphrases = [\"famine\"]\n",
        )
        .unwrap();
        Grader::new(rubric).unwrap().grade("t", plan).judgement.text
    }

    #[test]
    fn plain_word_judgements_are_found() {
        for (plan, want) in [
            (
                "- famine 1932\n- kulaks deported\nI think it was mostly a failure.",
                "I think it was mostly a failure",
            ),
            (
                "It was partially successful.\n- famine\n- grain exports",
                "It was partially successful",
            ),
            (
                "- famine\nIt succeeded politically but failed economically",
                "It succeeded politically but failed economically",
            ),
            (
                "- famine\n- exports\nmore of a failure than a success",
                "more of a failure than a success",
            ),
            (
                "- famine\nSo it was more due to Stalin than the peasants.",
                "So it was more due to Stalin than the peasants",
            ),
            (
                "Judgement: completely a disaster for the peasants\n- famine",
                "Judgement: completely a disaster for the peasants",
            ),
            (
                "- famine\nOverall the human cost mattered most",
                "Overall the human cost mattered most",
            ),
            (
                "- famine\nOverall: the grain mattered, but the human cost decided it",
                "Overall: the grain mattered, but the human cost decided it",
            ),
            // A degree word before the question's own word answers it.
            (
                "- famine\n- exports\nlargely a collectivisation success",
                "largely a collectivisation success",
            ),
            (
                "To a large extent it worked. - famine",
                "To a large extent it worked",
            ),
        ] {
            assert_eq!(judgement(plan).as_deref(), Some(want), "{plan:?}");
        }
    }

    #[test]
    fn saying_i_think_or_in_conclusion_is_not_enough() {
        for plan in [
            "- famine\nI think Stalin was clever.",
            "- famine\nIn conclusion, there were some good changes and some bad changes.",
            "- famine\nOverall, Stalin won.",
            // An evaluation in the middle of a plan is a point, not the judgement.
            "- kulaks deported\n- the famine was a disaster\n- grain exports rose",
            // "large" is not "largely"; "main" alone is not a verdict.
            "- decree nationalising large-scale industry\n- the main railways",
            "- so they could not feed the army\n- famine",
        ] {
            assert_eq!(judgement(plan), None, "{plan:?}");
        }
    }

    #[test]
    fn an_opening_degree_word_or_a_concluding_verdict_is_a_judgement() {
        assert_eq!(
            judgement("Mainly the Whites lost it.\n- famine\n- kulaks").as_deref(),
            Some("Mainly the Whites lost it")
        );
        assert_eq!(
            judgement("- famine\n- kulaks\nOverall the peasants decided it.").as_deref(),
            Some("Overall the peasants decided it")
        );
        // A degree word opening a middle bullet is a point.
        assert_eq!(judgement("- famine\n- mostly in Ukraine\n- kulaks"), None);
    }

    #[test]
    fn a_marked_conclusion_wins_over_an_evaluative_first_line() {
        assert_eq!(
            judgement(
                "It was a failure.\n- famine\nOverall it was mostly a success for the state."
            )
            .as_deref(),
            Some("Overall it was mostly a success for the state")
        );
    }
}
