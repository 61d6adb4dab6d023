//! The study modes: `flashcards`, `sort`, `match`, `learn` and `test`. At a
//! terminal, ratings, sides and "q to stop" take one key and longer answers
//! are edited like plans; from a pipe each answer is a line. Each mode records
//! its result, so `planmark stats` can show mastery per mode.

use super::editor::{self, Ending, LineReader};
use super::keys::{self, Key};
use super::out::{self, out, outln};
use super::render::{self, BOLD, GREEN, RED, new_table, paint};
use super::{Context, exit};
use anyhow::{Context as _, Result, bail};
use clap::Args;
use planmark::Grader;
use planmark::library::Library;
use planmark::model::{Card, Side};
use planmark::modes::session::{self, deck_of};
use planmark::modes::{learn, matching, sort, test};
use planmark::study::drafts::{DraftTarget, DraftWriter};
use planmark::study::{Rating, Scheduler, Session};
use std::io::{BufRead, IsTerminal};

/// The student's answers; `None` once input ends (Ctrl-D, Ctrl-C, `q` where
/// it stops, or the end of a pipe).
struct Answers {
    /// At a terminal: the line editor. From a pipe: `None`.
    terminal: Option<LineReader>,
    input: std::io::StdinLock<'static>,
    /// Input ended.
    ended: bool,
    color: bool,
}

impl Answers {
    fn new(ctx: &Context) -> Answers {
        out::keep_working_when_closed();
        let tty = std::io::stdin().is_terminal();
        Answers {
            terminal: tty.then(|| LineReader::new(ctx.color_stderr)),
            input: std::io::stdin().lock(),
            ended: false,
            color: ctx.color_stderr,
        }
    }

    fn at_terminal(&self) -> bool {
        self.terminal.is_some()
    }

    /// A line of text.
    fn ask(&mut self, prompt: &str) -> Result<Option<String>> {
        if self.ended {
            return Ok(None);
        }
        let line = match &mut self.terminal {
            Some(t) => t.read(prompt)?,
            None => {
                out!("{prompt}");
                let mut line = String::new();
                if self.input.read_line(&mut line)? == 0 {
                    outln!();
                    None
                } else {
                    Some(line.trim_end_matches(['\n', '\r']).to_string())
                }
            }
        };
        self.ended = line.is_none();
        Ok(line)
    }

    /// One key at a terminal, a line from a pipe; `pick` turns it into an
    /// answer or `None` to wait for another. Ctrl-C and Ctrl-D end input.
    fn key<T>(
        &mut self,
        prompt: &str,
        mut pick: impl FnMut(&Key) -> Option<T>,
        retry: &str,
    ) -> Result<Option<T>> {
        loop {
            if self.ended {
                return Ok(None);
            }
            let key = if self.at_terminal() {
                out!("{prompt}");
                let k = keys::read_key()?;
                if matches!(k, Key::Interrupt | Key::End) {
                    outln!();
                    self.ended = true;
                    return Ok(None);
                }
                // Echo the key, as a typed answer would show.
                match &k {
                    Key::Char(c) => outln!("{c}"),
                    _ => outln!(),
                }
                k
            } else {
                match self.ask(prompt)? {
                    Some(line) => Key::from_line(&line),
                    None => return Ok(None),
                }
            };
            match pick(&key) {
                Some(v) => return Ok(Some(v)),
                None => outln!("{retry}"),
            }
        }
    }
}

#[derive(Debug, Args)]
pub struct DeckArgs {
    /// Only cards from this deck.
    #[arg(long, value_name = "DECK")]
    pub deck: Option<String>,
    /// Only this card (DECK/CARD or CARD).
    #[arg(long, value_name = "CARD")]
    pub card: Option<String>,
    /// Seed for the random order (the same seed gives the same order).
    #[arg(long, value_name = "N")]
    pub seed: Option<u64>,
}

#[derive(Debug, Args)]
pub struct FlashcardArgs {
    /// Only cards from this deck.
    #[arg(long, value_name = "DECK")]
    pub deck: Option<String>,
    /// At most this many cards never studied before.
    #[arg(long, value_name = "N", default_value_t = 5)]
    pub new: u32,
}

#[derive(Debug, Args)]
pub struct MatchArgs {
    #[command(flatten)]
    pub from: DeckArgs,
    /// How many pairs (5 to 8).
    #[arg(short, value_name = "N", default_value_t = 6, value_parser = clap::value_parser!(u8).range(5..=8))]
    pub n: u8,
}

