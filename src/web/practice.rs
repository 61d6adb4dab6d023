//! The practice page: the question, a plan box graded as the student types
//! (each save of the draft returns the live panel), hints on request, an
//! optional countdown, and Submit, which records the attempt exactly as
//! `planmark practice` does and shows the feedback and the model answer.

use super::db::with_store;
use super::error::WebError;
use super::layout::{self, csrf_field, highlighted_plan, s, tick};
use super::{App, FORM_LIMIT};
use crate::grade::GradeResult;
use crate::modes::practice::{PointMark, point_marks, practice_cards};
use crate::study::{self, NewAttempt, PickReason, Rating, describe_due, store::text_hash};
use axum::extract::{Form, Query, State};
use axum::http::HeaderValue;
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use serde::Deserialize;

#[derive(Debug, Default, Deserialize)]
pub struct PracticeQuery {
    #[serde(default)]
    pub deck: Option<String>,
    #[serde(default)]
    pub card: Option<String>,
    /// Minutes for a timed plan.
    #[serde(default)]
    pub timed: Option<String>,
}

fn given(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

/// `DECK/CARD` for a reference, checked against the library.
fn card_ref(app: &App, reference: &str) -> Result<String, WebError> {
    let (deck, card) = app.lib.card(reference)?;
    Ok(format!("{}/{}", deck.id, card.id))
}

pub async fn page(
    State(app): State<App>,
    Query(q): Query<PracticeQuery>,
) -> Result<Response, WebError> {
    let now = app.now();
    let timed = given(&q.timed)
        .and_then(|t| t.parse::<u32>().ok())
        .filter(|m| (1..=240).contains(m));
    let (card, reason) = match given(&q.card) {
        Some(c) => (card_ref(&app, c)?, None),
        None => {
            let cards = practice_cards(&app.lib, given(&q.deck), false)?;
            let (states, new_today) = with_store(&app, move |s| {
                Ok((
                    s.card_states()?,
                    s.new_cards_since(now - study::schedule::DAY)?,
                ))
            })
            .await?;
            match study::pick_next(&cards, &states, now, app.new_per_day, new_today) {
                Some((c, why)) => (c.to_string(), Some(why)),
                None => {
                    let next = states
                        .iter()
                        .filter(|(c, _)| cards.contains(c))
                        .min_by_key(|(_, s)| s.due)
                        .map(|(c, s)| (c.clone(), s.due));
                    return Ok(nothing_due(&app, next, now).into_response());
                }
            }
        }
    };
    if app.grader_for_card(&card).is_none() {
        return Err(WebError::BadRequest(format!(
            "No rubric marks {card}, so a plan for it could not be graded. Practise it with flashcards or sorting, \
             or ask your teacher for a rubric (`planmark rubric new --card {card}`)."
        )));
    }
    let wanted = card.clone();
    let draft = with_store(&app, move |s| {
        Ok(s.open_drafts()?.into_iter().find(|d| d.card == wanted))
    })
    .await?;
    let remaining = timed.map(|m| {
        let started = draft.as_ref().map_or(now, |d| d.started_at);
        (started + i64::from(m) * 60 - now).max(0)
    });
    Ok(practice_page(&app, &card, reason, draft.as_ref(), remaining, timed).into_response())
}

fn nothing_due(app: &App, next: Option<(String, i64)>, now: i64) -> Markup {
    layout::page(
        "Practice",
        Some(&app.csrf),
        html! {
            h1 { "Nothing is due" }
            @match next {
                Some((card, due)) => p {
                    "The next card, " a href={"/practice?card=" (card)} { (card) } ", is due "
                    (describe_due(due, now)) ". You can practise it, or any card, now anyway."
                },
                None => p { "No card here has a rubric to mark a plan. Try " a href="/flashcards" { "flashcards" } "." },
            }
            p { a href="/" { "Choose a card on the start page" } }
        },
    )
}

fn practice_page(
    app: &App,
    card: &str,
    reason: Option<PickReason>,
    draft: Option<&study::Draft>,
    remaining: Option<i64>,
    timed: Option<u32>,
) -> Markup {
    let question = app
        .lib
        .card(card)
        .map(|(_, c)| c.question.clone())
        .unwrap_or_default();
    let plan = draft.map_or("", |d| d.plan.as_str());
    let live = app
        .grader_for_card(card)
        .filter(|_| !plan.trim().is_empty())
        .map(|(_, g)| g.grade(card, plan));
    layout::page(
        "Practice",
        Some(&app.csrf),
        html! {
            p.crumb {
                (card)
                @match reason {
                    Some(PickReason::Due) => " · due for review",
                    Some(PickReason::New) => " · new",
                    None => "",
                }
            }
            h1 #question { (question) }
            @if let Some(d) = draft.filter(|d| !d.plan.is_empty()) {
                div.notice role="status" {
                    "Your draft from " (layout::date(d.updated_at)) " is back: carry on where you left off. "
                    form.inline method="post" action="/practice/discard" {
                        (csrf_field(app))
                        input type="hidden" name="draft" value=(d.id);
                        input type="hidden" name="card" value=(card);
                        button.link type="submit" { "Start a blank plan instead" }
                    }
                }
            }
            div.practice {
                form #plan-form method="post" action="/practice/submit" {
                    (csrf_field(app))
                    input type="hidden" name="card" value=(card);
                    input type="hidden" name="draft" value=(draft.map(|d| d.id.to_string()).unwrap_or_default());
                    @if let Some(m) = timed { input type="hidden" name="timed" value=(m); }
                    @if let Some(left) = remaining {
                        p #countdown data-remaining=(left) aria-live="polite" {
                            "Time left: " (left / 60) ":" (format!("{:02}", left % 60))
                        }
                    }
                    label for="plan" { "Your plan" }
                    p.help #plan-help { "Write it as you would in an exam: bullets, abbreviations and all. It is saved as you type." }
                    textarea #plan name="plan" rows="14" maxlength=(FORM_LIMIT / 2) aria-describedby="plan-help" autofocus { (plan) }
                    p #save-status.help aria-live="polite" {}
                    div.buttons {
                        button type="submit" { "Submit plan" }
                        button.secondary type="submit" formaction="/practice/check" { "Check my plan" }
                    }
                }
                section #live aria-label="Live marking" aria-live="polite" {
                    (live_panel(live.as_ref(), plan))
                }
            }
        },
    )
}

