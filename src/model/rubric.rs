//! Rubrics: the factors a plan should raise and the mark bands, as teachers
//! write them (`rubrics/*.toml` or `.json`). The key names are a contract.

use super::deck::Side;
use serde::de::{self, MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::collections::BTreeMap;
use std::fmt;

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
    /// The years the question is about (`[1918, 1921]`): a match in a
    /// sentence or bullet dated only outside them does not count.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub period: Option<[i32; 2]>,
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
    pub phrases: Vec<PhraseSpec>,
    /// Companion wordings: every phrase that does not set its own `with`
    /// counts only when one of these also stands in its sentence or bullet.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub with: Vec<String>,
    /// Wordings of known wrong senses: a match whose sentence or bullet also
    /// holds one of these is rejected (and reported).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub not: Vec<String>,
    /// This factor's own years, instead of the rubric's `period`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub period: Option<[i32; 2]>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub patterns: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub exclude: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub evidence: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
}

/// One of a factor's phrases: a string (`"Family Code"`), or a table that
/// also names companion wordings (`{ text = "Family Code", with = ["1918",
/// "divorce"] }`): the phrase counts only when one of them stands in the same
/// sentence or bullet. A table without `with` is the same as the string;
/// `with = []` opts out of the factor's own `with`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhraseSpec {
    pub text: String,
    /// `None`: the factor's `with` applies. `Some(list)`: this list instead
    /// (empty: no condition).
    pub with: Option<Vec<String>>,
}

impl PhraseSpec {
    pub fn new(text: impl Into<String>) -> PhraseSpec {
        PhraseSpec {
            text: text.into(),
            with: None,
        }
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The companion wordings that apply to this phrase in `factor`.
    pub fn companions<'a>(&'a self, factor: &'a Factor) -> &'a [String] {
        self.with.as_deref().unwrap_or(&factor.with)
    }
}

impl From<&str> for PhraseSpec {
    fn from(text: &str) -> PhraseSpec {
        PhraseSpec::new(text)
    }
}

impl From<String> for PhraseSpec {
    fn from(text: String) -> PhraseSpec {
        PhraseSpec::new(text)
    }
}

impl fmt::Display for PhraseSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// The table form of a phrase, as written in the file.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct PhraseTable {
    text: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    with: Option<Vec<String>>,
}

impl Serialize for PhraseSpec {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match &self.with {
            None => s.serialize_str(&self.text),
            Some(with) => PhraseTable {
                text: self.text.clone(),
                with: Some(with.clone()),
            }
            .serialize(s),
        }
    }
}

impl<'de> Deserialize<'de> for PhraseSpec {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<PhraseSpec, D::Error> {
        struct PhraseVisitor;
        impl<'de> Visitor<'de> for PhraseVisitor {
            type Value = PhraseSpec;

            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str(
                    "a phrase: a string, or a table such as { text = \"Family Code\", with = [\"1918\"] }",
                )
            }

            fn visit_str<E: de::Error>(self, v: &str) -> Result<PhraseSpec, E> {
                Ok(PhraseSpec::new(v))
            }

            fn visit_string<E: de::Error>(self, v: String) -> Result<PhraseSpec, E> {
                Ok(PhraseSpec::new(v))
            }

            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<PhraseSpec, A::Error> {
                let t = PhraseTable::deserialize(de::value::MapAccessDeserializer::new(map))?;
                Ok(PhraseSpec {
                    text: t.text,
                    with: t.with,
                })
            }
        }
        d.deserialize_any(PhraseVisitor)
    }
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
    /// `analysis = true`: the plan must argue, not only list dated events (a
    /// bare timeline cannot reach this band; see [`crate::grade::narrative`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub analysis: Option<bool>,
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

    /// The years that apply to a factor: its own `period`, else the rubric's.
    pub fn period_of(&self, factor: &Factor) -> Option<[i32; 2]> {
        factor.period.or(self.period)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const RUBRIC: &str = r#"
id = "r"
period = [1918, 1921]
[[factor]]
id = "a"
label = "A"
with = ["divorce"]
not = ["1936"]
period = [1917, 1926]
phrases = ["Family Code", { text = "Kollontai", with = [] }, { text = "equal rights", with = ["1918", "women"] }, { text = "Zhenotdel" }]
"#;

    #[test]
    fn phrases_may_be_strings_or_tables() {
        let r: Rubric = toml::from_str(RUBRIC).unwrap();
        let f = &r.factors[0];
        assert_eq!(f.phrases[0], PhraseSpec::new("Family Code"));
        assert_eq!(f.phrases[0].companions(f), ["divorce"]);
        assert!(f.phrases[1].companions(f).is_empty());
        assert_eq!(f.phrases[2].companions(f), ["1918", "women"]);
        assert_eq!(f.phrases[3].with, None);
        assert_eq!(f.not, ["1936"]);
        assert_eq!(r.period, Some([1918, 1921]));
        assert_eq!(r.period_of(f), Some([1917, 1926]));
    }

    #[test]
    fn rubrics_round_trip_through_toml_and_json() {
        let r: Rubric = toml::from_str(RUBRIC).unwrap();
        let toml_text = toml::to_string(&r).unwrap();
        assert_eq!(toml::from_str::<Rubric>(&toml_text).unwrap(), r);
        let json = serde_json::to_string(&r).unwrap();
        assert_eq!(serde_json::from_str::<Rubric>(&json).unwrap(), r);
        // A plain phrase stays a plain string.
        assert!(
            json.contains(r#""phrases":["Family Code",{"text":"Kollontai","with":[]}"#),
            "{json}"
        );
    }

    #[test]
    fn phrase_tables_reject_unknown_keys_and_other_types() {
        let bad = RUBRIC.replace(
            "{ text = \"Zhenotdel\" }",
            "{ text = \"Zhenotdel\", wiht = [\"x\"] }",
        );
        let e = toml::from_str::<Rubric>(&bad).unwrap_err().to_string();
        assert!(e.contains("unknown field `wiht`"), "{e}");
        let bad = RUBRIC.replace("{ text = \"Zhenotdel\" }", "3");
        let e = toml::from_str::<Rubric>(&bad).unwrap_err().to_string();
        assert!(e.contains("a phrase: a string, or a table"), "{e}");
    }
}