#[derive(Debug, Args)]
pub struct TestArgs {
    /// Only cards from this deck.
    #[arg(long, value_name = "DECK")]
    pub deck: Option<String>,
    /// How many items (1 to 60).
    #[arg(short, value_name = "N", default_value_t = 6, value_parser = clap::value_parser!(u16).range(1..=60))]
    pub n: u16,
    /// Seed for choosing and ordering items.
    #[arg(long, value_name = "N")]
    pub seed: Option<u64>,
}

fn seed(ctx: &Context, given: Option<u64>) -> u64 {
    given.unwrap_or_else(|| {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos() as u64);
        ctx.now() as u64 ^ nanos
    })
}

/// The cards a mode works on: one card, one deck, or all.
fn cards<'l>(lib: &'l Library, from: &DeckArgs) -> Result<Vec<(String, &'l Card)>> {
    Ok(session::cards(
        lib,
        from.deck.as_deref(),
        from.card.as_deref(),
    )?)
}

/// A session to record, timed from `started` to now.
fn finished_session(
    ctx: &Context,
    mode: &str,
    deck: String,
    card: Option<String>,
    score: (u32, u32),
    started: i64,
    details: serde_json::Value,
) -> Session {
    session::record(mode, deck, card, score, (started, ctx.now()), details)
}

fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_string()
    } else {
        format!("{}…", text.chars().take(max - 1).collect::<String>())
    }
}

fn clock(secs: i64) -> String {
    format!("{}:{:02}", secs / 60, secs % 60)
}

pub fn flashcards(ctx: &Context, args: FlashcardArgs) -> Result<u8> {
    let lib = ctx.library();
    let mut store = ctx.store()?;
    let scheduler = Scheduler::new(0.9)?;
    let ids = lib.card_ids(args.deck.as_deref())?;
    let mut answers = Answers::new(ctx);
    let c = ctx.color_stdout;
    let mut reviewed = 0;
    let mut stopped = false;
    let idle = loop {
        let now = ctx.now();
        let states = store.card_states()?;
        // The reviews table already counts the cards first seen this session.
        let new_today = store.new_cards_since(now - planmark::study::schedule::DAY)?;
        let Some((card_ref, _)) =
            planmark::study::pick_next(&ids, &states, now, args.new, new_today)
        else {
            break Some(planmark::study::idle_reason(
                &ids, &states, args.new, new_today,
            ));
        };
        let card_ref = card_ref.to_string();
        let (_, card) = lib.card(&card_ref)?;
        outln!(
            "\n{} {card_ref}\n{}",
            paint("Card", BOLD, c),
            paint(&card.question, BOLD, c)
        );
        let reveal_prompt = if answers.at_terminal() {
            "Plan it in your head, then press any key to see the answer (q to stop) "
        } else {
            "Plan it in your head, then press Enter to see the answer (q to stop) "
        };
        let reveal = answers.key(
            reveal_prompt,
            |k| Some(!matches!(k, Key::Char('q' | 'Q') | Key::Esc)),
            "",
        )?;
        if reveal != Some(true) {
            stopped = true;
            break None;
        }
        outln!("{} {}", paint("Judgement:", BOLD, c), card.judgement);
        for p in &card.points {
            outln!(
                "  {} {}: {}",
                if p.side == Side::For { "+" } else { "−" },
                paint(&p.headline, BOLD, c),
                p.detail
            );
        }
        let rating = answers.key(
            "How well did you know it? 1 Again · 2 Hard · 3 Good · 4 Easy [Enter = Good] (q to stop) ",
            |k| match k {
                Key::Enter => Some(Some(Rating::Good)),
                Key::Char('q' | 'Q') | Key::Esc => Some(None),
                Key::Char(ch) => Rating::parse(&ch.to_string()).map(Some),
                Key::Text(t) => Rating::parse(t).map(Some),
                _ => None,
            },
            "Press 1, 2, 3 or 4 (or Enter for Good, q to stop).",
        )?;
        let Some(Some(rating)) = rating else {
            stopped = true;
            break None;
        };
        let previous = store.card_state(&card_ref)?;
        let state = scheduler.review(previous.as_ref(), rating, now);
        store.record_review(&card_ref, "flashcards", rating, &state, now)?;
        reviewed += 1;
        outln!(
            "{rating}: next review {}",
            planmark::study::describe_due(state.due, now)
        );
    };
    let done = format!(
        "\n{reviewed} card{} reviewed.",
        if reviewed == 1 { "" } else { "s" }
    );
    let now = ctx.now();
    let next = match idle {
        _ if stopped => String::new(),
        Some(planmark::study::Idle::NewLimitReached { limit, unseen }) => format!(
            " You have started today's {limit} new card{}; {unseen} more {} never been studied. \
             `planmark flashcards --new {}` raises the limit for today.",
            if limit == 1 { "" } else { "s" },
            if unseen == 1 { "has" } else { "have" },
            limit + 5
        ),
        Some(planmark::study::Idle::NextDue(due)) => format!(
            " Nothing else is due now; the next card is due {}.",
            planmark::study::describe_due(due, now)
        ),
        Some(planmark::study::Idle::NoCards) | None => " There are no cards here.".to_string(),
    };
    outln!("{done}{next}");
    Ok(exit::OK)
}

