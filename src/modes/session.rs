//! What a study session is drawn from and how it is written down, shared by
//! the CLI and the web app: the cards of one card, one deck or all, the sort
//! items and match pairs they give, which card Learn takes next, the Match
//! personal best, and the `sessions` row of a finished (or stopped) session.

use super::matching::MatchPair;
use super::sort::SortItem;
use crate::library::Library;
use crate::model::Card;
use crate::study::Session;

/// The cards a mode works on (`DECK/CARD`, card): one card, one deck, or all.
pub fn cards<'l>(
    lib: &'l Library,
    deck: Option<&str>,
    card: Option<&str>,
) -> crate::error::Result<Vec<(String, &'l Card)>> {
    let ids = match card {
        Some(c) => {
            let (d, card) = lib.card(c)?;
            vec![format!("{}/{}", d.id, card.id)]
        }
        None => lib.card_ids(deck)?,
    };
    ids.into_iter()
        .map(|id| Ok((id.clone(), lib.card(&id)?.1)))
        .collect()
}

/// The deck part of `DECK/CARD`.
pub fn deck_of(card: &str) -> String {
    card.split_once('/').map_or(card, |(d, _)| d).to_string()
}

/// Every point of the cards as an item to sort.
pub fn sort_items(cards: &[(String, &Card)]) -> Vec<SortItem> {
    cards
        .iter()
        .flat_map(|(id, card)| {
            card.points.iter().map(move |p| SortItem {
                card: id.clone(),
                headline: p.headline.clone(),
                detail: p.detail.clone(),
                side: p.side,
            })
        })
        .collect()
}

/// `n` of the cards' points, chosen by `seed`, as pairs to match.
pub fn match_pairs(cards: &[(String, &Card)], n: usize, seed: u64) -> Vec<MatchPair> {
    let mut pairs: Vec<MatchPair> = cards
        .iter()
        .flat_map(|(id, card)| {
            card.points.iter().map(|p| MatchPair {
                card: id.clone(),
                headline: p.headline.clone(),
                detail: p.detail.clone(),
            })
        })
        .collect();
    super::shuffle(&mut pairs, seed);
    pairs.truncate(n);
    pairs
}

/// The fastest clean round (every pair right first time) of `n` pairs on
/// `deck`, in seconds.
pub fn match_best(sessions: &[Session], deck: &str, n: u32) -> Option<i64> {
    sessions
        .iter()
        .filter(|s| s.mode == "match" && s.deck == deck && s.total == n && s.correct == s.total)
        .map(|s| s.duration_ms / 1000)
        .min()
}

/// The card Learn takes next: of those with a rubric, the one learnt least
/// recently (never learnt first).
pub fn learn_card<'a, 'l>(
    cards: &'a [(String, &'l Card)],
    lib: &Library,
    sessions: &[Session],
) -> Option<&'a (String, &'l Card)> {
    cards
        .iter()
        .filter(|(id, _)| {
            let (d, c) = id.split_once('/').unwrap_or_default();
            lib.rubric_for_card(d, c).is_some()
        })
        .min_by_key(|(id, _)| {
            sessions
                .iter()
                .filter(|s| s.mode == "learn" && s.card.as_deref() == Some(id))
                .map(|s| s.finished_at)
                .max()
                .unwrap_or(i64::MIN)
        })
}

/// The factors missed in the card's last Learn session, offered first.
pub fn missed_before(sessions: &[Session], card: &str) -> Vec<String> {
    sessions
        .iter()
        .rfind(|s| s.mode == "learn" && s.card.as_deref() == Some(card))
        .and_then(|s| serde_json::from_str::<serde_json::Value>(&s.details_json).ok())
        .and_then(|v| v.get("missed").cloned())
        .and_then(|m| serde_json::from_value(m).ok())
        .unwrap_or_default()
}

/// The row to record for a session timed from `started` to `finished`.
pub fn record(
    mode: &str,
    deck: String,
    card: Option<String>,
    (correct, total): (u32, u32),
    (started, finished): (i64, i64),
    details: serde_json::Value,
) -> Session {
    Session {
        id: 0,
        mode: mode.to_string(),
        deck,
        card,
        correct,
        total,
        duration_ms: (finished - started).max(0) * 1000,
        started_at: started,
        finished_at: finished,
        details_json: details.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn learn_takes_the_card_learnt_least_recently() {
        let lib = Library::builtin();
        let all = cards(&lib, None, None).unwrap();
        let first = learn_card(&all, &lib, &[]).unwrap().0.clone();
        let done = record(
            "learn",
            deck_of(&first),
            Some(first.clone()),
            (1, 2),
            (10, 20),
            serde_json::json!({"missed": ["x"]}),
        );
        let next = learn_card(&all, &lib, std::slice::from_ref(&done)).unwrap();
        assert_ne!(next.0, first);
        assert_eq!(missed_before(&[done], &first), ["x"]);
        assert_eq!(match_pairs(&all, 5, 1).len(), 5);
        assert_eq!(match_pairs(&all, 5, 1), match_pairs(&all, 5, 1));
        assert!(sort_items(&all[..1]).len() >= 2);
    }
}