/// The panel the page refreshes as the student types.
pub fn live_panel(r: Option<&GradeResult>, plan: &str) -> Markup {
    let Some(r) = r else {
        return html! {
            h2 { "Live marking" }
            p.help { "Start typing: each factor lights up here as your plan raises it, with the words that earned it." }
        };
    };
    let missing: Vec<_> = r.factors.iter().filter(|f| !f.covered).collect();
    html! {
        h2 { "Live marking" }
        p.score #estimate {
            strong { "Level " (r.level) " · " (r.mark) "/" (r.max_mark) " marks" }
            " (estimated) · coverage " (format!("{:.0}%", r.coverage * 100.0))
        }
        p #balance { "Balance: " (r.balance.for_) " for · " (r.balance.against) " against" }
        p #judgement {
            "Judgement: " (tick(r.judgement.found))
            @match (&r.judgement.found, &r.judgement.text) {
                (true, Some(t)) => q { (t) },
                _ => " none found yet: say which factor mattered most and why",
            }
        }
        ul.factors {
            @for f in &r.factors {
                li.factor.covered[f.covered].missing[!f.covered].weak[f.is_weak()] data-factor=(f.id) {
                    @if f.is_weak() {
                        span.tick.maybe aria-hidden="true" { "?" } span.sr { "possibly covered: " }
                    } @else {
                        (tick(f.covered))
                    }
                    " "
                    span.label { (f.label) }
                    " " span.side { "(" (f.side.as_str()) ")" }
                    @if f.is_weak() {
                        @let why = f.matches.iter().find_map(|m| m.weakness()).unwrap_or("an uncertain match");
                        " " span.words.possibly {
                            "possibly: " @if let Some(m) = f.matches.first() { mark.factor { (m.text) } } " (" (why) "): write it out in full so it is read for sure"
                        }
                    } @else if f.covered {
                        " " span.words {
                            @for m in &f.matches { mark.factor { (m.text) } " " }
                        }
                    }
                }
            }
        }
        @if !missing.is_empty() {
            details.hints {
                summary { "Show hints for the " (missing.len()) " missing factor" (s(missing.len() as u64)) }
                ul {
                    @for f in &missing {
                        li {
                            strong { (f.label) } " (" (f.side.as_str()) ")"
                            @if let Some(h) = &f.hint { ": " (h) }
                        }
                    }
                }
            }
        }
        @if !plan.trim().is_empty() {
            h3 { "Your plan, with the words that matched" }
            pre.plan #highlighted { (highlighted_plan(plan, r)) }
        }
    }
}

