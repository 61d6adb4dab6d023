//! Card sorting: each point of one or more cards is shown on its own and the
//! student says which side it argues. Wrong answers show the right side and
//! the point's detail, and come back at the end until every one is right.

use crate::model::Side;
use std::collections::VecDeque;

#[derive(Debug, Clone, PartialEq)]
pub struct SortItem {
    pub card: String,
    pub headline: String,
    pub detail: String,
    pub side: Side,
}

#[derive(Debug, Clone, PartialEq)]
pub enum SortOutcome {
    Correct,
    Wrong { side: Side, detail: String },
}

#[derive(Debug, Clone)]
pub struct SortGame {
    items: Vec<SortItem>,
    queue: VecDeque<usize>,
    /// The first answer to each item: right or not; `None` until answered.
    first: Vec<Option<bool>>,
    answers: u32,
}

impl SortGame {
    /// Points without a for/against side are left out.
    pub fn new(mut items: Vec<SortItem>, seed: u64) -> SortGame {
        items.retain(|i| i.side != Side::Neutral);
        super::shuffle(&mut items, seed);
        let n = items.len();
        SortGame {
            items,
            queue: (0..n).collect(),
            first: vec![None; n],
            answers: 0,
        }
    }

    pub fn current(&self) -> Option<&SortItem> {
        self.queue.front().map(|&i| &self.items[i])
    }

    pub fn answer(&mut self, side: Side) -> Option<SortOutcome> {
        let i = self.queue.pop_front()?;
        self.answers += 1;
        let item = &self.items[i];
        let right = item.side == side;
        self.first[i].get_or_insert(right);
        if right {
            Some(SortOutcome::Correct)
        } else {
            self.queue.push_back(i);
            Some(SortOutcome::Wrong {
                side: item.side,
                detail: item.detail.clone(),
            })
        }
    }

    pub fn done(&self) -> bool {
        self.queue.is_empty()
    }

    pub fn remaining(&self) -> usize {
        self.queue.len()
    }

    /// (sorted right first time, points); a point never answered is not right.
    pub fn score(&self) -> (u32, u32) {
        let o = self.outcome();
        (o.correct, o.total)
    }

    /// The score as recorded, per card too.
    pub fn outcome(&self) -> super::Outcome {
        super::Outcome::from_items(
            self.items
                .iter()
                .zip(&self.first)
                .map(|(i, f)| (i.card.as_str(), f.is_some(), *f == Some(true))),
        )
    }

    /// Headlines sorted wrongly at least once.
    pub fn missed(&self) -> Vec<&str> {
        self.items
            .iter()
            .zip(&self.first)
            .filter(|(_, f)| **f == Some(false))
            .map(|(i, _)| i.headline.as_str())
            .collect()
    }

    pub fn answers(&self) -> u32 {
        self.answers
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(h: &str, side: Side) -> SortItem {
        SortItem {
            card: "d/c".into(),
            headline: h.into(),
            detail: format!("{h} detail"),
            side,
        }
    }

    #[test]
    fn wrong_answers_come_back_until_right() {
        let mut g = SortGame::new(vec![item("a", Side::For), item("b", Side::Against)], 7);
        let first = g.current().unwrap().clone();
        let wrong = if first.side == Side::For {
            Side::Against
        } else {
            Side::For
        };
        assert_eq!(
            g.answer(wrong),
            Some(SortOutcome::Wrong {
                side: first.side,
                detail: first.detail.clone()
            })
        );
        assert_eq!(g.remaining(), 2, "the missed point went to the back");
        while let Some(it) = g.current().cloned() {
            assert_eq!(g.answer(it.side), Some(SortOutcome::Correct));
        }
        assert!(g.done());
        assert_eq!(g.score(), (1, 2));
        assert_eq!(g.missed(), [first.headline.as_str()]);
        assert_eq!(g.answers(), 3);
    }

    #[test]
    fn stopping_early_counts_the_points_not_answered_as_not_right() {
        let items: Vec<_> = (0..8).map(|i| item(&i.to_string(), Side::For)).collect();
        let mut g = SortGame::new(items, 1);
        assert_eq!(g.answer(Side::For), Some(SortOutcome::Correct));
        let o = g.outcome();
        assert_eq!((o.correct, o.total, o.answered), (1, 8, 1));
        assert!(!o.finished);
        assert_eq!(g.score(), (1, 8));
    }

    #[test]
    fn the_order_follows_the_seed() {
        let items: Vec<_> = (0..8).map(|i| item(&i.to_string(), Side::For)).collect();
        let order = |seed| {
            let g = SortGame::new(items.clone(), seed);
            g.items
                .iter()
                .map(|i| i.headline.clone())
                .collect::<Vec<_>>()
        };
        assert_eq!(order(1), order(1));
        assert_ne!(order(1), order(2));
    }
}
