//! Spaced repetition: the grade of a plan becomes an FSRS rating, and the
//! `fsrs` crate (FSRS-6 default parameters) schedules the card's next review.
//! Pure: the time is passed in.
//!
//! Rating from a grade (the student may override it):
//! - **Again**: empty plan, or level below 40% of the rubric's top level
//!   (AQA 25-mark: L0–L1);
//! - **Hard**: level below 70% of the top (L2–L3);
//! - **Good**: any higher level short of the top, or the top level with less
//!   than 75% coverage (L4, or a thin L5);
//! - **Easy**: the top level with at least 75% coverage.

use crate::grade::GradeResult;
use fsrs::{DEFAULT_PARAMETERS, FSRS, MemoryState};
use serde::{Deserialize, Serialize};
use std::fmt;

pub const DAY: i64 = 86_400;

/// The four answers of spaced repetition.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Rating {
    Again = 1,
    Hard = 2,
    Good = 3,
    Easy = 4,
}

impl Rating {
    pub fn as_str(self) -> &'static str {
        match self {
            Rating::Again => "again",
            Rating::Hard => "hard",
            Rating::Good => "good",
            Rating::Easy => "easy",
        }
    }

    pub fn parse(s: &str) -> Option<Rating> {
        match s.trim().to_ascii_lowercase().as_str() {
            "1" | "a" | "again" => Some(Rating::Again),
            "2" | "h" | "hard" => Some(Rating::Hard),
            "3" | "g" | "good" => Some(Rating::Good),
            "4" | "e" | "easy" => Some(Rating::Easy),
            _ => None,
        }
    }
}

impl fmt::Display for Rating {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = self.as_str();
        let mut c = s.chars();
        let first = c.next().map(|c| c.to_ascii_uppercase()).unwrap_or(' ');
        write!(f, "{first}{}", c.as_str())
    }
}

/// The rating a graded plan earns (see the module docs).
pub fn rating_for(result: &GradeResult, top_level: u32) -> Rating {
    if result.words == 0 || top_level == 0 {
        return Rating::Again;
    }
    let frac = result.level as f64 / top_level as f64;
    if frac < 0.4 {
        Rating::Again
    } else if frac < 0.7 {
        Rating::Hard
    } else if result.level < top_level || result.coverage < 0.75 {
        Rating::Good
    } else {
        Rating::Easy
    }
}

/// A card's memory state and next review, as stored.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct CardState {
    pub stability: f64,
    pub difficulty: f64,
    /// Unix seconds.
    pub due: i64,
    pub last_review: i64,
    pub reps: u32,
    pub lapses: u32,
}

/// FSRS with the project's settings.
pub struct Scheduler {
    fsrs: FSRS,
    /// Desired retention, 0.7–0.99 (default 0.9).
    pub retention: f32,
}

#[derive(Debug, thiserror::Error)]
#[error("desired retention must be between 0.7 and 0.99, not {0}")]
pub struct RetentionError(pub f32);

impl Scheduler {
    pub fn new(retention: f32) -> Result<Scheduler, RetentionError> {
        if !(0.7..=0.99).contains(&retention) {
            return Err(RetentionError(retention));
        }
        let fsrs =
            FSRS::new(&DEFAULT_PARAMETERS).expect("the crate's default parameters are valid");
        Ok(Scheduler { fsrs, retention })
    }

    /// The state after reviewing at `now` with `rating`.
    pub fn review(&self, previous: Option<&CardState>, rating: Rating, now: i64) -> CardState {
        let memory = previous.map(|p| MemoryState {
            stability: p.stability as f32,
            difficulty: p.difficulty as f32,
        });
        let elapsed_days = previous.map_or(0, |p| ((now - p.last_review).max(0) / DAY) as u32);
        let next = self
            .fsrs
            .next_states(memory, self.retention, elapsed_days)
            .unwrap_or_else(|_| {
                // Only invalid stored states reach here: start the card afresh.
                self.fsrs
                    .next_states(None, self.retention, 0)
                    .expect("a new card always has next states")
            });
        let item = match rating {
            Rating::Again => next.again,
            Rating::Hard => next.hard,
            Rating::Good => next.good,
            Rating::Easy => next.easy,
        };
        CardState {
            stability: item.memory.stability as f64,
            difficulty: item.memory.difficulty as f64,
            due: now + interval_seconds(item.interval),
            last_review: now,
            reps: previous.map_or(0, |p| p.reps) + 1,
            lapses: previous.map_or(0, |p| p.lapses)
                + u32::from(rating == Rating::Again && previous.is_some()),
        }
    }

    /// Probability of recalling the card's plan at `now` (0–1).
    pub fn retrievability(&self, s: &CardState, now: i64) -> f64 {
        let days = (now - s.last_review).max(0) as f32 / DAY as f32;
        let memory = MemoryState {
            stability: s.stability as f32,
            difficulty: s.difficulty as f32,
        };
        fsrs::current_retrievability(memory, days, DEFAULT_PARAMETERS[20]) as f64
    }
}