#[derive(Debug, Deserialize)]
pub struct PlanForm {
    pub card: String,
    #[serde(default)]
    pub draft: String,
    #[serde(default)]
    pub plan: String,
    #[serde(default)]
    pub timed: Option<String>,
}

/// Saves the draft (creating it on the first non-empty save), returning its
/// id; `None` while there is nothing to keep. Blocks: see [`save_draft`].
fn save_draft_now(app: &App, card: &str, draft: &str, plan: &str) -> Result<Option<i64>, WebError> {
    if plan.len() > FORM_LIMIT {
        return Err(WebError::BadRequest("the plan is over 1 MiB".into()));
    }
    let rubric = app.grader_for_card(card).map(|(e, _)| e.item.id.as_str());
    let id = draft.trim().parse::<i64>().ok();
    let now = app.now();
    let saved = app.db.write(|s| {
        // Only a draft still open for this card is carried on; one graded in
        // another tab meanwhile starts a new draft, so nothing is overwritten.
        if let Some(id) = id {
            if s.draft(id)?.is_some_and(|d| d.card == card) {
                s.update_draft(id, plan, now)?;
                return Ok(Some(id));
            }
        }
        if plan.trim().is_empty() {
            return Ok(None);
        }
        Ok(Some(s.create_draft(card, rubric, plan, now)?))
    })?;
    Ok(saved)
}

/// [`save_draft_now`] on a blocking thread.
async fn save_draft(
    app: &App,
    card: &str,
    draft: &str,
    plan: &str,
) -> Result<Option<i64>, WebError> {
    let (app, card, draft, plan) = (
        app.clone(),
        card.to_string(),
        draft.to_string(),
        plan.to_string(),
    );
    tokio::task::spawn_blocking(move || save_draft_now(&app, &card, &draft, &plan))
        .await
        .map_err(|_| WebError::Internal("a database task stopped unexpectedly".into()))?
}

fn checked_card(app: &App, card: &str) -> Result<String, WebError> {
    let card = card_ref(app, card)?;
    if app.grader_for_card(&card).is_none() {
        return Err(WebError::BadRequest(format!("no rubric marks {card}")));
    }
    Ok(card)
}

/// Saves the draft and returns the live panel (called as the student types).
///
/// The save, the grading and the panel's HTML are one job on a blocking
/// thread, and at most one job per core runs at once, the rest waiting
/// their turn in the order they came (`AppState::live_turns`): with many
/// students typing, each waits about as long as the others, and the work
/// stays on a few threads. A request whose student has gone while it waited
/// is dropped from the queue; one that has started saves to the end.
pub async fn live(State(app): State<App>, Form(f): Form<PlanForm>) -> Result<Response, WebError> {
    let card = checked_card(&app, &f.card)?;
    if f.plan.len() > FORM_LIMIT {
        return Err(WebError::BadRequest("the plan is over 1 MiB".into()));
    }
    let turn = app
        .live_turns
        .clone()
        .acquire_owned()
        .await
        .map_err(|_| WebError::Internal("the server is stopping".into()))?;
    let app2 = app.clone();
    let (draft, panel) = tokio::task::spawn_blocking(move || {
        let _turn = turn;
        let draft = save_draft_now(&app2, &card, &f.draft, &f.plan)?;
        let result = (!f.plan.trim().is_empty())
            .then(|| {
                app2.grader_for_card(&card)
                    .map(|(_, g)| g.grade(&card, &f.plan))
            })
            .flatten();
        Ok::<_, WebError>((draft, live_panel(result.as_ref(), &f.plan)))
    })
    .await
    .map_err(|_| WebError::Internal("marking the plan stopped unexpectedly".into()))??;
    let mut resp = panel.into_response();
    if let Some(id) = draft {
        if let Ok(v) = HeaderValue::from_str(&id.to_string()) {
            resp.headers_mut().insert("x-draft-id", v);
        }
    }
    Ok(resp)
}

