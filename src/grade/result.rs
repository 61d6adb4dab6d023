//! What grading a plan produces. Serialised as-is, this is the JSON contract of
//! `planmark grade --format json`: keep the key names.

use crate::model::Side;
use serde::{Deserialize, Serialize};

/// Which rule made a match.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Rule {
    /// The phrase's words, verbatim and in order.
    Phrase,
    /// The phrase's words after stemming, in any order, possibly a few words apart.
    Stem,
    /// At least one word matched as a typo of the rubric's word.
    Fuzzy,
    /// The words came from expanding an abbreviation or shorthand.
    Abbreviation,
    /// A rubric regex pattern.
    Pattern,
    /// A heading that names the factor ("3. Land", "- War", "Propaganda:").
    Heading,
    /// Evidence only: a date or figure beside the point ("1937-38", "30%").
    Figure,
}

impl Rule {
    pub fn as_str(self) -> &'static str {
        match self {
            Rule::Phrase => "phrase",
            Rule::Stem => "stem",
            Rule::Fuzzy => "fuzzy",
            Rule::Abbreviation => "abbreviation",
            Rule::Pattern => "pattern",
            Rule::Heading => "heading",
            Rule::Figure => "figure",
        }
    }
}

/// A stretch of the student's original text that matched.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Match {
    /// Byte offsets into the plan text.
    pub start: usize,
    pub end: usize,
    pub text: String,
    pub rule: Rule,
    /// The rubric phrase or pattern that matched.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub source: String,
    /// How sure the rule that made the match is, 0 to 1 (see
    /// [`confidence`]); matches stored before it existed read as 1.
    #[serde(default = "full")]
    pub confidence: f64,
}

fn full() -> f64 {
    1.0
}

impl Match {
    /// Why a match is weak, in plain words, when it is (below
    /// [`confidence::WEAK_BELOW`]).
    pub fn weakness(&self) -> Option<&'static str> {
        if self.confidence >= confidence::WEAK_BELOW {
            return None;
        }
        Some(match self.rule {
            Rule::Heading => "a misspelt heading",
            Rule::Fuzzy => "a real word read as a slip",
            _ => "an uncertain match",
        })
    }
}

/// How sure each rule is. A credit below [`WEAK_BELOW`] is shown as
/// "possibly" (it still counts as covered).
pub mod confidence {
    /// The phrase's words, verbatim and in order.
    pub const PHRASE: f64 = 1.0;
    /// An abbreviation or shorthand that expands to the phrase.
    pub const ABBREVIATION: f64 = 0.95;
    /// The phrase's stems, next to each other.
    pub const STEM: f64 = 0.9;
    /// The phrase's stems, reordered or a few words apart.
    pub const STEM_SPREAD: f64 = 0.85;
    /// A heading that is one of the factor's phrases (its `with` unmet).
    pub const HEADING_PHRASE: f64 = 0.8;
    /// A heading that names the factor by its label's words.
    pub const HEADING: f64 = 0.75;
    /// A misspelt word inside a longer phrase whose other words matched.
    pub const TYPO_IN_PHRASE: f64 = 0.7;
    /// A phrase of one word, misspelt.
    pub const TYPO: f64 = 0.65;
    /// A rubric regex pattern.
    pub const PATTERN: f64 = 0.6;
    /// A real word one slip from the rubric's ("Untied"), inside a phrase.
    pub const REAL_WORD_SLIP: f64 = 0.55;
    /// A heading with a misspelt word.
    pub const MISSPELT_HEADING: f64 = 0.5;
    /// Credits below this are shown as "possibly".
    pub const WEAK_BELOW: f64 = 0.6;
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(from = "FactorResultStored")]
pub struct FactorResult {
    pub id: String,
    pub label: String,
    pub side: Side,
    pub weight: f64,
    pub covered: bool,
    /// The confidence of its best match; 0 when not covered.
    pub confidence: f64,
    /// The evidence found next to this factor: the rubric's evidence items,
    /// then dates and figures in the same sentences (as written).
    pub evidence: Vec<String>,
    pub matches: Vec<Match>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub evidence_matches: Vec<Match>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
}

impl FactorResult {
    /// Covered, but only by a weak rule (a misspelt heading, a real word one
    /// slip from the rubric's): shown as "possibly".
    pub fn is_weak(&self) -> bool {
        self.covered && self.confidence < confidence::WEAK_BELOW
    }
}

