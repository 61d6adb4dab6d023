//! `planmark due`, `history`, `attempt`, `stats`, `drafts` and `where`.

use super::render::{self, BOLD, new_table, paint};
use super::{Context, exit};
use anyhow::{Context as _, Result};
use clap::{Args, ValueEnum};
use comfy_table::Cell;
use planmark::study::{Scheduler, analytics, describe_due, drafts};

#[derive(Debug, Args)]
pub struct DueArgs {
    /// Only cards from this deck.
    #[arg(long, value_name = "DECK")]
    pub deck: Option<String>,
}

#[derive(Debug, Args)]
pub struct StatsArgs {
    /// Only cards from this deck.
    #[arg(long, value_name = "DECK")]
    pub deck: Option<String>,
    /// `table`, `json` (everything, for programs) or `csv` (a row per card).
    #[arg(long, short, value_enum, default_value_t = StatsFormat::Table)]
    pub format: StatsFormat,
}

/// The formats `stats` writes (no JSON lines: its report is one object).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum StatsFormat {
    Table,
    Json,
    Csv,
}

#[derive(Debug, Args)]
pub struct DraftsArgs {
    /// Print this draft's whole plan.
    #[arg(long, value_name = "N")]
    pub show: Option<i64>,
    /// Delete this draft (only drafts not yet graded).
    #[arg(long, value_name = "N", conflicts_with = "show")]
    pub delete: Option<i64>,
}

fn date(t: i64) -> String {
    chrono::DateTime::from_timestamp(t, 0)
        .map(|d| d.format("%Y-%m-%d %H:%M").to_string())
        .unwrap_or_default()
}

pub fn due(ctx: &Context, args: DueArgs) -> Result<u8> {
    let lib = ctx.library();
    let store = ctx.store_read_only()?;
    let now = ctx.now();
    let cards = lib.card_ids(args.deck.as_deref())?;
    let states = store.card_states()?;
    let scheduler = Scheduler::new(0.9)?;
    let mut t = new_table(ctx.color_stdout);
    t.set_header(vec!["Card", "Due", "Reviews", "Recall now"]);
    let mut rows: Vec<(i64, String, String, String, String)> = Vec::new();
    let mut new_cards = Vec::new();
    for c in &cards {
        match states.iter().find(|(s, _)| s == c) {
            Some((_, s)) => rows.push((
                s.due,
                c.clone(),
                if s.due <= now {
                    "due now".into()
                } else {
                    describe_due(s.due, now)
                },
                s.reps.to_string(),
                format!("{:.0}%", scheduler.retrievability(s, now) * 100.0),
            )),
            None => new_cards.push(c.clone()),
        }
    }
    rows.sort();
    let due_now = rows.iter().filter(|r| r.0 <= now).count();
    for (_, c, d, reps, r) in rows {
        t.add_row(vec![c, d, reps, r]);
    }
    for c in &new_cards {
        t.add_row(vec![c.clone(), "new".into(), "0".into(), "–".into()]);
    }
    render::keep_whole(&mut t, &[0]);
    println!("{t}");
    println!(
        "{due_now} due now · {} new · run `planmark practice`",
        new_cards.len()
    );
    Ok(exit::OK)
}

pub fn history(ctx: &Context, card: Option<&str>) -> Result<u8> {
    let store = ctx.store_read_only()?;
    let card_ref = match card {
        Some(c) => {
            let lib = ctx.library();
            Some(match lib.card(c) {
                Ok((d, card)) => format!("{}/{}", d.id, card.id),
                // A card since removed from the library still has its history.
                Err(_) if c.contains('/') => c.to_string(),
                Err(e) => return Err(e.into()),
            })
        }
        None => None,
    };
    let attempts = store.attempts(card_ref.as_deref())?;
    if attempts.is_empty() {
        println!("No attempts yet. Run `planmark practice` to make the first.");
        return Ok(exit::OK);
    }
    let mut t = new_table(ctx.color_stdout);
    t.set_header(vec![
        "#", "When", "Card", "Mode", "Mark", "Level", "Rating", "Time",
    ]);
    for a in attempts.iter().rev() {
        t.add_row(vec![
            Cell::new(a.id),
            Cell::new(date(a.finished_at)),
            Cell::new(&a.card),
            Cell::new(&a.mode),
            Cell::new(format!("{}/{}", a.mark, a.max_mark)),
            Cell::new(a.level),
            Cell::new(&a.rating),
            Cell::new(format!(
                "{}:{:02}",
                a.duration_ms / 60_000,
                a.duration_ms / 1000 % 60
            )),
        ]);
    }
    render::keep_whole(&mut t, &[0, 2]);
    println!("{t}");
    println!("`planmark attempt N` shows one again.");
    Ok(exit::OK)
}

