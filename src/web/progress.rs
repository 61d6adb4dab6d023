//! The start page (decks, cards and what is due, open drafts), the history
//! of attempts, one attempt again, and the stats page with its charts.

use super::App;
use super::charts;
use super::db::with_store;
use super::error::WebError;
use super::layout::{date, minutes, page};
use super::practice::{feedback, rating_for_attempt};
use crate::study::{analytics, describe_due};
use axum::extract::{Path, Query, State};
use maud::{Markup, html};
use serde::Deserialize;

pub async fn home(State(app): State<App>) -> Result<Markup, WebError> {
    let now = app.now();
    let (states, drafts, attempts) = with_store(&app, |s| {
        Ok((s.card_states()?, s.open_drafts()?, s.attempts(None)?))
    })
    .await?;
    let state_of = |c: &str| states.iter().find(|(s, _)| s == c).map(|(_, s)| s);
    let next_due = states.iter().min_by_key(|(_, s)| s.due);
    Ok(page(
        "Start",
        Some(&app.csrf),
        html! {
            h1 { "Your essay plans" }
            @if let Some((card, st)) = next_due {
                p.next #next-due {
                    "Next due: " a href={"/practice?card=" (card)} { (card) } " — "
                    @if st.due <= now { strong { "due now" } } @else { (describe_due(st.due, now)) }
                }
            } @else {
                p.next { "Nothing studied yet. " a href="/practice" { "Practise your first question" } "." }
            }
            @if !drafts.is_empty() {
                section #drafts {
                    h2 { "Plans you have not submitted" }
                    ul {
                        @for d in &drafts {
                            li {
                                a href={"/practice?card=" (d.card)} { (d.card) }
                                " · saved " (date(d.updated_at)) " · "
                                span.snippet { (d.plan.chars().take(80).collect::<String>()) }
                            }
                        }
                    }
                }
            }
            @for deck in &app.lib.decks {
                @let ids: Vec<String> = deck.item.cards.iter().map(|c| format!("{}/{}", deck.item.id, c.id)).collect();
                @let due = ids.iter().filter(|c| state_of(c).is_some_and(|s| s.due <= now)).count();
                @let new = ids.iter().filter(|c| state_of(c).is_none()).count();
                section.deck {
                    h2 { (deck.item.title) }
                    p.help {
                        (ids.len()) " cards · " strong { (due) " due now" } " · " (new) " new · "
                        a href={"/practice?deck=" (deck.item.id)} { "Practise" } " · "
                        a href={"/flashcards?deck=" (deck.item.id)} { "Flashcards" } " · "
                        a href={"/sort?deck=" (deck.item.id)} { "Sort" } " · "
                        a href={"/match?deck=" (deck.item.id)} { "Match" } " · "
                        a href={"/test?deck=" (deck.item.id)} { "Test" }
                    }
                    div.table-wrap {
                        table {
                            thead { tr { th scope="col" { "Question" } th scope="col" { "Due" } th scope="col" { "Attempts" } th scope="col" { span.sr { "Actions" } } } }
                            tbody {
                                @for (card, id) in deck.item.cards.iter().zip(&ids) {
                                    @let marked = app.grader_for_card(id).is_some();
                                    tr {
                                        td { (card.question) }
                                        td {
                                            @match state_of(id) {
                                                Some(s) if s.due <= now => strong { "due now" },
                                                Some(s) => (describe_due(s.due, now)),
                                                None => "new",
                                            }
                                        }
                                        td { (attempts.iter().filter(|a| &a.card == id).count()) }
                                        td.actions {
                                            @if marked { a href={"/practice?card=" (id)} { "Practise" } " " }
                                            a href={"/learn?card=" (id)} { "Learn" }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        },
    ))
}

pub async fn history(State(app): State<App>) -> Result<Markup, WebError> {
    let attempts = with_store(&app, |s| s.attempts(None)).await?;
    Ok(page(
        "History",
        Some(&app.csrf),
        html! {
            h1 { "History" }
            @if attempts.is_empty() {
                p { "No attempts yet. " a href="/practice" { "Practise a question" } " to make the first." }
            } @else {
                div.table-wrap {
                    table #history {
                        thead { tr {
                            th scope="col" { "#" } th scope="col" { "When" } th scope="col" { "Card" } th scope="col" { "Mode" }
                            th scope="col" { "Mark" } th scope="col" { "Level" } th scope="col" { "Rating" } th scope="col" { "Time" }
                        } }
                        tbody {
                            @for a in attempts.iter().rev() {
                                tr {
                                    td { a href={"/attempt/" (a.id)} { "#" (a.id) } }
                                    td { (date(a.finished_at)) }
                                    td { (a.card) }
                                    td { (a.mode) }
                                    td { (a.mark) "/" (a.max_mark) }
                                    td { (a.level) }
                                    td { (a.rating) }
                                    td { (minutes(a.duration_ms)) }
                                }
                            }
                        }
                    }
                }
            }
        },
    ))
}

#[derive(Debug, Default, Deserialize)]
pub struct AttemptQuery {
    #[serde(default)]
    pub new: Option<String>,
}

pub async fn attempt(
    State(app): State<App>,
    Path(id): Path<i64>,
    Query(q): Query<AttemptQuery>,
) -> Result<Markup, WebError> {
    let (a, latest) = with_store(&app, move |s| {
        let a = s.attempt(id)?;
        let latest = match &a {
            Some(a) => s.attempts(Some(&a.card))?.last().map(|l| l.id),
            None => None,
        };
        Ok((a, latest))
    })
    .await?;
    let a = a.ok_or_else(|| {
        WebError::NotFound(format!(
            "There is no attempt #{id}; the history page lists them."
        ))
    })?;
    let shown = crate::modes::practice::attempt_feedback(&a, &app.lib)
        .map_err(|e| WebError::Internal(e.to_string()))?
        .ok_or_else(|| {
            WebError::NotFound(format!(
                "Attempt #{id} has no readable feedback and its rubric `{}` is gone.",
                a.rubric_id
            ))
        })?;
    let question = app
        .lib
        .card(&a.card)
        .map(|(_, c)| c.question.clone())
        .unwrap_or_default();
    Ok(page(
        &format!("Attempt #{id}"),
        Some(&app.csrf),
        html! {
            p.crumb { "Attempt #" (a.id) " · " (a.card) " · " (date(a.finished_at)) " · " (minutes(a.duration_ms)) }
            @if q.new.is_some() {
                p.notice role="status" #recorded { "Recorded as attempt #" (a.id) "." }
            }
            h1 { (question) }
            @if let Some((was, now)) = shown.regraded {
                p.notice role="status" { "The rubric has changed since this attempt: re-graded with the current rubric (was "
                    (was) "/" (a.max_mark) ", now " (now) "/" (shown.result.max_mark) ")." }
            }
            @if latest == Some(a.id) && a.mode == "practice" {
                (rating_for_attempt(&app, a.id, &a.rating))
            } @else {
                p { "Rated " (a.rating) "." }
            }
            (feedback(&app, &a.card, &a.plan, &shown.result))
            p.next-links {
                a href="/practice" { "Practise the next card" } " · "
                a href="/history" { "History" }
            }
        },
    ))
}

pub async fn stats(State(app): State<App>) -> Result<Markup, WebError> {
    let now = app.now();
    let cards = app.lib.card_ids(None)?;
    let (attempts, states, sessions, reviews) = with_store(&app, |s| {
        Ok((
            s.attempts(None)?,
            s.card_states()?,
            s.sessions(None)?,
            s.last_reviews()?,
        ))
    })
    .await?;
    let report = analytics::stats(
        &cards,
        &attempts,
        &states,
        &reviews,
        &sessions,
        &app.scheduler,
        now,
    );
    let studied: Vec<_> = report
        .cards
        .iter()
        .filter(|c| !c.trend.is_empty())
        .collect();
    let mut levels: std::collections::BTreeMap<u32, u32> = std::collections::BTreeMap::new();
    for a in &attempts {
        *levels.entry(a.level).or_default() += 1;
    }
    let top_level = app
        .lib
        .rubrics
        .iter()
        .flat_map(|r| r.item.bands.iter().map(|b| b.level))
        .max()
        .unwrap_or(5);
    let pct = |v: Option<f64>| v.map_or("–".to_string(), |x| format!("{:.0}%", x * 100.0));
    Ok(page(
        "Stats",
        Some(&app.csrf),
        html! {
            h1 { "Progress" }
            @if attempts.is_empty() && sessions.is_empty() {
                p { "Nothing studied yet: the charts fill in as you practise." }
            }
            section #trends {
                h2 { "Mark trend per card" }
                @if studied.is_empty() { p.help { "No graded plans yet." } }
                div.charts {
                    @for c in &studied {
                        figure {
                            (charts::trend(&c.trend, c.max_mark.unwrap_or(0)))
                            figcaption { (c.card) " · last " (c.last_mark.unwrap_or(0)) "/" (c.max_mark.unwrap_or(0)) }
                        }
                    }
                }
            }
            section #levels {
                h2 { "Level distribution" }
                (charts::levels(&levels, top_level))
            }
            section #missed {
                h2 { "Factors you miss most" }
                @if report.missed.is_empty() { p.help { "None missed yet." } }
                @else { (charts::missed(&report.missed[..report.missed.len().min(8)])) }
            }
            section #mastery {
                h2 { "Mastery per mode per deck" }
                (charts::mastery(&report.decks))
                div.table-wrap {
                    table {
                        thead { tr { th scope="col" { "Deck" } th scope="col" { "Overall" } th scope="col" { "Learn" } th scope="col" { "Test" }
                            th scope="col" { "Match" } th scope="col" { "Sort" } th scope="col" { "Spaced" } th scope="col" { "Cards studied" } } }
                        tbody {
                            @for d in &report.decks {
                                tr {
                                    td { (d.deck) } td { (format!("{:.0}%", d.modes.overall() * 100.0)) }
                                    td { (pct(d.modes.learn)) } td { (pct(d.modes.test)) } td { (pct(d.modes.matching)) }
                                    td { (pct(d.modes.sort)) } td { (pct(d.modes.spaced)) }
                                    td { (d.studied) " of " (d.cards) }
                                }
                            }
                        }
                    }
                }
                p.help { "Learn: share of factors recalled in each card's latest Learn session. Test: latest practice test. "
                    "Match: best accuracy. Sort: latest sorting score. Spaced: last mark × chance of recalling it now." }
            }
        },
    ))
}
