//! Rubrics: the factors a plan should raise and the mark bands, as teachers
//! write them (`rubrics/*.toml` or `.json`). The key names are a contract.

use super::deck::Side;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Rubric {
    pub id: String,
    /// `DECK/CARD` this rubric marks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub card: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub question: Option<String>,
    /// A name for lists; optional.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Notes for teachers; optional, never shown to students.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Defaults to the highest mark of any band.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_mark: Option<u32>,
    /// Whether the built-in note-taking shorthand (`&`, `w/`, `govt`, …) expands too.
    #[serde(default = "yes", skip_serializing_if = "is_true")]
    pub shorthand: bool,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub abbreviations: BTreeMap<String, String>,
    #[serde(default, rename = "factor")]
    pub factors: Vec<Factor>,
    #[serde(default, skip_serializing_if = "JudgementSpec::is_empty")]
    pub judgement: JudgementSpec,
    #[serde(default, rename = "band")]
    pub bands: Vec<Band>,
}

fn yes() -> bool {
    true
}

fn is_true(b: &bool) -> bool {
    *b
}

fn one() -> f64 {
    1.0
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Factor {
    pub id: String,
    pub label: String,
    #[serde(default)]
    pub side: Side,
    #[serde(default = "one")]
    pub weight: f64,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub phrases: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub patterns: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub exclude: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub evidence: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct JudgementSpec {
    /// Extra wordings that count as a judgement, on top of the built-in ones.
    #[serde(default)]
    pub phrases: Vec<String>,
}

impl JudgementSpec {
    fn is_empty(&self) -> bool {
        self.phrases.is_empty()
    }
}

/// A level of response. Every condition is optional; the first band (top to
/// bottom) whose conditions all hold applies.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Band {
    pub level: u32,
    pub marks: [u32; 2],
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub descriptor: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_factors: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_coverage: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_per_side: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub judgement: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_evidence: Option<u32>,
}

impl Rubric {
    /// The highest mark: `max-mark`, or the top of the highest band.
    pub fn max_mark(&self) -> u32 {
        self.max_mark
            .unwrap_or_else(|| self.bands.iter().map(|b| b.marks[1]).max().unwrap_or(0))
    }

    pub fn factor(&self, id: &str) -> Option<&Factor> {
        self.factors.iter().find(|f| f.id == id)
    }
}
