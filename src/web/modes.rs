//! Flashcards, sort, match, learn and the practice test in the browser.
//!
//! Each session is a plain form: the page carries the session's seed and the
//! answers given so far, and every answer replays the library's state machine
//! (`modes::sort`, `modes::matching`, `modes::learn`) from them. So pages work
//! without JavaScript, the server keeps nothing in memory between requests,
//! and a session closed half way records nothing. A finished session, or one
//! the student stops, is recorded with the library's rules (an item never
//! answered is not right), once: its `run` id is kept in the details.

use super::App;
use super::db::with_store;
use super::error::WebError;
use super::layout::{csrf_field, minutes, page, s};
use crate::model::Side;
use crate::modes::learn::{LearnOutcome, LearnSession};
use crate::modes::matching::{MatchGame, MatchOutcome, MatchPair};
use crate::modes::session::{self, deck_of};
use crate::modes::sort::{SortGame, SortOutcome};
use crate::modes::test::{self, ItemScore, TestItem};
use crate::study::{self, Rating, Session, describe_due};
use axum::extract::{Form, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use serde::Deserialize;
use std::collections::HashMap;

/// Answers replayed per session at most: far more than any real session.
const MAX_ANSWERS: usize = 2000;

#[derive(Debug, Default, Deserialize)]
pub struct Pick {
    #[serde(default)]
    pub deck: Option<String>,
    #[serde(default)]
    pub card: Option<String>,
    #[serde(default)]
    pub n: Option<String>,
}

fn given(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

fn fresh_seed(app: &App) -> u64 {
    getrandom::u64().unwrap_or_else(|_| app.now() as u64)
}

fn new_run(app: &App) -> String {
    format!("{:016x}", fresh_seed(app))
}

fn num<T: std::str::FromStr>(v: &str, what: &str) -> Result<T, WebError> {
    v.trim()
        .parse()
        .map_err(|_| WebError::BadRequest(format!("the form's {what} is not a number")))
}

/// Records `session` unless a session with the same run id is already
/// there (a form sent twice).
async fn record_once(app: &App, session: Session, run: String) -> Result<(), WebError> {
    with_store(app, move |s| {
        let marker = format!("\"run\":\"{run}\"");
        let seen = s
            .sessions(Some(&session.mode))?
            .iter()
            .any(|x| x.details_json.contains(&marker));
        if !seen {
            s.record_session(&session)?;
        }
        Ok(())
    })
    .await
}

fn with_run(mut details: serde_json::Value, run: &str) -> serde_json::Value {
    if let serde_json::Value::Object(m) = &mut details {
        m.insert("run".into(), run.into());
    }
    details
}

fn hidden(name: &str, value: impl std::fmt::Display) -> Markup {
    html! { input type="hidden" name=(name) value=(value.to_string()); }
}

// ---------------------------------------------------------------- flashcards

pub async fn flashcards(State(app): State<App>, Query(q): Query<Pick>) -> Result<Markup, WebError> {
    let now = app.now();
    let deck = given(&q.deck).map(str::to_string);
    let ids = app.lib.card_ids(deck.as_deref())?;
    let (states, new_today) = with_store(&app, move |s| {
        Ok((
            s.card_states()?,
            s.new_cards_since(now - study::schedule::DAY)?,
        ))
    })
    .await?;
    let picked = study::pick_next(&ids, &states, now, app.new_per_day, new_today);
    let body = match picked {
        None => {
            let why = study::schedule::idle_reason(&ids, &states, app.new_per_day, new_today);
            html! {
                h1 { "Flashcards" }
                p #idle {
                    @match why {
                        study::schedule::Idle::NewLimitReached { limit, unseen } => {
                            "Today's " (limit) " new cards are done (" (unseen) " never studied wait for tomorrow). "
                            "Start more with " code { "planmark serve --new N" } "."
                        }
                        study::schedule::Idle::NextDue(t) => { "Nothing else is due now. The next card is due " (describe_due(t, now)) "." }
                        study::schedule::Idle::NoCards => { "There are no cards here." }
                    }
                }
                p { a href="/" { "Back to the start page" } }
            }
        }
        Some((card_ref, why)) => {
            let (_, card) = app.lib.card(card_ref)?;
            html! {
                p.crumb { (card_ref) " · " (if why == study::PickReason::Due { "due for review" } else { "new" }) }
                h1 { "Flashcards" }
                div.card-face {
                    h2 #question { (card.question) }
                    p.help { "Plan it in your head, then look." }
                    details #answer {
                        summary data-key=" " { "Show the answer (space)" }
                        p { strong { "Judgement: " } (card.judgement) }
                        ul.model {
                            @for p in &card.points {
                                li { (if p.side == Side::For { "+ " } else if p.side == Side::Against { "− " } else { "· " }) strong { (p.headline) } ": " (p.detail) }
                            }
                        }
                        form.rating method="post" action="/flashcards" {
                            (csrf_field(&app))
                            (hidden("card", card_ref))
                            (hidden("deck", deck.as_deref().unwrap_or("")))
                            fieldset {
                                legend { "How well did you know it? (keys 1–4)" }
                                @for (key, r) in [("1", Rating::Again), ("2", Rating::Hard), ("3", Rating::Good), ("4", Rating::Easy)] {
                                    button type="submit" name="rating" value=(r.as_str()) data-key=(key) { kbd { (key) } " " (r.to_string()) }
                                }
                            }
                        }
                    }
                }
            }
        }
    };
    Ok(page("Flashcards", Some(&app.csrf), body))
}

