//! Decks of essay cards: a question, a model judgement and the argument points.

use serde::{Deserialize, Serialize};
use std::fmt;

/// Which side of the question a point or factor argues. Files may write it
/// in any case (`for`, `For`, `AGAINST`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Side {
    For,
    Against,
    #[default]
    Neutral,
}

/// What a `side` may be, as the error for a wrong one lists them.
pub const SIDES: &[&str] = &["for", "against", "neutral"];

impl<'de> Deserialize<'de> for Side {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Side, D::Error> {
        let s = String::deserialize(d)?;
        match s.to_lowercase().as_str() {
            "for" => Ok(Side::For),
            "against" => Ok(Side::Against),
            "neutral" => Ok(Side::Neutral),
            _ => Err(serde::de::Error::unknown_variant(&s, SIDES)),
        }
    }
}

impl Side {
    pub fn as_str(self) -> &'static str {
        match self {
            Side::For => "for",
            Side::Against => "against",
            Side::Neutral => "neutral",
        }
    }
}

impl fmt::Display for Side {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A deck file (`decks/*.toml`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Deck {
    pub id: String,
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, rename = "card")]
    pub cards: Vec<Card>,
}

/// One essay question with its model answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Card {
    pub id: String,
    pub question: String,
    pub judgement: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    #[serde(default, rename = "point")]
    pub points: Vec<Point>,
}

/// One argument point of a model answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Point {
    pub side: Side,
    pub headline: String,
    #[serde(default)]
    pub detail: String,
}

impl Card {
    /// The model answer as one plan: the judgement, then every point's
    /// headline and detail on its own line.
    pub fn model_plan(&self) -> String {
        let mut plan = self.judgement.clone();
        for p in &self.points {
            plan.push_str(&format!("\n- {}: {}", p.headline, p.detail));
        }
        plan
    }
}