/// "Check my plan" without JavaScript: save, grade, show the page again.
pub async fn check(State(app): State<App>, Form(f): Form<PlanForm>) -> Result<Response, WebError> {
    let card = checked_card(&app, &f.card)?;
    let draft_id = save_draft(&app, &card, &f.draft, &f.plan).await?;
    let draft = match draft_id {
        Some(id) => with_store(&app, move |s| s.draft(id)).await?,
        None => None,
    };
    let timed = given(&f.timed).and_then(|t| t.parse::<u32>().ok());
    let now = app.now();
    let remaining = timed.map(|m| {
        let started = draft.as_ref().map_or(now, |d| d.started_at);
        (started + i64::from(m) * 60 - now).max(0)
    });
    Ok(practice_page(&app, &card, None, draft.as_ref(), remaining, timed).into_response())
}

/// Grades the plan, records the attempt with the suggested rating (the
/// student may change it on the next page), and shows the feedback.
pub async fn submit(State(app): State<App>, Form(f): Form<PlanForm>) -> Result<Response, WebError> {
    let card = checked_card(&app, &f.card)?;
    if f.plan.trim().is_empty() {
        return Err(WebError::BadRequest(
            "The plan is empty: write at least a line before submitting.".into(),
        ));
    }
    let draft = save_draft(&app, &card, &f.draft, &f.plan).await?;
    let (entry, grader) = app
        .grader_for_card(&card)
        .ok_or_else(|| WebError::BadRequest(format!("no rubric marks {card}")))?;
    let result = grader.grade(&card, &f.plan);
    let top = entry.item.bands.iter().map(|b| b.level).max().unwrap_or(0);
    let rating = study::rating_for(&result, top);
    let rubric_id = entry.item.id.clone();
    let rubric_hash = text_hash(&entry.text);
    let now = app.now();
    let plan = f.plan.clone();
    let app2 = app.clone();
    let id = with_store(&app, move |s| {
        let started = match draft {
            Some(d) => s.draft(d)?.map_or(now, |d| d.started_at),
            None => now,
        };
        let previous = s.card_state(&card)?;
        let state = app2.scheduler.review(previous.as_ref(), rating, now);
        let attempt = NewAttempt {
            card: &card,
            mode: "practice",
            rubric_id: &rubric_id,
            rubric_hash: rubric_hash.clone(),
            plan: &plan,
            result: &result,
            rating,
            started_at: started,
            finished_at: now,
        };
        s.record_attempt(&attempt, &state, draft)
    })
    .await?;
    Ok(Redirect::to(&format!("/attempt/{id}?new=1")).into_response())
}

#[derive(Debug, Deserialize)]
pub struct RateForm {
    pub attempt: i64,
    pub rating: String,
}

/// Changes the rating of the attempt just made.
pub async fn rate(State(app): State<App>, Form(f): Form<RateForm>) -> Result<Response, WebError> {
    let rating = Rating::parse(&f.rating).ok_or_else(|| {
        WebError::BadRequest("the rating must be again, hard, good or easy".into())
    })?;
    let id = f.attempt;
    let app2 = app.clone();
    let state = with_store(&app, move |s| s.rerate_attempt(id, rating, &app2.scheduler)).await?;
    match state {
        Some(_) => Ok(Redirect::to(&format!("/attempt/{id}?rated=1")).into_response()),
        None => Err(WebError::BadRequest(format!(
            "Attempt #{id} can no longer be re-rated: the card has been reviewed since."
        ))),
    }
}

#[derive(Debug, Deserialize)]
pub struct DiscardForm {
    pub draft: i64,
    pub card: String,
}

/// Deletes an open draft the student chose not to carry on.
pub async fn discard(
    State(app): State<App>,
    Form(f): Form<DiscardForm>,
) -> Result<Response, WebError> {
    let card = card_ref(&app, &f.card)?;
    let id = f.draft;
    with_store(&app, move |s| s.delete_draft(id)).await?;
    Ok(Redirect::to(&format!("/practice?card={card}")).into_response())
}