#[derive(Debug, Deserialize)]
pub struct FlashForm {
    pub card: String,
    pub rating: String,
    #[serde(default)]
    pub deck: String,
}

pub async fn flashcards_rate(
    State(app): State<App>,
    Form(f): Form<FlashForm>,
) -> Result<Response, WebError> {
    let rating = Rating::parse(&f.rating).ok_or_else(|| {
        WebError::BadRequest("the rating must be again, hard, good or easy".into())
    })?;
    let (deck, card) = app.lib.card(&f.card)?;
    let card_ref = format!("{}/{}", deck.id, card.id);
    let now = app.now();
    let app2 = app.clone();
    with_store(&app, move |s| {
        let previous = s.card_state(&card_ref)?;
        let state = app2.scheduler.review(previous.as_ref(), rating, now);
        s.record_review(&card_ref, "flashcards", rating, &state, now)
    })
    .await?;
    let next = if f.deck.trim().is_empty() {
        "/flashcards".to_string()
    } else {
        format!("/flashcards?deck={}", app.lib.deck(f.deck.trim())?.item.id)
    };
    Ok(Redirect::to(&next).into_response())
}

// ---------------------------------------------------------------------- sort

#[derive(Debug, Deserialize)]
pub struct SortForm {
    #[serde(default)]
    pub deck: String,
    #[serde(default)]
    pub card: String,
    pub seed: String,
    #[serde(default)]
    pub answers: String,
    pub started: String,
    pub run: String,
    #[serde(default)]
    pub side: Option<String>,
    #[serde(default)]
    pub stop: Option<String>,
}

fn opt(s: &str) -> Option<&str> {
    Some(s.trim()).filter(|s| !s.is_empty())
}

fn sort_game(
    app: &App,
    deck: Option<&str>,
    card: Option<&str>,
    seed: u64,
) -> Result<(SortGame, Vec<(String, String)>), WebError> {
    let cards = session::cards(&app.lib, deck, card)?;
    let questions = cards
        .iter()
        .map(|(id, c)| (id.clone(), c.question.clone()))
        .collect();
    Ok((SortGame::new(session::sort_items(&cards), seed), questions))
}

pub async fn sort_page(State(app): State<App>, Query(q): Query<Pick>) -> Result<Markup, WebError> {
    let seed = fresh_seed(&app);
    let (deck, card) = (given(&q.deck), given(&q.card));
    let (game, questions) = sort_game(&app, deck, card, seed)?;
    if game.done() {
        return Err(WebError::BadRequest(
            "These cards have no points to sort.".into(),
        ));
    }
    let state = SortState {
        deck: deck.unwrap_or("").to_string(),
        card: card.unwrap_or("").to_string(),
        seed,
        answers: String::new(),
        started: app.now(),
        run: new_run(&app),
    };
    Ok(sort_view(&app, &game, &questions, &state, None))
}

