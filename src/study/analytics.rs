//! Study analytics: per-card progress, the factors a student misses most, and
//! mastery per deck. Pure functions of the stored history and the time.
//!
//! Mastery of a card is how well its latest spaced-repetition review went,
//! times the FSRS probability of still recalling it now. How well it went:
//! the mark as a share of the maximum for a practised plan, or the flashcard
//! rating (Hard 0.5, Good 0.8, Easy 1); a review rated Again counts 0, since
//! the student said they did not know it. A card never studied counts 0.
//!
//! Every mode column of a deck ([`ModeMastery`]) is the same kind of number:
//! the mean over the deck's cards of the card's latest result in that mode,
//! cards not yet done in it counting 0. A session stopped before the end can
//! lower a card's result but never raise it.

use super::schedule::{CardState, Rating, Scheduler};
use super::store::{Attempt, LastReview, Session};
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

/// The "Study Analytics" columns of flashcard sites, for one deck. Each is
/// the mean over the deck's cards of the card's latest result in that mode
/// (0–1; cards not yet done in the mode count 0), `None` when the mode was
/// never used on the deck:
///
/// - **learn**: the share of the card's factors recalled;
/// - **test**: the card's items in the latest practice test that had any;
/// - **matching**: pairs matched right first time;
/// - **sort**: points sorted right first time;
/// - **spaced**: the card's spaced-repetition mastery (see the module docs).
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

/// A session's result for one card, 0–1, if the session covered it.
fn card_result(s: &Session, card: &str, deck: &str) -> Option<f64> {
    let details = s.details();
    if s.mode == "test" {
        let scores: Vec<f64> = details
            .get("items")?
            .as_array()?
            .iter()
            .filter(|i| i.get("card").and_then(|c| c.as_str()) == Some(card))
            .filter_map(|i| i.get("score")?.as_f64())
            .collect();
        return (!scores.is_empty()).then(|| scores.iter().sum::<f64>() / scores.len() as f64);
    }
    if let Some(cards) = details.get("cards").and_then(|c| c.as_object()) {
        let [right, total] = cards.get(card)?.as_array()?.as_slice() else {
            return None;
        };
        let (right, total) = (right.as_f64()?, total.as_f64()?);
        return (total > 0.0).then(|| right / total);
    }
    match &s.card {
        Some(c) => (c == card).then(|| s.score()),
        // Older sessions of a whole deck kept no per-card results: their
        // score stands for each of the deck's cards.
        None => (s.deck == deck).then(|| s.score()),
    }
}

/// The card's latest result in `mode`: each session replaces the one before,
/// except that a session stopped early may only lower it.
fn latest_result(sessions: &[Session], mode: &str, card: &str, deck: &str) -> Option<f64> {
    sessions
        .iter()
        .filter(|s| s.mode == mode)
        .fold(None, |prev, s| match card_result(s, card, deck) {
            None => prev,
            Some(x) if s.finished() => Some(x),
            Some(x) => Some(prev.map_or(x, |p: f64| p.min(x))),
        })
}

fn mode_mastery(
    deck: &str,
    cards: &[&String],
    sessions: &[Session],
    spaced: Option<f64>,
) -> ModeMastery {
    let column = |mode: &str| {
        let results: Vec<Option<f64>> = cards
            .iter()
            .map(|c| latest_result(sessions, mode, c, deck))
            .collect();
        results.iter().any(Option::is_some).then(|| {
            results.iter().map(|r| r.unwrap_or(0.0)).sum::<f64>() / cards.len().max(1) as f64
        })
    };
    ModeMastery {
        learn: column("learn"),
        test: column("test"),
        matching: column("match"),
        sort: column("sort"),
        spaced,
    }
}

/// How well a review went, 0–1 (see the module docs).
fn review_quality(review: Option<&LastReview>, last_attempt: Option<&Attempt>) -> f64 {
    let mark_share = |a: &Attempt| {
        if a.max_mark == 0 {
            0.0
        } else {
            a.mark as f64 / a.max_mark as f64
        }
    };
    let Some(r) = review else {
        // Attempts from before reviews were logged.
        return last_attempt.map_or(0.0, mark_share);
    };
    match Rating::parse(&r.rating) {
        Some(Rating::Again) => 0.0,
        _ if r.mode == "practice" && last_attempt.is_some() => last_attempt.map_or(0.0, mark_share),
        Some(Rating::Hard) => 0.5,
        Some(Rating::Good) => 0.8,
        Some(Rating::Easy) => 1.0,
        None => 0.0,
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
    reviews: &[LastReview],
    sessions: &[Session],
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
        let review = reviews.iter().find(|r| r.card == *card);
        let mastery = retrievability.map_or(0.0, |r| review_quality(review, last.copied()) * r);
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
