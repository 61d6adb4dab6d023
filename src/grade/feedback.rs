//! Feedback lines: what to do next, most useful first.

use super::bands::{Tally, unmet};
use super::result::{FactorResult, Rejection};
use crate::model::Rubric;

pub fn lines(
    rubric: &Rubric,
    factors: &[FactorResult],
    rejected: &[Rejection],
    tally: &Tally,
    band: Option<usize>,
    empty: bool,
) -> Vec<String> {
    let mut out = Vec::new();
    if empty {
        out.push(
            "The plan is empty: start with a judgement that answers the question, then list the \
             factors for and against with evidence."
                .to_string(),
        );
    }
    // The next band up: the one listed just above the band reached (or the
    // lowest band when none was reached).
    let next = match band {
        Some(0) => None,
        Some(i) => Some(i - 1),
        None => rubric.bands.len().checked_sub(1),
    };
    if let Some(j) = next {
        let b = &rubric.bands[j];
        let needs = unmet(b, tally);
        if !needs.is_empty() && !empty {
            out.push(format!(
                "To reach Level {} ({}–{} marks): {}.",
                b.level,
                b.marks[0],
                b.marks[1],
                needs.join("; ")
            ));
        }
    }
    if !tally.judgement && !empty {
        out.push(
            "No judgement found: answer the question directly, e.g. \"To a large extent…\" or \
             \"The most important reason was…\"."
                .to_string(),
        );
    }
    if !empty {
        let has = |side: crate::model::Side| factors.iter().any(|f| f.covered && f.side == side);
        let offers = |side: crate::model::Side| factors.iter().any(|f| f.side == side);
        use crate::model::Side::{Against, For};
        for (side, other) in [(For, Against), (Against, For)] {
            if has(other) && !has(side) && offers(side) {
                out.push(format!(
                    "Balance: every factor you raise argues '{other}'; add the '{side}' side to weigh it against."
                ));
            }
        }
    }
    // Words that looked like a missing factor but were not credited: the
    // first per factor, so the student sees why.
    let mut told: Vec<&str> = Vec::new();
    for r in rejected {
        let Some(f) = factors.iter().find(|f| f.id == r.factor && !f.covered) else {
            continue;
        };
        if told.contains(&r.factor.as_str()) {
            continue;
        }
        told.push(&r.factor);
        out.push(format!(
            "Not credited: “{}” for {} — {}.",
            r.text, f.label, r.reason
        ));
    }
    for f in factors.iter().filter(|f| f.is_weak()) {
        let why = f
            .matches
            .iter()
            .filter_map(|m| m.weakness())
            .next()
            .unwrap_or("an uncertain match");
        out.push(format!(
            "Possibly: {} ({why}) — write it out in full so it is read for sure.",
            f.label
        ));
    }
    let mut missing: Vec<&FactorResult> = factors.iter().filter(|f| !f.covered).collect();
    missing.sort_by(|a, b| b.weight.total_cmp(&a.weight));
    for f in missing {
        let hint = f
            .hint
            .as_deref()
            .map(|h| format!(" — {h}"))
            .unwrap_or_default();
        out.push(format!("Missing ({}): {}{hint}", f.side, f.label));
    }
    for f in factors
        .iter()
        .filter(|f| f.covered && f.evidence.is_empty())
    {
        if let Some(rf) = rubric.factor(&f.id)
            && !rf.evidence.is_empty()
        {
            let examples: Vec<&str> = rf.evidence.iter().take(3).map(String::as_str).collect();
            out.push(format!(
                "Evidence: back up {} with precise detail, e.g. {}.",
                f.label,
                examples.join(", ")
            ));
        }
    }
    out
}