pub fn attempt(ctx: &Context, id: i64) -> Result<u8> {
    let store = ctx.store_read_only()?;
    let a = store
        .attempt(id)?
        .with_context(|| format!("there is no attempt #{id}; `planmark history` lists them"))?;
    let lib = ctx.library();
    println!(
        "{} #{} · {} · {} · rated {}\n",
        paint("Attempt", BOLD, ctx.color_stdout),
        a.id,
        a.card,
        date(a.finished_at),
        a.rating
    );
    println!("{}\n{}\n", paint("Plan", BOLD, ctx.color_stdout), a.plan);
    let Some(feedback) = planmark::modes::practice::attempt_feedback(&a, &lib)? else {
        anyhow::bail!(
            "attempt #{id} has no readable feedback and its rubric `{}` is gone",
            a.rubric_id
        )
    };
    if let Some((was, now)) = feedback.regraded {
        println!(
            "{}",
            render::warning_line(
                &format!(
                    "rubric `{}` has changed since this attempt: re-graded with the current rubric (was {was}/{}, now {now}/{})",
                    a.rubric_id, a.max_mark, feedback.result.max_mark
                ),
                ctx.color_stdout
            )
        );
    }
    let result = feedback.result;
    print!(
        "{}",
        render::grade_detail(&result, None, &a.plan, ctx.color_stdout)
    );
    Ok(exit::OK)
}

fn sparkline(marks: &[u32], max: u32) -> String {
    const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
    marks
        .iter()
        .map(|&m| {
            let f = if max == 0 { 0.0 } else { m as f64 / max as f64 };
            BARS[((f * 7.0).round() as usize).min(7)]
        })
        .collect()
}

pub fn stats(ctx: &Context, args: StatsArgs) -> Result<u8> {
    let lib = ctx.library();
    let store = ctx.store_read_only()?;
    let now = ctx.now();
    let cards = lib.card_ids(args.deck.as_deref())?;
    let scheduler = Scheduler::new(0.9)?;
    let attempts = store.attempts(None)?;
    let states = store.card_states()?;
    let sessions = store.sessions(None)?;
    let reviews = store.last_reviews()?;
    let report = analytics::stats(
        &cards, &attempts, &states, &reviews, &sessions, &scheduler, now,
    );
    match args.format {
        StatsFormat::Json => {
            println!("{}", serde_json::to_string_pretty(&report)?);
            return Ok(exit::OK);
        }
        StatsFormat::Csv => {
            stats_csv(&report)?;
            return Ok(exit::OK);
        }
        StatsFormat::Table => {}
    }
    let mut t = new_table(ctx.color_stdout);
    t.set_header(vec![
        "Card", "Attempts", "Best", "Last", "Trend", "Next due", "Recall", "Mastery",
    ]);
    for c in &report.cards {
        let max = c.max_mark.unwrap_or(0);
        let mark = |m: Option<u32>, l: Option<u32>| match (m, l) {
            (Some(m), Some(l)) => format!("{m}/{max} L{l}"),
            _ => "–".into(),
        };
        t.add_row(vec![
            c.card.clone(),
            c.attempts.to_string(),
            mark(c.best_mark, c.best_level),
            mark(c.last_mark, c.last_level),
            sparkline(&c.trend, max),
            c.next_due.map_or("new".into(), |d| {
                if d <= now {
                    "due now".into()
                } else {
                    describe_due(d, now)
                }
            }),
            c.retrievability
                .map_or("–".into(), |r| format!("{:.0}%", r * 100.0)),
            format!("{:.0}%", c.mastery * 100.0),
        ]);
    }
    render::keep_whole(&mut t, &[0]);
    println!("{t}");
    if !report.missed.is_empty() {
        println!(
            "\n{}",
            paint("Factors you miss most", BOLD, ctx.color_stdout)
        );
        for m in report.missed.iter().take(8) {
            let hint = m
                .hint
                .as_deref()
                .map(|h| format!(" — {h}"))
                .unwrap_or_default();
            println!(
                "  • {} ({}/{} attempts, {}){hint}",
                m.label, m.missed, m.attempts, m.card
            );
        }
    }
    println!("\n{}", paint("Study analytics", BOLD, ctx.color_stdout));
    let mut t = new_table(ctx.color_stdout);
    t.set_header(vec![
        "Deck",
        "Mastery",
        "Learn",
        "Test",
        "Matching",
        "Sort",
        "Spaced",
        "Cards studied",
    ]);
    let pct = |v: Option<f64>| v.map_or("–".to_string(), |x| format!("{:.0}%", x * 100.0));
    for d in &report.decks {
        t.add_row(vec![
            d.deck.clone(),
            format!("{:.0}%", d.modes.overall() * 100.0),
            pct(d.modes.learn),
            pct(d.modes.test),
            pct(d.modes.matching),
            pct(d.modes.sort),
            pct(d.modes.spaced),
            format!("{} of {}", d.studied, d.cards),
        ]);
    }
    render::keep_whole(&mut t, &[0]);
    println!("{t}");
    println!(
        "Learn, Test, Matching and Sort: the mean over the deck's cards of your latest result\n\
         per card in that mode (factors recalled, items marked, pairs and points right first\n\
         time); cards not yet done in a mode count 0, and a session stopped early can lower a\n\
         card's result but never raise it. Spaced: each card's last mark or flashcard rating\n\
         times the chance you recall it now. Mastery: the mean of the columns you have used."
    );
    Ok(exit::OK)
}