fn parse_side(s: &str) -> Option<Side> {
    match s.trim().to_ascii_lowercase().as_str() {
        "f" | "for" | "+" => Some(Side::For),
        "a" | "against" | "-" => Some(Side::Against),
        _ => None,
    }
}

/// A side, or `Some(None)` to stop, from one key (or a piped line).
fn side_key(k: &Key) -> Option<Option<Side>> {
    match k {
        Key::Char('q' | 'Q') | Key::Esc => Some(None),
        Key::Char(c) => parse_side(&c.to_string()).map(Some),
        Key::Text(t) if t.eq_ignore_ascii_case("quit") || t.eq_ignore_ascii_case("stop") => {
            Some(None)
        }
        Key::Text(t) => parse_side(t).map(Some),
        _ => None,
    }
}

pub fn sort_mode(ctx: &Context, args: DeckArgs) -> Result<u8> {
    let lib = ctx.library();
    let store = ctx.store()?;
    let chosen = cards(&lib, &args)?;
    let items = session::sort_items(&chosen);
    let mut game = sort::SortGame::new(items, seed(ctx, args.seed));
    if game.done() {
        bail!("these cards have no points to sort");
    }
    let started = ctx.now();
    let c = ctx.color_stdout;
    if let [(_, card)] = chosen.as_slice() {
        outln!("{}", paint(&card.question, BOLD, c));
    }
    let mut answers = Answers::new(ctx);
    outln!(
        "For each point, {} f if it argues for the question's view, a if against (q to stop).",
        if answers.at_terminal() {
            "press"
        } else {
            "type"
        }
    );
    while let Some(item) = game.current().cloned() {
        let question = if chosen.len() > 1 {
            format!(" [{}]", item.card)
        } else {
            String::new()
        };
        let Some(Some(side)) = answers.key(
            &format!(
                "({} left) {}{question} — f/a? ",
                game.remaining(),
                item.headline
            ),
            side_key,
            "f (for), a (against) or q (stop)?",
        )?
        else {
            break;
        };
        match game.answer(side) {
            Some(sort::SortOutcome::Correct) => outln!("{}", paint("✓", GREEN, c)),
            Some(sort::SortOutcome::Wrong { side, detail }) => {
                outln!(
                    "{} it argues {side}: {detail} (it will come back)",
                    paint("✗", RED, c)
                )
            }
            None => break,
        }
    }
    let outcome = game.outcome();
    let secs = ctx.now() - started;
    if let Some(line) = outcome.stopped_line() {
        outln!("{line}");
    }
    outln!(
        "Sorted {} of {} right first time in {}.",
        outcome.correct,
        outcome.total,
        clock(secs)
    );
    let deck = chosen
        .first()
        .map(|(id, _)| deck_of(id))
        .unwrap_or_default();
    let card = (chosen.len() == 1).then(|| chosen[0].0.clone());
    store.record_session(&finished_session(
        ctx,
        "sort",
        deck,
        card,
        (outcome.correct, outcome.total),
        started,
        outcome.details(serde_json::json!({"missed": game.missed(), "answers": game.answers()})),
    ))?;
    Ok(exit::OK)
}