struct SortState {
    deck: String,
    card: String,
    seed: u64,
    answers: String,
    started: i64,
    run: String,
}

fn sort_view(
    app: &App,
    game: &SortGame,
    questions: &[(String, String)],
    st: &SortState,
    last: Option<SortOutcome>,
) -> Markup {
    let item = game.current();
    let question = item
        .and_then(|i| questions.iter().find(|(id, _)| *id == i.card))
        .map(|(_, q)| q.as_str());
    page(
        "Sort",
        Some(&app.csrf),
        html! {
            h1 { "Card sorting" }
            p.help { "Does each point argue for the question's view, or against it? Wrong ones come back at the end." }
            @match &last {
                Some(SortOutcome::Correct) => p.right #last role="status" { "✓ Right" },
                Some(SortOutcome::Wrong { side, detail }) => p.wrong #last role="status" { "✗ It argues " (side.as_str()) ": " (detail) " (it will come back)" },
                None => {},
            }
            @if let Some(item) = item {
                div.card-face {
                    @if let Some(q) = question { p.help #question { (q) } }
                    p #headline { strong { (item.headline) } }
                    p.help { (game.remaining()) " left" }
                }
                form #sort-form method="post" action="/sort" {
                    (csrf_field(app))
                    (hidden("deck", &st.deck)) (hidden("card", &st.card)) (hidden("seed", st.seed))
                    (hidden("answers", &st.answers)) (hidden("started", st.started)) (hidden("run", &st.run))
                    div.buttons {
                        button type="submit" name="side" value="f" data-key="f" { kbd { "f" } " For" }
                        button type="submit" name="side" value="a" data-key="a" { kbd { "a" } " Against" }
                        button.secondary type="submit" name="stop" value="1" { "Stop" }
                    }
                }
            }
        },
    )
}

pub async fn sort_answer(
    State(app): State<App>,
    Form(f): Form<SortForm>,
) -> Result<Response, WebError> {
    if f.answers.len() > MAX_ANSWERS {
        return Err(WebError::BadRequest(
            "this session is too long to carry on; start a new one".into(),
        ));
    }
    let seed: u64 = num(&f.seed, "seed")?;
    let started: i64 = num(&f.started, "start time")?;
    let (mut game, questions) = sort_game(&app, opt(&f.deck), opt(&f.card), seed)?;
    let side_of = |c: char| match c {
        'f' => Some(Side::For),
        'a' => Some(Side::Against),
        _ => None,
    };
    for c in f.answers.chars() {
        let side = side_of(c)
            .ok_or_else(|| WebError::BadRequest("the form's answers are garbled".into()))?;
        game.answer(side);
    }
    let mut answers = f.answers.clone();
    let mut last = None;
    if f.stop.is_none() {
        if let Some(side) = f
            .side
            .as_deref()
            .and_then(|s| s.chars().next())
            .and_then(side_of)
        {
            last = game.answer(side);
            answers.push(if side == Side::For { 'f' } else { 'a' });
        }
    }
    if game.done() || f.stop.is_some() {
        let outcome = game.outcome();
        let now = app.now();
        let deck = opt(&f.deck)
            .map(str::to_string)
            .or_else(|| questions.first().map(|(id, _)| deck_of(id)))
            .unwrap_or_default();
        let card = (questions.len() == 1).then(|| questions[0].0.clone());
        let details = outcome
            .details(serde_json::json!({"missed": game.missed(), "answers": game.answers()}));
        let session = session::record(
            "sort",
            deck,
            card,
            (outcome.correct, outcome.total),
            (started, now),
            with_run(details, &f.run),
        );
        record_once(&app, session, f.run.clone()).await?;
        let missed: Vec<String> = game.missed().into_iter().map(str::to_string).collect();
        return Ok(page(
            "Sort",
            Some(&app.csrf),
            html! {
                h1 { "Card sorting" }
                @if let Some(SortOutcome::Correct) = last { p.right role="status" { "✓ Right" } }
                p #sort-result role="status" {
                    @if let Some(line) = outcome.stopped_line() { (line) " " }
                    "Sorted " (outcome.correct) " of " (outcome.total) " right first time in " (minutes((now - started) * 1000)) "."
                }
                @if !missed.is_empty() {
                    h2 { "Sorted wrongly at first" }
                    ul { @for m in &missed { li { (m) } } }
                }
                p { a href={"/sort?deck=" (f.deck) "&card=" (f.card)} { "Sort again" } " · " a href="/stats" { "Stats" } }
            },
        )
        .into_response());
    }
    let state = SortState {
        deck: f.deck,
        card: f.card,
        seed,
        answers,
        started,
        run: f.run,
    };
    Ok(sort_view(&app, &game, &questions, &state, last).into_response())
}

