//! The study modes students know from flashcard sites, shaped for essay plans,
//! as pure state machines: the CLI feeds them the student's answers, and the
//! random order comes from a seed passed in.
//!
//! Each mode ends in an [`Outcome`], the score as it is recorded. The rules a
//! front end must not bend live here: an item never answered is not right,
//! and a session stopped early says so (and, in `study::analytics`, can lower
//! a card's result but never raise it).

pub mod learn;
pub mod matching;
pub mod practice;
pub mod session;
pub mod sort;
pub mod test;

use serde::Serialize;
use std::collections::BTreeMap;

/// Shuffles with a seeded generator, so a session can be replayed in tests.
pub fn shuffle<T>(items: &mut [T], seed: u64) {
    fastrand::Rng::with_seed(seed).shuffle(items);
}

/// How a session went, as recorded: counts of items, and per card.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Outcome {
    /// Items right first time; an item never answered is not right.
    pub correct: u32,
    /// Every item of the session, answered or not.
    pub total: u32,
    /// Items the student answered at least once.
    pub answered: u32,
    /// False when the student stopped before every item was answered.
    pub finished: bool,
    /// Per card (`DECK/CARD`) that had an item answered: (right, items of that
    /// card). A card none of whose items was reached is left out.
    pub cards: BTreeMap<String, (u32, u32)>,
}

impl Outcome {
    /// Builds the outcome from one `(card, answered, right first time)` per
    /// item.
    pub fn from_items<'a>(items: impl IntoIterator<Item = (&'a str, bool, bool)>) -> Outcome {
        let mut o = Outcome {
            finished: true,
            ..Outcome::default()
        };
        let mut per_card: BTreeMap<String, (u32, u32, bool)> = BTreeMap::new();
        for (card, answered, right) in items {
            let right = answered && right;
            o.total += 1;
            o.answered += u32::from(answered);
            o.correct += u32::from(right);
            o.finished &= answered;
            let e = per_card.entry(card.to_string()).or_default();
            e.0 += u32::from(right);
            e.1 += 1;
            e.2 |= answered;
        }
        o.cards = per_card
            .into_iter()
            .filter(|(_, (_, _, reached))| *reached)
            .map(|(c, (r, t, _))| (c, (r, t)))
            .collect();
        o
    }

    /// The keys every mode adds to a session's `details_json`: `finished`,
    /// `answered` and `cards` (per card `[right, items]`).
    pub fn details(&self, mut extra: serde_json::Value) -> serde_json::Value {
        if let serde_json::Value::Object(map) = &mut extra {
            map.insert("finished".into(), self.finished.into());
            map.insert("answered".into(), self.answered.into());
            map.insert(
                "cards".into(),
                serde_json::to_value(&self.cards).unwrap_or_default(),
            );
        }
        extra
    }

    /// "Stopped: 1 of 8 answered." for a session cut short.
    pub fn stopped_line(&self) -> Option<String> {
        (!self.finished).then(|| format!("Stopped: {} of {} answered.", self.answered, self.total))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unanswered_items_are_not_right_and_unreached_cards_are_left_out() {
        let o = Outcome::from_items([
            ("d/a", true, true),
            ("d/a", false, true),
            ("d/b", false, false),
        ]);
        assert_eq!(
            (o.correct, o.total, o.answered, o.finished),
            (1, 3, 1, false)
        );
        assert_eq!(o.cards.len(), 1);
        assert_eq!(o.cards["d/a"], (1, 2));
        assert_eq!(o.stopped_line().unwrap(), "Stopped: 1 of 3 answered.");
        let v = o.details(serde_json::json!({"missed": []}));
        assert_eq!(v["finished"], false);
        assert_eq!(v["cards"]["d/a"], serde_json::json!([1, 2]));
    }
}