/// FSRS intervals are in days (fractional for Again); store whole seconds.
pub fn interval_seconds(days: f32) -> i64 {
    (days as f64 * DAY as f64).round().max(60.0) as i64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_card_intervals_follow_fsrs_and_grow_with_the_rating() {
        let s = Scheduler::new(0.9).unwrap();
        let now = 1_800_000_000;
        let dues: Vec<i64> = [Rating::Again, Rating::Hard, Rating::Good, Rating::Easy]
            .iter()
            .map(|&r| s.review(None, r, now).due - now)
            .collect();
        assert!(dues.windows(2).all(|w| w[0] < w[1]), "{dues:?}");
        let expected = FSRS::new(&DEFAULT_PARAMETERS)
            .unwrap()
            .next_states(None, 0.9, 0)
            .unwrap()
            .good
            .interval;
        assert_eq!(dues[2], interval_seconds(expected));
    }

    #[test]
    fn a_second_good_review_waits_longer() {
        let s = Scheduler::new(0.9).unwrap();
        let first = s.review(None, Rating::Good, 0);
        let second = s.review(Some(&first), Rating::Good, first.due);
        assert!(second.due - second.last_review > first.due - first.last_review);
        assert_eq!(second.reps, 2);
        let r = s.retrievability(&second, second.last_review);
        assert!((r - 1.0).abs() < 1e-6);
        assert!(s.retrievability(&second, second.due) < 0.95);
    }

    #[test]
    fn retention_is_checked() {
        assert!(Scheduler::new(0.5).is_err());
    }

    #[test]
    fn ratings_parse_from_keys_and_words() {
        assert_eq!(Rating::parse("3"), Some(Rating::Good));
        assert_eq!(Rating::parse("Easy"), Some(Rating::Easy));
        assert_eq!(Rating::parse("x"), None);
        assert_eq!(Rating::Again.to_string(), "Again");
    }
}

/// When `t` comes, said for a person: "in 3 days (2026-11-30)", "in 5
/// hours", "in 12 min", "now".
pub fn describe_due(t: i64, now: i64) -> String {
    let secs = t - now;
    let date = chrono::DateTime::from_timestamp(t, 0)
        .map(|d| d.format("%Y-%m-%d").to_string())
        .unwrap_or_default();
    if secs <= 0 {
        "now".to_string()
    } else if secs < 3600 {
        format!("in {} min", (secs + 59) / 60)
    } else if secs < DAY {
        format!("in {} hours", (secs + 1800) / 3600)
    } else {
        let days = (secs + DAY / 2) / DAY;
        format!("in {days} day{} ({date})", if days == 1 { "" } else { "s" })
    }
}

/// Why a card was chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PickReason {
    Due,
    New,
}

/// The next card to practise: the most overdue due card, else the first card
/// never studied (while fewer than `new_limit` new cards were started today).
/// `cards` is in deck order; `states` holds the scheduled ones.
pub fn pick_next<'a>(
    cards: &'a [String],
    states: &[(String, CardState)],
    now: i64,
    new_limit: u32,
    new_today: u32,
) -> Option<(&'a str, PickReason)> {
    let state = |c: &str| states.iter().find(|(s, _)| s == c).map(|(_, st)| st);
    let due = cards
        .iter()
        .filter_map(|c| state(c).filter(|s| s.due <= now).map(|s| (s.due, c)))
        .min_by_key(|(due, c)| (*due, c.as_str()));
    if let Some((_, c)) = due {
        return Some((c, PickReason::Due));
    }
    if new_today >= new_limit {
        return None;
    }
    cards
        .iter()
        .find(|c| state(c).is_none())
        .map(|c| (c.as_str(), PickReason::New))
}

/// Why [`pick_next`] found nothing, so the student can be told what to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Idle {
    /// Today's new cards are used up while `unseen` cards were never studied.
    NewLimitReached { limit: u32, unseen: usize },
    /// Every card has been studied; the next one falls due at this time.
    NextDue(i64),
    /// There are no cards at all.
    NoCards,
}

/// What to say when [`pick_next`] returns `None` for the same arguments.
pub fn idle_reason(
    cards: &[String],
    states: &[(String, CardState)],
    new_limit: u32,
    new_today: u32,
) -> Idle {
    let studied = |c: &String| states.iter().any(|(s, _)| s == c);
    let unseen = cards.iter().filter(|c| !studied(c)).count();
    if unseen > 0 && new_today >= new_limit {
        return Idle::NewLimitReached {
            limit: new_limit,
            unseen,
        };
    }
    states
        .iter()
        .filter(|(c, _)| cards.contains(c))
        .map(|(_, s)| s.due)
        .min()
        .map_or(Idle::NoCards, Idle::NextDue)
}

#[cfg(test)]
mod pick_tests {
    use super::*;

    fn st(due: i64) -> CardState {
        CardState {
            stability: 1.0,
            difficulty: 5.0,
            due,
            last_review: 0,
            reps: 1,
            lapses: 0,
        }
    }

    #[test]
    fn due_cards_come_first_then_new_ones_within_the_limit() {
        let cards: Vec<String> = ["d/a", "d/b", "d/c"].map(String::from).to_vec();
        let states = vec![("d/a".to_string(), st(500)), ("d/b".to_string(), st(100))];
        assert_eq!(
            pick_next(&cards, &states, 1000, 5, 0),
            Some(("d/b", PickReason::Due))
        );
        assert_eq!(
            pick_next(&cards, &states, 50, 5, 0),
            Some(("d/c", PickReason::New))
        );
        assert_eq!(pick_next(&cards, &states, 50, 1, 1), None);
        assert_eq!(
            idle_reason(&cards, &states, 1, 1),
            Idle::NewLimitReached {
                limit: 1,
                unseen: 1
            }
        );
    }

    #[test]
    fn idle_says_when_the_next_card_is_due() {
        let cards: Vec<String> = ["d/a", "d/b"].map(String::from).to_vec();
        let states = vec![("d/a".to_string(), st(500)), ("d/b".to_string(), st(100))];
        assert_eq!(pick_next(&cards, &states, 50, 5, 0), None);
        assert_eq!(idle_reason(&cards, &states, 5, 0), Idle::NextDue(100));
        assert_eq!(idle_reason(&[], &[], 5, 0), Idle::NoCards);
    }
}
