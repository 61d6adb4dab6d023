//! Practice: which cards a plan can be practised on, and the model answer
//! marked point by point against the student's graded plan. The CLI and the
//! web page both use these, so a plan is judged the same way in either.

use crate::grade::{FactorResult, GradeResult, Grader};
use crate::library::Library;
use crate::model::Card;

/// Cards (`DECK/CARD`, in deck order) that a rubric can mark: only these
/// suit practice; the others suit flashcards and sorting. With `any_rubric`
/// (the student named a rubric to mark with) every card qualifies.
pub fn practice_cards(
    lib: &Library,
    deck: Option<&str>,
    any_rubric: bool,
) -> crate::error::Result<Vec<String>> {
    Ok(lib
        .card_ids(deck)?
        .into_iter()
        .filter(|id| {
            let (d, c) = id.split_once('/').unwrap_or_default();
            any_rubric || lib.rubric_for_card(d, c).is_some()
        })
        .collect())
}

/// How one point of the model answer fared in the student's plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PointMark {
    /// The plan raised a rubric factor this point stands for.
    Raised,
    /// The point stands for rubric factors the plan did not raise.
    Missed,
    /// The point stands for no rubric factor.
    Unmarked,
}

/// One mark per point of `card`, in the card's order.
pub fn point_marks(card: &Card, grader: &Grader, result: &GradeResult) -> Vec<PointMark> {
    card.points
        .iter()
        .map(|p| {
            let factors = point_factors(grader, &p.headline, &p.detail);
            let hit = factors
                .iter()
                .any(|id| result.factor(id).is_some_and(|f| f.covered));
            match (factors.is_empty(), hit) {
                (true, _) => PointMark::Unmarked,
                (false, true) => PointMark::Raised,
                (false, false) => PointMark::Missed,
            }
        })
        .collect()
}

/// The rubric factors a model-answer point stands for: those its headline
/// raises, else the one its text raises first.
pub fn point_factors(grader: &Grader, headline: &str, detail: &str) -> Vec<String> {
    let text = format!("{headline}: {detail}");
    let graded = grader.grade("point", &text);
    let first_match = |f: &FactorResult| f.matches.iter().map(|m| m.start).min();
    let in_headline: Vec<String> = graded
        .factors
        .iter()
        .filter(|f| first_match(f).is_some_and(|s| s < headline.len()))
        .map(|f| f.id.clone())
        .collect();
    if !in_headline.is_empty() {
        return in_headline;
    }
    graded
        .factors
        .iter()
        .filter_map(|f| first_match(f).map(|s| (s, f.id.clone())))
        .min()
        .map(|(_, id)| vec![id])
        .unwrap_or_default()
}

/// An attempt's feedback as it should be shown again: the stored result, or
/// a fresh grade when the rubric has changed since (or the stored JSON cannot
/// be read), with the marks before and after.
#[derive(Debug, Clone)]
pub struct AttemptFeedback {
    pub result: GradeResult,
    /// `(was, now)` marks when re-graded with a changed rubric.
    pub regraded: Option<(u32, u32)>,
}

/// `None` when the stored result cannot be read and the rubric is gone.
pub fn attempt_feedback(
    attempt: &crate::study::Attempt,
    lib: &Library,
) -> Result<Option<AttemptFeedback>, crate::grade::PatternError> {
    let stored: Option<GradeResult> = serde_json::from_str(&attempt.result_json).ok();
    let current = lib.rubric_by_id(&attempt.rubric_id);
    let changed = current.filter(|entry| {
        crate::study::store::text_hash(&entry.text) != attempt.rubric_hash || stored.is_none()
    });
    if let Some(entry) = changed {
        let fresh = Grader::new(entry.item.clone())?.grade(&attempt.card, &attempt.plan);
        return Ok(Some(AttemptFeedback {
            regraded: Some((attempt.mark, fresh.mark)),
            result: fresh,
        }));
    }
    Ok(stored.map(|result| AttemptFeedback {
        result,
        regraded: None,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Point, Side, parse_rubric};

    #[test]
    fn points_are_marked_by_the_factor_they_stand_for() {
        let rubric = parse_rubric(
            std::path::Path::new("r.toml"),
            "id = \"r\"\nmax-mark = 2\n\
             [[factor]]\nid = \"t\"\nlabel = \"Testament\"\nphrases = [\"testament\"]\n\
             [[factor]]\nid = \"f\"\nlabel = \"Funeral\"\nphrases = [\"funeral\"]\n\
             [[band]]\nlevel = 1\nmarks = [1, 2]\nmin-factors = 1\n",
        )
        .unwrap();
        let grader = Grader::new(rubric).unwrap();
        let point = |h: &str, d: &str| Point {
            side: Side::For,
            headline: h.into(),
            detail: d.into(),
        };
        let card = Card {
            id: "c".into(),
            question: "Q?".into(),
            judgement: "J".into(),
            tags: vec![],
            points: vec![
                point("The testament", "hidden in 1924"),
                point("He missed it", "the funeral in January"),
                point("Kronstadt", "sailors"),
            ],
        };
        let result = grader.grade("p", "Lenin's testament was hidden");
        assert_eq!(
            point_marks(&card, &grader, &result),
            [PointMark::Raised, PointMark::Missed, PointMark::Unmarked]
        );
        assert_eq!(point_factors(&grader, "He missed it", "the funeral"), ["f"]);
    }
}