// --------------------------------------------------------------------- match

#[derive(Debug, Deserialize)]
pub struct MatchForm {
    #[serde(default)]
    pub deck: String,
    #[serde(default)]
    pub card: String,
    pub n: String,
    pub seed: String,
    #[serde(default)]
    pub tries: String,
    pub started: String,
    pub run: String,
    #[serde(default)]
    pub headline: Option<String>,
    #[serde(default)]
    pub detail: Option<String>,
    #[serde(default)]
    pub stop: Option<String>,
}

struct MatchState {
    deck: String,
    card: String,
    n: usize,
    seed: u64,
    tries: String,
    started: i64,
    run: String,
}

fn match_game(
    app: &App,
    deck: Option<&str>,
    card: Option<&str>,
    n: usize,
    seed: u64,
) -> Result<(MatchGame, String, Option<String>), WebError> {
    let cards = session::cards(&app.lib, deck, card)?;
    let pairs: Vec<MatchPair> = session::match_pairs(&cards, n, seed);
    if pairs.len() < 2 {
        return Err(WebError::BadRequest(
            "These cards have fewer than two points to match.".into(),
        ));
    }
    let deck_id = cards.first().map(|(id, _)| deck_of(id)).unwrap_or_default();
    let one = (cards.len() == 1).then(|| cards[0].0.clone());
    Ok((MatchGame::new(pairs, seed), deck_id, one))
}

pub async fn match_page(State(app): State<App>, Query(q): Query<Pick>) -> Result<Markup, WebError> {
    let n = given(&q.n)
        .and_then(|n| n.parse::<usize>().ok())
        .unwrap_or(6)
        .clamp(5, 8);
    let seed = fresh_seed(&app);
    let (deck, card) = (given(&q.deck), given(&q.card));
    let (game, deck_id, _) = match_game(&app, deck, card, n, seed)?;
    let sessions = with_store(&app, |s| s.sessions(Some("match"))).await?;
    let best = session::match_best(&sessions, &deck_id, game.len() as u32);
    let state = MatchState {
        deck: deck.unwrap_or("").into(),
        card: card.unwrap_or("").into(),
        n,
        seed,
        tries: String::new(),
        started: app.now(),
        run: new_run(&app),
    };
    Ok(match_view(&app, &game, &state, None, best, &deck_id))
}

fn match_view(
    app: &App,
    game: &MatchGame,
    st: &MatchState,
    last: Option<MatchOutcome>,
    best: Option<i64>,
    deck: &str,
) -> Markup {
    let elapsed = (app.now() - st.started).max(0);
    page(
        "Match",
        Some(&app.csrf),
        html! {
            h1 { "Match" }
            p.help {
                "Pair each headline with its detail, against the clock. Time so far: " (minutes(elapsed * 1000)) ". "
                @match best {
                    Some(b) => { "Personal best for " (deck) " (" (game.len()) " pairs): " strong #best { (minutes(b * 1000)) } "." }
                    None => { "No clean round of " (game.len()) " pairs on " (deck) " yet." }
                }
            }
            @match &last {
                Some(MatchOutcome::Matched { headline }) => p.right #last role="status" { "✓ " (headline) },
                Some(MatchOutcome::Wrong) => p.wrong #last role="status" { "✗ Not a pair" },
                Some(MatchOutcome::AlreadyMatched) => p #last role="status" { "That one is already matched." },
                None => {},
            }
            form #match-form method="post" action="/match" {
                (csrf_field(app))
                (hidden("deck", &st.deck)) (hidden("card", &st.card)) (hidden("n", st.n)) (hidden("seed", st.seed))
                (hidden("tries", &st.tries)) (hidden("started", st.started)) (hidden("run", &st.run))
                div.pairs {
                    fieldset {
                        legend { "Headlines" }
                        @for (num, h, done) in game.headlines() {
                            label.done[done] {
                                input type="radio" name="headline" value=(num) disabled[done] required;
                                (num) ". " (h)
                            }
                        }
                    }
                    fieldset {
                        legend { "Details" }
                        @for (letter, d, done) in game.details() {
                            label.done[done] {
                                input type="radio" name="detail" value=(letter) disabled[done] required;
                                (letter) ") " (d)
                            }
                        }
                    }
                }
                div.buttons {
                    button type="submit" { "Pair them" }
                    button.secondary type="submit" name="stop" value="1" formnovalidate { "Stop" }
                }
            }
        },
    )
}

