//! Practice test: a mix of essay plans (graded), sorting items and matching
//! items drawn from a deck, with a mark per item and overall.

use crate::model::{Card, Side};

#[derive(Debug, Clone, PartialEq)]
pub enum TestItem {
    /// Write a plan for this card (`DECK/CARD`).
    Plan { card: String, question: String },
    /// Which side does this point argue?
    Sort {
        card: String,
        question: String,
        headline: String,
        side: Side,
    },
    /// Pair these headlines with their details.
    Match {
        card: String,
        pairs: Vec<(String, String)>,
    },
}

impl TestItem {
    pub fn kind(&self) -> &'static str {
        match self {
            TestItem::Plan { .. } => "plan",
            TestItem::Sort { .. } => "sort",
            TestItem::Match { .. } => "match",
        }
    }
}

/// One answered item of a test: its score (0–1) and how it is shown.
#[derive(Debug, Clone, PartialEq)]
pub struct ItemScore {
    pub kind: &'static str,
    pub card: String,
    pub score: f64,
    /// "13/25", "1/1", "2/3".
    pub shown: String,
}

impl ItemScore {
    /// A plan scores its mark out of the maximum.
    pub fn plan(card: &str, r: &crate::grade::GradeResult) -> ItemScore {
        ItemScore {
            kind: "plan",
            card: card.to_string(),
            score: f64::from(r.mark) / f64::from(r.max_mark.max(1)),
            shown: format!("{}/{}", r.mark, r.max_mark),
        }
    }

    /// A sorting item is right or not; unanswered is not right.
    pub fn sort(card: &str, right: bool) -> ItemScore {
        ItemScore {
            kind: "sort",
            card: card.to_string(),
            score: f64::from(u8::from(right)),
            shown: format!("{}/1", u8::from(right)),
        }
    }

    /// A matching item scores its pairs right out of all.
    pub fn matching(card: &str, right: u32, n: u32) -> ItemScore {
        ItemScore {
            kind: "match",
            card: card.to_string(),
            score: f64::from(right) / f64::from(n.max(1)),
            shown: format!("{right}/{n}"),
        }
    }
}

/// The test's score as recorded (per mille of the mean item score) and the
/// `items` of its details.
pub fn overall(scores: &[ItemScore]) -> (u32, serde_json::Value) {
    let total: f64 = scores.iter().map(|s| s.score).sum();
    let mean = total / scores.len().max(1) as f64;
    let items = scores
        .iter()
        .map(|s| serde_json::json!({"kind": s.kind, "card": s.card, "score": s.score}))
        .collect();
    (
        (mean * 1000.0).round() as u32,
        serde_json::Value::Array(items),
    )
}

/// Up to `n` items rotating plan, sort, match, drawn from `cards`
/// (`DECK/CARD`, card) in an order set by `seed`.
pub fn build(cards: &[(String, &Card)], n: usize, seed: u64) -> Vec<TestItem> {
    let mut rng = fastrand::Rng::with_seed(seed);
    let mut order: Vec<usize> = (0..cards.len()).collect();
    rng.shuffle(&mut order);
    let mut items = Vec::with_capacity(n);
    let mut k = 0usize;
    while items.len() < n && !cards.is_empty() {
        let (id, card) = &cards[order[k % cards.len()]];
        let sided: Vec<_> = card
            .points
            .iter()
            .filter(|p| p.side != Side::Neutral)
            .collect();
        let item = match items.len() % 3 {
            0 => Some(TestItem::Plan {
                card: id.clone(),
                question: card.question.clone(),
            }),
            1 if !sided.is_empty() => {
                let p = sided[rng.usize(..sided.len())];
                Some(TestItem::Sort {
                    card: id.clone(),
                    question: card.question.clone(),
                    headline: p.headline.clone(),
                    side: p.side,
                })
            }
            _ if card.points.len() >= 3 => {
                let mut pts: Vec<_> = card.points.iter().collect();
                rng.shuffle(&mut pts);
                Some(TestItem::Match {
                    card: id.clone(),
                    pairs: pts
                        .iter()
                        .take(3)
                        .map(|p| (p.headline.clone(), p.detail.clone()))
                        .collect(),
                })
            }
            _ => Some(TestItem::Plan {
                card: id.clone(),
                question: card.question.clone(),
            }),
        };
        items.extend(item);
        k += 1;
    }
    items
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Point;

    #[test]
    fn mixes_the_three_kinds() {
        let card = Card {
            id: "c".into(),
            question: "Q?".into(),
            judgement: "J".into(),
            tags: vec![],
            points: (0..4)
                .map(|i| Point {
                    side: if i % 2 == 0 { Side::For } else { Side::Against },
                    headline: format!("h{i}"),
                    detail: format!("d{i}"),
                })
                .collect(),
        };
        let cards = vec![("d/c".to_string(), &card)];
        let items = build(&cards, 6, 1);
        let kinds: Vec<_> = items.iter().map(TestItem::kind).collect();
        assert_eq!(kinds, ["plan", "sort", "match", "plan", "sort", "match"]);
        assert_eq!(build(&cards, 6, 1), items, "same seed, same test");
    }
}
