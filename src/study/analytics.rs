//! Study analytics: per-card progress, the factors a student misses most, and
//! mastery per deck. Pure functions of the stored history and the time.
//!
//! Mastery of a card is its last mark as a share of the maximum, times the
//! FSRS probability of still recalling it now; for a card only reviewed as a
//! flashcard, that probability alone; 0 for a card never studied.
//! A deck's mastery is the mean over its cards.

use super::schedule::{CardState, Scheduler};
use super::store::Attempt;
use crate::grade::GradeResult;
use serde::Serialize;
use std::collections::BTreeMap;

/// How many recent marks the trend shows.
pub const TREND_LEN: usize = 8;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CardStats {
    pub card: String,
    pub attempts: u32,
    pub best_mark: Option<u32>,
    pub best_level: Option<u32>,
    pub last_mark: Option<u32>,
    pub last_level: Option<u32>,
    pub max_mark: Option<u32>,
    /// The last marks, oldest first.
    pub trend: Vec<u32>,
    pub next_due: Option<i64>,
    pub retrievability: Option<f64>,
    pub mastery: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MissedFactor {
    pub card: String,
    pub factor: String,
    pub label: String,
    pub hint: Option<String>,
    /// Attempts at the card that missed this factor.
    pub missed: u32,
    pub attempts: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DeckMastery {
    pub deck: String,
    pub cards: u32,
    pub studied: u32,
    /// Spaced repetition mastery (see the module docs).
    pub mastery: f64,
    /// Per study mode, 0–1, `None` when the mode was never used on this deck.
    pub modes: ModeMastery,
}

/// The "Study Analytics" columns of flashcard sites, for one deck.
///
/// - **learn**: mean over the deck's cards of the share of factors recalled in
///   the card's latest Learn session (cards never learnt count 0);
/// - **test**: the score of the latest practice test;
/// - **matching**: the best Match accuracy (pairs right first time);
/// - **sort**: the latest Card Sorting score (points sorted right first time);
/// - **spaced**: the spaced-repetition mastery.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ModeMastery {
    pub learn: Option<f64>,
    pub test: Option<f64>,
    pub matching: Option<f64>,
    pub sort: Option<f64>,
    pub spaced: Option<f64>,
}

impl ModeMastery {
    /// The mean of the modes used, 0 when none.
    pub fn overall(&self) -> f64 {
        let used: Vec<f64> = [self.learn, self.test, self.matching, self.sort, self.spaced]
            .into_iter()
            .flatten()
            .collect();
        if used.is_empty() {
            0.0
        } else {
            used.iter().sum::<f64>() / used.len() as f64
        }
    }
}

fn mode_mastery(
    deck: &str,
    cards: &[&String],
    sessions: &[super::store::Session],
    spaced: Option<f64>,
) -> ModeMastery {
    let of = |mode: &'static str| {
        sessions
            .iter()
            .filter(move |s| s.mode == mode && s.deck == deck)
    };
    let learn = {
        let mut any = false;
        let total: f64 = cards
            .iter()
            .map(|c| {
                of("learn")
                    .rfind(|s| s.card.as_deref() == Some(c.as_str()))
                    .map_or(0.0, |s| {
                        any = true;
                        s.score()
                    })
            })
            .sum();
        any.then(|| total / cards.len().max(1) as f64)
    };
    ModeMastery {
        learn,
        test: of("test").next_back().map(|s| s.score()),
        matching: of("match").map(|s| s.score()).reduce(f64::max),
        sort: of("sort").next_back().map(|s| s.score()),
        spaced,
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Stats {
    pub cards: Vec<CardStats>,
    pub missed: Vec<MissedFactor>,
    pub decks: Vec<DeckMastery>,
}

/// `cards` lists every `DECK/CARD` to report on, in display order.
pub fn stats(
    cards: &[String],
    attempts: &[Attempt],
    states: &[(String, CardState)],
    sessions: &[super::store::Session],
    scheduler: &Scheduler,
    now: i64,
) -> Stats {
    let mut by_card: BTreeMap<&str, Vec<&Attempt>> = BTreeMap::new();
    for a in attempts {
        by_card.entry(a.card.as_str()).or_default().push(a);
    }
    let state_of: BTreeMap<&str, &CardState> =
        states.iter().map(|(c, s)| (c.as_str(), s)).collect();

    let mut card_stats = Vec::new();
    let mut missed: BTreeMap<(String, String), MissedFactor> = BTreeMap::new();
    for card in cards {
        let list = by_card.get(card.as_str()).cloned().unwrap_or_default();
        let state = state_of.get(card.as_str()).copied();
        let best = list.iter().max_by_key(|a| (a.mark, a.level));
        let last = list.last();
        let retrievability = state.map(|s| scheduler.retrievability(s, now));
        let mastery = match (last, retrievability) {
            (Some(a), Some(r)) if a.max_mark > 0 => a.mark as f64 / a.max_mark as f64 * r,
            // Reviewed only as a flashcard: the chance of recalling it.
            (None, Some(r)) => r,
            _ => 0.0,
        };
        card_stats.push(CardStats {
            card: card.clone(),
            attempts: list.len() as u32,
            best_mark: best.map(|a| a.mark),
            best_level: best.map(|a| a.level),
            last_mark: last.map(|a| a.mark),
            last_level: last.map(|a| a.level),
            max_mark: last.map(|a| a.max_mark),
            trend: list
                .iter()
                .rev()
                .take(TREND_LEN)
                .rev()
                .map(|a| a.mark)
                .collect(),
            next_due: state.map(|s| s.due),
            retrievability,
            mastery,
        });
        for a in &list {
            let Ok(result) = serde_json::from_str::<GradeResult>(&a.result_json) else {
                continue;
            };
            for f in &result.factors {
                let entry = missed
                    .entry((card.clone(), f.id.clone()))
                    .or_insert_with(|| MissedFactor {
                        card: card.clone(),
                        factor: f.id.clone(),
                        label: f.label.clone(),
                        hint: f.hint.clone(),
                        missed: 0,
                        attempts: 0,
                    });
                entry.attempts += 1;
                entry.missed += u32::from(!f.covered);
            }
        }
    }
    let mut missed: Vec<MissedFactor> = missed.into_values().filter(|m| m.missed > 0).collect();
    missed.sort_by(|a, b| {
        let share = |m: &MissedFactor| m.missed as f64 / m.attempts as f64;
        b.missed
            .cmp(&a.missed)
            .then(share(b).total_cmp(&share(a)))
            .then(a.card.cmp(&b.card))
            .then(a.factor.cmp(&b.factor))
    });

    let mut decks: BTreeMap<String, (u32, u32, f64)> = BTreeMap::new();
    for c in &card_stats {
        let deck = c.card.split_once('/').map_or(c.card.as_str(), |(d, _)| d);
        let e = decks.entry(deck.to_string()).or_default();
        e.0 += 1;
        e.1 += u32::from(c.attempts > 0 || c.next_due.is_some());
        e.2 += c.mastery;
    }
    let deck_list = decks
        .into_iter()
        .map(|(deck, (n, studied, total))| {
            let deck_cards: Vec<&String> = cards
                .iter()
                .filter(|c| c.starts_with(&format!("{deck}/")))
                .collect();
            let mastery = if n == 0 { 0.0 } else { total / n as f64 };
            let modes = mode_mastery(
                &deck,
                &deck_cards,
                sessions,
                (studied > 0).then_some(mastery),
            );
            DeckMastery {
                deck,
                cards: n,
                studied,
                mastery,
                modes,
            }
        })
        .collect();
    Stats {
        cards: card_stats,
        missed,
        decks: deck_list,
    }
}