pub fn match_mode(ctx: &Context, args: MatchArgs) -> Result<u8> {
    let lib = ctx.library();
    let store = ctx.store()?;
    let chosen = cards(&lib, &args.from)?;
    let seed = seed(ctx, args.from.seed);
    let pairs = session::match_pairs(&chosen, args.n as usize, seed);
    if pairs.len() < 2 {
        bail!("these cards have fewer than two points to match");
    }
    let mut game = matching::MatchGame::new(pairs, seed);
    let deck = chosen
        .first()
        .map(|(id, _)| deck_of(id))
        .unwrap_or_default();
    let c = ctx.color_stdout;
    let started = ctx.now();
    let mut answers = Answers::new(ctx);
    outln!(
        "Match each headline to its detail: type a number and a letter, e.g. 1c (or several: 1c 2a)."
    );
    // The board is shown at the start and after each pair found.
    let mut show_board = true;
    while !game.done() {
        if show_board {
            for (n, h, done) in game.headlines() {
                if !done {
                    outln!("  {n}. {h}");
                }
            }
            for (l, d, done) in game.details() {
                if !done {
                    outln!("  {l}) {}", truncate(d, 90));
                }
            }
            show_board = false;
        }
        let Some(line) = answers.ask("> ")? else {
            break;
        };
        match game.parse_pairs(&line) {
            Err(e) => outln!("{e}"),
            Ok(list) => {
                for (h, k) in list {
                    match game.try_pair(h, k) {
                        matching::MatchOutcome::Matched { headline } => {
                            outln!("{} {headline}", paint("✓", GREEN, c));
                            show_board = !game.done();
                        }
                        matching::MatchOutcome::Wrong => {
                            outln!("{} {} is not a pair", paint("✗", RED, c), pair_name(h, k))
                        }
                        matching::MatchOutcome::AlreadyMatched => {
                            outln!("{} is already matched.", pair_name(h, k))
                        }
                    }
                }
            }
        }
    }
    let secs = ctx.now() - started;
    let outcome = game.outcome();
    let n = outcome.total;
    if game.done() {
        let best = session::match_best(&store.sessions(Some("match"))?, &deck, n);
        outln!(
            "All {n} matched in {} with {} mistake{}.",
            clock(secs),
            game.mistakes(),
            if game.mistakes() == 1 { "" } else { "s" }
        );
        let clean = outcome.correct == n;
        match best {
            Some(b) if clean && secs < b => {
                outln!("New personal best for {deck} (was {}).", clock(b))
            }
            Some(b) => outln!("Personal best for {deck}: {}.", clock(b)),
            None if clean => {
                outln!("Your first clean round for {deck}: that is the time to beat.")
            }
            None => {}
        }
    } else {
        outln!(
            "Stopped: {} of {n} matched, {} right first time. The pairs were: {}",
            game.headlines().iter().filter(|h| h.2).count(),
            outcome.correct,
            game.answers()
        );
    }
    let card = (chosen.len() == 1).then(|| chosen[0].0.clone());
    store.record_session(&finished_session(
        ctx,
        "match",
        deck,
        card,
        (outcome.correct, n),
        started,
        outcome.details(serde_json::json!({"mistakes": game.mistakes(), "seconds": secs})),
    ))?;
    Ok(exit::OK)
}

/// "3c", as the student typed it.
fn pair_name(h: usize, k: usize) -> String {
    format!("{}{}", h + 1, (b'a' + k.min(25) as u8) as char)
}