pub async fn match_answer(
    State(app): State<App>,
    Form(f): Form<MatchForm>,
) -> Result<Response, WebError> {
    if f.tries.len() > MAX_ANSWERS {
        return Err(WebError::BadRequest(
            "this session is too long to carry on; start a new one".into(),
        ));
    }
    let n: usize = num(&f.n, "size")?;
    let seed: u64 = num(&f.seed, "seed")?;
    let started: i64 = num(&f.started, "start time")?;
    let (mut game, deck_id, one_card) =
        match_game(&app, opt(&f.deck), opt(&f.card), n.clamp(5, 8), seed)?;
    let mut tries = f.tries.clone();
    for t in f.tries.split_whitespace() {
        let (h, k) = game.parse(t).map_err(WebError::BadRequest)?;
        game.try_pair(h, k);
    }
    let mut last = None;
    if f.stop.is_none() {
        if let (Some(h), Some(d)) = (f.headline.as_deref(), f.detail.as_deref()) {
            let answer = format!("{}{}", h.trim(), d.trim());
            let (h, k) = game.parse(&answer).map_err(WebError::BadRequest)?;
            last = Some(game.try_pair(h, k));
            tries.push(' ');
            tries.push_str(&answer);
        }
    }
    let sessions = with_store(&app, |s| s.sessions(Some("match"))).await?;
    let best = session::match_best(&sessions, &deck_id, game.len() as u32);
    if game.done() || f.stop.is_some() {
        let now = app.now();
        let secs = (now - started).max(0);
        let outcome = game.outcome();
        let details =
            outcome.details(serde_json::json!({"mistakes": game.mistakes(), "seconds": secs}));
        let session = session::record(
            "match",
            deck_id.clone(),
            one_card,
            (outcome.correct, outcome.total),
            (started, now),
            with_run(details, &f.run),
        );
        record_once(&app, session, f.run.clone()).await?;
        let clean = game.done() && outcome.correct == outcome.total;
        return Ok(page(
            "Match",
            Some(&app.csrf),
            html! {
                h1 { "Match" }
                p #match-result role="status" {
                    @if game.done() {
                        "All " (outcome.total) " matched in " (minutes(secs * 1000)) " with " (game.mistakes()) " mistake" (s(game.mistakes())) ". "
                        @match best {
                            Some(b) if clean && secs < b => { strong { "New personal best" } " (was " (minutes(b * 1000)) ")." }
                            Some(b) => { "Personal best: " (minutes(b * 1000)) "." }
                            None if clean => { "Your first clean round: that is the time to beat." }
                            None => {}
                        }
                    } @else {
                        (outcome.stopped_line().unwrap_or_default()) " The pairs were: " (game.answers())
                    }
                }
                p { a href={"/match?deck=" (f.deck) "&card=" (f.card)} { "Play again" } " · " a href="/stats" { "Stats" } }
            },
        )
        .into_response());
    }
    let state = MatchState {
        deck: f.deck,
        card: f.card,
        n,
        seed,
        tries: tries.trim().to_string(),
        started,
        run: f.run,
    };
    Ok(match_view(&app, &game, &state, last, best, &deck_id).into_response())
}

// --------------------------------------------------------------------- learn

#[derive(Debug, Deserialize)]
pub struct LearnForm {
    pub card: String,
    #[serde(default)]
    pub lines: String,
    pub started: String,
    pub run: String,
    #[serde(default)]
    pub line: String,
    #[serde(default)]
    pub stop: Option<String>,
}