/// One row per card, for a spreadsheet.
fn stats_csv(report: &analytics::Stats) -> Result<()> {
    let mut w = csv::Writer::from_writer(std::io::stdout().lock());
    w.write_record([
        "card",
        "attempts",
        "best_mark",
        "best_level",
        "last_mark",
        "last_level",
        "max_mark",
        "next_due",
        "recall",
        "mastery",
    ])?;
    let opt = |v: Option<u32>| v.map(|v| v.to_string()).unwrap_or_default();
    for c in &report.cards {
        w.write_record([
            planmark::report::spreadsheet_cell(&c.card).into_owned(),
            c.attempts.to_string(),
            opt(c.best_mark),
            opt(c.best_level),
            opt(c.last_mark),
            opt(c.last_level),
            opt(c.max_mark),
            c.next_due
                .and_then(|d| chrono::DateTime::from_timestamp(d, 0))
                .map(|d| d.format("%Y-%m-%dT%H:%M:%SZ").to_string())
                .unwrap_or_default(),
            c.retrievability
                .map(|r| format!("{r:.4}"))
                .unwrap_or_default(),
            format!("{:.4}", c.mastery),
        ])?;
    }
    w.flush()?;
    Ok(())
}

pub fn drafts(ctx: &Context, args: DraftsArgs) -> Result<u8> {
    // Deleting, or taking back drafts saved beside the database while it
    // was busy, writes; listing and showing only read.
    let store = if args.delete.is_some() {
        let store = ctx.store()?;
        super::practice::announce_recovered(&store, ctx);
        store
    } else if drafts::has_fallback_files(&ctx.db)
        && let Ok(store) = ctx.store()
    {
        super::practice::announce_recovered(&store, ctx);
        store
    } else {
        ctx.store_read_only()?
    };
    if let Some(id) = args.delete {
        if store.delete_draft(id)? {
            println!("Deleted draft #{id}.");
            return Ok(exit::OK);
        }
        anyhow::bail!("there is no open draft #{id}");
    }
    if let Some(id) = args.show {
        let d = store
            .draft(id)?
            .with_context(|| format!("there is no open draft #{id}"))?;
        println!(
            "Draft #{} · {} · {}\n{}",
            d.id,
            d.card,
            date(d.updated_at),
            d.plan
        );
        return Ok(exit::OK);
    }
    let drafts = store.open_drafts()?;
    if drafts.is_empty() {
        println!("No drafts: every plan you started has been graded.");
        return Ok(exit::OK);
    }
    let mut t = new_table(ctx.color_stdout);
    t.set_header(vec!["#", "Card", "Last saved", "Plan (start)"]);
    for d in &drafts {
        let start: String = d
            .plan
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .chars()
            .take(60)
            .collect();
        t.add_row(vec![
            d.id.to_string(),
            d.card.clone(),
            date(d.updated_at),
            start,
        ]);
    }
    render::keep_whole(&mut t, &[0, 1]);
    println!("{t}");
    println!(
        "`planmark practice --resume N` carries on with a draft; `planmark drafts --show N` prints it."
    );
    Ok(exit::OK)
}

pub fn where_(ctx: &Context) -> Result<u8> {
    println!("Database: {}", ctx.db.display());
    println!("Library folders searched (after the built-in decks and rubrics):");
    for d in &ctx.library_dirs {
        println!(
            "  {}{}",
            d.display(),
            if d.is_dir() { "" } else { " (not there)" }
        );
    }
    println!(
        "\nBack up: copy the database while planmark is not running, e.g.\n  cp \"{0}\" \"{0}.backup\"\n\
         Delete all study history: remove the file (and any \"{0}-wal\" / \"{0}-shm\" beside it).",
        ctx.db.display()
    );
    Ok(exit::OK)
}