pub fn learn_mode(ctx: &Context, args: DeckArgs) -> Result<u8> {
    let lib = ctx.library();
    let store = ctx.store()?;
    let chosen = cards(&lib, &args)?;
    let sessions = store.sessions(Some("learn"))?;
    // Without --card: the card with a rubric learnt least recently.
    let (card_ref, card) = session::learn_card(&chosen, &lib, &sessions)
        .context("no card here has a rubric to learn its factors from")?;
    let (d, cid) = card_ref.split_once('/').unwrap_or_default();
    let entry = lib
        .rubric_for_card(d, cid)
        .context("no rubric for this card")?;
    let grader = Grader::new(entry.item.clone())?;
    let missed_before = session::missed_before(&sessions, card_ref);
    let c = ctx.color_stdout;
    outln!("{}", paint(&card.question, BOLD, c));
    outln!(
        "Name the {} factors of this question, one per line. An empty line or `give up` stops.",
        grader.rubric().factors.len()
    );
    if !missed_before.is_empty() {
        outln!(
            "Last time you missed {}: start with those.",
            missed_before.len()
        );
    }
    let started = ctx.now();
    let mut session = learn::LearnSession::new(&grader, &missed_before);
    let mut answers = Answers::new(ctx);
    while !session.done() {
        let (got, total) = session.score();
        let Some(line) = answers.ask(&format!("[{got}/{total}] > "))? else {
            break;
        };
        if line.trim().is_empty() || line.trim().eq_ignore_ascii_case("give up") {
            break;
        }
        let (outcome, hint) = session.answer(&line);
        match outcome {
            learn::LearnOutcome::Recalled(labels) => {
                for l in labels {
                    outln!("{} {l}", paint("✓", GREEN, c));
                }
            }
            learn::LearnOutcome::AlreadyGiven(labels) => {
                outln!("already given: {}", labels.join(", "))
            }
            learn::LearnOutcome::NotAFactor => {
                outln!("{} not a factor in this rubric", paint("✗", RED, c))
            }
            learn::LearnOutcome::EvidenceOnly(labels) => outln!(
                "{} that is evidence for “{}”, not the factor itself: say what happened and why it mattered",
                paint("✗", RED, c),
                labels.join("”, “")
            ),
        }
        if let Some(h) = hint {
            outln!("Hint: {h}");
        }
    }
    let (got, total) = session.score();
    let missed = session.missed();
    outln!("\nRecalled {got} of {total} factors.");
    if !missed.is_empty() {
        outln!("{}", paint("Missed (they come first next time):", BOLD, c));
        for id in &missed {
            if let Some(f) = grader.rubric().factor(id) {
                outln!(
                    "  • {} ({}){}",
                    f.label,
                    f.side,
                    f.hint
                        .as_deref()
                        .map(|h| format!(" — {h}"))
                        .unwrap_or_default()
                );
            }
        }
    }
    store.record_session(&finished_session(
        ctx,
        "learn",
        deck_of(card_ref),
        Some(card_ref.clone()),
        (got, total),
        started,
        serde_json::json!({"missed": missed}),
    ))?;
    Ok(exit::OK)
}