/// The feedback on a graded plan: marks, factors with their words, balance,
/// judgement, next steps, the highlighted plan and the model answer marked
/// point by point. Used by the attempt page.
pub fn feedback(app: &App, card_ref: &str, plan: &str, r: &GradeResult) -> Markup {
    let card = app.lib.card(card_ref).ok().map(|(_, c)| c);
    let grader = app.grader_for_card(card_ref).map(|(_, g)| g);
    html! {
        p.score #result-score {
            strong { "Level " (r.level) " · " (r.mark) "/" (r.max_mark) " marks" }
            " · coverage " (format!("{:.0}%", r.coverage * 100.0))
            " (" (r.covered) " of " (r.factors.len()) " factors)"
        }
        p { "Balance: " (r.balance.for_) " for · " (r.balance.against) " against · evidence for "
            (r.evidenced) " factor" (s(u64::from(r.evidenced))) }
        p { "Judgement: " (tick(r.judgement.found))
            @match (&r.judgement.found, &r.judgement.text) {
                (true, Some(t)) => q { (t) },
                _ => " none found",
            }
        }
        div.table-wrap {
            table.factors-table {
                thead { tr { th scope="col" { span.sr { "Covered" } } th scope="col" { "Factor" } th scope="col" { "Side" } th scope="col" { "Matched words" } th scope="col" { "Evidence" } } }
                tbody {
                    @for f in &r.factors {
                        tr.covered[f.covered] {
                            td { (tick(f.covered)) }
                            td { (f.label) }
                            td { (f.side.as_str()) }
                            td { @for m in &f.matches { mark.factor { (m.text) } " (" (m.rule.as_str()) ") " } }
                            td { (f.evidence.join(", ")) }
                        }
                    }
                }
            }
        }
        @if !r.feedback.is_empty() {
            h2 { "Next steps" }
            ul.feedback { @for line in &r.feedback { li { (line) } } }
        }
        h2 { "Your plan" }
        pre.plan { (highlighted_plan(plan, r)) }
        @if let (Some(card), Some(grader)) = (card, grader) {
            @let marks = point_marks(card, grader, r);
            h2 { "Model answer" }
            p.judgement { (card.judgement) }
            @for (side, title) in [(crate::model::Side::For, "For"), (crate::model::Side::Against, "Against"), (crate::model::Side::Neutral, "Other")] {
                @let points: Vec<_> = card.points.iter().zip(&marks).filter(|(p, _)| p.side == side).collect();
                @if !points.is_empty() {
                    h3 { (title) }
                    ul.model {
                        @for (p, mark) in points {
                            li.raised[*mark == PointMark::Raised].missed[*mark == PointMark::Missed] {
                                @match mark {
                                    PointMark::Raised => { span.tick.ok aria-hidden="true" { "✓" } span.sr { "in your plan: " } }
                                    PointMark::Missed => { span.tick.no aria-hidden="true" { "✗" } span.sr { "not in your plan: " } }
                                    PointMark::Unmarked => { span.tick aria-hidden="true" { "·" } }
                                }
                                " " strong { (p.headline) } ": " (p.detail)
                            }
                        }
                    }
                }
            }
        }
    }
}

/// The rating buttons (keys 1–4), with the rating recorded so far marked.
pub fn rating_for_attempt(app: &App, attempt: i64, current: &str) -> Markup {
    html! {
        form.rating method="post" action="/practice/rate" {
            (csrf_field(app))
            input type="hidden" name="attempt" value=(attempt);
            fieldset {
                legend { "How well did you know it? Recorded: " strong #rating-now { (current) } " (press 1–4 to change)" }
                @for (key, r) in [("1", Rating::Again), ("2", Rating::Hard), ("3", Rating::Good), ("4", Rating::Easy)] {
                    button type="submit" name="rating" value=(r.as_str()) data-key=(key)
                        aria-pressed=(if r.as_str() == current { "true" } else { "false" }) {
                        kbd { (key) } " " (r.to_string())
                    }
                }
            }
        }
    }
}