pub async fn learn_page(State(app): State<App>, Query(q): Query<Pick>) -> Result<Markup, WebError> {
    let cards = session::cards(&app.lib, given(&q.deck), given(&q.card))?;
    let sessions = with_store(&app, |s| s.sessions(Some("learn"))).await?;
    let (card_ref, _) = session::learn_card(&cards, &app.lib, &sessions).ok_or_else(|| {
        WebError::BadRequest("No card here has a rubric to learn its factors from.".into())
    })?;
    let missed = session::missed_before(&sessions, card_ref);
    learn_view(
        &app,
        card_ref,
        &[],
        app.now(),
        &new_run(&app),
        &missed,
        None,
    )
}

fn learn_view(
    app: &App,
    card_ref: &str,
    lines: &[String],
    started: i64,
    run: &str,
    missed_before: &[String],
    feedback: Option<(LearnOutcome, Option<String>)>,
) -> Result<Markup, WebError> {
    let (_, card) = app.lib.card(card_ref)?;
    let (_, grader) = app
        .grader_for_card(card_ref)
        .ok_or_else(|| WebError::BadRequest(format!("no rubric marks {card_ref}")))?;
    let mut session = LearnSession::new(grader, missed_before);
    for l in lines {
        session.answer(l);
    }
    let missed = session.missed();
    let (got, total) = session.score();
    let recalled: Vec<&str> = grader
        .rubric()
        .factors
        .iter()
        .filter(|f| !missed.contains(&f.id))
        .map(|f| f.label.as_str())
        .collect();
    Ok(page(
        "Learn",
        Some(&app.csrf),
        html! {
            p.crumb { (card_ref) }
            h1 { "Learn: " (card.question) }
            p.help { "Name the " (total) " factors, one at a time. Abbreviations and misspellings count, as in a plan." }
            @if !missed_before.is_empty() && lines.is_empty() { p.notice { "Last time you missed " (missed_before.len()) ": hints start with those." } }
            @match &feedback {
                Some((LearnOutcome::Recalled(labels), _)) => p.right #last role="status" { "✓ " (labels.join(", ")) },
                Some((LearnOutcome::AlreadyGiven(labels), _)) => p #last role="status" { "Already given: " (labels.join(", ")) },
                Some((LearnOutcome::NotAFactor, _)) => p.wrong #last role="status" { "✗ Not a factor in this rubric" },
                Some((LearnOutcome::EvidenceOnly(labels), _)) => p.wrong #last role="status" { "✗ That is evidence for " (labels.join(", ")) ", not the factor itself: say what happened and why it mattered" },
                None => {},
            }
            @if let Some((_, Some(h))) = &feedback { p.notice #hint { "Hint: " (h) } }
            p #learn-score { "Recalled " (got) " of " (total) }
            @if !recalled.is_empty() { ul #recalled { @for r in &recalled { li { "✓ " (r) } } } }
            form method="post" action="/learn" {
                (csrf_field(app))
                (hidden("card", card_ref)) (hidden("lines", lines.join("\n"))) (hidden("started", started)) (hidden("run", run))
                label for="line" { "A factor" }
                input #line type="text" name="line" maxlength="500" autocomplete="off" autofocus;
                div.buttons {
                    button type="submit" { "Check" }
                    button.secondary type="submit" name="stop" value="1" { "Give up" }
                }
            }
        },
    ))
}

pub async fn learn_answer(
    State(app): State<App>,
    Form(f): Form<LearnForm>,
) -> Result<Response, WebError> {
    let mut lines: Vec<String> = f
        .lines
        .lines()
        .map(str::to_string)
        .filter(|l| !l.trim().is_empty())
        .collect();
    if lines.len() > 200 || f.line.len() > 1000 {
        return Err(WebError::BadRequest(
            "this session is too long to carry on; start a new one".into(),
        ));
    }
    let started: i64 = num(&f.started, "start time")?;
    let (deck, card) = app.lib.card(&f.card)?;
    let card_ref = format!("{}/{}", deck.id, card.id);
    let sessions = with_store(&app, |s| s.sessions(Some("learn"))).await?;
    let missed_before = session::missed_before(&sessions, &card_ref);
    let (_, grader) = app
        .grader_for_card(&card_ref)
        .ok_or_else(|| WebError::BadRequest(format!("no rubric marks {card_ref}")))?;
    let mut learn = LearnSession::new(grader, &missed_before);
    for l in &lines {
        learn.answer(l);
    }
    let line = f.line.replace(['\n', '\r'], " ");
    let feedback = if f.stop.is_none() && !line.trim().is_empty() {
        lines.push(line.clone());
        Some(learn.answer(&line))
    } else {
        None
    };
    if learn.done() || f.stop.is_some() {
        let (got, total) = learn.score();
        let missed = learn.missed();
        let details = with_run(
            serde_json::json!({"missed": missed, "finished": learn.done()}),
            &f.run,
        );
        let row = session::record(
            "learn",
            deck_of(&card_ref),
            Some(card_ref.clone()),
            (got, total),
            (started, app.now()),
            details,
        );
        record_once(&app, row, f.run.clone()).await?;
        let rubric = grader.rubric();
        return Ok(page(
            "Learn",
            Some(&app.csrf),
            html! {
                h1 { "Learn: " (card.question) }
                p #learn-result role="status" { "Recalled " (got) " of " (total) " factors." }
                @if !missed.is_empty() {
                    h2 { "Missed (they come first next time)" }
                    ul { @for id in &missed { @if let Some(f) = rubric.factor(id) {
                        li { strong { (f.label) } " (" (f.side.as_str()) ")" @if let Some(h) = &f.hint { " — " (h) } }
                    } } }
                }
                p { a href={"/learn?card=" (card_ref)} { "Learn it again" } " · " a href="/learn" { "Another card" } }
            },
        )
        .into_response());
    }
    Ok(learn_view(
        &app,
        &card_ref,
        &lines,
        started,
        &f.run,
        &missed_before,
        feedback,
    )?
    .into_response())
}

// ---------------------------------------------------------------------- test

fn test_items(
    app: &App,
    deck: Option<&str>,
    n: usize,
    seed: u64,
) -> Result<Vec<TestItem>, WebError> {
    let ids = app.lib.card_ids(deck)?;
    let with_rubric: Vec<(String, &crate::model::Card)> = ids
        .iter()
        .filter(|id| app.grader_for_card(id).is_some())
        .filter_map(|id| Some((id.clone(), app.lib.card(id).ok()?.1)))
        .collect();
    if with_rubric.is_empty() {
        return Err(WebError::BadRequest(
            "No card here has a rubric to test with.".into(),
        ));
    }
    Ok(test::build(&with_rubric, n, seed))
}

fn test_match(card: &str, pairs: &[(String, String)], i: usize) -> MatchGame {
    let pairs = pairs
        .iter()
        .map(|(h, d)| MatchPair {
            card: card.to_string(),
            headline: h.clone(),
            detail: d.clone(),
        })
        .collect();
    MatchGame::new(pairs, i as u64)
}

pub async fn test_page(State(app): State<App>, Query(q): Query<Pick>) -> Result<Markup, WebError> {
    let n = given(&q.n)
        .and_then(|n| n.parse::<usize>().ok())
        .unwrap_or(6)
        .clamp(1, 60);
    let seed = fresh_seed(&app);
    let deck = given(&q.deck);
    let items = test_items(&app, deck, n, seed)?;
    Ok(page(
        "Practice test",
        Some(&app.csrf),
        html! {
            h1 { "Practice test" }
            p.help { (items.len()) " items: plans are marked by the grader, sorting and matching by the answer key." }
            form #test-form method="post" action="/test" {
                (csrf_field(&app))
                (hidden("deck", deck.unwrap_or(""))) (hidden("n", n)) (hidden("seed", seed))
                (hidden("started", app.now())) (hidden("run", new_run(&app)))
                @for (i, item) in items.iter().enumerate() {
                    section.card-face.test-item {
                        h2 { "Item " (i + 1) " of " (items.len()) " (" (item.kind()) ")" }
                        @match item {
                            TestItem::Plan { question, .. } => {
                                label for={"plan" (i)} { (question) }
                                textarea id={"plan" (i)} name={"plan" (i)} rows="8" {}
                            }
                            TestItem::Sort { question, headline, .. } => {
                                p.help { (question) }
                                fieldset {
                                    legend { strong { (headline) } " — for or against?" }
                                    label { input type="radio" name={"side" (i)} value="f"; " For" }
                                    label { input type="radio" name={"side" (i)} value="a"; " Against" }
                                }
                            }
                            TestItem::Match { card, pairs } => {
                                @let game = test_match(card, pairs, i);
                                ul { @for (l, d, _) in game.details() { li { strong { (l) ") " } (d) } } }
                                @for (num, h, _) in game.headlines() {
                                    label for={"m" (i) "_" (num)} { (num) ". " (h) }
                                    select id={"m" (i) "_" (num)} name={"m" (i) "_" (num)} {
                                        option value="" { "—" }
                                        @for (l, _, _) in game.details() { option value=(l) { (l) } }
                                    }
                                }
                            }
                        }
                    }
                }
                div.buttons { button type="submit" { "Hand in the test" } }
            }
        },
    ))
}

pub async fn test_answer(
    State(app): State<App>,
    Form(f): Form<HashMap<String, String>>,
) -> Result<Response, WebError> {
    let field = |k: &str| f.get(k).map(String::as_str).unwrap_or("");
    let n: usize = num(field("n"), "size")?;
    let seed: u64 = num(field("seed"), "seed")?;
    let started: i64 = num(field("started"), "start time")?;
    let run = field("run").to_string();
    let deck = opt(field("deck"));
    let items = test_items(&app, deck, n.clamp(1, 60), seed)?;
    let mut scores: Vec<ItemScore> = Vec::new();
    let mut keys: Vec<String> = Vec::new();
    for (i, item) in items.iter().enumerate() {
        match item {
            TestItem::Plan { card, .. } => {
                let plan = field(&format!("plan{i}"));
                let (_, grader) = app
                    .grader_for_card(card)
                    .ok_or_else(|| WebError::BadRequest(format!("no rubric marks {card}")))?;
                let r = grader.grade(card, plan);
                keys.push(format!("Level {}", r.level));
                scores.push(ItemScore::plan(card, &r));
            }
            TestItem::Sort { card, side, .. } => {
                let given = match field(&format!("side{i}")) {
                    "f" => Some(Side::For),
                    "a" => Some(Side::Against),
                    _ => None,
                };
                keys.push(format!("it argues {}", side.as_str()));
                scores.push(ItemScore::sort(card, given == Some(*side)));
            }
            TestItem::Match { card, pairs } => {
                let game = test_match(card, pairs, i);
                let answer: String = (1..=game.len())
                    .filter_map(|num| {
                        let l = field(&format!("m{i}_{num}"));
                        (!l.is_empty()).then(|| format!("{num}{l} "))
                    })
                    .collect();
                let given = game.parse_pairs(&answer).unwrap_or_default();
                let right = game.check(&given).iter().filter(|r| **r).count() as u32;
                keys.push(format!("the pairs were {}", game.answers()));
                scores.push(ItemScore::matching(card, right, game.len() as u32));
            }
        }
    }
    let (permille, items_json) = test::overall(&scores);
    let deck_id = deck
        .map(str::to_string)
        .or_else(|| scores.first().map(|s| deck_of(&s.card)))
        .unwrap_or_default();
    let details = with_run(
        serde_json::json!({"items": items_json, "finished": true}),
        &run,
    );
    let row = session::record(
        "test",
        deck_id,
        None,
        (permille, 1000),
        (started, app.now()),
        details,
    );
    record_once(&app, row, run).await?;
    Ok(page(
        "Practice test",
        Some(&app.csrf),
        html! {
            h1 { "Practice test: " (format!("{:.0}%", f64::from(permille) / 10.0)) }
            div.table-wrap {
                table #test-result {
                    thead { tr { th scope="col" { "#" } th scope="col" { "Item" } th scope="col" { "Card" } th scope="col" { "Mark" } th scope="col" { "Answer" } } }
                    tbody {
                        @for (i, (sc, key)) in scores.iter().zip(&keys).enumerate() {
                            tr { td { (i + 1) } td { (sc.kind) } td { (sc.card) } td { (sc.shown) } td { (key) } }
                        }
                    }
                }
            }
            p { a href="/test" { "Another test" } " · " a href="/stats" { "Stats" } }
        },
    )
    .into_response())
}