pub fn test_mode(ctx: &Context, args: TestArgs) -> Result<u8> {
    let lib = ctx.library();
    let store = ctx.store()?;
    let ids = lib.card_ids(args.deck.as_deref())?;
    let with_rubric: Vec<(String, &Card)> = ids
        .iter()
        .filter_map(|id| {
            let (d, c) = id.split_once('/')?;
            lib.rubric_for_card(d, c)?;
            Some((id.clone(), lib.card(id).ok()?.1))
        })
        .collect();
    if with_rubric.is_empty() {
        bail!("no card here has a rubric to test with");
    }
    let items = test::build(&with_rubric, usize::from(args.n), seed(ctx, args.seed));
    let c = ctx.color_stdout;
    let started = ctx.now();
    let mut answers = Answers::new(ctx);
    let mut scores: Vec<test::ItemScore> = Vec::new();
    // Where each plan's draft was kept (database id, or a file beside it).
    let mut drafts: Vec<(Option<i64>, Option<std::path::PathBuf>)> = Vec::new();
    let mut plans: Vec<(usize, String)> = Vec::new();
    for (i, item) in items.iter().enumerate() {
        outln!(
            "\n{} {} of {} ({})",
            paint("Item", BOLD, c),
            i + 1,
            items.len(),
            item.kind()
        );
        let score = match item {
            test::TestItem::Plan { card, question } => {
                outln!(
                    "{}\nWrite a plan; finish with a line holding only `.`",
                    paint(question, BOLD, c)
                );
                let (d, cid) = card.split_once('/').unwrap_or_default();
                let entry = lib
                    .rubric_for_card(d, cid)
                    .context("the card's rubric went missing")?;
                // Saved as it is typed like any plan, until the test is recorded.
                let plan = test_plan(ctx, &mut answers, card, &entry.item.id, &mut drafts)?;
                let r = Grader::new(entry.item.clone())?.grade(card, &plan);
                outln!("{}/{} · Level {}", r.mark, r.max_mark, r.level);
                plans.push((scores.len(), plan));
                test::ItemScore::plan(card, &r)
            }
            test::TestItem::Sort {
                card,
                question,
                headline,
                side,
            } => {
                outln!("{question}\n{}", paint(headline, BOLD, c));
                let answer = answers
                    .key(
                        "Does this argue for or against the view? f/a ",
                        side_key,
                        "f (for) or a (against)?",
                    )?
                    .flatten();
                let right = answer == Some(*side);
                outln!(
                    "{} it argues {side}",
                    if right {
                        paint("✓", GREEN, c)
                    } else {
                        paint("✗", RED, c)
                    }
                );
                test::ItemScore::sort(card, right)
            }
            test::TestItem::Match { pairs, card } => {
                let pairs = pairs
                    .iter()
                    .map(|(h, d)| matching::MatchPair {
                        card: card.clone(),
                        headline: h.clone(),
                        detail: d.clone(),
                    })
                    .collect();
                let game = matching::MatchGame::new(pairs, i as u64);
                for (n, h, _) in game.headlines() {
                    outln!("  {n}. {h}");
                }
                for (l, d, _) in game.details() {
                    outln!("  {l}) {}", truncate(d, 90));
                }
                let n = game.len() as u32;
                let example = match n {
                    2 => "1b 2a",
                    _ => "1b 2a 3c",
                };
                // Every headline needs a letter before the item is marked.
                let given = loop {
                    let Some(line) = answers.ask(&format!("Pairs, e.g. {example}: "))? else {
                        break Vec::new();
                    };
                    match game.parse_all(&line) {
                        Ok(p) => break p,
                        Err(e) => outln!("{e}"),
                    }
                };
                let right = game.check(&given).iter().filter(|r| **r).count() as u32;
                outln!("{right} of {n} pairs right");
                if right < n {
                    outln!("The pairs were: {}", game.answers());
                }
                test::ItemScore::matching(card, right, n)
            }
        };
        scores.push(score);
    }
    let (permille, mut items_json) = test::overall(&scores);
    // The plans written are kept with their scores (their drafts go below).
    if let Some(items) = items_json.as_array_mut() {
        for (i, plan) in &plans {
            if let Some(serde_json::Value::Object(item)) = items.get_mut(*i) {
                item.insert("plan".into(), plan.clone().into());
            }
        }
    }
    let overall = f64::from(permille) / 1000.0;
    let mut t = new_table(c);
    t.set_header(vec!["#", "Item", "Card", "Mark"]);
    for (i, s) in scores.iter().enumerate() {
        t.add_row(vec![
            (i + 1).to_string(),
            s.kind.to_string(),
            s.card.clone(),
            s.shown.clone(),
        ]);
    }
    render::keep_whole(&mut t, &[0, 2]);
    outln!("\n{t}\nOverall: {:.0}%", overall * 100.0);
    let deck = args.deck.clone().unwrap_or_else(|| {
        with_rubric
            .first()
            .map(|(id, _)| deck_of(id))
            .unwrap_or_default()
    });
    store.record_session(&finished_session(
        ctx,
        "test",
        deck,
        None,
        (permille, 1000),
        started,
        serde_json::json!({
            "items": items_json,
            // Items after the input ended were scored 0, not skipped.
            "finished": !answers.ended,
        }),
    ))?;
    // The plans are kept in the session now; their drafts can go.
    for (id, file) in drafts {
        if let Some(id) = id {
            store.delete_draft(id)?;
        }
        if let Some(f) = file {
            planmark::study::drafts::discard_file(&f);
        }
    }
    Ok(exit::OK)
}

/// A plan written in a test: the line editor at a terminal, lines up to `.`
/// from a pipe; saved as a draft while it is written.
fn test_plan(
    ctx: &Context,
    answers: &mut Answers,
    card: &str,
    rubric: &str,
    drafts: &mut Vec<(Option<i64>, Option<std::path::PathBuf>)>,
) -> Result<String> {
    let mut writer = DraftWriter::start(
        DraftTarget {
            db: ctx.db.clone(),
            card: card.to_string(),
            rubric_id: Some(rubric.to_string()),
            resumed: None,
        },
        ctx.clock(),
        planmark::input::INPUT_LIMIT,
    );
    let mut refused = None;
    if answers.ended {
        // Input is over: the plan is empty.
    } else if answers.at_terminal() {
        let color = answers.color;
        let ending = editor::type_plan(&mut writer, None, color, |r| {
            eprintln!(
                "{}",
                render::warning_line(&format!("{}; that line was not added", r.0), color)
            );
        })?;
        answers.ended = ending == Ending::Interrupted;
    } else {
        while let Some(line) = answers.ask("> ")? {
            if line.trim() == "." {
                break;
            }
            if let Err(e) = writer.push_line(&line) {
                refused = Some(e);
                break;
            }
        }
    }
    let saved = writer.finish();
    drafts.push((saved.id, saved.file.clone()));
    if let Some(e) = refused {
        bail!("{e}; the plan so far is in `planmark drafts`");
    }
    Ok(saved.text)
}