/// A [`FactorResult`] as read back, possibly stored before `confidence`
/// existed: then a covered factor reads as 1 and an uncovered one as 0.
#[derive(Deserialize)]
struct FactorResultStored {
    id: String,
    label: String,
    side: Side,
    weight: f64,
    covered: bool,
    #[serde(default)]
    confidence: Option<f64>,
    evidence: Vec<String>,
    matches: Vec<Match>,
    #[serde(default)]
    evidence_matches: Vec<Match>,
    #[serde(default)]
    hint: Option<String>,
}

impl From<FactorResultStored> for FactorResult {
    fn from(s: FactorResultStored) -> FactorResult {
        FactorResult {
            confidence: s.confidence.unwrap_or(if s.covered { 1.0 } else { 0.0 }),
            id: s.id,
            label: s.label,
            side: s.side,
            weight: s.weight,
            covered: s.covered,
            evidence: s.evidence,
            matches: s.matches,
            evidence_matches: s.evidence_matches,
            hint: s.hint,
        }
    }
}

/// Why a match was not credited.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RejectionKind {
    /// Its sentence also holds one of the factor's `not` wordings.
    Not,
    /// Its sentence is dated only outside the question's `period`.
    Period,
    /// It is part of a longer phrase that counts for another factor.
    Overlap,
}

impl RejectionKind {
    pub fn as_str(self) -> &'static str {
        match self {
            RejectionKind::Not => "not",
            RejectionKind::Period => "period",
            RejectionKind::Overlap => "overlap",
        }
    }
}

/// Words that matched a factor's phrase but were not credited, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rejection {
    /// The factor's id.
    pub factor: String,
    /// The student's words.
    pub text: String,
    /// Why, in plain words ("dated 1937, outside 1918–21").
    pub reason: String,
    /// Byte offsets into the plan text.
    pub start: usize,
    pub end: usize,
    pub kind: RejectionKind,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JudgementResult {
    pub found: bool,
    /// The sentence or bullet holding the judgement.
    pub text: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<usize>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end: Option<usize>,
}

/// Covered factors per side.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Balance {
    #[serde(rename = "for")]
    pub for_: u32,
    pub against: u32,
    pub neutral: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GradeResult {
    /// The plan's id (file name, CSV id, or "stdin").
    pub id: String,
    pub rubric: String,
    pub mark: u32,
    pub max_mark: u32,
    pub level: u32,
    /// Covered factor weight / total factor weight, 0 to 1.
    pub coverage: f64,
    pub judgement: JudgementResult,
    pub factors: Vec<FactorResult>,
    pub feedback: Vec<String>,
    pub covered: u32,
    pub balance: Balance,
    /// Covered factors that also show evidence.
    pub evidenced: u32,
    pub words: usize,
    /// Matches that were not credited (wrong sense, outside the period, part
    /// of another factor's phrase). Absent from results stored before it existed.
    #[serde(default)]
    pub rejected: Vec<Rejection>,
    /// The plan is a bare dated timeline with no judgement: it describes
    /// rather than argues, and cannot reach a band with `analysis = true`.
    /// False in results stored before it existed.
    #[serde(default)]
    pub narrative: bool,
}

impl GradeResult {
    pub fn factor(&self, id: &str) -> Option<&FactorResult> {
        self.factors.iter().find(|f| f.id == id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A result as stored by an older planmark: no `rejected`, no
    /// `confidence`, no `heading` rule.
    const OLD: &str = r#"{"id":"stdin","rubric":"r","mark":1,"max_mark":1,"level":1,"coverage":1.0,
        "judgement":{"found":false,"text":null},
        "factors":[{"id":"a","label":"A","side":"for","weight":1.0,"covered":true,"evidence":[],
                    "matches":[{"start":0,"end":5,"text":"alpha","rule":"phrase","source":"alpha"}]},
                   {"id":"b","label":"B","side":"against","weight":1.0,"covered":false,"evidence":[],"matches":[]}],
        "feedback":[],"covered":1,"balance":{"for":1,"against":0,"neutral":0},"evidenced":0,"words":1}"#;

    #[test]
    fn results_stored_before_new_keys_still_load() {
        let r: GradeResult = serde_json::from_str(OLD).unwrap();
        assert!(r.rejected.is_empty());
        assert_eq!(r.factors[0].matches[0].rule, Rule::Phrase);
        assert_eq!(r.factors[0].matches[0].confidence, 1.0);
        assert_eq!(r.factors[0].confidence, 1.0);
        assert_eq!(r.factors[1].confidence, 0.0);
        assert!(!r.factors[0].is_weak());
        // And what loads serialises with the new keys.
        let again = serde_json::to_value(&r).unwrap();
        assert_eq!(again["rejected"], serde_json::json!([]));
        assert_eq!(again["factors"][0]["confidence"], 1.0);
        let back: GradeResult = serde_json::from_value(again).unwrap();
        assert_eq!(back, r);
    }
}
