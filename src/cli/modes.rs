//! The study modes: `flashcards`, `sort`, `match`, `learn` and `test`. Each
//! reads the student's answers a line at a time (from the keyboard or a pipe)
//! and records its result, so `planmark stats` can show mastery per mode.

use super::render::{BOLD, GREEN, RED, new_table, paint};
use super::{Context, exit};
use anyhow::{Context as _, Result, bail};
use clap::Args;
use planmark::Grader;
use planmark::library::Library;
use planmark::model::{Card, Side};
use planmark::modes::session::{self, deck_of};
use planmark::modes::{learn, matching, sort, test};
use planmark::study::{Rating, Scheduler, Session};
use std::io::{BufRead, Write};

/// Lines typed by the student; `None` at the end of input.
struct Answers {
    input: std::io::StdinLock<'static>,
    /// Input ended (Ctrl-D or the end of a pipe).
    ended: bool,
}

impl Answers {
    fn new() -> Answers {
        Answers {
            input: std::io::stdin().lock(),
            ended: false,
        }
    }

    fn ask(&mut self, prompt: &str) -> Result<Option<String>> {
        print!("{prompt}");
        std::io::stdout().flush()?;
        let mut line = String::new();
        if self.ended || self.input.read_line(&mut line)? == 0 {
            if !self.ended {
                println!();
            }
            self.ended = true;
            return Ok(None);
        }
        Ok(Some(line.trim_end_matches(['\n', '\r']).to_string()))
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
    let mut answers = Answers::new();
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
        println!(
            "\n{} {card_ref}\n{}",
            paint("Card", BOLD, c),
            paint(&card.question, BOLD, c)
        );
        if answers
            .ask("Plan it in your head, then press Enter to see the answer (q to stop) ")?
            .is_none_or(|l| l.trim() == "q")
        {
            stopped = true;
            break None;
        }
        println!("{} {}", paint("Judgement:", BOLD, c), card.judgement);
        for p in &card.points {
            println!(
                "  {} {}: {}",
                if p.side == Side::For { "+" } else { "−" },
                paint(&p.headline, BOLD, c),
                p.detail
            );
        }
        let rating = loop {
            let Some(line) = answers.ask(
                "How well did you know it? 1 Again · 2 Hard · 3 Good · 4 Easy [Enter = Good] ",
            )?
            else {
                break None;
            };
            if line.trim().is_empty() {
                break Some(Rating::Good);
            }
            match Rating::parse(&line) {
                Some(r) => break Some(r),
                None => println!("Type 1, 2, 3 or 4."),
            }
        };
        let Some(rating) = rating else {
            stopped = true;
            break None;
        };
        let previous = store.card_state(&card_ref)?;
        let state = scheduler.review(previous.as_ref(), rating, now);
        store.record_review(&card_ref, "flashcards", rating, &state, now)?;
        reviewed += 1;
        println!(
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
    println!("{done}{next}");
    Ok(exit::OK)
}

fn parse_side(s: &str) -> Option<Side> {
    match s.trim().to_ascii_lowercase().as_str() {
        "f" | "for" | "+" => Some(Side::For),
        "a" | "against" | "-" => Some(Side::Against),
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
        println!("{}", paint(&card.question, BOLD, c));
    }
    println!("For each point, type f if it argues for the question's view, a if against.");
    let mut answers = Answers::new();
    while let Some(item) = game.current().cloned() {
        let question = if chosen.len() > 1 {
            format!(" [{}]", item.card)
        } else {
            String::new()
        };
        let Some(line) = answers.ask(&format!(
            "({} left) {}{question} — f/a? ",
            game.remaining(),
            item.headline
        ))?
        else {
            break;
        };
        let Some(side) = parse_side(&line) else {
            println!("Type f (for) or a (against).");
            continue;
        };
        match game.answer(side) {
            Some(sort::SortOutcome::Correct) => println!("{}", paint("✓", GREEN, c)),
            Some(sort::SortOutcome::Wrong { side, detail }) => {
                println!(
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
        println!("{line}");
    }
    println!(
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
    let mut answers = Answers::new();
    println!(
        "Match each headline to its detail: type a number and a letter, e.g. 1c (or several: 1c 2a)."
    );
    // The board is shown at the start and after each pair found.
    let mut show_board = true;
    while !game.done() {
        if show_board {
            for (n, h, done) in game.headlines() {
                if !done {
                    println!("  {n}. {h}");
                }
            }
            for (l, d, done) in game.details() {
                if !done {
                    println!("  {l}) {}", truncate(d, 90));
                }
            }
            show_board = false;
        }
        let Some(line) = answers.ask("> ")? else {
            break;
        };
        match game.parse_pairs(&line) {
            Err(e) => println!("{e}"),
            Ok(list) => {
                for (h, k) in list {
                    match game.try_pair(h, k) {
                        matching::MatchOutcome::Matched { headline } => {
                            println!("{} {headline}", paint("✓", GREEN, c));
                            show_board = !game.done();
                        }
                        matching::MatchOutcome::Wrong => {
                            println!("{} {} is not a pair", paint("✗", RED, c), pair_name(h, k))
                        }
                        matching::MatchOutcome::AlreadyMatched => {
                            println!("{} is already matched.", pair_name(h, k))
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
        println!(
            "All {n} matched in {} with {} mistake{}.",
            clock(secs),
            game.mistakes(),
            if game.mistakes() == 1 { "" } else { "s" }
        );
        let clean = outcome.correct == n;
        match best {
            Some(b) if clean && secs < b => {
                println!("New personal best for {deck} (was {}).", clock(b))
            }
            Some(b) => println!("Personal best for {deck}: {}.", clock(b)),
            None if clean => {
                println!("Your first clean round for {deck}: that is the time to beat.")
            }
            None => {}
        }
    } else {
        println!(
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
    println!("{}", paint(&card.question, BOLD, c));
    println!(
        "Name the {} factors of this question, one per line. An empty line or `give up` stops.",
        grader.rubric().factors.len()
    );
    if !missed_before.is_empty() {
        println!(
            "Last time you missed {}: start with those.",
            missed_before.len()
        );
    }
    let started = ctx.now();
    let mut session = learn::LearnSession::new(&grader, &missed_before);
    let mut answers = Answers::new();
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
                    println!("{} {l}", paint("✓", GREEN, c));
                }
            }
            learn::LearnOutcome::AlreadyGiven(labels) => {
                println!("already given: {}", labels.join(", "))
            }
            learn::LearnOutcome::NotAFactor => {
                println!("{} not a factor in this rubric", paint("✗", RED, c))
            }
        }
        if let Some(h) = hint {
            println!("Hint: {h}");
        }
    }
    let (got, total) = session.score();
    let missed = session.missed();
    println!("\nRecalled {got} of {total} factors.");
    if !missed.is_empty() {
        println!("{}", paint("Missed (they come first next time):", BOLD, c));
        for id in &missed {
            if let Some(f) = grader.rubric().factor(id) {
                println!(
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
    let mut answers = Answers::new();
    let mut scores: Vec<test::ItemScore> = Vec::new();
    let mut drafts: Vec<i64> = Vec::new();
    for (i, item) in items.iter().enumerate() {
        println!(
            "\n{} {} of {} ({})",
            paint("Item", BOLD, c),
            i + 1,
            items.len(),
            item.kind()
        );
        let score = match item {
            test::TestItem::Plan { card, question } => {
                println!(
                    "{}\nWrite a plan; finish with a line holding only `.`",
                    paint(question, BOLD, c)
                );
                // Saved line by line like any plan, until the test is recorded.
                let draft = store.create_draft(card, None, "", ctx.now())?;
                drafts.push(draft);
                let mut plan = Vec::new();
                while let Some(line) = answers.ask("> ")? {
                    if line.trim() == "." {
                        break;
                    }
                    plan.push(line);
                    store.update_draft(draft, &plan.join("\n"), ctx.now())?;
                }
                let (d, cid) = card.split_once('/').unwrap_or_default();
                let entry = lib
                    .rubric_for_card(d, cid)
                    .context("the card's rubric went missing")?;
                let r = Grader::new(entry.item.clone())?.grade(card, &plan.join("\n"));
                println!("{}/{} · Level {}", r.mark, r.max_mark, r.level);
                test::ItemScore::plan(card, &r)
            }
            test::TestItem::Sort {
                card,
                question,
                headline,
                side,
            } => {
                println!("{question}\n{}", paint(headline, BOLD, c));
                let answer = answers
                    .ask("Does this argue for or against the view? f/a ")?
                    .and_then(|l| parse_side(&l));
                let right = answer == Some(*side);
                println!(
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
                    println!("  {n}. {h}");
                }
                for (l, d, _) in game.details() {
                    println!("  {l}) {}", truncate(d, 90));
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
                        Err(e) => println!("{e}"),
                    }
                };
                let right = game.check(&given).iter().filter(|r| **r).count() as u32;
                println!("{right} of {n} pairs right");
                if right < n {
                    println!("The pairs were: {}", game.answers());
                }
                test::ItemScore::matching(card, right, n)
            }
        };
        scores.push(score);
    }
    let (permille, items_json) = test::overall(&scores);
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
    println!("\n{t}\nOverall: {:.0}%", overall * 100.0);
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
    // The plans are scored in the session now; their drafts can go.
    for d in drafts {
        store.delete_draft(d)?;
    }
    Ok(exit::OK)
}
